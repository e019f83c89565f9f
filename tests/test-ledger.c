/* test-ledger.c: ledger invariants under random operations, and the money rules */
#include "config.h"

#include "vp-test-counter.h"

#define N_ACCOUNTS 5
#define N_STEPS    1500

typedef VpTestCounter Fixture;

static void
assert_account (Fixture    *f,
                const char *number,
                gint64      expected)
{
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("SELECT balance FROM accounts WHERE number = '%s'", number);
  g_assert_cmpint (vp_test_counter_query (f, sql), ==, expected);
  g_free (sql);
  sql = g_strdup_printf ("SELECT COALESCE (SUM (amount), 0) FROM ledger l JOIN accounts a "
                         "ON a.id = l.account_id WHERE a.number = '%s'", number);
  g_assert_cmpint (vp_test_counter_query (f, sql), ==, expected);
}

/* The next receipt must be the one after @issued: failed operations used none. */
static void
assert_receipt (const VpLedgerEntry *entry,
                gint64              *issued)
{
  g_autofree char *want = g_strdup_printf ("01-%08" G_GINT64_FORMAT, ++*issued);

  g_assert_cmpstr (entry->receipt, ==, want);
}

static void
test_ledger_random (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr(GError) error = NULL;
  char *numbers[N_ACCOUNTS];
  char *last_topup[N_ACCOUNTS] = { NULL };
  gint64 balance[N_ACCOUNTS] = { 0 };
  gint64 issued = 0;
  guint n_failed = 0;

  for (int i = 0; i < N_ACCOUNTS; i++)
    numbers[i] = vp_test_counter_open (f, "张伟", NULL);
  g_assert_true (vp_shift_open (f->db, f->cashier, 10000, NULL, &error));
  g_assert_no_error (error);

  for (int step = 0; step < N_STEPS; step++)
    {
      g_autoptr(VpLedgerEntry) e = NULL;
      g_autoptr(GError) err = NULL;
      int a = g_rand_int_range (rand, 0, N_ACCOUNTS);
      gint64 amount = g_rand_int_range (rand, -100, 30000);
      gboolean ok = FALSE;

      switch (g_rand_int_range (rand, 0, 5))
        {
        case 0:   /* top-up, sometimes with a bad amount */
          ok = vp_ledger_topup (f->db, f->cashier, numbers[a], amount,
                                g_rand_boolean (rand) ? VP_PAYMENT_CASH : VP_PAYMENT_WECHAT,
                                NULL, 0, &e, &err);
          g_assert_true (ok == (amount > 0));
          if (ok)
            {
              balance[a] += amount;
              g_free (last_topup[a]);
              last_topup[a] = g_strdup (e->receipt);
            }
          break;
        case 1:   /* refund, sometimes above the balance or the limit */
          ok = vp_ledger_refund (f->db, f->cashier, numbers[a], amount, VP_PAYMENT_CASH,
                                 amount > 20000 ? f->supervisor_id : 0, &e, &err);
          g_assert_true (ok == (amount > 0 && amount <= balance[a]));
          if (!ok && amount > 0)
            g_assert_error (err, VP_MODEL_ERROR, VP_MODEL_ERROR_INSUFFICIENT_BALANCE);
          if (ok)
            balance[a] -= amount;
          break;
        case 2:   /* reverse the last top-up: fine once while the balance covers it */
          if (last_topup[a] == NULL)
            continue;
          ok = vp_ledger_reverse (f->db, f->supervisor, last_topup[a], 0, &e, &err);
          if (!ok)
            {
              /* The supervisor has no shift: the top-up's shift is the cashier's. */
              g_assert_error (err, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE);
              break;
            }
          balance[a] += e->amount;
          g_clear_pointer (&last_topup[a], g_free);
          break;
        case 3:   /* consumption charged by the system, may go negative */
          ok = vp_ledger_charge (f->db, NULL, numbers[a], ABS (amount) / 10, 0, 1234, "test",
                                 &e, &err);
          g_assert_no_error (err);
          balance[a] -= ABS (amount) / 10;
          g_assert_null (e->receipt);
          break;
        default:  /* something that must fail and leave no trace */
          ok = vp_ledger_topup (f->db, f->cashier, "99999997", 100, VP_PAYMENT_CASH,
                                NULL, 0, &e, &err);
          g_assert_error (err, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
          break;
        }

      if (ok && e->receipt != NULL)
        assert_receipt (e, &issued);
      if (!ok)
        n_failed++;
      if (ok)
        g_assert_cmpint (e->balance_after, ==, balance[a]);
      assert_account (f, numbers[a], balance[a]);
      if (step % 250 == 0)
        {
          g_assert_true (vp_ledger_verify (f->db, NULL, &error));
          g_assert_no_error (error);
        }
    }

  g_assert_cmpint (n_failed, >, N_STEPS / 10);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT last_number FROM counters WHERE id = '01'"),
                   ==, issued);
  for (int i = 0; i < N_ACCOUNTS; i++)
    {
      g_free (numbers[i]);
      g_free (last_topup[i]);
    }
}

