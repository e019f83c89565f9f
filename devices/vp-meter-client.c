/* vp-meter-client.c: per-link workers, the exchange loop, and the operations */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-device-error.h"
#include "vp-frame-reader.h"
#include "vp-link.h"
#include "vp-meter-client.h"

/* Inter-byte timeout derived from the line: 10 byte times, but never under 50 ms
 * (scheduling jitter of a loaded PC), and never under 200 ms behind a TCP gateway,
 * whose segments (over GPRS/4G too) may split a frame. */
#define INTER_BYTE_BYTE_TIMES   10
#define INTER_BYTE_MIN_MS       50
#define INTER_BYTE_GATEWAY_MS   200
#define CONNECT_TIMEOUT_MS      3000
/* CJ/T 188 cold water meter (PROTOCOLS.md: T = 10). */
#define WATER_TYPE              VP_CJT188_TYPE_COLD_WATER

typedef enum
{
  OP_READ_ADDRESS,
  OP_READ_ITEM,
  OP_WRITE_ITEM,
  OP_WRITE_TIME,
  OP_BROADCAST_TIME,
  OP_CONTROL,
  OP_READ_STATUS,
  OP_WATER_READ,
  OP_WATER_READ_ADDRESS,
  OP_WATER_VALVE,
} Op;

typedef struct
{
  Op                    op;
  char                 *link;
  char                 *address;
  char                 *item;
  char                 *value;
  VpMeterAuth           auth;
  VpDlt645ControlAction action;
  guint                 valid_minutes;
  GDateTime            *time;
  gboolean              open;

  guint                 response_ms;
  guint                 inter_byte_ms;
  guint                 tries;
  GCancellable         *cancellable;

  GTask                *task;      /* async: completed by the worker */
  GMutex                mutex;     /* sync: the caller waits on cond for done */
  GCond                 cond;
  gboolean              done;
  VpMeterReading       *result;
  GError               *error;
} Request;

typedef struct
{
  VpMeterClient *client;
  char          *uri;
  GThread       *thread;
  GAsyncQueue   *queue;     /* Request *, or &stop_request */
  VpLink        *link;      /* worker thread only */
  VpFrameReader *reader;
  guint8         ser;       /* CJ/T 188 sequence number */
} Worker;

struct _VpMeterClient
{
  GObject     parent_instance;

  GMutex      mutex;
  GHashTable *workers;      /* canonical URI → Worker * */
  VpFrameLog *log;
  guint       response_ms;
  guint       inter_byte_ms;
  guint       tries;
};

G_DEFINE_FINAL_TYPE (VpMeterClient, vp_meter_client, G_TYPE_OBJECT)

static Request stop_request;

/* ---- Small types ------------------------------------------------------------- */

gboolean
vp_meter_auth_parse (const char   *password,
                     const char   *operator_code,
                     VpMeterAuth  *out_auth,
                     GError      **error)
{
  g_return_val_if_fail (out_auth != NULL, FALSE);

  if (!vp_dlt645_password_parse (password != NULL ? password : VP_METER_CLIENT_DEFAULT_PASSWORD,
                                 &out_auth->password, error))
    return FALSE;
  return vp_dlt645_operator_parse (operator_code != NULL ? operator_code
                                                         : VP_METER_CLIENT_DEFAULT_OPERATOR,
                                   &out_auth->operator_code, error);
}

void
vp_meter_reading_free (VpMeterReading *reading)
{
  if (reading == NULL)
    return;
  g_free (reading->address);
  g_free (reading->di);
  g_free (reading->item);
  g_free (reading->label);
  g_free (reading->value);
  g_free (reading->unit);
  g_free (reading->meter_time);
  g_free (reading);
}

static void
request_free (Request *req)
{
  g_free (req->link);
  g_free (req->address);
  g_free (req->item);
  g_free (req->value);
  g_clear_pointer (&req->time, g_date_time_unref);
  g_clear_object (&req->cancellable);
  vp_meter_reading_free (req->result);
  g_clear_error (&req->error);
  g_mutex_clear (&req->mutex);
  g_cond_clear (&req->cond);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static Request *
request_new (VpMeterClient *self,
             Op             op,
             const char    *link,
             const char    *address,
             GCancellable  *cancellable)
{
  Request *req = g_new0 (Request, 1);

  req->op = op;
  req->link = g_strdup (link);
  req->address = g_strdup (address);
  req->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  vp_meter_auth_parse (NULL, NULL, &req->auth, NULL);
  g_mutex_init (&req->mutex);
  g_cond_init (&req->cond);

  g_mutex_lock (&self->mutex);
  req->response_ms = self->response_ms;
  req->inter_byte_ms = self->inter_byte_ms;
  req->tries = self->tries;
  g_mutex_unlock (&self->mutex);
  return req;
}

/* ---- The exchange --------------------------------------------------------------- */

typedef enum
{
  CHECK_ACCEPT,   /* the answer */
  CHECK_IGNORE,   /* not for us (an echo of a request on the bus): read on */
  CHECK_FAIL,     /* a definitive answer that is an error: no retry */
} CheckResult;

typedef struct
{
  VpFrameProtocol  protocol;
  guint            function;
  gboolean         has_address;  /* FALSE for wildcard requests */
  VpDlt645Address  dlt645_address;
  VpCjt188Address  cjt188_address;
  gboolean         has_di;
  guint32          di;
  const char      *meter;        /* "Meter 000010604867" for messages */
} Expect;

static CheckResult
check_dlt645 (const Expect *expect,
              GBytes       *bytes,
              GError      **error)
{
  VpDlt645Frame frame;
  VpDlt645Message message;
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);

  if (!vp_dlt645_frame_decode (data, n, &frame, error))
    return CHECK_FAIL;
  if (!vp_dlt645_frame_is_reply (&frame))
    return CHECK_IGNORE;
  if (!vp_dlt645_check_reply (&frame, expect->function,
                              expect->has_address ? &expect->dlt645_address : NULL, error))
    {
      g_prefix_error (error, "%s: ", expect->meter);
      return CHECK_FAIL;
    }
  if (expect->has_di)
    {
      if (!vp_dlt645_frame_parse (&frame, &message, error))
        {
          g_prefix_error (error, "%s: ", expect->meter);
          return CHECK_FAIL;
        }
      if (!message.has_di || message.di != expect->di)
        {
          g_autofree char *want = vp_dlt645_di_to_string (expect->di);
          g_autofree char *got = vp_dlt645_di_to_string (message.di);

          g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY,
                       _("%s answered with data item %s instead of %s"), expect->meter,
                       message.has_di ? got : "-", want);
          return CHECK_FAIL;
        }
    }
  return CHECK_ACCEPT;
}

