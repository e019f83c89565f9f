/* vp-rooms-page.c: every room by building and floor, coloured by state, live
 *
 * The grid is the model's room status (vp-room-status) laid out per building and
 * floor, one tile per room and account, coloured by the most urgent state. While the
 * page is shown it reads the rooms again every few seconds in a worker thread, so a
 * cycle that trips a meter turns its tile red without a restart; tiles are rebuilt
 * only when something changed, so the grid does not flicker. A click on a tile opens
 * the customer card of its account.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-customer-card.h"
#include "vp-rooms-page.h"
#include "vp-ui.h"

struct _VpRoomsPage
{
  GtkWidget       parent_instance;

  VpContext      *context;
  GPtrArray      *rooms;          /* VpRoomStatus *, all buildings */
  char           *signature;      /* what the tiles show, to skip needless rebuilds */
  GHashTable     *tiles;          /* label → GtkWidget (owned by the grid) */
  GStrv           buildings;
  char           *building;       /* filter, NULL: all */
  VpRoomState     state;          /* filter, VP_N_ROOM_STATES: all */
  guint           interval;
  guint           timer;
  guint           serial;
  gboolean        reading;
  guint           load_serial;
  gboolean        loading;
  VpAccount      *account;
  gboolean        filling;

  GtkDropDown    *building_dropdown;
  GtkDropDown    *state_dropdown;
  GtkLabel       *count_label;
  GtkBox         *legend_box;
  GtkLabel       *message_label;
  GtkBox         *grid_box;
  GtkRevealer    *card_revealer;
  VpCustomerCard *card;
};

G_DEFINE_FINAL_TYPE (VpRoomsPage, vp_rooms_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
state_label (VpRoomState state)
{
  switch (state)
    {
    case VP_ROOM_TRIPPED:
      return _("Tripped");
    case VP_ROOM_OFFLINE:
      return _("Offline");
    case VP_ROOM_KEEP_POWER:
      return _("Keep power");
    case VP_ROOM_LOW:
      return _("Low balance");
    case VP_ROOM_NORMAL:
      return _("Normal");
    case VP_ROOM_VACANT:
      return _("Vacant");
    case VP_N_ROOM_STATES:
    default:
      return _("All states");
    }
}

static void
add_state_class (GtkWidget   *widget,
                 VpRoomState  state)
{
  g_autofree char *name = g_strconcat ("vp-room-", vp_room_state_to_string (state), NULL);

  gtk_widget_add_css_class (widget, "vp-room");
  gtk_widget_add_css_class (widget, name);
}

/* Card ----------------------------------------------------------------------- */

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);
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
  gtk_revealer_set_reveal_child (self->card_revealer, TRUE);
}

static void
vp_rooms_page_load_card (VpRoomsPage *self,
                         const char  *account)
{
  VpUiCall *call = vp_ui_call_new (self->context, account);

  if (call == NULL)
    return;
  self->load_serial++;
  self->loading = TRUE;
  vp_ui_run_async (self, NULL, vp_ui_load_account_work, call, vp_ui_call_free,
                   vp_ui_account_info_free, load_cb, GUINT_TO_POINTER (self->load_serial));
}

static void
tile_clicked_cb (GtkButton   *tile,
                 VpRoomsPage *self)
{
  const char *account = g_object_get_data (G_OBJECT (tile), "vp-account");
  const char *label = g_object_get_data (G_OBJECT (tile), "vp-label");

  if (account == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Room %s has no open account."), label);

      vp_ui_show_message (self->message_label, text, FALSE);
      return;
    }
  vp_ui_show_message (self->message_label, NULL, FALSE);
  vp_rooms_page_load_card (self, account);
}

static void
close_card_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (widget);

  self->load_serial++;
  self->loading = FALSE;
  g_clear_pointer (&self->account, vp_account_free);
  gtk_revealer_set_reveal_child (self->card_revealer, FALSE);
}

/* Grid ----------------------------------------------------------------------- */

static GtkWidget *
tile_new (VpRoomsPage        *self,
          const VpRoomStatus *room)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (room->label);
  GtkWidget *name = gtk_label_new (room->name != NULL ? room->name : state_label (VP_ROOM_VACANT));
  g_autofree char *tooltip = NULL;

  gtk_widget_add_css_class (label, "vp-room-label");
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 8);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), name);
  if (room->account != NULL)
    {
      g_autofree char *money = vp_ui_format_money (room->balance);
      GtkWidget *balance = gtk_label_new (money);

      gtk_widget_add_css_class (balance, "vp-room-balance");
      gtk_box_append (GTK_BOX (box), balance);
    }
  gtk_button_set_child (GTK_BUTTON (button), box);
  add_state_class (button, room->state);

  tooltip = g_strdup_printf ("%s · %s%s%s", room->label, state_label (room->state),
                             room->account != NULL ? " · " : "",
                             room->account != NULL ? room->account : "");
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data_full (G_OBJECT (button), "vp-account", g_strdup (room->account), g_free);
  g_object_set_data_full (G_OBJECT (button), "vp-label", g_strdup (room->label), g_free);
  g_object_set_data (G_OBJECT (button), "vp-state", GINT_TO_POINTER (room->state));
  g_signal_connect_object (button, "clicked", G_CALLBACK (tile_clicked_cb), self, 0);
  return button;
}

