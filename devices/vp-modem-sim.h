/* vp-modem-sim.h: a GSM modem simulator on a pseudo-terminal, for tests and demos
 *
 * Answers like a TS 27.005 modem in PDU mode: AT, ATE0/ATE1 (echo is ON at start, as on
 * real modems), AT+CMEE=n, AT+CMGF=0|1, AT+CMGS=<length> with the "> " prompt, then the
 * hex PDU ended by Ctrl-Z (ESC cancels). Each PDU is decoded back (vp_sms_decode_submit)
 * and checked against <length>; the parts of a concatenated message are joined when
 * the last one arrives. Anything else answers ERROR.
 *
 * Faults: the next N sends answer a given final line instead of +CMGS ("+CMS ERROR: 500",
 * "+CMS ERROR: 38", "ERROR"), or the modem stops answering at all.
 *
 * Thread-safety: every function may be called from any thread while it runs.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _VpModemSim VpModemSim;

/* A message as the network got it. */
typedef struct
{
  char  *number;
  char  *text;     /* parts joined */
  guint  parts;
  gboolean ucs2;
} VpModemSimMessage;

void         vp_modem_sim_message_free  (VpModemSimMessage *message);

/* Creates the pty and starts serving on a thread of its own. */
VpModemSim  *vp_modem_sim_new           (GError           **error);
/* Stops the thread, closes the pty, frees. NULL is allowed. */
void         vp_modem_sim_free          (VpModemSim        *sim);
/* "serial:/dev/pts/N?baud=115200&parity=none" for vp_modem_open(). */
char        *vp_modem_sim_get_uri       (VpModemSim        *sim);

/* The next @count AT+CMGS (after the PDU) answer @final_line instead of success. */
void         vp_modem_sim_fail_sends    (VpModemSim        *sim,
                                         const char        *final_line,
                                         guint              count);
/* As vp_modem_sim_fail_sends(), after @skip more sends succeed first (to fail part 2
 * of a long message). */
void         vp_modem_sim_fail_sends_after (VpModemSim     *sim,
                                         const char        *final_line,
                                         guint              skip,
                                         guint              count);
/* TRUE: read everything, answer nothing (a modem that hung or lost power). */
void         vp_modem_sim_set_silent    (VpModemSim        *sim,
                                         gboolean           silent);

/* Complete messages received so far, in order (copies; VpModemSimMessage *). */
GPtrArray   *vp_modem_sim_get_messages  (VpModemSim        *sim);
/* PDUs accepted with +CMGS (parts, not messages), and PDUs that got a failure. */
guint        vp_modem_sim_get_pdu_count (VpModemSim        *sim);
guint        vp_modem_sim_get_failed_count (VpModemSim     *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpModemSim, vp_modem_sim_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpModemSimMessage, vp_modem_sim_message_free)

G_END_DECLS
