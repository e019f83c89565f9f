/* test-settings.c: settings an administrator changes: checked, normalised, audited */
#include "config.h"

#include <string.h>

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

/* Opens an account for @name the way the front ends do, giving no thresholds. */
static VpAccount *
open_with_defaults (Fixture    *f,
                    const char *name)
{
  g_autoptr(GError) error = NULL;
  VpAccount *account = NULL;
  VpAccountSpec spec;

  vp_account_spec_init_defaults (f->db, &spec);
  spec.name = name;
  g_assert_true (vp_account_open (f->db, f->cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  return account;
}

static void
test_settings_default_thresholds (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) before = open_with_defaults (f, "张三");
  g_autoptr(VpAccount) after = NULL;
  g_autofree char *trip = NULL;

  /* Unset: the built-in defaults. */
  g_assert_cmpint (before->alarm1, ==, VP_ACCOUNT_DEFAULT_ALARM1);
  g_assert_cmpint (before->alarm2, ==, VP_ACCOUNT_DEFAULT_ALARM2);
  g_assert_cmpint (before->trip, ==, VP_ACCOUNT_DEFAULT_TRIP);

  /* Lowered in an order that stays valid at each step; the trip may go below zero. */
  g_assert_true (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_TRIP_KEY, "-5", &error));
  g_assert_no_error (error);
  g_assert_true (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "10", &error));
  g_assert_true (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_ALARM1_KEY, "30.5",
                                  &error));
  g_assert_no_error (error);
  trip = vp_settings_get (f->db, VP_ACCOUNT_DEFAULT_TRIP_KEY);
  g_assert_cmpstr (trip, ==, "-5.00");
  after = open_with_defaults (f, "李四");
  g_assert_cmpint (after->alarm1, ==, 3050);
  g_assert_cmpint (after->alarm2, ==, 1000);
  g_assert_cmpint (after->trip, ==, -500);
  g_assert_cmpint (count_audit (f, "setting.change"), ==, 3);

  /* Refused with a reason, nothing stored: out of order, not money, alarms below zero. */
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "40",
                                   &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_assert_nonnull (strstr (error->message, "alarm 1"));
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_TRIP_KEY, "12", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_ALARM1_KEY, "abc",
                                   &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->admin, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "-1", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (vp_settings_set (f->db, f->cashier, VP_ACCOUNT_DEFAULT_TRIP_KEY, "-1", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (count_audit (f, "setting.change"), ==, 3);
  g_clear_pointer (&after, vp_account_free);
  after = open_with_defaults (f, "王五");
  g_assert_cmpint (after->alarm2, ==, 1000);
  g_assert_cmpint (after->trip, ==, -500);

  /* A row broken by hand does not stop new accounts: the built-in three are used. */
  g_assert_true (vp_database_set_setting (f->db, VP_ACCOUNT_DEFAULT_ALARM1_KEY, "1.00", &error));
  g_clear_pointer (&after, vp_account_free);
  after = open_with_defaults (f, "赵六");
  g_assert_cmpint (after->alarm1, ==, VP_ACCOUNT_DEFAULT_ALARM1);
  g_assert_cmpint (after->trip, ==, VP_ACCOUNT_DEFAULT_TRIP);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);
}

static void
add_meter (Fixture    *f,
           const char *number,
           const char *address,
           const char *link)
{
  g_autoptr(GError) error = NULL;
  VpMeterSpec spec;

  vp_meter_spec_init (&spec);
  spec.address = address;
  spec.link = link;
  g_assert_true (vp_account_add_meter (f->db, f->admin, number, &spec, NULL, &error));
  g_assert_no_error (error);
}

static void
test_settings_links (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autofree char *a = vp_test_counter_open (f, "张三", "1-101");
  g_autofree char *b = vp_test_counter_open (f, "李四", "1-102");
  gint64 moved = 0;

  add_meter (f, a, "000000000001", "tcp://10.0.0.5:4001");
  add_meter (f, b, "000000000002", "tcp://10.0.0.5:4001");
  add_meter (f, b, "000000000003", "serial:/dev/ttyUSB0");
  links = vp_settings_list_links (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (links->len, ==, 2);
  g_assert_cmpstr (((VpLinkUse *) links->pdata[1])->link, ==, "tcp://10.0.0.5:4001");
  g_assert_cmpint (((VpLinkUse *) links->pdata[1])->n_meters, ==, 2);

  /* The gateway got a new address: both its meters follow, audited. */
  g_assert_true (vp_settings_move_link (f->db, f->admin, "tcp://10.0.0.5:4001",
                                        " tcp://10.0.0.9:4001 ", &moved, &error));
  g_assert_no_error (error);
  g_assert_cmpint (moved, ==, 2);
  g_assert_cmpint (count_audit (f, "link.move"), ==, 1);
  g_clear_pointer (&links, g_ptr_array_unref);
  links = vp_settings_list_links (f->db, &error);
  g_assert_cmpstr (((VpLinkUse *) links->pdata[1])->link, ==, "tcp://10.0.0.9:4001");

  /* Refused: not a link, a link nobody uses, the wrong role. Nothing moves. */
  g_assert_false (vp_settings_move_link (f->db, f->admin, "serial:/dev/ttyUSB0", "10.0.0.9",
                                         NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_settings_move_link (f->db, f->admin, "tcp://10.0.0.5:4001",
                                         "tcp://10.0.0.7:4001", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vp_settings_move_link (f->db, f->technician, "serial:/dev/ttyUSB0",
                                         "serial:/dev/ttyUSB1", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (count_audit (f, "link.move"), ==, 1);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/settings/set", Fixture, NULL, vp_test_counter_setup, test_settings_set,
              vp_test_counter_teardown);

  g_test_add ("/vp/settings/default-thresholds", Fixture, NULL, vp_test_counter_setup,
              test_settings_default_thresholds, vp_test_counter_teardown);

  g_test_add ("/vp/settings/links", Fixture, NULL, vp_test_counter_setup, test_settings_links,
              vp_test_counter_teardown);

  return g_test_run ();
}
