/* vpctl-engine.c: "vpctl tariff …", "cycle", "service", "command list", "alarm list",
 * "control", "reconcile", "engine anomalies|resolve|close-threshold"
 *
 * Thin: parse, call the model (vp-tariff-store, vp-engine: roles, audit and the
 * money rules live there), print text or one JSON document. Meters are reached through
 * the devices meter client behind the model's VpMeterGateway.
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vp-anomaly.h"
#include "vp-database.h"
#include "vp-batch.h"
#include "vp-engine.h"
#include "vp-fee.h"
#include "vp-meter-client.h"
#include "vp-meter-gateway-devices.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-notify-devices.h"
#include "vp-postpaid.h"
#include "vp-session.h"
#include "vp-tariff-store.h"
#include "vp-tariff.h"
#include "vpctl.h"

/* The common start of the commands that only read: options, no positional argument,
 * the database. NULL with *@status set when the command must end. */
static VpDatabase *
open_for_reading (VpctlContext   *ctx,
                  const char     *summary,
                  GOptionEntry   *entries,
                  int            *argc,
                  char         ***argv,
                  int            *status)
{
  g_autoptr(GError) error = NULL;
  VpDatabase *db;

  *status = VPCTL_EXIT_USAGE;
  if (!vpctl_parse_options (ctx, NULL, summary, entries, argc, argv)
      || !vpctl_want_args (ctx, *argc, 0, _("no arguments")))
    return NULL;
  db = vpctl_open_db (ctx, &error);
  if (db == NULL)
    *status = vpctl_fail (ctx, error);
  return db;
}

/* An engine over the devices meter client; --verbose logs every frame. */
static VpEngine *
engine_new (VpctlContext  *ctx,
            VpDatabase    *db)
{
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = vp_meter_gateway_devices_new (client);

  return vp_engine_new (db, gateway);
}

static void
build_report (JsonBuilder         *b,
              const VpCycleReport *r)
{
  json_builder_begin_object (b);
  vpctl_json_add_int (b, "meters", r->meters);
  vpctl_json_add_int (b, "links", r->links);
  vpctl_json_add_int (b, "read", r->read);
  vpctl_json_add_int (b, "offline", r->offline);
  vpctl_json_add_int (b, "charged", r->charged);
  vpctl_json_add_int (b, "baselines", r->baselines);
  vpctl_json_add_int (b, "anomalies", r->anomalies);
  vpctl_json_add_int (b, "stale", r->stale);
  vpctl_json_add_int (b, "errors", r->errors);
  vpctl_json_add_money (b, "charged_amount", r->charged_fen);
  vpctl_json_add_int (b, "alarms", r->alarms);
  vpctl_json_add_int (b, "commands_queued", r->commands_queued);
  vpctl_json_add_int (b, "commands_sent", r->commands_sent);
  vpctl_json_add_int (b, "commands_confirmed", r->commands_confirmed);
  vpctl_json_add_int (b, "commands_failed", r->commands_failed);
  vpctl_json_add_string (b, "first_error", r->first_error);
  json_builder_end_object (b);
}

static char *
report_text (const VpCycleReport *r)
{
  g_autofree char *amount = vp_money_format (r->charged_fen);

  return g_strdup_printf (_("%u meters on %u links: %u read, %u offline, %u charged (%s yuan), "
                            "%u anomalies, %u stale, %u alarms; commands: %u queued, %u sent, "
                            "%u confirmed, %u failed; %u errors"),
                          r->meters, r->links, r->read, r->offline, r->charged, amount,
                          r->anomalies, r->stale, r->alarms, r->commands_queued,
                          r->commands_sent, r->commands_confirmed, r->commands_failed,
                          r->errors);
}

static int
print_report (VpctlContext        *ctx,
              const VpCycleReport *r)
{
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      build_report (b, r);
      vpctl_print_builder (b);
    }
  else
    {
      g_autofree char *text = report_text (r);

      g_print ("%s\n", text);
      if (r->first_error != NULL)
        g_print (_("First error: %s\n"), r->first_error);
    }
  return VPCTL_EXIT_OK;
}

/* ---- tariff ---- */

