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
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <string.h>

#include "vp-document.h"
#include "vp-model-error.h"
#include "vp-pdf-font.h"

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

/* What the page's graphics state already holds, so that each operator is written only
 * when its value changes: a report page has hundreds of cells in one font, size and
 * colour, and every redundant operator costs libharu number formatting and the
 * compressor bytes. Text items in a row share one text object (BT…ET); colour, line
 * width, font and rendering mode are graphics state (ISO 32000-1 8.4, 9.3), so they
 * stay valid inside and between text objects for the whole page. */
typedef struct
{
  HPDF_Page               page;
  HPDF_Font               font;          /* UTF-8 CID font: any text */
  HPDF_Font               win_ansi_font;    /* WinAnsi TrueType, same font file: text
                                          * to_win_ansi() can encode */
  HPDF_Font               current;       /* NULL: not set on this page yet */
  double                  height;
  gboolean                in_text;
  double                  line_x;        /* start of the current text line */
  double                  line_y;
  double                  font_size;     /* 0: not set on this page yet */
  guint32                 fill;          /* VP_COLOR_NONE: not set on this page yet */
  guint32                 stroke;
  double                  line_width;    /* < 0: not set on this page yet */
  HPDF_TextRenderingMode  mode;
} PdfPen;

static void
pen_start_page (PdfPen    *pen,
                HPDF_Page  page,
                double     height)
{
  pen->page = page;
  pen->height = height;
  pen->in_text = FALSE;
  pen->current = NULL;
  pen->font_size = 0;
  pen->fill = VP_COLOR_NONE;
  pen->stroke = VP_COLOR_NONE;
  pen->line_width = -1;
  pen->mode = HPDF_FILL;   /* the PDF default (Tr 0) */
}

static void
pen_set_rgb (PdfPen   *pen,
             guint32   color,
             gboolean  stroke)
{
  HPDF_REAL r = ((color >> 16) & 0xFF) / 255.0f;
  HPDF_REAL g = ((color >> 8) & 0xFF) / 255.0f;
  HPDF_REAL b = (color & 0xFF) / 255.0f;

  if (stroke && pen->stroke != color)
    {
      HPDF_Page_SetRGBStroke (pen->page, r, g, b);
      pen->stroke = color;
    }
  else if (!stroke && pen->fill != color)
    {
      HPDF_Page_SetRGBFill (pen->page, r, g, b);
      pen->fill = color;
    }
}

static void
pen_set_line_width (PdfPen *pen,
                    double  width)
{
  if (pen->line_width != width)
    {
      HPDF_Page_SetLineWidth (pen->page, width);
      pen->line_width = width;
    }
}

/* Path operators are not allowed inside a text object: close it before any. */
static void
pen_end_text (PdfPen *pen)
{
  if (pen->in_text)
    {
      HPDF_Page_EndText (pen->page);
      pen->in_text = FALSE;
    }
}

/* @value in at most 3 decimals (1/1000 pt), trailing zeros dropped, at @out; returns
 * the end. PDF numbers have no exponent (ISO 32000-1 7.3.3). */
static char *
format_number (char   *out,
               double  value)
{
  gint64 thousandths = (gint64) (value * 1000 + (value < 0 ? -0.5 : 0.5));
  guint64 magnitude = thousandths < 0 ? (guint64) -thousandths : (guint64) thousandths;
  guint64 whole = magnitude / 1000, fraction = magnitude % 1000;
  char digits[24];
  int n = 0;

  if (thousandths < 0)
    *out++ = '-';
  do
    {
      digits[n++] = (char) ('0' + whole % 10);
      whole /= 10;
    }
  while (whole > 0);
  while (n > 0)
    *out++ = digits[--n];
  if (fraction != 0)
    {
      *out++ = '.';
      for (guint64 unit = 100; fraction != 0; unit /= 10)
        {
          *out++ = (char) ('0' + fraction / unit);
          fraction %= unit;
        }
    }
  return out;
}

