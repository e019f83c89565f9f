/* test-crash.c: nothing committed is lost when the process dies mid-write
 *
 * The harness starts this same executable as a worker ("--worker DB ROLE SEED"), which
 * does top-ups, refunds, reversals and charges on a real database file as fast as it
 * can and writes one line per movement to its stdout AFTER the commit returned. The
 * harness kills it with SIGKILL at a random moment, reads whatever lines made it out,
 * reopens the file as a restarted counter would and checks that:
 * - the file, the audit chain and the ledger verify (vp_ledger_verify proves balances
 *   equal the ledger sum and receipt numbers run 1..N with no gap);
 * - every reported movement is in the ledger exactly once, with its amount and
 *   receipt; at most one unreported movement per killed worker (committed, then
 *   killed before it could say so);
 * - now and then, `vpctl db verify` (another process) agrees.
 * The second case runs two workers on the same file at once, the counter and the
 * reading service (charges as the system): neither ever sees "database is locked".
 *
 * The third case kills a process that queues meter commands (vp_engine_control) and
 * sends them (vp_engine_send_commands) through a gateway whose meters keep their relay
 * state in files and log every control they receive: after each kill no reported
 * command is missing from the queue, and no meter received a command more often than
 * commands for it were taken for sending (a command confirmed by reading the relay back
 * is never sent again); a last uninterrupted run leaves nothing queued or leased and
 * every relay as its newest confirmed command left it.
 *
 * Time is bounded by VP_CRASH_SECONDS per case (default 8), at least 10 kills each.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vp-engine.h"
#include "vp-test-counter.h"

#define N_ACCOUNTS   4
#define WORKER_ROUNDS 100000

/* ------------------------------------------------------------------ worker */

/* One line per committed movement: "M ID RECEIPT AMOUNT"; written with write(2) so
 * nothing waits in a stdio buffer when the kill comes. */
static void
report (const VpLedgerEntry *e)
{
  g_autofree char *line = g_strdup_printf ("M %" G_GINT64_FORMAT " %s %" G_GINT64_FORMAT "\n",
                                           e->id, e->receipt != NULL ? e->receipt : "-",
                                           e->amount);
  ssize_t n = write (STDOUT_FILENO, line, strlen (line));

  if (n != (ssize_t) strlen (line))
    _exit (3);
}

static void
report_error (const GError *error)
{
  g_autofree char *line = g_strdup_printf ("E %d %s\n", error->code, error->message);

  if (write (STDOUT_FILENO, line, strlen (line)) < 0)
    _exit (3);
  _exit (1);
}

/* An expected refusal (the random amount did not fit) is fine; anything else ends the
 * worker with an "E" line the harness fails on. */
static void
check_refusal (GError *error)
{
  if (g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INSUFFICIENT_BALANCE)
      || g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE))
    return;
  report_error (error);
}

static int commands_main (VpDatabase *db,
                          GRand      *rand);

static int
worker_main (const char *path,
             const char *role,
             guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(VpSession) cashier = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gboolean counter = g_str_equal (role, "counter");
  char *last_topup[N_ACCOUNTS] = { NULL };
  g_autofree char *approver_text = NULL;
  gint64 approver;

  db = vp_database_open (path, &error);
  if (db == NULL)
    report_error (error);
  approver_text = vp_database_get_setting (db, "test.approver", "0");
  approver = g_ascii_strtoll (approver_text, NULL, 10);

  if (counter)
    {
      cashier = vp_session_login (db, "cashier", VP_TEST_PASSWORD, &error);
      if (cashier == NULL)
        report_error (error);
      shift = vp_shift_get_current (db, cashier, &error);
      if (shift == NULL && error == NULL && !vp_shift_open (db, cashier, 0, NULL, &error))
        report_error (error);
      if (error != NULL)
        report_error (error);
    }
  if (g_str_equal (role, "commands"))
    return commands_main (db, rand);
  if (write (STDOUT_FILENO, "R\n", 2) != 2)
    return 3;

  for (int round = 0; round < WORKER_ROUNDS; round++)
    {
      g_autoptr(VpLedgerEntry) e = NULL;
      g_autoptr(GError) err = NULL;
      int a = g_rand_int_range (rand, 0, N_ACCOUNTS);
      g_autofree char *number = vp_account_number_for_seq (a + 1);
      /* At least 20 fen, so the charge (amount / 20) and refund (amount / 4) drawn from
       * it are never zero, which the ledger rightly refuses. */
      gint64 amount = g_rand_int_range (rand, 20, 50000);
      gboolean ok;

      if (!counter)
        ok = vp_ledger_charge (db, NULL, number, amount / 20, 0, amount / 10, "crash test",
                               &e, &err);
      else
        switch (g_rand_int_range (rand, 0, 3))
          {
          case 0:
            ok = vp_ledger_topup (db, cashier, number, amount, VP_PAYMENT_CASH, NULL, 0, &e, &err);
            if (ok)
              {
                g_free (last_topup[a]);
                last_topup[a] = g_strdup (e->receipt);
              }
            break;
          case 1:
            ok = vp_ledger_refund (db, cashier, number, amount / 4, VP_PAYMENT_CASH, approver,
                                   &e, &err);
            break;
          default:
            if (last_topup[a] == NULL)
              continue;
            ok = vp_ledger_reverse (db, cashier, last_topup[a], approver, &e, &err);
            g_clear_pointer (&last_topup[a], g_free);
            break;
          }
      if (ok)
        report (e);
      else
        check_refusal (err);
    }
  return 0;
}