static void
test_ledger_immutable (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "李娜", NULL);
  sqlite3 *handle = vp_database_get_handle (f->db);
  const char *sqls[] = {
    "UPDATE ledger SET amount = 1",
    "DELETE FROM ledger",
  };

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 5000, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (sqls); i++)
    {
      char *message = NULL;

      vp_database_lock (f->db);
      g_assert_cmpint (sqlite3_exec (handle, sqls[i], NULL, NULL, &message) & 0xff, ==, SQLITE_CONSTRAINT);
      vp_database_unlock (f->db);
      g_assert_nonnull (strstr (message, "immutable"));
      sqlite3_free (message);
    }
  g_assert_cmpint (vp_test_counter_query (f, "SELECT SUM (amount) FROM ledger"), ==, 5000);
}

static void
expect_verify_failure (Fixture    *f,
                       const char *tamper,
                       const char *undo,
                       const char *named)
{
  g_autoptr(GError) error = NULL;

  vp_database_lock (f->db);
  g_assert_cmpint (sqlite3_exec (vp_database_get_handle (f->db), tamper, NULL, NULL, NULL), ==, SQLITE_OK);
  vp_database_unlock (f->db);
  g_assert_false (vp_ledger_verify (f->db, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED);
  g_assert_nonnull (strstr (error->message, named));
  vp_database_lock (f->db);
  g_assert_cmpint (sqlite3_exec (vp_database_get_handle (f->db), undo, NULL, NULL, NULL), ==, SQLITE_OK);
  vp_database_unlock (f->db);
}

static void
test_ledger_verify_detects (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "王芳", NULL);
  g_autofree char *cached = NULL;
  gint64 rows = 0;

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  for (int i = 0; i < 3; i++)
    g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 1000, VP_PAYMENT_CARD, NULL, 0,
                                    NULL, &error));
  g_assert_true (vp_ledger_verify (f->db, &rows, &error));
  g_assert_cmpint (rows, ==, 3);

  cached = g_strdup_printf ("UPDATE accounts SET balance = balance + 1 WHERE number = '%s'", number);
  expect_verify_failure (f, cached, "UPDATE accounts SET balance = balance - 1", number);
  /* A receipt number handed out whose row is missing (as after a lost write). */
  expect_verify_failure (f, "UPDATE counters SET last_number = 4",
                         "UPDATE counters SET last_number = 3", "01-00000004");
  /* A hole in the middle: drop the guard, remove row 2, then put everything back. */
  expect_verify_failure (f,
                         "DROP TRIGGER ledger_no_update;"
                         "UPDATE ledger SET receipt_seq = 5, receipt = '01-00000005' WHERE receipt_seq = 2;"
                         "UPDATE counters SET last_number = 5",
                         "UPDATE ledger SET receipt_seq = 2, receipt = '01-00000002' WHERE receipt_seq = 5;"
                         "UPDATE counters SET last_number = 3",
                         "01-00000002");
}

