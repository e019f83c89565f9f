/* test-receipt.c: receipt documents, their PDFs and images */
#include "config.h"

#include "document-check.h"
#include "vp-receipt.h"
#include "vp-test-counter.h"

#define DPI 150

typedef struct
{
  VpReceiptKind    kind;
  VpReceiptFormat  format;
  guint            reprint;
  const char      *title_zh;
  const char      *title_en;
  const char      *amount_label;
} PdfCase;

static const PdfCase pdf_cases[] = {
  { VP_RECEIPT_TOPUP,    VP_RECEIPT_ROLL80, 0, "充值收据", "Top-up Receipt",   "充值金额 Amount paid" },
  { VP_RECEIPT_TOPUP,    VP_RECEIPT_A5,     2, "充值收据", "Top-up Receipt",   "充值金额 Amount paid" },
  { VP_RECEIPT_REFUND,   VP_RECEIPT_ROLL80, 0, "退款凭证", "Refund Voucher",   "退款金额 Amount refunded" },
  { VP_RECEIPT_REVERSAL, VP_RECEIPT_A4,     1, "冲正凭证", "Reversal Voucher", "冲正金额 Amount reversed" },
};

static void
assert_contains (const char *text,
                 const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” is missing from the PDF text:\n%s", needle, text);
}

static void
test_receipt_pdf_text (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (pdf_cases); i++)
    {
      const PdfCase *c = &pdf_cases[i];
      g_autoptr(VpReceipt) r = doc_check_sample_receipt (c->kind);
      g_autoptr(GError) error = NULL;
      g_autofree char *dir = vp_test_tmp_new ();
      g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
      g_autofree char *text = NULL;
      g_autofree char *code = NULL;

      r->reprint_count = c->reprint;
      g_assert_true (vp_receipt_save_pdf (r, c->format, path, &error));
      g_assert_no_error (error);
      text = doc_check_pdftotext (path);
      if (text == NULL)
        {
          vp_test_tmp_remove (dir);
          return;
        }

      code = vp_receipt_verification_code (r);
      assert_contains (text, c->title_zh);
      assert_contains (text, c->title_en);
      assert_contains (text, c->amount_label);
      assert_contains (text, "收据编号 Receipt No.");
      assert_contains (text, "01-00000042");
      assert_contains (text, "2026-11-25");
      assert_contains (text, "王小明");
      assert_contains (text, "10000014");
      assert_contains (text, "230001234567");
      assert_contains (text, "水表 Water meter");
      assert_contains (text, "￥1,234.50");
      assert_contains (text, "大写 In words");
      assert_contains (text, "人民币壹仟贰佰叁拾肆元伍角");
      assert_contains (text, "验证码 Verification code");
      assert_contains (text, code);
      if (c->kind == VP_RECEIPT_TOPUP)
        {
          assert_contains (text, "现金 Cash");
          assert_contains (text, "实收 Tendered");
          assert_contains (text, "￥1,300.00");
          assert_contains (text, "找零 Change");
          assert_contains (text, "￥65.50");
          assert_contains (text, "￥1,255.00");
        }
      else
        {
          assert_contains (text, "原收据 Original receipt");
          assert_contains (text, "01-00000041");
          g_assert_null (strstr (text, "找零"));
        }

      if (c->reprint > 0)
        {
          g_autofree char *count = g_strdup_printf ("Reprint %u", c->reprint);

          assert_contains (text, "补打 DUPLICATE");
          assert_contains (text, count);
        }
      else
        {
          g_assert_null (strstr (text, "补打"));
          g_assert_null (strstr (text, "DUPLICATE"));
        }
      vp_test_tmp_remove (dir);
    }
}

