/* vpctl-report.c: "vpctl report list" and
 * "vpctl report NAME --from DATE --to DATE [--pdf FILE] [--csv FILE] [--bom] …" */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-model-error.h"
#include "vp-report.h"
#include "vpctl.h"

static int
report_list (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  guint n = vp_report_get_n_reports ();

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < n; i++)
        {
          const VpReportInfo *info = vp_report_get_info (i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, info->name);
          json_builder_set_member_name (b, "title_zh");
          json_builder_add_string_value (b, info->title_zh);
          json_builder_set_member_name (b, "title_en");
          json_builder_add_string_value (b, info->title_en);
          json_builder_set_member_name (b, "category");
          json_builder_add_string_value (b, info->category);
          json_builder_set_member_name (b, "period");
          json_builder_add_boolean_value (b, (info->params & VP_REPORT_PARAM_PERIOD) != 0);
          json_builder_set_member_name (b, "money");
          json_builder_add_boolean_value (b, info->ledger_key != NULL);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      vpctl_print_json (root);
      return VPCTL_EXIT_OK;
    }

  for (guint i = 0; i < n; i++)
    {
      const VpReportInfo *info = vp_report_get_info (i);

      g_print ("%-22s %s  %s\n", info->name, info->title_zh, info->title_en);
    }
  return VPCTL_EXIT_OK;
}

static void
add_cell_json (JsonBuilder          *b,
               const VpReportColumn *col,
               const char           *text,
               gint64                value)
{
  json_builder_set_member_name (b, col->key);
  if (text != NULL && col->type != VP_REPORT_TEXT)
    json_builder_add_null_value (b);      /* "—": no value */
  else if (col->type == VP_REPORT_TEXT)
    json_builder_add_string_value (b, text != NULL ? text : "");
  else if (col->type == VP_REPORT_COUNT)
    json_builder_add_int_value (b, value);
  else
    {
      /* Money in yuan, energy in kWh / m³, percent: decimal strings, never floats. */
      g_autofree char *number = vp_report_format_value (col->type == VP_REPORT_PERCENT
                                                          ? VP_REPORT_MONEY : col->type,
                                                        value);

      json_builder_add_string_value (b, number);
    }
}

static void
print_json (const VpReportTable *t)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  guint n = vp_report_table_n_columns (t);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "report");
  json_builder_add_string_value (b, t->name);
  json_builder_set_member_name (b, "title_zh");
  json_builder_add_string_value (b, t->title_zh);
  json_builder_set_member_name (b, "title_en");
  json_builder_add_string_value (b, t->title_en);
  json_builder_set_member_name (b, "period");
  json_builder_add_string_value (b, t->period);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (guint c = 0; c < n; c++)
    {
      const VpReportColumn *col = t->columns->pdata[c];
      static const char *types[] = { "text", "money", "energy", "count", "percent" };

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "key");
      json_builder_add_string_value (b, col->key);
      json_builder_set_member_name (b, "title");
      json_builder_add_string_value (b, col->title);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, types[col->type]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint r = 0; r < t->rows->len; r++)
    {
      const VpReportCell *cells = vp_report_table_get_row (t, r);

      json_builder_begin_object (b);
      for (guint c = 0; c < n; c++)
        add_cell_json (b, t->columns->pdata[c], cells[c].text, cells[c].value);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  for (guint c = 0; c < n; c++)
    {
      const VpReportColumn *col = t->columns->pdata[c];

      if (t->has_totals && col->total && col->type != VP_REPORT_TEXT)
        add_cell_json (b, col, NULL, t->totals[c]);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "notes");
  json_builder_begin_object (b);
  for (guint i = 0; i < t->notes->len; i++)
    {
      const VpReportNote *note = t->notes->pdata[i];

      json_builder_set_member_name (b, note->label);
      json_builder_add_string_value (b, note->value);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  vpctl_print_json (root);
}

/* Columns padded to their widest cell; CJK characters count as two. */
static guint
display_width (const char *text)
{
  guint w = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    w += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return w;
}

static void
print_padded (GString    *out,
              const char *text,
              guint       width,
              gboolean    right)
{
  guint pad = width - MIN (width, display_width (text));

  if (right)
    for (guint i = 0; i < pad; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, text);
  if (!right)
    for (guint i = 0; i < pad; i++)
      g_string_append_c (out, ' ');
  g_string_append (out, "  ");
}

static void
print_text (const VpReportTable *t)
{
  guint n = vp_report_table_n_columns (t);
  guint n_lines = t->rows->len + 1 + (t->has_totals ? 1 : 0);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree guint *widths = g_new0 (guint, n);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint l = 0; l < n_lines; l++)
    {
      char **cells = g_new0 (char *, n + 1);

      for (guint c = 0; c < n; c++)
        {
          if (l == 0)
            cells[c] = g_strdup (((VpReportColumn *) t->columns->pdata[c])->title);
          else if (l <= t->rows->len)
            cells[c] = vp_report_table_format (t, l - 1, c);
          else
            cells[c] = vp_report_table_format_total (t, c);
          widths[c] = MAX (widths[c], display_width (cells[c]));
        }
      g_ptr_array_add (lines, cells);
    }

  g_string_append_printf (out, "%s  %s\n%s\n\n", t->title_zh, t->title_en, t->period);
  for (guint l = 0; l < n_lines; l++)
    {
      char **cells = lines->pdata[l];

      for (guint c = 0; c < n; c++)
        print_padded (out, cells[c], widths[c],
                      ((VpReportColumn *) t->columns->pdata[c])->type != VP_REPORT_TEXT);
      g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < t->notes->len; i++)
    {
      const VpReportNote *note = t->notes->pdata[i];

      g_string_append_printf (out, "%s: %s\n", note->label, note->value);
    }
  g_print ("%s", out->str);
}

