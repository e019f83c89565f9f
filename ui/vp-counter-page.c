/* vp-counter-page.c: search, customer card, top-up, refund, reversal
 *
 * The cashier's whole day happens here. Every keystroke starts a search in a worker
 * thread; a newer keystroke cancels the older search and its late result is dropped
 * (serial numbers), so the list always matches the text in the field. Picking a
 * result loads the account in a worker thread too. Money moves only in the dialogs,
 * through the model, which checks the role again.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <errno.h>

#include <glib/gstdio.h>

#include "vp-approval-dialog.h"
#include "vp-counter-page.h"
#include "vp-customer-card.h"
#include "vp-database.h"
#include "vp-model-error.h"
#include "vp-receipt.h"
#include "vp-refund-dialog.h"
#include "vp-search.h"
#include "vp-shift-dialog.h"
#include "vp-shift.h"
#include "vp-topup-dialog.h"
#include "vp-ui.h"

struct _VpCounterPage
{
  GtkWidget       parent_instance;

  VpContext      *context;

  GCancellable   *search_cancellable;
  guint           search_serial;
  gboolean        searching;
  GPtrArray      *hits;            /* VpSearchHit *, as listed */

  GCancellable   *load_cancellable;
  guint           load_serial;
  gboolean        loading;
  VpAccount      *account;
  VpLedgerEntry  *last_topup;
  GtkWindow      *dialog;          /* weak */
  void          (*after_shift) (VpCounterPage *self);  /* money dialog waiting on a shift */
  char           *last_receipt;    /* the receipt of the last payment at this card */
  char           *last_summary;    /* what that payment's message said, until its
                                    * receipt has printed */
  char           *printed_path;    /* PDF of the last receipt printed */

  GtkSearchEntry *search_entry;
  GtkLabel       *search_status;
  GtkListBox     *result_list;
  VpCustomerCard *card;
  GtkLabel       *message_label;
};

G_DEFINE_FINAL_TYPE (VpCounterPage, vp_counter_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vp_counter_page_show_message (VpCounterPage *self,
                              const char    *message,
                              gboolean       is_error)
{
  vp_ui_show_message (self->message_label, message, is_error);
}

static void
vp_counter_page_update_actions (VpCounterPage *self)
{
  gboolean open = self->account != NULL && self->account->status == VP_ACCOUNT_STATUS_OPEN;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.topup",
                                 open && vp_context_can (self->context, VP_PERM_TOPUP));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.refund",
                                 open && self->account->balance > 0 &&
                                 vp_context_can (self->context, VP_PERM_REFUND));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.reverse",
                                 open && self->last_topup != NULL &&
                                 vp_context_can (self->context, VP_PERM_TOPUP));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "counter.print",
                                 self->account != NULL &&
                                 (self->last_receipt != NULL || self->last_topup != NULL) &&
                                 vp_context_can (self->context, VP_PERM_ACCOUNT_VIEW));
}

/* Search ------------------------------------------------------------------- */

static void
vp_counter_page_set_hits (VpCounterPage *self,
                          GPtrArray     *hits)
{
  vp_ui_account_list_fill (self->result_list, hits);
  g_clear_pointer (&self->hits, g_ptr_array_unref);
  if (hits == NULL)
    return;

  self->hits = g_ptr_array_ref (hits);
  if (hits->len > 0)
    gtk_list_box_select_row (self->result_list, gtk_list_box_get_row_at_index (self->result_list, 0));
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;

  hits = vp_ui_run_finish (result, &error);
  /* A later keystroke started a newer search: this answer is stale. */
  if (serial != self->search_serial)
    return;
  self->searching = FALSE;

  if (hits == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->search_status, error->message);
      vp_counter_page_set_hits (self, NULL);
      return;
    }

  vp_counter_page_set_hits (self, hits);
  if (hits->len == 0)
    gtk_label_set_text (self->search_status, _("No account found"));
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u account — Enter picks the first",
                                                            "%u accounts — arrows choose, Enter picks",
                                                            hits->len),
                                               hits->len);
      gtk_label_set_text (self->search_status, text);
    }
}

