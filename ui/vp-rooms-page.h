/* vp-rooms-page.h: every room by building and floor, coloured by state, live */
#pragma once

#include <gtk/gtk.h>

#include "vp-account.h"
#include "vp-context.h"
#include "vp-room-status.h"

G_BEGIN_DECLS

#define VP_TYPE_ROOMS_PAGE (vp_rooms_page_get_type ())
G_DECLARE_FINAL_TYPE (VpRoomsPage, vp_rooms_page, VP, ROOMS_PAGE, GtkWidget)

/* While shown, the page reads the rooms again this often (the engine's cycles write
 * meanwhile); vp_rooms_page_set_interval() changes it. */
#define VP_ROOMS_PAGE_DEFAULT_INTERVAL_MS 5000
/* With more rooms than this the page opens on the first building, not all of them. */
#define VP_ROOMS_PAGE_ALL_LIMIT 100

GtkWidget       *vp_rooms_page_new           (VpContext   *context);
/* Reads the rooms again now (in a worker thread). */
void             vp_rooms_page_refresh       (VpRoomsPage *self);
void             vp_rooms_page_set_interval  (VpRoomsPage *self,
                                              guint        milliseconds);
gboolean         vp_rooms_page_get_busy      (VpRoomsPage *self);
/* Filters: @building NULL for every building; @state VP_N_ROOM_STATES for all. */
void             vp_rooms_page_set_filter    (VpRoomsPage *self,
                                              const char  *building,
                                              VpRoomState  state);
/* Tiles shown (after the filters). */
guint            vp_rooms_page_get_n_tiles   (VpRoomsPage *self);
/* The tile of room @label ("3-402"), NULL when not shown. */
GtkWidget       *vp_rooms_page_get_tile      (VpRoomsPage *self,
                                              const char  *label);
/* The state the tile of @label shows; VP_N_ROOM_STATES when not shown. */
VpRoomState      vp_rooms_page_get_tile_state (VpRoomsPage *self,
                                              const char  *label);
/* As a click on the tile: the customer card of its account opens. */
void             vp_rooms_page_select        (VpRoomsPage *self,
                                              const char  *label);
/* The account on the card, NULL when closed or vacant. */
const VpAccount *vp_rooms_page_get_account   (VpRoomsPage *self);

G_END_DECLS
