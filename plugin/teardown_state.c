/* teardown_state.c: the TCP teardown state machine (steps, roles, patterns,
 * seq/ack checks, RSTs), fed one segment at a time, as doc/behaviour.md
 * describes it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_conn_state.h"
#include "teardown_state_internal.h"

#include <string.h>

_Static_assert(TEARDOWN_PATTERN_COUNT <= 1 << 4, "teardown_connection.pattern holds every pattern");

static bool
ack_covers(const struct teardown_segment *segment, uint32_t fin_seq)
{
    return (segment->flags & TEARDOWN_TH_ACK) &&
           seq_distance(segment->ack, fin_seq + 1) >= 0;
}

void
teardown_connection_init(struct teardown_connection *connection)
{
    memset(connection, 0, sizeof *connection);
    connection->client = TEARDOWN_NO_ENDPOINT;
    connection->syn_sender = TEARDOWN_NO_ENDPOINT;
    connection->active = TEARDOWN_NO_ENDPOINT;
}

/* The endpoint that opened the connection: the SYN's sender, or else the
 * SYN+ACK's receiver, once either was seen. */
static uint8_t
opener_of(const struct teardown_connection *connection)
{
    if (connection->syn_sender != TEARDOWN_NO_ENDPOINT)
        return connection->syn_sender;
    return connection->synack_seen ? connection->client : TEARDOWN_NO_ENDPOINT;
}

/* RFC 9293 §3.5: the opener is SYN-SENT until the SYN+ACK arrives; the
 * other end is SYN-RECEIVED from its SYN+ACK until the handshake's ACK.
 * Without a handshake in the capture, the connection is taken as
 * established. */
