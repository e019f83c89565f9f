/* vp-sim-meter.c: the behaviour of one simulated meter */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-device-error.h"
#include "vp-sim-meter.h"

/* 0.01 kWh = 36 kJ = 3.6e10 µJ; a load in W over µs gives µJ. The same constant turns
 * a flow in L/h over µs into 0.01 m³ (10 L = 10 × 3.6e9 L/h·µs). */
#define MICROJOULES_PER_REGISTER_STEP G_GINT64_CONSTANT (36000000000)
/* Bounds that keep every accumulator inside a gint64 (see advance()). */
#define MAX_LOAD_WATTS   100000
#define MAX_FLOW_LPH     100000
#define MAX_SPEED        1000
/* 230 V nominal in China is 220 V: voltage in 0.1 V, current derived from the load. */
#define NOMINAL_DECIVOLTS 2200
#define DEFAULT_PRICE     5000   /* 0.5000 yuan/kWh, in 0.0001 yuan */
#define DEFAULT_PASSWORD  "02:000000"

/* Tariff register for each time of day (PROTOCOLS.md: tariffs 1..4 = 尖 峰 平 谷, sharp,
 * peak, flat, valley). A simple, fixed day schedule: real meters get theirs
 * programmed, which Vendpoint does not do. */
static const struct
{
  guint start;   /* seconds since local midnight */
  guint tariff;  /* 1..4 */
} day_schedule[] = {
  {  0 * 3600, 4 },  /* 00:00 valley */
  {  8 * 3600, 3 },  /* 08:00 flat */
  { 10 * 3600, 2 },  /* 10:00 peak */
  { 12 * 3600, 3 },  /* 12:00 flat */
  { 18 * 3600, 1 },  /* 18:00 sharp */
  { 21 * 3600, 2 },  /* 21:00 peak */
  { 23 * 3600, 4 },  /* 23:00 valley */
};

/* CJ/T 188 cold water (PROTOCOLS.md: T = 10). */
#define WATER_TYPE VP_CJT188_TYPE_COLD_WATER

struct _VpSimMeter
{
  VpSimMeterKind    kind;
  char              address_text[15];
  VpDlt645Address   e_address;
  VpCjt188Address   w_address;
  VpSimFault        fault;
  gint64            last_update;   /* µs, wall clock */
  gint64            clock_offset;  /* µs added to the wall clock */
  guint             requests;
  guint             replies;
  VpDlt645Password  password;

  /* electricity */
  guint             load_watts;
  gint64            energy[5];      /* 0.01 kWh: total, T1..T4 */
  gint64            energy_rest[5]; /* µJ not yet a whole 0.01 kWh */
  gboolean          relay_open;
  gboolean          relay_command_open;
  gboolean          close_allowed;
  gboolean          keep_power;
  gboolean          alarm;
  VpDlt645MeterType meter_type;
  gint64            money;          /* fen */
  gint64            money_rest;     /* 0.01 kWh × price (0.0001 yuan) not yet a fen */
  guint             price;          /* 0.0001 yuan per kWh */
  gint64            limits[5];      /* fen, items 04001001..05 */

  /* water */
  guint             flow;           /* L/h */
  gint64            volume;         /* 0.01 m³ */
  gint64            volume_rest;
  gint64            settlement_volume;
  VpCjt188ValveState valve;
  gboolean          battery_low;
};

static const char * const fault_names[] = {
  [VP_SIM_FAULT_NONE] = "none",
  [VP_SIM_FAULT_NO_REPLY] = "no-reply",
  [VP_SIM_FAULT_BAD_CHECKSUM] = "checksum",
  [VP_SIM_FAULT_GARBAGE] = "garbage",
  [VP_SIM_FAULT_SLOW] = "slow",
};

const char *
vp_sim_fault_to_string (VpSimFault fault)
{
  g_return_val_if_fail (fault < G_N_ELEMENTS (fault_names), NULL);
  return fault_names[fault];
}

gboolean
vp_sim_fault_from_string (const char *name,
                          VpSimFault *out_fault)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (g_str_equal (name, fault_names[i]))
      {
        *out_fault = i;
        return TRUE;
      }
  return FALSE;
}

