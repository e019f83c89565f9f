/* vp-context.c: the one object the windows share */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-context.h"
#include "vp-database.h"
#include "vp-demo.h"
#include "vp-ledger.h"
#include "vp-model-error.h"

struct _VpContext
{
  GObject     parent_instance;

  VpDatabase *db;
  VpSession  *session;
  char       *counter_id;
  guint       lock_timeout;
  gboolean    demo;
  VpCommissioning *commissioning;
  gboolean    print_receipts;

  /* The prepaid engine: one job (cycle or command send) at a time, in a worker. */
  VpEngine     *engine;
  guint         cycle_interval;   /* seconds; 0: only on request */
  guint         cycle_timer;
  GCancellable *engine_cancellable;
  gboolean      engine_busy;
  gboolean      cycle_wanted;     /* asked for while a job ran */
  GQueue        sends_waiting;    /* GTask * of vp_context_send_commands_async() */

  /* The meter service and the printer join here when they land. */
};

G_DEFINE_FINAL_TYPE (VpContext, vp_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_LOCK_TIMEOUT,
  PROP_DEMO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CYCLE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  char         *login;
  char         *password;
  VpPermission  what;
  VpSession    *session;   /* approve: the session asking */
} Credentials;

static void
credentials_free (gpointer data)
{
  Credentials *c = data;

  g_free (c->login);
  if (c->password != NULL)
    {
      /* Do not leave the password lying in freed memory. */
      memset (c->password, 0, strlen (c->password));
      g_free (c->password);
    }
  g_clear_pointer (&c->session, vp_session_unref);
  g_free (c);
}

static Credentials *
credentials_new (const char *login,
                 const char *password)
{
  Credentials *c = g_new0 (Credentials, 1);

  c->login = g_strdup (login);
  c->password = g_strdup (password);
  return c;
}

static void
vp_context_set_session (VpContext *self,
                        VpSession *session)
{
  if (self->session == session)
    return;

  g_clear_pointer (&self->session, vp_session_unref);
  if (session != NULL)
    self->session = vp_session_ref (session);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
vp_context_dispose (GObject *object)
{
  vp_context_stop_engine (VP_CONTEXT (object));

  G_OBJECT_CLASS (vp_context_parent_class)->dispose (object);
}

static void
vp_context_finalize (GObject *object)
{
  VpContext *self = VP_CONTEXT (object);

  /* Every engine job holds a reference: none runs any more. */
  g_assert (!self->engine_busy);
  g_clear_pointer (&self->engine, vp_engine_free);
  g_clear_object (&self->engine_cancellable);

  g_clear_pointer (&self->session, vp_session_unref);
  g_clear_pointer (&self->db, vp_database_unref);
  g_clear_pointer (&self->counter_id, g_free);
  g_clear_object (&self->commissioning);

  G_OBJECT_CLASS (vp_context_parent_class)->finalize (object);
}

static void
vp_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  VpContext *self = VP_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_pointer (value, self->session);
      break;

    case PROP_LOCK_TIMEOUT:
      g_value_set_uint (value, self->lock_timeout);
      break;

    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vp_context_class_init (VpContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = vp_context_dispose;
  object_class->finalize = vp_context_finalize;
  object_class->get_property = vp_context_get_property;

  /* A VpSession *, owned by the context; NULL while nobody is logged in. */
  properties[PROP_SESSION] =
    g_param_spec_pointer ("session", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCK_TIMEOUT] =
    g_param_spec_uint ("lock-timeout", NULL, NULL,
                       0, G_MAXUINT, VP_CONTEXT_DEFAULT_LOCK_TIMEOUT,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After each reading cycle, on the main context: (const VpCycleReport *) report. */
  signals[CYCLE_FINISHED] = g_signal_new ("cycle-finished", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
vp_context_init (VpContext *self)
{
  self->lock_timeout = VP_CONTEXT_DEFAULT_LOCK_TIMEOUT;
  self->cycle_interval = VP_ENGINE_INTERVAL_DEFAULT;
  self->engine_cancellable = g_cancellable_new ();
  g_queue_init (&self->sends_waiting);
}

VpContext *
vp_context_new (VpDatabase *db,
                gboolean    demo)
{
  VpContext *self;
  g_autofree char *timeout = NULL;
  g_autofree char *print = NULL;
  g_autofree char *interval = NULL;
  guint64 seconds;

  g_return_val_if_fail (db != NULL, NULL);

  self = g_object_new (VP_TYPE_CONTEXT, NULL);
  self->db = vp_database_ref (db);
  self->demo = !!demo;
  self->counter_id = vp_database_get_setting (db, VP_LEDGER_COUNTER_KEY,
                                                VP_LEDGER_COUNTER_DEFAULT);

  /* A damaged setting must not stop the counter: keep the default then. */
  timeout = vp_database_get_setting (db, VP_CONTEXT_LOCK_TIMEOUT_KEY, NULL);
  if (timeout != NULL &&
      g_ascii_string_to_unsigned (timeout, 10, 0, G_MAXUINT, &seconds, NULL))
    self->lock_timeout = (guint) seconds;

  interval = vp_database_get_setting (db, VP_ENGINE_INTERVAL_KEY, NULL);
  if (interval != NULL &&
      g_ascii_string_to_unsigned (interval, 10, 1, G_MAXUINT / 1000, &seconds, NULL))
    self->cycle_interval = (guint) seconds;

  print = vp_database_get_setting (db, VP_CONTEXT_PRINT_RECEIPTS_KEY, "true");
  self->print_receipts = g_strcmp0 (print, "false") != 0;

  return self;
}

VpDatabase *
vp_context_get_database (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), NULL);

  return self->db;
}

gboolean
vp_context_get_demo (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);

  return self->demo;
}

VpSession *
vp_context_get_session (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), NULL);

  return self->session;
}

