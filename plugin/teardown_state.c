/* teardown_state.c: the TCP teardown state machine (steps, roles, patterns,
 * seq/ack checks), as doc/behaviour.md describes them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_state.h"
#include "teardown_settings.h"

#include <stdio.h>
#include <string.h>

_Static_assert(TEARDOWN_PATTERN_COUNT <= 1 << 4, "teardown_stream.pattern holds every pattern");

/* a - b as a signed 32-bit distance: sequence space wraps (RFC 9293 §3.4). */
static int64_t
seq_distance(uint32_t a, uint32_t b)
{
    int64_t distance = (uint32_t)(a - b);

    return distance >= INT64_C(0x80000000) ? distance - INT64_C(0x100000000) : distance;
}

static bool
ack_covers(const struct teardown_segment *segment, uint32_t fin_seq)
{
    return (segment->flags & TEARDOWN_TH_ACK) &&
           seq_distance(segment->ack, fin_seq + 1) >= 0;
}

void
teardown_stream_init(struct teardown_stream *stream)
{
    memset(stream, 0, sizeof *stream);
    stream->client = TEARDOWN_NO_ENDPOINT;
    stream->syn_sender = TEARDOWN_NO_ENDPOINT;
    stream->active = TEARDOWN_NO_ENDPOINT;
}

