/* vp-test-engine.h: what the engine tests share (tests only) */
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include "vp-engine.h"
#include "vp-test-counter.h"

/* A pid that existed and is gone now (spawned, exited, reaped). */
static inline GPid
vp_test_engine_dead_pid (void)
{
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "true", NULL };
  GPid pid;

  g_assert_true (g_spawn_async (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  while (waitpid (pid, NULL, 0) < 0)
    ;
  return pid;
}

/* Every queued command becomes 'sent' (one attempt) under a lease until @lease_until
 * held by process @pid on this host: what a sender leaves behind when it stops
 * between claiming a command and finishing it. */
static inline void
vp_test_engine_orphan_queued (VpTestCounter *c,
                              GPid           pid,
                              gint64         lease_until)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("UPDATE commands SET state = 'sent', attempts = 1, owner = '%s:%d', "
                         "lease_until = %" G_GINT64_FORMAT " WHERE state = 'queued'",
                         g_get_host_name (), (int) pid, lease_until);
  g_assert_true (vp_database_exec (c->db, sql, &error));
  g_assert_no_error (error);
}

/* A cash top-up at the counter and the engine's follow-up, which must queue
 * @expect_queued close commands. */
static inline void
vp_test_engine_topup (VpTestCounter *c,
                      const char    *number,
                      gint64         amount,
                      guint          expect_queued)
{
  g_autoptr(GError) error = NULL;
  guint queued = 99;

  g_assert_true (vp_ledger_topup (c->db, c->cashier, number, amount, VP_PAYMENT_CASH,
                                  NULL, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_engine_on_topup (c->db, number, &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, expect_queued);
}
