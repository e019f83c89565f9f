/* test-e2e-prepaid.c: the prepaid engine against the meter simulator
 *
 * Real database, ledger, engine, meter client and simulator: electricity meters behind
 * a loopback TCP "gateway", a water meter on a pseudo-terminal, a meter that never
 * answers and a link that is down. The station's clock is driven (an hour per cycle);
 * the meters' registers are set on the simulator as a load would move them.
 */
#include "config.h"

#include <signal.h>

#include "vp-meter-gateway-devices.h"
#include "vp-simulator.h"
#include "vp-tariff-store.h"
#include "vp-test-engine.h"

#define METER_A  "000000000001"
#define METER_C  "000000000005"
#define METER_D  "000000000009"
#define WATER_B  "00000000000012"

typedef struct
{
  VpTestCounter   c;
  VpSimulator    *tcp_bus;
  VpSimulator    *pty_bus;
  char           *tcp_uri;
  char           *pty_uri;
  char           *dead_uri;
  VpEngine       *engine;
  gint64          now;
  char           *a, *b, *cc, *d;   /* account numbers */
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static VpEngine *
engine_new (Fixture *f)
{
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = NULL;
  VpEngine *engine;

  /* a silent meter costs 2 × 300 ms, not the 3 s default */
  vp_meter_client_set_timeouts (client, 300, 0, 2);
  gateway = vp_meter_gateway_devices_new (client);
  engine = vp_engine_new (f->c.db, gateway);
  vp_engine_set_clock (engine, fixture_clock, f);
  return engine;
}

/* A TCP port nobody listens on: bind one, then close it. */
static char *
dead_link (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return g_strdup_printf ("tcp://127.0.0.1:%u", port);
}

static char *
open_account (Fixture     *f,
              const char  *tariff,
              gint64       topup,
              VpMeterKind  kind,
              const char  *address,
              const char  *link)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpAccountSpec spec;
  VpMeterSpec meter;

  vp_account_spec_init (&spec);
  spec.name = "李娜";
  spec.phone = "13900000000";
  spec.tariff = tariff;
  spec.alarm1 = 2000;
  spec.alarm2 = 1000;
  spec.trip = 0;
  spec.opening_topup = topup;
  spec.method = VP_PAYMENT_CASH;
  g_assert_true (vp_account_open (f->c.db, f->c.cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);

  vp_meter_spec_init (&meter);
  meter.kind = kind;
  meter.protocol = kind == VP_METER_KIND_WATER ? VP_METER_PROTOCOL_CJT188 : VP_METER_PROTOCOL_DLT645;
  meter.address = address;
  meter.link = link;
  g_assert_true (vp_account_add_meter (f->c.db, f->c.admin, account->number, &meter, NULL, &error));
  g_assert_no_error (error);
  return g_strdup (account->number);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pty_path = NULL;
  VpTariffVersion power = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };   /* 1.00/kWh */
  VpTariffVersion water = { .scheme = VP_TARIFF_FLAT, .rates = { 35000 } };   /* 3.50/m³ */

  vp_test_counter_setup (&f->c, data);
  g_assert_true (vp_shift_open (f->c.db, f->c.cashier, 10000, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "power", VP_UTILITY_ELECTRICITY,
                                      &power, NULL, &error));
  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "water", VP_UTILITY_WATER,
                                      &water, NULL, &error));
  g_assert_no_error (error);

  f->tcp_bus = vp_simulator_new ();
  vp_simulator_set_line (f->tcp_bus, 0, 11);
  vp_simulator_set_turnaround (f->tcp_bus, 0);
  g_assert_true (vp_simulator_add_meters (f->tcp_bus, "e:" METER_A ",e:" METER_C "/fault=no-reply",
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vp_simulator_listen_tcp (f->tcp_bus, "127.0.0.1:0", &error), >, 0);
  g_assert_true (vp_simulator_start (f->tcp_bus, &error));
  g_assert_no_error (error);
  f->tcp_uri = vp_simulator_get_tcp_uri (f->tcp_bus);

  f->pty_bus = vp_simulator_new ();
  vp_simulator_set_line (f->pty_bus, 0, 10);
  vp_simulator_set_turnaround (f->pty_bus, 0);
  g_assert_true (vp_simulator_add_meters (f->pty_bus, "w:" WATER_B, &error));
  pty_path = g_build_filename (f->c.dir, "bus", NULL);
  g_assert_nonnull (vp_simulator_open_pty (f->pty_bus, pty_path, &error));
  g_assert_true (vp_simulator_start (f->pty_bus, &error));
  g_assert_no_error (error);
  f->pty_uri = vp_simulator_get_pty_uri (f->pty_bus);
  f->dead_uri = dead_link ();

  f->a = open_account (f, "power", 5000, VP_METER_KIND_ELECTRICITY, METER_A, f->tcp_uri);
  f->b = open_account (f, "water", 10000, VP_METER_KIND_WATER, WATER_B, f->pty_uri);
  f->cc = open_account (f, "power", 5000, VP_METER_KIND_ELECTRICITY, METER_C, f->tcp_uri);
  f->d = open_account (f, "power", 5000, VP_METER_KIND_ELECTRICITY, METER_D, f->dead_uri);

  /* two days ago, so that `vpctl cycle` (wall clock) still comes after our cycles */
  f->now = g_get_real_time () / G_USEC_PER_SEC - 2 * 24 * 3600;
  f->engine = engine_new (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->engine, vp_engine_free);
  g_clear_pointer (&f->tcp_bus, vp_simulator_free);
  g_clear_pointer (&f->pty_bus, vp_simulator_free);
  g_free (f->tcp_uri);
  g_free (f->pty_uri);
  g_free (f->dead_uri);
  g_free (f->a);
  g_free (f->b);
  g_free (f->cc);
  g_free (f->d);
  vp_test_counter_teardown (&f->c, data);
}