static enum teardown_side
side_of(const struct teardown_stream *stream, uint8_t endpoint)
{
    if (stream->client == TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_SIDE_UNKNOWN;
    return endpoint == stream->client ? TEARDOWN_SIDE_CLIENT : TEARDOWN_SIDE_SERVER;
}

static enum teardown_role
role_of(const struct teardown_stream *stream, uint8_t endpoint)
{
    if (stream->active == TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_ROLE_NONE;
    return endpoint == stream->active || stream->simultaneous ?
           TEARDOWN_ROLE_ACTIVE : TEARDOWN_ROLE_PASSIVE;
}

/* The endpoint that opened the connection: the SYN's sender, or else the
 * SYN+ACK's receiver, once either was seen. */
static uint8_t
opener_of(const struct teardown_stream *stream)
{
    if (stream->syn_sender != TEARDOWN_NO_ENDPOINT)
        return stream->syn_sender;
    return stream->synack_seen ? stream->client : TEARDOWN_NO_ENDPOINT;
}

/* RFC 9293 §3.5: the opener is SYN-SENT until the SYN+ACK arrives; the
 * other end is SYN-RECEIVED from its SYN+ACK until the handshake's ACK.
 * Without a handshake in the capture, the connection is taken as
 * established. */
static enum teardown_tcp_state
handshake_state(const struct teardown_stream *stream, uint8_t endpoint)
{
    uint8_t opener = opener_of(stream);

    if (opener == TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_STATE_ESTABLISHED;  /* it began before the capture */
    if (endpoint == opener)
        return stream->synack_seen ? TEARDOWN_STATE_ESTABLISHED : TEARDOWN_STATE_SYN_SENT;
    return stream->synack_seen ? TEARDOWN_STATE_SYN_RECEIVED : TEARDOWN_STATE_CLOSED;
}

/* A segment other than SYN or RST completes the handshake when the opener
 * sends it (its SYN+ACK may just have missed the capture), or when the
 * SYN+ACK was seen; with no handshake seen, the connection began before the
 * capture did. */
static void
note_established(struct teardown_stream *stream, uint8_t sender)
{
    uint8_t opener = opener_of(stream);

    if (opener == TEARDOWN_NO_ENDPOINT || sender == opener || stream->synack_seen)
        stream->established = true;
}

/* What the capture point knows of an endpoint's state: the FINs each side
 * has sent, which of them were acknowledged, and who closed first. */
static enum teardown_tcp_state
endpoint_state(const struct teardown_stream *stream, uint8_t endpoint)
{
    const struct teardown_endpoint *own = &stream->endpoint[endpoint];
    bool fin_sent = own->fin_frame != 0;
    bool fin_received = stream->endpoint[endpoint ^ 1].fin_frame != 0;
    bool fin_acked = own->ack_frame != 0;

    if (stream->ended)
        return TEARDOWN_STATE_CLOSED;
    if (!fin_sent && !fin_received)
        return stream->established ? TEARDOWN_STATE_ESTABLISHED : handshake_state(stream, endpoint);
    if (!fin_sent)
        return TEARDOWN_STATE_CLOSE_WAIT;
    if (!fin_received)
        return fin_acked ? TEARDOWN_STATE_FIN_WAIT_2 : TEARDOWN_STATE_FIN_WAIT_1;
    if (role_of(stream, endpoint) == TEARDOWN_ROLE_ACTIVE)
        return fin_acked ? TEARDOWN_STATE_TIME_WAIT : TEARDOWN_STATE_CLOSING;
    return fin_acked ? TEARDOWN_STATE_CLOSED : TEARDOWN_STATE_LAST_ACK;
}

/* Without a handshake in the capture, a well-known port marks the server. */
static void
infer_client_from_ports(struct teardown_stream *stream)
{
    bool low0 = stream->endpoint[0].port < TEARDOWN_WELL_KNOWN_PORT_END;
    bool low1 = stream->endpoint[1].port < TEARDOWN_WELL_KNOWN_PORT_END;

    if (stream->client != TEARDOWN_NO_ENDPOINT || low0 == low1)
        return;
    stream->client = low0 ? 1 : 0;
    stream->initiator_by_port = true;
}

/* SYNs name the client, until a teardown has begun: a SYN then changes
 * nothing (a new connection starts over only once this one has ended). */
static void
note_handshake(struct teardown_stream *stream, const struct teardown_segment *segment)
{
    if (stream->active != TEARDOWN_NO_ENDPOINT)
        return;
    if (!(segment->flags & TEARDOWN_TH_ACK)) {
        /* The first SYN names the client, even in a simultaneous open. */
        if (stream->syn_sender == TEARDOWN_NO_ENDPOINT) {
            stream->syn_sender = segment->endpoint;
            stream->client = segment->endpoint;
        }
        return;
    }
    stream->synack_seen = true;
    if (stream->syn_sender == TEARDOWN_NO_ENDPOINT)
        stream->client = segment->endpoint ^ 1;
}

static void
begin_verdict(const struct teardown_stream *stream, const struct teardown_segment *segment,
              struct teardown_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->endpoint = segment->endpoint;
    out->seq = segment->seq;
    out->ack = segment->ack;
    out->len = segment->len;
    out->sender_side = side_of(stream, segment->endpoint);
    out->state_before[0] = endpoint_state(stream, 0);
    out->state_before[1] = endpoint_state(stream, 1);
}

/* What every segment without RST tells about its sender, for judging a
 * later RST: its hop signature, how far it has sent, and whether it was
 * re-sending payload or probing with a keep-alive (RFC 9293 §3.8.4: one
 * byte, or none, at the sequence number before the next). */
static void
note_sender(struct teardown_stream *stream, const struct teardown_segment *segment)
{
    struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];
    bool syn_or_fin = segment->flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_FIN);
    uint32_t end = segment->seq + segment->len + (syn_or_fin ? 1 : 0);
    bool after_idle = stream->seen_any &&
                      teardown_time_since(segment->time_ns, stream->last_time_ns) >= TEARDOWN_IDLE_NS;

    own->keep_alive = own->sent_any && !syn_or_fin && segment->len <= 1 &&
                      segment->seq == own->next_seq - 1 && after_idle;
    if (own->keep_alive || segment->len == 0 || !own->sent_any ||
        seq_distance(segment->seq + segment->len, own->next_seq) > 0)
        own->retransmissions = 0;
    else if (own->retransmissions < UINT8_MAX)
        own->retransmissions++;
    if (!own->sent_any || seq_distance(end, own->next_seq) > 0)
        own->next_seq = end;
    own->sent_any = true;

    if (segment->hops_known) {
        if (own->hop_segments == 0)
            own->hops = segment->hops;
        else if (own->hops != segment->hops)
            own->hops_unstable = true;
        if (own->hop_segments < UINT16_MAX)
            own->hop_segments++;
    }
}

/* A real endpoint that reset a connection sends nothing more on it: data,
 * a FIN, or an ACK of more than its RST acknowledged show it alive. */
static bool
shows_alive(const struct teardown_endpoint *own, const struct teardown_segment *segment)
{
    if (own->rst_frame == 0 || own->alive_frame != 0 ||
        (segment->flags & (TEARDOWN_TH_RST | TEARDOWN_TH_SYN)))
        return false;
    return segment->len > 0 || (segment->flags & TEARDOWN_TH_FIN) ||
           (own->rst_had_ack && (segment->flags & TEARDOWN_TH_ACK) &&
            seq_distance(segment->ack, own->rst_ack) > 0);
}

/* What came just before an RST (the stream as it was before it), the first
 * cause that applies. */
static enum teardown_rst_cause
rst_cause(const struct teardown_stream *stream, const struct teardown_segment *segment,
          enum teardown_pattern pattern)
{
    const struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];
    const struct teardown_endpoint *peer = &stream->endpoint[segment->endpoint ^ 1];

    if (pattern == TEARDOWN_PATTERN_REFUSED)
        return TEARDOWN_RST_CAUSE_REFUSED;
    if (pattern == TEARDOWN_PATTERN_ABANDONED)
        return TEARDOWN_RST_CAUSE_ABANDONED;
    if (own->ack_frame != 0 || stream->pattern != TEARDOWN_PATTERN_NONE || stream->ended)
        return TEARDOWN_RST_CAUSE_AFTER_CLOSE;
    if (peer->keep_alive)
        return TEARDOWN_RST_CAUSE_KEEP_ALIVE;
    if (own->retransmissions >= 2)
        return TEARDOWN_RST_CAUSE_RETRANSMISSIONS;
    if (stream->seen_any &&
        teardown_time_since(segment->time_ns, stream->last_time_ns) >= TEARDOWN_IDLE_NS)
        return TEARDOWN_RST_CAUSE_IDLE;
    return TEARDOWN_RST_CAUSE_ABORT;
}

