/* test-csv.c: RFC 4180 export */
#include "config.h"

#include <glib/gstdio.h>

#include "vp-csv.h"
#include "vp-model-error.h"

typedef struct
{
  const char *field;
  const char *encoded;
} QuoteCase;

static const QuoteCase quote_cases[] = {
  { "plain",               "plain" },
  { "",                    "" },
  { "张三",                "张三" },
  { "a,b",                 "\"a,b\"" },
  { "say \"hi\"",          "\"say \"\"hi\"\"\"" },
  { "\"",                  "\"\"\"\"" },
  { "line1\nline2",        "\"line1\nline2\"" },
  { "cr\rhere",            "\"cr\rhere\"" },
  { "1号楼,3单元 \"东\"",  "\"1号楼,3单元 \"\"东\"\"\"" },
  { " spaced ",            " spaced " },
  { "=SUM(A1)",            "=SUM(A1)" },   /* untouched without FORMULA_SAFE */
};

static void
test_csv_quoting (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (quote_cases); i++)
    {
      g_autoptr(VpCsvWriter) w = vp_csv_writer_new (VP_CSV_NONE);
      g_autofree char *expected = g_strconcat (quote_cases[i].encoded, ",x\r\n", NULL);

      vp_csv_writer_add_text (w, quote_cases[i].field);
      vp_csv_writer_add_text (w, "x");
      vp_csv_writer_end_row (w);
      g_assert_cmpstr (vp_csv_writer_get_data (w, NULL), ==, expected);
    }
}

/* An independent RFC 4180 reader: returns records as arrays of fields. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *record = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++;; p++)
            {
              g_assert (*p != '\0');   /* unterminated quote */
              if (*p == '"' && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p++;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                g_string_append_c (field, *p);
            }
          g_assert (*p == ',' || *p == '\r');
        }
      while (*p != '\0' && *p != ',' && *p != '\r')
        {
          g_assert (*p != '\n' && *p != '"');   /* bare LF or quote: not RFC 4180 */
          g_string_append_c (field, *p++);
        }
      g_ptr_array_add (record, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else if (*p == '\r')
        {
          g_assert (p[1] == '\n');
          p += 2;
          g_ptr_array_add (records, record);
          record = g_ptr_array_new_with_free_func (g_free);
        }
    }
  g_assert_cmpuint (record->len, ==, 0);   /* the last record was ended */
  g_ptr_array_unref (record);
  g_string_free (field, TRUE);
  return records;
}

static void
test_csv_round_trip (void)
{
  const char * const row1[] = { "账号 Account", "姓名", "金额", NULL };
  const char * const row2[] = { "10001", "王,小明", "备注\"A\"\r\n第二行", NULL };
  g_autoptr(VpCsvWriter) w = vp_csv_writer_new (VP_CSV_NONE);
  g_autoptr(GPtrArray) records = NULL;
  GPtrArray *r;

  vp_csv_writer_add_row (w, row1);
  vp_csv_writer_add_row (w, row2);
  vp_csv_writer_add_int (w, -42);
  vp_csv_writer_add_money (w, -1230);
  vp_csv_writer_add_money (w, 5);
  vp_csv_writer_add_text (w, NULL);
  vp_csv_writer_end_row (w);

  records = parse_csv (vp_csv_writer_get_data (w, NULL));
  g_assert_cmpuint (records->len, ==, 3);
  r = records->pdata[1];
  g_assert_cmpuint (r->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (r->pdata[i], ==, row2[i]);
  r = records->pdata[2];
  g_assert_cmpuint (r->len, ==, 4);
  g_assert_cmpstr (r->pdata[0], ==, "-42");
  g_assert_cmpstr (r->pdata[1], ==, "-12.30");
  g_assert_cmpstr (r->pdata[2], ==, "0.05");
  g_assert_cmpstr (r->pdata[3], ==, "");
}

static void
test_csv_bom_and_save (void)
{
  g_autoptr(VpCsvWriter) w = vp_csv_writer_new (VP_CSV_BOM);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("vp-csv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "missing", "out.csv", NULL);
  g_autofree char *contents = NULL;
  gsize length;

  vp_csv_writer_add_text (w, "电费");
  vp_csv_writer_add_text (w, "bad\xff utf8");
  /* no end_row: save ends the record */
  g_assert_true (vp_csv_writer_save (w, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, "\xEF\xBB\xBF电费,bad\xEF\xBF\xBD utf8\r\n",
                   strlen ("\xEF\xBB\xBF电费,bad\xEF\xBF\xBD utf8\r\n"));
  g_assert_true (g_utf8_validate (contents, length, NULL));

  g_assert_false (vp_csv_writer_save (w, bad_path, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED);
  g_assert_false (g_file_test (bad_path, G_FILE_TEST_EXISTS));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_csv_formula_safe (void)
{
  g_autoptr(VpCsvWriter) w = vp_csv_writer_new (VP_CSV_FORMULA_SAFE);

  vp_csv_writer_add_text (w, "=HYPERLINK(\"x\")");
  vp_csv_writer_add_text (w, "+86 138");
  vp_csv_writer_add_text (w, "@x");
  vp_csv_writer_add_text (w, "ok=1");
  vp_csv_writer_add_text (w, "");
  vp_csv_writer_add_money (w, -500);
  vp_csv_writer_end_row (w);
  g_assert_cmpstr (vp_csv_writer_get_data (w, NULL), ==,
                   "\"'=HYPERLINK(\"\"x\"\")\",'+86 138,'@x,ok=1,,-5.00\r\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/csv/quoting", test_csv_quoting);
  g_test_add_func ("/vp/csv/round-trip", test_csv_round_trip);
  g_test_add_func ("/vp/csv/bom-and-save", test_csv_bom_and_save);
  g_test_add_func ("/vp/csv/formula-safe", test_csv_formula_safe);

  return g_test_run ();
}
