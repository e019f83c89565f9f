/* vp-account.c: premises, customers, accounts, meters and tariff records
 *
 * Every writer follows one shape: role check (before the transaction, so a refusal's
 * audit row survives), argument checks, vp_database_begin, the rows, the search index,
 * vp_audit_append, commit; any failure rolls the whole of it back.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "vp-account-private.h"
#include "vp-account.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-search.h"
#include "vp-secret.h"

#define ACCOUNT_COLUMNS \
  "a.id, a.number, a.status, a.mode, a.customer_id, c.name, c.phone, c.id_number, " \
  "c.address, a.room_id, r.label, r.area, a.tariff, a.alarm1, a.alarm2, a.trip, " \
  "a.balance, a.close_debt, a.opened_at, a.closed_at " \
  "FROM accounts a JOIN customers c ON c.id = a.customer_id " \
  "LEFT JOIN rooms r ON r.id = a.room_id "

#define METER_COLUMNS \
  "id, account_id, kind, protocol, address, link, password_level, password, " \
  "operator_code, multiplier, install_reading, final_reading, status, replaced_by, " \
  "installed_at, removed_at FROM meters "

/* Names as stored in the database (0002-accounts.sql CHECK constraints). */
static const char * const status_names[] = { "open", "suspended", "closed" };
static const char * const mode_names[] = { "prepaid", "postpaid" };
static const char * const kind_names[] = { "electricity", "water" };
static const char * const protocol_names[] = { "dlt645", "cjt188" };
static const char * const meter_status_names[] = { "active", "replaced", "removed" };

/* First account sequence: numbers start at 1000001 so they always have 7 digits. */
#define ACCOUNT_SEQ_BASE  1000000
#define ACCOUNT_SEQ_MAX   8999999

static int
name_index (const char * const *names,
            guint               n_names,
            const char         *text)
{
  for (guint i = 0; text != NULL && i < n_names; i++)
    if (g_str_equal (names[i], text))
      return (int) i;
  return -1;
}

#define NAME_INDEX(names, text) name_index (names, G_N_ELEMENTS (names), text)

/* to_string and from_string of an enum whose names are @names, in value order. */
#define DEFINE_NAMES(Type, to_string, from_string, names) \
  const char * \
  to_string (Type value) \
  { \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (names), NULL); \
    return names[value]; \
  } \
  gboolean \
  from_string (const char *text, \
               Type       *out_value) \
  { \
    int i = NAME_INDEX (names, text); \
    \
    g_return_val_if_fail (out_value != NULL, FALSE); \
    if (i >= 0) \
      *out_value = (Type) i; \
    return i >= 0; \
  }

DEFINE_NAMES (VpAccountStatus, vp_account_status_to_string, vp_account_status_from_string, status_names)
DEFINE_NAMES (VpAccountMode, vp_account_mode_to_string, vp_account_mode_from_string, mode_names)
DEFINE_NAMES (VpMeterKind, vp_meter_kind_to_string, vp_meter_kind_from_string, kind_names)
DEFINE_NAMES (VpMeterProtocol, vp_meter_protocol_to_string, vp_meter_protocol_from_string, protocol_names)
DEFINE_NAMES (VpMeterStatus, vp_meter_status_to_string, vp_meter_status_from_string, meter_status_names)

/* ---- numbers ---- */

/* Luhn check digit of the 7 digits of @body. */
static int
luhn_digit (const char *body)
{
  int sum = 0;
  gsize n = strlen (body);

  for (gsize i = 0; i < n; i++)
    {
      /* Doubling starts at the digit right of which the check digit will stand. */
      int d = body[n - 1 - i] - '0';

      if (i % 2 == 0)
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
  return (10 - sum % 10) % 10;
}

char *
vp_account_number_for_seq (gint64 seq)
{
  char body[16];

  g_return_val_if_fail (seq >= 1 && seq <= ACCOUNT_SEQ_MAX, NULL);

  g_snprintf (body, sizeof body, "%07" G_GINT64_FORMAT, ACCOUNT_SEQ_BASE + seq);
  return g_strdup_printf ("%s%d", body, luhn_digit (body));
}

gboolean
vp_account_number_is_valid (const char *number)
{
  char body[8];

  if (number == NULL || strlen (number) != 8)
    return FALSE;
  for (int i = 0; i < 8; i++)
    if (!g_ascii_isdigit (number[i]))
      return FALSE;
  memcpy (body, number, 7);
  body[7] = '\0';
  return luhn_digit (body) == number[7] - '0';
}

/* ---- values ---- */

void
vp_account_spec_init (VpAccountSpec *spec)
{
  g_return_if_fail (spec != NULL);

  memset (spec, 0, sizeof *spec);
  spec->mode = VP_ACCOUNT_MODE_PREPAID;
  spec->alarm1 = VP_ACCOUNT_DEFAULT_ALARM1;
  spec->alarm2 = VP_ACCOUNT_DEFAULT_ALARM2;
  spec->trip = VP_ACCOUNT_DEFAULT_TRIP;
  spec->method = VP_PAYMENT_NONE;
}

/* A default threshold setting in fen, or @fallback when unset or unreadable. */
static gint64
read_default_threshold (VpDatabase *db,
                        const char *key,
                        gint64      fallback)
{
  g_autofree char *text = vp_database_get_setting (db, key, NULL);
  gint64 fen;

  if (text == NULL ||
      !vp_money_parse (text, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &fen, NULL))
    return fallback;
  return fen;
}

/* See vp-account.h. */
void
vp_account_spec_init_defaults (VpDatabase    *db,
                               VpAccountSpec *spec)
{
  gint64 alarm1, alarm2, trip;

  g_return_if_fail (db != NULL);
  g_return_if_fail (spec != NULL);

  vp_account_spec_init (spec);
  alarm1 = read_default_threshold (db, VP_ACCOUNT_DEFAULT_ALARM1_KEY, VP_ACCOUNT_DEFAULT_ALARM1);
  alarm2 = read_default_threshold (db, VP_ACCOUNT_DEFAULT_ALARM2_KEY, VP_ACCOUNT_DEFAULT_ALARM2);
  trip = read_default_threshold (db, VP_ACCOUNT_DEFAULT_TRIP_KEY, VP_ACCOUNT_DEFAULT_TRIP);
  /* vp_settings_set() keeps them in order; a row edited by hand that breaks the order
   * must not make every new account fail, so the built-in three are used instead. */
  if (!vp_account_check_thresholds (alarm1, alarm2, trip, NULL))
    return;
  spec->alarm1 = alarm1;
  spec->alarm2 = alarm2;
  spec->trip = trip;
}

/* See vp-account.h. */
gboolean
vp_account_check_thresholds (gint64   alarm1,
                             gint64   alarm2,
                             gint64   trip,
                             GError **error)
{
  if (alarm1 < alarm2 || alarm2 < trip || ABS (alarm1) > VP_MONEY_MAX || ABS (trip) > VP_MONEY_MAX)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The thresholds must go down: alarm 1 ≥ alarm 2 ≥ trip"));
      return FALSE;
    }
  return TRUE;
}

