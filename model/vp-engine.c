/* vp-engine.c: the prepaid engine — read, charge, warn, trip and restore
 *
 * Order inside this file: settings (policy), small SQL helpers, commands (queue and
 * send), thresholds, storing one reading, the cycle, manual control, listings.
 */
#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "vp-account-private.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-secret.h"
#include "vp-tariff-store.h"
#include "vp-tariff.h"

/* A sent command's lease: long enough for any exchange with retries. */
#define LEASE_SECONDS          120
#define COMMAND_TTL_SECONDS    (24 * 3600)
#define BACKOFF_CAP_SECONDS    3600
#define COMMAND_BACKOFF_BASE   30
/* How far a meter's clock may be from the station's when it is read back after a
 * set-time and still count as set: 10 seconds. The meter is given the station's time
 * as the write leaves; the date and the time are two exchanges (each up to ~0.5 s on a
 * 2400 baud bus, more with retries) and both clocks count whole seconds, so a few
 * seconds are normal. A meter that did not take the time is still off by the skew that
 * made someone set it, which is minutes. */
#define SET_TIME_TOLERANCE_SECONDS 10

struct _VpEngine
{
  VpDatabase      *db;
  VpMeterGateway  *gateway;
  VpEngineClock    clock;
  gpointer         clock_data;
  guint            max_links;
  char            *owner;          /* "host:pid", leases of sent commands */
  GMutex           tariff_lock;
  GHashTable      *tariffs;        /* name → VpTariff, reloaded every cycle */
};

/* What the settings say, read once per cycle (or per call outside a cycle). */
typedef struct
{
  gint64      now;
  gint64      hysteresis;         /* fen */
  gint64      interval;           /* seconds */
  gint64      max_kw;
  gint64      max_water_m3h;
  gint        command_attempts;
  const char *origin;             /* of the commands the evaluation queues */
  gint64      operator_id;
} Policy;

static gint64
setting_int (VpDatabase *db,
             const char *key,
             gint64      fallback)
{
  g_autofree char *text = vp_database_get_setting (db, key, NULL);
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, 0, G_MAXINT32, &value, NULL))
    return fallback;
  return value;
}

static void
policy_load (VpDatabase *db,
             gint64      now,
             Policy     *policy)
{
  g_autofree char *hysteresis = vp_database_get_setting (db, VP_ENGINE_HYSTERESIS_KEY, "1.00");

  policy->now = now;
  if (!vp_money_parse (hysteresis, VP_MONEY_ALLOW_ZERO, &policy->hysteresis, NULL))
    policy->hysteresis = 100;
  policy->interval = MAX (1, setting_int (db, VP_ENGINE_INTERVAL_KEY, VP_ENGINE_INTERVAL_DEFAULT));
  policy->max_kw = setting_int (db, "engine.max_kw", 100);
  policy->max_water_m3h = setting_int (db, "engine.max_water_m3h", 10);
  policy->command_attempts = (gint) setting_int (db, "engine.command_attempts", 8);
  policy->origin = "engine";
  policy->operator_id = 0;
}

static gint64
real_clock (gpointer user_data)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/*
 * vp_engine_new:
 * @db: the database (a reference is taken)
 * @gateway: (nullable): how to reach the meters; NULL for an engine that only stores
 *   readings (tools, benchmarks)
 */
VpEngine *
vp_engine_new (VpDatabase     *db,
               VpMeterGateway *gateway)
{
  VpEngine *self;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (gateway == NULL || VP_IS_METER_GATEWAY (gateway), NULL);

  self = g_new0 (VpEngine, 1);
  self->db = vp_database_ref (db);
  self->gateway = gateway != NULL ? g_object_ref (gateway) : NULL;
  self->clock = real_clock;
  self->max_links = 32;
  self->owner = g_strdup_printf ("%s:%d", g_get_host_name (), (int) getpid ());
  g_mutex_init (&self->tariff_lock);
  self->tariffs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) vp_tariff_unref);
  return self;
}

void
vp_engine_free (VpEngine *self)
{
  if (self == NULL)
    return;
  vp_database_unref (self->db);
  g_clear_object (&self->gateway);
  g_free (self->owner);
  g_mutex_clear (&self->tariff_lock);
  g_hash_table_unref (self->tariffs);
  g_free (self);
}

/* Replaces the wall clock (Unix seconds) with @clock, for tests. */
void
vp_engine_set_clock (VpEngine      *self,
                     VpEngineClock  clock,
                     gpointer       user_data)
{
  g_return_if_fail (self != NULL && clock != NULL);
  self->clock = clock;
  self->clock_data = user_data;
}

void
vp_engine_set_max_links (VpEngine *self,
                         guint     max_links)
{
  g_return_if_fail (self != NULL && max_links > 0);
  self->max_links = max_links;
}

static gint64
engine_now (VpEngine *self)
{
  return self->clock (self->clock_data);
}

void
vp_cycle_report_clear (VpCycleReport *report)
{
  g_return_if_fail (report != NULL);
  g_free (report->first_error);
  memset (report, 0, sizeof *report);
}

static void
report_error (VpCycleReport *report,
              const GError  *error)
{
  report->errors++;
  if (report->first_error == NULL)
    report->first_error = g_strdup (error->message);
  g_message ("engine: %s", error->message);
}

static void
report_merge (VpCycleReport *into,
              VpCycleReport *from)
{
  into->links += from->links;
  into->meters += from->meters;
  into->read += from->read;
  into->offline += from->offline;
  into->charged += from->charged;
  into->baselines += from->baselines;
  into->anomalies += from->anomalies;
  into->stale += from->stale;
  into->errors += from->errors;
  into->charged_fen += from->charged_fen;
  into->alarms += from->alarms;
  into->commands_queued += from->commands_queued;
  into->commands_sent += from->commands_sent;
  into->commands_confirmed += from->commands_confirmed;
  into->commands_failed += from->commands_failed;
  if (into->first_error == NULL)
    into->first_error = g_steal_pointer (&from->first_error);
  vp_cycle_report_clear (from);
}

/* Steps @stmt to completion (a write); resets it either way. */
static gboolean
step_done (VpDatabase    *db,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, what, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* ───────────────────────────── commands ───────────────────────────── */

static gboolean
control_is_supply (VpControl control)
{
  return control == VP_CONTROL_TRIP || control == VP_CONTROL_CLOSE
      || control == VP_CONTROL_CLOSE_ALLOW;
}

/* Supersedes the pending commands of @meter_id in the family @actions (an SQL list)
 * inside the caller's transaction. */
static gboolean
supersede_pending (VpDatabase  *db,
                   gint64       meter_id,
                   const char  *actions,
                   const char  *now_text,
                   GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE commands SET state = 'superseded', "
                                          "done_at = ?2, owner = NULL WHERE meter_id = ?1 "
                                          "AND state IN ('queued', 'sent') "
                                          "AND action IN %s", actions);
  sqlite3_stmt *stmt = vp_database_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_text (stmt, 2, now_text, -1, SQLITE_TRANSIENT);
  return step_done (db, stmt, _("Could not update the command queue"), error);
}

/* Queues @control for one meter inside the caller's transaction. A supply command
 * replaces a pending one of another kind (superseded) and is not queued twice; a
 * set-time replaces a pending set-time (the newer one writes the clock as it will be
 * then anyway). The two families never touch each other, nor the other commands (one
 * unique index per family, migrations 0003 and 0011). */
