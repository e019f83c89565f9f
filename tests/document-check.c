/* document-check.c: checks on rendered documents (see document-check.h) */
#include "config.h"

#include "document-check.h"

/* Runs @argv; skips the test when the program is missing, fails it on an error.
 * With @out, collects standard output. */
static gboolean
run_tool (const char * const  *argv,
          char               **out)
{
  g_autofree char *program = g_find_program_in_path (argv[0]);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (program == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s is not installed", argv[0]);
      g_test_skip (message);
      return FALSE;
    }

  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0),
                NULL, NULL, out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", argv[0], error->message, err);
  return TRUE;
}

char *
doc_check_pdftotext (const char *pdf_path)
{
  g_autofree char *txt_path = g_strconcat (pdf_path, ".txt", NULL);
  const char *argv[] = { "pdftotext", "-layout", "-enc", "UTF-8", pdf_path, txt_path, NULL };
  char *text = NULL;

  if (!run_tool (argv, NULL))
    return NULL;
  g_assert_true (g_file_get_contents (txt_path, &text, NULL, NULL));
  return text;
}

cairo_surface_t *
doc_check_pdftoppm (const char *pdf_path,
                    guint       page,
                    guint       dpi)
{
  g_autofree char *prefix = g_strdup_printf ("%s-page%u", pdf_path, page + 1);
  g_autofree char *png_path = g_strconcat (prefix, ".png", NULL);
  g_autofree char *page_arg = g_strdup_printf ("%u", page + 1);
  g_autofree char *dpi_arg = g_strdup_printf ("%u", dpi);
  const char *argv[] = { "pdftoppm", "-png", "-singlefile", "-r", dpi_arg,
                         "-f", page_arg, "-l", page_arg, pdf_path, prefix, NULL };
  cairo_surface_t *surface;

  if (!run_tool (argv, NULL))
    return NULL;
  surface = cairo_image_surface_create_from_png (png_path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  return surface;
}

char *
doc_check_zbarimg (const char *png_path)
{
  const char *argv[] = { "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                         png_path, NULL };
  char *out = NULL;

  if (!run_tool (argv, &out))
    return NULL;
  g_strchomp (out);
  return out;
}

guint
doc_check_dark_pixels (cairo_surface_t *surface,
                       double           dpi,
                       double           x,
                       double           y,
                       double           width,
                       double           height)
{
  cairo_surface_t *image;
  cairo_t *cr;
  int x0, y0, x1, y1, stride;
  const guint8 *data;
  guint dark = 0;

  /* Normalise whatever pdftoppm gave (RGB, grey, palette) to ARGB32. */
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                      cairo_image_surface_get_width (surface),
                                      cairo_image_surface_get_height (surface));
  cr = cairo_create (image);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);

  x0 = MAX ((int) (x * dpi / 72.0), 0);
  y0 = MAX ((int) (y * dpi / 72.0), 0);
  x1 = MIN ((int) ((x + width) * dpi / 72.0 + 0.999), cairo_image_surface_get_width (image));
  y1 = MIN ((int) ((y + height) * dpi / 72.0 + 0.999), cairo_image_surface_get_height (image));
  stride = cairo_image_surface_get_stride (image);
  data = cairo_image_surface_get_data (image);

  for (int row = y0; row < y1; row++)
    for (int col = x0; col < x1; col++)
      {
        guint32 px = *(const guint32 *) (data + row * stride + col * 4);
        guint lum = (((px >> 16) & 0xFF) * 299 + ((px >> 8) & 0xFF) * 587
                     + (px & 0xFF) * 114) / 1000;

        dark += lum < 128;
      }

  cairo_surface_destroy (image);
  return dark;
}

guint
doc_check_item_ink (cairo_surface_t      *surface,
                    double                dpi,
                    const VpDocumentItem *item)
{
  return doc_check_dark_pixels (surface, dpi, item->x, item->y, item->width, item->height);
}

void
doc_check_render_both (VpDocument      *doc,
                       const char      *dir,
                       double           dpi,
                       cairo_surface_t *out[2])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "both.pdf", NULL);

  out[0] = vp_document_render_image (doc, 0, dpi, &error);
  g_assert_no_error (error);
  g_assert_true (vp_document_save_pdf (doc, NULL, path, &error));
  g_assert_no_error (error);
  out[1] = doc_check_pdftoppm (path, 0, (guint) dpi);
}

VpReceipt *
doc_check_sample_receipt (VpReceiptKind kind)
{
  VpReceipt *r = vp_receipt_new (kind);
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("+08:00");

  r->site_name = g_strdup ("阳光花园物业服务中心 Sunshine Garden");
  r->receipt_no = g_strdup ("01-00000042");
  r->issued_at = g_date_time_new (tz, 2026, 11, 25, 14, 3, 9);
  r->counter = g_strdup ("01 一楼大厅");
  r->cashier = g_strdup ("李娜 (cashier1)");
  r->shift = g_strdup ("#17 2026-11-25 08:00");
  r->customer = g_strdup ("王小明");
  r->account = g_strdup ("10000014");
  r->room = g_strdup ("3-402");
  vp_receipt_add_meter (r, VP_RECEIPT_METER_ELECTRICITY, "230001234567");
  vp_receipt_add_meter (r, VP_RECEIPT_METER_WATER, "12345678901234");
  r->amount = 123450;
  r->payment_method = g_strdup ("cash");
  r->tendered = 130000;
  r->change = 6550;
  r->balance_before = 2050;
  r->balance_after = 125500;
  r->tariff_summary = g_strdup ("居民峰谷 Residential TOU: 峰 0.6170 谷 0.3070 元/kWh");

  if (kind != VP_RECEIPT_TOPUP)
    {
      r->amount = -r->amount;
      r->tendered = r->change = 0;
      r->balance_before = 125500;
      r->balance_after = 2050;
      r->original_receipt_no = g_strdup ("01-00000041");
      r->note = g_strdup ("客户多付 Overpaid");
    }
  return r;
}

const VpDocumentItem *
doc_check_find_text (VpDocument *doc,
                     guint       page,
                     const char *needle)
{
  guint n;
  const VpDocumentItem *items = vp_document_get_items (doc, page, &n);

  for (guint i = 0; i < n; i++)
    if (items[i].kind == VP_DOCUMENT_ITEM_TEXT && strstr (items[i].text, needle) != NULL)
      return &items[i];
  g_error ("no text item contains “%s” on page %u", needle, page);
  return NULL;
}

void
doc_check_inside (VpDocument *doc,
                  guint       page,
                  double      left,
                  double      right)
{
  guint n;
  const VpDocumentItem *items = vp_document_get_items (doc, page, &n);
  double page_height;

  vp_document_get_page_size (doc, page, NULL, &page_height);
  for (guint i = 0; i < n; i++)
    {
      double x1, y1, x2, y2;

      vp_document_item_get_ink_box (&items[i], &x1, &y1, &x2, &y2);
      if (x1 < left - 1e-6 || x2 > right + 1e-6 || y1 < 0 || y2 > page_height + 1e-6)
        g_error ("item %u (%s) at x %.2f…%.2f, y %.2f…%.2f leaves [%.2f, %.2f] × [0, %.2f]",
                 i, items[i].kind == VP_DOCUMENT_ITEM_TEXT ? items[i].text : "graphics",
                 x1, x2, y1, y2, left, right, page_height);
    }
}