VpSimMeter *
vp_sim_meter_new (VpSimMeterKind   kind,
                  const char      *address,
                  gint64           now,
                  GError         **error)
{
  g_autofree VpSimMeter *meter = g_new0 (VpSimMeter, 1);
  g_autofree char *text = NULL;
  gsize n_digits = kind == VP_SIM_METER_ELECTRICITY ? 12 : 14;

  g_return_val_if_fail (address != NULL, NULL);

  for (const char *p = address; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      {
        g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                     _("Meter address “%s” must be digits only"), address);
        return NULL;
      }

  meter->kind = kind;
  if (kind == VP_SIM_METER_ELECTRICITY)
    {
      if (strlen (address) > n_digits
          || !vp_dlt645_address_parse (address, &meter->e_address, error))
        goto too_long;
      text = vp_dlt645_address_to_string (&meter->e_address);
    }
  else
    {
      if (strlen (address) > n_digits
          || !vp_cjt188_address_parse (address, &meter->w_address, error))
        goto too_long;
      text = vp_cjt188_address_to_string (&meter->w_address);
    }
  g_strlcpy (meter->address_text, text, sizeof meter->address_text);

  meter->last_update = now;
  meter->price = DEFAULT_PRICE;
  meter->valve = VP_CJT188_VALVE_OPEN;
  meter->meter_type = VP_DLT645_METER_TYPE_NOT_PREPAID;
  vp_dlt645_password_parse (DEFAULT_PASSWORD, &meter->password, NULL);
  return g_steal_pointer (&meter);

too_long:
  if (error != NULL && *error == NULL)
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                 _("Meter address “%s” has more than %zu digits"), address, n_digits);
  return NULL;
}

void
vp_sim_meter_free (VpSimMeter *meter)
{
  g_free (meter);
}

VpSimMeterKind
vp_sim_meter_get_kind (const VpSimMeter *meter)
{
  g_return_val_if_fail (meter != NULL, VP_SIM_METER_ELECTRICITY);
  return meter->kind;
}

const char *
vp_sim_meter_get_address (const VpSimMeter *meter)
{
  g_return_val_if_fail (meter != NULL, NULL);
  return meter->address_text;
}

VpSimFault
vp_sim_meter_get_fault (const VpSimMeter *meter)
{
  g_return_val_if_fail (meter != NULL, VP_SIM_FAULT_NONE);
  return meter->fault;
}

void
vp_sim_meter_set_fault (VpSimMeter *meter,
                        VpSimFault  fault)
{
  g_return_if_fail (meter != NULL);
  meter->fault = fault;
}

gboolean
vp_sim_meter_matches_dlt645 (const VpSimMeter      *meter,
                             const VpDlt645Address *target)
{
  return meter->kind == VP_SIM_METER_ELECTRICITY
    && vp_dlt645_address_matches (target, &meter->e_address);
}

gboolean
vp_sim_meter_matches_cjt188 (const VpSimMeter      *meter,
                             guint8                 type,
                             const VpCjt188Address *target)
{
  return meter->kind == VP_SIM_METER_WATER
    && (type == WATER_TYPE || type == VP_CJT188_TYPE_WILDCARD)
    && vp_cjt188_address_matches (target, &meter->w_address);
}

static GDateTime *
meter_clock (const VpSimMeter *meter,
             gint64            now)
{
  gint64 us = now + meter->clock_offset;

  return g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);
}

static void
set_clock (VpSimMeter *meter,
           gint64      now,
           GDateTime  *clock)
{
  meter->clock_offset = g_date_time_to_unix (clock) * G_USEC_PER_SEC
    - now + now % G_USEC_PER_SEC;
}

/* Add @amount (µJ or L/h·µs) to a register kept as whole steps plus a remainder. */
static gint64
accumulate (gint64 *value,
            gint64 *rest,
            gint64  amount)
{
  gint64 steps;

  *rest += amount;
  steps = *rest / MICROJOULES_PER_REGISTER_STEP;
  *rest %= MICROJOULES_PER_REGISTER_STEP;
  *value += steps;
  return steps;
}

