/* vp-frame-describe.h: what a captured frame says, in words
 *
 * Used by `vpctl frame decode` and by the meter client's frame log. A description is
 * an ordered list of typed fields with stable keys, so vpctl can print it as JSON
 * (devices/ does not depend on json-glib) and a log can print it as one line. Keys
 * appear in this order, each only when the frame carries it:
 *
 *   protocol "dlt645"|"cjt188", meter_type (cjt188), address, control ("0x91"),
 *   function ("read" … or "unknown"), reply, abnormal, follow_up (dlt645), errors
 *   (always, names of error bits; [] if none), di, seq, ser (cjt188), item, label,
 *   value, values (blocks), unit, password ("02:563412"), new_password, operator,
 *   new_address, time (ISO 8601), action, expiry (ISO 8601), freeze, baud,
 *   relay, relay_command, pre_trip_alarm, meter_kind, keep_power, power_source
 *   (status word 3), flow, flow_unit, settlement_flow, valve, battery_low,
 *   valve_command (cjt188), raw (data bytes, hex, when not understood).
 *
 * For a water 901F reply "value" and "unit" repeat the current flow, so scripts can
 * read any meter's reading the same way.
 */
#pragma once

#include <glib.h>

#include "vp-frame-reader.h"

G_BEGIN_DECLS

typedef enum
{
  VP_FRAME_FIELD_STRING,
  VP_FRAME_FIELD_BOOLEAN,
  VP_FRAME_FIELD_INTEGER,
  VP_FRAME_FIELD_STRV,
} VpFrameFieldType;

typedef struct
{
  const char       *key;      /* stable ASCII key, JSON member name */
  const char       *label;    /* translated, for the readable multi-line form */
  VpFrameFieldType  type;
  char             *string;   /* STRING */
  gboolean          boolean;  /* BOOLEAN */
  gint64            integer;  /* INTEGER */
  char            **strv;     /* STRV, never NULL for that type */
} VpFrameField;

typedef struct _VpFrameDescription VpFrameDescription;

/* Describe exactly one frame (leading FE allowed) of @protocol (AUTO: whichever
 * shape fits). On a bad frame returns NULL and sets the same error the decoders
 * give ("checksum is 0x8B, expected 0x8A", "end byte is 0x17, expected 0x16" …).
 * Content a meter may legitimately send but Vendpoint does not know (an unknown DI)
 * is described, not refused. */
VpFrameDescription *vp_frame_describe                  (const guint8       *bytes,
                                                        gsize               n_bytes,
                                                        VpFrameProtocol     protocol,
                                                        GError            **error);
void                vp_frame_description_free          (VpFrameDescription *description);

guint               vp_frame_description_get_n_fields  (const VpFrameDescription *description);
const VpFrameField *vp_frame_description_get_field     (const VpFrameDescription *description,
                                                        guint                     index);
/* The field with @key, or NULL. */
const VpFrameField *vp_frame_description_lookup        (const VpFrameDescription *description,
                                                        const char               *key);
/* The STRING field @key, or NULL if absent or of another type. */
const char         *vp_frame_description_get_string    (const VpFrameDescription *description,
                                                        const char               *key);
/* The BOOLEAN field @key; FALSE if absent. */
gboolean            vp_frame_description_get_boolean   (const VpFrameDescription *description,
                                                        const char               *key);

/* Multi-line "Label: value" text, one field per line, ending in a newline. */
char               *vp_frame_description_to_text       (const VpFrameDescription *description);
/* One line for logs: "dlt645 000000000161 read 00010000 energy.forward.total". */
char               *vp_frame_description_to_line       (const VpFrameDescription *description);

/* A frame log line that never fails: "68 61 … 16  dlt645 000000000161 read …", or
 * the hex followed by "(bad frame: <reason>)". */
char               *vp_frame_describe_line             (const guint8       *bytes,
                                                        gsize               n_bytes,
                                                        VpFrameProtocol     protocol);

/* "68 61 01 …" (uppercase, single spaces). */
char               *vp_frame_format_hex                (const guint8       *bytes,
                                                        gsize               n_bytes);
/* Hex digits with optional whitespace, ':' or '-' between bytes and an optional
 * "0x" per byte; the pieces of @parts are concatenated first (so a frame may be
 * split across command-line arguments). VP_DEVICE_ERROR_INVALID_ARGUMENT on an odd
 * digit count, another character, or no bytes at all. */
GBytes             *vp_frame_parse_hex                 (const char * const *parts,
                                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpFrameDescription, vp_frame_description_free)

G_END_DECLS
