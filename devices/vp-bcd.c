/* vp-bcd.c: packed BCD as meters send it (shared/PROTOCOLS.md "Data items") */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-bcd.h"
#include "vp-device-error.h"

/* 10^0 … 10^18: every power a gint64 can hold. */
static const gint64 powers_of_ten[] = {
  G_GINT64_CONSTANT (1),
  G_GINT64_CONSTANT (10),
  G_GINT64_CONSTANT (100),
  G_GINT64_CONSTANT (1000),
  G_GINT64_CONSTANT (10000),
  G_GINT64_CONSTANT (100000),
  G_GINT64_CONSTANT (1000000),
  G_GINT64_CONSTANT (10000000),
  G_GINT64_CONSTANT (100000000),
  G_GINT64_CONSTANT (1000000000),
  G_GINT64_CONSTANT (10000000000),
  G_GINT64_CONSTANT (100000000000),
  G_GINT64_CONSTANT (1000000000000),
  G_GINT64_CONSTANT (10000000000000),
  G_GINT64_CONSTANT (100000000000000),
  G_GINT64_CONSTANT (1000000000000000),
  G_GINT64_CONSTANT (10000000000000000),
  G_GINT64_CONSTANT (100000000000000000),
  G_GINT64_CONSTANT (1000000000000000000),
};

/* The sign of a signed field lives in the top bit of its last byte (PROTOCOLS.md). */
#define SIGN_BIT 0x80

gboolean
vp_bcd_is_valid (const guint8 *bytes,
                 gsize         n_bytes)
{
  g_return_val_if_fail (bytes != NULL || n_bytes == 0, FALSE);

  for (gsize i = 0; i < n_bytes; i++)
    if ((bytes[i] & 0x0F) > 9 || (bytes[i] >> 4) > 9)
      return FALSE;
  return TRUE;
}

guint8
vp_bcd_byte_encode (guint value)
{
  g_return_val_if_fail (value <= 99, 0);

  return (guint8) (((value / 10) << 4) | (value % 10));
}

gboolean
vp_bcd_byte_decode (guint8  byte,
                    guint  *out_value)
{
  g_return_val_if_fail (out_value != NULL, FALSE);

  if ((byte & 0x0F) > 9 || (byte >> 4) > 9)
    return FALSE;
  *out_value = (byte >> 4) * 10 + (byte & 0x0F);
  return TRUE;
}

static void
set_not_bcd_error (GError      **error,
                   const guint8 *bytes,
                   gsize         n_bytes,
                   gsize         bad_index)
{
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
               _("Byte %u of a %u-byte BCD field is 0x%02X, which is not a decimal digit pair"),
               (guint) bad_index + 1, (guint) n_bytes, bytes[bad_index]);
}

gboolean
vp_bcd_decode (const guint8  *bytes,
               gsize          n_bytes,
               gboolean       is_signed,
               gint64        *out_value,
               GError       **error)
{
  gint64 value = 0;
  gboolean negative = FALSE;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (n_bytes >= 1 && n_bytes <= VP_BCD_MAX_NUMBER_BYTES, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Most significant byte is last on the wire. */
  for (gsize i = n_bytes; i-- > 0;)
    {
      guint8 byte = bytes[i];
      guint digits;

      if (is_signed && i == n_bytes - 1)
        {
          negative = (byte & SIGN_BIT) != 0;
          byte &= ~SIGN_BIT;
        }
      if (!vp_bcd_byte_decode (byte, &digits))
        {
          set_not_bcd_error (error, bytes, n_bytes, i);
          return FALSE;
        }
      value = value * 100 + digits;
    }

  *out_value = negative ? -value : value;
  return TRUE;
}

gboolean
vp_bcd_encode (gint64     value,
               gboolean   is_signed,
               guint8    *out,
               gsize      n_bytes,
               GError   **error)
{
  guint8 buffer[VP_BCD_MAX_NUMBER_BYTES];
  guint64 magnitude;
  guint64 limit;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (n_bytes >= 1 && n_bytes <= VP_BCD_MAX_NUMBER_BYTES, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (value < 0 && !is_signed)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("%" PRId64 " is negative but the field is unsigned"), value);
      return FALSE;
    }

  /* A signed field gives up the top bit of its top nibble: that digit is 0..7. */
  limit = (guint64) powers_of_ten[2 * n_bytes - 1] * (is_signed ? 8 : 10);
  magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  if (magnitude >= limit)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("%" PRId64 " does not fit in %u BCD bytes"), value,
                   (guint) n_bytes);
      return FALSE;
    }

  for (gsize i = 0; i < n_bytes; i++)
    {
      buffer[i] = vp_bcd_byte_encode ((guint) (magnitude % 100));
      magnitude /= 100;
    }
  if (value < 0)
    buffer[n_bytes - 1] |= SIGN_BIT;

  memcpy (out, buffer, n_bytes);
  return TRUE;
}

