/* vpctl.h: shared plumbing of the command-line tool
 *
 * vpctl [--db PATH] [--json] [--verbose] [--operator LOGIN] GROUP COMMAND …
 * Global options may stand anywhere before a lone "--". Each group lives in its own
 * vpctl-<group>.c and is listed once in vpctl.c's group table.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

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

/* Groups */
int vpctl_group_version (VpctlContext *ctx, int argc, char **argv);

G_END_DECLS