static void
test_ledger_refund_approval (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "刘洋", NULL);
  gint64 denied_before, approver;

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 50000, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));

  /* Up to the limit (200.00) a cashier refunds alone. */
  g_assert_true (vp_ledger_refund (f->db, f->cashier, number, 20000, VP_PAYMENT_CASH, 0,
                                   NULL, &error));
  g_assert_no_error (error);

  denied_before = vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'");
  g_assert_false (vp_ledger_refund (f->db, f->cashier, number, 20001, VP_PAYMENT_CASH, 0,
                                    NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'"),
                   ==, denied_before + 1);

  /* A cashier's id is no approval. */
  g_assert_false (vp_ledger_refund (f->db, f->cashier, number, 20001, VP_PAYMENT_CASH,
                                    vp_session_get_operator_id (f->cashier), NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  approver = vp_session_approve (f->cashier, "super", VP_TEST_PASSWORD, VP_PERM_APPROVE, &error);
  g_assert_no_error (error);
  g_assert_true (vp_ledger_refund (f->db, f->cashier, number, 30000, VP_PAYMENT_CASH, approver,
                                   NULL, &error));
  g_assert_no_error (error);

  /* The limit is a setting. */
  g_assert_true (vp_database_set_setting (f->db, VP_LEDGER_REFUND_LIMIT_KEY, "0.50", &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 100, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_false (vp_ledger_refund (f->db, f->cashier, number, 51, VP_PAYMENT_CASH, 0,
                                    NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED);
}

static void
test_ledger_roles (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "陈静", NULL);
  gint64 denied_before;

  denied_before = vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'");
  g_assert_false (vp_ledger_topup (f->db, f->technician, number, 100, VP_PAYMENT_CASH, NULL, 0,
                                   NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_ledger_adjust (f->db, f->cashier, number, 100, "goodwill", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'"),
                   ==, denied_before + 2);

  /* No shift, no money. */
  g_assert_false (vp_ledger_topup (f->db, f->cashier, number, 100, VP_PAYMENT_CASH, NULL, 0,
                                   NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT);
  g_clear_error (&error);

  /* Adjustments and fees need a reason. */
  g_assert_false (vp_ledger_adjust (f->db, f->supervisor, number, 100, "  ", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_ledger_adjust (f->db, f->supervisor, number, -250, "meter fault", NULL, &error));
  g_assert_true (vp_ledger_fee (f->db, f->cashier, number, 500, "card replacement", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT balance FROM accounts"), ==, -750);
}

static void
test_ledger_reverse_rules (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) first = NULL;
  g_autoptr(VpLedgerEntry) second = NULL;
  g_autoptr(VpLedgerEntry) reversal = NULL;
  g_autofree char *number = vp_test_counter_open (f, "杨磊", NULL);
  gint64 approver;

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 1000, VP_PAYMENT_CASH, NULL, 0,
                                  &first, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 2000, VP_PAYMENT_CASH, NULL, 0,
                                  &second, &error));

  /* A cashier needs a supervisor. */
  g_assert_false (vp_ledger_reverse (f->db, f->cashier, second->receipt, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED);
  g_clear_error (&error);
  /* Only the last top-up. */
  g_assert_false (vp_ledger_reverse (f->db, f->supervisor, first->receipt, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE);
  g_assert_nonnull (strstr (error->message, second->receipt));
  g_clear_error (&error);

  approver = vp_session_approve (f->cashier, "super", VP_TEST_PASSWORD, VP_PERM_APPROVE, &error);
  g_assert_true (vp_ledger_reverse (f->db, f->cashier, second->receipt, approver, &reversal, &error));
  g_assert_no_error (error);
  g_assert_cmpint (reversal->amount, ==, -2000);
  g_assert_cmpint (reversal->reverses_id, ==, second->id);
  g_assert_cmpint (reversal->balance_after, ==, 1000);

  /* Not twice; and not something that is not a top-up. */
  g_assert_false (vp_ledger_reverse (f->db, f->supervisor, second->receipt, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE);
  g_clear_error (&error);
  g_assert_false (vp_ledger_reverse (f->db, f->supervisor, reversal->receipt, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE);
  g_clear_error (&error);

  /* Once the shift is closed, its top-ups stay. */
  g_assert_true (vp_shift_close (f->db, f->cashier, 1000, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (vp_ledger_reverse (f->db, f->supervisor, first->receipt, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE);
  g_clear_error (&error);
  g_assert_false (vp_ledger_reverse (f->db, f->supervisor, "01-99999999", 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
}

/* ---- the role × operation matrix (issue 9): each operation asks for the permission
 * its contract names, and a refusal is PERMISSION_DENIED and audited ---- */

typedef gboolean (*RoleOp) (Fixture     *f,
                            VpSession   *actor,
                            const char  *number,
                            GError     **error);

static gboolean
op_topup (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_ledger_topup (f->db, actor, number, 100, VP_PAYMENT_CASH, NULL, 0, NULL, error);
}

static gboolean
op_refund (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_ledger_refund (f->db, actor, number, 1, VP_PAYMENT_CASH, 0, NULL, error);
}

static gboolean
op_fee (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_ledger_fee (f->db, actor, number, 1, "card", NULL, error);
}

static gboolean
op_adjust (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_ledger_adjust (f->db, actor, number, 1, "correction", NULL, error);
}

static gboolean
op_charge (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_ledger_charge (f->db, actor, number, 1, 0, -1, "manual", NULL, error);
}

static gboolean
op_view (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  g_autoptr(VpAccount) account = vp_account_get (f->db, actor, number, error);
  g_autoptr(GPtrArray) history = account != NULL ? vp_ledger_list (f->db, actor, number, 5, error) : NULL;

  return history != NULL;
}

static gboolean
op_open (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  VpAccountSpec spec;

  vp_account_spec_init (&spec);
  spec.name = "测试";
  return vp_account_open (f->db, actor, &spec, NULL, NULL, error);
}

static gboolean
op_suspend (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_account_set_suspended (f->db, actor, number, TRUE, error)
         && vp_account_set_suspended (f->db, actor, number, FALSE, error);
}

static gboolean
op_transfer (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_account_transfer (f->db, actor, number, "新户主", NULL, NULL, NULL, error);
}

static gboolean
op_room (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_room_add (f->db, actor, "Main", "9", 1, "101", 5000, NULL, error);
}

static gboolean
op_tariff (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  return vp_tariff_define (f->db, actor, "flat", "water", "flat", "rates=34500", 0, NULL, error);
}

static gboolean
op_shift (Fixture *f, VpSession *actor, const char *number, GError **error)
{
  g_autoptr(VpShift) shift = vp_shift_get_current (f->db, actor, error);

  return error == NULL || *error == NULL;
}

static const struct
{
  const char   *name;
  VpPermission  permission;
  RoleOp        op;
} role_ops[] = {
  { "topup",      VP_PERM_TOPUP,          op_topup },
  { "refund",     VP_PERM_REFUND,         op_refund },
  { "fee",        VP_PERM_ACCOUNT_MANAGE, op_fee },
  { "adjust",     VP_PERM_APPROVE,        op_adjust },
  { "charge",     VP_PERM_ACCOUNT_MANAGE, op_charge },
  { "view",       VP_PERM_ACCOUNT_VIEW,   op_view },
  { "open",       VP_PERM_ACCOUNT_MANAGE, op_open },
  { "suspend",    VP_PERM_ACCOUNT_MANAGE, op_suspend },
  { "transfer",   VP_PERM_ACCOUNT_MANAGE, op_transfer },
  { "room",       VP_PERM_ACCOUNT_MANAGE, op_room },
  { "tariff",     VP_PERM_TARIFF_MANAGE,  op_tariff },
  { "shift",      VP_PERM_SHIFT,          op_shift },
};

static void
test_ledger_role_matrix (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "权限", NULL);
  VpSession *sessions[] = { f->cashier, f->supervisor, f->technician, f->admin };

  for (guint s = 0; s < G_N_ELEMENTS (sessions); s++)
    if (vp_session_can (sessions[s], VP_PERM_SHIFT))
      g_assert_true (vp_shift_open (f->db, sessions[s], 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->admin, number, 100000, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_no_error (error);

  for (guint s = 0; s < G_N_ELEMENTS (sessions); s++)
    for (guint o = 0; o < G_N_ELEMENTS (role_ops); o++)
      {
        VpRole role = vp_session_get_role (sessions[s]);
        gboolean allowed = vp_role_has_permission (role, role_ops[o].permission);
        gint64 denied = vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'");
        gboolean ok;

        g_test_message ("%s × %s", vp_role_to_string (role), role_ops[o].name);
        ok = role_ops[o].op (f, sessions[s], number, &error);
        if (allowed)
          {
            g_assert_no_error (error);
            g_assert_true (ok);
          }
        else
          {
            g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
            g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'"),
                             ==, denied + 1);
          }
        g_clear_error (&error);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/ledger/random", test_ledger_random);
  ADD ("/vp/ledger/immutable", test_ledger_immutable);
  ADD ("/vp/ledger/verify-detects", test_ledger_verify_detects);
  ADD ("/vp/ledger/refund-approval", test_ledger_refund_approval);
  ADD ("/vp/ledger/roles", test_ledger_roles);
  ADD ("/vp/ledger/reverse-rules", test_ledger_reverse_rules);
  ADD ("/vp/ledger/role-matrix", test_ledger_role_matrix);
#undef ADD

  return g_test_run ();
}
