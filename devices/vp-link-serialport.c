/* vp-link-serialport.c: the libserialport backend, for real serial ports
 *
 * Meters on RS-485 run 2400 baud 8E1 by default (shared/PROTOCOLS.md). libserialport
 * wants the resolved /dev name (shared/PLATFORM.md), which vp_link_open() passes in.
 * Reads and writes are non-blocking; the core polls the port's fd.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libserialport.h>

#include "vp-device-error.h"
#include "vp-link-private.h"

static gboolean
sp_failed (GError      **error,
           VpDeviceError code,
           const char   *what,
           const char   *path)
{
  char *message = sp_last_error_message ();

  g_set_error (error, VP_DEVICE_ERROR, code, "%s %s: %s", what, path,
               message != NULL ? message : _("unknown error"));
  sp_free_error_message (message);
  return FALSE;
}

static gboolean
serialport_open (VpLink        *link,
                 guint          connect_timeout_ms,
                 GCancellable  *cancellable,
                 GError       **error)
{
  const VpLinkUri *uri = link->uri;
  struct sp_port *port = NULL;
  enum sp_parity parity;
  int fd = -1;

  if (sp_get_port_by_name (uri->path, &port) != SP_OK)
    return sp_failed (error, VP_DEVICE_ERROR_OPEN_FAILED, _("No serial port"), uri->path);
  if (sp_open (port, SP_MODE_READ_WRITE) != SP_OK)
    {
      sp_failed (error, VP_DEVICE_ERROR_OPEN_FAILED, _("Cannot open"), uri->path);
      sp_free_port (port);
      return FALSE;
    }

  switch (uri->parity)
    {
    case VP_LINK_PARITY_EVEN: parity = SP_PARITY_EVEN; break;
    case VP_LINK_PARITY_ODD:  parity = SP_PARITY_ODD; break;
    case VP_LINK_PARITY_NONE:
    default:                  parity = SP_PARITY_NONE; break;
    }

  if (sp_set_baudrate (port, (int) uri->baud) != SP_OK
      || sp_set_bits (port, (int) uri->data_bits) != SP_OK
      || sp_set_parity (port, parity) != SP_OK
      || sp_set_stopbits (port, (int) uri->stop_bits) != SP_OK
      || sp_set_flowcontrol (port, SP_FLOWCONTROL_NONE) != SP_OK
      || sp_get_port_handle (port, &fd) != SP_OK)
    {
      sp_failed (error, VP_DEVICE_ERROR_OPEN_FAILED, _("Cannot configure"), uri->path);
      sp_close (port);
      sp_free_port (port);
      return FALSE;
    }
  sp_flush (port, SP_BUF_BOTH);

  link->fd = fd;
  link->backend_data = port;
  link->byte_time_us = vp_link_compute_byte_time_us (uri->baud,
                                                     vp_link_uri_bits_per_byte (uri));
  return TRUE;
}

static void
serialport_close (VpLink *link)
{
  struct sp_port *port = link->backend_data;

  if (port != NULL)
    {
      sp_close (port);
      sp_free_port (port);
    }
  link->backend_data = NULL;
  link->fd = -1;
}

static gssize
serialport_read (VpLink  *link,
                 guint8  *buf,
                 gsize    len,
                 GError **error)
{
  int n = sp_nonblocking_read (link->backend_data, buf, len);

  if (n < 0)
    {
      sp_failed (error, VP_DEVICE_ERROR_IO, _("Reading from"), link->uri->path);
      return -1;
    }
  return n;
}

static gssize
serialport_write (VpLink        *link,
                  const guint8  *data,
                  gsize          len,
                  GError       **error)
{
  int n = sp_nonblocking_write (link->backend_data, data, len);

  if (n < 0)
    {
      sp_failed (error, VP_DEVICE_ERROR_IO, _("Writing to"), link->uri->path);
      return -1;
    }
  return n;
}

static void
serialport_discard (VpLink *link)
{
  sp_flush (link->backend_data, SP_BUF_INPUT);
}

const VpLinkBackend vp_link_backend_serialport = {
  .name = "serialport",
  .open = serialport_open,
  .close = serialport_close,
  .read = serialport_read,
  .write = serialport_write,
  .discard = serialport_discard,
};
