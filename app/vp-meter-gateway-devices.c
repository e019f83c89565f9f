/* vp-meter-gateway-devices.c: the engine's VpMeterGateway over the devices meter client
 *
 * Electricity (DL/T 645-2007, shared/PROTOCOLS.md): a read is the forward energy block
 * 0001FF00 (total and T1..T4; meters without the block give the total 00010000), the
 * status word 3 (04000503: relay bit 4), date and time (04000101/04000102) and, on
 * money-prepaid meters (status word 3 bits 8-9), the remaining money 00900200.
 * Water (CJ/T 188-2004): a read is 901F (flow, meter time, valve in ST).
 * The clock is set on electricity meters only (14 write of 04000101 / 04000102).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-device-error.h"
#include "vp-meter-gateway-devices.h"

struct _VpMeterGatewayDevices
{
  GObject        parent_instance;
  VpMeterClient *client;
};

static void vp_meter_gateway_devices_iface_init (VpMeterGatewayInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VpMeterGatewayDevices, vp_meter_gateway_devices, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (VP_TYPE_METER_GATEWAY,
                                                      vp_meter_gateway_devices_iface_init))

/* A device failure in the engine's terms: what the engine does next depends on it
 * (skip the link, retry later, give up). */
static void
translate_error (GError     **error,
                 GError      *device_error)
{
  VpGatewayError code = VP_GATEWAY_ERROR_FAILED;

  if (device_error->domain == VP_DEVICE_ERROR)
    switch (device_error->code)
      {
      case VP_DEVICE_ERROR_INVALID_URI:
      case VP_DEVICE_ERROR_OPEN_FAILED:
      case VP_DEVICE_ERROR_IO:
      case VP_DEVICE_ERROR_CLOSED:
        code = VP_GATEWAY_ERROR_LINK_DOWN;
        break;
      case VP_DEVICE_ERROR_TIMEOUT:
      case VP_DEVICE_ERROR_NO_FRAME:
      case VP_DEVICE_ERROR_TRUNCATED:
      case VP_DEVICE_ERROR_BAD_CHECKSUM:
      case VP_DEVICE_ERROR_BAD_END:
      case VP_DEVICE_ERROR_UNEXPECTED_ADDRESS:
      case VP_DEVICE_ERROR_UNEXPECTED_REPLY:
        code = VP_GATEWAY_ERROR_NO_ANSWER;
        break;
      case VP_DEVICE_ERROR_NAK:
      case VP_DEVICE_ERROR_NAK_PASSWORD:
        code = VP_GATEWAY_ERROR_REFUSED;
        break;
      case VP_DEVICE_ERROR_NAK_NO_DATA:
      case VP_DEVICE_ERROR_UNKNOWN_ITEM:
        code = VP_GATEWAY_ERROR_UNSUPPORTED;
        break;
      default:
        break;
      }
  g_set_error_literal (error, VP_GATEWAY_ERROR, code, device_error->message);
  g_error_free (device_error);
}

/*
 * vp_meter_gateway_parse_hundredths:
 *
 * The meter client gives values as exact decimal text; this reads them without
 * floating point. At most two decimals, optional leading '-'.
 */
gboolean
vp_meter_gateway_parse_hundredths (const char *text,
                                   gint64     *out_value)
{
  gboolean negative = FALSE;
  gint64 value = 0;
  guint n_int = 0, n_dec = 0;
  const char *p = text;

  if (p == NULL)
    return FALSE;
  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; g_ascii_isdigit (*p) && n_int < 15; p++, n_int++)
    value = value * 10 + (*p - '0');
  if (n_int == 0)
    return FALSE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p) && n_dec < 2; p++, n_dec++)
      value = value * 10 + (*p - '0');
  if (*p != '\0')
    return FALSE;
  for (; n_dec < 2; n_dec++)
    value *= 10;
  *out_value = negative ? -value : value;
  return TRUE;
}

