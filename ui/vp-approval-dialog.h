/* vp-approval-dialog.h: a supervisor types their password in place */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_APPROVAL_DIALOG (vp_approval_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpApprovalDialog, vp_approval_dialog, VP, APPROVAL_DIALOG, GtkWindow)

/* Emits "approved" (gint64 approver operator id) and closes once a supervisor whose
 * role carries @what has typed a good password. @reason says what is approved. */
VpApprovalDialog *vp_approval_dialog_new       (VpContext        *context,
                                                VpPermission      what,
                                                const char       *reason);
const char       *vp_approval_dialog_get_error (VpApprovalDialog *self);
gboolean          vp_approval_dialog_get_busy  (VpApprovalDialog *self);
GtkEditable      *vp_approval_dialog_get_login    (VpApprovalDialog *self);
GtkEditable      *vp_approval_dialog_get_password (VpApprovalDialog *self);

G_END_DECLS
