/* vp-meters-page.c: the technician's bench: link, address, any data item, tests, log
 *
 * Every operation goes through the context's VpCommissioning (app/ implements it with
 * the devices meter client; ui/ never links devices) in a worker thread: one at a
 * time, with a pulsing bar and a Cancel that stops it mid-exchange. Relay and valve
 * tests read the supply back, so "done" means the meter says so. The frame log shows
 * every frame sent and received, hex and decoded, as it happens.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-anomalies-panel.h"
#include "vp-commissioning.h"
#include "vp-meters-page.h"
#include "vp-money.h"
#include "vp-ui.h"

struct _VpMetersPage
{
  GtkWidget        parent_instance;

  VpContext       *context;
  VpCommissioning *commissioning;
  guint            listener;
  GCancellable    *cancellable;
  guint            pulse_source;
  char            *value;
  GtkStringList   *ports;
  GStrv            port_names;
  guint            n_ports;
  gboolean         filling_ports;

  GtkDropDown     *port_dropdown;
  GtkEntry        *link_entry;
  GtkDropDown     *protocol_dropdown;
  GtkEntry        *address_entry;
  GtkEntry        *password_entry;
  GtkEntry        *item_entry;
  GtkLabel        *value_label;
  GtkEntry        *alarm1_entry;
  GtkEntry        *alarm2_entry;
  GtkProgressBar  *progress;
  GtkLabel        *status_label;
  GtkTextView     *log_view;
  GtkBox          *anomalies_box;
  VpAnomaliesPanel *anomalies;
};

G_DEFINE_FINAL_TYPE (VpMetersPage, vp_meters_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The ports' default line for RS-485 meters (PROTOCOLS.md "Serial links"): 2400 8E1. */
#define SERIAL_PARAMETERS "?baud=2400&parity=even"
#define GATEWAY_EXAMPLE   "tcp://192.168.1.20:4001?baud=2400"

typedef enum
{
  OP_READ_ADDRESS,
  OP_READ_ITEM,
  OP_SET_CLOCK,
  OP_CONTROL,
  OP_WRITE_LIMITS,
} OpKind;

/* One operation, with everything copied from the widgets on the main thread. */
typedef struct
{
  OpKind           kind;
  VpCommissioning *commissioning;
  VpSession       *session;
  VpMeterTarget    target;     /* strings below */
  char            *link;
  char            *address;
  char            *password;
  char            *item;
  char            *limits[2];
  VpControl        control;
  GCancellable    *cancellable;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->commissioning);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->session, vp_session_unref);
  g_free (op->link);
  g_free (op->address);
  g_free (op->password);
  g_free (op->item);
  g_free (op->limits[0]);
  g_free (op->limits[1]);
  g_free (op);
}

/* Results --------------------------------------------------------------------- */

typedef struct
{
  char *message;
  char *address;   /* read address: what to put into the address field */
  char *value;     /* read item: the answer */
} OpResult;

static void
op_result_free (gpointer data)
{
  OpResult *r = data;

  g_free (r->message);
  g_free (r->address);
  g_free (r->value);
  g_free (r);
}

static const char *
supply_words (VpMeterKind   kind,
              VpSupplyState supply)
{
  switch (supply)
    {
    case VP_SUPPLY_ON:
      return kind == VP_METER_KIND_WATER ? _("the valve is open") : _("the relay is closed (power on)");
    case VP_SUPPLY_OFF:
      return kind == VP_METER_KIND_WATER ? _("the valve is shut") : _("the relay is open (power off)");
    case VP_SUPPLY_UNKNOWN:
    default:
      return _("the supply state is unknown");
    }
}

