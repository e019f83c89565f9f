/* vp-session.c: operators, log-in and what each role may do */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-session.h"

#define LOGIN_MAX_LENGTH  32
#define NAME_MAX_LENGTH   100

struct _VpSession
{
  gatomicrefcount  ref_count;
  VpDatabase      *db;
  gint64           operator_id;
  char            *login;
  char            *name;
  VpRole           role;
};

static const char * const role_names[] = {
  [VP_ROLE_CASHIER]    = "cashier",
  [VP_ROLE_SUPERVISOR] = "supervisor",
  [VP_ROLE_TECHNICIAN] = "technician",
  [VP_ROLE_ADMIN]      = "admin",
};

#define C (1u << VP_ROLE_CASHIER)
#define S (1u << VP_ROLE_SUPERVISOR)
#define T (1u << VP_ROLE_TECHNICIAN)
#define A (1u << VP_ROLE_ADMIN)

/* THE role × permission matrix: the one place that decides who may do what.
 * Cashiers run the counter (accounts, money in and small refunds, their own shift).
 * Supervisors add what needs a second pair of eyes: approvals, reversals, accepting an
 * over/short shift, remote trip/close, batches, reports and the audit log.
 * Technicians work on meters and may look accounts up, but never touch money.
 * Admins may do everything, including operators, tariffs and settings. */
static const struct
{
  const char *name;
  const char *action;   /* completes "may not …" */
  guint       roles;
} permissions[VP_N_PERMISSIONS] = {
  [VP_PERM_ACCOUNT_VIEW]     = { "account.view",     N_("look up accounts"),             C | S | T | A },
  [VP_PERM_ACCOUNT_MANAGE]   = { "account.manage",   N_("open or change accounts"),      C | S |     A },
  [VP_PERM_TOPUP]            = { "topup",            N_("take top-ups"),                 C | S |     A },
  [VP_PERM_REFUND]           = { "refund",           N_("give refunds"),                 C | S |     A },
  [VP_PERM_APPROVE]          = { "approve",          N_("approve"),                          S |     A },
  [VP_PERM_REVERSE]          = { "reverse",          N_("reverse top-ups"),                  S |     A },
  [VP_PERM_SHIFT]            = { "shift",            N_("open or close a shift"),        C | S |     A },
  [VP_PERM_SHIFT_ACCEPT]     = { "shift.accept",     N_("accept an over/short shift"),       S |     A },
  [VP_PERM_METER_COMMISSION] = { "meter.commission", N_("commission meters"),                    T | A },
  [VP_PERM_METER_CONTROL]    = { "meter.control",    N_("switch meters on or off"),          S | T | A },
  [VP_PERM_TARIFF_MANAGE]    = { "tariff.manage",    N_("change tariffs"),                           A },
  [VP_PERM_OPERATOR_MANAGE]  = { "operator.manage",  N_("manage operators"),                         A },
  [VP_PERM_SETTINGS]         = { "settings",         N_("change settings"),                          A },
  [VP_PERM_REPORTS]          = { "reports",          N_("see reports"),                      S |     A },
  [VP_PERM_AUDIT]            = { "audit",            N_("read the audit log or make backups"), S |   A },
  [VP_PERM_BATCH]            = { "batch",            N_("run batch jobs"),                   S |     A },
};

#undef C
#undef S
#undef T
#undef A

const char *
vp_role_to_string (VpRole role)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), NULL);

  return role_names[role];
}

gboolean
vp_role_from_string (const char *text,
                     VpRole     *out_role)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    {
      if (g_ascii_strcasecmp (text, role_names[i]) == 0)
        {
          if (out_role != NULL)
            *out_role = (VpRole) i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
vp_role_has_permission (VpRole       role,
                        VpPermission permission)
{
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), FALSE);
  g_return_val_if_fail ((guint) permission < VP_N_PERMISSIONS, FALSE);

  return (permissions[permission].roles & (1u << role)) != 0;
}

