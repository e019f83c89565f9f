/* test-ui-demo-app.c: `vendpoint --demo` reads its simulated meters by itself
 *
 * The real application object, started as `vendpoint --demo` on a small demo database
 * prepared in a temporary XDG_DATA_HOME (its gateways moved to free loopback ports):
 * the demo station must serve every meter and the context's engine must read them all
 * in its first cycle, with no one clicking anything.
 */
#include "config.h"

#include "vp-application.h"
#include "vp-database.h"
#include "vp-settings.h"
#include "vp-test-tmp.h"
#include "vp-ui-test.h"

typedef struct
{
  VpApplication *app;
  VpCycleReport  report;
  gboolean       finished;
  guint          interval;
} DemoRun;

/* A loopback port free at this moment. */
static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The demo database where `vendpoint --demo` looks for it, seeded small. */
static void
prepare_demo_database (const char *data_home)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (data_home, "vendpoint", NULL);
  g_autofree char *path = g_build_filename (dir, "demo.db", NULL);
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(VpSession) admin = NULL;
  g_autoptr(GPtrArray) uses = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  db = vp_database_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vp_context_seed_demo (db, 20, &error));
  g_assert_no_error (error);
  admin = vp_session_login (db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);

  uses = vp_settings_list_links (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uses->len, >, 0);
  for (guint i = 0; i < uses->len; i++)
    {
      const VpLinkUse *use = g_ptr_array_index (uses, i);
      g_autofree char *to = g_strdup_printf ("tcp://127.0.0.1:%u", free_port ());

      g_assert_true (vp_settings_move_link (db, admin, use->link, to, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
cycle_finished_cb (VpContext           *context,
                   const VpCycleReport *report,
                   DemoRun             *run)
{
  run->report = *report;
  run->report.first_error = g_strdup (report->first_error);
  run->finished = TRUE;
  g_application_quit (G_APPLICATION (run->app));
}

static void
activate_cb (GApplication *app,
             DemoRun      *run)
{
  VpContext *context = vp_application_get_context (run->app);

  g_assert_nonnull (context);
  g_assert_true (vp_context_has_engine (context));
  run->interval = vp_context_get_cycle_interval (context);
  g_signal_connect (context, "cycle-finished", G_CALLBACK (cycle_finished_cb), run);
}

static gboolean
give_up_cb (gpointer data)
{
  DemoRun *run = data;

  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

static void
test_demo_reads (void)
{
  char *argv[] = { (char *) "vendpoint", (char *) "--demo", NULL };
  DemoRun run = { 0 };
  guint give_up;

  prepare_demo_database (g_get_user_data_dir ());

  run.app = vp_application_new ();
  g_signal_connect_after (run.app, "activate", G_CALLBACK (activate_cb), &run);
  give_up = g_timeout_add_seconds (40, give_up_cb, &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 2, argv), ==, 0);
  g_source_remove (give_up);

  g_assert_true (run.finished);
  g_assert_cmpuint (run.interval, ==, 15);
  g_assert_cmpuint (run.report.meters, >=, 20);
  g_assert_cmpuint (run.report.read, ==, run.report.meters);
  g_assert_cmpuint (run.report.offline, ==, 0);
  g_assert_cmpuint (run.report.errors, ==, 0);
  vp_cycle_report_clear (&run.report);
  g_object_unref (run.app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = vp_test_tmp_new ();
  int status;

  /* Before anything asks GLib for the user data folder: it is read once. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add_func ("/vp/ui/demo-app/reads", test_demo_reads);
  status = g_test_run ();
  vp_test_tmp_remove (home);
  return status;
}
