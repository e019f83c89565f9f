/* test-simulator.c: the simulated bus, spoken to in raw bytes (PROTOCOLS.md vectors) */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-frame-describe.h"
#include "vp-simulator.h"

/* ---- helpers ---------------------------------------------------------------------- */

static VpSimulator *
start_tcp (const char *spec,
           guint       baud,
           guint16    *out_port)
{
  g_autoptr(GError) error = NULL;
  VpSimulator *sim = vp_simulator_new ();

  vp_simulator_set_line (sim, baud, 11);
  vp_simulator_set_turnaround (sim, 2);
  g_assert_true (vp_simulator_add_meters (sim, spec, &error));
  g_assert_no_error (error);
  *out_port = vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error);
  g_assert_no_error (error);
  g_assert_true (vp_simulator_start (sim, &error));
  g_assert_no_error (error);
  return sim;
}

static GSocket *
connect_to (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  GSocket *sock;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  sock = g_object_ref (g_socket_connection_get_socket (conn));
  /* Keep the connection's stream alive with the socket. */
  g_object_set_data_full (G_OBJECT (sock), "conn", g_steal_pointer (&conn), g_object_unref);
  return sock;
}

/* Send @hex and collect what comes back until @quiet_ms of silence. */
static GBytes *
exchange (GSocket    *sock,
          const char *hex,
          guint       quiet_ms)
{
  g_autoptr(GError) error = NULL;
  const char *parts[] = { hex, NULL };
  g_autoptr(GBytes) request = vp_frame_parse_hex (parts, &error);
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  gsize n;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (request, &n);
  g_assert_cmpint (g_socket_send (sock, (const char *) data, n, NULL, &error), ==, n);
  for (;;)
    {
      guint8 buf[256];
      gssize got;

      if (!g_socket_condition_timed_wait (sock, G_IO_IN, (gint64) quiet_ms * 1000, NULL, NULL))
        break;
      got = g_socket_receive (sock, (char *) buf, sizeof buf, NULL, &error);
      g_assert_no_error (error);
      if (got <= 0)
        break;
      g_byte_array_append (reply, buf, got);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&reply));
}

static char *
hex_of (GBytes *bytes)
{
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);

  return vp_frame_format_hex (data, n);
}

static void
assert_reply (GSocket    *sock,
              const char *request,
              const char *expected)
{
  g_autoptr(GBytes) reply = exchange (sock, request, 150);
  g_autofree char *hex = hex_of (reply);

  g_assert_cmpstr (hex, ==, expected);
}

/* ---- spec ------------------------------------------------------------------------- */

