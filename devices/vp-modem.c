/* vp-modem.c: SMS-SUBMIT PDUs (3GPP TS 23.040 / 23.038) and the AT dialogue
 * (3GPP TS 27.005) with a GSM/4G modem */
#include "config.h"

#include "vp-modem.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-device-error.h"
#include "vp-link.h"

G_DEFINE_QUARK (vp-modem-error-quark, vp_modem_error)

/* TS 23.040 §9.2.3.1-9.2.3.16: first octet of an SMS-SUBMIT. */
#define SUBMIT_MTI        0x01   /* TP-MTI = 01 SMS-SUBMIT */
#define SUBMIT_VPF_REL    0x10   /* TP-VPF = 10: relative validity period present */
#define SUBMIT_UDHI       0x40   /* TP-UDHI: user data starts with a header */
/* TS 23.040 §9.2.3.12.1: relative VP 167 = 12 h + (167 − 143) × 30 min = 24 hours. */
#define SUBMIT_VP_24H     0xA7
/* TS 23.038 §4: data coding scheme, general group. */
#define DCS_GSM7          0x00
#define DCS_UCS2          0x08
/* TS 23.040 §9.1.2.5: type of address, TON international / unknown, NPI ISDN. */
#define TOA_INTERNATIONAL 0x91
#define TOA_UNKNOWN       0x81
/* TS 23.040 §9.2.3.24.1: concatenated SMS, 8-bit reference: IEI 00, length 3. */
#define UDH_CONCAT_LENGTH 6      /* UDHL + IEI + IEDL + ref + total + seq */
#define GSM7_SINGLE       160
#define GSM7_PART         153    /* (140 − 6) × 8 / 7 = 153.1 */
#define UCS2_SINGLE       70
#define UCS2_PART         67     /* (140 − 6) / 2 */
#define GSM7_ESCAPE       0x1B
#define CTRL_Z            0x1A

/* TS 23.038 §6.2.1: the GSM 7-bit default alphabet, code → Unicode. */
static const gunichar gsm7_basic[128] = {
  '@', 0xA3, '$', 0xA5, 0xE8, 0xE9, 0xF9, 0xEC, 0xF2, 0xC7, '\n', 0xD8, 0xF8, '\r', 0xC5, 0xE5,
  0x394, '_', 0x3A6, 0x393, 0x39B, 0x3A9, 0x3A0, 0x3A8, 0x3A3, 0x398, 0x39E, 0, 0xC6, 0xE6, 0xDF, 0xC9,
  ' ', '!', '"', '#', 0xA4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  0xA1, 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 0xC4, 0xD6, 0xD1, 0xDC, 0xA7,
  0xBF, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0xE4, 0xF6, 0xF1, 0xFC, 0xE0,
};

/* TS 23.038 §6.2.1.1: the extension table, reached through the escape 0x1B. */
static const struct
{
  guint8   code;
  gunichar c;
} gsm7_extension[] = {
  { 0x0A, 0x0C }, { 0x14, '^' }, { 0x28, '{' }, { 0x29, '}' }, { 0x2F, '\\' },
  { 0x3C, '[' }, { 0x3D, '~' }, { 0x3E, ']' }, { 0x40, '|' }, { 0x65, 0x20AC },
};

/* The septets of @c (1, or 2 with the escape); 0 when @c is not in the alphabet. */
static guint
gsm7_encode_char (gunichar  c,
                  guint8   *out)
{
  for (guint i = 0; i < 128; i++)
    if (gsm7_basic[i] == c && i != GSM7_ESCAPE && (c != 0 || i == 0))
      {
        out[0] = (guint8) i;
        return 1;
      }
  for (guint i = 0; i < G_N_ELEMENTS (gsm7_extension); i++)
    if (gsm7_extension[i].c == c)
      {
        out[0] = GSM7_ESCAPE;
        out[1] = gsm7_extension[i].code;
        return 2;
      }
  return 0;
}

/* ---- errors ---- */

typedef struct
{
  guint         code;
  VpModemError  error;
} CodeMap;

