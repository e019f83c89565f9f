/* vp-demo.h: realistic demonstration data
 *
 * Contract:
 * - Fills an empty database (EXISTS when it already holds accounts) with @n_accounts
 *   accounts: Chinese customers (many two-character names), 13x/15x/18x phones, ID
 *   numbers with a valid check digit, sites → buildings → floors → rooms ("3-402"),
 *   a DL/T 645 electricity meter (12-digit address) per account and a CJ/T 188 water
 *   meter (14-digit address) on about a third, two tariffs, counter "01", closed demo
 *   shifts of the actor and a few months of top-ups (with receipts) and charges.
 * - Everything but the timestamps is a function of @seed; times count back from now.
 * - One transaction, prepared statements, the search index built once at the end;
 *   the result passes vp_ledger_verify(). Needs VP_PERM_SETTINGS; audited once.
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef struct
{
  gint64  accounts;
  gint64  meters;
  gint64  rooms;
  gint64  ledger_rows;
  gint64  shifts;
  double  seconds;            /* wall time of the whole generation */
  double  index_seconds;      /* of which the search index build */
} VpDemoStats;

gboolean vp_demo_generate (VpDatabase   *db,
                           VpSession    *actor,
                           gint64        n_accounts,
                           guint32       seed,
                           VpDemoStats  *out_stats,
                           GError      **error);

/* A meter of the demo station: where it is, and what its register shows now. */
typedef struct
{
  char     *address;
  gboolean  water;
  char     *link;
  gint64    reading;            /* last reading, else the install reading; 0.01 units */
} VpDemoMeter;

void       vp_demo_meter_free  (VpDemoMeter  *meter);
GPtrArray *vp_demo_list_meters (VpDatabase   *db,
                                GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpDemoMeter, vp_demo_meter_free)

G_END_DECLS
