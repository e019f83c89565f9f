/* test-fee.c: fee items — due dates across month ends and leap years, idempotent runs */
#include "config.h"

#include "vp-engine.h"
#include "vp-fee.h"
#include "vp-receipt.h"
#include "vp-report.h"
#include "vp-tariff-store.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

typedef struct
{
  VpFeeSchedule  schedule;
  const char    *start;
  int            day;
  int            k;
  const char    *want;   /* NULL: no such date */
} DueCase;

static const DueCase due_cases[] = {
  { VP_FEE_MONTHLY, "2026-01-31", 31, 0, "2026-01-31" },
  { VP_FEE_MONTHLY, "2026-01-31", 31, 1, "2026-02-28" },
  { VP_FEE_MONTHLY, "2026-01-31", 31, 2, "2026-03-31" },
  { VP_FEE_MONTHLY, "2026-01-31", 31, 3, "2026-04-30" },
  { VP_FEE_MONTHLY, "2028-01-31", 31, 1, "2028-02-29" },   /* leap year */
  { VP_FEE_MONTHLY, "2026-01-31", 30, 1, "2026-02-28" },
  { VP_FEE_MONTHLY, "2026-01-15", 29, 1, "2026-02-28" },
  { VP_FEE_MONTHLY, "2028-01-15", 29, 1, "2028-02-29" },
  { VP_FEE_MONTHLY, "2026-12-15", 15, 1, "2027-01-15" },   /* across the year end */
  { VP_FEE_MONTHLY, "2026-03-31", 31, -1, "2026-02-28" },  /* the period before */
  { VP_FEE_MONTHLY, "2026-11-10", 25, 0, "2026-11-25" },
  { VP_FEE_QUARTERLY, "2026-11-30", 31, 0, "2026-11-30" },
  { VP_FEE_QUARTERLY, "2026-11-30", 31, 1, "2027-02-28" },
  { VP_FEE_QUARTERLY, "2026-11-30", 31, 2, "2027-05-31" },
  { VP_FEE_QUARTERLY, "2027-11-30", 31, 1, "2028-02-29" },
  { VP_FEE_YEARLY, "2024-02-29", 29, 1, "2025-02-28" },
  { VP_FEE_YEARLY, "2024-02-29", 29, 3, "2027-02-28" },
  { VP_FEE_YEARLY, "2024-02-29", 29, 4, "2028-02-29" },
  { VP_FEE_YEARLY, "2100-02-28", 28, 0, "2100-02-28" },
  { VP_FEE_YEARLY, "2096-02-29", 29, 4, "2100-02-28" },    /* 2100 is not a leap year */
  { VP_FEE_ONCE, "2026-07-01", 1, 0, "2026-07-01" },
  { VP_FEE_YEARLY, "9999-06-01", 1, 1, NULL },
};

static void
test_due_dates (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (due_cases); i++)
    {
      const DueCase *c = &due_cases[i];
      GDate start, due;
      int y, m, d;

      g_assert_cmpint (sscanf (c->start, "%d-%d-%d", &y, &m, &d), ==, 3);
      g_date_clear (&start, 1);
      g_date_set_dmy (&start, d, m, y);
      if (c->want == NULL)
        {
          g_assert_false (vp_fee_due_date (c->schedule, &start, c->day, c->k, &due));
          continue;
        }
      g_assert_true (vp_fee_due_date (c->schedule, &start, c->day, c->k, &due));
      {
        g_autofree char *got = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&due),
                                                g_date_get_month (&due), g_date_get_day (&due));

        g_test_message ("case %u: %s k=%d", i, c->start, c->k);
        g_assert_cmpstr (got, ==, c->want);
      }
    }
}

/* For random starts, days and steps: each due date is in the right month, on day N or
 * the month's last day when it is shorter, and the dates strictly increase. */
static void
test_due_dates_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (29);
  static const int step[] = { 0, 1, 3, 12 };

  for (int n = 0; n < 2000; n++)
    {
      VpFeeSchedule schedule = g_rand_int_range (rand, VP_FEE_MONTHLY, VP_FEE_YEARLY + 1);
      int year = g_rand_int_range (rand, 1900, 2400);
      int month = g_rand_int_range (rand, 1, 13);
      int day = g_rand_int_range (rand, 1, 32);
      int start_day = g_rand_int_range (rand, 1, 32);
      GDate start, previous;

      g_date_clear (&start, 1);
      g_date_set_dmy (&start, MIN (start_day, g_date_get_days_in_month (month, year)), month,
                      year);
      g_date_clear (&previous, 1);
      for (int k = -3; k < 40; k++)
        {
          GDate due;
          int months = (year * 12 + month - 1) + k * step[schedule];
          int want_year = months / 12, want_month = months % 12 + 1;
          int want_day = schedule == VP_FEE_YEARLY ? g_date_get_day (&start) : day;

          g_assert_true (vp_fee_due_date (schedule, &start, day, k, &due));
          g_assert_cmpint (g_date_get_year (&due), ==, want_year);
          g_assert_cmpint (g_date_get_month (&due), ==, want_month);
          g_assert_cmpint (g_date_get_day (&due), ==,
                           MIN (want_day, g_date_get_days_in_month (want_month, want_year)));
          if (g_date_valid (&previous))
            g_assert_cmpint (g_date_compare (&previous, &due), <, 0);
          previous = due;
        }
    }
}