void
vp_meter_spec_init (VpMeterSpec *spec)
{
  g_return_if_fail (spec != NULL);

  memset (spec, 0, sizeof *spec);
  spec->kind = VP_METER_KIND_ELECTRICITY;
  spec->protocol = VP_METER_PROTOCOL_DLT645;
  spec->password_level = 2;
  spec->multiplier = 1;
}

void
vp_meter_free (VpMeter *meter)
{
  if (meter == NULL)
    return;
  g_free (meter->address);
  g_free (meter->link);
  g_free (meter->password);
  g_free (meter->operator_code);
  g_free (meter->installed_at);
  g_free (meter->removed_at);
  g_free (meter);
}

void
vp_account_free (VpAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->number);
  g_free (account->name);
  g_free (account->phone);
  g_free (account->id_number);
  g_free (account->address);
  g_free (account->room);
  g_free (account->tariff);
  g_free (account->opened_at);
  g_free (account->closed_at);
  g_clear_pointer (&account->meters, g_ptr_array_unref);
  g_free (account);
}

/* The meter in the current row; its password and operator code opened (vp-secret.h). */
static VpMeter *
meter_from_row (VpDatabase   *db,
                sqlite3_stmt *stmt)
{
  VpMeter *m = g_new0 (VpMeter, 1);

  m->id = sqlite3_column_int64 (stmt, 0);
  m->account_id = sqlite3_column_int64 (stmt, 1);
  m->kind = (VpMeterKind) MAX (0, NAME_INDEX (kind_names, (const char *) sqlite3_column_text (stmt, 2)));
  m->protocol = (VpMeterProtocol) MAX (0, NAME_INDEX (protocol_names, (const char *) sqlite3_column_text (stmt, 3)));
  m->address = vp_model_column_dup (stmt, 4);
  m->link = vp_model_column_dup (stmt, 5);
  m->password_level = sqlite3_column_int (stmt, 6);
  m->password = vp_secret_reveal (db, (const char *) sqlite3_column_text (stmt, 7));
  m->operator_code = vp_secret_reveal (db, (const char *) sqlite3_column_text (stmt, 8));
  m->multiplier = sqlite3_column_int64 (stmt, 9);
  m->install_reading = sqlite3_column_int64 (stmt, 10);
  m->final_reading = sqlite3_column_type (stmt, 11) == SQLITE_NULL
                     ? -1 : sqlite3_column_int64 (stmt, 11);
  m->status = (VpMeterStatus) MAX (0, NAME_INDEX (meter_status_names, (const char *) sqlite3_column_text (stmt, 12)));
  m->replaced_by = sqlite3_column_int64 (stmt, 13);
  m->installed_at = vp_model_column_dup (stmt, 14);
  m->removed_at = vp_model_column_dup (stmt, 15);
  return m;
}

static VpAccount *
account_from_row (sqlite3_stmt *stmt)
{
  VpAccount *a = g_new0 (VpAccount, 1);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->number = vp_model_column_dup (stmt, 1);
  a->status = (VpAccountStatus) MAX (0, NAME_INDEX (status_names, (const char *) sqlite3_column_text (stmt, 2)));
  a->mode = (VpAccountMode) MAX (0, NAME_INDEX (mode_names, (const char *) sqlite3_column_text (stmt, 3)));
  a->customer_id = sqlite3_column_int64 (stmt, 4);
  a->name = vp_model_column_dup (stmt, 5);
  a->phone = vp_model_column_dup (stmt, 6);
  a->id_number = vp_model_column_dup (stmt, 7);
  a->address = vp_model_column_dup (stmt, 8);
  a->room_id = sqlite3_column_int64 (stmt, 9);
  a->room = vp_model_column_dup (stmt, 10);
  a->area = sqlite3_column_int64 (stmt, 11);
  a->tariff = vp_model_column_dup (stmt, 12);
  a->alarm1 = sqlite3_column_int64 (stmt, 13);
  a->alarm2 = sqlite3_column_int64 (stmt, 14);
  a->trip = sqlite3_column_int64 (stmt, 15);
  a->balance = sqlite3_column_int64 (stmt, 16);
  a->close_debt = sqlite3_column_int64 (stmt, 17);
  a->opened_at = vp_model_column_dup (stmt, 18);
  a->closed_at = vp_model_column_dup (stmt, 19);
  a->meters = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_meter_free);
  return a;
}