static gboolean
parse_effective (const char  *text,
                 gint64      *out,
                 GError     **error)
{
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *full = NULL;

  if (text == NULL)
    {
      *out = g_get_real_time () / G_USEC_PER_SEC;
      return TRUE;
    }
  full = strchr (text, 'T') != NULL || strchr (text, ' ') != NULL
         ? g_strdup (text) : g_strdup_printf ("%sT00:00:00", text);
  g_strdelimit (full, " ", 'T');
  if (strlen (full) == strlen ("2026-01-01T00:00"))
    {
      char *with_seconds = g_strconcat (full, ":00", NULL);

      g_free (full);
      full = with_seconds;
    }
  dt = g_date_time_new_from_iso8601 (full, local);
  if (dt == NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a date; use YYYY-MM-DD or YYYY-MM-DDTHH:MM"), text);
      return FALSE;
    }
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
parse_cycle_start (const char       *text,
                   VpTariffVersion  *v,
                   GError          **error)
{
  guint month = 0, day = 0;
  char extra;

  if (text == NULL)
    {
      v->cycle_start_day = 1;
      v->cycle_start_month = 1;
      return TRUE;
    }
  if (v->cycle == VP_BILLING_CYCLE_YEARLY
      ? sscanf (text, "%u-%u%c", &month, &day, &extra) == 2
      : sscanf (text, "%u%c", &day, &extra) == 1)
    {
      v->cycle_start_month = v->cycle == VP_BILLING_CYCLE_YEARLY ? month : 1;
      v->cycle_start_day = day;
      return TRUE;
    }
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a cycle start: a day 1-28 for monthly cycles, MM-DD for yearly"),
               text);
  return FALSE;
}

