/* vp-ui.h: small helpers every page shares */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"
#include "vp-document.h"
#include "vp-ledger.h"

G_BEGIN_DECLS

/* "¥1,234.50" style text of @fen for labels (sign kept). */
char     *vp_ui_format_money     (gint64      fen);
/* A stored UTC time ("2026-11-25T09:14:03.123456Z") as the counter's local time,
 * "2026-11-25 17:14"; the text itself when it cannot be read. */
char     *vp_ui_format_time      (const char *utc);
/* The text of @entry without surrounding blanks, or NULL when that is empty. */
char     *vp_ui_entry_text       (GtkEntry   *entry);
/* Shows @dialog modal over the window holding @from; the dialog joins the
 * application so the window's inactivity lock sees typing in it. */
void      vp_ui_present_dialog   (GtkWidget  *from,
                                  GtkWindow  *dialog);
/* Binds Escape to closing @widget_class's window. */
void      vp_ui_bind_escape_close (GtkWidgetClass *widget_class);
/* Puts @message into @label (styled as an error) and shows it; NULL hides it. */
void      vp_ui_show_error       (GtkLabel   *label,
                                  const char *message);
/* The same, styled as an error or as a success. */
void      vp_ui_show_message     (GtkLabel   *label,
                                  const char *message,
                                  gboolean    is_error);
/* A yes/no question over @from's window; @accepted (@data) runs on the yes answer. */
GtkWindow *vp_ui_confirm         (GtkWidget  *from,
                                  const char *question,
                                  const char *detail,
                                  const char *accept_label,
                                  GCallback   accepted,
                                  gpointer    data);


/* Model work for a worker thread: returns a result (or NULL with @error set). */
typedef gpointer (*VpUiWorkFunc) (gpointer   data,
                                  GError   **error);

/* Runs @func (@data) in a GTask thread so the main loop never waits on the database;
 * @callback gets the result through vp_ui_run_finish(). */
void      vp_ui_run_async        (gpointer             source_object,
                                  GCancellable        *cancellable,
                                  VpUiWorkFunc         func,
                                  gpointer             data,
                                  GDestroyNotify       data_free,
                                  GDestroyNotify       result_free,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gpointer  vp_ui_run_finish       (GAsyncResult        *result,
                                  GError             **error);

/* For dispose of a GtkWidget subclass: its template's root is not a bound child, so
 * gtk_widget_dispose_template() leaves it; unparent what is left. */
void            vp_ui_unparent_children (GtkWidget      *widget);

/* Words for the model's enums, translated. */
const char     *vp_ui_account_status_label (VpAccountStatus  status);
const char     *vp_ui_account_mode_label   (VpAccountMode    mode);
const char     *vp_ui_payment_method_label (VpPaymentMethod  method);

/* Shows @hits (VpSearchHit *, nullable) in @list, one row each: name and balance,
 * number, room · status · meters. Rows already there are reused. */
void            vp_ui_account_list_fill (GtkListBox     *list,
                                         GPtrArray      *hits);

/* Fills @box with one toggle button per payment method (cash first and active);
 * @toggled (widget @data) runs when the choice changes. */
void            vp_ui_method_box_fill  (GtkBox          *box,
                                        GCallback        toggled,
                                        gpointer         data);
VpPaymentMethod vp_ui_method_box_get   (GtkBox          *box);
void            vp_ui_method_box_set   (GtkBox          *box,
                                        VpPaymentMethod  method);

/* The arguments of one model call, taken on the main thread for a worker thread: the
 * database and the session are referenced so a lock or log-out meanwhile is harmless. */
typedef struct
{
  VpDatabase      *db;
  VpSession       *session;
  char            *number;      /* account number or receipt */
  char            *text;        /* reason, query, name … */
  gint64           amount;
  gint64           tendered;
  gint64           approver;
  VpPaymentMethod  method;
  char            *reference;
  gpointer         spec;        /* call-specific, freed with spec_free */
  GDestroyNotify   spec_free;
} VpUiCall;

/* An account with its newest top-up, as the customer card shows it. */
typedef struct
{
  VpAccount     *account;
  VpLedgerEntry *last_topup;    /* NULL when none */
  GPtrArray     *meters;        /* VpMeterLive *: what the engine saw last */
} VpUiAccountInfo;

void      vp_ui_account_info_free (gpointer info);

/* VpUiWorkFunc: call->number → VpUiAccountInfo * (account, last top-up, meters). */
gpointer  vp_ui_load_account_work (gpointer   call,
                                   GError   **error);
/* VpUiWorkFunc: call->text → GPtrArray of VpSearchHit * (vp_search_accounts); an empty
 * text lists the first call->amount accounts in number order instead. */
gpointer  vp_ui_find_accounts_work (gpointer  call,
                                    GError  **error);

/* Prints @document (taken) through GtkPrintOperation's dialog over @from's window, each
 * page drawn by vp_document_render_page() at its own size (points, full page). */
gboolean  vp_ui_print_document   (GtkWidget   *from,
                                  VpDocument  *document,
                                  const char  *job_name,
                                  GError     **error);

/* NULL when nobody is logged in (the caller then does nothing). */
VpUiCall *vp_ui_call_new         (VpContext  *context,
                                  const char *number);
void      vp_ui_call_free        (gpointer    call);

G_END_DECLS