static CheckResult
check_cjt188 (const Expect *expect,
              GBytes       *bytes,
              GError      **error)
{
  VpCjt188Frame frame;
  gsize n;
  const guint8 *data = g_bytes_get_data (bytes, &n);
  guint function;

  if (!vp_cjt188_frame_decode (data, n, &frame, error))
    return CHECK_FAIL;
  if ((frame.control & VP_CJT188_CONTROL_REPLY) == 0)
    return CHECK_IGNORE;

  function = frame.control & VP_CJT188_CONTROL_FUNCTION_MASK;
  if (function != expect->function)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY,
                   _("%s answered function 0x%02X to a request with function 0x%02X"),
                   expect->meter, function, expect->function);
      return CHECK_FAIL;
    }
  if ((frame.control & VP_CJT188_CONTROL_ABNORMAL) != 0)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK,
                   _("%s refused the request (abnormal reply)"), expect->meter);
      return CHECK_FAIL;
    }
  if (expect->has_address && !vp_cjt188_address_equal (&frame.address, &expect->cjt188_address))
    {
      g_autofree char *got = vp_cjt188_address_to_string (&frame.address);

      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_ADDRESS,
                   _("%s was asked but meter %s answered"), expect->meter, got);
      return CHECK_FAIL;
    }
  if (expect->has_di && vp_cjt188_frame_get_di (&frame) != expect->di)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNEXPECTED_REPLY,
                   _("%s answered with data item %04X instead of %04X"), expect->meter,
                   vp_cjt188_frame_get_di (&frame), (guint) expect->di);
      return CHECK_FAIL;
    }
  return CHECK_ACCEPT;
}

static gboolean
ensure_link (Worker   *w,
             Request  *req,
             GError  **error)
{
  if (w->link != NULL)
    return TRUE;
  w->link = vp_link_open (w->uri, CONNECT_TIMEOUT_MS, req->cancellable, error);
  if (w->link == NULL)
    return FALSE;
  vp_frame_log_add_note (w->client->log, w->uri, _("link opened (%s)"),
                         vp_link_get_backend_name (w->link));
  return TRUE;
}

static void
drop_link (Worker     *w,
           const char *why)
{
  vp_frame_log_add_note (w->client->log, w->uri, _("link closed: %s"), why);
  g_clear_pointer (&w->link, vp_link_free);
}

static guint
inter_byte_ms (Worker  *w,
               Request *req)
{
  guint derived;

  if (req->inter_byte_ms != 0)
    return req->inter_byte_ms;
  derived = INTER_BYTE_BYTE_TIMES * vp_link_get_byte_time_us (w->link) / 1000;
  /* Behind a gateway the network adds its own gaps to the bus's. */
  if (vp_link_get_parsed_uri (w->link)->kind == VP_LINK_KIND_TCP)
    return MAX (INTER_BYTE_GATEWAY_MS, derived);
  return MAX (INTER_BYTE_MIN_MS, derived);
}

static gboolean
is_corrupt_frame_error (const GError *error)
{
  return error->domain == VP_DEVICE_ERROR
    && (error->code == VP_DEVICE_ERROR_BAD_CHECKSUM || error->code == VP_DEVICE_ERROR_BAD_END
        || error->code == VP_DEVICE_ERROR_TOO_LONG || error->code == VP_DEVICE_ERROR_MALFORMED);
}

/* Pull whatever the reader has. Returns the accepted frame, or NULL: then @error is
 * set for a definitive failure, or @corrupt collects the first bad frame. */
static GBytes *
drain_reader (Worker        *w,
              const Expect  *expect,
              GError       **corrupt,
              GError       **error)
{
  for (;;)
    {
      g_autoptr(GBytes) frame = NULL;
      g_autoptr(GError) local_error = NULL;
      VpFrameProtocol protocol;
      VpFrameReaderStatus status;
      CheckResult result;
      gsize n;
      const guint8 *data;

      status = vp_frame_reader_pull (w->reader, &protocol, &frame, &local_error);
      if (status == VP_FRAME_READER_NEED_MORE)
        return NULL;
      if (status == VP_FRAME_READER_ERROR)
        {
          vp_frame_log_add_note (w->client->log, w->uri, _("dropped bytes: %s"),
                                 local_error->message);
          if (*corrupt == NULL)
            *corrupt = g_steal_pointer (&local_error);
          continue;
        }

      data = g_bytes_get_data (frame, &n);
      vp_frame_log_add_frame (w->client->log, w->uri, VP_FRAME_LOG_RX, data, n, protocol);
      if (protocol != expect->protocol)
        continue;  /* another protocol's meter on a mixed bus */
      result = expect->protocol == VP_FRAME_PROTOCOL_DLT645
        ? check_dlt645 (expect, frame, error) : check_cjt188 (expect, frame, error);
      if (result == CHECK_ACCEPT)
        return g_steal_pointer (&frame);
      if (result == CHECK_FAIL)
        return NULL;
    }
}

