/* teardown_stats.c: the "TCP Teardown" statistics tree (Statistics menu,
 * tshark -z teardown,tree[,FILTER]), counted from the post-dissector's own tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The tree counts what the core decided, and decides nothing itself.  Two
 * kinds of rows:
 *  - connections, counted once each by what the core says of the whole
 *    connection at the frames the tree is given (struct teardown_summary):
 *    outcome, who closed, the ending RST.  A connection is known by its
 *    index, the same on every pass; where a later frame says more (the
 *    teardown completed, the RST's sender was seen alive), the connection
 *    moves to its new row, so no count drops below zero whichever frames a
 *    filter hides.  Once the whole capture was read (tshark -2, the GUI),
 *    every frame says how its connection ended, as the packet details do.
 *  - frames, counted where the core put something on them: checks, times,
 *    idle timers, reuse.
 * One pass and two count the same, but for what only the whole capture
 * tells: the final outcome on frames before the one that decided it (seen
 * only where a filter hides that one), and the checks of "At the end of the
 * capture", which only a tree counted after a whole pass fills.
 *
 * Children are listed in their natural order in tshark and in the GUI alike:
 * both sort siblings with stats_tree_sort_compare() by name, descending.  The
 * Qt dialog always sorts by its first column, descending (the sort indicator
 * Qt starts with; it ignores the tree's sort flags), so the tree asks tshark
 * for the same, and ordered lists prefix their names with "z. ", "y. "...
 */
#include "teardown_compat.h"

#include <stdio.h>
#include <string.h>

#include <epan/stats_tree.h>

#include "packet-teardown.h"
#include "teardown_preferences.h"

static const char node_outcome[] = "Streams by outcome";
static const char node_half_closed[] = "half-closed (FIN acknowledged, no FIN back)";
static const char node_initiator[] = "Closes by initiator";
static const char node_rst_sender[] = "Stream-ending RSTs by sender";
static const char node_rst_origin[] = "Stream-ending RSTs by origin";
static const char node_rst_cause[] = "Stream-ending RSTs by cause";
static const char node_checks[] = "Expert checks";
static const char node_idle_timers[] = "Idle timers matched";
static const char node_end[] = "At the end of the capture (after a whole pass)";

/* A connection's outcome: its pattern as the summary says it, in the order
 * of the README; "incomplete" while a teardown has not ended in the frames
 * counted, "open" while none began. */
static const struct outcome_row {
    enum teardown_pattern pattern;
    const char *name;          /* NULL: the pattern's own name */
} outcome_rows[] = {
    { TEARDOWN_PATTERN_FOUR_WAY, NULL },
    { TEARDOWN_PATTERN_THREE_WAY, NULL },
    { TEARDOWN_PATTERN_SIMULTANEOUS, NULL },
    { TEARDOWN_PATTERN_RESET, NULL },
    { TEARDOWN_PATTERN_ABORT, NULL },
    { TEARDOWN_PATTERN_REFUSED, NULL },
    { TEARDOWN_PATTERN_ABANDONED, NULL },
    { TEARDOWN_PATTERN_INCOMPLETE, "incomplete (not finished in the frames counted)" },
    { TEARDOWN_PATTERN_NONE, "open (no teardown in the frames counted)" },
};

/* Origins in the order the README gives them. */
static const enum teardown_rst_origin rst_origins[] = {
    TEARDOWN_RST_ORIGIN_ENDPOINT, TEARDOWN_RST_ORIGIN_PATH, TEARDOWN_RST_ORIGIN_UNKNOWN,
};

/* SYNs reusing an earlier connection's addresses and ports, by what that
 * connection left behind: a TIME-WAIT still holding, one over, or none. */
static const char node_reuse[] = "Reused addresses and ports";
enum reuse_row { REUSE_WITHIN_TIME_WAIT, REUSE_AFTER_TIME_WAIT, REUSE_NO_TIME_WAIT };
static const char *const reuse_rows[] = {
    [REUSE_WITHIN_TIME_WAIT] = "within TIME-WAIT",
    [REUSE_AFTER_TIME_WAIT] = "after TIME-WAIT",
    [REUSE_NO_TIME_WAIT] = "after an RST or no close",
};

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

/* The name of item index of an ordered list, "x. name" for index 2:
 * descending name order is the list's order for up to 26 items. */
