/* vp-login-dialog.h: operator and password, before anything else */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_LOGIN_DIALOG (vp_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (VpLoginDialog, vp_login_dialog, VP, LOGIN_DIALOG, GtkWindow)

/* @login prefills the operator (the screen was locked by them); NULL for none. */
VpLoginDialog *vp_login_dialog_new       (VpContext     *context,
                                          GtkWindow     *parent,
                                          const char    *login);
/* What went wrong last, as shown to the operator; NULL when nothing is shown. */
const char    *vp_login_dialog_get_error (VpLoginDialog *self);
gboolean       vp_login_dialog_get_busy  (VpLoginDialog *self);
/* The two fields, for whoever types into them (tests, a card reader). */
GtkEditable   *vp_login_dialog_get_login    (VpLoginDialog *self);
GtkEditable   *vp_login_dialog_get_password (VpLoginDialog *self);

G_END_DECLS
