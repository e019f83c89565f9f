/* vp-audit.c: the tamper-evident audit log */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Versioned so a future encoding cannot be confused with this one. */
static const char hash_domain[] = "vendpoint.audit.v1";

/* Integers as 8 bytes big-endian: fixed width, so no field can run into the next. */
static void
feed_int (crypto_hash_sha256_state *state,
          gint64                    value)
{
  guint64 be = GUINT64_TO_BE ((guint64) value);

  crypto_hash_sha256_update (state, (const guchar *) &be, sizeof be);
}

/* Text as its byte length then the bytes; NULL as the length 2^64-1 with no bytes,
 * so NULL and "" hash differently and ("ab","c") differs from ("a","bc"). */
static void
feed_text (crypto_hash_sha256_state *state,
           const char               *text)
{
  if (text == NULL)
    {
      feed_int (state, -1);
      return;
    }
  feed_int (state, (gint64) strlen (text));
  crypto_hash_sha256_update (state, (const guchar *) text, strlen (text));
}

typedef struct
{
  gint64      id;
  const char *time;
  gint64      operator_id;
  const char *action;
  const char *object;
  const char *before;
  const char *after;
  const char *prev_hash;
} AuditRow;

static void
compute_hash (const AuditRow *row,
              char            out_hex[2 * crypto_hash_sha256_BYTES + 1])
{
  crypto_hash_sha256_state state;
  guchar digest[crypto_hash_sha256_BYTES];

  crypto_hash_sha256_init (&state);
  feed_text (&state, hash_domain);
  feed_int (&state, row->id);
  feed_text (&state, row->time);
  feed_int (&state, row->operator_id);
  feed_text (&state, row->action);
  feed_text (&state, row->object);
  feed_text (&state, row->before);
  feed_text (&state, row->after);
  feed_text (&state, row->prev_hash);
  crypto_hash_sha256_final (&state, digest);
  sodium_bin2hex (out_hex, 2 * crypto_hash_sha256_BYTES + 1, digest, sizeof digest);
}

/* The head (last id and hash) as the application last wrote it. */
static gboolean
read_head (VpDatabase  *db,
           gint64      *out_id,
           char       **out_hash,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = vp_database_prepare (db, "SELECT last_id, hash FROM audit_head WHERE one = 1", error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_id = sqlite3_column_int64 (stmt, 0);
      *out_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  else if (rc == SQLITE_DONE)
    g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED,
                         _("The audit log's chain head is missing: the log was tampered with"));
  else
    vp_database_set_error (db, rc, _("Could not read the audit log"), error);
  sqlite3_reset (stmt);
  return rc == SQLITE_ROW;
}

gboolean
vp_audit_append (VpDatabase  *db,
                 gint64       operator_id,
                 const char  *action,
                 const char  *object,
                 const char  *before_json,
                 const char  *after_json,
                 GError     **error)
{
  char hash[2 * crypto_hash_sha256_BYTES + 1];
  g_autofree char *prev_hash = NULL;
  g_autofree char *time = NULL;
  sqlite3_stmt *stmt;
  gint64 last_id = 0;
  AuditRow row;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (operator_id >= 0, FALSE);
  g_return_val_if_fail (action != NULL && *action != '\0', FALSE);
  /* The record must commit or vanish together with the action it records. */
  g_return_val_if_fail (vp_database_in_transaction (db), FALSE);

  vp_database_lock (db);
  if (!read_head (db, &last_id, &prev_hash, error))
    goto fail;

  time = vp_database_now ();
  row = (AuditRow) {
    .id = last_id + 1,
    .time = time,
    .operator_id = operator_id,
    .action = action,
    .object = object,
    .before = before_json,
    .after = after_json,
    .prev_hash = prev_hash,
  };
  compute_hash (&row, hash);

  stmt = vp_database_prepare (db,
                              "INSERT INTO audit (id, time, operator_id, action, object, "
                              "before, after, prev_hash, hash) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, row.id);
  sqlite3_bind_text (stmt, 2, row.time, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, row.operator_id);
  sqlite3_bind_text (stmt, 4, row.action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, row.object, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, row.before, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, row.after, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, row.prev_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      /* Only possible when someone put a row after the recorded head. */
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED,
                   _("The audit log already has a row %lld that Vendpoint did "
                     "not write; run “vpctl db verify” and call your administrator"),
                   (long long) row.id);
      goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not write the audit log"), error);
      goto fail;
    }

  stmt = vp_database_prepare (db, "UPDATE audit_head SET last_id = ?, hash = ? WHERE one = 1",
                              error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, row.id);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not write the audit log"), error);
      goto fail;
    }

  vp_database_unlock (db);
  return TRUE;

fail:
  vp_database_unlock (db);
  return FALSE;
}

static gboolean
verify_failed (gint64      *out_bad_id,
               gint64       bad_id,
               GError     **error,
               const char  *format,
               ...) G_GNUC_PRINTF (4, 5);

static gboolean
verify_failed (gint64      *out_bad_id,
               gint64       bad_id,
               GError     **error,
               const char  *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (out_bad_id != NULL)
    *out_bad_id = bad_id;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED, message);
  return FALSE;
}

/* Walk the rows in id order; see vp_audit_verify_full(). Caller holds the lock and a
 * read snapshot. */
