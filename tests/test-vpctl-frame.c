/* test-vpctl-frame.c: `vpctl frame decode` end to end, on the built binary ($VPCTL) */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Run vpctl with @args (NULL-terminated); return its exit status and output. */
static int
run_vpctl (const char **args,
           char       **out_stdout,
           char       **out_stderr)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *vpctl = g_getenv ("VPCTL");
  int wait_status;

  g_assert_nonnull (vpctl);
  g_ptr_array_add (argv, (gpointer) vpctl);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out_stdout, out_stderr, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static JsonObject *
decode_json (const char *hex,
             JsonParser *parser)
{
  const char *args[] = { "frame", "decode", "--json", hex, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = run_vpctl (args, &out, &err);

  if (status != 0)
    g_error ("vpctl frame decode %s failed (%d): %s", hex, status, err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_member_string (JsonObject *o,
                      const char *key,
                      const char *expected)
{
  if (expected == NULL)
    {
      g_assert_false (json_object_has_member (o, key));
      return;
    }
  g_assert_true (json_object_has_member (o, key));
  g_assert_cmpstr (json_object_get_string_member (o, key), ==, expected);
}

typedef struct
{
  const char *hex;
  const char *protocol;
  const char *address;
  const char *function;
  gboolean    reply;
  gboolean    abnormal;
  const char *errors;   /* joined with "," */
  const char *di;
  const char *item;
  const char *value;
  const char *unit;
} VectorCase;

/* PROTOCOLS.md vectors 1-14, W1-W3, W5, W6. */
static const VectorCase vectors[] = {
  { "FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16", "dlt645", "AAAAAAAAAAAA",
    "read-address", FALSE, FALSE, "", NULL, NULL, NULL, NULL },
  { "68 01 00 00 00 00 00 68 93 06 34 33 33 33 33 33 9D 16", "dlt645", "000000000001",
    "read-address", TRUE, FALSE, "", NULL, NULL, NULL, NULL },
  { "FE FE FE FE 68 67 48 60 10 00 00 68 93 06 9A 7B 93 43 33 33 D9 16", "dlt645",
    "000010604867", "read-address", TRUE, FALSE, "", NULL, NULL, NULL, NULL },
  { "FE FE FE FE 68 67 48 60 10 00 00 68 11 04 33 33 34 33 D1 16", "dlt645", "000010604867",
    "read", FALSE, FALSE, "", "00010000", "energy.forward.total", NULL, NULL },
  { "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16", "dlt645", "000000000161",
    "read", FALSE, FALSE, "", "00010000", "energy.forward.total", NULL, NULL },
  { "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16", "dlt645", "000000000161",
    "read", TRUE, FALSE, "", "00010000", "energy.forward.total", "0.26", "kWh" },
  { "FE FE 68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16", "dlt645",
    "123456789012", "read", TRUE, FALSE, "", "00010000", "energy.forward.total", "1234.56", "kWh" },
  { "68 01 72 00 72 00 00 68 91 08 33 33 34 33 33 33 33 33 E7 16", "dlt645", "000072007201",
    "read", TRUE, FALSE, "", "00010000", "energy.forward.total", "0.00", "kWh" },
  { "68 AA AA AA AA AA AA 68 11 04 33 34 34 35 B1 16", "dlt645", "AAAAAAAAAAAA",
    "read", FALSE, FALSE, "", "02010100", "voltage.a", NULL, NULL },
  { "FE FE FE FE 68 01 00 00 00 00 00 68 91 06 33 34 34 35 34 55 C1 16", "dlt645",
    "000000000001", "read", TRUE, FALSE, "", "02010100", "voltage.a", "220.1", "V" },
  { "FE FE FE FE 68 01 00 00 00 00 00 68 D1 01 35 D8 16", "dlt645", "000000000001",
    "read", TRUE, TRUE, "no-data", NULL, NULL, NULL, NULL },
  { "FE FE FE FE 68 01 00 00 00 00 00 68 14 0F 35 34 33 37 35 45 67 89 AB 89 67 45 63 53 43 0A 16",
    "dlt645", "000000000001", "write", FALSE, FALSE, "", "04000102", "time", "10:20:30", NULL },
  { "FE FE FE FE 68 01 00 00 00 00 00 68 94 00 65 16", "dlt645", "000000000001",
    "write", TRUE, FALSE, "", NULL, NULL, NULL, NULL },
  { "FE FE FE FE 68 01 00 00 00 00 00 68 D4 01 37 DD 16", "dlt645", "000000000001",
    "write", TRUE, TRUE, "password", NULL, NULL, NULL, NULL },
  { "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3D 16", "cjt188", "00000000000012",
    "read-data", FALSE, FALSE, "", "901F", "metering-data", NULL, NULL },
  { "FE FE FE 68 10 12 00 00 00 00 00 00 81 16 90 1F 00 10 00 10 00 2C 10 00 10 00 2C 00 00 00 "
    "00 00 00 00 00 FF 67 16", "cjt188", "00000000000012", "read-data", TRUE, FALSE, "",
    "901F", "metering-data", "1000.10", "m³" },
  { "FE FE FE 68 10 AA AA AA AA AA AA AA 03 03 81 0A 01 B0 16", "cjt188", "AAAAAAAAAAAAAA",
    "read-address", FALSE, FALSE, "", "810A", "address", NULL, NULL },
  { "68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 55 32 16", "cjt188", "AAAAAAAAAAAAAA",
    "write", FALSE, FALSE, "", "A017", "valve", NULL, NULL },
  { "68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 99 76 16", "cjt188", "AAAAAAAAAAAAAA",
    "write", FALSE, FALSE, "", "A017", "valve", NULL, NULL },
};

static void
test_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      const VectorCase *c = &vectors[i];
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;
      JsonArray *errors;
      g_autoptr(GString) joined = g_string_new (NULL);

      g_test_message ("vector %u: %s", i, c->hex);
      o = decode_json (c->hex, parser);
      assert_member_string (o, "protocol", c->protocol);
      assert_member_string (o, "address", c->address);
      assert_member_string (o, "function", c->function);
      g_assert_cmpint (json_object_get_boolean_member (o, "reply"), ==, c->reply);
      g_assert_cmpint (json_object_get_boolean_member (o, "abnormal"), ==, c->abnormal);
      errors = json_object_get_array_member (o, "errors");
      g_assert_nonnull (errors);
      for (guint k = 0; k < json_array_get_length (errors); k++)
        g_string_append_printf (joined, "%s%s", k ? "," : "", json_array_get_string_element (errors, k));
      g_assert_cmpstr (joined->str, ==, c->errors);
      assert_member_string (o, "di", c->di);
      assert_member_string (o, "item", c->item);
      assert_member_string (o, "value", c->value);
      assert_member_string (o, "unit", c->unit);
    }
}

/* Details beyond the common fields. */
static void
test_details (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  /* Vector 12: password and operator as people write them. */
  o = decode_json ("FE FE FE FE 68 01 00 00 00 00 00 68 14 0F 35 34 33 37 35 45 67 89 AB 89 67 45 "
                   "63 53 43 0A 16", parser);
  assert_member_string (o, "password", "02:563412");
  assert_member_string (o, "operator", "12345678");

  /* Vector 3: the address a meter reports. */
  o = decode_json ("FE FE FE FE 68 67 48 60 10 00 00 68 93 06 9A 7B 93 43 33 33 D9 16", parser);
  assert_member_string (o, "new_address", "000010604867");

  /* W2: flow, valve, battery; the zero clock is left out. */
  o = decode_json ("FE FE FE 68 10 12 00 00 00 00 00 00 81 16 90 1F 00 10 00 10 00 2C 10 00 10 00 "
                   "2C 00 00 00 00 00 00 00 00 FF 67 16", parser);
  assert_member_string (o, "meter_type", "cold-water");
  assert_member_string (o, "settlement_flow", "1000.10");
  assert_member_string (o, "valve", "open");
  g_assert_false (json_object_get_boolean_member (o, "battery_low"));
  g_assert_false (json_object_has_member (o, "time"));

  /* W5 / W6: valve commands. */
  o = decode_json ("68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 55 32 16", parser);
  assert_member_string (o, "valve_command", "open");
  o = decode_json ("68 10 AA AA AA AA AA AA AA 04 04 A0 17 00 99 76 16", parser);
  assert_member_string (o, "valve_command", "close");

  /* A 1C trip to 000000000001, password 02:563412, operator 12345678, expiring
   * 2017-06-05 10:22:51 (built by the codec tests, checked here end to end). */
  o = decode_json ("68 01 00 00 00 00 00 68 1C 10 35 45 67 89 AB 89 67 45 4D 33 84 55 43 38 39 4A "
                   "9E 16", parser);
  assert_member_string (o, "function", "control");
  assert_member_string (o, "action", "trip");
  assert_member_string (o, "expiry", "2017-06-05T10:22:51");

  /* 08 broadcast time. */
  o = decode_json ("68 99 99 99 99 99 99 68 08 06 84 55 43 38 39 4A 4B 16", parser);
  assert_member_string (o, "function", "broadcast-time");
  assert_member_string (o, "time", "2017-06-05T10:22:51");

  /* Status word 3 reply: relay open, keep power, money-prepaid. */
  o = decode_json ("68 01 00 00 00 00 00 68 91 06 36 38 33 37 43 45 C8 16", parser);
  assert_member_string (o, "item", "status3");
  assert_member_string (o, "value", "0x1210");
  assert_member_string (o, "relay", "open");
  assert_member_string (o, "meter_kind", "money-prepaid");
  g_assert_true (json_object_get_boolean_member (o, "keep_power"));

  /* A block: values as an array. */
  o = decode_json ("68 01 00 00 00 00 00 68 91 0A 33 32 34 35 34 55 35 55 36 55 D8 16", parser);
  assert_member_string (o, "value", "220.1,220.2,220.3");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "values")), ==, 3);
}

