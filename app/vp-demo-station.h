/* vp-demo-station.h: the built-in meter simulator behind `vendpoint --demo` */
#pragma once

#include "vp-database.h"

G_BEGIN_DECLS

typedef struct _VpDemoStation VpDemoStation;

VpDemoStation *vp_demo_station_start       (VpDatabase     *db,
                                            guint           speed,
                                            guint           baud,
                                            GError        **error);
guint          vp_demo_station_get_n_buses (VpDemoStation  *self);
void           vp_demo_station_free        (VpDemoStation  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpDemoStation, vp_demo_station_free)

G_END_DECLS