char *
vp_bcd_to_digits (const guint8  *bytes,
                  gsize          n_bytes,
                  GError       **error)
{
  GString *text;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  text = g_string_sized_new (2 * n_bytes);
  for (gsize i = n_bytes; i-- > 0;)
    {
      guint digits;

      if (bytes[i] == 0xAA)
        g_string_append (text, "AA");
      else if (vp_bcd_byte_decode (bytes[i], &digits))
        g_string_append_printf (text, "%02u", digits);
      else
        {
          set_not_bcd_error (error, bytes, n_bytes, i);
          g_string_free (text, TRUE);
          return NULL;
        }
    }
  return g_string_free (text, FALSE);
}

static int
hex_nibble (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c == 'A' || c == 'a')
    return 0xA;
  return -1;
}

gboolean
vp_bcd_from_digits (const char  *digits,
                    guint8      *out,
                    gsize        n_bytes,
                    GError     **error)
{
  g_autofree guint8 *buffer = NULL;
  gsize len;

  g_return_val_if_fail (digits != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (n_bytes >= 1, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  len = strlen (digits);
  if (len == 0 || len > 2 * n_bytes)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” must have 1 to %u digits"), digits, (guint) (2 * n_bytes));
      return FALSE;
    }

  buffer = g_malloc0 (n_bytes);
  /* Walk from the last (lowest) digit; byte i holds digits 2i (low) and 2i+1 (high). */
  for (gsize k = 0; k < len; k++)
    {
      char c = digits[len - 1 - k];
      int nibble = hex_nibble (c);

      if (nibble < 0)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("“%s” may only contain digits (and AA for wildcard bytes)"), digits);
          return FALSE;
        }
      buffer[k / 2] |= (guint8) (k % 2 == 0 ? nibble : nibble << 4);
    }

  /* "A" is only meaningful as a whole wildcard byte AA. */
  for (gsize i = 0; i < n_bytes; i++)
    {
      gboolean low_a = (buffer[i] & 0x0F) == 0xA;
      gboolean high_a = (buffer[i] >> 4) == 0xA;

      if (low_a != high_a)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("“%s”: “A” may only appear as a whole “AA” byte"), digits);
          return FALSE;
        }
    }

  memcpy (out, buffer, n_bytes);
  return TRUE;
}

char *
vp_bcd_format_scaled (gint64 value,
                      guint  scale)
{
  guint64 magnitude;
  guint64 divisor;
  g_autofree char *fraction = NULL;

  g_return_val_if_fail (scale <= 18, NULL);

  magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  if (scale == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, value < 0 ? "-" : "", magnitude);

  divisor = (guint64) powers_of_ten[scale];
  fraction = g_strdup_printf ("%0*" G_GUINT64_FORMAT, (int) scale, magnitude % divisor);
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%s", value < 0 ? "-" : "",
                          magnitude / divisor, fraction);
}

