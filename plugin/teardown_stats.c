/* teardown_stats.c: the "TCP Teardown" statistics tree (Statistics menu,
 * tshark -z teardown,tree[,FILTER]), counted from the post-dissector's own tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every count is what the frames passing the tree's filter carry, and the
 * tap hands over the same frames with the same annotations in one pass and
 * in two, so both count alike, but for what the analysis can say only once
 * the whole capture was read: a passive closer still in CLOSE-WAIT, or a FIN
 * never answered, when the capture ended.  Those counts appear only under
 * "At the end of the capture", and only where taps run after the whole
 * capture was read: tshark -2, and the GUI.  Every other count, "Expert
 * checks" included, is the same in one pass and in two.
 *
 * An outcome is counted on the frame that decides it: the one completing the
 * teardown or the RST ending the connection.  What the frames counted leave
 * undecided (a teardown not finished in them, a connection not closed) is
 * where each connection's latest counted frame left it: the tree remembers,
 * per connection, the node it counts it under and moves it from there, so no
 * count can drop below zero, whichever frames the filter hides.
 *
 * Children are listed in their natural order in tshark and in the GUI alike:
 * both sort siblings with stats_tree_sort_compare() by name, descending.  The
 * Qt dialog always sorts by its first column, descending (the sort indicator
 * Qt starts with; it ignores the tree's sort flags), so the tree asks tshark
 * for the same, and ordered lists prefix their names with "z. ", "y. "...
 *
 * A stream-ending RST is counted by origin as its frame tells it; a pass
 * that has not yet seen its sender alive counts it where its TTL put it, and
 * moves it to path on the frame that shows the sender alive, so one pass
 * and two end with the same counts.  A filter that hides that frame leaves
 * the RST where its own frame puts it: path after a pass that saw the
 * sender alive, else what its TTL said.
 */
#include "teardown_compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <epan/address.h>
#include <epan/stats_tree.h>
#include <epan/to_str.h>

#include "packet-teardown.h"

static const char node_outcome[] = "Streams by outcome";
static const char node_incomplete[] = "incomplete (not finished in the frames counted)";
static const char node_open[] = "open (no teardown in the frames counted)";
static const char node_half_closed[] = "half-closed (FIN acknowledged, no FIN back)";
static const char node_initiator[] = "Closes by initiator";
static const char node_rst_sender[] = "Stream-ending RSTs by sender";
static const char node_rst_origin[] = "Stream-ending RSTs by origin";
static const char node_rst_cause[] = "Stream-ending RSTs by cause";

/* Origins in the order the README gives them. */
static const enum teardown_rst_origin rst_origins[] = {
    TEARDOWN_RST_ORIGIN_ENDPOINT, TEARDOWN_RST_ORIGIN_PATH, TEARDOWN_RST_ORIGIN_UNKNOWN,
};
static const char node_checks[] = "Expert checks";
static const char node_idle_timers[] = "Idle timers matched";

/* What the end of the capture tells, in the order of teardown_checks.h. */
static const char node_end[] = "At the end of the capture (after a whole pass)";
static const struct end_check {
    enum teardown_check_index check;
    const char *item;
} end_checks[] = {
    { TEARDOWN_CHECK_INDEX_CLOSE_WAIT_STUCK, "stuck in CLOSE-WAIT" },
    { TEARDOWN_CHECK_INDEX_CLOSE_WAIT_SENDING, "half-close still sending" },
    { TEARDOWN_CHECK_INDEX_FIN_UNANSWERED, "FIN unanswered" },
};

/* SYNs reusing an earlier connection's addresses and ports, by what that
 * connection left behind: a TIME-WAIT still holding, one over, or none. */
static const char node_reuse[] = "Reused addresses and ports";
enum reuse_item { REUSE_WITHIN_TIME_WAIT, REUSE_AFTER_TIME_WAIT, REUSE_NO_TIME_WAIT };
static const char *const reuse_items[] = {
    [REUSE_WITHIN_TIME_WAIT] = "within TIME-WAIT",
    [REUSE_AFTER_TIME_WAIT] = "after TIME-WAIT",
    [REUSE_NO_TIME_WAIT] = "after an RST or no close",
};

/* Outcomes in the order of enum teardown_pattern (the README's), then the
 * two that only the end of the capture tells. */