/* Any RST: its hop signature against its sender's baseline (two or more
 * earlier segments without RST, all alike), and what came before it.  Its
 * sender's first RST is remembered, to see whether the sender lives on. */
static void
judge_rst(struct teardown_stream *stream, const struct teardown_segment *segment,
          enum teardown_pattern pattern, struct teardown_verdict *out,
          struct teardown_rst_verdict *rst)
{
    struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];

    memset(rst, 0, sizeof *rst);
    rst->hops_known = segment->hops_known;
    rst->hops = segment->hops;
    rst->baseline_known = own->hop_segments >= 2 && !own->hops_unstable;
    rst->baseline_hops = own->hops;
    rst->baseline_segments = own->hop_segments;
    if (!rst->baseline_known || !rst->hops_known)
        rst->origin = TEARDOWN_RST_ORIGIN_UNKNOWN;
    else if (rst->hops != rst->baseline_hops)
        rst->origin = TEARDOWN_RST_ORIGIN_PATH;
    else
        rst->origin = TEARDOWN_RST_ORIGIN_ENDPOINT;
    rst->cause = rst_cause(stream, segment, pattern);

    out->rst = true;
    if (rst->origin == TEARDOWN_RST_ORIGIN_PATH)
        out->checks |= TEARDOWN_CHECK_RST_TTL_MISMATCH;
    if (own->rst_frame == 0) {
        own->rst_frame = segment->frame;
        own->rst_had_ack = segment->flags & TEARDOWN_TH_ACK;
        own->rst_ack = segment->ack;
    }
}

/* After the end of a connection, until a new one starts over: RSTs still
 * get their origin, and a segment may show an RST's sender alive. */
static bool
update_after_end(struct teardown_stream *stream, const struct teardown_segment *segment,
                 struct teardown_verdict *out, struct teardown_rst_verdict *rst)
{
    struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];

    if (segment->flags & TEARDOWN_TH_SYN)
        return false;
    if (segment->flags & TEARDOWN_TH_RST) {
        begin_verdict(stream, segment, out);
        judge_rst(stream, segment, TEARDOWN_PATTERN_NONE, out, rst);
    } else if (shows_alive(own, segment)) {
        own->alive_frame = segment->frame;
        begin_verdict(stream, segment, out);
        out->checks = TEARDOWN_CHECK_RST_SENDER_ALIVE;
    } else {
        return false;
    }
    out->state_after[0] = out->state_before[0];
    out->state_after[1] = out->state_before[1];
    return true;
}

/* An RST ends the stream; it is annotated unless the teardown had already
 * completed.  Before any FIN, what it ended depends on the handshake: an
 * attempt refused by the SYN's receiver or abandoned by its sender while
 * that sender had sent nothing but SYNs and no SYN+ACK was seen; else an
 * abort of a connection that was, or must have been, established. */
static void
handle_reset(struct teardown_stream *stream, const struct teardown_segment *segment,
             struct teardown_verdict *out, struct teardown_rst_verdict *rst)
{
    uint8_t sender = segment->endpoint;
    enum teardown_pattern pattern;

    begin_verdict(stream, segment, out);
    if (stream->active != TEARDOWN_NO_ENDPOINT) {
        if (stream->pattern != TEARDOWN_PATTERN_NONE) {
            /* After a completed teardown: no pattern, role or step. */
            judge_rst(stream, segment, TEARDOWN_PATTERN_NONE, out, rst);
            out->state_after[0] = out->state_before[0];
            out->state_after[1] = out->state_before[1];
            stream->ended = true;
            return;
        }
        pattern = TEARDOWN_PATTERN_RESET;
    } else if (!stream->established && !stream->synack_seen &&
               stream->syn_sender != TEARDOWN_NO_ENDPOINT) {
        pattern = sender == stream->syn_sender ? TEARDOWN_PATTERN_ABANDONED : TEARDOWN_PATTERN_REFUSED;
    } else {
        pattern = TEARDOWN_PATTERN_ABORT;
        infer_client_from_ports(stream);
        out->sender_side = side_of(stream, sender);
    }