gboolean
vp_bcd_parse_scaled (const char  *text,
                     guint        scale,
                     gint64      *out_value,
                     GError     **error)
{
  const char *p = text;
  gboolean negative = FALSE;
  guint64 magnitude = 0;
  guint n_int_digits = 0;
  guint n_decimals = 0;
  gboolean seen_point = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (scale <= 18, FALSE);
  g_return_val_if_fail (out_value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  for (; *p != '\0'; p++)
    {
      if (*p == '.' && !seen_point)
        {
          seen_point = TRUE;
          continue;
        }
      if (*p < '0' || *p > '9')
        goto bad;
      if (seen_point)
        {
          if (++n_decimals > scale)
            {
              g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                           _("“%s” has more than %u decimals"), text, scale);
              return FALSE;
            }
        }
      else
        n_int_digits++;
      if (magnitude > ((guint64) G_MAXINT64 - (guint64) (*p - '0')) / 10)
        goto too_big;
      magnitude = magnitude * 10 + (guint64) (*p - '0');
    }

  if (n_int_digits + n_decimals == 0)
    goto bad;

  for (; n_decimals < scale; n_decimals++)
    {
      if (magnitude > (guint64) G_MAXINT64 / 10)
        goto too_big;
      magnitude *= 10;
    }

  *out_value = negative ? -(gint64) magnitude : (gint64) magnitude;
  return TRUE;

bad:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a decimal number"), text);
  return FALSE;

too_big:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("“%s” is too large"), text);
  return FALSE;
}

/* ---- Clock fields ---------------------------------------------------------------- */

