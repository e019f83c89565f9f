/* vp-frame-reader.c: find DL/T 645 and CJ/T 188 frames in a byte stream */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-cjt188.h"
#include "vp-device-error.h"
#include "vp-dlt645.h"
#include "vp-frame-private.h"
#include "vp-frame-reader.h"

#define START_BYTE 0x68

struct _VpFrameReader
{
  VpFrameProtocol  protocol;
  GByteArray      *buffer;
  gboolean         ended;      /* end_input(): incomplete candidates are errors */
  guint64          discarded;
  gsize            shadow;     /* leading bytes that belonged to a failed candidate */
};

const char *
vp_frame_protocol_to_string (VpFrameProtocol protocol)
{
  switch (protocol)
    {
    case VP_FRAME_PROTOCOL_DLT645: return "dlt645";
    case VP_FRAME_PROTOCOL_CJT188: return "cjt188";
    case VP_FRAME_PROTOCOL_AUTO:
    default: return "auto";
    }
}

gboolean
vp_frame_protocol_from_string (const char      *name,
                               VpFrameProtocol *out_protocol)
{
  static const VpFrameProtocol all[] = {
    VP_FRAME_PROTOCOL_AUTO, VP_FRAME_PROTOCOL_DLT645, VP_FRAME_PROTOCOL_CJT188,
  };

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out_protocol != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (name, vp_frame_protocol_to_string (all[i])))
      {
        *out_protocol = all[i];
        return TRUE;
      }
  return FALSE;
}

/* One frame shape's verdict on a candidate: size > 0 valid, error set invalid,
 * neither: more bytes needed. */
typedef struct
{
  gboolean  tried;
  gsize     size;
  GError   *error;
} ShapeResult;

static void
shape_try (ShapeResult     *result,
           VpFrameScanFunc  scan,
           const guint8    *bytes,
           gsize            n_bytes)
{
  result->tried = TRUE;
  result->size = scan (bytes, n_bytes, &result->error);
}

static gboolean
shape_pending (const ShapeResult *result)
{
  return result->tried && result->size == 0 && result->error == NULL;
}

/* A shape "claims" a candidate when its distinguishing byte fits: DL/T 645 the second
 * 68 at offset 7, CJ/T 188 a plausible meter type at offset 1 (PROTOCOLS.md). Its
 * error is then the one worth reporting. */
static gboolean
claims_dlt645 (const guint8 *bytes,
               gsize         n_bytes)
{
  return n_bytes >= 8 && bytes[7] == START_BYTE;
}

static gboolean
claims_cjt188 (const guint8 *bytes,
               gsize         n_bytes)
{
  return n_bytes >= 2 && vp_cjt188_meter_type_is_plausible (bytes[1]);
}

gsize
vp_frame_scan_full (const guint8  *bytes,
                    gsize          n_bytes,
                    VpFrameProtocol  protocol,
                    gboolean         ended,
                    VpFrameProtocol *out_protocol,
                    GError       **error)
{
  ShapeResult dlt = { 0, }, cjt = { 0, };
  ShapeResult *report = NULL;
  VpFrameProtocol found = VP_FRAME_PROTOCOL_AUTO;
  gsize size = 0;

  g_return_val_if_fail (bytes != NULL && n_bytes > 0 && bytes[0] == START_BYTE, 0);

  if (protocol != VP_FRAME_PROTOCOL_CJT188)
    shape_try (&dlt, vp_dlt645_frame_scan, bytes, n_bytes);
  if (protocol != VP_FRAME_PROTOCOL_DLT645 && dlt.size == 0)
    shape_try (&cjt, vp_cjt188_frame_scan, bytes, n_bytes);

  if (dlt.size > 0)
    {
      size = dlt.size;
      found = VP_FRAME_PROTOCOL_DLT645;
      goto out;
    }
  if (cjt.size > 0)
    {
      size = cjt.size;
      found = VP_FRAME_PROTOCOL_CJT188;
      goto out;
    }
  if (!ended && (shape_pending (&dlt) || shape_pending (&cjt)))
    goto out;

  /* No shape fits (or the input ended): pick the most telling reason. */
  if (dlt.error != NULL && claims_dlt645 (bytes, n_bytes))
    report = &dlt;
  else if (cjt.error != NULL && claims_cjt188 (bytes, n_bytes))
    report = &cjt;

  if (report != NULL)
    g_propagate_error (error, g_steal_pointer (&report->error));
  else if (shape_pending (&dlt))
    vp_frame_set_truncated_error (error, bytes, n_bytes, VP_DLT645_HEADER_SIZE);
  else if (shape_pending (&cjt))
    vp_frame_set_truncated_error (error, bytes, n_bytes, VP_CJT188_HEADER_SIZE);
  else if (dlt.error != NULL && cjt.error != NULL)
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                 _("Not a meter frame: byte 8 is 0x%02X (DL/T 645 has 0x68 there) and "
                   "byte 2 is 0x%02X (not a CJ/T 188 meter type)"),
                 n_bytes >= 8 ? bytes[7] : 0, bytes[1]);
  else if (dlt.error != NULL)
    g_propagate_error (error, g_steal_pointer (&dlt.error));
  else
    g_propagate_error (error, g_steal_pointer (&cjt.error));

