/* vp-account-wizard.c: open an account: customer, room, meters, tariff, alarms, top-up
 *
 * One step per page, Enter goes on, each step is checked before the next so the
 * cashier fixes a mistake where it was made. The account is opened (with its opening
 * top-up) in one model transaction, then each meter is installed; a meter the model
 * refuses is reported by its address and the account stays open without it.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-wizard.h"
#include "vp-customer-form.h"
#include "vp-money.h"
#include "vp-tariff-store.h"
#include "vp-ui.h"

static const char *steps[] = { "customer", "premises", "tariff", "topup", "summary" };

struct _VpAccountWizard
{
  GtkWindow       parent_instance;

  VpContext      *context;
  guint           step;
  gboolean        busy;
  GCancellable   *cancellable;

  /* What the steps collected, checked. */
  gint64          alarm1;
  gint64          alarm2;
  gint64          trip;
  gint64          topup;

  GtkLabel       *step_label;
  GtkStack       *stack;
  VpCustomerForm *form;
  GtkEntry       *room_entry;
  GtkEntry       *electricity_entry;
  GtkEntry       *water_entry;
  GtkDropDown    *mode_dropdown;
  GtkDropDown    *tariff_dropdown;
  GtkStringList  *tariffs;
  GtkEntry       *alarm1_entry;
  GtkEntry       *alarm2_entry;
  GtkEntry       *trip_entry;
  GtkEntry       *topup_entry;
  GtkBox         *method_box;
  GtkGrid        *summary_grid;
  GtkLabel       *error_label;
  GtkSpinner     *spinner;
  GtkButton      *next_button;
};

G_DEFINE_FINAL_TYPE (VpAccountWizard, vp_account_wizard, GTK_TYPE_WINDOW)

enum {
  OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char            *fields[VP_N_CUSTOMER_FIELDS];
  char            *room;
  char            *tariff;
  char            *electricity;
  char            *water;
  VpAccountSpec    spec;
} OpenSpec;

static void
open_spec_free (gpointer data)
{
  OpenSpec *o = data;

  for (guint i = 0; i < VP_N_CUSTOMER_FIELDS; i++)
    g_free (o->fields[i]);
  g_free (o->room);
  g_free (o->tariff);
  g_free (o->electricity);
  g_free (o->water);
  g_free (o);
}