static gboolean
auth_for (const VpMeterTarget  *target,
          VpMeterAuth          *auth,
          GError              **error)
{
  g_autofree char *password = NULL;
  GError *local = NULL;

  if (target->password != NULL && *target->password != '\0')
    password = strchr (target->password, ':') != NULL
               ? g_strdup (target->password)
               : g_strdup_printf ("%02d:%s", target->password_level, target->password);
  if (vp_meter_auth_parse (password, target->operator_code, auth, &local))
    return TRUE;
  translate_error (error, local);
  return FALSE;
}

static VpSupplyState
supply_of_valve (VpCjt188ValveState valve)
{
  switch (valve)
    {
    case VP_CJT188_VALVE_OPEN:   return VP_SUPPLY_ON;
    case VP_CJT188_VALVE_CLOSED: return VP_SUPPLY_OFF;
    case VP_CJT188_VALVE_UNKNOWN:
    case VP_CJT188_VALVE_ABNORMAL:
    default:                     return VP_SUPPLY_UNKNOWN;
    }
}

static gint64
unix_of_iso8601 (const char *text)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL)
    return 0;
  dt = g_date_time_new_from_iso8601 (text, local);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static gboolean
read_water (VpMeterGatewayDevices  *self,
            const VpMeterTarget    *target,
            VpMeterSample          *out,
            GCancellable           *cancellable,
            GError                **error)
{
  g_autoptr(VpMeterReading) reading = NULL;
  GError *local = NULL;

  reading = vp_meter_client_water_read (self->client, target->link, target->address,
                                        cancellable, &local);
  if (reading == NULL)
    {
      translate_error (error, local);
      return FALSE;
    }
  out->total = reading->water.current_flow;
  if (reading->water.current_unit == VP_CJT188_UNIT_LITRE)
    out->total /= 1000;
  out->supply = supply_of_valve (reading->water.valve);
  out->meter_time = unix_of_iso8601 (reading->meter_time);
  return TRUE;
}

/* Reads @item; NULL with *@error set (gateway terms). */
static VpMeterReading *
read_item (VpMeterGatewayDevices  *self,
           const VpMeterTarget    *target,
           const char             *item,
           GCancellable           *cancellable,
           GError                **error)
{
  GError *local = NULL;
  VpMeterReading *reading;

  reading = vp_meter_client_read_item (self->client, target->link, target->address, item,
                                       cancellable, &local);
  if (reading == NULL)
    translate_error (error, local);
  return reading;
}

/* Date and time as one Unix time; 0 when the meter cannot say. */
static gint64
read_meter_time (VpMeterGatewayDevices *self,
                 const VpMeterTarget   *target,
                 GCancellable          *cancellable)
{
  g_autoptr(VpMeterReading) date = read_item (self, target, "date", cancellable, NULL);
  g_autoptr(VpMeterReading) time = NULL;
  g_autofree char *iso = NULL;

  if (date == NULL || date->value == NULL)
    return 0;
  time = read_item (self, target, "time", cancellable, NULL);
  if (time == NULL || time->value == NULL)
    return 0;
  iso = g_strdup_printf ("%sT%s", date->value, time->value);
  return unix_of_iso8601 (iso);
}

