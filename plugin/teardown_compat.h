/* teardown_compat.h: the differences between Wireshark 4.0, 4.4 and 4.6
 * that the plugin's code meets; the one in its entry points (4.4 and later
 * ask plugin_describe()) is in plugin.c, beside them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Feature tests rather than version numbers, so that releases in between
 * (4.2, which Debian never shipped) take whichever form they have.
 */
#ifndef TEARDOWN_COMPAT_H
#define TEARDOWN_COMPAT_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/prefs.h>

#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif

/* field_info.value is an embedded fvalue_t in 4.0 and a pointer from 4.4. */
#define TEARDOWN_FVALUE(fi) \
    _Generic((fi)->value, fvalue_t *: (fi)->value, default: &(fi)->value)

/* prefs_register_bool_preference() stores through a gboolean * in 4.0 and a
 * bool * from 4.4; CMake probes which (TEARDOWN_PREF_BOOL_IS_BOOL). */
#ifdef TEARDOWN_PREF_BOOL_IS_BOOL
typedef bool teardown_pref_bool;
#else
typedef gboolean teardown_pref_bool;
#endif

/* A tshark -z statistic's init callback returns void in 4.0 and 4.4, and
 * from 4.6 bool, false when it could not start; CMake probes which
 * (TEARDOWN_STAT_INIT_RETURNS_BOOL).  TEARDOWN_STAT_INIT_STARTED ends one
 * that started. */
#ifdef TEARDOWN_STAT_INIT_RETURNS_BOOL
typedef bool teardown_stat_init_result;
#define TEARDOWN_STAT_INIT_STARTED return true
#else
typedef void teardown_stat_init_result;
#define TEARDOWN_STAT_INIT_STARTED return
#endif

#endif /* TEARDOWN_COMPAT_H */
