/* test-report.c: reports computed from a database filled through the model API */
#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "document-check.h"
#include "vp-chart.h"
#include "vp-engine.h"
#include "vp-report.h"
#include "vp-tariff-store.h"
#include "vp-test-counter.h"

#define DPI 100

typedef struct
{
  VpTestCounter  c;
  char          *today;        /* local "YYYY-MM-DD" */
  gint64         cashier_id;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  vp_test_counter_setup (&f->c, data);
  f->today = g_date_time_format (now, "%Y-%m-%d");
  f->cashier_id = vp_session_get_operator_id (f->c.cashier);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_free (f->today);
  vp_test_counter_teardown (&f->c, data);
}

static VpReportTable *
run_report (Fixture              *f,
            const char           *name,
            const VpReportParams *params)
{
  g_autoptr(GError) error = NULL;
  VpReportTable *t = vp_report_run (f->c.db, f->c.supervisor, name, params, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

static gint64
total_of (const VpReportTable *t,
          const char          *key)
{
  int c = vp_report_table_column (t, key);

  g_assert_cmpint (c, >=, 0);
  g_assert_true (t->has_totals);
  return t->totals[c];
}

static const VpReportCell *
find_row (const VpReportTable *t,
          const char          *key,
          const char          *text)
{
  int c = vp_report_table_column (t, key);

  g_assert_cmpint (c, >=, 0);
  for (guint r = 0; r < t->rows->len; r++)
    {
      const VpReportCell *cells = vp_report_table_get_row (t, r);

      if (g_strcmp0 (cells[c].text, text) == 0)
        return cells;
    }
  g_error ("no row with %s = %s in %s", key, text, t->name);
  return NULL;
}

static gint64
cell_value (const VpReportTable *t,
            const VpReportCell  *cells,
            const char          *key)
{
  int c = vp_report_table_column (t, key);

  g_assert_cmpint (c, >=, 0);
  g_assert_null (cells[c].text);
  return cells[c].value;
}

static char *
topup (Fixture         *f,
       VpSession       *actor,
       const char      *account,
       gint64           amount,
       VpPaymentMethod  method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;

  g_assert_true (vp_ledger_topup (f->c.db, actor, account, amount, method, NULL, 0, &entry,
                                  &error));
  g_assert_no_error (error);
  return g_strdup (entry->receipt);
}

static void
open_shift (Fixture   *f,
            VpSession *actor,
            gint64     float_amount)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_shift_open (f->c.db, actor, float_amount, NULL, &error));
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------------------ */

static void
test_registry (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) t = NULL;
  VpReportParams params;
  guint n = vp_report_get_n_reports ();

  g_assert_cmpuint (n, >=, 20);
  for (guint i = 0; i < n; i++)
    {
      const VpReportInfo *info = vp_report_get_info (i);

      g_assert_true (vp_report_find (info->name) == info);
      g_assert_cmpstr (info->title_zh, !=, "");
      g_assert_cmpstr (info->title_en, !=, "");
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (vp_report_get_info (j)->name, !=, info->name);
    }
  g_assert_null (vp_report_find ("no-such-report"));

  vp_report_params_init (&params);
  params.from = g_strdup ("2026-11-01");
  params.to = g_strdup ("2026-11-30");

  t = vp_report_run (f->c.db, f->c.supervisor, "no-such-report", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Cashiers do not see reports; the refusal is an error, not an empty table. */
  t = vp_report_run (f->c.db, f->c.cashier, "revenue-daily", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_assert_null (t);
  g_clear_error (&error);

  g_free (params.to);
  params.to = g_strdup ("2026-02-30");
  t = vp_report_run (f->c.db, f->c.supervisor, "revenue-daily", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_free (params.to);
  params.to = g_strdup ("2026-10-31");
  t = vp_report_run (f->c.db, f->c.supervisor, "revenue-daily", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_free (params.to);
  params.to = g_strdup ("2026-11-30");
  params.operator_login = g_strdup ("nobody");
  t = vp_report_run (f->c.db, f->c.supervisor, "revenue-daily", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&params.operator_login, g_free);

  params.account = g_strdup ("10000016");
  t = vp_report_run (f->c.db, f->c.supervisor, "revenue-daily", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&params.account, g_free);

  /* No period at all. */
  vp_report_params_clear (&params);
  t = vp_report_run (f->c.db, f->c.supervisor, "journal", &params, &error);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_assert_null (t);
}

/* The Z report of one shift: movements by payment method, the drawer, the receipts. */
static void
test_shift_z (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) t = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autoptr(VpLedgerEntry) refund = NULL;
  g_autoptr(VpLedgerEntry) reversal = NULL;
  g_autofree char *a = vp_test_counter_open (&f->c, "李雷", "1-101");
  g_autofree char *b = vp_test_counter_open (&f->c, "韩梅梅", "1-102");
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
  gint64 approver;
  VpReportParams params;
  const VpReportCell *row;

  open_shift (f, f->c.cashier, 50000);
  r1 = topup (f, f->c.cashier, a, 10000, VP_PAYMENT_CASH);
  r2 = topup (f, f->c.cashier, b, 5000, VP_PAYMENT_CARD);
  r3 = topup (f, f->c.cashier, a, 2550, VP_PAYMENT_WECHAT);
  r4 = topup (f, f->c.cashier, b, 3000, VP_PAYMENT_CASH);
  approver = vp_session_approve (f->c.cashier, "super", VP_TEST_PASSWORD, VP_PERM_REVERSE,
                                 &error);
  g_assert_no_error (error);
  g_assert_true (vp_ledger_reverse (f->c.db, f->c.cashier, r4, approver, &reversal, &error));
  g_assert_no_error (error);
  g_assert_true (vp_ledger_refund (f->c.db, f->c.cashier, a, 1200, VP_PAYMENT_CASH, 0, &refund,
                                   &error));
  g_assert_no_error (error);
  /* Drawer: 500 + 100 + 30 − 30 − 12 = 588 yuan; 1 yuan short. */
  g_assert_true (vp_shift_close (f->c.db, f->c.cashier, 58700, f->c.supervisor_id, &shift,
                                 &error));
  g_assert_no_error (error);

  vp_report_params_init (&params);
  params.shift_id = shift->id;
  t = run_report (f, "shift-z", &params);

  row = find_row (t, "method", "现金 Cash");
  g_assert_cmpint (cell_value (t, row, "count"), ==, 4);
  g_assert_cmpint (cell_value (t, row, "topups"), ==, 13000);
  g_assert_cmpint (cell_value (t, row, "refunds"), ==, -1200);
  g_assert_cmpint (cell_value (t, row, "reversals"), ==, -3000);
  g_assert_cmpint (cell_value (t, row, "net"), ==, 8800);
  row = find_row (t, "method", "银行卡 Card");
  g_assert_cmpint (cell_value (t, row, "net"), ==, 5000);
  row = find_row (t, "method", "微信 WeChat Pay");
  g_assert_cmpint (cell_value (t, row, "net"), ==, 2550);
  g_assert_cmpuint (t->rows->len, ==, 3);

  g_assert_cmpint (total_of (t, "count"), ==, 6);
  g_assert_cmpint (total_of (t, "topups"), ==, 20550);
  g_assert_cmpint (total_of (t, "net"), ==, 16350);
  g_assert_cmpint (total_of (t, "net"), ==,
                   vp_test_counter_query (&f->c, "SELECT SUM (amount) FROM ledger WHERE shift_id IS NOT NULL"));

  for (guint i = 0; i < t->notes->len; i++)
    {
      const VpReportNote *note = t->notes->pdata[i];
      g_autofree char *range = g_strdup_printf ("%s – %s (6)", r1, refund->receipt);

      if (g_str_has_prefix (note->label, "应有现金"))
        g_assert_cmpstr (note->value, ==, "588.00");
      else if (g_str_has_prefix (note->label, "实点现金"))
        g_assert_cmpstr (note->value, ==, "587.00");
      else if (g_str_has_prefix (note->label, "长短款"))
        g_assert_cmpstr (note->value, ==, "-1.00");
      else if (g_str_has_prefix (note->label, "收据号段"))
        g_assert_cmpstr (note->value, ==, range);
      else if (g_str_has_prefix (note->label, "冲正笔数") || g_str_has_prefix (note->label, "退款笔数"))
        g_assert_cmpstr (note->value, ==, "1");
    }
  g_assert_cmpuint (t->notes->len, >=, 10);
  /* The stored close agrees with what the report recomputed from the ledger. */
  g_assert_cmpint (shift->expected, ==, 58800);

  /* The same shift found by its day and cashier. */
  g_clear_pointer (&t, vp_report_table_free);
  params.shift_id = 0;
  params.from = g_strdup (f->today);
  params.to = g_strdup (f->today);
  params.operator_login = g_strdup ("cashier");
  t = run_report (f, "shift-z", &params);
  g_assert_cmpint (total_of (t, "net"), ==, 16350);
  g_clear_pointer (&t, vp_report_table_free);
  t = run_report (f, "shift-list", &params);
  g_assert_cmpuint (t->rows->len, ==, 1);
  g_assert_cmpint (total_of (t, "expected"), ==, 58800);
  g_assert_cmpint (total_of (t, "counted"), ==, 58700);
  g_assert_cmpint (total_of (t, "over_short"), ==, -100);
  g_clear_pointer (&params.operator_login, g_free);
  params.operator_login = g_strdup ("super");
  g_clear_pointer (&t, vp_report_table_free);
  t = run_report (f, "shift-list", &params);
  g_assert_cmpuint (t->rows->len, ==, 0);
  vp_report_params_clear (&params);
}

/* Random movements through the model API by two cashiers and the engine's charges,
 * then every money report's total against an independent SUM over the ledger. */
static void
fill_random (Fixture  *f,
             GRand    *rand,
             char    **accounts,
             guint     n_accounts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) second = vp_test_counter_operator (&f->c, "cashier2", VP_ROLE_CASHIER,
                                                          NULL);
  static const char *rooms[] = { "1-101", "1-102", "2-201", "3-301", NULL };
  static const char *names[] = { "张三", "李四", "王五", "赵六", "Smith, \"Jr\"", "=1+1" };
  VpSession *cashiers[2] = { f->c.cashier, second };
  g_autoptr(GPtrArray) last = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_accounts; i++)
    {
      accounts[i] = vp_test_counter_open (&f->c, names[i % G_N_ELEMENTS (names)],
                                          rooms[g_rand_int_range (rand, 0, 5)]);
      g_ptr_array_add (last, NULL);
    }
  open_shift (f, cashiers[0], 10000);
  open_shift (f, cashiers[1], 0);

  for (guint op = 0; op < 160; op++)
    {
      guint i = g_rand_int_range (rand, 0, n_accounts);
      VpSession *actor = cashiers[g_rand_int_range (rand, 0, 2)];
      int what = g_rand_int_range (rand, 0, 10);
      gint64 amount = g_rand_int_range (rand, 1, 400) * 50;
      g_autoptr(VpLedgerEntry) entry = NULL;

      if (what < 5)
        {
          g_free (last->pdata[i]);
          last->pdata[i] = topup (f, actor, accounts[i], amount,
                                  (VpPaymentMethod) g_rand_int_range (rand, 1, 5));
        }
      else if (what == 5)
        vp_ledger_refund (f->c.db, actor, accounts[i], MIN (amount, 15000), VP_PAYMENT_CASH,
                          0, &entry, NULL);
      else if (what == 6 && last->pdata[i] != NULL)
        {
          gint64 approver = vp_session_approve (actor, "super", VP_TEST_PASSWORD,
                                                VP_PERM_REVERSE, &error);

          g_assert_no_error (error);
          /* Fails (not reversible) when the balance no longer covers it: fine. */
          vp_ledger_reverse (f->c.db, actor, last->pdata[i], approver, &entry, NULL);
          g_clear_pointer (&last->pdata[i], g_free);
        }
      else if (what == 7)
        {
          g_assert_true (vp_ledger_charge (f->c.db, NULL, accounts[i], amount, 0, -1, "test",
                                           &entry, &error));
          g_assert_no_error (error);
        }
      else if (what == 8)
        {
          g_assert_true (vp_ledger_fee (f->c.db, f->c.supervisor, accounts[i], 300, "管理费",
                                        &entry, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_true (vp_ledger_adjust (f->c.db, f->c.supervisor, accounts[i],
                                           g_rand_boolean (rand) ? amount : -amount, "调账",
                                           &entry, &error));
          g_assert_no_error (error);
        }
    }
  /* One shift closed, one left open. */
  {
    g_autoptr(VpShift) current = vp_shift_get_current (f->c.db, cashiers[1], &error);

    g_assert_no_error (error);
    g_assert_true (vp_shift_close (f->c.db, cashiers[1], current->expected, 0, NULL, &error));
    g_assert_no_error (error);
  }
}

typedef struct
{
  const char *report;
  const char *filter;       /* which VpReportParams filter to set, NULL for none */
  const char *sql;          /* the independent sum; ?1 = the filter's id or name */
} Reconciliation;

#define REVENUE_SUM "SELECT COALESCE (SUM (amount), 0) FROM ledger WHERE kind IN ('topup', 'refund', 'reversal')"
#define SITE_ACCOUNTS "account_id IN (SELECT a.id FROM accounts a JOIN rooms r ON r.id = a.room_id JOIN floors f ON f.id = r.floor_id JOIN buildings b ON b.id = f.building_id WHERE b.name = '2')"
#define BALANCES "SELECT COALESCE (SUM (b), 0) FROM (SELECT a.id, a.status, a.alarm1, (SELECT COALESCE (SUM (amount), 0) FROM ledger l WHERE l.account_id = a.id) AS b FROM accounts a)"

static const Reconciliation reconciliations[] = {
  { "revenue-daily", NULL, REVENUE_SUM },
  { "revenue-daily", "operator", REVENUE_SUM " AND operator_id = (SELECT id FROM operators WHERE login = 'cashier2')" },
  { "revenue-daily", "account", REVENUE_SUM " AND account_id = (SELECT id FROM accounts ORDER BY id LIMIT 1)" },
  { "revenue-daily", "building", REVENUE_SUM " AND " SITE_ACCOUNTS },
  { "revenue-monthly", NULL, REVENUE_SUM },
  { "revenue-yearly", NULL, REVENUE_SUM },
  { "revenue-cashier", NULL, REVENUE_SUM },
  { "revenue-method", NULL, REVENUE_SUM },
  { "revenue-site", NULL, REVENUE_SUM },
  { "revenue-building", NULL, REVENUE_SUM },
  { "revenue-building", "building", REVENUE_SUM " AND " SITE_ACCOUNTS },
  { "revenue-tariff", NULL, REVENUE_SUM },
  { "journal", NULL, "SELECT SUM (amount) FROM ledger" },
  { "journal", "operator", "SELECT COALESCE (SUM (amount), 0) FROM ledger WHERE operator_id = (SELECT id FROM operators WHERE login = 'cashier2')" },
  { "shift-z", NULL, "SELECT SUM (amount) FROM ledger WHERE shift_id IS NOT NULL" },
  { "shift-z", "operator", "SELECT SUM (amount) FROM ledger WHERE shift_id IN (SELECT id FROM shifts WHERE operator_id = (SELECT id FROM operators WHERE login = 'cashier2'))" },
  { "shift-list", NULL, "SELECT SUM (amount) FROM ledger WHERE shift_id IS NOT NULL" },
  { "arrears", NULL, BALANCES " WHERE b < 0" },
  { "arrears", "account", BALANCES " WHERE b < 0 AND id = (SELECT id FROM accounts ORDER BY id LIMIT 1)" },
  { "low-balance", NULL, BALANCES " WHERE b < alarm1 AND status <> 'closed'" },
};

static void
test_reconcile_with_ledger (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  char *accounts[12] = { NULL };
  g_autofree char *first_account = NULL;

  fill_random (f, rand, accounts, G_N_ELEMENTS (accounts));
  first_account = g_strdup (accounts[0]);

  /* Every money report has at least one reconciliation below. */
  for (guint i = 0; i < vp_report_get_n_reports (); i++)
    {
      const VpReportInfo *info = vp_report_get_info (i);
      gboolean covered = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (reconciliations); j++)
        covered |= g_str_equal (reconciliations[j].report, info->name);
      if (info->ledger_key != NULL && !covered)
        g_error ("money report %s is not reconciled", info->name);
    }

  for (guint j = 0; j < G_N_ELEMENTS (reconciliations); j++)
    {
      const Reconciliation *rec = &reconciliations[j];
      const VpReportInfo *info = vp_report_find (rec->report);
      g_autoptr(VpReportTable) t = NULL;
      VpReportParams params;
      gint64 expected, sum = 0;
      int c;

      vp_report_params_init (&params);
      params.from = g_strdup (f->today);
      params.to = g_strdup (f->today);
      if (g_strcmp0 (rec->filter, "operator") == 0)
        params.operator_login = g_strdup ("cashier2");
      else if (g_strcmp0 (rec->filter, "account") == 0)
        params.account = g_strdup (first_account);
      else if (g_strcmp0 (rec->filter, "building") == 0)
        params.building = g_strdup ("2");
      t = run_report (f, rec->report, &params);
      vp_report_params_clear (&params);

      expected = vp_test_counter_query (&f->c, rec->sql);
      g_test_message ("%s (%s): %" G_GINT64_FORMAT, rec->report,
                      rec->filter ? rec->filter : "all", expected);
      g_assert_cmpint (total_of (t, info->ledger_key), ==, expected);

      /* And the totals row is the sum of the rows shown. */
      c = vp_report_table_column (t, info->ledger_key);
      for (guint r = 0; r < t->rows->len; r++)
        sum += vp_report_table_get_row (t, r)[c].value;
      g_assert_cmpint (sum, ==, expected);
    }
  /* The test is not vacuous: there was money in every direction. */
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT (*) FROM ledger WHERE kind = 'reversal'"), >, 0);
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT (*) FROM ledger WHERE kind = 'refund'"), >, 0);
  g_assert_cmpint (vp_test_counter_query (&f->c, BALANCES " WHERE b < 0"), <, 0);

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    g_free (accounts[i]);
}

/* A period that does not contain today sees none of today's movements. */
static void
test_revenue_period (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *a = vp_test_counter_open (&f->c, "周", "1-101");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);
  g_autoptr(VpReportTable) t = NULL;
  g_autofree char *r = NULL;
  VpReportParams params;

  open_shift (f, f->c.cashier, 0);
  r = topup (f, f->c.cashier, a, 12345, VP_PAYMENT_ALIPAY);

  vp_report_params_init (&params);
  params.from = g_date_time_format (yesterday, "%Y-%m-%d");
  params.to = g_strdup (params.from);
  t = run_report (f, "revenue-daily", &params);
  g_assert_cmpuint (t->rows->len, ==, 0);
  g_assert_cmpint (total_of (t, "net"), ==, 0);
  g_assert_null (t->chart);
  g_clear_pointer (&t, vp_report_table_free);

  g_free (params.to);
  params.to = g_strdup (f->today);
  t = run_report (f, "revenue-daily", &params);
  g_assert_cmpuint (t->rows->len, ==, 1);
  g_assert_cmpstr (vp_report_table_get_row (t, 0)[0].text, ==, f->today);
  g_assert_cmpint (total_of (t, "net"), ==, 12345);
  g_assert_nonnull (t->chart);
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "revenue-method", &params);
  g_assert_cmpstr (vp_report_table_get_row (t, 0)[0].text, ==, "支付宝 Alipay");
  g_clear_pointer (&t, vp_report_table_free);
  t = run_report (f, "revenue-cashier", &params);
  g_assert_cmpstr (vp_report_table_get_row (t, 0)[0].text, ==, "cashier (cashier)");
  vp_report_params_clear (&params);
}

