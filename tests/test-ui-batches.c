/* test-ui-batches.c: the Batches page makes, runs, retries and cancels batches
 *
 * Everything goes through the page's own widgets and actions on a test database: the
 * New batch form (with its errors), the list and its progress while a run goes in
 * chunks, Stop, the items with their results, Retry failed, Cancel with its question,
 * due batches run after the context's reading cycle, and who sees the page.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "vp-batches-page.h"
#include "vp-database.h"
#include "vp-meter-gateway-devices.h"
#include "vp-tariff-store.h"
#include "vp-ui-test.h"

static gboolean
page_idle (gpointer data)
{
  return !vp_batches_page_get_busy (data);
}

static VpBatchesPage *
show_page (VpUiFixture *fixture,
           const char  *login)
{
  VpBatchesPage *page;

  vp_ui_test_login (fixture, login, VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (vp_window_get_page_visible (fixture->window, "batches"));
  vp_window_show_page (fixture->window, "batches");
  page = VP_BATCHES_PAGE (vp_window_get_page (fixture->window, "batches"));
  vp_ui_test_wait (page_idle, page, "the batch list");
  g_assert_nonnull (vp_batches_page_get_batches (page));
  return page;
}

static void
activate (VpBatchesPage *page,
          const char    *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), action, NULL));
  vp_ui_test_wait (page_idle, page, action);
}

static gboolean
action_enabled (VpBatchesPage *page,
                const char    *action)
{
  g_autofree char *name = g_strdup_printf ("batches.%s", action);
  GtkWidget *button = NULL;

  /* The template's buttons carry the actions: find the one for @action. */
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (page)); w != NULL;)
    {
      if (GTK_IS_ACTIONABLE (w) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), name) == 0)
        {
          button = w;
          break;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            {
              w = gtk_widget_get_parent (w);
              if (w == GTK_WIDGET (page))
                w = NULL;
            }
          if (w != NULL)
            w = gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

static void
type (VpBatchesPage *page,
      const char    *field,
      const char    *text)
{
  GtkEditable *editable = vp_batches_page_get_field (page, field);

  g_assert_nonnull (editable);
  gtk_editable_set_text (editable, text);
}

static void
open_form (VpBatchesPage *page)
{
  activate (page, "batches.new");
  g_assert_true (vp_batches_page_get_form_shown (page));
  g_assert_null (vp_batches_page_get_form_error (page));
}

/* Creates through the form and returns the new batch's id (the one now selected). */
static gint64
create (VpBatchesPage *page)
{
  guint before = vp_batches_page_get_batches (page)->len;

  activate (page, "batches.create");
  g_assert_null (vp_batches_page_get_form_error (page));
  g_assert_false (vp_batches_page_get_form_shown (page));
  g_assert_cmpuint (vp_batches_page_get_batches (page)->len, ==, before + 1);
  g_assert_nonnull (vp_batches_page_get_shown (page));
  g_assert_cmpint (vp_batches_page_get_shown (page)->id, ==, vp_batches_page_get_selected (page));
  return vp_batches_page_get_selected (page);
}

static const VpBatch *
listed (VpBatchesPage *page,
        gint64         id)
{
  GPtrArray *batches = vp_batches_page_get_batches (page);

  for (guint i = 0; i < batches->len; i++)
    if (((VpBatch *) g_ptr_array_index (batches, i))->id == id)
      return g_ptr_array_index (batches, i);
  g_assert_not_reached ();
}

static void
assert_row_has (VpBatchesPage *page,
                gint64         id,
                const char    *text)
{
  g_autofree char *row = vp_batches_page_dup_row_text (page, id);

  g_assert_nonnull (row);
  if (strstr (row, text) == NULL)
    g_error ("batch row “%s” does not say “%s”", row, text);
}

static const VpBatchItem *
shown_item (VpBatchesPage *page,
            const char    *account)
{
  const VpBatch *shown = vp_batches_page_get_shown (page);

  g_assert_nonnull (shown);
  for (guint i = 0; i < shown->items->len; i++)
    if (g_str_equal (((VpBatchItem *) g_ptr_array_index (shown->items, i))->account, account))
      return g_ptr_array_index (shown->items, i);
  g_assert_not_reached ();
}

static gint64
count (VpUiFixture *fixture,
       const char  *sql)
{
  sqlite3_stmt *stmt;
  gint64 n;

  vp_database_lock (fixture->db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (fixture->db), sql, -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  vp_database_unlock (fixture->db);
  return n;
}

static void
exec (VpUiFixture *fixture,
      const char  *sql)
{
  vp_database_lock (fixture->db);
  g_assert_cmpint (sqlite3_exec (vp_database_get_handle (fixture->db), sql, NULL, NULL, NULL),
                   ==, SQLITE_OK);
  vp_database_unlock (fixture->db);
}

/* Ten more customers in building 3 (floors 5 and 6), twelve with the fixture's two. */
static void
open_building (VpUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD,
                                                 &error);

  g_assert_no_error (error);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *name = g_strdup_printf ("住户%u", i);
      g_autofree char *room = g_strdup_printf ("3-%u0%u", 5 + i / 5, 1 + i % 5);
      g_autofree char *number = vp_ui_test_open_customer (fixture->db, admin, name, room, NULL,
                                                          0);

      g_assert_nonnull (number);
    }
}

