/* vp-notify.c: outbox delivery with at-most-once sending (contract in vp-notify.h) */
#include "config.h"

#include <inttypes.h>

#include "vp-notify.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-audit.h"
#include "vp-model-error.h"

#define MAX_DELAY (6 * 3600)

void
vp_delivery_free (VpDelivery *delivery)
{
  if (delivery == NULL)
    return;
  g_free (delivery->account);
  g_free (delivery->channel);
  g_free (delivery->recipient);
  g_free (delivery->state);
  g_free (delivery->last_error);
  g_free (delivery->created_at);
  g_free (delivery->sent_at);
  g_free (delivery->text);
  g_free (delivery);
}

/* Runs @sql with up to two integer and one text parameter inside the caller's lock. */
static gboolean
exec_bound (VpDatabase  *db,
            const char  *sql,
            gint64       a,
            gint64       b,
            const char  *text,
            GError     **error)
{
  sqlite3_stmt *stmt = vp_database_prepare (db, sql, error);
  gboolean ok;

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_bind_parameter_count (stmt) >= 1)
    sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    sqlite3_bind_int64 (stmt, 2, b);
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  ok = vp_model_step (db, stmt, _("Updating the notification deliveries"), error);
  sqlite3_reset (stmt);
  return ok;
}

/* New outbox messages get their deliveries; 'sending' rows past the lease become
 * uncertain. One transaction. */
static gboolean
plan (VpDatabase  *db,
      gint64       now,
      guint        lease,
      VpNotifyRun *run,
      GError     **error)
{
  g_autofree char *email = vp_database_get_setting (db, VP_NOTIFY_EMAIL_TO_KEY, "");
  g_autofree char *created = vp_model_now ();
  sqlite3 *handle;

  if (!vp_database_begin (db, error))
    return FALSE;
  handle = vp_database_get_handle (db);
  if (!exec_bound (db, "INSERT INTO deliveries (outbox_id, channel, recipient, state, last_error, created_at) "
                       "SELECT o.id, 'sms', o.recipient, "
                       "  CASE WHEN o.recipient IS NULL OR o.recipient = '' THEN 'skipped' ELSE 'pending' END, "
                       "  CASE WHEN o.recipient IS NULL OR o.recipient = '' THEN 'no phone number' END, ?3 "
                       "FROM outbox o WHERE o.sent_at IS NULL AND NOT EXISTS "
                       "(SELECT 1 FROM deliveries d WHERE d.outbox_id = o.id AND d.channel = 'sms')",
                   0, 0, created, error))
    goto failed;
  run->planned += (guint) sqlite3_changes (handle);
  if (*email != '\0')
    {
      sqlite3_stmt *stmt = vp_database_prepare (db,
        "INSERT INTO deliveries (outbox_id, channel, recipient, created_at) "
        "SELECT o.id, 'email', ?1, ?2 FROM outbox o WHERE o.sent_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM deliveries d WHERE d.outbox_id = o.id AND d.channel = 'email')", error);
      gboolean ok;

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, created, -1, SQLITE_TRANSIENT);
      ok = vp_model_step (db, stmt, _("Planning e-mail deliveries"), error);
      sqlite3_reset (stmt);
      if (!ok)
        goto failed;
      run->planned += (guint) sqlite3_changes (handle);
    }
  if (!exec_bound (db, "UPDATE deliveries SET state = 'uncertain', "
                       "last_error = 'the sender stopped after sending began: it may have gone out' "
                       "WHERE state = 'sending' AND sending_since <= ?1 - ?2",
                   now, lease, NULL, error))
    goto failed;
  run->uncertain += (guint) sqlite3_changes (handle);
  return vp_database_commit (db, error);

failed:
  vp_database_rollback (db);
  return FALSE;
}

typedef struct
{
  gint64  id;
  gint64  outbox_id;
  char   *channel;
  char   *recipient;
  char   *text_zh;
  char   *text_en;
  char   *account;
  gint64  attempts;
} Due;

static void
due_clear (Due *due)
{
  g_free (due->channel);
  g_free (due->recipient);
  g_free (due->text_zh);
  g_free (due->text_en);
  g_free (due->account);
  memset (due, 0, sizeof *due);
}

/* Takes the oldest due delivery of an available channel and marks it 'sending' in its
 * own committed transaction. FALSE with no error when there is none. */
