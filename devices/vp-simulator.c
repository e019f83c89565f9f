/* vp-simulator.c: the simulated bus — endpoints, frame dispatch, paced replies */
#include "config.h"

#define _GNU_SOURCE  /* ppoll, accept4, posix_openpt, ptsname_r */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-frame-reader.h"
#include "vp-link.h"
#include "vp-simulator.h"

#define DEFAULT_BAUD          2400
#define DEFAULT_BITS_PER_BYTE 11    /* 8E1: start + 8 + parity + stop */
/* Meters answer within ~500 ms (PROTOCOLS.md "Serial links"); 30 ms is a brisk one. */
#define DEFAULT_TURNAROUND_MS 30
#define DEFAULT_SLOW_GAP_MS   300
/* Line noise for the garbage fault: no 68 (frame start) or FE (preamble) in it, so
 * it can only be noise to a reader. */
static const guint8 garbage_bytes[] = { 0x00, 0xA5, 0x5A, 0x13, 0xFF, 0x0D, 0x0A, 0x3C };

typedef struct
{
  int            fd;
  gboolean       is_socket;   /* TCP client (closed when it hangs up) or the pty master */
  VpFrameReader *reader;
  gint64         rx_start;    /* monotonic µs of the first byte of what is buffered */
  gsize          rx_bytes;    /* bytes received since then */
  gboolean       dead;
} Port;

struct _VpSimulator
{
  GMutex      mutex;        /* meters and settings */
  GPtrArray  *meters;       /* VpSimMeter * */
  guint       baud;
  guint       bits_per_byte;
  guint       turnaround_ms;
  guint       slow_gap_ms;
  guint       speed;

  int         listen_fd;
  char       *tcp_host;
  guint16     tcp_port;
  int         pty_master;
  int         pty_slave;    /* held open so the master never sees a hang-up */
  char       *pty_slave_name;
  char       *pty_symlink;
  VpLink     *serial;       /* an attached serial line, if any */

  int         wake[2];      /* written once by stop() */
  gint        stopping;
  GThread    *thread;
  GPtrArray  *ports;        /* Port *, owned by the serving thread */
};

static void
port_free (Port *port)
{
  if (port->is_socket && port->fd >= 0)
    close (port->fd);
  vp_frame_reader_free (port->reader);
  g_free (port);
}

static Port *
port_new (int      fd,
          gboolean is_socket)
{
  Port *port = g_new0 (Port, 1);

  port->fd = fd;
  port->is_socket = is_socket;
  port->reader = vp_frame_reader_new (VP_FRAME_PROTOCOL_AUTO);
  return port;
}

VpSimulator *
vp_simulator_new (void)
{
  VpSimulator *sim = g_new0 (VpSimulator, 1);

  g_mutex_init (&sim->mutex);
  sim->meters = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_sim_meter_free);
  sim->baud = DEFAULT_BAUD;
  sim->bits_per_byte = DEFAULT_BITS_PER_BYTE;
  sim->turnaround_ms = DEFAULT_TURNAROUND_MS;
  sim->slow_gap_ms = DEFAULT_SLOW_GAP_MS;
  sim->speed = 1;
  sim->listen_fd = -1;
  sim->pty_master = -1;
  sim->pty_slave = -1;
  sim->wake[0] = sim->wake[1] = -1;
  sim->ports = g_ptr_array_new_with_free_func ((GDestroyNotify) port_free);
  return sim;
}

void
vp_simulator_free (VpSimulator *sim)
{
  if (sim == NULL)
    return;

  vp_simulator_stop (sim);
  if (sim->listen_fd >= 0)
    close (sim->listen_fd);
  if (sim->pty_symlink != NULL)
    unlink (sim->pty_symlink);
  if (sim->pty_slave >= 0)
    close (sim->pty_slave);
  if (sim->pty_master >= 0)
    close (sim->pty_master);
  g_clear_pointer (&sim->serial, vp_link_free);
  for (int i = 0; i < 2; i++)
    if (sim->wake[i] >= 0)
      close (sim->wake[i]);
  g_ptr_array_unref (sim->ports);
  g_ptr_array_unref (sim->meters);
  g_free (sim->tcp_host);
  g_free (sim->pty_slave_name);
  g_free (sim->pty_symlink);
  g_mutex_clear (&sim->mutex);
  g_free (sim);
}

