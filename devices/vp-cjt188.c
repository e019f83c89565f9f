/* vp-cjt188.c: CJ/T 188-2004 frames (shared/PROTOCOLS.md "CJ/T 188-2004") */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-cjt188.h"
#include "vp-device-error.h"
#include "vp-frame-private.h"

#define START_BYTE    0x68
#define DI_SER_SIZE   3      /* DI(2) + SER */
#define FLOW_SIZE     4      /* XXXXXX.XX */
#define STATUS_SIZE   2

/* ---- Address ------------------------------------------------------------------ */

gboolean
vp_cjt188_address_parse (const char       *text,
                         VpCjt188Address  *out_address,
                         GError          **error)
{
  VpCjt188Address address;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_frame_address_parse (text, address.bytes, VP_CJT188_ADDRESS_SIZE, error))
    return FALSE;
  *out_address = address;
  return TRUE;
}

char *
vp_cjt188_address_to_string (const VpCjt188Address *address)
{
  g_return_val_if_fail (address != NULL, NULL);
  return vp_frame_address_to_string (address->bytes, VP_CJT188_ADDRESS_SIZE);
}

void
vp_cjt188_address_init_wildcard (VpCjt188Address *address)
{
  g_return_if_fail (address != NULL);
  memset (address->bytes, VP_FRAME_ADDRESS_WILDCARD_BYTE, VP_CJT188_ADDRESS_SIZE);
}

gboolean
vp_cjt188_address_is_wildcard (const VpCjt188Address *address)
{
  gboolean rest_is_bcd;

  g_return_val_if_fail (address != NULL, FALSE);
  return vp_frame_address_count_wildcard (address->bytes, VP_CJT188_ADDRESS_SIZE, &rest_is_bcd)
         == VP_CJT188_ADDRESS_SIZE;
}

gboolean
vp_cjt188_address_equal (const VpCjt188Address *a,
                         const VpCjt188Address *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return memcmp (a->bytes, b->bytes, VP_CJT188_ADDRESS_SIZE) == 0;
}

gboolean
vp_cjt188_address_matches (const VpCjt188Address *target,
                           const VpCjt188Address *meter)
{
  g_return_val_if_fail (target != NULL && meter != NULL, FALSE);
  return vp_frame_address_matches (target->bytes, meter->bytes, VP_CJT188_ADDRESS_SIZE);
}

/* ---- Names -------------------------------------------------------------------- */

static const VpFrameName meter_types[] = {
  { VP_CJT188_TYPE_COLD_WATER, "cold-water" },
  { VP_CJT188_TYPE_HOT_WATER, "hot-water" },
  { VP_CJT188_TYPE_DRINKING_WATER, "drinking-water" },
  { VP_CJT188_TYPE_RECLAIMED_WATER, "reclaimed-water" },
  { VP_CJT188_TYPE_HEAT, "heat" },
  { VP_CJT188_TYPE_COOLING, "cooling" },
  { VP_CJT188_TYPE_HEAT_COOLING, "heat-cooling" },
  { VP_CJT188_TYPE_GAS, "gas" },
  { VP_CJT188_TYPE_WILDCARD, "any" },
};

const char *
vp_cjt188_meter_type_to_string (guint type)
{
  return vp_frame_name_lookup (meter_types, G_N_ELEMENTS (meter_types), type);
}

gboolean
vp_cjt188_meter_type_from_string (const char        *name,
                                  VpCjt188MeterType *out_type)
{
  guint code;

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out_type != NULL, FALSE);

  if (!vp_frame_name_find (meter_types, G_N_ELEMENTS (meter_types), name, &code))
    return FALSE;
  *out_type = code;
  return TRUE;
}

gboolean
vp_cjt188_meter_type_is_plausible (guint8 type)
{
  /* CJ/T 188 T families: 1x water, 2x heat, 3x gas, 4x other (BCD-like), AA any. */
  return type == VP_CJT188_TYPE_WILDCARD || (type >= 0x10 && type <= 0x49 && (type & 0x0F) <= 9);
}

