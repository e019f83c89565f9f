/* bench-model.c: what the account model costs, against bare SQLite in the same process
 *
 * 1. Durable top-ups: vp_ledger_topup() (BEGIN IMMEDIATE, account and shift checks,
 *    ledger row, cached balance, receipt number, audit row, COMMIT with WAL and
 *    synchronous=FULL) against a bare single-row INSERT committed the same way on the
 *    same connection. Goal: at least 0.5 × the bare rate.
 * 2. Demo generation of VP_BENCH_ACCOUNTS accounts (default 200 000).
 * 3. Search per keystroke over those accounts: vp_search_accounts() for 1-, 2- and 3+-
 *    character queries taken from the data, median and p95, against a bare indexed
 *    lookup (account number = ?) and against one 60 Hz frame (16.7 ms) for p95.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <string.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-demo.h"
#include "vp-ledger.h"
#include "vp-search.h"
#include "vp-session.h"
#include "vp-shift.h"
#include "vp-test-tmp.h"

#define PASSWORD   "bench-pass-1"
#define ROUNDS     8
#define PER_ROUND  50
#define N_SAMPLES  300
#define FRAME_MS   16.7

static VpSession *
admin_session (VpDatabase *db)
{
  g_autoptr(GError) error = NULL;
  VpSession *session;

  g_assert_true (vp_operator_add (db, NULL, "root", "root", VP_ROLE_ADMIN, PASSWORD, NULL, &error));
  session = vp_session_login (db, "root", PASSWORD, &error);
  g_assert_no_error (error);
  return session;
}

/* ---- 1. durable top-ups ---- */

