/* vp-modem-sim.c: a TS 27.005 modem in PDU mode on a pty, for tests */
#define _GNU_SOURCE  /* posix_openpt, ptsname_r */
#include "config.h"

#include "vp-modem-sim.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vp-device-error.h"
#include "vp-modem.h"

#define CTRL_Z 0x1A
#define ESC    0x1B

struct _VpModemSim
{
  GMutex      lock;
  GThread    *thread;
  int         master;
  int         slave;
  int         wake[2];
  char       *slave_name;
  /* Modem state (thread only) */
  GString    *input;
  gboolean    echo;
  gboolean    pdu_mode;
  gint        pdu_length;     /* -1 unless waiting for the PDU after AT+CMGS */
  /* Shared, under lock */
  char       *fail_line;
  guint       fail_count;
  guint       fail_skip;
  gboolean    silent;
  GPtrArray  *messages;       /* VpModemSimMessage * */
  GPtrArray  *pending;        /* VpSmsSubmit * parts of unfinished concatenations */
  guint       pdus;
  guint       failed;
};

void
vp_modem_sim_message_free (VpModemSimMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->number);
  g_free (message->text);
  g_free (message);
}

static void
submit_free (gpointer data)
{
  vp_sms_submit_clear (data);
  g_free (data);
}

static void
reply (VpModemSim *sim,
       const char *text)
{
  gsize len = strlen (text);
  gsize done = 0;

  /* The pty is small enough that a blocking-ish retry on EAGAIN is fine. */
  while (done < len)
    {
      gssize n = write (sim->master, text + done, len - done);

      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        {
          struct pollfd pfd = { sim->master, POLLOUT, 0 };

          poll (&pfd, 1, 100);
          continue;
        }
      if (n <= 0)
        return;
      done += (gsize) n;
    }
}

static gint
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const VpSmsSubmit *x = *(VpSmsSubmit * const *) a;
  const VpSmsSubmit *y = *(VpSmsSubmit * const *) b;

  return (gint) x->seq - (gint) y->seq;
}

/* Stores a decoded part; joins a concatenated message once every part is there. */
static void
store_part_locked (VpModemSim  *sim,
                   VpSmsSubmit *part)
{
  g_autoptr(GPtrArray) same = g_ptr_array_new ();
  VpModemSimMessage *message;
  GString *text;

  sim->pdus++;
  if (part->total == 1)
    {
      message = g_new0 (VpModemSimMessage, 1);
      message->number = g_steal_pointer (&part->number);
      message->text = g_steal_pointer (&part->text);
      message->parts = 1;
      message->ucs2 = part->ucs2;
      g_ptr_array_add (sim->messages, message);
      submit_free (part);
      return;
    }
  g_ptr_array_add (sim->pending, part);
  for (guint i = 0; i < sim->pending->len; i++)
    {
      VpSmsSubmit *other = g_ptr_array_index (sim->pending, i);

      if (other->reference == part->reference && g_str_equal (other->number, part->number)
          && other->total == part->total)
        g_ptr_array_add (same, other);
    }
  if (same->len < part->total)
    return;
  g_ptr_array_sort (same, compare_seq);
  text = g_string_new (NULL);
  for (guint i = 0; i < same->len; i++)
    g_string_append (text, ((VpSmsSubmit *) g_ptr_array_index (same, i))->text);
  message = g_new0 (VpModemSimMessage, 1);
  message->number = g_strdup (part->number);
  message->text = g_string_free (text, FALSE);
  message->parts = same->len;
  message->ucs2 = part->ucs2;
  g_ptr_array_add (sim->messages, message);
  for (guint i = 0; i < same->len; i++)
    g_ptr_array_remove (sim->pending, g_ptr_array_index (same, i));
}

static void
handle_pdu (VpModemSim *sim,
            const char *hex)
{
  g_autoptr(GError) error = NULL;
  VpSmsSubmit *part = g_new0 (VpSmsSubmit, 1);
  g_autofree char *fail = NULL;
  g_autofree char *ok = NULL;

  g_mutex_lock (&sim->lock);
  if (sim->fail_count > 0 && sim->fail_skip > 0)
    sim->fail_skip--;
  else if (sim->fail_count > 0)
    {
      sim->fail_count--;
      sim->failed++;
      fail = g_strdup_printf ("\r\n%s\r\n", sim->fail_line);
    }
  g_mutex_unlock (&sim->lock);
  if (fail != NULL)
    {
      submit_free (part);
      reply (sim, fail);
      return;
    }
  /* +CMS ERROR 304: invalid PDU mode parameter (TS 27.005 §3.2.5). */
  if (!vp_sms_decode_submit (hex, part, &error) || (gint) part->tpdu_length != sim->pdu_length)
    {
      submit_free (part);
      reply (sim, "\r\n+CMS ERROR: 304\r\n");
      return;
    }
  g_mutex_lock (&sim->lock);
  ok = g_strdup_printf ("\r\n+CMGS: %u\r\n\r\nOK\r\n", sim->pdus % 256);
  store_part_locked (sim, part);
  g_mutex_unlock (&sim->lock);
  reply (sim, ok);
}