const char *
vp_cjt188_function_to_string (guint function)
{
  switch (function)
    {
    case VP_CJT188_FUNCTION_READ: return "read-data";
    case VP_CJT188_FUNCTION_READ_ADDRESS: return "read-address";
    case VP_CJT188_FUNCTION_WRITE: return "write";
    case VP_CJT188_FUNCTION_WRITE_ADDRESS: return "write-address";
    default: return NULL;
    }
}

const char *
vp_cjt188_unit_to_string (guint8 unit)
{
  switch (unit)
    {
    case VP_CJT188_UNIT_M3: return "m³";
    case VP_CJT188_UNIT_LITRE: return "L";
    default: return NULL;
    }
}

const char *
vp_cjt188_valve_state_to_string (VpCjt188ValveState state)
{
  switch (state)
    {
    case VP_CJT188_VALVE_OPEN: return "open";
    case VP_CJT188_VALVE_CLOSED: return "closed";
    case VP_CJT188_VALVE_ABNORMAL: return "abnormal";
    case VP_CJT188_VALVE_UNKNOWN:
    default: return "unknown";
    }
}

/* ---- Frames ------------------------------------------------------------------- */

void
vp_cjt188_frame_init (VpCjt188Frame         *frame,
                      guint8                 type,
                      const VpCjt188Address *address,
                      guint8                 control,
                      guint16                di,
                      guint8                 ser)
{
  g_return_if_fail (frame != NULL && address != NULL);

  frame->type = type;
  frame->address = *address;
  frame->control = control;
  /* The 2004 edition sends the DI high byte first (PROTOCOLS.md: "90 1F"). */
  frame->data[0] = di >> 8;
  frame->data[1] = di & 0xFF;
  frame->data[2] = ser;
  frame->length = DI_SER_SIZE;
}

gboolean
vp_cjt188_frame_append (VpCjt188Frame  *frame,
                        const guint8   *bytes,
                        gsize           n_bytes,
                        GError        **error)
{
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || n_bytes == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_bytes > (gsize) (VP_CJT188_MAX_DATA - frame->length))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TOO_LONG,
                   _("The frame data would be %u bytes; at most %u are accepted"),
                   (guint) (frame->length + n_bytes), VP_CJT188_MAX_DATA);
      return FALSE;
    }
  if (n_bytes > 0)
    memcpy (frame->data + frame->length, bytes, n_bytes);
  frame->length += (guint8) n_bytes;
  return TRUE;
}

guint16
vp_cjt188_frame_get_di (const VpCjt188Frame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);

  if (frame->length < DI_SER_SIZE)
    return 0;
  return (guint16) (frame->data[0] << 8 | frame->data[1]);
}

guint8
vp_cjt188_frame_get_ser (const VpCjt188Frame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->length < DI_SER_SIZE ? 0 : frame->data[2];
}

const guint8 *
vp_cjt188_frame_get_payload (const VpCjt188Frame *frame,
                             gsize               *out_n_payload)
{
  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (out_n_payload != NULL, NULL);

  if (frame->length < DI_SER_SIZE)
    {
      *out_n_payload = 0;
      return frame->data + frame->length;
    }
  *out_n_payload = frame->length - DI_SER_SIZE;
  return frame->data + DI_SER_SIZE;
}

GBytes *
vp_cjt188_frame_encode (const VpCjt188Frame *frame,
                        guint                n_preamble)
{
  guint8 header[VP_CJT188_HEADER_SIZE];

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (n_preamble <= 16, NULL);
  g_return_val_if_fail (frame->length <= VP_CJT188_MAX_DATA, NULL);

  header[0] = START_BYTE;
  header[1] = frame->type;
  memcpy (header + 2, frame->address.bytes, VP_CJT188_ADDRESS_SIZE);
  header[9] = frame->control;
  header[10] = frame->length;
  /* No +0x33 in CJ/T 188. */
  return vp_frame_encode (n_preamble, header, sizeof header, frame->data, frame->length);
}