typedef struct
{
  VpBatchesPage *page;
  gint64         id;
  guint          total;
  gboolean       saw_partial;   /* the list showed progress between 0 and total */
} RunWatch;

static gboolean
run_finished (gpointer data)
{
  RunWatch *watch = data;
  GPtrArray *batches = vp_batches_page_get_batches (watch->page);
  const VpBatch *batch = NULL;

  for (guint i = 0; i < batches->len; i++)
    if (((VpBatch *) g_ptr_array_index (batches, i))->id == watch->id)
      batch = g_ptr_array_index (batches, i);
  if (batch != NULL && batch->done > 0 && batch->done < watch->total)
    {
      g_autofree char *progress = g_strdup_printf ("%u/%u", batch->done, watch->total);

      watch->saw_partial = TRUE;
      assert_row_has (watch->page, watch->id, progress);
    }
  return !vp_batches_page_get_busy (watch->page);
}

/* A subsidy over building 3 made in the form, run in chunks with the list following,
 * stopped once and run on to the end; every account paid once. */
static void
test_subsidy (VpUiFixture   *fixture,
              gconstpointer  data)
{
  g_autoptr(VpAccount) wang = NULL;
  RunWatch watch = { 0 };
  VpBatchesPage *page;
  const VpBatch *batch;
  gint64 id;

  open_building (fixture);
  page = show_page (fixture, "supervisor");
  g_assert_cmpuint (vp_batches_page_get_batches (page)->len, ==, 0);
  g_assert_false (action_enabled (page, "run"));
  g_assert_false (action_enabled (page, "stop"));
  g_assert_false (action_enabled (page, "retry"));
  g_assert_false (action_enabled (page, "cancel"));

  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "subsidy"));
  g_assert_true (vp_batches_page_get_field_shown (page, "amount"));
  g_assert_true (vp_batches_page_get_field_shown (page, "reason"));
  g_assert_false (vp_batches_page_get_field_shown (page, "tariff"));
  g_assert_false (vp_batches_page_get_field_shown (page, "alarm1"));
  g_assert_false (vp_batches_page_choose (page, "building", "99"));
  g_assert_true (vp_batches_page_choose (page, "building", "3"));
  g_assert_true (vp_batches_page_choose (page, "floor", "6"));
  g_assert_true (vp_batches_page_choose (page, "floor", ""));
  type (page, "name", "十一月补贴");
  type (page, "amount", "12.50");
  type (page, "reason", "冬季补贴");
  id = create (page);
  g_assert_nonnull (strstr (vp_batches_page_get_message (page), "12"));

  batch = listed (page, id);
  g_assert_cmpuint (batch->total, ==, 12);
  g_assert_cmpstr (batch->state, ==, "pending");
  assert_row_has (page, id, "十一月补贴");
  assert_row_has (page, id, "Subsidy");
  assert_row_has (page, id, "0/12");
  assert_row_has (page, id, "Once");
  g_assert_cmpuint (vp_batches_page_get_shown (page)->items->len, ==, 12);
  g_assert_cmpstr (shown_item (page, fixture->wang_fang)->state, ==, "pending");
  g_assert_true (action_enabled (page, "run"));
  g_assert_true (action_enabled (page, "cancel"));
  g_assert_false (action_enabled (page, "retry"));

  /* Stop at once: whatever was in hand is done, the rest waits for Run now. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batches.run", NULL));
  g_assert_true (vp_batches_page_get_running (page));
  g_assert_true (action_enabled (page, "stop"));
  g_assert_false (action_enabled (page, "run"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batches.stop", NULL));
  vp_ui_test_wait (page_idle, page, "the stop");
  g_assert_false (vp_batches_page_get_running (page));
  batch = listed (page, id);
  g_assert_cmpuint (batch->done, <, 12);
  g_assert_true (g_str_has_prefix (vp_batches_page_get_message (page), "Stopped"));
  g_assert_true (action_enabled (page, "run"));

  /* On to the end, VP_BATCHES_PAGE_CHUNK (5) at a time: the list moves while it runs. */
  watch.page = page;
  watch.id = id;
  watch.total = 12;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batches.run", NULL));
  vp_ui_test_wait (run_finished, &watch, "the run");
  g_assert_true (watch.saw_partial);
  batch = listed (page, id);
  g_assert_cmpstr (batch->state, ==, "done");
  g_assert_cmpuint (batch->done, ==, 12);
  assert_row_has (page, id, "12/12");
  assert_row_has (page, id, "Done");
  g_assert_nonnull (strstr (vp_batches_page_get_message (page), "12 done, 0 failed"));
  g_assert_cmpstr (shown_item (page, fixture->wang_fang)->state, ==, "done");
  g_assert_nonnull (strstr (shown_item (page, fixture->wang_fang)->result, "subsidy"));
  {
    g_autofree char *item = vp_batches_page_dup_item_text (page, 0);

    g_assert_nonnull (strstr (item, "Done"));
    g_assert_nonnull (strstr (item, "receipt"));
  }
  g_assert_false (action_enabled (page, "run"));
  g_assert_false (action_enabled (page, "cancel"));
  g_assert_false (action_enabled (page, "retry"));

  wang = vp_ui_test_account (fixture, fixture->wang_fang);
  g_assert_cmpint (wang->balance, ==, 50000 + 1250);
  g_assert_cmpint (count (fixture, "SELECT COUNT(*) FROM ledger WHERE kind = 'adjustment'"),
                   ==, 12);
}