static gboolean
claim (VpDatabase            *db,
       const VpNotifySender  *sender,
       gint64                 now,
       Due                   *due,
       GError               **error)
{
  sqlite3_stmt *stmt;
  gboolean found;

  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db,
    "SELECT d.id, d.outbox_id, d.channel, d.recipient, o.text_zh, o.text_en, a.number, d.attempts "
    "FROM deliveries d JOIN outbox o ON o.id = d.outbox_id JOIN accounts a ON a.id = o.account_id "
    "WHERE d.state IN ('pending', 'failed') AND d.next_attempt_at <= ?1 "
    "AND (d.channel <> 'sms' OR ?2) AND (d.channel <> 'email' OR ?3) ORDER BY d.id LIMIT 1", error);
  if (stmt == NULL)
    {
      vp_database_rollback (db);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_int (stmt, 2, sender->send_sms != NULL);
  sqlite3_bind_int (stmt, 3, sender->send_email != NULL);
  if (!vp_model_step (db, stmt, _("Finding due notifications"), error))
    {
      sqlite3_reset (stmt);
      vp_database_rollback (db);
      return FALSE;
    }
  found = sqlite3_stmt_busy (stmt);
  if (found)
    {
      due->id = sqlite3_column_int64 (stmt, 0);
      due->outbox_id = sqlite3_column_int64 (stmt, 1);
      due->channel = vp_model_column_dup (stmt, 2);
      due->recipient = vp_model_column_dup (stmt, 3);
      due->text_zh = vp_model_column_dup (stmt, 4);
      due->text_en = vp_model_column_dup (stmt, 5);
      due->account = vp_model_column_dup (stmt, 6);
      due->attempts = sqlite3_column_int64 (stmt, 7) + 1;
    }
  sqlite3_reset (stmt);
  if (found && !exec_bound (db, "UPDATE deliveries SET state = 'sending', attempts = attempts + 1, "
                                "sending_since = ?2 WHERE id = ?1", due->id, now, NULL, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  /* The mark must be durable before anything leaves the station. */
  if (!vp_database_commit (db, error))
    return FALSE;
  return found;
}

/* Records the outcome of an attempt; @failure NULL means sent. */
static gboolean
record (VpDatabase    *db,
        const Due     *due,
        gint64         now,
        const GError  *failure,
        gboolean       retry,
        guint          base_delay,
        GError       **error)
{
  g_autofree char *sent_at = vp_model_now ();
  sqlite3_stmt *stmt;
  gboolean ok;

  if (!vp_database_begin (db, error))
    return FALSE;
  if (failure == NULL)
    {
      stmt = vp_database_prepare (db, "UPDATE deliveries SET state = 'sent', sent_at = ?2, "
                                      "last_error = NULL WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, due->id);
      sqlite3_bind_text (stmt, 2, sent_at, -1, SQLITE_TRANSIENT);
      ok = vp_model_step (db, stmt, _("Recording a sent notification"), error);
      sqlite3_reset (stmt);
      if (!ok
          || !exec_bound (db, "UPDATE outbox SET attempts = attempts + 1, sent_at = CASE WHEN NOT EXISTS "
                              "(SELECT 1 FROM deliveries WHERE outbox_id = ?1 AND state NOT IN ('sent', 'skipped')) "
                              "THEN ?3 END WHERE id = ?1", due->outbox_id, 0, sent_at, error))
        goto failed;
    }
  else
    {
      gint64 delay = (gint64) base_delay << MIN (due->attempts - 1, 20);

      stmt = vp_database_prepare (db, "UPDATE deliveries SET state = ?2, next_attempt_at = ?3, "
                                      "last_error = ?4 WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, due->id);
      sqlite3_bind_text (stmt, 2, retry ? "failed" : "abandoned", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, now + MIN (delay, MAX_DELAY));
      sqlite3_bind_text (stmt, 4, failure->message, -1, SQLITE_TRANSIENT);
      ok = vp_model_step (db, stmt, _("Recording a failed notification"), error);
      sqlite3_reset (stmt);
      if (!ok || !exec_bound (db, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1",
                              due->outbox_id, 0, NULL, error))
        goto failed;
    }
  return vp_database_commit (db, error);

failed:
  vp_database_rollback (db);
  return FALSE;
}

static gboolean
deliver (const VpNotifySender  *sender,
         gpointer               user_data,
         const Due             *due,
         GError               **error)
{
  if (g_str_equal (due->channel, "sms"))
    return sender->send_sms (user_data, due->recipient, due->text_zh, error);
  {
    g_autofree char *subject = g_strdup_printf ("Vendpoint 账户 %s 通知 / notice for account %s",
                                                due->account, due->account);
    g_autofree char *body = g_strdup_printf ("%s\n\n%s", due->text_zh, due->text_en);

    return sender->send_email (user_data, due->recipient, subject, body, error);
  }
}

gboolean
vp_notify_run (VpDatabase             *db,
               const VpNotifySender   *sender,
               gpointer                user_data,
               const VpNotifyOptions  *options,
               VpNotifyRun            *out_run,
               GError                **error)
{
  VpNotifyOptions defaults = { 0 };
  VpNotifyRun run = { 0 };
  g_autofree char *max_text = NULL;
  gint64 max_attempts;
  guint attempts = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (sender != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options == NULL)
    options = &defaults;
  max_text = vp_database_get_setting (db, VP_NOTIFY_MAX_ATTEMPTS_KEY, NULL);
  max_attempts = max_text != NULL ? g_ascii_strtoll (max_text, NULL, 10) : VP_NOTIFY_MAX_ATTEMPTS_DEFAULT;
  if (max_attempts < 1)
    max_attempts = VP_NOTIFY_MAX_ATTEMPTS_DEFAULT;
#define NOW (options->now != 0 ? options->now : g_get_real_time () / G_USEC_PER_SEC)

  if (!plan (db, NOW, options->lease_seconds != 0 ? options->lease_seconds : 600, &run, error))
    return FALSE;
  while (options->limit == 0 || attempts < options->limit)
    {
      g_autoptr(GError) local = NULL;
      g_autoptr(GError) failure = NULL;
      Due due = { 0 };
      gboolean retry;

      if (!claim (db, sender, NOW, &due, &local))
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          break;
        }
      attempts++;
      if (!deliver (sender, user_data, &due, &failure) && failure == NULL)
        g_set_error (&failure, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED, _("The sender failed without saying why"));
      retry = failure != NULL && due.attempts < max_attempts
              && (sender->is_transient == NULL || sender->is_transient (user_data, failure));
      if (!record (db, &due, NOW, failure, retry,
                   options->base_delay != 0 ? options->base_delay : 60, error))
        {
          due_clear (&due);
          return FALSE;
        }
      if (failure == NULL)
        run.sent++;
      else if (retry)
        run.failed++;
      else
        run.abandoned++;
      due_clear (&due);
    }
#undef NOW
  if (out_run != NULL)
    *out_run = run;
  return TRUE;
}

GPtrArray *
vp_notify_list (VpDatabase  *db,
                VpSession   *actor,
                const char  *state,
                gint64       limit,
                GError     **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_delivery_free);
  sqlite3_stmt *stmt;
  gboolean ok = TRUE;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;
  vp_database_lock (db);
  stmt = vp_database_prepare (db,
    "SELECT d.id, d.outbox_id, a.number, d.channel, d.recipient, d.state, d.attempts, "
    "d.next_attempt_at, d.last_error, d.created_at, d.sent_at, o.text_zh "
    "FROM deliveries d JOIN outbox o ON o.id = d.outbox_id JOIN accounts a ON a.id = o.account_id "
    "WHERE ?1 IS NULL OR d.state = ?1 ORDER BY d.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit > 0 ? limit : -1);
  while ((ok = vp_model_step (db, stmt, _("Listing notifications"), error)) && sqlite3_stmt_busy (stmt))
    {
      VpDelivery *d = g_new0 (VpDelivery, 1);

      d->id = sqlite3_column_int64 (stmt, 0);
      d->outbox_id = sqlite3_column_int64 (stmt, 1);
      d->account = vp_model_column_dup (stmt, 2);
      d->channel = vp_model_column_dup (stmt, 3);
      d->recipient = vp_model_column_dup (stmt, 4);
      d->state = vp_model_column_dup (stmt, 5);
      d->attempts = sqlite3_column_int64 (stmt, 6);
      d->next_attempt_at = sqlite3_column_int64 (stmt, 7);
      d->last_error = vp_model_column_dup (stmt, 8);
      d->created_at = vp_model_column_dup (stmt, 9);
      d->sent_at = vp_model_column_dup (stmt, 10);
      d->text = vp_model_column_dup (stmt, 11);
      g_ptr_array_add (list, d);
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return ok ? g_steal_pointer (&list) : NULL;
}

gboolean
vp_notify_release (VpDatabase  *db,
                   VpSession   *actor,
                   gint64       delivery_id,
                   GError     **error)
{
  g_autofree char *object = g_strdup_printf ("delivery:%" G_GINT64_FORMAT, delivery_id);
  g_autofree char *before = NULL;
  g_autofree char *state = NULL;
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_SETTINGS, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT state FROM deliveries WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, delivery_id);
  ok = vp_model_step (db, stmt, _("Releasing a notification"), error);
  state = ok && sqlite3_stmt_busy (stmt) ? vp_model_column_dup (stmt, 0) : NULL;
  sqlite3_reset (stmt);
  if (!ok)
    goto failed;
  if (state == NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no notification delivery %" PRId64), delivery_id);
      goto failed;
    }
  if (!g_str_equal (state, "uncertain") && !g_str_equal (state, "abandoned"))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Delivery %" PRId64 " is %s: only uncertain or abandoned ones are released"),
                   delivery_id, state);
      goto failed;
    }
  before = vp_audit_json ("state", state, NULL);
  if (!exec_bound (db, "UPDATE deliveries SET state = 'pending', next_attempt_at = 0, "
                       "sending_since = NULL WHERE id = ?1", delivery_id, 0, NULL, error)
      || !vp_audit_append (db, vp_actor_id (actor), "notify.release", object, before,
                           "{\"state\":\"pending\"}", error))
    goto failed;
  return vp_database_commit (db, error);

failed:
  vp_database_rollback (db);
  return FALSE;
}
