/* vp-dlt645.c: DL/T 645-2007 frames (shared/PROTOCOLS.md "DL/T 645-2007") */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-device-error.h"
#include "vp-dlt645.h"
#include "vp-dlt645-items.h"
#include "vp-frame-private.h"

/* ---- Address ------------------------------------------------------------------ */

/* Wildcard and broadcast bytes (PROTOCOLS.md: AA×6 wildcard, 99×6 broadcast). */
#define ADDRESS_WILDCARD_BYTE  VP_FRAME_ADDRESS_WILDCARD_BYTE
#define ADDRESS_BROADCAST_BYTE 0x99

gboolean
vp_dlt645_address_parse (const char       *text,
                         VpDlt645Address  *out_address,
                         GError          **error)
{
  VpDlt645Address address;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_frame_address_parse (text, address.bytes, VP_DLT645_ADDRESS_SIZE, error))
    return FALSE;

  *out_address = address;
  return TRUE;
}

char *
vp_dlt645_address_to_string (const VpDlt645Address *address)
{
  g_return_val_if_fail (address != NULL, NULL);
  return vp_frame_address_to_string (address->bytes, VP_DLT645_ADDRESS_SIZE);
}

static void
address_fill (VpDlt645Address *address,
              guint8           byte)
{
  memset (address->bytes, byte, VP_DLT645_ADDRESS_SIZE);
}

static gboolean
address_all (const VpDlt645Address *address,
             guint8                 byte)
{
  for (gsize i = 0; i < VP_DLT645_ADDRESS_SIZE; i++)
    if (address->bytes[i] != byte)
      return FALSE;
  return TRUE;
}

void
vp_dlt645_address_init_wildcard (VpDlt645Address *address)
{
  g_return_if_fail (address != NULL);
  address_fill (address, ADDRESS_WILDCARD_BYTE);
}

void
vp_dlt645_address_init_broadcast (VpDlt645Address *address)
{
  g_return_if_fail (address != NULL);
  address_fill (address, ADDRESS_BROADCAST_BYTE);
}

gboolean
vp_dlt645_address_is_wildcard (const VpDlt645Address *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  return address_all (address, ADDRESS_WILDCARD_BYTE);
}

gboolean
vp_dlt645_address_is_broadcast (const VpDlt645Address *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  return address_all (address, ADDRESS_BROADCAST_BYTE);
}

gboolean
vp_dlt645_address_is_abbreviated (const VpDlt645Address *address)
{
  gboolean rest_is_bcd;
  guint n_aa;

  g_return_val_if_fail (address != NULL, FALSE);

  n_aa = vp_frame_address_count_wildcard (address->bytes, VP_DLT645_ADDRESS_SIZE, &rest_is_bcd);
  return n_aa > 0 && n_aa < VP_DLT645_ADDRESS_SIZE && rest_is_bcd;
}

gboolean
vp_dlt645_address_is_full (const VpDlt645Address *address)
{
  g_return_val_if_fail (address != NULL, FALSE);
  return vp_bcd_is_valid (address->bytes, VP_DLT645_ADDRESS_SIZE);
}

gboolean
vp_dlt645_address_equal (const VpDlt645Address *a,
                         const VpDlt645Address *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return memcmp (a->bytes, b->bytes, VP_DLT645_ADDRESS_SIZE) == 0;
}

gboolean
vp_dlt645_address_matches (const VpDlt645Address *target,
                           const VpDlt645Address *meter)
{
  g_return_val_if_fail (target != NULL && meter != NULL, FALSE);

  if (vp_dlt645_address_is_broadcast (target))
    return TRUE;
  return vp_frame_address_matches (target->bytes, meter->bytes, VP_DLT645_ADDRESS_SIZE);
}

/* ---- Names -------------------------------------------------------------------- */

const char *
vp_dlt645_function_to_string (guint function)
{
  switch (function)
    {
    case VP_DLT645_FUNCTION_BROADCAST_TIME: return "broadcast-time";
    case VP_DLT645_FUNCTION_READ: return "read";
    case VP_DLT645_FUNCTION_READ_FOLLOW_UP: return "read-follow-up";
    case VP_DLT645_FUNCTION_READ_ADDRESS: return "read-address";
    case VP_DLT645_FUNCTION_WRITE: return "write";
    case VP_DLT645_FUNCTION_WRITE_ADDRESS: return "write-address";
    case VP_DLT645_FUNCTION_FREEZE: return "freeze";
    case VP_DLT645_FUNCTION_CHANGE_BAUD: return "change-baud";
    case VP_DLT645_FUNCTION_CHANGE_PASSWORD: return "change-password";
    case VP_DLT645_FUNCTION_CLEAR_DEMAND: return "clear-demand";
    case VP_DLT645_FUNCTION_CLEAR_METER: return "clear-meter";
    case VP_DLT645_FUNCTION_CLEAR_EVENTS: return "clear-events";
    case VP_DLT645_FUNCTION_CONTROL: return "control";
    default: return NULL;
    }
}

