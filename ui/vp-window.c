/* vp-window.c: the main window: page switcher, operator, screen lock
 *
 * Nothing is shown before a log-in: while the context has no session the window shows
 * only "locked" and the log-in dialog sits on top. The role of whoever logs in decides
 * which pages exist (the model checks every action again). No input for the context's
 * lock timeout ends the session the same way; the same or another operator logs in.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-accounts-page.h"
#include "vp-batches-page.h"
#include "vp-counter-page.h"
#include "vp-handover-dialog.h"
#include "vp-login-dialog.h"
#include "vp-meters-page.h"
#include "vp-reports-page.h"
#include "vp-rooms-page.h"
#include "vp-settings-page.h"
#include "vp-shift-page.h"
#include "vp-window.h"

struct _VpWindow
{
  GtkApplicationWindow  parent_instance;

  VpContext            *context;
  char                 *last_login;    /* prefilled after a lock */
  GtkWindow            *login_dialog;  /* weak */
  gint64                last_activity; /* monotonic µs */
  guint                 lock_source;

  GtkStack             *main_stack;
  GtkStack             *stack;
  GtkWidget            *switcher;
  GtkWidget            *operator_button;
  GtkLabel             *operator_label;
  GtkWidget            *counter_page;
  GtkWidget            *accounts_page;
  GtkWidget            *rooms_page;
  GtkWidget            *shift_page;
  GtkWidget            *reports_page;
  GtkWidget            *batches_page;
  GtkWidget            *meters_page;
  GtkWidget            *settings_page;
};

G_DEFINE_FINAL_TYPE (VpWindow, vp_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void vp_window_schedule_lock (VpWindow *self);

static const char *
role_label (VpRole role)
{
  switch (role)
    {
    case VP_ROLE_CASHIER:
      return _("Cashier");
    case VP_ROLE_SUPERVISOR:
      return _("Supervisor");
    case VP_ROLE_TECHNICIAN:
      return _("Technician");
    case VP_ROLE_ADMIN:
      return _("Administrator");
    default:
      g_assert_not_reached ();
    }
}

static void
login_dialog_destroyed_cb (VpWindow *self)
{
  self->login_dialog = NULL;
}

static gboolean
login_dialog_close_request_cb (VpWindow *self)
{
  /* Closing the log-in dialog without logging in closes the counter. */
  if (vp_context_get_session (self->context) == NULL)
    gtk_window_destroy (GTK_WINDOW (self));
  return FALSE;
}

static void
vp_window_ask_login (VpWindow *self)
{
  if (self->login_dialog != NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  self->login_dialog = GTK_WINDOW (vp_login_dialog_new (self->context, GTK_WINDOW (self),
                                                        self->last_login));
  g_signal_connect_object (self->login_dialog, "destroy",
                           G_CALLBACK (login_dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->login_dialog, "close-request",
                           G_CALLBACK (login_dialog_close_request_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (self->login_dialog);
}

static void
close_dialogs (VpWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  /* Dialogs of the previous operator must not outlive their session. */
  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i - 1);

      if (w != self->login_dialog && gtk_window_get_transient_for (w) == GTK_WINDOW (self))
        gtk_window_destroy (w);
    }
}

static void
vp_window_update_pages (VpWindow *self)
{
  gboolean counter = vp_context_can (self->context, VP_PERM_TOPUP) ||
                     vp_context_can (self->context, VP_PERM_ACCOUNT_VIEW);
  gboolean accounts = vp_context_can (self->context, VP_PERM_ACCOUNT_VIEW);
  GAction *action;

  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->counter_page), counter);
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->accounts_page), accounts);
  /* Cashiers keep a drawer, technicians commission meters, admins change settings. */
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->rooms_page), accounts);
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->shift_page),
                              vp_context_can (self->context, VP_PERM_SHIFT));
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->reports_page),
                              vp_context_can (self->context, VP_PERM_REPORTS));
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->batches_page),
                              vp_context_can (self->context, VP_PERM_BATCH));
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->meters_page),
                              vp_context_can (self->context, VP_PERM_METER_COMMISSION));
  gtk_stack_page_set_visible (gtk_stack_get_page (self->stack, self->settings_page),
                              vp_context_can (self->context, VP_PERM_SETTINGS));

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-accounts");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), accounts);

  /* Counter settings are the administrator's (the context checks again). */
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "lock-timeout");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               vp_context_can (self->context, VP_PERM_SETTINGS));
  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_uint32 (vp_context_get_lock_timeout (self->context)));

  if (counter)
    gtk_stack_set_visible_child (self->stack, self->counter_page);
  else if (accounts)
    gtk_stack_set_visible_child (self->stack, self->accounts_page);
}

