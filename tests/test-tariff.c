/* test-tariff.c: pricing of reading intervals, table-driven */
#include "config.h"

#include "vp-model-error.h"
#include "vp-tariff.h"

#define KWH(x) ((gint64) ((x) * 100))         /* whole or .5 values only: exact */
#define HOUR   ((gint64) 3600)
/* 2026-01-10 00:00 UTC; the tests run with TZ=UTC */
#define T0     ((gint64) 1768003200)
#define JAN31_NOON ((gint64) 1769860800)      /* 2026-01-31 12:00 UTC */
#define FEB1       ((gint64) 1769904000)      /* 2026-02-01 00:00 UTC */

typedef struct
{
  VpTariffScheme scheme;
  gint64         from;
  gint64         rates[VP_N_RATES];
  guint          n_tiers;
  gint64         limits[3];
  gint64         prices[3];
} VersionSpec;

typedef struct
{
  const char      *name;
  VpUtility        utility;
  VersionSpec      versions[2];
  guint            n_versions;
  VpTariffReading  previous;
  VpTariffReading  current;
  gint64           multiplier;
  gint64           max_delta;
  gint64           cycle_start;
  gint64           cycle_used;
  /* expected */
  VpTariffVerdict  verdict;
  gint64           consumption;
  gint64           amount_micro;
  gint64           charge_fen;
  guint            n_lines;
  gboolean         pro_rata;
  gint64           cycle_used_after;
} ChargeCase;

