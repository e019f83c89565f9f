/* test-smtp-tls.c: e-mail over STARTTLS and implicit TLS (devices/vp-smtp.c) to the
 * local SMTP server of vp-test-smtp.h speaking TLS with the certificates of
 * tests/data/smtp-tls/ (made once by make-certs.sh there) */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "vp-device-error.h"
#include "vp-smtp.h"
#include "vp-test-smtp.h"

#define SUBJECT "电费余额不足提醒 — 账户 10000016"
#define BODY    "尊敬的王伟：\n您的账户 10000016 余额为 12.30 元。\n.句点开头的一行\nBalance low."

static char *
data_file (const char *name)
{
  const char *source = g_getenv ("VP_SOURCE_DIR");

  g_assert_nonnull (source);
  return g_build_filename (source, "tests", "data", "smtp-tls", name, NULL);
}

/* Starts @server presenting the certificate @name ("server", "other", "expired"), or
 * none (plain SMTP, no STARTTLS) when @name is NULL. */
static void
start_server (VpTestSmtp *server,
              const char *name)
{
  if (name != NULL)
    {
      g_autofree char *pem = g_strconcat (name, ".pem", NULL);
      g_autofree char *key = g_strconcat (name, ".key", NULL);
      g_autofree char *pem_path = data_file (pem);
      g_autofree char *key_path = data_file (key);
      g_autoptr(GError) error = NULL;

      server->certificate = g_tls_certificate_new_from_files (pem_path, key_path, &error);
      g_assert_no_error (error);
    }
  vp_test_smtp_start (server);
}

static void
stop_server (VpTestSmtp *server)
{
  vp_test_smtp_stop (server);
  g_clear_object (&server->certificate);
}

/* Sends SUBJECT/BODY to @server at @host in @tls mode, trusting the test CA when
 * @trust_test_ca, logging in when the server offers AUTH. */
static gboolean
send_to (VpTestSmtp  *server,
         const char  *host,
         VpSmtpTls    tls,
         gboolean     trust_test_ca,
         GError     **error)
{
  g_autofree char *ca_file = data_file ("ca.pem");
  VpSmtpConfig config = { 0 };

  config.host = host;
  config.port = server->port;
  config.timeout_ms = 5000;
  config.tls = tls;
  config.ca_file = trust_test_ca ? ca_file : NULL;
  if (server->auth != NULL)
    {
      config.username = "counter";
      config.password = "s3cret 密码";
    }
  return vp_smtp_send (&config, "counter@example.com", "wang@example.com", SUBJECT, BODY, NULL, error);
}

static void
assert_verbs (VpTestSmtp *server,
              const char *expected)
{
  g_autofree char *verbs = vp_test_smtp_verbs (server);

  g_assert_cmpstr (verbs, ==, expected);
}

/* The one message @server received came over TLS (when @tls), logged in, intact. */
static void
assert_delivered (VpTestSmtp *server,
                  guint       index,
                  gboolean    tls)
{
  VpTestMail *mail;
  g_autofree char *subject = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *body = NULL;

  g_assert_cmpuint (vp_test_smtp_count (server), ==, index + 1);
  mail = g_ptr_array_index (server->mails, index);
  subject = vp_test_mail_header (mail->data, "Subject");
  decoded = vp_test_mail_decode_words (subject);
  body = vp_test_mail_body (mail->data);
  g_assert_cmpint (mail->tls, ==, tls);
  g_assert_cmpstr (mail->rcpt_to, ==, "<wang@example.com>");
  g_assert_cmpstr (decoded, ==, SUBJECT);
  g_assert_cmpstr (body, ==, BODY);
  if (server->auth != NULL)
    {
      g_assert_cmpstr (mail->auth_user, ==, "counter");
      g_assert_cmpstr (mail->auth_pass, ==, "s3cret 密码");
    }
}

/* The error is @code and its message holds @needle; the server got no log-in, no
 * message. */