static gboolean
queue_command (VpDatabase    *db,
               gint64         meter_id,
               gint64         account_id,
               VpControl      control,
               const Policy  *policy,
               const char    *reason,
               gboolean      *out_queued,
               GError       **error)
{
  g_autofree char *now_text = vp_model_time_text (policy->now);
  sqlite3_stmt *stmt;

  *out_queued = FALSE;
  if (control_is_supply (control))
    {
      gboolean same = FALSE;

      stmt = vp_database_prepare (db,
                                  "SELECT action FROM commands WHERE meter_id = ? "
                                  "AND state IN ('queued', 'sent') "
                                  "AND action IN ('trip', 'close', 'close-allow')", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, meter_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        same = g_strcmp0 (column_text (stmt, 0), vp_control_to_string (control)) == 0;
      sqlite3_reset (stmt);
      if (same)
        return TRUE;
      if (!supersede_pending (db, meter_id, "('trip', 'close', 'close-allow')", now_text, error))
        return FALSE;
    }
  else if (control == VP_CONTROL_SET_TIME
           && !supersede_pending (db, meter_id, "('set-time')", now_text, error))
    return FALSE;

  stmt = vp_database_prepare (db,
                              "INSERT INTO commands (meter_id, account_id, action, origin, "
                              "reason, operator_id, next_attempt, expires_at, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_text (stmt, 3, vp_control_to_string (control), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, policy->origin, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, policy->operator_id);
  sqlite3_bind_int64 (stmt, 7, policy->now + COMMAND_TTL_SECONDS);
  sqlite3_bind_text (stmt, 8, now_text, -1, SQLITE_TRANSIENT);
  if (!step_done (db, stmt, _("Could not queue the command"), error))
    return FALSE;
  *out_queued = TRUE;
  return TRUE;
}

/* Queues @control for every active meter of the account (water meters take no
 * keep-power or alarm commands: CJ/T 188 valves have none). A set-time goes to water
 * meters too, so the technician sees per meter that it could not be done. */
static gboolean
queue_for_account (VpDatabase    *db,
                   gint64         account_id,
                   VpControl      control,
                   const Policy  *policy,
                   const char    *reason,
                   guint         *out_queued,
                   GError       **error)
{
  g_autoptr(GArray) meters = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  /* keep-power and alarm are DL/T 645 1C commands; a CJ/T 188 valve has neither */
  gboolean electricity_only = !control_is_supply (control) && control != VP_CONTROL_SET_TIME;

  stmt = vp_database_prepare (db,
                              "SELECT id FROM meters WHERE account_id = ? AND status = 'active' "
                              "AND (?2 = 0 OR kind = 'electricity') ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int (stmt, 2, electricity_only);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (meters, id);
    }
  sqlite3_reset (stmt);

  for (guint i = 0; i < meters->len; i++)
    {
      gboolean queued;

      if (!queue_command (db, g_array_index (meters, gint64, i), account_id, control,
                          policy, reason, &queued, error))
        return FALSE;
      if (queued && out_queued != NULL)
        (*out_queued)++;
    }
  return TRUE;
}

typedef struct
{
  gint64         id;
  VpControl      control;
  gint           attempts;        /* after the claim */
  VpMeterTarget  target;
  char          *address;
  char          *password;
  char          *operator_code;
} Claim;

static void
claim_clear (Claim *claim)
{
  g_clear_pointer (&claim->address, g_free);
  g_clear_pointer (&claim->password, g_free);
  g_clear_pointer (&claim->operator_code, g_free);
}

/* Whether the process that holds a lease is gone: same host and no such pid. */
static gboolean
owner_is_dead (VpEngine   *self,
               const char *owner)
{
  const char *colon;
  gint64 pid;
  g_autofree char *host = NULL;

  if (owner == NULL)
    return TRUE;
  colon = strrchr (owner, ':');
  if (colon == NULL || g_strcmp0 (owner, self->owner) == 0)
    return FALSE;
  host = g_strndup (owner, colon - owner);
  if (!g_str_equal (host, g_get_host_name ())
      || !g_ascii_string_to_signed (colon + 1, 10, 1, G_MAXINT32, &pid, NULL))
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

/* Takes the next command of @link that is due (queued and due, or sent under a lease
 * that ran out or whose owner died) and leases it to this process. Commands past
 * their expiry become expired on the way. FALSE with no error when nothing is due. */
static gboolean
claim_next (VpEngine      *self,
            const char    *link,
            gint64         now,
            Claim         *claim,
            GError       **error)
{
  g_autofree char *now_text = vp_model_time_text (now);
  gboolean found = FALSE;
  sqlite3_stmt *stmt;

  if (!vp_database_begin (self->db, error))
    return FALSE;

  stmt = vp_database_prepare (self->db,
                              "SELECT c.id, c.action, c.state, c.attempts, c.owner, "
                              "c.lease_until, c.expires_at, c.meter_id, m.kind, m.protocol, "
                              "m.address, m.password_level, m.password, m.operator_code "
                              "FROM commands c JOIN meters m ON m.id = c.meter_id "
                              "WHERE m.link = ?1 AND ((c.state = 'queued' AND c.next_attempt <= ?2) "
                              "OR c.state = 'sent') ORDER BY c.id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, link, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);

  while (!found && sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gboolean sent = g_strcmp0 (column_text (stmt, 2), "sent") == 0;
      gint attempts = sqlite3_column_int (stmt, 3);
      const char *owner = column_text (stmt, 4);
      gint64 lease_until = sqlite3_column_int64 (stmt, 5);
      gint64 expires_at = sqlite3_column_int64 (stmt, 6);
      sqlite3_stmt *update;
      const char *sql;

      if (sent && lease_until > now && !owner_is_dead (self, owner))
        continue;

      if (expires_at <= now)
        sql = "UPDATE commands SET state = 'expired', done_at = ?4, owner = NULL "
              "WHERE id = ?1 AND attempts = ?2";
      else
        sql = "UPDATE commands SET state = 'sent', attempts = attempts + 1, owner = ?3, "
              "lease_until = ?5 WHERE id = ?1 AND attempts = ?2";
      update = vp_database_prepare (self->db, sql, error);
      if (update == NULL)
        {
          sqlite3_reset (stmt);
          goto fail;
        }
      sqlite3_bind_int64 (update, 1, id);
      sqlite3_bind_int (update, 2, attempts);
      if (expires_at > now)
        {
          sqlite3_bind_text (update, 3, self->owner, -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (update, 5, now + LEASE_SECONDS);
        }
      else
        sqlite3_bind_text (update, 4, now_text, -1, SQLITE_TRANSIENT);
      if (!step_done (self->db, update, _("Could not update the command queue"), error))
        {
          sqlite3_reset (stmt);
          goto fail;
        }
      if (expires_at <= now)
        continue;

      found = TRUE;
      claim->id = id;
      vp_control_from_string (column_text (stmt, 1), &claim->control);
      claim->attempts = attempts + 1;
      claim->target.meter_id = sqlite3_column_int64 (stmt, 7);
      vp_meter_kind_from_string (column_text (stmt, 8), &claim->target.kind);
      vp_meter_protocol_from_string (column_text (stmt, 9), &claim->target.protocol);
      claim->address = g_strdup (column_text (stmt, 10));
      claim->target.password_level = sqlite3_column_int (stmt, 11);
      claim->password = vp_secret_reveal (self->db, column_text (stmt, 12));
      claim->operator_code = vp_secret_reveal (self->db, column_text (stmt, 13));
      claim->target.address = claim->address;
      claim->target.password = claim->password;
      claim->target.operator_code = claim->operator_code;
      claim->target.link = link;
    }
  sqlite3_reset (stmt);

  if (!vp_database_commit (self->db, error))
    {
      claim_clear (claim);
      return FALSE;
    }
  return found;

fail:
  vp_database_rollback (self->db);
  return FALSE;
}

/* Ends a claimed command: confirmed (and the meter's supply noted), or back to the
 * queue with back-off, or failed for good. Only if this process still holds it: a
 * newer command may have superseded it meanwhile. */
static void
finish_claim (VpEngine      *self,
              const Claim   *claim,
              const Policy  *policy,
              VpSupplyState  supply,
              const GError  *failure,
              VpCycleReport *report)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *now_text = vp_model_time_text (policy->now);
  sqlite3_stmt *stmt;
  const char *state;
  gint64 next_attempt = 0;

  if (failure == NULL)
    state = "confirmed";
  else if (claim->attempts >= policy->command_attempts
           || g_error_matches (failure, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_REFUSED)
           || g_error_matches (failure, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED))
    state = "failed";
  else
    {
      state = "queued";
      next_attempt = policy->now + MIN ((gint64) COMMAND_BACKOFF_BASE << MIN (claim->attempts - 1, 16),
                                        BACKOFF_CAP_SECONDS);
    }

  if (!vp_database_begin (self->db, &error))
    goto out;
  stmt = vp_database_prepare (self->db,
                              "UPDATE commands SET state = ?3, next_attempt = ?4, owner = NULL, "
                              "lease_until = 0, last_error = ?5, "
                              "done_at = CASE WHEN ?3 = 'queued' THEN NULL ELSE ?6 END "
                              "WHERE id = ?1 AND state = 'sent' AND owner = ?2", &error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, claim->id);
  sqlite3_bind_text (stmt, 2, self->owner, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, state, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, next_attempt);
  if (failure != NULL)
    sqlite3_bind_text (stmt, 5, failure->message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, now_text, -1, SQLITE_TRANSIENT);
  if (!step_done (self->db, stmt, _("Could not update the command queue"), &error))
    goto rollback;

  if (supply != VP_SUPPLY_UNKNOWN)
    {
      stmt = vp_database_prepare (self->db,
                                  "INSERT INTO meter_state (meter_id, supply) VALUES (?1, ?2) "
                                  "ON CONFLICT (meter_id) DO UPDATE SET supply = ?2", &error);
      if (stmt == NULL)
        goto rollback;
      sqlite3_bind_int64 (stmt, 1, claim->target.meter_id);
      sqlite3_bind_text (stmt, 2, vp_supply_state_to_string (supply), -1, SQLITE_STATIC);
      if (!step_done (self->db, stmt, _("Could not store the meter state"), &error))
        goto rollback;
    }
  if (vp_database_commit (self->db, &error))
    {
      if (failure == NULL)
        report->commands_confirmed++;
      else if (g_str_equal (state, "failed"))
        report->commands_failed++;
      return;
    }
  goto out;

rollback:
  vp_database_rollback (self->db);
out:
  report_error (report, error);
}

/* The supply a command leaves behind, or UNKNOWN when it does not decide it. */
static VpSupplyState
expected_supply (VpControl control)
{
  switch (control)
    {
    case VP_CONTROL_TRIP:  return VP_SUPPLY_OFF;
    case VP_CONTROL_CLOSE: return VP_SUPPLY_ON;
    case VP_CONTROL_CLOSE_ALLOW:
    case VP_CONTROL_KEEP_POWER_ON:
    case VP_CONTROL_KEEP_POWER_OFF:
    case VP_CONTROL_ALARM_ON:
    case VP_CONTROL_ALARM_OFF:
    case VP_CONTROL_SET_TIME:
    case VP_N_CONTROLS:
    default:
      return VP_SUPPLY_UNKNOWN;
    }
}

/* Writes the station's clock into the meter and reads it back: set when the meter's
 * clock is within SET_TIME_TOLERANCE_SECONDS of the station's. The time written is the
 * station's as the write leaves, never when the command was queued (it may have
 * waited hours for a meter that was offline). A retry just writes it again: that is
 * harmless, so unlike trip and close there is nothing to look at first. */
static gboolean
set_time (VpEngine       *self,
          const Claim    *claim,
          GCancellable   *cancellable,
          VpCycleReport  *report,
          GError        **error)
{
  VpMeterSample sample;
  gint64 station;

  if (!vp_meter_gateway_write_time (self->gateway, &claim->target, engine_now (self),
                                    cancellable, error))
    return FALSE;
  report->commands_sent++;
  if (!vp_meter_gateway_read (self->gateway, &claim->target, &sample, cancellable, error))
    return FALSE;
  station = engine_now (self);
  if (sample.meter_time == 0)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_FAILED,
                   _("Meter %s took the time but did not report its clock, so it could "
                     "not be checked"), claim->target.address);
      return FALSE;
    }
  if (ABS (sample.meter_time - station) > SET_TIME_TOLERANCE_SECONDS)
    {
      g_autoptr(GDateTime) clock = g_date_time_new_from_unix_local (sample.meter_time);
      g_autofree char *text = g_date_time_format (clock, "%Y-%m-%d %H:%M:%S");

      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_FAILED,
                   _("Meter %s took the time but its clock still reads %s, %" PRId64
                     " s from the station's"), claim->target.address, text,
                   sample.meter_time - station);
      return FALSE;
    }
  return TRUE;
}

/* Sends one claimed command and confirms it by reading the supply (or for a set-time
 * the clock) back. Returns FALSE when the link is down (the caller stops using it
 * this cycle). */
static gboolean
run_claim (VpEngine      *self,
           const Claim   *claim,
           const Policy  *policy,
           GCancellable  *cancellable,
           VpCycleReport *report)
{
  g_autoptr(GError) error = NULL;
  VpSupplyState expect = expected_supply (claim->control);
  VpSupplyState supply = VP_SUPPLY_UNKNOWN;

  if (claim->control == VP_CONTROL_SET_TIME)
    {
      if (!set_time (self, claim, cancellable, report, &error))
        goto failed;
      finish_claim (self, claim, policy, VP_SUPPLY_UNKNOWN, NULL, report);
      return TRUE;
    }

  /* It may have reached the meter before (a lost answer, a sender that died): look
   * first, so a trip or close that took effect is never sent twice. */
  if (claim->attempts > 1 && expect != VP_SUPPLY_UNKNOWN
      && vp_meter_gateway_read_supply (self->gateway, &claim->target, &supply,
                                       cancellable, NULL)
      && supply == expect)
    {
      finish_claim (self, claim, policy, supply, NULL, report);
      return TRUE;
    }

  if (!vp_meter_gateway_control (self->gateway, &claim->target, claim->control,
                                 cancellable, &error))
    goto failed;
  report->commands_sent++;

  if (expect == VP_SUPPLY_UNKNOWN)
    {
      finish_claim (self, claim, policy, VP_SUPPLY_UNKNOWN, NULL, report);
      return TRUE;
    }
  if (!vp_meter_gateway_read_supply (self->gateway, &claim->target, &supply,
                                     cancellable, &error))
    goto failed;
  if (supply != expect)
    {
      g_set_error (&error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_FAILED,
                   _("Meter %s acknowledged “%s” but its supply still reads %s"),
                   claim->target.address, vp_control_to_string (claim->control),
                   vp_supply_state_to_string (supply));
      goto failed;
    }
  finish_claim (self, claim, policy, supply, NULL, report);
  return TRUE;

failed:
  finish_claim (self, claim, policy, VP_SUPPLY_UNKNOWN, error, report);
  return !g_error_matches (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_LINK_DOWN);
}

/* Sends every due command of @link, oldest first. FALSE when the link is down. */
static gboolean
send_link_commands (VpEngine      *self,
                    const char    *link,
                    const Policy  *policy,
                    GCancellable  *cancellable,
                    VpCycleReport *report)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      Claim claim = { 0 };
      gboolean link_up;

      if (g_cancellable_is_cancelled (cancellable))
        return TRUE;
      if (!claim_next (self, link, policy->now, &claim, &error))
        {
          if (error != NULL)
            report_error (report, error);
          return TRUE;
        }
      link_up = run_claim (self, &claim, policy, cancellable, report);
      claim_clear (&claim);
      if (!link_up)
        return FALSE;
    }
}

