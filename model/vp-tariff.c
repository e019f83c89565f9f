/* vp-tariff.c: what a reading interval costs
 *
 * All arithmetic is in integers. Exact amounts (price × energy) are micro-yuan; they
 * are only rounded to fen once per interval, with the sub-fen carry kept per meter so
 * that the sum of what is charged always equals the rounded exact total.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "vp-model-error.h"
#include "vp-tariff.h"

/* Products of energy and seconds can exceed 63 bits for large CT × PT meters read
 * after long outages; do the pro-rata split in 128 bits. */
__extension__ typedef __int128 VpWide;

struct _VpTariff
{
  gatomicrefcount  ref_count;
  char            *name;
  VpUtility        utility;
  GArray          *versions;   /* VpTariffVersion, sorted by effective_from */
};

VpTariff *
vp_tariff_new (const char *name,
               VpUtility   utility)
{
  VpTariff *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (VpTariff, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->utility = utility;
  self->versions = g_array_new (FALSE, TRUE, sizeof (VpTariffVersion));
  return self;
}

VpTariff *
vp_tariff_ref (VpTariff *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vp_tariff_unref (VpTariff *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->name);
  g_array_unref (self->versions);
  g_free (self);
}

const char *
vp_tariff_get_name (VpTariff *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

VpUtility
vp_tariff_get_utility (VpTariff *self)
{
  g_return_val_if_fail (self != NULL, VP_UTILITY_ELECTRICITY);
  return self->utility;
}

static gboolean
scheme_is_tou (VpTariffScheme scheme)
{
  return scheme == VP_TARIFF_TOU || scheme == VP_TARIFF_TOU_TIERED;
}

static gboolean
scheme_is_tiered (VpTariffScheme scheme)
{
  return scheme == VP_TARIFF_TIERED || scheme == VP_TARIFF_TOU_TIERED;
}

static gboolean
price_is_valid (gint64 price)
{
  return price >= 0 && price <= VP_TARIFF_PRICE_MAX;
}

/*
 * vp_tariff_version_check:
 * @version: a version to validate
 * @utility: what the tariff sells
 *
 * Returns TRUE when @version can be charged: a known scheme, prices in
 * 0..VP_TARIFF_PRICE_MAX, 1..VP_TARIFF_MAX_TIERS tiers with strictly increasing
 * positive limits, a cycle start day 1..28 (and month 1..12 for yearly cycles), and no
 * time-of-use for water (water meters have no tariff registers). Otherwise FALSE with
 * VP_MODEL_ERROR_INVALID_ARGUMENT saying what is wrong.
 */
gboolean
vp_tariff_version_check (const VpTariffVersion  *version,
                         VpUtility               utility,
                         GError                **error)
{
  guint n_rates;

  g_return_val_if_fail (version != NULL, FALSE);

  if (version->scheme > VP_TARIFF_TOU_TIERED)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Unknown tariff scheme"));
      return FALSE;
    }
  if (utility == VP_UTILITY_WATER && scheme_is_tou (version->scheme))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Water meters have no time-of-use registers; use a flat or tiered water tariff"));
      return FALSE;
    }

  n_rates = scheme_is_tou (version->scheme) ? VP_N_RATES
          : version->scheme == VP_TARIFF_FLAT ? 1 : 0;
  for (guint i = 0; i < n_rates; i++)
    if (!price_is_valid (version->rates[i]))
      {
        g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                             _("A price is negative or above 9999.9999 yuan per unit"));
        return FALSE;
      }

  if (scheme_is_tiered (version->scheme))
    {
      if (version->n_tiers < 1 || version->n_tiers > VP_TARIFF_MAX_TIERS)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("A tiered tariff needs 1 to %d tiers"), VP_TARIFF_MAX_TIERS);
          return FALSE;
        }
      for (guint i = 0; i < version->n_tiers; i++)
        {
          if (!price_is_valid (version->tier_prices[i]))
            {
              g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                                   _("A tier price is negative or above 9999.9999 yuan per unit"));
              return FALSE;
            }
          if (i + 1 < version->n_tiers
              && (version->tier_limits[i] <= 0
                  || (i > 0 && version->tier_limits[i] <= version->tier_limits[i - 1])))
            {
              g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                                   _("Tier limits must be above zero and increase from tier to tier"));
              return FALSE;
            }
        }
      if (version->cycle_start_day < 1 || version->cycle_start_day > 28
          || (version->cycle == VP_BILLING_CYCLE_YEARLY
              && (version->cycle_start_month < 1 || version->cycle_start_month > 12))
          || version->cycle > VP_BILLING_CYCLE_YEARLY)
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                               _("The billing cycle must start on a day 1 to 28 (and a month 1 to 12 for yearly cycles)"));
          return FALSE;
        }
    }

  return TRUE;
}

