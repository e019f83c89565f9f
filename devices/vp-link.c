/* vp-link.c: link URIs and the transport-independent half of VpLink */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libserialport.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-link-private.h"

/* RS-485 meters: 2400 baud 8E1 by default (shared/PROTOCOLS.md, "Serial links"). */
#define DEFAULT_BAUD       2400
#define DEFAULT_CONNECT_MS 5000
/* A write that cannot drain in this long means the port is wedged, not slow. */
#define WRITE_STALL_MS     5000

static const guint valid_bauds[] = {
  300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
};

static gboolean
invalid_uri (GError     **error,
             const char  *uri,
             const char  *why)
{
  /* Both may carry bytes of the input: a message must be valid UTF-8 (a GTK label or
   * JSON output of it would fail otherwise). Found by tests/fuzz/fuzz-link-uri.c. */
  g_autofree char *shown_uri = g_utf8_make_valid (uri, -1);
  g_autofree char *shown_why = g_utf8_make_valid (why, -1);

  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_URI,
               _("Invalid link “%s”: %s"), shown_uri, shown_why);
  return FALSE;
}

static gboolean
parse_uint (const char *text,
            guint       min,
            guint       max,
            guint      *out)
{
  guint64 v;

  if (text == NULL || *text == '\0')
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
is_valid_baud (guint baud)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_bauds); i++)
    if (valid_bauds[i] == baud)
      return TRUE;
  return FALSE;
}

static gboolean
parse_query (VpLinkUri   *parsed,
             const char  *uri,
             const char  *query,
             GError     **error)
{
  g_auto(GStrv) pairs = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (query == NULL)
    return TRUE;
  if (*query == '\0')
    return invalid_uri (error, uri, _("empty parameter list after “?”"));

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      const char *value;
      g_autofree char *why = NULL;

      if (eq == NULL || eq == pairs[i])
        {
          why = g_strdup_printf (_("parameter “%s” is not KEY=VALUE"), pairs[i]);
          return invalid_uri (error, uri, why);
        }
      key = g_strndup (pairs[i], eq - pairs[i]);
      value = eq + 1;
      if (g_hash_table_contains (seen, key))
        {
          why = g_strdup_printf (_("parameter “%s” given twice"), key);
          return invalid_uri (error, uri, why);
        }

      if (g_str_equal (key, "baud"))
        {
          guint baud = 0;

          if (!parse_uint (value, 1, G_MAXUINT, &baud) || !is_valid_baud (baud))
            {
              why = g_strdup_printf (_("baud rate “%s” is not one of 300, 600, 1200, 2400, "
                                       "4800, 9600, 19200, 38400, 57600, 115200"), value);
              return invalid_uri (error, uri, why);
            }
          parsed->baud = baud;
        }
      else if (g_str_equal (key, "parity"))
        {
          if (g_str_equal (value, "even") || g_str_equal (value, "e"))
            parsed->parity = VP_LINK_PARITY_EVEN;
          else if (g_str_equal (value, "none") || g_str_equal (value, "n"))
            parsed->parity = VP_LINK_PARITY_NONE;
          else if (g_str_equal (value, "odd") || g_str_equal (value, "o"))
            parsed->parity = VP_LINK_PARITY_ODD;
          else
            {
              why = g_strdup_printf (_("parity “%s” is not none, even or odd"), value);
              return invalid_uri (error, uri, why);
            }
        }
      else if (g_str_equal (key, "data"))
        {
          if (!parse_uint (value, 5, 8, &parsed->data_bits))
            {
              why = g_strdup_printf (_("data bits “%s” must be 5 to 8"), value);
              return invalid_uri (error, uri, why);
            }
        }
      else if (g_str_equal (key, "stop"))
        {
          if (!parse_uint (value, 1, 2, &parsed->stop_bits))
            {
              why = g_strdup_printf (_("stop bits “%s” must be 1 or 2"), value);
              return invalid_uri (error, uri, why);
            }
        }
      else
        {
          why = g_strdup_printf (_("unknown parameter “%s” (known: baud, parity, data, stop)"),
                                 key);
          return invalid_uri (error, uri, why);
        }
      g_hash_table_add (seen, g_steal_pointer (&key));
    }

  return TRUE;
}