    judge_rst(stream, segment, pattern, out, rst);
    if ((pattern == TEARDOWN_PATTERN_RESET || pattern == TEARDOWN_PATTERN_ABORT) && stream->seen_any) {
        stream->end_idle_known = true;
        stream->end_idle_ns = teardown_time_since(segment->time_ns, stream->last_time_ns);
    }
    stream->ended = true;
    stream->pattern = pattern;
    out->pattern = pattern;
    out->state_after[0] = out->state_after[1] = TEARDOWN_STATE_CLOSED;
    if (pattern == TEARDOWN_PATTERN_RESET) {
        out->segments = ++stream->teardown_segments;
        out->role = role_of(stream, sender);
        out->checks |= TEARDOWN_CHECK_RESET_DURING_TEARDOWN;
    } else {
        out->segments = 1;
        /* Whoever resets an unclosed connection tears it down. */
        stream->initiator = side_of(stream, sender);
        out->role = TEARDOWN_ROLE_ACTIVE;
        out->sender_side = stream->initiator;
    }
}

/* A FIN: step 1, step 3, a retransmission, or a FIN that moved.  Returns
 * whether it is a retransmission. */
static bool
handle_fin(struct teardown_stream *stream, const struct teardown_segment *segment,
           bool first_segment, struct teardown_verdict *out)
{
    uint8_t sender = segment->endpoint;
    struct teardown_endpoint *own = &stream->endpoint[sender];
    const struct teardown_endpoint *peer = &stream->endpoint[sender ^ 1];
    uint32_t fin_seq = segment->seq + segment->len;

    if (!(segment->flags & TEARDOWN_TH_ACK) && !first_segment)
        out->checks |= TEARDOWN_CHECK_FIN_WITHOUT_ACK;

    if (own->fin_frame != 0) {
        if (fin_seq == own->fin_seq) {
            out->retransmission = true;
            out->steps |= TEARDOWN_STEP(own->fin_step);
            out->checks |= TEARDOWN_CHECK_FIN_RETRANSMISSION;
        } else {
            out->checks |= TEARDOWN_CHECK_FIN_SEQ_CHANGED;
        }
    } else if (stream->active == TEARDOWN_NO_ENDPOINT) {
        stream->active = sender;
        stream->step1_time_ns = segment->time_ns;
        stream->step1_idle_known = stream->seen_any;
        if (stream->seen_any)
            stream->step1_idle_ns = teardown_time_since(segment->time_ns, stream->last_time_ns);
        infer_client_from_ports(stream);
        stream->initiator = side_of(stream, sender);
        own->fin_step = 1;
        out->sender_side = stream->initiator;
    } else {
        own->fin_step = 3;
        stream->step3_frame = segment->frame;
        stream->step3_time_ns = segment->time_ns;
        /* A FIN sent before its sender saw the other one: both close, and
         * the sender was never in CLOSE-WAIT, whatever the capture point
         * assumed when it saw the first FIN go by. */
        if (stream->step2_frame == 0 && !ack_covers(segment, peer->fin_seq)) {
            stream->simultaneous = true;
            out->state_before[sender] = TEARDOWN_STATE_ESTABLISHED;
        }
    }
    if (own->fin_frame == 0) {
        own->fin_seq = fin_seq;
        own->fin_frame = segment->frame;
        out->steps |= TEARDOWN_STEP(own->fin_step);
    }

    if (role_of(stream, sender) == TEARDOWN_ROLE_PASSIVE && stream->step2_frame != 0 &&
        (segment->flags & TEARDOWN_TH_ACK) &&
        seq_distance(segment->ack, peer->fin_seq + 1) < 0)
        out->checks |= TEARDOWN_CHECK_ACK_REGRESSED;
    return out->retransmission;
}

/* An ACK: step 2 or 4 when it first covers the other endpoint's FIN.  A FIN
 * sent in the same segment is handled first: a step 4 riding on a
 * retransmission of the sender's own FIN is no sequence mismatch. */
static void
handle_ack(struct teardown_stream *stream, const struct teardown_segment *segment,
           bool fin_retransmission, struct teardown_verdict *out)
{
    uint8_t sender = segment->endpoint;
    const struct teardown_endpoint *own = &stream->endpoint[sender];
    struct teardown_endpoint *peer = &stream->endpoint[sender ^ 1];
    int64_t beyond;

    if (peer->fin_frame == 0)
        return;
    beyond = seq_distance(segment->ack, peer->fin_seq + 1);
    /* Later ACKs beyond the same FIN repeat the same news. */
    if (beyond > 0 && !peer->acked_beyond) {
        peer->acked_beyond = true;
        out->checks |= TEARDOWN_CHECK_ACK_BEYOND_FIN;
    }
    if (beyond < 0 || peer->ack_frame != 0)
        return;

    peer->ack_frame = segment->frame;
    if (peer->fin_step == 1) {
        stream->step2_frame = segment->frame;
        out->steps |= TEARDOWN_STEP(2);
        return;
    }
    out->steps |= TEARDOWN_STEP(4);
    if (segment->seq != own->fin_seq + 1 && !fin_retransmission)
        out->checks |= TEARDOWN_CHECK_SEQ_MISMATCH;
}

