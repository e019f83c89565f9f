/* vp-engine.h: the prepaid engine — read, charge, warn, trip and restore
 *
 * Contract:
 * - One cycle (vp_engine_run_cycle) reads every active meter of every account that is
 *   not closed through the VpMeterGateway: one worker thread per link, meters of a
 *   link one at a time, links in parallel. Each link first sends its pending commands,
 *   then reads its meters, then sends what the readings queued.
 * - Each reading is stored and charged together, all or nothing: its own transaction
 *   (BEGIN IMMEDIATE) from vp_engine_store_reading(), a savepoint inside a batch of up
 *   to 50 readings of one link in a cycle (one fsync per batch; a batch that cannot
 *   commit is simply read again next cycle). The meter's last charged reading is
 *   re-read inside the write lock, so two processes running cycles on the same file
 *   never charge an interval twice (a reading older than the last charged one is
 *   "stale" and dropped; the same meter time and register cannot be stored twice).
 *   The charge is a ledger row of kind charge (vp_ledger_charge) with the consumption
 *   and the bill lines; the sub-fen carry is kept per meter. A charged reading also
 *   stores its 尖峰平谷 consumption (readings.c1..c4, after CT × PT): the T1..T4
 *   register advances since the same previous reading, a decrease past 999999.99
 *   being a rollover; NULL when either reading has no T1..T4 (and on baselines and
 *   anomalies), so consumption reports are sums in SQL (migration 0010).
 * - After each charge the account's thresholds are evaluated in the same transaction:
 *   crossing alarm 1, alarm 2 or trip downwards stores one alarm and one outbox message
 *   (Chinese and English) per threshold; the level rises back only when the balance is
 *   above a threshold by the hysteresis (setting "alarm.hysteresis", yuan, default
 *   1.00). At or below trip, a prepaid account gets a trip command for every meter,
 *   unless keep-power is set or a friendly period is active (settings
 *   "engine.friendly_nights" "22:00-06:00", "engine.friendly_weekends" "true",
 *   "engine.friendly_holidays" "2026-10-01,2026-10-02"): then the trip waits.
 * - Commands: queued → sent → confirmed | failed | expired (or superseded by a newer
 *   supply command for the same meter; a set-time by a newer set-time, the two
 *   families never supersede each other). A sent command is leased to its process; it
 *   is confirmed by reading the relay / valve back. A command that may already have
 *   reached the meter (a retry, or one whose sender died) is first checked by reading
 *   the meter: if it already took effect it is confirmed without sending it again.
 *   A set-time writes the station's clock as it is when the write is sent (never the
 *   queue time) and is confirmed when the meter's clock, read back, is within 10 s of
 *   the station's; a water meter fails it as UNSUPPORTED.
 *   Failures retry with exponential back-off up to "engine.command_attempts" (8);
 *   a meter that refuses fails at once; commands expire after a day.
 * - A meter that does not answer is marked offline (failures, last error, last good
 *   contact) and retried with exponential back-off from one cycle interval up to an
 *   hour; a dead link costs only its own thread.
 * - Readings that go backwards or jump beyond a plausible advance ("engine.max_kw",
 *   default 100; "engine.max_water_m3h", default 10) are not charged: they are stored
 *   with status anomaly and open one anomaly per meter for a technician, who resolves
 *   it (rebaseline or dismiss) through vp-anomaly.h. A baseline is any reading charging
 *   restarts from: a TOU meter's first one, or an anomaly a technician accepted.
 * - A tripped account is closed again when its balance is above its close threshold
 *   (vp_engine_set_close_threshold; never counted below the trip threshold).
 */
#pragma once

#include <gio/gio.h>

#include "vp-meter-gateway.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

#define VP_ENGINE_INTERVAL_KEY        "engine.interval"          /* seconds, default 900 */
#define VP_ENGINE_INTERVAL_DEFAULT    900
#define VP_ENGINE_HYSTERESIS_KEY      "alarm.hysteresis"
#define VP_ENGINE_FRIENDLY_NIGHTS_KEY "engine.friendly_nights"
#define VP_ENGINE_FRIENDLY_WEEKENDS_KEY "engine.friendly_weekends"
#define VP_ENGINE_FRIENDLY_HOLIDAYS_KEY "engine.friendly_holidays"

typedef struct _VpEngine VpEngine;

/* The clock the engine reads (Unix seconds); tests drive their own. */
typedef gint64 (*VpEngineClock) (gpointer user_data);

typedef struct
{
  guint    meters;              /* active meters considered */
  guint    links;
  guint    read;                /* answered */
  guint    offline;             /* did not answer, or waiting for their retry */
  guint    charged;             /* readings priced and stored */
  guint    baselines;
  guint    anomalies;
  guint    stale;               /* another process stored a newer reading first */
  guint    errors;              /* storage failures (first one in first_error) */
  gint64   charged_fen;
  guint    alarms;
  guint    commands_queued;
  guint    commands_sent;
  guint    commands_confirmed;
  guint    commands_failed;
  char    *first_error;
} VpCycleReport;

typedef enum
{
  VP_READING_CHARGED,
  VP_READING_BASELINE,
  VP_READING_ANOMALY,
  VP_READING_STALE,
} VpReadingOutcome;

typedef struct
{
  gint64   id;
  gint64   meter_id;
  char    *meter_address;
  char    *account;
  VpControl action;
  char    *state;               /* queued, sent, confirmed, failed, expired, superseded */
  char    *origin;              /* engine, topup, manual */
  char    *reason;
  gint64   operator_id;
  gint     attempts;
  gint64   next_attempt;
  char    *last_error;
  char    *created_at;
  char    *done_at;
} VpCommand;

