/* vp-topup-dialog.c: amount, payment, confirmation, receipt number
 *
 * Keyboard first: the amount field has the focus, Enter goes to the confirmation
 * (balance before and after), Enter again stores it, Enter closes. The keypad and
 * quick amounts are for touch screens and never take the focus. The top-up is stored
 * by the model in a worker thread; the dialog shows the receipt number it returns.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-engine.h"
#include "vp-money.h"
#include "vp-topup-dialog.h"
#include "vp-ui.h"

struct _VpTopupDialog
{
  GtkWindow        parent_instance;

  VpContext       *context;
  char            *number;
  char            *name;
  gint64           balance;
  gint64           amount;
  gint64           tendered;
  VpPaymentMethod  method;
  char            *reference;
  char            *receipt;
  gboolean         busy;

  GtkStack        *stack;
  GtkLabel        *customer_label;
  GtkEntry        *amount_entry;
  GtkBox          *quick_box;
  GtkBox          *method_box;
  GtkGrid         *keypad;
  GtkWidget       *tendered_title;
  GtkEntry        *tendered_entry;
  GtkLabel        *change_label;
  GtkWidget       *reference_title;
  GtkEntry        *reference_entry;
  GtkLabel        *amount_error;
  GtkWidget       *next_button;
  GtkLabel        *confirm_title;
  GtkGrid         *confirm_grid;
  GtkLabel        *confirm_error;
  GtkSpinner      *spinner;
  GtkWidget       *confirm_button;
  GtkLabel        *done_label;
  GtkWidget       *supply_box;
  GtkSpinner      *supply_spinner;
  GtkLabel        *supply_label;
  GtkWidget       *close_button;

  /* Cancelled when the dialog goes: the supply answer may come after it closed. */
  GCancellable    *cancellable;
  gboolean         supply_busy;
  guint            supply_queued;
};

G_DEFINE_FINAL_TYPE (VpTopupDialog, vp_topup_dialog, GTK_TYPE_WINDOW)

enum {
  COMMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Quick amounts in yuan (issue 5). */
static const int quick_amounts[] = { 50, 100, 200, 500 };

static void
vp_topup_dialog_go (VpTopupDialog *self,
                    const char    *step,
                    GtkWidget     *default_widget,
                    GtkWidget     *focus)
{
  gtk_stack_set_visible_child_name (self->stack, step);
  gtk_window_set_default_widget (GTK_WINDOW (self), default_widget);
  gtk_widget_grab_focus (focus);
}

static gboolean
parse_optional_money (GtkEntry  *entry,
                      gint64    *out_fen,
                      GError   **error)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (text[0] == '\0')
    {
      *out_fen = 0;
      return TRUE;
    }
  return vp_money_parse (text, VP_MONEY_ALLOW_ZERO, out_fen, error);
}

static void
update_payment_cb (VpTopupDialog *self)
{
  VpPaymentMethod method = vp_ui_method_box_get (self->method_box);
  gboolean cash = method == VP_PAYMENT_CASH;
  gint64 amount = 0, tendered = 0;

  gtk_widget_set_visible (self->tendered_title, cash);
  gtk_widget_set_visible (GTK_WIDGET (self->tendered_entry), cash);
  gtk_widget_set_visible (GTK_WIDGET (self->change_label), cash);
  gtk_widget_set_visible (self->reference_title, !cash);
  gtk_widget_set_visible (GTK_WIDGET (self->reference_entry), !cash);

  gtk_label_set_text (self->change_label, "");
  if (cash &&
      parse_optional_money (self->amount_entry, &amount, NULL) &&
      parse_optional_money (self->tendered_entry, &tendered, NULL) &&
      amount > 0 && tendered >= amount)
    {
      g_autofree char *change = vp_ui_format_money (tendered - amount);
      g_autofree char *text = g_strdup_printf (_("Change: %s"), change);

      gtk_label_set_text (self->change_label, text);
    }
}

