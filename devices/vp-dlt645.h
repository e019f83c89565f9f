/* vp-dlt645.h: DL/T 645-2007 frames (electricity meters), pure bytes, no I/O
 *
 * Wire frame (shared/PROTOCOLS.md "DL/T 645-2007"):
 *   FE×0..4  68  A0..A5  68  C  L  DATA[L]  CS  16
 * CS is the byte sum from the first 68 through the last data byte. Every DATA byte
 * travels +0x33; VpDlt645Frame.data always holds the bytes with 0x33 already
 * removed, so builders and parsers here never see the offset.
 *
 * Layering: VpDlt645Frame is one delimited frame (address, control, data).
 * vp_dlt645_build_*() fill a frame for each function (requests and the replies a
 * simulated meter sends); vp_dlt645_frame_parse() turns a frame back into a
 * VpDlt645Message with every field named, for clients and for the simulator alike.
 * vp_dlt645_frame_encode()/decode() convert frames to and from wire bytes.
 */
#pragma once

#include <glib.h>

#include "vp-bcd.h"

G_BEGIN_DECLS

/* ---- Address: 12 BCD digits, low byte first on the wire ---------------------- */

#define VP_DLT645_ADDRESS_SIZE 6

typedef struct
{
  guint8 bytes[VP_DLT645_ADDRESS_SIZE]; /* wire order: bytes[0] holds the lowest two digits */
} VpDlt645Address;

/* Parse "000010604867" (1..12 digits, left-padded with zeros), the wildcard
 * "AAAAAAAAAAAA", the broadcast "999999999999", or an abbreviated address whose high
 * bytes are "AA" ("AAAA10604867"). "AA" may only fill whole bytes from the top.
 * VP_DEVICE_ERROR_INVALID_ARGUMENT otherwise. */
gboolean vp_dlt645_address_parse          (const char            *text,
                                           VpDlt645Address       *out_address,
                                           GError               **error);
/* 12 characters, high digit first: "000010604867", "AAAAAAAAAAAA". */
char    *vp_dlt645_address_to_string      (const VpDlt645Address *address);
void     vp_dlt645_address_init_wildcard  (VpDlt645Address       *address); /* AA×6 */
void     vp_dlt645_address_init_broadcast (VpDlt645Address       *address); /* 99×6 */
gboolean vp_dlt645_address_is_wildcard    (const VpDlt645Address *address);
gboolean vp_dlt645_address_is_broadcast   (const VpDlt645Address *address);
/* TRUE if some (not all) high bytes are AA and the rest is BCD. */
gboolean vp_dlt645_address_is_abbreviated (const VpDlt645Address *address);
/* TRUE if all 12 digits are BCD (a real meter's own address). */
gboolean vp_dlt645_address_is_full        (const VpDlt645Address *address);
gboolean vp_dlt645_address_equal          (const VpDlt645Address *a,
                                           const VpDlt645Address *b);
/* Would a meter whose own address is @meter act on a frame sent to @target?
 * TRUE for its own address, the wildcard, the broadcast address and an abbreviated
 * address whose non-AA bytes equal @meter's. */
gboolean vp_dlt645_address_matches        (const VpDlt645Address *target,
                                           const VpDlt645Address *meter);

/* ---- Control code (PROTOCOLS.md: D7 reply, D6 abnormal, D5 follow-up) ---------- */

#define VP_DLT645_CONTROL_REPLY         0x80
#define VP_DLT645_CONTROL_ABNORMAL      0x40
#define VP_DLT645_CONTROL_FOLLOW_UP     0x20
#define VP_DLT645_CONTROL_FUNCTION_MASK 0x1F

typedef enum
{
  VP_DLT645_FUNCTION_BROADCAST_TIME  = 0x08,
  VP_DLT645_FUNCTION_READ            = 0x11,
  VP_DLT645_FUNCTION_READ_FOLLOW_UP  = 0x12,
  VP_DLT645_FUNCTION_READ_ADDRESS    = 0x13,
  VP_DLT645_FUNCTION_WRITE           = 0x14,
  VP_DLT645_FUNCTION_WRITE_ADDRESS   = 0x15,
  VP_DLT645_FUNCTION_FREEZE          = 0x16,
  VP_DLT645_FUNCTION_CHANGE_BAUD     = 0x17,
  VP_DLT645_FUNCTION_CHANGE_PASSWORD = 0x18,
  VP_DLT645_FUNCTION_CLEAR_DEMAND    = 0x19,
  VP_DLT645_FUNCTION_CLEAR_METER     = 0x1A,
  VP_DLT645_FUNCTION_CLEAR_EVENTS    = 0x1B,
  VP_DLT645_FUNCTION_CONTROL         = 0x1C,
} VpDlt645Function;