static void
check_data_after_fin(const struct teardown_stream *stream,
                     const struct teardown_segment *segment,
                     struct teardown_verdict *out)
{
    const struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];

    if (own->fin_frame != 0 && segment->len > 0 &&
        seq_distance(segment->seq + segment->len, own->fin_seq + 1) > 0)
        out->checks |= TEARDOWN_CHECK_DATA_AFTER_FIN;
}

/* Data the passive closer still sends after acknowledging the FIN (RFC 9293
 * §3.6: a half-closed connection) is normal, yet worth pointing at.  Judged
 * before the segment's own FIN is: data riding on step 3 is not half-close. */
static void
check_half_close(struct teardown_stream *stream,
                 const struct teardown_segment *segment,
                 struct teardown_verdict *out)
{
    if (segment->len > 0 && !(segment->flags & TEARDOWN_TH_FIN) &&
        role_of(stream, segment->endpoint) == TEARDOWN_ROLE_PASSIVE &&
        stream->step2_frame != 0 && stream->step2_frame != segment->frame &&
        stream->endpoint[segment->endpoint].fin_frame == 0) {
        out->half_close = true;
        out->checks |= TEARDOWN_CHECK_HALF_CLOSE_DATA;
        stream->half_close_segments++;
        stream->half_close_last_ns = segment->time_ns;
    }
}

static void
check_completion(struct teardown_stream *stream, struct teardown_verdict *out)
{
    if (stream->pattern != TEARDOWN_PATTERN_NONE ||
        stream->endpoint[0].ack_frame == 0 || stream->endpoint[1].ack_frame == 0)
        return;
    if (stream->simultaneous)
        stream->pattern = TEARDOWN_PATTERN_SIMULTANEOUS;
    else if (stream->step2_frame == stream->step3_frame)
        stream->pattern = TEARDOWN_PATTERN_THREE_WAY;
    else
        stream->pattern = TEARDOWN_PATTERN_FOUR_WAY;
    out->pattern = stream->pattern;
    out->segments = stream->teardown_segments;
}

static bool
update_connection(struct teardown_stream *stream, const struct teardown_segment *segment,
                  struct teardown_verdict *out, struct teardown_rst_verdict *rst)
{
    uint8_t sender = segment->endpoint;
    bool first_segment = !stream->seen_any;
    bool closing_segment = segment->flags & (TEARDOWN_TH_FIN | TEARDOWN_TH_RST);
    bool fin_retransmission = false;

    if (stream->ended)
        return update_after_end(stream, segment, out, rst);
    /* A SYN is never a step and ends nothing, whatever else it carries. */
    if (segment->flags & TEARDOWN_TH_SYN) {
        if (!(segment->flags & TEARDOWN_TH_RST)) {
            note_sender(stream, segment);
            note_handshake(stream, segment);
        }
        return false;
    }
    if (segment->flags & TEARDOWN_TH_RST) {
        handle_reset(stream, segment, out, rst);
        return true;
    }
    note_sender(stream, segment);
    if (stream->active == TEARDOWN_NO_ENDPOINT && !closing_segment) {
        note_established(stream, sender);
        return false;
    }

    /* In this order: each step reads what the ones before it decided. */
    begin_verdict(stream, segment, out);
    note_established(stream, sender);
    check_half_close(stream, segment, out);
    if (segment->flags & TEARDOWN_TH_FIN)
        fin_retransmission = handle_fin(stream, segment, first_segment, out);
    if (stream->active != TEARDOWN_NO_ENDPOINT)
        stream->teardown_segments++;
    if (segment->flags & TEARDOWN_TH_ACK)
        handle_ack(stream, segment, fin_retransmission, out);
    check_data_after_fin(stream, segment, out);
    check_completion(stream, out);

    if (out->steps != 0)
        stream->last_step_frame = segment->frame;
    if (out->steps == 0 && out->checks == 0 && out->pattern == TEARDOWN_PATTERN_NONE)
        return false;
    out->role = role_of(stream, sender);
    out->state_after[0] = endpoint_state(stream, 0);
    out->state_after[1] = endpoint_state(stream, 1);
    return true;
}

