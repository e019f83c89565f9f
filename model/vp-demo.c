/* vp-demo.c: realistic demonstration data
 *
 * Speed comes from one transaction, prepared statements reused for every row, and the
 * search index built once by vp_search_rebuild() after all rows are in, instead of
 * per account.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-account-private.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-demo.h"
#include "vp-model-error.h"
#include "vp-search.h"
#include "vp-tariff-store.h"

/* The most common family names, most frequent first. */
static const char * const families[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
  "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
  "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
  "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
  "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
  "欧阳", "司马", "诸葛",
};

static const char * const givens[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
  "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "红", "鹏", "辉",
  "建", "国", "文", "林", "斌", "波", "宇", "浩", "凯", "婷", "雪", "琳", "晨", "欣", "怡",
  "佳", "子", "梓", "涵", "轩", "博", "瑞", "然", "思", "雨", "俊", "峰", "海", "燕", "飞",
};

static const char * const sites[] = {
  "阳光花园", "锦绣苑", "东湖小区", "科技园公寓", "滨江新城", "翠竹园", "金桥小区", "南山苑",
};

#define FLOORS           18
#define ROOMS_PER_FLOOR  4
#define ROOMS_PER_BUILDING (FLOORS * ROOMS_PER_FLOOR)
#define HISTORY_DAYS     90
#define DEMO_POWER_TARIFF "居民电价"
#define DEMO_WATER_TARIFF "居民水价"

typedef struct
{
  VpDatabase    *db;
  GRand         *rand;
  gint64         now;
  gint64         operator_id;
  gint64         receipt;
  VpDemoStats   *stats;
  sqlite3_stmt  *ledger;
} Demo;

static gboolean
run (Demo          *d,
     sqlite3_stmt  *stmt,
     GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  vp_database_set_error (d->db, rc, _("Could not write the demo data"), error);
  return FALSE;
}

static void
random_name (GRand *rand,
             char  *out,
             gsize  size)
{
  /* Weighted towards the common families: square of a uniform number. */
  double u = g_rand_double (rand);
  guint f = (guint) (u * u * G_N_ELEMENTS (families));
  const char *g1 = givens[g_rand_int_range (rand, 0, G_N_ELEMENTS (givens))];
  const char *g2 = givens[g_rand_int_range (rand, 0, G_N_ELEMENTS (givens))];

  /* About 40 % two-character names (王伟), as in real registers. */
  if (g_rand_int_range (rand, 0, 100) < 40)
    g_snprintf (out, size, "%s%s", families[f], g1);
  else
    g_snprintf (out, size, "%s%s%s", families[f], g1, g2);
}

static void
random_phone (GRand *rand,
              char  *out,
              gsize  size)
{
  static const char prefixes[] = { '3', '5', '8' };

  g_snprintf (out, size, "1%c%d%08d", prefixes[g_rand_int_range (rand, 0, 3)],
              g_rand_int_range (rand, 0, 10), g_rand_int_range (rand, 0, 100000000));
}

/* A resident ID: region, birth date, sequence and the ISO 7064 MOD 11-2 check. */
static void
random_id_number (GRand *rand,
                  char  *out)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char checks[] = "10X98765432";
  int sum = 0;

  g_snprintf (out, 18, "%06d%04d%02d%02d%03d", 330100 + g_rand_int_range (rand, 1, 99),
              g_rand_int_range (rand, 1950, 2005), g_rand_int_range (rand, 1, 13),
              g_rand_int_range (rand, 1, 29), g_rand_int_range (rand, 0, 1000));
  for (int i = 0; i < 17; i++)
    sum += (out[i] - '0') * weights[i];
  out[17] = checks[sum % 11];
  out[18] = '\0';
}