static void
set_final_error (GError       **error,
                 const Expect  *expect,
                 const GError  *last,
                 guint          tries)
{
  const char *meter = expect != NULL ? expect->meter : _("The bus");

  if (last != NULL && is_corrupt_frame_error (last))
    g_set_error (error, VP_DEVICE_ERROR, last->code,
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s answered with a corrupt frame (%u try): %s",
                              "%s answered with a corrupt frame (%u tries): %s", tries),
                 meter, tries, last->message);
  else if (last != NULL && g_error_matches (last, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TRUNCATED))
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT,
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s did not answer completely: the reply stopped partway "
                              "(timeout after %u try)",
                              "%s did not answer completely: the reply stopped partway "
                              "(timeout after %u tries)", tries),
                 meter, tries);
  else if (last != NULL && last->domain == VP_DEVICE_ERROR
           && last->code != VP_DEVICE_ERROR_TIMEOUT)
    g_set_error_literal (error, last->domain, last->code, last->message);
  else
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT,
                 g_dngettext (GETTEXT_PACKAGE,
                              "%s did not answer (timeout after %u try)",
                              "%s did not answer (timeout after %u tries)", tries),
                 meter, tries);
}

/* The link broke mid-exchange (a gateway hung up, the pty went away): drop it so the
 * next try reopens it. FALSE (with @error) when there is no point in another try. */
static gboolean
link_failed (Worker   *w,
             GError  **failure,
             GError  **last,
             GError  **error)
{
  if (g_error_matches (*failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (failure));
      return FALSE;
    }
  drop_link (w, (*failure)->message);
  g_clear_error (last);
  *last = g_steal_pointer (failure);
  return TRUE;
}

/* One request on the bus with retries. Returns the reply frame (68 … 16), an empty
 * GBytes when @expect is NULL (broadcast: no reply), or NULL with @error. */
static GBytes *
exchange (Worker        *w,
          Request       *req,
          GBytes        *request,
          const Expect  *expect,
          GError       **error)
{
  g_autoptr(GError) last = NULL;
  guint tries = MAX (req->tries, 1);
  gsize n_request;
  const guint8 *request_data = g_bytes_get_data (request, &n_request);

  for (guint attempt = 1; attempt <= tries; attempt++)
    {
      g_autoptr(GError) corrupt = NULL;
      g_autoptr(GError) local_error = NULL;
      gint64 deadline;
      gsize received = 0;

      if (g_cancellable_set_error_if_cancelled (req->cancellable, error))
        return NULL;
      if (!ensure_link (w, req, error))
        return NULL;

      /* Stale bytes (a late answer to a request that timed out) must not answer this one. */
      vp_link_discard_input (w->link);
      vp_frame_reader_reset (w->reader);

      vp_frame_log_add_frame (w->client->log, w->uri, VP_FRAME_LOG_TX, request_data, n_request,
                              expect != NULL ? expect->protocol : VP_FRAME_PROTOCOL_AUTO);
      if (!vp_link_write_all (w->link, request_data, n_request, req->cancellable, &local_error))
        {
          if (!link_failed (w, &local_error, &last, error))
            return NULL;
          continue;
        }
      if (expect == NULL)
        return g_bytes_new (NULL, 0);

      deadline = g_get_monotonic_time () + (gint64) req->response_ms * 1000;
      for (;;)
        {
          guint8 buf[256];
          g_autoptr(GBytes) reply = NULL;
          gint64 left = deadline - g_get_monotonic_time ();
          int timeout_ms;
          gssize n;

          /* libmodbus's rule: the response timeout until a frame starts, then the
           * inter-byte timeout. After a bad frame a meter sends nothing more. */
          if (vp_frame_reader_in_frame (w->reader) || corrupt != NULL)
            timeout_ms = inter_byte_ms (w, req);
          else
            timeout_ms = left <= 0 ? 0 : (int) ((left + 999) / 1000);

          n = vp_link_read (w->link, buf, sizeof buf, timeout_ms, req->cancellable,
                            &local_error);
          if (n < 0)
            break;
          if (n == 0)
            {
              /* Silence: whatever is buffered is all there will be. */
              vp_frame_reader_end_input (w->reader);
              reply = drain_reader (w, expect, &corrupt, &local_error);
              if (reply != NULL)
                return g_steal_pointer (&reply);
              if (local_error != NULL)
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return NULL;
                }
              break;
            }
          received += n;
          vp_frame_reader_push (w->reader, buf, n);
          reply = drain_reader (w, expect, &corrupt, &local_error);
          if (reply != NULL)
            return g_steal_pointer (&reply);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }

      if (local_error != NULL)
        {
          if (!link_failed (w, &local_error, &last, error))
            return NULL;
          continue;
        }
      g_clear_error (&last);
      if (corrupt != NULL)
        last = g_steal_pointer (&corrupt);
      else
        last = g_error_new_literal (VP_DEVICE_ERROR, received > 0 ? VP_DEVICE_ERROR_TRUNCATED
                                                                  : VP_DEVICE_ERROR_TIMEOUT, "");
      vp_frame_log_add_note (w->client->log, w->uri,
                             received == 0 ? _("no answer within %u ms (try %u of %u)")
                                           : _("no valid answer within %u ms (try %u of %u)"),
                             req->response_ms, attempt, tries);
    }

  set_final_error (error, expect, last, tries);
  return NULL;
}

/* ---- Operations (run on the link's worker) ------------------------------------- */

static gboolean
expect_dlt645 (Expect       *expect,
               const char   *address,
               guint         function,
               char        **out_meter,
               GError      **error)
{
  memset (expect, 0, sizeof *expect);
  expect->protocol = VP_FRAME_PROTOCOL_DLT645;
  expect->function = function;
  if (address != NULL)
    {
      if (!vp_dlt645_address_parse (address, &expect->dlt645_address, error))
        return FALSE;
      expect->has_address = TRUE;
      *out_meter = g_strdup_printf (_("Meter %s"), address);
    }
  else
    *out_meter = g_strdup (_("The meter on the bus"));
  expect->meter = *out_meter;
  return TRUE;
}

static gboolean
expect_cjt188 (Expect      *expect,
               const char  *address,
               guint        function,
               guint16      di,
               char       **out_meter,
               GError     **error)
{
  memset (expect, 0, sizeof *expect);
  expect->protocol = VP_FRAME_PROTOCOL_CJT188;
  expect->function = function;
  expect->has_di = TRUE;
  expect->di = di;
  if (address != NULL)
    {
      if (!vp_cjt188_address_parse (address, &expect->cjt188_address, error))
        return FALSE;
      expect->has_address = !vp_cjt188_address_is_wildcard (&expect->cjt188_address);
    }
  *out_meter = expect->has_address ? g_strdup_printf (_("Water meter %s"), address)
                                   : g_strdup (_("The water meter on the bus"));
  expect->meter = *out_meter;
  return TRUE;
}