static gint64
balance_of (Fixture    *f,
            const char *number)
{
  g_autoptr(VpAccount) account = vp_account_get (f->db, f->admin, number, NULL);

  return account->balance;
}

/* The scenarios below are set in 2026 and later: their accounts were opened before. */
static void
backdate_accounts (Fixture *f)
{
  g_assert_true (vp_database_exec (f->db, "UPDATE accounts SET opened_at = "
                                   "'2025-06-01T00:00:00.000000Z'", NULL));
}

static void
add_fee (Fixture       *f,
         const char    *name,
         VpFeeSchedule  schedule,
         const char    *start,
         int            day,
         VpFeeBasis     basis,
         gint64         amount,
         VpChargeMode   charge,
         const char    *member)
{
  g_autoptr(GError) error = NULL;
  VpFeeSpec spec = { .name = name, .schedule = schedule, .start = start, .day = day,
                     .basis = basis, .amount = amount, .charge = charge };

  backdate_accounts (f);
  g_assert_true (vp_fee_add (f->db, f->admin, &spec, &error));
  g_assert_no_error (error);
  g_assert_true (vp_fee_add_member (f->db, f->admin, name, member, &error));
  g_assert_no_error (error);
}

/* 100.00 yuan on day 31: January to April is four charges, on the last days of the
 * shorter months; a second run charges nothing. */
static void
test_run_idempotent (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "李娜", NULL);
  guint charged = 0;
  gint64 total = 0;

  add_fee (f, "物业费", VP_FEE_MONTHLY, "2026-01-31", 31, VP_FEE_FIXED, 10000,
           VP_CHARGE_DEDUCT, number);
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2026-04-29", &charged, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (charged, ==, 3);
  g_assert_cmpint (total, ==, 30000);
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2026-04-30", &charged, &total, &error));
  g_assert_cmpuint (charged, ==, 1);
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2026-04-30", &charged, &total, &error));
  g_assert_cmpuint (charged, ==, 0);
  g_assert_cmpint (balance_of (f, number), ==, -40000);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee' "
                                          "AND note = '物业费 2026-02-28'"), ==, 1);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee' "
                                          "AND note = '物业费 2026-04-30'"), ==, 1);

  /* a one-off item is charged once, however often the run comes */
  add_fee (f, "开户服务费", VP_FEE_ONCE, "2026-04-01", 0, VP_FEE_FIXED, 500,
           VP_CHARGE_DEDUCT, number);
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2027-01-01", &charged, &total, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (charged, ==, 1 + 8);   /* the one-off and May..December */
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2027-01-01", &charged, &total, &error));
  g_assert_cmpuint (charged, ==, 0);
}

/* An account opened on 15 March owes the 31 March and 30 April rent, not January's. */
static void
test_from_opening (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old = vp_test_counter_open (f, "老住户", NULL);
  g_autofree char *number = NULL;
  guint charged = 0;

  add_fee (f, "物业费", VP_FEE_MONTHLY, "2026-01-31", 31, VP_FEE_FIXED, 10000,
           VP_CHARGE_DEDUCT, old);
  number = vp_test_counter_open (f, "新住户", NULL);
  g_assert_true (vp_database_exec (f->db, "UPDATE accounts SET opened_at = "
                                   "'2026-03-15T02:00:00.000000Z' WHERE number = '10000024'",
                                   NULL));
  g_assert_cmpstr (number, ==, "10000024");
  g_assert_true (vp_fee_add_member (f->db, f->admin, "物业费", number, &error));
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2026-04-30", &charged, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (charged, ==, 4 + 2);
  g_assert_cmpint (balance_of (f, number), ==, -20000);
  g_assert_cmpint (balance_of (f, old), ==, -40000);
}

typedef struct
{
  char   *path;
  guint   charged;
  GError *error;
} Runner;

static gpointer
run_in_thread (gpointer data)
{
  Runner *r = data;
  g_autoptr(VpDatabase) db = vp_database_open (r->path, &r->error);
  g_autoptr(VpSession) session = NULL;

  if (db == NULL)
    return NULL;
  session = vp_session_login (db, "root", VP_TEST_PASSWORD, &r->error);
  if (session != NULL)
    vp_fee_run_due (db, session, "2026-12-31", &r->charged, NULL, &r->error);
  return NULL;
}

