/* vp-secret.c: credentials sealed at rest (see vp-secret.h for the threat model) */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-secret.h"

/* Keys by key-file path, loaded once per process; the key bytes live in
 * sodium_malloc'd memory (guard pages, never swapped where mlock works). */
G_LOCK_DEFINE_STATIC (keys);
static GHashTable *keys;

static const char * const credential_settings[] = {
  VP_SECRET_SMTP_USER_KEY,
  VP_SECRET_SMTP_PASSWORD_KEY,
};

char *
vp_secret_key_path (VpDatabase *db)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (db != NULL, NULL);

  dir = g_path_get_dirname (vp_database_get_path (db));
  return g_build_filename (dir, VP_SECRET_KEY_FILE, NULL);
}

static gboolean
read_key (const char  *path,
          guint8      *key,
          GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean ok;

  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  ok = length == crypto_secretbox_KEYBYTES;
  if (ok)
    memcpy (key, contents, length);
  else
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
                 _("The key file %s is damaged (%zu bytes, not %d); restore it from where "
                   "it was copied"), path, length, crypto_secretbox_KEYBYTES);
  sodium_memzero (contents, length);
  return ok;
}

/* A new random key at @path, written beside it and linked into place: link() never
 * replaces an existing file, so two processes creating the key at once agree on one. */
static gboolean
create_key (const char  *path,
            GError     **error)
{
  guint8 key[crypto_secretbox_KEYBYTES];
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd;
  gboolean ok;

  fd = g_mkstemp_full (tmp, O_WRONLY, 0600);
  if (fd < 0)
    goto failed;
  crypto_secretbox_keygen (key);
  ok = write (fd, key, sizeof key) == (ssize_t) sizeof key && fsync (fd) == 0;
  sodium_memzero (key, sizeof key);
  close (fd);
  if (!ok || (link (tmp, path) != 0 && errno != EEXIST))
    {
      int saved_errno = errno;

      g_unlink (tmp);
      errno = saved_errno;
      goto failed;
    }
  g_unlink (tmp);
  return TRUE;

failed:
  {
    int saved_errno = errno;

    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                 _("Could not create the key file %s: %s"), path, g_strerror (saved_errno));
    return FALSE;
  }
}

/* @db's key, created when @create and missing. Owned by the cache. */
static const guint8 *
get_key (VpDatabase  *db,
         gboolean     create,
         GError     **error)
{
  g_autofree char *path = vp_secret_key_path (db);
  guint8 *key;

  G_LOCK (keys);
  if (keys == NULL)
    keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sodium_free);
  key = g_hash_table_lookup (keys, path);
  if (key == NULL)
    {
      if (sodium_init () < 0)
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                               _("The cryptography library could not start"));
          goto out;
        }
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          if (!create)
            {
              g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
                           _("The key file %s is missing, so stored meter passwords cannot be "
                             "read; copy vendpoint.key from where the database came from, or "
                             "enter the passwords again"), path);
              goto out;
            }
          if (!create_key (path, error))
            goto out;
        }
      key = sodium_malloc (crypto_secretbox_KEYBYTES);
      if (!read_key (path, key, error))
        {
          sodium_free (key);
          key = NULL;
          goto out;
        }
      g_hash_table_insert (keys, g_steal_pointer (&path), key);
    }
out:
  G_UNLOCK (keys);
  return key;
}

gboolean
vp_secret_is_sealed (const char *stored)
{
  return stored != NULL && g_str_has_prefix (stored, VP_SECRET_PREFIX);
}

