/* vp-device-error.h: the devices layer's error domain
 *
 * Codecs, transports and the meter client report every failure in VP_DEVICE_ERROR
 * with a code that names the fault (a technician can act on it) and a readable message.
 * Cancellation is reported as G_IO_ERROR_CANCELLED, as GIO does.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VP_DEVICE_ERROR (vp_device_error_quark ())

typedef enum
{
  VP_DEVICE_ERROR_FAILED,
  VP_DEVICE_ERROR_INVALID_ARGUMENT,   /* bad address, value, URI or hex given by a caller */
  VP_DEVICE_ERROR_INVALID_URI,        /* link URI could not be parsed */
  VP_DEVICE_ERROR_OPEN_FAILED,        /* port or gateway could not be opened */
  VP_DEVICE_ERROR_IO,                 /* read or write on an open link failed */
  VP_DEVICE_ERROR_CLOSED,             /* the peer closed the link */
  VP_DEVICE_ERROR_TIMEOUT,            /* no (complete) reply in time */
  VP_DEVICE_ERROR_NO_FRAME,           /* bytes arrived but held no frame start */
  VP_DEVICE_ERROR_TRUNCATED,          /* frame ended before its length said */
  VP_DEVICE_ERROR_BAD_CHECKSUM,
  VP_DEVICE_ERROR_BAD_END,            /* end byte is not 0x16 */
  VP_DEVICE_ERROR_TOO_LONG,           /* L larger than the protocol allows */
  VP_DEVICE_ERROR_MALFORMED,          /* frame well delimited but content invalid */
  VP_DEVICE_ERROR_UNEXPECTED_ADDRESS, /* a meter other than the one asked answered */
  VP_DEVICE_ERROR_UNEXPECTED_REPLY,   /* reply to another function or data item */
  VP_DEVICE_ERROR_NAK,                /* abnormal reply, other reason */
  VP_DEVICE_ERROR_NAK_NO_DATA,        /* abnormal reply: no requested data */
  VP_DEVICE_ERROR_NAK_PASSWORD,       /* abnormal reply: password wrong / unauthorised */
  VP_DEVICE_ERROR_UNKNOWN_ITEM,       /* data item not in the registry */
} VpDeviceError;

GQuark vp_device_error_quark (void);

G_END_DECLS