static const VpFrameName control_actions[] = {
  { VP_DLT645_CONTROL_ACTION_TRIP, "trip" },
  { VP_DLT645_CONTROL_ACTION_CLOSE_ALLOW, "close-allow" },
  { VP_DLT645_CONTROL_ACTION_CLOSE, "close" },
  { VP_DLT645_CONTROL_ACTION_ALARM, "alarm" },
  { VP_DLT645_CONTROL_ACTION_ALARM_CLEAR, "alarm-clear" },
  { VP_DLT645_CONTROL_ACTION_KEEP_POWER, "keep-power" },
  { VP_DLT645_CONTROL_ACTION_KEEP_POWER_CLEAR, "keep-power-clear" },
};

const char *
vp_dlt645_control_action_to_string (guint action)
{
  return vp_frame_name_lookup (control_actions, G_N_ELEMENTS (control_actions), action);
}

gboolean
vp_dlt645_control_action_from_string (const char            *name,
                                      VpDlt645ControlAction *out_action)
{
  guint code;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out_action != NULL, FALSE);

  if (!vp_frame_name_find (control_actions, G_N_ELEMENTS (control_actions), name, &code))
    return FALSE;
  *out_action = code;
  return TRUE;
}

/* ---- Frames ------------------------------------------------------------------- */

void
vp_dlt645_frame_init (VpDlt645Frame         *frame,
                      const VpDlt645Address *address,
                      guint8                 control)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (address != NULL);

  frame->address = *address;
  frame->control = control;
  frame->length = 0;
}

gboolean
vp_dlt645_frame_append (VpDlt645Frame  *frame,
                        const guint8   *bytes,
                        gsize           n_bytes,
                        GError        **error)
{
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || n_bytes == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_bytes > (gsize) (VP_DLT645_MAX_DATA - frame->length))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TOO_LONG,
                   _("The frame data would be %u bytes; DL/T 645 allows at most %u"),
                   (guint) (frame->length + n_bytes), VP_DLT645_MAX_DATA);
      return FALSE;
    }
  if (n_bytes > 0)
    memcpy (frame->data + frame->length, bytes, n_bytes);
  frame->length += (guint8) n_bytes;
  return TRUE;
}

/* For builders whose data has a fixed size far below the limit. */
static void
append_fixed (VpDlt645Frame *frame,
              const guint8  *bytes,
              gsize          n_bytes)
{
  g_assert (frame->length + n_bytes <= VP_DLT645_MAX_DATA);
  memcpy (frame->data + frame->length, bytes, n_bytes);
  frame->length += (guint8) n_bytes;
}

static void
append_byte (VpDlt645Frame *frame,
             guint8         byte)
{
  append_fixed (frame, &byte, 1);
}

/* DI goes out DI0 first: 00010000 is sent 00 00 01 00 (PROTOCOLS.md). */
static void
append_di (VpDlt645Frame *frame,
           guint32        di)
{
  guint8 bytes[4] = { di & 0xFF, (di >> 8) & 0xFF, (di >> 16) & 0xFF, di >> 24 };

  append_fixed (frame, bytes, sizeof bytes);
}

static guint32
read_di (const guint8 *bytes)
{
  return (guint32) bytes[0] | (guint32) bytes[1] << 8 | (guint32) bytes[2] << 16
         | (guint32) bytes[3] << 24;
}

static void
append_password (VpDlt645Frame          *frame,
                 const VpDlt645Password *password)
{
  append_byte (frame, password->level);
  append_fixed (frame, password->bytes, sizeof password->bytes);
}

static void
read_password (const guint8     *bytes,
               VpDlt645Password *out_password)
{
  out_password->level = bytes[0];
  memcpy (out_password->bytes, bytes + 1, sizeof out_password->bytes);
}

guint8
vp_dlt645_checksum (const guint8 *bytes,
                    gsize         n_bytes)
{
  guint8 sum = 0;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, 0);

  for (gsize i = 0; i < n_bytes; i++)
    sum += bytes[i];
  return sum;
}

