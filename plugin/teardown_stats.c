/* teardown_stats.c: the "TCP Teardown" statistics tree (Statistics menu,
 * tshark -z teardown,tree), counted from the post-dissector's own tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Outcomes that are known only at the end of a capture (a teardown left
 * unfinished, a stream never closed) are counted as gauges: a stream moves
 * from one node to another as its frames go by, so whatever has been read
 * so far is counted correctly, on one pass or two.
 */
#include "teardown_compat.h"

#include <epan/stats_tree.h>

#include "packet-teardown.h"

static const char node_outcome[] = "Streams by outcome";
static const char node_open[] = "open (no teardown seen)";
static const char node_incomplete[] = "incomplete (teardown not finished)";
static const char node_initiator[] = "Closes by initiator";
static const char node_half_closed[] = "Half-closed (FIN acknowledged, no FIN back)";
static const char node_rst_sender[] = "Stream-ending RSTs by sender";
static const char node_checks[] = "Expert checks";
static const char node_duration[] = "Teardown duration (first FIN to completion)";

static const enum teardown_pattern ended_patterns[] = {
    TEARDOWN_PATTERN_FOUR_WAY, TEARDOWN_PATTERN_THREE_WAY, TEARDOWN_PATTERN_SIMULTANEOUS,
    TEARDOWN_PATTERN_RESET, TEARDOWN_PATTERN_ABORT, TEARDOWN_PATTERN_REFUSED,
};

/* Upper bounds of the duration buckets, in nanoseconds. */
static const struct {
    int64_t below_ns;
    const char *name;
} duration_buckets[] = {
    { INT64_C(1000000),     "< 1 ms" },
    { INT64_C(10000000),    "1-10 ms" },
    { INT64_C(100000000),   "10-100 ms" },
    { INT64_C(1000000000),  "100 ms-1 s" },
    { INT64_C(10000000000), "1-10 s" },
    { INT64_MAX,            ">= 10 s" },
};

static int outcome_id, initiator_id, half_closed_id, rst_sender_id, checks_id, duration_id;

static void
teardown_stats_init(stats_tree *st)
{
    outcome_id = stats_tree_create_node(st, node_outcome, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(ended_patterns); i++)
        stats_tree_create_node(st, teardown_pattern_name(ended_patterns[i]), outcome_id, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, node_incomplete, outcome_id, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, node_open, outcome_id, STAT_DT_INT, FALSE);

    initiator_id = stats_tree_create_node(st, node_initiator, 0, STAT_DT_INT, TRUE);
    rst_sender_id = stats_tree_create_node(st, node_rst_sender, 0, STAT_DT_INT, TRUE);
    for (enum teardown_side side = TEARDOWN_SIDE_UNKNOWN; side <= TEARDOWN_SIDE_SERVER; side++) {
        stats_tree_create_node(st, teardown_side_name(side), initiator_id, STAT_DT_INT, FALSE);
        stats_tree_create_node(st, teardown_side_name(side), rst_sender_id, STAT_DT_INT, FALSE);
    }

    half_closed_id = stats_tree_create_node(st, node_half_closed, 0, STAT_DT_INT, FALSE);

    checks_id = stats_tree_create_node(st, node_checks, 0, STAT_DT_INT, TRUE);
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++)
        stats_tree_create_node(st, teardown_check_name((enum teardown_check_index)check), checks_id,
                               STAT_DT_INT, FALSE);

    duration_id = stats_tree_create_node(st, node_duration, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(duration_buckets); i++)
        stats_tree_create_node(st, duration_buckets[i].name, duration_id, STAT_DT_INT, FALSE);
}

/* Counts one item under a parent that totals its children. */
static void
tick_child(stats_tree *st, const char *parent, int parent_id, const char *child)
{
    tick_stat_node(st, parent, 0, TRUE);
    tick_stat_node(st, child, parent_id, FALSE);
}

/* Moves one stream from the node it was counted under to another. */
static void
move_stream(stats_tree *st, const char *from, const char *to)
{
    if (from != NULL)
        increase_stat_node(st, from, outcome_id, FALSE, -1);
    tick_stat_node(st, to, outcome_id, FALSE);
}

/* FIN acknowledged, no FIN back: one end in FIN-WAIT-2, the other in CLOSE-WAIT. */
static bool
half_closed(const uint8_t states[2])
{
    return (states[0] == TEARDOWN_STATE_FIN_WAIT_2 && states[1] == TEARDOWN_STATE_CLOSE_WAIT) ||
           (states[0] == TEARDOWN_STATE_CLOSE_WAIT && states[1] == TEARDOWN_STATE_FIN_WAIT_2);
}

static void
count_outcome(stats_tree *st, const struct teardown_annotation *a)
{
    enum teardown_pattern pattern = (enum teardown_pattern)a->verdict.pattern;
    bool begins = (a->verdict.steps & TEARDOWN_STEP(1)) && !a->verdict.retransmission;

    if (begins) {
        move_stream(st, node_open, node_incomplete);
        tick_child(st, node_initiator, initiator_id, teardown_side_name((enum teardown_side)a->initiator));
    }
    if (pattern == TEARDOWN_PATTERN_NONE)
        return;
    if (pattern == TEARDOWN_PATTERN_ABORT || pattern == TEARDOWN_PATTERN_REFUSED) {
        move_stream(st, node_open, teardown_pattern_name(pattern));
        tick_child(st, node_initiator, initiator_id, teardown_side_name((enum teardown_side)a->initiator));
    } else {
        move_stream(st, node_incomplete, teardown_pattern_name(pattern));
    }
    if (pattern == TEARDOWN_PATTERN_RESET || pattern == TEARDOWN_PATTERN_ABORT ||
        pattern == TEARDOWN_PATTERN_REFUSED) {
        tick_child(st, node_rst_sender, rst_sender_id, teardown_side_name((enum teardown_side)a->verdict.sender_side));
    } else {
        for (size_t i = 0; i < G_N_ELEMENTS(duration_buckets); i++) {
            if (a->duration_ns < duration_buckets[i].below_ns) {
                tick_child(st, node_duration, duration_id, duration_buckets[i].name);
                break;
            }
        }
    }
}

static tap_packet_status
teardown_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                      const void *data, tap_flags_t flags _U_)
{
    const struct teardown_tap_info *info = (const struct teardown_tap_info *)data;
    const struct teardown_annotation *a = info->annotation;

    if (info->stream_opened)
        tick_child(st, node_outcome, outcome_id, node_open);
    if (a == NULL)
        return TAP_PACKET_REDRAW;

    count_outcome(st, a);
    increase_stat_node(st, node_half_closed, 0, FALSE,
                       (int)half_closed(a->verdict.state_after) - (int)half_closed(a->verdict.state_before));
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        if (a->verdict.checks & (1u << check))
            tick_child(st, node_checks, checks_id, teardown_check_name((enum teardown_check_index)check));
    }
    return TAP_PACKET_REDRAW;
}

static void
register_tap_listener_teardown(void)
{
    stats_tree_register_plugin("teardown", "teardown", "TCP Teardown", 0,
                               teardown_stats_packet, teardown_stats_init, NULL);
}

void
register_teardown_stats(void)
{
    static tap_plugin teardown_tap_plugin;

    teardown_tap_plugin.register_tap_listener = register_tap_listener_teardown;
    tap_register_plugin(&teardown_tap_plugin);
}