static gboolean
parse_host_port (VpLinkUri   *parsed,
                 const char  *uri,
                 const char  *authority,
                 GError     **error)
{
  const char *colon;
  g_autofree char *why = NULL;
  guint port = 0;

  if (*authority == '[')
    {
      const char *close = strchr (authority, ']');

      if (close == NULL)
        return invalid_uri (error, uri, _("IPv6 address is missing its “]”"));
      parsed->host = g_strndup (authority + 1, close - authority - 1);
      colon = close + 1;
      if (*colon != ':')
        return invalid_uri (error, uri, _("no port after the host (tcp://HOST:PORT)"));
    }
  else
    {
      colon = strrchr (authority, ':');
      if (colon == NULL)
        return invalid_uri (error, uri, _("no port after the host (tcp://HOST:PORT)"));
      parsed->host = g_strndup (authority, colon - authority);
    }

  if (parsed->host[0] == '\0')
    return invalid_uri (error, uri, _("no host name (tcp://HOST:PORT)"));
  for (const char *p = parsed->host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._:", *p) == NULL)
      {
        why = g_strdup_printf (_("host “%s” contains “%c”"), parsed->host, *p);
        return invalid_uri (error, uri, why);
      }

  if (!parse_uint (colon + 1, 1, 65535, &port))
    {
      why = g_strdup_printf (_("port “%s” must be a number from 1 to 65535"), colon + 1);
      return invalid_uri (error, uri, why);
    }
  parsed->port = (guint16) port;
  return TRUE;
}

VpLinkUri *
vp_link_uri_parse (const char  *uri,
                   GError     **error)
{
  g_autoptr(VpLinkUri) parsed = NULL;
  g_autofree char *body = NULL;
  char *query;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parsed = g_new0 (VpLinkUri, 1);
  parsed->baud = DEFAULT_BAUD;
  parsed->parity = VP_LINK_PARITY_EVEN;
  parsed->data_bits = 8;
  parsed->stop_bits = 1;

  if (g_str_has_prefix (uri, "serial:"))
    {
      parsed->kind = VP_LINK_KIND_SERIAL;
      body = g_strdup (uri + strlen ("serial:"));
      /* serial:///dev/x is the same as serial:/dev/x */
      if (g_str_has_prefix (body, "//"))
        memmove (body, body + 2, strlen (body + 2) + 1);
    }
  else if (g_str_has_prefix (uri, "tcp://"))
    {
      parsed->kind = VP_LINK_KIND_TCP;
      /* Behind a transparent gateway the bus speed is unknown unless given. */
      parsed->baud = 0;
      body = g_strdup (uri + strlen ("tcp://"));
    }
  else
    {
      invalid_uri (error, uri,
                   _("it must start with “serial:” (serial:/dev/ttyUSB0?baud=2400&parity=even) "
                     "or “tcp://” (tcp://HOST:PORT)"));
      return NULL;
    }

  query = strchr (body, '?');
  if (query != NULL)
    *query++ = '\0';

  if (parsed->kind == VP_LINK_KIND_SERIAL)
    {
      if (body[0] == '\0')
        {
          invalid_uri (error, uri, _("no serial device path (serial:/dev/ttyUSB0)"));
          return NULL;
        }
      if (body[0] != '/')
        {
          invalid_uri (error, uri, _("the serial device path must be absolute (/dev/…)"));
          return NULL;
        }
      parsed->path = g_strdup (body);
    }
  else
    {
      if (strchr (body, '/') != NULL)
        {
          invalid_uri (error, uri, _("a TCP link has no path (tcp://HOST:PORT)"));
          return NULL;
        }
      if (!parse_host_port (parsed, uri, body, error))
        return NULL;
    }

  if (!parse_query (parsed, uri, query, error))
    return NULL;

  return g_steal_pointer (&parsed);
}

void
vp_link_uri_free (VpLinkUri *uri)
{
  if (uri == NULL)
    return;
  g_free (uri->path);
  g_free (uri->host);
  g_free (uri);
}

VpLinkUri *
vp_link_uri_copy (const VpLinkUri *uri)
{
  VpLinkUri *copy;

  g_return_val_if_fail (uri != NULL, NULL);

  copy = g_memdup2 (uri, sizeof *uri);
  copy->path = g_strdup (uri->path);
  copy->host = g_strdup (uri->host);
  return copy;
}

static const char *
parity_name (VpLinkParity parity)
{
  switch (parity)
    {
    case VP_LINK_PARITY_EVEN: return "even";
    case VP_LINK_PARITY_ODD:  return "odd";
    case VP_LINK_PARITY_NONE:
    default:                  return "none";
    }
}

char *
vp_link_uri_to_string (const VpLinkUri *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);

  /* The parser drops one leading "//" (serial:///dev/x); a path that itself starts
   * with "//" gets it back, so the canonical form parses to the same path. Found by
   * tests/fuzz/fuzz-link-uri.c. */
  if (uri->kind == VP_LINK_KIND_SERIAL)
    return g_strdup_printf ("serial:%s%s?baud=%u&parity=%s&data=%u&stop=%u",
                            g_str_has_prefix (uri->path, "//") ? "//" : "",
                            uri->path, uri->baud, parity_name (uri->parity),
                            uri->data_bits, uri->stop_bits);

  if (strchr (uri->host, ':') != NULL)
    return uri->baud != 0
      ? g_strdup_printf ("tcp://[%s]:%u?baud=%u", uri->host, uri->port, uri->baud)
      : g_strdup_printf ("tcp://[%s]:%u", uri->host, uri->port);
  return uri->baud != 0
    ? g_strdup_printf ("tcp://%s:%u?baud=%u", uri->host, uri->port, uri->baud)
    : g_strdup_printf ("tcp://%s:%u", uri->host, uri->port);
}

