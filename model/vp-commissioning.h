/* vp-commissioning.h: what the technician's Meters page may do with a meter in hand
 *
 * The model never includes devices/ headers (DESIGN.md): the page asks this interface,
 * and app/ implements it with the devices meter client (app/vp-commissioning-devices.c).
 * It is the engine's VpMeterGateway widened for commissioning: list serial ports, read
 * the address of the one meter on a bus, read or write any data item by name or DI,
 * set the clock, switch the relay or valve and read it back, and follow the frame log.
 *
 * Contract for implementations:
 * - Every call but the frame listener ones is synchronous and may block for seconds
 *   (timeouts × tries): callers run them in a worker thread, never on the GTK main
 *   thread. Calls for the same link never overlap on the wire.
 * - @cancellable is honoured mid-exchange: a cancelled call fails promptly with
 *   G_IO_ERROR_CANCELLED.
 * - Other failures carry a message a technician can act on, naming the meter:
 *   "Meter 000010604867 did not answer (timeout after 3 tries)".
 * - Frame listeners are called in the GMainContext they were added with, once per
 *   frame sent or received or note (a retry, a timeout), in order.
 */
#pragma once

#include <gio/gio.h>

#include "vp-meter-gateway.h"

G_BEGIN_DECLS

/* A serial port present on this machine. */
typedef struct
{
  char *name;          /* "/dev/ttyUSB0" */
  char *description;   /* "USB-RS485 converter" or "" */
} VpCommissioningPort;

/* A data item as the meter answered it. */
typedef struct
{
  char *address;       /* the meter that answered */
  char *di;            /* "00010000", NULL for water */
  char *item;          /* registry name or NULL */
  char *label;         /* translated label or NULL */
  char *value;         /* exact decimal text, blocks joined by "," */
  char *unit;          /* "kWh", "m³", "" … */
} VpCommissioningValue;

/* One line of the frame log. */
typedef struct
{
  gint64  time;        /* µs since the epoch */
  char   *direction;   /* "tx", "rx" or "note" */
  char   *link;
  char   *hex;         /* "68 61 01 …", "" for notes */
  char   *description; /* decoded one-liner or the note */
} VpCommissioningFrame;

typedef void (*VpCommissioningFrameFunc) (const VpCommissioningFrame *frame,
                                          gpointer                    user_data);

void vp_commissioning_port_free  (VpCommissioningPort  *port);
void vp_commissioning_value_free (VpCommissioningValue *value);
void vp_commissioning_frame_free (VpCommissioningFrame *frame);
/* "18:22:01.123 TX   68 … 16" and, indented below, "dlt645 … read 00010000"; local
 * time. Notes are one line. */
char *vp_commissioning_frame_to_string (const VpCommissioningFrame *frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCommissioningPort, vp_commissioning_port_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCommissioningValue, vp_commissioning_value_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCommissioningFrame, vp_commissioning_frame_free)

#define VP_TYPE_COMMISSIONING (vp_commissioning_get_type ())
G_DECLARE_INTERFACE (VpCommissioning, vp_commissioning, VP, COMMISSIONING, GObject)

struct _VpCommissioningInterface
{
  GTypeInterface parent_iface;

  GPtrArray            *(*list_ports)      (VpCommissioning          *self,
                                            GError                  **error);
  char                 *(*read_address)    (VpCommissioning          *self,
                                            const char               *link,
                                            VpMeterProtocol           protocol,
                                            GCancellable             *cancellable,
                                            GError                  **error);
  VpCommissioningValue *(*read_item)       (VpCommissioning          *self,
                                            const VpMeterTarget      *target,
                                            const char               *item,
                                            GCancellable             *cancellable,
                                            GError                  **error);
  gboolean              (*write_item)      (VpCommissioning          *self,
                                            const VpMeterTarget      *target,
                                            const char               *item,
                                            const char               *value,
                                            GCancellable             *cancellable,
                                            GError                  **error);
  gboolean              (*set_clock)       (VpCommissioning          *self,
                                            const VpMeterTarget      *target,
                                            GDateTime                *time,
                                            GCancellable             *cancellable,
                                            GError                  **error);
  gboolean              (*control)         (VpCommissioning          *self,
                                            const VpMeterTarget      *target,
                                            VpControl                 control,
                                            GCancellable             *cancellable,
                                            GError                  **error);
  gboolean              (*read_supply)     (VpCommissioning          *self,
                                            const VpMeterTarget      *target,
                                            VpSupplyState            *out_supply,
                                            GCancellable             *cancellable,
                                            GError                  **error);
  guint                 (*add_listener)    (VpCommissioning          *self,
                                            GMainContext             *context,
                                            VpCommissioningFrameFunc  func,
                                            gpointer                  user_data,
                                            GDestroyNotify            destroy);
  void                  (*remove_listener) (VpCommissioning          *self,
                                            guint                     id);
};

/* The serial ports present, by name (VpCommissioningPort *); empty when none. */
GPtrArray            *vp_commissioning_list_ports      (VpCommissioning          *self,
                                                        GError                  **error);
/* The address of the only meter on @link (DL/T 645 13 / CJ/T 188 read address). */
char                 *vp_commissioning_read_address    (VpCommissioning          *self,
                                                        const char               *link,
                                                        VpMeterProtocol           protocol,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
/* Reads @item: a registry name ("energy.forward.total") or 8 hex digits of a DI;
 * for a water meter @item is ignored and the current flow is read. */
VpCommissioningValue *vp_commissioning_read_item       (VpCommissioning          *self,
                                                        const VpMeterTarget      *target,
                                                        const char               *item,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
/* Writes @item from text as the registry formats it ("20.00"), with the target's
 * password (DL/T 645 only). */
gboolean              vp_commissioning_write_item      (VpCommissioning          *self,
                                                        const VpMeterTarget      *target,
                                                        const char               *item,
                                                        const char               *value,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
/* Sets the meter's date and time to @time (NULL: now). DL/T 645 only. */
gboolean              vp_commissioning_set_clock       (VpCommissioning          *self,
                                                        const VpMeterTarget      *target,
                                                        GDateTime                *time,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
/* Trip / close the relay (electricity) or close / open the valve (water, TRIP closes). */
gboolean              vp_commissioning_control         (VpCommissioning          *self,
                                                        const VpMeterTarget      *target,
                                                        VpControl                 control,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
/* Reads the relay / valve back. */
gboolean              vp_commissioning_read_supply     (VpCommissioning          *self,
                                                        const VpMeterTarget      *target,
                                                        VpSupplyState            *out_supply,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
/* Calls @func in @context for every frame logged from now on; returns an id > 0.
 * @context NULL: synchronously in the thread that logs (a link's worker). */
guint                 vp_commissioning_add_listener    (VpCommissioning          *self,
                                                        GMainContext             *context,
                                                        VpCommissioningFrameFunc  func,
                                                        gpointer                  user_data,
                                                        GDestroyNotify            destroy);
/* After it returns @func is not called again. */
void                  vp_commissioning_remove_listener (VpCommissioning          *self,
                                                        guint                     id);

G_END_DECLS
