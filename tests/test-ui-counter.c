/* test-ui-counter.c: search, top-up, refund with approval, reversal — as a cashier does */
#include "config.h"

#include "vp-approval-dialog.h"
#include "vp-counter-page.h"
#include "vp-engine.h"
#include "vp-customer-card.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-receipt.h"
#include "vp-refund-dialog.h"
#include "vp-shift-dialog.h"
#include "vp-topup-dialog.h"
#include "vp-ui-test.h"

typedef struct
{
  VpCounterPage *page;
  const char    *number;   /* account expected on the card, NULL: any */
  gint64         balance;  /* and its balance, -1: any */
} CardWait;

static gboolean
page_idle (gpointer data)
{
  return !vp_counter_page_get_busy (data);
}

static gboolean
card_shows (gpointer data)
{
  CardWait *w = data;
  const VpAccount *account = vp_counter_page_get_account (w->page);

  return !vp_counter_page_get_busy (w->page) && account != NULL &&
         (w->number == NULL || g_str_equal (account->number, w->number)) &&
         (w->balance < 0 || account->balance == w->balance);
}

static gboolean
dialog_is (gpointer data)
{
  gpointer *args = data;
  GtkWindow *dialog = vp_counter_page_get_dialog (args[0]);

  return dialog != NULL && G_TYPE_CHECK_INSTANCE_TYPE (dialog, GPOINTER_TO_SIZE (args[1]));
}

static GtkWindow *
wait_dialog (VpCounterPage *page,
             GType          type)
{
  gpointer args[2] = { page, GSIZE_TO_POINTER (type) };

  vp_ui_test_wait (dialog_is, args, g_type_name (type));
  return vp_counter_page_get_dialog (page);
}

