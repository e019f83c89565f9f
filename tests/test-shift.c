/* test-shift.c: shifts, the expected cash in the drawer and over/short */
#include "config.h"

#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

static void
test_shift_expected (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autoptr(VpShift) closed = NULL;
  g_autoptr(VpLedgerEntry) topup = NULL;
  g_autofree char *number = vp_test_counter_open (f, "高峰", NULL);

  g_assert_null (vp_shift_get_current (f->db, f->cashier, &error));
  g_assert_no_error (error);
  g_assert_true (vp_shift_open (f->db, f->cashier, 50000, &shift, &error));
  g_assert_no_error (error);
  g_assert_cmpint (shift->expected, ==, 50000);
  g_assert_false (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_SHIFT_OPEN);
  g_clear_error (&error);

  /* Cash in: +100 +20; card does not touch the drawer; cash out: −30, −20 reversed. */
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 10000, VP_PAYMENT_CASH, NULL, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 7000, VP_PAYMENT_CARD, NULL, 0, NULL, &error));
  g_assert_true (vp_ledger_refund (f->db, f->cashier, number, 3000, VP_PAYMENT_CASH, 0, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 2000, VP_PAYMENT_CASH, NULL, 0, &topup, &error));
  g_assert_true (vp_ledger_reverse (f->db, f->supervisor, topup->receipt, 0, NULL, &error));
  g_assert_no_error (error);

  g_clear_pointer (&shift, vp_shift_free);
  shift = vp_shift_get_current (f->db, f->cashier, &error);
  g_assert_nonnull (shift);
  g_assert_cmpint (shift->cash, ==, 10000 - 3000 + 2000 - 2000);
  g_assert_cmpint (shift->card, ==, 7000);
  g_assert_cmpint (shift->expected, ==, 50000 + 7000);
  g_assert_cmpint (shift->topups, ==, 19000);
  g_assert_cmpint (shift->refunds, ==, -3000);
  g_assert_cmpint (shift->reversals, ==, -2000);
  g_assert_cmpint (shift->n_entries, ==, 5);

  g_assert_true (vp_shift_close (f->db, f->cashier, 57000, 0, &closed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (closed->over_short, ==, 0);
  g_assert_cmpint (closed->counted, ==, 57000);
  g_assert_nonnull (closed->closed_at);

  /* Closed: no more money until the next shift. */
  g_assert_false (vp_ledger_topup (f->db, f->cashier, number, 100, VP_PAYMENT_CASH, NULL, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT);
  g_clear_error (&error);
  g_assert_false (vp_shift_close (f->db, f->cashier, 0, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT);
}

static void
test_shift_over_short (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) closed = NULL;
  g_autoptr(VpShift) still = NULL;
  g_autofree char *number = vp_test_counter_open (f, "罗敏", NULL);
  gint64 denied;

  g_assert_true (vp_shift_open (f->db, f->cashier, 10000, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 5000, VP_PAYMENT_CASH, NULL, 0, NULL, &error));

  denied = vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'");
  g_assert_false (vp_shift_close (f->db, f->cashier, 14990, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED);
  g_clear_error (&error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'denied'"),
                   ==, denied + 1);
  still = vp_shift_get_current (f->db, f->cashier, &error);
  g_assert_nonnull (still);
  g_assert_null (still->closed_at);

  /* A cashier's id accepts nothing. */
  g_assert_false (vp_shift_close (f->db, f->cashier, 14990, vp_session_get_operator_id (f->cashier),
                                  NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_true (vp_shift_close (f->db, f->cashier, 14990, f->supervisor_id, &closed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (closed->expected, ==, 15000);
  g_assert_cmpint (closed->over_short, ==, -10);
  g_assert_cmpint (closed->approver_id, ==, f->supervisor_id);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT over_short FROM shifts"), ==, -10);

  /* A supervisor accepts their own difference. */
  g_clear_pointer (&closed, vp_shift_free);
  g_assert_true (vp_shift_open (f->db, f->supervisor, 0, NULL, &error));
  g_assert_true (vp_shift_close (f->db, f->supervisor, 123, 0, &closed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (closed->over_short, ==, 123);

  /* Technicians keep no drawer. */
  g_assert_false (vp_shift_open (f->db, f->technician, 0, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_shift_open (f->db, f->cashier, -1, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
}

static void
test_shift_handover (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) incoming = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autoptr(VpShift) current = NULL;
  g_autofree char *number = vp_test_counter_open (f, "钱进", NULL);
  gint64 handovers;

  g_assert_true (vp_shift_open (f->db, f->cashier, 20000, NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 3050, VP_PAYMENT_CASH, NULL, 0,
                                  NULL, &error));
  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 999, VP_PAYMENT_CARD, NULL, 0,
                                  NULL, &error));
  g_assert_no_error (error);

  /* Refused, nothing changes: wrong password, no shift permission, themself, and an
   * incoming cashier whose own shift is open. */
  g_assert_false (vp_shift_hand_over (f->db, f->cashier, "super", "wrong-one", NULL, NULL,
                                      &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
  g_clear_error (&error);
  g_assert_false (vp_shift_hand_over (f->db, f->cashier, "tech", VP_TEST_PASSWORD, NULL, NULL,
                                      &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_shift_hand_over (f->db, f->cashier, "cashier", VP_TEST_PASSWORD, NULL, NULL,
                                      &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_shift_open (f->db, f->supervisor, 100, NULL, &error));
  g_assert_false (vp_shift_hand_over (f->db, f->cashier, "super", VP_TEST_PASSWORD, NULL, NULL,
                                      &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_SHIFT_OPEN);
  g_clear_error (&error);
  g_assert_true (vp_shift_close (f->db, f->supervisor, 100, 0, NULL, &error));
  g_assert_no_error (error);
  handovers = vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'shift.handover'");
  g_assert_cmpint (handovers, ==, 0);
  current = vp_shift_get_current (f->db, f->cashier, &error);
  g_assert_nonnull (current);

  /* The drawer (float + cash, not the card) moves exactly, in one step. */
  g_assert_true (vp_shift_hand_over (f->db, f->cashier, "super", VP_TEST_PASSWORD, &incoming,
                                     &shift, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vp_session_get_login (incoming), ==, "super");
  g_assert_cmpint (shift->operator_id, ==, f->supervisor_id);
  g_assert_cmpint (shift->float_amount, ==, 23050);
  g_assert_cmpint (shift->expected, ==, 23050);
  g_assert_null (shift->closed_at);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT counted FROM shifts WHERE id = 1"), ==, 23050);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT over_short FROM shifts WHERE id = 1"), ==, 0);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT closed_at IS NOT NULL FROM shifts WHERE id = 1"),
                   ==, 1);
  g_clear_pointer (&current, vp_shift_free);
  current = vp_shift_get_current (f->db, f->cashier, &error);
  g_assert_null (current);
  g_assert_no_error (error);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = "
                                             "'shift.handover' AND after LIKE '%\"from\":\"cashier\"%' "
                                             "AND after LIKE '%\"to\":\"super\"%' "
                                             "AND after LIKE '%\"amount\":\"230.50\"%'"), ==, 1);

  /* The outgoing cashier has nothing left to hand over. */
  g_assert_false (vp_shift_hand_over (f->db, f->cashier, "root", VP_TEST_PASSWORD, NULL, NULL,
                                      &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT);
  g_clear_error (&error);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/shift/expected", test_shift_expected);
  ADD ("/vp/shift/over-short", test_shift_over_short);
  ADD ("/vp/shift/handover", test_shift_handover);
#undef ADD

  return g_test_run ();
}