static void
add_confirm_row (VpTopupDialog *self,
                 int            row,
                 const char    *title,
                 const char    *value,
                 gboolean       big)
{
  GtkWidget *t = gtk_label_new (title);
  GtkWidget *v = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_widget_add_css_class (t, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 1);
  gtk_widget_set_hexpand (v, TRUE);
  gtk_widget_add_css_class (v, big ? "vp-confirm-amount" : "vp-field");
  gtk_grid_attach (self->confirm_grid, t, 0, row, 1, 1);
  gtk_grid_attach (self->confirm_grid, v, 1, row, 1, 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (widget);
  g_autofree char *amount_text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *amount = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  int row = 0;

  amount_text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->amount_entry))));
  if (amount_text[0] == '\0')
    {
      vp_ui_show_error (self->amount_error, _("Type the amount to top up."));
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
      return;
    }
  if (!vp_money_parse (amount_text, VP_MONEY_POSITIVE, &self->amount, &error))
    {
      vp_ui_show_error (self->amount_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
      return;
    }

  self->method = vp_ui_method_box_get (self->method_box);
  self->tendered = 0;
  g_clear_pointer (&self->reference, g_free);
  if (self->method == VP_PAYMENT_CASH)
    {
      if (!parse_optional_money (self->tendered_entry, &self->tendered, &error))
        {
          vp_ui_show_error (self->amount_error, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (self->tendered_entry));
          return;
        }
      if (self->tendered != 0 && self->tendered < self->amount)
        {
          vp_ui_show_error (self->amount_error,
                            _("The cash received is less than the amount to top up."));
          gtk_widget_grab_focus (GTK_WIDGET (self->tendered_entry));
          return;
        }
    }
  else
    {
      self->reference = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reference_entry))));
      if (self->reference[0] == '\0')
        g_clear_pointer (&self->reference, g_free);
    }
  vp_ui_show_error (self->amount_error, NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->confirm_grid))) != NULL)
    gtk_grid_remove (self->confirm_grid, child);

  amount = vp_ui_format_money (self->amount);
  before = vp_ui_format_money (self->balance);
  after = vp_ui_format_money (self->balance + self->amount);
  {
    g_autofree char *title = g_strdup_printf (_("Top up %s for %s?"), amount, self->name);
    gtk_label_set_text (self->confirm_title, title);
  }
  add_confirm_row (self, row++, _("Account"), self->number, FALSE);
  add_confirm_row (self, row++, _("Amount"), amount, TRUE);
  add_confirm_row (self, row++, _("Balance before"), before, FALSE);
  add_confirm_row (self, row++, _("Balance after"), after, TRUE);
  add_confirm_row (self, row++, _("Payment"), vp_ui_payment_method_label (self->method), FALSE);
  if (self->tendered > 0)
    {
      g_autofree char *tendered = vp_ui_format_money (self->tendered);
      g_autofree char *change = vp_ui_format_money (self->tendered - self->amount);

      add_confirm_row (self, row++, _("Cash received"), tendered, FALSE);
      add_confirm_row (self, row++, _("Change"), change, TRUE);
    }
  if (self->reference != NULL)
    add_confirm_row (self, row++, _("Reference"), self->reference, FALSE);

  vp_ui_show_error (self->confirm_error, NULL);
  vp_topup_dialog_go (self, "confirm", self->confirm_button, self->confirm_button);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (widget);

  if (self->busy)
    return;
  vp_topup_dialog_go (self, "amount", self->next_button, GTK_WIDGET (self->amount_entry));
}

typedef struct
{
  VpLedgerEntry *entry;
  guint          queued;    /* close commands queued for tripped meters */
  char          *warning;   /* the engine's error when it could not queue them */
} Stored;

static void
stored_free (gpointer data)
{
  Stored *stored = data;

  g_clear_pointer (&stored->entry, vp_ledger_entry_free);
  g_free (stored->warning);
  g_free (stored);
}

static gpointer
topup_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GError) engine_error = NULL;
  Stored *stored = g_new0 (Stored, 1);

  if (!vp_ledger_topup (call->db, call->session, call->number, call->amount, call->method,
                        call->reference, call->tendered, &stored->entry, error))
    {
      stored_free (stored);
      return NULL;
    }

  /* The money is stored whatever happens next; a tripped supply is switched back on by
   * close commands the engine sends (its next cycle, or at once where it runs). */
  if (!vp_engine_on_topup (call->db, call->number, &stored->queued, &engine_error))
    stored->warning = g_strdup (engine_error->message);
  return stored;
}