/* ───────────────────────────── thresholds ───────────────────────────── */

typedef struct
{
  gint64  id;
  char   *number;
  char   *name;
  char   *phone;
  gboolean prepaid;
  gboolean closed;
  gint64  balance;
  gint64  thresholds[3];          /* alarm1, alarm2, trip */
  gint    level;
  gboolean tripped;
  gboolean keep_power;
  gboolean has_close_threshold;
  gint64  close_threshold;
  gboolean trip_deferred;
  gboolean has_control;
} AccountState;

static void
account_state_clear (AccountState *a)
{
  g_free (a->number);
  g_free (a->name);
  g_free (a->phone);
}

static gboolean
account_state_load (VpDatabase    *db,
                    gint64         account_id,
                    const char    *number,
                    AccountState  *a,
                    GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = vp_database_prepare (db,
                              "SELECT a.id, a.number, cu.name, cu.phone, a.mode, a.status, "
                              "a.balance, a.alarm1, a.alarm2, a.trip, ac.level, ac.tripped, "
                              "ac.keep_power, ac.close_threshold, ac.trip_deferred "
                              "FROM accounts a JOIN customers cu ON cu.id = a.customer_id "
                              "LEFT JOIN account_control ac ON ac.account_id = a.id "
                              "WHERE a.id = ?1 OR a.number = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (number != NULL)
    sqlite3_bind_text (stmt, 2, number, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("There is no account %s"), number != NULL ? number : "");
      else
        vp_database_set_error (db, rc, _("Could not read the account"), error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  a->id = sqlite3_column_int64 (stmt, 0);
  a->number = g_strdup (column_text (stmt, 1));
  a->name = g_strdup (column_text (stmt, 2));
  a->phone = g_strdup (column_text (stmt, 3));
  a->prepaid = g_strcmp0 (column_text (stmt, 4), "prepaid") == 0;
  a->closed = g_strcmp0 (column_text (stmt, 5), "closed") == 0;
  a->balance = sqlite3_column_int64 (stmt, 6);
  for (guint i = 0; i < 3; i++)
    a->thresholds[i] = sqlite3_column_int64 (stmt, 7 + i);
  a->has_control = sqlite3_column_type (stmt, 10) != SQLITE_NULL;
  a->level = sqlite3_column_int (stmt, 10);
  a->tripped = sqlite3_column_int (stmt, 11);
  a->keep_power = sqlite3_column_int (stmt, 12);
  a->has_close_threshold = sqlite3_column_type (stmt, 13) != SQLITE_NULL;
  a->close_threshold = sqlite3_column_int64 (stmt, 13);
  a->trip_deferred = sqlite3_column_int (stmt, 14);
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
account_state_save (VpDatabase          *db,
                    const AccountState  *a,
                    GError             **error)
{
  sqlite3_stmt *stmt;

  stmt = vp_database_prepare (db,
                              "INSERT INTO account_control (account_id, level, tripped, "
                              "keep_power, trip_deferred) VALUES (?1, ?2, ?3, ?4, ?5) "
                              "ON CONFLICT (account_id) DO UPDATE SET level = ?2, tripped = ?3, "
                              "keep_power = ?4, trip_deferred = ?5", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a->id);
  sqlite3_bind_int (stmt, 2, a->level);
  sqlite3_bind_int (stmt, 3, a->tripped);
  sqlite3_bind_int (stmt, 4, a->keep_power);
  sqlite3_bind_int (stmt, 5, a->trip_deferred);
  return step_done (db, stmt, _("Could not store the account's control state"), error);
}

/* 0 above alarm 1, 1 at or below alarm 1, 2 at or below alarm 2, 3 at or below trip. */
static gint
level_of (const AccountState *a,
          gint64              balance)
{
  gint level = 0;

  for (guint i = 0; i < 3; i++)
    if (balance <= a->thresholds[i])
      level = i + 1;
  return level;
}

static const char *level_names[] = { "alarm1", "alarm2", "trip" };

/* One alarm row and its outbox message, inside the caller's transaction. */
static gboolean
raise_alarm (VpDatabase          *db,
             const AccountState  *a,
             gint                 level,
             const Policy        *policy,
             GError             **error)
{
  g_autofree char *now_text = vp_model_time_text (policy->now);
  g_autofree char *balance = vp_money_format (a->balance);
  g_autofree char *threshold = vp_money_format (a->thresholds[level - 1]);
  g_autofree char *meters = NULL;
  g_autofree char *zh = NULL;
  g_autofree char *en = NULL;
  sqlite3_stmt *stmt;
  gint64 alarm_id;

  stmt = vp_database_prepare (db,
                              "SELECT group_concat (address, ', ') FROM meters "
                              "WHERE account_id = ? AND status = 'active'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a->id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    meters = g_strdup (column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (meters == NULL)
    meters = g_strdup ("-");

  stmt = vp_database_prepare (db,
                              "INSERT INTO alarms (account_id, level, balance, threshold, created_at) "
                              "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a->id);
  sqlite3_bind_text (stmt, 2, level_names[level - 1], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, a->balance);
  sqlite3_bind_int64 (stmt, 4, a->thresholds[level - 1]);
  sqlite3_bind_text (stmt, 5, now_text, -1, SQLITE_TRANSIENT);
  if (!step_done (db, stmt, _("Could not store the alarm"), error))
    return FALSE;
  alarm_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));

  /* Both languages are stored: the customer's phone decides later, not the station's
   * locale. */
  if (level < 3)
    {
      zh = g_strdup_printf ("尊敬的%s：您的账户%s（表号%s）余额为%s元，已低于报警金额%s元，请及时充值。",
                            a->name, a->number, meters, balance, threshold);
      en = g_strdup_printf ("Dear %s, the balance of account %s (meter %s) is %s yuan, "
                            "below the alarm level of %s yuan. Please top up soon.",
                            a->name, a->number, meters, balance, threshold);
    }
  else
    {
      zh = g_strdup_printf ("尊敬的%s：您的账户%s（表号%s）余额为%s元，已到停电/停水金额%s元，"
                            "供应将被切断，请尽快充值。",
                            a->name, a->number, meters, balance, threshold);
      en = g_strdup_printf ("Dear %s, the balance of account %s (meter %s) is %s yuan, "
                            "at or below the cut-off level of %s yuan: the supply will be cut. "
                            "Please top up.",
                            a->name, a->number, meters, balance, threshold);
    }

  stmt = vp_database_prepare (db,
                              "INSERT INTO outbox (account_id, alarm_id, recipient, text_zh, "
                              "text_en, created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a->id);
  sqlite3_bind_int64 (stmt, 2, alarm_id);
  if (a->phone != NULL && *a->phone != '\0')
    sqlite3_bind_text (stmt, 3, a->phone, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, zh, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, en, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, now_text, -1, SQLITE_TRANSIENT);
  return step_done (db, stmt, _("Could not queue the notification"), error);
}

/* Alarms, trips and closes for the account's balance now, inside the caller's
 * transaction. See the contract in vp-engine.h. */
static gboolean
evaluate_account (VpDatabase     *db,
                  gint64          account_id,
                  const char     *number,
                  const Policy   *policy,
                  VpCycleReport  *report,
                  guint          *out_queued,
                  GError        **error)
{
  AccountState a = { 0 };
  gint level;
  gboolean ok = FALSE;
  guint queued = 0;
  gboolean changed;
  AccountState before;

  if (!account_state_load (db, account_id, number, &a, error))
    return FALSE;
  before = a;
  if (a.closed)
    {
      ok = TRUE;
      goto out;
    }

  level = level_of (&a, a.balance);
  if (level > a.level)
    {
      for (gint l = a.level + 1; l <= level; l++)
        {
          if (!raise_alarm (db, &a, l, policy, error))
            goto out;
          if (report != NULL)
            report->alarms++;
        }
      a.level = level;
    }
  else if (level < a.level)
    /* back up only when clear of the threshold by the hysteresis */
    a.level = MIN (a.level, level_of (&a, a.balance - policy->hysteresis));

  if (a.prepaid)
    {
      /* never below trip: a trip threshold raised after the close threshold was set
       * would otherwise close and trip the supply on alternate cycles */
      gint64 close_at = a.has_close_threshold ? MAX (a.close_threshold, a.thresholds[2])
                                              : a.thresholds[2];

      if (a.balance <= a.thresholds[2] && !a.tripped)
        {
          if (a.keep_power)
            a.trip_deferred = FALSE;
          else if (vp_engine_friendly_at (db, policy->now))
            a.trip_deferred = TRUE;
          else
            {
              g_autofree char *b = vp_money_format (a.balance);
              g_autofree char *t = vp_money_format (a.thresholds[2]);
              g_autofree char *reason = g_strdup_printf (_("Balance %s at or below the trip threshold %s"), b, t);

              if (!queue_for_account (db, a.id, VP_CONTROL_TRIP, policy, reason, &queued, error))
                goto out;
              a.tripped = TRUE;
              a.trip_deferred = FALSE;
            }
        }
      else if (a.tripped && a.balance > close_at)
        {
          g_autofree char *b = vp_money_format (a.balance);
          g_autofree char *reason = g_strdup_printf (_("Balance %s above the close threshold"), b);

          if (!queue_for_account (db, a.id, VP_CONTROL_CLOSE, policy, reason, &queued, error))
            goto out;
          a.tripped = FALSE;
        }
    }

  changed = !a.has_control || a.level != before.level || a.tripped != before.tripped
            || a.trip_deferred != before.trip_deferred;
  if (changed && !account_state_save (db, &a, error))
    goto out;
  if (report != NULL)
    report->commands_queued += queued;
  if (out_queued != NULL)
    *out_queued += queued;
  ok = TRUE;

out:
  account_state_clear (&a);
  return ok;
}

/* Parses "HH:MM" into minutes since midnight. */
static gboolean
parse_clock (const char *text,
             gint       *out_minutes)
{
  guint h, m;
  char extra;

  if (sscanf (text, "%u:%u%c", &h, &m, &extra) != 2 || h > 24 || m > 59)
    return FALSE;
  *out_minutes = (gint) (h * 60 + m);
  return TRUE;
}

/*
 * vp_engine_friendly_at:
 * @time: Unix seconds
 *
 * Returns TRUE when trips must wait at @time (local time): inside the nightly window
 * of "engine.friendly_nights" ("22:00-06:00", may span midnight), on a Saturday or
 * Sunday when "engine.friendly_weekends" is "true", or on a date listed in
 * "engine.friendly_holidays". Settings that cannot be read count as not set.
 */
gboolean
vp_engine_friendly_at (VpDatabase *db,
                       gint64      time)
{
  g_autofree char *nights = NULL;
  g_autofree char *weekends = NULL;
  g_autofree char *holidays = NULL;
  g_autoptr(GDateTime) dt = NULL;
  g_auto(GStrv) window = NULL;
  g_autofree char *date = NULL;
  gint start, end, minute;

  g_return_val_if_fail (db != NULL, FALSE);

  dt = g_date_time_new_from_unix_local (time);
  minute = g_date_time_get_hour (dt) * 60 + g_date_time_get_minute (dt);

  weekends = vp_database_get_setting (db, VP_ENGINE_FRIENDLY_WEEKENDS_KEY, "false");
  if (g_str_equal (weekends, "true") && g_date_time_get_day_of_week (dt) >= 6)
    return TRUE;

  holidays = vp_database_get_setting (db, VP_ENGINE_FRIENDLY_HOLIDAYS_KEY, "");
  date = g_date_time_format (dt, "%Y-%m-%d");
  if (*holidays != '\0')
    {
      g_auto(GStrv) days = g_strsplit (holidays, ",", -1);

      for (guint i = 0; days[i] != NULL; i++)
        if (g_str_equal (g_strstrip (days[i]), date))
          return TRUE;
    }

  nights = vp_database_get_setting (db, VP_ENGINE_FRIENDLY_NIGHTS_KEY, "");
  window = g_strsplit (nights, "-", 2);
  if (g_strv_length (window) != 2 || !parse_clock (window[0], &start)
      || !parse_clock (window[1], &end) || start == end)
    return FALSE;
  if (start < end)
    return minute >= start && minute < end;
  return minute >= start || minute < end;
}

/* ───────────────────────────── readings ───────────────────────────── */

static VpTariff *
engine_tariff (VpEngine    *self,
               const char  *name,
               GError     **error)
{
  VpTariff *tariff;

  g_mutex_lock (&self->tariff_lock);
  tariff = g_hash_table_lookup (self->tariffs, name);
  if (tariff == NULL)
    {
      tariff = vp_tariff_store_load (self->db, name, error);
      if (tariff != NULL)
        g_hash_table_insert (self->tariffs, g_strdup (name), tariff);
    }
  if (tariff != NULL)
    vp_tariff_ref (tariff);
  g_mutex_unlock (&self->tariff_lock);
  return tariff;
}

/* What store_reading needs about the meter, read inside its transaction. */
typedef struct
{
  gint64   account_id;
  char    *number;
  char    *tariff;
  gboolean water;
  gint64   multiplier;
  gint64   install_reading;
  gint64   installed_at;
  gboolean has_last;
  gint64   last_reading_id;
  VpTariffReading last;
  gboolean last_has_rates;     /* the last reading carried T1..T4 */
  gint64   remainder;
  gint64   cycle_start;
  gint64   cycle_used;
} MeterContext;

static void
meter_context_clear (MeterContext *m)
{
  g_free (m->number);
  g_free (m->tariff);
}

static gboolean
meter_context_load (VpDatabase    *db,
                    gint64         meter_id,
                    MeterContext  *m,
                    GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = vp_database_prepare (db,
                              "SELECT m.account_id, a.number, a.tariff, m.kind, m.multiplier, "
                              "m.install_reading, m.installed_at, s.last_reading_id, "
                              "s.remainder, s.cycle_start, s.cycle_used, r.station_time, "
                              "r.total, r.t1, r.t2, r.t3, r.t4 "
                              "FROM meters m JOIN accounts a ON a.id = m.account_id "
                              "LEFT JOIN meter_state s ON s.meter_id = m.id "
                              "LEFT JOIN readings r ON r.id = s.last_reading_id "
                              "WHERE m.id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("There is no meter with id %" PRId64), meter_id);
      else
        vp_database_set_error (db, rc, _("Could not read the meter"), error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  m->account_id = sqlite3_column_int64 (stmt, 0);
  m->number = g_strdup (column_text (stmt, 1));
  m->tariff = g_strdup (column_text (stmt, 2));
  m->water = g_strcmp0 (column_text (stmt, 3), "water") == 0;
  m->multiplier = sqlite3_column_int64 (stmt, 4);
  m->install_reading = sqlite3_column_int64 (stmt, 5);
  {
    g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (column_text (stmt, 6), NULL);

    m->installed_at = dt != NULL ? g_date_time_to_unix (dt) : 0;
  }
  m->has_last = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
  m->last_reading_id = sqlite3_column_int64 (stmt, 7);
  m->remainder = sqlite3_column_int64 (stmt, 8);
  m->cycle_start = sqlite3_column_int64 (stmt, 9);
  m->cycle_used = sqlite3_column_int64 (stmt, 10);
  m->last.time = sqlite3_column_int64 (stmt, 11);
  m->last.total = sqlite3_column_int64 (stmt, 12);
  m->last_has_rates = sqlite3_column_type (stmt, 13) != SQLITE_NULL;
  for (guint r = 0; r < VP_N_RATES; r++)
    m->last.rates[r] = sqlite3_column_int64 (stmt, 13 + r);
  sqlite3_reset (stmt);
  return TRUE;
}

static char *
lines_to_json (const VpTariffCharge *charge)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < charge->lines->len; i++)
    {
      const VpBillLine *line = g_ptr_array_index (charge->lines, i);
      GString *json = g_string_new (NULL);
      g_autofree char *object = NULL;

      vp_json_begin (json);
      vp_json_add_string (json, "text", line->text);
      vp_json_add_int (json, "consumption", line->consumption);
      vp_json_add_int (json, "price", line->price);
      vp_json_add_int (json, "amount_micro", line->amount_micro);
      vp_json_add_int (json, "tariff_version_id", line->version_id);
      vp_json_add_int (json, "pro_rata", line->pro_rata);
      object = vp_json_end (json);
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, object);
    }
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

/* The ledger note: consumption and the bill lines, readable on a statement. */
static char *
charge_note (const VpTariffCharge *charge,
             gboolean              water)
{
  g_autofree char *q = vp_tariff_quantity_format (charge->consumption);
  GString *note = g_string_new (NULL);

  g_string_append_printf (note, "%s %s", q, water ? "m³" : "kWh");
  for (guint i = 0; i < charge->lines->len; i++)
    {
      const VpBillLine *line = g_ptr_array_index (charge->lines, i);

      g_string_append_printf (note, "%s%s", i == 0 ? ": " : "; ", line->text);
    }
  return g_string_free (note, FALSE);
}

/* The consumption of one tariff register (T1..T4) over a charged interval, after CT × PT:
 * its advance from @previous to @current, a decrease being a rollover past 999999.99
 * (VP_TARIFF_REGISTER_MODULUS) when the wrapped advance is at most half the register;
 * -1 when not plausible (the report shows such an interval's split as unknown). The
 * tariff already refused a TOU interval whose registers went backwards; a flat tariff
 * does not look at T1..T4, hence the check here. Migration 0010's backfill is the same
 * rule in SQL: keep them together. */
static gint64
rate_consumption (gint64 previous,
                  gint64 current,
                  gint64 multiplier)
{
  gint64 delta = current - previous;

  if (delta < 0)
    {
      delta += VP_TARIFF_REGISTER_MODULUS;
      if (delta < 0 || delta > VP_TARIFF_REGISTER_MODULUS / 2)
        return -1;
    }
  return delta * multiplier;
}

/* Inserts the reading; *out_id 0 when the same reading is stored already. @tou: the
 * charged interval's T1..T4 consumption (readings.c1..c4, -1 = unknown), or NULL when
 * there is none (baseline, anomaly, no T1..T4 on either reading). */
static gboolean
insert_reading (VpDatabase            *db,
                gint64                 meter_id,
                const VpMeterSample   *sample,
                gint64                 meter_time,
                gint64                 station_time,
                const char            *status,
                const VpTariffCharge  *charge,
                const gint64          *tou,
                gint64                *out_id,
                GError               **error)
{
  g_autofree char *lines = NULL;
  sqlite3_stmt *stmt;

  stmt = vp_database_prepare (db,
                              "INSERT OR IGNORE INTO readings (meter_id, meter_time, station_time, "
                              "total, t1, t2, t3, t4, status, consumption, amount_micro, charged, "
                              "tariff_version_id, lines, c1, c2, c3, c4) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_int64 (stmt, 2, meter_time);
  sqlite3_bind_int64 (stmt, 3, station_time);
  sqlite3_bind_int64 (stmt, 4, sample->total);
  for (guint r = 0; r < VP_N_RATES && sample->has_rates; r++)
    sqlite3_bind_int64 (stmt, 5 + r, sample->rates[r]);
  for (guint r = 0; r < VP_N_RATES && tou != NULL; r++)
    if (tou[r] >= 0)
      sqlite3_bind_int64 (stmt, 15 + r, tou[r]);
  sqlite3_bind_text (stmt, 9, status, -1, SQLITE_STATIC);
  if (charge != NULL && charge->verdict == VP_TARIFF_VERDICT_OK)
    {
      lines = lines_to_json (charge);
      sqlite3_bind_int64 (stmt, 10, charge->consumption);
      sqlite3_bind_int64 (stmt, 11, charge->amount_micro);
      sqlite3_bind_int64 (stmt, 12, charge->charge_fen);
      if (charge->version_id > 0)
        sqlite3_bind_int64 (stmt, 13, charge->version_id);
      sqlite3_bind_text (stmt, 14, lines, -1, SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_int64 (stmt, 10, 0);
      sqlite3_bind_int64 (stmt, 11, 0);
      sqlite3_bind_int64 (stmt, 12, 0);
    }
  if (!step_done (db, stmt, _("Could not store the reading"), error))
    return FALSE;
  *out_id = sqlite3_changes (vp_database_get_handle (db)) > 0
            ? sqlite3_last_insert_rowid (vp_database_get_handle (db)) : 0;
  return TRUE;
}

/* A good exchange: contact time, no failures, supply and meter balance as read. */
static gboolean
note_contact (VpDatabase           *db,
              gint64                meter_id,
              const VpMeterSample  *sample,
              gint64                station_time,
              GError              **error)
{
  sqlite3_stmt *stmt;

  stmt = vp_database_prepare (db,
                              "INSERT INTO meter_state (meter_id, last_contact, supply, "
                              "meter_balance, meter_balance_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                              "ON CONFLICT (meter_id) DO UPDATE SET last_contact = ?2, "
                              "failures = 0, next_retry = 0, last_error = NULL, "
                              "supply = CASE WHEN ?3 = 'unknown' THEN supply ELSE ?3 END, "
                              "meter_balance = COALESCE (?4, meter_balance), "
                              "meter_balance_at = COALESCE (?5, meter_balance_at)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_int64 (stmt, 2, station_time);
  sqlite3_bind_text (stmt, 3, vp_supply_state_to_string (sample->supply), -1, SQLITE_STATIC);
  if (sample->has_balance)
    {
      sqlite3_bind_int64 (stmt, 4, sample->balance);
      sqlite3_bind_int64 (stmt, 5, station_time);
    }
  return step_done (db, stmt, _("Could not store the meter state"), error);
}

static gboolean
save_charge_state (VpDatabase    *db,
                   gint64         meter_id,
                   gint64         reading_id,
                   gint64         remainder,
                   gint64         cycle_start,
                   gint64         cycle_used,
                   GError       **error)
{
  sqlite3_stmt *stmt;

  stmt = vp_database_prepare (db,
                              "UPDATE meter_state SET last_reading_id = ?2, remainder = ?3, "
                              "cycle_start = ?4, cycle_used = ?5 WHERE meter_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_int64 (stmt, 2, reading_id);
  sqlite3_bind_int64 (stmt, 3, remainder);
  sqlite3_bind_int64 (stmt, 4, cycle_start);
  sqlite3_bind_int64 (stmt, 5, cycle_used);
  return step_done (db, stmt, _("Could not store the meter state"), error);
}

static gboolean
open_anomaly (VpDatabase            *db,
              gint64                 meter_id,
              gint64                 reading_id,
              const VpTariffCharge  *charge,
              gint64                 now,
              GError               **error)
{
  g_autofree char *now_text = vp_model_time_text (now);
  sqlite3_stmt *stmt;

  stmt = vp_database_prepare (db,
                              "INSERT OR IGNORE INTO anomalies (meter_id, reading_id, kind, "
                              "detail, created_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_int64 (stmt, 2, reading_id);
  sqlite3_bind_text (stmt, 3, charge->verdict == VP_TARIFF_VERDICT_JUMP ? "jump" : "backwards",
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, charge->anomaly, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, now_text, -1, SQLITE_TRANSIENT);
  return step_done (db, stmt, _("Could not store the anomaly"), error);
}

/* Prices and stores one reading inside the caller's transaction. */
static gboolean
store_reading_locked (VpEngine             *self,
                      gint64                meter_id,
                      const VpMeterSample  *sample,
                      gint64                station_time,
                      const Policy         *policy,
                      VpReadingOutcome     *outcome,
                      VpCycleReport        *report,
                      GError              **error)
{
  MeterContext m = { 0 };
  g_autoptr(VpTariff) tariff = NULL;
  g_autoptr(VpTariffCharge) charge = NULL;
  const VpTariffVersion *version;
  VpTariffReading previous = { 0 };
  VpTariffReading current = { station_time, sample->total, { 0 } };
  VpTariffMeterState state = { 0 };
  gint64 meter_time = sample->meter_time > 0 ? sample->meter_time : station_time;
  gint64 reading_id = 0;
  gint64 per_hour;
  gint64 tou[VP_N_RATES];
  gboolean has_tou;
  gboolean ok = FALSE;

  if (!meter_context_load (self->db, meter_id, &m, error))
    return FALSE;
  if (sample->has_rates)
    memcpy (current.rates, sample->rates, sizeof current.rates);

  /* Re-read inside the transaction: if another process stored a reading at or after
   * this one, this one is old news. */
  if (m.has_last && station_time <= m.last.time)
    {
      *outcome = VP_READING_STALE;
      ok = TRUE;
      goto out;
    }
  if (m.tariff == NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Account %s has no tariff; its meters are read but not charged"), m.number);
      goto out;
    }
  tariff = engine_tariff (self, m.tariff, error);
  if (tariff == NULL)
    goto out;
  version = vp_tariff_version_at (tariff, station_time);
  if ((version->scheme == VP_TARIFF_TOU || version->scheme == VP_TARIFF_TOU_TIERED)
      && !sample->has_rates)
    {
      /* T1..T4 would all read 0: the interval would be priced at nothing */
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Account %s has a time-of-use tariff but its meter %" PRId64
                     " reports no tariff registers; the reading was not charged"),
                   m.number, meter_id);
      goto out;
    }
  if (!note_contact (self->db, meter_id, sample, station_time, error))
    goto out;

  if (m.has_last)
    previous = m.last;
  else if (version->scheme != VP_TARIFF_TOU && version->scheme != VP_TARIFF_TOU_TIERED)
    {
      /* From the register at installation: the first interval is charged too. */
      previous.time = MIN (m.installed_at, station_time);
      previous.total = m.install_reading;
    }
  else
    {
      /* A TOU meter's T1..T4 at installation are not on record: start from here. */
      if (!insert_reading (self->db, meter_id, sample, meter_time, station_time, "baseline",
                           NULL, NULL, &reading_id, error))
        goto out;
      if (reading_id == 0)
        *outcome = VP_READING_STALE;
      else if (!save_charge_state (self->db, meter_id, reading_id, 0,
                                   vp_tariff_cycle_start (version, station_time), 0, error))
        goto out;
      else
        *outcome = VP_READING_BASELINE;
      ok = TRUE;
      goto out;
    }

  per_hour = m.water ? policy->max_water_m3h : policy->max_kw;
  state.multiplier = m.multiplier;
  /* What the register can advance at the plausible maximum, plus 1.00 for rounding.
   * The first interval runs from an installation time typed by a person: only a
   * backwards register is refused there. */
  state.max_delta = m.has_last ? per_hour * 100 * MAX (0, station_time - previous.time) / 3600 + 100
                               : 0;
  state.cycle_start = m.cycle_start;
  state.cycle_used = m.cycle_used;
  state.remainder = m.remainder;
  charge = vp_tariff_charge (tariff, &previous, &current, &state, error);
  if (charge == NULL)
    goto out;

  if (charge->verdict != VP_TARIFF_VERDICT_OK)
    {
      if (!insert_reading (self->db, meter_id, sample, meter_time, station_time, "anomaly",
                           charge, NULL, &reading_id, error))
        goto out;
      if (reading_id != 0 && !open_anomaly (self->db, meter_id, reading_id, charge, policy->now, error))
        goto out;
      *outcome = reading_id != 0 ? VP_READING_ANOMALY : VP_READING_STALE;
      ok = TRUE;
      goto out;
    }

  /* The 尖峰平谷 split of the interval, stored so reports add it up in SQL. It runs from
   * the same previous reading as the charge; none for the first interval (from the
   * install register, which has no T1..T4) or when either reading lacks T1..T4. */
  has_tou = m.has_last && m.last_has_rates && sample->has_rates;
  for (guint r = 0; r < VP_N_RATES && has_tou; r++)
    tou[r] = rate_consumption (previous.rates[r], current.rates[r], m.multiplier);
  if (!insert_reading (self->db, meter_id, sample, meter_time, station_time, "charged",
                       charge, has_tou ? tou : NULL, &reading_id, error))
    goto out;
  if (reading_id == 0)
    {
      *outcome = VP_READING_STALE;
      ok = TRUE;
      goto out;
    }

  if (charge->charge_fen > 0)
    {
      g_autoptr(VpLedgerEntry) entry = NULL;
      g_autofree char *note = charge_note (charge, m.water);
      sqlite3_stmt *stmt;

      if (!vp_ledger_charge (self->db, NULL, m.number, charge->charge_fen, meter_id,
                             charge->consumption, note, &entry, error))
        goto out;
      stmt = vp_database_prepare (self->db, "UPDATE readings SET ledger_id = ? WHERE id = ?", error);
      if (stmt == NULL)
        goto out;
      sqlite3_bind_int64 (stmt, 1, entry->id);
      sqlite3_bind_int64 (stmt, 2, reading_id);
      if (!step_done (self->db, stmt, _("Could not store the reading"), error))
        goto out;
    }

  if (!save_charge_state (self->db, meter_id, reading_id, charge->remainder,
                          charge->cycle_start, charge->cycle_used, error))
    goto out;
  if (!evaluate_account (self->db, m.account_id, NULL, policy, report, NULL, error))
    goto out;

  if (report != NULL)
    report->charged_fen += charge->charge_fen;
  *outcome = VP_READING_CHARGED;
  ok = TRUE;

out:
  meter_context_clear (&m);
  return ok;
}

static void
count_outcome (VpCycleReport    *report,
               VpReadingOutcome  outcome)
{
  if (report == NULL)
    return;
  switch (outcome)
    {
    case VP_READING_CHARGED:  report->charged++; break;
    case VP_READING_BASELINE: report->baselines++; break;
    case VP_READING_ANOMALY:  report->anomalies++; break;
    case VP_READING_STALE:    report->stale++; break;
    default:                  break;
    }
}

static gboolean
store_reading (VpEngine             *self,
               gint64                meter_id,
               const VpMeterSample  *sample,
               gint64                station_time,
               const Policy         *policy,
               VpReadingOutcome     *out_outcome,
               VpCycleReport        *report,
               GError              **error)
{
  VpReadingOutcome outcome = VP_READING_STALE;

  if (!vp_database_begin (self->db, error))
    return FALSE;
  if (!store_reading_locked (self, meter_id, sample, station_time, policy, &outcome, report, error))
    {
      vp_database_rollback (self->db);
      return FALSE;
    }
  /* a stale reading writes nothing: drop the contact note too, the other process
   * recorded its own */
  if (outcome == VP_READING_STALE)
    vp_database_rollback (self->db);
  else if (!vp_database_commit (self->db, error))
    return FALSE;

  count_outcome (report, outcome);
  if (out_outcome != NULL)
    *out_outcome = outcome;
  return TRUE;
}

/*
 * vp_engine_store_reading:
 * @sample: what the meter returned
 * @station_time: when it was read, by the station's clock (Unix seconds)
 * @out_outcome: (out) (optional): charged, baseline, anomaly or stale
 * @report: (nullable): counters to add to
 *
 * Stores and charges one reading in one transaction, exactly as a cycle does (see the
 * contract in vp-engine.h). FALSE with @error when nothing could be stored (no such
 * meter, no tariff on the account, database failure): nothing was written then.
 */
gboolean
vp_engine_store_reading (VpEngine             *self,
                         gint64                meter_id,
                         const VpMeterSample  *sample,
                         gint64                station_time,
                         VpReadingOutcome     *out_outcome,
                         VpCycleReport        *report,
                         GError              **error)
{
  Policy policy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  policy_load (self->db, station_time, &policy);
  return store_reading (self, meter_id, sample, station_time, &policy, out_outcome, report, error);
}

/* The meter did not answer: count it and push its next try back. */
static void
note_offline (VpEngine      *self,
              gint64         meter_id,
              gint           failures,
              const Policy  *policy,
              const GError  *failure,
              VpCycleReport *report)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;
  /* next cycle, then skip 1, 3, 7 … cycles, at most an hour apart */
  gint64 wait = MIN (policy->interval * (((gint64) 1 << MIN (failures - 1, 16)) - 1),
                     (gint64) BACKOFF_CAP_SECONDS);

  report->offline++;
  if (!vp_database_begin (self->db, &error))
    goto fail;
  stmt = vp_database_prepare (self->db,
                              "INSERT INTO meter_state (meter_id, failures, next_retry, last_error) "
                              "VALUES (?1, 1, ?2, ?3) ON CONFLICT (meter_id) DO UPDATE SET "
                              "failures = failures + 1, next_retry = ?2, last_error = ?3", &error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, meter_id);
  sqlite3_bind_int64 (stmt, 2, policy->now + MAX (0, wait - policy->interval / 10));
  sqlite3_bind_text (stmt, 3, failure->message, -1, SQLITE_TRANSIENT);
  if (step_done (self->db, stmt, _("Could not store the meter state"), &error)
      && vp_database_commit (self->db, &error))
    return;

rollback:
  vp_database_rollback (self->db);
fail:
  report_error (report, error);
}

/* ───────────────────────────── the cycle ───────────────────────────── */

typedef struct
{
  gint64         meter_id;
  VpMeterTarget  target;
  char          *address;
  char          *password;
  char          *operator_code;
  gint           failures;
  gint64         next_retry;
} MeterJob;

static void
meter_job_free (gpointer data)
{
  MeterJob *job = data;

  g_free (job->address);
  g_free (job->password);
  g_free (job->operator_code);
  g_free (job);
}

typedef struct
{
  VpEngine      *engine;
  char          *link;
  GPtrArray     *meters;          /* MeterJob * */
  gboolean       read_meters;
  Policy         policy;
  GCancellable  *cancellable;
  VpCycleReport  report;
} LinkJob;

static void
link_job_free (LinkJob *job)
{
  g_free (job->link);
  g_clear_pointer (&job->meters, g_ptr_array_unref);
  vp_cycle_report_clear (&job->report);
  g_free (job);
}

typedef struct
{
  gint64         meter_id;
  VpMeterSample  sample;
  gint64         station_time;
} Fetched;

/* Readings stored per transaction in a cycle. */
#define BATCH_READINGS 50

/* Stores the readings fetched so far in ONE transaction: one fsync for the batch, not
 * one per meter. Each reading keeps its own savepoint (vp_database_begin() nests), so
 * one that fails or is stale costs only itself. If the batch cannot commit, nothing
 * of it was charged and the meters are simply read again next cycle: registers are
 * cumulative, so no consumption is lost or charged twice. */
static void
store_batch (VpEngine *self,
             LinkJob  *job,
             GArray   *fetched)
{
  g_autoptr(GError) error = NULL;

  if (fetched->len == 0)
    return;
  if (!vp_database_begin (self->db, &error))
    {
      report_error (&job->report, error);
      g_array_set_size (fetched, 0);
      return;
    }
  for (guint i = 0; i < fetched->len; i++)
    {
      const Fetched *r = &g_array_index (fetched, Fetched, i);
      g_autoptr(GError) local = NULL;

      if (!store_reading (self, r->meter_id, &r->sample, r->station_time, &job->policy,
                          NULL, &job->report, &local))
        report_error (&job->report, local);
    }
  if (!vp_database_commit (self->db, &error))
    report_error (&job->report, error);
  g_array_set_size (fetched, 0);
}

/* One link's share of a cycle, on its own thread: commands, readings, commands. */
static void
link_worker (gpointer data,
             gpointer user_data)
{
  LinkJob *job = data;
  VpEngine *self = job->engine;
  g_autoptr(GArray) fetched = g_array_sized_new (FALSE, FALSE, sizeof (Fetched), BATCH_READINGS);
  gboolean link_up;

  job->report.links = 1;
  link_up = send_link_commands (self, job->link, &job->policy, job->cancellable, &job->report);

  for (guint i = 0; job->read_meters && i < job->meters->len; i++)
    {
      MeterJob *meter = g_ptr_array_index (job->meters, i);
      g_autoptr(GError) error = NULL;
      Fetched r = { meter->meter_id };

      job->report.meters++;
      meter->target.link = job->link;
      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      if (!link_up)
        {
          g_autoptr(GError) down = g_error_new (VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_LINK_DOWN,
                                                _("Link %s is down"), job->link);

          note_offline (self, meter->meter_id, meter->failures + 1, &job->policy, down, &job->report);
          continue;
        }
      if (meter->next_retry > job->policy.now)
        {
          job->report.offline++;
          continue;
        }

      if (!vp_meter_gateway_read (self->gateway, &meter->target, &r.sample, job->cancellable, &error))
        {
          note_offline (self, meter->meter_id, meter->failures + 1, &job->policy, error, &job->report);
          if (g_error_matches (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_LINK_DOWN))
            link_up = FALSE;
          continue;
        }
      job->report.read++;
      r.station_time = engine_now (self);
      g_array_append_val (fetched, r);
      if (fetched->len >= BATCH_READINGS)
        store_batch (self, job, fetched);
    }
  store_batch (self, job, fetched);

  if (link_up)
    send_link_commands (self, job->link, &job->policy, job->cancellable, &job->report);
}

/* Accounts whose supply must change without a new reading: at or below trip and not
 * tripped (keep-power cleared, a friendly period over), or tripped with the balance
 * back above the close threshold (a top-up that did not call vp_engine_on_topup). */
static gboolean
evaluate_pending (VpEngine      *self,
                  const Policy  *policy,
                  VpCycleReport *report,
                  GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  vp_database_lock (self->db);
  stmt = vp_database_prepare (self->db,
                              "SELECT a.id FROM accounts a "
                              "LEFT JOIN account_control ac ON ac.account_id = a.id "
                              "WHERE a.mode = 'prepaid' AND a.status <> 'closed' AND "
                              "((a.balance <= a.trip AND IFNULL (ac.tripped, 0) = 0 "
                              "  AND IFNULL (ac.keep_power, 0) = 0) "
                              " OR (IFNULL (ac.tripped, 0) = 1 "
                              "  AND a.balance > MAX (COALESCE (ac.close_threshold, a.trip), a.trip)))", error);
  if (stmt == NULL)
    {
      vp_database_unlock (self->db);
      return FALSE;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  vp_database_unlock (self->db);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GError) local = NULL;

      if (!vp_database_begin (self->db, error))
        return FALSE;
      if (!evaluate_account (self->db, g_array_index (ids, gint64, i), NULL, policy, report,
                             NULL, &local))
        {
          vp_database_rollback (self->db);
          report_error (report, local);
          continue;
        }
      if (!vp_database_commit (self->db, error))
        return FALSE;
    }
  return TRUE;
}

/* Active meters of accounts that are not closed, grouped by link. */
static GHashTable *
load_links (VpEngine       *self,
            VpCycleReport  *report,
            GError        **error)
{
  g_autoptr(GHashTable) links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_ptr_array_unref);
  sqlite3_stmt *stmt;
  int rc;

  vp_database_lock (self->db);
  stmt = vp_database_prepare (self->db,
                              "SELECT m.id, m.kind, m.protocol, m.address, m.link, "
                              "m.password_level, m.password, m.operator_code, "
                              "IFNULL (s.failures, 0), IFNULL (s.next_retry, 0) "
                              "FROM meters m JOIN accounts a ON a.id = m.account_id "
                              "LEFT JOIN meter_state s ON s.meter_id = m.id "
                              "WHERE m.status = 'active' AND a.status <> 'closed' "
                              "ORDER BY m.link, m.id", error);
  if (stmt == NULL)
    {
      vp_database_unlock (self->db);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *link = column_text (stmt, 4);
      MeterJob *job;
      GPtrArray *meters;

      if (link == NULL || *link == '\0')
        {
          /* nothing to read it through: offline until a link is set */
          report->meters++;
          report->offline++;
          continue;
        }
      job = g_new0 (MeterJob, 1);
      job->meter_id = sqlite3_column_int64 (stmt, 0);
      job->target.meter_id = job->meter_id;
      vp_meter_kind_from_string (column_text (stmt, 1), &job->target.kind);
      vp_meter_protocol_from_string (column_text (stmt, 2), &job->target.protocol);
      job->address = g_strdup (column_text (stmt, 3));
      job->target.password_level = sqlite3_column_int (stmt, 5);
      job->password = vp_secret_reveal (self->db, column_text (stmt, 6));
      job->operator_code = vp_secret_reveal (self->db, column_text (stmt, 7));
      job->failures = sqlite3_column_int (stmt, 8);
      job->next_retry = sqlite3_column_int64 (stmt, 9);
      job->target.address = job->address;
      job->target.password = job->password;
      job->target.operator_code = job->operator_code;

      meters = g_hash_table_lookup (links, link);
      if (meters == NULL)
        {
          meters = g_ptr_array_new_with_free_func (meter_job_free);
          g_hash_table_insert (links, g_strdup (link), meters);
        }
      g_ptr_array_add (meters, job);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (self->db, rc, _("Could not read the meters"), error);
      sqlite3_reset (stmt);
      vp_database_unlock (self->db);
      return NULL;
    }
  sqlite3_reset (stmt);
  vp_database_unlock (self->db);

  /* Links with only pending commands (meters of closed accounts, say) still send. */
  return g_steal_pointer (&links);
}

static gboolean
run_links (VpEngine       *self,
           gboolean        read_meters,
           VpCycleReport  *report,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GHashTable) links = NULL;
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) link_job_free);
  GThreadPool *pool;
  GHashTableIter iter;
  gpointer key, value;
  Policy policy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (self->gateway != NULL, FALSE);

  memset (report, 0, sizeof *report);
  policy_load (self->db, engine_now (self), &policy);

  if (read_meters)
    {
      /* tariffs may have new versions since the last cycle */
      g_mutex_lock (&self->tariff_lock);
      g_hash_table_remove_all (self->tariffs);
      g_mutex_unlock (&self->tariff_lock);

      if (!evaluate_pending (self, &policy, report, error))
        return FALSE;
    }

  links = load_links (self, report, error);
  if (links == NULL)
    return FALSE;

  pool = g_thread_pool_new (link_worker, self, (gint) self->max_links, FALSE, error);
  if (pool == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, links);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      LinkJob *job = g_new0 (LinkJob, 1);

      job->engine = self;
      job->link = g_strdup (key);
      job->meters = g_ptr_array_ref (value);
      job->read_meters = read_meters;
      job->policy = policy;
      job->cancellable = cancellable;
      g_ptr_array_add (jobs, job);
      g_thread_pool_push (pool, job, NULL);
    }
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < jobs->len; i++)
    report_merge (report, &((LinkJob *) g_ptr_array_index (jobs, i))->report);
  return TRUE;
}

