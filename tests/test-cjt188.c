/* test-cjt188.c: CJ/T 188-2004 frames (vectors W1-W3, W5, W6 of shared/PROTOCOLS.md) */
#include "config.h"

#include <string.h>

#include "vp-cjt188.h"
#include "vp-device-error.h"
#include "vp-frame-describe.h"
#include "vp-test-frames.h"

static void
decode_hex (const char    *text,
            VpCjt188Frame *frame)
{
  g_autoptr(GBytes) bytes = vp_test_hex (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_cjt188_frame_decode (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), frame, &error));
  g_assert_no_error (error);
}

static void
assert_encodes_to (const VpCjt188Frame *frame,
                   guint                n_preamble,
                   const char          *expected_hex)
{
  g_autoptr(GBytes) bytes = vp_cjt188_frame_encode (frame, n_preamble);

  vp_test_assert_bytes (bytes, expected_hex);
}

static void
assert_address (const VpCjt188Address *address,
                const char            *expected)
{
  g_autofree char *text = vp_cjt188_address_to_string (address);

  g_assert_cmpstr (text, ==, expected);
}

static const char *w1 = "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3D 16";
static const char *w2 = "FE FE FE 68 10 12 00 00 00 00 00 00 81 16 90 1F 00 10 00 10 00 2C "
                        "10 00 10 00 2C 00 00 00 00 00 00 00 00 FF 67 16";
static const char *w3 = "FE FE FE 68 10 AA AA AA AA AA AA AA 03 03 81 0A 01 B0 16";
static const char *w5 = "68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 55 32 16";
static const char *w6 = "68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 99 76 16";

