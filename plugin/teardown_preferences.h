/* teardown_preferences.h: the plugin's preferences, and the settings the
 * analysis reads from them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TEARDOWN_PREFERENCES_H
#define TEARDOWN_PREFERENCES_H

#include "teardown_compat.h"
#include "teardown_state.h"

/* Whether to analyze at all, and to write the Info column. */
extern teardown_pref_bool teardown_pref_analyze;
extern teardown_pref_bool teardown_pref_info_column;

/* Registers the preferences; apply is called when they change. */
void teardown_preferences_register(int proto, void (*apply)(void));

/* The settings the analysis judges times by, as the preferences say now
 * (the capture's end unknown).  A preference whose text changed since it
 * was last read is read again (sharkd sets preferences without telling
 * anyone); a text that is no valid value is refused in words, once, and
 * the setting keeps its value. */
const struct teardown_config *teardown_current_config(void);

#endif /* TEARDOWN_PREFERENCES_H */
