/* teardown_sentences.c: what the tree says of a frame in words.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Sentences cost more than the analysis: the tree asks for them only where
 * someone reads them.  Every number and frame in them is the annotation's;
 * only the numbering (relative or raw) is the TCP tree's.
 */
#include "teardown_sentences.h"

#include "teardown_read.h"

#include <epan/to_str.h>
#include <wsutil/str_util.h>

/* One endpoint in words, "server 10.0.0.132:22" or "endpoint
 * [2001:db8::1]:22" when sides are unknown, as the arguments of
 * ENDPOINT_FORMAT: each sentence is then formatted in one call. */
struct endpoint_words {
    const char *side;
    const char *open, *address, *close;  /* brackets around IPv6 only */
    unsigned port;
};

#define ADDRESS_FORMAT "%s%s%s:%u"
#define ADDRESS_ARGS(words) (words).open, (words).address, (words).close, (words).port
#define ENDPOINT_FORMAT "%s " ADDRESS_FORMAT
#define ENDPOINT_ARGS(words) (words).side, ADDRESS_ARGS(words)

/* The frame's sender, or its receiver, in words. */
static struct endpoint_words
packet_endpoint_words(packet_info *pinfo, bool sender, enum teardown_side side, unsigned port)
{
    const address *addr = sender ? &pinfo->net_src : &pinfo->net_dst;
    bool ipv6 = addr->type == AT_IPv6;

    return (struct endpoint_words) {
        .side = side == TEARDOWN_SIDE_UNKNOWN ? "endpoint" : teardown_side_name(side),
        .open = ipv6 ? "[" : "", .address = address_to_str(pinfo->pool, addr), .close = ipv6 ? "]" : "",
        .port = port,
    };
}

/* Endpoint 0 or 1 of the annotated segment's connection in words. */
static struct endpoint_words
endpoint_words(const struct teardown_view *view, packet_info *pinfo, uint8_t endpoint)
{
    return packet_endpoint_words(pinfo, endpoint == view->annotation.verdict.endpoint,
                                 teardown_annotation_side(&view->annotation, endpoint),
                                 view->annotation.port[endpoint]);
}

/* What IPv4 calls TTL, IPv6 calls hop limit. */
static const char *
hops_word(const packet_info *pinfo)
{
    return pinfo->net_src.type == AT_IPv6 ? "hop limit" : "TTL";
}

static const char *
role_words(const struct teardown_annotation *annotation)
{
    return annotation->verdict.role == TEARDOWN_ROLE_ACTIVE ? "active closer" : "passive closer";
}

/* The rarer FIN steps: "sends 12 bytes of data and FIN, FIN seq 181", and
 * for a retransmission "... again (retransmission of frame 7)". */
static const char *
fin_with_more_words(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;
    uint32_t fin_seq = teardown_shown_seq(view, annotation->end_seq);
    const char *what;

    if (annotation->verdict.len > 0)
        what = wmem_strdup_printf(pinfo->pool, "sends %u bytes of data and FIN, FIN seq %u",
                                  annotation->verdict.len, fin_seq);
    else
        what = wmem_strdup_printf(pinfo->pool, "sends FIN, seq %u", fin_seq);
    if (annotation->verdict.retransmission)
        what = wmem_strdup_printf(pinfo->pool, "%s again (retransmission of frame %u)",
                                  what, annotation->original_frame);
    return what;
}

const char *
teardown_step_sentence(const struct teardown_view *view, packet_info *pinfo, unsigned step)
{
    const struct teardown_annotation *annotation = &view->annotation;
    struct endpoint_words who = endpoint_words(view, pinfo, annotation->verdict.endpoint);

    if (step == 2 || step == 4)
        return wmem_strdup_printf(pinfo->pool,
            "Step %u of 4: %s (" ENDPOINT_FORMAT ") acknowledges the FIN of frame %u (seq %u), ack %u",
            step, role_words(annotation), ENDPOINT_ARGS(who), annotation->fin_frame,
            teardown_shown_ack(view, annotation->peer_fin_seq), teardown_shown_ack(view, annotation->verdict.ack));
    if (annotation->verdict.len == 0 && !annotation->verdict.retransmission)
        return wmem_strdup_printf(pinfo->pool, "Step %u of 4: %s (" ENDPOINT_FORMAT ") sends FIN, seq %u",
            step, role_words(annotation), ENDPOINT_ARGS(who), teardown_shown_seq(view, annotation->verdict.seq));
    return wmem_strdup_printf(pinfo->pool, "Step %u of 4: %s (" ENDPOINT_FORMAT ") %s",
        step, role_words(annotation), ENDPOINT_ARGS(who), fin_with_more_words(view, pinfo));
}

