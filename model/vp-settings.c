/* vp-settings.c: the counter's settings an administrator may change, checked and audited */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include <glib/gi18n-lib.h>

#include "vp-account-private.h"
#include "vp-account.h"
#include "vp-audit.h"
#include "vp-database.h"
#include "vp-engine.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-money.h"
#include "vp-notify.h"
#include "vp-settings.h"

/* The keys and fallbacks are those of the parts that read them (vp-engine.h,
 * vp-ledger.h, vp-account.h, vp-notify.h), so the registry cannot drift from what is used. */
static const VpSettingInfo infos[] = {
  { VP_ACCOUNT_SITE_KEY, VP_SETTING_TEXT, "Main", N_("Site name") },
  { VP_ACCOUNT_DEFAULT_ALARM1_KEY, VP_SETTING_MONEY, "50.00",
    N_("Alarm 1 of new accounts (yuan)") },
  { VP_ACCOUNT_DEFAULT_ALARM2_KEY, VP_SETTING_MONEY, "20.00",
    N_("Alarm 2 of new accounts (yuan)") },
  { VP_ACCOUNT_DEFAULT_TRIP_KEY, VP_SETTING_SIGNED_MONEY, "0.00",
    N_("Trip amount of new accounts (yuan, may be below zero)") },
  { VP_LEDGER_REFUND_LIMIT_KEY, VP_SETTING_MONEY, VP_LEDGER_REFUND_LIMIT_DEFAULT,
    N_("Refunds above this need a supervisor (yuan)") },
  { VP_ENGINE_INTERVAL_KEY, VP_SETTING_SECONDS, G_STRINGIFY (VP_ENGINE_INTERVAL_DEFAULT),
    N_("Meter reading interval (seconds)") },
  { VP_ENGINE_HYSTERESIS_KEY, VP_SETTING_MONEY, "1.00",
    N_("Alarm hysteresis (yuan)") },
  { VP_ENGINE_FRIENDLY_NIGHTS_KEY, VP_SETTING_PERIOD, "",
    N_("No trips at night (HH:MM-HH:MM)") },
  { VP_ENGINE_FRIENDLY_WEEKENDS_KEY, VP_SETTING_BOOLEAN, "false",
    N_("No trips at weekends") },
  { VP_NOTIFY_SMS_LINK_KEY, VP_SETTING_OPTIONAL_TEXT, "",
    N_("SMS modem link (serial:/dev/ttyUSB2?baud=115200)") },
  { VP_NOTIFY_SMTP_SERVER_KEY, VP_SETTING_OPTIONAL_TEXT, "",
    N_("Mail server (HOST:PORT)") },
  { VP_NOTIFY_FROM_KEY, VP_SETTING_OPTIONAL_TEXT, "",
    N_("Sender address of e-mails") },
  { VP_NOTIFY_SMTP_TLS_KEY, VP_SETTING_CHOICE, "",
    N_("Mail server TLS: starttls, tls (port 465) or none (empty: none)"), "starttls tls none" },
  { VP_NOTIFY_SMTP_CA_FILE_KEY, VP_SETTING_OPTIONAL_TEXT, "",
    N_("Mail server CA file (PEM; empty: the system's CAs)") },
};

guint
vp_settings_get_n_infos (void)
{
  return G_N_ELEMENTS (infos);
}

const VpSettingInfo *
vp_settings_get_info (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (infos), NULL);

  return &infos[index];
}

const VpSettingInfo *
vp_settings_find (const char *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (infos); i++)
    if (g_str_equal (infos[i].key, key))
      return &infos[i];
  return NULL;
}

char *
vp_settings_get (VpDatabase *db,
                 const char *key)
{
  const VpSettingInfo *info;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  info = vp_settings_find (key);
  return vp_database_get_setting (db, key, info != NULL ? info->fallback : NULL);
}

