/* fuzz-frame-describe.c: describing any bytes as a frame, and parsing hex text */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vp-frame-describe.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(VpFrameDescription) description = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *text = NULL;

  description = vp_frame_describe (data, size, VP_FRAME_PROTOCOL_AUTO, &error);
  if (description == NULL)
    FUZZ_CHECK (error != NULL && error->domain == VP_DEVICE_ERROR && error->message[0] != '\0');
  else
    {
      g_autofree char *summary = vp_frame_description_to_line (description);
      g_autofree char *all = vp_frame_description_to_text (description);

      FUZZ_CHECK (g_utf8_validate (all, -1, NULL));
      FUZZ_CHECK (vp_frame_description_get_string (description, "protocol") != NULL);
      FUZZ_CHECK (vp_frame_description_lookup (description, "errors") != NULL);
    }
  line = vp_frame_describe_line (data, size, VP_FRAME_PROTOCOL_AUTO);
  FUZZ_CHECK (line != NULL && g_utf8_validate (line, -1, NULL));

  /* The same bytes as command-line text. */
  text = g_strndup ((const char *) data, size);
  {
    const char *parts[] = { text, NULL };
    g_autoptr(GError) hex_error = NULL;
    g_autoptr(GBytes) bytes = vp_frame_parse_hex (parts, &hex_error);

    FUZZ_CHECK ((bytes == NULL) != (hex_error == NULL));
    if (hex_error != NULL)
      FUZZ_CHECK (g_utf8_validate (hex_error->message, -1, NULL));
  }
  return 0;
}
