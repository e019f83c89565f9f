/* test-frame-reader.c: finding frames in a byte stream, with noise and faults */
#include "config.h"

#include <string.h>

#include "vp-cjt188.h"
#include "vp-device-error.h"
#include "vp-dlt645.h"
#include "vp-frame-describe.h"
#include "vp-frame-reader.h"
#include "vp-test-frames.h"

/* PROTOCOLS.md vectors without their preamble. */
#define V4  "68 67 48 60 10 00 00 68 11 04 33 33 34 33 D1 16"
#define V5  "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16"
#define V6  "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16"
#define V11 "68 01 00 00 00 00 00 68 D1 01 35 D8 16"
#define V12 "68 01 00 00 00 00 00 68 14 0F 35 34 33 37 35 45 67 89 AB 89 67 45 63 53 43 0A 16"
#define W1  "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3D 16"
#define W2  "68 10 12 00 00 00 00 00 00 81 16 90 1F 00 10 00 10 00 2C 10 00 10 00 2C 00 00 " \
            "00 00 00 00 00 00 FF 67 16"
#define W5  "68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 55 32 16"

/* One event the reader should produce. */
typedef struct
{
  VpFrameReaderStatus status;
  const char         *frame;     /* FRAME: expected bytes */
  VpFrameProtocol     protocol;  /* FRAME */
  VpDeviceError       code;      /* ERROR */
} Event;

#define FRAME_645(f) { VP_FRAME_READER_FRAME, f, VP_FRAME_PROTOCOL_DLT645, 0 }
#define FRAME_188(f) { VP_FRAME_READER_FRAME, f, VP_FRAME_PROTOCOL_CJT188, 0 }
#define ERROR(c)     { VP_FRAME_READER_ERROR, NULL, 0, VP_DEVICE_ERROR_ ## c }
#define END          { VP_FRAME_READER_NEED_MORE, NULL, 0, 0 }

typedef struct
{
  const char      *name;
  VpFrameProtocol  protocol;
  const char      *stream;
  gboolean         end_input;   /* declare end of input after pushing */
  Event            events[8];   /* up to END */
} StreamCase;

