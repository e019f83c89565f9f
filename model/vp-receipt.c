/* vp-receipt.c: receipts for every movement of money (see vp-receipt.h) */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-audit.h"
#include "vp-capital.h"
#include "vp-database.h"
#include "vp-layout.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-receipt.h"

/* Sizes per format: paper, margin and the body font. The 80 mm roll prints 72 mm
 * (576 dots at 203 dpi), so its margin is 4 mm each side. */
typedef struct
{
  double width_mm;
  double height_mm;   /* 0 = the roll grows with the content */
  double margin_mm;
  double body;        /* font size in points */
  double qr_mm;       /* QR side including its quiet zone */
} ReceiptGeometry;

static const ReceiptGeometry geometries[] = {
  [VP_RECEIPT_ROLL80] = { 80, 0, 4, 8.5, 30 },
  [VP_RECEIPT_A5] = { 148, 210, 12, 10, 30 },
  [VP_RECEIPT_A4] = { 210, 297, 20, 11.5, 32 },
};

static void
receipt_meter_free (gpointer data)
{
  VpReceiptMeter *meter = data;

  g_free (meter->number);
  g_free (meter);
}

static void
receipt_item_free (gpointer data)
{
  VpReceiptItem *item = data;

  g_free (item->label);
  g_free (item);
}

/* Returns: (transfer full): an empty receipt of @kind; fill the public fields. */
VpReceipt *
vp_receipt_new (VpReceiptKind kind)
{
  VpReceipt *self = g_new0 (VpReceipt, 1);

  self->kind = kind;
  self->meters = g_ptr_array_new_with_free_func (receipt_meter_free);
  self->deductions = g_ptr_array_new_with_free_func (receipt_item_free);
  return self;
}

void
vp_receipt_free (VpReceipt *self)
{
  if (self == NULL)
    return;

  g_free (self->site_name);
  g_free (self->receipt_no);
  g_clear_pointer (&self->issued_at, g_date_time_unref);
  g_free (self->counter);
  g_free (self->cashier);
  g_free (self->shift);
  g_free (self->customer);
  g_free (self->account);
  g_free (self->room);
  g_ptr_array_unref (self->meters);
  g_free (self->payment_method);
  g_free (self->payment_reference);
  g_ptr_array_unref (self->deductions);
  g_free (self->tariff_summary);
  g_free (self->original_receipt_no);
  g_free (self->note);
  g_free (self);
}

void
vp_receipt_add_meter (VpReceipt          *self,
                      VpReceiptMeterKind  kind,
                      const char         *number)
{
  VpReceiptMeter *meter;

  g_return_if_fail (self != NULL);
  g_return_if_fail (number != NULL);

  meter = g_new0 (VpReceiptMeter, 1);
  meter->kind = kind;
  meter->number = g_strdup (number);
  g_ptr_array_add (self->meters, meter);
}

/* Records that @amount fen of a top-up went to @label (a fee, arrears) rather than
 * to the balance; the receipt itemises them. */
void
vp_receipt_add_deduction (VpReceipt  *self,
                          const char *label,
                          gint64      amount)
{
  VpReceiptItem *item;

  g_return_if_fail (self != NULL);
  g_return_if_fail (label != NULL);

  item = g_new0 (VpReceiptItem, 1);
  item->label = g_strdup (label);
  item->amount = amount;
  g_ptr_array_add (self->deductions, item);
}

/* The printed titles of each kind, Chinese and English; never translated because the
 * receipt is bilingual by design. */
void
vp_receipt_kind_get_titles (VpReceiptKind   kind,
                            const char    **zh,
                            const char    **en)
{
  static const char * const titles[][2] = {
    [VP_RECEIPT_TOPUP] = { "充值收据", "Top-up Receipt" },
    [VP_RECEIPT_REFUND] = { "退款凭证", "Refund Voucher" },
    [VP_RECEIPT_REVERSAL] = { "冲正凭证", "Reversal Voucher" },
    [VP_RECEIPT_FEE] = { "收费凭证", "Fee Voucher" },
    [VP_RECEIPT_ADJUSTMENT] = { "调账凭证", "Adjustment Voucher" },
  };

  g_return_if_fail ((guint) kind < G_N_ELEMENTS (titles));

  if (zh != NULL)
    *zh = titles[kind][0];
  if (en != NULL)
    *en = titles[kind][1];
}

