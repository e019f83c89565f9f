/* vpctl.h: shared plumbing of the command-line tool
 *
 * vpctl [--db PATH] [--json] [--verbose] [--operator LOGIN] GROUP COMMAND …
 * Global options may stand anywhere before a lone "--". Each group lives in its own
 * vpctl-<group>.c and is listed once in vpctl.c's group table.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "vp-database.h"
#include "vp-ledger.h"
#include "vp-session.h"

G_BEGIN_DECLS

/* Exit statuses: 0 ok, 1 the operation failed, 2 the command line was wrong. */
#define VPCTL_EXIT_OK      0
#define VPCTL_EXIT_FAILED  1
#define VPCTL_EXIT_USAGE   2

typedef struct _VpctlContext
{
  char     *db_path;         /* --db, else $VP_DB, else the user data dir default */
  char     *operator_login;  /* --operator, else $VP_OPERATOR, else the only admin */
  gboolean  json;            /* --json: one JSON document on stdout */
  gboolean  verbose;         /* --verbose: frame logs and progress on stderr */
  const char *group;
  const char *command;
  gpointer  db;              /* VpDatabase *, opened on first use */
  gpointer  session;         /* the logged-in operator's session, on first use */
} VpctlContext;

typedef int (*VpctlGroupFunc) (VpctlContext *ctx,
                               int           argc,
                               char        **argv);

/* Parse a command's own options; argv[0] is the command name. On a bad command
 * line prints the message and usage to stderr and returns FALSE. */
gboolean vpctl_parse_options (VpctlContext  *ctx,
                              const char    *parameter_string,
                              const char    *summary,
                              GOptionEntry  *entries,
                              int           *argc,
                              char        ***argv);

/* Print an error for the operator ("vpctl: …") and return the exit status to use. */
int      vpctl_fail          (VpctlContext  *ctx,
                              const GError  *error);
int      vpctl_usage_error   (VpctlContext  *ctx,
                              const char    *format,
                              ...) G_GNUC_PRINTF (2, 3);

/* Print @node as one JSON document followed by a newline on stdout. */
void     vpctl_print_json    (JsonNode      *node);
/* Print the builder's root (the caller has ended it) as by vpctl_print_json(). */
void     vpctl_print_builder (JsonBuilder   *b);

/* Members of the object @b has begun: @name then the value. A NULL string is JSON
 * null; money (fen) is a yuan string "12.34" from vp_money_format(). */
void     vpctl_json_add_string (JsonBuilder *b,
                                const char  *name,
                                const char  *value);
void     vpctl_json_add_int    (JsonBuilder *b,
                                const char  *name,
                                gint64       value);
void     vpctl_json_add_bool   (JsonBuilder *b,
                                const char  *name,
                                gboolean     value);
void     vpctl_json_add_money  (JsonBuilder *b,
                                const char  *name,
                                gint64       fen);

/* Positional arguments after the options: TRUE when there are exactly @n, else a
 * usage error "Expected @what" (the caller returns VPCTL_EXIT_USAGE). */
gboolean vpctl_want_args       (VpctlContext *ctx,
                                int           argc,
                                int           n,
                                const char   *what);
/* A payment method typed on the command line ("cash", "card", "wechat", "alipay");
 * VP_MODEL_ERROR_INVALID_ARGUMENT for anything else. */
gboolean vpctl_parse_method    (const char       *text,
                                VpPaymentMethod  *out,
                                GError          **error);
/* For groups without sub-commands ("vpctl topup ACCOUNT …"): a new argv (free the
 * array only, with g_free) with ctx->group as program name in front, *@argc one
 * more, and ctx->command set to "". */
char   **vpctl_with_program_name (VpctlContext *ctx,
                                  int          *argc,
                                  char        **argv);

/* The database: ctx->db_path, else $VP_DB, else <user data dir>/vendpoint/vendpoint.db
 * (its folder is created). Opened once and cached in ctx->db; the context owns it, do
 * not unref. vpctl_open_db() refuses a file that does not exist yet ("run vpctl db
 * init"); vpctl_open_db_full (ctx, TRUE, …) creates it (db init, demo). */
VpDatabase *vpctl_open_db      (VpctlContext  *ctx,
                                GError       **error);
VpDatabase *vpctl_open_db_full (VpctlContext  *ctx,
                                gboolean       create,
                                GError       **error);
/* Log in once, as ctx->operator_login (--operator / $VP_OPERATOR), else the only admin;
 * the password comes from $VP_PASSWORD or a no-echo prompt on the terminal. Cached in
 * ctx->session; the context owns it, do not unref. */
VpSession  *vpctl_get_session  (VpctlContext  *ctx,
                                GError       **error);
/* A secret from the environment variable @env_var (may be NULL) if set, else typed on
 * the terminal after @prompt without echo; an error when there is neither. Free with
 * vpctl_free_secret(). */
char       *vpctl_read_secret  (const char    *prompt,
                                const char    *env_var,
                                GError       **error);
/* Wipe and free a secret from vpctl_read_secret(). */
void        vpctl_free_secret  (char          *secret);

/* A group's commands: vpctl_run_command() picks argv[0] from @commands, prints the
 * list for a missing command, "help" or "--help", and a usage error for an unknown
 * one. The command function sees its own name as argv[0]. */
typedef struct
{
  const char     *name;
  VpctlGroupFunc  func;
  const char     *summary;   /* N_() */
} VpctlCommand;

int         vpctl_run_command  (VpctlContext        *ctx,
                                const VpctlCommand  *commands,
                                guint                n_commands,
                                int                  argc,
                                char               **argv);

/* Groups */
int vpctl_meter_add (VpctlContext *ctx, int argc, char **argv);  /* vpctl-meter-add.c */
int vpctl_group_version (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_frame (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_db (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_operator (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_account (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_topup (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_refund (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_reverse (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_shift (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_demo (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_receipt (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_report (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_tariff (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_cycle (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_service (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_command (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_alarm (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_control (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_reconcile (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_engine (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_meter (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_water (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_sim (VpctlContext *ctx, int argc, char **argv);
int vpctl_group_fee (VpctlContext *ctx, int argc, char **argv);        /* vpctl-site.c */
int vpctl_group_apportion (VpctlContext *ctx, int argc, char **argv);  /* vpctl-site.c */
int vpctl_group_bill (VpctlContext *ctx, int argc, char **argv);       /* vpctl-site.c */
int vpctl_group_batch (VpctlContext *ctx, int argc, char **argv);      /* vpctl-site.c */
int vpctl_group_import (VpctlContext *ctx, int argc, char **argv);  /* vpctl-import.c */
int vpctl_group_export (VpctlContext *ctx, int argc, char **argv);  /* vpctl-import.c */
int vpctl_group_notify (VpctlContext *ctx, int argc, char **argv);  /* vpctl-import.c */
/* The outbox's devices (app/vp-notify-devices.h) from the settings "notify.sms_link",
 * "notify.smtp_server", "notify.from", "notify.smtp_tls" (unset: none, as stored before
 * TLS), "notify.smtp_ca_file" and the SMTP log-in sealed by "notify config";
 * NULL without an error when neither channel is set. vpctl-import.c */
struct _VpNotifyDevices *vpctl_notify_devices_from_settings (VpDatabase  *db,
                                                             GError     **error);

G_END_DECLS