/*
 * vp_engine_run_cycle:
 * @report: (out caller-allocates): what happened; clear with vp_cycle_report_clear()
 *
 * See the contract in vp-engine.h. Needs a gateway.
 */
gboolean
vp_engine_run_cycle (VpEngine       *self,
                     VpCycleReport  *report,
                     GCancellable   *cancellable,
                     GError        **error)
{
  return run_links (self, TRUE, report, cancellable, error);
}

/* Sends due commands on every link now (after a top-up), without reading meters. */
gboolean
vp_engine_send_commands (VpEngine       *self,
                         VpCycleReport  *report,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return run_links (self, FALSE, report, cancellable, error);
}

/* ───────────────────────────── callers outside the cycle ───────────────────────────── */

/*
 * vp_engine_on_topup:
 * @account: the account number just credited
 *
 * See vp-engine.h. Runs its own transaction; the close commands (and the lower alarm
 * level) commit together.
 */
gboolean
vp_engine_on_topup (VpDatabase  *db,
                    const char  *account,
                    guint       *out_queued,
                    GError     **error)
{
  Policy policy;
  guint queued = 0;

  g_return_val_if_fail (db != NULL && account != NULL, FALSE);

  policy_load (db, real_clock (NULL), &policy);
  policy.origin = "topup";
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!evaluate_account (db, 0, account, &policy, NULL, &queued, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_queued != NULL)
    *out_queued = queued;
  return TRUE;
}