static gboolean
load_meters_locked (VpDatabase  *db,
                    VpAccount   *account,
                    GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT " METER_COLUMNS "WHERE account_id = ? ORDER BY id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (account->meters, meter_from_row (db, stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not read the meters"), error);
      return FALSE;
    }
  return TRUE;
}

static VpAccount *
load_account_locked (VpDatabase  *db,
                     const char  *number,
                     GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(VpAccount) account = NULL;
  int rc;

  stmt = vp_database_prepare (db, "SELECT " ACCOUNT_COLUMNS "WHERE a.number = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      vp_account_set_not_found (number, error);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the account"), error);
      return NULL;
    }
  account = account_from_row (stmt);
  g_clear_pointer (&stmt, sqlite3_reset);
  if (!load_meters_locked (db, account, error))
    return NULL;
  return g_steal_pointer (&account);
}

VpAccount *
vp_account_get (VpDatabase  *db,
                VpSession   *actor,
                const char  *number,
                GError     **error)
{
  VpAccount *account;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;
  vp_database_lock (db);
  account = load_account_locked (db, number != NULL ? number : "", error);
  vp_database_unlock (db);
  return account;
}

GPtrArray *
vp_account_list (VpDatabase  *db,
                 VpSession   *actor,
                 gint64       offset,
                 gint64       limit,
                 GError     **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(VpCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_VIEW, error))
    return NULL;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, "SELECT " ACCOUNT_COLUMNS
                              "ORDER BY a.number LIMIT ? OFFSET ?", error);
  if (stmt == NULL)
    goto out;
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? limit : -1);
  sqlite3_bind_int64 (stmt, 2, MAX (offset, 0));
  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_account_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      vp_database_set_error (db, rc, _("Could not list the accounts"), error);
      g_clear_pointer (&accounts, g_ptr_array_unref);
      goto out;
    }
  g_clear_pointer (&stmt, sqlite3_reset);
  for (guint i = 0; i < accounts->len; i++)
    if (!load_meters_locked (db, g_ptr_array_index (accounts, i), error))
      {
        g_clear_pointer (&accounts, g_ptr_array_unref);
        break;
      }

out:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_unlock (db);
  return g_steal_pointer (&accounts);
}

/* ---- small SQL helpers ---- */

/* Runs a one-value SELECT; *out_found says whether there was a row. */
static gboolean
select_int (VpDatabase    *db,
            sqlite3_stmt  *stmt,
            gint64        *out_value,
            gboolean      *out_found,
            GError       **error)
{
  int rc = sqlite3_step (stmt);

  *out_found = rc == SQLITE_ROW;
  *out_value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  vp_database_set_error (db, rc, _("Database statement failed"), error);
  return FALSE;
}

static gboolean
audit (VpDatabase  *db,
       VpSession   *actor,
       const char  *action,
       const char  *number,
       char        *before,   /* transfer full */
       char        *after,    /* transfer full */
       GError     **error)
{
  g_autofree char *object = g_strdup_printf ("account:%s", number);
  g_autofree char *b = before;
  g_autofree char *a = after;

  return vp_audit_append (db, vp_actor_id (actor), action, object, b, a, error);
}

static char *
customer_json (const char *name,
               const char *phone,
               const char *id_number,
               const char *address)
{
  GString *json = g_string_new (NULL);

  vp_json_begin (json);
  vp_json_add_string (json, "name", name);
  vp_json_add_string (json, "phone", phone);
  vp_json_add_string (json, "id_number", id_number);
  vp_json_add_string (json, "address", address);
  return vp_json_end (json);
}

static char *
status_json (VpAccountStatus status,
             gint64          balance)
{
  GString *json = g_string_new (NULL);

  vp_json_begin (json);
  vp_json_add_string (json, "status", status_names[status]);
  vp_json_add_money (json, "balance", balance);
  return vp_json_end (json);
}

/* ---- argument checks ---- */

static gboolean
check_text (const char  *text,
            gboolean     required,
            gsize        max_chars,
            const char  *what,
            GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*stripped == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The %s is missing"), what);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > (glong) max_chars)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The %s is not valid text of at most %u characters"), what, (guint) max_chars);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_customer (const char  *name,
                const char  *phone,
                const char  *id_number,
                const char  *address,
                GError     **error)
{
  if (!check_text (name, TRUE, 64, _("customer name"), error)
      || !check_text (phone, FALSE, 32, _("phone number"), error)
      || !check_text (id_number, FALSE, 32, _("ID number"), error)
      || !check_text (address, FALSE, 200, _("address"), error))
    return FALSE;
  for (const char *p = phone; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '+' && *p != '-' && *p != ' ')
      {
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                     _("The phone number “%s” may hold only digits, spaces, + and -"), phone);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_meter_spec (const VpMeterSpec  *spec,
                  GError            **error)
{
  gsize want;

  if ((guint) spec->kind >= G_N_ELEMENTS (kind_names)
      || (guint) spec->protocol >= G_N_ELEMENTS (protocol_names))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Unknown meter kind or protocol"));
      return FALSE;
    }
  /* DL/T 645-2007 addresses are 6 BCD bytes, CJ/T 188-2004 ones 7 (PROTOCOLS.md). */
  want = spec->protocol == VP_METER_PROTOCOL_DLT645 ? 12 : 14;
  if (spec->address == NULL || strlen (spec->address) != want
      || strspn (spec->address, "0123456789") != want)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("A %s meter address has exactly %u digits"),
                   spec->protocol == VP_METER_PROTOCOL_DLT645 ? "DL/T 645" : "CJ/T 188",
                   (guint) want);
      return FALSE;
    }
  if (spec->multiplier < 1 || spec->multiplier > 100000 || spec->install_reading < 0
      || spec->password_level < 0 || spec->password_level > 9)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("The multiplier must be at least 1, the reading not negative and the password level 0 to 9"));
      return FALSE;
    }
  return check_text (spec->link, FALSE, 200, _("link"), error)
         && check_text (spec->password, FALSE, 16, _("meter password"), error)
         && check_text (spec->operator_code, FALSE, 16, _("operator code"), error);
}