out:
  g_clear_error (&dlt.error);
  g_clear_error (&cjt.error);
  if (out_protocol != NULL)
    *out_protocol = found;
  return size;
}

gsize
vp_frame_scan (const guint8    *bytes,
               gsize            n_bytes,
               VpFrameProtocol  protocol,
               VpFrameProtocol *out_protocol,
               GError         **error)
{
  g_return_val_if_fail (bytes != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (n_bytes == 0)
    return 0;
  if (bytes[0] != START_BYTE)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_MALFORMED,
                   _("Frame starts with 0x%02X, expected 0x68"), bytes[0]);
      return 0;
    }
  return vp_frame_scan_full (bytes, n_bytes, protocol, FALSE, out_protocol, error);
}

VpFrameReader *
vp_frame_reader_new (VpFrameProtocol protocol)
{
  VpFrameReader *reader = g_new0 (VpFrameReader, 1);

  reader->protocol = protocol;
  reader->buffer = g_byte_array_new ();
  return reader;
}

void
vp_frame_reader_free (VpFrameReader *reader)
{
  if (reader == NULL)
    return;
  g_byte_array_unref (reader->buffer);
  g_free (reader);
}

void
vp_frame_reader_push (VpFrameReader *reader,
                      const guint8  *bytes,
                      gsize          n_bytes)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (bytes != NULL || n_bytes == 0);

  reader->ended = FALSE;
  if (n_bytes == 0)
    return;
  /* Bytes before the first 68 can never belong to a frame: drop them now so noise
   * on an idle line cannot grow the buffer. */
  if (reader->buffer->len == 0)
    {
      const guint8 *start = memchr (bytes, START_BYTE, n_bytes);
      gsize skip = start != NULL ? (gsize) (start - bytes) : n_bytes;

      reader->discarded += skip;
      bytes += skip;
      n_bytes -= skip;
    }
  if (n_bytes > 0)
    g_byte_array_append (reader->buffer, bytes, (guint) n_bytes);
}

static void
drop_front (VpFrameReader *reader,
            gsize          n_bytes)
{
  g_byte_array_remove_range (reader->buffer, 0, (guint) n_bytes);
  reader->shadow -= MIN (reader->shadow, n_bytes);
}

/* How many bytes the failed candidate at the buffer start claimed to span: the whole
 * frame its L announced, or its header when L itself was refused. */
