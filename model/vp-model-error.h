/* vp-model-error.h: the model layer's error domain
 *
 * Every failure in model/ reaches the caller as a GError in VP_MODEL_ERROR with a
 * code the caller can act on and a message a cashier can read.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VP_MODEL_ERROR (vp_model_error_quark ())

typedef enum
{
  VP_MODEL_ERROR_FAILED,
  VP_MODEL_ERROR_DATABASE,             /* SQLite failed; message carries sqlite3_errmsg */
  VP_MODEL_ERROR_BUSY,                 /* another writer held the database too long */
  VP_MODEL_ERROR_READ_ONLY,            /* database file or directory is read-only */
  VP_MODEL_ERROR_DISK_FULL,
  VP_MODEL_ERROR_TOO_NEW,              /* file written by a newer Vendpoint */
  VP_MODEL_ERROR_CORRUPT,
  VP_MODEL_ERROR_INVALID_AMOUNT,
  VP_MODEL_ERROR_INVALID_ARGUMENT,
  VP_MODEL_ERROR_NOT_FOUND,
  VP_MODEL_ERROR_EXISTS,
  VP_MODEL_ERROR_PERMISSION_DENIED,    /* the operator's role may not do this */
  VP_MODEL_ERROR_AUTH_FAILED,          /* wrong login or password */
  VP_MODEL_ERROR_LOCKED_OUT,           /* too many failed log-ins */
  VP_MODEL_ERROR_APPROVAL_REQUIRED,    /* a supervisor must approve */
  VP_MODEL_ERROR_INSUFFICIENT_BALANCE,
  VP_MODEL_ERROR_NO_SHIFT,             /* the cashier has no open shift */
  VP_MODEL_ERROR_SHIFT_OPEN,           /* a shift is already open */
  VP_MODEL_ERROR_ACCOUNT_CLOSED,
  VP_MODEL_ERROR_NOT_REVERSIBLE,
  VP_MODEL_ERROR_VERIFY_FAILED,        /* audit chain or ledger invariant broken */
} VpModelError;

GQuark vp_model_error_quark (void);

G_END_DECLS