GBytes *
vp_dlt645_frame_encode (const VpDlt645Frame *frame,
                        guint                n_preamble)
{
  guint8 header[VP_DLT645_HEADER_SIZE];
  guint8 data[VP_DLT645_MAX_DATA];

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (n_preamble <= VP_DLT645_MAX_PREAMBLE, NULL);
  g_return_val_if_fail (frame->length <= VP_DLT645_MAX_DATA, NULL);

  header[0] = VP_DLT645_START;
  memcpy (header + 1, frame->address.bytes, VP_DLT645_ADDRESS_SIZE);
  header[7] = VP_DLT645_START;
  header[8] = frame->control;
  header[9] = frame->length;
  for (guint i = 0; i < frame->length; i++)
    data[i] = (guint8) (frame->data[i] + VP_DLT645_DATA_OFFSET);
  return vp_frame_encode (n_preamble, header, sizeof header, data, frame->length);
}

gsize
vp_dlt645_frame_scan (const guint8  *bytes,
                      gsize          n_bytes,
                      GError       **error)
{
  g_return_val_if_fail (bytes != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (n_bytes < 1)
    return 0;
  if (bytes[0] != VP_DLT645_START)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Frame starts with 0x%02X, expected 0x68"), bytes[0]);
      return 0;
    }
  /* 68 A0..A5 68: the second start byte sits at offset 7. */
  if (n_bytes < 8)
    return 0;
  if (bytes[7] != VP_DLT645_START)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Byte 8 of a DL/T 645 frame is 0x%02X, expected the second 0x68"),
                   bytes[7]);
      return 0;
    }
  return vp_frame_scan_body (bytes, n_bytes, VP_DLT645_HEADER_SIZE, VP_DLT645_MAX_DATA, error);
}

gboolean
vp_dlt645_frame_decode (const guint8   *bytes,
                        gsize           n_bytes,
                        VpDlt645Frame  *out_frame,
                        GError        **error)
{
  const guint8 *start;
  gsize size;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, FALSE);
  g_return_val_if_fail (out_frame != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  start = vp_frame_check_complete (bytes, n_bytes, VP_DLT645_HEADER_SIZE,
                                   vp_dlt645_frame_scan, &size, error);
  if (start == NULL)
    return FALSE;

  memcpy (out_frame->address.bytes, start + 1, VP_DLT645_ADDRESS_SIZE);
  out_frame->control = start[8];
  out_frame->length = start[9];
  for (guint i = 0; i < out_frame->length; i++)
    out_frame->data[i] = (guint8) (start[VP_DLT645_HEADER_SIZE + i] - VP_DLT645_DATA_OFFSET);
  return TRUE;
}

/* ---- Error byte --------------------------------------------------------------- */

static const struct
{
  guint8      bit;
  const char *name;
  const char *description;
} error_bits[] = {
  { VP_DLT645_ERROR_OTHER, "other", N_("other error") },
  { VP_DLT645_ERROR_NO_DATA, "no-data", N_("no requested data") },
  { VP_DLT645_ERROR_PASSWORD, "password", N_("password wrong or not authorised") },
  { VP_DLT645_ERROR_BAUD, "baud", N_("baud rate cannot be changed") },
  { VP_DLT645_ERROR_YEAR_ZONES, "year-zones", N_("too many year zones") },
  { VP_DLT645_ERROR_DAY_SLOTS, "day-slots", N_("too many day slots") },
  { VP_DLT645_ERROR_TARIFFS, "tariffs", N_("too many tariffs") },
};

GStrv
vp_dlt645_error_flags_to_strv (guint8 flags)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (error_bits); i++)
    if (flags & error_bits[i].bit)
      g_strv_builder_add (builder, error_bits[i].name);
  /* Bit 7 is reserved: still show that something unnamed was set. */
  if (flags & 0x80)
    g_strv_builder_add (builder, "reserved");
  return g_strv_builder_end (builder);
}

void
vp_dlt645_set_nak_error (GError **error,
                         guint8   flags)
{
  g_autoptr(GString) reasons = g_string_new (NULL);
  VpDeviceError code = VP_DEVICE_ERROR_NAK;

  for (guint i = 0; i < G_N_ELEMENTS (error_bits); i++)
    if (flags & error_bits[i].bit)
      {
        if (reasons->len > 0)
          g_string_append (reasons, "; ");
        g_string_append (reasons, _(error_bits[i].description));
      }
  if (reasons->len == 0)
    g_string_append_printf (reasons, _("error byte 0x%02X"), flags);

  if (flags & VP_DLT645_ERROR_PASSWORD)
    code = VP_DEVICE_ERROR_NAK_PASSWORD;
  else if (flags & VP_DLT645_ERROR_NO_DATA)
    code = VP_DEVICE_ERROR_NAK_NO_DATA;

  g_set_error (error, VP_DEVICE_ERROR, code, _("The meter refused: %s"), reasons->str);
}

/* ---- Passwords, operators, baud ------------------------------------------------ */

