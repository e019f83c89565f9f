/* vp-document.h: a laid-out document, drawn by two renderers
 *
 * A VpDocument is a list of pages of fixed size in points (1/72 in), each holding
 * positioned items: text runs, lines, rectangles, polylines and QR-code module
 * matrices. Builders (vp-layout, receipts, reports) place items once; libharu draws
 * the description into the archived PDF (vp-document-pdf.c) and Cairo draws the same
 * description on screen, into PNGs and for GtkPrintOperation (vp-document-cairo.c).
 *
 * Text is measured here, and only here, from one TrueType font (AR PL UMing, the one
 * CJK font libharu 2.3.0 draws completely; see shared/PLATFORM.md). Widths are the
 * font's advance widths in 1/1000 em truncated exactly as libharu writes them into the
 * PDF, and the Cairo renderer places each glyph at those same positions, so a line
 * that fits in the layout fits in both outputs.
 *
 * Coordinates: origin at the top-left corner of the page, y grows downwards.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* The font every document uses; $VP_DOCUMENT_FONT overrides it (face index 0). */
#define VP_DOCUMENT_FONT_FILE "/usr/share/fonts/truetype/arphic/uming.ttc"

#define VP_MM_TO_PT(mm) ((mm) * 72.0 / 25.4)

/* Colours are 0xRRGGBB; VP_COLOR_NONE means "do not fill/stroke". */
#define VP_COLOR_BLACK 0x000000u
#define VP_COLOR_NONE  0xFFFFFFFFu

/* Line height as a multiple of the font size for text placed by paragraphs. */
#define VP_DOCUMENT_LINE_SPACING 1.3

typedef enum
{
  VP_DOCUMENT_ITEM_TEXT,
  VP_DOCUMENT_ITEM_LINE,
  VP_DOCUMENT_ITEM_RECT,
  VP_DOCUMENT_ITEM_POLYLINE,
  VP_DOCUMENT_ITEM_MODULES,
} VpDocumentItemKind;

typedef enum
{
  VP_TEXT_REGULAR,
  VP_TEXT_BOLD,      /* drawn as fill + thin stroke: same advances as regular */
} VpTextWeight;

typedef enum
{
  VP_ALIGN_LEFT,
  VP_ALIGN_CENTER,
  VP_ALIGN_RIGHT,
} VpAlign;

/* One item; read-only for renderers and tests. x/y/width/height is the bounding box
 * of what the item paints (for text: the advance width by ascent + descent). */
typedef struct
{
  VpDocumentItemKind kind;
  double     x, y, width, height;
  guint32    color;          /* text, line and stroke colour */
  guint32    fill;           /* RECT fill */
  double     line_width;     /* LINE, POLYLINE, RECT stroke; 0 for RECT = no stroke */
  gboolean   dashed;

  /* TEXT: one line, already wrapped; every character has a glyph in the font. */
  char      *text;
  double     size;
  double     baseline;
  VpTextWeight weight;
  guint      n_glyphs;
  guint16   *glyphs;         /* glyph ids in the font */
  guint16   *advances;       /* advance widths in 1/1000 em */

  /* LINE: from (x1, y1) to (x2, y2) */
  double     x1, y1, x2, y2;

  /* POLYLINE: n_points (x, y) pairs */
  double    *points;
  guint      n_points;

  /* MODULES: n_modules × n_modules squares of module_size, row-major, 1 = dark */
  guint8    *modules;
  guint      n_modules;
  double     module_size;
} VpDocumentItem;

typedef struct _VpDocument VpDocument;

VpDocument *vp_document_new              (GError       **error);
void        vp_document_free             (VpDocument    *self);

guint       vp_document_add_page         (VpDocument    *self,
                                          double         width,
                                          double         height);
void        vp_document_set_page_height  (VpDocument    *self,
                                          guint          page,
                                          double         height);
guint       vp_document_get_n_pages      (VpDocument    *self);
void        vp_document_get_page_size    (VpDocument    *self,
                                          guint          page,
                                          double        *width,
                                          double        *height);
const VpDocumentItem *
            vp_document_get_items        (VpDocument    *self,
                                          guint          page,
                                          guint         *n_items);
gboolean    vp_document_get_extents      (VpDocument    *self,
                                          guint          page,
                                          double        *x1,
                                          double        *y1,
                                          double        *x2,
                                          double        *y2);

void        vp_document_item_get_ink_box (const VpDocumentItem *item,
                                          double        *x1,
                                          double        *y1,
                                          double        *x2,
                                          double        *y2);

/* Text measurement (the one source of metrics) */
double      vp_document_text_width       (VpDocument    *self,
                                          const char    *text,
                                          double         size);
double      vp_document_ascent           (VpDocument    *self,
                                          double         size);
double      vp_document_descent          (VpDocument    *self,
                                          double         size);
char      **vp_document_wrap_text        (VpDocument    *self,
                                          const char    *text,
                                          double         size,
                                          double         max_width);

/* Placing items */
const VpDocumentItem *
            vp_document_add_text         (VpDocument    *self,
                                          guint          page,
                                          double         x,
                                          double         top,
                                          double         size,
                                          VpTextWeight   weight,
                                          guint32        color,
                                          const char    *text);
double      vp_document_add_paragraph    (VpDocument    *self,
                                          guint          page,
                                          double         x,
                                          double         top,
                                          double         width,
                                          double         size,
                                          VpTextWeight   weight,
                                          VpAlign        align,
                                          const char    *text);
void        vp_document_add_line         (VpDocument    *self,
                                          guint          page,
                                          double         x1,
                                          double         y1,
                                          double         x2,
                                          double         y2,
                                          double         line_width,
                                          guint32        color,
                                          gboolean       dashed);
void        vp_document_add_rect         (VpDocument    *self,
                                          guint          page,
                                          double         x,
                                          double         y,
                                          double         width,
                                          double         height,
                                          guint32        fill,
                                          guint32        stroke,
                                          double         line_width);
void        vp_document_add_polyline     (VpDocument    *self,
                                          guint          page,
                                          const double  *points,
                                          guint          n_points,
                                          double         line_width,
                                          guint32        color);
void        vp_document_add_modules      (VpDocument    *self,
                                          guint          page,
                                          double         x,
                                          double         y,
                                          double         module_size,
                                          guint          n_modules,
                                          const guint8  *modules);

/* Calls @func for each horizontal run of dark modules, in module units, so both
 * renderers draw a QR code as the same few rectangles. */
typedef void (*VpModuleRunFunc) (guint row, guint first, guint length, gpointer user_data);
void        vp_document_item_foreach_module_run (const VpDocumentItem *item,
                                                 VpModuleRunFunc       func,
                                                 gpointer              user_data);

/* libharu renderer (vp-document-pdf.c) */
GBytes     *vp_document_to_pdf           (VpDocument    *self,
                                          const char    *title,
                                          GError       **error);
gboolean    vp_document_save_pdf         (VpDocument    *self,
                                          const char    *title,
                                          const char    *path,
                                          GError       **error);

/* Cairo renderer (vp-document-cairo.c) */
void        vp_document_render_page      (VpDocument    *self,
                                          guint          page,
                                          cairo_t       *cr);
cairo_surface_t *
            vp_document_render_image     (VpDocument    *self,
                                          guint          page,
                                          double         dpi,
                                          GError       **error);
gboolean    vp_document_save_png         (VpDocument    *self,
                                          guint          page,
                                          double         dpi,
                                          const char    *path,
                                          GError       **error);

/* The font file in use (for renderers and diagnostics). */
const char *vp_document_get_font_file    (VpDocument    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpDocument, vp_document_free)

G_END_DECLS
