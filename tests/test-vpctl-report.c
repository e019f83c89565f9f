/* test-vpctl-report.c: "vpctl report" and "vpctl receipt show" end to end, as separate
 * processes against a real database file: the revenue totals equal the movements made,
 * CSV and PDF files are written, a receipt prints and then reprints as a duplicate */
#include "config.h"

#include <string.h>

#include "document-check.h"
#include "vp-money.h"
#include "vp-test-tmp.h"
#include "vp-test-vpctl.h"

#define ADMIN    "VP_PASSWORD=admin-pass-1"
#define CASHIER  "VP_OPERATOR=cashier", "VP_PASSWORD=cashier-pass-1"
#define BOSS     "VP_OPERATOR=boss", "VP_PASSWORD=boss-pass-1"

typedef struct
{
  char   *dir;
  char   *db;
  gint64  topups;     /* fen, as the movements' JSON reported them */
  gint64  refunds;    /* fen, negative */
  guint   count;
  char   *receipt;    /* the second top-up's number */
} Fixture;

static JsonObject *
obj (Run *run)
{
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (run->json));
  return json_node_get_object (run->json);
}

static gint64
fen (JsonObject *o,
     const char *member)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  g_assert_true (vp_money_parse (json_object_get_string_member (o, member),
                                 VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &value,
                                 &error));
  g_assert_no_error (error);
  return value;
}

/* Adds a movement's amount ("amount" of @o, a top-up or refund object) to the sums. */
static void
count_movement (Fixture    *f,
                JsonObject *o)
{
  gint64 amount = fen (o, "amount");

  if (g_str_equal (json_object_get_string_member (o, "kind"), "refund"))
    f->refunds += amount;
  else
    f->topups += amount;
  f->count++;
}

/* A cashier and a supervisor (reports are for supervisors), a shift and four movements: two top-ups (one opening the account), a
 * second account's top-up, a refund. */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  JsonObject *o;

  f->dir = vp_test_tmp_new ();
  f->db = g_build_filename (f->dir, "vendpoint.db", NULL);
  vp_test_vpctl (f->db, &r, ENV (ADMIN), "db", "init", "--admin", "root", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=cashier-pass-1"),
         "operator", "add", "cashier", "--name", "收银员", "--role", "cashier", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (ADMIN, "VP_NEW_PASSWORD=boss-pass-1"),
         "operator", "add", "boss", "--name", "值班长", "--role", "supervisor", NULL);
  g_assert_cmpint (r.status, ==, 0);
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "shift", "open", "--float", "100", NULL);
  g_assert_cmpint (r.status, ==, 0);

  vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "open", "--name", "王伟",
         "--topup", "50", "--method", "cash", NULL);
  count_movement (f, json_object_get_object_member (obj (&r), "topup"));
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "account", "open", "--name", "李娜",
         "--topup", "200.05", "--method", "alipay", NULL);
  count_movement (f, json_object_get_object_member (obj (&r), "topup"));
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "topup", "10000016", "12.30",
         "--method", "wechat", "--ref", "WX1", NULL);
  o = obj (&r);
  count_movement (f, o);
  f->receipt = g_strdup (json_object_get_string_member (o, "receipt"));
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "refund", "10000016", "10", NULL);
  count_movement (f, obj (&r));
  g_assert_cmpint (f->topups, ==, 26235);
  g_assert_cmpint (f->refunds, ==, -1000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->receipt);
}

/* A period around today in UTC, wide enough for any local time zone's "today". */
static void
period (char **from,
        char **to)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) before = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) after = g_date_time_add_days (now, 1);

  *from = g_date_time_format (before, "%F");
  *to = g_date_time_format (after, "%F");
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  gboolean found = FALSE;
  JsonArray *a;

  vp_test_vpctl (f->db, &r, ENV (BOSS), "report", "list", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (r.json));
  a = json_node_get_array (r.json);
  g_assert_cmpuint (json_array_get_length (a), >, 10);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);

      g_assert_nonnull (json_object_get_string_member (o, "title_zh"));
      if (g_str_equal (json_object_get_string_member (o, "name"), "revenue-daily"))
        {
          g_assert_cmpstr (json_object_get_string_member (o, "title_zh"), ==, "收款日报");
          g_assert_true (json_object_get_boolean_member (o, "money"));
          found = TRUE;
        }
    }
  g_assert_true (found);

  /* An unknown report is a usage error that says what to do. */
  vp_test_vpctl (f->db, &r, ENV (BOSS), "report", "revenue-hourly", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "revenue-hourly"));
}