static gboolean
op_control (Op            *op,
            OpResult      *r,
            GCancellable  *cancellable,
            GError       **error)
{
  VpSupplyState want = op->control == VP_CONTROL_TRIP ? VP_SUPPLY_OFF : VP_SUPPLY_ON;
  VpSupplyState supply = VP_SUPPLY_UNKNOWN;

  if (!vp_commissioning_control (op->commissioning, &op->target, op->control, cancellable, error) ||
      !vp_commissioning_read_supply (op->commissioning, &op->target, &supply, cancellable, error))
    return FALSE;

  /* An acknowledgement is not proof: the test passes only when the meter reads back. */
  if (supply != want)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_FAILED,
                   _("Meter %s acknowledged the command, but %s."), op->address,
                   supply_words (op->target.kind, supply));
      return FALSE;
    }
  r->message = g_strdup_printf (_("Meter %s: %s."), op->address,
                                supply_words (op->target.kind, supply));
  return TRUE;
}

static gpointer
op_work (gpointer   data,
         GError   **error)
{
  Op *op = data;
  GCancellable *cancellable = op->cancellable;
  OpResult *r = g_new0 (OpResult, 1);
  VpPermission perm = op->kind == OP_CONTROL ? VP_PERM_METER_CONTROL : VP_PERM_METER_COMMISSION;
  gboolean ok = FALSE;

  /* Checked (and a refusal audited) by the model, not only by the page's visibility. */
  if (!vp_session_require (op->session, perm, error))
    goto out;

  switch (op->kind)
    {
    case OP_READ_ADDRESS:
      r->address = vp_commissioning_read_address (op->commissioning, op->link, op->target.protocol,
                                                  cancellable, error);
      if (r->address != NULL)
        r->message = g_strdup_printf (_("The meter on this link is %s."), r->address);
      ok = r->address != NULL;
      break;

    case OP_READ_ITEM:
      {
        g_autoptr(VpCommissioningValue) v = NULL;

        v = vp_commissioning_read_item (op->commissioning, &op->target, op->item, cancellable,
                                        error);
        if (v == NULL)
          break;
        r->value = g_strdup_printf ("%s%s%s: %s %s", v->label != NULL ? v->label : op->item,
                                    v->di != NULL ? " · " : "", v->di != NULL ? v->di : "",
                                    v->value, v->unit);
        r->message = g_strdup_printf (_("Meter %s answered."), v->address);
        ok = TRUE;
      }
      break;

    case OP_SET_CLOCK:
      {
        g_autoptr(GDateTime) now = g_date_time_new_now_local ();
        g_autofree char *text = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");

        ok = vp_commissioning_set_clock (op->commissioning, &op->target, now, cancellable, error);
        if (ok)
          r->message = g_strdup_printf (_("The clock of meter %s is set to %s."), op->address,
                                        text);
      }
      break;

    case OP_CONTROL:
      ok = op_control (op, r, cancellable, error);
      break;

    case OP_WRITE_LIMITS:
      ok = vp_commissioning_write_item (op->commissioning, &op->target, "money.alarm1",
                                        op->limits[0], cancellable, error) &&
           vp_commissioning_write_item (op->commissioning, &op->target, "money.alarm2",
                                        op->limits[1], cancellable, error);
      if (ok)
        r->message = g_strdup_printf (_("Meter %s now warns at ¥%s and ¥%s."), op->address,
                                      op->limits[0], op->limits[1]);
      break;

    default:
      g_assert_not_reached ();
    }

out:
  if (!ok)
    {
      op_result_free (r);
      return NULL;
    }
  return r;
}

/* Running ------------------------------------------------------------------------ */

static void
vp_meters_page_set_busy (VpMetersPage *self,
                         gboolean      busy)
{
  static const char * const operations[] = {
    "meters.read-address", "meters.read-item", "meters.set-clock", "meters.control",
    "meters.valve", "meters.write-thresholds",
  };
  gboolean usable = self->commissioning != NULL &&
                    vp_context_can (self->context, VP_PERM_METER_COMMISSION);

  for (guint i = 0; i < G_N_ELEMENTS (operations); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), operations[i], usable && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "meters.cancel", busy);
  if (!busy)
    {
      g_clear_handle_id (&self->pulse_source, g_source_remove);
      gtk_progress_bar_set_fraction (self->progress, 0);
    }
}

