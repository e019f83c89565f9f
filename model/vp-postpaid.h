/* vp-postpaid.h: bills paid at the counter, and postpaid accounts (后付费)
 *
 * Contract:
 * - A bill is money an account owes, numbered "B00000001". Fees and apportionment
 *   shares issued "by bill" are outside the balance (in_balance FALSE): paying one books
 *   a top-up of the amount paid and a fee of the same amount, so the prepaid balance is
 *   untouched and the ledger shows the cash and what it paid for. A postpaid bill sums
 *   consumption the engine already charged into the balance (in_balance TRUE): paying
 *   it is a top-up only.
 * - Bills are draft (postpaid bill runs, until an operator confirms them), open, paid
 *   or void. Only open bills take payments; a payment may be partial but never exceeds
 *   what is still owed (INVALID_AMOUNT). Each payment is one transaction with its
 *   ledger rows and an audit row ("bill.pay").
 * - Money is gint64 fen; dates are local "YYYY-MM-DD" text.
 */
#pragma once

#include "vp-account.h"
#include "vp-ledger.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

/* How a fee or a share is collected. */
typedef enum
{
  VP_CHARGE_DEDUCT,   /* a ledger fee row against the balance now */
  VP_CHARGE_BILL,     /* a bill to pay at the counter */
} VpChargeMode;

const char *vp_charge_mode_to_string   (VpChargeMode   mode);
/* "deduct" or "bill"; FALSE for anything else. */
gboolean    vp_charge_mode_from_string (const char    *text,
                                        VpChargeMode  *out_mode);

typedef struct
{
  gint64    id;
  char     *number;          /* "B00000001" */
  char     *account;
  char     *name;            /* customer */
  char     *source;          /* fee, apportion, postpaid */
  char     *item;
  char     *period_start;    /* YYYY-MM-DD, inclusive */
  char     *period_end;      /* YYYY-MM-DD, exclusive */
  gint64    amount;          /* fen */
  gint64    paid;            /* fen */
  gboolean  in_balance;
  char     *state;           /* draft, open, paid, void */
  char     *due_date;
  char     *created_at;
} VpBill;

void        vp_bill_free               (VpBill        *bill);

/* For model/ only, inside the caller's transaction: stores a bill (@state "draft" or
 * "open") for @account_id and returns its id in @out_id. */
gboolean    vp_bill_insert_locked      (VpDatabase    *db,
                                        gint64         account_id,
                                        const char    *source,
                                        const char    *item,
                                        const char    *period_start,
                                        const char    *period_end,
                                        gint64         amount,
                                        gboolean       in_balance,
                                        const char    *state,
                                        const char    *due_date,
                                        gint64        *out_id,
                                        GError       **error);

/* The bill numbered @number ("B00000001"); NOT_FOUND when none. ACCOUNT_VIEW. */
VpBill     *vp_bill_get                (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *number,
                                        GError       **error);
/* Bills (VpBill *, by number) of @account (NULL: all) in @state (NULL: any).
 * ACCOUNT_VIEW. */
GPtrArray  *vp_bill_list               (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *account,
                                        const char    *state,
                                        GError       **error);

/* Pays @amount (> 0, at most what is still owed) of the open bill @number at the
 * counter: VP_PERM_TOPUP and the actor's open shift, as vp_ledger_topup(); the top-up
 * carries the bill number as its reference. The bill becomes paid when nothing is left.
 * @out_entry: (optional) the top-up (its receipt is the customer's). */
gboolean    vp_bill_pay                (VpDatabase       *db,
                                        VpSession        *actor,
                                        const char       *number,
                                        gint64            amount,
                                        VpPaymentMethod   method,
                                        gint64            tendered,
                                        VpLedgerEntry   **out_entry,
                                        GError          **error);

/* Open bills whose due date is before @today ("YYYY-MM-DD", NULL = today), oldest
 * due first: the arrears list. ACCOUNT_VIEW. */
GPtrArray  *vp_bill_list_overdue       (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *today,
                                        GError       **error);
/* Writes @bills (VpBill *) as CSV (UTF-8 with a byte order mark for Excel) or as a
 * PDF with one A5 page per bill, by the file name's extension (.csv / .pdf; anything
 * else is INVALID_ARGUMENT). */
gboolean    vp_bill_export             (GPtrArray     *bills,
                                        const char    *path,
                                        GError       **error);

/* Settings of postpaid billing. */
#define VP_POSTPAID_BILL_DAY_KEY       "postpaid.bill_day"        /* 1..28, default 1 */
#define VP_POSTPAID_DUE_DAYS_KEY       "postpaid.due_days"        /* default 15 */
#define VP_POSTPAID_TRIP_AFTER_KEY     "postpaid.trip_after_days" /* 0 = never (default) */

/* Bill run for @period ("YYYY-MM"): the billing month ends on the "postpaid.bill_day"
 * of that month and starts on the same day of the month before. Every postpaid
 * account that is not closed gets a draft bill of the consumption the engine charged
 * (readings with a station time in the period), in_balance, due "postpaid.due_days"
 * after the end. Running a draft period again replaces its drafts (after meter
 * corrections, say); a confirmed one is EXISTS. ACCOUNT_MANAGE; audited.
 * @out_bills: (optional) how many drafts were made. */
gboolean    vp_postpaid_bill_run       (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *period,
                                        guint         *out_bills,
                                        GError       **error);
/* The operator's review is done: the drafts of @period become open bills to pay.
 * ACCOUNT_MANAGE; audited. NOT_FOUND when there is no run, EXISTS when confirmed. */
gboolean    vp_postpaid_confirm        (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *period,
                                        guint         *out_bills,
                                        GError       **error);
/* For every overdue bill (vp_bill_list_overdue at @today): one reminder in the
 * engine's outbox (Chinese and English, to the customer's phone), once per bill; and
 * when "postpaid.trip_after_days" N > 0 and the bill is N or more days overdue, one
 * trip through the engine's command queue (vp_engine_control), once per bill.
 * Needs ACCOUNT_MANAGE, and METER_CONTROL for the trips. */
gboolean    vp_postpaid_remind         (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *today,
                                        guint         *out_reminders,
                                        guint         *out_trips,
                                        GError       **error);
/* Switches @account to @mode after settling it: leaving postpaid needs every bill
 * paid and no debt in the balance (INVALID_ARGUMENT saying what is owed) — take the
 * payment first; entering postpaid keeps the balance as a credit. ACCOUNT_MANAGE;
 * audited. */
gboolean    vp_postpaid_set_mode       (VpDatabase    *db,
                                        VpSession     *actor,
                                        const char    *account,
                                        VpAccountMode  mode,
                                        GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpBill, vp_bill_free)

G_END_DECLS