#define OUTCOME_INCOMPLETE (TEARDOWN_PATTERN_INCOMPLETE - 1)
#define OUTCOME_OPEN TEARDOWN_PATTERN_INCOMPLETE
#define OUTCOME_COUNT (OUTCOME_OPEN + 1)
#define OUTCOME_NONE UINT8_MAX

/* A list of buckets for a time, shortest first.  Times below zero come from
 * a capture whose clock went backwards and fit no bucket: they get one of
 * their own, listed last. */
struct bucket {
    int64_t below_ns;
    const char *name;
};

struct bucket_list {
    const char *title;
    const struct bucket *buckets;
    size_t count;
};

static const struct bucket duration_buckets[] = {
    { INT64_C(1000000),     "< 1 ms" },
    { INT64_C(10000000),    "1-10 ms" },
    { INT64_C(100000000),   "10-100 ms" },
    { INT64_C(1000000000),  "100 ms-1 s" },
    { INT64_C(10000000000), "1-10 s" },
    { INT64_MAX,            ">= 10 s" },
};

static const struct bucket_list duration_list = {
    "Teardown duration (first FIN to completion)", duration_buckets, G_N_ELEMENTS(duration_buckets),
};

static const struct bucket_list close_wait_list = {
    "CLOSE-WAIT duration (first FIN to the passive closer's FIN)", duration_buckets,
    G_N_ELEMENTS(duration_buckets),
};

static const struct bucket idle_buckets[] = {
    { INT64_C(1000000000),    "< 1 s" },
    { INT64_C(10000000000),   "1-10 s" },
    { INT64_C(60000000000),   "10-60 s" },
    { INT64_C(300000000000),  "1-5 min" },
    { INT64_C(3600000000000), "5-60 min" },
    { INT64_MAX,              ">= 1 h" },
};

static const struct bucket_list idle_list = {
    "Idle before the close", idle_buckets, G_N_ELEMENTS(idle_buckets),
};

static const char bucket_backwards[] = "clock went backwards";

/* The node a connection is counted under, and whether it is counted as
 * half-closed.  Addresses and ports name a connection until they are used
 * again: a frame that opens a connection, or a teardown begun by another
 * step-1 frame, starts a new one. */
struct connection {
    uint32_t step1_frame;  /* of its teardown, once a counted frame named it */
    uint32_t rst_frame;    /* its stream-ending RST, once counted ... */
    uint8_t rst_origin;    /* ... under this origin */
    uint8_t outcome;
    bool half_closed;
};

/* What one tree (one tshark -z, one dialog) keeps: its node ids, its
 * connections by addresses and ports, and the idle timers it lists. */
struct tree_state {
    int outcome_id, incomplete_id, initiator_id, rst_sender_id, rst_origin_id, rst_cause_id, checks_id,
        duration_id, close_wait_id, idle_id, idle_timers_id, end_id, reuse_id;
    GHashTable *connections;
    uint32_t *idle_timers_s;  /* the settings' when the tree was initialised:
                                 ascending, each once */
    size_t idle_timer_count;
};

/* struct tree_state by stats_tree: several trees can count at once. */
static GHashTable *tree_states;

/* The name of item index of an ordered list, "x. name" for index 2:
 * descending name order is the list's order for up to 26 items. */
#define ORDERED_NAME_SIZE 80
static const char *
ordered_name(char name[ORDERED_NAME_SIZE], size_t index, const char *item)
{
    snprintf(name, ORDERED_NAME_SIZE, "%c. %s", (char)('z' - index), item);
    return name;
}

static int
create_ordered_child(stats_tree *st, int parent_id, size_t index, const char *item)
{
    char name[ORDERED_NAME_SIZE];

    return stats_tree_create_node(st, ordered_name(name, index, item), parent_id, STAT_DT_INT, FALSE);
}

/* Where origin stands in rst_origins. */
static size_t
origin_index(uint8_t origin)
{
    size_t i = 0;

    while (i + 1 < G_N_ELEMENTS(rst_origins) && rst_origins[i] != origin)
        i++;
    return i;
}

static const char *
origin_name(char name[ORDERED_NAME_SIZE], uint8_t origin)
{
    return ordered_name(name, origin_index(origin),
                        teardown_rst_origin_name(rst_origins[origin_index(origin)]));
}

static const char *
outcome_item(uint8_t outcome)
{
    switch (outcome) {
    case OUTCOME_INCOMPLETE: return node_incomplete;
    case OUTCOME_OPEN:       return node_open;
    default:                 return teardown_pattern_name((enum teardown_pattern)(outcome + 1));
    }
}

