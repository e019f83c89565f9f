/* vp-batch.h: batch operations over many accounts
 *
 * Contract:
 * - A batch is an action (set tariff, set alarm thresholds, trip / close / keep-power
 *   or set meter time through the engine's command queue, or a subsidy) over accounts
 *   chosen by building, floor, tariff, state or a list, fixed when the batch is
 *   created: one item per account. The batch and every item's state are rows in the
 *   database.
 * - Running a batch does its pending items one at a time, each in ONE transaction that
 *   first re-reads the batch and the item (BEGIN IMMEDIATE), then performs the action
 *   and records the item done or failed with the reason. So a run that stops anywhere
 *   (killed, crashed, cancelled, or stopped after @max_items) is resumed by running the
 *   batch again, and no item is ever done twice, even with two runners at once.
 * - Retry puts only the failed items back to pending. Cancel stops a batch: its pending
 *   items become cancelled; the items already done stay done.
 * - Subsidies are not cash in a drawer, so they are booked as ledger adjustments
 *   (vp_ledger_adjust: kind adjustment, a receipt, supervisors and admins only) rather
 *   than top-ups, which would need a cashier's shift and would count in its cash.
 * - A batch may be due at a later time and repeat daily or monthly: when one finishes,
 *   the next (same action, same accounts) is created for the next day / month.
 *   vp_batch_run_due() runs whatever is due; vp_batch_run() runs a batch at once.
 * - Creating, cancelling, retrying and finishing are audited; each action audits itself
 *   as it would from the counter. Needs VP_PERM_BATCH plus the action's own permission.
 */
#pragma once

#include <gio/gio.h>

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_BATCH_TARIFF,
  VP_BATCH_ALARMS,
  VP_BATCH_TRIP,
  VP_BATCH_CLOSE,
  VP_BATCH_KEEP_POWER,
  VP_BATCH_KEEP_POWER_CLEAR,
  VP_BATCH_SUBSIDY,
  VP_BATCH_SET_TIME,              /* a set-time command for each of the account's meters */
  VP_BATCH_N_ACTIONS
} VpBatchAction;

typedef enum
{
  VP_BATCH_REPEAT_NONE,
  VP_BATCH_REPEAT_DAILY,
  VP_BATCH_REPEAT_MONTHLY,
} VpBatchRepeat;

/* Which accounts (not closed ones): every filter given must match; @accounts, when
 * not NULL, lists account numbers instead of the filters. */
typedef struct
{
  const char         *building;   /* building name, NULL = any */
  int                 floor;      /* floor level, 0 = any */
  const char         *tariff;     /* NULL = any */
  const char         *state;      /* "open", "suspended", "tripped", NULL = any */
  const char * const *accounts;   /* NULL-terminated, or NULL */
} VpBatchSelection;

/* What to do. The caller owns the strings. */
typedef struct
{
  const char     *name;
  VpBatchAction   action;
  const char     *tariff;         /* VP_BATCH_TARIFF: the tariff name */
  gint64          alarm1;         /* VP_BATCH_ALARMS, fen, alarm1 >= alarm2 >= trip */
  gint64          alarm2;
  gint64          trip;
  gint64          amount;         /* VP_BATCH_SUBSIDY, fen > 0 */
  const char     *reason;         /* control and subsidy: required */
  gint64          run_at;         /* Unix seconds; 0 = now */
  VpBatchRepeat   repeat;
} VpBatchSpec;

typedef struct
{
  char     *account;
  char     *state;                /* pending, done, failed, cancelled */
  int       attempts;
  char     *result;               /* what was done, or why it failed */
} VpBatchItem;

typedef struct
{
  gint64         id;
  char          *name;
  VpBatchAction  action;
  char          *state;           /* pending, running, done, failed, cancelled */
  char          *selection;
  gint64         run_at;
  VpBatchRepeat  repeat;
  gint64         next_id;         /* the repetition scheduled, 0 when none */
  guint          total;
  guint          pending;
  guint          done;
  guint          failed;
  guint          cancelled;
  char          *created_at;
  char          *finished_at;     /* NULL while not finished */
  GPtrArray     *items;           /* VpBatchItem *, by account; NULL from vp_batch_list */
} VpBatch;

const char *vp_batch_action_to_string   (VpBatchAction   action);
/* What an operator reads for @action, translated ("Set tariff", "Trip"…). */
const char *vp_batch_action_label       (VpBatchAction   action);
gboolean    vp_batch_action_from_string (const char     *text,
                                         VpBatchAction  *out_action);
const char *vp_batch_repeat_to_string   (VpBatchRepeat   repeat);
gboolean    vp_batch_repeat_from_string (const char     *text,
                                         VpBatchRepeat  *out_repeat);

/* Creates a batch over the accounts @selection picks now. INVALID_ARGUMENT for a
 * missing reason, bad thresholds, an unknown tariff or a selection of no account;
 * NOT_FOUND for a listed account that does not exist. @out_id: (optional). */
gboolean    vp_batch_create             (VpDatabase              *db,
                                         VpSession               *actor,
                                         const VpBatchSpec       *spec,
                                         const VpBatchSelection  *selection,
                                         gint64                  *out_id,
                                         GError                 **error);
/* Runs batch @id now (whatever its time): its pending items, at most @max_items of
 * them (0 = all), stopping early when @cancellable is cancelled or the batch is
 * cancelled by someone else. A failed item is recorded and the run goes on. FALSE only
 * when the run itself could not go on (database, permission, unknown or finished
 * batch). @out_done: (optional) items handled by this call. */
gboolean    vp_batch_run                (VpDatabase              *db,
                                         VpSession               *actor,
                                         gint64                   id,
                                         guint                    max_items,
                                         GCancellable            *cancellable,
                                         guint                   *out_done,
                                         GError                 **error);
/* Runs every pending or interrupted batch due at @now (Unix seconds), oldest first.
 * @out_batches: (optional) how many were run. */
gboolean    vp_batch_run_due            (VpDatabase              *db,
                                         VpSession               *actor,
                                         gint64                   now,
                                         guint                   *out_batches,
                                         GError                 **error);
/* Failed items back to pending and the batch to pending. INVALID_ARGUMENT when there
 * is nothing to retry. */
gboolean    vp_batch_retry              (VpDatabase              *db,
                                         VpSession               *actor,
                                         gint64                   id,
                                         guint                   *out_items,
                                         GError                 **error);
/* Cancels a pending or running batch (INVALID_ARGUMENT when finished). */
gboolean    vp_batch_cancel             (VpDatabase              *db,
                                         VpSession               *actor,
                                         gint64                   id,
                                         GError                 **error);
/* Batches, newest first, without items. VP_PERM_BATCH. */
GPtrArray  *vp_batch_list               (VpDatabase              *db,
                                         VpSession               *actor,
                                         GError                 **error);
/* One batch with its items; NOT_FOUND when none. VP_PERM_BATCH. */
VpBatch    *vp_batch_get                (VpDatabase              *db,
                                         VpSession               *actor,
                                         gint64                   id,
                                         GError                 **error);

void        vp_batch_free               (VpBatch                 *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpBatch, vp_batch_free)

G_END_DECLS
