/* vp-dlt645-items.h: the DL/T 645-2007 data items Vendpoint knows
 *
 * A registry of data identifiers (DI) with what a technician needs to read them:
 * a stable ASCII name for the command line ("energy.forward.total"), a translatable
 * label, the unit, the BCD size and scale (shared/PROTOCOLS.md "Data items").
 * Values are formatted and parsed as exact decimal text, never through floating point.
 */
#pragma once

#include <glib.h>

#include "vp-bcd.h"

G_BEGIN_DECLS

typedef enum
{
  VP_DLT645_ITEM_NUMBER,   /* BCD number, scale decimals, maybe signed */
  VP_DLT645_ITEM_DATE,     /* 04000101: WW DD MM YY → "2017-06-05" */
  VP_DLT645_ITEM_TIME,     /* 04000102: ss mm hh → "10:22:51" */
  VP_DLT645_ITEM_ADDRESS,  /* 04000401: 6-byte address → "000010604867" */
  VP_DLT645_ITEM_STATUS,   /* status words: 16-bit little-endian bit fields → "0x0010" */
} VpDlt645ItemKind;

typedef struct
{
  guint32          di;
  const char      *name;      /* stable ASCII id: "energy.forward.total", "voltage.a" */
  const char      *label;     /* untranslated; use vp_dlt645_item_get_label() */
  const char      *unit;      /* "kWh", "V", "A", "kW", "yuan", "" */
  VpDlt645ItemKind kind;
  guint8           size;      /* bytes per value */
  guint8           n_values;  /* 1, or the number of values in a block (0001FF00: 5) */
  guint8           scale;     /* decimals of NUMBER values */
  gboolean         is_signed; /* sign in the top bit of the last byte */
} VpDlt645Item;

/* The item for @di, or NULL. */
const VpDlt645Item *vp_dlt645_item_lookup         (guint32             di);
/* The item named @name ("voltage.a"), or NULL. */
const VpDlt645Item *vp_dlt645_item_lookup_name    (const char         *name);
/* Every known item, sorted by DI. */
const VpDlt645Item *vp_dlt645_items_get_all       (guint              *out_n_items);

/* @item->label translated. */
const char *vp_dlt645_item_get_label              (const VpDlt645Item *item);
/* Bytes of the whole value: size × n_values. */
gsize       vp_dlt645_item_get_value_size         (const VpDlt645Item *item);

/* Value bytes (wire order, 0x33 removed) as text: "0.26", "-1.234", "220.1"; a
 * block is its values joined by "," ("1.00,0.20,0.30,0.40,0.10"); DATE
 * "2017-06-05", TIME "10:22:51", ADDRESS "000010604867", STATUS "0x0010".
 * VP_DEVICE_ERROR_MALFORMED if @n_value is not the item's value size or a nibble
 * is not BCD. */
char       *vp_dlt645_item_format_value           (const VpDlt645Item *item,
                                                   const guint8       *value,
                                                   gsize               n_value,
                                                   GError            **error);

/* The integer (10^-scale units) of value number @index of a NUMBER item, or the
 * 16-bit word of a STATUS item. VP_DEVICE_ERROR_MALFORMED on bad size or BCD. */
gboolean    vp_dlt645_item_decode_number          (const VpDlt645Item *item,
                                                   const guint8       *value,
                                                   gsize               n_value,
                                                   guint               index,
                                                   gint64             *out_number,
                                                   GError            **error);

/* Encode one NUMBER value (10^-scale units) or STATUS word into @item->size bytes. */
gboolean    vp_dlt645_item_encode_number          (const VpDlt645Item *item,
                                                   gint64              number,
                                                   guint8             *out,
                                                   GError            **error);

/* Parse text as vp_dlt645_item_format_value() writes it into the item's wire bytes
 * (appended to @out): numbers with at most scale decimals, blocks comma-separated,
 * DATE "YYYY-MM-DD" (weekday computed), TIME "hh:mm:ss", ADDRESS 12 digits, STATUS
 * "0x…" or decimal. VP_DEVICE_ERROR_INVALID_ARGUMENT on anything else. */
gboolean    vp_dlt645_item_encode_value           (const VpDlt645Item *item,
                                                   const char         *text,
                                                   GByteArray         *out,
                                                   GError            **error);

/* "00010000" (8 uppercase hex digits, DI3 first as people write it). */
char       *vp_dlt645_di_to_string                (guint32             di);
/* Parse 8 hex digits (an optional "0x" prefix). VP_DEVICE_ERROR_INVALID_ARGUMENT. */
gboolean    vp_dlt645_di_parse                    (const char         *text,
                                                   guint32            *out_di,
                                                   GError            **error);
/* An item name or a DI in hex → DI; VP_DEVICE_ERROR_UNKNOWN_ITEM for an unknown name. */
gboolean    vp_dlt645_di_parse_name_or_hex        (const char         *text,
                                                   guint32            *out_di,
                                                   GError            **error);