/* ------------------------------------------------------------------------------ */
/* Consumption from readings stored by the engine                                  */

static gint64
local_noon (int year,
            int month,
            int day)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (year, month, day, 12, 0, 0);

  return g_date_time_to_unix (t);
}

static void
store (VpEngine   *engine,
       gint64      meter_id,
       gint64      when,
       gint64      total,
       const gint64 *rates)
{
  g_autoptr(GError) error = NULL;
  VpMeterSample sample = { 0 };
  VpReadingOutcome outcome;

  sample.meter_time = when;
  sample.total = total;
  if (rates != NULL)
    {
      sample.has_rates = TRUE;
      memcpy (sample.rates, rates, sizeof sample.rates);
    }
  g_assert_true (vp_engine_store_reading (engine, meter_id, &sample, when, &outcome, NULL,
                                          &error));
  g_assert_no_error (error);
}

static gint64
add_meter (Fixture    *f,
           const char *account,
           const char *address)
{
  g_autoptr(GError) error = NULL;
  VpMeterSpec spec;
  gint64 id = 0;

  vp_meter_spec_init (&spec);
  spec.kind = VP_METER_KIND_ELECTRICITY;
  spec.protocol = VP_METER_PROTOCOL_DLT645;
  spec.address = address;
  g_assert_true (vp_account_add_meter (f->c.db, f->c.admin, account, &spec, &id, &error));
  g_assert_no_error (error);
  return id;
}