/* Moves to the start of the next run (Td, relative to the current line's start).
 * libharu's own Td (HPDF_Page_MoveTextPos) clears a 512-byte buffer byte by byte and
 * formats with its FToA for every call, which was the largest part of drawing a report
 * page (a 144-page report has some 90 000 runs); the operator is written to the page's
 * content stream here instead (HPDF_PageAttr of libharu 2.3.0). libharu's ShowText
 * does not read the position, so its state needs nothing more. */
static void
pen_move_text (PdfPen *pen,
               double  x,
               double  y)
{
#if HPDF_VERSION_ID == 20300
  HPDF_PageAttr attr = pen->page->attr;
  char operator[64], *end = operator;

  end = format_number (end, x - pen->line_x);
  *end++ = ' ';
  end = format_number (end, y - pen->line_y);
  memcpy (end, " Td\n", 5);
  HPDF_Stream_WriteStr (attr->stream, operator);
#else
  HPDF_Page_MoveTextPos (pen->page, x - pen->line_x, y - pen->line_y);
#endif
  pen->line_x = x;
  pen->line_y = y;
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

/* WinAnsiEncoding (ISO 32000-1 D.2) codes 0x80..0x9F: the characters they stand for
 * (0 = unused). 0x20..0x7E and 0xA0..0xFF are the same as in Unicode. */
static const guint16 win_ansi_high[32] = {
  0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
  0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* @text in WinAnsiEncoding, one byte per character, into @out (@size bytes with the
 * NUL); FALSE when a character has no WinAnsi code or @text does not fit. Figures,
 * dates, addresses and the "—" of an empty cell all do, so most of a report page
 * needs no CID font. */
static gboolean
to_win_ansi (const char *text,
             char       *out,
             gsize       size)
{
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint code = 0;

      if (n + 1 >= size)
        return FALSE;
      if ((c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xFF))
        code = c;
      else
        for (guint i = 0; i < G_N_ELEMENTS (win_ansi_high); i++)
          if (win_ansi_high[i] == c)
            code = 0x80 + i;
      if (code == 0)
        return FALSE;
      out[n++] = (char) code;
    }
  out[n] = '\0';
  return TRUE;
}

/* @text (WinAnsi bytes) as a PDF literal string at the end of @out (ISO 32000-1
 * 7.3.4.2: only the parentheses and the backslash need escaping). */
static void
append_literal (GString    *out,
                const char *text)
{
  g_string_append_c (out, '(');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '(' || *c == ')' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, ')');
}

/* Whether @next can follow @first's run in the same TJ: WinAnsi text on the same
 * baseline, drawn the same way, not starting before @end (where the run is now). */
static gboolean
continues_run (const VpDocumentItem *first,
               const VpDocumentItem *next,
               double                end)
{
  return next->kind == VP_DOCUMENT_ITEM_TEXT && next->baseline == first->baseline
         && next->size == first->size && next->color == first->color
         && next->weight == first->weight && next->x >= end;
}

/* Draws text item @items[0] and, when it is WinAnsi text, the following items that
 * continue its run (continues_run()) in one TJ whose numbers are the gaps between
 * them. Report rows are mostly such runs: one operator per row instead of a Td and a
 * Tj per cell is less to write, format and compress. Returns how many items it drew. */