/*
 * vp_tariff_add_version:
 * @version: a valid version (see vp_tariff_version_check()); copied
 *
 * Adds @version, keeping versions sorted by effective_from. A version number of 0 is
 * replaced by the next free number. Two versions may not take effect at the same
 * second (VP_MODEL_ERROR_EXISTS).
 */
gboolean
vp_tariff_add_version (VpTariff               *self,
                       const VpTariffVersion  *version,
                       GError                **error)
{
  VpTariffVersion copy;
  guint pos = 0;
  guint max_version = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  if (!vp_tariff_version_check (version, self->utility, error))
    return FALSE;

  for (guint i = 0; i < self->versions->len; i++)
    {
      const VpTariffVersion *v = &g_array_index (self->versions, VpTariffVersion, i);

      if (v->effective_from == version->effective_from)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                       _("Tariff “%s” already has a version taking effect at that time"),
                       self->name);
          return FALSE;
        }
      if (v->effective_from < version->effective_from)
        pos = i + 1;
      max_version = MAX (max_version, v->version);
    }

  copy = *version;
  if (copy.version == 0)
    copy.version = max_version + 1;
  g_array_insert_val (self->versions, pos, copy);
  return TRUE;
}

guint
vp_tariff_get_n_versions (VpTariff *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->versions->len;
}

const VpTariffVersion *
vp_tariff_get_version (VpTariff *self,
                       guint     index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->versions->len, NULL);
  return &g_array_index (self->versions, VpTariffVersion, index);
}

/*
 * vp_tariff_version_at:
 * @time: Unix seconds
 *
 * Returns: (nullable): the version in force at @time — the last one whose
 * effective_from is at or before @time — or, before the first version, the first one
 * (a meter read before its tariff formally began is still charged, never free).
 * NULL only when the tariff has no versions.
 */
const VpTariffVersion *
vp_tariff_version_at (VpTariff *self,
                      gint64    time)
{
  const VpTariffVersion *found = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->versions->len == 0)
    return NULL;

  found = &g_array_index (self->versions, VpTariffVersion, 0);
  for (guint i = 1; i < self->versions->len; i++)
    {
      const VpTariffVersion *v = &g_array_index (self->versions, VpTariffVersion, i);

      if (v->effective_from > time)
        break;
      found = v;
    }
  return found;
}

/* When the price next changes after @time: the start of the version after the one in
 * force (before the first version, the first one is in force already). */
static gint64
next_version_change (VpTariff *self,
                     gint64    time)
{
  const VpTariffVersion *current = vp_tariff_version_at (self, time);

  for (guint i = 0; i < self->versions->len; i++)
    {
      const VpTariffVersion *v = &g_array_index (self->versions, VpTariffVersion, i);

      if (v->effective_from > time && v->effective_from > current->effective_from)
        return v->effective_from;
    }
  return G_MAXINT64;
}

static gint64
local_midnight (int year,
                int month,
                int day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, day, 0, 0, 0);

  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

/* Start of the billing cycle that follows the one starting at @start. */
static gint64
cycle_after (const VpTariffVersion *version,
             gint64                 start)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (start);
  int year = g_date_time_get_year (dt);
  int month = g_date_time_get_month (dt);

  if (version->cycle == VP_BILLING_CYCLE_YEARLY)
    year++;
  else if (++month > 12)
    {
      month = 1;
      year++;
    }
  return local_midnight (year, month, (int) version->cycle_start_day);
}

/*
 * vp_tariff_cycle_start:
 * @version: a tiered version
 * @time: Unix seconds
 *
 * Returns: the start (local midnight of the start day) of the billing cycle that
 * contains @time. Consumption at exactly that second belongs to the new cycle.
 * Non-tiered versions have no cycle; they count calendar months from day 1.
 */
gint64
vp_tariff_cycle_start (const VpTariffVersion *version,
                       gint64                 time)
{
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day;
  gint64 start;

  g_return_val_if_fail (version != NULL, 0);

  dt = g_date_time_new_from_unix_local (time);
  year = g_date_time_get_year (dt);
  month = g_date_time_get_month (dt);
  day = scheme_is_tiered (version->scheme) ? (int) version->cycle_start_day : 1;

  if (scheme_is_tiered (version->scheme) && version->cycle == VP_BILLING_CYCLE_YEARLY)
    {
      start = local_midnight (year, (int) version->cycle_start_month, day);
      if (start > time)
        start = local_midnight (year - 1, (int) version->cycle_start_month, day);
      return start;
    }

  start = local_midnight (year, month, day);
  if (start > time)
    {
      if (--month < 1)
        {
          month = 12;
          year--;
        }
      start = local_midnight (year, month, day);
    }
  return start;
}

