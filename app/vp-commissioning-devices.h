/* vp-commissioning-devices.h: the Meters page's VpCommissioning over the meter client
 *
 * Only app/ joins the model and the devices (DESIGN.md). Control and read-back go
 * through the engine's gateway (vp-meter-gateway-devices), so commissioning switches
 * a relay or valve exactly as the engine does; reads, writes, the clock and the
 * address go to the VpMeterClient directly, and its frame log feeds the listeners.
 */
#pragma once

#include "vp-commissioning.h"
#include "vp-meter-client.h"

G_BEGIN_DECLS

#define VP_TYPE_COMMISSIONING_DEVICES (vp_commissioning_devices_get_type ())
G_DECLARE_FINAL_TYPE (VpCommissioningDevices, vp_commissioning_devices, VP,
                      COMMISSIONING_DEVICES, GObject)

/* Talks through @client (a reference is taken); its timeouts and frame log apply. */
VpCommissioning *vp_commissioning_devices_new (VpMeterClient *client);

G_END_DECLS