gsize
vp_cjt188_frame_scan (const guint8  *bytes,
                      gsize          n_bytes,
                      GError       **error)
{
  g_return_val_if_fail (bytes != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (n_bytes < 1)
    return 0;
  if (bytes[0] != START_BYTE)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Frame starts with 0x%02X, expected 0x68"), bytes[0]);
      return 0;
    }
  if (n_bytes < 2)
    return 0;
  if (!vp_cjt188_meter_type_is_plausible (bytes[1]))
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Byte 2 is 0x%02X, which is not a CJ/T 188 meter type"), bytes[1]);
      return 0;
    }
  return vp_frame_scan_body (bytes, n_bytes, VP_CJT188_HEADER_SIZE, VP_CJT188_MAX_DATA, error);
}

gboolean
vp_cjt188_frame_decode (const guint8   *bytes,
                        gsize           n_bytes,
                        VpCjt188Frame  *out_frame,
                        GError        **error)
{
  const guint8 *start;
  gsize size;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, FALSE);
  g_return_val_if_fail (out_frame != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  start = vp_frame_check_complete (bytes, n_bytes, VP_CJT188_HEADER_SIZE,
                                   vp_cjt188_frame_scan, &size, error);
  if (start == NULL)
    return FALSE;

  out_frame->type = start[1];
  memcpy (out_frame->address.bytes, start + 2, VP_CJT188_ADDRESS_SIZE);
  out_frame->control = start[9];
  out_frame->length = start[10];
  memcpy (out_frame->data, start + VP_CJT188_HEADER_SIZE, out_frame->length);
  return TRUE;
}

/* ---- Builders ----------------------------------------------------------------- */

void
vp_cjt188_build_read (VpCjt188Frame         *out_frame,
                      guint8                 type,
                      const VpCjt188Address *address,
                      guint16                di,
                      guint8                 ser)
{
  g_return_if_fail (out_frame != NULL && address != NULL);
  vp_cjt188_frame_init (out_frame, type, address, VP_CJT188_FUNCTION_READ, di, ser);
}

void
vp_cjt188_build_read_address (VpCjt188Frame *out_frame,
                              guint8         type,
                              guint8         ser)
{
  VpCjt188Address wildcard;

  g_return_if_fail (out_frame != NULL);

  vp_cjt188_address_init_wildcard (&wildcard);
  vp_cjt188_frame_init (out_frame, type, &wildcard, VP_CJT188_FUNCTION_READ_ADDRESS,
                        VP_CJT188_DI_READ_ADDRESS, ser);
}

void
vp_cjt188_build_valve (VpCjt188Frame         *out_frame,
                       guint8                 type,
                       const VpCjt188Address *address,
                       gboolean               open,
                       guint8                 ser)
{
  guint8 command = open ? VP_CJT188_VALVE_OPEN_BYTE : VP_CJT188_VALVE_CLOSE_BYTE;

  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_cjt188_frame_init (out_frame, type, address, VP_CJT188_FUNCTION_WRITE,
                        VP_CJT188_DI_VALVE, ser);
  vp_cjt188_frame_append (out_frame, &command, 1, NULL);
}

void
vp_cjt188_status_decode (const guint8        status[2],
                         VpCjt188ValveState *out_valve,
                         gboolean           *out_battery_low)
{
  g_return_if_fail (status != NULL);

  /* ST byte 0: D0-D1 valve, D2 battery low (PROTOCOLS.md). */
  if (out_valve != NULL)
    *out_valve = status[0] & VP_CJT188_STATUS_VALVE_MASK;
  if (out_battery_low != NULL)
    *out_battery_low = (status[0] & VP_CJT188_STATUS_BATTERY_LOW) != 0;
}

void
vp_cjt188_status_encode (VpCjt188ValveState valve,
                         gboolean           battery_low,
                         guint8             out_status[2])
{
  g_return_if_fail (out_status != NULL);

  out_status[0] = (guint8) ((valve & VP_CJT188_STATUS_VALVE_MASK)
                            | (battery_low ? VP_CJT188_STATUS_BATTERY_LOW : 0));
  out_status[1] = 0;
}

