/* vp-anomalies-panel.c: the open reading anomalies, each with a note, "Accept as new
 * start" (rebaseline) and "Dismiss"
 *
 * Lists and resolutions run in worker threads through vp_ui_run_async(); the model
 * (vp-anomaly) checks the permission, the note and the meter's state, and its error is
 * shown in the row it is about, with the typed note kept. The list follows reading
 * cycles (VpContext::cycle-finished) and log-ins.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "vp-anomalies-panel.h"
#include "vp-anomaly.h"
#include "vp-database.h"
#include "vp-tariff.h"
#include "vp-ui.h"

typedef struct
{
  GtkWidget *row;
  GtkEntry  *note;
  GtkButton *rebaseline;
  GtkButton *dismiss;
  GtkLabel  *error;
} Row;

struct _VpAnomaliesPanel
{
  GtkWidget     parent_instance;

  VpContext    *context;
  GCancellable *load_cancellable;
  GHashTable   *rows;            /* gint64 * id → Row * */
  gint64        resolving_id;    /* 0 when none */
  char         *status;

  GtkListBox   *list;
  GtkLabel     *empty_label;
  GtkWidget    *scroller;
  GtkLabel     *status_label;
};

G_DEFINE_FINAL_TYPE (VpAnomaliesPanel, vp_anomalies_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Work in a thread ------------------------------------------------------------- */

typedef struct
{
  VpDatabase      *db;
  VpSession       *session;    /* NULL for a list */
  gint64           id;
  VpAnomalyAction  action;
  char            *note;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_clear_pointer (&call->db, vp_database_unref);
  g_clear_pointer (&call->session, vp_session_unref);
  g_free (call->note);
  g_free (call);
}

static gpointer
list_work (gpointer   data,
           GError   **error)
{
  Call *call = data;

  return vp_anomaly_list (call->db, TRUE, NULL, 0, error);
}

static gpointer
resolve_work (gpointer   data,
              GError   **error)
{
  Call *call = data;
  VpAnomaly *resolved = NULL;

  if (!vp_anomaly_resolve (call->db, call->session, call->id, call->action, call->note,
                           &resolved, error))
    return NULL;
  return resolved;
}

/* Rows ------------------------------------------------------------------------ */

static const char *
kind_label (const char *kind)
{
  return g_strcmp0 (kind, "jump") == 0 ? _("Implausible jump") : _("Register went backwards");
}

static GtkWidget *
row_label (const char *text,
           const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  return label;
}

static GtkButton *
row_button (GtkBox     *box,
            const char *label,
            gint64      id,
            const char *action)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "anomalies.resolve");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xs)", id, action);
  gtk_box_append (box, button);
  return GTK_BUTTON (button);
}

static Row *
row_new (const VpAnomaly *an)
{
  Row *r = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *title = g_strdup_printf (_("Meter %s · account %s"), an->meter_address,
                                            an->account);
  g_autofree char *total = vp_tariff_quantity_format (an->total);
  g_autofree char *when = vp_ui_format_time (an->created_at);
  g_autofree char *info = g_strdup_printf (_("%s · register %s · %s"), kind_label (an->kind),
                                           total, when);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_box_append (GTK_BOX (box), row_label (title, "heading"));
  gtk_box_append (GTK_BOX (box), row_label (info, NULL));
  gtk_box_append (GTK_BOX (box), row_label (an->detail, "dim-label"));

  r->note = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (r->note, _("Why (required)"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (r->note),
                               _("Kept with the anomaly, e.g. “register cleared after repair” "
                                 "or “bad read on a noisy bus”"));
  gtk_widget_set_hexpand (GTK_WIDGET (r->note), TRUE);
  gtk_box_append (GTK_BOX (actions), GTK_WIDGET (r->note));
  r->rebaseline = row_button (GTK_BOX (actions), _("_Accept as New Start"), an->id, "rebaseline");
  r->dismiss = row_button (GTK_BOX (actions), _("_Dismiss"), an->id, "dismiss");
  gtk_box_append (GTK_BOX (box), actions);

  r->error = GTK_LABEL (row_label (NULL, NULL));
  gtk_widget_set_visible (GTK_WIDGET (r->error), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (r->error));

  r->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (r->row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (r->row), box);
  return r;
}

/* Replaces the rows by @anomalies. A row whose anomaly is still open keeps its
 * widgets, so a note being typed survives a cycle's reload. */
static void
vp_anomalies_panel_fill (VpAnomaliesPanel *self,
                         GPtrArray        *anomalies)
{
  g_autoptr(GHashTable) old = g_steal_pointer (&self->rows);

  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (guint i = 0; i < anomalies->len; i++)
    {
      const VpAnomaly *an = g_ptr_array_index (anomalies, i);
      gpointer key = NULL;
      Row *r = NULL;

      if (!g_hash_table_steal_extended (old, &an->id, &key, (gpointer *) &r))
        {
          r = row_new (an);
          gtk_list_box_append (self->list, r->row);
        }
      g_free (key);
      g_hash_table_insert (self->rows, g_memdup2 (&an->id, sizeof an->id), r);
    }
  {
    GHashTableIter iter;
    Row *gone;

    g_hash_table_iter_init (&iter, old);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &gone))
      gtk_list_box_remove (self->list, gone->row);
  }
  gtk_widget_set_visible (GTK_WIDGET (self->list), anomalies->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), anomalies->len == 0);
  /* an empty scrolled window still takes its minimum height */
  gtk_widget_set_visible (self->scroller, anomalies->len > 0);
}