static void
test_spec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  g_auto(GStrv) addresses = NULL;
  VpSimMeterState state;
  static const struct
  {
    const char *spec;
    const char *message_has;
  } bad[] = {
    { "", "empty entry" },
    { "e:000000000009,", "empty entry" },
    { "x:000000000001", "e: (electricity) or w: (water)" },
    { "e:1", "12 digits" },
    { "w:000000000001", "14 digits" },
    { "e:00000000000A", "digits only" },
    { "e:000000000009/load", "not KEY=VALUE" },
    { "e:000000000009/load=-1", "load=-1" },
    { "e:000000000009/flow=5", "Unknown electricity meter option “flow”" },
    { "w:00000000000009/load=5", "Unknown water meter option “load”" },
    { "e:000000000009/fault=sometimes", "no-reply" },
    { "e:000000000009/password=123", "LEVEL:PASSWORD" },
    { "e:000000000009/money=1.234", "money=1.234" },
    { "e:000000000009/clock=yesterday", "clock=yesterday" },
    /* all or nothing: the duplicate sinks the whole spec */
    { "e:000000000009,e:000000000001", "000000000001" },
  };

  g_assert_true (vp_simulator_add_meters (sim,
                                          "e:000000000001/load=1500/energy=12.34/password=04:123456,"
                                          " w:00000000000012/flow=60/volume=1.5/valve=closed/battery=low",
                                          &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (vp_simulator_add_meters (sim, bad[i].spec, &error))
        g_error ("“%s” was accepted", bad[i].spec);
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
      if (strstr (error->message, bad[i].message_has) == NULL)
        g_error ("“%s”: “%s” lacks “%s”", bad[i].spec, error->message, bad[i].message_has);
      g_clear_error (&error);
    }

  addresses = vp_simulator_list_addresses (sim);
  g_assert_cmpuint (g_strv_length (addresses), ==, 2);
  g_assert_cmpstr (addresses[0], ==, "000000000001");
  g_assert_cmpstr (addresses[1], ==, "00000000000012");

  g_assert_true (vp_simulator_get_meter_state (sim, "000000000001", &state, &error));
  g_assert_cmpint (state.kind, ==, VP_SIM_METER_ELECTRICITY);
  g_assert_cmpuint (state.load_watts, ==, 1500);
  g_assert_cmpint (state.energy[0], >=, 1234);
  g_assert_true (vp_simulator_get_meter_state (sim, "00000000000012", &state, &error));
  g_assert_cmpint (state.volume, ==, 150);
  g_assert_cmpint (state.valve, ==, VP_CJT188_VALVE_CLOSED);
  g_assert_true (state.battery_low);
  g_assert_false (vp_simulator_get_meter_state (sim, "000000000077", &state, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
}

/* ---- PROTOCOLS.md vectors against simulated meters --------------------------------- */

static void
test_vectors (void)
{
  guint16 port;
  g_autoptr(VpSimulator) sim = start_tcp ("e:000000000161/energy=0.26,"
                                          "e:000000000001/password=02:563412,"
                                          "e:123456789012/energy=1234.56", 0, &port);
  g_autoptr(GSocket) sock = connect_to (port);

  /* 5 → 6: read 00010000 from 000000000161 = 0.26 kWh (meters send FE×4 first). */
  assert_reply (sock, "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16",
                "FE FE FE FE 68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16");
  /* 7: 123456789012 answers 001234.56 kWh */
  assert_reply (sock, "FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16",
                "FE FE FE FE 68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16");
  /* 12 → 13: write the time with password 02:563412, operator 12345678. */
  assert_reply (sock, "FE FE FE FE 68 01 00 00 00 00 00 68 14 0F 35 34 33 37 35 45 67 89 AB "
                      "89 67 45 63 53 43 0A 16",
                "FE FE FE FE 68 01 00 00 00 00 00 68 94 00 65 16");
  /* 11: an item this meter lacks → D1 ERR 02 (no data): remaining money, not prepaid. */
  assert_reply (sock, "68 01 00 00 00 00 00 68 11 04 33 35 C3 33 44 16",
                "FE FE FE FE 68 01 00 00 00 00 00 68 D1 01 35 D8 16");
}

static void
test_vector_password (void)
{
  guint16 port;
  g_autoptr(VpSimulator) sim = start_tcp ("e:000000000001", 0, &port);
  g_autoptr(GSocket) sock = connect_to (port);

  /* 12 → 14: the default password is 02:000000, so 02:563412 is refused (ERR 04). */
  assert_reply (sock, "FE FE FE FE 68 01 00 00 00 00 00 68 14 0F 35 34 33 37 35 45 67 89 AB "
                      "89 67 45 63 53 43 0A 16",
                "FE FE FE FE 68 01 00 00 00 00 00 68 D4 01 37 DD 16");
  /* 1 → 2: the only meter on the bus answers the wildcard read address. */
  assert_reply (sock, "FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16",
                "FE FE FE FE 68 01 00 00 00 00 00 68 93 06 34 33 33 33 33 33 9D 16");
  /* 9 → 10 (voltage A by wildcard); the value is the simulator's nominal 220.0 V. */
  assert_reply (sock, "68 AA AA AA AA AA AA 68 11 04 33 34 34 35 B1 16",
                "FE FE FE FE 68 01 00 00 00 00 00 68 91 06 33 34 34 35 33 55 C0 16");
}

static void
test_vector_water (void)
{
  guint16 port;
  g_autoptr(VpSimulator) sim = start_tcp ("w:00000000000012/volume=1000.10", 0, &port);
  g_autoptr(GSocket) sock = connect_to (port);
  g_autoptr(GBytes) reply = exchange (sock, "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3D 16", 150);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpFrameDescription) description = NULL;
  gsize n;
  const guint8 *data = g_bytes_get_data (reply, &n);

  /* W1 → W2's shape: 001000.10 m³ in both registers (the clock is the simulator's). */
  description = vp_frame_describe (data, n, VP_FRAME_PROTOCOL_CJT188, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vp_frame_description_get_string (description, "value"), ==, "1000.10");
  g_assert_cmpstr (vp_frame_description_get_string (description, "valve"), ==, "open");
  g_assert_cmpuint (n, ==, 3 + 13 + 3 + 19);
  g_clear_pointer (&description, vp_frame_description_free);
  g_clear_pointer (&reply, g_bytes_unref);

  /* W5/W6 are sent to the wildcard: the only water meter answers with its ST. */
  reply = exchange (sock, "68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 99 76 16", 150);
  data = g_bytes_get_data (reply, &n);
  description = vp_frame_describe (data, n, VP_FRAME_PROTOCOL_CJT188, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vp_frame_description_get_string (description, "address"), ==,
                   "00000000000012");
  g_assert_cmpstr (vp_frame_description_get_string (description, "valve"), ==, "closed");
  {
    VpSimMeterState state;

    g_assert_true (vp_simulator_get_meter_state (sim, "00000000000012", &state, NULL));
    g_assert_cmpint (state.valve, ==, VP_CJT188_VALVE_CLOSED);
  }
  g_clear_pointer (&reply, g_bytes_unref);
  /* W3: read address by wildcard. */
  reply = exchange (sock, "FE FE FE 68 10 AA AA AA AA AA AA AA 03 03 81 0A 01 B0 16", 150);
  g_assert_cmpuint (g_bytes_get_size (reply), >, 0);
}

/* ---- bus rules ---------------------------------------------------------------------- */

static void
test_bus_rules (void)
{
  guint16 port;
  g_autoptr(VpSimulator) sim = start_tcp ("e:000000000001,e:000010604867", 0, &port);
  g_autoptr(GSocket) sock = connect_to (port);
  VpSimMeterState state;

  /* Two meters: the wildcard would make them collide, so neither answers. */
  assert_reply (sock, "FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16", "");
  /* Absent meter 000000000161: silence. */
  assert_reply (sock, "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16", "");
  /* Broadcast read: never answered. */
  assert_reply (sock, "68 99 99 99 99 99 99 68 11 04 33 33 34 33 48 16", "");
  /* Abbreviated AAAA10604867 picks out one meter (vector 4 with the high bytes AA). */
  assert_reply (sock, "68 67 48 60 10 AA AA 68 11 04 33 33 34 33 25 16",
                "FE FE FE FE 68 67 48 60 10 00 00 68 91 08 33 33 34 33 33 33 33 33 21 16");
  /* Noise and a bad frame before a good one: the good one is still answered. */
  assert_reply (sock, "00 11 68 22 16 68 61 01 00 00 00 00 68 11 04 33 33 34 33 15 16 "
                      "68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 16",
                "FE FE FE FE 68 01 00 00 00 00 00 68 91 08 33 33 34 33 33 33 33 33 03 16");

  g_assert_true (vp_simulator_get_meter_state (sim, "000010604867", &state, NULL));
  g_assert_cmpuint (state.requests, ==, 1);
  g_assert_cmpuint (state.replies, ==, 1);
}

/* ---- timing, energy, money --------------------------------------------------------- */

static void
test_pacing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  g_autoptr(GSocket) sock = NULL;
  g_autoptr(GBytes) reply = NULL;
  const char *request = "FE FE FE FE 68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 16";
  gint64 start;
  gint64 elapsed;
  gint64 wire;
  guint16 port;

  vp_simulator_set_line (sim, 9600, 11);
  vp_simulator_set_turnaround (sim, 10);
  g_assert_true (vp_simulator_add_meters (sim, "e:000000000001", &error));
  port = vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error);
  g_assert_true (vp_simulator_start (sim, &error));
  sock = connect_to (port);

  start = g_get_monotonic_time ();
  reply = exchange (sock, request, 100);
  elapsed = g_get_monotonic_time () - start - 100000;
  g_assert_cmpuint (g_bytes_get_size (reply), ==, 24);
  /* A real bus cannot be faster than request + turnaround + reply on the wire:
   * (20 + 24) bytes × 11 bits / 9600 baud + 10 ms. */
  wire = (20 + 24) * 11 * G_USEC_PER_SEC / 9600 + 10000;
  g_assert_cmpint (elapsed, >=, wire - 2000);
}