static void
vp_account_wizard_show_step (VpAccountWizard *self)
{
  GtkStackPage *page;
  g_autofree char *label = NULL;

  gtk_stack_set_visible_child_name (self->stack, steps[self->step]);
  page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));
  label = g_strdup_printf (_("Step %u of %u: %s"), self->step + 1,
                           (guint) G_N_ELEMENTS (steps), gtk_stack_page_get_title (page));
  gtk_label_set_text (self->step_label, label);
  gtk_button_set_label (self->next_button, self->step + 1 == G_N_ELEMENTS (steps)
                                           ? _("_Open Account") : _("_Next"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", self->step > 0 && !self->busy);
  vp_ui_show_error (self->error_label, NULL);
  gtk_widget_child_focus (gtk_stack_get_visible_child (self->stack), GTK_DIR_TAB_FORWARD);
}

static gboolean
check_meter (VpAccountWizard *self,
             GtkEntry        *entry,
             guint            digits,
             const char      *message)
{
  g_autofree char *text = vp_ui_entry_text (entry);

  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      goto bad;
  if (strlen (text) == digits)
    return TRUE;
bad:
  vp_ui_show_error (self->error_label, message);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  return FALSE;
}

static gboolean
parse_threshold (VpAccountWizard *self,
                 GtkEntry        *entry,
                 gint64          *out_fen)
{
  g_autoptr(GError) error = NULL;

  if (vp_money_parse (gtk_editable_get_text (GTK_EDITABLE (entry)),
                      VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, out_fen, &error))
    return TRUE;
  vp_ui_show_error (self->error_label, error->message);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  return FALSE;
}

static gboolean
vp_account_wizard_check_step (VpAccountWizard *self)
{
  const char *step = steps[self->step];

  if (g_str_equal (step, "customer"))
    {
      if (!vp_customer_form_check (self->form))
        {
          vp_ui_show_error (self->error_label, _("Type the customer's name."));
          return FALSE;
        }
    }
  else if (g_str_equal (step, "premises"))
    {
      /* The model checks again; here the cashier learns it before anything is stored. */
      return check_meter (self, self->electricity_entry, 12,
                          _("An electricity meter address has 12 digits.")) &&
             check_meter (self, self->water_entry, 14,
                          _("A water meter address has 14 digits."));
    }
  else if (g_str_equal (step, "tariff"))
    {
      if (!parse_threshold (self, self->alarm1_entry, &self->alarm1) ||
          !parse_threshold (self, self->alarm2_entry, &self->alarm2) ||
          !parse_threshold (self, self->trip_entry, &self->trip))
        return FALSE;
      if (self->alarm1 < self->alarm2 || self->alarm2 < self->trip)
        {
          vp_ui_show_error (self->error_label,
                            _("The first alarm must be at or above the second, and the second "
                              "at or above the cut-off."));
          gtk_widget_grab_focus (GTK_WIDGET (self->alarm1_entry));
          return FALSE;
        }
    }
  else if (g_str_equal (step, "topup"))
    {
      g_autofree char *text = vp_ui_entry_text (self->topup_entry);
      g_autoptr(GError) error = NULL;

      self->topup = 0;
      if (text != NULL && !vp_money_parse (text, VP_MONEY_ALLOW_ZERO, &self->topup, &error))
        {
          vp_ui_show_error (self->error_label, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->topup_entry));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
vp_account_wizard_dup_tariff (VpAccountWizard *self)
{
  guint selected = gtk_drop_down_get_selected (self->tariff_dropdown);

  /* Item 0 is "no tariff yet". */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return g_strdup (gtk_string_list_get_string (self->tariffs, selected));
}

static void
summary_row (VpAccountWizard *self,
             int              row,
             const char      *title,
             const char      *value)
{
  GtkWidget *t = gtk_label_new (title);
  GtkWidget *v = gtk_label_new (value != NULL ? value : "—");

  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_widget_add_css_class (t, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_wrap (GTK_LABEL (v), TRUE);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_grid_attach (self->summary_grid, t, 0, row, 1, 1);
  gtk_grid_attach (self->summary_grid, v, 1, row, 1, 1);
}

static void
vp_account_wizard_fill_summary (VpAccountWizard *self)
{
  g_autofree char *name = vp_customer_form_dup (self->form, VP_CUSTOMER_FIELD_NAME);
  g_autofree char *phone = vp_customer_form_dup (self->form, VP_CUSTOMER_FIELD_PHONE);
  g_autofree char *room = vp_ui_entry_text (self->room_entry);
  g_autofree char *electricity = vp_ui_entry_text (self->electricity_entry);
  g_autofree char *water = vp_ui_entry_text (self->water_entry);
  g_autofree char *tariff = vp_account_wizard_dup_tariff (self);
  g_autofree char *alarm1 = vp_ui_format_money (self->alarm1);
  g_autofree char *alarm2 = vp_ui_format_money (self->alarm2);
  g_autofree char *trip = vp_ui_format_money (self->trip);
  g_autofree char *alarms = g_strdup_printf ("%s / %s / %s", alarm1, alarm2, trip);
  g_autofree char *topup = NULL;
  GtkWidget *child;
  int row = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid))) != NULL)
    gtk_grid_remove (self->summary_grid, child);

  if (self->topup > 0)
    {
      g_autofree char *amount = vp_ui_format_money (self->topup);
      topup = g_strdup_printf ("%s (%s)", amount,
                               vp_ui_payment_method_label (vp_ui_method_box_get (self->method_box)));
    }

  summary_row (self, row++, _("Name"), name);
  summary_row (self, row++, _("Phone"), phone);
  summary_row (self, row++, _("Room"), room);
  summary_row (self, row++, _("Electricity meter"), electricity);
  summary_row (self, row++, _("Water meter"), water);
  summary_row (self, row++, _("Mode"),
               vp_ui_account_mode_label (gtk_drop_down_get_selected (self->mode_dropdown)));
  summary_row (self, row++, _("Tariff"), tariff);
  summary_row (self, row++, _("Alarms / cut-off"), alarms);
  summary_row (self, row++, _("Opening top-up"), topup);
}