/* ------------------------------------------------------- a file-backed meter bus */

/* Meter @id's relay lives in DIR/meter-ID ("on"/"off"); each control it receives is
 * appended to DIR/controls.log as "ID ACTION" after the relay moved, so a control that
 * is logged has taken effect, and one that took effect is read back by the next process. */
#define CRASH_TYPE_GATEWAY (crash_gateway_get_type ())
G_DECLARE_FINAL_TYPE (CrashGateway, crash_gateway, CRASH, GATEWAY, GObject)

struct _CrashGateway
{
  GObject  parent_instance;
  char    *dir;
};

static void crash_gateway_iface_init (VpMeterGatewayInterface *iface);

G_DEFINE_TYPE_WITH_CODE (CrashGateway, crash_gateway, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (VP_TYPE_METER_GATEWAY, crash_gateway_iface_init))

static char *
relay_path (CrashGateway        *self,
            const VpMeterTarget *target)
{
  g_autofree char *name = g_strdup_printf ("meter-%" G_GINT64_FORMAT, target->meter_id);

  return g_build_filename (self->dir, name, NULL);
}

static gboolean
crash_gateway_read_supply (VpMeterGateway       *gateway,
                           const VpMeterTarget  *target,
                           VpSupplyState        *out_supply,
                           GCancellable         *cancellable,
                           GError              **error)
{
  g_autofree char *path = relay_path (CRASH_GATEWAY (gateway), target);
  g_autofree char *state = NULL;

  g_file_get_contents (path, &state, NULL, NULL);
  *out_supply = g_strcmp0 (state, "off") == 0 ? VP_SUPPLY_OFF : VP_SUPPLY_ON;
  return TRUE;
}

static gboolean
crash_gateway_read (VpMeterGateway       *gateway,
                    const VpMeterTarget  *target,
                    VpMeterSample        *out,
                    GCancellable         *cancellable,
                    GError              **error)
{
  memset (out, 0, sizeof *out);
  return crash_gateway_read_supply (gateway, target, &out->supply, cancellable, error);
}

static gboolean
crash_gateway_control (VpMeterGateway       *gateway,
                       const VpMeterTarget  *target,
                       VpControl             control,
                       GCancellable         *cancellable,
                       GError              **error)
{
  CrashGateway *self = CRASH_GATEWAY (gateway);
  g_autofree char *path = relay_path (self, target);
  g_autofree char *log = g_build_filename (self->dir, "controls.log", NULL);
  g_autofree char *line = g_strdup_printf ("%" G_GINT64_FORMAT " %s\n", target->meter_id,
                                           vp_control_to_string (control));
  FILE *f;

  if (control == VP_CONTROL_TRIP || control == VP_CONTROL_CLOSE)
    g_assert_true (g_file_set_contents (path, control == VP_CONTROL_TRIP ? "off" : "on", -1, NULL));
  f = fopen (log, "a");
  g_assert_nonnull (f);
  fputs (line, f);
  fclose (f);
  return TRUE;
}