void
vp_simulator_set_line (VpSimulator *sim,
                       guint        baud,
                       guint        bits_per_byte)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (bits_per_byte >= 7 && bits_per_byte <= 12);

  g_mutex_lock (&sim->mutex);
  sim->baud = baud;
  sim->bits_per_byte = bits_per_byte;
  g_mutex_unlock (&sim->mutex);
}

void
vp_simulator_set_turnaround (VpSimulator *sim,
                             guint        milliseconds)
{
  g_return_if_fail (sim != NULL);

  g_mutex_lock (&sim->mutex);
  sim->turnaround_ms = milliseconds;
  g_mutex_unlock (&sim->mutex);
}

void
vp_simulator_set_slow_gap (VpSimulator *sim,
                           guint        milliseconds)
{
  g_return_if_fail (sim != NULL);

  g_mutex_lock (&sim->mutex);
  sim->slow_gap_ms = milliseconds;
  g_mutex_unlock (&sim->mutex);
}

void
vp_simulator_set_speed (VpSimulator *sim,
                        guint        speed)
{
  gint64 now = g_get_real_time ();

  g_return_if_fail (sim != NULL);
  g_return_if_fail (speed >= 1 && speed <= 1000);

  g_mutex_lock (&sim->mutex);
  /* Consumption so far at the old speed. */
  for (guint i = 0; i < sim->meters->len; i++)
    vp_sim_meter_advance (g_ptr_array_index (sim->meters, i), now, sim->speed);
  sim->speed = speed;
  g_mutex_unlock (&sim->mutex);
}

/* Called with the lock held. */
static VpSimMeter *
find_meter (VpSimulator  *sim,
            const char   *address,
            GError      **error)
{
  for (guint i = 0; i < sim->meters->len; i++)
    {
      VpSimMeter *meter = g_ptr_array_index (sim->meters, i);

      if (g_str_equal (vp_sim_meter_get_address (meter), address))
        return meter;
    }
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("No simulated meter has the address %s"), address);
  return NULL;
}

static VpSimMeter *
parse_meter (const char  *text,
             gint64       now,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", -1);
  g_autoptr(VpSimMeter) meter = NULL;
  VpSimMeterKind kind;
  const char *address;

  if (g_str_has_prefix (parts[0], "e:"))
    kind = VP_SIM_METER_ELECTRICITY;
  else if (g_str_has_prefix (parts[0], "w:"))
    kind = VP_SIM_METER_WATER;
  else
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("Meter “%s” must start with e: (electricity) or w: (water)"), text);
      return NULL;
    }
  address = parts[0] + 2;
  if (strlen (address) != (kind == VP_SIM_METER_ELECTRICITY ? 12 : 14))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   kind == VP_SIM_METER_ELECTRICITY
                   ? _("Meter “%s”: an electricity meter address has 12 digits")
                   : _("Meter “%s”: a water meter address has 14 digits"), text);
      return NULL;
    }

  meter = vp_sim_meter_new (kind, address, now, error);
  if (meter == NULL)
    return NULL;

  for (guint i = 1; parts[i] != NULL; i++)
    {
      const char *eq = strchr (parts[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("Meter “%s”: option “%s” is not KEY=VALUE"), text, parts[i]);
          return NULL;
        }
      key = g_strndup (parts[i], eq - parts[i]);
      if (!vp_sim_meter_set_option (meter, key, eq + 1, now, error))
        {
          g_prefix_error (error, _("Meter “%s”: "), text);
          return NULL;
        }
    }
  return g_steal_pointer (&meter);
}