static int
tariff_add (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *flat = NULL, *tou = NULL, *tiers = NULL;
  g_autofree char *cycle = NULL, *kind = NULL, *effective = NULL, *start = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Tariff name (a new version when it exists)"), "N" },
    { "flat", 0, 0, G_OPTION_ARG_STRING, &flat, N_("One price, yuan per kWh or m³"), "PRICE" },
    { "tou", 0, 0, G_OPTION_ARG_STRING, &tou, N_("Time-of-use prices: sharp,peak,flat,valley"), "S,P,F,V" },
    { "tiers", 0, 0, G_OPTION_ARG_STRING, &tiers, N_("Tiers of the billing cycle (with --tou: surcharges)"), "LIMIT:PRICE,…,PRICE" },
    { "cycle", 0, 0, G_OPTION_ARG_STRING, &cycle, N_("Billing cycle of the tiers: monthly (default) or yearly"), "C" },
    { "cycle-start", 0, 0, G_OPTION_ARG_STRING, &start, N_("First day of the cycle: DD (monthly) or MM-DD (yearly)"), "D" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("electricity (default) or water"), "K" },
    { "effective", 0, 0, G_OPTION_ARG_STRING, &effective, N_("In force from (local time; default now)"), "YYYY-MM-DD[THH:MM]" },
    { NULL }
  };
  VpTariffVersion v = { 0 };
  VpUtility utility = VP_UTILITY_ELECTRICITY;
  VpSession *session;
  guint version = 0;

  if (!vpctl_parse_options (ctx, NULL, _("Add a tariff or a new version of one"), entries,
                            &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 0, _("no arguments")))
    return VPCTL_EXIT_USAGE;
  if (name == NULL)
    return vpctl_usage_error (ctx, _("--name is required"));
  if ((flat != NULL) + (tou != NULL || tiers != NULL) != 1)
    return vpctl_usage_error (ctx, _("Give exactly one of --flat PRICE, --tou S,P,F,V or --tiers LIMIT:PRICE,…,PRICE (--tou may be combined with --tiers)"));
  if (kind != NULL && !vp_utility_from_string (kind, &utility))
    return vpctl_usage_error (ctx, _("--kind is electricity or water"));
  if (cycle != NULL && !g_str_equal (cycle, "monthly") && !g_str_equal (cycle, "yearly"))
    return vpctl_usage_error (ctx, _("--cycle is monthly or yearly"));

  v.scheme = flat != NULL ? VP_TARIFF_FLAT
           : tou != NULL && tiers != NULL ? VP_TARIFF_TOU_TIERED
           : tou != NULL ? VP_TARIFF_TOU : VP_TARIFF_TIERED;
  v.cycle = cycle != NULL && g_str_equal (cycle, "yearly") ? VP_BILLING_CYCLE_YEARLY
                                                            : VP_BILLING_CYCLE_MONTHLY;
  if ((flat != NULL && !vp_tariff_parse_rates (flat, 1, v.rates, &error))
      || (tou != NULL && !vp_tariff_parse_rates (tou, VP_N_RATES, v.rates, &error))
      || (tiers != NULL && !vp_tariff_parse_tiers (tiers, &v, &error))
      || !parse_cycle_start (start, &v, &error)
      || !parse_effective (effective, &v.effective_from, &error))
    return vpctl_fail (ctx, error);

  session = vpctl_get_session (ctx, &error);
  if (session == NULL
      || !vp_tariff_store_add (vp_session_get_database (session), session, name, utility,
                               &v, &version, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *params = vp_tariff_version_to_params (&v);

      json_builder_begin_object (b);
      vpctl_json_add_string (b, "name", name);
      vpctl_json_add_int (b, "version", version);
      vpctl_json_add_string (b, "kind", vp_utility_to_string (utility));
      vpctl_json_add_string (b, "scheme", vp_tariff_scheme_to_string (v.scheme));
      vpctl_json_add_string (b, "params", params);
      vpctl_json_add_int (b, "effective_from", v.effective_from);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    {
      g_autofree char *text = vp_tariff_version_describe (&v, utility);

      g_print (_("Tariff “%s” version %u: %s\n"), name, version, text);
    }
  return VPCTL_EXIT_OK;
}

static int
tariff_list (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tariffs = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  VpDatabase *db;
  int status;

  db = open_for_reading (ctx, _("List tariffs and their versions"), NULL, &argc, &argv, &status);
  if (db == NULL)
    return status;
  if ((tariffs = vp_tariff_store_list (db, &error)) == NULL)
    return vpctl_fail (ctx, error);

  json_builder_begin_array (b);
  for (guint i = 0; i < tariffs->len; i++)
    {
      VpTariff *t = g_ptr_array_index (tariffs, i);

      for (guint j = 0; j < vp_tariff_get_n_versions (t); j++)
        {
          const VpTariffVersion *v = vp_tariff_get_version (t, j);
          g_autofree char *text = vp_tariff_version_describe (v, vp_tariff_get_utility (t));
          g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (v->effective_from);
          g_autofree char *from_text = g_date_time_format (from, "%Y-%m-%d %H:%M");

          if (ctx->json)
            {
              g_autofree char *params = vp_tariff_version_to_params (v);

              json_builder_begin_object (b);
              vpctl_json_add_string (b, "name", vp_tariff_get_name (t));
              vpctl_json_add_int (b, "version", v->version);
              vpctl_json_add_string (b, "kind", vp_utility_to_string (vp_tariff_get_utility (t)));
              vpctl_json_add_string (b, "scheme", vp_tariff_scheme_to_string (v->scheme));
              vpctl_json_add_string (b, "params", params);
              vpctl_json_add_string (b, "effective_from", from_text);
              vpctl_json_add_string (b, "description", text);
              json_builder_end_object (b);
            }
          else
            g_print ("%-16s v%-3u %-11s %s  %s\n", vp_tariff_get_name (t), v->version,
                     vp_utility_to_string (vp_tariff_get_utility (t)), from_text, text);
        }
    }
  json_builder_end_array (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

int
vpctl_group_tariff (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  static const VpctlCommand commands[] = {
    { "add", tariff_add, N_("Add a tariff or a new version (flat, time of use, tiers)") },
    { "list", tariff_list, N_("List tariffs with every version") },
  };

  return vpctl_run_command (ctx, commands, G_N_ELEMENTS (commands), argc, argv);
}

/* ---- cycle and service ---- */

int
vpctl_group_cycle (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autoptr(VpEngine) engine = NULL;
  VpCycleReport report = { 0 };
  VpDatabase *db;
  int status;

  argv = args;
  db = open_for_reading (ctx, _("Read every meter once, charge, warn and switch, then exit"),
                         NULL, &argc, &argv, &status);
  if (db == NULL)
    return status;
  engine = engine_new (ctx, db);
  if (!vp_engine_run_cycle (engine, &report, NULL, &error))
    return vpctl_fail (ctx, error);
  status = print_report (ctx, &report);
  vp_cycle_report_clear (&report);
  return status;
}

typedef struct
{
  VpEngine     *engine;
  VpDatabase   *db;
  VpSession    *jobs_actor;  /* --jobs: the operator the site jobs run as, else NULL */
  VpNotifyDevices *notify;   /* --jobs with channels in the settings, else NULL */
  GMainLoop    *loop;
  GCancellable *cancellable;
  guint         interval;      /* seconds between cycles */
  guint         poll;          /* seconds between sends of queued commands */
  gint64        next_cycle;    /* monotonic µs */
  gboolean      busy;
  gboolean      stopping;
  guint         timeout_id;
} Service;

static void service_schedule (Service *s);

/* One job's outcome in the jobs' log line; a failure is logged there and the next job
 * still runs. */
static void
append_job (GString     *line,
            GError     **error,
            const char  *job,
            const char  *format,
            ...) G_GNUC_PRINTF (4, 5);

static void
append_job (GString     *line,
            GError     **error,
            const char  *job,
            const char  *format,
            ...)
{
  va_list args;

  if (line->str[line->len - 1] != ' ')
    g_string_append (line, ", ");
  if (*error != NULL)
    {
      g_string_append_printf (line, "%s failed (%s)", job, (*error)->message);
      g_clear_error (error);
      return;
    }
  va_start (args, format);
  g_string_append_vprintf (line, format, args);
  va_end (args);
}

/* The site jobs after a full cycle (--jobs), on the worker thread like the cycle: due
 * fees, due batches, overdue reminders, then one delivery of the outbox. Each model
 * call is idempotent (fee keys, batch item states, one reminder per bill, the outbox's
 * delivery states), so a cycle that runs them again charges and sends nothing twice. */
static void
service_run_jobs (Service      *s,
                  GCancellable *cancellable)
{
  g_autoptr(GString) line = g_string_new ("vpctl service: ");
  g_autoptr(GError) error = NULL;
  g_autofree char *total_text = NULL;
  guint fees = 0, batches = 0, reminders = 0, trips = 0;
  gint64 total = 0;
  VpNotifyRun run = { 0 };

  vp_fee_run_due (s->db, s->jobs_actor, NULL, &fees, &total, &error);
  total_text = vp_money_format (total);
  append_job (line, &error, "fees", "fees charged %u (%s)", fees, total_text);
  if (!g_cancellable_is_cancelled (cancellable))
    {
      vp_batch_run_due (s->db, s->jobs_actor, g_get_real_time () / G_USEC_PER_SEC, &batches,
                        &error);
      append_job (line, &error, "batches", "batches run %u", batches);
    }
  vp_postpaid_remind (s->db, s->jobs_actor, NULL, &reminders, &trips, &error);
  append_job (line, &error, "reminders", "reminders %u (trips %u)", reminders, trips);
  if (s->notify != NULL && !g_cancellable_is_cancelled (cancellable))
    {
      vp_notify_run (s->db, vp_notify_devices_sender (s->notify), s->notify, NULL, &run, &error);
      append_job (line, &error, "notifications",
                  "notifications sent %u (failed %u, abandoned %u, uncertain %u)",
                  run.sent, run.failed, run.abandoned, run.uncertain);
    }
  g_message ("%s", line->str);
}

static void
service_work (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Service *s = task_data;
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };
  gboolean full = g_get_monotonic_time () >= s->next_cycle;
  gboolean ok;

  if (full)
    ok = vp_engine_run_cycle (s->engine, &report, cancellable, &error);
  else
    ok = vp_engine_send_commands (s->engine, &report, cancellable, &error);

  if (!ok)
    g_message ("vpctl service: %s", error->message);
  else if (full || report.commands_sent > 0 || report.errors > 0)
    {
      g_autofree char *text = report_text (&report);

      g_message ("vpctl service: %s%s", full ? "" : "commands: ", text);
    }
  vp_cycle_report_clear (&report);
  /* The station backs itself up on its schedule (backup.*) after each reading cycle. */
  if (full && !g_cancellable_is_cancelled (cancellable))
    vp_database_run_scheduled_backup (s->db, "vpctl service: ");
  if (full && s->jobs_actor != NULL && !g_cancellable_is_cancelled (cancellable))
    service_run_jobs (s, cancellable);
  g_task_return_boolean (task, full);
}

static void
service_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Service *s = user_data;

  s->busy = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), NULL))
    s->next_cycle = g_get_monotonic_time () + (gint64) s->interval * G_USEC_PER_SEC;
  if (s->stopping)
    g_main_loop_quit (s->loop);
  else
    service_schedule (s);
}

