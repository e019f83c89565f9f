/* vp-bcd.h: packed BCD as meters send it
 *
 * DL/T 645-2007 and CJ/T 188-2004 carry numbers, addresses, passwords and clock fields
 * as packed BCD, low byte first (shared/PROTOCOLS.md "Data items"). Signed values keep
 * the sign in the top bit of the last (most significant) byte, so that byte's high
 * nibble only holds 0..7. Every decoder here rejects a non-BCD nibble with
 * VP_DEVICE_ERROR_MALFORMED instead of guessing: a garbled register must never turn
 * into a plausible reading.
 *
 * Values are integers in the item's smallest unit (0.01 kWh, 0.1 V …); the scale
 * (number of decimals) is applied only when text is formatted or parsed, so no
 * floating point is involved anywhere.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A gint64 holds 18 decimal digits: numeric BCD fields are 1..8 bytes (16 digits). */
#define VP_BCD_MAX_NUMBER_BYTES 8

/* TRUE if every nibble of @bytes is 0..9. */
gboolean vp_bcd_is_valid       (const guint8  *bytes,
                                gsize          n_bytes);

/* One BCD byte <-> 0..99. vp_bcd_byte_encode() requires @value <= 99. */
guint8   vp_bcd_byte_encode    (guint          value);
gboolean vp_bcd_byte_decode    (guint8         byte,
                                guint         *out_value);

/* Decode @n_bytes (1..8) of little-endian BCD into @out_value. With @is_signed the
 * top bit of the last byte is the sign and is cleared before the digits are read.
 * Fails with VP_DEVICE_ERROR_MALFORMED on a non-BCD nibble. */
gboolean vp_bcd_decode         (const guint8  *bytes,
                                gsize          n_bytes,
                                gboolean       is_signed,
                                gint64        *out_value,
                                GError       **error);

/* Encode @value into exactly @n_bytes (1..8) of little-endian BCD. Fails with
 * VP_DEVICE_ERROR_INVALID_ARGUMENT if @value is negative and !@is_signed, or does not
 * fit (a signed field has one bit less in its top nibble: max 7 there). -0 is
 * written as 0. @out is left untouched on failure. */
gboolean vp_bcd_encode         (gint64         value,
                                gboolean       is_signed,
                                guint8        *out,
                                gsize          n_bytes,
                                GError       **error);

/* Digits of a low-byte-first field, high digit first ("000010604867" for
 * 67 48 60 10 00 00). Bytes equal to 0xAA are written "AA" (wildcard / abbreviated
 * addresses); any other non-BCD byte fails with VP_DEVICE_ERROR_MALFORMED. */
char    *vp_bcd_to_digits      (const guint8  *bytes,
                                gsize          n_bytes,
                                GError       **error);

/* The inverse of vp_bcd_to_digits(): @digits as people write them (high digit first)
 * into @n_bytes low-byte-first. Shorter input is padded with leading zeros; "A"/"a"
 * digits must come in whole "AA" bytes. More than 2 × @n_bytes digits, or any other
 * character, fails with VP_DEVICE_ERROR_INVALID_ARGUMENT. */
gboolean vp_bcd_from_digits    (const char    *digits,
                                guint8        *out,
                                gsize          n_bytes,
                                GError       **error);

/* @value / 10^@scale as exact decimal text: (26, 2) → "0.26", (2201, 1) → "220.1",
 * (-1234, 3) → "-1.234", (5, 0) → "5". @scale <= 18. */
char    *vp_bcd_format_scaled  (gint64         value,
                                guint          scale);

/* Parse decimal text with at most @scale decimals into an integer of 10^-@scale
 * units ("220.1" at scale 1 → 2201, "-1.5" at scale 3 → -1500). Rejects more
 * decimals than @scale (no silent rounding), empty text, stray characters and
 * overflow with VP_DEVICE_ERROR_INVALID_ARGUMENT. */
gboolean vp_bcd_parse_scaled   (const char    *text,
                                guint          scale,
                                gint64        *out_value,
                                GError       **error);

/* A meter clock reading as BCD fields carry it. Fields the layout does not carry
 * stay 0 (weekday -1). No time zone: meters keep local time. */
typedef struct
{
  guint year;     /* full year: 2000 + YY unless the layout carries the century */
  guint month;    /* 1..12 */
  guint day;      /* 1..31 */
  guint hour;
  guint minute;
  guint second;
  gint  weekday;  /* 0 = Sunday … 6 (DL/T 645 04000101); -1 when not carried */
  guint has_date : 1;
  guint has_time : 1;
} VpBcdTime;

/* Layouts name the bytes in wire order, one letter per BCD byte:
 * s second, m minute, h hour, D day, M month, Y year within century, C century,
 * W weekday. Examples (shared/PROTOCOLS.md): */
#define VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME "smhDMY"  /* 08 broadcast time, 1C expiry */
#define VP_BCD_TIME_LAYOUT_DLT645_DATE      "WDMY"    /* item 04000101 */
#define VP_BCD_TIME_LAYOUT_DLT645_TIME      "smh"     /* item 04000102 */
#define VP_BCD_TIME_LAYOUT_CJT188           "smhDMYC" /* 901F meter time */

/* Decode strlen(@layout) bytes. Only BCD validity is checked (a meter whose clock was
 * never set sends zeros); use vp_bcd_time_is_valid() before trusting the calendar. */
gboolean vp_bcd_time_decode    (const guint8  *bytes,
                                const char    *layout,
                                VpBcdTime     *out_time,
                                GError       **error);

/* Encode @time into strlen(@layout) bytes at @out. Fails with
 * VP_DEVICE_ERROR_INVALID_ARGUMENT if a field does not fit its byte (year outside
 * 2000..2099 without a C byte, weekday -1 with a W byte …). */
gboolean vp_bcd_time_encode    (const VpBcdTime *time,
                                const char      *layout,
                                guint8          *out,
                                GError         **error);

/* TRUE if the carried date is a real calendar date and the time is within 00:00:00
 * ..23:59:59. */
gboolean vp_bcd_time_is_valid  (const VpBcdTime *time);

/* ISO 8601 without zone: "2017-06-05T10:22:51", "2017-06-05" (date only) or
 * "10:22:51" (time only). */
char    *vp_bcd_time_to_iso8601 (const VpBcdTime *time);

/* Parse "YYYY-MM-DDThh:mm:ss" (a space may stand for T), "YYYY-MM-DD" or "hh:mm:ss";
 * the weekday is computed for dates. VP_DEVICE_ERROR_INVALID_ARGUMENT otherwise. */
gboolean vp_bcd_time_parse_iso8601 (const char *text,
                                    VpBcdTime  *out_time,
                                    GError    **error);

/* Fill @out_time (date and time, weekday) from @datetime's local fields. */
void     vp_bcd_time_from_date_time (VpBcdTime *out_time,
                                     GDateTime *datetime);

/* A GDateTime in @tz (NULL: local), or NULL if @time lacks a date or is not valid.
 * A time-only value has no date to sit on and gives NULL. */
GDateTime *vp_bcd_time_to_date_time (const VpBcdTime *time,
                                     GTimeZone       *tz);

G_END_DECLS