/* ---- rooms ---- */

/* The id of the row matching @key under @parent, inserted when missing. The SQL takes
 * ?1 = parent (when the table has one) and ?2 = key. */
static gboolean
ensure_row (VpDatabase   *db,
            const char   *insert_sql,
            const char   *select_sql,
            gint64        parent,
            const char   *key_text,
            gint64        key_int,
            gint64       *out_id,
            GError      **error)
{
  const char *sqls[] = { insert_sql, select_sql };
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (sqls); i++)
    {
      g_autoptr(VpCachedStmt) stmt = vp_database_prepare (db, sqls[i], error);

      if (stmt == NULL)
        return FALSE;
      if (sqlite3_bind_parameter_count (stmt) >= 2)
        sqlite3_bind_int64 (stmt, 1, parent);
      if (key_text != NULL)
        sqlite3_bind_text (stmt, sqlite3_bind_parameter_count (stmt), key_text, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_count (stmt), key_int);
      if (i == 0 ? !vp_model_step (db, stmt, _("Could not add the room"), error)
                 : !select_int (db, stmt, out_id, &found, error))
        return FALSE;
    }
  g_assert (found);
  return TRUE;
}

static gboolean
room_ensure_locked (VpDatabase  *db,
                    const char  *site,
                    const char  *building,
                    int          level,
                    const char  *number,
                    gint64       area,
                    gint64      *out_room_id,
                    GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *label = g_strdup_printf ("%s-%s", building, number);
  gint64 site_id, building_id, floor_id;
  gboolean found;

  if (!ensure_row (db, "INSERT INTO sites (name) VALUES (?) ON CONFLICT DO NOTHING",
                   "SELECT id FROM sites WHERE name = ?", 0, site, 0, &site_id, error)
      || !ensure_row (db, "INSERT INTO buildings (site_id, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                      "SELECT id FROM buildings WHERE site_id = ?1 AND name = ?2",
                      site_id, building, 0, &building_id, error)
      || !ensure_row (db, "INSERT INTO floors (building_id, level) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                      "SELECT id FROM floors WHERE building_id = ?1 AND level = ?2",
                      building_id, NULL, level, &floor_id, error))
    return FALSE;

  stmt = vp_database_prepare (db,
                              "INSERT INTO rooms (floor_id, number, label, area) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, floor_id);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, label, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, area);
  if (!vp_model_step (db, stmt, _("Could not add the room"), error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db, "SELECT id FROM rooms WHERE floor_id = ? AND number = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, floor_id);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_TRANSIENT);
  return select_int (db, stmt, out_room_id, &found, error);
}

static gboolean
check_room_parts (const char  *site,
                  const char  *building,
                  const char  *number,
                  GError     **error)
{
  return check_text (site, TRUE, 64, _("site"), error)
         && check_text (building, TRUE, 32, _("building"), error)
         && check_text (number, TRUE, 32, _("room number"), error);
}

gboolean
vp_room_add (VpDatabase  *db,
             VpSession   *actor,
             const char  *site,
             const char  *building,
             int          level,
             const char  *number,
             gint64       area,
             gint64      *out_room_id,
             GError     **error)
{
  g_autofree char *after = NULL;
  gint64 room_id = 0;
  GString *json;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
      || !check_room_parts (site, building, number, error))
    return FALSE;
  if (area < 0 || area > G_GINT64_CONSTANT (100000000))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("The room area is out of range"));
      return FALSE;
    }

  if (!vp_database_begin (db, error))
    return FALSE;
  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "site", site);
  vp_json_add_string (json, "building", building);
  vp_json_add_int (json, "level", level);
  vp_json_add_string (json, "room", number);
  vp_json_add_int (json, "area", area);
  after = vp_json_end (json);
  if (!room_ensure_locked (db, site, building, level, number, area, &room_id, error)
      || !vp_audit_append (db, vp_actor_id (actor), "room.add", NULL, NULL, after, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_room_id != NULL)
    *out_room_id = room_id;
  return TRUE;
}

/* Finds the room labelled @label, or creates "B-RRR" (floor from the hundreds) on the
 * default site. */
static gboolean
room_for_label_locked (VpDatabase  *db,
                       const char  *label,
                       gint64      *out_room_id,
                       GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *building = NULL;
  g_autofree char *site = NULL;
  const char *dash;
  const char *number;
  gboolean found;
  int level = 1;

  stmt = vp_database_prepare (db, "SELECT id FROM rooms WHERE label = ? ORDER BY id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, label, -1, SQLITE_TRANSIENT);
  if (!select_int (db, stmt, out_room_id, &found, error))
    return FALSE;
  if (found)
    return TRUE;

  dash = strrchr (label, '-');
  if (dash == NULL || dash == label || dash[1] == '\0')
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no room “%s”; rooms are written building-room, e.g. 3-402"), label);
      return FALSE;
    }
  building = g_strndup (label, dash - label);
  number = dash + 1;
  if (strlen (number) >= 3 && strspn (number, "0123456789") == strlen (number))
    level = (int) g_ascii_strtoll (number, NULL, 10) / 100;
  site = vp_database_get_setting (db, VP_ACCOUNT_SITE_KEY, "Main");
  return room_ensure_locked (db, site, building, MAX (level, 1), number, 0, out_room_id, error);
}

/* ---- tariffs ---- */

