/* vp-types.h: forward declarations of the model's types */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VpDatabase VpDatabase;
typedef struct _VpContext  VpContext;
typedef struct _VpSession  VpSession;

G_END_DECLS
