/* vp-dlt645-items.c: DL/T 645-2007 data item registry (shared/PROTOCOLS.md "Data items") */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "vp-device-error.h"
#include "vp-dlt645-items.h"

#define ENERGY(di, name, label) \
  { di, name, label, "kWh", VP_DLT645_ITEM_NUMBER, 4, 1, 2, FALSE }
#define MONEY(di, name, label) \
  { di, name, label, "yuan", VP_DLT645_ITEM_NUMBER, 4, 1, 2, FALSE }
#define STATUS(di, name, label) \
  { di, name, label, "", VP_DLT645_ITEM_STATUS, 2, 1, 0, FALSE }
#define VOLTAGE(di, name, label) \
  { di, name, label, "V", VP_DLT645_ITEM_NUMBER, 2, 1, 1, FALSE }

/* Sorted by DI (vp_dlt645_item_lookup() searches it with bsearch). Formats from the
 * PROTOCOLS.md table: energy XXXXXX.XX kWh (4 bytes), voltage XXX.X V (2), current
 * XXX.XXX A (3, signed), power XX.XXXX kW (3, signed), money XXXXXX.XX yuan (4). */
static const VpDlt645Item items[] = {
  ENERGY (0x00000000, "energy.combined.total", N_("Combined active energy, total")),
  ENERGY (0x00010000, "energy.forward.total", N_("Forward active energy, total")),
  ENERGY (0x00010001, "energy.forward.tariff1", N_("Forward active energy, tariff 1 (sharp)")),
  ENERGY (0x00010002, "energy.forward.tariff2", N_("Forward active energy, tariff 2 (peak)")),
  ENERGY (0x00010003, "energy.forward.tariff3", N_("Forward active energy, tariff 3 (flat)")),
  ENERGY (0x00010004, "energy.forward.tariff4", N_("Forward active energy, tariff 4 (valley)")),
  { 0x0001FF00, "energy.forward.block", N_("Forward active energy: total and tariffs 1–4"),
    "kWh", VP_DLT645_ITEM_NUMBER, 4, 5, 2, FALSE },
  ENERGY (0x00020000, "energy.reverse.total", N_("Reverse active energy, total")),
  ENERGY (0x00900100, "energy.remaining", N_("Remaining energy")),
  MONEY (0x00900200, "money.remaining", N_("Remaining money")),
  MONEY (0x00900201, "money.overdraft", N_("Overdraft money")),
  VOLTAGE (0x02010100, "voltage.a", N_("Voltage, phase A")),
  VOLTAGE (0x02010200, "voltage.b", N_("Voltage, phase B")),
  VOLTAGE (0x02010300, "voltage.c", N_("Voltage, phase C")),
  { 0x0201FF00, "voltage.block", N_("Voltage, phases A, B, C"),
    "V", VP_DLT645_ITEM_NUMBER, 2, 3, 1, FALSE },
  { 0x02020100, "current.a", N_("Current, phase A"),
    "A", VP_DLT645_ITEM_NUMBER, 3, 1, 3, TRUE },
  { 0x02030000, "power.active.total", N_("Active power, total"),
    "kW", VP_DLT645_ITEM_NUMBER, 3, 1, 4, TRUE },
  { 0x03330201, "purchase.count", N_("Purchase count"),
    "", VP_DLT645_ITEM_NUMBER, 2, 1, 0, FALSE },
  { 0x04000101, "date", N_("Date and weekday"),
    "", VP_DLT645_ITEM_DATE, 4, 1, 0, FALSE },
  { 0x04000102, "time", N_("Time"),
    "", VP_DLT645_ITEM_TIME, 3, 1, 0, FALSE },
  { 0x04000401, "address", N_("Communication address"),
    "", VP_DLT645_ITEM_ADDRESS, 6, 1, 0, FALSE },
  STATUS (0x04000501, "status1", N_("Status word 1")),
  STATUS (0x04000502, "status2", N_("Status word 2")),
  STATUS (0x04000503, "status3", N_("Status word 3 (relay, meter type, keep-power)")),
  STATUS (0x04000504, "status4", N_("Status word 4")),
  STATUS (0x04000505, "status5", N_("Status word 5")),
  STATUS (0x04000506, "status6", N_("Status word 6")),
  STATUS (0x04000507, "status7", N_("Status word 7")),
  { 0x040005FF, "status.block", N_("Status words 1–7"),
    "", VP_DLT645_ITEM_STATUS, 2, 7, 0, FALSE },
  MONEY (0x04001001, "money.alarm1", N_("Money alarm limit 1")),
  MONEY (0x04001002, "money.alarm2", N_("Money alarm limit 2")),
  MONEY (0x04001003, "money.overdraft-limit", N_("Overdraft limit")),
  MONEY (0x04001004, "money.hoarding-limit", N_("Hoarding limit")),
  MONEY (0x04001005, "money.close-allow", N_("Close-allow threshold")),
};

