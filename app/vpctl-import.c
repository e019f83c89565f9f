/* vpctl-import.c: "vpctl import customers FILE [--encoding utf-8|gbk] [--dry-run]",
 * "vpctl export customers FILE [--bom]" (format: model/vp-import.h) and
 * "vpctl notify send|list|release|config" (outbox delivery: model/vp-notify.h) */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n.h>

#include "vp-import.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-notify-devices.h"
#include "vp-notify.h"
#include "vp-secret.h"
#include "vp-settings.h"
#include "vpctl.h"

/* The database and the logged-in operator, or NULL with @error. */
static VpSession *
open_session (VpctlContext  *ctx,
              VpDatabase   **out_db,
              GError       **error)
{
  *out_db = vpctl_open_db (ctx, error);
  if (*out_db == NULL)
    return NULL;
  return vpctl_get_session (ctx, error);
}

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

  session = open_session (ctx, &db, &error);
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

  session = open_session (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  data = vp_import_export_customers (db, session, bom, &length, &error);
  if (data == NULL || !g_file_set_contents (argv[1], data, length, &error))
    return vpctl_fail (ctx, error);
  if (!ctx->json)
    g_print (_("Accounts written to %s\n"), argv[1]);
  return VPCTL_EXIT_OK;
}

/* ---- notify ---- */

static gboolean
parse_host_port (const char  *text,
                 char       **out_host,
                 guint16     *out_port)
{
  const char *colon = text != NULL ? strrchr (text, ':') : NULL;
  guint64 port;
  char *end;

  if (colon == NULL || colon == text)
    return FALSE;
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end != '\0' || port == 0 || port > 65535)
    return FALSE;
  *out_host = g_strndup (text, colon - text);
  *out_port = (guint16) port;
  return TRUE;
}

/* The SMTP log-in sealed by "notify config"; *@out_user stays NULL when there is none
 * (a server that takes mail without a log-in). Free the password with
 * vpctl_free_secret(). */
static gboolean
read_stored_login (VpDatabase  *db,
                   char       **out_user,
                   char       **out_password,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *user = vp_secret_get_setting (db, VP_SECRET_SMTP_USER_KEY, &local_error);
  char *stored = NULL;

  if (user != NULL)
    stored = vp_secret_get_setting (db, VP_SECRET_SMTP_PASSWORD_KEY, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (user == NULL)
    return TRUE;
  *out_password = g_strdup (stored != NULL ? stored : "");
  vpctl_free_secret (stored);
  *out_user = g_steal_pointer (&user);
  return TRUE;
}

/* See vpctl.h. */
struct _VpNotifyDevices *
vpctl_notify_devices_from_settings (VpDatabase  *db,
                                    GError     **error)
{
  g_autofree char *sms_link = vp_settings_get (db, VP_NOTIFY_SMS_LINK_KEY);
  g_autofree char *server = vp_settings_get (db, VP_NOTIFY_SMTP_SERVER_KEY);
  g_autofree char *from = vp_settings_get (db, VP_NOTIFY_FROM_KEY);
  g_autofree char *tls = vp_settings_get (db, VP_NOTIFY_SMTP_TLS_KEY);
  g_autofree char *ca_file = vp_settings_get (db, VP_NOTIFY_SMTP_CA_FILE_KEY);
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  char *password = NULL;
  /* No mode stored: a server configured before TLS was supported, kept as it was. */
  VpSmtpConfig smtp = { .tls = VP_SMTP_TLS_NONE };
  VpNotifyDevices *devices;
  gboolean sms = sms_link != NULL && sms_link[0] != '\0';
  gboolean mail = server != NULL && server[0] != '\0';

  if (!sms && !mail)
    return NULL;
  if (mail && !parse_host_port (server, &host, &smtp.port))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The setting %s wants HOST:PORT, not “%s”"), VP_NOTIFY_SMTP_SERVER_KEY, server);
      return NULL;
    }
  if (mail && (from == NULL || from[0] == '\0'))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Set %s, the sender address of the e-mails (vpctl notify config --from)"),
                   VP_NOTIFY_FROM_KEY);
      return NULL;
    }
  if (mail && tls[0] != '\0' && !vp_smtp_tls_from_string (tls, &smtp.tls))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The setting %s wants starttls, tls or none, not “%s”"), VP_NOTIFY_SMTP_TLS_KEY, tls);
      return NULL;
    }
  if (mail && tls[0] == '\0' && vp_smtp_tls_default_for_host (host) != VP_SMTP_TLS_NONE)
    g_message ("e-mail to %s goes in clear text: no TLS mode is set "
               "(vpctl notify config --tls starttls|tls|none)", server);
  if (mail && !read_stored_login (db, &user, &password, error))
    return NULL;
  smtp.ca_file = ca_file;
  smtp.host = host;
  smtp.username = user;
  smtp.password = password;
  devices = vp_notify_devices_new (sms ? sms_link : NULL, mail ? &smtp : NULL, from);
  vpctl_free_secret (password);
  return devices;
}

