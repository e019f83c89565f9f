/* vp-commissioning-devices.c: the Meters page's VpCommissioning over the meter client */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-commissioning-devices.h"
#include "vp-device-error.h"
#include "vp-link.h"
#include "vp-meter-gateway-devices.h"

struct _VpCommissioningDevices
{
  GObject         parent_instance;
  VpMeterClient  *client;
  VpMeterGateway *gateway;
};

static void vp_commissioning_devices_iface_init (VpCommissioningInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VpCommissioningDevices, vp_commissioning_devices, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VP_TYPE_COMMISSIONING,
                                                      vp_commissioning_devices_iface_init))

static GPtrArray *
list_ports (VpCommissioning  *commissioning,
            GError          **error)
{
  g_autoptr(GPtrArray) infos = vp_link_list_serial_ports (error);
  GPtrArray *ports;

  if (infos == NULL)
    return NULL;
  ports = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_commissioning_port_free);
  for (guint i = 0; i < infos->len; i++)
    {
      const VpSerialPortInfo *info = g_ptr_array_index (infos, i);
      VpCommissioningPort *port = g_new0 (VpCommissioningPort, 1);

      port->name = g_strdup (info->name);
      port->description = g_strdup (info->description != NULL ? info->description : "");
      g_ptr_array_add (ports, port);
    }
  return ports;
}

static char *
read_address (VpCommissioning  *commissioning,
              const char       *link,
              VpMeterProtocol   protocol,
              GCancellable     *cancellable,
              GError          **error)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);

  if (protocol == VP_METER_PROTOCOL_CJT188)
    return vp_meter_client_water_read_address (self->client, link, cancellable, error);
  return vp_meter_client_read_address (self->client, link, cancellable, error);
}

static VpCommissioningValue *
read_item (VpCommissioning      *commissioning,
           const VpMeterTarget  *target,
           const char           *item,
           GCancellable         *cancellable,
           GError              **error)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);
  g_autoptr(VpMeterReading) reading = NULL;
  VpCommissioningValue *value;

  if (target->protocol == VP_METER_PROTOCOL_CJT188)
    reading = vp_meter_client_water_read (self->client, target->link, target->address,
                                          cancellable, error);
  else
    reading = vp_meter_client_read_item (self->client, target->link, target->address,
                                         item, cancellable, error);
  if (reading == NULL)
    return NULL;

  value = g_new0 (VpCommissioningValue, 1);
  value->address = g_strdup (reading->address);
  value->di = g_strdup (reading->di);
  value->item = g_strdup (reading->item);
  value->label = g_strdup (reading->label);
  value->value = g_strdup (reading->value);
  value->unit = g_strdup (reading->unit != NULL ? reading->unit : "");
  return value;
}

static gboolean
auth_of (const VpMeterTarget  *target,
         VpMeterAuth          *auth,
         GError              **error)
{
  /* The page passes the password as the technician typed it, "LL:PPPPPP". */
  const char *password = target->password != NULL && target->password[0] != '\0'
                         ? target->password : NULL;

  return vp_meter_auth_parse (password, target->operator_code, auth, error);
}

static gboolean
write_item (VpCommissioning      *commissioning,
            const VpMeterTarget  *target,
            const char           *item,
            const char           *value,
            GCancellable         *cancellable,
            GError              **error)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);
  VpMeterAuth auth;

  if (target->protocol != VP_METER_PROTOCOL_DLT645)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED,
                   _("Meter %s is a water meter: it has no settings to write."), target->address);
      return FALSE;
    }
  return auth_of (target, &auth, error) &&
         vp_meter_client_write_item (self->client, target->link, target->address, &auth, item,
                                     value, cancellable, error);
}

static gboolean
set_clock (VpCommissioning      *commissioning,
           const VpMeterTarget  *target,
           GDateTime            *time,
           GCancellable         *cancellable,
           GError              **error)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);
  VpMeterAuth auth;

  if (target->protocol != VP_METER_PROTOCOL_DLT645)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED,
                   _("Meter %s is a water meter: its clock is not set from here."),
                   target->address);
      return FALSE;
    }
  return auth_of (target, &auth, error) &&
         vp_meter_client_write_time (self->client, target->link, target->address, &auth, time,
                                     cancellable, error);
}

static gboolean
control (VpCommissioning      *commissioning,
         const VpMeterTarget  *target,
         VpControl             action,
         GCancellable         *cancellable,
         GError              **error)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);

  return vp_meter_gateway_control (self->gateway, target, action, cancellable, error);
}

static gboolean
read_supply (VpCommissioning      *commissioning,
             const VpMeterTarget  *target,
             VpSupplyState        *out_supply,
             GCancellable         *cancellable,
             GError              **error)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);

  return vp_meter_gateway_read_supply (self->gateway, target, out_supply, cancellable, error);
}

typedef struct
{
  VpCommissioningFrameFunc func;
  gpointer                 user_data;
  GDestroyNotify           destroy;
} Listener;

static void
listener_free (gpointer data)
{
  Listener *l = data;

  if (l->destroy != NULL)
    l->destroy (l->user_data);
  g_free (l);
}

static void
frame_logged_cb (VpFrameLog            *log,
                 const VpFrameLogEntry *entry,
                 gpointer               user_data)
{
  Listener *l = user_data;
  VpCommissioningFrame frame = {
    .time = entry->time,
    .direction = (char *) vp_frame_log_kind_to_string (entry->kind),
    .link = entry->link,
    .hex = entry->hex,
    .description = entry->description,
  };

  l->func (&frame, l->user_data);
}

static guint
add_listener (VpCommissioning          *commissioning,
              GMainContext             *context,
              VpCommissioningFrameFunc  func,
              gpointer                  user_data,
              GDestroyNotify            destroy)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);
  Listener *l = g_new0 (Listener, 1);

  l->func = func;
  l->user_data = user_data;
  l->destroy = destroy;
  return vp_frame_log_add_listener (vp_meter_client_get_frame_log (self->client), context,
                                    frame_logged_cb, l, listener_free);
}

static void
remove_listener (VpCommissioning *commissioning,
                 guint            id)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (commissioning);

  vp_frame_log_remove_listener (vp_meter_client_get_frame_log (self->client), id);
}

static void
vp_commissioning_devices_iface_init (VpCommissioningInterface *iface)
{
  iface->list_ports = list_ports;
  iface->read_address = read_address;
  iface->read_item = read_item;
  iface->write_item = write_item;
  iface->set_clock = set_clock;
  iface->control = control;
  iface->read_supply = read_supply;
  iface->add_listener = add_listener;
  iface->remove_listener = remove_listener;
}

static void
vp_commissioning_devices_finalize (GObject *object)
{
  VpCommissioningDevices *self = VP_COMMISSIONING_DEVICES (object);

  g_clear_object (&self->gateway);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (vp_commissioning_devices_parent_class)->finalize (object);
}

static void
vp_commissioning_devices_class_init (VpCommissioningDevicesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vp_commissioning_devices_finalize;
}

static void
vp_commissioning_devices_init (VpCommissioningDevices *self)
{
}

VpCommissioning *
vp_commissioning_devices_new (VpMeterClient *client)
{
  VpCommissioningDevices *self;

  g_return_val_if_fail (VP_IS_METER_CLIENT (client), NULL);

  self = g_object_new (VP_TYPE_COMMISSIONING_DEVICES, NULL);
  self->client = g_object_ref (client);
  self->gateway = vp_meter_gateway_devices_new (client);
  return VP_COMMISSIONING (self);
}