/* +CMS ERROR: TS 27.005 §3.2.5 (300-500) and TS 24.011 Annex E RP-cause (0-127). */
static const CodeMap cms_codes[] = {
  { 1, VP_MODEM_ERROR_REJECTED }, { 8, VP_MODEM_ERROR_REJECTED },
  { 10, VP_MODEM_ERROR_REJECTED }, { 21, VP_MODEM_ERROR_REJECTED },
  { 27, VP_MODEM_ERROR_REJECTED }, { 28, VP_MODEM_ERROR_REJECTED },
  { 29, VP_MODEM_ERROR_REJECTED }, { 30, VP_MODEM_ERROR_REJECTED },
  { 38, VP_MODEM_ERROR_NETWORK_OUT_OF_ORDER }, { 41, VP_MODEM_ERROR_CONGESTION },
  { 42, VP_MODEM_ERROR_CONGESTION }, { 47, VP_MODEM_ERROR_CONGESTION },
  { 50, VP_MODEM_ERROR_REJECTED }, { 95, VP_MODEM_ERROR_INVALID_PDU },
  { 96, VP_MODEM_ERROR_INVALID_PDU }, { 97, VP_MODEM_ERROR_INVALID_PDU },
  { 98, VP_MODEM_ERROR_INVALID_PDU }, { 99, VP_MODEM_ERROR_INVALID_PDU },
  { 304, VP_MODEM_ERROR_INVALID_PDU }, { 310, VP_MODEM_ERROR_NO_SIM },
  { 311, VP_MODEM_ERROR_SIM_PIN }, { 314, VP_MODEM_ERROR_SIM_BUSY },
  { 316, VP_MODEM_ERROR_SIM_PIN }, { 330, VP_MODEM_ERROR_SMSC_UNKNOWN },
  { 331, VP_MODEM_ERROR_NO_NETWORK }, { 332, VP_MODEM_ERROR_NETWORK_TIMEOUT },
  { 500, VP_MODEM_ERROR_UNKNOWN },
};

/* +CME ERROR: TS 27.007 §9.2.1. */
static const CodeMap cme_codes[] = {
  { 10, VP_MODEM_ERROR_NO_SIM }, { 11, VP_MODEM_ERROR_SIM_PIN },
  { 12, VP_MODEM_ERROR_SIM_PIN }, { 14, VP_MODEM_ERROR_SIM_BUSY },
  { 30, VP_MODEM_ERROR_NO_NETWORK }, { 100, VP_MODEM_ERROR_UNKNOWN },
};

static const char *
modem_error_text (VpModemError code)
{
  switch (code)
    {
    case VP_MODEM_ERROR_NO_SIM: return _("no SIM card in the modem");
    case VP_MODEM_ERROR_SIM_PIN: return _("the SIM card is locked (PIN/PUK)");
    case VP_MODEM_ERROR_SIM_BUSY: return _("the SIM card is busy");
    case VP_MODEM_ERROR_NO_NETWORK: return _("no mobile network");
    case VP_MODEM_ERROR_NETWORK_TIMEOUT: return _("the network did not answer");
    case VP_MODEM_ERROR_SMSC_UNKNOWN: return _("no SMS centre number on the SIM");
    case VP_MODEM_ERROR_NETWORK_OUT_OF_ORDER: return _("the network is out of order");
    case VP_MODEM_ERROR_CONGESTION: return _("the network is congested");
    case VP_MODEM_ERROR_REJECTED: return _("the network refused the message or the number");
    case VP_MODEM_ERROR_INVALID_PDU: return _("the modem refused the message data");
    case VP_MODEM_ERROR_UNKNOWN: return _("unknown modem error");
    case VP_MODEM_ERROR_FAILED:
    default: return _("the modem answered ERROR");
    }
}