gboolean
vp_dlt645_password_parse (const char        *text,
                          VpDlt645Password  *out_password,
                          GError           **error)
{
  g_auto(GStrv) parts = NULL;
  VpDlt645Password password;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) != 2 || strlen (parts[1]) != 6
      || strlen (parts[0]) < 1 || strlen (parts[0]) > 2
      || strspn (parts[0], "0123456789") != strlen (parts[0])
      || strspn (parts[1], "0123456789") != 6
      || !vp_bcd_from_digits (parts[0], &password.level, 1, NULL)
      || password.level > 0x09
      || !vp_bcd_from_digits (parts[1], password.bytes, 3, NULL))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a meter password (expected LEVEL:PASSWORD such as "
                     "02:123456, level 00–09, six digits)"), text);
      return FALSE;
    }

  *out_password = password;
  return TRUE;
}

char *
vp_dlt645_password_to_string (const VpDlt645Password *password)
{
  g_return_val_if_fail (password != NULL, NULL);

  return g_strdup_printf ("%02X:%02X%02X%02X", password->level, password->bytes[2],
                          password->bytes[1], password->bytes[0]);
}

gboolean
vp_dlt645_password_equal (const VpDlt645Password *a,
                          const VpDlt645Password *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return a->level == b->level && memcmp (a->bytes, b->bytes, sizeof a->bytes) == 0;
}

gboolean
vp_dlt645_operator_parse (const char        *text,
                          VpDlt645Operator  *out_operator,
                          GError           **error)
{
  VpDlt645Operator operator_code;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_operator != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strspn (text, "0123456789") != strlen (text)
      || !vp_bcd_from_digits (text, operator_code.bytes, sizeof operator_code.bytes, NULL))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an operator code (1 to 8 digits)"), text);
      return FALSE;
    }

  *out_operator = operator_code;
  return TRUE;
}

char *
vp_dlt645_operator_to_string (const VpDlt645Operator *operator_code)
{
  g_return_val_if_fail (operator_code != NULL, NULL);

  return g_strdup_printf ("%02X%02X%02X%02X", operator_code->bytes[3], operator_code->bytes[2],
                          operator_code->bytes[1], operator_code->bytes[0]);
}

static const guint baud_rates[] = { 0, 600, 1200, 2400, 4800, 9600, 19200 };

guint8
vp_dlt645_baud_from_rate (guint rate)
{
  for (guint bit = 1; bit < G_N_ELEMENTS (baud_rates); bit++)
    if (baud_rates[bit] == rate)
      return (guint8) (1 << bit);
  return 0;
}

guint
vp_dlt645_baud_to_rate (guint8 baud_code)
{
  for (guint bit = 1; bit < G_N_ELEMENTS (baud_rates); bit++)
    if (baud_code == (1 << bit))
      return baud_rates[bit];
  return 0;
}

/* ---- Request builders ----------------------------------------------------------- */

void
vp_dlt645_build_read (VpDlt645Frame         *out_frame,
                      const VpDlt645Address *address,
                      guint32                di)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_READ);
  append_di (out_frame, di);
}

void
vp_dlt645_build_read_follow_up (VpDlt645Frame         *out_frame,
                                const VpDlt645Address *address,
                                guint32                di,
                                guint8                 seq)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_READ_FOLLOW_UP);
  append_di (out_frame, di);
  append_byte (out_frame, seq);
}

void
vp_dlt645_build_read_address (VpDlt645Frame *out_frame)
{
  VpDlt645Address wildcard;

  g_return_if_fail (out_frame != NULL);

  vp_dlt645_address_init_wildcard (&wildcard);
  vp_dlt645_frame_init (out_frame, &wildcard, VP_DLT645_FUNCTION_READ_ADDRESS);
}

/* PA P0 P1 P2 C0..C3: the authorisation prefix of 14, 19, 1A, 1B and 1C. */
static void
append_authorisation (VpDlt645Frame          *frame,
                      const VpDlt645Password *password,
                      const VpDlt645Operator *operator_code)
{
  append_password (frame, password);
  append_fixed (frame, operator_code->bytes, sizeof operator_code->bytes);
}

gboolean
vp_dlt645_build_write (VpDlt645Frame          *out_frame,
                       const VpDlt645Address  *address,
                       guint32                 di,
                       const VpDlt645Password *password,
                       const VpDlt645Operator *operator_code,
                       const guint8           *value,
                       gsize                   n_value,
                       GError                **error)
{
  g_return_val_if_fail (out_frame != NULL && address != NULL, FALSE);
  g_return_val_if_fail (password != NULL && operator_code != NULL, FALSE);
  g_return_val_if_fail (value != NULL || n_value == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_WRITE);
  append_di (out_frame, di);
  append_authorisation (out_frame, password, operator_code);
  return vp_dlt645_frame_append (out_frame, value, n_value, error);
}

