/* teardown_state.c: the TCP teardown state machine (steps, roles, patterns,
 * seq/ack checks), as described in the project's teardown specification.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_state.h"

#include <string.h>

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
    if (!fin_sent && !fin_received) {
        if (!stream->established && stream->syn_sender == endpoint)
            return TEARDOWN_STATE_SYN_SENT;
        return stream->established ? TEARDOWN_STATE_ESTABLISHED : TEARDOWN_STATE_CLOSED;
    }
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
    bool low0 = stream->endpoint[0].port < 1024;
    bool low1 = stream->endpoint[1].port < 1024;

    if (stream->client != TEARDOWN_NO_ENDPOINT || low0 == low1)
        return;
    stream->client = low0 ? 1 : 0;
    stream->initiator_by_port = true;
}

static void
note_handshake(struct teardown_stream *stream, const struct teardown_segment *segment)
{
    if (!(segment->flags & TEARDOWN_TH_ACK)) {
        /* The first SYN names the client, even in a simultaneous open. */
        if (stream->syn_sender == TEARDOWN_NO_ENDPOINT) {
            stream->syn_sender = segment->endpoint;
            stream->client = segment->endpoint;
        }
        return;
    }
    stream->synack_seen = true;
    stream->established = true;
    if (stream->syn_sender == TEARDOWN_NO_ENDPOINT)
        stream->client = segment->endpoint ^ 1;
}

static void
begin_annotation(const struct teardown_stream *stream,
                 const struct teardown_segment *segment,
                 struct teardown_annotation *out)
{
    const struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];
    const struct teardown_endpoint *peer = &stream->endpoint[segment->endpoint ^ 1];

    memset(out, 0, sizeof *out);
    out->endpoint = segment->endpoint;
    out->seq = segment->seq;
    out->ack = segment->ack;
    out->len = segment->len;
    out->sender_side = side_of(stream, segment->endpoint);
    out->initiator = stream->initiator;
    out->initiator_by_port = stream->initiator_by_port;
    out->own_fin_seq = own->fin_seq;
    out->own_fin_frame = own->fin_frame;
    out->peer_fin_seq = peer->fin_seq;
    out->peer_fin_frame = peer->fin_frame;
    if (stream->active != TEARDOWN_NO_ENDPOINT)
        out->step1_frame = stream->endpoint[stream->active].fin_frame;
}

/* An RST ends the stream; it is annotated when it ends a teardown or an
 * established or opening connection, never after a completed teardown. */
static bool
handle_reset(struct teardown_stream *stream, const struct teardown_segment *segment,
             struct teardown_annotation *out)
{
    uint8_t sender = segment->endpoint;
    enum teardown_pattern pattern;
    uint8_t state_before[2] = { endpoint_state(stream, 0), endpoint_state(stream, 1) };

    stream->ended = true;
    if (stream->active != TEARDOWN_NO_ENDPOINT) {
        if (stream->pattern != TEARDOWN_PATTERN_NONE)
            return false;
        pattern = TEARDOWN_PATTERN_RESET;
    } else if (!stream->established && stream->syn_sender != TEARDOWN_NO_ENDPOINT &&
               sender != stream->syn_sender) {
        pattern = TEARDOWN_PATTERN_REFUSED;
    } else if (stream->established) {
        pattern = TEARDOWN_PATTERN_ABORT;
        infer_client_from_ports(stream);
    } else {
        return false;   /* a lone RST: nothing shows what it ended */
    }

    stream->pattern = pattern;
    begin_annotation(stream, segment, out);
    out->pattern = pattern;
    out->state_before[0] = state_before[0];
    out->state_before[1] = state_before[1];
    out->state_after[0] = out->state_after[1] = TEARDOWN_STATE_CLOSED;
    if (pattern == TEARDOWN_PATTERN_RESET) {
        out->segments = ++stream->teardown_segments;
        out->duration_ns = segment->time_ns - stream->step1_time_ns;
        out->role = role_of(stream, sender);
        out->checks = TEARDOWN_CHECK_RESET_DURING_TEARDOWN;
    } else {
        out->segments = 1;
        /* Whoever resets an unclosed connection tears it down. */
        stream->initiator = side_of(stream, sender);
        out->role = TEARDOWN_ROLE_ACTIVE;
        out->initiator = stream->initiator;
        out->sender_side = out->initiator;
    }
    return true;
}

/* A FIN: step 1, step 3, a retransmission, or a FIN that moved. */
static void
handle_fin(struct teardown_stream *stream, const struct teardown_segment *segment,
           bool first_segment, struct teardown_annotation *out)
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
            out->original_frame = own->fin_frame;
            out->steps |= 1 << own->fin_step;
            out->checks |= TEARDOWN_CHECK_FIN_RETRANSMISSION;
        } else {
            out->checks |= TEARDOWN_CHECK_FIN_SEQ_CHANGED;
        }
    } else if (stream->active == TEARDOWN_NO_ENDPOINT) {
        stream->active = sender;
        stream->step1_time_ns = segment->time_ns;
        infer_client_from_ports(stream);
        stream->initiator = side_of(stream, sender);
        own->fin_step = 1;
        out->sender_side = stream->initiator;
        out->step1_frame = segment->frame;
        out->initiator = stream->initiator;
        out->initiator_by_port = stream->initiator_by_port;
    } else {
        own->fin_step = 3;
        stream->step3_frame = segment->frame;
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
        out->steps |= 1 << own->fin_step;
    }

    if (role_of(stream, sender) == TEARDOWN_ROLE_PASSIVE && stream->step2_frame != 0 &&
        (segment->flags & TEARDOWN_TH_ACK) &&
        seq_distance(segment->ack, peer->fin_seq + 1) < 0)
        out->checks |= TEARDOWN_CHECK_ACK_REGRESSED;
}