static VpSimMeterState
sim_state (VpSimulator *bus,
           const char  *address)
{
  g_autoptr(GError) error = NULL;
  VpSimMeterState state;

  g_assert_true (vp_simulator_get_meter_state (bus, address, &state, &error));
  g_assert_no_error (error);
  return state;
}

static void
set_register (VpSimulator *bus,
              const char  *address,
              const char  *key,
              const char  *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_simulator_set_meter_option (bus, address, key, value, &error));
  g_assert_no_error (error);
}

static void
cycle (Fixture       *f,
       VpCycleReport *report)
{
  g_autoptr(GError) error = NULL;

  f->now += 3600;
  vp_cycle_report_clear (report);
  g_assert_true (vp_engine_run_cycle (f->engine, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->errors, ==, 0);
}

static void
send_commands (Fixture       *f,
               VpEngine      *engine,
               VpCycleReport *report)
{
  g_autoptr(GError) error = NULL;

  vp_cycle_report_clear (report);
  g_assert_true (vp_engine_send_commands (engine, report, NULL, &error));
  g_assert_no_error (error);
}

static gint64
query (Fixture    *f,
       const char *sql)
{
  return vp_test_counter_query (&f->c, sql);
}

static gint64
balance (Fixture    *f,
         const char *number)
{
  g_autofree char *sql = g_strdup_printf ("SELECT balance FROM accounts WHERE number = '%s'", number);

  return query (f, sql);
}

static void
topup (Fixture    *f,
       const char *number,
       gint64      amount,
       guint       expect_queued)
{
  vp_test_engine_topup (&f->c, number, amount, expect_queued);
}

static void
control (Fixture    *f,
         const char *number,
         const char *action)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, action, "e2e test",
                                    NULL, &error));
  g_assert_no_error (error);
}