static gboolean
vp_meter_gateway_devices_read (VpMeterGateway       *gateway,
                               const VpMeterTarget  *target,
                               VpMeterSample        *out,
                               GCancellable         *cancellable,
                               GError              **error)
{
  VpMeterGatewayDevices *self = VP_METER_GATEWAY_DEVICES (gateway);
  g_autoptr(VpMeterReading) energy = NULL;
  g_autoptr(VpMeterReading) status = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) parts = NULL;
  GError *device_error = NULL;

  if (target->kind == VP_METER_KIND_WATER)
    return read_water (self, target, out, cancellable, error);

  energy = read_item (self, target, "energy.forward.block", cancellable, &local);
  if (energy == NULL && g_error_matches (local, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED))
    {
      g_clear_error (&local);
      energy = read_item (self, target, "energy.forward.total", cancellable, &local);
    }
  if (energy == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  parts = g_strsplit (energy->value != NULL ? energy->value : "", ",", -1);
  if (!vp_meter_gateway_parse_hundredths (parts[0], &out->total))
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_FAILED,
                   _("Meter %s sent an energy value that cannot be read: “%s”"),
                   target->address, energy->value);
      return FALSE;
    }
  if (g_strv_length (parts) == 5)
    {
      out->has_rates = TRUE;
      for (guint r = 0; r < 4; r++)
        if (!vp_meter_gateway_parse_hundredths (parts[r + 1], &out->rates[r]))
          out->has_rates = FALSE;
    }

  status = vp_meter_client_read_status (self->client, target->link, target->address,
                                        cancellable, &device_error);
  if (status == NULL)
    {
      translate_error (error, device_error);
      return FALSE;
    }
  if (status->has_status3)
    {
      out->supply = status->status3.relay_open ? VP_SUPPLY_OFF : VP_SUPPLY_ON;
      if (status->status3.meter_type == VP_DLT645_METER_TYPE_MONEY_PREPAID)
        {
          g_autoptr(VpMeterReading) money = read_item (self, target, "money.remaining",
                                                       cancellable, NULL);

          out->has_balance = money != NULL
                             && vp_meter_gateway_parse_hundredths (money->value, &out->balance);
        }
    }
  out->meter_time = read_meter_time (self, target, cancellable);
  return TRUE;
}

static gboolean
vp_meter_gateway_devices_read_supply (VpMeterGateway       *gateway,
                                      const VpMeterTarget  *target,
                                      VpSupplyState        *out_supply,
                                      GCancellable         *cancellable,
                                      GError              **error)
{
  VpMeterGatewayDevices *self = VP_METER_GATEWAY_DEVICES (gateway);
  g_autoptr(VpMeterReading) status = NULL;
  GError *local = NULL;

  if (target->kind == VP_METER_KIND_WATER)
    {
      VpMeterSample sample = { 0 };

      if (!read_water (self, target, &sample, cancellable, error))
        return FALSE;
      *out_supply = sample.supply;
      return TRUE;
    }

  status = vp_meter_client_read_status (self->client, target->link, target->address,
                                        cancellable, &local);
  if (status == NULL)
    {
      translate_error (error, local);
      return FALSE;
    }
  *out_supply = !status->has_status3 ? VP_SUPPLY_UNKNOWN
              : status->status3.relay_open ? VP_SUPPLY_OFF : VP_SUPPLY_ON;
  return TRUE;
}