const char *
vp_permission_to_string (VpPermission permission)
{
  g_return_val_if_fail ((guint) permission < VP_N_PERMISSIONS, NULL);

  return permissions[permission].name;
}

gboolean
vp_permission_from_string (const char   *text,
                           VpPermission *out_permission)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < VP_N_PERMISSIONS; i++)
    {
      if (g_str_equal (text, permissions[i].name))
        {
          if (out_permission != NULL)
            *out_permission = (VpPermission) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* sodium_init() once per process; it is thread-safe but not free. */
static gboolean
ensure_sodium (GError **error)
{
  static gsize initialized = 0;
  static gboolean ok = FALSE;

  if (g_once_init_enter (&initialized))
    {
      ok = sodium_init () >= 0;
      g_once_init_leave (&initialized, 1);
    }
  if (!ok)
    g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                         _("The cryptography library could not start"));
  return ok;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Argon2id at libsodium's "interactive" cost (about 0.1 s and 64 MiB here): slow for
 * someone guessing at a stolen file, unnoticeable at a log-in.
 *
 * VP_TEST_FAST_HASH=1 (set by tests/meson.build only) drops to Argon2id's minimum cost
 * so the test suites, which create and log in hundreds of operators, stay fast on a
 * loaded machine. It must never be set on a counter; if it ever was, every hash made
 * then is upgraded at that operator's next log-in without it. */
static gboolean
fast_hash_for_tests (void)
{
  return g_strcmp0 (g_getenv ("VP_TEST_FAST_HASH"), "1") == 0;
}

static void
hash_cost (unsigned long long *out_ops,
           size_t             *out_mem)
{
  gboolean fast = fast_hash_for_tests ();

  *out_ops = fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  *out_mem = fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

static char *
hash_password (const char  *password,
               GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];
  unsigned long long ops;
  size_t mem;

  if (!ensure_sodium (error))
    return NULL;
  hash_cost (&ops, &mem);
  if (crypto_pwhash_str_alg (hash, password, strlen (password), ops, mem,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                           _("Not enough memory to protect the password"));
      return NULL;
    }
  return g_strdup (hash);
}

/* TRUE when @hash was made at a lower cost than this build uses (never in test mode:
 * tests must not rewrite hashes they did not ask for). */
static gboolean
hash_needs_upgrade (const char *hash)
{
  unsigned long long ops;
  size_t mem;

  if (fast_hash_for_tests ())
    return FALSE;
  hash_cost (&ops, &mem);
  return crypto_pwhash_str_needs_rehash (hash, ops, mem) != 0;
}

/* A hash of nothing in particular, made once: checking a password against it for an
 * unknown login takes as long as for a real one, so timing does not tell which
 * logins exist. */
static gpointer
make_dummy_hash (gpointer data)
{
  g_autofree char *hash = hash_password ("not a password", NULL);

  return g_steal_pointer (&hash);
}

static void
spend_verify_time (const char *password)
{
  static GOnce once = G_ONCE_INIT;
  const char *dummy = g_once (&once, make_dummy_hash, NULL);
  int ignored;

  /* Only the time it takes matters, not the answer. */
  if (dummy != NULL)
    {
      ignored = crypto_pwhash_str_verify (dummy, password, strlen (password));
      (void) ignored;
    }
}

/* Append one audit row in its own small transaction (for events that are not part of
 * a bigger write: log-ins, refusals). */
static gboolean
audit_alone (VpDatabase  *db,
             gint64       operator_id,
             const char  *action,
             const char  *object,
             const char  *after_json,
             GError     **error)
{
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!vp_audit_append (db, operator_id, action, object, NULL, after_json, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

/* Run a statement that only binds integers (id last) and writes; TRUE when it did. */
static gboolean
exec_update (VpDatabase  *db,
             const char  *sql,
             gint64       a,
             gint64       b,
             gint64       id,
             GError     **error)
{
  sqlite3_stmt *stmt = vp_database_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a);
  sqlite3_bind_int64 (stmt, 2, b);
  sqlite3_bind_int64 (stmt, 3, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not update the operator"), error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gint64  id;
  char   *login;
  char   *name;
  VpRole  role;
  char   *password_hash;
  gint64  locked_until;
  gint    failed_count;
  gboolean active;
  char   *created_at;
} OperatorRow;

static void
operator_row_clear (OperatorRow *row)
{
  g_clear_pointer (&row->login, g_free);
  g_clear_pointer (&row->name, g_free);
  if (row->password_hash != NULL)
    sodium_memzero (row->password_hash, strlen (row->password_hash));
  g_clear_pointer (&row->password_hash, g_free);
  g_clear_pointer (&row->created_at, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OperatorRow, operator_row_clear)

#define OPERATOR_COLUMNS \
  "id, login, name, role, password_hash, locked_until, failed_count, active, created_at"

static void
operator_row_read (sqlite3_stmt *stmt,
                   OperatorRow  *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->login = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  /* The CHECK constraint allows only known roles; a cashier is the safe reading of
   * anything else. */
  if (!vp_role_from_string ((const char *) sqlite3_column_text (stmt, 3), &row->role))
    row->role = VP_ROLE_CASHIER;
  row->password_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  row->locked_until = sqlite3_column_int64 (stmt, 5);
  row->failed_count = sqlite3_column_int (stmt, 6);
  row->active = sqlite3_column_int (stmt, 7) != 0;
  row->created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
}

/* Look an operator up by login (case-insensitive); FALSE without error when absent. */
static gboolean
find_operator (VpDatabase  *db,
               const char  *login,
               OperatorRow *row,
               GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT " OPERATOR_COLUMNS " FROM operators WHERE login = ?",
                              error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          operator_row_read (stmt, row);
          found = TRUE;
        }
      else if (rc != SQLITE_DONE)
        vp_database_set_error (db, rc, _("Could not look up the operator"), error);
      sqlite3_reset (stmt);
    }
  vp_database_unlock (db);
  return found;
}

/* Count one more wrong password for @row and lock it out at the limit, recording
 * both, in one transaction. Returns the error to give the person at the keyboard. */
static void
record_failure (VpDatabase  *db,
                OperatorRow *row,
                const char  *fail_action,
                GError     **error)
{
  g_autofree char *object = g_strdup_printf ("operator:%s", row->login);
  g_autofree char *failures_text = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt;
  gint64 failures = 0;
  gboolean locked = FALSE;

  if (!vp_database_begin (db, &local_error))
    goto fail;

  /* Count in SQL, not from what was read before the slow hash check: another
   * counter may be failing on the same login at the same moment. */
  if (!exec_update (db, "UPDATE operators SET failed_count = failed_count + ?1 "
                    "WHERE id = ?3 AND locked_until <= ?2", 1, now_seconds (), row->id,
                    &local_error))
    goto rollback;
  stmt = vp_database_prepare (db, "SELECT failed_count FROM operators WHERE id = ?", &local_error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, row->id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    failures = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  failures_text = g_strdup_printf ("%" G_GINT64_FORMAT, failures);
  after = vp_audit_json ("failures", failures_text, NULL);
  if (!vp_audit_append (db, 0, fail_action, object, NULL, after, &local_error))
    goto rollback;

  if (failures >= VP_SESSION_MAX_FAILURES)
    {
      g_autofree char *until_text = NULL;
      g_autofree char *lock_after = NULL;
      gint64 until = now_seconds () + VP_SESSION_LOCKOUT_SECONDS;

      /* The count starts again after the lock-out, so it is a pause, not a ban. */
      if (!exec_update (db, "UPDATE operators SET failed_count = ?1, locked_until = ?2 "
                        "WHERE id = ?3", 0, until, row->id, &local_error))
        goto rollback;
      until_text = g_strdup_printf ("%" G_GINT64_FORMAT, until);
      lock_after = vp_audit_json ("locked_until", until_text, NULL);
      if (!vp_audit_append (db, 0, "operator.locked_out", object, NULL, lock_after, &local_error))
        goto rollback;
      locked = TRUE;
    }

  if (!vp_database_commit (db, &local_error))
    goto fail;

  if (locked)
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_LOCKED_OUT,
                 _("Wrong password. Operator “%s” is now locked out for %d minutes after %d "
                   "wrong passwords; an admin can help"), row->login,
                 VP_SESSION_LOCKOUT_SECONDS / 60, VP_SESSION_MAX_FAILURES);
  else
    g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED,
                         _("Wrong login or password"));
  return;

rollback:
  vp_database_rollback (db);
fail:
  g_propagate_error (error, g_steal_pointer (&local_error));
}

/* Replace operator @id's hash (clearing any lock-out) in its own transaction. */
static gboolean
store_hash (VpDatabase  *db,
            gint64       id,
            const char  *hash,
            GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "UPDATE operators SET password_hash = ?, failed_count = 0, "
                              "locked_until = 0 WHERE id = ?", error);
  if (stmt == NULL)
    {
      vp_database_rollback (db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not update the operator"), error);
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

/* Check @login/@password with the lock-out rules; on success @row holds the operator
 * and the failure count is reset. Failures are audited as @fail_action. */
static gboolean
check_credentials (VpDatabase  *db,
                   const char  *login,
                   const char  *password,
                   const char  *fail_action,
                   OperatorRow *row,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 now = now_seconds ();

  if (!ensure_sodium (error))
    return FALSE;

  if (!find_operator (db, login, row, &local_error) || !row->active)
    {
      g_autofree char *object = g_strdup_printf ("operator:%s", login);
      g_autofree char *after = NULL;

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* Say the same as for a wrong password, after as long: nothing may reveal
       * which logins exist. */
      spend_verify_time (password);
      after = vp_audit_json ("reason", row->login == NULL ? "unknown login" : "inactive", NULL);
      if (!audit_alone (db, 0, fail_action, object, after, error))
        return FALSE;
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED,
                           _("Wrong login or password"));
      return FALSE;
    }

  if (row->locked_until > now)
    {
      g_autofree char *object = g_strdup_printf ("operator:%s", row->login);
      g_autofree char *after = vp_audit_json ("reason", "locked out", NULL);
      gint64 minutes = (row->locked_until - now + 59) / 60;

      if (!audit_alone (db, 0, fail_action, object, after, error))
        return FALSE;
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_LOCKED_OUT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Operator “%s” is locked out after too many wrong passwords; "
                                "try again in %d minute or ask an admin",
                                "Operator “%s” is locked out after too many wrong passwords; "
                                "try again in %d minutes or ask an admin", (gulong) minutes),
                   row->login, (int) minutes);
      return FALSE;
    }

  if (crypto_pwhash_str_verify (row->password_hash, password, strlen (password)) != 0)
    {
      record_failure (db, row, fail_action, error);
      return FALSE;
    }

  /* The password is known right now: the one moment a weak hash can be replaced. */
  if (hash_needs_upgrade (row->password_hash))
    {
      g_autofree char *upgraded = hash_password (password, error);

      if (upgraded == NULL || !store_hash (db, row->id, upgraded, error))
        return FALSE;
    }
  else if (row->failed_count != 0 || row->locked_until != 0)
    {
      if (!vp_database_begin (db, error))
        return FALSE;
      if (!exec_update (db, "UPDATE operators SET failed_count = ?1, locked_until = ?2 "
                        "WHERE id = ?3", 0, 0, row->id, error))
        {
          vp_database_rollback (db);
          return FALSE;
        }
      if (!vp_database_commit (db, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
valid_login (const char *login)
{
  gsize len = strlen (login);

  if (len == 0 || len > LOGIN_MAX_LENGTH || !g_ascii_isalnum (login[0]))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (login[i]) && strchr ("._-", login[i]) == NULL)
        return FALSE;
    }
  return TRUE;
}

gboolean
vp_operator_check_password_quality (const char  *password,
                                    GError     **error)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (!g_utf8_validate (password, -1, NULL)
      || g_utf8_strlen (password, -1) < VP_PASSWORD_MIN_LENGTH)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("A password needs at least %d characters"), VP_PASSWORD_MIN_LENGTH);
      return FALSE;
    }
  return TRUE;
}

