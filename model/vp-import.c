/* vp-import.c: CSV onboarding of customers, rooms, meters and opening balances */
#include "config.h"

#include "vp-import.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-csv.h"
#include "vp-model-error.h"
#include "vp-money.h"

#define VP_IMPORT_OPENING_REASON "opening balance (import)"

typedef enum
{
  COL_ACCOUNT,
  COL_NAME,
  COL_PHONE,
  COL_ID_NUMBER,
  COL_ADDRESS,
  COL_ROOM,
  COL_MODE,
  COL_TARIFF,
  COL_KIND,
  COL_PROTOCOL,
  COL_METER,
  COL_MULTIPLIER,
  COL_READING,
  COL_OPENING,
  N_COLUMNS
} Column;

/* The English name (written by the export) first, then the accepted aliases. */
static const char * const column_names[N_COLUMNS][4] = {
  [COL_ACCOUNT]    = { "account", "账号", "户号", NULL },
  [COL_NAME]       = { "name", "姓名", "户名", NULL },
  [COL_PHONE]      = { "phone", "电话", "手机", NULL },
  [COL_ID_NUMBER]  = { "id_number", "身份证号", "证件号", NULL },
  [COL_ADDRESS]    = { "address", "地址", NULL, NULL },
  [COL_ROOM]       = { "room", "房间", "房号", NULL },
  [COL_MODE]       = { "mode", "付费方式", "模式", NULL },
  [COL_TARIFF]     = { "tariff", "电价", "费率", NULL },
  [COL_KIND]       = { "kind", "表类型", "类型", NULL },
  [COL_PROTOCOL]   = { "protocol", "规约", "协议", NULL },
  [COL_METER]      = { "meter_address", "表地址", "表号", NULL },
  [COL_MULTIPLIER] = { "multiplier", "倍率", NULL, NULL },
  [COL_READING]    = { "install_reading", "初始读数", "底数", NULL },
  [COL_OPENING]    = { "opening_balance", "期初余额", "余额", NULL },
};

/* ---- reports and records ---- */

static void
problem_free (gpointer data)
{
  VpImportProblem *problem = data;

  g_free (problem->reason);
  g_free (problem);
}

void
vp_import_report_free (VpImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->encoding);
  g_ptr_array_unref (report->problems);
  g_ptr_array_unref (report->numbers);
  g_free (report);
}

static void
add_problem (VpImportReport *report,
             guint           line,
             const char     *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (VpImportReport *report,
             guint           line,
             const char     *format,
             ...)
{
  VpImportProblem *problem = g_new0 (VpImportProblem, 1);
  va_list args;

  va_start (args, format);
  problem->line = line;
  problem->reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (report->problems, problem);
}

/* ---- checking rows ---- */

typedef struct
{
  guint        line;
  const char  *key;              /* grouping key, NULL when none */
  const char  *name;
  const char  *phone;
  const char  *id_number;
  const char  *address;
  const char  *room;
  VpAccountMode mode;
  const char  *tariff;
  gboolean     has_meter;
  VpMeterSpec  meter;
  gint64       opening;
  gboolean     continuation;     /* adds a meter to the previous row's account */
} Row;

static const char *
cell (char       **fields,
      const int   *map,
      Column       column)
{
  int index = map[column];
  const char *value;

  if (index < 0)
    return NULL;
  value = fields[index];
  while (*value == ' ' || *value == '\t')
    value++;
  return *value == '\0' ? NULL : value;
}

static gboolean
phone_is_valid (const char *phone)
{
  guint digits = 0;

  for (const char *p = phone; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!(*p == ' ' || *p == '-' || (*p == '+' && p == phone)))
        return FALSE;
    }
  return digits >= 5 && digits <= 15;
}

