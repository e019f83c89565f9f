/* vp-chart.c: bar and line charts laid out as document items (see vp-chart.h) */
#include "config.h"

#include "vp-chart.h"

#define TITLE_SIZE  11.0
#define LABEL_SIZE  7.5
#define MAX_TICKS   6
#define GRID_COLOR  0xBBBBBBu
#define AXIS_COLOR  0x333333u

/* Distinct on paper and for the common colour blindnesses; the first two are the
 * year-on-year pair (this period dark blue, last year orange). */
static const guint32 palette[] = { 0x2B6CB0, 0xDD6B20, 0x38A169, 0xB83280, 0x718096 };

typedef struct
{
  char   *name;
  GArray *values;   /* gint64 per category */
} Series;

struct _VpChart
{
  VpChartKind  kind;
  char        *title;
  char        *unit;
  gint64       scale;        /* raw units per displayed unit: 100 for 0.01 kWh */
  GPtrArray   *categories;   /* char * */
  GPtrArray   *series;       /* Series * */
};

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->name);
  g_array_unref (s->values);
  g_free (s);
}

/*
 * vp_chart_new:
 * @title: shown above the chart (may be empty)
 * @unit: the y axis unit shown at its top ("kWh"), nullable
 * @scale: raw value units per shown unit (> 0): values 12345 with scale 100 are drawn
 *   as 123.45
 */
VpChart *
vp_chart_new (VpChartKind  kind,
              const char  *title,
              const char  *unit,
              gint64       scale)
{
  VpChart *self;

  g_return_val_if_fail (scale > 0, NULL);

  self = g_new0 (VpChart, 1);
  self->kind = kind;
  self->title = g_strdup (title != NULL ? title : "");
  self->unit = g_strdup (unit);
  self->scale = scale;
  self->categories = g_ptr_array_new_with_free_func (g_free);
  self->series = g_ptr_array_new_with_free_func (series_free);
  return self;
}

/* Frees the chart; NULL is ignored. */
void
vp_chart_free (VpChart *self)
{
  if (self == NULL)
    return;
  g_free (self->title);
  g_free (self->unit);
  g_ptr_array_unref (self->categories);
  g_ptr_array_unref (self->series);
  g_free (self);
}

/* Bars (year-on-year pairs when there are two series) or lines. */
VpChartKind
vp_chart_get_kind (const VpChart *self)
{
  g_return_val_if_fail (self != NULL, VP_CHART_BAR);
  return self->kind;
}

/* Appends a category (x position); every series gets value 0 there. Returns its index. */
guint
vp_chart_add_category (VpChart    *self,
                       const char *label)
{
  gint64 zero = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (label != NULL, 0);

  g_ptr_array_add (self->categories, g_strdup (label));
  for (guint i = 0; i < self->series->len; i++)
    g_array_append_val (((Series *) self->series->pdata[i])->values, zero);
  return self->categories->len - 1;
}

/* Appends a series (0 at every category so far). Returns its index. */
guint
vp_chart_add_series (VpChart    *self,
                     const char *name)
{
  Series *s;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  s = g_new0 (Series, 1);
  s->name = g_strdup (name);
  s->values = g_array_sized_new (FALSE, TRUE, sizeof (gint64), self->categories->len);
  g_array_set_size (s->values, self->categories->len);
  g_ptr_array_add (self->series, s);
  return self->series->len - 1;
}

/* Sets the value of @series at @category (both already added), in raw units. */
void
vp_chart_set_value (VpChart *self,
                    guint    series,
                    guint    category,
                    gint64   value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (series < self->series->len);
  g_return_if_fail (category < self->categories->len);

  g_array_index (((Series *) self->series->pdata[series])->values, gint64, category) = value;
}

/* Counts and values as added, for tests and for a UI that lists the figures. */
guint
vp_chart_get_n_categories (const VpChart *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->categories->len;
}

guint
vp_chart_get_n_series (const VpChart *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->series->len;
}

gint64
vp_chart_get_value (const VpChart *self,
                    guint          series,
                    guint          category)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (series < self->series->len, 0);
  g_return_val_if_fail (category < self->categories->len, 0);

  return g_array_index (((Series *) self->series->pdata[series])->values, gint64, category);
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/*
 * vp_chart_nice_axis:
 * @min, @max: the smallest and largest value to show (raw units)
 * @max_ticks: at most this many steps between low and high (>= 1)
 *
 * An axis from @out_low (<= min(0, @min)) to @out_high (>= max(0, @max)) in steps of
 * 1, 2 or 5 × 10^k raw units, the smallest such step that needs no more than
 * @max_ticks steps; low and high are multiples of the step. An all-zero range gets
 * one step of 1.
 */