/* What the form or the model refuses is said in the form, and everything typed stays. */
static void
test_bad_input (VpUiFixture   *fixture,
                gconstpointer  data)
{
  VpBatchesPage *page = show_page (fixture, "supervisor");
  GtkTextBuffer *accounts = vp_batches_page_get_accounts (page);
  g_autofree char *unknown = NULL;

  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "trip"));
  g_assert_true (vp_batches_page_get_field_shown (page, "reason"));
  g_assert_false (vp_batches_page_get_field_shown (page, "amount"));
  g_assert_true (vp_batches_page_choose (page, "building", "3"));

  /* No name (Enter in a field creates, as the button does). */
  g_signal_emit_by_name (vp_batches_page_get_field (page, "reason"), "activate");
  vp_ui_test_wait (page_idle, page, "the answer");
  g_assert_cmpstr (vp_batches_page_get_form_error (page), ==, "Give the batch a name");
  g_assert_true (vp_batches_page_get_form_shown (page));

  /* No reason: the model's words; the name stays. */
  type (page, "name", "检修停电");
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "reason"));
  g_assert_cmpstr (gtk_editable_get_text (vp_batches_page_get_field (page, "name")), ==,
                   "检修停电");

  /* A money amount that does not read. */
  g_assert_true (vp_batches_page_choose (page, "action", "subsidy"));
  type (page, "reason", "补贴");
  type (page, "amount", "12.3.4");
  activate (page, "batches.create");
  g_assert_true (g_str_has_prefix (vp_batches_page_get_form_error (page), "Amount: "));
  type (page, "amount", "0");
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "more than 0.00"));

  /* Thresholds out of order (the model). */
  g_assert_true (vp_batches_page_choose (page, "action", "alarms"));
  g_assert_true (vp_batches_page_get_field_shown (page, "alarm1"));
  g_assert_false (vp_batches_page_get_field_shown (page, "reason"));
  type (page, "alarm1", "10.00");
  type (page, "alarm2", "30.00");
  type (page, "trip", "0");
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "Alarm 1"));

  /* A schedule that is not a date, a repeat with no start. */
  g_assert_true (vp_batches_page_choose (page, "action", "subsidy"));
  type (page, "amount", "5");
  g_assert_true (vp_batches_page_choose (page, "when", "at"));
  type (page, "date", "2026-02-30");
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "2026-02-30"));
  type (page, "date", "2026-12-01");
  type (page, "time", "25:00");
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "25:00"));
  g_assert_true (vp_batches_page_choose (page, "when", "now"));
  g_assert_true (vp_batches_page_choose (page, "repeat", "daily"));
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "repeating"));
  g_assert_true (vp_batches_page_choose (page, "repeat", "none"));

  /* An account number that does not exist, among good ones. */
  unknown = g_strdup_printf ("%s，\n%s, 99999999", fixture->wang_fang, fixture->li_lei);
  gtk_text_buffer_set_text (accounts, unknown, -1);
  activate (page, "batches.create");
  g_assert_nonnull (strstr (vp_batches_page_get_form_error (page), "99999999"));

  /* Nothing was made, and everything typed is still there. */
  g_assert_cmpuint (vp_batches_page_get_batches (page)->len, ==, 0);
  g_assert_cmpint (count (fixture, "SELECT COUNT(*) FROM batches"), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (vp_batches_page_get_field (page, "name")), ==,
                   "检修停电");
  g_assert_cmpstr (gtk_editable_get_text (vp_batches_page_get_field (page, "reason")), ==, "补贴");
  g_assert_cmpstr (gtk_editable_get_text (vp_batches_page_get_field (page, "amount")), ==, "5");
  {
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (accounts, &start, &end);
    text = gtk_text_buffer_get_text (accounts, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, unknown);
  }

  /* Fixed, the same form makes the batch over the two listed accounts. */
  g_clear_pointer (&unknown, g_free);
  unknown = g_strdup_printf ("%s，\n%s", fixture->wang_fang, fixture->li_lei);
  gtk_text_buffer_set_text (accounts, unknown, -1);
  g_assert_cmpuint (listed (page, create (page))->total, ==, 2);
}

