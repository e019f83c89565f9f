/* vp-customer-card.h: who the cashier is serving, readable from a metre away */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-ledger.h"

G_BEGIN_DECLS

#define VP_TYPE_CUSTOMER_CARD (vp_customer_card_get_type ())
G_DECLARE_FINAL_TYPE (VpCustomerCard, vp_customer_card, VP, CUSTOMER_CARD, GtkWidget)

typedef enum
{
  VP_BALANCE_OK,
  VP_BALANCE_ALARM1,    /* below the first alarm level */
  VP_BALANCE_ALARM2,    /* below the second alarm level */
  VP_BALANCE_TRIPPED,   /* at or below the trip level */
} VpBalanceLevel;

GtkWidget      *vp_customer_card_new               (void);
/* Shows @account (copied into labels) and its last top-up (nullable); NULL clears. */
void            vp_customer_card_set_account       (VpCustomerCard      *self,
                                                    const VpAccount     *account,
                                                    const VpLedgerEntry *last_topup);
/* What the engine saw last of the shown account's meters (VpMeterLive *, nullable:
 * nothing known); call after vp_customer_card_set_account(). */
void            vp_customer_card_set_meter_states  (VpCustomerCard      *self,
                                                    GPtrArray           *meters);
/* The live line of the meter at @address ("123.45 kWh at … · online · power on"),
 * NULL when the card shows no such meter or knows nothing of it yet. */
const char     *vp_customer_card_get_meter_text    (VpCustomerCard      *self,
                                                    const char          *address);
const char     *vp_customer_card_get_balance_text  (VpCustomerCard      *self);
VpBalanceLevel  vp_customer_card_get_balance_level (VpCustomerCard      *self);

VpBalanceLevel  vp_balance_level                   (gint64               balance,
                                                    gint64               alarm1,
                                                    gint64               alarm2,
                                                    gint64               trip);

G_END_DECLS
