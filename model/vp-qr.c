/* vp-qr.c: QR codes as document items (libqrencode) */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <qrencode.h>

#include "vp-model-error.h"
#include "vp-qr.h"

/*
 * vp_qr_encode:
 * @text: UTF-8 text, encoded as 8-bit bytes with error correction level M (15 %
 *   of the code may be smudged, enough for thermal paper)
 * @out_n_modules: (out): modules per side, without the quiet zone
 *
 * Returns: (transfer full): the modules row by row, 1 = dark, or %NULL with
 * VP_MODEL_ERROR_INVALID_ARGUMENT when @text is empty, not UTF-8 or too long for a
 * QR code.
 */
guint8 *
vp_qr_encode (const char  *text,
              guint       *out_n_modules,
              GError     **error)
{
  QRcode *code;
  guint8 *modules;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (out_n_modules != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (*text == '\0' || !g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                           _("A QR code needs non-empty UTF-8 text"));
      return NULL;
    }

  /* Version 0 lets libqrencode pick the smallest symbol; case-sensitive 8-bit mode. */
  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("The text cannot be put in a QR code: %s"),
                   saved_errno == ERANGE ? _("too long") : g_strerror (saved_errno));
      return NULL;
    }

  n = (gsize) code->width * code->width;
  modules = g_malloc (n);
  /* Bit 0 of each libqrencode byte is the colour; the other bits describe the
   * module's role (finder, timing, data …). */
  for (gsize i = 0; i < n; i++)
    modules[i] = code->data[i] & 1;
  *out_n_modules = code->width;
  QRcode_free (code);
  return modules;
}

/*
 * vp_qr_add:
 * @x, @y: top-left corner of the square the code occupies, quiet zone included
 * @side: side of that square in points
 *
 * Encodes @text and places its modules centred in the square, leaving
 * VP_QR_QUIET_ZONE light modules around them. Errors as vp_qr_encode().
 */
gboolean
vp_qr_add (VpDocument  *doc,
           guint        page,
           double       x,
           double       y,
           double       side,
           const char  *text,
           GError     **error)
{
  g_autofree guint8 *modules = NULL;
  guint n = 0;
  double module_size;

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (side > 0, FALSE);

  modules = vp_qr_encode (text, &n, error);
  if (modules == NULL)
    return FALSE;

  module_size = side / (n + 2 * VP_QR_QUIET_ZONE);
  vp_document_add_modules (doc, page, x + VP_QR_QUIET_ZONE * module_size,
                           y + VP_QR_QUIET_ZONE * module_size, module_size, n, modules);
  return TRUE;
}
