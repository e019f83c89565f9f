/* vp-tariff.h: what a reading interval costs
 *
 * Pure computation, no storage: given a tariff (its effective-dated versions), two
 * consecutive readings of one meter and what the meter already charged, say how much
 * to charge and why, line by line.
 *
 * Units (never floating point):
 * - energy and volume: gint64 in 0.01 kWh / 0.01 m³ (the meter's own register unit);
 * - prices: gint64 in 0.0001 yuan per kWh or m³;
 * - an exact amount is price × energy, so it is in 0.000001 yuan ("micro-yuan",
 *   10 000 per fen); money charged is gint64 fen.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Register modulus: a DL/T 645 energy register wraps after 999999.99
 * (XXXXXX.XX, 4 BCD bytes; /work/shared/PROTOCOLS.md, DL/T 645-2007 Appendix A). */
#define VP_TARIFF_REGISTER_MODULUS  G_GINT64_CONSTANT (100000000)
#define VP_TARIFF_MICRO_PER_FEN     10000
#define VP_TARIFF_MAX_TIERS         8
/* Highest price the parser accepts: 9999.9999 yuan per unit. */
#define VP_TARIFF_PRICE_MAX         G_GINT64_CONSTANT (99999999)

typedef enum
{
  VP_UTILITY_ELECTRICITY,
  VP_UTILITY_WATER,
} VpUtility;

typedef enum
{
  VP_TARIFF_FLAT,        /* one price per unit */
  VP_TARIFF_TOU,         /* four rates on T1..T4 (尖 峰 平 谷) */
  VP_TARIFF_TIERED,      /* 阶梯: a price per tier of the billing cycle's consumption */
  VP_TARIFF_TOU_TIERED,  /* TOU rates plus a per-tier surcharge */
} VpTariffScheme;

typedef enum
{
  VP_BILLING_CYCLE_MONTHLY,
  VP_BILLING_CYCLE_YEARLY,
} VpBillingCycle;

/* TOU rate indexes, in the order of the meter's tariff registers T1..T4
 * (DL/T 645-2007: 费率1 尖, 费率2 峰, 费率3 平, 费率4 谷). */
typedef enum
{
  VP_RATE_SHARP,
  VP_RATE_PEAK,
  VP_RATE_FLAT,
  VP_RATE_VALLEY,
  VP_N_RATES
} VpRate;

/* One effective-dated version of a tariff. */
typedef struct
{
  gint64          id;                 /* storage id, 0 when not stored */
  guint           version;            /* 1, 2, … within the tariff */
  gint64          effective_from;     /* Unix seconds; in force until the next version */
  VpTariffScheme  scheme;
  gint64          rates[VP_N_RATES];  /* FLAT: rates[0]; TOU: sharp, peak, flat, valley */
  guint           n_tiers;            /* TIERED / TOU_TIERED: 1..VP_TARIFF_MAX_TIERS */
  /* tier_limits[i] is the cycle consumption where tier i ends (0.01 units), for
   * i < n_tiers - 1; the last tier has no end. Strictly increasing. */
  gint64          tier_limits[VP_TARIFF_MAX_TIERS];
  /* TIERED: price of each tier; TOU_TIERED: surcharge of each tier. */
  gint64          tier_prices[VP_TARIFF_MAX_TIERS];
  VpBillingCycle  cycle;
  guint           cycle_start_month;  /* 1..12, yearly cycles only */
  guint           cycle_start_day;    /* 1..28 */
} VpTariffVersion;

typedef struct _VpTariff VpTariff;

/* A meter reading as the tariff needs it. */
typedef struct
{
  gint64    time;                     /* Unix seconds (meter's time if trusted, else station's) */
  gint64    total;                    /* total register, 0.01 units */
  gint64    rates[VP_N_RATES];        /* T1..T4 registers (TOU meters), 0.01 units */
} VpTariffReading;

/* What the meter has carried so far. */
typedef struct
{
  gint64    multiplier;               /* CT × PT, >= 1 */
  gint64    max_delta;                /* most a register may plausibly advance in this
                                       * interval (0.01 units, before the multiplier) */
  gint64    cycle_start;              /* start of the billing cycle cycle_used counts
                                       * (Unix seconds); 0 = none yet */
  gint64    cycle_used;               /* consumption already charged in that cycle,
                                       * 0.01 units */
  gint64    remainder;                /* sub-fen carry, micro-yuan, in [-5000, 5000) */
} VpTariffMeterState;

typedef enum
{
  VP_TARIFF_VERDICT_OK,
  VP_TARIFF_VERDICT_BACKWARDS,        /* a register went down: not charged */
  VP_TARIFF_VERDICT_JUMP,             /* a register advanced beyond max_delta: not charged */
} VpTariffVerdict;

