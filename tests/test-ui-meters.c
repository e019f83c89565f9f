/* test-ui-meters.c: the Meters page against the meter simulator over a TCP gateway
 *
 * The page reaches the meters through the app's VpCommissioning (the devices meter
 * client), as in the application; the simulator answers on 127.0.0.1 port 0.
 */
#include "config.h"

#include <string.h>

#include "vp-commissioning-devices.h"
#include "vp-meters-page.h"
#include "vp-simulator.h"
#include "vp-ui-test.h"

#define ELECTRICITY "000010604867"
#define WATER       "00000000000012"

typedef struct
{
  VpUiFixture    ui;
  VpSimulator   *sim;
  VpMeterClient *client;
  char          *link;
  GtkWidget     *window;
  VpMetersPage  *page;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpCommissioning) commissioning = NULL;

  vp_ui_fixture_setup (&f->ui, NULL);

  f->sim = vp_simulator_new ();
  vp_simulator_set_line (f->sim, 0, 11);
  vp_simulator_set_turnaround (f->sim, 5);
  vp_simulator_set_slow_gap (f->sim, 400);
  g_assert_true (vp_simulator_add_meters (f->sim,
                                          "e:" ELECTRICITY "/money=86.50/energy=802.17,"
                                          "w:" WATER "/flow=60/volume=123.45", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vp_simulator_listen_tcp (f->sim, "127.0.0.1:0", &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (vp_simulator_start (f->sim, &error));
  g_assert_no_error (error);
  f->link = vp_simulator_get_tcp_uri (f->sim);

  /* Short timeouts keep "no answer" quick; the inter-byte timeout is longer than the
   * slow meter's gaps, so its read is long rather than failing. */
  f->client = vp_meter_client_new ();
  vp_meter_client_set_timeouts (f->client, 300, 1000, 3);
  commissioning = vp_commissioning_devices_new (f->client);
  vp_context_set_commissioning (f->ui.context, commissioning);

  vp_ui_test_login (&f->ui, "technician", VP_CONTEXT_DEMO_PASSWORD);
  f->window = gtk_window_new ();
  f->page = VP_METERS_PAGE (vp_meters_page_new (f->ui.context));
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  gtk_editable_set_text (vp_meters_page_get_link (f->page), f->link);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  vp_context_set_commissioning (f->ui.context, NULL);
  vp_ui_fixture_teardown (&f->ui, NULL);
  g_clear_object (&f->client);
  vp_simulator_free (f->sim);
  g_free (f->link);
}

static gboolean
page_idle (gpointer data)
{
  return !vp_meters_page_get_busy (data);
}

/* Runs @action and waits for its answer; returns the status line. */
static const char *
run (Fixture    *f,
     const char *action,
     GVariant   *parameter,
     gboolean    expect_error)
{
  const char *status;
  gboolean is_error = FALSE;

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (f->page), action, parameter));
  g_assert_true (vp_meters_page_get_busy (f->page));
  vp_ui_test_wait (page_idle, f->page, action);
  status = vp_meters_page_get_status (f->page, &is_error);
  g_assert_nonnull (status);
  g_test_message ("%s: %s", action, status);
  if (is_error != expect_error)
    {
      g_autofree char *log = vp_meters_page_get_log_text (f->page);
      g_test_message ("link %s, frame log:\n%s",
                      gtk_editable_get_text (vp_meters_page_get_link (f->page)), log);
    }
  g_assert_cmpint (is_error, ==, expect_error);
  return status;
}

static VpSimMeterState
meter_state (Fixture    *f,
             const char *address)
{
  g_autoptr(GError) error = NULL;
  VpSimMeterState state;

  g_assert_true (vp_simulator_get_meter_state (f->sim, address, &state, &error));
  g_assert_no_error (error);
  return state;
}

