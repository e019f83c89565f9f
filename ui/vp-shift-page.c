/* vp-shift-page.c: open a shift with a float, count the drawer, close with over/short
 *
 * The drawer is counted note by note (100 … 0.1 yuan) so the total is never typed as
 * one sum; over/short against the expected cash shows while counting. The model
 * decides: a close that is not balanced needs a supervisor (APPROVAL_REQUIRED), who
 * then types their password here and the close is sent again with their id. After a
 * close the page shows the shift's Z summary, computed by the model from the ledger.
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "vp-approval-dialog.h"
#include "vp-database.h"
#include "vp-report.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-shift-page.h"
#include "vp-ui.h"

const gint64 vp_shift_page_denominations[VP_SHIFT_PAGE_N_DENOMINATIONS] = {
  10000, 5000, 2000, 1000, 500, 100, 50, 10
};

struct _VpShiftPage
{
  GtkWidget       parent_instance;

  VpContext      *context;
  VpShift        *current;
  VpShift        *closed;
  guint           serial;
  gboolean        busy;
  GtkWindow      *dialog;        /* weak */
  char           *z_path;        /* PDF of the last Z report */
  GtkSpinButton  *counts[VP_SHIFT_PAGE_N_DENOMINATIONS];

  GtkLabel       *message_label;
  GtkWidget      *open_box;
  GtkEntry       *float_entry;
  GtkWidget      *current_box;
  GtkWidget      *count_box;
  GtkGrid        *summary_grid;
  GtkGrid        *count_grid;
  GtkLabel       *counted_label;
  GtkLabel       *over_short_label;
  GtkSpinner     *spinner;
  GtkWidget      *z_button;
};

G_DEFINE_FINAL_TYPE (VpShiftPage, vp_shift_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vp_shift_page_set_busy (VpShiftPage *self,
                        gboolean     busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift.close", !busy && self->current != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift.z-report",
                                 !busy && (self->current != NULL || self->closed != NULL));
}

/* Summary -------------------------------------------------------------------- */

static void
summary_add (GtkGrid    *grid,
             int         row,
             const char *label,
             const char *value,
             gboolean    strong)
{
  GtkWidget *name = gtk_label_new (label);
  GtkWidget *text = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (name, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (text), 1);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  if (strong)
    gtk_widget_add_css_class (text, "vp-change");
  gtk_grid_attach (grid, name, 0, row, 1, 1);
  gtk_grid_attach (grid, text, 1, row, 1, 1);
}

static void
summary_add_money (GtkGrid    *grid,
                   int        *row,
                   const char *label,
                   gint64      fen,
                   gboolean    strong)
{
  g_autofree char *text = vp_ui_format_money (fen);

  summary_add (grid, (*row)++, label, text, strong);
}

static char *
over_short_text (gint64 over_short)
{
  g_autofree char *money = vp_ui_format_money (ABS (over_short));

  if (over_short == 0)
    return g_strdup (_("Balanced"));
  if (over_short < 0)
    return g_strdup_printf (_("Short by %s"), money);
  return g_strdup_printf (_("Over by %s"), money);
}