static void
session_changed_cb (VpWindow *self)
{
  VpSession *session = vp_context_get_session (self->context);

  if (session == NULL)
    {
      g_clear_handle_id (&self->lock_source, g_source_remove);
      close_dialogs (self);
      gtk_stack_set_visible_child_name (self->main_stack, "locked");
      gtk_widget_set_visible (self->switcher, FALSE);
      gtk_widget_set_visible (self->operator_button, FALSE);
      vp_window_ask_login (self);
      return;
    }

  g_free (self->last_login);
  self->last_login = g_strdup (vp_session_get_login (session));
  {
    g_autofree char *text = g_strdup_printf ("%s · %s", vp_session_get_name (session),
                                             role_label (vp_session_get_role (session)));
    gtk_label_set_text (self->operator_label, text);
  }
  vp_window_update_pages (self);
  gtk_stack_set_visible_child_name (self->main_stack, "pages");
  gtk_widget_set_visible (self->switcher, TRUE);
  gtk_widget_set_visible (self->operator_button, TRUE);
  if (self->login_dialog != NULL)
    gtk_window_destroy (self->login_dialog);

  self->last_activity = g_get_monotonic_time ();
  vp_window_schedule_lock (self);
  gtk_widget_activate_action (self->counter_page, "counter.focus-search", NULL);
}

static gboolean
lock_timeout_cb (gpointer data)
{
  VpWindow *self = data;

  self->lock_source = 0;
  vp_window_schedule_lock (self);
  return G_SOURCE_REMOVE;
}

/* Locks when the timeout has passed since the last input, else waits for the rest
 * (one timer per timeout, not one per key press). */
static void
vp_window_schedule_lock (VpWindow *self)
{
  guint timeout = vp_context_get_lock_timeout (self->context);
  gint64 idle_ms;

  g_clear_handle_id (&self->lock_source, g_source_remove);
  if (timeout == 0 || vp_context_get_session (self->context) == NULL)
    return;

  idle_ms = (g_get_monotonic_time () - self->last_activity) / 1000;
  if (idle_ms >= (gint64) timeout * 1000)
    {
      vp_window_lock (self);
      return;
    }
  self->lock_source = g_timeout_add ((guint) ((gint64) timeout * 1000 - idle_ms),
                                     lock_timeout_cb, self);
}

static void
activity_cb (VpWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static void
vp_window_watch_activity (VpWindow  *self,
                          GtkWidget *widget)
{
  GtkEventController *controller;

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (activity_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, controller);

  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "pressed", G_CALLBACK (activity_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "motion", G_CALLBACK (activity_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (widget, controller);
}

static void
window_added_cb (VpWindow  *self,
                 GtkWindow *window)
{
  /* Typing in a dialog is activity at this counter too. */
  if (window != GTK_WINDOW (self) && gtk_window_get_transient_for (window) == GTK_WINDOW (self))
    vp_window_watch_activity (self, GTK_WIDGET (window));
}

static void
lock_timeout_changed_cb (VpWindow *self)
{
  vp_window_schedule_lock (self);
}

static void
forward_to_counter (VpWindow   *self,
                    const char *action)
{
  if (!gtk_stack_page_get_visible (gtk_stack_get_page (self->stack, self->counter_page)))
    return;
  gtk_stack_set_visible_child (self->stack, self->counter_page);
  gtk_widget_activate_action (self->counter_page, action, NULL);
}

static void
search_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  forward_to_counter (user_data, "counter.focus-search");
}

static void
topup_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  forward_to_counter (user_data, "counter.topup");
}

static void
refund_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  forward_to_counter (user_data, "counter.refund");
}

