/* vp-window.h: the main window: page switcher, operator, screen lock */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_WINDOW (vp_window_get_type ())
G_DECLARE_FINAL_TYPE (VpWindow, vp_window, VP, WINDOW, GtkApplicationWindow)

VpWindow  *vp_window_new              (GtkApplication *application,
                                       VpContext      *context);
VpContext *vp_window_get_context      (VpWindow       *self);
/* Ends the session and asks for a password again (as after inactivity). */
void       vp_window_lock             (VpWindow       *self);
gboolean   vp_window_get_locked       (VpWindow       *self);
/* The log-in dialog while one is shown, else NULL. */
GtkWindow *vp_window_get_login_dialog (VpWindow       *self);
/* A page by name ("counter", "accounts"), NULL when it does not exist. */
GtkWidget *vp_window_get_page         (VpWindow       *self,
                                       const char     *name);
/* Whether the current operator's role shows the page. */
gboolean   vp_window_get_page_visible (VpWindow       *self,
                                       const char     *name);
void       vp_window_show_page        (VpWindow       *self,
                                       const char     *name);

G_END_DECLS
