/* vp-ui.c: small helpers every page shares */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-money.h"
#include "vp-database.h"
#include "vp-room-status.h"
#include "vp-search.h"
#include "vp-ui.h"

char *
vp_ui_format_money (gint64 fen)
{
  g_autofree char *plain = vp_money_format (fen);
  const char *digits = plain[0] == '-' ? plain + 1 : plain;
  const char *dot = strchr (digits, '.');
  GString *out = g_string_new (plain[0] == '-' ? "-¥" : "¥");
  gsize n_int = dot - digits;

  /* Thousands separators make six-digit amounts readable from a metre away. */
  for (gsize i = 0; i < n_int; i++)
    {
      if (i > 0 && (n_int - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  g_string_append (out, dot);
  return g_string_free (out, FALSE);
}

char *
vp_ui_entry_text (GtkEntry *entry)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (GTK_IS_ENTRY (entry), NULL);

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  return text[0] != '\0' ? g_steal_pointer (&text) : NULL;
}

char *
vp_ui_format_time (const char *utc)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (utc != NULL, NULL);

  when = g_date_time_new_from_iso8601 (utc, tz);
  if (when == NULL)
    return g_strdup (utc);
  local = g_date_time_to_local (when);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

void
vp_ui_present_dialog (GtkWidget *from,
                      GtkWindow *dialog)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (from));
  g_return_if_fail (GTK_IS_WINDOW (dialog));

  root = gtk_widget_get_root (from);
  if (GTK_IS_WINDOW (root))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (root));

      gtk_window_set_transient_for (dialog, GTK_WINDOW (root));
      if (app != NULL)
        gtk_window_set_application (dialog, app);
    }
  gtk_window_set_modal (dialog, TRUE);
  gtk_window_set_destroy_with_parent (dialog, TRUE);
  gtk_window_present (dialog);
}

void
vp_ui_bind_escape_close (GtkWidgetClass *widget_class)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

void
vp_ui_show_message (GtkLabel   *label,
                    const char *message,
                    gboolean    is_error)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (label), is_error ? "vp-success" : "vp-error");
  gtk_widget_add_css_class (GTK_WIDGET (label), is_error ? "vp-error" : "vp-success");
}

void
vp_ui_show_error (GtkLabel   *label,
                  const char *message)
{
  vp_ui_show_message (label, message, TRUE);
}

static void
confirm_response_cb (GtkDialog *dialog,
                     int        response,
                     gpointer   user_data)
{
  GCallback accepted = g_object_get_data (G_OBJECT (dialog), "vp-accepted");

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    ((void (*) (gpointer)) accepted) (user_data);
}

