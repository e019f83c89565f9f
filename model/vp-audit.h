/* vp-audit.h: the tamper-evident audit log
 *
 * Contract:
 * - Every operator action appends one row: time, operator, action ("topup",
 *   "login.failed", "account.open", "denied" …), object ("account:10001"), before and
 *   after as JSON text, and a hash: SHA-256 over the previous row's hash and this row's
 *   fields in a fixed canonical encoding. The first row chains to 64 zeros.
 * - vp_audit_append() must be called inside the transaction of the action it records
 *   (caller holds vp_database_begin()), so the action and its record commit together.
 * - vp_audit_verify() recomputes the chain; any edited, deleted or inserted row breaks
 *   it and the error names the first row that does not match (VP_MODEL_ERROR_VERIFY_FAILED).
 */
#pragma once

#include "vp-types.h"

G_BEGIN_DECLS

gboolean vp_audit_append (VpDatabase  *db,
                          gint64       operator_id,   /* 0 = system */
                          const char  *action,
                          const char  *object,        /* nullable */
                          const char  *before_json,   /* nullable */
                          const char  *after_json,    /* nullable */
                          GError     **error);

gboolean vp_audit_verify (VpDatabase  *db,
                          gint64      *out_rows,
                          GError     **error);

/* vp_audit_verify() that also returns, on success, the chain head (@out_head: the last
 * row's hash, 64 hex digits; 64 zeros for an empty log) and, on failure, the id of the
 * first bad row (@out_bad_id; 0 when no row can be named).
 *
 * What the chain proves: an edited row fails its hash; a deleted, inserted or
 * renumbered row breaks the ids or the prev_hash links; cut-off last rows disagree with
 * the head (table audit_head, written in the same transaction as each append). Someone
 * who rewrites the rows AND recomputes every hash AND the head cannot be caught from
 * inside the file (the hash has no secret): write the head down elsewhere (a receipt, a
 * report, `vpctl db verify --json`) and compare it later. */
gboolean vp_audit_verify_full (VpDatabase  *db,
                               gint64      *out_rows,
                               char       **out_head,
                               gint64      *out_bad_id,
                               GError     **error);

/* The stored hash of row @id (to compare with a head written down earlier); NULL with
 * VP_MODEL_ERROR_NOT_FOUND when there is no such row. Trust it only after
 * vp_audit_verify() passed. */
char    *vp_audit_get_hash (VpDatabase *db,
                            gint64      id,
                            GError    **error);

/* A flat JSON object of string members for the before/after columns:
 * vp_audit_json ("login", login, "role", "cashier", NULL). A NULL value becomes null;
 * keys and values are escaped. Free with g_free(). */
char    *vp_audit_json   (const char  *first_key,
                          ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