static void
reverse_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  forward_to_counter (user_data, "counter.reverse");
}

static void
print_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  /* F8 reprint and Ctrl+P print are one action: the model numbers the copies and
   * marks every copy after the first DUPLICATE. */
  forward_to_counter (user_data, "counter.print");
}

static void
back_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  VpWindow *self = user_data;

  if (gtk_stack_get_visible_child (self->stack) != self->counter_page)
    forward_to_counter (self, "counter.focus-search");
  else
    gtk_widget_activate_action (self->counter_page, "counter.back", NULL);
}

static void
show_accounts_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  vp_window_show_page (user_data, "accounts");
}

static void
lock_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  vp_window_lock (user_data);
}

static void
logout_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  VpWindow *self = user_data;

  /* Another operator takes the counter: nothing prefilled; an open shift is closed or
   * handed over first (vp-handover-dialog.c), never left behind undecided. */
  g_clear_pointer (&self->last_login, g_free);
  vp_handover_dialog_switch (self);
}

static void
lock_timeout_change_state (GSimpleAction *action,
                           GVariant      *value,
                           gpointer       user_data)
{
  VpWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!vp_context_set_lock_timeout (self->context, g_variant_get_uint32 (value), &error))
    {
      GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL,
                                                  GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                                  "%s", _("The setting was not changed"));

      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s",
                                                error->message);
      g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  g_simple_action_set_state (action, value);
}

static const GActionEntry win_entries[] = {
  { "search", search_activated },
  { "topup", topup_activated },
  { "refund", refund_activated },
  { "reverse", reverse_activated },
  { "print", print_activated },
  { "reprint", print_activated },
  { "back", back_activated },
  { "show-accounts", show_accounts_activated },
  { "lock", lock_activated },
  { "logout", logout_activated },
  { "lock-timeout", NULL, "u", "uint32 300", lock_timeout_change_state },
};

static gboolean
ask_login_idle_cb (gpointer data)
{
  VpWindow *self = data;

  /* After mapping, so the dialog has a shown parent to sit on. */
  if (vp_context_get_session (self->context) == NULL)
    vp_window_ask_login (self);
  return G_SOURCE_REMOVE;
}

static void
vp_window_map (GtkWidget *widget)
{
  VpWindow *self = VP_WINDOW (widget);

  GTK_WIDGET_CLASS (vp_window_parent_class)->map (widget);

  if (vp_context_get_session (self->context) == NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, ask_login_idle_cb, g_object_ref (self), g_object_unref);
}

