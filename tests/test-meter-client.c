/* test-meter-client.c: the meter client against the simulator, over a real pty pair
 * and over TCP on loopback, including every fault the simulator injects */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "vp-device-error.h"
#include "vp-link.h"
#include "vp-meter-client.h"
#include "vp-simulator.h"

/* Short timeouts keep the suite fast; the bus runs at 9600 baud 8E1 timing. */
#define RESPONSE_MS   200
#define INTER_BYTE_MS 100
#define TRIES         3

#define METERS \
  "e:000000000001/energy=1234.56," \
  "e:000010604867/money=50.00/energy=10.00," \
  "e:000000000002/fault=no-reply," \
  "e:000000000003/fault=checksum," \
  "e:000000000004/fault=garbage/energy=4.44," \
  "e:000000000005/fault=slow," \
  "e:000000000006/password=04:123456," \
  "w:00000000000012/volume=1000.10," \
  "w:00000000000013/fault=checksum"

typedef struct
{
  VpSimulator   *sim;
  VpMeterClient *client;
  char          *link;
} Fixture;

static void
start_simulator (VpSimulator **out_sim,
                 char        **out_link,
                 const char   *transport,
                 const char   *meters)
{
  g_autoptr(GError) error = NULL;
  VpSimulator *sim = vp_simulator_new ();

  vp_simulator_set_line (sim, 9600, 11);
  vp_simulator_set_turnaround (sim, 5);
  vp_simulator_set_slow_gap (sim, 4 * INTER_BYTE_MS);
  g_assert_true (vp_simulator_add_meters (sim, meters, &error));
  g_assert_no_error (error);
  if (g_str_equal (transport, "pty"))
    {
      g_assert_nonnull (vp_simulator_open_pty (sim, NULL, &error));
      *out_link = vp_simulator_get_pty_uri (sim);
    }
  else
    {
      g_assert_cmpuint (vp_simulator_listen_tcp (sim, "127.0.0.1:0", &error), >, 0);
      *out_link = vp_simulator_get_tcp_uri (sim);
    }
  g_assert_no_error (error);
  g_assert_true (vp_simulator_start (sim, &error));
  g_assert_no_error (error);
  *out_sim = sim;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  start_simulator (&f->sim, &f->link, data, METERS);
  f->client = vp_meter_client_new ();
  vp_meter_client_set_timeouts (f->client, RESPONSE_MS, INTER_BYTE_MS, TRIES);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gpointer client = f->client;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* A worker may still hold a finished task for a moment after its callback ran. */
  g_object_add_weak_pointer (client, &client);
  g_object_unref (f->client);
  while (client != NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (client);
  vp_simulator_free (f->sim);
  g_free (f->link);
}

static VpSimMeterState
state_of (Fixture    *f,
          const char *address)
{
  g_autoptr(GError) error = NULL;
  VpSimMeterState state;

  g_assert_true (vp_simulator_get_meter_state (f->sim, address, &state, &error));
  g_assert_no_error (error);
  return state;
}

static void
test_read_items (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) total = NULL;
  g_autoptr(VpMeterReading) by_di = NULL;
  g_autoptr(VpMeterReading) voltage = NULL;
  g_autoptr(VpMeterReading) address = NULL;
  g_autoptr(VpMeterReading) money = NULL;
  g_autoptr(VpMeterReading) block = NULL;
  g_autofree char *expected = NULL;
  VpSimMeterState state = state_of (f, "000000000001");

  total = vp_meter_client_read_item (f->client, f->link, "000000000001",
                                     "energy.forward.total", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (total->address, ==, "000000000001");
  g_assert_cmpstr (total->di, ==, "00010000");
  g_assert_cmpstr (total->item, ==, "energy.forward.total");
  g_assert_cmpstr (total->unit, ==, "kWh");
  expected = g_strdup_printf ("%" G_GINT64_FORMAT ".%02d", state.energy[0] / 100,
                              (int) (state.energy[0] % 100));
  g_assert_cmpstr (total->value, ==, expected);
  g_assert_cmpstr (total->value, ==, "1234.56");

  by_di = vp_meter_client_read_item (f->client, f->link, "000000000001", "00010003", NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_di->value, ==, "1234.56");  /* initial energy sits in tariff 3 */

  block = vp_meter_client_read_item (f->client, f->link, "000000000001", "0001FF00", NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (block->value, ==, "1234.56,0.00,0.00,1234.56,0.00");

  voltage = vp_meter_client_read_item (f->client, f->link, "000000000001", "02010100", NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (voltage->value, ==, "220.0");
  g_assert_cmpstr (voltage->unit, ==, "V");

  address = vp_meter_client_read_item (f->client, f->link, "000010604867", "04000401", NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address->value, ==, "000010604867");

  money = vp_meter_client_read_item (f->client, f->link, "000010604867", "00900200", NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpstr (money->value, ==, "50.00");
  g_assert_cmpstr (money->unit, ==, "yuan");
}

static void
test_read_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpMeterReading *reading;

  /* Not a money-prepaid meter: the meter says it has no such data. */
  reading = vp_meter_client_read_item (f->client, f->link, "000000000001", "00900200", NULL,
                                       &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK_NO_DATA);
  g_clear_error (&error);

  reading = vp_meter_client_read_item (f->client, f->link, "000000000001", "energy.bogus", NULL,
                                       &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_UNKNOWN_ITEM);
  g_clear_error (&error);

  reading = vp_meter_client_read_item (f->client, f->link, "12345", "00010000", NULL, &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);  /* 000000012345 is absent */
  g_clear_error (&error);

  reading = vp_meter_client_read_item (f->client, f->link, "12x45", "00010000", NULL, &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  reading = vp_meter_client_read_item (f->client, "tcp://127.0.0.1", "000000000001", "00010000",
                                       NULL, &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_URI);
}

static void
test_read_address (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSimulator) single = NULL;
  g_autofree char *single_link = NULL;
  g_autofree char *address = NULL;
  g_autofree char *water = NULL;

  /* Several meters on the bus: the wildcard gets no answer (no collision). */
  address = vp_meter_client_read_address (f->client, f->link, NULL, &error);
  g_assert_null (address);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "The meter on the bus did not answer (timeout after 3 "
                   "tries). Reading the address needs exactly one meter on the bus.");
  g_clear_error (&error);

  start_simulator (&single, &single_link, data,
                   "e:000010604867,w:00000000000099/volume=1.00");
  address = vp_meter_client_read_address (f->client, single_link, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (address, ==, "000010604867");
  water = vp_meter_client_water_read_address (f->client, single_link, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (water, ==, "00000000000099");
}

static void
test_write_time (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_local (2030, 1, 2, 3, 4, 5);
  g_autoptr(GDateTime) later = g_date_time_new_local (2031, 6, 7, 8, 9, 10);
  g_autoptr(VpMeterReading) date = NULL;
  VpMeterAuth auth;
  VpSimMeterState state;
  gint64 target = g_date_time_to_unix (when);

  g_assert_true (vp_meter_auth_parse (NULL, NULL, &auth, &error));
  g_assert_true (vp_meter_client_write_time (f->client, f->link, "000000000001", &auth, when,
                                             NULL, &error));
  g_assert_no_error (error);
  state = state_of (f, "000000000001");
  g_assert_cmpint (state.clock, >=, target);
  g_assert_cmpint (state.clock, <=, target + 2);

  date = vp_meter_client_read_item (f->client, f->link, "000000000001", "04000101", NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (date->value, ==, "2030-01-02");

  /* 08 broadcast reaches every meter, answered by none. */
  g_assert_true (vp_meter_client_broadcast_time (f->client, f->link, later, NULL, &error));
  g_assert_no_error (error);
  /* The broadcast has no reply to wait for: a read behind it sees it applied. */
  g_clear_pointer (&date, vp_meter_reading_free);
  date = vp_meter_client_read_item (f->client, f->link, "000010604867", "04000101", NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (date->value, ==, "2031-06-07");
  state = state_of (f, "000000000001");
  g_assert_cmpint (state.clock, >=, g_date_time_to_unix (later));
  g_assert_cmpint (state.clock, <=, g_date_time_to_unix (later) + 2);
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpMeterAuth wrong;
  VpMeterAuth right;

  g_assert_true (vp_meter_auth_parse ("04:654321", "12345678", &wrong, &error));
  g_assert_true (vp_meter_auth_parse ("04:123456", "12345678", &right, &error));

  g_assert_false (vp_meter_client_remote_control (f->client, f->link, "000000000006", &wrong,
                                                  VP_DLT645_CONTROL_ACTION_TRIP, 0, NULL,
                                                  &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK_PASSWORD);
  g_assert_false (state_of (f, "000000000006").relay_open);
  g_clear_error (&error);

  g_assert_false (vp_meter_client_write_time (f->client, f->link, "000000000006", NULL, NULL,
                                              NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK_PASSWORD);
  g_clear_error (&error);

  g_assert_true (vp_meter_client_remote_control (f->client, f->link, "000000000006", &right,
                                                 VP_DLT645_CONTROL_ACTION_TRIP, 0, NULL,
                                                 &error));
  g_assert_no_error (error);
  g_assert_true (state_of (f, "000000000006").relay_open);
}

static gboolean
control (Fixture               *f,
         VpDlt645ControlAction  action,
         GError               **error)
{
  return vp_meter_client_remote_control (f->client, f->link, "000000000001", NULL, action, 0,
                                         NULL, error);
}

static void
test_control (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) status = NULL;
  VpSimMeterState state;

  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_TRIP, &error));
  g_assert_no_error (error);
  state = state_of (f, "000000000001");
  g_assert_true (state.relay_open);
  g_assert_true (state.relay_command_open);

  status = vp_meter_client_read_status (f->client, f->link, "000000000001", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (status->has_status3);
  g_assert_true (status->status3.relay_open);
  g_assert_false (status->status3.keep_power);
  g_assert_cmpint (status->status3.meter_type, ==, VP_DLT645_METER_TYPE_NOT_PREPAID);
  g_clear_pointer (&status, vp_meter_reading_free);

  /* Close allowed: the relay waits for the customer's button. */
  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_CLOSE_ALLOW, &error));
  state = state_of (f, "000000000001");
  g_assert_true (state.relay_open);
  g_assert_true (state.close_allowed);
  g_assert_true (vp_simulator_press_button (f->sim, "000000000001", &error));
  g_assert_no_error (error);
  g_assert_false (state_of (f, "000000000001").relay_open);

  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_TRIP, &error));
  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_CLOSE, &error));
  g_assert_no_error (error);
  g_assert_false (state_of (f, "000000000001").relay_open);

  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_ALARM, &error));
  g_assert_true (state_of (f, "000000000001").alarm);
  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_ALARM_CLEAR, &error));
  g_assert_false (state_of (f, "000000000001").alarm);

  /* Keep-power (保电) refuses a trip. */
  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_KEEP_POWER, &error));
  g_assert_no_error (error);
  status = vp_meter_client_read_status (f->client, f->link, "000000000001", NULL, &error);
  g_assert_true (status->status3.keep_power);
  g_assert_false (status->status3.relay_open);
  g_assert_false (control (f, VP_DLT645_CONTROL_ACTION_TRIP, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK);
  g_assert_nonnull (strstr (error->message, "keep-power"));
  g_clear_error (&error);
  g_assert_false (state_of (f, "000000000001").relay_open);
  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_KEEP_POWER_CLEAR, &error));
  g_assert_true (control (f, VP_DLT645_CONTROL_ACTION_TRIP, &error));
  g_assert_no_error (error);
  g_assert_true (state_of (f, "000000000001").relay_open);

  /* A money-prepaid meter says so in status word 3. */
  g_clear_pointer (&status, vp_meter_reading_free);
  status = vp_meter_client_read_status (f->client, f->link, "000010604867", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->status3.meter_type, ==, VP_DLT645_METER_TYPE_MONEY_PREPAID);
}

