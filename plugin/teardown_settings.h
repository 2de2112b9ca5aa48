/* teardown_settings.h: the analysis' settings, their defaults said once, and
 * how what a person types is read into them.  Free of Wireshark types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The glue registers one preference per setting, with these defaults and
 * help texts built from them, and reads the preferences' text with the
 * functions below, which say what is wrong with a text they refuse.
 */
#ifndef TEARDOWN_SETTINGS_H
#define TEARDOWN_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#define TEARDOWN_WORDS_(...) #__VA_ARGS__
/* A macro below as text, for the preferences' defaults and help texts. */
#define TEARDOWN_WORDS(...) TEARDOWN_WORDS_(__VA_ARGS__)

/* Common idle timeouts of firewalls, load balancers and servers, seconds. */
#define TEARDOWN_IDLE_TIMERS_DEFAULT_S 30,60,120,240,300,350,600,900,1800,3600,7200
/* How many idle timers the settings hold: the statistics list them in order
 * under names that sort as they do only up to this many. */
#define TEARDOWN_IDLE_TIMERS_MAX 64
/* An idle time matches a timer T within T's TOLERANCE_PERCENT, and at least
 * TOLERANCE_MIN_MS: capture points and timer wheels are that imprecise. */
#define TEARDOWN_IDLE_TOLERANCE_PERCENT 1
#define TEARDOWN_IDLE_TOLERANCE_MIN_MS 250

/* A passive closer that takes this long to send its FIN is slow. */
#define TEARDOWN_SLOW_CLOSE_DEFAULT_S 1
/* How long the endpoint that closed first holds TIME-WAIT: Linux's. */
#define TEARDOWN_TIME_WAIT_DEFAULT_S 60

/* A teardown that stood still this long while the capture ran on is
 * stuck.  Linux's tcp_fin_timeout: by then the kernel of an active closer
 * that is done has given up its FIN-WAIT-2, and only the passive closer's
 * application can end a CLOSE-WAIT, which has no timer of its own. */
#define TEARDOWN_STUCK_AFTER_DEFAULT_S 60

/* The capture breaks where its clock goes back, or where it falls silent
 * for more than BREAK_FACTOR times its longest silence before and more
 * than BREAK_MIN_S (merged captures, a capture stopped and started again):
 * no time is measured across a break.  A capture quiet for minutes at a
 * time keeps its rhythm; one that was busy and then shows nothing for an
 * hour did not see that hour. */
#define TEARDOWN_BREAK_FACTOR 10
#define TEARDOWN_BREAK_MIN_S 600

/* Two copies of one packet, captured at two points (both ports of a
 * switch, every interface of a router), come this close together; a
 * retransmission never does (RFC 6298's minimum RTO is 1 s, Linux's
 * 200 ms). */
#define TEARDOWN_COPY_WITHIN_MS 100

/* What is wrong with a setting's text. */
enum teardown_setting_error {
    TEARDOWN_SETTING_OK,
    TEARDOWN_SETTING_NOT_SECONDS,   /* not a number of seconds */
    TEARDOWN_SETTING_TOO_LONG,      /* beyond what the analysis can time */
    TEARDOWN_SETTING_NOT_WHOLE,     /* an idle timer is whole seconds, from 1 */
    TEARDOWN_SETTING_TOO_MANY       /* more than TEARDOWN_IDLE_TIMERS_MAX timers */
};

/* The error in words, to follow "TEXT is ". */
const char *teardown_setting_error_text(enum teardown_setting_error error);

/* A duration as a person types it: a decimal number, a unit after it or
 * none (seconds: "s", "ms", "min", "h", any case, with or without a space
 * before it) and spaces around it, e.g. "2", " 2.5 ", "500ms", "1.5 min".
 * Refused: anything else, a sign other than '+', and more than about 292
 * years.  On success *ns holds the duration in nanoseconds. */
enum teardown_setting_error teardown_read_duration(const char *text, int64_t *ns);

/* A list of idle timers: durations (as above) of whole seconds, separated by
 * commas, semicolons or spaces, e.g. "30,60,120" or "30 s; 1 min".  A unit
 * standing alone belongs to the number before it.  On success timers_s[]
 * holds them in the order given and *count how many; on failure, *bad and
 * *bad_length say which word is wrong (the whole text for TOO_MANY). */
enum teardown_setting_error teardown_read_idle_timers(const char *text,
                                                      uint32_t timers_s[TEARDOWN_IDLE_TIMERS_MAX],
                                                      size_t *count, const char **bad,
                                                      size_t *bad_length);

#endif /* TEARDOWN_SETTINGS_H */
