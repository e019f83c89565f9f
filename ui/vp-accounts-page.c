/* vp-accounts-page.c: the account life cycle: open, transfer, suspend, close
 *
 * Lists accounts (the first ones in number order, or what the search field finds,
 * each keystroke in a worker thread, stale answers dropped), shows the picked one on
 * the customer card, and runs the life-cycle actions through the model. Operators
 * whose role cannot manage accounts do not see those buttons; the model refuses them
 * anyway.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-account-wizard.h"
#include "vp-accounts-page.h"
#include "vp-approval-dialog.h"
#include "vp-customer-card.h"
#include "vp-engine.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-search.h"
#include "vp-shift-dialog.h"
#include "vp-replace-meter-dialog.h"
#include "vp-transfer-dialog.h"
#include "vp-ui.h"

struct _VpAccountsPage
{
  GtkWidget       parent_instance;

  VpContext      *context;

  GCancellable   *list_cancellable;
  guint           list_serial;
  gboolean        listing;
  GPtrArray      *hits;           /* VpSearchHit * */

  guint           load_serial;
  gboolean        loading;
  gboolean        setting;        /* a close threshold is being stored */
  VpAccount      *account;
  GtkWindow      *dialog;         /* weak */

  GtkSearchEntry *search_entry;
  GtkLabel       *list_status;
  GtkListBox     *account_list;
  GtkWidget      *manage_box;
  GtkWidget      *suspend_button;
  GtkWidget      *restore_button;
  GtkWidget      *close_threshold_box;
  GtkEntry       *close_threshold_entry;
  GtkLabel       *message_label;
  VpCustomerCard *card;
};

G_DEFINE_FINAL_TYPE (VpAccountsPage, vp_accounts_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void vp_accounts_page_load (VpAccountsPage *self,
                                   const char     *number);
static void vp_accounts_page_load_close_threshold (VpAccountsPage *self);

static gboolean
vp_accounts_page_has_meter (VpAccountsPage *self)
{
  for (guint i = 0; self->account != NULL && self->account->meters != NULL
                    && i < self->account->meters->len; i++)
    if (((VpMeter *) g_ptr_array_index (self->account->meters, i))->status
        == VP_METER_STATUS_ACTIVE)
      return TRUE;
  return FALSE;
}

static void
vp_accounts_page_update_actions (VpAccountsPage *self)
{
  gboolean manage = vp_context_can (self->context, VP_PERM_ACCOUNT_MANAGE);
  VpAccountStatus status = self->account != NULL ? self->account->status
                                                 : VP_ACCOUNT_STATUS_CLOSED;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_set_visible (self->manage_box, manage);
  gtk_widget_set_visible (self->close_threshold_box, manage && self->account != NULL
                          && self->account->mode == VP_ACCOUNT_MODE_PREPAID);
  gtk_widget_action_set_enabled (widget, "accounts.close-threshold",
                                 manage && status != VP_ACCOUNT_STATUS_CLOSED && !self->setting);
  gtk_widget_action_set_enabled (widget, "accounts.open", manage);
  gtk_widget_action_set_enabled (widget, "accounts.transfer",
                                 manage && status != VP_ACCOUNT_STATUS_CLOSED);
  gtk_widget_action_set_enabled (widget, "accounts.replace-meter",
                                 manage && status != VP_ACCOUNT_STATUS_CLOSED
                                 && vp_accounts_page_has_meter (self));
  gtk_widget_action_set_enabled (widget, "accounts.suspend",
                                 manage && status == VP_ACCOUNT_STATUS_OPEN);
  gtk_widget_action_set_enabled (widget, "accounts.restore",
                                 manage && status == VP_ACCOUNT_STATUS_SUSPENDED);
  gtk_widget_action_set_enabled (widget, "accounts.close",
                                 manage && status != VP_ACCOUNT_STATUS_CLOSED);
  gtk_widget_set_visible (self->suspend_button, status != VP_ACCOUNT_STATUS_SUSPENDED);
  gtk_widget_set_visible (self->restore_button, status == VP_ACCOUNT_STATUS_SUSPENDED);
}

/* List ----------------------------------------------------------------------- */

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;

  hits = vp_ui_run_finish (result, &error);
  if (GPOINTER_TO_UINT (user_data) != self->list_serial)
    return;
  self->listing = FALSE;

  /* Rows are reused: a kept selection would point at another account now. */
  gtk_list_box_unselect_all (self->account_list);
  vp_ui_account_list_fill (self->account_list, hits);
  g_clear_pointer (&self->hits, g_ptr_array_unref);
  if (hits == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->list_status, error->message);
      return;
    }
  self->hits = g_ptr_array_ref (hits);

  if (hits->len == 0)
    gtk_label_set_text (self->list_status, _("No account found"));
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u account",
                                                            "%u accounts", hits->len),
                                               hits->len);
      gtk_label_set_text (self->list_status, text);
    }
}