static void
vp_topup_dialog_set_busy (VpTopupDialog *self,
                          gboolean       busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "topup.commit", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "topup.back", !busy);
  /* Closing half-way would hide whether the money was stored. */
  gtk_window_set_deletable (GTK_WINDOW (self), !busy);
}

/* The supply, after the top-up: what the close commands did ------------------- */

static void
vp_topup_dialog_show_supply (VpTopupDialog *self,
                             const char    *text,
                             gboolean       busy)
{
  self->supply_busy = busy;
  gtk_widget_set_visible (self->supply_box, TRUE);
  gtk_spinner_set_spinning (self->supply_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->supply_spinner), busy);
  gtk_label_set_text (self->supply_label, text);
}

/* VpUiWorkFunc: call->number, call->amount (how many were queued) → the account's
 * newest commands (VpCommand *). */
static gpointer
supply_work (gpointer   data,
             GError   **error)
{
  VpUiCall *call = data;

  return vp_engine_list_commands (call->db, call->number, call->amount, error);
}

static void
supply_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(VpTopupDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) commands = vp_ui_run_finish (result, &error);
  g_autoptr(GString) text = g_string_new (NULL);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (commands == NULL)
    {
      vp_topup_dialog_show_supply (self, error->message, FALSE);
      return;
    }

  /* The newest commands are the close commands this top-up queued. */
  for (guint i = 0; i < commands->len; i++)
    {
      const VpCommand *command = g_ptr_array_index (commands, i);

      if (command->action != VP_CONTROL_CLOSE || g_strcmp0 (command->origin, "topup") != 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (g_str_equal (command->state, "confirmed"))
        g_string_append_printf (text, _("Power restored on meter %s"), command->meter_address);
      else if (g_str_equal (command->state, "failed"))
        g_string_append_printf (text, _("Meter %s refused to switch back on (%s); call a technician"),
                                command->meter_address,
                                command->last_error != NULL ? command->last_error : "?");
      else if (g_str_equal (command->state, "queued") || g_str_equal (command->state, "sent"))
        g_string_append_printf (text, _("Meter %s did not answer; it will be retried"),
                                command->meter_address);
    }
  if (text->len == 0)
    g_string_assign (text, _("The supply will be switched back on by the next reading cycle."));
  vp_topup_dialog_show_supply (self, text->str, FALSE);
}

static void
supply_sent_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(VpTopupDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };
  VpUiCall *call;

  /* Whatever the send did, the commands' states say it per meter. */
  if (!vp_context_send_commands_finish (VP_CONTEXT (object), result, &report, &error))
    g_info ("Sending the top-up's commands: %s", error->message);
  vp_cycle_report_clear (&report);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  call = vp_ui_call_new (self->context, self->number);
  if (call == NULL)
    {
      vp_topup_dialog_show_supply (self, _("The supply will be switched back on by the next "
                                           "reading cycle."), FALSE);
      return;
    }
  call->amount = self->supply_queued;
  vp_ui_run_async (self, self->cancellable, supply_work, call, vp_ui_call_free,
                   (GDestroyNotify) g_ptr_array_unref, supply_listed_cb, g_object_ref (self));
}

