/* vp-commissioning.c: what the technician's Meters page may do with a meter in hand */
#include "config.h"

#include "vp-commissioning.h"

G_DEFINE_INTERFACE (VpCommissioning, vp_commissioning, G_TYPE_OBJECT)

static void
vp_commissioning_default_init (VpCommissioningInterface *iface)
{
}

void
vp_commissioning_port_free (VpCommissioningPort *port)
{
  if (port == NULL)
    return;
  g_free (port->name);
  g_free (port->description);
  g_free (port);
}

void
vp_commissioning_value_free (VpCommissioningValue *value)
{
  if (value == NULL)
    return;
  g_free (value->address);
  g_free (value->di);
  g_free (value->item);
  g_free (value->label);
  g_free (value->value);
  g_free (value->unit);
  g_free (value);
}

void
vp_commissioning_frame_free (VpCommissioningFrame *frame)
{
  if (frame == NULL)
    return;
  g_free (frame->direction);
  g_free (frame->link);
  g_free (frame->hex);
  g_free (frame->description);
  g_free (frame);
}

/* See vp-commissioning.h. */
char *
vp_commissioning_frame_to_string (const VpCommissioningFrame *frame)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *direction = NULL;

  g_return_val_if_fail (frame != NULL, NULL);

  when = g_date_time_new_from_unix_local (frame->time / G_USEC_PER_SEC);
  clock = when != NULL ? g_date_time_format (when, "%H:%M:%S") : g_strdup ("--:--:--");
  direction = g_ascii_strup (frame->direction, -1);
  if (frame->hex == NULL || frame->hex[0] == '\0')
    return g_strdup_printf ("%s.%03d %-4s %s", clock, (int) (frame->time / 1000 % 1000),
                            direction, frame->description);
  /* The decoded line under the bytes, indented a little: it wraps in a narrow view. */
  return g_strdup_printf ("%s.%03d %-4s %s\n    %s", clock, (int) (frame->time / 1000 % 1000),
                          direction, frame->hex, frame->description);
}

GPtrArray *
vp_commissioning_list_ports (VpCommissioning  *self,
                             GError          **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), NULL);

  return VP_COMMISSIONING_GET_IFACE (self)->list_ports (self, error);
}

char *
vp_commissioning_read_address (VpCommissioning  *self,
                               const char       *link,
                               VpMeterProtocol   protocol,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), NULL);
  g_return_val_if_fail (link != NULL, NULL);

  return VP_COMMISSIONING_GET_IFACE (self)->read_address (self, link, protocol, cancellable,
                                                          error);
}

VpCommissioningValue *
vp_commissioning_read_item (VpCommissioning      *self,
                            const VpMeterTarget  *target,
                            const char           *item,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), NULL);
  g_return_val_if_fail (target != NULL && target->address != NULL && target->link != NULL, NULL);

  return VP_COMMISSIONING_GET_IFACE (self)->read_item (self, target, item, cancellable, error);
}

gboolean
vp_commissioning_write_item (VpCommissioning      *self,
                             const VpMeterTarget  *target,
                             const char           *item,
                             const char           *value,
                             GCancellable         *cancellable,
                             GError              **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), FALSE);
  g_return_val_if_fail (target != NULL && target->address != NULL && target->link != NULL,
                        FALSE);
  g_return_val_if_fail (item != NULL && value != NULL, FALSE);

  return VP_COMMISSIONING_GET_IFACE (self)->write_item (self, target, item, value, cancellable,
                                                        error);
}

gboolean
vp_commissioning_set_clock (VpCommissioning      *self,
                            const VpMeterTarget  *target,
                            GDateTime            *time,
                            GCancellable         *cancellable,
                            GError              **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), FALSE);
  g_return_val_if_fail (target != NULL && target->address != NULL && target->link != NULL,
                        FALSE);

  return VP_COMMISSIONING_GET_IFACE (self)->set_clock (self, target, time, cancellable, error);
}

gboolean
vp_commissioning_control (VpCommissioning      *self,
                          const VpMeterTarget  *target,
                          VpControl             control,
                          GCancellable         *cancellable,
                          GError              **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), FALSE);
  g_return_val_if_fail (target != NULL && target->address != NULL && target->link != NULL,
                        FALSE);
  g_return_val_if_fail (control < VP_N_CONTROLS, FALSE);

  return VP_COMMISSIONING_GET_IFACE (self)->control (self, target, control, cancellable, error);
}

gboolean
vp_commissioning_read_supply (VpCommissioning      *self,
                              const VpMeterTarget  *target,
                              VpSupplyState        *out_supply,
                              GCancellable         *cancellable,
                              GError              **error)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), FALSE);
  g_return_val_if_fail (target != NULL && target->address != NULL && target->link != NULL,
                        FALSE);
  g_return_val_if_fail (out_supply != NULL, FALSE);

  return VP_COMMISSIONING_GET_IFACE (self)->read_supply (self, target, out_supply, cancellable,
                                                         error);
}

guint
vp_commissioning_add_listener (VpCommissioning          *self,
                               GMainContext             *context,
                               VpCommissioningFrameFunc  func,
                               gpointer                  user_data,
                               GDestroyNotify            destroy)
{
  g_return_val_if_fail (VP_IS_COMMISSIONING (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  return VP_COMMISSIONING_GET_IFACE (self)->add_listener (self, context, func, user_data,
                                                          destroy);
}

void
vp_commissioning_remove_listener (VpCommissioning *self,
                                  guint            id)
{
  g_return_if_fail (VP_IS_COMMISSIONING (self));

  VP_COMMISSIONING_GET_IFACE (self)->remove_listener (self, id);
}
