/* vp-reports-page.c: choose a report, run it, preview, print, save PDF, export CSV
 *
 * The model does every figure: the page only collects the parameters, runs the report
 * in a worker thread (vp_report_run, then vp_report_build for its A4 pages) and shows
 * the document with the same Cairo renderer that prints it, so the preview is what the
 * printer and the PDF get. Only the parameters a report takes are asked for.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-reports-page.h"
#include "vp-ui.h"

struct _VpReportsPage
{
  GtkWidget       parent_instance;

  VpContext      *context;
  VpReportTable  *table;
  VpDocument     *document;
  guint           page;
  guint           serial;
  gboolean        busy;
  GtkNativeDialog *chooser;

  GtkListBox     *report_list;
  GtkLabel       *title_label;
  GtkEntry       *from_entry;
  GtkEntry       *to_entry;
  GtkWidget      *operator_label;
  GtkEntry       *operator_entry;
  GtkWidget      *account_label;
  GtkEntry       *account_entry;
  GtkSpinner     *spinner;
  GtkLabel       *message_label;
  GtkDrawingArea *preview;
  GtkLabel       *page_label;
  GtkCheckButton *bom_check;
};

G_DEFINE_FINAL_TYPE (VpReportsPage, vp_reports_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const categories[] = { "shift", "revenue", "accounts", "consumption", "logs" };

static const char *
category_label (const char *category)
{
  if (g_strcmp0 (category, "shift") == 0)
    return _("Shifts");
  if (g_strcmp0 (category, "revenue") == 0)
    return _("Revenue");
  if (g_strcmp0 (category, "accounts") == 0)
    return _("Accounts");
  if (g_strcmp0 (category, "consumption") == 0)
    return _("Consumption");
  if (g_strcmp0 (category, "logs") == 0)
    return _("Logs");
  return category;
}

/* Report titles follow the interface language, as the rest of the page does. */
static gboolean
use_chinese (void)
{
  const char * const *names = g_get_language_names ();

  return names[0] != NULL && g_str_has_prefix (names[0], "zh");
}

static const VpReportInfo *
selected_info (VpReportsPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->report_list);

  return row != NULL ? g_object_get_data (G_OBJECT (row), "vp-report") : NULL;
}

static void
vp_reports_page_update (VpReportsPage *self)
{
  const VpReportInfo *info;
  gboolean has_document = self->document != NULL;
  guint n_pages = has_document ? vp_document_get_n_pages (self->document) : 0;
  gboolean period, op, account;
  GtkWidget *widget = GTK_WIDGET (self);

  /* The list emits selected-rows-changed while the template is torn down. */
  if (self->report_list == NULL)
    return;
  info = selected_info (self);
  period = info != NULL && (info->params & VP_REPORT_PARAM_PERIOD) != 0;
  op = info != NULL && (info->params & VP_REPORT_PARAM_OPERATOR) != 0;
  account = info != NULL && (info->params & VP_REPORT_PARAM_ACCOUNT) != 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->from_entry), period);
  gtk_widget_set_sensitive (GTK_WIDGET (self->to_entry), period);
  gtk_widget_set_visible (self->operator_label, op);
  gtk_widget_set_visible (GTK_WIDGET (self->operator_entry), op);
  gtk_widget_set_visible (self->account_label, account);
  gtk_widget_set_visible (GTK_WIDGET (self->account_entry), account);
  if (info != NULL)
    gtk_label_set_text (self->title_label, use_chinese () ? info->title_zh : info->title_en);

  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_action_set_enabled (widget, "reports.run", !self->busy && info != NULL);
  gtk_widget_action_set_enabled (widget, "reports.previous", has_document && self->page > 0);
  gtk_widget_action_set_enabled (widget, "reports.next", has_document && self->page + 1 < n_pages);
  gtk_widget_action_set_enabled (widget, "reports.print", has_document && !self->busy);
  gtk_widget_action_set_enabled (widget, "reports.save-pdf", has_document && !self->busy);
  gtk_widget_action_set_enabled (widget, "reports.export-csv", has_document && !self->busy);
  if (has_document)
    {
      g_autofree char *text = g_strdup_printf (_("Page %u / %u"), self->page + 1, n_pages);
      gtk_label_set_text (self->page_label, text);
    }
  else
    gtk_label_set_text (self->page_label, "");
  gtk_widget_queue_draw (GTK_WIDGET (self->preview));
}

/* Preview -------------------------------------------------------------------- */

