/* vp-test-smtp.h: a small SMTP server on 127.0.0.1:0 in a thread, recording what it
 * receives, with scriptable refusals and STARTTLS or implicit TLS (GTlsServerConnection)
 * when given a certificate (tests only: test-smtp, test-smtp-tls, test-notify) */
#pragma once

#include <gio/gio.h>
#include <string.h>

typedef struct
{
  char *mail_from;
  char *rcpt_to;
  char *data;        /* the message as sent, dot-stuffing undone, CRLF kept */
  char *auth_user;
  char *auth_pass;
  gboolean tls;      /* the message came over TLS */
} VpTestMail;

typedef struct
{
  /* Settings, before vp_test_smtp_start() */
  gboolean      eight_bit;     /* offer 8BITMIME */
  const char   *auth;          /* "PLAIN LOGIN", "LOGIN", … or NULL: no AUTH offered */
  const char   *user;
  const char   *password;
  gboolean      no_ehlo;       /* answer EHLO with 502 */
  GTlsCertificate *certificate; /* offer STARTTLS with it (or implicit TLS) */
  gboolean      implicit_tls;  /* TLS from the first byte (needs @certificate) */
  /* Replies the test may change between connections (under lock) */
  char         *rcpt_reply;    /* NULL: "250 OK" */
  char         *data_reply;    /* NULL: "250 OK queued" */
  /* State */
  GMutex        lock;
  GSocket      *listener;
  guint16       port;
  GThread      *thread;
  GCancellable *stop;
  GPtrArray    *mails;         /* VpTestMail * accepted */
  guint         connections;
  GString      *verbs;         /* every command's first word, upper case, space-separated */
} VpTestSmtp;

static inline void
vp_test_mail_free (VpTestMail *mail)
{
  g_free (mail->mail_from);
  g_free (mail->rcpt_to);
  g_free (mail->data);
  g_free (mail->auth_user);
  g_free (mail->auth_pass);
  g_free (mail);
}

static inline gboolean
vp_test_smtp_say (GOutputStream *out,
                  const char    *text)
{
  g_autofree char *line = g_strconcat (text, "\r\n", NULL);

  return g_output_stream_write_all (out, line, strlen (line), NULL, NULL, NULL);
}

static inline char *
vp_test_smtp_read (GDataInputStream *in)
{
  char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

  if (line != NULL && *line != '\0' && line[strlen (line) - 1] == '\r')
    line[strlen (line) - 1] = '\0';
  return line;
}

static inline char *
vp_test_smtp_reply (VpTestSmtp *server,
                    char      **reply,
                    const char *fallback)
{
  char *text;

  g_mutex_lock (&server->lock);
  text = g_strdup (*reply != NULL ? *reply : fallback);
  g_mutex_unlock (&server->lock);
  return text;
}

static inline void
vp_test_smtp_check_auth (VpTestSmtp    *server,
                         VpTestMail    *mail,
                         GOutputStream *out)
{
  gboolean good = g_strcmp0 (mail->auth_user, server->user) == 0
                  && g_strcmp0 (mail->auth_pass, server->password) == 0;

  vp_test_smtp_say (out, good ? "235 2.7.0 Authentication successful"
                              : "535 5.7.8 Authentication credentials invalid");
}

static inline char *
vp_test_smtp_b64 (const char *text)
{
  gsize len = 0;
  guchar *raw = g_base64_decode (text, &len);
  char *out = g_strndup ((const char *) raw, len);

  g_free (raw);
  return out;
}

static inline GDataInputStream *
vp_test_smtp_input (GIOStream *stream)
{
  GDataInputStream *in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  return in;
}

/* TLS over @base with the server's certificate, or NULL when the client gave up (e.g.
 * it refused the certificate). */
static inline GIOStream *
vp_test_smtp_tls (VpTestSmtp *server,
                  GIOStream  *base)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = g_tls_server_connection_new (base, server->certificate, &error);

  g_assert_no_error (error);
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    return NULL;
  return g_steal_pointer (&tls);
}