static const ChargeCase charge_cases[] = {
  { "flat",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_FLAT, 0, { 5283 } } }, 1,
    { T0, KWH (100) }, { T0 + HOUR, KWH (110) }, 1, KWH (1000), 0, 0,
    VP_TARIFF_VERDICT_OK, KWH (10), 5283000, 528, 1, FALSE, KWH (10) },
  { "tou four rates",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_TOU, 0, { 10000, 8000, 5000, 3000 } } }, 1,
    { T0, KWH (10), { KWH (1), KWH (2), KWH (3), KWH (4) } },
    { T0 + HOUR, KWH (20), { KWH (2), KWH (4), KWH (6), KWH (8) } }, 1, KWH (1000), 0, 0,
    VP_TARIFF_VERDICT_OK, KWH (10), 5300000, 530, 4, FALSE, KWH (10) },
  { "tier boundary inside the interval",
    VP_UTILITY_ELECTRICITY,
    { { VP_TARIFF_TIERED, 0, { 0 }, 3, { KWH (200), KWH (400) }, { 5000, 5500, 8000 } } }, 1,
    { T0, KWH (1000) }, { T0 + HOUR, KWH (1020) }, 1, KWH (1000), 0, KWH (190),
    VP_TARIFF_VERDICT_OK, KWH (20), 10500000, 1050, 2, FALSE, KWH (210) },
  { "interval across two tier boundaries",
    VP_UTILITY_ELECTRICITY,
    { { VP_TARIFF_TIERED, 0, { 0 }, 3, { KWH (200), KWH (400) }, { 5000, 5500, 8000 } } }, 1,
    { T0, KWH (1000) }, { T0 + HOUR, KWH (1300) }, 1, KWH (1000), 0, KWH (150),
    VP_TARIFF_VERDICT_OK, KWH (300), 175000000, 17500, 3, FALSE, KWH (450) },
  { "tou with tier surcharge",
    VP_UTILITY_ELECTRICITY,
    { { VP_TARIFF_TOU_TIERED, 0, { 10000, 8000, 5000, 3000 }, 3,
        { KWH (200), KWH (400) }, { 0, 500, 3000 } } }, 1,
    { T0, 0, { 0, 0, 0, 0 } }, { T0 + HOUR, KWH (20), { 0, KWH (10), 0, KWH (10) } },
    1, KWH (1000), 0, KWH (195),
    /* 10×0.8 + 10×0.3 = 11.00; surcharge 15 kWh in tier 2 × 0.05 = 0.75 */
    VP_TARIFF_VERDICT_OK, KWH (20), 11750000, 1175, 3, FALSE, KWH (215) },
  { "price change mid-interval is split pro rata",
    VP_UTILITY_ELECTRICITY,
    { { VP_TARIFF_FLAT, 0, { 5000 } }, { VP_TARIFF_FLAT, T0 + 4 * HOUR, { 6000 } } }, 2,
    { T0, KWH (0) }, { T0 + 10 * HOUR, KWH (100) }, 1, KWH (1000), 0, 0,
    /* 40 × 0.5 + 60 × 0.6 */
    VP_TARIFF_VERDICT_OK, KWH (100), 56000000, 5600, 2, TRUE, KWH (100) },
  { "interval begins before the first version: no split",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_FLAT, T0 + 5 * HOUR, { 5000 } } }, 1,
    { T0, KWH (0) }, { T0 + 10 * HOUR, KWH (100) }, 1, KWH (1000), 0, 0,
    VP_TARIFF_VERDICT_OK, KWH (100), 50000000, 5000, 1, FALSE, KWH (100) },
  { "billing cycle starts inside the interval",
    VP_UTILITY_ELECTRICITY,
    { { VP_TARIFF_TIERED, 0, { 0 }, 3, { KWH (200), KWH (400) }, { 5000, 5500, 8000 } } }, 1,
    { JAN31_NOON, KWH (0) }, { FEB1 + 12 * HOUR, KWH (20) }, 1, KWH (1000), 0, KWH (390),
    /* 10 in January's tier 2 at 0.55, then 10 in February's tier 1 at 0.5 */
    VP_TARIFF_VERDICT_OK, KWH (20), 10500000, 1050, 2, TRUE, KWH (10) },
  { "register rollover at 999999.99",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_FLAT, 0, { 10000 } } }, 1,
    { T0, 99999990 }, { T0 + HOUR, 10 }, 1, KWH (10), 0, 0,
    VP_TARIFF_VERDICT_OK, 20, 200000, 20, 1, FALSE, 20 },
  { "CT × PT multiplier",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_FLAT, 0, { 10000 } } }, 1,
    { T0, KWH (1) }, { T0 + HOUR, KWH (2) }, 50, KWH (10), 0, 0,
    VP_TARIFF_VERDICT_OK, KWH (50), 50000000, 5000, 1, FALSE, KWH (50) },
  { "backwards register is an anomaly",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_FLAT, 0, { 10000 } } }, 1,
    { T0, KWH (500) }, { T0 + HOUR, KWH (400) }, 1, KWH (10), 0, 0,
    VP_TARIFF_VERDICT_BACKWARDS, 0, 0, 0, 0, FALSE, 0 },
  { "backwards tou register is an anomaly",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_TOU, 0, { 1, 1, 1, 1 } } }, 1,
    { T0, KWH (10), { 0, KWH (5), 0, 0 } }, { T0 + HOUR, KWH (11), { 0, KWH (4), 0, KWH (2) } },
    1, KWH (10), 0, 0,
    VP_TARIFF_VERDICT_BACKWARDS, 0, 0, 0, 0, FALSE, 0 },
  { "implausible jump is an anomaly",
    VP_UTILITY_ELECTRICITY, { { VP_TARIFF_FLAT, 0, { 10000 } } }, 1,
    { T0, KWH (0) }, { T0 + HOUR, KWH (1000) }, 1, KWH (50), 0, 0,
    VP_TARIFF_VERDICT_JUMP, 0, 0, 0, 0, FALSE, 0 },
  { "water tiers",
    VP_UTILITY_WATER,
    { { VP_TARIFF_TIERED, 0, { 0 }, 2, { KWH (10) }, { 35000, 52500 } } }, 1,
    { T0, KWH (3) }, { T0 + 24 * HOUR, KWH (11) }, 1, KWH (100), 0, KWH (6),
    /* 4 m³ × 3.50 + 4 m³ × 5.25 */
    VP_TARIFF_VERDICT_OK, KWH (8), 35000000, 3500, 2, FALSE, KWH (14) },
};

static VpTariff *
tariff_from_case (const ChargeCase *c)
{
  VpTariff *tariff = vp_tariff_new (c->name, c->utility);

  for (guint i = 0; i < c->n_versions; i++)
    {
      const VersionSpec *s = &c->versions[i];
      VpTariffVersion v = { 0 };
      g_autoptr(GError) error = NULL;

      v.id = 100 + i;
      v.effective_from = s->from;
      v.scheme = s->scheme;
      memcpy (v.rates, s->rates, sizeof v.rates);
      v.n_tiers = s->n_tiers;
      memcpy (v.tier_limits, s->limits, sizeof s->limits);
      memcpy (v.tier_prices, s->prices, sizeof s->prices);
      v.cycle = VP_BILLING_CYCLE_MONTHLY;
      v.cycle_start_day = 1;
      vp_tariff_add_version (tariff, &v, &error);
      g_assert_no_error (error);
    }
  return tariff;
}