static gboolean
book (Demo        *d,
      gint64       account_id,
      const char  *kind,
      gint64       amount,
      gint64       balance_after,
      gint64       shift_id,
      const char  *method,
      gint64       quantity,
      gint64       when,
      GError     **error)
{
  g_autofree char *time = vp_model_time_text (when);
  g_autofree char *receipt = NULL;

  sqlite3_bind_int64 (d->ledger, 1, account_id);
  sqlite3_bind_text (d->ledger, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (d->ledger, 3, amount);
  sqlite3_bind_int64 (d->ledger, 4, balance_after);
  sqlite3_bind_int64 (d->ledger, 5, shift_id != 0 ? d->operator_id : 0);
  if (shift_id != 0)
    {
      receipt = g_strdup_printf ("01-%08" G_GINT64_FORMAT, ++d->receipt);
      sqlite3_bind_int64 (d->ledger, 6, shift_id);
      sqlite3_bind_text (d->ledger, 7, method, -1, SQLITE_STATIC);
      sqlite3_bind_text (d->ledger, 8, "01", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (d->ledger, 9, d->receipt);
      sqlite3_bind_text (d->ledger, 10, receipt, -1, SQLITE_TRANSIENT);
      sqlite3_bind_null (d->ledger, 11);
    }
  else
    {
      for (int i = 6; i <= 10; i++)
        sqlite3_bind_null (d->ledger, i);
      sqlite3_bind_int64 (d->ledger, 11, quantity);
    }
  sqlite3_bind_text (d->ledger, 12, time, -1, SQLITE_TRANSIENT);
  d->stats->ledger_rows++;
  return run (d, d->ledger, error);
}

static gboolean
prepare_all (VpDatabase     *db,
             const char    **sqls,
             sqlite3_stmt  **stmts,
             guint           n,
             GError        **error)
{
  for (guint i = 0; i < n; i++)
    {
      stmts[i] = vp_database_prepare (db, sqls[i], error);
      if (stmts[i] == NULL)
        return FALSE;
    }
  return TRUE;
}

enum { S_SITE, S_BUILDING, S_FLOOR, S_ROOM, S_CUSTOMER, S_ACCOUNT, S_METER, S_SHIFT,
       S_LEDGER, S_BALANCE, N_STMTS };

static const char *stmt_sql[N_STMTS] = {
  [S_SITE] = "INSERT INTO sites (id, name) VALUES (?, ?)",
  [S_BUILDING] = "INSERT INTO buildings (id, site_id, name) VALUES (?, ?, ?)",
  [S_FLOOR] = "INSERT INTO floors (id, building_id, level) VALUES (?, ?, ?)",
  [S_ROOM] = "INSERT INTO rooms (id, floor_id, number, label, area) VALUES (?, ?, ?, ?, ?)",
  [S_CUSTOMER] = "INSERT INTO customers (id, name, phone, id_number, address, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
  [S_ACCOUNT] = "INSERT INTO accounts (id, number, customer_id, room_id, mode, status, alarm1, "
                "alarm2, trip, tariff, balance, opened_at) "
                "VALUES (?, ?, ?, ?, ?, 'open', 5000, 2000, 0, ?, 0, ?)",
  [S_METER] = "INSERT INTO meters (account_id, kind, protocol, address, link, multiplier, "
              "install_reading, status, installed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)",
  [S_SHIFT] = "INSERT INTO shifts (id, operator_id, counter, float, opened_at, closed_at, counted, "
              "expected, over_short) VALUES (?, ?, '01', 50000, ?, ?, ?, ?, 0)",
  [S_LEDGER] = "INSERT INTO ledger (account_id, kind, amount, balance_after, operator_id, shift_id, "
               "method, counter, receipt_seq, receipt, quantity, created_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  [S_BALANCE] = "UPDATE accounts SET balance = ? WHERE id = ?",
};

static gboolean
generate (Demo    *d,
          gint64   n_accounts,
          GError **error)
{
  sqlite3_stmt *s[N_STMTS];
  gint64 n_sites = CLAMP (n_accounts / 25000 + 1, 1, (gint64) G_N_ELEMENTS (sites));
  gint64 rooms_per_site = (n_accounts + n_sites - 1) / n_sites;
  gint64 buildings_per_site = (rooms_per_site + ROOMS_PER_BUILDING - 1) / ROOMS_PER_BUILDING;
  gint64 building_id = 0, floor_id = 0, account = 0;
  gint64 first_day = d->now / 86400 - HISTORY_DAYS;
  g_autofree char *opened = vp_model_time_text ((first_day - 30) * 86400);
  static const char * const methods[] = { "cash", "cash", "wechat", "alipay", "card" };

  if (!prepare_all (d->db, stmt_sql, s, N_STMTS, error))
    return FALSE;
  d->ledger = s[S_LEDGER];

  /* One closed shift per day of history, balanced. */
  for (gint64 day = 0; day < HISTORY_DAYS; day++)
    {
      g_autofree char *open_at = vp_model_time_text ((first_day + day) * 86400 + 8 * 3600);
      g_autofree char *close_at = vp_model_time_text ((first_day + day) * 86400 + 17 * 3600);

      sqlite3_bind_int64 (s[S_SHIFT], 1, day + 1);
      sqlite3_bind_int64 (s[S_SHIFT], 2, d->operator_id);
      sqlite3_bind_text (s[S_SHIFT], 3, open_at, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (s[S_SHIFT], 4, close_at, -1, SQLITE_TRANSIENT);
      /* counted/expected are fixed up from the ledger at the end. */
      sqlite3_bind_int64 (s[S_SHIFT], 5, 50000);
      sqlite3_bind_int64 (s[S_SHIFT], 6, 50000);
      if (!run (d, s[S_SHIFT], error))
        return FALSE;
      d->stats->shifts++;
    }

  for (gint64 site = 1; site <= n_sites && account < n_accounts; site++)
    {
      sqlite3_bind_int64 (s[S_SITE], 1, site);
      sqlite3_bind_text (s[S_SITE], 2, sites[site - 1], -1, SQLITE_STATIC);
      if (!run (d, s[S_SITE], error))
        return FALSE;

      for (gint64 b = 1; b <= buildings_per_site && account < n_accounts; b++)
        {
          char bname[16];

          g_snprintf (bname, sizeof bname, "%" G_GINT64_FORMAT, b);
          sqlite3_bind_int64 (s[S_BUILDING], 1, ++building_id);
          sqlite3_bind_int64 (s[S_BUILDING], 2, site);
          sqlite3_bind_text (s[S_BUILDING], 3, bname, -1, SQLITE_TRANSIENT);
          if (!run (d, s[S_BUILDING], error))
            return FALSE;

          for (int level = 1; level <= FLOORS && account < n_accounts; level++)
            {
              sqlite3_bind_int64 (s[S_FLOOR], 1, ++floor_id);
              sqlite3_bind_int64 (s[S_FLOOR], 2, building_id);
              sqlite3_bind_int (s[S_FLOOR], 3, level);
              if (!run (d, s[S_FLOOR], error))
                return FALSE;

              for (int r = 1; r <= ROOMS_PER_FLOOR && account < n_accounts; r++)
                {
                  g_autofree char *number = NULL;
                  g_autofree char *link = NULL;
                  char room[16], label[40], name[32], phone[16], id_number[20], address[160];
                  char meter[16];
                  gint64 balance = 0;
                  gboolean water = g_rand_int_range (d->rand, 0, 3) == 0;

                  account++;
                  g_snprintf (room, sizeof room, "%d%02d", level, r);
                  g_snprintf (label, sizeof label, "%s-%s", bname, room);
                  sqlite3_bind_int64 (s[S_ROOM], 1, account);
                  sqlite3_bind_int64 (s[S_ROOM], 2, floor_id);
                  sqlite3_bind_text (s[S_ROOM], 3, room, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_text (s[S_ROOM], 4, label, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_int64 (s[S_ROOM], 5, g_rand_int_range (d->rand, 4500, 14000) * 100);
                  if (!run (d, s[S_ROOM], error))
                    return FALSE;
                  d->stats->rooms++;

                  random_name (d->rand, name, sizeof name);
                  random_phone (d->rand, phone, sizeof phone);
                  random_id_number (d->rand, id_number);
                  g_snprintf (address, sizeof address, "%s%s栋%s室", sites[site - 1], bname, room);
                  sqlite3_bind_int64 (s[S_CUSTOMER], 1, account);
                  sqlite3_bind_text (s[S_CUSTOMER], 2, name, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_text (s[S_CUSTOMER], 3, phone, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_text (s[S_CUSTOMER], 4, id_number, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_text (s[S_CUSTOMER], 5, address, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_text (s[S_CUSTOMER], 6, opened, -1, SQLITE_TRANSIENT);
                  if (!run (d, s[S_CUSTOMER], error))
                    return FALSE;

                  number = vp_account_number_for_seq (account);
                  sqlite3_bind_int64 (s[S_ACCOUNT], 1, account);
                  sqlite3_bind_text (s[S_ACCOUNT], 2, number, -1, SQLITE_TRANSIENT);
                  sqlite3_bind_int64 (s[S_ACCOUNT], 3, account);
                  sqlite3_bind_int64 (s[S_ACCOUNT], 4, account);
                  sqlite3_bind_text (s[S_ACCOUNT], 5,
                                     g_rand_int_range (d->rand, 0, 10) == 0 ? "postpaid" : "prepaid",
                                     -1, SQLITE_STATIC);
                  sqlite3_bind_text (s[S_ACCOUNT], 6, DEMO_POWER_TARIFF, -1, SQLITE_STATIC);
                  sqlite3_bind_text (s[S_ACCOUNT], 7, opened, -1, SQLITE_TRANSIENT);
                  if (!run (d, s[S_ACCOUNT], error))
                    return FALSE;
                  d->stats->accounts++;

                  /* DL/T 645 addresses are 12 BCD digits; a gateway per building.
                   * Demo gateways are on loopback only: `vendpoint --demo` points them
                   * at its built-in simulator, and nothing else is ever dialled. */
                  link = g_strdup_printf ("tcp://127.0.0.1:%d",
                                          20000 + (int) (building_id % 40000));
                  for (int m = 0; m < (water ? 2 : 1); m++)
                    {
                      if (m == 0)
                        g_snprintf (meter, sizeof meter, "%012" G_GINT64_FORMAT,
                                    G_GINT64_CONSTANT (10600000) + account * 7);
                      else
                        g_snprintf (meter, sizeof meter, "%014" G_GINT64_FORMAT,
                                    G_GINT64_CONSTANT (20240000000) + account * 3);
                      sqlite3_bind_int64 (s[S_METER], 1, account);
                      sqlite3_bind_text (s[S_METER], 2, m == 0 ? "electricity" : "water", -1, SQLITE_STATIC);
                      sqlite3_bind_text (s[S_METER], 3, m == 0 ? "dlt645" : "cjt188", -1, SQLITE_STATIC);
                      sqlite3_bind_text (s[S_METER], 4, meter, -1, SQLITE_TRANSIENT);
                      sqlite3_bind_text (s[S_METER], 5, link, -1, SQLITE_TRANSIENT);
                      sqlite3_bind_int64 (s[S_METER], 6, m == 0 && g_rand_int_range (d->rand, 0, 20) == 0 ? 30 : 1);
                      sqlite3_bind_int64 (s[S_METER], 7, g_rand_int_range (d->rand, 0, 500000));
                      sqlite3_bind_text (s[S_METER], 8, opened, -1, SQLITE_TRANSIENT);
                      if (!run (d, s[S_METER], error))
                        return FALSE;
                      d->stats->meters++;
                    }

                  /* History: a few top-ups (receipts, in shifts) and daily-ish charges. */
                  for (int t = g_rand_int_range (d->rand, 0, 3); t > 0; t--)
                    {
                      static const gint64 amounts[] = { 5000, 10000, 10000, 20000, 30000, 50000 };
                      gint64 day = g_rand_int_range (d->rand, 0, HISTORY_DAYS);
                      gint64 amount = amounts[g_rand_int_range (d->rand, 0, G_N_ELEMENTS (amounts))];

                      balance += amount;
                      if (!book (d, account, "topup", amount, balance, day + 1,
                                 methods[g_rand_int_range (d->rand, 0, G_N_ELEMENTS (methods))],
                                 -1, (first_day + day) * 86400 + 9 * 3600, error))
                        return FALSE;
                      if (g_rand_boolean (d->rand))
                        {
                          gint64 kwh = g_rand_int_range (d->rand, 1000, 20000);
                          gint64 fen = kwh * 5283 / 10000;

                          balance -= fen;
                          if (!book (d, account, "charge", -fen, balance, 0, NULL, kwh,
                                     (first_day + day + 1) * 86400, error))
                            return FALSE;
                        }
                    }
                  if (balance != 0)
                    {
                      sqlite3_bind_int64 (s[S_BALANCE], 1, balance);
                      sqlite3_bind_int64 (s[S_BALANCE], 2, account);
                      if (!run (d, s[S_BALANCE], error))
                        return FALSE;
                    }
                }
            }
        }
    }
  return TRUE;
}

/* Drops the secondary indexes of @tables and appends their CREATE statements to
 * @creates: a bulk load then builds each index once, sorted, instead of inserting
 * into it row by row. Read from the schema, so the migrations stay the one place
 * that defines them. */
static gboolean
take_indexes (VpDatabase          *db,
              const char * const  *tables,
              GPtrArray           *creates,
              GError             **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint t = 0; tables[t] != NULL; t++)
    {
      g_autoptr(VpCachedStmt) stmt = NULL;
      int rc;

      stmt = vp_database_prepare (db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                  "AND sql IS NOT NULL AND tbl_name = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, tables[t], -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_ptr_array_add (names, vp_model_column_dup (stmt, 0));
          g_ptr_array_add (creates, vp_model_column_dup (stmt, 1));
        }
      if (rc != SQLITE_DONE)
        {
          vp_database_set_error (db, rc, _("Could not read the schema"), error);
          return FALSE;
        }
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX \"%s\"", (char *) names->pdata[i]);

      if (!vp_database_exec (db, drop, error))
        return FALSE;
    }
  return TRUE;
}

/* Residential tariffs as Chinese utilities publish them: electricity in three monthly
 * tiers (阶梯电价, 0.5283 / 0.5783 / 0.8283 yuan per kWh above 230 and 400 kWh) and
 * water at one price; stored through the tariff store, so the engine can price them. */
static gboolean
add_tariffs (VpDatabase  *db,
             VpSession   *actor,
             GError     **error)
{
  VpTariffVersion power = {
    .scheme = VP_TARIFF_TIERED,
    .n_tiers = 3,
    .tier_limits = { 23000, 40000 },
    .tier_prices = { 5283, 5783, 8283 },
    .cycle = VP_BILLING_CYCLE_MONTHLY,
    .cycle_start_day = 1,
  };
  VpTariffVersion water = {
    .scheme = VP_TARIFF_FLAT,
    .rates = { 34500 },
    .cycle = VP_BILLING_CYCLE_MONTHLY,
    .cycle_start_day = 1,
  };

  return vp_tariff_store_add (db, actor, DEMO_POWER_TARIFF, VP_UTILITY_ELECTRICITY, &power,
                              NULL, error)
         && vp_tariff_store_add (db, actor, DEMO_WATER_TARIFF, VP_UTILITY_WATER, &water,
                                 NULL, error);
}

static gboolean
exec_all (VpDatabase   *db,
          const char  **sqls,
          guint         n,
          GError      **error)
{
  for (guint i = 0; i < n; i++)
    if (!vp_database_exec (db, sqls[i], error))
      return FALSE;
  return TRUE;
}

gboolean
vp_demo_generate (VpDatabase   *db,
                  VpSession    *actor,
                  gint64        n_accounts,
                  guint32       seed,
                  VpDemoStats  *out_stats,
                  GError      **error)
{
  static const char *finish_sql[] = {
    /* The receipts used by the history, and balanced demo shifts. */
    "INSERT INTO counters (id, last_number) VALUES ('01', 0) ON CONFLICT DO NOTHING",
    "UPDATE counters SET last_number = (SELECT COALESCE (MAX (receipt_seq), 0) FROM ledger "
    " WHERE counter = '01') WHERE id = '01'",
    "UPDATE shifts SET expected = float + (SELECT COALESCE (SUM (amount), 0) FROM ledger "
    " WHERE shift_id = shifts.id AND method = 'cash'), counted = float + (SELECT "
    " COALESCE (SUM (amount), 0) FROM ledger WHERE shift_id = shifts.id AND method = 'cash')",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GTimer) index_timer = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  static const char * const bulk_tables[] = {
    "customers", "accounts", "meters", "ledger", "rooms", NULL
  };
  static const char * const search_tables[] = { "search_grams", NULL };
  g_autoptr(GPtrArray) indexes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) search_indexes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *after = NULL;
  VpDemoStats stats = { 0 };
  GString *json;
  Demo d = { 0 };
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_SETTINGS, error))
    return FALSE;
  if (n_accounts < 1 || n_accounts > 1000000)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Demo data holds 1 to 1 000 000 accounts"));
      return FALSE;
    }

  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT (SELECT COUNT (*) FROM accounts) + "
                              "(SELECT COUNT (*) FROM shifts) + (SELECT COUNT (*) FROM sites)", error);
  if (stmt == NULL)
    goto failed;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the database"), error);
      goto failed;
    }
  if (sqlite3_column_int64 (stmt, 0) != 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                           _("This database already holds accounts; create demo data in a new file"));
      goto failed;
    }
  g_clear_pointer (&stmt, sqlite3_reset);

  d.db = db;
  d.rand = rand;
  d.now = g_get_real_time () / G_USEC_PER_SEC;
  d.operator_id = vp_actor_id (actor);
  d.stats = &stats;
  /* A big page cache for the load only: the file is far larger than the default. */
  if (!vp_database_exec (db, "PRAGMA cache_size = -262144", error))
    goto failed;
  if (!take_indexes (db, bulk_tables, indexes, error)
      || !generate (&d, n_accounts, error))
    goto failed;

  /* The shift totals read the ledger by shift, and the search index reads meters by
   * account: both after those indexes are back. The search's own index comes last. */
  index_timer = g_timer_new ();
  if (!exec_all (db, (const char **) indexes->pdata, indexes->len, error)
      || !exec_all (db, finish_sql, G_N_ELEMENTS (finish_sql), error)
      || !take_indexes (db, search_tables, search_indexes, error)
      || !vp_search_rebuild (db, error)
      || !exec_all (db, (const char **) search_indexes->pdata, search_indexes->len, error))
    goto failed;
  stats.index_seconds = g_timer_elapsed (index_timer, NULL);

  if (!add_tariffs (db, actor, error))
    goto failed;

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_int (json, "accounts", stats.accounts);
  vp_json_add_int (json, "meters", stats.meters);
  vp_json_add_int (json, "ledger_rows", stats.ledger_rows);
  vp_json_add_int (json, "seed", seed);
  after = vp_json_end (json);
  if (!vp_audit_append (db, d.operator_id, "demo.generate", NULL, NULL, after, error))
    goto failed;
  if (!vp_database_commit (db, error))
    goto restore;
  vp_database_exec (db, "PRAGMA cache_size = -2000", NULL);

  stats.seconds = g_timer_elapsed (timer, NULL);
  if (out_stats != NULL)
    *out_stats = stats;
  return TRUE;

failed:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
restore:
  /* Back to SQLite's default cache. */
  vp_database_exec (db, "PRAGMA cache_size = -2000", NULL);
  return FALSE;
}

