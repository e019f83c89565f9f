/* vp-ledger.c: every money movement, and the proof that balances add up
 *
 * All movements go through vp_ledger_post_locked(), so the row, the cached balance, the
 * receipt number and the audit row are written the same way, in the caller's
 * transaction. The public operations only check roles, rules and arguments.
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-account-private.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-money.h"

static const char * const kind_names[] = {
  "topup", "refund", "reversal", "charge", "fee", "adjustment",
};

static const char * const method_names[] = {
  NULL, "cash", "card", "wechat", "alipay",
};

#define ENTRY_COLUMNS \
  "l.id, l.account_id, a.number, l.kind, l.amount, l.balance_after, l.operator_id, " \
  "l.approver_id, l.shift_id, l.method, l.reference, l.tendered, l.receipt, " \
  "l.reverses_id, l.meter_id, l.quantity, l.note, l.created_at " \
  "FROM ledger l JOIN accounts a ON a.id = l.account_id "

/* ---- shared helpers of the account model ---- */

char *
vp_model_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

char *
vp_model_time_text (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

void
vp_json_begin (GString *json)
{
  g_string_append_c (json, '{');
}

static void
json_key (GString    *json,
          const char *key)
{
  if (json->len > 1)
    g_string_append_c (json, ',');
  g_string_append_printf (json, "\"%s\":", key);
}

void
vp_json_add_string (GString    *json,
                    const char *key,
                    const char *value)
{
  json_key (json, key);
  if (value == NULL)
    {
      g_string_append (json, "null");
      return;
    }

  g_string_append_c (json, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (json, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (json, "\\u%04x", c);
      else
        g_string_append_c (json, (char) c);
    }
  g_string_append_c (json, '"');
}

void
vp_json_add_int (GString    *json,
                 const char *key,
                 gint64      value)
{
  json_key (json, key);
  g_string_append_printf (json, "%" G_GINT64_FORMAT, value);
}

void
vp_json_add_money (GString    *json,
                   const char *key,
                   gint64      fen)
{
  g_autofree char *text = vp_money_format (fen);

  vp_json_add_string (json, key, text);
}

char *
vp_json_end (GString *json)
{
  g_string_append_c (json, '}');
  return g_string_free (json, FALSE);
}

gint64
vp_actor_id (VpSession *actor)
{
  return actor != NULL ? vp_session_get_operator_id (actor) : 0;
}

void
vp_model_audit_refusal (VpDatabase   *db,
                        VpSession    *actor,
                        const char   *action,
                        const char   *object,
                        const GError *refusal)
{
  g_autoptr(GError) error = NULL;
  GString *json = g_string_new (NULL);
  g_autofree char *after = NULL;

  vp_json_begin (json);
  vp_json_add_string (json, "action", action);
  vp_json_add_string (json, "reason", refusal->message);
  after = vp_json_end (json);

  if (!vp_database_begin (db, &error))
    goto failed;
  if (!vp_audit_append (db, vp_actor_id (actor), "denied", object, NULL, after, &error))
    {
      vp_database_rollback (db);
      goto failed;
    }
  if (vp_database_commit (db, &error))
    return;

failed:
  /* The refusal itself already reaches the operator; a lost record of it must not
   * turn into a second error, but it must not go unnoticed either. */
  g_message ("Could not record refused %s: %s", action, error->message);
}

gboolean
vp_model_check_approver (VpDatabase    *db,
                         gint64         approver_id,
                         VpPermission   permission,
                         GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  VpRole role;
  gboolean ok = FALSE;
  int rc;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT role, active FROM operators WHERE id = ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, approver_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not check the approver"), error);
      goto out;
    }
  if (rc == SQLITE_DONE || sqlite3_column_int (stmt, 1) == 0
      || !vp_role_from_string ((const char *) sqlite3_column_text (stmt, 0), &role)
      || !vp_role_has_permission (role, permission))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED,
                           _("The approver may not approve this; ask a supervisor"));
      goto out;
    }
  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_unlock (db);
  return ok;
}

/* ---- names ---- */

const char *
vp_ledger_kind_to_string (VpLedgerKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);

  return kind_names[kind];
}

static VpLedgerKind
kind_from_string (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_strcmp0 (text, kind_names[i]) == 0)
      return (VpLedgerKind) i;
  g_assert_not_reached ();
}

const char *
vp_payment_method_to_string (VpPaymentMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (method_names), NULL);

  return method_names[method];
}

gboolean
vp_payment_method_from_string (const char      *text,
                               VpPaymentMethod *out_method)
{
  g_return_val_if_fail (out_method != NULL, FALSE);

  for (guint i = 1; text != NULL && i < G_N_ELEMENTS (method_names); i++)
    if (g_str_equal (text, method_names[i]))
      {
        *out_method = (VpPaymentMethod) i;
        return TRUE;
      }
  return FALSE;
}