static VpCounterPage *
login_and_pick (VpUiFixture *fixture,
                const char  *login,
                const char  *query,
                const char  *number)
{
  VpCounterPage *page;
  CardWait w;

  vp_ui_test_login (fixture, login, VP_CONTEXT_DEMO_PASSWORD);
  page = VP_COUNTER_PAGE (vp_window_get_page (fixture->window, "counter"));

  /* F2, type, Enter: the cashier's way to a customer. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window), "search"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "search", NULL);
  vp_ui_test_type (vp_counter_page_get_search (page), query);
  vp_ui_test_wait (page_idle, page, "search results");
  g_assert_cmpuint (vp_counter_page_get_n_results (page), >=, 1);
  g_assert_cmpstr (vp_counter_page_get_result (page, 0), ==, number);
  g_signal_emit_by_name (vp_counter_page_get_search (page), "activate");

  w = (CardWait) { page, number, -1 };
  vp_ui_test_wait (card_shows, &w, "the customer card");
  return page;
}

static void
test_search (VpUiFixture   *fixture,
             gconstpointer  data)
{
  VpCounterPage *page;
  GtkEditable *search;

  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_COUNTER_PAGE (vp_window_get_page (fixture->window, "counter"));
  search = vp_counter_page_get_search (page);

  /* A two-character Chinese name (the trigram index alone would miss it). */
  vp_ui_test_type (search, "王芳");
  vp_ui_test_wait (page_idle, page, "results for 王芳");
  g_assert_cmpuint (vp_counter_page_get_n_results (page), ==, 1);
  g_assert_cmpstr (vp_counter_page_get_result (page, 0), ==, fixture->wang_fang);

  /* Typing on: every keystroke searches, the last text wins, stale answers are dropped. */
  gtk_editable_set_text (search, "");
  vp_ui_test_type (search, "3-40");
  vp_ui_test_wait (page_idle, page, "results for 3-40");
  g_assert_cmpuint (vp_counter_page_get_n_results (page), ==, 2);
  vp_ui_test_type (search, "3");
  vp_ui_test_wait (page_idle, page, "results for 3-403");
  g_assert_cmpuint (vp_counter_page_get_n_results (page), ==, 1);
  g_assert_cmpstr (vp_counter_page_get_result (page, 0), ==, fixture->li_lei);

  /* Part of a meter address. */
  gtk_editable_set_text (search, "");
  vp_ui_test_type (search, "4867");
  vp_ui_test_wait (page_idle, page, "results for 4867");
  g_assert_cmpuint (vp_counter_page_get_n_results (page), ==, 1);
  g_assert_cmpstr (vp_counter_page_get_result (page, 0), ==, fixture->wang_fang);

  /* Escape clears the field; nothing listed. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "back", NULL);
  vp_ui_test_wait (page_idle, page, "the cleared search");
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
  g_assert_cmpuint (vp_counter_page_get_n_results (page), ==, 0);
}

static void
test_low_balance_is_red (VpUiFixture   *fixture,
                         gconstpointer  data)
{
  VpCounterPage *page = login_and_pick (fixture, "cashier", "李雷", fixture->li_lei);
  VpCustomerCard *card = VP_CUSTOMER_CARD (vp_counter_page_get_card (page));

  g_assert_cmpstr (vp_customer_card_get_balance_text (card), ==, "¥10.00");
  g_assert_cmpint (vp_customer_card_get_balance_level (card), ==, VP_BALANCE_ALARM2);
}

static gboolean
receipt_saved (gpointer data)
{
  const char *message = vp_counter_page_get_message (data);

  return message != NULL && strstr (message, "saved as") != NULL;
}

static gboolean
receipt_reprinted (gpointer data)
{
  const char *message = vp_counter_page_get_message (data);

  return message != NULL && strstr (message, "DUPLICATE, copy 1") != NULL;
}

static gboolean
topup_done (gpointer data)
{
  return !vp_topup_dialog_get_busy (data) &&
         g_str_equal (vp_topup_dialog_get_step (data), "done");
}

static void
test_topup (VpUiFixture   *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  VpCounterPage *page;
  VpTopupDialog *topup;
  VpLedgerEntry *entry;
  GtkWindow *shift;
  CardWait w;

  page = login_and_pick (fixture, "cashier", "王芳", fixture->wang_fang);

  /* F5. The cashier has no shift yet: open one first, then the top-up follows. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "topup", NULL);
  shift = wait_dialog (page, VP_TYPE_SHIFT_DIALOG);
  gtk_editable_set_text (vp_shift_dialog_get_float (VP_SHIFT_DIALOG (shift)), "200.00");
  gtk_widget_activate_action (GTK_WIDGET (shift), "shift.open", NULL);
  topup = VP_TOPUP_DIALOG (wait_dialog (page, VP_TYPE_TOPUP_DIALOG));
  g_object_ref (topup);

  /* Nothing typed: told so, nothing stored. */
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.next", NULL);
  g_assert_cmpstr (vp_topup_dialog_get_step (topup), ==, "amount");
  g_assert_cmpstr (vp_topup_dialog_get_error (topup), ==, "Type the amount to top up.");

  /* Quick amount, then the keypad, then cash handed over. */
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.quick", "i", 100);
  g_assert_cmpstr (gtk_editable_get_text (vp_topup_dialog_get_amount (topup)), ==, "100.00");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.key", "s", "back");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.key", "s", "back");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.key", "s", "back");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.key", "s", "5");
  g_assert_cmpstr (gtk_editable_get_text (vp_topup_dialog_get_amount (topup)), ==, "1005");
  gtk_editable_set_text (vp_topup_dialog_get_amount (topup), "");
  vp_ui_test_type (vp_topup_dialog_get_amount (topup), "150");
  vp_ui_test_type (vp_topup_dialog_get_tendered (topup), "100");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.next", NULL);
  g_assert_cmpstr (vp_topup_dialog_get_error (topup), ==,
                   "The cash received is less than the amount to top up.");
  gtk_editable_set_text (vp_topup_dialog_get_tendered (topup), "200");

  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.next", NULL);
  g_assert_cmpstr (vp_topup_dialog_get_step (topup), ==, "confirm");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.commit", NULL);
  vp_ui_test_wait (topup_done, topup, "the stored top-up");
  g_assert_nonnull (vp_topup_dialog_get_receipt (topup));

  /* The ledger says what the cashier saw. */
  entries = vp_ledger_list (fixture->db, vp_context_get_session (fixture->context),
                            fixture->wang_fang, 1, &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->kind, ==, VP_LEDGER_TOPUP);
  g_assert_cmpint (entry->amount, ==, 15000);
  g_assert_cmpint (entry->balance_after, ==, 65000);
  g_assert_cmpint (entry->method, ==, VP_PAYMENT_CASH);
  g_assert_cmpint (entry->tendered, ==, 20000);
  g_assert_cmpint (entry->change, ==, 5000);
  g_assert_cmpstr (entry->receipt, ==, vp_topup_dialog_get_receipt (topup));

  /* Closing the dialog: the card shows the new balance. */
  gtk_widget_activate_action (GTK_WIDGET (topup), "window.close", NULL);
  w = (CardWait) { page, fixture->wang_fang, 65000 };
  vp_ui_test_wait (card_shows, &w, "the new balance");
  g_assert_cmpstr (vp_customer_card_get_balance_text (VP_CUSTOMER_CARD (vp_counter_page_get_card (page))),
                   ==, "¥650.00");
  vp_ui_test_finalize (topup);

  /* The receipt was saved for printing at once, then F8 prints a marked copy. */
  vp_ui_test_wait (receipt_saved, page, "the receipt PDF");
  g_assert_nonnull (strstr (vp_counter_page_get_message (page), entry->receipt));
  g_assert_true (g_file_test (vp_counter_page_get_printed_path (page), G_FILE_TEST_IS_REGULAR));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "reprint", NULL);
  vp_ui_test_wait (receipt_reprinted, page, "the reprint");
  g_assert_nonnull (strstr (vp_counter_page_get_message (page), entry->receipt));
  g_assert_true (g_file_test (vp_counter_page_get_printed_path (page), G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr(VpReceipt) receipt = NULL;

    g_assert_true (vp_receipt_load (fixture->db, entry->receipt, &receipt, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (receipt->reprint_count, ==, 2);
  }
}

/* Enter: GTK activates the focused widget (an entry activates its window's default). */
static void
press_enter (GtkWindow *window)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  g_assert_nonnull (focus);
  if (GTK_IS_TEXT (focus))
    g_signal_emit_by_name (focus, "activate");
  else
    g_assert_true (gtk_widget_activate (focus));
}

static gboolean
step_is (gpointer data)
{
  gpointer *args = data;

  return !vp_topup_dialog_get_busy (args[0]) &&
         g_str_equal (vp_topup_dialog_get_step (args[0]), args[1]);
}

static void
wait_step (VpTopupDialog *dialog,
           const char    *step)
{
  gpointer args[2] = { dialog, (gpointer) step };

  vp_ui_test_wait (step_is, args, step);
}

static gboolean
is_destroyed (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_keyboard_topup (VpUiFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(VpAccount) account = NULL;
  VpTopupDialog *topup;
  GtkWindow *shift;
  VpCounterPage *page;

  /* F2, type, Enter; F5; Enter on the shift's float; amount, Enter, Enter, Enter. */
  page = login_and_pick (fixture, "cashier", "李雷", fixture->li_lei);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "topup", NULL);
  shift = wait_dialog (page, VP_TYPE_SHIFT_DIALOG);
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (shift),
                                         GTK_WIDGET (vp_shift_dialog_get_float (VP_SHIFT_DIALOG (shift)))));
  press_enter (shift);

  topup = VP_TOPUP_DIALOG (wait_dialog (page, VP_TYPE_TOPUP_DIALOG));
  g_object_add_weak_pointer (G_OBJECT (topup), (gpointer *) &topup);
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (topup)),
                                         GTK_WIDGET (vp_topup_dialog_get_amount (topup))));
  vp_ui_test_type (vp_topup_dialog_get_amount (topup), "80");
  press_enter (GTK_WINDOW (topup));
  wait_step (topup, "confirm");
  press_enter (GTK_WINDOW (topup));
  wait_step (topup, "done");
  press_enter (GTK_WINDOW (topup));
  vp_ui_test_wait (is_destroyed, &topup, "the closed top-up dialog");

  account = vp_ui_test_account (fixture, fixture->li_lei);
  g_assert_cmpint (account->balance, ==, 9000);
}

