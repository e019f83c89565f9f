/* test-diskfull.c: a full disk and a database that became read-only
 *
 * Both make SQLite itself fail, through the same calls the counter uses:
 * - Disk full: PRAGMA max_page_count caps the file at its current size, so the next
 *   page SQLite needs fails with SQLITE_FULL exactly as a full disk does (the tests
 *   run as root in a container with no tiny filesystem to fill). Raising the cap is
 *   "space is back".
 * - Read-only: PRAGMA query_only makes every write fail inside SQLite with
 *   SQLITE_READONLY, the code a read-only file, folder or medium gives. The real causes
 *   are out of reach here: the tests run as root (file modes do not stop root), there
 *   is no read-only mount to use, and a file renamed away while open keeps taking
 *   writes in WAL mode (SQLite checks SQLITE_READONLY_DBMOVED only when it opens a
 *   rollback journal). A file that is read-only at open is refused by
 *   vp_database_open() itself (see model/vp-database.c).
 * Each time: the error is DISK_FULL / READ_ONLY with a message a cashier can act on,
 * the failed top-up left nothing (balance, receipt counter, ledger, audit chain), the
 * same process goes on and works once the cause is gone.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

static gint64
ledger_rows (Fixture *f)
{
  return vp_test_counter_query (f, "SELECT count(*) FROM ledger");
}

static gint64
audit_rows (Fixture *f)
{
  return vp_test_counter_query (f, "SELECT count(*) FROM audit");
}

/* Nothing of the refused top-up is anywhere, and the file still proves itself. */
static void
assert_untouched (Fixture    *f,
                  const char *number,
                  gint64      balance,
                  gint64      rows,
                  gint64      audits)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;

  account = vp_account_get (f->db, f->cashier, number, &error);
  g_assert_no_error (error);
  g_assert_cmpint (account->balance, ==, balance);
  g_assert_cmpint (ledger_rows (f), ==, rows);
  g_assert_cmpint (audit_rows (f), ==, audits);
  g_assert_true (vp_ledger_verify (f->db, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);
}

/* Top-ups until one fails; returns its error. @balance/@rows/@audits: state after the
 * last one that succeeded. */
static GError *
topup_until_failure (Fixture    *f,
                     const char *number,
                     gint64     *balance,
                     gint64     *rows,
                     gint64     *audits)
{
  for (int i = 0; i < 5000; i++)
    {
      g_autoptr(VpLedgerEntry) e = NULL;
      g_autoptr(VpAccount) account = vp_account_get (f->db, f->cashier, number, NULL);
      GError *error = NULL;

      *balance = account->balance;
      *rows = ledger_rows (f);
      *audits = audit_rows (f);
      if (!vp_ledger_topup (f->db, f->cashier, number, 1000,
                            VP_PAYMENT_WECHAT, "a long reference to fill the pages faster "
                            "0123456789012345678901234567890123456789", 0, &e, &error))
        return error;
    }
  g_assert_not_reached ();
}

static void
set_pragma (Fixture    *f,
            const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_database_exec (f->db, sql, &error));
  g_assert_no_error (error);
}

static void
topup_works (Fixture    *f,
             const char *number,
             gint64      balance)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) e = NULL;

  g_assert_true (vp_ledger_topup (f->db, f->cashier, number, 500, VP_PAYMENT_CASH, NULL, 0,
                                  &e, &error));
  g_assert_no_error (error);
  g_assert_cmpint (e->balance_after, ==, balance + 500);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "李娜", NULL);
  g_autofree char *cap = NULL;
  gint64 balance, rows, audits;
  gint64 pages;

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_no_error (error);

  /* The file may not grow: the next page it needs is "no space left". */
  pages = vp_test_counter_query (f, "PRAGMA page_count");
  cap = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  set_pragma (f, cap);
  error = topup_until_failure (f, number, &balance, &rows, &audits);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DISK_FULL);
  g_test_message ("disk full: %s", error->message);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  assert_untouched (f, number, balance, rows, audits);

  /* Still full: refused again, still nothing written, the process is fine. */
  g_clear_error (&error);
  error = topup_until_failure (f, number, &balance, &rows, &audits);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_DISK_FULL);
  assert_untouched (f, number, balance, rows, audits);

  /* Space is back. */
  set_pragma (f, "PRAGMA max_page_count = 1073741823");
  topup_works (f, number, balance);
}

static void
test_read_only_query_only (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = vp_test_counter_open (f, "李娜", NULL);
  gint64 balance, rows, audits;

  g_assert_true (vp_shift_open (f->db, f->cashier, 0, NULL, &error));
  g_assert_no_error (error);

  set_pragma (f, "PRAGMA query_only = 1");
  error = topup_until_failure (f, number, &balance, &rows, &audits);
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_READ_ONLY);
  assert_untouched (f, number, balance, rows, audits);
  /* Settings are writes too. */
  g_clear_error (&error);
  g_assert_false (vp_database_set_setting (f->db, "counter.name", "x", &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_READ_ONLY);

  set_pragma (f, "PRAGMA query_only = 0");
  topup_works (f, number, balance);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/diskfull/disk-full", test_disk_full);
  ADD ("/vp/diskfull/read-only-query-only", test_read_only_query_only);
#undef ADD
  return g_test_run ();
}