void
vp_accounts_page_refresh (VpAccountsPage *self)
{
  VpUiCall *call;

  g_return_if_fail (VP_IS_ACCOUNTS_PAGE (self));

  g_cancellable_cancel (self->list_cancellable);
  g_clear_object (&self->list_cancellable);
  self->list_serial++;

  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL || !vp_context_can (self->context, VP_PERM_ACCOUNT_VIEW))
    {
      vp_ui_call_free (call);
      self->listing = FALSE;
      vp_ui_account_list_fill (self->account_list, NULL);
      g_clear_pointer (&self->hits, g_ptr_array_unref);
      return;
    }
  call->text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  call->amount = VP_ACCOUNTS_PAGE_LIST_LIMIT;

  self->listing = TRUE;
  self->list_cancellable = g_cancellable_new ();
  vp_ui_run_async (self, self->list_cancellable, vp_ui_find_accounts_work, call,
                   vp_ui_call_free, (GDestroyNotify) g_ptr_array_unref, list_cb,
                   GUINT_TO_POINTER (self->list_serial));
}

/* Card ----------------------------------------------------------------------- */

/* VpUiWorkFunc: the close threshold set on call->number, "" when none is. */
static gpointer
close_threshold_work (gpointer   data,
                      GError   **error)
{
  VpUiCall *call = data;
  gboolean set = FALSE;
  gint64 amount = 0;

  if (!vp_engine_get_close_threshold (call->db, call->number, &set, &amount, error))
    return NULL;
  return set ? vp_money_format (amount) : g_strdup ("");
}

static void
close_threshold_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = vp_ui_run_finish (result, &error);
  g_autofree char *trip = NULL;
  g_autofree char *placeholder = NULL;

  if (GPOINTER_TO_UINT (user_data) != self->load_serial)
    return;
  self->loading = FALSE;
  if (text == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->close_threshold_entry), text);
  trip = vp_money_format (self->account->trip);
  /* TRANSLATORS: shown in the empty close threshold field */
  placeholder = g_strdup_printf (_("trip: %s"), trip);
  gtk_entry_set_placeholder_text (self->close_threshold_entry, placeholder);
}

/* The shown account's close threshold into its field; loading until it is there. */
static void
vp_accounts_page_load_close_threshold (VpAccountsPage *self)
{
  VpUiCall *call = vp_ui_call_new (self->context, self->account->number);

  if (call == NULL)
    return;
  self->loading = TRUE;
  vp_ui_run_async (self, NULL, close_threshold_work, call, vp_ui_call_free, g_free,
                   close_threshold_cb, GUINT_TO_POINTER (self->load_serial));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  VpUiAccountInfo *info = vp_ui_run_finish (result, &error);

  if (GPOINTER_TO_UINT (user_data) != self->load_serial)
    {
      vp_ui_account_info_free (info);
      return;
    }
  self->loading = FALSE;
  if (info == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }

  g_clear_pointer (&self->account, vp_account_free);
  self->account = g_steal_pointer (&info->account);
  vp_customer_card_set_account (self->card, self->account, info->last_topup);
  vp_customer_card_set_meter_states (self->card, info->meters);
  vp_ui_account_info_free (info);
  vp_accounts_page_update_actions (self);
  vp_accounts_page_load_close_threshold (self);
}

static void
vp_accounts_page_load (VpAccountsPage *self,
                       const char     *number)
{
  VpUiCall *call = vp_ui_call_new (self->context, number);

  if (call == NULL)
    return;
  self->load_serial++;
  self->loading = TRUE;
  vp_ui_run_async (self, NULL, vp_ui_load_account_work, call, vp_ui_call_free,
                   vp_ui_account_info_free, load_cb, GUINT_TO_POINTER (self->load_serial));
}

/* The shown card's meters follow the engine's cycles. */
static void
cycle_finished_cb (VpAccountsPage *self)
{
  if (self->account != NULL && !self->loading)
    vp_accounts_page_load (self, self->account->number);
}