static gboolean
room_shown (VpRoomsPage        *self,
            const VpRoomStatus *room)
{
  return (self->building == NULL || g_strcmp0 (self->building, room->building) == 0) &&
         (self->state == VP_N_ROOM_STATES || self->state == room->state);
}

static char *
grid_signature (VpRoomsPage *self)
{
  GString *text = g_string_new (self->building);

  g_string_append_printf (text, "|%d", self->state);
  for (guint i = 0; self->rooms != NULL && i < self->rooms->len; i++)
    {
      const VpRoomStatus *r = g_ptr_array_index (self->rooms, i);

      g_string_append_printf (text, "\n%s|%s|%s|%" G_GINT64_FORMAT "|%d", r->label,
                              r->account ? r->account : "", r->name ? r->name : "",
                              r->balance, r->state);
    }
  return g_string_free (text, FALSE);
}

static void
vp_rooms_page_rebuild (VpRoomsPage *self)
{
  g_autofree char *signature = grid_signature (self);
  const VpRoomStatus *previous = NULL;
  GtkWidget *child;
  GtkWidget *flow = NULL;
  guint n = 0;

  if (g_strcmp0 (signature, self->signature) == 0)
    return;
  g_free (self->signature);
  self->signature = g_steal_pointer (&signature);

  g_hash_table_remove_all (self->tiles);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid_box))) != NULL)
    gtk_box_remove (self->grid_box, child);

  for (guint i = 0; self->rooms != NULL && i < self->rooms->len; i++)
    {
      const VpRoomStatus *room = g_ptr_array_index (self->rooms, i);
      GtkWidget *tile;

      if (!room_shown (self, room))
        continue;

      if (previous == NULL || g_strcmp0 (previous->site, room->site) != 0 ||
          g_strcmp0 (previous->building, room->building) != 0)
        {
          g_autofree char *text = g_strdup_printf (_("%s · Building %s"), room->site,
                                                   room->building);
          GtkWidget *heading = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (heading), 0);
          gtk_widget_add_css_class (heading, "title-3");
          gtk_widget_set_margin_top (heading, 8);
          gtk_box_append (self->grid_box, heading);
          previous = NULL;
        }
      if (previous == NULL || previous->level != room->level)
        {
          g_autofree char *text = g_strdup_printf (_("Floor %d"), room->level);
          GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
          GtkWidget *floor = gtk_label_new (text);

          gtk_label_set_xalign (GTK_LABEL (floor), 0);
          gtk_widget_set_valign (floor, GTK_ALIGN_START);
          gtk_widget_set_margin_top (floor, 12);
          gtk_widget_set_size_request (floor, 72, -1);
          gtk_widget_add_css_class (floor, "dim-label");
          flow = gtk_flow_box_new ();
          gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
          gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
          gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 12);
          gtk_widget_set_hexpand (flow, TRUE);
          gtk_box_append (GTK_BOX (row), floor);
          gtk_box_append (GTK_BOX (row), flow);
          gtk_box_append (self->grid_box, row);
        }
      previous = room;

      tile = tile_new (self, room);
      gtk_flow_box_append (GTK_FLOW_BOX (flow), tile);
      g_hash_table_insert (self->tiles, g_strdup (room->label), tile);
      n++;
    }

  {
    g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u room",
                                                          "%u rooms", n), n);
    gtk_label_set_text (self->count_label, text);
  }
}