static gboolean
parse_clock (const char *text,
             guint      *out_minutes)
{
  guint64 h, m;
  g_auto(GStrv) parts = g_strsplit (text, ":", -1);

  if (g_strv_length (parts) != 2 || strlen (parts[0]) != 2 || strlen (parts[1]) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 23, &h, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &m, NULL))
    return FALSE;
  *out_minutes = h * 60 + m;
  return TRUE;
}

/* @value in its stored form, or NULL with @error saying what is wrong. */
static char *
normalise (const VpSettingInfo  *info,
           const char           *value,
           GError              **error)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  gint64 fen;
  guint64 seconds;

  switch (info->kind)
    {
    case VP_SETTING_TEXT:
      if (text[0] == '\0' || g_utf8_strlen (text, -1) > 100)
        break;
      return g_steal_pointer (&text);

    case VP_SETTING_OPTIONAL_TEXT:
      if (g_utf8_strlen (text, -1) > 500)
        break;
      return g_steal_pointer (&text);

    case VP_SETTING_MONEY:
      if (!vp_money_parse (text, VP_MONEY_ALLOW_ZERO, &fen, error))
        return NULL;
      return vp_money_format (fen);

    case VP_SETTING_SIGNED_MONEY:
      if (!vp_money_parse (text, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &fen, error))
        return NULL;
      return vp_money_format (fen);

    case VP_SETTING_SECONDS:
      if (!g_ascii_string_to_unsigned (text, 10, 60, 86400, &seconds, NULL))
        break;
      return g_strdup_printf ("%" G_GUINT64_FORMAT, seconds);

    case VP_SETTING_BOOLEAN:
      if (g_str_equal (text, "true") || g_str_equal (text, "false"))
        return g_steal_pointer (&text);
      break;

    case VP_SETTING_CHOICE:
      {
        g_auto(GStrv) choices = g_strsplit (info->choices, " ", -1);
        g_autofree char *lower = g_ascii_strdown (text, -1);

        if (text[0] == '\0' || g_strv_contains ((const char * const *) choices, lower))
          return g_steal_pointer (&lower);
      }
      break;

    case VP_SETTING_PERIOD:
      {
        g_auto(GStrv) ends = g_strsplit (text, "-", -1);
        guint from, to;

        if (text[0] == '\0')
          return g_steal_pointer (&text);
        if (g_strv_length (ends) == 2 && parse_clock (ends[0], &from) &&
            parse_clock (ends[1], &to) && from != to)
          return g_steal_pointer (&text);
      }
      break;

    default:
      g_assert_not_reached ();
    }

  g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a valid value for “%s”."), value, _(info->label));
  return NULL;
}

/* When @key is one of the default thresholds, checks that with @value it and the other
 * two as stored (or their fallbacks) still go down, as vp_account_open() demands. */
static gboolean
check_default_thresholds (VpDatabase  *db,
                          const char  *key,
                          const char  *value,
                          GError     **error)
{
  static const char * const keys[] = {
    VP_ACCOUNT_DEFAULT_ALARM1_KEY, VP_ACCOUNT_DEFAULT_ALARM2_KEY, VP_ACCOUNT_DEFAULT_TRIP_KEY,
    NULL,
  };
  gint64 fen[G_N_ELEMENTS (keys) - 1];

  if (!g_strv_contains ((const char * const *) keys, key))
    return TRUE;
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *text = g_str_equal (key, keys[i]) ? g_strdup (value)
                                                        : vp_settings_get (db, keys[i]);

      if (!vp_money_parse (text, VP_MONEY_ALLOW_ZERO | VP_MONEY_ALLOW_NEGATIVE, &fen[i], error))
        return FALSE;
    }
  return vp_account_check_thresholds (fen[0], fen[1], fen[2], error);
}

