/* test-bcd.c: packed BCD numbers, digits, scaled decimals and clock fields */
#include "config.h"

#include <string.h>

#include "vp-bcd.h"
#include "vp-device-error.h"

typedef struct
{
  const char *hex;        /* wire order */
  gboolean    is_signed;
  gint64      value;
} NumberCase;

static const NumberCase number_cases[] = {
  { "00", FALSE, 0 },
  { "99", FALSE, 99 },
  { "26000000", FALSE, 26 },             /* vector 6: 000000.26 kWh */
  { "56341200", FALSE, 123456 },         /* vector 7: 001234.56 kWh */
  { "0122", FALSE, 2201 },               /* vector 10: 220.1 V */
  { "99999999", FALSE, 99999999 },
  { "341280", TRUE, -1234 },             /* -1.234 A: sign in the top bit */
  { "341200", TRUE, 1234 },
  { "010080", TRUE, -1 },
  { "999979", TRUE, 799999 },            /* largest signed 3-byte value */
  { "999999", TRUE, -199999 },          /* top byte 0x99: sign + digits 19 */
  { "9999999999999999", FALSE, G_GINT64_CONSTANT (9999999999999999) },
};

static void
hex_to_bytes (const char *hex,
              guint8     *out,
              gsize      *out_len)
{
  gsize n = strlen (hex) / 2;

  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4
                       | g_ascii_xdigit_value (hex[2 * i + 1]));
  *out_len = n;
}

