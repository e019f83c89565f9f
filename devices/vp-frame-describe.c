/* vp-frame-describe.c: a captured frame in words, for `vpctl frame decode` and logs */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-cjt188.h"
#include "vp-device-error.h"
#include "vp-dlt645.h"
#include "vp-dlt645-items.h"
#include "vp-frame-describe.h"
#include "vp-frame-private.h"

struct _VpFrameDescription
{
  GArray *fields;   /* VpFrameField, in the order of the header's key list */
};

/* Every key a description may hold, with its label for the readable form. */
static const struct
{
  const char *key;
  const char *label;
} field_labels[] = {
  { "protocol", N_("Protocol") },
  { "meter_type", N_("Meter type") },
  { "address", N_("Address") },
  { "control", N_("Control code") },
  { "function", N_("Function") },
  { "reply", N_("Reply") },
  { "abnormal", N_("Abnormal") },
  { "follow_up", N_("Follow-up") },
  { "errors", N_("Errors") },
  { "di", N_("Data item") },
  { "seq", N_("Sequence") },
  { "ser", N_("Serial") },
  { "item", N_("Item") },
  { "label", N_("Meaning") },
  { "value", N_("Value") },
  { "values", N_("Values") },
  { "unit", N_("Unit") },
  { "password", N_("Password") },
  { "new_password", N_("New password") },
  { "operator", N_("Operator code") },
  { "new_address", N_("New address") },
  { "time", N_("Time") },
  { "action", N_("Action") },
  { "expiry", N_("Expires") },
  { "freeze", N_("Freeze at") },
  { "baud", N_("Baud rate") },
  { "relay", N_("Relay") },
  { "relay_command", N_("Relay command") },
  { "pre_trip_alarm", N_("Pre-trip alarm") },
  { "meter_kind", N_("Meter kind") },
  { "keep_power", N_("Keep power") },
  { "power_source", N_("Power source") },
  { "flow", N_("Flow") },
  { "flow_unit", N_("Flow unit") },
  { "settlement_flow", N_("Settlement-day flow") },
  { "valve", N_("Valve") },
  { "battery_low", N_("Battery low") },
  { "valve_command", N_("Valve command") },
  { "raw", N_("Data bytes") },
};

static const char *
label_for (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (field_labels); i++)
    if (g_str_equal (field_labels[i].key, key))
      return _(field_labels[i].label);
  g_assert_not_reached ();
}

static void
clear_field (gpointer data)
{
  VpFrameField *field = data;

  g_free (field->string);
  g_strfreev (field->strv);
}

static VpFrameDescription *
description_new (void)
{
  VpFrameDescription *description = g_new0 (VpFrameDescription, 1);

  description->fields = g_array_new (FALSE, TRUE, sizeof (VpFrameField));
  g_array_set_clear_func (description->fields, clear_field);
  return description;
}

void
vp_frame_description_free (VpFrameDescription *description)
{
  if (description == NULL)
    return;
  g_array_unref (description->fields);
  g_free (description);
}

static VpFrameField *
add_field (VpFrameDescription *d,
           const char         *key,
           VpFrameFieldType    type)
{
  VpFrameField field = { .key = key, .label = label_for (key), .type = type };

  g_array_append_val (d->fields, field);
  return &g_array_index (d->fields, VpFrameField, d->fields->len - 1);
}

/* Takes @value. */
static void
add_string_take (VpFrameDescription *d,
                 const char         *key,
                 char               *value)
{
  add_field (d, key, VP_FRAME_FIELD_STRING)->string = value;
}

static void
add_string (VpFrameDescription *d,
            const char         *key,
            const char         *value)
{
  add_string_take (d, key, g_strdup (value));
}

static void
add_boolean (VpFrameDescription *d,
             const char         *key,
             gboolean            value)
{
  add_field (d, key, VP_FRAME_FIELD_BOOLEAN)->boolean = value;
}

static void
add_integer (VpFrameDescription *d,
             const char         *key,
             gint64              value)
{
  add_field (d, key, VP_FRAME_FIELD_INTEGER)->integer = value;
}

