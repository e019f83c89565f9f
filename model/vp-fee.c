/* vp-fee.c: custom fee items (自定义收费) */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-apportion.h"
#include "vp-audit.h"
#include "vp-fee.h"
#include "vp-model-error.h"

/* Catching up is bounded: a start date 100 years back is a typo, not 1200 months due. */
#define MAX_OCCURRENCES 1200

static const char * const schedule_names[] = { "once", "monthly", "quarterly", "yearly" };
static const char * const basis_names[] = { "fixed", "area", "unit" };

typedef struct
{
  gint64         id;
  char          *name;
  VpFeeSchedule  schedule;
  GDate          start;
  int            day;
  VpFeeBasis     basis;
  gint64         amount;
  VpChargeMode   charge;
} Fee;

typedef struct
{
  gint64  id;
  char   *number;
  gint64  area;
  GDate   opened;      /* local day the account was opened */
} Member;

VP_SITE_DEFINE_ENUM_STRINGS (VpFeeSchedule, vp_fee_schedule, schedule_names)

VP_SITE_DEFINE_ENUM_STRINGS (VpFeeBasis, vp_fee_basis, basis_names)

void
vp_fee_item_free (VpFeeItem *item)
{
  if (item == NULL)
    return;
  g_free (item->name);
  g_free (item->start);
  g_free (item);
}

static void
fee_free (Fee *fee)
{
  g_free (fee->name);
  g_free (fee);
}

static void
member_free (Member *member)
{
  g_free (member->number);
  g_free (member);
}

gboolean
vp_fee_due_date (VpFeeSchedule  schedule,
                 const GDate   *start,
                 int            day,
                 int            k,
                 GDate         *out_date)
{
  static const int step[] = { 0, 1, 3, 12 };
  gint64 month_index;
  int year, month, want_day;

  g_return_val_if_fail (start != NULL && out_date != NULL, FALSE);
  g_return_val_if_fail (schedule < G_N_ELEMENTS (step), FALSE);

  if (!g_date_valid (start))
    return FALSE;
  want_day = schedule == VP_FEE_YEARLY || day <= 0 ? g_date_get_day (start) : MIN (day, 31);
  month_index = (gint64) g_date_get_year (start) * 12 + (g_date_get_month (start) - 1)
                + (gint64) k * step[schedule];
  year = (int) (month_index / 12);
  month = (int) (month_index % 12) + 1;
  if (month_index < 12 || year > 9999)
    return FALSE;
  g_date_clear (out_date, 1);
  g_date_set_dmy (out_date, MIN (want_day, g_date_get_days_in_month (month, year)), month, year);
  return TRUE;
}

static gboolean
add_locked (VpDatabase       *db,
            VpSession        *actor,
            const VpFeeSpec  *spec,
            GError          **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *object = g_strdup_printf ("fee:%s", spec->name);
  g_autofree char *amount_text = g_strdup_printf ("%" G_GINT64_FORMAT, spec->amount);
  g_autofree char *after = NULL;
  GDate start;

  if (!vp_site_parse_date (spec->start, &start, error))
    return FALSE;
  stmt = vp_database_prepare (db, "INSERT INTO fee_items (name, schedule, start_date, day, basis, "
                              "amount, charge, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (name) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, spec->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, vp_fee_schedule_to_string (spec->schedule), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, spec->start, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 4, spec->day > 0 ? spec->day : g_date_get_day (&start));
  sqlite3_bind_text (stmt, 5, vp_fee_basis_to_string (spec->basis), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, spec->amount);
  sqlite3_bind_text (stmt, 7, vp_charge_mode_to_string (spec->charge), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the fee item"), error))
    return FALSE;
  if (sqlite3_changes (vp_database_get_handle (db)) == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("A fee item “%s” exists already"), spec->name);
      return FALSE;
    }
  after = vp_audit_json ("schedule", vp_fee_schedule_to_string (spec->schedule),
                         "start", spec->start,
                         "basis", vp_fee_basis_to_string (spec->basis),
                         "amount", amount_text,
                         "charge", vp_charge_mode_to_string (spec->charge), NULL);
  return vp_audit_append (db, vp_actor_id (actor), "fee.add", object, NULL, after, error);
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > 100)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Give the fee item a name of 1 to 100 characters"));
      return FALSE;
    }
  return TRUE;
}

