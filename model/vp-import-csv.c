/* vp-import-csv.c: the byte-level half of the import (RFC 4180 records, encodings),
 * kept apart from the database half so the fuzz target links it alone */
#include "config.h"

#include "vp-import.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-model-error.h"

void
vp_csv_record_free (VpCsvRecord *record)
{
  if (record == NULL)
    return;
  g_strfreev (record->fields);
  g_free (record->error);
  g_free (record);
}

/* ---- RFC 4180 reader ---- */

/* Ends the current record at *pos (just after its line break or at the end). */
static void
finish_record (GPtrArray  *records,
               GPtrArray  *fields,
               guint       line,
               char       *error)
{
  VpCsvRecord *record;
  gboolean blank = fields->len == 1 && *(const char *) g_ptr_array_index (fields, 0) == '\0';

  if (blank && error == NULL)
    {
      g_ptr_array_set_size (fields, 0);
      return;
    }
  record = g_new0 (VpCsvRecord, 1);
  record->line = line;
  record->error = error;
  g_ptr_array_add (fields, NULL);
  record->fields = (char **) g_ptr_array_steal (fields, NULL);
  g_ptr_array_add (records, record);
}

GPtrArray *
vp_import_csv_read (const char *text,
                    gsize       length)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_csv_record_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = text;
  const char *end = text + length;
  guint line = 1;
  guint record_line = 1;
  char *error = NULL;

  g_return_val_if_fail (text != NULL || length == 0, records);

  while (p <= end)
    {
      gboolean at_end = p == end;
      char c = at_end ? '\n' : *p;

      if (field->len == 0 && c == '"' && !at_end)
        {
          /* A quoted field: up to the lone closing quote; "" is one quote. */
          gboolean closed = FALSE;

          for (p++; p < end; p++)
            {
              if (*p == '"' && p + 1 < end && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p++;
                }
              else if (*p == '"')
                {
                  closed = TRUE;
                  p++;
                  break;
                }
              else
                {
                  if (*p == '\n')
                    line++;
                  g_string_append_c (field, *p);
                }
            }
          if (!closed && error == NULL)
            error = g_strdup (_("a quoted field is not closed before the end of the file"));
          /* What follows the closing quote must end the field. */
          if (p < end && *p != ',' && *p != '\n' && *p != '\r' && error == NULL)
            error = g_strdup (_("text after the closing quote of a field"));
          while (p < end && *p != ',' && *p != '\n' && *p != '\r')
            p++;
          /* An empty quoted field must not look like a blank line. */
          if (field->len == 0)
            g_string_append_c (field, '\0');
          continue;
        }

      if (c == ',' || c == '\n' || c == '\r')
        {
          g_ptr_array_add (fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          if (c == ',')
            {
              p++;
              continue;
            }
          if (c == '\r' && p + 1 < end && p[1] == '\n')
            p++;
          p++;
          finish_record (records, fields, record_line, g_steal_pointer (&error));
          line++;
          record_line = line;
          if (at_end)
            break;
          continue;
        }

      if (c == '"' && error == NULL)
        error = g_strdup (_("a double quote inside a field that does not start with one"));
      g_string_append_c (field, c);
      p++;
    }
  g_free (error);
  return records;
}

/* ---- encodings ---- */

static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

char *
vp_import_decode (const char        *data,
                  gsize              length,
                  VpImportEncoding   encoding,
                  const char       **out_encoding,
                  gboolean          *out_bom,
                  GError           **error)
{
  const char *nul;
  const char *bad = NULL;
  gboolean bom = length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0;
  g_autoptr(GError) local = NULL;
  gsize read = 0;
  char *text;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (out_encoding != NULL)
    *out_encoding = NULL;
  if (out_bom != NULL)
    *out_bom = bom;
  nul = memchr (data, '\0', length);
  if (nul != NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Line %u holds a NUL byte: this is not a CSV text file"),
                   line_of_offset (data, nul - data));
      return NULL;
    }
  if (bom)
    {
      data += 3;
      length -= 3;
    }

  if (encoding != VP_IMPORT_ENCODING_GBK
      && (g_utf8_validate (data, length, &bad) || encoding == VP_IMPORT_ENCODING_UTF8 || bom))
    {
      if (bad != NULL && bad < data + length)
        {
          g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                       _("Line %u is not valid UTF-8; if the file came from Excel, import it as GBK"),
                       line_of_offset (data, bad - data));
          return NULL;
        }
      if (out_encoding != NULL)
        *out_encoding = "UTF-8";
      return g_strndup (data, length);
    }

  /* GB18030 is a superset of GBK and GB2312, so it reads all three. */
  text = g_convert (data, length, "UTF-8", "GB18030", &read, NULL, &local);
  if (text == NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("Line %u is neither UTF-8 nor GBK text"), line_of_offset (data, read));
      return NULL;
    }
  if (out_encoding != NULL)
    *out_encoding = "GB18030";
  return text;
}
