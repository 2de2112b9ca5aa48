/* packet-teardown.c: the teardown post-dissector's registration, and what it
 * draws of a frame: tree, Info column, expert items, the tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The analysis is the core's (teardown_state.h); teardown_records.c keeps
 * what it said of every frame on the first pass, and every dissection draws
 * from that record alone (tshark -2 and the GUI's clicks, where TCP's
 * fields are no longer primed), the same tree and the same tap data.
 */
#include "teardown_compat.h"

#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include "packet-teardown.h"
#include "teardown_conn_fields.h"
#include "teardown_preferences.h"
#include "teardown_read.h"
#include "teardown_records.h"
#include "teardown_sentences.h"
#include "teardown_settings.h"

static int proto_teardown = -1;
static int teardown_tap = -1;
static dissector_handle_t teardown_handle;

static int hf_step = -1;
static int hf_role = -1;
static int hf_initiator = -1;
static int hf_pattern = -1;
static int hf_fin_frame = -1;
static int hf_ack_frame = -1;
static int hf_retransmission = -1;
static int hf_original_frame = -1;
static int hf_expected_ack = -1;
static int hf_expected_seq = -1;
static int hf_duration = -1;
static int hf_half_close = -1;
static int hf_initiator_by_port = -1;
static int hf_segments = -1;
static int hf_states = -1;
static int hf_state_client = -1;
static int hf_state_server = -1;
static int hf_state_sender = -1;
static int hf_state_receiver = -1;
static int hf_rst_ttl = -1;
static int hf_rst_expected_ttl = -1;
static int hf_rst_origin = -1;
static int hf_rst_alive_frame = -1;
static int hf_rst_cause = -1;
static int hf_idle = -1;
static int hf_idle_timer = -1;
static int hf_ack_delay = -1;
static int hf_close_delay = -1;
static int hf_last_ack_delay = -1;
static int hf_unfinished_for = -1;
static int hf_reuse_stream = -1;
static int hf_reuse_gap = -1;
static int hf_reuse_holder = -1;
static int hf_reuse_answer = -1;
static int hf_check = -1;

static gint ett_teardown = -1;
static gint ett_states = -1;
static gint ett_rst = -1;
static gint ett_reuse = -1;

/* One expert item per check of teardown_checks.h, by check index. */
static expert_field ei_check[TEARDOWN_CHECK_COUNT];

/* ---- Drawing (every pass) ---------------------------------------------- */

static void
add_generated(proto_item *item)
{
    proto_item_set_generated(item);
}

static void
add_frame_item(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t frame)
{
    add_generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, frame));
}

static void
add_flag_item(proto_tree *tree, int hf, tvbuff_t *tvb)
{
    add_generated(proto_tree_add_item(tree, hf, tvb, 0, 0, ENC_NA));
}

static void
add_word_item(proto_tree *tree, int hf, tvbuff_t *tvb, const char *word)
{
    add_generated(proto_tree_add_string(tree, hf, tvb, 0, 0, word));
}

/* Nanoseconds as Wireshark's time type (FT_RELATIVE_TIME).  Division
 * truncates, so a negative time has both parts negative, as Wireshark's
 * own time differences do; INT64_MIN is -9223372036 s -854775808 ns. */
static nstime_t
ns_to_nstime(int64_t ns)
{
    nstime_t time;

    nstime_set_zero(&time);
    time.secs = (time_t)(ns / 1000000000);
    time.nsecs = (int)(ns % 1000000000);
    return time;
}

/* A relative time in seconds on every release (4.6 would otherwise pick a
 * unit), with words after it where they are due. */
void
teardown_add_seconds_item(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo, int64_t ns, const char *after)
{
    nstime_t time = ns_to_nstime(ns);

    add_generated(proto_tree_add_time_format_value(tree, hf, tvb, 0, 0, &time, "%s seconds%s",
                                                   rel_time_to_secs_str(pinfo->pool, &time), after));
}

static void
add_step_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_view *view,
              unsigned step, bool wordy)
{
    if (wordy)
        add_generated(proto_tree_add_uint_format(tree, hf_step, tvb, 0, 0, step, "%s",
                                                 teardown_step_sentence(view, pinfo, step)));
    else
        add_generated(proto_tree_add_uint(tree, hf_step, tvb, 0, 0, step));
}

