/* vp-document.c: the page description and its one source of text metrics */
#include "config.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-document.h"
#include "vp-model-error.h"

/* Metrics of the document font for the Basic Multilingual Plane, read once per process
 * and immutable afterwards, so any thread may lay out documents. libharu 2.3.0 maps
 * text through the font's Unicode cmap and handles the BMP only. */
typedef struct
{
  char    *file;
  guint16  glyph[0x10000];     /* glyph id per code point; 0 = the font lacks it */
  guint16  advance[0x10000];   /* 1/1000 em, truncated as libharu does */
  int      ascent;             /* 1/1000 em */
  int      descent;            /* 1/1000 em, positive */
  char    *error_message;      /* set when the font could not be read */
} FontMetrics;

typedef struct
{
  double  width;
  double  height;
  GArray *items;   /* of VpDocumentItem */
} Page;

struct _VpDocument
{
  const FontMetrics *font;
  GArray            *pages;  /* of Page */
};

static FontMetrics *
load_font_metrics (void)
{
  FontMetrics *m = g_new0 (FontMetrics, 1);
  FT_Library library = NULL;
  FT_Face face = NULL;
  FT_ULong code;
  FT_UInt gid;
  FT_Error ft_error;
  const char *env = g_getenv ("VP_DOCUMENT_FONT");

  m->file = g_strdup (env != NULL && *env != '\0' ? env : VP_DOCUMENT_FONT_FILE);

  if (FT_Init_FreeType (&library) != 0)
    {
      m->error_message = g_strdup (_("The font engine could not be started"));
      return m;
    }
  ft_error = FT_New_Face (library, m->file, 0, &face);
  if (ft_error != 0)
    {
      m->error_message = g_strdup_printf (_("The document font %s could not be read "
                                            "(is fonts-arphic-uming installed?)"),
                                          m->file);
      FT_Done_FreeType (library);
      return m;
    }

  for (code = FT_Get_First_Char (face, &gid); gid != 0 && code < 0x10000;
       code = FT_Get_Next_Char (face, code, &gid))
    {
      FT_Fixed advance = 0;

      /* libharu (hpdf_fontdef_tt.c, HPDF_TTFontDef_GetCharWidth) writes
       * advance * 1000 / unitsPerEm with integer truncation into the PDF's /W array;
       * the viewer places glyphs by those numbers, so we measure with them too. */
      if (FT_Get_Advance (face, gid, FT_LOAD_NO_SCALE, &advance) != 0)
        continue;
      m->glyph[code] = gid;
      m->advance[code] = (guint16) ((guint) advance * 1000 / face->units_per_EM);
    }
  m->ascent = face->ascender * 1000 / face->units_per_EM;
  m->descent = -face->descender * 1000 / face->units_per_EM;

  FT_Done_Face (face);
  FT_Done_FreeType (library);
  return m;
}

static const FontMetrics *
get_font_metrics (GError **error)
{
  static gsize once = 0;
  static FontMetrics *metrics = NULL;

  if (g_once_init_enter (&once))
    {
      metrics = load_font_metrics ();
      g_once_init_leave (&once, 1);
    }

  if (metrics->error_message != NULL)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                           metrics->error_message);
      return NULL;
    }
  return metrics;
}

static void
clear_item (gpointer data)
{
  VpDocumentItem *item = data;

  g_free (item->text);
  g_free (item->glyphs);   /* advances share its block */
  g_free (item->points);
  g_free (item->modules);
}

static void
clear_page (gpointer data)
{
  Page *page = data;

  g_array_unref (page->items);
}

/*
 * vp_document_new:
 *
 * Returns: (transfer full): an empty document, or %NULL with VP_MODEL_ERROR_FAILED
 * when the document font cannot be read (the message names the file and package).
 */
VpDocument *
vp_document_new (GError **error)
{
  const FontMetrics *font;
  VpDocument *self;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  font = get_font_metrics (error);
  if (font == NULL)
    return NULL;

  self = g_new0 (VpDocument, 1);
  self->font = font;
  self->pages = g_array_new (FALSE, TRUE, sizeof (Page));
  g_array_set_clear_func (self->pages, clear_page);
  return self;
}

void
vp_document_free (VpDocument *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->pages);
  g_free (self);
}

const char *
vp_document_get_font_file (VpDocument *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->font->file;
}

