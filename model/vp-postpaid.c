/* vp-postpaid.c: bills paid at the counter, and postpaid accounts */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-apportion.h"
#include "vp-audit.h"
#include "vp-csv.h"
#include "vp-engine.h"
#include "vp-layout.h"
#include "vp-money.h"
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
                   _("Pay between 0.01 and %" PRId64 ".%02d yuan on bill %s"),
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

/* ---- arrears and export ---- */

static gboolean
today_or_now (const char  *today,
              GDate       *out_date,
              GError     **error)
{
  g_autoptr(GDateTime) now = NULL;

  if (today != NULL)
    return vp_site_parse_date (today, out_date, error);
  now = g_date_time_new_now_local ();
  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  return TRUE;
}

GPtrArray *
vp_bill_list_overdue (VpDatabase  *db,
                      VpSession   *actor,
                      const char  *today,
                      GError     **error)
{
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *day = NULL;
  GDate date;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error)
      || !today_or_now (today, &date, error))
    return NULL;
  day = vp_site_date_text (&date);
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT " BILL_COLUMNS "WHERE b.state = 'open' "
                              "AND b.due_date < ? ORDER BY b.due_date, b.id", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
  bills = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_bill_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (bills, bill_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the arrears"), error);
      g_clear_pointer (&bills, g_ptr_array_unref);
    }
out:
  vp_database_unlock (db);
  return g_steal_pointer (&bills);
}

static gboolean
export_csv (GPtrArray   *bills,
            const char  *path,
            GError     **error)
{
  g_autoptr(VpCsvWriter) csv = vp_csv_writer_new (VP_CSV_BOM | VP_CSV_FORMULA_SAFE);
  const char *header[] = { "bill", "account", "name", "item", "period_start", "period_end",
                           "amount", "paid", "owed", "due_date", "state", NULL };

  vp_csv_writer_add_row (csv, header);
  for (guint i = 0; i < bills->len; i++)
    {
      const VpBill *bill = g_ptr_array_index (bills, i);

      vp_csv_writer_add_text (csv, bill->number);
      vp_csv_writer_add_text (csv, bill->account);
      vp_csv_writer_add_text (csv, bill->name);
      vp_csv_writer_add_text (csv, bill->item);
      vp_csv_writer_add_text (csv, bill->period_start);
      vp_csv_writer_add_text (csv, bill->period_end);
      vp_csv_writer_add_money (csv, bill->amount);
      vp_csv_writer_add_money (csv, bill->paid);
      vp_csv_writer_add_money (csv, bill->amount - bill->paid);
      vp_csv_writer_add_text (csv, bill->due_date);
      vp_csv_writer_add_text (csv, bill->state);
      vp_csv_writer_end_row (csv);
    }
  return vp_csv_writer_save (csv, path, error);
}

/* One A5 page per bill, to print or send to the customer. */
static gboolean
export_pdf (GPtrArray   *bills,
            const char  *path,
            GError     **error)
{
  g_autoptr(VpDocument) doc = vp_document_new (error);

  if (doc == NULL)
    return FALSE;
  if (bills->len == 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("There are no bills to export"));
      return FALSE;
    }
  for (guint i = 0; i < bills->len; i++)
    {
      /* a layout per bill: each starts its own page */
      g_autoptr(VpLayout) layout = vp_layout_new (doc, VP_MM_TO_PT (148), VP_MM_TO_PT (210),
                                                  VP_MM_TO_PT (12));
      const VpBill *bill = g_ptr_array_index (bills, i);
      g_autofree char *amount = vp_money_format (bill->amount);
      g_autofree char *paid = vp_money_format (bill->paid);
      g_autofree char *owed = vp_money_format (bill->amount - bill->paid);
      g_autofree char *period = g_strdup_printf ("%s – %s", bill->period_start,
                                                 bill->period_end);

      vp_layout_text (layout, "缴费通知单  BILL", 16, VP_TEXT_BOLD, VP_ALIGN_CENTER);
      vp_layout_space (layout, 8);
      vp_layout_pair (layout, "账单号 Bill", bill->number, 10, VP_TEXT_REGULAR);
      vp_layout_pair (layout, "户号 Account", bill->account, 10, VP_TEXT_REGULAR);
      vp_layout_pair (layout, "户名 Name", bill->name, 10, VP_TEXT_REGULAR);
      vp_layout_pair (layout, "项目 Item", bill->item, 10, VP_TEXT_REGULAR);
      vp_layout_pair (layout, "期间 Period", period, 10, VP_TEXT_REGULAR);
      vp_layout_rule (layout, 0.5, FALSE);
      vp_layout_pair (layout, "金额 Amount", amount, 10, VP_TEXT_REGULAR);
      vp_layout_pair (layout, "已付 Paid", paid, 10, VP_TEXT_REGULAR);
      vp_layout_pair (layout, "应付 Due", owed, 12, VP_TEXT_BOLD);
      vp_layout_pair (layout, "缴费期限 Pay by", bill->due_date, 10, VP_TEXT_REGULAR);
      vp_layout_finish (layout);
    }
  return vp_document_save_pdf (doc, "缴费通知单 Bills", path, error);
}

