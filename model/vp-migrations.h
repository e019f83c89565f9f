/* vp-migrations.h: the schema migrations compiled into the model (private to model/)
 *
 * Contract: migrations are the resources data/migrations/NNNN-name.sql, numbered
 * contiguously from 1; migration N takes the schema from version N-1 to N.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The highest migration number, i.e. the schema version this build writes. FALSE with
 * @error when the compiled-in set is broken (a gap or duplicate number). */
gboolean  vp_migrations_check  (int       *out_latest,
                                GError   **error);
/* The SQL of migration @version (1 ≤ version ≤ latest), NUL-terminated. */
GBytes   *vp_migrations_lookup (int        version,
                                GError   **error);

G_END_DECLS
