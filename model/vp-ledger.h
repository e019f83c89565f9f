/* vp-ledger.h: every money movement, and the proof that balances add up
 *
 * Contract:
 * - Each movement is one immutable row: credit positive, debit negative, in fen. SQLite
 *   triggers refuse UPDATE and DELETE of ledger rows; a mistake is corrected by a
 *   counter-entry (kind reversal, pointing at the row it reverses).
 * - Each operation is ONE transaction: BEGIN IMMEDIATE → checks → ledger row → cached
 *   balance (accounts.balance) → receipt number → audit row → COMMIT. A failure rolls
 *   all of it back: no balance change, no receipt number used, no audit row.
 * - Receipt numbers are "COUNTER-NNNNNNNN" ("01-00000001"), sequential without gaps per
 *   counter (setting "counter.id", default "01"); the counter advances in the same
 *   transaction as the row that uses it. Operator movements (top-up, refund, reversal,
 *   fee, adjustment) get a receipt; charges posted by the prepaid engine do not.
 * - Role checks happen here (vp_session_require), not only in the UI; refusals are
 *   audited ("denied").
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

/* Refunds above this many fen need a supervisor; stored as yuan text ("200.00"). */
#define VP_LEDGER_REFUND_LIMIT_KEY      "refund.approval_limit"
#define VP_LEDGER_REFUND_LIMIT_DEFAULT  "200.00"
#define VP_LEDGER_COUNTER_KEY           "counter.id"
#define VP_LEDGER_COUNTER_DEFAULT       "01"

typedef enum
{
  VP_LEDGER_TOPUP,
  VP_LEDGER_REFUND,
  VP_LEDGER_REVERSAL,
  VP_LEDGER_CHARGE,
  VP_LEDGER_FEE,
  VP_LEDGER_ADJUSTMENT,
} VpLedgerKind;

typedef enum
{
  VP_PAYMENT_NONE,      /* not a payment (charges, fees, adjustments) */
  VP_PAYMENT_CASH,
  VP_PAYMENT_CARD,
  VP_PAYMENT_WECHAT,
  VP_PAYMENT_ALIPAY,
} VpPaymentMethod;

typedef struct
{
  gint64           id;
  gint64           account_id;
  char            *account;          /* account number */
  VpLedgerKind     kind;
  gint64           amount;           /* fen, credit > 0, debit < 0 */
  gint64           balance_before;
  gint64           balance_after;
  gint64           operator_id;      /* 0 = the system */
  gint64           approver_id;      /* 0 when none */
  gint64           shift_id;         /* 0 when none */
  VpPaymentMethod  method;
  char            *reference;        /* NULL when none */
  gint64           tendered;         /* cash handed over, 0 when not recorded */
  gint64           change;           /* tendered − amount for cash, else 0 */
  char            *receipt;          /* "01-00000001", NULL for charges */
  gint64           reverses_id;      /* the reversed row, 0 when none */
  gint64           meter_id;         /* charges: the meter, 0 when none */
  gint64           quantity;         /* charges: 0.01 units consumed, -1 when none */
  char            *note;             /* reason / consumption text, NULL when none */
  char            *created_at;       /* UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ" */
} VpLedgerEntry;

const char *vp_ledger_kind_to_string      (VpLedgerKind      kind);
const char *vp_payment_method_to_string   (VpPaymentMethod   method);
/* "cash", "card", "wechat", "alipay"; FALSE for anything else. */
gboolean    vp_payment_method_from_string (const char       *text,
                                           VpPaymentMethod  *out_method);

void        vp_ledger_entry_free          (VpLedgerEntry    *entry);

/* Credits @amount (> 0) to an open account. Needs VP_PERM_TOPUP and the actor's open
 * shift (NO_SHIFT "Open a shift first"); suspended or closed accounts refuse with
 * ACCOUNT_CLOSED. @tendered (cash only, 0 = not given) must cover @amount; the entry
 * carries the change. */
gboolean    vp_ledger_topup               (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *account,
                                           gint64            amount,
                                           VpPaymentMethod   method,
                                           const char       *reference,
                                           gint64            tendered,
                                           VpLedgerEntry   **out_entry,
                                           GError          **error);

/* Pays @amount (> 0, <= balance else INSUFFICIENT_BALANCE) back out of the balance.
 * VP_PERM_REFUND and an open shift. Above the "refund.approval_limit" setting it needs
 * @approver_id (from vp_session_approve) unless the actor may approve themselves;
 * otherwise APPROVAL_REQUIRED, audited. */
gboolean    vp_ledger_refund              (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *account,
                                           gint64            amount,
                                           VpPaymentMethod   method,
                                           gint64            approver_id,
                                           VpLedgerEntry   **out_entry,
                                           GError          **error);

/* Reverses the top-up with @receipt by a counter-entry in the same (still open) shift.
 * Only the account's most recent top-up, not already reversed, while the balance still
 * covers it; otherwise NOT_REVERSIBLE with the reason. VP_PERM_TOPUP plus either
 * VP_PERM_REVERSE or @approver_id (else APPROVAL_REQUIRED, audited). */
gboolean    vp_ledger_reverse             (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *receipt,
                                           gint64            approver_id,
                                           VpLedgerEntry   **out_entry,
                                           GError          **error);

/* Debits @amount (>= 0) for consumption, for the prepaid engine. @actor NULL means the
 * system; otherwise ACCOUNT_MANAGE. No shift, no receipt. The balance may go negative
 * (the engine trips the meter). Closed accounts refuse with ACCOUNT_CLOSED.
 * @meter_id 0 and @quantity -1 when not applicable; @note describes the interval. */
gboolean    vp_ledger_charge              (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *account,
                                           gint64            amount,
                                           gint64            meter_id,
                                           gint64            quantity,
                                           const char       *note,
                                           VpLedgerEntry   **out_entry,
                                           GError          **error);

/* Debits a fee (@amount > 0) with a @reason (required). ACCOUNT_MANAGE; receipt. */
gboolean    vp_ledger_fee                 (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *account,
                                           gint64            amount,
                                           const char       *reason,
                                           VpLedgerEntry   **out_entry,
                                           GError          **error);

/* Corrects the balance by @amount (non-zero, either sign) with a @reason (required).
 * Supervisors and admins only (VP_PERM_APPROVE); receipt. */
gboolean    vp_ledger_adjust              (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *account,
                                           gint64            amount,
                                           const char       *reason,
                                           VpLedgerEntry   **out_entry,
                                           GError          **error);

/* The account's rows, newest first, at most @limit (<= 0: all). ACCOUNT_VIEW. */
GPtrArray  *vp_ledger_list                (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *account,
                                           gint64            limit,
                                           GError          **error);
/* The row with @receipt (for reprints); NOT_FOUND when none. ACCOUNT_VIEW. */
VpLedgerEntry *vp_ledger_find_receipt     (VpDatabase       *db,
                                           VpSession        *actor,
                                           const char       *receipt,
                                           GError          **error);

/* Proves, for the whole file: every account's cached balance equals the sum of its
 * ledger rows and every row's balance_after is the running sum; receipt numbers of
 * every counter run 1..N with no hole or duplicate and the counter stands at N; every
 * reversal points at a top-up of the same account and cancels it exactly. On the first
 * failure returns VERIFY_FAILED naming the account or receipt. @out_rows: ledger rows. */
gboolean    vp_ledger_verify              (VpDatabase       *db,
                                           gint64           *out_rows,
                                           GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpLedgerEntry, vp_ledger_entry_free)

G_END_DECLS
