/* vp-login-dialog.c: operator and password, before anything else
 *
 * The password is checked in a worker thread (VpContext); on success the context's
 * session changes and the dialog closes itself. The window decides what comes next.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-login-dialog.h"
#include "vp-model-error.h"

struct _VpLoginDialog
{
  GtkWindow     parent_instance;

  VpContext    *context;
  GCancellable *cancellable;

  GtkEntry     *login_entry;
  GtkWidget    *password_entry;
  GtkLabel     *error_label;
  GtkLabel     *demo_label;
  GtkLabel     *reason_label;
  GtkSpinner   *spinner;
};

G_DEFINE_FINAL_TYPE (VpLoginDialog, vp_login_dialog, GTK_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vp_login_dialog_set_busy (VpLoginDialog *self,
                          gboolean       busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->login_entry), !busy);
  gtk_widget_set_sensitive (self->password_entry, !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit", !busy);
}

static void
vp_login_dialog_show_error (VpLoginDialog *self,
                            const char    *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(VpLoginDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (vp_context_login_finish (VP_CONTEXT (object), result, &error) == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      vp_login_dialog_set_busy (self, FALSE);
      vp_login_dialog_show_error (self, error->message);
      gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
      gtk_widget_grab_focus (self->password_entry);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (self));
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpLoginDialog *self = VP_LOGIN_DIALOG (widget);
  g_autofree char *login = NULL;
  const char *password;

  login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->login_entry))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  if (login[0] == '\0')
    {
      vp_login_dialog_show_error (self, _("Type your operator name."));
      gtk_widget_grab_focus (GTK_WIDGET (self->login_entry));
      return;
    }
  if (password[0] == '\0')
    {
      vp_login_dialog_show_error (self, _("Type your password."));
      gtk_widget_grab_focus (self->password_entry);
      return;
    }

  vp_login_dialog_show_error (self, NULL);
  vp_login_dialog_set_busy (self, TRUE);
  vp_context_login_async (self->context, login, password, self->cancellable,
                          login_cb, g_object_ref (self));
}

static void
vp_login_dialog_constructed (GObject *object)
{
  VpLoginDialog *self = VP_LOGIN_DIALOG (object);

  G_OBJECT_CLASS (vp_login_dialog_parent_class)->constructed (object);

  g_assert (self->context != NULL);

  if (vp_context_get_demo (self->context))
    {
      /* Only the demo database has known passwords; a real one never shows any. */
      g_autofree char *hint = NULL;

      hint = g_strdup_printf (_("Demo mode: log in as admin, supervisor, cashier or technician "
                                "with the password %s."), VP_CONTEXT_DEMO_PASSWORD);
      gtk_label_set_text (self->demo_label, hint);
      gtk_widget_set_visible (GTK_WIDGET (self->demo_label), TRUE);
    }
}

static void
vp_login_dialog_dispose (GObject *object)
{
  VpLoginDialog *self = VP_LOGIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (vp_login_dialog_parent_class)->dispose (object);
}

static void
vp_login_dialog_finalize (GObject *object)
{
  VpLoginDialog *self = VP_LOGIN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_login_dialog_parent_class)->finalize (object);
}

static void
vp_login_dialog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VpLoginDialog *self = VP_LOGIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vp_login_dialog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VpLoginDialog *self = VP_LOGIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vp_login_dialog_class_init (VpLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_login_dialog_constructed;
  object_class->dispose = vp_login_dialog_dispose;
  object_class->finalize = vp_login_dialog_finalize;
  object_class->set_property = vp_login_dialog_set_property;
  object_class->get_property = vp_login_dialog_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, VpLoginDialog, login_entry);
  gtk_widget_class_bind_template_child (widget_class, VpLoginDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, VpLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, VpLoginDialog, demo_label);
  gtk_widget_class_bind_template_child (widget_class, VpLoginDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, VpLoginDialog, spinner);

  gtk_widget_class_install_action (widget_class, "login.submit", NULL, submit_action);
}

static void
vp_login_dialog_init (VpLoginDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

VpLoginDialog *
vp_login_dialog_new (VpContext  *context,
                     GtkWindow  *parent,
                     const char *login)
{
  VpLoginDialog *self;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  self = g_object_new (VP_TYPE_LOGIN_DIALOG,
                       "context", context,
                       "transient-for", parent,
                       NULL);

  if (login != NULL && login[0] != '\0')
    {
      gtk_editable_set_text (GTK_EDITABLE (self->login_entry), login);
      gtk_label_set_text (self->reason_label,
                          _("The counter was locked. Type your password to go on, "
                            "or log in as another operator."));
      gtk_window_set_focus (GTK_WINDOW (self), self->password_entry);
    }
  else
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->login_entry));

  return self;
}

const char *
vp_login_dialog_get_error (VpLoginDialog *self)
{
  g_return_val_if_fail (VP_IS_LOGIN_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}

gboolean
vp_login_dialog_get_busy (VpLoginDialog *self)
{
  g_return_val_if_fail (VP_IS_LOGIN_DIALOG (self), FALSE);

  return gtk_spinner_get_spinning (self->spinner);
}

GtkEditable *
vp_login_dialog_get_login (VpLoginDialog *self)
{
  g_return_val_if_fail (VP_IS_LOGIN_DIALOG (self), NULL);

  return GTK_EDITABLE (self->login_entry);
}

GtkEditable *
vp_login_dialog_get_password (VpLoginDialog *self)
{
  g_return_val_if_fail (VP_IS_LOGIN_DIALOG (self), NULL);

  return GTK_EDITABLE (self->password_entry);
}
