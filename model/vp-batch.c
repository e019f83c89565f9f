/* vp-batch.c: batch operations over many accounts */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-apportion.h"
#include "vp-audit.h"
#include "vp-batch.h"
#include "vp-engine.h"
#include "vp-model-error.h"
#include "vp-money.h"

static const char * const action_names[] = {
  "tariff", "alarms", "trip", "close", "keep-power", "keep-power-clear", "subsidy", "set-time"
};
static const char * const repeat_names[] = { "none", "daily", "monthly" };

#define BATCH_COLUMNS \
  "b.id, b.name, b.action, b.state, b.selection, b.run_at, b.repeat, COALESCE (b.next_id, 0), " \
  "b.created_at, b.finished_at, b.text_arg, b.amount1, b.amount2, b.amount3, b.created_by, " \
  "(SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id), " \
  "(SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'pending'), " \
  "(SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'done'), " \
  "(SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'failed'), " \
  "(SELECT COUNT(*) FROM batch_items i WHERE i.batch_id = b.id AND i.state = 'cancelled') " \
  "FROM batches b "

/* A stored batch with what running it needs. */
typedef struct
{
  VpBatch *batch;
  char    *text_arg;
  gint64   amount1;
  gint64   amount2;
  gint64   amount3;
  gint64   created_by;
} Stored;

VP_SITE_DEFINE_ENUM_STRINGS (VpBatchAction, vp_batch_action, action_names)
G_STATIC_ASSERT (G_N_ELEMENTS (action_names) == VP_BATCH_N_ACTIONS);

const char *
vp_batch_action_label (VpBatchAction action)
{
  switch (action)
    {
    case VP_BATCH_TARIFF:
      return _("Set tariff");
    case VP_BATCH_ALARMS:
      return _("Set alarm thresholds");
    case VP_BATCH_TRIP:
      return C_("batch action", "Trip (cut supply)");
    case VP_BATCH_CLOSE:
      return C_("batch action", "Close (restore supply)");
    case VP_BATCH_KEEP_POWER:
      return _("Keep power on");
    case VP_BATCH_KEEP_POWER_CLEAR:
      return _("Clear keep-power");
    case VP_BATCH_SUBSIDY:
      return _("Subsidy");
    case VP_BATCH_SET_TIME:
      return _("Set meter time");
    case VP_BATCH_N_ACTIONS:
    default:
      break;
    }
  g_return_val_if_reached (NULL);
}

VP_SITE_DEFINE_ENUM_STRINGS (VpBatchRepeat, vp_batch_repeat, repeat_names)

static void
item_free (VpBatchItem *item)
{
  g_free (item->account);
  g_free (item->state);
  g_free (item->result);
  g_free (item);
}

void
vp_batch_free (VpBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->name);
  g_free (batch->state);
  g_free (batch->selection);
  g_free (batch->created_at);
  g_free (batch->finished_at);
  g_clear_pointer (&batch->items, g_ptr_array_unref);
  g_free (batch);
}

static void
stored_clear (Stored *stored)
{
  g_clear_pointer (&stored->batch, vp_batch_free);
  g_clear_pointer (&stored->text_arg, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Stored, stored_clear)

static VpBatch *
batch_from_row (sqlite3_stmt *stmt,
                Stored       *stored)
{
  VpBatch *batch = g_new0 (VpBatch, 1);

  batch->id = sqlite3_column_int64 (stmt, 0);
  batch->name = vp_model_column_dup (stmt, 1);
  vp_batch_action_from_string ((const char *) sqlite3_column_text (stmt, 2), &batch->action);
  batch->state = vp_model_column_dup (stmt, 3);
  batch->selection = vp_model_column_dup (stmt, 4);
  batch->run_at = sqlite3_column_int64 (stmt, 5);
  vp_batch_repeat_from_string ((const char *) sqlite3_column_text (stmt, 6), &batch->repeat);
  batch->next_id = sqlite3_column_int64 (stmt, 7);
  batch->created_at = vp_model_column_dup (stmt, 8);
  batch->finished_at = vp_model_column_dup (stmt, 9);
  batch->total = sqlite3_column_int (stmt, 15);
  batch->pending = sqlite3_column_int (stmt, 16);
  batch->done = sqlite3_column_int (stmt, 17);
  batch->failed = sqlite3_column_int (stmt, 18);
  batch->cancelled = sqlite3_column_int (stmt, 19);
  if (stored != NULL)
    {
      stored->text_arg = vp_model_column_dup (stmt, 10);
      stored->amount1 = sqlite3_column_int64 (stmt, 11);
      stored->amount2 = sqlite3_column_int64 (stmt, 12);
      stored->amount3 = sqlite3_column_int64 (stmt, 13);
      stored->created_by = sqlite3_column_int64 (stmt, 14);
    }
  return batch;
}

static gboolean
load_locked (VpDatabase  *db,
             gint64       id,
             Stored      *stored,
             GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT " BATCH_COLUMNS "WHERE b.id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      stored->batch = batch_from_row (stmt, stored);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                 _("There is no batch %" PRId64), id);
  else
    vp_database_set_error (db, rc, _("Could not read the batch"), error);
  return FALSE;
}

