/* vp-receipt.h: receipts for every movement of money
 *
 * A VpReceipt is plain data: the ledger row and what the counter knows about it
 * (site, cashier, customer, meters …). vp_receipt_build() lays it out into a
 * VpDocument for an 80 mm roll (72 mm printable, as long as the content) or an A5/A4
 * sheet; the PDF and the Cairo preview are drawn from that one layout.
 *
 * Labels are bilingual, Chinese first ("收据编号 Receipt No."), whatever the UI
 * language, as counters print them. Top-ups, refunds, reversals, fees and adjustments
 * are distinct documents with their own titles; a reprint says 补打 DUPLICATE and how
 * many times the receipt was reprinted. Every receipt carries a verification code —
 * the first 8 hex digits of SHA-256 over the canonical text of its ledger row — and a
 * QR code of it, so a copy can be checked against the database.
 */
#pragma once

#include "vp-document.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_RECEIPT_TOPUP,        /* 充值收据 */
  VP_RECEIPT_REFUND,       /* 退款凭证 */
  VP_RECEIPT_REVERSAL,     /* 冲正凭证 */
  VP_RECEIPT_FEE,          /* 收费凭证 */
  VP_RECEIPT_ADJUSTMENT,   /* 调账凭证 */
} VpReceiptKind;

typedef enum
{
  VP_RECEIPT_ROLL80,       /* 80 mm thermal roll */
  VP_RECEIPT_A5,
  VP_RECEIPT_A4,
} VpReceiptFormat;

typedef enum
{
  VP_RECEIPT_METER_ELECTRICITY,
  VP_RECEIPT_METER_WATER,
} VpReceiptMeterKind;

typedef struct
{
  VpReceiptMeterKind  kind;
  char               *number;      /* meter address as printed on the meter */
} VpReceiptMeter;

typedef struct
{
  char   *label;                    /* "管理费 Service fee", "欠费 Arrears" … */
  gint64  amount;                   /* fen, > 0 */
} VpReceiptItem;

typedef struct
{
  VpReceiptKind  kind;
  char          *site_name;         /* utility / site */
  char          *receipt_no;        /* gapless number from the ledger, required */
  GDateTime     *issued_at;         /* when the money was committed, required */
  char          *counter;
  char          *cashier;
  char          *shift;
  char          *customer;
  char          *account;           /* required */
  char          *room;
  GPtrArray     *meters;            /* VpReceiptMeter * */
  gint64         amount;            /* the ledger amount in fen: credit > 0, debit < 0 */
  char          *payment_method;    /* "cash", "card", "wechat", "alipay" or other text */
  char          *payment_reference;
  gint64         tendered;          /* cash handed over; 0 = not recorded */
  gint64         change;
  gint64         balance_before;
  gint64         balance_after;
  GPtrArray     *deductions;        /* VpReceiptItem *: what a top-up paid besides credit */
  char          *tariff_summary;
  char          *original_receipt_no; /* refunds/reversals: the receipt they undo */
  char          *note;              /* reason of a refund, reversal, fee or adjustment */
  guint          reprint_count;     /* 0 = the original print */
} VpReceipt;

VpReceipt   *vp_receipt_new                (VpReceiptKind     kind);
void         vp_receipt_free               (VpReceipt        *self);
void         vp_receipt_add_meter          (VpReceipt        *self,
                                            VpReceiptMeterKind kind,
                                            const char       *number);
void         vp_receipt_add_deduction      (VpReceipt        *self,
                                            const char       *label,
                                            gint64            amount);

void         vp_receipt_kind_get_titles    (VpReceiptKind     kind,
                                            const char      **zh,
                                            const char      **en);
gboolean     vp_receipt_format_from_string (const char       *text,
                                            VpReceiptFormat  *out_format);

char        *vp_receipt_canonical_text     (const VpReceipt  *self);
char        *vp_receipt_verification_code  (const VpReceipt  *self);
char        *vp_receipt_qr_text            (const VpReceipt  *self);

VpDocument  *vp_receipt_build              (const VpReceipt  *self,
                                            VpReceiptFormat   format,
                                            GError          **error);
gboolean     vp_receipt_save_pdf           (const VpReceipt  *self,
                                            VpReceiptFormat   format,
                                            const char       *path,
                                            GError          **error);

/* From the database (see vp-receipt.c for the contracts) */
gboolean     vp_receipt_load               (VpDatabase       *db,
                                            const char       *receipt_no,
                                            VpReceipt       **out,
                                            GError          **error);
gboolean     vp_receipt_record_print       (VpDatabase       *db,
                                            VpSession        *actor,
                                            const char       *receipt_no,
                                            VpReceiptFormat   format,
                                            guint            *out_copy,
                                            GError          **error);
gboolean     vp_receipt_print_pdf          (VpDatabase       *db,
                                            VpSession        *actor,
                                            const char       *receipt_no,
                                            VpReceiptFormat   format,
                                            const char       *path,
                                            VpReceipt       **out_receipt,
                                            GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpReceipt, vp_receipt_free)

G_END_DECLS
