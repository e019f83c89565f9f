/* test-ui-shift.c: open a shift with a float, take top-ups, close short with approval */
#include "config.h"

#include "vp-approval-dialog.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-shift-page.h"
#include "vp-ui-test.h"

static gboolean
page_idle (gpointer data)
{
  return !vp_shift_page_get_busy (data);
}

static gboolean
dialog_shown (gpointer data)
{
  return vp_shift_page_get_dialog (data) != NULL;
}

static gboolean
closed (gpointer data)
{
  return vp_shift_page_get_dialog (data) == NULL && !vp_shift_page_get_busy (data) &&
         vp_shift_page_get_closed (data) != NULL;
}

static gboolean
approval_idle (gpointer data)
{
  return !vp_approval_dialog_get_busy (data);
}

static void
topup (VpUiFixture     *fixture,
       const char      *login,
       gint64           amount,
       VpPaymentMethod  method,
       GQuark           domain,
       int              code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) session = vp_session_login (fixture->db, login, VP_CONTEXT_DEMO_PASSWORD,
                                                   &error);
  gboolean ok;

  g_assert_no_error (error);
  ok = vp_ledger_topup (fixture->db, session, fixture->wang_fang, amount, method, NULL,
                        method == VP_PAYMENT_CASH ? amount : 0, NULL, &error);
  if (domain == 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_error (error, domain, code);
      g_assert_false (ok);
    }
}

static void
test_close_short (VpUiFixture   *fixture,
                  gconstpointer  data)
{
  GtkWidget *window = gtk_window_new ();
  VpShiftPage *page;
  VpApprovalDialog *approval;
  const VpShift *shift;

  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_SHIFT_PAGE (vp_shift_page_new (fixture->context));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (page_idle, page, "the shift");
  g_assert_null (vp_shift_page_get_current (page));
  g_assert_nonnull (strstr (vp_shift_page_get_message (page), "No shift is open"));

  /* The cashier cannot sell before the shift is open. */
  topup (fixture, "cashier", 5000, VP_PAYMENT_CASH, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT);

  gtk_editable_set_text (vp_shift_page_get_float (page), "200.00");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.open", NULL));
  vp_ui_test_wait (page_idle, page, "the shift opening");
  shift = vp_shift_page_get_current (page);
  g_assert_nonnull (shift);
  g_assert_cmpint (shift->float_amount, ==, 20000);

  topup (fixture, "cashier", 10000, VP_PAYMENT_CASH, 0, 0);
  topup (fixture, "cashier", 5000, VP_PAYMENT_WECHAT, 0, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.refresh", NULL));
  vp_ui_test_wait (page_idle, page, "the shift totals");
  shift = vp_shift_page_get_current (page);
  g_assert_cmpint (shift->expected, ==, 30000);
  g_assert_cmpint (shift->wechat, ==, 5000);

  /* 2 × 100 + 1 × 50 + 2 × 20 = 290 yuan: ten short. */
  vp_shift_page_set_count (page, 10000, 2);
  vp_shift_page_set_count (page, 5000, 1);
  vp_shift_page_set_count (page, 2000, 2);
  g_assert_cmpint (vp_shift_page_get_counted (page), ==, 29000);
  g_assert_cmpstr (vp_shift_page_get_over_short_text (page), ==, "Short by ¥10.00");

  /* The cashier may not accept their own shortfall: a supervisor must. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.close", NULL));
  vp_ui_test_wait (dialog_shown, page, "the supervisor dialog");
  g_assert_null (vp_shift_page_get_closed (page));
  approval = VP_APPROVAL_DIALOG (vp_shift_page_get_dialog (page));
  g_assert_nonnull (vp_shift_page_get_current (page));

  gtk_editable_set_text (vp_approval_dialog_get_login (approval), "supervisor");
  gtk_editable_set_text (vp_approval_dialog_get_password (approval), "wrong-password");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (approval), "approval.approve", NULL));
  vp_ui_test_wait (approval_idle, approval, "the refused approval");
  g_assert_nonnull (vp_approval_dialog_get_error (approval));
  g_assert_null (vp_shift_page_get_closed (page));

  gtk_editable_set_text (vp_approval_dialog_get_password (approval), VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (approval), "approval.approve", NULL));
  vp_ui_test_wait (closed, page, "the close");
  shift = vp_shift_page_get_closed (page);
  g_assert_cmpint (shift->counted, ==, 29000);
  g_assert_cmpint (shift->over_short, ==, -1000);
  g_assert_cmpint (shift->approver_id, !=, 0);
  g_assert_null (vp_shift_page_get_current (page));

  /* The next cashier (or this one) sells only after opening a new shift. */
  topup (fixture, "cashier", 5000, VP_PAYMENT_CASH, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT);

  /* Reports are a supervisor's: the cashier's Z report is refused, with a reason. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.z-report", NULL));
  vp_ui_test_wait (page_idle, page, "the refused Z report");
  g_assert_null (vp_shift_page_get_z_report_path (page));
  g_assert_nonnull (vp_shift_page_get_message (page));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_balanced (VpUiFixture   *fixture,
               gconstpointer  data)
{
  GtkWidget *window = gtk_window_new ();
  VpShiftPage *page;

  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_SHIFT_PAGE (vp_shift_page_new (fixture->context));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (page_idle, page, "the shift");

  /* Bad input: a message, nothing opened. */
  gtk_editable_set_text (vp_shift_page_get_float (page), "abc");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.open", NULL));
  vp_ui_test_wait (page_idle, page, "the refusal");
  g_assert_null (vp_shift_page_get_current (page));
  g_assert_nonnull (vp_shift_page_get_message (page));

  gtk_editable_set_text (vp_shift_page_get_float (page), "0.60");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.open", NULL));
  vp_ui_test_wait (page_idle, page, "the shift opening");
  g_assert_nonnull (vp_shift_page_get_current (page));

  /* Exactly the float: no supervisor needed. */
  vp_shift_page_set_count (page, 50, 1);
  vp_shift_page_set_count (page, 10, 1);
  g_assert_cmpstr (vp_shift_page_get_over_short_text (page), ==, "Balanced");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.close", NULL));
  vp_ui_test_wait (closed, page, "the close");
  g_assert_cmpint (vp_shift_page_get_closed (page)->over_short, ==, 0);
  g_assert_cmpint (vp_shift_page_get_closed (page)->approver_id, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_z_report (VpUiFixture   *fixture,
               gconstpointer  data)
{
  g_autofree char *pdf = NULL;
  gsize length = 0;
  GtkWidget *window = gtk_window_new ();
  VpShiftPage *page;

  /* The admin's shift (fixture) with the customers' opening top-ups in it. */
  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_SHIFT_PAGE (vp_shift_page_new (fixture->context));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (page_idle, page, "the shift");
  g_assert_cmpint (vp_shift_page_get_current (page)->topups, ==, 51000);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "shift.z-report", NULL));
  vp_ui_test_wait (page_idle, page, "the Z report");
  g_assert_nonnull (vp_shift_page_get_z_report_path (page));
  g_assert_true (g_file_get_contents (vp_shift_page_get_z_report_path (page), &pdf, &length,
                                      NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/shift/close-short", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_close_short, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/shift/z-report", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_z_report, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/shift/balanced", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_balanced, vp_ui_fixture_teardown);

  return g_test_run ();
}
