/* vp-shift.c: a cashier's shift and the cash drawer
 *
 * The drawer's expected content is never stored while the shift runs: it is the float
 * plus the sum of the shift's cash rows in the ledger, so it cannot drift from what
 * was booked.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-shift.h"

void
vp_shift_free (VpShift *shift)
{
  if (shift == NULL)
    return;
  g_free (shift->counter);
  g_free (shift->opened_at);
  g_free (shift->closed_at);
  g_free (shift);
}

/* The shift row with its ledger totals; NULL without error when @shift_id is 0. */
static VpShift *
load_shift_locked (VpDatabase  *db,
                   gint64       shift_id,
                   GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(VpShift) shift = NULL;
  int rc;

  if (shift_id == 0)
    return NULL;
  stmt = vp_database_prepare (db,
                              "SELECT s.id, s.operator_id, s.counter, s.float, s.opened_at, "
                              "s.closed_at, s.counted, s.over_short, s.approver_id, "
                              "COUNT (l.id), "
                              "COALESCE (SUM (CASE WHEN l.method = 'cash' THEN l.amount END), 0), "
                              "COALESCE (SUM (CASE WHEN l.method = 'card' THEN l.amount END), 0), "
                              "COALESCE (SUM (CASE WHEN l.method = 'wechat' THEN l.amount END), 0), "
                              "COALESCE (SUM (CASE WHEN l.method = 'alipay' THEN l.amount END), 0), "
                              "COALESCE (SUM (CASE WHEN l.kind = 'topup' THEN l.amount END), 0), "
                              "COALESCE (SUM (CASE WHEN l.kind = 'refund' THEN l.amount END), 0), "
                              "COALESCE (SUM (CASE WHEN l.kind = 'reversal' THEN l.amount END), 0) "
                              "FROM shifts s LEFT JOIN ledger l ON l.shift_id = s.id "
                              "WHERE s.id = ? GROUP BY s.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, shift_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the shift"), error);
      return NULL;
    }

  shift = g_new0 (VpShift, 1);
  shift->id = sqlite3_column_int64 (stmt, 0);
  shift->operator_id = sqlite3_column_int64 (stmt, 1);
  shift->counter = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  shift->float_amount = sqlite3_column_int64 (stmt, 3);
  shift->opened_at = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  shift->closed_at = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  shift->counted = sqlite3_column_int64 (stmt, 6);
  shift->over_short = sqlite3_column_int64 (stmt, 7);
  shift->approver_id = sqlite3_column_int64 (stmt, 8);
  shift->n_entries = sqlite3_column_int64 (stmt, 9);
  shift->cash = sqlite3_column_int64 (stmt, 10);
  shift->card = sqlite3_column_int64 (stmt, 11);
  shift->wechat = sqlite3_column_int64 (stmt, 12);
  shift->alipay = sqlite3_column_int64 (stmt, 13);
  shift->topups = sqlite3_column_int64 (stmt, 14);
  shift->refunds = sqlite3_column_int64 (stmt, 15);
  shift->reversals = sqlite3_column_int64 (stmt, 16);
  shift->expected = shift->float_amount + shift->cash;
  return g_steal_pointer (&shift);
}

/* The role and the drawer amount every shift change checks first. */
static gboolean
check_shift_change (VpSession   *actor,
                    gint64       amount,
                    const char  *message,
                    GError     **error)
{
  if (!vp_session_require (actor, VP_PERM_SHIFT, error))
    return FALSE;
  if (amount >= 0 && amount <= VP_MONEY_MAX)
    return TRUE;
  g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT, message);
  return FALSE;
}

static char *
shift_json (const VpShift *shift)
{
  GString *json = g_string_new (NULL);

  vp_json_begin (json);
  vp_json_add_int (json, "shift", shift->id);
  vp_json_add_string (json, "counter", shift->counter);
  vp_json_add_money (json, "float", shift->float_amount);
  vp_json_add_money (json, "expected", shift->expected);
  if (shift->closed_at != NULL)
    {
      vp_json_add_money (json, "counted", shift->counted);
      vp_json_add_money (json, "over_short", shift->over_short);
      if (shift->approver_id != 0)
        vp_json_add_int (json, "approver", shift->approver_id);
    }
  return vp_json_end (json);
}

