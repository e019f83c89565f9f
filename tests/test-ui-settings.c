/* test-ui-settings.c: operators and roles, tariffs, rooms and settings by the admin */
#include "config.h"

#include <string.h>

#include "vp-engine.h"
#include "vp-handover-dialog.h"
#include "vp-model-error.h"
#include "vp-settings-page.h"
#include "vp-settings.h"
#include "vp-tariff-store.h"
#include "vp-ui-test.h"

static gboolean
page_idle (gpointer data)
{
  return !vp_settings_page_get_busy (data);
}

/* Logged out, or asked first about the open shift. */
static gboolean
switched (gpointer data)
{
  return vp_window_get_locked (data) || vp_handover_dialog_find (data) != NULL;
}

/* Runs @action (target @parameter) and waits; checks the message is (not) an error. */
static void
run (VpSettingsPage *page,
     const char     *action,
     GVariant       *parameter,
     gboolean        expect_error)
{
  gboolean is_error = FALSE;
  const char *message;

  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (page), action, parameter));
  vp_ui_test_wait (page_idle, page, action);
  message = vp_settings_page_get_message (page, &is_error);
  g_assert_nonnull (message);
  g_test_message ("%s: %s", action, message);
  g_assert_cmpint (is_error, ==, expect_error);
}

static void
set (VpSettingsPage *page,
     const char     *field,
     const char     *text)
{
  gtk_editable_set_text (vp_settings_page_get_field (page, field), text);
}

static void
check_login (VpUiFixture *fixture,
             const char  *login,
             const char  *password,
             int          role)   /* -1: refused */
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) session = vp_session_login (fixture->db, login, password, &error);

  if (role < 0)
    {
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_AUTH_FAILED);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (vp_session_get_role (session), ==, role);
}

static void
add_operator (VpSettingsPage *page,
              const char     *login,
              const char     *name,
              VpRole          role,
              const char     *password,
              gboolean        expect_error)
{
  set (page, "login", login);
  set (page, "name", name);
  set (page, "password", password);
  vp_settings_page_set_choice (page, "role", role);
  run (page, "settings.add-operator", NULL, expect_error);
}

static void
add_tariff (VpSettingsPage *page,
            const char     *name,
            int             scheme,
            const char     *prices,
            gboolean        expect_error)
{
  set (page, "tariff-name", name);
  vp_settings_page_set_choice (page, "utility", VP_UTILITY_ELECTRICITY);
  vp_settings_page_set_choice (page, "scheme", scheme);
  set (page, "prices", prices);
  run (page, "settings.add-tariff", NULL, expect_error);
}