/* Appends a page of @width × @height points; returns its index. */
guint
vp_document_add_page (VpDocument *self,
                      double      width,
                      double      height)
{
  Page page = { width, height, NULL };

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (width > 0 && height > 0, 0);

  page.items = g_array_new (FALSE, TRUE, sizeof (VpDocumentItem));
  g_array_set_clear_func (page.items, clear_item);
  g_array_append_val (self->pages, page);
  return self->pages->len - 1;
}

static Page *
get_page (VpDocument *self,
          guint       page)
{
  g_assert (page < self->pages->len);
  return &g_array_index (self->pages, Page, page);
}

/* Changes a page's height: a roll receipt is laid out on a tall page and then cut
 * to the length of its content. */
void
vp_document_set_page_height (VpDocument *self,
                             guint       page,
                             double      height)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->pages->len);
  g_return_if_fail (height > 0);

  get_page (self, page)->height = height;
}

guint
vp_document_get_n_pages (VpDocument *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pages->len;
}

void
vp_document_get_page_size (VpDocument *self,
                           guint       page,
                           double     *width,
                           double     *height)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->pages->len);

  if (width != NULL)
    *width = get_page (self, page)->width;
  if (height != NULL)
    *height = get_page (self, page)->height;
}

/* Returns: (transfer none) (array length=n_items): the items of @page in paint order. */
const VpDocumentItem *
vp_document_get_items (VpDocument *self,
                       guint       page,
                       guint      *n_items)
{
  Page *p;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (page < self->pages->len, NULL);

  p = get_page (self, page);
  if (n_items != NULL)
    *n_items = p->items->len;
  return (const VpDocumentItem *) p->items->data;
}

/*
 * vp_document_item_get_ink_box:
 *
 * The box @item paints, strokes included: half the line width around outlines and
 * polylines; a horizontal or vertical line (butt caps) widens only across its length.
 */
void
vp_document_item_get_ink_box (const VpDocumentItem *item,
                              double               *x1,
                              double               *y1,
                              double               *x2,
                              double               *y2)
{
  double pad_x = 0, pad_y = 0;

  g_return_if_fail (item != NULL);

  if (item->kind != VP_DOCUMENT_ITEM_TEXT && item->kind != VP_DOCUMENT_ITEM_MODULES)
    {
      pad_x = pad_y = item->line_width / 2;
      if (item->kind == VP_DOCUMENT_ITEM_LINE && item->y1 == item->y2)
        pad_x = 0;
      else if (item->kind == VP_DOCUMENT_ITEM_LINE && item->x1 == item->x2)
        pad_y = 0;
    }

  *x1 = item->x - pad_x;
  *y1 = item->y - pad_y;
  *x2 = item->x + item->width + pad_x;
  *y2 = item->y + item->height + pad_y;
}

/*
 * vp_document_get_extents:
 *
 * The union of the ink boxes of everything on @page. Returns %FALSE (and leaves the
 * outputs alone) for an empty page. Layout tests use it to prove nothing overflows
 * the paper.
 */
gboolean
vp_document_get_extents (VpDocument *self,
                         guint       page,
                         double     *x1,
                         double     *y1,
                         double     *x2,
                         double     *y2)
{
  guint n;
  const VpDocumentItem *items;
  double ax1 = G_MAXDOUBLE, ay1 = G_MAXDOUBLE, ax2 = -G_MAXDOUBLE, ay2 = -G_MAXDOUBLE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (page < self->pages->len, FALSE);

  items = vp_document_get_items (self, page, &n);
  if (n == 0)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      double bx1, by1, bx2, by2;

      vp_document_item_get_ink_box (&items[i], &bx1, &by1, &bx2, &by2);
      ax1 = MIN (ax1, bx1);
      ay1 = MIN (ay1, by1);
      ax2 = MAX (ax2, bx2);
      ay2 = MAX (ay2, by2);
    }

  if (x1 != NULL) *x1 = ax1;
  if (y1 != NULL) *y1 = ay1;
  if (x2 != NULL) *x2 = ax2;
  if (y2 != NULL) *y2 = ay2;
  return TRUE;
}

/* The character actually printed for @c: controls become spaces; a character the
 * font lacks becomes '?', except ¥ which has a full-width twin. libharu handles the
 * BMP only, so anything above it is lacking too. */
