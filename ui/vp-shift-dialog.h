/* vp-shift-dialog.h: open a shift so a cashier can take payments */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_SHIFT_DIALOG (vp_shift_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpShiftDialog, vp_shift_dialog, VP, SHIFT_DIALOG, GtkWindow)

/* Emits "opened" and closes once the operator's shift is open. */
VpShiftDialog *vp_shift_dialog_new       (VpContext     *context);
const char    *vp_shift_dialog_get_error (VpShiftDialog *self);
GtkEditable   *vp_shift_dialog_get_float  (VpShiftDialog *self);

G_END_DECLS
