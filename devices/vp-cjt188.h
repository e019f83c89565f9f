/* vp-cjt188.h: CJ/T 188-2004 frames (water, heat, gas meters), pure bytes, no I/O
 *
 * Wire frame (shared/PROTOCOLS.md "CJ/T 188-2004"):
 *   FE×2..3  68  T  A0..A6  C  L  DI(2)  SER  payload  CS  16
 * No +0x33 offset. CS is the byte sum from 68 through the last data byte. The DI goes
 * out big-endian in the 2004 edition ("90 1F"). C uses the DL/T 645 bit layout
 * (D7 reply, D6 abnormal).
 */
#pragma once

#include <glib.h>

#include "vp-bcd.h"

G_BEGIN_DECLS

/* ---- Address: 14 BCD digits, low byte first ---------------------------------- */

#define VP_CJT188_ADDRESS_SIZE 7

typedef struct
{
  guint8 bytes[VP_CJT188_ADDRESS_SIZE]; /* wire order: bytes[0] holds the lowest two digits */
} VpCjt188Address;

/* 1..14 digits (left-padded with zeros) or the wildcard "AAAAAAAAAAAAAA"; AA may also
 * fill whole high bytes. VP_DEVICE_ERROR_INVALID_ARGUMENT otherwise. */
gboolean vp_cjt188_address_parse         (const char            *text,
                                          VpCjt188Address       *out_address,
                                          GError               **error);
/* 14 characters, high digit first. */
char    *vp_cjt188_address_to_string     (const VpCjt188Address *address);
void     vp_cjt188_address_init_wildcard (VpCjt188Address       *address);
gboolean vp_cjt188_address_is_wildcard   (const VpCjt188Address *address);
gboolean vp_cjt188_address_equal         (const VpCjt188Address *a,
                                          const VpCjt188Address *b);
/* Would a meter at @meter act on a frame sent to @target (own, wildcard, or an
 * abbreviated address with AA high bytes)? */
gboolean vp_cjt188_address_matches       (const VpCjt188Address *target,
                                          const VpCjt188Address *meter);

/* ---- Meter type T ------------------------------------------------------------- */

typedef enum
{
  VP_CJT188_TYPE_COLD_WATER      = 0x10,
  VP_CJT188_TYPE_HOT_WATER       = 0x11,
  VP_CJT188_TYPE_DRINKING_WATER  = 0x12,
  VP_CJT188_TYPE_RECLAIMED_WATER = 0x13,
  VP_CJT188_TYPE_HEAT            = 0x20,
  VP_CJT188_TYPE_COOLING         = 0x21,
  VP_CJT188_TYPE_HEAT_COOLING    = 0x22,
  VP_CJT188_TYPE_GAS             = 0x30,
  VP_CJT188_TYPE_WILDCARD        = 0xAA,
} VpCjt188MeterType;

/* "cold-water", "hot-water", "drinking-water", "reclaimed-water", "heat", "cooling",
 * "heat-cooling", "gas", "any"; NULL for other T values. */
const char *vp_cjt188_meter_type_to_string   (guint              type);
gboolean    vp_cjt188_meter_type_from_string (const char        *name,
                                              VpCjt188MeterType *out_type);
/* TRUE for T values a CJ/T 188 frame may carry: the family ranges 10-19 water,
 * 20-29 heat, 30-39 gas, 40-49 other, and AA. Used to recognise frames. */
gboolean    vp_cjt188_meter_type_is_plausible (guint8            type);

/* ---- Control code and data identifiers ---------------------------------------- */

#define VP_CJT188_CONTROL_REPLY         0x80
#define VP_CJT188_CONTROL_ABNORMAL      0x40
#define VP_CJT188_CONTROL_FUNCTION_MASK 0x3F

typedef enum
{
  VP_CJT188_FUNCTION_READ          = 0x01,
  VP_CJT188_FUNCTION_READ_ADDRESS  = 0x03,
  VP_CJT188_FUNCTION_WRITE         = 0x04,
  VP_CJT188_FUNCTION_WRITE_ADDRESS = 0x15,
} VpCjt188Function;

/* "read-data", "read-address", "write", "write-address"; NULL for others. */
const char *vp_cjt188_function_to_string (guint function);