GtkWindow *
vp_ui_confirm (GtkWidget  *from,
               const char *question,
               const char *detail,
               const char *accept_label,
               GCallback   accepted,
               gpointer    data)
{
  GtkWidget *dialog;

  g_return_val_if_fail (GTK_IS_WIDGET (from), NULL);
  g_return_val_if_fail (question != NULL, NULL);
  g_return_val_if_fail (accepted != NULL, NULL);

  dialog = gtk_message_dialog_new (NULL, GTK_DIALOG_MODAL, GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   "%s", question);
  if (detail != NULL)
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          accept_label, GTK_RESPONSE_ACCEPT,
                          NULL);
  /* Enter on a question that moves money must not say yes by accident. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_object_set_data (G_OBJECT (dialog), "vp-accepted", accepted);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), data, 0);
  vp_ui_present_dialog (from, GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

typedef struct
{
  VpUiWorkFunc    func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} Work;

static void
work_free (gpointer p)
{
  Work *w = p;

  if (w->data_free != NULL)
    w->data_free (w->data);
  g_free (w);
}

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Work *w = task_data;
  GError *error = NULL;
  gpointer result;

  result = w->func (w->data, &error);
  if (error != NULL)
    {
      if (result != NULL && w->result_free != NULL)
        w->result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, w->result_free);
}

void
vp_ui_run_async (gpointer             source_object,
                 GCancellable        *cancellable,
                 VpUiWorkFunc         func,
                 gpointer             data,
                 GDestroyNotify       data_free,
                 GDestroyNotify       result_free,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Work *w;

  g_return_if_fail (func != NULL);

  w = g_new0 (Work, 1);
  w->func = func;
  w->data = data;
  w->data_free = data_free;
  w->result_free = result_free;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, vp_ui_run_async);
  g_task_set_task_data (task, w, work_free);
  g_task_run_in_thread (task, work_thread);
}

gpointer
vp_ui_run_finish (GAsyncResult  *result,
                  GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

VpUiCall *
vp_ui_call_new (VpContext  *context,
                const char *number)
{
  VpSession *session;
  VpUiCall *call;

  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  session = vp_context_get_session (context);
  if (session == NULL)
    return NULL;

  call = g_new0 (VpUiCall, 1);
  call->db = vp_database_ref (vp_context_get_database (context));
  call->session = vp_session_ref (session);
  call->number = g_strdup (number);
  return call;
}

void
vp_ui_call_free (gpointer data)
{
  VpUiCall *call = data;

  if (call == NULL)
    return;
  g_clear_pointer (&call->db, vp_database_unref);
  g_clear_pointer (&call->session, vp_session_unref);
  g_free (call->number);
  g_free (call->text);
  g_free (call->reference);
  if (call->spec_free != NULL)
    call->spec_free (call->spec);
  g_free (call);
}

void
vp_ui_method_box_fill (GtkBox    *box,
                       GCallback  toggled,
                       gpointer   data)
{
  static const struct {
    VpPaymentMethod  method;
    const char      *label;
  } methods[] = {
    { VP_PAYMENT_CASH, N_("_Cash") },
    { VP_PAYMENT_CARD, N_("Bank Car_d") },
    { VP_PAYMENT_WECHAT, N_("_WeChat Pay") },
    { VP_PAYMENT_ALIPAY, N_("Ali_pay") },
  };
  GtkToggleButton *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_mnemonic (_(methods[i].label));

      g_object_set_data (G_OBJECT (button), "vp-method", GINT_TO_POINTER (methods[i].method));
      if (first == NULL)
        first = GTK_TOGGLE_BUTTON (button);
      else
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), first);
      if (toggled != NULL)
        g_signal_connect_swapped (button, "toggled", toggled, data);
      gtk_box_append (box, button);
    }
  gtk_toggle_button_set_active (first, TRUE);
}

VpPaymentMethod
vp_ui_method_box_get (GtkBox *box)
{
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (box)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (w)))
      return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (w), "vp-method"));
  return VP_PAYMENT_CASH;
}

void
vp_ui_method_box_set (GtkBox          *box,
                      VpPaymentMethod  method)
{
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (box)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (w), "vp-method")) == (int) method)
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (w), TRUE);
}

const char *
vp_ui_account_status_label (VpAccountStatus status)
{
  switch (status)
    {
    case VP_ACCOUNT_STATUS_OPEN:
      return _("Open");
    case VP_ACCOUNT_STATUS_SUSPENDED:
      return _("Suspended");
    case VP_ACCOUNT_STATUS_CLOSED:
      return _("Closed");
    default:
      g_return_val_if_reached ("");
    }
}

const char *
vp_ui_account_mode_label (VpAccountMode mode)
{
  switch (mode)
    {
    case VP_ACCOUNT_MODE_PREPAID:
      return _("Prepaid");
    case VP_ACCOUNT_MODE_POSTPAID:
      return _("Postpaid");
    default:
      g_return_val_if_reached ("");
    }
}

const char *
vp_ui_payment_method_label (VpPaymentMethod method)
{
  switch (method)
    {
    case VP_PAYMENT_NONE:
      return _("None");
    case VP_PAYMENT_CASH:
      return _("Cash");
    case VP_PAYMENT_CARD:
      return _("Bank card");
    case VP_PAYMENT_WECHAT:
      return _("WeChat Pay");
    case VP_PAYMENT_ALIPAY:
      return _("Alipay");
    default:
      g_return_val_if_reached ("");
    }
}

/* Row widgets are kept and their labels rewritten: creating and destroying fifty
 * rows per keystroke is what made typing lag (bench-ui). */