/*
 * vp_tariff_round_with_carry:
 * @amount_micro: an exact amount in micro-yuan (10 000 per fen)
 * @remainder: (inout): the carry of this meter, kept in [-5000, 5000)
 *
 * Returns the fen to charge now: the exact amount plus the carry, rounded half up;
 * the part not charged stays in @remainder. Because the carry is always the exact
 * total minus what was charged, the sum of all charges equals the exact total of all
 * amounts rounded half up, whatever the sequence.
 */
gint64
vp_tariff_round_with_carry (gint64  amount_micro,
                            gint64 *remainder)
{
  gint64 x, fen;

  g_return_val_if_fail (remainder != NULL, 0);

  x = amount_micro + *remainder + VP_TARIFF_MICRO_PER_FEN / 2;
  /* floor division: C rounds toward zero */
  fen = x / VP_TARIFF_MICRO_PER_FEN;
  if (x % VP_TARIFF_MICRO_PER_FEN < 0)
    fen--;
  *remainder = amount_micro + *remainder - fen * VP_TARIFF_MICRO_PER_FEN;
  g_assert (*remainder >= -VP_TARIFF_MICRO_PER_FEN / 2
            && *remainder < VP_TARIFF_MICRO_PER_FEN / 2);
  return fen;
}

static void
bill_line_free (gpointer data)
{
  VpBillLine *line = data;

  g_free (line->text);
  g_free (line);
}

void
vp_tariff_charge_free (VpTariffCharge *charge)
{
  if (charge == NULL)
    return;
  g_clear_pointer (&charge->lines, g_ptr_array_unref);
  g_free (charge->anomaly);
  g_free (charge);
}

const char *
vp_rate_to_string (VpRate rate)
{
  static const char *names[VP_N_RATES] = { "sharp", "peak", "flat", "valley" };

  g_return_val_if_fail (rate < VP_N_RATES, NULL);
  return names[rate];
}

