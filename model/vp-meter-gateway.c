/* vp-meter-gateway.c: the engine's way to the meters (implemented in app/ and tests) */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-meter-gateway.h"

G_DEFINE_QUARK (vp-gateway-error-quark, vp_gateway_error)

G_DEFINE_INTERFACE (VpMeterGateway, vp_meter_gateway, G_TYPE_OBJECT)

static void
vp_meter_gateway_default_init (VpMeterGatewayInterface *iface)
{
}

/*
 * vp_meter_gateway_read:
 * @out_sample: (out): filled on success; has_rates / has_balance say what the meter
 *   reported, supply is UNKNOWN when it was not read
 *
 * See the contract in vp-meter-gateway.h.
 */
gboolean
vp_meter_gateway_read (VpMeterGateway       *self,
                       const VpMeterTarget  *target,
                       VpMeterSample        *out_sample,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_return_val_if_fail (VP_IS_METER_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL && out_sample != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out_sample, 0, sizeof *out_sample);
  return VP_METER_GATEWAY_GET_IFACE (self)->read (self, target, out_sample, cancellable, error);
}

/* Sends @control to the meter; TRUE when it acknowledged. */
gboolean
vp_meter_gateway_control (VpMeterGateway       *self,
                          const VpMeterTarget  *target,
                          VpControl             control,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_return_val_if_fail (VP_IS_METER_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);
  /* SET_TIME carries a time: it goes through vp_meter_gateway_write_time */
  g_return_val_if_fail (control < VP_N_CONTROLS && control != VP_CONTROL_SET_TIME, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return VP_METER_GATEWAY_GET_IFACE (self)->control (self, target, control, cancellable, error);
}

/* Reads the relay / valve state into @out_supply. */
gboolean
vp_meter_gateway_read_supply (VpMeterGateway       *self,
                              const VpMeterTarget  *target,
                              VpSupplyState        *out_supply,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_return_val_if_fail (VP_IS_METER_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL && out_supply != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out_supply = VP_SUPPLY_UNKNOWN;
  return VP_METER_GATEWAY_GET_IFACE (self)->read_supply (self, target, out_supply,
                                                          cancellable, error);
}

/*
 * vp_meter_gateway_write_time:
 * @unix_seconds: the station's clock, Unix seconds
 *
 * See vp-meter-gateway.h. A gateway that leaves write_time NULL answers UNSUPPORTED.
 */
gboolean
vp_meter_gateway_write_time (VpMeterGateway       *self,
                             const VpMeterTarget  *target,
                             gint64                unix_seconds,
                             GCancellable         *cancellable,
                             GError              **error)
{
  VpMeterGatewayInterface *iface;

  g_return_val_if_fail (VP_IS_METER_GATEWAY (self), FALSE);
  g_return_val_if_fail (target != NULL, FALSE);
  g_return_val_if_fail (unix_seconds > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = VP_METER_GATEWAY_GET_IFACE (self);
  if (iface->write_time == NULL)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED,
                   _("Meter %s cannot have its clock set through this gateway"),
                   target->address);
      return FALSE;
    }
  return iface->write_time (self, target, unix_seconds, cancellable, error);
}

static const char *control_names[VP_N_CONTROLS] = {
  "trip", "close", "close-allow", "keep-power-on", "keep-power-off", "alarm-on", "alarm-off",
  "set-time",
};

const char *
vp_control_to_string (VpControl control)
{
  g_return_val_if_fail (control < VP_N_CONTROLS, NULL);
  return control_names[control];
}

gboolean
vp_control_from_string (const char *text,
                        VpControl  *out_control)
{
  g_return_val_if_fail (out_control != NULL, FALSE);

  for (guint i = 0; text != NULL && i < VP_N_CONTROLS; i++)
    if (g_str_equal (text, control_names[i]))
      {
        *out_control = i;
        return TRUE;
      }
  return FALSE;
}

const char *
vp_supply_state_to_string (VpSupplyState supply)
{
  switch (supply)
    {
    case VP_SUPPLY_ON:      return "on";
    case VP_SUPPLY_OFF:     return "off";
    case VP_SUPPLY_UNKNOWN:
    default:                return "unknown";
    }
}
