/* vp-batches-page.c: batch jobs over many accounts: list, new, run with progress, retry, cancel
 *
 * The model (vp-batch) does everything that counts: it picks the accounts, runs each
 * item in its own transaction, audits, retries only failed items and survives a
 * restart. The page collects the order, shows the batches and their items, and runs a
 * batch in a worker a chunk of items at a time (about a fortieth of it) so the progress
 * in the list moves while it runs, without re-reading a big batch's items after every
 * account; Stop takes effect after the account in hand. Every answer brings the list
 * back, so the list is fresh after each action.
 *
 * Scheduled batches: the station service runs the due ones (`vpctl service --jobs`).
 * When this application owns the engine, the page runs them too after each reading
 * cycle, as the operator logged in here, if that operator may run batches: the model
 * lets two runners share a batch without doing an item twice.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "vp-batches-page.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-room-status.h"
#include "vp-tariff-store.h"
#include "vp-ui.h"

struct _VpBatchesPage
{
  GtkWidget       parent_instance;

  VpContext      *context;
  GPtrArray      *batches;        /* VpBatch *, as listed last */
  VpBatch        *shown;          /* the selected batch with its items */
  gint64          selected_id;
  guint           serial;         /* answers for an earlier session are dropped */
  guint           seq;            /* the newest answer's list wins */
  guint           applied;
  guint           in_flight;      /* model calls not answered yet */
  gboolean        form_loading;
  gboolean        creating;
  gboolean        due_busy;
  gint64          running_id;     /* the batch Run now runs, 0 when none */
  guint           run_chunk;      /* items per worker call of that run */
  GCancellable   *run_cancellable;
  guint           poll_source;
  gboolean        filling;
  GPtrArray      *floor_buildings; /* char *, parallel to floor_levels: each floor */
  GArray         *floor_levels;    /* int */
  GtkWindow      *dialog;         /* weak */
  gint64          cancel_id;      /* the batch the open question is about */

  GtkSpinner     *spinner;
  GtkLabel       *schedule_label;
  GtkLabel       *message_label;
  GtkWidget      *form;
  GtkEntry       *name_entry;
  GtkDropDown    *action_dropdown;
  GtkWidget      *tariff_label;
  GtkDropDown    *tariff_dropdown;
  GtkWidget      *alarm1_label;
  GtkEntry       *alarm1_entry;
  GtkWidget      *alarm2_label;
  GtkEntry       *alarm2_entry;
  GtkWidget      *trip_label;
  GtkEntry       *trip_entry;
  GtkWidget      *amount_label;
  GtkEntry       *amount_entry;
  GtkWidget      *reason_label;
  GtkEntry       *reason_entry;
  GtkDropDown    *building_dropdown;
  GtkDropDown    *floor_dropdown;
  GtkDropDown    *tariff_filter_dropdown;
  GtkDropDown    *state_dropdown;
  GtkTextView    *accounts_view;
  GtkDropDown    *when_dropdown;
  GtkEntry       *date_entry;
  GtkEntry       *time_entry;
  GtkDropDown    *repeat_dropdown;
  GtkLabel       *form_error_label;
  GtkBox         *batch_header;
  GtkListBox     *batch_list;
  GtkLabel       *items_title;
  GtkColumnView  *item_view;
  GListStore     *items;          /* VpBatchItemRow *: the shown batch's accounts */
};

G_DEFINE_FINAL_TYPE (VpBatchesPage, vp_batches_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How often the list is read again while a batch runs elsewhere (the service). */
#define POLL_SECONDS 2

static void vp_batches_page_update (VpBatchesPage *self);

/* Words ---------------------------------------------------------------------- */

static const char *
state_label (const char *state)
{
  if (g_strcmp0 (state, "pending") == 0)
    return C_("batch", "Pending");
  if (g_strcmp0 (state, "running") == 0)
    return C_("batch", "Running");
  if (g_strcmp0 (state, "done") == 0)
    return C_("batch", "Done");
  if (g_strcmp0 (state, "failed") == 0)
    return C_("batch", "Failed");
  if (g_strcmp0 (state, "cancelled") == 0)
    return C_("batch", "Cancelled");
  return state != NULL ? state : "";
}

static const char *
repeat_label (VpBatchRepeat repeat)
{
  switch (repeat)
    {
    case VP_BATCH_REPEAT_DAILY:
      return _("Daily");
    case VP_BATCH_REPEAT_MONTHLY:
      return _("Monthly");
    case VP_BATCH_REPEAT_NONE:
    default:
      return _("Once");
    }
}

static gboolean
is_active (const char *state)
{
  return g_strcmp0 (state, "pending") == 0 || g_strcmp0 (state, "running") == 0;
}

static char *
progress_text (const VpBatch *batch)
{
  if (batch->failed > 0)
    /* TRANSLATORS: done / total accounts, then how many failed */
    return g_strdup_printf (_("%u/%u, %u failed"), batch->done, batch->total, batch->failed);
  return g_strdup_printf ("%u/%u", batch->done, batch->total);
}

static char *
when_text (gint64 run_at)
{
  g_autoptr(GDateTime) at = NULL;

  if (run_at == 0)
    return g_strdup (C_("batch", "now"));
  at = g_date_time_new_from_unix_local (run_at);
  return at != NULL ? g_date_time_format (at, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* Rows: one label per column, the header built the same way so the columns line up. */

typedef struct
{
  const char *title;
  int         width;      /* characters; -1 takes the rest */
} Column;

static GtkWidget *
cells_new (const Column *columns,
           guint         n_columns,
           gboolean      header)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  for (guint i = 0; i < n_columns; i++)
    {
      const char *title = g_dpgettext2 (GETTEXT_PACKAGE, "batch column", columns[i].title);
      GtkWidget *label = gtk_label_new (header ? title : NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      if (columns[i].width > 0)
        {
          gtk_label_set_width_chars (GTK_LABEL (label), columns[i].width);
          gtk_label_set_max_width_chars (GTK_LABEL (label), columns[i].width);
        }
      else
        gtk_widget_set_hexpand (label, TRUE);
      if (header)
        gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (box), label);
    }
  return box;
}

static void
cells_set (GtkWidget          *box,
           const char * const *texts)
{
  GtkWidget *label = gtk_widget_get_first_child (box);

  /* Rows are rewritten after every chunk of a run: only what changed is touched. */
  for (guint i = 0; label != NULL; i++, label = gtk_widget_get_next_sibling (label))
    if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), texts[i]) != 0)
      {
        gtk_label_set_text (GTK_LABEL (label), texts[i]);
        gtk_widget_set_tooltip_text (label, texts[i]);
      }
}

static char *
cells_dup_text (GtkWidget *box)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *label = gtk_widget_get_first_child (box); label != NULL;
       label = gtk_widget_get_next_sibling (label))
    g_string_append_printf (text, "%s%s", text->len > 0 ? " | " : "",
                            gtk_label_get_text (GTK_LABEL (label)));
  return g_string_free (text, FALSE);
}

static const Column batch_columns[] = {
  { NC_("batch column", "Name"), -1 },
  { NC_("batch column", "Action"), 20 },
  { NC_("batch column", "State"), 9 },
  { NC_("batch column", "Progress"), 14 },
  { NC_("batch column", "Runs at"), 16 },
  { NC_("batch column", "Repeat"), 8 },
  { NC_("batch column", "Created"), 16 },
};

