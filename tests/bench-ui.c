/* bench-ui.c: what the counter window costs, against bare baselines in the same process
 *
 * 1. Launch to an interactive log-in: a VpContext, the main window and its log-in
 *    dialog drawn, against a bare GtkWindow with one label drawn. Median of 5.
 * 2. Search per keystroke with VP_BENCH_ACCOUNTS accounts (default 200 000): each
 *    character typed into the counter's search field until the result list is rebuilt
 *    (worker thread, stale answers dropped), against vp_search_accounts() for the same
 *    text called directly. Median and p95 over every keystroke of names (many of two
 *    characters), rooms, meter address parts and account numbers taken from the data,
 *    and p95 against one 60 Hz frame (16.7 ms).
 *
 * Needs a display (xvfb-run); prints "skip" without one. VP_BENCH_DB=PATH keeps the
 * database between runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "vp-counter-page.h"
#include "vp-database.h"
#include "vp-search.h"
#include "vp-ui-test.h"

#define FRAME_MS  16.7
#define LAUNCHES  5

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *ms,
            double  p)
{
  g_array_sort (ms, cmp_double);
  return g_array_index (ms, double, MIN (ms->len - 1, (guint) (p * ms->len)));
}

static gboolean
has_dialog (gpointer window)
{
  return vp_window_get_login_dialog (window) != NULL;
}

static double
launch_bare (void)
{
  gint64 start = g_get_monotonic_time ();
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Vendpoint"));
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait_drawn (GTK_WINDOW (window));
  start = g_get_monotonic_time () - start;
  gtk_window_destroy (GTK_WINDOW (window));
  return start / 1000.0;
}

static double
launch_counter (VpDatabase *db)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(VpContext) context = vp_context_new (db, TRUE);
  VpWindow *window = vp_window_new (NULL, context);

  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (has_dialog, window, "the log-in dialog");
  vp_ui_test_wait_drawn (vp_window_get_login_dialog (window));
  start = g_get_monotonic_time () - start;
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return start / 1000.0;
}

static gboolean
page_idle (gpointer page)
{
  return !vp_counter_page_get_busy (page);
}

static double
model_search (VpDatabase *db,
              VpContext  *context,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  gint64 start = g_get_monotonic_time ();

  hits = vp_search_accounts (db, vp_context_get_session (context), text, -1,
                             VP_SEARCH_DEFAULT_LIMIT, &error);
  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static GPtrArray *
queries_from_data (VpDatabase *db,
                   VpSession  *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = vp_account_list (db, session, 1000, 40, &error);
  GPtrArray *queries = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < accounts->len; i++)
    {
      VpAccount *a = g_ptr_array_index (accounts, i);
      const char *kind[] = { "name", "room", "meter", "number" };

      switch (i % G_N_ELEMENTS (kind))
        {
        case 0:
          g_ptr_array_add (queries, g_strdup (a->name));
          break;
        case 1:
          if (a->room != NULL)
            g_ptr_array_add (queries, g_strdup (a->room));
          break;
        case 2:
          if (a->meters->len > 0)
            {
              const VpMeter *m = g_ptr_array_index (a->meters, 0);
              g_ptr_array_add (queries, g_strdup (m->address + strlen (m->address) - 6));
            }
          break;
        default:
          g_ptr_array_add (queries, g_strdup (a->number));
        }
    }
  return queries;
}

static void
measure_keystrokes (VpUiFixture   *fixture,
                    VpCounterPage *page,
                    GPtrArray     *queries,
                    gint64         n,
                    const char    *how)
{
  g_autoptr(GArray) ui_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) model_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) two_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start;

  for (guint q = 0; q < queries->len; q++)
    {
      const char *query = g_ptr_array_index (queries, q);
      GtkEditable *search = vp_counter_page_get_search (page);

      gtk_editable_set_text (search, "");
      vp_ui_test_wait (page_idle, page, "the cleared search");
      for (const char *p = query; *p != '\0'; p = g_utf8_next_char (p))
        {
          g_autofree char *prefix = g_strndup (query, g_utf8_next_char (p) - query);
          int position = g_utf8_strlen (gtk_editable_get_text (search), -1);
          double ms;

          /* Whoever asks first meets a colder cache: alternate who goes first. */
          if (q % 2 == 1)
            {
              ms = model_search (fixture->db, fixture->context, prefix);
              g_array_append_val (model_ms, ms);
            }

          start = g_get_monotonic_time ();
          gtk_editable_insert_text (search, p, g_utf8_next_char (p) - p, &position);
          vp_ui_test_wait (page_idle, page, "search results");
          ms = (g_get_monotonic_time () - start) / 1000.0;
          g_array_append_val (ui_ms, ms);
          if (g_utf8_strlen (prefix, -1) == 2 && (guchar) prefix[0] >= 0x80)
            g_array_append_val (two_ms, ms);

          if (q % 2 == 0)
            {
              ms = model_search (fixture->db, fixture->context, prefix);
              g_array_append_val (model_ms, ms);
            }
        }
    }

  {
    double ui50 = percentile (ui_ms, 0.5), ui95 = percentile (ui_ms, 0.95);
    double m50 = percentile (model_ms, 0.5), m95 = percentile (model_ms, 0.95);

    g_print ("search per keystroke, window %s (%u keystrokes, %" G_GINT64_FORMAT " accounts): "
             "window median %.2f ms p95 %.2f ms; vp_search_accounts median %.2f ms p95 %.2f ms; "
             "ratio median %.2f p95 %.2f; p95 / 60 Hz frame %.2f\n",
             how, ui_ms->len, n, ui50, ui95, m50, m95, ui50 / m50, ui95 / m95, ui95 / FRAME_MS);
    if (two_ms->len > 0)
      g_print ("two-character Chinese names, window %s (%u keystrokes): "
               "window median %.2f ms p95 %.2f ms\n",
               how, two_ms->len, percentile (two_ms, 0.5), percentile (two_ms, 0.95));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) bare_launch = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) counter_launch = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) queries = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  VpUiFixture fixture = { 0 };
  const char *env = g_getenv ("VP_BENCH_ACCOUNTS");
  gint64 n = env != NULL ? g_ascii_strtoll (env, NULL, 10) : 200000;
  VpCounterPage *page;
  gint64 start;
  double bare, counter;

  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  /* VP_BENCH_DB keeps the generated database for the next run (generation of 200 000
   * accounts takes minutes; an existing file with operators is used as it is). */
  if (g_getenv ("VP_BENCH_DB") != NULL)
    path = g_strdup (g_getenv ("VP_BENCH_DB"));
  else
    {
      dir = g_dir_make_tmp ("vp-bench-ui-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "bench.db", NULL);
    }
  fixture.db = vp_database_open (path, &error);
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_assert_true (vp_context_seed_demo (fixture.db, n, &error));
  g_assert_no_error (error);
  g_print ("# demo database %s: %" G_GINT64_FORMAT " accounts asked, ready in %.1f s\n", path,
           n, (g_get_monotonic_time () - start) / 1e6);

  /* 1. Launch (a bare window first, so font and theme loading is not billed to us). */
  launch_bare ();
  for (int i = 0; i < LAUNCHES; i++)
    {
      bare = launch_bare ();
      g_array_append_val (bare_launch, bare);
      counter = launch_counter (fixture.db);
      g_array_append_val (counter_launch, counter);
    }
  bare = percentile (bare_launch, 0.5);
  counter = percentile (counter_launch, 0.5);
  g_print ("launch to log-in window: median %.1f ms; bare window %.1f ms; ratio %.2f\n",
           counter, bare, counter / bare);

  /* 2. Search per keystroke through the real counter page. */
  fixture.context = vp_context_new (fixture.db, FALSE);
  fixture.window = vp_window_new (NULL, fixture.context);
  gtk_window_present (GTK_WINDOW (fixture.window));
  vp_ui_test_login (&fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  page = VP_COUNTER_PAGE (vp_window_get_page (fixture.window, "counter"));
  queries = queries_from_data (fixture.db, vp_context_get_session (fixture.context));

  /* Drawn: what the cashier waits for, painting included (software cairo under
   * Xvfb here). Hidden: the search and the list update alone. */
  measure_keystrokes (&fixture, page, queries, n, "drawn");
  gtk_widget_set_visible (GTK_WIDGET (fixture.window), FALSE);
  measure_keystrokes (&fixture, page, queries, n, "hidden");

  gtk_window_destroy (GTK_WINDOW (fixture.window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture.context);
  vp_database_unref (fixture.db);
  if (dir != NULL)
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