static void
search_changed_cb (VpCounterPage *self)
{
  g_autofree char *query = NULL;
  VpUiCall *call;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_serial++;

  query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  call = vp_ui_call_new (self->context, NULL);
  if (query[0] == '\0' || call == NULL)
    {
      vp_ui_call_free (call);
      self->searching = FALSE;
      vp_counter_page_set_hits (self, NULL);
      gtk_label_set_text (self->search_status, "");
      return;
    }

  call->text = g_steal_pointer (&query);
  self->searching = TRUE;
  self->search_cancellable = g_cancellable_new ();
  vp_ui_run_async (self, self->search_cancellable, vp_ui_find_accounts_work, call, vp_ui_call_free,
                   (GDestroyNotify) g_ptr_array_unref, search_cb,
                   GUINT_TO_POINTER (self->search_serial));
}

/* Account card --------------------------------------------------------------- */

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);
  guint serial = GPOINTER_TO_UINT (user_data);
  g_autoptr(GError) error = NULL;
  VpUiAccountInfo *loaded;

  loaded = vp_ui_run_finish (result, &error);
  if (serial != self->load_serial)
    {
      vp_ui_account_info_free (loaded);
      return;
    }
  self->loading = FALSE;

  if (loaded == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        vp_counter_page_show_message (self, error->message, TRUE);
      return;
    }

  if (self->account != NULL && !g_str_equal (self->account->number, loaded->account->number))
    {
      g_clear_pointer (&self->last_receipt, g_free);
      g_clear_pointer (&self->last_summary, g_free);
    }
  g_clear_pointer (&self->account, vp_account_free);
  g_clear_pointer (&self->last_topup, vp_ledger_entry_free);
  self->account = g_steal_pointer (&loaded->account);
  self->last_topup = g_steal_pointer (&loaded->last_topup);

  vp_customer_card_set_account (self->card, self->account, self->last_topup);
  vp_customer_card_set_meter_states (self->card, loaded->meters);
  vp_ui_account_info_free (loaded);
  vp_counter_page_update_actions (self);
}

void
vp_counter_page_show_account (VpCounterPage *self,
                              const char    *number)
{
  VpUiCall *call;

  g_return_if_fail (VP_IS_COUNTER_PAGE (self));
  g_return_if_fail (number != NULL);

  call = vp_ui_call_new (self->context, number);
  if (call == NULL)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  self->load_serial++;
  self->loading = TRUE;
  vp_ui_run_async (self, self->load_cancellable, vp_ui_load_account_work, call,
                   vp_ui_call_free, vp_ui_account_info_free, load_cb, GUINT_TO_POINTER (self->load_serial));
}

static void
vp_counter_page_reload (VpCounterPage *self)
{
  if (self->account != NULL)
    vp_counter_page_show_account (self, self->account->number);
}

/* A cycle charged, tripped or read the meters: the card shows it without a click. */
static void
cycle_finished_cb (VpCounterPage *self)
{
  if (!self->loading)
    vp_counter_page_reload (self);
}

static void
row_activated_cb (VpCounterPage *self,
                  GtkListBoxRow *row)
{
  int index = gtk_list_box_row_get_index (row);
  const VpSearchHit *hit;

  if (self->hits == NULL || index < 0 || (guint) index >= self->hits->len)
    return;

  hit = g_ptr_array_index (self->hits, index);
  vp_counter_page_show_message (self, NULL, FALSE);
  vp_counter_page_show_account (self, hit->number);
}

static void
search_activate_cb (VpCounterPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->result_list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->result_list, 0);
  if (row != NULL)
    row_activated_cb (self, row);
}

static gboolean
search_key_pressed_cb (VpCounterPage         *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  GtkListBoxRow *row;
  int index, delta;

  /* Arrows move the highlighted result while the typing stays in the field. */
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    delta = 1;
  else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    delta = -1;
  else
    return FALSE;

  if (self->hits == NULL || self->hits->len == 0)
    return TRUE;

  row = gtk_list_box_get_selected_row (self->result_list);
  index = row != NULL ? gtk_list_box_row_get_index (row) + delta : 0;
  index = CLAMP (index, 0, (int) self->hits->len - 1);
  row = gtk_list_box_get_row_at_index (self->result_list, index);
  gtk_list_box_select_row (self->result_list, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/* Dialogs -------------------------------------------------------------------- */

static void
dialog_destroyed_cb (GtkWindow     *dialog,
                     VpCounterPage *self)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
}

static void
vp_counter_page_present (VpCounterPage *self,
                         GtkWindow     *dialog)
{
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, 0);
  vp_ui_present_dialog (GTK_WIDGET (self), dialog);
}