static void
consume (VpSimMeter *meter,
         guint       tariff,
         gint64      duration_us,
         guint       speed)
{
  if (meter->kind == VP_SIM_METER_WATER)
    {
      if (meter->valve == VP_CJT188_VALVE_OPEN)
        accumulate (&meter->volume, &meter->volume_rest,
                    (gint64) meter->flow * duration_us * speed);
      return;
    }

  if (!meter->relay_open)
    {
      /* W × µs = µJ; < 1e5 × 2.9e10 (one schedule slot) × 1e3 fits a gint64. */
      gint64 energy = (gint64) meter->load_watts * duration_us * speed;
      gint64 steps = accumulate (&meter->energy[0], &meter->energy_rest[0], energy);

      accumulate (&meter->energy[tariff], &meter->energy_rest[tariff], energy);
      if (meter->meter_type == VP_DLT645_METER_TYPE_MONEY_PREPAID && steps > 0)
        {
          /* 0.01 kWh at price/10000 yuan per kWh costs price/10000 fen. */
          meter->money_rest += steps * meter->price;
          meter->money -= meter->money_rest / 10000;
          meter->money_rest %= 10000;
          /* Credit (plus the allowed overdraft) used up: the meter trips itself,
           * unless keep-power holds it. */
          if (meter->money <= -meter->limits[2] && !meter->keep_power)
            meter->relay_open = TRUE;
        }
    }
}

void
vp_sim_meter_advance (VpSimMeter *meter,
                      gint64      now,
                      guint       speed)
{
  gint64 t;

  g_return_if_fail (meter != NULL);

  t = meter->last_update;
  speed = CLAMP (speed, 1, MAX_SPEED);
  /* Walk the interval slot by slot of the day schedule, in meter-clock local time. */
  while (t < now)
    {
      g_autoptr(GDateTime) clock = meter_clock (meter, t);
      gint64 clock_us = t + meter->clock_offset;
      guint sod = g_date_time_get_hour (clock) * 3600 + g_date_time_get_minute (clock) * 60
                  + g_date_time_get_second (clock);
      guint tariff = day_schedule[0].tariff;
      guint slot_end = 24 * 3600;
      gint64 end;

      for (guint i = 0; i < G_N_ELEMENTS (day_schedule); i++)
        if (day_schedule[i].start <= sod)
          {
            tariff = day_schedule[i].tariff;
            slot_end = i + 1 < G_N_ELEMENTS (day_schedule) ? day_schedule[i + 1].start : 24 * 3600;
          }
      end = t + (gint64) (slot_end - sod) * G_USEC_PER_SEC - clock_us % G_USEC_PER_SEC;
      end = MIN (end, now);
      consume (meter, tariff, end - t, speed);
      t = end;
    }
  meter->last_update = MAX (meter->last_update, now);
}

static guint16
status3_word (const VpSimMeter *meter)
{
  VpDlt645Status3 status = { 0 };

  status.relay_open = meter->relay_open;
  status.relay_command_open = meter->relay_command_open;
  status.pre_trip_alarm = meter->alarm;
  status.meter_type = meter->meter_type;
  status.keep_power = meter->keep_power;
  status.power_source = VP_DLT645_POWER_SOURCE_MAIN;
  return vp_dlt645_status3_encode (&status);
}

void
vp_sim_meter_get_state (const VpSimMeter *meter,
                        gint64            now,
                        VpSimMeterState  *out)
{
  g_return_if_fail (meter != NULL && out != NULL);

  memset (out, 0, sizeof *out);
  out->kind = meter->kind;
  g_strlcpy (out->address, meter->address_text, sizeof out->address);
  out->fault = meter->fault;
  out->clock = (now + meter->clock_offset) / G_USEC_PER_SEC;
  out->requests = meter->requests;
  out->replies = meter->replies;
  memcpy (out->energy, meter->energy, sizeof out->energy);
  out->load_watts = meter->load_watts;
  out->relay_open = meter->relay_open;
  out->relay_command_open = meter->relay_command_open;
  out->close_allowed = meter->close_allowed;
  out->keep_power = meter->keep_power;
  out->alarm = meter->alarm;
  out->meter_type = meter->meter_type;
  out->money = meter->money;
  memcpy (out->money_limits, meter->limits, sizeof out->money_limits);
  out->volume = meter->volume;
  out->flow_litres_per_hour = meter->flow;
  out->valve = meter->valve;
  out->battery_low = meter->battery_low;
}