static int
compare_di (const void *key,
            const void *element)
{
  guint32 di = *(const guint32 *) key;
  guint32 other = ((const VpDlt645Item *) element)->di;

  return di < other ? -1 : di > other ? 1 : 0;
}

const VpDlt645Item *
vp_dlt645_item_lookup (guint32 di)
{
  return bsearch (&di, items, G_N_ELEMENTS (items), sizeof items[0], compare_di);
}

const VpDlt645Item *
vp_dlt645_item_lookup_name (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (items); i++)
    if (g_str_equal (items[i].name, name))
      return &items[i];
  return NULL;
}

const VpDlt645Item *
vp_dlt645_items_get_all (guint *out_n_items)
{
  g_return_val_if_fail (out_n_items != NULL, NULL);

  *out_n_items = G_N_ELEMENTS (items);
  return items;
}

const char *
vp_dlt645_item_get_label (const VpDlt645Item *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return _(item->label);
}

gsize
vp_dlt645_item_get_value_size (const VpDlt645Item *item)
{
  g_return_val_if_fail (item != NULL, 0);
  return (gsize) item->size * item->n_values;
}

static gboolean
check_value_size (const VpDlt645Item *item,
                  gsize               n_value,
                  GError            **error)
{
  if (n_value == vp_dlt645_item_get_value_size (item))
    return TRUE;

  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
               _("The value of %s is %u bytes, expected %u"), item->name, (guint) n_value,
               (guint) vp_dlt645_item_get_value_size (item));
  return FALSE;
}

static guint16
read_word (const guint8 *bytes)
{
  return (guint16) (bytes[0] | bytes[1] << 8);
}

/* One value (no size check): the text vp_dlt645_item_format_value() joins. */
static char *
format_one (const VpDlt645Item *item,
            const guint8       *bytes,
            GError            **error)
{
  VpBcdTime t;
  gint64 number;

  switch (item->kind)
    {
    case VP_DLT645_ITEM_NUMBER:
      if (!vp_bcd_decode (bytes, item->size, item->is_signed, &number, error))
        return NULL;
      return vp_bcd_format_scaled (number, item->scale);

    case VP_DLT645_ITEM_DATE:
    case VP_DLT645_ITEM_TIME:
      if (!vp_bcd_time_decode (bytes, item->kind == VP_DLT645_ITEM_DATE
                                        ? VP_BCD_TIME_LAYOUT_DLT645_DATE
                                        : VP_BCD_TIME_LAYOUT_DLT645_TIME, &t, error))
        return NULL;
      return vp_bcd_time_to_iso8601 (&t);

    case VP_DLT645_ITEM_ADDRESS:
      /* A meter's own address is all digits; AA belongs only in requests. */
      if (!vp_bcd_is_valid (bytes, item->size))
        {
          g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                               _("The address value is not 12 decimal digits"));
          return NULL;
        }
      return vp_bcd_to_digits (bytes, item->size, error);

    case VP_DLT645_ITEM_STATUS:
      return g_strdup_printf ("0x%04X", read_word (bytes));

    default:
      g_assert_not_reached ();
    }
}