void
vp_dlt645_build_write_address (VpDlt645Frame         *out_frame,
                               const VpDlt645Address *new_address)
{
  VpDlt645Address wildcard;

  g_return_if_fail (out_frame != NULL && new_address != NULL);

  vp_dlt645_address_init_wildcard (&wildcard);
  vp_dlt645_frame_init (out_frame, &wildcard, VP_DLT645_FUNCTION_WRITE_ADDRESS);
  append_fixed (out_frame, new_address->bytes, VP_DLT645_ADDRESS_SIZE);
}

/* ss mm hh DD MM YY, seconds first (PROTOCOLS.md 08 and 1C N3..N8). */
static gboolean
append_date_time (VpDlt645Frame   *frame,
                  const VpBcdTime *time,
                  GError         **error)
{
  guint8 bytes[6];

  if (!time->has_date || !time->has_time || !vp_bcd_time_is_valid (time))
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                           _("A meter command needs a valid date and time"));
      return FALSE;
    }
  if (!vp_bcd_time_encode (time, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, bytes, error))
    return FALSE;
  append_fixed (frame, bytes, sizeof bytes);
  return TRUE;
}

gboolean
vp_dlt645_build_broadcast_time (VpDlt645Frame    *out_frame,
                                const VpBcdTime  *time,
                                GError          **error)
{
  VpDlt645Address broadcast;

  g_return_val_if_fail (out_frame != NULL && time != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vp_dlt645_address_init_broadcast (&broadcast);
  vp_dlt645_frame_init (out_frame, &broadcast, VP_DLT645_FUNCTION_BROADCAST_TIME);
  return append_date_time (out_frame, time, error);
}

/* 99 means "every" in a freeze field (PROTOCOLS.md 16). */
#define FREEZE_EVERY 99

gboolean
vp_dlt645_build_freeze (VpDlt645Frame          *out_frame,
                        const VpDlt645Address  *address,
                        guint                   minute,
                        guint                   hour,
                        guint                   day,
                        guint                   month,
                        GError                **error)
{
  const guint values[4] = { minute, hour, day, month };
  const guint max[4] = { 59, 23, 31, 12 };
  const guint min[4] = { 0, 0, 1, 1 };
  guint8 bytes[4];

  g_return_val_if_fail (out_frame != NULL && address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < 4; i++)
    {
      if (values[i] != FREEZE_EVERY && (values[i] < min[i] || values[i] > max[i]))
        {
          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                       _("Freeze time %02u %02u %02u %02u (mm hh DD MM) is out of range"),
                       minute, hour, day, month);
          return FALSE;
        }
      bytes[i] = vp_bcd_byte_encode (values[i]);
    }

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_FREEZE);
  append_fixed (out_frame, bytes, sizeof bytes);
  return TRUE;
}

void
vp_dlt645_build_change_baud (VpDlt645Frame         *out_frame,
                             const VpDlt645Address *address,
                             guint8                 baud_code)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_CHANGE_BAUD);
  append_byte (out_frame, baud_code);
}

void
vp_dlt645_build_change_password (VpDlt645Frame          *out_frame,
                                 const VpDlt645Address  *address,
                                 const VpDlt645Password *old_password,
                                 const VpDlt645Password *new_password)
{
  g_return_if_fail (out_frame != NULL && address != NULL);
  g_return_if_fail (old_password != NULL && new_password != NULL);

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_CHANGE_PASSWORD);
  /* DI 04000C01 + level names the password being set (PROTOCOLS.md 18). */
  append_di (out_frame, VP_DLT645_DI_PASSWORD_BASE + new_password->level);
  append_password (out_frame, old_password);
  append_password (out_frame, new_password);
}

void
vp_dlt645_build_clear (VpDlt645Frame          *out_frame,
                       const VpDlt645Address  *address,
                       VpDlt645Function        function,
                       const VpDlt645Password *password,
                       const VpDlt645Operator *operator_code)
{
  g_return_if_fail (out_frame != NULL && address != NULL);
  g_return_if_fail (password != NULL && operator_code != NULL);
  g_return_if_fail (function == VP_DLT645_FUNCTION_CLEAR_DEMAND
                    || function == VP_DLT645_FUNCTION_CLEAR_METER);

  vp_dlt645_frame_init (out_frame, address, function);
  append_authorisation (out_frame, password, operator_code);
}

void
vp_dlt645_build_clear_events (VpDlt645Frame          *out_frame,
                              const VpDlt645Address  *address,
                              const VpDlt645Password *password,
                              const VpDlt645Operator *operator_code,
                              guint32                 di)
{
  g_return_if_fail (out_frame != NULL && address != NULL);
  g_return_if_fail (password != NULL && operator_code != NULL);

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_CLEAR_EVENTS);
  append_authorisation (out_frame, password, operator_code);
  append_di (out_frame, di);
}