/* "server FIN-WAIT-1 -> FIN-WAIT-2": one endpoint's part of the states line,
 * named by its address when sides are unknown. */
static const char *
endpoint_states_words(const struct teardown_view *view, packet_info *pinfo, uint8_t endpoint)
{
    const struct teardown_verdict *verdict = &view->annotation.verdict;
    enum teardown_side side = teardown_annotation_side(&view->annotation, endpoint);
    const char *after = teardown_tcp_state_name((enum teardown_tcp_state)verdict->state_after[endpoint]);
    const char *name;

    if (side == TEARDOWN_SIDE_UNKNOWN) {
        struct endpoint_words words = endpoint_words(view, pinfo, endpoint);

        name = wmem_strdup_printf(pinfo->pool, ADDRESS_FORMAT, ADDRESS_ARGS(words));
    } else {
        name = teardown_side_name(side);
    }
    if (verdict->state_before[endpoint] == verdict->state_after[endpoint])
        return wmem_strconcat(pinfo->pool, name, " ", after, NULL);
    return wmem_strconcat(pinfo->pool, name, " ",
        teardown_tcp_state_name((enum teardown_tcp_state)verdict->state_before[endpoint]), " -> ", after, NULL);
}

const char *
teardown_states_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    return wmem_strconcat(pinfo->pool, endpoint_states_words(view, pinfo, view->annotation.closer), ", ",
                          endpoint_states_words(view, pinfo, view->annotation.passive), NULL);
}

const char *
teardown_summary_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;
    const char *pattern = teardown_pattern_name((enum teardown_pattern)annotation->verdict.pattern);
    struct endpoint_words who = endpoint_words(view, pinfo, annotation->closer);

    if (annotation->step1_frame == 0)
        return wmem_strdup_printf(pinfo->pool, "Summary: %s by " ENDPOINT_FORMAT, pattern, ENDPOINT_ARGS(who));
    return wmem_strdup_printf(pinfo->pool,
        "Summary: %s, begun by " ENDPOINT_FORMAT ", %.6f s from the first FIN%s, %u segments",
        pattern, ENDPOINT_ARGS(who), annotation->duration_ns / 1e9,
        annotation->clock_backwards ? TEARDOWN_CLOCK_BACKWARDS : "", annotation->segments);
}

/* ---- One sentence per check ------------------------------------------- */

static const char *
ack_beyond_fin_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;

    return wmem_strdup_printf(pinfo->pool,
        "ACK %u acknowledges beyond the FIN of frame %u: expected %u (FIN seq %u + 1)%s",
        teardown_shown_ack(view, annotation->verdict.ack), annotation->peer_fin_frame,
        teardown_shown_ack(view, annotation->expected_ack), teardown_shown_ack(view, annotation->peer_fin_seq),
        annotation->ack_refused ? "; its sender sent the FIN again, not accepting it: no step 2" : "");
}

static const char *
ack_regressed_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;

    return wmem_strdup_printf(pinfo->pool,
        "Passive closer's FIN acknowledges %u, less than the %u it already acknowledged for the FIN of frame %u",
        teardown_shown_ack(view, annotation->verdict.ack), teardown_shown_ack(view, annotation->expected_ack),
        annotation->peer_fin_frame);
}

static const char *
seq_mismatch_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;

    return wmem_strdup_printf(pinfo->pool, "Step 4 has seq %u, expected %u (the FIN of frame %u at seq %u + 1)",
        teardown_shown_seq(view, annotation->verdict.seq), teardown_shown_seq(view, annotation->expected_seq),
        annotation->own_fin_frame, teardown_shown_seq(view, annotation->own_fin_seq));
}

static const char *
fin_seq_changed_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;

    return wmem_strdup_printf(pinfo->pool, "FIN at seq %u, but this endpoint's FIN of frame %u was at seq %u",
        teardown_shown_seq(view, annotation->end_seq), annotation->own_fin_frame,
        teardown_shown_seq(view, annotation->own_fin_seq));
}

