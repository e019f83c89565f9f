/* vp-apportion.c: common-area apportionment (公摊) */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-apportion.h"
#include "vp-audit.h"
#include "vp-model-error.h"

/* Enough for total × weight with both up to 2^63. */
G_GNUC_EXTENSION typedef unsigned __int128 VpWide;

typedef struct
{
  gsize  index;
  VpWide remainder;
} Remainder;

typedef struct
{
  gint64  id;
  gint64  master_meter_id;
  gint64  master_account_id;
  char   *kind;
  VpApportionBasis  basis;
  VpApportionMethod method;
  VpChargeMode      charge;
  gint64  price;
} Group;

typedef struct
{
  gint64  account_id;
  char   *number;
  char   *name;
  gint64  ratio;
  gint64  area;
} Member;

static const char * const basis_names[] = { "master", "master-minus-subs" };
static const char * const method_names[] = { "ratio", "area", "consumption" };

int
vp_site_enum_lookup (const char *const *names,
                     guint              n_names,
                     const char        *text)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (text, names[i]) == 0)
      return (int) i;
  return -1;
}

VP_SITE_DEFINE_ENUM_STRINGS (VpApportionBasis, vp_apportion_basis, basis_names)

VP_SITE_DEFINE_ENUM_STRINGS (VpApportionMethod, vp_apportion_method, method_names)

static int
remainder_compare (gconstpointer a,
                   gconstpointer b)
{
  const Remainder *ra = a;
  const Remainder *rb = b;

  if (ra->remainder != rb->remainder)
    return ra->remainder > rb->remainder ? -1 : 1;
  return ra->index < rb->index ? -1 : (ra->index > rb->index ? 1 : 0);
}

gboolean
vp_apportion_split (gint64        total,
                    const gint64 *weights,
                    gsize         n,
                    gint64       *out_shares,
                    GError      **error)
{
  g_autofree Remainder *rest = NULL;
  VpWide sum = 0;
  gint64 given = 0;

  g_return_val_if_fail (n == 0 || weights != NULL, FALSE);
  g_return_val_if_fail (n == 0 || out_shares != NULL, FALSE);

  if (total < 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The amount to share cannot be negative"));
      return FALSE;
    }
  if (n == 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("There is nobody to share among: add members first"));
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (weights[i] < 0)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Member %" PRIu64 " has a negative weight"),
                       (guint64) i + 1);
          return FALSE;
        }
      sum += (VpWide) weights[i];
    }
  if (sum == 0)
    {
      if (total > 0)
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                               _("Every member's weight is zero: there is nothing to share "
                                 "by (set ratios, room areas, or choose another method)"));
          return FALSE;
        }
      memset (out_shares, 0, n * sizeof (gint64));
      return TRUE;
    }

  rest = g_new (Remainder, n);
  for (gsize i = 0; i < n; i++)
    {
      VpWide product = (VpWide) total * (VpWide) weights[i];

      out_shares[i] = (gint64) (product / sum);
      given += out_shares[i];
      rest[i].index = i;
      rest[i].remainder = product % sum;
    }
  /* Σ floor ≥ total − n + 1, so fewer than n fen are left: one each at most. */
  g_assert (total - given >= 0 && (guint64) (total - given) < n);
  qsort (rest, n, sizeof (Remainder), remainder_compare);
  for (gsize k = 0; given < total; k++, given++)
    out_shares[rest[k].index]++;
  return TRUE;
}

gboolean
vp_price_times_quantity (gint64   quantity,
                         gint64   price,
                         gint64  *out_fen,
                         GError **error)
{
  gint64 product;

  g_return_val_if_fail (out_fen != NULL, FALSE);

  /* 0.01 unit × 0.0001 yuan = 0.0001 fen: divide by 10^4, half up. */
  if (quantity < 0 || price < 0
      || __builtin_mul_overflow (quantity, price, &product)
      || product > G_MAXINT64 - 5000)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The quantity or the price is negative or too large"));
      return FALSE;
    }
  *out_fen = (product + 5000) / 10000;
  return TRUE;
}