/* Loading and resolving --------------------------------------------------------- */

static void
vp_anomalies_panel_update_actions (VpAnomaliesPanel *self)
{
  VpSession *session = vp_context_get_session (self->context);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "anomalies.resolve",
                                 session != NULL && self->resolving_id == 0
                                 && vp_session_can (session, VP_PERM_METER_CONTROL));
}

static void
list_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) anomalies = vp_ui_run_finish (result, &error);
  VpAnomaliesPanel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = VP_ANOMALIES_PANEL (object);
  g_clear_object (&self->load_cancellable);
  if (anomalies == NULL)
    {
      vp_ui_show_error (self->status_label, error->message);
      return;
    }
  vp_anomalies_panel_fill (self, anomalies);
}

void
vp_anomalies_panel_reload (VpAnomaliesPanel *self)
{
  Call *call;

  g_return_if_fail (VP_IS_ANOMALIES_PANEL (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  call = g_new0 (Call, 1);
  call->db = vp_database_ref (vp_context_get_database (self->context));
  vp_ui_run_async (self, self->load_cancellable, list_work, call, call_free,
                   (GDestroyNotify) g_ptr_array_unref, list_cb, NULL);
}

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAnomaly) resolved = vp_ui_run_finish (result, &error);
  Row *r = g_hash_table_lookup (self->rows, &self->resolving_id);

  self->resolving_id = 0;
  vp_anomalies_panel_update_actions (self);
  if (resolved == NULL)
    {
      if (r != NULL)
        vp_ui_show_error (r->error, error->message);
      else
        vp_ui_show_error (self->status_label, error->message);
      return;
    }

  g_free (self->status);
  if (resolved->baseline_reading_id > 0)
    {
      g_autofree char *total = vp_tariff_quantity_format (resolved->baseline_total);

      self->status = g_strdup_printf (_("Anomaly %" PRId64 " resolved: meter %s is charged "
                                        "from register %s onwards."),
                                      resolved->id, resolved->meter_address, total);
    }
  else
    self->status = g_strdup_printf (_("Anomaly %" PRId64 " dismissed: meter %s is charged "
                                      "from its last good reading."),
                                    resolved->id, resolved->meter_address);
  vp_ui_show_message (self->status_label, self->status, FALSE);
  vp_anomalies_panel_reload (self);
}

static void
resolve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (widget);
  VpSession *session = vp_context_get_session (self->context);
  const char *which;
  Call *call;
  Row *r;

  call = g_new0 (Call, 1);
  g_variant_get (parameter, "(x&s)", &call->id, &which);
  r = g_hash_table_lookup (self->rows, &call->id);
  if (session == NULL || r == NULL || self->resolving_id != 0
      || !vp_anomaly_action_from_string (which, &call->action))
    {
      call_free (call);
      return;
    }
  call->db = vp_database_ref (vp_context_get_database (self->context));
  call->session = vp_session_ref (session);
  call->note = g_strdup (gtk_editable_get_text (GTK_EDITABLE (r->note)));
  vp_ui_show_error (r->error, NULL);
  self->resolving_id = call->id;
  vp_anomalies_panel_update_actions (self);
  vp_ui_run_async (self, NULL, resolve_work, call, call_free,
                   (GDestroyNotify) vp_anomaly_free, resolve_cb, NULL);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vp_anomalies_panel_reload (VP_ANOMALIES_PANEL (widget));
}