static gpointer
open_work (gpointer   data,
           GError   **error)
{
  VpUiCall *call = data;
  OpenSpec *o = call->spec;
  g_autoptr(VpAccount) account = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  struct { const char *address; VpMeterKind kind; VpMeterProtocol protocol; } meters[] = {
    { o->electricity, VP_METER_KIND_ELECTRICITY, VP_METER_PROTOCOL_DLT645 },
    { o->water, VP_METER_KIND_WATER, VP_METER_PROTOCOL_CJT188 },
  };

  if (!vp_account_open (call->db, call->session, &o->spec, &account, NULL, error))
    return NULL;
  g_string_printf (summary, _("Account %s opened for %s."), account->number, account->name);

  for (guint i = 0; i < G_N_ELEMENTS (meters); i++)
    {
      g_autoptr(GError) meter_error = NULL;
      VpMeterSpec spec;

      if (meters[i].address == NULL)
        continue;
      vp_meter_spec_init (&spec);
      spec.kind = meters[i].kind;
      spec.protocol = meters[i].protocol;
      spec.address = meters[i].address;
      if (!vp_account_add_meter (call->db, call->session, account->number, &spec, NULL,
                                 &meter_error))
        {
          g_string_append_c (summary, ' ');
          g_string_append_printf (summary, _("Meter %s was not installed: %s"),
                                  meters[i].address, meter_error->message);
        }
    }

  /* "number\nsummary": the account number for the page, the words for the cashier. */
  return g_strdup_printf ("%s\n%s", account->number, summary->str);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpAccountWizard *self = VP_ACCOUNT_WIZARD (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = vp_ui_run_finish (result, &error);
  char *summary;

  self->busy = FALSE;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", TRUE);
  if (answer == NULL)
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }

  summary = strchr (answer, '\n');
  *summary++ = '\0';
  g_object_ref (self);
  g_signal_emit (self, signals[OPENED], 0, answer, summary);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
vp_account_wizard_commit (VpAccountWizard *self)
{
  VpUiCall *call = vp_ui_call_new (self->context, NULL);
  OpenSpec *o;

  if (call == NULL)
    return;
  o = g_new0 (OpenSpec, 1);
  for (guint i = 0; i < VP_N_CUSTOMER_FIELDS; i++)
    o->fields[i] = vp_customer_form_dup (self->form, i);
  o->room = vp_ui_entry_text (self->room_entry);
  o->electricity = vp_ui_entry_text (self->electricity_entry);
  o->water = vp_ui_entry_text (self->water_entry);
  o->tariff = vp_account_wizard_dup_tariff (self);

  vp_account_spec_init (&o->spec);
  o->spec.name = o->fields[VP_CUSTOMER_FIELD_NAME];
  o->spec.phone = o->fields[VP_CUSTOMER_FIELD_PHONE];
  o->spec.id_number = o->fields[VP_CUSTOMER_FIELD_ID_NUMBER];
  o->spec.address = o->fields[VP_CUSTOMER_FIELD_ADDRESS];
  o->spec.room = o->room;
  o->spec.mode = gtk_drop_down_get_selected (self->mode_dropdown) == 1
                   ? VP_ACCOUNT_MODE_POSTPAID : VP_ACCOUNT_MODE_PREPAID;
  o->spec.tariff = o->tariff;
  o->spec.alarm1 = self->alarm1;
  o->spec.alarm2 = self->alarm2;
  o->spec.trip = self->trip;
  o->spec.opening_topup = self->topup;
  o->spec.method = vp_ui_method_box_get (self->method_box);
  call->spec = o;
  call->spec_free = open_spec_free;

  self->busy = TRUE;
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", FALSE);
  vp_ui_run_async (self, NULL, open_work, call, vp_ui_call_free, g_free, open_cb, NULL);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpAccountWizard *self = VP_ACCOUNT_WIZARD (widget);

  if (self->busy || !vp_account_wizard_check_step (self))
    return;
  if (self->step + 1 == G_N_ELEMENTS (steps))
    {
      vp_account_wizard_commit (self);
      return;
    }
  self->step++;
  if (g_str_equal (steps[self->step], "summary"))
    vp_account_wizard_fill_summary (self);
  vp_account_wizard_show_step (self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpAccountWizard *self = VP_ACCOUNT_WIZARD (widget);

  if (self->busy || self->step == 0)
    return;
  self->step--;
  vp_account_wizard_show_step (self);
}

/* What the wizard reads when it opens: the tariff names and the counter's default
 * thresholds for new accounts. */
typedef struct
{
  GPtrArray     *names;
  VpAccountSpec  defaults;
} Prefill;

static void
prefill_free (Prefill *prefill)
{
  g_ptr_array_unref (prefill->names);
  g_free (prefill);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Prefill, prefill_free)

static gpointer
tariffs_work (gpointer   data,
              GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GPtrArray) tariffs = vp_tariff_store_list (call->db, error);
  Prefill *prefill;

  if (tariffs == NULL)
    return NULL;
  prefill = g_new0 (Prefill, 1);
  prefill->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < tariffs->len; i++)
    g_ptr_array_add (prefill->names,
                     g_strdup (vp_tariff_get_name (g_ptr_array_index (tariffs, i))));
  vp_account_spec_init_defaults (call->db, &prefill->defaults);
  return prefill;
}

