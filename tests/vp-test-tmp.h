/* vp-test-tmp.h: a scratch directory per test, removed afterwards (tests only) */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* A new empty directory under the system temp dir; g_free() the result after
 * vp_test_tmp_remove(). */
static inline char *
vp_test_tmp_new (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("vendpoint-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Remove @path and everything below it (tests create only plain files). */
static inline void
vp_test_tmp_remove (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          vp_test_tmp_remove (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}