gboolean
vp_sim_meter_press_button (VpSimMeter *meter)
{
  g_return_val_if_fail (meter != NULL, FALSE);
  if (!meter->close_allowed)
    return FALSE;
  meter->close_allowed = FALSE;
  meter->relay_open = FALSE;
  return TRUE;
}

static gboolean
bad_option (GError    **error,
            const char *key,
            const char *value,
            const char *expected)
{
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
               _("Meter option %s=%s is not valid: expected %s"), key, value, expected);
  return FALSE;
}

static gboolean
parse_bool_word (const char *value,
                 const char *yes,
                 const char *no,
                 gboolean   *out)
{
  if (g_str_equal (value, yes))
    *out = TRUE;
  else if (g_str_equal (value, no))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

gboolean
vp_sim_meter_set_option (VpSimMeter  *meter,
                         const char  *key,
                         const char  *value,
                         gint64       now,
                         GError     **error)
{
  gboolean electricity;
  guint64 number;
  gint64 scaled;

  g_return_val_if_fail (meter != NULL && key != NULL && value != NULL, FALSE);
  electricity = meter->kind == VP_SIM_METER_ELECTRICITY;

  if (g_str_equal (key, "fault"))
    {
      if (!vp_sim_fault_from_string (value, &meter->fault))
        return bad_option (error, key, value, "none, no-reply, checksum, garbage or slow");
      return TRUE;
    }
  if (g_str_equal (key, "password"))
    {
      if (!vp_dlt645_password_parse (value, &meter->password, NULL))
        return bad_option (error, key, value, _("LEVEL:PASSWORD such as 02:000000"));
      return TRUE;
    }
  if (g_str_equal (key, "clock"))
    {
      VpBcdTime time;
      g_autoptr(GDateTime) clock = NULL;

      if (!vp_bcd_time_parse_iso8601 (value, &time, NULL)
          || (clock = vp_bcd_time_to_date_time (&time, NULL)) == NULL)
        return bad_option (error, key, value, _("a local time such as 2026-01-31T18:30:00"));
      set_clock (meter, now, clock);
      return TRUE;
    }

  if (electricity && g_str_equal (key, "load"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 0, MAX_LOAD_WATTS, &number, NULL))
        return bad_option (error, key, value, _("watts from 0 to 100000"));
      meter->load_watts = (guint) number;
    }
  else if (electricity && g_str_equal (key, "energy"))
    {
      if (!vp_bcd_parse_scaled (value, 2, &scaled, NULL) || scaled < 0 || scaled > 99999999)
        return bad_option (error, key, value, _("kWh such as 1234.56"));
      /* All of it in the flat register: the total stays the sum of the tariffs. */
      memset (meter->energy, 0, sizeof meter->energy);
      meter->energy[0] = meter->energy[3] = scaled;
    }
  else if (electricity && g_str_equal (key, "money"))
    {
      if (!vp_bcd_parse_scaled (value, 2, &scaled, NULL) || scaled < -99999999
          || scaled > 99999999)
        return bad_option (error, key, value, _("yuan such as 100.00"));
      meter->meter_type = VP_DLT645_METER_TYPE_MONEY_PREPAID;
      meter->money = scaled;
      meter->money_rest = 0;
    }
  else if (electricity && g_str_equal (key, "price"))
    {
      if (!vp_bcd_parse_scaled (value, 4, &scaled, NULL) || scaled <= 0 || scaled > 999999)
        return bad_option (error, key, value, _("yuan per kWh such as 0.5283"));
      meter->price = (guint) scaled;
    }
  else if (electricity && g_str_equal (key, "relay"))
    {
      if (!parse_bool_word (value, "open", "closed", &meter->relay_open))
        return bad_option (error, key, value, "open or closed");
      meter->relay_command_open = meter->relay_open;
    }
  else if (electricity && g_str_equal (key, "keep-power"))
    {
      if (!parse_bool_word (value, "yes", "no", &meter->keep_power))
        return bad_option (error, key, value, "yes or no");
    }
  else if (!electricity && g_str_equal (key, "flow"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 0, MAX_FLOW_LPH, &number, NULL))
        return bad_option (error, key, value, _("litres per hour from 0 to 100000"));
      meter->flow = (guint) number;
    }
  else if (!electricity && g_str_equal (key, "volume"))
    {
      if (!vp_bcd_parse_scaled (value, 2, &scaled, NULL) || scaled < 0 || scaled > 99999999)
        return bad_option (error, key, value, _("m³ such as 1000.10"));
      meter->volume = meter->settlement_volume = scaled;
    }
  else if (!electricity && g_str_equal (key, "battery"))
    {
      if (!parse_bool_word (value, "low", "ok", &meter->battery_low))
        return bad_option (error, key, value, "low or ok");
    }
  else if (!electricity && g_str_equal (key, "valve"))
    {
      if (g_str_equal (value, "open"))
        meter->valve = VP_CJT188_VALVE_OPEN;
      else if (g_str_equal (value, "closed"))
        meter->valve = VP_CJT188_VALVE_CLOSED;
      else if (g_str_equal (value, "abnormal"))
        meter->valve = VP_CJT188_VALVE_ABNORMAL;
      else
        return bad_option (error, key, value, "open, closed or abnormal");
    }
  else
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   electricity
                   ? _("Unknown electricity meter option “%s” (known: load, energy, money, "
                       "price, password, relay, keep-power, clock, fault)")
                   : _("Unknown water meter option “%s” (known: flow, volume, battery, valve, "
                       "clock, fault)"),
                   key);
      return FALSE;
    }
  return TRUE;
}

