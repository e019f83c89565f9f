/* fuzz-frame-reader.c: the stream reader fed fuzzed bytes in fuzzed chunks
 *
 * Byte 0 picks the protocol, byte 1 the chunk size. Every frame handed out must
 * decode without error, the reader must never report NEED_MORE with a complete
 * frame buffered after end_input(), and it must end empty.
 */
#include "config.h"

#include "fuzz-common.h"
#include "vp-cjt188.h"
#include "vp-dlt645.h"
#include "vp-frame-reader.h"

static void
drain (VpFrameReader *reader)
{
  for (guint guard = 0; guard < 100000; guard++)
    {
      g_autoptr(GBytes) frame = NULL;
      g_autoptr(GError) error = NULL;
      VpFrameProtocol protocol;

      switch (vp_frame_reader_pull (reader, &protocol, &frame, &error))
        {
        case VP_FRAME_READER_NEED_MORE:
          FUZZ_CHECK (error == NULL && frame == NULL);
          return;
        case VP_FRAME_READER_ERROR:
          FUZZ_CHECK (error != NULL && error->domain == VP_DEVICE_ERROR && frame == NULL);
          break;
        case VP_FRAME_READER_FRAME:
          FUZZ_CHECK (error == NULL && frame != NULL);
          if (protocol == VP_FRAME_PROTOCOL_DLT645)
            {
              VpDlt645Frame f;

              FUZZ_CHECK (vp_dlt645_frame_decode (g_bytes_get_data (frame, NULL),
                                                  g_bytes_get_size (frame), &f, NULL));
            }
          else
            {
              VpCjt188Frame f;

              FUZZ_CHECK (protocol == VP_FRAME_PROTOCOL_CJT188);
              FUZZ_CHECK (vp_cjt188_frame_decode (g_bytes_get_data (frame, NULL),
                                                  g_bytes_get_size (frame), &f, NULL));
            }
          break;
        default:
          abort ();
        }
    }
  abort ();   /* pull() must make progress */
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(VpFrameReader) reader = NULL;
  gsize chunk;

  if (size < 2)
    return 0;
  reader = vp_frame_reader_new (data[0] % 3);
  chunk = 1 + data[1] % 32;
  data += 2;
  size -= 2;

  for (gsize offset = 0; offset < size; offset += chunk)
    {
      vp_frame_reader_push (reader, data + offset, MIN (chunk, size - offset));
      drain (reader);
    }
  vp_frame_reader_end_input (reader);
  drain (reader);
  FUZZ_CHECK (vp_frame_reader_get_buffered (reader) == 0);
  return 0;
}