void
vp_ledger_entry_free (VpLedgerEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->account);
  g_free (entry->reference);
  g_free (entry->receipt);
  g_free (entry->note);
  g_free (entry->created_at);
  g_free (entry);
}

char *
vp_model_column_dup (sqlite3_stmt *stmt,
                     int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static VpLedgerEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  VpLedgerEntry *e = g_new0 (VpLedgerEntry, 1);
  VpPaymentMethod method = VP_PAYMENT_NONE;

  e->id = sqlite3_column_int64 (stmt, 0);
  e->account_id = sqlite3_column_int64 (stmt, 1);
  e->account = vp_model_column_dup (stmt, 2);
  e->kind = kind_from_string ((const char *) sqlite3_column_text (stmt, 3));
  e->amount = sqlite3_column_int64 (stmt, 4);
  e->balance_after = sqlite3_column_int64 (stmt, 5);
  e->balance_before = e->balance_after - e->amount;
  e->operator_id = sqlite3_column_int64 (stmt, 6);
  e->approver_id = sqlite3_column_int64 (stmt, 7);
  e->shift_id = sqlite3_column_int64 (stmt, 8);
  vp_payment_method_from_string ((const char *) sqlite3_column_text (stmt, 9), &method);
  e->method = method;
  e->reference = vp_model_column_dup (stmt, 10);
  e->tendered = sqlite3_column_int64 (stmt, 11);
  if (e->method == VP_PAYMENT_CASH && e->tendered > 0)
    e->change = e->tendered - e->amount;
  e->receipt = vp_model_column_dup (stmt, 12);
  e->reverses_id = sqlite3_column_int64 (stmt, 13);
  e->meter_id = sqlite3_column_int64 (stmt, 14);
  e->quantity = sqlite3_column_type (stmt, 15) == SQLITE_NULL
                ? -1 : sqlite3_column_int64 (stmt, 15);
  e->note = vp_model_column_dup (stmt, 16);
  e->created_at = vp_model_column_dup (stmt, 17);
  return e;
}

/* ---- rows of accounts and shifts, shared with vp-account.c and vp-shift.c ---- */

static const char * const status_names[] = { "open", "suspended", "closed" };

void
vp_account_set_not_found (const char  *number,
                          GError     **error)
{
  gboolean digits = strlen (number) == 8 && strspn (number, "0123456789") == 8;

  if (digits && !vp_account_number_is_valid (number))
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                 _("%s is not an account number: a digit is mistyped (the check digit does not match)"),
                 number);
  else
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                 _("There is no account %s; check the number"), number);
}

gboolean
vp_account_row_lookup (VpDatabase    *db,
                       const char    *number,
                       VpAccountRow  *out_row,
                       GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  const char *status;
  int rc;

  stmt = vp_database_prepare (db,
                              "SELECT id, status, balance, customer_id FROM accounts "
                              "WHERE number = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      vp_account_set_not_found (number, error);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the account"), error);
      return FALSE;
    }

  out_row->id = sqlite3_column_int64 (stmt, 0);
  status = (const char *) sqlite3_column_text (stmt, 1);
  out_row->status = VP_ACCOUNT_STATUS_OPEN;
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (status, status_names[i]) == 0)
      out_row->status = (VpAccountStatus) i;
  out_row->balance = sqlite3_column_int64 (stmt, 2);
  out_row->customer_id = sqlite3_column_int64 (stmt, 3);
  return TRUE;
}

gboolean
vp_account_row_check_status (const VpAccountRow  *row,
                             const char          *number,
                             gboolean             need_open,
                             GError             **error)
{
  if (row->status == VP_ACCOUNT_STATUS_CLOSED)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_ACCOUNT_CLOSED,
                   _("Account %s is closed"), number);
      return FALSE;
    }
  if (need_open && row->status == VP_ACCOUNT_STATUS_SUSPENDED)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_ACCOUNT_CLOSED,
                   _("Account %s is suspended; restore it first"), number);
      return FALSE;
    }
  return TRUE;
}

gboolean
vp_shift_lookup_open (VpDatabase  *db,
                      gint64       operator_id,
                      gint64      *out_shift_id,
                      GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db,
                              "SELECT id FROM shifts WHERE operator_id = ? "
                              "AND closed_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, operator_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the shift"), error);
      return FALSE;
    }
  *out_shift_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

