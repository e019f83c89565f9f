/* vp-document-pdf.c: the libharu renderer of VpDocument
 *
 * Draws every page into a PDF with the document font embedded (shared/PLATFORM.md:
 * HPDF_UseUTFEncodings + HPDF_LoadTTFontFromFile2 with embedding is the one way
 * libharu 2.3.0 draws Chinese completely). Text is passed as UTF-8; libharu writes the
 * glyph widths that vp-document.c measures with, so the layout holds in the PDF.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <hpdf.h>

#include "vp-document.h"
#include "vp-model-error.h"

/* The first error libharu reported; later ones are consequences of it. */
typedef struct
{
  HPDF_STATUS error_no;
  HPDF_STATUS detail_no;
} PdfStatus;

static void
on_hpdf_error (HPDF_STATUS  error_no,
               HPDF_STATUS  detail_no,
               void        *user_data)
{
  PdfStatus *status = user_data;

  if (status->error_no == HPDF_OK)
    {
      status->error_no = error_no;
      status->detail_no = detail_no;
    }
}

static void
set_pdf_error (const PdfStatus  *status,
               const char       *font_file,
               GError          **error)
{
  const char *reason;

  /* Codes from hpdf_error.h; the ones a technician can act on get words. */
  switch (status->error_no)
    {
    case HPDF_FAILD_TO_ALLOC_MEM:
      reason = _("out of memory");
      break;
    case HPDF_FILE_OPEN_ERROR:
    case HPDF_FILE_IO_ERROR:
      reason = _("the font file could not be read");
      break;
    case HPDF_TTF_MISSING_TABLE:
    case HPDF_TTF_INVALID_FOMAT:
    case HPDF_TTF_INVALID_CMAP:
    case HPDF_INVALID_TTC_FILE:
    case HPDF_INVALID_TTC_INDEX:
    case HPDF_UNSUPPORTED_FONT_TYPE:
      reason = _("the font is not a TrueType font the PDF library can embed");
      break;
    default:
      reason = _("internal error");
      break;
    }

  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
               _("Could not produce the PDF (%s; libharu error 0x%04X, detail %u, font %s)"),
               reason, (guint) status->error_no, (guint) status->detail_no, font_file);
}

static void
set_rgb (HPDF_Page page,
         guint32   color,
         gboolean  stroke)
{
  HPDF_REAL r = ((color >> 16) & 0xFF) / 255.0f;
  HPDF_REAL g = ((color >> 8) & 0xFF) / 255.0f;
  HPDF_REAL b = (color & 0xFF) / 255.0f;

  if (stroke)
    HPDF_Page_SetRGBStroke (page, r, g, b);
  else
    HPDF_Page_SetRGBFill (page, r, g, b);
}

typedef struct
{
  HPDF_Page             page;
  double                height;
  const VpDocumentItem *item;
} ModuleRunContext;

static void
draw_module_run (guint    row,
                 guint    first,
                 guint    length,
                 gpointer user_data)
{
  ModuleRunContext *ctx = user_data;
  double m = ctx->item->module_size;

  HPDF_Page_Rectangle (ctx->page, ctx->item->x + first * m,
                       ctx->height - (ctx->item->y + (row + 1) * m), length * m, m);
}

static void
draw_text (HPDF_Page             page,
           HPDF_Font             font,
           double                height,
           const VpDocumentItem *item)
{
  HPDF_Page_BeginText (page);
  HPDF_Page_SetFontAndSize (page, font, item->size);
  set_rgb (page, item->color, FALSE);
  if (item->weight == VP_TEXT_BOLD)
    {
      /* The font has no bold face: thicken the outlines, which keeps the advances. */
      set_rgb (page, item->color, TRUE);
      HPDF_Page_SetLineWidth (page, item->size * 0.04);
      HPDF_Page_SetTextRenderingMode (page, HPDF_FILL_THEN_STROKE);
    }
  else
    HPDF_Page_SetTextRenderingMode (page, HPDF_FILL);
  HPDF_Page_TextOut (page, item->x, height - item->baseline, item->text);
  HPDF_Page_EndText (page);
}

