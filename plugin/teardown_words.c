/* teardown_words.c: the words the analysis speaks in: names users type in
 * display filters, and a verdict in a few words for the Info column.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_state.h"

#include <string.h>

/* Appends word at text[at], as much as fits before the terminating NUL;
 * returns where the text now ends.  The Info column writes this on every
 * annotated frame, where snprintf's format parsing cost about four times
 * as much as the copying. */
static size_t
append_word(char *text, size_t size, size_t at, const char *word)
{
    size_t length = strlen(word);

    if (at + length >= size)
        length = size - 1 - at;
    memcpy(text + at, word, length);
    text[at + length] = '\0';
    return at + length;
}

void
teardown_summary(const struct teardown_verdict *verdict, char *text, size_t size)
{
    char steps[sizeof "1+2+3+4/4"];
    const char *what = steps;
    size_t length = 0, at = 0;
    bool pattern_too = verdict->steps != 0 && verdict->pattern != TEARDOWN_PATTERN_NONE;

    if (size == 0)
        return;
    text[0] = '\0';
    /* No part in a teardown: an RST after the end, or its sender alive. */
    if (verdict->role == TEARDOWN_ROLE_NONE) {
        append_word(text, size, 0, verdict->rst ? "RST after the end" : "RST's sender alive");
        return;
    }
    for (unsigned step = 1; step <= 4; step++) {
        if (verdict->steps & TEARDOWN_STEP(step)) {
            if (length > 0)
                steps[length++] = '+';
            steps[length++] = (char)('0' + step);
        }
    }
    if (length > 0)
        memcpy(steps + length, "/4", sizeof "/4");
    else if (verdict->pattern != TEARDOWN_PATTERN_NONE)
        what = teardown_pattern_name((enum teardown_pattern)verdict->pattern);
    else
        what = verdict->half_close ? "half-close data" : "anomaly";
    at = append_word(text, size, at, what);
    if (verdict->retransmission)
        at = append_word(text, size, at, " retransmission");
    at = append_word(text, size, at, ", ");
    at = append_word(text, size, at, teardown_role_name((enum teardown_role)verdict->role));
    if (pattern_too) {
        at = append_word(text, size, at, ", ");
        append_word(text, size, at, teardown_pattern_name((enum teardown_pattern)verdict->pattern));
    }
}

const char *
teardown_role_name(enum teardown_role role)
{
    switch (role) {
    case TEARDOWN_ROLE_ACTIVE:  return "active";
    case TEARDOWN_ROLE_PASSIVE: return "passive";
    default:                    return "none";
    }
}

const char *
teardown_side_name(enum teardown_side side)
{
    switch (side) {
    case TEARDOWN_SIDE_CLIENT: return "client";
    case TEARDOWN_SIDE_SERVER: return "server";
    default:                   return "unknown";
    }
}

const char *
teardown_tcp_state_name(enum teardown_tcp_state state)
{
    switch (state) {
    case TEARDOWN_STATE_SYN_SENT:    return "SYN-SENT";
    case TEARDOWN_STATE_SYN_RECEIVED: return "SYN-RECEIVED";
    case TEARDOWN_STATE_ESTABLISHED: return "ESTABLISHED";
    case TEARDOWN_STATE_FIN_WAIT_1:  return "FIN-WAIT-1";
    case TEARDOWN_STATE_FIN_WAIT_2:  return "FIN-WAIT-2";
    case TEARDOWN_STATE_CLOSING:     return "CLOSING";
    case TEARDOWN_STATE_TIME_WAIT:   return "TIME-WAIT";
    case TEARDOWN_STATE_CLOSE_WAIT:  return "CLOSE-WAIT";
    case TEARDOWN_STATE_LAST_ACK:    return "LAST-ACK";
    default:                         return "CLOSED";
    }
}

const char *
teardown_pattern_name(enum teardown_pattern pattern)
{
    switch (pattern) {
    case TEARDOWN_PATTERN_FOUR_WAY:     return "four-way";
    case TEARDOWN_PATTERN_THREE_WAY:    return "three-way";
    case TEARDOWN_PATTERN_SIMULTANEOUS: return "simultaneous";
    case TEARDOWN_PATTERN_RESET:        return "reset";
    case TEARDOWN_PATTERN_ABORT:        return "abort";
    case TEARDOWN_PATTERN_REFUSED:      return "refused";
    case TEARDOWN_PATTERN_ABANDONED:    return "abandoned";
    case TEARDOWN_PATTERN_INCOMPLETE:   return "incomplete";
    default:                            return "none";
    }
}

const char *
teardown_check_name(enum teardown_check_index check)
{
    static const char *const names[] = {
#define TEARDOWN_CHECK_NAME(id, name, group, severity, summary) #name,
        TEARDOWN_CHECKS(TEARDOWN_CHECK_NAME)
#undef TEARDOWN_CHECK_NAME
    };

    return (unsigned)check < TEARDOWN_CHECK_COUNT ? names[check] : "none";
}

const char *
teardown_check_summary(enum teardown_check_index check)
{
    static const char *const summaries[] = {
#define TEARDOWN_CHECK_SUMMARY(id, name, group, severity, summary) summary,
        TEARDOWN_CHECKS(TEARDOWN_CHECK_SUMMARY)
#undef TEARDOWN_CHECK_SUMMARY
    };

    return (unsigned)check < TEARDOWN_CHECK_COUNT ? summaries[check] : "";
}

const char *
teardown_rst_origin_name(enum teardown_rst_origin origin)
{
    switch (origin) {
    case TEARDOWN_RST_ORIGIN_ENDPOINT: return "endpoint";
    case TEARDOWN_RST_ORIGIN_PATH:     return "path";
    default:                           return "unknown";
    }
}

const char *
teardown_syn_answer_name(enum teardown_syn_answer answer)
{
    switch (answer) {
    case TEARDOWN_SYN_ANSWER_ACCEPTED:      return "accepted";
    case TEARDOWN_SYN_ANSWER_CHALLENGE_ACK: return "challenge-ack";
    case TEARDOWN_SYN_ANSWER_RESET:         return "reset";
    default:                                return "none";
    }
}

const char *
teardown_rst_cause_name(enum teardown_rst_cause cause)
{
    switch (cause) {
    case TEARDOWN_RST_CAUSE_REFUSED:         return "refused";
    case TEARDOWN_RST_CAUSE_ABANDONED:       return "abandoned";
    case TEARDOWN_RST_CAUSE_AFTER_CLOSE:     return "after-close";
    case TEARDOWN_RST_CAUSE_KEEP_ALIVE:      return "keep-alive";
    case TEARDOWN_RST_CAUSE_RETRANSMISSIONS: return "retransmissions";
    case TEARDOWN_RST_CAUSE_IDLE:            return "idle";
    default:                                 return "abort";
    }
}
