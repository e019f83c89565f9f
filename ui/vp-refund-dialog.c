/* vp-refund-dialog.c: pay money back from the balance, with approval when needed
 *
 * The refund limit is the model's rule: the dialog first asks without an approver and
 * opens the supervisor approval only when the model answers APPROVAL_REQUIRED, then
 * asks again with the approver's id.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-approval-dialog.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-refund-dialog.h"
#include "vp-ui.h"

struct _VpRefundDialog
{
  GtkWindow   parent_instance;

  VpContext  *context;
  char       *number;
  char       *name;
  gint64      amount;
  char       *receipt;
  gboolean    busy;
  GtkWindow  *approval;    /* weak */

  GtkStack   *stack;
  GtkLabel   *customer_label;
  GtkEntry   *amount_entry;
  GtkBox     *method_box;
  GtkLabel   *error_label;
  GtkSpinner *spinner;
  GtkWidget  *refund_button;
  GtkLabel   *done_label;
  GtkWidget  *close_button;
};

G_DEFINE_FINAL_TYPE (VpRefundDialog, vp_refund_dialog, GTK_TYPE_WINDOW)

enum {
  COMMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void vp_refund_dialog_commit (VpRefundDialog *self,
                                     gint64          approver);

static void
vp_refund_dialog_set_busy (VpRefundDialog *self,
                           gboolean        busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "refund.commit", !busy);
  gtk_window_set_deletable (GTK_WINDOW (self), !busy);
}

static gpointer
refund_work (gpointer   data,
             GError   **error)
{
  VpUiCall *call = data;
  VpLedgerEntry *entry = NULL;

  if (!vp_ledger_refund (call->db, call->session, call->number, call->amount, call->method,
                         call->approver, &entry, error))
    return NULL;
  return entry;
}

static void
approval_destroyed_cb (VpRefundDialog *self)
{
  self->approval = NULL;
}

static void
approved_cb (VpRefundDialog *self,
             gint64          approver)
{
  /* The approval dialog closes itself after this signal. */
  self->approval = NULL;
  vp_refund_dialog_commit (self, approver);
}

static void
vp_refund_dialog_ask_approval (VpRefundDialog *self)
{
  g_autofree char *amount = vp_ui_format_money (self->amount);
  g_autofree char *reason = g_strdup_printf (_("A refund of %s needs a supervisor's approval."),
                                             amount);
  VpApprovalDialog *dialog = vp_approval_dialog_new (self->context, VP_PERM_APPROVE, reason);

  self->approval = GTK_WINDOW (dialog);
  g_signal_connect_object (dialog, "approved", G_CALLBACK (approved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (approval_destroyed_cb), self,
                           G_CONNECT_SWAPPED);
  vp_ui_present_dialog (GTK_WIDGET (self), GTK_WINDOW (dialog));
}

static void
refund_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(VpRefundDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = vp_ui_run_finish (result, &error);
  g_autofree char *amount = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;

  vp_refund_dialog_set_busy (self, FALSE);
  if (entry == NULL)
    {
      if (g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED))
        {
          vp_ui_show_error (self->error_label, error->message);
          vp_refund_dialog_ask_approval (self);
          return;
        }
      vp_ui_show_error (self->error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
      return;
    }

  self->receipt = g_strdup (entry->receipt);
  amount = vp_ui_format_money (-entry->amount);
  after = vp_ui_format_money (entry->balance_after);
  text = g_strdup_printf (_("Pay back %s (%s)\nReceipt %s\nNew balance %s"), amount,
                          vp_ui_payment_method_label (entry->method), entry->receipt, after);
  gtk_label_set_text (self->done_label, text);
  gtk_stack_set_visible_child_name (self->stack, "done");
  gtk_window_set_default_widget (GTK_WINDOW (self), self->close_button);
  gtk_widget_grab_focus (self->close_button);

  summary = g_strdup_printf (_("Refunded %s to %s. Receipt %s. New balance %s."),
                             amount, self->name, entry->receipt, after);
  g_signal_emit (self, signals[COMMITTED], 0, summary, entry->receipt);
}

static void
vp_refund_dialog_commit (VpRefundDialog *self,
                         gint64          approver)
{
  VpUiCall *call = vp_ui_call_new (self->context, self->number);

  if (call == NULL)
    return;
  call->amount = self->amount;
  call->method = vp_ui_method_box_get (self->method_box);
  call->approver = approver;

  vp_refund_dialog_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, refund_work, call, vp_ui_call_free,
                   (GDestroyNotify) vp_ledger_entry_free, refund_cb, g_object_ref (self));
}