static void
test_topup_restores_supply (VpUiFixture   *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autofree char *number = NULL;
  VpTopupDialog *topup;
  VpCounterPage *page;
  guint queued = 0;

  /* An account at ¥0.00 with a meter: the engine's balance rule cuts the supply. */
  admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  number = vp_ui_test_open_customer (fixture->db, admin, "周杰", "7-101", "000010609999", 0);
  g_assert_true (vp_engine_on_topup (fixture->db, number, &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, 1);

  /* The admin's shift is open: F5 goes straight to the amount. */
  page = login_and_pick (fixture, "admin", "周杰", number);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "topup", NULL);
  topup = VP_TOPUP_DIALOG (wait_dialog (page, VP_TYPE_TOPUP_DIALOG));
  vp_ui_test_type (vp_topup_dialog_get_amount (topup), "100");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.commit", NULL);
  wait_step (topup, "done");
  g_assert_nonnull (strstr (vp_topup_dialog_get_done_text (topup),
                            "1 meter will be switched back on"));
}

static gboolean
refund_settled (gpointer data)
{
  VpRefundDialog *dialog = data;

  return !vp_refund_dialog_get_busy (dialog) &&
         (vp_refund_dialog_get_approval (dialog) != NULL ||
          vp_refund_dialog_get_receipt (dialog) != NULL ||
          vp_refund_dialog_get_error (dialog) != NULL);
}