gboolean
vp_tariff_define (VpDatabase  *db,
                  VpSession   *actor,
                  const char  *name,
                  const char  *kind,
                  const char  *type,
                  const char  *params,
                  gint64       effective_from,
                  int         *out_version,
                  GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *object = NULL;
  g_autofree char *after = NULL;
  gint64 version;
  gboolean found;
  GString *json;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_TARIFF_MANAGE, error)
      || !check_text (name, TRUE, 64, _("tariff name"), error)
      || !check_text (type, TRUE, 32, _("tariff type"), error)
      || !check_text (params, FALSE, 4000, _("tariff parameters"), error))
    return FALSE;
  if (NAME_INDEX (kind_names, kind) < 0)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("A tariff is for electricity or water"));
      return FALSE;
    }

  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT COALESCE (MAX (version), 0) + 1 FROM tariffs WHERE name = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (!select_int (db, stmt, &version, &found, error))
    goto failed;
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db,
                              "INSERT INTO tariffs (name, version, kind, type, params, "
                              "effective_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, type, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, params != NULL ? params : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, effective_from);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the tariff"), error))
    goto failed;

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_int (json, "version", version);
  vp_json_add_string (json, "kind", kind);
  vp_json_add_string (json, "type", type);
  vp_json_add_string (json, "params", params);
  vp_json_add_int (json, "effective_from", effective_from);
  object = g_strdup_printf ("tariff:%s", name);
  after = vp_json_end (json);
  if (!vp_audit_append (db, vp_actor_id (actor), "tariff.define", object, NULL, after, error))
    goto failed;
  g_clear_pointer (&stmt, sqlite3_reset);
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_version != NULL)
    *out_version = (int) version;
  return TRUE;

failed:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  return FALSE;
}

/* ---- accounts ---- */

static gboolean
insert_customer_locked (VpDatabase  *db,
                        const char  *name,
                        const char  *phone,
                        const char  *id_number,
                        const char  *address,
                        const char  *now,
                        gint64      *out_id,
                        GError     **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;

  stmt = vp_database_prepare (db,
                              "INSERT INTO customers (name, phone, id_number, address, created_at) "
                              "VALUES (?, NULLIF (?, ''), NULLIF (?, ''), NULLIF (?, ''), ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, phone, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, id_number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the customer"), error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
  return TRUE;
}

static gboolean
check_account_spec (const VpAccountSpec  *spec,
                    GError              **error)
{
  if (!check_customer (spec->name, spec->phone, spec->id_number, spec->address, error)
      || !check_text (spec->room, FALSE, 64, _("room"), error)
      || !check_text (spec->tariff, FALSE, 64, _("tariff"), error))
    return FALSE;
  if ((guint) spec->mode >= G_N_ELEMENTS (mode_names))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("An account is prepaid or postpaid"));
      return FALSE;
    }
  if (!vp_account_check_thresholds (spec->alarm1, spec->alarm2, spec->trip, error))
    return FALSE;
  if (spec->opening_topup < 0 || spec->opening_topup > VP_MONEY_MAX)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The opening top-up must not be negative"));
      return FALSE;
    }
  if (spec->opening_topup > 0 && spec->method == VP_PAYMENT_NONE)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("Choose how the customer pays: cash, card, WeChat or Alipay"));
      return FALSE;
    }
  if (spec->tendered != 0 && (spec->method != VP_PAYMENT_CASH || spec->tendered < spec->opening_topup))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT,
                           _("The cash tendered is less than the top-up"));
      return FALSE;
    }
  return TRUE;
}

gboolean
vp_account_open (VpDatabase           *db,
                 VpSession            *actor,
                 const VpAccountSpec  *spec,
                 VpAccount           **out_account,
                 VpLedgerEntry       **out_entry,
                 GError              **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *number = NULL;
  gint64 customer_id, room_id = 0, id, found_id, shift_id = 0;
  gboolean found;
  GString *json;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
      || (spec->opening_topup > 0 && !vp_session_require (actor, VP_PERM_TOPUP, error))
      || !check_account_spec (spec, error))
    return FALSE;

  if (!vp_database_begin (db, error))
    return FALSE;

  if (spec->opening_topup > 0)
    {
      if (!vp_shift_lookup_open (db, vp_actor_id (actor), &shift_id, error))
        goto failed;
      if (shift_id == 0)
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT,
                               _("Open a shift first"));
          goto failed;
        }
    }

  if (spec->tariff != NULL && *spec->tariff != '\0')
    {
      stmt = vp_database_prepare (db, "SELECT id FROM tariffs WHERE name = ? LIMIT 1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_text (stmt, 1, spec->tariff, -1, SQLITE_TRANSIENT);
      if (!select_int (db, stmt, &found_id, &found, error))
        goto failed;
      g_clear_pointer (&stmt, sqlite3_reset);
      if (!found)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                       _("There is no tariff “%s”"), spec->tariff);
          goto failed;
        }
    }

  if (spec->room != NULL && *spec->room != '\0'
      && !room_for_label_locked (db, spec->room, &room_id, error))
    goto failed;

  if (!insert_customer_locked (db, spec->name, spec->phone, spec->id_number, spec->address,
                               now, &customer_id, error))
    goto failed;

  /* BEGIN IMMEDIATE makes MAX (id) + 1 safe against other writers. */
  stmt = vp_database_prepare (db, "SELECT COALESCE (MAX (id), 0) + 1 FROM accounts", error);
  if (stmt == NULL || !select_int (db, stmt, &id, &found, error))
    goto failed;
  g_clear_pointer (&stmt, sqlite3_reset);
  if (id > ACCOUNT_SEQ_MAX)
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                           _("No account numbers are left"));
      goto failed;
    }
  number = vp_account_number_for_seq (id);

  stmt = vp_database_prepare (db,
                              "INSERT INTO accounts (id, number, customer_id, room_id, mode, status, "
                              "alarm1, alarm2, trip, tariff, opened_at) "
                              "VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?, NULLIF (?, ''), ?)", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, customer_id);
  if (room_id != 0)
    sqlite3_bind_int64 (stmt, 4, room_id);
  sqlite3_bind_text (stmt, 5, mode_names[spec->mode], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, spec->alarm1);
  sqlite3_bind_int64 (stmt, 7, spec->alarm2);
  sqlite3_bind_int64 (stmt, 8, spec->trip);
  sqlite3_bind_text (stmt, 9, spec->tariff, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the account"), error))
    goto failed;
  g_clear_pointer (&stmt, sqlite3_reset);

  if (!vp_search_index_account (db, id, error))
    goto failed;

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "name", spec->name);
  vp_json_add_string (json, "phone", spec->phone);
  vp_json_add_string (json, "id_number", spec->id_number);
  vp_json_add_string (json, "address", spec->address);
  vp_json_add_string (json, "room", spec->room);
  vp_json_add_string (json, "mode", mode_names[spec->mode]);
  vp_json_add_string (json, "tariff", spec->tariff);
  vp_json_add_money (json, "alarm1", spec->alarm1);
  vp_json_add_money (json, "alarm2", spec->alarm2);
  vp_json_add_money (json, "trip", spec->trip);
  if (!audit (db, actor, "account.open", number, NULL, vp_json_end (json), error))
    goto failed;

  if (spec->opening_topup > 0)
    {
      VpPosting posting = {
        .account_id = id,
        .account = number,
        .kind = VP_LEDGER_TOPUP,
        .amount = spec->opening_topup,
        .operator_id = vp_actor_id (actor),
        .shift_id = shift_id,
        .method = spec->method,
        .reference = spec->reference != NULL && *spec->reference != '\0' ? spec->reference : NULL,
        .tendered = spec->tendered,
        .receipt = TRUE,
        .quantity = -1,
      };

      if (!vp_ledger_post_locked (db, &posting, out_entry, error))
        goto failed;
    }
  else if (out_entry != NULL)
    *out_entry = NULL;

  if (out_account != NULL)
    {
      *out_account = load_account_locked (db, number, error);
      if (*out_account == NULL)
        goto failed;
    }
  if (vp_database_commit (db, error))
    return TRUE;
  if (out_account != NULL)
    g_clear_pointer (out_account, vp_account_free);
  if (out_entry != NULL)
    g_clear_pointer (out_entry, vp_ledger_entry_free);
  return FALSE;