#define ROW_NAME_SIZE 96
typedef char row_name[ROW_NAME_SIZE];

/* Where a connection is counted in the rows of connections; NO_ROW where
 * it is not (yet). */
#define NO_ROW UINT8_MAX
struct counted_connection {
    bool    counted;
    bool    half_closed;
    uint8_t outcome;     /* index in outcome_rows */
    uint8_t closer;      /* enum teardown_side, or NO_ROW */
    uint8_t rst_sender;  /* enum teardown_side, or NO_ROW */
    uint8_t rst_origin;  /* index in rst_origins, or NO_ROW */
    uint8_t rst_cause;   /* enum teardown_rst_cause, or NO_ROW */
};

/* What one tree (one tshark -z, one dialog) keeps: its node ids, where it
 * counts each connection, and the idle timers it lists. */
struct tree_state {
    int outcome_id, incomplete_id, initiator_id, rst_sender_id, rst_origin_id, rst_cause_id, checks_id,
        duration_id, close_wait_id, idle_id, idle_timers_id, end_id, stuck_id, reuse_id;
    GArray *connections;      /* struct counted_connection by connection index */
    uint32_t *idle_timers_s;  /* the settings' when the tree was initialised:
                                 ascending, each once */
    size_t idle_timer_count;
};

/* struct tree_state by stats_tree: several trees can count at once. */
static GHashTable *tree_states;

static const char *
ordered_name(row_name name, size_t index, const char *item)
{
    snprintf(name, ROW_NAME_SIZE, "%c. %s", (char)('z' - index), item);
    return name;
}

static int
create_ordered_child(stats_tree *st, int parent_id, size_t index, const char *item)
{
    row_name name;

    return stats_tree_create_node(st, ordered_name(name, index, item), parent_id, STAT_DT_INT, FALSE);
}

static const char *
outcome_name(row_name name, uint8_t row)
{
    const struct outcome_row *outcome = &outcome_rows[row];

    return ordered_name(name, row, outcome->name != NULL ? outcome->name : teardown_pattern_name(outcome->pattern));
}

/* The row of a pattern, an origin: the core gives only those listed. */
static uint8_t
outcome_row_of(uint8_t pattern)
{
    uint8_t row = 0;

    while (row < G_N_ELEMENTS(outcome_rows) - 1 && outcome_rows[row].pattern != pattern)
        row++;
    return row;
}

static uint8_t
origin_row_of(uint8_t origin)
{
    uint8_t row = 0;

    while (row < G_N_ELEMENTS(rst_origins) - 1 && rst_origins[row] != origin)
        row++;
    return row;
}

static const char *
origin_name(row_name name, uint8_t row)
{
    return ordered_name(name, row, teardown_rst_origin_name(rst_origins[row]));
}

static const char *
cause_name(row_name name, uint8_t cause)
{
    return ordered_name(name, cause, teardown_rst_cause_name((enum teardown_rst_cause)cause));
}