static gboolean
pulse_cb (gpointer data)
{
  VpMetersPage *self = data;

  gtk_progress_bar_pulse (self->progress);
  return G_SOURCE_CONTINUE;
}

static void
op_cb (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  VpMetersPage *self = VP_METERS_PAGE (object);
  g_autoptr(GError) error = NULL;
  OpResult *r = vp_ui_run_finish (result, &error);

  g_clear_object (&self->cancellable);
  vp_meters_page_set_busy (self, FALSE);
  if (r == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vp_ui_show_error (self->status_label, _("Cancelled."));
      else
        vp_ui_show_error (self->status_label, error->message);
      return;
    }

  if (r->address != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->address_entry), r->address);
  if (r->value != NULL)
    {
      g_free (self->value);
      self->value = g_strdup (r->value);
      gtk_label_set_text (self->value_label, r->value);
    }
  vp_ui_show_message (self->status_label, r->message, FALSE);
  op_result_free (r);
}

/* Copies the fields into a new Op; NULL (with the reason shown) when something needed
 * is missing or wrong, so nothing half-typed goes on the wire. */
static Op *
vp_meters_page_op_new (VpMetersPage *self,
                       OpKind        kind)
{
  VpSession *session = vp_context_get_session (self->context);
  g_autofree char *link = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->link_entry))));
  g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_entry))));
  gboolean water = gtk_drop_down_get_selected (self->protocol_dropdown) == 1;
  Op *op;

  if (self->commissioning == NULL || session == NULL)
    return NULL;
  if (link[0] == '\0')
    {
      vp_ui_show_error (self->status_label, _("Choose a serial port or type the link of a TCP gateway."));
      return NULL;
    }
  if (kind != OP_READ_ADDRESS && address[0] == '\0')
    {
      vp_ui_show_error (self->status_label,
                        _("Type the meter's address, or read it when it is alone on the link."));
      return NULL;
    }

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->commissioning = g_object_ref (self->commissioning);
  op->session = vp_session_ref (session);
  op->link = g_steal_pointer (&link);
  op->address = g_steal_pointer (&address);
  op->password = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->password_entry))));
  op->item = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->item_entry))));
  op->target.kind = water ? VP_METER_KIND_WATER : VP_METER_KIND_ELECTRICITY;
  op->target.protocol = water ? VP_METER_PROTOCOL_CJT188 : VP_METER_PROTOCOL_DLT645;
  op->target.address = op->address;
  op->target.link = op->link;
  op->target.password = op->password[0] != '\0' ? op->password : NULL;
  return op;
}

static void
vp_meters_page_run (VpMetersPage *self,
                    Op           *op)
{
  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  op->cancellable = g_object_ref (self->cancellable);
  vp_meters_page_set_busy (self, TRUE);
  vp_ui_show_message (self->status_label, _("Working…"), FALSE);
  self->pulse_source = g_timeout_add (100, pulse_cb, self);
  vp_ui_run_async (self, NULL, op_work, op, op_free, op_result_free, op_cb, NULL);
}

static void
simple_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpMetersPage *self = VP_METERS_PAGE (widget);
  OpKind kind;
  Op *op;

  if (g_str_equal (action_name, "meters.read-address"))
    kind = OP_READ_ADDRESS;
  else if (g_str_equal (action_name, "meters.read-item"))
    kind = OP_READ_ITEM;
  else
    kind = OP_SET_CLOCK;

  if (self->cancellable != NULL || (op = vp_meters_page_op_new (self, kind)) == NULL)
    return;
  if (kind == OP_READ_ITEM && op->item[0] == '\0' && op->target.protocol == VP_METER_PROTOCOL_DLT645)
    {
      vp_ui_show_error (self->status_label, _("Type the data item to read."));
      op_free (op);
      return;
    }
  vp_meters_page_run (self, op);
}

