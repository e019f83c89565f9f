/* test-database.c: opening, migrating, locking, errors and backups of the database */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-test-tmp.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = vp_test_tmp_new ();
  f->path = g_build_filename (f->dir, "vendpoint.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static int
pragma_int (VpDatabase *db,
            const char *sql)
{
  sqlite3_stmt *stmt;
  int value;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, sql, NULL);
  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return value;
}

static gint64
count_rows (VpDatabase *db,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return pragma_int (db, sql);
}

static void
test_open_fresh (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *mode = NULL;
  sqlite3_stmt *stmt;

  g_assert_cmpint (vp_database_schema_version (), >=, 1);

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_cmpstr (vp_database_get_path (db), ==, f->path);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));

  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, vp_database_schema_version ());
  g_assert_cmpint (pragma_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (db, "PRAGMA synchronous"), ==, 2);  /* FULL */

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "PRAGMA journal_mode", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  mode = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  g_assert_cmpstr (mode, ==, "wal");

  /* The core tables exist and the audit chain starts at its zero head. */
  g_assert_cmpint (count_rows (db, "operators"), ==, 0);
  g_assert_cmpint (count_rows (db, "audit"), ==, 0);
  g_assert_cmpint (count_rows (db, "audit_head"), ==, 1);

  /* Opening again changes nothing. */
  g_clear_pointer (&db, vp_database_unref);
  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, vp_database_schema_version ());
}

/* A file from an older build (only some migrations applied) keeps its data and is
 * brought forward at open. */
static void
test_migrate_old (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *value = NULL;

  db = vp_database_open_at_version (f->path, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, 1);
  vp_database_set_setting (db, "counter.name", "Window 1", &error);
  g_assert_no_error (error);
  g_clear_pointer (&db, vp_database_unref);

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, vp_database_schema_version ());
  value = vp_database_get_setting (db, "counter.name", NULL);
  g_assert_cmpstr (value, ==, "Window 1");
}

/* An empty schema-0 file (created by something else, or a crash before the first
 * migration committed) gets the whole schema. */
static void
test_migrate_empty (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;

  db = vp_database_open_at_version (f->path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, 0);
  g_clear_pointer (&db, vp_database_unref);

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pragma_int (db, "PRAGMA user_version"), ==, vp_database_schema_version ());
  g_assert_cmpint (count_rows (db, "audit_head"), ==, 1);
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *sql = NULL;
  gsize before_len, after_len;
  int newer = vp_database_schema_version () + 4;
  sqlite3 *raw = NULL;

  /* A file "from the future": a plain rollback-journal database with a higher version
   * and a table this build has never heard of. */
  g_assert_cmpint (sqlite3_open (f->path, &raw), ==, SQLITE_OK);
  sql = g_strdup_printf ("CREATE TABLE future (x); PRAGMA user_version = %d;", newer);
  g_assert_cmpint (sqlite3_exec (raw, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));

  db = vp_database_open (f->path, &error);
  g_assert_null (db);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_TOO_NEW);
  expected = g_strdup_printf ("schema %d, this build knows %d", newer,
                              vp_database_schema_version ());
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_nonnull (strstr (error->message, "update Vendpoint"));

  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_not_a_database (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  static const char junk[] = "These are the minutes of the residents' meeting, not SQLite.";
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (f->path, junk, sizeof junk - 1, NULL));
  db = vp_database_open (f->path, &error);
  g_assert_null (db);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);

  g_assert_true (g_file_get_contents (f->path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, junk);
}

/* A file the process may not write: refused at open, not at the first top-up. */
static void
test_read_only_file (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;

  if (geteuid () == 0)
    {
      g_test_skip ("root may write any file");
      return;
    }

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&db, vp_database_unref);
  g_assert_cmpint (g_chmod (f->path, 0444), ==, 0);

  db = vp_database_open (f->path, &error);
  g_assert_null (db);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_READ_ONLY);
  g_chmod (f->path, 0644);
}

/* The same refusal when SQLite itself says read-only mid-session (works as root:
 * query_only makes the connection refuse writes with SQLITE_READONLY). */
static void
test_read_only_write (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (db, "PRAGMA query_only = 1", &error));
  g_assert_false (vp_database_set_setting (db, "k", "v", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_READ_ONLY);
  g_assert_false (vp_database_in_transaction (db));
  g_clear_error (&error);

  g_assert_true (vp_database_exec (db, "PRAGMA query_only = 0", &error));
  g_assert_true (vp_database_set_setting (db, "k", "v", &error));
  g_assert_no_error (error);
}