gboolean
vp_context_can (VpContext    *self,
                VpPermission  permission)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);

  return self->session != NULL && vp_session_can (self->session, permission);
}

static void
login_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  VpContext *self = source_object;
  Credentials *c = task_data;
  GError *error = NULL;
  VpSession *session;

  session = vp_session_login (self->db, c->login, c->password, &error);
  if (session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, session, (GDestroyNotify) vp_session_unref);
}

void
vp_context_login_async (VpContext           *self,
                        const char          *login,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VP_IS_CONTEXT (self));
  g_return_if_fail (login != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vp_context_login_async);
  g_task_set_task_data (task, credentials_new (login, password), credentials_free);
  g_task_run_in_thread (task, login_thread);
}

VpSession *
vp_context_login_finish (VpContext     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_autoptr(VpSession) session = NULL;

  g_return_val_if_fail (VP_IS_CONTEXT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  session = g_task_propagate_pointer (G_TASK (result), error);
  if (session == NULL)
    return NULL;

  vp_context_set_session (self, session);
  return self->session;
}

void
vp_context_logout (VpContext *self)
{
  g_return_if_fail (VP_IS_CONTEXT (self));

  vp_context_set_session (self, NULL);
}

static void
approve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Credentials *c = task_data;
  GError *error = NULL;
  gint64 approver;

  approver = vp_session_approve (c->session, c->login, c->password, c->what, &error);
  if (approver == 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, approver);
}

void
vp_context_approve_async (VpContext           *self,
                          const char          *supervisor_login,
                          const char          *supervisor_password,
                          VpPermission         what,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Credentials *c;

  g_return_if_fail (VP_IS_CONTEXT (self));
  g_return_if_fail (supervisor_login != NULL);
  g_return_if_fail (supervisor_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vp_context_approve_async);

  if (self->session == NULL)
    {
      g_task_return_new_error (task, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED,
                               _("Nobody is logged in at this counter."));
      return;
    }

  c = credentials_new (supervisor_login, supervisor_password);
  c->what = what;
  c->session = vp_session_ref (self->session);
  g_task_set_task_data (task, c, credentials_free);
  g_task_run_in_thread (task, approve_thread);
}

gint64
vp_context_approve_finish (VpContext     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  gssize approver;

  g_return_val_if_fail (VP_IS_CONTEXT (self), 0);
  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  /* g_task_propagate_int() says -1 on error; this API says 0. */
  approver = g_task_propagate_int (G_TASK (result), error);
  return approver > 0 ? approver : 0;
}

void
vp_context_set_commissioning (VpContext       *self,
                              VpCommissioning *commissioning)
{
  g_return_if_fail (VP_IS_CONTEXT (self));
  g_return_if_fail (commissioning == NULL || VP_IS_COMMISSIONING (commissioning));

  g_set_object (&self->commissioning, commissioning);
}

VpCommissioning *
vp_context_get_commissioning (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), NULL);

  return self->commissioning;
}

const char *
vp_context_get_counter_id (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), NULL);

  return self->counter_id;
}

gboolean
vp_context_get_print_receipts (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);

  return self->print_receipts;
}

guint
vp_context_get_lock_timeout (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), 0);

  return self->lock_timeout;
}