static void
test_receipt_deductions (void)
{
  g_autoptr(VpReceipt) r = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *path = g_build_filename (dir, "receipt.pdf", NULL);
  g_autofree char *text = NULL;

  r->amount = 10000;
  r->balance_before = -3000;
  r->balance_after = 5500;
  r->tendered = 0;
  vp_receipt_add_deduction (r, "抵扣欠费 Arrears settled", 3000);
  vp_receipt_add_deduction (r, "管理费 Service fee", 1500);
  g_assert_true (vp_receipt_save_pdf (r, VP_RECEIPT_ROLL80, path, &error));
  g_assert_no_error (error);
  text = doc_check_pdftotext (path);
  if (text != NULL)
    {
      assert_contains (text, "扣除明细 Deductions");
      assert_contains (text, "抵扣欠费 Arrears settled");
      assert_contains (text, "-￥30.00");
      assert_contains (text, "-￥15.00");
      assert_contains (text, "实际入账 Credited to balance");
      assert_contains (text, "￥55.00");
      assert_contains (text, "-￥30.00");
      assert_contains (text, "人民币壹佰元整");
      g_assert_null (strstr (text, "实收"));
    }
  vp_test_tmp_remove (dir);
}

static void
test_receipt_verification_code (void)
{
  g_autoptr(VpReceipt) r = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
  g_autofree char *canonical = vp_receipt_canonical_text (r);
  g_autofree char *code = vp_receipt_verification_code (r);
  g_autofree char *hash = NULL;
  g_autofree char *qr = vp_receipt_qr_text (r);
  g_autofree char *expected_qr = NULL;

  /* The canonical text is fixed: changing it invalidates every printed receipt. */
  g_assert_cmpstr (canonical, ==,
                   "vendpoint-receipt-1\n01-00000042\ntopup\n2026-11-25T06:03:09Z\n10000014\n"
                   "123450\n2050\n125500\ncash\n\n\n");
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
  g_assert_cmpuint (strlen (code), ==, 8);
  g_assert_true (g_ascii_strncasecmp (code, hash, 8) == 0);
  for (const char *p = code; *p; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'A' && *p <= 'F'));
  expected_qr = g_strdup_printf ("VP1|01-00000042|123450|%s", code);
  g_assert_cmpstr (qr, ==, expected_qr);

  /* Copies share the code; any certified field changes it. */
  r->reprint_count = 3;
  g_free (r->customer);
  r->customer = g_strdup ("someone else");
  {
    g_autofree char *again = vp_receipt_verification_code (r);
    g_assert_cmpstr (again, ==, code);
  }
  r->amount += 1;
  {
    g_autofree char *changed = vp_receipt_verification_code (r);
    g_assert_cmpstr (changed, !=, code);
  }
}

