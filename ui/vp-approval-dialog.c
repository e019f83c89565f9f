/* vp-approval-dialog.c: a supervisor types their password in place
 *
 * The check (password, role, lock-out) is the model's, run in a worker thread through
 * the context; the dialog only reports the approver's id to whoever asked.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-approval-dialog.h"
#include "vp-ui.h"

struct _VpApprovalDialog
{
  GtkWindow     parent_instance;

  VpContext    *context;
  VpPermission  what;
  GCancellable *cancellable;

  GtkLabel     *reason_label;
  GtkEntry     *login_entry;
  GtkWidget    *password_entry;
  GtkLabel     *error_label;
  GtkSpinner   *spinner;
};

G_DEFINE_FINAL_TYPE (VpApprovalDialog, vp_approval_dialog, GTK_TYPE_WINDOW)

enum {
  APPROVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
vp_approval_dialog_set_busy (VpApprovalDialog *self,
                             gboolean          busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "approval.approve", !busy);
}

static void
approve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(VpApprovalDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 approver;

  approver = vp_context_approve_finish (VP_CONTEXT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  vp_approval_dialog_set_busy (self, FALSE);
  if (approver == 0)
    {
      vp_ui_show_error (self->error_label, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
      gtk_widget_grab_focus (self->password_entry);
      return;
    }

  /* Hold a reference: a handler may destroy this dialog. */
  g_signal_emit (self, signals[APPROVED], 0, approver);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VpApprovalDialog *self = VP_APPROVAL_DIALOG (widget);
  g_autofree char *login = NULL;
  const char *password;

  login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->login_entry))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (login[0] == '\0' || password[0] == '\0')
    {
      vp_ui_show_error (self->error_label, _("Type the supervisor's name and password."));
      gtk_widget_grab_focus (login[0] == '\0' ? GTK_WIDGET (self->login_entry)
                                              : self->password_entry);
      return;
    }

  vp_ui_show_error (self->error_label, NULL);
  vp_approval_dialog_set_busy (self, TRUE);
  vp_context_approve_async (self->context, login, password, self->what, self->cancellable,
                            approve_cb, g_object_ref (self));
}

static void
vp_approval_dialog_dispose (GObject *object)
{
  VpApprovalDialog *self = VP_APPROVAL_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (vp_approval_dialog_parent_class)->dispose (object);
}

static void
vp_approval_dialog_finalize (GObject *object)
{
  VpApprovalDialog *self = VP_APPROVAL_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_approval_dialog_parent_class)->finalize (object);
}

static void
vp_approval_dialog_class_init (VpApprovalDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_approval_dialog_dispose;
  object_class->finalize = vp_approval_dialog_finalize;

  signals[APPROVED] = g_signal_new ("approved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-approval-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpApprovalDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, VpApprovalDialog, login_entry);
  gtk_widget_class_bind_template_child (widget_class, VpApprovalDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, VpApprovalDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpApprovalDialog, spinner);

  gtk_widget_class_install_action (widget_class, "approval.approve", NULL, approve_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_approval_dialog_init (VpApprovalDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

VpApprovalDialog *
vp_approval_dialog_new (VpContext    *context,
                        VpPermission  what,
                        const char   *reason)
{
  VpApprovalDialog *self;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (reason != NULL, NULL);

  self = g_object_new (VP_TYPE_APPROVAL_DIALOG, NULL);
  self->context = g_object_ref (context);
  self->what = what;
  gtk_label_set_text (self->reason_label, reason);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->login_entry));
  return self;
}

const char *
vp_approval_dialog_get_error (VpApprovalDialog *self)
{
  g_return_val_if_fail (VP_IS_APPROVAL_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
vp_approval_dialog_get_busy (VpApprovalDialog *self)
{
  g_return_val_if_fail (VP_IS_APPROVAL_DIALOG (self), FALSE);

  return gtk_spinner_get_spinning (self->spinner);
}

GtkEditable *
vp_approval_dialog_get_login (VpApprovalDialog *self)
{
  g_return_val_if_fail (VP_IS_APPROVAL_DIALOG (self), NULL);

  return GTK_EDITABLE (self->login_entry);
}

GtkEditable *
vp_approval_dialog_get_password (VpApprovalDialog *self)
{
  g_return_val_if_fail (VP_IS_APPROVAL_DIALOG (self), NULL);

  return GTK_EDITABLE (self->password_entry);
}