static gunichar
printable_char (const FontMetrics *font,
                gunichar           c)
{
  if (c == '\t' || c == '\r' || c == '\n' || (c < 0x20) || (c >= 0x7F && c < 0xA0))
    return ' ';
  if (c < 0x10000 && font->glyph[c] != 0)
    return c;
  if (c == 0x00A5 && font->glyph[0xFFE5] != 0)
    return 0xFFE5;
  return '?';
}

/* Sum of advances in 1/1000 em. */
static guint64
text_units (const FontMetrics *font,
            const char        *text)
{
  guint64 units = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    units += font->advance[printable_char (font, g_utf8_get_char (p))];
  return units;
}

/*
 * vp_document_text_width:
 * @text: UTF-8 text on one line
 * @size: font size in points
 *
 * Returns: the advance width of @text in points, exactly as both renderers draw it.
 */
double
vp_document_text_width (VpDocument *self,
                        const char *text,
                        double      size)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (text != NULL, 0);

  return (double) text_units (self->font, text) * size / 1000.0;
}

double
vp_document_ascent (VpDocument *self,
                    double      size)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->font->ascent * size / 1000.0;
}

double
vp_document_descent (VpDocument *self,
                     double      size)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->font->descent * size / 1000.0;
}

/* Ideographs, kana, hangul and full-width forms: a line may break on either side. */
static gboolean
is_wide (gunichar c)
{
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0xA4CF)
    || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF)
    || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF);
}

/* Punctuation that must not begin a line (the common 禁则 of Chinese typesetting). */
static gboolean
no_break_before (gunichar c)
{
  if (c < 0x80)
    return c != 0 && strchr (",.;:!?)]}%", (int) c) != NULL;
  return g_utf8_strchr ("，。、；：！？）」』】》〉…％’”", -1, c) != NULL;
}

/* Punctuation that must not end a line. */
static gboolean
no_break_after (gunichar c)
{
  if (c < 0x80)
    return c == '(' || c == '[';
  return g_utf8_strchr ("（「『【《〈‘“", -1, c) != NULL;
}

/* Breaks one paragraph (no '\n') into lines no wider than @max_units, appending them
 * to @lines. Breaks at spaces and around wide characters; a word longer than a line
 * is cut between characters. Every line holds at least one character. */
static void
wrap_paragraph (const FontMetrics *font,
                const gunichar    *chars,
                guint              n,
                guint64            max_units,
                GPtrArray         *lines)
{
  guint start = 0;

  while (start < n)
    {
      guint64 units = 0;
      guint end = start;      /* exclusive end of what fits */
      guint best = 0;         /* last break opportunity > start, 0 = none */
      guint next;

      while (end < n && (end == start || units + font->advance[chars[end]] <= max_units))
        {
          units += font->advance[chars[end]];
          end++;
          if (end < n)
            {
              gunichar a = chars[end - 1], b = chars[end];
              gboolean can_break = a == ' ' || b == ' '
                || ((is_wide (a) || is_wide (b)) && !no_break_before (b)
                    && !no_break_after (a));

              if (can_break)
                best = end;
            }
        }

      if (end < n && best > start)
        end = best;
      next = end;

      /* Spaces at a break belong to neither line. */
      while (end > start && chars[end - 1] == ' ')
        end--;
      while (next < n && chars[next] == ' ')
        next++;

      g_ptr_array_add (lines, g_ucs4_to_utf8 (chars + start, end - start, NULL, NULL, NULL));
      start = next;
    }
}

/*
 * vp_document_wrap_text:
 * @text: UTF-8 text; '\n' forces a line break
 * @size: font size in points
 * @max_width: width available in points
 *
 * Returns: (transfer full): the lines, each no wider than @max_width unless a single
 * character is wider. Characters are already replaced by what will print.
 */
char **
vp_document_wrap_text (VpDocument *self,
                       const char *text,
                       double      size,
                       double      max_width)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_auto(GStrv) paragraphs = NULL;
  guint64 max_units;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (size > 0, NULL);

  max_units = max_width <= 0 ? 0 : (guint64) (max_width * 1000.0 / size + 1e-6);
  paragraphs = g_strsplit (text, "\n", -1);
  for (guint p = 0; paragraphs[p] != NULL; p++)
    {
      g_autofree gunichar *chars = NULL;
      glong n = 0;
      const char *s = g_utf8_validate (paragraphs[p], -1, NULL) ? paragraphs[p] : "?";

      chars = g_utf8_to_ucs4_fast (s, -1, &n);
      for (glong i = 0; i < n; i++)
        chars[i] = printable_char (self->font, chars[i]);
      if (n == 0)
        g_ptr_array_add (lines, g_strdup (""));
      else
        wrap_paragraph (self->font, chars, n, max_units, lines);
    }

  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static VpDocumentItem *
