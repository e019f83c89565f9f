/* vp-sim-meter.h: one simulated meter (DL/T 645 electricity or CJ/T 188 water)
 *
 * The behaviour of a meter, without I/O: registers that advance with the load, the
 * relay, passwords, the meter clock and the answer to each request. VpSimulator owns
 * a bus of these and does the I/O and pacing; it serialises every call under its lock,
 * so a VpSimMeter itself is not thread-safe.
 */
#pragma once

#include <glib.h>

#include "vp-cjt188.h"
#include "vp-dlt645-items.h"
#include "vp-dlt645.h"

G_BEGIN_DECLS

typedef enum
{
  VP_SIM_METER_ELECTRICITY,  /* DL/T 645-2007 */
  VP_SIM_METER_WATER,        /* CJ/T 188-2004, cold water */
} VpSimMeterKind;

/* Faults a meter can be told to show (the idea of libmodbus's test server's
 * "magic addresses", chosen per meter here). */
typedef enum
{
  VP_SIM_FAULT_NONE,
  VP_SIM_FAULT_NO_REPLY,      /* addressed, never answers */
  VP_SIM_FAULT_BAD_CHECKSUM,  /* answers with the CS byte off by one */
  VP_SIM_FAULT_GARBAGE,       /* line noise before a good answer */
  VP_SIM_FAULT_SLOW,          /* answers byte by byte with long gaps */
} VpSimFault;

/* "none", "no-reply", "checksum", "garbage", "slow". */
const char *vp_sim_fault_to_string   (VpSimFault  fault);
gboolean    vp_sim_fault_from_string (const char *name,
                                      VpSimFault *out_fault);

/* A snapshot of a meter's state for tests and the demo. */
typedef struct
{
  VpSimMeterKind kind;
  char           address[15];       /* 12 (electricity) or 14 (water) digits */
  VpSimFault     fault;
  gint64         clock;             /* the meter's clock: Unix seconds */
  guint          requests;          /* requests addressed to it */
  guint          replies;           /* answers sent */

  /* electricity */
  gint64         energy[5];         /* 0.01 kWh: total, then tariffs 1..4 (尖峰平谷) */
  guint          load_watts;
  gboolean       relay_open;
  gboolean       relay_command_open;
  gboolean       close_allowed;     /* 1B received, waiting for the button */
  gboolean       keep_power;
  gboolean       alarm;
  VpDlt645MeterType meter_type;
  gint64         money;             /* fen, negative in overdraft (money-prepaid) */
  gint64         money_limits[5];   /* fen: items 04001001..05 */

  /* water */
  gint64         volume;            /* 0.01 m³ */
  guint          flow_litres_per_hour;
  VpCjt188ValveState valve;
  gboolean       battery_low;
} VpSimMeterState;

typedef struct _VpSimMeter VpSimMeter;

/* A meter at @address (12 digits for electricity, 14 for water), clock = system
 * clock, registers at zero, relay closed / valve open, password 02:000000.
 * @now is g_get_real_time(). VP_DEVICE_ERROR_INVALID_ARGUMENT on a bad address. */
VpSimMeter *vp_sim_meter_new               (VpSimMeterKind      kind,
                                            const char         *address,
                                            gint64              now,
                                            GError            **error);
void        vp_sim_meter_free              (VpSimMeter         *meter);

VpSimMeterKind vp_sim_meter_get_kind       (const VpSimMeter   *meter);
const char *vp_sim_meter_get_address       (const VpSimMeter   *meter);
VpSimFault  vp_sim_meter_get_fault         (const VpSimMeter   *meter);
gboolean    vp_sim_meter_matches_dlt645    (const VpSimMeter       *meter,
                                            const VpDlt645Address  *target);
gboolean    vp_sim_meter_matches_cjt188    (const VpSimMeter       *meter,
                                            guint8                  type,
                                            const VpCjt188Address  *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpSimMeter, vp_sim_meter_free)

/* Integrate consumption up to @now (µs, wall clock): energy into the tariff register
 * the meter clock's time of day selects, money, water volume. @speed multiplies the
 * load (a demo shows a day's consumption in minutes). */
void        vp_sim_meter_advance           (VpSimMeter         *meter,
                                            gint64              now,
                                            guint               speed);
void        vp_sim_meter_get_state         (const VpSimMeter   *meter,
                                            gint64              now,
                                            VpSimMeterState    *out_state);

/* Option "KEY=VALUE" from a meter spec (see vp-simulator.h): load, energy, money,
 * price, password, fault, flow, volume, battery, valve, relay, keep-power.
 * VP_DEVICE_ERROR_INVALID_ARGUMENT naming the key on a bad or unknown option. */
gboolean    vp_sim_meter_set_option        (VpSimMeter         *meter,
                                            const char         *key,
                                            const char         *value,
                                            gint64              now,
                                            GError            **error);
void        vp_sim_meter_set_fault         (VpSimMeter         *meter,
                                            VpSimFault          fault);
/* The customer holds the button after a 1B "close allowed": the relay closes.
 * FALSE if no close was allowed. */
gboolean    vp_sim_meter_press_button      (VpSimMeter         *meter);

/* Act on a request addressed to this meter; fill @out_reply and return TRUE if the
 * meter answers (never for 08 broadcast time). */
gboolean    vp_sim_meter_handle_dlt645     (VpSimMeter             *meter,
                                            const VpDlt645Message  *request,
                                            gint64                  now,
                                            VpDlt645Frame          *out_reply);
gboolean    vp_sim_meter_handle_cjt188     (VpSimMeter             *meter,
                                            const VpCjt188Message  *request,
                                            gint64                  now,
                                            VpCjt188Frame          *out_reply);

G_END_DECLS