/* ---- DL/T 645 --------------------------------------------------------------- */

/* @value in 10^-@scale units, rescaled to the item's scale. */
static gboolean
append_number (const VpDlt645Item *item,
               gint64              value,
               guint               scale,
               GByteArray         *out)
{
  guint8 bytes[VP_BCD_MAX_NUMBER_BYTES];

  for (; scale < item->scale; scale++)
    value *= 10;
  for (; scale > item->scale; scale--)
    value /= 10;
  if (!vp_dlt645_item_encode_number (item, value, bytes, NULL))
    return FALSE;
  g_byte_array_append (out, bytes, item->size);
  return TRUE;
}

static gboolean
append_time (GDateTime  *clock,
             const char *layout,
             GByteArray *out)
{
  VpBcdTime time;
  guint8 bytes[8];

  vp_bcd_time_from_date_time (&time, clock);
  if (!vp_bcd_time_encode (&time, layout, bytes, NULL))
    return FALSE;
  g_byte_array_append (out, bytes, strlen (layout));
  return TRUE;
}

/* The value bytes of @di, or FALSE if this meter has no such data. */
static gboolean
read_value (const VpSimMeter *meter,
            guint32           di,
            gint64            now,
            GByteArray       *out)
{
  const VpDlt645Item *item = vp_dlt645_item_lookup (di);
  gboolean prepaid = meter->meter_type == VP_DLT645_METER_TYPE_MONEY_PREPAID;
  guint watts = meter->relay_open ? 0 : meter->load_watts;
  g_autoptr(GDateTime) clock = meter_clock (meter, now);
  gboolean ok = TRUE;

  if (item == NULL)
    return FALSE;

  switch (di)
    {
    case VP_DLT645_DI_ENERGY_COMBINED_TOTAL:
    case VP_DLT645_DI_ENERGY_FORWARD_TOTAL:
      return append_number (item, meter->energy[0], 2, out);
    case VP_DLT645_DI_ENERGY_FORWARD_TOTAL + 1:
    case VP_DLT645_DI_ENERGY_FORWARD_TOTAL + 2:
    case VP_DLT645_DI_ENERGY_FORWARD_TOTAL + 3:
    case VP_DLT645_DI_ENERGY_FORWARD_TOTAL + 4:
      return append_number (item, meter->energy[di - VP_DLT645_DI_ENERGY_FORWARD_TOTAL], 2, out);
    case VP_DLT645_DI_ENERGY_FORWARD_BLOCK:
      for (guint i = 0; i < 5 && ok; i++)
        ok = append_number (item, meter->energy[i], 2, out);
      return ok;
    case VP_DLT645_DI_ENERGY_REVERSE_TOTAL:
      return append_number (item, 0, 0, out);
    case VP_DLT645_DI_VOLTAGE_A:
      return append_number (item, NOMINAL_DECIVOLTS, 1, out);
    case VP_DLT645_DI_VOLTAGE_BLOCK:
      /* A single-phase meter: phases B and C read zero. */
      return append_number (item, NOMINAL_DECIVOLTS, 1, out)
        && append_number (item, 0, 0, out) && append_number (item, 0, 0, out);
    case VP_DLT645_DI_CURRENT_A:
      return append_number (item, (gint64) watts * 10000 / NOMINAL_DECIVOLTS, 3, out);
    case VP_DLT645_DI_POWER_ACTIVE_TOTAL:
      return append_number (item, watts, 3, out);
    case VP_DLT645_DI_DATE:
      return append_time (clock, VP_BCD_TIME_LAYOUT_DLT645_DATE, out);
    case VP_DLT645_DI_TIME:
      return append_time (clock, VP_BCD_TIME_LAYOUT_DLT645_TIME, out);
    case VP_DLT645_DI_ADDRESS:
      g_byte_array_append (out, meter->e_address.bytes, VP_DLT645_ADDRESS_SIZE);
      return TRUE;
    case VP_DLT645_DI_STATUS_3:
      return append_number (item, status3_word (meter), 0, out);
    case VP_DLT645_DI_STATUS_BLOCK:
      for (guint i = 1; i <= 7 && ok; i++)
        ok = append_number (item, i == 3 ? status3_word (meter) : 0, 0, out);
      return ok;
    case VP_DLT645_DI_MONEY_REMAINING:
      return prepaid && append_number (item, MAX (meter->money, 0), 2, out);
    case VP_DLT645_DI_MONEY_OVERDRAFT:
      return prepaid && append_number (item, MAX (-meter->money, 0), 2, out);
    case VP_DLT645_DI_MONEY_ALARM_1:
    case VP_DLT645_DI_MONEY_ALARM_2:
    case VP_DLT645_DI_MONEY_OVERDRAFT_LIMIT:
    case VP_DLT645_DI_MONEY_HOARDING_LIMIT:
    case VP_DLT645_DI_MONEY_CLOSE_ALLOW:
      return prepaid && append_number (item, meter->limits[di - VP_DLT645_DI_MONEY_ALARM_1], 2,
                                       out);
    default:
      /* Status words 1, 2, 4..7: nothing to report. */
      if (di >= 0x04000501 && di <= 0x04000507)
        return append_number (item, 0, 0, out);
      return FALSE;
    }
}