char *
vp_secret_seal (VpDatabase  *db,
                const char  *plain,
                GError     **error)
{
  const guint8 *key;
  g_autofree guint8 *sealed = NULL;
  g_autofree char *b64 = NULL;
  gsize length;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (plain == NULL)
    return NULL;
  key = get_key (db, TRUE, error);
  if (key == NULL)
    return NULL;

  length = strlen (plain);
  sealed = g_malloc (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + length);
  randombytes_buf (sealed, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy (sealed + crypto_secretbox_NONCEBYTES, (const guint8 *) plain, length,
                         sealed, key);
  b64 = g_base64_encode (sealed, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + length);
  return g_strconcat (VP_SECRET_PREFIX, b64, NULL);
}

char *
vp_secret_open (VpDatabase  *db,
                const char  *stored,
                GError     **error)
{
  g_autofree guint8 *box = NULL;
  g_autofree char *key_path = NULL;
  const guint8 *key;
  char *plain;
  gsize length = 0;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (stored == NULL)
    return NULL;
  if (!vp_secret_is_sealed (stored))
    return g_strdup (stored);
  key = get_key (db, FALSE, error);
  if (key == NULL)
    return NULL;

  box = g_base64_decode (stored + strlen (VP_SECRET_PREFIX), &length);
  if (length < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    goto failed;
  length -= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
  plain = g_malloc (length + 1);
  if (crypto_secretbox_open_easy ((guint8 *) plain, box + crypto_secretbox_NONCEBYTES,
                                  length + crypto_secretbox_MACBYTES, box, key) != 0
      || memchr (plain, '\0', length) != NULL)
    {
      g_free (plain);
      goto failed;
    }
  plain[length] = '\0';
  return plain;

failed:
  key_path = vp_secret_key_path (db);
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
               _("A stored password does not open with the key file %s (a key from another "
                 "machine, or the value was changed); enter the password again"), key_path);
  return NULL;
}

char *
vp_secret_reveal (VpDatabase *db,
                  const char *stored)
{
  static gsize logged = 0;
  g_autoptr(GError) error = NULL;
  char *plain;

  g_return_val_if_fail (db != NULL, NULL);

  plain = vp_secret_open (db, stored, &error);
  if (error != NULL && g_once_init_enter (&logged))
    {
      g_message ("%s", error->message);
      g_once_init_leave (&logged, 1);
    }
  return plain;
}

gboolean
vp_secret_set_setting (VpDatabase  *db,
                       const char  *key,
                       const char  *plain,
                       GError     **error)
{
  g_autofree char *sealed = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (plain != NULL, FALSE);

  sealed = vp_secret_seal (db, plain, error);
  return sealed != NULL && vp_database_set_setting (db, key, sealed, error);
}

char *
vp_secret_get_setting (VpDatabase  *db,
                       const char  *key,
                       GError     **error)
{
  g_autofree char *stored = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stored = vp_database_get_setting (db, key, NULL);
  return vp_secret_open (db, stored, error);
}

/* Seal the plaintext in column @column (0 or 1 of the SELECT) of meter @id. */
static gboolean
seal_meter_column (VpDatabase    *db,
                   gint64         id,
                   const char    *column,
                   const char    *plain,
                   guint         *count,
                   GError       **error)
{
  g_autofree char *sealed = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (plain == NULL || vp_secret_is_sealed (plain))
    return TRUE;
  sealed = vp_secret_seal (db, plain, error);
  if (sealed == NULL)
    return FALSE;
  /* @column is one of two names in this file, never input. */
  sql = g_strdup_printf ("UPDATE meters SET %s = ? WHERE id = ?", column);
  stmt = vp_database_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sealed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not seal a meter password"), error);
      return FALSE;
    }
  (*count)++;
  return TRUE;
}

#define PLAIN_METERS \
  "(password IS NOT NULL AND substr (password, 1, 5) <> ?1) " \
  "OR (operator_code IS NOT NULL AND substr (operator_code, 1, 5) <> ?1)"

/* @out_count: 1 when some meter or credential setting is still plaintext, else 0. */
static gboolean
has_plaintext (VpDatabase  *db,
               guint       *out_count,
               GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  *out_count = 0;
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT EXISTS (SELECT 1 FROM meters WHERE " PLAIN_METERS ")",
                              error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, VP_SECRET_PREFIX, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out_count = sqlite3_column_int (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    vp_database_set_error (db, rc, _("Could not read the meter passwords"), error);
  vp_database_unlock (db);
  if (rc != SQLITE_ROW)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (credential_settings) && *out_count == 0; i++)
    {
      g_autofree char *stored = vp_database_get_setting (db, credential_settings[i], NULL);

      if (stored != NULL && !vp_secret_is_sealed (stored))
        *out_count = 1;
    }
  return TRUE;
}

gboolean
vp_secret_migrate (VpDatabase  *db,
                   guint       *out_sealed,
                   GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt;
  guint count = 0;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  if (out_sealed != NULL)
    *out_sealed = 0;
  /* Every open runs this: look before taking the write lock. */
  if (!has_plaintext (db, &count, error))
    return FALSE;
  if (count == 0)
    return TRUE;
  count = 0;

  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT id, password, operator_code FROM meters WHERE " PLAIN_METERS,
                              error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, VP_SECRET_PREFIX, -1, SQLITE_STATIC);
  /* Collected first: updating the table while stepping over it is undefined. */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (rows, g_memdup2 ((gint64[]) { sqlite3_column_int64 (stmt, 0) }, sizeof (gint64)));
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
      g_ptr_array_add (rows, g_strdup ((const char *) sqlite3_column_text (stmt, 2)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the meter passwords"), error);
      goto fail;
    }
  for (guint i = 0; i + 2 < rows->len; i += 3)
    {
      gint64 id = *(gint64 *) rows->pdata[i];

      if (!seal_meter_column (db, id, "password", rows->pdata[i + 1], &count, error)
          || !seal_meter_column (db, id, "operator_code", rows->pdata[i + 2], &count, error))
        goto fail;
    }

  for (guint i = 0; i < G_N_ELEMENTS (credential_settings); i++)
    {
      g_autofree char *stored = vp_database_get_setting (db, credential_settings[i], NULL);

      if (stored == NULL || vp_secret_is_sealed (stored))
        continue;
      if (!vp_secret_set_setting (db, credential_settings[i], stored, error))
        goto fail;
      count++;
    }

  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_sealed != NULL)
    *out_sealed = count;
  return TRUE;

fail:
  vp_database_rollback (db);
  return FALSE;
}
