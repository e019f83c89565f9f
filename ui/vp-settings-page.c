/* vp-settings-page.c: the administrator's page: operators, tariffs, premises, counter
 *
 * Four tabs over model calls that check the role and audit every change themselves:
 * operators (vp_operator_*: add with a role, disable / enable, unlock, new password),
 * tariffs (vp_tariff_store_add: flat, time of use, tiered; a known name gets a new
 * version from now on), premises (vp_room_add) and the counter's settings
 * (vp_settings_set). Every call runs in a worker thread; the lists are read again after
 * each change.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-room-status.h"
#include "vp-settings-page.h"
#include "vp-settings.h"
#include "vp-tariff-store.h"
#include "vp-ui.h"

struct _VpSettingsPage
{
  GtkWidget        parent_instance;

  VpContext       *context;
  GPtrArray       *operators;      /* VpOperator * */
  GPtrArray       *tariff_lines;   /* char *, "name" then "name: …" */
  guint            n_rooms;
  guint            serial;
  gboolean         loading;
  gboolean         changing;
  GHashTable      *setting_fields; /* key → GtkWidget (entry or switch) */
  GPtrArray       *links;          /* VpLinkUse * */
  GtkDropDown     *links_dropdown;
  GtkEntry        *new_link_entry;

  GtkLabel        *message_label;
  GtkSpinner      *spinner;
  GtkListBox      *operators_list;
  GtkEditable     *new_password_entry;
  GtkEntry        *login_entry;
  GtkEntry        *name_entry;
  GtkDropDown     *role_dropdown;
  GtkEditable     *password_entry;
  GtkListBox      *tariffs_list;
  GtkEntry        *tariff_name_entry;
  GtkDropDown     *utility_dropdown;
  GtkDropDown     *scheme_dropdown;
  GtkEntry        *prices_entry;
  GtkLabel        *prices_hint;
  GtkLabel        *rooms_label;
  GtkEntry        *site_entry;
  GtkEntry        *building_entry;
  GtkSpinButton   *floor_spin;
  GtkEntry        *room_entry;
  GtkEntry        *area_entry;
  GtkGrid         *counter_grid;
};

G_DEFINE_FINAL_TYPE (VpSettingsPage, vp_settings_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
role_label (VpRole role)
{
  switch (role)
    {
    case VP_ROLE_CASHIER:
      return _("Cashier");
    case VP_ROLE_SUPERVISOR:
      return _("Supervisor");
    case VP_ROLE_TECHNICIAN:
      return _("Technician");
    case VP_ROLE_ADMIN:
      return _("Administrator");
    default:
      g_return_val_if_reached ("");
    }
}

static void
vp_settings_page_update_busy (VpSettingsPage *self)
{
  static const char * const actions[] = {
    "settings.add-operator", "settings.toggle-active", "settings.unlock",
    "settings.reset-password", "settings.add-tariff", "settings.add-room", "settings.save",
    "settings.move-link",
  };
  gboolean busy = self->loading || self->changing;

  gtk_spinner_set_spinning (self->spinner, busy);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i], !busy);
}

/* Reading -------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *operators;
  GPtrArray *tariff_lines;
  guint      n_rooms;
  GStrv      values;        /* one per vp_settings_get_info() */
  GPtrArray *links;         /* VpLinkUse * */
} Snapshot;

static void
snapshot_free (gpointer data)
{
  Snapshot *s = data;

  g_clear_pointer (&s->operators, g_ptr_array_unref);
  g_clear_pointer (&s->tariff_lines, g_ptr_array_unref);
  g_clear_pointer (&s->links, g_ptr_array_unref);
  g_strfreev (s->values);
  g_free (s);
}

