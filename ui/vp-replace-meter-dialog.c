/* vp-replace-meter-dialog.c: 换表, a new meter takes the place of a faulty one
 *
 * The technician picks the old meter, types its final reading (read off the display:
 * the interval up to it is charged as usual) and the new meter's address and initial
 * reading. The new meter inherits the old one's line, protocol, password and CT × PT,
 * which is what a like-for-like swap on site means; anything else is a new meter
 * (Meters page). The model checks and stores both in one transaction, in a worker.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-money.h"
#include "vp-replace-meter-dialog.h"
#include "vp-ui.h"

struct _VpReplaceMeterDialog
{
  GtkWindow       parent_instance;

  VpContext      *context;
  char           *number;
  GPtrArray      *all_meters;   /* a reference on the account's meters: the page may
                                 * reload its account while the dialog is open */
  GPtrArray      *meters;       /* VpMeter *, borrowed: the active ones */
  gboolean        busy;

  GtkLabel       *title_label;
  GtkDropDown    *old_dropdown;
  GtkEntry       *final_entry;
  GtkEntry       *address_entry;
  GtkEntry       *initial_entry;
  GtkLabel       *error_label;
  GtkSpinner     *spinner;
};

G_DEFINE_FINAL_TYPE (VpReplaceMeterDialog, vp_replace_meter_dialog, GTK_TYPE_WINDOW)

enum {
  REPLACED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What the worker needs; the strings are the dialog's copies. */
typedef struct
{
  char        *old_address;
  gint64       final_reading;
  char        *address;
  char        *link;
  char        *password;
  char        *operator_code;
  VpMeterSpec  spec;
} Replacement;

static void
replacement_free (gpointer data)
{
  Replacement *r = data;

  g_free (r->old_address);
  g_free (r->address);
  g_free (r->link);
  g_free (r->password);
  g_free (r->operator_code);
  g_free (r);
}

static gpointer
replace_work (gpointer   data,
              GError   **error)
{
  VpUiCall *call = data;
  Replacement *r = call->spec;

  if (!vp_account_replace_meter (call->db, call->session, r->old_address, r->final_reading,
                                 &r->spec, NULL, error))
    return NULL;
  return g_strdup_printf (_("Meter %s of account %s was replaced by meter %s."),
                          r->old_address, call->number, r->address);
}

static void
vp_replace_meter_dialog_set_busy (VpReplaceMeterDialog *self,
                                  gboolean              busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replace.commit", !busy);
}

static void
replace_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VpReplaceMeterDialog *self = VP_REPLACE_METER_DIALOG (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = vp_ui_run_finish (result, &error);

  vp_replace_meter_dialog_set_busy (self, FALSE);
  if (summary == NULL)
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }

  g_object_ref (self);
  g_signal_emit (self, signals[REPLACED], 0, summary);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

/* A register value as a technician reads it: "12345.67", two decimals at most. */
static gboolean
parse_reading (GtkEntry   *entry,
               gint64     *out_value,
               const char *what,
               GError    **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (!vp_money_parse (text, VP_MONEY_ALLOW_ZERO, out_value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The %s “%s” is not a reading: type it as on the display, e.g. 12345.67."),
                   what, text);
      return FALSE;
    }
  return TRUE;
}

static void
commit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpReplaceMeterDialog *self = VP_REPLACE_METER_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  guint index = gtk_drop_down_get_selected (self->old_dropdown);
  const VpMeter *old;
  Replacement *r;
  VpUiCall *call;
  gint64 final_reading, initial;

  if (self->busy || index >= self->meters->len)
    return;
  old = g_ptr_array_index (self->meters, index);
  if (!parse_reading (self->final_entry, &final_reading, _("final reading"), &error)
      || !parse_reading (self->initial_entry, &initial, _("initial reading"), &error))
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }
  call = vp_ui_call_new (self->context, self->number);
  if (call == NULL)
    {
      vp_ui_show_error (self->error_label, _("Nobody is logged in at this counter."));
      return;
    }

  r = g_new0 (Replacement, 1);
  r->old_address = g_strdup (old->address);
  r->final_reading = final_reading;
  r->address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_entry))));
  r->link = g_strdup (old->link);
  r->password = g_strdup (old->password);
  r->operator_code = g_strdup (old->operator_code);
  vp_meter_spec_init (&r->spec);
  r->spec.kind = old->kind;
  r->spec.protocol = old->protocol;
  r->spec.address = r->address;
  r->spec.link = r->link;
  r->spec.password_level = old->password_level;
  r->spec.password = r->password;
  r->spec.operator_code = r->operator_code;
  r->spec.multiplier = old->multiplier;
  r->spec.install_reading = initial;
  call->spec = r;
  call->spec_free = replacement_free;

  vp_ui_show_error (self->error_label, NULL);
  vp_replace_meter_dialog_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, replace_work, call, vp_ui_call_free, g_free, replace_cb, NULL);
}