static gint64
fixed_clock (gpointer user_data)
{
  return local_noon (2026, 11, 25);
}

static void
fill_readings (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpEngine) engine = vp_engine_new (f->c.db, NULL);
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };
  g_autofree char *a = NULL, *b = NULL;
  VpAccountSpec spec;
  g_autoptr(VpAccount) account = NULL;
  gint64 m1, m2;

  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "flat", VP_UTILITY_ELECTRICITY,
                                      &flat, NULL, &error));
  g_assert_no_error (error);
  vp_engine_set_clock (engine, fixed_clock, NULL);

  vp_account_spec_init (&spec);
  spec.name = "用电一";
  spec.room = "1-101";
  spec.tariff = "flat";
  g_assert_true (vp_account_open (f->c.db, f->c.admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  a = g_strdup (account->number);
  g_clear_pointer (&account, vp_account_free);
  spec.name = "用电二";
  spec.room = "2-201";
  g_assert_true (vp_account_open (f->c.db, f->c.admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  b = g_strdup (account->number);

  m1 = add_meter (f, a, "000000000001");
  m2 = add_meter (f, b, "000000000002");

  /* Last year: 10.00 kWh since installation by the 10th (a flat tariff charges the
   * first interval from the install register), 5.00 kWh more by the 20th. */
  store (engine, m1, local_noon (2025, 11, 10), 1000, (gint64[]) { 100, 200, 300, 400 });
  store (engine, m1, local_noon (2025, 11, 20), 1500, (gint64[]) { 150, 300, 450, 600 });
  /* This year: a reading just before the period starts the first interval's TOU. */
  store (engine, m1, local_noon (2026, 10, 31), 5000, (gint64[]) { 1000, 1000, 1500, 1500 });
  store (engine, m1, local_noon (2026, 11, 5), 5600, (gint64[]) { 1060, 1140, 1700, 1700 });
  store (engine, m1, local_noon (2026, 11, 20), 6000, (gint64[]) { 1160, 1240, 1800, 1800 });
  /* Meter 2 has no TOU registers. */
  store (engine, m2, local_noon (2026, 11, 2), 0, NULL);
  store (engine, m2, local_noon (2026, 11, 10), 250, NULL);
  /* A reading that went backwards: an anomaly, not consumption. */
  store (engine, m2, local_noon (2026, 11, 11), 100, NULL);
}

static void
set_november (VpReportParams *params)
{
  vp_report_params_init (params);
  params->from = g_strdup ("2026-11-01");
  params->to = g_strdup ("2026-11-30");
}

static void
test_consumption (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(VpReportTable) t = NULL;
  VpReportParams params;
  const VpReportCell *row;

  fill_readings (f);
  set_november (&params);

  t = run_report (f, "consumption-meter", &params);
  g_assert_cmpuint (t->rows->len, ==, 2);
  row = find_row (t, "meter", "000000000001");
  g_assert_cmpint (cell_value (t, row, "total"), ==, 1000);
  g_assert_cmpint (cell_value (t, row, "sharp"), ==, 160);
  g_assert_cmpint (cell_value (t, row, "peak"), ==, 240);
  g_assert_cmpint (cell_value (t, row, "flat"), ==, 300);
  g_assert_cmpint (cell_value (t, row, "valley"), ==, 300);
  g_assert_cmpint (cell_value (t, row, "last_year"), ==, 1500);
  g_assert_cmpint (cell_value (t, row, "change"), ==, -3333);
  row = find_row (t, "meter", "000000000002");
  g_assert_cmpint (cell_value (t, row, "total"), ==, 250);
  g_assert_cmpstr (row[vp_report_table_column (t, "sharp")].text, ==, "—");
  g_assert_cmpstr (row[vp_report_table_column (t, "change")].text, ==, "—");
  g_assert_cmpint (total_of (t, "total"), ==, 1250);
  g_assert_cmpint (total_of (t, "sharp"), ==, 160);
  g_assert_cmpint (total_of (t, "last_year"), ==, 1500);
  g_assert_cmpint (total_of (t, "change"), ==, -1667);
  /* What the engine charged is what the report counts (Shanghai midnight bounds). */
  g_assert_cmpint (total_of (t, "total"), ==,
                   vp_test_counter_query (&f->c, "SELECT SUM (consumption) FROM readings WHERE status = 'charged'"
                                         " AND station_time >= strftime ('%s', '2026-10-31 16:00:00')"
                                         " AND station_time < strftime ('%s', '2026-11-30 16:00:00')"));
  g_assert_nonnull (t->chart);
  g_assert_cmpuint (vp_chart_get_n_series (t->chart), ==, 2);
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "consumption-building", &params);
  g_assert_cmpuint (t->rows->len, ==, 2);
  g_assert_cmpint (total_of (t, "total"), ==, 1250);
  g_clear_pointer (&t, vp_report_table_free);

  params.building = g_strdup ("2");
  t = run_report (f, "consumption-room", &params);
  g_assert_cmpuint (t->rows->len, ==, 1);
  row = find_row (t, "room", "2-201");
  g_assert_cmpint (cell_value (t, row, "total"), ==, 250);
  /* No reading last year anywhere: no total rather than a made-up 0.00. */
  {
    int c = vp_report_table_column (t, "last_year");
    g_autofree char *shown = vp_report_table_format_total (t, c);

    g_assert_cmpstr (row[c].text, ==, "—");
    g_assert_false (((VpReportColumn *) t->columns->pdata[c])->total);
    g_assert_cmpstr (shown, ==, "");
    g_assert_cmpint (total_of (t, "total"), ==, 250);
  }
  g_clear_pointer (&t, vp_report_table_free);
  g_clear_pointer (&params.building, g_free);

  /* Days line up with the same day last year. */
  t = run_report (f, "consumption-daily", &params);
  g_assert_cmpuint (t->rows->len, ==, 4);
  g_assert_cmpstr (vp_report_table_get_row (t, 0)[0].text, ==, "2026-11-02");
  row = find_row (t, "date", "2026-11-10");
  g_assert_cmpint (cell_value (t, row, "total"), ==, 250);
  g_assert_cmpint (cell_value (t, row, "last_year"), ==, 1000);
  g_assert_cmpint (cell_value (t, row, "change"), ==, -7500);
  row = find_row (t, "date", "2026-11-20");
  g_assert_cmpint (cell_value (t, row, "total"), ==, 400);
  g_assert_cmpint (cell_value (t, row, "last_year"), ==, 500);
  g_assert_cmpint (cell_value (t, row, "change"), ==, -2000);
  g_assert_true (vp_chart_get_kind (t->chart) == VP_CHART_LINE);
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "consumption-monthly", &params);
  g_assert_cmpuint (t->rows->len, ==, 1);
  row = find_row (t, "month", "2026-11");
  g_assert_cmpint (cell_value (t, row, "total"), ==, 1250);
  g_assert_cmpint (cell_value (t, row, "last_year"), ==, 1500);
  g_assert_cmpint (cell_value (t, row, "change"), ==, -1667);
  g_assert_cmpint (vp_chart_get_value (t->chart, 0, 0), ==, 1250);
  g_assert_cmpint (vp_chart_get_value (t->chart, 1, 0), ==, 1500);
  g_clear_pointer (&t, vp_report_table_free);

  g_free (params.from);
  params.from = g_strdup ("2026-11-06");
  t = run_report (f, "consumption-yearly", &params);
  g_assert_cmpint (total_of (t, "total"), ==, 650);
  g_assert_cmpint (total_of (t, "last_year"), ==, 1500);
  vp_report_params_clear (&params);
}

/* Logs and account lists after engine activity and manual control. */
static void
test_logs_and_lists (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) t = NULL;
  g_autofree char *account = NULL;
  VpReportParams params;
  guint queued = 0;

  fill_readings (f);
  account = g_strdup ("10000016");
  g_assert_true (vp_engine_control (f->c.db, f->c.technician, account, "keep-power",
                                    "医院 hospital", &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, 1);

  vp_report_params_init (&params);
  params.from = g_strdup ("2000-01-01");
  params.to = g_strdup ("2099-12-31");

  t = run_report (f, "command-log", &params);
  g_assert_cmpint (t->rows->len, ==, vp_test_counter_query (&f->c, "SELECT COUNT (*) FROM commands"));
  g_assert_cmpuint (t->rows->len, >=, 1);
  g_clear_pointer (&t, vp_report_table_free);
  params.operator_login = g_strdup ("cashier");
  t = run_report (f, "command-log", &params);
  g_assert_cmpuint (t->rows->len, ==, 0);
  g_clear_pointer (&t, vp_report_table_free);

  /* The cashier's own audit rows only. */
  t = run_report (f, "audit-log", &params);
  g_assert_cmpint (t->rows->len, ==,
                   vp_test_counter_query (&f->c, "SELECT COUNT (*) FROM audit WHERE operator_id = (SELECT id FROM operators WHERE login = 'cashier')"));
  for (guint r = 0; r < t->rows->len; r++)
    g_assert_cmpstr (vp_report_table_get_row (t, r)[1].text, ==, "cashier");
  g_clear_pointer (&t, vp_report_table_free);
  g_clear_pointer (&params.operator_login, g_free);
  params.account = g_strdup (account);
  t = run_report (f, "audit-log", &params);
  g_assert_cmpuint (t->rows->len, >=, 1);
  for (guint r = 0; r < t->rows->len; r++)
    g_assert_cmpstr (vp_report_table_get_row (t, r)[3].text, ==, "account:10000016");
  g_clear_pointer (&t, vp_report_table_free);
  g_clear_pointer (&params.account, g_free);

  t = run_report (f, "alarm-log", &params);
  g_assert_cmpint (t->rows->len, ==,
                   vp_test_counter_query (&f->c, "SELECT (SELECT COUNT (*) FROM alarms) + (SELECT COUNT (*) FROM anomalies)"));
  find_row (t, "event", "读数倒走 Reading went backwards");
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "keep-power", &params);
  g_assert_cmpuint (t->rows->len, ==, 1);
  g_assert_cmpstr (find_row (t, "account", account)[4].text, ==, "医院 hospital");
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "tripped", &params);
  g_assert_cmpint (t->rows->len, ==,
                   vp_test_counter_query (&f->c, "SELECT COUNT (*) FROM account_control WHERE tripped = 1"));
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "offline", &params);
  g_assert_cmpint (t->rows->len, ==,
                   vp_test_counter_query (&f->c, "SELECT COUNT (*) FROM meters m LEFT JOIN meter_state s ON s.meter_id = m.id WHERE s.meter_id IS NULL OR s.last_contact = 0 OR s.failures > 0"));
  g_assert_cmpuint (t->notes->len, ==, 4);
  g_assert_cmpstr (((VpReportNote *) t->notes->pdata[0])->value, ==, "2");
  g_clear_pointer (&t, vp_report_table_free);

  t = run_report (f, "reconcile", &params);
  g_assert_cmpuint (t->rows->len, ==, 0);
  vp_report_params_clear (&params);
}