static void
crash_gateway_finalize (GObject *object)
{
  g_free (CRASH_GATEWAY (object)->dir);
  G_OBJECT_CLASS (crash_gateway_parent_class)->finalize (object);
}

static void
crash_gateway_class_init (CrashGatewayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crash_gateway_finalize;
}

static void
crash_gateway_init (CrashGateway *self)
{
}

static void
crash_gateway_iface_init (VpMeterGatewayInterface *iface)
{
  iface->read = crash_gateway_read;
  iface->control = crash_gateway_control;
  iface->read_supply = crash_gateway_read_supply;
}

static VpEngine *
crash_engine_new (VpDatabase *db)
{
  g_autoptr(CrashGateway) gateway = g_object_new (CRASH_TYPE_GATEWAY, NULL);

  gateway->dir = g_path_get_dirname (vp_database_get_path (db));
  return vp_engine_new (db, VP_METER_GATEWAY (gateway));
}

/* Queue trip / close commands as a supervisor and send them; "Q ACCOUNT ACTION" per
 * command queued, after the queueing committed. */
static int
commands_main (VpDatabase *db,
               GRand      *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) super = vp_session_login (db, "super", VP_TEST_PASSWORD, &error);
  VpEngine *engine;

  if (super == NULL)
    report_error (error);
  engine = crash_engine_new (db);
  if (write (STDOUT_FILENO, "R\n", 2) != 2)
    return 3;
  for (int round = 0; round < WORKER_ROUNDS; round++)
    {
      g_autoptr(GError) err = NULL;
      int a = g_rand_int_range (rand, 0, N_ACCOUNTS);
      g_autofree char *number = vp_account_number_for_seq (a + 1);
      const char *action = g_rand_boolean (rand) ? "trip" : "close";
      VpCycleReport report = { 0 };
      guint queued = 0;

      if (!vp_engine_control (db, super, number, action, "crash test", &queued, &err))
        report_error (err);
      /* One line per command queued (none when the same one is pending already). */
      for (guint i = 0; i < queued; i++)
        {
          g_autofree char *line = g_strdup_printf ("Q %s %s\n", number, action);

          if (write (STDOUT_FILENO, line, strlen (line)) != (ssize_t) strlen (line))
            _exit (3);
        }
      if (g_rand_int_range (rand, 0, 3) == 0
          && !vp_engine_send_commands (engine, &report, NULL, &err))
        report_error (err);
    }
  vp_engine_free (engine);
  return 0;
}

/* ----------------------------------------------------------------- harness */

typedef struct
{
  VpTestCounter  counter;
  char          *path;
  gint64         n_reported;
  gint64         n_kills;
  gint64         n_rows;
  GHashTable    *queued;       /* "ACCOUNT ACTION" → commands reported queued */
  gint64         n_queued;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *approver = NULL;

  vp_test_counter_setup (&f->counter, data);
  f->queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *number = vp_test_counter_open (&f->counter, "王芳", NULL);
      g_autofree char *want = vp_account_number_for_seq (i + 1);

      g_assert_cmpstr (number, ==, want);
    }
  approver = g_strdup_printf ("%" G_GINT64_FORMAT, f->counter.supervisor_id);
  g_assert_true (vp_database_set_setting (f->counter.db, "test.approver", approver, &error));
  g_assert_no_error (error);
  f->path = g_strdup (vp_database_get_path (f->counter.db));
  /* The workers own the file while they run; the harness reopens it after each kill. */
  g_clear_pointer (&f->counter.db, vp_database_unref);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->counter.db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_test_message ("%" G_GINT64_FORMAT " kills, %" G_GINT64_FORMAT " movements reported, "
                  "%" G_GINT64_FORMAT " ledger rows", f->n_kills, f->n_reported, f->n_rows);
  vp_test_counter_teardown (&f->counter, data);
  g_free (f->path);
  g_clear_pointer (&f->queued, g_hash_table_unref);
}

typedef struct
{
  GPid     pid;
  int      out_fd;
  GString *buffer;
  gboolean ready;
  gboolean eof;
} Worker;