static VpPermission
action_permission (VpBatchAction action)
{
  switch (action)
    {
    case VP_BATCH_TARIFF:
    case VP_BATCH_ALARMS:
      return VP_PERM_ACCOUNT_MANAGE;
    case VP_BATCH_SUBSIDY:
      return VP_PERM_APPROVE;
    case VP_BATCH_TRIP:
    case VP_BATCH_CLOSE:
    case VP_BATCH_KEEP_POWER:
    case VP_BATCH_KEEP_POWER_CLEAR:
    case VP_BATCH_SET_TIME:
    default:
      return VP_PERM_METER_CONTROL;
    }
}

static gboolean
check_spec (const VpBatchSpec  *spec,
            GError            **error)
{
  const char *message = NULL;

  if (spec->name == NULL || *spec->name == '\0' || !g_utf8_validate (spec->name, -1, NULL))
    message = _("Give the batch a name");
  else if (spec->action == VP_BATCH_TARIFF && (spec->tariff == NULL || *spec->tariff == '\0'))
    message = _("Say which tariff to set");
  else if (spec->action == VP_BATCH_ALARMS
           && !(spec->alarm1 >= spec->alarm2 && spec->alarm2 >= spec->trip))
    message = _("Alarm 1 must be at least alarm 2, and alarm 2 at least the trip level");
  else if (spec->action == VP_BATCH_SUBSIDY && (spec->amount <= 0 || spec->amount > VP_MONEY_MAX))
    message = _("A subsidy must be more than 0.00");
  else if ((spec->action >= VP_BATCH_TRIP)
           && (spec->reason == NULL || *spec->reason == '\0'))
    message = _("Give a reason: it is kept with every account's record");
  if (message == NULL)
    return TRUE;
  g_set_error_literal (error, VP_MODEL_ERROR,
                       spec->action == VP_BATCH_SUBSIDY && spec->amount <= 0
                       ? VP_MODEL_ERROR_INVALID_AMOUNT : VP_MODEL_ERROR_INVALID_ARGUMENT,
                       message);
  return FALSE;
}

static char *
describe_selection (const VpBatchSelection *sel)
{
  GString *text = g_string_new (NULL);

  if (sel->accounts != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", (char **) sel->accounts);

      g_string_append_printf (text, "accounts=%s", joined);
      return g_string_free (text, FALSE);
    }
  if (sel->building != NULL)
    g_string_append_printf (text, "building=%s ", sel->building);
  if (sel->floor != 0)
    g_string_append_printf (text, "floor=%d ", sel->floor);
  if (sel->tariff != NULL)
    g_string_append_printf (text, "tariff=%s ", sel->tariff);
  if (sel->state != NULL)
    g_string_append_printf (text, "state=%s ", sel->state);
  if (text->len == 0)
    g_string_append (text, "all");
  else
    g_string_truncate (text, text->len - 1);
  return g_string_free (text, FALSE);
}

