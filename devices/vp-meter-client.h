/* vp-meter-client.h: talking to meters over links, one exchange at a time per link
 *
 * RS-485 is half duplex (shared/PROTOCOLS.md, "Serial links and gateways"): each link
 * gets one worker thread that runs its exchanges in order, while different links
 * work in parallel. A link is opened on first use (by its URI, vp-link.h) and kept
 * open; a link that fails is reopened on the next request.
 *
 * Each exchange: drop stale input, send, wait up to the response timeout for the
 * first byte, then read on while bytes keep coming within the inter-byte timeout
 * (derived from the line speed), handing the bytes to a resynchronising frame
 * reader. Timeouts and corrupt frames are retried (3 tries by default); a NAK, a
 * reply from another meter or to another request is not. Every failure is a
 * VP_DEVICE_ERROR with a message a technician can act on:
 *   TIMEOUT            "Meter 000010604867 did not answer (timeout after 3 tries)"
 *   BAD_CHECKSUM …     "Meter … answered with a corrupt frame 3 times: checksum is …"
 *   NAK_PASSWORD, NAK_NO_DATA, NAK  the meter refused, with its reasons
 *   UNEXPECTED_ADDRESS, UNEXPECTED_REPLY
 * Cancellation (G_IO_ERROR_CANCELLED) is honoured mid-exchange. A corrupt frame is
 * never taken for an answer.
 *
 * Every frame sent and received goes to the client's frame log (vp-frame-log.h).
 *
 * The synchronous functions block the calling thread until the link's worker has run
 * the request: call them from vpctl or a worker thread, never from the GTK main
 * thread. The _async variants complete in the thread-default main context of the
 * caller.
 */
#pragma once

#include <gio/gio.h>

#include "vp-cjt188.h"
#include "vp-dlt645-items.h"
#include "vp-dlt645.h"
#include "vp-frame-log.h"

G_BEGIN_DECLS

#define VP_METER_CLIENT_DEFAULT_RESPONSE_TIMEOUT_MS 1000
#define VP_METER_CLIENT_DEFAULT_TRIES               3
/* 1C commands expire this long after they are sent unless told otherwise. */
#define VP_METER_CLIENT_DEFAULT_VALID_MINUTES       5
/* Plaintext control and writes (PROTOCOLS.md: level 02 or 04) unless told otherwise. */
#define VP_METER_CLIENT_DEFAULT_PASSWORD            "02:000000"
#define VP_METER_CLIENT_DEFAULT_OPERATOR            "00000000"

/* What authorises a write or a control command. */
typedef struct
{
  VpDlt645Password password;
  VpDlt645Operator operator_code;
} VpMeterAuth;

/* Fill @out_auth from "LL:PPPPPP" and 8 operator digits; NULL takes the defaults
 * above. VP_DEVICE_ERROR_INVALID_ARGUMENT on bad text. */
gboolean vp_meter_auth_parse (const char   *password,
                              const char   *operator_code,
                              VpMeterAuth  *out_auth,
                              GError      **error);

/* The answer to a read. Only the members the request concerns are set. */
typedef struct
{
  char              *address;      /* the meter's address, 12 or 14 digits */
  char              *di;           /* "00010000"; NULL for water reads */
  char              *item;         /* registry name ("energy.forward.total") or NULL */
  char              *label;        /* translated item label or NULL */
  char              *value;        /* exact decimal text ("1234.56"), blocks joined by "," */
  char              *unit;         /* "kWh", "m³", "" … */

  gboolean           has_status3;  /* vp_meter_client_read_status() */
  guint16            status3_word;
  VpDlt645Status3    status3;

  gboolean           has_water;    /* vp_meter_client_water_read() */
  VpCjt188MeterData  water;        /* flows, meter time, valve, battery */
  char              *meter_time;   /* ISO 8601 from the water meter, or NULL */
} VpMeterReading;

void vp_meter_reading_free (VpMeterReading *reading);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpMeterReading, vp_meter_reading_free)

#define VP_TYPE_METER_CLIENT (vp_meter_client_get_type ())
G_DECLARE_FINAL_TYPE (VpMeterClient, vp_meter_client, VP, METER_CLIENT, GObject)

/* A client with its own frame log (capacity 1000) and the default timeouts. */
VpMeterClient  *vp_meter_client_new                (void);
VpFrameLog     *vp_meter_client_get_frame_log      (VpMeterClient  *self);

