/* vp-shift-dialog.c: open a shift so a cashier can take payments
 *
 * Only opening lives here: closing and handing over a shift (count, over/short,
 * acceptance) is the Shift page's.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-money.h"
#include "vp-shift-dialog.h"
#include "vp-shift.h"
#include "vp-ui.h"

struct _VpShiftDialog
{
  GtkWindow   parent_instance;

  VpContext  *context;

  GtkEntry   *float_entry;
  GtkLabel   *error_label;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (VpShiftDialog, vp_shift_dialog, GTK_TYPE_WINDOW)

enum {
  OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gpointer
open_work (gpointer   data,
           GError   **error)
{
  VpUiCall *call = data;
  VpShift *shift = NULL;

  if (!vp_shift_open (call->db, call->session, call->amount, &shift, error))
    return NULL;
  return shift;
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpShiftDialog *self = VP_SHIFT_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = vp_ui_run_finish (result, &error);

  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift.open", TRUE);
  if (shift == NULL)
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }

  g_object_ref (self);
  gtk_window_destroy (GTK_WINDOW (self));
  g_signal_emit (self, signals[OPENED], 0);
  g_object_unref (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpShiftDialog *self = VP_SHIFT_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  gint64 amount;
  VpUiCall *call;

  if (!vp_money_parse (gtk_editable_get_text (GTK_EDITABLE (self->float_entry)),
                       VP_MONEY_ALLOW_ZERO, &amount, &error))
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }
  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL)
    return;
  call->amount = amount;

  vp_ui_show_error (self->error_label, NULL);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift.open", FALSE);
  vp_ui_run_async (self, NULL, open_work, call, vp_ui_call_free,
                   (GDestroyNotify) vp_shift_free, open_cb, NULL);
}

static void
vp_shift_dialog_finalize (GObject *object)
{
  VpShiftDialog *self = VP_SHIFT_DIALOG (object);

  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_shift_dialog_parent_class)->finalize (object);
}

static void
vp_shift_dialog_class_init (VpShiftDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vp_shift_dialog_finalize;

  signals[OPENED] = g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-shift-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpShiftDialog, float_entry);
  gtk_widget_class_bind_template_child (widget_class, VpShiftDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpShiftDialog, spinner);

  gtk_widget_class_install_action (widget_class, "shift.open", NULL, open_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_shift_dialog_init (VpShiftDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VpShiftDialog *
vp_shift_dialog_new (VpContext *context)
{
  VpShiftDialog *self;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  self = g_object_new (VP_TYPE_SHIFT_DIALOG, NULL);
  self->context = g_object_ref (context);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->float_entry));
  return self;
}

const char *
vp_shift_dialog_get_error (VpShiftDialog *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

GtkEditable *
vp_shift_dialog_get_float (VpShiftDialog *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_DIALOG (self), NULL);

  return GTK_EDITABLE (self->float_entry);
}