static gboolean
count_operators (VpDatabase  *db,
                 gint64      *out_count,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT count(*) FROM operators", error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out_count = sqlite3_column_int64 (stmt, 0);
          ok = TRUE;
        }
      else
        vp_database_set_error (db, rc, _("Could not count the operators"), error);
      sqlite3_reset (stmt);
    }
  vp_database_unlock (db);
  return ok;
}

gboolean
vp_operator_add (VpDatabase  *db,
                 VpSession   *actor,
                 const char  *login,
                 const char  *name,
                 VpRole       role,
                 const char  *password,
                 gint64      *out_id,
                 GError     **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *clean_name = NULL;
  g_autofree char *created_at = NULL;
  g_autofree char *object = NULL;
  g_autofree char *after = NULL;
  sqlite3_stmt *stmt;
  gint64 count = 0;
  gint64 id;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor == NULL || actor->db == db, FALSE);
  g_return_val_if_fail (login != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (role_names), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (actor != NULL && !vp_session_require (actor, VP_PERM_OPERATOR_MANAGE, error))
    return FALSE;
  if (actor == NULL && role != VP_ROLE_ADMIN)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("The first operator must be an admin"));
      return FALSE;
    }
  if (!valid_login (login))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid login: use up to %d letters, digits, “.”, “_” or "
                     "“-”, starting with a letter or digit"), login, LOGIN_MAX_LENGTH);
      return FALSE;
    }
  clean_name = g_strstrip (g_strdup (name));
  if (!g_utf8_validate (clean_name, -1, NULL) || clean_name[0] == '\0'
      || g_utf8_strlen (clean_name, -1) > NAME_MAX_LENGTH)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("An operator needs a name of 1 to %d characters"), NAME_MAX_LENGTH);
      return FALSE;
    }
  if (!vp_operator_check_password_quality (password, error))
    return FALSE;

  /* Hash before taking the write lock: it is the slow part. */
  hash = hash_password (password, error);
  if (hash == NULL)
    return FALSE;

  if (!vp_database_begin (db, error))
    return FALSE;

  /* Inside the write transaction, so two "db init" at once cannot both win. */
  if (actor == NULL)
    {
      if (!count_operators (db, &count, error))
        goto rollback;
      if (count > 0)
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                               _("This database already has operators; log in as an admin to "
                                 "add more"));
          goto rollback;
        }
    }

  created_at = vp_database_now ();
  stmt = vp_database_prepare (db,
                              "INSERT INTO operators (login, name, role, password_hash, "
                              "created_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, clean_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, role_names[role], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, created_at, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("An operator with the login “%s” already exists"), login);
      goto rollback;
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not add the operator"), error);
      goto rollback;
    }
  id = sqlite3_last_insert_rowid (vp_database_get_handle (db));

  object = g_strdup_printf ("operator:%s", login);
  after = vp_audit_json ("login", login, "name", clean_name, "role", role_names[role], NULL);
  if (!vp_audit_append (db, actor != NULL ? actor->operator_id : 0, "operator.add", object,
                        NULL, after, error))
    goto rollback;
  if (!vp_database_commit (db, error))
    return FALSE;

  if (out_id != NULL)
    *out_id = id;
  return TRUE;