static gboolean
require_open_shift (VpDatabase  *db,
                    VpSession   *actor,
                    gint64      *out_shift_id,
                    GError     **error)
{
  if (!vp_shift_lookup_open (db, vp_actor_id (actor), out_shift_id, error))
    return FALSE;
  if (*out_shift_id == 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT,
                           _("Open a shift first"));
      return FALSE;
    }
  return TRUE;
}

/* ---- booking ---- */

static void
bind_id (sqlite3_stmt *stmt,
         int           index,
         gint64        id)
{
  if (id != 0)
    sqlite3_bind_int64 (stmt, index, id);
  else
    sqlite3_bind_null (stmt, index);
}

gboolean
vp_model_step (VpDatabase    *db,
               sqlite3_stmt  *stmt,
               const char    *what,
               GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  vp_database_set_error (db, rc, what, error);
  return FALSE;
}

/* Takes the next number of @counter; the caller's transaction keeps it gapless. */
static gboolean
next_receipt_number (VpDatabase  *db,
                     const char  *counter,
                     gint64      *out_seq,
                     GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db,
                              "INSERT INTO counters (id, last_number) VALUES (?, 1) "
                              "ON CONFLICT (id) DO UPDATE SET last_number = last_number + 1 "
                              "RETURNING last_number", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, counter, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not take a receipt number"), error);
      return FALSE;
    }
  *out_seq = sqlite3_column_int64 (stmt, 0);
  /* RETURNING rows are only final once the statement has run to completion. */
  return vp_model_step (db, stmt, _("Could not take a receipt number"), error);
}

