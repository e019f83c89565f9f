/* bench-audit.c: what the audit chain costs, against bare SQLite in the same process
 *
 * 1. Appending: a durable transaction (WAL, synchronous=FULL) holding one audit row,
 *    against the same transaction holding one plain INSERT of a row of the same shape
 *    into an unchained table. The ratio is what the chain (head read, SHA-256, head
 *    update) adds to every recorded action.
 * 2. Verifying: vp_audit_verify() over the whole log, against a bare SELECT of the same
 *    columns. The ratio is what recomputing the chain costs over reading it.
 */
#include "config.h"

#include <sqlite3.h>

#include "vp-audit.h"
#include "vp-database.h"
#include "vp-test-tmp.h"

#define APPENDS      400
#define VERIFY_ROWS  50000

static const char after_json[] = "{\"account\":\"10001\",\"amount\":\"50.00\",\"method\":\"cash\"}";

static double
bare_appends (VpDatabase *db,
              int         n)
{
  gint64 start = g_get_monotonic_time ();
  sqlite3_stmt *stmt;

  for (int i = 0; i < n; i++)
    {
      g_assert_true (vp_database_begin (db, NULL));
      stmt = vp_database_prepare (db, "INSERT INTO plain (time, operator_id, action, object, "
                                  "after) VALUES (?, 1, 'topup', 'account:10001', ?)", NULL);
      sqlite3_bind_text (stmt, 1, "2026-11-25T10:00:00.000000Z", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, after_json, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
      g_assert_true (vp_database_commit (db, NULL));
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
audit_appends (VpDatabase *db,
               int         n)
{
  gint64 start = g_get_monotonic_time ();

  for (int i = 0; i < n; i++)
    {
      g_assert_true (vp_database_begin (db, NULL));
      g_assert_true (vp_audit_append (db, 1, "topup", "account:10001", NULL, after_json, NULL));
      g_assert_true (vp_database_commit (db, NULL));
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
bare_scan (VpDatabase *db)
{
  gint64 start = g_get_monotonic_time ();
  sqlite3_stmt *stmt;
  gsize bytes = 0;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT id, time, operator_id, action, object, before, after, "
                              "prev_hash, hash FROM audit ORDER BY id", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < 9; c++)
        bytes += sqlite3_column_bytes (stmt, c);
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  g_assert_cmpuint (bytes, >, 0);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
verify (VpDatabase *db)
{
  gint64 start = g_get_monotonic_time ();
  gint64 rows = 0;

  g_assert_true (vp_audit_verify (db, &rows, NULL));
  g_assert_cmpint (rows, >=, VERIFY_ROWS);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  double bare, chained, scan, checked;

  db = vp_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (db, "CREATE TABLE plain (id INTEGER PRIMARY KEY, time TEXT, "
                                   "operator_id INTEGER, action TEXT, object TEXT, after TEXT)",
                                   &error));

  /* Warm both paths, then alternate one of each so disk noise (checkpoints, other
   * processes) hits both alike. */
  bare_appends (db, 20);
  audit_appends (db, 20);
  bare = chained = 0;
  for (int i = 0; i < APPENDS; i++)
    {
      bare += bare_appends (db, 1);
      chained += audit_appends (db, 1);
    }
  g_print ("append: %d durable transactions each: bare INSERT %.0f tx/s, audit append %.0f "
           "tx/s, ratio %.2f\n", APPENDS, APPENDS / bare, APPENDS / chained, chained / bare);

  /* Fill the log in big transactions (verify cost does not depend on how). */
  g_assert_true (vp_database_begin (db, &error));
  for (int i = 0; i < VERIFY_ROWS; i++)
    g_assert_true (vp_audit_append (db, 1, "topup", "account:10001", NULL, after_json, &error));
  g_assert_true (vp_database_commit (db, &error));

  bare_scan (db);
  scan = bare_scan (db);
  checked = verify (db);
  g_print ("verify: %d rows: bare scan %.3f s, vp_audit_verify %.3f s (%.0f rows/s), "
           "ratio %.2f\n", VERIFY_ROWS + APPENDS + 40, scan, checked,
           (VERIFY_ROWS + APPENDS + 40) / checked, checked / scan);

  g_clear_pointer (&db, vp_database_unref);
  vp_test_tmp_remove (dir);
  return 0;
}
