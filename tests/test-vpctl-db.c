/* test-vpctl-db.c: "vpctl db" and "vpctl operator" end to end, as a technician would
 * run them, against a real database file */
#include "config.h"

/* posix_openpt(), grantpt(), unlockpt(), ptsname() */
#define _XOPEN_SOURCE 700

#include <fcntl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vp-test-tmp.h"

#define ADMIN_PASSWORD   "admin-pass-1"
#define CASHIER_PASSWORD "cashier-pass-1"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Start vpctl --db DB ARGS… with @env ("NAME=value" pairs, NULL-terminated) added to a
 * clean environment. With @tty_fd ≥ 0 its stdin, stdout and stderr are that terminal;
 * otherwise they are pipes (so stdin is not a terminal). */
static GSubprocess *
spawn_vpctl (Fixture            *f,
             int                 tty_fd,
             const char * const *env,
             va_list             ap)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *vpctl_path = g_getenv ("VPCTL");
  const char *arg;
  GSubprocess *proc;

  g_assert_nonnull (vpctl_path);
  g_ptr_array_add (args, (gpointer) vpctl_path);
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, f->db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  g_ptr_array_add (args, NULL);

  if (tty_fd >= 0)
    {
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
      g_subprocess_launcher_take_stdin_fd (launcher, dup (tty_fd));
      g_subprocess_launcher_take_stdout_fd (launcher, dup (tty_fd));
      g_subprocess_launcher_take_stderr_fd (launcher, dup (tty_fd));
    }
  else
    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                          | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                          | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "VP_PASSWORD");
  g_subprocess_launcher_unsetenv (launcher, "VP_NEW_PASSWORD");
  g_subprocess_launcher_unsetenv (launcher, "VP_OPERATOR");
  g_subprocess_launcher_unsetenv (launcher, "VP_DB");
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->dir, TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_test_message ("vpctl %s %s", (const char *) g_ptr_array_index (args, 3),
                  (const char *) g_ptr_array_index (args, 4));
  return proc;
}

static GSubprocess *
spawn_vpctl_args (Fixture            *f,
                  const char * const *env,
                  ...)
{
  GSubprocess *proc;
  va_list ap;

  va_start (ap, env);
  proc = spawn_vpctl (f, -1, env, ap);
  va_end (ap);
  return proc;
}

/* Run vpctl to the end with stdin not a terminal; see spawn_vpctl(). */
static void
vpctl (Fixture            *f,
       Run                *run,
       const char * const *env,
       ...)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, env);
  proc = spawn_vpctl (f, -1, env, ap);
  va_end (ap);
  g_subprocess_communicate_utf8 (proc, "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
  g_test_message ("→ %d\nstdout: %s\nstderr: %s", run->status, run->out, run->err);
}

/* Read the terminal into @transcript until it ends with @prompt, or until the other
 * side closes it when @prompt is NULL. Fails the test after 30 s of silence. */
static void
read_terminal (int         master,
               GString    *transcript,
               const char *prompt)
{
  while (prompt == NULL || !g_str_has_suffix (transcript->str, prompt))
    {
      GPollFD pfd = { .fd = master, .events = G_IO_IN };
      char buffer[256];
      ssize_t n;

      g_assert_cmpint (g_poll (&pfd, 1, 30 * 1000), ==, 1);
      n = read (master, buffer, sizeof buffer);
      if (n <= 0)
        {
          /* EIO: every copy of the terminal's other end is closed. */
          g_assert_null (prompt);
          return;
        }
      g_string_append_len (transcript, buffer, n);
    }
}

/* Run vpctl on a pseudo-terminal, typing @answers[i] after the prompt @prompts[i]
 * appears; the whole screen ends up in @run->out. */
static void
vpctl_typed (Fixture            *f,
             Run                *run,
             const char * const *prompts,
             const char * const *answers,
             ...)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  GString *transcript = g_string_new (NULL);
  int master;
  int slave;
  va_list ap;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);

  va_start (ap, answers);
  proc = spawn_vpctl (f, slave, NULL, ap);
  va_end (ap);
  /* Only the child holds the terminal now, so its exit reads as end of file. */
  close (slave);

  for (guint i = 0; prompts[i] != NULL; i++)
    {
      read_terminal (master, transcript, prompts[i]);
      g_assert_cmpint (write (master, answers[i], strlen (answers[i])), ==, strlen (answers[i]));
      g_assert_cmpint (write (master, "\n", 1), ==, 1);
    }
  read_terminal (master, transcript, NULL);
  close (master);

  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
  run->out = g_string_free (transcript, FALSE);
  run->err = g_strdup ("");
  g_test_message ("→ %d\nterminal: %s", run->status, run->out);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