failed:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  if (out_entry != NULL)
    g_clear_pointer (out_entry, vp_ledger_entry_free);
  return FALSE;
}

/* The common frame of the account writers below: role, begin, the account row
 * (refusing closed ones), @body, commit. */
typedef gboolean (*AccountBody) (VpDatabase    *db,
                                 VpSession     *actor,
                                 const char    *number,
                                 VpAccountRow  *row,
                                 gpointer       data,
                                 GError       **error);

static gboolean
run_account_change (VpDatabase   *db,
                    VpSession    *actor,
                    const char   *number,
                    AccountBody   body,
                    gpointer      data,
                    GError      **error)
{
  VpAccountRow row;

  if (number == NULL || *number == '\0')
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("No account number was given"));
      return FALSE;
    }
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!vp_account_row_lookup (db, number, &row, error)
      || !vp_account_row_check_status (&row, number, FALSE, error)
      || !body (db, actor, number, &row, data, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

typedef struct
{
  VpPaymentMethod   method;
  gint64            approver_id;
  VpLedgerEntry   **out_entry;
  GError           *refusal;     /* an APPROVAL_REQUIRED to audit after rollback */
} CloseData;

static gboolean
close_body (VpDatabase    *db,
            VpSession     *actor,
            const char    *number,
            VpAccountRow  *row,
            gpointer       user_data,
            GError       **error)
{
  CloseData *data = user_data;
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  gint64 debt = row->balance < 0 ? -row->balance : 0;
  gint64 balance = row->balance;

  if (row->balance > 0)
    {
      VpPosting posting = {
        .account_id = row->id,
        .account = number,
        .kind = VP_LEDGER_REFUND,
        .amount = -row->balance,
        .operator_id = vp_actor_id (actor),
        .approver_id = data->approver_id,
        .method = data->method != VP_PAYMENT_NONE ? data->method : VP_PAYMENT_CASH,
        .receipt = TRUE,
        .quantity = -1,
        .note = _("Final settlement"),
      };

      if (!vp_ledger_check_refund_approval (db, actor, number, row->balance,
                                            data->approver_id, error))
        {
          if (g_error_matches (*error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED))
            data->refusal = g_error_copy (*error);
          return FALSE;
        }
      if (!vp_shift_lookup_open (db, vp_actor_id (actor), &posting.shift_id, error))
        return FALSE;
      if (posting.shift_id == 0)
        {
          g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NO_SHIFT,
                               _("Open a shift first: the remaining balance is paid out"));
          return FALSE;
        }
      if (!vp_ledger_post_locked (db, &posting, data->out_entry, error))
        return FALSE;
    }

  stmt = vp_database_prepare (db,
                              "UPDATE accounts SET status = 'closed', closed_at = ?, "
                              "close_debt = NULLIF (?, 0) WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, debt);
  sqlite3_bind_int64 (stmt, 3, row->id);
  if (!vp_model_step (db, stmt, _("Could not close the account"), error))
    return FALSE;
  g_clear_pointer (&stmt, sqlite3_reset);

  /* Removed meters free their bus addresses for the next tenant. */
  stmt = vp_database_prepare (db,
                              "UPDATE meters SET status = 'removed', removed_at = ? "
                              "WHERE account_id = ? AND status = 'active'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, row->id);
  if (!vp_model_step (db, stmt, _("Could not close the account"), error))
    return FALSE;

  {
    GString *json = g_string_new (NULL);

    vp_json_begin (json);
    vp_json_add_string (json, "status", "closed");
    vp_json_add_money (json, "balance", 0 > balance ? balance : 0);
    vp_json_add_money (json, "debt", debt);
    return audit (db, actor, "account.close", number,
                  status_json (row->status, balance), vp_json_end (json), error);
  }
}

gboolean
vp_account_close (VpDatabase       *db,
                  VpSession        *actor,
                  const char       *number,
                  VpPaymentMethod   method,
                  gint64            approver_id,
                  VpLedgerEntry   **out_entry,
                  GError          **error)
{
  CloseData data = { method, approver_id, out_entry, NULL };
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_entry != NULL)
    *out_entry = NULL;
  /* Both before the transaction, so a refusal's audit row is not rolled back. */
  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
      || !vp_session_require (actor, VP_PERM_REFUND, error))
    return FALSE;
  ok = run_account_change (db, actor, number, close_body, &data, error);
  if (data.refusal != NULL)
    {
      g_autofree char *object = g_strdup_printf ("account:%s", number);

      vp_model_audit_refusal (db, actor, "account.close", object, data.refusal);
      g_clear_error (&data.refusal);
    }
  if (!ok && out_entry != NULL)
    g_clear_pointer (out_entry, vp_ledger_entry_free);
  return ok;
}

