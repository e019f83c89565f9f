/* vp-apportion.h: common-area apportionment (公摊)
 *
 * Contract:
 * - A group is a master meter (on any account, e.g. the landlord's) and member
 *   accounts. Each period (a calendar month, local time) the consumption to share is
 *   the master's, or the master's minus the members' own meters of the same kind
 *   ("master-minus-subs"; a negative difference is refused, not shared). Consumption
 *   is the sum of the charged readings the engine stored with a station time in the
 *   period.
 * - The money is consumption × the group's price, rounded half up to the fen, shared
 *   by fixed ratio, room area, or each member's consumption in the period. Shares are
 *   whole fen by the largest remainder method (ties to the earlier member), so they
 *   add up to the total exactly.
 * - A run is one transaction: the run, every share, the ledger fee rows ("deduct") or
 *   the bills ("bill"), and an audit row. A group is run once per period (EXISTS).
 */
#pragma once

#include "vp-postpaid.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_APPORTION_BASIS_MASTER,              /* the master's consumption */
  VP_APPORTION_BASIS_MASTER_MINUS_SUBS,   /* master − the members' own meters */
} VpApportionBasis;

typedef enum
{
  VP_APPORTION_BY_RATIO,
  VP_APPORTION_BY_AREA,
  VP_APPORTION_BY_CONSUMPTION,
} VpApportionMethod;

typedef struct
{
  char    *account;
  char    *name;
  gint64   weight;          /* ratio, area (0.01 m²) or consumption (0.01 units) */
  gint64   share;           /* fen */
  char    *reference;       /* fee receipt or bill number; NULL for a zero share */
} VpApportionShare;

typedef struct
{
  char      *group;
  char      *period;        /* YYYY-MM */
  gint64     master_use;    /* 0.01 units */
  gint64     subs_use;
  gint64     shared_use;
  gint64     total;         /* fen */
  GPtrArray *shares;        /* VpApportionShare *, member order */
} VpApportionRun;

const char *vp_apportion_basis_to_string    (VpApportionBasis    basis);
gboolean    vp_apportion_basis_from_string  (const char         *text,
                                             VpApportionBasis   *out_basis);
const char *vp_apportion_method_to_string   (VpApportionMethod   method);
gboolean    vp_apportion_method_from_string (const char         *text,
                                             VpApportionMethod  *out_method);

/* Splits @total fen (>= 0) into @n shares proportional to @weights (each >= 0) by the
 * largest remainder method: every share is floor(total × w / Σw), and the fen left
 * over go one each to the largest remainders, ties to the lower index. The shares add
 * up to @total exactly. INVALID_ARGUMENT for a negative total or weight, no members,
 * or all weights zero while @total > 0 (nothing to share by); all zero shares when
 * @total is 0. */
gboolean    vp_apportion_split              (gint64              total,
                                             const gint64       *weights,
                                             gsize               n,
                                             gint64             *out_shares,
                                             GError            **error);

/* @quantity (0.01 units or 0.01 m², >= 0) × @price (0.0001 yuan per unit, >= 0) in
 * fen, rounded half up (the exact product is in 0.0001 fen). INVALID_AMOUNT when it
 * does not fit in 64 bits. */
gboolean    vp_price_times_quantity         (gint64              quantity,
                                             gint64              price,
                                             gint64             *out_fen,
                                             GError            **error);

/* For model/ only, under the caller's lock: the consumption (0.01 units) charged on
 * the meters of @account_id (of @kind "electricity"/"water", NULL for any; except
 * @skip_meter_id) with station times in [@from, @to). */
gboolean    vp_site_account_use_locked      (VpDatabase         *db,
                                             gint64              account_id,
                                             const char         *kind,
                                             gint64              skip_meter_id,
                                             gint64              from,
                                             gint64              to,
                                             gint64             *out_use,
                                             GError            **error);
/* For model/ only: the index of @text in @names, -1 when absent. */
int         vp_site_enum_lookup             (const char *const  *names,
                                             guint               n_names,
                                             const char         *text);
/* For model/ only: defines PREFIX_to_string() and PREFIX_from_string() of an enum
 * whose values index the string array @names. */
#define VP_SITE_DEFINE_ENUM_STRINGS(Type, prefix, names) \
  const char * \
  prefix##_to_string (Type value) \
  { \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (names), NULL); \
    return names[value]; \
  } \
  gboolean \
  prefix##_from_string (const char *text, \
                        Type       *out_value) \
  { \
    int value = vp_site_enum_lookup (names, G_N_ELEMENTS (names), text); \
    g_return_val_if_fail (out_value != NULL, FALSE); \
    if (value < 0) \
      return FALSE; \
    *out_value = (Type) value; \
    return TRUE; \
  }
/* "YYYY-MM" → local midnight of its first day and of the next month's (Unix seconds)
 * and the dates as "YYYY-MM-DD". INVALID_ARGUMENT for anything else. */
gboolean    vp_site_month_range             (const char         *period,
                                             gint64             *out_from,
                                             gint64             *out_to,
                                             char              **out_first_day,
                                             char              **out_next_first_day,
                                             GError            **error);

/* For model/ only: "YYYY-MM-DD" → @out_date (INVALID_ARGUMENT for anything else, or
 * a day that does not exist); the date as text; its local midnight in Unix seconds. */
gboolean    vp_site_parse_date              (const char         *text,
                                             GDate              *out_date,
                                             GError            **error);
char       *vp_site_date_text               (const GDate        *date);
gint64      vp_site_date_midnight           (const GDate        *date);

/* Creates group @name over the active meter at @master_address. ACCOUNT_MANAGE;
 * audited. @price: 0.0001 yuan per unit. EXISTS for a name taken. */
gboolean    vp_apportion_add                (VpDatabase         *db,
                                             VpSession          *actor,
                                             const char         *name,
                                             const char         *master_address,
                                             VpApportionBasis    basis,
                                             VpApportionMethod   method,
                                             VpChargeMode        charge,
                                             gint64              price,
                                             GError            **error);
/* Adds @account to group @name (or sets its @ratio, >= 0, when already there). The
 * master meter's own account cannot be a member. ACCOUNT_MANAGE; audited. */
gboolean    vp_apportion_add_member         (VpDatabase         *db,
                                             VpSession          *actor,
                                             const char         *name,
                                             const char         *account,
                                             gint64              ratio,
                                             GError            **error);
/* Runs group @name for @period ("YYYY-MM"), see the contract. ACCOUNT_MANAGE.
 * @out_run: (optional) the split as stored. */
gboolean    vp_apportion_run                (VpDatabase         *db,
                                             VpSession          *actor,
                                             const char         *name,
                                             const char         *period,
                                             VpApportionRun    **out_run,
                                             GError            **error);
/* The stored split of group @name for @period; NOT_FOUND when it was not run.
 * ACCOUNT_VIEW. */
VpApportionRun *vp_apportion_show           (VpDatabase         *db,
                                             VpSession          *actor,
                                             const char         *name,
                                             const char         *period,
                                             GError            **error);

void        vp_apportion_run_free           (VpApportionRun     *run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpApportionRun, vp_apportion_run_free)

G_END_DECLS
