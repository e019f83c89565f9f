/* vpctl-receipt.c: "vpctl receipt show RECEIPT_NO --pdf FILE [--format roll80|a5|a4]" */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-model-error.h"
#include "vp-receipt.h"
#include "vpctl.h"

/* Writes the receipt as PDF. The first print is the original; any later one is a
 * reprint marked 补打 / DUPLICATE with its count. Every print is audited; the ledger is
 * never touched, so a failed print is simply run again. */
static int
receipt_show (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpReceipt) receipt = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *code = NULL;
  GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the receipt to FILE"), N_("FILE") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name,
      N_("Paper: roll80 (80 mm thermal roll, default), a5 or a4"), N_("FORMAT") },
    { NULL }
  };
  VpReceiptFormat format = VP_RECEIPT_ROLL80;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("RECEIPT_NO"),
                            _("Print a receipt to PDF; a receipt printed before comes out as "
                              "a reprint (补打 DUPLICATE) with its count."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give exactly one receipt number"));
  if (pdf == NULL)
    return vpctl_usage_error (ctx, _("Say where to write the receipt with --pdf FILE"));
  if (format_name != NULL && !vp_receipt_format_from_string (format_name, &format))
    return vpctl_usage_error (ctx, _("Unknown format “%s”; use roll80, a5 or a4"), format_name);

  db = vpctl_open_db (ctx, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  if (!vp_receipt_print_pdf (db, session, argv[1], format, pdf, &receipt, &error))
    return vpctl_fail (ctx, error);

  code = vp_receipt_verification_code (receipt);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      const char *title;

      vp_receipt_kind_get_titles (receipt->kind, NULL, &title);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "receipt");
      json_builder_add_string_value (b, receipt->receipt_no);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, title);
      json_builder_set_member_name (b, "amount");
      json_builder_add_int_value (b, receipt->amount);
      json_builder_set_member_name (b, "copy");
      json_builder_add_int_value (b, receipt->reprint_count);
      json_builder_set_member_name (b, "duplicate");
      json_builder_add_boolean_value (b, receipt->reprint_count > 0);
      json_builder_set_member_name (b, "verification");
      json_builder_add_string_value (b, code);
      json_builder_set_member_name (b, "pdf");
      json_builder_add_string_value (b, pdf);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      vpctl_print_json (root);
    }
  else if (receipt->reprint_count > 0)
    g_print (_("Receipt %s written to %s as reprint %u (verification code %s)\n"),
             receipt->receipt_no, pdf, receipt->reprint_count, code);
  else
    g_print (_("Receipt %s written to %s (verification code %s)\n"),
             receipt->receipt_no, pdf, code);
  return VPCTL_EXIT_OK;
}

static const VpctlCommand receipt_commands[] = {
  { "show", receipt_show, N_("Print a receipt (or a reprint) to PDF") },
};

int
vpctl_group_receipt (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  return vpctl_run_command (ctx, receipt_commands, G_N_ELEMENTS (receipt_commands), argc, argv);
}
