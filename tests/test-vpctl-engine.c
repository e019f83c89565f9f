/* test-vpctl-engine.c: "vpctl engine anomalies|resolve|close-threshold" end to end
 * against a real database file, in JSON and as text
 *
 * The anomalies are stored by the real engine (vp_engine_store_reading, what a cycle
 * does after each read): vpctl has no command to store readings without a meter on the
 * line.
 */
#include "config.h"

#include <string.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-tariff-store.h"
#include "vp-test-tmp.h"
#include "vp-test-vpctl.h"

#define ADMIN    "VP_PASSWORD=admin-pass-1"
#define TECH     "VP_OPERATOR=tech", "VP_PASSWORD=tech-pass-1"
#define BOSS     "VP_OPERATOR=boss", "VP_PASSWORD=boss-pass-1"
#define CASHIER  "VP_OPERATOR=cashier", "VP_PASSWORD=cashier-pass-1"
#define METER    "000000006101"

typedef struct
{
  char   *dir;
  char   *db;
  char   *account;
  gint64  meter_id;
  gint64  t0;
} Fixture;

static JsonObject *
obj (Run *run)
{
  g_assert_cmpint (run->status, ==, 0);
  return json_node_get_object (run->json);
}

static JsonArray *
array (Run *run)
{
  g_assert_cmpint (run->status, ==, 0);
  return json_node_get_array (run->json);
}

static void
assert_fails (Run        *run,
              int         status,
              const char *message)
{
  g_assert_cmpint (run->status, ==, status);
  g_assert_nonnull (strstr (run->err, message));
}

/* What a cycle stores for the meter reading @total at t0 + @hours. */
static void
store (Fixture          *f,
       gint64            total,
       gint              hours,
       VpReadingOutcome  expect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = vp_database_open (f->db, &error);
  g_autoptr(VpEngine) engine = vp_engine_new (db, NULL);
  VpMeterSample sample = { .total = total, .supply = VP_SUPPLY_ON };
  VpReadingOutcome outcome = VP_READING_STALE;

  g_assert_no_error (error);
  g_assert_true (vp_engine_store_reading (engine, f->meter_id, &sample, f->t0 + hours * 3600,
                                          &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, expect);
}

/* vpctl as a person types it: no --json; returns stdout, NULL when it failed. */
static char *
run_text (Fixture            *f,
          const char * const *env,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) envp = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list ap;
  int status;

  envp = g_environ_unsetenv (envp, "VP_OPERATOR");
  for (guint i = 0; env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    }
  g_ptr_array_add (args, (gpointer) g_getenv ("VPCTL"));
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, f->db);
  va_start (ap, env);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("vpctl %s %s → %d\n%s%s", (const char *) args->pdata[3],
                  (const char *) args->pdata[4], status, out, err);
  if (!g_spawn_check_wait_status (status, NULL))
    g_clear_pointer (&out, g_free);
  return out;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(VpSession) root = NULL;
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };  /* 1 yuan/kWh */
  VpMeterSpec meter;

  f->dir = vp_test_tmp_new ();
  f->db = g_build_filename (f->dir, "vendpoint.db", NULL);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "db", "init", "--admin", "root", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=cashier-pass-1"), "operator", "add",
                 "cashier", "--name", "收银员", "--role", "cashier", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=tech-pass-1"), "operator", "add",
                 "tech", "--name", "电工", "--role", "technician", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=boss-pass-1"), "operator", "add",
                 "boss", "--name", "值班长", "--role", "supervisor", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "shift", "open", "--float", "0", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "open", "--name", "租户", "--trip", "10",
                 NULL);
  f->account = g_strdup (json_object_get_string_member (obj (&r), "account"));

  db = vp_database_open (f->db, &error);
  g_assert_no_error (error);
  root = vp_session_login (db, "root", "admin-pass-1", &error);
  g_assert_no_error (error);
  g_assert_true (vp_tariff_store_add (db, root, "flat", VP_UTILITY_ELECTRICITY, &flat, NULL,
                                      &error));
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (db, "UPDATE accounts SET tariff = 'flat'", &error));
  g_assert_no_error (error);
  vp_meter_spec_init (&meter);
  meter.address = METER;
  meter.link = "tcp://127.0.0.1:1";
  g_assert_true (vp_account_add_meter (db, root, f->account, &meter, &f->meter_id, &error));
  g_assert_no_error (error);
  f->t0 = g_get_real_time () / G_USEC_PER_SEC + 60;

  /* 5.00 kWh, then the register is reset: 1.00 and 1.50 "go backwards" */
  store (f, 500, 0, VP_READING_CHARGED);
  store (f, 100, 1, VP_READING_ANOMALY);
  store (f, 150, 2, VP_READING_ANOMALY);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  g_free (f->account);
  g_free (f->dir);
  g_free (f->db);
}