static const Column item_columns[] = {
  { NC_("batch column", "Account"), 14 },
  { NC_("batch column", "State"), 9 },
  { NC_("batch column", "Attempts"), 8 },
  { NC_("batch column", "Result"), -1 },
};

static void
batch_row_set (GtkListBoxRow *row,
               const VpBatch *batch,
               guint          index)
{
  g_autofree char *progress = progress_text (batch);
  g_autofree char *when = when_text (batch->run_at);
  g_autofree char *created = vp_ui_format_time (batch->created_at);
  const char *texts[] = { batch->name, vp_batch_action_label (batch->action),
                          state_label (batch->state), progress, when,
                          repeat_label (batch->repeat), created };

  cells_set (gtk_list_box_row_get_child (row), texts);
  /* A gint64 does not fit a pointer everywhere: keep the index, look the id up. */
  g_object_set_data (G_OBJECT (row), "vp-batch-index", GUINT_TO_POINTER (index + 1));
}

/* One row per batch, reusing the rows already there. */
static void
batch_list_fill (GtkListBox *list,
                 GPtrArray  *batches)
{
  guint n = batches != NULL ? batches->len : 0;
  GtkListBoxRow *row;

  for (guint i = 0; i < n; i++)
    {
      row = gtk_list_box_get_row_at_index (list, i);
      if (row == NULL)
        {
          row = GTK_LIST_BOX_ROW (gtk_list_box_row_new ());
          gtk_list_box_row_set_child (row, cells_new (batch_columns,
                                                      G_N_ELEMENTS (batch_columns), FALSE));
          gtk_list_box_append (list, GTK_WIDGET (row));
        }
      batch_row_set (row, g_ptr_array_index (batches, i), i);
    }
  while ((row = gtk_list_box_get_row_at_index (list, n)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

/* A batch may hold thousands of accounts and is read again after every chunk of a
 * run: its items go into a GtkColumnView, which only binds the rows on screen. Each
 * row object carries the texts of its columns and says "changed" when a run changed
 * them, so the cells on screen take the new text without being made again. */
#define VP_TYPE_BATCH_ITEM_ROW (vp_batch_item_row_get_type ())
G_DECLARE_FINAL_TYPE (VpBatchItemRow, vp_batch_item_row, VP, BATCH_ITEM_ROW, GObject)

struct _VpBatchItemRow
{
  GObject  parent_instance;
  char    *texts[G_N_ELEMENTS (item_columns) + 1];   /* NULL-terminated */
};

G_DEFINE_FINAL_TYPE (VpBatchItemRow, vp_batch_item_row, G_TYPE_OBJECT)

static guint row_changed_signal;

static void
vp_batch_item_row_finalize (GObject *object)
{
  VpBatchItemRow *self = VP_BATCH_ITEM_ROW (object);

  for (guint i = 0; i < G_N_ELEMENTS (item_columns); i++)
    g_free (self->texts[i]);

  G_OBJECT_CLASS (vp_batch_item_row_parent_class)->finalize (object);
}

static void
vp_batch_item_row_class_init (VpBatchItemRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vp_batch_item_row_finalize;
  row_changed_signal = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
vp_batch_item_row_init (VpBatchItemRow *self)
{
}

static gpointer
item_row_new (const VpBatchItem *item)
{
  VpBatchItemRow *row = g_object_new (VP_TYPE_BATCH_ITEM_ROW, NULL);

  G_STATIC_ASSERT (G_N_ELEMENTS (row->texts) == 4 + 1);
  row->texts[0] = g_strdup (item->account);
  row->texts[1] = g_strdup (state_label (item->state));
  row->texts[2] = g_strdup_printf ("%d", item->attempts);
  row->texts[3] = g_strdup (item->result != NULL ? item->result : "");
  return row;
}

static void
item_cell_setup (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
item_cell_show (GtkListItem *list_item)
{
  VpBatchItemRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list_item), "vp-column"));

  gtk_label_set_text (GTK_LABEL (label), row->texts[column]);
  gtk_widget_set_tooltip_text (label, row->texts[column]);
}

static void
item_cell_bind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  data)
{
  g_object_set_data (G_OBJECT (list_item), "vp-column", data);
  item_cell_show (list_item);
  g_signal_connect_object (gtk_list_item_get_item (list_item), "changed",
                           G_CALLBACK (item_cell_show), list_item, G_CONNECT_SWAPPED);
}

static void
item_cell_unbind (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  data)
{
  g_signal_handlers_disconnect_by_data (gtk_list_item_get_item (list_item), list_item);
}

static void
item_view_init (VpBatchesPage *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;

  self->items = g_list_store_new (VP_TYPE_BATCH_ITEM_ROW);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->items))));
  gtk_column_view_set_model (self->item_view, selection);
  for (guint i = 0; i < G_N_ELEMENTS (item_columns); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (item_cell_setup), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (item_cell_bind), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "unbind", G_CALLBACK (item_cell_unbind), NULL);
      column = gtk_column_view_column_new (g_dpgettext2 (GETTEXT_PACKAGE, "batch column",
                                                         item_columns[i].title), factory);
      if (item_columns[i].width > 0)
        gtk_column_view_column_set_fixed_width (column, item_columns[i].width * 10);
      else
        gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_append_column (self->item_view, column);
    }
}

static gboolean
item_row_equal (VpBatchItemRow *a,
                VpBatchItemRow *b)
{
  for (guint i = 0; i < G_N_ELEMENTS (item_columns); i++)
    if (g_strcmp0 (a->texts[i], b->texts[i]) != 0)
      return FALSE;
  return TRUE;
}

/* A different number of accounts (another batch) replaces the rows; otherwise the
 * rows that changed are updated in place (a run changes a chunk at a time), so the
 * view keeps its row widgets and its scroll position. */
static void
vp_batches_page_show_items (VpBatchesPage *self)
{
  GPtrArray *items = self->shown != NULL ? self->shown->items : NULL;
  guint n = items != NULL ? items->len : 0;
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, item_row_new (g_ptr_array_index (items, i)));
  if (old != n)
    {
      g_list_store_splice (self->items, 0, old, rows->pdata, n);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VpBatchItemRow) shown = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      VpBatchItemRow *fresh = g_ptr_array_index (rows, i);

      if (item_row_equal (shown, fresh))
        continue;
      for (guint c = 0; c < G_N_ELEMENTS (item_columns); c++)
        {
          g_free (shown->texts[c]);
          shown->texts[c] = g_steal_pointer (&fresh->texts[c]);
        }
      g_signal_emit (shown, row_changed_signal, 0);
    }
}

static const VpBatch *
find_batch (VpBatchesPage *self,
            gint64         id)
{
  for (guint i = 0; self->batches != NULL && i < self->batches->len; i++)
    {
      const VpBatch *batch = g_ptr_array_index (self->batches, i);

      if (batch->id == id)
        return batch;
    }
  return NULL;
}

static const VpBatch *
selected_batch (VpBatchesPage *self)
{
  return self->selected_id != 0 ? find_batch (self, self->selected_id) : NULL;
}

