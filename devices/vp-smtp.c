/* vp-smtp.c: one message per connection to an SMTP server (RFC 5321, 4954, 2047, 6152) */
#include "config.h"

#include "vp-smtp.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-device-error.h"

G_DEFINE_QUARK (vp-smtp-error-quark, vp_smtp_error)

/* RFC 2047 §2: an encoded-word is at most 75 characters, and a header line should stay
 * within 78 (RFC 5322 §2.1.1). 36 bytes of text (a multiple of 3: no padding inside a
 * word) make 48 base64 characters, 60 with "=?UTF-8?B?" and "?=", so even the first
 * word after "Subject: " fits in 69. */
#define WORD_TEXT_BYTES 36
/* RFC 2045 §6.8: base64 lines of at most 76 characters. */
#define BASE64_LINE 76

gboolean
vp_smtp_error_is_transient (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == VP_SMTP_ERROR)
    return error->code == VP_SMTP_ERROR_TEMPORARY;
  if (error->domain == VP_DEVICE_ERROR)
    return error->code == VP_DEVICE_ERROR_TIMEOUT || error->code == VP_DEVICE_ERROR_IO
           || error->code == VP_DEVICE_ERROR_CLOSED || error->code == VP_DEVICE_ERROR_OPEN_FAILED;
  return error->domain == G_IO_ERROR && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- message text ---- */

static gboolean
is_plain_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80 || ((guchar) *p < 0x20 && *p != '\t'))
      return FALSE;
  return TRUE;
}

char *
vp_smtp_encode_header (const char *text)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  if (is_plain_ascii (text))
    return g_strdup (text);
  out = g_string_new (NULL);
  p = text;
  while (*p != '\0')
    {
      const char *end = p;
      g_autofree char *b64 = NULL;

      /* Whole UTF-8 characters only (RFC 2047 §5: a word holds complete characters). */
      while (*end != '\0')
        {
          const char *next = g_utf8_next_char (end);

          if (next - p > WORD_TEXT_BYTES)
            break;
          end = next;
        }
      if (end == p)
        end = g_utf8_next_char (p);
      b64 = g_base64_encode ((const guchar *) p, end - p);
      if (out->len > 0)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", b64);
      p = end;
    }
  return g_string_free (out, FALSE);
}

/* Every line break becomes CRLF; a lone CR or LF counts as one. */
static void
append_crlf_text (GString    *out,
                  const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append (out, "\r\n");
          if (p[1] == '\n')
            p++;
        }
      else if (*p == '\n')
        g_string_append (out, "\r\n");
      else
        g_string_append_c (out, *p);
    }
}

