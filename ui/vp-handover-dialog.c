/* vp-handover-dialog.c: switching cashier with an open shift: close it or hand it over
 *
 * A drawer must not change hands with no decision. The outgoing cashier either closes
 * the shift (the Shift page's count) or hands it over uncounted: then the incoming
 * cashier types their password here, vp_shift_hand_over() moves the expected cash into
 * their new shift, and they are logged in.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-handover-dialog.h"
#include "vp-money.h"
#include "vp-shift.h"
#include "vp-ui.h"

struct _VpHandoverDialog
{
  GtkWindow     parent_instance;

  VpWindow     *window;          /* not owned: the dialog is its transient child */
  GCancellable *cancellable;
  GtkLabel     *summary_label;
  GtkEntry     *login_entry;
  GtkWidget    *password_entry;  /* GtkPasswordEntry */
  GtkLabel     *error_label;
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (VpHandoverDialog, vp_handover_dialog, GTK_TYPE_WINDOW)

static void
vp_handover_dialog_set_busy (VpHandoverDialog *self,
                             gboolean          busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handover.hand-over", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "handover.close-shift", !busy);
}

static gpointer
hand_over_work (gpointer   data,
                GError   **error)
{
  VpUiCall *call = data;

  if (!vp_shift_hand_over (call->db, call->session, call->number, call->text, NULL, NULL,
                           error))
    return NULL;
  return g_strdup (call->number);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VpHandoverDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VpSession *session = vp_context_login_finish (VP_CONTEXT (object), result, &error);

  vp_handover_dialog_set_busy (self, FALSE);
  if (session == NULL)
    {
      /* The shift is handed over; only the log-in failed: they log in as usual. */
      vp_context_logout (VP_CONTEXT (object));
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
hand_over_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *login = vp_ui_run_finish (result, &error);
  VpHandoverDialog *self;
  VpContext *context;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = VP_HANDOVER_DIALOG (object);
  vp_handover_dialog_set_busy (self, FALSE);
  if (login == NULL)
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }
  /* The shift is theirs now: log them in with the password they just typed (the window
   * closes this dialog when the session changes). */
  context = vp_window_get_context (self->window);
  vp_handover_dialog_set_busy (self, TRUE);
  vp_context_login_async (context, login, gtk_editable_get_text (GTK_EDITABLE (self->password_entry)),
                          NULL, login_cb, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

static void
hand_over_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VpHandoverDialog *self = VP_HANDOVER_DIALOG (widget);
  VpUiCall *call;
  const char *login = gtk_editable_get_text (GTK_EDITABLE (self->login_entry));

  if (self->busy)
    return;
  if (login[0] == '\0')
    {
      vp_ui_show_error (self->error_label, _("Type the login of the cashier who takes over."));
      return;
    }
  call = vp_ui_call_new (vp_window_get_context (self->window), NULL);
  if (call == NULL)
    return;
  call->number = g_strdup (login);
  call->text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_entry)));
  vp_handover_dialog_set_busy (self, TRUE);
  vp_ui_run_async (self, self->cancellable, hand_over_work, call, vp_ui_call_free, g_free,
                   hand_over_cb, NULL);
}

static void
close_shift_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  VpHandoverDialog *self = VP_HANDOVER_DIALOG (widget);
  VpWindow *window = self->window;

  gtk_window_destroy (GTK_WINDOW (self));
  vp_window_show_page (window, "shift");
}

static void
vp_handover_dialog_dispose (GObject *object)
{
  VpHandoverDialog *self = VP_HANDOVER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (vp_handover_dialog_parent_class)->dispose (object);
}

static void
vp_handover_dialog_finalize (GObject *object)
{
  VpHandoverDialog *self = VP_HANDOVER_DIALOG (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (vp_handover_dialog_parent_class)->finalize (object);
}

static void
vp_handover_dialog_class_init (VpHandoverDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_handover_dialog_dispose;
  object_class->finalize = vp_handover_dialog_finalize;
  gtk_widget_class_install_action (widget_class, "handover.hand-over", NULL, hand_over_action);
  gtk_widget_class_install_action (widget_class, "handover.close-shift", NULL,
                                   close_shift_action);
  vp_ui_bind_escape_close (widget_class);
}

static GtkWidget *
labelled (GtkGrid    *grid,
          int         row,
          const char *mnemonic,
          GtkWidget  *field)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (mnemonic);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
  gtk_widget_set_hexpand (field, TRUE);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, field, 1, row, 1, 1);
  return field;
}

