/* bench-devices.c: meter reads against the simulator, as ratios to bare baselines
 *
 * (a) One register (00010000) over a real pty at 2400 baud, 11 bits a byte (8E1, as a
 *     real meter bus) with a 20 ms meter turnaround, against the wire time of the bytes
 *     exchanged and against a bare termios write/read of the same frames in the same
 *     process (no client: no worker thread, queue, frame reader or log).
 * (b) 100 meters read through 4 TCP gateways (4 simulators, 25 meters each) against
 *     the same 100 behind 1 gateway; the client runs one exchange at a time per link,
 *     so the speed-up is what per-link parallelism buys.
 */
#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <poll.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "vp-dlt645.h"
#include "vp-meter-client.h"
#include "vp-simulator.h"

#define BAUD          2400
#define BITS_PER_BYTE 11
#define TURNAROUND_MS 20
#define N_READS       10
#define N_METERS      100
#define N_GATEWAYS    4

static VpSimulator *
start_sim (const char *spec,
           gboolean    tcp,
           char      **out_link)
{
  g_autoptr(GError) error = NULL;
  VpSimulator *sim = vp_simulator_new ();

  vp_simulator_set_line (sim, BAUD, BITS_PER_BYTE);
  vp_simulator_set_turnaround (sim, TURNAROUND_MS);
  if (!vp_simulator_add_meters (sim, spec, &error)
      || (tcp ? vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error) == 0
              : vp_simulator_open_pty (sim, NULL, &error) == NULL)
      || !vp_simulator_start (sim, &error))
    g_error ("simulator: %s", error->message);
  *out_link = tcp ? vp_simulator_get_tcp_uri (sim) : vp_simulator_get_pty_uri (sim);
  return sim;
}

/* The bare baseline: write the request on the pty slave, read until the reply's 16. */
static gint64
bare_exchange (const char   *path,
               const guint8 *request,
               gsize         n_request,
               gsize         n_reply)
{
  struct termios tio;
  guint8 buf[256];
  gsize got = 0;
  gint64 start;
  int fd = open (path, O_RDWR | O_NOCTTY);

  g_assert (fd >= 0);
  tcgetattr (fd, &tio);
  cfmakeraw (&tio);
  tcsetattr (fd, TCSANOW, &tio);

  start = g_get_monotonic_time ();
  g_assert (write (fd, request, n_request) == (gssize) n_request);
  while (got < n_reply)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      gssize n;

      g_assert (poll (&pfd, 1, 2000) == 1);
      n = read (fd, buf, sizeof buf);
      g_assert (n > 0);
      got += n;
    }
  start = g_get_monotonic_time () - start;
  close (fd);
  return start;
}

