/* vp-simulator.h: a bus of simulated meters on a pseudo-terminal and/or TCP
 *
 * The embedded default when no hardware is attached (demo mode), the peer of the
 * device tests and `vpctl sim`. One VpSimulator is one RS-485 bus: every endpoint
 * (a pty it creates, TCP clients of a loopback "gateway") reaches the same meters,
 * one exchange at a time. Replies are paced at the configured line speed (11 bits per
 * byte for 8E1 at 2400 baud = 4.58 ms/byte) after a meter turnaround delay, and the
 * request's own wire time is waited out first, so the timing a client sees over a
 * pty or loopback is the timing of a real bus (a pty or loopback transfers at once).
 *
 * Meter spec (vpctl sim --meters, vp_simulator_add_meters()):
 *   SPEC   := METER ("," METER)*
 *   METER  := KIND ":" ADDRESS ("/" KEY "=" VALUE)*
 *   KIND   := "e" (DL/T 645 electricity, 12 digits) | "w" (CJ/T 188 cold water, 14 digits)
 *   electricity keys: load=WATTS energy=KWH money=YUAN (money-prepaid) price=YUAN_PER_KWH
 *                     password=LL:PPPPPP relay=open|closed keep-power=yes|no
 *   water keys:       flow=LITRES_PER_HOUR volume=M3 valve=open|closed|abnormal
 *                     battery=low|ok
 *   both:             clock=YYYY-MM-DDThh:mm:ss fault=none|no-reply|checksum|garbage|slow
 * e.g. "e:000000000001/load=1500,e:000010604867/money=50.00,w:00000000000012/flow=120".
 * Defaults: load 0 W, energy 0, not prepaid, password 02:000000, relay closed, clock =
 * system clock; water flow 0, valve open.
 *
 * Bus rules (PROTOCOLS.md): a meter addressed but absent does not answer; the wildcard
 * (AA…) and abbreviated addresses are answered only when exactly one meter matches;
 * broadcast (99…) is never answered.
 *
 * Thread-safety: every function may be called from any thread, also while running.
 */
#pragma once

#include <gio/gio.h>

#include "vp-sim-meter.h"

G_BEGIN_DECLS

/* Three meters for the demo mode of the app. */
#define VP_SIMULATOR_DEMO_SPEC \
  "e:000000000001/load=800/energy=1523.40," \
  "e:000010604867/load=1500/money=86.50/energy=802.17," \
  "w:00000000000012/flow=60/volume=123.45"

typedef struct _VpSimulator VpSimulator;

/* An empty bus at 2400 baud, 11 bits per byte (8E1), turnaround 30 ms, slow-fault gap
 * 300 ms, speed 1. */
VpSimulator *vp_simulator_new                 (void);
/* Stop (if running), remove the pty symlink, free. NULL is allowed. */
void         vp_simulator_free                (VpSimulator     *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpSimulator, vp_simulator_free)

/* Line speed used to pace replies; @baud 0 sends at once. @bits_per_byte is 11 for
 * 8E1, 10 for 8N1. */
void         vp_simulator_set_line            (VpSimulator     *sim,
                                               guint            baud,
                                               guint            bits_per_byte);
/* Time a meter takes between the end of a request and its first reply byte. */
void         vp_simulator_set_turnaround      (VpSimulator     *sim,
                                               guint            milliseconds);
/* Gap between bytes of a reply from a meter with the "slow" fault. */
void         vp_simulator_set_slow_gap        (VpSimulator     *sim,
                                               guint            milliseconds);
/* Multiply every meter's load and flow by @speed (1..1000) so a demo shows a day's
 * consumption in minutes. */
void         vp_simulator_set_speed           (VpSimulator     *sim,
                                               guint            speed);

/* Add the meters of @spec (syntax above). All or nothing: on error
 * (VP_DEVICE_ERROR_INVALID_ARGUMENT naming the bad part, or a duplicate address) no
 * meter is added. */
gboolean     vp_simulator_add_meters          (VpSimulator     *sim,
                                               const char      *spec,
                                               GError         **error);
/* Set one option (a spec KEY=VALUE) of the meter at @address. */
gboolean     vp_simulator_set_meter_option    (VpSimulator     *sim,
                                               const char      *address,
                                               const char      *key,
                                               const char      *value,
                                               GError         **error);
gboolean     vp_simulator_set_fault           (VpSimulator     *sim,
                                               const char      *address,
                                               VpSimFault       fault,
                                               GError         **error);
/* The customer holds the meter's button after "close allowed". */
gboolean     vp_simulator_press_button        (VpSimulator     *sim,
                                               const char      *address,
                                               GError         **error);
/* A consistent snapshot of the meter at @address (registers brought up to date). */
gboolean     vp_simulator_get_meter_state     (VpSimulator     *sim,
                                               const char      *address,
                                               VpSimMeterState *out_state,
                                               GError         **error);
/* Addresses in the order added. */
GStrv        vp_simulator_list_addresses      (VpSimulator     *sim);

/* Endpoints, before vp_simulator_start(). listen_tcp binds "HOST:PORT" (a numeric
 * address; port 0 picks a free one) and returns the bound port, 0 on error.
 * open_pty creates a pty pair; with @link_path non-NULL it also makes @link_path a
 * symlink to the slave (replacing an old symlink, never another file) and returns
 * @link_path, else the slave's /dev/pts path. */
guint16      vp_simulator_listen_tcp          (VpSimulator     *sim,
                                               const char      *host_port,
                                               GError         **error);
const char  *vp_simulator_open_pty            (VpSimulator     *sim,
                                               const char      *link_path,
                                               GError         **error);

/* Serve the bus on an existing serial line (link URI, vp-link.h): one end of a socat
 * pty pair, or a real RS-485 adapter so the simulator stands in for meters on a real
 * bus. Before vp_simulator_start(). VP_DEVICE_ERROR_OPEN_FAILED / _INVALID_URI. */
gboolean     vp_simulator_attach_serial       (VpSimulator     *sim,
                                               const char      *uri,
                                               GError         **error);

/* Link URIs a VpMeterClient can use: "tcp://127.0.0.1:PORT?baud=2400" and
 * "serial:PATH?baud=2400&parity=none" (ptys are 8N1, PLATFORM.md); NULL when that
 * endpoint is not open. */
char        *vp_simulator_get_tcp_uri         (VpSimulator     *sim);
char        *vp_simulator_get_pty_uri         (VpSimulator     *sim);

/* Serve on a thread of its own until vp_simulator_stop(). */
gboolean     vp_simulator_start               (VpSimulator     *sim,
                                               GError         **error);
/* Stop serving: returns promptly even in the middle of a paced reply. */
void         vp_simulator_stop                (VpSimulator     *sim);

G_END_DECLS
