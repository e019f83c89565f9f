/* vpctl-account.c: "vpctl account …", "topup", "refund", "reverse", "shift …", "demo"
 *
 * Thin: parse the command line, call the model (which checks roles and audits), print
 * text or one JSON document. Amounts are typed and printed as yuan strings ("12.30").
 */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-demo.h"
#include "vp-engine.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-search.h"
#include "vp-session.h"
#include "vp-shift.h"
#include "vpctl.h"

/* ---- JSON ---- */

/* Adds @e's members to the object the caller has begun. */
static void
add_entry_members (JsonBuilder         *b,
                   const VpLedgerEntry *e)
{
  vpctl_json_add_string (b, "receipt", e->receipt);
  vpctl_json_add_string (b, "account", e->account);
  vpctl_json_add_string (b, "kind", vp_ledger_kind_to_string (e->kind));
  vpctl_json_add_money (b, "amount", e->amount);
  vpctl_json_add_money (b, "balance_before", e->balance_before);
  vpctl_json_add_money (b, "balance_after", e->balance_after);
  vpctl_json_add_string (b, "method", vp_payment_method_to_string (e->method));
  vpctl_json_add_string (b, "reference", e->reference);
  if (e->tendered > 0)
    {
      vpctl_json_add_money (b, "tendered", e->tendered);
      vpctl_json_add_money (b, "change", e->change);
    }
  if (e->note != NULL)
    vpctl_json_add_string (b, "note", e->note);
  vpctl_json_add_string (b, "time", e->created_at);
}

static void
build_entry (JsonBuilder         *b,
             const VpLedgerEntry *e)
{
  json_builder_begin_object (b);
  add_entry_members (b, e);
  json_builder_end_object (b);
}

