/* test-postpaid.c: postpaid bill runs, review, partial payment, arrears, reminders,
 * trips, exports and switching modes */
#include "config.h"

#include "vp-engine.h"
#include "vp-postpaid.h"
#include "vp-tariff-store.h"
#include "vp-test-counter.h"

typedef struct
{
  VpTestCounter  c;
  VpEngine      *engine;
  char          *number;
  gint64         meter_id;
} Fixture;

static void
store (Fixture *f,
       int      month,
       int      day,
       gint64   total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_local (2026, month, day, 8, 0, 0);
  VpMeterSample sample = { .total = total };
  VpReadingOutcome outcome;

  sample.meter_time = g_date_time_to_unix (when);
  vp_engine_store_reading (f->engine, f->meter_id, &sample, sample.meter_time, &outcome, NULL,
                           &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };  /* 1 yuan/kWh */
  VpAccountSpec spec;
  VpMeterSpec meter;

  vp_test_counter_setup (&f->c, data);
  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "flat", VP_UTILITY_ELECTRICITY,
                                      &flat, NULL, &error));
  g_assert_no_error (error);
  f->engine = vp_engine_new (f->c.db, NULL);
  vp_account_spec_init (&spec);
  spec.name = "吴敏";
  spec.phone = "13900001111";
  spec.tariff = "flat";
  spec.mode = VP_ACCOUNT_MODE_POSTPAID;
  g_assert_true (vp_account_open (f->c.db, f->c.cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  f->number = g_strdup (account->number);
  vp_meter_spec_init (&meter);
  meter.address = "000000005151";
  meter.link = "tcp://127.0.0.1:1";
  g_assert_true (vp_account_add_meter (f->c.db, f->c.admin, f->number, &meter, &f->meter_id,
                                       &error));
  g_assert_no_error (error);
  g_assert_true (vp_shift_open (f->c.db, f->c.cashier, 0, NULL, &error));
  g_assert_no_error (error);
  /* 100.00 kWh in November, 7.00 on 1 December */
  store (f, 11, 1, 0);
  store (f, 11, 20, 10000);
  store (f, 12, 1, 10700);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->engine, vp_engine_free);
  g_free (f->number);
  vp_test_counter_teardown (&f->c, data);
}

static gint64
balance_of (Fixture *f)
{
  g_autoptr(VpAccount) account = vp_account_get (f->c.db, f->c.admin, f->number, NULL);

  return account->balance;
}

