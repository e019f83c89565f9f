/* fuzz-cjt188.c: CJ/T 188 frame decode, parse and re-encode */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vp-cjt188.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  VpCjt188Frame frame, again;
  VpCjt188Message m;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;

  if (!vp_cjt188_frame_decode (data, size, &frame, &error))
    {
      FUZZ_CHECK (error != NULL && error->domain == VP_DEVICE_ERROR);
      return 0;
    }

  encoded = vp_cjt188_frame_encode (&frame, 0);
  FUZZ_CHECK (g_bytes_get_size (encoded) <= size);
  FUZZ_CHECK (memcmp (g_bytes_get_data (encoded, NULL),
                      data + size - g_bytes_get_size (encoded), g_bytes_get_size (encoded)) == 0);
  FUZZ_CHECK (vp_cjt188_frame_decode (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                      &again, NULL));

  if (!vp_cjt188_frame_parse (&frame, &m, &error))
    {
      FUZZ_CHECK (error != NULL);
      return 0;
    }
  if (m.has_meter_data)
    {
      VpCjt188Frame rebuilt;

      /* A parsed 901F reply rebuilds to the same frame; only a meter clock that is
       * no time at all (day 80 …) may be refused by the builder. */
      if (vp_cjt188_build_read_data_reply (&rebuilt, frame.type, &frame.address, m.ser,
                                           &m.meter_data, NULL))
        FUZZ_CHECK (rebuilt.length == frame.length
                    && memcmp (rebuilt.data, frame.data, frame.length) == 0);
      else
        FUZZ_CHECK (!vp_bcd_time_is_valid (&m.meter_data.time));
    }
  return 0;
}