static void
build_account (JsonBuilder     *b,
               const VpAccount *a)
{
  vpctl_json_add_string (b, "account", a->number);
  vpctl_json_add_string (b, "name", a->name);
  vpctl_json_add_string (b, "phone", a->phone);
  vpctl_json_add_string (b, "id_number", a->id_number);
  vpctl_json_add_string (b, "address", a->address);
  vpctl_json_add_string (b, "room", a->room);
  vpctl_json_add_string (b, "mode", vp_account_mode_to_string (a->mode));
  vpctl_json_add_string (b, "status", vp_account_status_to_string (a->status));
  vpctl_json_add_string (b, "tariff", a->tariff);
  vpctl_json_add_money (b, "balance", a->balance);
  vpctl_json_add_money (b, "alarm1", a->alarm1);
  vpctl_json_add_money (b, "alarm2", a->alarm2);
  vpctl_json_add_money (b, "trip", a->trip);
  if (a->close_debt != 0)
    vpctl_json_add_money (b, "close_debt", a->close_debt);
  vpctl_json_add_string (b, "opened_at", a->opened_at);
  vpctl_json_add_string (b, "closed_at", a->closed_at);
  json_builder_set_member_name (b, "meters");
  json_builder_begin_array (b);
  for (guint i = 0; i < a->meters->len; i++)
    {
      const VpMeter *m = g_ptr_array_index (a->meters, i);

      json_builder_begin_object (b);
      vpctl_json_add_int (b, "id", m->id);
      vpctl_json_add_string (b, "kind", vp_meter_kind_to_string (m->kind));
      vpctl_json_add_string (b, "protocol", vp_meter_protocol_to_string (m->protocol));
      vpctl_json_add_string (b, "address", m->address);
      vpctl_json_add_string (b, "link", m->link);
      vpctl_json_add_int (b, "multiplier", m->multiplier);
      vpctl_json_add_int (b, "install_reading", m->install_reading);
      if (m->final_reading >= 0)
        vpctl_json_add_int (b, "final_reading", m->final_reading);
      vpctl_json_add_string (b, "status", vp_meter_status_to_string (m->status));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_account_text (const VpAccount *a)
{
  g_autofree char *balance = vp_money_format (a->balance);

  g_print ("%s  %s  %s  %s  %s %s\n", a->number, a->name, a->room != NULL ? a->room : "-",
           vp_account_status_to_string (a->status), balance, _("yuan"));
  for (guint i = 0; i < a->meters->len; i++)
    {
      const VpMeter *m = g_ptr_array_index (a->meters, i);

      g_print ("  %s %s %s %s\n", vp_meter_kind_to_string (m->kind),
               vp_meter_protocol_to_string (m->protocol), m->address,
               vp_meter_status_to_string (m->status));
    }
}

static int
print_entry (VpctlContext        *ctx,
             const VpLedgerEntry *e)
{
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      build_entry (b, e);
      vpctl_print_builder (b);
    }
  else
    {
      g_autofree char *amount = vp_money_format (e->amount);
      g_autofree char *before = vp_money_format (e->balance_before);
      g_autofree char *after = vp_money_format (e->balance_after);

      g_print (_("Receipt %s: %s %s yuan on account %s, balance %s → %s yuan\n"),
               e->receipt != NULL ? e->receipt : "-", vp_ledger_kind_to_string (e->kind),
               amount, e->account, before, after);
      if (e->tendered > 0)
        {
          g_autofree char *change = vp_money_format (e->change);

          g_print (_("Change: %s yuan\n"), change);
        }
    }
  return VPCTL_EXIT_OK;
}

/* ---- shared parsing ---- */

static gboolean
parse_money (const char    *text,
             VpMoneyFlags   flags,
             gint64        *out,
             GError       **error)
{
  return vp_money_parse (text, flags, out, error);
}

/* The approver's id for --approver LOGIN (password from $VP_APPROVER_PASSWORD or a
 * prompt), 0 without --approver. */
static gboolean
get_approver (VpctlContext  *ctx,
              VpSession     *session,
              const char    *login,
              VpPermission   what,
              gint64        *out_id,
              GError       **error)
{
  g_autofree char *prompt = NULL;
  char *password;

  *out_id = 0;
  if (login == NULL)
    return TRUE;
  prompt = g_strdup_printf (_("Password of supervisor %s: "), login);
  password = vpctl_read_secret (prompt, "VP_APPROVER_PASSWORD", error);
  if (password == NULL)
    return FALSE;
  *out_id = vp_session_approve (session, login, password, what, error);
  vpctl_free_secret (password);
  return *out_id != 0;
}

/* Session and database for a command; prints the error itself. */
static VpSession *
login (VpctlContext  *ctx,
       VpDatabase   **out_db,
       GError       **error)
{
  VpSession *session = vpctl_get_session (ctx, error);

  if (session != NULL)
    *out_db = vp_session_get_database (session);
  return session;
}

/* ---- account ---- */

/* Prints the account as stored now: JSON, or a line @message (NULL: the account
 * itself) for people. */
static int
print_account_after (VpctlContext *ctx,
                     VpDatabase   *db,
                     VpSession    *session,
                     const char   *number,
                     const char   *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = vp_account_get (db, session, number, &error);

  if (account == NULL)
    return vpctl_fail (ctx, error);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      build_account (b, account);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else if (message != NULL)
    g_print ("%s %s\n", message, number);
  else
    print_account_text (account);
  return VPCTL_EXIT_OK;
}

static int
account_show (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, "ACCOUNT", _("Show an account and its meters"), NULL, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 1, "ACCOUNT"))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  return print_account_after (ctx, db, session, argv[1], NULL);
}

