/* test-backup.c: scheduled backups with rotation, and restore into a fresh file
 *
 * The schedule is driven by the settings and an explicit "now", so a day passes in a
 * line. Restores are checked the way a technician would: vp_database_restore() and
 * `vpctl db restore BACKUP --to NEW`, then the ledger and audit chain of the copy
 * verify and hold the same money as the original.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

#define DAY (24 * 3600)

static void
set (Fixture    *f,
     const char *key,
     const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_database_set_setting (f->db, key, value, &error));
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Backups in @dir, sorted by name (= by time). */
static GPtrArray *
list_backups (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* A few movements so the copies carry money. */
static char *
add_money (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) current = vp_shift_get_current (f->db, f->cashier, NULL);
  char *number = vp_test_counter_open (f, "赵敏", NULL);

  if (current == NULL)
    g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 12345, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_no_error (error);
  return number;
}

static void
test_backup_schedule (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "nightly", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) names = NULL;
  gint64 now = 1800000000;

  g_free (add_money (f));
  set (f, VP_DATABASE_BACKUP_DIR_KEY, dir);
  set (f, VP_DATABASE_BACKUP_KEEP_KEY, "3");

  /* Never backed up: due at once. */
  g_assert_true (vp_database_backup_due (f->db, now));
  g_assert_true (vp_database_backup_if_due (f->db, now, &path, &error));
  g_assert_no_error (error);
  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, dir));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&path, g_free);

  /* Not again within the default 24 hours. */
  g_assert_false (vp_database_backup_due (f->db, now + DAY - 1));
  g_assert_true (vp_database_backup_if_due (f->db, now + 3600, &path, &error));
  g_assert_no_error (error);
  g_assert_null (path);

  /* Every day for six days: only the three newest stay. */
  for (int day = 1; day <= 6; day++)
    {
      g_autofree char *made = NULL;

      g_free (add_money (f));
      g_assert_true (vp_database_backup_if_due (f->db, now + day * DAY, &made, &error));
      g_assert_no_error (error);
      g_assert_nonnull (made);
      g_clear_pointer (&path, g_free);
      path = g_steal_pointer (&made);
    }
  names = list_backups (dir);
  g_assert_cmpuint (names->len, ==, 3);
  /* The newest is the one just written. */
  g_assert_true (g_str_has_suffix (path, g_ptr_array_index (names, 2)));

  /* A shorter interval, a clock set back, and "off". */
  set (f, VP_DATABASE_BACKUP_INTERVAL_KEY, "1");
  g_assert_true (vp_database_backup_due (f->db, now + 6 * DAY + 3600));
  g_assert_true (vp_database_backup_due (f->db, now));
  set (f, VP_DATABASE_BACKUP_INTERVAL_KEY, "0");
  g_assert_false (vp_database_backup_due (f->db, now + 365 * DAY));
  /* Nonsense in the setting falls back to the default, not to "never". */
  set (f, VP_DATABASE_BACKUP_INTERVAL_KEY, "soon");
  g_assert_true (vp_database_backup_due (f->db, now + 8 * DAY));
}

/* A failed scheduled backup leaves "backup.last" alone: the next call tries again. */
static void
test_backup_failure_retries (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (f->dir, "not-a-folder", NULL);
  g_autofree char *path = NULL;

  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  set (f, VP_DATABASE_BACKUP_DIR_KEY, blocker);
  g_assert_false (vp_database_backup_if_due (f->db, 1800000000, &path, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_null (path);
  g_assert_true (vp_database_backup_due (f->db, 1800000000));
}

static gint64
balance_sum (VpDatabase *db)
{
  sqlite3_stmt *stmt;
  gint64 sum;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT COALESCE (SUM (balance), 0) FROM accounts", NULL);
  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sum = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return sum;
}

static void
test_backup_restore (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) restored = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;

  g_free (add_money (f));
  g_free (add_money (f));
  g_assert_true (vp_database_backup (f->db, backup, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (backup, &before, &before_len, NULL));

  g_assert_true (vp_database_restore (backup, dest, &error));
  g_assert_no_error (error);
  restored = vp_database_open (dest, &error);
  g_assert_no_error (error);
  g_assert_true (vp_ledger_verify (restored, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_audit_verify (restored, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (balance_sum (restored), ==, balance_sum (f->db));
  g_assert_cmpint (balance_sum (restored), ==, 2 * 12345);

  /* The backup itself was only read. */
  g_assert_true (g_file_get_contents (backup, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  /* Never over an existing file; never from something that is not a database. */
  g_assert_false (vp_database_restore (backup, dest, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (garbage, "this is not a database, just bytes of text "
                                      "long enough to look like a header.......", -1, NULL));
  g_clear_pointer (&dest, g_free);
  dest = g_build_filename (f->dir, "restored-2.db", NULL);
  g_assert_false (vp_database_restore (garbage, dest, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_assert_false (vp_database_restore ("/nonexistent/backup.db", dest, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
}

/* `vpctl db backup --if-due` then `vpctl db restore`, then `vpctl db verify` on the
 * restored file, all as separate processes. */
static int
vpctl (const char  *db,
       char       **out,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *err = NULL;
  const char *arg;
  int status = 0;
  va_list ap;

  g_ptr_array_add (args, (gpointer) g_getenv ("VPCTL"));
  g_assert_nonnull (args->pdata[0]);
  g_ptr_array_add (args, (gpointer) "--db");
  g_ptr_array_add (args, (gpointer) db);
  va_start (ap, out);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  env = g_environ_setenv (env, "VP_OPERATOR", "root", TRUE);
  env = g_environ_setenv (env, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("vpctl: %s%s", out != NULL && *out != NULL ? *out : "", err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_backup_vpctl (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->dir, "nightly", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *backup = NULL;
  const char *db = vp_database_get_path (f->db);

  g_free (add_money (f));
  set (f, VP_DATABASE_BACKUP_DIR_KEY, dir);
  g_assert_cmpint (vpctl (db, &out, "db", "backup", "--if-due", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Backup written to"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (vpctl (db, &out, "db", "backup", "--if-due", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No backup is due"));
  g_clear_pointer (&out, g_free);

  names = list_backups (dir);
  g_assert_cmpuint (names->len, ==, 1);
  backup = g_build_filename (dir, g_ptr_array_index (names, 0), NULL);
  g_assert_cmpint (vpctl (db, &out, "db", "restore", backup, "--to", dest, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "every check passed"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (vpctl (dest, &out, "db", "verify", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Every check passed"));
  g_clear_pointer (&out, g_free);
  /* Twice onto the same file: refused, exit status 1. */
  g_assert_cmpint (vpctl (db, &out, "db", "restore", backup, "--to", dest, NULL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/backup/schedule", test_backup_schedule);
  ADD ("/vp/backup/failure-retries", test_backup_failure_retries);
  ADD ("/vp/backup/restore", test_backup_restore);
  ADD ("/vp/backup/vpctl", test_backup_vpctl);
#undef ADD
  return g_test_run ();
}
