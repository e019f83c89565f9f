/* vp-csv.c: CSV export of reports (RFC 4180) */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "vp-csv.h"
#include "vp-model-error.h"
#include "vp-money.h"

struct _VpCsvWriter
{
  GString    *data;
  VpCsvFlags  flags;
  guint       n_fields;   /* fields in the current record so far */
};

/*
 * vp_csv_writer_new:
 * @flags: VP_CSV_BOM to start with a UTF-8 byte order mark, VP_CSV_FORMULA_SAFE
 *   to neutralise text that spreadsheets would evaluate
 *
 * Returns: (transfer full): an empty writer; free with vp_csv_writer_free().
 */
VpCsvWriter *
vp_csv_writer_new (VpCsvFlags flags)
{
  VpCsvWriter *self = g_new0 (VpCsvWriter, 1);

  self->flags = flags;
  self->data = g_string_new (NULL);
  if (flags & VP_CSV_BOM)
    g_string_append (self->data, "\xEF\xBB\xBF");
  return self;
}

void
vp_csv_writer_free (VpCsvWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->data, TRUE);
  g_free (self);
}

static void
append_separator (VpCsvWriter *self)
{
  if (self->n_fields > 0)
    g_string_append_c (self->data, ',');
  self->n_fields++;
}

/* Appends @text as one field, quoted only when RFC 4180 §2.6 requires it. */
static void
append_field (VpCsvWriter *self,
              const char  *text)
{
  append_separator (self);
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (self->data, text);
      return;
    }

  g_string_append_c (self->data, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      /* RFC 4180 §2.7: a double quote inside a quoted field is doubled. */
      if (*p == '"')
        g_string_append_c (self->data, '"');
      g_string_append_c (self->data, *p);
    }
  g_string_append_c (self->data, '"');
}

/*
 * vp_csv_writer_add_text:
 * @text: (nullable): the field; %NULL is an empty field. Invalid UTF-8 is replaced
 *   by U+FFFD so the file stays readable as UTF-8.
 *
 * Appends one text field to the current record.
 */
void
vp_csv_writer_add_text (VpCsvWriter *self,
                        const char  *text)
{
  g_autofree char *valid = NULL;

  g_return_if_fail (self != NULL);

  valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  if ((self->flags & VP_CSV_FORMULA_SAFE) && valid[0] != '\0'
      && strchr ("=+-@", valid[0]) != NULL)
    {
      g_autofree char *quoted = g_strconcat ("'", valid, NULL);
      append_field (self, quoted);
      return;
    }
  append_field (self, valid);
}

/* Appends an integer field (counts, readings in 0.01 units are formatted by the caller). */
void
vp_csv_writer_add_int (VpCsvWriter *self,
                       gint64       value)
{
  g_return_if_fail (self != NULL);

  append_separator (self);
  g_string_append_printf (self->data, "%" G_GINT64_FORMAT, value);
}

/* Appends an amount as yuan with two decimals ("-12.30"), exact, never via double. */
void
vp_csv_writer_add_money (VpCsvWriter *self,
                         gint64       fen)
{
  g_autofree char *text = NULL;

  g_return_if_fail (self != NULL);

  text = vp_money_format (fen);
  append_separator (self);
  g_string_append (self->data, text);
}

/* Ends the current record with CRLF (RFC 4180 §2.1). */
void
vp_csv_writer_end_row (VpCsvWriter *self)
{
  g_return_if_fail (self != NULL);

  g_string_append (self->data, "\r\n");
  self->n_fields = 0;
}

/* Appends a whole record of text fields (a %NULL-terminated array) and ends it. */
void
vp_csv_writer_add_row (VpCsvWriter        *self,
                       const char * const *fields)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (fields != NULL);

  for (guint i = 0; fields[i] != NULL; i++)
    vp_csv_writer_add_text (self, fields[i]);
  vp_csv_writer_end_row (self);
}

/* Returns: (transfer none): the text so far (BOM included), valid until the next add. */
const char *
vp_csv_writer_get_data (VpCsvWriter *self,
                        gsize       *out_length)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (out_length != NULL)
    *out_length = self->data->len;
  return self->data->str;
}

/*
 * vp_csv_writer_save:
 *
 * Writes the text to @path atomically (a temporary file renamed over it), so an
 * export that fails half-way never leaves a truncated file that looks complete.
 * Fails with VP_MODEL_ERROR_FAILED naming the file when it cannot be written.
 */
gboolean
vp_csv_writer_save (VpCsvWriter  *self,
                    const char   *path,
                    GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->n_fields > 0)
    vp_csv_writer_end_row (self);

  if (!g_file_set_contents (path, self->data->str, self->data->len, &local_error))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_FAILED,
                   _("Could not save the CSV file: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}
