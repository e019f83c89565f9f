/* bench-engine.c: what charging and alarm evaluation cost per reading
 *
 * 10 000 meters on 100 links, readings already fetched (a gateway that answers from
 * memory), WAL with synchronous=FULL as in service, then NORMAL (no fsync):
 *   bare     one INSERT of the reading in its own transaction
 *   store    vp_engine_store_reading(): the reading, its charge (ledger row, cached
 *            balance, audit row), the carry and the alarm evaluation, one transaction
 *   cycle    vp_engine_run_cycle() over all meters: the above in batches of 50
 *            readings a transaction (a savepoint each), grouping by link, worker
 *            threads and the command queue
 * 10% of the accounts cross alarm 1 during the measured passes, so alarms, outbox rows
 * and (for 1% of them) trip commands are part of the cost. Goal: store ≤ 5 × bare.
 */
#include "config.h"

#include <sqlite3.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-test-tmp.h"

#define N_METERS 10000
#define N_LINKS  100

/* ───── a gateway that answers from memory ───── */

#define BENCH_TYPE_GATEWAY (bench_gateway_get_type ())
G_DECLARE_FINAL_TYPE (BenchGateway, bench_gateway, BENCH, GATEWAY, GObject)

struct _BenchGateway
{
  GObject  parent_instance;
  gint64   total;             /* every meter reads this register */
};

static void bench_gateway_iface_init (VpMeterGatewayInterface *iface);

G_DEFINE_TYPE_WITH_CODE (BenchGateway, bench_gateway, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (VP_TYPE_METER_GATEWAY, bench_gateway_iface_init))

static gboolean
bench_read (VpMeterGateway       *gateway,
            const VpMeterTarget  *target,
            VpMeterSample        *out,
            GCancellable         *cancellable,
            GError              **error)
{
  out->total = BENCH_GATEWAY (gateway)->total;
  out->supply = VP_SUPPLY_ON;
  return TRUE;
}

static gboolean
bench_control (VpMeterGateway       *gateway,
               const VpMeterTarget  *target,
               VpControl             control,
               GCancellable         *cancellable,
               GError              **error)
{
  return TRUE;
}

static gboolean
bench_read_supply (VpMeterGateway       *gateway,
                   const VpMeterTarget  *target,
                   VpSupplyState        *out,
                   GCancellable         *cancellable,
                   GError              **error)
{
  *out = VP_SUPPLY_OFF;
  return TRUE;
}

static void
bench_gateway_iface_init (VpMeterGatewayInterface *iface)
{
  iface->read = bench_read;
  iface->control = bench_control;
  iface->read_supply = bench_read_supply;
}

static void
bench_gateway_class_init (BenchGatewayClass *klass)
{
}

static void
bench_gateway_init (BenchGateway *self)
{
}

/* ───── setup ───── */

static gint64 bench_now;

static gint64
bench_clock (gpointer user_data)
{
  return bench_now;
}

static void
exec (VpDatabase *db,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_database_exec (db, sql, &error));
  g_assert_no_error (error);
}

/* Accounts, customers and meters straight into the tables: the benchmark is about
 * reading, not about opening 10 000 accounts. */
static void
populate (VpDatabase *db)
{
  sqlite3_stmt *stmt;

  g_assert_true (vp_database_begin (db, NULL));
  exec (db, "INSERT INTO tariffs (name, version, kind, type, params, effective_from, created_at) "
            "VALUES ('flat', 1, 'electricity', 'flat', 'rates=5283', 0, '2026-01-01T00:00:00.000000Z')");
  exec (db, "CREATE TABLE bench_readings (id INTEGER PRIMARY KEY, meter_id INTEGER NOT NULL, "
            "meter_time INTEGER NOT NULL, station_time INTEGER NOT NULL, total INTEGER NOT NULL, "
            "t1 INTEGER, t2 INTEGER, t3 INTEGER, t4 INTEGER, UNIQUE (meter_id, meter_time, total))");
  for (int i = 1; i <= N_METERS; i++)
    {
      g_autofree char *number = vp_account_number_for_seq (i);
      g_autofree char *address = g_strdup_printf ("%012d", i);
      g_autofree char *link = g_strdup_printf ("bench://link-%d", i % N_LINKS);

      stmt = vp_database_prepare (db, "INSERT INTO customers (id, name, created_at) "
                                  "VALUES (?, '张伟', '2026-01-01T00:00:00.000000Z')", NULL);
      sqlite3_bind_int (stmt, 1, i);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);

      stmt = vp_database_prepare (db, "INSERT INTO accounts (id, number, customer_id, alarm1, "
                                  "alarm2, trip, tariff, balance, opened_at) VALUES (?1, ?2, ?1, "
                                  "2000, ?3, ?3, 'flat', ?4, '2026-01-01T00:00:00.000000Z')", NULL);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_text (stmt, 2, number, -1, SQLITE_TRANSIENT);
      /* 0.53 yuan a pass: accounts …0 cross alarm 1 in the store pass, …5 in the
       * cycle pass; every 100th has alarm 2 and trip just below and trips as well */
      sqlite3_bind_int (stmt, 3, i % 100 == 0 ? 1995 : 0);
      sqlite3_bind_int (stmt, 4, i % 10 == 0 ? 2100 : i % 10 == 5 ? 2150 : 1000000);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);

      stmt = vp_database_prepare (db, "INSERT INTO meters (id, account_id, kind, protocol, address, "
                                  "link, installed_at) VALUES (?1, ?1, 'electricity', 'dlt645', ?2, ?3, "
                                  "'2026-01-01T00:00:00.000000Z')", NULL);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_text (stmt, 2, address, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, link, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  g_assert_true (vp_database_commit (db, NULL));
}

