/* document-check.h: checks on rendered documents shared by test-document and
 * test-receipt: text of a PDF via pdftotext, pages as images via pdftoppm and Cairo,
 * and counts of dark pixels proving glyphs were drawn. */
#pragma once

#include <cairo.h>

#include "vp-document.h"
#include "vp-receipt.h"

G_BEGIN_DECLS

/* The text of @pdf_path (pdftotext -layout, UTF-8), or NULL after g_test_skip()
 * when pdftotext is not installed. */
char            *doc_check_pdftotext      (const char      *pdf_path);

/* Page @page (0-based) of @pdf_path rendered by pdftoppm at @dpi, or NULL after
 * g_test_skip() when pdftoppm is not installed. */
cairo_surface_t *doc_check_pdftoppm       (const char      *pdf_path,
                                           guint            page,
                                           guint            dpi);

/* The QR codes zbarimg reads in @png_path, one per line, or NULL after g_test_skip()
 * when zbar-tools is not installed. */
char            *doc_check_zbarimg        (const char      *png_path);

/* Dark pixels (luminance < 50 %) of @surface inside the rectangle given in points,
 * for an image rendered at @dpi. */
guint            doc_check_dark_pixels    (cairo_surface_t *surface,
                                           double           dpi,
                                           double           x,
                                           double           y,
                                           double           width,
                                           double           height);

/* Dark pixels where @item is (its box), in an image rendered at @dpi. */
guint            doc_check_item_ink       (cairo_surface_t *surface,
                                           double           dpi,
                                           const VpDocumentItem *item);

/* Page 0 of @doc drawn twice at @dpi: out[0] by the Cairo renderer, out[1] by poppler
 * from the libharu PDF (written into @dir); out[1] is NULL after g_test_skip() when
 * pdftoppm is missing. Destroy the surfaces with cairo_surface_destroy(). */
void             doc_check_render_both    (VpDocument      *doc,
                                           const char      *dir,
                                           double           dpi,
                                           cairo_surface_t *out[2]);

/* A realistic receipt of @kind (refunds and reversals debit the same amount). */
VpReceipt       *doc_check_sample_receipt (VpReceiptKind    kind);

/* The first TEXT item on @page whose text contains @needle. */
const VpDocumentItem *
                 doc_check_find_text      (VpDocument      *doc,
                                           guint            page,
                                           const char      *needle);

/* Fails the test when anything on @page lies outside [@left, @right] horizontally
 * or outside the page vertically. */
void             doc_check_inside         (VpDocument      *doc,
                                           guint            page,
                                           double           left,
                                           double           right);

G_END_DECLS