rollback:
  vp_database_rollback (db);
  return FALSE;
}

gboolean
vp_operator_count (VpDatabase  *db,
                   gint64      *out_count,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (out_count != NULL, FALSE);

  return count_operators (db, out_count, error);
}

char *
vp_operator_sole_admin (VpDatabase  *db,
                        GError     **error)
{
  g_autofree char *login = NULL;
  sqlite3_stmt *stmt;
  int rows = 0;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT login FROM operators "
                              "WHERE role = 'admin' AND active = 1 LIMIT 2", error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (rows++ == 0)
        login = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    vp_database_set_error (db, rc, _("Could not look up the operators"), error);
  vp_database_unlock (db);

  return rc == SQLITE_DONE && rows == 1 ? g_steal_pointer (&login) : NULL;
}

void
vp_operator_free (VpOperator *op)
{
  if (op == NULL)
    return;
  g_free (op->login);
  g_free (op->name);
  g_free (op->created_at);
  g_free (op);
}

GPtrArray *
vp_operator_list (VpSession  *actor,
                  GError    **error)
{
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_OPERATOR_MANAGE, error))
    return NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_operator_free);
  vp_database_lock (actor->db);
  stmt = vp_database_prepare (actor->db, "SELECT " OPERATOR_COLUMNS " FROM operators ORDER BY id",
                              error);
  if (stmt == NULL)
    {
      vp_database_unlock (actor->db);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_auto(OperatorRow) row = { 0 };
      VpOperator *op = g_new0 (VpOperator, 1);

      operator_row_read (stmt, &row);
      op->id = row.id;
      op->login = g_steal_pointer (&row.login);
      op->name = g_steal_pointer (&row.name);
      op->role = row.role;
      op->active = row.active;
      op->locked_until = row.locked_until;
      op->created_at = g_steal_pointer (&row.created_at);
      g_ptr_array_add (list, op);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (actor->db, rc, _("Could not list the operators"), error);
      vp_database_unlock (actor->db);
      return NULL;
    }
  vp_database_unlock (actor->db);
  return g_steal_pointer (&list);
}