static void
assert_refused (VpTestSmtp   *server,
                const GError *error,
                gint          code,
                const char   *needle)
{
  g_assert_error (error, VP_SMTP_ERROR, code);
  g_assert_false (vp_smtp_error_is_transient (error));
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” not in “%s”", needle, error->message);
  g_assert_cmpuint (vp_test_smtp_count (server), ==, 0);
}

static void
test_tls_modes (void)
{
  VpSmtpTls tls = VP_SMTP_TLS_DEFAULT;

  g_assert_cmpint (vp_smtp_tls_default_for_host ("localhost"), ==, VP_SMTP_TLS_NONE);
  g_assert_cmpint (vp_smtp_tls_default_for_host ("127.0.0.1"), ==, VP_SMTP_TLS_NONE);
  g_assert_cmpint (vp_smtp_tls_default_for_host ("127.1.2.3"), ==, VP_SMTP_TLS_NONE);
  g_assert_cmpint (vp_smtp_tls_default_for_host ("::1"), ==, VP_SMTP_TLS_NONE);
  g_assert_cmpint (vp_smtp_tls_default_for_host ("smtp.163.com"), ==, VP_SMTP_TLS_STARTTLS);
  g_assert_cmpint (vp_smtp_tls_default_for_host ("192.168.1.10"), ==, VP_SMTP_TLS_STARTTLS);
  g_assert_cmpint (vp_smtp_tls_default_for_host ("localhost.example.com"), ==, VP_SMTP_TLS_STARTTLS);
  for (VpSmtpTls i = VP_SMTP_TLS_STARTTLS; i <= VP_SMTP_TLS_NONE; i++)
    {
      g_assert_true (vp_smtp_tls_from_string (vp_smtp_tls_to_string (i), &tls));
      g_assert_cmpint (tls, ==, i);
    }
  g_assert_true (vp_smtp_tls_from_string ("STARTTLS", &tls));
  g_assert_cmpint (tls, ==, VP_SMTP_TLS_STARTTLS);
  g_assert_true (vp_smtp_tls_from_string ("tls", &tls));
  g_assert_cmpint (tls, ==, VP_SMTP_TLS_IMPLICIT);
  g_assert_false (vp_smtp_tls_from_string ("ssl", &tls));
  g_assert_false (vp_smtp_tls_from_string ("", &tls));
  g_assert_false (vp_smtp_tls_from_string (NULL, &tls));
  g_assert_cmpint (tls, ==, VP_SMTP_TLS_IMPLICIT);
}

/* STARTTLS with a log-in, by IP address and by name (the certificate holds both). */
static void
test_tls_starttls (void)
{
  VpTestSmtp server = { .auth = "PLAIN LOGIN", .user = "counter", .password = "s3cret 密码",
                        .eight_bit = TRUE };
  g_autoptr(GError) error = NULL;

  start_server (&server, "server");
  g_assert_true (send_to (&server, "127.0.0.1", VP_SMTP_TLS_STARTTLS, TRUE, &error));
  g_assert_no_error (error);
  assert_delivered (&server, 0, TRUE);
  /* The second EHLO is over TLS; the log-in and the message only after it. */
  assert_verbs (&server, "EHLO STARTTLS EHLO AUTH MAIL RCPT DATA QUIT");
  g_assert_true (send_to (&server, "localhost", VP_SMTP_TLS_STARTTLS, TRUE, &error));
  g_assert_no_error (error);
  assert_delivered (&server, 1, TRUE);
  stop_server (&server);

  /* AUTH LOGIN over STARTTLS too. */
  server = (VpTestSmtp) { .auth = "LOGIN", .user = "counter", .password = "s3cret 密码" };
  start_server (&server, "server");
  g_assert_true (send_to (&server, "127.0.0.1", VP_SMTP_TLS_STARTTLS, TRUE, &error));
  g_assert_no_error (error);
  assert_delivered (&server, 0, TRUE);
  stop_server (&server);
}