gboolean
vp_simulator_add_meters (VpSimulator  *sim,
                         const char   *spec,
                         GError      **error)
{
  g_auto(GStrv) items = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_sim_meter_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 now = g_get_real_time ();

  g_return_val_if_fail (sim != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  items = g_strsplit (spec, ",", -1);
  if (items[0] == NULL)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("Meter spec “%s” has an empty entry"), spec);
      return FALSE;
    }
  for (guint i = 0; items[i] != NULL; i++)
    {
      VpSimMeter *meter;

      g_strstrip (items[i]);
      if (items[i][0] == '\0')
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("Meter spec “%s” has an empty entry"), spec);
          return FALSE;
        }
      meter = parse_meter (items[i], now, error);
      if (meter == NULL)
        return FALSE;
      g_ptr_array_add (added, meter);
    }

  g_mutex_lock (&sim->mutex);
  for (guint i = 0; i < added->len; i++)
    {
      const char *address = vp_sim_meter_get_address (g_ptr_array_index (added, i));

      if (g_hash_table_contains (seen, address) || find_meter (sim, address, NULL) != NULL)
        {
          g_mutex_unlock (&sim->mutex);
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("Two simulated meters have the address %s"), address);
          return FALSE;
        }
      g_hash_table_add (seen, (gpointer) address);
    }
  while (added->len > 0)
    g_ptr_array_add (sim->meters, g_ptr_array_steal_index (added, 0));
  g_mutex_unlock (&sim->mutex);
  return TRUE;
}

gboolean
vp_simulator_set_meter_option (VpSimulator  *sim,
                               const char   *address,
                               const char   *key,
                               const char   *value,
                               GError      **error)
{
  gint64 now = g_get_real_time ();
  VpSimMeter *meter;
  gboolean ok = FALSE;

  g_return_val_if_fail (sim != NULL, FALSE);
  g_return_val_if_fail (address != NULL && key != NULL && value != NULL, FALSE);

  g_mutex_lock (&sim->mutex);
  meter = find_meter (sim, address, error);
  if (meter != NULL)
    {
      vp_sim_meter_advance (meter, now, sim->speed);
      ok = vp_sim_meter_set_option (meter, key, value, now, error);
    }
  g_mutex_unlock (&sim->mutex);
  return ok;
}

gboolean
vp_simulator_set_fault (VpSimulator  *sim,
                        const char   *address,
                        VpSimFault    fault,
                        GError      **error)
{
  return vp_simulator_set_meter_option (sim, address, "fault", vp_sim_fault_to_string (fault),
                                        error);
}

gboolean
vp_simulator_press_button (VpSimulator  *sim,
                           const char   *address,
                           GError      **error)
{
  VpSimMeter *meter;
  gboolean ok = FALSE;

  g_return_val_if_fail (sim != NULL && address != NULL, FALSE);

  g_mutex_lock (&sim->mutex);
  meter = find_meter (sim, address, error);
  if (meter != NULL)
    {
      vp_sim_meter_advance (meter, g_get_real_time (), sim->speed);
      ok = vp_sim_meter_press_button (meter);
      if (!ok)
        g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_FAILED,
                     _("Meter %s has no close allowed to act on"), address);
    }
  g_mutex_unlock (&sim->mutex);
  return ok;
}

gboolean
vp_simulator_get_meter_state (VpSimulator      *sim,
                              const char       *address,
                              VpSimMeterState  *out_state,
                              GError          **error)
{
  gint64 now = g_get_real_time ();
  VpSimMeter *meter;

  g_return_val_if_fail (sim != NULL && address != NULL && out_state != NULL, FALSE);

  g_mutex_lock (&sim->mutex);
  meter = find_meter (sim, address, error);
  if (meter != NULL)
    {
      vp_sim_meter_advance (meter, now, sim->speed);
      vp_sim_meter_get_state (meter, now, out_state);
    }
  g_mutex_unlock (&sim->mutex);
  return meter != NULL;
}