static void
preview_draw (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        data)
{
  VpReportsPage *self = data;
  double page_width = 0, page_height = 0, scale;

  if (self->document == NULL)
    return;
  vp_document_get_page_size (self->document, self->page, &page_width, &page_height);
  if (page_width <= 0 || page_height <= 0)
    return;
  /* The whole page fits, centred, on white paper. */
  scale = MIN ((width - 16) / page_width, (height - 16) / page_height);
  if (scale <= 0)
    return;
  cairo_translate (cr, (width - page_width * scale) / 2, (height - page_height * scale) / 2);
  cairo_scale (cr, scale, scale);
  cairo_rectangle (cr, 0, 0, page_width, page_height);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  vp_document_render_page (self->document, self->page, cr);
}

/* Running -------------------------------------------------------------------- */

typedef struct
{
  VpReportTable *table;
  VpDocument    *document;
} Result;

static void
result_free (gpointer data)
{
  Result *r = data;

  g_clear_pointer (&r->table, vp_report_table_free);
  g_clear_pointer (&r->document, vp_document_free);
  g_free (r);
}

static void
params_free (gpointer data)
{
  vp_report_params_clear (data);
  g_free (data);
}

static gpointer
run_work (gpointer   data,
          GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(VpReportTable) table = vp_report_run (call->db, call->session, call->text,
                                                  call->spec, error);
  VpDocument *document;
  Result *r;

  if (table == NULL || (document = vp_report_build (table, error)) == NULL)
    return NULL;
  r = g_new0 (Result, 1);
  r->table = g_steal_pointer (&table);
  r->document = document;
  return r;
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  VpReportsPage *self = VP_REPORTS_PAGE (object);
  g_autoptr(GError) error = NULL;
  Result *r = vp_ui_run_finish (result, &error);

  if (GPOINTER_TO_UINT (user_data) != self->serial)
    {
      if (r != NULL)
        result_free (r);
      return;
    }
  self->busy = FALSE;
  if (r == NULL)
    vp_ui_show_error (self->message_label, error->message);
  else
    {
      g_clear_pointer (&self->table, vp_report_table_free);
      g_clear_pointer (&self->document, vp_document_free);
      self->table = g_steal_pointer (&r->table);
      self->document = g_steal_pointer (&r->document);
      self->page = 0;
      result_free (r);
      vp_ui_show_message (self->message_label, NULL, FALSE);
    }
  vp_reports_page_update (self);
}

/* A local calendar day "YYYY-MM-DD" that exists. */
static gboolean
parse_day (const char  *text,
           const char  *what,
           GError     **error)
{
  unsigned year = 0, month = 0, day = 0;
  char end = 0;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The %s date “%s” is not a date like 2026-11-25 (year-month-day)."),
                   what, text);
      return FALSE;
    }
  return TRUE;
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VpReportsPage *self = VP_REPORTS_PAGE (widget);
  const VpReportInfo *info = selected_info (self);
  g_autoptr(GError) error = NULL;
  VpReportParams *params;
  VpUiCall *call;

  if (info == NULL)
    return;
  params = g_new0 (VpReportParams, 1);
  vp_report_params_init (params);
  if (info->params & VP_REPORT_PARAM_PERIOD)
    {
      params->from = vp_ui_entry_text (self->from_entry);
      params->to = vp_ui_entry_text (self->to_entry);
      if (params->from == NULL || params->to == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("Type the first and the last day of the report (YYYY-MM-DD)."));
      else if (parse_day (params->from, C_("date", "start"), &error) &&
               parse_day (params->to, C_("date", "end"), &error) &&
               strcmp (params->from, params->to) > 0)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("The start date is after the end date."));
    }
  if (info->params & VP_REPORT_PARAM_OPERATOR)
    params->operator_login = vp_ui_entry_text (self->operator_entry);
  if (info->params & VP_REPORT_PARAM_ACCOUNT)
    params->account = vp_ui_entry_text (self->account_entry);
  if (error != NULL || (call = vp_ui_call_new (self->context, NULL)) == NULL)
    {
      params_free (params);
      if (error != NULL)
        vp_ui_show_error (self->message_label, error->message);
      return;
    }
  call->text = g_strdup (info->name);
  call->spec = params;
  call->spec_free = params_free;
  self->serial++;
  self->busy = TRUE;
  vp_reports_page_update (self);
  vp_ui_run_async (self, NULL, run_work, call, vp_ui_call_free, result_free, run_cb,
                   GUINT_TO_POINTER (self->serial));
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  VpReportsPage *self = VP_REPORTS_PAGE (widget);

  if (self->page > 0)
    self->page--;
  vp_reports_page_update (self);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpReportsPage *self = VP_REPORTS_PAGE (widget);

  if (self->document != NULL && self->page + 1 < vp_document_get_n_pages (self->document))
    self->page++;
  vp_reports_page_update (self);
}

