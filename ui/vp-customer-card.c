/* vp-customer-card.c: who the cashier is serving, readable from a metre away
 *
 * Shows a copy of what the model returned; it never asks the model itself. The balance
 * turns red below the account's alarm levels so a cashier sees it without reading.
 * Each meter row has a live line (last reading, contact, relay / valve, keep-power)
 * that the page fills from the engine's state and refreshes after each cycle.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-customer-card.h"
#include "vp-money.h"
#include "vp-room-status.h"
#include "vp-ui.h"

typedef enum
{
  FIELD_ACCOUNT,
  FIELD_ROOM,
  FIELD_PHONE,
  FIELD_MODE,
  FIELD_TARIFF,
  FIELD_ARREARS,
  FIELD_LAST_TOPUP,
  N_FIELDS
} Field;

struct _VpCustomerCard
{
  GtkWidget       parent_instance;

  VpBalanceLevel  level;

  GtkStack       *stack;
  GtkLabel       *name_label;
  GtkLabel       *status_label;
  GtkLabel       *balance_label;
  GtkLabel       *alarm_label;
  GtkGrid        *grid;
  GtkListBox     *meter_list;
  GtkLabel       *values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (VpCustomerCard, vp_customer_card, GTK_TYPE_WIDGET)

static const char *balance_classes[] = {
  NULL, "vp-balance-alarm1", "vp-balance-alarm2", "vp-balance-tripped",
};

VpBalanceLevel
vp_balance_level (gint64 balance,
                  gint64 alarm1,
                  gint64 alarm2,
                  gint64 trip)
{
  if (balance <= trip)
    return VP_BALANCE_TRIPPED;
  if (balance < alarm2)
    return VP_BALANCE_ALARM2;
  if (balance < alarm1)
    return VP_BALANCE_ALARM1;
  return VP_BALANCE_OK;
}

static GtkWidget *
meter_row_new (const VpMeter *meter)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *kind, *address, *state;
  g_autofree char *reading = NULL;
  g_autofree char *number = NULL;

  kind = gtk_label_new (meter->kind == VP_METER_KIND_WATER ? _("Water") : _("Electricity"));
  gtk_widget_add_css_class (kind, "vp-meter-kind");
  address = gtk_label_new (meter->address);
  gtk_label_set_selectable (GTK_LABEL (address), TRUE);
  gtk_widget_add_css_class (address, "monospace");
  gtk_widget_set_hexpand (address, TRUE);
  gtk_label_set_xalign (GTK_LABEL (address), 0);

  /* Readings are 0.01 units, like money is 0.01 yuan: the same exact printing. */
  number = vp_money_format (meter->install_reading);
  reading = g_strdup_printf (meter->kind == VP_METER_KIND_WATER ? _("installed at %s m³")
                                                                : _("installed at %s kWh"),
                             number);
  state = gtk_label_new (reading);
  gtk_widget_add_css_class (state, "dim-label");

  gtk_box_append (GTK_BOX (box), kind);
  gtk_box_append (GTK_BOX (box), address);
  gtk_box_append (GTK_BOX (box), state);

  /* The live line below, empty until the engine's state is known. */
  {
    GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
    GtkWidget *live = gtk_label_new (NULL);

    gtk_label_set_xalign (GTK_LABEL (live), 0);
    gtk_label_set_wrap (GTK_LABEL (live), TRUE);
    gtk_widget_set_visible (live, FALSE);
    gtk_widget_add_css_class (live, "vp-meter-live");
    gtk_box_append (GTK_BOX (row), box);
    gtk_box_append (GTK_BOX (row), live);
    gtk_widget_set_margin_top (row, 6);
    gtk_widget_set_margin_bottom (row, 6);
    gtk_widget_set_margin_start (row, 12);
    gtk_widget_set_margin_end (row, 12);
    g_object_set_data_full (G_OBJECT (row), "vp-address", g_strdup (meter->address), g_free);
    g_object_set_data (G_OBJECT (row), "vp-live", live);
    return row;
  }
}

