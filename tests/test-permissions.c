/* test-permissions.c: every role × every operation, through the real operations
 *
 * For each role (cashier, supervisor, technician, admin) and each operation the model
 * offers (top-up, refund, refund above the limit, reversal, fee, adjustment, account
 * open/close/transfer/suspend, meter install, shift close with a difference, operator
 * add, tariff define, settings (demo data), meter control, close threshold), the
 * operation is called as that role with everything else in order (an open shift, money
 * on the account).
 * The expected outcome comes from the role table (vp_role_has_permission) plus the
 * approval rules written out below; a refusal must be PERMISSION_DENIED or
 * APPROVAL_REQUIRED, must leave the ledger untouched and must add an audit row by that
 * operator. An allowed operation must not be refused. Last, through vpctl: a cashier's
 * refund above the limit is refused (exit 1) and audited.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <sys/wait.h>

#include "vp-demo.h"
#include "vp-engine.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

typedef struct
{
  Fixture    *f;
  VpSession  *actor;
  char       *number;     /* an open account with money on it */
  char       *receipt;    /* its last top-up, by the actor when they may top up */
} Ctx;

typedef gboolean (*OpFunc) (Ctx *c, GError **error);

static gboolean
op_topup (Ctx *c, GError **error)
{
  return vp_ledger_topup (c->f->db, c->actor, c->number, 100, VP_PAYMENT_CASH, NULL, 0, NULL,
                          error);
}

static gboolean
op_refund (Ctx *c, GError **error)
{
  return vp_ledger_refund (c->f->db, c->actor, c->number, 100, VP_PAYMENT_CASH, 0, NULL, error);
}

static gboolean
op_refund_above_limit (Ctx *c, GError **error)
{
  return vp_ledger_refund (c->f->db, c->actor, c->number, 30000, VP_PAYMENT_CASH, 0, NULL, error);
}

static gboolean
op_reverse (Ctx *c, GError **error)
{
  return vp_ledger_reverse (c->f->db, c->actor, c->receipt, 0, NULL, error);
}

static gboolean
op_fee (Ctx *c, GError **error)
{
  return vp_ledger_fee (c->f->db, c->actor, c->number, 100, "meter box repair", NULL, error);
}

static gboolean
op_adjust (Ctx *c, GError **error)
{
  return vp_ledger_adjust (c->f->db, c->actor, c->number, -100, "typing error", NULL, error);
}

static gboolean
op_account_open (Ctx *c, GError **error)
{
  VpAccountSpec spec;

  vp_account_spec_init (&spec);
  spec.name = "周杰";
  return vp_account_open (c->f->db, c->actor, &spec, NULL, NULL, error);
}

static gboolean
op_account_close (Ctx *c, GError **error)
{
  return vp_account_close (c->f->db, c->actor, c->number, VP_PAYMENT_CASH,
                           c->f->supervisor_id, NULL, error);
}

static gboolean
op_account_transfer (Ctx *c, GError **error)
{
  return vp_account_transfer (c->f->db, c->actor, c->number, "吴磊", NULL, NULL, NULL, error);
}

static gboolean
op_account_suspend (Ctx *c, GError **error)
{
  return vp_account_set_suspended (c->f->db, c->actor, c->number, TRUE, error);
}

static gboolean
op_meter_install (Ctx *c, GError **error)
{
  g_autofree char *address = g_strdup_printf ("%012d", g_test_rand_int_range (1, 999999));
  VpMeterSpec spec;

  vp_meter_spec_init (&spec);
  spec.address = address;
  return vp_account_add_meter (c->f->db, c->actor, c->number, &spec, NULL, error);
}

/* Closing one's own shift with cash missing: accepting a difference is SHIFT_ACCEPT. */
static gboolean
op_shift_close_short (Ctx *c, GError **error)
{
  return vp_shift_close (c->f->db, c->actor, 0, 0, NULL, error);
}

static gboolean
op_operator_add (Ctx *c, GError **error)
{
  g_autofree char *login = g_strdup_printf ("new%u", g_test_rand_int_range (0, 1000000));

  return vp_operator_add (c->f->db, c->actor, login, login, VP_ROLE_CASHIER, "long-enough-1",
                          NULL, error);
}

static gboolean
op_tariff_define (Ctx *c, GError **error)
{
  return vp_tariff_define (c->f->db, c->actor, "居民电价", "electricity", "flat",
                           "price=5600", 1700000000, NULL, error);
}

/* Demo data is a settings-level operation (it changes the counter's configuration). */
static gboolean
op_settings_demo (Ctx *c, GError **error)
{
  return vp_demo_generate (c->f->db, c->actor, 3, 1, NULL, error);
}

