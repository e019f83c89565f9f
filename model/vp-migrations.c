/* vp-migrations.c: find the numbered migration files among the compiled resources */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "vp-migrations.h"
#include "vp-migrations-resources.h"
#include "vp-model-error.h"

#define MIGRATIONS_PATH "/org/vendpoint/Vendpoint/migrations"

typedef struct
{
  GPtrArray *names;     /* index N-1 → "NNNN-name.sql" */
  char      *problem;   /* non-NULL when the set is broken */
} Migrations;

/* Parse "NNNN-…sql" into N; 0 when the name is not a migration. */
static int
parse_number (const char *name)
{
  char *end = NULL;
  gint64 n;

  if (!g_ascii_isdigit (name[0]) || !g_str_has_suffix (name, ".sql"))
    return 0;
  n = g_ascii_strtoll (name, &end, 10);
  if (end == NULL || *end != '-' || n <= 0 || n > 9999)
    return 0;
  return (int) n;
}

static gpointer
load_migrations (gpointer data)
{
  Migrations *m = g_new0 (Migrations, 1);
  g_autoptr(GHashTable) by_number = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) children = NULL;
  int latest = 0;

  /* Ask the resource directly rather than the global registry: in a static library
   * the registration constructor alone would be dropped by the linker. */
  children = g_resource_enumerate_children (vp_migrations_get_resource (),
                                            MIGRATIONS_PATH,
                                            G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  m->names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    {
      int n = parse_number (children[i]);

      if (n == 0)
        continue;
      if (g_hash_table_contains (by_number, GINT_TO_POINTER (n)))
        {
          m->problem = g_strdup_printf ("two migrations are numbered %d", n);
          return m;
        }
      g_hash_table_insert (by_number, GINT_TO_POINTER (n), children[i]);
      latest = MAX (latest, n);
    }

  for (int n = 1; n <= latest; n++)
    {
      const char *name = g_hash_table_lookup (by_number, GINT_TO_POINTER (n));

      if (name == NULL)
        {
          m->problem = g_strdup_printf ("migration %d is missing", n);
          return m;
        }
      g_ptr_array_add (m->names, g_strdup (name));
    }
  if (latest == 0)
    m->problem = g_strdup ("no migrations are compiled in");

  return m;
}

static const Migrations *
get_migrations (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_migrations, NULL);
}

gboolean
vp_migrations_check (int     *out_latest,
                     GError **error)
{
  const Migrations *m = get_migrations ();

  if (m->problem != NULL)
    {
      /* A packaging mistake, not something an operator did: say so plainly. */
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("This build of Vendpoint is broken (%s); reinstall it"), m->problem);
      return FALSE;
    }
  if (out_latest != NULL)
    *out_latest = (int) m->names->len;
  return TRUE;
}

GBytes *
vp_migrations_lookup (int      version,
                      GError **error)
{
  const Migrations *m = get_migrations ();
  g_autofree char *path = NULL;
  GBytes *bytes;

  if (!vp_migrations_check (NULL, error))
    return NULL;
  g_return_val_if_fail (version >= 1 && version <= (int) m->names->len, NULL);

  path = g_build_path ("/", MIGRATIONS_PATH,
                       (const char *) g_ptr_array_index (m->names, version - 1), NULL);
  /* Resource data is always NUL-terminated, so the SQL can go to sqlite3_exec(). */
  bytes = g_resource_lookup_data (vp_migrations_get_resource (), path,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  return bytes;
}