static gpointer
snapshot_work (gpointer   data,
               GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GPtrArray) tariffs = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  Snapshot *s = g_new0 (Snapshot, 1);

  /* Only what this role may see is asked for: a refusal would be audited. */
  if (vp_session_can (call->session, VP_PERM_OPERATOR_MANAGE))
    s->operators = vp_operator_list (call->session, error);
  else
    s->operators = g_ptr_array_new ();
  tariffs = s->operators != NULL ? vp_tariff_store_list (call->db, error) : NULL;
  rooms = tariffs != NULL ? vp_room_status_list (call->db, call->session, NULL, error) : NULL;
  s->links = rooms != NULL ? vp_settings_list_links (call->db, error) : NULL;
  if (s->links == NULL)
    {
      snapshot_free (s);
      return NULL;
    }

  s->tariff_lines = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < tariffs->len; i++)
    {
      VpTariff *tariff = g_ptr_array_index (tariffs, i);
      guint n = vp_tariff_get_n_versions (tariff);
      const VpTariffVersion *latest = vp_tariff_get_version (tariff, n - 1);
      g_autofree char *describe = vp_tariff_version_describe (latest, vp_tariff_get_utility (tariff));

      g_ptr_array_add (s->tariff_lines, g_strdup (vp_tariff_get_name (tariff)));
      g_ptr_array_add (s->tariff_lines,
                       g_strdup_printf (_("%s (v%u): %s"), vp_tariff_get_name (tariff),
                                        latest->version, describe));
    }
  for (guint i = 0; i < rooms->len; i++)
    {
      const VpRoomStatus *room = g_ptr_array_index (rooms, i);

      if (i == 0 || ((VpRoomStatus *) g_ptr_array_index (rooms, i - 1))->room_id != room->room_id)
        s->n_rooms++;
    }
  for (guint i = 0; i < vp_settings_get_n_infos (); i++)
    {
      g_autofree char *value = vp_settings_get (call->db, vp_settings_get_info (i)->key);

      g_strv_builder_add (values, value);
    }
  s->values = g_strv_builder_end (values);
  return s;
}

/* gtk_list_box_remove_all() is GTK 4.12. */
static void
list_clear (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
fill_operators (VpSettingsPage *self)
{
  list_clear (self->operators_list);
  for (guint i = 0; i < self->operators->len; i++)
    {
      const VpOperator *op = g_ptr_array_index (self->operators, i);
      gboolean locked = op->locked_until > g_get_real_time () / G_USEC_PER_SEC;
      g_autofree char *text = g_strdup_printf ("%s — %s · %s%s%s", op->login, op->name,
                                               role_label (op->role),
                                               op->active ? "" : _(" · disabled"),
                                               locked ? _(" · locked out") : "");
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 8);
      if (!op->active)
        gtk_widget_add_css_class (label, "dim-label");
      gtk_list_box_append (self->operators_list, label);
    }
}

static void
fill_tariffs (VpSettingsPage *self)
{
  list_clear (self->tariffs_list);
  for (guint i = 1; i < self->tariff_lines->len; i += 2)
    {
      GtkWidget *label = gtk_label_new (g_ptr_array_index (self->tariff_lines, i));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_margin_end (label, 8);
      gtk_list_box_append (self->tariffs_list, label);
    }
}

static void
fill_settings (VpSettingsPage *self,
               GStrv           values)
{
  for (guint i = 0; values[i] != NULL; i++)
    {
      const VpSettingInfo *info = vp_settings_get_info (i);
      GtkWidget *field = g_hash_table_lookup (self->setting_fields, info->key);

      if (GTK_IS_SWITCH (field))
        gtk_switch_set_active (GTK_SWITCH (field), g_str_equal (values[i], "true"));
      else
        gtk_editable_set_text (GTK_EDITABLE (field), values[i]);
      if (g_str_equal (info->key, "site.name") &&
          gtk_editable_get_text (GTK_EDITABLE (self->site_entry))[0] == '\0')
        gtk_editable_set_text (GTK_EDITABLE (self->site_entry), values[i]);
    }
}

static void
fill_links (VpSettingsPage *self)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GtkStringList) list = NULL;

  for (guint i = 0; i < self->links->len; i++)
    {
      const VpLinkUse *use = g_ptr_array_index (self->links, i);

      int n = (int) MIN (use->n_meters, G_MAXINT);

      g_ptr_array_add (items, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%d meter)",
                                                            "%s (%d meters)", n),
                                               use->link, n));
    }
  g_ptr_array_add (items, NULL);
  list = gtk_string_list_new ((const char * const *) items->pdata);
  gtk_drop_down_set_model (self->links_dropdown, G_LIST_MODEL (list));
}

