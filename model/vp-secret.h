/* vp-secret.h: credentials sealed at rest (meter passwords, operator codes, SMTP)
 *
 * Threat model, honestly:
 * - What it protects against: the database file, or a backup of it, read on its own —
 *   a copy handed to support, a backup USB stick that goes missing, someone browsing
 *   the file with the sqlite3 shell. Meter passwords let a person trip or close any
 *   meter with a handheld reader, so they must not be readable there.
 * - How: libsodium crypto_secretbox (XSalsa20-Poly1305) with a random 32-byte key kept
 *   in a separate file, VP_SECRET_KEY_FILE in the database's folder, created mode 0600
 *   at the first seal. Sealed values are text "vps1:" + base64 (nonce ‖ box).
 * - What it does NOT protect against: anyone who can read the key file as well (the
 *   same operating-system account, root, a copy of the whole folder). The counter
 *   software must decrypt the passwords to use them, so a key it can reach unattended
 *   is also reachable by whoever controls that account. Keep the key file out of
 *   backups that leave the machine; copy it by hand when moving the database to a new
 *   machine, or meter passwords must be entered again (opening fails with a clear
 *   error, nothing is lost or sent to a meter wrongly).
 * - A value tampered with in the file fails to open (the box is authenticated); it is
 *   never silently used.
 *
 * Plaintext values left by older versions are sealed by vp_secret_migrate(), which
 * vp_database_open() runs after the schema migrations. vp_secret_open() still accepts a
 * plaintext value (for a file another, older process is writing at the same time).
 */
#pragma once

#include "vp-types.h"

G_BEGIN_DECLS

#define VP_SECRET_KEY_FILE  "vendpoint.key"
#define VP_SECRET_PREFIX    "vps1:"

/* Settings that hold credentials; read and write them with vp_secret_get_setting() /
 * vp_secret_set_setting() so they are sealed in the settings table. */
#define VP_SECRET_SMTP_USER_KEY      "smtp.user"
#define VP_SECRET_SMTP_PASSWORD_KEY  "smtp.password"

/* The key file used for @db: VP_SECRET_KEY_FILE beside the database file. */
char     *vp_secret_key_path    (VpDatabase   *db);

/* Seals @plain (NULL → NULL, no error) with @db's key, creating the key file when it is
 * missing. VP_MODEL_ERROR_FAILED naming the key file when it cannot be read or made. */
char     *vp_secret_seal        (VpDatabase   *db,
                                 const char   *plain,
                                 GError      **error);
/* The plaintext of @stored (NULL → NULL, no error; an unsealed value → a copy). A value
 * that does not open with the key (missing key file, another machine's key, tampered
 * bytes) is VP_MODEL_ERROR_CORRUPT with a message saying what to do. */
char     *vp_secret_open        (VpDatabase   *db,
                                 const char   *stored,
                                 GError      **error);
/* vp_secret_open() for callers that cannot stop (the reading service): NULL when the
 * value cannot be opened, the reason logged once with g_message(). */
char     *vp_secret_reveal      (VpDatabase   *db,
                                 const char   *stored);
/* TRUE when @stored is a sealed value (not plaintext). */
gboolean  vp_secret_is_sealed   (const char   *stored);

gboolean  vp_secret_set_setting (VpDatabase   *db,
                                 const char   *key,
                                 const char   *plain,
                                 GError      **error);
/* NULL with no error when the setting is not there. */
char     *vp_secret_get_setting (VpDatabase   *db,
                                 const char   *key,
                                 GError      **error);

/* Seals every plaintext meters.password, meters.operator_code and credential setting in
 * one transaction; @out_sealed: how many values were sealed. Does nothing (and makes no
 * key file) when there is nothing to seal. */
gboolean  vp_secret_migrate     (VpDatabase   *db,
                                 guint        *out_sealed,
                                 GError      **error);

G_END_DECLS
