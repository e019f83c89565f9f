/* test-audit.c: the hash chain finds edited, deleted, inserted and renumbered rows */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-test-tmp.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct
{
  char       *dir;
  VpDatabase *db;
} Fixture;

static void
append (Fixture    *f,
        const char *action,
        const char *object,
        const char *before,
        const char *after)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_database_begin (f->db, &error));
  g_assert_true (vp_audit_append (f->db, 1, action, object, before, after, &error));
  g_assert_no_error (error);
  g_assert_true (vp_database_commit (f->db, &error));
  g_assert_no_error (error);
}

/* Five rows, as a short day at the counter might leave. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = vp_test_tmp_new ();
  path = g_build_filename (f->dir, "vendpoint.db", NULL);
  f->db = vp_database_open (path, &error);
  g_assert_no_error (error);

  append (f, "login", "operator:li.na", NULL, NULL);
  append (f, "account.open", "account:10001", NULL, "{\"name\":\"张伟\"}");
  append (f, "topup", "account:10001", "{\"balance\":\"0.00\"}", "{\"balance\":\"50.00\"}");
  append (f, "topup", "account:10001", "{\"balance\":\"50.00\"}", "{\"balance\":\"80.00\"}");
  append (f, "logout", "operator:li.na", NULL, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->db, vp_database_unref);
  vp_test_tmp_remove (f->dir);
  g_free (f->dir);
}

/* Tamper as someone with the sqlite3 shell would: drop the append-only guards first. */
static void
tamper (Fixture    *f,
        const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_strconcat ("DROP TRIGGER IF EXISTS audit_no_update;"
                                         "DROP TRIGGER IF EXISTS audit_no_delete;",
                                         sql, NULL);

  g_assert_true (vp_database_exec (f->db, script, &error));
  g_assert_no_error (error);
}

