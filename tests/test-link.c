/* test-link.c: link URIs, the termios (pty) and TCP backends */
#include "config.h"

#define _GNU_SOURCE  /* posix_openpt, ptsname */

#include <fcntl.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-link.h"

typedef struct
{
  const char *uri;
  const char *canonical;   /* NULL: must fail with INVALID_URI */
  const char *message_has; /* for failures: a word the message must contain */
} UriCase;

static const UriCase uri_cases[] = {
  { "serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0?baud=2400&parity=even&data=8&stop=1", NULL },
  { "serial:/dev/ttyUSB0?baud=2400&parity=even",
    "serial:/dev/ttyUSB0?baud=2400&parity=even&data=8&stop=1", NULL },
  { "serial:/dev/ttyS1?baud=9600&parity=none&data=8&stop=2",
    "serial:/dev/ttyS1?baud=9600&parity=none&data=8&stop=2", NULL },
  { "serial:///dev/ttyS1?parity=o&data=7", "serial:/dev/ttyS1?baud=2400&parity=odd&data=7&stop=1", NULL },
  { "tcp://127.0.0.1:4001", "tcp://127.0.0.1:4001", NULL },
  { "tcp://gw-3.example.com:502?baud=1200", "tcp://gw-3.example.com:502?baud=1200", NULL },
  { "tcp://[::1]:4001", "tcp://[::1]:4001", NULL },
  { "", NULL, "serial:" },
  { "com1", NULL, "serial:" },
  { "udp://1.2.3.4:5", NULL, "tcp://" },
  { "serial:", NULL, "path" },
  { "serial:dev/ttyUSB0", NULL, "absolute" },
  { "serial:/dev/ttyUSB0?", NULL, "empty" },
  { "serial:/dev/ttyUSB0?baud=2401", NULL, "2401" },
  { "serial:/dev/ttyUSB0?baud=fast", NULL, "fast" },
  { "serial:/dev/ttyUSB0?baud=", NULL, "baud" },
  { "serial:/dev/ttyUSB0?parity=mark", NULL, "mark" },
  { "serial:/dev/ttyUSB0?data=9", NULL, "data bits" },
  { "serial:/dev/ttyUSB0?stop=3", NULL, "stop bits" },
  { "serial:/dev/ttyUSB0?speed=2400", NULL, "speed" },
  { "serial:/dev/ttyUSB0?baud=2400&baud=9600", NULL, "twice" },
  { "serial:/dev/ttyUSB0?baud", NULL, "KEY=VALUE" },
  { "tcp://", NULL, "port" },
  { "tcp://host", NULL, "port" },
  { "tcp://:4001", NULL, "host" },
  { "tcp://host:0", NULL, "port" },
  { "tcp://host:65536", NULL, "65536" },
  { "tcp://host:80x", NULL, "80x" },
  { "tcp://host:80/path", NULL, "path" },
  { "tcp://ho st:80", NULL, "host" },
  { "tcp://[::1:80", NULL, "]" },
};

static void
test_uri_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (uri_cases); i++)
    {
      const UriCase *c = &uri_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(VpLinkUri) uri = vp_link_uri_parse (c->uri, &error);

      if (c->canonical != NULL)
        {
          g_autofree char *text = NULL;
          g_autoptr(VpLinkUri) again = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (uri);
          text = vp_link_uri_to_string (uri);
          g_assert_cmpstr (text, ==, c->canonical);
          /* The canonical form parses to itself. */
          again = vp_link_uri_parse (text, &error);
          g_assert_no_error (error);
          g_clear_pointer (&text, g_free);
          text = vp_link_uri_to_string (again);
          g_assert_cmpstr (text, ==, c->canonical);
        }
      else
        {
          g_assert_null (uri);
          g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_URI);
          if (strstr (error->message, c->message_has) == NULL)
            g_error ("“%s”: message “%s” does not mention “%s”", c->uri, error->message,
                     c->message_has);
          g_assert_nonnull (strstr (error->message, c->uri));
        }
    }
}

static void
test_uri_bits (void)
{
  g_autoptr(VpLinkUri) e = vp_link_uri_parse ("serial:/dev/x", NULL);
  g_autoptr(VpLinkUri) n = vp_link_uri_parse ("serial:/dev/x?parity=none", NULL);
  g_autoptr(VpLinkUri) t = vp_link_uri_parse ("tcp://h:1", NULL);

  g_assert_cmpuint (vp_link_uri_bits_per_byte (e), ==, 11);
  g_assert_cmpuint (vp_link_uri_bits_per_byte (n), ==, 10);
  g_assert_cmpuint (e->baud, ==, 2400);
  g_assert_cmpuint (e->parity, ==, VP_LINK_PARITY_EVEN);
  g_assert_cmpuint (t->baud, ==, 0);
}

