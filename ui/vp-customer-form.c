/* vp-customer-form.c: name, phone, ID number and address of a customer
 *
 * Shared by the open-account wizard and the transfer dialog, so a customer is typed
 * the same way everywhere. The model checks the values; the form only trims them.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "vp-customer-form.h"
#include "vp-ui.h"

struct _VpCustomerForm
{
  GtkWidget  parent_instance;

  GtkEntry  *name_entry;
  GtkEntry  *phone_entry;
  GtkEntry  *id_entry;
  GtkEntry  *address_entry;
};

G_DEFINE_FINAL_TYPE (VpCustomerForm, vp_customer_form, GTK_TYPE_WIDGET)

GtkEditable *
vp_customer_form_get_editable (VpCustomerForm  *self,
                               VpCustomerField  field)
{
  g_return_val_if_fail (VP_IS_CUSTOMER_FORM (self), NULL);

  switch (field)
    {
    case VP_CUSTOMER_FIELD_NAME:
      return GTK_EDITABLE (self->name_entry);
    case VP_CUSTOMER_FIELD_PHONE:
      return GTK_EDITABLE (self->phone_entry);
    case VP_CUSTOMER_FIELD_ID_NUMBER:
      return GTK_EDITABLE (self->id_entry);
    case VP_CUSTOMER_FIELD_ADDRESS:
      return GTK_EDITABLE (self->address_entry);
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
vp_customer_form_dup (VpCustomerForm  *self,
                      VpCustomerField  field)
{
  GtkEditable *editable = vp_customer_form_get_editable (self, field);
  g_autofree char *text = NULL;

  g_return_val_if_fail (editable != NULL, NULL);

  text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

gboolean
vp_customer_form_check (VpCustomerForm *self)
{
  g_autofree char *name = vp_customer_form_dup (self, VP_CUSTOMER_FIELD_NAME);

  if (name != NULL)
    return TRUE;
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  return FALSE;
}

static void
vp_customer_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VP_TYPE_CUSTOMER_FORM);
  vp_ui_unparent_children (GTK_WIDGET (object));

  G_OBJECT_CLASS (vp_customer_form_parent_class)->dispose (object);
}

static gboolean
vp_customer_form_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (VP_CUSTOMER_FORM (widget)->name_entry));
}

static void
vp_customer_form_class_init (VpCustomerFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vp_customer_form_dispose;
  widget_class->grab_focus = vp_customer_form_grab_focus;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-customer-form.ui");
  gtk_widget_class_bind_template_child (widget_class, VpCustomerForm, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerForm, phone_entry);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerForm, id_entry);
  gtk_widget_class_bind_template_child (widget_class, VpCustomerForm, address_entry);
}

static void
vp_customer_form_init (VpCustomerForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
vp_customer_form_new (void)
{
  return g_object_new (VP_TYPE_CUSTOMER_FORM, NULL);
}