static const StreamCase stream_cases[] = {
  { "preamble", VP_FRAME_PROTOCOL_AUTO, "FE FE FE FE " V4, FALSE,
    { FRAME_645 (V4), END } },
  { "many-preamble", VP_FRAME_PROTOCOL_DLT645, "FE FE FE FE FE FE FE FE FE FE FE " V5, FALSE,
    { FRAME_645 (V5), END } },
  { "garbage-between", VP_FRAME_PROTOCOL_AUTO, "00 11 22 FE " V5 " 33 44 FE FE " V6 " 16 16", FALSE,
    { FRAME_645 (V5), FRAME_645 (V6), END } },
  { "bad-checksum", VP_FRAME_PROTOCOL_DLT645,
    "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8B 16 " V5, FALSE,
    { ERROR (BAD_CHECKSUM), FRAME_645 (V5), END } },
  { "bad-end", VP_FRAME_PROTOCOL_DLT645,
    "FE FE 68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 17 FE " V5, FALSE,
    { ERROR (BAD_END), FRAME_645 (V5), END } },
  { "too-long", VP_FRAME_PROTOCOL_DLT645, "68 61 01 00 00 00 00 68 91 C9 " V5, FALSE,
    { ERROR (TOO_LONG), FRAME_645 (V5), END } },
  { "too-long-188", VP_FRAME_PROTOCOL_CJT188, "68 10 12 00 00 00 00 00 00 01 FF " W1, FALSE,
    { ERROR (TOO_LONG), FRAME_188 (W1), END } },
  /* A cut frame swallows the start of the next one; the checksum fails, and the
   * reader finds the next frame inside the bytes it already had. */
  { "cut-frame", VP_FRAME_PROTOCOL_DLT645, "68 61 01 00 00 00 00 68 91 08 33 " V5 " " V6, FALSE,
    { ERROR (BAD_CHECKSUM), FRAME_645 (V5), FRAME_645 (V6), END } },
  /* A corrupt L hides a good frame until the input ends. */
  { "hidden-by-long-l", VP_FRAME_PROTOCOL_DLT645, "68 61 01 00 00 00 00 68 91 40 " V5, TRUE,
    { ERROR (TRUNCATED), FRAME_645 (V5), END } },
  { "lone-start", VP_FRAME_PROTOCOL_AUTO, V5 " 68", TRUE,
    { FRAME_645 (V5), ERROR (TRUNCATED), END } },
  { "partial-at-end", VP_FRAME_PROTOCOL_AUTO, "FE FE 68 67 48 60 10 00 00 68 11 04 33", TRUE,
    { ERROR (TRUNCATED), END } },
  { "auto-mixed", VP_FRAME_PROTOCOL_AUTO,
    "FE FE FE " W2 " FE FE FE FE " V6 " 00 " W5 " " V11, FALSE,
    { FRAME_188 (W2), FRAME_645 (V6), FRAME_188 (W5), FRAME_645 (V11), END } },
  { "645-only-refuses-188", VP_FRAME_PROTOCOL_DLT645, W1 " " V5, FALSE,
    { ERROR (MALFORMED), FRAME_645 (V5), END } },
  /* The 645 frame's second 68 is followed by 11, a plausible water meter type: that
   * candidate waits for its L bytes, and W1 comes out once the input ends. */
  { "188-only-refuses-645", VP_FRAME_PROTOCOL_CJT188, V4 " " W1, TRUE,
    { ERROR (MALFORMED), ERROR (TRUNCATED), FRAME_188 (W1), END } },
  /* A CJ/T 188 address with digits "68" at offset 7 looks like a DL/T 645 start. */
  { "188-with-68-at-7", VP_FRAME_PROTOCOL_AUTO,
    "68 10 12 00 00 00 00 68 00 01 03 90 1F 00 A5 16 " V5, FALSE,
    { FRAME_188 ("68 10 12 00 00 00 00 68 00 01 03 90 1F 00 A5 16"), FRAME_645 (V5), END } },
};

/* Pull until NEED_MORE, appending what came out to @got (frames as "F:<hex>",
 * errors as "E:<code>"). */