static void
summary_fill (VpShiftPage   *self,
              const VpShift *shift)
{
  GtkWidget *child;
  int row = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid))) != NULL)
    gtk_grid_remove (self->summary_grid, child);
  if (shift == NULL)
    return;

  {
    g_autofree char *opened = vp_ui_format_time (shift->opened_at);
    summary_add (self->summary_grid, row++, _("Opened"), opened, FALSE);
  }
  if (shift->closed_at != NULL)
    {
      g_autofree char *closed = vp_ui_format_time (shift->closed_at);
      summary_add (self->summary_grid, row++, _("Closed"), closed, FALSE);
    }
  {
    g_autofree char *n = g_strdup_printf ("%" G_GINT64_FORMAT, shift->n_entries);
    summary_add (self->summary_grid, row++, _("Transactions"), n, FALSE);
  }
  summary_add_money (self->summary_grid, &row, _("Float"), shift->float_amount, FALSE);
  summary_add_money (self->summary_grid, &row, _("Top-ups"), shift->topups, FALSE);
  summary_add_money (self->summary_grid, &row, _("Refunds"), shift->refunds, FALSE);
  summary_add_money (self->summary_grid, &row, _("Reversals"), shift->reversals, FALSE);
  summary_add_money (self->summary_grid, &row, _("Cash (net)"), shift->cash, FALSE);
  summary_add_money (self->summary_grid, &row, _("Bank card"), shift->card, FALSE);
  summary_add_money (self->summary_grid, &row, _("WeChat Pay"), shift->wechat, FALSE);
  summary_add_money (self->summary_grid, &row, _("Alipay"), shift->alipay, FALSE);
  summary_add_money (self->summary_grid, &row, _("Expected cash"), shift->expected, TRUE);
  if (shift->closed_at != NULL)
    {
      g_autofree char *result = over_short_text (shift->over_short);

      summary_add_money (self->summary_grid, &row, _("Counted cash"), shift->counted, TRUE);
      summary_add (self->summary_grid, row++, _("Over/short"), result, TRUE);
      if (shift->approver_id != 0)
        summary_add (self->summary_grid, row++, _("Accepted by"),
                     _("a supervisor"), FALSE);
    }
}

static void
vp_shift_page_update_count (VpShiftPage *self)
{
  gint64 counted = vp_shift_page_get_counted (self);
  g_autofree char *money = vp_ui_format_money (counted);
  g_autofree char *text = g_strdup_printf (_("Counted: %s"), money);

  gtk_label_set_text (self->counted_label, text);
  if (self->current != NULL)
    {
      g_autofree char *result = over_short_text (counted - self->current->expected);

      gtk_label_set_text (self->over_short_label, result);
      gtk_widget_remove_css_class (GTK_WIDGET (self->over_short_label), "vp-error");
      if (counted != self->current->expected)
        gtk_widget_add_css_class (GTK_WIDGET (self->over_short_label), "vp-error");
    }
}

static void
vp_shift_page_show (VpShiftPage *self)
{
  gboolean can = vp_context_can (self->context, VP_PERM_SHIFT);

  gtk_widget_set_visible (self->open_box, can && self->current == NULL);
  gtk_widget_set_visible (self->current_box, can && (self->current != NULL || self->closed != NULL));
  gtk_widget_set_visible (self->count_box, self->current != NULL);
  /* The Z report is a report: roles that may read reports get it. */
  gtk_widget_set_visible (self->z_button, vp_context_can (self->context, VP_PERM_REPORTS));
  summary_fill (self, self->current != NULL ? self->current : self->closed);
  vp_shift_page_update_count (self);
  vp_shift_page_set_busy (self, self->busy);
}

/* Reading -------------------------------------------------------------------- */

typedef struct
{
  VpShift *shift;
} Current;

static void
current_free (gpointer data)
{
  Current *c = data;

  g_clear_pointer (&c->shift, vp_shift_free);
  g_free (c);
}

static gpointer
current_work (gpointer   data,
              GError   **error)
{
  VpUiCall *call = data;
  GError *local_error = NULL;
  Current *c = g_new0 (Current, 1);

  /* No shift is an answer (Current with NULL), not an error. */
  c->shift = vp_shift_get_current (call->db, call->session, &local_error);
  if (local_error != NULL)
    {
      current_free (c);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return c;
}

static void
current_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);
  g_autoptr(GError) error = NULL;
  Current *c = vp_ui_run_finish (result, &error);

  if (GPOINTER_TO_UINT (user_data) != self->serial)
    {
      if (c != NULL)
        current_free (c);
      return;
    }
  self->busy = FALSE;
  g_clear_pointer (&self->current, vp_shift_free);
  if (c == NULL)
    vp_ui_show_error (self->message_label, error->message);
  else
    {
      self->current = g_steal_pointer (&c->shift);
      current_free (c);
      if (self->current == NULL && self->closed == NULL)
        vp_ui_show_message (self->message_label,
                            _("No shift is open. Count the float and open a shift to take "
                              "payments."), FALSE);
      else if (self->current != NULL && self->closed == NULL)
        vp_ui_show_message (self->message_label, NULL, FALSE);
    }
  vp_shift_page_show (self);
}