static void
add_state_item(proto_tree *tree, int hf, tvbuff_t *tvb, uint8_t state)
{
    add_word_item(tree, hf, tvb, teardown_tcp_state_name((enum teardown_tcp_state)state));
}

/* Both endpoints' states in one line, then each by its side and part. */
static void
add_states_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_view *view)
{
    const struct teardown_verdict *verdict = &view->annotation.verdict;
    const char *line = proto_field_is_referenced(tree, hf_states) ? teardown_states_sentence(view, pinfo) : "";
    proto_item *item = proto_tree_add_string(tree, hf_states, tvb, 0, 0, line);
    proto_tree *states_tree = proto_item_add_subtree(item, ett_states);

    add_generated(item);
    for (uint8_t endpoint = 0; endpoint <= 1; endpoint++) {
        enum teardown_side side = teardown_annotation_side(&view->annotation, endpoint);

        if (side != TEARDOWN_SIDE_UNKNOWN)
            add_state_item(states_tree, side == TEARDOWN_SIDE_CLIENT ? hf_state_client : hf_state_server,
                           tvb, verdict->state_after[endpoint]);
    }
    add_state_item(states_tree, hf_state_sender, tvb, verdict->state_after[verdict->endpoint]);
    add_state_item(states_tree, hf_state_receiver, tvb, verdict->state_after[view->annotation.receiver]);
}

static void
add_summary_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_view *view, bool wordy)
{
    uint32_t segments = view->annotation.segments;

    if (wordy)
        add_generated(proto_tree_add_uint_format(tree, hf_segments, tvb, 0, 0, segments, "%s",
                                                 teardown_summary_sentence(view, pinfo)));
    else
        add_generated(proto_tree_add_uint(tree, hf_segments, tvb, 0, 0, segments));
}

/* On every RST: its hop signature against its sender's, who probably sent
 * it, and what came just before it. */
static void
add_rst_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_view *view, bool wordy)
{
    const struct teardown_annotation *annotation = &view->annotation;
    const struct teardown_rst_verdict *rst = view->rst;
    const char *origin = teardown_rst_origin_name((enum teardown_rst_origin)annotation->rst_origin);
    proto_item *item;
    proto_tree *rst_tree;

    if (wordy)
        item = proto_tree_add_string_format_value(tree, hf_rst_origin, tvb, 0, 0, origin, "%s",
                                                  teardown_rst_origin_sentence(view, pinfo));
    else
        item = proto_tree_add_string(tree, hf_rst_origin, tvb, 0, 0, origin);
    add_generated(item);
    rst_tree = proto_item_add_subtree(item, ett_rst);
    if (rst->hops_known)
        add_generated(proto_tree_add_uint(rst_tree, hf_rst_ttl, tvb, 0, 0, rst->hops));
    if (rst->baseline_known)
        add_generated(proto_tree_add_uint(rst_tree, hf_rst_expected_ttl, tvb, 0, 0, rst->baseline_hops));
    if (annotation->alive_frame != 0)
        add_frame_item(rst_tree, hf_rst_alive_frame, tvb, annotation->alive_frame);
    add_word_item(tree, hf_rst_cause, tvb, teardown_rst_cause_name((enum teardown_rst_cause)annotation->rst_cause));
}

/* The expected values where a check has one, then one item per failed
 * check: its name as a field (teardown.check), what it found in words as
 * the item's text, and its expert item, whose summary is the check's own,
 * the same on every frame, so that Expert Information groups them (as
 * TCP's analysis flags do). */
