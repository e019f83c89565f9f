/* test-batch.c: batch operations — selection, per-item results, restart in the middle
 * with no item done twice, two runners, retry of failed items only, cancel, schedules */
#include "config.h"

#include "vp-batch.h"
#include "vp-engine.h"
#include "vp-tariff-store.h"
#include "vp-test-counter.h"

#define N_SUBSIDY 20

typedef VpTestCounter Fixture;

static char *
open_in (Fixture    *f,
         const char *room,
         const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpAccountSpec spec;
  VpMeterSpec meter;

  vp_account_spec_init (&spec);
  spec.name = "批量";
  spec.room = room;
  spec.tariff = "flat";
  g_assert_true (vp_account_open (f->db, f->cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);
  vp_meter_spec_init (&meter);
  meter.address = address;
  meter.link = "tcp://127.0.0.1:1";
  g_assert_true (vp_account_add_meter (f->db, f->admin, account->number, &meter, NULL, &error));
  g_assert_no_error (error);
  return g_strdup (account->number);
}

/* @n accounts in building 8: rooms 8-101, 8-102, … on floor 1, then floor 2. */
static GStrv
open_accounts (Fixture *f,
               guint    n)
{
  g_autoptr(GError) error = NULL;
  GStrv numbers = g_new0 (char *, n + 1);
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };
  VpTariffVersion cheap = { .scheme = VP_TARIFF_FLAT, .rates = { 5000 } };

  g_assert_true (vp_tariff_store_add (f->db, f->admin, "flat", VP_UTILITY_ELECTRICITY, &flat,
                                      NULL, &error));
  g_assert_true (vp_tariff_store_add (f->db, f->admin, "cheap", VP_UTILITY_ELECTRICITY, &cheap,
                                      NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *room = g_strdup_printf ("8-%u%02u", 1 + i / 10, 1 + i % 10);
      g_autofree char *address = g_strdup_printf ("%012u", 7000 + i);

      numbers[i] = open_in (f, room, address);
    }
  return numbers;
}

static gint64
count (Fixture    *f,
       const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return vp_test_counter_query (f, sql);
}

static void
test_select_and_run (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, 12);
  g_autofree char *other = open_in (f, "9-101", "000000008888");
  g_autoptr(VpBatch) batch = NULL;
  VpBatchSpec spec = { .name = "换价", .action = VP_BATCH_TARIFF, .tariff = "cheap" };
  VpBatchSelection sel = { .building = "8", .floor = 1 };
  gint64 id;
  guint done;

  g_assert_true (vp_batch_create (f->db, f->supervisor, &spec, &sel, &id, &error));
  g_assert_no_error (error);
  g_assert_true (vp_batch_run (f->db, f->supervisor, id, 0, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done, ==, 10);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM accounts WHERE tariff = 'cheap'"), ==, 10);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM audit WHERE action = 'account.tariff'"), ==, 10);
  batch = vp_batch_get (f->db, f->supervisor, id, &error);
  g_assert_cmpstr (batch->state, ==, "done");
  g_assert_cmpuint (batch->total, ==, 10);
  g_assert_cmpuint (batch->done, ==, 10);
  g_assert_cmpstr (((VpBatchItem *) g_ptr_array_index (batch->items, 0))->result, ==,
                   "tariff cheap");
  g_assert_nonnull (batch->finished_at);

  /* by tariff: the two on floor 2 and the one in building 9 are still on "flat" */
  {
    VpBatchSpec alarms = { .name = "阈值", .action = VP_BATCH_ALARMS, .alarm1 = 10000,
                           .alarm2 = 5000, .trip = -1000 };
    VpBatchSelection by_tariff = { .tariff = "flat" };

    g_assert_true (vp_batch_create (f->db, f->admin, &alarms, &by_tariff, &id, &error));
    g_assert_true (vp_batch_run (f->db, f->admin, id, 0, NULL, &done, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (done, ==, 3);
    g_assert_cmpint (count (f, "SELECT COUNT(*) FROM accounts WHERE trip = -1000 "
                            "AND alarm1 = 10000"), ==, 3);
  }
}

static void
assert_one_subsidy_each (Fixture    *f,
                         GStrv       numbers,
                         gint64      amount)
{
  for (guint i = 0; numbers[i] != NULL; i++)
    {
      g_assert_cmpint (count (f, "SELECT COUNT(*) FROM ledger l JOIN accounts a "
                              "ON a.id = l.account_id WHERE a.number = '%s' "
                              "AND l.kind = 'adjustment'", numbers[i]), ==, 1);
      g_assert_cmpint (count (f, "SELECT balance FROM accounts WHERE number = '%s'", numbers[i]),
                       ==, amount);
    }
}

/* Stopped after 7 items (as if the process died), then resumed through another
 * connection: the other 13 are done, none twice. */
static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, N_SUBSIDY);
  g_autofree char *path = g_build_filename (f->dir, "vendpoint.db", NULL);
  g_autoptr(VpDatabase) db2 = NULL;
  g_autoptr(VpSession) boss2 = NULL;
  g_autoptr(VpBatch) batch = NULL;
  VpBatchSpec spec = { .name = "冬季补贴", .action = VP_BATCH_SUBSIDY, .amount = 1000,
                       .reason = "冬季补贴" };
  VpBatchSelection sel = { .building = "8" };
  gint64 id;
  guint done;

  g_assert_true (vp_batch_create (f->db, f->supervisor, &spec, &sel, &id, &error));
  g_assert_no_error (error);
  g_assert_true (vp_batch_run (f->db, f->supervisor, id, 7, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done, ==, 7);
  batch = vp_batch_get (f->db, f->supervisor, id, &error);
  g_assert_cmpstr (batch->state, ==, "running");
  g_assert_cmpuint (batch->done, ==, 7);
  g_assert_cmpuint (batch->pending, ==, N_SUBSIDY - 7);
  g_clear_pointer (&batch, vp_batch_free);

  /* "after the restart": a new connection, a new log-in */
  db2 = vp_database_open (path, &error);
  g_assert_no_error (error);
  boss2 = vp_session_login (db2, "super", VP_TEST_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (vp_batch_run_due (db2, boss2, g_get_real_time () / G_USEC_PER_SEC, NULL,
                                   &error));
  g_assert_no_error (error);
  batch = vp_batch_get (db2, boss2, id, &error);
  g_assert_cmpstr (batch->state, ==, "done");
  g_assert_cmpuint (batch->done, ==, N_SUBSIDY);
  for (guint i = 0; i < batch->items->len; i++)
    g_assert_cmpint (((VpBatchItem *) g_ptr_array_index (batch->items, i))->attempts, ==, 1);
  assert_one_subsidy_each (f, numbers, 1000);

  /* a finished batch does not run again */
  g_assert_false (vp_batch_run (f->db, f->supervisor, id, 0, NULL, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  char   *path;
  gint64  id;
  guint   done;
  GError *error;
} Runner;

static gpointer
run_in_thread (gpointer data)
{
  Runner *r = data;
  g_autoptr(VpDatabase) db = vp_database_open (r->path, &r->error);
  g_autoptr(VpSession) session = NULL;

  if (db != NULL)
    session = vp_session_login (db, "super", VP_TEST_PASSWORD, &r->error);
  if (session != NULL)
    vp_batch_run (db, session, r->id, 0, NULL, &r->done, &r->error);
  return NULL;
}

/* Two runners on one batch at once (two processes): every item once between them. */
static void
test_two_runners (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, N_SUBSIDY);
  Runner runners[2] = { { 0 } };
  GThread *threads[2];
  VpBatchSpec spec = { .name = "补贴", .action = VP_BATCH_SUBSIDY, .amount = 250,
                       .reason = "补贴" };
  VpBatchSelection sel = { .accounts = (const char * const *) numbers };
  gint64 id;

  g_assert_true (vp_batch_create (f->db, f->supervisor, &spec, &sel, &id, &error));
  g_assert_no_error (error);
  for (int t = 0; t < 2; t++)
    {
      runners[t].path = g_build_filename (f->dir, "vendpoint.db", NULL);
      runners[t].id = id;
      threads[t] = g_thread_new ("batch", run_in_thread, &runners[t]);
    }
  for (int t = 0; t < 2; t++)
    {
      g_thread_join (threads[t]);
      /* the one that finds the batch finished has nothing to do */
      if (runners[t].error != NULL)
        g_assert_error (runners[t].error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
      g_clear_error (&runners[t].error);
      g_free (runners[t].path);
    }
  g_assert_cmpuint (runners[0].done + runners[1].done, ==, N_SUBSIDY);
  assert_one_subsidy_each (f, numbers, 250);
}

/* An account closed after the batch was made fails with the reason; retry runs only
 * that item again (the others are not paid twice). */
static void
test_retry_and_cancel (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, 5);
  g_autoptr(VpBatch) batch = NULL;
  VpBatchSpec spec = { .name = "补贴", .action = VP_BATCH_SUBSIDY, .amount = 500,
                       .reason = "补贴" };
  VpBatchSelection sel = { .building = "8" };
  VpBatchItem *failed = NULL;
  gint64 id;
  guint items;

  g_assert_true (vp_batch_create (f->db, f->admin, &spec, &sel, &id, &error));
  g_assert_true (vp_account_close (f->db, f->admin, numbers[1], VP_PAYMENT_CASH, 0, NULL,
                                   &error));
  g_assert_no_error (error);
  g_assert_true (vp_batch_run (f->db, f->admin, id, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  batch = vp_batch_get (f->db, f->admin, id, &error);
  g_assert_cmpstr (batch->state, ==, "failed");
  g_assert_cmpuint (batch->done, ==, 4);
  g_assert_cmpuint (batch->failed, ==, 1);
  failed = g_ptr_array_index (batch->items, 1);
  g_assert_cmpstr (failed->account, ==, numbers[1]);
  g_assert_cmpstr (failed->state, ==, "failed");
  g_assert_nonnull (failed->result);
  g_clear_pointer (&batch, vp_batch_free);

  g_assert_true (vp_batch_retry (f->db, f->admin, id, &items, &error));
  g_assert_cmpuint (items, ==, 1);
  g_assert_true (vp_batch_run (f->db, f->admin, id, 0, NULL, &items, &error));
  g_assert_cmpuint (items, ==, 1);
  batch = vp_batch_get (f->db, f->admin, id, &error);
  g_assert_cmpuint (((VpBatchItem *) g_ptr_array_index (batch->items, 1))->attempts, ==, 2);
  g_assert_cmpuint (((VpBatchItem *) g_ptr_array_index (batch->items, 0))->attempts, ==, 1);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM ledger WHERE kind = 'adjustment'"), ==, 4);
  g_clear_pointer (&batch, vp_batch_free);

  /* cancel in the middle of a trip batch: the two done stay done, no more commands */
  {
    VpBatchSpec trip = { .name = "检修停电", .action = VP_BATCH_TRIP, .reason = "检修" };

    g_assert_true (vp_batch_create (f->db, f->admin, &trip, &sel, &id, &error));
    g_assert_true (vp_batch_run (f->db, f->admin, id, 2, NULL, &items, &error));
    g_assert_no_error (error);
    g_assert_true (vp_batch_cancel (f->db, f->admin, id, &error));
    g_assert_no_error (error);
    g_assert_false (vp_batch_run (f->db, f->admin, id, 0, NULL, NULL, &error));
    g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_assert_false (vp_batch_cancel (f->db, f->admin, id, &error));
    g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    batch = vp_batch_get (f->db, f->admin, id, &error);
    g_assert_cmpuint (batch->done, ==, 2);
    g_assert_cmpuint (batch->cancelled, ==, 2);   /* 5 minus the closed one, minus 2 */
    g_assert_cmpint (count (f, "SELECT COUNT(*) FROM commands WHERE action = 'trip'"), ==, 2);
  }
}

static void
test_schedule_repeat (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, 2);
  g_autoptr(VpBatch) first = NULL;
  g_autoptr(VpBatch) next = NULL;
  gint64 start = 1798750800;   /* 2027-01-01 */
  VpBatchSpec spec = { .name = "每日补贴", .action = VP_BATCH_SUBSIDY, .amount = 100,
                       .reason = "每日补贴", .run_at = start, .repeat = VP_BATCH_REPEAT_DAILY };
  VpBatchSelection sel = { .accounts = (const char * const *) numbers };
  gint64 id;
  guint ran;

  g_assert_true (vp_batch_create (f->db, f->admin, &spec, &sel, &id, &error));
  g_assert_true (vp_batch_run_due (f->db, f->admin, start - 1, &ran, &error));
  g_assert_cmpuint (ran, ==, 0);
  g_assert_true (vp_batch_run_due (f->db, f->admin, start, &ran, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ran, ==, 1);
  first = vp_batch_get (f->db, f->admin, id, &error);
  g_assert_cmpstr (first->state, ==, "done");
  g_assert_cmpint (first->next_id, !=, 0);
  next = vp_batch_get (f->db, f->admin, first->next_id, &error);
  g_assert_cmpstr (next->state, ==, "pending");
  g_assert_cmpint (next->run_at, ==, start + 86400);
  g_assert_cmpuint (next->total, ==, 2);
  g_assert_true (vp_batch_run_due (f->db, f->admin, start + 86399, &ran, &error));
  g_assert_cmpuint (ran, ==, 0);
  g_assert_true (vp_batch_run_due (f->db, f->admin, start + 86400, &ran, &error));
  g_assert_cmpuint (ran, ==, 1);
  g_assert_cmpint (count (f, "SELECT balance FROM accounts WHERE number = '%s'", numbers[0]),
                   ==, 200);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, 1);
  VpBatchSpec spec = { .name = "x", .action = VP_BATCH_TARIFF, .tariff = "nope" };
  VpBatchSelection all = { 0 };
  VpBatchSelection none = { .building = "99" };
  const char *missing[] = { "99999997", NULL };
  VpBatchSelection unknown = { .accounts = missing };

  g_assert_false (vp_batch_create (f->db, f->admin, &spec, &all, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  spec.tariff = "cheap";
  g_assert_false (vp_batch_create (f->db, f->admin, &spec, &none, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_batch_create (f->db, f->admin, &spec, &unknown, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vp_batch_create (f->db, f->cashier, &spec, &all, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  spec.action = VP_BATCH_ALARMS;
  spec.alarm1 = 100;
  spec.alarm2 = 200;
  g_assert_false (vp_batch_create (f->db, f->admin, &spec, &all, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  spec.action = VP_BATCH_TRIP;
  g_assert_false (vp_batch_create (f->db, f->admin, &spec, &all, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  spec.action = VP_BATCH_SUBSIDY;
  spec.reason = "r";
  g_assert_false (vp_batch_create (f->db, f->admin, &spec, &all, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  g_assert_null (vp_batch_get (f->db, f->admin, 42, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM batches"), ==, 0);
}

/* Set meter time over a building: one set-time command per meter (an account may have
 * several), each item saying how many clocks it will set; the reason and the meter
 * control permission are required like the other controls. */
static void
test_set_time (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) numbers = open_accounts (f, 4);
  g_autofree char *other = open_in (f, "9-101", "000000008888");
  g_autoptr(VpBatch) batch = NULL;
  VpBatchSpec spec = { .name = "校时", .action = VP_BATCH_SET_TIME };
  VpBatchSelection sel = { .building = "8" };
  VpBatchAction action;
  VpMeterSpec second;
  gint64 id;
  guint done;

  g_assert_cmpstr (vp_batch_action_to_string (VP_BATCH_SET_TIME), ==, "set-time");
  g_assert_true (vp_batch_action_from_string ("set-time", &action));
  g_assert_cmpint (action, ==, VP_BATCH_SET_TIME);
  g_assert_cmpstr (vp_batch_action_label (VP_BATCH_SET_TIME), ==, "Set meter time");

  vp_meter_spec_init (&second);
  second.address = "000000007100";
  second.link = "tcp://127.0.0.1:1";
  g_assert_true (vp_account_add_meter (f->db, f->admin, numbers[1], &second, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (vp_batch_create (f->db, f->supervisor, &spec, &sel, &id, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  spec.reason = "表时钟偏差";
  g_assert_false (vp_batch_create (f->db, f->cashier, &spec, &sel, &id, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_true (vp_batch_create (f->db, f->admin, &spec, &sel, &id, &error));
  g_assert_no_error (error);
  g_assert_true (vp_batch_run (f->db, f->admin, id, 0, NULL, &done, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (done, ==, 4);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM commands WHERE action = 'set-time' "
                          "AND state = 'queued' AND origin = 'manual' "
                          "AND reason LIKE '表时钟偏差%%'"), ==, 5);
  g_assert_cmpint (count (f, "SELECT COUNT(DISTINCT meter_id) FROM commands"), ==, 5);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM commands c JOIN meters m "
                          "ON m.id = c.meter_id WHERE m.address = '000000008888'"), ==, 0);
  batch = vp_batch_get (f->db, f->admin, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (batch->state, ==, "done");
  g_assert_cmpint (batch->action, ==, VP_BATCH_SET_TIME);
  for (guint i = 0; i < batch->items->len; i++)
    {
      const VpBatchItem *item = g_ptr_array_index (batch->items, i);

      g_assert_cmpstr (item->result, ==, g_str_equal (item->account, numbers[1])
                       ? "clock to be set on 2 meters" : "clock to be set on 1 meter");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/batch/select-and-run", Fixture, NULL, vp_test_counter_setup,
              test_select_and_run, vp_test_counter_teardown);
  g_test_add ("/vp/batch/restart", Fixture, NULL, vp_test_counter_setup, test_restart,
              vp_test_counter_teardown);
  g_test_add ("/vp/batch/two-runners", Fixture, NULL, vp_test_counter_setup, test_two_runners,
              vp_test_counter_teardown);
  g_test_add ("/vp/batch/retry-and-cancel", Fixture, NULL, vp_test_counter_setup,
              test_retry_and_cancel, vp_test_counter_teardown);
  g_test_add ("/vp/batch/schedule-repeat", Fixture, NULL, vp_test_counter_setup,
              test_schedule_repeat, vp_test_counter_teardown);
  g_test_add ("/vp/batch/set-time", Fixture, NULL, vp_test_counter_setup, test_set_time,
              vp_test_counter_teardown);
  g_test_add ("/vp/batch/errors", Fixture, NULL, vp_test_counter_setup, test_errors,
              vp_test_counter_teardown);
  return g_test_run ();
}