static void
control_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VpMetersPage *self = VP_METERS_PAGE (widget);
  gboolean valve = g_str_equal (action_name, "meters.valve");
  Op *op;

  if (self->cancellable != NULL)
    return;
  /* The valve buttons are for water meters, trip / close for electricity. */
  vp_meters_page_set_water (self, valve);
  if ((op = vp_meters_page_op_new (self, OP_CONTROL)) == NULL)
    return;
  op->kind = OP_CONTROL;
  if (valve)
    op->control = g_variant_get_boolean (parameter) ? VP_CONTROL_CLOSE : VP_CONTROL_TRIP;
  else
    op->control = g_str_equal (g_variant_get_string (parameter, NULL), "trip")
                  ? VP_CONTROL_TRIP : VP_CONTROL_CLOSE;
  vp_meters_page_run (self, op);
}

static gboolean
parse_limit (VpMetersPage  *self,
             GtkEntry      *entry,
             char         **out_text)
{
  g_autoptr(GError) error = NULL;
  gint64 fen;

  if (!vp_money_parse (gtk_editable_get_text (GTK_EDITABLE (entry)), VP_MONEY_ALLOW_ZERO, &fen,
                       &error))
    {
      vp_ui_show_error (self->status_label, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (entry));
      return FALSE;
    }
  *out_text = vp_money_format (fen);
  return TRUE;
}

static void
write_thresholds_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  VpMetersPage *self = VP_METERS_PAGE (widget);
  g_autofree char *limit1 = NULL;
  g_autofree char *limit2 = NULL;
  Op *op;

  if (self->cancellable != NULL ||
      !parse_limit (self, self->alarm1_entry, &limit1) ||
      !parse_limit (self, self->alarm2_entry, &limit2))
    return;
  if ((op = vp_meters_page_op_new (self, OP_WRITE_LIMITS)) == NULL)
    return;
  op->limits[0] = g_steal_pointer (&limit1);
  op->limits[1] = g_steal_pointer (&limit2);
  vp_meters_page_run (self, op);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpMetersPage *self = VP_METERS_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
}

/* Frame log ---------------------------------------------------------------------- */

static void
frame_cb (const VpCommissioningFrame *frame,
          gpointer                    user_data)
{
  VpMetersPage *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autofree char *line = vp_commissioning_frame_to_string (frame);
  GtkTextIter end;
  GtkAdjustment *adj;

  /* Frames are logged by link worker threads: they must reach us through the main
   * loop (the tests run with fatal criticals, so a wrong context fails them). */
  g_return_if_fail (g_main_context_is_owner (g_main_context_default ()));

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, line, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);

  if (gtk_text_buffer_get_line_count (buffer) > VP_METERS_PAGE_LOG_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, gtk_text_buffer_get_line_count (buffer) -
                                                      VP_METERS_PAGE_LOG_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }

  /* Follow the newest frame. */
  adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->log_view));
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
}

static void
clear_log_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  VpMetersPage *self = VP_METERS_PAGE (widget);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), "", 0);
}

/* Ports -------------------------------------------------------------------------- */

static void
port_selected_cb (VpMetersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->port_dropdown);
  const char *link = gtk_editable_get_text (GTK_EDITABLE (self->link_entry));

  if (selected == GTK_INVALID_LIST_POSITION || self->filling_ports)
    return;
  if (selected < self->n_ports)
    {
      g_autofree char *uri = g_strconcat ("serial:", self->port_names[selected],
                                          SERIAL_PARAMETERS, NULL);

      gtk_editable_set_text (GTK_EDITABLE (self->link_entry), uri);
    }
  else if (!g_str_has_prefix (link, "tcp://"))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->link_entry), GATEWAY_EXAMPLE);
      gtk_widget_grab_focus (GTK_WIDGET (self->link_entry));
    }
}

static gpointer
ports_work (gpointer   data,
            GError   **error)
{
  return vp_commissioning_list_ports (data, error);
}

