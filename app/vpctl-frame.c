/* vpctl-frame.c: vpctl frame decode — what a captured meter frame says */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-frame-describe.h"
#include "vpctl.h"

static JsonNode *
description_to_json (const VpFrameDescription *description)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (guint i = 0; i < vp_frame_description_get_n_fields (description); i++)
    {
      const VpFrameField *field = vp_frame_description_get_field (description, i);

      json_builder_set_member_name (b, field->key);
      switch (field->type)
        {
        case VP_FRAME_FIELD_STRING:
          json_builder_add_string_value (b, field->string);
          break;
        case VP_FRAME_FIELD_BOOLEAN:
          json_builder_add_boolean_value (b, field->boolean);
          break;
        case VP_FRAME_FIELD_INTEGER:
          json_builder_add_int_value (b, field->integer);
          break;
        case VP_FRAME_FIELD_STRV:
          json_builder_begin_array (b);
          for (guint k = 0; field->strv[k] != NULL; k++)
            json_builder_add_string_value (b, field->strv[k]);
          json_builder_end_array (b);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
command_decode (VpctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autofree char *protocol_name = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(VpFrameDescription) description = NULL;
  g_autoptr(GError) error = NULL;
  VpFrameProtocol protocol = VP_FRAME_PROTOCOL_AUTO;
  GOptionEntry entries[] = {
    { "protocol", 'p', 0, G_OPTION_ARG_STRING, &protocol_name,
      N_("dlt645, cjt188 or auto (default: recognise the frame)"), "NAME" },
    { NULL }
  };

  if (!vpctl_parse_options (ctx, _("HEX…"),
                            _("Decode one captured DL/T 645 or CJ/T 188 frame. The hex may "
                              "contain spaces and be split across several arguments."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (protocol_name != NULL && !vp_frame_protocol_from_string (protocol_name, &protocol))
    return vpctl_usage_error (ctx, _("Unknown protocol “%s” (dlt645, cjt188 or auto)"),
                              protocol_name);
  if (argc < 2)
    return vpctl_usage_error (ctx, _("Give the frame as hex, e.g. 68 AA AA AA AA AA AA 68 13 00 DF 16"));

  bytes = vp_frame_parse_hex ((const char * const *) argv + 1, &error);
  if (bytes == NULL)
    return vpctl_usage_error (ctx, "%s", error->message);

  description = vp_frame_describe (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   protocol, &error);
  if (description == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = description_to_json (description);

      vpctl_print_json (root);
    }
  else
    {
      g_autofree char *hex = vp_frame_format_hex (g_bytes_get_data (bytes, NULL),
                                                  g_bytes_get_size (bytes));
      g_autofree char *text = vp_frame_description_to_text (description);

      g_print ("%s: %s\n%s", _("Frame"), hex, text);
    }
  return VPCTL_EXIT_OK;
}

int
vpctl_group_frame (VpctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  static const VpctlCommand commands[] = {
    { "decode", command_decode, N_("Decode a captured meter frame given as hex") },
  };

  return vpctl_run_command (ctx, commands, G_N_ELEMENTS (commands), argc, argv);
}
