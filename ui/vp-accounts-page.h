/* vp-accounts-page.h: the account life cycle: open, transfer, suspend, close */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_ACCOUNTS_PAGE (vp_accounts_page_get_type ())
G_DECLARE_FINAL_TYPE (VpAccountsPage, vp_accounts_page, VP, ACCOUNTS_PAGE, GtkWidget)

/* Accounts listed when the search field is empty. */
#define VP_ACCOUNTS_PAGE_LIST_LIMIT 200

GtkWidget       *vp_accounts_page_new           (VpContext      *context);
GtkEditable     *vp_accounts_page_get_search    (VpAccountsPage *self);
gboolean         vp_accounts_page_get_busy      (VpAccountsPage *self);
guint            vp_accounts_page_get_n_results (VpAccountsPage *self);
const char      *vp_accounts_page_get_result    (VpAccountsPage *self,
                                                 guint           index);
/* Selects result @index and loads it onto the card. */
void             vp_accounts_page_select        (VpAccountsPage *self,
                                                 guint           index);
const VpAccount *vp_accounts_page_get_account   (VpAccountsPage *self);
/* The dialog the page shows now (wizard, transfer, approval, question), else NULL. */
GtkWindow       *vp_accounts_page_get_dialog    (VpAccountsPage *self);
const char      *vp_accounts_page_get_message   (VpAccountsPage *self);
/* Whether the open/close/transfer/suspend buttons are there for this operator. */
gboolean         vp_accounts_page_get_can_manage (VpAccountsPage *self);
/* The close threshold field of the shown account (empty: the trip threshold). */
GtkEditable     *vp_accounts_page_get_close_threshold (VpAccountsPage *self);
/* Lists the accounts again (after a change elsewhere). */
void             vp_accounts_page_refresh       (VpAccountsPage *self);

G_END_DECLS