gboolean
vp_ledger_post_locked (VpDatabase       *db,
                       const VpPosting  *p,
                       VpLedgerEntry   **out_entry,
                       GError          **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(VpLedgerEntry) e = g_new0 (VpLedgerEntry, 1);
  g_autofree char *counter = NULL;
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 seq = 0;
  GString *json;
  int rc;

  g_assert (p->account_id > 0);
  g_assert (ABS (p->amount) <= VP_MONEY_MAX);

  stmt = vp_database_prepare (db, "SELECT balance FROM accounts WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, p->account_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the balance"), error);
      return FALSE;
    }
  e->balance_before = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_reset);

  e->balance_after = e->balance_before + p->amount;
  /* A balance this far out is a bug or an attack, never a real account; refusing it
   * keeps every later sum far from overflow. */
  if (ABS (e->balance_after) > VP_MONEY_MAX)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The balance would leave the range the counter can handle"));
      return FALSE;
    }

  e->account_id = p->account_id;
  e->account = g_strdup (p->account);
  e->kind = p->kind;
  e->amount = p->amount;
  e->operator_id = p->operator_id;
  e->approver_id = p->approver_id;
  e->shift_id = p->shift_id;
  e->method = p->method;
  e->reference = g_strdup (p->reference);
  e->tendered = p->tendered;
  if (p->method == VP_PAYMENT_CASH && p->tendered > 0)
    e->change = p->tendered - p->amount;
  e->reverses_id = p->reverses_id;
  e->meter_id = p->meter_id;
  e->quantity = p->quantity;
  e->note = g_strdup (p->note);
  e->created_at = p->created_at != NULL ? g_strdup (p->created_at) : vp_model_now ();

  if (p->receipt)
    {
      counter = vp_database_get_setting (db, VP_LEDGER_COUNTER_KEY, VP_LEDGER_COUNTER_DEFAULT);
      if (!next_receipt_number (db, counter, &seq, error))
        return FALSE;
      e->receipt = g_strdup_printf ("%s-%08" G_GINT64_FORMAT, counter, seq);
    }

  stmt = vp_database_prepare (db,
                              "INSERT INTO ledger (account_id, kind, amount, balance_after, "
                              "operator_id, approver_id, shift_id, method, reference, tendered, "
                              "counter, receipt_seq, receipt, reverses_id, meter_id, quantity, "
                              "note, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, e->account_id);
  sqlite3_bind_text (stmt, 2, kind_names[e->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, e->amount);
  sqlite3_bind_int64 (stmt, 4, e->balance_after);
  sqlite3_bind_int64 (stmt, 5, e->operator_id);
  bind_id (stmt, 6, e->approver_id);
  bind_id (stmt, 7, e->shift_id);
  sqlite3_bind_text (stmt, 8, method_names[e->method], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, e->reference, -1, SQLITE_TRANSIENT);
  bind_id (stmt, 10, e->tendered);
  sqlite3_bind_text (stmt, 11, counter, -1, SQLITE_TRANSIENT);
  bind_id (stmt, 12, seq);
  sqlite3_bind_text (stmt, 13, e->receipt, -1, SQLITE_TRANSIENT);
  bind_id (stmt, 14, e->reverses_id);
  bind_id (stmt, 15, e->meter_id);
  if (e->quantity >= 0)
    sqlite3_bind_int64 (stmt, 16, e->quantity);
  sqlite3_bind_text (stmt, 17, e->note, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 18, e->created_at, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not book the movement"), error))
    return FALSE;
  e->id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db, "UPDATE accounts SET balance = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, e->balance_after);
  sqlite3_bind_int64 (stmt, 2, e->account_id);
  if (!vp_model_step (db, stmt, _("Could not update the balance"), error))
    return FALSE;

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_money (json, "balance", e->balance_before);
  before = vp_json_end (json);

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_money (json, "balance", e->balance_after);
  vp_json_add_money (json, "amount", e->amount);
  vp_json_add_int (json, "entry", e->id);
  vp_json_add_string (json, "receipt", e->receipt);
  vp_json_add_string (json, "method", method_names[e->method]);
  vp_json_add_string (json, "reference", e->reference);
  if (e->approver_id != 0)
    vp_json_add_int (json, "approver", e->approver_id);
  if (e->reverses_id != 0)
    vp_json_add_int (json, "reverses", e->reverses_id);
  if (e->note != NULL)
    vp_json_add_string (json, "note", e->note);
  after = vp_json_end (json);

  object = g_strdup_printf ("account:%s", e->account);
  if (!vp_audit_append (db, e->operator_id, kind_names[e->kind], object, before, after, error))
    return FALSE;

  if (out_entry != NULL)
    *out_entry = g_steal_pointer (&e);
  return TRUE;
}

gint64
vp_ledger_refund_limit (VpDatabase *db)
{
  g_autofree char *text = NULL;
  gint64 limit = 0;

  text = vp_database_get_setting (db, VP_LEDGER_REFUND_LIMIT_KEY, VP_LEDGER_REFUND_LIMIT_DEFAULT);
  /* A damaged setting must not open the door: fall back to the default limit. */
  if (!vp_money_parse (text, VP_MONEY_ALLOW_ZERO, &limit, NULL)
      && !vp_money_parse (VP_LEDGER_REFUND_LIMIT_DEFAULT, VP_MONEY_ALLOW_ZERO, &limit, NULL))
    g_assert_not_reached ();
  return limit;
}

gboolean
vp_ledger_check_refund_approval (VpDatabase  *db,
                                 VpSession   *actor,
                                 const char  *account,
                                 gint64       amount,
                                 gint64       approver_id,
                                 GError     **error)
{
  gint64 limit = vp_ledger_refund_limit (db);

  if (approver_id != 0)
    return vp_model_check_approver (db, approver_id, VP_PERM_APPROVE, error);
  if (amount <= limit || vp_session_can (actor, VP_PERM_APPROVE))
    return TRUE;

  {
    g_autofree char *amount_text = vp_money_format (amount);
    g_autofree char *limit_text = vp_money_format (limit);

    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED,
                 _("A refund of %s yuan is above the limit of %s yuan; a supervisor must approve it"),
                 amount_text, limit_text);
  }
  return FALSE;
}

/* ---- operations ---- */

static gboolean
check_amount (gint64     amount,
              gboolean   allow_zero,
              GError   **error)
{
  if ((amount > 0 || (allow_zero && amount == 0)) && amount <= VP_MONEY_MAX)
    return TRUE;
  g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                       allow_zero ? _("The amount must not be negative")
                                  : _("The amount must be more than zero"));
  return FALSE;
}

static gboolean
check_account_arg (const char  *account,
                   GError     **error);

/* What every movement checks before its transaction: the role (none for the system),
 * the account argument and the amount. */
static gboolean
check_movement (VpSession     *actor,
                VpPermission   permission,
                const char    *account,
                gint64         amount,
                gboolean       allow_zero,
                GError       **error)
{
  return (actor == NULL || vp_session_require (actor, permission, error))
         && check_account_arg (account, error)
         && check_amount (amount, allow_zero, error);
}

static gboolean
check_account_arg (const char  *account,
                   GError     **error)
{
  if (account != NULL && *account != '\0')
    return TRUE;
  g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("No account number was given"));
  return FALSE;
}

/* Runs @posting (whose account fields are filled in here) in its own transaction after
 * the checks every movement shares. */
typedef gboolean (*PrepareFunc) (VpDatabase    *db,
                                 VpSession     *actor,
                                 VpAccountRow  *row,
                                 VpPosting     *posting,
                                 gpointer       data,
                                 GError       **error);

