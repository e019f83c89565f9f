/* test-import.c: CSV onboarding (model/vp-import.c): reader, encodings, every kind of
 * bad row, all-or-nothing, dry run, export → import round trip */
#include "config.h"

#include <string.h>

#include "vp-import.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

static gint64
count (Fixture    *f,
       const char *sql)
{
  return vp_test_counter_query (f, sql);
}

static void
define_tariff (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_tariff_define (f->db, f->admin, "居民电价", "electricity", "flat",
                                   "price=0.5283", 0, NULL, &error));
  g_assert_no_error (error);
}

/* A good file: Chinese headers in a shuffled order, CRLF, a quoted address with a comma
 * and a line break, a quoted name with a doubled quote, two meters on one account. */
static const char good_csv[] =
  "户号,姓名,电话,地址,房间,付费方式,电价,表类型,表地址,倍率,初始读数,期初余额\r\n"
  "A1,王伟,138 0013 8000,\"幸福路1号,3栋\n402室\",3-402,预付费,居民电价,电,000000000001,1,100.50,50.00\r\n"
  "A1,王伟,,,3-402,预付费,,水,00000000000002,,12.00,\r\n"
  ",\"李 \"\"小\"\" 娜\",+86-21-5555-0101,,3-403,postpaid,,electricity,000000000003,80,0,-12.34\r\n"
  ",张三,,,,,,,,,,\r\n"
  "\r\n";