static gboolean
select_locked (VpDatabase              *db,
               const VpBatchSelection  *sel,
               GArray                  *ids,
               GError                 **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  if (sel->accounts != NULL)
    {
      for (guint i = 0; sel->accounts[i] != NULL; i++)
        {
          VpAccountRow row;

          if (!vp_account_row_lookup (db, sel->accounts[i], &row, error)
              || !vp_account_row_check_status (&row, sel->accounts[i], FALSE, error))
            return FALSE;
          g_array_append_val (ids, row.id);
        }
      return TRUE;
    }
  stmt = vp_database_prepare (db, "SELECT a.id FROM accounts a "
                              "LEFT JOIN rooms r ON r.id = a.room_id "
                              "LEFT JOIN floors f ON f.id = r.floor_id "
                              "LEFT JOIN buildings b ON b.id = f.building_id "
                              "LEFT JOIN account_control c ON c.account_id = a.id "
                              "WHERE a.status <> 'closed' AND (?1 IS NULL OR b.name = ?1) "
                              "AND (?2 = 0 OR f.level = ?2) AND (?3 IS NULL OR a.tariff = ?3) "
                              "AND (?4 IS NULL OR a.status = ?4 "
                              "     OR (?4 = 'tripped' AND c.tripped = 1)) "
                              "ORDER BY a.number", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sel->building, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, sel->floor);
  sqlite3_bind_text (stmt, 3, sel->tariff, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, sel->state, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not select the accounts"), error);
      return FALSE;
    }
  return TRUE;
}

/* Stores the batch and one pending item per account; returns the new id. */
static gboolean
insert_locked (VpDatabase   *db,
               const char   *name,
               VpBatchAction action,
               const char   *text_arg,
               gint64        amount1,
               gint64        amount2,
               gint64        amount3,
               const char   *selection,
               gint64        run_at,
               VpBatchRepeat repeat,
               gint64        created_by,
               GArray       *ids,
               gint64       *out_id,
               GError      **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();

  stmt = vp_database_prepare (db, "INSERT INTO batches (name, action, text_arg, amount1, amount2, "
                              "amount3, selection, state, run_at, repeat, created_by, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, vp_batch_action_to_string (action), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text_arg, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, amount1);
  sqlite3_bind_int64 (stmt, 5, amount2);
  sqlite3_bind_int64 (stmt, 6, amount3);
  sqlite3_bind_text (stmt, 7, selection, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 8, run_at);
  sqlite3_bind_text (stmt, 9, vp_batch_repeat_to_string (repeat), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, created_by);
  sqlite3_bind_text (stmt, 11, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the batch"), error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
  g_clear_pointer (&stmt, sqlite3_reset);

  for (guint i = 0; i < ids->len; i++)
    {
      stmt = vp_database_prepare (db, "INSERT INTO batch_items (batch_id, account_id) "
                                  "VALUES (?, ?) ON CONFLICT DO NOTHING", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, *out_id);
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
      if (!vp_model_step (db, stmt, _("Could not store the batch"), error))
        return FALSE;
      g_clear_pointer (&stmt, sqlite3_reset);
    }
  return TRUE;
}

static gboolean
audit_batch (VpDatabase  *db,
             VpSession   *actor,
             const char  *action,
             gint64       id,
             const char  *key,
             const char  *value,
             GError     **error)
{
  g_autofree char *object = g_strdup_printf ("batch:%" G_GINT64_FORMAT, id);
  g_autofree char *after = vp_audit_json (key, value, NULL);

  return vp_audit_append (db, vp_actor_id (actor), action, object, NULL, after, error);
}

static gboolean
create_locked (VpDatabase              *db,
               VpSession               *actor,
               const VpBatchSpec       *spec,
               const VpBatchSelection  *sel,
               gint64                  *out_id,
               GError                 **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *selection = describe_selection (sel);
  g_autofree char *detail = NULL;
  const char *text_arg = spec->action == VP_BATCH_TARIFF ? spec->tariff : spec->reason;
  gint64 a1 = spec->action == VP_BATCH_SUBSIDY ? spec->amount : spec->alarm1;

  if (spec->action == VP_BATCH_TARIFF)
    {
      g_autoptr(VpCachedStmt) stmt = vp_database_prepare (db, "SELECT COUNT(*) FROM tariffs "
                                                          "WHERE name = ?", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, spec->tariff, -1, SQLITE_TRANSIENT);
      if (!vp_model_step (db, stmt, _("Could not read the tariffs"), error))
        return FALSE;
      if (sqlite3_column_int (stmt, 0) == 0)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("There is no tariff “%s”"), spec->tariff);
          return FALSE;
        }
    }
  if (!select_locked (db, sel, ids, error))
    return FALSE;
  if (ids->len == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The selection (%s) picks no account"), selection);
      return FALSE;
    }
  if (!insert_locked (db, spec->name, spec->action, text_arg, a1, spec->alarm2, spec->trip,
                      selection, spec->run_at, spec->repeat, vp_actor_id (actor), ids, out_id,
                      error))
    return FALSE;
  detail = g_strdup_printf ("%s %s (%u)", vp_batch_action_to_string (spec->action), selection,
                            ids->len);
  return audit_batch (db, actor, "batch.create", *out_id, "batch", detail, error);
}

