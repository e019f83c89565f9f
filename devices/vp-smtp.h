/* vp-smtp.h: e-mail through an SMTP server (RFC 5321) over GIO sockets
 *
 * One message per connection: greeting 220, EHLO (HELO when EHLO is refused), AUTH
 * PLAIN or LOGIN when a user is given (RFC 4954), MAIL FROM, RCPT TO, DATA with
 * dot-stuffing (RFC 5321 §4.5.2), QUIT. The message is RFC 5322 text in UTF-8: the
 * subject as RFC 2047 encoded-words when it is not ASCII, the body
 * "Content-Type: text/plain; charset=UTF-8" sent 8bit when the server offers
 * 8BITMIME (RFC 6152), else base64; ASCII bodies go 7bit.
 *
 * TLS (VpSmtpConfig.tls): STARTTLS (RFC 3207: EHLO, STARTTLS, handshake, EHLO again)
 * or implicit TLS from the first byte (RFC 8314 §3.3, port 465), over GIO's TLS
 * (GTlsClientConnection; the backend is the Debian package glib-networking, and without
 * it a TLS mode fails with VP_SMTP_ERROR_TLS_UNAVAILABLE before anything is sent). In
 * STARTTLS mode a server that does not offer or refuses STARTTLS is an error
 * (STARTTLS_NOT_OFFERED) after which only QUIT is sent: never a downgrade to clear text.
 * The server's certificate must verify against the system CA database, or only against
 * VpSmtpConfig.ca_file when that is given, with the host name (or IP address) as
 * written in VpSmtpConfig.host as its identity; an untrusted, expired, not yet valid,
 * revoked or mismatched certificate is VP_SMTP_ERROR_CERTIFICATE naming which, and is
 * never accepted. The mode defaults to STARTTLS, except for a host written as
 * "localhost", 127.x.x.x or ::1: a relay on the same computer usually has no
 * certificate for that name, so it defaults to none (vp_smtp_tls_default_for_host()).
 *
 * Without TLS (mode none) a password would cross the wire in clear, so AUTH is refused
 * unless the server is on a loopback address or @allow_plain_auth is set; over TLS AUTH
 * PLAIN/LOGIN needs no such permission.
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
  VP_SMTP_ERROR_TLS_REQUIRED,       /* 530 "must issue STARTTLS": the mode is none */
  VP_SMTP_ERROR_TLS_UNAVAILABLE,    /* no TLS backend in GIO: glib-networking missing */
  VP_SMTP_ERROR_STARTTLS_NOT_OFFERED, /* STARTTLS mode, server without (or refusing) it */
  VP_SMTP_ERROR_CERTIFICATE,        /* the server's certificate did not verify */
  VP_SMTP_ERROR_TLS_FAILED,         /* the TLS handshake failed otherwise (e.g. not TLS) */
} VpSmtpError;

/* How the connection is protected. */
typedef enum
{
  VP_SMTP_TLS_DEFAULT,              /* vp_smtp_tls_default_for_host (host) */
  VP_SMTP_TLS_STARTTLS,             /* RFC 3207; ports 587 and 25 */
  VP_SMTP_TLS_IMPLICIT,             /* RFC 8314 §3.3; port 465 */
  VP_SMTP_TLS_NONE,                 /* clear text, as before TLS was supported */
} VpSmtpTls;

/* TRUE when the same message may go through later: 4xx, timeouts, connection
 * failures. TLS and certificate errors are not: they need a technician. */
gboolean vp_smtp_error_is_transient (const GError *error);

typedef struct
{
  const char *host;
  guint16     port;              /* 25 or 587 (STARTTLS or none), 465 (implicit TLS) */
  const char *helo_name;         /* NULL: "vendpoint" */
  const char *username;          /* NULL: no AUTH */
  const char *password;
  gboolean    allow_plain_auth;  /* AUTH to a non-loopback server in mode none */
  guint       timeout_ms;        /* per reply and per handshake; 0 = 30 s */
  VpSmtpTls   tls;               /* 0 (DEFAULT): see vp_smtp_tls_default_for_host() */
  const char *ca_file;           /* PEM CA certificates trusted instead of the system's;
                                  * NULL or "": the system CA database */
} VpSmtpConfig;

/* STARTTLS, or NONE when @host is written as "localhost" or a loopback address
 * (127.0.0.0/8, ::1): the default mode of a new mail server setting. No lookup. */
VpSmtpTls    vp_smtp_tls_default_for_host (const char  *host);
/* "starttls", "tls" (implicit) or "none" ↔ the mode; FALSE for anything else (DEFAULT
 * has no name: it is decided by the host). */
gboolean     vp_smtp_tls_from_string      (const char  *text,
                                           VpSmtpTls   *out_tls);
const char  *vp_smtp_tls_to_string        (VpSmtpTls    tls);

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

/* Sends one message from @from to @to (bare addresses, no display names), blocking, in
 * the TLS mode of @config: in STARTTLS mode nothing but EHLO/HELO, STARTTLS and QUIT
 * ever goes in clear text. */
gboolean  vp_smtp_send            (const VpSmtpConfig  *config,
                                   const char          *from,
                                   const char          *to,
                                   const char          *subject,
                                   const char          *body,
                                   GCancellable        *cancellable,
                                   GError             **error);

G_END_DECLS
