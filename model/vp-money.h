/* vp-money.h: exact money amounts
 *
 * Money is always a gint64 count of fen (0.01 yuan). Text is parsed and printed
 * here and nowhere else, so "12.3", "12.30" and "0.01" mean exactly 1230, 1230 and 1 fen.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VP_MONEY_POSITIVE       = 0,      /* default: amount must be > 0 */
  VP_MONEY_ALLOW_ZERO     = 1 << 0,
  VP_MONEY_ALLOW_NEGATIVE = 1 << 1,
} VpMoneyFlags;

/* Largest amount the parser accepts: 99 999 999 999.99 yuan. Far above any real
 * movement, far below G_MAXINT64, so sums of many amounts cannot overflow. */
#define VP_MONEY_MAX ((gint64) 9999999999999)

gboolean vp_money_parse  (const char    *text,
                          VpMoneyFlags   flags,
                          gint64        *out_fen,
                          GError       **error);
char    *vp_money_format (gint64         fen);

G_END_DECLS