append_item (VpDocument         *self,
             guint               page,
             VpDocumentItemKind  kind)
{
  GArray *items = get_page (self, page)->items;
  VpDocumentItem item = { 0 };

  item.kind = kind;
  item.color = VP_COLOR_BLACK;
  item.fill = VP_COLOR_NONE;
  g_array_append_val (items, item);
  return &g_array_index (items, VpDocumentItem, items->len - 1);
}

/*
 * vp_document_add_text:
 * @x: left edge of the run in points
 * @top: top of the run's line box (baseline − ascent)
 * @text: one line of UTF-8; invalid text prints as '?'
 *
 * Places one run without wrapping. Characters the font lacks print as '?'.
 * Returns: (transfer none): the item, valid until the next item is added to @page.
 */
const VpDocumentItem *
vp_document_add_text (VpDocument   *self,
                      guint         page,
                      double        x,
                      double        top,
                      double        size,
                      VpTextWeight  weight,
                      guint32       color,
                      const char   *text)
{
  VpDocumentItem *item;
  gsize length, n = 0;
  guint64 units = 0;
  gboolean replaced = FALSE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (page < self->pages->len, NULL);
  g_return_val_if_fail (size > 0, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    text = "?";
  length = strlen (text);

  /* One pass and one block for glyphs and advances: a report page holds hundreds of
   * runs, so this is on the path bench-report measures. A run has at most @length
   * characters. */
  item = append_item (self, page, VP_DOCUMENT_ITEM_TEXT);
  item->glyphs = g_new (guint16, 2 * MAX (length, 1));
  item->advances = item->glyphs + MAX (length, 1);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gunichar shown = printable_char (self->font, c);

      replaced |= shown != c;
      item->glyphs[n] = self->font->glyph[shown];
      item->advances[n] = self->font->advance[shown];
      units += item->advances[n];
      n++;
    }
  item->n_glyphs = n;
  if (!replaced)
    item->text = g_strndup (text, length);
  else
    {
      GString *shown = g_string_sized_new (length);

      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        g_string_append_unichar (shown, printable_char (self->font, g_utf8_get_char (p)));
      item->text = g_string_free (shown, FALSE);
    }
  item->size = size;
  item->weight = weight;
  item->color = color;
  item->x = x;
  item->y = top;
  item->width = (double) units * size / 1000.0;
  item->height = (self->font->ascent + self->font->descent) * size / 1000.0;
  item->baseline = top + self->font->ascent * size / 1000.0;
  return item;
}

/*
 * vp_document_add_paragraph:
 * @x, @top, @width: the box the text is wrapped into
 * @align: where each line sits inside the box
 *
 * Wraps @text to @width and places one run per line, VP_DOCUMENT_LINE_SPACING × @size
 * apart. Returns: the height used, in points.
 */
double
vp_document_add_paragraph (VpDocument   *self,
                           guint         page,
                           double        x,
                           double        top,
                           double        width,
                           double        size,
                           VpTextWeight  weight,
                           VpAlign       align,
                           const char   *text)
{
  g_auto(GStrv) lines = NULL;
  double line_height = size * VP_DOCUMENT_LINE_SPACING;
  double lead;
  guint i;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (page < self->pages->len, 0);
  g_return_val_if_fail (size > 0, 0);
  g_return_val_if_fail (text != NULL, 0);

  /* Centre the glyph box in the line box so rules above and below look even. */
  lead = (line_height - (self->font->ascent + self->font->descent) * size / 1000.0) / 2;
  lines = vp_document_wrap_text (self, text, size, width);
  for (i = 0; lines[i] != NULL; i++)
    {
      double w = vp_document_text_width (self, lines[i], size);
      double left = x;

      if (align == VP_ALIGN_CENTER)
        left = x + (width - w) / 2;
      else if (align == VP_ALIGN_RIGHT)
        left = x + width - w;
      if (*lines[i] != '\0')
        vp_document_add_text (self, page, left, top + i * line_height + lead, size,
                              weight, VP_COLOR_BLACK, lines[i]);
    }
  return i * line_height;
}