/* Outputs -------------------------------------------------------------------- */

static const char *
document_title (VpReportsPage *self)
{
  return use_chinese () ? self->table->title_zh : self->table->title_en;
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VpReportsPage *self = VP_REPORTS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  VpDocument *document;

  if (self->table == NULL)
    return;
  /* The printer gets its own copy of the pages: the preview keeps showing this one. */
  document = vp_report_build (self->table, &error);
  if (document == NULL ||
      !vp_ui_print_document (widget, document, document_title (self), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The printer did not take the report: %s"),
                                                  error->message);
      vp_ui_show_error (self->message_label, message);
    }
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     VpReportsPage   *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gboolean csv = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "vp-csv"));
  gboolean ok;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL &&
      (path = g_file_get_path (file)) != NULL)
    {
      if (csv)
        ok = vp_reports_page_save_csv (self, path,
                                       gtk_check_button_get_active (self->bom_check), &error);
      else
        ok = vp_reports_page_save_pdf (self, path, &error);
      if (ok)
        {
          g_autofree char *message = g_strdup_printf (_("Saved as %s."), path);
          vp_ui_show_message (self->message_label, message, FALSE);
        }
      else
        vp_ui_show_error (self->message_label, error->message);
    }
  if (self->chooser == chooser)
    g_clear_object (&self->chooser);
}

static void
vp_reports_page_choose (VpReportsPage *self,
                        gboolean       csv)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->table == NULL)
    return;
  chooser = gtk_file_chooser_native_new (csv ? _("Export CSV") : _("Save PDF"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s.%s", self->table->name, csv ? "csv" : "pdf");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "vp-csv", GINT_TO_POINTER (csv));
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
save_pdf_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  vp_reports_page_choose (VP_REPORTS_PAGE (widget), FALSE);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  vp_reports_page_choose (VP_REPORTS_PAGE (widget), TRUE);
}

/* The list ------------------------------------------------------------------- */

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       data)
{
  const VpReportInfo *info = g_object_get_data (G_OBJECT (row), "vp-report");
  const VpReportInfo *previous = before != NULL ?
                                 g_object_get_data (G_OBJECT (before), "vp-report") : NULL;
  GtkWidget *header;

  if (previous != NULL && g_strcmp0 (previous->category, info->category) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (category_label (info->category));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_set_margin_top (header, 8);
  gtk_widget_add_css_class (header, "heading");
  gtk_list_box_row_set_header (row, header);
}

static void
add_row (VpReportsPage      *self,
         const VpReportInfo *info)
{
  GtkWidget *label = gtk_label_new (use_chinese () ? info->title_zh : info->title_en);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  g_object_set_data (G_OBJECT (row), "vp-report", (gpointer) info);
  gtk_list_box_append (self->report_list, row);
}

static void
vp_reports_page_fill (VpReportsPage *self)
{
  guint n = vp_report_get_n_reports ();

  /* Grouped by category in a fixed order; a category not listed comes last. */
  for (guint c = 0; c <= G_N_ELEMENTS (categories); c++)
    for (guint i = 0; i < n; i++)
      {
        const VpReportInfo *info = vp_report_get_info (i);
        gboolean known = g_strv_contains ((const char * const *) categories, info->category);

        if (c < G_N_ELEMENTS (categories) ? g_str_equal (info->category, categories[c]) : !known)
          add_row (self, info);
      }
}

/* Object --------------------------------------------------------------------- */

static void
session_changed_cb (VpReportsPage *self)
{
  /* The next operator does not see the previous one's figures. */
  self->serial++;
  self->busy = FALSE;
  g_clear_pointer (&self->table, vp_report_table_free);
  g_clear_pointer (&self->document, vp_document_free);
  vp_ui_show_message (self->message_label, NULL, FALSE);
  vp_reports_page_update (self);
}

static void
vp_reports_page_constructed (GObject *object)
{
  VpReportsPage *self = VP_REPORTS_PAGE (object);

  G_OBJECT_CLASS (vp_reports_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
vp_reports_page_dispose (GObject *object)
{
  VpReportsPage *self = VP_REPORTS_PAGE (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_REPORTS_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_reports_page_parent_class)->dispose (object);
}

static void
vp_reports_page_finalize (GObject *object)
{
  VpReportsPage *self = VP_REPORTS_PAGE (object);

  g_clear_pointer (&self->table, vp_report_table_free);
  g_clear_pointer (&self->document, vp_document_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_reports_page_parent_class)->finalize (object);
}

static void
vp_reports_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VpReportsPage *self = VP_REPORTS_PAGE (object);

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
vp_reports_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VpReportsPage *self = VP_REPORTS_PAGE (object);

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
vp_reports_page_class_init (VpReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_reports_page_constructed;
  object_class->dispose = vp_reports_page_dispose;
  object_class->finalize = vp_reports_page_finalize;
  object_class->set_property = vp_reports_page_set_property;
  object_class->get_property = vp_reports_page_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, report_list);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, operator_label);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, operator_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, account_label);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, account_entry);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, preview);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, page_label);
  gtk_widget_class_bind_template_child (widget_class, VpReportsPage, bom_check);

  gtk_widget_class_install_action (widget_class, "reports.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "reports.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "reports.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "reports.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "reports.save-pdf", NULL, save_pdf_action);
  gtk_widget_class_install_action (widget_class, "reports.export-csv", NULL,
                                   export_csv_action);
}