static gsize
failed_extent (VpFrameReader *reader,
               const GError  *error)
{
  const guint8 *b = reader->buffer->data;
  gsize n = reader->buffer->len;
  gboolean dlt645 = reader->protocol == VP_FRAME_PROTOCOL_DLT645
                    || (reader->protocol == VP_FRAME_PROTOCOL_AUTO && claims_dlt645 (b, n));
  gsize header_size = dlt645 ? VP_DLT645_HEADER_SIZE : VP_CJT188_HEADER_SIZE;
  gsize extent = n;   /* TRUNCATED: everything buffered */

  if (error->code == VP_DEVICE_ERROR_MALFORMED)
    extent = 1;       /* no frame shape: it claimed nothing beyond its 68 */
  else if (error->code == VP_DEVICE_ERROR_TOO_LONG)
    extent = header_size;
  else if ((error->code == VP_DEVICE_ERROR_BAD_CHECKSUM || error->code == VP_DEVICE_ERROR_BAD_END)
           && n >= header_size)
    extent = header_size + b[header_size - 1] + 2;
  return MIN (extent, n);
}

/* Drop everything before the next 68, counting it as discarded. */
static void
skip_to_start (VpFrameReader *reader)
{
  const guint8 *data = reader->buffer->data;
  const guint8 *start;
  gsize skip;

  /* An empty GByteArray may have no storage at all: memchr (NULL, …) is undefined. */
  if (reader->buffer->len == 0)
    return;
  start = memchr (data, START_BYTE, reader->buffer->len);
  skip = start != NULL ? (gsize) (start - data) : reader->buffer->len;
  if (skip > 0)
    {
      reader->discarded += skip;
      drop_front (reader, skip);
    }
}

VpFrameReaderStatus
vp_frame_reader_pull (VpFrameReader    *reader,
                      VpFrameProtocol  *out_protocol,
                      GBytes          **out_frame,
                      GError          **error)
{
  GError *local_error = NULL;
  VpFrameProtocol protocol;
  gsize size;

  g_return_val_if_fail (reader != NULL, VP_FRAME_READER_NEED_MORE);
  g_return_val_if_fail (out_frame == NULL || *out_frame == NULL, VP_FRAME_READER_NEED_MORE);
  g_return_val_if_fail (error == NULL || *error == NULL, VP_FRAME_READER_NEED_MORE);

  for (;;)
    {
      skip_to_start (reader);
      if (reader->buffer->len == 0)
        return VP_FRAME_READER_NEED_MORE;

      size = vp_frame_scan_full (reader->buffer->data, reader->buffer->len, reader->protocol,
                                 reader->ended, &protocol, &local_error);
      if (size > 0)
        {
          if (out_frame != NULL)
            *out_frame = g_bytes_new (reader->buffer->data, size);
          if (out_protocol != NULL)
            *out_protocol = protocol;
          drop_front (reader, size);
          return VP_FRAME_READER_FRAME;
        }
      if (local_error == NULL)
        return VP_FRAME_READER_NEED_MORE;

      /* A 68 inside a candidate already reported (its second 68, a data byte) is
       * part of that fault, not a new one. */
      if (reader->shadow > 0)
        {
          g_clear_error (&local_error);
          reader->discarded++;
          drop_front (reader, 1);
          continue;
        }
      break;
    }

  /* Resynchronise: this 68 was not a frame start; the next one may be. Skipping only
   * one byte keeps a good frame that hides inside the bad candidate's length. */
  reader->shadow = MAX (reader->shadow, failed_extent (reader, local_error));
  reader->discarded++;
  drop_front (reader, 1);
  g_propagate_error (error, local_error);
  return VP_FRAME_READER_ERROR;
}

void
vp_frame_reader_end_input (VpFrameReader *reader)
{
  g_return_if_fail (reader != NULL);
  reader->ended = TRUE;
}

void
vp_frame_reader_reset (VpFrameReader *reader)
{
  g_return_if_fail (reader != NULL);

  reader->discarded += reader->buffer->len;
  g_byte_array_set_size (reader->buffer, 0);
  reader->ended = FALSE;
  reader->shadow = 0;
}

gsize
vp_frame_reader_get_buffered (VpFrameReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);
  return reader->buffer->len;
}

gboolean
vp_frame_reader_in_frame (VpFrameReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);
  /* Noise left behind a pulled frame does not count; a 68 anywhere does. */
  return reader->buffer->len > 0
         && memchr (reader->buffer->data, START_BYTE, reader->buffer->len) != NULL;
}

guint64
vp_frame_reader_get_discarded (VpFrameReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);
  return reader->discarded;
}