/* Run @sql (an UPDATE binding ?1 = operator id, ?2 = @text, ?3 = @number) on the
 * operator @login and audit it as @action, in one transaction. With @last_admin_check,
 * refuse when it would leave no active admin. */
static gboolean
change_operator (VpSession   *actor,
                 const char  *login,
                 const char  *action,
                 const char  *sql,
                 const char  *text,
                 gint64       number,
                 gboolean     last_admin_check,
                 GError     **error)
{
  VpDatabase *db = actor->db;
  g_auto(OperatorRow) row = { 0 };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *object = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (!vp_database_begin (db, error))
    return FALSE;

  if (!find_operator (db, login, &row, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("There is no operator “%s”"), login);
      goto fail;
    }

  stmt = vp_database_prepare (db, sql, &local_error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, row.id);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, number);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not update the operator"), &local_error);
      goto fail;
    }

  if (last_admin_check)
    {
      gint64 admins = 0;

      stmt = vp_database_prepare (db, "SELECT count(*) FROM operators "
                                  "WHERE role = 'admin' AND active = 1", &local_error);
      if (stmt == NULL)
        goto fail;
      if (sqlite3_step (stmt) == SQLITE_ROW)
        admins = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      if (admins == 0)
        {
          g_set_error (&local_error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("“%s” is the last active admin and cannot be disabled"), row.login);
          goto fail;
        }
    }

  object = g_strdup_printf ("operator:%s", row.login);
  if (!vp_audit_append (db, actor->operator_id, action, object, NULL, NULL, &local_error))
    goto fail;
  return vp_database_commit (db, error);

