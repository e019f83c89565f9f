/* vp-modem.h: text messages (SMS) through a GSM/4G modem on a serial link
 *
 * The modem speaks 3GPP TS 27.005 AT commands in PDU mode (AT+CMGF=0): each part is an
 * SMS-SUBMIT TPDU built here by the rules of 3GPP TS 23.040 §9.2.2.2, with the SMSC
 * left to the SIM's default (a zero-length SMSC field, TS 27.005 §3.1 <pdu>). Text
 * that fits the GSM 7-bit default alphabet (TS 23.038 §6.2.1, incl. the extension
 * table) goes as 7-bit (160 septets; 153 per part of a long message), anything else —
 * Chinese — as UCS-2 (70 UTF-16 units; 67 per part). Long messages carry the
 * concatenation header (TS 23.040 §9.2.3.24.1, 8-bit reference) so the phone joins
 * them; a part never splits an escape pair or a surrogate pair.
 *
 * Final result codes become errors (VP_MODEM_ERROR below) naming what went wrong;
 * no answer in time is VP_DEVICE_ERROR_TIMEOUT. A VpModem is used by one thread at a
 * time.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VP_MODEM_ERROR (vp_modem_error_quark ())
GQuark vp_modem_error_quark (void);

/* The modem's answer. The +CMS / +CME number is kept in the message. */
typedef enum
{
  VP_MODEM_ERROR_FAILED,                /* plain ERROR, or a code with no name here */
  VP_MODEM_ERROR_NO_SIM,                /* +CMS 310, +CME 10 */
  VP_MODEM_ERROR_SIM_PIN,               /* +CMS 311/316, +CME 11/12: SIM locked */
  VP_MODEM_ERROR_SIM_BUSY,              /* +CMS 314, +CME 14 */
  VP_MODEM_ERROR_NO_NETWORK,            /* +CMS 331, +CME 30 */
  VP_MODEM_ERROR_NETWORK_TIMEOUT,       /* +CMS 332 */
  VP_MODEM_ERROR_SMSC_UNKNOWN,          /* +CMS 330 */
  VP_MODEM_ERROR_NETWORK_OUT_OF_ORDER,  /* +CMS 38 (TS 24.011 RP-cause) */
  VP_MODEM_ERROR_CONGESTION,            /* +CMS 41/42/47: temporary failure, congestion */
  VP_MODEM_ERROR_REJECTED,              /* +CMS 1/8/10/21/27-30/50: number or service refused */
  VP_MODEM_ERROR_INVALID_PDU,           /* +CMS 304, 95-99: the modem refused the PDU */
  VP_MODEM_ERROR_UNKNOWN,               /* +CMS 500 */
} VpModemError;

/* TRUE when the same message may succeed later (network, congestion, SIM busy, 500,
 * timeout); FALSE when retrying cannot help (no SIM, PIN, refused number, bad PDU). */
gboolean vp_modem_error_is_transient (const GError *error);

/* ---- PDU codec (pure) ---- */

typedef struct
{
  char  *hex;           /* the whole PDU in hex, SMSC byte "00" first */
  guint  tpdu_length;   /* octets after the SMSC field: the AT+CMGS=<length> value */
} VpSmsPdu;

void       vp_sms_pdu_free        (VpSmsPdu    *pdu);

/* The SMS-SUBMIT PDUs for @text to @number ("+8613800138000" or national digits,
 * 3..20 digits). One PDU when it fits, else parts with concatenation reference
 * @reference. VP_DEVICE_ERROR_INVALID_ARGUMENT for a bad number, empty or invalid
 * UTF-8 text, or more than 255 parts. */
GPtrArray *vp_sms_encode_submit   (const char  *number,
                                   const char  *text,
                                   guint8       reference,
                                   GError     **error);

/* What one SMS-SUBMIT PDU says (for the simulator and tests). */
typedef struct
{
  char    *number;      /* "+86…" when international */
  char    *text;        /* UTF-8 */
  gboolean ucs2;
  guint    reference;   /* concatenation; total 1, seq 1 when not concatenated */
  guint    total;
  guint    seq;
  guint    tpdu_length;
} VpSmsSubmit;

void       vp_sms_submit_clear    (VpSmsSubmit *submit);
/* Decodes @hex (SMSC field first). VP_DEVICE_ERROR_MALFORMED for anything that is not
 * a well-formed SMS-SUBMIT in 7-bit or UCS-2. */
gboolean   vp_sms_decode_submit   (const char  *hex,
                                   VpSmsSubmit *out_submit,
                                   GError     **error);

/* ---- the modem ---- */

typedef struct _VpModem VpModem;

/* Opens @uri (vp-link.h; a modem is typically "serial:/dev/ttyUSB2?baud=115200&parity=none")
 * and prepares it: AT (up to 3 tries, to wake an auto-bauding modem), ATE0, AT+CMEE=1
 * (numeric errors), AT+CMGF=0 (PDU mode). */
VpModem   *vp_modem_open          (const char    *uri,
                                   GCancellable  *cancellable,
                                   GError       **error);
void       vp_modem_free          (VpModem       *modem);
/* Longest wait for a command's answer (default 5 s) and for the network's answer to a
 * sent part (default 60 s). */
void       vp_modem_set_timeouts  (VpModem       *modem,
                                   guint          command_ms,
                                   guint          send_ms);
/* Sends @text to @number, every part through AT+CMGS: the command, the "> " prompt,
 * the PDU and Ctrl-Z, then +CMGS: <mr> and OK. Stops at the first failing part (the
 * parts before it were sent). @out_parts: (optional) parts sent. */
gboolean   vp_modem_send_sms      (VpModem       *modem,
                                   const char    *number,
                                   const char    *text,
                                   guint         *out_parts,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpModem, vp_modem_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpSmsPdu, vp_sms_pdu_free)

G_END_DECLS