guint
vp_link_uri_bits_per_byte (const VpLinkUri *uri)
{
  g_return_val_if_fail (uri != NULL, 0);

  return 1 + uri->data_bits + (uri->parity != VP_LINK_PARITY_NONE ? 1 : 0) + uri->stop_bits;
}

guint
vp_link_compute_byte_time_us (guint baud,
                              guint bits_per_byte)
{
  if (baud == 0)
    return 0;
  return (guint) (((guint64) bits_per_byte * G_USEC_PER_SEC + baud - 1) / baud);
}

gboolean
vp_link_path_is_pty (const char *real_path)
{
  struct stat st;

  if (g_str_has_prefix (real_path, "/dev/pts/") || g_str_equal (real_path, "/dev/ptmx"))
    return TRUE;
  /* Unix98 pty slaves use majors 136..143 (Linux devices.txt) wherever devpts is mounted. */
  if (stat (real_path, &st) == 0 && S_ISCHR (st.st_mode)
      && major (st.st_rdev) >= 136 && major (st.st_rdev) <= 143)
    return TRUE;
  return FALSE;
}

gssize
vp_link_fd_read (VpLink  *link,
                 guint8  *buf,
                 gsize    len,
                 GError **error)
{
  gssize n;

  do
    n = read (link->fd, buf, len);
  while (n < 0 && errno == EINTR);

  if (n > 0)
    return n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return 0;
  /* EOF on a socket, EIO on a pty whose other side closed: the peer is gone. */
  if (n == 0 || errno == EIO || errno == ECONNRESET)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_CLOSED,
                   _("The link %s was closed by the other side"), link->uri_string);
      return -1;
    }
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_IO,
               _("Reading from %s failed: %s"), link->uri_string, g_strerror (errno));
  return -1;
}