static void
session_changed_cb (VpAnomaliesPanel *self)
{
  vp_anomalies_panel_update_actions (self);
  vp_anomalies_panel_reload (self);
}

/* Accessors ------------------------------------------------------------------- */

GtkWidget *
vp_anomalies_panel_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_ANOMALIES_PANEL, "context", context, NULL);
}

gboolean
vp_anomalies_panel_get_busy (VpAnomaliesPanel *self)
{
  g_return_val_if_fail (VP_IS_ANOMALIES_PANEL (self), FALSE);

  return self->load_cancellable != NULL || self->resolving_id != 0;
}

guint
vp_anomalies_panel_get_n_rows (VpAnomaliesPanel *self)
{
  g_return_val_if_fail (VP_IS_ANOMALIES_PANEL (self), 0);

  return g_hash_table_size (self->rows);
}

static Row *
lookup_row (VpAnomaliesPanel *self,
            gint64            id)
{
  g_return_val_if_fail (VP_IS_ANOMALIES_PANEL (self), NULL);

  return g_hash_table_lookup (self->rows, &id);
}

GtkEditable *
vp_anomalies_panel_get_note (VpAnomaliesPanel *self,
                             gint64            id)
{
  Row *r = lookup_row (self, id);

  return r != NULL ? GTK_EDITABLE (r->note) : NULL;
}

GtkButton *
vp_anomalies_panel_get_button (VpAnomaliesPanel *self,
                               gint64            id,
                               const char       *action)
{
  Row *r = lookup_row (self, id);

  if (r == NULL)
    return NULL;
  return g_strcmp0 (action, "dismiss") == 0 ? r->dismiss : r->rebaseline;
}

GtkLabel *
vp_anomalies_panel_get_error (VpAnomaliesPanel *self,
                              gint64            id)
{
  Row *r = lookup_row (self, id);

  return r != NULL ? r->error : NULL;
}

const char *
vp_anomalies_panel_get_status (VpAnomaliesPanel *self)
{
  g_return_val_if_fail (VP_IS_ANOMALIES_PANEL (self), NULL);

  return self->status;
}

/* Object ---------------------------------------------------------------------- */

static void
vp_anomalies_panel_constructed (GObject *object)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (object);

  G_OBJECT_CLASS (vp_anomalies_panel_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "cycle-finished",
                           G_CALLBACK (vp_anomalies_panel_reload), self, G_CONNECT_SWAPPED);
  session_changed_cb (self);
}

static void
vp_anomalies_panel_dispose (GObject *object)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_ANOMALIES_PANEL);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_anomalies_panel_parent_class)->dispose (object);
}

static void
vp_anomalies_panel_finalize (GObject *object)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (object);

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_object (&self->context);
  g_free (self->status);

  G_OBJECT_CLASS (vp_anomalies_panel_parent_class)->finalize (object);
}

static void
vp_anomalies_panel_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (object);

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
vp_anomalies_panel_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  VpAnomaliesPanel *self = VP_ANOMALIES_PANEL (object);

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
vp_anomalies_panel_class_init (VpAnomaliesPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_anomalies_panel_constructed;
  object_class->dispose = vp_anomalies_panel_dispose;
  object_class->finalize = vp_anomalies_panel_finalize;
  object_class->set_property = vp_anomalies_panel_set_property;
  object_class->get_property = vp_anomalies_panel_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-anomalies-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, VpAnomaliesPanel, list);
  gtk_widget_class_bind_template_child (widget_class, VpAnomaliesPanel, empty_label);
  gtk_widget_class_bind_template_child (widget_class, VpAnomaliesPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, VpAnomaliesPanel, status_label);

  gtk_widget_class_install_action (widget_class, "anomalies.resolve", "(xs)", resolve_action);
  gtk_widget_class_install_action (widget_class, "anomalies.reload", NULL, reload_action);
}

static void
vp_anomalies_panel_init (VpAnomaliesPanel *self)
{
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}
