/* test-apportion.c: 公摊 — exact splits, and runs over readings the engine stored */
#include "config.h"

#include "vp-apportion.h"
#include "vp-engine.h"
#include "vp-report.h"
#include "vp-tariff-store.h"
#include "vp-test-counter.h"

#define N_RANDOM 5000

/* 2026-11-01 00:00 local + 1 h, and the end of November (the test env runs in UTC
 * or any zone: times are built the same way as the model builds the period). */
static gint64
in_november (int day,
             int hour)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (2026, 11, day, hour, 0, 0);

  return g_date_time_to_unix (dt);
}

typedef struct
{
  VpTestCounter  c;
  VpEngine      *engine;
  char          *landlord;
  char          *members[3];
  gint64         meters[4];     /* master, then the members' */
} Fixture;

static void
assert_split (gint64        total,
              const gint64 *weights,
              gsize         n)
{
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *shares = g_new0 (gint64, n);
  gint64 sum = 0;
  gint64 weight_sum = 0;

  for (gsize i = 0; i < n; i++)
    weight_sum += weights[i];
  g_assert_true (vp_apportion_split (total, weights, n, shares, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    {
      /* within one fen of the exact share, never below its floor */
      double exact = (double) total * (double) weights[i] / (double) weight_sum;

      g_assert_cmpint (shares[i], >=, 0);
      g_assert_cmpfloat (shares[i], >=, exact - 1.0);
      g_assert_cmpfloat (shares[i], <=, exact + 1.0);
      if (weights[i] == 0)
        g_assert_cmpint (shares[i], ==, 0);
      sum += shares[i];
    }
  g_assert_cmpint (sum, ==, total);
  /* a larger weight never gets less */
  for (gsize i = 0; i + 1 < n; i++)
    if (weights[i] > weights[i + 1])
      g_assert_cmpint (shares[i], >=, shares[i + 1]);
}

static void
test_split_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);

  for (int k = 0; k < N_RANDOM; k++)
    {
      gsize n = g_rand_int_range (rand, 1, 60);
      g_autofree gint64 *weights = g_new0 (gint64, n);
      gint64 total = g_rand_int_range (rand, 0, 2) == 0 ? g_rand_int_range (rand, 0, 1000)
                     : (gint64) g_rand_int (rand) * 1000;
      gboolean any = FALSE;

      for (gsize i = 0; i < n; i++)
        {
          /* a third are zero; the rest small (many ties) or large */
          switch (g_rand_int_range (rand, 0, 3))
            {
            case 0:
              weights[i] = 0;
              break;
            case 1:
              weights[i] = g_rand_int_range (rand, 1, 4);
              break;
            default:
              weights[i] = g_rand_int_range (rand, 1, G_MAXINT32);
              break;
            }
          any |= weights[i] > 0;
        }
      if (!any)
        weights[0] = 1;
      assert_split (total, weights, n);
    }
}