static void
test_tariff_charge_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (charge_cases); i++)
    {
      const ChargeCase *c = &charge_cases[i];
      g_autoptr(VpTariff) tariff = tariff_from_case (c);
      g_autoptr(VpTariffCharge) charge = NULL;
      g_autoptr(GError) error = NULL;
      VpTariffMeterState state = { c->multiplier, c->max_delta, c->cycle_start, c->cycle_used, 0 };
      gint64 sum = 0;

      g_test_message ("case %u: %s", i, c->name);
      /* 0 in the table: the cycle of the previous reading */
      if (state.cycle_start == 0)
        state.cycle_start = vp_tariff_cycle_start (vp_tariff_version_at (tariff, c->previous.time),
                                                   c->previous.time);
      charge = vp_tariff_charge (tariff, &c->previous, &c->current, &state, &error);
      g_assert_no_error (error);
      g_assert_cmpint (charge->verdict, ==, c->verdict);
      g_assert_cmpint (charge->consumption, ==, c->consumption);
      g_assert_cmpint (charge->amount_micro, ==, c->amount_micro);
      g_assert_cmpint (charge->charge_fen, ==, c->charge_fen);
      g_assert_cmpuint (charge->lines->len, ==, c->n_lines);
      if (c->verdict != VP_TARIFF_VERDICT_OK)
        {
          g_assert_nonnull (charge->anomaly);
          g_assert_cmpint (charge->remainder, ==, 0);
          continue;
        }
      g_assert_null (charge->anomaly);
      g_assert_cmpint (charge->cycle_used, ==, c->cycle_used_after);
      for (guint l = 0; l < charge->lines->len; l++)
        {
          const VpBillLine *line = g_ptr_array_index (charge->lines, l);

          g_assert_cmpint (line->amount_micro, ==, line->consumption * line->price);
          g_assert_cmpint (line->pro_rata, ==, c->pro_rata);
          g_assert_nonnull (strstr (line->text, "tariff version"));
          if (c->pro_rata)
            g_assert_nonnull (strstr (line->text, "pro rata"));
          sum += line->amount_micro;
        }
      g_assert_cmpint (sum, ==, charge->amount_micro);
      g_assert_cmpint (charge->charge_fen * VP_TARIFF_MICRO_PER_FEN + charge->remainder,
                       ==, charge->amount_micro);
    }
}

/* The version-change split names both versions on its lines, in time order. */
static void
test_tariff_price_change_lines (void)
{
  const ChargeCase *c = &charge_cases[5];
  g_autoptr(VpTariff) tariff = tariff_from_case (c);
  g_autoptr(VpTariffCharge) charge = NULL;
  VpTariffMeterState state = { 1, KWH (1000), 0, 0, 0 };
  const VpBillLine *a, *b;

  charge = vp_tariff_charge (tariff, &c->previous, &c->current, &state, NULL);
  a = g_ptr_array_index (charge->lines, 0);
  b = g_ptr_array_index (charge->lines, 1);
  g_assert_cmpint (a->consumption, ==, KWH (40));
  g_assert_cmpint (a->price, ==, 5000);
  g_assert_cmpuint (a->version, ==, 1);
  g_assert_cmpint (a->version_id, ==, 100);
  g_assert_cmpint (b->consumption, ==, KWH (60));
  g_assert_cmpint (b->price, ==, 6000);
  g_assert_cmpuint (b->version, ==, 2);
  g_assert_nonnull (strstr (a->text, "2026-01-10 00:00 – 2026-01-10 04:00"));
  g_assert_cmpint (charge->version_id, ==, 101);
}

static gint64
round_half_up (gint64 micro)
{
  return (micro + VP_TARIFF_MICRO_PER_FEN / 2) / VP_TARIFF_MICRO_PER_FEN;
}

/* 10 000 small readings: what is charged in total is exactly the rounded charge of
 * the total, never a fen more or less, for flat and for TOU pricing. */
