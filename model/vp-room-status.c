/* vp-room-status.c: every room with the state of its account and meters, for the grid */
#include "config.h"

#include <sqlite3.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-room-status.h"

void
vp_room_status_free (VpRoomStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->site);
  g_free (status->building);
  g_free (status->number);
  g_free (status->label);
  g_free (status->account);
  g_free (status->name);
  g_free (status);
}

const char *
vp_room_state_to_string (VpRoomState state)
{
  static const char * const names[VP_N_ROOM_STATES] = {
    "tripped", "offline", "keep-power", "low", "normal", "vacant",
  };

  g_return_val_if_fail ((guint) state < VP_N_ROOM_STATES, NULL);

  return names[state];
}

/* The most urgent state first: a cut supply matters more than a missed read, and a
 * missed read more than a balance the next top-up fixes. */
static VpRoomState
room_state (const VpRoomStatus *s)
{
  if (s->account == NULL)
    return VP_ROOM_VACANT;
  if (s->tripped)
    return VP_ROOM_TRIPPED;
  if (s->n_offline > 0)
    return VP_ROOM_OFFLINE;
  if (s->keep_power)
    return VP_ROOM_KEEP_POWER;
  if (s->balance <= s->alarm1)
    return VP_ROOM_LOW;
  return VP_ROOM_NORMAL;
}

/* See vp-room-status.h. */
GPtrArray *
vp_room_status_list (VpDatabase  *db,
                     VpSession   *actor,
                     const char  *building,
                     GError     **error)
{
  g_autoptr(GPtrArray) rooms = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;

  rooms = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_room_status_free);
  vp_database_lock (db);
  stmt = vp_database_prepare (db,
                              "SELECT r.id, s.name, b.name, f.level, r.number, r.label, "
                              "a.number, cu.name, a.balance, a.alarm1, "
                              "IFNULL (ac.tripped, 0), IFNULL (ac.keep_power, 0), "
                              "(SELECT count(*) FROM meters m WHERE m.account_id = a.id "
                              " AND m.status = 'active'), "
                              "(SELECT count(*) FROM meters m JOIN meter_state ms "
                              " ON ms.meter_id = m.id WHERE m.account_id = a.id "
                              " AND m.status = 'active' AND ms.failures > 0), "
                              "(SELECT count(*) FROM meters m JOIN meter_state ms "
                              " ON ms.meter_id = m.id WHERE m.account_id = a.id "
                              " AND m.status = 'active' AND ms.supply = 'off') "
                              "FROM rooms r JOIN floors f ON f.id = r.floor_id "
                              "JOIN buildings b ON b.id = f.building_id "
                              "JOIN sites s ON s.id = b.site_id "
                              "LEFT JOIN accounts a ON a.room_id = r.id AND a.status <> 'closed' "
                              "LEFT JOIN customers cu ON cu.id = a.customer_id "
                              "LEFT JOIN account_control ac ON ac.account_id = a.id "
                              "WHERE ?1 IS NULL OR b.name = ?1 "
                              "ORDER BY s.name, b.name, f.level, "
                              "length (r.number), r.number, a.number",
                              error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  if (building != NULL)
    sqlite3_bind_text (stmt, 1, building, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VpRoomStatus *s = g_new0 (VpRoomStatus, 1);

      s->room_id = sqlite3_column_int64 (stmt, 0);
      s->site = vp_model_column_dup (stmt, 1);
      s->building = vp_model_column_dup (stmt, 2);
      s->level = sqlite3_column_int (stmt, 3);
      s->number = vp_model_column_dup (stmt, 4);
      s->label = vp_model_column_dup (stmt, 5);
      s->account = vp_model_column_dup (stmt, 6);
      s->name = vp_model_column_dup (stmt, 7);
      s->balance = sqlite3_column_int64 (stmt, 8);
      s->alarm1 = sqlite3_column_int64 (stmt, 9);
      s->keep_power = sqlite3_column_int (stmt, 11) != 0;
      s->n_meters = sqlite3_column_int (stmt, 12);
      s->n_offline = sqlite3_column_int (stmt, 13);
      s->tripped = sqlite3_column_int (stmt, 10) != 0 || sqlite3_column_int (stmt, 14) > 0;
      s->state = room_state (s);
      g_ptr_array_add (rooms, s);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the rooms"), error);
      sqlite3_reset (stmt);
      vp_database_unlock (db);
      return NULL;
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return g_steal_pointer (&rooms);
}

void
vp_meter_live_free (VpMeterLive *status)
{
  if (status == NULL)
    return;
  g_free (status->address);
  g_free (status->last_error);
  g_free (status);
}

static VpSupplyState
supply_from_column (const char *text)
{
  if (g_strcmp0 (text, "on") == 0)
    return VP_SUPPLY_ON;
  if (g_strcmp0 (text, "off") == 0)
    return VP_SUPPLY_OFF;
  return VP_SUPPLY_UNKNOWN;
}

/* See vp-room-status.h. The newest reading of any status (an anomaly is what the
 * meter says too); the account row is joined so an unknown number is told apart from
 * an account with no meter. */
GPtrArray *
vp_meter_live_list (VpDatabase  *db,
                      VpSession   *actor,
                      const char  *account,
                      GError     **error)
{
  g_autoptr(GPtrArray) meters = NULL;
  sqlite3_stmt *stmt;
  gboolean found = FALSE;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (account != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;

  meters = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_meter_live_free);
  vp_database_lock (db);
  stmt = vp_database_prepare (db,
                              "SELECT m.address, m.kind, r.total, r.station_time, "
                              "IFNULL (ms.last_contact, 0), IFNULL (ms.failures, 0), "
                              "ms.last_error, IFNULL (ms.supply, 'unknown'), "
                              "IFNULL (ac.keep_power, 0), m.id IS NOT NULL "
                              "FROM accounts a "
                              "LEFT JOIN meters m ON m.account_id = a.id AND m.status = 'active' "
                              "LEFT JOIN meter_state ms ON ms.meter_id = m.id "
                              "LEFT JOIN account_control ac ON ac.account_id = a.id "
                              "LEFT JOIN readings r ON r.id = "
                              " (SELECT max (id) FROM readings WHERE meter_id = m.id) "
                              "WHERE a.number = ?1 ORDER BY m.id",
                              error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, account, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VpMeterLive *m;
      g_autofree char *kind = NULL;

      found = TRUE;
      if (sqlite3_column_int (stmt, 9) == 0)
        continue;
      m = g_new0 (VpMeterLive, 1);
      m->address = vp_model_column_dup (stmt, 0);
      kind = vp_model_column_dup (stmt, 1);
      if (!vp_meter_kind_from_string (kind, &m->kind))
        m->kind = VP_METER_KIND_ELECTRICITY;
      m->has_reading = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
      m->total = sqlite3_column_int64 (stmt, 2);
      m->read_at = sqlite3_column_int64 (stmt, 3);
      m->last_contact = sqlite3_column_int64 (stmt, 4);
      m->failures = (guint) sqlite3_column_int (stmt, 5);
      m->online = m->last_contact > 0 && m->failures == 0;
      m->last_error = vp_model_column_dup (stmt, 6);
      m->supply = supply_from_column ((const char *) sqlite3_column_text (stmt, 7));
      m->keep_power = sqlite3_column_int (stmt, 8) != 0;
      g_ptr_array_add (meters, m);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the meters"), error);
      sqlite3_reset (stmt);
      vp_database_unlock (db);
      return NULL;
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  if (!found)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no account %s; check the number"), account);
      return NULL;
    }
  return g_steal_pointer (&meters);
}