static void
row_selected_cb (VpAccountsPage *self,
                 GtkListBoxRow  *row)
{
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;
  const VpSearchHit *hit;

  if (self->hits == NULL || index < 0 || (guint) index >= self->hits->len)
    return;
  hit = g_ptr_array_index (self->hits, index);
  vp_accounts_page_load (self, hit->number);
}

/* Finished changes: say so, and show the account as it is now. */
static void
vp_accounts_page_changed (VpAccountsPage *self,
                          const char     *number,
                          const char     *message)
{
  vp_ui_show_message (self->message_label, message, FALSE);
  vp_accounts_page_refresh (self);
  if (number != NULL)
    vp_accounts_page_load (self, number);
}

/* Dialogs -------------------------------------------------------------------- */

static void
dialog_destroyed_cb (GtkWindow      *dialog,
                     VpAccountsPage *self)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
}

static void
vp_accounts_page_track (VpAccountsPage *self,
                        GtkWindow      *dialog)
{
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, 0);
}

static void
vp_accounts_page_present (VpAccountsPage *self,
                          GtkWindow      *dialog)
{
  vp_accounts_page_track (self, dialog);
  vp_ui_present_dialog (GTK_WIDGET (self), dialog);
}

static void
opened_cb (VpAccountsPage *self,
           const char     *number,
           const char     *summary)
{
  vp_accounts_page_changed (self, number, summary);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (widget);
  GtkWindow *wizard = GTK_WINDOW (vp_account_wizard_new (self->context));

  g_signal_connect_object (wizard, "opened", G_CALLBACK (opened_cb), self, G_CONNECT_SWAPPED);
  vp_accounts_page_present (self, wizard);
}

static void
transferred_cb (VpAccountsPage *self,
                const char     *summary)
{
  vp_accounts_page_changed (self, self->account != NULL ? self->account->number : NULL, summary);
}

/* A dialog that changes the shown account (transfer, replace meter): its @signal
 * (const char *summary) reloads the account and says what happened. */
static void
vp_accounts_page_present_change (VpAccountsPage *self,
                                 GtkWindow      *dialog,
                                 const char     *signal)
{
  g_signal_connect_object (dialog, signal, G_CALLBACK (transferred_cb), self,
                           G_CONNECT_SWAPPED);
  vp_accounts_page_present (self, dialog);
}

static void
transfer_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (widget);

  if (self->account != NULL)
    vp_accounts_page_present_change (self, GTK_WINDOW (vp_transfer_dialog_new (self->context,
                                                                               self->account)),
                                     "transferred");
}

static void
replace_meter_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (widget);

  if (self->account != NULL)
    vp_accounts_page_present_change (self,
                                     GTK_WINDOW (vp_replace_meter_dialog_new (self->context,
                                                                              self->account)),
                                     "replaced");
}

static gpointer
suspend_work (gpointer   data,
              GError   **error)
{
  VpUiCall *call = data;

  if (!vp_account_set_suspended (call->db, call->session, call->number, call->amount != 0, error))
    return NULL;
  return g_strdup (call->number);
}

static void
suspend_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_ui_run_finish (result, &error);
  gboolean suspended = GPOINTER_TO_INT (user_data);
  g_autofree char *message = NULL;

  if (number == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  message = g_strdup_printf (suspended ? _("Account %s is suspended: it takes no top-ups.")
                                       : _("Account %s is open again."), number);
  vp_accounts_page_changed (self, number, message);
}

static void
vp_accounts_page_set_suspended (VpAccountsPage *self,
                                gboolean        suspended)
{
  VpUiCall *call;

  if (self->account == NULL)
    return;
  call = vp_ui_call_new (self->context, self->account->number);
  if (call == NULL)
    return;
  call->amount = suspended;
  vp_ui_run_async (self, NULL, suspend_work, call, vp_ui_call_free, g_free, suspend_cb,
                   GINT_TO_POINTER (suspended));
}

static void
suspend_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vp_accounts_page_set_suspended (VP_ACCOUNTS_PAGE (widget), TRUE);
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vp_accounts_page_set_suspended (VP_ACCOUNTS_PAGE (widget), FALSE);
}

/* call->amount the close threshold as typed in call->text; no text: the default. */
static gpointer
close_threshold_set_work (gpointer   data,
                          GError   **error)
{
  VpUiCall *call = data;
  g_autofree char *amount = NULL;

  if (!vp_engine_set_close_threshold (call->db, call->session, call->number,
                                      call->text == NULL, call->amount, error))
    return NULL;
  if (call->text == NULL)
    return g_strdup_printf (_("Account %s: a tripped supply is closed again above the trip "
                              "threshold."), call->number);
  amount = vp_ui_format_money (call->amount);
  return g_strdup_printf (_("Account %s: a tripped supply is closed again above %s."),
                          call->number, amount);
}

