/* test-ui-accounts.c: open an account with the wizard, transfer, suspend, close */
#include "config.h"

#include "vp-account-wizard.h"
#include "vp-accounts-page.h"
#include "vp-customer-form.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-search.h"
#include "vp-shift-dialog.h"
#include "vp-transfer-dialog.h"
#include "vp-ui-test.h"

static gboolean
page_idle (gpointer data)
{
  return !vp_accounts_page_get_busy (data);
}

static gboolean
no_dialog (gpointer data)
{
  return vp_accounts_page_get_dialog (data) == NULL && !vp_accounts_page_get_busy (data);
}

static gboolean
wizard_idle (gpointer data)
{
  return !vp_account_wizard_get_busy (data);
}

static VpAccountsPage *
show_accounts (VpUiFixture *fixture,
               const char  *login)
{
  VpAccountsPage *page;

  vp_ui_test_login (fixture, login, VP_CONTEXT_DEMO_PASSWORD);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-accounts", NULL);
  page = VP_ACCOUNTS_PAGE (vp_window_get_page (fixture->window, "accounts"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)) ||
                 vp_window_get_page_visible (fixture->window, "accounts"));
  vp_ui_test_wait (page_idle, page, "the account list");
  return page;
}

static void
next_step (VpAccountWizard *wizard,
           const char      *expected)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  g_assert_cmpstr (vp_account_wizard_get_step (wizard), ==, expected);
}

