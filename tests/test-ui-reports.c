/* test-ui-reports.c: the Reports page runs revenue-daily, previews it, saves PDF and CSV */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "vp-database.h"
#include "vp-ledger.h"
#include "vp-reports-page.h"
#include "vp-ui-test.h"

static gboolean
page_idle (gpointer data)
{
  return !vp_reports_page_get_busy (data);
}

static void
topup (VpUiFixture *fixture,
       const char  *account,
       gint64       amount,
       VpPaymentMethod method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD,
                                                 &error);

  g_assert_no_error (error);
  /* The admin's shift (fixture) is open: the money goes into the ledger. */
  g_assert_true (vp_ledger_topup (fixture->db, admin, account, amount, method, NULL,
                                  method == VP_PAYMENT_CASH ? amount : 0, NULL, &error));
  g_assert_no_error (error);
}

/* The ledger's own sum of the money a revenue report covers, read independently. */
static gint64
ledger_revenue (VpUiFixture *fixture)
{
  sqlite3_stmt *stmt;
  gint64 sum;

  vp_database_lock (fixture->db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (fixture->db),
                                       "SELECT COALESCE (SUM (amount), 0) FROM ledger "
                                       "WHERE kind IN ('topup', 'refund', 'reversal')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sum = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  vp_database_unlock (fixture->db);
  return sum;
}

static GtkWidget *
show_page (VpUiFixture    *fixture,
           VpReportsPage **page)
{
  GtkWidget *window = gtk_window_new ();

  *page = VP_REPORTS_PAGE (vp_reports_page_new (fixture->context));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
run_revenue_daily (VpReportsPage *page)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

  g_assert_true (vp_reports_page_select (page, "revenue-daily"));
  g_assert_cmpstr (vp_reports_page_get_selected (page), ==, "revenue-daily");
  gtk_editable_set_text (vp_reports_page_get_from (page), today);
  gtk_editable_set_text (vp_reports_page_get_to (page), today);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "reports.run", NULL));
  vp_ui_test_wait (page_idle, page, "the report");
}

static void
test_revenue_daily (VpUiFixture   *fixture,
                    gconstpointer  data)
{
  g_autofree char *pdf_path = g_build_filename (fixture->dir, "out.pdf", NULL);
  g_autofree char *csv_path = g_build_filename (fixture->dir, "out.csv", NULL);
  g_autofree char *pdf = NULL;
  g_autofree char *csv = NULL;
  g_autoptr(GError) error = NULL;
  const VpReportTable *table;
  VpReportsPage *page;
  GtkWidget *window;
  gsize length = 0;
  int net;

  topup (fixture, fixture->wang_fang, 12345, VP_PAYMENT_CASH);
  topup (fixture, fixture->li_lei, 6000, VP_PAYMENT_WECHAT);
  topup (fixture, fixture->wang_fang, 100, VP_PAYMENT_CARD);

  vp_ui_test_login (fixture, "supervisor", VP_CONTEXT_DEMO_PASSWORD);
  window = show_page (fixture, &page);
  g_assert_null (vp_reports_page_get_table (page));
  g_assert_false (vp_reports_page_select (page, "no-such-report"));

  /* A date that does not exist is refused with a reason, nothing runs. */
  g_assert_true (vp_reports_page_select (page, "revenue-daily"));
  g_assert_true (vp_reports_page_get_operator_shown (page));
  g_assert_true (vp_reports_page_get_account_shown (page));
  gtk_editable_set_text (vp_reports_page_get_from (page), "2026-02-30");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "reports.run", NULL));
  g_assert_false (vp_reports_page_get_busy (page));
  g_assert_nonnull (strstr (vp_reports_page_get_message (page), "2026-02-30"));
  g_assert_null (vp_reports_page_get_table (page));

  run_revenue_daily (page);
  table = vp_reports_page_get_table (page);
  g_assert_nonnull (table);
  g_assert_null (vp_reports_page_get_message (page));
  g_assert_cmpstr (table->name, ==, "revenue-daily");
  g_assert_cmpstr (vp_reports_page_get_page_text (page), ==, "Page 1 / 1");
  net = vp_report_table_column (table, "net");
  g_assert_cmpint (net, >=, 0);
  g_assert_true (table->has_totals);
  /* Opening balances 500 + 10 yuan, then 123.45 + 60 + 1. */
  g_assert_cmpint (table->totals[net], ==, ledger_revenue (fixture));
  g_assert_cmpint (table->totals[net], ==, 51000 + 12345 + 6000 + 100);
  vp_ui_test_wait_drawn (GTK_WINDOW (window));

  g_assert_true (vp_reports_page_save_pdf (page, pdf_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (pdf, "%PDF"));

  g_assert_true (vp_reports_page_save_csv (page, csv_path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, &length, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  {
    /* The header row is the columns' titles, the net one among them. */
    g_auto(GStrv) lines = g_strsplit (csv + 3, "\n", 2);
    const char *title = ((VpReportColumn *) table->columns->pdata[net])->title;

    g_assert_nonnull (strstr (lines[0], title));
    g_assert_nonnull (lines[1]);
  }
  g_clear_pointer (&csv, g_free);
  g_assert_true (vp_reports_page_save_csv (page, csv_path, FALSE, &error));
  g_assert_true (g_file_get_contents (csv_path, &csv, &length, NULL));
  g_assert_false (g_str_has_prefix (csv, "\xEF\xBB\xBF"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_cashier_has_no_reports (VpUiFixture   *fixture,
                             gconstpointer  data)
{
  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_nonnull (vp_window_get_page (fixture->window, "reports"));
  g_assert_false (vp_window_get_page_visible (fixture->window, "reports"));

  vp_window_lock (fixture->window);
  vp_ui_test_login (fixture, "supervisor", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (vp_window_get_page_visible (fixture->window, "reports"));
}

static void
test_screenshots (gconstpointer data)
{
  const char *lang = data;
  VpUiFixture fixture = { 0 };
  VpReportsPage *page;
  GtkWidget *window;

  if (!vp_ui_test_in_language (lang))
    return;

  vp_ui_fixture_setup (&fixture, NULL);
  topup (&fixture, fixture.wang_fang, 12345, VP_PAYMENT_CASH);
  topup (&fixture, fixture.li_lei, 6000, VP_PAYMENT_WECHAT);
  vp_ui_test_login (&fixture, "supervisor", VP_CONTEXT_DEMO_PASSWORD);
  window = show_page (&fixture, &page);
  gtk_window_set_title (GTK_WINDOW (window), "Reports");
  run_revenue_daily (page);
  g_assert_nonnull (vp_reports_page_get_table (page));
  vp_ui_test_save_png (window, lang, "reports");
  gtk_window_destroy (GTK_WINDOW (window));
  vp_ui_fixture_teardown (&fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;
  g_test_add ("/vp/ui/reports/revenue-daily", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_revenue_daily, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/reports/cashier", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_cashier_has_no_reports, vp_ui_fixture_teardown);
  g_test_add_data_func ("/vp/ui/reports/screenshots/en", "en", test_screenshots);
  g_test_add_data_func ("/vp/ui/reports/screenshots/zh_CN", "zh_CN", test_screenshots);
  return g_test_run ();
}
