/* vp-search.c: the counter's one search field
 *
 * Each keystroke runs a fixed list of bounded index range scans, best kind of match
 * first, until @limit accounts are found: exact and prefix lookups on numbers, rooms,
 * names and phones through B-tree ranges (bound as ">= ? AND < ?", never LIKE, which
 * scans), then any-part matches through the FTS5 trigram index (3+ characters) or the
 * one- and two-character name pieces in search_grams (PLATFORM.md: trigram returns
 * nothing below three characters).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-account-private.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-search.h"

#define MAX_LIMIT 1000

/* Every one- and two-character piece of the lower-cased name with its rank: 0 = the
 * whole name, 1 = at its start, 2 = elsewhere. %s filters the accounts. A piece that
 * occurs twice in one name is stored at both ranks; the search drops the repeat. */
#define GRAMS_SQL \
  "WITH RECURSIVE src (id, name, len, i) AS (" \
  "  SELECT a.id, lower (c.name), length (c.name), 1 FROM accounts a " \
  "    JOIN customers c ON c.id = a.customer_id %s " \
  "  UNION ALL SELECT id, name, len, i + 1 FROM src WHERE i < len), " \
  "g (gram, rank, id) AS (" \
  "  SELECT substr (name, i, 1), CASE WHEN len = 1 THEN 0 WHEN i = 1 THEN 1 ELSE 2 END, id " \
  "    FROM src " \
  "  UNION ALL " \
  "  SELECT substr (name, i, 2), CASE WHEN len = 2 THEN 0 WHEN i = 1 THEN 1 ELSE 2 END, id " \
  "    FROM src WHERE i < len) " \
  "INSERT OR IGNORE INTO search_grams (gram, rank, account_id) SELECT gram, rank, id FROM g"

#define FTS_SQL \
  "INSERT INTO search_fts (rowid, name, number, phone, meters, room) " \
  "SELECT a.id, c.name, a.number, COALESCE (c.phone, ''), " \
  "  COALESCE ((SELECT group_concat (address, ' ') FROM meters WHERE account_id = a.id), ''), " \
  "  COALESCE (r.label, '') " \
  "FROM accounts a JOIN customers c ON c.id = a.customer_id " \
  "LEFT JOIN rooms r ON r.id = a.room_id %s"

void
vp_search_hit_free (VpSearchHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->number);
  g_free (hit->name);
  g_free (hit->phone);
  g_free (hit->room);
  g_free (hit->meters);
  g_free (hit);
}

static gboolean
exec_bound (VpDatabase  *db,
            const char  *sql,
            gint64       account_id,
            GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = vp_database_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (account_id != 0)
    sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  vp_database_set_error (db, rc, _("Could not update the search index"), error);
  return FALSE;
}

/* One template, two filters: one account (bound ?1) or all of them. */
static gboolean
index_accounts (VpDatabase  *db,
                gint64       account_id,
                GError     **error)
{
  const char *filter = account_id != 0 ? "WHERE a.id = ?1" : "";
  g_autofree char *fts_sql = g_strdup_printf (FTS_SQL, filter);
  g_autofree char *grams_sql = g_strdup_printf (GRAMS_SQL, filter);

  if (account_id != 0)
    return exec_bound (db, "DELETE FROM search_fts WHERE rowid = ?1", account_id, error)
           && exec_bound (db, "DELETE FROM search_grams WHERE account_id = ?1", account_id, error)
           && exec_bound (db, fts_sql, account_id, error)
           && exec_bound (db, grams_sql, account_id, error);

  return exec_bound (db, "DELETE FROM search_fts", 0, error)
         && exec_bound (db, "DELETE FROM search_grams", 0, error)
         && exec_bound (db, fts_sql, 0, error)
         && exec_bound (db, grams_sql, 0, error);
}

gboolean
vp_search_index_account (VpDatabase  *db,
                         gint64       account_id,
                         GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);

  return index_accounts (db, account_id, error);
}

gboolean
vp_search_rebuild (VpDatabase  *db,
                   GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  return index_accounts (db, 0, error);
}

/* ---- querying ---- */

typedef struct
{
  VpDatabase  *db;
  GPtrArray   *hits;
  GHashTable  *seen;
  int          limit;
} Collector;

static int
remaining (Collector *c)
{
  return c->limit - (int) c->hits->len;
}