static void
test_error_mapping (Fixture       *f,
                    gconstpointer  data)
{
  static const struct { int rc; int code; } cases[] = {
    { SQLITE_BUSY,              VP_MODEL_ERROR_BUSY },
    { SQLITE_BUSY_SNAPSHOT,     VP_MODEL_ERROR_BUSY },
    { SQLITE_LOCKED,            VP_MODEL_ERROR_BUSY },
    { SQLITE_READONLY,          VP_MODEL_ERROR_READ_ONLY },
    { SQLITE_READONLY_DBMOVED,  VP_MODEL_ERROR_READ_ONLY },
    { SQLITE_FULL,              VP_MODEL_ERROR_DISK_FULL },
    { SQLITE_CORRUPT,           VP_MODEL_ERROR_CORRUPT },
    { SQLITE_NOTADB,            VP_MODEL_ERROR_CORRUPT },
    { SQLITE_CONSTRAINT,        VP_MODEL_ERROR_DATABASE },
    { SQLITE_IOERR_WRITE,       VP_MODEL_ERROR_DATABASE },
    { SQLITE_ERROR,             VP_MODEL_ERROR_DATABASE },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      vp_database_set_error (db, cases[i].rc, "Saving the top-up", &error);
      g_assert_error (error, VP_MODEL_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "Saving the top-up: "));
      g_clear_error (&error);
    }

  /* A real failure carries SQLite's own message. */
  g_assert_false (vp_database_exec (db, "INSERT INTO no_such_table VALUES (1)", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "no such table: no_such_table"));
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *missing_null = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);

  missing = vp_database_get_setting (db, "refund.approval_limit", "20000");
  g_assert_cmpstr (missing, ==, "20000");
  missing_null = vp_database_get_setting (db, "refund.approval_limit", NULL);
  g_assert_null (missing_null);

  g_assert_true (vp_database_set_setting (db, "refund.approval_limit", "50000", &error));
  g_assert_no_error (error);
  first = vp_database_get_setting (db, "refund.approval_limit", "20000");
  g_assert_cmpstr (first, ==, "50000");

  g_assert_true (vp_database_set_setting (db, "refund.approval_limit", "10000", &error));
  second = vp_database_get_setting (db, "refund.approval_limit", NULL);
  g_assert_cmpstr (second, ==, "10000");
  g_assert_cmpint (count_rows (db, "settings"), ==, 1);
}

/* Inner begins are savepoints: rolling one back keeps the outer work. */
static void
test_nested_transactions (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);

  g_assert_true (vp_database_begin (db, &error));
  g_assert_true (vp_database_in_transaction (db));
  g_assert_true (vp_database_set_setting (db, "a", "1", &error));
  g_assert_true (vp_database_begin (db, &error));
  g_assert_true (vp_database_set_setting (db, "b", "2", &error));
  vp_database_rollback (db);
  g_assert_true (vp_database_in_transaction (db));
  g_assert_true (vp_database_set_setting (db, "c", "3", &error));
  g_assert_true (vp_database_commit (db, &error));
  g_assert_no_error (error);
  g_assert_false (vp_database_in_transaction (db));

  a = vp_database_get_setting (db, "a", NULL);
  b = vp_database_get_setting (db, "b", NULL);
  c = vp_database_get_setting (db, "c", NULL);
  g_assert_cmpstr (a, ==, "1");
  g_assert_null (b);
  g_assert_cmpstr (c, ==, "3");

  /* And an outer rollback drops everything, committed savepoints included. */
  g_assert_true (vp_database_begin (db, &error));
  g_assert_true (vp_database_set_setting (db, "d", "4", &error));
  vp_database_rollback (db);
  g_assert_cmpint (count_rows (db, "settings"), ==, 2);
}

static void
test_statement_cache (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  sqlite3_stmt *first;
  sqlite3_stmt *second;
  static const char sql[] = "SELECT ?1 IS NULL";

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);

  vp_database_lock (db);
  first = vp_database_prepare (db, sql, &error);
  g_assert_no_error (error);
  sqlite3_bind_int (first, 1, 7);
  g_assert_cmpint (sqlite3_step (first), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (first, 0), ==, 0);

  /* Left mid-step with a binding: the cache hands it back reset and unbound. */
  second = vp_database_prepare (db, sql, &error);
  g_assert_true (first == second);
  g_assert_cmpint (sqlite3_step (second), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (second, 0), ==, 1);
  sqlite3_reset (second);

  g_assert_null (vp_database_prepare (db, "SELEKT 1", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DATABASE);
  vp_database_unlock (db);
}

typedef struct
{
  const char *path;
  GMutex      mutex;
  GCond       cond;
  gboolean    holding;
} WriterData;