static void
vp_batches_page_show_lists (VpBatchesPage *self)
{
  guint n = self->batches != NULL ? self->batches->len : 0;
  GtkListBoxRow *selected = NULL;

  self->filling = TRUE;
  batch_list_fill (self->batch_list, self->batches);
  for (guint i = 0; i < n; i++)
    if (((VpBatch *) g_ptr_array_index (self->batches, i))->id == self->selected_id)
      selected = gtk_list_box_get_row_at_index (self->batch_list, i);
  if (selected != NULL)
    gtk_list_box_select_row (self->batch_list, selected);
  else
    gtk_list_box_unselect_all (self->batch_list);
  self->filling = FALSE;

  if (self->shown != NULL)
    {
      g_autofree char *progress = progress_text (self->shown);
      /* TRANSLATORS: above a batch's accounts: its name, its state, "done/total" */
      g_autofree char *title = g_strdup_printf (_("%s: %s, %s"), self->shown->name,
                                                state_label (self->shown->state), progress);

      gtk_label_set_text (self->items_title, title);
    }
  else
    gtk_label_set_text (self->items_title, _("Select a batch to see its accounts."));
  vp_batches_page_show_items (self);
}

/* Talking to the model ------------------------------------------------------- */

typedef enum
{
  OP_REFRESH,
  OP_CREATE,
  OP_RUN,
  OP_RETRY,
  OP_CANCEL,
  OP_RUN_DUE,
} OpKind;

/* A new batch as typed, with the strings the spec and the selection point into. */
typedef struct
{
  VpBatchSpec       spec;
  VpBatchSelection  selection;
  char             *name;
  char             *tariff;
  char             *reason;
  char             *building;
  char             *tariff_filter;
  char             *state;
  GStrv             accounts;
} Order;

static void
order_free (gpointer data)
{
  Order *order = data;

  if (order == NULL)
    return;
  g_free (order->name);
  g_free (order->tariff);
  g_free (order->reason);
  g_free (order->building);
  g_free (order->tariff_filter);
  g_free (order->state);
  g_strfreev (order->accounts);
  g_free (order);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Order, order_free)

typedef struct
{
  OpKind        kind;
  gint64        id;             /* the batch acted on, and whose items come back */
  guint         chunk;          /* OP_RUN: items in this call */
  GCancellable *cancellable;    /* OP_RUN: Stop */
  Order        *order;          /* OP_CREATE */
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_object (&op->cancellable);
  order_free (op->order);
  g_free (op);
}

/* What comes back from every call: the list, and the batch shown with its items. */
typedef struct
{
  gint64     id;                /* OP_CREATE: the new batch */
  guint      count;             /* items run, items retried, batches run */
  GPtrArray *batches;
  VpBatch   *batch;             /* NULL when none is selected (or it is gone) */
} Answer;

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  if (answer == NULL)
    return;
  g_clear_pointer (&answer->batches, g_ptr_array_unref);
  g_clear_pointer (&answer->batch, vp_batch_free);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

/* Which call an answer belongs to (the worker's data is gone by then). */
typedef struct
{
  OpKind kind;
  guint  serial;
  guint  seq;
} Ticket;

static gpointer
batch_work (gpointer   data,
            GError   **error)
{
  VpUiCall *call = data;
  Op *op = call->spec;
  g_autoptr(Answer) answer = g_new0 (Answer, 1);
  g_autoptr(GError) local = NULL;
  gboolean ok = TRUE;

  answer->id = op->id;
  switch (op->kind)
    {
    case OP_CREATE:
      ok = vp_batch_create (call->db, call->session, &op->order->spec, &op->order->selection,
                            &answer->id, error);
      break;
    case OP_RUN:
      ok = vp_batch_run (call->db, call->session, op->id, op->chunk, op->cancellable,
                         &answer->count, error);
      break;
    case OP_RETRY:
      ok = vp_batch_retry (call->db, call->session, op->id, &answer->count, error);
      break;
    case OP_CANCEL:
      ok = vp_batch_cancel (call->db, call->session, op->id, error);
      break;
    case OP_RUN_DUE:
      ok = vp_batch_run_due (call->db, call->session, g_get_real_time () / G_USEC_PER_SEC,
                             &answer->count, error);
      break;
    case OP_REFRESH:
    default:
      break;
    }
  if (!ok || (answer->batches = vp_batch_list (call->db, call->session, error)) == NULL)
    return NULL;
  if (answer->id != 0)
    {
      answer->batch = vp_batch_get (call->db, call->session, answer->id, &local);
      /* Selected a moment ago, gone now: nothing to show, nothing wrong. */
      if (answer->batch == NULL &&
          !g_error_matches (local, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
    }
  return g_steal_pointer (&answer);
}

static void batch_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data);

/* Starts @kind on batch @id in a worker; @order (taken) for OP_CREATE. FALSE when
 * nobody is logged in. */
static gboolean
start_op (VpBatchesPage *self,
          OpKind         kind,
          gint64         id,
          Order         *order)
{
  VpUiCall *call = vp_ui_call_new (self->context, NULL);
  Ticket *ticket;
  Op *op;

  if (call == NULL)
    {
      order_free (order);
      return FALSE;
    }
  op = g_new0 (Op, 1);
  op->kind = kind;
  op->id = id;
  op->order = order;
  if (kind == OP_RUN)
    {
      op->chunk = self->run_chunk;
      op->cancellable = g_object_ref (self->run_cancellable);
    }
  call->spec = op;
  call->spec_free = op_free;

  ticket = g_new0 (Ticket, 1);
  ticket->kind = kind;
  ticket->serial = self->serial;
  ticket->seq = ++self->seq;
  self->in_flight++;
  /* No cancellable on the task: a stopped run still brings back the list. */
  vp_ui_run_async (self, NULL, batch_work, call, vp_ui_call_free, answer_free, batch_cb, ticket);
  vp_batches_page_update (self);
  return TRUE;
}

static void
vp_batches_page_refresh (VpBatchesPage *self)
{
  if (vp_context_can (self->context, VP_PERM_BATCH))
    start_op (self, OP_REFRESH, self->selected_id, NULL);
}

static gboolean
poll_cb (gpointer data)
{
  VpBatchesPage *self = data;

  self->poll_source = 0;
  if (self->in_flight == 0)
    vp_batches_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* While a batch runs somewhere else (the service, another counter) its progress is
 * read again every few seconds, as long as the page is on screen. */
static void
vp_batches_page_schedule_poll (VpBatchesPage *self)
{
  gboolean running = FALSE;

  for (guint i = 0; self->batches != NULL && i < self->batches->len; i++)
    running |= g_strcmp0 (((VpBatch *) g_ptr_array_index (self->batches, i))->state,
                          "running") == 0;
  if (running && self->running_id == 0 && self->poll_source == 0 &&
      gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->poll_source = g_timeout_add_seconds (POLL_SECONDS, poll_cb, self);
}

static void
vp_batches_page_apply (VpBatchesPage *self,
                       Answer        *answer,
                       guint          seq)
{
  /* An older call's list must not replace a newer one's. */
  if (seq < self->applied)
    return;
  self->applied = seq;
  g_clear_pointer (&self->batches, g_ptr_array_unref);
  self->batches = g_steal_pointer (&answer->batches);
  if (answer->batch != NULL && answer->batch->id == self->selected_id)
    {
      g_clear_pointer (&self->shown, vp_batch_free);
      self->shown = g_steal_pointer (&answer->batch);
    }
  if (self->selected_id != 0 && find_batch (self, self->selected_id) == NULL)
    self->selected_id = 0;
  if (self->shown != NULL && self->shown->id != self->selected_id)
    g_clear_pointer (&self->shown, vp_batch_free);
  vp_batches_page_show_lists (self);
  vp_batches_page_schedule_poll (self);
}

static void vp_batches_page_clear_form (VpBatchesPage *self);

static void
run_answered (VpBatchesPage *self,
              Answer        *answer,
              GError        *error)
{
  /* The list is the newest word on the batch (the answer's own went into it). */
  const VpBatch *batch = find_batch (self, self->running_id);
  gboolean stopped = g_cancellable_is_cancelled (self->run_cancellable);
  g_autofree char *message = NULL;

  if (answer != NULL && batch != NULL && answer->count > 0 && is_active (batch->state) &&
      !stopped &&
      start_op (self, OP_RUN, self->running_id, NULL))
    return;

  self->running_id = 0;
  g_clear_object (&self->run_cancellable);
  if (error != NULL)
    {
      vp_ui_show_error (self->message_label, error->message);
      return;
    }
  if (batch == NULL)
    return;
  if (stopped && is_active (batch->state))
    message = g_strdup_printf (_("Stopped: %u of %u accounts done. Run now goes on with the "
                                 "rest."), batch->done + batch->failed, batch->total);
  else if (g_strcmp0 (batch->state, "cancelled") == 0)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Batch “%s” was cancelled: %u account done, "
                                            "the rest not.",
                                            "Batch “%s” was cancelled: %u accounts done, "
                                            "the rest not.", batch->done),
                               batch->name, batch->done);
  else
    message = g_strdup_printf (_("Batch “%s” finished: %u done, %u failed."), batch->name,
                               batch->done, batch->failed);
  vp_ui_show_message (self->message_label, message, batch->failed > 0);
}

static void
batch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);
  g_autofree Ticket *ticket = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Answer) answer = vp_ui_run_finish (result, &error);
  g_autofree char *message = NULL;

  /* The operator changed meanwhile (or the page is gone): the answer is nobody's. */
  if (ticket->serial != self->serial || self->batch_list == NULL)
    return;
  self->in_flight--;
  /* The new batch is the one to show, with its accounts. */
  if (ticket->kind == OP_CREATE && answer != NULL)
    self->selected_id = answer->id;
  if (answer != NULL)
    vp_batches_page_apply (self, answer, ticket->seq);

  switch (ticket->kind)
    {
    case OP_CREATE:
      self->creating = FALSE;
      if (answer == NULL)
        vp_ui_show_error (self->form_error_label, error->message);
      else
        {
          const VpBatch *batch = find_batch (self, answer->id);
          guint total = batch != NULL ? batch->total : 0;

          vp_batches_page_clear_form (self);
          gtk_widget_set_visible (self->form, FALSE);

          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "Batch “%s” created for %u account.",
                                                  "Batch “%s” created for %u accounts.",
                                                  total),
                                     batch != NULL ? batch->name : "", total);
          vp_ui_show_message (self->message_label, message, FALSE);
        }
      break;
    case OP_RUN:
      run_answered (self, answer, error);
      break;
    case OP_RETRY:
      if (answer != NULL)
        message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u failed account is waiting again: "
                                                "Run now runs it.",
                                                "%u failed accounts are waiting again: "
                                                "Run now runs them.", answer->count),
                                   answer->count);
      vp_ui_show_message (self->message_label, answer != NULL ? message : error->message,
                          answer == NULL);
      break;
    case OP_CANCEL:
      vp_ui_show_message (self->message_label,
                          answer != NULL ? _("Batch cancelled: the accounts already done "
                                             "stay done, no others will be.")
                                         : error->message, answer == NULL);
      break;
    case OP_RUN_DUE:
      self->due_busy = FALSE;
      if (answer != NULL && answer->count > 0)
        {
          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "%u scheduled batch was run.",
                                                  "%u scheduled batches were run.",
                                                  answer->count), answer->count);
          vp_ui_show_message (self->message_label, message, FALSE);
        }
      else if (answer == NULL)
        {
          message = g_strdup_printf (_("Scheduled batches did not run: %s"), error->message);
          vp_ui_show_error (self->message_label, message);
        }
      break;
    case OP_REFRESH:
    default:
      if (answer == NULL)
        vp_ui_show_error (self->message_label, error->message);
      break;
    }
  vp_batches_page_update (self);
}

