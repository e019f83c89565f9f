/* vp-anomalies-panel.h: a meter's reading anomalies for the technician to resolve */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_ANOMALIES_PANEL (vp_anomalies_panel_get_type ())
G_DECLARE_FINAL_TYPE (VpAnomaliesPanel, vp_anomalies_panel, VP, ANOMALIES_PANEL, GtkWidget)

GtkWidget   *vp_anomalies_panel_new         (VpContext        *context);
/* Lists the open anomalies again (also done after each reading cycle and log-in). */
void         vp_anomalies_panel_reload      (VpAnomaliesPanel *self);
/* TRUE while a list or a resolution is in progress. */
gboolean     vp_anomalies_panel_get_busy    (VpAnomaliesPanel *self);
/* Open anomalies shown. */
guint        vp_anomalies_panel_get_n_rows  (VpAnomaliesPanel *self);
/* The widgets of anomaly @id's row (NULL when it is not shown): the note entry, the
 * button for @action ("rebaseline" or "dismiss") and the row's error label. */
GtkEditable *vp_anomalies_panel_get_note    (VpAnomaliesPanel *self,
                                             gint64            id);
GtkButton   *vp_anomalies_panel_get_button  (VpAnomaliesPanel *self,
                                             gint64            id,
                                             const char       *action);
GtkLabel    *vp_anomalies_panel_get_error   (VpAnomaliesPanel *self,
                                             gint64            id);
/* The outcome of the last resolution, NULL before one. */
const char  *vp_anomalies_panel_get_status  (VpAnomaliesPanel *self);

G_END_DECLS