/* Inserts an open shift for @operator_id with @float_amount; returns it as stored. */
static VpShift *
insert_shift_locked (VpDatabase  *db,
                     gint64       operator_id,
                     gint64       float_amount,
                     GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *now = vp_model_now ();

  counter = vp_database_get_setting (db, VP_LEDGER_COUNTER_KEY, VP_LEDGER_COUNTER_DEFAULT);
  stmt = vp_database_prepare (db,
                              "INSERT INTO shifts (operator_id, counter, float, opened_at) "
                              "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  sqlite3_bind_text (stmt, 2, counter, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, float_amount);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      vp_database_set_error (db, sqlite3_errcode (vp_database_get_handle (db)),
                             _("Could not open the shift"), error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  return load_shift_locked (db, sqlite3_last_insert_rowid (vp_database_get_handle (db)), error);
}

/* Closes *@shift (open, loaded) with @counted and replaces it by the closed row. */
static gboolean
close_shift_locked (VpDatabase  *db,
                    VpShift    **shift,
                    gint64       counted,
                    gint64       approver_id,
                    GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  gint64 shift_id = (*shift)->id;

  stmt = vp_database_prepare (db,
                              "UPDATE shifts SET closed_at = ?, counted = ?, expected = ?, "
                              "over_short = ?, approver_id = NULLIF (?, 0) WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, counted);
  sqlite3_bind_int64 (stmt, 3, (*shift)->expected);
  sqlite3_bind_int64 (stmt, 4, counted - (*shift)->expected);
  sqlite3_bind_int64 (stmt, 5, approver_id);
  sqlite3_bind_int64 (stmt, 6, shift_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      vp_database_set_error (db, sqlite3_errcode (vp_database_get_handle (db)),
                             _("Could not close the shift"), error);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  g_clear_pointer (shift, vp_shift_free);
  *shift = load_shift_locked (db, shift_id, error);
  if (*shift == NULL)
    return FALSE;
  (*shift)->expected = (*shift)->counted - (*shift)->over_short;
  return TRUE;
}

gboolean
vp_shift_open (VpDatabase  *db,
               VpSession   *actor,
               gint64       float_amount,
               VpShift    **out_shift,
               GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autofree char *counter = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *object = NULL;
  g_autofree char *after = NULL;
  gint64 open_id;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_shift_change (actor, float_amount, _("The float must not be negative"), error))
    return FALSE;

  if (!vp_database_begin (db, error))
    return FALSE;
  if (!vp_shift_lookup_open (db, vp_actor_id (actor), &open_id, error))
    goto failed;
  if (open_id != 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_SHIFT_OPEN,
                           _("Your shift is already open; close it before opening another"));
      goto failed;
    }

  shift = insert_shift_locked (db, vp_actor_id (actor), float_amount, error);
  if (shift == NULL)
    goto failed;
  object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, shift->id);
  after = shift_json (shift);
  if (!vp_audit_append (db, vp_actor_id (actor), "shift.open", object, NULL, after, error))
    goto failed;
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_shift != NULL)
    *out_shift = g_steal_pointer (&shift);
  return TRUE;

failed:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  return FALSE;
}

VpShift *
vp_shift_get_current (VpDatabase  *db,
                      VpSession   *actor,
                      GError     **error)
{
  VpShift *shift = NULL;
  gint64 shift_id;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_SHIFT, error))
    return NULL;
  vp_database_lock (db);
  if (vp_shift_lookup_open (db, vp_actor_id (actor), &shift_id, error))
    shift = load_shift_locked (db, shift_id, error);
  vp_database_unlock (db);
  return shift;
}