/* Sets @error for a final result line that is not OK. */
static void
set_final_error (const char  *line,
                 GError     **error)
{
  const CodeMap *map = NULL;
  guint n_map = 0;
  const char *number = NULL;
  VpModemError code = VP_MODEM_ERROR_FAILED;
  guint64 value = 0;

  if (g_str_has_prefix (line, "+CMS ERROR:"))
    {
      map = cms_codes;
      n_map = G_N_ELEMENTS (cms_codes);
      number = line + strlen ("+CMS ERROR:");
    }
  else if (g_str_has_prefix (line, "+CME ERROR:"))
    {
      map = cme_codes;
      n_map = G_N_ELEMENTS (cme_codes);
      number = line + strlen ("+CME ERROR:");
    }
  if (number != NULL)
    {
      while (*number == ' ')
        number++;
      value = g_ascii_strtoull (number, NULL, 10);
      for (guint i = 0; i < n_map; i++)
        if (map[i].code == value)
          code = map[i].error;
    }
  if (number != NULL)
    g_set_error (error, VP_MODEM_ERROR, code, _("Modem: %s (%s)"), modem_error_text (code), line);
  else
    g_set_error (error, VP_MODEM_ERROR, code, _("Modem: %s"), modem_error_text (code));
}

gboolean
vp_modem_error_is_transient (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == VP_DEVICE_ERROR)
    return error->code == VP_DEVICE_ERROR_TIMEOUT || error->code == VP_DEVICE_ERROR_IO
           || error->code == VP_DEVICE_ERROR_CLOSED || error->code == VP_DEVICE_ERROR_OPEN_FAILED;
  if (error->domain != VP_MODEM_ERROR)
    return FALSE;
  switch ((VpModemError) error->code)
    {
    case VP_MODEM_ERROR_SIM_BUSY:
    case VP_MODEM_ERROR_NO_NETWORK:
    case VP_MODEM_ERROR_NETWORK_TIMEOUT:
    case VP_MODEM_ERROR_NETWORK_OUT_OF_ORDER:
    case VP_MODEM_ERROR_CONGESTION:
    case VP_MODEM_ERROR_UNKNOWN:
    case VP_MODEM_ERROR_FAILED:
      return TRUE;
    case VP_MODEM_ERROR_NO_SIM:
    case VP_MODEM_ERROR_SIM_PIN:
    case VP_MODEM_ERROR_SMSC_UNKNOWN:
    case VP_MODEM_ERROR_REJECTED:
    case VP_MODEM_ERROR_INVALID_PDU:
    default:
      return FALSE;
    }
}

/* ---- encoding ---- */

void
vp_sms_pdu_free (VpSmsPdu *pdu)
{
  if (pdu == NULL)
    return;
  g_free (pdu->hex);
  g_free (pdu);
}

void
vp_sms_submit_clear (VpSmsSubmit *submit)
{
  g_return_if_fail (submit != NULL);

  g_clear_pointer (&submit->number, g_free);
  g_clear_pointer (&submit->text, g_free);
}

/* Packs @n septets LSB first (TS 23.038 §6.1.2.1.1) into @out from bit 0. */
static gsize
pack_septets (const guint8 *septets,
              gsize         n,
              guint8       *out)
{
  gsize bytes = (n * 7 + 7) / 8;

  memset (out, 0, bytes);
  for (gsize i = 0; i < n; i++)
    {
      gsize bit = i * 7;
      guint value = septets[i] & 0x7F;

      out[bit / 8] |= (guint8) (value << (bit % 8));
      if (bit % 8 > 1)
        out[bit / 8 + 1] |= (guint8) (value >> (8 - bit % 8));
    }
  return bytes;
}

static gboolean
number_parse (const char  *number,
              GString     *digits,
              guint8      *out_toa,
              GError     **error)
{
  const char *p = number;

  *out_toa = TOA_UNKNOWN;
  if (*p == '+')
    {
      *out_toa = TOA_INTERNATIONAL;
      p++;
    }
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != ' ' && *p != '-')
        break;
    }
  if (*p != '\0' || digits->len < 3 || digits->len > 20)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a mobile number for a text message"), number);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GString  *digits;
  guint8    toa;
  gboolean  ucs2;
  guint     total;
  guint8    reference;
} SubmitHead;

