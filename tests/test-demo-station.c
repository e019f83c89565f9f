/* test-demo-station.c: `vendpoint --demo`'s simulated gateways serve every demo meter
 *
 * A real demo database, the real station (one simulated bus per loopback gateway),
 * and a real reading cycle through the devices meter client over TCP.
 */
#include "config.h"

#include "vp-demo-station.h"
#include "vp-demo.h"
#include "vp-engine.h"
#include "vp-meter-gateway-devices.h"
#include "vp-settings.h"
#include "vp-test-counter.h"

/* A loopback port free at this moment. */
static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A small demo database whose gateways are moved to free loopback ports, so the test
 * does not depend on the demo's own ports being free on this machine. Returns its
 * meters; @links collects their distinct links. */
static GPtrArray *
demo_database (VpTestCounter *f,
               GHashTable    *links)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) uses = NULL;
  GPtrArray *meters;
  VpDemoStats stats;

  g_assert_true (vp_demo_generate (f->db, f->admin, 150, 7, &stats, &error));
  g_assert_no_error (error);

  uses = vp_settings_list_links (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uses->len, >, 1);
  for (guint i = 0; i < uses->len; i++)
    {
      const VpLinkUse *use = g_ptr_array_index (uses, i);
      g_autofree char *to = g_strdup_printf ("tcp://127.0.0.1:%u", free_port ());

      /* the demo only ever points at loopback */
      g_assert_true (g_str_has_prefix (use->link, "tcp://127.0.0.1:"));
      g_assert_true (vp_settings_move_link (f->db, f->admin, use->link, to, NULL, &error));
      g_assert_no_error (error);
    }

  meters = vp_demo_list_meters (f->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < meters->len; i++)
    g_hash_table_add (links, ((VpDemoMeter *) g_ptr_array_index (meters, i))->link);
  g_assert_cmpuint (g_hash_table_size (links), ==, uses->len);
  return meters;
}

static void
test_demo_station_cycle (VpTestCounter *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) meters = NULL;
  g_autoptr(VpDemoStation) station = NULL;
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = NULL;
  g_autoptr(GHashTable) links = g_hash_table_new (g_str_hash, g_str_equal);
  VpCycleReport report = { 0 };
  VpEngine *engine;

  meters = demo_database (f, links);
  g_assert_cmpuint (meters->len, >, 150);

  station = vp_demo_station_start (f->db, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vp_demo_station_get_n_buses (station), ==, g_hash_table_size (links));

  vp_meter_client_set_timeouts (client, 500, 0, 2);
  gateway = vp_meter_gateway_devices_new (client);
  engine = vp_engine_new (f->db, gateway);

  /* Every meter answers at the register the database holds (plus what the load ran
   * up meanwhile): nothing goes backwards and no more than that is charged. */
  g_assert_true (vp_engine_run_cycle (engine, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.links, ==, g_hash_table_size (links));
  g_assert_cmpuint (report.read, ==, meters->len);
  g_assert_cmpuint (report.offline, ==, 0);
  g_assert_cmpuint (report.anomalies, ==, 0);
  g_assert_cmpuint (report.errors, ==, 0);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT(*) FROM readings"), ==, meters->len);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT(*) FROM readings r JOIN meters m "
                                             "ON m.id = r.meter_id "
                                             "WHERE r.total < m.install_reading "
                                             "   OR r.total > m.install_reading + 5"), ==, 0);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT(*) FROM readings r JOIN meters m "
                                             "ON m.id = r.meter_id "
                                             "WHERE r.status = 'anomaly' "
                                             "   OR r.consumption > 5 * m.multiplier"), ==, 0);

  vp_cycle_report_clear (&report);
  vp_engine_free (engine);
}

/* A gateway port someone else holds: that bus stays offline, the others start. */
static void
test_demo_station_port_taken (VpTestCounter *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) meters = NULL;
  g_autoptr(VpDemoStation) station = NULL;
  g_autoptr(GSocket) squatter = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GHashTable) links = g_hash_table_new (g_str_hash, g_str_equal);
  const VpDemoMeter *first;
  guint port;

  meters = demo_database (f, links);

  first = g_ptr_array_index (meters, 0);
  port = (guint) g_ascii_strtoull (strrchr (first->link, ':') + 1, NULL, 10);
  squatter = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  address = g_inet_socket_address_new (loopback, port);
  if (!g_socket_bind (squatter, address, FALSE, &error) || !g_socket_listen (squatter, &error))
    {
      g_test_skip ("the gateway port is in use on this machine");
      return;
    }

  station = vp_demo_station_start (f->db, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vp_demo_station_get_n_buses (station), ==, g_hash_table_size (links) - 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/demo-station/cycle", VpTestCounter, NULL, vp_test_counter_setup,
              test_demo_station_cycle, vp_test_counter_teardown);
  g_test_add ("/vp/demo-station/port-taken", VpTestCounter, NULL, vp_test_counter_setup,
              test_demo_station_port_taken, vp_test_counter_teardown);

  return g_test_run ();
}