/* Send @frame, return the parsed reply frame in @out_reply. */
static gboolean
dlt645_exchange (Worker              *w,
                 Request             *req,
                 const VpDlt645Frame *frame,
                 const Expect        *expect,
                 VpDlt645Frame       *out_reply,
                 GError             **error)
{
  g_autoptr(GBytes) wire = vp_dlt645_frame_encode (frame, VP_DLT645_DEFAULT_PREAMBLE);
  g_autoptr(GBytes) reply = exchange (w, req, wire, expect, error);
  gsize n;
  const guint8 *data;

  if (reply == NULL)
    return FALSE;
  if (expect == NULL)
    return TRUE;
  data = g_bytes_get_data (reply, &n);
  return vp_dlt645_frame_decode (data, n, out_reply, error);
}

static gboolean
cjt188_exchange (Worker              *w,
                 Request             *req,
                 const VpCjt188Frame *frame,
                 const Expect        *expect,
                 VpCjt188Frame       *out_reply,
                 GError             **error)
{
  g_autoptr(GBytes) wire = vp_cjt188_frame_encode (frame, VP_CJT188_DEFAULT_PREAMBLE);
  g_autoptr(GBytes) reply = exchange (w, req, wire, expect, error);
  gsize n;
  const guint8 *data;

  if (reply == NULL)
    return FALSE;
  data = g_bytes_get_data (reply, &n);
  return vp_cjt188_frame_decode (data, n, out_reply, error);
}

static VpMeterReading *
reading_new (const char *address)
{
  VpMeterReading *reading = g_new0 (VpMeterReading, 1);

  reading->address = g_strdup (address);
  return reading;
}

static VpMeterReading *
op_read_address (Worker   *w,
                 Request  *req,
                 GError  **error)
{
  g_autofree char *meter = NULL;
  VpDlt645Frame frame;
  VpDlt645Frame reply;
  VpDlt645Message message;
  Expect expect;

  expect_dlt645 (&expect, NULL, VP_DLT645_FUNCTION_READ_ADDRESS, &meter, NULL);
  vp_dlt645_build_read_address (&frame);
  if (!dlt645_exchange (w, req, &frame, &expect, &reply, error)
      || !vp_dlt645_frame_parse (&reply, &message, error))
    return NULL;
  {
    g_autofree char *address = vp_dlt645_address_to_string (message.has_new_address
                                                            ? &message.new_address
                                                            : &reply.address);
    return reading_new (address);
  }
}

/* 11 read of @di; the value bytes are copied into @out_value. */
static gboolean
read_di (Worker      *w,
         Request     *req,
         guint32      di,
         GByteArray  *out_value,
         GError     **error)
{
  g_autofree char *meter = NULL;
  VpDlt645Frame frame;
  VpDlt645Frame reply;
  VpDlt645Message message;
  Expect expect;

  if (!expect_dlt645 (&expect, req->address, VP_DLT645_FUNCTION_READ, &meter, error))
    return FALSE;
  expect.has_di = TRUE;
  expect.di = di;
  vp_dlt645_build_read (&frame, &expect.dlt645_address, di);
  if (!dlt645_exchange (w, req, &frame, &expect, &reply, error)
      || !vp_dlt645_frame_parse (&reply, &message, error))
    return FALSE;
  g_byte_array_append (out_value, message.value, message.n_value);
  return TRUE;
}

static VpMeterReading *
op_read_item (Worker   *w,
              Request  *req,
              guint32   di,
              GError  **error)
{
  g_autoptr(GByteArray) value = g_byte_array_new ();
  g_autoptr(VpMeterReading) reading = NULL;
  const VpDlt645Item *item;

  if (!read_di (w, req, di, value, error))
    return NULL;

  reading = reading_new (req->address);
  reading->di = vp_dlt645_di_to_string (di);
  item = vp_dlt645_item_lookup (di);
  if (item == NULL)
    {
      /* Not in the registry: the bytes as they came, high byte first like a DI. */
      GString *hex = g_string_new (NULL);

      for (guint i = value->len; i > 0; i--)
        g_string_append_printf (hex, "%02X", value->data[i - 1]);
      reading->value = g_string_free (hex, FALSE);
      reading->unit = g_strdup ("");
      return g_steal_pointer (&reading);
    }

  reading->item = g_strdup (item->name);
  reading->label = g_strdup (vp_dlt645_item_get_label (item));
  reading->unit = g_strdup (item->unit);
  reading->value = vp_dlt645_item_format_value (item, value->data, value->len, error);
  if (reading->value == NULL)
    {
      g_prefix_error (error, _("Meter %s sent an unreadable %s: "), req->address, item->name);
      return NULL;
    }
  if (di == VP_DLT645_DI_STATUS_3)
    {
      gint64 word;

      if (!vp_dlt645_item_decode_number (item, value->data, value->len, 0, &word, error))
        return NULL;
      reading->has_status3 = TRUE;
      reading->status3_word = (guint16) word;
      vp_dlt645_status3_decode (reading->status3_word, &reading->status3);
    }
  return g_steal_pointer (&reading);
}

static gboolean
write_di (Worker        *w,
          Request       *req,
          guint32        di,
          const guint8  *value,
          gsize          n_value,
          GError       **error)
{
  g_autofree char *meter = NULL;
  VpDlt645Frame frame;
  VpDlt645Frame reply;
  Expect expect;

  if (!expect_dlt645 (&expect, req->address, VP_DLT645_FUNCTION_WRITE, &meter, error))
    return FALSE;
  if (!vp_dlt645_build_write (&frame, &expect.dlt645_address, di, &req->auth.password,
                              &req->auth.operator_code, value, n_value, error))
    return FALSE;
  return dlt645_exchange (w, req, &frame, &expect, &reply, error);
}

