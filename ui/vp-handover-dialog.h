/* vp-handover-dialog.h: switching cashier with an open shift: close it or hand it over */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"
#include "vp-window.h"

G_BEGIN_DECLS

#define VP_TYPE_HANDOVER_DIALOG (vp_handover_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpHandoverDialog, vp_handover_dialog, VP, HANDOVER_DIALOG, GtkWindow)

/* Switch cashier: when the operator has an open shift, asks (in a dialog over @window)
 * whether to close it now (the Shift page) or hand the drawer over to the incoming
 * cashier, who types their password in place and is then logged in; otherwise logs the
 * operator out at once. The shift check runs in a worker thread. */
void              vp_handover_dialog_switch    (VpWindow         *window);
/* The dialog open over @window, or NULL. */
VpHandoverDialog *vp_handover_dialog_find      (VpWindow         *window);
gboolean          vp_handover_dialog_get_busy  (VpHandoverDialog *self);
const char       *vp_handover_dialog_get_error (VpHandoverDialog *self);
/* "login" or "password". */
GtkEditable      *vp_handover_dialog_get_field (VpHandoverDialog *self,
                                                const char       *name);

G_END_DECLS
