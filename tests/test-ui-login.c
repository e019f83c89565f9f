/* test-ui-login.c: log-in, roles, screen lock — on the real window */
#include "config.h"

#include "vp-accounts-page.h"
#include "vp-login-dialog.h"
#include "vp-model-error.h"
#include "vp-ui-test.h"

static gboolean
is_locked (gpointer data)
{
  return vp_window_get_locked (data) && vp_window_get_login_dialog (data) != NULL;
}

static gboolean
action_enabled (VpWindow   *window,
                const char *name)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), name);

  g_assert_nonnull (action);
  return g_action_get_enabled (action);
}

static void
test_bad_password (VpUiFixture   *fixture,
                   gconstpointer  data)
{
  VpLoginDialog *dialog;

  /* Nothing shows before a log-in. */
  g_assert_true (vp_window_get_locked (fixture->window));
  g_assert_false (vp_window_get_page_visible (fixture->window, "counter"));

  vp_ui_test_login (fixture, "cashier", "not-the-password");
  dialog = VP_LOGIN_DIALOG (vp_window_get_login_dialog (fixture->window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (vp_login_dialog_get_error (dialog), ==, "Wrong login or password");
  /* The wrong password is gone; the operator stays for the next try. */
  g_assert_cmpstr (gtk_editable_get_text (vp_login_dialog_get_password (dialog)), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (vp_login_dialog_get_login (dialog)), ==, "cashier");
  g_assert_true (vp_window_get_locked (fixture->window));
  g_assert_false (vp_window_get_page_visible (fixture->window, "counter"));

  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_false (vp_window_get_locked (fixture->window));
  g_assert_null (vp_window_get_login_dialog (fixture->window));
  g_assert_true (vp_window_get_page_visible (fixture->window, "counter"));
}

static void
test_lockout_message (VpUiFixture   *fixture,
                      gconstpointer  data)
{
  VpLoginDialog *dialog;
  const char *message;

  for (int i = 0; i < VP_SESSION_MAX_FAILURES; i++)
    vp_ui_test_login (fixture, "supervisor", "wrong-again");

  /* The right password now meets the lock-out, and the words say what to do. */
  vp_ui_test_login (fixture, "supervisor", VP_CONTEXT_DEMO_PASSWORD);
  dialog = VP_LOGIN_DIALOG (vp_window_get_login_dialog (fixture->window));
  g_assert_nonnull (dialog);
  message = vp_login_dialog_get_error (dialog);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "locked out"));
  g_assert_true (vp_window_get_locked (fixture->window));
}

static void
test_roles (VpUiFixture   *fixture,
            gconstpointer  data)
{
  VpAccountsPage *accounts;

  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  accounts = VP_ACCOUNTS_PAGE (vp_window_get_page (fixture->window, "accounts"));
  g_assert_true (vp_window_get_page_visible (fixture->window, "counter"));
  g_assert_true (vp_window_get_page_visible (fixture->window, "accounts"));
  g_assert_true (action_enabled (fixture->window, "topup"));
  /* Counter settings are the administrator's: a cashier does not see them. */
  g_assert_false (action_enabled (fixture->window, "lock-timeout"));
  g_assert_true (vp_accounts_page_get_can_manage (accounts));
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (vp_context_set_lock_timeout (fixture->context, 5, &error));
    g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  }

  /* Switching operator: log out, the technician looks accounts up but changes none. */
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (fixture->window), "logout"));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "logout", NULL);
  vp_ui_test_wait (is_locked, fixture->window, "the lock");
  vp_ui_test_login (fixture, "technician", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (vp_window_get_page_visible (fixture->window, "accounts"));
  g_assert_false (vp_accounts_page_get_can_manage (accounts));
  g_assert_false (action_enabled (fixture->window, "lock-timeout"));

  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "logout", NULL);
  vp_ui_test_wait (is_locked, fixture->window, "the lock");
  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (action_enabled (fixture->window, "lock-timeout"));
  g_assert_true (vp_accounts_page_get_can_manage (accounts));
}

static void
test_inactivity_lock (VpUiFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpLoginDialog *dialog;

  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  g_action_group_change_action_state (G_ACTION_GROUP (fixture->window), "lock-timeout",
                                      g_variant_new_uint32 (1));
  g_assert_cmpuint (vp_context_get_lock_timeout (fixture->context), ==, 1);

  /* One second without input: locked, and the same operator is asked for a password. */
  vp_ui_test_wait (is_locked, fixture->window, "the inactivity lock");
  dialog = VP_LOGIN_DIALOG (vp_window_get_login_dialog (fixture->window));
  g_assert_cmpstr (gtk_editable_get_text (vp_login_dialog_get_login (dialog)), ==, "admin");
  g_assert_false (vp_window_get_page_visible (fixture->window, "counter"));

  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_false (vp_window_get_locked (fixture->window));
  /* Switch it off again so the teardown is not raced by another lock. */
  g_assert_true (vp_context_set_lock_timeout (fixture->context, 0, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/login/bad-password", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_bad_password, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/login/lockout-message", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_lockout_message, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/login/roles", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_roles, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/login/inactivity-lock", VpUiFixture, NULL,
              vp_ui_fixture_setup, test_inactivity_lock, vp_ui_fixture_teardown);

  return g_test_run ();
}