/* One account's item fails (the database refuses its ledger row) with the reason in
 * its result; Retry failed runs only that one again. */
static void
test_retry (VpUiFixture   *fixture,
            gconstpointer  data)
{
  g_autofree char *list = NULL;
  g_autofree char *trigger = NULL;
  VpBatchesPage *page = show_page (fixture, "admin");
  const VpBatchItem *item;
  const VpBatch *batch;
  gint64 id;

  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "subsidy"));
  type (page, "name", "补贴");
  type (page, "amount", "3.00");
  type (page, "reason", "补贴");
  list = g_strdup_printf ("%s\n%s\n", fixture->wang_fang, fixture->li_lei);
  gtk_text_buffer_set_text (vp_batches_page_get_accounts (page), list, -1);
  id = create (page);
  g_assert_cmpuint (listed (page, id)->total, ==, 2);

  trigger = g_strdup_printf ("CREATE TEMP TRIGGER refuse BEFORE INSERT ON ledger "
                             "WHEN NEW.account_id = (SELECT id FROM accounts WHERE number = '%s') "
                             "BEGIN SELECT RAISE (ABORT, 'refused by the test'); END",
                             fixture->li_lei);
  exec (fixture, trigger);
  activate (page, "batches.run");
  batch = listed (page, id);
  g_assert_cmpstr (batch->state, ==, "failed");
  g_assert_cmpuint (batch->done, ==, 1);
  g_assert_cmpuint (batch->failed, ==, 1);
  assert_row_has (page, id, "1/2, 1 failed");
  item = shown_item (page, fixture->li_lei);
  g_assert_cmpstr (item->state, ==, "failed");
  g_assert_nonnull (strstr (item->result, "refused by the test"));
  g_assert_true (action_enabled (page, "retry"));
  g_assert_false (action_enabled (page, "run"));

  exec (fixture, "DROP TRIGGER refuse");
  activate (page, "batches.retry");
  g_assert_nonnull (strstr (vp_batches_page_get_message (page), "1 failed account"));
  g_assert_cmpstr (listed (page, id)->state, ==, "pending");
  g_assert_false (action_enabled (page, "retry"));
  g_assert_true (action_enabled (page, "run"));
  activate (page, "batches.run");
  batch = listed (page, id);
  g_assert_cmpstr (batch->state, ==, "done");
  g_assert_cmpuint (batch->done, ==, 2);
  g_assert_cmpint (shown_item (page, fixture->li_lei)->attempts, ==, 2);
  g_assert_cmpstr (shown_item (page, fixture->li_lei)->state, ==, "done");
  g_assert_cmpint (shown_item (page, fixture->wang_fang)->attempts, ==, 1);
  g_assert_cmpint (count (fixture, "SELECT COUNT(*) FROM ledger WHERE kind = 'adjustment'"),
                   ==, 2);
}