static void
test_numbers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (number_cases); i++)
    {
      const NumberCase *c = &number_cases[i];
      guint8 bytes[16], encoded[16];
      gsize n;
      gint64 value = 0;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %s", c->hex);
      hex_to_bytes (c->hex, bytes, &n);
      g_assert_true (vp_bcd_decode (bytes, n, c->is_signed, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, c->value);

      /* 0x99 top byte read as signed is -199999; re-encoding gives 0x99 again. */
      g_assert_true (vp_bcd_encode (c->value, c->is_signed, encoded, n, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (encoded, n, bytes, n);
    }
}

static void
test_bad_nibbles (void)
{
  static const char *bad[] = { "0A", "A0", "F0", "000000FF", "1A", "3A00" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint8 bytes[8];
      gsize n;
      gint64 value = 42;
      g_autoptr(GError) error = NULL;

      hex_to_bytes (bad[i], bytes, &n);
      g_assert_false (vp_bcd_is_valid (bytes, n));
      g_assert_false (vp_bcd_decode (bytes, n, FALSE, &value, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
      g_assert_cmpint (value, ==, 42);
    }

  /* Signed: the sign bit is not a nibble error, but 0x8A still is. */
  {
    guint8 bytes[] = { 0x00, 0x8A };
    gint64 value;
    g_autoptr(GError) error = NULL;

    g_assert_false (vp_bcd_decode (bytes, 2, TRUE, &value, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
  }
}

static void
test_encode_limits (void)
{
  guint8 out[4] = { 0x11, 0x22, 0x33, 0x44 };
  g_autoptr(GError) error = NULL;

  g_assert_false (vp_bcd_encode (100, FALSE, out, 1, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (out[0], ==, 0x11);   /* untouched on failure */

  g_assert_false (vp_bcd_encode (-1, FALSE, out, 2, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Signed 1 byte: 0..79 fit, 80 does not (the top bit is the sign). */
  g_assert_true (vp_bcd_encode (79, TRUE, out, 1, &error));
  g_assert_cmpuint (out[0], ==, 0x79);
  g_assert_true (vp_bcd_encode (-79, TRUE, out, 1, &error));
  g_assert_cmpuint (out[0], ==, 0xF9);
  g_assert_false (vp_bcd_encode (80, TRUE, out, 1, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (vp_bcd_encode (100000000, FALSE, out, 4, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* -0 is plain 0. */
  g_assert_true (vp_bcd_encode (0, TRUE, out, 2, &error));
  g_assert_cmpuint (out[0], ==, 0);
  g_assert_cmpuint (out[1], ==, 0);
}

static void
test_digits (void)
{
  guint8 bytes[7];
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  static const guint8 meter[] = { 0x67, 0x48, 0x60, 0x10, 0x00, 0x00 };

  g_assert_true (vp_bcd_from_digits ("000010604867", bytes, 6, &error));
  g_assert_cmpmem (bytes, 6, meter, 6);
  text = vp_bcd_to_digits (bytes, 6, &error);
  g_assert_cmpstr (text, ==, "000010604867");
  g_clear_pointer (&text, g_free);

  /* Short input is padded with leading zeros. */
  g_assert_true (vp_bcd_from_digits ("161", bytes, 6, &error));
  text = vp_bcd_to_digits (bytes, 6, &error);
  g_assert_cmpstr (text, ==, "000000000161");
  g_clear_pointer (&text, g_free);

  g_assert_true (vp_bcd_from_digits ("aaaa10604867", bytes, 6, &error));
  text = vp_bcd_to_digits (bytes, 6, &error);
  g_assert_cmpstr (text, ==, "AAAA10604867");
  g_clear_pointer (&text, g_free);

  g_assert_false (vp_bcd_from_digits ("1234567890123", bytes, 6, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_bcd_from_digits ("12x4", bytes, 6, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_bcd_from_digits ("A1", bytes, 6, &error));   /* half an AA */
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_bcd_from_digits ("", bytes, 6, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bytes[0] = 0x5B;
  g_assert_null (vp_bcd_to_digits (bytes, 1, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
}

static void
test_scaled (void)
{
  static const struct { gint64 value; guint scale; const char *text; } cases[] = {
    { 26, 2, "0.26" },
    { 2201, 1, "220.1" },
    { -1234, 3, "-1.234" },
    { -1, 4, "-0.0001" },
    { 0, 2, "0.00" },
    { 5, 0, "5" },
    { -5, 0, "-5" },
    { 123456, 2, "1234.56" },
    { G_MAXINT64, 18, "9.223372036854775807" },
    { G_MININT64 + 1, 2, "-92233720368547758.07" },
  };
  static const struct { const char *text; guint scale; gint64 value; } parses[] = {
    { "220.1", 1, 2201 },
    { "220", 1, 2200 },
    { "-1.5", 3, -1500 },
    { "+0.26", 2, 26 },
    { ".5", 1, 5 },
    { "7.", 2, 700 },
  };
  static const struct { const char *text; guint scale; } bad[] = {
    { "1.234", 2 },        /* more decimals than the field has: no silent rounding */
    { "", 2 },
    { "-", 2 },
    { ".", 2 },
    { "1,5", 1 },
    { "1.2.3", 2 },
    { "12a", 0 },
    { "99999999999999999999", 0 },
    { "92233720368547758.08", 2 },
    { "9999999999999999999", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = vp_bcd_format_scaled (cases[i].value, cases[i].scale);
      gint64 back;
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_true (vp_bcd_parse_scaled (text, cases[i].scale, &back, &error));
      g_assert_no_error (error);
      g_assert_cmpint (back, ==, cases[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (parses); i++)
    {
      gint64 value;
      g_autoptr(GError) error = NULL;

      g_assert_true (vp_bcd_parse_scaled (parses[i].text, parses[i].scale, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, parses[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 value = 77;
      g_autoptr(GError) error = NULL;

      g_test_message ("bad %s", bad[i].text);
      g_assert_false (vp_bcd_parse_scaled (bad[i].text, bad[i].scale, &value, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
      g_assert_cmpint (value, ==, 77);
    }
}

static void
test_time (void)
{
  /* 2017-06-05 10:22:51 as ss mm hh DD MM YY (DL/T 645 08 and 1C). */
  static const guint8 wire[] = { 0x51, 0x22, 0x10, 0x05, 0x06, 0x17 };
  static const guint8 date_wire[] = { 0x01, 0x05, 0x06, 0x17 };   /* Monday */
  static const guint8 cjt_wire[] = { 0x51, 0x22, 0x10, 0x05, 0x06, 0x17, 0x20 };
  VpBcdTime t;
  guint8 out[8];
  g_autoptr(GError) error = NULL;
  g_autofree char *iso = NULL;
  g_autoptr(GDateTime) dt = NULL;

  g_assert_true (vp_bcd_time_decode (wire, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, &t, &error));
  g_assert_true (vp_bcd_time_is_valid (&t));
  iso = vp_bcd_time_to_iso8601 (&t);
  g_assert_cmpstr (iso, ==, "2017-06-05T10:22:51");
  g_assert_true (vp_bcd_time_encode (&t, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, out, &error));
  g_assert_cmpmem (out, 6, wire, 6);
  g_clear_pointer (&iso, g_free);

  g_assert_true (vp_bcd_time_decode (cjt_wire, VP_BCD_TIME_LAYOUT_CJT188, &t, &error));
  iso = vp_bcd_time_to_iso8601 (&t);
  g_assert_cmpstr (iso, ==, "2017-06-05T10:22:51");
  g_clear_pointer (&iso, g_free);

  /* Date item: weekday is carried and recomputed by the parser. */
  g_assert_true (vp_bcd_time_parse_iso8601 ("2017-06-05", &t, &error));
  g_assert_cmpint (t.weekday, ==, 1);
  g_assert_false (t.has_time);
  g_assert_true (vp_bcd_time_encode (&t, VP_BCD_TIME_LAYOUT_DLT645_DATE, out, &error));
  g_assert_cmpmem (out, 4, date_wire, 4);
  iso = vp_bcd_time_to_iso8601 (&t);
  g_assert_cmpstr (iso, ==, "2017-06-05");
  g_clear_pointer (&iso, g_free);

  g_assert_true (vp_bcd_time_parse_iso8601 ("10:20:30", &t, &error));
  g_assert_false (t.has_date);
  g_assert_true (vp_bcd_time_encode (&t, VP_BCD_TIME_LAYOUT_DLT645_TIME, out, &error));
  g_assert_cmpuint (out[0], ==, 0x30);
  g_assert_cmpuint (out[1], ==, 0x20);
  g_assert_cmpuint (out[2], ==, 0x10);

  g_assert_true (vp_bcd_time_parse_iso8601 ("2026-11-25 18:04:46", &t, &error));
  dt = vp_bcd_time_to_date_time (&t, NULL);
  g_assert_nonnull (dt);
  g_assert_cmpint (g_date_time_get_hour (dt), ==, 18);
  vp_bcd_time_from_date_time (&t, dt);
  g_assert_cmpint (t.weekday, ==, 3);   /* a Wednesday */
  g_assert_cmpuint (t.year, ==, 2026);

  /* A clock never set sends zeros: BCD-valid, calendar-invalid. */
  {
    static const guint8 zeros[7] = { 0 };

    g_assert_true (vp_bcd_time_decode (zeros, VP_BCD_TIME_LAYOUT_CJT188, &t, &error));
    g_assert_false (vp_bcd_time_is_valid (&t));
    g_assert_null (vp_bcd_time_to_date_time (&t, NULL));
  }

  /* Bad input. */
  {
    static const char *bad[] = { "2017-13-01", "2017-02-30", "25:00:00", "10:60:00",
                                 "2017-06-05T", "2017/06/05", "10:20", "", "2017-06-05T10:20:30Z" };
    static const guint8 bad_wire[] = { 0x5A, 0x22, 0x10, 0x05, 0x06, 0x17 };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_test_message ("bad time %s", bad[i]);
        g_assert_false (vp_bcd_time_parse_iso8601 (bad[i], &t, &error));
        g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
        g_clear_error (&error);
      }
    g_assert_false (vp_bcd_time_decode (bad_wire, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, &t, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
    g_clear_error (&error);

    /* 1999 cannot go out as YY without a century byte. */
    g_assert_true (vp_bcd_time_parse_iso8601 ("1999-12-31T23:59:59", &t, &error));
    g_assert_false (vp_bcd_time_encode (&t, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, out, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/bcd/numbers", test_numbers);
  g_test_add_func ("/vp/bcd/bad-nibbles", test_bad_nibbles);
  g_test_add_func ("/vp/bcd/encode-limits", test_encode_limits);
  g_test_add_func ("/vp/bcd/digits", test_digits);
  g_test_add_func ("/vp/bcd/scaled", test_scaled);
  g_test_add_func ("/vp/bcd/time", test_time);

  return g_test_run ();
}