/* Delivers what is due once and reports; failures are recorded for the next run. The
 * SMTP log-in comes from --user (password: $VP_SMTP_PASSWORD or typed) or else from the
 * sealed settings written by "notify config". */
static int
notify_send (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sms_link = NULL;
  g_autofree char *smtp_text = NULL;
  g_autofree char *from = NULL;
  g_autofree char *user = NULL;
  g_autofree char *host = NULL;
  g_autofree char *tls = NULL;
  g_autofree char *ca_file = NULL;
  g_autoptr(VpNotifyDevices) devices = NULL;
  char *password = NULL;
  gboolean plain_auth = FALSE;
  GOptionEntry entries[] = {
    { "sms-link", 0, 0, G_OPTION_ARG_STRING, &sms_link,
      N_("The modem's link, e.g. serial:/dev/ttyUSB2?baud=115200&parity=none"), N_("URI") },
    { "smtp", 0, 0, G_OPTION_ARG_STRING, &smtp_text, N_("The mail server"), N_("HOST:PORT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Sender address of the e-mails"), N_("ADDR") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Mail server log-in"), N_("USER") },
    { "tls", 0, 0, G_OPTION_ARG_STRING, &tls,
      N_("starttls (the default), tls (implicit, port 465) or none (the default for a "
         "server on this computer)"), N_("MODE") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      N_("Trust the mail server's certificate only if signed by a CA in this PEM file "
         "(default: the system's CAs)"), N_("FILE") },
    { "plain-auth", 0, 0, G_OPTION_ARG_NONE, &plain_auth,
      N_("With --tls none, send the log-in to a server that is not on this computer "
         "(only on a network you trust)"), NULL },
    { NULL }
  };
  VpSmtpConfig smtp = { 0 };
  VpNotifyRun run = { 0 };
  VpDatabase *db;
  gboolean ok;

  if (!vpctl_parse_options (ctx, NULL,
                            _("Send the due messages of the outbox by SMS and/or e-mail, once each."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 1)
    return vpctl_usage_error (ctx, _("notify send takes no arguments"));
  if (sms_link == NULL && smtp_text == NULL)
    return vpctl_usage_error (ctx, _("Give --sms-link, --smtp or both"));
  if (smtp_text != NULL && !parse_host_port (smtp_text, &host, &smtp.port))
    return vpctl_usage_error (ctx, _("--smtp wants HOST:PORT, not “%s”"), smtp_text);
  if (smtp_text != NULL && from == NULL)
    return vpctl_usage_error (ctx, _("Say whose address the e-mails come from with --from"));
  if (tls != NULL && !vp_smtp_tls_from_string (tls, &smtp.tls))
    return vpctl_usage_error (ctx, _("--tls wants starttls, tls or none, not “%s”"), tls);

  db = vpctl_open_db (ctx, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);
  if (smtp_text != NULL)
    {
      if (user != NULL)
        password = vpctl_read_secret (_("Mail server password: "), "VP_SMTP_PASSWORD", &error);
      else
        read_stored_login (db, &user, &password, &error);
      if (error != NULL)
        return vpctl_fail (ctx, error);
      smtp.host = host;
      smtp.username = user;
      smtp.password = password;
      smtp.allow_plain_auth = plain_auth;
      smtp.ca_file = ca_file;
    }
  devices = vp_notify_devices_new (sms_link, smtp_text != NULL ? &smtp : NULL, from);
  if (password != NULL)
    vpctl_free_secret (password);
  ok = vp_notify_run (db, vp_notify_devices_sender (devices), devices, NULL, &run, &error);
  if (!ok)
    return vpctl_fail (ctx, error);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "planned");
      json_builder_add_int_value (b, run.planned);
      json_builder_set_member_name (b, "sent");
      json_builder_add_int_value (b, run.sent);
      json_builder_set_member_name (b, "failed");
      json_builder_add_int_value (b, run.failed);
      json_builder_set_member_name (b, "abandoned");
      json_builder_add_int_value (b, run.abandoned);
      json_builder_set_member_name (b, "uncertain");
      json_builder_add_int_value (b, run.uncertain);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      vpctl_print_json (root);
    }
  else
    g_print (_("%u sent, %u failed (will be retried), %u abandoned, %u uncertain (see vpctl notify list)\n"),
             run.sent, run.failed, run.abandoned, run.uncertain);
  return run.failed + run.abandoned + run.uncertain > 0 ? VPCTL_EXIT_FAILED : VPCTL_EXIT_OK;
}

static int
notify_list (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *state = NULL;
  int limit = 50;
  GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state,
      N_("Only pending, sending, sent, failed, abandoned, uncertain or skipped"), N_("STATE") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N, newest first (0: all)"), N_("N") },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("List notification deliveries with their state and last error."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 1)
    return vpctl_usage_error (ctx, _("notify list takes no arguments"));
  session = open_session (ctx, &db, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  list = vp_notify_list (db, session, state, limit, &error);
  if (list == NULL)
    return vpctl_fail (ctx, error);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        {
          const VpDelivery *d = g_ptr_array_index (list, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, d->id);
          json_builder_set_member_name (b, "account");
          json_builder_add_string_value (b, d->account);
          json_builder_set_member_name (b, "channel");
          json_builder_add_string_value (b, d->channel);
          json_builder_set_member_name (b, "recipient");
          json_builder_add_string_value (b, d->recipient);
          json_builder_set_member_name (b, "state");
          json_builder_add_string_value (b, d->state);
          json_builder_set_member_name (b, "attempts");
          json_builder_add_int_value (b, d->attempts);
          json_builder_set_member_name (b, "next_attempt_at");
          json_builder_add_int_value (b, d->next_attempt_at);
          json_builder_set_member_name (b, "last_error");
          json_builder_add_string_value (b, d->last_error);
          json_builder_set_member_name (b, "sent_at");
          json_builder_add_string_value (b, d->sent_at);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, d->text);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      vpctl_print_json (root);
      return VPCTL_EXIT_OK;
    }
  for (guint i = 0; i < list->len; i++)
    {
      const VpDelivery *d = g_ptr_array_index (list, i);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\t%s\t%" G_GINT64_FORMAT "\t%s\n", d->id, d->account,
               d->channel, d->recipient != NULL ? d->recipient : "-", d->state, d->attempts,
               d->last_error != NULL ? d->last_error : "");
    }
  return VPCTL_EXIT_OK;
}