/* "roll80", "a5", "a4" → format; FALSE for anything else. */
gboolean
vp_receipt_format_from_string (const char      *text,
                               VpReceiptFormat *out_format)
{
  static const char * const names[] = {
    [VP_RECEIPT_ROLL80] = "roll80", [VP_RECEIPT_A5] = "a5", [VP_RECEIPT_A4] = "a4",
  };

  g_return_val_if_fail (out_format != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (text, names[i]) == 0)
      {
        *out_format = i;
        return TRUE;
      }
  return FALSE;
}

static const char *
kind_code (VpReceiptKind kind)
{
  static const char * const codes[] = {
    [VP_RECEIPT_TOPUP] = "topup", [VP_RECEIPT_REFUND] = "refund",
    [VP_RECEIPT_REVERSAL] = "reversal", [VP_RECEIPT_FEE] = "fee",
    [VP_RECEIPT_ADJUSTMENT] = "adjustment",
  };

  g_assert ((guint) kind < G_N_ELEMENTS (codes));
  return codes[kind];
}

/*
 * vp_receipt_canonical_text:
 *
 * Returns: (transfer full): the fields of the ledger row that a receipt certifies, one
 * per line in a fixed order ("vendpoint-receipt-1", number, kind, UTC time to the
 * second, account, amount, balance before, balance after, method, reference, original
 * receipt). Reprint count, names and layout are not part of it, so every copy of a
 * receipt carries the same verification code.
 */
char *
vp_receipt_canonical_text (const VpReceipt *self)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->issued_at != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (self->issued_at);
      when = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }

  return g_strdup_printf ("vendpoint-receipt-1\n%s\n%s\n%s\n%s\n%" G_GINT64_FORMAT "\n%"
                          G_GINT64_FORMAT "\n%" G_GINT64_FORMAT "\n%s\n%s\n%s\n",
                          self->receipt_no ? self->receipt_no : "", kind_code (self->kind),
                          when ? when : "", self->account ? self->account : "",
                          self->amount, self->balance_before, self->balance_after,
                          self->payment_method ? self->payment_method : "",
                          self->payment_reference ? self->payment_reference : "",
                          self->original_receipt_no ? self->original_receipt_no : "");
}

/* Returns: (transfer full): 8 upper-case hex digits, the start of SHA-256 over
 * vp_receipt_canonical_text(). */
char *
vp_receipt_verification_code (const VpReceipt *self)
{
  g_autofree char *text = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  text = vp_receipt_canonical_text (self);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  hash[8] = '\0';
  return g_ascii_strup (hash, -1);
}

/* Returns: (transfer full): what the QR code holds: "VP1|number|amount in fen|code",
 * short enough for a small symbol and enough to look the row up and check it. */
char *
vp_receipt_qr_text (const VpReceipt *self)
{
  g_autofree char *code = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  code = vp_receipt_verification_code (self);
  return g_strdup_printf ("VP1|%s|%" G_GINT64_FORMAT "|%s",
                          self->receipt_no ? self->receipt_no : "", self->amount, code);
}

