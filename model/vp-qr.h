/* vp-qr.h: QR codes as document items (libqrencode) */
#pragma once

#include "vp-document.h"

G_BEGIN_DECLS

/* Modules of light margin on each side, ISO/IEC 18004:2015 §9.1 (quiet zone). */
#define VP_QR_QUIET_ZONE 4

guint8  *vp_qr_encode (const char  *text,
                       guint       *out_n_modules,
                       GError     **error);
gboolean vp_qr_add    (VpDocument  *doc,
                       guint        page,
                       double       x,
                       double       y,
                       double       side,
                       const char  *text,
                       GError     **error);

G_END_DECLS