static void
test_e2e_prepaid (Fixture       *f,
                  gconstpointer  data)
{
  VpCycleReport report = { 0 };
  guint requests;

  /* 10 kWh an hour at 1 yuan: 50.00 → 0.00 in five cycles */
  for (int hour = 1; hour <= 5; hour++)
    {
      g_autofree char *energy = g_strdup_printf ("%d.00", hour * 10);

      set_register (f->tcp_bus, METER_A, "energy", energy);
      cycle (f, &report);
      g_assert_cmpint (balance (f, f->a), ==, 5000 - hour * 1000);
      /* the silent meter and the dead link cost their own links nothing more */
      g_assert_cmpuint (report.meters, ==, 4);
      g_assert_cmpuint (report.read, ==, 2);
      g_assert_cmpuint (report.offline, ==, 2);
      g_assert_cmpint (sim_state (f->tcp_bus, METER_A).relay_open, ==, hour == 5);
    }
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms"), ==, 3);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms WHERE level = 'alarm1'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms WHERE level = 'alarm2'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM meter_state WHERE failures > 0 "
                             "AND last_contact = 0"), ==, 2);

  /* tripped and nothing moves: no repeats */
  cycle (f, &report);
  cycle (f, &report);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms"), ==, 3);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands"), ==, 1);

  /* a top-up at the counter closes the relay within one round trip: the close and
   * the status read that confirms it */
  topup (f, f->a, 3000, 1);
  requests = sim_state (f->tcp_bus, METER_A).requests;
  send_commands (f, f->engine, &report);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_false (sim_state (f->tcp_bus, METER_A).relay_open);
  g_assert_cmpuint (sim_state (f->tcp_bus, METER_A).requests - requests, ==, 2);

  /* keep-power blocks the trip … */
  control (f, f->a, "keep-power");
  send_commands (f, f->engine, &report);
  g_assert_true (sim_state (f->tcp_bus, METER_A).keep_power);
  set_register (f->tcp_bus, METER_A, "energy", "90.00");
  cycle (f, &report);
  g_assert_cmpint (balance (f, f->a), ==, -1000);
  g_assert_false (sim_state (f->tcp_bus, METER_A).relay_open);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'trip'"), ==, 1);
  /* … until it is cleared */
  control (f, f->a, "keep-power-clear");
  cycle (f, &report);
  g_assert_false (sim_state (f->tcp_bus, METER_A).keep_power);
  g_assert_true (sim_state (f->tcp_bus, METER_A).relay_open);

  /* the water meter on the pty is charged like the others: 2 m³ at 3.50 */
  set_register (f->pty_bus, WATER_B, "volume", "2.00");
  cycle (f, &report);
  g_assert_cmpint (balance (f, f->b), ==, 10000 - 700);

  vp_cycle_report_clear (&report);
}

/* The sender died with a close 'sent': a restarted process neither loses it nor sends
 * it twice. */
static void
test_e2e_restart (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpEngine) restarted = NULL;
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  VpCycleReport report = { 0 };
  GPid dead = vp_test_engine_dead_pid ();
  guint requests;

  /* trip A: 60 kWh on a 50-yuan account */
  set_register (f->tcp_bus, METER_A, "energy", "60.00");
  cycle (f, &report);
  g_assert_true (sim_state (f->tcp_bus, METER_A).relay_open);

  /* the top-up's close was claimed by a process that then died */
  topup (f, f->a, 5000, 1);
  vp_test_engine_orphan_queued (&f->c, dead, f->now + 3600);

  /* case 1: it never reached the meter — the restarted service sends it, once */
  restarted = engine_new (f);
  requests = sim_state (f->tcp_bus, METER_A).requests;
  send_commands (f, restarted, &report);
  g_assert_false (sim_state (f->tcp_bus, METER_A).relay_open);
  g_assert_cmpuint (report.commands_sent, ==, 1);
  /* read first (still tripped), send, read back */
  g_assert_cmpuint (sim_state (f->tcp_bus, METER_A).requests - requests, ==, 3);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'close' "
                             "AND state = 'confirmed' AND attempts = 2"), ==, 1);

  /* case 2: a trip that got through before the crash is confirmed, not repeated */
  control (f, f->a, "trip");
  g_assert_true (vp_meter_client_remote_control (client, f->tcp_uri, METER_A, NULL,
                                                 VP_DLT645_CONTROL_ACTION_TRIP, 0, NULL, &error));
  g_assert_no_error (error);
  vp_test_engine_orphan_queued (&f->c, dead, f->now + 3600);
  requests = sim_state (f->tcp_bus, METER_A).requests;
  send_commands (f, restarted, &report);
  g_assert_cmpuint (report.commands_sent, ==, 0);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_cmpuint (sim_state (f->tcp_bus, METER_A).requests - requests, ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state IN ('queued', 'sent')"),
                   ==, 0);
  vp_cycle_report_clear (&report);
}

/* `vpctl cycle` and `vpctl command list` on the same database and buses. */
static void
test_e2e_vpctl (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *vpctl = g_getenv ("VPCTL");
  const char *argv[] = { vpctl, "--db", vp_database_get_path (f->c.db), "--json", "cycle", NULL };
  int status;

  if (vpctl == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  set_register (f->tcp_bus, METER_A, "energy", "12.50");
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "\"read\":2"));
  g_assert_nonnull (strstr (out, "\"offline\":2"));
  g_assert_nonnull (strstr (out, "\"charged_amount\":\"12.50\""));
  g_assert_cmpint (balance (f, f->a), ==, 5000 - 1250);
}