/* One PDU: header fields, then @user (already packed) of @udl units. */
static VpSmsPdu *
build_pdu (const SubmitHead *head,
           guint             seq,
           const guint8     *user,
           gsize             user_bytes,
           guint             udl)
{
  g_autoptr(GByteArray) tpdu = g_byte_array_new ();
  GString *hex = g_string_new ("00");   /* SMSC length 0: the SIM's default */
  VpSmsPdu *pdu = g_new0 (VpSmsPdu, 1);
  guint8 b;

  b = SUBMIT_MTI | SUBMIT_VPF_REL | (head->total > 1 ? SUBMIT_UDHI : 0);
  g_byte_array_append (tpdu, &b, 1);
  b = 0x00;   /* TP-MR: the modem assigns the message reference */
  g_byte_array_append (tpdu, &b, 1);
  b = (guint8) head->digits->len;   /* TP-DA length counts digits, not octets */
  g_byte_array_append (tpdu, &b, 1);
  g_byte_array_append (tpdu, &head->toa, 1);
  for (gsize i = 0; i < head->digits->len; i += 2)
    {
      /* Semi-octets, low nibble first; an odd count is padded with F. */
      guint8 lo = (guint8) (head->digits->str[i] - '0');
      guint8 hi = i + 1 < head->digits->len ? (guint8) (head->digits->str[i + 1] - '0') : 0x0F;

      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (tpdu, &b, 1);
    }
  b = 0x00;   /* TP-PID: plain short message */
  g_byte_array_append (tpdu, &b, 1);
  b = head->ucs2 ? DCS_UCS2 : DCS_GSM7;
  g_byte_array_append (tpdu, &b, 1);
  b = SUBMIT_VP_24H;
  g_byte_array_append (tpdu, &b, 1);
  b = (guint8) udl;
  g_byte_array_append (tpdu, &b, 1);
  if (head->total > 1)
    {
      guint8 udh[UDH_CONCAT_LENGTH] = { 5, 0x00, 3, head->reference, (guint8) head->total, (guint8) seq };

      g_byte_array_append (tpdu, udh, sizeof udh);
    }
  g_byte_array_append (tpdu, user, (guint) user_bytes);

  for (guint i = 0; i < tpdu->len; i++)
    g_string_append_printf (hex, "%02X", tpdu->data[i]);
  pdu->tpdu_length = tpdu->len;
  pdu->hex = g_string_free (hex, FALSE);
  return pdu;
}

/* Splits @septets into parts of at most @limit septets, never between an escape and
 * its character. Returns the start of each part, plus the end. */
static GArray *
split_septets (const guint8 *septets,
               gsize         n,
               gsize         limit)
{
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize start = 0;

  g_array_append_val (cuts, start);
  while (start < n)
    {
      gsize end = MIN (start + limit, n);

      if (end < n && septets[end - 1] == GSM7_ESCAPE)
        {
          /* Not the second septet of a pair: count back the escapes before it. */
          gsize escapes = 0;

          for (gsize i = end; i > start && septets[i - 1] == GSM7_ESCAPE; i--)
            escapes++;
          if (escapes % 2 == 1)
            end--;
        }
      g_array_append_val (cuts, end);
      start = end;
    }
  return cuts;
}