gboolean
vp_site_account_use_locked (VpDatabase  *db,
                            gint64       account_id,
                            const char  *kind,
                            gint64       skip_meter_id,
                            gint64       from,
                            gint64       to,
                            gint64      *out_use,
                            GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;

  stmt = vp_database_prepare (db, "SELECT COALESCE (SUM (r.consumption), 0) FROM readings r "
                              "JOIN meters m ON m.id = r.meter_id WHERE m.account_id = ?1 "
                              "AND (?2 IS NULL OR m.kind = ?2) AND m.id <> ?3 "
                              "AND r.status = 'charged' AND r.station_time >= ?4 "
                              "AND r.station_time < ?5", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, skip_meter_id);
  sqlite3_bind_int64 (stmt, 4, from);
  sqlite3_bind_int64 (stmt, 5, to);
  if (!vp_model_step (db, stmt, _("Could not read the consumption"), error))
    return FALSE;
  *out_use = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gint64
local_midnight (int year,
                int month,
                int day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, day, 0, 0, 0);

  return g_date_time_to_unix (dt);
}

gboolean
vp_site_month_range (const char  *period,
                     gint64      *out_from,
                     gint64      *out_to,
                     char       **out_first_day,
                     char       **out_next_first_day,
                     GError     **error)
{
  unsigned year, month;
  char end;
  unsigned next_year, next_month;

  if (period == NULL || strlen (period) != 7
      || sscanf (period, "%4u-%2u%c", &year, &month, &end) != 2
      || year < 2000 || year > 9998 || month < 1 || month > 12)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a month: write it as YYYY-MM, e.g. 2026-11"),
                   period != NULL ? period : "");
      return FALSE;
    }
  next_year = month == 12 ? year + 1 : year;
  next_month = month == 12 ? 1 : month + 1;
  if (out_from != NULL)
    *out_from = local_midnight (year, month, 1);
  if (out_to != NULL)
    *out_to = local_midnight (next_year, next_month, 1);
  if (out_first_day != NULL)
    *out_first_day = g_strdup_printf ("%04u-%02u-01", year, month);
  if (out_next_first_day != NULL)
    *out_next_first_day = g_strdup_printf ("%04u-%02u-01", next_year, next_month);
  return TRUE;
}

gboolean
vp_site_parse_date (const char  *text,
                    GDate       *out_date,
                    GError     **error)
{
  unsigned y, m, d;
  char end;

  g_date_clear (out_date, 1);
  if (text != NULL && strlen (text) == 10
      && sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &end) == 3
      && g_date_valid_dmy (d, m, y))
    {
      g_date_set_dmy (out_date, d, m, y);
      return TRUE;
    }
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a date: write it as YYYY-MM-DD, e.g. 2026-11-25"),
               text != NULL ? text : "");
  return FALSE;
}

char *
vp_site_date_text (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

gint64
vp_site_date_midnight (const GDate *date)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (g_date_get_year (date),
                                                   g_date_get_month (date),
                                                   g_date_get_day (date), 0, 0, 0);

  return g_date_time_to_unix (dt);
}