static int
create_bucket_list(stats_tree *st, const struct bucket_list *list)
{
    int id = stats_tree_create_node(st, list->title, 0, STAT_DT_INT, TRUE);

    for (size_t i = 0; i < list->count; i++)
        create_ordered_child(st, id, i, list->buckets[i].name);
    create_ordered_child(st, id, list->count, bucket_backwards);
    return id;
}

static void
tick_bucket(stats_tree *st, const struct bucket_list *list, int list_id, int64_t ns)
{
    char name[ORDERED_NAME_SIZE];
    size_t i = 0;

    if (ns >= 0) {
        while (i + 1 < list->count && ns >= list->buckets[i].below_ns)
            i++;
    } else {
        i = list->count;
    }
    tick_stat_node(st, list->title, 0, TRUE);
    tick_stat_node(st, ordered_name(name, i, i < list->count ? list->buckets[i].name : bucket_backwards),
                   list_id, FALSE);
}

/* "y. 60 s": the row of the idle timer at index in the tree's list.  The
 * settings keep at most 64 timers: past the 26th, prefixes run on below
 * 'a' ("`. ", "_. " down to ";. "), still in order where names sort
 * case-sensitively, Wireshark's default. */
static const char *
idle_timer_name(char name[ORDERED_NAME_SIZE], size_t index, uint32_t timer_s)
{
    char item[16];

    snprintf(item, sizeof item, "%u s", (unsigned)timer_s);
    return ordered_name(name, index, item);
}

/* Puts timer_s in its place in the tree's ascending list, unless it is there. */
static void
insert_idle_timer(struct tree_state *state, uint32_t timer_s)
{
    size_t at = 0;

    while (at < state->idle_timer_count && state->idle_timers_s[at] < timer_s)
        at++;
    if (at < state->idle_timer_count && state->idle_timers_s[at] == timer_s)
        return;
    memmove(&state->idle_timers_s[at + 1], &state->idle_timers_s[at],
            (state->idle_timer_count - at) * sizeof *state->idle_timers_s);
    state->idle_timers_s[at] = timer_s;
    state->idle_timer_count++;
}

/* One row per idle timer of the settings, shortest first: the settings list
 * them in the user's order, maybe one twice. */
static void
create_idle_timers(stats_tree *st, struct tree_state *state)
{
    const struct teardown_config *config = teardown_current_config();
    char name[ORDERED_NAME_SIZE];

    state->idle_timers_s = g_new(uint32_t, config->idle_timer_count);
    for (size_t i = 0; i < config->idle_timer_count; i++)
        insert_idle_timer(state, config->idle_timers_s[i]);
    state->idle_timers_id = stats_tree_create_node(st, node_idle_timers, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < state->idle_timer_count; i++)
        stats_tree_create_node(st, idle_timer_name(name, i, state->idle_timers_s[i]), state->idle_timers_id,
                               STAT_DT_INT, FALSE);
}

/* Whether the check has a row under "Expert checks": not one that only the
 * end of the capture tells, and only the first of those sharing a name (the
 * severities of one finding share a name, and so a row). */
static bool
has_check_row(enum teardown_check_index check)
{
    if (TEARDOWN_CAPTURE_END_CHECKS & (1u << check))
        return false;
    for (int earlier = 0; earlier < (int)check; earlier++) {
        if (strcmp(teardown_check_name((enum teardown_check_index)earlier), teardown_check_name(check)) == 0)
            return false;
    }
    return true;
}

static void
teardown_stats_cleanup(stats_tree *st)
{
    struct tree_state *state = tree_states != NULL ? g_hash_table_lookup(tree_states, st) : NULL;

    if (state == NULL)
        return;
    g_hash_table_remove(tree_states, st);
    g_hash_table_destroy(state->connections);
    g_free(state->idle_timers_s);
    g_free(state);
}