gboolean
vp_batch_create (VpDatabase              *db,
                 VpSession               *actor,
                 const VpBatchSpec       *spec,
                 const VpBatchSelection  *selection,
                 gint64                  *out_id,
                 GError                 **error)
{
  gint64 id = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (spec != NULL && selection != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_BATCH, error)
      || !vp_session_require (actor, action_permission (spec->action), error)
      || !check_spec (spec, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!create_locked (db, actor, spec, selection, &id, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/* The account-row changes a batch makes itself (there is no single-account API for
 * them); audited like the account model's own changes. */
static gboolean
update_account_locked (VpDatabase    *db,
                       VpSession     *actor,
                       const Stored  *stored,
                       gint64         account_id,
                       const char    *number,
                       char         **out_result,
                       GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *object = g_strdup_printf ("account:%s", number);
  g_autofree char *after = NULL;
  gboolean tariff = stored->batch->action == VP_BATCH_TARIFF;

  stmt = vp_database_prepare (db, tariff ? "UPDATE accounts SET tariff = ?4 WHERE id = ?5"
                              : "UPDATE accounts SET alarm1 = ?1, alarm2 = ?2, trip = ?3 "
                                "WHERE id = ?5", error);
  if (stmt == NULL)
    return FALSE;
  if (tariff)
    sqlite3_bind_text (stmt, 4, stored->text_arg, -1, SQLITE_TRANSIENT);
  else
    {
      sqlite3_bind_int64 (stmt, 1, stored->amount1);
      sqlite3_bind_int64 (stmt, 2, stored->amount2);
      sqlite3_bind_int64 (stmt, 3, stored->amount3);
    }
  sqlite3_bind_int64 (stmt, 5, account_id);
  if (!vp_model_step (db, stmt, _("Could not change the account"), error))
    return FALSE;
  if (tariff)
    {
      after = vp_audit_json ("tariff", stored->text_arg, NULL);
      *out_result = g_strdup_printf (_("tariff %s"), stored->text_arg);
    }
  else
    {
      g_autofree char *a1 = vp_money_format (stored->amount1);
      g_autofree char *a2 = vp_money_format (stored->amount2);
      g_autofree char *tr = vp_money_format (stored->amount3);

      after = vp_audit_json ("alarm1", a1, "alarm2", a2, "trip", tr, NULL);
      *out_result = g_strdup_printf (_("alarms %s / %s, trip %s"), a1, a2, tr);
    }
  return vp_audit_append (db, vp_actor_id (actor), tariff ? "account.tariff" : "account.alarms",
                          object, NULL, after, error);
}

static gboolean
perform_locked (VpDatabase    *db,
                VpSession     *actor,
                const Stored  *stored,
                gint64         account_id,
                const char    *number,
                char         **out_result,
                GError       **error)
{
  VpBatchAction action = stored->batch->action;
  g_autofree char *reason = g_strdup_printf ("%s (%s %" G_GINT64_FORMAT ")",
                                             stored->text_arg != NULL ? stored->text_arg : "",
                                             _("batch"), stored->batch->id);

  if (action == VP_BATCH_TARIFF || action == VP_BATCH_ALARMS)
    return update_account_locked (db, actor, stored, account_id, number, out_result, error);
  if (action == VP_BATCH_SUBSIDY)
    {
      g_autoptr(VpLedgerEntry) entry = NULL;
      g_autofree char *amount = vp_money_format (stored->amount1);

      if (!vp_ledger_adjust (db, actor, number, stored->amount1, reason, &entry, error))
        return FALSE;
      *out_result = g_strdup_printf (_("subsidy %s, receipt %s"), amount, entry->receipt);
      return TRUE;
    }
  {
    guint queued = 0;

    if (!vp_engine_control (db, actor, number, vp_batch_action_to_string (action), reason,
                            &queued, error))
      return FALSE;
    if (action == VP_BATCH_SET_TIME)
      *out_result = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "clock to be set on %u meter",
                                                  "clock to be set on %u meters", queued),
                                     queued);
    else
      *out_result = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u command queued",
                                                  "%u commands queued", queued),
                                     queued);
    return TRUE;
  }
}