static inline void
vp_test_smtp_session (VpTestSmtp        *server,
                      GSocketConnection *connection)
{
  g_autoptr(GIOStream) stream = g_object_ref (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out;
  VpTestMail *mail = g_new0 (VpTestMail, 1);
  gboolean secure = FALSE;

  if (server->implicit_tls)
    {
      g_clear_object (&stream);
      stream = vp_test_smtp_tls (server, G_IO_STREAM (connection));
      secure = TRUE;
      if (stream == NULL)
        {
          vp_test_mail_free (mail);
          return;
        }
    }
  in = vp_test_smtp_input (stream);
  out = g_io_stream_get_output_stream (stream);
  vp_test_smtp_say (out, "220 test.local ESMTP ready");
  for (;;)
    {
      g_autofree char *line = vp_test_smtp_read (in);
      g_autofree char *upper = NULL;

      if (line == NULL)
        break;
      upper = g_ascii_strup (line, -1);
      g_mutex_lock (&server->lock);
      g_string_append_printf (server->verbs, "%s%.*s", server->verbs->len > 0 ? " " : "",
                              (int) strcspn (upper, " "), upper);
      g_mutex_unlock (&server->lock);
      if (g_str_has_prefix (upper, "EHLO "))
        {
          if (server->no_ehlo)
            vp_test_smtp_say (out, "502 5.5.2 Command not recognised");
          else
            {
              g_autoptr(GString) reply = g_string_new ("250-test.local greets you\r\n");

              if (server->eight_bit)
                g_string_append (reply, "250-8BITMIME\r\n");
              if (server->certificate != NULL && !secure)
                g_string_append (reply, "250-STARTTLS\r\n");
              if (server->auth != NULL)
                g_string_append_printf (reply, "250-AUTH %s\r\n", server->auth);
              g_string_append (reply, "250 SIZE 1000000");
              vp_test_smtp_say (out, reply->str);
            }
        }
      else if (g_str_equal (upper, "STARTTLS") && server->certificate != NULL && !secure)
        {
          GIOStream *tls;

          vp_test_smtp_say (out, "220 2.0.0 Ready to start TLS");
          tls = vp_test_smtp_tls (server, G_IO_STREAM (connection));
          if (tls == NULL)
            break;
          g_set_object (&stream, tls);
          g_object_unref (tls);
          g_clear_object (&in);
          in = vp_test_smtp_input (stream);
          out = g_io_stream_get_output_stream (stream);
          secure = TRUE;
        }
      else if (g_str_has_prefix (upper, "HELO "))
        vp_test_smtp_say (out, "250 test.local");
      else if (g_str_has_prefix (upper, "AUTH PLAIN ") && server->auth != NULL)
        {
          gsize len = 0;
          g_autofree guchar *raw = g_base64_decode (line + 11, &len);
          const guchar *first = memchr (raw, '\0', len);
          const guchar *second = first != NULL ? memchr (first + 1, '\0', len - (first + 1 - raw)) : NULL;

          /* RFC 4616: authzid NUL user NUL password */
          if (second != NULL)
            {
              mail->auth_user = g_strndup ((const char *) first + 1, second - first - 1);
              mail->auth_pass = g_strndup ((const char *) second + 1, len - (second + 1 - raw));
            }
          vp_test_smtp_check_auth (server, mail, out);
        }
      else if (g_str_equal (upper, "AUTH LOGIN") && server->auth != NULL)
        {
          g_autofree char *user = NULL;
          g_autofree char *pass = NULL;

          vp_test_smtp_say (out, "334 VXNlcm5hbWU6");
          user = vp_test_smtp_read (in);
          vp_test_smtp_say (out, "334 UGFzc3dvcmQ6");
          pass = vp_test_smtp_read (in);
          if (user == NULL || pass == NULL)
            break;
          mail->auth_user = vp_test_smtp_b64 (user);
          mail->auth_pass = vp_test_smtp_b64 (pass);
          vp_test_smtp_check_auth (server, mail, out);
        }
      else if (g_str_has_prefix (upper, "MAIL FROM:"))
        {
          g_free (mail->mail_from);
          mail->mail_from = g_strdup (line + 10);
          vp_test_smtp_say (out, "250 2.1.0 OK");
        }
      else if (g_str_has_prefix (upper, "RCPT TO:"))
        {
          g_autofree char *reply = vp_test_smtp_reply (server, &server->rcpt_reply, "250 2.1.5 OK");

          g_free (mail->rcpt_to);
          mail->rcpt_to = g_strdup (line + 8);
          vp_test_smtp_say (out, reply);
        }
      else if (g_str_equal (upper, "DATA"))
        {
          g_autoptr(GString) data = g_string_new (NULL);
          g_autofree char *reply = NULL;

          vp_test_smtp_say (out, "354 End data with <CR><LF>.<CR><LF>");
          for (;;)
            {
              g_autofree char *text = vp_test_smtp_read (in);

              if (text == NULL || g_str_equal (text, "."))
                break;
              g_string_append (data, text[0] == '.' ? text + 1 : text);
              g_string_append (data, "\r\n");
            }
          reply = vp_test_smtp_reply (server, &server->data_reply, "250 2.0.0 OK queued");
          if (reply[0] == '2')
            {
              g_free (mail->data);
              mail->data = g_string_free (g_steal_pointer (&data), FALSE);
              mail->tls = secure;
              g_mutex_lock (&server->lock);
              g_ptr_array_add (server->mails, mail);
              g_mutex_unlock (&server->lock);
              mail = g_new0 (VpTestMail, 1);
            }
          vp_test_smtp_say (out, reply);
        }
      else if (g_str_equal (upper, "QUIT"))
        {
          vp_test_smtp_say (out, "221 2.0.0 Bye");
          break;
        }
      else
        vp_test_smtp_say (out, "500 5.5.1 Unknown command");
    }
  vp_test_mail_free (mail);
  g_clear_object (&in);
  if (stream != G_IO_STREAM (connection))
    g_io_stream_close (stream, NULL, NULL);
}

static inline gpointer
vp_test_smtp_serve (gpointer data)
{
  VpTestSmtp *server = data;

  for (;;)
    {
      g_autoptr(GSocket) socket = g_socket_accept (server->listener, server->stop, NULL);
      g_autoptr(GSocketConnection) connection = NULL;

      if (socket == NULL)
        break;
      g_mutex_lock (&server->lock);
      server->connections++;
      g_mutex_unlock (&server->lock);
      connection = g_socket_connection_factory_create_connection (socket);
      vp_test_smtp_session (server, connection);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
  return NULL;
}

static inline void
vp_test_smtp_start (VpTestSmtp *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_mutex_init (&server->lock);
  server->mails = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_test_mail_free);
  server->stop = g_cancellable_new ();
  server->verbs = g_string_new (NULL);
  server->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (server->listener, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (server->listener, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (server->listener, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->thread = g_thread_new ("test-smtp", vp_test_smtp_serve, server);
}

static inline void
vp_test_smtp_set_replies (VpTestSmtp *server,
                          const char *rcpt_reply,
                          const char *data_reply)
{
  g_mutex_lock (&server->lock);
  g_free (server->rcpt_reply);
  server->rcpt_reply = g_strdup (rcpt_reply);
  g_free (server->data_reply);
  server->data_reply = g_strdup (data_reply);
  g_mutex_unlock (&server->lock);
}

static inline guint
vp_test_smtp_count (VpTestSmtp *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->mails->len;
  g_mutex_unlock (&server->lock);
  return n;
}

static inline void
vp_test_smtp_stop (VpTestSmtp *server)
{
  g_cancellable_cancel (server->stop);
  g_thread_join (server->thread);
  g_object_unref (server->listener);
  g_object_unref (server->stop);
  g_ptr_array_unref (server->mails);
  g_free (server->rcpt_reply);
  g_free (server->data_reply);
  g_string_free (server->verbs, TRUE);
  g_mutex_clear (&server->lock);
}

/* The commands seen so far, e.g. "EHLO STARTTLS EHLO AUTH MAIL RCPT DATA QUIT". */
static inline char *
vp_test_smtp_verbs (VpTestSmtp *server)
{
  char *verbs;

  g_mutex_lock (&server->lock);
  verbs = g_strdup (server->verbs->str);
  g_mutex_unlock (&server->lock);
  return verbs;
}

/* The header @name of @data (unfolded), or NULL. */
static inline char *
vp_test_mail_header (const char *data,
                     const char *name)
{
  g_autofree char *prefix = g_strconcat ("\r\n", name, ": ", NULL);
  g_autofree char *head = g_strconcat ("\r\n", data, NULL);
  const char *start = strstr (head, prefix);
  const char *end;
  GString *value;

  if (start == NULL || (strstr (head, "\r\n\r\n") != NULL && start > strstr (head, "\r\n\r\n")))
    return NULL;
  start += strlen (prefix);
  value = g_string_new (NULL);
  for (;;)
    {
      end = strstr (start, "\r\n");
      g_string_append_len (value, start, end - start);
      if (end[2] != ' ' && end[2] != '\t')
        break;
      start = end + 2;
    }
  return g_string_free (value, FALSE);
}

/* Decodes RFC 2047 "=?UTF-8?B?…?=" words separated by folding white space. */
static inline char *
vp_test_mail_decode_words (const char *value)
{
  g_auto(GStrv) words = g_strsplit_set (value, " \t", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize len;

      if (*words[i] == '\0')
        continue;
      len = strlen (words[i]);
      if (g_str_has_prefix (words[i], "=?UTF-8?B?") && g_str_has_suffix (words[i], "?="))
        {
          g_autofree char *b64 = g_strndup (words[i] + 10, len - 12);
          g_autofree char *text = vp_test_smtp_b64 (b64);

          g_assert_cmpuint (len, <=, 75);
          g_string_append (out, text);
        }
      else
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append (out, words[i]);
        }
    }
  return g_string_free (out, FALSE);
}

/* The body decoded by its Content-Transfer-Encoding, line ends back to LF. */
static inline char *
vp_test_mail_body (const char *data)
{
  g_autofree char *encoding = vp_test_mail_header (data, "Content-Transfer-Encoding");
  const char *body = strstr (data, "\r\n\r\n");
  g_autofree char *raw = NULL;

  g_assert_nonnull (body);
  body += 4;
  if (g_strcmp0 (encoding, "base64") == 0)
    {
      g_auto(GStrv) lines = g_strsplit (body, "\r\n", -1);
      g_autofree char *joined = g_strjoinv ("", lines);

      for (guint i = 0; lines[i] != NULL; i++)
        g_assert_cmpuint (strlen (lines[i]), <=, 76);
      raw = vp_test_smtp_b64 (joined);
    }
  else
    raw = g_strdup (body);
  {
    g_auto(GStrv) parts = g_strsplit (raw, "\r\n", -1);
    char *text = g_strjoinv ("\n", parts);
    gsize len = strlen (text);

    /* The message always ends in CRLF; drop that one. */
    if (len > 0 && text[len - 1] == '\n')
      text[len - 1] = '\0';
    return text;
  }
}
