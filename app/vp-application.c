/* vp-application.c: actions, accelerators, and the one context the windows share */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "vp-application.h"
#include "vp-commissioning-devices.h"
#include "vp-context.h"
#include "vp-database.h"
#include "vp-demo-station.h"
#include "vp-meter-gateway-devices.h"
#include "vp-model-error.h"
#include "vp-window.h"

struct _VpApplication
{
  GtkApplication  parent_instance;

  char           *db_path;
  gboolean        demo;
  VpContext      *context;
  VpDemoStation  *station;
};

G_DEFINE_FINAL_TYPE (VpApplication, vp_application, GTK_TYPE_APPLICATION)

/* Enough to feel real, few enough that the first demo start takes a moment only. */
#define VP_APPLICATION_DEMO_ACCOUNTS 2000
/* The demo's loads run 60 times faster than life, so balances visibly move between
 * its 15-second cycles; the buses answer at an RS-485 meter's usual 9600 baud. */
#define VP_APPLICATION_DEMO_SPEED    60
#define VP_APPLICATION_DEMO_BAUD     9600
#define VP_APPLICATION_DEMO_INTERVAL 15

/* Keys a cashier uses all day (issue 5); actions live on the window. */
static const struct {
  const char *action;
  const char *accels[2];
} accels[] = {
  { "win.search", { "F2", NULL } },
  { "win.topup", { "F5", NULL } },
  { "win.refund", { "F6", NULL } },
  { "win.reprint", { "F8", NULL } },
  { "win.print", { "<Control>p", NULL } },
  { "win.back", { "Escape", NULL } },
  { "win.lock", { "<Control>l", NULL } },
  { "app.quit", { "<Control>q", NULL } },
};

static int
vp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  VpApplication *self = VP_APPLICATION (app);
  const char *db = NULL;

  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    self->db_path = g_strdup (db);
  self->demo = g_variant_dict_contains (options, "demo");

  if (self->demo && self->db_path != NULL)
    {
      g_printerr ("%s\n", _("Use either --demo or --db, not both."));
      return 1;
    }

  return -1;
}

/* The built-in meter simulator for --demo: one simulated bus per loopback gateway of
 * the demo database, kept until shutdown, so the engine reads, charges, trips and
 * closes the demo meters over real frames. Without it the app still runs (the meters
 * then show as offline). */
static void
vp_application_start_demo_simulator (VpApplication *self)
{
  g_autoptr(GError) error = NULL;

  self->station = vp_demo_station_start (vp_context_get_database (self->context),
                                         VP_APPLICATION_DEMO_SPEED, VP_APPLICATION_DEMO_BAUD,
                                         &error);
  if (self->station == NULL)
    g_printerr (_("Demo: the meter simulator could not start, the meters stay offline: %s\n"),
                error->message);
}

/* The station reads its meters while the counter is open, --demo and --db alike, over
 * a meter client of its own (its own frame log, never waiting for the Meters page). */
static void
vp_application_start_engine (VpApplication *self)
{
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = vp_meter_gateway_devices_new (client);

  if (self->demo)
    vp_context_set_cycle_interval (self->context, VP_APPLICATION_DEMO_INTERVAL);
  vp_context_set_gateway (self->context, gateway);
}

static char *
vp_application_default_db_path (gboolean demo)
{
  return g_build_filename (g_get_user_data_dir (), "vendpoint",
                           demo ? "demo.db" : "vendpoint.db", NULL);
}

static VpDatabase *
vp_application_open_database (VpApplication  *self,
                              GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  path = self->db_path != NULL ? g_strdup (self->db_path)
                               : vp_application_default_db_path (self->demo);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }

  return vp_database_open (path, error);
}

/* A new database has nobody who could log in: say how to make the first admin rather
 * than show a log-in no one can pass. */
static gboolean
vp_application_check_operators (VpDatabase  *db,
                                GError     **error)
{
  gint64 count = 0;

  if (!vp_operator_count (db, &count, error))
    return FALSE;
  if (count > 0)
    return TRUE;
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
               _("The database %s has no operators yet. Create the first administrator with "
                 "“vpctl --db %s db init”, or try Vendpoint with “vendpoint --demo”."),
               vp_database_get_path (db), vp_database_get_path (db));
  return FALSE;
}

static void
vp_application_show_fatal (VpApplication *self,
                           const GError  *error)
{
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (NULL, 0, GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                   "%s", _("Vendpoint cannot start"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", error->message);
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
vp_application_activate (GApplication *app)
{
  VpApplication *self = VP_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      g_autoptr(GError) error = NULL;

      if (self->context == NULL)
        {
          g_autoptr(VpDatabase) db = vp_application_open_database (self, &error);

          if (db == NULL)
            {
              vp_application_show_fatal (self, error);
              return;
            }
          /* First start of the demo: operators and accounts to play with. */
          if (self->demo && !vp_context_seed_demo (db, VP_APPLICATION_DEMO_ACCOUNTS, &error))
            {
              vp_application_show_fatal (self, error);
              return;
            }
          if (!self->demo && !vp_application_check_operators (db, &error))
            {
              vp_application_show_fatal (self, error);
              return;
            }
          self->context = vp_context_new (db, self->demo);
          {
            /* The technician's Meters page talks to meters through its own client
             * (own frame log), so commissioning never waits behind engine reads. */
            g_autoptr(VpMeterClient) client = vp_meter_client_new ();
            g_autoptr(VpCommissioning) commissioning = vp_commissioning_devices_new (client);

            vp_context_set_commissioning (self->context, commissioning);
          }
          if (self->demo)
            vp_application_start_demo_simulator (self);
          vp_application_start_engine (self);
        }
      window = GTK_WINDOW (vp_window_new (GTK_APPLICATION (app), self->context));
    }

  gtk_window_present (window);
}

static void
vp_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (vp_application_parent_class)->startup (app);

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);

  /* GtkApplication loads style.css from the resource base path by itself. */
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated },
};

static void
vp_application_shutdown (GApplication *app)
{
  VpApplication *self = VP_APPLICATION (app);

  /* No cycle must start, or keep talking, while the simulated buses go away. */
  if (self->context != NULL)
    vp_context_stop_engine (self->context);
  g_clear_pointer (&self->station, vp_demo_station_free);

  G_APPLICATION_CLASS (vp_application_parent_class)->shutdown (app);
}

static void
vp_application_dispose (GObject *object)
{
  VpApplication *self = VP_APPLICATION (object);

  if (self->context != NULL)
    vp_context_stop_engine (self->context);
  g_clear_pointer (&self->station, vp_demo_station_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_application_parent_class)->dispose (object);
}

static void
vp_application_finalize (GObject *object)
{
  VpApplication *self = VP_APPLICATION (object);

  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (vp_application_parent_class)->finalize (object);
}

static void
vp_application_class_init (VpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = vp_application_dispose;
  object_class->finalize = vp_application_finalize;
  app_class->handle_local_options = vp_application_handle_local_options;
  app_class->startup = vp_application_startup;
  app_class->shutdown = vp_application_shutdown;
  app_class->activate = vp_application_activate;
}

static void
vp_application_init (VpApplication *self)
{
  static const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Use the database at PATH"), N_("PATH") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Use the demo database and start the built-in meter simulator"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
}

VpApplication *
vp_application_new (void)
{
  return g_object_new (VP_TYPE_APPLICATION,
                       "application-id", "org.vendpoint.Vendpoint",
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/vendpoint/Vendpoint",
                       NULL);
}

VpContext *
vp_application_get_context (VpApplication *self)
{
  g_return_val_if_fail (VP_IS_APPLICATION (self), NULL);

  return self->context;
}