/* Stable ASCII names: "broadcast-time", "read", "read-follow-up", "read-address",
 * "write", "write-address", "freeze", "change-baud", "change-password",
 * "clear-demand", "clear-meter", "clear-events", "control"; NULL for other codes. */
const char *vp_dlt645_function_to_string (guint function);

/* ---- Frames ------------------------------------------------------------------ */

/* PROTOCOLS.md: L <= 200 (reads; writes <= 50). A larger L is VP_DEVICE_ERROR_TOO_LONG. */
#define VP_DLT645_MAX_DATA          200
#define VP_DLT645_DEFAULT_PREAMBLE  4    /* FE FE FE FE, as most meters send */
#define VP_DLT645_MAX_PREAMBLE      16
#define VP_DLT645_START             0x68
#define VP_DLT645_END               0x16
#define VP_DLT645_PREAMBLE_BYTE     0xFE
#define VP_DLT645_DATA_OFFSET       0x33 /* added to every DATA byte on the wire */
#define VP_DLT645_HEADER_SIZE       10   /* 68 A0..A5 68 C L */
#define VP_DLT645_MIN_FRAME_SIZE    12   /* header + CS + 16 with L = 0 */

typedef struct
{
  VpDlt645Address address;
  guint8          control;                    /* C including D7/D6/D5 */
  guint8          length;                     /* L: number of valid bytes in data */
  guint8          data[VP_DLT645_MAX_DATA];   /* with 0x33 removed */
} VpDlt645Frame;

/* Start an empty frame (L = 0). */
void     vp_dlt645_frame_init          (VpDlt645Frame         *frame,
                                        const VpDlt645Address *address,
                                        guint8                 control);
/* Append @n_bytes (before +33) to the data; VP_DEVICE_ERROR_TOO_LONG past 200 bytes,
 * in which case the frame is left unchanged. */
gboolean vp_dlt645_frame_append        (VpDlt645Frame         *frame,
                                        const guint8          *bytes,
                                        gsize                  n_bytes,
                                        GError               **error);

static inline guint
vp_dlt645_frame_get_function (const VpDlt645Frame *frame)
{
  return frame->control & VP_DLT645_CONTROL_FUNCTION_MASK;
}

static inline gboolean
vp_dlt645_frame_is_reply (const VpDlt645Frame *frame)
{
  return (frame->control & VP_DLT645_CONTROL_REPLY) != 0;
}

static inline gboolean
vp_dlt645_frame_is_abnormal (const VpDlt645Frame *frame)
{
  return (frame->control & VP_DLT645_CONTROL_ABNORMAL) != 0;
}

static inline gboolean
vp_dlt645_frame_has_follow_up (const VpDlt645Frame *frame)
{
  return (frame->control & VP_DLT645_CONTROL_FOLLOW_UP) != 0;
}

/* Wire bytes: @n_preamble FE bytes (0..16; VP_DLT645_DEFAULT_PREAMBLE is usual),
 * 68 address 68 C L, data +0x33, CS, 16. */
GBytes  *vp_dlt645_frame_encode        (const VpDlt645Frame   *frame,
                                        guint                  n_preamble);

/* The checksum a frame's CS byte must hold: sum of @bytes mod 256, where @bytes
 * runs from the first 68 through the last data byte. */
guint8   vp_dlt645_checksum            (const guint8          *bytes,
                                        gsize                  n_bytes);

/* Decode exactly one complete frame: any number of leading FE, then 68 … 16 and
 * nothing after it. Errors (VP_DEVICE_ERROR_*), each with a message that says what
 * is wrong ("checksum is 0x8B, expected 0x8A"):
 *   TRUNCATED   fewer bytes than the header or L announce
 *   MALFORMED   no 68 at the start or at offset 7, or bytes after the 16
 *   TOO_LONG    L > 200
 *   BAD_CHECKSUM, BAD_END
 * @out_frame is only written on success. */
gboolean vp_dlt645_frame_decode        (const guint8          *bytes,
                                        gsize                  n_bytes,
                                        VpDlt645Frame         *out_frame,
                                        GError               **error);