static VpMeterReading *
op_write_item (Worker   *w,
               Request  *req,
               GError  **error)
{
  g_autoptr(GByteArray) value = g_byte_array_new ();
  const VpDlt645Item *item;
  guint32 di;

  if (!vp_dlt645_di_parse_name_or_hex (req->item, &di, error))
    return NULL;
  item = vp_dlt645_item_lookup (di);
  if (item == NULL)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNKNOWN_ITEM,
                   _("Data item %s is not in the registry: its format is unknown"), req->item);
      return NULL;
    }
  if (!vp_dlt645_item_encode_value (item, req->value, value, error)
      || !write_di (w, req, di, value->data, value->len, error))
    return NULL;
  return reading_new (req->address);
}

static VpMeterReading *
op_write_time (Worker   *w,
               Request  *req,
               GError  **error)
{
  g_autoptr(GDateTime) now = req->time != NULL ? g_date_time_ref (req->time)
                                               : g_date_time_new_now_local ();
  VpBcdTime time;
  guint8 date_bytes[4];
  guint8 time_bytes[3];

  vp_bcd_time_from_date_time (&time, now);
  if (!vp_bcd_time_encode (&time, VP_BCD_TIME_LAYOUT_DLT645_DATE, date_bytes, error)
      || !vp_bcd_time_encode (&time, VP_BCD_TIME_LAYOUT_DLT645_TIME, time_bytes, error))
    return NULL;
  if (!write_di (w, req, VP_DLT645_DI_DATE, date_bytes, sizeof date_bytes, error))
    return NULL;
  /* The date exchange took time on a slow bus: send the time as it is now. */
  if (req->time == NULL)
    {
      g_autoptr(GDateTime) later = g_date_time_new_now_local ();

      vp_bcd_time_from_date_time (&time, later);
      vp_bcd_time_encode (&time, VP_BCD_TIME_LAYOUT_DLT645_TIME, time_bytes, NULL);
    }
  if (!write_di (w, req, VP_DLT645_DI_TIME, time_bytes, sizeof time_bytes, error))
    return NULL;
  return reading_new (req->address);
}

static VpMeterReading *
op_broadcast_time (Worker   *w,
                   Request  *req,
                   GError  **error)
{
  g_autoptr(GDateTime) now = req->time != NULL ? g_date_time_ref (req->time)
                                               : g_date_time_new_now_local ();
  VpDlt645Frame frame;
  VpBcdTime time;

  vp_bcd_time_from_date_time (&time, now);
  if (!vp_dlt645_build_broadcast_time (&frame, &time, error)
      || !dlt645_exchange (w, req, &frame, NULL, NULL, error))
    return NULL;
  return reading_new ("999999999999");
}

static VpMeterReading *
op_control (Worker   *w,
            Request  *req,
            GError  **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) expiry = NULL;
  g_autofree char *meter = NULL;
  VpDlt645Frame frame;
  VpDlt645Frame reply;
  VpBcdTime expiry_time;
  Expect expect;

  if (!expect_dlt645 (&expect, req->address, VP_DLT645_FUNCTION_CONTROL, &meter, error))
    return NULL;
  expiry = g_date_time_add_minutes (now, req->valid_minutes != 0
                                         ? req->valid_minutes
                                         : VP_METER_CLIENT_DEFAULT_VALID_MINUTES);
  vp_bcd_time_from_date_time (&expiry_time, expiry);
  if (!vp_dlt645_build_control (&frame, &expect.dlt645_address, &req->auth.password,
                                &req->auth.operator_code, req->action, &expiry_time, error))
    return NULL;
  if (!dlt645_exchange (w, req, &frame, &expect, &reply, error))
    {
      /* A plaintext 1C refused for "other" reasons has two usual causes. */
      if (g_error_matches (*error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK))
        {
          char *message = g_strdup_printf (_("%s (is keep-power on, or is the meter's clock "
                                             "past the command's expiry?)"), (*error)->message);

          g_free ((*error)->message);
          (*error)->message = message;
        }
      return NULL;
    }
  return reading_new (req->address);
}

static VpMeterReading *
op_water (Worker   *w,
          Request  *req,
          GError  **error)
{
  g_autofree char *meter = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  VpCjt188Frame frame;
  VpCjt188Frame reply;
  VpCjt188Message message;
  Expect expect;
  guint function;
  guint16 di;

  switch (req->op)
    {
    case OP_WATER_READ:         function = VP_CJT188_FUNCTION_READ; di = VP_CJT188_DI_READ_DATA; break;
    case OP_WATER_VALVE:        function = VP_CJT188_FUNCTION_WRITE; di = VP_CJT188_DI_VALVE; break;
    case OP_WATER_READ_ADDRESS:
    default:                    function = VP_CJT188_FUNCTION_READ_ADDRESS; di = VP_CJT188_DI_READ_ADDRESS; break;
    }
  if (!expect_cjt188 (&expect, req->address, function, di, &meter, error))
    return NULL;

  w->ser++;
  if (req->op == OP_WATER_READ)
    vp_cjt188_build_read (&frame, WATER_TYPE, &expect.cjt188_address, di, w->ser);
  else if (req->op == OP_WATER_VALVE)
    vp_cjt188_build_valve (&frame, WATER_TYPE, &expect.cjt188_address, req->open, w->ser);
  else
    vp_cjt188_build_read_address (&frame, WATER_TYPE, w->ser);

  if (!cjt188_exchange (w, req, &frame, &expect, &reply, error)
      || !vp_cjt188_frame_parse (&reply, &message, error))
    return NULL;

  {
    g_autofree char *address = vp_cjt188_address_to_string (&reply.address);

    reading = reading_new (address);
  }
  if (message.has_meter_data)
    {
      const VpCjt188MeterData *data = &message.meter_data;

      reading->has_water = TRUE;
      reading->water = *data;
      /* Always m³ for callers: a litre meter's 0.01 L is 10^-5 m³. */
      if (data->current_unit == VP_CJT188_UNIT_LITRE)
        reading->value = vp_bcd_format_scaled (data->current_flow, 5);
      else
        reading->value = vp_bcd_format_scaled (data->current_flow, 2);
      reading->unit = g_strdup ("m³");
      if (vp_bcd_time_is_valid (&data->time))
        reading->meter_time = vp_bcd_time_to_iso8601 (&data->time);
    }
  else if (message.has_status)
    {
      reading->has_water = TRUE;
      memcpy (reading->water.status, message.status, 2);
      reading->water.valve = message.valve;
      reading->water.battery_low = message.battery_low;
    }
  return g_steal_pointer (&reading);
}