static enum teardown_tcp_state
handshake_state(const struct teardown_connection *connection, uint8_t endpoint)
{
    uint8_t opener = opener_of(connection);

    if (opener == TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_STATE_ESTABLISHED;  /* it began before the capture */
    if (endpoint == opener)
        return connection->synack_seen ? TEARDOWN_STATE_ESTABLISHED : TEARDOWN_STATE_SYN_SENT;
    return connection->synack_seen ? TEARDOWN_STATE_SYN_RECEIVED : TEARDOWN_STATE_CLOSED;
}

/* A segment other than SYN or RST completes the handshake when the opener
 * sends it (its SYN+ACK may just have missed the capture), or when the
 * SYN+ACK was seen; with no handshake seen, the connection began before the
 * capture did. */
static void
note_established(struct teardown_connection *connection, uint8_t sender)
{
    uint8_t opener = opener_of(connection);

    if (opener == TEARDOWN_NO_ENDPOINT || sender == opener || connection->synack_seen)
        connection->established = true;
}

/* What the capture point knows of an endpoint's state: the FINs each side
 * has sent, which of them were acknowledged, and who closed first. */
static enum teardown_tcp_state
endpoint_state(const struct teardown_connection *connection, uint8_t endpoint)
{
    const struct teardown_endpoint *own = &connection->endpoint[endpoint];
    bool fin_sent = own->fin_frame != 0;
    bool fin_received = connection->endpoint[endpoint ^ 1].fin_frame != 0;
    bool fin_acked = own->ack_frame != 0;

    if (connection->ended)
        return TEARDOWN_STATE_CLOSED;
    if (!fin_sent && !fin_received)
        return connection->established ? TEARDOWN_STATE_ESTABLISHED : handshake_state(connection, endpoint);
    if (!fin_sent)
        return TEARDOWN_STATE_CLOSE_WAIT;
    if (!fin_received)
        return fin_acked ? TEARDOWN_STATE_FIN_WAIT_2 : TEARDOWN_STATE_FIN_WAIT_1;
    if (role_of(connection, endpoint) == TEARDOWN_ROLE_ACTIVE)
        return fin_acked ? TEARDOWN_STATE_TIME_WAIT : TEARDOWN_STATE_CLOSING;
    return fin_acked ? TEARDOWN_STATE_CLOSED : TEARDOWN_STATE_LAST_ACK;
}

/* Without a handshake in the capture, a well-known port marks the server. */
static void
infer_client_from_ports(struct teardown_connection *connection)
{
    bool low0 = connection->endpoint[0].port < TEARDOWN_WELL_KNOWN_PORT_END;
    bool low1 = connection->endpoint[1].port < TEARDOWN_WELL_KNOWN_PORT_END;

    if (connection->client != TEARDOWN_NO_ENDPOINT || low0 == low1)
        return;
    connection->client = low0 ? 1 : 0;
    connection->initiator_by_port = true;
}

/* SYNs name the client, until a teardown has begun: a SYN then changes
 * nothing (a new connection starts over only once this one has ended). */
static void
note_handshake(struct teardown_connection *connection, const struct teardown_segment *segment)
{
    if (connection->active != TEARDOWN_NO_ENDPOINT)
        return;
    if (!(segment->flags & TEARDOWN_TH_ACK)) {
        /* The first SYN names the client, even in a simultaneous open. */
        if (connection->syn_sender == TEARDOWN_NO_ENDPOINT) {
            connection->syn_sender = segment->endpoint;
            connection->client = segment->endpoint;
        }
        return;
    }
    connection->synack_seen = true;
    if (connection->syn_sender == TEARDOWN_NO_ENDPOINT)
        connection->client = segment->endpoint ^ 1;
}

static void
begin_verdict(const struct teardown_connection *connection, const struct teardown_segment *segment,
              struct teardown_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->endpoint = segment->endpoint;
    out->seq = segment->seq;
    out->ack = segment->ack;
    out->len = segment->len;
    out->sender_side = side_of(connection, segment->endpoint);
    out->state_before[0] = endpoint_state(connection, 0);
    out->state_before[1] = endpoint_state(connection, 1);
}

/* Past the handshake: a SYN+ACK was seen, or no handshake at all (the
 * connection began before the capture).  A segment before then may belong
 * to an attempt the other end never accepted. */
static bool
synchronized(const struct teardown_connection *connection)
{
    return connection->synack_seen || opener_of(connection) == TEARDOWN_NO_ENDPOINT;
}

/* What every segment without RST tells about its sender, for judging a
 * later RST: its hop signature, how far it has sent, and whether it was
 * re-sending payload or probing with a keep-alive (RFC 9293 §3.8.4: one
 * byte, or none, at the sequence number before the next). */
static void
note_sender(struct teardown_connection *connection, const struct teardown_segment *segment)
{
    struct teardown_endpoint *own = &connection->endpoint[segment->endpoint];
    struct teardown_endpoint *peer = &connection->endpoint[segment->endpoint ^ 1];
    bool syn_or_fin = segment->flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_FIN);
    uint32_t end = segment->seq + segment->len + (syn_or_fin ? 1 : 0);
    bool after_idle = connection->seen_any &&
                      teardown_time_since(segment->time_ns, connection->last_time_ns) >= TEARDOWN_IDLE_NS;
    bool new_payload = segment->len > 0 &&
                       (!own->sent_any || seq_distance(segment->seq + segment->len, own->next_seq) > 0);

    own->keep_alive = own->sent_any && !syn_or_fin && segment->len <= 1 &&
                      segment->seq == own->next_seq - 1 && after_idle;
    if (own->keep_alive || segment->len == 0 || new_payload) {
        own->retransmissions = 0;
    } else {
        if (own->retransmissions < UINT8_MAX)
            own->retransmissions++;
        /* Payload sent again after its own FIN: waiting for an answer. */
        if (own->fin_frame != 0)
            own->retried = true;
    }
    /* Payload the peer has not acknowledged yet, first copy or not: the
     * first copy may have gone uncaptured. */
    if (segment->len > 0 && (!peer->acked_known || seq_distance(segment->seq + segment->len, peer->acked) > 0))
        own->unacked_data = true;
    if (!own->sent_any || seq_distance(end, own->next_seq) > 0)
        own->next_seq = end;
    own->sent_any = true;
    own->ip_id = segment->ip_id;
    own->ip_id_known = segment->ip_id_known;
    if ((segment->flags & (TEARDOWN_TH_ACK | TEARDOWN_TH_SYN)) == TEARDOWN_TH_ACK) {
        own->acked = segment->ack;
        own->acked_known = true;
    }
    /* The peer's payload ends at its FIN, or where it has sent up to. */
    if ((segment->flags & TEARDOWN_TH_ACK) && peer->unacked_data &&
        seq_distance(segment->ack, peer->fin_frame != 0 ? peer->fin_seq : peer->next_seq) >= 0)
        peer->unacked_data = false;

    if (segment->hops_known) {
        if (own->hop_segments == 0)
            own->hops = segment->hops;
        else if (own->hops != segment->hops)
            own->hops_unstable = true;
        if (own->hop_segments < UINT16_MAX)
            own->hop_segments++;
    }
}