/* The form's filters pick what the dropdowns say: a floor, a state, a tariff. */
static void
test_selection (VpUiFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD,
                                                 &error);
  VpTariffVersion power = { .scheme = VP_TARIFF_FLAT, .rates = { 5283 } };
  VpBatchesPage *page;
  gint64 id;

  g_assert_no_error (error);
  open_building (fixture);
  g_assert_true (vp_account_set_suspended (fixture->db, admin, fixture->li_lei, TRUE, &error));
  g_assert_true (vp_tariff_store_add (fixture->db, admin, "商业电价", VP_UTILITY_ELECTRICITY,
                                      &power, NULL, &error));
  g_assert_no_error (error);
  exec (fixture, "UPDATE accounts SET tariff = '商业电价' WHERE id IN "
                 "(SELECT id FROM accounts ORDER BY number LIMIT 3)");
  page = show_page (fixture, "admin");

  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "trip"));
  type (page, "name", "五楼停电");
  type (page, "reason", "检修");
  g_assert_true (vp_batches_page_choose (page, "building", "3"));
  /* Building 3 has floors 4, 5 and 6; floor 5 has five accounts. */
  g_assert_false (vp_batches_page_choose (page, "floor", "7"));
  g_assert_true (vp_batches_page_choose (page, "floor", "4"));
  g_assert_true (vp_batches_page_choose (page, "floor", "5"));
  id = create (page);
  g_assert_cmpuint (listed (page, id)->total, ==, 5);
  assert_row_has (page, id, "Trip");
  g_assert_cmpuint (vp_batches_page_get_shown (page)->items->len, ==, 5);

  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "keep-power"));
  type (page, "name", "暂停户保电");
  type (page, "reason", "暂停");
  g_assert_true (vp_batches_page_choose (page, "building", ""));
  g_assert_true (vp_batches_page_choose (page, "floor", ""));
  g_assert_true (vp_batches_page_choose (page, "state", "suspended"));
  id = create (page);
  g_assert_cmpuint (listed (page, id)->total, ==, 1);
  g_assert_cmpstr (shown_item (page, fixture->li_lei)->state, ==, "pending");

  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "alarms"));
  type (page, "name", "商业报警线");
  g_assert_true (vp_batches_page_choose (page, "state", ""));
  g_assert_true (vp_batches_page_choose (page, "tariff-filter", "商业电价"));
  id = create (page);
  g_assert_cmpuint (listed (page, id)->total, ==, 3);
}