static const char *
rate_label (VpRate rate)
{
  switch (rate)
    {
    case VP_RATE_SHARP:  return _("Sharp");
    case VP_RATE_PEAK:   return _("Peak");
    case VP_RATE_FLAT:   return _("Flat");
    case VP_RATE_VALLEY: return _("Valley");
    case VP_N_RATES:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/*
 * Register advance from @previous to @current (0.01 units), or -1 with @verdict set.
 * A decrease is a rollover when the wrapped advance is plausible, else the register
 * went backwards (meter replaced, tampering, wrong meter): never guess and charge.
 */
static gint64
register_delta (gint64            previous,
                gint64            current,
                gint64            max_delta,
                const char       *name,
                VpTariffVerdict  *verdict,
                char            **anomaly)
{
  gint64 limit = max_delta > 0 ? max_delta : VP_TARIFF_REGISTER_MODULUS / 2;
  gint64 delta = current - previous;

  if (delta < 0)
    {
      gint64 wrapped = delta + VP_TARIFF_REGISTER_MODULUS;

      if (previous < VP_TARIFF_REGISTER_MODULUS && wrapped >= 0 && wrapped <= limit)
        return wrapped;

      *verdict = VP_TARIFF_VERDICT_BACKWARDS;
      {
        g_autofree char *a = vp_tariff_quantity_format (previous);
        g_autofree char *b = vp_tariff_quantity_format (current);

        *anomaly = g_strdup_printf (_("The %s register went backwards from %s to %s; not charged"),
                                    name, a, b);
      }
      return -1;
    }

  if (delta > limit)
    {
      g_autofree char *a = vp_tariff_quantity_format (previous);
      g_autofree char *b = vp_tariff_quantity_format (current);
      g_autofree char *m = vp_tariff_quantity_format (limit);

      *verdict = VP_TARIFF_VERDICT_JUMP;
      *anomaly = g_strdup_printf (_("The %s register jumped from %s to %s, more than the plausible %s; not charged"),
                                  name, a, b, m);
      return -1;
    }

  return delta;
}

typedef struct
{
  VpTariffCharge        *charge;
  const VpTariffVersion *version;
  char                  *suffix;   /* version and pro-rata note shared by the lines */
  gboolean               pro_rata;
  const char            *unit;
} LineContext;

static void
add_line (LineContext *lc,
          const char  *label,
          gint64       consumption,
          gint64       price)
{
  VpBillLine *line;
  g_autofree char *qty = NULL;
  g_autofree char *p = NULL;

  if (consumption == 0)
    return;

  qty = vp_tariff_quantity_format (consumption);
  p = vp_tariff_price_format (price);
  line = g_new0 (VpBillLine, 1);
  line->consumption = consumption;
  line->price = price;
  line->amount_micro = consumption * price;
  line->version_id = lc->version->id;
  line->version = lc->version->version;
  line->pro_rata = lc->pro_rata;
  /* TRANSLATORS: bill line: "Peak 12.34 kWh × 0.5283 yuan, tariff version 2" */
  line->text = g_strdup_printf (_("%s %s %s × %s yuan%s"), label, qty, lc->unit, p, lc->suffix);
  lc->charge->amount_micro += line->amount_micro;
  g_ptr_array_add (lc->charge->lines, line);
}

/* Split @q over the tiers of @version from cycle consumption @used on. */
static void
add_tier_lines (LineContext *lc,
                gint64       used,
                gint64       q,
                gboolean     surcharge)
{
  const VpTariffVersion *v = lc->version;
  gint64 lo = 0;

  for (guint i = 0; i < v->n_tiers && q > 0; i++)
    {
      gint64 hi = i + 1 < v->n_tiers ? v->tier_limits[i] : G_MAXINT64;
      gint64 from = MAX (lo, used);
      gint64 to = MIN (hi, used + q);
      g_autofree char *label = NULL;

      lo = hi;
      if (to <= from)
        continue;
      if (surcharge && v->tier_prices[i] == 0)
        continue;
      label = surcharge ? g_strdup_printf (_("Tier %u surcharge"), i + 1)
                        : g_strdup_printf (_("Tier %u"), i + 1);
      add_line (lc, label, to - from, v->tier_prices[i]);
    }
}

static char *
format_local (gint64 time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (time);

  return g_date_time_format (dt, "%Y-%m-%d %H:%M");
}

/* The share of @q that falls in [t0, upto], cumulative, so the shares of consecutive
 * segments always add up to exactly @q. */
static gint64
share_until (gint64 q,
             gint64 t0,
             gint64 t1,
             gint64 upto)
{
  if (t1 <= t0 || upto >= t1)
    return q;
  return (gint64) ((VpWide) q * (upto - t0) / (t1 - t0));
}

/*
 * vp_tariff_charge:
 * @previous: the last charged reading of the meter
 * @current: the new reading
 * @state: the meter's multiplier, plausibility limit, cycle consumption and carry
 *
 * Prices the interval (previous->time, current->time]. The interval is cut at every
 * version change and billing-cycle start inside it; each piece gets the consumption
 * pro rata by time and the prices of its version, and its lines say so. TOU versions
 * charge the T1..T4 register advances; the others the total register. Tiers count
 * the billing cycle's consumption, so a tier limit may fall inside one piece and split
 * it. Register advances are multiplied by CT × PT.
 *
 * Returns: (transfer full): the charge; its verdict is OK, or BACKWARDS / JUMP with
 * nothing charged, the carry unchanged and an anomaly text for a technician. NULL with
 * VP_MODEL_ERROR_INVALID_ARGUMENT when the tariff has no version or @state is wrong.
 */
VpTariffCharge *
vp_tariff_charge (VpTariff                 *self,
                  const VpTariffReading    *previous,
                  const VpTariffReading    *current,
                  const VpTariffMeterState *state,
                  GError                  **error)
{
  g_autoptr(VpTariffCharge) charge = NULL;
  const char *unit;
  gint64 t0, t1, seg_start;
  gint64 q_total = 0;
  gint64 q_rates[VP_N_RATES] = { 0 };
  gint64 done_total = 0;
  gint64 done_rates[VP_N_RATES] = { 0 };
  gboolean any_tou = FALSE;
  gboolean split;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (previous != NULL && current != NULL && state != NULL, NULL);

  if (self->versions->len == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Tariff “%s” has no prices yet"), self->name);
      return NULL;
    }
  if (state->multiplier < 1)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("The CT × PT multiplier must be at least 1"));
      return NULL;
    }

  charge = g_new0 (VpTariffCharge, 1);
  charge->lines = g_ptr_array_new_with_free_func (bill_line_free);
  charge->remainder = state->remainder;
  charge->cycle_start = state->cycle_start;
  charge->cycle_used = state->cycle_used;
  t0 = previous->time;
  t1 = MAX (current->time, previous->time);
  charge->version_id = vp_tariff_version_at (self, t1)->id;
  unit = self->utility == VP_UTILITY_WATER ? "m³" : "kWh";

  /* Only the versions that price part of this interval decide which registers count. */
  any_tou = scheme_is_tou (vp_tariff_version_at (self, t0)->scheme);
  for (guint i = 0; i < self->versions->len; i++)
    {
      const VpTariffVersion *v = &g_array_index (self->versions, VpTariffVersion, i);

      if (v->effective_from > t0 && v->effective_from < t1 && scheme_is_tou (v->scheme))
        any_tou = TRUE;
    }

  q_total = register_delta (previous->total, current->total, state->max_delta,
                            _("total"), &charge->verdict, &charge->anomaly);
  for (guint r = 0; any_tou && r < VP_N_RATES && charge->verdict == VP_TARIFF_VERDICT_OK; r++)
    q_rates[r] = register_delta (previous->rates[r], current->rates[r], state->max_delta,
                                 rate_label (r), &charge->verdict, &charge->anomaly);
  if (charge->verdict != VP_TARIFF_VERDICT_OK)
    return g_steal_pointer (&charge);

  q_total *= state->multiplier;
  for (guint r = 0; r < VP_N_RATES; r++)
    q_rates[r] *= state->multiplier;

  /* Walk the pieces of the interval. */
  seg_start = t0;
  split = FALSE;
  do
    {
      const VpTariffVersion *v = vp_tariff_version_at (self, seg_start);
      gint64 cycle = vp_tariff_cycle_start (v, seg_start);
      gint64 seg_end = MIN (t1, next_version_change (self, seg_start));
      LineContext lc = { charge, v, NULL, FALSE, unit };
      gint64 q_seg;

      if (scheme_is_tiered (v->scheme))
        seg_end = MIN (seg_end, cycle_after (v, cycle));
      if (seg_end < t1 || seg_start > t0)
        split = TRUE;

      /* consumption at the cycle's first second belongs to the new cycle */
      if (cycle != charge->cycle_start)
        {
          charge->cycle_start = cycle;
          charge->cycle_used = 0;
        }

      lc.pro_rata = split;
      if (split)
        {
          g_autofree char *a = format_local (seg_start);
          g_autofree char *b = format_local (seg_end);

          lc.suffix = g_strdup_printf (_(", tariff version %u, pro rata %s – %s"),
                                       v->version, a, b);
        }
      else
        lc.suffix = g_strdup_printf (_(", tariff version %u"), v->version);

      if (scheme_is_tou (v->scheme))
        {
          q_seg = 0;
          for (guint r = 0; r < VP_N_RATES; r++)
            {
              gint64 upto = share_until (q_rates[r], t0, t1, seg_end);
              gint64 part = upto - done_rates[r];

              done_rates[r] = upto;
              add_line (&lc, rate_label (r), part, v->rates[r]);
              q_seg += part;
            }
          if (v->scheme == VP_TARIFF_TOU_TIERED)
            add_tier_lines (&lc, charge->cycle_used, q_seg, TRUE);
        }
      else
        {
          gint64 upto = share_until (q_total, t0, t1, seg_end);

          q_seg = upto - done_total;
          done_total = upto;
          if (v->scheme == VP_TARIFF_FLAT)
            add_line (&lc, self->utility == VP_UTILITY_WATER ? _("Water") : _("Energy"),
                      q_seg, v->rates[0]);
          else
            add_tier_lines (&lc, charge->cycle_used, q_seg, FALSE);
        }

      charge->cycle_used += q_seg;
      charge->consumption += q_seg;
      g_free (lc.suffix);
      seg_start = seg_end;
    }
  while (seg_start < t1);

  charge->charge_fen = vp_tariff_round_with_carry (charge->amount_micro, &charge->remainder);
  return g_steal_pointer (&charge);
}