/* An endpoint that reset its own connection sends nothing more on it; one
 * whose RST did not take effect carries on.  Only what shows the
 * connection living on counts: new payload or a FIN from where the RST
 * was, in the same sequence space (within a window past it), or an ACK of
 * what the peer sent after the RST (the peer's next sequence number was
 * frozen there), within a window past it.  RSTs that did not end the
 * sender's own synchronized connection in sequence (an answer to a stray
 * segment, an attempt given up) prove nothing either way.  A refusal is
 * undone when the refuser accepts the very SYN it refused, which nobody
 * sent again. */
static bool
shows_alive(const struct teardown_endpoint *own, const struct teardown_endpoint *peer,
            const struct teardown_segment *segment)
{
    int64_t from_rst = seq_distance(segment->seq, own->rst_seq);
    int64_t past_peer = seq_distance(segment->ack, peer->next_seq);

    if (own->rst_frame == 0 || own->alive_frame != 0 || (segment->flags & TEARDOWN_TH_RST))
        return false;
    if (segment->flags & TEARDOWN_TH_SYN)
        return own->rst_refused && (segment->flags & TEARDOWN_TH_ACK) && peer->sent_any &&
               segment->ack == peer->next_seq;
    if (!own->rst_in_sequence)
        return false;
    if ((segment->len > 0 || (segment->flags & TEARDOWN_TH_FIN)) && from_rst >= 0 && from_rst <= UINT16_MAX)
        return true;
    return (segment->flags & TEARDOWN_TH_ACK) && past_peer > 0 && past_peer <= UINT16_MAX;
}

/* What came just before an RST (the connection as it was before it), the first
 * cause that applies. */
static enum teardown_rst_cause
rst_cause(const struct teardown_connection *connection, const struct teardown_segment *segment,
          enum teardown_pattern pattern)
{
    const struct teardown_endpoint *own = &connection->endpoint[segment->endpoint];
    const struct teardown_endpoint *peer = &connection->endpoint[segment->endpoint ^ 1];

    /* A refusal, or the refusal of a retry of a refused attempt. */
    if (pattern == TEARDOWN_PATTERN_REFUSED ||
        (connection->pattern == TEARDOWN_PATTERN_REFUSED && segment->endpoint != connection->syn_sender))
        return TEARDOWN_RST_CAUSE_REFUSED;
    if (pattern == TEARDOWN_PATTERN_ABANDONED)
        return TEARDOWN_RST_CAUSE_ABANDONED;
    if (own->ack_frame != 0 || connection->pattern != TEARDOWN_PATTERN_NONE || connection->ended)
        return TEARDOWN_RST_CAUSE_AFTER_CLOSE;
    if (peer->keep_alive)
        return TEARDOWN_RST_CAUSE_KEEP_ALIVE;
    if (own->retransmissions >= 2)
        return TEARDOWN_RST_CAUSE_RETRANSMISSIONS;
    if (connection->seen_any &&
        teardown_time_since(segment->time_ns, connection->last_time_ns) >= TEARDOWN_IDLE_NS)
        return TEARDOWN_RST_CAUSE_IDLE;
    return TEARDOWN_RST_CAUSE_ABORT;
}

/* Any RST: its hop signature against its sender's baseline (two or more
 * earlier segments without RST, all alike), and what came before it.  Its
 * sender's first RST is remembered, to see whether the sender lives on. */
static void
judge_rst(struct teardown_connection *connection, const struct teardown_segment *segment,
          enum teardown_pattern pattern, bool ends, struct teardown_verdict *out,
          struct teardown_rst_verdict *rst)
{
    struct teardown_endpoint *own = &connection->endpoint[segment->endpoint];
    const struct teardown_endpoint *peer = &connection->endpoint[segment->endpoint ^ 1];

    memset(rst, 0, sizeof *rst);
    rst->hops_known = segment->hops_known;
    rst->hops = segment->hops;
    rst->baseline_known = own->hop_segments >= 2 && !own->hops_unstable;
    rst->baseline_hops = own->hops;
    rst->baseline_segments = own->hop_segments;
    if (!rst->hops_known)
        rst->unknown = TEARDOWN_RST_UNKNOWN_HOPS;
    else if (own->hop_segments < 2)
        rst->unknown = TEARDOWN_RST_UNKNOWN_FEW;
    else if (own->hops_unstable)
        rst->unknown = TEARDOWN_RST_UNKNOWN_UNSTABLE;
    if (rst->unknown != TEARDOWN_RST_KNOWN)
        rst->origin = TEARDOWN_RST_ORIGIN_UNKNOWN;
    else if (rst->hops != rst->baseline_hops)
        rst->origin = TEARDOWN_RST_ORIGIN_PATH;
    else
        rst->origin = TEARDOWN_RST_ORIGIN_ENDPOINT;
    rst->cause = rst_cause(connection, segment, pattern);

