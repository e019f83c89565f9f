/* test-notify.c: the outbox delivered end to end (model/vp-notify.c through
 * app/vp-notify-devices.c): SMS to the modem simulator on a pty, e-mail to an SMTP
 * server on 127.0.0.1:0; failures, back-off, abandon, a sender killed after sending
 * (uncertain, never re-sent by itself), nothing sent twice */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "vp-modem-sim.h"
#include "vp-notify-devices.h"
#include "vp-notify.h"
#include "vp-settings.h"
#include "vp-test-counter.h"
#include "vp-test-smtp.h"

#define T0 1767225600   /* 2026-01-01T00:00:00Z */
#define TEXT_ZH "【Vendpoint】尊敬的王伟，您的电费余额为 12.30 元，已低于报警值 50.00 元，请及时充值。"
#define TEXT_EN "[Vendpoint] Dear customer, your balance is 12.30 yuan, below the alarm level of 50.00."

typedef struct
{
  VpTestCounter    counter;
  VpModemSim      *sim;
  VpTestSmtp       smtp;
  VpNotifyDevices *devices;
  char            *account;
} Fixture;

/* One outbox message for @account as the engine writes it (0003 outbox). */
static void
add_message (Fixture    *f,
             const char *phone,
             const char *zh)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  char *phone_sql = phone != NULL ? sqlite3_mprintf ("%Q", phone) : sqlite3_mprintf ("NULL");
  char *zh_sql = sqlite3_mprintf ("%Q", zh);

  sql = g_strdup_printf ("INSERT INTO outbox (account_id, recipient, text_zh, text_en, created_at) "
                         "SELECT id, %s, %s, '" TEXT_EN "', '2026-01-01T00:00:00.000000Z' "
                         "FROM accounts WHERE number = '%s'", phone_sql, zh_sql, f->account);
  sqlite3_free (phone_sql);
  sqlite3_free (zh_sql);
  g_assert_true (vp_database_exec (f->counter.db, sql, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  VpSmtpConfig smtp = { 0 };

  vp_test_counter_setup (&f->counter, NULL);
  f->account = vp_test_counter_open (&f->counter, "王伟", "3-402");
  f->sim = vp_modem_sim_new (&error);
  g_assert_no_error (error);
  f->smtp.eight_bit = TRUE;
  vp_test_smtp_start (&f->smtp);
  uri = vp_modem_sim_get_uri (f->sim);
  smtp.host = "127.0.0.1";
  smtp.port = f->smtp.port;
  smtp.timeout_ms = 5000;
  f->devices = vp_notify_devices_new (uri, &smtp, "counter@example.com");
  vp_notify_devices_set_modem_timeouts (f->devices, 2000, 2000);
  g_assert_true (vp_database_set_setting (f->counter.db, VP_NOTIFY_EMAIL_TO_KEY, "office@example.com", &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->devices, vp_notify_devices_free);
  vp_test_smtp_stop (&f->smtp);
  g_clear_pointer (&f->sim, vp_modem_sim_free);
  g_free (f->account);
  vp_test_counter_teardown (&f->counter, NULL);
}

static VpNotifyRun
run_at (Fixture *f,
        gint64   now)
{
  g_autoptr(GError) error = NULL;
  VpNotifyOptions options = { .now = now };
  VpNotifyRun run = { 0 };

  g_assert_true (vp_notify_run (f->counter.db, vp_notify_devices_sender (f->devices), f->devices,
                                &options, &run, &error));
  g_assert_no_error (error);
  return run;
}

static guint
sms_count (Fixture *f)
{
  g_autoptr(GPtrArray) messages = vp_modem_sim_get_messages (f->sim);

  return messages->len;
}

/* The delivery of @channel (newest message), as listed for an operator. */
static VpDelivery *
delivery (Fixture    *f,
          const char *channel)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = vp_notify_list (f->counter.db, f->counter.admin, NULL, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      VpDelivery *d = g_ptr_array_index (list, i);

      if (g_str_equal (d->channel, channel))
        return g_ptr_array_steal_index (list, i);
    }
  g_assert_not_reached ();
}

static void
test_notify_deliver (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *body = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *decoded = NULL;
  VpModemSimMessage *sms;
  VpNotifyRun run;

  add_message (f, "13800138000", TEXT_ZH);
  add_message (f, "+8613900139000", "余额不足");
  add_message (f, NULL, "没有电话");
  run = run_at (f, T0);
  g_assert_cmpuint (run.planned, ==, 6);
  g_assert_cmpuint (run.sent, ==, 5);
  g_assert_cmpuint (run.failed + run.abandoned + run.uncertain, ==, 0);

  messages = vp_modem_sim_get_messages (f->sim);
  g_assert_cmpuint (messages->len, ==, 2);
  sms = g_ptr_array_index (messages, 0);
  g_assert_cmpstr (sms->number, ==, "13800138000");
  g_assert_cmpstr (sms->text, ==, TEXT_ZH);
  g_assert_cmpuint (sms->parts, ==, 1);
  sms = g_ptr_array_index (messages, 1);
  g_assert_cmpstr (sms->number, ==, "+8613900139000");
  g_assert_cmpstr (sms->text, ==, "余额不足");

  g_assert_cmpuint (vp_test_smtp_count (&f->smtp), ==, 3);
  body = vp_test_mail_body (((VpTestMail *) g_ptr_array_index (f->smtp.mails, 0))->data);
  g_assert_cmpstr (body, ==, TEXT_ZH "\n\n" TEXT_EN);
  subject = vp_test_mail_header (((VpTestMail *) g_ptr_array_index (f->smtp.mails, 0))->data, "Subject");
  decoded = vp_test_mail_decode_words (subject);
  g_assert_nonnull (strstr (decoded, f->account));
  g_assert_cmpstr (((VpTestMail *) g_ptr_array_index (f->smtp.mails, 0))->rcpt_to, ==, "<office@example.com>");

  /* The message without a phone: SMS skipped (visible), e-mail sent, so it is done. */
  g_assert_cmpint (vp_test_counter_query (&f->counter, "SELECT count(*) FROM deliveries WHERE state = 'skipped' "
                                          "AND last_error = 'no phone number'"), ==, 1);
  g_assert_cmpint (vp_test_counter_query (&f->counter, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), ==, 0);

  /* Nothing is sent twice, whatever the clock says. */
  run = run_at (f, T0 + 86400);
  g_assert_cmpuint (run.planned + run.sent, ==, 0);
  g_assert_cmpuint (sms_count (f), ==, 2);
  g_assert_cmpuint (vp_test_smtp_count (&f->smtp), ==, 3);
}

static void
test_notify_retry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(VpDelivery) sms = NULL;
  g_autoptr(VpDelivery) mail = NULL;
  VpNotifyRun run;

  add_message (f, "13800138000", TEXT_ZH);
  vp_modem_sim_fail_sends (f->sim, "+CMS ERROR: 38", 1);
  vp_test_smtp_set_replies (&f->smtp, NULL, "451 4.3.0 Mailbox busy, try later");
  run = run_at (f, T0);
  g_assert_cmpuint (run.failed, ==, 2);
  g_assert_cmpuint (run.sent, ==, 0);

  sms = delivery (f, "sms");
  g_assert_cmpstr (sms->state, ==, "failed");
  g_assert_cmpint (sms->attempts, ==, 1);
  g_assert_cmpint (sms->next_attempt_at, ==, T0 + 60);
  g_assert_nonnull (strstr (sms->last_error, "+CMS ERROR: 38"));
  mail = delivery (f, "email");
  g_assert_cmpstr (mail->state, ==, "failed");
  g_assert_nonnull (strstr (mail->last_error, "451"));
  g_assert_cmpint (vp_test_counter_query (&f->counter, "SELECT attempts FROM outbox"), ==, 2);

  /* Not due yet: nothing is tried. */
  vp_test_smtp_set_replies (&f->smtp, NULL, NULL);
  run = run_at (f, T0 + 59);
  g_assert_cmpuint (run.sent + run.failed, ==, 0);

  /* The second attempt fails again (e-mail), so the delay doubles: 120 s. */
  vp_test_smtp_set_replies (&f->smtp, NULL, "451 4.3.0 Mailbox busy, try later");
  run = run_at (f, T0 + 60);
  g_assert_cmpuint (run.sent, ==, 1);
  g_assert_cmpuint (run.failed, ==, 1);
  g_clear_pointer (&mail, vp_delivery_free);
  mail = delivery (f, "email");
  g_assert_cmpint (mail->attempts, ==, 2);
  g_assert_cmpint (mail->next_attempt_at, ==, T0 + 60 + 120);

  vp_test_smtp_set_replies (&f->smtp, NULL, NULL);
  run = run_at (f, T0 + 180);
  g_assert_cmpuint (run.sent, ==, 1);
  g_assert_cmpuint (sms_count (f), ==, 1);
  g_assert_cmpuint (vp_test_smtp_count (&f->smtp), ==, 1);
  g_assert_cmpint (vp_test_counter_query (&f->counter, "SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL"), ==, 1);
}

