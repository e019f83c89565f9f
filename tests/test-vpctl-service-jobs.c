/* test-vpctl-service-jobs.c: `vpctl service --jobs` runs the site jobs (due fees, due
 * batches, overdue reminders, the outbox over SMTP) after each cycle, as the operator it
 * logged in as at start; charges nothing twice; without --jobs nothing changes */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <sqlite3.h>

#include "vp-database.h"
#include "vp-test-smtp.h"
#include "vp-test-tmp.h"
#include "vp-test-vpctl.h"

#define ADMIN     "VP_PASSWORD=admin-pass-1"
#define WAIT_MS   30000
#define SMTP_PASSWORD "smtp-pass-1"

typedef struct
{
  char *dir;
  char *db;
  char *account;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  f->dir = vp_test_tmp_new ();
  f->db = g_build_filename (f->dir, "vendpoint.db", NULL);
  if (g_getenv ("VPCTL") == NULL)
    return;
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "db", "init", "--admin", "root", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "account", "open", "--name", "租户", "--room", "8-101",
                 NULL);
  g_assert_cmpint (r.status, ==, 0);
  f->account = g_strdup (json_object_get_string_member (json_node_get_object (r.json),
                                                        "account"));
  /* one property fee, due today */
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "add", "物业费", "--schedule", "once",
                 "--start", today, "--amount", "12.50", "--account", f->account, NULL);
  g_assert_cmpint (r.status, ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->account);
}

/* $VPCTL --db DB ARGS… with VP_PASSWORD=@password (NULL: unset) and the mail server's
 * password in VP_SMTP_PASSWORD (for notify config), stderr piped. */
static GSubprocess *
spawn_vpctl (Fixture    *f,
             const char *password,
             ...) G_GNUC_NULL_TERMINATED;

static GSubprocess *
spawn_vpctl (Fixture    *f,
             const char *password,
             ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("VPCTL"));
  g_ptr_array_add (args, (char *) "--db");
  g_ptr_array_add (args, f->db);
  va_start (ap, password);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "VP_OPERATOR");
  g_subprocess_launcher_unsetenv (launcher, "VP_DB");
  g_subprocess_launcher_setenv (launcher, "VP_SMTP_PASSWORD", SMTP_PASSWORD, TRUE);
  if (password != NULL)
    g_subprocess_launcher_setenv (launcher, "VP_PASSWORD", password, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "VP_PASSWORD");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

/* Reads @proc's stderr up to a line holding @needle (NULL: to the end); every line read
 * is added to @log. FALSE at the end of the output. */
static gboolean
read_until (GSubprocess *proc,
            GString     *log,
            const char  *needle)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc));
  g_autoptr(GError) error = NULL;
  char *line;

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  /* one byte at a time: what is not read yet stays in the pipe for the next call */
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 1);
  while ((line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error)) != NULL)
    {
      gboolean found = needle != NULL && strstr (line, needle) != NULL;

      g_string_append_printf (log, "%s\n", line);
      g_free (line);
      if (found)
        return TRUE;
    }
  g_assert_no_error (error);
  return FALSE;
}

/* SIGTERM, then the exit status 0 and the rest of stderr into @log. */
static void
stop_service (GSubprocess *proc,
              GString     *log)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (proc, SIGTERM);
  read_until (proc, log, NULL);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("vpctl service:\n%s", log->str);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (log->str, "vpctl service: stopped"));
}