/* A pty pair: the master stays here, the slave is reached through a symlink, as a
 * /dev/serial/by-id name would be. */
typedef struct
{
  int   master;
  char *dir;
  char *link_path;
} Pty;

static void
pty_open (Pty *pty)
{
  g_autoptr(GError) error = NULL;

  pty->master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (pty->master, >=, 0);
  g_assert_cmpint (grantpt (pty->master), ==, 0);
  g_assert_cmpint (unlockpt (pty->master), ==, 0);
  pty->dir = g_dir_make_tmp ("vp-link-XXXXXX", &error);
  g_assert_no_error (error);
  pty->link_path = g_build_filename (pty->dir, "ttyMETER", NULL);
  g_assert_cmpint (symlink (ptsname (pty->master), pty->link_path), ==, 0);
}

static void
pty_close (Pty *pty)
{
  close (pty->master);
  unlink (pty->link_path);
  rmdir (pty->dir);
  g_free (pty->link_path);
  g_free (pty->dir);
}

static void
test_pty_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  Pty pty;
  VpLink *link;
  guint8 buf[64];
  const guint8 request[] = { 0xFE, 0xFE, 0x68, 0x16, 0x00, 0xFF };
  gssize n;
  gint64 start;

  pty_open (&pty);
  uri = g_strdup_printf ("serial:%s?baud=2400&parity=even", pty.link_path);
  link = vp_link_open (uri, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vp_link_get_backend_name (link), ==, "termios");
  /* Named as given, opened through the symlink's real pts node. */
  g_assert_nonnull (strstr (vp_link_get_uri (link), "/ttyMETER?baud=2400"));
  g_assert_true (g_str_has_prefix (vp_link_get_parsed_uri (link)->path, "/dev/pts/"));
  /* 11 bits at 2400 baud = 4584 µs: the bus the pty stands for. */
  g_assert_cmpuint (vp_link_get_byte_time_us (link), ==, 4584);

  g_assert_true (vp_link_write_all (link, request, sizeof request, NULL, &error));
  g_assert_no_error (error);
  n = 0;
  while (n < (gssize) sizeof request)
    {
      gssize got = read (pty.master, buf + n, sizeof buf - n);

      g_assert_cmpint (got, >, 0);
      n += got;
    }
  /* 0xFF and 0x00 pass unchanged: raw mode, no parity marking. */
  g_assert_cmpmem (buf, n, request, sizeof request);

  g_assert_cmpint (write (pty.master, "\x68\x11\x00", 3), ==, 3);
  n = vp_link_read (link, buf, sizeof buf, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpmem (buf, 3, "\x68\x11\x00", 3);

  /* Nothing more: a timeout is 0 without an error, and takes about the time asked. */
  start = g_get_monotonic_time ();
  n = vp_link_read (link, buf, sizeof buf, 50, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 45000);

  /* Stale bytes are dropped by discard_input. */
  g_assert_cmpint (write (pty.master, "\x01\x02", 2), ==, 2);
  g_usleep (10000);
  vp_link_discard_input (link);
  n = vp_link_read (link, buf, sizeof buf, 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);

  vp_link_free (link);
  pty_close (&pty);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_later_thread (gpointer data)
{
  g_usleep (50000);
  cancel_cb (data);
  return NULL;
}

static void
test_pty_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *uri = NULL;
  GThread *thread;
  Pty pty;
  VpLink *link;
  guint8 buf[8];
  gint64 start;
  gssize n;

  pty_open (&pty);
  uri = g_strdup_printf ("serial:%s", pty.link_path);
  link = vp_link_open (uri, 0, NULL, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("cancel", cancel_later_thread, cancellable);
  n = vp_link_read (link, buf, sizeof buf, 10000, cancellable, &error);
  g_thread_join (thread);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  vp_link_free (link);
  pty_close (&pty);
}

static void
test_open_failures (void)
{
  g_autoptr(GError) error = NULL;
  VpLink *link;

  link = vp_link_open ("serial:/nonexistent/ttyUSB9", 0, NULL, &error);
  g_assert_null (link);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ttyUSB9"));
  g_clear_error (&error);

  /* A regular file is neither a pty nor a port libserialport knows. */
  link = vp_link_open ("serial:/etc/hostname", 0, NULL, &error);
  g_assert_null (link);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
  g_clear_error (&error);

  link = vp_link_open ("tcp://127.0.0.1", 0, NULL, &error);
  g_assert_null (link);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_URI);
}