/* The first segment from the receiver of the SYN that opened the connection
 * answers it: a SYN+ACK accepts it, an RST refuses it, and anything else
 * (a bare ACK) acknowledges a connection the receiver still knows, such as
 * one in TIME-WAIT (RFC 9293 §3.10.7.4, RFC 5961 §4). */
static void
note_syn_answer(struct teardown_stream *stream, const struct teardown_segment *segment)
{
    if (stream->syn_sender == TEARDOWN_NO_ENDPOINT || segment->endpoint == stream->syn_sender ||
        stream->syn_answer != TEARDOWN_SYN_ANSWER_NONE)
        return;
    if (segment->flags & TEARDOWN_TH_RST)
        stream->syn_answer = TEARDOWN_SYN_ANSWER_RESET;
    else if (segment->flags & TEARDOWN_TH_SYN)
        stream->syn_answer = TEARDOWN_SYN_ANSWER_ACCEPTED;
    else
        stream->syn_answer = TEARDOWN_SYN_ANSWER_CHALLENGE_ACK;
}

bool
teardown_stream_update(struct teardown_stream *stream,
                       const struct teardown_segment *segment,
                       struct teardown_verdict *out,
                       struct teardown_rst_verdict *rst_out)
{
    bool ended_before = stream->ended;
    bool annotated;

    if (segment->endpoint > 1)
        return false;
    if (!stream->seen_any) {
        stream->endpoint[segment->endpoint].port = segment->src_port;
        stream->endpoint[segment->endpoint ^ 1].port = segment->dst_port;
    }
    if (!ended_before)
        note_syn_answer(stream, segment);
    /* Judged against the stream as it was: the time since the previous
     * segment, for one, is measured before this one counts.  After the end
     * nothing is measured in time. */
    annotated = update_connection(stream, segment, out, rst_out);
    if (!ended_before) {
        stream->seen_any = true;
        stream->last_time_ns = segment->time_ns;
    }
    return annotated;
}

/* A frame number as known when the segment of frame `now` was fed. */
static uint32_t
known_at(uint32_t frame, uint32_t now)
{
    return frame <= now ? frame : 0;
}

/* How long each side took, and how long the stream was idle before it
 * closed: from the times the stream keeps and this frame's. */
static void
expand_times(const struct teardown_stream *stream, const struct teardown_verdict *verdict,
             uint32_t frame, int64_t time_ns, const struct teardown_config *config,
             struct teardown_annotation *out)
{
    bool first_transmission = !verdict->retransmission;

    if ((verdict->steps & TEARDOWN_STEP(1)) && first_transmission && stream->step1_idle_known) {
        out->idle_known = true;
        out->idle_ns = stream->step1_idle_ns;
    }
    if (verdict->rst && stream->end_idle_known &&
        (verdict->pattern == TEARDOWN_PATTERN_RESET || verdict->pattern == TEARDOWN_PATTERN_ABORT)) {
        out->idle_known = true;
        out->idle_ns = stream->end_idle_ns;
    }
    if (out->idle_known) {
        out->idle_timer_s = teardown_idle_timer(out->idle_ns, config);
        if (out->idle_timer_s != 0)
            out->checks |= TEARDOWN_CHECK_IDLE_TIMER_CLOSE;
    }
    if (out->step1_frame == 0)
        return;
    if (verdict->steps & TEARDOWN_STEP(2))
        out->ack_delay_ns = teardown_time_since(time_ns, stream->step1_time_ns);
    if ((verdict->steps & TEARDOWN_STEP(3)) && first_transmission && !stream->simultaneous &&
        stream->step3_frame == frame) {
        out->close_delay_known = true;
        out->close_delay_ns = teardown_time_since(time_ns, stream->step1_time_ns);
        out->half_close_segments = stream->half_close_segments;
        if (out->close_delay_ns >= config->slow_close_ns)
            out->checks |= TEARDOWN_CHECK_SLOW_CLOSE;
    }
    if (verdict->steps & TEARDOWN_STEP(4))
        out->last_ack_delay_ns = teardown_time_since(time_ns, stream->step3_time_ns);
}

/* The last step frame of a teardown that never completed, once the whole
 * capture was read: how long it stayed unfinished, and where it stopped.
 * A passive closer that acknowledged the FIN and never sent its own is in
 * CLOSE-WAIT: hung, unless it was still sending data near the end. */
