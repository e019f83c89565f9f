/* vp-frame-log.c: thread-safe ring buffer of wire frames with listeners */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "vp-frame-describe.h"
#include "vp-frame-log.h"

#define DEFAULT_CAPACITY 1000

typedef struct
{
  gint            ref_count;
  guint           id;
  GMainContext   *context;
  VpFrameLogFunc  func;
  gpointer        user_data;
  GDestroyNotify  destroy;
  gint            removed;   /* atomic */
} Listener;

struct _VpFrameLog
{
  gint        ref_count;
  GMutex      mutex;
  GQueue      entries;    /* VpFrameLogEntry *, oldest first */
  guint       capacity;
  GPtrArray  *listeners;  /* Listener * */
  guint       next_id;
};

typedef struct
{
  VpFrameLog      *log;
  Listener        *listener;
  VpFrameLogEntry *entry;
} Dispatch;

static void
entry_clear (gpointer data)
{
  VpFrameLogEntry *entry = data;

  g_free (entry->link);
  g_clear_pointer (&entry->bytes, g_bytes_unref);
  g_free (entry->hex);
  g_free (entry->description);
}

VpFrameLogEntry *
vp_frame_log_entry_ref (VpFrameLogEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);
  return g_atomic_rc_box_acquire (entry);
}

void
vp_frame_log_entry_unref (VpFrameLogEntry *entry)
{
  if (entry != NULL)
    g_atomic_rc_box_release_full (entry, entry_clear);
}

const char *
vp_frame_log_kind_to_string (VpFrameLogKind kind)
{
  switch (kind)
    {
    case VP_FRAME_LOG_TX:   return "tx";
    case VP_FRAME_LOG_RX:   return "rx";
    case VP_FRAME_LOG_NOTE:
    default:                return "note";
    }
}

char *
vp_frame_log_entry_to_string (const VpFrameLogEntry *entry)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *clock = NULL;
  const char *arrow;

  g_return_val_if_fail (entry != NULL, NULL);

  dt = g_date_time_new_from_unix_local (entry->time / G_USEC_PER_SEC);
  clock = g_date_time_format (dt, "%H:%M:%S");
  switch (entry->kind)
    {
    case VP_FRAME_LOG_TX: arrow = "TX"; break;
    case VP_FRAME_LOG_RX: arrow = "RX"; break;
    default:              arrow = "--"; break;
    }
  if (entry->kind == VP_FRAME_LOG_NOTE)
    return g_strdup_printf ("%s.%03d %s %s %s", clock,
                            (int) (entry->time % G_USEC_PER_SEC / 1000), entry->link, arrow,
                            entry->description);
  return g_strdup_printf ("%s.%03d %s %s %s  %s", clock,
                          (int) (entry->time % G_USEC_PER_SEC / 1000), entry->link, arrow,
                          entry->hex, entry->description);
}

VpFrameLog *
vp_frame_log_new (guint capacity)
{
  VpFrameLog *log = g_new0 (VpFrameLog, 1);

  log->ref_count = 1;
  g_mutex_init (&log->mutex);
  g_queue_init (&log->entries);
  log->capacity = capacity != 0 ? capacity : DEFAULT_CAPACITY;
  log->listeners = g_ptr_array_new ();
  log->next_id = 1;
  return log;
}

VpFrameLog *
vp_frame_log_ref (VpFrameLog *log)
{
  g_return_val_if_fail (log != NULL, NULL);
  g_atomic_int_inc (&log->ref_count);
  return log;
}

static Listener *
listener_ref (Listener *listener)
{
  g_atomic_int_inc (&listener->ref_count);
  return listener;
}

static void
listener_unref (Listener *listener)
{
  if (!g_atomic_int_dec_and_test (&listener->ref_count))
    return;
  if (listener->destroy != NULL)
    listener->destroy (listener->user_data);
  g_clear_pointer (&listener->context, g_main_context_unref);
  g_free (listener);
}

void
vp_frame_log_unref (VpFrameLog *log)
{
  if (log == NULL || !g_atomic_int_dec_and_test (&log->ref_count))
    return;
  g_queue_clear_full (&log->entries, (GDestroyNotify) vp_frame_log_entry_unref);
  for (guint i = 0; i < log->listeners->len; i++)
    listener_unref (g_ptr_array_index (log->listeners, i));
  g_ptr_array_unref (log->listeners);
  g_mutex_clear (&log->mutex);
  g_free (log);
}

static gboolean
dispatch_cb (gpointer data)
{
  Dispatch *d = data;

  if (!g_atomic_int_get (&d->listener->removed))
    d->listener->func (d->log, d->entry, d->listener->user_data);
  return G_SOURCE_REMOVE;
}

static void
dispatch_free (gpointer data)
{
  Dispatch *d = data;

  listener_unref (d->listener);
  vp_frame_log_entry_unref (d->entry);
  vp_frame_log_unref (d->log);
  g_free (d);
}

/* Store @entry (taking it) and tell the listeners, outside the lock so a listener
 * may itself use the log. */