gboolean
vp_bcd_time_decode (const guint8  *bytes,
                    const char    *layout,
                    VpBcdTime     *out_time,
                    GError       **error)
{
  VpBcdTime t = { 0, };
  guint century = 20;
  guint year_in_century = 0;
  gsize n = strlen (layout);

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (layout != NULL, FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  t.weekday = -1;
  for (gsize i = 0; i < n; i++)
    {
      guint v;

      if (!vp_bcd_byte_decode (bytes[i], &v))
        {
          set_not_bcd_error (error, bytes, n, i);
          return FALSE;
        }
      switch (layout[i])
        {
        case 's': t.second = v; t.has_time = TRUE; break;
        case 'm': t.minute = v; t.has_time = TRUE; break;
        case 'h': t.hour = v; t.has_time = TRUE; break;
        case 'D': t.day = v; t.has_date = TRUE; break;
        case 'M': t.month = v; t.has_date = TRUE; break;
        case 'Y': year_in_century = v; t.has_date = TRUE; break;
        case 'C': century = v; break;
        case 'W': t.weekday = (gint) v; break;
        default:
          g_return_val_if_reached (FALSE);
        }
    }
  if (t.has_date)
    t.year = century * 100 + year_in_century;

  *out_time = t;
  return TRUE;
}

gboolean
vp_bcd_time_encode (const VpBcdTime *time,
                    const char      *layout,
                    guint8          *out,
                    GError         **error)
{
  gsize n;
  gboolean has_century;
  g_autofree guint8 *buffer = NULL;

  g_return_val_if_fail (time != NULL, FALSE);
  g_return_val_if_fail (layout != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = strlen (layout);
  has_century = strchr (layout, 'C') != NULL;
  buffer = g_malloc0 (n + 1);

  for (gsize i = 0; i < n; i++)
    {
      guint v = 0;
      guint max = 99;

      switch (layout[i])
        {
        case 's': v = time->second; max = 59; break;
        case 'm': v = time->minute; max = 59; break;
        case 'h': v = time->hour; max = 23; break;
        case 'D': v = time->day; max = 31; break;
        case 'M': v = time->month; max = 12; break;
        case 'Y':
          v = has_century ? time->year % 100 : time->year - 2000;
          if (!has_century && (time->year < 2000 || time->year > 2099))
            v = 100;
          break;
        case 'C': v = time->year / 100; break;
        case 'W':
          v = time->weekday < 0 ? 100 : (guint) time->weekday;
          max = 6;
          break;
        default:
          g_return_val_if_reached (FALSE);
        }
      if (v > max)
        {
          g_autofree char *iso = vp_bcd_time_to_iso8601 (time);

          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("The time %s cannot be sent to a meter"), iso);
          return FALSE;
        }
      buffer[i] = vp_bcd_byte_encode (v);
    }

  memcpy (out, buffer, n);
  return TRUE;
}

gboolean
vp_bcd_time_is_valid (const VpBcdTime *time)
{
  g_return_val_if_fail (time != NULL, FALSE);

  if (!time->has_date && !time->has_time)
    return FALSE;
  if (time->has_date
      && (time->year < 1 || time->year > 9999 || !g_date_valid_dmy (time->day, time->month, time->year)))
    return FALSE;
  if (time->has_time && (time->hour > 23 || time->minute > 59 || time->second > 59))
    return FALSE;
  return TRUE;
}

char *
vp_bcd_time_to_iso8601 (const VpBcdTime *time)
{
  g_return_val_if_fail (time != NULL, NULL);

  if (time->has_date && time->has_time)
    return g_strdup_printf ("%04u-%02u-%02uT%02u:%02u:%02u", time->year, time->month,
                            time->day, time->hour, time->minute, time->second);
  if (time->has_date)
    return g_strdup_printf ("%04u-%02u-%02u", time->year, time->month, time->day);
  return g_strdup_printf ("%02u:%02u:%02u", time->hour, time->minute, time->second);
}

/* GDate counts Monday = 1 … Sunday = 7; DL/T 645 has Sunday = 0. */
static gint
weekday_of (guint year,
            guint month,
            guint day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return g_date_get_weekday (&date) % 7;
}

static gboolean
parse_fixed_number (const char **p,
                    guint        n_digits,
                    guint       *out)
{
  guint v = 0;

  for (guint i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + (guint) ((*p)[i] - '0');
    }
  *p += n_digits;
  *out = v;
  return TRUE;
}

gboolean
vp_bcd_time_parse_iso8601 (const char *text,
                           VpBcdTime  *out_time,
                           GError    **error)
{
  VpBcdTime t = { 0, };
  const char *p = text;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_time != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  t.weekday = -1;
  /* A date starts with four digits and a dash; a time with two digits and a colon. */
  if (strlen (p) >= 10 && p[4] == '-')
    {
      if (!parse_fixed_number (&p, 4, &t.year) || *p++ != '-'
          || !parse_fixed_number (&p, 2, &t.month) || *p++ != '-'
          || !parse_fixed_number (&p, 2, &t.day))
        goto bad;
      t.has_date = TRUE;
      if (*p == 'T' || *p == ' ')
        p++;
      else if (*p != '\0')
        goto bad;
      else
        p = NULL;   /* date only */
    }
  if (p != NULL)
    {
      if (!parse_fixed_number (&p, 2, &t.hour) || *p++ != ':'
          || !parse_fixed_number (&p, 2, &t.minute) || *p++ != ':'
          || !parse_fixed_number (&p, 2, &t.second) || *p != '\0')
        goto bad;
      t.has_time = TRUE;
    }
  if (!vp_bcd_time_is_valid (&t))
    goto bad;
  if (t.has_date)
    t.weekday = weekday_of (t.year, t.month, t.day);

  *out_time = t;
  return TRUE;

bad:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a date or time (expected YYYY-MM-DDThh:mm:ss, YYYY-MM-DD or hh:mm:ss)"),
               text);
  return FALSE;
}

void
vp_bcd_time_from_date_time (VpBcdTime *out_time,
                            GDateTime *datetime)
{
  g_return_if_fail (out_time != NULL);
  g_return_if_fail (datetime != NULL);

  *out_time = (VpBcdTime) {
    .year = (guint) g_date_time_get_year (datetime),
    .month = (guint) g_date_time_get_month (datetime),
    .day = (guint) g_date_time_get_day_of_month (datetime),
    .hour = (guint) g_date_time_get_hour (datetime),
    .minute = (guint) g_date_time_get_minute (datetime),
    .second = (guint) g_date_time_get_second (datetime),
    .weekday = g_date_time_get_day_of_week (datetime) % 7,
    .has_date = TRUE,
    .has_time = TRUE,
  };
}

GDateTime *
vp_bcd_time_to_date_time (const VpBcdTime *time,
                          GTimeZone       *tz)
{
  g_autoptr(GTimeZone) local = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  if (!time->has_date || !vp_bcd_time_is_valid (time))
    return NULL;
  if (tz == NULL)
    tz = local = g_time_zone_new_local ();
  return g_date_time_new (tz, (gint) time->year, (gint) time->month, (gint) time->day,
                          (gint) time->hour, (gint) time->minute, (gdouble) time->second);
}