static void
commit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpRefundDialog *self = VP_REFUND_DIALOG (widget);
  g_autoptr(GError) error = NULL;

  if (self->busy || self->receipt != NULL)
    return;
  if (!vp_money_parse (gtk_editable_get_text (GTK_EDITABLE (self->amount_entry)),
                       VP_MONEY_POSITIVE, &self->amount, &error))
    {
      vp_ui_show_error (self->error_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
      return;
    }
  vp_ui_show_error (self->error_label, NULL);
  vp_refund_dialog_commit (self, 0);
}

static void
vp_refund_dialog_dispose (GObject *object)
{
  VpRefundDialog *self = VP_REFUND_DIALOG (object);

  if (self->approval != NULL)
    gtk_window_destroy (self->approval);

  G_OBJECT_CLASS (vp_refund_dialog_parent_class)->dispose (object);
}

static void
vp_refund_dialog_finalize (GObject *object)
{
  VpRefundDialog *self = VP_REFUND_DIALOG (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->receipt, g_free);

  G_OBJECT_CLASS (vp_refund_dialog_parent_class)->finalize (object);
}

static void
vp_refund_dialog_class_init (VpRefundDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_refund_dialog_dispose;
  object_class->finalize = vp_refund_dialog_finalize;

  signals[COMMITTED] = g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                     G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-refund-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, customer_label);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, method_box);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, refund_button);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, done_label);
  gtk_widget_class_bind_template_child (widget_class, VpRefundDialog, close_button);

  gtk_widget_class_install_action (widget_class, "refund.commit", NULL, commit_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_refund_dialog_init (VpRefundDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vp_ui_method_box_fill (self->method_box, NULL, NULL);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->refund_button);
}

VpRefundDialog *
vp_refund_dialog_new (VpContext       *context,
                      const VpAccount *account)
{
  VpRefundDialog *self;
  g_autofree char *balance = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (VP_TYPE_REFUND_DIALOG, NULL);
  self->context = g_object_ref (context);
  self->number = g_strdup (account->number);
  self->name = g_strdup (account->name);

  balance = vp_ui_format_money (account->balance);
  text = g_strdup_printf (_("%s · account %s · balance %s"), account->name, account->number,
                          balance);
  gtk_label_set_text (self->customer_label, text);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->amount_entry));
  return self;
}

const char *
vp_refund_dialog_get_error (VpRefundDialog *self)
{
  g_return_val_if_fail (VP_IS_REFUND_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
vp_refund_dialog_get_busy (VpRefundDialog *self)
{
  g_return_val_if_fail (VP_IS_REFUND_DIALOG (self), FALSE);

  return self->busy;
}

GtkWindow *
vp_refund_dialog_get_approval (VpRefundDialog *self)
{
  g_return_val_if_fail (VP_IS_REFUND_DIALOG (self), NULL);

  return self->approval;
}

const char *
vp_refund_dialog_get_receipt (VpRefundDialog *self)
{
  g_return_val_if_fail (VP_IS_REFUND_DIALOG (self), NULL);

  return self->receipt;
}

GtkEditable *
vp_refund_dialog_get_amount (VpRefundDialog *self)
{
  g_return_val_if_fail (VP_IS_REFUND_DIALOG (self), NULL);

  return GTK_EDITABLE (self->amount_entry);
}