static void
add_check_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_view *view, bool wordy)
{
    const struct teardown_annotation *annotation = &view->annotation;
    uint32_t checks = annotation->checks | view->reuse.checks;

    if (checks & (TEARDOWN_CHECK_ACK_BEYOND_FIN | TEARDOWN_CHECK_ACK_REGRESSED))
        add_generated(proto_tree_add_uint(tree, hf_expected_ack, tvb, 0, 0,
                                          teardown_shown_ack(view, annotation->expected_ack)));
    if (checks & TEARDOWN_CHECK_SEQ_MISMATCH)
        add_generated(proto_tree_add_uint(tree, hf_expected_seq, tvb, 0, 0,
                                          teardown_shown_seq(view, annotation->expected_seq)));
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        const char *name = teardown_check_name((enum teardown_check_index)check);
        proto_item *item;

        if (!(checks & (1u << check)))
            continue;
        if (wordy)
            item = proto_tree_add_string_format(tree, hf_check, tvb, 0, 0, name, "%s",
                                                teardown_check_sentence(view, pinfo, (enum teardown_check_index)check));
        else
            item = proto_tree_add_string(tree, hf_check, tvb, 0, 0, name);
        add_generated(item);
        expert_add_info(pinfo, item, &ei_check[check]);
    }
}

/* Idle time before the close, and how long each side took. */
static void
add_time_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_annotation *annotation)
{
    if (annotation->idle_known) {
        teardown_add_seconds_item(tree, hf_idle, tvb, pinfo, annotation->idle_ns, "");
        if (annotation->idle_timer_s != 0)
            add_generated(proto_tree_add_uint(tree, hf_idle_timer, tvb, 0, 0, annotation->idle_timer_s));
    }
    if (annotation->ack_delay_known)
        teardown_add_seconds_item(tree, hf_ack_delay, tvb, pinfo, annotation->ack_delay_ns, "");
    if (annotation->close_delay_known)
        teardown_add_seconds_item(tree, hf_close_delay, tvb, pinfo, annotation->close_delay_ns, "");
    if (annotation->last_ack_delay_known)
        teardown_add_seconds_item(tree, hf_last_ack_delay, tvb, pinfo, annotation->last_ack_delay_ns, "");
    if (annotation->unfinished_known)
        teardown_add_seconds_item(tree, hf_unfinished_for, tvb, pinfo, annotation->unfinished_ns, "");
}

/* Who took part, how, and how it ended. */
static void
add_part_items(proto_tree *tree, tvbuff_t *tvb, const struct teardown_annotation *annotation)
{
    if (annotation->in_teardown) {
        add_word_item(tree, hf_role, tvb, teardown_role_name((enum teardown_role)annotation->verdict.role));
        add_word_item(tree, hf_initiator, tvb, teardown_side_name((enum teardown_side)annotation->initiator));
        if (annotation->initiator_by_port)
            add_flag_item(tree, hf_initiator_by_port, tvb);
    }
    if (annotation->pattern != TEARDOWN_PATTERN_NONE)
        add_word_item(tree, hf_pattern, tvb, teardown_pattern_name((enum teardown_pattern)annotation->pattern));
    if (annotation->fin_frame != 0)
        add_frame_item(tree, hf_fin_frame, tvb, annotation->fin_frame);
    if (annotation->ack_frame != 0)
        add_frame_item(tree, hf_ack_frame, tvb, annotation->ack_frame);
    if (annotation->verdict.retransmission) {
        add_flag_item(tree, hf_retransmission, tvb);
        add_frame_item(tree, hf_original_frame, tvb, annotation->original_frame);
    }
}

/* A frame's verdict: steps, roles, links, times, states, RST, summary.
 * Writes its words for the Info column and the title into summary where
 * someone reads them. */