static gboolean
run_posting (VpDatabase      *db,
             VpSession       *actor,
             const char      *account,
             VpPosting       *posting,
             PrepareFunc      prepare,
             gpointer         data,
             VpLedgerEntry  **out_entry,
             GError         **error)
{
  VpAccountRow row;

  if (!vp_database_begin (db, error))
    return FALSE;

  if (!vp_account_row_lookup (db, account, &row, error))
    goto failed;
  posting->account_id = row.id;
  posting->account = account;
  posting->operator_id = vp_actor_id (actor);
  if (prepare != NULL && !prepare (db, actor, &row, posting, data, error))
    goto failed;
  if (!vp_ledger_post_locked (db, posting, out_entry, error))
    goto failed;
  return vp_database_commit (db, error);

failed:
  vp_database_rollback (db);
  return FALSE;
}

static gboolean
prepare_topup (VpDatabase    *db,
               VpSession     *actor,
               VpAccountRow  *row,
               VpPosting     *posting,
               gpointer       data,
               GError       **error)
{
  return vp_account_row_check_status (row, posting->account, TRUE, error)
         && require_open_shift (db, actor, &posting->shift_id, error);
}

gboolean
vp_ledger_topup (VpDatabase       *db,
                 VpSession        *actor,
                 const char       *account,
                 gint64            amount,
                 VpPaymentMethod   method,
                 const char       *reference,
                 gint64            tendered,
                 VpLedgerEntry   **out_entry,
                 GError          **error)
{
  VpPosting posting = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_movement (actor, VP_PERM_TOPUP, account, amount, FALSE, error))
    return FALSE;
  if (method == VP_PAYMENT_NONE || (guint) method >= G_N_ELEMENTS (method_names))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Choose how the customer pays: cash, card, WeChat or Alipay"));
      return FALSE;
    }
  if (tendered != 0 && (method != VP_PAYMENT_CASH || tendered < amount || tendered > VP_MONEY_MAX))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           method != VP_PAYMENT_CASH
                           ? _("Only cash payments have a tendered amount")
                           : _("The cash tendered is less than the top-up"));
      return FALSE;
    }

  posting.kind = VP_LEDGER_TOPUP;
  posting.amount = amount;
  posting.method = method;
  posting.reference = reference != NULL && *reference != '\0' ? reference : NULL;
  posting.tendered = tendered;
  posting.receipt = TRUE;
  posting.quantity = -1;
  return run_posting (db, actor, account, &posting, prepare_topup, NULL, out_entry, error);
}

static gboolean
prepare_refund (VpDatabase    *db,
                VpSession     *actor,
                VpAccountRow  *row,
                VpPosting     *posting,
                gpointer       data,
                GError       **error)
{
  if (!vp_account_row_check_status (row, posting->account, FALSE, error)
      || !require_open_shift (db, actor, &posting->shift_id, error))
    return FALSE;
  if (-posting->amount > row->balance)
    {
      g_autofree char *balance = vp_money_format (MAX (row->balance, 0));

      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INSUFFICIENT_BALANCE,
                   _("Account %s has only %s yuan to refund"), posting->account, balance);
      return FALSE;
    }
  return TRUE;
}

gboolean
vp_ledger_refund (VpDatabase       *db,
                  VpSession        *actor,
                  const char       *account,
                  gint64            amount,
                  VpPaymentMethod   method,
                  gint64            approver_id,
                  VpLedgerEntry   **out_entry,
                  GError          **error)
{
  VpPosting posting = { 0 };
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_movement (actor, VP_PERM_REFUND, account, amount, FALSE, error))
    return FALSE;
  if ((guint) method >= G_N_ELEMENTS (method_names))
    method = VP_PAYMENT_NONE;
  if (method == VP_PAYMENT_NONE)
    method = VP_PAYMENT_CASH;

  if (!vp_ledger_check_refund_approval (db, actor, account, amount, approver_id, &local_error))
    {
      g_autofree char *object = g_strdup_printf ("account:%s", account);

      vp_model_audit_refusal (db, actor, "refund", object, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  posting.kind = VP_LEDGER_REFUND;
  posting.amount = -amount;
  posting.method = method;
  posting.approver_id = approver_id;
  posting.receipt = TRUE;
  posting.quantity = -1;
  return run_posting (db, actor, account, &posting, prepare_refund, NULL, out_entry, error);
}

static VpLedgerEntry *
find_receipt_locked (VpDatabase  *db,
                     const char  *receipt,
                     GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT " ENTRY_COLUMNS "WHERE l.receipt = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, receipt, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return entry_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                 _("There is no receipt %s; check the number"), receipt);
  else
    vp_database_set_error (db, rc, _("Could not read the receipt"), error);
  return NULL;
}