/* A straight line from (@x1, @y1) to (@x2, @y2); @dashed draws 3 pt dashes. */
void
vp_document_add_line (VpDocument *self,
                      guint       page,
                      double      x1,
                      double      y1,
                      double      x2,
                      double      y2,
                      double      line_width,
                      guint32     color,
                      gboolean    dashed)
{
  VpDocumentItem *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->pages->len);

  item = append_item (self, page, VP_DOCUMENT_ITEM_LINE);
  item->x1 = x1;
  item->y1 = y1;
  item->x2 = x2;
  item->y2 = y2;
  item->x = MIN (x1, x2);
  item->y = MIN (y1, y2);
  item->width = ABS (x2 - x1);
  item->height = ABS (y2 - y1);
  item->line_width = line_width;
  item->color = color;
  item->dashed = dashed;
}

/* A rectangle, filled with @fill and/or outlined with @stroke (VP_COLOR_NONE to omit
 * either); the bars of charts and the boxes of forms. */
void
vp_document_add_rect (VpDocument *self,
                      guint       page,
                      double      x,
                      double      y,
                      double      width,
                      double      height,
                      guint32     fill,
                      guint32     stroke,
                      double      line_width)
{
  VpDocumentItem *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->pages->len);

  item = append_item (self, page, VP_DOCUMENT_ITEM_RECT);
  item->x = x;
  item->y = y;
  item->width = width;
  item->height = height;
  item->fill = fill;
  item->color = stroke;
  item->line_width = stroke == VP_COLOR_NONE ? 0 : line_width;
}

/* An open polyline through @n_points (x, y) pairs (at least two): the lines of charts. */
void
vp_document_add_polyline (VpDocument   *self,
                          guint         page,
                          const double *points,
                          guint         n_points,
                          double        line_width,
                          guint32       color)
{
  VpDocumentItem *item;
  double x1 = G_MAXDOUBLE, y1 = G_MAXDOUBLE, x2 = -G_MAXDOUBLE, y2 = -G_MAXDOUBLE;

  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->pages->len);
  g_return_if_fail (points != NULL && n_points >= 2);

  for (guint i = 0; i < n_points; i++)
    {
      x1 = MIN (x1, points[2 * i]);
      x2 = MAX (x2, points[2 * i]);
      y1 = MIN (y1, points[2 * i + 1]);
      y2 = MAX (y2, points[2 * i + 1]);
    }

  item = append_item (self, page, VP_DOCUMENT_ITEM_POLYLINE);
  item->points = g_memdup2 (points, sizeof (double) * 2 * n_points);
  item->n_points = n_points;
  item->x = x1;
  item->y = y1;
  item->width = x2 - x1;
  item->height = y2 - y1;
  item->line_width = line_width;
  item->color = color;
}

/* A square matrix of @n_modules² modules (1 = dark), top-left at (@x, @y). */
void
vp_document_add_modules (VpDocument   *self,
                         guint         page,
                         double        x,
                         double        y,
                         double        module_size,
                         guint         n_modules,
                         const guint8 *modules)
{
  VpDocumentItem *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (page < self->pages->len);
  g_return_if_fail (modules != NULL && n_modules > 0);

  item = append_item (self, page, VP_DOCUMENT_ITEM_MODULES);
  item->modules = g_memdup2 (modules, (gsize) n_modules * n_modules);
  item->n_modules = n_modules;
  item->module_size = module_size;
  item->x = x;
  item->y = y;
  item->width = item->height = module_size * n_modules;
}

void
vp_document_item_foreach_module_run (const VpDocumentItem *item,
                                     VpModuleRunFunc       func,
                                     gpointer              user_data)
{
  g_return_if_fail (item != NULL && item->kind == VP_DOCUMENT_ITEM_MODULES);

  for (guint row = 0; row < item->n_modules; row++)
    {
      const guint8 *r = item->modules + (gsize) row * item->n_modules;
      guint col = 0;

      while (col < item->n_modules)
        {
          guint first;

          while (col < item->n_modules && !r[col])
            col++;
          first = col;
          while (col < item->n_modules && r[col])
            col++;
          if (col > first)
            func (row, first, col - first, user_data);
        }
    }
}