static double
bare_inserts (VpDatabase *db,
              int         n)
{
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < n; i++)
    {
      sqlite3_stmt *stmt;

      g_assert_true (vp_database_begin (db, NULL));
      stmt = vp_database_prepare (db, "INSERT INTO plain (account_id, amount, created_at) "
                                  "VALUES (1, 5000, '2026-11-25T10:00:00.000000Z')", NULL);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
      g_assert_true (vp_database_commit (db, NULL));
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
model_topups (VpDatabase *db,
              VpSession  *session,
              const char *number,
              int         n)
{
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < n; i++)
    g_assert_true (vp_ledger_topup (db, session, number, 5000, VP_PAYMENT_CASH, NULL, 0, NULL, NULL));
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_topups (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "topup.db", NULL);
  g_autoptr(VpDatabase) db = vp_database_open (path, &error);
  g_autoptr(VpSession) admin = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpAccountSpec spec;
  double bare = 0, model = 0;

  g_assert_no_error (error);
  admin = admin_session (db);
  g_assert_true (vp_database_exec (db, "CREATE TABLE plain (id INTEGER PRIMARY KEY, "
                                   "account_id INTEGER, amount INTEGER, created_at TEXT)", NULL));
  g_assert_true (vp_shift_open (db, admin, 0, NULL, &error));
  vp_account_spec_init (&spec);
  spec.name = "王伟";
  g_assert_true (vp_account_open (db, admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);

  /* Interleaved rounds, so a noisy neighbour hurts both sides alike. */
  for (int r = 0; r < ROUNDS; r++)
    {
      bare += bare_inserts (db, PER_ROUND);
      model += model_topups (db, admin, account->number, PER_ROUND);
    }
  g_assert_true (vp_ledger_verify (db, NULL, &error));

  g_print ("durable top-up: %.0f commits/s, bare WAL+FULL insert: %.0f commits/s, "
           "ratio %.2f (goal >= 0.50)\n",
           ROUNDS * PER_ROUND / model, ROUNDS * PER_ROUND / bare, bare / model);
}

/* ---- 3. search ---- */

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
percentiles (GArray *ms,
             double *median,
             double *p95)
{
  g_array_sort (ms, compare_double);
  *median = g_array_index (ms, double, ms->len / 2);
  *p95 = g_array_index (ms, double, MIN (ms->len - 1, ms->len * 95 / 100));
}

static double
bare_lookup_median (VpDatabase *db,
                    GPtrArray  *numbers)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  double median, p95;

  for (guint i = 0; i < numbers->len; i++)
    {
      gint64 start = g_get_monotonic_time ();
      sqlite3_stmt *stmt;
      double t;

      vp_database_lock (db);
      stmt = vp_database_prepare (db, "SELECT id FROM accounts WHERE number = ?", NULL);
      sqlite3_bind_text (stmt, 1, numbers->pdata[i], -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      sqlite3_reset (stmt);
      vp_database_unlock (db);
      t = (g_get_monotonic_time () - start) / 1e3;
      g_array_append_val (ms, t);
    }
  percentiles (ms, &median, &p95);
  return median;
}

/* The first @n characters of @text, or all of it with @n < 0. */
static char *
prefix_chars (const char *text,
              int         n)
{
  if (n < 0 || g_utf8_strlen (text, -1) <= n)
    return g_strdup (text);
  return g_strndup (text, g_utf8_offset_to_pointer (text, n) - text);
}

/* This thread's CPU time: what a query costs when no neighbour takes the core. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
bench_search (VpDatabase *db,
              VpSession  *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  g_autoptr(GPtrArray) q1 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) q2 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) q3 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *classes[] = { q1, q2, q3 };
  const char *labels[] = { "1 character", "2 characters", "3+ characters" };
  gint64 n_accounts = 0;
  double bare;

  {
    g_autoptr(GPtrArray) all = vp_account_list (db, session, 0, 1, &error);
    sqlite3_stmt *stmt;

    g_assert_nonnull (all);
    vp_database_lock (db);
    stmt = vp_database_prepare (db, "SELECT COUNT (*) FROM accounts", NULL);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    n_accounts = sqlite3_column_int64 (stmt, 0);
    sqlite3_reset (stmt);
    vp_database_unlock (db);
  }

  /* What a cashier types: the start of a name, key by key; a meter's last digits; a
   * phone's start; a room; an account number. */
  for (int i = 0; i < N_SAMPLES; i++)
    {
      g_autofree char *number = vp_account_number_for_seq (g_rand_int_range (rand, 1, n_accounts + 1));
      g_autoptr(VpAccount) a = vp_account_get (db, session, number, &error);
      const VpMeter *m = g_ptr_array_index (a->meters, 0);

      g_assert_nonnull (a);
      g_ptr_array_add (q1, prefix_chars (a->name, 1));
      g_ptr_array_add (q2, prefix_chars (a->name, 2));
      switch (i % 5)
        {
        case 0: g_ptr_array_add (q3, g_strdup (a->name)); break;
        case 1: g_ptr_array_add (q3, g_strdup (m->address + 8)); break;
        case 2: g_ptr_array_add (q3, g_strndup (a->phone, 7)); break;
        case 3: g_ptr_array_add (q3, g_strdup (a->room)); break;
        default: g_ptr_array_add (q3, g_strdup (a->number)); break;
        }
      g_ptr_array_add (numbers, g_steal_pointer (&number));
    }

  bare = bare_lookup_median (db, numbers);
  g_print ("bare indexed lookup (account number = ?): median %.4f ms\n", bare);
  for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
    {
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
      double median, p95, cpu_median, cpu_p95;
      guint total_hits = 0;

      for (guint i = 0; i < classes[c]->len; i++)
        {
          gint64 start = g_get_monotonic_time ();
          double cpu_start = thread_cpu_ms ();
          g_autoptr(GPtrArray) hits = vp_search_accounts (db, session, classes[c]->pdata[i], -1,
                                                          VP_SEARCH_DEFAULT_LIMIT, &error);
          double cpu = thread_cpu_ms () - cpu_start;
          double t = (g_get_monotonic_time () - start) / 1e3;

          g_assert_no_error (error);
          g_assert_cmpint (hits->len, >, 0);
          total_hits += hits->len;
          g_array_append_val (ms, t);
          g_array_append_val (cpu_ms, cpu);
        }
      percentiles (ms, &median, &p95);
      percentiles (cpu_ms, &cpu_median, &cpu_p95);
      g_print ("search %-13s over %" G_GINT64_FORMAT " accounts: median %.3f ms, p95 %.3f ms "
               "(CPU %.3f / %.3f ms; %.1f hits avg); median/bare %.0fx; p95/frame %.3f (goal < 1)\n",
               labels[c], n_accounts, median, p95, cpu_median, cpu_p95,
               (double) total_hits / classes[c]->len, median / bare, p95 / FRAME_MS);
    }
}

/* ---- 2. demo, then 3 ---- */

/* CPU seconds of this process: on a shared machine, wall time says more about the
 * neighbours than about the code. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void
bench_demo_and_search (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autoptr(VpDatabase) db = vp_database_open (path, &error);
  g_autoptr(VpSession) admin = NULL;
  const char *env = g_getenv ("VP_BENCH_ACCOUNTS");
  gint64 n = env != NULL ? g_ascii_strtoll (env, NULL, 10) : 200000;
  VpDemoStats stats;
  double cpu;

  g_assert_no_error (error);
  admin = admin_session (db);
  cpu = cpu_seconds ();
  g_assert_true (vp_demo_generate (db, admin, n, 1, &stats, &error));
  g_assert_no_error (error);
  cpu = cpu_seconds () - cpu;
  g_print ("demo: %" G_GINT64_FORMAT " accounts, %" G_GINT64_FORMAT " meters, %" G_GINT64_FORMAT
           " ledger rows in %.1f s wall, %.1f s CPU (indexes %.1f s wall)\n",
           stats.accounts, stats.meters, stats.ledger_rows, stats.seconds, cpu, stats.index_seconds);
  bench_search (db, admin);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = vp_test_tmp_new ();

  bench_topups (dir);
  bench_demo_and_search (dir);
  vp_test_tmp_remove (dir);
  return 0;
}