static char *
format_unix_time (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* "123.45 kWh at 2026-11-25 14:05 · online · power on · keep-power". */
static char *
meter_live_text (const VpMeterLive *m)
{
  gboolean water = m->kind == VP_METER_KIND_WATER;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (m->has_reading)
    {
      g_autofree char *total = vp_money_format (m->total);
      g_autofree char *when = format_unix_time (m->read_at);

      g_ptr_array_add (parts, g_strdup_printf (water ? _("%s m³ at %s") : _("%s kWh at %s"),
                                               total, when));
    }
  else
    g_ptr_array_add (parts, g_strdup (_("not read yet")));

  if (m->online)
    g_ptr_array_add (parts, g_strdup (_("online")));
  else if (m->last_contact > 0)
    {
      g_autofree char *when = format_unix_time (m->last_contact);

      g_ptr_array_add (parts, g_strdup_printf (_("offline, last answered %s"), when));
    }
  else if (m->failures > 0)
    g_ptr_array_add (parts, g_strdup (_("offline, never answered")));

  if (m->supply == VP_SUPPLY_ON)
    g_ptr_array_add (parts, g_strdup (water ? _("valve open") : _("power on")));
  else if (m->supply == VP_SUPPLY_OFF)
    g_ptr_array_add (parts, g_strdup (water ? _("valve closed") : _("power cut off")));

  if (m->keep_power)
    g_ptr_array_add (parts, g_strdup (_("keep-power")));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static const VpMeterLive *
find_meter_status (GPtrArray  *meters,
                   const char *address)
{
  for (guint i = 0; meters != NULL && i < meters->len; i++)
    {
      const VpMeterLive *m = g_ptr_array_index (meters, i);

      if (g_strcmp0 (m->address, address) == 0)
        return m;
    }
  return NULL;
}

/* The row's child that carries the meter's address, or NULL ("No meter installed"). */
static GtkWidget *
meter_row_content (GtkWidget *row)
{
  GtkWidget *child = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

  return child != NULL && g_object_get_data (G_OBJECT (child), "vp-address") != NULL ? child
                                                                                   : NULL;
}

void
vp_customer_card_set_meter_states (VpCustomerCard *self,
                                   GPtrArray      *meters)
{
  g_return_if_fail (VP_IS_CUSTOMER_CARD (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->meter_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *content = meter_row_content (row);
      const VpMeterLive *m;
      GtkWidget *live;

      if (content == NULL)
        continue;
      live = g_object_get_data (G_OBJECT (content), "vp-live");
      m = find_meter_status (meters, g_object_get_data (G_OBJECT (content), "vp-address"));
      gtk_widget_remove_css_class (live, "vp-meter-offline");
      gtk_widget_set_visible (live, m != NULL);
      if (m == NULL)
        continue;
      {
        g_autofree char *text = meter_live_text (m);

        gtk_label_set_text (GTK_LABEL (live), text);
      }
      if (m->failures > 0)
        gtk_widget_add_css_class (live, "vp-meter-offline");
    }
}

const char *
vp_customer_card_get_meter_text (VpCustomerCard *self,
                                 const char     *address)
{
  g_return_val_if_fail (VP_IS_CUSTOMER_CARD (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->meter_list));
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *content = meter_row_content (row);
      GtkWidget *live;

      if (content == NULL || !g_str_equal (g_object_get_data (G_OBJECT (content), "vp-address"),
                                           address))
        continue;
      live = g_object_get_data (G_OBJECT (content), "vp-live");
      return gtk_widget_get_visible (live) ? gtk_label_get_text (GTK_LABEL (live)) : NULL;
    }
  return NULL;
}

static void
vp_customer_card_set_field (VpCustomerCard *self,
                            Field           field,
                            const char     *text)
{
  gboolean shown = text != NULL && text[0] != '\0';

  gtk_label_set_text (self->values[field], shown ? text : "—");
}

void
vp_customer_card_set_account (VpCustomerCard      *self,
                              const VpAccount     *account,
                              const VpLedgerEntry *last_topup)
{
  g_autofree char *balance = NULL;
  g_autofree char *arrears = NULL;
  g_autofree char *last = NULL;
  GtkWidget *child;
  VpBalanceLevel level;

  g_return_if_fail (VP_IS_CUSTOMER_CARD (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->meter_list))) != NULL)
    gtk_list_box_remove (self->meter_list, child);

  if (balance_classes[self->level] != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->balance_label), balance_classes[self->level]);
  self->level = VP_BALANCE_OK;

  if (account == NULL)
    {
      gtk_label_set_text (self->balance_label, "");
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  gtk_label_set_text (self->name_label, account->name);
  gtk_label_set_text (self->status_label, vp_ui_account_status_label (account->status));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label),
                          account->status != VP_ACCOUNT_STATUS_OPEN);

  balance = vp_ui_format_money (account->balance);
  gtk_label_set_text (self->balance_label, balance);
  /* Alarms and cut-off are prepaid rules; a postpaid account is billed instead. */
  level = account->mode == VP_ACCOUNT_MODE_PREPAID
            ? vp_balance_level (account->balance, account->alarm1, account->alarm2, account->trip)
            : VP_BALANCE_OK;
  self->level = level;
  if (balance_classes[level] != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->balance_label), balance_classes[level]);
  gtk_widget_set_visible (GTK_WIDGET (self->alarm_label), level != VP_BALANCE_OK);
  if (level == VP_BALANCE_TRIPPED)
    gtk_label_set_text (self->alarm_label, _("Balance used up: supply is cut off until a top-up."));
  else if (level != VP_BALANCE_OK)
    gtk_label_set_text (self->alarm_label, _("Balance is low: please top up."));

  vp_customer_card_set_field (self, FIELD_ACCOUNT, account->number);
  vp_customer_card_set_field (self, FIELD_ROOM, account->room);
  vp_customer_card_set_field (self, FIELD_PHONE, account->phone);
  vp_customer_card_set_field (self, FIELD_MODE, vp_ui_account_mode_label (account->mode));
  vp_customer_card_set_field (self, FIELD_TARIFF, account->tariff);

  if (account->balance < 0 || account->close_debt > 0)
    arrears = vp_ui_format_money (account->close_debt > 0 ? account->close_debt
                                                          : -account->balance);
  vp_customer_card_set_field (self, FIELD_ARREARS, arrears);

  if (last_topup != NULL)
    {
      g_autofree char *amount = vp_ui_format_money (last_topup->amount);
      g_autofree char *when = vp_ui_format_time (last_topup->created_at);

      last = g_strdup_printf ("%s · %s · %s", amount, when,
                              last_topup->receipt != NULL ? last_topup->receipt : "");
    }
  vp_customer_card_set_field (self, FIELD_LAST_TOPUP, last);

  for (guint i = 0; account->meters != NULL && i < account->meters->len; i++)
    {
      const VpMeter *meter = g_ptr_array_index (account->meters, i);

      if (meter->status == VP_METER_STATUS_ACTIVE)
        gtk_list_box_append (self->meter_list, meter_row_new (meter));
    }
  if (gtk_widget_get_first_child (GTK_WIDGET (self->meter_list)) == NULL)
    {
      GtkWidget *none = gtk_label_new (_("No meter installed"));

      gtk_widget_add_css_class (none, "dim-label");
      gtk_widget_set_margin_top (none, 6);
      gtk_widget_set_margin_bottom (none, 6);
      gtk_list_box_append (self->meter_list, none);
    }

  gtk_stack_set_visible_child_name (self->stack, "account");
}