static void
handle_command (VpModemSim *sim,
                const char *line)
{
  g_autofree char *upper = g_ascii_strup (line, -1);
  guint length;
  char *end;

  if (sim->echo)
    {
      reply (sim, line);
      reply (sim, "\r");
    }
  if (g_str_equal (upper, "AT") || g_str_has_prefix (upper, "AT+CMEE="))
    reply (sim, "\r\nOK\r\n");
  else if (g_str_equal (upper, "ATE0") || g_str_equal (upper, "ATE1"))
    {
      sim->echo = upper[3] == '1';
      reply (sim, "\r\nOK\r\n");
    }
  else if (g_str_equal (upper, "AT+CMGF=0") || g_str_equal (upper, "AT+CMGF=1"))
    {
      sim->pdu_mode = upper[8] == '0';
      reply (sim, "\r\nOK\r\n");
    }
  else if (g_str_has_prefix (upper, "AT+CMGS="))
    {
      length = (guint) g_ascii_strtoull (upper + 8, &end, 10);
      if (!sim->pdu_mode || *end != '\0' || length == 0 || length > 164)
        reply (sim, "\r\n+CMS ERROR: 304\r\n");
      else
        {
          sim->pdu_length = (gint) length;
          reply (sim, "\r\n> ");
        }
    }
  else if (*upper != '\0')
    reply (sim, "\r\nERROR\r\n");
}

/* Consumes what is complete in the input: command lines ended by CR, or a PDU ended
 * by Ctrl-Z while one is expected. */
static void
process_input (VpModemSim *sim)
{
  for (;;)
    {
      char *stop;
      gboolean silent;

      g_mutex_lock (&sim->lock);
      silent = sim->silent;
      g_mutex_unlock (&sim->lock);
      if (silent)
        {
          g_string_truncate (sim->input, 0);
          sim->pdu_length = -1;
          return;
        }
      if (sim->pdu_length >= 0)
        {
          gsize i = strcspn (sim->input->str, "\x1A\x1B");
          g_autofree char *hex = NULL;

          if (i == sim->input->len)
            return;
          stop = sim->input->str + i;
          if (*stop == ESC)
            reply (sim, "\r\nOK\r\n");  /* the send was cancelled */
          else
            {
              hex = g_strndup (sim->input->str, i);
              g_strstrip (hex);
              handle_pdu (sim, hex);
            }
          g_string_erase (sim->input, 0, (gssize) i + 1);
          sim->pdu_length = -1;
          continue;
        }
      stop = strpbrk (sim->input->str, "\r\n");
      if (stop == NULL)
        return;
      {
        g_autofree char *line = g_strndup (sim->input->str, stop - sim->input->str);

        g_string_erase (sim->input, 0, stop - sim->input->str + 1);
        g_strstrip (line);
        handle_command (sim, line);
      }
    }
}

static gpointer
serve (gpointer data)
{
  VpModemSim *sim = data;

  for (;;)
    {
      struct pollfd fds[2] = { { sim->master, POLLIN, 0 }, { sim->wake[0], POLLIN, 0 } };
      char buf[512];
      gssize n;

      if (poll (fds, 2, -1) < 0 && errno != EINTR)
        break;
      if (fds[1].revents != 0)
        break;
      if (!(fds[0].revents & POLLIN))
        continue;
      n = read (sim->master, buf, sizeof buf);
      if (n <= 0)
        continue;
      /* NUL bytes are not text: drop them so the line logic stays C strings. */
      for (gssize i = 0; i < n; i++)
        if (buf[i] != '\0')
          g_string_append_c (sim->input, buf[i]);
      process_input (sim);
    }
  return NULL;
}