static int
account_open (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autofree char *name = NULL, *phone = NULL, *id_number = NULL, *address = NULL;
  g_autofree char *room = NULL, *tariff = NULL, *mode = NULL;
  g_autofree char *alarm1 = NULL, *alarm2 = NULL, *trip = NULL;
  g_autofree char *topup = NULL, *method = NULL, *ref = NULL, *tendered = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Customer name"), "NAME" },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone number"), "P" },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &id_number, N_("ID number"), "ID" },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("Address"), "A" },
    { "room", 0, 0, G_OPTION_ARG_STRING, &room, N_("Room, e.g. 3-402"), "R" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, N_("prepaid (default) or postpaid"), "M" },
    { "tariff", 0, 0, G_OPTION_ARG_STRING, &tariff, N_("Tariff name"), "T" },
    { "alarm1", 0, 0, G_OPTION_ARG_STRING, &alarm1, N_("First alarm level (yuan)"), "A" },
    { "alarm2", 0, 0, G_OPTION_ARG_STRING, &alarm2, N_("Second alarm level (yuan)"), "A" },
    { "trip", 0, 0, G_OPTION_ARG_STRING, &trip, N_("Trip level (yuan, may be negative)"), "A" },
    { "topup", 0, 0, G_OPTION_ARG_STRING, &topup, N_("Opening top-up (yuan)"), "AMOUNT" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("cash, card, wechat or alipay"), "M" },
    { "ref", 0, 0, G_OPTION_ARG_STRING, &ref, N_("Payment reference"), "R" },
    { "tendered", 0, 0, G_OPTION_ARG_STRING, &tendered, N_("Cash handed over (yuan)"), "AMOUNT" },
    { NULL }
  };
  VpAccountSpec spec;
  VpAccountSpec defaults;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("Open an account"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (name == NULL)
    return vpctl_usage_error (ctx, _("--name is required"));
  if (topup != NULL && method == NULL)
    return vpctl_usage_error (ctx, _("--topup needs --method"));

  vp_account_spec_init (&spec);
  spec.name = name;
  spec.phone = phone;
  spec.id_number = id_number;
  spec.address = address;
  spec.room = room;
  spec.tariff = tariff;
  spec.reference = ref;
  if ((mode != NULL && !vp_account_mode_from_string (mode, &spec.mode)
       && (g_set_error (&error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                        _("--mode is prepaid or postpaid")), TRUE))
      || (alarm1 != NULL && !parse_money (alarm1, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &spec.alarm1, &error))
      || (alarm2 != NULL && !parse_money (alarm2, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &spec.alarm2, &error))
      || (trip != NULL && !parse_money (trip, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &spec.trip, &error))
      || (topup != NULL && !parse_money (topup, VP_MONEY_POSITIVE, &spec.opening_topup, &error))
      || (method != NULL && !vpctl_parse_method (method, &spec.method, &error))
      || (tendered != NULL && !parse_money (tendered, VP_MONEY_POSITIVE, &spec.tendered, &error)))
    return vpctl_fail (ctx, error);

  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  /* Thresholds not given are the counter's defaults for new accounts (Settings). */
  vp_account_spec_init_defaults (db, &defaults);
  if (alarm1 == NULL)
    spec.alarm1 = defaults.alarm1;
  if (alarm2 == NULL)
    spec.alarm2 = defaults.alarm2;
  if (trip == NULL)
    spec.trip = defaults.trip;
  if (!vp_account_open (db, session, &spec, &account, &entry, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      build_account (b, account);
      if (entry != NULL)
        {
          json_builder_set_member_name (b, "topup");
          build_entry (b, entry);
        }
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    {
      g_print (_("Opened account %s.\n"), account->number);
      if (entry != NULL)
        print_entry (ctx, entry);
    }
  return VPCTL_EXIT_OK;
}

static int
account_list (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  gint64 offset = 0, limit = 100;
  GOptionEntry entries[] = {
    { "offset", 0, 0, G_OPTION_ARG_INT64, &offset, N_("Skip this many accounts"), "N" },
    { "limit", 0, 0, G_OPTION_ARG_INT64, &limit, N_("At most this many (default 100, 0 = all)"), "N" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("List accounts in number order"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL || (accounts = vp_account_list (db, session, offset, limit, &error)) == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "accounts");
      json_builder_begin_array (b);
      for (guint i = 0; i < accounts->len; i++)
        {
          json_builder_begin_object (b);
          build_account (b, g_ptr_array_index (accounts, i));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    for (guint i = 0; i < accounts->len; i++)
      print_account_text (g_ptr_array_index (accounts, i));
  return VPCTL_EXIT_OK;
}

static const char *
match_to_string (VpSearchMatch match)
{
  static const char * const names[] = { "number", "room", "name", "phone", "meter", "other" };

  return names[match];
}

static int
account_search (VpctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  int limit = VP_SEARCH_DEFAULT_LIMIT;
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most this many (default 50)"), "N" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, "QUERY", _("Find accounts by name, number, meter, room or phone"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 1, "QUERY"))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL
      || (hits = vp_search_accounts (db, session, argv[1], -1, limit, &error)) == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_string (b, "query", argv[1]);
      json_builder_set_member_name (b, "results");
      json_builder_begin_array (b);
      for (guint i = 0; i < hits->len; i++)
        {
          const VpSearchHit *h = g_ptr_array_index (hits, i);

          json_builder_begin_object (b);
          vpctl_json_add_string (b, "account", h->number);
          vpctl_json_add_string (b, "name", h->name);
          vpctl_json_add_string (b, "phone", h->phone);
          vpctl_json_add_string (b, "room", h->room);
          vpctl_json_add_string (b, "meters", h->meters);
          vpctl_json_add_string (b, "status", vp_account_status_to_string (h->status));
          vpctl_json_add_money (b, "balance", h->balance);
          vpctl_json_add_string (b, "match", match_to_string (h->match));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    for (guint i = 0; i < hits->len; i++)
      {
        const VpSearchHit *h = g_ptr_array_index (hits, i);
        g_autofree char *balance = vp_money_format (h->balance);

        g_print ("%s  %s  %s  %s  %s  %s\n", h->number, h->name, h->room != NULL ? h->room : "-",
                 h->phone != NULL ? h->phone : "-", h->meters, balance);
      }
  return VPCTL_EXIT_OK;
}

static int
account_close (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autofree char *method = NULL, *approver = NULL;
  GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("How the balance is paid out (default cash)"), "M" },
    { "approver", 0, 0, G_OPTION_ARG_STRING, &approver, N_("Supervisor approving a large refund"), "LOGIN" },
    { NULL }
  };
  VpPaymentMethod m = VP_PAYMENT_CASH;
  VpSession *session;
  VpDatabase *db;
  gint64 approver_id;

  if (!vpctl_parse_options (ctx, "ACCOUNT", _("Close an account with its final settlement"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 1, "ACCOUNT"))
    return VPCTL_EXIT_USAGE;
  if (method != NULL && !vpctl_parse_method (method, &m, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL
      || !get_approver (ctx, session, approver, VP_PERM_APPROVE, &approver_id, &error)
      || !vp_account_close (db, session, argv[1], m, approver_id, &entry, &error))
    return vpctl_fail (ctx, error);
  if (!ctx->json && entry != NULL)
    print_entry (ctx, entry);
  return print_account_after (ctx, db, session, argv[1], _("Closed account"));
}

static int
account_transfer (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL, *phone = NULL, *id_number = NULL, *address = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("New customer's name"), "NAME" },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone number"), "P" },
    { "id-number", 0, 0, G_OPTION_ARG_STRING, &id_number, N_("ID number"), "ID" },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, N_("Address"), "A" },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, "ACCOUNT", _("Transfer an account to a new customer"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 1, "ACCOUNT"))
    return VPCTL_EXIT_USAGE;
  if (name == NULL)
    return vpctl_usage_error (ctx, _("--name is required"));
  session = login (ctx, &db, &error);
  if (session == NULL
      || !vp_account_transfer (db, session, argv[1], name, phone, id_number, address, &error))
    return vpctl_fail (ctx, error);
  return print_account_after (ctx, db, session, argv[1], _("Transferred account"));
}

static int
account_suspend_or_restore (VpctlContext *ctx,
                            int           argc,
                            char        **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean suspend = g_str_equal (argv[0], "suspend");
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, "ACCOUNT", suspend ? _("Suspend an account") : _("Restore a suspended account"),
                            NULL, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 1, "ACCOUNT"))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_account_set_suspended (db, session, argv[1], suspend, &error))
    return vpctl_fail (ctx, error);
  return print_account_after (ctx, db, session, argv[1],
                              suspend ? _("Suspended account") : _("Restored account"));
}

