/* vp-postpaid.c: bills paid at the counter, and postpaid accounts */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-audit.h"
#include "vp-model-error.h"
#include "vp-postpaid.h"

#define BILL_COLUMNS \
  "b.id, a.number, c.name, b.source, b.item, b.period_start, b.period_end, b.amount, " \
  "b.paid, b.in_balance, b.state, b.due_date, b.created_at " \
  "FROM bills b JOIN accounts a ON a.id = b.account_id " \
  "JOIN customers c ON c.id = a.customer_id "

const char *
vp_charge_mode_to_string (VpChargeMode mode)
{
  return mode == VP_CHARGE_BILL ? "bill" : "deduct";
}

gboolean
vp_charge_mode_from_string (const char   *text,
                            VpChargeMode *out_mode)
{
  g_return_val_if_fail (out_mode != NULL, FALSE);

  if (g_strcmp0 (text, "deduct") == 0)
    *out_mode = VP_CHARGE_DEDUCT;
  else if (g_strcmp0 (text, "bill") == 0)
    *out_mode = VP_CHARGE_BILL;
  else
    return FALSE;
  return TRUE;
}

void
vp_bill_free (VpBill *bill)
{
  if (bill == NULL)
    return;
  g_free (bill->number);
  g_free (bill->account);
  g_free (bill->name);
  g_free (bill->source);
  g_free (bill->item);
  g_free (bill->period_start);
  g_free (bill->period_end);
  g_free (bill->state);
  g_free (bill->due_date);
  g_free (bill->created_at);
  g_free (bill);
}

static VpBill *
bill_from_row (sqlite3_stmt *stmt)
{
  VpBill *bill = g_new0 (VpBill, 1);

  bill->id = sqlite3_column_int64 (stmt, 0);
  bill->number = g_strdup_printf ("B%08" G_GINT64_FORMAT, bill->id);
  bill->account = vp_model_column_dup (stmt, 1);
  bill->name = vp_model_column_dup (stmt, 2);
  bill->source = vp_model_column_dup (stmt, 3);
  bill->item = vp_model_column_dup (stmt, 4);
  bill->period_start = vp_model_column_dup (stmt, 5);
  bill->period_end = vp_model_column_dup (stmt, 6);
  bill->amount = sqlite3_column_int64 (stmt, 7);
  bill->paid = sqlite3_column_int64 (stmt, 8);
  bill->in_balance = sqlite3_column_int (stmt, 9) != 0;
  bill->state = vp_model_column_dup (stmt, 10);
  bill->due_date = vp_model_column_dup (stmt, 11);
  bill->created_at = vp_model_column_dup (stmt, 12);
  return bill;
}

/* "B00000012" → 12; FALSE for anything else. */
static gboolean
bill_number_parse (const char *number,
                   gint64     *out_id)
{
  guint64 id;

  if (number == NULL || number[0] != 'B' || strlen (number) != 9
      || !g_ascii_string_to_unsigned (number + 1, 10, 1, G_MAXINT64, &id, NULL))
    return FALSE;
  *out_id = (gint64) id;
  return TRUE;
}

gboolean
vp_bill_insert_locked (VpDatabase  *db,
                       gint64       account_id,
                       const char  *source,
                       const char  *item,
                       const char  *period_start,
                       const char  *period_end,
                       gint64       amount,
                       gboolean     in_balance,
                       const char  *state,
                       const char  *due_date,
                       gint64      *out_id,
                       GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();

  g_assert (vp_database_in_transaction (db));
  g_assert (amount >= 0);

  stmt = vp_database_prepare (db, "INSERT INTO bills (account_id, source, item, period_start, "
                              "period_end, amount, in_balance, state, due_date, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, source, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, item, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, period_start, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, period_end, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, amount);
  sqlite3_bind_int (stmt, 7, in_balance ? 1 : 0);
  sqlite3_bind_text (stmt, 8, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, due_date, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the bill"), error))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
  return TRUE;
}

static VpBill *
bill_get_locked (VpDatabase  *db,
                 const char  *number,
                 GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  gint64 id;
  int rc;

  if (!bill_number_parse (number, &id))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a bill number (B and 8 digits, e.g. B00000001)"),
                   number != NULL ? number : "");
      return NULL;
    }
  stmt = vp_database_prepare (db, "SELECT " BILL_COLUMNS "WHERE b.id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return bill_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                 _("There is no bill %s"), number);
  else
    vp_database_set_error (db, rc, _("Could not read the bill"), error);
  return NULL;
}

VpBill *
vp_bill_get (VpDatabase  *db,
             VpSession   *actor,
             const char  *number,
             GError     **error)
{
  VpBill *bill;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;
  vp_database_lock (db);
  bill = bill_get_locked (db, number, error);
  vp_database_unlock (db);
  return bill;
}

GPtrArray *
vp_bill_list (VpDatabase  *db,
              VpSession   *actor,
              const char  *account,
              const char  *state,
              GError     **error)
{
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT " BILL_COLUMNS
                              "WHERE (?1 IS NULL OR a.number = ?1) "
                              "AND (?2 IS NULL OR b.state = ?2) ORDER BY b.id", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, state, -1, SQLITE_TRANSIENT);
  bills = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_bill_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (bills, bill_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the bills"), error);
      g_clear_pointer (&bills, g_ptr_array_unref);
    }
out:
  vp_database_unlock (db);
  return g_steal_pointer (&bills);
}

