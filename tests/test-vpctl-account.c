/* test-vpctl-account.c: "vpctl account|topup|refund|reverse|shift" end to end, as a
 * script would drive them, against a real database file */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-test-tmp.h"

#define ADMIN    "VP_PASSWORD=admin-pass-1"
#define CASHIER  "VP_OPERATOR=cashier", "VP_PASSWORD=cashier-pass-1"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

typedef struct
{
  int       status;
  char     *out;
  char     *err;
  JsonNode *json;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->json, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs vpctl --db DB --json ARGS… with @env ("NAME=value", NULL-terminated) in a clean
 * environment; parses stdout as JSON when it exited 0. */
static void
vpctl (Fixture            *f,
       Run                *run,
       const char * const *env,
       ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  g_assert_nonnull (g_getenv ("VPCTL"));
  g_ptr_array_add (args, (gpointer) g_getenv ("VPCTL"));
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, f->db);
  g_ptr_array_add (args, "--json");
  va_start (ap, env);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (const char * const *v = (const char * const[]) { "VP_PASSWORD", "VP_NEW_PASSWORD",
                                 "VP_OPERATOR", "VP_DB", "VP_APPROVER_PASSWORD", NULL }; *v; v++)
    g_subprocess_launcher_unsetenv (launcher, *v);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->dir, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
  g_test_message ("vpctl %s %s → %d\nstdout: %s\nstderr: %s",
                  (const char *) args->pdata[4], args->len > 6 ? (const char *) args->pdata[5] : "",
                  run->status, run->out, run->err);
  if (run->status == 0)
    {
      run->json = json_from_string (run->out, &error);
      g_assert_no_error (error);
      g_assert_nonnull (run->json);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (run->json));
      /* One document: one line. */
      g_assert_cmpint (strchr (run->out, '\n') - run->out, ==, (int) strlen (run->out) - 1);
    }
}

#define ENV(...) ((const char * const[]) { __VA_ARGS__, NULL })

static JsonObject *
obj (Run *run)
{
  g_assert_cmpint (run->status, ==, 0);
  return json_node_get_object (run->json);
}

static void
assert_member (JsonObject *o,
               const char *member,
               const char *expected)
{
  g_assert_true (json_object_has_member (o, member));
  g_assert_cmpstr (json_object_get_string_member (o, member), ==, expected);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) init = { 0 };
  g_auto(Run) cashier = { 0 };
  g_auto(Run) boss = { 0 };

  f->dir = vp_test_tmp_new ();
  f->db = g_build_filename (f->dir, "vendpoint.db", NULL);
  vpctl (f, &init, ENV (ADMIN), "db", "init", "--admin", "root", NULL);
  g_assert_cmpint (init.status, ==, 0);
  vpctl (f, &cashier, ENV (ADMIN, "VP_NEW_PASSWORD=cashier-pass-1"),
         "operator", "add", "cashier", "--name", "收银员", "--role", "cashier", NULL);
  g_assert_cmpint (cashier.status, ==, 0);
  vpctl (f, &boss, ENV (ADMIN, "VP_NEW_PASSWORD=boss-pass-1"),
         "operator", "add", "boss", "--name", "值班长", "--role", "supervisor", NULL);
  g_assert_cmpint (boss.status, ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static void
test_vpctl_account_day (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  JsonObject *o, *topup;
  JsonArray *a;

  /* No shift, no money. */
  vpctl (f, &r, ENV (CASHIER), "account", "open", "--name", "王伟", "--topup", "50",
         "--method", "cash", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "Open a shift first"));
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "shift", "open", "--float", "100", NULL);
  assert_member (obj (&r), "float", "100.00");
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "account", "open", "--name", "王伟", "--phone", "13800138000",
         "--room", "3-402", "--topup", "50", "--method", "cash", "--tendered", "100", NULL);
  o = obj (&r);
  assert_member (o, "account", "10000016");
  assert_member (o, "name", "王伟");
  assert_member (o, "room", "3-402");
  assert_member (o, "balance", "50.00");
  topup = json_object_get_object_member (o, "topup");
  assert_member (topup, "receipt", "01-00000001");
  assert_member (topup, "change", "50.00");
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "account", "show", "10000016", NULL);
  o = obj (&r);
  assert_member (o, "account", "10000016");
  assert_member (o, "name", "王伟");
  assert_member (o, "balance", "50.00");
  assert_member (o, "status", "open");
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (o, "meters")), ==, 0);
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "account", "search", "王伟", NULL);
  a = json_object_get_array_member (obj (&r), "results");
  g_assert_cmpint (json_array_get_length (a), ==, 1);
  assert_member (json_array_get_object_element (a, 0), "account", "10000016");
  assert_member (json_array_get_object_element (a, 0), "match", "name");
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "topup", "10000016", "12.30", "--method", "wechat", "--ref", "WX1", NULL);
  o = obj (&r);
  assert_member (o, "receipt", "01-00000002");
  assert_member (o, "balance_before", "50.00");
  assert_member (o, "balance_after", "62.30");
  assert_member (o, "reference", "WX1");
  run_clear (&r);

  /* Wrong command lines: a bad amount fails (1), a missing method is a usage error (2). */
  vpctl (f, &r, ENV (CASHIER), "topup", "10000016", "1.234", "--method", "cash", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "topup", "10000016", "5", NULL);
  g_assert_cmpint (r.status, ==, 2);
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "topup", "10000017", "5", "--method", "cash", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "10000017"));
  run_clear (&r);

  /* Above the refund limit a cashier needs a supervisor. */
  vpctl (f, &r, ENV (CASHIER), "refund", "10000016", "250", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "supervisor"));
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "refund", "10000016", "10", NULL);
  o = obj (&r);
  assert_member (o, "receipt", "01-00000003");
  assert_member (o, "amount", "-10.00");
  assert_member (o, "balance_after", "52.30");
  run_clear (&r);

  /* Reversal: needs a supervisor; only the last top-up. */
  vpctl (f, &r, ENV (CASHIER), "reverse", "01-00000002", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER, "VP_APPROVER_PASSWORD=wrong-pass-1"),
         "reverse", "01-00000002", "--approver", "boss", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER, "VP_APPROVER_PASSWORD=boss-pass-1"),
         "reverse", "01-00000001", "--approver", "boss", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "01-00000002"));
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER, "VP_APPROVER_PASSWORD=boss-pass-1"),
         "reverse", "01-00000002", "--approver", "boss", NULL);
  o = obj (&r);
  assert_member (o, "receipt", "01-00000004");
  assert_member (o, "kind", "reversal");
  assert_member (o, "amount", "-12.30");
  assert_member (o, "balance_after", "40.00");
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "shift", "show", NULL);
  assert_member (obj (&r), "expected", "140.00");
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "shift", "close", "--counted", "139.50", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "shift", "close", "--counted", "140", NULL);
  assert_member (obj (&r), "over_short", "0.00");
  run_clear (&r);

  vpctl (f, &r, ENV (ADMIN), "db", "verify", NULL);
  o = obj (&r);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpint (json_object_get_int_member (o, "ledger_rows"), ==, 4);
}