GPtrArray *
vp_sms_encode_submit (const char  *number,
                      const char  *text,
                      guint8       reference,
                      GError     **error)
{
  g_autoptr(GPtrArray) pdus = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_sms_pdu_free);
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autoptr(GByteArray) septets = g_byte_array_new ();
  g_autofree gunichar2 *utf16 = NULL;
  g_autoptr(GArray) cuts = NULL;
  SubmitHead head = { 0 };
  glong n_utf16 = 0;

  g_return_val_if_fail (number != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!number_parse (number, digits, &head.toa, error))
    return NULL;
  if (*text == '\0' || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("A text message needs some valid UTF-8 text"));
      return NULL;
    }
  head.digits = digits;
  head.reference = reference;

  for (const char *p = text; *p != '\0' && !head.ucs2; p = g_utf8_next_char (p))
    {
      guint8 code[2];
      guint n = gsm7_encode_char (g_utf8_get_char (p), code);

      if (n == 0)
        head.ucs2 = TRUE;
      else
        g_byte_array_append (septets, code, n);
    }

  if (!head.ucs2)
    {
      cuts = split_septets (septets->data, septets->len, septets->len <= GSM7_SINGLE ? GSM7_SINGLE : GSM7_PART);
      head.total = cuts->len - 1;
    }
  else
    {
      utf16 = g_utf8_to_utf16 (text, -1, NULL, &n_utf16, NULL);
      cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
      for (gsize start = 0, end;; start = end)
        {
          g_array_append_val (cuts, start);
          if (start >= (gsize) n_utf16)
            break;
          end = MIN (start + (n_utf16 <= UCS2_SINGLE ? UCS2_SINGLE : UCS2_PART), (gsize) n_utf16);
          /* Never end a part on a high surrogate: its pair goes with it. */
          if (end < (gsize) n_utf16 && utf16[end - 1] >= 0xD800 && utf16[end - 1] <= 0xDBFF)
            end--;
        }
      head.total = cuts->len - 1;
    }
  if (head.total > 255)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("The text is too long for one message (%u parts, at most 255)"), head.total);
      return NULL;
    }

  for (guint part = 0; part < head.total; part++)
    {
      gsize start = g_array_index (cuts, gsize, part);
      gsize end = g_array_index (cuts, gsize, part + 1);
      guint8 user[140];
      gsize bytes;
      guint udl;

      if (head.ucs2)
        {
          for (gsize i = start; i < end; i++)
            {
              user[2 * (i - start)] = (guint8) (utf16[i] >> 8);   /* UCS-2 is big-endian */
              user[2 * (i - start) + 1] = (guint8) (utf16[i] & 0xFF);
            }
          bytes = 2 * (end - start);
          udl = (guint) bytes + (head.total > 1 ? UDH_CONCAT_LENGTH : 0);
        }
      else if (head.total > 1)
        {
          /* The 6-octet header fills 48 bits; one fill bit aligns the text to septet 7
           * (TS 23.040 §9.2.3.24), so UDL counts 7 header septets + the text. */
          guint8 padded[GSM7_SINGLE];
          guint8 packed[140];

          memset (padded, 0, 7);
          memcpy (padded + 7, septets->data + start, end - start);
          bytes = pack_septets (padded, 7 + end - start, packed);
          memcpy (user, packed + UDH_CONCAT_LENGTH, bytes - UDH_CONCAT_LENGTH);
          bytes -= UDH_CONCAT_LENGTH;
          udl = 7 + (guint) (end - start);
        }
      else
        {
          bytes = pack_septets (septets->data + start, end - start, user);
          udl = (guint) (end - start);
        }
      g_ptr_array_add (pdus, build_pdu (&head, part + 1, user, bytes, udl));
    }
  return g_steal_pointer (&pdus);
}

/* ---- decoding ---- */

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
               _("Not an SMS-SUBMIT PDU: %s"), what);
  return FALSE;
}