void
vp_shift_page_refresh (VpShiftPage *self)
{
  VpUiCall *call;

  g_return_if_fail (VP_IS_SHIFT_PAGE (self));

  self->serial++;
  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL || !vp_context_can (self->context, VP_PERM_SHIFT))
    {
      vp_ui_call_free (call);
      self->busy = FALSE;
      g_clear_pointer (&self->current, vp_shift_free);
      vp_ui_show_message (self->message_label,
                          call != NULL ? _("Your role does not keep a cash drawer.") : NULL,
                          FALSE);
      vp_shift_page_show (self);
      return;
    }
  vp_shift_page_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, current_work, call, vp_ui_call_free, current_free, current_cb,
                   GUINT_TO_POINTER (self->serial));
}

/* Open ----------------------------------------------------------------------- */

static gpointer
open_work (gpointer   data,
           GError   **error)
{
  VpUiCall *call = data;
  VpShift *shift = NULL;

  if (!vp_shift_open (call->db, call->session, call->amount, &shift, error))
    return NULL;
  return shift;
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = vp_ui_run_finish (result, &error);

  vp_shift_page_set_busy (self, FALSE);
  if (shift == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  g_clear_pointer (&self->closed, vp_shift_free);
  vp_ui_show_message (self->message_label, _("The shift is open."), FALSE);
  vp_shift_page_refresh (self);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpShiftPage *self = VP_SHIFT_PAGE (widget);
  g_autoptr(GError) error = NULL;
  VpUiCall *call;
  gint64 amount = 0;

  if (!vp_money_parse (gtk_editable_get_text (GTK_EDITABLE (self->float_entry)),
                       VP_MONEY_ALLOW_ZERO, &amount, &error))
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL)
    return;
  call->amount = amount;
  vp_shift_page_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, open_work, call, vp_ui_call_free,
                   (GDestroyNotify) vp_shift_free, open_cb, NULL);
}

/* Close ---------------------------------------------------------------------- */

static void vp_shift_page_close (VpShiftPage *self,
                                 gint64       approver);

static gpointer
close_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;
  VpShift *shift = NULL;

  if (!vp_shift_close (call->db, call->session, call->amount, call->approver, &shift, error))
    return NULL;
  return shift;
}

static void
dialog_destroyed_cb (VpShiftPage *self)
{
  self->dialog = NULL;
}

static void
approved_cb (VpShiftPage *self,
             gint64       approver)
{
  vp_shift_page_close (self, approver);
}

static void
close_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);
  g_autoptr(GError) error = NULL;
  VpShift *shift = vp_ui_run_finish (result, &error);

  vp_shift_page_set_busy (self, FALSE);
  if (shift == NULL)
    {
      if (g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED))
        {
          g_autofree char *result_text = over_short_text (vp_shift_page_get_counted (self) -
                                                          self->current->expected);
          g_autofree char *reason = g_strdup_printf (_("Close the shift: %s"), result_text);

          vp_ui_show_error (self->message_label, error->message);
          self->dialog = GTK_WINDOW (vp_approval_dialog_new (self->context,
                                                             VP_PERM_SHIFT_ACCEPT, reason));
          g_signal_connect_object (self->dialog, "approved", G_CALLBACK (approved_cb), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (self->dialog, "destroy", G_CALLBACK (dialog_destroyed_cb),
                                   self, G_CONNECT_SWAPPED);
          vp_ui_present_dialog (GTK_WIDGET (self), self->dialog);
          return;
        }
      vp_ui_show_error (self->message_label, error->message);
      return;
    }

  g_clear_pointer (&self->closed, vp_shift_free);
  self->closed = shift;
  g_clear_pointer (&self->current, vp_shift_free);
  for (guint i = 0; i < VP_SHIFT_PAGE_N_DENOMINATIONS; i++)
    gtk_spin_button_set_value (self->counts[i], 0);
  vp_ui_show_message (self->message_label,
                      _("The shift is closed. Its summary is below; open a new shift to take "
                        "payments again."), FALSE);
  vp_shift_page_show (self);
}

