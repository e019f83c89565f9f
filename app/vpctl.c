/* vpctl.c: the command-line tool for scripting, technicians and tests */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vpctl.h"

typedef struct
{
  const char     *name;
  VpctlGroupFunc  func;
  const char     *summary;
} VpctlGroup;

static const VpctlGroup groups[] = {
  { "version", vpctl_group_version, N_("Print the version") },
  { "frame", vpctl_group_frame, N_("Decode captured meter frames") },
  { "db", vpctl_group_db, N_("Create, check and back up the database") },
  { "operator", vpctl_group_operator, N_("Add and list operators") },
  { "account", vpctl_group_account, N_("Open, show, find, close and transfer accounts") },
  { "topup", vpctl_group_topup, N_("Top up an account") },
  { "refund", vpctl_group_refund, N_("Refund part of a balance") },
  { "reverse", vpctl_group_reverse, N_("Reverse the last top-up by its receipt") },
  { "shift", vpctl_group_shift, N_("Open, show and close your shift") },
  { "demo", vpctl_group_demo, N_("Fill an empty database with demo data") },
  { "receipt", vpctl_group_receipt, N_("Print receipts and reprints to PDF") },
  { "report", vpctl_group_report, N_("Shift, revenue, account, consumption and log reports") },
  { "tariff", vpctl_group_tariff, N_("Add and list tariffs (flat, time of use, tiers)") },
  { "cycle", vpctl_group_cycle, N_("Read, charge and switch every meter once") },
  { "service", vpctl_group_service, N_("Run reading cycles until stopped (systemd)") },
  { "command", vpctl_group_command, N_("List the remote control command queue") },
  { "alarm", vpctl_group_alarm, N_("List balance alarms") },
  { "control", vpctl_group_control, N_("Trip, close, keep power on or set the clocks of an account's meters") },
  { "reconcile", vpctl_group_reconcile, N_("Meter balances that differ from the station's") },
  { "engine", vpctl_group_engine, N_("Reading anomalies (list, resolve) and accounts' close thresholds") },
  { "meter", vpctl_group_meter, N_("Read, control and set the clock of electricity meters") },
  { "water", vpctl_group_water, N_("Read water meters and open or close their valves") },
  { "sim", vpctl_group_sim, N_("Run the meter simulator on a pty and/or TCP port") },
  { "fee", vpctl_group_fee, N_("Fee items (物业费, 租金 …) and charging what is due") },
  { "apportion", vpctl_group_apportion, N_("Share a master meter's consumption (公摊)") },
  { "bill", vpctl_group_bill, N_("Postpaid bill runs, bills paid at the counter, arrears") },
  { "batch", vpctl_group_batch, N_("Batch jobs over many accounts: tariff, alarms, control, subsidy, meter time") },
  { "import", vpctl_group_import, N_("Open accounts from a CSV file (dry run, all or nothing)") },
  { "export", vpctl_group_export, N_("Write accounts to a CSV file in the import format") },
  { "notify", vpctl_group_notify, N_("Send the outbox by SMS and e-mail, list deliveries") },
};

gboolean
vpctl_parse_options (VpctlContext  *ctx,
                     const char    *parameter_string,
                     const char    *summary,
                     GOptionEntry  *entries,
                     int           *argc,
                     char        ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;

  prgname = g_strdup_printf ("vpctl %s %s", ctx->group, ctx->command);
  context = g_option_context_new (parameter_string);
  g_option_context_set_summary (context, summary);
  g_option_context_set_help_enabled (context, TRUE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  /* GOption reads argv[0] as the program name. */
  g_set_prgname (prgname);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("vpctl: %s\n\n%s", error->message, help);
      return FALSE;
    }

  return TRUE;
}

int
vpctl_fail (VpctlContext *ctx,
            const GError *error)
{
  g_printerr ("vpctl: %s\n", error != NULL ? error->message : _("failed"));
  return VPCTL_EXIT_FAILED;
}

int
vpctl_usage_error (VpctlContext *ctx,
                   const char   *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("vpctl: %s\n", message);
  g_printerr (_("Try “vpctl %s %s --help”.\n"),
              ctx->group ? ctx->group : "", ctx->command ? ctx->command : "");
  return VPCTL_EXIT_USAGE;
}