static void
test_tariff_rounding_no_drift (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  const gint64 tou_rates[VP_N_RATES] = { 12345, 8765, 5283, 2971 };

  for (guint scheme = 0; scheme < 2; scheme++)
    {
      g_autoptr(VpTariff) tariff = vp_tariff_new ("drift", VP_UTILITY_ELECTRICITY);
      VpTariffVersion v = { .scheme = scheme == 0 ? VP_TARIFF_FLAT : VP_TARIFF_TOU };
      VpTariffReading prev = { T0, 0, { 0 } };
      VpTariffMeterState state = { 1, KWH (100), 0, 0, 0 };
      gint64 charged = 0, total_micro = 0, total_q = 0;

      memcpy (v.rates, scheme == 0 ? (gint64[]) { 5283, 0, 0, 0 } : tou_rates, sizeof v.rates);
      g_assert_true (vp_tariff_add_version (tariff, &v, NULL));

      for (guint i = 0; i < 10000; i++)
        {
          VpTariffReading cur = prev;
          g_autoptr(VpTariffCharge) charge = NULL;

          cur.time += 60;
          for (guint r = 0; r < VP_N_RATES; r++)
            {
              gint64 d = g_rand_int_range (rand, 0, 7);

              cur.rates[r] += d;
              cur.total += d;
              total_micro += d * v.rates[scheme == 0 ? 0 : r];
            }
          total_q += cur.total - prev.total;
          charge = vp_tariff_charge (tariff, &prev, &cur, &state, NULL);
          g_assert_cmpint (charge->verdict, ==, VP_TARIFF_VERDICT_OK);
          charged += charge->charge_fen;
          state.remainder = charge->remainder;
          prev = cur;
        }
      if (scheme == 0)
        g_assert_cmpint (total_micro, ==, total_q * 5283);
      g_assert_cmpint (charged, ==, round_half_up (total_micro));
      g_assert_cmpint (charged, >, 0);
    }
}

static void
test_tariff_round_carry (void)
{
  gint64 rem = 0;

  g_assert_cmpint (vp_tariff_round_with_carry (4999, &rem), ==, 0);
  g_assert_cmpint (rem, ==, 4999);
  g_assert_cmpint (vp_tariff_round_with_carry (1, &rem), ==, 1);
  g_assert_cmpint (rem, ==, -5000);
  g_assert_cmpint (vp_tariff_round_with_carry (0, &rem), ==, 0);
  g_assert_cmpint (rem, ==, -5000);
  g_assert_cmpint (vp_tariff_round_with_carry (25000, &rem), ==, 2);
  g_assert_cmpint (rem, ==, 0);
}

typedef struct
{
  const char *text;
  gboolean    ok;
  gint64      value;
} ParseCase;

static const ParseCase price_cases[] = {
  { "0.5283", TRUE, 5283 },
  { "0.6", TRUE, 6000 },
  { "1", TRUE, 10000 },
  { " 12.01 ", TRUE, 120100 },
  { "0", TRUE, 0 },
  { "9999.9999", TRUE, 99999999 },
  { "0.00001", FALSE, 0 },
  { "10000", FALSE, 0 },
  { "-0.5", FALSE, 0 },
  { "0.5.2", FALSE, 0 },
  { ".5", FALSE, 0 },
  { "5.", FALSE, 0 },
  { "1e3", FALSE, 0 },
  { "", FALSE, 0 },
  { "abc", FALSE, 0 },
  { "99999999999999999999999", FALSE, 0 },
};

static const ParseCase quantity_cases[] = {
  { "150", TRUE, 15000 },
  { "12.5", TRUE, 1250 },
  { "0.01", TRUE, 1 },
  { "0.001", FALSE, 0 },
  { "-1", FALSE, 0 },
  { "1,5", FALSE, 0 },
};

static void
check_parse_cases (const ParseCase *cases,
                   guint            n_cases,
                   gboolean       (*parse) (const char *, gint64 *, GError **),
                   char          *(*format) (gint64))
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -77;
      gboolean ok = parse (cases[i].text, &value, &error);

      g_test_message ("parse “%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_autofree char *back = format (value);
          gint64 again = -1;

          g_assert_no_error (error);
          g_assert_cmpint (value, ==, cases[i].value);
          g_assert_true (parse (back, &again, NULL));
          g_assert_cmpint (again, ==, value);
        }
      else
        {
          g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
          g_assert_cmpint (value, ==, -77);
        }
    }
}

static void
test_tariff_parse (void)
{
  g_autofree char *p = vp_tariff_price_format (5283);

  g_assert_cmpstr (p, ==, "0.5283");
  check_parse_cases (price_cases, G_N_ELEMENTS (price_cases),
                     vp_tariff_price_parse, vp_tariff_price_format);
  check_parse_cases (quantity_cases, G_N_ELEMENTS (quantity_cases),
                     vp_tariff_quantity_parse, vp_tariff_quantity_format);
}

