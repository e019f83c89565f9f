/* test-vpctl-import.c: `vpctl import customers` and `vpctl export customers` end to end
 * (app/vpctl-import.c over model/vp-import.c) */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

/* Runs vpctl as root with the NULL-terminated @argv; its exit code, stdout and stderr. */
static int
vpctl (Fixture     *f,
       char       **out_stdout,
       char       **out_stderr,
       const char  *first,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("VPCTL"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  env = g_environ_setenv (env, "VP_DB", vp_database_get_path (f->db), TRUE);
  env = g_environ_setenv (env, "VP_OPERATOR", "root", TRUE);
  env = g_environ_setenv (env, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               out_stdout, out_stderr, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *data,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, length, &error));
  g_assert_no_error (error);
  return path;
}

static void
test_vpctl_import (Fixture       *f,
                   gconstpointer  data)
{
  static const char bad[] = "姓名,电话,房间,表类型,表地址,期初余额\n"
                            "王伟,13800138000,3-402,电,000000000001,50.00\n"
                            ",abc,3-40,电,1,x\n";
  static const char good_utf8[] = "姓名,电话,房间,表类型,表地址,期初余额\r\n"
                                  "王伟,13800138000,3-402,电,000000000001,50.00\r\n"
                                  "\"欧阳,娜娜\",,3-403,水,00000000000002,\r\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_path = write_file (f, "bad.csv", bad, -1);
  g_autofree char *gbk = NULL;
  g_autofree char *good_path = NULL;
  g_autofree char *export_path = g_build_filename (f->dir, "export.csv", NULL);
  g_autofree char *exported = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize gbk_length = 0;

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set (run through meson test)");
      return;
    }

  /* Every problem of line 3 is listed with FILE:LINE; nothing is written. */
  g_assert_cmpint (vpctl (f, &out, &err, "import", "customers", bad_path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "bad.csv:3: the customer name is missing"));
  g_assert_nonnull (strstr (err, "bad.csv:3: phone number"));
  g_assert_nonnull (strstr (err, "bad.csv:3: room"));
  g_assert_nonnull (strstr (err, "bad.csv:3: opening balance"));
  g_assert_nonnull (strstr (err, "1 bad row: nothing was imported"));
  g_assert_cmpint (vp_test_counter_query (f, "SELECT count(*) FROM accounts"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The same rows as Excel writes them on a Chinese Windows (GBK). */
  gbk = g_convert (good_utf8, -1, "GBK", "UTF-8", NULL, &gbk_length, &error);
  g_assert_no_error (error);
  good_path = write_file (f, "good.csv", gbk, (gssize) gbk_length);
  g_assert_cmpint (vpctl (f, &out, &err, "import", "customers", good_path, "--dry-run", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Dry run"));
  g_assert_cmpint (vp_test_counter_query (f, "SELECT count(*) FROM accounts"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (vpctl (f, &out, &err, "--json", "import", "customers", good_path,
                          "--encoding", "gbk", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"accounts\":2"));
  g_assert_nonnull (strstr (out, "\"encoding\":\"GB18030\""));
  g_assert_cmpint (vp_test_counter_query (f, "SELECT count(*) FROM customers WHERE name = '欧阳,娜娜'"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (vpctl (f, &out, &err, "export", "customers", export_path, "--bom", NULL), ==, 0);
  g_assert_true (g_file_get_contents (export_path, &exported, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (exported, "\xEF\xBB\xBF" "account,name,"));
  g_assert_nonnull (strstr (exported, ",\"欧阳,娜娜\",,,,3-403,prepaid,,water,cjt188,00000000000002,1,0.00,\r\n"));
  g_assert_nonnull (strstr (exported, ",王伟,13800138000,,,3-402,prepaid,,electricity,dlt645,000000000001,1,0.00,50.00\r\n"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Importing the export again is refused: those meters are installed already. */
  g_assert_cmpint (vpctl (f, &out, &err, "import", "customers", export_path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already installed"));

  g_assert_cmpint (vpctl (f, NULL, NULL, "import", "customers", good_path, "--encoding", "latin1", NULL), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/vpctl/import", Fixture, NULL, vp_test_counter_setup, test_vpctl_import,
              vp_test_counter_teardown);
  return g_test_run ();
}