static VpMeterReading *run_op (Worker   *w,
                               Request  *req,
                               GError  **error);

static VpMeterReading *
run_request (Worker   *w,
             Request  *req,
             GError  **error)
{
  VpMeterReading *result = run_op (w, req, error);

  /* Silence to a wildcard usually means several meters share the bus. */
  if (result == NULL && (req->op == OP_READ_ADDRESS || req->op == OP_WATER_READ_ADDRESS)
      && g_error_matches (*error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT))
    {
      char *message = g_strdup_printf (_("%s. Reading the address needs exactly one meter "
                                         "on the bus."), (*error)->message);

      g_free ((*error)->message);
      (*error)->message = message;
    }
  return result;
}

static VpMeterReading *
run_op (Worker   *w,
        Request  *req,
        GError  **error)
{
  guint32 di;

  if (g_cancellable_set_error_if_cancelled (req->cancellable, error))
    return NULL;

  switch (req->op)
    {
    case OP_READ_ADDRESS:
      return op_read_address (w, req, error);
    case OP_READ_ITEM:
      if (!vp_dlt645_di_parse_name_or_hex (req->item, &di, error))
        return NULL;
      return op_read_item (w, req, di, error);
    case OP_READ_STATUS:
      return op_read_item (w, req, VP_DLT645_DI_STATUS_3, error);
    case OP_WRITE_ITEM:
      return op_write_item (w, req, error);
    case OP_WRITE_TIME:
      return op_write_time (w, req, error);
    case OP_BROADCAST_TIME:
      return op_broadcast_time (w, req, error);
    case OP_CONTROL:
      return op_control (w, req, error);
    case OP_WATER_READ:
    case OP_WATER_READ_ADDRESS:
    case OP_WATER_VALVE:
    default:
      return op_water (w, req, error);
    }
}

/* ---- Workers --------------------------------------------------------------------- */

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  /* The last reference to the client may go with a task's, on this thread: then
   * worker_free() has freed @w and queued the stop request, so after a task is
   * released only the queue may be touched. */
  g_autoptr(GAsyncQueue) queue = g_async_queue_ref (w->queue);

  for (;;)
    {
      Request *req = g_async_queue_pop (queue);
      g_autoptr(GError) error = NULL;
      VpMeterReading *result;

      if (req == &stop_request)
        break;

      result = run_request (w, req, &error);
      if (req->task != NULL)
        {
          GTask *task = req->task;

          if (result != NULL)
            g_task_return_pointer (task, result, (GDestroyNotify) vp_meter_reading_free);
          else
            g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);  /* owns req through its task data */
        }
      else
        {
          g_mutex_lock (&req->mutex);
          req->result = result;
          req->error = g_steal_pointer (&error);
          req->done = TRUE;
          g_cond_signal (&req->cond);
          g_mutex_unlock (&req->mutex);
        }
    }
  return NULL;
}

static void
worker_free (Worker *w)
{
  g_async_queue_push (w->queue, &stop_request);
  if (w->thread == g_thread_self ())
    g_thread_unref (w->thread);  /* the last reference went away on this worker */
  else
    g_thread_join (w->thread);
  g_clear_pointer (&w->link, vp_link_free);
  vp_frame_reader_free (w->reader);
  g_async_queue_unref (w->queue);
  g_free (w->uri);
  g_free (w);
}

/* The worker of @link's canonical URI, started on first use. */
static Worker *
get_worker (VpMeterClient  *self,
            const char     *link,
            GError        **error)
{
  g_autoptr(VpLinkUri) uri = vp_link_uri_parse (link, error);
  g_autofree char *canonical = NULL;
  Worker *w;

  if (uri == NULL)
    return NULL;
  canonical = vp_link_uri_to_string (uri);

  g_mutex_lock (&self->mutex);
  w = g_hash_table_lookup (self->workers, canonical);
  if (w == NULL)
    {
      g_autofree char *name = g_strdup_printf ("vp-link-%u", g_hash_table_size (self->workers));

      w = g_new0 (Worker, 1);
      w->client = self;
      w->uri = g_strdup (link);
      w->queue = g_async_queue_new ();
      w->reader = vp_frame_reader_new (VP_FRAME_PROTOCOL_AUTO);
      w->thread = g_thread_new (name, worker_main, w);
      g_hash_table_insert (self->workers, g_steal_pointer (&canonical), w);
    }
  g_mutex_unlock (&self->mutex);
  return w;
}

static VpMeterReading *
run_sync (VpMeterClient  *self,
          Request        *req,
          GError        **error)
{
  Worker *w = get_worker (self, req->link, error);
  VpMeterReading *result;

  if (w == NULL)
    {
      request_free (req);
      return NULL;
    }
  g_async_queue_push (w->queue, req);
  g_mutex_lock (&req->mutex);
  while (!req->done)
    g_cond_wait (&req->cond, &req->mutex);
  g_mutex_unlock (&req->mutex);

  result = g_steal_pointer (&req->result);
  if (req->error != NULL)
    g_propagate_error (error, g_steal_pointer (&req->error));
  request_free (req);
  return result;
}

static void
run_async (VpMeterClient       *self,
           Request             *req,
           gpointer             source_tag,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GError) error = NULL;
  GTask *task = g_task_new (self, req->cancellable, callback, user_data);
  Worker *w;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);
  w = get_worker (self, req->link, &error);
  if (w == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  req->task = task;  /* the worker's reference */
  g_async_queue_push (w->queue, req);
}