void
vpctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, FALSE);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
vpctl_json_add_string (JsonBuilder *b,
                       const char  *name,
                       const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
vpctl_json_add_int (JsonBuilder *b,
                    const char  *name,
                    gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
vpctl_json_add_bool (JsonBuilder *b,
                     const char  *name,
                     gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
vpctl_json_add_money (JsonBuilder *b,
                      const char  *name,
                      gint64       fen)
{
  g_autofree char *text = vp_money_format (fen);

  vpctl_json_add_string (b, name, text);
}

void
vpctl_print_builder (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  vpctl_print_json (root);
}

gboolean
vpctl_want_args (VpctlContext *ctx,
                 int           argc,
                 int           n,
                 const char   *what)
{
  if (argc - 1 == n)
    return TRUE;
  vpctl_usage_error (ctx, _("Expected %s"), what);
  return FALSE;
}

gboolean
vpctl_parse_method (const char       *text,
                    VpPaymentMethod  *out,
                    GError          **error)
{
  if (vp_payment_method_from_string (text, out))
    return TRUE;
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a payment method: use cash, card, wechat or alipay"),
               text != NULL ? text : "");
  return FALSE;
}

char **
vpctl_with_program_name (VpctlContext *ctx,
                         int          *argc,
                         char        **argv)
{
  char **args = g_new0 (char *, *argc + 2);

  args[0] = (char *) ctx->group;
  for (int i = 0; i < *argc; i++)
    args[i + 1] = argv[i];
  (*argc)++;
  ctx->command = "";
  return args;
}

VpDatabase *
vpctl_open_db_full (VpctlContext  *ctx,
                    gboolean       create,
                    GError       **error)
{
  g_autofree char *path = NULL;

  if (ctx->db != NULL)
    return ctx->db;

  if (ctx->db_path != NULL)
    path = g_strdup (ctx->db_path);
  else
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "vendpoint", NULL);

      if (create && g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                       _("Could not create the folder %s: %s"), dir, g_strerror (saved_errno));
          return NULL;
        }
      path = g_build_filename (dir, "vendpoint.db", NULL);
    }

  /* Opening creates the file: a typo in --db must not yield a fresh empty database. */
  if (!create && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no database at %s: create one with “vpctl db init” or pass "
                     "--db PATH"), path);
      return NULL;
    }

  ctx->db = vp_database_open (path, error);
  return ctx->db;
}

VpDatabase *
vpctl_open_db (VpctlContext  *ctx,
               GError       **error)
{
  return vpctl_open_db_full (ctx, FALSE, error);
}

char *
vpctl_read_secret (const char  *prompt,
                   const char  *env_var,
                   GError     **error)
{
  const char *value = env_var != NULL ? g_getenv (env_var) : NULL;
  struct termios saved, quiet;
  char *line = NULL;
  size_t size = 0;
  ssize_t len;
  char *secret;

  if (value != NULL)
    return g_strdup (value);

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved) != 0)
    {
      if (env_var != NULL)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                     _("No password: set %s or run vpctl on a terminal"), env_var);
      else
        g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                             _("No password: run vpctl on a terminal"));
      return NULL;
    }

  /* Echo off but the newline still shown, so the next prompt starts on its own line.
   * Off before the prompt appears: someone typing at once must not see it echoed. */
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  quiet.c_lflag |= ECHONL;
  tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
  fputs (prompt, stderr);
  fflush (stderr);
  len = getline (&line, &size, stdin);
  tcsetattr (STDIN_FILENO, TCSANOW, &saved);

  if (len < 0)
    {
      free (line);
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("No password was entered"));
      return NULL;
    }
  if (len > 0 && line[len - 1] == '\n')
    line[--len] = '\0';
  secret = g_strdup (line);
  sodium_memzero (line, size);
  free (line);
  return secret;
}

void
vpctl_free_secret (char *secret)
{
  if (secret == NULL)
    return;
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

VpSession *
vpctl_get_session (VpctlContext  *ctx,
                   GError       **error)
{
  g_autofree char *login = NULL;
  g_autofree char *prompt = NULL;
  VpDatabase *db;
  char *password;

  if (ctx->session != NULL)
    return ctx->session;

  db = vpctl_open_db (ctx, error);
  if (db == NULL)
    return NULL;

  if (ctx->operator_login != NULL)
    login = g_strdup (ctx->operator_login);
  else
    {
      g_autoptr(GError) local_error = NULL;
      gint64 count = 0;

      login = vp_operator_sole_admin (db, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (login == NULL)
        {
          if (!vp_operator_count (db, &count, error))
            return NULL;
          if (count == 0)
            g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                                 _("The database has no operators yet: run “vpctl db init”"));
          else
            g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                                 _("There are several operators: pass --operator LOGIN (or set "
                                   "VP_OPERATOR)"));
          return NULL;
        }
    }

  prompt = g_strdup_printf (_("Password for %s: "), login);
  password = vpctl_read_secret (prompt, "VP_PASSWORD", error);
  if (password == NULL)
    return NULL;
  ctx->session = vp_session_login (db, login, password, error);
  vpctl_free_secret (password);
  return ctx->session;
}