/* Fixed-point decimal text → integer with exactly @decimals decimals; no floating
 * point. Accepts surrounding white space, digits, optionally '.' and 1..@decimals
 * digits. */
static gboolean
parse_fixed (const char  *text,
             guint        decimals,
             gint64       max,
             gint64      *out_value)
{
  const char *p = text;
  gint64 value = 0;
  guint n_int = 0, n_dec = 0;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    goto bad;

  while (g_ascii_isspace (*p))
    p++;
  for (; g_ascii_isdigit (*p); p++, n_int++)
    if (value <= max)
      value = value * 10 + (*p - '0');
  if (n_int == 0)
    goto bad;
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, n_dec++)
        if (n_dec < decimals && value <= max)
          value = value * 10 + (*p - '0');
      if (n_dec == 0 || n_dec > decimals)
        goto bad;
    }
  for (guint i = n_dec; i < decimals && value <= max; i++)
    value *= 10;
  while (g_ascii_isspace (*p))
    p++;
  if (*p != '\0')
    goto bad;
  if (value > max)
    goto bad;

  *out_value = value;
  return TRUE;

bad:
  return FALSE;
}

/* parse_fixed() with an error that says what to type: prices have four decimals,
 * quantities two. */
static gboolean
parse_decimal (const char  *text,
               guint        decimals,
               gint64       max,
               gint64      *out_value,
               GError     **error)
{
  g_autofree char *shown = NULL;

  if (parse_fixed (text, decimals, max, out_value))
    return TRUE;

  shown = text ? g_utf8_make_valid (text, -1) : g_strdup ("");
  if (decimals == 4)
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a price; type yuan per unit with at most four decimals, e.g. 0.5283"),
                 shown);
  else
    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                 _("“%s” is not a quantity; type kWh or m³ with at most two decimals, e.g. 150 or 12.5"),
                 shown);
  return FALSE;
}