VpModemSim *
vp_modem_sim_new (GError **error)
{
  VpModemSim *sim = g_new0 (VpModemSim, 1);
  struct termios tio;
  char name[128];

  g_mutex_init (&sim->lock);
  sim->master = -1;
  sim->slave = -1;
  sim->wake[0] = sim->wake[1] = -1;
  sim->echo = TRUE;
  sim->pdu_length = -1;
  sim->input = g_string_new (NULL);
  sim->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_modem_sim_message_free);
  sim->pending = g_ptr_array_new_with_free_func (submit_free);

  sim->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (sim->master < 0 || grantpt (sim->master) != 0 || unlockpt (sim->master) != 0
      || ptsname_r (sim->master, name, sizeof name) != 0
      || (sim->slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0
      || tcgetattr (sim->slave, &tio) != 0)
    goto failed;
  /* Raw before a client opens it, so nothing is echoed or translated by the tty. */
  cfmakeraw (&tio);
  if (tcsetattr (sim->slave, TCSANOW, &tio) != 0
      || !g_unix_open_pipe (sim->wake, FD_CLOEXEC, NULL)
      || !g_unix_set_fd_nonblocking (sim->master, TRUE, NULL))
    goto failed;
  sim->slave_name = g_strdup (name);
  sim->thread = g_thread_new ("vp-modem-sim", serve, sim);
  return sim;

failed:
  g_set_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED,
               _("Cannot create the modem simulator's pseudo-terminal: %s"), g_strerror (errno));
  vp_modem_sim_free (sim);
  return NULL;
}

void
vp_modem_sim_free (VpModemSim *sim)
{
  if (sim == NULL)
    return;
  if (sim->thread != NULL)
    {
      char c = 'q';

      if (write (sim->wake[1], &c, 1) != 1)
        g_assert_not_reached ();
      g_thread_join (sim->thread);
    }
  for (int i = 0; i < 2; i++)
    if (sim->wake[i] >= 0)
      close (sim->wake[i]);
  if (sim->slave >= 0)
    close (sim->slave);
  if (sim->master >= 0)
    close (sim->master);
  g_free (sim->slave_name);
  g_free (sim->fail_line);
  g_string_free (sim->input, TRUE);
  g_ptr_array_unref (sim->messages);
  g_ptr_array_unref (sim->pending);
  g_mutex_clear (&sim->lock);
  g_free (sim);
}

char *
vp_modem_sim_get_uri (VpModemSim *sim)
{
  g_return_val_if_fail (sim != NULL, NULL);

  return g_strdup_printf ("serial:%s?baud=115200&parity=none", sim->slave_name);
}

void
vp_modem_sim_fail_sends (VpModemSim *sim,
                         const char *final_line,
                         guint       count)
{
  vp_modem_sim_fail_sends_after (sim, final_line, 0, count);
}

void
vp_modem_sim_fail_sends_after (VpModemSim *sim,
                               const char *final_line,
                               guint       skip,
                               guint       count)
{
  g_return_if_fail (sim != NULL);
  g_return_if_fail (final_line != NULL);

  g_mutex_lock (&sim->lock);
  g_free (sim->fail_line);
  sim->fail_line = g_strdup (final_line);
  sim->fail_count = count;
  sim->fail_skip = skip;
  g_mutex_unlock (&sim->lock);
}

void
vp_modem_sim_set_silent (VpModemSim *sim,
                         gboolean    silent)
{
  g_return_if_fail (sim != NULL);

  g_mutex_lock (&sim->lock);
  sim->silent = silent;
  g_mutex_unlock (&sim->lock);
}

GPtrArray *
vp_modem_sim_get_messages (VpModemSim *sim)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_modem_sim_message_free);

  g_return_val_if_fail (sim != NULL, copy);

  g_mutex_lock (&sim->lock);
  for (guint i = 0; i < sim->messages->len; i++)
    {
      const VpModemSimMessage *m = g_ptr_array_index (sim->messages, i);
      VpModemSimMessage *c = g_new0 (VpModemSimMessage, 1);

      c->number = g_strdup (m->number);
      c->text = g_strdup (m->text);
      c->parts = m->parts;
      c->ucs2 = m->ucs2;
      g_ptr_array_add (copy, c);
    }
  g_mutex_unlock (&sim->lock);
  return copy;
}

/* A counter read under the lock. */
static guint
read_counter (VpModemSim  *sim,
              const guint *counter)
{
  guint n;

  g_mutex_lock (&sim->lock);
  n = *counter;
  g_mutex_unlock (&sim->lock);
  return n;
}

guint
vp_modem_sim_get_pdu_count (VpModemSim *sim)
{
  g_return_val_if_fail (sim != NULL, 0);

  return read_counter (sim, &sim->pdus);
}

guint
vp_modem_sim_get_failed_count (VpModemSim *sim)
{
  g_return_val_if_fail (sim != NULL, 0);

  return read_counter (sim, &sim->failed);
}
