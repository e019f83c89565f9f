/* test-engine.c: reading cycles, charging, alarms, trip/close and the command queue
 *
 * The meters are a real implementation of VpMeterGateway that lives in this file:
 * registers, relays and clocks the test drives, links that can be cut, replies that
 * can be lost after the meter acted. Everything else — database, ledger, tariffs, engine —
 * is the real thing.
 */
#include "config.h"


#include "vp-anomaly.h"
#include "vp-batch.h"
#include "vp-report.h"
#include "vp-tariff-store.h"
#include "vp-test-engine.h"

/* ───────────── the test meters ───────────── */

typedef struct
{
  gint64         total;
  VpSupplyState  supply;
  gboolean       keep_power;
  gboolean       alarm;
  gboolean       lose_next_reply;   /* act on the next control, then "time out" */
  gboolean       has_balance;
  gint64         balance;
  guint          controls;          /* controls the meter acted on */
  guint          reads;
  gboolean       has_clock;         /* reports meter_time: station clock + offset */
  gint64         clock_offset;      /* seconds */
  gboolean       refuse_time;       /* answers a clock write with "wrong password" */
  gboolean       ignore_time;       /* acknowledges a clock write, keeps its clock */
  guint          time_writes;
  gint64         time_written;      /* the last time a clock write carried */
} TestMeter;

#define TEST_TYPE_GATEWAY (test_gateway_get_type ())
G_DECLARE_FINAL_TYPE (TestGateway, test_gateway, TEST, GATEWAY, GObject)

struct _TestGateway
{
  GObject     parent_instance;
  GMutex      lock;
  GHashTable *meters;       /* address → TestMeter */
  GHashTable *dead_links;   /* link → link */
  const gint64 *station;    /* the fixture's clock, which the meters' clocks follow */
};

static void test_gateway_iface_init (VpMeterGatewayInterface *iface);

G_DEFINE_TYPE_WITH_CODE (TestGateway, test_gateway, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (VP_TYPE_METER_GATEWAY, test_gateway_iface_init))

static TestMeter *
gateway_meter (TestGateway          *self,
               const VpMeterTarget  *target,
               GError              **error)
{
  TestMeter *meter;

  if (g_hash_table_contains (self->dead_links, target->link))
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_LINK_DOWN,
                   "link %s is down", target->link);
      return NULL;
    }
  meter = g_hash_table_lookup (self->meters, target->address);
  if (meter == NULL)
    g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_NO_ANSWER,
                 "meter %s does not answer", target->address);
  return meter;
}

static gboolean
test_gateway_read (VpMeterGateway       *gateway,
                   const VpMeterTarget  *target,
                   VpMeterSample        *out,
                   GCancellable         *cancellable,
                   GError              **error)
{
  TestGateway *self = TEST_GATEWAY (gateway);
  TestMeter *meter;

  g_mutex_lock (&self->lock);
  meter = gateway_meter (self, target, error);
  if (meter != NULL)
    {
      meter->reads++;
      if (meter->has_clock)
        out->meter_time = *self->station + meter->clock_offset;
      out->total = meter->total;
      out->supply = meter->supply;
      out->has_balance = meter->has_balance;
      out->balance = meter->balance;
    }
  g_mutex_unlock (&self->lock);
  return meter != NULL;
}