/* "BUILDING-ROOM": building without a dash, room 3 or 4 digits (floor = hundreds). */
static gboolean
room_is_valid (const char *room)
{
  const char *dash = strchr (room, '-');
  gsize digits;

  if (dash == NULL || dash == room || strchr (dash + 1, '-') != NULL)
    return FALSE;
  digits = strlen (dash + 1);
  return (digits == 3 || digits == 4) && strspn (dash + 1, "0123456789") == digits
         && dash[1] != '0';
}

static gboolean
mode_parse (const char    *text,
            VpAccountMode *out_mode)
{
  if (text == NULL || g_str_equal (text, "预付费"))
    {
      *out_mode = VP_ACCOUNT_MODE_PREPAID;
      return TRUE;
    }
  if (g_str_equal (text, "后付费"))
    {
      *out_mode = VP_ACCOUNT_MODE_POSTPAID;
      return TRUE;
    }
  return vp_account_mode_from_string (text, out_mode);
}

static gboolean
kind_parse (const char  *text,
            VpMeterKind *out_kind)
{
  if (g_str_equal (text, "电") || g_str_equal (text, "电表"))
    *out_kind = VP_METER_KIND_ELECTRICITY;
  else if (g_str_equal (text, "水") || g_str_equal (text, "水表"))
    *out_kind = VP_METER_KIND_WATER;
  else
    return vp_meter_kind_from_string (text, out_kind);
  return TRUE;
}

static gboolean
exists_in_db (VpDatabase  *db,
              const char  *sql,
              const char  *value,
              gboolean    *out_exists,
              GError     **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  vp_database_lock (db);
  stmt = vp_database_prepare (db, sql, error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
      ok = vp_model_step (db, stmt, _("Checking the import"), error);
      *out_exists = ok && sqlite3_stmt_busy (stmt);
      sqlite3_reset (stmt);
    }
  vp_database_unlock (db);
  return ok;
}