static void
group_clear (Group *group)
{
  g_clear_pointer (&group->kind, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Group, group_clear)

static void
member_free (Member *member)
{
  g_free (member->number);
  g_free (member->name);
  g_free (member);
}

static void
share_free (VpApportionShare *share)
{
  g_free (share->account);
  g_free (share->name);
  g_free (share->reference);
  g_free (share);
}

void
vp_apportion_run_free (VpApportionRun *run)
{
  if (run == NULL)
    return;
  g_free (run->group);
  g_free (run->period);
  g_clear_pointer (&run->shares, g_ptr_array_unref);
  g_free (run);
}

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > 100)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Give the group a name of 1 to 100 characters"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
group_lookup_locked (VpDatabase  *db,
                     const char  *name,
                     Group       *out_group,
                     GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT g.id, g.master_meter_id, m.account_id, m.kind, "
                              "g.basis, g.method, g.charge, g.price FROM apportion_groups g "
                              "JOIN meters m ON m.id = g.master_meter_id WHERE g.name = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("There is no apportionment group “%s”"), name);
      else
        vp_database_set_error (db, rc, _("Could not read the apportionment group"), error);
      return FALSE;
    }
  out_group->id = sqlite3_column_int64 (stmt, 0);
  out_group->master_meter_id = sqlite3_column_int64 (stmt, 1);
  out_group->master_account_id = sqlite3_column_int64 (stmt, 2);
  out_group->kind = vp_model_column_dup (stmt, 3);
  vp_apportion_basis_from_string ((const char *) sqlite3_column_text (stmt, 4),
                                  &out_group->basis);
  vp_apportion_method_from_string ((const char *) sqlite3_column_text (stmt, 5),
                                   &out_group->method);
  vp_charge_mode_from_string ((const char *) sqlite3_column_text (stmt, 6),
                              &out_group->charge);
  out_group->price = sqlite3_column_int64 (stmt, 7);
  return TRUE;
}

static gboolean
add_locked (VpDatabase        *db,
            VpSession         *actor,
            const char        *name,
            const char        *master_address,
            VpApportionBasis   basis,
            VpApportionMethod  method,
            VpChargeMode       charge,
            gint64             price,
            GError           **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *after = NULL;
  g_autofree char *object = g_strdup_printf ("apportion:%s", name);
  g_autofree char *price_text = g_strdup_printf ("%" G_GINT64_FORMAT, price);
  gint64 meter_id;
  int rc;

  stmt = vp_database_prepare (db, "SELECT id FROM meters WHERE address = ? "
                              "AND status = 'active'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, master_address, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("No installed meter has the address %s"), master_address);
      else
        vp_database_set_error (db, rc, _("Could not find the master meter"), error);
      return FALSE;
    }
  meter_id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db, "INSERT INTO apportion_groups (name, master_meter_id, basis, "
                              "method, charge, price, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (name) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, meter_id);
  sqlite3_bind_text (stmt, 3, vp_apportion_basis_to_string (basis), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, vp_apportion_method_to_string (method), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, vp_charge_mode_to_string (charge), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, price);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the apportionment group"), error))
    return FALSE;
  if (sqlite3_changes (vp_database_get_handle (db)) == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("An apportionment group “%s” exists already"), name);
      return FALSE;
    }
  after = vp_audit_json ("master", master_address,
                         "basis", vp_apportion_basis_to_string (basis),
                         "method", vp_apportion_method_to_string (method),
                         "charge", vp_charge_mode_to_string (charge),
                         "price", price_text, NULL);
  return vp_audit_append (db, vp_actor_id (actor), "apportion.add", object, NULL, after, error);
}

gboolean
vp_apportion_add (VpDatabase        *db,
                  VpSession         *actor,
                  const char        *name,
                  const char        *master_address,
                  VpApportionBasis   basis,
                  VpApportionMethod  method,
                  VpChargeMode       charge,
                  gint64             price,
                  GError           **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error) || !check_name (name, error))
    return FALSE;
  if (master_address == NULL || *master_address == '\0')
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Give the address of the master meter"));
      return FALSE;
    }
  if (price < 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The price cannot be negative"));
      return FALSE;
    }
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!add_locked (db, actor, name, master_address, basis, method, charge, price, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

static gboolean
add_member_locked (VpDatabase  *db,
                   VpSession   *actor,
                   const char  *name,
                   const char  *account,
                   gint64       ratio,
                   GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_auto(Group) group = { 0 };
  g_autofree char *object = g_strdup_printf ("apportion:%s", name);
  g_autofree char *ratio_text = g_strdup_printf ("%" G_GINT64_FORMAT, ratio);
  g_autofree char *after = NULL;
  VpAccountRow row;

  if (!group_lookup_locked (db, name, &group, error)
      || !vp_account_row_lookup (db, account, &row, error)
      || !vp_account_row_check_status (&row, account, FALSE, error))
    return FALSE;
  if (row.id == group.master_account_id)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Account %s holds the master meter and cannot share its own "
                     "consumption"), account);
      return FALSE;
    }
  stmt = vp_database_prepare (db, "INSERT INTO apportion_members (group_id, account_id, ratio) "
                              "VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET ratio = ?3", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group.id);
  sqlite3_bind_int64 (stmt, 2, row.id);
  sqlite3_bind_int64 (stmt, 3, ratio);
  if (!vp_model_step (db, stmt, _("Could not add the member"), error))
    return FALSE;
  after = vp_audit_json ("account", account, "ratio", ratio_text, NULL);
  return vp_audit_append (db, vp_actor_id (actor), "apportion.member", object, NULL, after,
                          error);
}

