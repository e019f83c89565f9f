/* vp-reports-page.h: choose a report, run it, preview, print, save PDF, export CSV */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"
#include "vp-report.h"

G_BEGIN_DECLS

#define VP_TYPE_REPORTS_PAGE (vp_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (VpReportsPage, vp_reports_page, VP, REPORTS_PAGE, GtkWidget)

GtkWidget           *vp_reports_page_new          (VpContext     *context);
/* Selects the report @name in the list; FALSE when the registry has none of that name. */
gboolean             vp_reports_page_select       (VpReportsPage *self,
                                                   const char    *name);
/* The selected report's registry name, else NULL. */
const char          *vp_reports_page_get_selected (VpReportsPage *self);
GtkEditable         *vp_reports_page_get_from     (VpReportsPage *self);
GtkEditable         *vp_reports_page_get_to       (VpReportsPage *self);
/* Whether the operator / account filters are shown (the report takes them). */
gboolean             vp_reports_page_get_operator_shown (VpReportsPage *self);
gboolean             vp_reports_page_get_account_shown  (VpReportsPage *self);
gboolean             vp_reports_page_get_busy     (VpReportsPage *self);
/* The table of the last report run (what the preview shows), else NULL. */
const VpReportTable *vp_reports_page_get_table    (VpReportsPage *self);
/* "1 / 3" as shown under the preview; "" before a run. */
const char          *vp_reports_page_get_page_text (VpReportsPage *self);
const char          *vp_reports_page_get_message  (VpReportsPage *self);
/* What Save PDF / Export CSV do once the file chooser has a path. */
gboolean             vp_reports_page_save_pdf     (VpReportsPage *self,
                                                   const char    *path,
                                                   GError       **error);
gboolean             vp_reports_page_save_csv     (VpReportsPage *self,
                                                   const char    *path,
                                                   gboolean       bom,
                                                   GError       **error);

G_END_DECLS
