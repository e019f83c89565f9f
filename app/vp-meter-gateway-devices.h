/* vp-meter-gateway-devices.h: the engine's VpMeterGateway over the devices meter client
 *
 * Only app/ joins the model and the devices (DESIGN.md): this object turns the
 * engine's requests into DL/T 645-2007 / CJ/T 188-2004 exchanges through a
 * VpMeterClient and its VP_DEVICE_ERROR failures into VP_GATEWAY_ERROR.
 */
#pragma once

#include "vp-meter-client.h"
#include "vp-meter-gateway.h"

G_BEGIN_DECLS

#define VP_TYPE_METER_GATEWAY_DEVICES (vp_meter_gateway_devices_get_type ())
G_DECLARE_FINAL_TYPE (VpMeterGatewayDevices, vp_meter_gateway_devices, VP,
                      METER_GATEWAY_DEVICES, GObject)

/* A gateway that talks through @client (a reference is taken). */
VpMeterGateway *vp_meter_gateway_devices_new (VpMeterClient *client);

/* Exact decimal text ("1234.56", "-0.5") → hundredths; FALSE on anything else. */
gboolean        vp_meter_gateway_parse_hundredths (const char *text,
                                                   gint64     *out_value);

G_END_DECLS