/* Adds the account ids (column 0) that @sql yields for up to two text arguments. */
static gboolean
collect (Collector      *c,
         const char     *sql,
         const char     *arg1,
         const char     *arg2,
         VpSearchMatch   match,
         GError        **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc = SQLITE_DONE;

  if (remaining (c) <= 0)
    return TRUE;
  stmt = vp_database_prepare (c->db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, arg1, -1, SQLITE_TRANSIENT);
  if (arg2 != NULL)
    sqlite3_bind_text (stmt, 2, arg2, -1, SQLITE_TRANSIENT);
  /* Ask for enough rows to fill the list even when some were found before. */
  sqlite3_bind_int (stmt, arg2 != NULL ? 3 : 2, c->limit);
  while (remaining (c) > 0 && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      VpSearchHit *hit;

      if (g_hash_table_contains (c->seen, &id))
        continue;
      hit = g_new0 (VpSearchHit, 1);
      hit->account_id = id;
      hit->match = match;
      g_ptr_array_add (c->hits, hit);
      g_hash_table_add (c->seen, &hit->account_id);
    }
  if (remaining (c) <= 0)
    return TRUE;
  if (rc == SQLITE_DONE)
    return TRUE;
  vp_database_set_error (c->db, rc, _("Search failed"), error);
  return FALSE;
}

/* The smallest string above every string that starts with @prefix (byte order). */
static char *
prefix_upper (const char *prefix)
{
  char *upper = g_strdup (prefix);
  gsize n = strlen (upper);

  /* UTF-8 never contains 0xFF, so the last byte can always go up by one. */
  g_assert (n > 0 && (guchar) upper[n - 1] < 0xFF);
  upper[n - 1] = (char) ((guchar) upper[n - 1] + 1);
  return upper;
}

