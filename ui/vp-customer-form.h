/* vp-customer-form.h: name, phone, ID number and address of a customer */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define VP_TYPE_CUSTOMER_FORM (vp_customer_form_get_type ())
G_DECLARE_FINAL_TYPE (VpCustomerForm, vp_customer_form, VP, CUSTOMER_FORM, GtkWidget)

typedef enum
{
  VP_CUSTOMER_FIELD_NAME,
  VP_CUSTOMER_FIELD_PHONE,
  VP_CUSTOMER_FIELD_ID_NUMBER,
  VP_CUSTOMER_FIELD_ADDRESS,
  VP_N_CUSTOMER_FIELDS
} VpCustomerField;

GtkWidget   *vp_customer_form_new         (void);
/* The field's text, trimmed; NULL when empty. */
char        *vp_customer_form_dup         (VpCustomerForm  *self,
                                           VpCustomerField  field);
GtkEditable *vp_customer_form_get_editable (VpCustomerForm *self,
                                           VpCustomerField  field);
/* FALSE (and the focus on the name) when the name is missing. */
gboolean     vp_customer_form_check       (VpCustomerForm  *self);

G_END_DECLS