static void
add_verdict_items(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo,
                  proto_tree *teardown_tree, bool wordy, char summary[TEARDOWN_SUMMARY_SIZE])
{
    const struct teardown_annotation *annotation = &view->annotation;

    /* Sentences cost more than the analysis: write them only for a reader. */
    if (wordy || (teardown_pref_info_column && pinfo->cinfo != NULL))
        teardown_summary(&annotation->verdict, summary, TEARDOWN_SUMMARY_SIZE);
    if (teardown_pref_info_column && pinfo->cinfo != NULL)
        /* In front, as TCP's own analysis tags: the Flow Graph's arrow
         * labels show only the first 20 characters. */
        col_prepend_fstr(pinfo->cinfo, COL_INFO, "[%s] ", summary);

    for (unsigned step = 1; step <= 4; step++) {
        if (annotation->verdict.steps & TEARDOWN_STEP(step))
            add_step_item(teardown_tree, tvb, pinfo, view, step, wordy);
    }
    add_part_items(teardown_tree, tvb, annotation);
    add_time_items(teardown_tree, tvb, pinfo, annotation);
    if (annotation->duration_known)
        teardown_add_seconds_item(teardown_tree, hf_duration, tvb, pinfo, annotation->duration_ns,
                         annotation->clock_backwards ? TEARDOWN_CLOCK_BACKWARDS : "");
    if (annotation->verdict.half_close)
        add_flag_item(teardown_tree, hf_half_close, tvb);
    if (annotation->in_teardown)
        add_states_items(teardown_tree, tvb, pinfo, view);
    if (view->rst != NULL)
        add_rst_items(teardown_tree, tvb, pinfo, view, wordy);
    if (annotation->verdict.pattern != TEARDOWN_PATTERN_NONE)
        add_summary_item(teardown_tree, tvb, pinfo, view, wordy);
}

/* A SYN reusing an earlier connection's addresses and ports: which stream,
 * how long after, who should hold TIME-WAIT, and once a pass saw it, how
 * the SYN was answered. */
static void
add_reuse_items(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo, proto_tree *teardown_tree)
{
    const struct teardown_reuse *reuse = &view->reuse;
    proto_item *item = proto_tree_add_uint(teardown_tree, hf_reuse_stream, tvb, 0, 0,
                                           view->reuse_record->earlier_stream);
    proto_tree *reuse_tree = proto_item_add_subtree(item, ett_reuse);

    add_generated(item);
    teardown_add_seconds_item(reuse_tree, hf_reuse_gap, tvb, pinfo, reuse->gap_ns, "");
    if (reuse->holder_known)
        add_word_item(reuse_tree, hf_reuse_holder, tvb, teardown_side_name((enum teardown_side)reuse->time_wait_holder));
    if (reuse->answer_known)
        add_word_item(reuse_tree, hf_reuse_answer, tvb,
                      teardown_syn_answer_name((enum teardown_syn_answer)reuse->answer));
}

/* The connection as a whole, on the frame that stands for it (view: the
 * frame's, if it has one), where anyone reads it. */
static bool
draw_conn(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo, proto_tree *teardown_tree)
{
    uint32_t connection;

    if (!teardown_conn_fields_wanted(teardown_tree) || !teardown_conn_ends_at(view, pinfo, &connection))
        return false;
    teardown_conn_fields_draw(teardown_tree, tvb, pinfo, connection);
    return true;
}

static void
draw_view(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    bool wordy = tree != NULL && PTREE_DATA(tree)->visible;
    char summary[TEARDOWN_SUMMARY_SIZE];
    proto_item *item = proto_tree_add_item(tree, proto_teardown, tvb, 0, 0, ENC_NA);
    proto_tree *teardown_tree = proto_item_add_subtree(item, ett_teardown);

    add_generated(item);
    if (view->has_verdict)
        add_verdict_items(view, tvb, pinfo, teardown_tree, wordy, summary);
    if (view->reuse_record != NULL)
        add_reuse_items(view, tvb, pinfo, teardown_tree);
    add_check_items(teardown_tree, tvb, pinfo, view, wordy);
    draw_conn(view, tvb, pinfo, teardown_tree);
    if (!wordy)
        return;
    if (view->has_verdict)
        proto_item_append_text(item, ": %s", summary);
    if (view->reuse_record != NULL)
        proto_item_append_text(item, "%s reuses the addresses and ports of stream %u",
                               view->has_verdict ? ";" : ":", view->reuse_record->earlier_stream);
}

/* A frame said something about without a verdict: one line. */
static void
draw_unjudged(enum teardown_unjudged unjudged, uint32_t original, tvbuff_t *tvb, packet_info *pinfo,
              proto_tree *tree)
{
    const char *brief, *sentence = teardown_unjudged_sentence(unjudged, original, pinfo, &brief);

    if (teardown_pref_info_column && pinfo->cinfo != NULL)
        col_prepend_fstr(pinfo->cinfo, COL_INFO, "[Teardown: %s] ", brief);
    add_generated(proto_tree_add_protocol_format(tree, proto_teardown, tvb, 0, 0,
                                                 "TCP Connection Teardown: %s", sentence));
}