static void
ports_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VpMetersPage *self = VP_METERS_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ports = vp_ui_run_finish (result, &error);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  GtkStringList *list;

  if (ports == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vp_ui_show_error (self->status_label, error->message);
      ports = g_ptr_array_new ();
    }
  for (guint i = 0; i < ports->len; i++)
    {
      const VpCommissioningPort *port = g_ptr_array_index (ports, i);

      g_strv_builder_add (names, port->name);
      g_ptr_array_add (items, port->description[0] != '\0'
                              ? g_strdup_printf ("%s — %s", port->name, port->description)
                              : g_strdup (port->name));
    }
  g_ptr_array_add (items, g_strdup (_("TCP gateway")));
  g_ptr_array_add (items, NULL);

  list = gtk_string_list_new ((const char * const *) items->pdata);
  g_set_object (&self->ports, list);
  g_object_unref (list);
  g_strfreev (self->port_names);
  self->port_names = g_strv_builder_end (names);
  self->n_ports = ports->len;

  /* A list that comes back late must not replace a link the technician typed meanwhile:
   * the choice follows the link; only an empty link takes the first port. */
  self->filling_ports = TRUE;
  gtk_drop_down_set_model (self->port_dropdown, G_LIST_MODEL (self->ports));
  gtk_drop_down_set_selected (self->port_dropdown, self->n_ports);
  for (guint i = 0; i < self->n_ports; i++)
    {
      g_autofree char *prefix = g_strconcat ("serial:", self->port_names[i], "?", NULL);

      if (g_str_has_prefix (gtk_editable_get_text (GTK_EDITABLE (self->link_entry)), prefix))
        gtk_drop_down_set_selected (self->port_dropdown, i);
    }
  self->filling_ports = FALSE;
  if (self->n_ports > 0 && gtk_editable_get_text (GTK_EDITABLE (self->link_entry))[0] == '\0')
    {
      gtk_drop_down_set_selected (self->port_dropdown, 0);
      port_selected_cb (self);
    }
}

static void
refresh_ports_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  VpMetersPage *self = VP_METERS_PAGE (widget);

  if (self->commissioning == NULL)
    return;
  vp_ui_run_async (self, NULL, ports_work, g_object_ref (self->commissioning), g_object_unref,
                   (GDestroyNotify) g_ptr_array_unref, ports_cb, NULL);
}

/* Object ------------------------------------------------------------------------- */

static void
session_changed_cb (VpMetersPage *self)
{
  g_cancellable_cancel (self->cancellable);
  vp_meters_page_set_busy (self, self->cancellable != NULL);
}

static void
vp_meters_page_constructed (GObject *object)
{
  VpMetersPage *self = VP_METERS_PAGE (object);

  G_OBJECT_CLASS (vp_meters_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  /* the readings the engine would not charge: resolved here, where the technician
   * works on meters (also without a local meter interface) */
  self->anomalies = VP_ANOMALIES_PANEL (vp_anomalies_panel_new (self->context));
  gtk_box_append (self->anomalies_box, GTK_WIDGET (self->anomalies));
  self->commissioning = vp_context_get_commissioning (self->context);
  if (self->commissioning != NULL)
    {
      /* Not g_main_context_get_thread_default(): NULL there would mean "call in the
       * link's worker thread", and GTK must only be touched from this one. */
      g_autoptr(GMainContext) main_context = g_main_context_ref_thread_default ();

      g_object_ref (self->commissioning);
      self->listener = vp_commissioning_add_listener (self->commissioning, main_context,
                                                      frame_cb, self, NULL);
      refresh_ports_action (GTK_WIDGET (self), NULL, NULL);
    }
  else
    vp_ui_show_error (self->status_label, _("This counter has no meter interface: meters "
                                            "cannot be reached from here."));
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  vp_meters_page_set_busy (self, FALSE);
}

static void
vp_meters_page_dispose (GObject *object)
{
  VpMetersPage *self = VP_METERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_source, g_source_remove);
  if (self->listener != 0)
    {
      vp_commissioning_remove_listener (self->commissioning, self->listener);
      self->listener = 0;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_METERS_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_meters_page_parent_class)->dispose (object);
}