gboolean
vp_bill_export (GPtrArray   *bills,
                const char  *path,
                GError     **error)
{
  g_return_val_if_fail (bills != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV"))
    return export_csv (bills, path, error);
  if (g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF"))
    return export_pdf (bills, path, error);
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("Export to a .csv or a .pdf file, not “%s”"), path);
  return FALSE;
}

/* ---- postpaid bill runs ---- */

static gint64
setting_int (VpDatabase *db,
             const char *key,
             gint64      fallback,
             gint64      min,
             gint64      max)
{
  g_autofree char *text = vp_database_get_setting (db, key, NULL);
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    return fallback;
  return value;
}

/* The billing month of @period: [bill day of the month before, bill day of @period). */
static gboolean
postpaid_period (VpDatabase  *db,
                 const char  *period,
                 GDate       *out_start,
                 GDate       *out_end,
                 GError     **error)
{
  g_autofree char *first = NULL;
  int day = (int) setting_int (db, VP_POSTPAID_BILL_DAY_KEY, 1, 1, 28);

  if (!vp_site_month_range (period, NULL, NULL, &first, NULL, error)
      || !vp_site_parse_date (first, out_end, error))
    return FALSE;
  g_date_set_day (out_end, day);
  *out_start = *out_end;
  g_date_subtract_months (out_start, 1);
  return TRUE;
}

static gboolean
run_id_locked (VpDatabase  *db,
               const char  *period,
               gint64      *out_id,
               gboolean    *out_confirmed,
               GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  *out_id = 0;
  stmt = vp_database_prepare (db, "SELECT id, state = 'confirmed' FROM postpaid_runs "
                              "WHERE period = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, period, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_id = sqlite3_column_int64 (stmt, 0);
      *out_confirmed = sqlite3_column_int (stmt, 1) != 0;
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  vp_database_set_error (db, rc, _("Could not read the bill run"), error);
  return FALSE;
}

static gboolean
bill_run_locked (VpDatabase  *db,
                 VpSession   *actor,
                 const char  *period,
                 guint       *out_bills,
                 GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  g_autofree char *due_text = NULL;
  g_autofree char *item = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *object = g_strdup_printf ("postpaid:%s", period);
  g_autofree char *count_text = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GArray) accounts = g_array_new (FALSE, FALSE, sizeof (gint64));
  GDate start, end, due;
  gint64 run_id;
  gboolean confirmed = FALSE;
  guint made = 0;
  int rc;

  if (!postpaid_period (db, period, &start, &end, error)
      || !run_id_locked (db, period, &run_id, &confirmed, error))
    return FALSE;
  if (confirmed)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("The bills for %s were confirmed already"), period);
      return FALSE;
    }
  start_text = vp_site_date_text (&start);
  end_text = vp_site_date_text (&end);
  due = end;
  g_date_add_days (&due, (guint) setting_int (db, VP_POSTPAID_DUE_DAYS_KEY, 15, 0, 365));
  due_text = vp_site_date_text (&due);

  if (run_id != 0)
    {
      /* drafts take no payments, so a rerun may simply replace them */
      stmt = vp_database_prepare (db, "DELETE FROM bills WHERE run_id = ? AND state = 'draft'",
                                  error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, run_id);
      if (!vp_model_step (db, stmt, _("Could not replace the draft bills"), error))
        return FALSE;
      g_clear_pointer (&stmt, sqlite3_reset);
    }
  else
    {
      stmt = vp_database_prepare (db, "INSERT INTO postpaid_runs (period, period_start, period_end, "
                                  "state, created_at) VALUES (?, ?, ?, 'draft', ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, period, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, start_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, end_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
      if (!vp_model_step (db, stmt, _("Could not store the bill run"), error))
        return FALSE;
      run_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
      g_clear_pointer (&stmt, sqlite3_reset);
    }

  stmt = vp_database_prepare (db, "SELECT id FROM accounts WHERE mode = 'postpaid' "
                              "AND status <> 'closed' ORDER BY number", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (accounts, id);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the postpaid accounts"), error);
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_reset);

  item = g_strdup_printf (_("Electricity and water %s"), period);
  for (guint i = 0; i < accounts->len; i++)
    {
      gint64 account_id = g_array_index (accounts, gint64, i);
      gint64 amount;

      stmt = vp_database_prepare (db, "SELECT COALESCE (SUM (r.charged), 0) FROM readings r "
                                  "JOIN meters m ON m.id = r.meter_id WHERE m.account_id = ? "
                                  "AND r.status = 'charged' AND r.station_time >= ? "
                                  "AND r.station_time < ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      sqlite3_bind_int64 (stmt, 2, vp_site_date_midnight (&start));
      sqlite3_bind_int64 (stmt, 3, vp_site_date_midnight (&end));
      if (!vp_model_step (db, stmt, _("Could not read the charges"), error))
        return FALSE;
      amount = sqlite3_column_int64 (stmt, 0);
      g_clear_pointer (&stmt, sqlite3_reset);
      if (!vp_bill_insert_locked (db, account_id, "postpaid", item, start_text, end_text,
                                  amount, TRUE, "draft", due_text, NULL, error))
        return FALSE;
      stmt = vp_database_prepare (db, "UPDATE bills SET run_id = ? WHERE id = "
                                  "last_insert_rowid ()", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, run_id);
      if (!vp_model_step (db, stmt, _("Could not store the bill"), error))
        return FALSE;
      g_clear_pointer (&stmt, sqlite3_reset);
      made++;
    }

  count_text = g_strdup_printf ("%u", made);
  after = vp_audit_json ("from", start_text, "to", end_text, "bills", count_text, NULL);
  if (!vp_audit_append (db, vp_actor_id (actor), "postpaid.run", object, NULL, after, error))
    return FALSE;
  if (out_bills != NULL)
    *out_bills = made;
  return TRUE;
}

/* Runs @func inside one transaction after the permission check. */
static gboolean
in_transaction (VpDatabase  *db,
                gboolean   (*func) (VpDatabase *, VpSession *, const char *, guint *, GError **),
                VpSession   *actor,
                const char  *period,
                guint       *out_count,
                GError     **error)
{
  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!func (db, actor, period, out_count, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

gboolean
vp_postpaid_bill_run (VpDatabase  *db,
                      VpSession   *actor,
                      const char  *period,
                      guint       *out_bills,
                      GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  return in_transaction (db, bill_run_locked, actor, period, out_bills, error);
}

static gboolean
confirm_locked (VpDatabase  *db,
                VpSession   *actor,
                const char  *period,
                guint       *out_bills,
                GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *object = g_strdup_printf ("postpaid:%s", period);
  g_autofree char *count_text = NULL;
  g_autofree char *after = NULL;
  gint64 run_id;
  gboolean confirmed = FALSE;
  guint count;

  if (!vp_site_month_range (period, NULL, NULL, NULL, NULL, error)
      || !run_id_locked (db, period, &run_id, &confirmed, error))
    return FALSE;
  if (run_id == 0 || confirmed)
    {
      g_set_error (error, VP_MODEL_ERROR,
                   run_id == 0 ? VP_MODEL_ERROR_NOT_FOUND : VP_MODEL_ERROR_EXISTS,
                   run_id == 0 ? _("There is no bill run for %s: run it first")
                   : _("The bills for %s were confirmed already"), period);
      return FALSE;
    }
  /* a zero bill asks nothing of the customer: it is settled at once */
  stmt = vp_database_prepare (db, "UPDATE bills SET state = CASE WHEN amount = 0 THEN 'paid' "
                              "ELSE 'open' END, confirmed_at = ?1, confirmed_by = ?2 "
                              "WHERE run_id = ?3 AND state = 'draft'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, vp_actor_id (actor));
  sqlite3_bind_int64 (stmt, 3, run_id);
  if (!vp_model_step (db, stmt, _("Could not confirm the bills"), error))
    return FALSE;
  count = sqlite3_changes (vp_database_get_handle (db));
  g_clear_pointer (&stmt, sqlite3_reset);
  stmt = vp_database_prepare (db, "UPDATE postpaid_runs SET state = 'confirmed', "
                              "confirmed_at = ?, confirmed_by = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, vp_actor_id (actor));
  sqlite3_bind_int64 (stmt, 3, run_id);
  if (!vp_model_step (db, stmt, _("Could not confirm the bills"), error))
    return FALSE;
  count_text = g_strdup_printf ("%u", count);
  after = vp_audit_json ("bills", count_text, NULL);
  if (!vp_audit_append (db, vp_actor_id (actor), "postpaid.confirm", object, NULL, after, error))
    return FALSE;
  if (out_bills != NULL)
    *out_bills = count;
  return TRUE;
}

gboolean
vp_postpaid_confirm (VpDatabase  *db,
                     VpSession   *actor,
                     const char  *period,
                     guint       *out_bills,
                     GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  return in_transaction (db, confirm_locked, actor, period, out_bills, error);
}

/* Claims (bill, action) once; *@out_new FALSE when it was done before. */
static gboolean
claim_action_locked (VpDatabase  *db,
                     gint64       bill_id,
                     const char  *action,
                     gboolean    *out_new,
                     GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();

  stmt = vp_database_prepare (db, "INSERT INTO bill_actions (bill_id, action, created_at) "
                              "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bill_id);
  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not record the reminder"), error))
    return FALSE;
  *out_new = sqlite3_changes (vp_database_get_handle (db)) > 0;
  return TRUE;
}

static gboolean
remind_one_locked (VpDatabase    *db,
                   const VpBill  *bill,
                   gboolean      *out_sent,
                   GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *owed = vp_money_format (bill->amount - bill->paid);
  g_autofree char *zh = NULL;
  g_autofree char *en = NULL;

  if (!claim_action_locked (db, bill->id, "reminder", out_sent, error))
    return FALSE;
  if (!*out_sent)
    return TRUE;
  zh = g_strdup_printf ("【缴费提醒】户号%s的账单%s（%s）应付%s元，已于%s到期，请尽快到收费处缴纳。",
                        bill->account, bill->number, bill->item, owed, bill->due_date);
  en = g_strdup_printf ("Reminder: bill %s (%s) of account %s, %s yuan, was due on %s. "
                        "Please pay at the counter.", bill->number, bill->item, bill->account,
                        owed, bill->due_date);
  stmt = vp_database_prepare (db, "INSERT INTO outbox (account_id, recipient, text_zh, text_en, "
                              "created_at) SELECT a.id, c.phone, ?, ?, ? FROM accounts a "
                              "JOIN customers c ON c.id = a.customer_id WHERE a.number = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, zh, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, en, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, bill->account, -1, SQLITE_TRANSIENT);
  return vp_model_step (db, stmt, _("Could not queue the reminder"), error);
}

static gboolean
trip_one_locked (VpDatabase    *db,
                 VpSession     *actor,
                 const VpBill  *bill,
                 gboolean      *out_tripped,
                 GError       **error)
{
  g_autofree char *reason = NULL;

  if (!claim_action_locked (db, bill->id, "trip", out_tripped, error))
    return FALSE;
  if (!*out_tripped)
    return TRUE;
  reason = g_strdup_printf (_("Bill %s overdue since %s"), bill->number, bill->due_date);
  return vp_engine_control (db, actor, bill->account, "trip", reason, NULL, error);
}

gboolean
vp_postpaid_remind (VpDatabase  *db,
                    VpSession   *actor,
                    const char  *today,
                    guint       *out_reminders,
                    guint       *out_trips,
                    GError     **error)
{
  g_autoptr(GPtrArray) overdue = NULL;
  gint64 trip_after;
  guint reminders = 0, trips = 0;
  GDate date;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
      || !today_or_now (today, &date, error))
    return FALSE;
  overdue = vp_bill_list_overdue (db, actor, today, error);
  if (overdue == NULL)
    return FALSE;
  trip_after = setting_int (db, VP_POSTPAID_TRIP_AFTER_KEY, 0, 0, 3650);

  for (guint i = 0; i < overdue->len; i++)
    {
      const VpBill *bill = g_ptr_array_index (overdue, i);
      gboolean sent = FALSE, tripped = FALSE;
      GDate due;
      gboolean ok;

      if (!vp_database_begin (db, error))
        return FALSE;
      ok = remind_one_locked (db, bill, &sent, error);
      if (ok && trip_after > 0 && vp_site_parse_date (bill->due_date, &due, NULL)
          && g_date_days_between (&due, &date) >= trip_after)
        ok = trip_one_locked (db, actor, bill, &tripped, error);
      if (!ok)
        {
          vp_database_rollback (db);
          return FALSE;
        }
      if (!vp_database_commit (db, error))
        return FALSE;
      reminders += sent ? 1 : 0;
      trips += tripped ? 1 : 0;
    }
  if (out_reminders != NULL)
    *out_reminders = reminders;
  if (out_trips != NULL)
    *out_trips = trips;
  return TRUE;
}

/* ---- switching modes ---- */

static gboolean
set_mode_locked (VpDatabase     *db,
                 VpSession      *actor,
                 const char     *account,
                 VpAccountMode   mode,
                 GError        **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *object = g_strdup_printf ("account:%s", account);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  VpAccountRow row;
  const char *old_mode;
  gint64 unpaid;
  int rc;

  if (!vp_account_row_lookup (db, account, &row, error)
      || !vp_account_row_check_status (&row, account, FALSE, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT a.mode, (SELECT COALESCE (SUM (amount - paid), 0) "
                              "FROM bills b WHERE b.account_id = a.id AND b.in_balance = 1 "
                              "AND b.state IN ('draft', 'open')) FROM accounts a WHERE a.id = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row.id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the account"), error);
      return FALSE;
    }
  old_mode = g_intern_string ((const char *) sqlite3_column_text (stmt, 0));
  unpaid = sqlite3_column_int64 (stmt, 1);
  g_clear_pointer (&stmt, sqlite3_reset);

  if (old_mode == g_intern_static_string (vp_account_mode_to_string (mode)))
    return TRUE;
  if (mode == VP_ACCOUNT_MODE_PREPAID && (row.balance < 0 || unpaid > 0))
    {
      g_autofree char *owed = vp_money_format (MAX (-row.balance, unpaid));

      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Account %s still owes %s yuan: take the payment before switching it "
                     "to prepaid"), account, owed);
      return FALSE;
    }
  stmt = vp_database_prepare (db, "UPDATE accounts SET mode = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, vp_account_mode_to_string (mode), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, row.id);
  if (!vp_model_step (db, stmt, _("Could not switch the account's mode"), error))
    return FALSE;
  before = vp_audit_json ("mode", old_mode, NULL);
  after = vp_audit_json ("mode", vp_account_mode_to_string (mode), NULL);
  return vp_audit_append (db, vp_actor_id (actor), "account.mode", object, before, after, error);
}

gboolean
vp_postpaid_set_mode (VpDatabase     *db,
                      VpSession      *actor,
                      const char     *account,
                      VpAccountMode   mode,
                      GError        **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!set_mode_locked (db, actor, account, mode, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}