/* An ACK: step 2 or 4 when it first covers the other endpoint's FIN. */
static void
handle_ack(struct teardown_stream *stream, const struct teardown_segment *segment,
           struct teardown_annotation *out)
{
    uint8_t sender = segment->endpoint;
    const struct teardown_endpoint *own = &stream->endpoint[sender];
    struct teardown_endpoint *peer = &stream->endpoint[sender ^ 1];
    int64_t beyond;

    if (peer->fin_frame == 0)
        return;
    beyond = seq_distance(segment->ack, peer->fin_seq + 1);
    if (beyond > 0)
        out->checks |= TEARDOWN_CHECK_ACK_BEYOND_FIN;
    if (beyond < 0 || peer->ack_frame != 0)
        return;

    peer->ack_frame = segment->frame;
    out->fin_frame = peer->fin_frame;
    if (peer->fin_step == 1) {
        stream->step2_frame = segment->frame;
        out->steps |= 1 << 2;
        return;
    }
    out->steps |= 1 << 4;
    out->duration_ns = segment->time_ns - stream->step1_time_ns;
    if (segment->seq != own->fin_seq + 1 && !out->retransmission)
        out->checks |= TEARDOWN_CHECK_SEQ_MISMATCH;
}

static void
check_data_after_fin(const struct teardown_stream *stream,
                     const struct teardown_segment *segment,
                     struct teardown_annotation *out)
{
    const struct teardown_endpoint *own = &stream->endpoint[segment->endpoint];

    if (own->fin_frame != 0 && segment->len > 0 &&
        seq_distance(segment->seq + segment->len, own->fin_seq + 1) > 0)
        out->checks |= TEARDOWN_CHECK_DATA_AFTER_FIN;
}

/* Data the passive closer still sends after acknowledging the FIN (RFC 9293
 * §3.6: a half-closed connection) is normal, yet worth pointing at. */
static void
check_half_close(const struct teardown_stream *stream,
                 const struct teardown_segment *segment,
                 struct teardown_annotation *out)
{
    if (segment->len > 0 && !(segment->flags & TEARDOWN_TH_FIN) &&
        role_of(stream, segment->endpoint) == TEARDOWN_ROLE_PASSIVE &&
        stream->step2_frame != 0 && stream->step2_frame != segment->frame &&
        stream->endpoint[segment->endpoint].fin_frame == 0) {
        out->half_close = true;
        out->checks |= TEARDOWN_CHECK_HALF_CLOSE_DATA;
    }
}

static void
check_completion(struct teardown_stream *stream, const struct teardown_segment *segment,
                 struct teardown_annotation *out)
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
    out->duration_ns = segment->time_ns - stream->step1_time_ns;
}

bool
teardown_stream_update(struct teardown_stream *stream,
                       const struct teardown_segment *segment,
                       struct teardown_annotation *out)
{
    uint8_t sender = segment->endpoint;
    bool first_segment = !stream->seen_any;
    bool closing_segment = segment->flags & (TEARDOWN_TH_FIN | TEARDOWN_TH_RST);

    if (sender > 1)
        return false;
    if (first_segment) {
        stream->seen_any = true;
        stream->endpoint[sender].port = segment->src_port;
        stream->endpoint[sender ^ 1].port = segment->dst_port;
    }
    if (stream->ended)
        return false;
    if (segment->flags & TEARDOWN_TH_SYN) {
        if (!(segment->flags & TEARDOWN_TH_RST))
            note_handshake(stream, segment);
        return false;
    }
    if (segment->flags & TEARDOWN_TH_RST)
        return handle_reset(stream, segment, out);
    if (stream->active == TEARDOWN_NO_ENDPOINT && !closing_segment) {
        stream->established = true;
        return false;
    }
    stream->established = true;

    begin_annotation(stream, segment, out);
    out->state_before[0] = endpoint_state(stream, 0);
    out->state_before[1] = endpoint_state(stream, 1);
    check_half_close(stream, segment, out);
    if (segment->flags & TEARDOWN_TH_FIN)
        handle_fin(stream, segment, first_segment, out);
    if (stream->active != TEARDOWN_NO_ENDPOINT)
        stream->teardown_segments++;
    if (segment->flags & TEARDOWN_TH_ACK)
        handle_ack(stream, segment, out);
    check_data_after_fin(stream, segment, out);
    check_completion(stream, segment, out);

    if (out->steps == 0 && out->checks == 0 && out->pattern == TEARDOWN_PATTERN_NONE)
        return false;
    out->role = role_of(stream, sender);
    out->state_after[0] = endpoint_state(stream, 0);
    out->state_after[1] = endpoint_state(stream, 1);
    return true;
}

bool
teardown_stream_ignores(const struct teardown_stream *stream, uint16_t flags)
{
    if (stream->ended)
        return true;
    return stream->established && stream->active == TEARDOWN_NO_ENDPOINT &&
           !(flags & (TEARDOWN_TH_FIN | TEARDOWN_TH_SYN | TEARDOWN_TH_RST));
}

enum teardown_pattern
teardown_stream_final_pattern(const struct teardown_stream *stream)
{
    if (stream->pattern == TEARDOWN_PATTERN_NONE && stream->active != TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_PATTERN_INCOMPLETE;
    return stream->pattern;
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
    case TEARDOWN_PATTERN_INCOMPLETE:   return "incomplete";
    default:                            return "none";
    }
}