static void
test_tls_implicit (void)
{
  VpTestSmtp server = { .auth = "PLAIN", .user = "counter", .password = "s3cret 密码",
                        .implicit_tls = TRUE };
  g_autoptr(GError) error = NULL;

  start_server (&server, "server");
  g_assert_true (send_to (&server, "127.0.0.1", VP_SMTP_TLS_IMPLICIT, TRUE, &error));
  g_assert_no_error (error);
  assert_delivered (&server, 0, TRUE);
  assert_verbs (&server, "EHLO AUTH MAIL RCPT DATA QUIT");
  stop_server (&server);

  /* Implicit TLS to a server that greets in clear text: the port or the mode is wrong. */
  server = (VpTestSmtp) { 0 };
  start_server (&server, NULL);
  g_assert_false (send_to (&server, "127.0.0.1", VP_SMTP_TLS_IMPLICIT, TRUE, &error));
  assert_refused (&server, error, VP_SMTP_ERROR_TLS_FAILED, "check the port and the TLS mode");
  /* The server saw the TLS hello as a garbage line, and no SMTP command. */
  {
    g_autofree char *verbs = vp_test_smtp_verbs (&server);

    g_assert_null (strstr (verbs, "EHLO"));
  }
  stop_server (&server);
}

/* STARTTLS mode never falls back to clear text: with EHLO and with HELO only. */
static void
test_tls_no_starttls (void)
{
  for (guint helo = 0; helo < 2; helo++)
    {
      VpTestSmtp server = { .auth = "PLAIN LOGIN", .user = "counter", .password = "s3cret 密码",
                            .no_ehlo = helo };
      g_autoptr(GError) error = NULL;

      start_server (&server, NULL);
      g_assert_false (send_to (&server, "127.0.0.1", VP_SMTP_TLS_STARTTLS, TRUE, &error));
      assert_refused (&server, error, VP_SMTP_ERROR_STARTTLS_NOT_OFFERED, "does not offer STARTTLS");
      assert_verbs (&server, helo ? "EHLO HELO QUIT" : "EHLO QUIT");
      stop_server (&server);
    }
}

/* A certificate from an unknown CA, for another name, or expired: refused, saying
 * which, before any log-in or message. */
static void
test_tls_bad_certificate (void)
{
  static const struct
  {
    const char *certificate;
    gboolean    trust_test_ca;
    VpSmtpTls   tls;
    const char *needle;
  } cases[] = {
    { "server", FALSE, VP_SMTP_TLS_STARTTLS, "not signed by a trusted certificate authority" },
    { "server", FALSE, VP_SMTP_TLS_IMPLICIT, "not signed by a trusted certificate authority" },
    { "other", TRUE, VP_SMTP_TLS_STARTTLS, "not issued for the name “127.0.0.1”" },
    { "other", TRUE, VP_SMTP_TLS_IMPLICIT, "“O=Vendpoint,CN=mail.example.com”, issued by “O=Vendpoint,CN=Vendpoint Test CA”" },
    { "expired", TRUE, VP_SMTP_TLS_STARTTLS, "expired on 2001-01-01" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VpTestSmtp server = { .auth = "PLAIN", .user = "counter", .password = "s3cret 密码",
                            .implicit_tls = cases[i].tls == VP_SMTP_TLS_IMPLICIT };
      g_autoptr(GError) error = NULL;

      start_server (&server, cases[i].certificate);
      g_assert_false (send_to (&server, "127.0.0.1", cases[i].tls, cases[i].trust_test_ca, &error));
      assert_refused (&server, error, VP_SMTP_ERROR_CERTIFICATE, cases[i].needle);
      g_test_message ("%s: %s", cases[i].certificate, error->message);
      assert_verbs (&server, cases[i].tls == VP_SMTP_TLS_STARTTLS ? "EHLO STARTTLS" : "");
      stop_server (&server);
    }
}

/* Mode none, and the default for a loopback host, are plain SMTP as before. */
static void
test_tls_none (void)
{
  VpTestSmtp server = { .auth = "PLAIN", .user = "counter", .password = "s3cret 密码" };
  g_autoptr(GError) error = NULL;

  start_server (&server, "server");
  g_assert_true (send_to (&server, "127.0.0.1", VP_SMTP_TLS_NONE, TRUE, &error));
  g_assert_no_error (error);
  assert_delivered (&server, 0, FALSE);
  g_assert_true (send_to (&server, "127.0.0.1", VP_SMTP_TLS_DEFAULT, FALSE, &error));
  g_assert_no_error (error);
  assert_delivered (&server, 1, FALSE);
  assert_verbs (&server, "EHLO AUTH MAIL RCPT DATA QUIT EHLO AUTH MAIL RCPT DATA QUIT");
  /* A server that wants TLS says so (RFC 3207 §4), and the error says what to choose. */
  vp_test_smtp_set_replies (&server, "530 5.7.0 Must issue a STARTTLS command first", NULL);
  g_assert_false (send_to (&server, "127.0.0.1", VP_SMTP_TLS_NONE, TRUE, &error));
  g_assert_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_TLS_REQUIRED);
  g_assert_nonnull (strstr (error->message, "choose TLS mode starttls"));
  stop_server (&server);
}

