/* vp-meter-gateway.h: how the prepaid engine reaches a meter
 *
 * The model never includes devices/ headers (DESIGN.md). The engine asks this
 * interface to read a meter, to switch its supply or to set its clock, and app/
 * implements it with the devices meter client (app/vp-meter-gateway-devices.c); the
 * model tests implement it with meters whose registers and clocks they drive.
 *
 * Contract for implementations:
 * - Every call is synchronous and is made from an engine worker thread, one thread
 *   per link: calls for meters on the same link never overlap, calls for meters on
 *   different links do. An implementation must be safe for that.
 * - Failures are VP_GATEWAY_ERROR: LINK_DOWN when the link itself cannot be used (the
 *   engine then skips the link's other meters this cycle), NO_ANSWER when this meter
 *   did not answer in time, REFUSED when it answered no (wrong password, command not
 *   allowed), UNSUPPORTED when it cannot do what was asked, FAILED for anything else.
 *   Messages say which meter and what happened, for a technician.
 * - @cancellable is honoured between exchanges at least.
 * - write_time is optional: a gateway without it answers UNSUPPORTED for every meter.
 */
#pragma once

#include <gio/gio.h>

#include "vp-account.h"

G_BEGIN_DECLS

#define VP_GATEWAY_ERROR (vp_gateway_error_quark ())

typedef enum
{
  VP_GATEWAY_ERROR_FAILED,
  VP_GATEWAY_ERROR_LINK_DOWN,
  VP_GATEWAY_ERROR_NO_ANSWER,
  VP_GATEWAY_ERROR_REFUSED,
  VP_GATEWAY_ERROR_UNSUPPORTED,
} VpGatewayError;

GQuark vp_gateway_error_quark (void);

/* Which meter: what the engine knows from the meters table. */
typedef struct
{
  gint64           meter_id;
  VpMeterKind      kind;
  VpMeterProtocol  protocol;
  const char      *address;
  const char      *link;             /* link URI (devices/vp-link.h) */
  int              password_level;
  const char      *password;         /* nullable */
  const char      *operator_code;    /* nullable */
} VpMeterTarget;

/* Supply as the meter reports it: relay (DL/T 645 status word 3, bit 4) or valve
 * (CJ/T 188 ST bits 0-1). ON = power flows / water flows. */
typedef enum
{
  VP_SUPPLY_UNKNOWN,
  VP_SUPPLY_ON,
  VP_SUPPLY_OFF,
} VpSupplyState;

/* What one read returns. */
typedef struct
{
  gint64         meter_time;         /* Unix seconds by the meter's clock; 0 = none */
  gint64         total;              /* total register, 0.01 kWh / 0.01 m³ */
  gboolean       has_rates;
  gint64         rates[4];           /* T1..T4 (尖 峰 平 谷), 0.01 kWh */
  gboolean       has_balance;
  gint64         balance;            /* remaining money on money-prepaid meters
                                      * (DL/T 645 00900200), fen */
  VpSupplyState  supply;
} VpMeterSample;

/* Remote control (DL/T 645-2007 control code 1C; valve open/close for water). */
typedef enum
{
  VP_CONTROL_TRIP,                   /* 跳闸 / valve closed */
  VP_CONTROL_CLOSE,                  /* 合闸 (direct) / valve open */
  VP_CONTROL_CLOSE_ALLOW,            /* 合闸允许: the customer may close it */
  VP_CONTROL_KEEP_POWER_ON,          /* 保电 */
  VP_CONTROL_KEEP_POWER_OFF,         /* 保电解除 */
  VP_CONTROL_ALARM_ON,               /* 报警 */
  VP_CONTROL_ALARM_OFF,              /* 报警解除 */
  VP_CONTROL_SET_TIME,               /* 校时: not a 1C control but a queued command of
                                      * its own, sent with vp_meter_gateway_write_time
                                      * and never with vp_meter_gateway_control */
  VP_N_CONTROLS
} VpControl;

#define VP_TYPE_METER_GATEWAY (vp_meter_gateway_get_type ())
G_DECLARE_INTERFACE (VpMeterGateway, vp_meter_gateway, VP, METER_GATEWAY, GObject)

struct _VpMeterGatewayInterface
{
  GTypeInterface parent_iface;

  gboolean (*read)        (VpMeterGateway       *self,
                           const VpMeterTarget  *target,
                           VpMeterSample        *out_sample,
                           GCancellable         *cancellable,
                           GError              **error);
  gboolean (*control)     (VpMeterGateway       *self,
                           const VpMeterTarget  *target,
                           VpControl             control,
                           GCancellable         *cancellable,
                           GError              **error);
  gboolean (*read_supply) (VpMeterGateway       *self,
                           const VpMeterTarget  *target,
                           VpSupplyState        *out_supply,
                           GCancellable         *cancellable,
                           GError              **error);
  /* optional: NULL when the gateway cannot set clocks */
  gboolean (*write_time)  (VpMeterGateway       *self,
                           const VpMeterTarget  *target,
                           gint64                unix_seconds,
                           GCancellable         *cancellable,
                           GError              **error);
};

/* Reads registers, meter time, supply and (when the meter has it) its balance. */
gboolean    vp_meter_gateway_read        (VpMeterGateway       *self,
                                          const VpMeterTarget  *target,
                                          VpMeterSample        *out_sample,
                                          GCancellable         *cancellable,
                                          GError              **error);
/* Sends @control; TRUE when the meter acknowledged it (not yet confirmed). */
gboolean    vp_meter_gateway_control     (VpMeterGateway       *self,
                                          const VpMeterTarget  *target,
                                          VpControl             control,
                                          GCancellable         *cancellable,
                                          GError              **error);
/* Reads the relay / valve state back, to confirm a control. */
gboolean    vp_meter_gateway_read_supply (VpMeterGateway       *self,
                                          const VpMeterTarget  *target,
                                          VpSupplyState        *out_supply,
                                          GCancellable         *cancellable,
                                          GError              **error);

/* Sets the meter's clock to @unix_seconds, written as the station's local date and
 * time (meters keep local time; DL/T 645-2007 14 write of 04000101 then 04000102,
 * shared/PROTOCOLS.md). TRUE when the meter acknowledged; that is not yet a
 * confirmation: the engine reads the clock back. UNSUPPORTED when the meter (water
 * meters) or the gateway (no write_time) cannot have its clock set, REFUSED when the
 * meter said no (password). */
gboolean    vp_meter_gateway_write_time  (VpMeterGateway       *self,
                                          const VpMeterTarget  *target,
                                          gint64                unix_seconds,
                                          GCancellable         *cancellable,
                                          GError              **error);

const char *vp_control_to_string         (VpControl             control);
gboolean    vp_control_from_string       (const char           *text,
                                          VpControl            *out_control);
const char *vp_supply_state_to_string    (VpSupplyState         supply);

G_END_DECLS