/* Checks the meter columns of @fields into @row. FALSE with a problem added. */
static gboolean
check_meter (VpDatabase      *db,
             VpImportReport  *report,
             char           **fields,
             const int       *map,
             Row             *row,
             GHashTable      *addresses,
             GError         **error)
{
  const char *address = cell (fields, map, COL_METER);
  const char *kind = cell (fields, map, COL_KIND);
  const char *protocol = cell (fields, map, COL_PROTOCOL);
  const char *multiplier = cell (fields, map, COL_MULTIPLIER);
  const char *reading = cell (fields, map, COL_READING);
  g_autoptr(GError) local = NULL;
  gsize digits;
  gboolean exists = FALSE;
  guint *first;
  gint64 value;
  char *end;

  vp_meter_spec_init (&row->meter);
  if (address == NULL)
    {
      if (kind != NULL || protocol != NULL || multiplier != NULL || reading != NULL)
        {
          add_problem (report, row->line, _("meter columns are filled but the meter address is missing"));
          return FALSE;
        }
      return TRUE;
    }
  row->has_meter = TRUE;
  row->meter.address = address;
  if (kind == NULL)
    {
      add_problem (report, row->line, _("the meter kind is missing (electricity/电 or water/水)"));
      return FALSE;
    }
  if (!kind_parse (kind, &row->meter.kind))
    {
      add_problem (report, row->line, _("unknown meter kind “%s” (electricity/电 or water/水)"), kind);
      return FALSE;
    }
  row->meter.protocol = row->meter.kind == VP_METER_KIND_WATER ? VP_METER_PROTOCOL_CJT188
                                                                : VP_METER_PROTOCOL_DLT645;
  if (protocol != NULL && !vp_meter_protocol_from_string (protocol, &row->meter.protocol))
    {
      add_problem (report, row->line, _("unknown protocol “%s” (dlt645 or cjt188)"), protocol);
      return FALSE;
    }
  /* DL/T 645-2007 addresses are 6 BCD bytes, CJ/T 188-2004 ones 7 (PROTOCOLS.md). */
  digits = row->meter.protocol == VP_METER_PROTOCOL_DLT645 ? 12 : 14;
  if (strlen (address) != digits || strspn (address, "0123456789") != digits)
    {
      add_problem (report, row->line, _("meter address “%s” must be %u digits for %s"),
                   address, (guint) digits, vp_meter_protocol_to_string (row->meter.protocol));
      return FALSE;
    }
  first = g_hash_table_lookup (addresses, address);
  if (first != NULL)
    {
      add_problem (report, row->line, _("meter address %s is already on line %u"), address, *first);
      return FALSE;
    }
  first = g_new (guint, 1);
  *first = row->line;
  g_hash_table_insert (addresses, (gpointer) address, first);
  if (!exists_in_db (db, "SELECT 1 FROM meters WHERE address = ? AND status = 'active'",
                     address, &exists, error))
    return FALSE;
  if (exists)
    {
      add_problem (report, row->line, _("meter address %s is already installed on an account"), address);
      return FALSE;
    }
  if (multiplier != NULL)
    {
      value = g_ascii_strtoll (multiplier, &end, 10);
      if (*end != '\0' || !g_ascii_isdigit (*multiplier) || value < 1 || value > 100000)
        {
          add_problem (report, row->line, _("multiplier “%s” must be a whole number from 1 to 100000"), multiplier);
          return FALSE;
        }
      row->meter.multiplier = value;
    }
  /* Readings are 0.01 units, written like money ("1234.56"). */
  if (reading != NULL && !vp_money_parse (reading, VP_MONEY_ALLOW_ZERO, &row->meter.install_reading, &local))
    {
      add_problem (report, row->line, _("install reading “%s”: %s"), reading, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Checks one record into @row; FALSE with @error only for a database failure. */
static gboolean
check_row (VpDatabase      *db,
           VpImportReport  *report,
           VpCsvRecord     *record,
           const int       *map,
           guint            n_columns,
           Row             *row,
           const Row       *group,
           GHashTable      *addresses,
           GError         **error)
{
  char **fields = record->fields;
  const char *opening;
  g_autoptr(GError) local = NULL;
  gboolean exists = FALSE;
  guint problems = report->problems->len;

  memset (row, 0, sizeof *row);
  row->line = record->line;
  if (record->error != NULL)
    {
      add_problem (report, row->line, "%s", record->error);
      return TRUE;
    }
  if (g_strv_length (fields) != n_columns)
    {
      add_problem (report, row->line, _("%u fields, but the header has %u"),
                   g_strv_length (fields), n_columns);
      return TRUE;
    }
  row->key = cell (fields, map, COL_ACCOUNT);
  row->name = cell (fields, map, COL_NAME);
  row->phone = cell (fields, map, COL_PHONE);
  row->id_number = cell (fields, map, COL_ID_NUMBER);
  row->address = cell (fields, map, COL_ADDRESS);
  row->room = cell (fields, map, COL_ROOM);
  row->tariff = cell (fields, map, COL_TARIFF);
  row->continuation = group != NULL;

  if (row->name == NULL)
    add_problem (report, row->line, _("the customer name is missing"));
  else if (group != NULL && g_strcmp0 (group->name, row->name) != 0)
    add_problem (report, row->line, _("account %s is “%s” on line %u, not “%s”"),
                 row->key, group->name, group->line, row->name);
  if (row->phone != NULL && !phone_is_valid (row->phone))
    add_problem (report, row->line, _("phone number “%s” must be 5 to 15 digits (spaces, - and a leading + allowed)"),
                 row->phone);
  if (row->room != NULL && !room_is_valid (row->room))
    add_problem (report, row->line, _("room “%s” is not written building-room, e.g. 3-402"), row->room);
  if (!mode_parse (cell (fields, map, COL_MODE), &row->mode))
    add_problem (report, row->line, _("unknown payment mode “%s” (prepaid/预付费 or postpaid/后付费)"),
                 cell (fields, map, COL_MODE));
  if (row->tariff != NULL)
    {
      if (!exists_in_db (db, "SELECT 1 FROM tariffs WHERE name = ?", row->tariff, &exists, error))
        return FALSE;
      if (!exists)
        add_problem (report, row->line, _("unknown tariff “%s”"), row->tariff);
    }
  opening = cell (fields, map, COL_OPENING);
  if (opening != NULL
      && !vp_money_parse (opening, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &row->opening, &local))
    add_problem (report, row->line, _("opening balance “%s”: %s"), opening, local->message);
  if (group != NULL && (row->opening != 0 || g_strcmp0 (group->room, row->room) != 0))
    add_problem (report, row->line, _("a further meter of account %s: room and opening balance belong on line %u"),
                 row->key, group->line);
  if (report->problems->len == problems
      && !check_meter (db, report, fields, map, row, addresses, error))
    return error == NULL || *error == NULL;
  return TRUE;
}

/* The column map of the header record; FALSE with @error for a header that cannot be. */
static gboolean
map_header (VpCsvRecord  *header,
            int          *map,
            GError      **error)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    map[c] = -1;
  if (header->error != NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Line %u, the header: %s"), header->line, header->error);
      return FALSE;
    }
  for (guint i = 0; header->fields[i] != NULL; i++)
    {
      g_autofree char *name = g_strstrip (g_ascii_strdown (header->fields[i], -1));
      int found = -1;

      for (guint c = 0; c < N_COLUMNS && found < 0; c++)
        for (guint a = 0; a < G_N_ELEMENTS (column_names[c]) && column_names[c][a] != NULL; a++)
          if (g_str_equal (name, column_names[c][a]))
            found = (int) c;
      if (found < 0)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Line %u, the header: unknown column “%s”"), header->line, header->fields[i]);
          return FALSE;
        }
      if (map[found] >= 0)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Line %u, the header: column “%s” appears twice"), header->line, header->fields[i]);
          return FALSE;
        }
      map[found] = (int) i;
    }
  if (map[COL_NAME] < 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Line %u, the header: the column “name” (姓名) is required"), header->line);
      return FALSE;
    }
  return TRUE;
}