static gboolean
service_tick (gpointer user_data)
{
  Service *s = user_data;
  g_autoptr(GTask) task = NULL;

  s->timeout_id = 0;
  s->busy = TRUE;
  task = g_task_new (NULL, s->cancellable, service_done, s);
  g_task_set_task_data (task, s, NULL);
  g_task_run_in_thread (task, service_work);
  return G_SOURCE_REMOVE;
}

/* Next wake-up: the next cycle or the next command poll, whichever comes first. */
static void
service_schedule (Service *s)
{
  gint64 until_cycle = (s->next_cycle - g_get_monotonic_time ()) / G_USEC_PER_SEC;

  s->timeout_id = g_timeout_add_seconds ((guint) CLAMP (until_cycle, 0, (gint64) s->poll),
                                         service_tick, s);
}

static gboolean
service_stop (gpointer user_data)
{
  Service *s = user_data;

  g_message ("vpctl service: stopping");
  s->stopping = TRUE;
  g_cancellable_cancel (s->cancellable);
  if (!s->busy)
    {
      g_clear_handle_id (&s->timeout_id, g_source_remove);
      g_main_loop_quit (s->loop);
    }
  return G_SOURCE_CONTINUE;
}

int
vpctl_group_service (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autoptr(VpEngine) engine = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(VpNotifyDevices) notify = NULL;
  gint interval = 0, poll = 5;
  gboolean jobs = FALSE;
  GOptionEntry entries[] = {
    { "jobs", 0, 0, G_OPTION_ARG_NONE, &jobs,
      N_("After each cycle also run the site jobs as the operator (see above)"), NULL },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval, N_("Seconds between reading cycles (default: setting engine.interval, 900)"), "S" },
    { "poll", 0, 0, G_OPTION_ARG_INT, &poll, N_("Seconds between sends of queued commands (default 5)"), "S" },
    { NULL }
  };
  Service s = { 0 };
  VpDatabase *db;
  guint term, intr;

  argv = args;
  if (!vpctl_parse_options (ctx, NULL,
                            _("Run reading cycles until SIGTERM or SIGINT.\n\n"
                              "With --jobs, after each full cycle it also charges the fees that "
                              "are due, runs the batches that are due, queues reminders of "
                              "overdue bills and delivers the notification outbox once (channels "
                              "from “vpctl notify config --sms-link/--smtp-server/--from”; "
                              "without them nothing is delivered). The jobs run as the operator "
                              "logged in at start: --operator or VP_OPERATOR (else the only "
                              "admin), password from VP_PASSWORD. Under systemd put both in a "
                              "file only the service user can read (chmod 600), e.g. "
                              "/etc/vendpoint/service.env holding VP_OPERATOR=… and "
                              "VP_PASSWORD=…, and load it with "
                              "EnvironmentFile=/etc/vendpoint/service.env in the unit; a wrong "
                              "password stops the service before it starts (exit 1)."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 0, _("no arguments")))
    return VPCTL_EXIT_USAGE;
  if (interval < 0 || poll < 1)
    return vpctl_usage_error (ctx, _("--interval and --poll must be positive"));
  db = vpctl_open_db (ctx, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);
  if (interval == 0)
    {
      g_autofree char *text = vp_database_get_setting (db, VP_ENGINE_INTERVAL_KEY, NULL);
      gint64 value;

      interval = text != NULL && g_ascii_string_to_signed (text, 10, 1, G_MAXINT32, &value, NULL)
                 ? (gint) value : VP_ENGINE_INTERVAL_DEFAULT;
    }

  if (jobs)
    {
      g_autoptr(GError) notify_error = NULL;

      s.jobs_actor = vpctl_get_session (ctx, &error);
      if (s.jobs_actor == NULL)
        {
          g_prefix_error (&error, _("service --jobs could not log in (--operator or VP_OPERATOR, "
                                    "VP_PASSWORD): "));
          return vpctl_fail (ctx, error);
        }
      if (!vp_session_require (s.jobs_actor, VP_PERM_ACCOUNT_MANAGE, &error) ||
          !vp_session_require (s.jobs_actor, VP_PERM_BATCH, &error))
        return vpctl_fail (ctx, error);
      notify = vpctl_notify_devices_from_settings (db, &notify_error);
      if (notify_error != NULL)
        g_message ("vpctl service: notifications are not delivered: %s", notify_error->message);
      else if (notify == NULL)
        g_message ("vpctl service: notifications are not delivered: no channel is set "
                   "(vpctl notify config --sms-link / --smtp-server)");
    }

  engine = engine_new (ctx, db);
  loop = g_main_loop_new (NULL, FALSE);
  s.engine = engine;
  s.db = db;
  s.notify = notify;
  s.loop = loop;
  s.cancellable = cancellable;
  s.interval = (guint) interval;
  s.poll = (guint) poll;
  s.next_cycle = 0;
  term = g_unix_signal_add (SIGTERM, service_stop, &s);
  intr = g_unix_signal_add (SIGINT, service_stop, &s);
  g_message ("vpctl service: reading every %d s, sending queued commands every %d s, database %s%s",
             interval, poll, vp_database_get_path (db),
             jobs ? ", site jobs after each cycle" : "");
  s.timeout_id = g_idle_add (service_tick, &s);
  g_main_loop_run (loop);
  g_source_remove (term);
  g_source_remove (intr);
  g_message ("vpctl service: stopped");
  return VPCTL_EXIT_OK;
}