/* ---- Well-known DIs (PROTOCOLS.md table) ------------------------------------- */
#define VP_DLT645_DI_ENERGY_COMBINED_TOTAL 0x00000000
#define VP_DLT645_DI_ENERGY_FORWARD_TOTAL  0x00010000
#define VP_DLT645_DI_ENERGY_FORWARD_BLOCK  0x0001FF00
#define VP_DLT645_DI_ENERGY_REVERSE_TOTAL  0x00020000
#define VP_DLT645_DI_VOLTAGE_A             0x02010100
#define VP_DLT645_DI_VOLTAGE_BLOCK         0x0201FF00
#define VP_DLT645_DI_CURRENT_A             0x02020100
#define VP_DLT645_DI_POWER_ACTIVE_TOTAL    0x02030000
#define VP_DLT645_DI_DATE                  0x04000101
#define VP_DLT645_DI_TIME                  0x04000102
#define VP_DLT645_DI_ADDRESS               0x04000401
#define VP_DLT645_DI_STATUS_3              0x04000503
#define VP_DLT645_DI_STATUS_BLOCK          0x040005FF
#define VP_DLT645_DI_ENERGY_REMAINING      0x00900100
#define VP_DLT645_DI_MONEY_REMAINING       0x00900200
#define VP_DLT645_DI_MONEY_OVERDRAFT       0x00900201
#define VP_DLT645_DI_MONEY_ALARM_1         0x04001001
#define VP_DLT645_DI_MONEY_ALARM_2         0x04001002
#define VP_DLT645_DI_MONEY_OVERDRAFT_LIMIT 0x04001003
#define VP_DLT645_DI_MONEY_HOARDING_LIMIT  0x04001004
#define VP_DLT645_DI_MONEY_CLOSE_ALLOW     0x04001005
#define VP_DLT645_DI_PURCHASE_COUNT        0x03330201
#define VP_DLT645_DI_PASSWORD_BASE         0x04000C01 /* + level (18 change password) */
#define VP_DLT645_DI_ALL_EVENTS            0xFFFFFFFF /* 1B clear events: all */

/* ---- Status word 3 (04000503, PROTOCOLS.md) ---------------------------------- */

typedef enum
{
  VP_DLT645_METER_TYPE_NOT_PREPAID    = 0, /* bits 8-9 = 00 */
  VP_DLT645_METER_TYPE_ENERGY_PREPAID = 1, /* 01 */
  VP_DLT645_METER_TYPE_MONEY_PREPAID  = 2, /* 10 */
  VP_DLT645_METER_TYPE_UNKNOWN        = 3, /* 11: reserved */
} VpDlt645MeterType;

typedef enum
{
  VP_DLT645_POWER_SOURCE_MAIN      = 0,  /* bits 1-2 = 00 */
  VP_DLT645_POWER_SOURCE_AUXILIARY = 1,  /* 01 */
  VP_DLT645_POWER_SOURCE_BATTERY   = 2,  /* 10 */
  VP_DLT645_POWER_SOURCE_UNKNOWN   = 3,
} VpDlt645PowerSource;

#define VP_DLT645_STATUS3_POWER_SOURCE_SHIFT 1
#define VP_DLT645_STATUS3_RELAY_OPEN         (1 << 4)
#define VP_DLT645_STATUS3_RELAY_COMMAND_OPEN (1 << 6)
#define VP_DLT645_STATUS3_PRE_TRIP_ALARM     (1 << 7)
#define VP_DLT645_STATUS3_METER_TYPE_SHIFT   8
#define VP_DLT645_STATUS3_KEEP_POWER         (1 << 12)

typedef struct
{
  gboolean            relay_open;          /* bit 4: actual relay state, 1 open */
  gboolean            relay_command_open;  /* bit 6: last relay command was trip */
  gboolean            pre_trip_alarm;      /* bit 7 */
  VpDlt645MeterType   meter_type;          /* bits 8-9 */
  gboolean            keep_power;          /* bit 12 (保电) */
  VpDlt645PowerSource power_source;        /* bits 1-2 */
} VpDlt645Status3;

void        vp_dlt645_status3_decode           (guint16                word,
                                                VpDlt645Status3       *out_status);
/* Bits not named in VpDlt645Status3 are 0. */
guint16     vp_dlt645_status3_encode           (const VpDlt645Status3 *status);
/* "not-prepaid", "energy-prepaid", "money-prepaid", "unknown". */
const char *vp_dlt645_meter_type_to_string     (VpDlt645MeterType      type);
/* "main", "auxiliary", "battery", "unknown". */
const char *vp_dlt645_power_source_to_string   (VpDlt645PowerSource    source);

G_END_DECLS