static const char * const admin_env[] = { "VP_PASSWORD=" ADMIN_PASSWORD, NULL };

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) result = NULL;

  f->dir = vp_test_tmp_new ();
  f->db = g_build_filename (f->dir, "counter.db", NULL);

  vpctl (f, &run, admin_env, "db", "init", "--admin", "root", "--name", "Wang Fang", "--json",
         NULL);
  g_assert_cmpint (run.status, ==, 0);
  result = parse_object (run.out);
  g_assert_true (json_object_get_boolean_member (result, "ok"));
  g_assert_cmpstr (json_object_get_string_member (result, "admin"), ==, "root");
  g_assert_cmpstr (json_object_get_string_member (result, "database"), ==, f->db);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  vp_test_tmp_remove (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static void
add_cashier (Fixture *f)
{
  static const char * const env[] = {
    "VP_PASSWORD=" ADMIN_PASSWORD, "VP_NEW_PASSWORD=" CASHIER_PASSWORD, NULL
  };
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) result = NULL;

  vpctl (f, &run, env, "operator", "add", "li.na", "--name", "李娜", "--role", "cashier",
         "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  result = parse_object (run.out);
  g_assert_cmpstr (json_object_get_string_member (result, "login"), ==, "li.na");
  g_assert_cmpstr (json_object_get_string_member (result, "role"), ==, "cashier");
  g_assert_cmpint (json_object_get_int_member (result, "operator_id"), ==, 2);
}

static void
assert_failed (Run        *run,
               const char *words)
{
  g_assert_cmpint (run->status, ==, 1);
  g_assert_nonnull (strstr (run->err, words));
}

/* The whole story of the issue: init, add, list, verify; then someone edits the log
 * with the sqlite3 shell and verify names the row. */
static void
test_lifecycle (Fixture       *f,
                gconstpointer  data)
{
  g_auto(Run) list = { 0 };
  g_auto(Run) verify = { 0 };
  g_auto(Run) tampered = { 0 };
  g_auto(Run) again = { 0 };
  g_autoptr(JsonObject) listed = NULL;
  g_autoptr(JsonObject) verified = NULL;
  g_autoptr(JsonObject) failed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sqlite3 = g_find_program_in_path ("sqlite3");
  g_autofree char *sql_out = NULL;
  g_autofree char *sql_err = NULL;
  JsonArray *operators;
  JsonObject *cashier;
  const char *head;
  int sql_status = -1;

  add_cashier (f);

  vpctl (f, &list, admin_env, "operator", "list", "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
  listed = parse_object (list.out);
  operators = json_object_get_array_member (listed, "operators");
  g_assert_cmpuint (json_array_get_length (operators), ==, 2);
  cashier = json_array_get_object_element (operators, 1);
  g_assert_cmpstr (json_object_get_string_member (cashier, "login"), ==, "li.na");
  g_assert_cmpstr (json_object_get_string_member (cashier, "name"), ==, "李娜");
  g_assert_cmpstr (json_object_get_string_member (cashier, "role"), ==, "cashier");
  g_assert_true (json_object_get_boolean_member (cashier, "active"));
  g_assert_false (json_object_get_boolean_member (cashier, "locked"));

  vpctl (f, &verify, admin_env, "db", "verify", "--json", NULL);
  g_assert_cmpint (verify.status, ==, 0);
  verified = parse_object (verify.out);
  g_assert_true (json_object_get_boolean_member (verified, "ok"));
  g_assert_cmpstr (json_object_get_string_member (verified, "integrity"), ==, "ok");
  /* operator.add ×2, login ×3 (add, list, verify) */
  g_assert_cmpint (json_object_get_int_member (verified, "audit_rows"), ==, 5);
  head = json_object_get_string_member (verified, "audit_head");
  g_assert_cmpuint (strlen (head), ==, 64);

  if (sqlite3 == NULL)
    {
      g_test_skip ("no sqlite3 shell to tamper with");
      return;
    }

  /* Row 3 records the cashier being added; make her a supervisor after the fact. */
  {
    const char *argv[] = {
      sqlite3, f->db,
      "DROP TRIGGER audit_no_update; "
      "UPDATE audit SET after = replace(after, 'cashier', 'supervisor') WHERE id = 3;",
      NULL
    };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &sql_out, &sql_err,
                  &sql_status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (sql_status, &error));
  }

  vpctl (f, &tampered, admin_env, "db", "verify", "--json", NULL);
  assert_failed (&tampered, "row 3 ");
  failed = parse_object (tampered.out);
  g_assert_false (json_object_get_boolean_member (failed, "ok"));
  g_assert_cmpint (json_object_get_int_member (failed, "audit_bad_row"), ==, 3);
  g_assert_nonnull (strstr (json_object_get_string_member (failed, "audit_error"), "row 3"));

  /* Without --json too, and it stays failed. */
  vpctl (f, &again, admin_env, "db", "verify", NULL);
  assert_failed (&again, "Audit log row 3");
}

static void
test_init_twice (Fixture       *f,
                 gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  vpctl (f, &run, admin_env, "db", "init", "--admin", "boss", NULL);
  assert_failed (&run, "already has operators");
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const env[] = { "VP_PASSWORD=not-the-password", NULL };
  g_auto(Run) run = { 0 };

  vpctl (f, &run, env, "operator", "list", NULL);
  assert_failed (&run, "Wrong login or password");
  g_assert_cmpstr (run.out, ==, "");
}

/* No VP_PASSWORD and no terminal: say how to give one instead of hanging. */
static void
test_no_password (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  vpctl (f, &run, NULL, "operator", "list", NULL);
  assert_failed (&run, "VP_PASSWORD");
}

static void
test_cashier_denied (Fixture       *f,
                     gconstpointer  data)
{
  static const char * const env[] = {
    "VP_PASSWORD=" CASHIER_PASSWORD, "VP_NEW_PASSWORD=whatever-1", NULL
  };
  g_auto(Run) add = { 0 };
  g_auto(Run) verify = { 0 };
  g_auto(Run) list = { 0 };

  add_cashier (f);
  vpctl (f, &add, env, "--operator", "li.na", "operator", "add", "wu", "--name", "Wu",
         "--role", "admin", NULL);
  assert_failed (&add, "may not manage operators");
  vpctl (f, &verify, env, "--operator", "li.na", "db", "verify", NULL);
  assert_failed (&verify, "may not read the audit log");

  /* The refusals are in the log, and the log is intact. */
  vpctl (f, &list, admin_env, "db", "verify", "--json", NULL);
  g_assert_cmpint (list.status, ==, 0);
}

static void
test_several_operators (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const env[] = {
    "VP_PASSWORD=" ADMIN_PASSWORD, "VP_NEW_PASSWORD=" ADMIN_PASSWORD, NULL
  };
  g_auto(Run) add = { 0 };
  g_auto(Run) list = { 0 };
  g_auto(Run) named = { 0 };

  vpctl (f, &add, env, "operator", "add", "zhao", "--name", "Zhao Lei", "--role", "admin", NULL);
  g_assert_cmpint (add.status, ==, 0);

  vpctl (f, &list, admin_env, "operator", "list", NULL);
  assert_failed (&list, "--operator");

  vpctl (f, &named, admin_env, "--operator", "zhao", "operator", "list", NULL);
  g_assert_cmpint (named.status, ==, 0);
  g_assert_nonnull (strstr (named.out, "zhao"));
  g_assert_nonnull (strstr (named.out, "root"));
}

static void
test_bad_arguments (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const short_env[] = {
    "VP_PASSWORD=" ADMIN_PASSWORD, "VP_NEW_PASSWORD=12345", NULL
  };
  g_auto(Run) role = { 0 };
  g_auto(Run) short_pw = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) missing = { 0 };

  vpctl (f, &role, admin_env, "operator", "add", "wu", "--name", "Wu", "--role", "owner", NULL);
  g_assert_cmpint (role.status, ==, 2);
  g_assert_nonnull (strstr (role.err, "--role"));

  vpctl (f, &short_pw, short_env, "operator", "add", "wu", "--name", "Wu", "--role", "cashier",
         NULL);
  assert_failed (&short_pw, "at least 6");

  vpctl (f, &unknown, admin_env, "db", "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);

  g_free (f->db);
  f->db = g_build_filename (f->dir, "typo.db", NULL);
  vpctl (f, &missing, admin_env, "operator", "list", NULL);
  assert_failed (&missing, "vpctl db init");
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *dest = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *backups = g_build_filename (f->dir, "backups", NULL);
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_auto(Run) rotated = { 0 };
  g_auto(Run) rotated_again = { 0 };
  g_auto(Run) verify_copy = { 0 };
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GDir) dir = NULL;
  guint count = 0;

  vpctl (f, &first, admin_env, "db", "backup", "--to", dest, "--json", NULL);
  g_assert_cmpint (first.status, ==, 0);
  result = parse_object (first.out);
  g_assert_cmpstr (json_object_get_string_member (result, "backup"), ==, dest);

  vpctl (f, &second, admin_env, "db", "backup", "--to", dest, NULL);
  assert_failed (&second, "already exists");

  /* Default folder: backups/ beside the database. */
  vpctl (f, &rotated, admin_env, "db", "backup", "--keep", "1", NULL);
  g_assert_cmpint (rotated.status, ==, 0);
  vpctl (f, &rotated_again, admin_env, "db", "backup", "--keep", "1", NULL);
  g_assert_cmpint (rotated_again.status, ==, 0);
  dir = g_dir_open (backups, 0, NULL);
  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    count++;
  g_assert_cmpuint (count, ==, 1);

  /* The copy is a working database with the same operators and an intact log. */
  g_free (f->db);
  f->db = g_strdup (dest);
  vpctl (f, &verify_copy, admin_env, "db", "verify", NULL);
  g_assert_cmpint (verify_copy.status, ==, 0);
}