void
vp_demo_meter_free (VpDemoMeter *meter)
{
  if (meter == NULL)
    return;
  g_free (meter->address);
  g_free (meter->link);
  g_free (meter);
}

/*
 * vp_demo_list_meters:
 *
 * The active meters of open and suspended accounts, ordered by link then address,
 * each with the register it shows now: its last stored reading, else its install
 * reading. `vendpoint --demo` builds its simulated buses from this so the simulated
 * registers carry on from where the database left them (no backwards registers).
 * Returns: (transfer container) (element-type VpDemoMeter): NULL with @error set.
 */
GPtrArray *
vp_demo_list_meters (VpDatabase  *db,
                     GError     **error)
{
  g_autoptr(GPtrArray) meters = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  vp_database_lock (db);
  stmt = vp_database_prepare (db,
                              "SELECT m.address, m.kind, m.link, "
                              "       COALESCE ((SELECT r.total FROM readings r "
                              "                  WHERE r.meter_id = m.id "
                              "                  ORDER BY r.id DESC LIMIT 1), "
                              "                 m.install_reading) "
                              "FROM meters m JOIN accounts a ON a.id = m.account_id "
                              "WHERE m.status = 'active' AND a.status <> 'closed' "
                              "  AND m.link IS NOT NULL "
                              "ORDER BY m.link, m.address",
                              error);
  if (stmt == NULL)
    goto out;

  meters = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_demo_meter_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VpDemoMeter *meter = g_new0 (VpDemoMeter, 1);

      meter->address = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      meter->water = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "water") == 0;
      meter->link = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      meter->reading = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (meters, meter);
    }
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the demo meters"), error);
      g_clear_pointer (&meters, g_ptr_array_unref);
    }
  sqlite3_reset (stmt);

out:
  vp_database_unlock (db);
  return g_steal_pointer (&meters);
}
