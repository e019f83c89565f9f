/* test-session.c: operators, log-in, lock-out, the role matrix and approvals */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-session.h"
#include "vp-test-tmp.h"

#define PASSWORD "counter-1"

typedef struct
{
  char       *dir;
  VpDatabase *db;
  VpSession  *admin;
} Fixture;

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

  g_assert_true (vp_operator_add (f->db, NULL, "root", "Wang Fang", VP_ROLE_ADMIN, PASSWORD,
                                  NULL, &error));
  g_assert_no_error (error);
  f->admin = vp_session_login (f->db, "root", PASSWORD, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Whatever a test did, the audit chain it left behind is intact. */
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);

  g_clear_pointer (&f->admin, vp_session_unref);
  g_clear_pointer (&f->db, vp_database_unref);
  vp_test_tmp_remove (f->dir);
  g_free (f->dir);
}

static gint64
add_operator (Fixture    *f,
              const char *login,
              VpRole      role)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (vp_operator_add (f->db, f->admin, login, login, role, PASSWORD, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static VpSession *
login_as (Fixture    *f,
          const char *login)
{
  g_autoptr(GError) error = NULL;
  VpSession *session = vp_session_login (f->db, login, PASSWORD, &error);

  g_assert_no_error (error);
  g_assert_nonnull (session);
  return session;
}

/* One integer (or the count of audit rows for an action) straight from SQL. */
static gint64
query_int (Fixture    *f,
           const char *sql,
           const char *text)
{
  sqlite3_stmt *stmt;
  gint64 value;

  vp_database_lock (f->db);
  stmt = vp_database_prepare (f->db, sql, NULL);
  g_assert_nonnull (stmt);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  vp_database_unlock (f->db);
  return value;
}

static gint64
audit_count (Fixture    *f,
             const char *action)
{
  return query_int (f, "SELECT count(*) FROM audit WHERE action = ?", action);
}

static char *
stored_hash (Fixture    *f,
             const char *login)
{
  sqlite3_stmt *stmt;
  char *hash;

  vp_database_lock (f->db);
  stmt = vp_database_prepare (f->db, "SELECT password_hash FROM operators WHERE login = ?", NULL);
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  vp_database_unlock (f->db);
  return hash;
}

/* VP_TEST_FAST_HASH=1 (the test environment) hashes at Argon2id's minimum cost; a
 * counter never sets it, and a cheap hash is upgraded at the next log-in without it. */
static void
test_hash_cost (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *saved = g_strdup (g_getenv ("VP_TEST_FAST_HASH"));
  g_autofree char *cheap = NULL;
  g_autofree char *still_cheap = NULL;
  g_autofree char *upgraded = NULL;
  g_autofree char *full = NULL;
  VpSession *session;

  g_setenv ("VP_TEST_FAST_HASH", "1", TRUE);
  add_operator (f, "li.na", VP_ROLE_CASHIER);
  cheap = stored_hash (f, "li.na");
  g_assert_true (g_str_has_prefix (cheap, "$argon2id$v=19$m=8,t=1,"));
  vp_session_unref (login_as (f, "li.na"));
  still_cheap = stored_hash (f, "li.na");
  g_assert_cmpstr (still_cheap, ==, cheap);

  g_unsetenv ("VP_TEST_FAST_HASH");
  session = login_as (f, "li.na");
  vp_session_unref (session);
  upgraded = stored_hash (f, "li.na");
  g_assert_true (g_str_has_prefix (upgraded, "$argon2id$v=19$m=65536,t=2,"));
  vp_session_unref (login_as (f, "li.na"));

  add_operator (f, "wu", VP_ROLE_CASHIER);
  full = stored_hash (f, "wu");
  g_assert_true (g_str_has_prefix (full, "$argon2id$v=19$m=65536,t=2,"));

  if (saved != NULL)
    g_setenv ("VP_TEST_FAST_HASH", saved, TRUE);
}

static void
test_hash_stored (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *hash = stored_hash (f, "root");

  g_assert_cmpstr (hash, !=, PASSWORD);
  g_assert_null (strstr (hash, PASSWORD));
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
}

static void
test_login_ok (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(VpSession) session = NULL;
  g_autoptr(VpSession) upper = NULL;
  gint64 id = add_operator (f, "li.na", VP_ROLE_CASHIER);

  session = login_as (f, "li.na");
  g_assert_cmpint (vp_session_get_operator_id (session), ==, id);
  g_assert_cmpstr (vp_session_get_login (session), ==, "li.na");
  g_assert_cmpstr (vp_session_get_name (session), ==, "li.na");
  g_assert_cmpint (vp_session_get_role (session), ==, VP_ROLE_CASHIER);
  g_assert_true (vp_session_get_database (session) == f->db);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit WHERE action = 'login' "
                                 "AND operator_id = (SELECT id FROM operators WHERE login = ?)",
                              "li.na"), ==, 1);

  /* Logins are matched without regard to case. */
  upper = login_as (f, "LI.NA");
  g_assert_cmpint (vp_session_get_operator_id (upper), ==, id);
}

