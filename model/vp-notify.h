/* vp-notify.h: delivering the notification outbox (SMS and e-mail)
 *
 * Contract:
 * - The engine and the postpaid bills write messages into the outbox (0003); this unit
 *   delivers them through a VpNotifySender the caller supplies (app/ implements it with
 *   the modem and SMTP clients of devices/; model/ never sees a device). A message gets
 *   one delivery per channel (migration 0009): SMS to the customer's phone (the Chinese
 *   text), and, when the setting "notify.email_to" holds an address, an e-mail copy to
 *   that mailbox (subject and both texts).
 * - Nothing is sent twice. Each attempt first marks its delivery 'sending' and COMMITS,
 *   then sends, then records 'sent' (or the failure). If the process dies after sending
 *   and before recording, the row stays 'sending'; a later run that finds it so after
 *   the lease (VpNotifyOptions.lease_seconds) marks it 'uncertain' and does NOT send it
 *   again: the customer may or may not have it, and a second alarm SMS is worse than a
 *   missing one that an operator sees in `vpctl notify list` and may release with
 *   vp_notify_release(). This is the chosen trade-off, documented here.
 * - Failures are visible (state, attempts, last_error) and retried with exponential
 *   back-off (base × 2^(attempts−1), at most 6 hours) while the sender says the error is
 *   transient and attempts < "notify.max_attempts" (default 8); otherwise 'abandoned'.
 * - A sender that may have delivered part of a message (a long SMS whose later part
 *   failed) must call that failure not transient: it is abandoned, not re-sent.
 * - A channel the sender does not offer (NULL function) leaves its deliveries pending,
 *   without counting an attempt.
 * - When every delivery of a message is sent, the outbox row gets sent_at.
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

#define VP_NOTIFY_EMAIL_TO_KEY      "notify.email_to"
#define VP_NOTIFY_MAX_ATTEMPTS_KEY  "notify.max_attempts"
#define VP_NOTIFY_MAX_ATTEMPTS_DEFAULT 8
/* The channels `vpctl service --jobs` delivers through (app/vpctl-engine.c); empty or
 * unset = that channel is off. The SMTP log-in is sealed apart (vp-secret.h). */
#define VP_NOTIFY_SMS_LINK_KEY      "notify.sms_link"     /* the modem's link URI */
#define VP_NOTIFY_SMTP_SERVER_KEY   "notify.smtp_server"  /* HOST:PORT */
#define VP_NOTIFY_FROM_KEY          "notify.from"         /* sender address of e-mails */
/* "starttls", "tls" or "none" (devices/vp-smtp.h); empty or unset = none, which is how
 * mail servers stored before TLS was supported keep working. `vpctl notify config`
 * stores the default for a new server (starttls; none for localhost/127.x/::1). */
#define VP_NOTIFY_SMTP_TLS_KEY      "notify.smtp_tls"
#define VP_NOTIFY_SMTP_CA_FILE_KEY  "notify.smtp_ca_file" /* PEM; empty = the system CAs */

/* How messages leave the station (implemented in app/vp-notify-devices.c). Every
 * function may be NULL: that channel is not available. Called on the caller's thread. */
typedef struct
{
  gboolean (*send_sms)     (gpointer       user_data,
                            const char    *number,
                            const char    *text,
                            GError       **error);
  gboolean (*send_email)   (gpointer       user_data,
                            const char    *to,
                            const char    *subject,
                            const char    *body,
                            GError       **error);
  /* TRUE when the same message may go through later. NULL: every error is. */
  gboolean (*is_transient) (gpointer       user_data,
                            const GError  *error);
} VpNotifySender;

typedef struct
{
  gint64  now;              /* unix seconds; 0 = the real clock */
  guint   base_delay;       /* seconds before the first retry; 0 = 60 */
  guint   lease_seconds;    /* a 'sending' row older than this is uncertain; 0 = 600 */
  guint   limit;            /* at most this many attempts in the run; 0 = no limit */
} VpNotifyOptions;

typedef struct
{
  guint planned;     /* deliveries created for new outbox messages */
  guint sent;
  guint failed;      /* failed, to be retried */
  guint abandoned;
  guint uncertain;   /* found 'sending' past the lease */
} VpNotifyRun;

typedef struct
{
  gint64  id;
  gint64  outbox_id;
  char   *account;      /* account number */
  char   *channel;      /* "sms" or "email" */
  char   *recipient;
  char   *state;
  gint64  attempts;
  gint64  next_attempt_at;
  char   *last_error;
  char   *created_at;
  char   *sent_at;
  char   *text;         /* the Chinese text */
} VpDelivery;

void        vp_delivery_free      (VpDelivery             *delivery);

/* Plans deliveries for new outbox messages, marks stale 'sending' rows uncertain, then
 * sends every due delivery (pending, or failed with next_attempt_at <= now), oldest
 * first. FALSE only for a database failure; delivery failures are recorded, counted in
 * @out_run and not errors. @options, @out_run: (optional). */
gboolean    vp_notify_run         (VpDatabase             *db,
                                   const VpNotifySender   *sender,
                                   gpointer                user_data,
                                   const VpNotifyOptions  *options,
                                   VpNotifyRun            *out_run,
                                   GError                **error);

/* Deliveries, newest first, at most @limit (<= 0: all); @state NULL for every state.
 * VP_PERM_ACCOUNT_VIEW. */
GPtrArray  *vp_notify_list        (VpDatabase             *db,
                                   VpSession              *actor,
                                   const char             *state,
                                   gint64                  limit,
                                   GError                **error);

/* An operator's decision to send an 'uncertain' or 'abandoned' delivery once more:
 * back to pending, attempts kept, audited. VP_PERM_SETTINGS. INVALID_ARGUMENT for any
 * other state, NOT_FOUND for an unknown id. */
gboolean    vp_notify_release     (VpDatabase             *db,
                                   VpSession              *actor,
                                   gint64                  delivery_id,
                                   GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpDelivery, vp_delivery_free)

G_END_DECLS
