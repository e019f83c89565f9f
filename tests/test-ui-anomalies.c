/* test-ui-anomalies.c: the Meters page's reading anomalies, resolved with its buttons
 *
 * The anomalies are made by the real engine (vp_engine_store_reading, what a cycle
 * does after each read): a meter whose register was reset and one bad read. The page
 * is the real one, driven by clicking its buttons and typing its note entries.
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "vp-anomaly.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-meters-page.h"
#include "vp-tariff-store.h"
#include "vp-ui-test.h"

#define WANG_METER "000010604867"
#define LI_METER   "000000000077"

typedef struct
{
  VpUiFixture   ui;
  VpEngine     *engine;
  GtkWidget    *window;
  VpMetersPage *page;
  gint64        t0;       /* after the meters were installed, by the station's clock */
} Fixture;

static gint64
query (Fixture    *f,
       const char *sql)
{
  sqlite3_stmt *stmt;
  gint64 value;

  vp_database_lock (f->ui.db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (f->ui.db), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  vp_database_unlock (f->ui.db);
  return value;
}

/* What a cycle stores for @address reading @total at @time. */
static VpReadingOutcome
store (Fixture    *f,
       const char *address,
       gint64      total,
       gint64      time)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM meters WHERE address = '%s'", address);
  VpMeterSample sample = { .total = total, .supply = VP_SUPPLY_ON };
  VpReadingOutcome outcome = VP_READING_STALE;

  g_assert_true (vp_engine_store_reading (f->engine, query (f, sql), &sample, time, &outcome,
                                          NULL, &error));
  g_assert_no_error (error);
  return outcome;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autofree char *sql = NULL;
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };  /* 1 yuan/kWh */
  VpMeterSpec meter;

  vp_ui_fixture_setup (&f->ui, NULL);
  admin = vp_session_login (f->ui.db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (vp_tariff_store_add (f->ui.db, admin, "flat", VP_UTILITY_ELECTRICITY, &flat,
                                      NULL, &error));
  g_assert_no_error (error);
  vp_meter_spec_init (&meter);
  meter.address = LI_METER;
  g_assert_true (vp_account_add_meter (f->ui.db, admin, f->ui.li_lei, &meter, NULL, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE accounts SET tariff = 'flat' WHERE number IN ('%s', '%s')",
                         f->ui.wang_fang, f->ui.li_lei);
  g_assert_true (vp_database_exec (f->ui.db, sql, &error));
  g_assert_no_error (error);

  /* Wang Fang's register is reset after 1.00 kWh: two readings "go backwards". Li Lei's
   * meter reads one glitch. */
  f->engine = vp_engine_new (f->ui.db, NULL);
  f->t0 = g_get_real_time () / G_USEC_PER_SEC + 60;
  g_assert_cmpint (store (f, WANG_METER, 100, f->t0), ==, VP_READING_CHARGED);
  g_assert_cmpint (store (f, WANG_METER, 10, f->t0 + 3600), ==, VP_READING_ANOMALY);
  g_assert_cmpint (store (f, WANG_METER, 20, f->t0 + 7200), ==, VP_READING_ANOMALY);
  g_assert_cmpint (store (f, LI_METER, 100, f->t0), ==, VP_READING_CHARGED);
  g_assert_cmpint (store (f, LI_METER, 40, f->t0 + 3600), ==, VP_READING_ANOMALY);

  vp_ui_test_login (&f->ui, "technician", VP_CONTEXT_DEMO_PASSWORD);
  f->window = gtk_window_new ();
  f->page = VP_METERS_PAGE (vp_meters_page_new (f->ui.context));
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_pointer (&f->engine, vp_engine_free);
  vp_ui_fixture_teardown (&f->ui, NULL);
}

static gboolean
panel_idle (gpointer data)
{
  return !vp_anomalies_panel_get_busy (data);
}

static gint64
open_anomaly_of (Fixture    *f,
                 const char *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = vp_anomaly_list (f->ui.db, TRUE, account, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 1);
  return ((VpAnomaly *) open->pdata[0])->id;
}

/* Clicks @action's button in anomaly @id's row and waits for the answer and the new
 * list. */
static void
click (Fixture    *f,
       gint64      id,
       const char *action)
{
  VpAnomaliesPanel *panel = vp_meters_page_get_anomalies (f->page);
  GtkButton *button = vp_anomalies_panel_get_button (panel, id, action);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (vp_anomalies_panel_get_busy (panel));
  vp_ui_test_wait (panel_idle, panel, action);
}

static void
test_resolve (Fixture       *f,
              gconstpointer  data)
{
  VpAnomaliesPanel *panel = vp_meters_page_get_anomalies (f->page);
  gint64 wang = open_anomaly_of (f, f->ui.wang_fang);
  gint64 li = open_anomaly_of (f, f->ui.li_lei);
  g_autoptr(VpAccount) before = NULL;
  g_autoptr(VpAccount) after = NULL;
  GtkLabel *error_label;

  vp_ui_test_wait (panel_idle, panel, "the anomalies");
  g_assert_cmpuint (vp_anomalies_panel_get_n_rows (panel), ==, 2);

  /* no note: the model's reason in the row, nothing resolved */
  click (f, wang, "rebaseline");
  error_label = vp_anomalies_panel_get_error (panel, wang);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "note"));
  g_assert_cmpuint (vp_anomalies_panel_get_n_rows (panel), ==, 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolved_at IS NULL"), ==, 2);
  vp_ui_test_save_png (f->window, "en", "meters-anomalies");

  /* accepted as the new start: the newest reading (0.20) is the base */
  vp_ui_test_type (vp_anomalies_panel_get_note (panel, wang), "board replaced");
  click (f, wang, "rebaseline");
  g_assert_cmpuint (vp_anomalies_panel_get_n_rows (panel), ==, 1);
  g_assert_null (vp_anomalies_panel_get_note (panel, wang));
  g_assert_nonnull (strstr (vp_anomalies_panel_get_status (panel), "0.20"));
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolution = 'rebaseline' "
                             "AND note = 'board replaced' AND resolved_by > 0"), ==, 1);
  before = vp_ui_test_account (&f->ui, f->ui.wang_fang);
  g_assert_cmpint (store (f, WANG_METER, 70, f->t0 + 10800), ==, VP_READING_CHARGED);
  after = vp_ui_test_account (&f->ui, f->ui.wang_fang);
  g_assert_cmpint (before->balance - after->balance, ==, 50);

  /* a bad read dismissed */
  vp_ui_test_type (vp_anomalies_panel_get_note (panel, li), "noise on the bus");
  click (f, li, "dismiss");
  g_assert_cmpuint (vp_anomalies_panel_get_n_rows (panel), ==, 0);
  g_assert_nonnull (strstr (vp_anomalies_panel_get_status (panel), "dismissed"));
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolution = 'dismiss'"), ==, 1);
}

/* A cashier sees the anomalies but cannot resolve them. */
static void
test_cashier (Fixture       *f,
              gconstpointer  data)
{
  VpAnomaliesPanel *panel = vp_meters_page_get_anomalies (f->page);
  gint64 li = open_anomaly_of (f, f->ui.li_lei);
  GtkButton *button;

  vp_context_logout (f->ui.context);
  vp_ui_test_login (&f->ui, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  vp_ui_test_wait (panel_idle, panel, "the anomalies");
  g_assert_cmpuint (vp_anomalies_panel_get_n_rows (panel), ==, 2);
  button = vp_anomalies_panel_get_button (panel, li, "dismiss");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (vp_anomalies_panel_get_button (panel, li,
                                                                                    "rebaseline"))));
  g_signal_emit_by_name (button, "clicked");
  g_assert_false (vp_anomalies_panel_get_busy (panel));
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolved_at IS NULL"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/anomalies/resolve", Fixture, NULL, fixture_setup, test_resolve,
              fixture_teardown);
  g_test_add ("/vp/ui/anomalies/cashier", Fixture, NULL, fixture_setup, test_cashier,
              fixture_teardown);

  return g_test_run ();
}