/*
 * vp_engine_set_close_threshold:
 *
 * See vp-engine.h. One transaction: account_control.close_threshold and the audit row
 * ("account.close-threshold", object "account:NUMBER") commit together.
 */
gboolean
vp_engine_set_close_threshold (VpDatabase  *db,
                               VpSession   *actor,
                               const char  *account,
                               gboolean     use_default,
                               gint64       close_threshold,
                               GError     **error)
{
  AccountState a = { 0 };
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL && actor != NULL && account != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!account_state_load (db, 0, account, &a, error))
    goto out;
  if (!use_default && (close_threshold < a.thresholds[2] || ABS (close_threshold) > VP_MONEY_MAX))
    {
      g_autofree char *trip = vp_money_format (a.thresholds[2]);

      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                   _("The close threshold of account %s must be at least its trip threshold "
                     "(%s); leave it empty to close at the trip threshold"), a.number, trip);
      goto out;
    }
  if (!account_state_save (db, &a, error))
    goto out;
  stmt = vp_database_prepare (db, "UPDATE account_control SET close_threshold = ?2 "
                                  "WHERE account_id = ?1", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, a.id);
  if (!use_default)
    sqlite3_bind_int64 (stmt, 2, close_threshold);
  if (!step_done (db, stmt, _("Could not store the account's control state"), error))
    goto out;

  old_text = a.has_close_threshold ? vp_money_format (a.close_threshold) : NULL;
  new_text = use_default ? NULL : vp_money_format (close_threshold);
  before = vp_audit_json ("close_threshold", old_text, NULL);
  after = vp_audit_json ("close_threshold", new_text, NULL);
  object = g_strdup_printf ("account:%s", a.number);
  if (!vp_audit_append (db, vp_session_get_operator_id (actor), "account.close-threshold",
                        object, before, after, error))
    goto out;
  account_state_clear (&a);
  return vp_database_commit (db, error);