static void
drain (VpFrameReader *reader,
       GPtrArray     *got)
{
  for (;;)
    {
      g_autoptr(GBytes) frame = NULL;
      g_autoptr(GError) error = NULL;
      VpFrameProtocol protocol = VP_FRAME_PROTOCOL_AUTO;
      VpFrameReaderStatus status = vp_frame_reader_pull (reader, &protocol, &frame, &error);

      switch (status)
        {
        case VP_FRAME_READER_NEED_MORE:
          g_assert_no_error (error);
          g_assert_null (frame);
          return;
        case VP_FRAME_READER_FRAME:
          {
            g_autofree char *text = vp_frame_format_hex (g_bytes_get_data (frame, NULL),
                                                         g_bytes_get_size (frame));

            g_assert_no_error (error);
            g_ptr_array_add (got, g_strdup_printf ("F%d:%s", protocol, text));
          }
          break;
        case VP_FRAME_READER_ERROR:
          g_assert_nonnull (error);
          g_assert_true (error->domain == VP_DEVICE_ERROR);
          g_assert_null (frame);
          g_ptr_array_add (got, g_strdup_printf ("E:%d", error->code));
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static GPtrArray *
expected_events (const StreamCase *c)
{
  GPtrArray *expected = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; c->events[i].status != VP_FRAME_READER_NEED_MORE; i++)
    {
      const Event *e = &c->events[i];

      if (e->status == VP_FRAME_READER_FRAME)
        {
          g_autoptr(GBytes) bytes = vp_test_hex (e->frame);
          g_autofree char *text = vp_frame_format_hex (g_bytes_get_data (bytes, NULL),
                                                       g_bytes_get_size (bytes));

          g_ptr_array_add (expected, g_strdup_printf ("F%d:%s", e->protocol, text));
        }
      else
        g_ptr_array_add (expected, g_strdup_printf ("E:%d", e->code));
    }
  return expected;
}

static void
assert_events (GPtrArray  *got,
               GPtrArray  *expected,
               const char *how)
{
  g_autofree char *got_text = NULL;
  g_autofree char *expected_text = NULL;

  g_ptr_array_add (got, NULL);
  g_ptr_array_add (expected, NULL);
  got_text = g_strjoinv ("\n  ", (char **) got->pdata);
  expected_text = g_strjoinv ("\n  ", (char **) expected->pdata);
  g_ptr_array_remove_index (got, got->len - 1);
  g_ptr_array_remove_index (expected, expected->len - 1);
  if (g_strcmp0 (got_text, expected_text) != 0)
    g_error ("%s:\n got\n  %s\n expected\n  %s", how, got_text, expected_text);
}

/* Feed @stream in chunks of @chunk bytes (0: all at once), draining after each. */
static void
run_case (const StreamCase *c,
          gsize             chunk)
{
  g_autoptr(VpFrameReader) reader = vp_frame_reader_new (c->protocol);
  g_autoptr(GBytes) stream = vp_test_hex (c->stream);
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) expected = expected_events (c);
  g_autofree char *how = g_strdup_printf ("%s, chunk %u", c->name, (guint) chunk);
  const guint8 *data = g_bytes_get_data (stream, NULL);
  gsize size = g_bytes_get_size (stream);

  for (gsize offset = 0; offset < size;)
    {
      gsize n = chunk == 0 ? size : MIN (chunk, size - offset);

      vp_frame_reader_push (reader, data + offset, n);
      offset += n;
      drain (reader, got);
    }
  if (c->end_input)
    {
      vp_frame_reader_end_input (reader);
      drain (reader, got);
      g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 0);
    }
  assert_events (got, expected, how);
}

static void
test_stream_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (stream_cases); i++)
    {
      g_test_message ("case %s", stream_cases[i].name);
      run_case (&stream_cases[i], 0);
      run_case (&stream_cases[i], 1);    /* byte by byte */
      run_case (&stream_cases[i], 3);
      run_case (&stream_cases[i], 7);
    }
}