GStrv
vp_simulator_list_addresses (VpSimulator *sim)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (sim != NULL, NULL);

  g_mutex_lock (&sim->mutex);
  for (guint i = 0; i < sim->meters->len; i++)
    g_strv_builder_add (builder, vp_sim_meter_get_address (g_ptr_array_index (sim->meters, i)));
  g_mutex_unlock (&sim->mutex);
  return g_strv_builder_end (builder);
}

/* ---- Endpoints ------------------------------------------------------------------ */

guint16
vp_simulator_listen_tcp (VpSimulator  *sim,
                         const char   *host_port,
                         GError      **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  guint64 port;
  int fd;
  int one = 1;

  g_return_val_if_fail (sim != NULL && host_port != NULL, 0);
  g_return_val_if_fail (sim->thread == NULL && sim->listen_fd < 0, 0);

  colon = strrchr (host_port, ':');
  if (colon == NULL
      || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not HOST:PORT (e.g. 127.0.0.1:0)"), host_port);
      return 0;
    }
  host = g_strndup (host_port, colon - host_port);
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      memmove (host, host + 1, strlen (host) - 2);
      host[strlen (host) - 2] = '\0';
    }

  if (inet_pton (AF_INET, host, &((struct sockaddr_in *) &ss)->sin_addr) == 1)
    {
      ss.ss_family = AF_INET;
      ((struct sockaddr_in *) &ss)->sin_port = htons (port);
      len = sizeof (struct sockaddr_in);
    }
  else if (inet_pton (AF_INET6, host, &((struct sockaddr_in6 *) &ss)->sin6_addr) == 1)
    {
      ss.ss_family = AF_INET6;
      ((struct sockaddr_in6 *) &ss)->sin6_port = htons (port);
      len = sizeof (struct sockaddr_in6);
    }
  else
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a numeric IP address"), host);
      return 0;
    }

  fd = socket (ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    goto failed;
  setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (fd, (struct sockaddr *) &ss, len) != 0 || listen (fd, 16) != 0
      || getsockname (fd, (struct sockaddr *) &ss, &len) != 0)
    goto failed;

  sim->listen_fd = fd;
  sim->tcp_host = g_str_equal (host, "0.0.0.0") ? g_strdup ("127.0.0.1")
                  : g_str_equal (host, "::") ? g_strdup ("::1") : g_strdup (host);
  sim->tcp_port = ntohs (ss.ss_family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port
                                                 : ((struct sockaddr_in6 *) &ss)->sin6_port);
  return sim->tcp_port;

failed:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
               _("Cannot listen on %s: %s"), host_port, g_strerror (errno));
  if (fd >= 0)
    close (fd);
  return 0;
}

const char *
vp_simulator_open_pty (VpSimulator  *sim,
                       const char   *link_path,
                       GError      **error)
{
  char name[128];
  struct termios tio;
  struct stat st;
  int master;
  int slave = -1;

  g_return_val_if_fail (sim != NULL, NULL);
  g_return_val_if_fail (sim->thread == NULL && sim->pty_master < 0, NULL);

  if (link_path != NULL && lstat (link_path, &st) == 0 && !S_ISLNK (st.st_mode))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("%s exists and is not a symlink: not replacing it"), link_path);
      return NULL;
    }

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt (master) != 0 || unlockpt (master) != 0
      || ptsname_r (master, name, sizeof name) != 0
      || (slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
    goto failed;

  /* Raw before any client opens it: an echoing slave would bounce replies back. */
  if (tcgetattr (slave, &tio) != 0)
    goto failed;
  cfmakeraw (&tio);
  if (tcsetattr (slave, TCSANOW, &tio) != 0)
    goto failed;
  g_unix_set_fd_nonblocking (master, TRUE, NULL);

  if (link_path != NULL)
    {
      unlink (link_path);
      if (symlink (name, link_path) != 0)
        goto failed;
      sim->pty_symlink = g_strdup (link_path);
    }

  sim->pty_master = master;
  sim->pty_slave = slave;
  sim->pty_slave_name = g_strdup (name);
  return link_path != NULL ? sim->pty_symlink : sim->pty_slave_name;

failed:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
               _("Cannot create the simulator's pseudo-terminal%s%s: %s"),
               link_path != NULL ? " " : "", link_path != NULL ? link_path : "",
               g_strerror (errno));
  if (slave >= 0)
    close (slave);
  if (master >= 0)
    close (master);
  return NULL;
}