/* Puts the counter's default into @entry unless the operator already typed there. */
static void
prefill_threshold (GtkWidget *entry,
                   gint64     builtin,
                   gint64     fen)
{
  g_autofree char *builtin_text = vp_money_format (builtin);
  g_autofree char *text = vp_money_format (fen);

  if (g_str_equal (gtk_editable_get_text (GTK_EDITABLE (entry)), builtin_text))
    gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
tariffs_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Prefill) prefill = vp_ui_run_finish (result, &error);
  VpAccountWizard *self;
  GPtrArray *names;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = VP_ACCOUNT_WIZARD (object);
  if (prefill == NULL)
    {
      vp_ui_show_error (self->error_label, error->message);
      return;
    }
  prefill_threshold (GTK_WIDGET (self->alarm1_entry), VP_ACCOUNT_DEFAULT_ALARM1,
                     prefill->defaults.alarm1);
  prefill_threshold (GTK_WIDGET (self->alarm2_entry), VP_ACCOUNT_DEFAULT_ALARM2,
                     prefill->defaults.alarm2);
  prefill_threshold (GTK_WIDGET (self->trip_entry), VP_ACCOUNT_DEFAULT_TRIP,
                     prefill->defaults.trip);
  names = prefill->names;
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (self->tariffs, g_ptr_array_index (names, i));
  if (names->len > 0)
    gtk_drop_down_set_selected (self->tariff_dropdown, 1);
}

static void
vp_account_wizard_dispose (GObject *object)
{
  VpAccountWizard *self = VP_ACCOUNT_WIZARD (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (vp_account_wizard_parent_class)->dispose (object);
}

static void
vp_account_wizard_finalize (GObject *object)
{
  VpAccountWizard *self = VP_ACCOUNT_WIZARD (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->tariffs);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_account_wizard_parent_class)->finalize (object);
}