typedef enum
{
  ROW_NAME,
  ROW_BALANCE,
  ROW_NUMBER,
  ROW_DETAIL,
  N_ROW_LABELS
} RowLabel;

static GtkWidget *
account_row_new (void)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget **labels = g_new0 (GtkWidget *, N_ROW_LABELS);

  for (guint i = 0; i < N_ROW_LABELS; i++)
    {
      labels[i] = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (labels[i]), i == ROW_NAME || i == ROW_NUMBER ? 0 : 1);
      gtk_label_set_single_line_mode (GTK_LABEL (labels[i]), TRUE);
    }
  gtk_label_set_ellipsize (GTK_LABEL (labels[ROW_NAME]), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (labels[ROW_NAME], TRUE);
  gtk_widget_add_css_class (labels[ROW_NAME], "vp-result-name");
  gtk_widget_add_css_class (labels[ROW_BALANCE], "vp-result-balance");
  gtk_widget_add_css_class (labels[ROW_NUMBER], "monospace");
  /* The room first: meter addresses are what gets cut when the row is narrow. */
  gtk_label_set_ellipsize (GTK_LABEL (labels[ROW_DETAIL]), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (labels[ROW_DETAIL], "dim-label");

  gtk_grid_attach (GTK_GRID (grid), labels[ROW_NAME], 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), labels[ROW_BALANCE], 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), labels[ROW_NUMBER], 0, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), labels[ROW_DETAIL], 1, 1, 1, 1);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  gtk_widget_set_margin_start (grid, 8);
  gtk_widget_set_margin_end (grid, 8);
  g_object_set_data_full (G_OBJECT (grid), "vp-labels", labels, g_free);
  return grid;
}

static void
account_row_set (GtkWidget         *grid,
                 const VpSearchHit *hit)
{
  GtkWidget **labels = g_object_get_data (G_OBJECT (grid), "vp-labels");
  g_autofree char *money = vp_ui_format_money (hit->balance);
  g_autoptr(GString) text = g_string_new (NULL);

  if (hit->room != NULL)
    g_string_append (text, hit->room);
  if (hit->status != VP_ACCOUNT_STATUS_OPEN)
    g_string_append_printf (text, "%s%s", text->len ? " · " : "",
                            vp_ui_account_status_label (hit->status));
  if (hit->meters != NULL && hit->meters[0] != '\0')
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", hit->meters);

  gtk_label_set_text (GTK_LABEL (labels[ROW_NAME]), hit->name);
  gtk_label_set_text (GTK_LABEL (labels[ROW_BALANCE]), money);
  gtk_label_set_text (GTK_LABEL (labels[ROW_NUMBER]), hit->number);
  gtk_label_set_text (GTK_LABEL (labels[ROW_DETAIL]), text->str);
  if (hit->balance <= 0)
    gtk_widget_add_css_class (labels[ROW_BALANCE], "vp-balance-tripped");
  else
    gtk_widget_remove_css_class (labels[ROW_BALANCE], "vp-balance-tripped");
}