static gboolean
bill_pay_locked (VpDatabase       *db,
                 VpSession        *actor,
                 const VpBill     *bill,
                 gint64            amount,
                 VpPaymentMethod   method,
                 gint64            tendered,
                 VpLedgerEntry   **out_entry,
                 GError          **error)
{
  g_autoptr(VpLedgerEntry) topup = NULL;
  g_autoptr(VpLedgerEntry) fee = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;
  g_autofree char *amount_text = NULL;
  g_autofree char *paid_text = NULL;
  gint64 paid = bill->paid + amount;

  if (g_strcmp0 (bill->state, "open") != 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   g_strcmp0 (bill->state, "draft") == 0
                   ? _("Bill %s is still a draft: confirm it first")
                   : _("Bill %s is not open for payment"), bill->number);
      return FALSE;
    }
  if (amount <= 0 || amount > bill->amount - bill->paid)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                   _("Pay between 0.01 and %" G_GINT64_FORMAT ".%02d yuan on bill %s"),
                   (bill->amount - bill->paid) / 100, (int) ((bill->amount - bill->paid) % 100),
                   bill->number);
      return FALSE;
    }

  if (!vp_ledger_topup (db, actor, bill->account, amount, method, bill->number, tendered,
                        &topup, error))
    return FALSE;
  /* Outside the balance: the cash pays the item, so the same amount goes out as a fee. */
  if (!bill->in_balance
      && !vp_ledger_fee (db, actor, bill->account, amount, bill->item, &fee, error))
    return FALSE;

  stmt = vp_database_prepare (db, "INSERT INTO bill_payments (bill_id, amount, topup_id, "
                              "fee_id, created_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bill->id);
  sqlite3_bind_int64 (stmt, 2, amount);
  sqlite3_bind_int64 (stmt, 3, topup->id);
  if (fee != NULL)
    sqlite3_bind_int64 (stmt, 4, fee->id);
  else
    sqlite3_bind_null (stmt, 4);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not record the payment"), error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db, "UPDATE bills SET paid = ?, state = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, paid);
  sqlite3_bind_text (stmt, 2, paid == bill->amount ? "paid" : "open", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, bill->id);
  if (!vp_model_step (db, stmt, _("Could not record the payment"), error))
    return FALSE;

  amount_text = g_strdup_printf ("%" G_GINT64_FORMAT, amount);
  paid_text = g_strdup_printf ("%" G_GINT64_FORMAT, paid);
  object = g_strdup_printf ("bill:%s", bill->number);
  before = vp_audit_json ("state", bill->state, NULL);
  after = vp_audit_json ("amount", amount_text, "paid", paid_text,
                         "receipt", topup->receipt, NULL);
  if (!vp_audit_append (db, vp_actor_id (actor), "bill.pay", object, before, after, error))
    return FALSE;
  if (out_entry != NULL)
    *out_entry = g_steal_pointer (&topup);
  return TRUE;
}

gboolean
vp_bill_pay (VpDatabase       *db,
             VpSession        *actor,
             const char       *number,
             gint64            amount,
             VpPaymentMethod   method,
             gint64            tendered,
             VpLedgerEntry   **out_entry,
             GError          **error)
{
  g_autoptr(VpBill) bill = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_TOPUP, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  bill = bill_get_locked (db, number, error);
  if (bill == NULL
      || !bill_pay_locked (db, actor, bill, amount, method, tendered, out_entry, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}
