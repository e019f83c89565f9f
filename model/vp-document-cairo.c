/* vp-document-cairo.c: the Cairo renderer of VpDocument
 *
 * Draws a page onto any cairo_t: image surfaces for PNG previews and tests, the
 * screen preview, and the GtkPrintOperation context. Text uses the same font file as
 * the PDF, through cairo-ft, and every glyph is placed at the advance the layout
 * measured (cairo_show_glyphs), so the preview matches the PDF glyph for glyph.
 */
#include "config.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "vp-document.h"
#include "vp-model-error.h"

/* One font face per process, built from the file (no font matching) so the glyph ids
 * measured in vp-document.c name the same glyphs here. */
static cairo_font_face_t *
get_font_face (VpDocument *doc)
{
  static gsize once = 0;
  static cairo_font_face_t *face = NULL;

  if (g_once_init_enter (&once))
    {
      FcPattern *pattern = FcPatternCreate ();

      FcPatternAddString (pattern, FC_FILE, (const FcChar8 *) vp_document_get_font_file (doc));
      FcPatternAddInteger (pattern, FC_INDEX, 0);
      /* Outlines as designed: hinting would move glyphs away from the PDF's. */
      FcPatternAddBool (pattern, FC_HINTING, FcFalse);
      face = cairo_ft_font_face_create_for_pattern (pattern);
      FcPatternDestroy (pattern);
      g_once_init_leave (&once, 1);
    }
  return face;
}

static void
set_rgb (cairo_t *cr,
         guint32  color)
{
  cairo_set_source_rgb (cr, ((color >> 16) & 0xFF) / 255.0, ((color >> 8) & 0xFF) / 255.0,
                        (color & 0xFF) / 255.0);
}

static void
draw_text (cairo_t              *cr,
           cairo_font_face_t    *face,
           const VpDocumentItem *item)
{
  g_autofree cairo_glyph_t *glyphs = g_new (cairo_glyph_t, MAX (item->n_glyphs, 1));
  guint64 units = 0;

  for (guint i = 0; i < item->n_glyphs; i++)
    {
      glyphs[i].index = item->glyphs[i];
      glyphs[i].x = item->x + (double) units * item->size / 1000.0;
      glyphs[i].y = item->baseline;
      units += item->advances[i];
    }

  cairo_set_font_face (cr, face);
  cairo_set_font_size (cr, item->size);
  set_rgb (cr, item->color);
  if (item->weight == VP_TEXT_BOLD)
    {
      /* Same emboldening as the PDF renderer: fill then stroke the outlines. */
      cairo_glyph_path (cr, glyphs, item->n_glyphs);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, item->size * 0.04);
      cairo_stroke (cr);
    }
  else
    cairo_show_glyphs (cr, glyphs, item->n_glyphs);
}

static void
draw_module_run (guint    row,
                 guint    first,
                 guint    length,
                 gpointer user_data)
{
  cairo_t *cr = user_data;

  cairo_rectangle (cr, first, row, length, 1);
}

static void
draw_item (cairo_t              *cr,
           cairo_font_face_t    *face,
           const VpDocumentItem *item)
{
  static const double dash[] = { 3, 2 };

  switch (item->kind)
    {
    case VP_DOCUMENT_ITEM_TEXT:
      draw_text (cr, face, item);
      break;

    case VP_DOCUMENT_ITEM_LINE:
      set_rgb (cr, item->color);
      cairo_set_line_width (cr, item->line_width);
      cairo_set_dash (cr, dash, item->dashed ? 2 : 0, 0);
      cairo_move_to (cr, item->x1, item->y1);
      cairo_line_to (cr, item->x2, item->y2);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      break;

    case VP_DOCUMENT_ITEM_RECT:
      cairo_rectangle (cr, item->x, item->y, item->width, item->height);
      if (item->fill != VP_COLOR_NONE)
        {
          set_rgb (cr, item->fill);
          cairo_fill_preserve (cr);
        }
      if (item->line_width > 0)
        {
          set_rgb (cr, item->color);
          cairo_set_line_width (cr, item->line_width);
          cairo_stroke_preserve (cr);
        }
      cairo_new_path (cr);
      break;

    case VP_DOCUMENT_ITEM_POLYLINE:
      set_rgb (cr, item->color);
      cairo_set_line_width (cr, item->line_width);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_move_to (cr, item->points[0], item->points[1]);
      for (guint i = 1; i < item->n_points; i++)
        cairo_line_to (cr, item->points[2 * i], item->points[2 * i + 1]);
      cairo_stroke (cr);
      break;

    case VP_DOCUMENT_ITEM_MODULES:
      cairo_save (cr);
      cairo_translate (cr, item->x, item->y);
      cairo_scale (cr, item->module_size, item->module_size);
      set_rgb (cr, item->color);
      vp_document_item_foreach_module_run (item, draw_module_run, cr);
      /* Modules must meet without hairline seams between runs. */
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      cairo_fill (cr);
      cairo_restore (cr);
      break;

    default:
      g_assert_not_reached ();
    }
}

/*
 * vp_document_render_page:
 * @cr: a context whose user space is in points with the origin at the page's top-left
 *   corner (scale it for other resolutions)
 *
 * Paints a white page and every item of @page on @cr. The state of @cr is saved and
 * restored.
 */
void
vp_document_render_page (VpDocument *self,
                         guint       page,
                         cairo_t    *cr)
{
  cairo_font_face_t *face;
  cairo_font_options_t *options;
  const VpDocumentItem *items;
  double width, height;
  guint n_items;

  g_return_if_fail (self != NULL);
  g_return_if_fail (page < vp_document_get_n_pages (self));
  g_return_if_fail (cr != NULL);

  face = get_font_face (self);
  vp_document_get_page_size (self, page, &width, &height);
  items = vp_document_get_items (self, page, &n_items);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);

  options = cairo_font_options_create ();
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_set_font_options (cr, options);
  cairo_font_options_destroy (options);

  for (guint i = 0; i < n_items; i++)
    draw_item (cr, face, &items[i]);
  cairo_restore (cr);
}

/*
 * vp_document_render_image:
 * @dpi: resolution, e.g. 96 for the screen or 203 for a thermal printer
 *
 * Returns: (transfer full): an RGB24 image of @page, or %NULL with
 * VP_MODEL_ERROR_FAILED when Cairo cannot draw it (out of memory, page too large).
 */
cairo_surface_t *
vp_document_render_image (VpDocument  *self,
                          guint        page,
                          double       dpi,
                          GError     **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  double width, height;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (page < vp_document_get_n_pages (self), NULL);
  g_return_val_if_fail (dpi > 0, NULL);

  vp_document_get_page_size (self, page, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                        (int) ceil (width * dpi / 72.0),
                                        (int) ceil (height * dpi / 72.0));
  cr = cairo_create (surface);
  /* The pixel grid overhangs the page by a fraction of a pixel: paper is white. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  vp_document_render_page (self, page, cr);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not draw the page: %s"), cairo_status_to_string (status));
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

/* Renders @page at @dpi and writes it to @path as PNG. */
gboolean
vp_document_save_png (VpDocument  *self,
                      guint        page,
                      double       dpi,
                      const char  *path,
                      GError     **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  surface = vp_document_render_image (self, page, dpi, error);
  if (surface == NULL)
    return FALSE;

  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not save the image %s: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
