/* test-ui-rooms.c: the rooms grid follows the engine live: trip, offline, close
 *
 * The engine drives a simulated meter over a TCP gateway through the app's devices
 * gateway, as in production; the page, shown all along, must change colour by itself.
 */
#include "config.h"

#include "vp-engine.h"
#include "vp-meter-gateway-devices.h"
#include "vp-rooms-page.h"
#include "vp-simulator.h"
#include "vp-ui-test.h"

#define METER "000000000001"

typedef struct
{
  VpRoomsPage *page;
  const char  *label;
  VpRoomState  state;
} TileWait;

static gboolean
tile_is (gpointer data)
{
  TileWait *w = data;

  return vp_rooms_page_get_tile_state (w->page, w->label) == w->state;
}

static void
wait_tile (VpRoomsPage *page,
           const char  *label,
           VpRoomState  state)
{
  TileWait w = { page, label, state };
  g_autofree char *what = g_strdup_printf ("room %s %s", label, vp_room_state_to_string (state));

  vp_ui_test_wait (tile_is, &w, what);
}

static gboolean
card_shown (gpointer data)
{
  return !vp_rooms_page_get_busy (data) && vp_rooms_page_get_account (data) != NULL;
}

static char *
open_room_5_101 (VpUiFixture *fixture,
                 VpSession   *admin,
                 const char  *link)
{
  g_autoptr(VpAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  VpAccountSpec spec;
  VpMeterSpec meter;

  vp_account_spec_init (&spec);
  spec.name = "韩梅梅";
  spec.room = "5-101";
  spec.opening_topup = 10000;
  spec.method = VP_PAYMENT_CASH;
  g_assert_true (vp_account_open (fixture->db, admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);

  vp_meter_spec_init (&meter);
  meter.address = METER;
  meter.link = link;
  g_assert_true (vp_account_add_meter (fixture->db, admin, account->number, &meter, NULL, &error));
  g_assert_no_error (error);
  return g_strdup (account->number);
}

static void
control (VpUiFixture *fixture,
         VpSession   *admin,
         VpEngine    *engine,
         const char  *account,
         const char  *action)
{
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };

  g_assert_true (vp_engine_control (fixture->db, admin, account, action, "rooms test", NULL,
                                    &error));
  g_assert_no_error (error);
  g_assert_true (vp_engine_send_commands (engine, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  vp_cycle_report_clear (&report);
}

static void
test_live (VpUiFixture   *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = NULL;
  g_autoptr(VpEngine) engine = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autofree char *link = NULL;
  g_autofree char *account = NULL;
  VpCycleReport report = { 0 };
  GtkWidget *window = gtk_window_new ();
  VpRoomsPage *page;

  vp_simulator_set_line (sim, 0, 11);
  vp_simulator_set_turnaround (sim, 5);
  g_assert_true (vp_simulator_add_meters (sim, "e:" METER "/load=1000/energy=100", &error));
  g_assert_cmpuint (vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error), >, 0);
  g_assert_true (vp_simulator_start (sim, &error));
  g_assert_no_error (error);
  link = vp_simulator_get_tcp_uri (sim);
  vp_meter_client_set_timeouts (client, 200, 0, 1);
  gateway = vp_meter_gateway_devices_new (client);
  engine = vp_engine_new (fixture->db, gateway);

  admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  account = open_room_5_101 (fixture, admin, link);

  vp_ui_test_login (fixture, "supervisor", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_ROOMS_PAGE (vp_rooms_page_new (fixture->context));
  vp_rooms_page_set_interval (page, 50);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));

  wait_tile (page, "3-402", VP_ROOM_NORMAL);
  wait_tile (page, "3-403", VP_ROOM_LOW);
  wait_tile (page, "5-101", VP_ROOM_NORMAL);
  g_assert_true (gtk_widget_has_css_class (vp_rooms_page_get_tile (page, "5-101"),
                                           "vp-room-normal"));

  /* A cycle reads the meter (a baseline), then the supervisor's trip goes out and the
   * meter confirms it: the tile turns red by itself. */
  g_assert_true (vp_engine_run_cycle (engine, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.read, ==, 1);
  vp_cycle_report_clear (&report);
  control (fixture, admin, engine, account, "trip");
  wait_tile (page, "5-101", VP_ROOM_TRIPPED);
  g_assert_true (gtk_widget_has_css_class (vp_rooms_page_get_tile (page, "5-101"),
                                           "vp-room-tripped"));

  control (fixture, admin, engine, account, "close");
  wait_tile (page, "5-101", VP_ROOM_NORMAL);

  /* The meter stops answering: the next cycle marks it offline. */
  g_assert_true (vp_simulator_set_fault (sim, METER, VP_SIM_FAULT_NO_REPLY, NULL));
  g_assert_true (vp_engine_run_cycle (engine, &report, NULL, &error));
  g_assert_cmpuint (report.offline, >=, 1);
  vp_cycle_report_clear (&report);
  wait_tile (page, "5-101", VP_ROOM_OFFLINE);

  /* Filters. */
  vp_rooms_page_set_filter (page, NULL, VP_ROOM_LOW);
  g_assert_cmpuint (vp_rooms_page_get_n_tiles (page), ==, 1);
  g_assert_nonnull (vp_rooms_page_get_tile (page, "3-403"));
  vp_rooms_page_set_filter (page, "5", VP_N_ROOM_STATES);
  g_assert_cmpuint (vp_rooms_page_get_n_tiles (page), ==, 1);
  g_assert_nonnull (vp_rooms_page_get_tile (page, "5-101"));
  vp_rooms_page_set_filter (page, NULL, VP_N_ROOM_STATES);
  g_assert_cmpuint (vp_rooms_page_get_n_tiles (page), ==, 3);

  /* A click opens the customer card. */
  vp_rooms_page_select (page, "3-402");
  vp_ui_test_wait (card_shown, page, "the customer card");
  g_assert_cmpstr (vp_rooms_page_get_account (page)->number, ==, fixture->wang_fang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "rooms.close-card", NULL));
  g_assert_null (vp_rooms_page_get_account (page));

  gtk_window_destroy (GTK_WINDOW (window));
  vp_simulator_stop (sim);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/rooms/live", VpUiFixture, NULL, vp_ui_fixture_setup, test_live,
              vp_ui_fixture_teardown);

  return g_test_run ();
}