fail:
  vp_database_rollback (db);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
vp_operator_unlock (VpSession   *actor,
                    const char  *login,
                    GError     **error)
{
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (login != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_OPERATOR_MANAGE, error))
    return FALSE;
  return change_operator (actor, login, "operator.unlock",
                          "UPDATE operators SET failed_count = 0, locked_until = 0 WHERE id = ?1",
                          NULL, 0, FALSE, error);
}

gboolean
vp_operator_set_password (VpSession   *actor,
                          const char  *login,
                          const char  *password,
                          GError     **error)
{
  g_autofree char *hash = NULL;
  gboolean ok;

  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (login != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (g_ascii_strcasecmp (login, actor->login) != 0
      && !vp_session_require (actor, VP_PERM_OPERATOR_MANAGE, error))
    return FALSE;
  if (!vp_operator_check_password_quality (password, error))
    return FALSE;
  hash = hash_password (password, error);
  if (hash == NULL)
    return FALSE;
  ok = change_operator (actor, login, "operator.password",
                        "UPDATE operators SET password_hash = ?2, failed_count = 0, "
                        "locked_until = 0 WHERE id = ?1", hash, 0, FALSE, error);
  sodium_memzero (hash, strlen (hash));
  return ok;
}

gboolean
vp_operator_set_active (VpSession   *actor,
                        const char  *login,
                        gboolean     active,
                        GError     **error)
{
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (login != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_OPERATOR_MANAGE, error))
    return FALSE;
  return change_operator (actor, login, active ? "operator.enable" : "operator.disable",
                          "UPDATE operators SET active = ?3 WHERE id = ?1", NULL, active ? 1 : 0,
                          !active, error);
}