static void
print_commands (FILE               *out,
                VpctlContext       *ctx,
                const VpctlCommand *commands,
                guint               n_commands)
{
  fprintf (out, _("Usage: vpctl %s COMMAND …\n\nCommands:\n"), ctx->group);
  for (guint i = 0; i < n_commands; i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\n“vpctl %s COMMAND --help” describes a command.\n"), ctx->group);
}

int
vpctl_run_command (VpctlContext        *ctx,
                   const VpctlCommand  *commands,
                   guint                n_commands,
                   int                  argc,
                   char               **argv)
{
  if (argc < 1)
    {
      print_commands (stderr, ctx, commands, n_commands);
      return VPCTL_EXIT_USAGE;
    }
  if (g_str_equal (argv[0], "help") || g_str_equal (argv[0], "--help")
      || g_str_equal (argv[0], "-h"))
    {
      print_commands (stdout, ctx, commands, n_commands);
      return VPCTL_EXIT_OK;
    }

  for (guint i = 0; i < n_commands; i++)
    {
      if (g_str_equal (commands[i].name, argv[0]))
        return commands[i].func (ctx, argc, argv);
    }

  g_printerr (_("vpctl: “%s” has no command “%s”\n"), ctx->group, argv[0]);
  print_commands (stderr, ctx, commands, n_commands);
  return VPCTL_EXIT_USAGE;
}

int
vpctl_group_version (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, PACKAGE_VERSION);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      vpctl_print_json (root);
    }
  else
    g_print ("vpctl %s\n", PACKAGE_VERSION);

  return VPCTL_EXIT_OK;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n\n%s\n",
           _("Usage: vpctl [--db PATH] [--json] [--verbose] [--operator LOGIN] GROUP COMMAND …"),
           _("Groups:"));
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    fprintf (out, "  %-10s %s\n", groups[i].name, _(groups[i].summary));
  fprintf (out, "\n%s\n", _("“vpctl GROUP --help” lists a group's commands."));
}

/* Take the global options out of argv wherever they stand (before a lone "--"), so
 * "vpctl meter read --json …" and "vpctl --json meter read …" mean the same. */
static gboolean
take_global_options (VpctlContext *ctx,
                     int          *argc,
                     char        **argv)
{
  int out = 1;
  gboolean after_dashdash = FALSE;

  for (int i = 1; i < *argc; i++)
    {
      const char *arg = argv[i];
      const char *value = NULL;
      char **target = NULL;

      if (after_dashdash)
        {
          argv[out++] = argv[i];
          continue;
        }
      if (g_str_equal (arg, "--"))
        {
          after_dashdash = TRUE;
          argv[out++] = argv[i];
          continue;
        }

      if (g_str_equal (arg, "--json"))
        { ctx->json = TRUE; continue; }
      if (g_str_equal (arg, "--verbose") || g_str_equal (arg, "-v"))
        { ctx->verbose = TRUE; continue; }

      if (g_str_equal (arg, "--db"))
        target = &ctx->db_path;
      else if (g_str_equal (arg, "--operator"))
        target = &ctx->operator_login;
      else if (g_str_has_prefix (arg, "--db="))
        { target = &ctx->db_path; value = arg + strlen ("--db="); }
      else if (g_str_has_prefix (arg, "--operator="))
        { target = &ctx->operator_login; value = arg + strlen ("--operator="); }

      if (target == NULL)
        {
          argv[out++] = argv[i];
          continue;
        }

      if (value == NULL)
        {
          if (i + 1 >= *argc)
            {
              g_printerr (_("vpctl: %s needs a value\n"), arg);
              return FALSE;
            }
          value = argv[++i];
        }
      g_free (*target);
      *target = g_strdup (value);
    }

  argv[out] = NULL;
  *argc = out;
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  VpctlContext ctx = { 0 };
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (!take_global_options (&ctx, &argc, argv))
    return VPCTL_EXIT_USAGE;

  if (ctx.db_path == NULL && g_getenv ("VP_DB") != NULL)
    ctx.db_path = g_strdup (g_getenv ("VP_DB"));
  if (ctx.operator_login == NULL && g_getenv ("VP_OPERATOR") != NULL)
    ctx.operator_login = g_strdup (g_getenv ("VP_OPERATOR"));

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? VPCTL_EXIT_USAGE : VPCTL_EXIT_OK;
    }

  ctx.group = argv[1];
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      if (g_str_equal (groups[i].name, ctx.group))
        {
          ctx.command = argc > 2 ? argv[2] : NULL;
          /* The group sees its command as argv[0]. */
          status = groups[i].func (&ctx, argc - 2, argv + 2);
          goto out;
        }
    }

  g_printerr (_("vpctl: unknown group “%s”\n"), ctx.group);
  print_usage (stderr);
  status = VPCTL_EXIT_USAGE;

out:
  /* The session holds a reference on the database: drop it first. */
  g_clear_pointer ((VpSession **) &ctx.session, vp_session_unref);
  g_clear_pointer ((VpDatabase **) &ctx.db, vp_database_unref);
  g_free (ctx.db_path);
  g_free (ctx.operator_login);
  return status;
}