static void
teardown_stats_init(stats_tree *st)
{
    struct tree_state *state = g_new0(struct tree_state, 1);

    state->outcome_id = stats_tree_create_node(st, node_outcome, 0, STAT_DT_INT, TRUE);
    stat_node_set_flags(st, node_outcome, 0, FALSE, ST_FLG_SORT_TOP);
    for (uint8_t outcome = 0; outcome < OUTCOME_COUNT; outcome++) {
        int id = create_ordered_child(st, state->outcome_id, outcome, outcome_item(outcome));

        if (outcome == OUTCOME_INCOMPLETE)
            state->incomplete_id = id;
    }
    stats_tree_create_node(st, node_half_closed, state->incomplete_id, STAT_DT_INT, FALSE);

    state->initiator_id = stats_tree_create_node(st, node_initiator, 0, STAT_DT_INT, TRUE);
    state->rst_sender_id = stats_tree_create_node(st, node_rst_sender, 0, STAT_DT_INT, TRUE);
    for (enum teardown_side side = TEARDOWN_SIDE_UNKNOWN; side <= TEARDOWN_SIDE_SERVER; side++) {
        stats_tree_create_node(st, teardown_side_name(side), state->initiator_id, STAT_DT_INT, FALSE);
        stats_tree_create_node(st, teardown_side_name(side), state->rst_sender_id, STAT_DT_INT, FALSE);
    }

    state->rst_origin_id = stats_tree_create_node(st, node_rst_origin, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(rst_origins); i++)
        create_ordered_child(st, state->rst_origin_id, i, teardown_rst_origin_name(rst_origins[i]));
    state->rst_cause_id = stats_tree_create_node(st, node_rst_cause, 0, STAT_DT_INT, TRUE);
    for (size_t cause = 0; cause < TEARDOWN_RST_CAUSE_COUNT; cause++)
        create_ordered_child(st, state->rst_cause_id, cause,
                             teardown_rst_cause_name((enum teardown_rst_cause)cause));

    state->checks_id = stats_tree_create_node(st, node_checks, 0, STAT_DT_INT, TRUE);
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        if (has_check_row((enum teardown_check_index)check))
            stats_tree_create_node(st, teardown_check_name((enum teardown_check_index)check), state->checks_id,
                                   STAT_DT_INT, FALSE);
    }

    state->duration_id = create_bucket_list(st, &duration_list);
    state->close_wait_id = create_bucket_list(st, &close_wait_list);
    state->idle_id = create_bucket_list(st, &idle_list);
    create_idle_timers(st, state);

    state->end_id = stats_tree_create_node(st, node_end, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(end_checks); i++)
        create_ordered_child(st, state->end_id, i, end_checks[i].item);
    state->reuse_id = stats_tree_create_node(st, node_reuse, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(reuse_items); i++)
        create_ordered_child(st, state->reuse_id, i, reuse_items[i]);

    state->connections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    if (tree_states == NULL)
        tree_states = g_hash_table_new(g_direct_hash, g_direct_equal);
    teardown_stats_cleanup(st);
    g_hash_table_insert(tree_states, st, state);
}

/* Counts one item under a parent that totals its children. */
static void
tick_child(stats_tree *st, const char *parent, int parent_id, const char *child)
{
    tick_stat_node(st, parent, 0, TRUE);
    tick_stat_node(st, child, parent_id, FALSE);
}

/* The connection's addresses and ports, the same both ways: the tap runs
 * where the plugin read its TCP header, so pinfo holds that header's. */
static char *
connection_key(packet_info *pinfo)
{
    const address *a = &pinfo->src, *b = &pinfo->dst;
    uint32_t port_a = pinfo->srcport, port_b = pinfo->destport;
    int order = cmp_address(a, b);

    if (order > 0 || (order == 0 && port_a > port_b)) {
        const address *swap = a;
        uint32_t swap_port = port_a;

        a = b;
        b = swap;
        port_a = port_b;
        port_b = swap_port;
    }
    return g_strdup_printf("%s %u %s %u", address_to_str(pinfo->pool, a), port_a,
                           address_to_str(pinfo->pool, b), port_b);
}

/* FIN acknowledged, no FIN back: one end in FIN-WAIT-2, the other in CLOSE-WAIT. */
static bool
half_closed(const uint8_t states[2])
{
    return (states[0] == TEARDOWN_STATE_FIN_WAIT_2 && states[1] == TEARDOWN_STATE_CLOSE_WAIT) ||
           (states[0] == TEARDOWN_STATE_CLOSE_WAIT && states[1] == TEARDOWN_STATE_FIN_WAIT_2);
}

