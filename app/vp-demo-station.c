/* vp-demo-station.c: the built-in meter simulator behind `vendpoint --demo`
 *
 * The demo database puts each building's meters behind a "gateway" on a loopback
 * port (model/vp-demo.c). The station starts one simulated bus per such gateway,
 * listening on exactly that port, with every meter of the bus registered at the value
 * the database last read from it. The reading engine and the Meters page then talk to
 * real DL/T 645 and CJ/T 188 frames over TCP, exactly as they would to a site's
 * gateways. Only loopback gateways are served: the demo never dials anything else.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "vp-demo-station.h"
#include "vp-demo.h"
#include "vp-link.h"
#include "vp-simulator.h"

struct _VpDemoStation
{
  GPtrArray *buses;   /* VpSimulator * */
};

/* A steady, different load per meter: 300–2000 W, 10–60 L/h. */
static guint
load_for (const char *address,
          guint       low,
          guint       high)
{
  return low + g_str_hash (address) % (high - low + 1);
}

static void
append_meter (GString           *spec,
              const VpDemoMeter *meter)
{
  gint64 r = MAX (meter->reading, 0);

  if (spec->len > 0)
    g_string_append_c (spec, ',');
  if (meter->water)
    g_string_append_printf (spec, "w:%s/volume=%" G_GINT64_FORMAT ".%02d/flow=%u",
                            meter->address, r / 100, (int) (r % 100),
                            load_for (meter->address, 10, 60));
  else
    g_string_append_printf (spec, "e:%s/energy=%" G_GINT64_FORMAT ".%02d/load=%u",
                            meter->address, r / 100, (int) (r % 100),
                            load_for (meter->address, 300, 2000));
}

/* Starts one bus on @link's loopback port; FALSE with @error when it cannot. */
static gboolean
start_bus (VpDemoStation  *self,
           const char     *link,
           const char     *spec,
           guint           speed,
           guint           baud,
           GError        **error)
{
  g_autoptr(VpLinkUri) uri = NULL;
  g_autoptr(VpSimulator) bus = NULL;
  g_autofree char *host_port = NULL;

  uri = vp_link_uri_parse (link, error);
  if (uri == NULL)
    return FALSE;
  if (uri->kind != VP_LINK_KIND_TCP || g_strcmp0 (uri->host, "127.0.0.1") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s is not a loopback gateway; the demo only simulates 127.0.0.1"), link);
      return FALSE;
    }

  bus = vp_simulator_new ();
  /* An RS-485 bus (8E1) behind each gateway, meters answering in 10 ms. */
  vp_simulator_set_line (bus, baud, 11);
  vp_simulator_set_turnaround (bus, 10);
  vp_simulator_set_speed (bus, speed);
  host_port = g_strdup_printf ("127.0.0.1:%u", uri->port);
  if (!vp_simulator_add_meters (bus, spec, error)
      || vp_simulator_listen_tcp (bus, host_port, error) == 0
      || !vp_simulator_start (bus, error))
    return FALSE;

  g_ptr_array_add (self->buses, g_steal_pointer (&bus));
  return TRUE;
}

/*
 * vp_demo_station_start:
 * @db: the demo database
 * @speed: how many times faster than real life the loads run (1..1000)
 * @baud: the bus speed behind each gateway that replies are paced at (0: unpaced)
 *
 * Starts a simulated bus for every loopback gateway the database's active meters use.
 * A gateway whose port is taken is skipped with a message on stderr: its meters show
 * as offline, which is what a real station would show. Fails only when the meters
 * cannot be listed.
 */
VpDemoStation *
vp_demo_station_start (VpDatabase  *db,
                       guint        speed,
                       guint        baud,
                       GError     **error)
{
  g_autoptr(GPtrArray) meters = NULL;
  g_autoptr(GString) spec = g_string_new (NULL);
  VpDemoStation *self;

  g_return_val_if_fail (db != NULL, NULL);

  meters = vp_demo_list_meters (db, error);
  if (meters == NULL)
    return NULL;

  self = g_new0 (VpDemoStation, 1);
  self->buses = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_simulator_free);

  for (guint i = 0; i < meters->len; i++)
    {
      const VpDemoMeter *meter = g_ptr_array_index (meters, i);
      const VpDemoMeter *next = i + 1 < meters->len ? g_ptr_array_index (meters, i + 1) : NULL;

      append_meter (spec, meter);
      /* Meters come ordered by link: the bus is complete at the last meter of a link. */
      if (next == NULL || g_strcmp0 (next->link, meter->link) != 0)
        {
          g_autoptr(GError) bus_error = NULL;

          if (!start_bus (self, meter->link, spec->str, speed, baud, &bus_error))
            g_printerr (_("Demo: the meters behind %s stay offline: %s\n"), meter->link,
                        bus_error->message);
          g_string_truncate (spec, 0);
        }
    }

  return self;
}

guint
vp_demo_station_get_n_buses (VpDemoStation *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->buses->len;
}

void
vp_demo_station_free (VpDemoStation *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->buses);
  g_free (self);
}