/* Waits (polling, at most 30 s) until @sql, a one-value query, is non-zero. */
static gboolean
wait_for (Fixture    *f,
          const char *sql)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (query (f, sql) != 0)
        return TRUE;
      g_usleep (20 * 1000);
    }
  return FALSE;
}

static GSubprocess *
spawn_vpctl (Fixture     *f,
             const char  *first,
             ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
spawn_vpctl (Fixture     *f,
             const char  *first,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("VPCTL"));
  g_ptr_array_add (args, (char *) "--db");
  g_ptr_array_add (args, (char *) vp_database_get_path (f->c.db));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* the operator's password for commands that log in (vpctl control) */
  g_subprocess_launcher_setenv (launcher, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

/* `vpctl service` reads on its own and stops cleanly on SIGTERM. */
static void
test_e2e_service (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  g_autofree char *backups = g_build_filename (f->c.dir, "backups", NULL);
  g_autoptr(GDir) dir = NULL;

  /* No backup was ever made: the first cycle makes the scheduled one. */
  g_assert_true (vp_database_set_setting (f->c.db, VP_DATABASE_BACKUP_DIR_KEY, backups, &error));
  g_assert_no_error (error);

  set_register (f->tcp_bus, METER_A, "energy", "3.00");
  proc = spawn_vpctl (f, "service", "--interval", "1", "--poll", "1", NULL);
  g_assert_true (wait_for (f, "SELECT COUNT(*) >= 2 FROM readings r JOIN meters m "
                              "ON m.id = r.meter_id WHERE m.address = '" METER_A "'"));
  g_assert_cmpint (balance (f, f->a), ==, 5000 - 300);
  dir = g_dir_open (backups, 0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_dir_read_name (dir));
  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (err, "stopping"));
  g_assert_nonnull (strstr (err, "stopped"));
  g_assert_nonnull (strstr (err, "scheduled backup written to"));
}

/* A real crash: `vpctl control … trip` is killed while the meter's (slow) answer is
 * still coming; the trip took effect. The restarted engine confirms it with one status
 * read and does not send it again. */
static void
test_e2e_killed_sender (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpEngine) restarted = NULL;
  VpCycleReport report = { 0 };
  guint requests;

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  g_assert_true (vp_simulator_set_fault (f->tcp_bus, METER_A, VP_SIM_FAULT_SLOW, &error));
  g_assert_no_error (error);
  vp_simulator_set_slow_gap (f->tcp_bus, 400);

  proc = spawn_vpctl (f, "--operator", "tech", "control", f->a, "trip", "--reason", "crash test", NULL);
  /* the command is out and the meter acted; its answer is still dribbling in */
  g_assert_true (wait_for (f, "SELECT COUNT(*) FROM commands WHERE state = 'sent'"));
  for (int i = 0; i < 1500 && !sim_state (f->tcp_bus, METER_A).relay_open; i++)
    g_usleep (20 * 1000);
  g_assert_true (sim_state (f->tcp_bus, METER_A).relay_open);
  g_subprocess_force_exit (proc);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));   /* reaped: its pid is gone */
  g_assert_no_error (error);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state = 'sent'"), ==, 1);

  g_assert_true (vp_simulator_set_fault (f->tcp_bus, METER_A, VP_SIM_FAULT_NONE, &error));
  restarted = engine_new (f);
  requests = sim_state (f->tcp_bus, METER_A).requests;
  send_commands (f, restarted, &report);
  g_assert_cmpuint (report.commands_sent, ==, 0);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_cmpuint (sim_state (f->tcp_bus, METER_A).requests - requests, ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state = 'confirmed' "
                             "AND attempts = 2"), ==, 1);
  vp_cycle_report_clear (&report);
}

/* `vpctl topup` on a tripped account queues the close it implies (close_queued in its
 * JSON), and the next send closes the relay: the customer does not wait for a cycle. */
static void
test_e2e_vpctl_topup_closes (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  VpCycleReport report = { 0 };

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }

  /* 60 kWh at 1.00/kWh against 50.00: the balance goes below the trip threshold. */
  cycle (f, &report);
  set_register (f->tcp_bus, METER_A, "energy", "60.00");
  cycle (f, &report);
  g_assert_cmpint (balance (f, f->a), ==, 5000 - 6000);
  g_assert_true (sim_state (f->tcp_bus, METER_A).relay_open);

  proc = spawn_vpctl (f, "--operator", "cashier", "--json", "topup", f->a, "30", "--method",
                      "cash", NULL);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (out, "\"balance_after\":\"20.00\""));
  g_assert_nonnull (strstr (out, "\"close_queued\":1"));
  g_assert_true (sim_state (f->tcp_bus, METER_A).relay_open);   /* queued, not yet sent */

  send_commands (f, f->engine, &report);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_false (sim_state (f->tcp_bus, METER_A).relay_open);
  vp_cycle_report_clear (&report);
}