/* A head written down earlier must still be in the log later. */
static void
test_anchor (Fixture       *f,
             gconstpointer  data)
{
  g_auto(Run) first = { 0 };
  g_auto(Run) later = { 0 };
  g_auto(Run) wrong = { 0 };
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *anchor = NULL;
  g_autofree char *bad_anchor = NULL;

  vpctl (f, &first, admin_env, "db", "verify", "--json", NULL);
  g_assert_cmpint (first.status, ==, 0);
  result = parse_object (first.out);
  anchor = g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                            json_object_get_int_member (result, "audit_rows"),
                            json_object_get_string_member (result, "audit_head"));
  bad_anchor = g_strdup_printf ("%" G_GINT64_FORMAT ":%064d",
                                json_object_get_int_member (result, "audit_rows"), 0);

  vpctl (f, &later, admin_env, "db", "verify", "--anchor", anchor, NULL);
  g_assert_cmpint (later.status, ==, 0);
  vpctl (f, &wrong, admin_env, "db", "verify", "--anchor", bad_anchor, NULL);
  assert_failed (&wrong, "anchor does not hold");
}

/* On a terminal the passwords are asked for, twice for a new one, and never shown. */
static void
test_typed_passwords (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const prompts[] = {
    "Password for root: ", "New password for wu: ", "Type the password for wu again: ", NULL
  };
  static const char * const answers[] = { ADMIN_PASSWORD, "wu-pass-1", "wu-pass-1", NULL };
  static const char * const typo[] = { ADMIN_PASSWORD, "zhou-pass-1", "zhou-pass-2", NULL };
  static const char * const typo_prompts[] = {
    "Password for root: ", "New password for zhou: ", "Type the password for zhou again: ", NULL
  };
  static const char * const wu_env[] = { "VP_PASSWORD=wu-pass-1", NULL };
  g_auto(Run) added = { 0 };
  g_auto(Run) mismatch = { 0 };
  g_auto(Run) as_wu = { 0 };

  vpctl_typed (f, &added, prompts, answers,
               "operator", "add", "wu", "--name", "Wu Min", "--role", "cashier", NULL);
  g_assert_cmpint (added.status, ==, 0);
  g_assert_nonnull (strstr (added.out, "Added cashier"));
  g_assert_null (strstr (added.out, ADMIN_PASSWORD));
  g_assert_null (strstr (added.out, "wu-pass-1"));

  vpctl_typed (f, &mismatch, typo_prompts, typo,
               "operator", "add", "zhou", "--name", "Zhou", "--role", "cashier", NULL);
  g_assert_cmpint (mismatch.status, ==, 1);
  g_assert_nonnull (strstr (mismatch.out, "differ"));
  g_assert_null (strstr (mismatch.out, "zhou-pass"));

  /* The typed password is the one stored: wu logs in (and, a cashier, is refused). */
  vpctl (f, &as_wu, wu_env, "--operator", "wu", "operator", "list", NULL);
  assert_failed (&as_wu, "may not manage operators");
}