static void
worker_start (Worker     *w,
              const char *path,
              const char *role,
              guint32     seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);
  char *argv[] = { self, (char *) "--worker", (char *) path, (char *) role, seed_text, NULL };

  memset (w, 0, sizeof *w);
  g_assert_nonnull (self);
  g_assert_true (g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &w->pid, NULL, &w->out_fd, NULL,
                                           &error));
  g_assert_no_error (error);
  w->buffer = g_string_new (NULL);
}

/* Read what is there (waiting at most @timeout_ms); FALSE at end of file. */
static gboolean
worker_pump (Worker *w,
             int     timeout_ms)
{
  struct pollfd pfd = { w->out_fd, POLLIN, 0 };
  char chunk[4096];
  ssize_t n;

  if (w->eof)
    return FALSE;
  if (poll (&pfd, 1, timeout_ms) <= 0)
    return TRUE;
  n = read (w->out_fd, chunk, sizeof chunk);
  if (n <= 0)
    {
      w->eof = TRUE;
      return FALSE;
    }
  g_string_append_len (w->buffer, chunk, n);
  if (!w->ready && strstr (w->buffer->str, "R\n") != NULL)
    w->ready = TRUE;
  return TRUE;
}

/* SIGKILL, reap, drain the pipe: every line the worker wrote before it died. */
static void
worker_kill (Worker *w)
{
  int status = 0;

  kill (w->pid, SIGKILL);
  g_assert_cmpint (waitpid (w->pid, &status, 0), ==, w->pid);
  g_spawn_close_pid (w->pid);
  while (worker_pump (w, 1000))
    ;
  close (w->out_fd);
  /* Died of our signal, not of its own failure. */
  if (!(WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL))
    g_error ("worker ended by itself (status %d): %s", status, w->buffer->str);
}

/* Each reported movement is in the ledger exactly once with its amount and receipt;
 * returns how many lines were checked. */
static gint64
check_reported (VpDatabase *db,
                Worker     *w)
{
  g_auto(GStrv) lines = g_strsplit (w->buffer->str, "\n", -1);
  gint64 n = 0;
  sqlite3_stmt *stmt;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT count(*), amount, COALESCE (receipt, '-') "
                                  "FROM ledger WHERE id = ?", NULL);
  g_assert_nonnull (stmt);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;

      if (lines[i][0] == 'E')
        g_error ("a worker failed: %s", lines[i]);
      if (lines[i][0] != 'M')
        continue;
      parts = g_strsplit (lines[i], " ", 4);
      g_assert_cmpuint (g_strv_length (parts), ==, 4);
      sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (parts[1], NULL, 10));
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, 1);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 1), ==, g_ascii_strtoll (parts[3], NULL, 10));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, parts[2]);
      sqlite3_reset (stmt);
      n++;
    }
  vp_database_unlock (db);
  return n;
}

/* A count from the harness's connection; @account and @action may be NULL. */
static gint64
count_commands (VpDatabase *db,
                const char *sql,
                const char *account,
                const char *action)
{
  sqlite3_stmt *stmt;
  gint64 n;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, sql, NULL);
  g_assert_nonnull (stmt);
  if (account != NULL)
    sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  if (action != NULL)
    sqlite3_bind_text (stmt, 2, action, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return n;
}

#define COMMANDS_OF \
  "FROM commands c JOIN meters m ON m.id = c.meter_id JOIN accounts a ON a.id = m.account_id " \
  "WHERE a.number = ?1 AND c.action = ?2"

/* Nothing reported queued is missing; no meter got a control more often than commands
 * for it were taken for sending (attempts); tallies the "Q" lines of @w. */
