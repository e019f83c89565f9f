/* vp-frame-private.c: helpers shared by the DL/T 645 and CJ/T 188 codecs */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-bcd.h"
#include "vp-device-error.h"
#include "vp-frame-private.h"

/* Both protocols: optional FE bytes before the 68 (PROTOCOLS.md). */
#define PREAMBLE_BYTE 0xFE
#define END_BYTE      0x16

static guint8
sum_bytes (const guint8 *bytes,
           gsize         n_bytes)
{
  guint8 sum = 0;

  for (gsize i = 0; i < n_bytes; i++)
    sum += bytes[i];
  return sum;
}

const guint8 *
vp_frame_skip_preamble (const guint8 *bytes,
                        gsize        *n_bytes)
{
  while (*n_bytes > 0 && bytes[0] == PREAMBLE_BYTE)
    {
      bytes++;
      (*n_bytes)--;
    }
  return bytes;
}

gsize
vp_frame_scan_body (const guint8  *bytes,
                    gsize          n_bytes,
                    gsize          header_size,
                    guint          max_data,
                    GError       **error)
{
  guint length;
  gsize cs_index;

  if (n_bytes < header_size)
    return 0;
  length = bytes[header_size - 1];
  if (length > max_data)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TOO_LONG,
                   _("Data length is %u bytes; at most %u are allowed"), length, max_data);
      return 0;
    }
  /* CS and 16 follow the data. */
  if (n_bytes < header_size + length + 2)
    return 0;

  cs_index = header_size + length;
  if (!vp_frame_check_trailer (bytes, cs_index, error))
    return 0;
  return cs_index + 2;
}

GBytes *
vp_frame_encode (guint         n_preamble,
                 const guint8 *header,
                 gsize         header_size,
                 const guint8 *data,
                 gsize         n_data)
{
  GByteArray *out = g_byte_array_sized_new (n_preamble + header_size + n_data + 2);
  guint8 byte = PREAMBLE_BYTE;
  guint8 trailer[2];

  for (guint i = 0; i < n_preamble; i++)
    g_byte_array_append (out, &byte, 1);
  g_byte_array_append (out, header, header_size);
  g_byte_array_append (out, data, n_data);
  trailer[0] = sum_bytes (out->data + n_preamble, out->len - n_preamble);
  trailer[1] = END_BYTE;
  g_byte_array_append (out, trailer, 2);
  return g_byte_array_free_to_bytes (out);
}

const guint8 *
vp_frame_check_complete (const guint8  *bytes,
                         gsize          n_bytes,
                         gsize          header_size,
                         VpFrameScanFunc scan,
                         gsize         *out_size,
                         GError       **error)
{
  gsize size;

  bytes = vp_frame_skip_preamble (bytes, &n_bytes);
  if (n_bytes == 0)
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TRUNCATED,
                           _("No frame: the bytes end before a 0x68 start byte"));
      return NULL;
    }

  size = scan (bytes, n_bytes, error);
  if (size == 0)
    {
      if (error == NULL || *error == NULL)
        vp_frame_set_truncated_error (error, bytes, n_bytes, header_size);
      return NULL;
    }
  if (size < n_bytes)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("%u unexpected bytes after the end byte of the frame"),
                   (guint) (n_bytes - size));
      return NULL;
    }

  *out_size = size;
  return bytes;
}

void
vp_frame_set_truncated_error (GError       **error,
                              const guint8  *bytes,
                              gsize          n_bytes,
                              gsize          header_size)
{
  if (n_bytes >= header_size)
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TRUNCATED,
                 _("Frame is cut short: %u bytes, but its length byte needs %u"),
                 (guint) n_bytes, (guint) (header_size + 2 + bytes[header_size - 1]));
  else
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TRUNCATED,
                 _("Frame is cut short: %u bytes, the header alone has %u"),
                 (guint) n_bytes, (guint) header_size);
}

gboolean
vp_frame_check_trailer (const guint8  *frame_start,
                        gsize          cs_index,
                        GError       **error)
{
  guint8 expected = sum_bytes (frame_start, cs_index);

  if (frame_start[cs_index] != expected)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_BAD_CHECKSUM,
                   _("checksum is 0x%02X, expected 0x%02X"), frame_start[cs_index], expected);
      return FALSE;
    }
  if (frame_start[cs_index + 1] != END_BYTE)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_BAD_END,
                   _("end byte is 0x%02X, expected 0x16"), frame_start[cs_index + 1]);
      return FALSE;
    }
  return TRUE;
}


guint
vp_frame_address_count_wildcard (const guint8 *bytes,
                                 gsize         n_bytes,
                                 gboolean     *out_rest_is_bcd)
{
  guint n_aa = 0;

  while (n_aa < n_bytes && bytes[n_bytes - 1 - n_aa] == VP_FRAME_ADDRESS_WILDCARD_BYTE)
    n_aa++;
  *out_rest_is_bcd = vp_bcd_is_valid (bytes, n_bytes - n_aa);
  return n_aa;
}

gboolean
vp_frame_address_parse (const char  *text,
                        guint8      *out_bytes,
                        gsize        n_bytes,
                        GError     **error)
{
  g_autofree guint8 *bytes = g_malloc0 (n_bytes);
  gboolean rest_is_bcd = FALSE;

  /* AA is allowed only as whole high bytes (abbreviated) or everywhere (wildcard). */
  if (!vp_bcd_from_digits (text, bytes, n_bytes, NULL)
      || (vp_frame_address_count_wildcard (bytes, n_bytes, &rest_is_bcd), !rest_is_bcd))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a meter address (up to %u digits, high digit first; "
                     "AA only as leading wildcard bytes)"), text, (guint) (2 * n_bytes));
      return FALSE;
    }

  memcpy (out_bytes, bytes, n_bytes);
  return TRUE;
}

char *
vp_frame_address_to_string (const guint8 *bytes,
                            gsize         n_bytes)
{
  GString *text = g_string_sized_new (2 * n_bytes);

  for (gsize i = n_bytes; i-- > 0;)
    g_string_append_printf (text, "%02X", bytes[i]);
  return g_string_free (text, FALSE);
}

gboolean
vp_frame_address_matches (const guint8 *target,
                          const guint8 *meter,
                          gsize         n_bytes)
{
  gboolean rest_is_bcd;
  guint n_aa = vp_frame_address_count_wildcard (target, n_bytes, &rest_is_bcd);

  return memcmp (target, meter, n_bytes - n_aa) == 0;
}

const char *
vp_frame_name_lookup (const VpFrameName *table,
                      gsize              n_entries,
                      guint              code)
{
  for (gsize i = 0; i < n_entries; i++)
    if (table[i].code == code)
      return table[i].name;
  return NULL;
}

gboolean
vp_frame_name_find (const VpFrameName *table,
                    gsize              n_entries,
                    const char        *name,
                    guint             *out_code)
{
  for (gsize i = 0; i < n_entries; i++)
    if (g_str_equal (table[i].name, name))
      {
        *out_code = table[i].code;
        return TRUE;
      }
  return FALSE;
}