gboolean
vp_sms_decode_submit (const char  *hex,
                      VpSmsSubmit *out_submit,
                      GError     **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GString) number = g_string_new (NULL);
  const guint8 *d;
  gsize len;
  gsize pos;
  guint8 first;
  guint digits;
  guint8 dcs;
  guint udl;
  gsize header = 0;
  guint header_septets = 0;

  g_return_val_if_fail (hex != NULL, FALSE);
  g_return_val_if_fail (out_submit != NULL, FALSE);

  memset (out_submit, 0, sizeof *out_submit);
  out_submit->total = 1;
  out_submit->seq = 1;
  for (const char *p = hex; p[0] != '\0'; p += 2)
    {
      int hi = g_ascii_xdigit_value (p[0]);
      int lo = p[1] != '\0' ? g_ascii_xdigit_value (p[1]) : -1;
      guint8 b;

      if (hi < 0 || lo < 0)
        return malformed (error, _("not hexadecimal"));
      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (bytes, &b, 1);
    }
  d = bytes->data;
  len = bytes->len;
  if (len < 1 || (gsize) d[0] + 1 > len)
    return malformed (error, _("SMSC field"));
  pos = d[0] + 1;
  out_submit->tpdu_length = (guint) (len - pos);
  if (pos + 4 > len)
    return malformed (error, _("too short"));
  first = d[pos];
  if ((first & 0x03) != SUBMIT_MTI)
    return malformed (error, _("message type"));
  digits = d[pos + 2];
  if (digits == 0 || digits > 20 || pos + 4 + (digits + 1) / 2 + 3 > len)
    return malformed (error, _("destination address"));
  if (d[pos + 3] == TOA_INTERNATIONAL)
    g_string_append_c (number, '+');
  for (guint i = 0; i < digits; i++)
    {
      guint8 b = d[pos + 4 + i / 2];
      guint nibble = i % 2 == 0 ? (b & 0x0F) : (b >> 4);

      if (nibble > 9)
        return malformed (error, _("destination digits"));
      g_string_append_c (number, (char) ('0' + nibble));
    }
  pos += 4 + (digits + 1) / 2;
  dcs = d[pos + 1];
  pos += 2;
  switch (first & 0x18)
    {
    case 0x10: pos += 1; break;   /* relative VP */
    case 0x08: case 0x18: pos += 7; break;   /* enhanced / absolute VP */
    default: break;
    }
  if (pos >= len)
    return malformed (error, _("user data length"));
  udl = d[pos++];
  if (dcs != DCS_GSM7 && dcs != DCS_UCS2)
    return malformed (error, _("data coding (only GSM 7-bit and UCS-2)"));
  out_submit->ucs2 = dcs == DCS_UCS2;
  if (out_submit->ucs2 ? pos + udl != len : pos + (udl * 7 + 7) / 8 != len)
    return malformed (error, _("user data length does not match"));

  if (first & SUBMIT_UDHI)
    {
      gsize udhl = pos < len ? d[pos] : 0;

      if (pos + 1 + udhl > len)
        return malformed (error, _("user data header"));
      for (gsize ie = pos + 1; ie + 1 < pos + 1 + udhl; ie += 2 + d[ie + 1])
        if (d[ie] == 0x00 && d[ie + 1] == 3 && ie + 4 < pos + 1 + udhl)
          {
            out_submit->reference = d[ie + 2];
            out_submit->total = d[ie + 3];
            out_submit->seq = d[ie + 4];
          }
      if (out_submit->total == 0 || out_submit->seq == 0 || out_submit->seq > out_submit->total)
        return malformed (error, _("concatenation header"));
      header = 1 + udhl;
      header_septets = (guint) ((header * 8 + 6) / 7);
    }

  if (out_submit->ucs2)
    {
      g_autofree gunichar2 *units = NULL;
      g_autoptr(GError) local = NULL;
      gsize n;

      if (udl < header || (udl - header) % 2 != 0)
        return malformed (error, _("odd UCS-2 length"));
      n = (udl - header) / 2;
      units = g_new0 (gunichar2, n + 1);
      for (gsize i = 0; i < n; i++)
        units[i] = (gunichar2) (d[pos + header + 2 * i] << 8 | d[pos + header + 2 * i + 1]);
      /* A part may end inside a surrogate pair only if the sender split it badly. */
      out_submit->text = g_utf16_to_utf8 (units, (glong) n, NULL, NULL, &local);
      if (out_submit->text == NULL)
        return malformed (error, _("UCS-2 text"));
    }
  else
    {
      GString *text = g_string_new (NULL);
      gboolean escape = FALSE;

      if (udl < header_septets)
        {
          g_string_free (text, TRUE);
          return malformed (error, _("user data header longer than the data"));
        }
      for (guint i = header_septets; i < udl; i++)
        {
          gsize bit = (gsize) i * 7;
          guint value = d[pos + bit / 8] >> (bit % 8);

          if (bit % 8 > 1)
            value |= d[pos + bit / 8 + 1] << (8 - bit % 8);
          value &= 0x7F;
          if (escape)
            {
              gunichar c = ' ';

              for (guint e = 0; e < G_N_ELEMENTS (gsm7_extension); e++)
                if (gsm7_extension[e].code == value)
                  c = gsm7_extension[e].c;
              g_string_append_unichar (text, c);
              escape = FALSE;
            }
          else if (value == GSM7_ESCAPE)
            escape = TRUE;
          else
            g_string_append_unichar (text, gsm7_basic[value]);
        }
      out_submit->text = g_string_free (text, FALSE);
    }
  out_submit->number = g_string_free (g_steal_pointer (&number), FALSE);
  return TRUE;
}