/* ---- GObject ------------------------------------------------------------------- */

static void
vp_meter_client_finalize (GObject *object)
{
  VpMeterClient *self = VP_METER_CLIENT (object);

  g_hash_table_unref (self->workers);
  vp_frame_log_unref (self->log);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (vp_meter_client_parent_class)->finalize (object);
}

static void
vp_meter_client_class_init (VpMeterClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vp_meter_client_finalize;
}

static void
vp_meter_client_init (VpMeterClient *self)
{
  g_mutex_init (&self->mutex);
  self->workers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) worker_free);
  self->log = vp_frame_log_new (0);
  self->response_ms = VP_METER_CLIENT_DEFAULT_RESPONSE_TIMEOUT_MS;
  self->tries = VP_METER_CLIENT_DEFAULT_TRIES;
}

VpMeterClient *
vp_meter_client_new (void)
{
  return g_object_new (VP_TYPE_METER_CLIENT, NULL);
}

VpFrameLog *
vp_meter_client_get_frame_log (VpMeterClient *self)
{
  g_return_val_if_fail (VP_IS_METER_CLIENT (self), NULL);
  return self->log;
}

void
vp_meter_client_set_timeouts (VpMeterClient *self,
                              guint          response_ms,
                              guint          inter_byte_ms,
                              guint          tries)
{
  g_return_if_fail (VP_IS_METER_CLIENT (self));

  g_mutex_lock (&self->mutex);
  self->response_ms = response_ms != 0 ? response_ms : VP_METER_CLIENT_DEFAULT_RESPONSE_TIMEOUT_MS;
  self->inter_byte_ms = inter_byte_ms;
  self->tries = tries != 0 ? tries : VP_METER_CLIENT_DEFAULT_TRIES;
  g_mutex_unlock (&self->mutex);
}

/* ---- Public operations ------------------------------------------------------------ */

static Request *
new_read_request (VpMeterClient *self,
                  Op             op,
                  const char    *link,
                  const char    *address,
                  const char    *item,
                  GCancellable  *cancellable)
{
  Request *req = request_new (self, op, link, address, cancellable);

  req->item = g_strdup (item);
  return req;
}

static Request *
new_write_request (VpMeterClient     *self,
                   const char        *link,
                   const char        *address,
                   const VpMeterAuth *auth,
                   const char        *item,
                   const char        *value,
                   GCancellable      *cancellable)
{
  Request *req = new_read_request (self, OP_WRITE_ITEM, link, address, item, cancellable);

  req->value = g_strdup (value);
  if (auth != NULL)
    req->auth = *auth;
  return req;
}

static Request *
new_control_request (VpMeterClient         *self,
                     const char            *link,
                     const char            *address,
                     const VpMeterAuth     *auth,
                     VpDlt645ControlAction  action,
                     guint                  valid_minutes,
                     GCancellable          *cancellable)
{
  Request *req = request_new (self, OP_CONTROL, link, address, cancellable);

  if (auth != NULL)
    req->auth = *auth;
  req->action = action;
  req->valid_minutes = valid_minutes;
  return req;
}

static Request *
new_time_request (VpMeterClient     *self,
                  Op                 op,
                  const char        *link,
                  const char        *address,
                  const VpMeterAuth *auth,
                  GDateTime         *time,
                  GCancellable      *cancellable)
{
  Request *req = request_new (self, op, link, address, cancellable);

  if (auth != NULL)
    req->auth = *auth;
  req->time = time != NULL ? g_date_time_ref (time) : NULL;
  return req;
}

static Request *
new_valve_request (VpMeterClient *self,
                   const char    *link,
                   const char    *address,
                   gboolean       open,
                   GCancellable  *cancellable)
{
  Request *req = request_new (self, OP_WATER_VALVE, link, address, cancellable);

  req->open = open;
  return req;
}

/* Run @req and keep only whether it worked. */
static gboolean
run_command (VpMeterClient  *self,
             Request        *req,
             GError        **error)
{
  g_autoptr(VpMeterReading) reading = run_sync (self, req, error);

  return reading != NULL;
}

/* Run @req and keep only the reading's address. */
static char *
run_address (VpMeterClient  *self,
             Request        *req,
             GError        **error)
{
  g_autoptr(VpMeterReading) reading = run_sync (self, req, error);

  return reading != NULL ? g_steal_pointer (&reading->address) : NULL;
}

#define CHECK_ARGS(ret) \
  g_return_val_if_fail (VP_IS_METER_CLIENT (self), ret); \
  g_return_val_if_fail (link != NULL, ret); \
  g_return_val_if_fail (error == NULL || *error == NULL, ret)

char *
vp_meter_client_read_address (VpMeterClient  *self,
                              const char     *link,
                              GCancellable   *cancellable,
                              GError        **error)
{
  CHECK_ARGS (NULL);
  return run_address (self, request_new (self, OP_READ_ADDRESS, link, NULL, cancellable), error);
}

VpMeterReading *
vp_meter_client_read_item (VpMeterClient  *self,
                           const char     *link,
                           const char     *address,
                           const char     *item,
                           GCancellable   *cancellable,
                           GError        **error)
{
  CHECK_ARGS (NULL);
  g_return_val_if_fail (address != NULL && item != NULL, NULL);
  return run_sync (self, new_read_request (self, OP_READ_ITEM, link, address, item, cancellable),
                   error);
}

gboolean
vp_meter_client_write_item (VpMeterClient      *self,
                            const char         *link,
                            const char         *address,
                            const VpMeterAuth  *auth,
                            const char         *item,
                            const char         *value,
                            GCancellable       *cancellable,
                            GError            **error)
{
  CHECK_ARGS (FALSE);
  g_return_val_if_fail (address != NULL && item != NULL && value != NULL, FALSE);
  return run_command (self, new_write_request (self, link, address, auth, item, value,
                                               cancellable), error);
}