static void
test_tcp (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) server = NULL;
  g_autofree char *uri = NULL;
  guint8 buf[16];
  VpLink *link;
  guint16 port;
  gssize n;

  any = g_inet_socket_address_new (loopback, 0);
  g_socket_listener_add_address (listener, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  uri = g_strdup_printf ("tcp://127.0.0.1:%u?baud=2400", port);
  link = vp_link_open (uri, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vp_link_get_backend_name (link), ==, "tcp");
  g_assert_cmpuint (vp_link_get_byte_time_us (link), ==, 4584);
  server = g_socket_listener_accept_socket (listener, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (vp_link_write_all (link, (const guint8 *) "\x68\x93", 2, NULL, &error));
  n = g_socket_receive (server, (char *) buf, sizeof buf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 2);
  g_socket_send (server, "\x16", 1, NULL, &error);
  g_assert_no_error (error);
  n = vp_link_read (link, buf, sizeof buf, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 1);
  g_assert_cmpuint (buf[0], ==, 0x16);

  /* The gateway hangs up: CLOSED, not a timeout, and no SIGPIPE on the next write. */
  g_socket_close (server, NULL);
  n = vp_link_read (link, buf, sizeof buf, 1000, NULL, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_CLOSED);
  g_clear_error (&error);
  for (int i = 0; i < 3 && error == NULL; i++)
    vp_link_write_all (link, (const guint8 *) "\x68", 1, NULL, &error);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_CLOSED);
  vp_link_free (link);
}

static void
test_tcp_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autofree char *uri = NULL;
  VpLink *link;

  /* Bind without listening: the port is ours and refuses connections. */
  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                       &error);
  any = g_inet_socket_address_new (loopback, 0);
  g_socket_bind (sock, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  uri = g_strdup_printf ("tcp://127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  link = vp_link_open (uri, 1000, NULL, &error);
  g_assert_null (link);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_list_ports (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ports = vp_link_list_serial_ports (&error);

  g_assert_no_error (error);
  g_assert_nonnull (ports);
  for (guint i = 0; i < ports->len; i++)
    {
      VpSerialPortInfo *info = g_ptr_array_index (ports, i);

      g_assert_true (g_str_has_prefix (info->name, "/dev/"));
      g_assert_nonnull (info->description);
      if (i > 0)
        g_assert_cmpstr (((VpSerialPortInfo *) g_ptr_array_index (ports, i - 1))->name, <=,
                         info->name);
    }
}

/* Regressions found by tests/fuzz/fuzz-link-uri.c: input bytes that are not UTF-8
 * stay out of the message, and a path starting with "//" survives the canonical form. */
static void
test_uri_fuzz_regressions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLinkUri) uri = NULL;
  g_autoptr(VpLinkUri) back = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *canonical_back = NULL;

  g_assert_null (vp_link_uri_parse ("serial:?b\xee" "aud=0", &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_URI);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);

  uri = vp_link_uri_parse ("serial:////dev/ttyUSB0?parity=odd", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uri->path, ==, "//dev/ttyUSB0");
  canonical = vp_link_uri_to_string (uri);
  back = vp_link_uri_parse (canonical, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->path, ==, uri->path);
  canonical_back = vp_link_uri_to_string (back);
  g_assert_cmpstr (canonical_back, ==, canonical);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/link/uri-table", test_uri_table);
  g_test_add_func ("/vp/link/uri-bits", test_uri_bits);
  g_test_add_func ("/vp/link/pty-roundtrip", test_pty_roundtrip);
  g_test_add_func ("/vp/link/pty-cancel", test_pty_cancel);
  g_test_add_func ("/vp/link/open-failures", test_open_failures);
  g_test_add_func ("/vp/link/tcp", test_tcp);
  g_test_add_func ("/vp/link/tcp-refused", test_tcp_refused);
  g_test_add_func ("/vp/link/list-ports", test_list_ports);
  g_test_add_func ("/vp/link/uri-fuzz-regressions", test_uri_fuzz_regressions);

  return g_test_run ();
}