static gboolean
test_gateway_control (VpMeterGateway       *gateway,
                      const VpMeterTarget  *target,
                      VpControl             control,
                      GCancellable         *cancellable,
                      GError              **error)
{
  TestGateway *self = TEST_GATEWAY (gateway);
  TestMeter *meter;
  gboolean ok = FALSE;

  g_mutex_lock (&self->lock);
  meter = gateway_meter (self, target, error);
  if (meter != NULL)
    {
      meter->controls++;
      if (control == VP_CONTROL_TRIP && !meter->keep_power)
        meter->supply = VP_SUPPLY_OFF;
      else if (control == VP_CONTROL_CLOSE)
        meter->supply = VP_SUPPLY_ON;
      else if (control == VP_CONTROL_KEEP_POWER_ON || control == VP_CONTROL_KEEP_POWER_OFF)
        meter->keep_power = control == VP_CONTROL_KEEP_POWER_ON;
      else if (control == VP_CONTROL_ALARM_ON || control == VP_CONTROL_ALARM_OFF)
        meter->alarm = control == VP_CONTROL_ALARM_ON;
      ok = !meter->lose_next_reply;
      if (!ok)
        g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_NO_ANSWER,
                     "meter %s: no reply", target->address);
      meter->lose_next_reply = FALSE;
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

/* A supply read is a read of the meter's status: the same exchange. */
static gboolean
test_gateway_read_supply (VpMeterGateway       *gateway,
                          const VpMeterTarget  *target,
                          VpSupplyState        *out,
                          GCancellable         *cancellable,
                          GError              **error)
{
  VpMeterSample sample = { 0 };

  if (!test_gateway_read (gateway, target, &sample, cancellable, error))
    return FALSE;
  *out = sample.supply;
  return TRUE;
}

/* Water meters answer as the devices gateway does: no remote clock. */
static gboolean
test_gateway_write_time (VpMeterGateway       *gateway,
                         const VpMeterTarget  *target,
                         gint64                unix_seconds,
                         GCancellable         *cancellable,
                         GError              **error)
{
  TestGateway *self = TEST_GATEWAY (gateway);
  TestMeter *meter;
  gboolean ok = FALSE;

  if (target->kind == VP_METER_KIND_WATER)
    {
      g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_UNSUPPORTED,
                   "water meter %s cannot have its clock set remotely", target->address);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  meter = gateway_meter (self, target, error);
  if (meter != NULL && meter->refuse_time)
    g_set_error (error, VP_GATEWAY_ERROR, VP_GATEWAY_ERROR_REFUSED,
                 "meter %s refused: wrong password", target->address);
  else if (meter != NULL)
    {
      meter->time_writes++;
      meter->time_written = unix_seconds;
      if (!meter->ignore_time)
        meter->clock_offset = unix_seconds - *self->station;
      ok = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

static void
test_gateway_iface_init (VpMeterGatewayInterface *iface)
{
  iface->read = test_gateway_read;
  iface->control = test_gateway_control;
  iface->read_supply = test_gateway_read_supply;
  iface->write_time = test_gateway_write_time;
}

static void
test_gateway_finalize (GObject *object)
{
  TestGateway *self = TEST_GATEWAY (object);

  g_hash_table_unref (self->meters);
  g_hash_table_unref (self->dead_links);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (test_gateway_parent_class)->finalize (object);
}

static void
test_gateway_class_init (TestGatewayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_gateway_finalize;
}

static void
test_gateway_init (TestGateway *self)
{
  g_mutex_init (&self->lock);
  self->meters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->dead_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The same meters behind a gateway that cannot set clocks (no write_time), as the
 * gateways written before set-time existed. */
#define BARE_TYPE_GATEWAY (bare_gateway_get_type ())
G_DECLARE_FINAL_TYPE (BareGateway, bare_gateway, BARE, GATEWAY, TestGateway)

struct _BareGateway
{
  TestGateway parent_instance;
};

static void
bare_gateway_iface_init (VpMeterGatewayInterface *iface)
{
  iface->write_time = NULL;     /* the rest is copied from TestGateway's */
}

G_DEFINE_TYPE_WITH_CODE (BareGateway, bare_gateway, TEST_TYPE_GATEWAY,
                         G_IMPLEMENT_INTERFACE (VP_TYPE_METER_GATEWAY, bare_gateway_iface_init))

static void
bare_gateway_class_init (BareGatewayClass *klass)
{
}

static void
bare_gateway_init (BareGateway *self)
{
}

static TestMeter *
test_gateway_add (TestGateway *self,
                  const char  *address)
{
  TestMeter *meter = g_new0 (TestMeter, 1);

  meter->supply = VP_SUPPLY_ON;
  g_hash_table_insert (self->meters, g_strdup (address), meter);
  return meter;
}

/* ───────────── fixture ───────────── */

typedef struct
{
  VpTestCounter  c;
  TestGateway   *gateway;
  VpEngine      *engine;
  gint64         now;
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *f = user_data;

  return f->now;
}

/* 2026-11-23 10:00 UTC, a Monday */
#define MONDAY_10AM ((gint64) 1795428000)

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  VpTariffVersion flat = { .scheme = VP_TARIFF_FLAT, .rates = { 10000 } };  /* 1 yuan/kWh */

  vp_test_counter_setup (&f->c, data);
  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "flat", VP_UTILITY_ELECTRICITY,
                                      &flat, NULL, &error));
  g_assert_no_error (error);
  f->gateway = g_object_new (data != NULL ? BARE_TYPE_GATEWAY : TEST_TYPE_GATEWAY, NULL);
  f->gateway->station = &f->now;
  f->engine = vp_engine_new (f->c.db, VP_METER_GATEWAY (f->gateway));
  f->now = MONDAY_10AM;
  vp_engine_set_clock (f->engine, fixture_clock, f);
  g_assert_true (vp_shift_open (f->c.db, f->c.cashier, 10000, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->engine, vp_engine_free);
  g_clear_object (&f->gateway);
  vp_test_counter_teardown (&f->c, data);
}

/* An account on tariff "flat" with alarms at 20 and 10 yuan, trip at 0, topped up with
 * @topup fen, and one electricity meter per address on @link. */
static char *
open_account (Fixture     *f,
              gint64       topup,
              const char  *link,
              const char **addresses)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAccount) account = NULL;
  VpAccountSpec spec;

  vp_account_spec_init (&spec);
  spec.name = "王芳";
  spec.phone = "13800000000";
  spec.tariff = "flat";
  spec.alarm1 = 2000;
  spec.alarm2 = 1000;
  spec.trip = 0;
  spec.opening_topup = topup;
  spec.method = VP_PAYMENT_CASH;
  g_assert_true (vp_account_open (f->c.db, f->c.cashier, &spec, &account, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      VpMeterSpec meter;

      vp_meter_spec_init (&meter);
      meter.kind = VP_METER_KIND_ELECTRICITY;
      meter.protocol = VP_METER_PROTOCOL_DLT645;
      meter.address = addresses[i];
      meter.link = link;
      g_assert_true (vp_account_add_meter (f->c.db, f->c.admin, account->number, &meter,
                                           NULL, &error));
      g_assert_no_error (error);
      test_gateway_add (f->gateway, addresses[i]);
    }
  return g_strdup (account->number);
}

static TestMeter *
meter (Fixture    *f,
       const char *address)
{
  return g_hash_table_lookup (f->gateway->meters, address);
}

/* A full cycle, or with @readings FALSE only the pending commands, at the clock. */
static void
engine_pass (Fixture       *f,
             gboolean       readings,
             VpCycleReport *report)
{
  g_autoptr(GError) error = NULL;

  vp_cycle_report_clear (report);
  g_assert_true (readings ? vp_engine_run_cycle (f->engine, report, NULL, &error)
                          : vp_engine_send_commands (f->engine, report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report->errors, ==, 0);
}

/* Runs one cycle an hour after the last one. */
static void
cycle (Fixture       *f,
       VpCycleReport *report)
{
  f->now += 3600;
  engine_pass (f, TRUE, report);
}

static void
send_commands (Fixture       *f,
               VpCycleReport *report)
{
  engine_pass (f, FALSE, report);
}

static gint64
query (Fixture    *f,
       const char *format,
       ...) G_GNUC_PRINTF (2, 3);

static gint64
query (Fixture    *f,
       const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return vp_test_counter_query (&f->c, sql);
}

static gint64
balance (Fixture    *f,
         const char *number)
{
  return query (f, "SELECT balance FROM accounts WHERE number = '%s'", number);
}

static void
topup (Fixture    *f,
       const char *number,
       gint64      amount,
       guint       expect_queued)
{
  vp_test_engine_topup (&f->c, number, amount, expect_queued);
}

/* ───────────── tests ───────────── */

/* 50 yuan, 10 kWh an hour at 1 yuan: alarm 1 at 20, alarm 2 at 10 (once each), trip
 * at 0 verified on the meter, a top-up closes it with one round trip. */
static void
test_engine_prepaid_story (Fixture       *f,
                           gconstpointer  data)
{
  const char *addresses[] = { "000000000001", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000001");
  VpCycleReport report = { 0 };
  g_autoptr(GPtrArray) alarms = NULL;
  g_autoptr(GPtrArray) commands = NULL;

  for (int hour = 1; hour <= 5; hour++)
    {
      m->total += 1000;
      cycle (f, &report);
      g_assert_cmpuint (report.charged, ==, 1);
      g_assert_cmpint (balance (f, number), ==, 5000 - hour * 1000);
    }
  /* the trip was queued by the charge and sent in the same cycle, then confirmed */
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms WHERE level = 'alarm1'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms WHERE level = 'alarm2'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms WHERE level = 'trip'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM outbox WHERE text_zh LIKE '%%王芳%%' "
                             "AND text_en LIKE '%%000000000001%%' AND recipient = '13800000000'"),
                   ==, 3);

  /* more cycles, nothing consumed, nothing repeated */
  for (int i = 0; i < 3; i++)
    cycle (f, &report);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms"), ==, 3);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands"), ==, 1);
  g_assert_cmpuint (m->controls, ==, 1);

  /* a top-up above the trip threshold queues the close; one send restores supply */
  topup (f, number, 3000, 1);
  vp_cycle_report_clear (&report);
  g_assert_true (vp_engine_send_commands (f->engine, &report, NULL, NULL));
  g_assert_cmpuint (report.commands_sent, ==, 1);
  g_assert_cmpuint (report.commands_confirmed, ==, 1);
  g_assert_cmpuint (report.read, ==, 0);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_ON);

  commands = vp_engine_list_commands (f->c.db, number, 0, NULL);
  g_assert_cmpuint (commands->len, ==, 2);
  g_assert_cmpstr (((VpCommand *) commands->pdata[0])->state, ==, "confirmed");
  g_assert_cmpint (((VpCommand *) commands->pdata[0])->action, ==, VP_CONTROL_CLOSE);
  g_assert_cmpstr (((VpCommand *) commands->pdata[0])->origin, ==, "topup");
  g_assert_cmpstr (((VpCommand *) commands->pdata[1])->state, ==, "confirmed");
  g_assert_cmpint (((VpCommand *) commands->pdata[1])->action, ==, VP_CONTROL_TRIP);

  /* balance 30 is clear of alarm 1 + hysteresis: a new fall warns again, once */
  m->total += 1500;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 1500);
  alarms = vp_engine_list_alarms (f->c.db, number, 0, NULL);
  g_assert_cmpuint (alarms->len, ==, 4);
  g_assert_cmpstr (((VpAlarm *) alarms->pdata[0])->level, ==, "alarm1");
  g_assert_cmpint (((VpAlarm *) alarms->pdata[0])->balance, ==, 1500);
  vp_cycle_report_clear (&report);
}