static void
test_control_expired (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* The meter's clock is an hour ahead of the counter: a 5-minute command has expired. */
  g_assert_true (vp_simulator_set_meter_option (f->sim, "000000000001", "clock",
                                                "2099-01-01T00:00:00", &error));
  g_assert_false (control (f, VP_DLT645_CONTROL_ACTION_TRIP, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK);
  g_assert_false (state_of (f, "000000000001").relay_open);
}

static void
test_water (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  g_autoptr(VpMeterReading) valve = NULL;

  reading = vp_meter_client_water_read (f->client, f->link, "00000000000012", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->address, ==, "00000000000012");
  g_assert_cmpstr (reading->value, ==, "1000.10");
  g_assert_cmpstr (reading->unit, ==, "m³");
  g_assert_true (reading->has_water);
  g_assert_cmpint (reading->water.valve, ==, VP_CJT188_VALVE_OPEN);
  g_assert_false (reading->water.battery_low);
  g_assert_nonnull (reading->meter_time);

  valve = vp_meter_client_water_valve (f->client, f->link, "00000000000012", FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (valve->water.valve, ==, VP_CJT188_VALVE_CLOSED);
  g_assert_cmpint (state_of (f, "00000000000012").valve, ==, VP_CJT188_VALVE_CLOSED);
  g_clear_pointer (&reading, vp_meter_reading_free);
  reading = vp_meter_client_water_read (f->client, f->link, "00000000000012", NULL, &error);
  g_assert_cmpint (reading->water.valve, ==, VP_CJT188_VALVE_CLOSED);

  g_clear_pointer (&valve, vp_meter_reading_free);
  valve = vp_meter_client_water_valve (f->client, f->link, "00000000000012", TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, "00000000000012").valve, ==, VP_CJT188_VALVE_OPEN);

  g_clear_pointer (&reading, vp_meter_reading_free);
  reading = vp_meter_client_water_read (f->client, f->link, "00000000000013", NULL, &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_BAD_CHECKSUM);
}

static void
test_fault_no_reply (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  VpMeterReading *reading;
  VpSimMeterState state;

  reading = vp_meter_client_read_item (f->client, f->link, "000000000002", "00010000", NULL,
                                       &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "Meter 000000000002 did not answer (timeout after 3 tries)");
  /* Bounded: three response timeouts and a little, never a hang. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, TRIES * RESPONSE_MS * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  state = state_of (f, "000000000002");
  g_assert_cmpuint (state.replies, ==, 0);
}

static void
test_fault_checksum (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  VpMeterReading *reading;
  guint notes = 0;

  reading = vp_meter_client_read_item (f->client, f->link, "000000000003", "00010000", NULL,
                                       &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_BAD_CHECKSUM);
  g_assert_nonnull (strstr (error->message, "000000000003"));
  g_assert_nonnull (strstr (error->message, "3 tries"));
  /* The meter did answer every try: the corrupt frames were refused, not missed. */
  g_assert_cmpuint (state_of (f, "000000000003").replies, ==, TRIES);

  entries = vp_frame_log_get_entries (vp_meter_client_get_frame_log (f->client));
  for (guint i = 0; i < entries->len; i++)
    {
      VpFrameLogEntry *entry = g_ptr_array_index (entries, i);

      if (entry->kind == VP_FRAME_LOG_NOTE && strstr (entry->description, "checksum") != NULL)
        notes++;
    }
  g_assert_cmpuint (notes, ==, TRIES);
}

static void
test_fault_garbage (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;

  reading = vp_meter_client_read_item (f->client, f->link, "000000000004", "00010000", NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->value, ==, "4.44");
  /* First try: the noise is skipped, not retried. */
  g_assert_cmpuint (state_of (f, "000000000004").requests, ==, 1);
}

static void
test_fault_slow (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpMeterReading *reading;
  gint64 start = g_get_monotonic_time ();

  /* Gaps of 4 × the inter-byte timeout: never a complete frame. */
  reading = vp_meter_client_read_item (f->client, f->link, "000000000005", "00010000", NULL,
                                       &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);
  g_assert_cmpstr (error->message, ==, "Meter 000000000005 did not answer completely: the reply "
                   "stopped partway (timeout after 3 tries)");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  /* Slow but within the inter-byte timeout: accepted. */
  g_clear_error (&error);
  vp_simulator_set_slow_gap (f->sim, INTER_BYTE_MS / 4);
  vp_meter_client_set_timeouts (f->client, 2000, INTER_BYTE_MS, TRIES);
  reading = vp_meter_client_read_item (f->client, f->link, "000000000005", "00010000", NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->value, ==, "0.00");
  vp_meter_reading_free (reading);
}

typedef struct
{
  GMainLoop      *loop;
  VpMeterClient  *client;
  GError         *error;
  VpMeterReading *reading;
  GPtrArray      *order;  /* names of finished requests, in order */
  guint           pending;
} AsyncState;

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncState *s = user_data;
  g_autoptr(GError) error = NULL;
  VpMeterReading *reading = vp_meter_client_read_finish (VP_METER_CLIENT (source), result, &error);

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  if (s->order != NULL)
    g_ptr_array_add (s->order, g_strdup (reading != NULL ? reading->address : "error"));
  if (reading != NULL && s->reading == NULL)
    s->reading = reading;
  else
    vp_meter_reading_free (reading);
  if (error != NULL && s->error == NULL)
    s->error = g_steal_pointer (&error);
  if (--s->pending == 0)
    g_main_loop_quit (s->loop);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState s = { loop, f->client, NULL, NULL, NULL, 1 };
  gint64 start = g_get_monotonic_time ();

  /* A long wait on a silent meter, cancelled 100 ms in. */
  vp_meter_client_set_timeouts (f->client, 5000, INTER_BYTE_MS, TRIES);
  vp_meter_client_read_item_async (f->client, f->link, "000000000002", "00010000", cancellable,
                                   read_done_cb, &s);
  g_timeout_add (100, cancel_cb, cancellable);
  g_main_loop_run (loop);
  g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (s.reading);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_clear_error (&s.error);

  /* The link still works after a cancelled exchange. */
  s.pending = 1;
  vp_meter_client_read_item_async (f->client, f->link, "000000000004", "00010000", NULL,
                                   read_done_cb, &s);
  g_main_loop_run (loop);
  g_assert_no_error (s.error);
  g_assert_cmpstr (s.reading->value, ==, "4.44");
  vp_meter_reading_free (s.reading);
}