static const char *
data_after_fin_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;

    return wmem_strdup_printf(pinfo->pool,
        "Data up to seq %u after this endpoint's FIN of frame %u at seq %u: expected nothing beyond %u",
        teardown_shown_seq(view, annotation->end_seq), annotation->own_fin_frame,
        teardown_shown_seq(view, annotation->own_fin_seq), teardown_shown_seq(view, annotation->expected_seq));
}

static const char *
fin_retransmission_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    return wmem_strdup_printf(pinfo->pool, "Retransmission of the FIN of frame %u (seq %u)",
        view->annotation.original_frame, teardown_shown_seq(view, view->annotation.own_fin_seq));
}

static const char *
reset_during_teardown_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;
    const char *cause = teardown_rst_cause_name((enum teardown_rst_cause)annotation->rst_cause);

    if (annotation->verdict.role == TEARDOWN_ROLE_PASSIVE)
        return wmem_strdup_printf(pinfo->pool,
            "The passive closer answered the FIN of frame %u with an RST instead of a FIN of its own "
            "(cause: %s): an abortive close, with nothing in flight", annotation->step1_frame, cause);
    return wmem_strdup_printf(pinfo->pool,
        "The active closer ended the teardown it began with the FIN of frame %u by an RST (cause: %s): "
        "an abortive close, with nothing in flight", annotation->step1_frame, cause);
}

static const char *
reset_discards_data_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;

    return wmem_strdup_printf(pinfo->pool, "RST during the teardown begun by the FIN of frame %u discards data %s",
        annotation->step1_frame,
        annotation->rst_discards == TEARDOWN_RST_DISCARDS_OWN ?
            "its sender had sent and its peer had not acknowledged" :
            "its peer had sent and its sender had not acknowledged (sent after its FIN, or never read)");
}

static const char *
half_close_data_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    return wmem_strdup_printf(pinfo->pool,
        "%u bytes from the passive closer after it acknowledged the FIN of frame %u (half-closed connection)",
        view->annotation.verdict.len, view->annotation.peer_fin_frame);
}

static const char *
rst_ttl_mismatch_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    struct endpoint_words who = endpoint_words(view, pinfo, view->annotation.verdict.endpoint);

    return wmem_strdup_printf(pinfo->pool,
        "RST claims to come from " ADDRESS_FORMAT ", but its %s %u differs from the %u of that endpoint's "
        "%u earlier segments: probably sent by a device on the path",
        ADDRESS_ARGS(who), hops_word(pinfo), view->rst->hops, view->rst->baseline_hops,
        view->rst->baseline_segments);
}

static const char *
rst_sender_alive_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    struct endpoint_words who = endpoint_words(view, pinfo, view->annotation.verdict.endpoint);

    return wmem_strdup_printf(pinfo->pool,
        ADDRESS_FORMAT " keeps sending after the RST of frame %u that claimed to come from it: "
        "that RST was probably not sent by " ADDRESS_FORMAT,
        ADDRESS_ARGS(who), view->annotation.rst_frame, ADDRESS_ARGS(who));
}

static const char *
idle_timer_close_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    return wmem_strdup_printf(pinfo->pool, "closed after %.1f s idle: matches an idle timer of %u s",
                              view->annotation.idle_ns / 1e9, view->annotation.idle_timer_s);
}

static const char *
slow_close_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;
    struct endpoint_words who = endpoint_words(view, pinfo, annotation->verdict.endpoint);

    return wmem_strdup_printf(pinfo->pool, ADDRESS_FORMAT " sent its FIN %.3f s after the FIN of frame %u (CLOSE-WAIT)%s",
        ADDRESS_ARGS(who), annotation->close_delay_ns / 1e9, annotation->peer_fin_frame,
        annotation->half_close_segments == 0 ? "" :
        wmem_strdup_printf(pinfo->pool, " while still sending %u data segment%s (half-close)",
                           annotation->half_close_segments, annotation->half_close_segments == 1 ? "" : "s"));
}