static void
test_notify_abandon (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDelivery) sms = NULL;
  VpNotifyRun run;

  /* A refused number is not retried. */
  g_assert_true (vp_database_set_setting (f->counter.db, VP_NOTIFY_EMAIL_TO_KEY, "", &error));
  add_message (f, "13800138000", TEXT_ZH);
  vp_modem_sim_fail_sends (f->sim, "+CMS ERROR: 21", 1);
  run = run_at (f, T0);
  g_assert_cmpuint (run.abandoned, ==, 1);
  run = run_at (f, T0 + 100000);
  g_assert_cmpuint (run.sent + run.failed + run.abandoned, ==, 0);
  sms = delivery (f, "sms");
  g_assert_cmpstr (sms->state, ==, "abandoned");

  /* A transient error, but only two attempts allowed. */
  g_assert_true (vp_database_set_setting (f->counter.db, VP_NOTIFY_MAX_ATTEMPTS_KEY, "2", &error));
  add_message (f, "13800138000", "第二条");
  vp_modem_sim_fail_sends (f->sim, "+CMS ERROR: 500", 5);
  run = run_at (f, T0 + 200000);
  g_assert_cmpuint (run.failed, ==, 1);
  run = run_at (f, T0 + 200060);
  g_assert_cmpuint (run.abandoned, ==, 1);
  g_assert_cmpuint (sms_count (f), ==, 0);

  /* An operator releases the first one; a cashier may not. */
  g_assert_false (vp_notify_release (f->counter.db, f->counter.cashier, sms->id, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  vp_modem_sim_fail_sends (f->sim, "+CMS ERROR: 500", 0);
  g_assert_true (vp_notify_release (f->counter.db, f->counter.admin, sms->id, &error));
  g_assert_no_error (error);
  g_assert_false (vp_notify_release (f->counter.db, f->counter.admin, sms->id, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  run = run_at (f, T0 + 300000);
  g_assert_cmpuint (run.sent, ==, 1);
  g_assert_cmpuint (sms_count (f), ==, 1);
  g_assert_cmpint (vp_test_counter_query (&f->counter, "SELECT count(*) FROM audit WHERE action = 'notify.release'"), ==, 1);
}

/* A long SMS whose second part fails is not sent again (the first part reached the
 * phone): abandoned with the reason, visible. */
static void
test_notify_partial (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(VpDelivery) sms = NULL;
  VpNotifyRun run;

  g_assert_true (vp_database_set_setting (f->counter.db, VP_NOTIFY_EMAIL_TO_KEY, "", &error));
  for (guint i = 0; i < 100; i++)
    g_string_append (text, "电");
  add_message (f, "13800138000", text->str);
  vp_modem_sim_fail_sends_after (f->sim, "+CMS ERROR: 42", 1, 1);
  run = run_at (f, T0);
  g_assert_cmpuint (run.abandoned, ==, 1);
  run = run_at (f, T0 + 100000);
  g_assert_cmpuint (run.sent + run.failed + run.abandoned, ==, 0);
  g_assert_cmpuint (vp_modem_sim_get_pdu_count (f->sim), ==, 1);
  sms = delivery (f, "sms");
  g_assert_cmpstr (sms->state, ==, "abandoned");
  g_assert_nonnull (strstr (sms->last_error, "1 part already sent"));
}

/* The child: sends through the real devices, then dies before recording. */
static gboolean
send_then_die (gpointer     user_data,
               const char  *number,
               const char  *text,
               GError     **error)
{
  VpNotifyDevices *devices = user_data;

  if (!vp_notify_devices_sender (devices)->send_sms (devices, number, text, error))
    return FALSE;
  _exit (0);
}

static void
test_notify_crash_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(VpNotifyDevices) devices = NULL;
  VpNotifySender sender = { 0 };

  if (!g_test_subprocess ())
    return;
  db = vp_database_open (g_getenv ("VP_TEST_NOTIFY_DB"), &error);
  g_assert_no_error (error);
  devices = vp_notify_devices_new (g_getenv ("VP_TEST_NOTIFY_SMS"), NULL, NULL);
  sender.send_sms = send_then_die;
  g_assert_true (vp_notify_run (db, &sender, devices, NULL, NULL, &error));
  g_assert_not_reached ();
}

static void
test_notify_crash (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDelivery) sms = NULL;
  g_autofree char *uri = vp_modem_sim_get_uri (f->sim);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  VpNotifyRun run;

  g_assert_true (vp_database_set_setting (f->counter.db, VP_NOTIFY_EMAIL_TO_KEY, "", &error));
  add_message (f, "13800138000", TEXT_ZH);
  g_setenv ("VP_TEST_NOTIFY_DB", vp_database_get_path (f->counter.db), TRUE);
  g_setenv ("VP_TEST_NOTIFY_SMS", uri, TRUE);
  g_test_trap_subprocess ("/vp/notify/crash-child", 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  /* The SMS went out; the record says 'sending'. */
  g_assert_cmpuint (sms_count (f), ==, 1);
  sms = delivery (f, "sms");
  g_assert_cmpstr (sms->state, ==, "sending");

  /* Within the lease another run leaves it alone (it may still be in flight)… */
  run = run_at (f, now);
  g_assert_cmpuint (run.sent + run.uncertain, ==, 0);
  /* …after it, it is uncertain and still not sent again. */
  run = run_at (f, now + 601);
  g_assert_cmpuint (run.uncertain, ==, 1);
  g_assert_cmpuint (run.sent, ==, 0);
  run = run_at (f, now + 100000);
  g_assert_cmpuint (run.sent, ==, 0);
  g_assert_cmpuint (sms_count (f), ==, 1);
  g_clear_pointer (&sms, vp_delivery_free);
  sms = delivery (f, "sms");
  g_assert_cmpstr (sms->state, ==, "uncertain");
  g_assert_nonnull (sms->last_error);
}

/* vpctl notify send / list / release against the same simulator and server. */
static char *
vpctl (Fixture    *f,
       int        *out_status,
       const char *first,
       ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  va_list ap;

  g_ptr_array_add (args, (char *) g_getenv ("VPCTL"));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  env = g_environ_setenv (env, "VP_DB", vp_database_get_path (f->counter.db), TRUE);
  env = g_environ_setenv (env, "VP_OPERATOR", "root", TRUE);
  env = g_environ_setenv (env, "VP_PASSWORD", VP_TEST_PASSWORD, TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, out_status, &error));
  g_assert_no_error (error);
  return out;
}

static void
test_notify_vpctl (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *uri = vp_modem_sim_get_uri (f->sim);
  g_autofree char *smtp = g_strdup_printf ("127.0.0.1:%u", f->smtp.port);
  g_autofree char *out = NULL;
  g_autofree char *list = NULL;
  g_autofree char *again = NULL;
  int status = -1;

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set (run through meson test)");
      return;
    }
  add_message (f, "13800138000", TEXT_ZH);
  vp_modem_sim_fail_sends (f->sim, "+CMS ERROR: 42", 1);
  out = vpctl (f, &status, "--json", "notify", "send", "--sms-link", uri, "--smtp", smtp,
               "--from", "counter@example.com", NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL) == FALSE);
  g_assert_nonnull (strstr (out, "\"sent\":1"));
  g_assert_nonnull (strstr (out, "\"failed\":1"));
  list = vpctl (f, &status, "--json", "notify", "list", "--state", "failed", NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (list, "+CMS ERROR: 42"));
  g_assert_nonnull (strstr (list, "\"channel\":\"sms\""));

  /* Not due yet for the real clock: nothing goes out twice. */
  again = vpctl (f, &status, "notify", "send", "--sms-link", uri, NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpuint (sms_count (f), ==, 0);
  g_assert_cmpuint (vp_test_smtp_count (&f->smtp), ==, 1);
}

