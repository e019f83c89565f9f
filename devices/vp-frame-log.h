/* vp-frame-log.h: what went over the wire, for the commissioning screen and --verbose
 *
 * A thread-safe ring buffer of the last N exchanges' frames: each entry is the time,
 * the link, the direction, the bytes as hex and a one-line decoded description
 * (vp-frame-describe), or a note ("no answer within 1000 ms, try 1 of 3"). The meter
 * client appends from its link worker threads; listeners are called on the
 * GMainContext they were added with, so a GTK widget can update itself directly.
 */
#pragma once

#include <gio/gio.h>

#include "vp-frame-reader.h"

G_BEGIN_DECLS

typedef enum
{
  VP_FRAME_LOG_TX,    /* sent to the meters */
  VP_FRAME_LOG_RX,    /* received: a frame, or bytes dropped as a bad frame */
  VP_FRAME_LOG_NOTE,  /* a timeout, a retry, a link opened or lost */
} VpFrameLogKind;

typedef struct
{
  gint64          time;         /* wall clock, µs since the epoch (g_get_real_time) */
  VpFrameLogKind  kind;
  char           *link;         /* link URI */
  GBytes         *bytes;        /* NULL for notes */
  char           *hex;          /* "68 61 01 …", "" for notes */
  char           *description;  /* decoded one-liner, "bad frame: …", or the note */
} VpFrameLogEntry;

/* Entries are immutable and reference counted. */
VpFrameLogEntry *vp_frame_log_entry_ref       (VpFrameLogEntry *entry);
void             vp_frame_log_entry_unref     (VpFrameLogEntry *entry);
/* "18:22:01.123 tcp://127.0.0.1:4001 TX 68 … 16  dlt645 000000000161 read 00010000" */
char            *vp_frame_log_entry_to_string (const VpFrameLogEntry *entry);
/* "tx", "rx", "note". */
const char      *vp_frame_log_kind_to_string  (VpFrameLogKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpFrameLogEntry, vp_frame_log_entry_unref)

typedef struct _VpFrameLog VpFrameLog;

typedef void (*VpFrameLogFunc) (VpFrameLog            *log,
                                const VpFrameLogEntry *entry,
                                gpointer               user_data);

/* A log keeping the last @capacity entries (0: 1000). */
VpFrameLog *vp_frame_log_new             (guint                 capacity);
VpFrameLog *vp_frame_log_ref             (VpFrameLog           *log);
void        vp_frame_log_unref           (VpFrameLog           *log);

/* Append a frame (@protocol AUTO lets the describer pick). Never fails: a frame that
 * does not decode is logged with the reason. Any thread. */
void        vp_frame_log_add_frame       (VpFrameLog           *log,
                                          const char           *link,
                                          VpFrameLogKind        kind,
                                          const guint8         *bytes,
                                          gsize                 n_bytes,
                                          VpFrameProtocol       protocol);
/* Append a note. Any thread. */
void        vp_frame_log_add_note        (VpFrameLog           *log,
                                          const char           *link,
                                          const char           *format,
                                          ...) G_GNUC_PRINTF (3, 4);

/* The entries held, oldest first, as a new GPtrArray of references. */
GPtrArray  *vp_frame_log_get_entries     (VpFrameLog           *log);
void        vp_frame_log_clear           (VpFrameLog           *log);

/* Call @func for every entry appended from now on. With @context non-NULL @func runs
 * in that context (invoked from an idle), else synchronously in the appending thread.
 * After vp_frame_log_remove_listener() returns, @func is not called again; @destroy
 * runs once the listener is gone. Returns an id > 0. */
guint       vp_frame_log_add_listener    (VpFrameLog           *log,
                                          GMainContext         *context,
                                          VpFrameLogFunc        func,
                                          gpointer              user_data,
                                          GDestroyNotify        destroy);
void        vp_frame_log_remove_listener (VpFrameLog           *log,
                                          guint                 id);
/* A listener that prints each entry on stderr (vpctl --verbose). */
guint       vp_frame_log_add_stderr_sink (VpFrameLog           *log);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpFrameLog, vp_frame_log_unref)

G_END_DECLS