static void
test_receipt_images_not_blank (void)
{
  g_autoptr(VpReceipt) r = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
  g_autoptr(VpDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  const VpDocumentItem *title, *words;
  cairo_surface_t *surfaces[2];

  r->reprint_count = 1;
  doc = vp_receipt_build (r, VP_RECEIPT_ROLL80, &error);
  g_assert_no_error (error);
  title = doc_check_find_text (doc, 0, "充值收据");
  words = doc_check_find_text (doc, 0, "人民币");

  doc_check_render_both (doc, dir, DPI, surfaces);
  for (guint s = 0; s < G_N_ELEMENTS (surfaces); s++)
    {
      guint a, b;

      if (surfaces[s] == NULL)
        continue;
      /* 80 mm at 150 dpi: 472.4 pixels. */
      g_assert_cmpint (ABS (cairo_image_surface_get_width (surfaces[s]) - 472), <=, 1);
      a = doc_check_item_ink (surfaces[s], DPI, title);
      b = doc_check_item_ink (surfaces[s], DPI, words);
      g_test_message ("%s: title %u, capital amount %u dark pixels",
                      s == 0 ? "cairo" : "pdftoppm", a, b);
      g_assert_cmpuint (a, >, 400);
      g_assert_cmpuint (b, >, 300);
      cairo_surface_destroy (surfaces[s]);
    }
  vp_test_tmp_remove (dir);
}

/* A phone or a handheld scanner must read the code back from the thermal printout
 * (203 dpi) drawn by either renderer. */
static void
test_receipt_qr_scans (void)
{
  g_autoptr(VpReceipt) r = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
  g_autoptr(VpDocument) doc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *expected = vp_receipt_qr_text (r);
  cairo_surface_t *surfaces[2];

  doc = vp_receipt_build (r, VP_RECEIPT_ROLL80, &error);
  g_assert_no_error (error);
  doc_check_render_both (doc, dir, 203, surfaces);
  for (guint s = 0; s < G_N_ELEMENTS (surfaces); s++)
    {
      g_autofree char *png = g_strdup_printf ("%s/qr-%u.png", dir, s);
      g_autofree char *decoded = NULL;

      if (surfaces[s] == NULL)
        continue;
      g_assert_cmpint (cairo_surface_write_to_png (surfaces[s], png), ==, CAIRO_STATUS_SUCCESS);
      cairo_surface_destroy (surfaces[s]);
      decoded = doc_check_zbarimg (png);
      if (decoded == NULL)
        continue;
      g_assert_cmpstr (decoded, ==, expected);
    }
  vp_test_tmp_remove (dir);
}

/* Long names, addresses and references must wrap inside the 72 mm printable width of
 * the 80 mm roll (and inside the margins of the sheets). */
static void
test_receipt_layout_fits (void)
{
  static const struct
  {
    VpReceiptFormat format;
    double          width_mm, margin_mm;
  } formats[] = {
    { VP_RECEIPT_ROLL80, 80, 4 },
    { VP_RECEIPT_A5, 148, 12 },
    { VP_RECEIPT_A4, 210, 20 },
  };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_autoptr(VpReceipt) r = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
      g_autoptr(VpDocument) doc = NULL;
      g_autoptr(GError) error = NULL;
      double width, x1, x2;

      g_free (r->site_name);
      r->site_name = g_strdup ("北京市朝阳区望京街道阳光花园小区物业服务中心第二收费点 "
                               "Sunshine Garden Residential Community Property Services Centre, Counter 2");
      g_free (r->customer);
      r->customer = g_strdup ("欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜娜 Nana Ouyang-Montgomery-Featherstonehaugh");
      g_free (r->room);
      r->room = g_strdup ("北京市朝阳区望京街道阜通东大街6号院3号楼2单元1801室 Building 3 Unit 2 Room 1801");
      r->payment_method = (g_free (r->payment_method), g_strdup ("wechat"));
      r->payment_reference = g_strdup ("4200001234202611251234567890123456789012345678901234567890");
      r->tendered = 0;
      for (guint i = 0; i < 6; i++)
        vp_receipt_add_meter (r, VP_RECEIPT_METER_ELECTRICITY, "230001234567");
      vp_receipt_add_deduction (r, "抵扣2025年度公共区域照明及电梯运行维护分摊费用 Shared lighting and lift maintenance 2025", 12345);
      r->amount = G_GINT64_CONSTANT (99999999999999);   /* the longest 大写 */

      doc = vp_receipt_build (r, formats[f].format, &error);
      g_assert_no_error (error);
      vp_document_get_page_size (doc, 0, &width, NULL);
      g_assert_cmpfloat_with_epsilon (width, VP_MM_TO_PT (formats[f].width_mm), 1e-9);
      for (guint p = 0; p < vp_document_get_n_pages (doc); p++)
        doc_check_inside (doc, p, VP_MM_TO_PT (formats[f].margin_mm),
                          VP_MM_TO_PT (formats[f].width_mm - formats[f].margin_mm));
      g_assert_true (vp_document_get_extents (doc, 0, &x1, NULL, &x2, NULL));
      g_test_message ("format %u: ink from %.1f to %.1f mm", f, x1 * 25.4 / 72, x2 * 25.4 / 72);
      if (formats[f].format == VP_RECEIPT_ROLL80)
        {
          double height;

          g_assert_cmpuint (vp_document_get_n_pages (doc), ==, 1);
          vp_document_get_page_size (doc, 0, NULL, &height);
          /* The roll is cut just below the content: the margin plus the leading
           * of the last line. */
          g_assert_true (vp_document_get_extents (doc, 0, NULL, NULL, NULL, &x2));
          g_assert_cmpfloat (height - x2, <=, VP_MM_TO_PT (4) + 2);
          g_assert_cmpfloat (height, >, VP_MM_TO_PT (150));
        }
    }
}