out:
  vp_database_rollback (db);
  account_state_clear (&a);
  return FALSE;
}

/* See vp-engine.h. */
gboolean
vp_engine_get_close_threshold (VpDatabase  *db,
                               const char  *account,
                               gboolean    *out_set,
                               gint64      *out_close_threshold,
                               GError     **error)
{
  AccountState a = { 0 };
  gboolean ok;

  g_return_val_if_fail (db != NULL && account != NULL, FALSE);
  g_return_val_if_fail (out_set != NULL && out_close_threshold != NULL, FALSE);

  vp_database_lock (db);
  ok = account_state_load (db, 0, account, &a, error);
  vp_database_unlock (db);
  *out_set = ok && a.has_close_threshold;
  *out_close_threshold = ok ? (a.has_close_threshold ? a.close_threshold : a.thresholds[2]) : 0;
  account_state_clear (&a);
  return ok;
}

static const struct
{
  const char *name;
  VpControl   control;
} manual_actions[] = {
  { "trip", VP_CONTROL_TRIP },
  { "close", VP_CONTROL_CLOSE },
  { "keep-power", VP_CONTROL_KEEP_POWER_ON },
  { "keep-power-clear", VP_CONTROL_KEEP_POWER_OFF },
  { "alarm", VP_CONTROL_ALARM_ON },
  { "alarm-clear", VP_CONTROL_ALARM_OFF },
  { "set-time", VP_CONTROL_SET_TIME },
};