static void vp_counter_page_print (VpCounterPage *self,
                                   const char    *receipt);

/* A payment is stored: say so, print its receipt, show the account as it is now. */
static void
money_moved_cb (VpCounterPage *self,
                const char    *summary,
                const char    *receipt)
{
  vp_counter_page_show_message (self, summary, FALSE);
  if (receipt != NULL)
    {
      g_free (self->last_receipt);
      self->last_receipt = g_strdup (receipt);
      g_free (self->last_summary);
      self->last_summary = g_strdup (summary);
      vp_counter_page_print (self, receipt);
    }
  vp_counter_page_reload (self);
}

static void
vp_counter_page_open_topup (VpCounterPage *self)
{
  GtkWindow *dialog;

  if (self->account == NULL)
    return;
  dialog = GTK_WINDOW (vp_topup_dialog_new (self->context, self->account));
  g_signal_connect_object (dialog, "committed", G_CALLBACK (money_moved_cb), self,
                           G_CONNECT_SWAPPED);
  vp_counter_page_present (self, dialog);
}

static void
vp_counter_page_open_refund (VpCounterPage *self)
{
  GtkWindow *dialog;

  if (self->account == NULL)
    return;
  dialog = GTK_WINDOW (vp_refund_dialog_new (self->context, self->account));
  g_signal_connect_object (dialog, "committed", G_CALLBACK (money_moved_cb), self,
                           G_CONNECT_SWAPPED);
  vp_counter_page_present (self, dialog);
}

static void
shift_opened_cb (VpCounterPage *self)
{
  /* The shift dialog is done and closing itself: the money dialog takes its place. */
  self->dialog = NULL;
  self->after_shift (self);
}

static gpointer
shift_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(VpShift) shift = vp_shift_get_current (call->db, call->session, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* "No shift" is an answer, not an error: hand back a word. */
  return g_strdup (shift != NULL ? "open" : "none");
}

static void
shift_checked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = vp_ui_run_finish (result, &error);

  if (state == NULL)
    {
      vp_counter_page_show_message (self, error->message, TRUE);
      return;
    }

  if (g_str_equal (state, "open"))
    self->after_shift (self);
  else
    {
      /* Money moves inside a shift: open one first, then go on. */
      GtkWindow *dialog = GTK_WINDOW (vp_shift_dialog_new (self->context));

      g_signal_connect_object (dialog, "opened", G_CALLBACK (shift_opened_cb), self,
                               G_CONNECT_SWAPPED);
      vp_counter_page_present (self, dialog);
    }
}

/* Runs @next once the operator has an open shift, opening one first when needed. */
static void
vp_counter_page_in_shift (VpCounterPage *self,
                          void         (*next) (VpCounterPage *self))
{
  VpUiCall *call;

  if (self->account == NULL)
    return;
  call = vp_ui_call_new (self->context, NULL);
  if (call == NULL)
    return;
  self->after_shift = next;
  vp_ui_run_async (self, NULL, shift_work, call, vp_ui_call_free, g_free,
                   shift_checked_cb, NULL);
}

static void
topup_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  vp_counter_page_in_shift (VP_COUNTER_PAGE (widget), vp_counter_page_open_topup);
}

static void
refund_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  vp_counter_page_in_shift (VP_COUNTER_PAGE (widget), vp_counter_page_open_refund);
}

static gpointer
reverse_work (gpointer   data,
              GError   **error)
{
  VpUiCall *call = data;
  VpLedgerEntry *entry = NULL;

  if (!vp_ledger_reverse (call->db, call->session, call->number, call->approver, &entry, error))
    return NULL;
  return entry;
}

static void vp_counter_page_reverse (VpCounterPage *self,
                                     gint64         approver);

static void
reverse_approved_cb (VpCounterPage *self,
                     gint64         approver)
{
  vp_counter_page_reverse (self, approver);
}