static void
append (VpFrameLog      *log,
        VpFrameLogEntry *entry)
{
  g_autoptr(GPtrArray) listeners = g_ptr_array_new_with_free_func ((GDestroyNotify) listener_unref);

  g_mutex_lock (&log->mutex);
  g_queue_push_tail (&log->entries, vp_frame_log_entry_ref (entry));
  while (g_queue_get_length (&log->entries) > log->capacity)
    vp_frame_log_entry_unref (g_queue_pop_head (&log->entries));
  for (guint i = 0; i < log->listeners->len; i++)
    g_ptr_array_add (listeners, listener_ref (g_ptr_array_index (log->listeners, i)));
  g_mutex_unlock (&log->mutex);

  for (guint i = 0; i < listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (listeners, i);

      if (listener->context != NULL)
        {
          Dispatch *d = g_new0 (Dispatch, 1);

          d->log = vp_frame_log_ref (log);
          d->listener = listener_ref (listener);
          d->entry = vp_frame_log_entry_ref (entry);
          g_main_context_invoke_full (listener->context, G_PRIORITY_DEFAULT, dispatch_cb, d,
                                      dispatch_free);
        }
      else if (!g_atomic_int_get (&listener->removed))
        listener->func (log, entry, listener->user_data);
    }
  vp_frame_log_entry_unref (entry);
}

static VpFrameLogEntry *
entry_new (const char     *link,
           VpFrameLogKind  kind)
{
  VpFrameLogEntry *entry = g_atomic_rc_box_new0 (VpFrameLogEntry);

  entry->time = g_get_real_time ();
  entry->kind = kind;
  entry->link = g_strdup (link != NULL ? link : "");
  return entry;
}

void
vp_frame_log_add_frame (VpFrameLog      *log,
                        const char      *link,
                        VpFrameLogKind   kind,
                        const guint8    *bytes,
                        gsize            n_bytes,
                        VpFrameProtocol  protocol)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpFrameDescription) description = NULL;
  VpFrameLogEntry *entry;

  g_return_if_fail (log != NULL);
  g_return_if_fail (bytes != NULL || n_bytes == 0);

  entry = entry_new (link, kind);
  entry->bytes = g_bytes_new (bytes, n_bytes);
  entry->hex = vp_frame_format_hex (bytes, n_bytes);
  description = vp_frame_describe (bytes, n_bytes, protocol, &error);
  if (description != NULL)
    entry->description = vp_frame_description_to_line (description);
  else
    entry->description = g_strdup_printf (_("bad frame: %s"), error->message);
  append (log, entry);
}

void
vp_frame_log_add_note (VpFrameLog *log,
                       const char *link,
                       const char *format,
                       ...)
{
  VpFrameLogEntry *entry;
  va_list args;

  g_return_if_fail (log != NULL);
  g_return_if_fail (format != NULL);

  entry = entry_new (link, VP_FRAME_LOG_NOTE);
  entry->hex = g_strdup ("");
  va_start (args, format);
  entry->description = g_strdup_vprintf (format, args);
  va_end (args);
  append (log, entry);
}

GPtrArray *
vp_frame_log_get_entries (VpFrameLog *log)
{
  GPtrArray *result;

  g_return_val_if_fail (log != NULL, NULL);

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_frame_log_entry_unref);
  g_mutex_lock (&log->mutex);
  for (GList *l = log->entries.head; l != NULL; l = l->next)
    g_ptr_array_add (result, vp_frame_log_entry_ref (l->data));
  g_mutex_unlock (&log->mutex);
  return result;
}

void
vp_frame_log_clear (VpFrameLog *log)
{
  g_return_if_fail (log != NULL);

  g_mutex_lock (&log->mutex);
  g_queue_clear_full (&log->entries, (GDestroyNotify) vp_frame_log_entry_unref);
  g_queue_init (&log->entries);
  g_mutex_unlock (&log->mutex);
}

guint
vp_frame_log_add_listener (VpFrameLog     *log,
                           GMainContext   *context,
                           VpFrameLogFunc  func,
                           gpointer        user_data,
                           GDestroyNotify  destroy)
{
  Listener *listener;
  guint id;

  g_return_val_if_fail (log != NULL, 0);
  g_return_val_if_fail (func != NULL, 0);

  listener = g_new0 (Listener, 1);
  listener->ref_count = 1;
  listener->context = context != NULL ? g_main_context_ref (context) : NULL;
  listener->func = func;
  listener->user_data = user_data;
  listener->destroy = destroy;

  g_mutex_lock (&log->mutex);
  id = listener->id = log->next_id++;
  g_ptr_array_add (log->listeners, listener);
  g_mutex_unlock (&log->mutex);
  return id;
}

void
vp_frame_log_remove_listener (VpFrameLog *log,
                              guint       id)
{
  Listener *found = NULL;

  g_return_if_fail (log != NULL);

  g_mutex_lock (&log->mutex);
  for (guint i = 0; i < log->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (log->listeners, i);

      if (listener->id == id)
        {
          found = listener;
          g_ptr_array_remove_index (log->listeners, i);
          break;
        }
    }
  g_mutex_unlock (&log->mutex);

  g_return_if_fail (found != NULL);
  g_atomic_int_set (&found->removed, 1);
  listener_unref (found);
}

static void
stderr_sink (VpFrameLog            *log,
             const VpFrameLogEntry *entry,
             gpointer               user_data)
{
  g_autofree char *line = vp_frame_log_entry_to_string (entry);

  fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

guint
vp_frame_log_add_stderr_sink (VpFrameLog *log)
{
  return vp_frame_log_add_listener (log, NULL, stderr_sink, NULL, NULL);
}