/* @response_ms: wait for the first byte (0 = default 1000 ms). @inter_byte_ms: the
 * longest gap inside a reply (0 = derive from the link: 10 byte times, at least
 * 50 ms on a serial line, at least 200 ms through a TCP gateway). @tries: attempts for timeouts and
 * corrupt frames (0 = default 3). Applies to requests submitted afterwards. */
void            vp_meter_client_set_timeouts       (VpMeterClient  *self,
                                                    guint           response_ms,
                                                    guint           inter_byte_ms,
                                                    guint           tries);

/* ---- DL/T 645 electricity meters --------------------------------------------------
 * @link is a link URI; @address 12 digits (or an abbreviated AA… pattern). */

/* 13 read address to AA…: the address of the only meter on the bus. */
char           *vp_meter_client_read_address       (VpMeterClient  *self,
                                                    const char     *link,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* 11 read of @item: a registry name ("energy.forward.total") or 8 hex digits
 * ("00010000"). An unknown DI is read and returned as raw hex with unit "". */
VpMeterReading *vp_meter_client_read_item          (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const char     *item,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* 14 write of @item (name or DI in the registry) from text as the registry formats it
 * ("20.00" for a money limit). @auth NULL: defaults. */
gboolean        vp_meter_client_write_item         (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const VpMeterAuth *auth,
                                                    const char     *item,
                                                    const char     *value,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* 14 write of 04000101 (date, weekday) then 04000102 (time) from @time (NULL = now,
 * local time). */
gboolean        vp_meter_client_write_time         (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const VpMeterAuth *auth,
                                                    GDateTime      *time,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* 08 broadcast time to 99… (no reply; returns once the frame is on the wire). */
gboolean        vp_meter_client_broadcast_time     (VpMeterClient  *self,
                                                    const char     *link,
                                                    GDateTime      *time,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* 1C remote control. The command expires @valid_minutes after now (0 = default 5). */
gboolean        vp_meter_client_remote_control     (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const VpMeterAuth *auth,
                                                    VpDlt645ControlAction action,
                                                    guint           valid_minutes,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* Read status word 3 (04000503), decoded into reading->status3 (relay, keep power,
 * pre-trip alarm, meter type, power source). */
VpMeterReading *vp_meter_client_read_status        (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    GCancellable   *cancellable,
                                                    GError        **error);

/* ---- CJ/T 188 water meters (cold water, T = 10) -----------------------------------
 * @address 14 digits. */

/* 901F: reading->value is the current flow ("1000.10", unit "m³"), reading->water the
 * rest (valve, battery, settlement flow, meter time). */
VpMeterReading *vp_meter_client_water_read         (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
char           *vp_meter_client_water_read_address (VpMeterClient  *self,
                                                    const char     *link,
                                                    GCancellable   *cancellable,
                                                    GError        **error);
/* Open or close the valve; reading->water.valve is the state the meter reports. */
VpMeterReading *vp_meter_client_water_valve        (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    gboolean        open,
                                                    GCancellable   *cancellable,
                                                    GError        **error);

/* ---- Asynchronous variants (GUI): same contracts, finished in the caller's
 * thread-default main context. ---------------------------------------------------- */

void            vp_meter_client_read_address_async (VpMeterClient  *self,
                                                    const char     *link,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
char           *vp_meter_client_read_address_finish (VpMeterClient *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
void            vp_meter_client_read_item_async    (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const char     *item,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
/* Also the finish function of read_status_async, water_read_async, water_valve_async. */
VpMeterReading *vp_meter_client_read_finish        (VpMeterClient  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
void            vp_meter_client_read_status_async  (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
void            vp_meter_client_water_read_async   (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
void            vp_meter_client_water_valve_async  (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    gboolean        open,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
void            vp_meter_client_remote_control_async (VpMeterClient *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const VpMeterAuth *auth,
                                                    VpDlt645ControlAction action,
                                                    guint           valid_minutes,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
void            vp_meter_client_write_time_async   (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const VpMeterAuth *auth,
                                                    GDateTime      *time,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
void            vp_meter_client_write_item_async   (VpMeterClient  *self,
                                                    const char     *link,
                                                    const char     *address,
                                                    const VpMeterAuth *auth,
                                                    const char     *item,
                                                    const char     *value,
                                                    GCancellable   *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer        user_data);
/* The finish function of remote_control_async, write_time_async and
 * write_item_async. */
gboolean        vp_meter_client_command_finish     (VpMeterClient  *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

G_END_DECLS
