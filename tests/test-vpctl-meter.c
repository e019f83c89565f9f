/* test-vpctl-meter.c: vpctl meter / water / sim end to end, as separate processes */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "vp-test-tmp.h"

#define METERS "e:000000000001/energy=1234.56,e:000010604867/money=50.00," \
               "e:000000000002/fault=no-reply,w:00000000000012/volume=1000.10"

typedef struct
{
  GSubprocess *sim;
  char        *link;      /* tcp://127.0.0.1:PORT?baud=9600 */
  char        *pty_link;  /* serial:…/ttySIM?baud=9600&parity=none */
  char        *dir;
} Fixture;

static const char *
vpctl_path (void)
{
  const char *path = g_getenv ("VPCTL");

  g_assert_nonnull (path);
  return path;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  g_autofree char *pty = NULL;
  JsonObject *root;

  f->dir = g_dir_make_tmp ("vp-vpctl-meter-XXXXXX", &error);
  g_assert_no_error (error);
  pty = g_build_filename (f->dir, "ttySIM", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A failed assertion aborts this process without teardown: take the simulator along. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->sim = g_subprocess_launcher_spawn (launcher, &error, vpctl_path (), "sim",
                                        "--tcp", "127.0.0.1:0", "--pty", pty, "--json",
                                        "--meters", METERS, "--baud", "9600", "--turnaround", "5",
                                        NULL);
  g_assert_no_error (error);

  /* The ready handshake: one JSON line once it listens. */
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->sim));
  line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (root, "tcp"), "127.0.0.1:"));
  g_assert_cmpstr (json_object_get_string_member (root, "pty"), ==, pty);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "meters")), ==, 4);
  f->link = g_strdup_printf ("tcp://%s?baud=9600", json_object_get_string_member (root, "tcp"));
  f->pty_link = g_strdup (json_object_get_string_member (root, "pty_link"));
  g_assert_true (g_file_test (pty, G_FILE_TEST_EXISTS));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pty = g_build_filename (f->dir, "ttySIM", NULL);

  g_subprocess_send_signal (f->sim, SIGTERM);
  g_assert_true (g_subprocess_wait (f->sim, NULL, &error));
  g_assert_no_error (error);
  /* It stops cleanly and takes its symlink with it. */
  g_assert_true (g_subprocess_get_if_exited (f->sim));
  g_assert_cmpint (g_subprocess_get_exit_status (f->sim), ==, 0);
  g_assert_false (g_file_test (pty, G_FILE_TEST_EXISTS));
  g_rmdir (f->dir);
  g_object_unref (f->sim);
  g_free (f->link);
  g_free (f->pty_link);
  g_free (f->dir);
}

/* Run vpctl with @args (NULL-terminated), return its exit status and output. */
static int
run_vpctl (char       **out_stdout,
           char       **out_stderr,
           const char  *first,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) vpctl_path ());
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, out_stdout, out_stderr,
                                                &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

/* Parse one JSON object; the parser owns it. */
static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_meter_read (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *o;

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "read", "--link", f->link, "--address",
                              "000000000001", "--item", "energy.forward.total", "--json", NULL),
                   ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "address"), ==, "000000000001");
  g_assert_cmpstr (json_object_get_string_member (o, "di"), ==, "00010000");
  g_assert_cmpstr (json_object_get_string_member (o, "item"), ==, "energy.forward.total");
  g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, "1234.56");
  g_assert_cmpstr (json_object_get_string_member (o, "unit"), ==, "kWh");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Over the pty too, by DI; --verbose puts the frame log on stderr only. */
  g_assert_cmpint (run_vpctl (&out, &err, "--verbose", "meter", "read", "--link", f->pty_link,
                              "--address", "000010604867", "--di", "00900200", "--json", NULL),
                   ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, "50.00");
  g_assert_cmpstr (json_object_get_string_member (o, "unit"), ==, "yuan");
  g_assert_nonnull (strstr (err, " TX FE FE FE FE 68 67 48 60 10 00 00 68 11 04"));
  g_assert_nonnull (strstr (err, " RX 68 67 48 60 10 00 00 68 91 08"));
}

static void
test_meter_control_status (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *o;

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "control", "--link", f->link, "--address",
                              "000000000001", "--action", "trip", "--password", "02:000000",
                              "--operator", "12345678", "--valid-minutes", "10", "--json", NULL),
                   ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "action"), ==, "trip");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "status", "--link", f->link, "--address",
                              "000000000001", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "relay"), ==, "open");
  g_assert_false (json_object_get_boolean_member (o, "keep_power"));
  g_assert_cmpstr (json_object_get_string_member (o, "meter_type"), ==, "not-prepaid");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "control", "--link", f->link, "--address",
                              "000000000001", "--action", "keep-power", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "status", "--link", f->link, "--address",
                              "000000000001", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_true (json_object_get_boolean_member (o, "keep_power"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Wrong password: the meter's refusal, named. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "control", "--link", f->link, "--address",
                              "000000000001", "--action", "close", "--password", "02:999999",
                              NULL), ==, 1);
  g_assert_nonnull (strstr (err, "password"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "time", "--link", f->link, "--address",
                              "000000000001", "--set", "--at", "2030-05-06T07:08:09", "--json",
                              NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "time"), ==, "2030-05-06T07:08:09");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "read", "--link", f->link, "--address",
                              "000000000001", "--di", "04000101", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, "2030-05-06");
}