/* One item in one transaction; *@out_stop when the batch is no longer runnable. */
static gboolean
run_item (VpDatabase    *db,
          VpSession     *actor,
          const Stored  *stored,
          gboolean      *out_handled,
          gboolean      *out_stop,
          GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(GError) failure = NULL;
  g_autofree char *result = NULL;
  g_autofree char *number = NULL;
  g_autofree char *now = vp_model_now ();
  gint64 item_id, account_id;
  gboolean ok;
  int rc;

  *out_handled = FALSE;
  *out_stop = FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  /* re-read inside the write transaction: another runner or a cancel may have come */
  stmt = vp_database_prepare (db, "SELECT i.id, i.account_id, a.number FROM batch_items i "
                              "JOIN batches b ON b.id = i.batch_id "
                              "JOIN accounts a ON a.id = i.account_id "
                              "WHERE i.batch_id = ? AND i.state = 'pending' "
                              "AND b.state IN ('pending', 'running') ORDER BY i.id LIMIT 1",
                              error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, stored->batch->id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_clear_pointer (&stmt, sqlite3_reset);
      vp_database_rollback (db);
      *out_stop = TRUE;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the batch"), error);
      goto fail;
    }
  item_id = sqlite3_column_int64 (stmt, 0);
  account_id = sqlite3_column_int64 (stmt, 1);
  number = vp_model_column_dup (stmt, 2);
  g_clear_pointer (&stmt, sqlite3_reset);

  /* the action in a savepoint of its own: a failure undoes it and the item says why */
  if (!vp_database_begin (db, error))
    goto fail;
  ok = perform_locked (db, actor, stored, account_id, number, &result, &failure);
  if (ok)
    ok = vp_database_commit (db, &failure);
  else
    vp_database_rollback (db);

  stmt = vp_database_prepare (db, "UPDATE batch_items SET state = ?, attempts = attempts + 1, "
                              "result = ?, done_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, ok ? "done" : "failed", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ok ? result : failure->message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, item_id);
  if (!vp_model_step (db, stmt, _("Could not record the item"), error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_reset);
  if (!vp_database_commit (db, error))
    return FALSE;
  *out_handled = TRUE;
  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  return FALSE;
}

static gint64
next_time (gint64        run_at,
           VpBatchRepeat repeat)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (run_at);
  g_autoptr(GDateTime) next = repeat == VP_BATCH_REPEAT_DAILY ? g_date_time_add_days (at, 1)
                                                              : g_date_time_add_months (at, 1);

  return g_date_time_to_unix (next);
}

/* No pending item left: the batch is done or failed, and a repeating one schedules its
 * next run over the same accounts. */
static gboolean
finish_locked (VpDatabase    *db,
               VpSession     *actor,
               const Stored  *stored,
               GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *now = vp_model_now ();
  g_auto(Stored) fresh = { 0 };
  const VpBatch *b;
  gint64 next_id = 0;
  int rc;

  if (!load_locked (db, stored->batch->id, &fresh, error))
    return FALSE;
  b = fresh.batch;
  if (b->pending > 0 || (g_strcmp0 (b->state, "pending") != 0
                         && g_strcmp0 (b->state, "running") != 0))
    return TRUE;

  if (b->repeat != VP_BATCH_REPEAT_NONE && b->next_id == 0)
    {
      stmt = vp_database_prepare (db, "SELECT account_id FROM batch_items WHERE batch_id = ? "
                                  "ORDER BY id", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, b->id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (ids, id);
        }
      g_clear_pointer (&stmt, sqlite3_reset);
      if (rc != SQLITE_DONE)
        {
          vp_database_set_error (db, rc, _("Could not read the batch"), error);
          return FALSE;
        }
      if (!insert_locked (db, b->name, b->action, fresh.text_arg, fresh.amount1, fresh.amount2,
                          fresh.amount3, b->selection, next_time (b->run_at, b->repeat),
                          b->repeat, fresh.created_by, ids, &next_id, error))
        return FALSE;
    }
  stmt = vp_database_prepare (db, "UPDATE batches SET state = ?, finished_at = ?, "
                              "next_id = NULLIF (?, 0) WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, b->failed > 0 ? "failed" : "done", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, next_id);
  sqlite3_bind_int64 (stmt, 4, b->id);
  if (!vp_model_step (db, stmt, _("Could not finish the batch"), error))
    return FALSE;
  return audit_batch (db, actor, "batch.finish", b->id, "state",
                      b->failed > 0 ? "failed" : "done", error);
}

/* Runs @func (begin … commit) on one batch under the permission checks. */
typedef gboolean (*BatchStep) (VpDatabase *, VpSession *, const Stored *, gpointer, GError **);

static gboolean
with_batch (VpDatabase  *db,
            VpSession   *actor,
            gint64       id,
            BatchStep    step,
            gpointer     data,
            GError     **error)
{
  g_auto(Stored) stored = { 0 };

  if (!vp_session_require (actor, VP_PERM_BATCH, error))
    return FALSE;
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!load_locked (db, id, &stored, error) || !step (db, actor, &stored, data, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

static gboolean
start_step (VpDatabase    *db,
            VpSession     *actor,
            const Stored  *stored,
            gpointer       data,
            GError       **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;

  if (g_strcmp0 (stored->batch->state, "pending") != 0
      && g_strcmp0 (stored->batch->state, "running") != 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Batch %" PRId64 " is %s: nothing to run (retry runs its "
                     "failed items again)"), stored->batch->id, stored->batch->state);
      return FALSE;
    }
  stmt = vp_database_prepare (db, "UPDATE batches SET state = 'running' WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, stored->batch->id);
  return vp_model_step (db, stmt, _("Could not start the batch"), error);
}

static gboolean
finish_step (VpDatabase    *db,
             VpSession     *actor,
             const Stored  *stored,
             gpointer       data,
             GError       **error)
{
  return finish_locked (db, actor, stored, error);
}

gboolean
vp_batch_run (VpDatabase    *db,
              VpSession     *actor,
              gint64         id,
              guint          max_items,
              GCancellable  *cancellable,
              guint         *out_done,
              GError       **error)
{
  g_auto(Stored) stored = { 0 };
  guint handled = 0;
  gboolean stop = FALSE;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (out_done != NULL)
    *out_done = 0;
  if (!with_batch (db, actor, id, start_step, NULL, error))
    return FALSE;
  vp_database_lock (db);
  ok = load_locked (db, id, &stored, error);
  vp_database_unlock (db);
  if (!ok || !vp_session_require (actor, action_permission (stored.batch->action), error))
    return FALSE;

  while (!stop && (max_items == 0 || handled < max_items)
         && !g_cancellable_is_cancelled (cancellable))
    {
      gboolean item_handled;

      if (!run_item (db, actor, &stored, &item_handled, &stop, error))
        return FALSE;
      handled += item_handled ? 1 : 0;
      if (out_done != NULL)
        *out_done = handled;
    }
  return !stop || with_batch (db, actor, id, finish_step, NULL, error);
}

gboolean
vp_batch_run_due (VpDatabase  *db,
                  VpSession   *actor,
                  gint64       now,
                  guint       *out_batches,
                  GError     **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (out_batches != NULL)
    *out_batches = 0;
  if (!vp_session_require (actor, VP_PERM_BATCH, error))
    return FALSE;
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT id FROM batches WHERE state IN ('pending', 'running') "
                              "AND run_at <= ? ORDER BY run_at, id", error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  if (rc != SQLITE_DONE)
    vp_database_set_error (db, rc, _("Could not list the batches"), error);
  vp_database_unlock (db);
  if (rc != SQLITE_DONE)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      if (!vp_batch_run (db, actor, g_array_index (ids, gint64, i), 0, NULL, NULL, error))
        return FALSE;
      if (out_batches != NULL)
        (*out_batches)++;
    }
  return TRUE;
}

/* Moves the items in state @from to @to, and the batch to @batch_state. */
static gboolean
move_items_locked (VpDatabase  *db,
                   gint64       id,
                   const char  *from,
                   const char  *to,
                   const char  *batch_state,
                   guint       *out_items,
                   GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;

  stmt = vp_database_prepare (db, "UPDATE batch_items SET state = ? WHERE batch_id = ? "
                              "AND state = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, to, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, from, -1, SQLITE_STATIC);
  if (!vp_model_step (db, stmt, _("Could not update the batch"), error))
    return FALSE;
  *out_items = sqlite3_changes (vp_database_get_handle (db));
  g_clear_pointer (&stmt, sqlite3_reset);
  stmt = vp_database_prepare (db, "UPDATE batches SET state = ?, finished_at = "
                              "CASE WHEN ?1 = 'cancelled' THEN ? ELSE NULL END WHERE id = ?",
                              error);
  if (stmt == NULL)
    return FALSE;
  {
    g_autofree char *now = vp_model_now ();

    sqlite3_bind_text (stmt, 1, batch_state, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64 (stmt, 3, id);
    return vp_model_step (db, stmt, _("Could not update the batch"), error);
  }
}

static gboolean
retry_step (VpDatabase    *db,
            VpSession     *actor,
            const Stored  *stored,
            gpointer       data,
            GError       **error)
{
  g_autofree char *count = NULL;
  guint *out_items = data;

  if (stored->batch->failed == 0 || g_strcmp0 (stored->batch->state, "cancelled") == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Batch %" PRId64 " has no failed items to retry"),
                   stored->batch->id);
      return FALSE;
    }
  if (!move_items_locked (db, stored->batch->id, "failed", "pending", "pending", out_items,
                          error))
    return FALSE;
  count = g_strdup_printf ("%u", *out_items);
  return audit_batch (db, actor, "batch.retry", stored->batch->id, "items", count, error);
}

gboolean
vp_batch_retry (VpDatabase  *db,
                VpSession   *actor,
                gint64       id,
                guint       *out_items,
                GError     **error)
{
  guint items = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!with_batch (db, actor, id, retry_step, &items, error))
    return FALSE;
  if (out_items != NULL)
    *out_items = items;
  return TRUE;
}

static gboolean
cancel_step (VpDatabase    *db,
             VpSession     *actor,
             const Stored  *stored,
             gpointer       data,
             GError       **error)
{
  g_autofree char *count = NULL;
  guint items = 0;

  if (g_strcmp0 (stored->batch->state, "pending") != 0
      && g_strcmp0 (stored->batch->state, "running") != 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Batch %" PRId64 " is %s already"), stored->batch->id,
                   stored->batch->state);
      return FALSE;
    }
  if (!move_items_locked (db, stored->batch->id, "pending", "cancelled", "cancelled", &items,
                          error))
    return FALSE;
  count = g_strdup_printf ("%u", items);
  return audit_batch (db, actor, "batch.cancel", stored->batch->id, "items", count, error);
}

gboolean
vp_batch_cancel (VpDatabase  *db,
                 VpSession   *actor,
                 gint64       id,
                 GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  return with_batch (db, actor, id, cancel_step, NULL, error);
}

GPtrArray *
vp_batch_list (VpDatabase  *db,
               VpSession   *actor,
               GError     **error)
{
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_BATCH, error))
    return NULL;
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT " BATCH_COLUMNS "ORDER BY b.id DESC", error);
  if (stmt == NULL)
    goto out;
  batches = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_batch_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (batches, batch_from_row (stmt, NULL));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the batches"), error);
      g_clear_pointer (&batches, g_ptr_array_unref);
    }
