/* vp-counter-page.h: search, customer card, top-up, refund, reversal */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_COUNTER_PAGE (vp_counter_page_get_type ())
G_DECLARE_FINAL_TYPE (VpCounterPage, vp_counter_page, VP, COUNTER_PAGE, GtkWidget)

GtkWidget       *vp_counter_page_new             (VpContext     *context);
GtkEditable     *vp_counter_page_get_search      (VpCounterPage *self);
/* TRUE while a search or an account load is under way. */
gboolean         vp_counter_page_get_busy        (VpCounterPage *self);
guint            vp_counter_page_get_n_results   (VpCounterPage *self);
/* Account number of result @index as listed. */
const char      *vp_counter_page_get_result      (VpCounterPage *self,
                                                  guint          index);
/* The account on the card, NULL when none is picked. */
const VpAccount *vp_counter_page_get_account     (VpCounterPage *self);
GtkWidget       *vp_counter_page_get_card        (VpCounterPage *self);
/* The dialog the page shows now (top-up, refund, approval, shift), else NULL. */
GtkWindow       *vp_counter_page_get_dialog      (VpCounterPage *self);
/* The last message shown under the card (result or error), NULL when none. */
const char      *vp_counter_page_get_message     (VpCounterPage *self);
/* The PDF of the receipt printed last from this page, NULL before. */
const char      *vp_counter_page_get_printed_path (VpCounterPage *self);
/* Loads @number onto the card (as picking it from the results does). */
void             vp_counter_page_show_account    (VpCounterPage *self,
                                                  const char    *number);

G_END_DECLS