/* Actions on the selected batch ---------------------------------------------- */

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);
  const VpBatch *batch = selected_batch (self);

  if (batch == NULL || self->running_id != 0 || !is_active (batch->state))
    return;
  vp_ui_show_message (self->message_label, NULL, FALSE);
  self->running_id = batch->id;
  self->run_chunk = CLAMP (batch->total / 40, VP_BATCHES_PAGE_CHUNK, VP_BATCHES_PAGE_CHUNK_MAX);
  self->run_cancellable = g_cancellable_new ();
  if (!start_op (self, OP_RUN, batch->id, NULL))
    {
      self->running_id = 0;
      g_clear_object (&self->run_cancellable);
    }
  vp_batches_page_update (self);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  vp_batches_page_update (self);
}

static void
retry_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);
  const VpBatch *batch = selected_batch (self);

  if (batch != NULL)
    start_op (self, OP_RETRY, batch->id, NULL);
}

static void
cancel_accepted (gpointer data)
{
  VpBatchesPage *self = data;

  if (self->batch_list != NULL)
    start_op (self, OP_CANCEL, self->cancel_id, NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);
  const VpBatch *batch = selected_batch (self);
  g_autofree char *question = NULL;
  g_autofree char *detail = NULL;

  if (batch == NULL || self->dialog != NULL)
    return;
  question = g_strdup_printf (_("Cancel batch “%s”?"), batch->name);
  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u account has not been done yet and will not be. "
                                         "Accounts already done stay done.",
                                         "%u accounts have not been done yet and will not be. "
                                         "Accounts already done stay done.", batch->pending),
                            batch->pending);
  self->dialog = vp_ui_confirm (widget, question, detail, _("Cancel _batch"),
                                G_CALLBACK (cancel_accepted), self);
  self->cancel_id = batch->id;
  g_object_add_weak_pointer (G_OBJECT (self->dialog), (gpointer *) &self->dialog);
}

static void
selection_changed_cb (VpBatchesPage *self)
{
  GtkListBoxRow *row;
  guint index;

  if (self->filling || self->batch_list == NULL)
    return;
  row = gtk_list_box_get_selected_row (self->batch_list);
  index = row != NULL ? GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "vp-batch-index"))
                      : 0;
  if (index == 0 || self->batches == NULL || index > self->batches->len)
    return;
  self->selected_id = ((VpBatch *) g_ptr_array_index (self->batches, index - 1))->id;
  if (self->shown == NULL || self->shown->id != self->selected_id)
    {
      g_clear_pointer (&self->shown, vp_batch_free);
      vp_batches_page_show_lists (self);
      vp_batches_page_refresh (self);
    }
  vp_batches_page_update (self);
}

/* The New batch form --------------------------------------------------------- */

/* Dropdowns carry the model's value of each entry beside what the operator reads;
 * "" is "any". */
static void
dropdown_fill (GtkDropDown *dropdown,
               GPtrArray   *labels,
               GPtrArray   *values)
{
  g_autoptr(GtkStringList) list = NULL;
  g_autofree char *keep = NULL;
  GStrv old = g_object_get_data (G_OBJECT (dropdown), "vp-values");
  guint selected = gtk_drop_down_get_selected (dropdown);
  guint choose = 0;

  if (old != NULL && selected < g_strv_length (old))
    keep = g_strdup (old[selected]);
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (values, NULL);
  list = gtk_string_list_new ((const char * const *) labels->pdata);
  for (guint i = 0; keep != NULL && values->pdata[i] != NULL; i++)
    if (g_str_equal (values->pdata[i], keep))
      choose = i;
  g_object_set_data_full (G_OBJECT (dropdown), "vp-values",
                          g_strdupv ((char **) values->pdata), (GDestroyNotify) g_strfreev);
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (dropdown, choose);
}