static void
vp_reports_page_init (VpReportsPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *first = g_date_time_format (now, "%Y-%m-01");

  gtk_widget_init_template (GTK_WIDGET (self));

  /* This month so far: the usual question. */
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), first);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), today);
  gtk_drawing_area_set_draw_func (self->preview, preview_draw, self, NULL);
  gtk_list_box_set_header_func (self->report_list, header_func, NULL, NULL);
  vp_reports_page_fill (self);
  g_signal_connect_object (self->report_list, "selected-rows-changed",
                           G_CALLBACK (vp_reports_page_update), self, G_CONNECT_SWAPPED);
  gtk_list_box_select_row (self->report_list, gtk_list_box_get_row_at_index (self->report_list, 0));
  vp_reports_page_update (self);
}

GtkWidget *
vp_reports_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_REPORTS_PAGE, "context", context, NULL);
}

gboolean
vp_reports_page_select (VpReportsPage *self,
                        const char    *name)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->report_list, i)) != NULL; i++)
    {
      const VpReportInfo *info = g_object_get_data (G_OBJECT (row), "vp-report");

      if (g_str_equal (info->name, name))
        {
          gtk_list_box_select_row (self->report_list, row);
          return TRUE;
        }
    }
  return FALSE;
}

const char *
vp_reports_page_get_selected (VpReportsPage *self)
{
  const VpReportInfo *info;

  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), NULL);

  info = selected_info (self);
  return info != NULL ? info->name : NULL;
}

GtkEditable *
vp_reports_page_get_from (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), NULL);

  return GTK_EDITABLE (self->from_entry);
}

GtkEditable *
vp_reports_page_get_to (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), NULL);

  return GTK_EDITABLE (self->to_entry);
}

gboolean
vp_reports_page_get_operator_shown (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->operator_entry));
}

gboolean
vp_reports_page_get_account_shown (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->account_entry));
}

gboolean
vp_reports_page_get_busy (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), FALSE);

  return self->busy;
}

const VpReportTable *
vp_reports_page_get_table (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), NULL);

  return self->table;
}

const char *
vp_reports_page_get_page_text (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), NULL);

  return gtk_label_get_text (self->page_label);
}

const char *
vp_reports_page_get_message (VpReportsPage *self)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

gboolean
vp_reports_page_save_pdf (VpReportsPage *self,
                          const char    *path,
                          GError       **error)
{
  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (self->document != NULL, FALSE);

  return vp_document_save_pdf (self->document, document_title (self), path, error);
}

gboolean
vp_reports_page_save_csv (VpReportsPage *self,
                          const char    *path,
                          gboolean       bom,
                          GError       **error)
{
  g_autoptr(VpCsvWriter) csv = NULL;

  g_return_val_if_fail (VP_IS_REPORTS_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (self->table != NULL, FALSE);

  csv = vp_report_to_csv (self->table, bom ? VP_CSV_BOM : VP_CSV_NONE);
  return vp_csv_writer_save (csv, path, error);
}