static void
test_async_ops (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState s = { loop, f->client, NULL, NULL, NULL, 1 };

  vp_meter_client_water_read_async (f->client, f->link, "00000000000012", NULL, read_done_cb, &s);
  g_main_loop_run (loop);
  g_assert_no_error (s.error);
  g_assert_cmpstr (s.reading->value, ==, "1000.10");
  g_clear_pointer (&s.reading, vp_meter_reading_free);

  s.pending = 1;
  vp_meter_client_read_status_async (f->client, f->link, "000000000001", NULL, read_done_cb, &s);
  g_main_loop_run (loop);
  g_assert_no_error (s.error);
  g_assert_true (s.reading->has_status3);
  g_clear_pointer (&s.reading, vp_meter_reading_free);
}

static void
test_two_links (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VpSimulator) other = NULL;
  g_autofree char *other_link = NULL;
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  AsyncState s = { loop, f->client, NULL, NULL, order, 3 };

  start_simulator (&other, &other_link, data, "e:000000000077/energy=7.77");
  /* Link 1 is busy for ~1 s with a silent meter; link 2 must not wait for it, while a
   * second request on link 1 must. */
  vp_meter_client_set_timeouts (f->client, 1000, INTER_BYTE_MS, 1);
  vp_meter_client_read_item_async (f->client, f->link, "000000000002", "00010000", NULL,
                                   read_done_cb, &s);
  vp_meter_client_read_item_async (f->client, f->link, "000000000004", "00010000", NULL,
                                   read_done_cb, &s);
  vp_meter_client_read_item_async (f->client, other_link, "000000000077", "00010000", NULL,
                                   read_done_cb, &s);
  g_main_loop_run (loop);

  g_assert_cmpuint (order->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (order, 0), ==, "000000000077");
  g_assert_cmpstr (g_ptr_array_index (order, 1), ==, "error");
  g_assert_cmpstr (g_ptr_array_index (order, 2), ==, "000000000004");
  g_assert_error (s.error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);
  g_clear_error (&s.error);
  g_clear_pointer (&s.reading, vp_meter_reading_free);
}

