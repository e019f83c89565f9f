/* test-modem.c: SMS PDUs against hand-computed ones, and the AT dialogue against the
 * modem simulator on a real pty (devices/vp-modem.c, vp-modem-sim.c) */
#include "config.h"

#include <string.h>

#include "vp-device-error.h"
#include "vp-modem-sim.h"
#include "vp-modem.h"

static GPtrArray *
encode (const char *number,
        const char *text,
        guint8      reference)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *pdus = vp_sms_encode_submit (number, text, reference, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pdus);
  return pdus;
}

/* "hello" to 13800138000, worked out by hand from 3GPP TS 23.040 §9.2.2.2 / TS 23.038:
 *   00            SMSC length 0: use the SIM's SMS centre
 *   11            first octet: TP-MTI 01 (SUBMIT) | TP-VPF 10 (relative VP) = 0x11
 *   00            TP-MR, the modem fills it in
 *   0B 81         TP-DA: 11 digits, TON unknown / NPI ISDN (a national number)
 *   3108108300F0  1 3 8 0 0 1 3 8 0 0 0 as swapped semi-octets: 13→31 80→08 01→10
 *                 38→83 00→00 0F→F0 (odd count padded with F)
 *   00 00         TP-PID plain, TP-DCS GSM 7-bit default alphabet
 *   A7            TP-VP relative 167 = 12 h + (167 − 143) × 30 min = 24 h
 *   05            TP-UDL: 5 septets
 *   E8329BFD06    h=0x68 e=0x65 l=0x6C l=0x6C o=0x6F packed LSB first:
 *                 0x68 | (e & 1) << 7 = E8; e >> 1 | (l & 3) << 6 = 32;
 *                 l >> 2 | (l & 7) << 5 = 9B; l >> 3 | (o & 0xF) << 4 = FD; o >> 4 = 06
 * TPDU length (AT+CMGS=) = octets after the SMSC byte = 1+1+1+1+6+1+1+1+1+5 = 19. */
static void
test_pdu_ascii (void)
{
  g_autoptr(GPtrArray) pdus = encode ("13800138000", "hello", 0);
  VpSmsPdu *pdu = g_ptr_array_index (pdus, 0);

  g_assert_cmpuint (pdus->len, ==, 1);
  g_assert_cmpstr (pdu->hex, ==, "0011000B813108108300F00000A705E8329BFD06");
  g_assert_cmpuint (pdu->tpdu_length, ==, 19);
}

/* "你好" to +8613800138000:
 *   00 11 00      as above
 *   0D 91         13 digits, TON international / NPI ISDN (the "+")
 *   683108108300F0  86 13 80 01 38 00 0 → 68 31 08 10 83 00 F0
 *   00 08 A7      PID, DCS 08 = UCS-2, VP 24 h
 *   04            TP-UDL: 4 octets (UCS-2 counts octets)
 *   4F60 597D     你 U+4F60, 好 U+597D, big-endian
 * TPDU length = 1+1+1+1+7+1+1+1+1+4 = 19. */
