/* fuzz-dlt645.c: DL/T 645 frame decode, parse, item formatting and re-encode */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vp-dlt645.h"
#include "vp-dlt645-items.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  VpDlt645Frame frame, again;
  VpDlt645Message m;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  const VpDlt645Item *item;

  if (!vp_dlt645_frame_decode (data, size, &frame, &error))
    {
      FUZZ_CHECK (error != NULL && error->domain == VP_DEVICE_ERROR);
      return 0;
    }

  /* A decoded frame encodes back to the same bytes (after the preamble). */
  encoded = vp_dlt645_frame_encode (&frame, 0);
  FUZZ_CHECK (g_bytes_get_size (encoded) <= size);
  FUZZ_CHECK (memcmp (g_bytes_get_data (encoded, NULL),
                      data + size - g_bytes_get_size (encoded), g_bytes_get_size (encoded)) == 0);
  FUZZ_CHECK (vp_dlt645_frame_decode (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                      &again, NULL));
  FUZZ_CHECK (again.length == frame.length && memcmp (again.data, frame.data, frame.length) == 0);

  if (!vp_dlt645_frame_parse (&frame, &m, &error))
    {
      FUZZ_CHECK (error != NULL);
      return 0;
    }
  FUZZ_CHECK (m.n_value <= frame.length);
  FUZZ_CHECK (m.value == NULL || (m.value >= frame.data && m.value + m.n_value <= frame.data + frame.length));

  if (m.abnormal)
    g_strfreev (vp_dlt645_error_flags_to_strv (m.error_flags));

  item = m.has_di ? vp_dlt645_item_lookup (m.di) : NULL;
  if (item != NULL && m.n_value > 0)
    {
      g_autoptr(GError) format_error = NULL;
      g_autofree char *text = vp_dlt645_item_format_value (item, m.value, m.n_value, &format_error);

      /* What the registry prints, it parses back to the same bytes. */
      if (text != NULL)
        {
          g_autoptr(GByteArray) back = g_byte_array_new ();
          g_autoptr(GError) encode_error = NULL;

          if (vp_dlt645_item_encode_value (item, text, back, &encode_error))
            FUZZ_CHECK (back->len == m.n_value);
        }
    }
  return 0;
}