/* Check the shape of a candidate frame that starts with 68 at @bytes[0], for stream
 * readers. Returns 0 and sets @error if the bytes can never form a valid frame
 * (MALFORMED, TOO_LONG, BAD_CHECKSUM, BAD_END); returns 0 without an error if more
 * bytes are needed to tell; else the frame's full size (68 … 16). */
gsize    vp_dlt645_frame_scan          (const guint8          *bytes,
                                        gsize                  n_bytes,
                                        GError               **error);

/* ---- Abnormal replies: the error byte (PROTOCOLS.md) ------------------------- */

typedef enum
{
  VP_DLT645_ERROR_OTHER      = 1 << 0,
  VP_DLT645_ERROR_NO_DATA    = 1 << 1,  /* no requested data */
  VP_DLT645_ERROR_PASSWORD   = 1 << 2,  /* password wrong / unauthorised */
  VP_DLT645_ERROR_BAUD       = 1 << 3,  /* baud rate cannot be changed */
  VP_DLT645_ERROR_YEAR_ZONES = 1 << 4,  /* too many year zones */
  VP_DLT645_ERROR_DAY_SLOTS  = 1 << 5,  /* too many day slots */
  VP_DLT645_ERROR_TARIFFS    = 1 << 6,  /* too many tariffs */
} VpDlt645ErrorFlags;

/* Stable names of the set bits, in bit order: "other", "no-data", "password",
 * "baud", "year-zones", "day-slots", "tariffs". Never NULL (empty when 0). */
GStrv    vp_dlt645_error_flags_to_strv (guint8                 flags);

/* Set @error for an abnormal reply's error byte: VP_DEVICE_ERROR_NAK_PASSWORD if
 * the password bit is set, else VP_DEVICE_ERROR_NAK_NO_DATA for "no data", else
 * VP_DEVICE_ERROR_NAK; the message lists every reason in words. */
void     vp_dlt645_set_nak_error       (GError               **error,
                                        guint8                 flags);

/* ---- Passwords, operator codes, baud codes ----------------------------------- */

/* Password level (PA) and 3-byte password. People write the password high digit
 * first; it travels low byte first, like addresses: "02:563412" → 02 12 34 56. */
typedef struct
{
  guint8 level;        /* 00..09 */
  guint8 bytes[3];     /* P0 P1 P2, wire order */
} VpDlt645Password;

/* "LL:PPPPPP" (level 2 digits, password 6 digits), e.g. "02:563412". */
gboolean vp_dlt645_password_parse      (const char             *text,
                                        VpDlt645Password       *out_password,
                                        GError                **error);
char    *vp_dlt645_password_to_string  (const VpDlt645Password *password);
gboolean vp_dlt645_password_equal      (const VpDlt645Password *a,
                                        const VpDlt645Password *b);

/* Operator code C0..C3: 8 digits as written ("12345678" → 78 56 34 12). */
typedef struct
{
  guint8 bytes[4];     /* wire order */
} VpDlt645Operator;

gboolean vp_dlt645_operator_parse      (const char             *text,
                                        VpDlt645Operator       *out_operator,
                                        GError                **error);
char    *vp_dlt645_operator_to_string  (const VpDlt645Operator *operator_code);

/* 17 change baud: Z byte (PROTOCOLS.md: b1 600 … b6 19200). */
typedef enum
{
  VP_DLT645_BAUD_600   = 1 << 1,
  VP_DLT645_BAUD_1200  = 1 << 2,
  VP_DLT645_BAUD_2400  = 1 << 3,
  VP_DLT645_BAUD_4800  = 1 << 4,
  VP_DLT645_BAUD_9600  = 1 << 5,
  VP_DLT645_BAUD_19200 = 1 << 6,
} VpDlt645Baud;

/* 9600 → VP_DLT645_BAUD_9600; 0 for a rate the protocol cannot express. */
guint8   vp_dlt645_baud_from_rate      (guint                   rate);
/* The rate of a Z byte with exactly one known bit, else 0. */
guint    vp_dlt645_baud_to_rate        (guint8                  baud_code);