static gboolean
wait_for_state (VpSimulator     *sim,
                const char      *address,
                VpSimMeterState *state,
                gboolean (*done) (const VpSimMeterState *state))
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_assert_true (vp_simulator_get_meter_state (sim, address, state, NULL));
      if (done (state))
        return TRUE;
      g_usleep (10000);
    }
  return FALSE;
}

static gboolean
has_energy (const VpSimMeterState *state)
{
  return state->energy[0] >= 3;
}

static gboolean
relay_open (const VpSimMeterState *state)
{
  return state->relay_open;
}

static gboolean
has_volume (const VpSimMeterState *state)
{
  return state->volume >= 2;
}

static void
test_energy_tou (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  VpSimMeterState state;

  /* 36 kW × 1000 = 10 kWh per real second: 0.03 kWh in ~11 ms. */
  vp_simulator_set_speed (sim, 1000);
  g_assert_true (vp_simulator_add_meters (sim,
                                          "e:000000000018/load=36000/clock=2026-01-05T18:30:00,"
                                          "e:000000000003/load=36000/clock=2026-01-05T03:00:00,"
                                          "e:000000000009/relay=open/load=36000,"
                                          "w:00000000000001/flow=36000/clock=2026-01-05T03:00:00,"
                                          "w:00000000000002/flow=36000/valve=closed",
                                          &error));
  g_assert_no_error (error);

  /* 18:30 is the sharp (尖, tariff 1) slot of the day schedule, 03:00 valley (4). */
  g_assert_true (wait_for_state (sim, "000000000018", &state, has_energy));
  g_assert_cmpint (state.energy[1], >=, 3);
  g_assert_cmpint (state.energy[2] + state.energy[3] + state.energy[4], ==, 0);
  g_assert_true (wait_for_state (sim, "000000000003", &state, has_energy));
  g_assert_cmpint (state.energy[4], >=, 3);
  g_assert_cmpint (state.energy[1] + state.energy[2] + state.energy[3], ==, 0);
  g_assert_cmpint (ABS (state.energy[0] - state.energy[4]), <=, 1);

  /* Relay open, valve closed: nothing flows. */
  g_assert_true (wait_for_state (sim, "00000000000001", &state, has_volume));
  g_assert_true (vp_simulator_get_meter_state (sim, "000000000009", &state, NULL));
  g_assert_cmpint (state.energy[0], ==, 0);
  g_assert_true (vp_simulator_get_meter_state (sim, "00000000000002", &state, NULL));
  g_assert_cmpint (state.volume, ==, 0);
}

