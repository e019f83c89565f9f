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

G_END_DECLS