gboolean
vp_simulator_attach_serial (VpSimulator  *sim,
                            const char   *uri,
                            GError      **error)
{
  g_return_val_if_fail (sim != NULL && uri != NULL, FALSE);
  g_return_val_if_fail (sim->thread == NULL && sim->serial == NULL, FALSE);

  sim->serial = vp_link_open (uri, 0, NULL, error);
  return sim->serial != NULL;
}

char *
vp_simulator_get_tcp_uri (VpSimulator *sim)
{
  g_autofree char *host = NULL;
  guint baud;

  g_return_val_if_fail (sim != NULL, NULL);

  if (sim->listen_fd < 0)
    return NULL;
  g_mutex_lock (&sim->mutex);
  baud = sim->baud;
  g_mutex_unlock (&sim->mutex);
  host = strchr (sim->tcp_host, ':') != NULL ? g_strdup_printf ("[%s]", sim->tcp_host)
                                             : g_strdup (sim->tcp_host);
  return baud != 0 ? g_strdup_printf ("tcp://%s:%u?baud=%u", host, sim->tcp_port, baud)
                   : g_strdup_printf ("tcp://%s:%u", host, sim->tcp_port);
}

char *
vp_simulator_get_pty_uri (VpSimulator *sim)
{
  guint baud;

  g_return_val_if_fail (sim != NULL, NULL);

  if (sim->pty_master < 0)
    return NULL;
  g_mutex_lock (&sim->mutex);
  baud = sim->baud;
  g_mutex_unlock (&sim->mutex);
  /* Ptys drop parity (PLATFORM.md): 8N1 whatever the simulated bus runs. */
  return g_strdup_printf ("serial:%s?baud=%u&parity=none",
                          sim->pty_symlink != NULL ? sim->pty_symlink : sim->pty_slave_name,
                          baud != 0 ? baud : 9600);
}

/* ---- The bus ------------------------------------------------------------------- */

/* The one meter on the bus that @matches selects, or NULL: none, or several (the
 * wildcard and abbreviated addresses must not make meters talk over each other). */
static VpSimMeter *
single_match (VpSimulator *sim,
              gboolean (*matches) (VpSimMeter *meter, gconstpointer target),
              gconstpointer target)
{
  VpSimMeter *found = NULL;

  for (guint i = 0; i < sim->meters->len; i++)
    {
      VpSimMeter *meter = g_ptr_array_index (sim->meters, i);

      if (matches (meter, target))
        {
          if (found != NULL)
            return NULL;
          found = meter;
        }
    }
  return found;
}

static gboolean
matches_dlt645 (VpSimMeter   *meter,
                gconstpointer target)
{
  return vp_sim_meter_matches_dlt645 (meter, target);
}

static gboolean
matches_cjt188 (VpSimMeter   *meter,
                gconstpointer target)
{
  const VpCjt188Frame *frame = target;

  return vp_sim_meter_matches_cjt188 (meter, frame->type, &frame->address);
}