static void
on_report_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VpReportTable **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = vp_report_run_finish (result, &error);
  g_assert_no_error (error);
}

/* What the Reports page does: run off the main thread, get the table back on the
 * main context, the same table vp_report_run() gives. */
static void
test_run_async (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(VpReportTable) async = NULL;
  g_autoptr(VpReportTable) sync = NULL;
  g_autofree char *a = vp_test_counter_open (&f->c, "异步", "1-101");
  VpReportParams params;

  open_shift (f, f->c.cashier, 0);
  g_free (topup (f, f->c.cashier, a, 4200, VP_PAYMENT_WECHAT));

  vp_report_params_init (&params);
  params.from = g_strdup (f->today);
  params.to = g_strdup (f->today);
  vp_report_run_async (f->c.db, f->c.supervisor, "revenue-method", &params, NULL,
                       on_report_ready, &async);
  /* The task copied the parameters: clearing them now must not matter. */
  vp_report_params_clear (&params);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);

  params.from = g_strdup (f->today);
  params.to = g_strdup (f->today);
  sync = run_report (f, "revenue-method", &params);
  vp_report_params_clear (&params);
  g_assert_cmpuint (async->rows->len, ==, 1);
  g_assert_cmpstr (vp_report_table_get_row (async, 0)[0].text, ==, "微信 WeChat Pay");
  g_assert_cmpint (total_of (async, "net"), ==, 4200);
  g_assert_cmpint (total_of (async, "net"), ==, total_of (sync, "net"));
}

