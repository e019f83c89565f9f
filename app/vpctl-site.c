/* vpctl-site.c: site operations — "vpctl fee …", "vpctl apportion …", "vpctl bill …",
 * "vpctl batch …" */
#include "config.h"

#include <inttypes.h>

#include <stdio.h>

#include <glib/gi18n.h>

#include "vp-apportion.h"
#include "vp-batch.h"
#include "vp-fee.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-postpaid.h"
#include "vpctl.h"

/* ---- shared helpers ---- */

static VpSession *
login (VpctlContext  *ctx,
       VpDatabase   **out_db,
       GError       **error)
{
  *out_db = vpctl_open_db (ctx, error);
  if (*out_db == NULL)
    return NULL;
  return vpctl_get_session (ctx, error);
}

/* A price in yuan with up to four decimals ("0.8", "2.5283") → 0.0001 yuan. */
static gboolean
parse_price (const char  *text,
             gint64      *out_price,
             GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 whole = 0, frac = 0;
  gsize frac_len = 0;

  if (text != NULL)
    parts = g_strsplit (text, ".", -1);
  if (parts != NULL && g_strv_length (parts) <= 2
      && g_ascii_string_to_unsigned (parts[0], 10, 0, 999999999, &whole, NULL)
      && (parts[1] == NULL
          || ((frac_len = strlen (parts[1])) >= 1 && frac_len <= 4
              && g_ascii_string_to_unsigned (parts[1], 10, 0, 9999, &frac, NULL))))
    {
      for (gsize i = frac_len; i < 4; i++)
        frac *= 10;
      *out_price = (gint64) (whole * 10000 + frac);
      return TRUE;
    }
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
               _("“%s” is not a price: yuan with up to four decimals, e.g. 0.5283"),
               text != NULL ? text : "");
  return FALSE;
}

static gboolean
parse_charge (const char    *text,
              VpChargeMode  *out,
              GError       **error)
{
  if (text == NULL)
    {
      *out = VP_CHARGE_DEDUCT;
      return TRUE;
    }
  if (vp_charge_mode_from_string (text, out))
    return TRUE;
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a way to charge: use deduct or bill"), text);
  return FALSE;
}

/* { "KEY": COUNT, "amount": "X.XX" } or a line of text. */
static int
print_count (VpctlContext *ctx,
             const char   *key,
             guint         count,
             gint64        fen,
             const char   *text)
{
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_int (b, key, count);
      if (fen >= 0)
        vpctl_json_add_money (b, "amount", fen);
      json_builder_end_object (b);
      vpctl_print_builder (b);
      return VPCTL_EXIT_OK;
    }
  g_print ("%s\n", text);
  return VPCTL_EXIT_OK;
}

/* ---- fee ---- */

static int
fee_add (VpctlContext *ctx,
         int           argc,
         char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *schedule = NULL, *start = NULL, *basis = NULL, *amount = NULL;
  g_autofree char *charge = NULL;
  g_auto(GStrv) accounts = NULL;
  int day = 0;
  GOptionEntry entries[] = {
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule, N_("once, monthly, quarterly or yearly"), "S" },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("First due date"), "YYYY-MM-DD" },
    { "day", 0, 0, G_OPTION_ARG_INT, &day, N_("Day of the month (1-31; the last day of a shorter month)"), "N" },
    { "basis", 0, 0, G_OPTION_ARG_STRING, &basis, N_("fixed (default), area (per m²) or unit (per unit consumed)"), "B" },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount, N_("Yuan; for area and unit the price per m² or unit (4 decimals)"), "X" },
    { "charge", 0, 0, G_OPTION_ARG_STRING, &charge, N_("deduct (default) or bill"), "C" },
    { "account", 0, 0, G_OPTION_ARG_STRING_ARRAY, &accounts, N_("Charge it to ACCOUNT (repeat)"), "ACCOUNT" },
    { NULL }
  };
  VpFeeSpec spec = { 0 };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("NAME"), _("Create a fee item (物业费, 租金 …)"), entries,
                            &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give the fee item's name"));
  if (schedule == NULL || start == NULL || amount == NULL)
    return vpctl_usage_error (ctx, _("--schedule, --start and --amount are required"));
  if (!vp_fee_schedule_from_string (schedule, &spec.schedule))
    return vpctl_usage_error (ctx, _("Unknown schedule “%s”: once, monthly, quarterly or yearly"),
                              schedule);
  if (basis != NULL && !vp_fee_basis_from_string (basis, &spec.basis))
    return vpctl_usage_error (ctx, _("Unknown basis “%s”: fixed, area or unit"), basis);
  if ((spec.basis == VP_FEE_FIXED ? !vp_money_parse (amount, VP_MONEY_POSITIVE, &spec.amount, &error)
                                  : !parse_price (amount, &spec.amount, &error))
      || !parse_charge (charge, &spec.charge, &error))
    return vpctl_fail (ctx, error);
  spec.name = argv[1];
  spec.start = start;
  spec.day = day;
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_fee_add (db, session, &spec, &error))
    return vpctl_fail (ctx, error);
  for (guint i = 0; accounts != NULL && accounts[i] != NULL; i++)
    if (!vp_fee_add_member (db, session, argv[1], accounts[i], &error))
      return vpctl_fail (ctx, error);
  return print_count (ctx, "members", accounts != NULL ? g_strv_length (accounts) : 0, -1,
                      _("Fee item created"));
}