static void
check_commands (Fixture *f,
                VpDatabase *db,
                Worker  *w)
{
  g_auto(GStrv) lines = g_strsplit (w->buffer->str, "\n", -1);
  g_autofree char *log_path = NULL;
  g_autofree char *log = NULL;
  g_autoptr(GHashTable) sends = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) log_lines = NULL;
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == 'E')
        g_error ("the command worker failed: %s", lines[i]);
      if (lines[i][0] == 'Q')
        {
          gpointer n = g_hash_table_lookup (f->queued, lines[i] + 2);

          g_hash_table_insert (f->queued, g_strdup (lines[i] + 2),
                               GINT_TO_POINTER (GPOINTER_TO_INT (n) + 1));
          f->n_queued++;
        }
    }
  /* Every command reported queued is in the queue (in whatever state it reached). */
  g_hash_table_iter_init (&iter, f->queued);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, " ", 2);

      g_assert_cmpint (count_commands (db, "SELECT count(*) " COMMANDS_OF, parts[0], parts[1]),
                       >=, GPOINTER_TO_INT (value));
    }

  /* Controls each meter received ≤ sending attempts of its commands. */
  {
    g_autofree char *dir = g_path_get_dirname (f->path);

    log_path = g_build_filename (dir, "controls.log", NULL);
  }
  if (!g_file_get_contents (log_path, &log, NULL, NULL))
    return;
  log_lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; log_lines[i] != NULL; i++)
    if (log_lines[i][0] != '\0')
      g_hash_table_insert (sends, g_strdup (log_lines[i]),
                           GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (sends, log_lines[i])) + 1));
  g_hash_table_iter_init (&iter, sends);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (key, " ", 2);
      sqlite3_stmt *stmt;
      gint64 attempts;

      vp_database_lock (db);
      stmt = vp_database_prepare (db, "SELECT COALESCE (SUM (attempts), 0) FROM commands "
                                      "WHERE meter_id = ?1 AND action = ?2", NULL);
      sqlite3_bind_int64 (stmt, 1, g_ascii_strtoll (parts[0], NULL, 10));
      sqlite3_bind_text (stmt, 2, parts[1], -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      attempts = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      vp_database_unlock (db);
      if (GPOINTER_TO_INT (value) > attempts)
        g_error ("meter %s got %s %d times for %" G_GINT64_FORMAT " sending attempts",
                 parts[0], parts[1], GPOINTER_TO_INT (value), attempts);
    }
}

/* `vpctl db verify` in another process must agree with the in-process checks. */
static void
vpctl_verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *vpctl = g_getenv ("VPCTL");
  const char *argv[] = { vpctl, "--db", path, "db", "verify", NULL };
  g_auto(GStrv) env = g_get_environ ();
  int status = 0;

  g_assert_nonnull (vpctl);
  env = g_environ_setenv (env, "VP_OPERATOR", "root", TRUE);
  env = g_environ_setenv (env, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("vpctl db verify failed: %s%s", out, err);
}

static void
run_kills (Fixture            *f,
           const char * const *roles,
           guint               n_workers)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  const char *seconds_text = g_getenv ("VP_CRASH_SECONDS");
  double seconds = seconds_text != NULL ? g_ascii_strtod (seconds_text, NULL) : 8.0;
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  gint64 prev_rows = 0;

  while (f->n_kills < 10 || g_get_monotonic_time () < deadline)
    {
      g_autoptr(VpDatabase) db = NULL;
      g_autoptr(GError) error = NULL;
      Worker workers[2];
      gint64 kill_at;
      gint64 reported = 0;

      g_assert_cmpuint (n_workers, <=, G_N_ELEMENTS (workers));
      for (guint i = 0; i < n_workers; i++)
        worker_start (&workers[i], f->path, roles[i], g_rand_int (rand));
      for (guint i = 0; i < n_workers; i++)
        while (!workers[i].ready)
          g_assert_true (worker_pump (&workers[i], 10000));

      /* Anywhere from the first statement to a few hundred movements in. */
      kill_at = g_get_monotonic_time () + g_rand_int_range (rand, 0, 400) * 1000;
      while (g_get_monotonic_time () < kill_at)
        for (guint i = 0; i < n_workers; i++)
          worker_pump (&workers[i], 1);
      for (guint i = 0; i < n_workers; i++)
        worker_kill (&workers[i]);
      f->n_kills += n_workers;

      db = vp_database_open (f->path, &error);
      g_assert_no_error (error);
      g_assert_true (vp_database_integrity_check (db, &error));
      g_assert_no_error (error);
      g_assert_true (vp_ledger_verify (db, &f->n_rows, &error));
      g_assert_no_error (error);
      g_assert_true (vp_audit_verify (db, NULL, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < n_workers; i++)
        {
          if (g_str_equal (roles[i], "commands"))
            check_commands (f, db, &workers[i]);
          reported += check_reported (db, &workers[i]);
          g_string_free (workers[i].buffer, TRUE);
        }
      f->n_reported += reported;
      /* Rows committed but not reported: at most the one each worker was writing. */
      g_assert_cmpint (f->n_rows - prev_rows, >=, reported);
      g_assert_cmpint (f->n_rows - prev_rows, <=, reported + n_workers);
      prev_rows = f->n_rows;
      g_clear_pointer (&db, vp_database_unref);

      if (f->n_kills % 25 < n_workers)
        vpctl_verify (f->path);
    }
  vpctl_verify (f->path);
  /* Work was really interrupted many times: many kills, and movements (or commands)
   * by the dozen even under the sanitizers (thousands in a normal build). */
  g_assert_cmpint (f->n_kills, >=, 10);
  g_assert_cmpint (f->n_reported + f->n_queued, >, 20);
}