/* ───── the three measurements ───── */

static double
bare_pass (VpDatabase *db,
           gint64      total)
{
  gint64 start = g_get_monotonic_time ();

  for (int i = 1; i <= N_METERS; i++)
    {
      sqlite3_stmt *stmt;

      g_assert_true (vp_database_begin (db, NULL));
      stmt = vp_database_prepare (db, "INSERT INTO bench_readings (meter_id, meter_time, "
                                  "station_time, total) VALUES (?, ?, ?, ?)", NULL);
      sqlite3_bind_int (stmt, 1, i);
      sqlite3_bind_int64 (stmt, 2, bench_now);
      sqlite3_bind_int64 (stmt, 3, bench_now);
      sqlite3_bind_int64 (stmt, 4, total);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
      g_assert_true (vp_database_commit (db, NULL));
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
store_pass (VpEngine *engine,
            gint64    total,
            guint    *out_alarms)
{
  gint64 start = g_get_monotonic_time ();
  VpCycleReport report = { 0 };

  for (int i = 1; i <= N_METERS; i++)
    {
      g_autoptr(GError) error = NULL;
      VpMeterSample sample = { .total = total, .supply = VP_SUPPLY_ON };
      VpReadingOutcome outcome;

      g_assert_true (vp_engine_store_reading (engine, i, &sample, bench_now, &outcome,
                                              &report, &error));
      g_assert_no_error (error);
      g_assert_cmpint (outcome, ==, VP_READING_CHARGED);
    }
  if (out_alarms != NULL)
    *out_alarms = report.alarms;
  vp_cycle_report_clear (&report);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
cycle_pass (VpEngine     *engine,
            BenchGateway *gateway,
            gint64        total,
            guint        *out_alarms)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  VpCycleReport report = { 0 };
  double seconds;

  gateway->total = total;
  g_assert_true (vp_engine_run_cycle (engine, &report, NULL, &error));
  g_assert_no_error (error);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpuint (report.charged, ==, N_METERS);
  g_assert_cmpuint (report.errors, ==, 0);
  *out_alarms = report.alarms;
  vp_cycle_report_clear (&report);
  return seconds;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(VpEngine) engine = NULL;
  g_autoptr(BenchGateway) gateway = g_object_new (BENCH_TYPE_GATEWAY, NULL);
  double ratio_durable = 0, ratio_work = 0;

  g_setenv ("TZ", "UTC", TRUE);
  db = vp_database_open (path, &error);
  g_assert_no_error (error);
  populate (db);
  engine = vp_engine_new (db, VP_METER_GATEWAY (gateway));
  vp_engine_set_clock (engine, bench_clock, NULL);
  bench_now = 1795428000;

  /* warm-up, without fsync: every meter's first reading (charged from installation) */
  exec (db, "PRAGMA synchronous = NORMAL");
  bench_now += 3600;
  store_pass (engine, 100, NULL);
  bench_now += 3600;
  bare_pass (db, 100);

  g_print ("# %d meters, %d links; bare and store: a transaction per reading, cycle: per 50\n",
           N_METERS, N_LINKS);
  for (int durable = 1; durable >= 0; durable--)
    {
      double bare, store, cycle;
      guint store_alarms = 0, alarms = 0;
      gint64 base = durable ? 200 : 500;

      exec (db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
      bench_now += 3600;
      bare = bare_pass (db, base);
      bench_now += 3600;
      store = store_pass (engine, base + 100, &store_alarms);
      bench_now += 3600;
      cycle = cycle_pass (engine, gateway, base + 200, &alarms);

      g_print ("# %s\n", durable ? "synchronous=FULL (as in service: an fsync per commit)"
                                  : "synchronous=NORMAL (no fsync: the work itself)");
      g_print ("#   bare insert   %8.1f us/reading\n", bare * 1e6 / N_METERS);
      g_print ("#   store+charge  %8.1f us/reading  %.2fx bare  (%u alarms raised)\n",
               store * 1e6 / N_METERS, store / bare, store_alarms);
      g_print ("#   full cycle    %8.1f us/reading  %.2fx bare  (%u alarms raised)\n",
               cycle * 1e6 / N_METERS, cycle / bare, alarms);
      if (durable)
        ratio_durable = store / bare;
      else
        ratio_work = store / bare;
    }
  g_print ("1..1\nok 1 /vp/bench/engine store/bare %.2f durable, %.2f without fsync (goal <= 5)\n",
           ratio_durable, ratio_work);

  g_clear_pointer (&engine, vp_engine_free);
  g_clear_pointer (&db, vp_database_unref);
  vp_test_tmp_remove (dir);
  return 0;
}
