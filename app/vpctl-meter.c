/* vpctl-meter.c: vpctl meter …, vpctl water …, vpctl sim
 *
 * Talk to meters on a link (serial:/dev/ttyUSB0?baud=2400&parity=even, tcp://HOST:PORT)
 * through the meter client, and run the meter simulator. --verbose prints the frame
 * log on stderr.
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "vp-device-error.h"
#include "vp-meter-client.h"
#include "vp-simulator.h"
#include "vpctl.h"

/* Options every meter and water command takes. */
typedef struct
{
  char *link;
  char *address;
  int   timeout_ms;
  int   tries;
} LinkArgs;

static void
link_args_clear (LinkArgs *args)
{
  g_free (args->link);
  g_free (args->address);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (LinkArgs, link_args_clear)

/* Parse @extra plus the common options; usage errors are printed. @need_address:
 * --address is required. */
static gboolean
parse_link_args (VpctlContext        *ctx,
                 const char          *parameters,
                 const char          *summary,
                 const GOptionEntry  *extra,
                 LinkArgs            *args,
                 gboolean             need_address,
                 int                 *argc,
                 char              ***argv)
{
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry common[] = {
    { "link", 'l', 0, G_OPTION_ARG_STRING, &args->link,
      N_("Link: serial:/dev/ttyUSB0?baud=2400&parity=even or tcp://HOST:PORT"), "URI" },
    { "address", 'a', 0, G_OPTION_ARG_STRING, &args->address, N_("Meter address"), "A" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &args->timeout_ms,
      N_("Response timeout in ms (default 1000)"), "MS" },
    { "tries", 0, 0, G_OPTION_ARG_INT, &args->tries, N_("Tries per request (default 3)"), "N" },
  };

  g_array_append_vals (entries, common, G_N_ELEMENTS (common));
  for (guint i = 0; extra != NULL && extra[i].long_name != NULL; i++)
    g_array_append_val (entries, extra[i]);

  if (!vpctl_parse_options (ctx, parameters, summary, (GOptionEntry *) entries->data, argc, argv))
    return FALSE;
  if (args->link == NULL)
    {
      vpctl_usage_error (ctx, _("--link is required"));
      return FALSE;
    }
  if (need_address && args->address == NULL)
    {
      vpctl_usage_error (ctx, _("--address is required"));
      return FALSE;
    }
  if (args->timeout_ms < 0 || args->tries < 0 || args->tries > 10)
    {
      vpctl_usage_error (ctx, _("--timeout must be positive and --tries 1 to 10"));
      return FALSE;
    }
  return TRUE;
}

static VpMeterClient *
make_client (VpctlContext   *ctx,
             const LinkArgs *args)
{
  VpMeterClient *client = vp_meter_client_new ();

  vp_meter_client_set_timeouts (client, args->timeout_ms, 0, args->tries);
  if (ctx->verbose)
    vp_frame_log_add_stderr_sink (vp_meter_client_get_frame_log (client));
  return client;
}

static JsonBuilder *
begin_object (const char *address)
{
  JsonBuilder *b = json_builder_new ();

  json_builder_begin_object (b);
  vpctl_json_add_string (b, "address", address);
  return b;
}

/* ---- vpctl meter ----------------------------------------------------------------- */

/* The address of the only meter (DL/T 645) or water meter (CJ/T 188) on the bus. */
static int
read_bus_address (VpctlContext *ctx,
                  int           argc,
                  char        **argv,
                  gboolean      water)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  if (!parse_link_args (ctx, NULL,
                        water ? _("Read the address of the only water meter on the bus")
                              : _("Read the address of the only meter on the bus"),
                        NULL, &args, FALSE, &argc, &argv))
    return VPCTL_EXIT_USAGE;

  client = make_client (ctx, &args);
  address = water ? vp_meter_client_water_read_address (client, args.link, NULL, &error)
                  : vp_meter_client_read_address (client, args.link, NULL, &error);
  if (address == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = begin_object (address);

      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print ("%s\n", address);
  return VPCTL_EXIT_OK;
}

static int
meter_address (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  return read_bus_address (ctx, argc, argv, FALSE);
}

static int
meter_read (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  g_autofree char *item = NULL;
  g_autofree char *di = NULL;
  const GOptionEntry entries[] = {
    { "item", 'i', 0, G_OPTION_ARG_STRING, &item,
      N_("Data item name, e.g. energy.forward.total"), "NAME" },
    { "di", 'd', 0, G_OPTION_ARG_STRING, &di, N_("Data identifier, e.g. 00010000"), "HEX" },
    { NULL }
  };

  if (!parse_link_args (ctx, NULL, _("Read one data item of an electricity meter"), entries,
                        &args, TRUE, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if ((item == NULL) == (di == NULL))
    return vpctl_usage_error (ctx, _("give exactly one of --item and --di"));

  client = make_client (ctx, &args);
  reading = vp_meter_client_read_item (client, args.link, args.address,
                                       item != NULL ? item : di, NULL, &error);
  if (reading == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = begin_object (reading->address);

      vpctl_json_add_string (b, "di", reading->di);
      vpctl_json_add_string (b, "item", reading->item);
      vpctl_json_add_string (b, "value", reading->value);
      vpctl_json_add_string (b, "unit", reading->unit);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print ("%s %s (%s) = %s %s\n", reading->address,
             reading->label != NULL ? reading->label : reading->di, reading->di,
             reading->value, reading->unit);
  return VPCTL_EXIT_OK;
}

static gboolean
parse_auth (VpctlContext  *ctx,
            const char    *password,
            const char    *operator_code,
            VpMeterAuth   *auth,
            int           *out_status)
{
  g_autoptr(GError) error = NULL;

  if (vp_meter_auth_parse (password, operator_code, auth, &error))
    return TRUE;
  *out_status = vpctl_usage_error (ctx, "%s", error->message);
  return FALSE;
}

static int
meter_control (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *action_name = NULL;
  g_autofree char *password = NULL;
  g_autofree char *operator_code = NULL;
  int valid_minutes = 0;
  const GOptionEntry entries[] = {
    { "action", 0, 0, G_OPTION_ARG_STRING, &action_name,
      N_("trip, close, close-allow, alarm, alarm-clear, keep-power or keep-power-clear"),
      "ACTION" },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &password,
      N_("Password LEVEL:PWD (default 02:000000)"), "LEVEL:PWD" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &operator_code,
      N_("Operator code, 8 digits (default 00000000)"), "CODE" },
    { "valid-minutes", 0, 0, G_OPTION_ARG_INT, &valid_minutes,
      N_("The command expires after N minutes (default 5)"), "N" },
    { NULL }
  };
  VpDlt645ControlAction action;
  VpMeterAuth auth;
  int status;

  if (!parse_link_args (ctx, NULL, _("Send a remote control command (trip, close …)"), entries,
                        &args, TRUE, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (action_name == NULL)
    return vpctl_usage_error (ctx, _("--action is required"));
  /* "close" on the command line is the direct close (1C); the protocol's own name
   * for it is plain "close" too. */
  if (!vp_dlt645_control_action_from_string (action_name, &action))
    return vpctl_usage_error (ctx, _("unknown action “%s”: use trip, close, close-allow, alarm, "
                                     "alarm-clear, keep-power or keep-power-clear"), action_name);
  if (valid_minutes < 0 || valid_minutes > 24 * 60)
    return vpctl_usage_error (ctx, _("--valid-minutes must be 1 to 1440"));
  if (!parse_auth (ctx, password, operator_code, &auth, &status))
    return status;

  client = make_client (ctx, &args);
  if (!vp_meter_client_remote_control (client, args.link, args.address, &auth, action,
                                       valid_minutes, NULL, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = begin_object (args.address);

      vpctl_json_add_string (b, "action", vp_dlt645_control_action_to_string (action));
      vpctl_json_add_bool (b, "accepted", TRUE);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print (_("Meter %s accepted “%s”.\n"), args.address,
             vp_dlt645_control_action_to_string (action));
  return VPCTL_EXIT_OK;
}

static int
meter_time (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *password = NULL;
  g_autofree char *operator_code = NULL;
  g_autofree char *at = NULL;
  g_autofree char *iso = NULL;
  gboolean set = FALSE;
  gboolean broadcast = FALSE;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_NONE, &set, N_("Write date and time to one meter (14)"), NULL },
    { "broadcast", 0, 0, G_OPTION_ARG_NONE, &broadcast,
      N_("Broadcast the time to every meter on the bus (08)"), NULL },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Time to send instead of now"),
      "YYYY-MM-DDThh:mm:ss" },
    { "password", 'p', 0, G_OPTION_ARG_STRING, &password,
      N_("Password LEVEL:PWD for --set (default 02:000000)"), "LEVEL:PWD" },
    { "operator", 0, 0, G_OPTION_ARG_STRING, &operator_code,
      N_("Operator code for --set (default 00000000)"), "CODE" },
    { NULL }
  };
  VpMeterAuth auth;
  int status;
  gboolean ok;

  if (!parse_link_args (ctx, NULL, _("Set a meter's clock"), entries, &args, FALSE, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (set == broadcast)
    return vpctl_usage_error (ctx, _("give exactly one of --set and --broadcast"));
  if (set && args.address == NULL)
    return vpctl_usage_error (ctx, _("--set needs --address"));
  if (!parse_auth (ctx, password, operator_code, &auth, &status))
    return status;
  if (at != NULL)
    {
      VpBcdTime time;

      if (!vp_bcd_time_parse_iso8601 (at, &time, NULL)
          || (when = vp_bcd_time_to_date_time (&time, NULL)) == NULL)
        return vpctl_usage_error (ctx, _("--at “%s” is not a local time YYYY-MM-DDThh:mm:ss"), at);
    }
  else
    when = g_date_time_new_now_local ();

  client = make_client (ctx, &args);
  if (set)
    ok = vp_meter_client_write_time (client, args.link, args.address, &auth, when, NULL, &error);
  else
    ok = vp_meter_client_broadcast_time (client, args.link, when, NULL, &error);
  if (!ok)
    return vpctl_fail (ctx, error);

  iso = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S");
  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = begin_object (set ? args.address : NULL);

      vpctl_json_add_string (b, "time", iso);
      vpctl_json_add_bool (b, "broadcast", broadcast);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else if (set)
    g_print (_("Meter %s set to %s.\n"), args.address, iso);
  else
    g_print (_("Time %s broadcast on %s.\n"), iso, args.link);
  return VPCTL_EXIT_OK;
}

static int
meter_status (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  const VpDlt645Status3 *s;

  if (!parse_link_args (ctx, NULL, _("Read status word 3: relay, keep-power, meter type"), NULL,
                        &args, TRUE, &argc, &argv))
    return VPCTL_EXIT_USAGE;

  client = make_client (ctx, &args);
  reading = vp_meter_client_read_status (client, args.link, args.address, NULL, &error);
  if (reading == NULL)
    return vpctl_fail (ctx, error);
  s = &reading->status3;

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = begin_object (reading->address);

      vpctl_json_add_string (b, "status_word", reading->value);
      vpctl_json_add_string (b, "relay", s->relay_open ? "open" : "closed");
      vpctl_json_add_string (b, "relay_command", s->relay_command_open ? "open" : "closed");
      vpctl_json_add_bool (b, "keep_power", s->keep_power);
      vpctl_json_add_bool (b, "pre_trip_alarm", s->pre_trip_alarm);
      vpctl_json_add_string (b, "meter_type", vp_dlt645_meter_type_to_string (s->meter_type));
      vpctl_json_add_string (b, "power_source", vp_dlt645_power_source_to_string (s->power_source));
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print (_("Meter %s: relay %s (last command %s), keep-power %s, pre-trip alarm %s, "
               "%s, power from %s (status word 3 = %s)\n"),
             reading->address, s->relay_open ? _("open") : _("closed"),
             s->relay_command_open ? _("trip") : _("close"),
             s->keep_power ? _("on") : _("off"), s->pre_trip_alarm ? _("on") : _("off"),
             vp_dlt645_meter_type_to_string (s->meter_type),
             vp_dlt645_power_source_to_string (s->power_source), reading->value);
  return VPCTL_EXIT_OK;
}

static const VpctlCommand meter_commands[] = {
  { "add", vpctl_meter_add, N_("Bind a meter to an account, reading its install register") },
  { "address", meter_address, N_("Read the address of the only meter on the bus") },
  { "read", meter_read, N_("Read a data item (energy, voltage, money …)") },
  { "control", meter_control, N_("Trip, close, alarm or keep-power a meter") },
  { "time", meter_time, N_("Set a meter's clock or broadcast the time") },
  { "status", meter_status, N_("Show relay state, keep-power and meter type") },
};

int
vpctl_group_meter (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  return vpctl_run_command (ctx, meter_commands, G_N_ELEMENTS (meter_commands), argc, argv);
}

/* ---- vpctl water ----------------------------------------------------------------- */

static void
print_water (VpctlContext         *ctx,
             const VpMeterReading *reading)
{
  const char *valve = vp_cjt188_valve_state_to_string (reading->water.valve);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = begin_object (reading->address);

      if (reading->value != NULL)
        {
          g_autofree char *settlement = vp_bcd_format_scaled (reading->water.settlement_flow, 2);

          vpctl_json_add_string (b, "value", reading->value);
          vpctl_json_add_string (b, "unit", reading->unit);
          vpctl_json_add_string (b, "settlement_value", settlement);
          vpctl_json_add_string (b, "meter_time", reading->meter_time);
        }
      vpctl_json_add_string (b, "valve", valve);
      vpctl_json_add_bool (b, "battery_low", reading->water.battery_low);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else if (reading->value != NULL)
    g_print (_("Water meter %s: %s %s, valve %s%s\n"), reading->address, reading->value,
             reading->unit, valve, reading->water.battery_low ? _(", battery low") : "");
  else
    g_print (_("Water meter %s: valve %s%s\n"), reading->address, valve,
             reading->water.battery_low ? _(", battery low") : "");
}

static int
water_read (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;

  if (!parse_link_args (ctx, NULL, _("Read a water meter (flow, valve, battery)"), NULL, &args,
                        TRUE, &argc, &argv))
    return VPCTL_EXIT_USAGE;

  client = make_client (ctx, &args);
  reading = vp_meter_client_water_read (client, args.link, args.address, NULL, &error);
  if (reading == NULL)
    return vpctl_fail (ctx, error);
  print_water (ctx, reading);
  return VPCTL_EXIT_OK;
}

static int
water_valve (VpctlContext *ctx,
             int           argc,
             char        **argv)
{
  g_auto(LinkArgs) args = { 0 };
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  gboolean open;

  if (!parse_link_args (ctx, "open|close", _("Open or close a water meter's valve"), NULL, &args,
                        TRUE, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2 || (!g_str_equal (argv[1], "open") && !g_str_equal (argv[1], "close")))
    return vpctl_usage_error (ctx, _("say “open” or “close”"));
  open = g_str_equal (argv[1], "open");

  client = make_client (ctx, &args);
  reading = vp_meter_client_water_valve (client, args.link, args.address, open, NULL, &error);
  if (reading == NULL)
    return vpctl_fail (ctx, error);
  print_water (ctx, reading);
  return VPCTL_EXIT_OK;
}

static int
water_address (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  return read_bus_address (ctx, argc, argv, TRUE);
}

static const VpctlCommand water_commands[] = {
  { "read", water_read, N_("Read flow, valve and battery of a water meter") },
  { "valve", water_valve, N_("Open or close a water meter's valve") },
  { "address", water_address, N_("Read the address of the only water meter on the bus") },
};

int
vpctl_group_water (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  return vpctl_run_command (ctx, water_commands, G_N_ELEMENTS (water_commands), argc, argv);
}

/* ---- vpctl sim ------------------------------------------------------------------- */

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
print_sim (VpctlContext *ctx,
           VpSimulator  *sim,
           const char   *pty_path,
           const char   *serial)
{
  g_auto(GStrv) addresses = vp_simulator_list_addresses (sim);
  g_autofree char *tcp = vp_simulator_get_tcp_uri (sim);
  g_autofree char *pty = vp_simulator_get_pty_uri (sim);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *host_port = NULL;

      if (tcp != NULL)
        {
          /* "tcp://127.0.0.1:PORT?baud=…" → "127.0.0.1:PORT" */
          host_port = g_strdup (tcp + strlen ("tcp://"));
          host_port[strcspn (host_port, "?")] = '\0';
        }
      json_builder_begin_object (b);
      vpctl_json_add_string (b, "tcp", host_port);
      vpctl_json_add_string (b, "pty", pty_path);
      vpctl_json_add_string (b, "tcp_link", tcp);
      vpctl_json_add_string (b, "pty_link", pty);
      vpctl_json_add_string (b, "serial", serial);
      json_builder_set_member_name (b, "meters");
      json_builder_begin_array (b);
      for (guint i = 0; addresses[i] != NULL; i++)
        {
          json_builder_begin_object (b);
          vpctl_json_add_string (b, "address", addresses[i]);
          vpctl_json_add_string (b, "kind", strlen (addresses[i]) == 12 ? "electricity" : "water");
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      vpctl_print_builder (b);
      return;
    }

  if (tcp != NULL)
    g_print (_("Simulated meter bus on %s\n"), tcp);
  if (pty != NULL)
    g_print (_("Simulated meter bus on %s\n"), pty);
  if (serial != NULL)
    g_print (_("Simulated meter bus on %s\n"), serial);
  for (guint i = 0; addresses[i] != NULL; i++)
    g_print ("  %s %s\n", strlen (addresses[i]) == 12 ? _("electricity") : _("water"),
             addresses[i]);
  g_print (_("Press Ctrl+C to stop.\n"));
}

/* Each --fault ADDRESS=KIND. */
static gboolean
apply_faults (VpctlContext  *ctx,
              VpSimulator   *sim,
              char         **faults,
              int           *out_status)
{
  for (guint i = 0; faults != NULL && faults[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) parts = g_strsplit (faults[i], "=", 2);

      if (parts[1] == NULL)
        {
          *out_status = vpctl_usage_error (ctx, _("--fault “%s” is not ADDRESS=KIND"), faults[i]);
          return FALSE;
        }
      if (!vp_simulator_set_meter_option (sim, parts[0], "fault", parts[1], &error))
        {
          *out_status = vpctl_usage_error (ctx, "%s", error->message);
          return FALSE;
        }
    }
  return TRUE;
}

int
vpctl_group_sim (VpctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) sim = vp_simulator_new ();
  g_autoptr(GMainLoop) loop = NULL;
  /* GOption reads argv[0] as the program name: give it one. */
  g_autofree char **args = g_new0 (char *, argc + 2);
  g_autofree char *tcp = NULL;
  g_autofree char *pty = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *meters = NULL;
  g_autofree char *parity = NULL;
  g_auto(GStrv) faults = NULL;
  const char *pty_path = NULL;
  int baud = 2400;
  int turnaround = 30;
  int slow_gap = 300;
  int speed = 1;
  int status;
  guint sigint, sigterm;
  GOptionEntry entries[] = {
    { "tcp", 0, 0, G_OPTION_ARG_STRING, &tcp,
      N_("Listen as a TCP gateway on HOST:PORT (port 0: any free port)"), "HOST:PORT" },
    { "pty", 0, 0, G_OPTION_ARG_FILENAME, &pty,
      N_("Create a pseudo-terminal and symlink PATH to it"), "PATH" },
    { "serial", 0, 0, G_OPTION_ARG_STRING, &serial,
      N_("Also serve on an existing serial line or pty (a link URI)"), "URI" },
    { "meters", 'm', 0, G_OPTION_ARG_STRING, &meters,
      N_("Meters: e:ADDRESS12[/key=value…],w:ADDRESS14[/…] (default: a demo bus)"), "SPEC" },
    { "baud", 0, 0, G_OPTION_ARG_INT, &baud, N_("Pace replies at this line speed (0: no pacing)"),
      "N" },
    { "parity", 0, 0, G_OPTION_ARG_STRING, &parity,
      N_("even (8E1, 11 bits a byte, default) or none (8N1, 10 bits)"), "P" },
    { "turnaround", 0, 0, G_OPTION_ARG_INT, &turnaround,
      N_("Meter turnaround before a reply, ms (default 30)"), "MS" },
    { "slow-gap", 0, 0, G_OPTION_ARG_INT, &slow_gap,
      N_("Gap between bytes of a “slow” meter's reply, ms (default 300)"), "MS" },
    { "speed", 0, 0, G_OPTION_ARG_INT, &speed,
      N_("Multiply consumption by N (1 to 1000)"), "N" },
    { "fault", 0, 0, G_OPTION_ARG_STRING_ARRAY, &faults,
      N_("Make a meter fail: ADDRESS=no-reply|checksum|garbage|slow (repeatable)"),
      "ADDRESS=KIND" },
    { NULL }
  };

  args[0] = (char *) ctx->group;
  for (int i = 0; i < argc; i++)
    args[i + 1] = argv[i];
  argc++;
  argv = args;
  ctx->command = "";
  if (!vpctl_parse_options (ctx, NULL,
                            _("Run a simulated bus of meters until interrupted.\n\n"
                              "SPEC is a comma-separated list of e:ADDRESS12[/KEY=VALUE…] "
                              "(DL/T 645 electricity) and w:ADDRESS14[/KEY=VALUE…] (CJ/T 188 "
                              "water).\n"
                              "Electricity keys: load=WATTS energy=KWH money=YUAN (money-"
                              "prepaid) price=YUAN_PER_KWH password=LL:PPPPPP relay=open|closed "
                              "keep-power=yes|no\n"
                              "Water keys: flow=LITRES_PER_HOUR volume=M3 "
                              "valve=open|closed|abnormal battery=low|ok\n"
                              "Both: clock=YYYY-MM-DDThh:mm:ss "
                              "fault=none|no-reply|checksum|garbage|slow\n"
                              "Example: e:000010604867/money=50.00/load=1500,"
                              "w:00000000000012/flow=60"),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc > 1)
    return vpctl_usage_error (ctx, _("unexpected argument “%s”"), argv[1]);
  if (tcp == NULL && pty == NULL && serial == NULL)
    return vpctl_usage_error (ctx, _("give --tcp HOST:PORT, --pty PATH and/or --serial URI"));
  if (baud < 0 || turnaround < 0 || slow_gap < 0 || speed < 1 || speed > 1000)
    return vpctl_usage_error (ctx, _("--baud, --turnaround and --slow-gap must not be negative, "
                                     "--speed 1 to 1000"));
  if (parity != NULL && !g_str_equal (parity, "even") && !g_str_equal (parity, "none"))
    return vpctl_usage_error (ctx, _("--parity must be even or none"));

  vp_simulator_set_line (sim, baud, parity != NULL && g_str_equal (parity, "none") ? 10 : 11);
  vp_simulator_set_turnaround (sim, turnaround);
  vp_simulator_set_slow_gap (sim, slow_gap);
  vp_simulator_set_speed (sim, speed);
  if (!vp_simulator_add_meters (sim, meters != NULL ? meters : VP_SIMULATOR_DEMO_SPEC, &error))
    return vpctl_usage_error (ctx, "%s", error->message);
  if (!apply_faults (ctx, sim, faults, &status))
    return status;

  if (tcp != NULL && vp_simulator_listen_tcp (sim, tcp, &error) == 0)
    return vpctl_fail (ctx, error);
  if (pty != NULL && (pty_path = vp_simulator_open_pty (sim, pty, &error)) == NULL)
    return vpctl_fail (ctx, error);
  if (serial != NULL && !vp_simulator_attach_serial (sim, serial, &error))
    return vpctl_fail (ctx, error);
  if (!vp_simulator_start (sim, &error))
    return vpctl_fail (ctx, error);

  print_sim (ctx, sim, pty_path, serial);

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm = g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  /* g_autoptr frees the simulator: thread stopped, pty symlink removed. */
  return VPCTL_EXIT_OK;
}
