/* vp-test-counter.h: a fresh database with one operator per role (tests only) */
#pragma once

#include <sqlite3.h>

#include "vp-account.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-session.h"
#include "vp-shift.h"
#include "vp-test-tmp.h"

#define VP_TEST_PASSWORD "counter-1"

typedef struct
{
  char       *dir;
  VpDatabase *db;
  VpSession  *admin;
  VpSession  *cashier;
  VpSession  *supervisor;
  VpSession  *technician;
  gint64      supervisor_id;
} VpTestCounter;

static inline VpSession *
vp_test_counter_operator (VpTestCounter *f,
                          const char    *login,
                          VpRole         role,
                          gint64        *out_id)
{
  g_autoptr(GError) error = NULL;
  VpSession *session;

  g_assert_true (vp_operator_add (f->db, f->admin, login, login, role, VP_TEST_PASSWORD,
                                  out_id, &error));
  g_assert_no_error (error);
  session = vp_session_login (f->db, login, VP_TEST_PASSWORD, &error);
  g_assert_no_error (error);
  return session;
}

static inline void
vp_test_counter_setup (VpTestCounter *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = vp_test_tmp_new ();
  path = g_build_filename (f->dir, "vendpoint.db", NULL);
  f->db = vp_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_operator_add (f->db, NULL, "root", "root", VP_ROLE_ADMIN,
                                  VP_TEST_PASSWORD, NULL, &error));
  g_assert_no_error (error);
  f->admin = vp_session_login (f->db, "root", VP_TEST_PASSWORD, &error);
  g_assert_no_error (error);
  f->cashier = vp_test_counter_operator (f, "cashier", VP_ROLE_CASHIER, NULL);
  f->supervisor = vp_test_counter_operator (f, "super", VP_ROLE_SUPERVISOR, &f->supervisor_id);
  f->technician = vp_test_counter_operator (f, "tech", VP_ROLE_TECHNICIAN, NULL);
}

static inline void
vp_test_counter_teardown (VpTestCounter *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Whatever a test did, the ledger and the audit chain it left are intact. */
  g_assert_true (vp_ledger_verify (f->db, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);

  g_clear_pointer (&f->admin, vp_session_unref);
  g_clear_pointer (&f->cashier, vp_session_unref);
  g_clear_pointer (&f->supervisor, vp_session_unref);
  g_clear_pointer (&f->technician, vp_session_unref);
  g_clear_pointer (&f->db, vp_database_unref);
  vp_test_tmp_remove (f->dir);
  g_free (f->dir);
}

/* Opens an account for @name with no opening top-up; returns its number. */
static inline char *
vp_test_counter_open (VpTestCounter *f,
                      const char    *name,
                      const char    *room)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpAccountSpec spec;

  vp_account_spec_init (&spec);
  spec.name = name;
  spec.room = room;
  g_assert_true (vp_account_open (f->db, f->cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  return g_strdup (account->number);
}

/* A one-value query through the raw handle. */
static inline gint64
vp_test_counter_query (VpTestCounter *f,
                       const char    *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  vp_database_lock (f->db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (f->db), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  vp_database_unlock (f->db);
  return value;
}