/* ------------------------------------------------------------------------------ */
/* Outputs                                                                         */

static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) t = NULL;
  g_autoptr(VpCsvWriter) plain = NULL;
  g_autoptr(VpCsvWriter) bom = NULL;
  g_autofree char *a = vp_test_counter_open (&f->c, "Smith, \"Jr\"", "1-101");
  g_autofree char *b = vp_test_counter_open (&f->c, "=HYPERLINK(\"x\")", "1-102");
  g_autofree char *expected = NULL;
  VpReportParams params;
  const char *text;
  gsize length;

  g_assert_true (vp_ledger_charge (f->c.db, NULL, a, 1234, 0, -1, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_ledger_charge (f->c.db, NULL, b, 10, 0, -1, NULL, NULL, &error));
  g_assert_no_error (error);

  vp_report_params_init (&params);
  t = run_report (f, "arrears", &params);
  plain = vp_report_to_csv (t, VP_CSV_NONE);
  bom = vp_report_to_csv (t, VP_CSV_BOM);

  text = vp_csv_writer_get_data (plain, &length);
  g_assert_false (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  expected = g_strdup_printf ("账号 Account,客户 Customer,房间 Room,状态 Status,余额 Balance\r\n"
                              "%s,\"Smith, \"\"Jr\"\"\",1-101,正常 Open,-12.34\r\n"
                              "%s,\"'=HYPERLINK(\"\"x\"\")\",1-102,正常 Open,-0.10\r\n"
                              "合计 Total,,,,-12.44\r\n"
                              "\r\n"
                              "行数 Rows,2\r\n", a, b);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (length, ==, strlen (expected));

  text = vp_csv_writer_get_data (bom, &length);
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF"));
  g_assert_cmpstr (text + 3, ==, expected);
}

static void
assert_contains (const char *text,
                 const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” is missing from the PDF text:\n%s", needle, text);
}

static void
test_pdf (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) t = NULL;
  g_autoptr(VpDocument) doc = NULL;
  g_autofree char *path = g_build_filename (f->c.dir, "report.pdf", NULL);
  g_autofree char *png = g_build_filename (f->c.dir, "chart.png", NULL);
  g_autofree char *text = NULL;
  cairo_surface_t *image;
  VpReportParams params;
  double w, h;
  guint n_rects = 0, n_items;
  const VpDocumentItem *items;

  fill_readings (f);
  set_november (&params);
  t = run_report (f, "consumption-daily", &params);
  vp_report_params_clear (&params);
  doc = vp_report_build (t, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vp_document_get_n_pages (doc), ==, 1);
  vp_document_get_page_size (doc, 0, &w, &h);
  g_assert_cmpfloat (fabs (w - VP_MM_TO_PT (210)), <, 0.01);
  g_assert_cmpfloat (fabs (h - VP_MM_TO_PT (297)), <, 0.01);
  doc_check_inside (doc, 0, VP_MM_TO_PT (14) - 0.01, VP_MM_TO_PT (196) + 0.01);

  /* The chart: a polyline per series and the legend's swatches. */
  items = vp_document_get_items (doc, 0, &n_items);
  for (guint i = 0; i < n_items; i++)
    n_rects += items[i].kind == VP_DOCUMENT_ITEM_RECT;
  g_assert_cmpuint (n_rects, >=, 5);
  g_assert_nonnull (doc_check_find_text (doc, 0, "本期与去年同期"));

  g_assert_true (vp_document_save_pdf (doc, "report", path, &error));
  g_assert_no_error (error);
  text = doc_check_pdftotext (path);
  if (text != NULL)
    {
      assert_contains (text, "用量日报");
      assert_contains (text, "Daily consumption");
      assert_contains (text, "2026-11-01 至 to 2026-11-30");
      assert_contains (text, "2026-11-20");
      assert_contains (text, "尖 Sharp");
      assert_contains (text, "去年同期");
      assert_contains (text, "合计 Total");
      assert_contains (text, "12.50");
      assert_contains (text, "-20.00%");
      assert_contains (text, "第 1/1 页");
      assert_contains (text, "Page 1 of 1");
    }

  /* The chart band is not blank in the Cairo rendering, nor in poppler's. */
  g_assert_true (vp_document_save_png (doc, 0, DPI, png, &error));
  g_assert_no_error (error);
  image = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpuint (doc_check_dark_pixels (image, DPI, 60, 120, 480, 150), >, 300);
  cairo_surface_destroy (image);
  image = doc_check_pdftoppm (path, 0, DPI);
  if (image != NULL)
    {
      g_assert_cmpuint (doc_check_dark_pixels (image, DPI, 60, 120, 480, 150), >, 300);
      cairo_surface_destroy (image);
    }
}

