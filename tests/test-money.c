/* test-money.c: exact parsing and printing of amounts */
#include "vp-model-error.h"
#include "vp-money.h"

typedef struct
{
  const char   *text;
  VpMoneyFlags  flags;
  gint64        fen;     /* expected when ok */
  gboolean      ok;
} ParseCase;

static const ParseCase parse_cases[] = {
  { "12.3",           VP_MONEY_POSITIVE,        1230, TRUE },
  { "12.30",          VP_MONEY_POSITIVE,        1230, TRUE },
  { "0.01",           VP_MONEY_POSITIVE,        1,    TRUE },
  { "12",             VP_MONEY_POSITIVE,        1200, TRUE },
  { " 50 ",           VP_MONEY_POSITIVE,        5000, TRUE },
  { "+7.5",           VP_MONEY_POSITIVE,        750,  TRUE },
  { "0.10",           VP_MONEY_POSITIVE,        10,   TRUE },
  { "007.07",         VP_MONEY_POSITIVE,        707,  TRUE },
  { "99999999999.99", VP_MONEY_POSITIVE,        G_GINT64_CONSTANT (9999999999999), TRUE },
  { "0",              VP_MONEY_ALLOW_ZERO,      0,    TRUE },
  { "0.00",           VP_MONEY_ALLOW_ZERO,      0,    TRUE },
  { "-0.05",          VP_MONEY_ALLOW_NEGATIVE,  -5,   TRUE },
  { "-12.30",         VP_MONEY_ALLOW_NEGATIVE,  -1230, TRUE },
  /* refused */
  { "0",              VP_MONEY_POSITIVE,        0, FALSE },
  { "0.00",           VP_MONEY_POSITIVE,        0, FALSE },
  { "-1",             VP_MONEY_POSITIVE,        0, FALSE },
  { "-1",             VP_MONEY_ALLOW_ZERO,      0, FALSE },
  { "1.234",          VP_MONEY_POSITIVE,        0, FALSE },
  { "1.000",          VP_MONEY_POSITIVE,        0, FALSE },
  { "100000000000",   VP_MONEY_POSITIVE,        0, FALSE },
  { "99999999999999999999999", VP_MONEY_POSITIVE, 0, FALSE },
  { "abc",            VP_MONEY_POSITIVE,        0, FALSE },
  { "",               VP_MONEY_POSITIVE,        0, FALSE },
  { " ",              VP_MONEY_POSITIVE,        0, FALSE },
  { "1.",             VP_MONEY_POSITIVE,        0, FALSE },
  { ".5",             VP_MONEY_POSITIVE,        0, FALSE },
  { "1,5",            VP_MONEY_POSITIVE,        0, FALSE },
  { "1e3",            VP_MONEY_POSITIVE,        0, FALSE },
  { "12 3",           VP_MONEY_POSITIVE,        0, FALSE },
  { "--1",            VP_MONEY_ALLOW_NEGATIVE,  0, FALSE },
  { "0x10",           VP_MONEY_POSITIVE,        0, FALSE },
  { "１２",           VP_MONEY_POSITIVE,        0, FALSE },
  { "12\xff",         VP_MONEY_POSITIVE,        0, FALSE },
  { "NaN",            VP_MONEY_POSITIVE,        0, FALSE },
};

static void
test_money_parse (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    {
      const ParseCase *c = &parse_cases[i];
      g_autoptr(GError) error = NULL;
      gint64 fen = G_GINT64_CONSTANT (0x5a5a5a5a);
      /* escaped: some cases are deliberately not UTF-8, and TAP output must be */
      g_autofree char *shown = g_strescape (c->text, NULL);
      gboolean ok;

      g_test_message ("case %u: “%s”", i, shown);
      ok = vp_money_parse (c->text, c->flags, &fen, &error);
      if (c->ok)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (fen, ==, c->fen);
        }
      else
        {
          g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
          g_assert_false (ok);
          g_assert_nonnull (error->message);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          /* untouched on failure */
          g_assert_cmpint (fen, ==, G_GINT64_CONSTANT (0x5a5a5a5a));
        }
    }
}

static void
test_money_null (void)
{
  g_autoptr(GError) error = NULL;
  gint64 fen;

  g_assert_false (vp_money_parse (NULL, VP_MONEY_ALLOW_ZERO, &fen, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
}

static void
test_money_format (void)
{
  static const struct { gint64 fen; const char *text; } cases[] = {
    { 0, "0.00" }, { 1, "0.01" }, { 10, "0.10" }, { 1230, "12.30" },
    { -5, "-0.05" }, { -1230, "-12.30" }, { 9999999999999, "99999999999.99" },
    { G_MININT64, "-92233720368547758.08" }, { G_MAXINT64, "92233720368547758.07" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = vp_money_format (cases[i].fen);
      g_assert_cmpstr (s, ==, cases[i].text);
    }
}

static void
test_money_round_trip (void)
{
  /* every amount survives format → parse, including random large ones */
  for (guint i = 0; i < 20000; i++)
    {
      gint64 fen = (i < 10000) ? (gint64) i - 5000
                               : g_random_int_range (-1000000, 1000000) * (gint64) 1000003;
      g_autofree char *s = vp_money_format (fen);
      g_autoptr(GError) error = NULL;
      gint64 back = 0;

      g_assert_true (vp_money_parse (s, VP_MONEY_ALLOW_NEGATIVE | VP_MONEY_ALLOW_ZERO,
                                     &back, &error));
      g_assert_no_error (error);
      g_assert_cmpint (back, ==, fen);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vp/money/parse", test_money_parse);
  g_test_add_func ("/vp/money/null", test_money_null);
  g_test_add_func ("/vp/money/format", test_money_format);
  g_test_add_func ("/vp/money/round-trip", test_money_round_trip);
  return g_test_run ();
}