    out->rst = true;
    if (rst->origin == TEARDOWN_RST_ORIGIN_PATH)
        out->checks |= TEARDOWN_CHECK_RST_TTL_MISMATCH;
    if (own->rst_frame == 0) {
        int64_t past_next = seq_distance(segment->seq, own->next_seq);

        own->rst_frame = segment->frame;
        own->rst_seq = segment->seq;
        /* Only an RST that ends a connection its sender took part in (it
         * acknowledged something, or the capture holds nothing of it before),
         * at its own next sequence number, within a window past what the
         * capture saw of it, or where the peer's latest ACK expects it, can
         * be tested by what the sender does next. */
        own->rst_in_sequence =
            ends && synchronized(connection) &&
            (!own->sent_any ||
             (own->acked_known && ((past_next >= 0 && past_next <= UINT16_MAX) ||
                                   (peer->acked_known && segment->seq == peer->acked))));
        own->rst_refused = pattern == TEARDOWN_PATTERN_REFUSED;
    }
}

/* What an RST during a teardown throws away: payload one end sent and the
 * other had not acknowledged (the RST's own ACK counts). */
static enum teardown_rst_discards
rst_discards(struct teardown_connection *connection, const struct teardown_segment *segment)
{
    const struct teardown_endpoint *own = &connection->endpoint[segment->endpoint];
    struct teardown_endpoint *peer = &connection->endpoint[segment->endpoint ^ 1];

    if ((segment->flags & TEARDOWN_TH_ACK) && peer->unacked_data &&
        seq_distance(segment->ack, peer->fin_frame != 0 ? peer->fin_seq : peer->next_seq) >= 0)
        peer->unacked_data = false;
    if (peer->unacked_data)
        return TEARDOWN_RST_DISCARDS_PEERS;
    return own->unacked_data ? TEARDOWN_RST_DISCARDS_OWN : TEARDOWN_RST_DISCARDS_NOTHING;
}

/* After the end of a connection, until a new one starts over: RSTs still
 * get their origin, and a segment may show an RST's sender alive. */
static bool
update_after_end(struct teardown_connection *connection, const struct teardown_segment *segment,
                 struct teardown_verdict *out, struct teardown_rst_verdict *rst)
{
    struct teardown_endpoint *own = &connection->endpoint[segment->endpoint];

    if (segment->flags & TEARDOWN_TH_RST) {
        begin_verdict(connection, segment, out);
        judge_rst(connection, segment, TEARDOWN_PATTERN_NONE, false, out, rst);
    } else if (shows_alive(own, &connection->endpoint[segment->endpoint ^ 1], segment)) {
        own->alive_frame = segment->frame;
        begin_verdict(connection, segment, out);
        out->checks = TEARDOWN_CHECK_RST_SENDER_ALIVE;
    } else {
        return false;
    }
    out->state_after[0] = out->state_before[0];
    out->state_after[1] = out->state_before[1];
    return true;
}

/* An RST ends the connection; it is annotated unless the teardown had already
 * completed.  Before any FIN, what it ended depends on the handshake: an
 * attempt refused by the SYN's receiver or abandoned by its sender while
 * that sender had sent nothing but SYNs and no SYN+ACK was seen; else an
 * abort of a connection that was, or must have been, established. */
static void
handle_reset(struct teardown_connection *connection, const struct teardown_segment *segment,
             struct teardown_verdict *out, struct teardown_rst_verdict *rst)
{
    uint8_t sender = segment->endpoint;
    enum teardown_pattern pattern;

    begin_verdict(connection, segment, out);
    if (connection->active != TEARDOWN_NO_ENDPOINT) {
        if (connection->pattern != TEARDOWN_PATTERN_NONE) {
            /* After a completed teardown: no pattern, role or step. */
            judge_rst(connection, segment, TEARDOWN_PATTERN_NONE, false, out, rst);
            out->state_after[0] = out->state_before[0];
            out->state_after[1] = out->state_before[1];
            connection->ended = true;
            return;
        }
        pattern = TEARDOWN_PATTERN_RESET;
    } else if (!connection->established && !connection->synack_seen &&
               connection->syn_sender != TEARDOWN_NO_ENDPOINT) {
        pattern = sender == connection->syn_sender ? TEARDOWN_PATTERN_ABANDONED : TEARDOWN_PATTERN_REFUSED;
    } else {
        pattern = TEARDOWN_PATTERN_ABORT;
        infer_client_from_ports(connection);
        out->sender_side = side_of(connection, sender);
    }