gboolean
vp_dlt645_build_control (VpDlt645Frame          *out_frame,
                         const VpDlt645Address  *address,
                         const VpDlt645Password *password,
                         const VpDlt645Operator *operator_code,
                         VpDlt645ControlAction   action,
                         const VpBcdTime        *expiry,
                         GError                **error)
{
  g_return_val_if_fail (out_frame != NULL && address != NULL, FALSE);
  g_return_val_if_fail (password != NULL && operator_code != NULL, FALSE);
  g_return_val_if_fail (expiry != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (vp_dlt645_control_action_to_string (action) == NULL)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("0x%02X is not a remote control action"), (guint) action);
      return FALSE;
    }

  vp_dlt645_frame_init (out_frame, address, VP_DLT645_FUNCTION_CONTROL);
  append_authorisation (out_frame, password, operator_code);
  append_byte (out_frame, (guint8) action);
  append_byte (out_frame, 0x00);   /* N2 is reserved, always 00 */
  return append_date_time (out_frame, expiry, error);
}

/* ---- Reply builders ----------------------------------------------------------- */

gboolean
vp_dlt645_build_reply (VpDlt645Frame          *out_frame,
                       const VpDlt645Address  *address,
                       VpDlt645Function        function,
                       gboolean                follow_up,
                       const guint8           *data,
                       gsize                   n_data,
                       GError                **error)
{
  guint8 control;

  g_return_val_if_fail (out_frame != NULL && address != NULL, FALSE);
  g_return_val_if_fail (data != NULL || n_data == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  control = (guint8) ((function & VP_DLT645_CONTROL_FUNCTION_MASK) | VP_DLT645_CONTROL_REPLY);
  if (follow_up)
    control |= VP_DLT645_CONTROL_FOLLOW_UP;
  vp_dlt645_frame_init (out_frame, address, control);
  return vp_dlt645_frame_append (out_frame, data, n_data, error);
}

/* 91/B1 and 92/B2 differ only by function and the trailing SEQ (@seq < 0: none). */
static gboolean
build_read_reply (VpDlt645Frame          *out_frame,
                  const VpDlt645Address  *address,
                  VpDlt645Function        function,
                  guint32                 di,
                  const guint8           *value,
                  gsize                   n_value,
                  gint                    seq,
                  gboolean                follow_up,
                  GError                **error)
{
  guint8 seq_byte = (guint8) seq;

  g_return_val_if_fail (out_frame != NULL && address != NULL, FALSE);
  g_return_val_if_fail (value != NULL || n_value == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  vp_dlt645_build_reply (out_frame, address, function, follow_up, NULL, 0, NULL);
  append_di (out_frame, di);
  return vp_dlt645_frame_append (out_frame, value, n_value, error)
         && vp_dlt645_frame_append (out_frame, &seq_byte, seq < 0 ? 0 : 1, error);
}

gboolean
vp_dlt645_build_read_reply (VpDlt645Frame          *out_frame,
                            const VpDlt645Address  *address,
                            guint32                 di,
                            const guint8           *value,
                            gsize                   n_value,
                            gboolean                follow_up,
                            GError                **error)
{
  return build_read_reply (out_frame, address, VP_DLT645_FUNCTION_READ, di, value, n_value,
                           -1, follow_up, error);
}

gboolean
vp_dlt645_build_read_follow_up_reply (VpDlt645Frame          *out_frame,
                                      const VpDlt645Address  *address,
                                      guint32                 di,
                                      const guint8           *value,
                                      gsize                   n_value,
                                      guint8                  seq,
                                      gboolean                follow_up,
                                      GError                **error)
{
  return build_read_reply (out_frame, address, VP_DLT645_FUNCTION_READ_FOLLOW_UP, di, value,
                           n_value, seq, follow_up, error);
}

void
vp_dlt645_build_read_address_reply (VpDlt645Frame         *out_frame,
                                    const VpDlt645Address *address)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_dlt645_build_reply (out_frame, address, VP_DLT645_FUNCTION_READ_ADDRESS, FALSE,
                         address->bytes, VP_DLT645_ADDRESS_SIZE, NULL);
}

void
vp_dlt645_build_change_baud_reply (VpDlt645Frame         *out_frame,
                                   const VpDlt645Address *address,
                                   guint8                 baud_code)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_dlt645_build_reply (out_frame, address, VP_DLT645_FUNCTION_CHANGE_BAUD, FALSE,
                         &baud_code, 1, NULL);
}

