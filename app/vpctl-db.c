/* vpctl-db.c: "vpctl db init|verify|backup|restore" and "vpctl operator add|list|passwd|unlock|
 * enable|disable" */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "vp-audit.h"
#include "vp-database.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-session.h"
#include "vpctl.h"

#define DEFAULT_BACKUP_KEEP 10

/* A new operator's password: from @env_var, or typed twice on the terminal. */
static char *
read_new_password (const char  *login,
                   const char  *env_var,
                   GError     **error)
{
  g_autofree char *prompt = g_strdup_printf (_("New password for %s: "), login);
  g_autofree char *again_prompt = g_strdup_printf (_("Type the password for %s again: "), login);
  gboolean typed = g_getenv (env_var) == NULL;
  char *password;
  char *again;

  password = vpctl_read_secret (prompt, env_var, error);
  if (password == NULL)
    return NULL;
  if (!vp_operator_check_password_quality (password, error))
    {
      vpctl_free_secret (password);
      return NULL;
    }
  if (!typed)
    return password;

  again = vpctl_read_secret (again_prompt, NULL, error);
  if (again == NULL || !g_str_equal (password, again))
    {
      if (again != NULL)
        g_set_error_literal (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                             _("The two passwords differ; nothing was changed"));
      vpctl_free_secret (password);
      vpctl_free_secret (again);
      return NULL;
    }
  vpctl_free_secret (again);
  return password;
}

/* Record a vpctl action in the audit log in its own transaction. */
static gboolean
audit_action (VpSession   *session,
              const char  *action,
              const char  *object,
              const char  *after_json,
              GError     **error)
{
  VpDatabase *db = vp_session_get_database (session);

  if (!vp_database_begin (db, error))
    return FALSE;
  if (!vp_audit_append (db, vp_session_get_operator_id (session), action, object, NULL,
                        after_json, error))
    {
      vp_database_rollback (db);
      return FALSE;
    }
  return vp_database_commit (db, error);
}

/* {"ok":true,"NAME":"VALUE"}: the answer of commands with one thing to tell. */
static void
print_ok_with (VpctlContext *ctx,
               const char   *name,
               const char   *value)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  vpctl_json_add_bool (b, "ok", TRUE);
  vpctl_json_add_string (b, name, value);
  json_builder_end_object (b);
  vpctl_print_builder (b);
}

