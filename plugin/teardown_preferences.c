/* teardown_preferences.c: the plugin's preferences, read into the settings
 * the analysis judges times by.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_preferences.h"

#include <epan/packet.h>
#include <wsutil/report_message.h>

#include "teardown_settings.h"

teardown_pref_bool teardown_pref_analyze = TRUE;
teardown_pref_bool teardown_pref_info_column = TRUE;
static const char *pref_idle_timers = TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_DEFAULT_S);
static const char *pref_slow_close = TEARDOWN_WORDS(TEARDOWN_SLOW_CLOSE_DEFAULT_S);
static const char *pref_time_wait = TEARDOWN_WORDS(TEARDOWN_TIME_WAIT_DEFAULT_S);
static const char *pref_stuck_after = TEARDOWN_WORDS(TEARDOWN_STUCK_AFTER_DEFAULT_S);

static uint32_t idle_timers_s[TEARDOWN_IDLE_TIMERS_MAX] = { TEARDOWN_IDLE_TIMERS_DEFAULT_S };
static struct teardown_config settings = {
    .idle_timers_s = idle_timers_s,
    .idle_timer_count = sizeof (uint32_t[]){ TEARDOWN_IDLE_TIMERS_DEFAULT_S } / sizeof(uint32_t),
    .slow_close_ns = TEARDOWN_SLOW_CLOSE_DEFAULT_S * INT64_C(1000000000),
    .time_wait_ns = TEARDOWN_TIME_WAIT_DEFAULT_S * INT64_C(1000000000),
    .stuck_after_ns = TEARDOWN_STUCK_AFTER_DEFAULT_S * INT64_C(1000000000),
};

/* The text each time preference had when it was last read into settings. */
static char *idle_timers_read, *slow_close_read, *time_wait_read, *stuck_after_read;

/* Whether a preference's text differs from the text last read (*read),
 * which it then becomes. */
static bool
preference_changed(const char *text, char **read)
{
    if (g_strcmp0(text, *read) == 0)
        return false;
    g_free(*read);
    *read = g_strdup(text);
    return true;
}

/* A duration preference (teardown.NAME) into *ns; a text that is not one
 * is refused, in words, and *ns stays as it was. */
static void
read_duration_preference(const char *name, const char *text, char **read, int64_t *ns)
{
    enum teardown_setting_error error;
    int64_t value;

    if (!preference_changed(text, read))
        return;
    error = teardown_read_duration(text != NULL ? text : "", &value);
    if (error == TEARDOWN_SETTING_OK)
        *ns = value;
    else
        report_failure("The preference teardown.%s is refused: \"%s\" is %s. It stays %g s.",
                       name, text != NULL ? text : "", teardown_setting_error_text(error), *ns / 1e9);
}

static void
read_idle_timers_preference(void)
{
    uint32_t timers_s[TEARDOWN_IDLE_TIMERS_MAX];
    enum teardown_setting_error error;
    const char *text = pref_idle_timers != NULL ? pref_idle_timers : "";
    const char *bad;
    size_t count, bad_length;

    if (!preference_changed(text, &idle_timers_read))
        return;
    error = teardown_read_idle_timers(text, timers_s, &count, &bad, &bad_length);
    if (error == TEARDOWN_SETTING_OK) {
        memcpy(idle_timers_s, timers_s, count * sizeof timers_s[0]);
        settings.idle_timer_count = count;
    } else {
        report_failure("The preference teardown.idle_timers is refused: \"%.*s\" is %s. "
                       "The idle timers stay as they were.", (int)bad_length, bad, teardown_setting_error_text(error));
    }
}

/* Wireshark unloads plugins when it shuts down, after which nothing could
 * reach the texts kept above: they are freed before. */
static void
forget_read_preferences(void)
{
    g_free(idle_timers_read);
    g_free(slow_close_read);
    g_free(time_wait_read);
    g_free(stuck_after_read);
    idle_timers_read = slow_close_read = time_wait_read = stuck_after_read = NULL;
}

const struct teardown_config *
teardown_current_config(void)
{
    read_idle_timers_preference();
    read_duration_preference("slow_close", pref_slow_close, &slow_close_read, &settings.slow_close_ns);
    read_duration_preference("time_wait", pref_time_wait, &time_wait_read, &settings.time_wait_ns);
    read_duration_preference("stuck_after", pref_stuck_after, &stuck_after_read, &settings.stuck_after_ns);
    return &settings;
}

void
teardown_preferences_register(int proto, void (*apply)(void))
{
    module_t *module = prefs_register_protocol(proto, apply);

    register_shutdown_routine(forget_read_preferences);

    prefs_register_bool_preference(module, "analyze", "Analyze TCP connection teardowns",
        "Follow every TCP connection and annotate its FINs, the ACKs that acknowledge them and "
        "the RST that ends it. Off, the plugin reads nothing and costs nothing.",
        &teardown_pref_analyze);
    prefs_register_bool_preference(module, "info_column", "Show teardown steps in the Info column",
        "Start the Info column of teardown frames with e.g. \"[1/4, active]\"",
        &teardown_pref_info_column);
    prefs_register_string_preference(module, "idle_timers", "Idle timers (seconds)",
        "Common idle timeouts of firewalls, load balancers and servers, in whole seconds, separated by "
        "commas (at most " TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_MAX) "): a connection closed after an idle "
        "time within " TEARDOWN_WORDS(TEARDOWN_IDLE_TOLERANCE_PERCENT) " % (at least "
        TEARDOWN_WORDS(TEARDOWN_IDLE_TOLERANCE_MIN_MS) " ms) of one is marked as probably closed by that "
        "timer. Default: " TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_DEFAULT_S), &pref_idle_timers);
    prefs_register_string_preference(module, "slow_close", "Slow close (seconds)",
        "A passive closer that sends its FIN this many seconds or more after the first FIN "
        "(CLOSE-WAIT) is pointed out, and so is a teardown left unfinished this long while "
        "the capture ran on (a number, with a unit if not seconds: 2.5, 500ms, 2 min). Default: "
        TEARDOWN_WORDS(TEARDOWN_SLOW_CLOSE_DEFAULT_S) " s", &pref_slow_close);
    prefs_register_string_preference(module, "stuck_after", "Stuck after (seconds)",
        "A passive closer that acknowledged the FIN and sent none of its own for this long, the capture "
        "running on, is stuck in CLOSE-WAIT (a warning); below it, the teardown was still under way when "
        "the capture ended (a note). Default: " TEARDOWN_WORDS(TEARDOWN_STUCK_AFTER_DEFAULT_S)
        " s, Linux's tcp_fin_timeout, after which only the application can end a CLOSE-WAIT",
        &pref_stuck_after);
    prefs_register_string_preference(module, "time_wait", "TIME-WAIT (seconds)",
        "How long the endpoint that closed first holds TIME-WAIT: a SYN that reuses the addresses "
        "and ports of a connection closed gracefully less than this long before is pointed out "
        "(a number, with a unit if not seconds). Default: " TEARDOWN_WORDS(TEARDOWN_TIME_WAIT_DEFAULT_S)
        " s, Linux's", &pref_time_wait);
}
