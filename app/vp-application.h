/* vp-application.h */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_APPLICATION (vp_application_get_type ())
G_DECLARE_FINAL_TYPE (VpApplication, vp_application, VP, APPLICATION, GtkApplication)

VpApplication *vp_application_new         (void);
/* The context of the open database; NULL before the first activation. */
VpContext     *vp_application_get_context (VpApplication *self);

G_END_DECLS