static void
test_vpctl_account_lifecycle (Fixture       *f,
                              gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  JsonObject *o;

  vpctl (f, &r, ENV (CASHIER), "account", "open", "--name", "李娜", "--trip", "-5",
         "--alarm1", "30", "--alarm2", "10", NULL);
  o = obj (&r);
  assert_member (o, "trip", "-5.00");
  assert_member (o, "alarm1", "30.00");
  g_assert_false (json_object_has_member (o, "topup"));
  run_clear (&r);

  vpctl (f, &r, ENV (CASHIER), "account", "transfer", "10000016", "--name", "张敏",
         "--phone", "15900001111", NULL);
  assert_member (obj (&r), "name", "张敏");
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "account", "suspend", "10000016", NULL);
  assert_member (obj (&r), "status", "suspended");
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "account", "restore", "10000016", NULL);
  assert_member (obj (&r), "status", "open");
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "account", "close", "10000016", NULL);
  assert_member (obj (&r), "status", "closed");
  run_clear (&r);
  vpctl (f, &r, ENV (CASHIER), "account", "list", NULL);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (obj (&r), "accounts")), ==, 1);
  run_clear (&r);

  /* The technician may look but not take money (and that refusal is audited). */
  vpctl (f, &r, ENV (ADMIN, "VP_NEW_PASSWORD=tech-pass-1"),
         "operator", "add", "tech", "--name", "技术员", "--role", "technician", NULL);
  g_assert_cmpint (r.status, ==, 0);
  run_clear (&r);
  vpctl (f, &r, ENV ("VP_OPERATOR=tech", "VP_PASSWORD=tech-pass-1"), "shift", "open", NULL);
  g_assert_cmpint (r.status, ==, 1);
  run_clear (&r);
  vpctl (f, &r, ENV ("VP_OPERATOR=tech", "VP_PASSWORD=tech-pass-1"), "account", "show", "10000016", NULL);
  assert_member (obj (&r), "status", "closed");
  run_clear (&r);

  vpctl (f, &r, ENV (ADMIN), "demo", "--accounts", "10", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "already"));
}

/* Thresholds not given on the command line are the counter's defaults (Settings). */
static void
test_vpctl_account_default_thresholds (Fixture       *f,
                                       gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *o;

  {
    g_autoptr(VpDatabase) db = vp_database_open (f->db, &error);

    g_assert_no_error (error);
    g_assert_true (vp_database_set_setting (db, VP_ACCOUNT_DEFAULT_ALARM1_KEY, "60.00", &error));
    g_assert_true (vp_database_set_setting (db, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "25.00", &error));
    g_assert_true (vp_database_set_setting (db, VP_ACCOUNT_DEFAULT_TRIP_KEY, "-3.00", &error));
    g_assert_no_error (error);
  }
  vpctl (f, &r, ENV (CASHIER), "account", "open", "--name", "周杰", "--alarm1", "90", NULL);
  o = obj (&r);
  assert_member (o, "alarm1", "90.00");
  assert_member (o, "alarm2", "25.00");
  assert_member (o, "trip", "-3.00");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/vpctl/account/day", Fixture, NULL, fixture_setup, test_vpctl_account_day,
              fixture_teardown);
  g_test_add ("/vp/vpctl/account/lifecycle", Fixture, NULL, fixture_setup,
              test_vpctl_account_lifecycle, fixture_teardown);
  g_test_add ("/vp/vpctl/account/default-thresholds", Fixture, NULL, fixture_setup,
              test_vpctl_account_default_thresholds, fixture_teardown);

  return g_test_run ();
}
