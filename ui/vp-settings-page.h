/* vp-settings-page.h: the administrator's page: operators, tariffs, premises, counter */
#pragma once

#include <gtk/gtk.h>

#include "vp-context.h"

G_BEGIN_DECLS

#define VP_TYPE_SETTINGS_PAGE (vp_settings_page_get_type ())
G_DECLARE_FINAL_TYPE (VpSettingsPage, vp_settings_page, VP, SETTINGS_PAGE, GtkWidget)

GtkWidget   *vp_settings_page_new             (VpContext      *context);
/* Reads operators, tariffs, rooms and settings again (worker thread). */
void         vp_settings_page_refresh         (VpSettingsPage *self);
gboolean     vp_settings_page_get_busy        (VpSettingsPage *self);
/* A field by name: "login", "name", "password", "new-password", "tariff-name",
 * "prices", "site", "building", "room", "area", "new-link", or a setting key
 * (vp-settings.h). */
GtkEditable *vp_settings_page_get_field       (VpSettingsPage *self,
                                               const char     *name);
/* A choice by name: "role" (VpRole), "utility" (VpUtility), "scheme" (0 flat, 1 time
 * of use, 2 tiered), "floor" (the floor number), "link" (index in the links in use). */
void         vp_settings_page_set_choice      (VpSettingsPage *self,
                                               const char     *name,
                                               int             value);
guint        vp_settings_page_get_n_operators (VpSettingsPage *self);
/* Selects the operator @login in the list; FALSE when not listed. */
gboolean     vp_settings_page_select_operator (VpSettingsPage *self,
                                               const char     *login);
guint        vp_settings_page_get_n_tariffs   (VpSettingsPage *self);
/* The line the tariff list shows for @name, NULL when not listed. */
const char  *vp_settings_page_get_tariff_line (VpSettingsPage *self,
                                               const char     *name);
guint        vp_settings_page_get_n_rooms     (VpSettingsPage *self);
const char  *vp_settings_page_get_message     (VpSettingsPage *self,
                                               gboolean       *is_error);

G_END_DECLS
