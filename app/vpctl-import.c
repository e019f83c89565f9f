/* vpctl-import.c: "vpctl import customers FILE [--encoding utf-8|gbk] [--dry-run]" and
 * "vpctl export customers FILE [--bom]" (format: model/vp-import.h) */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-import.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vpctl.h"

static void
print_report_json (const VpImportReport *report,
                   gboolean              ok,
                   gboolean              dry_run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, ok);
  json_builder_set_member_name (b, "dry_run");
  json_builder_add_boolean_value (b, dry_run);
  json_builder_set_member_name (b, "encoding");
  json_builder_add_string_value (b, report->encoding);
  json_builder_set_member_name (b, "records");
  json_builder_add_int_value (b, report->records);
  json_builder_set_member_name (b, "accounts");
  json_builder_add_int_value (b, report->accounts);
  json_builder_set_member_name (b, "meters");
  json_builder_add_int_value (b, report->meters);
  json_builder_set_member_name (b, "opening_total");
  json_builder_add_int_value (b, report->opening_total);
  json_builder_set_member_name (b, "problems");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->problems->len; i++)
    {
      const VpImportProblem *problem = g_ptr_array_index (report->problems, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "line");
      json_builder_add_int_value (b, problem->line);
      json_builder_set_member_name (b, "reason");
      json_builder_add_string_value (b, problem->reason);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "numbers");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->numbers->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (report->numbers, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  vpctl_print_json (root);
}

/* Every bad row is listed (line: reason) before the summary; nothing is written unless
 * the whole file is good. */
static int
import_customers (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpImportReport) report = NULL;
  g_autofree char *encoding_name = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding_name,
      N_("utf-8 or gbk (default: UTF-8 when the file is valid UTF-8, else GBK)"), N_("ENCODING") },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Check every row, write nothing"), NULL },
    { NULL }
  };
  VpImportEncoding encoding = VP_IMPORT_ENCODING_AUTO;
  VpSession *session;
  VpDatabase *db;
  gboolean ok;

  if (!vpctl_parse_options (ctx, _("FILE"),
                            _("Open the accounts of a CSV file (customers, rooms, meters, opening "
                              "balances): all of them, or none when any row is bad."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give exactly one CSV file"));
  if (encoding_name != NULL)
    {
      if (g_ascii_strcasecmp (encoding_name, "utf-8") == 0 || g_ascii_strcasecmp (encoding_name, "utf8") == 0)
        encoding = VP_IMPORT_ENCODING_UTF8;
      else if (g_ascii_strcasecmp (encoding_name, "gbk") == 0 || g_ascii_strcasecmp (encoding_name, "gb18030") == 0)
        encoding = VP_IMPORT_ENCODING_GBK;
      else
        return vpctl_usage_error (ctx, _("Unknown encoding “%s”; use utf-8 or gbk"), encoding_name);
    }

  db = vpctl_open_db (ctx, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  ok = vp_import_customers_file (db, session, argv[1], encoding, dry_run, &report, &error);
  if (report == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    print_report_json (report, ok, dry_run);
  else
    {
      for (guint i = 0; i < report->problems->len; i++)
        {
          const VpImportProblem *problem = g_ptr_array_index (report->problems, i);

          g_printerr (_("%s:%u: %s\n"), argv[1], problem->line, problem->reason);
        }
      if (ok)
        {
          g_autofree char *total = vp_money_format (report->opening_total);

          g_print (dry_run ? _("Dry run: %u rows are good; %u accounts and %u meters would be "
                               "opened, opening balances %s (%s). Nothing was written.\n")
                           : _("Imported %u rows: %u accounts and %u meters opened, opening "
                               "balances %s (%s).\n"),
                   report->records, report->accounts, report->meters, total, report->encoding);
        }
    }
  if (!ok)
    return ctx->json ? VPCTL_EXIT_FAILED : vpctl_fail (ctx, error);
  return VPCTL_EXIT_OK;
}

static int
export_customers (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gboolean bom = FALSE;
  GOptionEntry entries[] = {
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom,
      N_("Start with a UTF-8 byte order mark, so Excel reads the Chinese text"), NULL },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  gsize length = 0;

  if (!vpctl_parse_options (ctx, _("FILE"),
                            _("Write every account in the import format (vpctl import customers)."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give exactly one CSV file"));

  db = vpctl_open_db (ctx, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  data = vp_import_export_customers (db, session, bom, &length, &error);
  if (data == NULL || !g_file_set_contents (argv[1], data, length, &error))
    return vpctl_fail (ctx, error);
  if (!ctx->json)
    g_print (_("Accounts written to %s\n"), argv[1]);
  return VPCTL_EXIT_OK;
}

static const VpctlCommand import_commands[] = {
  { "customers", import_customers, N_("Open accounts from a CSV file (all or nothing)") },
};

static const VpctlCommand export_commands[] = {
  { "customers", export_customers, N_("Write every account to a CSV file in the import format") },
};

int
vpctl_group_import (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  return vpctl_run_command (ctx, import_commands, G_N_ELEMENTS (import_commands), argc, argv);
}

int
vpctl_group_export (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  return vpctl_run_command (ctx, export_commands, G_N_ELEMENTS (export_commands), argc, argv);
}