/* Takes @value. */
static void
add_strv_take (VpFrameDescription *d,
               const char         *key,
               char              **value)
{
  add_field (d, key, VP_FRAME_FIELD_STRV)->strv = value;
}

static void
add_time (VpFrameDescription *d,
          const char         *key,
          const VpBcdTime    *time)
{
  /* A meter whose clock was never set sends zeros: leave the field out. */
  if (vp_bcd_time_is_valid (time))
    add_string_take (d, key, vp_bcd_time_to_iso8601 (time));
}

static void
add_name_or_hex (VpFrameDescription *d,
                 const char         *key,
                 const char         *name,
                 guint               code)
{
  if (name != NULL)
    add_string (d, key, name);
  else
    add_string_take (d, key, g_strdup_printf ("0x%02X", code));
}

/* ---- DL/T 645 ------------------------------------------------------------------ */

static void
describe_status3 (VpFrameDescription *d,
                  guint16             word)
{
  VpDlt645Status3 status;

  vp_dlt645_status3_decode (word, &status);
  add_string (d, "relay", status.relay_open ? "open" : "closed");
  add_string (d, "relay_command", status.relay_command_open ? "open" : "closed");
  add_boolean (d, "pre_trip_alarm", status.pre_trip_alarm);
  add_string (d, "meter_kind", vp_dlt645_meter_type_to_string (status.meter_type));
  add_boolean (d, "keep_power", status.keep_power);
  add_string (d, "power_source", vp_dlt645_power_source_to_string (status.power_source));
}

/* di, item, label, value(s), unit — and status word 3 flags when that is the item. */
static gboolean
describe_dlt645_value (VpFrameDescription    *d,
                       const VpDlt645Message *m,
                       GError               **error)
{
  const VpDlt645Item *item = vp_dlt645_item_lookup (m->di);
  g_autofree char *value = NULL;
  gint64 status_word = -1;

  add_string_take (d, "di", vp_dlt645_di_to_string (m->di));
  if (m->has_seq)
    add_integer (d, "seq", m->seq);
  if (item == NULL)
    {
      if (m->n_value > 0)
        add_string_take (d, "raw", vp_frame_format_hex (m->value, m->n_value));
      return TRUE;
    }

  add_string (d, "item", item->name);
  add_string (d, "label", vp_dlt645_item_get_label (item));
  if (m->n_value == 0)
    return TRUE;
  /* Only read replies and write requests carry the item's value; other bytes after a
   * DI (block-read parameters N / time of an 11 request) are shown as they are. */
  if (!(m->reply ? (m->function == VP_DLT645_FUNCTION_READ
                    || m->function == VP_DLT645_FUNCTION_READ_FOLLOW_UP)
                 : m->function == VP_DLT645_FUNCTION_WRITE))
    {
      add_string_take (d, "raw", vp_frame_format_hex (m->value, m->n_value));
      return TRUE;
    }

  value = vp_dlt645_item_format_value (item, m->value, m->n_value, error);
  if (value == NULL)
    return FALSE;
  add_string (d, "value", value);
  if (item->n_values > 1)
    add_strv_take (d, "values", g_strsplit (value, ",", -1));
  if (item->unit[0] != '\0')
    add_string (d, "unit", item->unit);

  if (item->di == VP_DLT645_DI_STATUS_3)
    vp_dlt645_item_decode_number (item, m->value, m->n_value, 0, &status_word, NULL);
  else if (item->di == VP_DLT645_DI_STATUS_BLOCK)
    vp_dlt645_item_decode_number (item, m->value, m->n_value, 2, &status_word, NULL);
  if (status_word >= 0)
    describe_status3 (d, (guint16) status_word);
  return TRUE;
}

