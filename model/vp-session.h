/* vp-session.h: operators, log-in and what each role may do
 *
 * Contract:
 * - Passwords are hashed with Argon2id (libsodium crypto_pwhash_str, "interactive" cost;
 *   VP_TEST_FAST_HASH=1 in the test environment only lowers it, and hashes made cheaper
 *   than the current cost are upgraded at the next log-in); a wrong password
 *   counts a failure, VP_SESSION_MAX_FAILURES in a row lock the operator out for
 *   VP_SESSION_LOCKOUT_SECONDS (VP_MODEL_ERROR_LOCKED_OUT); a good log-in resets the count.
 *   Log-ins, failures and lock-outs are audited.
 * - Every model operation calls vp_session_require() before it writes; a refusal is
 *   VP_MODEL_ERROR_PERMISSION_DENIED and is audited too ("denied" action).
 * - A supervisor approves in place by typing their password: vp_session_approve()
 *   checks it (same lock-out rules) and that their role carries VP_PERM_APPROVE.
 */
#pragma once

#include "vp-types.h"

G_BEGIN_DECLS

#define VP_SESSION_MAX_FAILURES     5
#define VP_SESSION_LOCKOUT_SECONDS  (15 * 60)
/* Shortest password vp_operator_add() accepts (characters, not bytes). */
#define VP_PASSWORD_MIN_LENGTH      6


typedef enum
{
  VP_ROLE_CASHIER,
  VP_ROLE_SUPERVISOR,
  VP_ROLE_TECHNICIAN,
  VP_ROLE_ADMIN,
} VpRole;

typedef enum
{
  VP_PERM_ACCOUNT_VIEW,        /* search, show */
  VP_PERM_ACCOUNT_MANAGE,      /* open, close, transfer, replace meter, suspend */
  VP_PERM_TOPUP,
  VP_PERM_REFUND,              /* up to the approval limit */
  VP_PERM_APPROVE,             /* approve refunds above the limit, reversals */
  VP_PERM_REVERSE,
  VP_PERM_SHIFT,               /* open / close one's own shift */
  VP_PERM_SHIFT_ACCEPT,        /* accept an over/short shift close */
  VP_PERM_METER_COMMISSION,    /* read / set meters through a local reader */
  VP_PERM_METER_CONTROL,       /* trip, close, keep-power */
  VP_PERM_TARIFF_MANAGE,
  VP_PERM_OPERATOR_MANAGE,
  VP_PERM_SETTINGS,
  VP_PERM_REPORTS,
  VP_PERM_AUDIT,               /* verify, read the audit log, backups */
  VP_PERM_BATCH,
  VP_N_PERMISSIONS
} VpPermission;

const char *vp_role_to_string        (VpRole         role);
gboolean    vp_role_from_string      (const char    *text,
                                      VpRole        *out_role);
gboolean    vp_role_has_permission   (VpRole         role,
                                      VpPermission   permission);
const char *vp_permission_to_string  (VpPermission   permission);
/* "topup", "account.view", "shift.accept" … as printed by vp_permission_to_string(). */
gboolean    vp_permission_from_string (const char   *text,
                                      VpPermission  *out_permission);

/* Operators */
typedef struct
{
  gint64    id;
  char     *login;
  char     *name;
  VpRole    role;
  gboolean  active;
  gint64    locked_until;   /* unix seconds; in the past (or 0) = not locked */
  char     *created_at;     /* UTC text, see vp_database_now() */
} VpOperator;

void        vp_operator_free         (VpOperator    *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpOperator, vp_operator_free)

/* Adds an operator (audited "operator.add"). @actor needs VP_PERM_OPERATOR_MANAGE; with
 * @actor NULL the database must have no operators yet and @role must be admin (the
 * first admin, "vpctl db init"). Login: 1-32 of [A-Za-z0-9._-], case-insensitive
 * unique (VP_MODEL_ERROR_EXISTS); name 1-100 characters; password at least
 * VP_PASSWORD_MIN_LENGTH characters (VP_MODEL_ERROR_INVALID_ARGUMENT). */