static void
test_login_wrong (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) unknown_error = NULL;
  VpSession *session;

  add_operator (f, "li.na", VP_ROLE_CASHIER);

  session = vp_session_login (f->db, "li.na", "counter-2", &error);
  g_assert_null (session);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
  g_assert_cmpint (query_int (f, "SELECT failed_count FROM operators WHERE login = ?", "li.na"),
                   ==, 1);

  /* An unknown login reads exactly the same. */
  session = vp_session_login (f->db, "nobody", PASSWORD, &unknown_error);
  g_assert_null (session);
  g_assert_error (unknown_error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
  g_assert_cmpstr (unknown_error->message, ==, error->message);
  g_assert_cmpint (audit_count (f, "login.failed"), ==, 2);

  /* A good log-in clears the count. */
  session = login_as (f, "li.na");
  vp_session_unref (session);
  g_assert_cmpint (query_int (f, "SELECT failed_count FROM operators WHERE login = ?", "li.na"),
                   ==, 0);
}

static void
test_lockout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) session = NULL;
  g_autofree char *sql = NULL;
  gint64 until;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  add_operator (f, "li.na", VP_ROLE_CASHIER);

  for (int i = 1; i < VP_SESSION_MAX_FAILURES; i++)
    {
      g_assert_null (vp_session_login (f->db, "li.na", "guess", &error));
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
      g_clear_error (&error);
    }
  g_assert_null (vp_session_login (f->db, "li.na", "guess", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_LOCKED_OUT);
  g_clear_error (&error);
  g_assert_cmpint (audit_count (f, "operator.locked_out"), ==, 1);

  until = query_int (f, "SELECT locked_until FROM operators WHERE login = ?", "li.na");
  g_assert_cmpint (until, >=, now + VP_SESSION_LOCKOUT_SECONDS);
  g_assert_cmpint (until, <=, now + VP_SESSION_LOCKOUT_SECONDS + 5);

  /* Even the right password is refused while locked, and it does not count. */
  g_assert_null (vp_session_login (f->db, "li.na", PASSWORD, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_LOCKED_OUT);
  g_assert_nonnull (strstr (error->message, "15 minutes"));
  g_clear_error (&error);

  /* Time passes (the clock is the stored locked_until). */
  sql = g_strdup_printf ("UPDATE operators SET locked_until = %" G_GINT64_FORMAT
                         " WHERE login = 'li.na'", now - 1);
  g_assert_true (vp_database_exec (f->db, sql, &error));
  session = vp_session_login (f->db, "li.na", PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpint (query_int (f, "SELECT locked_until FROM operators WHERE login = ?", "li.na"),
                   ==, 0);
}

static void
test_inactive (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  add_operator (f, "li.na", VP_ROLE_CASHIER);
  g_assert_true (vp_database_exec (f->db, "UPDATE operators SET active = 0 WHERE login = 'li.na'",
                                   &error));
  g_assert_null (vp_session_login (f->db, "li.na", PASSWORD, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
}

/* The matrix written out cell by cell, independently of the table in vp-session.c:
 * a change there must be a deliberate change here. Columns: cashier, supervisor,
 * technician, admin. */
static const struct
{
  VpPermission permission;
  const char  *name;
  gboolean     allowed[4];
} expected_matrix[] = {
  { VP_PERM_ACCOUNT_VIEW,     "account.view",     { TRUE,  TRUE,  TRUE,  TRUE } },
  { VP_PERM_ACCOUNT_MANAGE,   "account.manage",   { TRUE,  TRUE,  FALSE, TRUE } },
  { VP_PERM_TOPUP,            "topup",            { TRUE,  TRUE,  FALSE, TRUE } },
  { VP_PERM_REFUND,           "refund",           { TRUE,  TRUE,  FALSE, TRUE } },
  { VP_PERM_APPROVE,          "approve",          { FALSE, TRUE,  FALSE, TRUE } },
  { VP_PERM_REVERSE,          "reverse",          { FALSE, TRUE,  FALSE, TRUE } },
  { VP_PERM_SHIFT,            "shift",            { TRUE,  TRUE,  FALSE, TRUE } },
  { VP_PERM_SHIFT_ACCEPT,     "shift.accept",     { FALSE, TRUE,  FALSE, TRUE } },
  { VP_PERM_METER_COMMISSION, "meter.commission", { FALSE, FALSE, TRUE,  TRUE } },
  { VP_PERM_METER_CONTROL,    "meter.control",    { FALSE, TRUE,  TRUE,  TRUE } },
  { VP_PERM_TARIFF_MANAGE,    "tariff.manage",    { FALSE, FALSE, FALSE, TRUE } },
  { VP_PERM_OPERATOR_MANAGE,  "operator.manage",  { FALSE, FALSE, FALSE, TRUE } },
  { VP_PERM_SETTINGS,         "settings",         { FALSE, FALSE, FALSE, TRUE } },
  { VP_PERM_REPORTS,          "reports",          { FALSE, TRUE,  FALSE, TRUE } },
  { VP_PERM_AUDIT,            "audit",            { FALSE, TRUE,  FALSE, TRUE } },
  { VP_PERM_BATCH,            "batch",            { FALSE, TRUE,  FALSE, TRUE } },
};

static const VpRole all_roles[] = {
  VP_ROLE_CASHIER, VP_ROLE_SUPERVISOR, VP_ROLE_TECHNICIAN, VP_ROLE_ADMIN,
};

static void
test_matrix (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (expected_matrix), ==, VP_N_PERMISSIONS);

  for (guint p = 0; p < G_N_ELEMENTS (expected_matrix); p++)
    {
      VpPermission parsed;

      g_assert_cmpint (expected_matrix[p].permission, ==, p);
      g_assert_cmpstr (vp_permission_to_string (p), ==, expected_matrix[p].name);
      g_assert_true (vp_permission_from_string (expected_matrix[p].name, &parsed));
      g_assert_cmpint (parsed, ==, p);

      for (guint r = 0; r < G_N_ELEMENTS (all_roles); r++)
        {
          if (vp_role_has_permission (all_roles[r], p) != expected_matrix[p].allowed[r])
            g_error ("role %s, permission %s: expected %s",
                     vp_role_to_string (all_roles[r]), expected_matrix[p].name,
                     expected_matrix[p].allowed[r] ? "allowed" : "denied");
        }
    }
  g_assert_false (vp_permission_from_string ("fly", NULL));
}

static void
test_role_strings (void)
{
  static const char * const names[] = { "cashier", "supervisor", "technician", "admin" };
  VpRole role;

  for (guint r = 0; r < G_N_ELEMENTS (all_roles); r++)
    {
      g_assert_cmpstr (vp_role_to_string (all_roles[r]), ==, names[r]);
      g_assert_true (vp_role_from_string (names[r], &role));
      g_assert_cmpint (role, ==, all_roles[r]);
    }
  g_assert_true (vp_role_from_string ("Admin", &role));
  g_assert_cmpint (role, ==, VP_ROLE_ADMIN);
  g_assert_false (vp_role_from_string ("owner", &role));
  g_assert_false (vp_role_from_string ("", &role));
}

/* Sessions of every role ask vp_session_require() about every permission: allowed
 * cells pass silently, denied cells fail and leave one "denied" audit row each. */
static void
test_require (Fixture       *f,
              gconstpointer  data)
{
  static const char * const logins[] = { "cashier", "supervisor", "technician", "admin2" };
  gint64 denied_expected = 0;

  for (guint r = 0; r < G_N_ELEMENTS (all_roles); r++)
    {
      g_autoptr(VpSession) session = NULL;

      add_operator (f, logins[r], all_roles[r]);
      session = login_as (f, logins[r]);

      for (guint p = 0; p < VP_N_PERMISSIONS; p++)
        {
          g_autoptr(GError) error = NULL;
          gboolean ok = vp_session_require (session, p, &error);

          g_assert_cmpint (ok, ==, expected_matrix[p].allowed[r]);
          g_assert_cmpint (vp_session_can (session, p), ==, expected_matrix[p].allowed[r]);
          if (!ok)
            {
              g_autofree char *object = g_strdup_printf ("permission:%s", expected_matrix[p].name);

              g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
              g_assert_nonnull (strstr (error->message, logins[r]));
              denied_expected++;
              g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit WHERE action = 'denied' "
                                             "AND object = ?", object), >=, 1);
            }
          else
            g_assert_no_error (error);
        }
    }
  g_assert_cmpint (audit_count (f, "denied"), ==, denied_expected);
}

static void
test_first_admin (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *path = g_build_filename (dir, "vendpoint.db", NULL);
  g_autofree char *sole = NULL;
  gint64 count = -1;

  db = vp_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_operator_count (db, &count, &error));
  g_assert_cmpint (count, ==, 0);
  g_assert_null (vp_operator_sole_admin (db, &error));
  g_assert_no_error (error);

  /* The very first operator must be an admin. */
  g_assert_false (vp_operator_add (db, NULL, "li.na", "Li Na", VP_ROLE_CASHIER, PASSWORD,
                                   NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (vp_operator_add (db, NULL, "root", "Wang Fang", VP_ROLE_ADMIN, PASSWORD,
                                  NULL, &error));
  g_assert_no_error (error);
  sole = vp_operator_sole_admin (db, &error);
  g_assert_cmpstr (sole, ==, "root");

  /* And only once: after that, operators come from a logged-in admin. */
  g_assert_false (vp_operator_add (db, NULL, "boss", "Zhao Lei", VP_ROLE_ADMIN, PASSWORD,
                                   NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (vp_operator_count (db, &count, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_cmpint (query_int (&(Fixture) { .db = db },
                              "SELECT count(*) FROM audit WHERE action = ?", "operator.add"),
                   ==, 1);

  g_assert_true (vp_audit_verify (db, NULL, &error));
  g_clear_pointer (&db, vp_database_unref);
  vp_test_tmp_remove (dir);
}

static void
test_operator_add_checks (Fixture       *f,
                          gconstpointer  data)
{
  static const struct
  {
    const char *login;
    const char *name;
    const char *password;
    int         code;
  } bad[] = {
    { "",           "Li Na",  PASSWORD,  VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "li na",      "Li Na",  PASSWORD,  VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "-lina",      "Li Na",  PASSWORD,  VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "李娜",        "Li Na",  PASSWORD,  VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "a23456789012345678901234567890123", "Li Na", PASSWORD, VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "lina",       "   ",    PASSWORD,  VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "lina",       "Li Na",  "12345",   VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "lina",       "Li Na",  "",        VP_MODEL_ERROR_INVALID_ARGUMENT },
    { "ROOT",       "Li Na",  PASSWORD,  VP_MODEL_ERROR_EXISTS },
  };
  g_autoptr(GError) error = NULL;
  gint64 before;
  gint64 after;

  g_assert_true (vp_operator_count (f->db, &before, &error));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (vp_operator_add (f->db, f->admin, bad[i].login, bad[i].name,
                                       VP_ROLE_CASHIER, bad[i].password, NULL, &error));
      g_assert_error (error, VP_MODEL_ERROR, bad[i].code);
      g_clear_error (&error);
    }
  g_assert_true (vp_operator_count (f->db, &after, &error));
  g_assert_cmpint (after, ==, before);

  /* A Chinese name and a six-character (not six-byte) password are fine. */
  g_assert_true (vp_operator_add (f->db, f->admin, "li.na", "李娜", VP_ROLE_CASHIER, "密码密码密码",
                                  NULL, &error));
  g_assert_no_error (error);
}

static void
test_operator_add_denied (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) cashier = NULL;
  g_autoptr(GPtrArray) list = NULL;

  add_operator (f, "li.na", VP_ROLE_CASHIER);
  cashier = login_as (f, "li.na");

  g_assert_false (vp_operator_add (f->db, cashier, "zhao", "Zhao", VP_ROLE_ADMIN, PASSWORD, NULL,
                                   &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (audit_count (f, "denied"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM operators WHERE login = ?", "zhao"), ==, 0);

  g_assert_null (vp_operator_list (cashier, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  list = vp_operator_list (f->admin, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((VpOperator *) g_ptr_array_index (list, 0))->login, ==, "root");
  g_assert_cmpint (((VpOperator *) g_ptr_array_index (list, 1))->role, ==, VP_ROLE_CASHIER);
  g_assert_true (((VpOperator *) g_ptr_array_index (list, 1))->active);
}

static void
test_sole_admin (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

  add_operator (f, "li.na", VP_ROLE_CASHIER);
  one = vp_operator_sole_admin (f->db, &error);
  g_assert_cmpstr (one, ==, "root");

  add_operator (f, "zhao", VP_ROLE_ADMIN);
  two = vp_operator_sole_admin (f->db, &error);
  g_assert_no_error (error);
  g_assert_null (two);
}

static void
test_approve (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(VpSession) cashier = NULL;
  g_autoptr(GError) error = NULL;
  gint64 supervisor_id = add_operator (f, "zhang", VP_ROLE_SUPERVISOR);
  gint64 approver;

  add_operator (f, "li.na", VP_ROLE_CASHIER);
  add_operator (f, "wu", VP_ROLE_CASHIER);
  add_operator (f, "tech", VP_ROLE_TECHNICIAN);
  cashier = login_as (f, "li.na");

  approver = vp_session_approve (cashier, "zhang", PASSWORD, VP_PERM_REFUND, &error);
  g_assert_no_error (error);
  g_assert_cmpint (approver, ==, supervisor_id);
  g_assert_cmpint (audit_count (f, "approve"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM audit WHERE action = 'approve' AND "
                                 "after = ?", "{\"for\":\"li.na\"}"), ==, 1);

  /* Another cashier cannot approve, with the right password or not. */
  approver = vp_session_approve (cashier, "wu", PASSWORD, VP_PERM_REFUND, &error);
  g_assert_cmpint (approver, ==, 0);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* A technician may control meters but not approve anything, that included. */
  approver = vp_session_approve (cashier, "tech", PASSWORD, VP_PERM_METER_CONTROL, &error);
  g_assert_cmpint (approver, ==, 0);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* A supervisor may approve, but not what their own role may not do. */
  approver = vp_session_approve (cashier, "zhang", PASSWORD, VP_PERM_TARIFF_MANAGE, &error);
  g_assert_cmpint (approver, ==, 0);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  approver = vp_session_approve (cashier, "zhang", "not-it", VP_PERM_REFUND, &error);
  g_assert_cmpint (approver, ==, 0);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (audit_count (f, "approve.failed"), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT failed_count FROM operators WHERE login = ?", "zhang"),
                   ==, 1);
  g_assert_cmpint (audit_count (f, "denied"), ==, 3);
}

/* Wrong approval passwords lock the supervisor out like wrong log-ins do. */
static void
test_approve_lockout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(VpSession) cashier = NULL;
  g_autoptr(GError) error = NULL;

  add_operator (f, "zhang", VP_ROLE_SUPERVISOR);
  add_operator (f, "li.na", VP_ROLE_CASHIER);
  cashier = login_as (f, "li.na");

  for (int i = 0; i < VP_SESSION_MAX_FAILURES; i++)
    {
      g_assert_cmpint (vp_session_approve (cashier, "zhang", "guess", VP_PERM_APPROVE, &error),
                       ==, 0);
      g_clear_error (&error);
    }
  g_assert_cmpint (vp_session_approve (cashier, "zhang", PASSWORD, VP_PERM_APPROVE, &error),
                   ==, 0);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_LOCKED_OUT);
  g_clear_error (&error);

  g_assert_null (vp_session_login (f->db, "zhang", PASSWORD, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_LOCKED_OUT);
}

/* An admin can end a lock-out (the lock-out message says so), reset a password and
 * disable an operator; a cashier may change only their own password. */
static void
test_operator_changes (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) cashier = NULL;
  g_autoptr(VpSession) renewed = NULL;

  add_operator (f, "li.na", VP_ROLE_CASHIER);
  add_operator (f, "wu", VP_ROLE_CASHIER);

  for (int i = 0; i < VP_SESSION_MAX_FAILURES; i++)
    {
      g_assert_null (vp_session_login (f->db, "li.na", "guess", &error));
      g_clear_error (&error);
    }
  g_assert_cmpint (query_int (f, "SELECT locked_until FROM operators WHERE login = ?", "li.na"),
                   >, 0);
  g_assert_true (vp_operator_unlock (f->admin, "li.na", &error));
  g_assert_no_error (error);
  g_assert_cmpint (audit_count (f, "operator.unlock"), ==, 1);
  cashier = login_as (f, "li.na");

  /* Her own password, yes; a colleague's, no; and nobody's too short. */
  g_assert_true (vp_operator_set_password (cashier, "li.na", "new-secret-1", &error));
  g_assert_no_error (error);
  g_assert_false (vp_operator_set_password (cashier, "wu", "new-secret-1", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_operator_set_password (f->admin, "wu", "short", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_operator_set_password (f->admin, "nobody", "new-secret-1", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (vp_session_login (f->db, "li.na", PASSWORD, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  renewed = vp_session_login (f->db, "li.na", "new-secret-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (audit_count (f, "operator.password"), ==, 1);

  /* Disabled: cannot log in; enabled again: can. Cashiers cannot do either. */
  g_assert_false (vp_operator_set_active (cashier, "wu", FALSE, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (vp_operator_set_active (f->admin, "wu", FALSE, &error));
  g_assert_null (vp_session_login (f->db, "wu", PASSWORD, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_true (vp_operator_set_active (f->admin, "wu", TRUE, &error));
  vp_session_unref (login_as (f, "wu"));
  g_assert_cmpint (audit_count (f, "operator.disable"), ==, 1);
  g_assert_cmpint (audit_count (f, "operator.enable"), ==, 1);

  /* The last admin stays. */
  g_assert_false (vp_operator_set_active (f->admin, "root", FALSE, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (query_int (f, "SELECT active FROM operators WHERE login = ?", "root"), ==, 1);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/session/matrix", test_matrix);
  g_test_add_func ("/vp/session/role-strings", test_role_strings);
  g_test_add_func ("/vp/session/first-admin", test_first_admin);
  ADD ("/vp/session/hash-stored", test_hash_stored);
  ADD ("/vp/session/hash-cost", test_hash_cost);
  ADD ("/vp/session/login-ok", test_login_ok);
  ADD ("/vp/session/login-wrong", test_login_wrong);
  ADD ("/vp/session/lockout", test_lockout);
  ADD ("/vp/session/inactive", test_inactive);
  ADD ("/vp/session/require", test_require);
  ADD ("/vp/session/operator-add-checks", test_operator_add_checks);
  ADD ("/vp/session/operator-add-denied", test_operator_add_denied);
  ADD ("/vp/session/sole-admin", test_sole_admin);
  ADD ("/vp/session/approve", test_approve);
  ADD ("/vp/session/approve-lockout", test_approve_lockout);
  ADD ("/vp/session/operator-changes", test_operator_changes);

  return g_test_run ();
}