/* 1C remote control N1 (PROTOCOLS.md). */
typedef enum
{
  VP_DLT645_CONTROL_ACTION_TRIP             = 0x1A,
  VP_DLT645_CONTROL_ACTION_CLOSE_ALLOW      = 0x1B, /* customer presses the button > 3 s */
  VP_DLT645_CONTROL_ACTION_CLOSE            = 0x1C, /* direct close */
  VP_DLT645_CONTROL_ACTION_ALARM            = 0x2A,
  VP_DLT645_CONTROL_ACTION_ALARM_CLEAR      = 0x2B,
  VP_DLT645_CONTROL_ACTION_KEEP_POWER       = 0x3A, /* 保电: trip commands are refused */
  VP_DLT645_CONTROL_ACTION_KEEP_POWER_CLEAR = 0x3B,
} VpDlt645ControlAction;

/* "trip", "close-allow", "close", "alarm", "alarm-clear", "keep-power",
 * "keep-power-clear"; NULL for other N1 values. */
const char *vp_dlt645_control_action_to_string   (guint                  action);
gboolean    vp_dlt645_control_action_from_string (const char            *name,
                                                  VpDlt645ControlAction *out_action);

/* ---- Request builders --------------------------------------------------------- */
/* Each fills @out_frame completely. Those that take caller data return FALSE with
 * VP_DEVICE_ERROR_INVALID_ARGUMENT / _TOO_LONG when it cannot be sent. */

/* 11 read: DI0..DI3 (DI 00010000 is sent 00 00 01 00). */
void     vp_dlt645_build_read              (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint32                 di);
/* 12 read follow-up: DI + SEQ. */
void     vp_dlt645_build_read_follow_up    (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint32                 di,
                                            guint8                  seq);
/* 13 read address, sent to AA×6 (only meter on the bus). */
void     vp_dlt645_build_read_address      (VpDlt645Frame          *out_frame);
/* 14 write: DI + PA P0 P1 P2 + C0..C3 + @value (wire order, before +33). */
gboolean vp_dlt645_build_write             (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint32                 di,
                                            const VpDlt645Password *password,
                                            const VpDlt645Operator *operator_code,
                                            const guint8           *value,
                                            gsize                   n_value,
                                            GError                **error);
/* 15 write address: @new_address as data, sent to AA×6. */
void     vp_dlt645_build_write_address     (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *new_address);
/* 08 broadcast time: ss mm hh DD MM YY to 99×6. @time must carry a date and time in
 * 2000..2099. */
gboolean vp_dlt645_build_broadcast_time    (VpDlt645Frame          *out_frame,
                                            const VpBcdTime        *time,
                                            GError                **error);
/* 16 freeze: mm hh DD MM; each field 0..59/23/31/12 or 99 ("every", periodic freeze). */
gboolean vp_dlt645_build_freeze            (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint                   minute,
                                            guint                   hour,
                                            guint                   day,
                                            guint                   month,
                                            GError                **error);
/* 17 change baud: one Z byte (VpDlt645Baud). */
void     vp_dlt645_build_change_baud       (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint8                  baud_code);
/* 18 change password: DI 04000C01 + new level, old PA..P2, new PA..P2. */
void     vp_dlt645_build_change_password   (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            const VpDlt645Password *old_password,
                                            const VpDlt645Password *new_password);
/* 19 clear demand, 1A clear meter: PA..P2 + C0..C3. @function is one of the two. */
void     vp_dlt645_build_clear             (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            VpDlt645Function        function,
                                            const VpDlt645Password *password,
                                            const VpDlt645Operator *operator_code);
/* 1B clear events: PA..P2 + C0..C3 + DI (FFFFFFFF: all events). */
void     vp_dlt645_build_clear_events      (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            const VpDlt645Password *password,
                                            const VpDlt645Operator *operator_code,
                                            guint32                 di);
/* 1C remote control: PA P0 P1 P2 C0..C3 N1 N2(00) N3..N8 (expiry ss mm hh DD MM YY),
 * L = 16. @expiry must carry a date and time in 2000..2099. */
gboolean vp_dlt645_build_control           (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            const VpDlt645Password *password,
                                            const VpDlt645Operator *operator_code,
                                            VpDlt645ControlAction   action,
                                            const VpBcdTime        *expiry,
                                            GError                **error);

/* ---- Reply builders (what a meter sends; used by the simulator) --------------- */

/* Normal reply to @function: C = @function | 0x80 (| 0x20 with @follow_up), data
 * copied as given. With @n_data = 0 this is the plain acknowledgement of 14, 15,
 * 16, 18, 19, 1A, 1B, 1C (94 … 9C, L = 0). */
