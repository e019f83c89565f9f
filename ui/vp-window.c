/* vp-window.c: the main window */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-window.h"

struct _VpWindow
{
  GtkApplicationWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (VpWindow, vp_window, GTK_TYPE_APPLICATION_WINDOW)

static void
vp_window_class_init (VpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-window.ui");
}

static void
vp_window_init (VpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

VpWindow *
vp_window_new (GtkApplication *application)
{
  return g_object_new (VP_TYPE_WINDOW, "application", application, NULL);
}