static void
vp_account_wizard_class_init (VpAccountWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_account_wizard_dispose;
  object_class->finalize = vp_account_wizard_finalize;

  signals[OPENED] = g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                  G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (VP_TYPE_CUSTOMER_FORM);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-account-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, step_label);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, form);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, room_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, electricity_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, water_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, tariff_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, alarm1_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, alarm2_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, trip_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, topup_entry);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, method_box);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpAccountWizard, next_button);

  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_account_wizard_init (VpAccountWizard *self)
{
  g_autoptr(GtkStringList) modes = NULL;
  g_autofree char *alarm1 = vp_money_format (VP_ACCOUNT_DEFAULT_ALARM1);
  g_autofree char *alarm2 = vp_money_format (VP_ACCOUNT_DEFAULT_ALARM2);
  g_autofree char *trip = vp_money_format (VP_ACCOUNT_DEFAULT_TRIP);

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Index = VpAccountMode. */
  modes = gtk_string_list_new (NULL);
  gtk_string_list_append (modes, vp_ui_account_mode_label (VP_ACCOUNT_MODE_PREPAID));
  gtk_string_list_append (modes, vp_ui_account_mode_label (VP_ACCOUNT_MODE_POSTPAID));
  gtk_drop_down_set_model (self->mode_dropdown, G_LIST_MODEL (modes));

  self->tariffs = gtk_string_list_new (NULL);
  gtk_string_list_append (self->tariffs, _("No tariff yet"));
  gtk_drop_down_set_model (self->tariff_dropdown, G_LIST_MODEL (self->tariffs));

  gtk_editable_set_text (GTK_EDITABLE (self->alarm1_entry), alarm1);
  gtk_editable_set_text (GTK_EDITABLE (self->alarm2_entry), alarm2);
  gtk_editable_set_text (GTK_EDITABLE (self->trip_entry), trip);
  vp_ui_method_box_fill (self->method_box, NULL, NULL);
}

VpAccountWizard *
vp_account_wizard_new (VpContext *context)
{
  VpAccountWizard *self;
  VpUiCall *call;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  self = g_object_new (VP_TYPE_ACCOUNT_WIZARD, NULL);
  self->context = g_object_ref (context);
  vp_account_wizard_show_step (self);

  call = vp_ui_call_new (context, NULL);
  if (call != NULL)
    vp_ui_run_async (self, self->cancellable, tariffs_work, call, vp_ui_call_free,
                     (GDestroyNotify) prefill_free, tariffs_cb, NULL);
  return self;
}

const char *
vp_account_wizard_get_step (VpAccountWizard *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNT_WIZARD (self), NULL);

  return steps[self->step];
}

GtkWidget *
vp_account_wizard_get_form (VpAccountWizard *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNT_WIZARD (self), NULL);

  return GTK_WIDGET (self->form);
}

GtkEditable *
vp_account_wizard_get_field (VpAccountWizard *self,
                             VpWizardField    field)
{
  GtkEntry *entries[] = {
    [VP_WIZARD_FIELD_ROOM] = self->room_entry,
    [VP_WIZARD_FIELD_ELECTRICITY] = self->electricity_entry,
    [VP_WIZARD_FIELD_WATER] = self->water_entry,
    [VP_WIZARD_FIELD_ALARM1] = self->alarm1_entry,
    [VP_WIZARD_FIELD_ALARM2] = self->alarm2_entry,
    [VP_WIZARD_FIELD_TRIP] = self->trip_entry,
    [VP_WIZARD_FIELD_TOPUP] = self->topup_entry,
  };

  g_return_val_if_fail (VP_IS_ACCOUNT_WIZARD (self), NULL);
  g_return_val_if_fail (field < G_N_ELEMENTS (entries), NULL);

  return GTK_EDITABLE (entries[field]);
}

const char *
vp_account_wizard_get_error (VpAccountWizard *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNT_WIZARD (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
vp_account_wizard_get_busy (VpAccountWizard *self)
{
  g_return_val_if_fail (VP_IS_ACCOUNT_WIZARD (self), FALSE);

  return self->busy;
}
