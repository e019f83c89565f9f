/* fuzz-link-uri.c: the link URI parser (devices/vp-link.c) on arbitrary text
 *
 * A URI either fails with VP_DEVICE_ERROR_INVALID_URI or parses into settings that
 * make sense (kind, 5 to 8 data bits, 1/2 stop bits, a path or a host), whose canonical
 * form parses back to the same canonical form, and whose copy prints the same.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "vp-link.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLinkUri) uri = NULL;
  g_autoptr(VpLinkUri) back = NULL;
  g_autoptr(VpLinkUri) copy = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *canonical_back = NULL;
  g_autofree char *canonical_copy = NULL;
  guint bits;

  uri = vp_link_uri_parse (text, &error);
  if (uri == NULL)
    {
      FUZZ_CHECK (g_error_matches (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_URI));
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  FUZZ_CHECK (error == NULL);
  FUZZ_CHECK (uri->kind == VP_LINK_KIND_SERIAL || uri->kind == VP_LINK_KIND_TCP);
  FUZZ_CHECK (uri->data_bits >= 5 && uri->data_bits <= 8);
  FUZZ_CHECK (uri->stop_bits == 1 || uri->stop_bits == 2);
  FUZZ_CHECK (uri->kind != VP_LINK_KIND_SERIAL || (uri->path != NULL && uri->path[0] != '\0'));
  FUZZ_CHECK (uri->kind != VP_LINK_KIND_TCP || (uri->host != NULL && uri->host[0] != '\0'));
  bits = vp_link_uri_bits_per_byte (uri);
  FUZZ_CHECK (bits >= 7 && bits <= 12);

  canonical = vp_link_uri_to_string (uri);
  back = vp_link_uri_parse (canonical, &error);
  if (back == NULL)
    {
      g_printerr ("canonical form does not parse: %s: %s\n", canonical, error->message);
      abort ();
    }
  canonical_back = vp_link_uri_to_string (back);
  FUZZ_CHECK (g_str_equal (canonical, canonical_back));
  copy = vp_link_uri_copy (uri);
  canonical_copy = vp_link_uri_to_string (copy);
  FUZZ_CHECK (g_str_equal (canonical, canonical_copy));
  return 0;
}