static const char *
side_name(row_name name, uint8_t side)
{
    snprintf(name, ROW_NAME_SIZE, "%s", teardown_side_name((enum teardown_side)side));
    return name;
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
    row_name name;
    size_t i = 0;

    if (ns >= 0) {
        while (i < list->count - 1 && ns >= list->buckets[i].below_ns)
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
idle_timer_name(row_name name, size_t index, uint32_t timer_s)
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
    row_name name;

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

/* The checks only the end of the capture tells, in the order of the check
 * table, each under its own summary. */
static const char *
end_check_name(row_name name, int check)
{
    size_t row = 0;

    for (int earlier = 0; earlier < check; earlier++)
        row += (TEARDOWN_CAPTURE_END_CHECKS >> earlier) & 1;
    return ordered_name(name, row, teardown_check_summary((enum teardown_check_index)check));
}

static void
teardown_stats_cleanup(stats_tree *st)
{
    struct tree_state *state = tree_states != NULL ? g_hash_table_lookup(tree_states, st) : NULL;

    if (state == NULL)
        return;
    g_hash_table_remove(tree_states, st);
    g_array_free(state->connections, TRUE);
    g_free(state->idle_timers_s);
    g_free(state);
}

/* The rows of connections: outcomes, closers, ending RSTs. */
static void
create_connection_rows(stats_tree *st, struct tree_state *state)
{
    row_name name;

    state->outcome_id = stats_tree_create_node(st, node_outcome, 0, STAT_DT_INT, TRUE);
    stat_node_set_flags(st, node_outcome, 0, FALSE, ST_FLG_SORT_TOP);
    for (uint8_t row = 0; row < G_N_ELEMENTS(outcome_rows); row++) {
        int id = stats_tree_create_node(st, outcome_name(name, row), state->outcome_id, STAT_DT_INT, FALSE);

        if (outcome_rows[row].pattern == TEARDOWN_PATTERN_INCOMPLETE)
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
    for (uint8_t row = 0; row < G_N_ELEMENTS(rst_origins); row++)
        stats_tree_create_node(st, origin_name(name, row), state->rst_origin_id, STAT_DT_INT, FALSE);
    state->rst_cause_id = stats_tree_create_node(st, node_rst_cause, 0, STAT_DT_INT, TRUE);
    for (uint8_t cause = 0; cause < TEARDOWN_RST_CAUSE_COUNT; cause++)
        stats_tree_create_node(st, cause_name(name, cause), state->rst_cause_id, STAT_DT_INT, FALSE);
}

static void
teardown_stats_init(stats_tree *st)
{
    struct tree_state *state = g_new0(struct tree_state, 1);
    row_name name;

    create_connection_rows(st, state);
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
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        int id;

        if (!(TEARDOWN_CAPTURE_END_CHECKS & (1u << check)))
            continue;
        id = stats_tree_create_node(st, end_check_name(name, check), state->end_id, STAT_DT_INT, FALSE);
        if (check == TEARDOWN_CHECK_INDEX_CLOSE_WAIT_STUCK)
            state->stuck_id = id;
    }
    /* Which side's application left a CLOSE-WAIT stuck. */
    stats_tree_create_node(st, teardown_side_name(TEARDOWN_SIDE_CLIENT), state->stuck_id, STAT_DT_INT, FALSE);
    stats_tree_create_node(st, teardown_side_name(TEARDOWN_SIDE_SERVER), state->stuck_id, STAT_DT_INT, FALSE);
    state->reuse_id = stats_tree_create_node(st, node_reuse, 0, STAT_DT_INT, TRUE);
    for (size_t i = 0; i < G_N_ELEMENTS(reuse_rows); i++)
        create_ordered_child(st, state->reuse_id, i, reuse_rows[i]);

    state->connections = g_array_new(FALSE, TRUE, sizeof(struct counted_connection));
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

/* Moves a connection counted under parent from the row it was in (*now,
 * NO_ROW: none) to row `to` (NO_ROW: out of the list). */
static void
move_row(stats_tree *st, const char *parent, int parent_id, uint8_t *now, uint8_t to,
         const char *(*name_of)(row_name, uint8_t))
{
    row_name name;

    if (*now == to)
        return;
    if (*now != NO_ROW) {
        increase_stat_node(st, name_of(name, *now), parent_id, FALSE, -1);
        increase_stat_node(st, parent, 0, TRUE, -1);
    }
    if (to != NO_ROW)
        tick_child(st, parent, parent_id, name_of(name, to));
    *now = to;
}

static struct counted_connection *
counted_connection(struct tree_state *state, uint32_t connection)
{
    struct counted_connection *counted;

    if (connection >= state->connections->len)
        g_array_set_size(state->connections, connection + 1);
    counted = &g_array_index(state->connections, struct counted_connection, connection);
    if (!counted->counted) {
        counted->outcome = counted->closer = counted->rst_sender = counted->rst_origin = counted->rst_cause = NO_ROW;
        counted->counted = true;
    }
    return counted;
}

/* The connection where its summary at this frame puts it. */
static void
count_connection(stats_tree *st, struct tree_state *state, uint32_t connection,
                 const struct teardown_summary *summary)
{
    struct counted_connection *counted = counted_connection(state, connection);
    bool half_closed = summary->half_closed;

    move_row(st, node_outcome, state->outcome_id, &counted->outcome, outcome_row_of(summary->pattern),
             outcome_name);
    if (counted->half_closed != half_closed)
        increase_stat_node(st, node_half_closed, state->incomplete_id, FALSE, half_closed ? 1 : -1);
    counted->half_closed = half_closed;
    move_row(st, node_initiator, state->initiator_id, &counted->closer,
             summary->closed ? summary->closer_side : NO_ROW, side_name);
    move_row(st, node_rst_sender, state->rst_sender_id, &counted->rst_sender,
             summary->rst_ended ? summary->rst_sender_side : NO_ROW, side_name);
    move_row(st, node_rst_origin, state->rst_origin_id, &counted->rst_origin,
             summary->rst_ended ? origin_row_of(summary->rst_origin) : NO_ROW, origin_name);
    move_row(st, node_rst_cause, state->rst_cause_id, &counted->rst_cause,
             summary->rst_ended ? summary->rst_cause : NO_ROW, cause_name);
}

/* Where the idle timer stands in the tree's list; past its end for one the
 * settings gained since the tree was initialised, which then gets a row of
 * its own, listed after the others. */
static size_t
idle_timer_index(const struct tree_state *state, uint32_t timer_s)
{
    size_t i = 0;

    while (i < state->idle_timer_count && state->idle_timers_s[i] != timer_s)
        i++;
    return i;
}

/* Each check by name, the severities of one finding in one row; what only
 * the end of the capture tells under a heading of its own, a stuck
 * CLOSE-WAIT by the side holding it (holder_side). */
static void
count_checks(stats_tree *st, const struct tree_state *state, uint32_t checks, uint8_t holder_side)
{
    row_name name;

    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        if (!(checks & (1u << check)))
            continue;
        if (TEARDOWN_CAPTURE_END_CHECKS & (1u << check)) {
            tick_child(st, node_end, state->end_id, end_check_name(name, check));
            if (check == TEARDOWN_CHECK_INDEX_CLOSE_WAIT_STUCK && holder_side != TEARDOWN_SIDE_UNKNOWN)
                tick_stat_node(st, teardown_side_name((enum teardown_side)holder_side), state->stuck_id, FALSE);
        } else
            tick_child(st, node_checks, state->checks_id, teardown_check_name((enum teardown_check_index)check));
    }
}

/* What the frame shows: how long the teardown took and the passive closer
 * stayed in CLOSE-WAIT, how long the connection was idle before it closed,
 * and its checks. */
static void
count_frame(stats_tree *st, const struct tree_state *state, const struct teardown_annotation *annotation)
{
    row_name name;

    if (teardown_pattern_graceful((enum teardown_pattern)annotation->verdict.pattern))
        tick_bucket(st, &duration_list, state->duration_id, annotation->duration_ns);
    if (annotation->close_delay_known)
        tick_bucket(st, &close_wait_list, state->close_wait_id, annotation->close_delay_ns);
    if (annotation->idle_known)
        tick_bucket(st, &idle_list, state->idle_id, annotation->idle_ns);
    if (annotation->idle_timer_s != 0)
        tick_child(st, node_idle_timers, state->idle_timers_id,
                   idle_timer_name(name, idle_timer_index(state, annotation->idle_timer_s), annotation->idle_timer_s));
    count_checks(st, state, annotation->checks, annotation->holder_side);
}

/* A SYN reusing an earlier connection's addresses and ports; its
 * reuse_in_time_wait is an expert item like the others. */
static void
count_reuse(stats_tree *st, const struct tree_state *state, const struct teardown_reuse *reuse)
{
    row_name name;
    enum reuse_row row = !reuse->holder_known ? REUSE_NO_TIME_WAIT
                         : (reuse->checks & TEARDOWN_CHECK_REUSE_IN_TIME_WAIT) ? REUSE_WITHIN_TIME_WAIT
                                                                             : REUSE_AFTER_TIME_WAIT;

    tick_child(st, node_reuse, state->reuse_id, ordered_name(name, row, reuse_rows[row]));
    count_checks(st, state, reuse->checks, TEARDOWN_SIDE_UNKNOWN);
}

static tap_packet_status
teardown_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                      const void *data, tap_flags_t flags _U_)
{
    const struct teardown_tap_info *info = (const struct teardown_tap_info *)data;
    struct tree_state *state = g_hash_table_lookup(tree_states, st);

    count_connection(st, state, info->connection, info->summary);
    if (info->reuse != NULL)
        count_reuse(st, state, info->reuse);
    if (info->annotation != NULL)
        count_frame(st, state, info->annotation);
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