gboolean
vp_cjt188_meter_data_parse (const VpCjt188Frame  *frame,
                            VpCjt188MeterData    *out_data,
                            GError              **error)
{
  VpCjt188MeterData data = { 0, };
  const guint8 *p;
  gsize n_payload;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (out_data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((frame->control & ~VP_CJT188_CONTROL_ABNORMAL)
        != (VP_CJT188_CONTROL_REPLY | VP_CJT188_FUNCTION_READ)
      || vp_cjt188_frame_get_di (frame) != VP_CJT188_DI_READ_DATA)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY,
                   _("Expected a metering data reply (C=81, DI 901F), got C=%02X DI %04X"),
                   frame->control, vp_cjt188_frame_get_di (frame));
      return FALSE;
    }
  if (frame->control & VP_CJT188_CONTROL_ABNORMAL)
    {
      g_set_error_literal (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK,
                           _("The water meter answered with an abnormal reply"));
      return FALSE;
    }

  p = vp_cjt188_frame_get_payload (frame, &n_payload);
  if (n_payload != VP_CJT188_METER_DATA_SIZE)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Metering data is %u bytes, expected %u"), (guint) n_payload,
                   VP_CJT188_METER_DATA_SIZE);
      return FALSE;
    }

  /* flow(4) unit, settlement flow(4) unit, time ss mm hh DD MM YY CC, ST(2). */
  if (!vp_bcd_decode (p, FLOW_SIZE, FALSE, &data.current_flow, error)
      || !vp_bcd_decode (p + 5, FLOW_SIZE, FALSE, &data.settlement_flow, error)
      || !vp_bcd_time_decode (p + 10, VP_BCD_TIME_LAYOUT_CJT188, &data.time, error))
    return FALSE;
  data.current_unit = p[4];
  data.settlement_unit = p[9];
  memcpy (data.status, p + 17, STATUS_SIZE);
  vp_cjt188_status_decode (data.status, &data.valve, &data.battery_low);

  *out_data = data;
  return TRUE;
}

gboolean
vp_cjt188_build_read_data_reply (VpCjt188Frame            *out_frame,
                                 guint8                    type,
                                 const VpCjt188Address    *address,
                                 guint8                    ser,
                                 const VpCjt188MeterData  *data,
                                 GError                  **error)
{
  guint8 payload[VP_CJT188_METER_DATA_SIZE];

  g_return_val_if_fail (out_frame != NULL && address != NULL && data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_bcd_encode (data->current_flow, FALSE, payload, FLOW_SIZE, error)
      || !vp_bcd_encode (data->settlement_flow, FALSE, payload + 5, FLOW_SIZE, error)
      || !vp_bcd_time_encode (&data->time, VP_BCD_TIME_LAYOUT_CJT188, payload + 10, error))
    return FALSE;
  payload[4] = data->current_unit;
  payload[9] = data->settlement_unit;
  memcpy (payload + 17, data->status, STATUS_SIZE);

  vp_cjt188_frame_init (out_frame, type, address,
                        VP_CJT188_CONTROL_REPLY | VP_CJT188_FUNCTION_READ,
                        VP_CJT188_DI_READ_DATA, ser);
  return vp_cjt188_frame_append (out_frame, payload, sizeof payload, error);
}

void
vp_cjt188_build_read_address_reply (VpCjt188Frame         *out_frame,
                                    guint8                 type,
                                    const VpCjt188Address *address,
                                    guint8                 ser)
{
  g_return_if_fail (out_frame != NULL && address != NULL);

  vp_cjt188_frame_init (out_frame, type, address,
                        VP_CJT188_CONTROL_REPLY | VP_CJT188_FUNCTION_READ_ADDRESS,
                        VP_CJT188_DI_READ_ADDRESS, ser);
}