static void
reverse_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpLedgerEntry) entry = vp_ui_run_finish (result, &error);
  g_autofree char *amount = NULL;
  g_autofree char *summary = NULL;

  if (entry == NULL)
    {
      if (g_error_matches (error, VP_MODEL_ERROR, VP_MODEL_ERROR_APPROVAL_REQUIRED))
        {
          GtkWindow *dialog;

          dialog = GTK_WINDOW (vp_approval_dialog_new (self->context, VP_PERM_APPROVE,
                                                       _("Reversing a top-up needs a supervisor.")));
          g_signal_connect_object (dialog, "approved", G_CALLBACK (reverse_approved_cb), self,
                                   G_CONNECT_SWAPPED);
          vp_counter_page_present (self, dialog);
          return;
        }
      vp_counter_page_show_message (self, error->message, TRUE);
      return;
    }

  amount = vp_ui_format_money (-entry->amount);
  summary = g_strdup_printf (_("Top-up of %s reversed. Receipt %s."), amount,
                             entry->receipt != NULL ? entry->receipt : "—");
  money_moved_cb (self, summary, entry->receipt);
}

static void
vp_counter_page_reverse (VpCounterPage *self,
                         gint64         approver)
{
  VpUiCall *call;

  if (self->last_topup == NULL || self->last_topup->receipt == NULL)
    return;
  call = vp_ui_call_new (self->context, self->last_topup->receipt);
  if (call == NULL)
    return;
  call->approver = approver;
  vp_ui_run_async (self, NULL, reverse_work, call, vp_ui_call_free,
                   (GDestroyNotify) vp_ledger_entry_free, reverse_cb, NULL);
}

static void
reverse_confirmed_cb (VpCounterPage *self)
{
  vp_counter_page_reverse (self, 0);
}

static void
reverse_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  VpCounterPage *self = VP_COUNTER_PAGE (widget);
  g_autofree char *amount = NULL;
  g_autofree char *question = NULL;
  g_autofree char *detail = NULL;

  if (self->account == NULL || self->last_topup == NULL)
    return;

  amount = vp_ui_format_money (self->last_topup->amount);
  question = g_strdup_printf (_("Reverse the top-up of %s to %s?"), amount, self->account->name);
  detail = g_strdup_printf (_("Receipt %s. The money is taken off the balance and given back "
                              "to the customer."), self->last_topup->receipt);
  self->dialog = vp_ui_confirm (GTK_WIDGET (self), question, detail, _("_Reverse"),
                                G_CALLBACK (reverse_confirmed_cb), self);
  g_signal_connect_object (self->dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, 0);
}

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  VpCounterPage *self = VP_COUNTER_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpCounterPage *self = VP_COUNTER_PAGE (widget);

  /* Esc: the next customer. Clear the field; the card goes with the second Esc. */
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    {
      g_clear_pointer (&self->account, vp_account_free);
      g_clear_pointer (&self->last_topup, vp_ledger_entry_free);
      vp_customer_card_set_account (self->card, NULL, NULL);
      vp_counter_page_show_message (self, NULL, FALSE);
      vp_counter_page_update_actions (self);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
session_changed_cb (VpCounterPage *self)
{
  /* A new operator starts with a clean counter: nothing of the last customer shows. */
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  g_clear_pointer (&self->last_receipt, g_free);
  g_clear_pointer (&self->last_summary, g_free);
  g_clear_pointer (&self->account, vp_account_free);
  g_clear_pointer (&self->last_topup, vp_ledger_entry_free);
  vp_customer_card_set_account (self->card, NULL, NULL);
  vp_counter_page_show_message (self, NULL, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  vp_counter_page_update_actions (self);
}

/* Receipts ------------------------------------------------------------------ */

typedef struct
{
  char       *path;
  VpDocument *document;   /* for the printer; NULL when only the PDF is wanted */
  char       *receipt;
  guint       copy;
} Printed;

static void
printed_free (gpointer data)
{
  Printed *p = data;

  g_free (p->path);
  g_clear_pointer (&p->document, vp_document_free);
  g_free (p->receipt);
  g_free (p);
}

/* Receipt PDFs live beside the database, one file per receipt (the latest copy). */
static gpointer
print_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;
  g_autofree char *db_dir = g_path_get_dirname (vp_database_get_path (call->db));
  g_autofree char *dir = g_build_filename (db_dir, "receipts", NULL);
  g_autofree char *file = g_strdup_printf ("%s.pdf", call->number);
  g_autoptr(VpReceipt) receipt = NULL;
  Printed *p;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the receipt folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }

  p = g_new0 (Printed, 1);
  p->path = g_build_filename (dir, file, NULL);
  p->receipt = g_strdup (call->number);
  if (!vp_receipt_print_pdf (call->db, call->session, call->number, VP_RECEIPT_ROLL80, p->path,
                             &receipt, error))
    {
      printed_free (p);
      return NULL;
    }
  p->copy = receipt->reprint_count;
  /* The same layout for the paper as for the PDF; amount > 0 asks for the printer. */
  if (call->amount > 0)
    {
      p->document = vp_receipt_build (receipt, VP_RECEIPT_ROLL80, error);
      if (p->document == NULL)
        {
          printed_free (p);
          return NULL;
        }
    }
  return p;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              VpDocument        *document)
{
  vp_document_render_page (document, page, gtk_print_context_get_cairo_context (context));
}

