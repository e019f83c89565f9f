/* vp-anomaly.c: listing and resolving reading anomalies (contract in vp-anomaly.h) */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "vp-account-private.h"
#include "vp-anomaly.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"

static const char *const action_names[] = {
  [VP_ANOMALY_REBASELINE] = "rebaseline",
  [VP_ANOMALY_DISMISS] = "dismiss",
};

const char *
vp_anomaly_action_to_string (VpAnomalyAction action)
{
  g_return_val_if_fail ((guint) action < G_N_ELEMENTS (action_names), NULL);

  return action_names[action];
}

gboolean
vp_anomaly_action_from_string (const char      *text,
                               VpAnomalyAction *out_action)
{
  g_return_val_if_fail (out_action != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    if (g_strcmp0 (text, action_names[i]) == 0)
      {
        *out_action = i;
        return TRUE;
      }
  return FALSE;
}

void
vp_anomaly_free (VpAnomaly *anomaly)
{
  if (anomaly == NULL)
    return;
  g_free (anomaly->meter_address);
  g_free (anomaly->account);
  g_free (anomaly->kind);
  g_free (anomaly->detail);
  g_free (anomaly->created_at);
  g_free (anomaly->resolved_at);
  g_free (anomaly->resolved_by_login);
  g_free (anomaly->resolution);
  g_free (anomaly->note);
  g_free (anomaly);
}

/* One query for the list and for a single anomaly: ?1 account number (NULL: any),
 * ?2 meter id (0: any), ?3 open only, ?4 anomaly id (0: any). */
#define ANOMALY_SELECT \
  "SELECT an.id, an.meter_id, m.address, a.number, an.kind, an.detail, an.reading_id, " \
  "r.total, r.t1, r.t2, r.t3, r.t4, r.station_time, an.created_at, an.resolved_at, " \
  "an.resolved_by, o.login, an.resolution, an.note, an.baseline_reading_id, b.total " \
  "FROM anomalies an JOIN meters m ON m.id = an.meter_id " \
  "JOIN accounts a ON a.id = m.account_id " \
  "LEFT JOIN readings r ON r.id = an.reading_id " \
  "LEFT JOIN readings b ON b.id = an.baseline_reading_id " \
  "LEFT JOIN operators o ON o.id = an.resolved_by " \
  "WHERE (?1 IS NULL OR a.number = ?1) AND (?2 <= 0 OR an.meter_id = ?2) " \
  "AND (?3 = 0 OR an.resolved_at IS NULL) AND (?4 <= 0 OR an.id = ?4) " \
  "ORDER BY an.id DESC"

static VpAnomaly *
anomaly_from_row (sqlite3_stmt *stmt)
{
  VpAnomaly *an = g_new0 (VpAnomaly, 1);

  an->id = sqlite3_column_int64 (stmt, 0);
  an->meter_id = sqlite3_column_int64 (stmt, 1);
  an->meter_address = vp_model_column_dup (stmt, 2);
  an->account = vp_model_column_dup (stmt, 3);
  an->kind = vp_model_column_dup (stmt, 4);
  an->detail = vp_model_column_dup (stmt, 5);
  an->reading_id = sqlite3_column_int64 (stmt, 6);
  an->total = sqlite3_column_int64 (stmt, 7);
  an->has_rates = sqlite3_column_type (stmt, 8) != SQLITE_NULL;
  for (guint r = 0; r < G_N_ELEMENTS (an->rates); r++)
    an->rates[r] = sqlite3_column_int64 (stmt, 8 + r);
  an->read_at = sqlite3_column_int64 (stmt, 12);
  an->created_at = vp_model_column_dup (stmt, 13);
  an->resolved_at = vp_model_column_dup (stmt, 14);
  an->resolved_by = sqlite3_column_int64 (stmt, 15);
  an->resolved_by_login = vp_model_column_dup (stmt, 16);
  an->resolution = vp_model_column_dup (stmt, 17);
  an->note = vp_model_column_dup (stmt, 18);
  an->baseline_reading_id = sqlite3_column_int64 (stmt, 19);
  an->baseline_total = sqlite3_column_int64 (stmt, 20);
  return an;
}

/* Runs ANOMALY_SELECT; the caller holds the lock (or the transaction). */
static GPtrArray *
query_locked (VpDatabase   *db,
              gboolean      open_only,
              const char   *account,
              gint64        meter_id,
              gint64        id,
              GError      **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_anomaly_free);
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, ANOMALY_SELECT, error);
  if (stmt == NULL)
    return NULL;
  if (account != NULL)
    sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, meter_id);
  sqlite3_bind_int (stmt, 3, open_only ? 1 : 0);
  sqlite3_bind_int64 (stmt, 4, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, anomaly_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the anomalies"), error);
      return NULL;
    }
  return g_steal_pointer (&items);
}