/* The lock-out tells the cashier to ask an admin: the admin can act on it. */
static void
test_operator_changes (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const wrong_env[] = { "VP_PASSWORD=guess-guess", NULL };
  static const char * const cashier_env[] = { "VP_PASSWORD=" CASHIER_PASSWORD, NULL };
  static const char * const new_env[] = {
    "VP_PASSWORD=" ADMIN_PASSWORD, "VP_NEW_PASSWORD=fresh-pass-1", NULL
  };
  static const char * const fresh_env[] = { "VP_PASSWORD=fresh-pass-1", NULL };
  g_auto(Run) locked = { 0 };
  g_auto(Run) unlock = { 0 };
  g_auto(Run) after_unlock = { 0 };
  g_auto(Run) disable = { 0 };
  g_auto(Run) disabled = { 0 };
  g_auto(Run) last_admin = { 0 };
  g_auto(Run) enable = { 0 };
  g_auto(Run) passwd = { 0 };
  g_auto(Run) fresh = { 0 };

  add_cashier (f);
  for (int i = 0; i < 5; i++)
    {
      g_auto(Run) wrong = { 0 };

      vpctl (f, &wrong, wrong_env, "--operator", "li.na", "operator", "list", NULL);
      g_assert_cmpint (wrong.status, ==, 1);
    }
  vpctl (f, &locked, cashier_env, "--operator", "li.na", "operator", "list", NULL);
  assert_failed (&locked, "locked out");

  vpctl (f, &unlock, admin_env, "operator", "unlock", "li.na", NULL);
  g_assert_cmpint (unlock.status, ==, 0);
  /* Logged in again (and, as a cashier, refused the list). */
  vpctl (f, &after_unlock, cashier_env, "--operator", "li.na", "operator", "list", NULL);
  assert_failed (&after_unlock, "may not manage operators");

  vpctl (f, &disable, admin_env, "operator", "disable", "li.na", NULL);
  g_assert_cmpint (disable.status, ==, 0);
  vpctl (f, &disabled, cashier_env, "--operator", "li.na", "operator", "list", NULL);
  assert_failed (&disabled, "Wrong login or password");
  vpctl (f, &last_admin, admin_env, "operator", "disable", "root", NULL);
  assert_failed (&last_admin, "last active admin");
  vpctl (f, &enable, admin_env, "operator", "enable", "li.na", "--json", NULL);
  g_assert_cmpint (enable.status, ==, 0);

  vpctl (f, &passwd, new_env, "operator", "passwd", "li.na", NULL);
  g_assert_cmpint (passwd.status, ==, 0);
  vpctl (f, &fresh, fresh_env, "--operator", "li.na", "operator", "list", NULL);
  assert_failed (&fresh, "may not manage operators");
}

