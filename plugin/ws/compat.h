/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — every difference between the Wireshark versions we build
 * against (4.0 to 4.6) lives here, and only here. */
#ifndef SIP4XX_COMPAT_H
#define SIP4XX_COMPAT_H

#include <ws_version.h>

#define SIP4XX_WS_VERSION (WIRESHARK_VERSION_MAJOR * 100 + WIRESHARK_VERSION_MINOR)

#if SIP4XX_WS_VERSION < 400
#error "sip4xx needs Wireshark 4.0 or later"
#endif

/* 4.4 added plugin_describe(): the loader asks what kind of plugin this is. */
#if SIP4XX_WS_VERSION >= 404
#include <wsutil/plugins.h>
#define SIP4XX_DECLARE_PLUGIN_DESCRIBE()                  \
    WS_DLL_PUBLIC uint32_t plugin_describe(void);         \
    uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#else
#define SIP4XX_DECLARE_PLUGIN_DESCRIBE()
#endif

/* 4.4 renamed the tvb accessors tvb_get_guint8/tvb_find_guint8 to
 * tvb_get_uint8/tvb_find_uint8 and deprecated the old names (a warning,
 * an error under -Werror). Code uses the new names; 4.0 maps them back. */
#if SIP4XX_WS_VERSION < 404
#define tvb_get_uint8  tvb_get_guint8
#define tvb_find_uint8 tvb_find_guint8
#endif

/* 4.2 moved preference flags from gboolean to bool. */
#if SIP4XX_WS_VERSION >= 402
#include <stdbool.h>
typedef bool sip4xx_pref_bool_t;
#else
#include <glib.h>
typedef gboolean sip4xx_pref_bool_t;
#endif

/* 4.2 (with the menu groups Logray brought) renamed the Telephony statistics group
 * (REGISTER_STAT_GROUP_TELEPHONY became REGISTER_TELEPHONY_GROUP_UNSORTED). */
#include <epan/stat_groups.h>
#if SIP4XX_WS_VERSION >= 402
#define SIP4XX_STAT_GROUP_TELEPHONY REGISTER_TELEPHONY_GROUP_UNSORTED
#else
#define SIP4XX_STAT_GROUP_TELEPHONY REGISTER_STAT_GROUP_TELEPHONY
#endif

#endif