static const char *
close_wait_sentence(const struct teardown_view *view, packet_info *pinfo, bool sending)
{
    const struct teardown_annotation *annotation = &view->annotation;
    struct endpoint_words who = endpoint_words(view, pinfo, annotation->passive);

    if (sending)
        return wmem_strdup_printf(pinfo->pool,
            ENDPOINT_FORMAT " acknowledged the FIN of frame %u and was still sending data %.3f s later when the "
            "capture ended (CLOSE-WAIT: a half-close in progress)",
            ENDPOINT_ARGS(who), annotation->step1_frame, annotation->waiting_ns / 1e9);
    return wmem_strdup_printf(pinfo->pool,
        ENDPOINT_FORMAT " held CLOSE-WAIT %.3f s after acknowledging the FIN of frame %u, while the capture ran "
        "on: its application never closed (teardown.stuck_after: %g s)",
        ENDPOINT_ARGS(who), annotation->waiting_ns / 1e9, annotation->step1_frame,
        view->config.stuck_after_ns / 1e9);
}

static const char *
fin_unanswered_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    return wmem_strdup_printf(pinfo->pool,
        "The FIN of frame %u was never acknowledged in the %.3f s the capture ran on after it, though its "
        "sender sent again, with its peer's direction captured", view->annotation.step1_frame,
        view->annotation.waiting_ns / 1e9);
}

/* Why a teardown still under way at the end is no warning. */
static const char *
unfinished_at_end_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;
    const char *why;

    switch ((enum teardown_unfinished_why)annotation->unfinished_why) {
    case TEARDOWN_UNFINISHED_CLOSE_WAIT_SHORT:
        why = wmem_strdup_printf(pinfo->pool, "the passive closer had acknowledged the FIN and not sent its own "
                                 "(CLOSE-WAIT), for less than teardown.stuck_after (%g s)",
                                 view->config.stuck_after_ns / 1e9);
        break;
    case TEARDOWN_UNFINISHED_ACKED_BEYOND:
        why = "its only ACKs went beyond it: the ends disagree on sequence numbers (ack_beyond_fin)";
        break;
    default:
        why = "no ACK of the FIN was captured, and its sender never sent it again, as it would had none come";
        break;
    }
    if (annotation->unfinished_why == TEARDOWN_UNFINISHED_CLOSE_WAIT_SHORT)
        return wmem_strdup_printf(pinfo->pool, "Still under way %.3f s after this frame, when the capture ended: %s",
                                  annotation->waiting_ns / 1e9, why);
    return wmem_strdup_printf(pinfo->pool, "Still under way %.3f s after the FIN of frame %u, when the capture "
                              "ended: %s", annotation->waiting_ns / 1e9, annotation->step1_frame, why);
}

static const char *
direction_not_captured_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    struct endpoint_words who = endpoint_words(view, pinfo, view->annotation.passive);

    return wmem_strdup_printf(pinfo->pool,
        ENDPOINT_FORMAT " sent nothing this capture holds: its answer to the FIN of frame %u travels the other "
        "way, which was not captured (a one-way capture, asymmetric routing, a filter)",
        ENDPOINT_ARGS(who), view->annotation.step1_frame);
}

static const char *
reuse_in_time_wait_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_reuse *reuse = &view->reuse;
    bool holder_sent = reuse->holder_endpoint == teardown_read_sender(pinfo);
    struct endpoint_words holder = packet_endpoint_words(pinfo, holder_sent,
        (enum teardown_side)reuse->time_wait_holder, holder_sent ? pinfo->srcport : pinfo->destport);

    return wmem_strdup_printf(pinfo->pool,
        "Reuses the addresses and ports of stream %u %.3f s after its last segment, while "
        ENDPOINT_FORMAT " (which closed first) should still be in TIME-WAIT (%g s)",
        view->reuse_record->earlier_stream, reuse->gap_ns / 1e9, ENDPOINT_ARGS(holder),
        view->config.time_wait_ns / 1e9);
}

