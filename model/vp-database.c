/* vp-database.c: the one owner of the SQLite connection */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vp-database.h"
#include "vp-migrations.h"
#include "vp-model-error.h"
#include "vp-secret.h"

/* How long a single BEGIN IMMEDIATE waits inside SQLite for another writer (the
 * reading service, vpctl) before returning SQLITE_BUSY … */
#define BUSY_TIMEOUT_MS       5000
/* … and how long vp_database_begin() keeps retrying in total. Some BUSY results
 * (WAL recovery by another process) skip the busy handler, hence the loop. */
#define BEGIN_DEADLINE_US     (30 * G_USEC_PER_SEC)
#define BEGIN_RETRY_PAUSE_US  (20 * 1000)

#define BACKUP_PREFIX  "vendpoint-"
#define BACKUP_SUFFIX  ".db"

struct _VpDatabase
{
  gatomicrefcount  ref_count;
  char            *path;
  sqlite3         *handle;
  GRecMutex        mutex;
  GHashTable      *statements;  /* SQL text → sqlite3_stmt *, owned */
  guint            depth;       /* nesting of vp_database_begin(); 0 = none */
};

static int
error_code_for_rc (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return VP_MODEL_ERROR_BUSY;
    case SQLITE_READONLY:
      return VP_MODEL_ERROR_READ_ONLY;
    case SQLITE_FULL:
      return VP_MODEL_ERROR_DISK_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return VP_MODEL_ERROR_CORRUPT;
    default:
      return VP_MODEL_ERROR_DATABASE;
    }
}

/* What the person at the counter should do about each kind of failure. */
static const char *
hint_for_code (int code)
{
  switch (code)
    {
    case VP_MODEL_ERROR_BUSY:
      return _("another program kept the database busy; try again");
    case VP_MODEL_ERROR_READ_ONLY:
      return _("the database file or its folder is read-only; check the permissions");
    case VP_MODEL_ERROR_DISK_FULL:
      return _("the disk is full; free some space and try again");
    case VP_MODEL_ERROR_CORRUPT:
      return _("the database file is damaged or not a Vendpoint database; restore the latest backup");
    default:
      return NULL;
    }
}

static void
set_error_from_rc (sqlite3     *handle,
                   int          rc,
                   const char  *what,
                   GError     **error)
{
  int code = error_code_for_rc (rc);
  const char *hint = hint_for_code (code);
  const char *detail;

  /* sqlite3_errmsg() describes the connection's last failure, which is not @rc when
   * the failure came from elsewhere (the backup API, a closed handle). */
  if (handle != NULL && (sqlite3_extended_errcode (handle) & 0xff) == (rc & 0xff))
    detail = sqlite3_errmsg (handle);
  else
    detail = sqlite3_errstr (rc);

  if (hint != NULL)
    g_set_error (error, VP_MODEL_ERROR, code, "%s: %s (%s)", what, detail, hint);
  else
    g_set_error (error, VP_MODEL_ERROR, code, "%s: %s", what, detail);
}

void
vp_database_set_error (VpDatabase  *self,
                       int          rc,
                       const char  *what,
                       GError     **error)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (what != NULL);

  set_error_from_rc (self->handle, rc, what, error);
}

int
vp_database_schema_version (void)
{
  int latest = 0;

  if (!vp_migrations_check (&latest, NULL))
    return 0;
  return latest;
}

