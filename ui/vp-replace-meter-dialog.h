/* vp-replace-meter-dialog.h: 换表, a new meter takes the place of a faulty one */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_REPLACE_METER_DIALOG (vp_replace_meter_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpReplaceMeterDialog, vp_replace_meter_dialog, VP, REPLACE_METER_DIALOG,
                      GtkWindow)

/* For @account's active meters (at least one). Emits "replaced" (const char *summary)
 * and closes once stored. */
VpReplaceMeterDialog *vp_replace_meter_dialog_new         (VpContext            *context,
                                                           const VpAccount      *account);
/* The fields, in the order a technician fills them. */
GtkEditable          *vp_replace_meter_dialog_get_final   (VpReplaceMeterDialog *self);
GtkEditable          *vp_replace_meter_dialog_get_address (VpReplaceMeterDialog *self);
GtkEditable          *vp_replace_meter_dialog_get_initial (VpReplaceMeterDialog *self);
/* Which of the active meters is replaced (index in installation order). */
void                  vp_replace_meter_dialog_set_old     (VpReplaceMeterDialog *self,
                                                           guint                 index);
const char           *vp_replace_meter_dialog_get_error   (VpReplaceMeterDialog *self);
gboolean              vp_replace_meter_dialog_get_busy    (VpReplaceMeterDialog *self);

G_END_DECLS