/* Many rows: pages break, each repeats the title and the column headers, and the
 * footer counts the pages. */
static void
test_pdf_pages (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) t = NULL;
  g_autoptr(VpDocument) doc = NULL;
  g_autofree char *a = vp_test_counter_open (&f->c, "多页", "1-101");
  VpReportParams params;
  guint n;

  open_shift (f, f->c.cashier, 0);
  for (guint i = 0; i < 90; i++)
    g_free (topup (f, f->c.cashier, a, 100 + i, VP_PAYMENT_CASH));

  vp_report_params_init (&params);
  params.from = g_strdup (f->today);
  params.to = g_strdup (f->today);
  t = run_report (f, "journal", &params);
  vp_report_params_clear (&params);
  g_assert_cmpuint (t->rows->len, ==, 90);
  g_assert_cmpint (total_of (t, "amount"), ==, 90 * 100 + 89 * 90 / 2);

  doc = vp_report_build (t, &error);
  g_assert_no_error (error);
  n = vp_document_get_n_pages (doc);
  g_assert_cmpuint (n, >=, 2);
  for (guint p = 0; p < n; p++)
    {
      g_autofree char *footer = g_strdup_printf ("第 %u/%u 页", p + 1, n);

      g_assert_nonnull (doc_check_find_text (doc, p, "流水明细"));
      g_assert_nonnull (doc_check_find_text (doc, p, "收据 Receipt"));
      g_assert_nonnull (doc_check_find_text (doc, p, footer));
      doc_check_inside (doc, p, VP_MM_TO_PT (14) - 0.01, VP_MM_TO_PT (196) + 0.01);
    }
  g_assert_nonnull (doc_check_find_text (doc, n - 1, "合计 Total"));
}

