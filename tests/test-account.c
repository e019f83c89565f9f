/* test-account.c: opening, closing, transferring and suspending accounts; meters */
#include "config.h"

#include <string.h>

#include "vp-search.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

static void
test_account_numbers (void)
{
  g_autofree char *first = vp_account_number_for_seq (1);
  g_autofree char *last = vp_account_number_for_seq (8999999);

  g_assert_cmpstr (first, ==, "10000016");
  g_assert_cmpstr (last, ==, "99999997");
  g_assert_true (vp_account_number_is_valid (first));
  g_assert_true (vp_account_number_is_valid (last));
  /* Every single-digit typo and the commonest transposition are caught. */
  g_assert_false (vp_account_number_is_valid ("10000017"));
  g_assert_false (vp_account_number_is_valid ("10000061"));
  g_assert_false (vp_account_number_is_valid ("20000016"));
  g_assert_false (vp_account_number_is_valid ("1000001"));
  g_assert_false (vp_account_number_is_valid ("1000001a"));
  g_assert_false (vp_account_number_is_valid (NULL));
}

static void
test_account_open (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  g_autoptr(VpAccount) again = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  VpAccountSpec spec;

  g_assert_true (vp_tariff_define (f->db, f->admin, "居民电价", "electricity", "flat",
                                   "price=0.5283", 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));

  vp_account_spec_init (&spec);
  spec.name = "王伟";
  spec.phone = "13800138000";
  spec.room = "3-402";
  spec.tariff = "居民电价";
  spec.trip = -1000;
  spec.opening_topup = 10000;
  spec.method = VP_PAYMENT_CASH;
  spec.tendered = 20000;
  g_assert_true (vp_account_open (f->db, f->cashier, &spec, &account, &entry, &error));
  g_assert_no_error (error);
  g_assert_true (vp_account_number_is_valid (account->number));
  g_assert_cmpstr (account->room, ==, "3-402");
  g_assert_cmpint (account->balance, ==, 10000);
  g_assert_cmpint (account->trip, ==, -1000);
  g_assert_cmpstr (entry->receipt, ==, "01-00000001");
  g_assert_cmpint (entry->change, ==, 10000);
  /* The room was created on the default site: building 3, floor 4. */
  g_assert_cmpint (vp_test_counter_query (f, "SELECT f.level FROM rooms r JOIN floors f "
                                          "ON f.id = r.floor_id WHERE r.label = '3-402'"), ==, 4);

  again = vp_account_get (f->db, f->technician, account->number, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->name, ==, "王伟");
  g_assert_cmpstr (again->tariff, ==, "居民电价");

  /* Bad input is refused and nothing is written. */
  spec.tariff = "no such tariff";
  g_assert_false (vp_account_open (f->db, f->cashier, &spec, NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  spec.tariff = NULL;
  spec.alarm2 = spec.alarm1 + 1;
  g_assert_false (vp_account_open (f->db, f->cashier, &spec, NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  vp_account_spec_init (&spec);
  for (guint i = 0; i < 2; i++)
    {
      spec.name = i == 0 ? "" : " \t ";
      g_assert_false (vp_account_open (f->db, f->cashier, &spec, NULL, NULL, &error));
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  /* A mistyped digit is named as such. */
  g_assert_null (vp_account_get (f->db, f->cashier, "10000061", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "mistyped"));
  g_clear_error (&error);
  spec.name = "赵六";
  spec.phone = "138-0000'; DROP";
  g_assert_false (vp_account_open (f->db, f->cashier, &spec, NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_account_open (f->db, f->technician, &spec, NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM accounts"), ==, 1);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM customers"), ==, 1);
}

static void
test_account_close (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) settlement = NULL;
  g_autoptr(VpAccount) closed = NULL;
  g_autofree char *credit = vp_test_counter_open (f, "周杰", NULL);
  g_autofree char *debt = vp_test_counter_open (f, "吴磊", NULL);

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, credit, 30000, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_true (vp_ledger_charge (f->db, NULL, debt, 1234, 0, 2336, "final reading", NULL, &error));
  g_assert_no_error (error);

  /* 300.00 is above the refund limit: the settlement needs a supervisor too. */
  g_assert_false (vp_account_close (f->db, f->cashier, credit, VP_PAYMENT_CASH, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED);
  g_clear_error (&error);
  g_assert_true (vp_account_close (f->db, f->cashier, credit, VP_PAYMENT_CASH, f->supervisor_id,
                                   &settlement, &error));
  g_assert_no_error (error);
  g_assert_cmpint (settlement->amount, ==, -30000);
  g_assert_cmpint (settlement->balance_after, ==, 0);
  g_assert_nonnull (settlement->receipt);
  /* Free it: the next call resets @out_entry to NULL first (found by .ci/sanitize). */
  g_clear_pointer (&settlement, vp_ledger_entry_free);

  g_assert_true (vp_account_close (f->db, f->cashier, debt, VP_PAYMENT_CASH, 0, &settlement, &error));
  g_assert_no_error (error);
  g_assert_null (settlement);
  closed = vp_account_get (f->db, f->cashier, debt, &error);
  g_assert_cmpint (closed->status, ==, VP_ACCOUNT_STATUS_CLOSED);
  g_assert_cmpint (closed->close_debt, ==, 1234);
  g_assert_cmpint (closed->balance, ==, -1234);

  g_assert_false (vp_ledger_topup (f->db, f->cashier, credit, 100, VP_PAYMENT_CASH, NULL, 0,
                                   NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_ACCOUNT_CLOSED);
  g_clear_error (&error);
  g_assert_false (vp_account_close (f->db, f->cashier, credit, VP_PAYMENT_CASH, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_ACCOUNT_CLOSED);
}

static void
test_account_transfer (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *number = vp_test_counter_open (f, "郑爽", "5-101");

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 4200, VP_PAYMENT_CARD, NULL, 0,
                                  NULL, &error));
  g_assert_true (vp_account_transfer (f->db, f->cashier, number, "孙丽", "13912345678", NULL,
                                      NULL, &error));
  g_assert_no_error (error);

  account = vp_account_get (f->db, f->cashier, number, &error);
  g_assert_cmpstr (account->name, ==, "孙丽");
  g_assert_cmpint (account->balance, ==, 4200);
  history = vp_ledger_list (f->db, f->cashier, number, 0, &error);
  g_assert_cmpint (history->len, ==, 1);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = "
                                          "'account.transfer' AND before LIKE '%郑爽%' "
                                          "AND after LIKE '%孙丽%'"), ==, 1);
  /* The search knows the new name, and no longer the old one. */
  hits = vp_search_accounts (f->db, f->cashier, "孙丽", -1, 10, &error);
  g_assert_cmpint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = vp_search_accounts (f->db, f->cashier, "郑爽", -1, 10, &error);
  g_assert_cmpint (hits->len, ==, 0);
}

static void
test_account_suspend (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "马丽", NULL);

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_true (vp_account_set_suspended (f->db, f->cashier, number, TRUE, &error));
  g_assert_false (vp_ledger_topup (f->db, f->cashier, number, 100, VP_PAYMENT_CASH, NULL, 0,
                                   NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_ACCOUNT_CLOSED);
  g_clear_error (&error);
  g_assert_false (vp_account_set_suspended (f->db, f->cashier, number, TRUE, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_account_set_suspended (f->db, f->cashier, number, FALSE, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 100, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action IN "
                                          "('account.suspend', 'account.restore')"), ==, 2);
}

static void
test_account_meters (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  g_autofree char *number = vp_test_counter_open (f, "胡军", NULL);
  g_autofree char *other = vp_test_counter_open (f, "林静", NULL);
  VpMeterSpec spec;
  gint64 old_id = 0, new_id = 0, water_id = 0;
  const VpMeter *m;

  vp_meter_spec_init (&spec);
  spec.address = "000010604867";
  spec.link = "tcp://127.0.0.1:8899";
  spec.install_reading = 12345;
  g_assert_true (vp_account_add_meter (f->db, f->technician, number, &spec, &old_id, &error));
  g_assert_no_error (error);

  spec.kind = VP_METER_KIND_WATER;
  spec.protocol = VP_METER_PROTOCOL_CJT188;
  spec.address = "20240000000003";
  g_assert_true (vp_account_add_meter (f->db, f->cashier, number, &spec, &water_id, &error));
  g_assert_no_error (error);

  /* One active meter per address; addresses have their protocol's length. */
  spec.kind = VP_METER_KIND_ELECTRICITY;
  spec.protocol = VP_METER_PROTOCOL_DLT645;
  spec.address = "000010604867";
  g_assert_false (vp_account_add_meter (f->db, f->cashier, other, &spec, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, number));
  g_clear_error (&error);
  spec.address = "0000106048";
  g_assert_false (vp_account_add_meter (f->db, f->cashier, other, &spec, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* 换表: the final reading may not go below the installation reading. */
  spec.address = "000010609999";
  spec.install_reading = 5;
  g_assert_false (vp_account_replace_meter (f->db, f->cashier, "000010604867", 12000, &spec,
                                            NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_account_replace_meter (f->db, f->cashier, "000010604867", 23456, &spec,
                                           &new_id, &error));
  g_assert_no_error (error);

  account = vp_account_get (f->db, f->cashier, number, &error);
  g_assert_cmpint (account->meters->len, ==, 3);
  m = g_ptr_array_index (account->meters, 0);
  g_assert_cmpint (m->id, ==, old_id);
  g_assert_cmpint (m->status, ==, VP_METER_STATUS_REPLACED);
  g_assert_cmpint (m->final_reading, ==, 23456);
  g_assert_cmpint (m->replaced_by, ==, new_id);
  m = g_ptr_array_index (account->meters, 2);
  g_assert_cmpint (m->status, ==, VP_METER_STATUS_ACTIVE);
  g_assert_cmpint (m->install_reading, ==, 5);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = "
                                          "'meter.replace'"), ==, 1);

  /* The old address is free again, for another account. */
  spec.address = "000010604867";
  g_assert_true (vp_account_add_meter (f->db, f->cashier, other, &spec, NULL, &error));
  g_assert_no_error (error);

  /* Charges name a meter of their own account. */
  g_assert_true (vp_ledger_charge (f->db, NULL, number, 100, new_id, 190, "interval", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (vp_ledger_charge (f->db, NULL, other, 100, new_id, 190, "interval", NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/account/numbers", test_account_numbers);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/account/open", test_account_open);
  ADD ("/vp/account/close", test_account_close);
  ADD ("/vp/account/transfer", test_account_transfer);
  ADD ("/vp/account/suspend", test_account_suspend);
  ADD ("/vp/account/meters", test_account_meters);
#undef ADD

  return g_test_run ();
}