/* "￥1,234.56" (full-width yuan sign: see shared/PLATFORM.md), "-￥5.00". */
static char *
format_yuan (gint64 fen)
{
  g_autofree char *plain = vp_money_format (fen);
  const char *digits = plain[0] == '-' ? plain + 1 : plain;
  const char *dot = strchr (digits, '.');
  GString *out = g_string_new (fen < 0 ? "-￥" : "￥");
  gsize n_int = dot - digits;

  for (gsize i = 0; i < n_int; i++)
    {
      if (i > 0 && (n_int - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  g_string_append (out, dot);
  return g_string_free (out, FALSE);
}

static const char *
method_label (const char *method)
{
  static const char * const labels[][2] = {
    { "cash", "现金 Cash" },
    { "card", "银行卡 Bank card" },
    { "wechat", "微信支付 WeChat Pay" },
    { "alipay", "支付宝 Alipay" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (method, labels[i][0]) == 0)
      return labels[i][1];
  return method;
}

/* Labels of the amount line per kind. */
static const char *
amount_label (VpReceiptKind kind)
{
  static const char * const labels[] = {
    [VP_RECEIPT_TOPUP] = "充值金额 Amount paid",
    [VP_RECEIPT_REFUND] = "退款金额 Amount refunded",
    [VP_RECEIPT_REVERSAL] = "冲正金额 Amount reversed",
    [VP_RECEIPT_FEE] = "收费金额 Fee charged",
    [VP_RECEIPT_ADJUSTMENT] = "调整金额 Adjustment",
  };

  return labels[kind];
}

static gboolean
check_receipt (const VpReceipt  *self,
               GError          **error)
{
  const char *missing = NULL;

  if (self->receipt_no == NULL || *self->receipt_no == '\0')
    missing = _("receipt number");
  else if (self->issued_at == NULL)
    missing = _("date and time");
  else if (self->account == NULL || *self->account == '\0')
    missing = _("account");
  else if ((guint) self->kind > VP_RECEIPT_ADJUSTMENT)
    missing = _("kind");

  if (missing != NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The receipt cannot be printed: its %s is missing"), missing);
      return FALSE;
    }
  return TRUE;
}

/* A label/value line, skipped when the value is unknown. */
static void
pair (VpLayout   *layout,
      const char *label,
      const char *value,
      double      size)
{
  if (value != NULL && *value != '\0')
    vp_layout_pair (layout, label, value, size, VP_TEXT_REGULAR);
}

static void
money_pair (VpLayout     *layout,
            const char   *label,
            gint64        fen,
            double        size,
            VpTextWeight  weight)
{
  g_autofree char *text = format_yuan (fen);

  vp_layout_pair (layout, label, text, size, weight);
}

static void
build_header (VpLayout        *layout,
              const VpReceipt *self,
              double           size)
{
  const char *zh, *en;
  g_autofree char *when = NULL;

  vp_receipt_kind_get_titles (self->kind, &zh, &en);
  if (self->site_name != NULL)
    vp_layout_text (layout, self->site_name, size + 2, VP_TEXT_BOLD, VP_ALIGN_CENTER);
  vp_layout_text (layout, zh, size + 5, VP_TEXT_BOLD, VP_ALIGN_CENTER);
  vp_layout_text (layout, en, size, VP_TEXT_REGULAR, VP_ALIGN_CENTER);

  if (self->reprint_count > 0)
    {
      g_autofree char *mark = g_strdup_printf ("** 补打 DUPLICATE  第%u次 Reprint %u **",
                                               self->reprint_count, self->reprint_count);
      vp_layout_space (layout, 2);
      vp_layout_text (layout, mark, size + 1, VP_TEXT_BOLD, VP_ALIGN_CENTER);
    }

  vp_layout_rule (layout, 0.8, FALSE);
  /* In the time zone the caller gave: vp_receipt_load() gives the counter's local time. */
  when = g_date_time_format (self->issued_at, "%Y-%m-%d %H:%M:%S");
  pair (layout, "收据编号 Receipt No.", self->receipt_no, size);
  pair (layout, "日期时间 Date/Time", when, size);
  pair (layout, "收费点 Counter", self->counter, size);
  pair (layout, "收款员 Cashier", self->cashier, size);
  pair (layout, "班次 Shift", self->shift, size);
}

static void
build_customer (VpLayout        *layout,
                const VpReceipt *self,
                double           size)
{
  vp_layout_rule (layout, 0.5, TRUE);
  pair (layout, "客户 Customer", self->customer, size);
  pair (layout, "账号 Account", self->account, size);
  pair (layout, "房间 Room", self->room, size);
  for (guint i = 0; i < self->meters->len; i++)
    {
      const VpReceiptMeter *meter = self->meters->pdata[i];

      pair (layout, meter->kind == VP_RECEIPT_METER_WATER ? "水表 Water meter"
                                                          : "电表 Electricity meter",
            meter->number, size);
    }
}

static gboolean
build_amounts (VpLayout         *layout,
               const VpReceipt  *self,
               double            size,
               GError          **error)
{
  /* Adjustments keep their sign; every other kind states its direction in words. */
  gint64 shown = self->kind == VP_RECEIPT_ADJUSTMENT ? self->amount : ABS (self->amount);
  g_autofree char *capital = vp_capital_from_fen (shown, error);
  g_autofree char *in_words = NULL;
  gint64 deducted = 0;

  if (capital == NULL)
    return FALSE;

  vp_layout_rule (layout, 0.5, TRUE);
  money_pair (layout, amount_label (self->kind), shown, size + 2, VP_TEXT_BOLD);
  in_words = g_strconcat ("人民币", capital, NULL);
  vp_layout_pair (layout, "大写 In words", in_words, size, VP_TEXT_REGULAR);

  pair (layout, "支付方式 Payment", method_label (self->payment_method), size);
  pair (layout, "交易参考号 Reference", self->payment_reference, size);
  if (self->tendered > 0)
    {
      money_pair (layout, "实收 Tendered", self->tendered, size, VP_TEXT_REGULAR);
      money_pair (layout, "找零 Change", self->change, size, VP_TEXT_REGULAR);
    }

  if (self->deductions->len > 0)
    {
      vp_layout_text (layout, "扣除明细 Deductions", size, VP_TEXT_BOLD, VP_ALIGN_LEFT);
      for (guint i = 0; i < self->deductions->len; i++)
        {
          const VpReceiptItem *item = self->deductions->pdata[i];

          money_pair (layout, item->label, -item->amount, size, VP_TEXT_REGULAR);
          deducted += item->amount;
        }
      money_pair (layout, "实际入账 Credited to balance", shown - deducted, size,
                  VP_TEXT_BOLD);
    }

  money_pair (layout, "交易前余额 Balance before", self->balance_before, size, VP_TEXT_REGULAR);
  money_pair (layout, "交易后余额 Balance after", self->balance_after, size, VP_TEXT_REGULAR);
  pair (layout, "原收据 Original receipt", self->original_receipt_no, size);
  pair (layout, "事由 Reason", self->note, size);
  if (self->tariff_summary != NULL && *self->tariff_summary != '\0')
    {
      g_autofree char *tariff = g_strconcat ("电价 Tariff: ", self->tariff_summary, NULL);
      vp_layout_text (layout, tariff, size - 1, VP_TEXT_REGULAR, VP_ALIGN_LEFT);
    }
  return TRUE;
}

/*
 * vp_receipt_build:
 * @format: paper: 80 mm roll (one page as long as the content), A5 or A4
 *
 * Lays the receipt out. Returns: (transfer full): the document, or %NULL with
 * VP_MODEL_ERROR_INVALID_ARGUMENT when the number, time or account is missing or the
 * amount is out of range, or VP_MODEL_ERROR_FAILED when the document font is missing.
 */
VpDocument *
vp_receipt_build (const VpReceipt  *self,
                  VpReceiptFormat   format,
                  GError          **error)
{
  const ReceiptGeometry *g;
  g_autoptr(VpDocument) doc = NULL;
  g_autoptr(VpLayout) layout = NULL;
  g_autofree char *code = NULL;
  g_autofree char *qr_text = NULL;
  double size;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint) format < G_N_ELEMENTS (geometries), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_receipt (self, error))
    return NULL;

  doc = vp_document_new (error);
  if (doc == NULL)
    return NULL;

  g = &geometries[format];
  size = g->body;
  layout = vp_layout_new (doc, VP_MM_TO_PT (g->width_mm), VP_MM_TO_PT (g->height_mm),
                          VP_MM_TO_PT (g->margin_mm));

  build_header (layout, self, size);
  build_customer (layout, self, size);
  if (!build_amounts (layout, self, size, error))
    return NULL;

  vp_layout_rule (layout, 0.8, FALSE);
  code = vp_receipt_verification_code (self);
  vp_layout_pair (layout, "验证码 Verification code", code, size, VP_TEXT_BOLD);
  qr_text = vp_receipt_qr_text (self);
  if (!vp_layout_qr (layout, qr_text, VP_MM_TO_PT (g->qr_mm), error))
    return NULL;
  vp_layout_text (layout, "请妥善保管本凭证 Please keep this receipt", size - 1,
                  VP_TEXT_REGULAR, VP_ALIGN_CENTER);
  vp_layout_finish (layout);

  return g_steal_pointer (&doc);
}

/* Builds the receipt and writes it as PDF to @path (atomically). Errors as
 * vp_receipt_build() and vp_document_save_pdf(). */
gboolean
vp_receipt_save_pdf (const VpReceipt  *self,
                     VpReceiptFormat   format,
                     const char       *path,
                     GError          **error)
{
  g_autoptr(VpDocument) doc = NULL;
  g_autofree char *title = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  doc = vp_receipt_build (self, format, error);
  if (doc == NULL)
    return FALSE;

  title = g_strdup_printf ("Receipt %s", self->receipt_no);
  return vp_document_save_pdf (doc, title, path, error);
}

/* ---- From the database ---------------------------------------------------------- */

static const char *
format_code (VpReceiptFormat format)
{
  static const char * const codes[] = {
    [VP_RECEIPT_ROLL80] = "roll80", [VP_RECEIPT_A5] = "a5", [VP_RECEIPT_A4] = "a4",
  };

  g_assert ((guint) format < G_N_ELEMENTS (codes));
  return codes[format];
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

static gboolean
kind_from_code (const char    *code,
                VpReceiptKind *out_kind)
{
  for (guint k = VP_RECEIPT_TOPUP; k <= VP_RECEIPT_ADJUSTMENT; k++)
    if (g_strcmp0 (code, kind_code (k)) == 0)
      {
        *out_kind = k;
        return TRUE;
      }
  return FALSE;
}

/* The ledger row and what surrounds it. Site: the room's site, else the "site.name"
 * setting. Cashier: the operator's name and login. Shift: its number and opening. */
static const char load_sql[] =
  "SELECT l.kind, l.amount, l.balance_after, l.method, l.reference, l.tendered, "
  "       l.created_at, l.note, l.shift_id, l.counter, a.number, a.tariff, c.name, "
  "       r.label, o.name, o.login, s.opened_at, orig.receipt, l.account_id, st.name, "
  "       (SELECT COUNT (*) FROM receipt_prints p WHERE p.receipt = l.receipt) "
  "FROM ledger l "
  "JOIN accounts a ON a.id = l.account_id "
  "JOIN customers c ON c.id = a.customer_id "
  "LEFT JOIN rooms r ON r.id = a.room_id "
  "LEFT JOIN floors f ON f.id = r.floor_id "
  "LEFT JOIN buildings b ON b.id = f.building_id "
  "LEFT JOIN sites st ON st.id = b.site_id "
  "LEFT JOIN operators o ON o.id = l.operator_id "
  "LEFT JOIN shifts s ON s.id = l.shift_id "
  "LEFT JOIN ledger orig ON orig.id = l.reverses_id "
  "WHERE l.receipt = ?";

/* Meters installed on the account when the money moved, in installation order. */
static const char meters_sql[] =
  "SELECT kind, address FROM meters WHERE account_id = ? AND installed_at <= ? "
  "AND (removed_at IS NULL OR removed_at > ?) ORDER BY id";

/* The tariff version in force at the time, for its one-line summary. */
static const char tariff_sql[] =
  "SELECT name, type, version FROM tariffs WHERE name = ? "
  "AND effective_from <= CAST (strftime ('%s', ?) AS INTEGER) "
  "ORDER BY effective_from DESC, version DESC LIMIT 1";

static gboolean
load_meters (VpDatabase  *db,
             VpReceipt   *r,
             gint64       account_id,
             const char  *created_at,
             GError     **error)
{
  sqlite3_stmt *stmt = vp_database_prepare (db, meters_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, created_at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, created_at, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    vp_receipt_add_meter (r, g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "water") == 0
                             ? VP_RECEIPT_METER_WATER : VP_RECEIPT_METER_ELECTRICITY,
                          (const char *) sqlite3_column_text (stmt, 1));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the meters of the receipt"), error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
load_tariff (VpDatabase  *db,
             VpReceipt   *r,
             const char  *tariff,
             const char  *created_at,
             GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (tariff == NULL)
    return TRUE;
  stmt = vp_database_prepare (db, tariff_sql, error);
  if (stmt == NULL)
    return FALSE;
  /* strftime wants no fraction or zone suffix beyond what SQLite parses. */
  sqlite3_bind_text (stmt, 1, tariff, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, created_at, 19, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    r->tariff_summary = g_strdup_printf ("%s (%s, v%d)", sqlite3_column_text (stmt, 0),
                                         sqlite3_column_text (stmt, 1),
                                         sqlite3_column_int (stmt, 2));
  else if (rc == SQLITE_DONE)
    r->tariff_summary = g_strdup (tariff);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the tariff of the receipt"), error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_bill_items (VpDatabase  *db,
                 VpReceipt   *r,
                 GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = vp_database_prepare (db, "SELECT b.item, p.amount FROM bill_payments p "
                              "JOIN bills b ON b.id = p.bill_id JOIN ledger l ON l.id = p.topup_id "
                              "WHERE l.receipt = ? AND p.fee_id IS NOT NULL ORDER BY p.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, r->receipt_no, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    vp_receipt_add_deduction (r, (const char *) sqlite3_column_text (stmt, 0),
                              sqlite3_column_int64 (stmt, 1));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the bill paid"), error);
      return FALSE;
    }
  return TRUE;
}

/* Fills @r from the current row of load_sql. */
static gboolean
fill_from_row (VpDatabase   *db,
               sqlite3_stmt *stmt,
               VpReceipt    *r,
               GError      **error)
{
  g_autofree char *kind = column_text (stmt, 0);
  g_autofree char *created_at = column_text (stmt, 6);
  g_autofree char *operator_name = column_text (stmt, 14);
  g_autofree char *operator_login = column_text (stmt, 15);
  g_autofree char *shift_opened = column_text (stmt, 16);
  g_autofree char *tariff = column_text (stmt, 11);
  g_autofree char *site = column_text (stmt, 19);
  g_autoptr(GDateTime) utc = NULL;
  gint64 shift_id = sqlite3_column_int64 (stmt, 8);

  if (!kind_from_code (kind, &r->kind) || created_at == NULL
      || (utc = g_date_time_new_from_iso8601 (created_at, NULL)) == NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
                   _("Receipt %s belongs to a ledger row that cannot be printed (%s)"),
                   r->receipt_no, kind ? kind : "?");
      return FALSE;
    }

  /* Receipts show the counter's local time; the code certifies the UTC instant. */
  r->issued_at = g_date_time_to_local (utc);
  r->amount = sqlite3_column_int64 (stmt, 1);
  r->balance_after = sqlite3_column_int64 (stmt, 2);
  r->balance_before = r->balance_after - r->amount;
  r->payment_method = column_text (stmt, 3);
  r->payment_reference = column_text (stmt, 4);
  if (sqlite3_column_type (stmt, 5) != SQLITE_NULL && g_strcmp0 (r->payment_method, "cash") == 0)
    {
      r->tendered = sqlite3_column_int64 (stmt, 5);
      r->change = r->tendered - r->amount;
    }
  r->note = column_text (stmt, 7);
  r->counter = column_text (stmt, 9);
  r->account = column_text (stmt, 10);
  r->customer = column_text (stmt, 12);
  r->room = column_text (stmt, 13);
  if (operator_login != NULL)
    r->cashier = g_strdup_printf ("%s (%s)", operator_name, operator_login);
  if (shift_id > 0)
    {
      g_autoptr(GDateTime) opened = shift_opened ? g_date_time_new_from_iso8601 (shift_opened, NULL)
                                                 : NULL;
      g_autoptr(GDateTime) opened_local = opened ? g_date_time_to_local (opened) : NULL;
      g_autofree char *when = opened_local ? g_date_time_format (opened_local, " %Y-%m-%d %H:%M")
                                           : NULL;

      r->shift = g_strdup_printf ("#%" G_GINT64_FORMAT "%s", shift_id, when ? when : "");
    }
  r->original_receipt_no = column_text (stmt, 17);
  r->reprint_count = (guint) sqlite3_column_int64 (stmt, 20);
  r->site_name = site != NULL ? g_steal_pointer (&site)
                              : vp_database_get_setting (db, "site.name", NULL);

  /* A top-up that paid off a negative balance: the debt is itemised. */
  if (r->kind == VP_RECEIPT_TOPUP && r->balance_before < 0 && r->amount > 0)
    vp_receipt_add_deduction (r, "抵扣欠费 Arrears settled", MIN (-r->balance_before, r->amount));
  /* A top-up that paid a bill outside the balance (a fee item or a common-area share,
   * vp-postpaid.h): the bill's item is what the money went to. */
  if (r->kind == VP_RECEIPT_TOPUP && !load_bill_items (db, r, error))
    return FALSE;

  return load_meters (db, r, sqlite3_column_int64 (stmt, 18), created_at, error)
    && load_tariff (db, r, tariff, created_at, error);
}

/*
 * vp_receipt_load:
 * @receipt_no: a receipt number as printed ("01-00000042")
 * @out: (out) (transfer full): the receipt, with @reprint_count set to how many times
 *   it has been printed already — the copy number the next print will carry
 *
 * Reads the ledger row with @receipt_no and everything printed with it: account,
 * customer, room and its site, the meters installed at that moment, cashier, shift,
 * tariff in force, the receipt a reversal undoes. Reads only; permission checks belong
 * to the caller's operation (see vp_receipt_print_pdf()). Fails with NOT_FOUND for an
 * unknown number.
 */
gboolean
vp_receipt_load (VpDatabase  *db,
                 const char  *receipt_no,
                 VpReceipt  **out,
                 GError     **error)
{
  g_autoptr(VpReceipt) r = NULL;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (receipt_no != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  r = vp_receipt_new (VP_RECEIPT_TOPUP);
  r->receipt_no = g_strdup (receipt_no);

  vp_database_lock (db);
  stmt = vp_database_prepare (db, load_sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, receipt_no, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        ok = fill_from_row (db, stmt, r, error);
      else if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("There is no receipt numbered “%s”"), receipt_no);
      else
        vp_database_set_error (db, rc, _("Could not read the receipt"), error);
      sqlite3_reset (stmt);
    }
  vp_database_unlock (db);

  if (ok)
    *out = g_steal_pointer (&r);
  return ok;
}

/*
 * vp_receipt_record_print:
 * @actor: the operator printing; needs VP_PERM_ACCOUNT_VIEW
 * @out_copy: (out) (optional): 0 for the first print, n for the n-th reprint
 *
 * Records one print of @receipt_no in the receipt_prints table and the audit log
 * ("receipt.print" or "receipt.reprint", object "receipt:NUMBER") in one transaction,
 * so the copy number and its audit row commit together. Printing never touches the
 * ledger: a failed print is simply printed again. NOT_FOUND for an unknown number.
 */
gboolean
vp_receipt_record_print (VpDatabase       *db,
                         VpSession        *actor,
                         const char       *receipt_no,
                         VpReceiptFormat   format,
                         guint            *out_copy,
                         GError          **error)
{
  g_autofree char *object = NULL;
  g_autofree char *after = NULL;
  g_autofree char *now = NULL;
  sqlite3_stmt *stmt;
  gint64 copy = -1;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (receipt_no != NULL, FALSE);
  g_return_val_if_fail ((guint) format <= VP_RECEIPT_A4, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;

  stmt = vp_database_prepare (db, "SELECT (SELECT COUNT (*) FROM receipt_prints WHERE receipt = ?1) "
                                  "FROM ledger WHERE receipt = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, receipt_no, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    copy = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no receipt numbered “%s”"), receipt_no);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not count the prints of the receipt"), error);
      goto fail;
    }

  now = vp_database_now ();
  stmt = vp_database_prepare (db, "INSERT INTO receipt_prints (receipt, copy, format, "
                                  "operator_id, printed_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, receipt_no, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, copy);
  sqlite3_bind_text (stmt, 3, format_code (format), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, vp_session_get_operator_id (actor));
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not record the print of the receipt"), error);
      goto fail;
    }

  object = g_strdup_printf ("receipt:%s", receipt_no);
  after = g_strdup_printf ("{\"copy\":%" G_GINT64_FORMAT ",\"format\":\"%s\"}", copy,
                           format_code (format));
  if (!vp_audit_append (db, vp_session_get_operator_id (actor),
                        copy == 0 ? "receipt.print" : "receipt.reprint", object, NULL, after,
                        error))
    goto fail;
  if (!vp_database_commit (db, error))
    return FALSE;

  if (out_copy != NULL)
    *out_copy = (guint) copy;
  return TRUE;

fail:
  vp_database_rollback (db);
  return FALSE;
}

/*
 * vp_receipt_print_pdf:
 * @actor: the operator printing (VP_PERM_ACCOUNT_VIEW)
 * @path: where to write the PDF (atomically)
 * @out_receipt: (out) (optional) (transfer full): the receipt as printed
 *
 * Prints (or reprints) a receipt to PDF: loads it, renders it, records the print
 * (copy number and audit row) and writes the file. The PDF is rendered before the print
 * is recorded, so a missing font or bad data costs no copy number; a reprint says
 * 补打 DUPLICATE with its copy number. If another counter printed the same receipt at
 * the same moment, the document is rendered again with the number actually recorded.
 */
gboolean
vp_receipt_print_pdf (VpDatabase       *db,
                      VpSession        *actor,
                      const char       *receipt_no,
                      VpReceiptFormat   format,
                      const char       *path,
                      VpReceipt       **out_receipt,
                      GError          **error)
{
  g_autoptr(VpReceipt) receipt = NULL;
  g_autoptr(VpDocument) doc = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *title = NULL;
  guint copy = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (receipt_no != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return FALSE;
  if (!vp_receipt_load (db, receipt_no, &receipt, error))
    return FALSE;

  title = g_strdup_printf ("Receipt %s", receipt->receipt_no);
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_clear_pointer (&doc, vp_document_free);
      g_clear_pointer (&pdf, g_bytes_unref);
      doc = vp_receipt_build (receipt, format, error);
      if (doc == NULL)
        return FALSE;
      pdf = vp_document_to_pdf (doc, title, error);
      if (pdf == NULL)
        return FALSE;
      if (attempt > 0)
        break;
      if (!vp_receipt_record_print (db, actor, receipt_no, format, &copy, error))
        return FALSE;
      if (copy == receipt->reprint_count)
        break;
      receipt->reprint_count = copy;
    }

  if (!g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                            &local_error))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not save the receipt: %s"), local_error->message);
      return FALSE;
    }

  if (out_receipt != NULL)
    *out_receipt = g_steal_pointer (&receipt);
  return TRUE;
}
