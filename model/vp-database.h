/* vp-database.h: the one owner of the SQLite connection
 *
 * Contract:
 * - vp_database_open() creates the file when missing, turns on WAL, synchronous=FULL,
 *   foreign keys and a busy timeout, then applies every pending migration (each in its
 *   own transaction). A file whose schema version is newer than this build knows is
 *   refused with VP_MODEL_ERROR_TOO_NEW and left untouched.
 * - Every SQLite failure becomes a GError in VP_MODEL_ERROR carrying sqlite3_errmsg();
 *   SQLITE_BUSY → BUSY, SQLITE_READONLY → READ_ONLY, SQLITE_FULL → DISK_FULL,
 *   SQLITE_CORRUPT/NOTADB → CORRUPT, anything else → DATABASE.
 * - The connection is shared by threads: vp_database_lock()/unlock() (recursive) guard
 *   every use of the handle; vp_database_begin() takes the lock and BEGIN IMMEDIATE,
 *   commit/rollback release it. Writes that move money happen between begin and commit.
 * - Other processes (the reading service, vpctl) may write the same file at once;
 *   BEGIN IMMEDIATE waits for them (busy timeout) instead of failing half-way.
 * - vp_database_begin() nests: an inner begin is a SAVEPOINT, so one model operation may
 *   call another inside its transaction; only the outermost commit makes it durable.
 *   A failed commit has rolled back and released the lock.
 * - Migrations: see data/migrations/README.md (a numbered .sql file + one line in
 *   migrations.gresource.xml).
 */
#pragma once

#include <sqlite3.h>

#include "vp-types.h"

G_BEGIN_DECLS

/* Schema version this build writes and understands. */
int          vp_database_schema_version (void);

VpDatabase  *vp_database_open          (const char   *path,
                                        GError      **error);
/* Like vp_database_open() but migrates only up to @version (-1 = latest): for tests
 * that need an old file, and for tools. */
VpDatabase  *vp_database_open_at_version (const char *path,
                                        int           version,
                                        GError      **error);
VpDatabase  *vp_database_ref           (VpDatabase   *self);
void         vp_database_unref         (VpDatabase   *self);
const char  *vp_database_get_path      (VpDatabase   *self);

/* The raw handle, for model/ code only; hold vp_database_lock() while using it. */
sqlite3     *vp_database_get_handle    (VpDatabase   *self);
void         vp_database_lock          (VpDatabase   *self);
void         vp_database_unlock        (VpDatabase   *self);

gboolean     vp_database_begin         (VpDatabase   *self,
                                        GError      **error);
gboolean     vp_database_commit        (VpDatabase   *self,
                                        GError      **error);
void         vp_database_rollback      (VpDatabase   *self);
/* TRUE between vp_database_begin() and its commit/rollback (on any thread). */
gboolean     vp_database_in_transaction (VpDatabase  *self);

gboolean     vp_database_exec          (VpDatabase   *self,
                                        const char   *sql,
                                        GError      **error);
/* A prepared statement from the connection's cache (reset and unbound); never
 * finalize it. NULL with @error set on failure. */
sqlite3_stmt *vp_database_prepare      (VpDatabase   *self,
                                        const char   *sql,
                                        GError      **error);
/* Turn the connection's last error (rc) into a GError, prefixed by @what. */
void         vp_database_set_error     (VpDatabase   *self,
                                        int           rc,
                                        const char   *what,
                                        GError      **error);

/* Settings stored in the database (key → text), e.g. "refund.approval_limit". */
char        *vp_database_get_setting   (VpDatabase   *self,
                                        const char   *key,
                                        const char   *default_value);
gboolean     vp_database_set_setting   (VpDatabase   *self,
                                        const char   *key,
                                        const char   *value,
                                        GError      **error);

/* Online backup (SQLite backup API) into @dest_path; the copy is verified. */
gboolean     vp_database_backup        (VpDatabase   *self,
                                        const char   *dest_path,
                                        GError      **error);
/* Online backup into @directory as vendpoint-YYYYMMDD-HHMMSS-ffffff.db (UTC), then
 * delete all but the @keep newest such files there. @out_path: the new file. A
 * destination that exists is refused (VP_MODEL_ERROR_EXISTS), never overwritten; the
 * copy is written as DEST.partial, checked with PRAGMA integrity_check, then renamed. */
gboolean     vp_database_backup_rotate (VpDatabase   *self,
                                        const char   *directory,
                                        guint         keep,
                                        char        **out_path,
                                        GError      **error);
/* Copies the backup file @backup_path (opened read-only, never changed) into the new
 * file @dest_path, which must not exist (VP_MODEL_ERROR_EXISTS); the source and the copy
 * pass integrity_check (else VP_MODEL_ERROR_CORRUPT). Written as DEST.partial, then
 * renamed. Open the result with vp_database_open() (which applies newer migrations) and
 * check it (vp_ledger_verify, vp_audit_verify) before using it. */
gboolean     vp_database_restore       (const char   *backup_path,
                                        const char   *dest_path,
                                        GError      **error);

/* Scheduled backups, driven by settings: every "backup.interval_hours" (default 24,
 * 0 = never) into "backup.dir" (default: backups/ beside the database), keeping the
 * "backup.keep" newest (default 10). "backup.last" holds the unix time of the last
 * scheduled one. */
#define VP_DATABASE_BACKUP_INTERVAL_KEY     "backup.interval_hours"
#define VP_DATABASE_BACKUP_INTERVAL_DEFAULT 24
#define VP_DATABASE_BACKUP_DIR_KEY          "backup.dir"
#define VP_DATABASE_BACKUP_KEEP_KEY         "backup.keep"
#define VP_DATABASE_BACKUP_KEEP_DEFAULT     10
#define VP_DATABASE_BACKUP_LAST_KEY         "backup.last"

/* TRUE when a scheduled backup is due at @now (unix seconds): the interval has passed
 * since "backup.last", or "backup.last" lies in the future (clock set back). */
gboolean     vp_database_backup_due    (VpDatabase   *self,
                                        gint64        now);
/* The folder scheduled backups go to ("backup.dir" or backups/ beside the file). */
char        *vp_database_backup_dir    (VpDatabase   *self);
/* For the reading service and the GUI to call periodically (say every few minutes):
 * when due, vp_database_backup_rotate() into the backup folder and record @now as
 * "backup.last". TRUE with *@out_path NULL when nothing was due; on failure FALSE and
 * "backup.last" unchanged, so the next call tries again. */
gboolean     vp_database_backup_if_due (VpDatabase   *self,
                                        gint64        now,
                                        char        **out_path,
                                        GError      **error);
/* What the reading service and the GUI call after each cycle: vp_database_backup_if_due()
 * at the current time, its outcome logged with g_message() after @log_prefix. A failure
 * leaves "backup.last" alone, so the next call tries again. */
void         vp_database_run_scheduled_backup (VpDatabase *self,
                                               const char *log_prefix);
/* PRAGMA integrity_check and foreign_key_check on the live file (backups get the same);
 * VP_MODEL_ERROR_CORRUPT names the first problem. */
gboolean     vp_database_integrity_check (VpDatabase *self,
                                        GError      **error);

/* Now as stored in the database: UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ" (sorts as text). */
char        *vp_database_now           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpDatabase, vp_database_unref)

G_END_DECLS