static void
test_split_edges (void)
{
  g_autoptr(GError) error = NULL;
  gint64 shares[4] = { -1, -1, -1, -1 };
  const gint64 equal[3] = { 1, 1, 1 };
  const gint64 zeros[3] = { 0, 0, 0 };
  const gint64 negative[2] = { 5, -1 };
  const gint64 huge[2] = { G_MAXINT64 / 2, G_MAXINT64 / 2 };
  const gint64 ties[4] = { 2, 1, 1, 1 };

  /* ties go to the earlier member, every time */
  g_assert_true (vp_apportion_split (100, equal, 3, shares, &error));
  g_assert_cmpint (shares[0], ==, 34);
  g_assert_cmpint (shares[1], ==, 33);
  g_assert_cmpint (shares[2], ==, 33);
  g_assert_true (vp_apportion_split (3, ties, 4, shares, &error));
  g_assert_cmpint (shares[0], ==, 1);   /* 1.2: remainder .2 loses to the .6s */
  g_assert_cmpint (shares[1], ==, 1);   /* 0.6 each: two fen left, the earlier two win */
  g_assert_cmpint (shares[2], ==, 1);
  g_assert_cmpint (shares[3], ==, 0);

  /* nothing to share: zero shares, whatever the weights */
  g_assert_true (vp_apportion_split (0, zeros, 3, shares, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shares[0] + shares[1] + shares[2], ==, 0);

  g_assert_false (vp_apportion_split (1, zeros, 3, shares, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_apportion_split (10, negative, 2, shares, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_apportion_split (-1, equal, 3, shares, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  g_assert_false (vp_apportion_split (10, equal, 0, shares, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* total × weight beyond 64 bits is still exact */
  g_assert_true (vp_apportion_split (G_MAXINT64 - 1, huge, 2, shares, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shares[0], ==, G_MAXINT64 / 2);
  g_assert_cmpint (shares[1], ==, G_MAXINT64 / 2);
}

static void
test_price (void)
{
  g_autoptr(GError) error = NULL;
  gint64 fen = -1;

  /* 0.01 kWh × 0.5000 yuan = 0.5 fen → 1 (half up); 0.4999 → 0 */
  g_assert_true (vp_price_times_quantity (1, 5000, &fen, &error));
  g_assert_cmpint (fen, ==, 1);
  g_assert_true (vp_price_times_quantity (1, 4999, &fen, &error));
  g_assert_cmpint (fen, ==, 0);
  /* 123.45 kWh × 0.5283 yuan = 65.218635 yuan */
  g_assert_true (vp_price_times_quantity (12345, 5283, &fen, &error));
  g_assert_cmpint (fen, ==, 6522);
  g_assert_false (vp_price_times_quantity (G_MAXINT64 / 2, 3, &fen, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  g_assert_false (vp_price_times_quantity (-1, 3, &fen, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
}

static char *
open_with_meter (Fixture    *f,
                 const char *name,
                 const char *room,
                 const char *address,
                 gint64     *out_meter_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpAccountSpec spec;
  VpMeterSpec meter;

  vp_account_spec_init (&spec);
  spec.name = name;
  spec.room = room;
  spec.tariff = "flat";
  spec.opening_topup = 100000;
  spec.method = VP_PAYMENT_CASH;
  g_assert_true (vp_account_open (f->c.db, f->c.cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  vp_meter_spec_init (&meter);
  meter.kind = VP_METER_KIND_ELECTRICITY;
  meter.protocol = VP_METER_PROTOCOL_DLT645;
  meter.address = address;
  meter.link = "tcp://127.0.0.1:1";
  g_assert_true (vp_account_add_meter (f->c.db, f->c.admin, account->number, &meter,
                                       out_meter_id, &error));
  g_assert_no_error (error);
  return g_strdup (account->number);
}

/* Stores a baseline on 1 November and a charged reading @use later that month. */
static void
consume (Fixture *f,
         gint64   meter_id,
         gint64   use)
{
  g_autoptr(GError) error = NULL;
  VpMeterSample sample = { .total = 0 };
  VpReadingOutcome outcome;

  sample.meter_time = in_november (1, 1);
  vp_engine_store_reading (f->engine, meter_id, &sample, sample.meter_time, &outcome, NULL,
                           &error);
  g_assert_no_error (error);
  sample.total = use;
  sample.meter_time = in_november (20, 1);
  vp_engine_store_reading (f->engine, meter_id, &sample, sample.meter_time, &outcome, NULL,
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, VP_READING_CHARGED);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *rooms[3] = { "401", "402", "403" };
  const gint64 areas[3] = { 5000, 7550, 12345 };   /* 50.00, 75.50, 123.45 m² */
  const char *addresses[4] = { "000000009000", "000000009001", "000000009002", "000000009003" };

  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };  /* 1 yuan/kWh */

  vp_test_counter_setup (&f->c, data);
  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "flat", VP_UTILITY_ELECTRICITY,
                                      &flat, NULL, &error));
  g_assert_no_error (error);
  f->engine = vp_engine_new (f->c.db, NULL);
  g_assert_true (vp_shift_open (f->c.db, f->c.cashier, 0, NULL, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *label = g_strdup_printf ("7-%s", rooms[i]);

      g_assert_true (vp_room_add (f->c.db, f->c.admin, "Main", "7", 4, rooms[i], areas[i],
                                  NULL, &error));
      g_assert_no_error (error);
      f->members[i] = open_with_meter (f, "租户", label, addresses[i + 1], &f->meters[i + 1]);
    }
  f->landlord = open_with_meter (f, "物业公司", NULL, addresses[0], &f->meters[0]);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->engine, vp_engine_free);
  g_free (f->landlord);
  for (int i = 0; i < 3; i++)
    g_free (f->members[i]);
  vp_test_counter_teardown (&f->c, data);
}

static gint64
balance_of (Fixture    *f,
            const char *number)
{
  g_autoptr(VpAccount) account = vp_account_get (f->c.db, f->c.admin, number, NULL);

  return account->balance;
}

static void
add_group (Fixture           *f,
           VpApportionBasis   basis,
           VpApportionMethod  method,
           VpChargeMode       charge)
{
  g_autoptr(GError) error = NULL;

  /* 0.8000 yuan per kWh */
  g_assert_true (vp_apportion_add (f->c.db, f->c.admin, "7号楼公摊", "000000009000", basis,
                                   method, charge, 8000, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (vp_apportion_add_member (f->c.db, f->c.admin, "7号楼公摊", f->members[i],
                                              i + 1, &error));
      g_assert_no_error (error);
    }
}

/* Master 1000.00 kWh minus the members' 100 + 200 + 300 = 400.00 kWh × 0.80 = 320.00
 * yuan, by area 50.00 : 75.50 : 123.45 → deducted as fees with receipts. */
static void
test_run_area_deduct (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpApportionRun) run = NULL;
  g_autoptr(VpApportionRun) shown = NULL;
  gint64 before[3];
  gint64 sum = 0;

  consume (f, f->meters[0], 100000);
  for (int i = 0; i < 3; i++)
    consume (f, f->meters[i + 1], 10000 * (i + 1));
  for (int i = 0; i < 3; i++)
    before[i] = balance_of (f, f->members[i]);
  add_group (f, VP_APPORTION_BASIS_MASTER_MINUS_SUBS, VP_APPORTION_BY_AREA, VP_CHARGE_DEDUCT);

  g_assert_true (vp_apportion_run (f->c.db, f->c.admin, "7号楼公摊", "2026-11", &run, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run->master_use, ==, 100000);
  g_assert_cmpint (run->subs_use, ==, 60000);
  g_assert_cmpint (run->shared_use, ==, 40000);
  g_assert_cmpint (run->total, ==, 32000);
  g_assert_cmpint (run->shares->len, ==, 3);
  /* 32000 × 5000/24895 = 6426.99, × 7550/24895 = 9704.76, × 12345/24895 = 15868.25:
   * floors 6426 + 9704 + 15868 = 31998; the two fen go to .99 and .76 */
  {
    const gint64 want[3] = { 6427, 9705, 15868 };

    for (int i = 0; i < 3; i++)
      {
        VpApportionShare *share = g_ptr_array_index (run->shares, i);

        g_assert_cmpstr (share->account, ==, f->members[i]);
        g_assert_cmpint (share->share, ==, want[i]);
        g_assert_nonnull (share->reference);
        g_assert_cmpint (balance_of (f, f->members[i]), ==, before[i] - want[i]);
        sum += share->share;
      }
  }
  g_assert_cmpint (sum, ==, run->total);

  /* the same period twice is refused and books nothing */
  g_assert_false (vp_apportion_run (f->c.db, f->c.admin, "7号楼公摊", "2026-11", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"),
                   ==, 3);

  shown = vp_apportion_show (f->c.db, f->c.cashier, "7号楼公摊", "2026-11", &error);
  g_assert_no_error (error);
  g_assert_cmpint (shown->total, ==, 32000);
  for (int i = 0; i < 3; i++)
    {
      VpApportionShare *a = g_ptr_array_index (run->shares, i);
      VpApportionShare *b = g_ptr_array_index (shown->shares, i);

      g_assert_cmpint (a->share, ==, b->share);
      g_assert_cmpstr (a->reference, ==, b->reference);
    }
  /* the report of the split: the same shares, the same total */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(VpReportTable) table = NULL;
    VpReportParams params;
    int column;

    vp_report_params_init (&params);
    params.from = g_date_time_format (now, "%Y-%m-%d");
    params.to = g_date_time_format (now, "%Y-%m-%d");
    table = vp_report_run (f->c.db, f->c.admin, "apportion", &params, &error);
    g_assert_no_error (error);
    vp_report_params_clear (&params);
    column = vp_report_table_column (table, "share");
    g_assert_cmpuint (table->rows->len, ==, 3);
    g_assert_cmpint (table->totals[column], ==, 32000);
    g_assert_cmpint (vp_report_table_get_row (table, 1)[column].value, ==, 9705);
  }

  /* another month has no readings: a zero total shares zero */
  g_clear_pointer (&run, vp_apportion_run_free);
  g_assert_true (vp_apportion_run (f->c.db, f->c.admin, "7号楼公摊", "2026-12", &run, &error));
  g_assert_no_error (error);
  g_assert_cmpint (run->total, ==, 0);
}

/* By each member's consumption, charged by bill: the bills are paid at the counter,
 * partially too, and the prepaid balance does not move. */
static void
test_run_consumption_bill (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpApportionRun) run = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autoptr(VpBill) bill = NULL;
  g_autoptr(GPtrArray) open = NULL;
  VpApportionShare *first;
  gint64 before;

  consume (f, f->meters[0], 33333);
  for (int i = 0; i < 3; i++)
    consume (f, f->meters[i + 1], 1000 * (i + 1));
  add_group (f, VP_APPORTION_BASIS_MASTER, VP_APPORTION_BY_CONSUMPTION, VP_CHARGE_BILL);
  g_assert_true (vp_apportion_run (f->c.db, f->c.admin, "7号楼公摊", "2026-11", &run, &error));
  g_assert_no_error (error);
  /* 333.33 kWh × 0.80 = 266.664 → 266.66 yuan, 1:2:3 → 4444.33, 8888.67, 13333 */
  g_assert_cmpint (run->total, ==, 26666);
  first = g_ptr_array_index (run->shares, 0);
  g_assert_cmpint (first->share, ==, 4444);
  g_assert_cmpint (((VpApportionShare *) g_ptr_array_index (run->shares, 1))->share, ==, 8889);
  g_assert_cmpint (((VpApportionShare *) g_ptr_array_index (run->shares, 2))->share, ==, 13333);
  open = vp_bill_list (f->c.db, f->c.cashier, NULL, "open", &error);
  g_assert_cmpint (open->len, ==, 3);

  before = balance_of (f, f->members[0]);
  g_assert_true (vp_bill_pay (f->c.db, f->c.cashier, first->reference, 4000, VP_PAYMENT_CASH,
                              0, &entry, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (entry->reference, ==, first->reference);
  g_assert_cmpint (balance_of (f, f->members[0]), ==, before);
  bill = vp_bill_get (f->c.db, f->c.cashier, first->reference, &error);
  g_assert_cmpint (bill->paid, ==, 4000);
  g_assert_cmpstr (bill->state, ==, "open");
  g_clear_pointer (&bill, vp_bill_free);

  /* more than is left is refused; the rest closes the bill */
  g_assert_false (vp_bill_pay (f->c.db, f->c.cashier, first->reference, 445, VP_PAYMENT_CASH,
                               0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  g_assert_true (vp_bill_pay (f->c.db, f->c.cashier, first->reference, 444, VP_PAYMENT_WECHAT,
                              0, NULL, &error));
  g_assert_no_error (error);
  bill = vp_bill_get (f->c.db, f->c.cashier, first->reference, &error);
  g_assert_cmpstr (bill->state, ==, "paid");
  g_assert_false (vp_bill_pay (f->c.db, f->c.cashier, first->reference, 1, VP_PAYMENT_CASH,
                               0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (balance_of (f, f->members[0]), ==, before);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 audit_rows = vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM audit");

  /* members used more than the master: refused, nothing stored */
  consume (f, f->meters[0], 1000);
  consume (f, f->meters[1], 2000);
  add_group (f, VP_APPORTION_BASIS_MASTER_MINUS_SUBS, VP_APPORTION_BY_RATIO, VP_CHARGE_DEDUCT);
  audit_rows = vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM audit");
  g_assert_false (vp_apportion_run (f->c.db, f->c.admin, "7号楼公摊", "2026-11", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM apportion_runs"), ==, 0);
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM audit"), ==, audit_rows);

  g_assert_false (vp_apportion_run (f->c.db, f->c.admin, "7号楼公摊", "2026-13", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_apportion_run (f->c.db, f->c.admin, "nope", "2026-11", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vp_apportion_add (f->c.db, f->c.admin, "7号楼公摊", "000000009000",
                                    VP_APPORTION_BASIS_MASTER, VP_APPORTION_BY_RATIO,
                                    VP_CHARGE_DEDUCT, 1, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (vp_apportion_add (f->c.db, f->c.admin, "x", "999999999999",
                                    VP_APPORTION_BASIS_MASTER, VP_APPORTION_BY_RATIO,
                                    VP_CHARGE_DEDUCT, 1, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vp_apportion_add_member (f->c.db, f->c.admin, "7号楼公摊", f->landlord, 1,
                                           &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_apportion_run (f->c.db, f->c.technician, "7号楼公摊", "2026-11", NULL,
                                    &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_null (vp_apportion_show (f->c.db, f->c.admin, "7号楼公摊", "2026-11", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/apportion/split-random", test_split_random);
  g_test_add_func ("/vp/apportion/split-edges", test_split_edges);
  g_test_add_func ("/vp/apportion/price", test_price);
  g_test_add ("/vp/apportion/run-area-deduct", Fixture, NULL, fixture_setup,
              test_run_area_deduct, fixture_teardown);
  g_test_add ("/vp/apportion/run-consumption-bill", Fixture, NULL, fixture_setup,
              test_run_consumption_bill, fixture_teardown);
  g_test_add ("/vp/apportion/errors", Fixture, NULL, fixture_setup, test_errors,
              fixture_teardown);
  return g_test_run ();
}