VpSession *
vp_session_login (VpDatabase  *db,
                  const char  *login,
                  const char  *password,
                  GError     **error)
{
  g_auto(OperatorRow) row = { 0 };
  g_autofree char *object = NULL;
  VpSession *self;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (login != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_credentials (db, login, password, "login.failed", &row, error))
    return NULL;

  object = g_strdup_printf ("operator:%s", row.login);
  if (!audit_alone (db, row.id, "login", object, NULL, error))
    return NULL;

  self = g_new0 (VpSession, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->db = vp_database_ref (db);
  self->operator_id = row.id;
  self->login = g_steal_pointer (&row.login);
  self->name = g_steal_pointer (&row.name);
  self->role = row.role;
  return self;
}

VpSession *
vp_session_ref (VpSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vp_session_unref (VpSession *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  vp_database_unref (self->db);
  g_free (self->login);
  g_free (self->name);
  g_free (self);
}

VpDatabase *
vp_session_get_database (VpSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->db;
}

gint64
vp_session_get_operator_id (VpSession *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->operator_id;
}

const char *
vp_session_get_login (VpSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->login;
}

const char *
vp_session_get_name (VpSession *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

VpRole
vp_session_get_role (VpSession *self)
{
  g_return_val_if_fail (self != NULL, VP_ROLE_CASHIER);

  return self->role;
}

gboolean
vp_session_can (VpSession    *self,
                VpPermission  permission)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return vp_role_has_permission (self->role, permission);
}

gboolean
vp_session_require (VpSession     *self,
                    VpPermission   permission,
                    GError       **error)
{
  g_autofree char *object = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail ((guint) permission < VP_N_PERMISSIONS, FALSE);

  if (vp_session_can (self, permission))
    return TRUE;

  object = g_strdup_printf ("permission:%s", permissions[permission].name);
  if (!audit_alone (self->db, self->operator_id, "denied", object, NULL, error))
    return FALSE;
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED,
               _("Operator “%s” (%s) may not %s"), self->login, role_names[self->role],
               _(permissions[permission].action));
  return FALSE;
}

gint64
vp_session_approve (VpSession     *self,
                    const char    *supervisor_login,
                    const char    *supervisor_password,
                    VpPermission   what,
                    GError       **error)
{
  g_auto(OperatorRow) row = { 0 };
  g_autofree char *object = NULL;
  g_autofree char *after = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (supervisor_login != NULL, 0);
  g_return_val_if_fail (supervisor_password != NULL, 0);
  g_return_val_if_fail ((guint) what < VP_N_PERMISSIONS, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!check_credentials (self->db, supervisor_login, supervisor_password, "approve.failed",
                          &row, error))
    return 0;

  object = g_strdup_printf ("permission:%s", permissions[what].name);
  after = vp_audit_json ("for", self->login, NULL);
  if (!vp_role_has_permission (row.role, VP_PERM_APPROVE)
      || !vp_role_has_permission (row.role, what))
    {
      if (!audit_alone (self->db, row.id, "denied", object, after, error))
        return 0;
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED,
                   _("Operator “%s” (%s) may not approve this: only a supervisor or admin "
                     "can"), row.login, role_names[row.role]);
      return 0;
    }

  if (!audit_alone (self->db, row.id, "approve", object, after, error))
    return 0;
  return row.id;
}
