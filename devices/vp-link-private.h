/* vp-link-private.h: the transport backend table behind VpLink
 *
 * As in libmodbus (modbus-private.h), the core (vp-link.c, the meter client) never
 * branches on the transport: each backend fills a VpLinkBackend and exposes a pollable
 * file descriptor; the core waits on it together with the GCancellable's fd.
 */
#pragma once

#include "vp-link.h"

G_BEGIN_DECLS

typedef struct _VpLinkBackend VpLinkBackend;

struct _VpLink
{
  const VpLinkBackend *backend;
  VpLinkUri           *uri;
  char                *uri_string;
  guint                byte_time_us;  /* 0 when unknown */
  int                  fd;            /* pollable; readable when bytes wait */
  gpointer             backend_data;
};

struct _VpLinkBackend
{
  const char *name;
  /* Fill link->fd, link->backend_data and link->byte_time_us. */
  gboolean (*open)    (VpLink        *link,
                       guint          connect_timeout_ms,
                       GCancellable  *cancellable,
                       GError       **error);
  void     (*close)   (VpLink        *link);
  /* Non-blocking: bytes read, 0 if none yet, -1 with @error (CLOSED when the peer
   * hung up). */
  gssize   (*read)    (VpLink        *link,
                       guint8        *buf,
                       gsize          len,
                       GError       **error);
  /* Non-blocking: bytes written (may be 0 when the buffer is full), -1 with @error. */
  gssize   (*write)   (VpLink        *link,
                       const guint8  *data,
                       gsize          len,
                       GError       **error);
  void     (*discard) (VpLink        *link);
};

extern const VpLinkBackend vp_link_backend_termios;
extern const VpLinkBackend vp_link_backend_serialport;
extern const VpLinkBackend vp_link_backend_tcp;

/* Shared by backends: byte time for baud/bits, and an errno-based read/write. */
guint    vp_link_compute_byte_time_us (guint          baud,
                                       guint          bits_per_byte);
gssize   vp_link_fd_read              (VpLink        *link,
                                       guint8        *buf,
                                       gsize          len,
                                       GError       **error);
gssize   vp_link_fd_write             (VpLink        *link,
                                       const guint8  *data,
                                       gsize          len,
                                       GError       **error);
/* TRUE when @real_path (already resolved) is a pseudo-terminal slave. */
gboolean vp_link_path_is_pty          (const char    *real_path);

G_END_DECLS