static int
notify_release (VpctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr(GError) error = NULL;
  VpSession *session;
  VpDatabase *db;
  gint64 id;
  char *end;

  if (!vpctl_parse_options (ctx, _("ID"),
                            _("Send an uncertain or abandoned delivery once more (you decide it "
                              "did not reach the customer)."), NULL, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give exactly one delivery id (vpctl notify list)"));
  id = g_ascii_strtoll (argv[1], &end, 10);
  if (*end != '\0' || id <= 0)
    return vpctl_usage_error (ctx, _("“%s” is not a delivery id"), argv[1]);
  session = open_session (ctx, &db, &error);
  if (session == NULL || !vp_notify_release (db, session, id, &error))
    return vpctl_fail (ctx, error);
  if (!ctx->json)
    g_print (_("Delivery %" PRId64 " will be sent by the next notify send\n"), id);
  return VPCTL_EXIT_OK;
}

/* The TLS mode to store with a new mail server @host when --tls is not given: the
 * default for the host (vp-smtp.h), or NULL when that is what is stored already (an
 * unset mode means none). */
static const char *
default_tls_to_store (VpDatabase *db,
                      const char *host)
{
  g_autofree char *stored = vp_settings_get (db, VP_NOTIFY_SMTP_TLS_KEY);
  VpSmtpTls current = VP_SMTP_TLS_NONE;
  VpSmtpTls wanted = vp_smtp_tls_default_for_host (host);

  if (stored[0] != '\0' && !vp_smtp_tls_from_string (stored, &current))
    current = VP_SMTP_TLS_DEFAULT;
  return current != wanted ? vp_smtp_tls_to_string (wanted) : NULL;
}

/* Stores the e-mail copy address, the channels `vpctl service --jobs` delivers through
 * (audited settings) and the SMTP log-in (sealed at rest, vp-secret.h). A new mail
 * server without --tls gets the default mode for its host. */
static int
notify_config (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email_to = NULL;
  g_autofree char *user = NULL;
  g_autofree char *sms_link = NULL;
  g_autofree char *smtp_server = NULL;
  g_autofree char *from = NULL;
  g_autofree char *tls = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *ca_path = NULL;
  GOptionEntry entries[] = {
    { "email-to", 0, 0, G_OPTION_ARG_STRING, &email_to,
      N_("Mailbox that gets a copy of every message (\"\" turns e-mail off)"), N_("ADDR") },
    { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &user,
      N_("Mail server log-in; the password comes from $VP_SMTP_PASSWORD or is asked"), N_("USER") },
    { "sms-link", 0, 0, G_OPTION_ARG_STRING, &sms_link,
      N_("The modem's link for the service (\"\" turns SMS off)"), N_("URI") },
    { "smtp-server", 0, 0, G_OPTION_ARG_STRING, &smtp_server,
      N_("The mail server for the service (\"\" turns e-mail off)"), N_("HOST:PORT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Sender address of the e-mails"), N_("ADDR") },
    { "tls", 0, 0, G_OPTION_ARG_STRING, &tls,
      N_("starttls, tls (implicit, port 465) or none; a new --smtp-server without it gets "
         "starttls, or none for a server on this computer"), N_("MODE") },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      N_("PEM file of the CA that signed the mail server's certificate (\"\": the system's CAs)"),
      N_("FILE") },
    { NULL }
  };
  static const char * const channel_keys[] = {
    VP_NOTIFY_SMS_LINK_KEY, VP_NOTIFY_SMTP_SERVER_KEY, VP_NOTIFY_FROM_KEY,
    VP_NOTIFY_SMTP_TLS_KEY, VP_NOTIFY_SMTP_CA_FILE_KEY
  };
  const char *channels[G_N_ELEMENTS (channel_keys)];
  gboolean any_channel = FALSE;
  g_autofree char *host = NULL;
  guint16 port;
  VpSmtpTls mode;
  VpSession *session;
  VpDatabase *db;

  if (!vpctl_parse_options (ctx, NULL, _("Configure notifications."), entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  channels[0] = sms_link;
  channels[1] = smtp_server;
  channels[2] = from;
  channels[3] = tls;
  if (ca_file != NULL)
    channels[4] = ca_path = ca_file[0] != '\0' ? g_canonicalize_filename (ca_file, NULL) : g_strdup ("");
  else
    channels[4] = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    any_channel |= channels[i] != NULL;
  if (argc != 1 || (email_to == NULL && user == NULL && !any_channel))
    return vpctl_usage_error (ctx, _("Give --email-to, --smtp-user, --sms-link, --smtp-server, "
                                     "--tls, --ca-file and/or --from"));
  if (smtp_server != NULL && smtp_server[0] != '\0' && !parse_host_port (smtp_server, &host, &port))
    return vpctl_usage_error (ctx, _("--smtp-server wants HOST:PORT, not “%s”"), smtp_server);
  if (tls != NULL && !vp_smtp_tls_from_string (tls, &mode))
    return vpctl_usage_error (ctx, _("--tls wants starttls, tls or none, not “%s”"), tls);
  if (ca_path != NULL && ca_path[0] != '\0' && !g_file_test (ca_path, G_FILE_TEST_IS_REGULAR))
    return vpctl_usage_error (ctx, _("--ca-file: there is no file “%s”"), ca_path);
  session = open_session (ctx, &db, &error);
  if (session == NULL || !vp_session_require (session, VP_PERM_SETTINGS, &error))
    return vpctl_fail (ctx, error);
  if (tls != NULL)
    channels[3] = vp_smtp_tls_to_string (mode);
  else if (host != NULL)
    channels[3] = default_tls_to_store (db, host);
  if (email_to != NULL && !vp_database_set_setting (db, VP_NOTIFY_EMAIL_TO_KEY, email_to, &error))
    return vpctl_fail (ctx, error);
  for (guint i = 0; i < G_N_ELEMENTS (channels); i++)
    if (channels[i] != NULL && !vp_settings_set (db, session, channel_keys[i], channels[i], &error))
      return vpctl_fail (ctx, error);
  if (user != NULL)
    {
      char *password = vpctl_read_secret (_("Mail server password: "), "VP_SMTP_PASSWORD", &error);
      gboolean ok;

      if (password == NULL)
        return vpctl_fail (ctx, error);
      ok = vp_secret_set_setting (db, VP_SECRET_SMTP_USER_KEY, user, &error)
           && vp_secret_set_setting (db, VP_SECRET_SMTP_PASSWORD_KEY, password, &error);
      vpctl_free_secret (password);
      if (!ok)
        return vpctl_fail (ctx, error);
    }
  if (!ctx->json)
    g_print (_("Notification settings saved\n"));
  if (!ctx->json && channels[3] != NULL)
    g_print (_("Mail server TLS mode: %s\n"), channels[3]);
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

static const VpctlCommand notify_commands[] = {
  { "send", notify_send, N_("Send the due outbox messages by SMS and/or e-mail") },
  { "list", notify_list, N_("Deliveries with state, attempts and last error") },
  { "release", notify_release, N_("Send an uncertain or abandoned delivery once more") },
  { "config", notify_config, N_("Set the e-mail copy address, the service's channels and the SMTP log-in") },
};

int
vpctl_group_notify (VpctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  return vpctl_run_command (ctx, notify_commands, G_N_ELEMENTS (notify_commands), argc, argv);
}