/* Hysteresis: a balance that wobbles around alarm 1 raises it once. */
static void
test_engine_hysteresis (Fixture       *f,
                        gconstpointer  data)
{
  const char *addresses[] = { "000000000002", NULL };
  g_autofree char *number = open_account (f, 2050, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000002");
  VpCycleReport report = { 0 };

  m->total = 100;               /* 1 kWh: 20.50 → 19.50, below alarm 1 */
  cycle (f, &report);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms"), ==, 1);
  topup (f, number, 100, 0);    /* 20.50: above alarm 1 but within the hysteresis */
  m->total = 200;
  cycle (f, &report);           /* 19.50 again: no second alarm */
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms"), ==, 1);
  topup (f, number, 200, 0);    /* 21.50: clear by more than 1.00 */
  cycle (f, &report);
  m->total = 300;
  cycle (f, &report);           /* 20.50: the level fell back, nothing raised */
  m->total = 400;
  cycle (f, &report);           /* 19.50: warned again */
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM alarms"), ==, 2);
  vp_cycle_report_clear (&report);
}

/* Keep-power blocks the trip; clearing it trips at the next cycle. Manual control is
 * audited and needs a reason and the permission. */
static void
test_engine_keep_power (Fixture       *f,
                        gconstpointer  data)
{
  const char *addresses[] = { "000000000003", NULL };
  g_autofree char *number = open_account (f, 500, "tcp://gw2:8899", addresses);
  TestMeter *m = meter (f, "000000000003");
  VpCycleReport report = { 0 };
  g_autoptr(GError) error = NULL;
  guint queued = 0;

  g_assert_false (vp_engine_control (f->c.db, f->c.cashier, number, "keep-power", "ill",
                                     NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_engine_control (f->c.db, f->c.technician, number, "keep-power", "  ",
                                     NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, "keep-power",
                                    "patient on oxygen", &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, 1);

  m->total = 1000;              /* 10 kWh: balance -5.00 */
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, -500);
  g_assert_true (m->keep_power);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_ON);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'trip'"), ==, 0);

  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, "keep-power-clear",
                                    "recovered", NULL, &error));
  g_assert_no_error (error);
  cycle (f, &report);
  g_assert_false (m->keep_power);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM audit WHERE action = 'meter.control'"), ==, 2);

  /* the meter's alarm, on and off */
  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, "alarm", "pay soon",
                                    &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, 1);
  cycle (f, &report);
  g_assert_true (m->alarm);
  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, "alarm-clear", "paid",
                                    NULL, &error));
  cycle (f, &report);
  g_assert_false (m->alarm);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action LIKE 'alarm%%' "
                             "AND state = 'confirmed'"), ==, 2);
  g_assert_false (vp_engine_control (f->c.db, f->c.technician, number, "explode", "x",
                                     NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  vp_cycle_report_clear (&report);
}

/* A friendly period (weekend) makes the trip wait until it ends. */
static void
test_engine_friendly_period (Fixture       *f,
                             gconstpointer  data)
{
  const char *addresses[] = { "000000000004", NULL };
  g_autofree char *number = open_account (f, 500, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000004");
  VpCycleReport report = { 0 };

  g_assert_true (vp_database_set_setting (f->c.db, VP_ENGINE_FRIENDLY_WEEKENDS_KEY, "true", NULL));
  g_assert_true (vp_database_set_setting (f->c.db, VP_ENGINE_FRIENDLY_NIGHTS_KEY, "22:00-06:00", NULL));
  f->now = MONDAY_10AM - 2 * 24 * 3600;      /* Saturday 10:00 */
  g_assert_true (vp_engine_friendly_at (f->c.db, f->now + 3600));
  g_assert_false (vp_engine_friendly_at (f->c.db, MONDAY_10AM));
  g_assert_true (vp_engine_friendly_at (f->c.db, MONDAY_10AM + 13 * 3600));   /* 23:00 */
  g_assert_true (vp_engine_friendly_at (f->c.db, MONDAY_10AM - 5 * 3600));    /* 05:00 */

  m->total = 1000;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, -500);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_ON);
  g_assert_cmpint (query (f, "SELECT trip_deferred FROM account_control"), ==, 1);

  f->now = MONDAY_10AM - 3600;
  cycle (f, &report);           /* Monday 10:00: the trip goes */
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  g_assert_cmpint (query (f, "SELECT trip_deferred FROM account_control"), ==, 0);
  vp_cycle_report_clear (&report);
}

/* A dead link and a silent meter do not stop the others; offline meters back off. */
static void
test_engine_offline (Fixture       *f,
                     gconstpointer  data)
{
  const char *good[] = { "000000000010", NULL };
  const char *dead[] = { "000000000011", "000000000012", NULL };
  const char *silent[] = { "000000000013", NULL };
  g_autofree char *a = open_account (f, 5000, "tcp://good:1", good);
  g_autofree char *b = open_account (f, 5000, "tcp://dead:1", dead);
  g_autofree char *c = open_account (f, 5000, "tcp://good:1", silent);
  VpCycleReport report = { 0 };
  gint64 first_failure;

  g_hash_table_add (f->gateway->dead_links, g_strdup ("tcp://dead:1"));
  g_hash_table_remove (f->gateway->meters, "000000000013");
  meter (f, "000000000010")->total = 500;

  cycle (f, &report);
  first_failure = f->now;
  g_assert_cmpuint (report.meters, ==, 4);
  g_assert_cmpuint (report.links, ==, 2);
  g_assert_cmpuint (report.read, ==, 1);
  g_assert_cmpuint (report.offline, ==, 3);
  g_assert_cmpint (balance (f, a), ==, 4500);
  /* the second meter of the dead link was not tried: the link was down */
  g_assert_cmpuint (meter (f, "000000000012")->reads, ==, 0);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM meter_state WHERE failures = 1 "
                             "AND last_error IS NOT NULL AND last_contact = 0"), ==, 3);

  /* back-off: retried at the next cycle, then the second failure waits about one
   * interval more */
  f->now += 900 - 3600;
  cycle (f, &report);           /* 15 minutes later */
  g_assert_cmpint (query (f, "SELECT MAX (failures) FROM meter_state"), ==, 2);
  g_assert_cmpint (query (f, "SELECT MIN (next_retry) FROM meter_state WHERE failures = 2"),
                   >, first_failure + 900);
  f->now += 300 - 3600;
  cycle (f, &report);           /* 5 minutes later: still waiting */
  g_assert_cmpuint (report.offline, ==, 3);
  g_assert_cmpint (query (f, "SELECT MAX (failures) FROM meter_state"), ==, 2);

  /* the link comes back: readings resume and the failure count resets */
  g_hash_table_remove_all (f->gateway->dead_links);
  f->now += 2 * 3600;
  cycle (f, &report);
  g_assert_cmpuint (report.read, ==, 3);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM meter_state WHERE failures = 0 "
                             "AND last_contact > 0"), ==, 3);
  g_assert_cmpint (balance (f, b), ==, 5000);
  g_assert_cmpint (balance (f, c), ==, 5000);
  vp_cycle_report_clear (&report);
}

/* The meter tripped but the reply was lost: the retry reads the relay first and
 * confirms without sending the trip a second time. */
static void
test_engine_lost_reply (Fixture       *f,
                        gconstpointer  data)
{
  const char *addresses[] = { "000000000020", NULL };
  g_autofree char *number = open_account (f, 500, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000020");
  VpCycleReport report = { 0 };
  g_autoptr(GPtrArray) commands = NULL;

  m->total = 1000;
  m->lose_next_reply = TRUE;
  cycle (f, &report);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  g_assert_cmpuint (m->controls, ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state = 'queued' "
                             "AND attempts = 1 AND last_error IS NOT NULL"), ==, 1);

  cycle (f, &report);           /* an hour later: past the 30 s back-off */
  g_assert_cmpuint (m->controls, ==, 1);
  commands = vp_engine_list_commands (f->c.db, number, 0, NULL);
  g_assert_cmpuint (commands->len, ==, 1);
  g_assert_cmpstr (((VpCommand *) commands->pdata[0])->state, ==, "confirmed");
  g_assert_cmpint (((VpCommand *) commands->pdata[0])->attempts, ==, 2);
  vp_cycle_report_clear (&report);
}

/* A command left 'sent' by a process that died is taken over and not repeated when
 * it already took effect; one held by a live process is left alone. */
static void
test_engine_dead_sender (Fixture       *f,
                         gconstpointer  data)
{
  const char *addresses[] = { "000000000030", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000030");
  VpCycleReport report = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, "trip", "test",
                                    NULL, &error));
  g_assert_no_error (error);
  vp_test_engine_orphan_queued (&f->c, vp_test_engine_dead_pid (), f->now + 86400);
  m->supply = VP_SUPPLY_OFF;    /* it got through before the sender died */

  cycle (f, &report);
  g_assert_cmpuint (m->controls, ==, 0);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state = 'confirmed'"), ==, 1);
  /* a manual trip is not undone by the balance rule (the balance is fine) */
  cycle (f, &report);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands"), ==, 1);

  /* a live owner's lease is respected */
  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, "close", "test",
                                    NULL, &error));
  g_assert_no_error (error);
  vp_test_engine_orphan_queued (&f->c, getppid (), f->now + 86400);
  cycle (f, &report);
  g_assert_cmpuint (m->controls, ==, 0);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state = 'sent'"), ==, 1);
  vp_cycle_report_clear (&report);
}