gboolean
vp_apportion_add_member (VpDatabase  *db,
                         VpSession   *actor,
                         const char  *name,
                         const char  *account,
                         gint64       ratio,
                         GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error) || !check_name (name, error))
    return FALSE;
  if (ratio < 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("A ratio cannot be negative"));
      return FALSE;
    }
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!add_member_locked (db, actor, name, account, ratio, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

static GPtrArray *
members_locked (VpDatabase  *db,
                gint64       group_id,
                GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  int rc;

  stmt = vp_database_prepare (db, "SELECT a.id, a.number, c.name, m.ratio, COALESCE (r.area, 0) "
                              "FROM apportion_members m JOIN accounts a ON a.id = m.account_id "
                              "JOIN customers c ON c.id = a.customer_id "
                              "LEFT JOIN rooms r ON r.id = a.room_id "
                              "WHERE m.group_id = ? ORDER BY a.number", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, group_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Member *member = g_new0 (Member, 1);

      member->account_id = sqlite3_column_int64 (stmt, 0);
      member->number = vp_model_column_dup (stmt, 1);
      member->name = vp_model_column_dup (stmt, 2);
      member->ratio = sqlite3_column_int64 (stmt, 3);
      member->area = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (members, member);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the members"), error);
      return NULL;
    }
  return g_steal_pointer (&members);
}

/* Books one member's share: a fee now, or an open bill due at the period's end. */
static gboolean
book_share_locked (VpDatabase        *db,
                   VpSession         *actor,
                   const Group       *group,
                   const char        *group_name,
                   const char        *period,
                   const char        *first_day,
                   const char        *next_first_day,
                   const Member      *member,
                   VpApportionShare  *share,
                   gint64            *out_ledger_id,
                   gint64            *out_bill_id,
                   GError           **error)
{
  g_autofree char *item = g_strdup_printf (_("Common area %s %s"), group_name, period);

  if (share->share == 0)
    return TRUE;
  if (group->charge == VP_CHARGE_DEDUCT)
    {
      g_autoptr(VpLedgerEntry) entry = NULL;

      if (!vp_ledger_fee (db, actor, member->number, share->share, item, &entry, error))
        return FALSE;
      *out_ledger_id = entry->id;
      share->reference = g_strdup (entry->receipt);
      return TRUE;
    }
  if (!vp_bill_insert_locked (db, member->account_id, "apportion", item, first_day,
                              next_first_day, share->share, FALSE, "open", next_first_day,
                              out_bill_id, error))
    return FALSE;
  share->reference = g_strdup_printf ("B%08" G_GINT64_FORMAT, *out_bill_id);
  return TRUE;
}

static gboolean
run_locked (VpDatabase       *db,
            VpSession        *actor,
            const char       *name,
            const char       *period,
            VpApportionRun   *run,
            GError          **error)
{
  g_auto(Group) group = { 0 };
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *first_day = NULL;
  g_autofree char *next_first_day = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree gint64 *weights = NULL;
  g_autofree gint64 *uses = NULL;
  g_autofree gint64 *shares = NULL;
  g_autofree char *object = NULL;
  g_autofree char *after = NULL;
  g_autofree char *total_text = NULL;
  gint64 from, to, run_id;

  if (!vp_site_month_range (period, &from, &to, &first_day, &next_first_day, error)
      || !group_lookup_locked (db, name, &group, error))
    return FALSE;
  members = members_locked (db, group.id, error);
  if (members == NULL)
    return FALSE;
  if (members->len == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Group “%s” has no members to share among"), name);
      return FALSE;
    }

  if (!vp_site_account_use_locked (db, group.master_account_id, group.kind, 0, from, to,
                                   &run->master_use, error))
    return FALSE;
  /* The master's account may have meters of its own besides the master. */
  {
    gint64 others;

    if (!vp_site_account_use_locked (db, group.master_account_id, group.kind,
                                     group.master_meter_id, from, to, &others, error))
      return FALSE;
    run->master_use -= others;
  }
  uses = g_new0 (gint64, members->len);
  for (guint i = 0; i < members->len; i++)
    {
      const Member *member = g_ptr_array_index (members, i);

      if (!vp_site_account_use_locked (db, member->account_id, group.kind, 0, from, to,
                                       &uses[i], error))
        return FALSE;
      run->subs_use += uses[i];
    }
  run->shared_use = run->master_use;
  if (group.basis == VP_APPORTION_BASIS_MASTER_MINUS_SUBS)
    run->shared_use -= run->subs_use;
  if (run->shared_use < 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("In %s the members' meters recorded %" PRId64 ".%02d units "
                     "more than the master meter: check the meters before sharing"),
                   period, -run->shared_use / 100, (int) (-run->shared_use % 100));
      return FALSE;
    }
  if (!vp_price_times_quantity (run->shared_use, group.price, &run->total, error))
    return FALSE;

  weights = g_new0 (gint64, members->len);
  shares = g_new0 (gint64, members->len);
  for (guint i = 0; i < members->len; i++)
    {
      const Member *member = g_ptr_array_index (members, i);

      weights[i] = group.method == VP_APPORTION_BY_RATIO ? member->ratio
                   : group.method == VP_APPORTION_BY_AREA ? member->area : uses[i];
    }
  if (!vp_apportion_split (run->total, weights, members->len, shares, error))
    return FALSE;

  stmt = vp_database_prepare (db, "INSERT INTO apportion_runs (group_id, period, master_use, "
                              "subs_use, shared_use, total, operator_id, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group.id);
  sqlite3_bind_text (stmt, 2, period, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, run->master_use);
  sqlite3_bind_int64 (stmt, 4, run->subs_use);
  sqlite3_bind_int64 (stmt, 5, run->shared_use);
  sqlite3_bind_int64 (stmt, 6, run->total);
  sqlite3_bind_int64 (stmt, 7, vp_actor_id (actor));
  sqlite3_bind_text (stmt, 8, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the apportionment"), error))
    return FALSE;
  if (sqlite3_changes (vp_database_get_handle (db)) == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("Group “%s” was already apportioned for %s"), name, period);
      return FALSE;
    }
  run_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
  g_clear_pointer (&stmt, sqlite3_reset);

  for (guint i = 0; i < members->len; i++)
    {
      const Member *member = g_ptr_array_index (members, i);
      VpApportionShare *share = g_new0 (VpApportionShare, 1);
      gint64 ledger_id = 0, bill_id = 0;

      share->account = g_strdup (member->number);
      share->name = g_strdup (member->name);
      share->weight = weights[i];
      share->share = shares[i];
      g_ptr_array_add (run->shares, share);
      if (!book_share_locked (db, actor, &group, name, period, first_day, next_first_day,
                              member, share, &ledger_id, &bill_id, error))
        return FALSE;

      stmt = vp_database_prepare (db, "INSERT INTO apportion_shares (run_id, account_id, weight, "
                                  "share, ledger_id, bill_id) VALUES (?, ?, ?, ?, "
                                  "NULLIF (?, 0), NULLIF (?, 0))", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, run_id);
      sqlite3_bind_int64 (stmt, 2, member->account_id);
      sqlite3_bind_int64 (stmt, 3, share->weight);
      sqlite3_bind_int64 (stmt, 4, share->share);
      sqlite3_bind_int64 (stmt, 5, ledger_id);
      sqlite3_bind_int64 (stmt, 6, bill_id);
      if (!vp_model_step (db, stmt, _("Could not store the share"), error))
        return FALSE;
      g_clear_pointer (&stmt, sqlite3_reset);
    }

  object = g_strdup_printf ("apportion:%s", name);
  total_text = g_strdup_printf ("%" G_GINT64_FORMAT, run->total);
  after = vp_audit_json ("period", period, "total", total_text,
                         "charge", vp_charge_mode_to_string (group.charge), NULL);
  return vp_audit_append (db, vp_actor_id (actor), "apportion.run", object, NULL, after, error);
}

static VpApportionRun *
run_new (const char *name,
         const char *period)
{
  VpApportionRun *run = g_new0 (VpApportionRun, 1);

  run->group = g_strdup (name);
  run->period = g_strdup (period);
  run->shares = g_ptr_array_new_with_free_func ((GDestroyNotify) share_free);
  return run;
}

gboolean
vp_apportion_run (VpDatabase       *db,
                  VpSession        *actor,
                  const char       *name,
                  const char       *period,
                  VpApportionRun  **out_run,
                  GError          **error)
{
  g_autoptr(VpApportionRun) run = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error) || !check_name (name, error))
    return FALSE;
  run = run_new (name, period);
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!run_locked (db, actor, name, period, run, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_run != NULL)
    *out_run = g_steal_pointer (&run);
  return TRUE;
}