/*
 * vp_tariff_price_parse:
 * @text: a price in yuan per unit, e.g. "0.5283", "1", "0.6"
 * @out_price: (out): the price in 0.0001 yuan
 *
 * Exact: up to four decimals, no sign, at most 9999.9999. Anything else is refused
 * with VP_MODEL_ERROR_INVALID_ARGUMENT; @out_price is written only on success.
 */
gboolean
vp_tariff_price_parse (const char  *text,
                       gint64      *out_price,
                       GError     **error)
{
  g_return_val_if_fail (out_price != NULL, FALSE);
  return parse_decimal (text, 4, VP_TARIFF_PRICE_MAX, out_price, error);
}

/*
 * vp_tariff_quantity_parse:
 * @text: a quantity in kWh or m³, e.g. "150", "12.5"
 * @out_quantity: (out): in 0.01 units
 *
 * Exact: up to two decimals, no sign, at most 99 999 999 999.99.
 */
gboolean
vp_tariff_quantity_parse (const char  *text,
                          gint64      *out_quantity,
                          GError     **error)
{
  g_return_val_if_fail (out_quantity != NULL, FALSE);
  return parse_decimal (text, 2, G_GINT64_CONSTANT (9999999999999), out_quantity, error);
}

static char *
format_fixed (gint64 value,
              guint  decimals)
{
  guint64 scale = 1;
  guint64 abs_value = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  for (guint i = 0; i < decimals; i++)
    scale *= 10;
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                          value < 0 ? "-" : "", abs_value / scale,
                          (int) decimals, abs_value % scale);
}

/* Returns: (transfer full): @price (0.0001 yuan) as "0.5283". */
char *
vp_tariff_price_format (gint64 price)
{
  return format_fixed (price, 4);
}

/* Returns: (transfer full): @quantity (0.01 units) as "12.50". */
char *
vp_tariff_quantity_format (gint64 quantity)
{
  return format_fixed (quantity, 2);
}

static void
append_list (GString      *out,
             const char   *key,
             const gint64 *values,
             guint         n_values)
{
  if (out->len > 0)
    g_string_append_c (out, ';');
  g_string_append_printf (out, "%s=", key);
  for (guint i = 0; i < n_values; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", values[i]);
}

/*
 * vp_tariff_version_to_params:
 *
 * Returns: (transfer full): the prices of @version as storage text, integers only
 * ("rates=5283" for a flat tariff; tiers add "limits=…;prices=…;cycle=…;start=…").
 * vp_tariff_version_from_params() reads it back exactly.
 */
char *
vp_tariff_version_to_params (const VpTariffVersion *version)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (version != NULL, NULL);

  if (version->scheme == VP_TARIFF_FLAT)
    append_list (out, "rates", version->rates, 1);
  else if (scheme_is_tou (version->scheme))
    append_list (out, "rates", version->rates, VP_N_RATES);
  if (scheme_is_tiered (version->scheme))
    {
      append_list (out, "limits", version->tier_limits, version->n_tiers - 1);
      append_list (out, "prices", version->tier_prices, version->n_tiers);
      if (version->cycle == VP_BILLING_CYCLE_YEARLY)
        g_string_append_printf (out, ";cycle=yearly;start=%02u-%02u",
                                version->cycle_start_month, version->cycle_start_day);
      else
        g_string_append_printf (out, ";cycle=monthly;start=%02u", version->cycle_start_day);
    }
  return g_string_free (out, FALSE);
}

/* "1,2,3" → values; FALSE when not 1..@max plain integers. */
static gboolean
parse_list (const char *text,
            gint64     *values,
            guint       max,
            guint      *out_n)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);

  if (n == 0 || n > max)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!g_ascii_string_to_signed (parts[i], 10, 0, G_MAXINT64, &values[i], NULL))
      return FALSE;
  *out_n = n;
  return TRUE;
}

/*
 * vp_tariff_version_from_params:
 * @scheme: the stored scheme
 * @params: the stored text
 * @out_version: (out): scheme and prices filled in (id, version and effective_from are
 *   left to the caller)
 *
 * Refuses text that does not describe a valid version with
 * VP_MODEL_ERROR_CORRUPT naming the text.
 */