static int
fee_member (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = { { NULL } };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("NAME ACCOUNT…"), _("Charge a fee item to accounts"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc < 3)
    return vpctl_usage_error (ctx, _("Give the fee item's name and at least one account"));
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  for (int i = 2; i < argc; i++)
    if (!vp_fee_add_member (db, session, argv[1], argv[i], &error))
      return vpctl_fail (ctx, error);
  return print_count (ctx, "members", argc - 2, -1, _("Accounts added"));
}

static int
fee_list (VpctlContext *ctx,
          int           argc,
          char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GOptionEntry entries[] = { { NULL } };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("List the fee items"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL || (items = vp_fee_list (db, session, &error)) == NULL)
    return vpctl_fail (ctx, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "fees");
  json_builder_begin_array (b);
  for (guint i = 0; i < items->len; i++)
    {
      const VpFeeItem *item = g_ptr_array_index (items, i);

      if (!ctx->json)
        g_print ("%s\t%s\t%s\t%s\t%" G_GINT64_FORMAT "\t%s\t%u\n", item->name,
                 vp_fee_schedule_to_string (item->schedule), item->start,
                 vp_fee_basis_to_string (item->basis), item->amount,
                 vp_charge_mode_to_string (item->charge), item->members);
      json_builder_begin_object (b);
      vpctl_json_add_string (b, "name", item->name);
      vpctl_json_add_string (b, "schedule", vp_fee_schedule_to_string (item->schedule));
      vpctl_json_add_string (b, "start", item->start);
      vpctl_json_add_int (b, "day", item->day);
      vpctl_json_add_string (b, "basis", vp_fee_basis_to_string (item->basis));
      if (item->basis == VP_FEE_FIXED)
        vpctl_json_add_money (b, "amount", item->amount);
      else
        vpctl_json_add_int (b, "price_1e4", item->amount);
      vpctl_json_add_string (b, "charge", vp_charge_mode_to_string (item->charge));
      vpctl_json_add_int (b, "members", item->members);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static int
fee_run (VpctlContext *ctx,
         int           argc,
         char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;
  g_autofree char *total_text = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Charge what is due on or before DATE (default today)"), "YYYY-MM-DD" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  guint charged = 0;
  gint64 total = 0;

  if (!vpctl_parse_options (ctx, NULL, _("Charge every fee that is due and not yet charged"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_fee_run_due (db, session, date, &charged, &total, &error))
    return vpctl_fail (ctx, error);
  total_text = vp_money_format (total);
  text = g_strdup_printf (_("%u charges, %s yuan"), charged, total_text);
  return print_count (ctx, "charged", charged, total, text);
}

static const VpctlCommand fee_commands[] = {
  { "add", fee_add, N_("Create a fee item") },
  { "member", fee_member, N_("Charge a fee item to accounts") },
  { "list", fee_list, N_("List the fee items") },
  { "run", fee_run, N_("Charge what is due (never twice)") },
};

int
vpctl_group_fee (VpctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  return vpctl_run_command (ctx, fee_commands, G_N_ELEMENTS (fee_commands), argc, argv);
}

/* ---- apportion ---- */

static int
apportion_add (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *master = NULL, *basis = NULL, *method = NULL, *charge = NULL;
  g_autofree char *price = NULL;
  GOptionEntry entries[] = {
    { "master", 0, 0, G_OPTION_ARG_STRING, &master, N_("Address of the master meter"), "ADDRESS" },
    { "basis", 0, 0, G_OPTION_ARG_STRING, &basis, N_("master (default) or master-minus-subs"), "B" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("ratio (default), area or consumption"), "M" },
    { "charge", 0, 0, G_OPTION_ARG_STRING, &charge, N_("deduct (default) or bill"), "C" },
    { "price", 0, 0, G_OPTION_ARG_STRING, &price, N_("Yuan per unit, up to 4 decimals"), "P" },
    { NULL }
  };
  VpApportionBasis b = VP_APPORTION_BASIS_MASTER;
  VpApportionMethod m = VP_APPORTION_BY_RATIO;
  VpChargeMode c;
  gint64 p;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("NAME"), _("Create a common-area apportionment group"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give the group's name"));
  if (master == NULL || price == NULL)
    return vpctl_usage_error (ctx, _("--master and --price are required"));
  if (basis != NULL && !vp_apportion_basis_from_string (basis, &b))
    return vpctl_usage_error (ctx, _("Unknown basis “%s”: master or master-minus-subs"), basis);
  if (method != NULL && !vp_apportion_method_from_string (method, &m))
    return vpctl_usage_error (ctx, _("Unknown method “%s”: ratio, area or consumption"), method);
  if (!parse_charge (charge, &c, &error) || !parse_price (price, &p, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_apportion_add (db, session, argv[1], master, b, m, c, p, &error))
    return vpctl_fail (ctx, error);
  return print_count (ctx, "members", 0, -1, _("Group created"));
}

static int
apportion_member (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr(GError) error = NULL;
  int ratio = 1;
  GOptionEntry entries[] = {
    { "ratio", 0, 0, G_OPTION_ARG_INT, &ratio, N_("Fixed ratio (default 1)"), "N" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("NAME ACCOUNT…"), _("Add accounts to a group"), entries,
                            &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc < 3)
    return vpctl_usage_error (ctx, _("Give the group's name and at least one account"));
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  for (int i = 2; i < argc; i++)
    if (!vp_apportion_add_member (db, session, argv[1], argv[i], ratio, &error))
      return vpctl_fail (ctx, error);
  return print_count (ctx, "members", argc - 2, -1, _("Accounts added"));
}

static int
print_run (VpctlContext         *ctx,
           const VpApportionRun *run)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (!ctx->json)
    {
      g_autofree char *total = vp_money_format (run->total);

      g_print (_("%s %s: master %" PRId64 ", members %" PRId64
                 ", shared %" PRId64 " (0.01 units), total %s yuan\n"),
               run->group, run->period, run->master_use, run->subs_use, run->shared_use, total);
      for (guint i = 0; i < run->shares->len; i++)
        {
          const VpApportionShare *s = g_ptr_array_index (run->shares, i);
          g_autofree char *share = vp_money_format (s->share);

          g_print ("%s\t%s\t%" G_GINT64_FORMAT "\t%s\t%s\n", s->account, s->name, s->weight,
                   share, s->reference != NULL ? s->reference : "—");
        }
      return VPCTL_EXIT_OK;
    }
  json_builder_begin_object (b);
  vpctl_json_add_string (b, "group", run->group);
  vpctl_json_add_string (b, "period", run->period);
  vpctl_json_add_int (b, "master_use", run->master_use);
  vpctl_json_add_int (b, "subs_use", run->subs_use);
  vpctl_json_add_int (b, "shared_use", run->shared_use);
  vpctl_json_add_money (b, "total", run->total);
  json_builder_set_member_name (b, "shares");
  json_builder_begin_array (b);
  for (guint i = 0; i < run->shares->len; i++)
    {
      const VpApportionShare *s = g_ptr_array_index (run->shares, i);

      json_builder_begin_object (b);
      vpctl_json_add_string (b, "account", s->account);
      vpctl_json_add_string (b, "name", s->name);
      vpctl_json_add_int (b, "weight", s->weight);
      vpctl_json_add_money (b, "share", s->share);
      vpctl_json_add_string (b, "reference", s->reference);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static int
apportion_run_or_show (VpctlContext *ctx,
                       int           argc,
                       char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpApportionRun) run = NULL;
  GOptionEntry entries[] = { { NULL } };
  gboolean show = g_strcmp0 (argv[0], "show") == 0;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("NAME YYYY-MM"),
                            show ? _("Show how a month was shared")
                                 : _("Share a month's common consumption"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 3)
    return vpctl_usage_error (ctx, _("Give the group's name and the month (YYYY-MM)"));
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  if (show)
    run = vp_apportion_show (db, session, argv[1], argv[2], &error);
  else
    vp_apportion_run (db, session, argv[1], argv[2], &run, &error);
  if (run == NULL)
    return vpctl_fail (ctx, error);
  return print_run (ctx, run);
}

static const VpctlCommand apportion_commands[] = {
  { "add", apportion_add, N_("Create a group over a master meter") },
  { "member", apportion_member, N_("Add accounts to a group") },
  { "run", apportion_run_or_show, N_("Share a month (once per month)") },
  { "show", apportion_run_or_show, N_("Show how a month was shared") },
};

int
vpctl_group_apportion (VpctlContext *ctx,
                       int           argc,
                       char        **argv)
{
  return vpctl_run_command (ctx, apportion_commands, G_N_ELEMENTS (apportion_commands),
                            argc, argv);
}

/* ---- bill ---- */

static void
build_bill (JsonBuilder  *b,
            const VpBill *bill)
{
  json_builder_begin_object (b);
  vpctl_json_add_string (b, "bill", bill->number);
  vpctl_json_add_string (b, "account", bill->account);
  vpctl_json_add_string (b, "name", bill->name);
  vpctl_json_add_string (b, "source", bill->source);
  vpctl_json_add_string (b, "item", bill->item);
  vpctl_json_add_string (b, "period_start", bill->period_start);
  vpctl_json_add_string (b, "period_end", bill->period_end);
  vpctl_json_add_money (b, "amount", bill->amount);
  vpctl_json_add_money (b, "paid", bill->paid);
  vpctl_json_add_money (b, "owed", bill->amount - bill->paid);
  vpctl_json_add_string (b, "due_date", bill->due_date);
  vpctl_json_add_string (b, "state", bill->state);
  json_builder_end_object (b);
}

static int
bill_run_or_confirm (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GOptionEntry entries[] = { { NULL } };
  gboolean confirm = g_strcmp0 (argv[0], "confirm") == 0;
  VpSession *session;
  VpDatabase *db;
  guint count = 0;

  if (!vpctl_parse_options (ctx, _("YYYY-MM"),
                            confirm ? _("Confirm a month's reviewed draft bills")
                                    : _("Make draft bills for the postpaid accounts"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give the month (YYYY-MM)"));
  session = login (ctx, &db, &error);
  if (session == NULL
      || !(confirm ? vp_postpaid_confirm (db, session, argv[1], &count, &error)
                   : vp_postpaid_bill_run (db, session, argv[1], &count, &error)))
    return vpctl_fail (ctx, error);
  text = g_strdup_printf (confirm ? _("%u bills confirmed") : _("%u draft bills"), count);
  return print_count (ctx, "bills", count, -1, text);
}

static int
bill_pay (VpctlContext *ctx,
          int           argc,
          char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autoptr(VpBill) bill = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *method = NULL, *tendered = NULL;
  GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("cash, card, wechat or alipay"), "M" },
    { "tendered", 0, 0, G_OPTION_ARG_STRING, &tendered, N_("Cash handed over (yuan)"), "AMOUNT" },
    { NULL }
  };
  VpPaymentMethod m;
  gint64 amount, given = 0;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("BILL AMOUNT"), _("Pay a bill at the counter, partly too"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 3)
    return vpctl_usage_error (ctx, _("Give the bill number and the amount"));
  if (method == NULL)
    return vpctl_usage_error (ctx, _("--method is required: cash, card, wechat or alipay"));
  if (!vpctl_parse_method (method, &m, &error)
      || !vp_money_parse (argv[2], VP_MONEY_POSITIVE, &amount, &error)
      || (tendered != NULL && !vp_money_parse (tendered, VP_MONEY_POSITIVE, &given, &error)))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL
      || !vp_bill_pay (db, session, argv[1], amount, m, given, &entry, &error)
      || (bill = vp_bill_get (db, session, argv[1], &error)) == NULL)
    return vpctl_fail (ctx, error);
  if (!ctx->json)
    {
      g_autofree char *owed = vp_money_format (bill->amount - bill->paid);

      g_print (_("Receipt %s; bill %s %s, still owed %s yuan\n"), entry->receipt, bill->number,
               bill->state, owed);
      return VPCTL_EXIT_OK;
    }
  json_builder_begin_object (b);
  vpctl_json_add_string (b, "receipt", entry->receipt);
  vpctl_json_add_money (b, "change", entry->change);
  json_builder_set_member_name (b, "bill");
  build_bill (b, bill);
  json_builder_end_object (b);
  vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static int
bill_list_or_export (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bills = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *account = NULL, *state = NULL, *date = NULL;
  gboolean overdue = FALSE;
  gboolean export = g_strcmp0 (argv[0], "export") == 0;
  GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Only this account's bills"), "ACCOUNT" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("draft, open, paid or void"), "S" },
    { "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue, N_("Only open bills past their due date (arrears)"), NULL },
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("Overdue as of DATE (default today)"), "YYYY-MM-DD" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, export ? _("FILE.csv|FILE.pdf") : NULL,
                            export ? _("Export bills as CSV or PDF for the customers")
                                   : _("List bills; --overdue for the arrears"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != (export ? 2 : 1))
    return vpctl_usage_error (ctx, export ? _("Give one file to write") : _("No arguments expected"));
  if (overdue && (account != NULL || state != NULL))
    return vpctl_usage_error (ctx, _("--overdue lists every open bill past due: leave out "
                                     "--account and --state"));
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  bills = overdue ? vp_bill_list_overdue (db, session, date, &error)
                  : vp_bill_list (db, session, account, state, &error);
  if (bills == NULL || (export && !vp_bill_export (bills, argv[1], &error)))
    return vpctl_fail (ctx, error);
  if (export)
    return print_count (ctx, "bills", bills->len, -1, _("Bills exported"));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "bills");
  json_builder_begin_array (b);
  for (guint i = 0; i < bills->len; i++)
    {
      const VpBill *bill = g_ptr_array_index (bills, i);

      if (!ctx->json)
        {
          g_autofree char *amount = vp_money_format (bill->amount);
          g_autofree char *owed = vp_money_format (bill->amount - bill->paid);

          g_print ("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", bill->number, bill->account, bill->name,
                   bill->item, amount, owed, bill->due_date, bill->state);
        }
      build_bill (b, bill);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static int
bill_remind (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *date = NULL;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("As of DATE (default today)"), "YYYY-MM-DD" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  guint reminders = 0, trips = 0;

  if (!vpctl_parse_options (ctx, NULL, _("Queue reminders (and trips) for overdue bills"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_postpaid_remind (db, session, date, &reminders, &trips, &error))
    return vpctl_fail (ctx, error);
  if (!ctx->json)
    {
      g_print (_("%u reminders, %u trips queued\n"), reminders, trips);
      return VPCTL_EXIT_OK;
    }
  json_builder_begin_object (b);
  vpctl_json_add_int (b, "reminders", reminders);
  vpctl_json_add_int (b, "trips", trips);
  json_builder_end_object (b);
  vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static int
bill_mode (VpctlContext *ctx,
           int           argc,
           char        **argv)
{
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = { { NULL } };
  VpAccountMode mode;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, _("ACCOUNT prepaid|postpaid"),
                            _("Switch an account between prepaid and postpaid (settled first)"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 3)
    return vpctl_usage_error (ctx, _("Give the account and the mode"));
  if (!vp_account_mode_from_string (argv[2], &mode))
    return vpctl_usage_error (ctx, _("Unknown mode “%s”: prepaid or postpaid"), argv[2]);
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_postpaid_set_mode (db, session, argv[1], mode, &error))
    return vpctl_fail (ctx, error);
  return print_count (ctx, "switched", 1, -1, _("Mode switched"));
}

static const VpctlCommand bill_commands[] = {
  { "run", bill_run_or_confirm, N_("Make a month's draft postpaid bills") },
  { "confirm", bill_run_or_confirm, N_("Confirm a month's reviewed drafts") },
  { "pay", bill_pay, N_("Pay a bill at the counter") },
  { "list", bill_list_or_export, N_("List bills, or the arrears with --overdue") },
  { "export", bill_list_or_export, N_("Export bills to CSV or PDF") },
  { "remind", bill_remind, N_("Reminders and trips for overdue bills") },
  { "mode", bill_mode, N_("Switch an account between prepaid and postpaid") },
};

int
vpctl_group_bill (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  return vpctl_run_command (ctx, bill_commands, G_N_ELEMENTS (bill_commands), argc, argv);
}

/* ---- batch ---- */

static gboolean
parse_id (const char  *text,
          gint64      *out_id,
          GError     **error)
{
  guint64 id;

  if (g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &id, NULL))
    {
      *out_id = (gint64) id;
      return TRUE;
    }
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a batch number"), text);
  return FALSE;
}

/* "YYYY-MM-DD HH:MM" local → Unix seconds. */
static gboolean
parse_when (const char  *text,
            gint64      *out_time,
            GError     **error)
{
  int y, mo, d, h, mi;
  char end;
  g_autoptr(GDateTime) dt = NULL;

  if (sscanf (text, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi, &end) == 5
      && (dt = g_date_time_new_local (y, mo, d, h, mi, 0)) != NULL)
    {
      *out_time = g_date_time_to_unix (dt);
      return TRUE;
    }
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a time: write it as “YYYY-MM-DD HH:MM”"), text);
  return FALSE;
}

static void
build_batch (JsonBuilder   *b,
             const VpBatch *batch)
{
  json_builder_begin_object (b);
  vpctl_json_add_int (b, "id", batch->id);
  vpctl_json_add_string (b, "name", batch->name);
  vpctl_json_add_string (b, "action", vp_batch_action_to_string (batch->action));
  vpctl_json_add_string (b, "state", batch->state);
  vpctl_json_add_string (b, "selection", batch->selection);
  vpctl_json_add_int (b, "run_at", batch->run_at);
  vpctl_json_add_string (b, "repeat", vp_batch_repeat_to_string (batch->repeat));
  vpctl_json_add_int (b, "next_id", batch->next_id);
  vpctl_json_add_int (b, "total", batch->total);
  vpctl_json_add_int (b, "pending", batch->pending);
  vpctl_json_add_int (b, "done", batch->done);
  vpctl_json_add_int (b, "failed", batch->failed);
  vpctl_json_add_int (b, "cancelled", batch->cancelled);
  vpctl_json_add_string (b, "created_at", batch->created_at);
  vpctl_json_add_string (b, "finished_at", batch->finished_at);
  if (batch->items != NULL)
    {
      json_builder_set_member_name (b, "items");
      json_builder_begin_array (b);
      for (guint i = 0; i < batch->items->len; i++)
        {
          const VpBatchItem *item = g_ptr_array_index (batch->items, i);

          json_builder_begin_object (b);
          vpctl_json_add_string (b, "account", item->account);
          vpctl_json_add_string (b, "state", item->state);
          vpctl_json_add_int (b, "attempts", item->attempts);
          vpctl_json_add_string (b, "result", item->result);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

static void
print_batch_text (const VpBatch *batch)
{
  g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%u/%u done, %u failed, %u pending\t%s\n",
           batch->id, batch->name, vp_batch_action_to_string (batch->action), batch->state,
           batch->done, batch->total, batch->failed, batch->pending, batch->selection);
  for (guint i = 0; batch->items != NULL && i < batch->items->len; i++)
    {
      const VpBatchItem *item = g_ptr_array_index (batch->items, i);

      g_print ("  %s\t%s\t%d\t%s\n", item->account, item->state, item->attempts,
               item->result != NULL ? item->result : "");
    }
}

static int
print_batch (VpctlContext *ctx,
             VpDatabase   *db,
             VpSession    *session,
             gint64        id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpBatch) batch = vp_batch_get (db, session, id, &error);
  g_autoptr(JsonBuilder) b = json_builder_new ();

  if (batch == NULL)
    return vpctl_fail (ctx, error);
  if (!ctx->json)
    {
      print_batch_text (batch);
      return VPCTL_EXIT_OK;
    }
  build_batch (b, batch);
  vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static int
batch_create (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *action = NULL, *tariff = NULL, *a1 = NULL, *a2 = NULL, *trip = NULL;
  g_autofree char *amount = NULL, *reason = NULL, *building = NULL, *select_tariff = NULL;
  g_autofree char *state = NULL, *at = NULL, *repeat = NULL;
  g_auto(GStrv) accounts = NULL;
  int floor = 0;
  GOptionEntry entries[] = {
    { "action", 0, 0, G_OPTION_ARG_STRING, &action, N_("tariff, alarms, trip, close, keep-power, keep-power-clear, subsidy or set-time"), "A" },
    { "tariff", 0, 0, G_OPTION_ARG_STRING, &tariff, N_("tariff: the tariff to set"), "NAME" },
    { "alarm1", 0, 0, G_OPTION_ARG_STRING, &a1, N_("alarms: alarm 1 (yuan)"), "X" },
    { "alarm2", 0, 0, G_OPTION_ARG_STRING, &a2, N_("alarms: alarm 2 (yuan)"), "X" },
    { "trip", 0, 0, G_OPTION_ARG_STRING, &trip, N_("alarms: trip level (yuan, may be negative)"), "X" },
    { "amount", 0, 0, G_OPTION_ARG_STRING, &amount, N_("subsidy: yuan per account"), "X" },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Reason (control, set-time and subsidy)"), "TEXT" },
    { "building", 0, 0, G_OPTION_ARG_STRING, &building, N_("Select accounts in this building"), "B" },
    { "floor", 0, 0, G_OPTION_ARG_INT, &floor, N_("… on this floor"), "N" },
    { "select-tariff", 0, 0, G_OPTION_ARG_STRING, &select_tariff, N_("… on this tariff"), "NAME" },
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, N_("… open, suspended or tripped"), "S" },
    { "account", 0, 0, G_OPTION_ARG_STRING_ARRAY, &accounts, N_("Select this account instead (repeat)"), "ACCOUNT" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Run from this local time"), "\"YYYY-MM-DD HH:MM\"" },
    { "repeat", 0, 0, G_OPTION_ARG_STRING, &repeat, N_("none (default), daily or monthly"), "R" },
    { NULL }
  };
  VpBatchSpec spec = { 0 };
  VpBatchSelection sel = { 0 };
  VpSession *session;
  VpDatabase *db;
  gint64 id;

  if (!vpctl_parse_options (ctx, _("NAME"), _("Create a batch over selected accounts"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give the batch a name"));
  if (action == NULL || !vp_batch_action_from_string (action, &spec.action))
    return vpctl_usage_error (ctx, _("--action is required: tariff, alarms, trip, close, "
                                     "keep-power, keep-power-clear, subsidy or set-time"));
  if (repeat != NULL && !vp_batch_repeat_from_string (repeat, &spec.repeat))
    return vpctl_usage_error (ctx, _("Unknown repeat “%s”: none, daily or monthly"), repeat);
  if (spec.action == VP_BATCH_ALARMS && (a1 == NULL || a2 == NULL || trip == NULL))
    return vpctl_usage_error (ctx, _("alarms needs --alarm1, --alarm2 and --trip"));
  if (spec.action == VP_BATCH_SUBSIDY && amount == NULL)
    return vpctl_usage_error (ctx, _("subsidy needs --amount"));
  if ((a1 != NULL && !vp_money_parse (a1, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &spec.alarm1, &error))
      || (a2 != NULL && !vp_money_parse (a2, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &spec.alarm2, &error))
      || (trip != NULL && !vp_money_parse (trip, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &spec.trip, &error))
      || (amount != NULL && !vp_money_parse (amount, VP_MONEY_POSITIVE, &spec.amount, &error))
      || (at != NULL && !parse_when (at, &spec.run_at, &error)))
    return vpctl_fail (ctx, error);
  spec.name = argv[1];
  spec.tariff = tariff;
  spec.reason = reason;
  sel.building = building;
  sel.floor = floor;
  sel.tariff = select_tariff;
  sel.state = state;
  sel.accounts = (const char * const *) accounts;
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_batch_create (db, session, &spec, &sel, &id, &error))
    return vpctl_fail (ctx, error);
  return print_batch (ctx, db, session, id);
}

static int
batch_run (VpctlContext *ctx,
           int           argc,
           char        **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean due = FALSE;
  int max = 0;
  GOptionEntry entries[] = {
    { "due", 0, 0, G_OPTION_ARG_NONE, &due, N_("Run every batch that is due now (for a timer)"), NULL },
    { "max", 0, 0, G_OPTION_ARG_INT, &max, N_("Stop after N items (the rest stay pending)"), "N" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  gint64 id = 0;
  guint count = 0;

  if (!vpctl_parse_options (ctx, _("[ID]"), _("Run a batch now, or with --due every batch due"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (due ? argc != 1 : argc != 2)
    return vpctl_usage_error (ctx, _("Give one batch number, or --due"));
  if (max < 0)
    return vpctl_usage_error (ctx, _("--max must be positive"));
  if (!due && !parse_id (argv[1], &id, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  if (due)
    {
      if (!vp_batch_run_due (db, session, g_get_real_time () / G_USEC_PER_SEC, &count, &error))
        return vpctl_fail (ctx, error);
      return print_count (ctx, "batches", count, -1, _("Due batches run"));
    }
  if (!vp_batch_run (db, session, id, (guint) max, NULL, &count, &error))
    return vpctl_fail (ctx, error);
  return print_batch (ctx, db, session, id);
}

/* show, retry and cancel take one batch number. */
static int
batch_one (VpctlContext *ctx,
           int           argc,
           char        **argv)
{
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = { { NULL } };
  const char *command = argv[0];
  VpSession *session;
  VpDatabase *db;
  gint64 id;
  gboolean ok = TRUE;

  if (!vpctl_parse_options (ctx, _("ID"), _("One batch"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give one batch number"));
  if (!parse_id (argv[1], &id, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  if (g_strcmp0 (command, "retry") == 0)
    ok = vp_batch_retry (db, session, id, NULL, &error);
  else if (g_strcmp0 (command, "cancel") == 0)
    ok = vp_batch_cancel (db, session, id, &error);
  if (!ok)
    return vpctl_fail (ctx, error);
  return print_batch (ctx, db, session, id);
}

static int
batch_list (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GOptionEntry entries[] = { { NULL } };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("List batches, newest first"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL || (batches = vp_batch_list (db, session, &error)) == NULL)
    return vpctl_fail (ctx, error);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "batches");
  json_builder_begin_array (b);
  for (guint i = 0; i < batches->len; i++)
    {
      if (!ctx->json)
        print_batch_text (g_ptr_array_index (batches, i));
      build_batch (b, g_ptr_array_index (batches, i));
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (ctx->json)
    vpctl_print_builder (b);
  return VPCTL_EXIT_OK;
}

static const VpctlCommand batch_commands[] = {
  { "create", batch_create, N_("Create a batch over selected accounts") },
  { "list", batch_list, N_("List batches and their progress") },
  { "show", batch_one, N_("Show a batch and each account's result") },
  { "run", batch_run, N_("Run a batch (resumes where it stopped)") },
  { "retry", batch_one, N_("Put the failed items back to run again") },
  { "cancel", batch_one, N_("Cancel a batch's pending items") },
};

int
vpctl_group_batch (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  return vpctl_run_command (ctx, batch_commands, G_N_ELEMENTS (batch_commands), argc, argv);
}
