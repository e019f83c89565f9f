/* fuzz-csv-import.c: the import's byte-level half (model/vp-import-csv.c) on arbitrary
 * bytes
 *
 * Whatever the bytes, vp_import_decode() either refuses with a VP_MODEL_ERROR naming a
 * line, or returns valid UTF-8 without a NUL; vp_import_csv_read() on that text returns
 * records whose start lines rise, whose fields are valid UTF-8 (the reader never splits a
 * character: it only cuts at ASCII commas, quotes and line breaks), and whose line
 * numbers stay within the text's line count.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vp-import.h"
#include "vp-model-error.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* The first byte picks the encoding; the rest is the file. */
  VpImportEncoding encoding = size > 0 ? (VpImportEncoding) (data[0] % 3) : VP_IMPORT_ENCODING_AUTO;
  const char *bytes = size > 0 ? (const char *) data + 1 : "";
  gsize length = size > 0 ? size - 1 : 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *text = NULL;
  const char *name = NULL;
  guint last_line = 0;
  guint lines = 1;

  text = vp_import_decode (bytes, length, encoding, &name, NULL, &error);
  if (text == NULL)
    {
      FUZZ_CHECK (error != NULL && error->domain == VP_MODEL_ERROR);
      FUZZ_CHECK (g_str_has_prefix (error->message, "Line "));
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  FUZZ_CHECK (error == NULL && name != NULL);
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n' || (*p == '\r' && p[1] != '\n');

  records = vp_import_csv_read (text, strlen (text));
  for (guint i = 0; i < records->len; i++)
    {
      VpCsvRecord *record = g_ptr_array_index (records, i);

      FUZZ_CHECK (record->line > last_line && record->line <= lines);
      last_line = record->line;
      FUZZ_CHECK (record->fields != NULL && record->fields[0] != NULL);
      for (guint f = 0; record->fields[f] != NULL; f++)
        FUZZ_CHECK (g_utf8_validate (record->fields[f], -1, NULL));
      FUZZ_CHECK (record->error == NULL || g_utf8_validate (record->error, -1, NULL));
    }
  return 0;
}