/* The wire bytes of the answer to @request, or NULL for silence. Lock held. */
static GBytes *
dispatch_dlt645 (VpSimulator *sim,
                 GBytes      *request,
                 gint64       now,
                 VpSimFault  *out_fault)
{
  VpDlt645Frame frame;
  VpDlt645Frame reply;
  VpDlt645Message message;
  VpSimMeter *meter;
  gsize n;
  const guint8 *bytes = g_bytes_get_data (request, &n);

  if (!vp_dlt645_frame_decode (bytes, n, &frame, NULL) || vp_dlt645_frame_is_reply (&frame)
      || !vp_dlt645_frame_parse (&frame, &message, NULL))
    return NULL;

  if (vp_dlt645_address_is_broadcast (&frame.address))
    {
      /* Of the functions here only 08 means something sent to everyone. */
      if (message.function != VP_DLT645_FUNCTION_BROADCAST_TIME)
        return NULL;
      for (guint i = 0; i < sim->meters->len; i++)
        {
          meter = g_ptr_array_index (sim->meters, i);
          if (vp_sim_meter_get_kind (meter) == VP_SIM_METER_ELECTRICITY
              && vp_sim_meter_get_fault (meter) != VP_SIM_FAULT_NO_REPLY)
            {
              vp_sim_meter_advance (meter, now, sim->speed);
              vp_sim_meter_handle_dlt645 (meter, &message, now, &reply);
            }
        }
      return NULL;  /* PROTOCOLS.md: broadcast gets no reply */
    }

  meter = single_match (sim, matches_dlt645, &frame.address);
  if (meter == NULL || vp_sim_meter_get_fault (meter) == VP_SIM_FAULT_NO_REPLY)
    return NULL;
  vp_sim_meter_advance (meter, now, sim->speed);
  if (!vp_sim_meter_handle_dlt645 (meter, &message, now, &reply))
    return NULL;
  *out_fault = vp_sim_meter_get_fault (meter);
  return vp_dlt645_frame_encode (&reply, VP_DLT645_DEFAULT_PREAMBLE);
}

static GBytes *
dispatch_cjt188 (VpSimulator *sim,
                 GBytes      *request,
                 gint64       now,
                 VpSimFault  *out_fault)
{
  VpCjt188Frame frame;
  VpCjt188Frame reply;
  VpCjt188Message message;
  VpSimMeter *meter;
  gsize n;
  const guint8 *bytes = g_bytes_get_data (request, &n);

  if (!vp_cjt188_frame_decode (bytes, n, &frame, NULL)
      || (frame.control & VP_CJT188_CONTROL_REPLY) != 0
      || !vp_cjt188_frame_parse (&frame, &message, NULL))
    return NULL;

  meter = single_match (sim, matches_cjt188, &frame);
  if (meter == NULL || vp_sim_meter_get_fault (meter) == VP_SIM_FAULT_NO_REPLY)
    return NULL;
  vp_sim_meter_advance (meter, now, sim->speed);
  if (!vp_sim_meter_handle_cjt188 (meter, &message, now, &reply))
    return NULL;
  *out_fault = vp_sim_meter_get_fault (meter);
  return vp_cjt188_frame_encode (&reply, VP_CJT188_DEFAULT_PREAMBLE);
}

/* Sleep until @deadline (monotonic µs). FALSE if the simulator is stopping or, with
 * @interrupt_fd >= 0, the master started talking on it (a collision ends a reply). */
static gboolean
sleep_until (VpSimulator *sim,
             gint64       deadline,
             int          interrupt_fd)
{
  for (;;)
    {
      struct pollfd fds[2] = { { sim->wake[0], POLLIN, 0 }, { interrupt_fd, POLLIN, 0 } };
      gint64 left = deadline - g_get_monotonic_time ();
      struct timespec ts;
      int n;

      if (g_atomic_int_get (&sim->stopping))
        return FALSE;
      if (left <= 0)
        return TRUE;
      ts.tv_sec = left / G_USEC_PER_SEC;
      ts.tv_nsec = (left % G_USEC_PER_SEC) * 1000;
      n = ppoll (fds, interrupt_fd >= 0 ? 2 : 1, &ts, NULL);
      if (n > 0 && (fds[0].revents != 0 || fds[1].revents != 0))
        return FALSE;
    }
}