static void
test_wizard (VpUiFixture   *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpCustomerForm *form;
  VpAccountWizard *wizard;
  VpAccountsPage *page;
  VpSearchHit *hit;

  page = show_accounts (fixture, "cashier");
  /* The fixture's two customers, listed in number order. */
  g_assert_cmpuint (vp_accounts_page_get_n_results (page), ==, 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.open", NULL));
  wizard = VP_ACCOUNT_WIZARD (vp_accounts_page_get_dialog (page));
  g_assert_nonnull (wizard);
  g_object_ref (wizard);
  g_assert_cmpstr (vp_account_wizard_get_step (wizard), ==, "customer");

  /* No name: the wizard stays and says so. */
  next_step (wizard, "customer");
  g_assert_cmpstr (vp_account_wizard_get_error (wizard), ==, "Type the customer's name.");
  form = VP_CUSTOMER_FORM (vp_account_wizard_get_form (wizard));
  vp_ui_test_type (vp_customer_form_get_editable (form, VP_CUSTOMER_FIELD_NAME), "赵敏");
  vp_ui_test_type (vp_customer_form_get_editable (form, VP_CUSTOMER_FIELD_PHONE), "13912345678");
  next_step (wizard, "premises");

  vp_ui_test_type (vp_account_wizard_get_field (wizard, VP_WIZARD_FIELD_ROOM), "5-101");
  vp_ui_test_type (vp_account_wizard_get_field (wizard, VP_WIZARD_FIELD_ELECTRICITY), "12345");
  next_step (wizard, "premises");
  g_assert_cmpstr (vp_account_wizard_get_error (wizard), ==,
                   "An electricity meter address has 12 digits.");
  gtk_editable_set_text (vp_account_wizard_get_field (wizard, VP_WIZARD_FIELD_ELECTRICITY),
                         "000000123456");
  next_step (wizard, "tariff");

  /* Alarms out of order are refused before anything is stored. */
  gtk_editable_set_text (vp_account_wizard_get_field (wizard, VP_WIZARD_FIELD_ALARM2), "80.00");
  next_step (wizard, "tariff");
  g_assert_nonnull (vp_account_wizard_get_error (wizard));
  gtk_editable_set_text (vp_account_wizard_get_field (wizard, VP_WIZARD_FIELD_ALARM2), "20.00");
  next_step (wizard, "topup");
  next_step (wizard, "summary");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  vp_ui_test_wait (wizard_idle, wizard, "the opened account");
  g_assert_null (vp_account_wizard_get_error (wizard));
  vp_ui_test_finalize (wizard);
  vp_ui_test_wait (no_dialog, page, "the account page");
  g_assert_nonnull (strstr (vp_accounts_page_get_message (page), "opened for 赵敏"));

  /* What the model stored: found by name, with its room and meter. */
  hits = vp_search_accounts (fixture->db, vp_context_get_session (fixture->context), "赵敏", -1,
                             10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  account = vp_ui_test_account (fixture, hit->number);
  g_assert_cmpstr (account->room, ==, "5-101");
  g_assert_cmpstr (account->phone, ==, "13912345678");
  g_assert_cmpuint (account->meters->len, ==, 1);
  g_assert_cmpstr (((VpMeter *) g_ptr_array_index (account->meters, 0))->address, ==,
                   "000000123456");
  g_assert_cmpint (account->alarm2, ==, 2000);
  g_assert_cmpuint (vp_accounts_page_get_n_results (page), ==, 3);
}

static gboolean
card_is (gpointer data)
{
  gpointer *args = data;
  const VpAccount *account = vp_accounts_page_get_account (args[0]);

  return !vp_accounts_page_get_busy (args[0]) && account != NULL &&
         g_str_equal (account->number, args[1]) &&
         account->status == (VpAccountStatus) GPOINTER_TO_INT (args[2]);
}

static void
wait_card (VpAccountsPage  *page,
           const char      *number,
           VpAccountStatus  status)
{
  gpointer args[3] = { page, (gpointer) number, GINT_TO_POINTER (status) };

  g_autofree char *what = g_strdup_printf ("account %s in state %d (page says: %s)", number,
                                           status, vp_accounts_page_get_message (page));

  vp_ui_test_wait (card_is, args, what);
}

static gboolean
shift_asked (gpointer data)
{
  GtkWindow *dialog = vp_accounts_page_get_dialog (data);

  return dialog != NULL && VP_IS_SHIFT_DIALOG (dialog);
}

static void
test_life_cycle (VpUiFixture   *fixture,
                 gconstpointer  data)
{
  g_autoptr(VpAccount) after = NULL;
  VpTransferDialog *transfer;
  VpAccountsPage *page;
  GtkWindow *question;

  /* The supervisor has no shift yet; closing with money left asks for one. */
  page = show_accounts (fixture, "supervisor");
  gtk_editable_set_text (vp_accounts_page_get_search (page), "李雷");
  vp_ui_test_wait (page_idle, page, "the search");
  g_assert_cmpuint (vp_accounts_page_get_n_results (page), ==, 1);
  vp_accounts_page_select (page, 0);
  wait_card (page, fixture->li_lei, VP_ACCOUNT_STATUS_OPEN);

  /* Suspend and restore. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.suspend", NULL));
  wait_card (page, fixture->li_lei, VP_ACCOUNT_STATUS_SUSPENDED);
  g_assert_nonnull (strstr (vp_accounts_page_get_message (page), "suspended"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.restore", NULL));
  wait_card (page, fixture->li_lei, VP_ACCOUNT_STATUS_OPEN);

  /* 过户 to a new customer: the number and balance stay. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.transfer", NULL));
  transfer = VP_TRANSFER_DIALOG (vp_accounts_page_get_dialog (page));
  vp_ui_test_type (vp_customer_form_get_editable (VP_CUSTOMER_FORM (vp_transfer_dialog_get_form (transfer)),
                                                  VP_CUSTOMER_FIELD_NAME), "韩梅梅");
  gtk_widget_activate_action (GTK_WIDGET (transfer), "transfer.commit", NULL);
  vp_ui_test_wait (no_dialog, page, "the transfer");
  wait_card (page, fixture->li_lei, VP_ACCOUNT_STATUS_OPEN);
  g_assert_cmpstr (vp_accounts_page_get_account (page)->name, ==, "韩梅梅");
  g_assert_cmpint (vp_accounts_page_get_account (page)->balance, ==, 1000);

  /* Close: asked first; the ¥10.00 left is paid back in cash. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.close", NULL));
  question = vp_accounts_page_get_dialog (page);
  g_assert_true (GTK_IS_DIALOG (question));
  gtk_dialog_response (GTK_DIALOG (question), GTK_RESPONSE_ACCEPT);
  vp_ui_test_wait (shift_asked, page, "the shift dialog");
  gtk_widget_activate_action (GTK_WIDGET (vp_accounts_page_get_dialog (page)), "shift.open", NULL);
  wait_card (page, fixture->li_lei, VP_ACCOUNT_STATUS_CLOSED);
  after = vp_ui_test_account (fixture, fixture->li_lei);
  g_assert_cmpint (after->balance, ==, 0);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.transfer", NULL) &&
                  vp_accounts_page_get_dialog (page) != NULL);
}

static void
test_technician_cannot_manage (VpUiFixture   *fixture,
                               gconstpointer  data)
{
  VpAccountsPage *page = show_accounts (fixture, "technician");

  g_assert_false (vp_accounts_page_get_can_manage (page));
  g_assert_cmpuint (vp_accounts_page_get_n_results (page), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (page), "accounts.open", NULL);
  g_assert_null (vp_accounts_page_get_dialog (page));
}

static gboolean
alarms_prefilled (gpointer data)
{
  return g_str_equal (gtk_editable_get_text (vp_account_wizard_get_field (data,
                                               VP_WIZARD_FIELD_ALARM1)), "66.00");
}

/* The wizard starts from the counter's default thresholds (Settings). */
static void
test_wizard_defaults (VpUiFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpAccountWizard *wizard;
  VpAccountsPage *page;

  g_assert_true (vp_database_set_setting (fixture->db, VP_ACCOUNT_DEFAULT_ALARM1_KEY, "66.00",
                                          &error));
  g_assert_true (vp_database_set_setting (fixture->db, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "33.00",
                                          &error));
  g_assert_true (vp_database_set_setting (fixture->db, VP_ACCOUNT_DEFAULT_TRIP_KEY, "-2.00",
                                          &error));
  g_assert_no_error (error);
  page = show_accounts (fixture, "cashier");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.open", NULL));
  wizard = VP_ACCOUNT_WIZARD (vp_accounts_page_get_dialog (page));
  g_assert_nonnull (wizard);
  vp_ui_test_wait (alarms_prefilled, wizard, "the default thresholds");
  g_assert_cmpstr (gtk_editable_get_text (vp_account_wizard_get_field (wizard,
                                            VP_WIZARD_FIELD_ALARM2)), ==, "33.00");
  g_assert_cmpstr (gtk_editable_get_text (vp_account_wizard_get_field (wizard,
                                            VP_WIZARD_FIELD_TRIP)), ==, "-2.00");
  gtk_window_close (GTK_WINDOW (wizard));
  vp_ui_test_wait (no_dialog, page, "the account page");
}

/* 合闸阈值: typed on the Accounts page, refused below the trip threshold with the text
 * kept, stored, shown again, and cleared back to the trip threshold. */
static void
test_close_threshold (VpUiFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpAccountsPage *page = show_accounts (fixture, "supervisor");
  GtkEditable *entry;
  gboolean set = TRUE;
  gint64 amount = 0;

  gtk_editable_set_text (vp_accounts_page_get_search (page), "李雷");
  vp_ui_test_wait (page_idle, page, "the search");
  vp_accounts_page_select (page, 0);
  wait_card (page, fixture->li_lei, VP_ACCOUNT_STATUS_OPEN);
  vp_ui_test_wait (page_idle, page, "the close threshold");
  entry = vp_accounts_page_get_close_threshold (page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (entry)));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");

  vp_ui_test_type (entry, "-5");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.close-threshold", NULL));
  vp_ui_test_wait (page_idle, page, "the refusal");
  g_assert_nonnull (strstr (vp_accounts_page_get_message (page), "at least its trip threshold"));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "-5");

  gtk_editable_set_text (entry, "");
  vp_ui_test_type (entry, "50");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.close-threshold", NULL));
  vp_ui_test_wait (page_idle, page, "the close threshold");
  g_assert_nonnull (strstr (vp_accounts_page_get_message (page), "50.00"));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "50.00");
  g_assert_true (vp_engine_get_close_threshold (fixture->db, fixture->li_lei, &set, &amount,
                                                &error));
  g_assert_true (set);
  g_assert_cmpint (amount, ==, 5000);

  gtk_editable_set_text (entry, "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.close-threshold", NULL));
  vp_ui_test_wait (page_idle, page, "the default");
  g_assert_nonnull (strstr (vp_accounts_page_get_message (page), "trip threshold"));
  g_assert_true (vp_engine_get_close_threshold (fixture->db, fixture->li_lei, &set, &amount,
                                                &error));
  g_assert_false (set);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/accounts/wizard", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_wizard, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/accounts/wizard-defaults", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_wizard_defaults, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/accounts/life-cycle", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_life_cycle, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/accounts/close-threshold", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_close_threshold, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/accounts/technician", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_technician_cannot_manage, vp_ui_fixture_teardown);

  return g_test_run ();
}
