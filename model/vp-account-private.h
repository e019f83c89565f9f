/* vp-account-private.h: what vp-account, vp-ledger, vp-shift, vp-search and vp-demo
 * share inside model/. Not for ui/ or app/.
 */
#pragma once

#include <sqlite3.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-ledger.h"

G_BEGIN_DECLS

/* A statement from the connection's cache: reset (never finalized) when it goes out of
 * scope, so no read transaction stays open behind a finished query. */
typedef sqlite3_stmt VpCachedStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCachedStmt, sqlite3_reset)

/* Steps @stmt once; a row or the end is success, anything else becomes @error
 * prefixed by @what. */
gboolean   vp_model_step               (VpDatabase     *db,
                                        sqlite3_stmt   *stmt,
                                        const char     *what,
                                        GError        **error);
/* A copy of a text column, NULL for NULL. */
char      *vp_model_column_dup         (sqlite3_stmt   *stmt,
                                        int             column);

/* Now as stored: UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
char      *vp_model_now                (void);
/* Same format for @unix_seconds. */
char      *vp_model_time_text          (gint64          unix_seconds);

/* Minimal JSON for audit before/after: an object built member by member. */
void       vp_json_begin               (GString        *json);
void       vp_json_add_string          (GString        *json,
                                        const char     *key,
                                        const char     *value);  /* NULL → null */
void       vp_json_add_int             (GString        *json,
                                        const char     *key,
                                        gint64          value);
void       vp_json_add_money           (GString        *json,
                                        const char     *key,
                                        gint64          fen);
char      *vp_json_end                 (GString        *json);

/* The actor's operator id, 0 for the system (NULL actor). */
gint64     vp_actor_id                 (VpSession      *actor);

/* Records a refusal (APPROVAL_REQUIRED, …) in its own transaction: the action's own
 * transaction was rolled back, but the attempt must stay on record. */
void       vp_model_audit_refusal      (VpDatabase     *db,
                                        VpSession      *actor,
                                        const char     *action,
                                        const char     *object,
                                        const GError   *refusal);

/* Checks that @approver_id names an active operator whose role has @permission. */
gboolean   vp_model_check_approver     (VpDatabase     *db,
                                        gint64          approver_id,
                                        VpPermission    permission,
                                        GError        **error);

/* The row of an account, looked up inside the caller's transaction or lock. */
typedef struct
{
  gint64           id;
  VpAccountStatus  status;
  gint64           balance;
  gint64           customer_id;
} VpAccountRow;

/* NOT_FOUND for @number, saying whether it is a typo (bad check digit) or unknown. */
void       vp_account_set_not_found    (const char     *number,
                                        GError        **error);

gboolean   vp_account_row_lookup       (VpDatabase     *db,
                                        const char     *number,
                                        VpAccountRow   *out_row,
                                        GError        **error);
/* ACCOUNT_CLOSED when the account is closed (or, when @need_open, suspended). */
gboolean   vp_account_row_check_status (const VpAccountRow *row,
                                        const char     *number,
                                        gboolean        need_open,
                                        GError        **error);

/* The actor's open shift id, or 0. */
gboolean   vp_shift_lookup_open        (VpDatabase     *db,
                                        gint64          operator_id,
                                        gint64         *out_shift_id,
                                        GError        **error);

/* One movement to book; the caller holds the transaction. */
typedef struct
{
  gint64           account_id;
  const char      *account;          /* number, for the entry and the audit */
  VpLedgerKind     kind;
  gint64           amount;
  gint64           operator_id;
  gint64           approver_id;
  gint64           shift_id;
  VpPaymentMethod  method;
  const char      *reference;
  gint64           tendered;
  gboolean         receipt;          /* take the next receipt number of this counter */
  gint64           reverses_id;
  gint64           meter_id;
  gint64           quantity;         /* -1 when none */
  const char      *note;
  const char      *created_at;       /* NULL: now */
} VpPosting;

/* Books @posting: ledger row, cached balance, receipt number, audit row. */
gboolean   vp_ledger_post_locked       (VpDatabase       *db,
                                        const VpPosting  *posting,
                                        VpLedgerEntry   **out_entry,
                                        GError          **error);

/* The refund limit in fen from the settings (default 200.00 yuan). */
gint64     vp_ledger_refund_limit      (VpDatabase       *db);

/* Whether a refund of @amount by @actor needs @approver_id, and if so that it is a
 * real approver. Safe inside a transaction: the caller audits an APPROVAL_REQUIRED
 * refusal with vp_model_audit_refusal() after rolling back. */
gboolean   vp_ledger_check_refund_approval (VpDatabase   *db,
                                            VpSession    *actor,
                                            const char   *account,
                                            gint64        amount,
                                            gint64        approver_id,
                                            GError      **error);

G_END_DECLS
