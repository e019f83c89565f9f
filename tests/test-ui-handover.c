/* test-ui-handover.c: switching cashier with an open shift: hand over or close */
#include "config.h"

#include "vp-handover-dialog.h"
#include "vp-ledger.h"
#include "vp-model-error.h"
#include "vp-shift.h"
#include "vp-ui-test.h"

static gboolean
dialog_shown (gpointer data)
{
  return vp_handover_dialog_find (data) != NULL;
}

static gboolean
dialog_idle (gpointer data)
{
  return !vp_handover_dialog_get_busy (data);
}

static gboolean
supervisor_logged_in (gpointer data)
{
  VpSession *session = vp_context_get_session (vp_window_get_context (data));

  return session != NULL && g_str_equal (vp_session_get_login (session), "supervisor") &&
         vp_handover_dialog_find (data) == NULL;
}

/* The cashier's open shift with 100.00 float and a 35.50 cash top-up. */
static void
open_cashier_shift (VpUiFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpSession) cashier = vp_session_login (fixture->db, "cashier",
                                                   VP_CONTEXT_DEMO_PASSWORD, &error);

  g_assert_true (vp_shift_open (fixture->db, cashier, 10000, NULL, &error));
  g_assert_true (vp_ledger_topup (fixture->db, cashier, fixture->wang_fang, 3550,
                                  VP_PAYMENT_CASH, NULL, 0, NULL, &error));
  g_assert_no_error (error);
}

static VpHandoverDialog *
switch_cashier (VpUiFixture *fixture)
{
  g_action_group_activate_action (G_ACTION_GROUP (fixture->window), "logout", NULL);
  vp_ui_test_wait (dialog_shown, fixture->window, "the handover question");
  /* The outgoing cashier stays logged in until the decision. */
  g_assert_false (vp_window_get_locked (fixture->window));
  return vp_handover_dialog_find (fixture->window);
}

static void
test_hand_over (VpUiFixture   *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VpShift) shift = NULL;
  VpHandoverDialog *dialog;

  open_cashier_shift (fixture);
  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  dialog = switch_cashier (fixture);

  /* A wrong password hands nothing over and says so. */
  gtk_editable_set_text (vp_handover_dialog_get_field (dialog, "login"), "supervisor");
  gtk_editable_set_text (vp_handover_dialog_get_field (dialog, "password"), "not-it");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "handover.hand-over", NULL));
  vp_ui_test_wait (dialog_idle, dialog, "the refusal");
  g_assert_nonnull (vp_handover_dialog_get_error (dialog));
  g_test_message ("refused: %s", vp_handover_dialog_get_error (dialog));

  gtk_editable_set_text (vp_handover_dialog_get_field (dialog, "password"),
                         VP_CONTEXT_DEMO_PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "handover.hand-over", NULL));
  vp_ui_test_wait (supervisor_logged_in, fixture->window, "the incoming cashier");

  /* The supervisor's new shift holds exactly what the drawer should: 100.00 + 35.50. */
  shift = vp_shift_get_current (fixture->db,
                                vp_context_get_session (vp_window_get_context (fixture->window)),
                                &error);
  g_assert_no_error (error);
  g_assert_nonnull (shift);
  g_assert_cmpint (shift->float_amount, ==, 13550);
  g_assert_cmpint (shift->expected, ==, 13550);
}

static void
test_close_shift (VpUiFixture   *fixture,
                  gconstpointer  data)
{
  VpHandoverDialog *dialog;

  open_cashier_shift (fixture);
  vp_ui_test_login (fixture, "cashier", VP_CONTEXT_DEMO_PASSWORD);
  dialog = switch_cashier (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "handover.close-shift", NULL));
  g_assert_null (vp_handover_dialog_find (fixture->window));
  g_assert_false (vp_window_get_locked (fixture->window));
  g_assert_true (vp_window_get_page_visible (fixture->window, "shift"));
}

int
main (int   argc,
      char *argv[])
{
  if (!vp_ui_test_init (&argc, &argv))
    return 0;

  g_test_add ("/vp/ui/handover/hand-over", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_hand_over, vp_ui_fixture_teardown);
  g_test_add ("/vp/ui/handover/close-shift", VpUiFixture, NULL, vp_ui_fixture_setup,
              test_close_shift, vp_ui_fixture_teardown);

  return g_test_run ();
}
