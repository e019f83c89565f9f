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

VpSmtpTls
vp_smtp_tls_default_for_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  g_return_val_if_fail (host != NULL, VP_SMTP_TLS_STARTTLS);

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return VP_SMTP_TLS_NONE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address) ? VP_SMTP_TLS_NONE
                                                                      : VP_SMTP_TLS_STARTTLS;
}

static const char * const tls_names[] = {
  [VP_SMTP_TLS_STARTTLS] = "starttls",
  [VP_SMTP_TLS_IMPLICIT] = "tls",
  [VP_SMTP_TLS_NONE] = "none",
};

gboolean
vp_smtp_tls_from_string (const char *text,
                         VpSmtpTls  *out_tls)
{
  g_return_val_if_fail (out_tls != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (tls_names); i++)
    if (tls_names[i] != NULL && g_ascii_strcasecmp (text, tls_names[i]) == 0)
      {
        *out_tls = i;
        return TRUE;
      }
  return FALSE;
}

const char *
vp_smtp_tls_to_string (VpSmtpTls tls)
{
  g_return_val_if_fail (tls > VP_SMTP_TLS_DEFAULT && tls < G_N_ELEMENTS (tls_names), NULL);

  return tls_names[tls];
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
  GSocketConnection   *connection;
  GIOStream           *stream;      /* the connection, or TLS over it */
  GDataInputStream    *in;
  GOutputStream       *out;
  GCancellable        *cancellable;
  GString             *last;        /* the last reply's text, for messages */
  char               **extensions;  /* EHLO keywords, upper case */
  gboolean             secure;      /* TLS is up */
  GTlsCertificate     *peer;        /* the certificate refused, for messages */
  GTlsCertificateFlags peer_errors;
} Session;

static void
session_clear (Session *s)
{
  g_clear_object (&s->in);
  /* Closing TLS closes the connection under it. */
  if (s->stream != NULL)
    g_io_stream_close (s->stream, NULL, NULL);
  g_clear_object (&s->stream);
  g_clear_object (&s->connection);
  g_clear_object (&s->peer);
  if (s->last != NULL)
    g_string_free (s->last, TRUE);
  g_strfreev (s->extensions);
}

/* Reads and writes go through @stream from now on. */
static void
session_use_stream (Session   *s,
                    GIOStream *stream)
{
  g_clear_object (&s->in);
  g_set_object (&s->stream, stream);
  s->in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  /* The stream is closed as a whole by session_clear(), not through its halves. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (s->in), FALSE);
  g_data_input_stream_set_newline_type (s->in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  s->out = g_io_stream_get_output_stream (stream);
}

static gboolean
session_peer_is_loopback (Session *s)
{
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (s->connection, NULL);

  return G_IS_INET_SOCKET_ADDRESS (remote)
         && g_inet_address_get_is_loopback (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
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
      g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_TLS_REQUIRED,
                   _("Mail server refused %s: %u %s (choose TLS mode starttls)"), step, code, valid);
    else
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
  if (!s->secure && !config->allow_plain_auth && !session_peer_is_loopback (s))
    {
      g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_AUTH_UNSUPPORTED,
                   _("Not sending the mail password in clear text to %s: choose TLS mode "
                     "starttls or tls, use a relay on this computer, or allow plain "
                     "authentication"), config->host);
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

/* ---- TLS ---- */

/* Called by the TLS backend only when verification failed: remember why, and refuse. */
static gboolean
on_accept_certificate_cb (GTlsConnection       *connection,
                          GTlsCertificate      *peer,
                          GTlsCertificateFlags  errors,
                          gpointer              user_data)
{
  Session *s = user_data;

  s->peer_errors = errors;
  g_set_object (&s->peer, peer);
  return FALSE;
}

/* The certificate problems a technician can act on, most useful first. GLib does not
 * promise every flag that applies is set, only at least one. */
static void
set_certificate_error (Session             *s,
                       const VpSmtpConfig  *config,
                       const char          *backend_message,
                       GError             **error)
{
  g_autoptr(GString) why = g_string_new (NULL);
  g_autofree char *subject = s->peer != NULL ? g_tls_certificate_get_subject_name (s->peer) : NULL;
  g_autofree char *issuer = s->peer != NULL ? g_tls_certificate_get_issuer_name (s->peer) : NULL;
  GTlsCertificateFlags flags = s->peer_errors;

#define ADD_REASON(text) g_string_append_printf (why, "%s%s", why->len > 0 ? "; " : "", text)
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    {
      g_autofree char *text = g_strdup_printf (_("it is not issued for the name “%s” (use the "
                                                 "server name the certificate is for)"), config->host);

      ADD_REASON (text);
    }
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    ADD_REASON (config->ca_file != NULL && config->ca_file[0] != '\0'
                ? _("it is not signed by a certificate authority in the CA file")
                : _("it is not signed by a trusted certificate authority (if the site has its "
                    "own CA, give its certificate as the CA file)"));
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    {
      g_autoptr(GDateTime) until = s->peer != NULL ? g_tls_certificate_get_not_valid_after (s->peer) : NULL;
      g_autofree char *date = until != NULL ? g_date_time_format (until, "%Y-%m-%d") : g_strdup ("?");
      g_autofree char *text = g_strdup_printf (_("it expired on %s (renew it on the server, or check "
                                                 "this computer's clock)"), date);

      ADD_REASON (text);
    }
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    ADD_REASON (_("it is not valid yet (check this computer's clock)"));
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    ADD_REASON (_("it has been revoked"));
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    ADD_REASON (_("it uses an insecure algorithm"));
  if (why->len == 0)
    ADD_REASON (backend_message != NULL ? backend_message : _("it could not be verified"));
#undef ADD_REASON
  g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_CERTIFICATE,
               _("The certificate of the mail server %s was refused: %s. Certificate: “%s”, "
                 "issued by “%s”"), config->host, why->str,
               subject != NULL ? subject : "?", issuer != NULL ? issuer : "?");
}