/* Why @target cannot be reversed now, or NULL when it can. */
static char *
why_not_reversible (VpDatabase           *db,
                    const VpLedgerEntry  *target,
                    const VpAccountRow   *row,
                    GError              **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  if (target->kind != VP_LEDGER_TOPUP)
    return g_strdup_printf (_("Receipt %s is a %s, not a top-up; only top-ups can be reversed"),
                            target->receipt, kind_names[target->kind]);

  stmt = vp_database_prepare (db,
                              "SELECT (SELECT receipt FROM ledger WHERE reverses_id = ?1), "
                              "(SELECT receipt FROM ledger WHERE account_id = ?2 AND kind = 'topup' "
                              "  AND id > ?1 ORDER BY id LIMIT 1), "
                              "(SELECT closed_at IS NULL FROM shifts WHERE id = ?3)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, target->id);
  sqlite3_bind_int64 (stmt, 2, target->account_id);
  sqlite3_bind_int64 (stmt, 3, target->shift_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not check the receipt"), error);
      return NULL;
    }
  if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    return g_strdup_printf (_("Receipt %s was already reversed by receipt %s"),
                            target->receipt, sqlite3_column_text (stmt, 0));
  if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
    return g_strdup_printf (_("Receipt %s is not the account's last top-up (receipt %s came later)"),
                            target->receipt, sqlite3_column_text (stmt, 1));
  if (sqlite3_column_int (stmt, 2) == 0)
    return g_strdup_printf (_("Receipt %s belongs to a shift that is closed; only top-ups of the open shift can be reversed"),
                            target->receipt);
  if (row->balance < target->amount)
    return g_strdup_printf (_("The balance of account %s no longer covers receipt %s; refund instead"),
                            target->account, target->receipt);
  return NULL;
}

gboolean
vp_ledger_reverse (VpDatabase       *db,
                   VpSession        *actor,
                   const char       *receipt,
                   gint64            approver_id,
                   VpLedgerEntry   **out_entry,
                   GError          **error)
{
  g_autoptr(VpLedgerEntry) target = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *reason = NULL;
  VpPosting posting = { 0 };
  VpAccountRow row;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_TOPUP, error))
    return FALSE;
  if (receipt == NULL || *receipt == '\0')
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("No receipt number was given"));
      return FALSE;
    }
  if (approver_id != 0)
    {
      if (!vp_model_check_approver (db, approver_id, VP_PERM_APPROVE, error))
        return FALSE;
    }
  else if (!vp_session_can (actor, VP_PERM_REVERSE))
    {
      g_autofree char *object = g_strdup_printf ("receipt:%s", receipt);

      g_set_error (&local_error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED,
                   _("Reversing receipt %s needs a supervisor's approval"), receipt);
      vp_model_audit_refusal (db, actor, "reversal", object, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!vp_database_begin (db, error))
    return FALSE;

  target = find_receipt_locked (db, receipt, error);
  if (target == NULL || !vp_account_row_lookup (db, target->account, &row, error)
      || !vp_account_row_check_status (&row, target->account, FALSE, error))
    goto failed;
  reason = why_not_reversible (db, target, &row, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto failed;
    }
  if (reason != NULL)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_REVERSIBLE, reason);
      goto failed;
    }

  posting.account_id = target->account_id;
  posting.account = target->account;
  posting.kind = VP_LEDGER_REVERSAL;
  posting.amount = -target->amount;
  posting.operator_id = vp_actor_id (actor);
  posting.approver_id = approver_id;
  /* Booked into the top-up's own shift, so that drawer still balances. */
  posting.shift_id = target->shift_id;
  posting.method = target->method;
  posting.reference = target->receipt;
  posting.receipt = TRUE;
  posting.reverses_id = target->id;
  posting.quantity = -1;
  if (!vp_ledger_post_locked (db, &posting, out_entry, error))
    goto failed;
  return vp_database_commit (db, error);

failed:
  vp_database_rollback (db);
  return FALSE;
}

static gboolean
prepare_not_closed (VpDatabase    *db,
                    VpSession     *actor,
                    VpAccountRow  *row,
                    VpPosting     *posting,
                    gpointer       data,
                    GError       **error)
{
  if (!vp_account_row_check_status (row, posting->account, FALSE, error))
    return FALSE;
  /* Fees and adjustments made at the counter land in the open shift, if any. */
  return actor == NULL || vp_shift_lookup_open (db, vp_actor_id (actor), &posting->shift_id, error);
}