/* ---- importing ---- */

/* Opens every account of @rows; the caller holds the transaction. */
static gboolean
import_rows_locked (VpDatabase      *db,
                    VpSession       *actor,
                    GArray          *rows,
                    VpImportReport  *report,
                    GError         **error)
{
  g_autofree char *number = NULL;

  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = &g_array_index (rows, Row, i);
      g_autoptr(GError) local = NULL;
      g_autoptr(VpAccount) account = NULL;
      gboolean ok = TRUE;

      if (!row->continuation)
        {
          VpAccountSpec spec;

          vp_account_spec_init (&spec);
          spec.name = row->name;
          spec.phone = row->phone;
          spec.id_number = row->id_number;
          spec.address = row->address;
          spec.room = row->room;
          spec.mode = row->mode;
          spec.tariff = row->tariff;
          ok = vp_account_open (db, actor, &spec, &account, NULL, &local);
          if (ok)
            {
              g_free (number);
              number = g_strdup (account->number);
              report->accounts++;
              g_ptr_array_add (report->numbers, g_strdup (number));
            }
          if (ok && row->opening != 0)
            {
              ok = vp_ledger_adjust (db, actor, number, row->opening, VP_IMPORT_OPENING_REASON, NULL, &local);
              report->opening_total += row->opening;
            }
        }
      if (ok && row->has_meter)
        {
          ok = vp_account_add_meter (db, actor, number, &row->meter, NULL, &local);
          report->meters++;
        }
      if (!ok)
        {
          /* Role refusals are not a row's fault: the whole import stops with them. */
          if (g_error_matches (local, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED)
              || local->domain != VP_MODEL_ERROR || local->code <= VP_MODEL_ERROR_CORRUPT)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          add_problem (report, row->line, "%s", local->message);
          return TRUE;
        }
    }
  return TRUE;
}