static void
test_tls_bad_ca_file (void)
{
  VpTestSmtp server = { 0 };
  g_autoptr(GError) error = NULL;
  VpSmtpConfig config = { .host = "127.0.0.1", .tls = VP_SMTP_TLS_STARTTLS, .timeout_ms = 5000,
                          .ca_file = "/nonexistent/ca.pem" };

  start_server (&server, "server");
  config.port = server.port;
  g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
  stop_server (&server);
  g_assert_cmpuint (server.connections, ==, 0);
}

/* Without GIO's TLS backend (no modules: GIO_MODULE_DIR is an empty directory in the
 * subprocess) a TLS mode fails before connecting and names the missing package. */
static void
test_tls_no_backend (void)
{
  if (g_test_subprocess ())
    {
      VpTestSmtp server = { 0 };
      g_autoptr(GError) error = NULL;

      g_assert_false (g_tls_backend_supports_tls (g_tls_backend_get_default ()));
      start_server (&server, NULL);
      g_assert_false (send_to (&server, "127.0.0.1", VP_SMTP_TLS_STARTTLS, FALSE, &error));
      assert_refused (&server, error, VP_SMTP_ERROR_TLS_UNAVAILABLE, "glib-networking");
      stop_server (&server);
      g_assert_cmpuint (server.connections, ==, 0);
      g_clear_error (&error);
      /* Mode none needs no backend. */
      server = (VpTestSmtp) { 0 };
      start_server (&server, NULL);
      g_assert_true (send_to (&server, "127.0.0.1", VP_SMTP_TLS_NONE, FALSE, &error));
      g_assert_no_error (error);
      stop_server (&server);
      return;
    }
  {
    g_autofree char *empty = g_dir_make_tmp ("vp-no-gio-modules-XXXXXX", NULL);

    g_assert_nonnull (empty);
    g_setenv ("GIO_MODULE_DIR", empty, TRUE);
    g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
    g_unsetenv ("GIO_MODULE_DIR");
    g_rmdir (empty);
    g_test_trap_assert_passed ();
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/smtp-tls/modes", test_tls_modes);
  g_test_add_func ("/vp/smtp-tls/starttls", test_tls_starttls);
  g_test_add_func ("/vp/smtp-tls/implicit", test_tls_implicit);
  g_test_add_func ("/vp/smtp-tls/no-starttls", test_tls_no_starttls);
  g_test_add_func ("/vp/smtp-tls/bad-certificate", test_tls_bad_certificate);
  g_test_add_func ("/vp/smtp-tls/none", test_tls_none);
  g_test_add_func ("/vp/smtp-tls/bad-ca-file", test_tls_bad_ca_file);
  g_test_add_func ("/vp/smtp-tls/no-backend", test_tls_no_backend);
  return g_test_run ();
}