/*
 * vp_engine_control:
 *
 * See vp-engine.h. One transaction: the control state, the commands and the audit
 * row ("meter.control", object "account:NUMBER") commit together.
 */
gboolean
vp_engine_control (VpDatabase  *db,
                   VpSession   *actor,
                   const char  *account,
                   const char  *action,
                   const char  *reason,
                   guint       *out_queued,
                   GError     **error)
{
  AccountState a = { 0 };
  Policy policy;
  guint queued = 0;
  VpControl control;
  guint i;
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *stripped = NULL;
  GString *json;
  gboolean ok;

  g_return_val_if_fail (db != NULL && actor != NULL && account != NULL, FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_METER_CONTROL, error))
    return FALSE;
  stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Say why: a reason is required for remote control"));
      return FALSE;
    }
  for (i = 0; i < G_N_ELEMENTS (manual_actions); i++)
    if (g_str_equal (action, manual_actions[i].name))
      break;
  if (i == G_N_ELEMENTS (manual_actions))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Unknown control “%s”; use trip, close, keep-power, keep-power-clear, alarm, "
                     "alarm-clear or set-time"),
                   action);
      return FALSE;
    }
  control = manual_actions[i].control;

  policy_load (db, real_clock (NULL), &policy);
  policy.origin = "manual";
  policy.operator_id = vp_session_get_operator_id (actor);

  if (!vp_database_begin (db, error))
    return FALSE;
  if (!account_state_load (db, 0, account, &a, error))
    goto out;
  if (a.closed)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_ACCOUNT_CLOSED,
                   _("Account %s is closed"), account);
      goto out;
    }

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_int (json, "tripped", a.tripped);
  vp_json_add_int (json, "keep_power", a.keep_power);
  before = vp_json_end (json);

  /* "tripped" means tripped for the balance, which a top-up undoes; a manual trip
   * stays until a manual close. A manual close lets the balance rule act again. */
  if (control == VP_CONTROL_CLOSE)
    a.tripped = FALSE;
  else if (control == VP_CONTROL_KEEP_POWER_ON || control == VP_CONTROL_KEEP_POWER_OFF)
    a.keep_power = control == VP_CONTROL_KEEP_POWER_ON;

  if (!queue_for_account (db, a.id, control, &policy, reason, &queued, error)
      || !account_state_save (db, &a, error))
    goto out;

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_int (json, "tripped", a.tripped);
  vp_json_add_int (json, "keep_power", a.keep_power);
  vp_json_add_string (json, "action", action);
  vp_json_add_string (json, "reason", reason);
  vp_json_add_int (json, "commands", queued);
  after = vp_json_end (json);
  object = g_strdup_printf ("account:%s", a.number);
  if (!vp_audit_append (db, policy.operator_id, "meter.control", object, before, after, error))
    goto out;
  if (a.keep_power && control == VP_CONTROL_KEEP_POWER_ON)
    {
      sqlite3_stmt *stmt = vp_database_prepare (db,
                                                "UPDATE account_control SET keep_power_reason = ? "
                                                "WHERE account_id = ?", error);

      if (stmt == NULL)
        goto out;
      sqlite3_bind_text (stmt, 1, reason, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, a.id);
      if (!step_done (db, stmt, _("Could not store the account's control state"), error))
        goto out;
    }
  ok = vp_database_commit (db, error);
  if (ok && out_queued != NULL)
    *out_queued = queued;
  account_state_clear (&a);
  return ok;

