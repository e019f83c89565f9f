/* vp-link-tcp.c: the TCP backend, for transparent serial-to-TCP gateways and DTUs
 *
 * The gateway passes meter frames through unchanged (shared/PROTOCOLS.md, "Serial links
 * and gateways"), so the link is just a stream socket in client mode. Plain sockets keep
 * the fd pollable like the serial backends; connect is non-blocking with a timeout and
 * honours cancellation.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-link-private.h"

/* Try one address: 0 connected, -1 failed (errno set), -2 cancelled, -3 timed out. */
static int
connect_one (const struct addrinfo *ai,
             gint64                 deadline,
             GCancellable          *cancellable,
             int                   *out_fd)
{
  int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   ai->ai_protocol);
  int cancel_fd;
  int result = -1;

  if (fd < 0)
    return -1;

  if (connect (fd, ai->ai_addr, ai->ai_addrlen) == 0)
    result = 0;
  else if (errno == EINPROGRESS)
    {
      cancel_fd = cancellable != NULL ? g_cancellable_get_fd (cancellable) : -1;
      for (;;)
        {
          struct pollfd fds[2] = { { fd, POLLOUT, 0 }, { cancel_fd, POLLIN, 0 } };
          gint64 left = deadline - g_get_monotonic_time ();
          int n;

          if (g_cancellable_is_cancelled (cancellable))
            { result = -2; break; }
          if (left <= 0)
            { result = -3; break; }
          n = poll (fds, cancel_fd >= 0 ? 2 : 1, (int) ((left + 999) / 1000));
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            break;
          if (fds[0].revents != 0)
            {
              int so_error = 0;
              socklen_t len = sizeof so_error;

              getsockopt (fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
              errno = so_error;
              result = so_error == 0 ? 0 : -1;
              break;
            }
        }
      if (cancel_fd >= 0)
        g_cancellable_release_fd (cancellable);
    }

  if (result != 0)
    {
      int saved = errno;

      close (fd);
      errno = saved;
      return result;
    }
  *out_fd = fd;
  return 0;
}

static gboolean
tcp_open (VpLink        *link,
          guint          connect_timeout_ms,
          GCancellable  *cancellable,
          GError       **error)
{
  const VpLinkUri *uri = link->uri;
  struct addrinfo hints = { 0 };
  struct addrinfo *list = NULL;
  char service[8];
  gint64 deadline = g_get_monotonic_time () + (gint64) connect_timeout_ms * 1000;
  int last_errno = ECONNREFUSED;
  int fd = -1;
  int rc;
  int one = 1;

  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  g_snprintf (service, sizeof service, "%u", uri->port);
  rc = getaddrinfo (uri->host, service, &hints, &list);
  if (rc != 0)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("Cannot find gateway host “%s”: %s"), uri->host, gai_strerror (rc));
      return FALSE;
    }

  for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next)
    {
      rc = connect_one (ai, deadline, cancellable, &fd);
      if (rc == -2)
        {
          freeaddrinfo (list);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return FALSE;
        }
      if (rc == -3)
        {
          freeaddrinfo (list);
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                       _("Gateway %s:%u did not accept the connection within %u ms"),
                       uri->host, uri->port, connect_timeout_ms);
          return FALSE;
        }
      if (rc == -1)
        last_errno = errno;
    }
  freeaddrinfo (list);

  if (fd < 0)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("Cannot connect to gateway %s:%u: %s"), uri->host, uri->port,
                   g_strerror (last_errno));
      return FALSE;
    }

  /* Frames are small and latency matters more than packet count. */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  link->fd = fd;
  link->byte_time_us = vp_link_compute_byte_time_us (uri->baud,
                                                     vp_link_uri_bits_per_byte (uri));
  return TRUE;
}

static void
tcp_close (VpLink *link)
{
  if (link->fd >= 0)
    close (link->fd);
  link->fd = -1;
}

/* send() with MSG_NOSIGNAL: a gateway that hung up must give an error, not SIGPIPE. */
static gssize
tcp_write (VpLink        *link,
           const guint8  *data,
           gsize          len,
           GError       **error)
{
  gssize n;

  do
    n = send (link->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);

  if (n >= 0)
    return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return 0;
  g_set_error (error, VP_DEVICE_ERROR,
               errno == EPIPE || errno == ECONNRESET ? VP_DEVICE_ERROR_CLOSED : VP_DEVICE_ERROR_IO,
               _("Writing to gateway %s:%u failed: %s"), link->uri->host, link->uri->port,
               g_strerror (errno));
  return -1;
}

static void
tcp_discard (VpLink *link)
{
  guint8 buf[256];

  while (recv (link->fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
    ;
}

const VpLinkBackend vp_link_backend_tcp = {
  .name = "tcp",
  .open = tcp_open,
  .close = tcp_close,
  .read = vp_link_fd_read,
  .write = tcp_write,
  .discard = tcp_discard,
};
