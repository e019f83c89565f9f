/* vp-link.h: a byte stream to a bus of meters (serial port, pty or TCP gateway)
 *
 * A link is named by a URI:
 *   serial:/dev/ttyUSB0?baud=2400&parity=even[&data=8&stop=1]
 *   tcp://HOST:PORT[?baud=2400]      (a transparent serial-to-TCP gateway / DTU)
 * RS-485 meters default to 2400 baud 8E1 (shared/PROTOCOLS.md, "Serial links and
 * gateways"). On a TCP gateway the optional baud is the speed of the bus behind it; it
 * only sets the inter-byte timeout the meter client derives.
 *
 * Real serial ports go through libserialport, pseudo-terminals through termios, TCP
 * through plain sockets (shared/PLATFORM.md, "Serial ports"); callers never see which.
 * A VpLink is used by one thread at a time (the meter client gives each link one worker).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  VP_LINK_KIND_SERIAL,
  VP_LINK_KIND_TCP,
} VpLinkKind;

typedef enum
{
  VP_LINK_PARITY_NONE,
  VP_LINK_PARITY_EVEN,
  VP_LINK_PARITY_ODD,
} VpLinkParity;

typedef struct
{
  VpLinkKind    kind;
  char         *path;       /* serial: the device path as given */
  char         *host;       /* tcp */
  guint16       port;       /* tcp */
  guint         baud;       /* serial: line speed; tcp: bus speed behind the gateway or 0 */
  VpLinkParity  parity;
  guint         data_bits;  /* 7 or 8 */
  guint         stop_bits;  /* 1 or 2 */
} VpLinkUri;

/* Parse @uri. Missing serial parameters take the RS-485 meter defaults (2400 8E1).
 * Every bad part (scheme, path, host, port, baud, parity, data, stop, unknown or repeated
 * key) gives VP_DEVICE_ERROR_INVALID_URI with a message naming it. */
VpLinkUri   *vp_link_uri_parse          (const char       *uri,
                                         GError          **error);
void         vp_link_uri_free           (VpLinkUri        *uri);
VpLinkUri   *vp_link_uri_copy           (const VpLinkUri  *uri);
/* The canonical text form, with every serial parameter spelled out. */
char        *vp_link_uri_to_string      (const VpLinkUri  *uri);
/* Bits on the wire per byte (start + data + parity + stop): 11 for 8E1, 10 for 8N1. */
guint        vp_link_uri_bits_per_byte  (const VpLinkUri  *uri);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpLinkUri, vp_link_uri_free)

typedef struct _VpLink VpLink;

/* Open the link named by @uri (see the URI forms above). A serial path is resolved
 * with realpath(); a pseudo-terminal is opened through termios and set to 8N1 (Linux
 * ptys drop parity), anything else through libserialport. TCP connects with
 * @connect_timeout_ms (0 = 5000 ms). Honours @cancellable. Fails with
 * VP_DEVICE_ERROR_INVALID_URI or VP_DEVICE_ERROR_OPEN_FAILED. */
VpLink      *vp_link_open               (const char       *uri,
                                         guint             connect_timeout_ms,
                                         GCancellable     *cancellable,
                                         GError          **error);
/* Close and free; NULL is allowed. */
void         vp_link_free               (VpLink           *link);

/* The URI as parsed (canonical form) and which backend serves it:
 * "serialport", "termios" or "tcp". */
const char  *vp_link_get_uri            (VpLink           *link);
const VpLinkUri *vp_link_get_parsed_uri (VpLink           *link);
const char  *vp_link_get_backend_name   (VpLink           *link);
/* Line settings in effect (a pty runs 8N1 whatever the URI asked). Wire time of one
 * byte in microseconds, 0 when unknown (TCP without ?baud=). */
guint        vp_link_get_byte_time_us   (VpLink           *link);

/* The file descriptor to poll for input, for callers that wait on several links at
 * once (the simulator). Owned by the link; read and write through the link. */
int          vp_link_get_fd             (VpLink           *link);

/* Write all of @data or fail (VP_DEVICE_ERROR_IO / CLOSED, G_IO_ERROR_CANCELLED). */
gboolean     vp_link_write_all          (VpLink           *link,
                                         const guint8     *data,
                                         gsize             len,
                                         GCancellable     *cancellable,
                                         GError          **error);
/* Wait up to @timeout_ms (-1 = forever) for bytes and read what is there, at most @len.
 * Returns the count (> 0), 0 on timeout (no error set), -1 on error (peer closed:
 * VP_DEVICE_ERROR_CLOSED; cancellation: G_IO_ERROR_CANCELLED). */
gssize       vp_link_read               (VpLink           *link,
                                         guint8           *buf,
                                         gsize             len,
                                         int               timeout_ms,
                                         GCancellable     *cancellable,
                                         GError          **error);
/* Drop bytes already received and not read (stale replies before a new request). */
void         vp_link_discard_input      (VpLink           *link);

typedef struct
{
  char *name;         /* "/dev/ttyUSB0" */
  char *description;  /* "USB-RS485 converter" or "" */
  char *transport;    /* "usb", "native", "bluetooth" or "unknown" */
} VpSerialPortInfo;

void         vp_serial_port_info_free   (VpSerialPortInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpSerialPortInfo, vp_serial_port_info_free)

/* The serial ports present (for the commissioning screen), sorted by name, as a
 * GPtrArray of VpSerialPortInfo. An empty array when there are none. */
GPtrArray   *vp_link_list_serial_ports  (GError          **error);

G_END_DECLS