gboolean
vp_tariff_version_from_params (VpTariffScheme    scheme,
                               const char       *params,
                               VpTariffVersion  *out_version,
                               GError          **error)
{
  g_auto(GStrv) fields = NULL;
  VpTariffVersion v = { 0 };
  guint n_rates = 0, n_limits = 0, n_prices = 0;
  guint expect_rates = scheme == VP_TARIFF_FLAT ? 1 : scheme_is_tou (scheme) ? VP_N_RATES : 0;

  g_return_val_if_fail (params != NULL && out_version != NULL, FALSE);

  v.scheme = scheme;
  v.cycle_start_day = 1;
  v.cycle_start_month = 1;
  fields = g_strsplit (params, ";", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *f = fields[i];
      gboolean ok = TRUE;

      if (g_str_has_prefix (f, "rates="))
        ok = parse_list (f + 6, v.rates, VP_N_RATES, &n_rates);
      else if (g_str_has_prefix (f, "limits="))
        ok = f[7] == '\0' || parse_list (f + 7, v.tier_limits, VP_TARIFF_MAX_TIERS - 1, &n_limits);
      else if (g_str_has_prefix (f, "prices="))
        ok = parse_list (f + 7, v.tier_prices, VP_TARIFF_MAX_TIERS, &n_prices);
      else if (g_str_equal (f, "cycle=monthly"))
        v.cycle = VP_BILLING_CYCLE_MONTHLY;
      else if (g_str_equal (f, "cycle=yearly"))
        v.cycle = VP_BILLING_CYCLE_YEARLY;
      else if (g_str_has_prefix (f, "start="))
        {
          guint m = 0, d = 0;

          if (sscanf (f + 6, "%u-%u", &m, &d) == 2)
            {
              v.cycle_start_month = m;
              v.cycle_start_day = d;
            }
          else
            ok = sscanf (f + 6, "%u", &v.cycle_start_day) == 1;
        }
      else
        ok = FALSE;

      if (!ok)
        goto corrupt;
    }

  v.n_tiers = n_prices;
  if (n_rates != expect_rates
      || (scheme_is_tiered (scheme) && (n_prices == 0 || n_limits + 1 != n_prices))
      || (!scheme_is_tiered (scheme) && n_prices != 0))
    goto corrupt;
  if (!vp_tariff_version_check (&v, scheme_is_tou (scheme) ? VP_UTILITY_ELECTRICITY
                                                            : VP_UTILITY_WATER, NULL))
    goto corrupt;

  *out_version = v;
  return TRUE;

corrupt:
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
               _("The stored tariff prices “%s” cannot be read"), params);
  return FALSE;
}

/*
 * vp_tariff_parse_rates:
 * @text: @n_rates prices in yuan separated by commas ("0.9,0.7,0.5,0.3")
 * @out_rates: (out) (array fixed-size=n_rates): written only on success
 */
gboolean
vp_tariff_parse_rates (const char  *text,
                       guint        n_rates,
                       gint64      *out_rates,
                       GError     **error)
{
  g_auto(GStrv) parts = NULL;
  gint64 rates[VP_N_RATES];

  g_return_val_if_fail (n_rates >= 1 && n_rates <= VP_N_RATES, FALSE);
  g_return_val_if_fail (out_rates != NULL, FALSE);

  parts = g_strsplit (text != NULL ? text : "", ",", -1);
  if (g_strv_length (parts) != n_rates)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Give %u prices separated by commas (sharp, peak, flat, valley), e.g. 0.9,0.7,0.5,0.3"),
                   n_rates);
      return FALSE;
    }
  for (guint i = 0; i < n_rates; i++)
    if (!vp_tariff_price_parse (parts[i], &rates[i], error))
      return FALSE;
  memcpy (out_rates, rates, n_rates * sizeof (gint64));
  return TRUE;
}

/*
 * vp_tariff_parse_tiers:
 * @text: "LIMIT:PRICE,…,PRICE": every tier but the last ends at a limit (kWh or m³
 *   of the billing cycle); the last has only a price
 * @version: (inout): n_tiers, tier_limits and tier_prices are written on success
 */