static void
test_receipt_missing_fields (void)
{
  g_autoptr(VpReceipt) r = doc_check_sample_receipt (VP_RECEIPT_TOPUP);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDocument) doc = NULL;
  VpReceiptFormat format;

  g_clear_pointer (&r->receipt_no, g_free);
  doc = vp_receipt_build (r, VP_RECEIPT_ROLL80, &error);
  g_assert_null (doc);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  r->receipt_no = g_strdup ("01-1");
  r->amount = G_MAXINT64;
  doc = vp_receipt_build (r, VP_RECEIPT_ROLL80, &error);
  g_assert_null (doc);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);

  g_assert_true (vp_receipt_format_from_string ("A5", &format));
  g_assert_cmpint (format, ==, VP_RECEIPT_A5);
  g_assert_true (vp_receipt_format_from_string ("roll80", &format));
  g_assert_cmpint (format, ==, VP_RECEIPT_ROLL80);
  g_assert_false (vp_receipt_format_from_string ("letter", &format));
  g_assert_false (vp_receipt_format_from_string (NULL, &format));
}

/* ---- From the database ---- */

typedef VpTestCounter Fixture;

/* An account in room 3-402 with an electricity meter, a shift, and a cash top-up of
 * 100.00 (tendered 120.00), after a fee left it 30.00 in debt when @debt. Returns the
 * receipt number. */
static char *
db_topup (Fixture  *f,
          gboolean  debt)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) fee = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autofree char *account = vp_test_counter_open (f, "王小明", "3-402");
  VpMeterSpec meter;

  vp_meter_spec_init (&meter);
  meter.address = "230001234567";
  g_assert_true (vp_account_add_meter (f->db, f->admin, account, &meter, NULL, &error));
  g_assert_no_error (error);
  if (debt)
    {
      g_assert_true (vp_ledger_fee (f->db, f->admin, account, 3000, "开户费 Opening fee",
                                    &fee, &error));
      g_assert_no_error (error);
    }
  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_ledger_topup (f->db, f->cashier, account, 10000, VP_PAYMENT_CASH, NULL,
                                  12000, &entry, &error));
  g_assert_no_error (error);
  return g_strdup (entry->receipt);
}