/* The chosen value; NULL for "any" or nothing. */
static const char *
dropdown_value (GtkDropDown *dropdown)
{
  GStrv values = g_object_get_data (G_OBJECT (dropdown), "vp-values");
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (values == NULL || selected >= g_strv_length (values) || values[selected][0] == '\0')
    return NULL;
  return values[selected];
}

static gboolean
dropdown_choose (GtkDropDown *dropdown,
                 const char  *value)
{
  GStrv values = g_object_get_data (G_OBJECT (dropdown), "vp-values");

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (g_str_equal (values[i], value))
      {
        gtk_drop_down_set_selected (dropdown, i);
        return TRUE;
      }
  return FALSE;
}

static GPtrArray *
strings_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

static VpBatchAction
chosen_action (VpBatchesPage *self)
{
  VpBatchAction action = VP_BATCH_TARIFF;
  const char *value = dropdown_value (self->action_dropdown);

  if (value != NULL)
    vp_batch_action_from_string (value, &action);
  return action;
}

static void
form_sync (VpBatchesPage *self)
{
  VpBatchAction action;
  gboolean alarms, at;

  if (self->action_dropdown == NULL)
    return;
  action = chosen_action (self);
  alarms = action == VP_BATCH_ALARMS;
  gtk_widget_set_visible (self->tariff_label, action == VP_BATCH_TARIFF);
  gtk_widget_set_visible (GTK_WIDGET (self->tariff_dropdown), action == VP_BATCH_TARIFF);
  gtk_widget_set_visible (self->alarm1_label, alarms);
  gtk_widget_set_visible (GTK_WIDGET (self->alarm1_entry), alarms);
  gtk_widget_set_visible (self->alarm2_label, alarms);
  gtk_widget_set_visible (GTK_WIDGET (self->alarm2_entry), alarms);
  gtk_widget_set_visible (self->trip_label, alarms);
  gtk_widget_set_visible (GTK_WIDGET (self->trip_entry), alarms);
  gtk_widget_set_visible (self->amount_label, action == VP_BATCH_SUBSIDY);
  gtk_widget_set_visible (GTK_WIDGET (self->amount_entry), action == VP_BATCH_SUBSIDY);
  /* Every action but the two account settings is kept with a reason. */
  gtk_widget_set_visible (self->reason_label, action != VP_BATCH_TARIFF && !alarms);
  gtk_widget_set_visible (GTK_WIDGET (self->reason_entry), action != VP_BATCH_TARIFF && !alarms);
  at = g_strcmp0 (dropdown_value (self->when_dropdown), "at") == 0;
  gtk_widget_set_sensitive (GTK_WIDGET (self->date_entry), at);
  gtk_widget_set_sensitive (GTK_WIDGET (self->time_entry), at);
}

static int
compare_levels (gconstpointer a,
                gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

static void
fill_floors (VpBatchesPage *self)
{
  g_autoptr(GPtrArray) labels = strings_new ();
  g_autoptr(GPtrArray) values = strings_new ();
  g_autoptr(GArray) levels = g_array_new (FALSE, FALSE, sizeof (int));
  const char *building = dropdown_value (self->building_dropdown);

  for (guint i = 0; self->floor_levels != NULL && i < self->floor_levels->len; i++)
    {
      int level = g_array_index (self->floor_levels, int, i);
      gboolean seen = FALSE;

      if (building != NULL && g_strcmp0 (g_ptr_array_index (self->floor_buildings, i),
                                         building) != 0)
        continue;
      for (guint j = 0; j < levels->len; j++)
        seen |= g_array_index (levels, int, j) == level;
      if (!seen)
        g_array_append_val (levels, level);
    }
  g_array_sort (levels, compare_levels);
  g_ptr_array_add (labels, g_strdup (_("Any floor")));
  g_ptr_array_add (values, g_strdup (""));
  for (guint j = 0; j < levels->len; j++)
    {
      g_ptr_array_add (labels, g_strdup_printf (_("Floor %d"), g_array_index (levels, int, j)));
      g_ptr_array_add (values, g_strdup_printf ("%d", g_array_index (levels, int, j)));
    }
  dropdown_fill (self->floor_dropdown, labels, values);
}

static void
building_changed_cb (VpBatchesPage *self)
{
  if (!self->filling)
    fill_floors (self);
}

/* The form's choices: tariffs, the buildings and floors there are, default alarms. */
typedef struct
{
  GPtrArray     *tariffs;       /* char * */
  GPtrArray     *buildings;     /* char *, one per floor, parallel to levels */
  GArray        *levels;        /* int */
  VpAccountSpec  defaults;
} Choices;

static void
choices_free (gpointer data)
{
  Choices *choices = data;

  if (choices == NULL)
    return;
  g_clear_pointer (&choices->tariffs, g_ptr_array_unref);
  g_clear_pointer (&choices->buildings, g_ptr_array_unref);
  g_clear_pointer (&choices->levels, g_array_unref);
  g_free (choices);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Choices, choices_free)

static gpointer
choices_work (gpointer   data,
              GError   **error)
{
  VpUiCall *call = data;
  g_autoptr(GPtrArray) tariffs = vp_tariff_store_list (call->db, error);
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(Choices) choices = NULL;

  if (tariffs == NULL ||
      (rooms = vp_room_status_list (call->db, call->session, NULL, error)) == NULL)
    return NULL;
  choices = g_new0 (Choices, 1);
  choices->tariffs = strings_new ();
  for (guint i = 0; i < tariffs->len; i++)
    g_ptr_array_add (choices->tariffs,
                     g_strdup (vp_tariff_get_name (g_ptr_array_index (tariffs, i))));
  /* Rooms come by building and floor: one entry per floor. */
  choices->buildings = strings_new ();
  choices->levels = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; i < rooms->len; i++)
    {
      const VpRoomStatus *room = g_ptr_array_index (rooms, i);
      guint n = choices->levels->len;

      if (n > 0 && g_array_index (choices->levels, int, n - 1) == room->level &&
          g_strcmp0 (g_ptr_array_index (choices->buildings, n - 1), room->building) == 0)
        continue;
      g_ptr_array_add (choices->buildings, g_strdup (room->building));
      g_array_append_val (choices->levels, room->level);
    }
  vp_account_spec_init_defaults (call->db, &choices->defaults);
  return g_steal_pointer (&choices);
}