/* Puts TLS over the connection and verifies the server (see vp-smtp.h). */
static gboolean
start_tls (Session             *s,
           const VpSmtpConfig  *config,
           GTlsDatabase        *database,
           GError             **error)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (config->host, config->port);
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) local = NULL;

  tls = g_tls_client_connection_new (G_IO_STREAM (s->connection), identity, &local);
  if (tls == NULL)
    {
      g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_TLS_FAILED,
                   _("Cannot start TLS to the mail server %s: %s"), config->host, local->message);
      return FALSE;
    }
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  /* Many mail servers just close the socket after QUIT (RFC 3207 does not ask for
   * close_notify), and the dialogue itself says when the message is complete. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate_cb), s);
  session_use_stream (s, tls);
  if (g_tls_connection_handshake (G_TLS_CONNECTION (tls), s->cancellable, &local))
    {
      s->secure = TRUE;
      return TRUE;
    }
  if (s->peer_errors != 0 || g_error_matches (local, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    set_certificate_error (s, config, local->message, error);
  else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT,
                 _("The mail server did not answer in time"));
  else if (local->domain == G_IO_ERROR)
    g_propagate_error (error, g_steal_pointer (&local));
  else
    /* A server that is not TLS on this port (G_TLS_ERROR_NOT_TLS, or GnuTLS's
     * "unexpected packet" for a clear-text greeting) is the usual cause. */
    g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_TLS_FAILED,
                 _("The TLS handshake with the mail server %s:%u failed (%s): check the port "
                   "and the TLS mode (port 465 is tls, ports 587 and 25 are starttls)"),
                 config->host, config->port, local->message);
  return FALSE;
}

/* RFC 3207 §4: STARTTLS, then the TLS handshake. Bytes the server sent after its 220
 * would be read as if they came over TLS (a response injection): refuse them. */
static gboolean
upgrade_to_tls (Session             *s,
                const VpSmtpConfig  *config,
                char               **ehlo,
                GTlsDatabase        *database,
                GError             **error)
{
  if (!has_extension (ehlo, "STARTTLS", NULL))
    {
      g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_STARTTLS_NOT_OFFERED,
                   _("The mail server %s does not offer STARTTLS, so nothing was sent: choose "
                     "TLS mode tls (usually port 465) or, only on a network you trust, none"),
                   config->host);
      return FALSE;
    }
  if (!exchange (s, "STARTTLS", 220, 220, VP_SMTP_ERROR_STARTTLS_NOT_OFFERED, "STARTTLS", error))
    return FALSE;
  if (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (s->in)) > 0)
    {
      g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_PROTOCOL,
                   _("The mail server %s sent more after agreeing to STARTTLS; not trusting "
                     "the connection"), config->host);
      return FALSE;
    }
  return start_tls (s, config, database, error);
}