static void
expand_unfinished(const struct teardown_stream *stream, uint32_t frame, int64_t time_ns,
                  const struct teardown_config *config, struct teardown_annotation *out)
{
    const struct teardown_endpoint *active;

    if (!config->capture_end_known || frame != stream->last_step_frame || stream->ended ||
        stream->pattern != TEARDOWN_PATTERN_NONE || stream->active == TEARDOWN_NO_ENDPOINT)
        return;
    active = &stream->endpoint[stream->active];
    out->unfinished_known = true;
    out->unfinished_ns = teardown_time_since(config->capture_end_ns, time_ns);
    if (out->unfinished_ns < config->slow_close_ns || stream->step3_frame != 0)
        return;
    if (active->ack_frame == 0)
        out->checks |= TEARDOWN_CHECK_FIN_UNANSWERED;
    else if (stream->half_close_segments > 0 &&
             teardown_time_since(config->capture_end_ns, stream->half_close_last_ns) <= config->slow_close_ns)
        out->checks |= TEARDOWN_CHECK_CLOSE_WAIT_SENDING;
    else
        out->checks |= TEARDOWN_CHECK_CLOSE_WAIT_STUCK;
}

void
teardown_reuse_judge(const struct teardown_stream *earlier,
                     const struct teardown_stream *later, int64_t syn_time_ns,
                     const struct teardown_config *config, struct teardown_reuse *out)
{
    memset(out, 0, sizeof *out);
    out->gap_ns = teardown_time_since(syn_time_ns, earlier->last_time_ns);
    out->answer = later->syn_answer;
    out->answer_known = config->capture_end_known;
    if (!teardown_pattern_graceful((enum teardown_pattern)earlier->pattern))
        return;
    out->holder_known = true;
    out->holder_endpoint = earlier->active;
    out->time_wait_holder = side_of(earlier, earlier->active);
    /* A clock that went backwards tells nothing of the gap. */
    if (out->gap_ns >= 0 && out->gap_ns < config->time_wait_ns)
        out->checks = TEARDOWN_CHECK_REUSE_IN_TIME_WAIT;
}

uint32_t
teardown_idle_timer(int64_t idle_ns, const struct teardown_config *config)
{
    if (idle_ns < TEARDOWN_IDLE_NS)
        return 0;
    for (size_t i = 0; i < config->idle_timer_count; i++) {
        int64_t timer_ns = (int64_t)config->idle_timers_s[i] * 1000000000;
        int64_t tolerance_ns = timer_ns / 100 * TEARDOWN_IDLE_TOLERANCE_PERCENT;
        int64_t off_ns = idle_ns > timer_ns ? idle_ns - timer_ns : timer_ns - idle_ns;

        if (tolerance_ns < TEARDOWN_IDLE_TOLERANCE_MIN_MS * INT64_C(1000000))
            tolerance_ns = TEARDOWN_IDLE_TOLERANCE_MIN_MS * INT64_C(1000000);

        if (off_ns <= tolerance_ns)
            return config->idle_timers_s[i];
    }
    return 0;
}

void
teardown_verdict_expand(const struct teardown_stream *stream,
                        const struct teardown_verdict *verdict,
                        const struct teardown_rst_verdict *rst,
                        uint32_t frame, int64_t time_ns,
                        const struct teardown_config *config,
                        struct teardown_annotation *out)
{
    const struct teardown_endpoint *own = &stream->endpoint[verdict->endpoint];
    const struct teardown_endpoint *peer = &stream->endpoint[verdict->endpoint ^ 1];
    bool has_step1 = stream->active != TEARDOWN_NO_ENDPOINT &&
                     known_at(stream->endpoint[stream->active].fin_frame, frame) != 0;

    memset(out, 0, sizeof *out);
    out->verdict = *verdict;
    out->checks = verdict->checks;
    out->initiator = stream->initiator;
    out->initiator_by_port = stream->initiator_by_port;
    out->closer = has_step1 ? stream->active : verdict->endpoint;
    out->port[0] = stream->endpoint[0].port;
    out->port[1] = stream->endpoint[1].port;
    out->own_fin_frame = known_at(own->fin_frame, frame);
    out->own_fin_seq = out->own_fin_frame != 0 ? own->fin_seq : 0;
    out->peer_fin_frame = known_at(peer->fin_frame, frame);
    out->peer_fin_seq = out->peer_fin_frame != 0 ? peer->fin_seq : 0;
    if (verdict->steps & TEARDOWN_ACK_STEPS)
        out->fin_frame = out->peer_fin_frame;
    if (verdict->steps & TEARDOWN_FIN_STEPS)
        out->ack_frame = own->ack_frame;
    if (verdict->retransmission)
        out->original_frame = out->own_fin_frame;
    if (verdict->checks & TEARDOWN_CHECK_RST_SENDER_ALIVE)
        out->rst_frame = known_at(own->rst_frame, frame);
    if (verdict->rst && rst != NULL) {
        out->rst_cause = rst->cause;
        out->rst_origin = rst->origin;
        /* A sender alive after its first RST did not send it. */
        if (own->rst_frame == frame && own->alive_frame != 0) {
            out->alive_frame = own->alive_frame;
            out->rst_origin = TEARDOWN_RST_ORIGIN_PATH;
        }
    }
    if (has_step1) {
        out->step1_frame = stream->endpoint[stream->active].fin_frame;
        if ((verdict->steps & TEARDOWN_STEP(4)) || verdict->pattern != TEARDOWN_PATTERN_NONE)
            out->duration_ns = teardown_time_since(time_ns, stream->step1_time_ns);
    }
    expand_times(stream, verdict, frame, time_ns, config, out);
    expand_unfinished(stream, frame, time_ns, config, out);
}