    judge_rst(connection, segment, pattern, true, out, rst);
    connection->end_rst_origin = rst->origin;
    connection->end_rst_cause = rst->cause;
    /* Idle time is measured over continuous capture only. */
    if ((pattern == TEARDOWN_PATTERN_RESET || pattern == TEARDOWN_PATTERN_ABORT) && connection->seen_any &&
        (uint16_t)segment->stretch == connection->last_stretch) {
        connection->end_idle_known = true;
        connection->end_idle_ns = teardown_time_since(segment->time_ns, connection->last_time_ns);
    }
    connection->ended = true;
    connection->pattern = pattern;
    out->pattern = pattern;
    out->state_after[0] = out->state_after[1] = TEARDOWN_STATE_CLOSED;
    if (pattern == TEARDOWN_PATTERN_RESET) {
        connection->pattern_segments = ++connection->teardown_segments;
        out->role = role_of(connection, sender);
        /* An abortive close is ordinary; one that throws data away is not. */
        rst->discards = rst_discards(connection, segment);
        out->checks |= rst->discards == TEARDOWN_RST_DISCARDS_NOTHING ? TEARDOWN_CHECK_RESET_DURING_TEARDOWN
                                                                       : TEARDOWN_CHECK_RESET_DISCARDS_DATA;
    } else {
        connection->pattern_segments = 1;
        /* Whoever resets an unclosed connection tears it down. */
        connection->initiator = side_of(connection, sender);
        out->role = TEARDOWN_ROLE_ACTIVE;
        out->sender_side = connection->initiator;
    }
}

/* What the sender of a segment was like before it: the state machine
 * notes each segment's sender first, then judges it. */
struct sender_before {
    bool     first_segment;   /* the connection's first segment */
    bool     out_of_window;   /* the segment starts more than a window past
                                 all its sender had sent */
    uint16_t ip_id;           /* the sender's previous IPv4 identification, */
    bool     ip_id_known;     /* when known */
};

/* Whether the segment left its sender before the sender's previous one,
 * though captured after it: its IPv4 identification comes just before
 * (stacks count it up per connection or per host). */
static bool
sent_before(const struct teardown_segment *segment, const struct sender_before *before)
{
    int16_t distance = (int16_t)(uint16_t)(segment->ip_id - before->ip_id);

    return segment->ip_id_known && before->ip_id_known && distance < 0 && distance > -256;
}

/* A FIN sent again after an ACK beyond it covered it: its sender did not
 * accept that ACK (RFC 9293 §3.10.7.4: an ACK of something not yet sent is
 * dropped).  The FIN is unacknowledged again, and ACKs beyond it no longer
 * cover it; the sequence numbers are out of step (ack_beyond_fin said so). */
static void
refuse_ack_beyond(struct teardown_connection *connection, struct teardown_endpoint *own)
{
    if (own->ack_frame == 0 || !own->covered_beyond || connection->pattern != TEARDOWN_PATTERN_NONE)
        return;
    own->ack_frame = 0;
    own->beyond_refused = true;
    if (own->fin_step == 1)
        connection->step2_frame = 0;
}

/* A FIN: step 1, step 3, a retransmission, or a FIN that moved.  Returns
 * whether it is a retransmission. */