/* Backwards and jumping registers are not charged and open one anomaly. */
static void
test_engine_anomaly (Fixture       *f,
                     gconstpointer  data)
{
  const char *addresses[] = { "000000000040", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000040");
  VpCycleReport report = { 0 };

  m->total = 500;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4500);
  m->total = 400;
  cycle (f, &report);
  g_assert_cmpuint (report.anomalies, ==, 1);
  cycle (f, &report);
  g_assert_cmpuint (report.anomalies, ==, 1);
  g_assert_cmpint (balance (f, number), ==, 4500);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE kind = 'backwards'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings WHERE status = 'anomaly'"), ==, 2);

  /* 100 kW for an hour is the most; 500 kWh in an hour is not believed */
  m->total = 500 + 50000;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4500);
  /* the register is back where it belongs: charging resumes from the last good one */
  m->total = 600;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4400);
  vp_cycle_report_clear (&report);
}

typedef struct
{
  VpEngine  *engine;
  gint64     meter_id;
  gint64    *clock;           /* shared, advanced under the lock */
  gint64    *total;
  GMutex    *lock;
  guint      stored;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;

  for (guint i = 0; i < 150; i++)
    {
      g_autoptr(GError) error = NULL;
      VpMeterSample sample = { 0 };
      VpReadingOutcome outcome;
      gint64 when;

      /* read the meter: the register and the time go together */
      g_mutex_lock (w->lock);
      *w->clock += 60;
      *w->total += 1 + (*w->clock / 60) % 7;
      sample.total = *w->total;
      when = *w->clock;
      g_mutex_unlock (w->lock);

      g_assert_true (vp_engine_store_reading (w->engine, w->meter_id, &sample, when,
                                              &outcome, NULL, &error));
      g_assert_no_error (error);
      if (outcome == VP_READING_CHARGED)
        w->stored++;
    }
  return NULL;
}

/* Two processes' worth of engines (two connections to one file) store readings of the
 * same meter at once: every interval is charged exactly once, with the carry, so the
 * total equals the rounded price of the total consumption. */
static void
test_engine_no_double_charge (Fixture       *f,
                              gconstpointer  data)
{
  const char *addresses[] = { "000000000050", NULL };
  g_autofree char *number = NULL;
  g_autoptr(VpDatabase) other_db = NULL;
  g_autoptr(VpEngine) other = NULL;
  g_autoptr(GError) error = NULL;
  VpTariffVersion odd = { .scheme = VP_TARIFF_FLAT, .rates = { 5283 }, .effective_from = 1 };
  GMutex lock;
  gint64 clock = MONDAY_10AM, total = 0;
  gint64 meter_id;
  Writer w[2];
  GThread *threads[2];

  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "odd", VP_UTILITY_ELECTRICITY,
                                      &odd, NULL, &error));
  g_assert_no_error (error);
  number = open_account (f, 500000, "tcp://gw1:8899", addresses);
  g_assert_true (vp_database_exec (f->c.db, "UPDATE accounts SET tariff = 'odd'", NULL));
  meter_id = query (f, "SELECT id FROM meters");
  other_db = vp_database_open (vp_database_get_path (f->c.db), &error);
  g_assert_no_error (error);
  other = vp_engine_new (other_db, NULL);

  g_mutex_init (&lock);
  for (guint i = 0; i < 2; i++)
    {
      w[i] = (Writer) { i == 0 ? f->engine : other, meter_id, &clock, &total, &lock, 0 };
      threads[i] = g_thread_new ("writer", writer_thread, &w[i]);
    }
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&lock);

  g_assert_cmpuint (w[0].stored + w[1].stored, >, 0);
  g_assert_cmpint (query (f, "SELECT SUM (consumption) FROM readings WHERE status = 'charged'"),
                   ==, query (f, "SELECT MAX (total) FROM readings WHERE status = 'charged'"));
  /* charged = round (price × consumption), whatever the interleaving */
  g_assert_cmpint (500000 - balance (f, number), ==,
                   (query (f, "SELECT MAX (total) FROM readings WHERE status = 'charged'") * 5283
                    + 5000) / 10000);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings WHERE status = 'anomaly'"), ==, 0);
}

/* A TOU tariff is priced from T1..T4: a meter that does not report them is refused
 * (nothing stored), not charged at zero; one that does is charged per rate. */