static gboolean
approval_answered (gpointer data)
{
  return !vp_approval_dialog_get_busy (data);
}

static gboolean
refund_stored (gpointer data)
{
  return vp_refund_dialog_get_receipt (data) != NULL;
}

static void
test_refund_with_approval (VpUiFixture   *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpApprovalDialog *approval;
  VpRefundDialog *refund;
  VpCounterPage *page;
  VpLedgerEntry *entry;
  CardWait w;

  /* The supervisor's own session would approve itself: the cashier asks. F6; refunds
   * need an open shift, so the cashier opens one first and the refund follows. */
  page = login_and_pick (fixture, "cashier", "王芳", fixture->wang_fang);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "refund", NULL);
  gtk_widget_activate_action (GTK_WIDGET (wait_dialog (page, VP_TYPE_SHIFT_DIALOG)),
                              "shift.open", NULL);

  /* ¥300.00 is above the ¥200.00 limit. */
  refund = VP_REFUND_DIALOG (wait_dialog (page, VP_TYPE_REFUND_DIALOG));
  vp_ui_test_type (vp_refund_dialog_get_amount (refund), "300");
  gtk_widget_activate_action (GTK_WIDGET (refund), "refund.commit", NULL);
  vp_ui_test_wait (refund_settled, refund, "the approval request");
  approval = VP_APPROVAL_DIALOG (vp_refund_dialog_get_approval (refund));
  g_assert_nonnull (approval);
  g_object_ref (approval);
  g_assert_null (vp_refund_dialog_get_receipt (refund));

  /* A cashier cannot approve; a wrong password is refused; both say why. */
  gtk_editable_set_text (vp_approval_dialog_get_login (approval), "cashier");
  gtk_editable_set_text (vp_approval_dialog_get_password (approval), VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (approval), "approval.approve", NULL));
  vp_ui_test_wait (approval_answered, approval, "the refused approval");
  g_assert_nonnull (vp_approval_dialog_get_error (approval));

  gtk_editable_set_text (vp_approval_dialog_get_login (approval), "supervisor");
  gtk_editable_set_text (vp_approval_dialog_get_password (approval), "wrong-password");
  gtk_widget_activate_action (GTK_WIDGET (approval), "approval.approve", NULL);
  vp_ui_test_wait (approval_answered, approval, "the wrong password");
  g_assert_cmpstr (vp_approval_dialog_get_error (approval), ==, "Wrong login or password");
  g_assert_true (vp_refund_dialog_get_approval (refund) == GTK_WINDOW (approval));

  gtk_editable_set_text (vp_approval_dialog_get_password (approval), VP_CONTEXT_DEMO_PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (approval), "approval.approve", NULL);
  vp_ui_test_wait (refund_stored, refund, "the approved refund");
  g_assert_null (vp_refund_dialog_get_approval (refund));
  vp_ui_test_finalize (approval);

  entries = vp_ledger_list (fixture->db, vp_context_get_session (fixture->context),
                            fixture->wang_fang, 1, &error);
  g_assert_no_error (error);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->kind, ==, VP_LEDGER_REFUND);
  g_assert_cmpint (entry->amount, ==, -30000);
  g_assert_cmpint (entry->approver_id, !=, 0);
  g_assert_cmpint (entry->approver_id, !=, entry->operator_id);
  account = vp_ui_test_account (fixture, fixture->wang_fang);
  g_assert_cmpint (account->balance, ==, 20000);

  gtk_widget_activate_action (GTK_WIDGET (refund), "window.close", NULL);
  w = (CardWait) { page, fixture->wang_fang, 20000 };
  vp_ui_test_wait (card_shows, &w, "the balance after the refund");
  g_assert_cmpstr (vp_customer_card_get_balance_text (VP_CUSTOMER_CARD (vp_counter_page_get_card (page))),
                   ==, "¥200.00");
}