static gboolean
describe_dlt645 (VpFrameDescription  *d,
                 const guint8        *bytes,
                 gsize                n_bytes,
                 GError             **error)
{
  VpDlt645Frame frame;
  VpDlt645Message m;

  if (!vp_dlt645_frame_decode (bytes, n_bytes, &frame, error)
      || !vp_dlt645_frame_parse (&frame, &m, error))
    return FALSE;

  add_string (d, "protocol", "dlt645");
  add_string_take (d, "address", vp_dlt645_address_to_string (&frame.address));
  add_string_take (d, "control", g_strdup_printf ("0x%02X", frame.control));
  add_string (d, "function", vp_dlt645_function_to_string (m.function) ?: "unknown");
  add_boolean (d, "reply", m.reply);
  add_boolean (d, "abnormal", m.abnormal);
  add_boolean (d, "follow_up", m.follow_up);
  add_strv_take (d, "errors", vp_dlt645_error_flags_to_strv (m.abnormal ? m.error_flags : 0));

  if (m.has_di && !describe_dlt645_value (d, &m, error))
    return FALSE;
  if (!m.has_di && m.n_value > 0)
    add_string_take (d, "raw", vp_frame_format_hex (m.value, m.n_value));
  if (m.has_password)
    add_string_take (d, "password", vp_dlt645_password_to_string (&m.password));
  if (m.has_new_password)
    add_string_take (d, "new_password", vp_dlt645_password_to_string (&m.new_password));
  if (m.has_operator)
    add_string_take (d, "operator", vp_dlt645_operator_to_string (&m.operator_code));
  if (m.has_new_address)
    add_string_take (d, "new_address", vp_dlt645_address_to_string (&m.new_address));
  if (m.has_time)
    add_time (d, "time", &m.time);
  if (m.has_control)
    {
      add_name_or_hex (d, "action", vp_dlt645_control_action_to_string (m.action), m.action);
      add_time (d, "expiry", &m.expiry);
    }
  if (m.has_freeze)
    /* MM-DD hh:mm as sent; 99 stands for "every". */
    add_string_take (d, "freeze", g_strdup_printf ("%02X-%02X %02X:%02X", m.freeze_month,
                                                   m.freeze_day, m.freeze_hour,
                                                   m.freeze_minute));
  if (m.has_baud)
    add_integer (d, "baud", vp_dlt645_baud_to_rate (m.baud_code));
  return TRUE;
}

/* ---- CJ/T 188 ------------------------------------------------------------------ */

static const char *
cjt188_item_name (guint16 di)
{
  switch (di)
    {
    case VP_CJT188_DI_READ_DATA: return "metering-data";
    case VP_CJT188_DI_READ_ADDRESS: return "address";
    case VP_CJT188_DI_VALVE: return "valve";
    default: return NULL;
    }
}

static void
add_flow (VpFrameDescription *d,
          const char         *key,
          gint64              flow)
{
  /* XXXXXX.XX (PROTOCOLS.md 901F). */
  add_string_take (d, key, vp_bcd_format_scaled (flow, 2));
}

static gboolean
describe_cjt188 (VpFrameDescription  *d,
                 const guint8        *bytes,
                 gsize                n_bytes,
                 GError             **error)
{
  VpCjt188Frame frame;
  VpCjt188Message m;

  if (!vp_cjt188_frame_decode (bytes, n_bytes, &frame, error)
      || !vp_cjt188_frame_parse (&frame, &m, error))
    return FALSE;

  add_string (d, "protocol", "cjt188");
  add_name_or_hex (d, "meter_type", vp_cjt188_meter_type_to_string (frame.type), frame.type);
  add_string_take (d, "address", vp_cjt188_address_to_string (&frame.address));
  add_string_take (d, "control", g_strdup_printf ("0x%02X", frame.control));
  add_string (d, "function", vp_cjt188_function_to_string (m.function) ?: "unknown");
  add_boolean (d, "reply", m.reply);
  add_boolean (d, "abnormal", m.abnormal);
  add_strv_take (d, "errors", g_new0 (char *, 1));

  if (m.has_di)
    {
      add_string_take (d, "di", g_strdup_printf ("%04X", m.di));
      add_integer (d, "ser", m.ser);
      if (cjt188_item_name (m.di) != NULL)
        add_string (d, "item", cjt188_item_name (m.di));
    }

  if (m.has_meter_data)
    {
      const VpCjt188MeterData *data = &m.meter_data;
      const char *unit = vp_cjt188_unit_to_string (data->current_unit);

      /* "value"/"unit" repeat the current flow so every meter reads the same way. */
      add_flow (d, "value", data->current_flow);
      add_name_or_hex (d, "unit", unit, data->current_unit);
      add_flow (d, "flow", data->current_flow);
      add_name_or_hex (d, "flow_unit", unit, data->current_unit);
      add_flow (d, "settlement_flow", data->settlement_flow);
      add_time (d, "time", &data->time);
    }
  else if (m.n_payload > 0 && !m.has_valve_command && !m.has_status)
    add_string_take (d, "raw", vp_frame_format_hex (m.payload, m.n_payload));

  if (m.has_status)
    {
      add_string (d, "valve", vp_cjt188_valve_state_to_string (m.valve));
      add_boolean (d, "battery_low", m.battery_low);
    }
  if (m.has_valve_command)
    add_string (d, "valve_command", m.valve_open ? "open" : "close");
  return TRUE;
}