/* See vp-anomaly.h. */
GPtrArray *
vp_anomaly_list (VpDatabase  *db,
                 gboolean     open_only,
                 const char  *account,
                 gint64       meter_id,
                 GError     **error)
{
  GPtrArray *items;

  g_return_val_if_fail (db != NULL, NULL);

  vp_database_lock (db);
  items = query_locked (db, open_only, account, meter_id, 0, error);
  vp_database_unlock (db);
  return items;
}

static VpAnomaly *
get_locked (VpDatabase  *db,
            gint64       id,
            GError     **error)
{
  g_autoptr(GPtrArray) items = query_locked (db, FALSE, NULL, 0, id, error);

  if (items == NULL)
    return NULL;
  if (items->len == 0 || id <= 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no anomaly %" PRId64), id);
      return NULL;
    }
  return g_ptr_array_steal_index (items, 0);
}

/* See vp-anomaly.h. */
VpAnomaly *
vp_anomaly_get (VpDatabase  *db,
                gint64       id,
                GError     **error)
{
  VpAnomaly *an;

  g_return_val_if_fail (db != NULL, NULL);

  vp_database_lock (db);
  an = get_locked (db, id, error);
  vp_database_unlock (db);
  return an;
}

/* The newest anomaly reading of @meter_id after its last good reading (0 when there
 * is none), with its register. */
static gboolean
find_new_base (VpDatabase  *db,
               gint64       meter_id,
               gint64      *out_id,
               gint64      *out_total,
               GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db,
                              "SELECT r.id, r.total FROM readings r "
                              "LEFT JOIN meter_state s ON s.meter_id = r.meter_id "
                              "LEFT JOIN readings g ON g.id = s.last_reading_id "
                              "WHERE r.meter_id = ?1 AND r.status = 'anomaly' "
                              "AND (g.id IS NULL OR r.station_time > g.station_time) "
                              "ORDER BY r.station_time DESC, r.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the meter's readings"), error);
      return FALSE;
    }
  *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  *out_total = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 1) : 0;
  return TRUE;
}

/* Runs one statement that binds its ?1 (and ?2 when it has one) to integers. */
static gboolean
exec_ids (VpDatabase  *db,
          const char  *sql,
          gint64       first,
          gint64       second,
          GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = vp_database_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sqlite3_bind_int64 (stmt, 2, second);
  return vp_model_step (db, stmt, _("Could not resolve the anomaly"), error);
}

/* The baseline: the reading's status, and the meter's last good reading. The
 * remainder (sub-fen carry) and the tier cycle are kept: they belong to the account's
 * charges so far, not to the register. */
static gboolean
rebaseline_locked (VpDatabase  *db,
                   gint64       meter_id,
                   gint64       reading_id,
                   GError     **error)
{
  return exec_ids (db, "UPDATE readings SET status = 'baseline' WHERE id = ?1",
                   reading_id, 0, error)
         && exec_ids (db, "INSERT INTO meter_state (meter_id, last_reading_id) VALUES (?1, ?2) "
                          "ON CONFLICT (meter_id) DO UPDATE SET last_reading_id = ?2",
                      meter_id, reading_id, error);
}