static gint64
wall_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* How far the simulated meter's clock is from the wall clock, seconds. */
static gint64
clock_skew (Fixture    *f,
            const char *address)
{
  return sim_state (f->tcp_bus, address).clock - g_get_real_time () / G_USEC_PER_SEC;
}

/* Puts the simulated meter's clock @seconds off the wall clock. */
static void
skew_clock (Fixture    *f,
            const char *address,
            int         seconds)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) off = g_date_time_add_seconds (now, seconds);
  g_autofree char *text = g_date_time_format (off, "%Y-%m-%dT%H:%M:%S");

  set_register (f->tcp_bus, address, "clock", text);
  g_assert_cmpint (ABS (clock_skew (f, address) - seconds), <=, 2);
}

/* A meter whose clock is 7 minutes slow gets the station's time over the loopback
 * gateway and its clock, read back, is right; `vpctl control … set-time` does the same
 * for one 5 minutes fast. A water meter fails with the reason a technician reads, and a
 * meter whose password changed refuses: failed at once, its clock untouched. */
static void
test_e2e_set_time (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VpEngine) engine = engine_new (f);
  VpCycleReport report = { 0 };

  vp_engine_set_clock (engine, wall_clock, NULL);
  skew_clock (f, METER_A, -7 * 60);
  control (f, f->a, "set-time");
  control (f, f->b, "set-time");
  send_commands (f, engine, &report);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_cmpuint (report.commands_failed, ==, 1);
  g_assert_cmpint (ABS (clock_skew (f, METER_A)), <=, 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'set-time' "
                             "AND state = 'confirmed' AND attempts = 1"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands c JOIN meters m ON m.id = c.meter_id "
                             "WHERE m.address = '" WATER_B "' AND c.state = 'failed' "
                             "AND c.last_error LIKE '%" WATER_B " cannot have its clock set "
                             "remotely%'"), ==, 1);

  if (g_getenv ("VPCTL") != NULL)
    {
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      skew_clock (f, METER_A, 5 * 60);
      proc = spawn_vpctl (f, "--operator", "tech", "--json", "control", f->a, "set-time",
                          "--reason", "时钟快了", NULL);
      g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
      g_assert_nonnull (strstr (out, "\"confirmed\":1"));
      g_assert_cmpint (ABS (clock_skew (f, METER_A)), <=, 2);
    }

  skew_clock (f, METER_A, -7 * 60);
  set_register (f->tcp_bus, METER_A, "password", "02:123456");
  control (f, f->a, "set-time");
  send_commands (f, engine, &report);
  g_assert_cmpuint (report.commands_failed, ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'set-time' "
                             "AND state = 'failed' AND attempts = 1 "
                             "AND last_error LIKE '%password%'"), ==, 1);
  g_assert_cmpint (clock_skew (f, METER_A), <, -400);
  vp_cycle_report_clear (&report);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/e2e-prepaid/story", Fixture, NULL, fixture_setup, test_e2e_prepaid,
              fixture_teardown);
  g_test_add ("/vp/e2e-prepaid/restart", Fixture, NULL, fixture_setup, test_e2e_restart,
              fixture_teardown);
  g_test_add ("/vp/e2e-prepaid/vpctl-topup-closes", Fixture, NULL, fixture_setup,
              test_e2e_vpctl_topup_closes, fixture_teardown);
  g_test_add ("/vp/e2e-prepaid/vpctl", Fixture, NULL, fixture_setup, test_e2e_vpctl,
              fixture_teardown);
  g_test_add ("/vp/e2e-prepaid/service", Fixture, NULL, fixture_setup, test_e2e_service,
              fixture_teardown);
  g_test_add ("/vp/e2e-prepaid/set-time", Fixture, NULL, fixture_setup, test_e2e_set_time,
              fixture_teardown);
  g_test_add ("/vp/e2e-prepaid/killed-sender", Fixture, NULL, fixture_setup,
              test_e2e_killed_sender, fixture_teardown);

  return g_test_run ();
}