typedef struct
{
  const char *name;
  const char *phone;
  const char *id_number;
  const char *address;
} TransferData;

static gboolean
transfer_body (VpDatabase    *db,
               VpSession     *actor,
               const char    *number,
               VpAccountRow  *row,
               gpointer       user_data,
               GError       **error)
{
  TransferData *data = user_data;
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *before = NULL;
  gint64 customer_id;
  int rc;

  stmt = vp_database_prepare (db, "SELECT name, phone, id_number, address FROM customers WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row->customer_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      vp_database_set_error (db, rc, _("Could not read the customer"), error);
      return FALSE;
    }
  before = customer_json ((const char *) sqlite3_column_text (stmt, 0),
                          (const char *) sqlite3_column_text (stmt, 1),
                          (const char *) sqlite3_column_text (stmt, 2),
                          (const char *) sqlite3_column_text (stmt, 3));
  g_clear_pointer (&stmt, sqlite3_reset);

  if (!insert_customer_locked (db, data->name, data->phone, data->id_number, data->address,
                               now, &customer_id, error))
    return FALSE;
  stmt = vp_database_prepare (db, "UPDATE accounts SET customer_id = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, row->id);
  if (!vp_model_step (db, stmt, _("Could not transfer the account"), error))
    return FALSE;

  return vp_search_index_account (db, row->id, error)
         && audit (db, actor, "account.transfer", number, g_steal_pointer (&before),
                   customer_json (data->name, data->phone, data->id_number, data->address),
                   error);
}

gboolean
vp_account_transfer (VpDatabase  *db,
                     VpSession   *actor,
                     const char  *number,
                     const char  *name,
                     const char  *phone,
                     const char  *id_number,
                     const char  *address,
                     GError     **error)
{
  TransferData data = { name, phone, id_number, address };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
         && check_customer (name, phone, id_number, address, error)
         && run_account_change (db, actor, number, transfer_body, &data, error);
}

static gboolean
suspend_body (VpDatabase    *db,
              VpSession     *actor,
              const char    *number,
              VpAccountRow  *row,
              gpointer       user_data,
              GError       **error)
{
  gboolean suspend = GPOINTER_TO_INT (user_data);
  VpAccountStatus to = suspend ? VP_ACCOUNT_STATUS_SUSPENDED : VP_ACCOUNT_STATUS_OPEN;
  g_autoptr(VpCachedStmt) stmt = NULL;

  if (row->status == to)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   suspend ? _("Account %s is already suspended")
                           : _("Account %s is not suspended"), number);
      return FALSE;
    }
  stmt = vp_database_prepare (db, "UPDATE accounts SET status = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, status_names[to], -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, row->id);
  return vp_model_step (db, stmt, _("Could not change the account"), error)
         && audit (db, actor, suspend ? "account.suspend" : "account.restore", number,
                   status_json (row->status, row->balance), status_json (to, row->balance), error);
}

gboolean
vp_account_set_suspended (VpDatabase  *db,
                          VpSession   *actor,
                          const char  *number,
                          gboolean     suspended,
                          GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error)
         && run_account_change (db, actor, number, suspend_body,
                                GINT_TO_POINTER (suspended ? 1 : 0), error);
}

/* ---- meters ---- */

static gboolean
require_meter_role (VpSession  *actor,
                    GError    **error)
{
  return vp_session_can (actor, VP_PERM_METER_COMMISSION)
         || vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error);
}

static char *
meter_json (const VpMeterSpec *spec,
            gint64             meter_id)
{
  GString *json = g_string_new (NULL);

  vp_json_begin (json);
  vp_json_add_int (json, "meter", meter_id);
  vp_json_add_string (json, "kind", kind_names[spec->kind]);
  vp_json_add_string (json, "protocol", protocol_names[spec->protocol]);
  vp_json_add_string (json, "address", spec->address);
  vp_json_add_string (json, "link", spec->link);
  vp_json_add_int (json, "multiplier", spec->multiplier);
  vp_json_add_int (json, "install_reading", spec->install_reading);
  return vp_json_end (json);
}