static char *
state_json (const VpAnomaly *an,
            gint64           last_good_id)
{
  GString *json = g_string_new (NULL);

  vp_json_begin (json);
  vp_json_add_int (json, "anomaly", an->id);
  vp_json_add_string (json, "meter", an->meter_address);
  vp_json_add_string (json, "kind", an->kind);
  vp_json_add_string (json, "resolution", an->resolution);
  vp_json_add_string (json, "note", an->note);
  vp_json_add_int (json, "last_good_reading", last_good_id);
  if (an->baseline_reading_id > 0)
    vp_json_add_int (json, "baseline_total", an->baseline_total);
  return vp_json_end (json);
}

static gint64
last_good_reading (VpDatabase *db,
                   gint64      meter_id)
{
  g_autoptr(VpCachedStmt) stmt = NULL;

  stmt = vp_database_prepare (db, "SELECT last_reading_id FROM meter_state WHERE meter_id = ?",
                              NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
resolve_locked (VpDatabase       *db,
                VpSession        *actor,
                gint64            id,
                VpAnomalyAction   action,
                const char       *note,
                VpAnomaly       **out_anomaly,
                GError          **error)
{
  g_autoptr(VpAnomaly) an = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *object = NULL;
  gint64 base_id = 0;
  gint64 base_total = 0;
  gint64 last_good;

  an = get_locked (db, id, error);
  if (an == NULL)
    return FALSE;
  if (an->resolved_at != NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Anomaly %" PRId64 " of meter %s was already resolved on %s"),
                   id, an->meter_address, an->resolved_at);
      return FALSE;
    }
  last_good = last_good_reading (db, an->meter_id);
  before = state_json (an, last_good);

  if (action == VP_ANOMALY_REBASELINE)
    {
      if (!find_new_base (db, an->meter_id, &base_id, &base_total, error))
        return FALSE;
      if (base_id == 0)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Meter %s has read plausibly since anomaly %" PRId64 ": there is no "
                         "new register to start from. Dismiss the anomaly instead."),
                       an->meter_address, id);
          return FALSE;
        }
      if (!rebaseline_locked (db, an->meter_id, base_id, error))
        return FALSE;
    }

  stmt = vp_database_prepare (db,
                              "UPDATE anomalies SET resolved_at = ?2, resolved_by = ?3, "
                              "resolution = ?4, note = ?5, baseline_reading_id = ?6 "
                              "WHERE id = ?1 AND resolved_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, vp_actor_id (actor));
  sqlite3_bind_text (stmt, 4, vp_anomaly_action_to_string (action), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, note, -1, SQLITE_TRANSIENT);
  if (base_id > 0)
    sqlite3_bind_int64 (stmt, 6, base_id);
  if (!vp_model_step (db, stmt, _("Could not resolve the anomaly"), error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_reset);

  g_clear_pointer (&an, vp_anomaly_free);
  an = get_locked (db, id, error);
  if (an == NULL)
    return FALSE;
  after = state_json (an, base_id > 0 ? base_id : last_good);
  object = g_strdup_printf ("account:%s", an->account);
  if (!vp_audit_append (db, vp_actor_id (actor), "anomaly.resolve", object, before, after,
                        error))
    return FALSE;
  *out_anomaly = g_steal_pointer (&an);
  return TRUE;
}

/* See vp-anomaly.h. */
gboolean
vp_anomaly_resolve (VpDatabase       *db,
                    VpSession        *actor,
                    gint64            id,
                    VpAnomalyAction   action,
                    const char       *note,
                    VpAnomaly       **out_anomaly,
                    GError          **error)
{
  g_autoptr(VpAnomaly) resolved = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (db != NULL && actor != NULL, FALSE);
  g_return_val_if_fail ((guint) action < G_N_ELEMENTS (action_names), FALSE);

  if (!vp_session_require (actor, VP_PERM_METER_CONTROL, error))
    return FALSE;
  stripped = g_strstrip (g_strdup (note != NULL ? note : ""));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Say why in the note: it stays with the anomaly"));
      return FALSE;
    }
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!resolve_locked (db, actor, id, action, stripped, &resolved, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_anomaly != NULL)
    *out_anomaly = g_steal_pointer (&resolved);
  return TRUE;
}
