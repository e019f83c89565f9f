/* vp-capital.c: amounts in Chinese capital numerals (大写金额)
 *
 * The rules are those of the People's Bank of China, 《支付结算办法》 annex
 * 《正确填写票据和结算凭证的基本规定》 (银发〔1997〕393号), items 3–6:
 * - 元 is followed by 整 when there are no 角 or 分; after 角 the 整 may be left out
 *   (we leave it out), and never after 分.
 * - A run of zeros between non-zero digits is written as one 零 (¥1,409.50 →
 *   壹仟肆佰零玖元伍角). Where the 万 or 元 place is zero but the next lower place is
 *   not, one 零 may be written or left out; we always write it inside the integer part
 *   (¥107,000.53 → 壹拾万零柒仟元伍角叁分) so the rule is one rule, and leave it out
 *   between 元 and 角 (¥1,680.32 → 壹仟陆佰捌拾元叁角贰分), the form most receipts use.
 * - When 角 is zero and 分 is not, 零 follows 元 (¥16,409.02 → 壹万陆仟肆佰零玖元零贰分).
 * - Before 拾 at the head of the amount 壹 is written (¥10 → 壹拾元整), so no digit
 *   can be added in front.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-capital.h"
#include "vp-model-error.h"

static const char * const digits[] = {
  "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖",
};

/* Units inside a group of four digits, from the lowest place. */
static const char * const places[] = { "", "拾", "佰", "仟" };

/* Units of the groups of four, from the lowest group. */
static const char * const groups[] = { "", "万", "亿" };

/* Appends the integer part @yuan (> 0). A zero digit is remembered and written as one
 * 零 only when a non-zero digit follows it, wherever the group boundary falls. */
static void
append_yuan (GString *out,
             guint64  yuan)
{
  guint n_digits = 0;
  guint8 d[12];
  gboolean pending_zero = FALSE;
  gboolean group_has_digit = FALSE;

  g_assert (yuan > 0);
  for (guint64 v = yuan; v > 0; v /= 10)
    {
      g_assert (n_digits < G_N_ELEMENTS (d));
      d[n_digits++] = v % 10;
    }

  for (guint i = n_digits; i-- > 0;)
    {
      guint place = i % 4;
      guint group = i / 4;

      if (d[i] == 0)
        pending_zero = TRUE;
      else
        {
          if (pending_zero)
            g_string_append (out, digits[0]);
          pending_zero = FALSE;
          g_string_append (out, digits[d[i]]);
          g_string_append (out, places[place]);
          group_has_digit = TRUE;
        }

      if (place == 0)
        {
          /* A group that is all zeros (壹亿零壹万: the 万 group "0001" is not,
           * 壹亿零壹元: it is) gets no unit. */
          if (group_has_digit)
            g_string_append (out, groups[group]);
          group_has_digit = FALSE;
        }
    }
}

/*
 * vp_capital_from_fen:
 * @fen: an amount in fen; negative amounts are prefixed with 负
 * @error: set with VP_MODEL_ERROR_INVALID_AMOUNT when |@fen| exceeds
 *   VP_CAPITAL_MAX_FEN (there is no unit above 亿 in receipts)
 *
 * Returns: (transfer full): the amount in capital numerals, e.g. 100 fen → "壹元整",
 * 10530 → "壹佰零伍元叁角", 95 → "玖角伍分", 0 → "零元整", or %NULL on error.
 */
char *
vp_capital_from_fen (gint64   fen,
                     GError **error)
{
  GString *out;
  guint64 abs_fen;
  guint64 yuan;
  guint jiao;
  guint fen_digit;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Negate in unsigned arithmetic so G_MININT64 does not overflow. */
  abs_fen = fen < 0 ? (guint64) 0 - (guint64) fen : (guint64) fen;
  if (abs_fen > (guint64) VP_CAPITAL_MAX_FEN)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                   _("The amount is too large to be written in capital numerals"));
      return NULL;
    }

  if (abs_fen == 0)
    return g_strdup ("零元整");

  yuan = abs_fen / 100;
  jiao = (abs_fen / 10) % 10;
  fen_digit = abs_fen % 10;

  out = g_string_new (fen < 0 ? "负" : "");
  if (yuan > 0)
    {
      append_yuan (out, yuan);
      g_string_append (out, "元");
    }

  if (jiao == 0 && fen_digit == 0)
    g_string_append (out, "整");
  else
    {
      if (jiao > 0)
        {
          g_string_append (out, digits[jiao]);
          g_string_append (out, "角");
        }
      else if (yuan > 0)
        g_string_append (out, digits[0]);

      if (fen_digit > 0)
        {
          g_string_append (out, digits[fen_digit]);
          g_string_append (out, "分");
        }
    }

  return g_string_free (out, FALSE);
}