char *
vp_smtp_format_message (const char *from,
                        const char *to,
                        const char *subject,
                        const char *body,
                        gboolean    eight_bit,
                        gint64      date_unix,
                        const char *message_id)
{
  static const char * const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char * const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (date_unix);
  g_autofree char *encoded_subject = vp_smtp_encode_header (subject);
  g_autofree char *own_id = NULL;
  GString *out = g_string_new (NULL);
  gboolean ascii = TRUE;

  g_return_val_if_fail (from != NULL && to != NULL && subject != NULL && body != NULL, NULL);

  /* The body is ASCII when every byte is below 0x80 (line breaks and tabs allowed). */
  for (const char *p = body; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      ascii = FALSE;
  if (message_id == NULL)
    {
      own_id = g_strdup_printf ("%08x%08x.%" G_GINT64_FORMAT "@vendpoint", g_random_int (),
                                g_random_int (), date_unix);
      message_id = own_id;
    }
  /* RFC 5322 §3.3 with fixed English names (the locale must not leak into a header). */
  g_string_append_printf (out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
                          days[g_date_time_get_day_of_week (date) - 1],
                          g_date_time_get_day_of_month (date),
                          months[g_date_time_get_month (date) - 1],
                          g_date_time_get_year (date), g_date_time_get_hour (date),
                          g_date_time_get_minute (date), g_date_time_get_second (date));
  g_string_append_printf (out, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n", from, to, encoded_subject);
  g_string_append_printf (out, "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n", message_id);
  g_string_append (out, "Content-Type: text/plain; charset=UTF-8\r\n");
  if (ascii || eight_bit)
    {
      g_string_append_printf (out, "Content-Transfer-Encoding: %s\r\n\r\n", ascii ? "7bit" : "8bit");
      append_crlf_text (out, body);
    }
  else
    {
      g_autofree char *b64 = g_base64_encode ((const guchar *) body, strlen (body));
      gsize len = strlen (b64);

      g_string_append (out, "Content-Transfer-Encoding: base64\r\n\r\n");
      for (gsize i = 0; i < len; i += BASE64_LINE)
        {
          g_string_append_len (out, b64 + i, MIN (BASE64_LINE, len - i));
          g_string_append (out, "\r\n");
        }
    }
  if (out->len < 2 || strcmp (out->str + out->len - 2, "\r\n") != 0)
    g_string_append (out, "\r\n");
  return g_string_free (out, FALSE);
}

char *
vp_smtp_dot_stuff (const char *message)
{
  GString *out = g_string_new (NULL);
  gboolean line_start = TRUE;

  g_return_val_if_fail (message != NULL, NULL);

  for (const char *p = message; *p != '\0'; p++)
    {
      if (line_start && *p == '.')
        g_string_append_c (out, '.');
      g_string_append_c (out, *p);
      line_start = *p == '\n';
    }
  return g_string_free (out, FALSE);
}

/* ---- the dialogue ---- */

typedef struct
{
  GSocketConnection *connection;
  GDataInputStream  *in;
  GOutputStream     *out;
  GCancellable      *cancellable;
  GString           *last;        /* the last reply's text, for messages */
  char             **extensions;  /* EHLO keywords, upper case */
} Session;

static void
session_clear (Session *s)
{
  g_clear_object (&s->in);
  if (s->connection != NULL)
    g_io_stream_close (G_IO_STREAM (s->connection), NULL, NULL);
  g_clear_object (&s->connection);
  if (s->last != NULL)
    g_string_free (s->last, TRUE);
  g_strfreev (s->extensions);
}

/* Reads one (possibly multi-line, "250-…") reply: its code, or 0 with @error. */
static guint
read_reply (Session  *s,
            GError  **error)
{
  g_string_truncate (s->last, 0);
  g_clear_pointer (&s->extensions, g_strfreev);
  {
    g_autoptr(GStrvBuilder) words = g_strv_builder_new ();

    for (;;)
      {
        g_autoptr(GError) local = NULL;
        gsize length = 0;
        g_autofree char *line = g_data_input_stream_read_line (s->in, &length, s->cancellable, &local);
        guint code;

        if (line == NULL)
          {
            if (local == NULL)
              g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_CLOSED,
                           _("The mail server closed the connection"));
            else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
              g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT,
                           _("The mail server did not answer in time"));
            else
              g_propagate_error (error, g_steal_pointer (&local));
            return 0;
          }
        if (length > 0 && line[length - 1] == '\r')
          line[--length] = '\0';
        if (length < 3 || !g_ascii_isdigit (line[0]) || !g_ascii_isdigit (line[1])
            || !g_ascii_isdigit (line[2]) || (length > 3 && line[3] != ' ' && line[3] != '-'))
          {
            g_autofree char *valid = g_utf8_make_valid (line, -1);

            g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_PROTOCOL,
                         _("The mail server's answer is not SMTP: “%s”"), valid);
            return 0;
          }
        code = (guint) g_ascii_strtoull (line, NULL, 10);
        if (s->last->len > 0)
          g_string_append_c (s->last, ' ');
        g_string_append (s->last, length > 4 ? line + 4 : "");
        if (length > 4)
          {
            g_autofree char *upper = g_ascii_strup (line + 4, -1);

            g_strv_builder_add (words, upper);
          }
        if (length == 3 || line[3] == ' ')
          {
            s->extensions = g_strv_builder_end (words);
            return code;
          }
      }
  }
}

static gboolean
send_line (Session     *s,
           const char  *line,
           GError     **error)
{
  g_autofree char *crlf = g_strconcat (line, "\r\n", NULL);

  return g_output_stream_write_all (s->out, crlf, strlen (crlf), NULL, s->cancellable, error);
}

/* Sends @line (unless NULL) and expects a reply in [@ok_low, @ok_high]; anything else
 * becomes an error: 4xx TEMPORARY, 5xx @permanent. */
