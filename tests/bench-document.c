/* bench-document.c: time to produce a receipt PDF against a bare libharu PDF
 *
 * The baseline writes one page with the same text lines at fixed positions, with the
 * same embedded font, straight through libharu: what any PDF receipt must cost. The
 * ratio is what our layout, document model and renderer add on top.
 */
#include "config.h"

#include <hpdf.h>

#include "document-check.h"
#include "vp-receipt.h"

#define ROUNDS 20

static void
on_hpdf_error (HPDF_STATUS error_no,
               HPDF_STATUS detail_no,
               void       *user_data)
{
  g_error ("libharu error 0x%04X detail %u", (guint) error_no, (guint) detail_no);
}

static gsize
bare_pdf (const char * const *lines,
          const char         *font_file)
{
  HPDF_Doc pdf = HPDF_New (on_hpdf_error, NULL);
  HPDF_Page page;
  HPDF_Font font;
  const char *name;
  gsize size;

  HPDF_SetCompressionMode (pdf, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings (pdf);
  name = HPDF_LoadTTFontFromFile2 (pdf, font_file, 0, HPDF_TRUE);
  font = HPDF_GetFont (pdf, name, "UTF-8");
  page = HPDF_AddPage (pdf);
  HPDF_Page_SetWidth (page, 226.8);
  HPDF_Page_SetHeight (page, 700);
  HPDF_Page_BeginText (page);
  HPDF_Page_SetFontAndSize (page, font, 8.5);
  for (guint i = 0; lines[i] != NULL; i++)
    HPDF_Page_TextOut (page, 11, 680 - 11 * i, lines[i]);
  HPDF_Page_EndText (page);
  HPDF_SaveToStream (pdf);
  size = HPDF_GetStreamSize (pdf);
  HPDF_Free (pdf);
  return size;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VpReceipt) receipt = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
  g_autoptr(VpDocument) doc = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const VpDocumentItem *items;
  guint n_items;
  gint64 start;
  double t_bare, t_build, t_pdf, t_png;
  gsize bare_size = 0, our_size = 0;

  doc = vp_receipt_build (receipt, VP_RECEIPT_ROLL80, &error);
  g_assert_no_error (error);
  items = vp_document_get_items (doc, 0, &n_items);
  for (guint i = 0; i < n_items; i++)
    if (items[i].kind == VP_DOCUMENT_ITEM_TEXT)
      g_ptr_array_add (lines, items[i].text);
  g_ptr_array_add (lines, NULL);

  /* Warm both paths (page cache, font metrics) before timing. */
  bare_pdf ((const char * const *) lines->pdata, vp_document_get_font_file (doc));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ROUNDS; i++)
    bare_size = bare_pdf ((const char * const *) lines->pdata, vp_document_get_font_file (doc));
  t_bare = (g_get_monotonic_time () - start) / 1000.0 / ROUNDS;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(VpDocument) d = vp_receipt_build (receipt, VP_RECEIPT_ROLL80, NULL);
      g_assert_nonnull (d);
    }
  t_build = (g_get_monotonic_time () - start) / 1000.0 / ROUNDS;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ROUNDS; i++)
    {
      g_autoptr(VpDocument) d = vp_receipt_build (receipt, VP_RECEIPT_ROLL80, NULL);
      g_autoptr(GBytes) pdf = vp_document_to_pdf (d, NULL, &error);

      g_assert_no_error (error);
      our_size = g_bytes_get_size (pdf);
    }
  t_pdf = (g_get_monotonic_time () - start) / 1000.0 / ROUNDS;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ROUNDS; i++)
    {
      cairo_surface_t *s = vp_document_render_image (doc, 0, 203, &error);

      g_assert_no_error (error);
      cairo_surface_destroy (s);
    }
  t_png = (g_get_monotonic_time () - start) / 1000.0 / ROUNDS;

  g_print ("bare libharu page, same %u lines and font: %.2f ms, %" G_GSIZE_FORMAT " bytes\n",
           lines->len - 1, t_bare, bare_size);
  g_print ("receipt layout only:                       %.2f ms\n", t_build);
  g_print ("receipt layout + PDF:                      %.2f ms, %" G_GSIZE_FORMAT " bytes\n",
           t_pdf, our_size);
  g_print ("receipt Cairo image at 203 dpi:            %.2f ms\n", t_png);
  g_print ("ratio receipt PDF / bare libharu PDF:      %.2f\n", t_pdf / t_bare);
  return 0;
}
