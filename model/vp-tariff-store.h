/* vp-tariff-store.h: tariffs in the database
 *
 * Versions are rows of the tariffs table (data/migrations/0002-accounts.sql) written
 * through vp_tariff_define(), so adding one is checked (VP_PERM_TARIFF_MANAGE) and
 * audited there; the prices are the params text of vp_tariff_version_to_params().
 */
#pragma once

#include "vp-session.h"
#include "vp-tariff.h"
#include "vp-types.h"

G_BEGIN_DECLS

/* Checks @version (vp_tariff_version_check) and stores it as the next version of
 * @name (version 1 for a new name). A name keeps its utility: adding a water version
 * to an electricity tariff is INVALID_ARGUMENT. @out_version: (out) (optional). */
gboolean    vp_tariff_store_add  (VpDatabase             *db,
                                  VpSession              *actor,
                                  const char             *name,
                                  VpUtility               utility,
                                  const VpTariffVersion  *version,
                                  guint                  *out_version,
                                  GError                **error);
/* The tariff @name with all its versions; NOT_FOUND when there is none, CORRUPT when
 * a stored version cannot be read. */
VpTariff   *vp_tariff_store_load (VpDatabase             *db,
                                  const char             *name,
                                  GError                **error);
/* Every tariff (VpTariff *), by name. */
GPtrArray  *vp_tariff_store_list (VpDatabase             *db,
                                  GError                **error);

G_END_DECLS