static gboolean
op_meter_control (Ctx *c, GError **error)
{
  return vp_engine_control (c->f->db, c->actor, c->number, "trip", "test of permissions", NULL,
                            error);
}

static gboolean
op_close_threshold (Ctx *c, GError **error)
{
  return vp_engine_set_close_threshold (c->f->db, c->actor, c->number, FALSE, 1000, error);
}

typedef struct
{
  const char   *name;
  OpFunc        func;
  VpPermission  needs[2];       /* all of these, VP_N_PERMISSIONS = none */
  VpPermission  or_approval;    /* without it: APPROVAL_REQUIRED; VP_N_PERMISSIONS = n/a */
} Op;

#define NONE VP_N_PERMISSIONS

/* Reversal first: it must be the account's last top-up, the actor's own. */
static const Op ops[] = {
  { "reverse", op_reverse, { VP_PERM_TOPUP, NONE }, VP_PERM_REVERSE },
  { "topup", op_topup, { VP_PERM_TOPUP, NONE }, NONE },
  { "refund", op_refund, { VP_PERM_REFUND, NONE }, NONE },
  { "refund-above-limit", op_refund_above_limit, { VP_PERM_REFUND, NONE }, VP_PERM_APPROVE },
  { "fee", op_fee, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "adjust", op_adjust, { VP_PERM_APPROVE, NONE }, NONE },
  { "account-open", op_account_open, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "account-transfer", op_account_transfer, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "account-suspend", op_account_suspend, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "meter-install", op_meter_install, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "operator-add", op_operator_add, { VP_PERM_OPERATOR_MANAGE, NONE }, NONE },
  { "tariff-define", op_tariff_define, { VP_PERM_TARIFF_MANAGE, NONE }, NONE },
  { "settings-demo", op_settings_demo, { VP_PERM_SETTINGS, NONE }, NONE },
  { "meter-control", op_meter_control, { VP_PERM_METER_CONTROL, NONE }, NONE },
  { "close-threshold", op_close_threshold, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "account-close", op_account_close, { VP_PERM_ACCOUNT_MANAGE, NONE }, NONE },
  { "shift-close-short", op_shift_close_short, { VP_PERM_SHIFT, NONE }, VP_PERM_SHIFT_ACCEPT },
};

/* Audit rows by operator @id, other than log-ins. */
static gint64
audit_rows (Fixture *f,
            gint64   id)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  vp_database_lock (f->db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (f->db),
                                       "SELECT count(*) FROM audit WHERE operator_id = ? "
                                       "AND action <> 'login'", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  vp_database_unlock (f->db);
  return n;
}

/* Meter install is allowed by either ACCOUNT_MANAGE or METER_COMMISSION. */
static gboolean
role_may (VpRole     role,
          const Op  *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (op->needs) && op->needs[i] != NONE; i++)
    {
      if (op->func == op_meter_install
          && vp_role_has_permission (role, VP_PERM_METER_COMMISSION))
        continue;
      if (!vp_role_has_permission (role, op->needs[i]))
        return FALSE;
    }
  return TRUE;
}

static void
run_matrix_for (Fixture   *f,
                VpSession *actor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) topup = NULL;
  g_autoptr(VpShift) shift = NULL;
  VpRole role = vp_session_get_role (actor);
  gint64 id = vp_session_get_operator_id (actor);
  Ctx c = { f, actor, NULL, NULL };

  /* Money on a fresh account, put there by someone allowed to. */
  c.number = vp_test_counter_open (f, "孙丽", NULL);
  shift = vp_shift_get_current (f->db, f->cashier, NULL);
  if (shift == NULL)
    g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_ledger_topup (f->db, f->cashier, c.number, 50000, VP_PAYMENT_CASH, NULL, 0,
                                  &topup, &error));
  g_assert_no_error (error);
  c.receipt = g_strdup (topup->receipt);
  /* The actor's own shift and top-up, so reversal and shift close can be allowed. */
  if (vp_role_has_permission (role, VP_PERM_SHIFT) && actor != f->cashier)
    {
      g_assert_true (vp_shift_open (f->db, actor, 0, NULL, &error));
      g_assert_no_error (error);
    }
  if (vp_role_has_permission (role, VP_PERM_TOPUP))
    {
      g_clear_pointer (&topup, vp_ledger_entry_free);
      g_assert_true (vp_ledger_topup (f->db, actor, c.number, 20000, VP_PAYMENT_CASH, NULL, 0,
                                      &topup, &error));
      g_assert_no_error (error);
      g_free (c.receipt);
      c.receipt = g_strdup (topup->receipt);
    }

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr(GError) err = NULL;
      const Op *op = &ops[i];
      gboolean may = role_may (role, op);
      gboolean needs_approval = may && op->or_approval != NONE
                                && !vp_role_has_permission (role, op->or_approval);
      gint64 ledger_before = vp_test_counter_query (f, "SELECT count(*) FROM ledger");
      gint64 audit_before = audit_rows (f, id);
      gboolean ok = op->func (&c, &err);

      g_test_message ("%s × %s: %s", vp_role_to_string (role), op->name,
                      ok ? "done" : err->message);
      if (!may || needs_approval)
        {
          g_assert_false (ok);
          if (!may)
            g_assert_error (err, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
          else
            g_assert_error (err, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED);
          g_assert_cmpint (vp_test_counter_query (f, "SELECT count(*) FROM ledger"), ==,
                           ledger_before);
          /* Refused and recorded against the operator who tried. */
          g_assert_cmpint (audit_rows (f, id), >, audit_before);
        }
      else if (!ok)
        {
          /* Allowed: any failure is about the data, never about the role. */
          g_assert_false (g_error_matches (err, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED));
          g_assert_false (g_error_matches (err, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED));
        }
    }
  g_free (c.number);
  g_free (c.receipt);
}

