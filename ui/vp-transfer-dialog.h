/* vp-transfer-dialog.h: 过户, a new customer takes over an account */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_TRANSFER_DIALOG (vp_transfer_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpTransferDialog, vp_transfer_dialog, VP, TRANSFER_DIALOG, GtkWindow)

/* Emits "transferred" (const char *summary) and closes once stored. */
VpTransferDialog *vp_transfer_dialog_new       (VpContext        *context,
                                                const VpAccount  *account);
GtkWidget        *vp_transfer_dialog_get_form  (VpTransferDialog *self);
const char       *vp_transfer_dialog_get_error (VpTransferDialog *self);

G_END_DECLS
