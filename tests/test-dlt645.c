/* test-dlt645.c: DL/T 645-2007 frames, builders, parsers and the data item registry
 *
 * Every vector of shared/PROTOCOLS.md is decoded and rebuilt byte for byte.
 */
#include "config.h"

#include <string.h>

#include "vp-device-error.h"
#include "vp-dlt645.h"
#include "vp-dlt645-items.h"
#include "vp-frame-describe.h"
#include "vp-test-frames.h"

static void
decode_hex (const char    *text,
            VpDlt645Frame *frame)
{
  g_autoptr(GBytes) bytes = vp_test_hex (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_dlt645_frame_decode (g_bytes_get_data (bytes, NULL),
                                         g_bytes_get_size (bytes), frame, &error));
  g_assert_no_error (error);
}

static void
address_from (const char      *text,
              VpDlt645Address *address)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_dlt645_address_parse (text, address, &error));
  g_assert_no_error (error);
}

static void
assert_address (const VpDlt645Address *address,
                const char            *expected)
{
  g_autofree char *text = vp_dlt645_address_to_string (address);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_encodes_to (const VpDlt645Frame *frame,
                   guint                n_preamble,
                   const char          *expected_hex)
{
  g_autoptr(GBytes) bytes = vp_dlt645_frame_encode (frame, n_preamble);

  vp_test_assert_bytes (bytes, expected_hex);
}

/* The value of a reply as the registry formats it. */
static char *
format_reply_value (const VpDlt645Frame *frame)
{
  VpDlt645Message m;
  const VpDlt645Item *item;
  g_autoptr(GError) error = NULL;
  char *value;

  g_assert_true (vp_dlt645_frame_parse (frame, &m, &error));
  g_assert_no_error (error);
  g_assert_true (m.has_di);
  item = vp_dlt645_item_lookup (m.di);
  g_assert_nonnull (item);
  value = vp_dlt645_item_format_value (item, m.value, m.n_value, &error);
  g_assert_no_error (error);
  return value;
}

/* Vectors 1-3: read address and its replies. */
static void
test_vectors_read_address (void)
{
  VpDlt645Frame frame, built;
  VpDlt645Message m;
  VpDlt645Address address;
  g_autoptr(GError) error = NULL;
  static const char *v1 = "FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16";
  static const char *v2 = "68 01 00 00 00 00 00 68 93 06 34 33 33 33 33 33 9D 16";
  static const char *v3 = "FE FE FE FE 68 67 48 60 10 00 00 68 93 06 9A 7B 93 43 33 33 D9 16";

  decode_hex (v1, &frame);
  g_assert_true (vp_dlt645_address_is_wildcard (&frame.address));
  g_assert_cmpuint (frame.control, ==, 0x13);
  g_assert_cmpuint (frame.length, ==, 0);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.function, ==, VP_DLT645_FUNCTION_READ_ADDRESS);
  g_assert_false (m.reply);
  vp_dlt645_build_read_address (&built);
  assert_encodes_to (&built, 4, v1);

  decode_hex (v2, &frame);
  assert_address (&frame.address, "000000000001");
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_true (m.reply);
  g_assert_true (m.has_new_address);
  assert_address (&m.new_address, "000000000001");
  address_from ("000000000001", &address);
  vp_dlt645_build_read_address_reply (&built, &address);
  assert_encodes_to (&built, 0, v2);

  decode_hex (v3, &frame);
  assert_address (&frame.address, "000010604867");
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  assert_address (&m.new_address, "000010604867");
  g_assert_true (vp_dlt645_check_reply (&frame, VP_DLT645_FUNCTION_READ_ADDRESS, NULL, &error));
  address_from ("000010604867", &address);
  vp_dlt645_build_read_address_reply (&built, &address);
  assert_encodes_to (&built, 4, v3);
}

typedef struct
{
  const char *hex;
  guint       n_preamble;
  const char *address;
  guint32     di;
} ReadCase;