static void
vp_rooms_page_fill_buildings (VpRoomsPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) buildings = NULL;
  g_autoptr(GtkStringList) list = NULL;
  gboolean first_time = self->buildings == NULL;
  guint selected = 0;

  for (guint i = 0; i < self->rooms->len; i++)
    {
      const VpRoomStatus *room = g_ptr_array_index (self->rooms, i);

      if (i == 0 || g_strcmp0 (room->building,
                               ((VpRoomStatus *) g_ptr_array_index (self->rooms, i - 1))->building) != 0)
        g_strv_builder_add (builder, room->building);
    }
  buildings = g_strv_builder_end (builder);
  if (self->buildings != NULL && g_strv_equal ((const char * const *) buildings,
                                               (const char * const *) self->buildings))
    return;

  g_ptr_array_add (items, g_strdup (_("All buildings")));
  for (guint i = 0; buildings[i] != NULL; i++)
    {
      g_ptr_array_add (items, g_strdup_printf (_("Building %s"), buildings[i]));
      if (g_strcmp0 (buildings[i], self->building) == 0)
        selected = i + 1;
    }
  g_ptr_array_add (items, NULL);
  /* A big site opens on its first building: thousands of tiles help nobody. */
  if (first_time && self->rooms->len > VP_ROOMS_PAGE_ALL_LIMIT && buildings[0] != NULL)
    {
      selected = 1;
      g_free (self->building);
      self->building = g_strdup (buildings[0]);
    }
  g_strfreev (self->buildings);
  self->buildings = g_steal_pointer (&buildings);

  list = gtk_string_list_new ((const char * const *) items->pdata);
  self->filling = TRUE;
  gtk_drop_down_set_model (self->building_dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (self->building_dropdown, selected);
  self->filling = FALSE;
}

static void
filter_changed_cb (VpRoomsPage *self)
{
  guint building = gtk_drop_down_get_selected (self->building_dropdown);
  guint state = gtk_drop_down_get_selected (self->state_dropdown);

  if (self->filling)
    return;
  g_clear_pointer (&self->building, g_free);
  if (building != GTK_INVALID_LIST_POSITION && building > 0 && self->buildings != NULL &&
      building <= g_strv_length (self->buildings))
    self->building = g_strdup (self->buildings[building - 1]);
  self->state = state < VP_N_ROOM_STATES ? (VpRoomState) state : VP_N_ROOM_STATES;
  vp_rooms_page_rebuild (self);
}

/* Reading -------------------------------------------------------------------- */

static gpointer
rooms_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;

  return vp_room_status_list (call->db, call->session, NULL, error);
}

static void
rooms_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);
  g_autoptr(GError) error = NULL;
  GPtrArray *rooms = vp_ui_run_finish (result, &error);

  if (GPOINTER_TO_UINT (user_data) != self->serial)
    {
      g_clear_pointer (&rooms, g_ptr_array_unref);
      return;
    }
  self->reading = FALSE;
  if (rooms == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  self->rooms = rooms;
  vp_rooms_page_fill_buildings (self);
  vp_rooms_page_rebuild (self);
}

void
vp_rooms_page_refresh (VpRoomsPage *self)
{
  VpUiCall *call;

  g_return_if_fail (VP_IS_ROOMS_PAGE (self));

  self->serial++;
  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL || !vp_context_can (self->context, VP_PERM_ACCOUNT_VIEW))
    {
      vp_ui_call_free (call);
      self->reading = FALSE;
      g_clear_pointer (&self->rooms, g_ptr_array_unref);
      vp_rooms_page_rebuild (self);
      return;
    }
  self->reading = TRUE;
  vp_ui_run_async (self, NULL, rooms_work, call, vp_ui_call_free,
                   (GDestroyNotify) g_ptr_array_unref, rooms_cb, GUINT_TO_POINTER (self->serial));
}

static gboolean
timer_cb (gpointer data)
{
  VpRoomsPage *self = data;

  /* A slow database must not pile up reads. */
  if (!self->reading)
    vp_rooms_page_refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
vp_rooms_page_start_timer (VpRoomsPage *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->interval > 0)
    self->timer = g_timeout_add (self->interval, timer_cb, self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vp_rooms_page_refresh (VP_ROOMS_PAGE (widget));
}

/* Object --------------------------------------------------------------------- */

/* A cycle just wrote what the grid shows: read it now rather than at the next tick,
 * and the open card's meters with it. */
static void
cycle_finished_cb (VpRoomsPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  /* Newer reads win by their serial, so one in flight is simply overtaken. */
  vp_rooms_page_refresh (self);
  if (self->account != NULL)
    vp_rooms_page_load_card (self, self->account->number);
}

static void
session_changed_cb (VpRoomsPage *self)
{
  close_card_action (GTK_WIDGET (self), NULL, NULL);
  vp_rooms_page_refresh (self);
}

static void
vp_rooms_page_map (GtkWidget *widget)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (widget);

  GTK_WIDGET_CLASS (vp_rooms_page_parent_class)->map (widget);

  vp_rooms_page_refresh (self);
  vp_rooms_page_start_timer (self);
}

static void
vp_rooms_page_unmap (GtkWidget *widget)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (widget);

  /* Nobody looks: no reads. */
  g_clear_handle_id (&self->timer, g_source_remove);

  GTK_WIDGET_CLASS (vp_rooms_page_parent_class)->unmap (widget);
}