void
vp_dlt645_build_abnormal_reply (VpDlt645Frame         *out_frame,
                                const VpDlt645Address *address,
                                VpDlt645Function       function,
                                guint8                 error_flags)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_dlt645_frame_init (out_frame, address,
                        (guint8) ((function & VP_DLT645_CONTROL_FUNCTION_MASK)
                                  | VP_DLT645_CONTROL_REPLY | VP_DLT645_CONTROL_ABNORMAL));
  append_byte (out_frame, error_flags);
}

/* ---- Parsing ------------------------------------------------------------------ */

static gboolean
expect_length (const VpDlt645Frame *frame,
               guint                min_length,
               guint                max_length,
               GError             **error)
{
  const char *name = vp_dlt645_function_to_string (vp_dlt645_frame_get_function (frame));

  if (frame->length >= min_length && frame->length <= max_length)
    return TRUE;

  if (min_length == max_length)
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                 _("A “%s” %s carries %u data bytes, expected %u"),
                 name, vp_dlt645_frame_is_reply (frame) ? _("reply") : _("request"),
                 frame->length, min_length);
  else
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                 _("A “%s” %s carries %u data bytes, expected at least %u"),
                 name, vp_dlt645_frame_is_reply (frame) ? _("reply") : _("request"),
                 frame->length, min_length);
  return FALSE;
}

static void
set_value (VpDlt645Message *message,
           const guint8    *bytes,
           gsize            n_bytes)
{
  message->value = bytes;
  message->n_value = n_bytes;
}

static void
parse_authorisation (const guint8    *bytes,
                     VpDlt645Message *message)
{
  message->has_password = TRUE;
  read_password (bytes, &message->password);
  message->has_operator = TRUE;
  memcpy (message->operator_code.bytes, bytes + 4, 4);
}

static gboolean
parse_request (const VpDlt645Frame *frame,
               VpDlt645Message     *m,
               GError             **error)
{
  const guint8 *d = frame->data;
  guint L = frame->length;

  switch (m->function)
    {
    case VP_DLT645_FUNCTION_BROADCAST_TIME:
      if (!expect_length (frame, 6, 6, error)
          || !vp_bcd_time_decode (d, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, &m->time, error))
        return FALSE;
      m->has_time = TRUE;
      break;

    case VP_DLT645_FUNCTION_READ:
      /* DI, optionally followed by block-read parameters (N, or N + time). */
      if (!expect_length (frame, 4, 200, error))
        return FALSE;
      m->has_di = TRUE;
      m->di = read_di (d);
      set_value (m, d + 4, L - 4);
      break;

    case VP_DLT645_FUNCTION_READ_FOLLOW_UP:
      if (!expect_length (frame, 5, 5, error))
        return FALSE;
      m->has_di = TRUE;
      m->di = read_di (d);
      m->has_seq = TRUE;
      m->seq = d[4];
      break;

    case VP_DLT645_FUNCTION_READ_ADDRESS:
      if (!expect_length (frame, 0, 0, error))
        return FALSE;
      break;

    case VP_DLT645_FUNCTION_WRITE:
      if (!expect_length (frame, 12, 200, error))
        return FALSE;
      m->has_di = TRUE;
      m->di = read_di (d);
      parse_authorisation (d + 4, m);
      set_value (m, d + 12, L - 12);
      break;

    case VP_DLT645_FUNCTION_WRITE_ADDRESS:
      if (!expect_length (frame, 6, 6, error))
        return FALSE;
      m->has_new_address = TRUE;
      memcpy (m->new_address.bytes, d, VP_DLT645_ADDRESS_SIZE);
      break;

    case VP_DLT645_FUNCTION_FREEZE:
      if (!expect_length (frame, 4, 4, error))
        return FALSE;
      if (!vp_bcd_is_valid (d, 4))
        {
          g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                               _("The freeze time is not BCD"));
          return FALSE;
        }
      m->has_freeze = TRUE;
      m->freeze_minute = d[0];
      m->freeze_hour = d[1];
      m->freeze_day = d[2];
      m->freeze_month = d[3];
      break;

    case VP_DLT645_FUNCTION_CHANGE_BAUD:
      if (!expect_length (frame, 1, 1, error))
        return FALSE;
      m->has_baud = TRUE;
      m->baud_code = d[0];
      break;

    case VP_DLT645_FUNCTION_CHANGE_PASSWORD:
      if (!expect_length (frame, 12, 12, error))
        return FALSE;
      m->has_di = TRUE;
      m->di = read_di (d);
      m->has_password = TRUE;
      read_password (d + 4, &m->password);
      m->has_new_password = TRUE;
      read_password (d + 8, &m->new_password);
      break;

    case VP_DLT645_FUNCTION_CLEAR_DEMAND:
    case VP_DLT645_FUNCTION_CLEAR_METER:
      if (!expect_length (frame, 8, 8, error))
        return FALSE;
      parse_authorisation (d, m);
      break;

    case VP_DLT645_FUNCTION_CLEAR_EVENTS:
      if (!expect_length (frame, 12, 12, error))
        return FALSE;
      parse_authorisation (d, m);
      m->has_di = TRUE;
      m->di = read_di (d + 8);
      break;

    case VP_DLT645_FUNCTION_CONTROL:
      if (!expect_length (frame, 16, 16, error)
          || !vp_bcd_time_decode (d + 10, VP_BCD_TIME_LAYOUT_DLT645_DATE_TIME, &m->expiry, error))
        return FALSE;
      parse_authorisation (d, m);
      m->has_control = TRUE;
      m->action = d[8];
      break;

    default:
      set_value (m, d, L);
      break;
    }
  return TRUE;
}