static void
test_receipt_db_load (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *number = db_topup (f, TRUE);
  g_autoptr(VpReceipt) r = NULL;
  g_autoptr(GError) error = NULL;
  const VpReceiptItem *debt;

  g_assert_true (vp_receipt_load (f->db, number, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, VP_RECEIPT_TOPUP);
  g_assert_cmpstr (r->receipt_no, ==, number);
  g_assert_cmpstr (r->customer, ==, "王小明");
  g_assert_cmpstr (r->room, ==, "3-402");
  g_assert_cmpint (r->amount, ==, 10000);
  g_assert_cmpint (r->balance_before, ==, -3000);
  g_assert_cmpint (r->balance_after, ==, 7000);
  g_assert_cmpstr (r->payment_method, ==, "cash");
  g_assert_cmpint (r->tendered, ==, 12000);
  g_assert_cmpint (r->change, ==, 2000);
  g_assert_cmpstr (r->cashier, ==, "cashier (cashier)");
  g_assert_nonnull (r->shift);
  g_assert_nonnull (r->issued_at);
  g_assert_cmpuint (r->meters->len, ==, 1);
  g_assert_cmpstr (((VpReceiptMeter *) r->meters->pdata[0])->number, ==, "230001234567");
  g_assert_cmpuint (r->reprint_count, ==, 0);
  /* The debt the top-up paid off is itemised. */
  g_assert_cmpuint (r->deductions->len, ==, 1);
  debt = r->deductions->pdata[0];
  g_assert_cmpint (debt->amount, ==, 3000);

  g_clear_pointer (&r, vp_receipt_free);
  g_assert_false (vp_receipt_load (f->db, "01-99999999", &r, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_assert_null (r);
}

/* The first print is the original; every later one says 补打 DUPLICATE with its count,
 * is audited, and leaves the ledger alone. */
static void
test_receipt_db_reprint (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *number = db_topup (f, TRUE);
  g_autofree char *path = g_build_filename (f->dir, "receipt.pdf", NULL);
  gint64 ledger_rows = vp_test_counter_query (f, "SELECT COUNT (*) FROM ledger");
  gint64 balance = vp_test_counter_query (f, "SELECT SUM (balance) FROM accounts");

  for (guint copy = 0; copy < 3; copy++)
    {
      g_autoptr(VpReceipt) printed = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *code = NULL;

      g_assert_true (vp_receipt_print_pdf (f->db, f->cashier, number,
                                           copy == 1 ? VP_RECEIPT_A5 : VP_RECEIPT_ROLL80,
                                           path, &printed, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (printed->reprint_count, ==, copy);
      text = doc_check_pdftotext (path);
      if (text == NULL)
        return;
      code = vp_receipt_verification_code (printed);
      assert_contains (text, number);
      assert_contains (text, "充值收据");
      assert_contains (text, "人民币壹佰元整");
      assert_contains (text, "抵扣欠费 Arrears settled");
      assert_contains (text, "230001234567");
      assert_contains (text, code);
      if (copy == 0)
        g_assert_null (strstr (text, "补打"));
      else
        {
          g_autofree char *count = g_strdup_printf ("Reprint %u", copy);

          assert_contains (text, "补打 DUPLICATE");
          assert_contains (text, count);
        }
    }

  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM receipt_prints"), ==, 3);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'receipt.print'"), ==, 1);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM audit WHERE action = 'receipt.reprint'"), ==, 2);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM ledger"), ==, ledger_rows);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT SUM (balance) FROM accounts"), ==, balance);
}

/* A reversal is its own document pointing at the top-up it undoes; an unknown number
 * records nothing and writes no file. */
static void
test_receipt_db_reversal (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *number = db_topup (f, FALSE);
  g_autofree char *path = g_build_filename (f->dir, "reversal.pdf", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.pdf", NULL);
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autoptr(VpReceipt) printed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 approver;

  approver = vp_session_approve (f->cashier, "super", VP_TEST_PASSWORD, VP_PERM_REVERSE, &error);
  g_assert_no_error (error);
  g_assert_true (vp_ledger_reverse (f->db, f->cashier, number, approver, &entry, &error));
  g_assert_no_error (error);
  g_assert_true (vp_receipt_print_pdf (f->db, f->cashier, entry->receipt, VP_RECEIPT_ROLL80,
                                       path, &printed, &error));
  g_assert_no_error (error);
  g_assert_cmpint (printed->kind, ==, VP_RECEIPT_REVERSAL);
  g_assert_cmpstr (printed->original_receipt_no, ==, number);
  text = doc_check_pdftotext (path);
  if (text != NULL)
    {
      assert_contains (text, "冲正凭证");
      assert_contains (text, "Reversal Voucher");
      assert_contains (text, "原收据 Original receipt");
      assert_contains (text, number);
    }

  g_assert_false (vp_receipt_print_pdf (f->db, f->cashier, "01-99999999", VP_RECEIPT_ROLL80,
                                        missing, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM receipt_prints"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/receipt/pdf-text", test_receipt_pdf_text);
  g_test_add_func ("/vp/receipt/deductions", test_receipt_deductions);
  g_test_add_func ("/vp/receipt/verification-code", test_receipt_verification_code);
  g_test_add_func ("/vp/receipt/images-not-blank", test_receipt_images_not_blank);
  g_test_add_func ("/vp/receipt/qr-scans", test_receipt_qr_scans);
  g_test_add_func ("/vp/receipt/layout-fits", test_receipt_layout_fits);
  g_test_add_func ("/vp/receipt/missing-fields", test_receipt_missing_fields);
  g_test_add ("/vp/receipt/db/load", Fixture, NULL, vp_test_counter_setup,
              test_receipt_db_load, vp_test_counter_teardown);
  g_test_add ("/vp/receipt/db/reprint", Fixture, NULL, vp_test_counter_setup,
              test_receipt_db_reprint, vp_test_counter_teardown);
  g_test_add ("/vp/receipt/db/reversal", Fixture, NULL, vp_test_counter_setup,
              test_receipt_db_reversal, vp_test_counter_teardown);

  return g_test_run ();
}