bool
teardown_stream_starts_over(const struct teardown_stream *stream, uint16_t flags)
{
    return teardown_segment_opens(flags) && stream->pattern != TEARDOWN_PATTERN_NONE;
}

bool
teardown_segment_opens(uint16_t flags)
{
    return (flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_ACK | TEARDOWN_TH_RST)) == TEARDOWN_TH_SYN;
}

/* Before the end every segment counts (hop signatures, keep-alives,
 * retransmissions, time); after it, RSTs, a SYN starting over, and while an
 * RST's sender has not been seen alive, that sender's segments. */
bool
teardown_stream_ignores(const struct teardown_stream *stream, uint16_t flags)
{
    const struct teardown_endpoint *endpoint = stream->endpoint;
    bool awaiting_alive = (endpoint[0].rst_frame != 0 && endpoint[0].alive_frame == 0) ||
                          (endpoint[1].rst_frame != 0 && endpoint[1].alive_frame == 0);

    if (!stream->ended || (flags & TEARDOWN_TH_RST) || teardown_stream_starts_over(stream, flags))
        return false;
    return !awaiting_alive || (flags & TEARDOWN_TH_SYN);
}

enum teardown_pattern
teardown_stream_final_pattern(const struct teardown_stream *stream)
{
    if (stream->pattern == TEARDOWN_PATTERN_NONE && stream->active != TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_PATTERN_INCOMPLETE;
    return stream->pattern;
}

/* An RST leaves no TIME-WAIT behind (RFC 9293 §3.10.7.4). */
bool
teardown_pattern_graceful(enum teardown_pattern pattern)
{
    return pattern == TEARDOWN_PATTERN_FOUR_WAY || pattern == TEARDOWN_PATTERN_THREE_WAY ||
           pattern == TEARDOWN_PATTERN_SIMULTANEOUS;
}

enum teardown_side
teardown_annotation_side(const struct teardown_annotation *annotation, uint8_t endpoint)
{
    enum teardown_side sender = (enum teardown_side)annotation->verdict.sender_side;

    if (endpoint == annotation->verdict.endpoint || sender == TEARDOWN_SIDE_UNKNOWN)
        return sender;
    return sender == TEARDOWN_SIDE_CLIENT ? TEARDOWN_SIDE_SERVER : TEARDOWN_SIDE_CLIENT;
}

void
teardown_summary(const struct teardown_verdict *verdict, char *text, size_t size)
{
    char steps[sizeof "1+2+3+4/4"];
    const char *what = steps;
    size_t length = 0;
    bool pattern_too = verdict->steps != 0 && verdict->pattern != TEARDOWN_PATTERN_NONE;

    /* No part in a teardown: an RST after the end, or its sender alive. */
    if (verdict->role == TEARDOWN_ROLE_NONE) {
        snprintf(text, size, "%s", verdict->rst ? "RST after the end" : "RST's sender alive");
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
    snprintf(text, size, "%s%s, %s%s%s", what, verdict->retransmission ? " retransmission" : "",
             teardown_role_name((enum teardown_role)verdict->role), pattern_too ? ", " : "",
             pattern_too ? teardown_pattern_name((enum teardown_pattern)verdict->pattern) : "");
}

/* Times from pcapng files can lie anywhere in 64-bit seconds: nothing here
 * may overflow, so sums and differences stop at the ends of the range. */
int64_t
teardown_time_ns(int64_t secs, int32_t nsecs)
{
    int64_t ns;

    if (__builtin_mul_overflow(secs, INT64_C(1000000000), &ns))
        return secs > 0 ? INT64_MAX : INT64_MIN;
    if (__builtin_add_overflow(ns, (int64_t)nsecs, &ns))
        return nsecs > 0 ? INT64_MAX : INT64_MIN;
    return ns;
}

int64_t
teardown_time_since(int64_t later_ns, int64_t earlier_ns)
{
    int64_t difference;

    if (__builtin_sub_overflow(later_ns, earlier_ns, &difference))
        return earlier_ns < 0 ? INT64_MAX : INT64_MIN;
    return difference;
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
