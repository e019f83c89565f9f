/* vp-context.h: the one object the windows share
 *
 * Contract:
 * - A VpContext owns the open VpDatabase, the operator session currently logged in at
 *   this counter, the counter's id and the inactivity lock setting. Widgets receive it
 *   as a construct-only "context" property and reach the model only through it; they
 *   never open the database or a device themselves (as GNOME Calendar's GcalContext).
 * - "session" changes only through vp_context_login_finish() / vp_context_logout() and
 *   is notified only on a real change, so widgets can enable what the role allows.
 * - Log-in and supervisor approval hash a password (Argon2id, tens of milliseconds):
 *   they run in a GTask thread, never on the main loop.
 * - The prepaid engine is owned here once app/ gives the context a VpMeterGateway: a
 *   reading cycle runs every "engine.interval" seconds in a worker thread, never two
 *   engine jobs at once (a top-up's command send waits for a running cycle and goes
 *   before the next one), and "cycle-finished" is emitted on the main context after
 *   each cycle. A cycle that cannot run is logged (g_message) and tried again at the
 *   next interval. Another process (`vpctl service`) may run cycles on the same
 *   database at the same time: the engine never charges an interval twice.
 * - Later parts (the meter service, the printer) are owned here too; they are added as
 *   further members, so the widgets' way in does not change.
 */
#pragma once

#include <gio/gio.h>

#include "vp-commissioning.h"
#include "vp-engine.h"
#include "vp-meter-gateway.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

#define VP_TYPE_CONTEXT (vp_context_get_type ())
G_DECLARE_FINAL_TYPE (VpContext, vp_context, VP, CONTEXT, GObject)

/* Seconds without input before the counter locks; 0 never locks. */
#define VP_CONTEXT_DEFAULT_LOCK_TIMEOUT  300
#define VP_CONTEXT_LOCK_TIMEOUT_KEY      "counter.lock_timeout"
/* "false": receipts are saved as PDF only, never sent to a printer (no printer here). */
#define VP_CONTEXT_PRINT_RECEIPTS_KEY    "counter.print_receipts"

/* Takes a reference on @db. @demo says the database holds demo data (the log-in
 * dialog then shows the demo passwords). The lock timeout and the counter id are
 * read from the database's settings. */
VpContext  *vp_context_new              (VpDatabase          *db,
                                         gboolean             demo);
VpDatabase *vp_context_get_database     (VpContext           *self);
gboolean    vp_context_get_demo         (VpContext           *self);

/* The session logged in now, or NULL (nobody logged in, or the screen is locked). */
VpSession  *vp_context_get_session      (VpContext           *self);
/* Checks @login / @password in a worker thread; on success the context's session
 * becomes the new one (notify::session). Errors are VP_MODEL_ERROR_AUTH_FAILED or
 * _LOCKED_OUT with a message a cashier can read. */
void        vp_context_login_async      (VpContext           *self,
                                         const char          *login,
                                         const char          *password,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
VpSession  *vp_context_login_finish     (VpContext           *self,
                                         GAsyncResult        *result,
                                         GError             **error);
/* Drops the session (log-out or screen lock); notifies when there was one. */
void        vp_context_logout           (VpContext           *self);
gboolean    vp_context_can              (VpContext           *self,
                                         VpPermission         permission);

/* Supervisor approval in place, in a worker thread: returns the approver's operator id
 * through vp_context_approve_finish(), 0 with @error when refused. */
void        vp_context_approve_async    (VpContext           *self,
                                         const char          *supervisor_login,
                                         const char          *supervisor_password,
                                         VpPermission         what,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gint64      vp_context_approve_finish   (VpContext           *self,
                                         GAsyncResult        *result,
                                         GError             **error);

const char *vp_context_get_counter_id   (VpContext           *self);
/* Whether receipts go to a printer as well as to PDF (setting, default TRUE). */
gboolean    vp_context_get_print_receipts (VpContext         *self);
guint       vp_context_get_lock_timeout (VpContext           *self);
/* Stores the setting in the database; 0 turns locking off. Needs a session whose role
 * has VP_PERM_SETTINGS (else PERMISSION_DENIED). */
gboolean    vp_context_set_lock_timeout (VpContext           *self,
                                         guint                seconds,
                                         GError             **error);

/* How the technician's Meters page reaches a meter (app/ sets it: the devices meter
 * client); NULL when this build or start has none (the page then says so). The
 * context keeps a reference. */
void        vp_context_set_commissioning (VpContext          *self,
                                          VpCommissioning    *commissioning);
VpCommissioning *
            vp_context_get_commissioning (VpContext          *self);

/* Gives the context its way to the meters (app/ sets the devices gateway; the context
 * keeps a reference) and creates the prepaid engine. Call once. When the cycle
 * interval is not 0 the first cycle starts at once, then one every interval. */
void        vp_context_set_gateway      (VpContext           *self,
                                         VpMeterGateway      *gateway);
gboolean    vp_context_has_engine       (VpContext           *self);
/* Seconds between reading cycles: the setting "engine.interval" at creation; 0 runs
 * cycles only when asked (vp_context_run_cycle_now()). Changing it restarts the wait. */
void        vp_context_set_cycle_interval (VpContext         *self,
                                           guint              seconds);
guint       vp_context_get_cycle_interval (VpContext         *self);
/* Starts a cycle now, or right after the engine job that runs. FALSE when there is no
 * engine. "cycle-finished" (const VpCycleReport *, valid during the emission) follows
 * when the cycle ran. */
gboolean    vp_context_run_cycle_now    (VpContext           *self);
/* Sends the queued commands of every link at once (what a top-up queued) in a worker
 * thread, after the engine job that runs if any. The finish fills @out_report
 * (optional; clear it with vp_cycle_report_clear()). VP_MODEL_ERROR_NOT_FOUND when
 * the context has no engine. */
void        vp_context_send_commands_async  (VpContext           *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean    vp_context_send_commands_finish (VpContext           *self,
                                             GAsyncResult        *result,
                                             VpCycleReport       *out_report,
                                             GError             **error);
/* Cancels the running engine job and stops the cycles for good (application
 * shutdown; also done at dispose). Idempotent. */
void        vp_context_stop_engine      (VpContext           *self);

/* The password of every demo operator; shown on the log-in dialog in demo mode only. */
#define VP_CONTEXT_DEMO_PASSWORD "demo1234"

/* Fills an empty database for `vendpoint --demo`: the operators admin, supervisor,
 * cashier and technician (password VP_CONTEXT_DEMO_PASSWORD) and @n_accounts demo
 * accounts (vp_demo_generate, fixed seed). A database that already has operators is
 * left as it is (TRUE). */
gboolean    vp_context_seed_demo        (VpDatabase          *db,
                                         gint64               n_accounts,
                                         GError             **error);

G_END_DECLS