static void
test_water (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *o;

  g_assert_cmpint (run_vpctl (&out, &err, "water", "read", "--link", f->link, "--address",
                              "00000000000012", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "value"), ==, "1000.10");
  g_assert_cmpstr (json_object_get_string_member (o, "valve"), ==, "open");
  g_assert_false (json_object_get_boolean_member (o, "battery_low"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "water", "valve", "close", "--link", f->link,
                              "--address", "00000000000012", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "valve"), ==, "closed");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "water", "read", "--link", f->link, "--address",
                              "00000000000012", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "valve"), ==, "closed");
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "read", "--link", "tcp://127.0.0.1",
                              "--address", "000000000001", "--item", "energy.forward.total",
                              NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Invalid link “tcp://127.0.0.1”: no port"));
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "meter", "read", "--link", "ftp://x", "--address",
                              "1", "--di", "00010000", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "serial:"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A silent meter: TIMEOUT named, after the tries asked for. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "read", "--link", f->link, "--address",
                              "000000000002", "--item", "energy.forward.total", "--timeout",
                              "200", "--tries", "2", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Meter 000000000002 did not answer (timeout after 2 tries)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors exit 2. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "read", "--link", f->link, "--address",
                              "000000000001", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "control", "--link", f->link, "--address",
                              "000000000001", "--action", "explode", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "explode"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "sim", "--meters", "x:1", "--tcp", "127.0.0.1:0",
                              NULL), ==, 2);
  g_assert_nonnull (strstr (err, "e: (electricity) or w: (water)"));
}

/* vpctl meter add: the install reading is read from the meter when it answers, taken
 * from --install-reading when it does not, and nothing is installed otherwise. */
static void
test_meter_add (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = vp_test_tmp_new ();
  g_autofree char *db = g_build_filename (dir, "add.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *account = NULL;
  JsonObject *o;
  JsonArray *meters;

  g_setenv ("VP_DB", db, TRUE);
  g_setenv ("VP_PASSWORD", "secret-123", TRUE);
  g_assert_cmpint (run_vpctl (&out, &err, "db", "init", "--admin", "admin", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "account", "open", "--name", "李四", "--json", NULL),
                   ==, 0);
  account = g_strdup (json_object_get_string_member (parse_object (parser, out), "account"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Electricity: the register the simulator holds becomes the install reading. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "electricity", "--address", "000000000001", "--link", f->link,
                              "--password", "02:000000", "--multiplier", "40", "--json", NULL),
                   ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "install_reading"), ==, "1234.56");
  g_assert_cmpstr (json_object_get_string_member (o, "install_reading_source"), ==, "meter");
  g_assert_cmpint (json_object_get_int_member (o, "multiplier"), ==, 40);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Water, over the pty. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "water", "--address", "00000000000012", "--link", f->pty_link,
                              "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "install_reading"), ==, "1000.10");
  g_assert_cmpstr (json_object_get_string_member (o, "protocol"), ==, "cjt188");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A meter that does not answer: refused without --install-reading … */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "electricity", "--address", "000000000002", "--link", f->link,
                              NULL), ==, 1);
  g_assert_nonnull (strstr (err, "did not answer"));
  g_assert_nonnull (strstr (err, "--install-reading"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* … installed with it. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "electricity", "--address", "000000000002", "--link", f->link,
                              "--install-reading", "7.5", "--json", NULL), ==, 0);
  o = parse_object (parser, out);
  g_assert_cmpstr (json_object_get_string_member (o, "install_reading"), ==, "7.50");
  g_assert_cmpstr (json_object_get_string_member (o, "install_reading_source"), ==, "given");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The same address twice, a bad kind, a bad password: clear errors, nothing added. */
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "electricity", "--address", "000000000001", "--link", f->link,
                              NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already installed"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "gas", "--address", "000000000001", "--link", f->link, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "electricity or water"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_vpctl (&out, &err, "meter", "add", "--account", account, "--kind",
                              "electricity", "--address", "000010604867", "--link", f->link,
                              "--password", "2-12", NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_vpctl (&out, &err, "account", "show", account, "--json", NULL), ==, 0);
  meters = json_object_get_array_member (parse_object (parser, out), "meters");
  g_assert_cmpuint (json_array_get_length (meters), ==, 3);

  /* VP_DB stays set (unsetenv is not thread-safe); no other test here reads it. */
  vp_test_tmp_remove (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/vp/vpctl-meter/read", Fixture, NULL, fixture_setup, test_meter_read,
              fixture_teardown);
  g_test_add ("/vp/vpctl-meter/control-status-time", Fixture, NULL, fixture_setup,
              test_meter_control_status, fixture_teardown);
  g_test_add ("/vp/vpctl-meter/water", Fixture, NULL, fixture_setup, test_water,
              fixture_teardown);
  g_test_add ("/vp/vpctl-meter/errors", Fixture, NULL, fixture_setup, test_errors,
              fixture_teardown);
  g_test_add ("/vp/vpctl-meter/add", Fixture, NULL, fixture_setup, test_meter_add,
              fixture_teardown);

  return g_test_run ();
}
