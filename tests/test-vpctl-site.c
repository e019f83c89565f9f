/* test-vpctl-site.c: "vpctl fee|apportion|bill|batch" end to end against a real
 * database file, as a property manager's script would drive them */
#include "config.h"

#include <string.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-tariff-store.h"
#include "vp-test-tmp.h"
#include "vp-test-vpctl.h"

#define ADMIN    "VP_PASSWORD=admin-pass-1"
#define BOSS     "VP_OPERATOR=boss", "VP_PASSWORD=boss-pass-1"
#define CASHIER  "VP_OPERATOR=cashier", "VP_PASSWORD=cashier-pass-1"

typedef struct
{
  char *dir;
  char *db;
  char *accounts[3];
} Fixture;

static JsonObject *
obj (Run *run)
{
  g_assert_cmpint (run->status, ==, 0);
  return json_node_get_object (run->json);
}

static const char *
str (Run        *run,
     const char *member)
{
  return json_object_get_string_member (obj (run), member);
}

static gint64
num (Run        *run,
     const char *member)
{
  return json_object_get_int_member (obj (run), member);
}

static void
assert_fails (Run        *run,
              int         status,
              const char *message)
{
  g_assert_cmpint (run->status, ==, status);
  g_assert_nonnull (strstr (run->err, message));
}

/* Meters and a month of readings come from the engine, through the model: vpctl has no
 * command to store readings without a meter on the line. */
static void
add_meters_and_readings (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = vp_database_open (f->db, &error);
  g_autoptr(VpSession) root = vp_session_login (db, "root", "admin-pass-1", &error);
  g_autoptr(VpEngine) engine = vp_engine_new (db, NULL);
  g_autoptr(GDateTime) start = g_date_time_new_local (2026, 11, 1, 8, 0, 0);
  g_autoptr(GDateTime) end = g_date_time_new_local (2026, 11, 25, 8, 0, 0);
  g_autoptr(VpAccount) landlord = NULL;
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };
  VpAccountSpec spec;

  g_assert_no_error (error);
  g_assert_true (vp_tariff_store_add (db, root, "flat", VP_UTILITY_ELECTRICITY, &flat, NULL,
                                      &error));
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (db, "UPDATE accounts SET tariff = 'flat'", &error));
  vp_account_spec_init (&spec);
  spec.name = "物业公司";
  spec.tariff = "flat";
  g_assert_true (vp_account_open (db, root, &spec, &landlord, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *address = g_strdup_printf ("%012u", 6000 + i);
      const char *number = i < 3 ? f->accounts[i] : landlord->number;
      /* members 10, 20, 30 kWh; the master 100 kWh */
      gint64 use = i < 3 ? 1000 * (i + 1) : 10000;
      VpMeterSample sample = { .total = 0 };
      VpReadingOutcome outcome;
      VpMeterSpec meter;
      gint64 meter_id;

      vp_meter_spec_init (&meter);
      meter.address = address;
      meter.link = "tcp://127.0.0.1:1";
      g_assert_true (vp_account_add_meter (db, root, number, &meter, &meter_id, &error));
      g_assert_no_error (error);
      sample.meter_time = g_date_time_to_unix (start);
      vp_engine_store_reading (engine, meter_id, &sample, sample.meter_time, &outcome, NULL,
                               &error);
      sample.total = use;
      sample.meter_time = g_date_time_to_unix (end);
      vp_engine_store_reading (engine, meter_id, &sample, sample.meter_time, &outcome, NULL,
                               &error);
      g_assert_no_error (error);
      g_assert_cmpint (outcome, ==, VP_READING_CHARGED);
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  const char *rooms[3] = { "8-101", "8-102", "8-201" };

  f->dir = vp_test_tmp_new ();
  f->db = g_build_filename (f->dir, "vendpoint.db", NULL);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "db", "init", "--admin", "root", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=cashier-pass-1"), "operator", "add", "cashier",
         "--name", "收银员", "--role", "cashier", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=boss-pass-1"), "operator", "add", "boss",
         "--name", "值班长", "--role", "supervisor", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "shift", "open", "--float", "0", NULL);
  g_assert_cmpint (r.status, ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "open", "--name", "租户", "--room", rooms[i], NULL);
      f->accounts[i] = g_strdup (str (&r, "account"));
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  for (guint i = 0; i < 3; i++)
    g_free (f->accounts[i]);
  g_free (f->dir);
  g_free (f->db);
}