static guint
draw_text (PdfPen               *pen,
           const VpDocumentItem *items,
           guint                 n_items)
{
  const VpDocumentItem *item = &items[0];
  HPDF_TextRenderingMode mode = HPDF_FILL;
  char win_ansi[512];
  gboolean single_byte = to_win_ansi (item->text, win_ansi, sizeof win_ansi);
  HPDF_Font font = single_byte ? pen->win_ansi_font : pen->font;
  guint drawn = 1;

  if (!pen->in_text)
    {
      HPDF_Page_BeginText (pen->page);
      pen->in_text = TRUE;
      pen->line_x = pen->line_y = 0;   /* BT: the line matrix is the identity */
    }
  if (pen->current != font || pen->font_size != item->size)
    {
      HPDF_Page_SetFontAndSize (pen->page, font, item->size);
      pen->current = font;
      pen->font_size = item->size;
    }
  pen_set_rgb (pen, item->color, FALSE);
  if (item->weight == VP_TEXT_BOLD)
    {
      /* The font has no bold face: thicken the outlines, which keeps the advances. */
      pen_set_rgb (pen, item->color, TRUE);
      pen_set_line_width (pen, item->size * 0.04);
      mode = HPDF_FILL_THEN_STROKE;
    }
  if (pen->mode != mode)
    {
      HPDF_Page_SetTextRenderingMode (pen->page, mode);
      pen->mode = mode;
    }
  pen_move_text (pen, item->x, pen->height - item->baseline);
#if HPDF_VERSION_ID == 20300
  if (single_byte)
    {
      /* Every code the document shows was measured through the font before the first
       * page (mark_win_ansi_codes()), so its glyph is embedded and its /Widths entry
       * is the advance vp-document.c placed the text with. */
      HPDF_PageAttr attr = pen->page->attr;
      g_autoptr(GString) run = g_string_sized_new (256);
      double end = item->x + item->width;

      g_string_append_c (run, '[');
      append_literal (run, win_ansi);
      for (; drawn < n_items && continues_run (item, &items[drawn], end); drawn++)
        {
          const VpDocumentItem *next = &items[drawn];
          char number[32];
          double units;

          if (!to_win_ansi (next->text, win_ansi, sizeof win_ansi))
            break;
          /* A TJ number moves back by thousandths of the font size (9.4.3). Whole
           * ones are within 0.005 pt at report sizes; @end follows where the viewer
           * really is, so the rounding does not add up along the row. */
          units = round (-(next->x - end) * 1000 / item->size);

          *format_number (number, units) = '\0';
          g_string_append (run, number);
          append_literal (run, win_ansi);
          end += -units * item->size / 1000 + next->width;
        }
      g_string_append (run, "] TJ\n");
      HPDF_Stream_WriteStr (attr->stream, run->str);
      return drawn;
    }
#endif
  HPDF_Page_ShowText (pen->page, single_byte ? win_ansi : item->text);
  return drawn;
}

/* Measures every WinAnsi code @self shows through @font once: libharu then embeds
 * their glyphs and writes their widths, which TJ runs written directly rely on. */
static void
mark_win_ansi_codes (VpDocument *self,
                     HPDF_Font   font)
{
  gboolean used[256] = { FALSE };
  char codes[257];
  guint n = 0;

  for (guint p = 0; p < vp_document_get_n_pages (self); p++)
    {
      guint n_items;
      const VpDocumentItem *items = vp_document_get_items (self, p, &n_items);

      for (guint i = 0; i < n_items; i++)
        {
          char win_ansi[512];

          if (items[i].kind == VP_DOCUMENT_ITEM_TEXT
              && to_win_ansi (items[i].text, win_ansi, sizeof win_ansi))
            for (const char *c = win_ansi; *c != '\0'; c++)
              used[(guint8) *c] = TRUE;
        }
    }
  for (guint code = 1; code < 256; code++)
    if (used[code])
      codes[n++] = (char) code;
  if (n > 0)
    HPDF_Font_TextWidth (font, (const HPDF_BYTE *) codes, n);
}