/* ---- Entry points -------------------------------------------------------------- */

VpFrameDescription *
vp_frame_describe (const guint8     *bytes,
                   gsize             n_bytes,
                   VpFrameProtocol   protocol,
                   GError          **error)
{
  g_autoptr(VpFrameDescription) d = NULL;
  VpFrameProtocol found;
  gsize size;
  gboolean ok;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = vp_frame_skip_preamble (bytes, &n_bytes);
  if (n_bytes == 0)
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TRUNCATED,
                           _("No frame: the bytes end before a 0x68 start byte"));
      return NULL;
    }
  if (bytes[0] != VP_DLT645_START)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Frame starts with 0x%02X, expected 0x68"), bytes[0]);
      return NULL;
    }

  /* Which shape (the stream reader's rules, input complete), then that decoder. */
  size = vp_frame_scan_full (bytes, n_bytes, protocol, TRUE, &found, error);
  if (size == 0)
    return NULL;
  if (size < n_bytes)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("%u unexpected bytes after the end byte of the frame"),
                   (guint) (n_bytes - size));
      return NULL;
    }

  d = description_new ();
  if (found == VP_FRAME_PROTOCOL_DLT645)
    ok = describe_dlt645 (d, bytes, n_bytes, error);
  else
    ok = describe_cjt188 (d, bytes, n_bytes, error);
  return ok ? g_steal_pointer (&d) : NULL;
}

guint
vp_frame_description_get_n_fields (const VpFrameDescription *description)
{
  g_return_val_if_fail (description != NULL, 0);
  return description->fields->len;
}

const VpFrameField *
vp_frame_description_get_field (const VpFrameDescription *description,
                                guint                     index)
{
  g_return_val_if_fail (description != NULL, NULL);
  g_return_val_if_fail (index < description->fields->len, NULL);
  return &g_array_index (description->fields, VpFrameField, index);
}

const VpFrameField *
vp_frame_description_lookup (const VpFrameDescription *description,
                             const char               *key)
{
  g_return_val_if_fail (description != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < description->fields->len; i++)
    {
      const VpFrameField *field = &g_array_index (description->fields, VpFrameField, i);

      if (g_str_equal (field->key, key))
        return field;
    }
  return NULL;
}

const char *
vp_frame_description_get_string (const VpFrameDescription *description,
                                 const char               *key)
{
  const VpFrameField *field = vp_frame_description_lookup (description, key);

  return field != NULL && field->type == VP_FRAME_FIELD_STRING ? field->string : NULL;
}

gboolean
vp_frame_description_get_boolean (const VpFrameDescription *description,
                                  const char               *key)
{
  const VpFrameField *field = vp_frame_description_lookup (description, key);

  return field != NULL && field->type == VP_FRAME_FIELD_BOOLEAN && field->boolean;
}

static char *
field_to_text (const VpFrameField *field)
{
  switch (field->type)
    {
    case VP_FRAME_FIELD_STRING:
      return g_strdup (field->string);
    case VP_FRAME_FIELD_BOOLEAN:
      return g_strdup (field->boolean ? _("yes") : _("no"));
    case VP_FRAME_FIELD_INTEGER:
      return g_strdup_printf ("%" G_GINT64_FORMAT, field->integer);
    case VP_FRAME_FIELD_STRV:
      return field->strv[0] != NULL ? g_strjoinv (", ", field->strv) : g_strdup (_("none"));
    default:
      g_assert_not_reached ();
    }
}