static void
test_fees_and_bills (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *pdf = g_build_filename (f->dir, "bills.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *bill = NULL;
  JsonArray *bills;
  /* next year: fees fall due from the later of their start and the accounts' opening */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int year = g_date_time_get_year (now) + 1;
  g_autofree char *jan31 = g_strdup_printf ("%d-01-31", year);
  g_autofree char *jan01 = g_strdup_printf ("%d-01-01", year);
  g_autofree char *mar31 = g_strdup_printf ("%d-03-31", year);

  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "add", "物业费", "--schedule", "monthly",
                 "--start", jan31, "--amount", "100", "--account", f->accounts[0],
                 "--account", f->accounts[1], NULL);
  g_assert_cmpint (num (&r, "members"), ==, 2);
  /* Jan 31, Feb 28, Mar 31 for two accounts; then nothing more */
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "run", "--date", mar31, NULL);
  g_assert_cmpint (num (&r, "charged"), ==, 6);
  g_assert_cmpstr (str (&r, "amount"), ==, "600.00");
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "run", "--date", mar31, NULL);
  g_assert_cmpint (num (&r, "charged"), ==, 0);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "show", f->accounts[0], NULL);
  g_assert_cmpstr (str (&r, "balance"), ==, "-300.00");

  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "add", "开户费", "--schedule", "once", "--start",
         jan01, "--amount", "50", "--charge", "bill", "--account", f->accounts[2], NULL);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "run", "--date", mar31, NULL);
  g_assert_cmpint (num (&r, "charged"), ==, 1);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "fee", "list", NULL);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (obj (&r), "fees")), ==, 2);

  vp_test_vpctl (f->db, &r, ENV (CASHIER), "bill", "list", "--account", f->accounts[2], NULL);
  bills = json_object_get_array_member (obj (&r), "bills");
  g_assert_cmpint (json_array_get_length (bills), ==, 1);
  bill = g_strdup (json_object_get_string_member (json_array_get_object_element (bills, 0),
                                                  "bill"));
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "bill", "pay", bill, "20", "--method", "cash", NULL);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj (&r), "bill"),
                                                  "owed"), ==, "30.00");
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "bill", "pay", bill, "40", "--method", "cash", NULL);
  assert_fails (&r, 1, "Pay between 0.01 and 30.00");
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "bill", "pay", bill, "20", NULL);
  assert_fails (&r, 2, "--method is required");
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "show", f->accounts[2], NULL);
  g_assert_cmpstr (str (&r, "balance"), ==, "0.00");   /* paid at the counter, not deducted */

  /* the bill as PDF for the customer: the text is really there */
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "bill", "export", pdf, "--account", f->accounts[2], NULL);
  g_assert_cmpint (num (&r, "bills"), ==, 1);
  g_assert_true (g_spawn_sync (NULL, (char *[]) { "pdftotext", pdf, "-", NULL }, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &text, NULL, NULL, NULL));
  g_assert_nonnull (strstr (text, bill));
  g_assert_nonnull (strstr (text, "缴费通知单"));
  g_assert_nonnull (strstr (text, "30.00"));

  /* postpaid: a switch needs the account settled */
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "bill", "mode", f->accounts[0], "postpaid", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "bill", "mode", f->accounts[0], "prepaid", NULL);
  assert_fails (&r, 1, "still owes 300.00");
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "bill", "run", "2026-12", NULL);
  g_assert_cmpint (num (&r, "bills"), ==, 1);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "bill", "confirm", "2026-12", NULL);
  g_assert_cmpint (num (&r, "bills"), ==, 1);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "bill", "confirm", "2026-12", NULL);
  assert_fails (&r, 1, "confirmed already");
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "bill", "run", "2026-13", NULL);
  assert_fails (&r, 1, "is not a month");
}

static void
test_apportion (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  JsonArray *shares;
  gint64 sum = 0;

  add_meters_and_readings (f);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "add", "8号楼", "--master", "000000006003",
         "--basis", "master-minus-subs", "--method", "rooms", "--price", "0.8", NULL);
  assert_fails (&r, 2, "Unknown method");
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "add", "8号楼", "--master", "000000006003",
         "--basis", "master-minus-subs", "--method", "consumption", "--price", "0.8", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "member", "8号楼", f->accounts[0], f->accounts[1],
         f->accounts[2], NULL);
  g_assert_cmpint (num (&r, "members"), ==, 3);
  /* (100 − 60) kWh × 0.80 = 32.00 yuan by 10 : 20 : 30 */
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "run", "8号楼", "2026-11", NULL);
  g_assert_cmpstr (str (&r, "total"), ==, "32.00");
  g_assert_cmpint (num (&r, "shared_use"), ==, 4000);
  shares = json_object_get_array_member (obj (&r), "shares");
  g_assert_cmpint (json_array_get_length (shares), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (shares, 0),
                                                  "share"), ==, "5.33");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (shares, 1),
                                                  "share"), ==, "10.67");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (shares, 2),
                                                  "share"), ==, "16.00");
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "run", "8号楼", "2026-11", NULL);
  assert_fails (&r, 1, "already apportioned");
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "apportion", "show", "8号楼", "2026-11", NULL);
  shares = json_object_get_array_member (obj (&r), "shares");
  for (guint i = 0; i < 3; i++)
    {
      const char *share = json_object_get_string_member (json_array_get_object_element (shares, i),
                                                         "share");

      sum += (gint64) (g_ascii_strtod (share, NULL) * 100 + 0.5);
    }
  g_assert_cmpint (sum, ==, 3200);
  /* no readings in December: nothing to share, and every share is zero */
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "run", "8号楼", "2026-12", NULL);
  g_assert_cmpstr (str (&r, "total"), ==, "0.00");
  shares = json_object_get_array_member (obj (&r), "shares");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (shares, 2),
                                                  "share"), ==, "0.00");
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "apportion", "add", "x", "--master", "999999999999", "--price",
         "1", NULL);
  assert_fails (&r, 1, "No installed meter has the address 999999999999");
}