static void
test_import_good (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  g_autoptr(VpAccount) first = NULL;
  g_autoptr(VpAccount) second = NULL;
  const VpMeter *water;

  define_tariff (f);
  g_assert_true (vp_import_customers (f->db, f->admin, good_csv, strlen (good_csv),
                                      VP_IMPORT_ENCODING_AUTO, FALSE, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (report->encoding, ==, "UTF-8");
  g_assert_false (report->bom);
  g_assert_cmpuint (report->problems->len, ==, 0);
  g_assert_cmpuint (report->records, ==, 4);
  g_assert_cmpuint (report->accounts, ==, 3);
  g_assert_cmpuint (report->meters, ==, 3);
  g_assert_cmpint (report->opening_total, ==, 5000 - 1234);
  g_assert_cmpuint (report->numbers->len, ==, 3);

  first = vp_account_get (f->db, f->admin, g_ptr_array_index (report->numbers, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->name, ==, "王伟");
  g_assert_cmpstr (first->phone, ==, "138 0013 8000");
  g_assert_cmpstr (first->address, ==, "幸福路1号,3栋\n402室");
  g_assert_cmpstr (first->room, ==, "3-402");
  g_assert_cmpstr (first->tariff, ==, "居民电价");
  g_assert_cmpint (first->balance, ==, 5000);
  g_assert_cmpuint (first->meters->len, ==, 2);
  water = g_ptr_array_index (first->meters, 1);
  g_assert_cmpint (water->kind, ==, VP_METER_KIND_WATER);
  g_assert_cmpint (water->protocol, ==, VP_METER_PROTOCOL_CJT188);
  g_assert_cmpint (water->install_reading, ==, 1200);
  g_assert_cmpint (((VpMeter *) g_ptr_array_index (first->meters, 0))->install_reading, ==, 10050);

  second = vp_account_get (f->db, f->admin, g_ptr_array_index (report->numbers, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->name, ==, "李 \"小\" 娜");
  g_assert_cmpint (second->mode, ==, VP_ACCOUNT_MODE_POSTPAID);
  g_assert_cmpint (second->balance, ==, -1234);
  g_assert_cmpint (((VpMeter *) g_ptr_array_index (second->meters, 0))->multiplier, ==, 80);

  /* Opening balances are adjustments with a receipt, as the ledger's rules say. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM ledger WHERE kind = 'adjustment' "
                             "AND note = 'opening balance (import)' AND receipt IS NOT NULL"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM rooms WHERE label IN ('3-402', '3-403')"), ==, 2);
}

static void
test_import_dry_run (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  gint64 audit_before;

  define_tariff (f);
  audit_before = count (f, "SELECT count(*) FROM audit");
  g_assert_true (vp_import_customers (f->db, f->admin, good_csv, strlen (good_csv),
                                      VP_IMPORT_ENCODING_AUTO, TRUE, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->accounts, ==, 3);
  g_assert_cmpuint (report->meters, ==, 3);
  g_assert_cmpuint (report->numbers->len, ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM meters"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM ledger"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM rooms"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit"), ==, audit_before);
}

typedef struct
{
  guint        line;
  const char  *reason;   /* a part of the message */
} Expected;

static void
assert_problems (VpImportReport  *report,
                 const Expected  *expected,
                 guint            n_expected)
{
  for (guint i = 0; i < report->problems->len; i++)
    {
      VpImportProblem *problem = g_ptr_array_index (report->problems, i);

      g_test_message ("line %u: %s", problem->line, problem->reason);
    }
  g_assert_cmpuint (report->problems->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    {
      VpImportProblem *problem = g_ptr_array_index (report->problems, i);

      g_assert_cmpuint (problem->line, ==, expected[i].line);
      g_assert_nonnull (strstr (problem->reason, expected[i].reason));
    }
}

static void
test_import_bad_rows (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  /* Line numbers count physical lines: line 4's quoted address spans lines 4-5. */
  static const char csv[] =
    "name,phone,address,room,mode,tariff,kind,meter_address,multiplier,install_reading,opening_balance\n"
    ",13800138000,,1-101,,,,,,,\n"                                 /* 2 missing name */
    "A,1380013800x,,1-102,,,,,,,\n"                                /* 3 bad phone */
    "B,,\"two\nlines\",1-1,,,,,,,\n"                              /* 4 ill-formed room */
    "C,,,1-104,weekly,,,,,,\n"                                     /* 6 bad mode */
    "D,,,1-105,,no such tariff,,,,,\n"                             /* 7 unknown tariff */
    "E,,,1-106,,,gas,000000000007,,,\n"                            /* 8 bad kind */
    "F,,,1-107,,,electricity,00000000008,,,\n"                     /* 9 11 digits */
    "G,,,1-108,,,water,0000000000009A,,,\n"                        /* 10 not digits */
    "H,,,1-109,,,electricity,000000000010,,,\n"                    /* 11 good */
    "I,,,1-110,,,electricity,000000000010,,,\n"                    /* 12 duplicate in file */
    "J,,,1-111,,,electricity,000000000099,,,\n"                    /* 13 already in the DB */
    "K,,,1-112,,,,,,,12.345\n"                                     /* 14 bad amount */
    "L,,,1-113,,,electricity,000000000014,0,,\n"                   /* 15 bad multiplier */
    "M,,,1-114,,,electricity,000000000015,,-1,\n"                  /* 16 negative reading */
    "N,,,1-115,,,,,,\n"                                            /* 17 too few fields */
    "O,\"138\"00,,1-116,,,,,,,\n"                                  /* 18 text after a quote */
    "P,,,1-117,,,,,2,,\n"                                          /* 19 meter data, no address */
    "Q,,,1-118,,,,000000000019,,,\n"                               /* 20 no kind */
    "R,,,楼-1a1,,,,,,,\n";                                        /* 21 ill-formed room */
  static const Expected expected[] = {
    { 2, "name is missing" },
    { 3, "phone number" },
    { 4, "building-room" },
    { 6, "payment mode" },
    { 7, "unknown tariff" },
    { 8, "unknown meter kind" },
    { 9, "must be 12 digits" },
    { 10, "must be 14 digits" },
    { 12, "already on line 11" },
    { 13, "already installed" },
    { 14, "opening balance" },
    { 15, "multiplier" },
    { 16, "install reading" },
    { 17, "10 fields, but the header has 11" },
    { 18, "after the closing quote" },
    { 19, "meter address is missing" },
    { 20, "meter kind is missing" },
    { 21, "building-room" },
  };
  g_autofree char *existing = vp_test_counter_open (f, "已有", NULL);
  VpMeterSpec meter;

  vp_meter_spec_init (&meter);
  meter.address = "000000000099";
  g_assert_true (vp_account_add_meter (f->db, f->admin, existing, &meter, NULL, &error));
  g_assert_no_error (error);

  for (int dry_run = 1; dry_run >= 0; dry_run--)
    {
      g_clear_pointer (&report, vp_import_report_free);
      g_assert_false (vp_import_customers (f->db, f->admin, csv, strlen (csv),
                                           VP_IMPORT_ENCODING_AUTO, dry_run, &report, &error));
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "18 bad rows"));
      g_clear_error (&error);
      g_assert_nonnull (report);
      g_assert_cmpuint (report->records, ==, 19);
      assert_problems (report, expected, G_N_ELEMENTS (expected));
      /* All or nothing: the one good row was not imported either. */
      g_assert_cmpint (count (f, "SELECT count(*) FROM accounts"), ==, 1);
      g_assert_cmpint (count (f, "SELECT count(*) FROM meters"), ==, 1);
    }
}

/* A row that only the model refuses (an id number too long for it) still rolls back
 * every account opened before it in the same file, and is reported with its line. */
static void
test_import_model_refusal (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  g_autoptr(GString) csv = g_string_new ("name,id_number,opening_balance\n甲,,10.00\n乙,");

  for (int i = 0; i < 300; i++)
    g_string_append_c (csv, '9');
  g_string_append (csv, ",\n");
  g_assert_false (vp_import_customers (f->db, f->admin, csv->str, csv->len,
                                       VP_IMPORT_ENCODING_AUTO, FALSE, &report, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (report->problems->len, ==, 1);
  g_assert_cmpuint (((VpImportProblem *) g_ptr_array_index (report->problems, 0))->line, ==, 3);
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM ledger"), ==, 0);
}

static void
test_import_gbk (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const char utf8[] = "姓名,电话,房间,期初余额\r\n王伟,13800138000,5-201,100.00\r\n"
                             "\"欧阳,娜娜\",,5-202,\r\n";
  g_autofree char *gbk = NULL;
  gsize gbk_length = 0;

  gbk = g_convert (utf8, -1, "GBK", "UTF-8", NULL, &gbk_length, &error);
  g_assert_no_error (error);
  g_assert_false (g_utf8_validate (gbk, gbk_length, NULL));

  /* Read as UTF-8 on request, it is refused with the line; nothing written. */
  g_assert_false (vp_import_customers (f->db, f->admin, gbk, gbk_length,
                                       VP_IMPORT_ENCODING_UTF8, FALSE, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Line 1"));
  g_clear_error (&error);

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(VpImportReport) report = NULL;
      g_autoptr(VpAccount) account = NULL;

      /* Detected, then given explicitly (dry run, then for real). */
      g_assert_true (vp_import_customers (f->db, f->admin, gbk, gbk_length,
                                          i == 0 ? VP_IMPORT_ENCODING_AUTO : VP_IMPORT_ENCODING_GBK,
                                          i == 0, &report, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (report->encoding, ==, "GB18030");
      g_assert_cmpuint (report->accounts, ==, 2);
      if (i == 0)
        continue;
      account = vp_account_get (f->db, f->admin, g_ptr_array_index (report->numbers, 1), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (account->name, ==, "欧阳,娜娜");
    }
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts WHERE balance = 10000"), ==, 1);
}

static void
test_import_bom (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  static const char csv[] = "\xEF\xBB\xBF姓名,房间\n赵六,2-301\n";

  g_assert_true (vp_import_customers (f->db, f->admin, csv, strlen (csv),
                                      VP_IMPORT_ENCODING_AUTO, FALSE, &report, &error));
  g_assert_no_error (error);
  g_assert_true (report->bom);
  g_assert_cmpstr (report->encoding, ==, "UTF-8");
  g_assert_cmpint (count (f, "SELECT count(*) FROM customers WHERE name = '赵六'"), ==, 1);
}

static void
test_import_bad_files (Fixture       *f,
                       gconstpointer  data)
{
  static const struct
  {
    const char *csv;
    gsize       length;
    const char *message;
  } cases[] = {
    { "", 0, "empty" },
    { "phone,room\n1,1-101\n", 0, "“name” (姓名) is required" },
    { "name,colour\nA,red\n", 0, "unknown column “colour”" },
    { "name,姓名\nA,B\n", 0, "appears twice" },
    { "name\nA\0B\n", 9, "NUL byte" },
    { "name\n\"A\n", 0, "not closed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VpImportReport) report = NULL;
      gsize length = cases[i].length != 0 ? cases[i].length : strlen (cases[i].csv);
      gboolean ok = vp_import_customers (f->db, f->admin, cases[i].csv, length,
                                         VP_IMPORT_ENCODING_AUTO, FALSE, &report, &error);

      g_assert_false (ok);
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
      if (report != NULL && report->problems->len > 0)
        {
          VpImportProblem *problem = g_ptr_array_index (report->problems, 0);

          g_assert_nonnull (strstr (problem->reason, cases[i].message));
        }
      else
        g_assert_nonnull (strstr (error->message, cases[i].message));
    }
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts"), ==, 0);
}

static void
test_import_permission (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  static const char csv[] = "name,opening_balance\nA,1.00\n";

  g_assert_false (vp_import_customers (f->db, f->cashier, csv, strlen (csv),
                                       VP_IMPORT_ENCODING_AUTO, FALSE, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (count (f, "SELECT count(*) FROM accounts"), ==, 0);
}

static void
test_csv_reader (void)
{
  static const char text[] = "a,\"b,c\",\"d\"\"e\"\r\n\r\n\"x\ny\",,\"\"\nz\"q,w\n\"u\"v,1\n\"open";
  g_autoptr(GPtrArray) records = vp_import_csv_read (text, strlen (text));
  VpCsvRecord *r;

  g_assert_cmpuint (records->len, ==, 5);
  r = g_ptr_array_index (records, 0);
  g_assert_cmpuint (r->line, ==, 1);
  g_assert_cmpuint (g_strv_length (r->fields), ==, 3);
  g_assert_cmpstr (r->fields[1], ==, "b,c");
  g_assert_cmpstr (r->fields[2], ==, "d\"e");
  g_assert_null (r->error);
  r = g_ptr_array_index (records, 1);
  g_assert_cmpuint (r->line, ==, 3);
  g_assert_cmpstr (r->fields[0], ==, "x\ny");
  g_assert_cmpstr (r->fields[1], ==, "");
  g_assert_cmpstr (r->fields[2], ==, "");
  r = g_ptr_array_index (records, 2);
  g_assert_cmpuint (r->line, ==, 5);
  g_assert_nonnull (r->error);
  r = g_ptr_array_index (records, 3);
  g_assert_cmpuint (r->line, ==, 6);
  g_assert_nonnull (strstr (r->error, "after the closing quote"));
  r = g_ptr_array_index (records, 4);
  g_assert_cmpuint (r->line, ==, 7);
  g_assert_nonnull (strstr (r->error, "not closed"));
}

static void
test_import_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *again = NULL;
  gsize length = 0;
  gsize again_length = 0;
  Fixture other = { 0 };

  define_tariff (f);
  g_assert_true (vp_import_customers (f->db, f->admin, good_csv, strlen (good_csv),
                                      VP_IMPORT_ENCODING_AUTO, FALSE, NULL, &error));
  g_assert_no_error (error);
  exported = vp_import_export_customers (f->db, f->admin, TRUE, &length, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (exported, "\xEF\xBB\xBF" "account,name,phone"));
  g_assert_nonnull (strstr (exported, "\"李 \"\"小\"\" 娜\""));

  vp_test_counter_setup (&other, NULL);
  define_tariff (&other);
  g_assert_true (vp_import_customers (other.db, other.admin, exported, length,
                                      VP_IMPORT_ENCODING_AUTO, FALSE, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->accounts, ==, 3);
  g_assert_cmpuint (report->meters, ==, 3);
  again = vp_import_export_customers (other.db, other.admin, TRUE, &again_length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, exported);
  vp_test_counter_teardown (&other, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/import/csv-reader", test_csv_reader);
#define ADD(path, func) \
  g_test_add ("/vp/import/" path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("good", test_import_good);
  ADD ("dry-run", test_import_dry_run);
  ADD ("bad-rows", test_import_bad_rows);
  ADD ("model-refusal", test_import_model_refusal);
  ADD ("gbk", test_import_gbk);
  ADD ("bom", test_import_bom);
  ADD ("bad-files", test_import_bad_files);
  ADD ("permission", test_import_permission);
  ADD ("round-trip", test_import_round_trip);
#undef ADD
  return g_test_run ();
}