static gboolean
vp_meter_gateway_devices_control (VpMeterGateway       *gateway,
                                  const VpMeterTarget  *target,
                                  VpControl             control,
                                  GCancellable         *cancellable,
                                  GError              **error)
{
  static const VpDlt645ControlAction actions[VP_N_CONTROLS] = {
    [VP_CONTROL_TRIP] = VP_DLT645_CONTROL_ACTION_TRIP,
    [VP_CONTROL_CLOSE] = VP_DLT645_CONTROL_ACTION_CLOSE,
    [VP_CONTROL_CLOSE_ALLOW] = VP_DLT645_CONTROL_ACTION_CLOSE_ALLOW,
    [VP_CONTROL_KEEP_POWER_ON] = VP_DLT645_CONTROL_ACTION_KEEP_POWER,
    [VP_CONTROL_KEEP_POWER_OFF] = VP_DLT645_CONTROL_ACTION_KEEP_POWER_CLEAR,
    [VP_CONTROL_ALARM_ON] = VP_DLT645_CONTROL_ACTION_ALARM,
    [VP_CONTROL_ALARM_OFF] = VP_DLT645_CONTROL_ACTION_ALARM_CLEAR,
  };
  VpMeterGatewayDevices *self = VP_METER_GATEWAY_DEVICES (gateway);
  GError *local = NULL;
  VpMeterAuth auth;

  if (target->kind == VP_METER_KIND_WATER)
    {
      g_autoptr(VpMeterReading) reading = NULL;

      if (control != VP_CONTROL_TRIP && control != VP_CONTROL_CLOSE
          && control != VP_CONTROL_CLOSE_ALLOW)
        {
          g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED,
                       _("Water meter %s has a valve only; “%s” does not apply"),
                       target->address, vp_control_to_string (control));
          return FALSE;
        }
      reading = vp_meter_client_water_valve (self->client, target->link, target->address,
                                             control != VP_CONTROL_TRIP, cancellable, &local);
      if (reading == NULL)
        {
          translate_error (error, local);
          return FALSE;
        }
      return TRUE;
    }

  if (!auth_for (target, &auth, error))
    return FALSE;
  if (!vp_meter_client_remote_control (self->client, target->link, target->address, &auth,
                                       actions[control], 0, cancellable, &local))
    {
      translate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

/* DL/T 645: 14 write of 04000101 (date, weekday) then 04000102 (time) with the meter's
 * password and operator code, as its control commands are authorised (PROTOCOLS.md).
 * Water: CJ/T 188-2004 as Vendpoint knows it (PROTOCOLS.md, and the simulator) has no
 * clock write, so none is sent rather than a guessed frame. */
static gboolean
vp_meter_gateway_devices_write_time (VpMeterGateway       *gateway,
                                     const VpMeterTarget  *target,
                                     gint64                unix_seconds,
                                     GCancellable         *cancellable,
                                     GError              **error)
{
  VpMeterGatewayDevices *self = VP_METER_GATEWAY_DEVICES (gateway);
  g_autoptr(GDateTime) local_time = NULL;
  GError *local = NULL;
  VpMeterAuth auth;

  if (target->kind == VP_METER_KIND_WATER || target->protocol != VP_METER_PROTOCOL_DLT645)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED,
                   _("Water meter %s cannot have its clock set remotely; set it on site "
                     "with the meter's own tool"), target->address);
      return FALSE;
    }
  if (!auth_for (target, &auth, error))
    return FALSE;
  /* meters keep local time: read_meter_time() reads it back the same way */
  local_time = g_date_time_new_from_unix_local (unix_seconds);
  if (!vp_meter_client_write_time (self->client, target->link, target->address, &auth,
                                   local_time, cancellable, &local))
    {
      translate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static void
vp_meter_gateway_devices_iface_init (VpMeterGatewayInterface *iface)
{
  iface->read = vp_meter_gateway_devices_read;
  iface->control = vp_meter_gateway_devices_control;
  iface->read_supply = vp_meter_gateway_devices_read_supply;
  iface->write_time = vp_meter_gateway_devices_write_time;
}

static void
vp_meter_gateway_devices_finalize (GObject *object)
{
  VpMeterGatewayDevices *self = VP_METER_GATEWAY_DEVICES (object);

  g_clear_object (&self->client);
  G_OBJECT_CLASS (vp_meter_gateway_devices_parent_class)->finalize (object);
}

static void
vp_meter_gateway_devices_class_init (VpMeterGatewayDevicesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vp_meter_gateway_devices_finalize;
}

static void
vp_meter_gateway_devices_init (VpMeterGatewayDevices *self)
{
}

VpMeterGateway *
vp_meter_gateway_devices_new (VpMeterClient *client)
{
  VpMeterGatewayDevices *self;

  g_return_val_if_fail (VP_IS_METER_CLIENT (client), NULL);

  self = g_object_new (VP_TYPE_METER_GATEWAY_DEVICES, NULL);
  self->client = g_object_ref (client);
  return VP_METER_GATEWAY (self);
}