static void
snapshot_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);
  g_autoptr(GError) error = NULL;
  Snapshot *s = vp_ui_run_finish (result, &error);

  if (GPOINTER_TO_UINT (user_data) != self->serial)
    {
      if (s != NULL)
        snapshot_free (s);
      return;
    }
  self->loading = FALSE;
  vp_settings_page_update_busy (self);
  if (s == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }

  g_clear_pointer (&self->operators, g_ptr_array_unref);
  self->operators = g_steal_pointer (&s->operators);
  g_clear_pointer (&self->tariff_lines, g_ptr_array_unref);
  self->tariff_lines = g_steal_pointer (&s->tariff_lines);
  self->n_rooms = s->n_rooms;
  g_clear_pointer (&self->links, g_ptr_array_unref);
  self->links = g_steal_pointer (&s->links);
  fill_links (self);
  fill_operators (self);
  fill_tariffs (self);
  fill_settings (self, s->values);
  {
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u room on record",
                                                          "%u rooms on record", self->n_rooms),
                                             self->n_rooms);
    gtk_label_set_text (self->rooms_label, text);
  }
  snapshot_free (s);
}

void
vp_settings_page_refresh (VpSettingsPage *self)
{
  VpUiCall *call;

  g_return_if_fail (VP_IS_SETTINGS_PAGE (self));

  self->serial++;
  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL || !vp_context_can (self->context, VP_PERM_SETTINGS))
    {
      vp_ui_call_free (call);
      self->loading = FALSE;
      vp_settings_page_update_busy (self);
      return;
    }
  self->loading = TRUE;
  vp_settings_page_update_busy (self);
  vp_ui_run_async (self, NULL, snapshot_work, call, vp_ui_call_free, snapshot_free, snapshot_cb,
                   GUINT_TO_POINTER (self->serial));
}

/* Changes -------------------------------------------------------------------- */

typedef enum
{
  CHANGE_ADD_OPERATOR,
  CHANGE_SET_ACTIVE,
  CHANGE_UNLOCK,
  CHANGE_PASSWORD,
  CHANGE_ADD_TARIFF,
  CHANGE_ADD_ROOM,
  CHANGE_SETTING,
  CHANGE_MOVE_LINK,
} ChangeKind;

/* The fields of one change, copied on the main thread. */
typedef struct
{
  ChangeKind  kind;
  char       *fields[5];
  int         number;      /* role, floor, active */
  int         utility;
  int         scheme;
  char       *done;        /* what to say when it worked */
} Change;

static void
change_free (gpointer data)
{
  Change *c = data;

  for (guint i = 0; i < G_N_ELEMENTS (c->fields); i++)
    g_free (c->fields[i]);
  g_free (c->done);
  g_free (c);
}

static gboolean
add_tariff (VpUiCall  *call,
            Change    *c,
            GError   **error)
{
  VpTariffVersion version = { 0 };
  const char *prices = c->fields[1];

  version.effective_from = g_get_real_time () / G_USEC_PER_SEC;
  version.cycle = VP_BILLING_CYCLE_MONTHLY;
  version.cycle_start_day = 1;
  version.cycle_start_month = 1;
  switch (c->scheme)
    {
    case 0:
      version.scheme = VP_TARIFF_FLAT;
      if (!vp_tariff_price_parse (prices, &version.rates[0], error))
        return FALSE;
      break;
    case 1:
      version.scheme = VP_TARIFF_TOU;
      if (!vp_tariff_parse_rates (prices, VP_N_RATES, version.rates, error))
        return FALSE;
      break;
    default:
      version.scheme = VP_TARIFF_TIERED;
      if (!vp_tariff_parse_tiers (prices, &version, error))
        return FALSE;
      break;
    }
  return vp_tariff_store_add (call->db, call->session, c->fields[0],
                              c->utility == 1 ? VP_UTILITY_WATER : VP_UTILITY_ELECTRICITY,
                              &version, NULL, error);
}