static void
vp_handover_dialog_init (VpHandoverDialog *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *close_button = gtk_button_new_with_mnemonic (_("_Close My Shift Now"));
  GtkWidget *hand_button = gtk_button_new_with_mnemonic (_("_Hand Over"));

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Switch Cashier"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_resizable (GTK_WINDOW (self), FALSE);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_label_set_max_width_chars (self->summary_label, 50);
  gtk_label_set_xalign (self->summary_label, 0);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->summary_label));

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  self->login_entry = GTK_ENTRY (labelled (GTK_GRID (grid), 0, _("Incoming cashier’s _login"),
                                           gtk_entry_new ()));
  self->password_entry = labelled (GTK_GRID (grid), 1, _("Their _password"),
                                   gtk_password_entry_new ());
  g_object_set (self->password_entry, "activates-default", TRUE, NULL);
  gtk_box_append (GTK_BOX (box), grid);

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->error_label));

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (close_button), "handover.close-shift");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (hand_button), "handover.hand-over");
  gtk_widget_add_css_class (hand_button, "suggested-action");
  gtk_box_append (GTK_BOX (buttons), close_button);
  gtk_box_append (GTK_BOX (buttons), hand_button);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_window_set_child (GTK_WINDOW (self), box);
  gtk_window_set_default_widget (GTK_WINDOW (self), hand_button);
}

/* Switching ------------------------------------------------------------------ */

static gpointer
current_shift_work (gpointer   data,
                    GError   **error)
{
  VpUiCall *call = data;

  return vp_shift_get_current (call->db, call->session, error);
}

static void
current_shift_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = vp_ui_run_finish (result, &error);
  VpWindow *window = VP_WINDOW (object);
  VpHandoverDialog *self;
  g_autofree char *expected = NULL;
  g_autofree char *summary = NULL;

  if (shift == NULL)
    {
      /* No open shift (or it cannot be read: the next cashier's log-in shows it). */
      vp_context_logout (vp_window_get_context (window));
      return;
    }
  expected = vp_money_format (shift->expected);
  summary = g_strdup_printf (_("Your shift is still open and the drawer should hold %s yuan. "
                               "Close it now and count the cash, or hand the drawer over "
                               "uncounted to the next cashier, who confirms with their "
                               "password."), expected);
  self = g_object_new (VP_TYPE_HANDOVER_DIALOG, "transient-for", window, NULL);
  self->window = window;
  gtk_label_set_text (self->summary_label, summary);
  gtk_window_present (GTK_WINDOW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->login_entry));
}

void
vp_handover_dialog_switch (VpWindow *window)
{
  VpContext *context;
  VpUiCall *call;

  g_return_if_fail (VP_IS_WINDOW (window));

  context = vp_window_get_context (window);
  if (!vp_context_can (context, VP_PERM_SHIFT))
    {
      vp_context_logout (context);
      return;
    }
  call = vp_ui_call_new (context, NULL);
  if (call == NULL)
    return;
  vp_ui_run_async (window, NULL, current_shift_work, call, vp_ui_call_free,
                   (GDestroyNotify) vp_shift_free, current_shift_cb, NULL);
}

VpHandoverDialog *
vp_handover_dialog_find (VpWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  g_return_val_if_fail (VP_IS_WINDOW (window), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (VP_IS_HANDOVER_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (window))
        return VP_HANDOVER_DIALOG (w);
    }
  return NULL;
}

gboolean
vp_handover_dialog_get_busy (VpHandoverDialog *self)
{
  g_return_val_if_fail (VP_IS_HANDOVER_DIALOG (self), FALSE);

  return self->busy;
}

const char *
vp_handover_dialog_get_error (VpHandoverDialog *self)
{
  g_return_val_if_fail (VP_IS_HANDOVER_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

GtkEditable *
vp_handover_dialog_get_field (VpHandoverDialog *self,
                              const char       *name)
{
  g_return_val_if_fail (VP_IS_HANDOVER_DIALOG (self), NULL);

  if (g_str_equal (name, "login"))
    return GTK_EDITABLE (self->login_entry);
  return GTK_EDITABLE (self->password_entry);
}