/* Vectors 4, 5, 9: read requests. */
static void
test_vectors_read (void)
{
  static const ReadCase cases[] = {
    { "FE FE FE FE 68 67 48 60 10 00 00 68 11 04 33 33 34 33 D1 16", 4, "000010604867", 0x00010000 },
    { "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16", 0, "000000000161", 0x00010000 },
    { "68 AA AA AA AA AA AA 68 11 04 33 34 34 35 B1 16", 0, "AAAAAAAAAAAA", 0x02010100 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VpDlt645Frame frame, built;
      VpDlt645Message m;
      VpDlt645Address address;
      g_autoptr(GError) error = NULL;

      decode_hex (cases[i].hex, &frame);
      assert_address (&frame.address, cases[i].address);
      g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
      g_assert_cmpuint (m.function, ==, VP_DLT645_FUNCTION_READ);
      g_assert_true (m.has_di);
      g_assert_cmphex (m.di, ==, cases[i].di);
      g_assert_cmpuint (m.n_value, ==, 0);

      address_from (cases[i].address, &address);
      vp_dlt645_build_read (&built, &address, cases[i].di);
      assert_encodes_to (&built, cases[i].n_preamble, cases[i].hex);
    }
}

typedef struct
{
  const char *hex;
  guint       n_preamble;
  const char *address;
  guint32     di;
  const char *value;
} ReplyCase;

/* Vectors 6, 7, 8, 10: normal read replies, value text both ways. */
static void
test_vectors_read_reply (void)
{
  static const ReplyCase cases[] = {
    { "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16", 0, "000000000161",
      0x00010000, "0.26" },
    { "FE FE 68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16", 2, "123456789012",
      0x00010000, "1234.56" },
    { "68 01 72 00 72 00 00 68 91 08 33 33 34 33 33 33 33 33 E7 16", 0, "000072007201",
      0x00010000, "0.00" },
    { "FE FE FE FE 68 01 00 00 00 00 00 68 91 06 33 34 34 35 34 55 C1 16", 4, "000000000001",
      0x02010100, "220.1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VpDlt645Frame frame, built;
      VpDlt645Address address;
      g_autoptr(GByteArray) value = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      decode_hex (cases[i].hex, &frame);
      assert_address (&frame.address, cases[i].address);
      g_assert_true (vp_dlt645_frame_is_reply (&frame));
      g_assert_false (vp_dlt645_frame_is_abnormal (&frame));
      text = format_reply_value (&frame);
      g_assert_cmpstr (text, ==, cases[i].value);

      address_from (cases[i].address, &address);
      g_assert_true (vp_dlt645_check_reply (&frame, VP_DLT645_FUNCTION_READ, &address, &error));
      g_assert_true (vp_dlt645_item_encode_value (vp_dlt645_item_lookup (cases[i].di),
                                                  cases[i].value, value, &error));
      g_assert_true (vp_dlt645_build_read_reply (&built, &address, cases[i].di, value->data,
                                                 value->len, FALSE, &error));
      g_assert_no_error (error);
      assert_encodes_to (&built, cases[i].n_preamble, cases[i].hex);
    }
}

/* Vectors 11, 13, 14: abnormal replies and the write acknowledgement. */
static void
test_vectors_nak (void)
{
  static const char *v11 = "FE FE FE FE 68 01 00 00 00 00 00 68 D1 01 35 D8 16";
  static const char *v13 = "FE FE FE FE 68 01 00 00 00 00 00 68 94 00 65 16";
  static const char *v14 = "FE FE FE FE 68 01 00 00 00 00 00 68 D4 01 37 DD 16";
  VpDlt645Frame frame, built;
  VpDlt645Message m;
  VpDlt645Address address;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  address_from ("1", &address);

  decode_hex (v11, &frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_true (m.reply);
  g_assert_true (m.abnormal);
  g_assert_cmpuint (m.function, ==, VP_DLT645_FUNCTION_READ);
  g_assert_cmpuint (m.error_flags, ==, VP_DLT645_ERROR_NO_DATA);
  names = vp_dlt645_error_flags_to_strv (m.error_flags);
  g_assert_cmpstrv (names, ((const char *[]) { "no-data", NULL }));
  g_assert_false (vp_dlt645_check_reply (&frame, VP_DLT645_FUNCTION_READ, &address, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK_NO_DATA);
  g_clear_error (&error);
  vp_dlt645_build_abnormal_reply (&built, &address, VP_DLT645_FUNCTION_READ, VP_DLT645_ERROR_NO_DATA);
  assert_encodes_to (&built, 4, v11);

  decode_hex (v13, &frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.function, ==, VP_DLT645_FUNCTION_WRITE);
  g_assert_true (m.reply);
  g_assert_cmpuint (m.n_value, ==, 0);
  g_assert_true (vp_dlt645_check_reply (&frame, VP_DLT645_FUNCTION_WRITE, &address, &error));
  g_assert_true (vp_dlt645_build_reply (&built, &address, VP_DLT645_FUNCTION_WRITE, FALSE,
                                        NULL, 0, &error));
  assert_encodes_to (&built, 4, v13);

  decode_hex (v14, &frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.error_flags, ==, VP_DLT645_ERROR_PASSWORD);
  g_assert_false (vp_dlt645_check_reply (&frame, VP_DLT645_FUNCTION_WRITE, &address, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK_PASSWORD);
  g_assert_nonnull (strstr (error->message, "password"));
  g_clear_error (&error);
  vp_dlt645_build_abnormal_reply (&built, &address, VP_DLT645_FUNCTION_WRITE, VP_DLT645_ERROR_PASSWORD);
  assert_encodes_to (&built, 4, v14);
}

/* Vector 12: write time 10:20:30 with password 02:563412 and operator 12345678. */
static void
test_vector_write (void)
{
  static const char *v12 = "FE FE FE FE 68 01 00 00 00 00 00 68 14 0F 35 34 33 37 35 45 67 "
                           "89 AB 89 67 45 63 53 43 0A 16";
  VpDlt645Frame frame, built;
  VpDlt645Message m;
  VpDlt645Address address;
  VpDlt645Password password;
  VpDlt645Operator operator_code;
  g_autoptr(GByteArray) value = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *password_text = NULL;
  g_autofree char *operator_text = NULL;
  g_autofree char *value_text = NULL;

  decode_hex (v12, &frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.function, ==, VP_DLT645_FUNCTION_WRITE);
  g_assert_cmphex (m.di, ==, VP_DLT645_DI_TIME);
  g_assert_true (m.has_password);
  g_assert_cmpuint (m.password.level, ==, 0x02);
  g_assert_cmpuint (m.password.bytes[0], ==, 0x12);
  g_assert_cmpuint (m.password.bytes[1], ==, 0x34);
  g_assert_cmpuint (m.password.bytes[2], ==, 0x56);
  password_text = vp_dlt645_password_to_string (&m.password);
  g_assert_cmpstr (password_text, ==, "02:563412");
  operator_text = vp_dlt645_operator_to_string (&m.operator_code);
  g_assert_cmpstr (operator_text, ==, "12345678");
  value_text = vp_dlt645_item_format_value (vp_dlt645_item_lookup (m.di), m.value, m.n_value,
                                            &error);
  g_assert_cmpstr (value_text, ==, "10:20:30");

  address_from ("000000000001", &address);
  g_assert_true (vp_dlt645_password_parse ("02:563412", &password, &error));
  g_assert_true (vp_dlt645_password_equal (&password, &m.password));
  g_assert_true (vp_dlt645_operator_parse ("12345678", &operator_code, &error));
  g_assert_true (vp_dlt645_item_encode_value (vp_dlt645_item_lookup_name ("time"), "10:20:30",
                                              value, &error));
  g_assert_true (vp_dlt645_build_write (&built, &address, VP_DLT645_DI_TIME, &password,
                                        &operator_code, value->data, value->len, &error));
  g_assert_no_error (error);
  assert_encodes_to (&built, 4, v12);
}

/* Decode → parse → rebuild → encode must give the same bytes, for every function. */
static void
assert_round_trip (const VpDlt645Frame *frame)
{
  for (guint n_preamble = 0; n_preamble <= 4; n_preamble += 2)
    {
      g_autoptr(GBytes) bytes = vp_dlt645_frame_encode (frame, n_preamble);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) again = NULL;
      VpDlt645Frame decoded;
      VpDlt645Message m;

      g_assert_true (vp_dlt645_frame_decode (g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes), &decoded, &error));
      g_assert_no_error (error);
      g_assert_true (vp_dlt645_address_equal (&decoded.address, &frame->address));
      g_assert_cmpuint (decoded.control, ==, frame->control);
      g_assert_cmpmem (decoded.data, decoded.length, frame->data, frame->length);
      g_assert_true (vp_dlt645_frame_parse (&decoded, &m, &error));
      g_assert_no_error (error);
      again = vp_dlt645_frame_encode (&decoded, n_preamble);
      g_assert_true (g_bytes_equal (again, bytes));
    }
}

static void
test_round_trips (void)
{
  VpDlt645Address address, new_address;
  VpDlt645Password password, new_password;
  VpDlt645Operator operator_code;
  VpDlt645Frame frame;
  VpDlt645Message m;
  VpBcdTime when;
  g_autoptr(GError) error = NULL;
  static const guint8 value[] = { 0x26, 0x00, 0x00, 0x00 };

  address_from ("000010604867", &address);
  address_from ("000010604868", &new_address);
  g_assert_true (vp_dlt645_password_parse ("04:000000", &password, &error));
  g_assert_true (vp_dlt645_password_parse ("04:123456", &new_password, &error));
  g_assert_true (vp_dlt645_operator_parse ("1", &operator_code, &error));
  g_assert_true (vp_bcd_time_parse_iso8601 ("2026-11-25T18:30:00", &when, &error));

  /* 08 broadcast time */
  g_assert_true (vp_dlt645_build_broadcast_time (&frame, &when, &error));
  g_assert_true (vp_dlt645_address_is_broadcast (&frame.address));
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_true (m.has_time);
  g_assert_cmpuint (m.time.year, ==, 2026);
  g_assert_cmpuint (m.time.minute, ==, 30);

  /* 11 / 12 and their replies with follow-up */
  vp_dlt645_build_read (&frame, &address, VP_DLT645_DI_ENERGY_FORWARD_BLOCK);
  assert_round_trip (&frame);
  vp_dlt645_build_read_follow_up (&frame, &address, VP_DLT645_DI_ENERGY_FORWARD_BLOCK, 3);
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_true (m.has_seq);
  g_assert_cmpuint (m.seq, ==, 3);
  g_assert_true (vp_dlt645_build_read_reply (&frame, &address, 0x00010000, value, 4, TRUE, &error));
  g_assert_cmpuint (frame.control, ==, 0xB1);
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_build_read_follow_up_reply (&frame, &address, 0x00010000, value, 4,
                                                       3, FALSE, &error));
  g_assert_cmpuint (frame.control, ==, 0x92);
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.seq, ==, 3);
  g_assert_cmpmem (m.value, m.n_value, value, 4);
  g_assert_true (vp_dlt645_build_read_follow_up_reply (&frame, &address, 0x00010000, value, 4,
                                                       4, TRUE, &error));
  g_assert_cmpuint (frame.control, ==, 0xB2);

  /* 15 write address and its ack */
  vp_dlt645_build_write_address (&frame, &new_address);
  g_assert_true (vp_dlt645_address_is_wildcard (&frame.address));
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_true (vp_dlt645_address_equal (&m.new_address, &new_address));

  /* 16 freeze, periodic (99) and bad */
  g_assert_true (vp_dlt645_build_freeze (&frame, &address, 0, 0, 1, 99, &error));
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_true (m.has_freeze);
  g_assert_cmpuint (m.freeze_month, ==, 0x99);
  g_assert_cmpuint (m.freeze_day, ==, 0x01);
  g_assert_false (vp_dlt645_build_freeze (&frame, &address, 60, 0, 1, 1, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* 17 change baud and its reply */
  vp_dlt645_build_change_baud (&frame, &address, vp_dlt645_baud_from_rate (9600));
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (vp_dlt645_baud_to_rate (m.baud_code), ==, 9600);
  vp_dlt645_build_change_baud_reply (&frame, &address, VP_DLT645_BAUD_9600);
  g_assert_cmpuint (frame.control, ==, 0x97);
  assert_round_trip (&frame);
  g_assert_cmpuint (vp_dlt645_baud_from_rate (300), ==, 0);
  g_assert_cmpuint (vp_dlt645_baud_to_rate (0x06), ==, 0);

  /* 18 change password */
  vp_dlt645_build_change_password (&frame, &address, &password, &new_password);
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmphex (m.di, ==, 0x04000C05);   /* 04000C01 + level 04 */
  g_assert_true (vp_dlt645_password_equal (&m.password, &password));
  g_assert_true (vp_dlt645_password_equal (&m.new_password, &new_password));

  /* 19 / 1A / 1B clears */
  vp_dlt645_build_clear (&frame, &address, VP_DLT645_FUNCTION_CLEAR_DEMAND, &password, &operator_code);
  assert_round_trip (&frame);
  vp_dlt645_build_clear (&frame, &address, VP_DLT645_FUNCTION_CLEAR_METER, &password, &operator_code);
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmpuint (m.function, ==, VP_DLT645_FUNCTION_CLEAR_METER);
  g_assert_true (m.has_operator);
  vp_dlt645_build_clear_events (&frame, &address, &password, &operator_code, VP_DLT645_DI_ALL_EVENTS);
  assert_round_trip (&frame);
  g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
  g_assert_cmphex (m.di, ==, 0xFFFFFFFF);

  /* Acks of every function that has one. */
  {
    static const VpDlt645Function acked[] = {
      VP_DLT645_FUNCTION_WRITE, VP_DLT645_FUNCTION_WRITE_ADDRESS, VP_DLT645_FUNCTION_FREEZE,
      VP_DLT645_FUNCTION_CHANGE_PASSWORD, VP_DLT645_FUNCTION_CLEAR_DEMAND,
      VP_DLT645_FUNCTION_CLEAR_METER, VP_DLT645_FUNCTION_CLEAR_EVENTS, VP_DLT645_FUNCTION_CONTROL,
    };

    for (guint i = 0; i < G_N_ELEMENTS (acked); i++)
      {
        g_assert_true (vp_dlt645_build_reply (&frame, &address, acked[i], FALSE, NULL, 0, &error));
        g_assert_cmpuint (frame.control, ==, acked[i] | 0x80);
        assert_round_trip (&frame);
        g_assert_true (vp_dlt645_check_reply (&frame, acked[i], &address, &error));
        vp_dlt645_build_abnormal_reply (&frame, &address, acked[i], VP_DLT645_ERROR_OTHER);
        g_assert_cmpuint (frame.control, ==, acked[i] | 0xC0);
        assert_round_trip (&frame);
        g_assert_false (vp_dlt645_check_reply (&frame, acked[i], &address, &error));
        g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK);
        g_clear_error (&error);
      }
  }
}

/* 1C with every action: encode, decode, parse back action and expiry. */
static void
test_control_actions (void)
{
  static const struct { VpDlt645ControlAction action; const char *name; } actions[] = {
    { VP_DLT645_CONTROL_ACTION_TRIP, "trip" },
    { VP_DLT645_CONTROL_ACTION_CLOSE_ALLOW, "close-allow" },
    { VP_DLT645_CONTROL_ACTION_CLOSE, "close" },
    { VP_DLT645_CONTROL_ACTION_ALARM, "alarm" },
    { VP_DLT645_CONTROL_ACTION_ALARM_CLEAR, "alarm-clear" },
    { VP_DLT645_CONTROL_ACTION_KEEP_POWER, "keep-power" },
    { VP_DLT645_CONTROL_ACTION_KEEP_POWER_CLEAR, "keep-power-clear" },
  };
  VpDlt645Address address;
  VpDlt645Password password;
  VpDlt645Operator operator_code;
  VpBcdTime expiry;
  g_autoptr(GError) error = NULL;

  address_from ("000000000001", &address);
  g_assert_true (vp_dlt645_password_parse ("02:563412", &password, &error));
  g_assert_true (vp_dlt645_operator_parse ("12345678", &operator_code, &error));
  g_assert_true (vp_bcd_time_parse_iso8601 ("2017-06-05T10:22:51", &expiry, &error));

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      VpDlt645Frame frame;
      VpDlt645Message m;
      VpDlt645ControlAction parsed;
      g_autofree char *expiry_text = NULL;
      static const guint8 tail[] = { 0x00, 0x51, 0x22, 0x10, 0x05, 0x06, 0x17 };

      g_assert_cmpstr (vp_dlt645_control_action_to_string (actions[i].action), ==, actions[i].name);
      g_assert_true (vp_dlt645_control_action_from_string (actions[i].name, &parsed));
      g_assert_cmpuint (parsed, ==, actions[i].action);

      g_assert_true (vp_dlt645_build_control (&frame, &address, &password, &operator_code,
                                              actions[i].action, &expiry, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (frame.length, ==, 16);
      g_assert_cmpuint (frame.data[8], ==, actions[i].action);
      /* N2 = 00, then ss mm hh DD MM YY. */
      g_assert_cmpmem (frame.data + 9, 7, tail, 7);
      assert_round_trip (&frame);

      g_assert_true (vp_dlt645_frame_parse (&frame, &m, &error));
      g_assert_true (m.has_control);
      g_assert_cmpuint (m.action, ==, actions[i].action);
      g_assert_true (vp_dlt645_password_equal (&m.password, &password));
      expiry_text = vp_bcd_time_to_iso8601 (&m.expiry);
      g_assert_cmpstr (expiry_text, ==, "2017-06-05T10:22:51");
    }

  {
    VpDlt645Frame frame;
    VpDlt645ControlAction parsed;
    VpBcdTime time_only;

    g_assert_false (vp_dlt645_control_action_from_string ("explode", &parsed));
    g_assert_null (vp_dlt645_control_action_to_string (0x99));
    g_assert_false (vp_dlt645_build_control (&frame, &address, &password, &operator_code,
                                             0x99, &expiry, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    /* An expiry needs a date. */
    g_assert_true (vp_bcd_time_parse_iso8601 ("10:20:30", &time_only, &error));
    g_assert_false (vp_dlt645_build_control (&frame, &address, &password, &operator_code,
                                             VP_DLT645_CONTROL_ACTION_TRIP, &time_only, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  }
}

typedef struct
{
  const char   *name;
  const char   *hex;
  VpDeviceError code;
  const char   *message;   /* substring */
} BadCase;

static void
test_decode_errors (void)
{
  static const BadCase cases[] = {
    { "checksum", "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8B 16",
      VP_DEVICE_ERROR_BAD_CHECKSUM, "checksum is 0x8B, expected 0x8A" },
    { "end", "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 17",
      VP_DEVICE_ERROR_BAD_END, "end byte is 0x17, expected 0x16" },
    { "too-long", "68 61 01 00 00 00 00 68 91 C9 33", VP_DEVICE_ERROR_TOO_LONG, "201" },
    { "truncated-data", "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59",
      VP_DEVICE_ERROR_TRUNCATED, "needs 20" },
    { "truncated-header", "FE FE 68 61 01 00", VP_DEVICE_ERROR_TRUNCATED, "header" },
    { "only-preamble", "FE FE FE FE", VP_DEVICE_ERROR_TRUNCATED, "0x68" },
    { "no-second-68", "68 61 01 00 00 00 00 67 11 04 33 33 34 33 14 16",
      VP_DEVICE_ERROR_MALFORMED, "0x67" },
    { "bad-start", "69 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16",
      VP_DEVICE_ERROR_MALFORMED, "0x69" },
    { "trailing", "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16 00",
      VP_DEVICE_ERROR_MALFORMED, "1 unexpected" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = vp_test_hex (cases[i].hex);
      g_autoptr(GError) error = NULL;
      VpDlt645Frame frame = { .control = 0x42 };

      g_test_message ("case %s", cases[i].name);
      g_assert_false (vp_dlt645_frame_decode (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes), &frame, &error));
      g_assert_error (error, VP_DEVICE_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_cmpuint (frame.control, ==, 0x42);    /* untouched */
    }
}

/* Frames that are well delimited but whose L does not fit the function. */
static void
test_parse_errors (void)
{
  static const struct { guint8 control; guint8 length; } cases[] = {
    { 0x11, 3 },    /* read with 3 DI bytes */
    { 0x12, 4 },    /* follow-up without SEQ */
    { 0x13, 1 },
    { 0x14, 11 },   /* write without a full authorisation */
    { 0x15, 5 },
    { 0x16, 3 },
    { 0x17, 2 },
    { 0x18, 8 },
    { 0x19, 4 },
    { 0x1B, 8 },
    { 0x1C, 15 },
    { 0x08, 5 },
    { 0x91, 3 },
    { 0x92, 4 },
    { 0x93, 5 },
    { 0xD1, 0 },
    { 0xD1, 2 },
  };
  VpDlt645Address address;

  address_from ("1", &address);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VpDlt645Frame frame;
      VpDlt645Message m;
      g_autoptr(GError) error = NULL;

      g_test_message ("control %02X L %u", cases[i].control, cases[i].length);
      vp_dlt645_frame_init (&frame, &address, cases[i].control);
      memset (frame.data, 0x11, sizeof frame.data);
      frame.length = cases[i].length;
      g_assert_false (vp_dlt645_frame_parse (&frame, &m, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
    }

  /* A 1C whose expiry is not BCD, and a freeze that is not BCD. */
  {
    VpDlt645Frame frame;
    VpDlt645Message m;
    g_autoptr(GError) error = NULL;

    vp_dlt645_frame_init (&frame, &address, 0x1C);
    memset (frame.data, 0x00, 16);
    frame.data[12] = 0xAB;
    frame.length = 16;
    g_assert_false (vp_dlt645_frame_parse (&frame, &m, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
    g_clear_error (&error);

    vp_dlt645_frame_init (&frame, &address, 0x16);
    memset (frame.data, 0xFF, 4);
    frame.length = 4;
    g_assert_false (vp_dlt645_frame_parse (&frame, &m, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
  }

  /* Data limit. */
  {
    VpDlt645Frame frame;
    guint8 big[201] = { 0 };
    g_autoptr(GError) error = NULL;

    vp_dlt645_frame_init (&frame, &address, 0x91);
    g_assert_false (vp_dlt645_frame_append (&frame, big, sizeof big, &error));
    g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TOO_LONG);
    g_assert_cmpuint (frame.length, ==, 0);
    g_assert_true (vp_dlt645_frame_append (&frame, big, 200, NULL));
  }
}

static void
test_check_reply (void)
{
  VpDlt645Address asked, other, abbreviated;
  VpDlt645Frame reply;
  g_autoptr(GError) error = NULL;
  static const guint8 value[] = { 0x26, 0, 0, 0 };

  address_from ("000000000161", &asked);
  address_from ("000000000162", &other);
  address_from ("AAAAAAAA0161", &abbreviated);

  g_assert_true (vp_dlt645_build_read_reply (&reply, &other, 0x00010000, value, 4, FALSE, &error));
  g_assert_false (vp_dlt645_check_reply (&reply, VP_DLT645_FUNCTION_READ, &asked, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_ADDRESS);
  g_assert_nonnull (strstr (error->message, "000000000162"));
  g_clear_error (&error);
  /* Patterns do not pin the replying meter. */
  g_assert_true (vp_dlt645_check_reply (&reply, VP_DLT645_FUNCTION_READ, &abbreviated, &error));

  g_assert_false (vp_dlt645_check_reply (&reply, VP_DLT645_FUNCTION_WRITE, &other, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY);
  g_clear_error (&error);

  /* A request echoed back (e.g. a half-duplex echo) is not a reply. */
  vp_dlt645_build_read (&reply, &asked, 0x00010000);
  g_assert_false (vp_dlt645_check_reply (&reply, VP_DLT645_FUNCTION_READ, &asked, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY);
}

static void
test_addresses (void)
{
  static const struct { const char *text; const char *canonical; guint8 wire0; } good[] = {
    { "000010604867", "000010604867", 0x67 },
    { "10604867", "000010604867", 0x67 },
    { "161", "000000000161", 0x61 },
    { "AAAAAAAAAAAA", "AAAAAAAAAAAA", 0xAA },
    { "aaaaaaaaaaaa", "AAAAAAAAAAAA", 0xAA },
    { "999999999999", "999999999999", 0x99 },
    { "AAAA10604867", "AAAA10604867", 0x67 },
  };
  static const char *bad[] = {
    "", "1234567890123", "12345678901x", "AAAAAAAAAAA1", "0000AA000000", "-1", "12 34",
    "AAAAAAAAAAAAAA",
  };
  VpDlt645Address a, b;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (vp_dlt645_address_parse (good[i].text, &a, &error));
      g_assert_no_error (error);
      assert_address (&a, good[i].canonical);
      g_assert_cmpuint (a.bytes[0], ==, good[i].wire0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("bad address %s", bad[i]);
      g_assert_false (vp_dlt645_address_parse (bad[i], &a, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
    }

  address_from ("AAAAAAAAAAAA", &a);
  g_assert_true (vp_dlt645_address_is_wildcard (&a));
  g_assert_false (vp_dlt645_address_is_abbreviated (&a));
  g_assert_false (vp_dlt645_address_is_full (&a));
  address_from ("999999999999", &a);
  g_assert_true (vp_dlt645_address_is_broadcast (&a));
  g_assert_true (vp_dlt645_address_is_full (&a));
  address_from ("AAAA10604867", &a);
  g_assert_true (vp_dlt645_address_is_abbreviated (&a));
  g_assert_false (vp_dlt645_address_is_wildcard (&a));

  /* Matching: own address, wildcard, broadcast, abbreviated. */
  address_from ("000010604867", &b);
  g_assert_true (vp_dlt645_address_matches (&a, &b));
  g_assert_true (vp_dlt645_address_matches (&b, &b));
  vp_dlt645_address_init_wildcard (&a);
  g_assert_true (vp_dlt645_address_matches (&a, &b));
  vp_dlt645_address_init_broadcast (&a);
  g_assert_true (vp_dlt645_address_matches (&a, &b));
  address_from ("AAAA10604868", &a);
  g_assert_false (vp_dlt645_address_matches (&a, &b));
  address_from ("000010604868", &a);
  g_assert_false (vp_dlt645_address_matches (&a, &b));
}

static void
test_passwords (void)
{
  static const char *bad[] = { "563412", "2:56341", "10:123456", "02-563412", "02:56341A",
                               "02:5634120", ":563412", "02:", "x2:563412" };
  VpDlt645Password password;
  VpDlt645Operator operator_code;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (vp_dlt645_password_parse ("4:000001", &password, &error));
  g_assert_cmpuint (password.level, ==, 4);
  g_assert_cmpuint (password.bytes[0], ==, 0x01);
  text = vp_dlt645_password_to_string (&password);
  g_assert_cmpstr (text, ==, "04:000001");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("bad password %s", bad[i]);
      g_assert_false (vp_dlt645_password_parse (bad[i], &password, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  g_assert_false (vp_dlt645_operator_parse ("123456789", &operator_code, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_dlt645_operator_parse ("AA", &operator_code, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
}

static void
test_nak_mapping (void)
{
  static const struct { guint8 flags; VpDeviceError code; const char *names; } cases[] = {
    { 0x00, VP_DEVICE_ERROR_NAK, "" },
    { 0x01, VP_DEVICE_ERROR_NAK, "other" },
    { 0x02, VP_DEVICE_ERROR_NAK_NO_DATA, "no-data" },
    { 0x04, VP_DEVICE_ERROR_NAK_PASSWORD, "password" },
    { 0x06, VP_DEVICE_ERROR_NAK_PASSWORD, "no-data,password" },
    { 0x08, VP_DEVICE_ERROR_NAK, "baud" },
    { 0x70, VP_DEVICE_ERROR_NAK, "year-zones,day-slots,tariffs" },
    { 0x80, VP_DEVICE_ERROR_NAK, "reserved" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) names = vp_dlt645_error_flags_to_strv (cases[i].flags);
      g_autofree char *joined = g_strjoinv (",", names);

      vp_dlt645_set_nak_error (&error, cases[i].flags);
      g_assert_error (error, VP_DEVICE_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (joined, ==, cases[i].names);
    }
}

/* ---- Registry ----------------------------------------------------------------- */

static void
test_items_table (void)
{
  /* Every row of the PROTOCOLS.md table is known, by DI and by name. */
  static const guint32 required[] = {
    0x00000000, 0x00010000, 0x00010001, 0x00010002, 0x00010003, 0x00010004, 0x0001FF00,
    0x00020000, 0x02010100, 0x0201FF00, 0x02020100, 0x02030000, 0x04000101, 0x04000102,
    0x04000401, 0x04000501, 0x04000502, 0x04000503, 0x04000504, 0x04000505, 0x04000506,
    0x04000507, 0x040005FF, 0x00900200, 0x00900201, 0x00900100, 0x04001001, 0x04001002,
    0x04001003, 0x04001004, 0x04001005, 0x03330201,
  };
  const VpDlt645Item *all;
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const VpDlt645Item *item = vp_dlt645_item_lookup (required[i]);

      g_assert_nonnull (item);
      g_assert_true (vp_dlt645_item_lookup_name (item->name) == item);
      g_assert_nonnull (vp_dlt645_item_get_label (item));
    }
  g_assert_null (vp_dlt645_item_lookup (0x12345678));
  g_assert_null (vp_dlt645_item_lookup_name ("energy.nonsense"));

  all = vp_dlt645_items_get_all (&n);
  for (guint i = 1; i < n; i++)
    g_assert_cmphex (all[i - 1].di, <, all[i].di);   /* sorted for bsearch */
  for (guint i = 0; i < n; i++)
    for (const char *p = all[i].name; *p; p++)
      g_assert_true (g_ascii_isalnum (*p) || *p == '.' || *p == '-');

  g_assert_cmpuint (vp_dlt645_item_get_value_size (vp_dlt645_item_lookup (0x0001FF00)), ==, 20);
  g_assert_cmpuint (vp_dlt645_item_get_value_size (vp_dlt645_item_lookup (0x0201FF00)), ==, 6);
}

typedef struct
{
  guint32     di;
  const char *wire;    /* value bytes, 0x33 removed */
  const char *text;
} ValueCase;

static void
test_items_values (void)
{
  static const ValueCase cases[] = {
    { 0x00010000, "26 00 00 00", "0.26" },
    { 0x02010100, "01 22", "220.1" },
    { 0x02020100, "34 12 80", "-1.234" },          /* signed current */
    { 0x02020100, "00 50 00", "5.000" },
    { 0x02030000, "01 00 80", "-0.0001" },         /* signed power */
    { 0x02030000, "56 34 12", "12.3456" },
    { 0x0001FF00, "00 01 00 00 20 00 00 00 30 00 00 00 40 00 00 00 10 00 00 00",
      "1.00,0.20,0.30,0.40,0.10" },
    { 0x0201FF00, "01 22 02 22 03 22", "220.1,220.2,220.3" },
    { 0x04000101, "01 05 06 17", "2017-06-05" },
    { 0x04000102, "51 22 10", "10:22:51" },
    { 0x04000401, "67 48 60 10 00 00", "000010604867" },
    { 0x04000503, "10 10", "0x1010" },
    { 0x00900200, "50 12 00 00", "12.50" },
    { 0x03330201, "12 00", "12" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const VpDlt645Item *item = vp_dlt645_item_lookup (cases[i].di);
      g_autoptr(GBytes) wire = vp_test_hex (cases[i].wire);
      g_autoptr(GByteArray) encoded = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GBytes) encoded_bytes = NULL;

      g_test_message ("item %08X %s", cases[i].di, cases[i].text);
      text = vp_dlt645_item_format_value (item, g_bytes_get_data (wire, NULL),
                                          g_bytes_get_size (wire), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, cases[i].text);

      g_assert_true (vp_dlt645_item_encode_value (item, cases[i].text, encoded, &error));
      g_assert_no_error (error);
      encoded_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&encoded));
      g_assert_true (g_bytes_equal (encoded_bytes, wire));
    }
}

static void
test_items_bad_values (void)
{
  static const struct { guint32 di; const char *wire; } bad_wire[] = {
    { 0x00010000, "26 00 00" },            /* short */
    { 0x00010000, "2A 00 00 00" },         /* non-BCD */
    { 0x02020100, "34 12 8A" },            /* non-BCD after the sign bit */
    { 0x04000401, "67 48 60 10 00 AA" },   /* an address value is all digits */
    { 0x04000102, "60 22 1A" },
  };
  static const struct { const char *name; const char *text; } bad_text[] = {
    { "energy.forward.total", "1.234" },     /* 3 decimals for a 2-decimal field */
    { "energy.forward.total", "-1.00" },     /* unsigned */
    { "energy.forward.total", "1000000.00" },
    { "current.a", "800.000" },              /* signed 3 bytes: at most 799.999 */
    { "voltage.block", "220.1,220.2" },      /* 3 values needed */
    { "date", "10:20:30" },
    { "time", "2017-06-05" },
    { "time", "24:00:00" },
    { "status3", "0x10000" },
    { "status3", "x" },
    { "address", "AAAA10604867" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_wire); i++)
    {
      g_autoptr(GBytes) wire = vp_test_hex (bad_wire[i].wire);
      g_autoptr(GError) error = NULL;
      char *text;

      text = vp_dlt645_item_format_value (vp_dlt645_item_lookup (bad_wire[i].di),
                                          g_bytes_get_data (wire, NULL),
                                          g_bytes_get_size (wire), &error);
      g_assert_null (text);
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_text); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("bad %s = %s", bad_text[i].name, bad_text[i].text);
      g_assert_false (vp_dlt645_item_encode_value (vp_dlt645_item_lookup_name (bad_text[i].name),
                                                   bad_text[i].text, out, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
      g_assert_cmpuint (out->len, ==, 0);    /* nothing half-written */
    }
}

static void
test_items_numbers_and_di (void)
{
  const VpDlt645Item *item = vp_dlt645_item_lookup (0x0001FF00);
  static const guint8 block[20] = { 0x00, 0x01, 0, 0, 0x20, 0, 0, 0, 0x30, 0, 0, 0, 0x40, 0, 0, 0,
                                    0x10, 0, 0, 0 };
  gint64 number;
  guint32 di;
  guint8 out[4];
  g_autoptr(GError) error = NULL;
  g_autofree char *di_text = vp_dlt645_di_to_string (0x0001FF00);

  g_assert_true (vp_dlt645_item_decode_number (item, block, 20, 0, &number, &error));
  g_assert_cmpint (number, ==, 100);
  g_assert_true (vp_dlt645_item_decode_number (item, block, 20, 4, &number, &error));
  g_assert_cmpint (number, ==, 10);
  g_assert_true (vp_dlt645_item_encode_number (item, 100, out, &error));
  g_assert_cmpmem (out, 4, block, 4);

  item = vp_dlt645_item_lookup (VP_DLT645_DI_STATUS_3);
  g_assert_true (vp_dlt645_item_decode_number (item, (const guint8 *) "\x10\x12", 2, 0, &number, &error));
  g_assert_cmpint (number, ==, 0x1210);

  g_assert_cmpstr (di_text, ==, "0001FF00");
  g_assert_true (vp_dlt645_di_parse ("0x02010100", &di, &error));
  g_assert_cmphex (di, ==, 0x02010100);
  g_assert_true (vp_dlt645_di_parse_name_or_hex ("voltage.a", &di, &error));
  g_assert_cmphex (di, ==, 0x02010100);
  g_assert_true (vp_dlt645_di_parse_name_or_hex ("04000C01", &di, &error));
  g_assert_cmphex (di, ==, 0x04000C01);
  g_assert_false (vp_dlt645_di_parse ("0201010", &di, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_dlt645_di_parse ("0201010G", &di, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vp_dlt645_di_parse_name_or_hex ("energy.bogus", &di, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNKNOWN_ITEM);
}

static void
test_status3 (void)
{
  VpDlt645Status3 status;
  guint16 word;

  vp_dlt645_status3_decode (0x0000, &status);
  g_assert_false (status.relay_open);
  g_assert_false (status.keep_power);
  g_assert_cmpint (status.meter_type, ==, VP_DLT645_METER_TYPE_NOT_PREPAID);
  g_assert_cmpint (status.power_source, ==, VP_DLT645_POWER_SOURCE_MAIN);

  /* Relay open (bit 4), commanded open (6), pre-trip (7), money-prepaid (9), keep-power
   * (12), battery (bit 2). */
  word = (1 << 4) | (1 << 6) | (1 << 7) | (2 << 8) | (1 << 12) | (2 << 1);
  vp_dlt645_status3_decode (word, &status);
  g_assert_true (status.relay_open);
  g_assert_true (status.relay_command_open);
  g_assert_true (status.pre_trip_alarm);
  g_assert_cmpint (status.meter_type, ==, VP_DLT645_METER_TYPE_MONEY_PREPAID);
  g_assert_true (status.keep_power);
  g_assert_cmpint (status.power_source, ==, VP_DLT645_POWER_SOURCE_BATTERY);
  g_assert_cmpuint (vp_dlt645_status3_encode (&status), ==, word);
  g_assert_cmpstr (vp_dlt645_meter_type_to_string (status.meter_type), ==, "money-prepaid");
  g_assert_cmpstr (vp_dlt645_power_source_to_string (status.power_source), ==, "battery");

  vp_dlt645_status3_decode (1 << 8, &status);
  g_assert_cmpint (status.meter_type, ==, VP_DLT645_METER_TYPE_ENERGY_PREPAID);
  g_assert_false (status.relay_open);
  vp_dlt645_status3_decode (3 << 8, &status);
  g_assert_cmpstr (vp_dlt645_meter_type_to_string (status.meter_type), ==, "unknown");

  /* Bits we do not name are dropped on encode. */
  vp_dlt645_status3_decode (0x0001 | (1 << 4), &status);
  g_assert_cmpuint (vp_dlt645_status3_encode (&status), ==, 1 << 4);
}

static void
test_function_names (void)
{
  static const struct { guint code; const char *name; } names[] = {
    { 0x08, "broadcast-time" }, { 0x11, "read" }, { 0x12, "read-follow-up" },
    { 0x13, "read-address" }, { 0x14, "write" }, { 0x15, "write-address" },
    { 0x16, "freeze" }, { 0x17, "change-baud" }, { 0x18, "change-password" },
    { 0x19, "clear-demand" }, { 0x1A, "clear-meter" }, { 0x1B, "clear-events" },
    { 0x1C, "control" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (vp_dlt645_function_to_string (names[i].code), ==, names[i].name);
  g_assert_null (vp_dlt645_function_to_string (0x03));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/dlt645/vectors/read-address", test_vectors_read_address);
  g_test_add_func ("/vp/dlt645/vectors/read", test_vectors_read);
  g_test_add_func ("/vp/dlt645/vectors/read-reply", test_vectors_read_reply);
  g_test_add_func ("/vp/dlt645/vectors/nak", test_vectors_nak);
  g_test_add_func ("/vp/dlt645/vectors/write", test_vector_write);
  g_test_add_func ("/vp/dlt645/round-trips", test_round_trips);
  g_test_add_func ("/vp/dlt645/control-actions", test_control_actions);
  g_test_add_func ("/vp/dlt645/decode-errors", test_decode_errors);
  g_test_add_func ("/vp/dlt645/parse-errors", test_parse_errors);
  g_test_add_func ("/vp/dlt645/check-reply", test_check_reply);
  g_test_add_func ("/vp/dlt645/addresses", test_addresses);
  g_test_add_func ("/vp/dlt645/passwords", test_passwords);
  g_test_add_func ("/vp/dlt645/nak-mapping", test_nak_mapping);
  g_test_add_func ("/vp/dlt645/function-names", test_function_names);
  g_test_add_func ("/vp/dlt645/items/table", test_items_table);
  g_test_add_func ("/vp/dlt645/items/values", test_items_values);
  g_test_add_func ("/vp/dlt645/items/bad-values", test_items_bad_values);
  g_test_add_func ("/vp/dlt645/items/numbers-and-di", test_items_numbers_and_di);
  g_test_add_func ("/vp/dlt645/items/status3", test_status3);

  return g_test_run ();
}