static gboolean
message_says_saved (gpointer data)
{
  const char *message = vp_counter_page_get_message (data);

  return message != NULL && strstr (message, "saved as") != NULL;
}

static void
test_reverse_by_supervisor (VpUiFixture   *fixture,
                            gconstpointer  data)
{
  g_autoptr(VpAccount) account = NULL;
  VpCounterPage *page;
  GtkWindow *question;
  CardWait w;

  /* The supervisor may reverse; the account's newest top-up is the opening one. */
  page = login_and_pick (fixture, "supervisor", "李雷", fixture->li_lei);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "counter.reverse", NULL));
  question = vp_counter_page_get_dialog (page);
  g_assert_true (GTK_IS_DIALOG (question));
  gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_ACCEPT);

  w = (CardWait) { page, fixture->li_lei, 0 };
  vp_ui_test_wait (card_shows, &w, "the reversed balance");
  account = vp_ui_test_account (fixture, fixture->li_lei);
  g_assert_cmpint (account->balance, ==, 0);
  g_assert_nonnull (strstr (vp_counter_page_get_message (page), "reversed"));
  /* the receipt's printing, done in the background, adds to the message, whichever of
   * it and the card's reload finishes first */
  vp_ui_test_wait (message_says_saved, page, "the reversal receipt saved");
  g_assert_nonnull (strstr (vp_counter_page_get_message (page), "reversed"));
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/counter/search", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_search, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/counter/low-balance", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_low_balance_is_red, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/counter/topup", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_topup, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/counter/keyboard-topup", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_keyboard_topup, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/counter/topup-restores-supply", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_topup_restores_supply, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/counter/refund-approval", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_refund_with_approval, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/counter/reverse", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_reverse_by_supervisor, vp_ui_fixture_teardown);

  return g_test_run ();
}