static void
test_crash_counter (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const roles[] = { "counter" };

  run_kills (f, roles, 1);
}

static void
test_crash_two_writers (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const roles[] = { "counter", "service" };

  run_kills (f, roles, 2);
}

/* Accounts with one meter each on one bus, for the command queue. */
static void
fixture_setup_meters (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_setup (f, data);
  f->counter.db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *number = vp_account_number_for_seq (i + 1);
      g_autofree char *address = g_strdup_printf ("%012d", 7000 + i);
      VpMeterSpec meter;

      vp_meter_spec_init (&meter);
      meter.address = address;
      meter.link = "crash://bus";
      g_assert_true (vp_account_add_meter (f->counter.db, f->counter.admin, number, &meter, NULL,
                                           &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&f->counter.db, vp_database_unref);
}

static void
test_crash_command_queue (Fixture       *f,
                          gconstpointer  data)
{
  static const char * const roles[] = { "commands" };
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  VpCycleReport report = { 0 };
  VpEngine *engine;
  sqlite3_stmt *stmt;
  Worker none = { 0 };

  run_kills (f, roles, 1);

  /* The counter restarts and sends what is left: nothing stays queued or leased, and
   * every relay is where its newest confirmed command put it. */
  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  engine = crash_engine_new (db);
  g_assert_true (vp_engine_send_commands (engine, &report, NULL, &error));
  g_assert_no_error (error);
  vp_engine_free (engine);
  none.buffer = g_string_new (NULL);
  check_commands (f, db, &none);
  g_string_free (none.buffer, TRUE);
  g_assert_cmpint (count_commands (db, "SELECT count(*) FROM commands WHERE state IN "
                                       "('queued', 'sent')", NULL, NULL), ==, 0);
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT m.id, (SELECT c.action FROM commands c WHERE "
                                  "c.meter_id = m.id AND c.state = 'confirmed' ORDER BY c.id DESC "
                                  "LIMIT 1) FROM meters m", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *name = g_strdup_printf ("meter-%lld", (long long) sqlite3_column_int64 (stmt, 0));
      g_autofree char *dir = g_path_get_dirname (f->path);
      g_autofree char *relay_file = g_build_filename (dir, name, NULL);
      g_autofree char *relay = NULL;
      const char *last = (const char *) sqlite3_column_text (stmt, 1);

      g_file_get_contents (relay_file, &relay, NULL, NULL);
      if (last != NULL)
        g_assert_cmpstr (relay, ==, g_str_equal (last, "trip") ? "off" : "on");
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  {
    g_autofree char *dir = g_path_get_dirname (f->path);
    g_autofree char *log_path = g_build_filename (dir, "controls.log", NULL);
    g_autofree char *log = NULL;
    guint n_controls = 0;

    g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
    for (const char *p = log; *p != '\0'; p++)
      n_controls += *p == '\n';
    g_test_message ("%" G_GINT64_FORMAT " commands reported queued, %u controls reached the "
                    "meters", f->n_queued, n_controls);
    g_assert_cmpuint (n_controls, >, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  if (argc == 5 && g_str_equal (argv[1], "--worker"))
    return worker_main (argv[2], argv[3], (guint32) g_ascii_strtoull (argv[4], NULL, 10));

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/vp/crash/counter", Fixture, NULL, fixture_setup, test_crash_counter,
              fixture_teardown);
  g_test_add ("/vp/crash/two-writers", Fixture, NULL, fixture_setup, test_crash_two_writers,
              fixture_teardown);
  g_test_add ("/vp/crash/command-queue", Fixture, NULL, fixture_setup_meters,
              test_crash_command_queue, fixture_teardown);
  return g_test_run ();
}