static void
test_money_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  VpSimMeterState state;

  vp_simulator_set_speed (sim, 1000);
  g_assert_true (vp_simulator_add_meters (sim,
                                          "e:000000000001/load=36000/money=0.05/price=1.0000,"
                                          "e:000000000002/load=36000/money=0.05/keep-power=yes",
                                          &error));
  g_assert_no_error (error);

  /* Credit used up: the meter trips itself... */
  g_assert_true (wait_for_state (sim, "000000000001", &state, relay_open));
  g_assert_cmpint (state.money, <=, 0);
  g_assert_cmpint (state.meter_type, ==, VP_DLT645_METER_TYPE_MONEY_PREPAID);
  /* ...unless keep-power holds it: it runs into overdraft. */
  g_assert_true (wait_for_state (sim, "000000000002", &state, has_energy));
  while (state.money > -5)
    g_assert_true (wait_for_state (sim, "000000000002", &state, has_energy));
  g_assert_false (state.relay_open);
}

static void
test_stop_mid_reply (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  g_autoptr(GSocket) sock = NULL;
  char buf[64];
  gint64 start;
  guint16 port;

  vp_simulator_set_slow_gap (sim, 2000);
  g_assert_true (vp_simulator_add_meters (sim, "e:000000000001/fault=slow", &error));
  port = vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error);
  g_assert_true (vp_simulator_start (sim, &error));
  sock = connect_to (port);

  /* The first byte after ~2 s, the next 2 s later: stop must not wait for it. */
  g_assert_cmpint (g_socket_send (sock, "\x68\x01\x00\x00\x00\x00\x00\x68\x11\x04\x33\x33"
                                  "\x34\x33\xB3\x16", 16, NULL, &error), ==, 16);
  g_assert_true (g_socket_condition_timed_wait (sock, G_IO_IN, 5 * G_USEC_PER_SEC, NULL, &error));
  g_assert_cmpint (g_socket_receive (sock, buf, sizeof buf, NULL, &error), ==, 1);
  start = g_get_monotonic_time ();
  vp_simulator_stop (sim);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_pty_symlink (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vp-sim-XXXXXX", &error);
  g_autofree char *link = g_build_filename (dir, "ttyMETERS", NULL);
  g_autofree char *file = g_build_filename (dir, "precious", NULL);
  g_autofree char *target = NULL;
  g_autofree char *uri = NULL;
  VpSimulator *sim = vp_simulator_new ();
  VpSimulator *other = vp_simulator_new ();

  g_assert_cmpstr (vp_simulator_open_pty (sim, link, &error), ==, link);
  g_assert_no_error (error);
  target = g_file_read_link (link, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (target, "/dev/pts/"));
  uri = vp_simulator_get_pty_uri (sim);
  g_assert_true (g_str_has_suffix (uri, "/ttyMETERS?baud=2400&parity=none"));

  /* Never clobber a file that is not a symlink. */
  g_assert_true (g_file_set_contents (file, "keep", -1, &error));
  g_assert_null (vp_simulator_open_pty (other, file, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));

  vp_simulator_free (sim);
  vp_simulator_free (other);
  g_assert_false (g_file_test (link, G_FILE_TEST_EXISTS));
  g_unlink (file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/simulator/spec", test_spec);
  g_test_add_func ("/vp/simulator/vectors", test_vectors);
  g_test_add_func ("/vp/simulator/vector-password", test_vector_password);
  g_test_add_func ("/vp/simulator/vector-water", test_vector_water);
  g_test_add_func ("/vp/simulator/bus-rules", test_bus_rules);
  g_test_add_func ("/vp/simulator/pacing", test_pacing);
  g_test_add_func ("/vp/simulator/energy-tou", test_energy_tou);
  g_test_add_func ("/vp/simulator/money-trip", test_money_trip);
  g_test_add_func ("/vp/simulator/stop-mid-reply", test_stop_mid_reply);
  g_test_add_func ("/vp/simulator/pty-symlink", test_pty_symlink);

  return g_test_run ();
}
