/* test-settings.c: settings an administrator changes: checked, normalised, audited */
#include "config.h"

#include "vp-engine.h"
#include "vp-settings.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

static gint64
count_audit (Fixture    *f,
             const char *action)
{
  sqlite3_stmt *stmt;
  gint64 n;

  vp_database_lock (f->db);
  stmt = vp_database_prepare (f->db, "SELECT count(*) FROM audit WHERE action = ?1", NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, action, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  vp_database_unlock (f->db);
  return n;
}

static void
test_settings_set (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *interval = NULL;
  g_autofree char *fallback = NULL;

  fallback = vp_settings_get (f->db, VP_ENGINE_INTERVAL_KEY);
  g_assert_cmpstr (fallback, ==, "900");

  /* Stored in normal form. */
  g_assert_true (vp_settings_set (f->db, f->admin, VP_LEDGER_REFUND_LIMIT_KEY, " 300 ", &error));
  g_assert_no_error (error);
  limit = vp_settings_get (f->db, VP_LEDGER_REFUND_LIMIT_KEY);
  g_assert_cmpstr (limit, ==, "300.00");

  g_assert_true (vp_settings_set (f->db, f->admin, VP_ENGINE_INTERVAL_KEY, "120", &error));
  interval = vp_settings_get (f->db, VP_ENGINE_INTERVAL_KEY);
  g_assert_cmpstr (interval, ==, "120");
  g_assert_true (vp_settings_set (f->db, f->admin, VP_ENGINE_FRIENDLY_NIGHTS_KEY, "22:00-06:00",
                                  &error));
  g_assert_true (vp_settings_set (f->db, f->admin, VP_ENGINE_FRIENDLY_NIGHTS_KEY, "", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_audit (f, "setting.change"), ==, 4);

  /* Bad values, unknown keys and the wrong role change nothing. */
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ENGINE_INTERVAL_KEY, "5", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ENGINE_FRIENDLY_NIGHTS_KEY, "25:00-06:00",
                                   &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ENGINE_FRIENDLY_WEEKENDS_KEY, "yes",
                                   &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ACCOUNT_SITE_KEY, "  ", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, "counter.id", "02", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->supervisor, VP_ENGINE_INTERVAL_KEY, "600", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_free (interval);
  interval = vp_settings_get (f->db, VP_ENGINE_INTERVAL_KEY);
  g_assert_cmpstr (interval, ==, "120");
  g_assert_cmpint (count_audit (f, "setting.change"), ==, 4);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/settings/set", Fixture, NULL, vp_test_counter_setup, test_settings_set,
              vp_test_counter_teardown);

  return g_test_run ();
}
