/* bench-memory.c: resident memory of the counter window with 200 000 accounts in the
 * search, against a minimal GTK 4 window, each in a process of its own
 *
 * The parent builds a demo database (VP_BENCH_ACCOUNTS accounts, default 200 000), then
 * runs this program twice as a child: "--bare" draws a GtkWindow with one label;
 * "--counter DB" opens the database, draws the main window with its log-in dialog, logs
 * the cashier in and runs the counter search for a spread of queries (names, rooms,
 * numbers) so the search's pages and caches are in memory, as after a morning at the
 * counter. Each child reports VmRSS and VmHWM from /proc/self/status once its window is
 * drawn. The ratio is counter / bare.
 *
 * Needs a display (xvfb-run); prints a TAP skip without one.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vp-context.h"
#include "vp-database.h"
#include "vp-search.h"
#include "vp-session.h"
#include "vp-ui-test.h"
#include "vp-window.h"

/* "VmRSS:   123456 kB" → kB */
static gint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtoll (line + strlen (field) + 1, NULL, 10) : -1;
}

static void
report_memory (void)
{
  g_print ("rss %" G_GINT64_FORMAT " hwm %" G_GINT64_FORMAT "\n",
           status_kb ("VmRSS:"), status_kb ("VmHWM:"));
}

static int
child_bare (void)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Vendpoint"));
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait_drawn (GTK_WINDOW (window));
  report_memory ();
  return 0;
}

static gboolean
has_dialog (gpointer data)
{
  return vp_window_get_login_dialog (data) != NULL;
}

static int
child_counter (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = vp_database_open (path, &error);
  g_autoptr(VpContext) context = NULL;
  g_autoptr(VpSession) cashier = NULL;
  static const char * const queries[] = {
    "王", "王伟", "李", "张", "1-", "3-40", "1000", "10000016", "138", "0000", "刘洋", "陈",
  };
  VpWindow *window;

  g_assert_no_error (error);
  context = vp_context_new (db, TRUE);
  window = vp_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (has_dialog, window, "the log-in dialog");
  vp_ui_test_wait_drawn (vp_window_get_login_dialog (window));

  /* The searches the counter page makes, on the context's database. */
  cashier = vp_session_login (db, "cashier", VP_CONTEXT_DEMO_PASSWORD, &error);
  if (cashier == NULL)
    {
      g_printerr ("log-in for the search: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GPtrArray) hits = vp_search_accounts (db, cashier, queries[i], -1, 50, &error);

      g_assert_no_error (error);
      g_assert_nonnull (hits);
    }
  report_memory ();
  return 0;
}

/* Run this program with @mode (and @path) and read the "rss … hwm …" line. */
static void
measure (const char *self,
         const char *mode,
         const char *path,
         double     *out_rss_mb,
         double     *out_hwm_mb)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { self, mode, path, NULL };
  gint64 rss = 0, hwm = 0;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpint (sscanf (strstr (out, "rss "), "rss %" G_GINT64_FORMAT " hwm %" G_GINT64_FORMAT,
                           &rss, &hwm), ==, 2);
  *out_rss_mb = rss / 1024.0;
  *out_hwm_mb = hwm / 1024.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  const char *env = g_getenv ("VP_BENCH_ACCOUNTS");
  gint64 n = env != NULL ? g_ascii_strtoll (env, NULL, 10) : 200000;
  double bare_rss, bare_hwm, app_rss, app_hwm;

  if (argc >= 2 && g_str_equal (argv[1], "--bare"))
    return vp_ui_test_init (&argc, &argv) ? child_bare () : 1;
  if (argc >= 3 && g_str_equal (argv[1], "--counter"))
    return vp_ui_test_init (&argc, &argv) ? child_counter (argv[2]) : 1;

  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  dir = g_dir_make_tmp ("vp-bench-memory-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.db", NULL);
  db = vp_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_context_seed_demo (db, n, &error));
  g_assert_no_error (error);
  g_clear_pointer (&db, vp_database_unref);

  measure (self, "--bare", "", &bare_rss, &bare_hwm);
  measure (self, "--counter", path, &app_rss, &app_hwm);
  g_print ("1..1\n");
  g_print ("# peak (VmHWM): counter %.1f MB, bare window %.1f MB\n", app_hwm, bare_hwm);
  g_print ("# resident memory: %.1f MB with %" G_GINT64_FORMAT " accounts; bare window %.1f MB; "
           "ratio %.2f\n", app_rss, n, bare_rss, app_rss / bare_rss);
  g_print ("ok 1 /vp/bench/memory counter/bare %.2f\n", app_rss / bare_rss);

  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autofree char *key = g_build_filename (dir, "vendpoint.key", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_unlink (key);
    g_rmdir (dir);
  }
  return 0;
}