static void
vp_meters_page_finalize (GObject *object)
{
  VpMetersPage *self = VP_METERS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->ports);
  g_clear_pointer (&self->port_names, g_strfreev);
  g_clear_object (&self->commissioning);
  g_clear_object (&self->context);
  g_free (self->value);

  G_OBJECT_CLASS (vp_meters_page_parent_class)->finalize (object);
}

static void
vp_meters_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  VpMetersPage *self = VP_METERS_PAGE (object);

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
vp_meters_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  VpMetersPage *self = VP_METERS_PAGE (object);

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
vp_meters_page_class_init (VpMetersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_meters_page_constructed;
  object_class->dispose = vp_meters_page_dispose;
  object_class->finalize = vp_meters_page_finalize;
  object_class->set_property = vp_meters_page_set_property;
  object_class->get_property = vp_meters_page_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-meters-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, port_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, link_entry);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, protocol_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, address_entry);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, item_entry);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, value_label);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, alarm1_entry);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, alarm2_entry);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, progress);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, log_view);
  gtk_widget_class_bind_template_child (widget_class, VpMetersPage, anomalies_box);

  gtk_widget_class_install_action (widget_class, "meters.read-address", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "meters.read-item", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "meters.set-clock", NULL, simple_action);
  gtk_widget_class_install_action (widget_class, "meters.control", "s", control_action);
  gtk_widget_class_install_action (widget_class, "meters.valve", "b", control_action);
  gtk_widget_class_install_action (widget_class, "meters.write-thresholds", NULL,
                                   write_thresholds_action);
  gtk_widget_class_install_action (widget_class, "meters.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "meters.refresh-ports", NULL,
                                   refresh_ports_action);
  gtk_widget_class_install_action (widget_class, "meters.clear-log", NULL, clear_log_action);
}

static void
item_activated_cb (VpMetersPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "meters.read-item", NULL);
}

static void
vp_meters_page_init (VpMetersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->port_dropdown, "notify::selected",
                           G_CALLBACK (port_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item_entry, "activate",
                           G_CALLBACK (item_activated_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
vp_meters_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_METERS_PAGE, "context", context, NULL);
}

GtkEditable *
vp_meters_page_get_link (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  return GTK_EDITABLE (self->link_entry);
}

GtkEditable *
vp_meters_page_get_address (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  return GTK_EDITABLE (self->address_entry);
}

GtkEditable *
vp_meters_page_get_password (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  return GTK_EDITABLE (self->password_entry);
}

GtkEditable *
vp_meters_page_get_item (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  return GTK_EDITABLE (self->item_entry);
}

GtkEditable *
vp_meters_page_get_alarm (VpMetersPage *self,
                          guint         level)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);
  g_return_val_if_fail (level == 1 || level == 2, NULL);

  return GTK_EDITABLE (level == 1 ? self->alarm1_entry : self->alarm2_entry);
}

void
vp_meters_page_set_water (VpMetersPage *self,
                          gboolean      water)
{
  g_return_if_fail (VP_IS_METERS_PAGE (self));

  gtk_drop_down_set_selected (self->protocol_dropdown, water ? 1 : 0);
}

guint
vp_meters_page_get_n_ports (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), 0);

  return self->n_ports;
}

gboolean
vp_meters_page_get_busy (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

const char *
vp_meters_page_get_value (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  return self->value;
}

const char *
vp_meters_page_get_status (VpMetersPage *self,
                           gboolean     *is_error)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  if (is_error != NULL)
    *is_error = gtk_widget_has_css_class (GTK_WIDGET (self->status_label), "vp-error");
  if (!gtk_widget_get_visible (GTK_WIDGET (self->status_label)))
    return NULL;
  return gtk_label_get_text (self->status_label);
}

char *
vp_meters_page_get_log_text (VpMetersPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->log_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

VpAnomaliesPanel *
vp_meters_page_get_anomalies (VpMetersPage *self)
{
  g_return_val_if_fail (VP_IS_METERS_PAGE (self), NULL);

  return self->anomalies;
}