static void
topup_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VpTopupDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  Stored *stored = vp_ui_run_finish (result, &error);
  g_autofree char *amount = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GString) supply = g_string_new (NULL);
  VpLedgerEntry *entry;

  vp_topup_dialog_set_busy (self, FALSE);
  if (stored == NULL)
    {
      vp_ui_show_error (self->confirm_error, error->message);
      return;
    }
  entry = stored->entry;
  if (stored->queued > 0)
    g_string_printf (supply, g_dngettext (GETTEXT_PACKAGE,
                                          "The supply was cut off: %u meter will be switched back on.",
                                          "The supply was cut off: %u meters will be switched back on.",
                                          stored->queued),
                     stored->queued);
  else if (stored->warning != NULL)
    g_string_printf (supply, _("The top-up is stored, but switching the supply back on failed: %s"),
                     stored->warning);

  self->receipt = g_strdup (entry->receipt);
  amount = vp_ui_format_money (entry->amount);
  after = vp_ui_format_money (entry->balance_after);
  if (entry->method == VP_PAYMENT_CASH && entry->tendered > 0)
    {
      g_autofree char *change = vp_ui_format_money (entry->change);

      text = g_strdup_printf (_("Receipt %s\nNew balance %s\nGive change: %s"),
                              entry->receipt, after, change);
    }
  else
    text = g_strdup_printf (_("Receipt %s\nNew balance %s"), entry->receipt, after);
  if (supply->len > 0)
    {
      char *longer = g_strconcat (text, "\n", supply->str, NULL);

      g_free (text);
      text = longer;
    }
  gtk_label_set_text (self->done_label, text);
  vp_topup_dialog_go (self, "done", self->close_button, self->close_button);

  summary = g_strdup_printf (_("Topped up %s to %s. Receipt %s. New balance %s."),
                             amount, self->name, entry->receipt, after);
  g_signal_emit (self, signals[COMMITTED], 0, summary, entry->receipt);

  /* Within one round-trip: the customer should not wait for the next cycle. */
  if (stored->queued > 0 && vp_context_has_engine (self->context))
    {
      self->supply_queued = stored->queued;
      vp_topup_dialog_show_supply (self, _("Switching the supply back on…"), TRUE);
      vp_context_send_commands_async (self->context, NULL, supply_sent_cb, g_object_ref (self));
    }
  stored_free (stored);
}

static void
commit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (widget);
  VpUiCall *call;

  if (self->busy || self->receipt != NULL)
    return;
  call = vp_ui_call_new (self->context, self->number);
  if (call == NULL)
    {
      vp_ui_show_error (self->confirm_error, _("Nobody is logged in at this counter."));
      return;
    }
  call->amount = self->amount;
  call->method = self->method;
  call->tendered = self->tendered;
  call->reference = g_strdup (self->reference);

  vp_ui_show_error (self->confirm_error, NULL);
  vp_topup_dialog_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, topup_work, call, vp_ui_call_free, stored_free, topup_cb,
                   g_object_ref (self));
}

static void
key_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  GtkEditable *editable = GTK_EDITABLE (self->amount_entry);
  g_autofree char *text = g_strdup (gtk_editable_get_text (editable));

  if (g_str_equal (key, "back"))
    {
      char *last = g_utf8_find_prev_char (text, text + strlen (text));

      if (last != NULL)
        *last = '\0';
      gtk_editable_set_text (editable, text);
    }
  else if (g_str_equal (key, "clear"))
    gtk_editable_set_text (editable, "");
  else
    {
      g_autofree char *longer = g_strconcat (text, key, NULL);
      gtk_editable_set_text (editable, longer);
    }
  gtk_editable_set_position (editable, -1);
}

static void
quick_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (widget);
  g_autofree char *text = g_strdup_printf ("%d.00", g_variant_get_int32 (parameter));

  gtk_editable_set_text (GTK_EDITABLE (self->amount_entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->amount_entry), -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->amount_entry));
}

static GtkWidget *
unfocusable_button (const char *label,
                    const char *action,
                    GVariant   *target)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  /* Touch only: the keyboard path stays in the amount field. */
  gtk_widget_set_focusable (button, FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

static void
vp_topup_dialog_build_keypad (VpTopupDialog *self)
{
  static const char *keys[] = { "7", "8", "9", "4", "5", "6", "1", "2", "3", "0", ".", "back" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *label = g_str_equal (keys[i], "back") ? "⌫" : keys[i];
      GtkWidget *button = unfocusable_button (label, "topup.key", g_variant_new_string (keys[i]));

      gtk_widget_add_css_class (button, "vp-key");
      gtk_grid_attach (self->keypad, button, i % 3, i / 3, 1, 1);
    }
  {
    GtkWidget *clear = unfocusable_button (_("Clear"), "topup.key", g_variant_new_string ("clear"));
    gtk_grid_attach (self->keypad, clear, 0, 4, 3, 1);
  }

  for (guint i = 0; i < G_N_ELEMENTS (quick_amounts); i++)
    {
      g_autofree char *label = g_strdup_printf ("¥%d", quick_amounts[i]);
      GtkWidget *button = unfocusable_button (label, "topup.quick",
                                              g_variant_new_int32 (quick_amounts[i]));

      gtk_widget_add_css_class (button, "vp-quick");
      gtk_box_append (self->quick_box, button);
    }
}

static void
vp_topup_dialog_dispose (GObject *object)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (vp_topup_dialog_parent_class)->dispose (object);
}