static void
vp_replace_meter_dialog_finalize (GObject *object)
{
  VpReplaceMeterDialog *self = VP_REPLACE_METER_DIALOG (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->meters, g_ptr_array_unref);
  g_clear_pointer (&self->all_meters, g_ptr_array_unref);

  G_OBJECT_CLASS (vp_replace_meter_dialog_parent_class)->finalize (object);
}

static void
vp_replace_meter_dialog_class_init (VpReplaceMeterDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = vp_replace_meter_dialog_finalize;

  signals[REPLACED] = g_signal_new ("replaced", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-replace-meter-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, title_label);
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, old_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, final_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, address_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, initial_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpReplaceMeterDialog, spinner);

  gtk_widget_class_install_action (widget_class, "replace.commit", NULL, commit_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_replace_meter_dialog_init (VpReplaceMeterDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VpReplaceMeterDialog *
vp_replace_meter_dialog_new (VpContext       *context,
                             const VpAccount *account)
{
  VpReplaceMeterDialog *self;
  g_autoptr(GtkStringList) addresses = gtk_string_list_new (NULL);
  g_autofree char *title = NULL;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (VP_TYPE_REPLACE_METER_DIALOG, NULL);
  self->context = g_object_ref (context);
  self->number = g_strdup (account->number);
  self->meters = g_ptr_array_new ();
  if (account->meters != NULL)
    self->all_meters = g_ptr_array_ref (account->meters);
  for (guint i = 0; self->all_meters != NULL && i < self->all_meters->len; i++)
    {
      VpMeter *meter = g_ptr_array_index (self->all_meters, i);

      if (meter->status != VP_METER_STATUS_ACTIVE)
        continue;
      g_ptr_array_add (self->meters, meter);
      gtk_string_list_append (addresses, meter->address);
    }
  gtk_drop_down_set_model (self->old_dropdown, G_LIST_MODEL (addresses));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replace.commit", self->meters->len > 0);

  title = g_strdup_printf (_("Replace a meter of account %s (%s)"), account->number,
                           account->name);
  gtk_label_set_text (self->title_label, title);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->final_entry));
  return self;
}

GtkEditable *
vp_replace_meter_dialog_get_final (VpReplaceMeterDialog *self)
{
  g_return_val_if_fail (VP_IS_REPLACE_METER_DIALOG (self), NULL);

  return GTK_EDITABLE (self->final_entry);
}

GtkEditable *
vp_replace_meter_dialog_get_address (VpReplaceMeterDialog *self)
{
  g_return_val_if_fail (VP_IS_REPLACE_METER_DIALOG (self), NULL);

  return GTK_EDITABLE (self->address_entry);
}

GtkEditable *
vp_replace_meter_dialog_get_initial (VpReplaceMeterDialog *self)
{
  g_return_val_if_fail (VP_IS_REPLACE_METER_DIALOG (self), NULL);

  return GTK_EDITABLE (self->initial_entry);
}

void
vp_replace_meter_dialog_set_old (VpReplaceMeterDialog *self,
                                 guint                 index)
{
  g_return_if_fail (VP_IS_REPLACE_METER_DIALOG (self));
  g_return_if_fail (index < self->meters->len);

  gtk_drop_down_set_selected (self->old_dropdown, index);
}

const char *
vp_replace_meter_dialog_get_error (VpReplaceMeterDialog *self)
{
  g_return_val_if_fail (VP_IS_REPLACE_METER_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
vp_replace_meter_dialog_get_busy (VpReplaceMeterDialog *self)
{
  g_return_val_if_fail (VP_IS_REPLACE_METER_DIALOG (self), FALSE);

  return self->busy;
}