out:
  vp_database_rollback (db);
  account_state_clear (&a);
  return FALSE;
}

/* ───────────────────────────── listings ───────────────────────────── */

void
vp_command_free (VpCommand *command)
{
  if (command == NULL)
    return;
  g_free (command->meter_address);
  g_free (command->account);
  g_free (command->state);
  g_free (command->origin);
  g_free (command->reason);
  g_free (command->last_error);
  g_free (command->created_at);
  g_free (command->done_at);
  g_free (command);
}

void
vp_alarm_free (VpAlarm *alarm)
{
  if (alarm == NULL)
    return;
  g_free (alarm->account);
  g_free (alarm->name);
  g_free (alarm->level);
  g_free (alarm->created_at);
  g_free (alarm);
}

void
vp_reconcile_row_free (VpReconcileRow *row)
{
  if (row == NULL)
    return;
  g_free (row->account);
  g_free (row->name);
  g_free (row->meter_address);
  g_free (row);
}

typedef gpointer (*RowFunc) (sqlite3_stmt *stmt);

/* Runs a read-only query with one optional text (?1) and one integer (?2) parameter,
 * turning each row into an item with @row_func. */
static GPtrArray *
list_rows (VpDatabase     *db,
           const char     *sql,
           const char     *text,
           gint64          number,
           RowFunc         row_func,
           GDestroyNotify  free_func,
           GError        **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (free_func);
  sqlite3_stmt *stmt;
  int rc;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, sql, error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, number);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, row_func (stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the list"), error);
      sqlite3_reset (stmt);
      vp_database_unlock (db);
      return NULL;
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return g_steal_pointer (&items);
}

static gpointer
command_from_row (sqlite3_stmt *stmt)
{
  VpCommand *c = g_new0 (VpCommand, 1);

  c->id = sqlite3_column_int64 (stmt, 0);
  c->meter_id = sqlite3_column_int64 (stmt, 1);
  c->meter_address = g_strdup (column_text (stmt, 2));
  c->account = g_strdup (column_text (stmt, 3));
  vp_control_from_string (column_text (stmt, 4), &c->action);
  c->state = g_strdup (column_text (stmt, 5));
  c->origin = g_strdup (column_text (stmt, 6));
  c->reason = g_strdup (column_text (stmt, 7));
  c->operator_id = sqlite3_column_int64 (stmt, 8);
  c->attempts = sqlite3_column_int (stmt, 9);
  c->next_attempt = sqlite3_column_int64 (stmt, 10);
  c->last_error = g_strdup (column_text (stmt, 11));
  c->created_at = g_strdup (column_text (stmt, 12));
  c->done_at = g_strdup (column_text (stmt, 13));
  return c;
}

/* See vp-engine.h. */
GPtrArray *
vp_engine_list_commands (VpDatabase  *db,
                         const char  *account,
                         gint64       limit,
                         GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);

  return list_rows (db,
                    "SELECT c.id, c.meter_id, m.address, a.number, c.action, c.state, c.origin, "
                    "c.reason, c.operator_id, c.attempts, c.next_attempt, c.last_error, "
                    "c.created_at, c.done_at FROM commands c "
                    "JOIN meters m ON m.id = c.meter_id JOIN accounts a ON a.id = c.account_id "
                    "WHERE ?1 IS NULL OR a.number = ?1 ORDER BY c.id DESC "
                    "LIMIT CASE WHEN ?2 > 0 THEN ?2 ELSE -1 END",
                    account, limit, command_from_row, (GDestroyNotify) vp_command_free, error);
}

static gpointer
alarm_from_row (sqlite3_stmt *stmt)
{
  VpAlarm *a = g_new0 (VpAlarm, 1);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->account = g_strdup (column_text (stmt, 1));
  a->name = g_strdup (column_text (stmt, 2));
  a->level = g_strdup (column_text (stmt, 3));
  a->balance = sqlite3_column_int64 (stmt, 4);
  a->threshold = sqlite3_column_int64 (stmt, 5);
  a->created_at = g_strdup (column_text (stmt, 6));
  return a;
}

/* See vp-engine.h. */
GPtrArray *
vp_engine_list_alarms (VpDatabase  *db,
                       const char  *account,
                       gint64       limit,
                       GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);

  return list_rows (db,
                    "SELECT al.id, a.number, cu.name, al.level, al.balance, al.threshold, "
                    "al.created_at FROM alarms al JOIN accounts a ON a.id = al.account_id "
                    "JOIN customers cu ON cu.id = a.customer_id "
                    "WHERE ?1 IS NULL OR a.number = ?1 ORDER BY al.id DESC "
                    "LIMIT CASE WHEN ?2 > 0 THEN ?2 ELSE -1 END",
                    account, limit, alarm_from_row, (GDestroyNotify) vp_alarm_free, error);
}

static gpointer
reconcile_from_row (sqlite3_stmt *stmt)
{
  VpReconcileRow *r = g_new0 (VpReconcileRow, 1);

  r->account = g_strdup (column_text (stmt, 0));
  r->name = g_strdup (column_text (stmt, 1));
  r->meter_address = g_strdup (column_text (stmt, 2));
  r->meter_balance = sqlite3_column_int64 (stmt, 3);
  r->station_balance = sqlite3_column_int64 (stmt, 4);
  r->difference = r->meter_balance - r->station_balance;
  r->read_at = sqlite3_column_int64 (stmt, 5);
  return r;
}

/* See vp-engine.h. */
GPtrArray *
vp_engine_reconcile (VpDatabase  *db,
                     gint64       tolerance,
                     GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (tolerance >= 0, NULL);

  return list_rows (db,
                    "SELECT a.number, cu.name, m.address, s.meter_balance, a.balance, "
                    "s.meter_balance_at FROM meter_state s "
                    "JOIN meters m ON m.id = s.meter_id JOIN accounts a ON a.id = m.account_id "
                    "JOIN customers cu ON cu.id = a.customer_id "
                    "WHERE s.meter_balance IS NOT NULL AND m.status = 'active' "
                    "AND a.status <> 'closed' AND (?1 IS NULL OR 1) "
                    "AND abs (s.meter_balance - a.balance) > ?2 ORDER BY a.number, m.address",
                    NULL, tolerance, reconcile_from_row, (GDestroyNotify) vp_reconcile_row_free,
                    error);
}
