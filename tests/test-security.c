/* test-security.c: credentials sealed at rest, tampering behind the application's back,
 * no default password
 *
 * - Meter passwords, operator codes and SMTP credentials never reach the database file
 *   in plaintext (the raw bytes of the file and its WAL are searched), open again with
 *   the key, fail clearly without it or when tampered with, and plaintext left by an
 *   older version is sealed at the next open.
 * - Rows deleted or inserted with the sqlite3 shell (triggers dropped first, as an
 *   attacker would) are caught by vp_audit_verify() and by `vpctl db verify`.
 * - A fresh database has no operator, so no password works until the first admin is
 *   created with one of their own (vpctl db init refuses short ones). The demo data
 *   (model/vp-demo.c) needs a logged-in actor and adds no operators.
 * (Hostile search input is covered in test-search.c; permissions in test-permissions.c.)
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vp-secret.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

#define METER_PASSWORD  "02:918273"
#define OPERATOR_CODE   "55667788"
#define SMTP_PASSWORD   "smtp-Pa55word!"

/* TRUE when @needle occurs in the database file or its WAL. */
static gboolean
file_contains (Fixture    *f,
               const char *needle)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (vp_database_get_path (f->db), suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (path, &contents, &length, NULL)
          && g_strstr_len (contents, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static char *
raw_text (Fixture    *f,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  vp_database_lock (f->db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (f->db), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  vp_database_unlock (f->db);
  return value;
}

static void
raw_exec (Fixture    *f,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_database_exec (f->db, sql, &error));
  g_assert_no_error (error);
}

static char *
add_meter_account (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *number = vp_test_counter_open (f, "陈静", NULL);
  VpMeterSpec meter;

  vp_meter_spec_init (&meter);
  meter.address = "000011112222";
  meter.password = METER_PASSWORD;
  meter.operator_code = OPERATOR_CODE;
  g_assert_true (vp_account_add_meter (f->db, f->admin, number, &meter, NULL, &error));
  g_assert_no_error (error);
  return number;
}

static void
assert_meter_opens (Fixture    *f,
                    const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = vp_account_get (f->db, f->admin, number, &error);
  VpMeter *m;

  g_assert_no_error (error);
  g_assert_cmpuint (account->meters->len, ==, 1);
  m = g_ptr_array_index (account->meters, 0);
  g_assert_cmpstr (m->password, ==, METER_PASSWORD);
  g_assert_cmpstr (m->operator_code, ==, OPERATOR_CODE);
}

static void
test_secret_roundtrip (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_path = vp_secret_key_path (f->db);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *plain = NULL;
  GStatBuf st;

  g_assert_false (g_file_test (key_path, G_FILE_TEST_EXISTS));
  a = vp_secret_seal (f->db, "秘密 secret", &error);
  g_assert_no_error (error);
  b = vp_secret_seal (f->db, "秘密 secret", &error);
  g_assert_no_error (error);
  /* A fresh nonce each time: equal passwords do not look equal in the file. */
  g_assert_cmpstr (a, !=, b);
  g_assert_true (vp_secret_is_sealed (a));
  g_assert_null (strstr (a, "secret"));

  /* The key file: made on first use, readable by its owner only. */
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 32);

  plain = vp_secret_open (f->db, a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (plain, ==, "秘密 secret");
  g_clear_pointer (&plain, g_free);
  g_assert_null (vp_secret_open (f->db, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (vp_secret_seal (f->db, NULL, &error));
  g_assert_no_error (error);

  /* One changed character, a truncated value, garbage: refused, never garbage out. */
  a[strlen (a) - 3] = a[strlen (a) - 3] == 'A' ? 'B' : 'A';
  g_assert_null (vp_secret_open (f->db, a, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (vp_secret_open (f->db, VP_SECRET_PREFIX "AAAA", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (vp_secret_open (f->db, VP_SECRET_PREFIX "!!not base64!!", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
}

static void
test_secret_meter_password (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *number = add_meter_account (f);
  g_autofree char *stored = raw_text (f, "SELECT password || '|' || operator_code FROM meters");

  g_assert_true (g_str_has_prefix (stored, VP_SECRET_PREFIX));
  g_assert_null (strstr (stored, "918273"));
  g_assert_null (strstr (stored, OPERATOR_CODE));
  g_assert_false (file_contains (f, "918273"));
  g_assert_false (file_contains (f, OPERATOR_CODE));
  assert_meter_opens (f, number);
}

/* A database moved to another machine without its key: a clear error, nothing else
 * breaks (accounts still open, the meter's password is simply not available). */
static void
test_secret_missing_key (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) moved = NULL;
  g_autoptr(VpAccount) account = NULL;
  g_autofree char *number = add_meter_account (f);
  g_autofree char *stored = raw_text (f, "SELECT password FROM meters");
  g_autofree char *other_dir = vp_test_tmp_new ();
  g_autofree char *copy = g_build_filename (other_dir, "vendpoint.db", NULL);
  g_autofree char *wrong_key = g_build_filename (other_dir, VP_SECRET_KEY_FILE, NULL);

  g_assert_true (vp_database_backup (f->db, copy, &error));
  g_assert_no_error (error);
  moved = vp_database_open (copy, &error);
  g_assert_no_error (error);
  g_assert_null (vp_secret_open (moved, stored, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "missing"));
  g_clear_error (&error);
  account = vp_account_get (moved, f->admin, number, &error);
  g_assert_no_error (error);
  g_assert_null (((VpMeter *) g_ptr_array_index (account->meters, 0))->password);

  /* A key file of the wrong size is named as damaged, not used. */
  g_clear_pointer (&moved, vp_database_unref);
  g_assert_true (g_file_set_contents (wrong_key, "short", -1, NULL));
  moved = vp_database_open (copy, &error);
  g_assert_no_error (error);
  g_assert_null (vp_secret_open (moved, stored, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_pointer (&moved, vp_database_unref);
  vp_test_tmp_remove (other_dir);
}

/* Plaintext left by an older version (or typed in with the sqlite3 shell) is sealed at
 * the next open; SMTP credentials go through the same. */
static void
test_secret_migrate (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = add_meter_account (f);
  g_autofree char *path = g_strdup (vp_database_get_path (f->db));
  g_autofree char *smtp = NULL;
  g_autofree char *stored = NULL;
  guint sealed = 99;

  raw_exec (f, "UPDATE meters SET password = '" METER_PASSWORD "', "
               "operator_code = '" OPERATOR_CODE "'");
  g_assert_true (vp_database_set_setting (f->db, VP_SECRET_SMTP_PASSWORD_KEY, SMTP_PASSWORD,
                                          &error));
  g_assert_no_error (error);
  /* Still readable while plaintext (an older process may be writing it). */
  assert_meter_opens (f, number);

  g_clear_pointer (&f->db, vp_database_unref);
  f->db = vp_database_open (path, &error);
  g_assert_no_error (error);
  stored = raw_text (f, "SELECT password || operator_code FROM meters");
  g_assert_null (strstr (stored, "918273"));
  g_assert_null (strstr (stored, OPERATOR_CODE));
  g_clear_pointer (&stored, g_free);
  stored = vp_database_get_setting (f->db, VP_SECRET_SMTP_PASSWORD_KEY, NULL);
  g_assert_true (vp_secret_is_sealed (stored));
  assert_meter_opens (f, number);
  smtp = vp_secret_get_setting (f->db, VP_SECRET_SMTP_PASSWORD_KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (smtp, ==, SMTP_PASSWORD);
  /* Checkpointed, the old plaintext pages are gone from the file too. */
  raw_exec (f, "PRAGMA wal_checkpoint(TRUNCATE)");
  raw_exec (f, "VACUUM");
  g_assert_false (file_contains (f, SMTP_PASSWORD));
  g_assert_false (file_contains (f, "918273"));

  /* Nothing left to do: no transaction, nothing sealed twice. */
  g_assert_true (vp_secret_migrate (f->db, &sealed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sealed, ==, 0);
}

/* `sqlite3 FILE SQL` as someone with the file but not the application would run it. */
static void
shell (const char *path,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { "sqlite3", path, sql, NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sqlite3 failed: %s", err);
}

static int
vpctl_verify (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { g_getenv ("VPCTL"), "--db", path, "db", "verify", NULL };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "VP_OPERATOR", "root", TRUE);
  int status = 0;

  g_assert_nonnull (argv[0]);
  env = g_environ_setenv (env, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_test_message ("vpctl db verify: %s%s", out, err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
tamper_case (Fixture    *f,
             const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "tampered.db", NULL);
  g_autoptr(VpDatabase) db = NULL;

  g_unlink (copy);
  g_assert_true (vp_database_backup (f->db, copy, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vpctl_verify (copy), ==, 0);
  shell (copy, sql);
  db = vp_database_open (copy, &error);
  g_assert_no_error (error);
  g_assert_false (vp_audit_verify (db, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED);
  g_assert_cmpint (vpctl_verify (copy), ==, 1);
}

static void
test_tamper_shell (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *number = add_meter_account (f);

  /* Delete a row in the middle, the last row, insert a forged row, edit a row. */
  tamper_case (f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3;");
  tamper_case (f, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT max (id) FROM audit);");
  tamper_case (f, "INSERT INTO audit (id, time, operator_id, action, object, before, after, prev_hash, hash) "
                  "SELECT max (id) + 1, time, operator_id, 'login', object, before, after, hash, hash "
                  "FROM audit WHERE id = (SELECT max (id) FROM audit);");
  tamper_case (f, "DROP TRIGGER audit_no_update; UPDATE audit SET operator_id = 1 WHERE id = 4;");
}

static void
test_no_default_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *path = g_build_filename (dir, "vendpoint.db", NULL);
  g_autoptr(VpDatabase) db = vp_database_open (path, &error);
  const char *guesses[][2] = {
    { "admin", "admin" }, { "admin", "" }, { "admin", "123456" }, { "root", "root" },
    { "admin", "password" }, { "cashier", "cashier" },
  };
  gint64 count = -1;

  g_assert_no_error (error);
  g_assert_true (vp_operator_count (db, &count, &error));
  g_assert_cmpint (count, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (guesses); i++)
    {
      g_autoptr(VpSession) s = vp_session_login (db, guesses[i][0], guesses[i][1], &error);

      g_assert_null (s);
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
      g_clear_error (&error);
    }
  /* The first admin must bring a real password. */
  g_assert_false (vp_operator_add (db, NULL, "admin", "Admin", VP_ROLE_ADMIN, "admin", NULL,
                                   &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_pointer (&db, vp_database_unref);
  vp_test_tmp_remove (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/security/secret-roundtrip", test_secret_roundtrip);
  ADD ("/vp/security/meter-password-sealed", test_secret_meter_password);
  ADD ("/vp/security/missing-key", test_secret_missing_key);
  ADD ("/vp/security/migrate-plaintext", test_secret_migrate);
  ADD ("/vp/security/tamper-with-sqlite3-shell", test_tamper_shell);
#undef ADD
  g_test_add_func ("/vp/security/no-default-password", test_no_default_password);
  return g_test_run ();
}
