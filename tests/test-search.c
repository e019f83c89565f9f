/* test-search.c: the counter's search field, table-driven, including hostile input */
#include "config.h"

#include <string.h>

#include "vp-demo.h"
#include "vp-search.h"
#include "vp-tariff-store.h"
#include "vp-test-counter.h"

typedef VpTestCounter Fixture;

typedef struct
{
  const char *name;
  const char *phone;
  const char *room;
  const char *meter;        /* DL/T 645 */
  const char *water;        /* CJ/T 188, nullable */
} Person;

/* Account numbers are given in this order: 10000016, 10000024, … */
static const Person people[] = {
  { "王伟",          "13800138000", "3-402",   "000010604867", NULL },
  { "王小明",        "13912345678", "3-401",   "000010604868", "20240000000003" },
  { "欧阳娜娜",      "15800001111", "12-1203", "000010605555", NULL },
  { "李伟",          "18612340000", "5-101",   "000010606666", NULL },
  { "O'Brien \"Q\"", NULL,          NULL,      "000010607777", NULL },
};

typedef struct
{
  const char    *query;
  gssize         length;     /* -1: NUL-terminated */
  int            n_hits;     /* -1: at least one */
  int            first;      /* index into people[], -1: no check */
  VpSearchMatch  match;      /* of the first hit */
} SearchCase;

static const SearchCase cases[] = {
  /* names: two characters, one character, any part */
  { "王伟",             -1,  1, 0, VP_SEARCH_MATCH_NAME },
  { "王",               -1,  2, 0, VP_SEARCH_MATCH_NAME },
  { "伟",               -1,  2, 0, VP_SEARCH_MATCH_NAME },
  { "小明",             -1,  1, 1, VP_SEARCH_MATCH_NAME },
  { "阳娜",             -1,  1, 2, VP_SEARCH_MATCH_NAME },
  { "欧阳娜娜",         -1,  1, 2, VP_SEARCH_MATCH_NAME },
  { "o'brien",          -1,  1, 4, VP_SEARCH_MATCH_NAME },
  /* account numbers: exact first, prefix */
  { "10000024",         -1,  1, 1, VP_SEARCH_MATCH_NUMBER },
  { "1000",             -1,  5, 0, VP_SEARCH_MATCH_NUMBER },
  /* meter addresses: any part */
  { "4867",             -1,  1, 0, VP_SEARCH_MATCH_METER },
  { "0604868",          -1,  1, 1, VP_SEARCH_MATCH_METER },
  { "000010604867",     -1,  1, 0, VP_SEARCH_MATCH_METER },
  { "0000000003",       -1,  1, 1, VP_SEARCH_MATCH_METER },
  /* rooms: exact first, prefix */
  { "3-402",            -1,  1, 0, VP_SEARCH_MATCH_ROOM },
  { "3-40",             -1,  2, 1, VP_SEARCH_MATCH_ROOM },
  { "12-1203",          -1,  1, 2, VP_SEARCH_MATCH_ROOM },
  /* phones: prefix and any part */
  { "1380013",          -1,  1, 0, VP_SEARCH_MATCH_PHONE },
  { "12345678",         -1,  1, 1, VP_SEARCH_MATCH_PHONE },
  { "186",              -1,  1, 3, VP_SEARCH_MATCH_PHONE },
  /* nothing */
  { "赵",               -1,  0, -1, 0 },
  { "99999",            -1,  0, -1, 0 },
  { "",                 -1,  0, -1, 0 },
  { "   ",              -1,  0, -1, 0 },
  /* hostile input never errors */
  { "\"",               -1,  1, 4, VP_SEARCH_MATCH_NAME },
  { "\"Q\"",            -1,  1, 4, VP_SEARCH_MATCH_NAME },
  { "'",                -1,  1, 4, VP_SEARCH_MATCH_NAME },
  { "%",                -1,  0, -1, 0 },
  { "_",                -1,  0, -1, 0 },
  { "%伟%",             -1,  0, -1, 0 },
  { "王_",              -1,  0, -1, 0 },
  { "AND",              -1,  0, -1, 0 },
  { "王 AND 李",        -1,  0, -1, 0 },
  { "NEAR(王 伟)",      -1,  0, -1, 0 },
  { "*",                -1,  0, -1, 0 },
  { "王*",              -1,  0, -1, 0 },
  { "name:王伟",        -1,  0, -1, 0 },
  { "^王",              -1,  0, -1, 0 },
  { "' OR 1=1 --",      -1,  0, -1, 0 },
  { "\\",               -1,  0, -1, 0 },
  { "王\0伟",            7,  0, -1, 0 },
  { "\0",                1,  0, -1, 0 },
  { "王伟\0",            7,  1, 0, VP_SEARCH_MATCH_NAME },
  { "\xff\xfe",         -1,  0, -1, 0 },
  { "王\xe4",           -1,  0, -1, 0 },
  { "\xe7\x8e",         -1,  0, -1, 0 },
};

