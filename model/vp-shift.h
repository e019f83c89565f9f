/* vp-shift.h: a cashier's shift and the cash drawer
 *
 * Contract:
 * - An operator has at most one open shift (a partial unique index enforces it);
 *   top-ups and refunds need it and are booked into it.
 * - The drawer is expected to hold the float plus every cash movement of the shift
 *   (cash top-ups, minus cash refunds and reversals of cash top-ups), all read from the
 *   ledger. Closing stores the counted cash, the expected cash and over/short
 *   (counted − expected); a non-zero over/short needs a supervisor's acceptance: the
 *   actor's VP_PERM_SHIFT_ACCEPT or an approver id (else APPROVAL_REQUIRED, audited).
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  id;
  gint64  operator_id;
  char   *counter;
  gint64  float_amount;      /* fen at opening */
  char   *opened_at;
  char   *closed_at;         /* NULL while open */
  gint64  expected;          /* float + cash movements (so far, while open) */
  gint64  counted;           /* at close, else 0 */
  gint64  over_short;        /* counted − expected at close, else 0 */
  gint64  approver_id;       /* who accepted the over/short, 0 when none */
  /* Totals of the shift, fen, from the ledger. */
  gint64  n_entries;
  gint64  cash;              /* net cash movements */
  gint64  card;
  gint64  wechat;
  gint64  alipay;
  gint64  topups;            /* sum of top-ups, every method */
  gint64  refunds;           /* sum of refunds (negative) */
  gint64  reversals;         /* sum of reversals (negative) */
} VpShift;

void     vp_shift_free        (VpShift     *shift);

/* Opens the actor's shift with @float_amount (>= 0) in the drawer. VP_PERM_SHIFT;
 * SHIFT_OPEN when one is open already. */
gboolean vp_shift_open        (VpDatabase  *db,
                               VpSession   *actor,
                               gint64       float_amount,
                               VpShift    **out_shift,
                               GError     **error);

/* The actor's open shift with its totals so far, or NULL without error when there is
 * none. VP_PERM_SHIFT. */
VpShift *vp_shift_get_current (VpDatabase  *db,
                               VpSession   *actor,
                               GError     **error);

/* Closes the actor's open shift (NO_SHIFT when none) with @counted cash (>= 0). */
gboolean vp_shift_close       (VpDatabase  *db,
                               VpSession   *actor,
                               gint64       counted,
                               gint64       approver_id,
                               VpShift    **out_shift,
                               GError     **error);

/* Switching cashier without counting: the actor's open shift closes with counted =
 * expected, and the incoming operator, who types @incoming_password in place (the drawer
 * changes hands uncounted only if both agree), gets a shift opened with that cash as its
 * float. One transaction, one audit row "shift.handover" (both operators, the amount).
 * VP_PERM_SHIFT for both; NO_SHIFT when the actor has none; AUTH_FAILED / LOCKED_OUT as
 * vp_session_login(); PERMISSION_DENIED when the incoming operator may not keep a shift;
 * SHIFT_OPEN when they have one open already; INVALID_ARGUMENT for the actor themself.
 * @out_incoming: (out) (optional): the incoming operator's session.
 * @out_shift: (out) (optional): the incoming operator's new shift. */
gboolean vp_shift_hand_over   (VpDatabase  *db,
                               VpSession   *actor,
                               const char  *incoming_login,
                               const char  *incoming_password,
                               VpSession  **out_incoming,
                               VpShift    **out_shift,
                               GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpShift, vp_shift_free)

G_END_DECLS
