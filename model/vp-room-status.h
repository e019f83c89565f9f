/* vp-room-status.h: every room with the state of its account and meters, for the grid
 *
 * One read-only query over rooms, accounts, account_control and meter_state (no engine
 * state of its own): what the engine and the counter wrote last is what the grid
 * shows, so a cycle that trips a meter shows at the next read.
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

/* The one state a room's tile shows, most urgent first when several hold. */
typedef enum
{
  VP_ROOM_TRIPPED,      /* supply cut: trip commanded, or a meter reports it off */
  VP_ROOM_OFFLINE,      /* a meter did not answer its last read */
  VP_ROOM_KEEP_POWER,   /* 保电: never tripped, whatever the balance */
  VP_ROOM_LOW,          /* balance at or below alarm 1 */
  VP_ROOM_NORMAL,
  VP_ROOM_VACANT,       /* no open account in the room */
  VP_N_ROOM_STATES
} VpRoomState;

typedef struct
{
  gint64       room_id;
  char        *site;
  char        *building;
  int          level;          /* floor */
  char        *number;         /* "402" */
  char        *label;          /* "3-402" */
  char        *account;        /* NULL when vacant */
  char        *name;           /* customer, NULL when vacant */
  gint64       balance;        /* fen */
  gint64       alarm1;         /* fen */
  guint        n_meters;       /* active meters */
  guint        n_offline;
  gboolean     tripped;
  gboolean     keep_power;
  VpRoomState  state;
} VpRoomStatus;

void         vp_room_status_free   (VpRoomStatus *status);
const char  *vp_room_state_to_string (VpRoomState state);

/* The rooms (VpRoomStatus *) of @building (NULL: every building) by site, building,
 * floor and room number; a room with several open accounts gives one row each.
 * VP_PERM_ACCOUNT_VIEW. */
GPtrArray   *vp_room_status_list   (VpDatabase   *db,
                                    VpSession    *actor,
                                    const char   *building,
                                    GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpRoomStatus, vp_room_status_free)

G_END_DECLS
