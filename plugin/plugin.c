/* plugin.c: the entry points Wireshark looks up when it loads the plugin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_compat.h"
#include "packet-teardown.h"

WS_DLL_PUBLIC_DEF const char plugin_version[] = TEARDOWN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void
plugin_register(void)
{
    static proto_plugin teardown_plugin;

    teardown_plugin.register_protoinfo = proto_register_teardown;
    teardown_plugin.register_handoff = proto_reg_handoff_teardown;
    proto_register_plugin(&teardown_plugin);
    register_teardown_stats();
}

/* Only 4.4 and later ask what kind of plugin this is. */
#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