static char *
add_people (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  char *last = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(VpAccount) account = NULL;
      VpAccountSpec spec;
      VpMeterSpec meter;

      vp_account_spec_init (&spec);
      spec.name = people[i].name;
      spec.phone = people[i].phone;
      spec.room = people[i].room;
      g_assert_true (vp_account_open (f->db, f->cashier, &spec, &account, NULL, &error));
      g_assert_no_error (error);

      vp_meter_spec_init (&meter);
      meter.address = people[i].meter;
      g_assert_true (vp_account_add_meter (f->db, f->cashier, account->number, &meter, NULL, &error));
      if (people[i].water != NULL)
        {
          meter.kind = VP_METER_KIND_WATER;
          meter.protocol = VP_METER_PROTOCOL_CJT188;
          meter.address = people[i].water;
          g_assert_true (vp_account_add_meter (f->db, f->cashier, account->number, &meter, NULL, &error));
        }
      g_assert_no_error (error);
      g_free (last);
      last = g_strdup (account->number);
    }
  return last;
}

static void
test_search_table (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *last = add_people (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const SearchCase *c = &cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = NULL;

      g_test_message ("case %u", i);
      hits = vp_search_accounts (f->db, f->cashier, c->query, c->length, 50, &error);
      g_assert_no_error (error);
      g_assert_nonnull (hits);
      if (c->n_hits >= 0)
        g_assert_cmpint (hits->len, ==, c->n_hits);
      if (c->first >= 0)
        {
          const VpSearchHit *hit = g_ptr_array_index (hits, 0);
          g_autofree char *number = vp_account_number_for_seq (c->first + 1);

          g_assert_cmpstr (hit->number, ==, number);
          g_assert_cmpstr (hit->name, ==, people[c->first].name);
          g_assert_cmpint (hit->match, ==, c->match);
        }
    }
}

static void
test_search_details (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autofree char *last = add_people (f);
  const VpSearchHit *hit;
  VpAccountSpec spec;

  hits = vp_search_accounts (f->db, f->cashier, "王小明", -1, 50, &error);
  g_assert_no_error (error);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (hit->phone, ==, "13912345678");
  g_assert_cmpstr (hit->room, ==, "3-401");
  g_assert_cmpstr (hit->meters, ==, "000010604868,20240000000003");
  g_assert_cmpint (hit->status, ==, VP_ACCOUNT_STATUS_OPEN);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* The limit holds. */
  hits = vp_search_accounts (f->db, f->cashier, "1000", -1, 2, &error);
  g_assert_cmpint (hits->len, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* A rolled-back open leaves nothing in the index. */
  vp_account_spec_init (&spec);
  spec.name = "赵敏";
  spec.tariff = "missing";
  g_assert_false (vp_account_open (f->db, f->cashier, &spec, NULL, NULL, &error));
  g_clear_error (&error);
  hits = vp_search_accounts (f->db, f->cashier, "赵", -1, 50, &error);
  g_assert_cmpint (hits->len, ==, 0);
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (*) FROM search_fts"), ==,
                   G_N_ELEMENTS (people));
  g_assert_cmpint (vp_test_counter_query (f, "SELECT COUNT (DISTINCT account_id) FROM search_grams"),
                   ==, G_N_ELEMENTS (people));

  /* Everyone may look, within their role. */
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = vp_search_accounts (f->db, f->technician, "王", -1, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hits->len, ==, 2);

  /* Searching (and verifying) also works inside a caller's transaction. */
  g_clear_pointer (&hits, g_ptr_array_unref);
  g_assert_true (vp_database_begin (f->db, &error));
  hits = vp_search_accounts (f->db, f->cashier, "王", -1, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hits->len, ==, 2);
  g_assert_true (vp_ledger_verify (f->db, NULL, &error));
  g_assert_no_error (error);
  vp_database_rollback (f->db);
}

/* Demo data: every account is found by its number, its name and the last digits of
 * its meter; the generated ledger verifies (teardown). */