static int
db_init (VpctlContext *ctx,
         int           argc,
         char        **argv)
{
  g_autofree char *admin = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin, N_("Login of the first admin (default: admin)"), N_("LOGIN") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Full name of the first admin"), N_("NAME") },
    { NULL }
  };
  VpDatabase *db;
  char *password;
  gint64 count = 0;
  gint64 id = 0;
  gboolean ok;

  if (!vpctl_parse_options (ctx, "", _("Create the database and its first admin. The password "
                                       "comes from VP_PASSWORD or is asked twice."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc > 1)
    return vpctl_usage_error (ctx, _("Unexpected argument “%s”"), argv[1]);
  if (admin == NULL)
    admin = g_strdup ("admin");
  if (name == NULL)
    name = g_strdup ("Administrator");

  db = vpctl_open_db_full (ctx, TRUE, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);

  /* Refuse before asking for a password that would not be used. */
  if (!vp_operator_count (db, &count, &error))
    return vpctl_fail (ctx, error);
  if (count > 0)
    {
      g_set_error (&error, VP_MODEL_ERROR, VP_MODEL_ERROR_EXISTS,
                   _("The database %s already has operators; add more with “vpctl operator "
                     "add”"), vp_database_get_path (db));
      return vpctl_fail (ctx, error);
    }

  password = read_new_password (admin, "VP_PASSWORD", &error);
  if (password == NULL)
    return vpctl_fail (ctx, error);
  ok = vp_operator_add (db, NULL, admin, name, VP_ROLE_ADMIN, password, &id, &error);
  vpctl_free_secret (password);
  if (!ok)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_bool (b, "ok", TRUE);
      vpctl_json_add_string (b, "database", vp_database_get_path (db));
      vpctl_json_add_int (b, "schema", vp_database_schema_version ());
      vpctl_json_add_string (b, "admin", admin);
      vpctl_json_add_int (b, "operator_id", id);
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print (_("Created %s with the admin “%s”.\n"), vp_database_get_path (db), admin);
  return VPCTL_EXIT_OK;
}

/* One check of "db verify": adds its result members to @b; FALSE with @error when
 * the check finds a problem. */
typedef gboolean (*VerifyFunc) (VpDatabase   *db,
                                JsonObject   *result,
                                GError      **error);

static gboolean
verify_integrity (VpDatabase   *db,
                  JsonObject   *result,
                  GError      **error)
{
  gboolean ok = vp_database_integrity_check (db, error);

  json_object_set_string_member (result, "integrity", ok ? "ok" : "damaged");
  return ok;
}

static gboolean
verify_audit (VpDatabase   *db,
              JsonObject   *result,
              GError      **error)
{
  g_autofree char *head = NULL;
  gint64 rows = 0;
  gint64 bad = 0;

  if (!vp_audit_verify_full (db, &rows, &head, &bad, error))
    {
      if (bad > 0)
        json_object_set_int_member (result, "audit_bad_row", bad);
      return FALSE;
    }
  /* Written down elsewhere, this pair is the anchor that catches a rewrite of the
   * whole chain (see vp-audit.h). */
  json_object_set_int_member (result, "audit_rows", rows);
  json_object_set_string_member (result, "audit_head", head);
  return TRUE;
}

/* The ledger (model/vp-ledger.h): balances equal the ledger sums, receipt numbers are
 * gapless per counter, every reversal cancels a top-up. */
static gboolean
verify_ledger (VpDatabase   *db,
               JsonObject   *result,
               GError      **error)
{
  gint64 rows = 0;

  if (!vp_ledger_verify (db, &rows, error))
    return FALSE;
  json_object_set_int_member (result, "ledger_rows", rows);
  return TRUE;
}

/* Every check runs even after one fails, so one run reports all that is wrong.
 * Further checks (the ledger's balances) are added as rows here. */
static const struct
{
  const char *name;
  VerifyFunc  func;
} verify_checks[] = {
  { "integrity", verify_integrity },
  { "audit", verify_audit },
  { "ledger", verify_ledger },
};

/* --anchor ROW:HASH — the head written down at an earlier verify must still be there. */
static gboolean
verify_anchor (VpDatabase  *db,
               const char  *anchor,
               GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (anchor, ":", 2);
  g_autofree char *stored = NULL;
  guint64 row = 0;

  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXINT64, &row, NULL))
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an anchor: write ROW:HASH as printed by “vpctl db verify "
                     "--json” (audit_rows:audit_head)"), anchor);
      return FALSE;
    }
  stored = vp_audit_get_hash (db, (gint64) row, error);
  if (stored == NULL)
    {
      g_prefix_error (error, _("The anchor does not hold: "));
      return FALSE;
    }
  if (g_ascii_strcasecmp (stored, parts[1]) != 0)
    {
      g_set_error (error, VP_MODEL_ERROR, VP_MODEL_ERROR_VERIFY_FAILED,
                   _("The anchor does not hold: audit log row %s has changed since the anchor "
                     "was written down (the log up to it was rewritten)"), parts[0]);
      return FALSE;
    }
  return TRUE;
}