gboolean
vp_meter_client_write_time (VpMeterClient      *self,
                            const char         *link,
                            const char         *address,
                            const VpMeterAuth  *auth,
                            GDateTime          *time,
                            GCancellable       *cancellable,
                            GError            **error)
{
  CHECK_ARGS (FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  return run_command (self, new_time_request (self, OP_WRITE_TIME, link, address, auth, time,
                                              cancellable), error);
}

gboolean
vp_meter_client_broadcast_time (VpMeterClient  *self,
                                const char     *link,
                                GDateTime      *time,
                                GCancellable   *cancellable,
                                GError        **error)
{
  CHECK_ARGS (FALSE);
  return run_command (self, new_time_request (self, OP_BROADCAST_TIME, link, NULL, NULL, time,
                                              cancellable), error);
}

gboolean
vp_meter_client_remote_control (VpMeterClient          *self,
                                const char             *link,
                                const char             *address,
                                const VpMeterAuth      *auth,
                                VpDlt645ControlAction   action,
                                guint                   valid_minutes,
                                GCancellable           *cancellable,
                                GError                **error)
{
  CHECK_ARGS (FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  return run_command (self, new_control_request (self, link, address, auth, action,
                                                 valid_minutes, cancellable), error);
}

VpMeterReading *
vp_meter_client_read_status (VpMeterClient  *self,
                             const char     *link,
                             const char     *address,
                             GCancellable   *cancellable,
                             GError        **error)
{
  CHECK_ARGS (NULL);
  g_return_val_if_fail (address != NULL, NULL);
  return run_sync (self, request_new (self, OP_READ_STATUS, link, address, cancellable), error);
}

VpMeterReading *
vp_meter_client_water_read (VpMeterClient  *self,
                            const char     *link,
                            const char     *address,
                            GCancellable   *cancellable,
                            GError        **error)
{
  CHECK_ARGS (NULL);
  g_return_val_if_fail (address != NULL, NULL);
  return run_sync (self, request_new (self, OP_WATER_READ, link, address, cancellable), error);
}

char *
vp_meter_client_water_read_address (VpMeterClient  *self,
                                    const char     *link,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  CHECK_ARGS (NULL);
  return run_address (self, request_new (self, OP_WATER_READ_ADDRESS, link, "AAAAAAAAAAAAAA",
                                         cancellable), error);
}

VpMeterReading *
vp_meter_client_water_valve (VpMeterClient  *self,
                             const char     *link,
                             const char     *address,
                             gboolean        open,
                             GCancellable   *cancellable,
                             GError        **error)
{
  CHECK_ARGS (NULL);
  g_return_val_if_fail (address != NULL, NULL);
  return run_sync (self, new_valve_request (self, link, address, open, cancellable), error);
}

#undef CHECK_ARGS
#define CHECK_ASYNC_ARGS() \
  g_return_if_fail (VP_IS_METER_CLIENT (self)); \
  g_return_if_fail (link != NULL)

void
vp_meter_client_read_address_async (VpMeterClient       *self,
                                    const char          *link,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  run_async (self, request_new (self, OP_READ_ADDRESS, link, NULL, cancellable),
             vp_meter_client_read_address_async, callback, user_data);
}

char *
vp_meter_client_read_address_finish (VpMeterClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_autoptr(VpMeterReading) reading = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  reading = g_task_propagate_pointer (G_TASK (result), error);
  return reading != NULL ? g_steal_pointer (&reading->address) : NULL;
}

void
vp_meter_client_read_item_async (VpMeterClient       *self,
                                 const char          *link,
                                 const char          *address,
                                 const char          *item,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL && item != NULL);
  run_async (self, new_read_request (self, OP_READ_ITEM, link, address, item, cancellable),
             vp_meter_client_read_item_async, callback, user_data);
}

VpMeterReading *
vp_meter_client_read_finish (VpMeterClient  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
vp_meter_client_read_status_async (VpMeterClient       *self,
                                   const char          *link,
                                   const char          *address,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL);
  run_async (self, request_new (self, OP_READ_STATUS, link, address, cancellable),
             vp_meter_client_read_status_async, callback, user_data);
}

void
vp_meter_client_water_read_async (VpMeterClient       *self,
                                  const char          *link,
                                  const char          *address,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL);
  run_async (self, request_new (self, OP_WATER_READ, link, address, cancellable),
             vp_meter_client_water_read_async, callback, user_data);
}

void
vp_meter_client_water_valve_async (VpMeterClient       *self,
                                   const char          *link,
                                   const char          *address,
                                   gboolean             open,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL);
  run_async (self, new_valve_request (self, link, address, open, cancellable),
             vp_meter_client_water_valve_async, callback, user_data);
}

void
vp_meter_client_remote_control_async (VpMeterClient          *self,
                                      const char             *link,
                                      const char             *address,
                                      const VpMeterAuth      *auth,
                                      VpDlt645ControlAction   action,
                                      guint                   valid_minutes,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL);
  run_async (self, new_control_request (self, link, address, auth, action, valid_minutes,
                                        cancellable),
             vp_meter_client_remote_control_async, callback, user_data);
}

void
vp_meter_client_write_time_async (VpMeterClient       *self,
                                  const char          *link,
                                  const char          *address,
                                  const VpMeterAuth   *auth,
                                  GDateTime           *time,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL);
  run_async (self, new_time_request (self, OP_WRITE_TIME, link, address, auth, time,
                                     cancellable),
             vp_meter_client_write_time_async, callback, user_data);
}

void
vp_meter_client_write_item_async (VpMeterClient       *self,
                                  const char          *link,
                                  const char          *address,
                                  const VpMeterAuth   *auth,
                                  const char          *item,
                                  const char          *value,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  CHECK_ASYNC_ARGS ();
  g_return_if_fail (address != NULL && item != NULL && value != NULL);
  run_async (self, new_write_request (self, link, address, auth, item, value, cancellable),
             vp_meter_client_write_item_async, callback, user_data);
}

gboolean
vp_meter_client_command_finish (VpMeterClient  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_autoptr(VpMeterReading) reading = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  reading = g_task_propagate_pointer (G_TASK (result), error);
  return reading != NULL;
}
