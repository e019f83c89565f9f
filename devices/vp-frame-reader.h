/* vp-frame-reader.h: find meter frames in a byte stream
 *
 * Serial lines and gateways deliver bytes in arbitrary chunks, with FE preambles,
 * line noise before and between frames and the occasional corrupt frame. The reader
 * buffers what is pushed and hands out complete, checked frames. Every candidate that
 * starts with 68 but cannot be a valid frame yields one named GError
 * (VP_DEVICE_ERROR_BAD_CHECKSUM, _BAD_END, _TOO_LONG, _MALFORMED, or _TRUNCATED once
 * the input ended), after which the reader resynchronises: it skips that one 68 and
 * searches for the next, so a good frame that follows (or hides inside) a bad
 * candidate is never lost. Bytes before a 68 are dropped silently and counted; so are
 * failing candidates that start inside a candidate already reported (one corrupt
 * frame gives one error, not one per 68 it contains). A 68 in line noise that starts
 * no frame shape gives VP_DEVICE_ERROR_MALFORMED.
 *
 * Both protocols start with 68 (shared/PROTOCOLS.md): DL/T 645 has its second 68 at
 * offset 7; CJ/T 188 has T, seven address bytes, C and L. In auto mode every shape
 * that fits is tried, so a CJ/T 188 address digit "68" at offset 7 does not hide the
 * frame.
 *
 * Not thread-safe; one reader per link.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VP_FRAME_PROTOCOL_AUTO = 0,
  VP_FRAME_PROTOCOL_DLT645,
  VP_FRAME_PROTOCOL_CJT188,
} VpFrameProtocol;

/* "auto", "dlt645", "cjt188". */
const char *vp_frame_protocol_to_string   (VpFrameProtocol  protocol);
gboolean    vp_frame_protocol_from_string (const char      *name,
                                           VpFrameProtocol *out_protocol);

/* Detect and check the frame at @bytes[0] (which must be 68), as the reader does.
 * Returns the frame size and sets @out_protocol; 0 with @error when no shape allowed
 * by @protocol fits; 0 without error when more bytes are needed to tell. */
gsize       vp_frame_scan                 (const guint8    *bytes,
                                           gsize            n_bytes,
                                           VpFrameProtocol  protocol,
                                           VpFrameProtocol *out_protocol,
                                           GError         **error);

typedef enum
{
  VP_FRAME_READER_NEED_MORE,  /* no complete frame buffered: push more bytes */
  VP_FRAME_READER_FRAME,      /* a frame was returned */
  VP_FRAME_READER_ERROR,      /* a bad candidate was dropped; error set; pull again */
} VpFrameReaderStatus;

typedef struct _VpFrameReader VpFrameReader;

/* A reader for @protocol (AUTO accepts both). */
VpFrameReader      *vp_frame_reader_new          (VpFrameProtocol  protocol);
void                vp_frame_reader_free         (VpFrameReader   *reader);

/* Append received bytes. Clears the end-of-input state. */
void                vp_frame_reader_push         (VpFrameReader   *reader,
                                                  const guint8    *bytes,
                                                  gsize            n_bytes);

/* Take the next result. FRAME: @out_frame receives the frame bytes from the first 68
 * through 16 (preamble stripped; they decode with vp_dlt645_frame_decode() /
 * vp_cjt188_frame_decode() without error) and @out_protocol its protocol (both may
 * be NULL). ERROR: @error says what was wrong with the dropped candidate; call again,
 * later frames are still buffered. NEED_MORE: nothing complete yet. */
VpFrameReaderStatus vp_frame_reader_pull         (VpFrameReader   *reader,
                                                  VpFrameProtocol *out_protocol,
                                                  GBytes         **out_frame,
                                                  GError         **error);

/* Declare that no more bytes will come for now (the inter-byte timeout expired). A
 * candidate still incomplete is then reported by pull() as VP_DEVICE_ERROR_TRUNCATED
 * and the reader resynchronises past it, so complete frames behind it still come
 * out. Pull until NEED_MORE, which then means the buffer is empty. */
void                vp_frame_reader_end_input    (VpFrameReader   *reader);

/* Drop everything buffered (before a new request, so stale bytes cannot answer it). */
void                vp_frame_reader_reset        (VpFrameReader   *reader);

/* Bytes currently buffered (a partial frame, or bytes not yet pulled). */
gsize               vp_frame_reader_get_buffered (VpFrameReader   *reader);
/* TRUE if a 68 candidate is buffered: a frame has begun, so an inter-byte timeout
 * rather than the response timeout applies. */
gboolean            vp_frame_reader_in_frame     (VpFrameReader   *reader);
/* Total bytes dropped so far: noise, preambles, bad candidates' first byte (their
 * other bytes are searched again) and whatever reset() threw away. */
guint64             vp_frame_reader_get_discarded (VpFrameReader  *reader);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpFrameReader, vp_frame_reader_free)

G_END_DECLS