static gpointer
change_work (gpointer   data,
             GError   **error)
{
  VpUiCall *call = data;
  Change *c = call->spec;
  gboolean ok = FALSE;

  switch (c->kind)
    {
    case CHANGE_ADD_OPERATOR:
      ok = vp_operator_add (call->db, call->session, c->fields[0], c->fields[1], c->number,
                            c->fields[2], NULL, error);
      break;
    case CHANGE_SET_ACTIVE:
      ok = vp_operator_set_active (call->session, c->fields[0], c->number, error);
      break;
    case CHANGE_UNLOCK:
      ok = vp_operator_unlock (call->session, c->fields[0], error);
      break;
    case CHANGE_PASSWORD:
      ok = vp_operator_set_password (call->session, c->fields[0], c->fields[1], error);
      break;
    case CHANGE_ADD_TARIFF:
      ok = add_tariff (call, c, error);
      break;
    case CHANGE_ADD_ROOM:
      {
        gint64 area = 0;

        ok = vp_tariff_quantity_parse (c->fields[3][0] != '\0' ? c->fields[3] : "0", &area, error) &&
             vp_room_add (call->db, call->session, c->fields[0], c->fields[1], c->number,
                          c->fields[2], area, NULL, error);
      }
      break;
    case CHANGE_SETTING:
      ok = vp_settings_set (call->db, call->session, c->fields[0], c->fields[1], error);
      break;
    case CHANGE_MOVE_LINK:
      ok = vp_settings_move_link (call->db, call->session, c->fields[0], c->fields[1], NULL,
                                  error);
      break;
    default:
      g_assert_not_reached ();
    }
  return ok ? g_strdup (c->done) : NULL;
}

static void
change_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *done = vp_ui_run_finish (result, &error);

  self->changing = FALSE;
  vp_settings_page_update_busy (self);
  if (done == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  vp_ui_show_message (self->message_label, done, FALSE);
  vp_settings_page_refresh (self);
}

static void
vp_settings_page_change (VpSettingsPage *self,
                         Change         *c)
{
  VpUiCall *call = vp_ui_call_new (self->context, NULL);

  if (call == NULL || self->changing)
    {
      vp_ui_call_free (call);
      change_free (c);
      return;
    }
  call->spec = c;
  call->spec_free = change_free;
  self->changing = TRUE;
  vp_settings_page_update_busy (self);
  vp_ui_run_async (self, NULL, change_work, call, vp_ui_call_free, g_free, change_cb, NULL);
}

static char *
text_of (gpointer editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static Change *
change_new (ChangeKind kind)
{
  Change *c = g_new0 (Change, 1);

  c->kind = kind;
  return c;
}

static void
add_operator_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (widget);
  Change *c = change_new (CHANGE_ADD_OPERATOR);

  c->fields[0] = text_of (self->login_entry);
  c->fields[1] = text_of (self->name_entry);
  c->fields[2] = g_strdup (gtk_editable_get_text (self->password_entry));
  c->number = gtk_drop_down_get_selected (self->role_dropdown);
  c->done = g_strdup_printf (_("Operator %s added as %s."), c->fields[0], role_label (c->number));
  gtk_editable_set_text (self->password_entry, "");
  vp_settings_page_change (self, c);
}

/* The operator selected in the list, or NULL (with a word to the administrator). */
static const VpOperator *
selected_operator (VpSettingsPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->operators_list);

  if (row == NULL || self->operators == NULL ||
      (guint) gtk_list_box_row_get_index (row) >= self->operators->len)
    {
      vp_ui_show_error (self->message_label, _("Choose an operator in the list first."));
      return NULL;
    }
  return g_ptr_array_index (self->operators, gtk_list_box_row_get_index (row));
}

static void
operator_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (widget);
  const VpOperator *op = selected_operator (self);
  Change *c;

  if (op == NULL)
    return;
  if (g_str_equal (action_name, "settings.toggle-active"))
    {
      c = change_new (CHANGE_SET_ACTIVE);
      c->number = !op->active;
      c->done = g_strdup_printf (op->active ? _("Operator %s is disabled.")
                                            : _("Operator %s is enabled again."), op->login);
    }
  else if (g_str_equal (action_name, "settings.unlock"))
    {
      c = change_new (CHANGE_UNLOCK);
      c->done = g_strdup_printf (_("Operator %s may log in again."), op->login);
    }
  else
    {
      c = change_new (CHANGE_PASSWORD);
      c->fields[1] = g_strdup (gtk_editable_get_text (self->new_password_entry));
      c->done = g_strdup_printf (_("Operator %s has a new password."), op->login);
      gtk_editable_set_text (self->new_password_entry, "");
    }
  c->fields[0] = g_strdup (op->login);
  vp_settings_page_change (self, c);
}