static void
test_vector_read (void)
{
  VpCjt188Frame frame, built;
  VpCjt188Message m;
  VpCjt188Address address;
  g_autoptr(GError) error = NULL;

  decode_hex (w1, &frame);
  g_assert_cmpuint (frame.type, ==, VP_CJT188_TYPE_COLD_WATER);
  assert_address (&frame.address, "00000000000012");
  g_assert_cmpuint (frame.control, ==, 0x01);
  g_assert_cmphex (vp_cjt188_frame_get_di (&frame), ==, 0x901F);
  g_assert_cmpuint (vp_cjt188_frame_get_ser (&frame), ==, 0);
  g_assert_true (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_false (m.reply);
  g_assert_false (m.has_meter_data);

  g_assert_true (vp_cjt188_address_parse ("12", &address, &error));
  vp_cjt188_build_read (&built, VP_CJT188_TYPE_COLD_WATER, &address, VP_CJT188_DI_READ_DATA, 0);
  assert_encodes_to (&built, 0, w1);
}

static void
test_vector_read_reply (void)
{
  VpCjt188Frame frame, built;
  VpCjt188Message m;
  VpCjt188MeterData data;
  g_autoptr(GError) error = NULL;
  g_autofree char *flow = NULL;

  decode_hex (w2, &frame);
  g_assert_true (vp_cjt188_meter_data_parse (&frame, &data, &error));
  g_assert_no_error (error);
  g_assert_cmpint (data.current_flow, ==, 100010);       /* 001000.10 */
  g_assert_cmpint (data.settlement_flow, ==, 100010);
  g_assert_cmpuint (data.current_unit, ==, VP_CJT188_UNIT_M3);
  g_assert_cmpstr (vp_cjt188_unit_to_string (data.current_unit), ==, "m³");
  g_assert_cmpuint (data.status[0], ==, 0x00);
  g_assert_cmpuint (data.status[1], ==, 0xFF);
  g_assert_cmpint (data.valve, ==, VP_CJT188_VALVE_OPEN);
  g_assert_false (data.battery_low);
  /* The capture's clock is all zeros: BCD-valid, no calendar date. */
  g_assert_false (vp_bcd_time_is_valid (&data.time));
  flow = vp_bcd_format_scaled (data.current_flow, 2);
  g_assert_cmpstr (flow, ==, "1000.10");

  g_assert_true (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_true (m.reply);
  g_assert_true (m.has_meter_data);
  g_assert_true (m.has_status);

  g_assert_true (vp_cjt188_build_read_data_reply (&built, frame.type, &frame.address, 0, &data,
                                                  &error));
  g_assert_no_error (error);
  assert_encodes_to (&built, 3, w2);
}

static void
test_vector_read_address (void)
{
  VpCjt188Frame frame, built;
  VpCjt188Message m;
  VpCjt188Address address;
  g_autoptr(GError) error = NULL;

  decode_hex (w3, &frame);
  g_assert_true (vp_cjt188_address_is_wildcard (&frame.address));
  g_assert_cmphex (vp_cjt188_frame_get_di (&frame), ==, VP_CJT188_DI_READ_ADDRESS);
  g_assert_cmpuint (vp_cjt188_frame_get_ser (&frame), ==, 1);
  g_assert_true (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.function, ==, VP_CJT188_FUNCTION_READ_ADDRESS);

  vp_cjt188_build_read_address (&built, VP_CJT188_TYPE_COLD_WATER, 1);
  assert_encodes_to (&built, 3, w3);

  /* The reply carries the meter's address in the header. */
  g_assert_true (vp_cjt188_address_parse ("12345678901234", &address, &error));
  vp_cjt188_build_read_address_reply (&built, VP_CJT188_TYPE_COLD_WATER, &address, 1);
  g_assert_cmpuint (built.control, ==, 0x83);
  {
    g_autoptr(GBytes) bytes = vp_cjt188_frame_encode (&built, 2);
    VpCjt188Frame back;

    g_assert_true (vp_cjt188_frame_decode (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), &back, &error));
    g_assert_true (vp_cjt188_address_equal (&back.address, &address));
    g_assert_cmpuint (back.address.bytes[0], ==, 0x34);   /* low byte first */
    g_assert_true (vp_cjt188_frame_parse (&back, &m, &error));
    g_assert_true (m.reply);
  }
}

static void
test_vector_valve (void)
{
  VpCjt188Frame frame, built;
  VpCjt188Message m;
  VpCjt188Address wildcard;
  g_autoptr(GError) error = NULL;

  vp_cjt188_address_init_wildcard (&wildcard);

  decode_hex (w5, &frame);
  g_assert_true (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_true (m.has_valve_command);
  g_assert_true (m.valve_open);
  vp_cjt188_build_valve (&built, VP_CJT188_TYPE_COLD_WATER, &wildcard, TRUE, 0);
  assert_encodes_to (&built, 0, w5);

  decode_hex (w6, &frame);
  g_assert_true (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_true (m.has_valve_command);
  g_assert_false (m.valve_open);
  vp_cjt188_build_valve (&built, VP_CJT188_TYPE_COLD_WATER, &wildcard, FALSE, 0);
  assert_encodes_to (&built, 0, w6);

  /* Reply C=84: DI + SER + ST; every valve state and the battery flag. */
  for (guint state = 0; state < 4; state++)
    for (guint battery = 0; battery < 2; battery++)
      {
        guint8 st[2];
        g_autoptr(GBytes) bytes = NULL;
        VpCjt188Frame back;

        vp_cjt188_status_encode (state, battery, st);
        vp_cjt188_build_valve_reply (&built, VP_CJT188_TYPE_COLD_WATER, &wildcard, 7, st);
        g_assert_cmpuint (built.control, ==, 0x84);
        bytes = vp_cjt188_frame_encode (&built, 3);
        g_assert_true (vp_cjt188_frame_decode (g_bytes_get_data (bytes, NULL),
                                               g_bytes_get_size (bytes), &back, &error));
        g_assert_true (vp_cjt188_frame_parse (&back, &m, &error));
        g_assert_true (m.has_status);
        g_assert_cmpuint (m.valve, ==, state);
        g_assert_cmpint (m.battery_low, ==, battery);
        g_assert_cmpuint (m.ser, ==, 7);
      }
  g_assert_cmpstr (vp_cjt188_valve_state_to_string (VP_CJT188_VALVE_CLOSED), ==, "closed");
  g_assert_cmpstr (vp_cjt188_valve_state_to_string (VP_CJT188_VALVE_ABNORMAL), ==, "abnormal");
}

static void
test_meter_data_round_trip (void)
{
  VpCjt188MeterData data = { 0, }, back;
  VpCjt188Frame frame, decoded;
  VpCjt188Address address;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *iso = NULL;

  g_assert_true (vp_cjt188_address_parse ("20260000001234", &address, &error));
  data.current_flow = 12345;
  data.current_unit = VP_CJT188_UNIT_M3;
  data.settlement_flow = 9999999;
  data.settlement_unit = VP_CJT188_UNIT_LITRE;
  g_assert_true (vp_bcd_time_parse_iso8601 ("2017-06-05T10:22:51", &data.time, &error));
  vp_cjt188_status_encode (VP_CJT188_VALVE_CLOSED, TRUE, data.status);

  g_assert_true (vp_cjt188_build_read_data_reply (&frame, VP_CJT188_TYPE_HOT_WATER, &address, 9,
                                                  &data, &error));
  bytes = vp_cjt188_frame_encode (&frame, 2);
  g_assert_true (vp_cjt188_frame_decode (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), &decoded, &error));
  g_assert_true (vp_cjt188_meter_data_parse (&decoded, &back, &error));
  g_assert_cmpint (back.current_flow, ==, 12345);
  g_assert_cmpint (back.settlement_flow, ==, 9999999);
  g_assert_cmpuint (back.settlement_unit, ==, VP_CJT188_UNIT_LITRE);
  g_assert_cmpint (back.valve, ==, VP_CJT188_VALVE_CLOSED);
  g_assert_true (back.battery_low);
  iso = vp_bcd_time_to_iso8601 (&back.time);
  g_assert_cmpstr (iso, ==, "2017-06-05T10:22:51");
  g_assert_cmpuint (decoded.type, ==, VP_CJT188_TYPE_HOT_WATER);

  /* Flow beyond 999999.99 cannot be sent. */
  data.current_flow = 100000000;
  g_assert_false (vp_cjt188_build_read_data_reply (&frame, VP_CJT188_TYPE_HOT_WATER, &address, 9,
                                                   &data, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Asking a read request for metering data is a caller error, named. */
  vp_cjt188_build_read (&frame, VP_CJT188_TYPE_COLD_WATER, &address, VP_CJT188_DI_READ_DATA, 0);
  g_assert_false (vp_cjt188_meter_data_parse (&frame, &back, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY);
}

/* Regression (fuzz-cjt188): a meter clock with day 80 is BCD but no date. The flow
 * still reads; only rebuilding such a reply is refused. */
static void
test_broken_clock (void)
{
  VpCjt188Frame frame, rebuilt;
  VpCjt188MeterData data;
  g_autoptr(GError) error = NULL;

  decode_hex ("FE 68 10 12 80 00 00 00 00 00 81 16 90 1F 00 10 00 10 00 2C 10 00 10 00 2C 00 00 "
              "00 80 00 00 00 00 FF 67 16", &frame);
  g_assert_true (vp_cjt188_meter_data_parse (&frame, &data, &error));
  g_assert_no_error (error);
  g_assert_cmpint (data.current_flow, ==, 100010);
  g_assert_cmpuint (data.time.day, ==, 80);
  g_assert_false (vp_bcd_time_is_valid (&data.time));
  g_assert_false (vp_cjt188_build_read_data_reply (&rebuilt, frame.type, &frame.address, 0, &data,
                                                   &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  const char   *name;
  const char   *hex;
  VpDeviceError code;
  const char   *message;
} BadCase;

static void
test_decode_errors (void)
{
  static const BadCase cases[] = {
    { "checksum", "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3E 16",
      VP_DEVICE_ERROR_BAD_CHECKSUM, "checksum is 0x3E, expected 0x3D" },
    { "end", "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3D 61",
      VP_DEVICE_ERROR_BAD_END, "end byte is 0x61" },
    { "too-long", "68 10 12 00 00 00 00 00 00 01 FF 90", VP_DEVICE_ERROR_TOO_LONG, "255" },
    { "truncated", "FE FE 68 10 12 00 00 00 00 00 00 01 03 90 1F", VP_DEVICE_ERROR_TRUNCATED,
      "needs 16" },
    { "type", "68 05 12 00 00 00 00 00 00 01 03 90 1F 00 32 16", VP_DEVICE_ERROR_MALFORMED,
      "0x05" },
    { "trailing", "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3D 16 16",
      VP_DEVICE_ERROR_MALFORMED, "1 unexpected" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = vp_test_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      VpCjt188Frame frame;

      g_test_message ("case %s", cases[i].name);
      g_assert_false (vp_cjt188_frame_decode (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes), &frame, &error));
      g_assert_error (error, VP_DEVICE_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_parse_errors (void)
{
  VpCjt188Address address;
  VpCjt188Frame frame;
  VpCjt188Message m;
  g_autoptr(GError) error = NULL;
  static const guint8 bad_command = 0x11;
  static const guint8 short_payload[5] = { 0 };

  vp_cjt188_address_init_wildcard (&address);

  /* Valve command neither 55 nor 99. */
  vp_cjt188_frame_init (&frame, 0x10, &address, 0x04, VP_CJT188_DI_VALVE, 0);
  vp_cjt188_frame_append (&frame, &bad_command, 1, NULL);
  g_assert_false (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* A 901F reply that is too short. */
  vp_cjt188_frame_init (&frame, 0x10, &address, 0x81, VP_CJT188_DI_READ_DATA, 0);
  vp_cjt188_frame_append (&frame, short_payload, sizeof short_payload, NULL);
  g_assert_false (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* No room for DI and SER. */
  vp_cjt188_frame_init (&frame, 0x10, &address, 0x01, VP_CJT188_DI_READ_DATA, 0);
  frame.length = 2;
  g_assert_false (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Abnormal reply: SER 01 + ST 07 00 (valve abnormal, battery low). */
  vp_cjt188_frame_init (&frame, 0x10, &address, 0xC1, 0x0107, 0x00);
  g_assert_true (vp_cjt188_frame_parse (&frame, &m, &error));
  g_assert_true (m.abnormal);
  g_assert_true (m.has_status);
  g_assert_cmpint (m.valve, ==, VP_CJT188_VALVE_ABNORMAL);
  g_assert_true (m.battery_low);
}

static void
test_addresses_and_types (void)
{
  static const struct { guint8 type; const char *name; } types[] = {
    { 0x10, "cold-water" }, { 0x11, "hot-water" }, { 0x12, "drinking-water" },
    { 0x13, "reclaimed-water" }, { 0x20, "heat" }, { 0x21, "cooling" },
    { 0x22, "heat-cooling" }, { 0x30, "gas" }, { 0xAA, "any" },
  };
  VpCjt188Address a, b;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      VpCjt188MeterType type;

      g_assert_cmpstr (vp_cjt188_meter_type_to_string (types[i].type), ==, types[i].name);
      g_assert_true (vp_cjt188_meter_type_from_string (types[i].name, &type));
      g_assert_cmpuint (type, ==, types[i].type);
      g_assert_true (vp_cjt188_meter_type_is_plausible (types[i].type));
    }
  g_assert_false (vp_cjt188_meter_type_is_plausible (0x68));
  g_assert_false (vp_cjt188_meter_type_is_plausible (0x1A));
  g_assert_false (vp_cjt188_meter_type_is_plausible (0x00));
  g_assert_null (vp_cjt188_meter_type_to_string (0x55));

  g_assert_true (vp_cjt188_address_parse ("12345678901234", &a, &error));
  g_assert_cmpuint (a.bytes[0], ==, 0x34);
  g_assert_cmpuint (a.bytes[6], ==, 0x12);
  g_assert_true (vp_cjt188_address_parse ("AAAAAA78901234", &b, &error));
  g_assert_true (vp_cjt188_address_matches (&b, &a));
  g_assert_false (vp_cjt188_address_matches (&a, &b));
  vp_cjt188_address_init_wildcard (&b);
  g_assert_true (vp_cjt188_address_matches (&b, &a));
  g_assert_false (vp_cjt188_address_parse ("123456789012345", &a, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/cjt188/vectors/read", test_vector_read);
  g_test_add_func ("/vp/cjt188/vectors/read-reply", test_vector_read_reply);
  g_test_add_func ("/vp/cjt188/vectors/read-address", test_vector_read_address);
  g_test_add_func ("/vp/cjt188/vectors/valve", test_vector_valve);
  g_test_add_func ("/vp/cjt188/meter-data-round-trip", test_meter_data_round_trip);
  g_test_add_func ("/vp/cjt188/broken-clock", test_broken_clock);
  g_test_add_func ("/vp/cjt188/decode-errors", test_decode_errors);
  g_test_add_func ("/vp/cjt188/parse-errors", test_parse_errors);
  g_test_add_func ("/vp/cjt188/addresses-and-types", test_addresses_and_types);

  return g_test_run ();
}