/* "ab""c" for FTS5: a phrase, so AND, NEAR, *, : and the rest are plain text. */
static char *
fts_phrase (const char *text)
{
  GString *s = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

/* Cleans what was typed: NUL bytes become spaces, invalid UTF-8 is repaired, outer
 * space trimmed. */
static char *
normalize_query (const char *query,
                 gssize      length)
{
  g_autofree char *bytes = NULL;
  char *valid;

  if (length < 0)
    length = (gssize) strlen (query);
  bytes = g_memdup2 (query, (gsize) length + 1);
  bytes[length] = '\0';
  for (gssize i = 0; i < length; i++)
    if (bytes[i] == '\0')
      bytes[i] = ' ';
  valid = g_utf8_make_valid (bytes, length);
  return g_strstrip (valid);
}

/* Reads the shown fields of every hit in one statement (ids passed as a JSON array),
 * rather than one lookup per hit. */
static gboolean
fill_details (Collector  *c,
              GError    **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  GString *ids = g_string_new ("[");
  g_autofree char *ids_text = NULL;
  int rc;

  for (guint i = 0; i < c->hits->len; i++)
    {
      VpSearchHit *hit = g_ptr_array_index (c->hits, i);

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", hit->account_id);
      g_hash_table_insert (by_id, &hit->account_id, hit);
    }
  g_string_append_c (ids, ']');
  ids_text = g_string_free (ids, FALSE);

  stmt = vp_database_prepare (c->db,
                              "SELECT a.id, a.number, c.name, c.phone, r.label, "
                              "(SELECT group_concat (address, ',') FROM meters "
                              " WHERE account_id = a.id AND status = 'active'), "
                              "a.status, a.balance FROM json_each (?) j "
                              "JOIN accounts a ON a.id = j.value "
                              "JOIN customers c ON c.id = a.customer_id "
                              "LEFT JOIN rooms r ON r.id = a.room_id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ids_text, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      VpSearchHit *hit = g_hash_table_lookup (by_id, &id);

      g_assert (hit != NULL);
      hit->number = vp_model_column_dup (stmt, 1);
      hit->name = vp_model_column_dup (stmt, 2);
      hit->phone = vp_model_column_dup (stmt, 3);
      hit->room = vp_model_column_dup (stmt, 4);
      hit->meters = vp_model_column_dup (stmt, 5);
      if (hit->meters == NULL)
        hit->meters = g_strdup ("");
      vp_account_status_from_string ((const char *) sqlite3_column_text (stmt, 6), &hit->status);
      hit->balance = sqlite3_column_int64 (stmt, 7);
      g_hash_table_remove (by_id, &id);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (c->db, rc, _("Search failed"), error);
      return FALSE;
    }
  /* The read transaction holds the rows found a moment ago. */
  g_assert (g_hash_table_size (by_id) == 0);
  return TRUE;
}

/* Says which field an any-part match was found in. */
static void
classify_other (GPtrArray  *hits,
                const char *folded)
{
  for (guint i = 0; i < hits->len; i++)
    {
      VpSearchHit *hit = g_ptr_array_index (hits, i);
      g_autofree char *name = NULL;

      if (hit->match != VP_SEARCH_MATCH_OTHER)
        continue;
      name = g_ascii_strdown (hit->name, -1);
      if (strstr (name, folded) != NULL)
        hit->match = VP_SEARCH_MATCH_NAME;
      else if (strstr (hit->meters, folded) != NULL)
        hit->match = VP_SEARCH_MATCH_METER;
      else if (hit->phone != NULL && strstr (hit->phone, folded) != NULL)
        hit->match = VP_SEARCH_MATCH_PHONE;
      else if (strstr (hit->number, folded) != NULL)
        hit->match = VP_SEARCH_MATCH_NUMBER;
      else if (hit->room != NULL && strstr (hit->room, folded) != NULL)
        hit->match = VP_SEARCH_MATCH_ROOM;
    }
}

static gboolean
run_sources (Collector   *c,
             const char  *q,
             GError     **error)
{
  g_autofree char *folded = g_ascii_strdown (q, -1);
  g_autofree char *upper = prefix_upper (q);
  g_autofree char *phrase = NULL;
  glong n_chars = g_utf8_strlen (q, -1);

  if (!collect (c, "SELECT id FROM accounts WHERE number = ?1 LIMIT ?2",
                q, NULL, VP_SEARCH_MATCH_NUMBER, error)
      || !collect (c, "SELECT id FROM accounts WHERE number >= ?1 AND number < ?2 "
                   "ORDER BY number LIMIT ?3", q, upper, VP_SEARCH_MATCH_NUMBER, error)
      || !collect (c, "SELECT a.id FROM rooms r JOIN accounts a ON a.room_id = r.id "
                   "WHERE r.label = ?1 ORDER BY a.number LIMIT ?2",
                   q, NULL, VP_SEARCH_MATCH_ROOM, error)
      || !collect (c, "SELECT a.id FROM customers c JOIN accounts a ON a.customer_id = c.id "
                   "WHERE c.name = ?1 LIMIT ?2", q, NULL, VP_SEARCH_MATCH_NAME, error)
      || !collect (c, "SELECT a.id FROM customers c JOIN accounts a ON a.customer_id = c.id "
                   "WHERE c.name >= ?1 AND c.name < ?2 ORDER BY c.name LIMIT ?3",
                   q, upper, VP_SEARCH_MATCH_NAME, error)
      || !collect (c, "SELECT a.id FROM rooms r JOIN accounts a ON a.room_id = r.id "
                   "WHERE r.label >= ?1 AND r.label < ?2 ORDER BY r.label LIMIT ?3",
                   q, upper, VP_SEARCH_MATCH_ROOM, error)
      || !collect (c, "SELECT a.id FROM customers c JOIN accounts a ON a.customer_id = c.id "
                   "WHERE c.phone >= ?1 AND c.phone < ?2 ORDER BY c.phone LIMIT ?3",
                   q, upper, VP_SEARCH_MATCH_PHONE, error))
    return FALSE;

  if (n_chars >= 3)
    {
      phrase = fts_phrase (q);
      return collect (c, "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1 LIMIT ?2",
                      phrase, NULL, VP_SEARCH_MATCH_OTHER, error);
    }
  return collect (c, "SELECT account_id FROM search_grams WHERE gram = ?1 "
                  "ORDER BY rank, account_id LIMIT ?2", folded, NULL, VP_SEARCH_MATCH_NAME, error);
}

GPtrArray *
vp_search_accounts (VpDatabase  *db,
                    VpSession   *actor,
                    const char  *query,
                    gssize       length,
                    int          limit,
                    GError     **error)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autofree char *q = NULL;
  g_autofree char *folded = NULL;
  Collector c;
  gboolean ok;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;

  hits = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_search_hit_free);
  q = normalize_query (query != NULL ? query : "", query != NULL ? length : 0);
  if (*q == '\0')
    return g_steal_pointer (&hits);

  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  c.db = db;
  c.hits = hits;
  c.seen = seen;
  c.limit = CLAMP (limit, 1, MAX_LIMIT);

  vp_database_lock (db);
  /* One read transaction (a savepoint, so a caller's open transaction is no
   * obstacle): the list reflects one state of the file. */
  ok = vp_database_exec (db, "SAVEPOINT vp_read", error);
  if (ok)
    {
      ok = run_sources (&c, q, error) && fill_details (&c, error);
      vp_database_exec (db, "RELEASE vp_read", NULL);
    }
  vp_database_unlock (db);
  if (!ok)
    return NULL;

  folded = g_ascii_strdown (q, -1);
  classify_other (hits, folded);
  return g_steal_pointer (&hits);
}