gboolean
vp_shift_close (VpDatabase  *db,
                VpSession   *actor,
                gint64       counted,
                gint64       approver_id,
                VpShift    **out_shift,
                GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 shift_id;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_shift_change (actor, counted, _("The counted cash must not be negative"), error))
    return FALSE;
  if (approver_id != 0
      && !vp_model_check_approver (db, approver_id, VP_PERM_SHIFT_ACCEPT, error))
    return FALSE;

  if (!vp_database_begin (db, error))
    return FALSE;
  if (!vp_shift_lookup_open (db, vp_actor_id (actor), &shift_id, error))
    goto failed;
  if (shift_id == 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT,
                           _("You have no open shift to close"));
      goto failed;
    }
  shift = load_shift_locked (db, shift_id, error);
  if (shift == NULL)
    goto failed;
  object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, shift->id);

  if (counted != shift->expected && approver_id == 0
      && !vp_session_can (actor, VP_PERM_SHIFT_ACCEPT))
    {
      g_autofree char *diff = vp_money_format (counted - shift->expected);
      g_autofree char *expected = vp_money_format (shift->expected);

      g_set_error (&refusal, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED,
                   _("The drawer should hold %s yuan and is %s yuan off; a supervisor must accept the difference"),
                   expected, diff);
      goto failed;
    }

  before = shift_json (shift);
  if (!close_shift_locked (db, &shift, counted, approver_id, error))
    goto failed;
  after = shift_json (shift);
  if (!vp_audit_append (db, vp_actor_id (actor), "shift.close", object, before, after, error))
    goto failed;
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_shift != NULL)
    *out_shift = g_steal_pointer (&shift);
  return TRUE;

failed:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  if (refusal != NULL)
    {
      vp_model_audit_refusal (db, actor, "shift.close", object, refusal);
      g_propagate_error (error, g_steal_pointer (&refusal));
    }
  return FALSE;
}

/* See vp-shift.h. */
gboolean
vp_shift_hand_over (VpDatabase  *db,
                    VpSession   *actor,
                    const char  *incoming_login,
                    const char  *incoming_password,
                    VpSession  **out_incoming,
                    VpShift    **out_shift,
                    GError     **error)
{
  g_autoptr(VpSession) incoming = NULL;
  g_autoptr(VpShift) outgoing = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 outgoing_id, incoming_id;
  GString *json;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (incoming_login != NULL && incoming_password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_SHIFT, error))
    return FALSE;
  /* The incoming cashier proves who they are before anything changes, and outside the
   * transaction: a wrong password is audited by vp_session_login() and must stay so. */
  incoming = vp_session_login (db, incoming_login, incoming_password, error);
  if (incoming == NULL)
    return FALSE;
  if (vp_session_get_operator_id (incoming) == vp_actor_id (actor))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Hand the drawer over to another cashier, not to yourself"));
      return FALSE;
    }
  if (!vp_session_require (incoming, VP_PERM_SHIFT, error))
    return FALSE;

  if (!vp_database_begin (db, error))
    return FALSE;
  if (!vp_shift_lookup_open (db, vp_actor_id (actor), &outgoing_id, error) ||
      !vp_shift_lookup_open (db, vp_session_get_operator_id (incoming), &incoming_id, error))
    goto failed;
  if (outgoing_id == 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT,
                           _("You have no open shift to hand over"));
      goto failed;
    }
  if (incoming_id != 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_SHIFT_OPEN,
                   _("%s already has an open shift; they must close it before taking over the drawer"),
                   vp_session_get_name (incoming));
      goto failed;
    }
  outgoing = load_shift_locked (db, outgoing_id, error);
  if (outgoing == NULL)
    goto failed;
  object = g_strdup_printf ("shift:%" G_GINT64_FORMAT, outgoing->id);
  before = shift_json (outgoing);
  /* Counted = expected: nobody counted, both cashiers agreed on the ledger's figure. */
  if (!close_shift_locked (db, &outgoing, outgoing->expected, 0, error))
    goto failed;
  shift = insert_shift_locked (db, vp_session_get_operator_id (incoming), outgoing->expected,
                               error);
  if (shift == NULL)
    goto failed;

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "from", vp_session_get_login (actor));
  vp_json_add_string (json, "to", vp_session_get_login (incoming));
  vp_json_add_money (json, "amount", outgoing->expected);
  vp_json_add_int (json, "shift", shift->id);
  after = vp_json_end (json);
  if (!vp_audit_append (db, vp_actor_id (actor), "shift.handover", object, before, after, error))
    goto failed;
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_incoming != NULL)
    *out_incoming = g_steal_pointer (&incoming);
  if (out_shift != NULL)
    *out_shift = g_steal_pointer (&shift);
  return TRUE;

failed:
  vp_database_rollback (db);
  return FALSE;
}
