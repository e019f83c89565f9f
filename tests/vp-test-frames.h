/* vp-test-frames.h: frames as hex text in codec tests */
#pragma once

#include <glib.h>

#include "vp-frame-describe.h"

/* @text ("68 AA … 16") as bytes; the test fails on bad hex. */
static inline GBytes *
vp_test_hex (const char *text)
{
  const char *parts[] = { text, NULL };
  g_autoptr(GError) error = NULL;
  GBytes *bytes = vp_frame_parse_hex (parts, &error);

  g_assert_no_error (error);
  return bytes;
}

/* Fail with both frames printed when @got is not @expected_hex. */
static inline void
vp_test_assert_bytes (GBytes     *got,
                      const char *expected_hex)
{
  g_autoptr(GBytes) expected = vp_test_hex (expected_hex);

  if (!g_bytes_equal (got, expected))
    {
      g_autofree char *got_hex = vp_frame_format_hex (g_bytes_get_data (got, NULL),
                                                      g_bytes_get_size (got));

      g_error ("frame differs:\n  got      %s\n  expected %s", got_hex, expected_hex);
    }
}