static VpBill *
only_bill (Fixture    *f,
           const char *state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bills = vp_bill_list (f->c.db, f->c.admin, f->number, state, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (bills->len, ==, 1);
  return g_ptr_array_steal_index (bills, 0);
}

static void
test_cycle (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpBill) bill = NULL;
  g_autoptr(GPtrArray) overdue = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  guint count = 0, reminders = 0, trips = 0;

  g_assert_cmpint (balance_of (f), ==, -10700);   /* charged by the engine, no trip */

  /* the run for December covers 1 Nov – 1 Dec: a draft, to be reviewed */
  g_assert_true (vp_postpaid_bill_run (f->c.db, f->c.admin, "2026-12", &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);
  bill = only_bill (f, "draft");
  g_assert_cmpint (bill->amount, ==, 10000);
  g_assert_true (bill->in_balance);
  g_assert_cmpstr (bill->period_start, ==, "2026-11-01");
  g_assert_cmpstr (bill->period_end, ==, "2026-12-01");
  g_assert_cmpstr (bill->due_date, ==, "2026-12-16");
  g_assert_false (vp_bill_pay (f->c.db, f->c.cashier, bill->number, 100, VP_PAYMENT_CASH, 0,
                               NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_pointer (&bill, vp_bill_free);

  /* a rerun before confirmation replaces the drafts */
  g_assert_true (vp_postpaid_bill_run (f->c.db, f->c.admin, "2026-12", &count, &error));
  g_assert_no_error (error);
  bill = only_bill (f, "draft");
  g_clear_pointer (&bill, vp_bill_free);
  g_assert_true (vp_postpaid_confirm (f->c.db, f->c.admin, "2026-12", &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 1);
  g_assert_false (vp_postpaid_confirm (f->c.db, f->c.admin, "2026-12", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (vp_postpaid_bill_run (f->c.db, f->c.admin, "2026-12", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (vp_postpaid_confirm (f->c.db, f->c.admin, "2027-01", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* settle before switching */
  g_assert_false (vp_postpaid_set_mode (f->c.db, f->c.admin, f->number, VP_ACCOUNT_MODE_PREPAID,
                                        &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* partial payment at the counter */
  bill = only_bill (f, "open");
  g_assert_true (vp_bill_pay (f->c.db, f->c.cashier, bill->number, 4000, VP_PAYMENT_CASH, 5000,
                              NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (balance_of (f), ==, -6700);

  /* not overdue on the due date; overdue after it */
  overdue = vp_bill_list_overdue (f->c.db, f->c.admin, "2026-12-16", &error);
  g_assert_cmpuint (overdue->len, ==, 0);
  g_clear_pointer (&overdue, g_ptr_array_unref);
  overdue = vp_bill_list_overdue (f->c.db, f->c.admin, "2026-12-18", &error);
  g_assert_cmpuint (overdue->len, ==, 1);

  /* reminders once per bill; a trip once the bill is 3 days overdue */
  g_assert_true (vp_database_set_setting (f->c.db, VP_POSTPAID_TRIP_AFTER_KEY, "3", NULL));
  g_assert_true (vp_postpaid_remind (f->c.db, f->c.admin, "2026-12-18", &reminders, &trips,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reminders, ==, 1);
  g_assert_cmpuint (trips, ==, 0);
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM outbox WHERE recipient = "
                                          "'13900001111' AND text_zh LIKE '%60.00%'"), ==, 1);
  g_assert_true (vp_postpaid_remind (f->c.db, f->c.admin, "2026-12-19", &reminders, &trips,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpuint (reminders, ==, 0);
  g_assert_cmpuint (trips, ==, 1);
  g_assert_true (vp_postpaid_remind (f->c.db, f->c.admin, "2026-12-25", &reminders, &trips,
                                     &error));
  g_assert_cmpuint (reminders + trips, ==, 0);
  commands = vp_engine_list_commands (f->c.db, f->number, 0, &error);
  g_assert_cmpuint (commands->len, ==, 1);
  g_assert_cmpint (((VpCommand *) g_ptr_array_index (commands, 0))->action, ==, VP_CONTROL_TRIP);

  /* the rest, then the 7.00 not yet billed: now the account may switch */
  g_assert_true (vp_bill_pay (f->c.db, f->c.cashier, bill->number, 6000, VP_PAYMENT_CASH, 0,
                              NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&bill, vp_bill_free);
  bill = only_bill (f, "paid");
  g_assert_false (vp_postpaid_set_mode (f->c.db, f->c.admin, f->number, VP_ACCOUNT_MODE_PREPAID,
                                        &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_ledger_topup (f->c.db, f->c.cashier, f->number, 700, VP_PAYMENT_CASH, NULL,
                                  0, NULL, &error));
  g_assert_true (vp_postpaid_set_mode (f->c.db, f->c.admin, f->number, VP_ACCOUNT_MODE_PREPAID,
                                       &error));
  g_assert_no_error (error);
  g_assert_cmpint (vp_test_counter_query (&f->c, "SELECT COUNT(*) FROM accounts "
                                          "WHERE mode = 'prepaid'"), ==, 1);
  /* no longer postpaid: the next run bills nobody */
  g_assert_true (vp_postpaid_bill_run (f->c.db, f->c.admin, "2027-01", &count, &error));
  g_assert_cmpuint (count, ==, 0);
}

/* Bill day 15: December's run covers 15 Nov – 15 Dec. */
static void
test_bill_day (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpBill) bill = NULL;

  g_assert_true (vp_database_set_setting (f->c.db, VP_POSTPAID_BILL_DAY_KEY, "15", NULL));
  g_assert_true (vp_postpaid_bill_run (f->c.db, f->c.admin, "2026-12", NULL, &error));
  g_assert_no_error (error);
  bill = only_bill (f, "draft");
  g_assert_cmpstr (bill->period_start, ==, "2026-11-15");
  g_assert_cmpstr (bill->period_end, ==, "2026-12-15");
  g_assert_cmpint (bill->amount, ==, 10700);   /* the 20 Nov and 1 Dec readings */
  g_assert_false (vp_postpaid_bill_run (f->c.db, f->c.admin, "2026-1", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bills = NULL;
  g_autofree char *csv_path = g_build_filename (f->c.dir, "bills.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->c.dir, "bills.pdf", NULL);
  g_autofree char *bad_path = g_build_filename (f->c.dir, "bills.txt", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  gsize pdf_length;
  VpBill *bill;

  g_assert_true (vp_postpaid_bill_run (f->c.db, f->c.admin, "2026-12", NULL, &error));
  g_assert_true (vp_postpaid_confirm (f->c.db, f->c.admin, "2026-12", NULL, &error));
  g_assert_no_error (error);
  bills = vp_bill_list (f->c.db, f->c.admin, NULL, NULL, &error);
  bill = g_ptr_array_index (bills, 0);
  g_assert_true (vp_bill_export (bills, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF" "bill,account,name"));
  g_assert_nonnull (strstr (csv, bill->number));
  g_assert_nonnull (strstr (csv, "吴敏"));
  g_assert_nonnull (strstr (csv, "100.00"));

  g_assert_true (vp_bill_export (bills, pdf_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &pdf_length, NULL));
  g_assert_cmpuint (pdf_length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));

  g_assert_false (vp_bill_export (bills, bad_path, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/postpaid/cycle", Fixture, NULL, fixture_setup, test_cycle,
              fixture_teardown);
  g_test_add ("/vp/postpaid/bill-day", Fixture, NULL, fixture_setup, test_bill_day,
              fixture_teardown);
  g_test_add ("/vp/postpaid/export", Fixture, NULL, fixture_setup, test_export,
              fixture_teardown);
  return g_test_run ();
}