static void
test_engine_tou_registers (Fixture       *f,
                           gconstpointer  data)
{
  const char *addresses[] = { "000000000070", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  VpTariffVersion tou = { .scheme = VP_TARIFF_TOU, .rates = { 20000, 10000, 5000, 2500 },
                          .effective_from = 1 };
  g_autoptr(GError) error = NULL;
  VpMeterSample sample = { .total = 1000 };
  VpReadingOutcome outcome;
  gint64 meter_id = query (f, "SELECT id FROM meters");

  g_assert_true (vp_tariff_store_add (f->c.db, f->c.admin, "tou", VP_UTILITY_ELECTRICITY,
                                      &tou, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vp_database_exec (f->c.db, "UPDATE accounts SET tariff = 'tou'", NULL));

  g_assert_false (vp_engine_store_reading (f->engine, meter_id, &sample, f->now, &outcome,
                                           NULL, &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings"), ==, 0);

  /* first TOU reading: the baseline (T1..T4 at installation are not on record) */
  sample.has_rates = TRUE;
  sample.rates[0] = 100;
  sample.rates[1] = 200;
  sample.rates[2] = 300;
  sample.rates[3] = 400;
  g_assert_true (vp_engine_store_reading (f->engine, meter_id, &sample, f->now, &outcome,
                                          NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, VP_READING_BASELINE);

  /* +1 kWh on each rate: 2.00 + 1.00 + 0.50 + 0.25 */
  for (guint r = 0; r < 4; r++)
    sample.rates[r] += 100;
  sample.total += 400;
  g_assert_true (vp_engine_store_reading (f->engine, meter_id, &sample, f->now + 3600,
                                          &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, VP_READING_CHARGED);
  g_assert_cmpint (balance (f, number), ==, 5000 - 375);
  g_assert_cmpint (query (f, "SELECT consumption FROM readings WHERE status = 'charged'"), ==, 400);
}

/* Stores one reading of @meter_id @hours after the fixture's clock; @rates NULL: the
 * meter reports no T1..T4. */
static void
store_at (Fixture          *f,
          gint64            meter_id,
          guint             hours,
          gint64            total,
          const gint64     *rates,
          VpReadingOutcome  expect)
{
  g_autoptr(GError) error = NULL;
  VpMeterSample sample = { .total = total };
  VpReadingOutcome outcome;

  if (rates != NULL)
    {
      sample.has_rates = TRUE;
      memcpy (sample.rates, rates, sizeof sample.rates);
    }
  g_assert_true (vp_engine_store_reading (f->engine, meter_id, &sample, f->now + hours * 3600,
                                          &outcome, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, expect);
}

/* The readings both TOU tests store: meter A (CT × PT = 3) with T1..T4, T1 rolling over
 * past 999999.99 and an anomaly in between; meter B without T1..T4. Returns the
 * expected c1..c4 of each reading in id order (-1 = NULL), 4 per reading. */
static GArray *
tou_story (Fixture *f)
{
  const char *addresses[] = { "000000000080", "000000000081", NULL };
  g_autofree char *number = open_account (f, 500000, "tcp://gw1:8899", addresses);
  gint64 a = query (f, "SELECT id FROM meters WHERE address = '000000000080'");
  gint64 b = query (f, "SELECT id FROM meters WHERE address = '000000000081'");
  static const gint64 expected[] = {
    -1, -1, -1, -1,               /* A: first interval, from the install register */
    40 * 3, 100 * 3, 100 * 3, 100 * 3,
    40 * 3, 100 * 3, 100 * 3, 100 * 3,   /* T1 99999990 → 30: rolled over */
    -1, -1, -1, -1,               /* anomaly: the total went backwards */
    100 * 3, 50 * 3, 100 * 3, 100 * 3,   /* from the last good reading */
    -1, -1, -1, -1,               /* B: no T1..T4 */
    -1, -1, -1, -1,
  };
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* installed near the top of the register, so T1 and the total roll over soon */
  g_assert_true (vp_database_exec (f->c.db, "UPDATE meters SET multiplier = 3,"
                                   " install_reading = 99998000 WHERE address = '000000000080'",
                                   NULL));
  store_at (f, a, 1, 99999000, (gint64[]) { 99999950, 200, 300, 400 }, VP_READING_CHARGED);
  store_at (f, a, 2, 99999400, (gint64[]) { 99999990, 300, 400, 500 }, VP_READING_CHARGED);
  store_at (f, a, 3, 200, (gint64[]) { 30, 400, 500, 600 }, VP_READING_CHARGED);
  store_at (f, a, 4, 100, (gint64[]) { 40, 400, 500, 600 }, VP_READING_ANOMALY);
  store_at (f, a, 5, 500, (gint64[]) { 130, 450, 600, 700 }, VP_READING_CHARGED);
  store_at (f, b, 1, 100, NULL, VP_READING_CHARGED);
  store_at (f, b, 2, 350, NULL, VP_READING_CHARGED);
  g_array_append_vals (out, expected, G_N_ELEMENTS (expected));
  return out;
}

/* c1..c4 of every reading of @db in id order, -1 for NULL. */
static GArray *
stored_tou (VpDatabase *db)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  vp_database_lock (db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (db),
                                       "SELECT c1, c2, c3, c4 FROM readings ORDER BY id", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int k = 0; k < 4; k++)
      {
        gint64 v = sqlite3_column_type (stmt, k) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, k);

        g_array_append_val (out, v);
      }
  sqlite3_finalize (stmt);
  vp_database_unlock (db);
  return out;
}

static void
assert_same_values (GArray *expected,
                    GArray *got)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpint (g_array_index (got, gint64, i), ==, g_array_index (expected, gint64, i));
}

/* The engine stores each charged interval's T1..T4 consumption: register differences
 * × CT × PT, through a rollover, none across an anomaly or without T1..T4. */
static void
test_engine_tou_stored (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GArray) expected = tou_story (f);
  g_autoptr(GArray) got = stored_tou (f->c.db);

  assert_same_values (expected, got);
  /* the total rolled over too: 999994.00 → 2.00 is 8.00 kWh, × 3 */
  g_assert_cmpint (query (f, "SELECT consumption FROM readings WHERE total = 200"), ==, 800 * 3);
}

/* A file from before migration 0010 (readings without c1..c4) gets them from its
 * registers at open: the same values the engine stores. */
static void
test_engine_tou_backfill (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GArray) expected = tou_story (f);
  g_autofree char *path = g_build_filename (f->c.dir, "old.db", NULL);
  g_autofree char *src = g_build_filename (f->c.dir, "vendpoint.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) old = vp_database_open_at_version (path, 9, &error);
  g_autoptr(GArray) got = NULL;
  g_autoptr(GArray) engine = stored_tou (f->c.db);
  sqlite3_stmt *stmt;
  sqlite3 *handle;

  g_assert_no_error (error);
  /* The old file holds the same meters and readings, as the old engine wrote them. */
  handle = vp_database_get_handle (old);
  vp_database_lock (old);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "ATTACH ?1 AS src", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, src, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (handle,
                                 "INSERT INTO customers SELECT * FROM src.customers;"
                                 "INSERT INTO accounts SELECT * FROM src.accounts;"
                                 "INSERT INTO meters SELECT * FROM src.meters;"
                                 "INSERT INTO readings (id, meter_id, meter_time, station_time, total,"
                                 " t1, t2, t3, t4, status, consumption, amount_micro, charged)"
                                 " SELECT id, meter_id, meter_time, station_time, total, t1, t2, t3, t4,"
                                 " status, consumption, amount_micro, charged FROM src.readings;"
                                 "DETACH src", NULL, NULL, NULL), ==, SQLITE_OK);
  vp_database_unlock (old);
  g_clear_pointer (&old, vp_database_unref);

  old = vp_database_open (path, &error);
  g_assert_no_error (error);
  got = stored_tou (old);
  assert_same_values (expected, got);
  assert_same_values (engine, got);
}

/* Money-prepaid meters that disagree with the station show up in the report. */
static void
test_engine_reconcile (Fixture       *f,
                       gconstpointer  data)
{
  const char *addresses[] = { "000000000060", "000000000061", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  VpCycleReport report = { 0 };
  g_autoptr(GPtrArray) rows = NULL;
  VpReconcileRow *row;

  meter (f, "000000000060")->has_balance = TRUE;
  meter (f, "000000000060")->balance = 4000;
  meter (f, "000000000061")->has_balance = TRUE;
  meter (f, "000000000061")->balance = 5000;
  cycle (f, &report);
  rows = vp_engine_reconcile (f->c.db, 0, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  row = rows->pdata[0];
  g_assert_cmpstr (row->account, ==, number);
  g_assert_cmpstr (row->meter_address, ==, "000000000060");
  g_assert_cmpint (row->difference, ==, -1000);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = vp_engine_reconcile (f->c.db, 1000, NULL);
  g_assert_cmpuint (rows->len, ==, 0);
  vp_cycle_report_clear (&report);
}


/* ───────────── set-time ───────────── */

static void
control_ok (Fixture    *f,
            const char *number,
            const char *action,
            guint       expect_queued)
{
  g_autoptr(GError) error = NULL;
  guint queued = 99;

  g_assert_true (vp_engine_control (f->c.db, f->c.technician, number, action, "clock drift",
                                    &queued, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (queued, ==, expect_queued);
}

/* state, attempts and last error of the newest command of @address */
static gint64
command_of (Fixture    *f,
            const char *address,
            const char *condition)
{
  return query (f, "SELECT COUNT(*) FROM commands WHERE id = (SELECT MAX (c.id) FROM commands c "
                "JOIN meters m ON m.id = c.meter_id WHERE m.address = '%s') AND %s",
                address, condition);
}

/* Two meters minutes off get the station's time as it is when the command is sent,
 * hours after it was queued, and are confirmed by their clocks read back. Set-time and
 * supply commands for the same meters leave each other alone; a newer set-time
 * supersedes the older. */
static void
test_engine_set_time (Fixture       *f,
                      gconstpointer  data)
{
  const char *addresses[] = { "000000000090", "000000000091", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *slow = meter (f, "000000000090");
  TestMeter *fast = meter (f, "000000000091");
  VpCycleReport report = { 0 };
  g_autoptr(GPtrArray) commands = NULL;

  slow->has_clock = fast->has_clock = TRUE;
  slow->clock_offset = -7 * 60;
  fast->clock_offset = 3 * 60 + 25;

  control_ok (f, number, "set-time", 2);
  control_ok (f, number, "trip", 2);
  control_ok (f, number, "set-time", 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'set-time' "
                             "AND state = 'superseded'"), ==, 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'trip' "
                             "AND state = 'queued'"), ==, 2);
  control_ok (f, number, "close", 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'trip' "
                             "AND state = 'superseded'"), ==, 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE state = 'queued'"), ==, 4);

  f->now += 5 * 3600;
  send_commands (f, &report);
  g_assert_cmpuint (report.commands_sent, ==, 4);
  g_assert_cmpuint (report.commands_confirmed, ==, 4);
  g_assert_cmpuint (slow->time_writes, ==, 1);
  g_assert_cmpuint (fast->time_writes, ==, 1);
  g_assert_cmpint (slow->time_written, ==, f->now);
  g_assert_cmpint (fast->time_written, ==, f->now);
  g_assert_cmpint (slow->clock_offset, ==, 0);
  g_assert_cmpint (fast->clock_offset, ==, 0);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM commands WHERE action = 'set-time' "
                             "AND state = 'confirmed' AND done_at IS NOT NULL"), ==, 2);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM audit WHERE action = 'meter.control' "
                             "AND after LIKE '%%\"set-time\"%%'"), ==, 2);

  /* newest first: close, close, set-time, set-time */
  commands = vp_engine_list_commands (f->c.db, number, 3, NULL);
  g_assert_cmpuint (commands->len, ==, 3);
  g_assert_cmpint (((VpCommand *) commands->pdata[1])->action, ==, VP_CONTROL_CLOSE);
  g_assert_cmpint (((VpCommand *) commands->pdata[2])->action, ==, VP_CONTROL_SET_TIME);
  g_assert_cmpstr (((VpCommand *) commands->pdata[2])->state, ==, "confirmed");
  g_assert_cmpstr (vp_control_to_string (VP_CONTROL_SET_TIME), ==, "set-time");

  /* nothing left to send */
  send_commands (f, &report);
  g_assert_cmpuint (report.commands_sent, ==, 0);
  vp_cycle_report_clear (&report);
}

/* A meter that refuses fails at once with its reason, as does a water meter; one that
 * acknowledges but keeps its clock is retried with back-off and then fails with what its
 * clock read. 10 s off after the write is set, 11 s is not. */
static void
test_engine_set_time_failures (Fixture       *f,
                               gconstpointer  data)
{
  const char *addresses[] = { "000000000092", "000000000093", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *refuses = meter (f, "000000000092");
  TestMeter *stuck = meter (f, "000000000093");
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };
  VpMeterSpec water;
  guint rounds = 0;

  vp_meter_spec_init (&water);
  water.kind = VP_METER_KIND_WATER;
  water.protocol = VP_METER_PROTOCOL_CJT188;
  water.address = "00000000000094";
  water.link = "tcp://gw1:8899";
  g_assert_true (vp_account_add_meter (f->c.db, f->c.admin, number, &water, NULL, &error));
  g_assert_no_error (error);
  test_gateway_add (f->gateway, "00000000000094");
  g_assert_true (vp_database_set_setting (f->c.db, "engine.command_attempts", "3", NULL));
  refuses->refuse_time = TRUE;
  stuck->has_clock = TRUE;
  stuck->ignore_time = TRUE;
  stuck->clock_offset = -600;

  control_ok (f, number, "set-time", 3);
  send_commands (f, &report);
  g_assert_cmpuint (report.commands_failed, ==, 2);
  g_assert_cmpint (command_of (f, "000000000092", "state = 'failed' AND attempts = 1 "
                               "AND last_error LIKE '%wrong password%'"), ==, 1);
  g_assert_cmpint (command_of (f, "00000000000094", "state = 'failed' AND attempts = 1 "
                               "AND last_error LIKE '%cannot have its clock set remotely%'"),
                   ==, 1);
  g_assert_cmpint (command_of (f, "000000000093", "state = 'queued' AND attempts = 1 "
                               "AND last_error LIKE '%still reads%-600 s%'"), ==, 1);
  g_assert_cmpuint (refuses->time_writes, ==, 0);

  /* backing off: not again at once */
  send_commands (f, &report);
  g_assert_cmpuint (report.commands_sent, ==, 0);
  while (command_of (f, "000000000093", "state = 'queued'") == 1)
    {
      g_assert_cmpuint (++rounds, <, 10);
      f->now += 3600;
      send_commands (f, &report);
    }
  g_assert_cmpint (command_of (f, "000000000093", "state = 'failed' AND attempts = 3 "
                               "AND last_error LIKE '%still reads%'"), ==, 1);
  g_assert_cmpuint (stuck->time_writes, ==, 3);

  /* the tolerance: 10 s off is set, 11 s is not */
  stuck->clock_offset = 10;
  control_ok (f, number, "set-time", 3);
  send_commands (f, &report);
  g_assert_cmpint (command_of (f, "000000000093", "state = 'confirmed'"), ==, 1);
  stuck->clock_offset = -11;
  control_ok (f, number, "set-time", 3);
  send_commands (f, &report);
  g_assert_cmpint (command_of (f, "000000000093", "state = 'queued' AND attempts = 1"), ==, 1);
  vp_cycle_report_clear (&report);
}


/* Behind a gateway that has no write_time the command fails at once as UNSUPPORTED,
 * with the meter named; the meter is not touched. */
static void
test_engine_set_time_no_gateway_support (Fixture       *f,
                                         gconstpointer  data)
{
  const char *addresses[] = { "000000000097", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  VpCycleReport report = { 0 };

  g_assert_true (BARE_IS_GATEWAY (f->gateway));
  control_ok (f, number, "set-time", 1);
  send_commands (f, &report);
  g_assert_cmpuint (report.commands_failed, ==, 1);
  g_assert_cmpuint (report.commands_sent, ==, 0);
  g_assert_cmpint (command_of (f, "000000000097", "state = 'failed' AND attempts = 1 AND "
                               "last_error = 'Meter 000000000097 cannot have its clock set "
                               "through this gateway'"), ==, 1);
  g_assert_cmpuint (meter (f, "000000000097")->time_writes, ==, 0);
  vp_cycle_report_clear (&report);
}

/* Every row of @table, each column as text, in id order. */
static char *
dump_table (VpDatabase *db,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY id", table);
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt;

  vp_database_lock (db);
  g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (db), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int k = 0; k < sqlite3_column_count (stmt); k++)
        g_string_append_printf (out, "%s|", sqlite3_column_type (stmt, k) == SQLITE_NULL
                                ? "NULL" : (const char *) sqlite3_column_text (stmt, k));
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (stmt);
  vp_database_unlock (db);
  return g_string_free (out, FALSE);
}

static int
exec_rc (VpDatabase *db,
         const char *sql)
{
  int rc;

  vp_database_lock (db);
  rc = sqlite3_exec (vp_database_get_handle (db), sql, NULL, NULL, NULL);
  vp_database_unlock (db);
  return rc & 0xff;
}

/* Copies the customers, accounts and meters of the database file @src into @old (an
 * older schema), then runs @more_sql (which reads "src."), with foreign keys off. */
static void
copy_rows (VpDatabase *old,
           const char *src,
           const char *more_sql)
{
  g_autofree char *sql = g_strconcat ("INSERT INTO customers SELECT * FROM src.customers;"
                                      "INSERT INTO accounts SELECT * FROM src.accounts;"
                                      "INSERT INTO meters SELECT * FROM src.meters;",
                                      more_sql, "DETACH src", NULL);
  sqlite3 *handle;
  sqlite3_stmt *stmt;

  vp_database_lock (old);
  handle = vp_database_get_handle (old);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "ATTACH ?1 AS src", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, src, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  vp_database_unlock (old);
}

#define SET_TIME_COMMAND \
  "INSERT INTO commands (meter_id, account_id, action, origin, reason, next_attempt, " \
  "expires_at, created_at) SELECT id, account_id, 'set-time', 'manual', 'x', 0, 1, 'now' " \
  "FROM meters LIMIT 1"
#define SET_TIME_BATCH \
  "INSERT INTO batches (name, action, selection, state, run_at, created_by, created_at) " \
  "VALUES ('clocks', 'set-time', 'all', 'pending', 0, 1, 'now')"

/* A file at schema 10 with commands and batches (one repeating, so batches refer to
 * batches) is upgraded by 0011: every row survives as it was, the tables and indexes
 * are those of a new file, foreign keys still hold, and 'set-time' is accepted where
 * schema 10 refused it. */
static void
test_engine_set_time_migration (Fixture       *f,
                                gconstpointer  data)
{
  const char *addresses[] = { "000000000095", "000000000096", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  g_autofree char *path = g_build_filename (f->c.dir, "old.db", NULL);
  g_autofree char *src = g_build_filename (f->c.dir, "vendpoint.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) old = vp_database_open_at_version (path, 10, &error);
  const char *tables[] = { "commands", "batches", "batch_items" };
  const char *schema_sql = "SELECT group_concat (type || ' ' || name || ': ' || sql, '\n') "
                           "FROM (SELECT * FROM sqlite_master WHERE tbl_name IN "
                           "('commands', 'batches', 'batch_items') ORDER BY name)";
  const char *accounts[] = { number, NULL };
  VpBatchSpec spec = { .name = "停电", .action = VP_BATCH_TRIP, .reason = "检修",
                       .repeat = VP_BATCH_REPEAT_DAILY };
  VpBatchSelection sel = { .accounts = accounts };
  VpCycleReport report = { 0 };
  gint64 id;

  g_assert_no_error (error);
  control_ok (f, number, "keep-power", 2);
  send_commands (f, &report);
  control_ok (f, number, "alarm", 2);
  g_assert_true (vp_batch_create (f->c.db, f->c.admin, &spec, &sel, &id, &error));
  g_assert_no_error (error);
  g_assert_true (vp_batch_run (f->c.db, f->c.admin, id, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM batches WHERE next_id IS NOT NULL"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(DISTINCT state) FROM commands"), ==, 2);

  /* schema 10 knows no set-time */
  g_assert_cmpint (exec_rc (old, SET_TIME_BATCH), ==, SQLITE_CONSTRAINT);
  copy_rows (old, src,
             "INSERT INTO commands SELECT * FROM src.commands;"
             "INSERT INTO batches SELECT * FROM src.batches;"
             "INSERT INTO batch_items SELECT * FROM src.batch_items;");
  g_assert_cmpint (exec_rc (old, SET_TIME_COMMAND), ==, SQLITE_CONSTRAINT);
  g_clear_pointer (&old, vp_database_unref);

  old = vp_database_open (path, &error);
  g_assert_no_error (error);
  {
    VpTestCounter migrated = { .db = old };

    g_assert_cmpint (vp_test_counter_query (&migrated, "PRAGMA user_version"), ==,
                     vp_database_schema_version ());
  }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *before = dump_table (f->c.db, tables[t]);
      g_autofree char *after = dump_table (old, tables[t]);

      g_assert_cmpstr (after, ==, before);
    }
  /* the same tables, indexes and constraints as a file created at this version */
  {
    sqlite3_stmt *stmt;
    char *texts[2] = { NULL, NULL };
    VpDatabase *dbs[2] = { f->c.db, old };

    for (int k = 0; k < 2; k++)
      {
        vp_database_lock (dbs[k]);
        g_assert_cmpint (sqlite3_prepare_v2 (vp_database_get_handle (dbs[k]), schema_sql, -1,
                                             &stmt, NULL), ==, SQLITE_OK);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        texts[k] = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        sqlite3_finalize (stmt);
        vp_database_unlock (dbs[k]);
      }
    g_assert_nonnull (strstr (texts[0], "index commands_one_supply"));
    g_assert_nonnull (strstr (texts[0], "index batches_due"));
    g_assert_cmpstr (texts[1], ==, texts[0]);
    g_free (texts[0]);
    g_free (texts[1]);
  }
  /* foreign keys are enforced again and still point at the rebuilt tables */
  g_assert_cmpint (exec_rc (old, "INSERT INTO batch_items (batch_id, account_id) "
                                 "SELECT 9999, id FROM accounts LIMIT 1"), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (exec_rc (old, "UPDATE batches SET next_id = 9999"), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (exec_rc (old, "UPDATE commands SET meter_id = 9999"), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (exec_rc (old, SET_TIME_COMMAND), ==, SQLITE_OK);
  g_assert_cmpint (exec_rc (old, SET_TIME_BATCH), ==, SQLITE_OK);
  /* one pending set-time per meter */
  g_assert_cmpint (exec_rc (old, SET_TIME_COMMAND), ==, SQLITE_CONSTRAINT);
  vp_cycle_report_clear (&report);
}

/* ───────────── anomalies resolved by a technician; the close threshold ───────────── */

static VpAnomaly *
the_open_anomaly (Fixture    *f,
                  const char *number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) open = vp_anomaly_list (f->c.db, TRUE, number, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 1);
  return g_ptr_array_steal_index (open, 0);
}

static void
resolve_refused (Fixture         *f,
                 VpSession       *actor,
                 gint64           id,
                 VpAnomalyAction  action,
                 const char      *note,
                 gint             code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpAnomaly) resolved = NULL;

  g_assert_false (vp_anomaly_resolve (f->c.db, actor, id, action, note, &resolved, &error));
  g_assert_error (error, VP_MODEL_ERROR, code);
  g_assert_null (resolved);
}

/* A register reset (board replaced): every later reading is "backwards" against the
 * last good one, so nothing is charged and one anomaly stays open across cycles.
 * Accepting it as the new start charges exactly the advance from the newest reading. */
static void
test_engine_anomaly_rebaseline (Fixture       *f,
                                gconstpointer  data)
{
  const char *addresses[] = { "000000000041", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000041");
  g_autoptr(VpAnomaly) an = NULL;
  g_autoptr(VpAnomaly) resolved = NULL;
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };
  gint64 audit_before;

  m->total = 500;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4500);
  for (gint64 total = 10; total <= 30; total += 10)
    {
      m->total = total;
      cycle (f, &report);
      g_assert_cmpuint (report.anomalies, ==, 1);
      g_assert_cmpint (balance (f, number), ==, 4500);
    }
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings WHERE status = 'anomaly'"), ==, 3);
  an = the_open_anomaly (f, number);
  g_assert_cmpstr (an->kind, ==, "backwards");
  g_assert_cmpstr (an->meter_address, ==, "000000000041");
  g_assert_cmpint (an->total, ==, 10);
  g_assert_null (an->resolved_at);

  /* a cashier may not; a note is required; nothing changed */
  audit_before = query (f, "SELECT COUNT(*) FROM audit WHERE action = 'denied'");
  resolve_refused (f, f->c.cashier, an->id, VP_ANOMALY_REBASELINE, "reset",
                   VP_MODEL_ERROR_PERMISSION_DENIED);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM audit WHERE action = 'denied'"), ==,
                   audit_before + 1);
  resolve_refused (f, f->c.technician, an->id, VP_ANOMALY_REBASELINE, "  ",
                   VP_MODEL_ERROR_INVALID_ARGUMENT);
  resolve_refused (f, f->c.technician, 9999, VP_ANOMALY_DISMISS, "x", VP_MODEL_ERROR_NOT_FOUND);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolved_at IS NULL"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings WHERE status = 'baseline'"), ==, 0);

  g_assert_true (vp_anomaly_resolve (f->c.db, f->c.technician, an->id, VP_ANOMALY_REBASELINE,
                                     " register cleared after repair ", &resolved, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (resolved->resolution, ==, "rebaseline");
  g_assert_cmpstr (resolved->note, ==, "register cleared after repair");
  g_assert_cmpstr (resolved->resolved_by_login, ==, vp_session_get_login (f->c.technician));
  g_assert_nonnull (resolved->resolved_at);
  /* the newest reading is the new start */
  g_assert_cmpint (resolved->baseline_total, ==, 30);
  g_assert_cmpint (query (f, "SELECT r.total FROM meter_state s JOIN readings r "
                             "ON r.id = s.last_reading_id"), ==, 30);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings WHERE status = 'baseline'"), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM audit WHERE action = 'anomaly.resolve' "
                             "AND object = 'account:%s' AND before LIKE '%%\"resolution\":null%%' "
                             "AND after LIKE '%%\"resolution\":\"rebaseline\"%%'", number), ==, 1);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolved_at IS NULL"), ==, 0);
  resolve_refused (f, f->c.technician, an->id, VP_ANOMALY_DISMISS, "again",
                   VP_MODEL_ERROR_INVALID_ARGUMENT);

  m->total = 75;
  cycle (f, &report);
  g_assert_cmpuint (report.charged, ==, 1);
  g_assert_cmpint (balance (f, number), ==, 4500 - 45);
  m->total = 90;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4500 - 60);

  /* resolved ones stay listed; a new reset opens a new anomaly */
  m->total = 5;
  cycle (f, &report);
  g_assert_cmpuint (report.anomalies, ==, 1);
  {
    g_autoptr(GPtrArray) all = vp_anomaly_list (f->c.db, FALSE, NULL, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (all->len, ==, 2);
    g_assert_null (((VpAnomaly *) all->pdata[0])->resolution);
    g_assert_cmpstr (((VpAnomaly *) all->pdata[1])->resolution, ==, "rebaseline");
  }

  /* the alarm and fault log says which one is resolved, how, by whom and why */
  {
    g_autoptr(VpReportTable) t = NULL;
    VpReportParams params;
    guint open = 0, resolved_rows = 0;

    vp_report_params_init (&params);
    params.from = g_strdup ("2026-01-01");
    params.to = g_strdup ("2027-01-01");
    t = vp_report_run (f->c.db, f->c.admin, "alarm-log", &params, &error);
    g_assert_no_error (error);
    for (guint r = 0; r < t->rows->len; r++)
      {
        const char *detail = vp_report_table_get_row (t, r)[4].text;

        if (detail == NULL)
          continue;
        open += strstr (detail, "未处理 open") != NULL;
        resolved_rows += strstr (detail, "resolved: new start") != NULL
                         && strstr (detail, "register cleared after repair") != NULL;
      }
    g_assert_cmpuint (open, ==, 1);
    g_assert_cmpuint (resolved_rows, ==, 1);
    vp_report_params_clear (&params);
  }
  vp_cycle_report_clear (&report);
}