static bool
handle_fin(struct teardown_connection *connection, const struct teardown_segment *segment,
           const struct sender_before *before, struct teardown_verdict *out)
{
    uint8_t sender = segment->endpoint;
    struct teardown_endpoint *own = &connection->endpoint[sender];
    const struct teardown_endpoint *peer = &connection->endpoint[sender ^ 1];
    uint32_t fin_seq = segment->seq + segment->len;

    if (!(segment->flags & TEARDOWN_TH_ACK) && !before->first_segment && synchronized(connection))
        out->checks |= TEARDOWN_CHECK_FIN_WITHOUT_ACK;

    if (own->fin_frame != 0) {
        if (fin_seq == own->fin_seq) {
            out->retransmission = true;
            out->steps |= TEARDOWN_STEP(own->fin_step);
            out->checks |= TEARDOWN_CHECK_FIN_RETRANSMISSION;
            own->retried = true;
            refuse_ack_beyond(connection, own);
        } else {
            out->checks |= TEARDOWN_CHECK_FIN_SEQ_CHANGED;
        }
    } else if (connection->active == TEARDOWN_NO_ENDPOINT) {
        connection->active = sender;
        connection->step1_time_ns = segment->time_ns;
        connection->step1_stretch = (uint16_t)segment->stretch;
        /* Idle time is measured over continuous capture only. */
        connection->step1_idle_known = connection->seen_any && (uint16_t)segment->stretch == connection->last_stretch;
        if (connection->step1_idle_known)
            connection->step1_idle_ns = teardown_time_since(segment->time_ns, connection->last_time_ns);
        infer_client_from_ports(connection);
        connection->initiator = side_of(connection, sender);
        own->fin_step = 1;
        out->sender_side = connection->initiator;
    } else {
        own->fin_step = 3;
        connection->step3_frame = segment->frame;
        connection->step3_time_ns = segment->time_ns;
        connection->step3_stretch = (uint16_t)segment->stretch;
        /* A FIN sent before its sender saw the other one: both close, and
         * the sender was never in CLOSE-WAIT, whatever the capture point
         * assumed when it saw the first FIN go by. */
        if (connection->step2_frame == 0 && !ack_covers(segment, peer->fin_seq)) {
            connection->simultaneous = true;
            out->state_before[sender] = TEARDOWN_STATE_ESTABLISHED;
        }
    }
    if (own->fin_frame == 0) {
        own->fin_seq = fin_seq;
        own->fin_frame = segment->frame;
        out->steps |= TEARDOWN_STEP(own->fin_step);
    }

    if (role_of(connection, sender) == TEARDOWN_ROLE_PASSIVE && connection->step2_frame != 0 &&
        (segment->flags & TEARDOWN_TH_ACK) &&
        seq_distance(segment->ack, peer->fin_seq + 1) < 0 && !sent_before(segment, before))
        out->checks |= TEARDOWN_CHECK_ACK_REGRESSED;
    return out->retransmission;
}

/* An ACK: step 2 or 4 when it first covers the other endpoint's FIN.  A FIN
 * sent in the same segment is handled first: a step 4 riding on a
 * retransmission of the sender's own FIN is no sequence mismatch. */
static void
handle_ack(struct teardown_connection *connection, const struct teardown_segment *segment,
           const struct sender_before *before, bool fin_retransmission, struct teardown_verdict *out)
{
    uint8_t sender = segment->endpoint;
    const struct teardown_endpoint *own = &connection->endpoint[sender];
    struct teardown_endpoint *peer = &connection->endpoint[sender ^ 1];
    int64_t beyond;

    /* A segment far outside its sender's sequence space is not acceptable
     * to its receiver, which drops it unread (RFC 9293 §3.10.7.4): its ACK
     * acknowledges nothing.  Damaged and crafted segments look like this. */
    if (peer->fin_frame == 0 || before->out_of_window)
        return;
    beyond = seq_distance(segment->ack, peer->fin_seq + 1);
    /* Later ACKs beyond the same FIN repeat the same news. */
    if (beyond > 0 && !peer->acked_beyond) {
        peer->acked_beyond = true;
        out->checks |= TEARDOWN_CHECK_ACK_BEYOND_FIN;
    }
    if (beyond < 0 || peer->ack_frame != 0 || (beyond > 0 && peer->beyond_refused))
        return;

    peer->ack_frame = segment->frame;
    peer->covered_beyond = beyond > 0;
    if (peer->fin_step == 1) {
        connection->step2_frame = segment->frame;
        out->steps |= TEARDOWN_STEP(2);
        return;
    }
    out->steps |= TEARDOWN_STEP(4);
    if (segment->seq != own->fin_seq + 1 && !fin_retransmission)
        out->checks |= TEARDOWN_CHECK_SEQ_MISMATCH;
}

static void
check_data_after_fin(const struct teardown_connection *connection,
                     const struct teardown_segment *segment,
                     struct teardown_verdict *out)
{
    const struct teardown_endpoint *own = &connection->endpoint[segment->endpoint];

    if (own->fin_frame != 0 && segment->len > 0 &&
        seq_distance(segment->seq + segment->len, own->fin_seq + 1) > 0)
        out->checks |= TEARDOWN_CHECK_DATA_AFTER_FIN;
}

/* Data the passive closer still sends after acknowledging the FIN (RFC 9293
 * §3.6: a half-closed connection) is normal, yet worth pointing at.  Judged
 * before the segment's own FIN is: data riding on step 3 is not half-close. */
static void
check_half_close(struct teardown_connection *connection,
                 const struct teardown_segment *segment,
                 struct teardown_verdict *out)
{
    if (segment->len > 0 && !(segment->flags & TEARDOWN_TH_FIN) &&
        role_of(connection, segment->endpoint) == TEARDOWN_ROLE_PASSIVE &&
        connection->step2_frame != 0 && connection->step2_frame != segment->frame &&
        connection->endpoint[segment->endpoint].fin_frame == 0) {
        out->half_close = true;
        out->checks |= TEARDOWN_CHECK_HALF_CLOSE_DATA;
        connection->half_close_segments++;
        connection->half_close_last_ns = segment->time_ns;
    }
}