static int
report_run (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReportTable) table = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *csv = NULL;
  gboolean bom = FALSE;
  gint64 shift = 0;
  VpReportParams params;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, NULL, N_("First day, YYYY-MM-DD"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Last day, YYYY-MM-DD"), N_("DATE") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the report to FILE as PDF"),
      N_("FILE") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the table to FILE as CSV"),
      N_("FILE") },
    { "bom", 0, 0, G_OPTION_ARG_NONE, &bom,
      N_("Start the CSV with a byte order mark (for Excel)"), NULL },
    { "operator-filter", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Only this operator's movements"), N_("LOGIN") },
    { "account", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Only this account"), N_("NUMBER") },
    { "site", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Only this site"), N_("NAME") },
    { "building", 0, 0, G_OPTION_ARG_STRING, NULL, N_("Only this building"), N_("NAME") },
    { "shift", 0, 0, G_OPTION_ARG_INT64, &shift, N_("The shift (Z report)"), N_("ID") },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  int status = VPCTL_EXIT_OK;

  vp_report_params_init (&params);
  entries[0].arg_data = &params.from;
  entries[1].arg_data = &params.to;
  entries[5].arg_data = &params.operator_login;
  entries[6].arg_data = &params.account;
  entries[7].arg_data = &params.site;
  entries[8].arg_data = &params.building;

  if (!vpctl_parse_options (ctx, "",
                            _("Compute a report; “vpctl report list” names them. Without "
                              "--pdf or --csv the table is printed."),
                            entries, &argc, &argv))
    {
      vp_report_params_clear (&params);
      return VPCTL_EXIT_USAGE;
    }
  params.shift_id = shift;

  if (argc != 1)
    status = vpctl_usage_error (ctx, _("Unexpected “%s” after the report name"), argv[1]);
  else if ((db = vpctl_open_db (ctx, &error)) == NULL
           || (session = vpctl_get_session (ctx, &error)) == NULL
           || (table = vp_report_run (db, session, argv[0], &params, &error)) == NULL)
    status = vpctl_fail (ctx, error);
  vp_report_params_clear (&params);
  if (status != VPCTL_EXIT_OK)
    return status;

  if (pdf != NULL)
    {
      g_autoptr(VpDocument) doc = vp_report_build (table, &error);
      g_autofree char *title = g_strdup_printf ("%s %s", table->title_zh, table->title_en);

      if (doc == NULL || !vp_document_save_pdf (doc, title, pdf, &error))
        return vpctl_fail (ctx, error);
    }
  if (csv != NULL)
    {
      g_autoptr(VpCsvWriter) writer = vp_report_to_csv (table, bom ? VP_CSV_BOM : VP_CSV_NONE);

      if (!vp_csv_writer_save (writer, csv, &error))
        return vpctl_fail (ctx, error);
    }

  if (ctx->json)
    print_json (table);
  else if (pdf == NULL && csv == NULL)
    print_text (table);
  else
    g_print (_("%s: %u rows%s%s%s%s\n"), table->title_en, table->rows->len,
             pdf ? _(", PDF ") : "", pdf ? pdf : "", csv ? _(", CSV ") : "", csv ? csv : "");
  return VPCTL_EXIT_OK;
}

int
vpctl_group_report (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  static const VpctlCommand commands[] = {
    { "list", report_list, N_("List the reports; then “vpctl report NAME --from --to”") },
  };

  /* "vpctl report NAME …": every word but the commands names a report. */
  if (argc >= 1 && vp_report_find (argv[0]) != NULL)
    return report_run (ctx, argc, argv);
  if (argc >= 1 && argv[0][0] != '-' && !g_str_equal (argv[0], "list")
      && !g_str_equal (argv[0], "help"))
    return vpctl_usage_error (ctx, _("Unknown report “%s”; “vpctl report list” names them"),
                              argv[0]);
  return vpctl_run_command (ctx, commands, G_N_ELEMENTS (commands), argc, argv);
}