void
vp_chart_nice_axis (gint64  min,
                    gint64  max,
                    guint   max_ticks,
                    gint64 *out_low,
                    gint64 *out_high,
                    gint64 *out_step)
{
  gint64 low = MIN (min, 0), high = MAX (max, 0);
  gint64 raw, power = 1, step;

  g_return_if_fail (max_ticks >= 1);
  g_return_if_fail (out_low != NULL && out_high != NULL && out_step != NULL);

  raw = MAX ((high - low + max_ticks - 1) / max_ticks, 1);
  while (power <= raw / 10)
    power *= 10;
  /* 1, 2, 5 × power, then the next decade, until the rounded ends fit the ticks:
   * rounding both ends outwards can cost one step more than @raw promised. */
  for (guint i = 0;; i++)
    {
      static const gint64 mantissa[] = { 1, 2, 5 };

      if (i == G_N_ELEMENTS (mantissa))
        {
          i = 0;
          power *= 10;
        }
      step = mantissa[i] * power;
      if (step < raw)
        continue;
      *out_low = floor_div (low, step) * step;
      *out_high = -floor_div (-high, step) * step;
      if (*out_high == *out_low)
        *out_high += step;
      if ((*out_high - *out_low) / step <= (gint64) max_ticks)
        break;
    }
  *out_step = step;
}

/* @value (a multiple of @step) in shown units with as few decimals as the step needs:
 * step 50 at scale 100 → "0.5", "1.0", …; step 100 → "1", "2". */
char *
vp_chart_format_tick (gint64 value,
                      gint64 scale,
                      gint64 step)
{
  guint decimals = 0;
  gint64 factor = 1;
  gint64 shown, abs_shown;

  g_return_val_if_fail (scale > 0 && step > 0, NULL);

  while (decimals < 6 && (step * factor) % scale != 0)
    {
      decimals++;
      factor *= 10;
    }
  shown = value * factor / scale;
  abs_shown = ABS (shown);
  if (decimals == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, shown);
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT,
                          shown < 0 ? "-" : "", abs_shown / factor, (int) decimals,
                          abs_shown % factor);
}

static void
add_text_at (VpDocument  *doc,
             guint        page,
             double       x,
             double       top,
             double       size,
             VpAlign      align,
             VpTextWeight weight,
             const char  *text)
{
  double w = vp_document_text_width (doc, text, size);

  if (align == VP_ALIGN_CENTER)
    x -= w / 2;
  else if (align == VP_ALIGN_RIGHT)
    x -= w;
  vp_document_add_text (doc, page, x, top, size, weight, VP_COLOR_BLACK, text);
}

static void
draw_legend (const VpChart *self,
             VpDocument    *doc,
             guint          page,
             double         x,
             double         top)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = self->series->pdata[i];
      guint32 color = palette[i % G_N_ELEMENTS (palette)];

      vp_document_add_rect (doc, page, x, top + 1, 7, 7, color, VP_COLOR_NONE, 0);
      vp_document_add_text (doc, page, x + 10, top, LABEL_SIZE, VP_TEXT_REGULAR,
                            VP_COLOR_BLACK, s->name);
      x += 10 + vp_document_text_width (doc, s->name, LABEL_SIZE) + 12;
    }
}

/*
 * vp_chart_draw:
 * @x, @y, @width, @height: the box the whole chart (title, legend, axes, labels)
 *   occupies on @page, in points
 *
 * Lays the chart out into @doc. Nothing is drawn outside the box.
 */