static void
set_money (GtkEntry *entry,
           gint64    fen)
{
  g_autofree char *text = vp_money_format (fen);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
choices_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(Choices) choices = vp_ui_run_finish (result, &error);
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) values = NULL;

  if (GPOINTER_TO_UINT (user_data) != self->serial || self->batch_list == NULL)
    return;
  self->form_loading = FALSE;
  if (choices == NULL)
    {
      vp_ui_show_error (self->form_error_label, error->message);
      vp_batches_page_update (self);
      return;
    }

  labels = strings_new ();
  values = strings_new ();
  for (guint i = 0; i < choices->tariffs->len; i++)
    {
      g_ptr_array_add (labels, g_strdup (g_ptr_array_index (choices->tariffs, i)));
      g_ptr_array_add (values, g_strdup (g_ptr_array_index (choices->tariffs, i)));
    }
  dropdown_fill (self->tariff_dropdown, labels, values);
  g_ptr_array_set_size (labels, 0);
  g_ptr_array_set_size (values, 0);
  g_ptr_array_add (labels, g_strdup (_("Any tariff")));
  g_ptr_array_add (values, g_strdup (""));
  for (guint i = 0; i < choices->tariffs->len; i++)
    {
      g_ptr_array_add (labels, g_strdup (g_ptr_array_index (choices->tariffs, i)));
      g_ptr_array_add (values, g_strdup (g_ptr_array_index (choices->tariffs, i)));
    }
  dropdown_fill (self->tariff_filter_dropdown, labels, values);

  g_ptr_array_set_size (labels, 0);
  g_ptr_array_set_size (values, 0);
  g_ptr_array_add (labels, g_strdup (_("All buildings")));
  g_ptr_array_add (values, g_strdup (""));
  for (guint i = 0; i < choices->buildings->len; i++)
    {
      const char *building = g_ptr_array_index (choices->buildings, i);

      if (i > 0 && g_str_equal (building, g_ptr_array_index (choices->buildings, i - 1)))
        continue;
      g_ptr_array_add (labels, g_strdup_printf (_("Building %s"), building));
      g_ptr_array_add (values, g_strdup (building));
    }
  self->filling = TRUE;
  dropdown_fill (self->building_dropdown, labels, values);
  self->filling = FALSE;
  g_clear_pointer (&self->floor_buildings, g_ptr_array_unref);
  g_clear_pointer (&self->floor_levels, g_array_unref);
  self->floor_buildings = g_steal_pointer (&choices->buildings);
  self->floor_levels = g_steal_pointer (&choices->levels);
  fill_floors (self);

  /* The counter's defaults, unless the operator typed something already. */
  if (gtk_entry_get_text_length (self->alarm1_entry) == 0)
    set_money (self->alarm1_entry, choices->defaults.alarm1);
  if (gtk_entry_get_text_length (self->alarm2_entry) == 0)
    set_money (self->alarm2_entry, choices->defaults.alarm2);
  if (gtk_entry_get_text_length (self->trip_entry) == 0)
    set_money (self->trip_entry, choices->defaults.trip);
  vp_batches_page_update (self);
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);
  VpUiCall *call = vp_ui_call_new (self->context, NULL);

  gtk_widget_set_visible (self->form, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_entry));
  if (call == NULL)
    return;
  /* The choices are read each time: tariffs and rooms may have been added since. */
  self->form_loading = TRUE;
  vp_ui_run_async (self, NULL, choices_work, call, vp_ui_call_free, choices_free, choices_cb,
                   GUINT_TO_POINTER (self->serial));
  vp_batches_page_update (self);
}

static void
close_form_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);

  gtk_widget_set_visible (self->form, FALSE);
}

/* Money typed in @entry (empty is 0, the model then says what is missing). */
static gboolean
parse_money (GtkEntry    *entry,
             const char  *what,
             gint64      *out_fen,
             GError     **error)
{
  g_autofree char *text = vp_ui_entry_text (entry);
  g_autoptr(GError) local = NULL;

  *out_fen = 0;
  if (text == NULL ||
      vp_money_parse (text, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, out_fen, &local))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", what, local->message);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  return FALSE;
}

/* The local date and time typed for a scheduled batch, as Unix seconds. */
static gboolean
parse_when (VpBatchesPage  *self,
            gint64         *out_time,
            GError        **error)
{
  g_autofree char *date = vp_ui_entry_text (self->date_entry);
  g_autofree char *time = vp_ui_entry_text (self->time_entry);
  g_autoptr(GDateTime) at = NULL;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0;
  char end = 0;

  if (date == NULL || strlen (date) != 10 ||
      sscanf (date, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      !g_date_valid_dmy (day, month, year))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The date “%s” is not a date like 2026-11-25 (year-month-day)."),
                   date != NULL ? date : "");
      gtk_widget_grab_focus (GTK_WIDGET (self->date_entry));
      return FALSE;
    }
  if (time == NULL || sscanf (time, "%2u:%2u%c", &hour, &minute, &end) != 2 ||
      hour > 23 || minute > 59)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The time “%s” is not a time like 08:30 (hours:minutes)."),
                   time != NULL ? time : "");
      gtk_widget_grab_focus (GTK_WIDGET (self->time_entry));
      return FALSE;
    }
  at = g_date_time_new_local (year, month, day, hour, minute, 0);
  *out_time = g_date_time_to_unix (at);
  return TRUE;
}

/* Account numbers pasted from anywhere: lines, commas (also Chinese ones), spaces. */
static GStrv
parse_accounts (VpBatchesPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->accounts_view);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;
  GtkTextIter start, end;
  guint n = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  parts = g_regex_split_simple ("[\\s,;，；、]+", text, 0, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      {
        g_strv_builder_add (builder, parts[i]);
        n++;
      }
  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/* The order as typed; NULL with @error for what the page itself can tell is wrong
 * (money and dates that do not read). The model checks the rest. */
static Order *
read_order (VpBatchesPage  *self,
            GError        **error)
{
  g_autoptr(Order) order = g_new0 (Order, 1);
  const char *floor = dropdown_value (self->floor_dropdown);
  const char *repeat = dropdown_value (self->repeat_dropdown);
  VpBatchSpec *spec = &order->spec;

  spec->name = order->name = vp_ui_entry_text (self->name_entry);
  spec->action = chosen_action (self);
  if (spec->action == VP_BATCH_TARIFF)
    spec->tariff = order->tariff = g_strdup (dropdown_value (self->tariff_dropdown));
  else if (spec->action == VP_BATCH_ALARMS)
    {
      if (!parse_money (self->alarm1_entry, _("Alarm 1"), &spec->alarm1, error) ||
          !parse_money (self->alarm2_entry, _("Alarm 2"), &spec->alarm2, error) ||
          !parse_money (self->trip_entry, _("Trip at"), &spec->trip, error))
        return NULL;
    }
  else
    {
      spec->reason = order->reason = vp_ui_entry_text (self->reason_entry);
      if (spec->action == VP_BATCH_SUBSIDY &&
          !parse_money (self->amount_entry, _("Amount"), &spec->amount, error))
        return NULL;
    }
  if (repeat != NULL)
    vp_batch_repeat_from_string (repeat, &spec->repeat);
  if (g_strcmp0 (dropdown_value (self->when_dropdown), "at") == 0)
    {
      if (!parse_when (self, &spec->run_at, error))
        return NULL;
    }
  else if (spec->repeat != VP_BATCH_REPEAT_NONE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A repeating batch needs the date and time of its first run."));
      return NULL;
    }

  order->accounts = parse_accounts (self);
  if (order->accounts != NULL)
    order->selection.accounts = (const char * const *) order->accounts;
  else
    {
      order->selection.building = order->building =
        g_strdup (dropdown_value (self->building_dropdown));
      order->selection.floor = floor != NULL ? atoi (floor) : 0;
      order->selection.tariff = order->tariff_filter =
        g_strdup (dropdown_value (self->tariff_filter_dropdown));
      order->selection.state = order->state = g_strdup (dropdown_value (self->state_dropdown));
    }
  return g_steal_pointer (&order);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);
  g_autoptr(GError) error = NULL;
  Order *order;

  if (self->creating)
    return;
  /* Whatever is wrong is said here and nothing typed is lost. */
  order = read_order (self, &error);
  if (order == NULL)
    {
      vp_ui_show_error (self->form_error_label, error->message);
      return;
    }
  vp_ui_show_message (self->form_error_label, NULL, FALSE);
  self->creating = start_op (self, OP_CREATE, 0, order);
  vp_batches_page_update (self);
}