static gboolean
show_locked (VpDatabase      *db,
             const char      *name,
             const char      *period,
             VpApportionRun  *run,
             GError         **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_auto(Group) group = { 0 };
  gint64 run_id;
  int rc;

  if (!group_lookup_locked (db, name, &group, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT id, master_use, subs_use, shared_use, total "
                              "FROM apportion_runs WHERE group_id = ? AND period = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, group.id);
  sqlite3_bind_text (stmt, 2, period, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("Group “%s” has not been apportioned for %s"), name, period);
      else
        vp_database_set_error (db, rc, _("Could not read the apportionment"), error);
      return FALSE;
    }
  run_id = sqlite3_column_int64 (stmt, 0);
  run->master_use = sqlite3_column_int64 (stmt, 1);
  run->subs_use = sqlite3_column_int64 (stmt, 2);
  run->shared_use = sqlite3_column_int64 (stmt, 3);
  run->total = sqlite3_column_int64 (stmt, 4);
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db, "SELECT a.number, c.name, s.weight, s.share, l.receipt, "
                              "s.bill_id FROM apportion_shares s "
                              "JOIN accounts a ON a.id = s.account_id "
                              "JOIN customers c ON c.id = a.customer_id "
                              "LEFT JOIN ledger l ON l.id = s.ledger_id "
                              "WHERE s.run_id = ? ORDER BY a.number", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VpApportionShare *share = g_new0 (VpApportionShare, 1);

      share->account = vp_model_column_dup (stmt, 0);
      share->name = vp_model_column_dup (stmt, 1);
      share->weight = sqlite3_column_int64 (stmt, 2);
      share->share = sqlite3_column_int64 (stmt, 3);
      share->reference = sqlite3_column_type (stmt, 5) != SQLITE_NULL
                         ? g_strdup_printf ("B%08" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 5))
                         : vp_model_column_dup (stmt, 4);
      g_ptr_array_add (run->shares, share);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the shares"), error);
      return FALSE;
    }
  return TRUE;
}

VpApportionRun *
vp_apportion_show (VpDatabase  *db,
                   VpSession   *actor,
                   const char  *name,
                   const char  *period,
                   GError     **error)
{
  g_autoptr(VpApportionRun) run = NULL;
  gboolean ok;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error)
      || !check_name (name, error)
      || !vp_site_month_range (period, NULL, NULL, NULL, NULL, error))
    return NULL;
  run = run_new (name, period);
  vp_database_lock (db);
  ok = show_locked (db, name, period, run, error);
  vp_database_unlock (db);
  return ok ? g_steal_pointer (&run) : NULL;
}