static gboolean
check_records (VpDatabase      *db,
               GPtrArray       *records,
               VpImportReport  *report,
               GArray          *rows,
               GError         **error)
{
  g_autoptr(GHashTable) addresses = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  int map[N_COLUMNS];
  guint n_columns;

  if (records->len == 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The file is empty: the first line must name the columns"));
      return FALSE;
    }
  if (!map_header (g_ptr_array_index (records, 0), map, error))
    return FALSE;
  n_columns = g_strv_length (((VpCsvRecord *) g_ptr_array_index (records, 0))->fields);

  for (guint i = 1; i < records->len; i++)
    {
      VpCsvRecord *record = g_ptr_array_index (records, i);
      const char *key = NULL;
      gpointer group_index = NULL;
      const Row *group = NULL;
      guint before = report->problems->len;
      Row row;

      report->records++;
      if (record->error == NULL && g_strv_length (record->fields) == n_columns)
        key = cell (record->fields, map, COL_ACCOUNT);
      if (key != NULL && g_hash_table_lookup_extended (groups, key, NULL, &group_index))
        group = &g_array_index (rows, Row, GPOINTER_TO_UINT (group_index));
      if (!check_row (db, report, record, map, n_columns, &row, group, addresses, error))
        return FALSE;
      if (report->problems->len != before)
        continue;
      g_array_append_val (rows, row);
      if (key != NULL && group == NULL)
        g_hash_table_insert (groups, (gpointer) key, GUINT_TO_POINTER (rows->len - 1));
    }
  return TRUE;
}

gboolean
vp_import_customers (VpDatabase        *db,
                     VpSession         *actor,
                     const char        *data,
                     gsize              length,
                     VpImportEncoding   encoding,
                     gboolean           dry_run,
                     VpImportReport   **out_report,
                     GError           **error)
{
  g_autoptr(VpImportReport) report = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autofree char *text = NULL;
  const char *encoding_name = NULL;
  gboolean bom = FALSE;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_report != NULL)
    *out_report = NULL;
  if (!vp_session_require (actor, VP_PERM_ACCOUNT_MANAGE, error))
    return FALSE;
  text = vp_import_decode (data, length, encoding, &encoding_name, &bom, error);
  if (text == NULL)
    return FALSE;

  report = g_new0 (VpImportReport, 1);
  report->encoding = g_strdup (encoding_name);
  report->bom = bom;
  report->problems = g_ptr_array_new_with_free_func (problem_free);
  report->numbers = g_ptr_array_new_with_free_func (g_free);
  records = vp_import_csv_read (text, strlen (text));
  rows = g_array_new (FALSE, TRUE, sizeof (Row));
  if (!check_records (db, records, report, rows, error))
    return FALSE;

  if (report->problems->len == 0)
    {
      gboolean ok;

      if (!vp_database_begin (db, error))
        return FALSE;
      ok = import_rows_locked (db, actor, rows, report, error);
      if (!ok || report->problems->len > 0 || dry_run)
        {
          vp_database_rollback (db);
          if (dry_run)
            g_ptr_array_set_size (report->numbers, 0);
        }
      else if (!vp_database_commit (db, error))
        ok = FALSE;
      if (!ok)
        return FALSE;
    }

  if (report->problems->len > 0)
    {
      guint bad_rows = 0;
      guint last_line = 0;

      /* Nothing was written. A row may have several problems; count rows. */
      g_ptr_array_set_size (report->numbers, 0);
      for (guint i = 0; i < report->problems->len; i++)
        {
          const VpImportProblem *problem = g_ptr_array_index (report->problems, i);

          bad_rows += problem->line != last_line;
          last_line = problem->line;
        }
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE, "%u bad row: nothing was imported",
                                "%u bad rows: nothing was imported", bad_rows),
                   bad_rows);
      if (out_report != NULL)
        *out_report = g_steal_pointer (&report);
      return FALSE;
    }
  if (out_report != NULL)
    *out_report = g_steal_pointer (&report);
  return TRUE;
}