/* Run one statement that returns a single integer (a PRAGMA). */
static gboolean
query_int (sqlite3     *handle,
           const char  *sql,
           int         *out_value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_error_from_rc (handle, rc, _("Could not read the database"), error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *out_value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
exec_on (sqlite3     *handle,
         const char  *sql,
         const char  *what,
         GError     **error)
{
  int rc = sqlite3_exec (handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_error_from_rc (handle, rc, what, error);
      return FALSE;
    }
  return TRUE;
}

/* Reset statements a caller left mid-step: an unfinished SELECT keeps a read
 * snapshot open, and BEGIN IMMEDIATE on an old snapshot fails with BUSY_SNAPSHOT. */
static void
reset_busy_statements (VpDatabase *self)
{
  for (sqlite3_stmt *stmt = sqlite3_next_stmt (self->handle, NULL);
       stmt != NULL;
       stmt = sqlite3_next_stmt (self->handle, stmt))
    {
      if (sqlite3_stmt_busy (stmt))
        sqlite3_reset (stmt);
    }
}

/* BEGIN IMMEDIATE, waiting out other writers; the caller holds the lock. */
static gboolean
begin_immediate (VpDatabase  *self,
                 GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + BEGIN_DEADLINE_US;
  int rc;

  reset_busy_statements (self);
  for (;;)
    {
      rc = sqlite3_exec (self->handle, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        return TRUE;
      if ((rc & 0xff) != SQLITE_BUSY || g_get_monotonic_time () >= deadline)
        break;
      g_usleep (BEGIN_RETRY_PAUSE_US);
    }

  set_error_from_rc (self->handle, rc, _("Could not start writing to the database"), error);
  return FALSE;
}

/* Apply migration @version in its own transaction. Another process may have opened
 * the same old file at the same moment: the version is re-read under the write lock
 * so each migration runs exactly once. */
static gboolean
apply_migration (VpDatabase  *self,
                 int          version,
                 GError     **error)
{
  g_autoptr(GBytes) sql = NULL;
  g_autofree char *set_version = NULL;
  g_autofree char *what = NULL;
  sqlite3_stmt *check = NULL;
  int current = 0;
  int rc;

  sql = vp_migrations_lookup (version, error);
  if (sql == NULL)
    return FALSE;

  what = g_strdup_printf (_("Could not upgrade the database to schema %d"), version);
  if (!begin_immediate (self, error))
    return FALSE;
  if (!query_int (self->handle, "PRAGMA user_version", &current, error))
    goto fail;
  if (current >= version)
    return exec_on (self->handle, "COMMIT", what, error);

  if (!exec_on (self->handle, g_bytes_get_data (sql, NULL), what, error))
    goto fail;

  /* Foreign keys are off while migrating (so tables can be rebuilt); make sure the
   * result is consistent before it commits. */
  rc = sqlite3_prepare_v2 (self->handle, "PRAGMA foreign_key_check", -1, &check, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (check);
  sqlite3_finalize (check);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DATABASE,
                   _("%s: it breaks a foreign key"), what);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      set_error_from_rc (self->handle, rc, what, error);
      goto fail;
    }

  set_version = g_strdup_printf ("PRAGMA user_version = %d", version);
  if (!exec_on (self->handle, set_version, what, error)
      || !exec_on (self->handle, "COMMIT", what, error))
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (self->handle, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

VpDatabase *
vp_database_open_at_version (const char  *path,
                             int          version,
                             GError     **error)
{
  g_autoptr(VpDatabase) self = NULL;
  int latest = 0;
  int current = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vp_migrations_check (&latest, error))
    return NULL;
  if (version < 0)
    version = latest;
  g_return_val_if_fail (version <= latest, NULL);

  self = g_new0 (VpDatabase, 1);
  g_atomic_ref_count_init (&self->ref_count);
  g_rec_mutex_init (&self->mutex);
  self->path = g_strdup (path);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);

  rc = sqlite3_open_v2 (path, &self->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf (_("Could not open the database %s"), path);

      set_error_from_rc (self->handle, rc, what, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, BUSY_TIMEOUT_MS);

  /* SQLite quietly falls back to read-only when it cannot write the file; a counter
   * that only finds out at the first top-up is worse than one that will not start. */
  if (sqlite3_db_readonly (self->handle, "main") == 1)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_READ_ONLY,
                   _("The database %s is read-only (%s)"), path,
                   hint_for_code (VP_MODEL_ERROR_READ_ONLY));
      return NULL;
    }

  /* Read the version before anything writes to the file, so a newer file stays as
   * it is. */
  if (!query_int (self->handle, "PRAGMA user_version", &current, error))
    return NULL;
  if (current > latest)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_TOO_NEW,
                   _("This database was written by a newer Vendpoint (schema %d, this build "
                     "knows %d); update Vendpoint"), current, latest);
      return NULL;
    }

  /* WAL lets the reading service and vpctl read while the counter writes;
   * synchronous=FULL makes every committed top-up survive a power cut. */
  {
    sqlite3_stmt *stmt = NULL;
    gboolean wal = FALSE;

    rc = sqlite3_prepare_v2 (self->handle, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
      wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
    sqlite3_finalize (stmt);
    if (rc != SQLITE_ROW)
      {
        set_error_from_rc (self->handle, rc, _("Could not prepare the database"), error);
        return NULL;
      }
    if (!wal)
      {
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DATABASE,
                     _("The database %s cannot use write-ahead logging (is it on a network "
                       "drive?)"), path);
        return NULL;
      }
  }

  if (!exec_on (self->handle, "PRAGMA synchronous = FULL", _("Could not prepare the database"), error)
      || !exec_on (self->handle, "PRAGMA foreign_keys = OFF", _("Could not prepare the database"), error))
    return NULL;

  for (int v = current + 1; v <= version; v++)
    {
      if (!apply_migration (self, v, error))
        return NULL;
    }

  if (!exec_on (self->handle, "PRAGMA foreign_keys = ON", _("Could not prepare the database"), error))
    return NULL;

  /* Data migration after the schema ones: credentials an older version left in
   * plaintext are sealed (vp-secret.h). */
  if (version == latest && !vp_secret_migrate (self, NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

VpDatabase *
vp_database_open (const char  *path,
                  GError     **error)
{
  return vp_database_open_at_version (path, -1, error);
}

VpDatabase *
vp_database_ref (VpDatabase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vp_database_unref (VpDatabase *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_assert (self->depth == 0);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  /* close_v2 also copes with statements a caller prepared outside the cache. */
  g_clear_pointer (&self->handle, sqlite3_close_v2);
  g_rec_mutex_clear (&self->mutex);
  g_free (self->path);
  g_free (self);
}

const char *
vp_database_get_path (VpDatabase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->path;
}

sqlite3 *
vp_database_get_handle (VpDatabase *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->handle;
}

void
vp_database_lock (VpDatabase *self)
{
  g_return_if_fail (self != NULL);

  g_rec_mutex_lock (&self->mutex);
}

void
vp_database_unlock (VpDatabase *self)
{
  g_return_if_fail (self != NULL);

  g_rec_mutex_unlock (&self->mutex);
}

gboolean
vp_database_in_transaction (VpDatabase *self)
{
  gboolean result;

  g_return_val_if_fail (self != NULL, FALSE);

  vp_database_lock (self);
  result = self->depth > 0;
  vp_database_unlock (self);
  return result;
}

/* Nested begins become savepoints, so a model operation can call another (account
 * open calls top-up) and the outer one still commits or rolls back as a whole. */
gboolean
vp_database_begin (VpDatabase  *self,
                   GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vp_database_lock (self);
  if (self->depth > 0)
    {
      g_autofree char *sql = g_strdup_printf ("SAVEPOINT vp_sp_%u", self->depth);

      if (!exec_on (self->handle, sql, _("Could not start writing to the database"), error))
        {
          vp_database_unlock (self);
          return FALSE;
        }
    }
  else if (!begin_immediate (self, error))
    {
      vp_database_unlock (self);
      return FALSE;
    }

  self->depth++;
  return TRUE;
}

gboolean
vp_database_commit (VpDatabase  *self,
                    GError     **error)
{
  g_autofree char *sql = NULL;
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->depth > 0, FALSE);

  if (self->depth > 1)
    sql = g_strdup_printf ("RELEASE vp_sp_%u", self->depth - 1);
  ok = exec_on (self->handle, sql != NULL ? sql : "COMMIT",
                _("Could not save to the database"), error);
  if (!ok)
    {
      /* Never leave a half-open transaction behind: the contract is that a failed
       * commit changed nothing. */
      vp_database_rollback (self);
      return FALSE;
    }

  self->depth--;
  vp_database_unlock (self);
  return TRUE;
}

void
vp_database_rollback (VpDatabase *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (self->depth > 0);

  if (self->depth > 1)
    sql = g_strdup_printf ("ROLLBACK TO vp_sp_%u; RELEASE vp_sp_%u",
                           self->depth - 1, self->depth - 1);
  /* SQLite may already have rolled back by itself (disk full, I/O error); the
   * resulting "no transaction is active" is not news. */
  if (sql != NULL || !sqlite3_get_autocommit (self->handle))
    sqlite3_exec (self->handle, sql != NULL ? sql : "ROLLBACK", NULL, NULL, NULL);

  self->depth--;
  vp_database_unlock (self);
}

gboolean
vp_database_exec (VpDatabase  *self,
                  const char  *sql,
                  GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  vp_database_lock (self);
  ok = exec_on (self->handle, sql, _("Database statement failed"), error);
  vp_database_unlock (self);
  return ok;
}

sqlite3_stmt *
vp_database_prepare (VpDatabase  *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  vp_database_lock (self);
  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      vp_database_unlock (self);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_rc (self->handle, rc, _("Database statement failed"), error);
      vp_database_unlock (self);
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  vp_database_unlock (self);
  return stmt;
}

char *
vp_database_get_setting (VpDatabase *self,
                         const char *key,
                         const char *default_value)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  vp_database_lock (self);
  stmt = vp_database_prepare (self, "SELECT value FROM settings WHERE key = ?", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  else
    g_debug ("Reading setting %s: %s", key, error->message);
  vp_database_unlock (self);

  return value != NULL ? value : g_strdup (default_value);
}

gboolean
vp_database_set_setting (VpDatabase  *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!vp_database_begin (self, error))
    return FALSE;
  stmt = vp_database_prepare (self,
                              "INSERT INTO settings (key, value) VALUES (?, ?) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                              error);
  if (stmt == NULL)
    {
      vp_database_rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (self, rc, _("Could not save a setting"), error);
      vp_database_rollback (self);
      return FALSE;
    }
  return vp_database_commit (self, error);
}

/* PRAGMA integrity_check, then PRAGMA foreign_key_check on @handle; FALSE with the
 * first problem in @error. The second matters because the sqlite3 shell runs with
 * foreign keys off: a row deleted there leaves orphans that integrity_check accepts. */
static gboolean
check_integrity (sqlite3     *handle,
                 const char  *path,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *first = NULL;
  g_autofree char *table = NULL;
  g_autofree char *parent = NULL;
  gint64 rowid = 0;
  int rc;

  rc = sqlite3_prepare_v2 (handle, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    first = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    goto failed;
  if (g_strcmp0 (first, "ok") != 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
                   _("The database %s is damaged: %s"), path, first);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (handle, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      table = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rowid = sqlite3_column_int64 (stmt, 1);
      parent = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
                   _("The database %s is damaged: row %lld of “%s” refers to a row of “%s” "
                     "that is gone"), path, (long long) rowid, table, parent);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    goto failed;
  return TRUE;

failed:
  {
    g_autofree char *what = g_strdup_printf (_("Could not check %s"), path);

    set_error_from_rc (handle, rc, what, error);
    return FALSE;
  }
}

gboolean
vp_database_integrity_check (VpDatabase  *self,
                             GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);

  vp_database_lock (self);
  ok = check_integrity (self->handle, self->path, error);
  vp_database_unlock (self);
  return ok;
}

/* Copy @source into a new file at @tmp_path with the backup API, then check the copy.
 * @owner (nullable) is locked around the copy when @source is its connection. */
static gboolean
copy_to (sqlite3     *source,
         VpDatabase  *owner,
         const char  *tmp_path,
         const char  *dest_path,
         GError     **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_open_v2 (tmp_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf (_("Could not create the backup %s"), dest_path);

      set_error_from_rc (dest, rc, what, error);
      sqlite3_close (dest);
      return FALSE;
    }

  /* One step copies a consistent snapshot; in WAL mode it does not stop writers. */
  if (owner != NULL)
    vp_database_lock (owner);
  backup = sqlite3_backup_init (dest, "main", source, "main");
  if (backup != NULL)
    {
      sqlite3_backup_step (backup, -1);
      rc = sqlite3_backup_finish (backup);
    }
  else
    rc = sqlite3_errcode (dest);
  if (owner != NULL)
    vp_database_unlock (owner);

  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf (_("Could not write the backup %s"), dest_path);

      set_error_from_rc (dest, rc, what, error);
    }
  /* A backup is one self-contained file: copy it back and it works. */
  else if (exec_on (dest, "PRAGMA journal_mode = DELETE", _("Could not finish the backup"), error))
    ok = check_integrity (dest, dest_path, error);

  sqlite3_close (dest);
  return ok;
}

/* Copy @source to @dest_path through DEST.partial and a rename, so a file under its
 * final name is always complete and checked; an existing @dest_path is refused. */
static gboolean
copy_new_file (sqlite3     *source,
               VpDatabase  *owner,
               const char  *dest_path,
               GError     **error)
{
  g_autofree char *tmp_path = NULL;

  if (g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("%s already exists; choose a new name (an existing file is never overwritten)"),
                   dest_path);
      return FALSE;
    }

  tmp_path = g_strconcat (dest_path, ".partial", NULL);
  g_unlink (tmp_path);
  if (!copy_to (source, owner, tmp_path, dest_path, error))
    {
      g_unlink (tmp_path);
      return FALSE;
    }
  if (g_rename (tmp_path, dest_path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not write the backup %s: %s"), dest_path, g_strerror (saved_errno));
      g_unlink (tmp_path);
      return FALSE;
    }
  return TRUE;
}

gboolean
vp_database_backup (VpDatabase  *self,
                    const char  *dest_path,
                    GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return copy_new_file (self->handle, self, dest_path, error);
}

gboolean
vp_database_restore (const char  *backup_path,
                     const char  *dest_path,
                     GError     **error)
{
  g_autofree char *what = NULL;
  sqlite3 *source = NULL;
  gboolean ok;
  int rc;

  g_return_val_if_fail (backup_path != NULL, FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  what = g_strdup_printf (_("Could not read the backup %s"), backup_path);
  if (!g_file_test (backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("%s: there is no such file"), what);
      return FALSE;
    }

  /* Read-only: restoring never changes the backup it restores from. */
  rc = sqlite3_open_v2 (backup_path, &source, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      set_error_from_rc (source, rc, what, error);
      sqlite3_close (source);
      return FALSE;
    }
  ok = check_integrity (source, backup_path, error)
       && copy_new_file (source, NULL, dest_path, error);
  sqlite3_close (source);
  return ok;
}

static int
compare_names_newest_first (gconstpointer a,
                            gconstpointer b)
{
  return -g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

gboolean
vp_database_backup_rotate (VpDatabase  *self,
                           const char  *directory,
                           guint        keep,
                           char       **out_path,
                           GError     **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *path = NULL;
  const char *name;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (keep > 0, FALSE);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not create the backup folder %s: %s"), directory,
                   g_strerror (saved_errno));
      return FALSE;
    }

  /* UTC with microseconds: names sort in the order they were taken. */
  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S-%f");
  path = g_strdup_printf ("%s/" BACKUP_PREFIX "%s" BACKUP_SUFFIX, directory, stamp);
  if (!vp_database_backup (self, path, error))
    return FALSE;

  dir = g_dir_open (directory, 0, error);
  if (dir == NULL)
    return FALSE;
  backups = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_prefix (name, BACKUP_PREFIX) && g_str_has_suffix (name, BACKUP_SUFFIX))
        g_ptr_array_add (backups, g_strdup (name));
    }
  g_ptr_array_sort (backups, compare_names_newest_first);

  for (guint i = keep; i < backups->len; i++)
    {
      g_autofree char *old = g_build_filename (directory, g_ptr_array_index (backups, i), NULL);

      if (g_unlink (old) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                       _("The backup %s was written, but the old backup %s could not be "
                         "removed: %s"), path, old, g_strerror (saved_errno));
          return FALSE;
        }
    }

  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return TRUE;
}