const char *
teardown_check_sentence(const struct teardown_view *view, packet_info *pinfo, enum teardown_check_index check)
{
    switch (check) {
    case TEARDOWN_CHECK_INDEX_ACK_BEYOND_FIN:        return ack_beyond_fin_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_ACK_REGRESSED:         return ack_regressed_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_SEQ_MISMATCH:          return seq_mismatch_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_FIN_SEQ_CHANGED:       return fin_seq_changed_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_DATA_AFTER_FIN:        return data_after_fin_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_FIN_WITHOUT_ACK:
        return "FIN without the ACK flag: expected ACK on every segment after the first";
    case TEARDOWN_CHECK_INDEX_FIN_RETRANSMISSION:    return fin_retransmission_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_RESET_DURING_TEARDOWN: return reset_during_teardown_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_RESET_DISCARDS_DATA:   return reset_discards_data_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_HALF_CLOSE_DATA:       return half_close_data_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_RST_TTL_MISMATCH:      return rst_ttl_mismatch_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_RST_SENDER_ALIVE:      return rst_sender_alive_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_IDLE_TIMER_CLOSE:      return idle_timer_close_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_SLOW_CLOSE:            return slow_close_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_CLOSE_WAIT_STUCK:      return close_wait_sentence(view, pinfo, false);
    case TEARDOWN_CHECK_INDEX_CLOSE_WAIT_SENDING:    return close_wait_sentence(view, pinfo, true);
    case TEARDOWN_CHECK_INDEX_FIN_UNANSWERED:        return fin_unanswered_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_UNFINISHED_AT_END:     return unfinished_at_end_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_DIRECTION_NOT_CAPTURED: return direction_not_captured_sentence(view, pinfo);
    case TEARDOWN_CHECK_INDEX_REUSE_IN_TIME_WAIT:    return reuse_in_time_wait_sentence(view, pinfo);
    case TEARDOWN_CHECK_COUNT:
        break;
    }
    return "";
}

const char *
teardown_rst_origin_sentence(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *annotation = &view->annotation;
    const struct teardown_rst_verdict *rst = view->rst;
    const char *hops = hops_word(pinfo);

    if (annotation->alive_frame != 0)
        return wmem_strdup_printf(pinfo->pool, "path: its purported sender kept sending after it (frame %u)",
                                  annotation->alive_frame);
    switch ((enum teardown_rst_unknown)annotation->rst_unknown) {
    case TEARDOWN_RST_UNKNOWN_HOPS:
        return wmem_strdup_printf(pinfo->pool, "unknown: the RST's %s could not be read", hops);
    case TEARDOWN_RST_UNKNOWN_FEW:
        return wmem_strdup_printf(pinfo->pool,
            "unknown: its sender sent %u segment%s before it, too few to know its usual %s",
            rst->baseline_segments, rst->baseline_segments == 1 ? "" : "s", hops);
    case TEARDOWN_RST_UNKNOWN_UNSTABLE:
        return wmem_strdup_printf(pinfo->pool, "unknown: its sender's %u earlier segments came with different %ss",
                                  rst->baseline_segments, hops);
    case TEARDOWN_RST_KNOWN:
        break;
    }
    if (annotation->rst_origin == TEARDOWN_RST_ORIGIN_PATH)
        return wmem_strdup_printf(pinfo->pool, "path: %s %u, where its sender's %u earlier segments had %u",
                                  hops, rst->hops, rst->baseline_segments, rst->baseline_hops);
    return wmem_strdup_printf(pinfo->pool, "endpoint: %s %u, as on its sender's %u earlier segments",
                              hops, rst->hops, rst->baseline_segments);
}

const char *
teardown_unjudged_sentence(enum teardown_unjudged unjudged, uint32_t original, packet_info *pinfo,
                           const char **brief)
{
    struct endpoint_words socket;

    if (unjudged == TEARDOWN_UNJUDGED_COPY) {
        *brief = wmem_strdup_printf(pinfo->pool, "copy of frame %u", original);
        return wmem_strdup_printf(pinfo->pool,
            "Copy of frame %u: the same packet captured again at another point (several interfaces, both ports "
            "of a switch); no new segment", original);
    }
    if (unjudged == TEARDOWN_UNJUDGED_SELF_CONNECTED) {
        socket = packet_endpoint_words(pinfo, true, TEARDOWN_SIDE_UNKNOWN, pinfo->srcport);
        *brief = "socket connected to itself";
        return wmem_strdup_printf(pinfo->pool,
            "Socket connected to itself (" ADDRESS_FORMAT " on both ends): one endpoint, so no steps, roles, "
            "client or server", ADDRESS_ARGS(socket));
    }
    *brief = "FIN not judged";
    return "FIN not judged: the segment's payload carries another IP header, which took over the "
           "packet's addresses, so its sender is unknown";
}
