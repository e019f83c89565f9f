/* vp-layout.c: flow layout of documents */
#include "config.h"

#include "vp-layout.h"
#include "vp-qr.h"

/* A growing page starts this tall: the largest page PDF readers accept (200 in,
 * ISO 32000-1 Annex C.2) and about five metres of roll. */
#define GROWING_PAGE_HEIGHT 14400.0

struct _VpLayout
{
  VpDocument       *doc;        /* not owned */
  double            page_width;
  double            page_height; /* 0 = grows */
  double            margin;
  guint             page;
  double            y;
  VpLayoutPageFunc  page_func;
  gpointer          page_data;
};

static void
start_page (VpLayout *self)
{
  self->page = vp_document_add_page (self->doc, self->page_width,
                                     self->page_height > 0 ? self->page_height
                                                           : GROWING_PAGE_HEIGHT);
  self->y = self->margin;
}

/*
 * vp_layout_new:
 * @doc: the document to fill (not owned; must outlive the layout)
 * @page_width, @page_height: page size in points; @page_height 0 makes one page that
 *   grows with the content
 * @margin: blank border on every side, in points
 *
 * Adds the first page to @doc at once.
 */
VpLayout *
vp_layout_new (VpDocument *doc,
               double      page_width,
               double      page_height,
               double      margin)
{
  VpLayout *self;

  g_return_val_if_fail (doc != NULL, NULL);
  g_return_val_if_fail (page_width > 2 * margin, NULL);
  g_return_val_if_fail (page_height == 0 || page_height > 2 * margin, NULL);

  self = g_new0 (VpLayout, 1);
  self->doc = doc;
  self->page_width = page_width;
  self->page_height = page_height;
  self->margin = margin;
  start_page (self);
  return self;
}

void
vp_layout_free (VpLayout *self)
{
  g_free (self);
}

/* @func runs at the top of every page after the first (repeated table headers). */
void
vp_layout_set_page_func (VpLayout         *self,
                         VpLayoutPageFunc  func,
                         gpointer          user_data)
{
  g_return_if_fail (self != NULL);

  self->page_func = func;
  self->page_data = user_data;
}

VpDocument *
vp_layout_get_document (VpLayout *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->doc;
}

guint
vp_layout_get_page (VpLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->page;
}

double
vp_layout_get_left (VpLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->margin;
}

double
vp_layout_get_width (VpLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->page_width - 2 * self->margin;
}

double
vp_layout_get_y (VpLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->y;
}

/*
 * vp_layout_reserve:
 * @height: points the caller is about to draw
 *
 * Claims @height points below the cursor, first starting a new page when they would
 * cross the bottom margin (unless the page is empty: a block taller than a page is
 * placed anyway rather than looping). Returns: the top of the claimed space.
 */
double
vp_layout_reserve (VpLayout *self,
                   double    height)
{
  double top;

  g_return_val_if_fail (self != NULL, 0);

  if (self->page_height > 0 && self->y + height > self->page_height - self->margin
      && self->y > self->margin)
    {
      start_page (self);
      if (self->page_func != NULL)
        self->page_func (self, self->page_data);
    }
  top = self->y;
  self->y += height;
  return top;
}

/* Vertical space; never carried to the top of a new page. */
void
vp_layout_space (VpLayout *self,
                 double    height)
{
  g_return_if_fail (self != NULL);

  if (self->page_height == 0 || self->y + height <= self->page_height - self->margin)
    self->y += height;
}

/* A paragraph across the full width, wrapped; it may continue on the next page. */
void
vp_layout_text (VpLayout     *self,
                const char   *text,
                double        size,
                VpTextWeight  weight,
                VpAlign       align)
{
  g_auto(GStrv) lines = NULL;
  double width;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  width = vp_layout_get_width (self);
  lines = vp_document_wrap_text (self->doc, text, size, width);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double top = vp_layout_reserve (self, size * VP_DOCUMENT_LINE_SPACING);

      vp_document_add_paragraph (self->doc, self->page, self->margin, top, width, size,
                                 weight, align, lines[i]);
    }
}

/*
 * vp_layout_row:
 * @columns: (array length=n_columns): column widths and alignments
 * @cells: (array length=n_columns): the text of each cell (%NULL = empty)
 *
 * One table row, kept on one page: each cell is wrapped to its column and the row is
 * as tall as its tallest cell. Fixed widths are honoured first; columns of width 0
 * share the rest.
 */