static void
draw_item (HPDF_Page             page,
           HPDF_Font             font,
           double                height,
           const VpDocumentItem *item)
{
  static const HPDF_UINT16 dash[] = { 3, 2 };

  switch (item->kind)
    {
    case VP_DOCUMENT_ITEM_TEXT:
      draw_text (page, font, height, item);
      break;

    case VP_DOCUMENT_ITEM_LINE:
      set_rgb (page, item->color, TRUE);
      HPDF_Page_SetLineWidth (page, item->line_width);
      HPDF_Page_SetDash (page, item->dashed ? dash : NULL, item->dashed ? 2 : 0, 0);
      HPDF_Page_MoveTo (page, item->x1, height - item->y1);
      HPDF_Page_LineTo (page, item->x2, height - item->y2);
      HPDF_Page_Stroke (page);
      HPDF_Page_SetDash (page, NULL, 0, 0);
      break;

    case VP_DOCUMENT_ITEM_RECT:
      /* Colours first: PDF forbids changing them while a path is being built. */
      if (item->fill != VP_COLOR_NONE)
        set_rgb (page, item->fill, FALSE);
      if (item->line_width > 0)
        {
          set_rgb (page, item->color, TRUE);
          HPDF_Page_SetLineWidth (page, item->line_width);
        }
      HPDF_Page_Rectangle (page, item->x, height - item->y - item->height,
                           item->width, item->height);
      if (item->fill != VP_COLOR_NONE && item->line_width > 0)
        HPDF_Page_FillStroke (page);
      else if (item->fill != VP_COLOR_NONE)
        HPDF_Page_Fill (page);
      else if (item->line_width > 0)
        HPDF_Page_Stroke (page);
      else
        HPDF_Page_EndPath (page);
      break;

    case VP_DOCUMENT_ITEM_POLYLINE:
      set_rgb (page, item->color, TRUE);
      HPDF_Page_SetLineWidth (page, item->line_width);
      HPDF_Page_SetLineJoin (page, HPDF_ROUND_JOIN);
      HPDF_Page_MoveTo (page, item->points[0], height - item->points[1]);
      for (guint i = 1; i < item->n_points; i++)
        HPDF_Page_LineTo (page, item->points[2 * i], height - item->points[2 * i + 1]);
      HPDF_Page_Stroke (page);
      break;

    case VP_DOCUMENT_ITEM_MODULES:
      {
        ModuleRunContext ctx = { page, height, item };

        set_rgb (page, item->color, FALSE);
        vp_document_item_foreach_module_run (item, draw_module_run, &ctx);
        HPDF_Page_Fill (page);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/*
 * vp_document_to_pdf:
 * @title: (nullable): the PDF's Title (shown by viewers and file managers)
 *
 * Renders every page with libharu. Returns: (transfer full): the PDF bytes, or %NULL
 * with VP_MODEL_ERROR_FAILED carrying libharu's error code when it fails (for example
 * when the document font cannot be embedded). A document without pages is an error.
 */
GBytes *
vp_document_to_pdf (VpDocument  *self,
                    const char  *title,
                    GError     **error)
{
  PdfStatus status = { HPDF_OK, 0 };
  HPDF_Doc pdf;
  HPDF_Font font = NULL;
  const char *font_name;
  GBytes *bytes = NULL;
  guint n_pages;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_pages = vp_document_get_n_pages (self);
  if (n_pages == 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("The document has no pages"));
      return NULL;
    }

  pdf = HPDF_New (on_hpdf_error, &status);
  if (pdf == NULL)
    {
      status.error_no = HPDF_FAILD_TO_ALLOC_MEM;
      set_pdf_error (&status, vp_document_get_font_file (self), error);
      return NULL;
    }

  HPDF_SetCompressionMode (pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings (pdf);
  HPDF_SetInfoAttr (pdf, HPDF_INFO_CREATOR, "Vendpoint " PACKAGE_VERSION);
  if (title != NULL && g_utf8_validate (title, -1, NULL))
    {
      /* The Info dictionary is not UTF-8 aware in libharu 2.3.0; keep Title ASCII. */
      g_autofree char *ascii = g_str_to_ascii (title, "C");
      HPDF_SetInfoAttr (pdf, HPDF_INFO_TITLE, ascii);
    }

  font_name = HPDF_LoadTTFontFromFile2 (pdf, vp_document_get_font_file (self), 0, HPDF_TRUE);
  if (font_name != NULL && status.error_no == HPDF_OK)
    font = HPDF_GetFont (pdf, font_name, "UTF-8");

  for (guint p = 0; p < n_pages && font != NULL && status.error_no == HPDF_OK; p++)
    {
      HPDF_Page page = HPDF_AddPage (pdf);
      const VpDocumentItem *items;
      double width, height;
      guint n_items;

      vp_document_get_page_size (self, p, &width, &height);
      HPDF_Page_SetWidth (page, width);
      HPDF_Page_SetHeight (page, height);

      items = vp_document_get_items (self, p, &n_items);
      for (guint i = 0; i < n_items && status.error_no == HPDF_OK; i++)
        draw_item (page, font, height, &items[i]);
    }

  if (status.error_no == HPDF_OK)
    HPDF_SaveToStream (pdf);

  if (status.error_no == HPDF_OK)
    {
      HPDF_UINT32 size = HPDF_GetStreamSize (pdf);
      guint8 *data = g_malloc (MAX (size, 1));
      HPDF_UINT32 read = size;

      HPDF_ResetStream (pdf);
      HPDF_ReadFromStream (pdf, data, &read);
      if (status.error_no == HPDF_OK && read == size)
        bytes = g_bytes_new_take (data, size);
      else
        g_free (data);
    }

  if (bytes == NULL)
    {
      if (status.error_no == HPDF_OK)
        status.error_no = HPDF_FILE_IO_ERROR;
      set_pdf_error (&status, vp_document_get_font_file (self), error);
    }

  HPDF_Free (pdf);
  return bytes;
}

/*
 * vp_document_save_pdf:
 *
 * Renders the document and writes it to @path atomically: a failed render or write
 * leaves any earlier file at @path untouched.
 */
gboolean
vp_document_save_pdf (VpDocument  *self,
                      const char  *title,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bytes = vp_document_to_pdf (self, title, error);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &size);
  if (!g_file_set_contents (path, data, size, &local_error))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not save the PDF: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}