/* A whole number setting; @fallback when it is missing or not a number in range. */
static gint64
get_int_setting (VpDatabase *self,
                 const char *key,
                 gint64      fallback,
                 gint64      max)
{
  g_autofree char *text = vp_database_get_setting (self, key, NULL);
  gint64 value = 0;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, max, &value, NULL))
    return fallback;
  return value;
}

gboolean
vp_database_backup_due (VpDatabase *self,
                        gint64      now)
{
  gint64 hours, last;

  g_return_val_if_fail (self != NULL, FALSE);

  hours = get_int_setting (self, VP_DATABASE_BACKUP_INTERVAL_KEY,
                           VP_DATABASE_BACKUP_INTERVAL_DEFAULT, 24 * 366);
  if (hours == 0)
    return FALSE;
  last = get_int_setting (self, VP_DATABASE_BACKUP_LAST_KEY, 0, G_MAXINT64);
  /* A clock set back (last in the future) must not stop backups for good. */
  return last > now || now - last >= hours * 3600;
}

char *
vp_database_backup_dir (VpDatabase *self)
{
  g_autofree char *dir = NULL;
  g_autofree char *parent = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  dir = vp_database_get_setting (self, VP_DATABASE_BACKUP_DIR_KEY, NULL);
  if (dir != NULL && dir[0] != '\0')
    return g_steal_pointer (&dir);
  parent = g_path_get_dirname (self->path);
  return g_build_filename (parent, "backups", NULL);
}