static void
test_need_more (void)
{
  g_autoptr(VpFrameReader) reader = vp_frame_reader_new (VP_FRAME_PROTOCOL_AUTO);
  g_autoptr(GBytes) frame = vp_test_hex ("FE FE FE " V6);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data = g_bytes_get_data (frame, NULL);
  VpFrameProtocol protocol;

  g_assert_false (vp_frame_reader_in_frame (reader));
  /* Regression (fuzz-frame-reader): pulling from a reader that never held a byte
   * searched a NULL buffer. */
  g_assert_cmpint (vp_frame_reader_pull (reader, &protocol, &out, &error), ==,
                   VP_FRAME_READER_NEED_MORE);
  vp_frame_reader_push (reader, NULL, 0);
  vp_frame_reader_end_input (reader);
  g_assert_cmpint (vp_frame_reader_pull (reader, &protocol, &out, &error), ==,
                   VP_FRAME_READER_NEED_MORE);
  g_assert_no_error (error);
  vp_frame_reader_push (reader, data, 3);   /* preamble only: nothing kept */
  g_assert_cmpint (vp_frame_reader_pull (reader, &protocol, &out, &error), ==,
                   VP_FRAME_READER_NEED_MORE);
  g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 0);
  g_assert_false (vp_frame_reader_in_frame (reader));

  vp_frame_reader_push (reader, data + 3, 9);
  g_assert_cmpint (vp_frame_reader_pull (reader, &protocol, &out, &error), ==,
                   VP_FRAME_READER_NEED_MORE);
  g_assert_no_error (error);
  g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 9);
  g_assert_true (vp_frame_reader_in_frame (reader));

  vp_frame_reader_push (reader, data + 12, g_bytes_get_size (frame) - 12);
  g_assert_cmpint (vp_frame_reader_pull (reader, &protocol, &out, &error), ==,
                   VP_FRAME_READER_FRAME);
  g_assert_cmpint (protocol, ==, VP_FRAME_PROTOCOL_DLT645);
  g_assert_cmpuint (g_bytes_get_size (out), ==, 20);
  g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 0);
  g_assert_cmpuint (vp_frame_reader_get_discarded (reader), ==, 3);

  /* Noise left behind a pulled frame is not a frame start; a 68 behind it is. */
  {
    g_autoptr(GBytes) frame_and_noise = vp_test_hex (V5 " 11 22");
    g_autoptr(GBytes) first = NULL;

    vp_frame_reader_push (reader, g_bytes_get_data (frame_and_noise, NULL),
                          g_bytes_get_size (frame_and_noise));
    g_assert_cmpint (vp_frame_reader_pull (reader, &protocol, &first, &error), ==,
                     VP_FRAME_READER_FRAME);
    g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 2);
    g_assert_false (vp_frame_reader_in_frame (reader));
    vp_frame_reader_push (reader, data + 3, 1);
    g_assert_true (vp_frame_reader_in_frame (reader));
    vp_frame_reader_reset (reader);
  }

  /* Reset drops a half frame. */
  vp_frame_reader_push (reader, data + 3, 5);
  g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 5);
  vp_frame_reader_reset (reader);
  g_assert_cmpuint (vp_frame_reader_get_buffered (reader), ==, 0);
  g_assert_false (vp_frame_reader_in_frame (reader));

  /* Frames returned by the reader decode without error. */
  {
    VpDlt645Frame decoded;

    g_assert_true (vp_dlt645_frame_decode (g_bytes_get_data (out, NULL),
                                           g_bytes_get_size (out), &decoded, &error));
    g_assert_no_error (error);
  }
}

/* A long stream of every kind of frame with noise between them, fed in random
 * chunks and byte by byte: every good frame comes out, in order, and nothing else. */
static void
test_random_chunks (void)
{
  static const char *frames[] = { V4, V5, V6, V11, V12, W1, W2, W5 };
  /* Noise alphabet with start bytes in it, so false candidates are exercised too. */
  static const guint8 noise[] = { 0x00, 0x16, 0x68, 0xFE, 0x33, 0x10, 0x91, 0xAA, 0xFF, 0x68 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *noise_only = NULL;

  for (guint i = 0; i < 400; i++)
    {
      const char *f = frames[g_rand_int_range (rand, 0, G_N_ELEMENTS (frames))];
      g_autoptr(GBytes) bytes = vp_test_hex (f);
      guint n_noise = g_rand_int_range (rand, 0, 6);
      guint n_fe = g_rand_int_range (rand, 0, 5);
      g_autofree char *text = vp_frame_format_hex (g_bytes_get_data (bytes, NULL),
                                                   g_bytes_get_size (bytes));

      for (guint k = 0; k < n_noise; k++)
        g_byte_array_append (stream, &noise[g_rand_int_range (rand, 0, G_N_ELEMENTS (noise))], 1);
      for (guint k = 0; k < n_fe; k++)
        g_byte_array_append (stream, (const guint8 *) "\xFE", 1);
      g_byte_array_append (stream, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_ptr_array_add (expected, g_strdup_printf ("F%d:%s", f[3] == '1' && f[4] == '0'
                                                  ? VP_FRAME_PROTOCOL_CJT188
                                                  : VP_FRAME_PROTOCOL_DLT645, text));
    }

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(VpFrameReader) reader = vp_frame_reader_new (VP_FRAME_PROTOCOL_AUTO);
      g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) frames_got = g_ptr_array_new_with_free_func (g_free);
      guint n_errors = 0;

      for (guint offset = 0; offset < stream->len;)
        {
          guint n = round == 0 ? 1 : (guint) g_rand_int_range (rand, 1, 64);

          n = MIN (n, stream->len - offset);
          vp_frame_reader_push (reader, stream->data + offset, n);
          offset += n;
          drain (reader, got);
        }
      vp_frame_reader_end_input (reader);
      drain (reader, got);

      for (guint i = 0; i < got->len; i++)
        {
          const char *e = g_ptr_array_index (got, i);

          if (e[0] == 'F')
            g_ptr_array_add (frames_got, g_strdup (e));
          else
            n_errors++;
        }
      g_test_message ("round %u: %u frames, %u errors from noise", round, frames_got->len, n_errors);
      assert_events (frames_got, expected, "random chunks");
      g_assert_cmpuint (n_errors, >, 0);     /* the noise did contain false starts */
    }
}