static gboolean
exchange (Session      *s,
          const char   *line,
          guint         ok_low,
          guint         ok_high,
          VpSmtpError   permanent,
          const char   *step,
          GError      **error)
{
  guint code;

  if (line != NULL && !send_line (s, line, error))
    return FALSE;
  code = read_reply (s, error);
  if (code == 0)
    return FALSE;
  if (code >= ok_low && code <= ok_high)
    return TRUE;
  {
    g_autofree char *valid = g_utf8_make_valid (s->last->str, -1);
    VpSmtpError kind = code >= 400 && code < 500 ? VP_SMTP_ERROR_TEMPORARY
                       : code >= 500 && code < 600 ? permanent : VP_SMTP_ERROR_PROTOCOL;

    /* RFC 3207 §4: 530 "Must issue a STARTTLS command first". */
    if (code == 530 && strstr (valid, "STARTTLS") != NULL)
      kind = VP_SMTP_ERROR_TLS_REQUIRED;
    g_set_error (error, VP_SMTP_ERROR, kind, _("Mail server refused %s: %u %s"), step, code, valid);
  }
  return FALSE;
}

static gboolean
has_extension (char       **extensions,
               const char  *keyword,
               const char  *parameter)
{
  for (guint i = 0; extensions != NULL && extensions[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (extensions[i], " =", -1);

      if (!g_str_equal (words[0], keyword))
        continue;
      if (parameter == NULL)
        return TRUE;
      for (guint w = 1; words[w] != NULL; w++)
        if (g_str_equal (words[w], parameter))
          return TRUE;
    }
  return FALSE;
}

static gboolean
authenticate (Session             *s,
              const VpSmtpConfig  *config,
              char               **ehlo,
              GError             **error)
{
  GInetAddress *address;
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (s->connection, NULL);

  address = G_IS_INET_SOCKET_ADDRESS (remote)
            ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)) : NULL;
  if (!config->allow_plain_auth && (address == NULL || !g_inet_address_get_is_loopback (address)))
    {
      g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_AUTH_UNSUPPORTED,
                   _("Not sending the mail password in clear text to %s: TLS is not supported; "
                     "use a relay on this computer or allow plain authentication"), config->host);
      return FALSE;
    }
  if (has_extension (ehlo, "AUTH", "PLAIN"))
    {
      /* RFC 4616: authzid NUL authcid NUL password. */
      gsize ulen = strlen (config->username);
      gsize plen = strlen (config->password != NULL ? config->password : "");
      g_autofree guchar *raw = g_malloc0 (ulen + plen + 2);
      g_autofree char *b64 = NULL;
      g_autofree char *line = NULL;
      gboolean ok;

      memcpy (raw + 1, config->username, ulen);
      memcpy (raw + 2 + ulen, config->password != NULL ? config->password : "", plen);
      b64 = g_base64_encode (raw, ulen + plen + 2);
      line = g_strconcat ("AUTH PLAIN ", b64, NULL);
      ok = exchange (s, line, 235, 235, VP_SMTP_ERROR_AUTH_FAILED, _("the log-in"), error);
      memset (raw, 0, ulen + plen + 2);
      memset (line, 0, strlen (line));
      return ok;
    }
  if (has_extension (ehlo, "AUTH", "LOGIN"))
    {
      g_autofree char *user = g_base64_encode ((const guchar *) config->username, strlen (config->username));
      g_autofree char *pass = g_base64_encode ((const guchar *) (config->password != NULL ? config->password : ""),
                                               strlen (config->password != NULL ? config->password : ""));
      gboolean ok = exchange (s, "AUTH LOGIN", 334, 334, VP_SMTP_ERROR_AUTH_FAILED, _("the log-in"), error)
                    && exchange (s, user, 334, 334, VP_SMTP_ERROR_AUTH_FAILED, _("the user name"), error)
                    && exchange (s, pass, 235, 235, VP_SMTP_ERROR_AUTH_FAILED, _("the password"), error);

      memset (pass, 0, strlen (pass));
      return ok;
    }
  g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_AUTH_UNSUPPORTED,
               _("The mail server offers no log-in this program knows (PLAIN or LOGIN)"));
  return FALSE;
}

