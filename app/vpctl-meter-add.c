/* vpctl-meter-add.c: vpctl meter add — bind a meter to an account
 *
 * The one vpctl command that needs both the database and a link: it reads the
 * meter's current register through the engine's gateway (so the install reading is
 * what the meter really shows) and then installs the meter on the account in one
 * model transaction. Reading first keeps the write transaction short.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-meter-client.h"
#include "vp-meter-gateway-devices.h"
#include "vp-session.h"
#include "vpctl.h"

typedef enum
{
  INSTALL_FROM_METER,
  INSTALL_GIVEN,
} InstallSource;

/* "02:563412" → level 2, "563412"; checked by the devices' parser so the stored
 * password is one the meter client can send. */
static gboolean
split_password (const char  *text,
                const char  *operator_code,
                int         *out_level,
                char       **out_password,
                GError     **error)
{
  VpMeterAuth auth;
  const char *colon;

  if (!vp_meter_auth_parse (text, operator_code, &auth, error))
    return FALSE;
  if (text == NULL)
    {
      *out_level = 2;
      *out_password = NULL;
      return TRUE;
    }
  colon = strchr (text, ':');
  g_assert (colon != NULL);  /* vp_meter_auth_parse() accepted LEVEL:PWD */
  *out_level = (int) g_ascii_strtoll (text, NULL, 10);
  *out_password = g_strdup (colon + 1);
  return TRUE;
}

static char *
format_hundredths (gint64 value)
{
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02d", value < 0 ? "-" : "",
                          ABS (value) / 100, (int) (ABS (value) % 100));
}