gboolean
vp_import_customers_file (VpDatabase        *db,
                          VpSession         *actor,
                          const char        *path,
                          VpImportEncoding   encoding,
                          gboolean           dry_run,
                          VpImportReport   **out_report,
                          GError           **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  return vp_import_customers (db, actor, data, length, encoding, dry_run, out_report, error);
}

/* ---- export ---- */

static void
add_reading (VpCsvWriter *csv,
             gint64       value)
{
  vp_csv_writer_add_money (csv, value);
}

static void
export_row (VpCsvWriter     *csv,
            const VpAccount *account,
            const VpMeter   *meter,
            gboolean         first)
{
  vp_csv_writer_add_text (csv, account->number);
  vp_csv_writer_add_text (csv, account->name);
  vp_csv_writer_add_text (csv, first ? account->phone : NULL);
  vp_csv_writer_add_text (csv, first ? account->id_number : NULL);
  vp_csv_writer_add_text (csv, first ? account->address : NULL);
  vp_csv_writer_add_text (csv, account->room);
  vp_csv_writer_add_text (csv, vp_account_mode_to_string (account->mode));
  vp_csv_writer_add_text (csv, first ? account->tariff : NULL);
  vp_csv_writer_add_text (csv, meter != NULL ? vp_meter_kind_to_string (meter->kind) : NULL);
  vp_csv_writer_add_text (csv, meter != NULL ? vp_meter_protocol_to_string (meter->protocol) : NULL);
  vp_csv_writer_add_text (csv, meter != NULL ? meter->address : NULL);
  if (meter != NULL)
    {
      vp_csv_writer_add_int (csv, meter->multiplier);
      add_reading (csv, meter->install_reading);
    }
  else
    {
      vp_csv_writer_add_text (csv, NULL);
      vp_csv_writer_add_text (csv, NULL);
    }
  if (first && account->balance != 0)
    vp_csv_writer_add_money (csv, account->balance);
  else
    vp_csv_writer_add_text (csv, NULL);
  vp_csv_writer_end_row (csv);
}

char *
vp_import_export_customers (VpDatabase  *db,
                            VpSession   *actor,
                            gboolean     bom,
                            gsize       *out_length,
                            GError     **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(VpCsvWriter) csv = NULL;
  const char *header[N_COLUMNS + 1];
  const char *data;
  gsize length = 0;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (actor != NULL, NULL);

  accounts = vp_account_list (db, actor, 0, 0, error);
  if (accounts == NULL)
    return NULL;
  /* Not FORMULA_SAFE: a leading apostrophe would not survive the round trip. */
  csv = vp_csv_writer_new (bom ? VP_CSV_BOM : VP_CSV_NONE);
  for (guint c = 0; c < N_COLUMNS; c++)
    header[c] = column_names[c][0];
  header[N_COLUMNS] = NULL;
  vp_csv_writer_add_row (csv, header);
  for (guint i = 0; i < accounts->len; i++)
    {
      const VpAccount *account = g_ptr_array_index (accounts, i);
      gboolean first = TRUE;

      if (account->status == VP_ACCOUNT_STATUS_CLOSED)
        continue;
      for (guint m = 0; m < account->meters->len; m++)
        {
          const VpMeter *meter = g_ptr_array_index (account->meters, m);

          if (meter->status != VP_METER_STATUS_ACTIVE)
            continue;
          export_row (csv, account, meter, first);
          first = FALSE;
        }
      if (first)
        export_row (csv, account, NULL, TRUE);
    }
  data = vp_csv_writer_get_data (csv, &length);
  if (out_length != NULL)
    *out_length = length;
  return g_strndup (data, length);
}
