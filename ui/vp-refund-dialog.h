/* vp-refund-dialog.h: pay money back from the balance, with approval when needed */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_REFUND_DIALOG (vp_refund_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpRefundDialog, vp_refund_dialog, VP, REFUND_DIALOG, GtkWindow)

/* Emits "committed" (const char *summary, const char *receipt) once the refund is stored. */
VpRefundDialog *vp_refund_dialog_new          (VpContext       *context,
                                               const VpAccount *account);
const char     *vp_refund_dialog_get_error    (VpRefundDialog  *self);
gboolean        vp_refund_dialog_get_busy     (VpRefundDialog  *self);
/* The supervisor approval dialog while one is open, else NULL. */
GtkWindow      *vp_refund_dialog_get_approval (VpRefundDialog  *self);
const char     *vp_refund_dialog_get_receipt  (VpRefundDialog  *self);
GtkEditable    *vp_refund_dialog_get_amount   (VpRefundDialog  *self);

G_END_DECLS