int
vpctl_meter_add (VpctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  g_autofree char *account = NULL;
  g_autofree char *kind_name = NULL;
  g_autofree char *address = NULL;
  g_autofree char *link = NULL;
  g_autofree char *password_text = NULL;
  g_autofree char *operator_code = NULL;
  g_autofree char *install_text = NULL;
  g_autofree char *password = NULL;
  g_autofree char *reading_text = NULL;
  g_autoptr(GError) error = NULL;
  gint64 multiplier = 1;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Account number"), "ACCOUNT" },
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_name, N_("electricity or water"), "KIND" },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &address,
      N_("Meter address: 12 digits (DL/T 645) or 14 digits (CJ/T 188)"), "A" },
    { "link", 'l', 0, G_OPTION_ARG_STRING, &link,
      N_("Link: serial:/dev/ttyUSB0?baud=2400&parity=even or tcp://HOST:PORT"), "URI" },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &password_text,
      N_("Meter password LEVEL:PWD (default 02:000000)"), "LEVEL:PWD" },
    { "operator-code", 0, 0, G_OPTION_ARG_STRING, &operator_code,
      N_("Operator code, 8 digits"), "C" },
    { "multiplier", 0, 0, G_OPTION_ARG_INT64, &multiplier, N_("CT × PT multiplier (default 1)"),
      "N" },
    { "install-reading", 0, 0, G_OPTION_ARG_STRING, &install_text,
      N_("Register at installation when the meter does not answer (e.g. 1234.56)"), "R" },
    { NULL }
  };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(VpMeterGateway) gateway = NULL;
  VpMeterTarget target = { 0 };
  VpMeterSample sample = { 0 };
  VpMeterSpec spec;
  VpMeterKind kind;
  InstallSource source;
  gint64 install_reading = 0;
  gint64 meter_id = 0;
  int level = 2;
  VpDatabase *db;
  VpSession *session;

  if (!vpctl_parse_options (ctx, NULL, _("Bind a meter to an account, reading its register"),
                            (GOptionEntry *) entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc > 1)
    return vpctl_usage_error (ctx, _("unexpected argument “%s”"), argv[1]);
  if (account == NULL || kind_name == NULL || address == NULL || link == NULL)
    return vpctl_usage_error (ctx, _("--account, --kind, --address and --link are required"));
  if (!vp_meter_kind_from_string (kind_name, &kind))
    return vpctl_usage_error (ctx, _("unknown kind “%s”: use electricity or water"), kind_name);
  if (multiplier < 1 || multiplier > 1000000)
    return vpctl_usage_error (ctx, _("--multiplier must be 1 to 1000000"));
  if (install_text != NULL
      && (!vp_meter_gateway_parse_hundredths (install_text, &install_reading)
          || install_reading < 0))
    return vpctl_usage_error (ctx, _("--install-reading “%s” is not a register value such as "
                                     "1234.56"), install_text);
  if (kind == VP_METER_KIND_ELECTRICITY
      && !split_password (password_text, operator_code, &level, &password, &error))
    return vpctl_fail (ctx, error);

  /* Log in before touching the meter: a refused operator learns it at once. */
  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  db = vp_session_get_database (session);
  if (!vp_session_can (session, VP_PERM_ACCOUNT_MANAGE)
      && !vp_session_require (session, VP_PERM_METER_COMMISSION, &error))
    return vpctl_fail (ctx, error);

  client = vp_meter_client_new ();
  if (ctx->verbose)
    vp_frame_log_add_stderr_sink (vp_meter_client_get_frame_log (client));
  gateway = vp_meter_gateway_devices_new (client);

  target.kind = kind;
  target.protocol = kind == VP_METER_KIND_WATER ? VP_METER_PROTOCOL_CJT188
                                                : VP_METER_PROTOCOL_DLT645;
  target.address = address;
  target.link = link;
  target.password_level = level;
  target.password = password;
  target.operator_code = operator_code;

  if (vp_meter_gateway_read (gateway, &target, &sample, NULL, &error))
    {
      install_reading = sample.total;
      source = INSTALL_FROM_METER;
    }
  else if (install_text != NULL)
    {
      if (!ctx->json)
        g_printerr (_("vpctl: %s; using the given install reading %s\n"),
                    error->message, install_text);
      g_clear_error (&error);
      source = INSTALL_GIVEN;
    }
  else
    {
      g_prefix_error (&error, _("Cannot read the install reading: "));
      g_printerr ("vpctl: %s\n", error->message);
      g_printerr (_("Check the link and address, or give --install-reading.\n"));
      return VPCTL_EXIT_FAILED;
    }

  vp_meter_spec_init (&spec);
  spec.kind = kind;
  spec.protocol = target.protocol;
  spec.address = address;
  spec.link = link;
  spec.password_level = level;
  spec.password = password;
  spec.operator_code = operator_code;
  spec.multiplier = multiplier;
  spec.install_reading = install_reading;

  if (!vp_account_add_meter (db, session, account, &spec, &meter_id, &error))
    return vpctl_fail (ctx, error);

  reading_text = format_hundredths (install_reading);
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "account");
      json_builder_add_string_value (b, account);
      json_builder_set_member_name (b, "meter_id");
      json_builder_add_int_value (b, meter_id);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, vp_meter_kind_to_string (kind));
      json_builder_set_member_name (b, "protocol");
      json_builder_add_string_value (b, vp_meter_protocol_to_string (spec.protocol));
      json_builder_set_member_name (b, "address");
      json_builder_add_string_value (b, address);
      json_builder_set_member_name (b, "link");
      json_builder_add_string_value (b, link);
      json_builder_set_member_name (b, "multiplier");
      json_builder_add_int_value (b, multiplier);
      json_builder_set_member_name (b, "install_reading");
      json_builder_add_string_value (b, reading_text);
      json_builder_set_member_name (b, "install_reading_source");
      json_builder_add_string_value (b, source == INSTALL_FROM_METER ? "meter" : "given");
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      vpctl_print_json (root);
    }
  else
    g_print (_("Meter %s installed on account %s, install reading %s (%s).\n"), address,
             account, reading_text,
             source == INSTALL_FROM_METER ? _("read from the meter") : _("given"));

  return VPCTL_EXIT_OK;
}