static void
vp_shift_page_close (VpShiftPage *self,
                     gint64       approver)
{
  VpUiCall *call = vp_ui_call_new (self->context, NULL);

  if (call == NULL)
    return;
  call->amount = vp_shift_page_get_counted (self);
  call->approver = approver;
  vp_shift_page_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, close_work, call, vp_ui_call_free,
                   (GDestroyNotify) vp_shift_free, close_cb, NULL);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vp_shift_page_close (VP_SHIFT_PAGE (widget), 0);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  vp_shift_page_refresh (VP_SHIFT_PAGE (widget));
}

/* Z report ------------------------------------------------------------------- */

typedef struct
{
  char       *path;
  VpDocument *document;   /* for the printer; NULL when only the PDF is wanted */
} ZReport;

static void
z_report_free (gpointer data)
{
  ZReport *z = data;

  g_free (z->path);
  g_clear_pointer (&z->document, vp_document_free);
  g_free (z);
}

/* The model's "shift-z" report of shift call->amount, saved as a PDF beside the
 * database (reports/shift-ID-z.pdf); kept for the printer when call->approver. */
static gpointer
z_report_work (gpointer   data,
               GError   **error)
{
  VpUiCall *call = data;
  g_autofree char *db_dir = g_path_get_dirname (vp_database_get_path (call->db));
  g_autofree char *dir = g_build_filename (db_dir, "reports", NULL);
  g_autofree char *file = g_strdup_printf ("shift-%" G_GINT64_FORMAT "-z.pdf", call->amount);
  g_autoptr(VpReportTable) table = NULL;
  g_autoptr(VpDocument) document = NULL;
  VpReportParams params;
  ZReport *z;

  vp_report_params_init (&params);
  params.shift_id = call->amount;
  table = vp_report_run (call->db, call->session, "shift-z", &params, error);
  vp_report_params_clear (&params);
  if (table == NULL || (document = vp_report_build (table, error)) == NULL)
    return NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the report folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }

  z = g_new0 (ZReport, 1);
  z->path = g_build_filename (dir, file, NULL);
  if (!vp_document_save_pdf (document, _("Shift summary (Z report)"), z->path, error))
    {
      z_report_free (z);
      return NULL;
    }
  if (call->approver)
    z->document = g_steal_pointer (&document);
  return z;
}

static void
vp_shift_page_print (VpShiftPage *self,
                     ZReport     *z)
{
  g_autoptr(GError) error = NULL;

  if (!vp_ui_print_document (GTK_WIDGET (self), g_steal_pointer (&z->document),
                             _("Shift summary (Z report)"), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The printer did not take the report: %s"),
                                                  error->message);
      vp_ui_show_error (self->message_label, message);
    }
}

static void
z_report_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);
  g_autoptr(GError) error = NULL;
  ZReport *z = vp_ui_run_finish (result, &error);

  vp_shift_page_set_busy (self, FALSE);
  if (z == NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  g_free (self->z_path);
  self->z_path = g_strdup (z->path);
  {
    g_autofree char *message = g_strdup_printf (_("Z report saved as %s."), z->path);
    vp_ui_show_message (self->message_label, message, FALSE);
  }
  if (z->document != NULL)
    vp_shift_page_print (self, z);
  z_report_free (z);
}

static void
z_report_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VpShiftPage *self = VP_SHIFT_PAGE (widget);
  const VpShift *shift = self->current != NULL ? self->current : self->closed;
  VpUiCall *call;

  if (shift == NULL || (call = vp_ui_call_new (self->context, NULL)) == NULL)
    return;
  call->amount = shift->id;
  /* The counter's printing setting decides for reports too. */
  call->approver = vp_context_get_print_receipts (self->context);
  vp_shift_page_set_busy (self, TRUE);
  vp_ui_run_async (self, NULL, z_report_work, call, vp_ui_call_free, z_report_free, z_report_cb,
                   NULL);
}

/* Object --------------------------------------------------------------------- */

static void
session_changed_cb (VpShiftPage *self)
{
  /* The next operator's drawer is theirs: nothing of the previous one stays. */
  g_clear_pointer (&self->closed, vp_shift_free);
  vp_shift_page_refresh (self);
}

static void
vp_shift_page_constructed (GObject *object)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);

  G_OBJECT_CLASS (vp_shift_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  vp_shift_page_refresh (self);
}