static void
vp_counter_page_send_to_printer (VpCounterPage *self,
                                 Printed       *p)
{
  g_autoptr(GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = NULL;
  g_autoptr(GError) error = NULL;
  double width, height;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* A receipt roll: the paper is as long as the receipt, no margins (points). */
  vp_document_get_page_size (p->document, 0, &width, &height);
  paper = gtk_paper_size_new_custom ("vendpoint-roll", _("Receipt roll"), width, height,
                                     GTK_UNIT_POINTS);
  gtk_page_setup_set_paper_size (setup, paper);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_n_pages (operation, vp_document_get_n_pages (p->document));
  gtk_print_operation_set_job_name (operation, p->receipt);
  gtk_print_operation_set_allow_async (operation, TRUE);
  /* The document goes with the operation, which may outlive this call. */
  g_object_set_data_full (G_OBJECT (operation), "vp-document", g_steal_pointer (&p->document),
                          (GDestroyNotify) vp_document_free);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb),
                    g_object_get_data (G_OBJECT (operation), "vp-document"));

  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                               &error) == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autofree char *message = g_strdup_printf (_("The printer did not take the receipt: %s"),
                                                  error->message);
      vp_counter_page_show_message (self, message, TRUE);
    }
}

static void
print_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);
  g_autoptr(GError) error = NULL;
  Printed *p = vp_ui_run_finish (result, &error);
  g_autofree char *message = NULL;
  /* The payment's own message ("… reversed. Receipt …") stays in front of what the
   * printing says, whichever finishes first. */
  g_autofree char *summary = g_steal_pointer (&self->last_summary);

  if (p == NULL)
    {
      message = summary != NULL ? g_strconcat (summary, " ", error->message, NULL)
                                : g_strdup (error->message);
      vp_counter_page_show_message (self, message, TRUE);
      return;
    }

  g_free (self->printed_path);
  self->printed_path = g_strdup (p->path);
  if (p->copy == 0)
    message = g_strdup_printf (_("Receipt %s saved as %s."), p->receipt, p->path);
  else
    message = g_strdup_printf (_("Receipt %s reprinted (DUPLICATE, copy %u), saved as %s."),
                               p->receipt, p->copy, p->path);
  if (summary != NULL && g_strcmp0 (p->receipt, self->last_receipt) == 0)
    {
      char *both = g_strconcat (summary, " ", message, NULL);

      g_free (message);
      message = both;
    }
  vp_counter_page_show_message (self, message, FALSE);
  if (p->document != NULL)
    vp_counter_page_send_to_printer (self, p);
  printed_free (p);
}

