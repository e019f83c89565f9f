/* vp-frame-private.h: helpers shared by the DL/T 645 and CJ/T 188 codecs (not public) */
#pragma once

#include <glib.h>

#include "vp-frame-reader.h"

G_BEGIN_DECLS

/* Both protocols write AA for "any digits" in an address (PROTOCOLS.md). */
#define VP_FRAME_ADDRESS_WILDCARD_BYTE 0xAA

typedef gsize (*VpFrameScanFunc) (const guint8 *bytes,
                                  gsize         n_bytes,
                                  GError      **error);

/* For decoders of one complete frame: skip FE preamble bytes, run @scan on the rest
 * and turn "needs more bytes" into VP_DEVICE_ERROR_TRUNCATED and bytes after the end
 * byte into VP_DEVICE_ERROR_MALFORMED, since the caller says the frame is complete.
 * @header_size is the offset just past L. Returns the frame start (the 68) and sets
 * *@out_size, or NULL with @error set. */
const guint8 *vp_frame_check_complete (const guint8     *bytes,
                                       gsize             n_bytes,
                                       gsize             header_size,
                                       VpFrameScanFunc   scan,
                                       gsize            *out_size,
                                       GError          **error);

/* Skip the FE bytes that may precede a frame in both protocols; returns the new start
 * and shortens *@n_bytes. */
const guint8 *vp_frame_skip_preamble  (const guint8     *bytes,
                                       gsize            *n_bytes);

/* The length-dependent part of both protocols' candidate checks, once the shape
 * bytes before L are fine: L (at @header_size - 1) <= @max_data else TOO_LONG, then
 * CS and 16. Returns 0 when more bytes are needed or (with @error) on a fault. */
gsize         vp_frame_scan_body      (const guint8     *bytes,
                                       gsize             n_bytes,
                                       gsize             header_size,
                                       guint             max_data,
                                       GError          **error);

/* FE×@n_preamble, @header (68 … L), @data as given, CS, 16. */
GBytes       *vp_frame_encode         (guint             n_preamble,
                                       const guint8     *header,
                                       gsize             header_size,
                                       const guint8     *data,
                                       gsize             n_data);

/* Both protocols: CS (sum from 68 through the data) and 16 follow the data
 * (PROTOCOLS.md). BAD_CHECKSUM or BAD_END. */
gboolean      vp_frame_check_trailer  (const guint8     *frame_start,
                                       gsize             cs_index,
                                       GError          **error);

/* VP_DEVICE_ERROR_TRUNCATED for a candidate of @n_bytes whose L sits at
 * @header_size - 1, saying how many bytes it has and needs. */
void          vp_frame_set_truncated_error (GError       **error,
                                            const guint8  *bytes,
                                            gsize          n_bytes,
                                            gsize          header_size);

/* vp_frame_scan() (vp-frame-reader.h) with @ended: when no more bytes will come, a
 * candidate that still needs more is an error (TRUNCATED), unless a shape that claims
 * it already failed for a better reason, which is then reported. @bytes[0] is 68. */
gsize         vp_frame_scan_full      (const guint8     *bytes,
                                       gsize             n_bytes,
                                       VpFrameProtocol   protocol,
                                       gboolean          ended,
                                       VpFrameProtocol  *out_protocol,
                                       GError          **error);

/* Code ↔ stable name tables (functions, actions, meter types). */
typedef struct
{
  guint       code;
  const char *name;
} VpFrameName;

/* The name of @code in @table, or NULL. */
const char   *vp_frame_name_lookup    (const VpFrameName *table,
                                       gsize              n_entries,
                                       guint              code);
/* The code named @name in @table: TRUE and *@out_code, or FALSE. */
gboolean      vp_frame_name_find      (const VpFrameName *table,
                                       gsize              n_entries,
                                       const char        *name,
                                       guint             *out_code);

/* Addresses of @n_bytes BCD bytes, low byte first, AA allowed as whole high bytes. */
guint         vp_frame_address_count_wildcard (const guint8 *bytes,
                                               gsize         n_bytes,
                                               gboolean     *out_rest_is_bcd);
gboolean      vp_frame_address_parse          (const char   *text,
                                               guint8       *out_bytes,
                                               gsize         n_bytes,
                                               GError      **error);
/* High digit first; never fails (non-BCD bytes print as hex so logs show them). */
char         *vp_frame_address_to_string      (const guint8 *bytes,
                                               gsize         n_bytes);
/* @target's AA high bytes match anything; the other bytes must equal @meter's. */
gboolean      vp_frame_address_matches        (const guint8 *target,
                                               const guint8 *meter,
                                               gsize         n_bytes);

G_END_DECLS
