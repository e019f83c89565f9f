/* vp-transfer-dialog.c: 过户, a new customer takes over an account */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-customer-form.h"
#include "vp-transfer-dialog.h"
#include "vp-ui.h"

struct _VpTransferDialog
{
  GtkWindow       parent_instance;

  VpContext      *context;
  char           *number;

  GtkLabel       *title_label;
  VpCustomerForm *form;
  GtkLabel       *error_label;
  GtkSpinner     *spinner;
};

G_DEFINE_FINAL_TYPE (VpTransferDialog, vp_transfer_dialog, GTK_TYPE_WINDOW)

enum {
  TRANSFERRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char *fields[VP_N_CUSTOMER_FIELDS];
} Customer;

static void
customer_free (gpointer data)
{
  Customer *c = data;

  for (guint i = 0; i < VP_N_CUSTOMER_FIELDS; i++)
    g_free (c->fields[i]);
  g_free (c);
}

static gpointer
transfer_work (gpointer   data,
               GError   **error)
{
  VpUiCall *call = data;
  Customer *c = call->spec;

  if (!vp_account_transfer (call->db, call->session, call->number,
                            c->fields[VP_CUSTOMER_FIELD_NAME],
                            c->fields[VP_CUSTOMER_FIELD_PHONE],
                            c->fields[VP_CUSTOMER_FIELD_ID_NUMBER],
                            c->fields[VP_CUSTOMER_FIELD_ADDRESS], error))
    return NULL;
  return g_strdup_printf (_("Account %s now belongs to %s."), call->number,
                          c->fields[VP_CUSTOMER_FIELD_NAME]);
}

static void
transfer_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  VpTransferDialog *self = VP_TRANSFER_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = vp_ui_run_finish (result, &error);

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transfer.commit", TRUE);
  if (summary == NULL)
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }

  g_object_ref (self);
  g_signal_emit (self, signals[TRANSFERRED], 0, summary);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
commit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpTransferDialog *self = VP_TRANSFER_DIALOG (widget);
  VpUiCall *call;
  Customer *c;

  if (!vp_customer_form_check (self->form))
    {
      vp_ui_show_error (self->error_label, _("Type the new customer's name."));
      return;
    }
  call = vp_ui_call_new (self->context, self->number);
  if (call == NULL)
    return;
  c = g_new0 (Customer, 1);
  for (guint i = 0; i < VP_N_CUSTOMER_FIELDS; i++)
    c->fields[i] = vp_customer_form_dup (self->form, i);
  call->spec = c;
  call->spec_free = customer_free;

  vp_ui_show_error (self->error_label, NULL);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transfer.commit", FALSE);
  vp_ui_run_async (self, NULL, transfer_work, call, vp_ui_call_free, g_free, transfer_cb, NULL);
}

static void
vp_transfer_dialog_finalize (GObject *object)
{
  VpTransferDialog *self = VP_TRANSFER_DIALOG (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->number, g_free);

  G_OBJECT_CLASS (vp_transfer_dialog_parent_class)->finalize (object);
}

static void
vp_transfer_dialog_class_init (VpTransferDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vp_transfer_dialog_finalize;

  signals[TRANSFERRED] = g_signal_new ("transferred", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 1, G_TYPE_STRING);

  g_type_ensure (VP_TYPE_CUSTOMER_FORM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-transfer-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpTransferDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, VpTransferDialog, form);
  gtk_widget_class_bind_template_child (widget_class, VpTransferDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpTransferDialog, spinner);

  gtk_widget_class_install_action (widget_class, "transfer.commit", NULL, commit_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_transfer_dialog_init (VpTransferDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VpTransferDialog *
vp_transfer_dialog_new (VpContext       *context,
                        const VpAccount *account)
{
  VpTransferDialog *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (VP_TYPE_TRANSFER_DIALOG, NULL);
  self->context = g_object_ref (context);
  self->number = g_strdup (account->number);
  title = g_strdup_printf (_("Transfer account %s from %s"), account->number, account->name);
  gtk_label_set_text (self->title_label, title);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->form));
  return self;
}

GtkWidget *
vp_transfer_dialog_get_form (VpTransferDialog *self)
{
  g_return_val_if_fail (VP_IS_TRANSFER_DIALOG (self), NULL);

  return GTK_WIDGET (self->form);
}

const char *
vp_transfer_dialog_get_error (VpTransferDialog *self)
{
  g_return_val_if_fail (VP_IS_TRANSFER_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