/* A tariff batch for tomorrow 08:00, daily, cancelled before it ran (after a "no"). */
static void
test_cancel_scheduled (VpUiFixture   *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = vp_session_login (fixture->db, "admin", VP_CONTEXT_DEMO_PASSWORD,
                                                 &error);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *day = g_date_time_format (tomorrow, "%Y-%m-%d");
  g_autofree char *when = g_strdup_printf ("%s 08:00", day);
  VpTariffVersion power = { .scheme = VP_TARIFF_FLAT, .rates = { 5283 } };
  VpBatchesPage *page;
  const VpBatch *batch;
  gint64 id;

  g_assert_no_error (error);
  g_assert_true (vp_tariff_store_add (fixture->db, admin, "居民电价", VP_UTILITY_ELECTRICITY,
                                      &power, NULL, &error));
  g_assert_no_error (error);
  page = show_page (fixture, "admin");
  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "tariff"));
  g_assert_true (vp_batches_page_get_field_shown (page, "tariff"));
  g_assert_false (vp_batches_page_get_field_shown (page, "reason"));
  g_assert_true (vp_batches_page_choose (page, "tariff", "居民电价"));
  g_assert_true (vp_batches_page_choose (page, "building", "3"));
  g_assert_true (vp_batches_page_choose (page, "when", "at"));
  type (page, "date", day);
  type (page, "time", "08:00");
  g_assert_true (vp_batches_page_choose (page, "repeat", "daily"));
  type (page, "name", "换电价");
  id = create (page);
  batch = listed (page, id);
  g_assert_cmpstr (batch->state, ==, "pending");
  g_assert_cmpuint (batch->total, ==, 2);
  assert_row_has (page, id, when);
  assert_row_has (page, id, "Daily");
  assert_row_has (page, id, "Set tariff");

  /* "No" leaves it as it is. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batches.cancel", NULL));
  g_assert_nonnull (vp_batches_page_get_dialog (page));
  gtk_dialog_response (GTK_DIALOG (vp_batches_page_get_dialog (page)), GTK_RESPONSE_CANCEL);
  g_assert_null (vp_batches_page_get_dialog (page));
  vp_ui_test_wait (page_idle, page, "nothing");
  g_assert_cmpstr (listed (page, id)->state, ==, "pending");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "batches.cancel", NULL));
  gtk_dialog_response (GTK_DIALOG (vp_batches_page_get_dialog (page)), GTK_RESPONSE_ACCEPT);
  vp_ui_test_wait (page_idle, page, "the cancel");
  batch = listed (page, id);
  g_assert_cmpstr (batch->state, ==, "cancelled");
  g_assert_cmpuint (batch->cancelled, ==, 2);
  assert_row_has (page, id, "Cancelled");
  g_assert_cmpstr (shown_item (page, fixture->wang_fang)->state, ==, "cancelled");
  g_assert_false (action_enabled (page, "run"));
  g_assert_false (action_enabled (page, "cancel"));
  g_assert_false (action_enabled (page, "retry"));
  /* Not run, not repeated. */
  g_assert_cmpint (batch->next_id, ==, 0);
  g_assert_cmpint (count (fixture, "SELECT COUNT(*) FROM accounts WHERE tariff = '居民电价'"),
                   ==, 0);
}

typedef struct
{
  VpBatchesPage *page;
  gint64         id;
} DueWatch;

static gboolean
due_done (gpointer data)
{
  DueWatch *watch = data;
  GPtrArray *batches = vp_batches_page_get_batches (watch->page);

  for (guint i = 0; batches != NULL && i < batches->len; i++)
    {
      const VpBatch *batch = g_ptr_array_index (batches, i);

      if (batch->id == watch->id)
        return g_str_equal (batch->state, "done") && !vp_batches_page_get_busy (watch->page);
    }
  return FALSE;
}

/* With the engine in the application, a batch that is due runs after the next cycle. */
static void
test_due_after_cycle (VpUiFixture   *fixture,
                      gconstpointer  data)
{
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterGateway) gateway = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autofree char *day = g_date_time_format (hour_ago, "%Y-%m-%d");
  g_autofree char *time = g_date_time_format (hour_ago, "%H:%M");
  g_autoptr(VpAccount) wang = NULL;
  DueWatch watch = { 0 };
  VpBatchesPage *page;

  page = show_page (fixture, "supervisor");
  g_assert_nonnull (strstr (vp_batches_page_get_schedule_text (page), "service"));
  g_assert_null (strstr (vp_batches_page_get_schedule_text (page), "cycle"));

  vp_meter_client_set_timeouts (client, 50, 0, 0);
  gateway = vp_meter_gateway_devices_new (client);
  vp_context_set_cycle_interval (fixture->context, 0);
  vp_context_set_gateway (fixture->context, gateway);

  open_form (page);
  g_assert_true (vp_batches_page_get_field_shown (page, "tariff"));
  g_assert_true (vp_batches_page_choose (page, "action", "alarms"));
  type (page, "name", "提高报警线");
  type (page, "alarm1", "80.00");
  type (page, "alarm2", "30.00");
  type (page, "trip", "0.00");
  gtk_text_buffer_set_text (vp_batches_page_get_accounts (page), fixture->wang_fang, -1);
  g_assert_true (vp_batches_page_choose (page, "when", "at"));
  type (page, "date", day);
  type (page, "time", time);
  watch.page = page;
  watch.id = create (page);
  g_assert_nonnull (strstr (vp_batches_page_get_schedule_text (page), "cycle"));
  g_assert_cmpstr (listed (page, watch.id)->state, ==, "pending");

  g_assert_true (vp_context_run_cycle_now (fixture->context));
  vp_ui_test_wait (due_done, &watch, "the due batch after the cycle");
  g_assert_nonnull (strstr (vp_batches_page_get_message (page), "1 scheduled batch"));
  wang = vp_ui_test_account (fixture, fixture->wang_fang);
  g_assert_cmpint (wang->alarm1, ==, 8000);
  g_assert_cmpint (wang->alarm2, ==, 3000);
  vp_context_stop_engine (fixture->context);
}