/* 14 write: only the clock and the money limits are writable here. */
static guint8
write_value (VpSimMeter            *meter,
             const VpDlt645Message *request,
             gint64                 now)
{
  const VpDlt645Item *item = vp_dlt645_item_lookup (request->di);
  g_autoptr(GDateTime) clock = meter_clock (meter, now);
  g_autoptr(GDateTime) new_clock = NULL;
  VpBcdTime time;
  gint64 number;

  if (item == NULL)
    return VP_DLT645_ERROR_NO_DATA;
  if (request->n_value != vp_dlt645_item_get_value_size (item))
    return VP_DLT645_ERROR_OTHER;

  switch (request->di)
    {
    case VP_DLT645_DI_DATE:
    case VP_DLT645_DI_TIME:
      if (!vp_bcd_time_decode (request->value,
                               request->di == VP_DLT645_DI_DATE
                               ? VP_BCD_TIME_LAYOUT_DLT645_DATE : VP_BCD_TIME_LAYOUT_DLT645_TIME,
                               &time, NULL)
          || !vp_bcd_time_is_valid (&time))
        return VP_DLT645_ERROR_OTHER;
      if (request->di == VP_DLT645_DI_DATE)
        new_clock = g_date_time_new_local (time.year, time.month, time.day,
                                           g_date_time_get_hour (clock),
                                           g_date_time_get_minute (clock),
                                           g_date_time_get_second (clock));
      else
        new_clock = g_date_time_new_local (g_date_time_get_year (clock),
                                           g_date_time_get_month (clock),
                                           g_date_time_get_day_of_month (clock),
                                           time.hour, time.minute, time.second);
      if (new_clock == NULL)
        return VP_DLT645_ERROR_OTHER;
      set_clock (meter, now, new_clock);
      return 0;
    case VP_DLT645_DI_MONEY_ALARM_1:
    case VP_DLT645_DI_MONEY_ALARM_2:
    case VP_DLT645_DI_MONEY_OVERDRAFT_LIMIT:
    case VP_DLT645_DI_MONEY_HOARDING_LIMIT:
    case VP_DLT645_DI_MONEY_CLOSE_ALLOW:
      if (!vp_dlt645_item_decode_number (item, request->value, request->n_value, 0, &number,
                                         NULL)
          || item->scale != 2)
        return VP_DLT645_ERROR_OTHER;
      meter->limits[request->di - VP_DLT645_DI_MONEY_ALARM_1] = number;
      return 0;
    default:
      return VP_DLT645_ERROR_OTHER;  /* read-only here */
    }
}

