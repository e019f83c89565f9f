/* test-ui-live.c: the running GUI is a live station
 *
 * The context's own engine reads a simulated meter over a TCP gateway through the
 * app's devices gateway, as `vendpoint` does: cycles in a worker with "cycle-finished"
 * on the main loop, a top-up that switches a tripped supply back on within one
 * round-trip (no further cycle), and "did not answer" in words when the meter is
 * silent.
 */
#include "config.h"

#include "vp-engine.h"
#include "vp-meter-gateway-devices.h"
#include "vp-simulator.h"
#include "vp-topup-dialog.h"
#include "vp-ui-test.h"

#define METER "000010609999"

typedef struct
{
  VpUiFixture *fixture;
  VpSimulator *sim;
  char        *account;
  guint        cycles;
  guint        last_read;
} Live;

static void
cycle_finished_cb (VpContext           *context,
                   const VpCycleReport *report,
                   Live                *live)
{
  live->cycles++;
  live->last_read = report->read;
}

static gboolean
cycles_reached (gpointer data)
{
  Live *live = data;

  return live->cycles >= GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (live->fixture->context),
                                                              "want-cycles"));
}

static void
wait_cycles (Live  *live,
             guint  n)
{
  g_object_set_data (G_OBJECT (live->fixture->context), "want-cycles", GUINT_TO_POINTER (n));
  vp_ui_test_wait (cycles_reached, live, "a reading cycle");
}

static gboolean
relay_open (Live *live)
{
  g_autoptr(GError) error = NULL;
  VpSimMeterState state;

  g_assert_true (vp_simulator_get_meter_state (live->sim, METER, &state, &error));
  g_assert_no_error (error);
  return state.relay_open;
}

/* A simulated meter on a loopback gateway, the context's engine over it (cycles only
 * on request), and 赵敏 in room 6-201 with no money left: the first cycle trips her. */