typedef struct
{
  char     *text;                     /* for the bill, in the current locale */
  gint64    consumption;              /* 0.01 units, after the multiplier */
  gint64    price;                    /* 0.0001 yuan per unit */
  gint64    amount_micro;             /* exact: price × consumption, micro-yuan */
  gint64    version_id;               /* VpTariffVersion.id */
  guint     version;                  /* VpTariffVersion.version */
  gboolean  pro_rata;                 /* split by time at a price change or cycle start */
} VpBillLine;

typedef struct
{
  VpTariffVerdict verdict;
  char           *anomaly;            /* why, when verdict is not OK */
  gint64          consumption;        /* 0.01 units, after the multiplier */
  gint64          amount_micro;       /* exact amount of all lines */
  gint64          charge_fen;         /* what to debit now (rounded with the carry) */
  gint64          remainder;          /* the carry to store for the next interval */
  gint64          cycle_start;        /* the billing cycle of the current reading */
  gint64          cycle_used;         /* its consumption after this interval */
  gint64          version_id;         /* the version in force at the current reading */
  GPtrArray      *lines;              /* VpBillLine * */
} VpTariffCharge;

/* Tariffs */
VpTariff        *vp_tariff_new             (const char             *name,
                                            VpUtility               utility);
VpTariff        *vp_tariff_ref             (VpTariff               *self);
void             vp_tariff_unref           (VpTariff               *self);
const char      *vp_tariff_get_name        (VpTariff               *self);
VpUtility        vp_tariff_get_utility     (VpTariff               *self);
gboolean         vp_tariff_add_version     (VpTariff               *self,
                                            const VpTariffVersion  *version,
                                            GError                **error);
guint            vp_tariff_get_n_versions  (VpTariff               *self);
const VpTariffVersion *
                 vp_tariff_get_version     (VpTariff               *self,
                                            guint                   index);
const VpTariffVersion *
                 vp_tariff_version_at      (VpTariff               *self,
                                            gint64                  time);

gboolean         vp_tariff_version_check   (const VpTariffVersion  *version,
                                            VpUtility               utility,
                                            GError                **error);
gint64           vp_tariff_cycle_start     (const VpTariffVersion  *version,
                                            gint64                  time);

VpTariffCharge  *vp_tariff_charge          (VpTariff                 *self,
                                            const VpTariffReading    *previous,
                                            const VpTariffReading    *current,
                                            const VpTariffMeterState *state,
                                            GError                  **error);
void             vp_tariff_charge_free     (VpTariffCharge           *charge);

/* Storage text of a version's prices (the tariffs table's params column):
 * "rates=S[,P,F,V];limits=L1,…;prices=P1,…;cycle=monthly|yearly;start=[MM-]DD". */
char            *vp_tariff_version_to_params   (const VpTariffVersion  *version);
gboolean         vp_tariff_version_from_params (VpTariffScheme          scheme,
                                                const char             *params,
                                                VpTariffVersion        *out_version,
                                                GError                **error);

/* Command-line forms (vpctl tariff add): "0.9,0.7,0.5,0.3" → rates[0..@n_rates-1];
 * "200:0.5283,400:0.5783,0.8283" (limits in kWh / m³, prices in yuan) → the tiers of
 * @version. Exact; INVALID_ARGUMENT saying what is wrong. */
gboolean         vp_tariff_parse_rates     (const char             *text,
                                            guint                   n_rates,
                                            gint64                 *out_rates,
                                            GError                **error);
gboolean         vp_tariff_parse_tiers     (const char             *text,
                                            VpTariffVersion        *version,
                                            GError                **error);
/* One line for people: "flat 0.5283 yuan/kWh", "tiers: up to 200 kWh 0.5283, …". */
char            *vp_tariff_version_describe (const VpTariffVersion *version,
                                             VpUtility              utility);

/* Rounding with the carry, exposed for the ledger and the tests. */
gint64           vp_tariff_round_with_carry (gint64                 amount_micro,
                                             gint64                *remainder);

/* Parsing and printing of prices ("0.5283" yuan) and quantities ("150", "12.5"). */
gboolean         vp_tariff_price_parse     (const char             *text,
                                            gint64                 *out_price,
                                            GError                **error);
char            *vp_tariff_price_format    (gint64                  price);
gboolean         vp_tariff_quantity_parse  (const char             *text,
                                            gint64                 *out_quantity,
                                            GError                **error);
char            *vp_tariff_quantity_format (gint64                  quantity);

const char      *vp_tariff_scheme_to_string   (VpTariffScheme    scheme);
gboolean         vp_tariff_scheme_from_string (const char       *text,
                                               VpTariffScheme   *out_scheme);
const char      *vp_utility_to_string         (VpUtility         utility);
gboolean         vp_utility_from_string       (const char       *text,
                                               VpUtility        *out_utility);
const char      *vp_rate_to_string            (VpRate            rate);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpTariff, vp_tariff_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpTariffCharge, vp_tariff_charge_free)

G_END_DECLS