void
vp_chart_draw (const VpChart *self,
               VpDocument    *doc,
               guint          page,
               double         x,
               double         y,
               double         width,
               double         height)
{
  double line = LABEL_SIZE * VP_DOCUMENT_LINE_SPACING;
  gint64 min = 0, max = 0, low, high, step;
  double plot_x, plot_y, plot_w, plot_h, label_w = 0, group_w, max_cat_w = 0;
  guint n = self != NULL ? self->categories->len : 0;
  guint every = 1;
  double label_right = -G_MAXDOUBLE;

  g_return_if_fail (self != NULL);
  g_return_if_fail (doc != NULL);

  add_text_at (doc, page, x + width / 2, y, TITLE_SIZE, VP_ALIGN_CENTER, VP_TEXT_BOLD,
               self->title);
  draw_legend (self, doc, page, x, y + TITLE_SIZE * VP_DOCUMENT_LINE_SPACING);

  for (guint s = 0; s < self->series->len; s++)
    for (guint c = 0; c < n; c++)
      {
        gint64 v = vp_chart_get_value (self, s, c);

        min = MIN (min, v);
        max = MAX (max, v);
      }
  vp_chart_nice_axis (min, max, MAX_TICKS, &low, &high, &step);

  for (gint64 t = low; t <= high; t += step)
    {
      g_autofree char *tick = vp_chart_format_tick (t, self->scale, step);

      label_w = MAX (label_w, vp_document_text_width (doc, tick, LABEL_SIZE));
    }

  plot_x = x + label_w + 6;
  plot_y = y + TITLE_SIZE * VP_DOCUMENT_LINE_SPACING + 2 * line;
  plot_w = width - (plot_x - x) - 4;
  plot_h = height - (plot_y - y) - 2 * line;
  if (plot_w <= 10 || plot_h <= 10)
    return;

  if (self->unit != NULL)
    add_text_at (doc, page, plot_x, plot_y - line, LABEL_SIZE, VP_ALIGN_LEFT,
                 VP_TEXT_REGULAR, self->unit);

  /* Grid and tick labels. */
  for (gint64 t = low; t <= high; t += step)
    {
      g_autofree char *tick = vp_chart_format_tick (t, self->scale, step);
      double ty = plot_y + plot_h - (double) (t - low) / (double) (high - low) * plot_h;

      if (t != 0)
        vp_document_add_line (doc, page, plot_x, ty, plot_x + plot_w, ty, 0.3, GRID_COLOR,
                              TRUE);
      add_text_at (doc, page, plot_x - 3, ty - LABEL_SIZE * 0.6, LABEL_SIZE, VP_ALIGN_RIGHT,
                   VP_TEXT_REGULAR, tick);
    }

  if (n == 0)
    return;
  group_w = plot_w / n;

  for (guint s = 0; s < self->series->len; s++)
    {
      guint32 color = palette[s % G_N_ELEMENTS (palette)];
      g_autofree double *points = g_new (double, 2 * n);

      for (guint c = 0; c < n; c++)
        {
          gint64 v = vp_chart_get_value (self, s, c);
          double vy = plot_y + plot_h - (double) (v - low) / (double) (high - low) * plot_h;
          double zero_y = plot_y + plot_h - (double) (-low) / (double) (high - low) * plot_h;

          if (self->kind == VP_CHART_BAR)
            {
              double bar_w = group_w * 0.8 / self->series->len;
              double bx = plot_x + c * group_w + group_w * 0.1 + s * bar_w;

              if (v != 0)
                vp_document_add_rect (doc, page, bx, MIN (vy, zero_y), bar_w,
                                      ABS (zero_y - vy), color, VP_COLOR_NONE, 0);
            }
          points[2 * c] = plot_x + (c + 0.5) * group_w;
          points[2 * c + 1] = vy;
        }
      if (self->kind == VP_CHART_LINE)
        {
          if (n > 1)
            vp_document_add_polyline (doc, page, points, n, 1.2, color);
          for (guint c = 0; c < n; c++)
            vp_document_add_rect (doc, page, points[2 * c] - 1.5, points[2 * c + 1] - 1.5,
                                  3, 3, color, VP_COLOR_NONE, 0);
        }
    }

  /* Axes last so they sit on top of the bars. */
  vp_document_add_line (doc, page, plot_x, plot_y, plot_x, plot_y + plot_h, 0.8, AXIS_COLOR,
                        FALSE);
  {
    double zero_y = plot_y + plot_h - (double) (-low) / (double) (high - low) * plot_h;

    vp_document_add_line (doc, page, plot_x, zero_y, plot_x + plot_w, zero_y, 0.8,
                          AXIS_COLOR, FALSE);
  }

  /* Category labels, thinned so neighbours never touch. */
  for (guint c = 0; c < n; c++)
    max_cat_w = MAX (max_cat_w,
                     vp_document_text_width (doc, self->categories->pdata[c], LABEL_SIZE));
  while (every * group_w < max_cat_w + 4 && every < n)
    every++;
  for (guint c = 0; c < n; c += every)
    {
      double cx = plot_x + (c + 0.5) * group_w;
      double w = vp_document_text_width (doc, self->categories->pdata[c], LABEL_SIZE);

      cx = CLAMP (cx, x + w / 2, x + width - w / 2);
      /* Pulled inside the box, the last label may reach its neighbour: drop it. */
      if (cx - w / 2 < label_right + 2)
        continue;
      label_right = cx + w / 2;
      vp_document_add_line (doc, page, plot_x + (c + 0.5) * group_w, plot_y + plot_h,
                            plot_x + (c + 0.5) * group_w, plot_y + plot_h + 2, 0.5,
                            AXIS_COLOR, FALSE);
      add_text_at (doc, page, cx, plot_y + plot_h + 3, LABEL_SIZE, VP_ALIGN_CENTER,
                   VP_TEXT_REGULAR, self->categories->pdata[c]);
    }
}