gssize
vp_link_fd_write (VpLink        *link,
                  const guint8  *data,
                  gsize          len,
                  GError       **error)
{
  gssize n;

  do
    n = write (link->fd, data, len);
  while (n < 0 && errno == EINTR);

  if (n >= 0)
    return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return 0;
  if (errno == EPIPE || errno == ECONNRESET || errno == EIO)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_CLOSED,
                   _("The link %s was closed by the other side"), link->uri_string);
      return -1;
    }
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_IO,
               _("Writing to %s failed: %s"), link->uri_string, g_strerror (errno));
  return -1;
}

VpLink *
vp_link_open (const char    *uri,
              guint          connect_timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(VpLinkUri) parsed = NULL;
  VpLink *link;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parsed = vp_link_uri_parse (uri, error);
  if (parsed == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  link = g_new0 (VpLink, 1);
  link->fd = -1;
  link->uri_string = vp_link_uri_to_string (parsed);
  link->uri = g_steal_pointer (&parsed);

  if (link->uri->kind == VP_LINK_KIND_TCP)
    link->backend = &vp_link_backend_tcp;
  else
    {
      char real[PATH_MAX];

      if (realpath (link->uri->path, real) == NULL)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                       _("Cannot open %s: %s"), link->uri->path, g_strerror (errno));
          vp_link_free (link);
          return NULL;
        }
      /* libserialport cannot open ptys (shared/PLATFORM.md): resolve, then choose. */
      link->backend = vp_link_path_is_pty (real)
        ? &vp_link_backend_termios : &vp_link_backend_serialport;
      g_free (link->uri->path);
      link->uri->path = g_strdup (real);
    }

  if (!link->backend->open (link,
                            connect_timeout_ms != 0 ? connect_timeout_ms : DEFAULT_CONNECT_MS,
                            cancellable, error))
    {
      link->backend = NULL;
      vp_link_free (link);
      return NULL;
    }

  g_assert (link->fd >= 0);
  return link;
}

void
vp_link_free (VpLink *link)
{
  if (link == NULL)
    return;
  if (link->backend != NULL)
    link->backend->close (link);
  vp_link_uri_free (link->uri);
  g_free (link->uri_string);
  g_free (link);
}

const char *
vp_link_get_uri (VpLink *link)
{
  g_return_val_if_fail (link != NULL, NULL);
  return link->uri_string;
}

const VpLinkUri *
vp_link_get_parsed_uri (VpLink *link)
{
  g_return_val_if_fail (link != NULL, NULL);
  return link->uri;
}

const char *
vp_link_get_backend_name (VpLink *link)
{
  g_return_val_if_fail (link != NULL, NULL);
  return link->backend->name;
}

guint
vp_link_get_byte_time_us (VpLink *link)
{
  g_return_val_if_fail (link != NULL, 0);
  return link->byte_time_us;
}

int
vp_link_get_fd (VpLink *link)
{
  g_return_val_if_fail (link != NULL, -1);
  return link->fd;
}

/* Wait for @events on the link's fd or for cancellation. Returns 1 ready, 0 timeout,
 * -1 with @error. */
static int
wait_fd (VpLink        *link,
         short          events,
         int            timeout_ms,
         GCancellable  *cancellable,
         GError       **error)
{
  struct pollfd fds[2] = { { link->fd, events, 0 }, { -1, POLLIN, 0 } };
  gint64 deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int n_fds = 1;
  int ret;

  if (cancellable != NULL)
    {
      fds[1].fd = g_cancellable_get_fd (cancellable);
      if (fds[1].fd >= 0)
        n_fds = 2;
    }

  for (;;)
    {
      int wait_ms = -1;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ret = -1;
          break;
        }
      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          wait_ms = left <= 0 ? 0 : (int) ((left + 999) / 1000);
        }
      ret = poll (fds, n_fds, wait_ms);
      if (ret < 0 && errno == EINTR)
        continue;
      if (ret < 0)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_IO,
                       _("Waiting on %s failed: %s"), link->uri_string, g_strerror (errno));
          break;
        }
      if (n_fds == 2 && fds[1].revents != 0)
        continue;  /* reported as cancellation at the top of the loop */
      ret = fds[0].revents != 0 ? 1 : 0;
      break;
    }

  if (n_fds == 2)
    g_cancellable_release_fd (cancellable);
  return ret;
}