/* EHLO, or HELO for a server that does not know EHLO (RFC 5321 §3.2); the EHLO
 * keywords (NULL after HELO). */
static gboolean
greet (Session             *s,
       const VpSmtpConfig  *config,
       char              ***out_ehlo,
       GError             **error)
{
  const char *name = config->helo_name != NULL ? config->helo_name : "vendpoint";
  g_autofree char *line = g_strdup_printf ("EHLO %s", name);
  g_autoptr(GError) local = NULL;

  if (!exchange (s, line, 250, 250, VP_SMTP_ERROR_PROTOCOL, "EHLO", &local))
    {
      if (!g_error_matches (local, VP_SMTP_ERROR, VP_SMTP_ERROR_PROTOCOL))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      g_free (line);
      line = g_strdup_printf ("HELO %s", name);
      if (!exchange (s, line, 250, 250, VP_SMTP_ERROR_PROTOCOL, "HELO", error))
        return FALSE;
    }
  g_strfreev (*out_ehlo);
  *out_ehlo = g_steal_pointer (&s->extensions);
  return TRUE;
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
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) ehlo = NULL;
  g_autofree char *line = NULL;
  g_autofree char *message = NULL;
  g_autofree char *stuffed = NULL;
  Session s = { 0 };
  gboolean eight_bit;
  gboolean ok = FALSE;
  guint timeout_ms;
  VpSmtpTls tls;

  g_return_val_if_fail (config != NULL && config->host != NULL, FALSE);
  g_return_val_if_fail (from != NULL && to != NULL && subject != NULL && body != NULL, FALSE);
  g_return_val_if_fail (config->tls <= VP_SMTP_TLS_NONE, FALSE);

  if (strpbrk (from, "<>\r\n ") != NULL || strpbrk (to, "<>\r\n ") != NULL
      || strchr (to, '@') == NULL || strchr (from, '@') == NULL)
    {
      g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                   _("“%s” → “%s”: e-mail addresses must be plain name@domain"), from, to);
      return FALSE;
    }
  tls = config->tls != VP_SMTP_TLS_DEFAULT ? config->tls : vp_smtp_tls_default_for_host (config->host);
  if (tls != VP_SMTP_TLS_NONE)
    {
      if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
        {
          g_set_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_TLS_UNAVAILABLE,
                       _("E-mail over TLS needs GIO's TLS support, which is not installed: "
                         "install the package glib-networking"));
          return FALSE;
        }
      if (config->ca_file != NULL && config->ca_file[0] != '\0')
        {
          database = g_tls_file_database_new (config->ca_file, &local);
          if (database == NULL)
            {
              g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT,
                           _("Cannot use the CA file %s: %s"), config->ca_file, local->message);
              return FALSE;
            }
        }
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
  session_use_stream (&s, G_IO_STREAM (s.connection));
  if (tls == VP_SMTP_TLS_IMPLICIT && !start_tls (&s, config, database, error))
    goto out;

  if (!exchange (&s, NULL, 220, 220, VP_SMTP_ERROR_PROTOCOL, _("the connection"), error)
      || !greet (&s, config, &ehlo, error))
    goto out;
  if (tls == VP_SMTP_TLS_STARTTLS)
    {
      if (!upgrade_to_tls (&s, config, ehlo, database, error))
        {
          /* Only polite words in clear text; the error stands whatever QUIT gets. */
          if (s.stream == G_IO_STREAM (s.connection))
            exchange (&s, "QUIT", 221, 221, VP_SMTP_ERROR_PROTOCOL, "QUIT", NULL);
          goto out;
        }
      /* RFC 3207 §4.2: forget what was learnt in clear text and ask again. */
      if (!greet (&s, config, &ehlo, error))
        goto out;
    }
  if (config->username != NULL && !authenticate (&s, config, ehlo, error))
    goto out;

  eight_bit = has_extension (ehlo, "8BITMIME", NULL);
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