static const VpctlCommand account_commands[] = {
  { "open", account_open, N_("Open an account (with an optional opening top-up)") },
  { "show", account_show, N_("Show an account and its meters") },
  { "list", account_list, N_("List accounts") },
  { "search", account_search, N_("Find accounts by name, number, meter, room or phone") },
  { "close", account_close, N_("Close an account with its final settlement") },
  { "transfer", account_transfer, N_("Transfer an account to a new customer") },
  { "suspend", account_suspend_or_restore, N_("Suspend an account") },
  { "restore", account_suspend_or_restore, N_("Restore a suspended account") },
};

int
vpctl_group_account (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  return vpctl_run_command (ctx, account_commands, G_N_ELEMENTS (account_commands), argc, argv);
}

/* ---- money groups without commands: "vpctl topup ACCOUNT AMOUNT …" ---- */

int
vpctl_group_topup (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autofree char *method = NULL, *ref = NULL, *tendered = NULL;
  GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("cash, card, wechat or alipay"), "M" },
    { "ref", 0, 0, G_OPTION_ARG_STRING, &ref, N_("Payment reference"), "R" },
    { "tendered", 0, 0, G_OPTION_ARG_STRING, &tendered, N_("Cash handed over (yuan)"), "AMOUNT" },
    { NULL }
  };
  VpPaymentMethod m;
  gint64 amount, given = 0;
  guint close_queued = 0;
  VpSession *session;
  VpDatabase *db;

  argv = args;
  if (!vpctl_parse_options (ctx, "ACCOUNT AMOUNT", _("Top up an account"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 2, "ACCOUNT AMOUNT"))
    return VPCTL_EXIT_USAGE;
  if (method == NULL)
    return vpctl_usage_error (ctx, _("--method is required: cash, card, wechat or alipay"));
  if (!vpctl_parse_method (method, &m, &error)
      || !parse_money (argv[2], VP_MONEY_POSITIVE, &amount, &error)
      || (tendered != NULL && !parse_money (tendered, VP_MONEY_POSITIVE, &given, &error)))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL
      || !vp_ledger_topup (db, session, argv[1], amount, m, ref, given, &entry, &error))
    return vpctl_fail (ctx, error);

  /* The money is committed; now queue the close commands it implies so the next cycle
   * (or the running service) sends them first. Should this fail, the cycle's own
   * check of tripped accounts above the close threshold still closes them. */
  if (!vp_engine_on_topup (db, entry->account, &close_queued, &error))
    {
      g_printerr (_("vpctl: the top-up is committed (receipt %s), but its close commands "
                    "were not queued: %s. The next cycle will close the supply.\n"),
                  entry->receipt, error->message);
      g_clear_error (&error);
    }

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      add_entry_members (b, entry);
      json_builder_set_member_name (b, "close_queued");
      json_builder_add_int_value (b, close_queued);
      json_builder_end_object (b);
      vpctl_print_builder (b);
      return VPCTL_EXIT_OK;
    }

  print_entry (ctx, entry);
  if (close_queued > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u close command queued; the next cycle sends it.\n",
                          "%u close commands queued; the next cycle sends them.\n",
                          close_queued), close_queued);
  return VPCTL_EXIT_OK;
}