/* A charge's meter, when given, must be one of the account's (current or past). */
static gboolean
prepare_charge (VpDatabase    *db,
                VpSession     *actor,
                VpAccountRow  *row,
                VpPosting     *posting,
                gpointer       data,
                GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  if (!prepare_not_closed (db, actor, row, posting, data, error))
    return FALSE;
  if (posting->meter_id == 0)
    return TRUE;
  stmt = vp_database_prepare (db, "SELECT 1 FROM meters WHERE id = ? AND account_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, posting->meter_id);
  sqlite3_bind_int64 (stmt, 2, row->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                 _("Meter %" PRId64 " does not belong to account %s"),
                 posting->meter_id, posting->account);
  else
    vp_database_set_error (db, rc, _("Could not read the meter"), error);
  return FALSE;
}

static gboolean
check_reason (const char  *reason,
              GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));

  if (*stripped != '\0')
    return TRUE;
  g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Give a reason for the fee or adjustment"));
  return FALSE;
}

gboolean
vp_ledger_charge (VpDatabase       *db,
                  VpSession        *actor,
                  const char       *account,
                  gint64            amount,
                  gint64            meter_id,
                  gint64            quantity,
                  const char       *note,
                  VpLedgerEntry   **out_entry,
                  GError          **error)
{
  VpPosting posting = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_movement (actor, VP_PERM_ACCOUNT_MANAGE, account, amount, TRUE, error))
    return FALSE;

  posting.kind = VP_LEDGER_CHARGE;
  posting.amount = -amount;
  posting.meter_id = meter_id;
  posting.quantity = quantity >= 0 ? quantity : -1;
  posting.note = note;
  return run_posting (db, actor, account, &posting, prepare_charge, NULL, out_entry, error);
}

/* Fees (debit only) and adjustments (either sign) share everything but the role. */
static gboolean
book_with_reason (VpDatabase      *db,
                  VpSession       *actor,
                  VpPermission     permission,
                  VpLedgerKind     kind,
                  const char      *account,
                  gint64           amount,
                  const char      *reason,
                  VpLedgerEntry  **out_entry,
                  GError         **error)
{
  VpPosting posting = { 0 };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_movement (actor, permission, account,
                       kind == VP_LEDGER_FEE ? amount : ABS (amount), FALSE, error)
      || !check_reason (reason, error))
    return FALSE;

  posting.kind = kind;
  posting.amount = kind == VP_LEDGER_FEE ? -amount : amount;
  posting.receipt = TRUE;
  posting.quantity = -1;
  posting.note = reason;
  return run_posting (db, actor, account, &posting, prepare_not_closed, NULL, out_entry, error);
}

gboolean
vp_ledger_fee (VpDatabase      *db,
               VpSession       *actor,
               const char      *account,
               gint64           amount,
               const char      *reason,
               VpLedgerEntry  **out_entry,
               GError         **error)
{
  return book_with_reason (db, actor, VP_PERM_ACCOUNT_MANAGE, VP_LEDGER_FEE,
                           account, amount, reason, out_entry, error);
}

gboolean
vp_ledger_adjust (VpDatabase      *db,
                  VpSession       *actor,
                  const char      *account,
                  gint64           amount,
                  const char      *reason,
                  VpLedgerEntry  **out_entry,
                  GError         **error)
{
  return book_with_reason (db, actor, VP_PERM_APPROVE, VP_LEDGER_ADJUSTMENT,
                           account, amount, reason, out_entry, error);
}

/* ---- reading ---- */

GPtrArray *
vp_ledger_list (VpDatabase  *db,
                VpSession   *actor,
                const char  *account,
                gint64       limit,
                GError     **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  VpAccountRow row;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error)
      || !check_account_arg (account, error))
    return NULL;

  vp_database_lock (db);
  if (!vp_account_row_lookup (db, account, &row, error))
    goto out;
  stmt = vp_database_prepare (db, "SELECT " ENTRY_COLUMNS
                              "WHERE l.account_id = ? ORDER BY l.id DESC LIMIT ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, row.id);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? limit : -1);
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_ledger_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (entries, entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the account's history"), error);
      g_clear_pointer (&entries, g_ptr_array_unref);
    }

out:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_unlock (db);
  return g_steal_pointer (&entries);
}

VpLedgerEntry *
vp_ledger_find_receipt (VpDatabase  *db,
                        VpSession   *actor,
                        const char  *receipt,
                        GError     **error)
{
  VpLedgerEntry *entry;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;
  vp_database_lock (db);
  entry = find_receipt_locked (db, receipt != NULL ? receipt : "", error);
  vp_database_unlock (db);
  return entry;
}

/* ---- verification ---- */

/* Runs @sql; when it yields a row, fails with @format filled from its first columns
 * (all text). */
static gboolean
verify_none (VpDatabase  *db,
             const char  *sql,
             const char  *format,
             GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not verify the ledger"), error);
      return FALSE;
    }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED, format,
               sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
               sqlite3_column_text (stmt, 2));