void
vp_layout_row (VpLayout             *self,
               const VpLayoutColumn *columns,
               guint                 n_columns,
               const char * const   *cells,
               double                size,
               VpTextWeight          weight)
{
  g_autofree double *widths = NULL;
  double fixed = 0;
  guint n_shared = 0;
  guint max_lines = 1;
  double x, top;

  g_return_if_fail (self != NULL);
  g_return_if_fail (columns != NULL && cells != NULL && n_columns > 0);

  for (guint i = 0; i < n_columns; i++)
    {
      fixed += columns[i].width;
      n_shared += columns[i].width <= 0;
    }

  widths = g_new (double, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      double rest = vp_layout_get_width (self) - fixed - VP_LAYOUT_COLUMN_GAP * (n_columns - 1);

      widths[i] = columns[i].width > 0 ? columns[i].width : MAX (rest / MAX (n_shared, 1), 1);
    }

  /* Measure first so the row never splits across pages. */
  for (guint i = 0; i < n_columns; i++)
    {
      g_auto(GStrv) lines = vp_document_wrap_text (self->doc, cells[i] ? cells[i] : "",
                                                   size, widths[i]);
      max_lines = MAX (max_lines, g_strv_length (lines));
    }

  top = vp_layout_reserve (self, max_lines * size * VP_DOCUMENT_LINE_SPACING);
  x = self->margin;
  for (guint i = 0; i < n_columns; i++)
    {
      if (cells[i] != NULL)
        vp_document_add_paragraph (self->doc, self->page, x, top, widths[i], size, weight,
                                   columns[i].align, cells[i]);
      x += widths[i] + VP_LAYOUT_COLUMN_GAP;
    }
}

/*
 * vp_layout_pair:
 *
 * A label on the left and its value flush right on the same line when both fit;
 * otherwise the value keeps up to 60 % of the width and both wrap in their columns.
 */
void
vp_layout_pair (VpLayout     *self,
                const char   *label,
                const char   *value,
                double        size,
                VpTextWeight  weight)
{
  VpLayoutColumn columns[2] = { { 0, VP_ALIGN_LEFT }, { 0, VP_ALIGN_RIGHT } };
  const char *cells[2] = { label, value };
  double width, label_width, value_width;

  g_return_if_fail (self != NULL);
  g_return_if_fail (label != NULL && value != NULL);

  width = vp_layout_get_width (self) - VP_LAYOUT_COLUMN_GAP;
  label_width = vp_document_text_width (self->doc, label, size);
  value_width = vp_document_text_width (self->doc, value, size);
  if (label_width + value_width <= width)
    columns[1].width = width - label_width;
  else
    columns[1].width = MIN (value_width, width * 0.6);
  /* Leave the label at least a few characters even beside a long value. */
  columns[1].width = MAX (MIN (columns[1].width, width - 3 * size), 1);
  vp_layout_row (self, columns, 2, cells, size, weight);
}

/* A horizontal rule across the width, with a little air above and below. */
void
vp_layout_rule (VpLayout *self,
                double    line_width,
                gboolean  dashed)
{
  double top;

  g_return_if_fail (self != NULL);

  top = vp_layout_reserve (self, line_width + 4);
  vp_document_add_line (self->doc, self->page, self->margin, top + 2 + line_width / 2,
                        self->page_width - self->margin, top + 2 + line_width / 2,
                        line_width, VP_COLOR_BLACK, dashed);
}

/* A QR code of @text centred on the width, @side points square (quiet zone included,
 * clipped to the width). Errors as vp_qr_encode(). */
gboolean
vp_layout_qr (VpLayout    *self,
              const char  *text,
              double       side,
              GError     **error)
{
  double top;

  g_return_val_if_fail (self != NULL, FALSE);

  side = MIN (side, vp_layout_get_width (self));
  top = vp_layout_reserve (self, side);
  return vp_qr_add (self->doc, self->page,
                    self->margin + (vp_layout_get_width (self) - side) / 2, top, side,
                    text, error);
}

/* Cuts a growing page to its content plus the bottom margin. Fixed pages keep their
 * size. Call once after the last block. */
void
vp_layout_finish (VpLayout *self)
{
  g_return_if_fail (self != NULL);

  if (self->page_height == 0)
    vp_document_set_page_height (self->doc, self->page, self->y + self->margin);
}