static void
test_tariff_versions (void)
{
  g_autoptr(VpTariff) water = vp_tariff_new ("water", VP_UTILITY_WATER);
  g_autoptr(VpTariff) power = vp_tariff_new ("power", VP_UTILITY_ELECTRICITY);
  VpTariffVersion tou = { .scheme = VP_TARIFF_TOU, .rates = { 1, 2, 3, 4 } };
  VpTariffVersion tiers = { .scheme = VP_TARIFF_TIERED, .n_tiers = 2,
                            .tier_limits = { 500 }, .tier_prices = { 1, 2 },
                            .cycle_start_day = 1 };
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 5000 }, .effective_from = T0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (vp_tariff_add_version (water, &tou, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  tiers.tier_limits[0] = 0;
  g_assert_false (vp_tariff_add_version (water, &tiers, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  tiers.tier_limits[0] = 500;
  tiers.cycle_start_day = 31;
  g_assert_false (vp_tariff_add_version (water, &tiers, NULL));
  tiers.cycle_start_day = 1;
  g_assert_true (vp_tariff_add_version (water, &tiers, NULL));

  g_assert_true (vp_tariff_add_version (power, &flat, NULL));
  g_assert_false (vp_tariff_add_version (power, &flat, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  flat.effective_from = T0 - HOUR;
  flat.rates[0] = 4000;
  g_assert_true (vp_tariff_add_version (power, &flat, NULL));
  g_assert_cmpuint (vp_tariff_get_n_versions (power), ==, 2);
  g_assert_cmpint (vp_tariff_get_version (power, 0)->rates[0], ==, 4000);
  g_assert_cmpuint (vp_tariff_get_version (power, 0)->version, ==, 2);
  g_assert_cmpint (vp_tariff_version_at (power, T0 - 1)->rates[0], ==, 4000);
  g_assert_cmpint (vp_tariff_version_at (power, T0)->rates[0], ==, 5000);
  /* before the first version the first version still applies: never free */
  g_assert_cmpint (vp_tariff_version_at (power, 0)->rates[0], ==, 4000);
}

static void
test_tariff_cycle_start (void)
{
  VpTariffVersion yearly = { .scheme = VP_TARIFF_TIERED, .n_tiers = 1,
                             .cycle = VP_BILLING_CYCLE_YEARLY,
                             .cycle_start_month = 7, .cycle_start_day = 15 };
  VpTariffVersion monthly = { .scheme = VP_TARIFF_TIERED, .n_tiers = 1,
                              .cycle = VP_BILLING_CYCLE_MONTHLY, .cycle_start_day = 20 };

  /* 2026-01-10 → yearly cycle began 2025-07-15, monthly on 2025-12-20 */
  g_assert_cmpint (vp_tariff_cycle_start (&yearly, T0), ==, 1752537600);
  g_assert_cmpint (vp_tariff_cycle_start (&monthly, T0), ==, 1766188800);
  g_assert_cmpint (vp_tariff_cycle_start (&monthly, 1766188800), ==, 1766188800);
  g_assert_cmpint (vp_tariff_cycle_start (&monthly, 1766188799), ==, 1763596800);
}

/* Every version of the charge table survives the storage text unchanged. */
static void
test_tariff_params_round_trip (void)
{
  VpTariffVersion yearly = { .scheme = VP_TARIFF_TOU_TIERED, .rates = { 1, 2, 3, 4 },
                             .n_tiers = 2, .tier_limits = { 500 }, .tier_prices = { 0, 70 },
                             .cycle = VP_BILLING_CYCLE_YEARLY, .cycle_start_month = 7,
                             .cycle_start_day = 15 };
  const char *bad[] = { "", "rates=", "rates=1,2", "rates=-5", "rates=1;prices=2",
                        "limits=5;prices=1", "rates=x", "colour=red" };
  g_autofree char *text = vp_tariff_version_to_params (&yearly);
  VpTariffVersion back = { 0 };

  g_assert_cmpstr (text, ==, "rates=1,2,3,4;limits=500;prices=0,70;cycle=yearly;start=07-15");
  g_assert_true (vp_tariff_version_from_params (VP_TARIFF_TOU_TIERED, text, &back, NULL));
  g_assert_cmpmem (back.rates, sizeof back.rates, yearly.rates, sizeof yearly.rates);
  g_assert_cmpuint (back.n_tiers, ==, 2);
  g_assert_cmpint (back.tier_limits[0], ==, 500);
  g_assert_cmpint (back.tier_prices[1], ==, 70);
  g_assert_cmpuint (back.cycle, ==, VP_BILLING_CYCLE_YEARLY);
  g_assert_cmpuint (back.cycle_start_month, ==, 7);
  g_assert_cmpuint (back.cycle_start_day, ==, 15);

  for (guint i = 0; i < G_N_ELEMENTS (charge_cases); i++)
    for (guint j = 0; j < charge_cases[i].n_versions; j++)
      {
        g_autoptr(VpTariff) tariff = tariff_from_case (&charge_cases[i]);
        const VpTariffVersion *v = vp_tariff_get_version (tariff, j);
        g_autofree char *params = vp_tariff_version_to_params (v);
        g_autofree char *again = NULL;
        VpTariffVersion w = { 0 };
        g_autoptr(GError) error = NULL;

        g_assert_true (vp_tariff_version_from_params (v->scheme, params, &w, &error));
        g_assert_no_error (error);
        again = vp_tariff_version_to_params (&w);
        g_assert_cmpstr (again, ==, params);
      }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (vp_tariff_version_from_params (VP_TARIFF_FLAT, bad[i], &back, &error));
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT);
    }
}

static void
test_tariff_parse_tiers (void)
{
  const char *bad[] = { "", "200:0.5", "0.5,0.6", "200:0.5,100:0.6,0.7", "0:0.5,0.6",
                        "200:0.5:1,0.6", "200:x,0.6", "1:0.1,2:0.1,3:0.1,4:0.1,5:0.1,6:0.1,7:0.1,8:0.1,0.1" };
  VpTariffVersion v = { .scheme = VP_TARIFF_TIERED, .cycle_start_day = 1 };
  gint64 rates[VP_N_RATES];
  g_autofree char *text = NULL;

  g_assert_true (vp_tariff_parse_tiers ("200:0.5283,400.5:0.5783,0.8283", &v, NULL));
  g_assert_cmpuint (v.n_tiers, ==, 3);
  g_assert_cmpint (v.tier_limits[0], ==, 20000);
  g_assert_cmpint (v.tier_limits[1], ==, 40050);
  g_assert_cmpint (v.tier_prices[2], ==, 8283);
  text = vp_tariff_version_describe (&v, VP_UTILITY_ELECTRICITY);
  g_assert_cmpstr (text, ==, "tiers: up to 200.00 kWh: 0.5283, up to 400.50 kWh: 0.5783, "
                             "above: 0.8283 (monthly from day 1)");
  g_assert_true (vp_tariff_parse_tiers ("3.5", &v, NULL));
  g_assert_cmpuint (v.n_tiers, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("tiers “%s”", bad[i]);
      g_assert_false (vp_tariff_parse_tiers (bad[i], &v, &error));
      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
      g_assert_cmpuint (v.n_tiers, ==, 1);
    }

  g_assert_true (vp_tariff_parse_rates ("0.9,0.7,0.5,0.3", 4, rates, NULL));
  g_assert_cmpint (rates[0], ==, 9000);
  g_assert_cmpint (rates[3], ==, 3000);
  g_assert_false (vp_tariff_parse_rates ("0.9,0.7,0.5", 4, rates, NULL));
  g_assert_false (vp_tariff_parse_rates ("0.9,0.7,0.5,-1", 4, rates, NULL));
  g_assert_false (vp_tariff_parse_rates ("0.9,0.7,0.5,0.3", 1, rates, NULL));
}

int
main (int   argc,
      char *argv[])
{
  /* Cycle starts are local midnights; pin the zone so the table's times hold. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/tariff/charge-table", test_tariff_charge_table);
  g_test_add_func ("/vp/tariff/price-change-lines", test_tariff_price_change_lines);
  g_test_add_func ("/vp/tariff/rounding-no-drift", test_tariff_rounding_no_drift);
  g_test_add_func ("/vp/tariff/round-carry", test_tariff_round_carry);
  g_test_add_func ("/vp/tariff/parse", test_tariff_parse);
  g_test_add_func ("/vp/tariff/versions", test_tariff_versions);
  g_test_add_func ("/vp/tariff/cycle-start", test_tariff_cycle_start);
  g_test_add_func ("/vp/tariff/params-round-trip", test_tariff_params_round_trip);
  g_test_add_func ("/vp/tariff/parse-tiers", test_tariff_parse_tiers);

  return g_test_run ();
}
