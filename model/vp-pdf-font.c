/* vp-pdf-font.c: a compact in-memory cmap for libharu 2.3.0 (see vp-pdf-font.h)
 *
 * A format 4 cmap (OpenType spec, "cmap" table, format 4) is a sorted list of
 * segments [start, end]; a code point maps either through idDelta alone
 * (glyph = code + delta) or through the glyphIdArray, reached by idRangeOffset, a byte
 * offset counted from the segment's own idRangeOffset entry. Fonts are written with a
 * segment for every stretch of consecutive glyph ids, which makes lookups that walk the
 * list slow. Here the mapping is read out once (exactly as libharu's GetGlyphid reads
 * it) and written again with neighbouring stretches merged into array segments, holes
 * mapping to glyph 0 (.notdef, what an unmapped code point gets anyway). idRangeOffset
 * is 16 bits, so the array segments together may hold at most ~32 767 entries: the
 * widest merging gap that fits is chosen.
 */
#include "config.h"

#include "vp-pdf-font.h"

#include <string.h>

#include <hpdf_fontdef.h>
#include <hpdf_doc.h>

#define N_CODES           0xFFFF   /* U+0000..U+FFFE; U+FFFF is the terminating segment */
#define MAX_ARRAY_WORDS   32767    /* idRangeOffset / 2, a 16-bit byte offset */
#define WORTH_COMPACTING  64       /* fewer segments than this are walked fast already */

typedef struct
{
  guint16  start;
  guint16  end;
  gboolean array;        /* through the glyph id array, else by delta */
} Segment;

#if HPDF_VERSION_ID == 20300

/* The glyph of every code point as libharu's HPDF_TTFontDef_GetGlyphid finds it: the
 * first segment whose end is >= the code, then delta or the array. FALSE when the
 * segments are not sorted (then lookups depend on the walk, and nothing is changed). */
static gboolean
read_mapping (const HPDF_TTF_CmapRange *cmap,
              guint16                  *glyphs)
{
  guint n_segments = cmap->seg_count_x2 / 2;
  guint next = 0;   /* the first code point no earlier segment covers */

  memset (glyphs, 0, sizeof (guint16) * N_CODES);
  for (guint i = 0; i < n_segments && next < N_CODES; i++)
    {
      guint start = cmap->start_count[i], end = cmap->end_count[i];

      if (i > 0 && end < cmap->end_count[i - 1])
        return FALSE;
      for (guint code = MAX (start, next); code <= MIN (end, N_CODES - 1); code++)
        {
          if (cmap->id_range_offset[i] == 0)
            glyphs[code] = (guint16) (code + cmap->id_delta[i]);
          else
            {
              guint idx = cmap->id_range_offset[i] / 2 + (code - start) - (n_segments - i);

              if (idx < cmap->glyph_id_array_count)
                glyphs[code] = (guint16) (cmap->glyph_id_array[idx] + cmap->id_delta[i]);
            }
        }
      next = MAX (next, end + 1);
    }
  return TRUE;
}

static void
free_mem (HPDF_MMgr  mmgr,
          void      *memory)
{
  if (memory != NULL)
    HPDF_FreeMem (mmgr, memory);
}

/* Whether [start, end] maps with one delta and no hole. */
static gboolean
is_delta_run (const guint16 *glyphs,
              guint          start,
              guint          end)
{
  guint16 delta = (guint16) (glyphs[start] - start);

  for (guint code = start; code <= end; code++)
    if (glyphs[code] == 0 || (guint16) (glyphs[code] - code) != delta)
      return FALSE;
  return TRUE;
}

/* Segments covering every mapped code point, runs less than @gap apart merged.
 * Returns the number of array words they need. */
static guint
plan (const guint16 *glyphs,
      guint          gap,
      GArray        *segments)
{
  guint words = 0;

  g_array_set_size (segments, 0);
  for (guint code = 0; code < N_CODES; )
    {
      guint start, end;

      if (glyphs[code] == 0)
        {
          code++;
          continue;
        }
      start = end = code;
      while (++code < N_CODES && (glyphs[code] != 0 || code - end <= gap))
        if (glyphs[code] != 0)
          end = code;
      /* a hole ending the scan is not part of the segment */
      code = end + 1;
      {
        Segment s = { (guint16) start, (guint16) end, !is_delta_run (glyphs, start, end) };

        if (s.array)
          words += end - start + 1;
        g_array_append_val (segments, s);
      }
    }
  return words;
}