char *
vp_frame_description_to_text (const VpFrameDescription *description)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (description != NULL, NULL);

  for (guint i = 0; i < description->fields->len; i++)
    {
      const VpFrameField *field = &g_array_index (description->fields, VpFrameField, i);
      g_autofree char *value = field_to_text (field);

      g_string_append_printf (text, "%s: %s\n", field->label, value);
    }
  return g_string_free (text, FALSE);
}

char *
vp_frame_description_to_line (const VpFrameDescription *description)
{
  /* The fields a technician scans a log for, in this order. */
  static const char * const keys[] = {
    "protocol", "address", "function", "di", "item", "value", "unit", "new_address",
    "time", "action", "expiry", "valve_command", "valve", "relay",
  };
  GString *line = g_string_new (NULL);
  const VpFrameField *errors;

  g_return_val_if_fail (description != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = vp_frame_description_get_string (description, keys[i]);

      if (value == NULL)
        continue;
      if (line->len > 0)
        g_string_append_c (line, ' ');
      /* Name what is not self-explanatory. */
      if (g_str_equal (keys[i], "valve") || g_str_equal (keys[i], "relay")
          || g_str_equal (keys[i], "expiry") || g_str_equal (keys[i], "new_address"))
        g_string_append_printf (line, "%s=", keys[i]);
      g_string_append (line, value);
      if (g_str_equal (keys[i], "function")
          && vp_frame_description_get_boolean (description, "reply"))
        g_string_append (line, vp_frame_description_get_boolean (description, "abnormal")
                                 ? " abnormal-reply" : " reply");
    }

  errors = vp_frame_description_lookup (description, "errors");
  if (errors != NULL && errors->strv[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", errors->strv);

      g_string_append_printf (line, " errors=%s", joined);
    }
  return g_string_free (line, FALSE);
}

char *
vp_frame_describe_line (const guint8    *bytes,
                        gsize            n_bytes,
                        VpFrameProtocol  protocol)
{
  g_autoptr(VpFrameDescription) description = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *summary = NULL;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, NULL);

  hex = vp_frame_format_hex (bytes, n_bytes);
  description = vp_frame_describe (bytes, n_bytes, protocol, &error);
  if (description == NULL)
    return g_strdup_printf (_("%s  (bad frame: %s)"), hex, error->message);
  summary = vp_frame_description_to_line (description);
  return g_strdup_printf ("%s  %s", hex, summary);
}

char *
vp_frame_format_hex (const guint8 *bytes,
                     gsize         n_bytes)
{
  GString *text = g_string_sized_new (3 * n_bytes);

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, NULL);

  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : " %02X", bytes[i]);
  return g_string_free (text, FALSE);
}

GBytes *
vp_frame_parse_hex (const char * const  *parts,
                    GError             **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autofree char *text = NULL;
  int high = -1;

  g_return_val_if_fail (parts != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = g_strjoinv ("", (char **) parts);
  for (const char *p = text; *p != '\0'; p++)
    {
      int v;

      if (g_ascii_isspace (*p) || *p == ':' || *p == '-' || *p == ',')
        continue;
      /* "0x" only at a byte boundary and before a hex digit. */
      if (high < 0 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')
          && g_ascii_isxdigit (p[2]))
        {
          p++;
          continue;
        }
      v = g_ascii_xdigit_value (*p);
      if (v < 0)
        {
          /* Quote only printable ASCII: a stray byte of a UTF-8 character (or binary
           * junk) must not make the message itself invalid UTF-8. */
          if (g_ascii_isprint (*p))
            g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                         _("“%c” is not a hex digit"), *p);
          else
            g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                         _("Byte 0x%02X is not a hex digit"), (guchar) *p);
          return NULL;
        }
      if (high < 0)
        high = v;
      else
        {
          guint8 byte = (guint8) (high << 4 | v);

          g_byte_array_append (out, &byte, 1);
          high = -1;
        }
    }

  if (high >= 0)
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                           _("Odd number of hex digits: every byte needs two"));
      return NULL;
    }
  if (out->len == 0)
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                           _("No frame bytes given"));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