/* ------------------------------------------------------------------------------ */
/* Charts                                                                          */

static void
test_chart_axis (void)
{
  static const struct
  {
    gint64 min, max;
    guint  ticks;
    gint64 low, high, step;
  } cases[] = {
    { 0, 0, 6, 0, 1, 1 },
    { 0, 97, 6, 0, 100, 20 },
    { 0, 100, 5, 0, 100, 20 },
    { 0, 1234, 6, 0, 1500, 500 },
    { 0, 125000, 6, 0, 150000, 50000 },
    { -30, 70, 5, -50, 100, 50 },   /* step 20 would need -40..80, six steps */
    { -500, -20, 5, -500, 0, 100 },
    { 3, 7, 10, 0, 7, 1 },
  };
  static const struct
  {
    gint64 value, scale, step;
    const char *text;
  } ticks[] = {
    { 0, 100, 100, "0" },
    { 200, 100, 100, "2" },
    { 50, 100, 50, "0.5" },
    { 150, 100, 50, "1.5" },
    { -250, 100, 50, "-2.5" },
    { 12345, 100, 5, "123.45" },
    { 20000, 100, 20000, "200" },
    { -5, 100, 5, "-0.05" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 low, high, step;

      vp_chart_nice_axis (cases[i].min, cases[i].max, cases[i].ticks, &low, &high, &step);
      g_assert_cmpint (low, ==, cases[i].low);
      g_assert_cmpint (high, ==, cases[i].high);
      g_assert_cmpint (step, ==, cases[i].step);
      g_assert_cmpint ((high - low) / step, <=, cases[i].ticks);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    {
      g_autofree char *text = vp_chart_format_tick (ticks[i].value, ticks[i].scale,
                                                    ticks[i].step);

      g_assert_cmpstr (text, ==, ticks[i].text);
    }
}

/* Year-on-year bars: both series drawn side by side, every label inside the box,
 * thinned labels never overlap. */
static void
test_chart_bars (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDocument) doc = vp_document_new (&error);
  g_autoptr(VpChart) chart = vp_chart_new (VP_CHART_BAR, "同比 Year on year", "kWh", 100);
  const VpDocumentItem *items;
  guint n_items, n_bars[2] = { 0, 0 };
  guint page;
  double prev_right = -1;

  g_assert_no_error (error);
  vp_chart_add_series (chart, "本期 This year");
  vp_chart_add_series (chart, "去年 Last year");
  for (guint m = 1; m <= 31; m++)
    {
      g_autofree char *label = g_strdup_printf ("2026-11-%02u", m);
      guint c = vp_chart_add_category (chart, label);

      vp_chart_set_value (chart, 0, c, m * 1000);
      vp_chart_set_value (chart, 1, c, (32 - m) * 900);
    }
  page = vp_document_add_page (doc, 500, 300);
  vp_chart_draw (chart, doc, page, 20, 20, 460, 260);

  items = vp_document_get_items (doc, page, &n_items);
  for (guint i = 0; i < n_items; i++)
    {
      const VpDocumentItem *item = &items[i];
      double x1, y1, x2, y2;

      vp_document_item_get_ink_box (item, &x1, &y1, &x2, &y2);
      g_assert_cmpfloat (x1, >=, 20 - 0.5);
      g_assert_cmpfloat (x2, <=, 480 + 0.5);
      g_assert_cmpfloat (y1, >=, 20 - 0.5);
      g_assert_cmpfloat (y2, <=, 280 + 0.5);
      if (item->kind == VP_DOCUMENT_ITEM_RECT && item->height > 0 && item->width < 7)
        n_bars[item->fill == 0x2B6CB0 ? 0 : 1]++;
      /* x-axis labels: dates, left to right, never touching */
      if (item->kind == VP_DOCUMENT_ITEM_TEXT && g_str_has_prefix (item->text, "2026-"))
        {
          g_assert_cmpfloat (item->x, >, prev_right);
          prev_right = item->x + item->width;
        }
    }
  g_assert_cmpuint (n_bars[0], ==, 31);
  g_assert_cmpuint (n_bars[1], ==, 31);
}

int
main (int    argc,
      char **argv)
{
  /* Reports count local days: run them in the counter's zone, not UTC. */
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  tzset ();
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/vp/report/registry", test_registry);
  ADD ("/vp/report/shift-z", test_shift_z);
  ADD ("/vp/report/reconcile-with-ledger", test_reconcile_with_ledger);
  ADD ("/vp/report/revenue-period", test_revenue_period);
  ADD ("/vp/report/consumption", test_consumption);
  ADD ("/vp/report/logs-and-lists", test_logs_and_lists);
  ADD ("/vp/report/run-async", test_run_async);
  ADD ("/vp/report/csv", test_csv);
  ADD ("/vp/report/pdf", test_pdf);
  ADD ("/vp/report/pdf-pages", test_pdf_pages);
#undef ADD
  g_test_add_func ("/vp/report/chart-axis", test_chart_axis);
  g_test_add_func ("/vp/report/chart-bars", test_chart_bars);
  return g_test_run ();
}