static void
vp_shift_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (vp_shift_page_parent_class)->map (widget);

  /* Top-ups taken on the counter page since: the totals are read again. */
  vp_shift_page_refresh (VP_SHIFT_PAGE (widget));
}

static void
vp_shift_page_dispose (GObject *object)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_SHIFT_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_shift_page_parent_class)->dispose (object);
}

static void
vp_shift_page_finalize (GObject *object)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);

  g_clear_pointer (&self->current, vp_shift_free);
  g_clear_pointer (&self->closed, vp_shift_free);
  g_clear_pointer (&self->z_path, g_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_shift_page_parent_class)->finalize (object);
}

static void
vp_shift_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);

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
vp_shift_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VpShiftPage *self = VP_SHIFT_PAGE (object);

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
vp_shift_page_class_init (VpShiftPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_shift_page_constructed;
  object_class->dispose = vp_shift_page_dispose;
  object_class->finalize = vp_shift_page_finalize;
  object_class->set_property = vp_shift_page_set_property;
  object_class->get_property = vp_shift_page_get_property;
  widget_class->map = vp_shift_page_map;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-shift-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, open_box);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, float_entry);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, current_box);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, count_box);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, count_grid);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, counted_label);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, over_short_label);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpShiftPage, z_button);

  gtk_widget_class_install_action (widget_class, "shift.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "shift.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "shift.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "shift.z-report", NULL, z_report_action);
}

static void
vp_shift_page_init (VpShiftPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* One row per note or coin: "¥100 × [  ]" and what they add up to. */
  for (guint i = 0; i < VP_SHIFT_PAGE_N_DENOMINATIONS; i++)
    {
      g_autofree char *money = vp_ui_format_money (vp_shift_page_denominations[i]);
      g_autofree char *text = g_strdup_printf ("%s ×", money);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *spin = gtk_spin_button_new_with_range (0, 9999, 1);

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), spin);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
      g_signal_connect_object (spin, "value-changed", G_CALLBACK (vp_shift_page_update_count),
                               self, G_CONNECT_SWAPPED);
      self->counts[i] = GTK_SPIN_BUTTON (spin);
      gtk_grid_attach (self->count_grid, label, (i / 4) * 2, i % 4, 1, 1);
      gtk_grid_attach (self->count_grid, spin, (i / 4) * 2 + 1, i % 4, 1, 1);
    }
  vp_shift_page_update_count (self);
}

GtkWidget *
vp_shift_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_SHIFT_PAGE, "context", context, NULL);
}

gboolean
vp_shift_page_get_busy (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), FALSE);

  return self->busy;
}

const VpShift *
vp_shift_page_get_current (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  return self->current;
}

const VpShift *
vp_shift_page_get_closed (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  return self->closed;
}

GtkEditable *
vp_shift_page_get_float (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  return GTK_EDITABLE (self->float_entry);
}

void
vp_shift_page_set_count (VpShiftPage *self,
                         gint64       denomination,
                         guint        count)
{
  g_return_if_fail (VP_IS_SHIFT_PAGE (self));

  for (guint i = 0; i < VP_SHIFT_PAGE_N_DENOMINATIONS; i++)
    if (vp_shift_page_denominations[i] == denomination)
      {
        gtk_spin_button_set_value (self->counts[i], count);
        return;
      }
  g_return_if_reached ();
}

gint64
vp_shift_page_get_counted (VpShiftPage *self)
{
  gint64 total = 0;

  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), 0);

  for (guint i = 0; i < VP_SHIFT_PAGE_N_DENOMINATIONS; i++)
    total += vp_shift_page_denominations[i] * gtk_spin_button_get_value_as_int (self->counts[i]);
  return total;
}

const char *
vp_shift_page_get_over_short_text (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  return gtk_label_get_text (self->over_short_label);
}

const char *
vp_shift_page_get_message (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

const char *
vp_shift_page_get_z_report_path (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  return self->z_path;
}

GtkWindow *
vp_shift_page_get_dialog (VpShiftPage *self)
{
  g_return_val_if_fail (VP_IS_SHIFT_PAGE (self), NULL);

  return self->dialog;
}