static void
add_tariff_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (widget);
  Change *c = change_new (CHANGE_ADD_TARIFF);

  c->fields[0] = text_of (self->tariff_name_entry);
  c->fields[1] = text_of (self->prices_entry);
  c->utility = gtk_drop_down_get_selected (self->utility_dropdown);
  c->scheme = gtk_drop_down_get_selected (self->scheme_dropdown);
  c->done = g_strdup_printf (_("Tariff %s is stored and applies from now on."), c->fields[0]);
  vp_settings_page_change (self, c);
}

static void
add_room_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (widget);
  Change *c = change_new (CHANGE_ADD_ROOM);

  c->fields[0] = text_of (self->site_entry);
  c->fields[1] = text_of (self->building_entry);
  c->fields[2] = text_of (self->room_entry);
  c->fields[3] = text_of (self->area_entry);
  c->number = gtk_spin_button_get_value_as_int (self->floor_spin);
  c->done = g_strdup_printf (_("Room %s-%s is on record."), c->fields[1], c->fields[2]);
  vp_settings_page_change (self, c);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (widget);
  const char *key = g_variant_get_string (parameter, NULL);
  GtkWidget *field = g_hash_table_lookup (self->setting_fields, key);
  const VpSettingInfo *info = vp_settings_find (key);
  Change *c;

  g_return_if_fail (field != NULL && info != NULL);

  c = change_new (CHANGE_SETTING);
  c->fields[0] = g_strdup (key);
  if (GTK_IS_SWITCH (field))
    c->fields[1] = g_strdup (gtk_switch_get_active (GTK_SWITCH (field)) ? "true" : "false");
  else
    c->fields[1] = text_of (field);
  c->done = g_strdup_printf (_("Saved: %s."), _(info->label));
  vp_settings_page_change (self, c);
}

static void
move_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (widget);
  guint selected = gtk_drop_down_get_selected (self->links_dropdown);
  const VpLinkUse *use;
  Change *c;

  if (self->links == NULL || selected >= self->links->len)
    {
      vp_ui_show_error (self->message_label, _("No meter uses a link yet."));
      return;
    }
  use = g_ptr_array_index (self->links, selected);
  c = change_new (CHANGE_MOVE_LINK);
  c->fields[0] = g_strdup (use->link);
  c->fields[1] = text_of (self->new_link_entry);
  c->done = g_strdup_printf (_("The meters of %s now use %s."), c->fields[0], c->fields[1]);
  vp_settings_page_change (self, c);
}

static void
scheme_changed_cb (VpSettingsPage *self)
{
  static const char * const hints[] = {
    N_("Yuan per unit, e.g. 0.5283"),
    N_("Sharp, peak, flat and valley in yuan, e.g. 0.9,0.7,0.5,0.3"),
    N_("Up to each limit (kWh or m³) a price, then the price above, e.g. 200:0.5283,400:0.5783,0.8283"),
  };
  guint scheme = gtk_drop_down_get_selected (self->scheme_dropdown);

  if (scheme < G_N_ELEMENTS (hints))
    gtk_label_set_text (self->prices_hint, _(hints[scheme]));
}

/* Object --------------------------------------------------------------------- */