static gboolean
verify_rows (VpDatabase  *db,
             gint64      *out_rows,
             char       **out_head,
             gint64      *out_bad_id,
             GError     **error)
{
  char expected_prev[2 * crypto_hash_sha256_BYTES + 1] = ZERO_HASH;
  char computed[2 * crypto_hash_sha256_BYTES + 1];
  g_autofree char *head_hash = NULL;
  sqlite3_stmt *stmt;
  gint64 last_id = 0;
  gint64 head_id = 0;
  gint64 rows = 0;
  int rc;

  stmt = vp_database_prepare (db,
                              "SELECT id, time, operator_id, action, object, before, after, "
                              "prev_hash, hash FROM audit ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AuditRow row = {
        .id = sqlite3_column_int64 (stmt, 0),
        .time = (const char *) sqlite3_column_text (stmt, 1),
        .operator_id = sqlite3_column_int64 (stmt, 2),
        .action = (const char *) sqlite3_column_text (stmt, 3),
        .object = (const char *) sqlite3_column_text (stmt, 4),
        .before = (const char *) sqlite3_column_text (stmt, 5),
        .after = (const char *) sqlite3_column_text (stmt, 6),
        .prev_hash = (const char *) sqlite3_column_text (stmt, 7),
      };
      const char *stored = (const char *) sqlite3_column_text (stmt, 8);

      if (row.id != last_id + 1)
        {
          sqlite3_reset (stmt);
          if (row.id == last_id + 2)
            return verify_failed (out_bad_id, last_id + 1, error,
                                  _("Audit log row %lld is missing: it was "
                                    "deleted (or row %lld was inserted)"),
                                  (long long) (last_id + 1), (long long) row.id);
          return verify_failed (out_bad_id, last_id + 1, error,
                                _("Audit log rows %lld to %lld"
                                  " are missing: they were deleted (or row %lld"
                                  " was inserted)"),
                                (long long) (last_id + 1), (long long) (row.id - 1),
                                (long long) row.id);
        }

      if (g_strcmp0 (row.prev_hash, expected_prev) != 0)
        {
          sqlite3_reset (stmt);
          return verify_failed (out_bad_id, row.id, error,
                                _("Audit log row %lld does not chain to the "
                                  "row before it: rows were removed, inserted or renumbered "
                                  "there"), (long long) row.id);
        }

      compute_hash (&row, computed);
      if (g_strcmp0 (stored, computed) != 0)
        {
          sqlite3_reset (stmt);
          return verify_failed (out_bad_id, row.id, error,
                                _("Audit log row %lld does not match its hash: it was "
                                  "changed after it was written, or forged"), (long long) row.id);
        }

      memcpy (expected_prev, computed, sizeof computed);
      last_id = row.id;
      rows++;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the audit log"), error);
      return FALSE;
    }

  /* The rows agree with each other; now with the head written beside every append.
   * This is what catches the last rows being cut off. */
  if (!read_head (db, &head_id, &head_hash, error))
    {
      if (out_bad_id != NULL)
        *out_bad_id = 0;
      return FALSE;
    }
  if (head_id > last_id)
    return verify_failed (out_bad_id, last_id + 1, error,
                          _("Audit log row %lld is missing: the log ends at row "
                            "%lld but was written up to row %lld"),
                          (long long) (last_id + 1), (long long) last_id, (long long) head_id);
  if (head_id < last_id)
    return verify_failed (out_bad_id, head_id + 1, error,
                          _("Audit log row %lld was not written by Vendpoint: "
                            "the log should end at row %lld"),
                          (long long) (head_id + 1), (long long) head_id);
  if (g_strcmp0 (head_hash, expected_prev) != 0)
    return verify_failed (out_bad_id, last_id, error,
                          _("Audit log row %lld does not match the recorded "
                            "end of the chain: it was replaced"), (long long) last_id);

  if (out_rows != NULL)
    *out_rows = rows;
  if (out_head != NULL)
    *out_head = g_strdup (expected_prev);
  return TRUE;
}

gboolean
vp_audit_verify_full (VpDatabase  *db,
                      gint64      *out_rows,
                      char       **out_head,
                      gint64      *out_bad_id,
                      GError     **error)
{
  gboolean own_snapshot;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_bad_id != NULL)
    *out_bad_id = 0;

  /* One read snapshot for the rows and the head, so a concurrent append by another
   * process cannot look like tampering. */
  vp_database_lock (db);
  own_snapshot = !vp_database_in_transaction (db)
                 && sqlite3_get_autocommit (vp_database_get_handle (db));
  if (own_snapshot && !vp_database_exec (db, "BEGIN", error))
    {
      vp_database_unlock (db);
      return FALSE;
    }
  ok = verify_rows (db, out_rows, out_head, out_bad_id, error);
  if (own_snapshot)
    vp_database_exec (db, "COMMIT", NULL);
  vp_database_unlock (db);
  return ok;
}

gboolean
vp_audit_verify (VpDatabase  *db,
                 gint64      *out_rows,
                 GError     **error)
{
  return vp_audit_verify_full (db, out_rows, NULL, NULL, error);
}

char *
vp_audit_get_hash (VpDatabase  *db,
                   gint64       id,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  char *hash = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT hash FROM audit WHERE id = ?", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      else if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("The audit log has no row %lld"), (long long) id);
      else
        vp_database_set_error (db, rc, _("Could not read the audit log"), error);
      sqlite3_reset (stmt);
    }
  vp_database_unlock (db);
  return hash;
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

char *
vp_audit_json (const char *first_key,
               ...)
{
  GString *out = g_string_new ("{");
  const char *key = first_key;
  va_list args;

  va_start (args, first_key);
  while (key != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (out->len > 1)
        g_string_append_c (out, ',');
      append_json_string (out, key);
      g_string_append_c (out, ':');
      append_json_string (out, value);
      key = va_arg (args, const char *);
    }
  va_end (args);

  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}
