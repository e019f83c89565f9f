/* vp-tariff-store.c: tariffs in the database */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-account.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-tariff-store.h"

/*
 * vp_tariff_store_add:
 *
 * See vp-tariff-store.h. The write and its audit row are vp_tariff_define()'s own
 * transaction.
 */
gboolean
vp_tariff_store_add (VpDatabase             *db,
                     VpSession              *actor,
                     const char             *name,
                     VpUtility               utility,
                     const VpTariffVersion  *version,
                     guint                  *out_version,
                     GError                **error)
{
  g_autoptr(VpTariff) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *params = NULL;
  int stored = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (name != NULL && version != NULL, FALSE);

  if (!vp_tariff_version_check (version, utility, error))
    return FALSE;

  existing = vp_tariff_store_load (db, name, &local_error);
  if (existing != NULL && vp_tariff_get_utility (existing) != utility)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Tariff “%s” is a %s tariff; a new version must be too"),
                   name, vp_utility_to_string (vp_tariff_get_utility (existing)));
      return FALSE;
    }

  params = vp_tariff_version_to_params (version);
  if (!vp_tariff_define (db, actor, name, vp_utility_to_string (utility),
                         vp_tariff_scheme_to_string (version->scheme), params,
                         version->effective_from, &stored, error))
    return FALSE;

  if (out_version != NULL)
    *out_version = (guint) stored;
  return TRUE;
}

/* Adds the row under @stmt to @tariffs (by name, creating the VpTariff). */
static gboolean
add_row (GHashTable    *tariffs,
         GPtrArray     *order,
         sqlite3_stmt  *stmt,
         GError       **error)
{
  const char *name = (const char *) sqlite3_column_text (stmt, 0);
  const char *kind = (const char *) sqlite3_column_text (stmt, 3);
  const char *type = (const char *) sqlite3_column_text (stmt, 4);
  const char *params = (const char *) sqlite3_column_text (stmt, 5);
  VpTariff *tariff = g_hash_table_lookup (tariffs, name);
  VpTariffVersion v = { 0 };
  VpTariffScheme scheme;
  VpUtility utility;

  if (!vp_utility_from_string (kind, &utility) || !vp_tariff_scheme_from_string (type, &scheme))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_CORRUPT,
                   _("Tariff “%s” has an unknown kind or type (%s, %s)"), name, kind, type);
      return FALSE;
    }
  if (!vp_tariff_version_from_params (scheme, params, &v, error))
    return FALSE;
  v.id = sqlite3_column_int64 (stmt, 1);
  v.version = (guint) sqlite3_column_int64 (stmt, 2);
  v.effective_from = sqlite3_column_int64 (stmt, 6);

  if (tariff == NULL)
    {
      tariff = vp_tariff_new (name, utility);
      g_hash_table_insert (tariffs, g_strdup (name), tariff);
      g_ptr_array_add (order, vp_tariff_ref (tariff));
    }
  return vp_tariff_add_version (tariff, &v, error);
}

static GPtrArray *
load (VpDatabase  *db,
      const char  *name,
      GError     **error)
{
  g_autoptr(GHashTable) tariffs = NULL;
  g_autoptr(GPtrArray) order = NULL;
  sqlite3_stmt *stmt;
  int rc;

  tariffs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) vp_tariff_unref);
  order = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_tariff_unref);

  vp_database_lock (db);
  stmt = vp_database_prepare (db,
                              "SELECT name, id, version, kind, type, params, effective_from "
                              "FROM tariffs WHERE ?1 IS NULL OR name = ?1 "
                              "ORDER BY name, version", error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!add_row (tariffs, order, stmt, error))
      {
        sqlite3_reset (stmt);
        vp_database_unlock (db);
        return NULL;
      }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the tariffs"), error);
      sqlite3_reset (stmt);
      vp_database_unlock (db);
      return NULL;
    }
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return g_steal_pointer (&order);
}

/* See vp-tariff-store.h. */
VpTariff *
vp_tariff_store_load (VpDatabase  *db,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(GPtrArray) found = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  found = load (db, name, error);
  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no tariff “%s”"), name);
      return NULL;
    }
  return vp_tariff_ref (g_ptr_array_index (found, 0));
}

/* See vp-tariff-store.h. */
GPtrArray *
vp_tariff_store_list (VpDatabase  *db,
                      GError     **error)
{
  g_return_val_if_fail (db != NULL, NULL);
  return load (db, NULL, error);
}
