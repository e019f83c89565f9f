/* vp-settings.h: the counter's settings an administrator may change, checked and audited
 *
 * Settings live in the settings table (vp_database_get_setting); the parts that read
 * them keep their own keys and fallbacks. This is the one way to change them from a
 * front end: a registry of the keys people may edit, each value checked by its kind
 * before it is stored, VP_PERM_SETTINGS required, and one audit row ("setting.change",
 * before and after) in the same transaction as the change.
 */
#pragma once

#include "vp-session.h"
#include "vp-types.h"

G_BEGIN_DECLS

typedef enum
{
  VP_SETTING_TEXT,      /* 1-100 characters */
  VP_SETTING_MONEY,     /* yuan "1.00", >= 0, stored as vp_money_format() prints it */
  VP_SETTING_SECONDS,   /* whole seconds, 60 … 86400 */
  VP_SETTING_BOOLEAN,   /* "true" / "false" */
  VP_SETTING_PERIOD,    /* "HH:MM-HH:MM", or empty for none */
  VP_SETTING_OPTIONAL_TEXT, /* 0-500 characters; empty = off */
  VP_SETTING_SIGNED_MONEY,  /* yuan "-5.00", may be below zero, stored as vp_money_format() */
  VP_SETTING_CHOICE,        /* empty, or one of the words of @choices (stored lower case) */
} VpSettingKind;

typedef struct
{
  const char    *key;
  VpSettingKind  kind;
  const char    *fallback;   /* what the reader uses when unset */
  const char    *label;      /* untranslated; pass through gettext */
  const char    *choices;    /* VP_SETTING_CHOICE: the values allowed, space-separated */
} VpSettingInfo;

guint                vp_settings_get_n_infos (void);
const VpSettingInfo *vp_settings_get_info    (guint         index);
const VpSettingInfo *vp_settings_find        (const char   *key);

/* The stored value of @key, or its fallback. */
char                *vp_settings_get         (VpDatabase   *db,
                                              const char   *key);
/* Checks @value for @key's kind (INVALID_ARGUMENT saying what is wrong; NOT_FOUND for
 * a key not in the registry) and stores it in its normal form. The default thresholds
 * of new accounts (VP_ACCOUNT_DEFAULT_*_KEY) must also stay alarm 1 ≥ alarm 2 ≥ trip
 * with the other two as stored (INVALID_AMOUNT). VP_PERM_SETTINGS. */
gboolean             vp_settings_set         (VpDatabase   *db,
                                              VpSession    *actor,
                                              const char   *key,
                                              const char   *value,
                                              GError      **error);

/* A link (URI, devices/vp-link.h) and how many active meters use it. */
typedef struct
{
  char   *link;
  gint64  n_meters;
} VpLinkUse;

void                 vp_link_use_free        (VpLinkUse    *use);

/* The links of the active meters (VpLinkUse *), by link. */
GPtrArray           *vp_settings_list_links  (VpDatabase   *db,
                                              GError      **error);
/* A gateway got a new address, or a bus moved to another port: every active meter on
 * @from goes to @to (a "serial:" or "tcp://" URI; the devices layer checks the rest
 * when it opens it). One transaction with one audit row ("link.move"). NOT_FOUND when
 * no active meter uses @from. VP_PERM_SETTINGS. @out_moved: (optional). */
gboolean             vp_settings_move_link   (VpDatabase   *db,
                                              VpSession    *actor,
                                              const char   *from,
                                              const char   *to,
                                              gint64       *out_moved,
                                              GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpLinkUse, vp_link_use_free)

G_END_DECLS