gboolean    vp_operator_add          (VpDatabase    *db,
                                      VpSession     *actor,   /* NULL only for the first admin */
                                      const char    *login,
                                      const char    *name,
                                      VpRole         role,
                                      const char    *password,
                                      gint64        *out_id,
                                      GError       **error);
gboolean    vp_operator_count        (VpDatabase    *db,
                                      gint64        *out_count,
                                      GError       **error);
/* The login of the only admin, or NULL when there are none or several. */
char       *vp_operator_sole_admin   (VpDatabase    *db,
                                      GError       **error);
/* All operators (VpOperator *, by id); needs VP_PERM_OPERATOR_MANAGE. */
GPtrArray  *vp_operator_list         (VpSession     *actor,
                                      GError       **error);
/* Changes to an existing operator (VP_MODEL_ERROR_NOT_FOUND for an unknown login), each
 * audited ("operator.unlock", "operator.password", "operator.enable"/"operator.disable")
 * and each needing VP_PERM_OPERATOR_MANAGE, except that an operator may change their
 * own password. A new password also ends a lock-out. The last active admin cannot be
 * disabled (VP_MODEL_ERROR_INVALID_ARGUMENT): someone must be able to manage. */
gboolean    vp_operator_unlock       (VpSession     *actor,
                                      const char    *login,
                                      GError       **error);
gboolean    vp_operator_set_password (VpSession     *actor,
                                      const char    *login,
                                      const char    *password,
                                      GError       **error);
gboolean    vp_operator_set_active   (VpSession     *actor,
                                      const char    *login,
                                      gboolean       active,
                                      GError       **error);
/* VP_MODEL_ERROR_INVALID_ARGUMENT unless @password is long enough; for front ends that
 * want to refuse before asking twice. */
gboolean    vp_operator_check_password_quality (const char *password,
                                      GError       **error);

/* Sessions. vp_session_login() checks the password with the lock-out rules and audits
 * "login" (or "login.failed" / "operator.locked_out", operator 0). Unknown login,
 * inactive operator and wrong password all read "Wrong login or password"
 * (VP_MODEL_ERROR_AUTH_FAILED); a locked operator gets VP_MODEL_ERROR_LOCKED_OUT. */
VpSession  *vp_session_login         (VpDatabase    *db,
                                      const char    *login,
                                      const char    *password,
                                      GError       **error);
VpSession  *vp_session_ref           (VpSession     *self);
void        vp_session_unref         (VpSession     *self);
VpDatabase *vp_session_get_database  (VpSession     *self);
gint64      vp_session_get_operator_id (VpSession   *self);
const char *vp_session_get_login     (VpSession     *self);
const char *vp_session_get_name      (VpSession     *self);
VpRole      vp_session_get_role      (VpSession     *self);
gboolean    vp_session_can           (VpSession     *self,
                                      VpPermission   permission);
/* TRUE when the role allows @permission; otherwise audits "denied" (object
 * "permission:NAME") in its own transaction and fails with PERMISSION_DENIED. Call it
 * before vp_database_begin(): a denial recorded inside a transaction that then rolls
 * back would be lost with it. */
gboolean    vp_session_require       (VpSession     *self,
                                      VpPermission   permission,
                                      GError       **error);
/* Supervisor approval in place; returns the approver's operator id or 0 with @error.
 * The approver needs VP_PERM_APPROVE and @what; audited "approve" / "approve.failed" /
 * "denied" with {"for": the session's login}. Call before vp_database_begin(). */
gint64      vp_session_approve       (VpSession     *self,
                                      const char    *supervisor_login,
                                      const char    *supervisor_password,
                                      VpPermission   what,
                                      GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpSession, vp_session_unref)

G_END_DECLS