static void
vp_counter_page_print (VpCounterPage *self,
                       const char    *receipt)
{
  VpUiCall *call = vp_ui_call_new (self->context, receipt);

  if (call == NULL)
    return;
  call->amount = vp_context_get_print_receipts (self->context);
  vp_ui_run_async (self, NULL, print_work, call, vp_ui_call_free, printed_free, print_cb, NULL);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VpCounterPage *self = VP_COUNTER_PAGE (widget);
  const char *receipt = self->last_receipt;

  /* The last payment made here; else the account's newest top-up (a reprint when it
   * was printed before: the model counts the copies and marks DUPLICATE). */
  if (receipt == NULL && self->last_topup != NULL)
    receipt = self->last_topup->receipt;
  if (receipt != NULL)
    vp_counter_page_print (self, receipt);
}

/* GObject -------------------------------------------------------------------- */

static void
vp_counter_page_constructed (GObject *object)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);

  G_OBJECT_CLASS (vp_counter_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "cycle-finished",
                           G_CALLBACK (cycle_finished_cb), self, G_CONNECT_SWAPPED);
  vp_counter_page_update_actions (self);
}

static void
vp_counter_page_dispose (GObject *object)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);

  g_cancellable_cancel (self->search_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_COUNTER_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_counter_page_parent_class)->dispose (object);
}

static void
vp_counter_page_finalize (GObject *object)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);

  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_pointer (&self->hits, g_ptr_array_unref);
  g_clear_pointer (&self->account, vp_account_free);
  g_clear_pointer (&self->last_topup, vp_ledger_entry_free);
  g_clear_pointer (&self->last_receipt, g_free);
  g_clear_pointer (&self->last_summary, g_free);
  g_clear_pointer (&self->printed_path, g_free);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_counter_page_parent_class)->finalize (object);
}

static void
vp_counter_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);

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
vp_counter_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VpCounterPage *self = VP_COUNTER_PAGE (object);

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
vp_counter_page_class_init (VpCounterPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_counter_page_constructed;
  object_class->dispose = vp_counter_page_dispose;
  object_class->finalize = vp_counter_page_finalize;
  object_class->set_property = vp_counter_page_set_property;
  object_class->get_property = vp_counter_page_get_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (VP_TYPE_CUSTOMER_CARD);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-counter-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpCounterPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, VpCounterPage, search_status);
  gtk_widget_class_bind_template_child (widget_class, VpCounterPage, result_list);
  gtk_widget_class_bind_template_child (widget_class, VpCounterPage, card);
  gtk_widget_class_bind_template_child (widget_class, VpCounterPage, message_label);

  gtk_widget_class_install_action (widget_class, "counter.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "counter.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "counter.topup", NULL, topup_action);
  gtk_widget_class_install_action (widget_class, "counter.refund", NULL, refund_action);
  gtk_widget_class_install_action (widget_class, "counter.reverse", NULL, reverse_action);
  gtk_widget_class_install_action (widget_class, "counter.print", NULL, print_action);
}

static void
vp_counter_page_init (VpCounterPage *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* "changed", not "search-changed": every keystroke searches, with no delay. */
  g_signal_connect_object (self->search_entry, "changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate",
                           G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->result_list, "row-activated",
                           G_CALLBACK (row_activated_cb), self, G_CONNECT_SWAPPED);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

GtkWidget *
vp_counter_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_COUNTER_PAGE, "context", context, NULL);
}

GtkEditable *
vp_counter_page_get_search (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

gboolean
vp_counter_page_get_busy (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), FALSE);

  return self->searching || self->loading;
}

guint
vp_counter_page_get_n_results (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), 0);

  return self->hits != NULL ? self->hits->len : 0;
}

const char *
vp_counter_page_get_result (VpCounterPage *self,
                            guint          index)
{
  const VpSearchHit *hit;

  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);
  g_return_val_if_fail (index < vp_counter_page_get_n_results (self), NULL);

  hit = g_ptr_array_index (self->hits, index);
  return hit->number;
}

const VpAccount *
vp_counter_page_get_account (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);

  return self->account;
}

GtkWidget *
vp_counter_page_get_card (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);

  return GTK_WIDGET (self->card);
}

GtkWindow *
vp_counter_page_get_dialog (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);

  return self->dialog;
}

const char *
vp_counter_page_get_message (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

const char *
vp_counter_page_get_printed_path (VpCounterPage *self)
{
  g_return_val_if_fail (VP_IS_COUNTER_PAGE (self), NULL);

  return self->printed_path;
}
