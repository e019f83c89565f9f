/* vp-layout.h: flow layout of documents
 *
 * Receipt and report builders append text, label/value pairs, table rows, rules and
 * QR codes from top to bottom; VpLayout wraps text to the columns, measures it with
 * vp_document_text_width() (the metrics both renderers use) and starts a new page when
 * the next block does not fit. A page of height 0 grows with its content (80 mm rolls)
 * and is cut to length by vp_layout_finish().
 */
#pragma once

#include "vp-document.h"

G_BEGIN_DECLS

/* Space between the columns of a row, in points. */
#define VP_LAYOUT_COLUMN_GAP 4.0

typedef struct _VpLayout VpLayout;

typedef struct
{
  double  width;   /* points; 0 = an equal share of what the fixed columns leave */
  VpAlign align;
} VpLayoutColumn;

/* Called after each page break, e.g. to repeat a table header. */
typedef void (*VpLayoutPageFunc) (VpLayout *layout,
                                  gpointer  user_data);

VpLayout   *vp_layout_new             (VpDocument            *doc,
                                       double                 page_width,
                                       double                 page_height,
                                       double                 margin);
void        vp_layout_free            (VpLayout              *self);

void        vp_layout_set_page_func   (VpLayout              *self,
                                       VpLayoutPageFunc       func,
                                       gpointer               user_data);

VpDocument *vp_layout_get_document    (VpLayout              *self);
guint       vp_layout_get_page        (VpLayout              *self);
double      vp_layout_get_left        (VpLayout              *self);
double      vp_layout_get_width       (VpLayout              *self);
double      vp_layout_get_y           (VpLayout              *self);

double      vp_layout_reserve         (VpLayout              *self,
                                       double                 height);
void        vp_layout_space           (VpLayout              *self,
                                       double                 height);
void        vp_layout_text            (VpLayout              *self,
                                       const char            *text,
                                       double                 size,
                                       VpTextWeight           weight,
                                       VpAlign                align);
void        vp_layout_row             (VpLayout              *self,
                                       const VpLayoutColumn  *columns,
                                       guint                  n_columns,
                                       const char * const    *cells,
                                       double                 size,
                                       VpTextWeight           weight);
void        vp_layout_pair            (VpLayout              *self,
                                       const char            *label,
                                       const char            *value,
                                       double                 size,
                                       VpTextWeight           weight);
void        vp_layout_rule            (VpLayout              *self,
                                       double                 line_width,
                                       gboolean               dashed);
gboolean    vp_layout_qr              (VpLayout              *self,
                                       const char            *text,
                                       double                 side,
                                       GError               **error);
void        vp_layout_finish          (VpLayout              *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpLayout, vp_layout_free)

G_END_DECLS
