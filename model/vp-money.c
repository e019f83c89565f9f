/* vp-money.c: exact money amounts
 *
 * The parser reads digits into an integer; no floating point is ever involved.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-model-error.h"
#include "vp-money.h"

/*
 * vp_money_parse:
 * @text: an amount in yuan as a person types it: "12", "12.3", "12.30", "-5.00"
 * @flags: which signs are allowed (positive only by default)
 * @out_fen: (out): the amount in fen
 *
 * Accepts optional surrounding white space, an optional leading '-' (or '+'), one or
 * more digits, and optionally '.' followed by one or two digits. Refuses everything
 * else with VP_MODEL_ERROR_INVALID_AMOUNT and a message that says what to type.
 * @out_fen is only written on success.
 */
gboolean
vp_money_parse (const char    *text,
                VpMoneyFlags   flags,
                gint64        *out_fen,
                GError       **error)
{
  const char *p;
  gboolean negative = FALSE;
  gint64 yuan = 0;
  gint64 fen = 0;
  guint n_int = 0;
  guint n_dec = 0;
  gint64 value;

  g_return_val_if_fail (out_fen != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("No amount was given; type an amount such as 50 or 12.30"));
      return FALSE;
    }

  if (!g_utf8_validate (text, -1, NULL))
    goto not_a_number;

  p = text;
  while (g_ascii_isspace (*p))
    p++;

  if (*p == '-' || *p == '+')
    {
      negative = (*p == '-');
      p++;
    }

  for (; g_ascii_isdigit (*p); p++)
    {
      /* Stop counting before the value could overflow; the range check below
       * reports it. */
      if (yuan <= VP_MONEY_MAX)
        yuan = yuan * 10 + (*p - '0');
      n_int++;
    }

  if (n_int == 0)
    goto not_a_number;

  if (*p == '.')
    {
      p++;
      for (; g_ascii_isdigit (*p); p++)
        {
          if (n_dec < 2)
            fen = fen * 10 + (*p - '0');
          n_dec++;
        }
      if (n_dec == 0)
        goto not_a_number;
      if (n_dec > 2)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                       _("“%s” has more than two decimals; amounts are in yuan and fen (e.g. 12.30)"),
                       text);
          return FALSE;
        }
      if (n_dec == 1)
        fen *= 10;
    }

  while (g_ascii_isspace (*p))
    p++;

  if (*p != '\0')
    goto not_a_number;

  if (yuan > VP_MONEY_MAX / 100)
    goto too_large;

  value = yuan * 100 + fen;
  if (value > VP_MONEY_MAX)
    goto too_large;

  if (negative)
    value = -value;

  if (value == 0 && !(flags & VP_MONEY_ALLOW_ZERO))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The amount must be more than zero"));
      return FALSE;
    }

  if (value < 0 && !(flags & VP_MONEY_ALLOW_NEGATIVE))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                   _("“%s” is negative; type the amount without a minus sign"), text);
      return FALSE;
    }

  *out_fen = value;
  return TRUE;

too_large:
  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
               _("“%s” is too large; the largest amount is 99999999999.99"), text);
  return FALSE;

not_a_number:
  {
    g_autofree char *shown = g_utf8_make_valid (text, -1);

    g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                 _("“%s” is not an amount; type digits with at most two decimals, e.g. 12.30"),
                 shown);
    return FALSE;
  }
}

/*
 * vp_money_format:
 * @fen: an amount in fen
 *
 * Returns: (transfer full): the amount in yuan with exactly two decimals and a
 * leading '-' when negative ("12.30", "-0.05"). Inverse of vp_money_parse().
 */
char *
vp_money_format (gint64 fen)
{
  /* Digits by hand, right to left: reports format every cell with this, and printf's
   * machinery is most of the cost of a short number. */
  char buffer[32];
  char *p = buffer + sizeof buffer;
  guint64 abs_fen, yuan;

  /* Negate in unsigned arithmetic so G_MININT64 does not overflow. */
  abs_fen = fen < 0 ? (guint64) 0 - (guint64) fen : (guint64) fen;
  yuan = abs_fen / 100;

  *--p = '\0';
  *--p = (char) ('0' + abs_fen % 10);
  *--p = (char) ('0' + abs_fen / 10 % 10);
  *--p = '.';
  do
    {
      *--p = (char) ('0' + yuan % 10);
      yuan /= 10;
    }
  while (yuan > 0);
  if (fen < 0)
    *--p = '-';
  return g_strdup (p);
}
