/* vp-notify-devices.c: SMS through vp-modem and e-mail through vp-smtp for vp-notify */
#include "config.h"

#include "vp-notify-devices.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-modem.h"

struct _VpNotifyDevices
{
  VpNotifySender  sender;
  char           *sms_link;
  VpModem        *modem;
  guint           command_ms;
  guint           send_ms;
  gboolean        partial;        /* the last SMS failed after some parts went out */
  gboolean        has_smtp;
  VpSmtpConfig    smtp;
  char           *host;
  char           *helo_name;
  char           *username;
  char           *password;
  char           *ca_file;
  char           *from;
};

static gboolean
send_sms (gpointer     user_data,
          const char  *number,
          const char  *text,
          GError     **error)
{
  VpNotifyDevices *self = user_data;
  guint parts = 0;

  if (self->modem == NULL)
    {
      self->modem = vp_modem_open (self->sms_link, NULL, error);
      if (self->modem == NULL)
        return FALSE;
      if (self->command_ms != 0)
        vp_modem_set_timeouts (self->modem, self->command_ms, self->send_ms);
    }
  self->partial = FALSE;
  if (vp_modem_send_sms (self->modem, number, text, &parts, NULL, error))
    return TRUE;
  /* Sending it again would repeat the parts the phone already has: at most once wins,
   * so the failure is final (vp-notify.h) and says so. */
  if (parts > 0)
    {
      self->partial = TRUE;
      g_prefix_error (error, g_dngettext (GETTEXT_PACKAGE,
                                          "%u part already sent, not retried: ",
                                          "%u parts already sent, not retried: ", parts),
                      parts);
    }
  /* After a timeout or a broken link the modem's state is unknown: start afresh. */
  if ((*error)->domain != VP_MODEM_ERROR)
    g_clear_pointer (&self->modem, vp_modem_free);
  return FALSE;
}

static gboolean
send_email (gpointer     user_data,
            const char  *to,
            const char  *subject,
            const char  *body,
            GError     **error)
{
  VpNotifyDevices *self = user_data;

  return vp_smtp_send (&self->smtp, self->from, to, subject, body, NULL, error);
}

static gboolean
is_transient (gpointer      user_data,
              const GError *error)
{
  VpNotifyDevices *self = user_data;

  if (self->partial)
    return FALSE;
  if (error->domain == VP_SMTP_ERROR)
    return vp_smtp_error_is_transient (error);
  return vp_modem_error_is_transient (error) || vp_smtp_error_is_transient (error);
}

VpNotifyDevices *
vp_notify_devices_new (const char          *sms_link,
                       const VpSmtpConfig  *smtp,
                       const char          *from)
{
  VpNotifyDevices *self = g_new0 (VpNotifyDevices, 1);

  self->sms_link = g_strdup (sms_link);
  self->sender.send_sms = sms_link != NULL ? send_sms : NULL;
  self->sender.is_transient = is_transient;
  if (smtp != NULL && from != NULL)
    {
      self->has_smtp = TRUE;
      self->smtp = *smtp;
      self->host = g_strdup (smtp->host);
      self->helo_name = g_strdup (smtp->helo_name);
      self->username = g_strdup (smtp->username);
      self->password = g_strdup (smtp->password);
      self->ca_file = g_strdup (smtp->ca_file);
      self->smtp.host = self->host;
      self->smtp.helo_name = self->helo_name;
      self->smtp.username = self->username;
      self->smtp.password = self->password;
      self->smtp.ca_file = self->ca_file;
      self->from = g_strdup (from);
      self->sender.send_email = send_email;
    }
  return self;
}

void
vp_notify_devices_free (VpNotifyDevices *self)
{
  if (self == NULL)
    return;
  vp_modem_free (self->modem);
  g_free (self->sms_link);
  g_free (self->host);
  g_free (self->helo_name);
  g_free (self->username);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  g_free (self->ca_file);
  g_free (self->from);
  g_free (self);
}

const VpNotifySender *
vp_notify_devices_sender (VpNotifyDevices *self)
{
  return &self->sender;
}

void
vp_notify_devices_set_modem_timeouts (VpNotifyDevices *self,
                                      guint            command_ms,
                                      guint            send_ms)
{
  self->command_ms = command_ms;
  self->send_ms = send_ms;
  if (self->modem != NULL)
    vp_modem_set_timeouts (self->modem, command_ms, send_ms);
}