gboolean
vp_context_set_lock_timeout (VpContext  *self,
                             guint       seconds,
                             GError    **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);

  /* A setting of the counter: only roles with VP_PERM_SETTINGS, checked (and a refusal
   * audited) by the session, not only by the menu that offers it. */
  if (self->session == NULL)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED,
                           _("Nobody is logged in at this counter."));
      return FALSE;
    }
  if (!vp_session_require (self->session, VP_PERM_SETTINGS, error))
    return FALSE;
  if (self->lock_timeout == seconds)
    return TRUE;

  text = g_strdup_printf ("%u", seconds);
  if (!vp_database_set_setting (self->db, VP_CONTEXT_LOCK_TIMEOUT_KEY, text, error))
    return FALSE;

  self->lock_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCK_TIMEOUT]);
  return TRUE;
}

/* The engine ------------------------------------------------------------------ */

typedef enum
{
  ENGINE_CYCLE,
  ENGINE_SEND,
} EngineJob;

static void vp_context_engine_next (VpContext *self);

static void
cycle_report_free (gpointer data)
{
  VpCycleReport *report = data;

  vp_cycle_report_clear (report);
  g_free (report);
}

static void
engine_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VpContext *self = source_object;
  VpCycleReport *report = g_new0 (VpCycleReport, 1);
  GError *error = NULL;
  gboolean ok;

  if (GPOINTER_TO_INT (task_data) == ENGINE_CYCLE)
    {
      ok = vp_engine_run_cycle (self->engine, report, cancellable, &error);
      /* The station backs itself up on its schedule (backup.*) while the GUI is open. */
      vp_database_run_scheduled_backup (self->db, "Vendpoint: ");
    }
  else
    ok = vp_engine_send_commands (self->engine, report, cancellable, &error);

  if (ok)
    g_task_return_pointer (task, report, cycle_report_free);
  else
    {
      cycle_report_free (report);
      g_task_return_error (task, error);
    }
}

static gboolean
cycle_timer_cb (gpointer data)
{
  VpContext *self = data;

  self->cycle_timer = 0;
  vp_context_run_cycle_now (self);
  return G_SOURCE_REMOVE;
}

/* The next cycle one interval after the last one ended (or after a change of it). */
static void
vp_context_schedule_cycle (VpContext *self)
{
  g_clear_handle_id (&self->cycle_timer, g_source_remove);
  if (self->engine != NULL && self->cycle_interval > 0
      && !g_cancellable_is_cancelled (self->engine_cancellable))
    self->cycle_timer = g_timeout_add_seconds (self->cycle_interval, cycle_timer_cb, self);
}

static void
cycle_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  VpContext *self = VP_CONTEXT (object);
  g_autoptr(GError) error = NULL;
  VpCycleReport *report = g_task_propagate_pointer (G_TASK (result), &error);

  self->engine_busy = FALSE;
  if (report == NULL)
    {
      /* Not a programming error (the database may be locked or the disk full), and the
       * next interval tries again: a message for the log, not a warning. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The meter reading cycle could not run: %s", error->message);
    }
  else
    {
      g_info ("Reading cycle: %u of %u meters read, %u offline, %u charged "
              "(%" G_GINT64_FORMAT " fen), %u commands confirmed, %u failed",
              report->read, report->meters, report->offline, report->charged,
              report->charged_fen, report->commands_confirmed, report->commands_failed);
      g_signal_emit (self, signals[CYCLE_FINISHED], 0, report);
      cycle_report_free (report);
    }

  vp_context_schedule_cycle (self);
  vp_context_engine_next (self);
}

static void
send_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  VpContext *self = VP_CONTEXT (object);
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  VpCycleReport *report = g_task_propagate_pointer (G_TASK (result), &error);

  self->engine_busy = FALSE;
  if (report == NULL)
    g_task_return_error (outer, error);
  else
    g_task_return_pointer (outer, report, cycle_report_free);
  vp_context_engine_next (self);
}

static void
vp_context_engine_start (VpContext *self,
                         EngineJob  job,
                         GTask     *outer)
{
  g_autoptr(GTask) task = NULL;

  g_assert (!self->engine_busy);

  self->engine_busy = TRUE;
  task = g_task_new (self, self->engine_cancellable,
                     job == ENGINE_CYCLE ? cycle_done_cb : send_done_cb, outer);
  g_task_set_source_tag (task, vp_context_engine_start);
  g_task_set_task_data (task, GINT_TO_POINTER (job), NULL);
  g_task_run_in_thread (task, engine_thread);
}

/* Starts what waits: a top-up's send first (a customer stands at the counter), then a
 * cycle that was asked for. */
static void
vp_context_engine_next (VpContext *self)
{
  GTask *outer;

  if (self->engine_busy || self->engine == NULL)
    return;
  if (g_cancellable_is_cancelled (self->engine_cancellable))
    return;

  outer = g_queue_pop_head (&self->sends_waiting);
  if (outer != NULL)
    {
      vp_context_engine_start (self, ENGINE_SEND, outer);
      return;
    }
  if (self->cycle_wanted)
    {
      self->cycle_wanted = FALSE;
      g_clear_handle_id (&self->cycle_timer, g_source_remove);
      vp_context_engine_start (self, ENGINE_CYCLE, NULL);
    }
}

void
vp_context_set_gateway (VpContext      *self,
                        VpMeterGateway *gateway)
{
  g_return_if_fail (VP_IS_CONTEXT (self));
  g_return_if_fail (VP_IS_METER_GATEWAY (gateway));
  g_return_if_fail (self->engine == NULL);

  /* The engine keeps its own reference on the gateway. */
  self->engine = vp_engine_new (self->db, gateway);
  if (self->cycle_interval > 0)
    vp_context_run_cycle_now (self);
}

gboolean
vp_context_has_engine (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);

  return self->engine != NULL;
}