static void
count_cb (VpFrameLog            *log,
          const VpFrameLogEntry *entry,
          gpointer               user_data)
{
  GPtrArray *seen = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_ptr_array_add (seen, vp_frame_log_entry_ref ((VpFrameLogEntry *) entry));
}

static void
test_frame_log (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_frame_log_entry_unref);
  VpFrameLog *log = vp_meter_client_get_frame_log (f->client);
  guint id;

  id = vp_frame_log_add_listener (log, g_main_context_default (), count_cb, seen, NULL);
  reading = vp_meter_client_read_item (f->client, f->link, "000000000161", "00010000", NULL,
                                       &error);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_TIMEOUT);
  g_clear_error (&error);
  reading = vp_meter_client_read_item (f->client, f->link, "000000000001", "00010000", NULL,
                                       &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  vp_frame_log_remove_listener (log, id);

  /* link opened, 3 × (TX + note), TX, RX */
  g_assert_cmpuint (seen->len, ==, 9);
  {
    VpFrameLogEntry *tx = g_ptr_array_index (seen, 7);
    VpFrameLogEntry *rx = g_ptr_array_index (seen, 8);
    g_autofree char *line = vp_frame_log_entry_to_string (rx);

    g_assert_cmpint (tx->kind, ==, VP_FRAME_LOG_TX);
    g_assert_cmpstr (tx->hex, ==, "FE FE FE FE 68 01 00 00 00 00 00 68 11 04 33 33 34 33 B3 16");
    g_assert_nonnull (strstr (tx->description, "000000000001"));
    g_assert_cmpint (rx->kind, ==, VP_FRAME_LOG_RX);
    g_assert_nonnull (strstr (rx->description, "1234.56"));
    g_assert_nonnull (strstr (line, " RX 68 01 00 00 00 00 00 68 91 08"));
    g_assert_nonnull (strstr (((VpFrameLogEntry *) g_ptr_array_index (seen, 2))->description,
                              "try 1 of 3"));
  }
}

