/* vp-batches-page.h: batch jobs over many accounts: list, new, run with progress, retry, cancel */
#pragma once

#include <gtk/gtk.h>

#include "vp-batch.h"
#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_BATCHES_PAGE (vp_batches_page_get_type ())
G_DECLARE_FINAL_TYPE (VpBatchesPage, vp_batches_page, VP, BATCHES_PAGE, GtkWidget)

/* Items one worker call runs before the list shows the progress: a fortieth of the
 * batch, at least VP_BATCHES_PAGE_CHUNK and at most VP_BATCHES_PAGE_CHUNK_MAX. */
#define VP_BATCHES_PAGE_CHUNK     5
#define VP_BATCHES_PAGE_CHUNK_MAX 200

GtkWidget     *vp_batches_page_new           (VpContext     *context);
/* TRUE while the page waits for the model (a list, a form, a run, a retry …). */
gboolean       vp_batches_page_get_busy      (VpBatchesPage *self);
/* TRUE while Run now runs a batch (Stop is enabled). */
gboolean       vp_batches_page_get_running   (VpBatchesPage *self);
/* The batches as listed (VpBatch *, newest first, without items); NULL before the
 * first answer. */
GPtrArray     *vp_batches_page_get_batches   (VpBatchesPage *self);
/* Selects batch @id in the list (its items are loaded); FALSE when it is not listed. */
gboolean       vp_batches_page_select        (VpBatchesPage *self,
                                              gint64         id);
gint64         vp_batches_page_get_selected  (VpBatchesPage *self);
/* The selected batch with its items as shown below the list, else NULL. */
const VpBatch *vp_batches_page_get_shown     (VpBatchesPage *self);
/* The texts of batch @id's row / the item row @index, joined by " | " as the operator
 * reads them; NULL when there is no such row. */
char          *vp_batches_page_dup_row_text  (VpBatchesPage *self,
                                              gint64         id);
char          *vp_batches_page_dup_item_text (VpBatchesPage *self,
                                              guint          index);
/* The page's message line / the New batch form's error line; NULL when hidden. */
const char    *vp_batches_page_get_message   (VpBatchesPage *self);
const char    *vp_batches_page_get_form_error (VpBatchesPage *self);
/* Whether the New batch form is open. */
gboolean       vp_batches_page_get_form_shown (VpBatchesPage *self);
/* A text field of the form: "name", "reason", "amount", "alarm1", "alarm2", "trip",
 * "date", "time"; NULL for another name. */
GtkEditable   *vp_batches_page_get_field     (VpBatchesPage *self,
                                              const char    *name);
/* Whether that field is shown for the chosen action. */
gboolean       vp_batches_page_get_field_shown (VpBatchesPage *self,
                                                const char    *name);
/* The pasted account numbers. */
GtkTextBuffer *vp_batches_page_get_accounts  (VpBatchesPage *self);
/* Chooses @value in the form's dropdown @name: "action" (vp_batch_action_to_string),
 * "tariff", "building", "floor" (level), "tariff-filter", "state", "when" ("now",
 * "at"), "repeat" (vp_batch_repeat_to_string); "" is "any". FALSE when not offered. */
gboolean       vp_batches_page_choose        (VpBatchesPage *self,
                                              const char    *name,
                                              const char    *value);
/* The cancel question while it is open, else NULL. */
GtkWindow     *vp_batches_page_get_dialog    (VpBatchesPage *self);
/* The line saying who runs scheduled batches. */
const char    *vp_batches_page_get_schedule_text (VpBatchesPage *self);

G_END_DECLS