/* See vp-settings.h. */
gboolean
vp_settings_set (VpDatabase  *db,
                 VpSession   *actor,
                 const char  *key,
                 const char  *value,
                 GError     **error)
{
  const VpSettingInfo *info;
  g_autofree char *normal = NULL;
  g_autofree char *before_value = NULL;
  g_autofree char *object = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GString *json;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (key != NULL && value != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_SETTINGS, error))
    return FALSE;
  info = vp_settings_find (key);
  if (info == NULL)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("There is no setting “%s”."), key);
      return FALSE;
    }
  normal = normalise (info, value, error);
  if (normal == NULL)
    return FALSE;

  object = g_strconcat ("setting:", key, NULL);
  if (!vp_database_begin (db, error))
    return FALSE;
  if (!check_default_thresholds (db, key, normal, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  before_value = vp_database_get_setting (db, key, NULL);
  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "value", before_value);
  before = vp_json_end (json);
  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "value", normal);
  after = vp_json_end (json);
  if (!vp_database_set_setting (db, key, normal, error) ||
      !vp_audit_append (db, vp_actor_id (actor), "setting.change", object, before, after, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

void
vp_link_use_free (VpLinkUse *use)
{
  if (use == NULL)
    return;
  g_free (use->link);
  g_free (use);
}

/* See vp-settings.h. */
GPtrArray *
vp_settings_list_links (VpDatabase  *db,
                        GError     **error)
{
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) vp_link_use_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  vp_database_lock (db);
  stmt = vp_database_prepare (db,
                              "SELECT link, count(*) FROM meters WHERE status = 'active' "
                              "AND link IS NOT NULL GROUP BY link ORDER BY link", error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      VpLinkUse *use = g_new0 (VpLinkUse, 1);

      use->link = vp_model_column_dup (stmt, 0);
      use->n_meters = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (links, use);
    }
  if (rc != SQLITE_DONE)
    vp_database_set_error (db, rc, _("Could not read the links"), error);
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  return rc == SQLITE_DONE ? g_steal_pointer (&links) : NULL;
}

/* See vp-settings.h. */
gboolean
vp_settings_move_link (VpDatabase  *db,
                       VpSession   *actor,
                       const char  *from,
                       const char  *to,
                       gint64      *out_moved,
                       GError     **error)
{
  g_autofree char *target = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  sqlite3_stmt *stmt;
  GString *json;
  gint64 moved;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (from != NULL && to != NULL, FALSE);

  if (!vp_session_require (actor, VP_PERM_SETTINGS, error))
    return FALSE;
  target = g_strstrip (g_strdup (to));
  if ((!g_str_has_prefix (target, "serial:") && !g_str_has_prefix (target, "tcp://")) ||
      strlen (target) > 500 || g_str_equal (target, from))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a new link: write serial:/dev/ttyUSB0?baud=2400 or "
                     "tcp://HOST:PORT"), to);
      return FALSE;
    }

  if (!vp_database_begin (db, error))
    return FALSE;
  vp_database_lock (db);
  stmt = vp_database_prepare (db, "UPDATE meters SET link = ?2 WHERE link = ?1 "
                                  "AND status = 'active'", error);
  if (stmt == NULL)
    {
      vp_database_unlock (db);
      vp_database_rollback (db);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, target, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  moved = sqlite3_changes (vp_database_get_handle (db));
  if (rc != SQLITE_DONE)
    vp_database_set_error (db, rc, _("Could not move the meters"), error);
  sqlite3_reset (stmt);
  vp_database_unlock (db);
  if (rc != SQLITE_DONE)
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (moved == 0)
    {
      vp_database_rollback (db);
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_NOT_FOUND,
                   _("No meter uses the link %s."), from);
      return FALSE;
    }

  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "link", from);
  before = vp_json_end (json);
  json = g_string_new (NULL);
  vp_json_begin (json);
  vp_json_add_string (json, "link", target);
  vp_json_add_int (json, "meters", moved);
  after = vp_json_end (json);
  if (!vp_audit_append (db, vp_actor_id (actor), "link.move", NULL, before, after, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  if (!vp_database_commit (db, error))
    return FALSE;
  if (out_moved != NULL)
    *out_moved = moved;
  return TRUE;
}