void
vp_cjt188_build_valve_reply (VpCjt188Frame         *out_frame,
                             guint8                 type,
                             const VpCjt188Address *address,
                             guint8                 ser,
                             const guint8           status[2])
{
  g_return_if_fail (out_frame != NULL && address != NULL && status != NULL);

  vp_cjt188_frame_init (out_frame, type, address,
                        VP_CJT188_CONTROL_REPLY | VP_CJT188_FUNCTION_WRITE,
                        VP_CJT188_DI_VALVE, ser);
  vp_cjt188_frame_append (out_frame, status, STATUS_SIZE, NULL);
}

/* ---- Parsing ------------------------------------------------------------------ */

static gboolean
expect_payload (const VpCjt188Message *m,
                gsize                  size,
                GError               **error)
{
  if (m->n_payload == size)
    return TRUE;
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
               _("DI %04X carries %u bytes after SER, expected %u"), m->di,
               (guint) m->n_payload, (guint) size);
  return FALSE;
}

gboolean
vp_cjt188_frame_parse (const VpCjt188Frame  *frame,
                       VpCjt188Message      *out_message,
                       GError              **error)
{
  VpCjt188Message m = { 0, };

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (out_message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  m.function = frame->control & VP_CJT188_CONTROL_FUNCTION_MASK;
  m.reply = (frame->control & VP_CJT188_CONTROL_REPLY) != 0;
  m.abnormal = (frame->control & VP_CJT188_CONTROL_ABNORMAL) != 0;
  m.meter_data.time.weekday = -1;

  if (m.abnormal)
    {
      /* Abnormal replies carry SER + ST instead of a DI. */
      if (frame->length == DI_SER_SIZE)
        {
          m.ser = frame->data[0];
          m.has_status = TRUE;
          memcpy (m.status, frame->data + 1, STATUS_SIZE);
          vp_cjt188_status_decode (m.status, &m.valve, &m.battery_low);
        }
      else
        {
          m.payload = frame->data;
          m.n_payload = frame->length;
        }
      *out_message = m;
      return TRUE;
    }

  if (frame->length < DI_SER_SIZE)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("A CJ/T 188 frame carries at least DI and SER (3 bytes), this one %u"),
                   frame->length);
      return FALSE;
    }

  m.has_di = TRUE;
  m.di = vp_cjt188_frame_get_di (frame);
  m.ser = vp_cjt188_frame_get_ser (frame);
  m.payload = vp_cjt188_frame_get_payload (frame, &m.n_payload);

  switch (m.di)
    {
    case VP_CJT188_DI_READ_DATA:
      if (m.reply)
        {
          if (!vp_cjt188_meter_data_parse (frame, &m.meter_data, error))
            return FALSE;
          m.has_meter_data = TRUE;
          m.has_status = TRUE;
          memcpy (m.status, m.meter_data.status, STATUS_SIZE);
          m.valve = m.meter_data.valve;
          m.battery_low = m.meter_data.battery_low;
        }
      else if (!expect_payload (&m, 0, error))
        return FALSE;
      break;

    case VP_CJT188_DI_VALVE:
      if (m.reply)
        {
          if (!expect_payload (&m, STATUS_SIZE, error))
            return FALSE;
          m.has_status = TRUE;
          memcpy (m.status, m.payload, STATUS_SIZE);
          vp_cjt188_status_decode (m.status, &m.valve, &m.battery_low);
        }
      else
        {
          if (!expect_payload (&m, 1, error))
            return FALSE;
          if (m.payload[0] != VP_CJT188_VALVE_OPEN_BYTE
              && m.payload[0] != VP_CJT188_VALVE_CLOSE_BYTE)
            {
              g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                           _("Valve command is 0x%02X, expected 0x55 (open) or 0x99 (close)"),
                           m.payload[0]);
              return FALSE;
            }
          m.has_valve_command = TRUE;
          m.valve_open = m.payload[0] == VP_CJT188_VALVE_OPEN_BYTE;
        }
      break;

    case VP_CJT188_DI_READ_ADDRESS:
      if (!expect_payload (&m, 0, error))
        return FALSE;
      break;

    default:
      break;
    }

  *out_message = m;
  return TRUE;
}