static void
vp_rooms_page_constructed (GObject *object)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);

  G_OBJECT_CLASS (vp_rooms_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "cycle-finished",
                           G_CALLBACK (cycle_finished_cb), self, G_CONNECT_SWAPPED);
}

static void
vp_rooms_page_dispose (GObject *object)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_hash_table_remove_all (self->tiles);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_ROOMS_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_rooms_page_parent_class)->dispose (object);
}

static void
vp_rooms_page_finalize (GObject *object)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);

  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  g_clear_pointer (&self->tiles, g_hash_table_unref);
  g_clear_pointer (&self->buildings, g_strfreev);
  g_clear_pointer (&self->account, vp_account_free);
  g_free (self->signature);
  g_free (self->building);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_rooms_page_parent_class)->finalize (object);
}

static void
vp_rooms_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);

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
vp_rooms_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VpRoomsPage *self = VP_ROOMS_PAGE (object);

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
vp_rooms_page_class_init (VpRoomsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_rooms_page_constructed;
  object_class->dispose = vp_rooms_page_dispose;
  object_class->finalize = vp_rooms_page_finalize;
  object_class->set_property = vp_rooms_page_set_property;
  object_class->get_property = vp_rooms_page_get_property;
  widget_class->map = vp_rooms_page_map;
  widget_class->unmap = vp_rooms_page_unmap;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VP_TYPE_CUSTOMER_CARD);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-rooms-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, building_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, legend_box);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, grid_box);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, card_revealer);
  gtk_widget_class_bind_template_child (widget_class, VpRoomsPage, card);

  gtk_widget_class_install_action (widget_class, "rooms.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "rooms.close-card", NULL, close_card_action);
}

static void
vp_rooms_page_init (VpRoomsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->tiles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->state = VP_N_ROOM_STATES;
  self->interval = VP_ROOMS_PAGE_DEFAULT_INTERVAL_MS;

  /* What the colours mean, in the colours. */
  for (VpRoomState s = 0; s < VP_N_ROOM_STATES; s++)
    {
      GtkWidget *swatch = gtk_label_new (state_label (s));

      add_state_class (swatch, s);
      gtk_box_append (self->legend_box, swatch);
    }

  g_signal_connect_object (self->building_dropdown, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->state_dropdown, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vp_rooms_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_ROOMS_PAGE, "context", context, NULL);
}

void
vp_rooms_page_set_interval (VpRoomsPage *self,
                            guint        milliseconds)
{
  g_return_if_fail (VP_IS_ROOMS_PAGE (self));

  self->interval = milliseconds;
  vp_rooms_page_start_timer (self);
}

gboolean
vp_rooms_page_get_busy (VpRoomsPage *self)
{
  g_return_val_if_fail (VP_IS_ROOMS_PAGE (self), FALSE);

  return self->reading || self->loading;
}

void
vp_rooms_page_set_filter (VpRoomsPage *self,
                          const char  *building,
                          VpRoomState  state)
{
  guint index = 0;

  g_return_if_fail (VP_IS_ROOMS_PAGE (self));
  g_return_if_fail (state <= VP_N_ROOM_STATES);

  for (guint i = 0; building != NULL && self->buildings != NULL && self->buildings[i]; i++)
    if (g_str_equal (self->buildings[i], building))
      index = i + 1;
  gtk_drop_down_set_selected (self->building_dropdown, index);
  gtk_drop_down_set_selected (self->state_dropdown, state);
}

guint
vp_rooms_page_get_n_tiles (VpRoomsPage *self)
{
  g_return_val_if_fail (VP_IS_ROOMS_PAGE (self), 0);

  return g_hash_table_size (self->tiles);
}

GtkWidget *
vp_rooms_page_get_tile (VpRoomsPage *self,
                        const char  *label)
{
  g_return_val_if_fail (VP_IS_ROOMS_PAGE (self), NULL);
  g_return_val_if_fail (label != NULL, NULL);

  return g_hash_table_lookup (self->tiles, label);
}

VpRoomState
vp_rooms_page_get_tile_state (VpRoomsPage *self,
                              const char  *label)
{
  GtkWidget *tile = vp_rooms_page_get_tile (self, label);

  if (tile == NULL)
    return VP_N_ROOM_STATES;
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (tile), "vp-state"));
}

void
vp_rooms_page_select (VpRoomsPage *self,
                      const char  *label)
{
  GtkWidget *tile = vp_rooms_page_get_tile (self, label);

  g_return_if_fail (tile != NULL);

  g_signal_emit_by_name (tile, "clicked");
}

const VpAccount *
vp_rooms_page_get_account (VpRoomsPage *self)
{
  g_return_val_if_fail (VP_IS_ROOMS_PAGE (self), NULL);

  return self->account;
}