gboolean
vp_smtp_send (const VpSmtpConfig  *config,
              const char          *from,
              const char          *to,
              const char          *subject,
              const char          *body,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) ehlo = NULL;
  g_autofree char *line = NULL;
  g_autofree char *message = NULL;
  g_autofree char *stuffed = NULL;
  Session s = { 0 };
  gboolean eight_bit;
  gboolean ok = FALSE;
  guint timeout_ms;

  g_return_val_if_fail (config != NULL && config->host != NULL, FALSE);
  g_return_val_if_fail (from != NULL && to != NULL && subject != NULL && body != NULL, FALSE);

  if (strpbrk (from, "<>\r\n ") != NULL || strpbrk (to, "<>\r\n ") != NULL
      || strchr (to, '@') == NULL || strchr (from, '@') == NULL)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” → “%s”: e-mail addresses must be plain name@domain"), from, to);
      return FALSE;
    }
  timeout_ms = config->timeout_ms != 0 ? config->timeout_ms : 30000;
  g_socket_client_set_timeout (client, (timeout_ms + 999) / 1000);
  s.cancellable = cancellable;
  s.last = g_string_new (NULL);
  s.connection = g_socket_client_connect_to_host (client, config->host, config->port, cancellable, &local);
  if (s.connection == NULL)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
                   _("Cannot reach the mail server %s:%u: %s"), config->host, config->port, local->message);
      goto out;
    }
  s.in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (s.connection)));
  g_data_input_stream_set_newline_type (s.in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  s.out = g_io_stream_get_output_stream (G_IO_STREAM (s.connection));

  if (!exchange (&s, NULL, 220, 220, VP_SMTP_ERROR_PROTOCOL, _("the connection"), error))
    goto out;
  line = g_strdup_printf ("EHLO %s", config->helo_name != NULL ? config->helo_name : "vendpoint");
  if (!exchange (&s, line, 250, 250, VP_SMTP_ERROR_PROTOCOL, "EHLO", &local))
    {
      /* RFC 5321 §3.2: a server that does not know EHLO gets HELO. */
      if (!g_error_matches (local, VP_SMTP_ERROR, VP_SMTP_ERROR_PROTOCOL))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          goto out;
        }
      g_clear_error (&local);
      g_free (line);
      line = g_strdup_printf ("HELO %s", config->helo_name != NULL ? config->helo_name : "vendpoint");
      if (!exchange (&s, line, 250, 250, VP_SMTP_ERROR_PROTOCOL, "HELO", error))
        goto out;
    }
  ehlo = g_steal_pointer (&s.extensions);
  if (config->username != NULL && !authenticate (&s, config, ehlo, error))
    goto out;

  eight_bit = has_extension (ehlo, "8BITMIME", NULL);
  g_free (line);
  line = g_strdup_printf ("MAIL FROM:<%s>%s", from, eight_bit ? " BODY=8BITMIME" : "");
  if (!exchange (&s, line, 250, 250, VP_SMTP_ERROR_SENDER_REJECTED, _("the sender"), error))
    goto out;
  g_free (line);
  line = g_strdup_printf ("RCPT TO:<%s>", to);
  if (!exchange (&s, line, 250, 251, VP_SMTP_ERROR_RECIPIENT_REJECTED, _("the recipient"), error)
      || !exchange (&s, "DATA", 354, 354, VP_SMTP_ERROR_MESSAGE_REJECTED, "DATA", error))
    goto out;
  message = vp_smtp_format_message (from, to, subject, body, eight_bit,
                                    g_get_real_time () / G_USEC_PER_SEC, NULL);
  stuffed = vp_smtp_dot_stuff (message);
  if (!g_output_stream_write_all (s.out, stuffed, strlen (stuffed), NULL, cancellable, error)
      || !exchange (&s, ".", 250, 250, VP_SMTP_ERROR_MESSAGE_REJECTED, _("the message"), error))
    goto out;
  ok = TRUE;
  /* The message is accepted; a failing QUIT changes nothing. */
  exchange (&s, "QUIT", 221, 221, VP_SMTP_ERROR_PROTOCOL, "QUIT", NULL);

out:
  session_clear (&s);
  return ok;
}