static void
test_revenue_daily (Fixture       *f,
                    gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  JsonObject *totals;
  JsonArray *rows;
  gint64 net = 0;

  period (&from, &to);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "report", "revenue-daily", "--from", from,
         "--to", to, NULL);
  g_assert_cmpstr (json_object_get_string_member (obj (&r), "report"), ==, "revenue-daily");
  totals = json_object_get_object_member (obj (&r), "totals");
  g_assert_cmpint (json_object_get_int_member (totals, "count"), ==, f->count);
  g_assert_cmpint (fen (totals, "topups"), ==, f->topups);
  g_assert_cmpint (fen (totals, "refunds"), ==, f->refunds);
  g_assert_cmpint (fen (totals, "reversals"), ==, 0);
  g_assert_cmpint (fen (totals, "net"), ==, f->topups + f->refunds);

  /* The rows add up to the totals. */
  rows = json_object_get_array_member (obj (&r), "rows");
  g_assert_cmpuint (json_array_get_length (rows), >=, 1);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    net += fen (json_array_get_object_element (rows, i), "net");
  g_assert_cmpint (net, ==, f->topups + f->refunds);

  /* A period with no movements has zero totals, not an error. */
  vp_test_vpctl (f->db, &r, ENV (BOSS), "report", "revenue-daily", "--from",
         "2001-01-01", "--to", "2001-01-31", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj (&r), "rows")),
                    ==, 0);
}

static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *csv_path = g_build_filename (f->dir, "revenue.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "revenue.pdf", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *net = vp_money_format (f->topups + f->refunds);
  gsize size = 0;

  period (&from, &to);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "report", "revenue-daily", "--from", from,
         "--to", to, "--csv", csv_path, "--bom", "--pdf", pdf_path, NULL);
  g_assert_cmpint (r.status, ==, 0);

  /* CSV: the UTF-8 byte order mark, then the header row with the column titles. */
  g_assert_true (g_file_get_contents (csv_path, &csv, &size, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  g_assert_true (g_str_has_prefix (csv + 3, "日期 Date,"));
  g_assert_nonnull (strstr (csv, "净收款 Net received"));
  g_assert_nonnull (strstr (csv, net));

  /* PDF: a PDF file whose text layer has the Chinese title and the net total. */
  g_assert_true (g_file_get_contents (pdf_path, &pdf, &size, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  text = doc_check_pdftotext (pdf_path);
  if (text == NULL)
    return;   /* skipped: no pdftotext */
  g_assert_nonnull (strstr (text, "收款日报"));
  g_assert_nonnull (strstr (text, net));

  /* Without --bom there is no byte order mark. */
  g_clear_pointer (&csv, g_free);
  vp_test_vpctl (f->db, &r, ENV (BOSS), "report", "revenue-daily", "--from", from,
         "--to", to, "--csv", csv_path, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, &size, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "日期 Date,"));
}

static void
test_receipt (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Run) r = { 0 };
  g_autofree char *first_path = g_build_filename (f->dir, "first.pdf", NULL);
  g_autofree char *again_path = g_build_filename (f->dir, "again.pdf", NULL);
  g_autofree char *missing_path = g_build_filename (f->dir, "missing.pdf", NULL);
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  JsonObject *o;

  /* The first print is the original. */
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "receipt", "show", f->receipt,
         "--pdf", first_path, NULL);
  o = obj (&r);
  g_assert_cmpstr (json_object_get_string_member (o, "receipt"), ==, f->receipt);
  g_assert_cmpint (json_object_get_int_member (o, "amount"), ==, 1230);
  g_assert_false (json_object_get_boolean_member (o, "duplicate"));
  first = doc_check_pdftotext (first_path);
  if (first == NULL)
    return;   /* skipped: no pdftotext */
  g_assert_nonnull (strstr (first, "充值收据"));
  g_assert_nonnull (strstr (first, f->receipt));
  g_assert_null (strstr (first, "补打"));
  g_assert_null (strstr (first, "DUPLICATE"));

  /* The second is a reprint and says so. */
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "receipt", "show", f->receipt,
         "--pdf", again_path, "--format", "a5", NULL);
  o = obj (&r);
  g_assert_true (json_object_get_boolean_member (o, "duplicate"));
  g_assert_cmpint (json_object_get_int_member (o, "copy"), ==, 1);
  again = doc_check_pdftotext (again_path);
  if (again == NULL)
    return;
  g_assert_nonnull (strstr (again, "补打"));
  g_assert_nonnull (strstr (again, "DUPLICATE"));
  g_assert_nonnull (strstr (again, f->receipt));

  /* An unknown receipt fails clearly and writes nothing. */
  vp_test_vpctl (f->db, &r, ENV (CASHIER), "receipt", "show", "01-00099999",
         "--pdf", missing_path, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "01-00099999"));
  g_assert_nonnull (strstr (r.err, "no receipt"));
  g_assert_false (g_file_test (missing_path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/vpctl/report/list", Fixture, NULL, fixture_setup, test_list,
              fixture_teardown);
  g_test_add ("/vp/vpctl/report/revenue-daily", Fixture, NULL, fixture_setup,
              test_revenue_daily, fixture_teardown);
  g_test_add ("/vp/vpctl/report/files", Fixture, NULL, fixture_setup, test_files,
              fixture_teardown);
  g_test_add ("/vp/vpctl/report/receipt", Fixture, NULL, fixture_setup, test_receipt,
              fixture_teardown);

  return g_test_run ();
}