gboolean vp_dlt645_build_reply             (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            VpDlt645Function        function,
                                            gboolean                follow_up,
                                            const guint8           *data,
                                            gsize                   n_data,
                                            GError                **error);
/* 91 (B1 with @follow_up): DI + @value. */
gboolean vp_dlt645_build_read_reply        (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint32                 di,
                                            const guint8           *value,
                                            gsize                   n_value,
                                            gboolean                follow_up,
                                            GError                **error);
/* 92 (B2 with @follow_up): DI + @value + SEQ. */
gboolean vp_dlt645_build_read_follow_up_reply (VpDlt645Frame       *out_frame,
                                            const VpDlt645Address  *address,
                                            guint32                 di,
                                            const guint8           *value,
                                            gsize                   n_value,
                                            guint8                  seq,
                                            gboolean                follow_up,
                                            GError                **error);
/* 93: the meter's own address in the header and as data. */
void     vp_dlt645_build_read_address_reply (VpDlt645Frame         *out_frame,
                                            const VpDlt645Address  *address);
/* 97 + Z. */
void     vp_dlt645_build_change_baud_reply (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            guint8                  baud_code);
/* Abnormal reply: C = @function | 0xC0, one error byte (VpDlt645ErrorFlags). */
void     vp_dlt645_build_abnormal_reply    (VpDlt645Frame          *out_frame,
                                            const VpDlt645Address  *address,
                                            VpDlt645Function        function,
                                            guint8                  error_flags);

/* ---- Parsing any frame into named fields ------------------------------------- */

typedef struct
{
  guint            function;       /* D4..D0 */
  gboolean         reply;          /* D7 */
  gboolean         abnormal;       /* D6 */
  gboolean         follow_up;      /* D5 */
  guint8           error_flags;    /* abnormal replies: VpDlt645ErrorFlags */

  gboolean         has_di;         /* 11 12 14 18 1B requests, 91 92 B1 B2 replies */
  guint32          di;
  gboolean         has_seq;        /* 12 request, 92/B2 reply */
  guint8           seq;

  gboolean         has_password;   /* 14 18(old) 19 1A 1B 1C */
  VpDlt645Password password;
  gboolean         has_new_password; /* 18 */
  VpDlt645Password new_password;
  gboolean         has_operator;   /* 14 19 1A 1B 1C */
  VpDlt645Operator operator_code;

  /* Value bytes (wire order, 0x33 removed): 14 request, 91/92/B1/B2 reply (without
   * DI and SEQ), 18 reply. Points into the parsed frame: valid while it lives. */
  const guint8    *value;
  gsize            n_value;

  gboolean         has_new_address; /* 15 request, 93 reply */
  VpDlt645Address  new_address;

  gboolean         has_time;       /* 08 request */
  VpBcdTime        time;

  gboolean         has_control;    /* 1C request */
  guint8           action;         /* N1 as sent: VpDlt645ControlAction if known */
  VpBcdTime        expiry;

  gboolean         has_freeze;     /* 16 request: 99 = every */
  guint8           freeze_minute, freeze_hour, freeze_day, freeze_month;

  gboolean         has_baud;       /* 17 request, 97 reply */
  guint8           baud_code;
} VpDlt645Message;

/* Name every field of @frame by its function and direction. Fails with
 * VP_DEVICE_ERROR_MALFORMED when L does not fit the function (a read with 3 DI bytes,
 * a 1C with L != 16, a non-BCD time …). Unknown functions parse with only the
 * control bits filled and the whole data as value. */
gboolean vp_dlt645_frame_parse             (const VpDlt645Frame    *frame,
                                            VpDlt645Message        *out_message,
                                            GError                **error);

/* For clients: if @reply is abnormal set the NAK error (vp_dlt645_set_nak_error) and
 * return FALSE; FALSE with VP_DEVICE_ERROR_UNEXPECTED_REPLY if @reply does not answer
 * @request_function, or VP_DEVICE_ERROR_UNEXPECTED_ADDRESS if @expected_address is
 * not NULL, not a wildcard/abbreviated pattern, and differs from the reply's. */
gboolean vp_dlt645_check_reply             (const VpDlt645Frame    *reply,
                                            VpDlt645Function        request_function,
                                            const VpDlt645Address  *expected_address,
                                            GError                **error);

G_END_DECLS
