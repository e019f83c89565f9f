/* vp-application.c: actions, accelerators, and the one context the windows share */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-application.h"
#include "vp-window.h"

struct _VpApplication
{
  GtkApplication parent_instance;

  char     *db_path;
  gboolean  demo;
};

G_DEFINE_FINAL_TYPE (VpApplication, vp_application, GTK_TYPE_APPLICATION)

static int
vp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  VpApplication *self = VP_APPLICATION (app);
  const char *db = NULL;

  if (g_variant_dict_lookup (options, "db", "&s", &db))
    self->db_path = g_strdup (db);
  self->demo = g_variant_dict_contains (options, "demo");

  return -1;
}

static void
vp_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (vp_window_new (GTK_APPLICATION (app)));

  gtk_window_present (window);
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

  object_class->finalize = vp_application_finalize;
  app_class->handle_local_options = vp_application_handle_local_options;
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