static void
bench_one_register (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autofree char *link = NULL;
  g_autoptr(GBytes) request = NULL;
  VpSimulator *sim = start_sim ("e:000000000001/energy=1234.56", FALSE, &link);
  VpDlt645Address address;
  VpDlt645Frame frame;
  gsize n_request;
  gsize n_reply;
  gint64 bare = 0;
  gint64 total = 0;
  double wire_ms;
  double client_ms;
  double bare_ms;
  g_autofree char *path = g_strdup (link + strlen ("serial:"));

  path[strcspn (path, "?")] = '\0';
  vp_dlt645_address_parse ("000000000001", &address, NULL);
  vp_dlt645_build_read (&frame, &address, 0x00010000);
  request = vp_dlt645_frame_encode (&frame, VP_DLT645_DEFAULT_PREAMBLE);
  n_request = g_bytes_get_size (request);
  n_reply = VP_DLT645_DEFAULT_PREAMBLE + VP_DLT645_MIN_FRAME_SIZE + 8;  /* DI + 4-byte value */
  wire_ms = (double) (n_request + n_reply) * BITS_PER_BYTE * 1000.0 / BAUD;

  for (int i = 0; i < N_READS; i++)
    bare += bare_exchange (path, g_bytes_get_data (request, NULL), n_request, n_reply);

  /* One read to open the link, then the measured ones. */
  vp_meter_reading_free (vp_meter_client_read_item (client, link, "000000000001", "00010000",
                                                    NULL, &error));
  g_assert_no_error (error);
  for (int i = 0; i < N_READS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      VpMeterReading *reading = vp_meter_client_read_item (client, link, "000000000001",
                                                           "00010000", NULL, &error);

      total += g_get_monotonic_time () - start;
      g_assert_no_error (error);
      g_assert_cmpstr (reading->value, ==, "1234.56");
      vp_meter_reading_free (reading);
    }
  vp_simulator_free (sim);

  client_ms = total / 1000.0 / N_READS;
  bare_ms = bare / 1000.0 / N_READS;
  printf ("(a) one register over a %u-baud pty, %u bits/byte, meter turnaround %u ms\n",
          BAUD, BITS_PER_BYTE, TURNAROUND_MS);
  printf ("    bytes exchanged                      %zu (request %zu + reply %zu)\n",
          n_request + n_reply, n_request, n_reply);
  printf ("    wire time                            %7.1f ms\n", wire_ms);
  printf ("    bare pty exchange (mean of %d)       %7.1f ms\n", N_READS, bare_ms);
  printf ("    client read (mean of %d)             %7.1f ms\n", N_READS, client_ms);
  printf ("    (client - turnaround) / wire          %6.3f   goal <= 1.2\n",
          (client_ms - TURNAROUND_MS) / wire_ms);
  printf ("    client / (wire + turnaround)          %6.3f\n",
          client_ms / (wire_ms + TURNAROUND_MS));
  printf ("    client / bare                         %6.3f\n", client_ms / bare_ms);
}

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  guint      failed;
} ReadAll;

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadAll *all = user_data;
  g_autoptr(GError) error = NULL;
  VpMeterReading *reading = vp_meter_client_read_finish (VP_METER_CLIENT (source), result,
                                                         &error);

  if (reading == NULL)
    {
      g_printerr ("%s\n", error->message);
      all->failed++;
    }
  vp_meter_reading_free (reading);
  if (--all->pending == 0)
    g_main_loop_quit (all->loop);
}

/* Read all N_METERS meters spread over @n_gateways simulators; seconds taken. */
static double
read_all (guint n_gateways)
{
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  VpSimulator *sims[N_GATEWAYS];
  char *links[N_GATEWAYS];
  ReadAll all = { loop, N_METERS, 0 };
  gint64 start;

  for (guint g = 0; g < n_gateways; g++)
    {
      g_autoptr(GString) spec = g_string_new (NULL);

      for (guint m = g; m < N_METERS; m += n_gateways)
        g_string_append_printf (spec, "%se:%012u/energy=%u.%02u", spec->len > 0 ? "," : "",
                                m + 1, m, m % 100);
      sims[g] = start_sim (spec->str, TRUE, &links[g]);
    }

  start = g_get_monotonic_time ();
  for (guint m = 0; m < N_METERS; m++)
    {
      g_autofree char *address = g_strdup_printf ("%012u", m + 1);

      vp_meter_client_read_item_async (client, links[m % n_gateways], address, "00010000", NULL,
                                       read_done_cb, &all);
    }
  g_main_loop_run (loop);
  start = g_get_monotonic_time () - start;

  for (guint g = 0; g < n_gateways; g++)
    {
      vp_simulator_free (sims[g]);
      g_free (links[g]);
    }
  g_assert_cmpuint (all.failed, ==, 0);
  return start / (double) G_USEC_PER_SEC;
}

static void
bench_gateways (void)
{
  double one = read_all (1);
  double four = read_all (N_GATEWAYS);

  printf ("(b) %d meters over TCP gateways, %u baud, %u bits/byte, turnaround %u ms\n",
          N_METERS, BAUD, BITS_PER_BYTE, TURNAROUND_MS);
  printf ("    1 gateway                            %7.2f s\n", one);
  printf ("    %d gateways                           %7.2f s\n", N_GATEWAYS, four);
  printf ("    speed-up                              %6.2fx  goal >= 3.5\n", one / four);
}

int
main (int   argc,
      char *argv[])
{
  printf ("bench-devices: meter reads against the simulator\n");
  bench_one_register ();
  bench_gateways ();
  return 0;
}