/* The tap gets, for every frame that opens a connection or has a view,
 * what the tree shows and what is known of its connection as a whole. */
static void
queue_tap(packet_info *pinfo, const struct teardown_view *view)
{
    struct teardown_tap_info *info;
    struct teardown_summary *summary;
    uint32_t opened;
    bool opens = teardown_opened_connection(pinfo->num, &opened);
    struct teardown_config config;

    if (view == NULL && !opens)
        return;
    info = wmem_new0(pinfo->pool, struct teardown_tap_info);
    info->connection = view != NULL ? view->connection_index : opened;
    info->opens_connection = opens;
    if (view != NULL && view->has_verdict)
        info->annotation = wmem_memdup(pinfo->pool, &view->annotation, sizeof view->annotation);
    if (view != NULL && view->reuse_record != NULL)
        info->reuse = wmem_memdup(pinfo->pool, &view->reuse, sizeof view->reuse);
    config = *teardown_current_config();
    config.capture_end_known = PINFO_FD_VISITED(pinfo);
    info->capture_end_known = config.capture_end_known;
    summary = wmem_new(pinfo->pool, struct teardown_summary);
    teardown_connection_summarize(teardown_connection_at(info->connection), pinfo->num, &config, summary);
    info->summary = summary;
    tap_queue_packet(teardown_tap, pinfo, info);
}

/* A frame with nothing else said of it, which stands for a connection
 * never closed. */
static bool
draw_conn_alone(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    proto_item *item;
    proto_tree *teardown_tree;
    uint32_t connection;

    if (!teardown_conn_fields_wanted(tree) || !teardown_conn_ends_at(NULL, pinfo, &connection))
        return false;
    item = proto_tree_add_item(tree, proto_teardown, tvb, 0, 0, ENC_NA);
    add_generated(item);
    teardown_tree = proto_item_add_subtree(item, ett_teardown);
    teardown_conn_fields_draw(teardown_tree, tvb, pinfo, connection);
    return true;
}

static int
dissect_teardown(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const struct teardown_record *record;
    struct teardown_view view;
    enum teardown_unjudged unjudged;
    uint32_t original = 0;
    bool viewed;

    if (!teardown_pref_analyze)
        return 0;
    record = teardown_record_frame(tvb, pinfo, tree);
    viewed = teardown_view_frame(record, pinfo, &view);
    if (have_tap_listener(teardown_tap))
        queue_tap(pinfo, viewed ? &view : NULL);
    if (viewed)
        draw_view(&view, tvb, pinfo, tree);
    else if ((unjudged = teardown_unjudged_frame(pinfo->num, &original)) != TEARDOWN_JUDGED)
        draw_unjudged(unjudged, original, tvb, pinfo, tree);
    else if (!draw_conn_alone(tvb, pinfo, tree))
        return 0;
    return tvb_captured_length(tvb);
}

/* ---- Registration ------------------------------------------------------ */

/* Without the analysis, ask for no TCP fields: none would be primed. */
static void
apply_preferences(void)
{
    teardown_current_config();
    set_postdissector_wanted_hfids(teardown_handle, teardown_pref_analyze ? teardown_read_wanted_fields() : NULL);
}