char *
vp_dlt645_item_format_value (const VpDlt645Item  *item,
                             const guint8        *value,
                             gsize                n_value,
                             GError             **error)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (value != NULL || n_value == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_value_size (item, n_value, error))
    return NULL;

  for (guint i = 0; i < item->n_values; i++)
    {
      g_autofree char *one = format_one (item, value + i * item->size, error);

      if (one == NULL)
        return NULL;
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, one);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
vp_dlt645_item_decode_number (const VpDlt645Item  *item,
                              const guint8        *value,
                              gsize                n_value,
                              guint                index,
                              gint64              *out_number,
                              GError             **error)
{
  const guint8 *bytes;

  g_return_val_if_fail (item != NULL, FALSE);
  g_return_val_if_fail (item->kind == VP_DLT645_ITEM_NUMBER
                        || item->kind == VP_DLT645_ITEM_STATUS, FALSE);
  g_return_val_if_fail (index < item->n_values, FALSE);
  g_return_val_if_fail (out_number != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_value_size (item, n_value, error))
    return FALSE;

  bytes = value + index * item->size;
  if (item->kind == VP_DLT645_ITEM_STATUS)
    {
      *out_number = read_word (bytes);
      return TRUE;
    }
  return vp_bcd_decode (bytes, item->size, item->is_signed, out_number, error);
}

gboolean
vp_dlt645_item_encode_number (const VpDlt645Item  *item,
                              gint64               number,
                              guint8              *out,
                              GError             **error)
{
  g_return_val_if_fail (item != NULL, FALSE);
  g_return_val_if_fail (item->kind == VP_DLT645_ITEM_NUMBER
                        || item->kind == VP_DLT645_ITEM_STATUS, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (item->kind == VP_DLT645_ITEM_STATUS)
    {
      if (number < 0 || number > G_MAXUINT16)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("%" PRId64 " is not a 16-bit status word"), number);
          return FALSE;
        }
      out[0] = number & 0xFF;
      out[1] = (number >> 8) & 0xFF;
      return TRUE;
    }
  return vp_bcd_encode (number, item->is_signed, out, item->size, error);
}

/* Parse one value's text and append its bytes. */
static gboolean
encode_one (const VpDlt645Item *item,
            const char         *text,
            GByteArray         *out,
            GError            **error)
{
  guint8 bytes[VP_BCD_MAX_NUMBER_BYTES];
  VpBcdTime t;
  gint64 number;

  switch (item->kind)
    {
    case VP_DLT645_ITEM_NUMBER:
      if (!vp_bcd_parse_scaled (text, item->scale, &number, error))
        return FALSE;
      break;

    case VP_DLT645_ITEM_STATUS:
      {
        char *end = NULL;
        guint64 word;

        if (!g_ascii_isdigit (text[0]))
          goto bad;
        word = g_ascii_strtoull (text, &end, g_str_has_prefix (text, "0x") ? 16 : 10);
        if (*end != '\0' || word > G_MAXUINT16)
          goto bad;
        number = (gint64) word;
      }
      break;

    case VP_DLT645_ITEM_DATE:
    case VP_DLT645_ITEM_TIME:
      if (!vp_bcd_time_parse_iso8601 (text, &t, error))
        return FALSE;
      if (t.has_date != (item->kind == VP_DLT645_ITEM_DATE) || t.has_time != !t.has_date)
        goto bad;
      if (!vp_bcd_time_encode (&t, item->kind == VP_DLT645_ITEM_DATE
                                     ? VP_BCD_TIME_LAYOUT_DLT645_DATE
                                     : VP_BCD_TIME_LAYOUT_DLT645_TIME, bytes, error))
        return FALSE;
      g_byte_array_append (out, bytes, item->size);
      return TRUE;

    case VP_DLT645_ITEM_ADDRESS:
      if (strspn (text, "0123456789") != strlen (text)
          || !vp_bcd_from_digits (text, bytes, item->size, NULL))
        goto bad;
      g_byte_array_append (out, bytes, item->size);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  if (!vp_dlt645_item_encode_number (item, number, bytes, error))
    return FALSE;
  g_byte_array_append (out, bytes, item->size);
  return TRUE;

bad:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a valid value for %s"), text, item->name);
  return FALSE;
}

gboolean
vp_dlt645_item_encode_value (const VpDlt645Item  *item,
                             const char          *text,
                             GByteArray          *out,
                             GError             **error)
{
  g_auto(GStrv) parts = NULL;
  guint old_len;

  g_return_val_if_fail (item != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != item->n_values)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("%s takes %u comma-separated values, “%s” has %u"), item->name,
                   item->n_values, text, g_strv_length (parts));
      return FALSE;
    }

  old_len = out->len;
  for (guint i = 0; parts[i] != NULL; i++)
    if (!encode_one (item, g_strstrip (parts[i]), out, error))
      {
        g_byte_array_set_size (out, old_len);
        return FALSE;
      }
  return TRUE;
}