static void
entry_activate_cb (VpBatchesPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "batches.create", NULL);
}

static void
vp_batches_page_clear_form (VpBatchesPage *self)
{
  GtkEntry *entries[] = { self->name_entry, self->reason_entry, self->amount_entry,
                          self->alarm1_entry, self->alarm2_entry, self->trip_entry };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    gtk_editable_set_text (GTK_EDITABLE (entries[i]), "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->accounts_view), "", -1);
  vp_ui_show_message (self->form_error_label, NULL, FALSE);
}

static void
fill_fixed_choices (VpBatchesPage *self)
{
  g_autoptr(GPtrArray) labels = strings_new ();
  g_autoptr(GPtrArray) values = strings_new ();

  /* Every action the model has, so a new one shows up here by itself. */
  for (int a = 0; a < VP_BATCH_N_ACTIONS; a++)
    {
      g_ptr_array_add (labels, g_strdup (vp_batch_action_label (a)));
      g_ptr_array_add (values, g_strdup (vp_batch_action_to_string (a)));
    }
  dropdown_fill (self->action_dropdown, labels, values);

  g_ptr_array_set_size (labels, 0);
  g_ptr_array_set_size (values, 0);
  for (int r = VP_BATCH_REPEAT_NONE; r <= VP_BATCH_REPEAT_MONTHLY; r++)
    {
      g_ptr_array_add (labels, g_strdup (repeat_label (r)));
      g_ptr_array_add (values, g_strdup (vp_batch_repeat_to_string (r)));
    }
  dropdown_fill (self->repeat_dropdown, labels, values);

  g_ptr_array_set_size (labels, 0);
  g_ptr_array_set_size (values, 0);
  g_ptr_array_add (labels, g_strdup (_("Any state")));
  g_ptr_array_add (values, g_strdup (""));
  g_ptr_array_add (labels, g_strdup (vp_ui_account_status_label (VP_ACCOUNT_STATUS_OPEN)));
  g_ptr_array_add (values, g_strdup ("open"));
  g_ptr_array_add (labels, g_strdup (vp_ui_account_status_label (VP_ACCOUNT_STATUS_SUSPENDED)));
  g_ptr_array_add (values, g_strdup ("suspended"));
  g_ptr_array_add (labels, g_strdup (_("Tripped")));
  g_ptr_array_add (values, g_strdup ("tripped"));
  dropdown_fill (self->state_dropdown, labels, values);

  g_ptr_array_set_size (labels, 0);
  g_ptr_array_set_size (values, 0);
  g_ptr_array_add (labels, g_strdup (_("When I press Run now")));
  g_ptr_array_add (values, g_strdup ("now"));
  g_ptr_array_add (labels, g_strdup (_("At a date and time")));
  g_ptr_array_add (values, g_strdup ("at"));
  dropdown_fill (self->when_dropdown, labels, values);
}

/* State ---------------------------------------------------------------------- */

static void
vp_batches_page_update (VpBatchesPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const VpBatch *batch = selected_batch (self);
  gboolean running = self->running_id != 0;

  if (self->batch_list == NULL)
    return;
  gtk_spinner_set_spinning (self->spinner, self->in_flight > 0 || self->form_loading);
  gtk_widget_action_set_enabled (widget, "batches.run",
                                 batch != NULL && !running && is_active (batch->state));
  gtk_widget_action_set_enabled (widget, "batches.stop",
                                 running && !g_cancellable_is_cancelled (self->run_cancellable));
  gtk_widget_action_set_enabled (widget, "batches.retry",
                                 batch != NULL && batch->failed > 0 &&
                                 g_strcmp0 (batch->state, "cancelled") != 0 &&
                                 batch->id != self->running_id);
  gtk_widget_action_set_enabled (widget, "batches.cancel",
                                 batch != NULL && is_active (batch->state));
  gtk_widget_action_set_enabled (widget, "batches.create", !self->creating);
  gtk_label_set_text (self->schedule_label,
                      vp_context_has_engine (self->context)
                      ? _("Scheduled batches run when they are due: here after each reading "
                          "cycle while someone who may run batches is logged in, and in the "
                          "station service (vpctl service --jobs).")
                      : _("Scheduled batches are run by the station service (vpctl service "
                          "--jobs) when they are due."));
}

static void
cycle_finished_cb (VpBatchesPage *self)
{
  /* Runs as the operator logged in here; nobody who may run batches, nothing runs. */
  if (self->batch_list == NULL || self->due_busy || !vp_context_can (self->context, VP_PERM_BATCH))
    return;
  self->due_busy = start_op (self, OP_RUN_DUE, self->selected_id, NULL);
}

static void
session_changed_cb (VpBatchesPage *self)
{
  /* The next operator starts from a fresh page: nothing typed or shown is kept. */
  if (self->batch_list == NULL)
    return;
  self->serial++;
  self->in_flight = 0;
  self->form_loading = FALSE;
  self->creating = FALSE;
  self->due_busy = FALSE;
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  self->running_id = 0;
  self->selected_id = 0;
  g_clear_pointer (&self->batches, g_ptr_array_unref);
  g_clear_pointer (&self->shown, vp_batch_free);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  vp_batches_page_clear_form (self);
  gtk_widget_set_visible (self->form, FALSE);
  vp_ui_show_message (self->message_label, NULL, FALSE);
  vp_batches_page_show_lists (self);
  vp_batches_page_refresh (self);
  vp_batches_page_update (self);
}

/* Object --------------------------------------------------------------------- */

static void
vp_batches_page_map (GtkWidget *widget)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);

  GTK_WIDGET_CLASS (vp_batches_page_parent_class)->map (widget);
  /* Shown again: what the service or another counter did meanwhile. */
  if (self->in_flight == 0)
    vp_batches_page_refresh (self);
}

static void
vp_batches_page_unmap (GtkWidget *widget)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (widget);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  GTK_WIDGET_CLASS (vp_batches_page_parent_class)->unmap (widget);
}

static void
vp_batches_page_constructed (GObject *object)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);

  G_OBJECT_CLASS (vp_batches_page_parent_class)->constructed (object);

  g_assert (self->context != NULL);
  g_signal_connect_object (self->context, "notify::session",
                           G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "cycle-finished",
                           G_CALLBACK (cycle_finished_cb), self, G_CONNECT_SWAPPED);
  vp_batches_page_refresh (self);
  vp_batches_page_update (self);
}

static void
vp_batches_page_dispose (GObject *object)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);

  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), VP_TYPE_BATCHES_PAGE);
  vp_ui_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (vp_batches_page_parent_class)->dispose (object);
}

static void
vp_batches_page_finalize (GObject *object)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);

  g_clear_object (&self->run_cancellable);
  g_clear_pointer (&self->batches, g_ptr_array_unref);
  g_clear_pointer (&self->shown, vp_batch_free);
  g_clear_pointer (&self->floor_buildings, g_ptr_array_unref);
  g_clear_pointer (&self->floor_levels, g_array_unref);
  g_clear_object (&self->items);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (vp_batches_page_parent_class)->finalize (object);
}