static void
close_threshold_set_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vp_ui_run_finish (result, &error);

  self->setting = FALSE;
  vp_accounts_page_update_actions (self);
  if (message == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  vp_accounts_page_changed (self, self->account != NULL ? self->account->number : NULL, message);
}

static void
close_threshold_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  VpUiCall *call;

  if (self->account == NULL || self->setting)
    return;
  call = vp_ui_call_new (self->context, self->account->number);
  if (call == NULL)
    return;
  /* empty: back to the trip threshold; the text is kept on a refusal */
  call->text = vp_ui_entry_text (self->close_threshold_entry);
  if (call->text != NULL
      && !vp_money_parse (call->text, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE,
                          &call->amount, &error))
    {
      vp_ui_show_error (self->message_label, error->message);
      vp_ui_call_free (call);
      return;
    }
  self->setting = TRUE;
  vp_accounts_page_update_actions (self);
  vp_ui_run_async (self, NULL, close_threshold_set_work, call, vp_ui_call_free, g_free,
                   close_threshold_set_cb, NULL);
}

static gpointer
close_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(VpLedgerEntry) entry = NULL;

  if (!vp_account_close (call->db, call->session, call->number, call->method, call->approver,
                         &entry, error))
    return NULL;
  if (entry == NULL)
    return g_strdup_printf (_("Account %s is closed."), call->number);
  {
    g_autofree char *amount = vp_ui_format_money (-entry->amount);
    return g_strdup_printf (_("Account %s is closed. Pay back %s. Receipt %s."),
                            call->number, amount, entry->receipt);
  }
}

static void vp_accounts_page_close (VpAccountsPage *self,
                                    gint64          approver);
static void close_confirmed_cb     (VpAccountsPage *self);

static void
close_approved_cb (VpAccountsPage *self,
                   gint64          approver)
{
  vp_accounts_page_close (self, approver);
}

static void
close_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = vp_ui_run_finish (result, &error);
  g_autofree char *number = user_data;

  if (message == NULL)
    {
      if (g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED))
        {
          GtkWindow *dialog;

          dialog = GTK_WINDOW (vp_approval_dialog_new (self->context, VP_PERM_APPROVE,
                                                       error->message));
          g_signal_connect_object (dialog, "approved", G_CALLBACK (close_approved_cb), self,
                                   G_CONNECT_SWAPPED);
          vp_accounts_page_present (self, dialog);
          return;
        }
      if (g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT))
        {
          /* The settlement pays money out: open a shift, then close the account. */
          GtkWindow *dialog = GTK_WINDOW (vp_shift_dialog_new (self->context));

          g_signal_connect_object (dialog, "opened", G_CALLBACK (close_confirmed_cb), self,
                                   G_CONNECT_SWAPPED);
          vp_accounts_page_present (self, dialog);
          return;
        }
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  vp_accounts_page_changed (self, number, message);
}

static void
vp_accounts_page_close (VpAccountsPage *self,
                        gint64          approver)
{
  VpUiCall *call;

  if (self->account == NULL)
    return;
  call = vp_ui_call_new (self->context, self->account->number);
  if (call == NULL)
    return;
  /* The settlement of a positive balance is paid out in cash at the counter. */
  call->method = VP_PAYMENT_CASH;
  call->approver = approver;
  vp_ui_run_async (self, NULL, close_work, call, vp_ui_call_free, g_free, close_cb,
                   g_strdup (self->account->number));
}

static void
close_confirmed_cb (VpAccountsPage *self)
{
  vp_accounts_page_close (self, 0);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (widget);
  g_autofree char *question = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *balance = NULL;

  if (self->account == NULL)
    return;

  question = g_strdup_printf (_("Close account %s of %s?"), self->account->number,
                              self->account->name);
  balance = vp_ui_format_money (ABS (self->account->balance));
  if (self->account->balance > 0)
    detail = g_strdup_printf (_("The balance of %s is paid back in cash. Meters are taken off "
                                "the account. This cannot be undone."), balance);
  else if (self->account->balance < 0)
    detail = g_strdup_printf (_("The customer still owes %s; it stays recorded as a debt. "
                                "This cannot be undone."), balance);
  else
    detail = g_strdup (_("Meters are taken off the account. This cannot be undone."));

  vp_accounts_page_track (self, vp_ui_confirm (GTK_WIDGET (self), question, detail,
                                               _("C_lose Account"),
                                               G_CALLBACK (close_confirmed_cb), self));
}