#pragma GCC diagnostic pop
  return FALSE;
}

gboolean
vp_ledger_verify (VpDatabase  *db,
                  gint64      *out_rows,
                  GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  vp_database_lock (db);
  /* One read transaction (a savepoint, so this also works inside the caller's
   * transaction), so the checks see one consistent state while the counter keeps
   * working. */
  if (!vp_database_exec (db, "SAVEPOINT vp_read", error))
    goto out_unlocked;

  if (!verify_none (db,
                    "SELECT a.number, printf ('%.2f', a.balance / 100.0), "
                    "printf ('%.2f', COALESCE (s.total, 0) / 100.0) "
                    "FROM accounts a LEFT JOIN (SELECT account_id, SUM (amount) AS total "
                    "FROM ledger GROUP BY account_id) s ON s.account_id = a.id "
                    "WHERE a.balance <> COALESCE (s.total, 0) LIMIT 1",
                    _("Account %s: the stored balance %s does not equal the ledger sum %s"),
                    error)
      || !verify_none (db,
                       "SELECT a.number, r.id, r.run FROM (SELECT id, account_id, "
                       "balance_after, SUM (amount) OVER (PARTITION BY account_id ORDER BY id) "
                       "AS run FROM ledger) r JOIN accounts a ON a.id = r.account_id "
                       "WHERE r.balance_after <> r.run LIMIT 1",
                       _("Account %s: ledger row %s does not carry the running balance %s"),
                       error)
      || !verify_none (db,
                       "SELECT l.receipt, l.counter, l.receipt_seq FROM ledger l "
                       "WHERE l.counter IS NOT NULL AND (l.receipt IS NULL OR "
                       "l.receipt <> printf ('%s-%08d', l.counter, l.receipt_seq)) LIMIT 1",
                       _("Receipt %s does not match its counter %s and number %s"),
                       error)
      || !verify_none (db,
                       "SELECT printf ('%s-%08d', c.id, m.missing), c.id, m.missing FROM ("
                       " SELECT counter, 1 AS missing FROM ledger WHERE counter IS NOT NULL "
                       "  GROUP BY counter HAVING MIN (receipt_seq) > 1"
                       " UNION ALL"
                       " SELECT l.counter, l.receipt_seq + 1 FROM ledger l"
                       "  WHERE l.counter IS NOT NULL AND l.receipt_seq < (SELECT MAX (receipt_seq)"
                       "   FROM ledger WHERE counter = l.counter)"
                       "  AND NOT EXISTS (SELECT 1 FROM ledger n WHERE n.counter = l.counter"
                       "   AND n.receipt_seq = l.receipt_seq + 1)) m"
                       " JOIN counters c ON c.id = m.counter ORDER BY 1 LIMIT 1",
                       _("Receipt %s is missing: the numbers of counter %s have a gap at %s"),
                       error)
      || !verify_none (db,
                       "SELECT printf ('%s-%08d', c.id, c.last_number), c.id, "
                       "COALESCE (MAX (l.receipt_seq), 0) FROM counters c "
                       "LEFT JOIN ledger l ON l.counter = c.id GROUP BY c.id "
                       "HAVING c.last_number <> COALESCE (MAX (l.receipt_seq), 0) LIMIT 1",
                       _("Receipt %s was issued but is not in the ledger (counter %s ends at %s)"),
                       error)
      || !verify_none (db,
                       "SELECT r.receipt, a.number, COALESCE (t.receipt, 'none') FROM ledger r "
                       "JOIN accounts a ON a.id = r.account_id "
                       "LEFT JOIN ledger t ON t.id = r.reverses_id "
                       "WHERE (r.kind = 'reversal') <> (r.reverses_id IS NOT NULL) "
                       "OR (r.kind = 'reversal' AND (t.id IS NULL OR t.kind <> 'topup' "
                       "OR t.account_id <> r.account_id OR t.amount <> -r.amount)) LIMIT 1",
                       _("Reversal %s of account %s does not cancel a top-up (it points at %s)"),
                       error))
    goto out;

  if (out_rows != NULL)
    {
      stmt = vp_database_prepare (db, "SELECT COUNT (*) FROM ledger", error);
      if (stmt == NULL)
        goto out;
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          vp_database_set_error (db, rc, _("Could not verify the ledger"), error);
          goto out;
        }
      *out_rows = sqlite3_column_int64 (stmt, 0);
    }
  ok = TRUE;

out:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_exec (db, "RELEASE vp_read", NULL);
out_unlocked:
  vp_database_unlock (db);
  return ok;
}