static int
db_verify (VpctlContext *ctx,
           int           argc,
           char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *anchor = NULL;
  g_autofree char *after = NULL;
  GOptionEntry entries[] = {
    { "anchor", 0, 0, G_OPTION_ARG_STRING, &anchor, N_("Also check an audit head written down earlier"), N_("ROW:HASH") },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  gboolean all_ok = TRUE;

  if (!vpctl_parse_options (ctx, "", _("Check the database file, the audit chain and the "
                                       "ledger. Exit status 1 names what is wrong."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc > 1)
    return vpctl_usage_error (ctx, _("Unexpected argument “%s”"), argv[1]);

  session = vpctl_get_session (ctx, &error);
  if (session == NULL || !vp_session_require (session, VP_PERM_AUDIT, &error))
    return vpctl_fail (ctx, error);
  db = vp_session_get_database (session);

  /* "ok" first so a reader sees the verdict first; it is updated in place below. */
  json_object_set_boolean_member (result, "ok", FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (verify_checks); i++)
    {
      g_autoptr(GError) check_error = NULL;

      if (!verify_checks[i].func (db, result, &check_error))
        {
          g_autofree char *member = g_strconcat (verify_checks[i].name, "_error", NULL);

          json_object_set_string_member (result, member, check_error->message);
          vpctl_fail (ctx, check_error);
          all_ok = FALSE;
        }
    }
  if (all_ok && anchor != NULL)
    {
      g_autoptr(GError) anchor_error = NULL;

      if (!verify_anchor (db, anchor, &anchor_error))
        {
          json_object_set_string_member (result, "anchor_error", anchor_error->message);
          vpctl_fail (ctx, anchor_error);
          all_ok = FALSE;
        }
    }
  json_object_set_boolean_member (result, "ok", all_ok);

  after = vp_audit_json ("ok", all_ok ? "true" : "false", NULL);
  if (!audit_action (session, "db.verify", NULL, after, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (root, result);
      vpctl_print_json (root);
    }
  else if (all_ok)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (verify_checks); i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", verify_checks[i].name);
      g_print (_("Every check passed (%s).\n"), names->str);
      g_print (_("Audit head: %lld:%s (write it down; “vpctl db verify --anchor” checks it "
                 "later)\n"),
               (long long) json_object_get_int_member (result, "audit_rows"),
               json_object_get_string_member (result, "audit_head"));
    }
  return all_ok ? VPCTL_EXIT_OK : VPCTL_EXIT_FAILED;
}

static int
db_backup (VpctlContext *ctx,
           int           argc,
           char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *to = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *written = NULL;
  g_autofree char *object = NULL;
  int keep = DEFAULT_BACKUP_KEEP;
  gboolean if_due = FALSE;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("Write the backup to FILE (must not exist)"), N_("FILE") },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, N_("Write a dated backup into DIR (default: backup.dir, else backups/ beside the database)"), N_("DIR") },
    { "keep", 0, 0, G_OPTION_ARG_INT, &keep, N_("With --dir, keep only the N newest backups (default 10)"), N_("N") },
    { "if-due", 0, 0, G_OPTION_ARG_NONE, &if_due, N_("Only when the schedule (backup.interval_hours) says one is due, into backup.dir"), NULL },
    { NULL }
  };
  VpSession *session;
  VpDatabase *db;
  gboolean ok;

  if (!vpctl_parse_options (ctx, "", _("Copy the live database into a checked backup file."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc > 1)
    return vpctl_usage_error (ctx, _("Unexpected argument “%s”"), argv[1]);
  if (to != NULL && dir != NULL)
    return vpctl_usage_error (ctx, _("Give either --to or --dir, not both"));
  if (keep < 1)
    return vpctl_usage_error (ctx, _("--keep needs at least 1"));

  session = vpctl_get_session (ctx, &error);
  if (session == NULL || !vp_session_require (session, VP_PERM_AUDIT, &error))
    return vpctl_fail (ctx, error);
  db = vp_session_get_database (session);

  if (if_due && (to != NULL || dir != NULL))
    return vpctl_usage_error (ctx, _("--if-due takes the folder from the settings"));
  if (if_due)
    {
      ok = vp_database_backup_if_due (db, g_get_real_time () / G_USEC_PER_SEC, &written, &error);
      if (ok && written == NULL)
        {
          if (ctx->json)
            print_ok_with (ctx, "backup", NULL);
          else
            g_print (_("No backup is due.\n"));
          return VPCTL_EXIT_OK;
        }
    }
  else if (to != NULL)
    {
      ok = vp_database_backup (db, to, &error);
      written = g_strdup (to);
    }
  else
    {
      if (dir == NULL)
        dir = vp_database_backup_dir (db);
      ok = vp_database_backup_rotate (db, dir, (guint) keep, &written, &error);
    }
  if (!ok)
    return vpctl_fail (ctx, error);

  object = g_strconcat ("file:", written, NULL);
  if (!audit_action (session, "db.backup", object, NULL, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    print_ok_with (ctx, "backup", written);
  else
    g_print (_("Backup written to %s\n"), written);
  return VPCTL_EXIT_OK;
}

/* "db restore BACKUP --to NEW": the backup copied into a new file, migrated to this
 * build's schema and checked like "db verify". No log-in: the copy is a new database,
 * its operators and their passwords are those of the backup. */
static int
db_restore (VpctlContext *ctx,
            int           argc,
            char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpDatabase) db = NULL;
  g_autoptr(JsonObject) result = json_object_new ();
  g_autofree char *to = NULL;
  g_autofree char *object = NULL;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_FILENAME, &to, N_("Write the restored database to FILE (must not exist)"), N_("FILE") },
    { NULL }
  };

  if (!vpctl_parse_options (ctx, _("BACKUP"), _("Restore a backup into a new database file and "
                                                "check it. The backup is not changed."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give one backup file"));
  if (to == NULL)
    return vpctl_usage_error (ctx, _("Give the new file with --to"));

  if (!vp_database_restore (argv[1], to, &error))
    return vpctl_fail (ctx, error);
  db = vp_database_open (to, &error);
  if (db == NULL)
    return vpctl_fail (ctx, error);
  for (guint i = 0; i < G_N_ELEMENTS (verify_checks); i++)
    {
      if (!verify_checks[i].func (db, result, &error))
        {
          g_prefix_error (&error, _("The restored copy %s does not verify: "), to);
          return vpctl_fail (ctx, error);
        }
    }
  object = g_strconcat ("file:", argv[1], NULL);
  if (!vp_database_begin (db, &error))
    return vpctl_fail (ctx, error);
  if (!vp_audit_append (db, 0, "db.restore", object, NULL, NULL, &error))
    {
      vp_database_rollback (db);
      return vpctl_fail (ctx, error);
    }
  if (!vp_database_commit (db, &error))
    return vpctl_fail (ctx, error);

  if (ctx->json)
    print_ok_with (ctx, "database", to);
  else
    g_print (_("Restored %s into %s; every check passed (%lld ledger rows).\n"), argv[1], to,
             (long long) json_object_get_int_member (result, "ledger_rows"));
  return VPCTL_EXIT_OK;
}

static const VpctlCommand db_commands[] = {
  { "init", db_init, N_("Create the database and the first admin") },
  { "verify", db_verify, N_("Check the file, the audit chain and the ledger") },
  { "backup", db_backup, N_("Write a checked copy of the database") },
  { "restore", db_restore, N_("Restore a backup into a new file and check it") },
};

int
vpctl_group_db (VpctlContext *ctx,
                int           argc,
                char        **argv)
{
  return vpctl_run_command (ctx, db_commands, G_N_ELEMENTS (db_commands), argc, argv);
}

static int
operator_add (VpctlContext *ctx,
              int           argc,
              char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *role_text = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Full name (required)"), N_("NAME") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role_text, N_("cashier, supervisor, technician or admin (required)"), N_("ROLE") },
    { NULL }
  };
  VpSession *session;
  const char *login;
  char *password;
  VpRole role;
  gint64 id = 0;
  gboolean ok;

  if (!vpctl_parse_options (ctx, _("LOGIN"), _("Add an operator. Their password comes from "
                                               "VP_NEW_PASSWORD or is asked twice."),
                            entries, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give exactly one LOGIN"));
  login = argv[1];
  if (name == NULL)
    return vpctl_usage_error (ctx, _("--name is required"));
  if (role_text == NULL || !vp_role_from_string (role_text, &role))
    return vpctl_usage_error (ctx, _("--role must be cashier, supervisor, technician or admin"));

  session = vpctl_get_session (ctx, &error);
  if (session == NULL || !vp_session_require (session, VP_PERM_OPERATOR_MANAGE, &error))
    return vpctl_fail (ctx, error);

  password = read_new_password (login, "VP_NEW_PASSWORD", &error);
  if (password == NULL)
    return vpctl_fail (ctx, error);
  ok = vp_operator_add (vp_session_get_database (session), session, login, name, role, password,
                        &id, &error);
  vpctl_free_secret (password);
  if (!ok)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      vpctl_json_add_bool (b, "ok", TRUE);
      vpctl_json_add_int (b, "operator_id", id);
      vpctl_json_add_string (b, "login", login);
      vpctl_json_add_string (b, "name", name);
      vpctl_json_add_string (b, "role", vp_role_to_string (role));
      json_builder_end_object (b);
      vpctl_print_builder (b);
    }
  else
    g_print (_("Added %s “%s” (%s).\n"), vp_role_to_string (role), login, name);
  return VPCTL_EXIT_OK;
}

static int
operator_list (VpctlContext *ctx,
               int           argc,
               char        **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) operators = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  VpSession *session;

  if (!vpctl_parse_options (ctx, "", _("List the operators."), NULL, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc > 1)
    return vpctl_usage_error (ctx, _("Unexpected argument “%s”"), argv[1]);

  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);
  operators = vp_operator_list (session, &error);
  if (operators == NULL)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "operators");
      json_builder_begin_array (b);
      for (guint i = 0; i < operators->len; i++)
        {
          VpOperator *op = g_ptr_array_index (operators, i);

          json_builder_begin_object (b);
          vpctl_json_add_int (b, "id", op->id);
          vpctl_json_add_string (b, "login", op->login);
          vpctl_json_add_string (b, "name", op->name);
          vpctl_json_add_string (b, "role", vp_role_to_string (op->role));
          vpctl_json_add_bool (b, "active", op->active);
          vpctl_json_add_bool (b, "locked", op->locked_until > now);
          vpctl_json_add_string (b, "created_at", op->created_at);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      vpctl_print_builder (b);
      return VPCTL_EXIT_OK;
    }

  for (guint i = 0; i < operators->len; i++)
    {
      VpOperator *op = g_ptr_array_index (operators, i);

      g_print ("%-16s %-11s %s%s%s\n", op->login, vp_role_to_string (op->role), op->name,
               op->active ? "" : _(" (inactive)"),
               op->locked_until > now ? _(" (locked out)") : "");
    }
  return VPCTL_EXIT_OK;
}

typedef enum
{
  CHANGE_UNLOCK,
  CHANGE_PASSWORD,
  CHANGE_ENABLE,
  CHANGE_DISABLE,
} OperatorChange;

/* "operator unlock|passwd|enable|disable LOGIN" */
static int
operator_change (VpctlContext   *ctx,
                 int             argc,
                 char          **argv,
                 OperatorChange  change,
                 const char     *summary)
{
  g_autoptr(GError) error = NULL;
  VpSession *session;
  const char *login;
  gboolean ok = FALSE;

  if (!vpctl_parse_options (ctx, _("LOGIN"), summary, NULL, &argc, &argv))
    return VPCTL_EXIT_USAGE;
  if (argc != 2)
    return vpctl_usage_error (ctx, _("Give exactly one LOGIN"));
  login = argv[1];

  session = vpctl_get_session (ctx, &error);
  if (session == NULL)
    return vpctl_fail (ctx, error);

  switch (change)
    {
    case CHANGE_UNLOCK:
      ok = vp_operator_unlock (session, login, &error);
      break;
    case CHANGE_PASSWORD:
      {
        char *password = read_new_password (login, "VP_NEW_PASSWORD", &error);

        if (password != NULL)
          ok = vp_operator_set_password (session, login, password, &error);
        vpctl_free_secret (password);
      }
      break;
    case CHANGE_ENABLE:
    case CHANGE_DISABLE:
      ok = vp_operator_set_active (session, login, change == CHANGE_ENABLE, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    return vpctl_fail (ctx, error);

  if (ctx->json)
    print_ok_with (ctx, "login", login);
  else if (change == CHANGE_UNLOCK)
    g_print (_("“%s” may log in again.\n"), login);
  else if (change == CHANGE_PASSWORD)
    g_print (_("The password of “%s” was changed.\n"), login);
  else if (change == CHANGE_ENABLE)
    g_print (_("“%s” is enabled.\n"), login);
  else
    g_print (_("“%s” is disabled.\n"), login);
  return VPCTL_EXIT_OK;
}

static int
operator_unlock (VpctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  return operator_change (ctx, argc, argv, CHANGE_UNLOCK,
                          _("End an operator's lock-out after wrong passwords."));
}

static int
operator_passwd (VpctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  return operator_change (ctx, argc, argv, CHANGE_PASSWORD,
                          _("Set an operator's password (your own, or anyone's as an admin). "
                            "It comes from VP_NEW_PASSWORD or is asked twice."));
}

static int
operator_enable (VpctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  return operator_change (ctx, argc, argv, CHANGE_ENABLE, _("Let a disabled operator log in again."));
}

static int
operator_disable (VpctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  return operator_change (ctx, argc, argv, CHANGE_DISABLE,
                          _("Stop an operator from logging in (their history stays)."));
}

static const VpctlCommand operator_commands[] = {
  { "add", operator_add, N_("Add an operator") },
  { "list", operator_list, N_("List the operators") },
  { "passwd", operator_passwd, N_("Change a password") },
  { "unlock", operator_unlock, N_("End a lock-out after wrong passwords") },
  { "enable", operator_enable, N_("Let a disabled operator log in again") },
  { "disable", operator_disable, N_("Stop an operator from logging in") },
};

int
vpctl_group_operator (VpctlContext *ctx,
                      int           argc,
                      char        **argv)
{
  return vpctl_run_command (ctx, operator_commands, G_N_ELEMENTS (operator_commands), argc, argv);
}