static void
session_changed_cb (VpAccountsPage *self)
{
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  g_clear_pointer (&self->account, vp_account_free);
  vp_customer_card_set_account (self->card, NULL, NULL);
  vp_ui_show_message (self->message_label, NULL, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  vp_accounts_page_update_actions (self);
  vp_accounts_page_refresh (self);
}

/* GObject -------------------------------------------------------------------- */

static void
vp_accounts_page_constructed (GObject *object)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);

  G_OBJECT_CLASS (vp_accounts_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "cycle-finished",
                           G_CALLBACK (cycle_finished_cb), self, G_CONNECT_SWAPPED);
  vp_accounts_page_update_actions (self);
}

static void
vp_accounts_page_dispose (GObject *object)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);

  g_cancellable_cancel (self->list_cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_ACCOUNTS_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_accounts_page_parent_class)->dispose (object);
}

static void
vp_accounts_page_finalize (GObject *object)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);

  g_clear_object (&self->list_cancellable);
  g_clear_pointer (&self->hits, g_ptr_array_unref);
  g_clear_pointer (&self->account, vp_account_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_accounts_page_parent_class)->finalize (object);
}

static void
vp_accounts_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);

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
vp_accounts_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VpAccountsPage *self = VP_ACCOUNTS_PAGE (object);

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
vp_accounts_page_class_init (VpAccountsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_accounts_page_constructed;
  object_class->dispose = vp_accounts_page_dispose;
  object_class->finalize = vp_accounts_page_finalize;
  object_class->set_property = vp_accounts_page_set_property;
  object_class->get_property = vp_accounts_page_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VP_TYPE_CUSTOMER_CARD);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-accounts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, list_status);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, account_list);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, manage_box);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, suspend_button);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, restore_button);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, close_threshold_box);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, close_threshold_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountsPage, card);

  gtk_widget_class_install_action (widget_class, "accounts.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "accounts.transfer", NULL, transfer_action);
  gtk_widget_class_install_action (widget_class, "accounts.replace-meter", NULL,
                                   replace_meter_action);
  gtk_widget_class_install_action (widget_class, "accounts.suspend", NULL, suspend_action);
  gtk_widget_class_install_action (widget_class, "accounts.restore", NULL, restore_action);
  gtk_widget_class_install_action (widget_class, "accounts.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "accounts.close-threshold", NULL,
                                   close_threshold_action);
}

static void
vp_accounts_page_init (VpAccountsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->search_entry, "changed",
                           G_CALLBACK (vp_accounts_page_refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account_list, "row-selected",
                           G_CALLBACK (row_selected_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vp_accounts_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_ACCOUNTS_PAGE, "context", context, NULL);
}

GtkEditable *
vp_accounts_page_get_search (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

gboolean
vp_accounts_page_get_busy (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), FALSE);

  return self->listing || self->loading || self->setting;
}

guint
vp_accounts_page_get_n_results (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), 0);

  return self->hits != NULL ? self->hits->len : 0;
}

const char *
vp_accounts_page_get_result (VpAccountsPage *self,
                             guint           index)
{
  const VpSearchHit *hit;

  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), NULL);
  g_return_val_if_fail (index < vp_accounts_page_get_n_results (self), NULL);

  hit = g_ptr_array_index (self->hits, index);
  return hit->number;
}

void
vp_accounts_page_select (VpAccountsPage *self,
                         guint           index)
{
  g_return_if_fail (VP_IS_ACCOUNTS_PAGE (self));
  g_return_if_fail (index < vp_accounts_page_get_n_results (self));

  gtk_list_box_select_row (self->account_list,
                           gtk_list_box_get_row_at_index (self->account_list, index));
}

const VpAccount *
vp_accounts_page_get_account (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), NULL);

  return self->account;
}

GtkWindow *
vp_accounts_page_get_dialog (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), NULL);

  return self->dialog;
}

const char *
vp_accounts_page_get_message (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

gboolean
vp_accounts_page_get_can_manage (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->manage_box);
}

GtkEditable *
vp_accounts_page_get_close_threshold (VpAccountsPage *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNTS_PAGE (self), NULL);

  return GTK_EDITABLE (self->close_threshold_entry);
}