/* Two connections (as two processes would) run the same fees at once: every due date
 * is charged exactly once between them. */
static void
test_run_two_processes (Fixture       *f,
                        gconstpointer  data)
{
  Runner runners[2] = { { 0 } };
  GThread *threads[2];
  char *numbers[4];

  for (int i = 0; i < 4; i++)
    numbers[i] = vp_test_counter_open (f, "赵强", NULL);
  add_fee (f, "租金", VP_FEE_MONTHLY, "2026-01-05", 5, VP_FEE_FIXED, 150000,
           VP_CHARGE_DEDUCT, numbers[0]);
  for (int i = 1; i < 4; i++)
    g_assert_true (vp_fee_add_member (f->db, f->admin, "租金", numbers[i], NULL));
  backdate_accounts (f);

  for (int t = 0; t < 2; t++)
    {
      runners[t].path = g_build_filename (f->dir, "vendpoint.db", NULL);
      threads[t] = g_thread_new ("fees", run_in_thread, &runners[t]);
    }
  for (int t = 0; t < 2; t++)
    {
      g_thread_join (threads[t]);
      g_assert_no_error (runners[t].error);
      g_free (runners[t].path);
    }
  g_assert_cmpuint (runners[0].charged + runners[1].charged, ==, 4 * 12);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT(*) FROM ledger WHERE kind = 'fee'"),
                   ==, 4 * 12);
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpint (balance_of (f, numbers[i]), ==, -12 * 150000);
      g_free (numbers[i]);
    }
}

/* 2.5000 yuan per m², billed: 123.45 m² → 308.625 → 308.63 yuan (half up). The bill is
 * paid at the counter and the balance does not move. */
static void
test_per_area_bill (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autoptr(VpReceipt) receipt = NULL;
  g_autofree char *number = NULL;
  VpBill *bill;

  g_assert_true (vp_room_add (f->db, f->admin, "Main", "5", 2, "201", 12345, NULL, &error));
  g_assert_no_error (error);
  number = vp_test_counter_open (f, "孙丽", "5-201");
  add_fee (f, "物业费", VP_FEE_QUARTERLY, "2026-01-31", 31, VP_FEE_PER_AREA, 25000,
           VP_CHARGE_BILL, number);
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2026-05-01", NULL, NULL, &error));
  g_assert_no_error (error);
  bills = vp_bill_list (f->db, f->cashier, number, NULL, &error);
  g_assert_cmpint (bills->len, ==, 2);   /* 01-31 and 04-30 */
  bill = g_ptr_array_index (bills, 1);
  g_assert_cmpint (bill->amount, ==, 30863);
  g_assert_cmpstr (bill->period_start, ==, "2026-04-30");
  g_assert_cmpstr (bill->period_end, ==, "2026-07-31");
  g_assert_cmpstr (bill->item, ==, "物业费 2026-04-30");
  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_bill_pay (f->db, f->cashier, bill->number, 30863, VP_PAYMENT_CASH, 40000,
                              &entry, &error));
  g_assert_no_error (error);
  g_assert_cmpint (balance_of (f, number), ==, 0);
  /* the customer's receipt names what the money paid for */
  g_assert_true (vp_receipt_load (f->db, entry->receipt, &receipt, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (receipt->deductions->len, ==, 1);
  g_assert_cmpstr (((VpReceiptItem *) receipt->deductions->pdata[0])->label, ==,
                   "物业费 2026-04-30");
  g_assert_cmpint (((VpReceiptItem *) receipt->deductions->pdata[0])->amount, ==, 30863);
  g_assert_cmpint (entry->change, ==, 40000 - 30863);

  /* reports: both charges itemised; only the January bill is still owed */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autoptr(VpReportTable) charges = NULL;
    g_autoptr(VpReportTable) unpaid = NULL;
    VpReportParams params;

    vp_report_params_init (&params);
    params.from = g_date_time_format (now, "%Y-%m-%d");
    params.to = g_date_time_format (now, "%Y-%m-%d");
    charges = vp_report_run (f->db, f->admin, "fee-charges", &params, &error);
    g_assert_no_error (error);
    unpaid = vp_report_run (f->db, f->admin, "bills-unpaid", &params, &error);
    g_assert_no_error (error);
    vp_report_params_clear (&params);
    g_assert_cmpuint (charges->rows->len, ==, 2);
    g_assert_cmpint (charges->totals[vp_report_table_column (charges, "amount")], ==, 2 * 30863);
    g_assert_cmpuint (unpaid->rows->len, ==, 1);
    g_assert_cmpint (unpaid->totals[vp_report_table_column (unpaid, "owed")], ==, 30863);
  }
}