gboolean
vp_fee_add (VpDatabase       *db,
            VpSession        *actor,
            const VpFeeSpec  *spec,
            GError          **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
      || !check_name (spec->name, error))
    return FALSE;
  if (spec->day < 0 || spec->day > 31)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("The day of the month must be 1 to 31"));
      return FALSE;
    }
  if (spec->amount < 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("A fee cannot be negative"));
      return FALSE;
    }
  if (spec->basis == VP_FEE_PER_UNIT && spec->schedule == VP_FEE_ONCE)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("A fee per unit consumed needs a period: make it monthly, "
                             "quarterly or yearly"));
      return FALSE;
    }
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!add_locked (db, actor, spec, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

static Fee *
fee_from_row (sqlite3_stmt *stmt)
{
  Fee *fee = g_new0 (Fee, 1);

  fee->id = sqlite3_column_int64 (stmt, 0);
  fee->name = vp_model_column_dup (stmt, 1);
  vp_fee_schedule_from_string ((const char *) sqlite3_column_text (stmt, 2), &fee->schedule);
  vp_site_parse_date ((const char *) sqlite3_column_text (stmt, 3), &fee->start, NULL);
  fee->day = sqlite3_column_int (stmt, 4);
  vp_fee_basis_from_string ((const char *) sqlite3_column_text (stmt, 5), &fee->basis);
  fee->amount = sqlite3_column_int64 (stmt, 6);
  vp_charge_mode_from_string ((const char *) sqlite3_column_text (stmt, 7), &fee->charge);
  return fee;
}

#define FEE_COLUMNS "id, name, schedule, start_date, day, basis, amount, charge "

static gboolean
add_member_locked (VpDatabase  *db,
                   VpSession   *actor,
                   const char  *name,
                   const char  *account,
                   GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *object = g_strdup_printf ("fee:%s", name);
  g_autofree char *after = NULL;
  VpAccountRow row;
  gint64 fee_id;
  int rc;

  if (!vp_account_row_lookup (db, account, &row, error)
      || !vp_account_row_check_status (&row, account, FALSE, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT id FROM fee_items WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("There is no fee item “%s”"), name);
      else
        vp_database_set_error (db, rc, _("Could not read the fee item"), error);
      return FALSE;
    }
  fee_id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_reset);
  stmt = vp_database_prepare (db, "INSERT INTO fee_members (fee_id, account_id) VALUES (?, ?) "
                              "ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, fee_id);
  sqlite3_bind_int64 (stmt, 2, row.id);
  if (!vp_model_step (db, stmt, _("Could not add the account to the fee item"), error))
    return FALSE;
  if (sqlite3_changes (vp_database_get_handle (db)) == 0)
    return TRUE;
  after = vp_audit_json ("account", account, NULL);
  return vp_audit_append (db, vp_actor_id (actor), "fee.member", object, NULL, after, error);
}

gboolean
vp_fee_add_member (VpDatabase  *db,
                   VpSession   *actor,
                   const char  *name,
                   const char  *account,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error) || !check_name (name, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!add_member_locked (db, actor, name, account, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

GPtrArray *
vp_fee_list (VpDatabase  *db,
             VpSession   *actor,
             GError     **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT " FEE_COLUMNS ", (SELECT COUNT(*) FROM fee_members m "
                              "WHERE m.fee_id = f.id) FROM fee_items f ORDER BY name", error);
  if (stmt == NULL)
    goto out;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_fee_item_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Fee *fee = fee_from_row (stmt);
      VpFeeItem *item = g_new0 (VpFeeItem, 1);

      item->name = g_steal_pointer (&fee->name);
      item->schedule = fee->schedule;
      item->start = vp_site_date_text (&fee->start);
      item->day = fee->day;
      item->basis = fee->basis;
      item->amount = fee->amount;
      item->charge = fee->charge;
      item->members = sqlite3_column_int (stmt, 8);
      fee_free (fee);
      g_ptr_array_add (items, item);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the fee items"), error);
      g_clear_pointer (&items, g_ptr_array_unref);
    }
out:
  vp_database_unlock (db);
  return g_steal_pointer (&items);
}

/* The amount of one due date, and the quantity it was priced on. */
static gboolean
fee_amount_locked (VpDatabase    *db,
                   const Fee     *fee,
                   const Member  *member,
                   const GDate   *due,
                   int            k,
                   gint64        *out_quantity,
                   gint64        *out_amount,
                   GError       **error)
{
  GDate previous;

  switch (fee->basis)
    {
    case VP_FEE_FIXED:
      *out_quantity = 0;
      *out_amount = fee->amount;
      return TRUE;
    case VP_FEE_PER_AREA:
      *out_quantity = member->area;
      break;
    case VP_FEE_PER_UNIT:
    default:
      /* what was consumed in the period that ends on this due date */
      if (!vp_fee_due_date (fee->schedule, &fee->start, fee->day, k - 1, &previous))
        {
          g_date_clear (&previous, 1);
          g_date_set_dmy (&previous, 1, 1, 1);
        }
      if (!vp_site_account_use_locked (db, member->id, NULL, 0, vp_site_date_midnight (&previous),
                                       vp_site_date_midnight (due), out_quantity, error))
        return FALSE;
      break;
    }
  return vp_price_times_quantity (*out_quantity, fee->amount, out_amount, error);
}

/* One due date of one member, in its own transaction; *@out_booked FALSE when it was
 * charged before (by this or another process). */
static gboolean
charge_one (VpDatabase    *db,
            VpSession     *actor,
            const Fee     *fee,
            const Member  *member,
            const GDate   *due,
            int            k,
            gboolean      *out_booked,
            gint64        *out_amount,
            GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *period = vp_site_date_text (due);
  g_autofree char *item = g_strdup_printf ("%s %s", fee->name, period);
  g_autofree char *now = vp_model_now ();
  g_autoptr(VpLedgerEntry) entry = NULL;
  gint64 quantity, amount, charge_id, bill_id = 0;
  GDate next;

  *out_booked = FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "INSERT INTO fee_charges (fee_id, account_id, period, quantity, "
                              "amount, created_at) VALUES (?, ?, ?, 0, 0, ?) "
                              "ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, fee->id);
  sqlite3_bind_int64 (stmt, 2, member->id);
  sqlite3_bind_text (stmt, 3, period, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not record the fee"), error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_reset);
  if (sqlite3_changes (vp_database_get_handle (db)) == 0)
    {
      vp_database_rollback (db);
      return TRUE;
    }
  charge_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));

  if (!fee_amount_locked (db, fee, member, due, k, &quantity, &amount, error))
    goto fail;
  if (amount > 0 && fee->charge == VP_CHARGE_DEDUCT
      && !vp_ledger_fee (db, actor, member->number, amount, item, &entry, error))
    goto fail;
  if (amount > 0 && fee->charge == VP_CHARGE_BILL)
    {
      g_autofree char *next_text = NULL;

      if (!vp_fee_due_date (fee->schedule, &fee->start, fee->day, k + 1, &next)
          || fee->schedule == VP_FEE_ONCE)
        next = *due;
      next_text = vp_site_date_text (&next);
      if (!vp_bill_insert_locked (db, member->id, "fee", item, period, next_text, amount,
                                  FALSE, "open", next_text, &bill_id, error))
        goto fail;
    }

  stmt = vp_database_prepare (db, "UPDATE fee_charges SET quantity = ?, amount = ?, "
                              "ledger_id = ?, bill_id = NULLIF (?, 0) WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, quantity);
  sqlite3_bind_int64 (stmt, 2, amount);
  if (entry != NULL)
    sqlite3_bind_int64 (stmt, 3, entry->id);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int64 (stmt, 4, bill_id);
  sqlite3_bind_int64 (stmt, 5, charge_id);
  if (!vp_model_step (db, stmt, _("Could not record the fee"), error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_reset);
  if (!vp_database_commit (db, error))
    return FALSE;
  *out_booked = TRUE;
  *out_amount = amount;
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  return FALSE;
}

/* Active fees and their members that can be charged, read under the lock. */
static gboolean
load_locked (VpDatabase  *db,
             GPtrArray   *fees,
             GPtrArray   *members,
             GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT " FEE_COLUMNS "FROM fee_items WHERE active = 1 "
                              "ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(VpCachedStmt) rows = NULL;
      GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
      Fee *fee = fee_from_row (stmt);

      g_ptr_array_add (fees, fee);
      g_ptr_array_add (members, list);
      rows = vp_database_prepare (db, "SELECT a.id, a.number, COALESCE (r.area, 0), "
                                  "date (a.opened_at, 'localtime') "
                                  "FROM fee_members m JOIN accounts a ON a.id = m.account_id "
                                  "LEFT JOIN rooms r ON r.id = a.room_id WHERE m.fee_id = ? "
                                  "AND a.status <> 'closed' ORDER BY a.number", error);
      if (rows == NULL)
        return FALSE;
      sqlite3_bind_int64 (rows, 1, fee->id);
      while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
        {
          Member *member = g_new0 (Member, 1);

          member->id = sqlite3_column_int64 (rows, 0);
          member->number = vp_model_column_dup (rows, 1);
          member->area = sqlite3_column_int64 (rows, 2);
          if (!vp_site_parse_date ((const char *) sqlite3_column_text (rows, 3),
                                   &member->opened, NULL))
            g_date_clear (&member->opened, 1);
          g_ptr_array_add (list, member);
        }
      if (rc != SQLITE_DONE)
        break;
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the fee items"), error);
      return FALSE;
    }
  return TRUE;
}

gboolean
vp_fee_run_due (VpDatabase  *db,
                VpSession   *actor,
                const char  *today,
                guint       *out_charged,
                gint64      *out_total,
                GError     **error)
{
  g_autoptr(GPtrArray) fees = g_ptr_array_new_with_free_func ((GDestroyNotify) fee_free);
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  GDate limit;
  guint charged = 0;
  gint64 total = 0;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (out_charged != NULL)
    *out_charged = 0;
  if (out_total != NULL)
    *out_total = 0;
  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error))
    return FALSE;
  if (today != NULL)
    {
      if (!vp_site_parse_date (today, &limit, error))
        return FALSE;
    }
  else
    {
      g_date_clear (&limit, 1);
      g_date_set_dmy (&limit, g_date_time_get_day_of_month (now),
                      g_date_time_get_month (now), g_date_time_get_year (now));
    }

  vp_database_lock (db);
  ok = load_locked (db, fees, members, error);
  vp_database_unlock (db);
  if (!ok)
    return FALSE;

  for (guint i = 0; i < fees->len; i++)
    {
      const Fee *fee = g_ptr_array_index (fees, i);
      GPtrArray *list = g_ptr_array_index (members, i);

      for (int k = 0; k < MAX_OCCURRENCES && (k == 0 || fee->schedule != VP_FEE_ONCE); k++)
        {
          GDate due;

          if (!vp_fee_due_date (fee->schedule, &fee->start, fee->day, k, &due)
              || g_date_compare (&due, &limit) > 0)
            break;
          for (guint j = 0; j < list->len; j++)
            {
              const Member *member = g_ptr_array_index (list, j);
              gboolean booked;
              gint64 amount = 0;

              /* nothing is due from before the account existed */
              if (g_date_valid (&member->opened) && g_date_compare (&due, &member->opened) < 0)
                continue;
              if (!charge_one (db, actor, fee, member, &due, k, &booked,
                               &amount, error))
                {
                  if (out_charged != NULL)
                    *out_charged = charged;
                  if (out_total != NULL)
                    *out_total = total;
                  return FALSE;
                }
              charged += booked ? 1 : 0;
              total += booked ? amount : 0;
            }
        }
    }
  if (out_charged != NULL)
    *out_charged = charged;
  if (out_total != NULL)
    *out_total = total;
  return TRUE;
}