static void
check_completion(struct teardown_connection *connection, struct teardown_verdict *out)
{
    if (connection->pattern != TEARDOWN_PATTERN_NONE ||
        connection->endpoint[0].ack_frame == 0 || connection->endpoint[1].ack_frame == 0)
        return;
    if (connection->simultaneous)
        connection->pattern = TEARDOWN_PATTERN_SIMULTANEOUS;
    else if (connection->step2_frame == connection->step3_frame)
        connection->pattern = TEARDOWN_PATTERN_THREE_WAY;
    else
        connection->pattern = TEARDOWN_PATTERN_FOUR_WAY;
    out->pattern = connection->pattern;
    connection->pattern_segments = connection->teardown_segments;
}

static bool
update_connection(struct teardown_connection *connection, const struct teardown_segment *segment,
                  struct teardown_verdict *out, struct teardown_rst_verdict *rst)
{
    uint8_t sender = segment->endpoint;
    const struct teardown_endpoint *own = &connection->endpoint[sender];
    struct sender_before before = {
        .first_segment = !connection->seen_any, .ip_id = own->ip_id, .ip_id_known = own->ip_id_known,
        .out_of_window = own->sent_any && seq_distance(segment->seq, own->next_seq) > UINT16_MAX,
    };
    bool closing_segment = segment->flags & (TEARDOWN_TH_FIN | TEARDOWN_TH_RST);
    bool fin_retransmission = false;

    if (connection->ended)
        return update_after_end(connection, segment, out, rst);
    /* A SYN is never a step and ends nothing, whatever else it carries. */
    if (segment->flags & TEARDOWN_TH_SYN) {
        if (!(segment->flags & TEARDOWN_TH_RST)) {
            note_sender(connection, segment);
            note_handshake(connection, segment);
        }
        return false;
    }
    if (segment->flags & TEARDOWN_TH_RST) {
        handle_reset(connection, segment, out, rst);
        return true;
    }
    note_sender(connection, segment);
    if (connection->active == TEARDOWN_NO_ENDPOINT && !closing_segment) {
        note_established(connection, sender);
        return false;
    }

    /* In this order: each step reads what the ones before it decided. */
    begin_verdict(connection, segment, out);
    note_established(connection, sender);
    check_half_close(connection, segment, out);
    if (segment->flags & TEARDOWN_TH_FIN)
        fin_retransmission = handle_fin(connection, segment, &before, out);
    if (connection->active != TEARDOWN_NO_ENDPOINT)
        connection->teardown_segments++;
    if (segment->flags & TEARDOWN_TH_ACK)
        handle_ack(connection, segment, &before, fin_retransmission, out);
    check_data_after_fin(connection, segment, out);
    check_completion(connection, out);

    if (out->steps != 0)
        connection->last_step_frame = segment->frame;
    if (out->steps == 0 && out->checks == 0 && out->pattern == TEARDOWN_PATTERN_NONE)
        return false;
    out->role = role_of(connection, sender);
    out->state_after[0] = endpoint_state(connection, 0);
    out->state_after[1] = endpoint_state(connection, 1);
    return true;
}

/* The first segment from the receiver of the SYN that opened the connection
 * answers it: a SYN+ACK accepts it, an RST refuses it, and anything else
 * (a bare ACK) acknowledges a connection the receiver still knows, such as
 * one in TIME-WAIT (RFC 9293 §3.10.7.4, RFC 5961 §4). */
static void
note_syn_answer(struct teardown_connection *connection, const struct teardown_segment *segment)
{
    if (connection->syn_sender == TEARDOWN_NO_ENDPOINT || segment->endpoint == connection->syn_sender ||
        connection->syn_answer != TEARDOWN_SYN_ANSWER_NONE)
        return;
    if (segment->flags & TEARDOWN_TH_RST)
        connection->syn_answer = TEARDOWN_SYN_ANSWER_RESET;
    else if (segment->flags & TEARDOWN_TH_SYN)
        connection->syn_answer = TEARDOWN_SYN_ANSWER_ACCEPTED;
    else
        connection->syn_answer = TEARDOWN_SYN_ANSWER_CHALLENGE_ACK;
}

bool
teardown_connection_update(struct teardown_connection *connection,
                       const struct teardown_segment *segment,
                       struct teardown_verdict *out,
                       struct teardown_rst_verdict *rst_out)
{
    bool ended_before;
    bool annotated;