static void
test_pdu_chinese (void)
{
  g_autoptr(GPtrArray) pdus = encode ("+8613800138000", "你好", 0);
  VpSmsPdu *pdu = g_ptr_array_index (pdus, 0);
  VpSmsSubmit submit;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (pdus->len, ==, 1);
  g_assert_cmpstr (pdu->hex, ==, "0011000D91683108108300F00008A7044F60597D");
  g_assert_cmpuint (pdu->tpdu_length, ==, 19);

  g_assert_true (vp_sms_decode_submit (pdu->hex, &submit, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (submit.number, ==, "+8613800138000");
  g_assert_cmpstr (submit.text, ==, "你好");
  g_assert_true (submit.ucs2);
  g_assert_cmpuint (submit.total, ==, 1);
  vp_sms_submit_clear (&submit);
}

/* Extension characters take two septets; '@' is septet 0; '`' is not in the GSM
 * alphabet, so the whole text goes as UCS-2. */
static void
test_pdu_alphabet (void)
{
  static const char *texts[] = { "a{b}@[x]~€|\\^", "余额不足 ¥12.30", "tick `x`", "😀 emoji" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) pdus = encode ("10086", texts[i], 0);
      g_autoptr(GError) error = NULL;
      VpSmsSubmit submit;

      g_assert_cmpuint (pdus->len, ==, 1);
      g_assert_true (vp_sms_decode_submit (((VpSmsPdu *) g_ptr_array_index (pdus, 0))->hex, &submit, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (submit.text, ==, texts[i]);
      g_assert_cmpstr (submit.number, ==, "10086");
      g_assert_cmpint (submit.ucs2, ==, i >= 1);
      vp_sms_submit_clear (&submit);
    }
}

/* Decodes every part, checks its sizes, and returns the joined text. */
static char *
join_parts (GPtrArray *pdus,
            guint8     reference)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < pdus->len; i++)
    {
      VpSmsPdu *pdu = g_ptr_array_index (pdus, i);
      g_autoptr(GError) error = NULL;
      VpSmsSubmit submit;

      /* 14 header octets for an 11-digit number, at most 140 of user data. */
      g_assert_cmpuint (pdu->tpdu_length, <=, 14 + 140);
      g_assert_cmpuint (strlen (pdu->hex), ==, 2 + 2 * pdu->tpdu_length);
      g_assert_true (vp_sms_decode_submit (pdu->hex, &submit, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (submit.reference, ==, reference);
      g_assert_cmpuint (submit.total, ==, pdus->len);
      g_assert_cmpuint (submit.seq, ==, i + 1);
      g_string_append (text, submit.text);
      vp_sms_submit_clear (&submit);
    }
  return g_string_free (text, FALSE);
}

static void
test_pdu_long (void)
{
  g_autoptr(GString) chinese = g_string_new (NULL);
  g_autoptr(GString) ascii = g_string_new (NULL);
  g_autoptr(GPtrArray) pdus = NULL;
  g_autofree char *joined = NULL;
  VpSmsPdu *pdu;

  /* 150 characters of Chinese: 67 + 67 + 16 UCS-2 units. */
  for (guint i = 0; i < 150; i++)
    g_string_append_unichar (chinese, 0x4E00 + i);
  pdus = encode ("13800138000", chinese->str, 0x42);
  g_assert_cmpuint (pdus->len, ==, 3);
  pdu = g_ptr_array_index (pdus, 0);
  /* 51 = SUBMIT | VPF relative | UDHI; UDL 0x8C = 6 header + 134 text octets;
   * UDH 05 00 03 <ref 42> <total 03> <seq 01>; then U+4E00. */
  g_assert_true (g_str_has_prefix (pdu->hex, "0051000B813108108300F00008A78C0500034203014E00"));
  g_assert_cmpuint (pdu->tpdu_length, ==, 14 + 140);
  joined = join_parts (pdus, 0x42);
  g_assert_cmpstr (joined, ==, chinese->str);
  g_clear_pointer (&pdus, g_ptr_array_unref);
  g_clear_pointer (&joined, g_free);

  /* 400 ASCII characters: 153 + 153 + 94 septets; UDL 0xA0 = 7 header septets + 153. */
  for (guint i = 0; i < 400; i++)
    g_string_append_c (ascii, 'a' + i % 26);
  pdus = encode ("13800138000", ascii->str, 7);
  g_assert_cmpuint (pdus->len, ==, 3);
  pdu = g_ptr_array_index (pdus, 0);
  g_assert_true (g_str_has_prefix (pdu->hex, "0051000B813108108300F00000A7A0050003070301"));
  joined = join_parts (pdus, 7);
  g_assert_cmpstr (joined, ==, ascii->str);
  g_clear_pointer (&pdus, g_ptr_array_unref);
  g_clear_pointer (&joined, g_free);

  /* An escape pair is never cut: 152 plain septets then "{" would end at 154. */
  g_string_truncate (ascii, 152);
  g_string_append (ascii, "{tail of the second part");
  pdus = encode ("13800138000", ascii->str, 9);
  g_assert_cmpuint (pdus->len, ==, 2);
  joined = join_parts (pdus, 9);
  g_assert_cmpstr (joined, ==, ascii->str);
}

static void
test_pdu_bad (void)
{
  static const char *numbers[] = { "", "12", "13800x38000", "+", "123456789012345678901" };
  g_autoptr(GError) error = NULL;
  VpSmsSubmit submit;

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_assert_null (vp_sms_encode_submit (numbers[i], "hi", 0, &error));
      g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  g_assert_null (vp_sms_encode_submit ("10086", "", 0, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (vp_sms_decode_submit ("0011000B813108108300F00000A705E8329BFD", &submit, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (vp_sms_decode_submit ("zz", &submit, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED);
}

typedef struct
{
  VpModemSim *sim;
  VpModem    *modem;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  f->sim = vp_modem_sim_new (&error);
  g_assert_no_error (error);
  uri = vp_modem_sim_get_uri (f->sim);
  f->modem = vp_modem_open (uri, NULL, &error);
  g_assert_no_error (error);
  vp_modem_set_timeouts (f->modem, 2000, 2000);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->modem, vp_modem_free);
  g_clear_pointer (&f->sim, vp_modem_sim_free);
}

static void
test_modem_send (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GString) long_text = g_string_new ("尊敬的用户：您的电费余额已低于报警值，");
  VpModemSimMessage *m;
  guint parts = 0;

  while (g_utf8_strlen (long_text->str, -1) < 200)
    g_string_append (long_text, "请及时到服务台或通过微信充值，以免停电。");

  g_assert_true (vp_modem_send_sms (f->modem, "13800138000", "Balance low: 12.30 yuan", &parts, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parts, ==, 1);
  g_assert_true (vp_modem_send_sms (f->modem, "+8613900139000", "余额不足，请充值", &parts, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_modem_send_sms (f->modem, "13800138000", long_text->str, &parts, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parts, ==, 4);   /* > 201 UTF-16 units: 67 × 3 = 201 */

  messages = vp_modem_sim_get_messages (f->sim);
  g_assert_cmpuint (messages->len, ==, 3);
  m = g_ptr_array_index (messages, 0);
  g_assert_cmpstr (m->number, ==, "13800138000");
  g_assert_cmpstr (m->text, ==, "Balance low: 12.30 yuan");
  g_assert_false (m->ucs2);
  m = g_ptr_array_index (messages, 1);
  g_assert_cmpstr (m->number, ==, "+8613900139000");
  g_assert_cmpstr (m->text, ==, "余额不足，请充值");
  g_assert_true (m->ucs2);
  m = g_ptr_array_index (messages, 2);
  g_assert_cmpstr (m->text, ==, long_text->str);
  g_assert_cmpuint (m->parts, ==, 4);
  g_assert_cmpuint (vp_modem_sim_get_pdu_count (f->sim), ==, 6);
}

static void
test_modem_errors (Fixture       *f,
                   gconstpointer  data)
{
  static const struct
  {
    const char   *line;
    VpModemError  code;
    gboolean      transient;
  } cases[] = {
    { "+CMS ERROR: 500", VP_MODEM_ERROR_UNKNOWN, TRUE },
    { "+CMS ERROR: 38", VP_MODEM_ERROR_NETWORK_OUT_OF_ORDER, TRUE },
    { "+CMS ERROR: 42", VP_MODEM_ERROR_CONGESTION, TRUE },
    { "+CMS ERROR: 331", VP_MODEM_ERROR_NO_NETWORK, TRUE },
    { "+CMS ERROR: 21", VP_MODEM_ERROR_REJECTED, FALSE },
    { "+CMS ERROR: 310", VP_MODEM_ERROR_NO_SIM, FALSE },
    { "+CME ERROR: 11", VP_MODEM_ERROR_SIM_PIN, FALSE },
    { "+CMS ERROR: 999", VP_MODEM_ERROR_FAILED, TRUE },
    { "ERROR", VP_MODEM_ERROR_FAILED, TRUE },
  };
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  guint parts = 99;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      vp_modem_sim_fail_sends (f->sim, cases[i].line, 1);
      g_assert_false (vp_modem_send_sms (f->modem, "13800138000", "测试", &parts, NULL, &error));
      g_assert_error (error, VP_MODEM_ERROR, (gint) cases[i].code);
      g_assert_cmpint (vp_modem_error_is_transient (error), ==, cases[i].transient);
      if (g_str_has_prefix (cases[i].line, "+"))
        g_assert_nonnull (strstr (error->message, cases[i].line));
      g_assert_cmpuint (parts, ==, 0);
      g_clear_error (&error);
    }
  g_assert_cmpuint (vp_modem_sim_get_failed_count (f->sim), ==, G_N_ELEMENTS (cases));

  /* After the failures the modem sends again; none of them reached the network. */
  g_assert_true (vp_modem_send_sms (f->modem, "13800138000", "ok", NULL, NULL, &error));
  g_assert_no_error (error);
  messages = vp_modem_sim_get_messages (f->sim);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpuint (vp_modem_sim_get_pdu_count (f->sim), ==, 1);
}

/* Part 2 of 3 refused: the send stops there and says one part went out. */
static void
test_modem_partial (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  guint parts = 0;

  for (guint i = 0; i < 150; i++)
    g_string_append (text, "电");
  vp_modem_sim_fail_sends_after (f->sim, "+CMS ERROR: 42", 1, 1);
  g_assert_false (vp_modem_send_sms (f->modem, "13800138000", text->str, &parts, NULL, &error));
  g_assert_error (error, VP_MODEM_ERROR, VP_MODEM_ERROR_CONGESTION);
  g_assert_cmpuint (parts, ==, 1);
  g_assert_cmpuint (vp_modem_sim_get_pdu_count (f->sim), ==, 1);
  messages = vp_modem_sim_get_messages (f->sim);
  g_assert_cmpuint (messages->len, ==, 0);
}

static void
test_modem_no_answer (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  vp_modem_set_timeouts (f->modem, 200, 200);
  vp_modem_sim_set_silent (f->sim, TRUE);
  g_assert_false (vp_modem_send_sms (f->modem, "13800138000", "hello", NULL, NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);
  g_assert_true (vp_modem_error_is_transient (error));
  g_clear_error (&error);

  /* Back on, the next message goes through. */
  vp_modem_sim_set_silent (f->sim, FALSE);
  vp_modem_set_timeouts (f->modem, 2000, 2000);
  g_assert_true (vp_modem_send_sms (f->modem, "13800138000", "hello", NULL, NULL, &error));
  g_assert_no_error (error);
  messages = vp_modem_sim_get_messages (f->sim);
  g_assert_cmpuint (messages->len, ==, 1);
}

static void
test_modem_open_fails (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (vp_modem_open ("serial:/nonexistent/tty?baud=115200&parity=none", NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/modem/pdu-ascii", test_pdu_ascii);
  g_test_add_func ("/vp/modem/pdu-chinese", test_pdu_chinese);
  g_test_add_func ("/vp/modem/pdu-alphabet", test_pdu_alphabet);
  g_test_add_func ("/vp/modem/pdu-long", test_pdu_long);
  g_test_add_func ("/vp/modem/pdu-bad", test_pdu_bad);
  g_test_add_func ("/vp/modem/open-fails", test_modem_open_fails);
  g_test_add ("/vp/modem/send", Fixture, NULL, fixture_setup, test_modem_send, fixture_teardown);
  g_test_add ("/vp/modem/errors", Fixture, NULL, fixture_setup, test_modem_errors, fixture_teardown);
  g_test_add ("/vp/modem/partial", Fixture, NULL, fixture_setup, test_modem_partial, fixture_teardown);
  g_test_add ("/vp/modem/no-answer", Fixture, NULL, fixture_setup, test_modem_no_answer, fixture_teardown);
  return g_test_run ();
}
