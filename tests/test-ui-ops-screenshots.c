/* test-ui-ops-screenshots.c: pictures of the rooms, meters, shift and settings pages
 *
 * Each page is shown at the window's size with demo data and a realistic state (a
 * tripped and a keep-power room, a meter read over the simulator with its frame log,
 * a shift being counted, the operators list) and written to
 * BUILD_DIR/screenshots/<page>-<lang>.png, in English and in Chinese. A person looks
 * at them for clipped labels; the test checks their size.
 */
#include "config.h"

#include "vp-commissioning-devices.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-meters-page.h"
#include "vp-rooms-page.h"
#include "vp-settings-page.h"
#include "vp-shift-page.h"
#include "vp-simulator.h"
#include "vp-ledger.h"
#include "vp-ui-test.h"

#define WIDTH  1200
#define HEIGHT 800

static GtkWidget *
show (GtkWidget  *page,
      const char *title)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), page);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
rooms_ready (gpointer data)
{
  return !vp_rooms_page_get_busy (data) && vp_rooms_page_get_n_tiles (data) > 0 &&
         vp_rooms_page_get_tile_state (data, "1-101") == VP_ROOM_TRIPPED;
}

static gboolean
meters_idle (gpointer data)
{
  return !vp_meters_page_get_busy (data);
}

static gboolean
shift_ready (gpointer data)
{
  return !vp_shift_page_get_busy (data) && vp_shift_page_get_current (data) != NULL;
}

static gboolean
settings_ready (gpointer data)
{
  return !vp_settings_page_get_busy (data) && vp_settings_page_get_n_operators (data) > 0;
}

static void
shoot_rooms (VpUiFixture *fixture,
             VpSession   *admin,
             const char  *lang)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rooms = vp_room_status_list (fixture->db, admin, "1", &error);
  const VpRoomStatus *keep = NULL;
  const VpRoomStatus *trip = NULL;
  const VpRoomStatus *offline = NULL;
  g_autofree char *sql = NULL;
  GtkWidget *window;
  VpRoomsPage *page;

  for (guint i = 0; rooms != NULL && i < rooms->len; i++)
    {
      const VpRoomStatus *r = g_ptr_array_index (rooms, i);

      if (g_str_equal (r->label, "1-101"))
        trip = r;
      else if (g_str_equal (r->label, "1-203"))
        keep = r;
      else if (g_str_equal (r->label, "1-302"))
        offline = r;
    }
  g_assert_nonnull (trip);
  g_assert_nonnull (keep);
  g_assert_nonnull (offline);
  /* What a confirmed trip and three unanswered reads leave in the engine's state (the
   * demo meters have no bus here; test-ui-rooms drives the real engine). */
  sql = g_strdup_printf ("INSERT INTO meter_state (meter_id, supply) SELECT id, 'off' FROM meters "
                         "WHERE account_id = (SELECT id FROM accounts WHERE number = '%s'); "
                         "INSERT INTO meter_state (meter_id, failures) SELECT id, 3 FROM meters "
                         "WHERE account_id = (SELECT id FROM accounts WHERE number = '%s');",
                         trip->account, offline->account);
  g_assert_true (vp_database_exec (fixture->db, sql, &error));
  g_assert_true (vp_engine_control (fixture->db, admin, keep->account, "keep-power", "demo",
                                    NULL, &error));
  g_assert_no_error (error);

  page = VP_ROOMS_PAGE (vp_rooms_page_new (fixture->context));
  window = show (GTK_WIDGET (page), "Rooms");
  vp_ui_test_wait (rooms_ready, page, "the rooms");
  vp_ui_test_save_png (window, lang, "rooms");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
meters_run (VpMetersPage *page,
            const char   *action,
            GVariant     *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (page), action, parameter));
  vp_ui_test_wait (meters_idle, page, action);
}

static void
shoot_meters (VpUiFixture *fixture,
              const char  *lang)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpCommissioning) commissioning = vp_commissioning_devices_new (client);
  g_autofree char *link = NULL;
  GtkWidget *window;
  VpMetersPage *page;

  vp_simulator_set_line (sim, 0, 11);
  vp_simulator_set_turnaround (sim, 5);
  g_assert_true (vp_simulator_add_meters (sim, "e:000010604867/money=86.50/energy=802.17",
                                          &error));
  g_assert_cmpuint (vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error), >, 0);
  g_assert_true (vp_simulator_start (sim, &error));
  g_assert_no_error (error);
  link = vp_simulator_get_tcp_uri (sim);
  vp_context_set_commissioning (fixture->context, commissioning);

  page = VP_METERS_PAGE (vp_meters_page_new (fixture->context));
  window = show (GTK_WIDGET (page), "Meters");
  gtk_editable_set_text (vp_meters_page_get_link (page), link);
  meters_run (page, "meters.read-address", NULL);
  meters_run (page, "meters.read-item", NULL);
  meters_run (page, "meters.control", g_variant_new_string ("trip"));
  vp_ui_test_save_png (window, lang, "meters");
  gtk_window_destroy (GTK_WINDOW (window));
  vp_context_set_commissioning (fixture->context, NULL);
  vp_simulator_stop (sim);
}

static void
shoot_shift (VpUiFixture *fixture,
             const char  *lang)
{
  GtkWidget *window;
  VpShiftPage *page;

  /* The admin's shift (fixture) has its float and the demo customers' top-ups. */
  page = VP_SHIFT_PAGE (vp_shift_page_new (fixture->context));
  window = show (GTK_WIDGET (page), "Shift");
  vp_ui_test_wait (shift_ready, page, "the shift");
  vp_shift_page_set_count (page, 10000, 6);
  vp_shift_page_set_count (page, 5000, 1);
  vp_shift_page_set_count (page, 1000, 5);
  vp_shift_page_set_count (page, 500, 1);
  vp_shift_page_set_count (page, 100, 4);
  vp_ui_test_save_png (window, lang, "shift");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
shoot_settings (VpUiFixture *fixture,
                const char  *lang)
{
  GtkWidget *window;
  VpSettingsPage *page;

  page = VP_SETTINGS_PAGE (vp_settings_page_new (fixture->context));
  window = show (GTK_WIDGET (page), "Settings");
  vp_ui_test_wait (settings_ready, page, "the settings");
  g_assert_true (vp_settings_page_select_operator (page, "cashier"));
  vp_ui_test_save_png (window, lang, "settings");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_screenshots (gconstpointer data)
{
  const char *lang = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = NULL;
  VpUiFixture fixture = { 0 };

  if (!vp_ui_test_in_language (lang))
    return;

  vp_ui_fixture_setup (&fixture, "demo");
  admin = vp_session_login (fixture.db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (vp_ledger_topup (fixture.db, admin, fixture.li_lei, 20000, VP_PAYMENT_CASH,
                                  NULL, 20000, NULL, &error));
  g_assert_no_error (error);

  vp_ui_test_login (&fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  shoot_rooms (&fixture, admin, lang);
  shoot_shift (&fixture, lang);
  shoot_settings (&fixture, lang);
  shoot_meters (&fixture, lang);

  vp_ui_fixture_teardown (&fixture, "demo");
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  /* Chinese first: its subprocess starts before this process has worker threads. */
  g_test_add_data_func ("/vp/ui/ops-screenshots/zh_CN", "zh_CN", test_screenshots);
  g_test_add_data_func ("/vp/ui/ops-screenshots/en", "en", test_screenshots);

  return g_test_run ();
}