static void
test_search_demo (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  VpDemoStats stats;

  g_assert_true (vp_demo_generate (f->db, f->admin, 3000, 42, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.accounts, ==, 3000);
  g_assert_cmpint (stats.meters, >, 3000);
  g_assert_cmpint (stats.ledger_rows, >, 1000);
  g_assert_false (vp_demo_generate (f->db, f->admin, 10, 42, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (vp_demo_generate (f->db, f->cashier, 10, 42, NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* Its tariffs are real versions the engine can price with. */
  {
    g_autoptr(VpTariff) power = vp_tariff_store_load (f->db, "居民电价", &error);

    g_assert_no_error (error);
    g_assert_cmpint (vp_tariff_get_n_versions (power), ==, 1);
    g_assert_cmpint (vp_tariff_get_version (power, 0)->scheme, ==, VP_TARIFF_TIERED);
  }

  accounts = vp_account_list (f->db, f->admin, 0, 0, &error);
  g_assert_cmpint (accounts->len, ==, 3000);
  for (guint i = 0; i < accounts->len; i += 37)
    {
      const VpAccount *a = g_ptr_array_index (accounts, i);
      const VpMeter *m = g_ptr_array_index (a->meters, 0);
      const char *queries[] = { a->number, a->name, m->address + 8, a->room, a->phone };
      VpSearchMatch matches[] = { VP_SEARCH_MATCH_NUMBER, VP_SEARCH_MATCH_NAME,
                                  VP_SEARCH_MATCH_METER, VP_SEARCH_MATCH_ROOM,
                                  VP_SEARCH_MATCH_PHONE };

      g_assert_true (vp_account_number_is_valid (a->number));
      g_assert_cmpint (strlen (m->address), ==, 12);
      for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
        {
          g_autoptr(GPtrArray) hits = vp_search_accounts (f->db, f->admin, queries[q], -1,
                                                          VP_SEARCH_DEFAULT_LIMIT, &error);
          gboolean found = FALSE;

          g_assert_no_error (error);
          for (guint h = 0; h < hits->len; h++)
            {
              const VpSearchHit *hit = g_ptr_array_index (hits, h);

              if (g_str_equal (hit->number, a->number))
                {
                  found = TRUE;
                  g_assert_cmpint (hit->match, ==, matches[q]);
                }
            }
          /* Common names and rooms of several sites may fill the page with others. */
          if (q != 1 && q != 3)
            g_assert_true (found);
        }
    }
}

/* The same seed gives the same people, rooms, meters and money (times aside). */
static char *
demo_fingerprint (VpDatabase *db)
{
  sqlite3_stmt *stmt = NULL;
  char *text;

  vp_database_lock (db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (db),
                                       "SELECT (SELECT group_concat (name || phone || id_number, ',') FROM customers) "
                                       "|| (SELECT group_concat (label, ',') FROM rooms) "
                                       "|| (SELECT group_concat (address || kind, ',') FROM meters) "
                                       "|| (SELECT group_concat (number || balance, ',') FROM accounts) "
                                       "|| (SELECT group_concat (amount || COALESCE (receipt, ''), ',') FROM ledger)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  vp_database_unlock (db);
  return text;
}

static void
test_search_demo_seed (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "again.db", NULL);
  g_autoptr(VpDatabase) again = vp_database_open (path, &error);
  g_autoptr(VpSession) admin = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_true (vp_operator_add (again, NULL, "root", "root", VP_ROLE_ADMIN, VP_TEST_PASSWORD,
                                  NULL, &error));
  admin = vp_session_login (again, "root", VP_TEST_PASSWORD, &error);
  g_assert_no_error (error);

  g_assert_true (vp_demo_generate (f->db, f->admin, 400, 7, NULL, &error));
  g_assert_true (vp_demo_generate (again, admin, 400, 7, NULL, &error));
  g_assert_no_error (error);
  first = demo_fingerprint (f->db);
  second = demo_fingerprint (again);
  g_assert_cmpuint (strlen (first), >, 400 * 20);
  g_assert_cmpstr (first, ==, second);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, vp_test_counter_setup, func, vp_test_counter_teardown)
  ADD ("/vp/search/table", test_search_table);
  ADD ("/vp/search/details", test_search_details);
  ADD ("/vp/search/demo", test_search_demo);
  ADD ("/vp/search/demo-seed", test_search_demo_seed);
#undef ADD

  return g_test_run ();
}