const char *
vp_customer_card_get_balance_text (VpCustomerCard *self)
{
  g_return_val_if_fail (VP_IS_CUSTOMER_CARD (self), NULL);

  return gtk_label_get_text (self->balance_label);
}

VpBalanceLevel
vp_customer_card_get_balance_level (VpCustomerCard *self)
{
  g_return_val_if_fail (VP_IS_CUSTOMER_CARD (self), VP_BALANCE_OK);

  return self->level;
}

static void
vp_customer_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VP_TYPE_CUSTOMER_CARD);
  vp_ui_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (vp_customer_card_parent_class)->dispose (object);
}

static void
vp_customer_card_class_init (VpCustomerCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_customer_card_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-customer-card.ui");
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, stack);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, status_label);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, balance_label);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, alarm_label);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, grid);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerCard, meter_list);
  gtk_widget_class_set_css_name (widget_class, "vp-customer-card");
}

static void
vp_customer_card_init (VpCustomerCard *self)
{
  const char *titles[N_FIELDS] = {
    [FIELD_ACCOUNT] = _("Account"),
    [FIELD_ROOM] = _("Room"),
    [FIELD_PHONE] = _("Phone"),
    [FIELD_MODE] = _("Mode"),
    [FIELD_TARIFF] = _("Tariff"),
    [FIELD_ARREARS] = _("Arrears"),
    [FIELD_LAST_TOPUP] = _("Last top-up"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *title = gtk_label_new (titles[i]);
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_widget_add_css_class (value, "vp-field");
      gtk_grid_attach (self->grid, title, 0, i, 1, 1);
      gtk_grid_attach (self->grid, value, 1, i, 1, 1);
      self->values[i] = GTK_LABEL (value);
    }
}

GtkWidget *
vp_customer_card_new (void)
{
  return g_object_new (VP_TYPE_CUSTOMER_CARD, NULL);
}