static void
test_permissions_cashier (Fixture *f, gconstpointer data)
{
  run_matrix_for (f, f->cashier);
}

static void
test_permissions_supervisor (Fixture *f, gconstpointer data)
{
  run_matrix_for (f, f->supervisor);
}

static void
test_permissions_technician (Fixture *f, gconstpointer data)
{
  run_matrix_for (f, f->technician);
}

static void
test_permissions_admin (Fixture *f, gconstpointer data)
{
  run_matrix_for (f, f->admin);
}

/* The role table itself: the cashier is the least trusted at the counter. */
static void
test_permissions_table (void)
{
  g_assert_true (vp_role_has_permission (VP_ROLE_CASHIER, VP_PERM_TOPUP));
  g_assert_false (vp_role_has_permission (VP_ROLE_CASHIER, VP_PERM_APPROVE));
  g_assert_false (vp_role_has_permission (VP_ROLE_CASHIER, VP_PERM_OPERATOR_MANAGE));
  g_assert_false (vp_role_has_permission (VP_ROLE_CASHIER, VP_PERM_METER_CONTROL));
  g_assert_false (vp_role_has_permission (VP_ROLE_TECHNICIAN, VP_PERM_TOPUP));
  g_assert_false (vp_role_has_permission (VP_ROLE_TECHNICIAN, VP_PERM_REFUND));
  g_assert_true (vp_role_has_permission (VP_ROLE_SUPERVISOR, VP_PERM_APPROVE));
  for (int p = 0; p < VP_N_PERMISSIONS; p++)
    g_assert_true (vp_role_has_permission (VP_ROLE_ADMIN, p));
}

/* Through vpctl, as a cashier at a terminal would: refused, exit 1, audited. */
static void
test_permissions_vpctl_refund (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "钱多多", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("VPCTL"), "--db", vp_database_get_path (f->db), "refund",
                         number, "250", NULL };
  gint64 cashier_id = vp_session_get_operator_id (f->cashier);
  gint64 audit_before;
  gint64 ledger_before;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 50000, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_no_error (error);
  audit_before = audit_rows (f, cashier_id);
  ledger_before = vp_test_counter_query (f, "SELECT count(*) FROM ledger");

  env = g_environ_setenv (env, "VP_OPERATOR", "cashier", TRUE);
  env = g_environ_setenv (env, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("vpctl refund: %s%s", out, err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, "supervisor"));
  g_assert_cmpint (vp_test_counter_query (f, "SELECT count(*) FROM ledger"), ==, ledger_before);
  /* The refusal is in the audit log against the cashier (besides their log-in). */
  g_assert_cmpint (audit_rows (f, cashier_id), >, audit_before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  g_test_add_func ("/vp/permissions/table", test_permissions_table);
  ADD ("/vp/permissions/cashier", test_permissions_cashier);
  ADD ("/vp/permissions/supervisor", test_permissions_supervisor);
  ADD ("/vp/permissions/technician", test_permissions_technician);
  ADD ("/vp/permissions/admin", test_permissions_admin);
  ADD ("/vp/permissions/vpctl-refund-above-limit", test_permissions_vpctl_refund);
#undef ADD
  return g_test_run ();
}
