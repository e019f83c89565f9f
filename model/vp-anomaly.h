/* vp-anomaly.h: reading anomalies and how a technician resolves them
 *
 * Contract:
 * - The engine (vp-engine.c) stores a reading that goes backwards or jumps beyond a
 *   plausible advance with status 'anomaly', charges nothing, and opens at most one
 *   anomaly per meter. Later anomalous readings of the same meter are stored the same
 *   way but open no second anomaly while the first is open. Charging always runs from
 *   the meter's last good reading (meter_state.last_reading_id, a 'charged' or
 *   'baseline' reading).
 * - vp_anomaly_resolve() closes one open anomaly, all in one transaction (BEGIN
 *   IMMEDIATE, so a reading cycle in another process waits for it), audited
 *   ("anomaly.resolve", object "account:NUMBER", before / after), by an operator with
 *   VP_PERM_METER_CONTROL (technician, supervisor, admin; a cashier is refused), with a
 *   note saying why (required). Resolved anomalies stay in the table with resolved_at,
 *   resolved_by, the resolution and the note (migration 0012).
 * - VP_ANOMALY_REBASELINE: the register really started again (board replaced, register
 *   cleared after repair). The NEWEST anomaly reading of the meter taken after its last
 *   good reading — the register as it stands now — becomes a 'baseline' reading and the
 *   meter's last good reading; the next cycle charges exactly the advance from its
 *   registers. The interval from the last good reading to that baseline is never
 *   charged (the note says why). The newest, not the one that opened the anomaly: the
 *   readings in between were all judged against the old register and none of them was
 *   accepted, so starting from an older one would charge consumption no one checked.
 *   Changing the status in place keeps the readings' uniqueness (meter, meter time,
 *   register) and the engine's "a reading at or before the last good one is stale"
 *   rule true. When the meter has read plausibly since (no anomaly reading after its
 *   last good one), there is nothing to start from: refused with INVALID_ARGUMENT
 *   ("dismiss it instead"), nothing changed.
 * - VP_ANOMALY_DISMISS: a transient bad read. Nothing else changes; the next plausible
 *   reading is charged from the last good one, and a register still wrong then opens a
 *   new anomaly.
 */
#pragma once

#include <gio/gio.h>

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_ANOMALY_REBASELINE,
  VP_ANOMALY_DISMISS,
} VpAnomalyAction;

typedef struct
{
  gint64    id;
  gint64    meter_id;
  char     *meter_address;
  char     *account;            /* account number */
  char     *kind;               /* "backwards" or "jump" */
  char     *detail;             /* what the tariff said, e.g. the two registers */
  gint64    reading_id;         /* the reading that opened it */
  gint64    total;              /* its registers, 0.01 kWh / 0.01 m³ */
  gboolean  has_rates;
  gint64    rates[4];           /* T1..T4 when has_rates */
  gint64    read_at;            /* its station time, Unix seconds */
  char     *created_at;
  char     *resolved_at;        /* NULL while open */
  gint64    resolved_by;        /* operator id; 0 while open */
  char     *resolved_by_login;  /* NULL while open */
  char     *resolution;         /* "rebaseline", "dismiss"; NULL while open */
  char     *note;
  gint64    baseline_reading_id; /* rebaseline: the reading charging continues from */
  gint64    baseline_total;      /* and its register; 0 otherwise */
} VpAnomaly;

const char *vp_anomaly_action_to_string   (VpAnomalyAction  action);
/* "rebaseline" or "dismiss"; FALSE for anything else. */
gboolean    vp_anomaly_action_from_string (const char      *text,
                                           VpAnomalyAction *out_action);

/* Anomalies, newest first (VpAnomaly *): only the open ones when @open_only; of
 * @account (number) when not NULL; of @meter_id when > 0. An unknown account or meter
 * gives an empty list. Reads only; no permission needed (as the engine's listings). */
GPtrArray  *vp_anomaly_list               (VpDatabase      *db,
                                           gboolean         open_only,
                                           const char      *account,
                                           gint64           meter_id,
                                           GError         **error);

/* One anomaly by id; NOT_FOUND when there is none. */
VpAnomaly  *vp_anomaly_get                (VpDatabase      *db,
                                           gint64           id,
                                           GError         **error);

/* Resolves anomaly @id as the contract above says. Errors: PERMISSION_DENIED
 * (audited "denied"), INVALID_ARGUMENT (empty note, already resolved, nothing to
 * rebaseline from), NOT_FOUND. @out_anomaly: (out) (optional): the anomaly as stored
 * after resolution (with the baseline reading for a rebaseline). */
gboolean    vp_anomaly_resolve            (VpDatabase      *db,
                                           VpSession       *actor,
                                           gint64           id,
                                           VpAnomalyAction  action,
                                           const char      *note,
                                           VpAnomaly      **out_anomaly,
                                           GError         **error);

void        vp_anomaly_free               (VpAnomaly       *anomaly);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpAnomaly, vp_anomaly_free)

G_END_DECLS
