/* vp-csv.h: CSV export of reports
 *
 * RFC 4180 text: fields separated by commas, records ended by CRLF, a field quoted
 * when it holds a comma, a double quote, CR or LF (quotes inside doubled). Text is
 * UTF-8; with VP_CSV_BOM the output starts with a UTF-8 byte order mark, without
 * which Excel on a Chinese Windows reads the file as GBK and garbles every name.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VP_CSV_NONE       = 0,
  VP_CSV_BOM        = 1 << 0,  /* start with EF BB BF for Excel */
  /* Text fields that a spreadsheet would run as a formula (=, +, -, @ first, as in a
   * customer name "=HYPERLINK(…)") get a leading apostrophe. Numbers added with
   * vp_csv_writer_add_money()/add_int() are never touched. */
  VP_CSV_FORMULA_SAFE = 1 << 1,
} VpCsvFlags;

typedef struct _VpCsvWriter VpCsvWriter;

VpCsvWriter *vp_csv_writer_new       (VpCsvFlags    flags);
void         vp_csv_writer_free      (VpCsvWriter  *self);

void         vp_csv_writer_add_text  (VpCsvWriter  *self,
                                      const char   *text);
void         vp_csv_writer_add_int   (VpCsvWriter  *self,
                                      gint64        value);
void         vp_csv_writer_add_money (VpCsvWriter  *self,
                                      gint64        fen);
void         vp_csv_writer_end_row   (VpCsvWriter  *self);
void         vp_csv_writer_add_row   (VpCsvWriter  *self,
                                      const char * const *fields);

const char  *vp_csv_writer_get_data  (VpCsvWriter  *self,
                                      gsize        *out_length);
gboolean     vp_csv_writer_save      (VpCsvWriter  *self,
                                      const char   *path,
                                      GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpCsvWriter, vp_csv_writer_free)

G_END_DECLS