static void
test_batch (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *id = NULL;
  g_autofree char *trip_id = NULL;

  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "create", "补贴", "--action", "subsidy", "--amount", "5",
         "--reason", "冬季补贴", "--building", "8", NULL);
  g_assert_cmpint (num (&r, "total"), ==, 3);
  g_assert_cmpstr (str (&r, "state"), ==, "pending");
  id = g_strdup_printf ("%" G_GINT64_FORMAT, num (&r, "id"));
  /* stop after one item, as if killed; the next run goes on with the other two */
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "run", id, "--max", "1", NULL);
  g_assert_cmpint (num (&r, "done"), ==, 1);
  g_assert_cmpint (num (&r, "pending"), ==, 2);
  g_assert_cmpstr (str (&r, "state"), ==, "running");
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "run", "--due", NULL);
  g_assert_cmpint (num (&r, "batches"), ==, 1);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "show", id, NULL);
  g_assert_cmpint (num (&r, "done"), ==, 3);
  g_assert_cmpstr (str (&r, "state"), ==, "done");
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *item = json_array_get_object_element (json_object_get_array_member (obj (&r),
                                                                                       "items"), i);

      g_assert_cmpint (json_object_get_int_member (item, "attempts"), ==, 1);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_auto(Run) a = { 0 };

      vp_test_vpctl (f->db, &a, ENV (CASHIER), "account", "show", f->accounts[i], NULL);
      g_assert_cmpstr (str (&a, "balance"), ==, "5.00");
    }
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "retry", id, NULL);
  assert_fails (&r, 1, "no failed items");

  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "create", "停电", "--action", "trip", "--account",
         f->accounts[0], NULL);
  assert_fails (&r, 1, "Give a reason");
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "create", "停电", "--action", "trip", "--reason", "检修",
         "--account", f->accounts[0], "--at", "2030-01-01 08:00", NULL);
  trip_id = g_strdup_printf ("%" G_GINT64_FORMAT, num (&r, "id"));
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "run", "--due", NULL);
  g_assert_cmpint (num (&r, "batches"), ==, 0);   /* not due until 2030 */
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "cancel", trip_id, NULL);
  g_assert_cmpstr (str (&r, "state"), ==, "cancelled");
  g_assert_cmpint (num (&r, "cancelled"), ==, 1);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "list", NULL);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (obj (&r), "batches")),
                   ==, 2);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "batch", "list", NULL);
  g_assert_cmpint (r.status, ==, 1);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "create", "x", "--action", "reboot", NULL);
  g_assert_cmpint (r.status, ==, 2);

  /* set meter time: a reason is required; an account without meters sets no clock */
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "create", "校时", "--action", "set-time",
                 "--account", f->accounts[0], NULL);
  assert_fails (&r, 1, "Give a reason");
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "create", "校时", "--action", "set-time",
                 "--reason", "时钟偏差", "--account", f->accounts[0], NULL);
  g_assert_cmpstr (str (&r, "action"), ==, "set-time");
  g_free (id);
  id = g_strdup_printf ("%" G_GINT64_FORMAT, num (&r, "id"));
  vp_test_vpctl (f->db, &r, ENV (BOSS), "batch", "run", id, NULL);
  g_assert_cmpstr (str (&r, "state"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (obj (&r), "items"), 0),
                     "result"), ==, "clock to be set on 0 meters");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/vpctl-site/fees-and-bills", Fixture, NULL, fixture_setup,
              test_fees_and_bills, fixture_teardown);
  g_test_add ("/vp/vpctl-site/apportion", Fixture, NULL, fixture_setup, test_apportion,
              fixture_teardown);
  g_test_add ("/vp/vpctl-site/batch", Fixture, NULL, fixture_setup, test_batch,
              fixture_teardown);
  return g_test_run ();
}
