/* vp-account-wizard.h: open an account: customer, room, meters, tariff, alarms, top-up */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_ACCOUNT_WIZARD (vp_account_wizard_get_type ())
G_DECLARE_FINAL_TYPE (VpAccountWizard, vp_account_wizard, VP, ACCOUNT_WIZARD, GtkWindow)

typedef enum
{
  VP_WIZARD_FIELD_ROOM,
  VP_WIZARD_FIELD_ELECTRICITY,
  VP_WIZARD_FIELD_WATER,
  VP_WIZARD_FIELD_ALARM1,
  VP_WIZARD_FIELD_ALARM2,
  VP_WIZARD_FIELD_TRIP,
  VP_WIZARD_FIELD_TOPUP,
} VpWizardField;

/* Emits "opened" (const char *number, const char *summary) and closes once stored. */
VpAccountWizard *vp_account_wizard_new        (VpContext       *context);
/* "customer", "premises", "tariff", "topup" or "summary". */
const char      *vp_account_wizard_get_step   (VpAccountWizard *self);
GtkWidget       *vp_account_wizard_get_form   (VpAccountWizard *self);
GtkEditable     *vp_account_wizard_get_field  (VpAccountWizard *self,
                                               VpWizardField    field);
const char      *vp_account_wizard_get_error  (VpAccountWizard *self);
gboolean         vp_account_wizard_get_busy   (VpAccountWizard *self);

G_END_DECLS
