/* fuzz-money.c: the money parser (model/vp-money.c) on arbitrary text
 *
 * Whatever the bytes, vp_money_parse() either refuses with a VP_MODEL_ERROR or returns
 * an amount within ±VP_MONEY_MAX that obeys the sign flags, and what vp_money_format()
 * prints for it parses back to the same fen.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vp-model-error.h"
#include "vp-money.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The first byte picks the flags; the rest is the text (NUL-terminated copy; an
   * embedded NUL ends it early, as it would in any C caller). */
  VpMoneyFlags flags = size > 0 ? (VpMoneyFlags) (data[0] & 3) : VP_MONEY_POSITIVE;
  g_autofree char *text = g_strndup (size > 0 ? (const char *) data + 1 : "", size > 0 ? size - 1 : 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *printed = NULL;
  gint64 fen = G_MININT64;
  gint64 again = G_MININT64;

  if (!vp_money_parse (text, flags, &fen, &error))
    {
      FUZZ_CHECK (error != NULL && error->domain == VP_MODEL_ERROR);
      FUZZ_CHECK (error->message != NULL && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (fen <= VP_MONEY_MAX && fen >= -VP_MONEY_MAX);
  FUZZ_CHECK (fen != 0 || (flags & VP_MONEY_ALLOW_ZERO));
  FUZZ_CHECK (fen >= 0 || (flags & VP_MONEY_ALLOW_NEGATIVE));

  printed = vp_money_format (fen);
  FUZZ_CHECK (printed != NULL && g_utf8_validate (printed, -1, NULL));
  FUZZ_CHECK (vp_money_parse (printed, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &again, NULL));
  FUZZ_CHECK (again == fen);
  return 0;
}