/* Per unit: the December charge prices what the meters used from 1 November. */
static void
test_per_unit (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpEngine) engine = vp_engine_new (f->db, NULL);
  g_autoptr(VpAccount) account = NULL;
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };
  VpAccountSpec spec;
  VpMeterSpec meter;
  VpMeterSample sample = { .total = 0 };
  VpReadingOutcome outcome;
  gint64 meter_id, before;
  g_autoptr(GDateTime) nov = g_date_time_new_local (2026, 11, 2, 8, 0, 0);
  g_autoptr(GDateTime) later = g_date_time_new_local (2026, 11, 28, 8, 0, 0);

  g_assert_true (vp_tariff_store_add (f->db, f->admin, "flat", VP_UTILITY_ELECTRICITY, &flat,
                                      NULL, &error));
  vp_account_spec_init (&spec);
  spec.name = "周杰";
  spec.tariff = "flat";
  g_assert_true (vp_account_open (f->db, f->cashier, &spec, &account, NULL, &error));
  vp_meter_spec_init (&meter);
  meter.address = "000000004242";
  meter.link = "tcp://127.0.0.1:1";
  g_assert_true (vp_account_add_meter (f->db, f->admin, account->number, &meter, &meter_id,
                                       &error));
  g_assert_no_error (error);
  sample.meter_time = g_date_time_to_unix (nov);
  vp_engine_store_reading (engine, meter_id, &sample, sample.meter_time, &outcome, NULL, &error);
  g_assert_no_error (error);
  sample.total = 12345;   /* 123.45 kWh */
  sample.meter_time = g_date_time_to_unix (later);
  vp_engine_store_reading (engine, meter_id, &sample, sample.meter_time, &outcome, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, VP_READING_CHARGED);

  add_fee (f, "服务费", VP_FEE_MONTHLY, "2026-12-01", 1, VP_FEE_PER_UNIT, 5283,
           VP_CHARGE_DEDUCT, account->number);
  before = balance_of (f, account->number);
  g_assert_true (vp_fee_run_due (f->db, f->admin, "2026-12-01", NULL, NULL, &error));
  g_assert_no_error (error);
  /* 123.45 × 0.5283 = 65.218635 → 65.22 */
  g_assert_cmpint (balance_of (f, account->number), ==, before - 6522);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT quantity FROM fee_charges"), ==, 12345);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "钱多", NULL);
  VpFeeSpec spec = { .name = "水费", .schedule = VP_FEE_ONCE, .start = "2026-02-30",
                     .basis = VP_FEE_FIXED, .amount = 100 };

  g_assert_false (vp_fee_add (f->db, f->admin, &spec, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  spec.start = "2026-02-28";
  spec.basis = VP_FEE_PER_UNIT;
  g_assert_false (vp_fee_add (f->db, f->admin, &spec, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  spec.basis = VP_FEE_FIXED;
  spec.amount = -1;
  g_assert_false (vp_fee_add (f->db, f->admin, &spec, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  spec.amount = 100;
  g_assert_true (vp_fee_add (f->db, f->cashier, &spec, &error));
  g_assert_no_error (error);
  g_assert_false (vp_fee_add (f->db, f->admin, &spec, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (vp_fee_add (f->db, f->technician, &spec, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_fee_add_member (f->db, f->admin, "nope", number, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vp_fee_run_due (f->db, f->admin, "2026-13-01", NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_bill_pay (f->db, f->cashier, "B1", 1, VP_PAYMENT_CASH, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/fee/due-dates", test_due_dates);
  g_test_add_func ("/vp/fee/due-dates-random", test_due_dates_random);
  g_test_add ("/vp/fee/run-idempotent", Fixture, NULL, vp_test_counter_setup,
              test_run_idempotent, vp_test_counter_teardown);
  g_test_add ("/vp/fee/from-opening", Fixture, NULL, vp_test_counter_setup,
              test_from_opening, vp_test_counter_teardown);
  g_test_add ("/vp/fee/two-processes", Fixture, NULL, vp_test_counter_setup,
              test_run_two_processes, vp_test_counter_teardown);
  g_test_add ("/vp/fee/per-area-bill", Fixture, NULL, vp_test_counter_setup,
              test_per_area_bill, vp_test_counter_teardown);
  g_test_add ("/vp/fee/per-unit", Fixture, NULL, vp_test_counter_setup, test_per_unit,
              vp_test_counter_teardown);
  g_test_add ("/vp/fee/errors", Fixture, NULL, vp_test_counter_setup, test_errors,
              vp_test_counter_teardown);
  return g_test_run ();
}