/* 1C remote control (PROTOCOLS.md): the command must not have expired by the meter's
 * clock, and keep-power (保电) refuses a trip. */
static guint8
control (VpSimMeter            *meter,
         const VpDlt645Message *request,
         gint64                 now)
{
  g_autoptr(GDateTime) clock = meter_clock (meter, now);
  g_autoptr(GDateTime) expiry = NULL;

  if (!vp_bcd_time_is_valid (&request->expiry)
      || (expiry = vp_bcd_time_to_date_time (&request->expiry, NULL)) == NULL
      || g_date_time_compare (expiry, clock) < 0)
    return VP_DLT645_ERROR_OTHER;

  switch (request->action)
    {
    case VP_DLT645_CONTROL_ACTION_TRIP:
      if (meter->keep_power)
        return VP_DLT645_ERROR_OTHER;
      meter->relay_open = TRUE;
      meter->relay_command_open = TRUE;
      meter->close_allowed = FALSE;
      return 0;
    case VP_DLT645_CONTROL_ACTION_CLOSE_ALLOW:
      /* The relay stays open until the customer holds the button. */
      meter->relay_command_open = FALSE;
      meter->close_allowed = meter->relay_open;
      return 0;
    case VP_DLT645_CONTROL_ACTION_CLOSE:
      meter->relay_open = FALSE;
      meter->relay_command_open = FALSE;
      meter->close_allowed = FALSE;
      return 0;
    case VP_DLT645_CONTROL_ACTION_ALARM:
    case VP_DLT645_CONTROL_ACTION_ALARM_CLEAR:
      meter->alarm = request->action == VP_DLT645_CONTROL_ACTION_ALARM;
      return 0;
    case VP_DLT645_CONTROL_ACTION_KEEP_POWER:
    case VP_DLT645_CONTROL_ACTION_KEEP_POWER_CLEAR:
      meter->keep_power = request->action == VP_DLT645_CONTROL_ACTION_KEEP_POWER;
      return 0;
    default:
      return VP_DLT645_ERROR_OTHER;
    }
}