/* Verify must fail, blame row @bad_id and say @words. */
static void
assert_fails_at (Fixture    *f,
                 gint64      bad_id,
                 const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *row_text = g_strdup_printf ("row %" G_GINT64_FORMAT " ", bad_id);
  g_autofree char *rows_text = g_strdup_printf ("rows %" G_GINT64_FORMAT " ", bad_id);
  gint64 reported = -1;

  g_assert_false (vp_audit_verify_full (f->db, NULL, NULL, &reported, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED);
  g_test_message ("verify says: %s", error->message);
  g_assert_cmpint (reported, ==, bad_id);
  g_assert_true (strstr (error->message, row_text) != NULL
                 || strstr (error->message, rows_text) != NULL);
  g_assert_nonnull (strstr (error->message, words));
  g_clear_error (&error);

  /* The plain entry point agrees. */
  g_assert_false (vp_audit_verify (f->db, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED);
}

static char *
stored_hash (Fixture *f,
             gint64   id)
{
  sqlite3_stmt *stmt;
  char *hash = NULL;

  vp_database_lock (f->db);
  stmt = vp_database_prepare (f->db, "SELECT hash FROM audit WHERE id = ?", NULL);
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  vp_database_unlock (f->db);
  return hash;
}

static void
test_verify_ok (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  g_autofree char *last = stored_hash (f, 5);
  g_autofree char *first_prev = NULL;
  sqlite3_stmt *stmt;
  gint64 rows = 0;
  gint64 bad = -1;

  g_assert_true (vp_audit_verify_full (f->db, &rows, &head, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rows, ==, 5);
  g_assert_cmpint (bad, ==, 0);
  g_assert_cmpstr (head, ==, last);
  g_assert_cmpuint (strlen (head), ==, 64);

  vp_database_lock (f->db);
  stmt = vp_database_prepare (f->db, "SELECT prev_hash FROM audit WHERE id = 1", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  first_prev = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  vp_database_unlock (f->db);
  g_assert_cmpstr (first_prev, ==, ZERO_HASH);
}

static void
test_verify_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *path = g_build_filename (dir, "vendpoint.db", NULL);
  g_autofree char *head = NULL;
  gint64 rows = -1;

  db = vp_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_audit_verify_full (db, &rows, &head, NULL, &error));
  g_assert_cmpint (rows, ==, 0);
  g_assert_cmpstr (head, ==, ZERO_HASH);

  g_clear_pointer (&db, vp_database_unref);
  vp_test_tmp_remove (dir);
}

/* The application itself cannot rewrite history: the triggers refuse. */
static void
test_append_only (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (vp_database_exec (f->db, "UPDATE audit SET action = 'nothing' WHERE id = 2",
                                    &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (vp_database_exec (f->db, "DELETE FROM audit WHERE id = 5", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
}

/* A rolled-back action leaves no record and no trace in the head. */
static void
test_rollback (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sixth = NULL;
  gint64 rows = 0;

  g_assert_true (vp_database_begin (f->db, &error));
  g_assert_true (vp_audit_append (f->db, 1, "topup", "account:10001", NULL, NULL, &error));
  vp_database_rollback (f->db);

  g_assert_true (vp_audit_verify (f->db, &rows, &error));
  g_assert_cmpint (rows, ==, 5);
  append (f, "topup", "account:10002", NULL, NULL);
  g_assert_true (vp_audit_verify (f->db, &rows, &error));
  g_assert_cmpint (rows, ==, 6);
  sixth = stored_hash (f, 6);
  g_assert_nonnull (sixth);
}

static void
test_edited (Fixture       *f,
             gconstpointer  data)
{
  tamper (f, "UPDATE audit SET after = '{\"balance\":\"500.00\"}' WHERE id = 3");
  assert_fails_at (f, 3, "changed");
}

static void
test_edited_operator (Fixture       *f,
                      gconstpointer  data)
{
  tamper (f, "UPDATE audit SET operator_id = 2 WHERE id = 4");
  assert_fails_at (f, 4, "changed");
}

/* Moving text from one field into the next keeps the concatenation but not the
 * length-prefixed encoding. */
static void
test_field_boundaries (Fixture       *f,
                       gconstpointer  data)
{
  tamper (f, "UPDATE audit SET object = 'account:1000', "
             "after = '1{\"name\":\"张伟\"}' WHERE id = 2");
  assert_fails_at (f, 2, "changed");
}

static void
test_null_versus_empty (Fixture       *f,
                        gconstpointer  data)
{
  tamper (f, "UPDATE audit SET before = '' WHERE id = 1");
  assert_fails_at (f, 1, "changed");
}

static void
test_deleted_middle (Fixture       *f,
                     gconstpointer  data)
{
  tamper (f, "DELETE FROM audit WHERE id = 3");
  assert_fails_at (f, 3, "missing");
}

static void
test_deleted_first (Fixture       *f,
                    gconstpointer  data)
{
  tamper (f, "DELETE FROM audit WHERE id IN (1, 2)");
  assert_fails_at (f, 1, "missing");
}

static void
test_deleted_last (Fixture       *f,
                   gconstpointer  data)
{
  tamper (f, "DELETE FROM audit WHERE id = 5");
  assert_fails_at (f, 5, "missing");
}

static void
test_deleted_all (Fixture       *f,
                  gconstpointer  data)
{
  tamper (f, "DELETE FROM audit");
  assert_fails_at (f, 1, "missing");
}

/* Delete a row and close the gap: the ids look fine, the links do not. */
static void
test_renumbered (Fixture       *f,
                 gconstpointer  data)
{
  tamper (f, "DELETE FROM audit WHERE id = 3;"
             "UPDATE audit SET id = id - 1 WHERE id > 3;"
             "UPDATE audit_head SET last_id = 4");
  assert_fails_at (f, 3, "does not chain");
}

/* A row slipped in at the end, even one that links correctly to the last real row. */
static void
test_inserted_end (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *last = stored_hash (f, 5);
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("INSERT INTO audit (id, time, operator_id, action, object, prev_hash, "
                         "hash) VALUES (6, '2026-11-25T10:00:00.000000Z', 1, 'refund', "
                         "'account:10001', '%s', '%s')", last, last);
  tamper (f, sql);
  assert_fails_at (f, 6, "changed");

  /* The application refuses to chain onto it rather than failing obscurely. */
  g_clear_error (&error);
  g_assert_true (vp_database_begin (f->db, &error));
  g_assert_false (vp_audit_append (f->db, 1, "topup", NULL, NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED);
  g_assert_nonnull (strstr (error->message, "row 6"));
  vp_database_rollback (f->db);
}

/* A forged row put into a gap left by a deletion. */
static void
test_inserted_middle (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *sql = NULL;
  g_autofree char *second = stored_hash (f, 2);

  sql = g_strdup_printf ("DELETE FROM audit WHERE id = 3;"
                         "INSERT INTO audit (id, time, operator_id, action, object, prev_hash, "
                         "hash) VALUES (3, '2026-11-25T10:00:00.000000Z', 1, 'topup', "
                         "'account:10001', '%s', '" ZERO_HASH "')", second);
  tamper (f, sql);
  assert_fails_at (f, 3, "changed");
}

/* What the chain cannot do alone: remove the last row and rewind the head too, and
 * the file is consistent again. Only a head written down elsewhere shows it. */
static void
test_head_needs_anchor (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *fourth = stored_hash (f, 4);
  g_autofree char *head = NULL;
  g_autofree char *sql = NULL;

  g_assert_true (vp_audit_verify_full (f->db, NULL, &anchor, NULL, &error));
  sql = g_strdup_printf ("DELETE FROM audit WHERE id = 5;"
                         "UPDATE audit_head SET last_id = 4, hash = '%s'", fourth);
  tamper (f, sql);
  g_assert_true (vp_audit_verify_full (f->db, NULL, &head, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (head, !=, anchor);
}

/* The head says the log ended earlier: the rows after it were not appended by
 * Vendpoint (someone chained them on by hand). */
static void
test_head_rewound (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *fourth = stored_hash (f, 4);
  g_autofree char *sql = g_strdup_printf ("UPDATE audit_head SET last_id = 4, hash = '%s'",
                                          fourth);

  tamper (f, sql);
  assert_fails_at (f, 5, "not written by Vendpoint");
}

static void
test_head_replaced (Fixture       *f,
                    gconstpointer  data)
{
  tamper (f, "UPDATE audit_head SET hash = '" ZERO_HASH "'");
  assert_fails_at (f, 5, "does not match the recorded end");
}

static void
test_head_missing (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  tamper (f, "DELETE FROM audit_head");
  g_assert_false (vp_audit_verify (f->db, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED);
}

static void
test_json (void)
{
  g_autofree char *empty = vp_audit_json (NULL, NULL);
  g_autofree char *simple = vp_audit_json ("login", "li.na", "role", "cashier", NULL);
  g_autofree char *nasty = vp_audit_json ("say \"hi\"", "a\\b\nc\x01", "name", "张伟",
                                          "note", NULL, NULL);

  g_assert_cmpstr (empty, ==, "{}");
  g_assert_cmpstr (simple, ==, "{\"login\":\"li.na\",\"role\":\"cashier\"}");
  g_assert_cmpstr (nasty, ==,
                   "{\"say \\\"hi\\\"\":\"a\\\\b\\u000ac\\u0001\",\"name\":\"张伟\",\"note\":null}");
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/audit/verify-empty", test_verify_empty);
  g_test_add_func ("/vp/audit/json", test_json);
  ADD ("/vp/audit/verify-ok", test_verify_ok);
  ADD ("/vp/audit/append-only", test_append_only);
  ADD ("/vp/audit/rollback", test_rollback);
  ADD ("/vp/audit/edited", test_edited);
  ADD ("/vp/audit/edited-operator", test_edited_operator);
  ADD ("/vp/audit/field-boundaries", test_field_boundaries);
  ADD ("/vp/audit/null-versus-empty", test_null_versus_empty);
  ADD ("/vp/audit/deleted-middle", test_deleted_middle);
  ADD ("/vp/audit/deleted-first", test_deleted_first);
  ADD ("/vp/audit/deleted-last", test_deleted_last);
  ADD ("/vp/audit/deleted-all", test_deleted_all);
  ADD ("/vp/audit/renumbered", test_renumbered);
  ADD ("/vp/audit/inserted-end", test_inserted_end);
  ADD ("/vp/audit/inserted-middle", test_inserted_middle);
  ADD ("/vp/audit/head-needs-anchor", test_head_needs_anchor);
  ADD ("/vp/audit/head-rewound", test_head_rewound);
  ADD ("/vp/audit/head-replaced", test_head_replaced);
  ADD ("/vp/audit/head-missing", test_head_missing);

  return g_test_run ();
}