gboolean
vp_link_write_all (VpLink        *link,
                   const guint8  *data,
                   gsize          len,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gsize done = 0;

  g_return_val_if_fail (link != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  while (done < len)
    {
      gssize n = link->backend->write (link, data + done, len - done, error);
      int ready;

      if (n < 0)
        return FALSE;
      done += n;
      if (done == len)
        break;
      ready = wait_fd (link, POLLOUT, WRITE_STALL_MS, cancellable, error);
      if (ready < 0)
        return FALSE;
      if (ready == 0)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_IO,
                       _("Writing to %s stalled for %d s"), link->uri_string,
                       WRITE_STALL_MS / 1000);
          return FALSE;
        }
    }
  return TRUE;
}

gssize
vp_link_read (VpLink        *link,
              guint8        *buf,
              gsize          len,
              int            timeout_ms,
              GCancellable  *cancellable,
              GError       **error)
{
  gint64 deadline;

  g_return_val_if_fail (link != NULL, -1);
  g_return_val_if_fail (buf != NULL && len > 0, -1);

  deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  for (;;)
    {
      int wait_ms = -1;
      int ready;
      gssize n;

      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          wait_ms = left <= 0 ? 0 : (int) ((left + 999) / 1000);
        }
      ready = wait_fd (link, POLLIN, wait_ms, cancellable, error);
      if (ready <= 0)
        return ready;
      n = link->backend->read (link, buf, len, error);
      if (n != 0)
        return n;
      /* Woken without data (e.g. a pty that got a hang-up before data): wait on. */
      if (wait_ms == 0)
        return 0;
    }
}

void
vp_link_discard_input (VpLink *link)
{
  g_return_if_fail (link != NULL);
  link->backend->discard (link);
}

void
vp_serial_port_info_free (VpSerialPortInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->transport);
  g_free (info);
}

static int
compare_port_info (gconstpointer a,
                   gconstpointer b)
{
  const VpSerialPortInfo *pa = *(VpSerialPortInfo * const *) a;
  const VpSerialPortInfo *pb = *(VpSerialPortInfo * const *) b;

  return g_strcmp0 (pa->name, pb->name);
}

GPtrArray *
vp_link_list_serial_ports (GError **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_serial_port_info_free);
  struct sp_port **ports = NULL;
  enum sp_return ret;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ret = sp_list_ports (&ports);
  if (ret != SP_OK)
    {
      char *message = sp_last_error_message ();

      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_IO,
                   _("Cannot list serial ports: %s"), message != NULL ? message : "");
      sp_free_error_message (message);
      return NULL;
    }

  for (guint i = 0; ports[i] != NULL; i++)
    {
      VpSerialPortInfo *info = g_new0 (VpSerialPortInfo, 1);
      const char *description = sp_get_port_description (ports[i]);

      info->name = g_strdup (sp_get_port_name (ports[i]));
      info->description = g_strdup (description != NULL ? description : "");
      switch (sp_get_port_transport (ports[i]))
        {
        case SP_TRANSPORT_USB:       info->transport = g_strdup ("usb"); break;
        case SP_TRANSPORT_NATIVE:    info->transport = g_strdup ("native"); break;
        case SP_TRANSPORT_BLUETOOTH: info->transport = g_strdup ("bluetooth"); break;
        default:                     info->transport = g_strdup ("unknown"); break;
        }
      g_ptr_array_add (result, info);
    }
  sp_free_port_list (ports);

  g_ptr_array_sort (result, compare_port_info);
  return g_steal_pointer (&result);
}