/* Moves a connection to another outcome node, and in or out of half-closed. */
static void
move_connection(stats_tree *st, const struct tree_state *state, struct connection *c, uint8_t outcome,
                bool now_half_closed)
{
    char name[ORDERED_NAME_SIZE];

    if (c->half_closed != now_half_closed)
        increase_stat_node(st, node_half_closed, state->incomplete_id, FALSE, now_half_closed ? 1 : -1);
    c->half_closed = now_half_closed;
    if (c->outcome == outcome)
        return;
    if (c->outcome != OUTCOME_NONE)
        increase_stat_node(st, ordered_name(name, c->outcome, outcome_item(c->outcome)), state->outcome_id,
                           FALSE, -1);
    tick_stat_node(st, ordered_name(name, outcome, outcome_item(outcome)), state->outcome_id, FALSE);
    c->outcome = outcome;
}

/* Where the frame leaves its connection.  A connection first met in the
 * middle of its teardown (the filter hid the rest) is counted from there. */
static struct connection *
count_connection(stats_tree *st, const struct tree_state *state, packet_info *pinfo,
                 const struct teardown_tap_info *info)
{
    const struct teardown_annotation *a = info->annotation;
    char *key = connection_key(pinfo);
    struct connection *c = g_hash_table_lookup(state->connections, key);
    uint8_t outcome;

    if (c == NULL || info->stream_opened ||
        (a != NULL && a->step1_frame != 0 && c->step1_frame != 0 && a->step1_frame != c->step1_frame)) {
        c = g_new0(struct connection, 1);
        c->outcome = OUTCOME_NONE;
        g_hash_table_replace(state->connections, key, c);
        tick_stat_node(st, node_outcome, 0, TRUE);
    } else {
        g_free(key);
    }
    if (a != NULL && a->step1_frame != 0)
        c->step1_frame = a->step1_frame;
    if (a == NULL)
        outcome = c->outcome == OUTCOME_NONE ? OUTCOME_OPEN : c->outcome;
    else if (a->verdict.pattern != TEARDOWN_PATTERN_NONE)
        outcome = c->outcome < OUTCOME_INCOMPLETE ? c->outcome : (uint8_t)(a->verdict.pattern - 1);
    else
        outcome = c->outcome < OUTCOME_INCOMPLETE ? c->outcome : OUTCOME_INCOMPLETE;
    move_connection(st, state, c, outcome,
                    outcome == OUTCOME_INCOMPLETE &&
                        (a != NULL ? half_closed(a->verdict.state_after) : c->half_closed));
    return c;
}

/* A stream-ending RST by origin and cause; a later frame showing its sender
 * alive moves it to path, unless it is there already. */
static void
count_rst(stats_tree *st, const struct tree_state *state, struct connection *c, uint32_t frame,
          const struct teardown_annotation *a)
{
    char name[ORDERED_NAME_SIZE];

    if (a->verdict.rst && a->verdict.pattern != TEARDOWN_PATTERN_NONE) {
        tick_child(st, node_rst_origin, state->rst_origin_id, origin_name(name, a->rst_origin));
        tick_child(st, node_rst_cause, state->rst_cause_id,
                   ordered_name(name, a->rst_cause, teardown_rst_cause_name((enum teardown_rst_cause)a->rst_cause)));
        c->rst_frame = frame;
        c->rst_origin = a->rst_origin;
    } else if ((a->verdict.checks & TEARDOWN_CHECK_RST_SENDER_ALIVE) && a->rst_frame != 0 &&
               a->rst_frame == c->rst_frame && c->rst_origin != TEARDOWN_RST_ORIGIN_PATH) {
        increase_stat_node(st, origin_name(name, c->rst_origin), state->rst_origin_id, FALSE, -1);
        tick_stat_node(st, origin_name(name, TEARDOWN_RST_ORIGIN_PATH), state->rst_origin_id, FALSE);
        c->rst_origin = TEARDOWN_RST_ORIGIN_PATH;
    }
}

/* What the frame itself shows: who closed, who reset, how long it took. */
static void
count_frame(stats_tree *st, const struct tree_state *state, const struct teardown_annotation *a)
{
    enum teardown_pattern pattern = (enum teardown_pattern)a->verdict.pattern;
    bool begins = (a->verdict.steps & TEARDOWN_STEP(1)) && !a->verdict.retransmission;
    const char *initiator = teardown_side_name((enum teardown_side)a->initiator);

    if (begins)
        tick_child(st, node_initiator, state->initiator_id, initiator);
    if (pattern == TEARDOWN_PATTERN_NONE)
        return;
    if (teardown_pattern_graceful(pattern)) {
        tick_bucket(st, &duration_list, state->duration_id, a->duration_ns);
        return;
    }
    /* An RST before any FIN is the close itself. */
    if (a->step1_frame == 0)
        tick_child(st, node_initiator, state->initiator_id, initiator);
    tick_child(st, node_rst_sender, state->rst_sender_id,
               teardown_side_name((enum teardown_side)a->verdict.sender_side));
}