out:
  vp_database_unlock (db);
  return g_steal_pointer (&batches);
}

static gboolean
items_locked (VpDatabase  *db,
              VpBatch     *batch,
              GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT a.number, i.state, i.attempts, i.result "
                              "FROM batch_items i JOIN accounts a ON a.id = i.account_id "
                              "WHERE i.batch_id = ? ORDER BY a.number", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, batch->id);
  batch->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VpBatchItem *item = g_new0 (VpBatchItem, 1);

      item->account = vp_model_column_dup (stmt, 0);
      item->state = vp_model_column_dup (stmt, 1);
      item->attempts = sqlite3_column_int (stmt, 2);
      item->result = vp_model_column_dup (stmt, 3);
      g_ptr_array_add (batch->items, item);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the batch items"), error);
      return FALSE;
    }
  return TRUE;
}

VpBatch *
vp_batch_get (VpDatabase  *db,
              VpSession   *actor,
              gint64       id,
              GError     **error)
{
  g_auto(Stored) stored = { 0 };
  gboolean ok;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_BATCH, error))
    return NULL;
  vp_database_lock (db);
  ok = load_locked (db, id, &stored, error) && items_locked (db, stored.batch, error);
  vp_database_unlock (db);
  return ok ? g_steal_pointer (&stored.batch) : NULL;
}
