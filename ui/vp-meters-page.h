/* vp-meters-page.h: the technician's bench: link, address, any data item, tests, log */
#pragma once

#include <gtk/gtk.h>

#include "vp-anomalies-panel.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_METERS_PAGE (vp_meters_page_get_type ())
G_DECLARE_FINAL_TYPE (VpMetersPage, vp_meters_page, VP, METERS_PAGE, GtkWidget)

/* The frame log view keeps this many lines (older ones scroll away). */
#define VP_METERS_PAGE_LOG_LINES 2000

GtkWidget   *vp_meters_page_new            (VpContext       *context);
GtkEditable *vp_meters_page_get_link       (VpMetersPage    *self);
GtkEditable *vp_meters_page_get_address    (VpMetersPage    *self);
GtkEditable *vp_meters_page_get_password   (VpMetersPage    *self);
GtkEditable *vp_meters_page_get_item       (VpMetersPage    *self);
GtkEditable *vp_meters_page_get_alarm      (VpMetersPage    *self,
                                            guint            level);
void         vp_meters_page_set_water      (VpMetersPage    *self,
                                            gboolean         water);
/* Serial ports listed in the port choice (the last choice is the TCP gateway). */
guint        vp_meters_page_get_n_ports    (VpMetersPage    *self);
gboolean     vp_meters_page_get_busy       (VpMetersPage    *self);
/* The last answer shown ("Total forward energy: 802.17 kWh"), NULL before one. */
const char  *vp_meters_page_get_value      (VpMetersPage    *self);
/* The outcome of the last operation, and whether it failed. */
const char  *vp_meters_page_get_status     (VpMetersPage    *self,
                                            gboolean        *is_error);
/* The frame log as shown. */
char        *vp_meters_page_get_log_text   (VpMetersPage    *self);
/* The open reading anomalies, with their Accept as new start / Dismiss buttons. */
VpAnomaliesPanel *vp_meters_page_get_anomalies (VpMetersPage *self);

G_END_DECLS