/* ---- the AT dialogue ---- */

struct _VpModem
{
  VpLink     *link;
  GByteArray *input;
  guint       command_ms;
  guint       send_ms;
  guint8      reference;
};

void
vp_modem_free (VpModem *modem)
{
  if (modem == NULL)
    return;
  vp_link_free (modem->link);
  g_byte_array_unref (modem->input);
  g_free (modem);
}

void
vp_modem_set_timeouts (VpModem *modem,
                       guint    command_ms,
                       guint    send_ms)
{
  g_return_if_fail (modem != NULL);

  modem->command_ms = command_ms;
  modem->send_ms = send_ms;
}

typedef enum
{
  READ_LINE,
  READ_PROMPT,
} ReadWhat;

/* The next non-empty line (without its CR/LF), or — with READ_PROMPT — "> " when the
 * modem asks for the PDU (the prompt has no line end, TS 27.005 §3.5.1). NULL with
 * VP_DEVICE_ERROR_TIMEOUT when nothing complete arrives by @deadline. */
static char *
read_line (VpModem       *modem,
           ReadWhat       what,
           gint64         deadline,
           GCancellable  *cancellable,
           GError       **error)
{
  for (;;)
    {
      guint8 buf[256];
      gssize n;
      gint64 left;
      guint start = 0;

      while (start < modem->input->len
             && (modem->input->data[start] == '\r' || modem->input->data[start] == '\n'))
        start++;
      if (start > 0)
        g_byte_array_remove_range (modem->input, 0, start);
      if (what == READ_PROMPT && modem->input->len >= 1 && modem->input->data[0] == '>')
        {
          guint skip = modem->input->len >= 2 && modem->input->data[1] == ' ' ? 2 : 1;

          g_byte_array_remove_range (modem->input, 0, skip);
          return g_strdup (">");
        }
      for (guint i = 0; i < modem->input->len; i++)
        if (modem->input->data[i] == '\r' || modem->input->data[i] == '\n')
          {
            char *line = g_strndup ((const char *) modem->input->data, i);

            g_byte_array_remove_range (modem->input, 0, i);
            return line;
          }

      left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0)
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT,
                       _("The modem did not answer in time"));
          return NULL;
        }
      n = vp_link_read (modem->link, buf, sizeof buf, (int) left, cancellable, error);
      if (n < 0)
        return NULL;
      g_byte_array_append (modem->input, buf, (guint) n);
    }
}

static gboolean
is_final_error (const char *line)
{
  return g_str_equal (line, "ERROR") || g_str_has_prefix (line, "+CMS ERROR:")
         || g_str_has_prefix (line, "+CME ERROR:");
}

/* Reads lines up to the final result: TRUE for OK; the last "+PREFIX" information line
 * in @out_info when asked. Echoes and unsolicited lines are skipped. */
static gboolean
read_final (VpModem       *modem,
            const char    *info_prefix,
            char         **out_info,
            guint          timeout_ms,
            GCancellable  *cancellable,
            GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      g_autofree char *line = read_line (modem, READ_LINE, deadline, cancellable, error);

      if (line == NULL)
        return FALSE;
      if (g_str_equal (line, "OK"))
        return TRUE;
      if (is_final_error (line))
        {
          set_final_error (line, error);
          return FALSE;
        }
      if (info_prefix != NULL && out_info != NULL && g_str_has_prefix (line, info_prefix))
        {
          g_free (*out_info);
          *out_info = g_steal_pointer (&line);
        }
    }
}