static void
port_write (Port         *port,
            const guint8 *data,
            gsize         len)
{
  gssize n;

  if (port->is_socket)
    n = send (port->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  else
    n = write (port->fd, data, len);
  /* A pty nobody reads fills up: the bytes are lost, as on a bus with no master. */
  if (n < 0 && port->is_socket && errno != EAGAIN && errno != EINTR)
    port->dead = TRUE;
}

/* Send @reply as a meter on a @baud line would: wait for the request to finish on
 * the wire and the meter to turn around, then one byte every byte time. */
static void
send_paced (VpSimulator *sim,
            Port        *port,
            GBytes      *reply,
            VpSimFault   fault,
            gint64       request_end)
{
  g_autoptr(GByteArray) wire = g_byte_array_new ();
  gsize n;
  const guint8 *data = g_bytes_get_data (reply, &n);
  gint64 byte_us;
  gint64 gap_us;
  gint64 start;

  g_mutex_lock (&sim->mutex);
  byte_us = sim->baud != 0 ? (gint64) sim->bits_per_byte * G_USEC_PER_SEC / sim->baud : 0;
  gap_us = fault == VP_SIM_FAULT_SLOW ? (gint64) sim->slow_gap_ms * 1000 : byte_us;
  start = MAX (g_get_monotonic_time (), request_end) + (gint64) sim->turnaround_ms * 1000;
  g_mutex_unlock (&sim->mutex);

  if (fault == VP_SIM_FAULT_GARBAGE)
    g_byte_array_append (wire, garbage_bytes, sizeof garbage_bytes);
  g_byte_array_append (wire, data, n);
  if (fault == VP_SIM_FAULT_BAD_CHECKSUM)
    wire->data[wire->len - 2] += 1;  /* CS is the byte before the final 16 */

  if (gap_us == 0)
    {
      if (sleep_until (sim, start, -1))
        port_write (port, wire->data, wire->len);
      return;
    }
  /* Byte i is complete on the wire when its stop bit ends: (i + 1) byte times in. A
   * slow meter starts like any other, then stalls between bytes. */
  for (guint i = 0; i < wire->len && !port->dead; i++)
    {
      if (!sleep_until (sim, start + byte_us + (gint64) i * gap_us,
                        fault == VP_SIM_FAULT_SLOW ? port->fd : -1))
        return;
      port_write (port, wire->data + i, 1);
    }
}

static void
serve_port (VpSimulator *sim,
            Port        *port)
{
  guint8 buf[512];
  gssize n;
  gint64 byte_us;

  if (port->is_socket)
    n = recv (port->fd, buf, sizeof buf, MSG_DONTWAIT);
  else
    n = read (port->fd, buf, sizeof buf);
  /* A client hung up, or the far end of an attached pty went away (EIO): stop
   * polling it, or poll() would report the hang-up forever. */
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
    {
      port->dead = TRUE;
      return;
    }
  if (n < 0)
    return;

  if (vp_frame_reader_get_buffered (port->reader) == 0)
    {
      port->rx_start = g_get_monotonic_time ();
      port->rx_bytes = 0;
    }
  port->rx_bytes += n;
  vp_frame_reader_push (port->reader, buf, n);

  g_mutex_lock (&sim->mutex);
  byte_us = sim->baud != 0 ? (gint64) sim->bits_per_byte * G_USEC_PER_SEC / sim->baud : 0;
  g_mutex_unlock (&sim->mutex);

  for (;;)
    {
      g_autoptr(GBytes) frame = NULL;
      g_autoptr(GBytes) reply = NULL;
      VpFrameProtocol protocol;
      VpFrameReaderStatus status;
      VpSimFault fault = VP_SIM_FAULT_NONE;
      gint64 request_end = port->rx_start + (gint64) port->rx_bytes * byte_us;

      status = vp_frame_reader_pull (port->reader, &protocol, &frame, NULL);
      if (status == VP_FRAME_READER_NEED_MORE)
        break;
      if (status == VP_FRAME_READER_ERROR)
        continue;  /* line noise: a meter ignores it */

      g_mutex_lock (&sim->mutex);
      if (protocol == VP_FRAME_PROTOCOL_DLT645)
        reply = dispatch_dlt645 (sim, frame, g_get_real_time (), &fault);
      else
        reply = dispatch_cjt188 (sim, frame, g_get_real_time (), &fault);
      g_mutex_unlock (&sim->mutex);

      if (reply != NULL)
        send_paced (sim, port, reply, fault, request_end);
      if (g_atomic_int_get (&sim->stopping) || port->dead)
        break;
    }
}

static void
accept_client (VpSimulator *sim)
{
  int fd = accept4 (sim->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  int one = 1;

  if (fd < 0)
    return;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  g_ptr_array_add (sim->ports, port_new (fd, TRUE));
}

static gpointer
serve (gpointer data)
{
  VpSimulator *sim = data;
  g_autoptr(GArray) fds = g_array_new (FALSE, TRUE, sizeof (struct pollfd));

  if (sim->pty_master >= 0)
    g_ptr_array_add (sim->ports, port_new (sim->pty_master, FALSE));
  if (sim->serial != NULL)
    g_ptr_array_add (sim->ports, port_new (vp_link_get_fd (sim->serial), FALSE));

  while (!g_atomic_int_get (&sim->stopping))
    {
      struct pollfd pfd = { 0 };
      guint n_fixed;

      g_array_set_size (fds, 0);
      pfd.events = POLLIN;
      pfd.fd = sim->wake[0];
      g_array_append_val (fds, pfd);
      pfd.fd = sim->listen_fd;  /* -1 is ignored by poll() */
      g_array_append_val (fds, pfd);
      n_fixed = fds->len;
      for (guint i = 0; i < sim->ports->len; i++)
        {
          pfd.fd = ((Port *) g_ptr_array_index (sim->ports, i))->fd;
          g_array_append_val (fds, pfd);
        }

      if (poll ((struct pollfd *) fds->data, fds->len, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (g_array_index (fds, struct pollfd, 0).revents != 0)
        break;  /* only stop() writes the wake pipe */
      for (guint i = n_fixed; i < fds->len; i++)
        if (g_array_index (fds, struct pollfd, i).revents != 0)
          serve_port (sim, g_ptr_array_index (sim->ports, i - n_fixed));
      for (guint i = sim->ports->len; i > 0; i--)
        if (((Port *) g_ptr_array_index (sim->ports, i - 1))->dead)
          g_ptr_array_remove_index (sim->ports, i - 1);
      if (g_array_index (fds, struct pollfd, 1).revents != 0)
        accept_client (sim);
    }

  g_ptr_array_set_size (sim->ports, 0);
  return NULL;
}

gboolean
vp_simulator_start (VpSimulator  *sim,
                    GError      **error)
{
  g_return_val_if_fail (sim != NULL, FALSE);
  g_return_val_if_fail (sim->thread == NULL, FALSE);

  if (sim->listen_fd < 0 && sim->pty_master < 0 && sim->serial == NULL)
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                           _("The simulator has no TCP port, pseudo-terminal or serial line "
                             "to serve"));
      return FALSE;
    }
  if (!g_unix_open_pipe (sim->wake, FD_CLOEXEC, error))
    return FALSE;
  g_atomic_int_set (&sim->stopping, 0);
  sim->thread = g_thread_try_new ("vp-simulator", serve, sim, error);
  return sim->thread != NULL;
}

void
vp_simulator_stop (VpSimulator *sim)
{
  g_return_if_fail (sim != NULL);

  if (sim->thread == NULL)
    return;
  g_atomic_int_set (&sim->stopping, 1);
  if (write (sim->wake[1], "x", 1) < 0)
    g_critical ("vp_simulator_stop: cannot wake the simulator thread: %s", g_strerror (errno));
  g_thread_join (g_steal_pointer (&sim->thread));
  for (int i = 0; i < 2; i++)
    {
      close (sim->wake[i]);
      sim->wake[i] = -1;
    }
}