static gboolean
insert_meter_locked (VpDatabase         *db,
                     gint64              account_id,
                     const VpMeterSpec  *spec,
                     gint64             *out_id,
                     GError            **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autofree char *now = vp_model_now ();
  g_autofree char *password = NULL;
  g_autofree char *operator_code = NULL;
  gint64 other;
  gboolean found;

  /* Credentials are stored sealed (vp-secret.h); empty means none. */
  if ((spec->password != NULL && *spec->password != '\0'
       && (password = vp_secret_seal (db, spec->password, error)) == NULL)
      || (spec->operator_code != NULL && *spec->operator_code != '\0'
          && (operator_code = vp_secret_seal (db, spec->operator_code, error)) == NULL))
    return FALSE;

  stmt = vp_database_prepare (db,
                              "SELECT a.number FROM meters m JOIN accounts a ON a.id = m.account_id "
                              "WHERE m.protocol = ? AND m.address = ? AND m.status = 'active'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, protocol_names[spec->protocol], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, spec->address, -1, SQLITE_TRANSIENT);
  if (!select_int (db, stmt, &other, &found, error))
    return FALSE;
  if (found)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("Meter %s is already installed on account %s"),
                   spec->address, sqlite3_column_text (stmt, 0));
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_reset);

  stmt = vp_database_prepare (db,
                              "INSERT INTO meters (account_id, kind, protocol, address, link, "
                              "password_level, password, operator_code, multiplier, install_reading, "
                              "status, installed_at) VALUES (?, ?, ?, ?, NULLIF (?, ''), ?, "
                              "NULLIF (?, ''), NULLIF (?, ''), ?, ?, 'active', ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, kind_names[spec->kind], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, protocol_names[spec->protocol], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, spec->address, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, spec->link, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 6, spec->password_level);
  sqlite3_bind_text (stmt, 7, password, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, operator_code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 9, spec->multiplier);
  sqlite3_bind_int64 (stmt, 10, spec->install_reading);
  sqlite3_bind_text (stmt, 11, now, -1, SQLITE_TRANSIENT);
  if (!vp_model_step (db, stmt, _("Could not store the meter"), error))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (vp_database_get_handle (db));
  return vp_search_index_account (db, account_id, error);
}

typedef struct
{
  const VpMeterSpec *spec;
  gint64             meter_id;
} AddMeterData;

static gboolean
add_meter_body (VpDatabase    *db,
                VpSession     *actor,
                const char    *number,
                VpAccountRow  *row,
                gpointer       user_data,
                GError       **error)
{
  AddMeterData *data = user_data;

  return insert_meter_locked (db, row->id, data->spec, &data->meter_id, error)
         && audit (db, actor, "meter.add", number, NULL,
                   meter_json (data->spec, data->meter_id), error);
}

gboolean
vp_account_add_meter (VpDatabase         *db,
                      VpSession          *actor,
                      const char         *number,
                      const VpMeterSpec  *spec,
                      gint64             *out_meter_id,
                      GError            **error)
{
  AddMeterData data = { spec, 0 };

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!require_meter_role (actor, error)
      || !check_meter_spec (spec, error)
      || !run_account_change (db, actor, number, add_meter_body, &data, error))
    return FALSE;
  if (out_meter_id != NULL)
    *out_meter_id = data.meter_id;
  return TRUE;
}

gboolean
vp_account_replace_meter (VpDatabase         *db,
                          VpSession          *actor,
                          const char         *old_address,
                          gint64              final_reading,
                          const VpMeterSpec  *spec,
                          gint64             *out_meter_id,
                          GError            **error)
{
  g_autoptr(VpCachedStmt) stmt = NULL;
  g_autoptr(VpMeter) old = NULL;
  g_autofree char *number = NULL;
  g_autofree char *now = vp_model_now ();
  GString *json;
  gint64 new_id;
  VpAccountRow row;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!require_meter_role (actor, error) || !check_meter_spec (spec, error))
    return FALSE;

  if (!vp_database_begin (db, error))
    return FALSE;
  stmt = vp_database_prepare (db, "SELECT " METER_COLUMNS "WHERE address = ? AND status = 'active'", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, old_address != NULL ? old_address : "", -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                     _("No installed meter has the address %s"), old_address);
      else
        vp_database_set_error (db, rc, _("Could not read the meter"), error);
      goto failed;
    }
  old = meter_from_row (db, stmt);
  g_clear_pointer (&stmt, sqlite3_reset);

  if (final_reading < old->install_reading)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The final reading of meter %s is below its installation reading"),
                   old->address);
      goto failed;
    }

  stmt = vp_database_prepare (db, "SELECT number FROM accounts WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, old->account_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      vp_database_set_error (db, sqlite3_errcode (vp_database_get_handle (db)),
                             _("Could not read the account"), error);
      goto failed;
    }
  number = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_reset);
  if (!vp_account_row_lookup (db, number, &row, error)
      || !vp_account_row_check_status (&row, number, FALSE, error))
    goto failed;

  /* The old meter leaves first, so the new one may reuse its address. */
  stmt = vp_database_prepare (db,
                              "UPDATE meters SET status = 'replaced', final_reading = ?, "
                              "removed_at = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, final_reading);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, old->id);
  if (!vp_model_step (db, stmt, _("Could not replace the meter"), error))
    goto failed;
  g_clear_pointer (&stmt, sqlite3_reset);

  if (!insert_meter_locked (db, old->account_id, spec, &new_id, error))
    goto failed;

  stmt = vp_database_prepare (db, "UPDATE meters SET replaced_by = ? WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, new_id);
  sqlite3_bind_int64 (stmt, 2, old->id);
  if (!vp_model_step (db, stmt, _("Could not replace the meter"), error))
    goto failed;
  g_clear_pointer (&stmt, sqlite3_reset);

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_int (json, "meter", old->id);
  vp_json_add_string (json, "address", old->address);
  vp_json_add_int (json, "install_reading", old->install_reading);
  vp_json_add_int (json, "final_reading", final_reading);
  if (!audit (db, actor, "meter.replace", number, vp_json_end (json),
              meter_json (spec, new_id), error))
    goto failed;
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_meter_id != NULL)
    *out_meter_id = new_id;
  return TRUE;

failed:
  g_clear_pointer (&stmt, sqlite3_reset);
  vp_database_rollback (db);
  return FALSE;
}