void
vp_ui_account_list_fill (GtkListBox *list,
                         GPtrArray  *hits)
{
  GtkListBoxRow *row;
  guint n = hits != NULL ? hits->len : 0;

  g_return_if_fail (GTK_IS_LIST_BOX (list));

  for (guint i = 0; i < n; i++)
    {
      row = gtk_list_box_get_row_at_index (list, i);
      if (row == NULL)
        {
          gtk_list_box_append (list, account_row_new ());
          row = gtk_list_box_get_row_at_index (list, i);
        }
      account_row_set (gtk_list_box_row_get_child (row), g_ptr_array_index (hits, i));
    }
  while ((row = gtk_list_box_get_row_at_index (list, n)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

void
vp_ui_account_info_free (gpointer data)
{
  VpUiAccountInfo *info = data;

  if (info == NULL)
    return;
  g_clear_pointer (&info->account, vp_account_free);
  g_clear_pointer (&info->last_topup, vp_ledger_entry_free);
  g_clear_pointer (&info->meters, g_ptr_array_unref);
  g_free (info);
}

gpointer
vp_ui_load_account_work (gpointer   data,
                         GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GPtrArray) entries = NULL;
  VpUiAccountInfo *info;

  info = g_new0 (VpUiAccountInfo, 1);
  info->account = vp_account_get (call->db, call->session, call->number, error);
  if (info->account == NULL)
    {
      vp_ui_account_info_free (info);
      return NULL;
    }

  /* The newest top-up, for the card and for "reverse last top-up". */
  entries = vp_ledger_list (call->db, call->session, call->number, 50, error);
  if (entries == NULL)
    {
      vp_ui_account_info_free (info);
      return NULL;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      VpLedgerEntry *e = g_ptr_array_index (entries, i);

      if (e->kind == VP_LEDGER_TOPUP)
        {
          info->last_topup = g_steal_pointer (&entries->pdata[i]);
          break;
        }
    }

  /* The meters as the engine saw them last: reading, contact, relay, keep-power. */
  info->meters = vp_meter_live_list (call->db, call->session, call->number, error);
  if (info->meters == NULL)
    {
      vp_ui_account_info_free (info);
      return NULL;
    }
  return info;
}

static char *
meter_addresses (const VpAccount *account)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; account->meters != NULL && i < account->meters->len; i++)
    {
      const VpMeter *meter = g_ptr_array_index (account->meters, i);

      if (meter->status != VP_METER_STATUS_ACTIVE)
        continue;
      if (text->len > 0)
        g_string_append (text, ",");
      g_string_append (text, meter->address);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gpointer
vp_ui_find_accounts_work (gpointer   data,
                          GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GPtrArray) accounts = NULL;
  GPtrArray *hits;

  if (call->text != NULL && call->text[0] != '\0')
    return vp_search_accounts (call->db, call->session, call->text, -1,
                               VP_SEARCH_DEFAULT_LIMIT, error);

  accounts = vp_account_list (call->db, call->session, 0, call->amount, error);
  if (accounts == NULL)
    return NULL;

  /* The list shows what a search hit shows, so both fill the same rows. */
  hits = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_search_hit_free);
  for (guint i = 0; i < accounts->len; i++)
    {
      VpAccount *account = g_ptr_array_index (accounts, i);
      VpSearchHit *hit = g_new0 (VpSearchHit, 1);

      hit->account_id = account->id;
      hit->number = g_strdup (account->number);
      hit->name = g_strdup (account->name);
      hit->phone = g_strdup (account->phone);
      hit->room = g_strdup (account->room);
      hit->meters = meter_addresses (account);
      hit->status = account->status;
      hit->balance = account->balance;
      hit->match = VP_SEARCH_MATCH_NUMBER;
      g_ptr_array_add (hits, hit);
    }
  return hits;
}

void
vp_ui_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

static void
print_draw_page_cb (GtkPrintOperation *operation,
                    GtkPrintContext   *context,
                    int                page,
                    VpDocument        *document)
{
  vp_document_render_page (document, page, gtk_print_context_get_cairo_context (context));
}

gboolean
vp_ui_print_document (GtkWidget   *from,
                      VpDocument  *document,
                      const char  *job_name,
                      GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  GtkRoot *root = gtk_widget_get_root (from);

  g_return_val_if_fail (document != NULL, FALSE);

  /* Pages laid out by the document itself: no scaling, no extra margins. */
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_n_pages (operation, vp_document_get_n_pages (document));
  gtk_print_operation_set_job_name (operation, job_name);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_object_set_data_full (G_OBJECT (operation), "vp-document", document,
                          (GDestroyNotify) vp_document_free);
  g_signal_connect (operation, "draw-page", G_CALLBACK (print_draw_page_cb), document);
  return gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                  error) != GTK_PRINT_OPERATION_RESULT_ERROR;
}