static void
test_scan (void)
{
  g_autoptr(GBytes) w2 = vp_test_hex (W2);
  g_autoptr(GError) error = NULL;
  VpFrameProtocol protocol;
  const guint8 *data = g_bytes_get_data (w2, NULL);

  g_assert_cmpuint (vp_frame_scan (data, g_bytes_get_size (w2), VP_FRAME_PROTOCOL_AUTO,
                                   &protocol, &error), ==, g_bytes_get_size (w2));
  g_assert_cmpint (protocol, ==, VP_FRAME_PROTOCOL_CJT188);
  g_assert_cmpuint (vp_frame_scan (data, 5, VP_FRAME_PROTOCOL_AUTO, &protocol, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vp_frame_scan (data + 1, 5, VP_FRAME_PROTOCOL_AUTO, &protocol, &error), ==, 0);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);

  g_assert_cmpstr (vp_frame_protocol_to_string (VP_FRAME_PROTOCOL_CJT188), ==, "cjt188");
  g_assert_true (vp_frame_protocol_from_string ("dlt645", &protocol));
  g_assert_cmpint (protocol, ==, VP_FRAME_PROTOCOL_DLT645);
  g_assert_false (vp_frame_protocol_from_string ("modbus", &protocol));
}

static void
test_parse_hex (void)
{
  static const struct { const char *parts[3]; const char *hex; } good[] = {
    { { "68 16", NULL }, "68 16" },
    { { "6816", NULL }, "68 16" },
    { { "0x68 0x16", NULL }, "68 16" },
    { { "68:16-fe,FE", NULL }, "68 16 FE FE" },
    { { "6", "8 16" }, "68 16" },            /* pieces are joined before parsing */
    { { "  68\t16\n", NULL }, "68 16" },
    { { "00", NULL }, "00" },
  };
  static const struct { const char *text; const char *message; } bad[] = {
    { "68 1", "Odd" },
    { "", "No frame" },
    { "   ", "No frame" },
    { "68 ZZ", "“Z”" },
    /* Regression (fuzz-frame-describe): raw bytes quoted with %c made the message
     * invalid UTF-8. */
    { "\xFE\xFE", "0xFE" },
    { "68 ä", "0xC3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = vp_frame_parse_hex (good[i].parts, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = vp_frame_format_hex (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_assert_cmpstr (text, ==, good[i].hex);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *parts[] = { bad[i].text, NULL };
      g_autoptr(GError) error = NULL;

      g_assert_null (vp_frame_parse_hex (parts, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_nonnull (strstr (error->message, bad[i].message));
    }
}

/* The frame log line: hex + one-line summary, or hex + the reason it is bad. */
static void
test_describe_line (void)
{
  static const struct { const char *frame; const char *summary; } cases[] = {
    { "FE FE " V6, "dlt645 000000000161 read reply 00010000 energy.forward.total 0.26 kWh" },
    { V11, "dlt645 000000000001 read abnormal-reply errors=no-data" },
    { W2, "cjt188 00000000000012 read-data reply 901F metering-data 1000.10 m³ valve=open" },
    { W5, "cjt188 AAAAAAAAAAAAAA write A017 valve open" },
    { "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8B 16",
      "(bad frame: checksum is 0x8B, expected 0x8A)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = vp_test_hex (cases[i].frame);
      g_autofree char *line = vp_frame_describe_line (g_bytes_get_data (bytes, NULL),
                                                      g_bytes_get_size (bytes),
                                                      VP_FRAME_PROTOCOL_AUTO);
      g_autofree char *hex_text = vp_frame_format_hex (g_bytes_get_data (bytes, NULL),
                                                       g_bytes_get_size (bytes));

      g_test_message ("line: %s", line);
      g_assert_true (g_str_has_prefix (line, hex_text));
      g_assert_true (g_str_has_suffix (line, cases[i].summary));
    }
}

static void
test_describe_fields (void)
{
  g_autoptr(GBytes) bytes = vp_test_hex ("FE FE FE FE " V12);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpFrameDescription) d = NULL;
  g_autofree char *text = NULL;
  const VpFrameField *errors;
  static const char *order[] = { "protocol", "address", "control", "function", "reply",
                                 "abnormal", "follow_up", "errors", "di", "item", "label",
                                 "value", "password", "operator" };

  d = vp_frame_describe (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                         VP_FRAME_PROTOCOL_AUTO, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vp_frame_description_get_n_fields (d), ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (vp_frame_description_get_field (d, i)->key, ==, order[i]);
  g_assert_cmpstr (vp_frame_description_get_string (d, "value"), ==, "10:20:30");
  g_assert_false (vp_frame_description_get_boolean (d, "reply"));
  g_assert_null (vp_frame_description_get_string (d, "reply"));   /* not a string */
  g_assert_null (vp_frame_description_lookup (d, "valve"));
  errors = vp_frame_description_lookup (d, "errors");
  g_assert_cmpint (errors->type, ==, VP_FRAME_FIELD_STRV);
  g_assert_null (errors->strv[0]);
  text = vp_frame_description_to_text (d);
  g_assert_nonnull (strstr (text, "02:563412\n"));

  /* A block read (11 with N after the DI) describes its parameter as raw bytes. */
  {
    g_autoptr(GBytes) block_read = vp_test_hex ("68 01 00 00 00 00 00 68 11 05 33 33 34 33 38 EC 16");
    g_autoptr(VpFrameDescription) br = NULL;

    br = vp_frame_describe (g_bytes_get_data (block_read, NULL), g_bytes_get_size (block_read),
                            VP_FRAME_PROTOCOL_AUTO, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (vp_frame_description_get_string (br, "item"), ==, "energy.forward.total");
    g_assert_null (vp_frame_description_get_string (br, "value"));
    g_assert_cmpstr (vp_frame_description_get_string (br, "raw"), ==, "05");
  }

  /* Forcing the wrong protocol names the fault. */
  g_clear_pointer (&d, vp_frame_description_free);
  d = vp_frame_describe (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                         VP_FRAME_PROTOCOL_CJT188, &error);
  g_assert_null (d);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
}

/* Every DL/T 645 function, built by the codec, is described with its name and the
 * fields that matter to a technician. */
static void
test_describe_every_function (void)
{
  VpDlt645Address address, new_address;
  VpDlt645Password password, new_password;
  VpDlt645Operator operator_code;
  VpBcdTime when;
  VpDlt645Frame frames[16];
  guint n = 0;
  static const guint8 value[4] = { 0x26, 0, 0, 0 };
  static const struct { const char *function; const char *key; const char *value; } expect[] = {
    { "broadcast-time", "time", "2026-11-25T18:30:00" },
    { "read-follow-up", "seq", NULL },
    { "read", "values", NULL },                     /* B1 block reply with follow-up */
    { "read-follow-up", "value", "0.26" },
    { "write-address", "new_address", "000010604868" },
    { "freeze", "freeze", "99-01 00:00" },
    { "change-baud", "baud", NULL },
    { "change-password", "new_password", "04:123456" },
    { "clear-demand", "operator", "00000001" },
    { "clear-meter", "password", "04:000000" },
    { "clear-events", "di", "FFFFFFFF" },
    { "control", "action", "keep-power" },
    { "control", "errors", NULL },                  /* 9C ack */
  };
  g_autoptr(GError) error = NULL;
  guint8 block[20] = { 0 };

  g_assert_true (vp_dlt645_address_parse ("000010604867", &address, NULL));
  g_assert_true (vp_dlt645_address_parse ("000010604868", &new_address, NULL));
  g_assert_true (vp_dlt645_password_parse ("04:000000", &password, NULL));
  g_assert_true (vp_dlt645_password_parse ("04:123456", &new_password, NULL));
  g_assert_true (vp_dlt645_operator_parse ("1", &operator_code, NULL));
  g_assert_true (vp_bcd_time_parse_iso8601 ("2026-11-25T18:30:00", &when, NULL));

  g_assert_true (vp_dlt645_build_broadcast_time (&frames[n++], &when, &error));
  vp_dlt645_build_read_follow_up (&frames[n++], &address, 0x0001FF00, 1);
  g_assert_true (vp_dlt645_build_read_reply (&frames[n++], &address, 0x0001FF00, block, 20, TRUE,
                                             &error));
  g_assert_true (vp_dlt645_build_read_follow_up_reply (&frames[n++], &address, 0x00010000, value,
                                                       4, 1, FALSE, &error));
  vp_dlt645_build_write_address (&frames[n++], &new_address);
  g_assert_true (vp_dlt645_build_freeze (&frames[n++], &address, 0, 0, 1, 99, &error));
  vp_dlt645_build_change_baud (&frames[n++], &address, VP_DLT645_BAUD_9600);
  vp_dlt645_build_change_password (&frames[n++], &address, &password, &new_password);
  vp_dlt645_build_clear (&frames[n++], &address, VP_DLT645_FUNCTION_CLEAR_DEMAND, &password,
                         &operator_code);
  vp_dlt645_build_clear (&frames[n++], &address, VP_DLT645_FUNCTION_CLEAR_METER, &password,
                         &operator_code);
  vp_dlt645_build_clear_events (&frames[n++], &address, &password, &operator_code, 0xFFFFFFFF);
  g_assert_true (vp_dlt645_build_control (&frames[n++], &address, &password, &operator_code,
                                          VP_DLT645_CONTROL_ACTION_KEEP_POWER, &when, &error));
  g_assert_true (vp_dlt645_build_reply (&frames[n++], &address, VP_DLT645_FUNCTION_CONTROL, FALSE,
                                        NULL, 0, &error));
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expect));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) bytes = vp_dlt645_frame_encode (&frames[i], 4);
      g_autoptr(VpFrameDescription) d = NULL;
      const VpFrameField *field;

      d = vp_frame_describe (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                             VP_FRAME_PROTOCOL_DLT645, &error);
      g_assert_no_error (error);
      g_test_message ("%s", expect[i].function);
      g_assert_cmpstr (vp_frame_description_get_string (d, "function"), ==, expect[i].function);
      field = vp_frame_description_lookup (d, expect[i].key);
      g_assert_nonnull (field);
      if (expect[i].value != NULL)
        g_assert_cmpstr (field->string, ==, expect[i].value);
    }
  g_assert_null (vp_frame_describe (NULL, 0, VP_FRAME_PROTOCOL_AUTO, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TRUNCATED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/frame-reader/stream-cases", test_stream_cases);
  g_test_add_func ("/vp/frame-reader/need-more", test_need_more);
  g_test_add_func ("/vp/frame-reader/random-chunks", test_random_chunks);
  g_test_add_func ("/vp/frame-reader/scan", test_scan);
  g_test_add_func ("/vp/frame-describe/parse-hex", test_parse_hex);
  g_test_add_func ("/vp/frame-describe/line", test_describe_line);
  g_test_add_func ("/vp/frame-describe/fields", test_describe_fields);
  g_test_add_func ("/vp/frame-describe/every-function", test_describe_every_function);

  return g_test_run ();
}