gboolean
vp_tariff_parse_tiers (const char       *text,
                       VpTariffVersion  *version,
                       GError          **error)
{
  g_auto(GStrv) parts = NULL;
  gint64 limits[VP_TARIFF_MAX_TIERS] = { 0 };
  gint64 prices[VP_TARIFF_MAX_TIERS] = { 0 };
  guint n;

  g_return_val_if_fail (version != NULL, FALSE);

  parts = g_strsplit (text != NULL ? text : "", ",", -1);
  n = g_strv_length (parts);
  if (n < 1 || n > VP_TARIFF_MAX_TIERS)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Give 1 to %d tiers as LIMIT:PRICE,…,PRICE, e.g. 200:0.5283,400:0.5783,0.8283"),
                   VP_TARIFF_MAX_TIERS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      g_auto(GStrv) pair = g_strsplit (parts[i], ":", -1);
      guint n_pair = g_strv_length (pair);

      if (n_pair != (i + 1 < n ? 2u : 1u))
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Tier %u “%s”: every tier but the last is LIMIT:PRICE, the last only PRICE"),
                       i + 1, parts[i]);
          return FALSE;
        }
      if ((n_pair == 2 && !vp_tariff_quantity_parse (pair[0], &limits[i], error))
          || !vp_tariff_price_parse (pair[n_pair - 1], &prices[i], error))
        return FALSE;
      if (n_pair == 2 && (limits[i] <= 0 || (i > 0 && limits[i] <= limits[i - 1])))
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                               _("Tier limits must be above zero and increase from tier to tier"));
          return FALSE;
        }
    }
  version->n_tiers = n;
  memcpy (version->tier_limits, limits, sizeof limits);
  memcpy (version->tier_prices, prices, sizeof prices);
  return TRUE;
}

/* Returns: (transfer full): @version's prices in one line, for lists. */
char *
vp_tariff_version_describe (const VpTariffVersion *version,
                            VpUtility              utility)
{
  const char *unit = utility == VP_UTILITY_WATER ? "m³" : "kWh";
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (version != NULL, NULL);

  if (version->scheme == VP_TARIFF_FLAT)
    {
      g_autofree char *p = vp_tariff_price_format (version->rates[0]);

      g_string_append_printf (out, _("flat %s yuan/%s"), p, unit);
    }
  else if (scheme_is_tou (version->scheme))
    {
      g_string_append (out, _("time of use"));
      for (guint r = 0; r < VP_N_RATES; r++)
        {
          g_autofree char *p = vp_tariff_price_format (version->rates[r]);

          g_string_append_printf (out, " %s %s", rate_label (r), p);
        }
      g_string_append_printf (out, _(" yuan/%s"), unit);
    }
  if (scheme_is_tiered (version->scheme))
    {
      if (out->len > 0)
        g_string_append (out, _("; surcharge "));
      g_string_append (out, _("tiers:"));
      for (guint i = 0; i < version->n_tiers; i++)
        {
          g_autofree char *p = vp_tariff_price_format (version->tier_prices[i]);

          if (i + 1 < version->n_tiers)
            {
              g_autofree char *l = vp_tariff_quantity_format (version->tier_limits[i]);

              g_string_append_printf (out, _(" up to %s %s: %s,"), l, unit, p);
            }
          else
            g_string_append_printf (out, _(" above: %s"), p);
        }
      if (version->cycle == VP_BILLING_CYCLE_YEARLY)
        g_string_append_printf (out, _(" (yearly from %02u-%02u)"),
                                version->cycle_start_month, version->cycle_start_day);
      else
        g_string_append_printf (out, _(" (monthly from day %u)"), version->cycle_start_day);
    }
  return g_string_free (out, FALSE);
}

static const char *scheme_names[] = { "flat", "tou", "tiered", "tou-tiered" };
static const char *utility_names[] = { "electricity", "water" };

const char *
vp_tariff_scheme_to_string (VpTariffScheme scheme)
{
  g_return_val_if_fail (scheme < G_N_ELEMENTS (scheme_names), NULL);
  return scheme_names[scheme];
}

static gboolean
lookup_name (const char  *text,
             const char **names,
             guint        n_names,
             guint       *out_index)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    if (g_str_equal (text, names[i]))
      {
        *out_index = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
vp_tariff_scheme_from_string (const char     *text,
                              VpTariffScheme *out_scheme)
{
  guint i;

  g_return_val_if_fail (out_scheme != NULL, FALSE);
  if (!lookup_name (text, scheme_names, G_N_ELEMENTS (scheme_names), &i))
    return FALSE;
  *out_scheme = i;
  return TRUE;
}

const char *
vp_utility_to_string (VpUtility utility)
{
  g_return_val_if_fail (utility < G_N_ELEMENTS (utility_names), NULL);
  return utility_names[utility];
}

gboolean
vp_utility_from_string (const char *text,
                        VpUtility  *out_utility)
{
  guint i;

  g_return_val_if_fail (out_utility != NULL, FALSE);
  if (!lookup_name (text, utility_names, G_N_ELEMENTS (utility_names), &i))
    return FALSE;
  *out_utility = i;
  return TRUE;
}
