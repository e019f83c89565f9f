/* document-check.h: checks on rendered documents shared by test-document and
 * test-receipt: text of a PDF via pdftotext, pages as images via pdftoppm and Cairo,
 * and counts of dark pixels proving glyphs were drawn. */
#pragma once

#include <cairo.h>

#include "vp-document.h"

G_BEGIN_DECLS

/* A temporary directory removed with its files by doc_check_tmpdir_free(). */
char            *doc_check_tmpdir_new     (void);
void             doc_check_tmpdir_free    (char            *dir);

/* The text of @pdf_path (pdftotext -layout, UTF-8), or NULL after g_test_skip()
 * when pdftotext is not installed. */
char            *doc_check_pdftotext      (const char      *pdf_path);

/* Page @page (0-based) of @pdf_path rendered by pdftoppm at @dpi, or NULL after
 * g_test_skip() when pdftoppm is not installed. */
cairo_surface_t *doc_check_pdftoppm       (const char      *pdf_path,
                                           guint            page,
                                           guint            dpi);

/* Dark pixels (luminance < 50 %) of @surface inside the rectangle given in points,
 * for an image rendered at @dpi. */
guint            doc_check_dark_pixels    (cairo_surface_t *surface,
                                           double           dpi,
                                           double           x,
                                           double           y,
                                           double           width,
                                           double           height);

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