static void
vp_batches_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);

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
vp_batches_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  VpBatchesPage *self = VP_BATCHES_PAGE (object);

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
vp_batches_page_class_init (VpBatchesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = vp_batches_page_constructed;
  object_class->dispose = vp_batches_page_dispose;
  object_class->finalize = vp_batches_page_finalize;
  object_class->set_property = vp_batches_page_set_property;
  object_class->get_property = vp_batches_page_get_property;
  widget_class->map = vp_batches_page_map;
  widget_class->unmap = vp_batches_page_unmap;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, VP_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/vendpoint/Vendpoint/ui/vp-batches-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, schedule_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, form);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, name_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, action_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, tariff_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, tariff_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, alarm1_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, alarm1_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, alarm2_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, alarm2_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, trip_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, trip_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, amount_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, amount_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, reason_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, building_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, floor_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, tariff_filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, state_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, accounts_view);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, when_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, date_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, time_entry);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, repeat_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, form_error_label);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, batch_header);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, batch_list);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, items_title);
  gtk_widget_class_bind_template_child (widget_class, VpBatchesPage, item_view);

  gtk_widget_class_install_action (widget_class, "batches.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "batches.close-form", NULL, close_form_action);
  gtk_widget_class_install_action (widget_class, "batches.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "batches.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "batches.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "batches.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "batches.cancel", NULL, cancel_action);
}

static void
vp_batches_page_init (VpBatchesPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) later = g_date_time_add_hours (now, 1);
  g_autofree char *day = g_date_time_format (later, "%Y-%m-%d");
  g_autofree char *hour = g_date_time_format (later, "%H:00");
  GtkWidget *header;

  gtk_widget_init_template (GTK_WIDGET (self));

  header = cells_new (batch_columns, G_N_ELEMENTS (batch_columns), TRUE);
  gtk_box_append (self->batch_header, header);
  gtk_widget_set_hexpand (header, TRUE);
  item_view_init (self);

  fill_fixed_choices (self);
  /* The next full hour: a scheduled batch usually starts at one. */
  gtk_editable_set_text (GTK_EDITABLE (self->date_entry), day);
  gtk_editable_set_text (GTK_EDITABLE (self->time_entry), hour);
  g_signal_connect_object (self->action_dropdown, "notify::selected",
                           G_CALLBACK (form_sync), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->when_dropdown, "notify::selected",
                           G_CALLBACK (form_sync), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->building_dropdown, "notify::selected",
                           G_CALLBACK (building_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->batch_list, "selected-rows-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* Enter in any field of the form creates the batch, as the button does. */
  {
    GtkEntry *entries[] = { self->name_entry, self->reason_entry, self->amount_entry,
                            self->alarm1_entry, self->alarm2_entry, self->trip_entry,
                            self->date_entry, self->time_entry };

    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      g_signal_connect_object (entries[i], "activate", G_CALLBACK (entry_activate_cb), self,
                               G_CONNECT_SWAPPED);
  }
  form_sync (self);
}

GtkWidget *
vp_batches_page_new (VpContext *context)
{
  g_return_val_if_fail (VP_IS_CONTEXT (context), NULL);

  return g_object_new (VP_TYPE_BATCHES_PAGE, "context", context, NULL);
}

gboolean
vp_batches_page_get_busy (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), FALSE);

  return self->in_flight > 0 || self->running_id != 0 || self->form_loading;
}

gboolean
vp_batches_page_get_running (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), FALSE);

  return self->running_id != 0;
}

GPtrArray *
vp_batches_page_get_batches (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return self->batches;
}

gboolean
vp_batches_page_select (VpBatchesPage *self,
                        gint64         id)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), FALSE);

  for (guint i = 0; self->batches != NULL && i < self->batches->len; i++)
    if (((VpBatch *) g_ptr_array_index (self->batches, i))->id == id)
      {
        gtk_list_box_select_row (self->batch_list,
                                 gtk_list_box_get_row_at_index (self->batch_list, i));
        return TRUE;
      }
  return FALSE;
}

gint64
vp_batches_page_get_selected (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), 0);

  return self->selected_id;
}

const VpBatch *
vp_batches_page_get_shown (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return self->shown;
}

char *
vp_batches_page_dup_row_text (VpBatchesPage *self,
                              gint64         id)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  for (guint i = 0; self->batches != NULL && i < self->batches->len; i++)
    if (((VpBatch *) g_ptr_array_index (self->batches, i))->id == id)
      {
        GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->batch_list, i);

        return row != NULL ? cells_dup_text (gtk_list_box_row_get_child (row)) : NULL;
      }
  return NULL;
}

char *
vp_batches_page_dup_item_text (VpBatchesPage *self,
                               guint          index)
{
  g_autoptr(VpBatchItemRow) row = NULL;

  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  row = g_list_model_get_item (G_LIST_MODEL (self->items), index);
  if (row == NULL)
    return NULL;
  return g_strjoinv (" | ", row->texts);
}

static const char *
shown_text (GtkLabel *label)
{
  return gtk_widget_get_visible (GTK_WIDGET (label)) ? gtk_label_get_text (label) : NULL;
}

const char *
vp_batches_page_get_message (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return shown_text (self->message_label);
}

const char *
vp_batches_page_get_form_error (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return shown_text (self->form_error_label);
}

gboolean
vp_batches_page_get_form_shown (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->form);
}

static GtkEntry *
field_entry (VpBatchesPage *self,
             const char    *name)
{
  const struct { const char *name; GtkEntry *entry; } fields[] = {
    { "name", self->name_entry }, { "reason", self->reason_entry },
    { "amount", self->amount_entry }, { "alarm1", self->alarm1_entry },
    { "alarm2", self->alarm2_entry }, { "trip", self->trip_entry },
    { "date", self->date_entry }, { "time", self->time_entry },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return fields[i].entry;
  return NULL;
}

GtkEditable *
vp_batches_page_get_field (VpBatchesPage *self,
                           const char    *name)
{
  GtkEntry *entry;

  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  entry = field_entry (self, name);
  return entry != NULL ? GTK_EDITABLE (entry) : NULL;
}

gboolean
vp_batches_page_get_field_shown (VpBatchesPage *self,
                                 const char    *name)
{
  GtkEntry *entry;

  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (g_str_equal (name, "tariff"))
    return gtk_widget_get_visible (GTK_WIDGET (self->tariff_dropdown));
  entry = field_entry (self, name);
  return entry != NULL && gtk_widget_get_visible (GTK_WIDGET (entry));
}

GtkTextBuffer *
vp_batches_page_get_accounts (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return gtk_text_view_get_buffer (self->accounts_view);
}

gboolean
vp_batches_page_choose (VpBatchesPage *self,
                        const char    *name,
                        const char    *value)
{
  const struct { const char *name; GtkDropDown *dropdown; } dropdowns[] = {
    { "action", self->action_dropdown }, { "tariff", self->tariff_dropdown },
    { "building", self->building_dropdown }, { "floor", self->floor_dropdown },
    { "tariff-filter", self->tariff_filter_dropdown }, { "state", self->state_dropdown },
    { "when", self->when_dropdown }, { "repeat", self->repeat_dropdown },
  };

  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (dropdowns); i++)
    if (g_str_equal (dropdowns[i].name, name))
      return dropdown_choose (dropdowns[i].dropdown, value);
  return FALSE;
}

GtkWindow *
vp_batches_page_get_dialog (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return self->dialog;
}

const char *
vp_batches_page_get_schedule_text (VpBatchesPage *self)
{
  g_return_val_if_fail (VP_IS_BATCHES_PAGE (self), NULL);

  return gtk_label_get_text (self->schedule_label);
}