gboolean
vp_sim_meter_handle_dlt645 (VpSimMeter            *meter,
                            const VpDlt645Message *request,
                            gint64                 now,
                            VpDlt645Frame         *out_reply)
{
  const VpDlt645Address *address = &meter->e_address;
  guint8 error_flags = 0;

  g_return_val_if_fail (meter->kind == VP_SIM_METER_ELECTRICITY, FALSE);

  meter->requests++;
  switch (request->function)
    {
    case VP_DLT645_FUNCTION_BROADCAST_TIME:
      {
        g_autoptr(GDateTime) clock = NULL;

        if (request->has_time && vp_bcd_time_is_valid (&request->time)
            && (clock = vp_bcd_time_to_date_time (&request->time, NULL)) != NULL)
          set_clock (meter, now, clock);
        return FALSE;  /* never answered */
      }

    case VP_DLT645_FUNCTION_READ:
      {
        g_autoptr(GByteArray) value = g_byte_array_new ();

        if (!request->has_di || !read_value (meter, request->di, now, value))
          {
            error_flags = VP_DLT645_ERROR_NO_DATA;
            break;
          }
        vp_dlt645_build_read_reply (out_reply, address, request->di, value->data, value->len,
                                    FALSE, NULL);
        meter->replies++;
        return TRUE;
      }

    case VP_DLT645_FUNCTION_READ_ADDRESS:
      vp_dlt645_build_read_address_reply (out_reply, address);
      meter->replies++;
      return TRUE;

    case VP_DLT645_FUNCTION_WRITE:
    case VP_DLT645_FUNCTION_CONTROL:
      if (!request->has_password || !vp_dlt645_password_equal (&request->password,
                                                               &meter->password))
        error_flags = VP_DLT645_ERROR_PASSWORD;
      else if (request->function == VP_DLT645_FUNCTION_WRITE)
        error_flags = write_value (meter, request, now);
      else
        error_flags = control (meter, request, now);
      if (error_flags != 0)
        break;
      vp_dlt645_build_reply (out_reply, address, request->function, FALSE, NULL, 0, NULL);
      meter->replies++;
      return TRUE;

    default:
      error_flags = VP_DLT645_ERROR_OTHER;
      break;
    }

  vp_dlt645_build_abnormal_reply (out_reply, address, request->function, error_flags);
  meter->replies++;
  return TRUE;
}

/* ---- CJ/T 188 ----------------------------------------------------------------- */

gboolean
vp_sim_meter_handle_cjt188 (VpSimMeter            *meter,
                            const VpCjt188Message *request,
                            gint64                 now,
                            VpCjt188Frame         *out_reply)
{
  guint8 status[2];

  g_return_val_if_fail (meter->kind == VP_SIM_METER_WATER, FALSE);

  meter->requests++;
  vp_cjt188_status_encode (meter->valve, meter->battery_low, status);

  if (request->function == VP_CJT188_FUNCTION_READ && request->has_di
      && request->di == VP_CJT188_DI_READ_DATA)
    {
      g_autoptr(GDateTime) clock = meter_clock (meter, now);
      VpCjt188MeterData data = { 0 };

      data.current_flow = meter->volume;
      data.current_unit = VP_CJT188_UNIT_M3;
      data.settlement_flow = meter->settlement_volume;
      data.settlement_unit = VP_CJT188_UNIT_M3;
      vp_bcd_time_from_date_time (&data.time, clock);
      memcpy (data.status, status, sizeof status);
      if (!vp_cjt188_build_read_data_reply (out_reply, WATER_TYPE, &meter->w_address,
                                            request->ser, &data, NULL))
        return FALSE;
    }
  else if (request->function == VP_CJT188_FUNCTION_READ_ADDRESS)
    vp_cjt188_build_read_address_reply (out_reply, WATER_TYPE, &meter->w_address, request->ser);
  else if (request->function == VP_CJT188_FUNCTION_WRITE && request->has_valve_command)
    {
      /* A jammed valve stays jammed whatever it is told. */
      if (meter->valve != VP_CJT188_VALVE_ABNORMAL)
        meter->valve = request->valve_open ? VP_CJT188_VALVE_OPEN : VP_CJT188_VALVE_CLOSED;
      vp_cjt188_status_encode (meter->valve, meter->battery_low, status);
      vp_cjt188_build_valve_reply (out_reply, WATER_TYPE, &meter->w_address, request->ser,
                                   status);
    }
  else
    return FALSE;  /* functions a basic water meter does not offer: silence */

  meter->replies++;
  return TRUE;
}
