/* vp-ui-test.h: what every UI test needs: a display, a fresh database, the real window */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"
#include "vp-window.h"

G_BEGIN_DECLS

typedef struct
{
  char       *dir;         /* temporary directory, removed at teardown */
  VpDatabase *db;
  VpContext  *context;
  VpWindow   *window;
  /* The fixture's customers, opened by the admin with these opening balances. */
  char       *wang_fang;   /* 王芳, room 3-402, meter 000010604867, ¥500.00 */
  char       *li_lei;      /* 李雷, room 3-403, ¥10.00 (below both alarms) */
} VpUiFixture;

/* g_test_init, translations from the build tree, then gtk_init_check(): FALSE (after
 * printing the TAP skip line) when there is no display. */
gboolean     vp_ui_test_init         (int          *argc,
                                      char       ***argv);
/* @data NULL: the operators and the two customers below only. Non-NULL: a demo database
 * (VP_UI_TEST_DEMO_ACCOUNTS generated accounts, demo-mode log-in) plus the two. */
#define VP_UI_TEST_DEMO_ACCOUNTS 300

void         vp_ui_fixture_setup     (VpUiFixture  *fixture,
                                      gconstpointer data);
void         vp_ui_fixture_teardown  (VpUiFixture  *fixture,
                                      gconstpointer data);

/* Spins the main loop until @done (@data) is TRUE; fails the test after 20 s. */
void         vp_ui_test_wait         (gboolean    (*done) (gpointer),
                                      gpointer      data,
                                      const char   *what);
/* Spins the main loop until @window has drawn a frame at its current size. */
void         vp_ui_test_wait_drawn   (GtkWindow    *window);
/* g_assert_finalize_object() once only the caller's reference is left: a GTask keeps
 * its source object until the worker thread drops the task, a moment after the
 * callback has run. */
void         vp_ui_test_finalize     (gpointer      object);
/* Types @login/@password into the log-in dialog, submits and waits for the answer. */
void         vp_ui_test_login        (VpUiFixture  *fixture,
                                      const char   *login,
                                      const char   *password);
/* Types @text into @editable as a cashier would, one character at a time. */
void         vp_ui_test_type         (GtkEditable  *editable,
                                      const char   *text);
/* Opens an account (phone 13800138000) with an optional DL/T 645 meter and opening
 * cash top-up (needs @admin's open shift when > 0); returns its number. */
char        *vp_ui_test_open_customer (VpDatabase *db,
                                       VpSession  *admin,
                                       const char *name,
                                       const char *room,
                                       const char *meter,
                                       gint64      opening);
/* The account as stored now. */
VpAccount   *vp_ui_test_account      (VpUiFixture  *fixture,
                                      const char   *number);

/* Draws @window and writes it to BUILD_DIR/screenshots/@name-@lang.png. */
void         vp_ui_test_save_png     (GtkWidget    *window,
                                      const char   *lang,
                                      const char   *name);
/* TRUE when this process shows @lang ("en", "zh_CN") and should take the pictures;
 * for another language it runs the test in a subprocess with that locale (or skips
 * when the locale is not installed) and returns FALSE. */
gboolean     vp_ui_test_in_language  (const char   *lang);

G_END_DECLS
