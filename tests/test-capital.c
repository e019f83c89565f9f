/* test-capital.c: amounts in Chinese capital numerals */
#include "config.h"

#include "vp-capital.h"
#include "vp-model-error.h"

typedef struct
{
  gint64      fen;
  const char *capital;
} CapitalCase;

/* Expected texts follow the examples of 《正确填写票据和结算凭证的基本规定》. */
static const CapitalCase cases[] = {
  { 0,                                 "零元整" },
  { 1,                                 "壹分" },
  { 10,                                "壹角" },
  { 95,                                "玖角伍分" },
  { 100,                               "壹元整" },
  { 101,                               "壹元零壹分" },
  { 110,                               "壹元壹角" },
  { 1000,                              "壹拾元整" },
  { 1030,                              "壹拾元叁角" },
  { 1500,                              "壹拾伍元整" },
  { 10000,                             "壹佰元整" },
  { 10530,                             "壹佰零伍元叁角" },
  { 100500,                            "壹仟零伍元整" },
  { 100530,                            "壹仟零伍元叁角" },
  { 101001,                            "壹仟零壹拾元零壹分" },
  { 168032,                            "壹仟陆佰捌拾元叁角贰分" },
  { 140950,                            "壹仟肆佰零玖元伍角" },
  { 1640902,                           "壹万陆仟肆佰零玖元零贰分" },
  { 10000000,                          "壹拾万元整" },
  { 10700053,                          "壹拾万零柒仟元伍角叁分" },
  { 325000000,                         "叁佰贰拾伍万元整" },
  { 100000100,                         "壹佰万零壹元整" },
  { 1000100000,                        "壹仟万零壹仟元整" },
  { G_GINT64_CONSTANT (10000000000),   "壹亿元整" },
  { G_GINT64_CONSTANT (10001000000),   "壹亿零壹万元整" },
  { G_GINT64_CONSTANT (10000000100),   "壹亿零壹元整" },
  { G_GINT64_CONSTANT (123456789012),  "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分" },
  { G_GINT64_CONSTANT (99999999999999),
    "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分" },
  { -1,                                "负壹分" },
  { -10000,                            "负壹佰元整" },
  { -10530,                            "负壹佰零伍元叁角" },
  { -95,                               "负玖角伍分" },
};

static void
test_capital_table (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (cases), >=, 25);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = vp_capital_from_fen (cases[i].fen, &error);

      g_test_message ("%" G_GINT64_FORMAT " fen → %s", cases[i].fen,
                      text ? text : "(error)");
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, cases[i].capital);
    }
}

static void
test_capital_out_of_range (void)
{
  static const gint64 too_large[] = {
    VP_CAPITAL_MAX_FEN + 1,
    -(VP_CAPITAL_MAX_FEN + 1),
    G_MAXINT64,
    G_MININT64,
  };

  for (guint i = 0; i < G_N_ELEMENTS (too_large); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = vp_capital_from_fen (too_large[i], &error);

      g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
      g_assert_null (text);
    }
}

/* Every amount in a wide sweep must spell back to itself: read the capital text
 * with an independent parser and compare. Catches dropped units and stray 零. */
static gint64
parse_capital (const char *text)
{
  static const char * const digit_chars[] = {
    "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖",
  };
  gint64 total = 0;   /* in fen */
  gint64 group = 0;   /* current group below 万, in yuan */
  gint64 high = 0;    /* 亿 and 万 parts, in yuan */
  gint64 digit = 0;
  gboolean negative = FALSE;
  const char *p = text;

  if (g_str_has_prefix (p, "负"))
    {
      negative = TRUE;
      p += strlen ("负");
    }

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      gboolean matched = FALSE;

      for (guint d = 0; d < G_N_ELEMENTS (digit_chars); d++)
        if (c == g_utf8_get_char (digit_chars[d]))
          {
            digit = d;
            matched = TRUE;
          }

      if (!matched)
        switch (c)
          {
          case 0x62FE: /* 拾 */ group += digit * 10; digit = 0; break;
          case 0x4F70: /* 佰 */ group += digit * 100; digit = 0; break;
          case 0x4EDF: /* 仟 */ group += digit * 1000; digit = 0; break;
          case 0x4E07: /* 万 */ high += (group + digit) * 10000; group = digit = 0; break;
          case 0x4EBF: /* 亿 */ high = (high + group + digit) * 100000000; group = digit = 0; break;
          case 0x5143: /* 元 */ total = (high + group + digit) * 100; group = digit = 0; break;
          case 0x89D2: /* 角 */ total += digit * 10; digit = 0; break;
          case 0x5206: /* 分 */ total += digit; digit = 0; break;
          case 0x6574: /* 整 */ break;
          default: g_assert_not_reached ();
          }
      p = g_utf8_next_char (p);
    }

  return negative ? -total : total;
}

static void
test_capital_round_trip (void)
{
  gint64 fen = 1;

  /* Every amount up to 200 yuan, then a geometric sweep up to the limit whose
   * multiplications put zeros in every place and group. */
  for (gint64 small = 1; small <= 20000; small++)
    {
      g_autofree char *text = vp_capital_from_fen (small, NULL);

      if (parse_capital (text) != small)
        g_error ("%" G_GINT64_FORMAT " fen spelled as %s", small, text);
    }

  while (fen <= VP_CAPITAL_MAX_FEN / 7)
    {
      const gint64 probes[] = { fen, fen * 7, fen + 1, fen * 10 + 3, fen * 1001 };

      for (guint i = 0; i < G_N_ELEMENTS (probes); i++)
        {
          g_autofree char *text = NULL;

          if (probes[i] > VP_CAPITAL_MAX_FEN)
            continue;
          text = vp_capital_from_fen (probes[i], NULL);
          g_assert_nonnull (text);
          if (parse_capital (text) != probes[i])
            g_error ("%" G_GINT64_FORMAT " fen spelled as %s", probes[i], text);
          /* A 零 is never doubled, never ends the text, and never stands before a unit. */
          g_assert_null (strstr (text, "零零"));
          g_assert_null (strstr (text, "零万"));
          g_assert_null (strstr (text, "零亿"));
          g_assert_null (strstr (text, "零元"));
        }
      fen = fen * 3 + 1;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/capital/table", test_capital_table);
  g_test_add_func ("/vp/capital/out-of-range", test_capital_out_of_range);
  g_test_add_func ("/vp/capital/round-trip", test_capital_round_trip);

  return g_test_run ();
}