#define VP_CJT188_DI_READ_DATA    0x901F  /* current and settlement flow, time, status */
#define VP_CJT188_DI_READ_ADDRESS 0x810A
#define VP_CJT188_DI_VALVE        0xA017  /* payload 55 open, 99 close */
#define VP_CJT188_VALVE_OPEN_BYTE  0x55
#define VP_CJT188_VALVE_CLOSE_BYTE 0x99

/* ---- Frames ------------------------------------------------------------------- */

/* L is one byte; 100 is far above anything 2004-edition meters send and bounds
 * how long a stream reader waits on a corrupt L (VP_DEVICE_ERROR_TOO_LONG). */
#define VP_CJT188_MAX_DATA         100
#define VP_CJT188_DEFAULT_PREAMBLE 3     /* FE FE FE as in captures W2, W3 */
#define VP_CJT188_HEADER_SIZE      11    /* 68 T A0..A6 C L */
#define VP_CJT188_MIN_FRAME_SIZE   13    /* L = 0 */

typedef struct
{
  guint8          type;                     /* T: VpCjt188MeterType */
  VpCjt188Address address;
  guint8          control;
  guint8          length;                   /* L */
  guint8          data[VP_CJT188_MAX_DATA]; /* DI(2, big-endian) SER payload, as on the wire */
} VpCjt188Frame;

/* Start a frame whose data is DI (big-endian) + SER; append the payload with
 * vp_cjt188_frame_append(). */
void     vp_cjt188_frame_init    (VpCjt188Frame         *frame,
                                  guint8                 type,
                                  const VpCjt188Address *address,
                                  guint8                 control,
                                  guint16                di,
                                  guint8                 ser);
/* VP_DEVICE_ERROR_TOO_LONG past VP_CJT188_MAX_DATA (frame unchanged). */
gboolean vp_cjt188_frame_append  (VpCjt188Frame         *frame,
                                  const guint8          *bytes,
                                  gsize                  n_bytes,
                                  GError               **error);

/* DI, SER and payload of a frame with L >= 3 (0 / empty otherwise). */
guint16       vp_cjt188_frame_get_di      (const VpCjt188Frame *frame);
guint8        vp_cjt188_frame_get_ser     (const VpCjt188Frame *frame);
const guint8 *vp_cjt188_frame_get_payload (const VpCjt188Frame *frame,
                                           gsize               *out_n_payload);

/* Wire bytes with @n_preamble FE (0..16). */
GBytes  *vp_cjt188_frame_encode  (const VpCjt188Frame   *frame,
                                  guint                  n_preamble);

/* Exactly one complete frame: leading FE allowed, nothing after the 16. Errors as
 * vp_dlt645_frame_decode() (TRUNCATED, MALFORMED, TOO_LONG, BAD_CHECKSUM, BAD_END),
 * plus MALFORMED when T is not a plausible meter type. */
gboolean vp_cjt188_frame_decode  (const guint8          *bytes,
                                  gsize                  n_bytes,
                                  VpCjt188Frame         *out_frame,
                                  GError               **error);

/* Candidate check for stream readers, as vp_dlt645_frame_scan(): 0 + @error when the
 * bytes at 68 can never be a valid frame, 0 without error when more bytes are
 * needed, else the full frame size. */
gsize    vp_cjt188_frame_scan    (const guint8          *bytes,
                                  gsize                  n_bytes,
                                  GError               **error);

/* ---- Builders ----------------------------------------------------------------- */

/* C=01 read: DI (901F for metering data) + SER. */
void     vp_cjt188_build_read               (VpCjt188Frame         *out_frame,
                                             guint8                 type,
                                             const VpCjt188Address *address,
                                             guint16                di,
                                             guint8                 ser);
/* C=03 read address: DI 810A + SER to AA×7 (W3). */
void     vp_cjt188_build_read_address       (VpCjt188Frame         *out_frame,
                                             guint8                 type,
                                             guint8                 ser);
/* C=04 write A017 SER 55 (open) / 99 (close) (W5, W6). */
void     vp_cjt188_build_valve              (VpCjt188Frame         *out_frame,
                                             guint8                 type,
                                             const VpCjt188Address *address,
                                             gboolean               open,
                                             guint8                 ser);

/* ---- Metering data (901F reply payload) -------------------------------------- */

typedef enum
{
  VP_CJT188_UNIT_LITRE = 0x29,
  VP_CJT188_UNIT_M3    = 0x2C,
} VpCjt188Unit;