static void
vp_settings_page_build_counter (VpSettingsPage *self)
{
  /* One row per editable setting: its label, its field, a Save button. */
  for (guint i = 0; i < vp_settings_get_n_infos (); i++)
    {
      const VpSettingInfo *info = vp_settings_get_info (i);
      GtkWidget *label = gtk_label_new (_(info->label));
      GtkWidget *field;
      GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));

      if (info->kind == VP_SETTING_BOOLEAN)
        {
          field = gtk_switch_new ();
          gtk_widget_set_halign (field, GTK_ALIGN_START);
        }
      else
        {
          field = gtk_entry_new ();
          gtk_entry_set_activates_default (GTK_ENTRY (field), FALSE);
          gtk_editable_set_width_chars (GTK_EDITABLE (field), 20);
        }
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "settings.save");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (save), "s", info->key);
      gtk_grid_attach (self->counter_grid, label, 0, i, 1, 1);
      gtk_grid_attach (self->counter_grid, field, 1, i, 1, 1);
      gtk_grid_attach (self->counter_grid, save, 2, i, 1, 1);
      g_hash_table_insert (self->setting_fields, (gpointer) info->key, field);
    }

  /* The links the meters use; a gateway's new address moves all its meters at once. */
  {
    guint row = vp_settings_get_n_infos ();
    GtkWidget *heading = gtk_label_new (_("Links in use"));
    GtkWidget *label = gtk_label_new_with_mnemonic (_("_Move to"));
    GtkWidget *move = gtk_button_new_with_mnemonic (_("Move _Meters"));

    gtk_label_set_xalign (GTK_LABEL (heading), 1);
    gtk_widget_set_margin_top (heading, 12);
    self->links_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
    gtk_widget_set_margin_top (GTK_WIDGET (self->links_dropdown), 12);
    self->new_link_entry = GTK_ENTRY (gtk_entry_new ());
    gtk_entry_set_placeholder_text (self->new_link_entry, "tcp://192.168.1.20:4001?baud=2400");
    gtk_label_set_xalign (GTK_LABEL (label), 1);
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->new_link_entry));
    gtk_actionable_set_action_name (GTK_ACTIONABLE (move), "settings.move-link");
    gtk_grid_attach (self->counter_grid, heading, 0, row, 1, 1);
    gtk_grid_attach (self->counter_grid, GTK_WIDGET (self->links_dropdown), 1, row, 2, 1);
    gtk_grid_attach (self->counter_grid, label, 0, row + 1, 1, 1);
    gtk_grid_attach (self->counter_grid, GTK_WIDGET (self->new_link_entry), 1, row + 1, 1, 1);
    gtk_grid_attach (self->counter_grid, move, 2, row + 1, 1, 1);
  }
}

static void
session_changed_cb (VpSettingsPage *self)
{
  vp_ui_show_message (self->message_label, NULL, FALSE);
  vp_settings_page_refresh (self);
}

static void
vp_settings_page_constructed (GObject *object)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);

  G_OBJECT_CLASS (vp_settings_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  vp_settings_page_refresh (self);
}

static void
vp_settings_page_dispose (GObject *object)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_SETTINGS_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_settings_page_parent_class)->dispose (object);
}

static void
vp_settings_page_finalize (GObject *object)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);

  g_clear_pointer (&self->operators, g_ptr_array_unref);
  g_clear_pointer (&self->tariff_lines, g_ptr_array_unref);
  g_clear_pointer (&self->setting_fields, g_hash_table_unref);
  g_clear_pointer (&self->links, g_ptr_array_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_settings_page_parent_class)->finalize (object);
}

static void
vp_settings_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);

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
vp_settings_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VpSettingsPage *self = VP_SETTINGS_PAGE (object);

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
vp_settings_page_class_init (VpSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_settings_page_constructed;
  object_class->dispose = vp_settings_page_dispose;
  object_class->finalize = vp_settings_page_finalize;
  object_class->set_property = vp_settings_page_set_property;
  object_class->get_property = vp_settings_page_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, operators_list);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, new_password_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, login_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, role_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, tariffs_list);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, tariff_name_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, utility_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, scheme_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, prices_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, prices_hint);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, rooms_label);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, site_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, building_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, floor_spin);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, room_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, area_entry);
  gtk_widget_class_bind_template_child (widget_class, VpSettingsPage, counter_grid);

  gtk_widget_class_install_action (widget_class, "settings.add-operator", NULL,
                                   add_operator_action);
  gtk_widget_class_install_action (widget_class, "settings.toggle-active", NULL, operator_action);
  gtk_widget_class_install_action (widget_class, "settings.unlock", NULL, operator_action);
  gtk_widget_class_install_action (widget_class, "settings.reset-password", NULL,
                                   operator_action);
  gtk_widget_class_install_action (widget_class, "settings.add-tariff", NULL, add_tariff_action);
  gtk_widget_class_install_action (widget_class, "settings.add-room", NULL, add_room_action);
  gtk_widget_class_install_action (widget_class, "settings.save", "s", save_action);
  gtk_widget_class_install_action (widget_class, "settings.move-link", NULL, move_link_action);
}

