/* vp-capital.h: amounts in Chinese capital numerals (大写金额)
 *
 * Receipts print every amount twice, in figures and in the capital numerals that
 * cannot be altered by adding a stroke (壹贰叁 instead of 一二三), as Chinese
 * financial practice requires on vouchers.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest magnitude vp_capital_from_fen() spells: 9999 亿 9999 万 9999 元 9 角 9 分. */
#define VP_CAPITAL_MAX_FEN G_GINT64_CONSTANT (99999999999999)

char *vp_capital_from_fen (gint64    fen,
                           GError  **error);

G_END_DECLS