/* "m³", "L"; NULL for other unit codes. */
const char *vp_cjt188_unit_to_string (guint8 unit);

typedef enum
{
  VP_CJT188_VALVE_OPEN     = 0,  /* ST0 D0-D1 = 00 */
  VP_CJT188_VALVE_CLOSED   = 1,  /* 01 */
  VP_CJT188_VALVE_UNKNOWN  = 2,  /* 10: not defined by the standard */
  VP_CJT188_VALVE_ABNORMAL = 3,  /* 11 */
} VpCjt188ValveState;

/* "open", "closed", "unknown", "abnormal". */
const char *vp_cjt188_valve_state_to_string (VpCjt188ValveState state);

#define VP_CJT188_STATUS_VALVE_MASK  0x03
#define VP_CJT188_STATUS_BATTERY_LOW 0x04

typedef struct
{
  gint64             current_flow;     /* 0.01 of current_unit (XXXXXX.XX) */
  guint8             current_unit;     /* VpCjt188Unit */
  gint64             settlement_flow;  /* flow at the last settlement day */
  guint8             settlement_unit;
  VpBcdTime          time;             /* meter clock; check vp_bcd_time_is_valid() */
  guint8             status[2];        /* ST as sent */
  VpCjt188ValveState valve;            /* from status[0] */
  gboolean           battery_low;
} VpCjt188MeterData;

#define VP_CJT188_METER_DATA_SIZE 19     /* 5 + 5 + 7 + 2 payload bytes after DI+SER */

/* Valve state and battery flag from ST (a 901F or valve reply). */
void     vp_cjt188_status_decode         (const guint8            status[2],
                                          VpCjt188ValveState     *out_valve,
                                          gboolean               *out_battery_low);

/* Parse a 901F reply (C=81). VP_DEVICE_ERROR_UNEXPECTED_REPLY if it is another
 * frame, VP_DEVICE_ERROR_MALFORMED on wrong length or non-BCD fields. */
gboolean vp_cjt188_meter_data_parse      (const VpCjt188Frame    *frame,
                                          VpCjt188MeterData      *out_data,
                                          GError                **error);

/* ---- Reply builders (simulator) ---------------------------------------------- */

/* C=81: 90 1F SER + @data (flows, units, time with century byte, ST). The valve and
 * battery fields of @data are ignored: ST is written from @data->status. */
gboolean vp_cjt188_build_read_data_reply (VpCjt188Frame           *out_frame,
                                          guint8                   type,
                                          const VpCjt188Address   *address,
                                          guint8                   ser,
                                          const VpCjt188MeterData *data,
                                          GError                 **error);
/* C=83: 81 0A SER, the meter's address in the header. */
void     vp_cjt188_build_read_address_reply (VpCjt188Frame         *out_frame,
                                          guint8                   type,
                                          const VpCjt188Address   *address,
                                          guint8                   ser);
/* C=84: A0 17 SER ST0 ST1. */
void     vp_cjt188_build_valve_reply     (VpCjt188Frame           *out_frame,
                                          guint8                   type,
                                          const VpCjt188Address   *address,
                                          guint8                   ser,
                                          const guint8             status[2]);
/* ST bytes for a valve state and battery flag. */
void     vp_cjt188_status_encode         (VpCjt188ValveState       valve,
                                          gboolean                 battery_low,
                                          guint8                   out_status[2]);

/* ---- Parsing any frame into named fields ------------------------------------- */

typedef struct
{
  guint              function;      /* C & 0x3F */
  gboolean           reply;
  gboolean           abnormal;
  gboolean           has_di;        /* L >= 3 */
  guint16            di;
  guint8             ser;
  const guint8      *payload;       /* after DI+SER; points into the frame */
  gsize              n_payload;

  gboolean           has_meter_data;  /* 901F reply */
  VpCjt188MeterData  meter_data;
  gboolean           has_valve_command; /* A017 request */
  gboolean           valve_open;
  gboolean           has_status;    /* 901F and A017 replies */
  guint8             status[2];
  VpCjt188ValveState valve;
  gboolean           battery_low;
} VpCjt188Message;

/* VP_DEVICE_ERROR_MALFORMED when a known DI's payload has the wrong size or content. */
gboolean vp_cjt188_frame_parse           (const VpCjt188Frame    *frame,
                                          VpCjt188Message        *out_message,
                                          GError                **error);

G_END_DECLS
