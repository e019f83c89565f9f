/* vp-search.h: the counter's one search field
 *
 * Contract:
 * - One query string finds accounts by customer name (any part, also one and two
 *   characters: 王, 王伟), account number (prefix), meter address (any part, e.g. the
 *   last 4 digits), room label ("3-402", or its start) and phone (prefix or any part).
 * - Cost per keystroke does not grow with the number of accounts: every path is an
 *   index range scan bounded by @limit. Queries of 3 characters or more use the FTS5
 *   trigram index; shorter ones use the n-gram table of names and prefix ranges on
 *   numbers, phones and room labels (trigram finds nothing below 3 characters,
 *   PLATFORM.md).
 * - Order: exact account number, account number prefix, exact room, exact name, name
 *   prefix, phone prefix, then any-part matches; no duplicates.
 * - Any input is safe: quotes, %, _, FTS syntax (AND, NEAR, *, :), embedded NUL bytes
 *   (treated as spaces) and invalid UTF-8 (repaired) never error; an empty query
 *   returns no rows.
 * - The index is written in the same transaction as the change it reflects.
 */
#pragma once

#include "vp-account.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

#define VP_SEARCH_DEFAULT_LIMIT 50

typedef enum
{
  VP_SEARCH_MATCH_NUMBER,        /* account number, exact or prefix */
  VP_SEARCH_MATCH_ROOM,
  VP_SEARCH_MATCH_NAME,
  VP_SEARCH_MATCH_PHONE,
  VP_SEARCH_MATCH_METER,
  VP_SEARCH_MATCH_OTHER,         /* any-part match in several fields */
} VpSearchMatch;

typedef struct
{
  gint64           account_id;
  char            *number;
  char            *name;
  char            *phone;        /* NULL when none */
  char            *room;         /* NULL when none */
  char            *meters;       /* active meter addresses, comma separated */
  VpAccountStatus  status;
  gint64           balance;      /* fen */
  VpSearchMatch    match;        /* why it was found */
} VpSearchHit;

void        vp_search_hit_free     (VpSearchHit  *hit);

/* At most @limit (1..1000) accounts matching @query (@length bytes, or -1 when NUL-
 * terminated), best first. VP_PERM_ACCOUNT_VIEW. */
GPtrArray  *vp_search_accounts     (VpDatabase   *db,
                                    VpSession    *actor,
                                    const char   *query,
                                    gssize        length,
                                    int           limit,
                                    GError      **error);

/* Rewrites the index rows of one account from the tables; call inside the transaction
 * that changed it (the caller holds vp_database_begin()). */
gboolean    vp_search_index_account (VpDatabase  *db,
                                     gint64       account_id,
                                     GError     **error);

/* Rebuilds the whole index from the tables in one pass (bulk loads, repair); call
 * inside a transaction. */
gboolean    vp_search_rebuild      (VpDatabase   *db,
                                    GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpSearchHit, vp_search_hit_free)

G_END_DECLS
