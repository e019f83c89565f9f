/* vp-notify-devices.h: the outbox's VpNotifySender (model/vp-notify.h) over the modem
 * (devices/vp-modem.h) and SMTP (devices/vp-smtp.h) clients */
#pragma once

#include "vp-notify.h"
#include "vp-smtp.h"

G_BEGIN_DECLS

typedef struct _VpNotifyDevices VpNotifyDevices;

/* @sms_link: the modem's link URI, NULL for no SMS. @smtp: NULL for no e-mail, else
 * copied (strings too); @from the sender address for e-mail. The modem is opened on the
 * first SMS and kept; a failed link is reopened on the next message. */
VpNotifyDevices      *vp_notify_devices_new     (const char          *sms_link,
                                                 const VpSmtpConfig  *smtp,
                                                 const char          *from);
void                  vp_notify_devices_free    (VpNotifyDevices     *self);
/* The sender for vp_notify_run() with @self as its user data. */
const VpNotifySender *vp_notify_devices_sender  (VpNotifyDevices     *self);
/* Timeouts of the modem (tests use short ones); see vp_modem_set_timeouts(). */
void                  vp_notify_devices_set_modem_timeouts (VpNotifyDevices *self,
                                                            guint            command_ms,
                                                            guint            send_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpNotifyDevices, vp_notify_devices_free)

G_END_DECLS