static void
live_setup (Live        *live,
            VpUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autoptr(VpAccount) account = NULL;
  g_autofree char *link = NULL;
  VpAccountSpec spec;
  VpMeterSpec meter;

  live->fixture = fixture;
  live->sim = vp_simulator_new ();
  vp_simulator_set_line (live->sim, 0, 11);
  vp_simulator_set_turnaround (live->sim, 5);
  g_assert_true (vp_simulator_add_meters (live->sim, "e:" METER "/load=1000/energy=100", &error));
  g_assert_cmpuint (vp_simulator_listen_tcp (live->sim, "127.0.0.1:0", &error), >, 0);
  g_assert_true (vp_simulator_start (live->sim, &error));
  g_assert_no_error (error);
  link = vp_simulator_get_tcp_uri (live->sim);

  admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  vp_account_spec_init (&spec);
  spec.name = "赵敏";
  spec.room = "6-201";
  g_assert_true (vp_account_open (fixture->db, admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  vp_meter_spec_init (&meter);
  meter.address = METER;
  meter.link = link;
  g_assert_true (vp_account_add_meter (fixture->db, admin, account->number, &meter, NULL, &error));
  g_assert_no_error (error);
  live->account = g_strdup (account->number);

  vp_meter_client_set_timeouts (client, 200, 0, 1);
  gateway = vp_meter_gateway_devices_new (client);
  vp_context_set_cycle_interval (fixture->context, 0);
  vp_context_set_gateway (fixture->context, gateway);
  g_assert_true (vp_context_has_engine (fixture->context));
  g_signal_connect (fixture->context, "cycle-finished", G_CALLBACK (cycle_finished_cb), live);

  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);

  g_assert_false (relay_open (live));
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_cycles (live, 1);
  g_assert_cmpuint (live->last_read, ==, 1);
  g_assert_true (relay_open (live));
}

static void
live_teardown (Live *live)
{
  g_signal_handlers_disconnect_by_data (live->fixture->context, live);
  vp_simulator_free (live->sim);
  g_free (live->account);
}

static gboolean
supply_done (gpointer data)
{
  return g_str_equal (vp_topup_dialog_get_step (data), "done") &&
         !vp_topup_dialog_get_busy (data) && !vp_topup_dialog_get_supply_busy (data) &&
         vp_topup_dialog_get_supply_text (data) != NULL;
}

/* Tops up @yuan through the dialog and waits for the supply line's last word. */
static char *
topup (Live       *live,
       const char *yuan)
{
  g_autoptr(VpAccount) account = vp_ui_test_account (live->fixture, live->account);
  VpTopupDialog *dialog = vp_topup_dialog_new (live->fixture->context, account);
  char *supply;

  gtk_window_present (GTK_WINDOW (dialog));
  vp_ui_test_type (vp_topup_dialog_get_amount (dialog), yuan);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "topup.next", NULL);
  g_assert_cmpstr (vp_topup_dialog_get_step (dialog), ==, "confirm");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "topup.commit", NULL);
  vp_ui_test_wait (supply_done, dialog, "the supply answer");
  g_assert_nonnull (vp_topup_dialog_get_receipt (dialog));
  supply = g_strdup (vp_topup_dialog_get_supply_text (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  return supply;
}

/* Cycles run in the context's worker, on request and by the interval. */
static void
test_cycles (VpUiFixture   *fixture,
             gconstpointer  data)
{
  Live live = { 0 };

  live_setup (&live, fixture);

  /* Asked twice while one runs: one more cycle, never two at once. */
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_cycles (&live, 2);

  /* The interval starts them by itself. */
  vp_context_set_cycle_interval (fixture->context, 1);
  g_assert_cmpuint (vp_context_get_cycle_interval (fixture->context), ==, 1);
  wait_cycles (&live, 4);
  vp_context_set_cycle_interval (fixture->context, 0);
  g_assert_cmpuint (live.last_read, ==, 1);

  live_teardown (&live);
}

/* The top-up's close goes out at once: the relay closes with no further cycle. */
static void
test_topup_restores (VpUiFixture   *fixture,
                     gconstpointer  data)
{
  Live live = { 0 };
  g_autofree char *supply = NULL;

  live_setup (&live, fixture);

  supply = topup (&live, "100");
  g_assert_cmpstr (supply, ==, "Power restored on meter " METER);
  g_assert_false (relay_open (&live));
  g_assert_cmpuint (live.cycles, ==, 1);

  live_teardown (&live);
}

/* A silent meter: the dialog says so and the command waits for its retry. */
static void
test_topup_no_answer (VpUiFixture   *fixture,
                      gconstpointer  data)
{
  Live live = { 0 };
  g_autofree char *supply = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GError) error = NULL;
  const VpCommand *command;

  live_setup (&live, fixture);
  g_assert_true (vp_simulator_set_fault (live.sim, METER, VP_SIM_FAULT_NO_REPLY, NULL));

  supply = topup (&live, "100");
  g_assert_cmpstr (supply, ==, "Meter " METER " did not answer; it will be retried");
  g_assert_true (relay_open (&live));
  g_assert_cmpuint (live.cycles, ==, 1);

  commands = vp_engine_list_commands (fixture->db, live.account, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (commands->len, ==, 1);
  command = g_ptr_array_index (commands, 0);
  g_assert_cmpint (command->action, ==, VP_CONTROL_CLOSE);
  g_assert_cmpint (command->attempts, ==, 1);
  /* Waiting for its retry (back-off), not given up. */
  g_assert_true (g_str_equal (command->state, "queued") || g_str_equal (command->state, "sent"));

  live_teardown (&live);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/live/cycles", VpUiFixture, NULL, vp_ui_fixture_setup, test_cycles,
              vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/live/topup-restores", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_topup_restores, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/live/topup-no-answer", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_topup_no_answer, vp_ui_fixture_teardown);

  return g_test_run ();
}
