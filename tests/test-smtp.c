/* test-smtp.c: e-mail through the SMTP client (devices/vp-smtp.c) to a local SMTP
 * server the test runs on 127.0.0.1:0 in a thread */
#include "config.h"

#include <string.h>

#include "vp-device-error.h"
#include "vp-smtp.h"
#include "vp-test-smtp.h"

#define SUBJECT "电费余额不足提醒 — Vendpoint 预付费管理系统通知（账户 10000016，请尽快充值）"
#define BODY    "尊敬的王伟：\n您的账户 10000016 余额为 12.30 元，已低于报警值。\n" \
                ".这一行以句点开头\n.\n请及时充值。\nBalance low."

static VpSmtpConfig
config_for (VpTestSmtp *server)
{
  VpSmtpConfig config = { 0 };

  config.host = "127.0.0.1";
  config.port = server->port;
  config.timeout_ms = 5000;
  return config;
}

static VpTestMail *
only_mail (VpTestSmtp *server)
{
  g_assert_cmpuint (vp_test_smtp_count (server), ==, 1);
  return g_ptr_array_index (server->mails, 0);
}

static void
check_mail (VpTestMail *mail)
{
  g_autofree char *subject = vp_test_mail_header (mail->data, "Subject");
  g_autofree char *decoded = vp_test_mail_decode_words (subject);
  g_autofree char *content_type = vp_test_mail_header (mail->data, "Content-Type");
  g_autofree char *to = vp_test_mail_header (mail->data, "To");
  g_autofree char *date = vp_test_mail_header (mail->data, "Date");
  g_autofree char *body = vp_test_mail_body (mail->data);

  g_assert_true (g_str_has_prefix (mail->mail_from, "<counter@example.com>"));
  g_assert_cmpstr (mail->rcpt_to, ==, "<wang@example.com>");
  g_assert_cmpstr (to, ==, "<wang@example.com>");
  g_assert_nonnull (date);
  g_assert_true (g_str_has_prefix (subject, "=?UTF-8?B?"));
  g_assert_nonnull (strstr (mail->data, "Subject: =?UTF-8?B?"));
  g_assert_cmpstr (decoded, ==, SUBJECT);
  g_assert_cmpstr (content_type, ==, "text/plain; charset=UTF-8");
  g_assert_cmpstr (body, ==, BODY);
  /* Header lines stay within RFC 5322's 78 characters. */
  {
    g_auto(GStrv) lines = g_strsplit (mail->data, "\r\n", -1);

    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      g_assert_cmpuint (strlen (lines[i]), <=, 78);
  }
}

/* Sends SUBJECT/BODY to a server with @settings and checks what it received went with
 * @encoding; returns the server, still running, for more checks. */
static void
send_and_check (VpTestSmtp *server,
                const char *encoding)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *used = NULL;
  VpSmtpConfig config;

  vp_test_smtp_start (server);
  config = config_for (server);
  g_assert_true (vp_smtp_send (&config, "counter@example.com", "wang@example.com",
                               SUBJECT, BODY, NULL, &error));
  g_assert_no_error (error);
  check_mail (only_mail (server));
  used = vp_test_mail_header (only_mail (server)->data, "Content-Transfer-Encoding");
  g_assert_cmpstr (used, ==, encoding);
}

static void
test_smtp_8bit (void)
{
  VpTestSmtp server = { .eight_bit = TRUE };

  send_and_check (&server, "8bit");
  g_assert_true (g_str_has_suffix (only_mail (&server)->mail_from, "BODY=8BITMIME"));
  /* The lines starting with "." were stuffed on the wire (the server undid it). */
  g_assert_nonnull (strstr (only_mail (&server)->data, "\r\n.这一行以句点开头\r\n.\r\n"));
  vp_test_smtp_stop (&server);
}

/* A server without EHLO gets HELO; without 8BITMIME the body goes base64. */
static void
test_smtp_base64_helo (void)
{
  VpTestSmtp server = { .no_ehlo = TRUE };

  send_and_check (&server, "base64");
  vp_test_smtp_stop (&server);
}

