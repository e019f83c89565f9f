/* test-ui-screenshots.c: pictures of the main pages, in English and in Chinese
 *
 * Writes PNGs to BUILD_DIR/screenshots/ (README pictures come from there): the log-in
 * dialog, the counter page with a customer picked, the top-up confirmation and the
 * accounts page. Each picture is checked for the size it should have; a person looks
 * at them for clipped labels.
 */
#include "config.h"

#include <locale.h>

#include <glib/gstdio.h>

#include "vp-accounts-page.h"
#include "vp-counter-page.h"
#include "vp-topup-dialog.h"
#include "vp-ui-test.h"

static char *
screenshot_dir (void)
{
  const char *build = g_getenv ("VP_BUILD_DIR");
  char *dir = g_build_filename (build != NULL ? build : ".", "screenshots", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static void
save_png (GtkWidget  *window,
          const char *lang,
          const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = screenshot_dir ();
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, lang);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  vp_ui_test_wait_drawn (GTK_WINDOW (window));
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);

  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s (%d×%d)", path, width, height);
}

/* GLib decides once per process whether to translate (_g_dgettext_should_translate),
 * so each language gets its own process: this one for English, a subprocess with the
 * locale in its environment for Chinese. */
static gboolean
locale_available (const char *name)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  gboolean ok = setlocale (LC_ALL, name) != NULL;

  setlocale (LC_ALL, saved);
  return ok;
}

static gboolean
counter_ready (gpointer data)
{
  const VpAccount *account = vp_counter_page_get_account (data);

  return !vp_counter_page_get_busy (data) && account != NULL;
}

static gboolean
accounts_ready (gpointer data)
{
  return !vp_accounts_page_get_busy (data) && vp_accounts_page_get_account (data) != NULL;
}

static gboolean
topup_open (gpointer data)
{
  GtkWindow *dialog = vp_counter_page_get_dialog (data);

  return dialog != NULL && VP_IS_TOPUP_DIALOG (dialog);
}

static void
test_screenshots (gconstpointer data)
{
  const char *lang = data;
  VpUiFixture fixture = { 0 };
  VpCounterPage *counter;
  VpAccountsPage *accounts;
  GtkWindow *topup;

  if (!g_str_equal (lang, "en") && !g_test_subprocess ())
    {
      if (!locale_available ("zh_CN.UTF-8"))
        {
          g_test_skip ("the zh_CN.UTF-8 locale is not installed (.ci/install-deps makes it)");
          return;
        }
      g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
      g_setenv ("LANGUAGE", "zh_CN", TRUE);
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  vp_ui_fixture_setup (&fixture, "demo");
  save_png (GTK_WIDGET (vp_window_get_login_dialog (fixture.window)), lang, "login");

  /* The admin's shift is open (fixture), so the top-up goes straight to the dialog. */
  vp_ui_test_login (&fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  counter = VP_COUNTER_PAGE (vp_window_get_page (fixture.window, "counter"));
  vp_ui_test_type (vp_counter_page_get_search (counter), "王");
  vp_counter_page_show_account (counter, fixture.wang_fang);
  vp_ui_test_wait (counter_ready, counter, "the customer card");
  save_png (GTK_WIDGET (fixture.window), lang, "counter");

  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "topup", NULL);
  vp_ui_test_wait (topup_open, counter, "the top-up dialog");
  topup = vp_counter_page_get_dialog (counter);
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.quick", "i", 200);
  gtk_editable_set_text (vp_topup_dialog_get_tendered (VP_TOPUP_DIALOG (topup)), "300");
  save_png (GTK_WIDGET (topup), lang, "topup");
  gtk_widget_activate_action (GTK_WIDGET (topup), "topup.next", NULL);
  save_png (GTK_WIDGET (topup), lang, "topup-confirm");
  gtk_window_destroy (topup);

  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "show-accounts", NULL);
  accounts = VP_ACCOUNTS_PAGE (vp_window_get_page (fixture.window, "accounts"));
  vp_ui_test_wait ((gboolean (*) (gpointer)) vp_accounts_page_get_n_results, accounts,
                   "the account list");
  vp_accounts_page_select (accounts, 3);
  vp_ui_test_wait (accounts_ready, accounts, "the account card");
  save_png (GTK_WIDGET (fixture.window), lang, "accounts");

  vp_ui_fixture_teardown (&fixture, "demo");
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  /* Chinese first: its subprocess is started before this process has worker threads. */
  g_test_add_data_func ("/vp/ui/screenshots/zh_CN", "zh_CN", test_screenshots);
  g_test_add_data_func ("/vp/ui/screenshots/en", "en", test_screenshots);

  return g_test_run ();
}