/* The stored TLS mode of the mail server. */
static char *
stored_tls (Fixture *f)
{
  return vp_settings_get (f->counter.db, VP_NOTIFY_SMTP_TLS_KEY);
}

/* vpctl notify send over implicit TLS with the test CA (tests/data/smtp-tls), refused
 * without it; vpctl notify config stores the mode (a new server gets its host's
 * default) and the registry takes only the three modes. */
static void
test_notify_vpctl_tls (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (g_getenv ("VP_SOURCE_DIR"), "tests", "data", "smtp-tls", NULL);
  g_autofree char *ca_file = g_build_filename (dir, "ca.pem", NULL);
  g_autofree char *cert_file = g_build_filename (dir, "server.pem", NULL);
  g_autofree char *key_file = g_build_filename (dir, "server.key", NULL);
  g_autofree char *smtp = NULL;
  g_autofree char *tls = NULL;
  g_autoptr(GError) error = NULL;
  VpTestSmtp server = { .implicit_tls = TRUE };
  int status = -1;

  if (g_getenv ("VPCTL") == NULL)
    {
      g_test_skip ("VPCTL is not set (run through meson test)");
      return;
    }
  server.certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  vp_test_smtp_start (&server);
  smtp = g_strdup_printf ("127.0.0.1:%u", server.port);
  add_message (f, NULL, TEXT_ZH);
  {
    g_autofree char *bad = vpctl (f, &status, "notify", "send", "--smtp", smtp, "--from",
                                  "counter@example.com", "--tls", "ssl", NULL);

    g_assert_false (g_spawn_check_wait_status (status, NULL));
  }
  {
    g_autofree char *refused = vpctl (f, &status, "--json", "notify", "send", "--smtp", smtp, "--from",
                                      "counter@example.com", "--tls", "tls", NULL);
    g_autofree char *list = vpctl (f, &status, "--json", "notify", "list", NULL);

    g_assert_nonnull (strstr (refused, "\"sent\":0"));
    g_assert_nonnull (strstr (list, "not signed by a trusted certificate authority"));
  }
  g_assert_cmpuint (vp_test_smtp_count (&server), ==, 0);
  {
    g_autofree char *out = NULL;
    g_autoptr(VpDelivery) email = delivery (f, "email");
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, email->id);

    /* A certificate problem waits for a technician, not for a retry. */
    g_assert_cmpstr (email->state, ==, "abandoned");
    g_free (vpctl (f, &status, "notify", "release", id, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    out = vpctl (f, &status, "--json", "notify", "send", "--smtp", smtp, "--from",
                 "counter@example.com", "--tls", "tls", "--ca-file", ca_file, NULL);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "\"sent\":1"));
  }
  g_assert_cmpuint (vp_test_smtp_count (&server), ==, 1);
  g_assert_true (((VpTestMail *) g_ptr_array_index (server.mails, 0))->tls);
  vp_test_smtp_stop (&server);
  g_clear_object (&server.certificate);

  /* Stored settings: a remote server gets starttls, a local relay none. */
  g_free (vpctl (f, &status, "notify", "config", "--smtp-server", "smtp.example.com:587", NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  tls = stored_tls (f);
  g_assert_cmpstr (tls, ==, "starttls");
  g_free (vpctl (f, &status, "notify", "config", "--smtp-server", "127.0.0.1:25", NULL));
  g_clear_pointer (&tls, g_free);
  tls = stored_tls (f);
  g_assert_cmpstr (tls, ==, "none");
  g_free (vpctl (f, &status, "notify", "config", "--tls", "TLS", "--ca-file", "/no/such.pem", NULL));
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_free (vpctl (f, &status, "notify", "config", "--tls", "TLS", NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_clear_pointer (&tls, g_free);
  tls = stored_tls (f);
  g_assert_cmpstr (tls, ==, "tls");
  g_assert_false (vp_settings_set (f->counter.db, f->counter.admin, VP_NOTIFY_SMTP_TLS_KEY, "ssl", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_settings_set (f->counter.db, f->counter.admin, VP_NOTIFY_SMTP_TLS_KEY, " StartTLS ", &error));
  g_assert_no_error (error);
  g_clear_pointer (&tls, g_free);
  tls = stored_tls (f);
  g_assert_cmpstr (tls, ==, "starttls");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/vp/notify/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("deliver", test_notify_deliver);
  ADD ("retry", test_notify_retry);
  ADD ("abandon", test_notify_abandon);
  ADD ("partial", test_notify_partial);
  ADD ("crash", test_notify_crash);
  ADD ("vpctl", test_notify_vpctl);
  ADD ("vpctl-tls", test_notify_vpctl_tls);
#undef ADD
  g_test_add_func ("/vp/notify/crash-child", test_notify_crash_child);
  return g_test_run ();
}