/* ---- command, alarm, control, reconcile ---- */

static int
command_list (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *account = NULL;
  gint limit = 50;
  GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Only this account"), "A" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many, newest first (0: all; default 50)"), "N" },
    { NULL }
  };
  VpDatabase *db;
  int status;

  db = open_for_reading (ctx, _("List remote control commands"), entries, &argc, &argv, &status);
  if (db == NULL)
    return status;
  if ((commands = vp_engine_list_commands (db, account, limit, &error)) == NULL)
    return vpctl_fail (ctx, error);

  json_builder_begin_array (b);
  for (guint i = 0; i < commands->len; i++)
    {
      const VpCommand *c = g_ptr_array_index (commands, i);

      if (ctx->json)
        {
          json_builder_begin_object (b);
          vpctl_json_add_int (b, "id", c->id);
          vpctl_json_add_string (b, "account", c->account);
          vpctl_json_add_string (b, "meter", c->meter_address);
          vpctl_json_add_string (b, "action", vp_control_to_string (c->action));
          vpctl_json_add_string (b, "state", c->state);
          vpctl_json_add_string (b, "origin", c->origin);
          vpctl_json_add_string (b, "reason", c->reason);
          vpctl_json_add_int (b, "operator_id", c->operator_id);
          vpctl_json_add_int (b, "attempts", c->attempts);
          vpctl_json_add_string (b, "last_error", c->last_error);
          vpctl_json_add_string (b, "created_at", c->created_at);
          vpctl_json_add_string (b, "done_at", c->done_at);
          json_builder_end_object (b);
        }
      else
        g_print ("%6" G_GINT64_FORMAT "  %s  %s  %-14s %-10s %-7s %d  %s%s%s\n", c->id,
                 c->account, c->meter_address, vp_control_to_string (c->action), c->state,
                 c->origin, c->attempts, c->reason,
                 c->last_error != NULL ? "  — " : "", c->last_error != NULL ? c->last_error : "");
    }
  json_builder_end_array (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

int
vpctl_group_command (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  static const VpctlCommand commands[] = {
    { "list", command_list, N_("List the command queue (trip, close, keep-power …)") },
  };

  return vpctl_run_command (ctx, commands, G_N_ELEMENTS (commands), argc, argv);
}

static int
alarm_list (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alarms = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *account = NULL;
  gint limit = 50;
  GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Only this account"), "A" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many, newest first (0: all; default 50)"), "N" },
    { NULL }
  };
  VpDatabase *db;
  int status;

  db = open_for_reading (ctx, _("List balance alarms"), entries, &argc, &argv, &status);
  if (db == NULL)
    return status;
  if ((alarms = vp_engine_list_alarms (db, account, limit, &error)) == NULL)
    return vpctl_fail (ctx, error);

  json_builder_begin_array (b);
  for (guint i = 0; i < alarms->len; i++)
    {
      const VpAlarm *a = g_ptr_array_index (alarms, i);
      g_autofree char *balance = vp_money_format (a->balance);
      g_autofree char *threshold = vp_money_format (a->threshold);

      if (ctx->json)
        {
          json_builder_begin_object (b);
          vpctl_json_add_int (b, "id", a->id);
          vpctl_json_add_string (b, "account", a->account);
          vpctl_json_add_string (b, "name", a->name);
          vpctl_json_add_string (b, "level", a->level);
          vpctl_json_add_string (b, "balance", balance);
          vpctl_json_add_string (b, "threshold", threshold);
          vpctl_json_add_string (b, "time", a->created_at);
          json_builder_end_object (b);
        }
      else
        g_print ("%6" G_GINT64_FORMAT "  %s  %s  %-6s %s ≤ %s  %s\n", a->id, a->account,
                 a->name, a->level, balance, threshold, a->created_at);
    }
  json_builder_end_array (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

int
vpctl_group_alarm (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  static const VpctlCommand commands[] = {
    { "list", alarm_list, N_("List balance alarms, newest first") },
  };

  return vpctl_run_command (ctx, commands, G_N_ELEMENTS (commands), argc, argv);
}

#define CONTROL_USAGE "ACCOUNT trip|close|keep-power|keep-power-clear|alarm|alarm-clear|set-time"

int
vpctl_group_control (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autofree char *reason = NULL;
  g_autoptr(VpEngine) engine = NULL;
  gboolean queue_only = FALSE;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why (required, audited)"), "TEXT" },
    { "queue-only", 0, 0, G_OPTION_ARG_NONE, &queue_only, N_("Only queue; the service sends it"), NULL },
    { NULL }
  };
  VpCycleReport report = { 0 };
  VpSession *session;
  VpDatabase *db;
  guint queued = 0;

  argv = args;
  if (!vpctl_parse_options (ctx, CONTROL_USAGE,
                            _("Switch an account's meters or set their clocks remotely"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 2, CONTROL_USAGE))
    return VPCTL_EXIT_USAGE;
  if (reason == NULL)
    return vpctl_usage_error (ctx, _("--reason is required"));
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  db = vp_session_get_database (session);
  if (!vp_engine_control (db, session, argv[1], argv[2], reason, &queued, &error))
    return vpctl_fail (ctx, error);

  /* Send now; what does not get through stays queued for the service. */
  if (!queue_only)
    {
      engine = engine_new (ctx, db);
      if (!vp_engine_send_commands (engine, &report, NULL, &error))
        return vpctl_fail (ctx, error);
    }

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_string (b, "account", argv[1]);
      vpctl_json_add_string (b, "action", argv[2]);
      vpctl_json_add_int (b, "queued", queued);
      vpctl_json_add_int (b, "sent", report.commands_sent);
      vpctl_json_add_int (b, "confirmed", report.commands_confirmed);
      vpctl_json_add_int (b, "failed", report.commands_failed);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print (_("%s on account %s: %u commands queued, %u sent, %u confirmed, %u failed\n"),
             argv[2], argv[1], queued, report.commands_sent, report.commands_confirmed,
             report.commands_failed);
  vp_cycle_report_clear (&report);
  return VPCTL_EXIT_OK;
}

int
vpctl_group_reconcile (VpctlContext *ctx,
                       int           argc,
                       char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autofree char *tolerance_text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GOptionEntry entries[] = {
    { "tolerance", 0, 0, G_OPTION_ARG_STRING, &tolerance_text, N_("Ignore differences up to this (yuan, default 0)"), "YUAN" },
    { NULL }
  };
  gint64 tolerance = 0;
  VpDatabase *db;
  int status;

  argv = args;
  db = open_for_reading (ctx, _("Money-prepaid meters whose balance differs from the station's"),
                         entries, &argc, &argv, &status);
  if (db == NULL)
    return status;
  if ((tolerance_text != NULL
       && !vp_money_parse (tolerance_text, VP_MONEY_ALLOW_ZERO, &tolerance, &error))
      || (rows = vp_engine_reconcile (db, tolerance, &error)) == NULL)
    return vpctl_fail (ctx, error);

  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpReconcileRow *r = g_ptr_array_index (rows, i);
      g_autofree char *meter = vp_money_format (r->meter_balance);
      g_autofree char *station = vp_money_format (r->station_balance);
      g_autofree char *diff = vp_money_format (r->difference);

      if (ctx->json)
        {
          json_builder_begin_object (b);
          vpctl_json_add_string (b, "account", r->account);
          vpctl_json_add_string (b, "name", r->name);
          vpctl_json_add_string (b, "meter", r->meter_address);
          vpctl_json_add_string (b, "meter_balance", meter);
          vpctl_json_add_string (b, "station_balance", station);
          vpctl_json_add_string (b, "difference", diff);
          vpctl_json_add_int (b, "read_at", r->read_at);
          json_builder_end_object (b);
        }
      else
        g_print ("%s  %s  %s  %s %s %s %s %s %s\n", r->account, r->name, r->meter_address,
                 _("meter"), meter, _("station"), station, _("difference"), diff);
    }
  json_builder_end_array (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

/* ---- engine: anomalies, close threshold ---- */

/* One anomaly in the fields "vpctl engine anomalies" and "resolve" print. */
static void
anomaly_to_json (JsonBuilder     *b,
                 const VpAnomaly *an)
{
  g_autofree char *total = vp_tariff_quantity_format (an->total);
  g_autofree char *baseline = an->baseline_reading_id > 0
                              ? vp_tariff_quantity_format (an->baseline_total) : NULL;

  json_builder_begin_object (b);
  vpctl_json_add_int (b, "id", an->id);
  vpctl_json_add_string (b, "account", an->account);
  vpctl_json_add_string (b, "meter", an->meter_address);
  vpctl_json_add_string (b, "kind", an->kind);
  vpctl_json_add_string (b, "detail", an->detail);
  vpctl_json_add_int (b, "reading_id", an->reading_id);
  vpctl_json_add_string (b, "total", total);
  vpctl_json_add_int (b, "read_at", an->read_at);
  vpctl_json_add_string (b, "created_at", an->created_at);
  vpctl_json_add_string (b, "state", an->resolved_at == NULL ? "open" : "resolved");
  vpctl_json_add_string (b, "resolution", an->resolution);
  vpctl_json_add_string (b, "note", an->note);
  vpctl_json_add_string (b, "resolved_by", an->resolved_by_login);
  vpctl_json_add_string (b, "resolved_at", an->resolved_at);
  vpctl_json_add_string (b, "baseline_total", baseline);
  json_builder_end_object (b);
}

static void
print_anomaly_text (const VpAnomaly *an)
{
  g_autofree char *total = vp_tariff_quantity_format (an->total);

  g_print ("%6" G_GINT64_FORMAT "  %s  %s  %-9s %10s  %s  ", an->id, an->account,
           an->meter_address, an->kind, total, an->created_at);
  if (an->resolved_at == NULL)
    g_print ("%s — %s\n", C_("anomaly", "open"), an->detail);
  else
    g_print ("%s %s %s: %s\n", an->resolution,
             an->resolved_by_login != NULL ? an->resolved_by_login : "?", an->resolved_at,
             an->note != NULL ? an->note : "");
}

static int
engine_anomalies (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) anomalies = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *account = NULL;
  gboolean open_only = FALSE;
  GOptionEntry entries[] = {
    { "open", 0, 0, G_OPTION_ARG_NONE, &open_only, N_("Only those not resolved yet"), NULL },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Only this account"), "A" },
    { NULL }
  };
  VpDatabase *db;
  int status;

  db = open_for_reading (ctx, _("List reading anomalies (registers that went backwards or "
                                "jumped), newest first"), entries, &argc, &argv, &status);
  if (db == NULL)
    return status;
  if ((anomalies = vp_anomaly_list (db, open_only, account, 0, &error)) == NULL)
    return vpctl_fail (ctx, error);

  json_builder_begin_array (b);
  for (guint i = 0; i < anomalies->len; i++)
    {
      if (ctx->json)
        anomaly_to_json (b, g_ptr_array_index (anomalies, i));
      else
        print_anomaly_text (g_ptr_array_index (anomalies, i));
    }
  json_builder_end_array (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

#define RESOLVE_USAGE "ANOMALY_ID --rebaseline|--dismiss --note TEXT"

static int
engine_resolve (VpctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAnomaly) resolved = NULL;
  g_autofree char *note = NULL;
  gboolean rebaseline = FALSE;
  gboolean dismiss = FALSE;
  GOptionEntry entries[] = {
    { "rebaseline", 0, 0, G_OPTION_ARG_NONE, &rebaseline, N_("The register really started again: charge from its newest reading on"), NULL },
    { "dismiss", 0, 0, G_OPTION_ARG_NONE, &dismiss, N_("A bad read: charge from the last good reading"), NULL },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("Why (required, kept with the anomaly)"), "TEXT" },
    { NULL }
  };
  VpSession *session;
  gint64 id;
  char *end = NULL;

  if (!vpctl_parse_options (ctx, RESOLVE_USAGE, _("Resolve a reading anomaly"), entries,
                            &argc, &argv)
      || !vpctl_want_args (ctx, argc, 1, RESOLVE_USAGE))
    return VPCTL_EXIT_USAGE;
  if (rebaseline == dismiss)
    return vpctl_usage_error (ctx, _("Give one of --rebaseline or --dismiss"));
  if (note == NULL)
    return vpctl_usage_error (ctx, _("--note is required"));
  id = g_ascii_strtoll (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || id <= 0)
    return vpctl_usage_error (ctx, _("ANOMALY_ID is a number from “vpctl engine anomalies”"));
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  if (!vp_anomaly_resolve (vp_session_get_database (session), session, id,
                           rebaseline ? VP_ANOMALY_REBASELINE : VP_ANOMALY_DISMISS, note,
                           &resolved, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      anomaly_to_json (b, resolved);
      vpctl_print_builder (b);
    }
  else if (rebaseline)
    {
      g_autofree char *total = vp_tariff_quantity_format (resolved->baseline_total);

      g_print (_("Anomaly %" PRId64 " resolved: meter %s is charged from register %s onwards\n"),
               id, resolved->meter_address, total);
    }
  else
    g_print (_("Anomaly %" PRId64 " dismissed: meter %s is charged from its last good "
               "reading\n"), id, resolved->meter_address);
  return VPCTL_EXIT_OK;
}

#define CLOSE_THRESHOLD_USAGE "ACCOUNT YUAN|default"

static int
engine_close_threshold (VpctlContext *ctx,
                        int           argc,
                        char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  VpSession *session;
  VpDatabase *db;
  gboolean use_default;
  gboolean set = FALSE;
  gint64 amount = 0;

  if (!vpctl_parse_options (ctx, CLOSE_THRESHOLD_USAGE,
                            _("Set the balance above which a tripped account is closed again "
                              "(default: its trip threshold)"), NULL, &argc, &argv)
      || !vpctl_want_args (ctx, argc, 2, CLOSE_THRESHOLD_USAGE))
    return VPCTL_EXIT_USAGE;
  use_default = g_str_equal (argv[2], "default") || argv[2][0] == '\0';
  if (!use_default
      && !vp_money_parse (argv[2], VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &amount, &error))
    return vpctl_fail (ctx, error);
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  db = vp_session_get_database (session);
  if (!vp_engine_set_close_threshold (db, session, argv[1], use_default, amount, &error)
      || !vp_engine_get_close_threshold (db, argv[1], &set, &amount, &error))
    return vpctl_fail (ctx, error);
  text = vp_money_format (amount);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_string (b, "account", argv[1]);
      vpctl_json_add_string (b, "close_threshold", set ? text : NULL);
      vpctl_json_add_string (b, "closes_above", text);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else if (set)
    g_print (_("Account %s: a tripped supply is closed again above %s\n"), argv[1], text);
  else
    g_print (_("Account %s: a tripped supply is closed again above its trip threshold (%s)\n"),
             argv[1], text);
  return VPCTL_EXIT_OK;
}

int
vpctl_group_engine (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  static const VpctlCommand commands[] = {
    { "anomalies", engine_anomalies, N_("List reading anomalies (--open: not resolved yet)") },
    { "resolve", engine_resolve, N_("Resolve an anomaly: --rebaseline or --dismiss, with a --note") },
    { "close-threshold", engine_close_threshold, N_("Set an account's close threshold (YUAN or default)") },
  };

  return vpctl_run_command (ctx, commands, G_N_ELEMENTS (commands), argc, argv);
}