gboolean
vp_database_backup_if_due (VpDatabase  *self,
                           gint64       now,
                           char       **out_path,
                           GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stamp = NULL;
  gint64 keep;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_path != NULL)
    *out_path = NULL;
  if (!vp_database_backup_due (self, now))
    return TRUE;

  dir = vp_database_backup_dir (self);
  keep = get_int_setting (self, VP_DATABASE_BACKUP_KEEP_KEY, VP_DATABASE_BACKUP_KEEP_DEFAULT,
                          G_MAXUINT);
  if (!vp_database_backup_rotate (self, dir, (guint) MAX (keep, 1), &path, error))
    return FALSE;
  /* Recorded after the copy exists: a failed backup is tried again next time. */
  stamp = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  if (!vp_database_set_setting (self, VP_DATABASE_BACKUP_LAST_KEY, stamp, error))
    return FALSE;
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return TRUE;
}

char *
vp_database_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

void
vp_database_run_scheduled_backup (VpDatabase *self,
                                  const char *log_prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (self != NULL);

  if (!vp_database_backup_if_due (self, g_get_real_time () / G_USEC_PER_SEC, &path, &error))
    g_message ("%sscheduled backup failed: %s", log_prefix, error->message);
  else if (path != NULL)
    g_message ("%sscheduled backup written to %s", log_prefix, path);
}