static void
vp_settings_page_init (VpSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->setting_fields = g_hash_table_new (g_str_hash, g_str_equal);
  vp_settings_page_build_counter (self);
  g_signal_connect_object (self->scheme_dropdown, "notify::selected",
                           G_CALLBACK (scheme_changed_cb), self, G_CONNECT_SWAPPED);
  scheme_changed_cb (self);
}

GtkWidget *
vp_settings_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_SETTINGS_PAGE, "context", context, NULL);
}

gboolean
vp_settings_page_get_busy (VpSettingsPage *self)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), FALSE);

  return self->loading || self->changing;
}

GtkEditable *
vp_settings_page_get_field (VpSettingsPage *self,
                            const char     *name)
{
  GtkWidget *setting;

  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  {
    const struct {
      const char *name;
      gpointer    widget;
    } fields[] = {
      { "login", self->login_entry },
      { "name", self->name_entry },
      { "password", self->password_entry },
      { "new-password", self->new_password_entry },
      { "tariff-name", self->tariff_name_entry },
      { "prices", self->prices_entry },
      { "site", self->site_entry },
      { "building", self->building_entry },
      { "room", self->room_entry },
      { "area", self->area_entry },
      { "new-link", self->new_link_entry },
    };

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      if (g_str_equal (fields[i].name, name))
        return GTK_EDITABLE (fields[i].widget);
  }
  setting = g_hash_table_lookup (self->setting_fields, name);
  return GTK_IS_EDITABLE (setting) ? GTK_EDITABLE (setting) : NULL;
}

void
vp_settings_page_set_choice (VpSettingsPage *self,
                             const char     *name,
                             int             value)
{
  g_return_if_fail (VP_IS_SETTINGS_PAGE (self));

  if (g_str_equal (name, "role"))
    gtk_drop_down_set_selected (self->role_dropdown, value);
  else if (g_str_equal (name, "utility"))
    gtk_drop_down_set_selected (self->utility_dropdown, value);
  else if (g_str_equal (name, "scheme"))
    gtk_drop_down_set_selected (self->scheme_dropdown, value);
  else if (g_str_equal (name, "floor"))
    gtk_spin_button_set_value (self->floor_spin, value);
  else if (g_str_equal (name, "link"))
    gtk_drop_down_set_selected (self->links_dropdown, value);
  else
    g_return_if_reached ();
}

guint
vp_settings_page_get_n_operators (VpSettingsPage *self)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), 0);

  return self->operators != NULL ? self->operators->len : 0;
}

gboolean
vp_settings_page_select_operator (VpSettingsPage *self,
                                  const char     *login)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), FALSE);

  for (guint i = 0; self->operators != NULL && i < self->operators->len; i++)
    {
      const VpOperator *op = g_ptr_array_index (self->operators, i);

      if (g_ascii_strcasecmp (op->login, login) == 0)
        {
          gtk_list_box_select_row (self->operators_list,
                                   gtk_list_box_get_row_at_index (self->operators_list, i));
          return TRUE;
        }
    }
  return FALSE;
}

guint
vp_settings_page_get_n_tariffs (VpSettingsPage *self)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), 0);

  return self->tariff_lines != NULL ? self->tariff_lines->len / 2 : 0;
}

const char *
vp_settings_page_get_tariff_line (VpSettingsPage *self,
                                  const char     *name)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), NULL);

  for (guint i = 0; self->tariff_lines != NULL && i < self->tariff_lines->len; i += 2)
    if (g_str_equal (g_ptr_array_index (self->tariff_lines, i), name))
      return g_ptr_array_index (self->tariff_lines, i + 1);
  return NULL;
}

guint
vp_settings_page_get_n_rooms (VpSettingsPage *self)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), 0);

  return self->n_rooms;
}

const char *
vp_settings_page_get_message (VpSettingsPage *self,
                              gboolean       *is_error)
{
  g_return_val_if_fail (VP_IS_SETTINGS_PAGE (self), NULL);

  if (is_error != NULL)
    *is_error = gtk_widget_has_css_class (GTK_WIDGET (self->message_label), "vp-error");
  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}
