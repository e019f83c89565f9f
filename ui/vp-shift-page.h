/* vp-shift-page.h: open a shift with a float, count the drawer, close with over/short */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"
#include "vp-shift.h"

G_BEGIN_DECLS

#define VP_TYPE_SHIFT_PAGE (vp_shift_page_get_type ())
G_DECLARE_FINAL_TYPE (VpShiftPage, vp_shift_page, VP, SHIFT_PAGE, GtkWidget)

/* The notes and coins counted at close, in fen: 100, 50, 20, 10, 5, 1, 0.5, 0.1 yuan. */
#define VP_SHIFT_PAGE_N_DENOMINATIONS 8
extern const gint64 vp_shift_page_denominations[VP_SHIFT_PAGE_N_DENOMINATIONS];

GtkWidget     *vp_shift_page_new            (VpContext   *context);
/* Reads the operator's shift again (in a worker thread). */
void           vp_shift_page_refresh        (VpShiftPage *self);
gboolean       vp_shift_page_get_busy       (VpShiftPage *self);
/* The open shift as last read, else NULL. */
const VpShift *vp_shift_page_get_current    (VpShiftPage *self);
/* The shift this page closed last (its Z summary is shown), else NULL. */
const VpShift *vp_shift_page_get_closed     (VpShiftPage *self);
GtkEditable   *vp_shift_page_get_float      (VpShiftPage *self);
/* Sets how many of @denomination (fen, one of the list above) were counted. */
void           vp_shift_page_set_count      (VpShiftPage *self,
                                             gint64       denomination,
                                             guint        count);
/* The sum of the counts, fen. */
gint64         vp_shift_page_get_counted    (VpShiftPage *self);
/* "Short by ¥20.00" / "Over by …" / "Balanced", as shown. */
const char    *vp_shift_page_get_over_short_text (VpShiftPage *self);
const char    *vp_shift_page_get_message    (VpShiftPage *self);
/* The PDF the last Z report was saved to (reports/ beside the database), else NULL. */
const char    *vp_shift_page_get_z_report_path (VpShiftPage *self);
/* The supervisor dialog while one is shown, else NULL. */
GtkWindow     *vp_shift_page_get_dialog     (VpShiftPage *self);

G_END_DECLS
