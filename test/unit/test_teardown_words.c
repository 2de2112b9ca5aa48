/* test_teardown_words.c: unit tests of the words the analysis speaks in:
 * the Info column's few words for a verdict, and the names filters take.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "teardown_state.h"

static const char *
summary_of(struct teardown_verdict verdict)
{
    static char text[TEARDOWN_SUMMARY_SIZE];

    teardown_summary(&verdict, text, sizeof text);
    return text;
}

/* Steps joined by '+', out of 4; the pattern where the frame decided it. */
static void
test_summary_steps(void)
{
    g_assert_cmpstr(summary_of((struct teardown_verdict){ .steps = TEARDOWN_STEP(1), .role = TEARDOWN_ROLE_ACTIVE }),
                    ==, "1/4, active");
    g_assert_cmpstr(summary_of((struct teardown_verdict){
                        .steps = TEARDOWN_STEP(2) | TEARDOWN_STEP(3), .role = TEARDOWN_ROLE_PASSIVE }),
                    ==, "2+3/4, passive");
    g_assert_cmpstr(summary_of((struct teardown_verdict){
                        .steps = TEARDOWN_STEP(4), .role = TEARDOWN_ROLE_ACTIVE,
                        .pattern = TEARDOWN_PATTERN_THREE_WAY }),
                    ==, "4/4, active, three-way");
    g_assert_cmpstr(summary_of((struct teardown_verdict){
                        .steps = TEARDOWN_STEP(1) | TEARDOWN_STEP(2) | TEARDOWN_STEP(3) | TEARDOWN_STEP(4),
                        .role = TEARDOWN_ROLE_ACTIVE, .pattern = TEARDOWN_PATTERN_SIMULTANEOUS }),
                    ==, "1+2+3+4/4, active, simultaneous");
    g_assert_cmpstr(summary_of((struct teardown_verdict){
                        .steps = TEARDOWN_STEP(1), .role = TEARDOWN_ROLE_ACTIVE, .retransmission = 1 }),
                    ==, "1/4 retransmission, active");
}

/* Frames without a step: the pattern an RST decided, half-close data, an
 * anomaly, or no part in a teardown at all. */
static void
test_summary_without_steps(void)
{
    g_assert_cmpstr(summary_of((struct teardown_verdict){
                        .role = TEARDOWN_ROLE_PASSIVE, .pattern = TEARDOWN_PATTERN_RESET, .rst = 1 }),
                    ==, "reset, passive");
    g_assert_cmpstr(summary_of((struct teardown_verdict){ .role = TEARDOWN_ROLE_PASSIVE, .half_close = 1 }),
                    ==, "half-close data, passive");
    g_assert_cmpstr(summary_of((struct teardown_verdict){ .role = TEARDOWN_ROLE_ACTIVE,
                                                          .checks = TEARDOWN_CHECK_DATA_AFTER_FIN }),
                    ==, "anomaly, active");
    g_assert_cmpstr(summary_of((struct teardown_verdict){ .rst = 1 }), ==, "RST after the end");
    g_assert_cmpstr(summary_of((struct teardown_verdict){ .checks = TEARDOWN_CHECK_RST_SENDER_ALIVE }),
                    ==, "RST's sender alive");
}

/* The longest summary fits, and a smaller buffer is cut, never overrun. */
static void
test_summary_size(void)
{
    struct teardown_verdict longest = {
        .steps = 0xf, .role = TEARDOWN_ROLE_PASSIVE, .retransmission = 1, .pattern = TEARDOWN_PATTERN_SIMULTANEOUS,
    };
    char text[TEARDOWN_SUMMARY_SIZE], small[8] = "xxxxxxx";

    teardown_summary(&longest, text, sizeof text);
    g_assert_cmpstr(text, ==, "1+2+3+4/4 retransmission, passive, simultaneous");
    teardown_summary(&longest, small, 5);
    g_assert_cmpstr(small, ==, "1+2+");
    g_assert_cmpint(small[6], ==, 'x');
}

static void
test_names(void)
{
    g_assert_cmpstr(teardown_pattern_name(TEARDOWN_PATTERN_THREE_WAY), ==, "three-way");
    g_assert_cmpstr(teardown_pattern_name(TEARDOWN_PATTERN_ABANDONED), ==, "abandoned");
    g_assert_cmpstr(teardown_pattern_name(TEARDOWN_PATTERN_INCOMPLETE), ==, "incomplete");
    g_assert_cmpstr(teardown_role_name(TEARDOWN_ROLE_PASSIVE), ==, "passive");
    g_assert_cmpstr(teardown_side_name(TEARDOWN_SIDE_UNKNOWN), ==, "unknown");
    g_assert_cmpstr(teardown_tcp_state_name(TEARDOWN_STATE_FIN_WAIT_1), ==, "FIN-WAIT-1");
    g_assert_cmpstr(teardown_tcp_state_name(TEARDOWN_STATE_TIME_WAIT), ==, "TIME-WAIT");
    g_assert_cmpstr(teardown_check_name(TEARDOWN_CHECK_INDEX_CLOSE_WAIT_SENDING), ==, "close_wait_stuck");
    g_assert_cmpstr(teardown_check_name(TEARDOWN_CHECK_COUNT), ==, "none");
    g_assert_cmpstr(teardown_check_summary(TEARDOWN_CHECK_INDEX_FIN_RETRANSMISSION), ==, "FIN retransmission");
    g_assert_cmpstr(teardown_check_summary(TEARDOWN_CHECK_COUNT), ==, "");
    g_assert_cmpstr(teardown_rst_origin_name(TEARDOWN_RST_ORIGIN_PATH), ==, "path");
    g_assert_cmpstr(teardown_rst_cause_name(TEARDOWN_RST_CAUSE_KEEP_ALIVE), ==, "keep-alive");
    g_assert_cmpstr(teardown_syn_answer_name(TEARDOWN_SYN_ANSWER_CHALLENGE_ACK), ==, "challenge-ack");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/words/summary-steps", test_summary_steps);
    g_test_add_func("/words/summary-without-steps", test_summary_without_steps);
    g_test_add_func("/words/summary-size", test_summary_size);
    g_test_add_func("/words/names", test_names);
    return g_test_run();
}
