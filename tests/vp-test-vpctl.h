/* vp-test-vpctl.h: run vpctl as a script would, for the e2e tests (tests only) */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#define ENV(...) ((const char * const[]) { __VA_ARGS__, NULL })

typedef struct
{
  int         status;
  char       *out;
  char       *err;
  JsonNode   *json;
} Run;

static inline void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_clear_pointer (&run->json, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* $VPCTL --db @db --json ARGS… with @env ("NAME=value", ENV (…)) in an environment
 * without the caller's VP_* variables; stdout is parsed as one JSON object (or array)
 * when it exited 0. */
static inline void
vp_test_vpctl (const char         *db,
               Run                *run,
               const char * const *env,
               ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;

  run_clear (run);
  g_ptr_array_add (args, (gpointer) g_getenv ("VPCTL"));
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, (gpointer) db);
  g_ptr_array_add (args, "--json");
  va_start (ap, env);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "VP_OPERATOR");
  g_subprocess_launcher_unsetenv (launcher, "VP_PASSWORD");
  g_subprocess_launcher_unsetenv (launcher, "VP_DB");
  for (guint i = 0; env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (proc);
  g_test_message ("vpctl %s %s → %d\n%s%s", (const char *) args->pdata[4],
                  (const char *) args->pdata[5], run->status, run->out, run->err);
  if (run->status == 0)
    {
      run->json = json_from_string (run->out, &error);
      g_assert_no_error (error);
      /* An object, or an array for the listing commands ("vpctl report list"). */
      g_assert_true (JSON_NODE_HOLDS_OBJECT (run->json) || JSON_NODE_HOLDS_ARRAY (run->json));
    }
}