static void
test_admin (VpUiFixture   *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpTariff) tariff = NULL;
  g_autofree char *interval = NULL;
  GtkWidget *window = gtk_window_new ();
  VpSettingsPage *page;

  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_SETTINGS_PAGE (vp_settings_page_new (fixture->context));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (page_idle, page, "the settings");
  g_assert_cmpuint (vp_settings_page_get_n_operators (page), ==, 4);
  g_assert_cmpuint (vp_settings_page_get_n_rooms (page), ==, 2);

  /* Operators with their roles. */
  add_operator (page, "zhao", "赵出纳", VP_ROLE_CASHIER, "secret12", FALSE);
  add_operator (page, "tech2", "钱技术", VP_ROLE_TECHNICIAN, "secret12", FALSE);
  g_assert_cmpuint (vp_settings_page_get_n_operators (page), ==, 6);
  check_login (fixture, "zhao", "secret12", VP_ROLE_CASHIER);
  check_login (fixture, "tech2", "secret12", VP_ROLE_TECHNICIAN);
  /* Refused with a reason: too short, or taken. */
  add_operator (page, "sun", "孙", VP_ROLE_CASHIER, "123", TRUE);
  add_operator (page, "ZHAO", "又一个", VP_ROLE_CASHIER, "secret12", TRUE);
  g_assert_cmpuint (vp_settings_page_get_n_operators (page), ==, 6);

  g_assert_true (vp_settings_page_select_operator (page, "zhao"));
  run (page, "settings.toggle-active", NULL, FALSE);
  check_login (fixture, "zhao", "secret12", -1);
  g_assert_true (vp_settings_page_select_operator (page, "zhao"));
  run (page, "settings.toggle-active", NULL, FALSE);
  check_login (fixture, "zhao", "secret12", VP_ROLE_CASHIER);

  g_assert_true (vp_settings_page_select_operator (page, "tech2"));
  set (page, "new-password", "another-one");
  run (page, "settings.reset-password", NULL, FALSE);
  check_login (fixture, "tech2", "secret12", -1);
  check_login (fixture, "tech2", "another-one", VP_ROLE_TECHNICIAN);

  /* Tariffs: tiered, flat, time of use; bad prices are refused. */
  add_tariff (page, "居民电价", 2, "200:0.5283,400:0.5783,0.8283", FALSE);
  add_tariff (page, "商业电价", 0, "0.9", FALSE);
  add_tariff (page, "峰谷电价", 1, "0.9,0.7,0.5,0.3", FALSE);
  add_tariff (page, "坏电价", 0, "abc", TRUE);
  add_tariff (page, "坏峰谷", 1, "0.9,0.7", TRUE);
  g_assert_cmpuint (vp_settings_page_get_n_tariffs (page), ==, 3);
  g_assert_nonnull (strstr (vp_settings_page_get_tariff_line (page, "居民电价"), "(v1)"));
  tariff = vp_tariff_store_load (fixture->db, "居民电价", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vp_tariff_get_version (tariff, 0)->scheme, ==, VP_TARIFF_TIERED);
  g_assert_cmpint (vp_tariff_get_version (tariff, 0)->tier_prices[2], ==, 8283);
  /* Premises. */
  set (page, "building", "7");
  vp_settings_page_set_choice (page, "floor", 3);
  set (page, "room", "301");
  set (page, "area", "45.5");
  run (page, "settings.add-room", NULL, FALSE);
  g_assert_cmpuint (vp_settings_page_get_n_rooms (page), ==, 3);

  /* Settings, checked by the model. */
  set (page, VP_ENGINE_INTERVAL_KEY, "120");
  run (page, "settings.save", g_variant_new_string (VP_ENGINE_INTERVAL_KEY), FALSE);
  interval = vp_settings_get (fixture->db, VP_ENGINE_INTERVAL_KEY);
  g_assert_cmpstr (interval, ==, "120");
  set (page, VP_ENGINE_INTERVAL_KEY, "5");
  run (page, "settings.save", g_variant_new_string (VP_ENGINE_INTERVAL_KEY), TRUE);

  /* Default thresholds of new accounts: shown with their fallbacks, saved one by one,
   * refused when out of order; accounts opened without thresholds get them. */
  g_assert_cmpstr (gtk_editable_get_text (vp_settings_page_get_field (page,
                                            VP_ACCOUNT_DEFAULT_ALARM1_KEY)), ==, "50.00");
  g_assert_cmpstr (gtk_editable_get_text (vp_settings_page_get_field (page,
                                            VP_ACCOUNT_DEFAULT_TRIP_KEY)), ==, "0.00");
  set (page, VP_ACCOUNT_DEFAULT_TRIP_KEY, "-8");
  run (page, "settings.save", g_variant_new_string (VP_ACCOUNT_DEFAULT_TRIP_KEY), FALSE);
  set (page, VP_ACCOUNT_DEFAULT_ALARM1_KEY, "80");
  run (page, "settings.save", g_variant_new_string (VP_ACCOUNT_DEFAULT_ALARM1_KEY), FALSE);
  set (page, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "90");
  run (page, "settings.save", g_variant_new_string (VP_ACCOUNT_DEFAULT_ALARM2_KEY), TRUE);
  set (page, VP_ACCOUNT_DEFAULT_ALARM2_KEY, "30");
  run (page, "settings.save", g_variant_new_string (VP_ACCOUNT_DEFAULT_ALARM2_KEY), FALSE);
  g_assert_cmpstr (gtk_editable_get_text (vp_settings_page_get_field (page,
                                            VP_ACCOUNT_DEFAULT_TRIP_KEY)), ==, "-8.00");
  {
    VpAccountSpec spec;

    vp_account_spec_init_defaults (fixture->db, &spec);
    g_assert_cmpint (spec.alarm1, ==, 8000);
    g_assert_cmpint (spec.alarm2, ==, 3000);
    g_assert_cmpint (spec.trip, ==, -800);
  }

  /* Links: the gateway of the fixture's meter moves; a bad link is refused. */
  {
    g_autoptr(VpSession) admin = vp_session_login (fixture->db, "admin",
                                                   VP_CONTEXT_DEMO_PASSWORD, &error);
    g_autoptr(GPtrArray) links = NULL;
    VpMeterSpec meter;

    vp_meter_spec_init (&meter);
    meter.address = "000000000077";
    meter.link = "tcp://10.0.0.5:4001";
    g_assert_true (vp_account_add_meter (fixture->db, admin, fixture->li_lei, &meter, NULL,
                                         &error));
    g_assert_no_error (error);
    vp_settings_page_refresh (page);
    vp_ui_test_wait (page_idle, page, "the links");
    vp_settings_page_set_choice (page, "link", 0);
    set (page, "new-link", "10.0.0.9");
    run (page, "settings.move-link", NULL, TRUE);
    set (page, "new-link", "tcp://10.0.0.9:4001");
    run (page, "settings.move-link", NULL, FALSE);
    links = vp_settings_list_links (fixture->db, &error);
    g_assert_cmpuint (links->len, ==, 1);
    g_assert_cmpstr (((VpLinkUse *) links->pdata[0])->link, ==, "tcp://10.0.0.9:4001");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
check_pages (VpUiFixture *fixture,
             const char  *login,
             gboolean     rooms,
             gboolean     shift,
             gboolean     meters,
             gboolean     settings)
{
  vp_ui_test_login (fixture, login, VP_CONTEXT_DEMO_PASSWORD);
  g_assert_nonnull (vp_context_get_session (fixture->context));
  g_assert_cmpint (vp_window_get_page_visible (fixture->window, "rooms"), ==, rooms);
  g_assert_cmpint (vp_window_get_page_visible (fixture->window, "shift"), ==, shift);
  g_assert_cmpint (vp_window_get_page_visible (fixture->window, "meters"), ==, meters);
  g_assert_cmpint (vp_window_get_page_visible (fixture->window, "settings"), ==, settings);

  /* Asking for a page the role does not have shows nothing of it. */
  vp_window_show_page (fixture->window, "settings");
  g_assert_cmpint (gtk_widget_get_mapped (vp_window_get_page (fixture->window, "settings")), ==,
                   settings);
  /* Switching operator checks for an open shift in a worker first: the fixture's admin
   * has one, so they are asked what to do with it; the others are logged out. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "logout", NULL);
  vp_ui_test_wait (switched, fixture->window, "the log-out");
  if (g_str_equal (login, "admin"))
    {
      g_assert_nonnull (vp_handover_dialog_find (fixture->window));
      gtk_window_destroy (GTK_WINDOW (vp_handover_dialog_find (fixture->window)));
    }
  else
    g_assert_true (vp_window_get_locked (fixture->window));
}

static void
test_roles (VpUiFixture   *fixture,
            gconstpointer  data)
{
  /*                            rooms  shift  meters settings */
  check_pages (fixture, "cashier", TRUE, TRUE, FALSE, FALSE);
  check_pages (fixture, "technician", TRUE, FALSE, TRUE, FALSE);
  check_pages (fixture, "supervisor", TRUE, TRUE, FALSE, FALSE);
  check_pages (fixture, "admin", TRUE, TRUE, TRUE, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/settings/admin", VpUiFixture, NULL, vp_ui_fixture_setup, test_admin,
              vp_ui_fixture_teardown);

  g_test_add ("/vp/ui/settings/roles", VpUiFixture, NULL, vp_ui_fixture_setup, test_roles,
              vp_ui_fixture_teardown);

  return g_test_run ();
}
