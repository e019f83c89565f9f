/* vp-import.h: onboarding a site from a spreadsheet — customers, rooms, meters and
 * opening balances in one CSV file, and the export of the same format
 *
 * Contract:
 * - The file is RFC 4180 CSV (fields separated by commas, records by CRLF or LF, a
 *   quoted field may hold commas, line breaks and doubled quotes). Encoding: UTF-8 with
 *   or without a byte order mark, or GBK as Excel on a Chinese Windows writes it. With
 *   VP_IMPORT_ENCODING_AUTO, text that is valid UTF-8 is UTF-8, anything else is read
 *   as GB18030 (a superset of GBK), since GBK bytes are almost never valid UTF-8.
 * - The first record is the header; columns are matched by name, in Chinese or English
 *   (see vp_import_columns below), in any order; only "name" is required. An unknown or
 *   repeated column name refuses the whole file.
 * - One record is one account with at most one meter. Records with the same non-empty
 *   "account" value are ONE account: the first gives the customer, the others add
 *   meters. The value is only a grouping key; imported accounts get new numbers.
 * - Every record is checked first and EVERY bad one is reported with the line number
 *   where it starts and the reason; then, only when there is none, the accounts are
 *   opened through the model (vp_account_open, vp_account_add_meter, vp_ledger_adjust)
 *   inside ONE transaction: all of them or none. A dry run does the same and rolls
 *   back, so it also reports what only the model finds, and writes nothing.
 * - A room label "BUILDING-ROOM" (room: 3 or 4 digits, floor = hundreds) that is not
 *   in the database is created, as vp_account_open does; an ill-formed one is a bad row.
 * - The opening balance is a balance adjustment with reason "opening balance (import)"
 *   (vp_ledger_adjust: needs VP_PERM_APPROVE, gets a receipt, is audited). Opening the
 *   accounts needs VP_PERM_ACCOUNT_MANAGE.
 * - vp_import_export_customers() writes the same columns (account number as the
 *   grouping key, balance as opening balance, one record per active meter), so an
 *   export imported into an empty database exports to the same text. Alarm thresholds
 *   are not part of the format (imported accounts get the defaults).
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_IMPORT_ENCODING_AUTO,
  VP_IMPORT_ENCODING_UTF8,
  VP_IMPORT_ENCODING_GBK,
} VpImportEncoding;

/* One bad record: where it starts in the file (1 = the header line) and why. */
typedef struct
{
  guint  line;
  char  *reason;
} VpImportProblem;

typedef struct
{
  char      *encoding;   /* "UTF-8" or "GB18030": how the file was read */
  gboolean   bom;        /* the file started with a UTF-8 byte order mark */
  guint      records;    /* data records read (blank lines not counted) */
  guint      accounts;   /* accounts opened (or that a dry run would open) */
  guint      meters;
  gint64     opening_total;  /* fen, sum of the opening balances */
  GPtrArray *problems;   /* VpImportProblem *, file order; empty when the file is good */
  GPtrArray *numbers;    /* char *, the account numbers opened (empty after a dry run) */
} VpImportReport;

/* One parsed CSV record (vp_import_csv_read). */
typedef struct
{
  guint   line;     /* physical line where the record starts, 1-based */
  char  **fields;   /* NULL-terminated */
  char   *error;    /* NULL, or why the record is malformed (stray quote, …) */
} VpCsvRecord;

/* Parses RFC 4180 text (already UTF-8, no BOM) into VpCsvRecord * records; blank lines
 * are skipped. Never fails: a malformed record carries its error and the reading goes
 * on at the next line break outside quotes. */
GPtrArray  *vp_import_csv_read         (const char        *text,
                                        gsize              length);
void        vp_csv_record_free         (VpCsvRecord       *record);

/* Decodes @data (@encoding, see above) into UTF-8 without the BOM. INVALID_ARGUMENT
 * names the line of the first bad byte when the file is neither encoding, or holds a
 * NUL byte. @out_encoding, @out_bom: (optional). */
char       *vp_import_decode           (const char        *data,
                                        gsize              length,
                                        VpImportEncoding   encoding,
                                        const char       **out_encoding,
                                        gboolean          *out_bom,
                                        GError           **error);

/* Checks and (unless @dry_run) imports @data. Returns TRUE only when every record was
 * good and the import committed (or, dry run, would commit). FALSE with @error for a
 * file that cannot be read at all (encoding, header) or a refused permission, and
 * FALSE with INVALID_ARGUMENT "N bad rows" when @out_report lists problems; nothing is
 * written in either case. @out_report: (out) (optional): set whenever the header was
 * read. */
gboolean    vp_import_customers        (VpDatabase        *db,
                                        VpSession         *actor,
                                        const char        *data,
                                        gsize              length,
                                        VpImportEncoding   encoding,
                                        gboolean           dry_run,
                                        VpImportReport   **out_report,
                                        GError           **error);

/* The file at @path, read whole, then as vp_import_customers(). */
gboolean    vp_import_customers_file   (VpDatabase        *db,
                                        VpSession         *actor,
                                        const char        *path,
                                        VpImportEncoding   encoding,
                                        gboolean           dry_run,
                                        VpImportReport   **out_report,
                                        GError           **error);

/* Every account (number order) in the import format, as UTF-8 CSV text (a BOM first
 * when @bom, for Excel). Needs VP_PERM_ACCOUNT_VIEW. Free with g_free(). */
char       *vp_import_export_customers (VpDatabase        *db,
                                        VpSession         *actor,
                                        gboolean           bom,
                                        gsize             *out_length,
                                        GError           **error);

void        vp_import_report_free      (VpImportReport    *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpImportReport, vp_import_report_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCsvRecord, vp_csv_record_free)

G_END_DECLS