static gint64
query (VpDatabase *db,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;
  int rc;

  /* the service holds write locks for short moments: wait for them like it does */
  sqlite3_busy_timeout (vp_database_get_handle (db), 5000);
  rc = sqlite3_prepare_v2 (vp_database_get_handle (db), sql, -1, &stmt, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Polls until @sql gives a non-zero value; FALSE after WAIT_MS. */
static gboolean
wait_for (VpDatabase *db,
          const char *sql)
{
  for (guint waited = 0; waited < WAIT_MS; waited += 50)
    {
      if (query (db, sql) > 0)
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static gboolean
wait_for_mail (VpTestSmtp *server)
{
  for (guint waited = 0; waited < WAIT_MS; waited += 50)
    {
      if (vp_test_smtp_count (server) > 0)
        return TRUE;
      g_usleep (50 * 1000);
    }
  return FALSE;
}

static void
create_subsidy (Fixture *f)
{
  g_auto(Run) r = { 0 };

  vp_test_vpctl (f->db, &r, ENV (ADMIN), "batch", "create", "冬季补贴", "--action", "subsidy",
                 "--amount", "5", "--reason", "补贴", "--account", f->account, NULL);
  g_assert_cmpint (r.status, ==, 0);
}

/* The fee due today is charged once by the first cycle's jobs and never again; a batch
 * due now runs; the alarm messages of the cycle go out by e-mail through the channels in
 * the settings, over STARTTLS to a server whose certificate the CA file vouches for. */
static void
test_jobs (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(GSubprocess) config = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  g_autofree char *server_text = NULL;
  g_autofree char *tls_dir = g_build_filename (g_getenv ("VP_SOURCE_DIR"), "tests", "data", "smtp-tls", NULL);
  g_autofree char *ca_file = g_build_filename (tls_dir, "ca.pem", NULL);
  g_autofree char *cert_file = g_build_filename (tls_dir, "server.pem", NULL);
  g_autofree char *key_file = g_build_filename (tls_dir, "server.key", NULL);
  VpTestSmtp smtp = { 0 };
  VpTestMail *mail;

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  smtp.auth = "PLAIN LOGIN";
  smtp.user = "station";
  smtp.password = SMTP_PASSWORD;
  smtp.certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  vp_test_smtp_start (&smtp);
  server_text = g_strdup_printf ("127.0.0.1:%u", smtp.port);
  config = spawn_vpctl (f, "admin-pass-1", "notify", "config", "--email-to", "ops@example.com",
                        "--smtp-server", server_text, "--from", "station@example.com",
                        "--smtp-user", "station", "--tls", "starttls", "--ca-file", ca_file, NULL);
  g_assert_true (g_subprocess_wait_check (config, NULL, &error));
  g_assert_no_error (error);
  create_subsidy (f);
  db = vp_database_open (f->db, &error);
  g_assert_no_error (error);
  /* the settings went through the audited registry */
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM audit WHERE action = 'setting.change' "
                              "AND object LIKE 'setting:notify.%'"),
                   ==, 4);

  proc = spawn_vpctl (f, "admin-pass-1", "service", "--jobs", "--interval", "1", "--poll", "1",
                      NULL);
  g_assert_true (wait_for (db, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"));
  g_assert_true (wait_for (db, "SELECT state = 'done' FROM batches WHERE id = 1"));
  g_assert_true (wait_for_mail (&smtp));
  /* a second batch created now is run by a later cycle's jobs: they charge the fee no more */
  create_subsidy (f);
  g_assert_true (wait_for (db, "SELECT state = 'done' FROM batches WHERE id = 2"));
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"), ==, 1);
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM fee_charges"), ==, 1);
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM ledger WHERE kind = 'adjustment'"), ==, 2);
  g_assert_cmpint (query (db, "SELECT balance FROM accounts"), ==, -1250 + 1000);
  stop_service (proc, log);

  g_assert_nonnull (strstr (log->str, "site jobs after each cycle"));
  g_assert_nonnull (strstr (log->str, "fees charged 1 (12.50), batches run 1, reminders 0"));
  g_assert_nonnull (strstr (log->str, "notifications sent "));
  g_assert_null (strstr (log->str, "failed ("));
  g_assert_null (strstr (log->str, "not delivered"));
  /* every e-mail delivery the service recorded as sent reached the server, once */
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM deliveries WHERE channel = 'email' "
                              "AND state = 'sent'"), ==, vp_test_smtp_count (&smtp));
  /* with the log-in sealed by notify config */
  mail = g_ptr_array_index (smtp.mails, 0);
  g_assert_cmpstr (mail->auth_user, ==, "station");
  g_assert_cmpstr (mail->rcpt_to, ==, "<ops@example.com>");
  g_assert_true (mail->tls);
  vp_test_smtp_stop (&smtp);
  g_clear_object (&smtp.certificate);
}

/* Without --jobs the service needs no password and runs no job; with --jobs and no
 * channel set it says once that the outbox is not delivered and runs the other jobs. */
static void
test_without_jobs (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(GSubprocess) plain = NULL;
  g_autoptr(GSubprocess) jobs = NULL;
  g_autoptr(GString) plain_log = g_string_new (NULL);
  g_autoptr(GString) jobs_log = g_string_new (NULL);

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  db = vp_database_open (f->db, &error);
  g_assert_no_error (error);
  plain = spawn_vpctl (f, NULL, "service", "--interval", "1", "--poll", "1", NULL);
  /* two full cycles are over */
  g_assert_true (read_until (plain, plain_log, " meters on "));
  g_assert_true (read_until (plain, plain_log, " meters on "));
  stop_service (plain, plain_log);
  g_assert_null (strstr (plain_log->str, "fees"));
  g_assert_null (strstr (plain_log->str, "site jobs"));
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"), ==, 0);

  jobs = spawn_vpctl (f, "admin-pass-1", "service", "--jobs", "--interval", "1", "--poll", "1",
                      NULL);
  g_assert_true (read_until (jobs, jobs_log, "fees charged"));
  g_assert_true (read_until (jobs, jobs_log, "fees charged"));
  stop_service (jobs, jobs_log);
  g_assert_nonnull (strstr (jobs_log->str, "notifications are not delivered: no channel is set"));
  g_assert_nonnull (strstr (jobs_log->str, "fees charged 1 (12.50), batches run 0"));
  g_assert_nonnull (strstr (jobs_log->str, "fees charged 0 (0.00), batches run 0"));
  g_assert_null (strstr (jobs_log->str, "notifications sent"));
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"), ==, 1);
}

/* A job that fails (here the fee job: its table is gone) is logged and the other jobs
 * and the service go on. */
static void
test_failing_job (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GString) log = g_string_new (NULL);

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  db = vp_database_open (f->db, &error);
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (db, "ALTER TABLE fee_charges RENAME TO fee_charges_gone",
                                   &error));
  g_assert_no_error (error);
  create_subsidy (f);
  proc = spawn_vpctl (f, "admin-pass-1", "service", "--jobs", "--interval", "1", "--poll", "1",
                      NULL);
  g_assert_true (read_until (proc, log, "batches run 1"));
  g_assert_true (read_until (proc, log, "fees failed ("));   /* the next cycle */
  stop_service (proc, log);
  g_assert_nonnull (strstr (log->str, "fees failed ("));
  g_assert_cmpint (query (db, "SELECT state = 'done' FROM batches WHERE id = 1"), ==, 1);
  g_assert_cmpint (query (db, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"), ==, 0);
}

/* A wrong password, or an operator who may not run the jobs, stops it before it starts. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Run) r = { 0 };

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set");
      return;
    }
  vp_test_vpctl (f->db, &r, ENV ("VP_PASSWORD=wrong-pass"), "service", "--jobs", "--interval", "1",
                 NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "service --jobs could not log in"));
  g_assert_nonnull (strstr (r.err, "Wrong login or password"));
  g_assert_null (strstr (r.err, "reading every"));

  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=cashier-pass-1"), "operator", "add",
                 "cashier", "--name", "收银员", "--role", "cashier", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV ("VP_OPERATOR=cashier", "VP_PASSWORD=cashier-pass-1"), "service",
                 "--jobs", "--interval", "1", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "may not"));
  g_assert_null (strstr (r.err, "reading every"));

  vp_test_vpctl (f->db, &r, ENV (ADMIN), "notify", "config", "--smtp-server", "mail.example.com",
                 NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "HOST:PORT"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/vp/vpctl-service-jobs/jobs", Fixture, NULL, fixture_setup, test_jobs,
              fixture_teardown);
  g_test_add ("/vp/vpctl-service-jobs/without-jobs", Fixture, NULL, fixture_setup,
              test_without_jobs, fixture_teardown);
  g_test_add ("/vp/vpctl-service-jobs/failing-job", Fixture, NULL, fixture_setup,
              test_failing_job, fixture_teardown);
  g_test_add ("/vp/vpctl-service-jobs/refused", Fixture, NULL, fixture_setup, test_refused,
              fixture_teardown);
  return g_test_run ();
}