static gboolean
write_text (VpModem       *modem,
            const char    *text,
            GCancellable  *cancellable,
            GError       **error)
{
  return vp_link_write_all (modem->link, (const guint8 *) text, strlen (text), cancellable, error);
}

static gboolean
command (VpModem       *modem,
         const char    *at,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autofree char *line = g_strconcat (at, "\r", NULL);

  vp_link_discard_input (modem->link);
  g_byte_array_set_size (modem->input, 0);
  if (!write_text (modem, line, cancellable, error))
    return FALSE;
  return read_final (modem, NULL, NULL, modem->command_ms, cancellable, error);
}

VpModem *
vp_modem_open (const char    *uri,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(VpModem) modem = g_new0 (VpModem, 1);
  g_autoptr(GError) local = NULL;
  static const char * const setup[] = { "ATE0", "AT+CMEE=1", "AT+CMGF=0" };

  g_return_val_if_fail (uri != NULL, NULL);

  modem->input = g_byte_array_new ();
  modem->command_ms = 5000;
  modem->send_ms = 60000;
  modem->reference = (guint8) g_random_int_range (0, 256);
  modem->link = vp_link_open (uri, 0, cancellable, error);
  if (modem->link == NULL)
    return NULL;
  /* An auto-bauding modem may miss the first AT while it locks on to the speed. */
  for (int attempt = 0; attempt < 3; attempt++)
    {
      g_clear_error (&local);
      if (command (modem, "AT", cancellable, &local))
        break;
      if (!g_error_matches (local, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT) || attempt == 2)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (setup); i++)
    if (!command (modem, setup[i], cancellable, error))
      return NULL;
  return g_steal_pointer (&modem);
}

static gboolean
send_part (VpModem       *modem,
           VpSmsPdu      *pdu,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autofree char *cmgs = g_strdup_printf ("AT+CMGS=%u\r", pdu->tpdu_length);
  g_autofree char *body = g_strdup_printf ("%s%c", pdu->hex, CTRL_Z);
  g_autofree char *prompt = NULL;
  g_autofree char *reference = NULL;
  gint64 deadline;

  vp_link_discard_input (modem->link);
  g_byte_array_set_size (modem->input, 0);
  if (!write_text (modem, cmgs, cancellable, error))
    return FALSE;
  deadline = g_get_monotonic_time () + (gint64) modem->command_ms * 1000;
  for (;;)
    {
      g_clear_pointer (&prompt, g_free);
      prompt = read_line (modem, READ_PROMPT, deadline, cancellable, error);
      if (prompt == NULL)
        return FALSE;
      if (g_str_equal (prompt, ">"))
        break;
      if (is_final_error (prompt))
        {
          set_final_error (prompt, error);
          return FALSE;
        }
      /* An echo of the command or an unsolicited line: keep waiting for the prompt. */
    }
  if (!write_text (modem, body, cancellable, error))
    return FALSE;
  return read_final (modem, "+CMGS:", &reference, modem->send_ms, cancellable, error);
}

gboolean
vp_modem_send_sms (VpModem       *modem,
                   const char    *number,
                   const char    *text,
                   guint         *out_parts,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GPtrArray) pdus = NULL;

  g_return_val_if_fail (modem != NULL, FALSE);
  g_return_val_if_fail (number != NULL && text != NULL, FALSE);

  if (out_parts != NULL)
    *out_parts = 0;
  pdus = vp_sms_encode_submit (number, text, modem->reference++, error);
  if (pdus == NULL)
    return FALSE;
  for (guint i = 0; i < pdus->len; i++)
    {
      if (!send_part (modem, g_ptr_array_index (pdus, i), cancellable, error))
        return FALSE;
      if (out_parts != NULL)
        *out_parts = i + 1;
    }
  return TRUE;
}