char *
vp_dlt645_di_to_string (guint32 di)
{
  return g_strdup_printf ("%08X", di);
}

gboolean
vp_dlt645_di_parse (const char  *text,
                    guint32     *out_di,
                    GError     **error)
{
  const char *digits = text;
  guint32 di = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_di != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_str_has_prefix (digits, "0x") || g_str_has_prefix (digits, "0X"))
    digits += 2;
  if (strlen (digits) != 8)
    goto bad;
  for (guint i = 0; i < 8; i++)
    {
      int v = g_ascii_xdigit_value (digits[i]);

      if (v < 0)
        goto bad;
      di = di << 4 | (guint32) v;
    }

  *out_di = di;
  return TRUE;

bad:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a data identifier (8 hex digits such as 00010000)"), text);
  return FALSE;
}

gboolean
vp_dlt645_di_parse_name_or_hex (const char  *text,
                                guint32     *out_di,
                                GError     **error)
{
  const VpDlt645Item *item;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_di != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  item = vp_dlt645_item_lookup_name (text);
  if (item != NULL)
    {
      *out_di = item->di;
      return TRUE;
    }
  if (vp_dlt645_di_parse (text, out_di, NULL))
    return TRUE;

  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNKNOWN_ITEM,
               _("“%s” is neither a known data item nor an 8-digit DI"), text);
  return FALSE;
}

/* ---- Status word 3 ------------------------------------------------------------ */

void
vp_dlt645_status3_decode (guint16          word,
                          VpDlt645Status3 *out_status)
{
  g_return_if_fail (out_status != NULL);

  *out_status = (VpDlt645Status3) {
    .relay_open = (word & VP_DLT645_STATUS3_RELAY_OPEN) != 0,
    .relay_command_open = (word & VP_DLT645_STATUS3_RELAY_COMMAND_OPEN) != 0,
    .pre_trip_alarm = (word & VP_DLT645_STATUS3_PRE_TRIP_ALARM) != 0,
    .meter_type = (word >> VP_DLT645_STATUS3_METER_TYPE_SHIFT) & 0x3,
    .keep_power = (word & VP_DLT645_STATUS3_KEEP_POWER) != 0,
    .power_source = (word >> VP_DLT645_STATUS3_POWER_SOURCE_SHIFT) & 0x3,
  };
}

guint16
vp_dlt645_status3_encode (const VpDlt645Status3 *status)
{
  guint word = 0;

  g_return_val_if_fail (status != NULL, 0);

  if (status->relay_open)
    word |= VP_DLT645_STATUS3_RELAY_OPEN;
  if (status->relay_command_open)
    word |= VP_DLT645_STATUS3_RELAY_COMMAND_OPEN;
  if (status->pre_trip_alarm)
    word |= VP_DLT645_STATUS3_PRE_TRIP_ALARM;
  if (status->keep_power)
    word |= VP_DLT645_STATUS3_KEEP_POWER;
  word |= (status->meter_type & 0x3u) << VP_DLT645_STATUS3_METER_TYPE_SHIFT;
  word |= (status->power_source & 0x3u) << VP_DLT645_STATUS3_POWER_SOURCE_SHIFT;
  return (guint16) word;
}

const char *
vp_dlt645_meter_type_to_string (VpDlt645MeterType type)
{
  switch (type)
    {
    case VP_DLT645_METER_TYPE_NOT_PREPAID: return "not-prepaid";
    case VP_DLT645_METER_TYPE_ENERGY_PREPAID: return "energy-prepaid";
    case VP_DLT645_METER_TYPE_MONEY_PREPAID: return "money-prepaid";
    case VP_DLT645_METER_TYPE_UNKNOWN:
    default: return "unknown";
    }
}

const char *
vp_dlt645_power_source_to_string (VpDlt645PowerSource source)
{
  switch (source)
    {
    case VP_DLT645_POWER_SOURCE_MAIN: return "main";
    case VP_DLT645_POWER_SOURCE_AUXILIARY: return "auxiliary";
    case VP_DLT645_POWER_SOURCE_BATTERY: return "battery";
    case VP_DLT645_POWER_SOURCE_UNKNOWN:
    default: return "unknown";
    }
}