static void
vp_topup_dialog_finalize (GObject *object)
{
  VpTopupDialog *self = VP_TOPUP_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->number, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->reference, g_free);
  g_clear_pointer (&self->receipt, g_free);

  G_OBJECT_CLASS (vp_topup_dialog_parent_class)->finalize (object);
}

static void
vp_topup_dialog_class_init (VpTopupDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_topup_dialog_dispose;
  object_class->finalize = vp_topup_dialog_finalize;

  signals[COMMITTED] = g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                     G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-topup-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, customer_label);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, quick_box);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, method_box);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, keypad);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, tendered_title);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, tendered_entry);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, change_label);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, reference_title);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, reference_entry);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, amount_error);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, confirm_title);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, confirm_grid);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, confirm_error);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, done_label);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, supply_box);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, supply_spinner);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, supply_label);
  gtk_widget_class_bind_template_child (widget_class, VpTopupDialog, close_button);

  gtk_widget_class_install_action (widget_class, "topup.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "topup.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "topup.commit", NULL, commit_action);
  gtk_widget_class_install_action (widget_class, "topup.key", "s", key_action);
  gtk_widget_class_install_action (widget_class, "topup.quick", "i", quick_action);
  vp_ui_bind_escape_close (widget_class);
}

static void
vp_topup_dialog_init (VpTopupDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  vp_topup_dialog_build_keypad (self);
  vp_ui_method_box_fill (self->method_box, G_CALLBACK (update_payment_cb), self);
  g_signal_connect_swapped (self->amount_entry, "changed", G_CALLBACK (update_payment_cb), self);
  g_signal_connect_swapped (self->tendered_entry, "changed", G_CALLBACK (update_payment_cb), self);
  update_payment_cb (self);
}

VpTopupDialog *
vp_topup_dialog_new (VpContext       *context,
                     const VpAccount *account)
{
  VpTopupDialog *self;
  g_autofree char *balance = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (account != NULL, NULL);

  self = g_object_new (VP_TYPE_TOPUP_DIALOG, NULL);
  self->context = g_object_ref (context);
  self->number = g_strdup (account->number);
  self->name = g_strdup (account->name);
  self->balance = account->balance;

  balance = vp_ui_format_money (account->balance);
  text = g_strdup_printf (_("%s · account %s · balance %s"), account->name, account->number,
                          balance);
  gtk_label_set_text (self->customer_label, text);
  vp_topup_dialog_go (self, "amount", self->next_button, GTK_WIDGET (self->amount_entry));
  return self;
}

const char *
vp_topup_dialog_get_step (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
vp_topup_dialog_get_error (VpTopupDialog *self)
{
  GtkLabel *label;

  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  label = g_str_equal (vp_topup_dialog_get_step (self), "amount") ? self->amount_error
                                                                 : self->confirm_error;
  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

gboolean
vp_topup_dialog_get_busy (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), FALSE);

  return self->busy;
}

const char *
vp_topup_dialog_get_receipt (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return self->receipt;
}

GtkEditable *
vp_topup_dialog_get_amount (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return GTK_EDITABLE (self->amount_entry);
}

GtkEditable *
vp_topup_dialog_get_tendered (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return GTK_EDITABLE (self->tendered_entry);
}

GtkEditable *
vp_topup_dialog_get_reference (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return GTK_EDITABLE (self->reference_entry);
}

const char *
vp_topup_dialog_get_done_text (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return gtk_label_get_text (self->done_label);
}

const char *
vp_topup_dialog_get_supply_text (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), NULL);

  return gtk_widget_get_visible (self->supply_box) ? gtk_label_get_text (self->supply_label)
                                                   : NULL;
}

gboolean
vp_topup_dialog_get_supply_busy (VpTopupDialog *self)
{
  g_return_val_if_fail (VP_IS_TOPUP_DIALOG (self), FALSE);

  return self->supply_busy;
}
