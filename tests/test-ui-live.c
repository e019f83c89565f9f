/* test-ui-live.c: the running GUI is a live station
 *
 * The context's own engine reads a simulated meter over a TCP gateway through the
 * app's devices gateway, as `vendpoint` does: cycles in a worker with "cycle-finished"
 * on the main loop, a top-up that switches a tripped supply back on within one
 * round-trip (no further cycle), "did not answer" in words when the meter is silent,
 * and the customer card and the rooms grid following each cycle by themselves.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "vp-counter-page.h"
#include "vp-customer-card.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-meter-gateway-devices.h"
#include "vp-model-error.h"
#include "vp-room-status.h"
#include "vp-rooms-page.h"
#include "vp-simulator.h"
#include "vp-tariff-store.h"
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
  VpTariffVersion power = { .scheme = VP_TARIFF_FLAT, .rates = { 5283 } };   /* 0.5283/kWh */
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
  g_assert_true (vp_tariff_store_add (fixture->db, admin, "居民电价", VP_UTILITY_ELECTRICITY,
                                      &power, NULL, &error));
  g_assert_no_error (error);
  vp_account_spec_init (&spec);
  spec.name = "赵敏";
  spec.tariff = "居民电价";
  spec.room = "6-201";
  g_assert_true (vp_account_open (fixture->db, admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  vp_meter_spec_init (&meter);
  meter.address = METER;
  meter.link = link;
  meter.install_reading = 10000;     /* as the simulator starts: nothing owed yet */
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

static void
exec_sql (VpDatabase *db,
          const char *sql)
{
  vp_database_lock (db);
  g_assert_cmpint (sqlite3_exec (vp_database_get_handle (db), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);
  vp_database_unlock (db);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  vp_context_send_commands_finish (VP_CONTEXT (object), result, NULL, NULL);
  *done = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* A cycle that cannot run (the meters table is gone) emits nothing and stops
 * nothing: once the table is back the next cycle runs. */
static void
test_cycle_fails (VpUiFixture   *fixture,
                  gconstpointer  data)
{
  Live live = { 0 };
  gboolean done = FALSE;

  live_setup (&live, fixture);

  exec_sql (fixture->db, "ALTER TABLE meters RENAME TO meters_away");
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  /* Engine jobs run one after another: when this send is answered, the cycle is over. */
  vp_context_send_commands_async (fixture->context, NULL, sent_cb, &done);
  vp_ui_test_wait (is_true, &done, "the engine after the failed cycle");
  g_assert_cmpuint (live.cycles, ==, 1);

  exec_sql (fixture->db, "ALTER TABLE meters_away RENAME TO meters");
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_cycles (&live, 2);
  g_assert_cmpuint (live.last_read, ==, 1);

  live_teardown (&live);
}

typedef struct
{
  VpCustomerCard *card;
  const char     *contains;
} CardWait;

static gboolean
card_says (gpointer data)
{
  CardWait *w = data;
  const char *text = vp_customer_card_get_meter_text (w->card, METER);

  return text != NULL && strstr (text, w->contains) != NULL;
}

static void
wait_card (VpCustomerCard *card,
           const char     *contains)
{
  CardWait w = { card, contains };
  g_autofree char *what = g_strdup_printf ("the card saying “%s”", contains);

  vp_ui_test_wait (card_says, &w, what);
}

/* The model call behind the card: what the engine stored, per meter. */
static void
test_meter_status (VpUiFixture   *fixture,
                   gconstpointer  data)
{
  Live live = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) meters = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(VpSession) admin = NULL;
  const VpMeterLive *m;

  live_setup (&live, fixture);
  admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);

  meters = vp_meter_live_list (fixture->db, admin, live.account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (meters->len, ==, 1);
  m = g_ptr_array_index (meters, 0);
  g_assert_cmpstr (m->address, ==, METER);
  g_assert_true (m->has_reading);
  g_assert_cmpint (m->total, >=, 10000);     /* energy=100 kWh, plus what the load ran */
  g_assert_cmpint (m->read_at, >, 0);
  g_assert_true (m->online);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  g_assert_false (m->keep_power);

  /* An account with no meter: empty; an unknown number: NOT_FOUND. */
  none = vp_meter_live_list (fixture->db, admin, fixture->li_lei, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_null (vp_meter_live_list (fixture->db, admin, "99999999", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);

  live_teardown (&live);
}

/* The counter's card shows the meter live and follows each cycle by itself. */
static void
test_card (VpUiFixture   *fixture,
           gconstpointer  data)
{
  Live live = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autofree char *supply = NULL;
  VpCounterPage *page;
  VpCustomerCard *card;

  live_setup (&live, fixture);
  page = VP_COUNTER_PAGE (vp_window_get_page (fixture->window, "counter"));
  card = VP_CUSTOMER_CARD (vp_counter_page_get_card (page));

  /* Tripped by the first cycle: read, answered, power cut off. */
  vp_counter_page_show_account (page, live.account);
  wait_card (card, "power cut off");
  g_assert_true (strstr (vp_customer_card_get_meter_text (card, METER), "kWh at ") != NULL);
  g_assert_true (strstr (vp_customer_card_get_meter_text (card, METER), "online") != NULL);

  /* Topped up: the next cycle's state shows without anyone clicking. */
  supply = topup (&live, "100");
  g_assert_cmpstr (supply, ==, "Power restored on meter " METER);
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_card (card, "power on");

  /* Keep-power set by a supervisor's control shows after the next cycle. */
  admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (vp_engine_control (fixture->db, admin, live.account, "keep-power",
                                    "hospital patient", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_card (card, "keep-power");

  /* The meter falls silent: offline, with when it last answered. */
  g_assert_true (vp_simulator_set_fault (live.sim, METER, VP_SIM_FAULT_NO_REPLY, NULL));
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_card (card, "offline, last answered ");

  live_teardown (&live);
}

typedef struct
{
  VpRoomsPage *page;
  VpRoomState  state;
} TileWait;

static gboolean
tile_is (gpointer data)
{
  TileWait *w = data;

  return vp_rooms_page_get_tile_state (w->page, "6-201") == w->state;
}

static void
wait_tile (VpRoomsPage *page,
           VpRoomState  state)
{
  TileWait w = { page, state };
  g_autofree char *what = g_strdup_printf ("room 6-201 %s", vp_room_state_to_string (state));

  vp_ui_test_wait (tile_is, &w, what);
}

/* With no polling at all, the grid changes when a cycle finishes. */
static void
test_rooms (VpUiFixture   *fixture,
            gconstpointer  data)
{
  Live live = { 0 };
  g_autofree char *supply = NULL;
  GtkWidget *window = gtk_window_new ();
  VpRoomsPage *page;

  live_setup (&live, fixture);
  page = VP_ROOMS_PAGE (vp_rooms_page_new (fixture->context));
  vp_rooms_page_set_interval (page, 0);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  wait_tile (page, VP_ROOM_TRIPPED);

  supply = topup (&live, "100");
  g_assert_cmpstr (supply, ==, "Power restored on meter " METER);
  /* Nothing polls: the tile keeps what it read until the cycle says otherwise. */
  g_assert_cmpint (vp_rooms_page_get_tile_state (page, "6-201"), ==, VP_ROOM_TRIPPED);
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_tile (page, VP_ROOM_NORMAL);

  g_assert_true (vp_simulator_set_fault (live.sim, METER, VP_SIM_FAULT_NO_REPLY, NULL));
  g_assert_true (vp_context_run_cycle_now (fixture->context));
  wait_tile (page, VP_ROOM_OFFLINE);

  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add ("/vp/ui/live/cycle-fails", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_cycle_fails, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/live/meter-status", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_meter_status, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/live/card", VpUiFixture, NULL, vp_ui_fixture_setup, test_card,
              vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/live/rooms", VpUiFixture, NULL, vp_ui_fixture_setup, test_rooms,
              vp_ui_fixture_teardown);

  return g_test_run ();
}