/* Where the frame's idle timer stands in the tree's list; past its end for
 * one the settings gained since the tree was initialised, which then gets a
 * row of its own, listed after the others. */
static size_t
idle_timer_index(const struct tree_state *state, uint32_t timer_s)
{
    size_t i = 0;

    while (i < state->idle_timer_count && state->idle_timers_s[i] != timer_s)
        i++;
    return i;
}

/* How long the connection had been silent before it closed, and how long the
 * passive closer's application kept it in CLOSE-WAIT. */
static void
count_waits(stats_tree *st, const struct tree_state *state, const struct teardown_annotation *a)
{
    char name[ORDERED_NAME_SIZE];

    if (a->idle_known)
        tick_bucket(st, &idle_list, state->idle_id, a->idle_ns);
    if (a->idle_timer_s != 0)
        tick_child(st, node_idle_timers, state->idle_timers_id,
                   idle_timer_name(name, idle_timer_index(state, a->idle_timer_s), a->idle_timer_s));
    if (a->close_delay_known)
        tick_bucket(st, &close_wait_list, state->close_wait_id, a->close_delay_ns);
}

/* Each check by name: the severities of one finding count in one row.
 * What the end of the capture tells is counted apart (count_end()). */
static void
count_checks(stats_tree *st, const struct tree_state *state, uint32_t checks)
{
    checks &= ~(uint32_t)TEARDOWN_CAPTURE_END_CHECKS;
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        if (checks & (1u << check))
            tick_child(st, node_checks, state->checks_id, teardown_check_name((enum teardown_check_index)check));
    }
}

static void
count_end(stats_tree *st, const struct tree_state *state, uint32_t checks)
{
    char name[ORDERED_NAME_SIZE];

    for (size_t i = 0; i < G_N_ELEMENTS(end_checks); i++) {
        if (checks & (1u << end_checks[i].check))
            tick_child(st, node_end, state->end_id, ordered_name(name, i, end_checks[i].item));
    }
}

/* A SYN reusing an earlier connection's addresses and ports; its
 * reuse_in_time_wait is an expert item like the others. */
static void
count_reuse(stats_tree *st, const struct tree_state *state, const struct teardown_reuse *reuse)
{
    char name[ORDERED_NAME_SIZE];
    enum reuse_item item = !reuse->holder_known ? REUSE_NO_TIME_WAIT
                           : (reuse->checks & TEARDOWN_CHECK_REUSE_IN_TIME_WAIT) ? REUSE_WITHIN_TIME_WAIT
                                                                               : REUSE_AFTER_TIME_WAIT;

    tick_child(st, node_reuse, state->reuse_id, ordered_name(name, item, reuse_items[item]));
    count_checks(st, state, reuse->checks);
}

static tap_packet_status
teardown_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                      const void *data, tap_flags_t flags _U_)
{
    const struct teardown_tap_info *info = (const struct teardown_tap_info *)data;
    const struct tree_state *state = g_hash_table_lookup(tree_states, st);
    const struct teardown_annotation *a = info->annotation;
    struct connection *c = count_connection(st, state, pinfo, info);

    /* A reusing SYN need not be annotated. */
    if (info->reuse != NULL)
        count_reuse(st, state, info->reuse);
    if (a == NULL)
        return TAP_PACKET_REDRAW;
    count_frame(st, state, a);
    count_rst(st, state, c, pinfo->num, a);
    count_waits(st, state, a);
    count_checks(st, state, a->checks);
    count_end(st, state, a->checks);
    return TAP_PACKET_REDRAW;
}

static void
register_tap_listener_teardown(void)
{
    stats_tree_register_plugin("teardown", "teardown", "TCP Teardown",
                               (ST_SORT_COL_NAME << ST_FLG_SRTCOL_SHIFT) | ST_FLG_SORT_DESC,
                               teardown_stats_packet, teardown_stats_init, teardown_stats_cleanup);
}

void
register_teardown_stats(void)
{
    static tap_plugin teardown_tap_plugin;

    teardown_tap_plugin.register_tap_listener = register_tap_listener_teardown;
    tap_register_plugin(&teardown_tap_plugin);
}
