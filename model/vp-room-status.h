/* vp-room-status.h: every room with the state of its account and meters, for the grid
 *
 * One read-only query over rooms, accounts, account_control and meter_state (no engine
 * state of its own): what the engine and the counter wrote last is what the grid
 * shows, so a cycle that trips a meter shows at the next read.
 */
#pragma once

#include "vp-account.h"
#include "vp-meter-gateway.h"
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

/* One active meter of an account as the engine saw it last (the customer card). */
typedef struct
{
  char          *address;
  VpMeterKind    kind;
  gboolean       has_reading;
  gint64         total;            /* last stored reading, 0.01 kWh / 0.01 m³ */
  gint64         read_at;          /* Unix seconds the station read it; 0 = never */
  gint64         last_contact;     /* last good exchange, Unix seconds; 0 = never */
  guint          failures;         /* unanswered exchanges in a row */
  gboolean       online;           /* answered its last exchange */
  char          *last_error;       /* nullable */
  VpSupplyState  supply;           /* relay / valve as last read */
  gboolean       keep_power;       /* the account's 保电 flag */
} VpMeterLive;

void         vp_meter_live_free  (VpMeterLive *status);

/* The active meters (VpMeterLive *) of @account, in installation order, from the
 * engine's readings and meter_state (a meter the engine never touched: no reading,
 * never in contact, supply unknown, not online). An account with no meter gives an
 * empty array; an unknown account NOT_FOUND. VP_PERM_ACCOUNT_VIEW. */
GPtrArray   *vp_meter_live_list  (VpDatabase   *db,
                                    VpSession    *actor,
                                    const char   *account,
                                    GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpRoomStatus, vp_room_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpMeterLive, vp_meter_live_free)

G_END_DECLS