/* Another process's writer: holds BEGIN IMMEDIATE for a while, then commits. */
static gpointer
hold_write_lock (gpointer user_data)
{
  WriterData *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = vp_database_open (w->path, &error);

  g_assert_no_error (error);
  g_assert_true (vp_database_begin (db, &error));
  g_assert_true (vp_database_set_setting (db, "writer", "first", &error));

  g_mutex_lock (&w->mutex);
  w->holding = TRUE;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->mutex);

  /* Not synchronisation: the length of the other writer's transaction. */
  g_usleep (300 * 1000);
  g_assert_true (vp_database_commit (db, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_concurrent_writer (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *writer = NULL;
  WriterData w = { .path = f->path };
  GThread *thread;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);

  g_mutex_init (&w.mutex);
  g_cond_init (&w.cond);
  thread = g_thread_new ("writer", hold_write_lock, &w);
  g_mutex_lock (&w.mutex);
  while (!w.holding)
    g_cond_wait (&w.cond, &w.mutex);
  g_mutex_unlock (&w.mutex);

  /* The other connection holds the write lock now: this waits, it does not fail. */
  g_assert_true (vp_database_begin (db, &error));
  g_assert_no_error (error);
  writer = vp_database_get_setting (db, "writer", NULL);
  g_assert_cmpstr (writer, ==, "first");
  g_assert_true (vp_database_set_setting (db, "writer", "second", &error));
  g_assert_true (vp_database_commit (db, &error));
  g_assert_no_error (error);

  g_thread_join (thread);
  g_mutex_clear (&w.mutex);
  g_cond_clear (&w.cond);
}

static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(VpDatabase) copy = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *partial = g_strconcat (dest, ".partial", NULL);
  g_autofree char *value = NULL;
  g_autofree char *wal = g_strconcat (dest, "-wal", NULL);
  g_autofree char *original = NULL;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_database_set_setting (db, "counter.name", "Window 2", &error));
  g_assert_true (vp_database_integrity_check (db, &error));
  g_assert_no_error (error);

  g_assert_true (vp_database_backup (db, dest, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* Never overwrite: the first copy stays as it was. */
  g_assert_true (g_file_get_contents (dest, &original, NULL, NULL));
  g_assert_true (vp_database_set_setting (db, "counter.name", "Window 3", &error));
  g_assert_false (vp_database_backup (db, dest, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);

  copy = vp_database_open (dest, &error);
  g_assert_no_error (error);
  value = vp_database_get_setting (copy, "counter.name", NULL);
  g_assert_cmpstr (value, ==, "Window 2");
  g_assert_true (vp_database_integrity_check (copy, &error));
}

/* A row deleted behind the application's back (the sqlite3 shell has foreign keys
 * off) leaves an orphan: the check names it. */
static void
test_integrity_orphan (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  sqlite3 *raw = NULL;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (db, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                                   "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                                   "parent_id INTEGER NOT NULL REFERENCES parent (id));"
                                   "INSERT INTO parent VALUES (7);"
                                   "INSERT INTO child VALUES (3, 7);", &error));
  g_assert_true (vp_database_integrity_check (db, &error));

  /* With foreign keys on (as the application runs) the delete is refused … */
  g_assert_false (vp_database_exec (db, "DELETE FROM parent", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DATABASE);
  g_clear_error (&error);

  /* … in the shell it is not. */
  g_assert_cmpint (sqlite3_open (f->path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "DELETE FROM parent", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  g_assert_false (vp_database_integrity_check (db, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "row 3 of “child”"));
  g_assert_nonnull (strstr (error->message, "“parent”"));
}

static void
test_backup_rotate (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *backups = g_build_filename (f->dir, "backups", NULL);
  g_autofree char *unrelated = g_build_filename (backups, "notes.txt", NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint count = 0;

  db = vp_database_open (f->path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    {
      char *path = NULL;

      g_assert_true (vp_database_backup_rotate (db, backups, 2, &path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      g_ptr_array_add (made, path);
      if (i == 0)
        g_assert_true (g_file_set_contents (unrelated, "keep me", -1, NULL));
    }

  /* The two newest remain, the older two are gone, other files are left alone. */
  g_assert_false (g_file_test (g_ptr_array_index (made, 0), G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (g_ptr_array_index (made, 1), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (g_ptr_array_index (made, 2), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (g_ptr_array_index (made, 3), G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (unrelated, G_FILE_TEST_EXISTS));

  dir = g_dir_open (backups, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    count++;
  g_assert_cmpuint (count, ==, 3);
}

static void
test_now_format (void)
{
  g_autofree char *now = vp_database_now ();
  g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (now, NULL);

  g_assert_cmpuint (strlen (now), ==, strlen ("2026-11-25T18:04:46.123456Z"));
  g_assert_nonnull (parsed);
  g_assert_true (g_str_has_suffix (now, "Z"));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/vp/database/open-fresh", test_open_fresh);
  ADD ("/vp/database/migrate-old", test_migrate_old);
  ADD ("/vp/database/migrate-empty", test_migrate_empty);
  ADD ("/vp/database/too-new", test_too_new);
  ADD ("/vp/database/not-a-database", test_not_a_database);
  ADD ("/vp/database/read-only-file", test_read_only_file);
  ADD ("/vp/database/read-only-write", test_read_only_write);
  ADD ("/vp/database/error-mapping", test_error_mapping);
  ADD ("/vp/database/settings", test_settings);
  ADD ("/vp/database/nested-transactions", test_nested_transactions);
  ADD ("/vp/database/statement-cache", test_statement_cache);
  ADD ("/vp/database/concurrent-writer", test_concurrent_writer);
  ADD ("/vp/database/backup", test_backup);
  ADD ("/vp/database/backup-rotate", test_backup_rotate);
  ADD ("/vp/database/integrity-orphan", test_integrity_orphan);
  g_test_add_func ("/vp/database/now-format", test_now_format);

  return g_test_run ();
}
