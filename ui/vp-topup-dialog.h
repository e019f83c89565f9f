/* vp-topup-dialog.h: amount, payment, confirmation, receipt number */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_TOPUP_DIALOG (vp_topup_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpTopupDialog, vp_topup_dialog, VP, TOPUP_DIALOG, GtkWindow)

/* Emits "committed" (const char *summary, const char *receipt) once the top-up is stored. */
VpTopupDialog *vp_topup_dialog_new      (VpContext       *context,
                                         const VpAccount *account);
/* "amount", "confirm" or "done": where the cashier is. */
const char    *vp_topup_dialog_get_step (VpTopupDialog   *self);
/* The error shown on the current step, NULL when none. */
const char    *vp_topup_dialog_get_error (VpTopupDialog  *self);
gboolean       vp_topup_dialog_get_busy (VpTopupDialog   *self);
/* What the last step says (receipt, new balance, change, supply), "" before. */
const char    *vp_topup_dialog_get_done_text (VpTopupDialog *self);
/* The supply line under the receipt: progress, then what each meter did; NULL when
 * the top-up switched nothing back on. Busy while the commands are out. */
const char    *vp_topup_dialog_get_supply_text (VpTopupDialog *self);
gboolean       vp_topup_dialog_get_supply_busy (VpTopupDialog *self);
/* Receipt number of the stored top-up, NULL before. */
const char    *vp_topup_dialog_get_receipt (VpTopupDialog *self);
GtkEditable   *vp_topup_dialog_get_amount   (VpTopupDialog   *self);
GtkEditable   *vp_topup_dialog_get_tendered (VpTopupDialog   *self);
GtkEditable   *vp_topup_dialog_get_reference (VpTopupDialog  *self);

G_END_DECLS