static void
test_bench (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *log = NULL;
  VpSimMeterState state;
  const char *status;

  /* The machine's serial ports are listed (maybe none); the gateway is always offered. */
  g_test_message ("%u serial ports", vp_meters_page_get_n_ports (f->page));

  /* Only one electricity meter on the bus: it tells its address. */
  run (f, "meters.read-address", NULL, FALSE);
  g_assert_cmpstr (gtk_editable_get_text (vp_meters_page_get_address (f->page)), ==, ELECTRICITY);

  gtk_editable_set_text (vp_meters_page_get_item (f->page), "energy.forward.total");
  run (f, "meters.read-item", NULL, FALSE);
  g_assert_nonnull (strstr (vp_meters_page_get_value (f->page), "802.17 kWh"));

  /* Any DI by its hex digits: the remaining money. */
  gtk_editable_set_text (vp_meters_page_get_item (f->page), "00900200");
  run (f, "meters.read-item", NULL, FALSE);
  g_assert_nonnull (strstr (vp_meters_page_get_value (f->page), "86.50"));

  /* The clock: put the meter an hour wrong, then set it. */
  g_assert_true (vp_simulator_set_meter_option (f->sim, ELECTRICITY, "clock",
                                                "2020-01-01T00:00:00", NULL));
  run (f, "meters.set-clock", NULL, FALSE);
  state = meter_state (f, ELECTRICITY);
  g_assert_cmpint (ABS (state.clock - g_get_real_time () / G_USEC_PER_SEC), <=, 5);

  status = run (f, "meters.control", g_variant_new_string ("trip"), FALSE);
  g_assert_nonnull (strstr (status, "power off"));
  g_assert_true (meter_state (f, ELECTRICITY).relay_open);
  status = run (f, "meters.control", g_variant_new_string ("close"), FALSE);
  g_assert_nonnull (strstr (status, "power on"));
  g_assert_false (meter_state (f, ELECTRICITY).relay_open);

  gtk_editable_set_text (vp_meters_page_get_alarm (f->page, 1), "30");
  gtk_editable_set_text (vp_meters_page_get_alarm (f->page, 2), "10.50");
  run (f, "meters.write-thresholds", NULL, FALSE);
  state = meter_state (f, ELECTRICITY);
  g_assert_cmpint (state.money_limits[0], ==, 3000);
  g_assert_cmpint (state.money_limits[1], ==, 1050);

  /* A bad limit never reaches the meter. */
  gtk_editable_set_text (vp_meters_page_get_alarm (f->page, 1), "thirty");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "meters.write-thresholds", NULL));
  g_assert_false (vp_meters_page_get_busy (f->page));
  g_assert_cmpint (meter_state (f, ELECTRICITY).money_limits[0], ==, 3000);

  /* The water meter's valve. */
  gtk_editable_set_text (vp_meters_page_get_address (f->page), WATER);
  status = run (f, "meters.valve", g_variant_new_boolean (FALSE), FALSE);
  g_assert_nonnull (strstr (status, "valve is shut"));
  g_assert_cmpint (meter_state (f, WATER).valve, ==, VP_CJT188_VALVE_CLOSED);
  status = run (f, "meters.valve", g_variant_new_boolean (TRUE), FALSE);
  g_assert_nonnull (strstr (status, "valve is open"));
  g_assert_cmpint (meter_state (f, WATER).valve, ==, VP_CJT188_VALVE_OPEN);
  run (f, "meters.read-item", NULL, FALSE);
  g_assert_nonnull (strstr (vp_meters_page_get_value (f->page), "123.45"));

  /* The frame log shows what went over the wire, hex and decoded. */
  vp_ui_test_wait_drawn (GTK_WINDOW (f->window));
  log = vp_meters_page_get_log_text (f->page);
  g_assert_nonnull (strstr (log, "TX"));
  g_assert_nonnull (strstr (log, "RX"));
  g_assert_nonnull (strstr (log, "68 "));
  g_assert_nonnull (strstr (log, ELECTRICITY));
}

static void
test_no_answer (Fixture       *f,
                gconstpointer  data)
{
  const char *status;

  gtk_editable_set_text (vp_meters_page_get_address (f->page), "999999999999");
  status = run (f, "meters.read-item", NULL, TRUE);
  g_assert_cmpstr (status, ==, "Meter 999999999999 did not answer (timeout after 3 tries)");

  /* Nothing to read without a link or an address: said before anything is sent. */
  gtk_editable_set_text (vp_meters_page_get_address (f->page), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "meters.read-item", NULL));
  g_assert_false (vp_meters_page_get_busy (f->page));
  g_assert_nonnull (vp_meters_page_get_status (f->page, NULL));
}

static gboolean
log_has_tx (gpointer data)
{
  g_autofree char *log = vp_meters_page_get_log_text (data);

  return strstr (log, "TX") != NULL;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  gboolean is_error = FALSE;
  gint64 start;

  /* A slow meter: 400 ms between bytes, a read takes many seconds. */
  g_assert_true (vp_simulator_set_fault (f->sim, ELECTRICITY, VP_SIM_FAULT_SLOW, NULL));
  gtk_editable_set_text (vp_meters_page_get_address (f->page), ELECTRICITY);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "meters.read-item", NULL));
  vp_ui_test_wait (log_has_tx, f->page, "the request on the wire");
  g_assert_true (vp_meters_page_get_busy (f->page));

  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "meters.cancel", NULL));
  vp_ui_test_wait (page_idle, f->page, "the cancellation");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpstr (vp_meters_page_get_status (f->page, &is_error), ==, "Cancelled.");
  g_assert_true (is_error);
  g_assert_null (vp_meters_page_get_value (f->page));

  /* The link still works afterwards. */
  g_assert_true (vp_simulator_set_fault (f->sim, ELECTRICITY, VP_SIM_FAULT_NONE, NULL));
  run (f, "meters.read-item", NULL, FALSE);
  g_assert_nonnull (strstr (vp_meters_page_get_value (f->page), "802.17"));
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/meters/bench", Fixture, NULL, fixture_setup, test_bench,
              fixture_teardown);
  g_test_add ("/vp/ui/meters/no-answer", Fixture, NULL, fixture_setup, test_no_answer,
              fixture_teardown);
  g_test_add ("/vp/ui/meters/cancel", Fixture, NULL, fixture_setup, test_cancel,
              fixture_teardown);

  return g_test_run ();
}