/* Another process (here: this one, through its own connection) holds the write lock
 * while vpctl logs in and writes: vpctl waits instead of saying "database is locked". */
static void
test_busy_writer (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const env[] = {
    "VP_PASSWORD=" ADMIN_PASSWORD, "VP_NEW_PASSWORD=" CASHIER_PASSWORD, NULL
  };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (f->db, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE; "
                                 "INSERT INTO settings (key, value) VALUES ('held', 'yes')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  proc = spawn_vpctl_args (f, env, "operator", "add", "li.na", "--name", "Li Na", "--role",
                           "cashier", NULL);
  /* Not synchronisation: how long the other writer keeps its transaction. vpctl
   * needs the lock for its log-in record well within this. */
  g_usleep (G_USEC_PER_SEC);
  g_assert_cmpint (sqlite3_exec (other, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  g_subprocess_communicate_utf8 (proc, "", NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_null (strstr (err, "locked"));
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/vp/vpctl-db/lifecycle", test_lifecycle);
  ADD ("/vp/vpctl-db/init-twice", test_init_twice);
  ADD ("/vp/vpctl-db/wrong-password", test_wrong_password);
  ADD ("/vp/vpctl-db/no-password", test_no_password);
  ADD ("/vp/vpctl-db/typed-passwords", test_typed_passwords);
  ADD ("/vp/vpctl-db/cashier-denied", test_cashier_denied);
  ADD ("/vp/vpctl-db/several-operators", test_several_operators);
  ADD ("/vp/vpctl-db/bad-arguments", test_bad_arguments);
  ADD ("/vp/vpctl-db/backup", test_backup);
  ADD ("/vp/vpctl-db/anchor", test_anchor);
  ADD ("/vp/vpctl-db/operator-changes", test_operator_changes);
  ADD ("/vp/vpctl-db/busy-writer", test_busy_writer);

  return g_test_run ();
}