typedef struct
{
  const char *name;
  const char *hex;
  const char *message;   /* substring of stderr */
} BadCase;

static void
test_bad_frames (void)
{
  static const BadCase cases[] = {
    { "checksum", "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8B 16",
      "checksum is 0x8B, expected 0x8A" },
    { "end", "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 17",
      "end byte is 0x17, expected 0x16" },
    { "too-long", "68 61 01 00 00 00 00 68 91 C9 33 33", "201" },
    { "truncated", "68 61 01 00 00 00 00 68 91 08 33 33", "cut short" },
    { "not-a-frame", "68 00 00 00 00 00 00 00 00 00 00 00 00", "Not a meter frame" },
    { "bad-start", "16 16", "0x16" },
    { "trailing", "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16 00", "unexpected" },
    { "value-not-bcd", "68 61 01 00 00 00 00 68 91 08 33 33 34 33 5D 33 33 33 8E 16",
      "not a decimal digit pair" },
    { "188-checksum", "68 10 12 00 00 00 00 00 00 01 03 90 1F 00 3E 16",
      "checksum is 0x3E, expected 0x3D" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "frame", "decode", "--json", cases[i].hex, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("bad %s", cases[i].name);
      g_assert_cmpint (run_vpctl (args, &out, &err), ==, 1);
      g_assert_cmpstr (out, ==, "");
      if (strstr (err, cases[i].message) == NULL)
        g_error ("stderr “%s” lacks “%s”", err, cases[i].message);
    }
}

static void
test_command_line (void)
{
  /* Hex split over arguments, without spaces, lower case. */
  {
    const char *args[] = { "frame", "decode", "--json", "68610100000000681104", "333334331416",
                           NULL };
    g_autofree char *out = NULL;
      g_autofree char *err = NULL;

    g_assert_cmpint (run_vpctl (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "\"function\":\"read\""));
  }
  /* Readable form. */
  {
    const char *args[] = { "frame", "decode", "fe fe 68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 "
                           "33 33 33 8a 16", NULL };
    g_autofree char *out = NULL;
      g_autofree char *err = NULL;

    g_assert_cmpint (run_vpctl (args, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "0.26"));
    g_assert_nonnull (strstr (out, "energy.forward.total"));
    g_assert_nonnull (strstr (out, "\n"));
  }
  /* Forced protocol that does not fit. */
  {
    const char *args[] = { "frame", "decode", "--protocol", "cjt188",
                           "68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16", NULL };
    g_autofree char *out = NULL;
      g_autofree char *err = NULL;

    g_assert_cmpint (run_vpctl (args, &out, &err), ==, 1);
  }
  /* Usage errors: no hex, bad hex, odd digits, unknown protocol. */
  {
    static const char *bad[][6] = {
      { "frame", "decode", NULL },
      { "frame", "decode", "68 ZZ", NULL },
      { "frame", "decode", "68 6", NULL },
      { "frame", "decode", "--protocol", "modbus", "68", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *out = NULL;
      g_autofree char *err = NULL;

        g_assert_cmpint (run_vpctl (bad[i], &out, &err), ==, 2);
        g_assert_cmpstr (out, ==, "");
        g_assert_cmpstr (err, !=, "");
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vp/vpctl/frame/vectors", test_vectors);
  g_test_add_func ("/vp/vpctl/frame/details", test_details);
  g_test_add_func ("/vp/vpctl/frame/bad-frames", test_bad_frames);
  g_test_add_func ("/vp/vpctl/frame/command-line", test_command_line);

  return g_test_run ();
}
