/* vp-smtp.h: e-mail through an SMTP server (RFC 5321) over GIO sockets
 *
 * One message per connection: greeting 220, EHLO (HELO when EHLO is refused), AUTH
 * PLAIN or LOGIN when a user is given (RFC 4954), MAIL FROM, RCPT TO, DATA with
 * dot-stuffing (RFC 5321 §4.5.2), QUIT. The message is RFC 5322 text in UTF-8: the
 * subject as RFC 2047 encoded-words when it is not ASCII, the body
 * "Content-Type: text/plain; charset=UTF-8" sent 8bit when the server offers
 * 8BITMIME (RFC 6152), else base64; ASCII bodies go 7bit.
 *
 * TLS is NOT supported (no STARTTLS, no implicit TLS): use a relay on the same host or
 * a trusted network. Because a password would cross the wire in clear, AUTH is refused
 * unless the server is on a loopback address or @allow_plain_auth is set.
 *
 * Every failing reply is a VP_SMTP_ERROR naming the step and quoting the server.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VP_SMTP_ERROR (vp_smtp_error_quark ())
GQuark vp_smtp_error_quark (void);

typedef enum
{
  VP_SMTP_ERROR_PROTOCOL,           /* a reply that is not SMTP, or an unexpected code */
  VP_SMTP_ERROR_TEMPORARY,          /* 4xx: try again later (RFC 5321 §4.2.1) */
  VP_SMTP_ERROR_AUTH_FAILED,        /* 535 and other 5xx to AUTH */
  VP_SMTP_ERROR_AUTH_UNSUPPORTED,   /* no PLAIN/LOGIN offered, or plain text not allowed */
  VP_SMTP_ERROR_SENDER_REJECTED,    /* 5xx to MAIL FROM */
  VP_SMTP_ERROR_RECIPIENT_REJECTED, /* 5xx to RCPT TO */
  VP_SMTP_ERROR_MESSAGE_REJECTED,   /* 5xx to DATA or to the message */
  VP_SMTP_ERROR_TLS_REQUIRED,       /* 530 "must issue STARTTLS": not supported here */
} VpSmtpError;

/* TRUE when the same message may go through later: 4xx, timeouts, connection
 * failures. */
gboolean vp_smtp_error_is_transient (const GError *error);

typedef struct
{
  const char *host;
  guint16     port;              /* 25 or 587 */
  const char *helo_name;         /* NULL: "vendpoint" */
  const char *username;          /* NULL: no AUTH */
  const char *password;
  gboolean    allow_plain_auth;  /* AUTH to a non-loopback server without TLS */
  guint       timeout_ms;        /* per reply; 0 = 30 s */
} VpSmtpConfig;

/* The RFC 5322 message (CRLF lines, not yet dot-stuffed). @eight_bit: the body may
 * go 8bit. @date_unix and @message_id pin the Date and Message-ID headers (tests). */
char     *vp_smtp_format_message  (const char          *from,
                                   const char          *to,
                                   const char          *subject,
                                   const char          *body,
                                   gboolean             eight_bit,
                                   gint64               date_unix,
                                   const char          *message_id);
/* "=?UTF-8?B?…?=" words (each at most 75 characters) folded with CRLF SPACE, or
 * @text itself when it is printable ASCII. */
char     *vp_smtp_encode_header   (const char          *text);
/* Lines starting with "." get another "." (RFC 5321 §4.5.2). */
char     *vp_smtp_dot_stuff       (const char          *message);

/* Sends one message from @from to @to (bare addresses, no display names). */
gboolean  vp_smtp_send            (const VpSmtpConfig  *config,
                                   const char          *from,
                                   const char          *to,
                                   const char          *subject,
                                   const char          *body,
                                   GCancellable        *cancellable,
                                   GError             **error);

G_END_DECLS