int
vpctl_group_refund (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autofree char *method = NULL, *approver = NULL;
  GOptionEntry entries[] = {
    { "method", 0, 0, G_OPTION_ARG_STRING, &method, N_("How it is paid out (default cash)"), "M" },
    { "approver", 0, 0, G_OPTION_ARG_STRING, &approver, N_("Supervisor approving a refund above the limit"), "LOGIN" },
    { NULL }
  };
  VpPaymentMethod m = VP_PAYMENT_CASH;
  gint64 amount, approver_id;
  VpSession *session;
  VpDatabase *db;

  argv = args;
  if (!vpctl_parse_options (ctx, "ACCOUNT AMOUNT", _("Refund part of an account's balance"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 2, "ACCOUNT AMOUNT"))
    return VPCTL_EXIT_USAGE;
  if ((method != NULL && !vpctl_parse_method (method, &m, &error))
      || !parse_money (argv[2], VP_MONEY_POSITIVE, &amount, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL
      || !get_approver (ctx, session, approver, VP_PERM_APPROVE, &approver_id, &error)
      || !vp_ledger_refund (db, session, argv[1], amount, m, approver_id, &entry, &error))
    return vpctl_fail (ctx, error);
  return print_entry (ctx, entry);
}

int
vpctl_group_reverse (VpctlContext *ctx,
                     int           argc,
                     char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  g_autofree char *approver = NULL;
  GOptionEntry entries[] = {
    { "approver", 0, 0, G_OPTION_ARG_STRING, &approver, N_("Supervisor approving the reversal"), "LOGIN" },
    { NULL }
  };
  gint64 approver_id;
  VpSession *session;
  VpDatabase *db;

  argv = args;
  if (!vpctl_parse_options (ctx, "RECEIPT", _("Reverse the last top-up of an account"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (!vpctl_want_args (ctx, argc, 1, "RECEIPT"))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL
      || !get_approver (ctx, session, approver, VP_PERM_APPROVE, &approver_id, &error)
      || !vp_ledger_reverse (db, session, argv[1], approver_id, &entry, &error))
    return vpctl_fail (ctx, error);
  return print_entry (ctx, entry);
}

/* ---- shift ---- */

static int
print_shift (VpctlContext  *ctx,
             const VpShift *s)
{
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "shift");
      if (s == NULL)
        json_builder_add_null_value (b);
      else
        {
          json_builder_add_int_value (b, s->id);
          vpctl_json_add_string (b, "counter", s->counter);
          vpctl_json_add_money (b, "float", s->float_amount);
          vpctl_json_add_string (b, "opened_at", s->opened_at);
          vpctl_json_add_string (b, "closed_at", s->closed_at);
          vpctl_json_add_money (b, "expected", s->expected);
          if (s->closed_at != NULL)
            {
              vpctl_json_add_money (b, "counted", s->counted);
              vpctl_json_add_money (b, "over_short", s->over_short);
            }
          vpctl_json_add_int (b, "entries", s->n_entries);
          vpctl_json_add_money (b, "cash", s->cash);
          vpctl_json_add_money (b, "card", s->card);
          vpctl_json_add_money (b, "wechat", s->wechat);
          vpctl_json_add_money (b, "alipay", s->alipay);
          vpctl_json_add_money (b, "topups", s->topups);
          vpctl_json_add_money (b, "refunds", s->refunds);
          vpctl_json_add_money (b, "reversals", s->reversals);
        }
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else if (s == NULL)
    g_print (_("No shift is open.\n"));
  else
    {
      g_autofree char *expected = vp_money_format (s->expected);
      g_autofree char *over_short = vp_money_format (s->over_short);

      g_print (_("Shift %" PRId64 " (counter %s), %s: drawer should hold %s yuan\n"),
               s->id, s->counter, s->closed_at != NULL ? _("closed") : _("open"), expected);
      if (s->closed_at != NULL)
        g_print (_("Over/short: %s yuan\n"), over_short);
    }
  return VPCTL_EXIT_OK;
}

static int
shift_open (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autofree char *float_text = NULL;
  GOptionEntry entries[] = {
    { "float", 0, 0, G_OPTION_ARG_STRING, &float_text, N_("Cash in the drawer at the start (yuan)"), "AMOUNT" },
    { NULL }
  };
  gint64 float_amount = 0;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("Open your shift"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (float_text != NULL && !parse_money (float_text, VP_MONEY_ALLOW_ZERO, &float_amount, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL || !vp_shift_open (db, session, float_amount, &shift, &error))
    return vpctl_fail (ctx, error);
  return print_shift (ctx, shift);
}

static int
shift_close (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = NULL;
  g_autofree char *counted_text = NULL, *approver = NULL;
  GOptionEntry entries[] = {
    { "counted", 0, 0, G_OPTION_ARG_STRING, &counted_text, N_("Cash counted in the drawer (yuan)"), "AMOUNT" },
    { "approver", 0, 0, G_OPTION_ARG_STRING, &approver, N_("Supervisor accepting an over/short"), "LOGIN" },
    { NULL }
  };
  gint64 counted, approver_id;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("Close your shift"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (counted_text == NULL)
    return vpctl_usage_error (ctx, _("--counted is required"));
  if (!parse_money (counted_text, VP_MONEY_ALLOW_ZERO, &counted, &error))
    return vpctl_fail (ctx, error);
  session = login (ctx, &db, &error);
  if (session == NULL
      || !get_approver (ctx, session, approver, VP_PERM_SHIFT_ACCEPT, &approver_id, &error)
      || !vp_shift_close (db, session, counted, approver_id, &shift, &error))
    return vpctl_fail (ctx, error);
  return print_shift (ctx, shift);
}

static int
shift_show (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = NULL;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("Show your open shift"), NULL, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  shift = vp_shift_get_current (db, session, &error);
  if (error != NULL)
    return vpctl_fail (ctx, error);
  return print_shift (ctx, shift);
}

static const VpctlCommand shift_commands[] = {
  { "open", shift_open, N_("Open your shift with a float") },
  { "close", shift_close, N_("Close your shift with the counted cash") },
  { "show", shift_show, N_("Show your open shift") },
};

int
vpctl_group_shift (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  return vpctl_run_command (ctx, shift_commands, G_N_ELEMENTS (shift_commands), argc, argv);
}

/* ---- demo ---- */

int
vpctl_group_demo (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char **args = vpctl_with_program_name (ctx, &argc, argv);
  gint64 n_accounts = 1000;
  gint seed = 1;
  GOptionEntry entries[] = {
    { "accounts", 0, 0, G_OPTION_ARG_INT64, &n_accounts, N_("How many accounts (default 1000)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Random seed (default 1)"), "S" },
    { NULL }
  };
  VpDemoStats stats;
  VpSession *session;
  VpDatabase *db;

  argv = args;
  if (!vpctl_parse_options (ctx, NULL, _("Fill an empty database with demo data"), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  session = login (ctx, &db, &error);
  if (session == NULL
      || !vp_demo_generate (db, session, n_accounts, (guint32) seed, &stats, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_int (b, "accounts", stats.accounts);
      vpctl_json_add_int (b, "meters", stats.meters);
      vpctl_json_add_int (b, "rooms", stats.rooms);
      vpctl_json_add_int (b, "ledger_rows", stats.ledger_rows);
      vpctl_json_add_int (b, "shifts", stats.shifts);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, stats.seconds);
      json_builder_set_member_name (b, "index_seconds");
      json_builder_add_double_value (b, stats.index_seconds);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print (_("Created %" PRId64 " demo accounts with %" PRId64
               " meters and %" PRId64 " ledger rows in %.1f s.\n"),
             stats.accounts, stats.meters, stats.ledger_rows, stats.seconds);
  return VPCTL_EXIT_OK;
}