static void
test_anomalies (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  g_autofree char *done = NULL;
  g_autofree char *after = NULL;
  JsonObject *an;

  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "anomalies", "--open", NULL);
  g_assert_cmpuint (json_array_get_length (array (&r)), ==, 1);
  an = json_array_get_object_element (array (&r), 0);
  g_assert_cmpstr (json_object_get_string_member (an, "account"), ==, f->account);
  g_assert_cmpstr (json_object_get_string_member (an, "meter"), ==, METER);
  g_assert_cmpstr (json_object_get_string_member (an, "kind"), ==, "backwards");
  g_assert_cmpstr (json_object_get_string_member (an, "total"), ==, "1.00");
  g_assert_cmpstr (json_object_get_string_member (an, "state"), ==, "open");
  g_assert_true (json_object_get_null_member (an, "resolution"));
  id = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (an, "id"));
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "anomalies", "--account", "10000099", NULL);
  g_assert_cmpuint (json_array_get_length (array (&r)), ==, 0);
  text = run_text (f, ENV (TECH), "engine", "anomalies", "--account", f->account, NULL);
  g_assert_nonnull (strstr (text, METER));
  g_assert_nonnull (strstr (text, "open"));

  /* refused: a cashier, no note, no or both actions, not a number */
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "engine", "resolve", id, "--dismiss", "--note", "x",
                 NULL);
  assert_fails (&r, 1, "cashier");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", id, "--dismiss", NULL);
  assert_fails (&r, 2, "--note is required");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", id, "--note", "x", NULL);
  assert_fails (&r, 2, "--rebaseline or --dismiss");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", id, "--dismiss", "--rebaseline",
                 "--note", "x", NULL);
  assert_fails (&r, 2, "--rebaseline or --dismiss");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", "x1", "--dismiss", "--note", "x",
                 NULL);
  assert_fails (&r, 2, "ANOMALY_ID");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", "9999", "--dismiss", "--note", "x",
                 NULL);
  assert_fails (&r, 1, "no anomaly 9999");

  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", id, "--rebaseline", "--note",
                 "board replaced", NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "resolution"), ==, "rebaseline");
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "baseline_total"), ==, "1.50");
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "resolved_by"), ==, "tech");
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "note"), ==, "board replaced");
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "state"), ==, "resolved");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "resolve", id, "--dismiss", "--note", "x",
                 NULL);
  assert_fails (&r, 1, "already resolved");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "anomalies", "--open", NULL);
  g_assert_cmpuint (json_array_get_length (array (&r)), ==, 0);
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "anomalies", NULL);
  g_assert_cmpuint (json_array_get_length (array (&r)), ==, 1);

  /* charged from the new start: 2.00 − 1.50 */
  store (f, 200, 3, VP_READING_CHARGED);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "show", f->account, NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "balance"), ==, "-5.50");

  /* a glitch dismissed, as text */
  store (f, 20, 4, VP_READING_ANOMALY);
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "anomalies", "--open", NULL);
  g_free (id);
  id = g_strdup_printf ("%" G_GINT64_FORMAT,
                        json_object_get_int_member (json_array_get_object_element (array (&r), 0),
                                                    "id"));
  done = run_text (f, ENV (BOSS), "engine", "resolve", id, "--dismiss", "--note", "noise", NULL);
  g_assert_nonnull (done);
  g_assert_nonnull (strstr (done, "dismissed"));
  g_assert_nonnull (strstr (done, METER));
  after = run_text (f, ENV (TECH), "engine", "anomalies", NULL);
  g_assert_nonnull (strstr (after, "dismiss boss"));
  g_assert_nonnull (strstr (after, "rebaseline tech"));
}

static void
test_close_threshold (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *text = NULL;

  vp_test_vpctl (f->db, &r, ENV (BOSS), "engine", "close-threshold", f->account, "50", NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "close_threshold"), ==, "50.00");
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "closes_above"), ==, "50.00");
  vp_test_vpctl (f->db, &r, ENV (BOSS), "engine", "close-threshold", f->account, "5", NULL);
  assert_fails (&r, 1, "at least its trip threshold");
  vp_test_vpctl (f->db, &r, ENV (TECH), "engine", "close-threshold", f->account, "60", NULL);
  assert_fails (&r, 1, "technician");
  vp_test_vpctl (f->db, &r, ENV (BOSS), "engine", "close-threshold", f->account, "abc", NULL);
  g_assert_cmpint (r.status, ==, 1);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "engine", "close-threshold", f->account, NULL);
  g_assert_cmpint (r.status, ==, 2);

  text = run_text (f, ENV (BOSS), "engine", "close-threshold", f->account, "default", NULL);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "its trip threshold (10.00)"));
  vp_test_vpctl (f->db, &r, ENV (BOSS), "engine", "close-threshold", f->account, "default",
                 NULL);
  g_assert_true (json_object_get_null_member (obj (&r), "close_threshold"));
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "closes_above"), ==, "10.00");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/vpctl/engine/anomalies", Fixture, NULL, fixture_setup, test_anomalies,
              fixture_teardown);
  g_test_add ("/vp/vpctl/engine/close-threshold", Fixture, NULL, fixture_setup,
              test_close_threshold, fixture_teardown);

  return g_test_run ();
}