static void
command_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncState *s = user_data;

  if (!vp_meter_client_command_finish (VP_METER_CLIENT (source), result, &s->error))
    g_assert_nonnull (s->error);
  g_main_loop_quit (s->loop);
}

static void
test_write_item (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(VpMeterReading) reading = NULL;
  AsyncState s = { loop, f->client, NULL, NULL, NULL, 1 };

  /* A money limit (alarm 1) on the money-prepaid meter, then read back. */
  g_assert_true (vp_meter_client_write_item (f->client, f->link, "000010604867", NULL,
                                             "04001001", "20.00", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state_of (f, "000010604867").money_limits[0], ==, 2000);
  reading = vp_meter_client_read_item (f->client, f->link, "000010604867", "04001001", NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->value, ==, "20.00");

  vp_meter_client_write_item_async (f->client, f->link, "000010604867", NULL, "04001002",
                                    "10.50", NULL, command_done_cb, &s);
  g_main_loop_run (loop);
  g_assert_no_error (s.error);
  g_assert_cmpint (state_of (f, "000010604867").money_limits[1], ==, 1050);

  /* Text the item cannot hold never reaches the wire. */
  g_assert_false (vp_meter_client_write_item (f->client, f->link, "000010604867", NULL,
                                              "04001001", "20.001", NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* A read-only item: the meter refuses. */
  g_assert_false (vp_meter_client_write_item (f->client, f->link, "000010604867", NULL,
                                              "00010000", "1.00", NULL, &error));
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_NAK);
}

/* The gateway hangs up and comes back on the same port: the next request reconnects. */
static void
test_reconnect (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpMeterClient) client = vp_meter_client_new ();
  g_autoptr(VpMeterReading) reading = NULL;
  g_autofree char *link = NULL;
  g_autofree char *host_port = NULL;
  VpSimulator *sim;
  guint16 port;

  vp_meter_client_set_timeouts (client, RESPONSE_MS, INTER_BYTE_MS, TRIES);
  start_simulator (&sim, &link, "tcp", "e:000000000001/energy=1.00");
  reading = vp_meter_client_read_item (client, link, "000000000001", "00010000", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reading, vp_meter_reading_free);
  {
    g_autoptr(VpLinkUri) uri = vp_link_uri_parse (link, &error);

    g_assert_no_error (error);
    port = uri->port;
  }
  vp_simulator_free (sim);

  /* Gone: a clear error, not a hang. */
  reading = vp_meter_client_read_item (client, link, "000000000001", "00010000", NULL, &error);
  g_assert_null (reading);
  g_assert_error (error, VP_DEVICE_ERROR, VP_DEVICE_ERROR_OPEN_FAILED);
  g_clear_error (&error);

  sim = vp_simulator_new ();
  vp_simulator_set_line (sim, 9600, 11);
  g_assert_true (vp_simulator_add_meters (sim, "e:000000000001/energy=2.00", &error));
  host_port = g_strdup_printf ("127.0.0.1:%u", port);
  g_assert_cmpuint (vp_simulator_listen_tcp (sim, host_port, &error), ==, port);
  g_assert_true (vp_simulator_start (sim, &error));
  reading = vp_meter_client_read_item (client, link, "000000000001", "00010000", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->value, ==, "2.00");
  vp_simulator_free (sim);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The setup: a socat pty pair as a virtual null-modem cable, the simulator on
 * one end (as meters on a bus), the client on the other (PLATFORM.md, "Serial ports"). */
static void
test_socat (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) socat = NULL;
  g_autoptr(VpMeterClient) client = NULL;
  g_autoptr(VpMeterReading) reading = NULL;
  g_autofree char *socat_path = g_find_program_in_path ("socat");
  g_autofree char *dir = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *arg_a = NULL;
  g_autofree char *arg_b = NULL;
  g_autofree char *meter_end = NULL;
  g_autofree char *client_end = NULL;
  VpSimulator *sim;
  gint64 deadline;

  if (socat_path == NULL)
    {
      g_test_skip ("socat is not installed");
      return;
    }
  dir = g_dir_make_tmp ("vp-socat-XXXXXX", &error);
  g_assert_no_error (error);
  a = g_build_filename (dir, "client", NULL);
  b = g_build_filename (dir, "meters", NULL);
  arg_a = g_strdup_printf ("pty,raw,echo=0,link=%s", a);
  arg_b = g_strdup_printf ("pty,raw,echo=0,link=%s", b);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  /* A failed assertion aborts without cleanup: socat goes with us. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  socat = g_subprocess_launcher_spawn (launcher, &error, socat_path, arg_a, arg_b, NULL);
  g_assert_no_error (error);

  /* socat makes its links once both ptys exist. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!(g_file_test (a, G_FILE_TEST_EXISTS) && g_file_test (b, G_FILE_TEST_EXISTS)))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }

  sim = vp_simulator_new ();
  vp_simulator_set_line (sim, 9600, 11);
  vp_simulator_set_turnaround (sim, 5);
  g_assert_true (vp_simulator_add_meters (sim, "e:000010604867/energy=26.00,"
                                               "w:00000000000012/volume=3.25", &error));
  meter_end = g_strdup_printf ("serial:%s?baud=9600&parity=none", b);
  g_assert_true (vp_simulator_attach_serial (sim, meter_end, &error));
  g_assert_no_error (error);
  g_assert_true (vp_simulator_start (sim, &error));

  client = vp_meter_client_new ();
  vp_meter_client_set_timeouts (client, 500, INTER_BYTE_MS, TRIES);
  client_end = g_strdup_printf ("serial:%s?baud=9600&parity=none", a);
  reading = vp_meter_client_read_item (client, client_end, "000010604867",
                                       "energy.forward.total", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->value, ==, "26.00");
  g_clear_pointer (&reading, vp_meter_reading_free);
  reading = vp_meter_client_water_read (client, client_end, "00000000000012", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reading->value, ==, "3.25");
  g_assert_true (vp_meter_client_remote_control (client, client_end, "000010604867", NULL,
                                                 VP_DLT645_CONTROL_ACTION_TRIP, 0, NULL, &error));
  g_assert_no_error (error);

  vp_simulator_free (sim);
  g_subprocess_send_signal (socat, SIGTERM);
  g_subprocess_wait (socat, NULL, NULL);
  g_rmdir (dir);
}

/* ---- the frame log on its own --------------------------------------------------- */

static void
sync_count_cb (VpFrameLog            *log,
               const VpFrameLogEntry *entry,
               gpointer               user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

static gpointer
append_thread (gpointer data)
{
  static const guint8 frame[] = { 0x68, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x94, 0x00,
                                  0x65, 0x16 };

  for (int i = 0; i < 500; i++)
    vp_frame_log_add_frame (data, "tcp://gw:1", VP_FRAME_LOG_RX, frame, sizeof frame,
                            VP_FRAME_PROTOCOL_AUTO);
  return NULL;
}

static void
test_frame_log_ring (void)
{
  g_autoptr(VpFrameLog) log = vp_frame_log_new (100);
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *line = NULL;
  GThread *threads[4];
  gint count = 0;
  guint id;
  VpFrameLogEntry *entry;
  static const guint8 bad[] = { 0x68, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x68, 0x94, 0x00,
                                0x66, 0x16 };

  id = vp_frame_log_add_listener (log, NULL, sync_count_cb, &count, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("append", append_thread, log);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (count, ==, 2000);

  /* The ring keeps the newest 100. */
  vp_frame_log_add_note (log, "tcp://gw:1", "no answer within %u ms", 200u);
  vp_frame_log_remove_listener (log, id);
  vp_frame_log_add_frame (log, "tcp://gw:1", VP_FRAME_LOG_RX, bad, sizeof bad,
                          VP_FRAME_PROTOCOL_AUTO);
  g_assert_cmpint (count, ==, 2001);
  entries = vp_frame_log_get_entries (log);
  g_assert_cmpuint (entries->len, ==, 100);

  entry = g_ptr_array_index (entries, 98);
  g_assert_cmpint (entry->kind, ==, VP_FRAME_LOG_NOTE);
  line = vp_frame_log_entry_to_string (entry);
  g_assert_true (g_str_has_suffix (line, " tcp://gw:1 -- no answer within 200 ms"));

  /* A frame that does not decode is kept, with the reason. */
  entry = g_ptr_array_index (entries, 99);
  g_assert_cmpstr (entry->hex, ==, "68 01 00 00 00 00 00 68 94 00 66 16");
  g_assert_true (g_str_has_prefix (entry->description, "bad frame: "));
  g_assert_nonnull (strstr (entry->description, "checksum"));

  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (entry->kind, ==, VP_FRAME_LOG_RX);
  g_assert_nonnull (strstr (entry->description, "dlt645 000000000001"));

  vp_frame_log_clear (log);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = vp_frame_log_get_entries (log);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
add (const char *name,
     void (*func) (Fixture *, gconstpointer))
{
  static const char * const transports[] = { "pty", "tcp" };

  for (guint i = 0; i < G_N_ELEMENTS (transports); i++)
    {
      g_autofree char *path = g_strdup_printf ("/vp/meter-client/%s/%s", transports[i], name);

      g_test_add (path, Fixture, transports[i], fixture_setup, func, fixture_teardown);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add ("read-items", test_read_items);
  add ("read-errors", test_read_errors);
  add ("read-address", test_read_address);
  add ("write-time", test_write_time);
  add ("wrong-password", test_wrong_password);
  add ("control", test_control);
  add ("control-expired", test_control_expired);
  add ("water", test_water);
  add ("fault-no-reply", test_fault_no_reply);
  add ("fault-checksum", test_fault_checksum);
  add ("fault-garbage", test_fault_garbage);
  add ("fault-slow", test_fault_slow);
  add ("cancel", test_cancel);
  add ("async", test_async_ops);
  add ("two-links", test_two_links);
  add ("frame-log", test_frame_log);
  add ("write-item", test_write_item);
  g_test_add_func ("/vp/meter-client/tcp/reconnect", test_reconnect);
  g_test_add_func ("/vp/frame-log/ring", test_frame_log_ring);
  g_test_add_func ("/vp/meter-client/socat/read-control", test_socat);

  return g_test_run ();
}