void
proto_register_teardown(void)
{
    static hf_register_info hf[] = {
        { &hf_step, { "Step", "teardown.step", FT_UINT8, BASE_DEC, NULL, 0x0,
          "Step of the TCP connection teardown (1-4); a FIN+ACK segment can carry two", HFILL } },
        { &hf_role, { "Role", "teardown.role", FT_STRING, BASE_NONE, NULL, 0x0,
          "The sender's role: active (sent the first FIN) or passive closer", HFILL } },
        { &hf_initiator, { "Initiator", "teardown.initiator", FT_STRING, BASE_NONE, NULL, 0x0,
          "Which endpoint began the teardown: client, server or unknown", HFILL } },
        { &hf_pattern, { "Pattern", "teardown.pattern", FT_STRING, BASE_NONE, NULL, 0x0,
          "How the connection ended: four-way, three-way, simultaneous, reset, abort, refused, abandoned, "
          "incomplete", HFILL } },
        { &hf_fin_frame, { "FIN in frame", "teardown.fin_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0, "The FIN this segment acknowledges", HFILL } },
        { &hf_ack_frame, { "ACK in frame", "teardown.ack_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0, "The segment that acknowledges this FIN", HFILL } },
        { &hf_retransmission, { "Retransmitted FIN", "teardown.retransmission", FT_NONE, BASE_NONE,
          NULL, 0x0, "This endpoint already sent a FIN with this sequence number", HFILL } },
        { &hf_original_frame, { "Original FIN in frame", "teardown.original_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0x0, "The first transmission of this FIN", HFILL } },
        { &hf_expected_ack, { "Expected ACK", "teardown.expected_ack", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The acknowledgement number the FIN calls for (FIN seq + 1), as the TCP tree numbers it", HFILL } },
        { &hf_expected_seq, { "Expected seq", "teardown.expected_seq", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The sequence number after the sender's own FIN (FIN seq + 1), as the TCP tree numbers it", HFILL } },
        { &hf_duration, { "Teardown duration", "teardown.duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time from the first FIN (step 1) to this final ACK (step 4)", HFILL } },
        { &hf_half_close, { "Half-close data", "teardown.half_close", FT_NONE, BASE_NONE, NULL, 0x0,
          "Data from the passive closer after it acknowledged the first FIN", HFILL } },
        { &hf_initiator_by_port, { "Client and server inferred from ports", "teardown.initiator_by_port",
          FT_NONE, BASE_NONE, NULL, 0x0,
          "No handshake was captured: the endpoint on a port below "
          TEARDOWN_WORDS(TEARDOWN_WELL_KNOWN_PORT_END) " is taken as the server", HFILL } },
        { &hf_segments, { "Teardown segments", "teardown.segments", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Segments of the stream from the first FIN to the one that completed or ended the teardown", HFILL } },
        { &hf_states, { "TCP states", "teardown.states", FT_STRING, BASE_NONE, NULL, 0x0,
          "Each endpoint's state (RFC 9293 §3.3.2) once this segment is sent and received, "
          "inferred from what the capture point saw", HFILL } },
        { &hf_state_client, { "Client state", "teardown.state.client", FT_STRING, BASE_NONE, NULL, 0x0,
          "The client's inferred TCP state after this segment", HFILL } },
        { &hf_state_server, { "Server state", "teardown.state.server", FT_STRING, BASE_NONE, NULL, 0x0,
          "The server's inferred TCP state after this segment", HFILL } },
        { &hf_state_sender, { "Sender state", "teardown.state.sender", FT_STRING, BASE_NONE, NULL, 0x0,
          "The inferred TCP state of this segment's sender after sending it", HFILL } },
        { &hf_state_receiver, { "Receiver state", "teardown.state.receiver", FT_STRING, BASE_NONE, NULL, 0x0,
          "The inferred TCP state of this segment's receiver after receiving it", HFILL } },
        { &hf_rst_origin, { "RST origin", "teardown.rst.origin", FT_STRING, BASE_NONE, NULL, 0x0,
          "Who probably sent this RST: endpoint, path (a device on the path forged it) or unknown", HFILL } },
        { &hf_rst_ttl, { "RST TTL", "teardown.rst.ttl", FT_UINT8, BASE_DEC, NULL, 0x0,
          "The RST's IPv4 TTL or IPv6 hop limit", HFILL } },
        { &hf_rst_expected_ttl, { "Sender's usual TTL", "teardown.rst.expected_ttl", FT_UINT8, BASE_DEC, NULL, 0x0,
          "The TTL or hop limit of every earlier segment without RST from the RST's purported sender "
          "(two or more, all alike)", HFILL } },
        { &hf_rst_alive_frame, { "Sender alive in frame", "teardown.rst.alive_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
          "The first segment showing the RST's purported sender still alive after it", HFILL } },
        { &hf_rst_cause, { "RST cause", "teardown.rst.cause", FT_STRING, BASE_NONE, NULL, 0x0,
          "What came just before the RST: refused, abandoned, after-close, keep-alive, retransmissions, "
          "idle or abort", HFILL } },
        { &hf_idle, { "Idle before the close", "teardown.idle", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Step 1, or an RST that ends the stream: time since the stream's previous segment", HFILL } },
        { &hf_idle_timer, { "Idle timer matched", "teardown.idle_timer", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The idle timer (seconds, from the idle_timers preference) that the idle time matches", HFILL } },
        { &hf_ack_delay, { "ACK delay", "teardown.ack_delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Step 2: time since the first FIN", HFILL } },
        { &hf_close_delay, { "Close delay", "teardown.close_delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Step 3: time since the first FIN, how long the passive closer stayed in CLOSE-WAIT as "
          "the capture point saw it", HFILL } },
        { &hf_last_ack_delay, { "Last ACK delay", "teardown.last_ack_delay", FT_RELATIVE_TIME, BASE_NONE,
          NULL, 0x0, "Step 4: time since the passive closer's FIN (step 3)", HFILL } },
        { &hf_unfinished_for, { "Unfinished for", "teardown.unfinished_for", FT_RELATIVE_TIME, BASE_NONE,
          NULL, 0x0, "The last step of a teardown that never completed: time until the capture's last frame "
          "(known once the whole capture was read)", HFILL } },
        { &hf_reuse_stream, { "Reuses the ports of stream", "teardown.reuse.stream", FT_UINT32, BASE_DEC,
          NULL, 0x0, "A SYN opening a connection on the addresses and ports of an earlier connection: "
          "that connection's tcp.stream (this frame's own for a new connection in the same stream)", HFILL } },
        { &hf_reuse_gap, { "Gap", "teardown.reuse.gap", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time since the earlier connection's last segment", HFILL } },
        { &hf_reuse_holder, { "TIME-WAIT holder", "teardown.reuse.time_wait_holder", FT_STRING, BASE_NONE,
          NULL, 0x0, "The side of the earlier connection that closed it first and holds TIME-WAIT "
          "(client or server; absent when an RST ended it or it never closed)", HFILL } },
        { &hf_reuse_answer, { "Answer", "teardown.reuse.answer", FT_STRING, BASE_NONE, NULL, 0x0,
          "How the SYN's receiver answered it: accepted (SYN+ACK), challenge-ack (an ACK for the old "
          "connection), reset or none (known once the whole capture was read)", HFILL } },
        { &hf_check, { "Check failed", "teardown.check", FT_STRING, BASE_NONE, NULL, 0x0,
          "The name of a check the frame fails (teardown_checks.h; each is also an expert item and a "
          "display filter of its own, teardown.NAME), the item's text saying what was found", HFILL } },
    };
    static gint *ett[] = { &ett_teardown, &ett_states, &ett_rst, &ett_reuse };
    /* teardown_checks.h cites, for each check, the RFC 9293 rule behind it. */
    static ei_register_info ei[] = {
#define TEARDOWN_EXPERT_ENTRY(id, name, group, severity, summary) \
        { &ei_check[TEARDOWN_CHECK_INDEX_##id], \
          { "teardown." #name, PI_##group, PI_##severity, summary, EXPFILL } },
        TEARDOWN_CHECKS(TEARDOWN_EXPERT_ENTRY)
#undef TEARDOWN_EXPERT_ENTRY
    };
    static const expert_field unregistered = EI_INIT;

    proto_teardown = proto_register_protocol("TCP Connection Teardown", "Teardown", "teardown");
    proto_register_field_array(proto_teardown, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++)
        ei_check[check] = unregistered;
    expert_register_field_array(expert_register_protocol(proto_teardown), ei, array_length(ei));
    teardown_conn_fields_register(proto_teardown);
    register_teardown_conns();
    teardown_preferences_register(proto_teardown, apply_preferences);

    teardown_handle = create_dissector_handle(dissect_teardown, proto_teardown);
    teardown_tap = register_tap("teardown");
    register_init_routine(teardown_records_init);
}

void
proto_reg_handoff_teardown(void)
{
    teardown_read_handoff();
    register_postdissector(teardown_handle);
    apply_preferences();
}