static gboolean
parse_reply (const VpDlt645Frame *frame,
             VpDlt645Message     *m,
             GError             **error)
{
  const guint8 *d = frame->data;
  guint L = frame->length;

  if (m->abnormal)
    {
      if (!expect_length (frame, 1, 1, error))
        return FALSE;
      m->error_flags = d[0];
      return TRUE;
    }

  switch (m->function)
    {
    case VP_DLT645_FUNCTION_READ:
      if (!expect_length (frame, 4, 200, error))
        return FALSE;
      m->has_di = TRUE;
      m->di = read_di (d);
      set_value (m, d + 4, L - 4);
      break;

    case VP_DLT645_FUNCTION_READ_FOLLOW_UP:
      if (!expect_length (frame, 5, 200, error))
        return FALSE;
      m->has_di = TRUE;
      m->di = read_di (d);
      set_value (m, d + 4, L - 5);
      m->has_seq = TRUE;
      m->seq = d[L - 1];
      break;

    case VP_DLT645_FUNCTION_READ_ADDRESS:
      if (!expect_length (frame, 6, 6, error))
        return FALSE;
      m->has_new_address = TRUE;
      memcpy (m->new_address.bytes, d, VP_DLT645_ADDRESS_SIZE);
      break;

    case VP_DLT645_FUNCTION_CHANGE_BAUD:
      if (!expect_length (frame, 1, 1, error))
        return FALSE;
      m->has_baud = TRUE;
      m->baud_code = d[0];
      break;

    default:
      /* Acknowledgements (94 … 9C) are empty; anything else is kept as value. */
      set_value (m, d, L);
      break;
    }
  return TRUE;
}

gboolean
vp_dlt645_frame_parse (const VpDlt645Frame  *frame,
                       VpDlt645Message      *out_message,
                       GError              **error)
{
  VpDlt645Message m = { 0, };

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (out_message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (frame->length <= VP_DLT645_MAX_DATA, FALSE);

  m.function = vp_dlt645_frame_get_function (frame);
  m.reply = vp_dlt645_frame_is_reply (frame);
  m.abnormal = vp_dlt645_frame_is_abnormal (frame);
  m.follow_up = vp_dlt645_frame_has_follow_up (frame);
  m.time.weekday = -1;
  m.expiry.weekday = -1;

  if (!(m.reply ? parse_reply (frame, &m, error) : parse_request (frame, &m, error)))
    return FALSE;

  *out_message = m;
  return TRUE;
}

gboolean
vp_dlt645_check_reply (const VpDlt645Frame    *reply,
                       VpDlt645Function        request_function,
                       const VpDlt645Address  *expected_address,
                       GError                **error)
{
  guint function;

  g_return_val_if_fail (reply != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  function = vp_dlt645_frame_get_function (reply);
  if (!vp_dlt645_frame_is_reply (reply) || function != request_function)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY,
                   _("Expected a reply to “%s”, got control code 0x%02X"),
                   vp_dlt645_function_to_string (request_function), reply->control);
      return FALSE;
    }

  if (expected_address != NULL
      && vp_dlt645_address_is_full (expected_address)
      && !vp_dlt645_address_is_broadcast (expected_address)
      && !vp_dlt645_address_equal (expected_address, &reply->address))
    {
      g_autofree char *expected = vp_dlt645_address_to_string (expected_address);
      g_autofree char *got = vp_dlt645_address_to_string (&reply->address);

      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_ADDRESS,
                   _("Meter %s answered instead of %s"), got, expected);
      return FALSE;
    }

  if (vp_dlt645_frame_is_abnormal (reply))
    {
      vp_dlt645_set_nak_error (error, reply->length >= 1 ? reply->data[0] : 0);
      return FALSE;
    }
  return TRUE;
}