/* A single glitch dismissed: the next good reading is charged from the last good one.
 * A meter that read plausibly since its anomaly cannot be rebaselined from it. */
static void
test_engine_anomaly_dismiss (Fixture       *f,
                             gconstpointer  data)
{
  const char *addresses[] = { "000000000042", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000042");
  g_autoptr(VpAnomaly) an = NULL;
  g_autoptr(VpAnomaly) resolved = NULL;
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };

  m->total = 500;
  cycle (f, &report);
  m->total = 400;
  cycle (f, &report);
  an = the_open_anomaly (f, number);
  g_assert_true (vp_anomaly_resolve (f->c.db, f->c.supervisor, an->id, VP_ANOMALY_DISMISS,
                                     "bad read on a noisy bus", &resolved, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (resolved->resolution, ==, "dismiss");
  g_assert_cmpint (resolved->baseline_reading_id, ==, 0);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM readings WHERE status = 'anomaly'"), ==, 1);
  m->total = 600;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4400);

  /* a glitch, then good readings while it is still open: nothing to start from */
  g_clear_pointer (&an, vp_anomaly_free);
  m->total = 50;
  cycle (f, &report);
  m->total = 650;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, 4350);
  an = the_open_anomaly (f, number);
  resolve_refused (f, f->c.technician, an->id, VP_ANOMALY_REBASELINE, "reset?",
                   VP_MODEL_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (query (f, "SELECT r.total FROM meter_state s JOIN readings r "
                             "ON r.id = s.last_reading_id"), ==, 650);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM anomalies WHERE resolved_at IS NULL"), ==, 1);
  vp_cycle_report_clear (&report);
}

/* A file at schema 11 with an open anomaly is upgraded by 0012: the anomaly stays
 * open, lists with no resolution, and the new columns take a resolution. */
static void
test_engine_anomaly_migration (Fixture       *f,
                               gconstpointer  data)
{
  const char *addresses[] = { "000000000043", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  g_autofree char *path = g_build_filename (f->c.dir, "old11.db", NULL);
  g_autofree char *src = g_build_filename (f->c.dir, "vendpoint.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) old = vp_database_open_at_version (path, 11, &error);
  g_autoptr(GPtrArray) open = NULL;
  TestMeter *m = meter (f, "000000000043");
  VpCycleReport report = { 0 };

  g_assert_no_error (error);
  m->total = 500;
  cycle (f, &report);
  m->total = 100;
  cycle (f, &report);
  copy_rows (old, src,
             "INSERT INTO readings SELECT * FROM src.readings WHERE status = 'anomaly';"
             "INSERT INTO anomalies SELECT id, meter_id, reading_id, kind, detail, created_at, "
             " resolved_at, resolved_by FROM src.anomalies;");
  /* schema 11 has no resolution */
  g_assert_cmpint (exec_rc (old, "UPDATE anomalies SET resolution = 'dismiss'"), ==, SQLITE_ERROR);
  g_clear_pointer (&old, vp_database_unref);

  old = vp_database_open (path, &error);
  g_assert_no_error (error);
  open = vp_anomaly_list (old, TRUE, number, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 1);
  g_assert_cmpint (((VpAnomaly *) open->pdata[0])->total, ==, 100);
  g_assert_null (((VpAnomaly *) open->pdata[0])->resolution);
  g_assert_cmpint (exec_rc (old, "UPDATE anomalies SET resolution = 'bogus'"), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (exec_rc (old, "UPDATE anomalies SET resolution = 'dismiss', note = 'n', "
                                 "resolved_at = 'now'"), ==, SQLITE_OK);
  g_clear_pointer (&open, g_ptr_array_unref);
  open = vp_anomaly_list (old, TRUE, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (open->len, ==, 0);
  vp_cycle_report_clear (&report);
}

/* A tripped account with a close threshold of 50.00 stays tripped at 30.00 and is
 * closed at 60.00; the threshold is validated, audited and can go back to the default. */
static void
test_engine_close_threshold (Fixture       *f,
                             gconstpointer  data)
{
  const char *addresses[] = { "000000000044", NULL };
  g_autofree char *number = open_account (f, 5000, "tcp://gw1:8899", addresses);
  TestMeter *m = meter (f, "000000000044");
  g_autoptr(GError) error = NULL;
  VpCycleReport report = { 0 };
  gboolean set = TRUE;
  gint64 close_at = 1;

  g_assert_true (vp_engine_get_close_threshold (f->c.db, number, &set, &close_at, &error));
  g_assert_no_error (error);
  g_assert_false (set);
  g_assert_cmpint (close_at, ==, 0);      /* the trip threshold */

  m->total = 5500;
  cycle (f, &report);
  g_assert_cmpint (balance (f, number), ==, -500);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);

  g_assert_false (vp_engine_set_close_threshold (f->c.db, f->c.technician, number, FALSE, 5000,
                                                 &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (vp_engine_set_close_threshold (f->c.db, f->c.supervisor, number, FALSE, -100,
                                                 &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_AMOUNT);
  g_clear_error (&error);
  g_assert_false (vp_engine_set_close_threshold (f->c.db, f->c.supervisor, "10000099", FALSE, 5000,
                                                 &error));
  g_assert_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (vp_engine_set_close_threshold (f->c.db, f->c.supervisor, number, FALSE, 5000,
                                                &error));
  g_assert_no_error (error);
  g_assert_cmpint (query (f, "SELECT COUNT(*) FROM audit WHERE action = 'account.close-threshold' "
                             "AND after = '{\"close_threshold\":\"50.00\"}'"), ==, 1);
  g_assert_true (vp_engine_get_close_threshold (f->c.db, number, &set, &close_at, &error));
  g_assert_true (set);
  g_assert_cmpint (close_at, ==, 5000);

  vp_test_engine_topup (&f->c, number, 3500, 0);     /* 30.00: stays tripped */
  cycle (f, &report);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_OFF);
  vp_test_engine_topup (&f->c, number, 3000, 1);     /* 60.00: closed */
  send_commands (f, &report);
  g_assert_cmpint (m->supply, ==, VP_SUPPLY_ON);

  g_assert_true (vp_engine_set_close_threshold (f->c.db, f->c.supervisor, number, TRUE, 0,
                                                &error));
  g_assert_no_error (error);
  g_assert_true (vp_engine_get_close_threshold (f->c.db, number, &set, &close_at, &error));
  g_assert_false (set);
  g_assert_cmpint (close_at, ==, 0);
  vp_cycle_report_clear (&report);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/vp/engine/prepaid-story", test_engine_prepaid_story);
  ADD ("/vp/engine/hysteresis", test_engine_hysteresis);
  ADD ("/vp/engine/keep-power", test_engine_keep_power);
  ADD ("/vp/engine/friendly-period", test_engine_friendly_period);
  ADD ("/vp/engine/offline", test_engine_offline);
  ADD ("/vp/engine/lost-reply", test_engine_lost_reply);
  ADD ("/vp/engine/dead-sender", test_engine_dead_sender);
  ADD ("/vp/engine/anomaly", test_engine_anomaly);
  ADD ("/vp/engine/no-double-charge", test_engine_no_double_charge);
  ADD ("/vp/engine/tou-registers", test_engine_tou_registers);
  ADD ("/vp/engine/reconcile", test_engine_reconcile);
  ADD ("/vp/engine/tou-stored", test_engine_tou_stored);
  ADD ("/vp/engine/tou-backfill", test_engine_tou_backfill);
  ADD ("/vp/engine/set-time", test_engine_set_time);
  ADD ("/vp/engine/set-time-failures", test_engine_set_time_failures);
  ADD ("/vp/engine/set-time-migration", test_engine_set_time_migration);
  ADD ("/vp/engine/anomaly-rebaseline", test_engine_anomaly_rebaseline);
  ADD ("/vp/engine/anomaly-dismiss", test_engine_anomaly_dismiss);
  ADD ("/vp/engine/anomaly-migration", test_engine_anomaly_migration);
  ADD ("/vp/engine/close-threshold", test_engine_close_threshold);
#undef ADD
  g_test_add ("/vp/engine/set-time-no-gateway-support", Fixture, "bare", fixture_setup,
              test_engine_set_time_no_gateway_support, fixture_teardown);

  return g_test_run ();
}
