/* test-ui-replace-meter.c: 换表 from the Accounts page */
#include "config.h"

#include <string.h>

#include "vp-accounts-page.h"
#include "vp-replace-meter-dialog.h"
#include "vp-ui-test.h"

#define OLD_METER "000010604867"
#define NEW_METER "000010609876"

static gboolean
page_idle (gpointer data)
{
  return !vp_accounts_page_get_busy (data);
}

static gboolean
no_dialog (gpointer data)
{
  return vp_accounts_page_get_dialog (data) == NULL && !vp_accounts_page_get_busy (data);
}

static gboolean
dialog_idle (gpointer data)
{
  return !vp_replace_meter_dialog_get_busy (data);
}

static const VpMeter *
find_meter (const VpAccount *account,
            const char      *address)
{
  for (guint i = 0; i < account->meters->len; i++)
    {
      const VpMeter *meter = g_ptr_array_index (account->meters, i);

      if (g_str_equal (meter->address, address))
        return meter;
    }
  return NULL;
}

static void
test_replace (VpUiFixture   *fixture,
              gconstpointer  data)
{
  g_autoptr(VpAccount) before = vp_ui_test_account (fixture, fixture->wang_fang);
  g_autoptr(VpAccount) after = NULL;
  const VpMeter *old, *new_meter;
  VpReplaceMeterDialog *dialog;
  VpAccountsPage *page;
  g_autofree char *final_text = NULL;
  gint64 installed;

  old = find_meter (before, OLD_METER);
  g_assert (old != NULL);
  installed = old->install_reading;

  vp_ui_test_login (fixture, "admin", VP_CONTEXT_DEMO_PASSWORD);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "show-accounts", NULL);
  page = VP_ACCOUNTS_PAGE (vp_window_get_page (fixture->window, "accounts"));
  vp_ui_test_wait (page_idle, page, "the account list");
  /* Li Lei has no meter: nothing to replace. */
  vp_accounts_page_select (page, 1);
  vp_ui_test_wait (page_idle, page, "李雷's card");
  g_assert_cmpstr (vp_accounts_page_get_account (page)->number, ==, fixture->li_lei);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.replace-meter", NULL)
                  && vp_accounts_page_get_dialog (page) != NULL);

  vp_accounts_page_select (page, 0);
  vp_ui_test_wait (page_idle, page, "王芳's card");
  g_assert_cmpstr (vp_accounts_page_get_account (page)->number, ==, fixture->wang_fang);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "accounts.replace-meter", NULL));
  dialog = VP_REPLACE_METER_DIALOG (vp_accounts_page_get_dialog (page));
  g_assert_nonnull (dialog);

  /* Not a reading: the dialog stays and says how to type it. */
  vp_ui_test_type (vp_replace_meter_dialog_get_final (dialog), "12,5");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "replace.commit", NULL);
  g_assert_nonnull (vp_replace_meter_dialog_get_error (dialog));
  g_assert_true (strstr (vp_replace_meter_dialog_get_error (dialog), "is not a reading") != NULL);

  /* A final reading below the installed one: the model refuses, nothing changes. */
  gtk_editable_set_text (vp_replace_meter_dialog_get_final (dialog), "");
  vp_ui_test_type (vp_replace_meter_dialog_get_address (dialog), NEW_METER);
  if (installed > 0)
    {
      vp_ui_test_type (vp_replace_meter_dialog_get_final (dialog), "0.00");
      gtk_widget_activate_action (GTK_WIDGET (dialog), "replace.commit", NULL);
      vp_ui_test_wait (dialog_idle, dialog, "the refusal");
      g_assert_nonnull (vp_replace_meter_dialog_get_error (dialog));
      gtk_editable_set_text (vp_replace_meter_dialog_get_final (dialog), "");
    }

  final_text = g_strdup_printf ("%" G_GINT64_FORMAT ".34", installed / 100 + 12);
  vp_ui_test_type (vp_replace_meter_dialog_get_final (dialog), final_text);
  gtk_editable_set_text (vp_replace_meter_dialog_get_initial (dialog), "");
  vp_ui_test_type (vp_replace_meter_dialog_get_initial (dialog), "5.00");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "replace.commit", NULL);
  vp_ui_test_wait (no_dialog, page, "the replaced meter");
  g_assert_true (strstr (vp_accounts_page_get_message (page), "replaced by meter " NEW_METER) != NULL);

  after = vp_ui_test_account (fixture, fixture->wang_fang);
  old = find_meter (after, OLD_METER);
  g_assert (old != NULL);
  new_meter = find_meter (after, NEW_METER);
  g_assert (new_meter != NULL);
  g_assert_cmpint (old->status, ==, VP_METER_STATUS_REPLACED);
  g_assert_cmpint (old->final_reading, ==, (installed / 100 + 12) * 100 + 34);
  g_assert_cmpint (new_meter->status, ==, VP_METER_STATUS_ACTIVE);
  g_assert_cmpint (new_meter->install_reading, ==, 500);
  g_assert_cmpint (new_meter->kind, ==, old->kind);
  g_assert_cmpint (new_meter->protocol, ==, old->protocol);
  g_assert_cmpstr (new_meter->link, ==, old->link);
  g_assert_cmpint (new_meter->multiplier, ==, old->multiplier);
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/replace-meter/replace", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_replace, vp_ui_fixture_teardown);

  return g_test_run ();
}
