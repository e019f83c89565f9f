/* vp-report.h: supervisors' reports — registry, table model, PDF and CSV
 *
 * A report is a name in a registry ("revenue-daily", "shift-z", …) with a bilingual
 * title, the parameters it takes and a query that reads the database into a
 * VpReportTable: typed columns, rows, a totals row and, for some, a chart. The table
 * is the one model every output is made from: vp_report_build() lays it out on A4
 * pages (VpDocument: libharu PDF, Cairo preview and printing), vp_report_to_csv()
 * writes it for spreadsheets, and vpctl prints it as text or JSON.
 *
 * Contract:
 * - Every figure is computed from the database when the report runs: money from the
 *   ledger, consumption from the engine's readings; nothing is cached or typed in.
 *   A money report's totals equal the SUM of the ledger rows it covers (tests prove
 *   it against an independent query for every money report).
 * - Dates are local calendar days "YYYY-MM-DD", both ends included; the period is
 *   turned into UTC bounds once, so a day means the counter's day, not UTC's.
 * - Running a report needs VP_PERM_REPORTS. It only reads; it may run on any thread
 *   (vp_report_run_async() does so on a worker) while the UI keeps the main loop.
 */
#pragma once

#include <gio/gio.h>

#include "vp-chart.h"
#include "vp-csv.h"
#include "vp-document.h"
#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_REPORT_TEXT,
  VP_REPORT_MONEY,     /* fen, shown as yuan "1234.50" */
  VP_REPORT_ENERGY,    /* 0.01 kWh / 0.01 m³, shown as "12.34" */
  VP_REPORT_COUNT,
  VP_REPORT_PERCENT,   /* 0.01 %, shown as "98.76%" */
} VpReportColumnType;

/* Which parameters a report reads (the others are ignored). */
typedef enum
{
  VP_REPORT_PARAM_PERIOD   = 1 << 0,   /* from / to */
  VP_REPORT_PARAM_OPERATOR = 1 << 1,
  VP_REPORT_PARAM_ACCOUNT  = 1 << 2,
  VP_REPORT_PARAM_SITE     = 1 << 3,   /* site and building */
  VP_REPORT_PARAM_SHIFT    = 1 << 4,
} VpReportParamFlags;

typedef struct
{
  char   *from;            /* "YYYY-MM-DD", first day included */
  char   *to;              /* "YYYY-MM-DD", last day included */
  char   *operator_login;  /* NULL: every operator */
  char   *account;         /* account number, NULL: every account */
  char   *site;            /* site name, NULL: every site */
  char   *building;        /* building name, NULL: every building */
  gint64  shift_id;        /* 0: every shift of the period */
} VpReportParams;

typedef struct
{
  char               *key;     /* JSON member and CSV-safe identifier: "net" */
  char               *title;   /* bilingual header: "净额 Net" */
  VpReportColumnType  type;
  gboolean            total;   /* summed into the totals row */
} VpReportColumn;

/* One cell: text for TEXT columns, value for every other type; NULL text = empty. */
typedef struct
{
  char   *text;
  gint64  value;
} VpReportCell;

typedef struct
{
  char  *label;     /* "应有现金 Expected cash" */
  char  *value;     /* already formatted */
} VpReportNote;

typedef struct
{
  char       *name;          /* registry name */
  char       *title_zh;
  char       *title_en;
  char       *period;        /* "2026-11-01 – 2026-11-30", or "截至 As of …" */
  char       *generated_at;  /* local "YYYY-MM-DD HH:MM:SS" */
  GPtrArray  *columns;       /* VpReportColumn * */
  GPtrArray  *rows;          /* VpReportCell[n_columns] (g_free'd arrays) */
  gint64     *totals;        /* n_columns values; meaningful where column->total */
  gboolean    has_totals;
  GPtrArray  *notes;         /* VpReportNote *: summary lines under the table */
  VpChart    *chart;         /* nullable */
} VpReportTable;

typedef struct
{
  const char         *name;        /* "revenue-daily" */
  const char         *title_zh;
  const char         *title_en;
  const char         *category;    /* "shift", "revenue", "accounts", "consumption", "logs" */
  VpReportParamFlags  params;
  /* Money reports: the column whose total equals the SUM of the ledger rows the report
   * covers; NULL for the others. */
  const char         *ledger_key;
} VpReportInfo;

/* Registry */
guint               vp_report_get_n_reports   (void);
const VpReportInfo *vp_report_get_info        (guint                  index);
const VpReportInfo *vp_report_find            (const char            *name);

void                vp_report_params_init     (VpReportParams        *params);
void                vp_report_params_clear    (VpReportParams        *params);

VpReportTable      *vp_report_run             (VpDatabase            *db,
                                               VpSession             *actor,
                                               const char            *name,
                                               const VpReportParams  *params,
                                               GError               **error);
void                vp_report_run_async       (VpDatabase            *db,
                                               VpSession             *actor,
                                               const char            *name,
                                               const VpReportParams  *params,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
VpReportTable      *vp_report_run_finish      (GAsyncResult          *result,
                                               GError               **error);

/* Table model */
void                vp_report_table_free      (VpReportTable         *table);
guint               vp_report_table_n_columns (const VpReportTable   *table);
const VpReportCell *vp_report_table_get_row   (const VpReportTable   *table,
                                               guint                  row);
int                 vp_report_table_column    (const VpReportTable   *table,
                                               const char            *key);
char               *vp_report_format_value    (VpReportColumnType     type,
                                               gint64                 value);
char               *vp_report_table_format    (const VpReportTable   *table,
                                               guint                  row,
                                               guint                  column);
char               *vp_report_table_format_total (const VpReportTable *table,
                                               guint                  column);

/* Outputs */
VpDocument         *vp_report_build           (const VpReportTable   *table,
                                               GError               **error);
VpCsvWriter        *vp_report_to_csv          (const VpReportTable   *table,
                                               VpCsvFlags             flags);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpReportTable, vp_report_table_free)

G_END_DECLS