static void
test_smtp_auth (void)
{
  static const char *mechanisms[] = { "PLAIN LOGIN", "LOGIN" };

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      VpTestSmtp server = { .auth = mechanisms[i], .user = "counter", .password = "s3cret 密码" };
      g_autoptr(GError) error = NULL;
      VpSmtpConfig config;

      vp_test_smtp_start (&server);
      config = config_for (&server);
      config.username = "counter";
      config.password = "wrong";
      g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com",
                                    SUBJECT, BODY, NULL, &error));
      g_assert_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_AUTH_FAILED);
      g_assert_false (vp_smtp_error_is_transient (error));
      g_assert_nonnull (strstr (error->message, "535"));
      g_clear_error (&error);
      g_assert_cmpuint (vp_test_smtp_count (&server), ==, 0);

      config.password = "s3cret 密码";
      g_assert_true (vp_smtp_send (&config, "counter@example.com", "wang@example.com",
                                   SUBJECT, BODY, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (only_mail (&server)->auth_user, ==, "counter");
      g_assert_cmpstr (only_mail (&server)->auth_pass, ==, "s3cret 密码");
      check_mail (only_mail (&server));
      vp_test_smtp_stop (&server);
    }
}

static void
test_smtp_refusals (void)
{
  VpTestSmtp server = { 0 };
  g_autoptr(GError) error = NULL;
  VpSmtpConfig config;

  vp_test_smtp_start (&server);
  config = config_for (&server);

  vp_test_smtp_set_replies (&server, "550 5.1.1 No such user", NULL);
  g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_RECIPIENT_REJECTED);
  g_assert_nonnull (strstr (error->message, "550 5.1.1 No such user"));
  g_assert_false (vp_smtp_error_is_transient (error));
  g_clear_error (&error);

  vp_test_smtp_set_replies (&server, NULL, "451 4.3.0 Try again later");
  g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_TEMPORARY);
  g_assert_true (vp_smtp_error_is_transient (error));
  g_clear_error (&error);

  vp_test_smtp_set_replies (&server, NULL, "554 5.6.0 Message rejected");
  g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_MESSAGE_REJECTED);
  g_clear_error (&error);

  /* AUTH requested but the server offers none. */
  vp_test_smtp_set_replies (&server, NULL, NULL);
  config.username = "counter";
  config.password = "x";
  g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_error (error, VP_SMTP_ERROR, VP_SMTP_ERROR_AUTH_UNSUPPORTED);
  g_clear_error (&error);
  config.username = NULL;

  g_assert_false (vp_smtp_send (&config, "counter@example.com", "not an address", "s", "b", NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_cmpuint (vp_test_smtp_count (&server), ==, 0);
  g_assert_true (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_no_error (error);
  vp_test_smtp_stop (&server);

  /* Nobody listens any more: a transient connection error. */
  g_assert_false (vp_smtp_send (&config, "counter@example.com", "wang@example.com", "s", "b", NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
  g_assert_true (vp_smtp_error_is_transient (error));
}

static void
test_smtp_format (void)
{
  g_autofree char *ascii = vp_smtp_encode_header ("Balance low");
  g_autofree char *stuffed = vp_smtp_dot_stuff (".a\r\nb\r\n..c\r\n");
  g_autofree char *message = vp_smtp_format_message ("a@b.c", "d@e.f", "hi", "x\n.y", FALSE,
                                                     1767225600, "id@test");

  g_assert_cmpstr (ascii, ==, "Balance low");
  g_assert_cmpstr (stuffed, ==, "..a\r\nb\r\n...c\r\n");
  /* 2026-01-01 00:00:00 UTC was a Thursday. */
  g_assert_cmpstr (message, ==,
                   "Date: Thu, 01 Jan 2026 00:00:00 +0000\r\n"
                   "From: <a@b.c>\r\nTo: <d@e.f>\r\nSubject: hi\r\n"
                   "Message-ID: <id@test>\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: 7bit\r\n\r\nx\r\n.y\r\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/smtp/format", test_smtp_format);
  g_test_add_func ("/vp/smtp/8bit", test_smtp_8bit);
  g_test_add_func ("/vp/smtp/base64-helo", test_smtp_base64_helo);
  g_test_add_func ("/vp/smtp/auth", test_smtp_auth);
  g_test_add_func ("/vp/smtp/refusals", test_smtp_refusals);
  return g_test_run ();
}