typedef struct
{
  gint64   id;
  char    *account;
  char    *name;
  char    *level;               /* alarm1, alarm2, trip */
  gint64   balance;
  gint64   threshold;
  char    *created_at;
} VpAlarm;

typedef struct
{
  char    *account;
  char    *name;
  char    *meter_address;
  gint64   meter_balance;       /* fen, as the meter reported it (00900200) */
  gint64   station_balance;     /* fen, the ledger */
  gint64   difference;          /* meter − station */
  gint64   read_at;             /* Unix seconds */
} VpReconcileRow;

VpEngine   *vp_engine_new            (VpDatabase       *db,
                                      VpMeterGateway   *gateway);
void        vp_engine_free           (VpEngine         *self);
void        vp_engine_set_clock      (VpEngine         *self,
                                      VpEngineClock     clock,
                                      gpointer          user_data);
/* Most links served at once (default 32). */
void        vp_engine_set_max_links  (VpEngine         *self,
                                      guint             max_links);

/* One reading + charging + control cycle. FALSE only when the cycle could not run at
 * all (database unreadable); per-meter problems are counted in @report. */
gboolean    vp_engine_run_cycle      (VpEngine         *self,
                                      VpCycleReport    *report,
                                      GCancellable     *cancellable,
                                      GError          **error);
/* Sends the pending commands of every link (what a top-up queued), no readings. */
gboolean    vp_engine_send_commands  (VpEngine         *self,
                                      VpCycleReport    *report,
                                      GCancellable     *cancellable,
                                      GError          **error);
/* Stores and charges one reading of @meter_id taken at @station_time (what the cycle
 * does after each read; public for tools and benchmarks). */
gboolean    vp_engine_store_reading  (VpEngine             *self,
                                      gint64                meter_id,
                                      const VpMeterSample  *sample,
                                      gint64                station_time,
                                      VpReadingOutcome     *out_outcome,
                                      VpCycleReport        *report,
                                      GError              **error);
void        vp_cycle_report_clear    (VpCycleReport    *report);

/* Call after a top-up committed: when the balance is now above the close threshold
 * and the supply was tripped, queues a close for every meter of @account (to be sent
 * first by the next cycle, or at once by vp_engine_send_commands()). @out_queued:
 * (optional) how many were queued. */
gboolean    vp_engine_on_topup       (VpDatabase       *db,
                                      const char       *account,
                                      guint            *out_queued,
                                      GError          **error);

/* Manual control by an operator (VP_PERM_METER_CONTROL), with a reason (required),
 * audited: @action is "trip", "close", "keep-power", "keep-power-clear", "alarm",
 * "alarm-clear" or "set-time". trip and close queue commands for every meter;
 * keep-power sets / clears the account's keep-power flag and queues keep-power-on / -off
 * commands; alarm switches the meters' alarm (electricity meters only); set-time queues
 * a clock command for every meter (water meters fail it: they cannot be set remotely).
 * A manual trip stays until a manual close: neither a top-up nor the balance rule
 * undoes it. */
gboolean    vp_engine_control        (VpDatabase       *db,
                                      VpSession        *actor,
                                      const char       *account,
                                      const char       *action,
                                      const char       *reason,
                                      guint            *out_queued,
                                      GError          **error);

/* The balance above which a tripped prepaid account is closed again (after a top-up,
 * or by the next cycle), set by an operator with VP_PERM_ACCOUNT_MANAGE, audited
 * ("account.close-threshold", before / after). @use_default: clear it, so the account
 * closes above its trip threshold again; otherwise @close_threshold (fen) must be at
 * least the account's trip threshold (INVALID_AMOUNT). A supply tripped already
 * closes under the new rule at the next top-up or cycle. */
gboolean    vp_engine_set_close_threshold (VpDatabase  *db,
                                           VpSession   *actor,
                                           const char  *account,
                                           gboolean     use_default,
                                           gint64       close_threshold,
                                           GError     **error);
/* The close threshold in force (fen): the one set, or the trip threshold when
 * @out_set is FALSE. */
gboolean    vp_engine_get_close_threshold (VpDatabase  *db,
                                           const char  *account,
                                           gboolean    *out_set,
                                           gint64      *out_close_threshold,
                                           GError     **error);

/* Commands, newest first (VpCommand *), of @account or all when NULL; @limit <= 0: all. */
GPtrArray  *vp_engine_list_commands  (VpDatabase       *db,
                                      const char       *account,
                                      gint64            limit,
                                      GError          **error);
/* Alarms, newest first (VpAlarm *). */
GPtrArray  *vp_engine_list_alarms    (VpDatabase       *db,
                                      const char       *account,
                                      gint64            limit,
                                      GError          **error);
/* Money-prepaid meters whose own balance differs from the station's by more than
 * @tolerance fen (VpReconcileRow *). */
GPtrArray  *vp_engine_reconcile      (VpDatabase       *db,
                                      gint64            tolerance,
                                      GError          **error);

/* Whether a friendly period (no trips) is active at @time by the settings above. */
gboolean    vp_engine_friendly_at    (VpDatabase       *db,
                                      gint64            time);

void        vp_command_free          (VpCommand        *command);
void        vp_alarm_free            (VpAlarm          *alarm);
void        vp_reconcile_row_free    (VpReconcileRow   *row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpEngine, vp_engine_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCommand, vp_command_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpAlarm, vp_alarm_free)

G_END_DECLS