    if (segment->endpoint > 1)
        return false;
    /* A refused or abandoned attempt sent again goes on: one attempt, as
     * many times refused as it is. */
    if (teardown_connection_retried(connection, segment)) {
        connection->ended = false;
        connection->pattern = TEARDOWN_PATTERN_NONE;
    }
    ended_before = connection->ended;
    if (!connection->seen_any) {
        connection->endpoint[segment->endpoint].port = segment->src_port;
        connection->endpoint[segment->endpoint ^ 1].port = segment->dst_port;
    }
    if (!ended_before)
        note_syn_answer(connection, segment);
    /* What the connection ignores writes no history either: a caller may
     * skip feeding it. */
    if (!teardown_connection_ignores(connection, segment->flags))
        teardown_history_note(connection, segment);
    /* Judged against the connection as it was: the time since the previous
     * segment, for one, is measured before this one counts.  After the end
     * nothing is measured in time. */
    annotated = update_connection(connection, segment, out, rst_out);
    if (!ended_before) {
        connection->seen_any = true;
        connection->last_time_ns = segment->time_ns;
        connection->last_frame = segment->frame;
        connection->last_stretch = (uint16_t)segment->stretch;
    }
    return annotated;
}

bool
teardown_connection_retried(const struct teardown_connection *connection, const struct teardown_segment *segment)
{
    const struct teardown_endpoint *opener = &connection->endpoint[segment->endpoint];

    return teardown_segment_opens(segment->flags) && segment->endpoint == connection->syn_sender &&
           (connection->pattern == TEARDOWN_PATTERN_REFUSED || connection->pattern == TEARDOWN_PATTERN_ABANDONED) &&
           opener->sent_any && segment->seq + 1 == opener->next_seq;
}

/* A SYN starts a new connection once the old one is over, unless it retries
 * the old one's refused attempt.  So does a SYN+ACK once the old one closed
 * gracefully (nothing of it answers a SYN any more: the new connection's
 * SYN went uncaptured), or after a break in the capture. */
bool
teardown_connection_starts_over(const struct teardown_connection *connection, const struct teardown_segment *segment)
{
    if (connection->pattern == TEARDOWN_PATTERN_NONE)
        return false;
    if (teardown_segment_opens(segment->flags))
        return !teardown_connection_retried(connection, segment);
    return (segment->flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_ACK | TEARDOWN_TH_RST)) ==
               (TEARDOWN_TH_SYN | TEARDOWN_TH_ACK) &&
           (teardown_pattern_graceful((enum teardown_pattern)connection->pattern) ||
            (uint16_t)segment->stretch != connection->last_stretch);
}

bool
teardown_segment_opens(uint16_t flags)
{
    return (flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_ACK | TEARDOWN_TH_RST)) == TEARDOWN_TH_SYN;
}

/* Before the end every segment counts (hop signatures, keep-alives,
 * retransmissions, time); after it, RSTs, SYNs (one may start over), and
 * while an RST's sender has not been seen alive, that sender's segments. */
bool
teardown_connection_ignores(const struct teardown_connection *connection, uint16_t flags)
{
    const struct teardown_endpoint *endpoint = connection->endpoint;
    bool awaiting_alive = (endpoint[0].rst_frame != 0 && endpoint[0].alive_frame == 0) ||
                          (endpoint[1].rst_frame != 0 && endpoint[1].alive_frame == 0);

    return connection->ended && !(flags & (TEARDOWN_TH_RST | TEARDOWN_TH_SYN)) && !awaiting_alive;
}

enum teardown_reuse_source
teardown_reuse_source(const struct teardown_connection *previous, uint16_t flags)
{
    /* Only a SYN reuses: a SYN+ACK that starts over answers one never captured. */
    if (!teardown_segment_opens(flags))
        return TEARDOWN_REUSES_NOTHING;
    return previous != NULL ? TEARDOWN_REUSES_PREVIOUS : TEARDOWN_REUSES_ELSEWHERE;
}

bool
teardown_connection_has_ports(const struct teardown_connection *connection, uint8_t sender,
                              uint16_t src_port, uint16_t dst_port)
{
    return connection->endpoint[sender & 1].port == src_port && connection->endpoint[(sender & 1) ^ 1].port == dst_port;
}

uint32_t
teardown_connection_peer_fin_frame(const struct teardown_connection *connection, uint8_t endpoint)
{
    return connection->endpoint[(endpoint & 1) ^ 1].fin_frame;
}