/* Every action the model has is offered; the page is for those who may run batches. */
static void
test_roles (VpUiFixture   *fixture,
            gconstpointer  data)
{
  VpBatchesPage *page;

  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_nonnull (vp_window_get_page (fixture->window, "batches"));
  g_assert_false (vp_window_get_page_visible (fixture->window, "batches"));
  vp_window_lock (fixture->window);
  vp_ui_test_login (fixture, "technician", VP_CONTEXT_DEMO_PASSWORD);
  g_assert_false (vp_window_get_page_visible (fixture->window, "batches"));
  vp_window_lock (fixture->window);

  page = show_page (fixture, "supervisor");
  for (int a = 0; a < VP_BATCH_N_ACTIONS; a++)
    g_assert_true (vp_batches_page_choose (page, "action", vp_batch_action_to_string (a)));
  g_assert_false (vp_batches_page_choose (page, "action", "no-such-action"));
}

/* The page with two batches, one run with a failure, and the New batch form open. */
static void
test_screenshots (gconstpointer data)
{
  const char *lang = data;
  VpUiFixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) admin = NULL;
  VpBatchSpec subsidy = { .name = "十一月补贴", .action = VP_BATCH_SUBSIDY, .amount = 2000,
                          .reason = "冬季补贴" };
  VpBatchSpec alarms = { .name = "提高报警线", .action = VP_BATCH_ALARMS, .alarm1 = 8000,
                         .alarm2 = 3000, .trip = 0, .repeat = VP_BATCH_REPEAT_MONTHLY };
  VpBatchSelection building = { .building = "3" };
  VpBatchesPage *page;
  GtkWidget *window;
  gint64 id;

  if (!vp_ui_test_in_language (lang))
    return;

  vp_ui_fixture_setup (&fixture, NULL);
  open_building (&fixture);
  admin = vp_session_login (fixture.db, "admin", VP_CONTEXT_DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  alarms.run_at = g_get_real_time () / G_USEC_PER_SEC + 86400;
  g_assert_true (vp_batch_create (fixture.db, admin, &alarms, &building, NULL, &error));
  g_assert_true (vp_batch_create (fixture.db, admin, &subsidy, &building, &id, &error));
  g_assert_no_error (error);
  g_assert_true (vp_account_close (fixture.db, admin, fixture.li_lei, VP_PAYMENT_CASH, 0, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_true (vp_batch_run (fixture.db, admin, id, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  vp_ui_test_login (&fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  window = gtk_window_new ();
  page = VP_BATCHES_PAGE (vp_batches_page_new (fixture.context));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 860);
  gtk_window_set_title (GTK_WINDOW (window), "Batches");
  gtk_window_present (GTK_WINDOW (window));
  vp_ui_test_wait (page_idle, page, "the batch list");
  g_assert_true (vp_batches_page_select (page, id));
  vp_ui_test_wait (page_idle, page, "the items");
  g_assert_nonnull (vp_batches_page_get_shown (page));
  open_form (page);
  g_assert_true (vp_batches_page_choose (page, "action", "subsidy"));
  g_assert_true (vp_batches_page_choose (page, "building", "3"));
  type (page, "name", "十二月补贴");
  type (page, "amount", "20.00");
  vp_ui_test_save_png (window, lang, "batches");
  gtk_window_destroy (GTK_WINDOW (window));
  vp_ui_fixture_teardown (&fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;
  g_test_add ("/vp/ui/batches/subsidy", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_subsidy, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/batches/bad-input", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_bad_input, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/batches/retry", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_retry, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/batches/selection", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_selection, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/batches/cancel-scheduled", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_cancel_scheduled, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/batches/due-after-cycle", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_due_after_cycle, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/batches/roles", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_roles, vp_ui_fixture_teardown);
  g_test_add_data_func ("/vp/ui/batches/screenshots/en", "en", test_screenshots);
  g_test_add_data_func ("/vp/ui/batches/screenshots/zh_CN", "zh_CN", test_screenshots);
  return g_test_run ();
}
