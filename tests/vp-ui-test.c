/* vp-ui-test.c: what every UI test needs: a display, a fresh database, the real window */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vp-database.h"
#include "vp-ledger.h"
#include "vp-login-dialog.h"
#include "vp-shift.h"
#include "vp-ui-test.h"

gboolean
vp_ui_test_init (int    *argc,
                 char ***argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display\n");
      return FALSE;
    }

  /* The application loads the style sheet itself; tests have no application. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/vendpoint/Vendpoint/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  /* Stable screenshots; and without a window manager (Xvfb) a blinking cursor in a
   * destroyed dialog never gets its focus-out, which GTK warns about. */
  g_object_set (gtk_settings_get_default (),
                "gtk-font-name", "Noto Sans CJK SC 11",
                "gtk-cursor-blink", FALSE,
                NULL);
  return TRUE;
}

static gboolean
has_login_dialog (gpointer window)
{
  return vp_window_get_login_dialog (window) != NULL;
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

char *
vp_ui_test_open_customer (VpDatabase *db,
                          VpSession  *admin,
                          const char *name,
                          const char *room,
                          const char *meter,
                          gint64      opening)
{
  g_autoptr(VpAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  VpAccountSpec spec;

  vp_account_spec_init (&spec);
  spec.name = name;
  spec.room = room;
  spec.phone = "13800138000";
  spec.opening_topup = opening;
  spec.method = VP_PAYMENT_CASH;
  g_assert_true (vp_account_open (db, admin, &spec, &account, NULL, &error));
  g_assert_no_error (error);

  if (meter != NULL)
    {
      VpMeterSpec m;

      vp_meter_spec_init (&m);
      m.address = meter;
      g_assert_true (vp_account_add_meter (db, admin, account->number, &m, NULL, &error));
      g_assert_no_error (error);
    }
  return g_strdup (account->number);
}

void
vp_ui_fixture_setup (VpUiFixture   *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("vp-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "test.db", NULL);
  fixture->db = vp_database_open (path, &error);
  g_assert_no_error (error);

  /* The demo operators; demo accounts only for pictures (data "demo"): the other tests
   * know every customer. */
  g_assert_true (vp_context_seed_demo (fixture->db, data != NULL ? VP_UI_TEST_DEMO_ACCOUNTS : 0,
                                       &error));
  g_assert_no_error (error);
  admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (vp_shift_open (fixture->db, admin, 0, NULL, &error));
  g_assert_no_error (error);
  fixture->wang_fang = vp_ui_test_open_customer (fixture->db, admin, "王芳", "3-402",
                                                 "000010604867", 50000);
  fixture->li_lei = vp_ui_test_open_customer (fixture->db, admin, "李雷", "3-403", NULL, 1000);

  /* No printer here: receipts are checked as the PDFs saved beside the database. */
  g_assert_true (vp_database_set_setting (fixture->db, VP_CONTEXT_PRINT_RECEIPTS_KEY, "false",
                                          &error));
  g_assert_no_error (error);
  fixture->context = vp_context_new (fixture->db, data != NULL);
  fixture->window = vp_window_new (NULL, fixture->context);
  gtk_window_present (GTK_WINDOW (fixture->window));
  vp_ui_test_wait (has_login_dialog, fixture->window, "the log-in dialog");
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

void
vp_ui_fixture_teardown (VpUiFixture   *fixture,
                        gconstpointer  data)
{
  g_object_ref (fixture->window);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* Let worker threads' answers and idle callbacks run before checking for leaks. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vp_ui_test_finalize (fixture->window);
  vp_ui_test_finalize (fixture->context);
  vp_database_unref (fixture->db);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->wang_fang);
  g_free (fixture->li_lei);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
only_one_ref (gpointer object)
{
  return g_atomic_int_get (&G_OBJECT (object)->ref_count) == 1;
}

void
vp_ui_test_finalize (gpointer object)
{
  g_assert_true (G_IS_OBJECT (object));
  vp_ui_test_wait (only_one_ref, object, G_OBJECT_TYPE_NAME (object));
  g_assert_finalize_object (object);
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *expired = data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
vp_ui_test_wait (gboolean  (*done) (gpointer),
                 gpointer    data,
                 const char *what)
{
  gboolean expired = FALSE;
  /* VP_UI_TEST_TIMEOUT: .ci/sanitize gives instrumented builds longer */
  const char *seconds = g_getenv ("VP_UI_TEST_TIMEOUT");
  guint id = g_timeout_add_seconds (seconds != NULL ? MAX (atoi (seconds), 1) : 20, timeout_cb,
                                    &expired);
  /* Some conditions change in worker threads, which do not wake the main loop. */
  guint tick = g_timeout_add (10, tick_cb, NULL);

  while (!done (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("timed out waiting for %s", what);
  g_source_remove (id);
  g_source_remove (tick);
}

static void
after_paint_cb (GdkFrameClock *clock,
                guint         *frames)
{
  (*frames)++;
}

static gboolean
two_frames (gpointer data)
{
  return *(guint *) data >= 2;
}

void
vp_ui_test_wait_drawn (GtkWindow *window)
{
  GdkFrameClock *clock;
  guint frames = 0;
  gulong id;

  vp_ui_test_wait (is_mapped, window, "the window");
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &frames);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  vp_ui_test_wait (two_frames, &frames, "two frames");
  g_signal_handler_disconnect (clock, id);
}

typedef struct
{
  VpUiFixture   *fixture;
  VpLoginDialog *dialog;
} LoginWait;

static gboolean
login_answered (gpointer data)
{
  LoginWait *w = data;

  return vp_context_get_session (w->fixture->context) != NULL ||
         vp_window_get_login_dialog (w->fixture->window) == NULL ||
         !vp_login_dialog_get_busy (w->dialog);
}

void
vp_ui_test_login (VpUiFixture *fixture,
                  const char  *login,
                  const char  *password)
{
  LoginWait w = { fixture, NULL };

  vp_ui_test_wait (has_login_dialog, fixture->window, "the log-in dialog");
  w.dialog = VP_LOGIN_DIALOG (vp_window_get_login_dialog (fixture->window));
  g_object_ref (w.dialog);
  gtk_editable_set_text (vp_login_dialog_get_login (w.dialog), login);
  gtk_editable_set_text (vp_login_dialog_get_password (w.dialog), password);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (w.dialog), "login.submit", NULL));
  vp_ui_test_wait (login_answered, &w, "the log-in answer");
  g_object_unref (w.dialog);
}

void
vp_ui_test_type (GtkEditable *editable,
                 const char  *text)
{
  /* Each character is one "changed" as from a keyboard, so per-keystroke work runs. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = g_utf8_strlen (gtk_editable_get_text (editable), -1);

      gtk_editable_insert_text (editable, p, g_utf8_next_char (p) - p, &position);
      gtk_editable_set_position (editable, -1);
      g_main_context_iteration (NULL, FALSE);
    }
}

VpAccount *
vp_ui_test_account (VpUiFixture *fixture,
                    const char  *number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD,
                                                 &error);
  VpAccount *account;

  g_assert_no_error (error);
  account = vp_account_get (fixture->db, admin, number, &error);
  g_assert_no_error (error);
  return account;
}

void
vp_ui_test_save_png (GtkWidget  *window,
                     const char *lang,
                     const char *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  const char *build = g_getenv ("VP_BUILD_DIR");
  g_autofree char *dir = g_build_filename (build != NULL ? build : ".", "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, lang);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GtkSnapshot *snapshot;
  int width, height;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
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

gboolean
vp_ui_test_in_language (const char *lang)
{
  g_autofree char *saved = NULL;
  gboolean available;

  /* GLib decides once per process whether to translate (_g_dgettext_should_translate),
   * so a language other than English gets a subprocess with its locale. */
  if (g_str_equal (lang, "en") || g_test_subprocess ())
    return TRUE;

  saved = g_strdup (setlocale (LC_ALL, NULL));
  available = setlocale (LC_ALL, "zh_CN.UTF-8") != NULL;
  setlocale (LC_ALL, saved);
  if (!available)
    {
      g_test_skip ("the zh_CN.UTF-8 locale is not installed (.ci/install-deps makes it)");
      return FALSE;
    }
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return FALSE;
}