void
vp_context_set_cycle_interval (VpContext *self,
                               guint      seconds)
{
  g_return_if_fail (VP_IS_CONTEXT (self));

  /* A cycle running now reschedules when it ends; a timer firing meanwhile only asks
   * for one more. */
  self->cycle_interval = seconds;
  vp_context_schedule_cycle (self);
}

guint
vp_context_get_cycle_interval (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), 0);

  return self->cycle_interval;
}

gboolean
vp_context_run_cycle_now (VpContext *self)
{
  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);

  if (self->engine == NULL || g_cancellable_is_cancelled (self->engine_cancellable))
    return FALSE;
  self->cycle_wanted = TRUE;
  vp_context_engine_next (self);
  return TRUE;
}

void
vp_context_send_commands_async (VpContext           *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VP_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vp_context_send_commands_async);

  if (self->engine == NULL || g_cancellable_is_cancelled (self->engine_cancellable))
    {
      g_task_return_new_error (task, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                               _("This station does not talk to meters; the commands wait "
                                 "for the meter service."));
      return;
    }
  g_queue_push_tail (&self->sends_waiting, g_steal_pointer (&task));
  vp_context_engine_next (self);
}

gboolean
vp_context_send_commands_finish (VpContext      *self,
                                 GAsyncResult   *result,
                                 VpCycleReport  *out_report,
                                 GError        **error)
{
  VpCycleReport *report;

  g_return_val_if_fail (VP_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  report = g_task_propagate_pointer (G_TASK (result), error);
  if (report == NULL)
    return FALSE;
  if (out_report != NULL)
    {
      *out_report = *report;
      g_free (report);
    }
  else
    cycle_report_free (report);
  return TRUE;
}

void
vp_context_stop_engine (VpContext *self)
{
  GTask *outer;

  g_return_if_fail (VP_IS_CONTEXT (self));

  g_cancellable_cancel (self->engine_cancellable);
  g_clear_handle_id (&self->cycle_timer, g_source_remove);
  self->cycle_wanted = FALSE;
  while ((outer = g_queue_pop_head (&self->sends_waiting)) != NULL)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The station is shutting down."));
      g_object_unref (outer);
    }
}

gboolean
vp_context_seed_demo (VpDatabase  *db,
                      gint64       n_accounts,
                      GError     **error)
{
  static const struct {
    const char *login;
    const char *name;
    VpRole      role;
  } operators[] = {
    { "admin", "系统管理员", VP_ROLE_ADMIN },
    { "supervisor", "李主管", VP_ROLE_SUPERVISOR },
    { "cashier", "王收银", VP_ROLE_CASHIER },
    { "technician", "张技术", VP_ROLE_TECHNICIAN },
  };
  g_autoptr(VpSession) admin = NULL;
  gint64 count = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (n_accounts >= 0, FALSE);

  if (!vp_operator_count (db, &count, error))
    return FALSE;
  if (count > 0)
    return TRUE;

  /* The first operator must be the admin (vp_operator_add with no actor). */
  for (guint i = 0; i < G_N_ELEMENTS (operators); i++)
    {
      if (!vp_operator_add (db, admin, operators[i].login, operators[i].name, operators[i].role,
                            VP_CONTEXT_DEMO_PASSWORD, NULL, error))
        return FALSE;
      if (admin == NULL)
        {
          admin = vp_session_login (db, operators[i].login, VP_CONTEXT_DEMO_PASSWORD, error);
          if (admin == NULL)
            return FALSE;
        }
    }

  return n_accounts == 0 || vp_demo_generate (db, admin, n_accounts, 20261125, NULL, error);
}
