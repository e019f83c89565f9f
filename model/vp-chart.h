/* vp-chart.h: bar and line charts laid out as document items
 *
 * A VpChart is data — categories along the x axis and one or more named series of
 * integer values in a fixed unit (0.01 kWh, fen …) — and vp_chart_draw() turns it into
 * rectangles, lines, polylines and text of a VpDocument, so the libharu PDF and the
 * Cairo preview draw the same chart. The y axis runs from 0 (or below, for negative
 * values) to a round number with 1-2-5 steps; category labels are thinned so they
 * never overlap; a legend names each series. Two bar series make the year-on-year
 * chart: this period and the same period last year side by side.
 */
#pragma once

#include "vp-document.h"

G_BEGIN_DECLS

typedef enum
{
  VP_CHART_BAR,
  VP_CHART_LINE,
} VpChartKind;

typedef struct _VpChart VpChart;

VpChart    *vp_chart_new            (VpChartKind     kind,
                                     const char     *title,
                                     const char     *unit,
                                     gint64          scale);
void        vp_chart_free           (VpChart        *self);

VpChartKind vp_chart_get_kind       (const VpChart  *self);
guint       vp_chart_add_category   (VpChart        *self,
                                     const char     *label);
guint       vp_chart_add_series     (VpChart        *self,
                                     const char     *name);
void        vp_chart_set_value      (VpChart        *self,
                                     guint           series,
                                     guint           category,
                                     gint64          value);
guint       vp_chart_get_n_categories (const VpChart *self);
guint       vp_chart_get_n_series   (const VpChart  *self);
gint64      vp_chart_get_value      (const VpChart  *self,
                                     guint           series,
                                     guint           category);

void        vp_chart_nice_axis      (gint64          min,
                                     gint64          max,
                                     guint           max_ticks,
                                     gint64         *out_low,
                                     gint64         *out_high,
                                     gint64         *out_step);
char       *vp_chart_format_tick    (gint64          value,
                                     gint64          scale,
                                     gint64          step);

void        vp_chart_draw           (const VpChart  *self,
                                     VpDocument     *doc,
                                     guint           page,
                                     double          x,
                                     double          y,
                                     double          width,
                                     double          height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpChart, vp_chart_free)

G_END_DECLS
