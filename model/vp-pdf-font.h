/* vp-pdf-font.h: making libharu 2.3.0's CJK font set-up affordable (model-internal)
 *
 * HPDF_GetFont (…, "UTF-8") asks HPDF_TTFontDef_GetGlyphid for each of the 65 535 BMP
 * code points to build the CIDToGIDMap and the widths, and GetGlyphid walks the cmap's
 * format 4 segments one by one from the first. AR PL UMing's cmap has 2 658 segments,
 * so every PDF paid ~50 ms of CPU before its first page: half the cost of a receipt.
 * vp_pdf_font_compact_cmap() rewrites the loaded font's in-memory cmap into a handful
 * of segments that map every code point to the same glyph; the font file embedded in
 * the PDF is untouched (libharu copies the file's own tables).
 */
#pragma once

#include <glib.h>
#include <hpdf.h>

G_BEGIN_DECLS

/* Compacts the cmap of TrueType font @font_name loaded into @pdf (before HPDF_GetFont
 * uses it). Returns TRUE when it did; FALSE, changing nothing, for a font that is not
 * TrueType with a format 4 cmap, one that is already small, one it cannot express in
 * a format 4 table with the same mapping, or a libharu other than 2.3.0 (whose
 * internal font structures this relies on). */
gboolean vp_pdf_font_compact_cmap (HPDF_Doc    pdf,
                                   const char *font_name);

/* Makes libharu embed an empty 'post' table (glyph names) for TrueType font
 * @font_name loaded into @pdf. Returns TRUE when there was one to drop. */
gboolean vp_pdf_font_drop_glyph_names (HPDF_Doc    pdf,
                                       const char *font_name);

/* Makes the commonest advance of TrueType font @font_name the default width libharu
 * writes for it (/DW), before HPDF_GetFont, so /W lists only the other widths.
 * Returns TRUE when it changed the default. */
gboolean vp_pdf_font_default_width_commonest (HPDF_Doc    pdf,
                                              const char *font_name);

G_END_DECLS
