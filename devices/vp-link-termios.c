/* vp-link-termios.c: the termios backend, used for pseudo-terminals
 *
 * libserialport cannot open ptys (shared/PLATFORM.md, "Serial ports"), and the simulator
 * and tests live on ptys, so they go through plain termios. Linux ptys drop parity
 * silently, so a pty is always set 8N1; the byte time still follows the URI, because it
 * describes the meter bus the pty stands for.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <termios.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-link-private.h"

static speed_t
baud_to_speed (guint baud)
{
  switch (baud)
    {
    case 300:    return B300;
    case 600:    return B600;
    case 1200:   return B1200;
    case 2400:   return B2400;
    case 4800:   return B4800;
    case 9600:   return B9600;
    case 19200:  return B19200;
    case 38400:  return B38400;
    case 57600:  return B57600;
    case 115200: return B115200;
    default:     return B0;
    }
}

static gboolean
termios_open (VpLink        *link,
              guint          connect_timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  const VpLinkUri *uri = link->uri;
  gboolean is_pty = vp_link_path_is_pty (uri->path);
  struct termios tio;
  speed_t speed = baud_to_speed (uri->baud);
  int fd;

  fd = open (uri->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("Cannot open %s: %s"), uri->path, g_strerror (errno));
      return FALSE;
    }

  if (tcgetattr (fd, &tio) != 0)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("%s is not a serial line: %s"), uri->path, g_strerror (errno));
      close (fd);
      return FALSE;
    }

  cfmakeraw (&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
  if (is_pty)
    tio.c_cflag |= CS8;
  else
    {
      static const tcflag_t sizes[] = { CS5, CS6, CS7, CS8 };

      tio.c_cflag |= sizes[CLAMP (uri->data_bits, 5, 8) - 5];
      if (uri->parity != VP_LINK_PARITY_NONE)
        tio.c_cflag |= PARENB;
      if (uri->parity == VP_LINK_PARITY_ODD)
        tio.c_cflag |= PARODD;
      if (uri->stop_bits == 2)
        tio.c_cflag |= CSTOPB;
    }
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, speed);
  cfsetospeed (&tio, speed);

  if (tcsetattr (fd, TCSANOW, &tio) != 0)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("Cannot set %s to %u baud: %s"), uri->path, uri->baud,
                   g_strerror (errno));
      close (fd);
      return FALSE;
    }
  tcflush (fd, TCIOFLUSH);

  link->fd = fd;
  link->byte_time_us = vp_link_compute_byte_time_us (uri->baud,
                                                     vp_link_uri_bits_per_byte (uri));
  return TRUE;
}

static void
termios_close (VpLink *link)
{
  if (link->fd >= 0)
    close (link->fd);
  link->fd = -1;
}

static void
termios_discard (VpLink *link)
{
  tcflush (link->fd, TCIFLUSH);
}

const VpLinkBackend vp_link_backend_termios = {
  .name = "termios",
  .open = termios_open,
  .close = termios_close,
  .read = vp_link_fd_read,
  .write = vp_link_fd_write,
  .discard = termios_discard,
};
