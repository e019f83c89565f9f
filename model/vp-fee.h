/* vp-fee.h: custom fee items (自定义收费)
 *
 * Contract:
 * - A fee item is named ("物业费", "租金" …), charged once or periodically (monthly,
 *   quarterly, yearly), as a fixed amount, per m² of the account's room, or per unit
 *   its meters consumed since the previous due date; by a ledger fee row (the reason
 *   names the item and the due date, so receipts and reports itemise it) or by a bill.
 * - Due dates: one-off and yearly items fall due on the start date (yearly: and on its
 *   anniversaries; a 29 February start falls due on 28 February in other years);
 *   monthly and quarterly items on day N (default the start's day) of the start's
 *   month and of every first / third month after it, on the last day of a shorter
 *   month (31 → 28 or 29 February, 30 April).
 * - vp_fee_run_due() charges every due date up to "today" that has not been charged,
 *   from the later of the item's start and the day the account was opened:
 *   one transaction per charge, each claiming its (fee, account, due date) key first,
 *   so running it twice, or in two processes at once, never charges a date twice.
 * - Per-m² and per-unit amounts: quantity (0.01 m², 0.01 units) × price (0.0001 yuan)
 *   rounded half up to the fen (vp_price_times_quantity).
 */
#pragma once

#include "vp-postpaid.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_FEE_ONCE,
  VP_FEE_MONTHLY,
  VP_FEE_QUARTERLY,
  VP_FEE_YEARLY,
} VpFeeSchedule;

typedef enum
{
  VP_FEE_FIXED,      /* amount in fen */
  VP_FEE_PER_AREA,   /* amount in 0.0001 yuan per m² of the room */
  VP_FEE_PER_UNIT,   /* amount in 0.0001 yuan per unit consumed (periodic only) */
} VpFeeBasis;

/* What to create: the caller owns the strings. */
typedef struct
{
  const char    *name;
  VpFeeSchedule  schedule;
  const char    *start;       /* first due date, YYYY-MM-DD */
  int            day;         /* 1..31 for monthly/quarterly; 0 = the start's day */
  VpFeeBasis     basis;
  gint64         amount;
  VpChargeMode   charge;
} VpFeeSpec;

typedef struct
{
  char          *name;
  VpFeeSchedule  schedule;
  char          *start;
  int            day;
  VpFeeBasis     basis;
  gint64         amount;
  VpChargeMode   charge;
  guint          members;
} VpFeeItem;

const char *vp_fee_schedule_to_string   (VpFeeSchedule   schedule);
gboolean    vp_fee_schedule_from_string (const char     *text,
                                         VpFeeSchedule  *out_schedule);
const char *vp_fee_basis_to_string      (VpFeeBasis      basis);
gboolean    vp_fee_basis_from_string    (const char     *text,
                                         VpFeeBasis     *out_basis);

/* The @k-th due date (k = 0 is the first; negative k counts back) of a @schedule starting
 * on @start with day @day (see the contract), into @out_date. FALSE when @start is
 * not a valid date or the result leaves years 1..9999. */
gboolean    vp_fee_due_date             (VpFeeSchedule   schedule,
                                         const GDate    *start,
                                         int             day,
                                         int             k,
                                         GDate          *out_date);

/* Creates a fee item. ACCOUNT_MANAGE; audited. INVALID_ARGUMENT for a bad name, date,
 * day, or a one-off per-unit fee; EXISTS for a name taken. */
gboolean    vp_fee_add                  (VpDatabase       *db,
                                         VpSession        *actor,
                                         const VpFeeSpec  *spec,
                                         GError          **error);
/* Makes @account a payer of fee @name (already there: nothing happens); the next run
 * charges it every due date since the item's start or the account's opening.
 * ACCOUNT_MANAGE; audited. */
gboolean    vp_fee_add_member           (VpDatabase       *db,
                                         VpSession        *actor,
                                         const char       *name,
                                         const char       *account,
                                         GError          **error);
/* Fee items (VpFeeItem *, by name). ACCOUNT_VIEW. */
GPtrArray  *vp_fee_list                 (VpDatabase       *db,
                                         VpSession        *actor,
                                         GError          **error);
/* Charges what is due on or before @today ("YYYY-MM-DD", NULL = today, local) to the
 * open and suspended member accounts (closed ones are skipped). ACCOUNT_MANAGE.
 * @out_charged: (optional) charges booked by this call; @out_total: (optional) their
 * fen. On an error the charges already booked stay and a new run goes on from there. */
gboolean    vp_fee_run_due              (VpDatabase       *db,
                                         VpSession        *actor,
                                         const char       *today,
                                         guint            *out_charged,
                                         gint64           *out_total,
                                         GError          **error);

void        vp_fee_item_free            (VpFeeItem        *item);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpFeeItem, vp_fee_item_free)

G_END_DECLS