static void
draw_item (PdfPen               *pen,
           const VpDocumentItem *item)
{
  static const HPDF_UINT16 dash[] = { 3, 2 };
  HPDF_Page page = pen->page;
  double height = pen->height;

  pen_end_text (pen);
  switch (item->kind)
    {
    case VP_DOCUMENT_ITEM_LINE:
      pen_set_rgb (pen, item->color, TRUE);
      pen_set_line_width (pen, item->line_width);
      if (item->dashed)
        HPDF_Page_SetDash (page, dash, 2, 0);
      HPDF_Page_MoveTo (page, item->x1, height - item->y1);
      HPDF_Page_LineTo (page, item->x2, height - item->y2);
      HPDF_Page_Stroke (page);
      if (item->dashed)
        HPDF_Page_SetDash (page, NULL, 0, 0);
      break;

    case VP_DOCUMENT_ITEM_RECT:
      /* Colours first: PDF forbids changing them while a path is being built. */
      if (item->fill != VP_COLOR_NONE)
        pen_set_rgb (pen, item->fill, FALSE);
      if (item->line_width > 0)
        {
          pen_set_rgb (pen, item->color, TRUE);
          pen_set_line_width (pen, item->line_width);
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
      pen_set_rgb (pen, item->color, TRUE);
      pen_set_line_width (pen, item->line_width);
      HPDF_Page_SetLineJoin (page, HPDF_ROUND_JOIN);
      HPDF_Page_MoveTo (page, item->points[0], height - item->points[1]);
      for (guint i = 1; i < item->n_points; i++)
        HPDF_Page_LineTo (page, item->points[2 * i], height - item->points[2 * i + 1]);
      HPDF_Page_Stroke (page);
      break;

    case VP_DOCUMENT_ITEM_MODULES:
      {
        ModuleRunContext ctx = { page, height, item };

        pen_set_rgb (pen, item->color, FALSE);
        vp_document_item_foreach_module_run (item, draw_module_run, &ctx);
        HPDF_Page_Fill (page);
      }
      break;

    case VP_DOCUMENT_ITEM_TEXT:
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
  PdfPen pen = { 0 };
  HPDF_Doc pdf;
  HPDF_Font font = NULL, win_ansi_font = NULL;
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

  /* Everything compressed. Measured (bench-report, bench-document): content streams
   * shrink 4.5 MB -> 0.4 MB for a 144-page report; deflating the font stream,
   * CIDToGIDMap and CMap (HPDF_COMP_METADATA) costs about 60 ms of CPU per document
   * and saves 0.5 MB per document, which for a one-page receipt is 0.92 -> 0.42 MB.
   * Archived and e-mailed files matter more than 60 ms, so both stay on. */
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
    {
      vp_pdf_font_compact_cmap (pdf, font_name);
      vp_pdf_font_drop_glyph_names (pdf, font_name);
      vp_pdf_font_default_width_commonest (pdf, font_name);
      font = HPDF_GetFont (pdf, font_name, "UTF-8");
      /* Report pages are mostly figures. Through the UTF-8 CID font every character
       * is two bytes written as four hex digits; through a WinAnsi TrueType font of the
       * same file a figure, a Latin letter or a "—" is one byte in a literal string.
       * That is a quarter of the content stream to write and compress, with the same
       * glyphs and the same widths (test-document checks both). */
      if (font != NULL)
        win_ansi_font = HPDF_GetFont (pdf, font_name, "WinAnsiEncoding");
    }

  pen.font = font;
  pen.win_ansi_font = win_ansi_font;
  if (win_ansi_font != NULL)
    mark_win_ansi_codes (self, win_ansi_font);
  for (guint p = 0; p < n_pages && win_ansi_font != NULL && status.error_no == HPDF_OK; p++)
    {
      HPDF_Page page = HPDF_AddPage (pdf);
      const VpDocumentItem *items;
      double width, height;
      guint n_items;

      vp_document_get_page_size (self, p, &width, &height);
      HPDF_Page_SetWidth (page, width);
      HPDF_Page_SetHeight (page, height);

      pen_start_page (&pen, page, height);
      items = vp_document_get_items (self, p, &n_items);
      for (guint i = 0; i < n_items && status.error_no == HPDF_OK; )
        {
          if (items[i].kind == VP_DOCUMENT_ITEM_TEXT)
            i += draw_text (&pen, &items[i], n_items - i);
          else
            draw_item (&pen, &items[i++]);
        }
      pen_end_text (&pen);
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