static void
vp_window_constructed (GObject *object)
{
  VpWindow *self = VP_WINDOW (object);
  GtkApplication *app;

  G_OBJECT_CLASS (vp_window_parent_class)->constructed (object);

  g_assert (self->context != NULL);

  self->counter_page = GTK_WIDGET (vp_counter_page_new (self->context));
  gtk_stack_add_titled (self->stack, self->counter_page, "counter", _("Counter"));
  self->accounts_page = GTK_WIDGET (vp_accounts_page_new (self->context));
  gtk_stack_add_titled (self->stack, self->accounts_page, "accounts", _("Accounts"));
  self->rooms_page = vp_rooms_page_new (self->context);
  gtk_stack_add_titled (self->stack, self->rooms_page, "rooms", _("Rooms"));
  self->shift_page = vp_shift_page_new (self->context);
  gtk_stack_add_titled (self->stack, self->shift_page, "shift", _("Shift"));
  self->reports_page = vp_reports_page_new (self->context);
  gtk_stack_add_titled (self->stack, self->reports_page, "reports", _("Reports"));
  self->batches_page = vp_batches_page_new (self->context);
  gtk_stack_add_titled (self->stack, self->batches_page, "batches", _("Batches"));
  self->meters_page = vp_meters_page_new (self->context);
  gtk_stack_add_titled (self->stack, self->meters_page, "meters", _("Meters"));
  self->settings_page = vp_settings_page_new (self->context);
  gtk_stack_add_titled (self->stack, self->settings_page, "settings", _("Settings"));

  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::lock-timeout",
                           G_CALLBACK (lock_timeout_changed_cb), self, G_CONNECT_SWAPPED);

  app = gtk_window_get_application (GTK_WINDOW (self));
  if (app != NULL)
    g_signal_connect_object (app, "window-added", G_CALLBACK (window_added_cb), self,
                             G_CONNECT_SWAPPED);

  session_changed_cb (self);
}

static void
vp_window_dispose (GObject *object)
{
  VpWindow *self = VP_WINDOW (object);

  g_clear_handle_id (&self->lock_source, g_source_remove);
  if (self->login_dialog != NULL)
    gtk_window_destroy (self->login_dialog);

  G_OBJECT_CLASS (vp_window_parent_class)->dispose (object);
}

static void
vp_window_finalize (GObject *object)
{
  VpWindow *self = VP_WINDOW (object);

  g_clear_pointer (&self->last_login, g_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_window_parent_class)->finalize (object);
}

static void
vp_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  VpWindow *self = VP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vp_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  VpWindow *self = VP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vp_window_class_init (VpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_window_constructed;
  object_class->dispose = vp_window_dispose;
  object_class->finalize = vp_window_finalize;
  object_class->set_property = vp_window_set_property;
  object_class->get_property = vp_window_get_property;
  widget_class->map = vp_window_map;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, VpWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, VpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, VpWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, VpWindow, operator_button);
  gtk_widget_class_bind_template_child (widget_class, VpWindow, operator_label);
}

static void
vp_window_init (VpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries,
                                   G_N_ELEMENTS (win_entries), self);
  vp_window_watch_activity (self, GTK_WIDGET (self));
}

VpWindow *
vp_window_new (GtkApplication *application,
               VpContext      *context)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}

VpContext *
vp_window_get_context (VpWindow *self)
{
  g_return_val_if_fail (VP_IS_WINDOW (self), NULL);

  return self->context;
}

void
vp_window_lock (VpWindow *self)
{
  g_return_if_fail (VP_IS_WINDOW (self));

  vp_context_logout (self->context);
}

gboolean
vp_window_get_locked (VpWindow *self)
{
  g_return_val_if_fail (VP_IS_WINDOW (self), TRUE);

  return vp_context_get_session (self->context) == NULL;
}

GtkWindow *
vp_window_get_login_dialog (VpWindow *self)
{
  g_return_val_if_fail (VP_IS_WINDOW (self), NULL);

  return self->login_dialog;
}

GtkWidget *
vp_window_get_page (VpWindow   *self,
                    const char *name)
{
  g_return_val_if_fail (VP_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return gtk_stack_get_child_by_name (self->stack, name);
}

gboolean
vp_window_get_page_visible (VpWindow   *self,
                            const char *name)
{
  GtkWidget *page = vp_window_get_page (self, name);

  return page != NULL && !vp_window_get_locked (self) &&
         gtk_stack_page_get_visible (gtk_stack_get_page (self->stack, page));
}

void
vp_window_show_page (VpWindow   *self,
                     const char *name)
{
  g_return_if_fail (VP_IS_WINDOW (self));

  if (vp_window_get_page_visible (self, name))
    gtk_stack_set_visible_child_name (self->stack, name);
}
