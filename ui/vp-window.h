/* vp-window.h: the main window */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VP_TYPE_WINDOW (vp_window_get_type ())
G_DECLARE_FINAL_TYPE (VpWindow, vp_window, VP, WINDOW, GtkApplicationWindow)

VpWindow *vp_window_new (GtkApplication *application);

G_END_DECLS