gboolean
vp_pdf_font_compact_cmap (HPDF_Doc    pdf,
                          const char *font_name)
{
  HPDF_FontDef fontdef;
  HPDF_TTFontDefAttr attr;
  g_autofree guint16 *glyphs = NULL;
  g_autoptr(GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autoptr(GArray) best = NULL;
  guint best_words = 0, n, offset = 0;
  HPDF_UINT16 *end_count, *start_count, *id_range_offset, *array;
  HPDF_INT16 *id_delta;

  g_return_val_if_fail (pdf != NULL && font_name != NULL, FALSE);

  fontdef = HPDF_GetFontDef (pdf, font_name);
  if (fontdef == NULL || fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE || fontdef->attr == NULL)
    return FALSE;
  attr = fontdef->attr;
  if (attr->cmap.format != 4 || attr->cmap.seg_count_x2 / 2 < WORTH_COMPACTING)
    return FALSE;

  glyphs = g_new (guint16, N_CODES);
  if (!read_mapping (&attr->cmap, glyphs))
    return FALSE;

  /* the widest gap (fewest segments) whose arrays still fit the 16-bit offsets */
  for (guint gap = 0; gap <= 4096; gap = gap == 0 ? 1 : gap * 2)
    {
      guint words = plan (glyphs, gap, segments);

      if (words + segments->len + 1 > MAX_ARRAY_WORDS)
        break;
      if (best == NULL || segments->len < best->len)
        {
          g_clear_pointer (&best, g_array_unref);
          best = g_array_copy (segments);
          best_words = words;
        }
    }
  if (best == NULL || best->len + 1 >= attr->cmap.seg_count_x2 / 2)
    return FALSE;

  n = best->len + 1;   /* and the U+FFFF terminator the format requires */
  end_count = HPDF_GetMem (fontdef->mmgr, sizeof (HPDF_UINT16) * n);
  start_count = HPDF_GetMem (fontdef->mmgr, sizeof (HPDF_UINT16) * n);
  id_delta = HPDF_GetMem (fontdef->mmgr, sizeof (HPDF_INT16) * n);
  id_range_offset = HPDF_GetMem (fontdef->mmgr, sizeof (HPDF_UINT16) * n);
  array = HPDF_GetMem (fontdef->mmgr, sizeof (HPDF_UINT16) * MAX (best_words, 1));
  if (end_count == NULL || start_count == NULL || id_delta == NULL
      || id_range_offset == NULL || array == NULL)
    {
      /* libharu has reported the failure to the document's error handler */
      free_mem (fontdef->mmgr, end_count);
      free_mem (fontdef->mmgr, start_count);
      free_mem (fontdef->mmgr, id_delta);
      free_mem (fontdef->mmgr, id_range_offset);
      free_mem (fontdef->mmgr, array);
      return FALSE;
    }

  for (guint i = 0; i < best->len; i++)
    {
      const Segment *s = &g_array_index (best, Segment, i);

      start_count[i] = s->start;
      end_count[i] = s->end;
      if (s->array)
        {
          /* from this entry to array[offset]: the rest of the idRangeOffset table, then
           * offset words into the array that follows it */
          id_delta[i] = 0;
          id_range_offset[i] = (HPDF_UINT16) (2 * (n - i + offset));
          for (guint code = s->start; code <= s->end; code++)
            array[offset++] = glyphs[code];
        }
      else
        {
          id_delta[i] = (HPDF_INT16) (guint16) (glyphs[s->start] - s->start);
          id_range_offset[i] = 0;
        }
    }
  start_count[n - 1] = end_count[n - 1] = 0xFFFF;
  id_delta[n - 1] = 1;   /* 0xFFFF + 1 = glyph 0 */
  id_range_offset[n - 1] = 0;

  free_mem (fontdef->mmgr, attr->cmap.end_count);
  free_mem (fontdef->mmgr, attr->cmap.start_count);
  free_mem (fontdef->mmgr, attr->cmap.id_delta);
  free_mem (fontdef->mmgr, attr->cmap.id_range_offset);
  free_mem (fontdef->mmgr, attr->cmap.glyph_id_array);
  attr->cmap.end_count = end_count;
  attr->cmap.start_count = start_count;
  attr->cmap.id_delta = id_delta;
  attr->cmap.id_range_offset = id_range_offset;
  attr->cmap.glyph_id_array = array;
  attr->cmap.glyph_id_array_count = best_words;
  attr->cmap.seg_count_x2 = (HPDF_UINT16) (2 * n);
  return TRUE;
}

/* The 'post' table is glyph names and PostScript printing hints: nothing a PDF
 * viewer reads from an embedded TrueType font (ISO 32000-1 9.9 lists the tables a
 * font program needs; 'post' is not among them), yet libharu 2.3.0 embeds UMing's
 * 272 KB of it in every PDF and compresses it each time. Given zero length it is
 * written empty, as libharu already writes the optional 'cvt ', 'fpgm' and 'prep'
 * that UMing lacks. */
gboolean
vp_pdf_font_drop_glyph_names (HPDF_Doc    pdf,
                              const char *font_name)
{
  HPDF_FontDef fontdef;
  HPDF_TTFontDefAttr attr;

  g_return_val_if_fail (pdf != NULL && font_name != NULL, FALSE);

  fontdef = HPDF_GetFontDef (pdf, font_name);
  if (fontdef == NULL || fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE || fontdef->attr == NULL)
    return FALSE;
  attr = fontdef->attr;
  for (guint i = 0; i < attr->offset_tbl.num_tables; i++)
    if (memcmp (attr->offset_tbl.table[i].tag, "post", 4) == 0)
      {
        gboolean had = attr->offset_tbl.table[i].length > 0;

        attr->offset_tbl.table[i].length = 0;
        return had;
      }
  return FALSE;
}

/* A CID font's widths are /DW, the default, and /W, every CID whose width differs
 * (ISO 32000-1 9.7.4.3). libharu 2.3.0 takes /DW from the .notdef glyph (500 in UMing)
 * and so lists all ~22 000 ideographs, 1000 wide, in /W: 135 KB of numbers written
 * uncompressed into every PDF, each one an object libharu allocates first. With the
 * commonest advance as the default (and .notdef measured with it, so the CIDs that
 * map to no glyph are not listed either), /W holds only the other widths. Only
 * libharu's view of the metrics changes: .notdef is never shown (vp-document.c draws
 * '?' for characters the font lacks), every shown glyph keeps its own width. */
gboolean
vp_pdf_font_default_width_commonest (HPDF_Doc    pdf,
                                     const char *font_name)
{
  HPDF_FontDef fontdef;
  HPDF_TTFontDefAttr attr;
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;
  guint commonest = 0, most = 0;

  g_return_val_if_fail (pdf != NULL && font_name != NULL, FALSE);

  fontdef = HPDF_GetFontDef (pdf, font_name);
  if (fontdef == NULL || fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE || fontdef->attr == NULL)
    return FALSE;
  attr = fontdef->attr;
  if (attr->num_h_metric == 0 || attr->header.units_per_em == 0)
    return FALSE;

  for (guint i = 1; i < attr->num_h_metric; i++)
    {
      gpointer advance = GUINT_TO_POINTER (attr->h_metric[i].advance_width + 1);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, advance)) + 1;

      g_hash_table_insert (counts, advance, GUINT_TO_POINTER (n));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) > most)
      {
        most = GPOINTER_TO_UINT (value);
        commonest = GPOINTER_TO_UINT (key) - 1;
      }
  if (most == 0 || commonest == attr->h_metric[0].advance_width)
    return FALSE;

  attr->h_metric[0].advance_width = (HPDF_UINT16) commonest;
  /* as HPDF_TTFontDef_GetGidWidth computes it */
  fontdef->missing_width = (HPDF_INT16) ((HPDF_UINT32) commonest * 1000
                                         / attr->header.units_per_em);
  return TRUE;
}

#else   /* another libharu: its structures may differ; leave its font alone */

gboolean
vp_pdf_font_default_width_commonest (HPDF_Doc    pdf,
                                     const char *font_name)
{
  return FALSE;
}

gboolean
vp_pdf_font_compact_cmap (HPDF_Doc    pdf,
                          const char *font_name)
{
  return FALSE;
}

gboolean
vp_pdf_font_drop_glyph_names (HPDF_Doc    pdf,
                              const char *font_name)
{
  return FALSE;
}

#endif
