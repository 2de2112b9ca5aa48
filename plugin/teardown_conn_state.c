/* teardown_conn_state.c: a connection as a whole: its history and Zeek
 * conn_state, and the row of the connection table it makes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_conn_state.h"

#include <string.h>

#include "teardown_state_internal.h"

/* History letters, by code: a byte of teardown_connection.history is
 * 1 + 2 * letter + endpoint, 0 where the history ends. */
enum history_letter {
    LETTER_SYN, LETTER_SYN_ACK, LETTER_ACK, LETTER_DATA, LETTER_FIN, LETTER_RST,
    LETTER_RETRANSMISSION, LETTER_ZERO_WINDOW, LETTER_INCONSISTENT, LETTER_MULTI_FLAG
};
static const char history_letters[] = "shadfrtwiq";

static uint8_t
letter_code(enum history_letter letter, uint8_t endpoint)
{
    return (uint8_t)(1 + 2 * letter + endpoint);
}

static bool
history_has(const struct teardown_connection *connection, enum history_letter letter, uint8_t endpoint)
{
    uint8_t code = letter_code(letter, endpoint);

    for (size_t i = 0; i < TEARDOWN_HISTORY_LETTERS && connection->history[i] != 0; i++) {
        if (connection->history[i] == code)
            return true;
    }
    return false;
}

/* A full history keeps its first letters. */
static void
history_add(struct teardown_connection *connection, enum history_letter letter, uint8_t endpoint)
{
    for (size_t i = 0; i < TEARDOWN_HISTORY_LETTERS; i++) {
        if (connection->history[i] == 0) {
            connection->history[i] = letter_code(letter, endpoint);
            return;
        }
    }
}

static void
history_once(struct teardown_connection *connection, enum history_letter letter, uint8_t endpoint)
{
    if (!history_has(connection, letter, endpoint))
        history_add(connection, letter, endpoint);
}

/* Zeek writes these at the 1st, 10th, 100th... time; the count saturates
 * at 255, so the letter comes at most three times. */
static void
history_scaled(struct teardown_connection *connection, enum history_letter letter, uint8_t endpoint,
               uint8_t *count)
{
    if (*count == UINT8_MAX)
        return;
    (*count)++;
    if (*count == 1 || *count == 10 || *count == 100)
        history_add(connection, letter, endpoint);
}

/* Zeek's rules: a packet with two of SYN, FIN and RST is i (FIN and RST) or
 * q, once each; a SYN writes s (h with ACK) once; a FIN or an RST writes f
 * or r, again when its sequence number differs from that of the endpoint's
 * first (Zeek: its latest) such packet; else data writes d and a pure ACK
 * a, once each.  A
 * segment re-sending payload (not a keep-alive probe) counts for t; a zero
 * window, but with an RST, after the sender's RST or the peer's FIN, for w. */
void
teardown_history_note(struct teardown_connection *connection, const struct teardown_segment *segment)
{
    uint8_t sender = segment->endpoint;
    const struct teardown_endpoint *own = &connection->endpoint[sender];
    const struct teardown_endpoint *peer = &connection->endpoint[sender ^ 1];
    uint16_t flags = segment->flags;
    int closing_flags = !!(flags & TEARDOWN_TH_SYN) + !!(flags & TEARDOWN_TH_FIN) + !!(flags & TEARDOWN_TH_RST);
    bool keep_alive = segment->len <= 1 && segment->seq == own->next_seq - 1;

    if (closing_flags > 1) {
        history_once(connection,
                     (flags & TEARDOWN_TH_FIN) && (flags & TEARDOWN_TH_RST) ? LETTER_INCONSISTENT : LETTER_MULTI_FLAG,
                     sender);
    } else if (flags & TEARDOWN_TH_SYN) {
        history_once(connection, (flags & TEARDOWN_TH_ACK) ? LETTER_SYN_ACK : LETTER_SYN, sender);
    } else if (flags & TEARDOWN_TH_FIN) {
        if (!history_has(connection, LETTER_FIN, sender) ||
            (own->fin_frame != 0 && segment->seq + segment->len != own->fin_seq))
            history_add(connection, LETTER_FIN, sender);
    } else if (flags & TEARDOWN_TH_RST) {
        if (!history_has(connection, LETTER_RST, sender) || (own->rst_frame != 0 && segment->seq != own->rst_seq))
            history_add(connection, LETTER_RST, sender);
    } else if (segment->len > 0) {
        history_once(connection, LETTER_DATA, sender);
    } else if (flags & TEARDOWN_TH_ACK) {
        history_once(connection, LETTER_ACK, sender);
    }
    if (segment->window == 0 && !(flags & TEARDOWN_TH_RST) && own->rst_frame == 0 && peer->fin_frame == 0)
        history_scaled(connection, LETTER_ZERO_WINDOW, sender, &connection->zero_windows[sender]);
    if (segment->len > 0 && own->sent_any && !(flags & TEARDOWN_TH_SYN) && !keep_alive &&
        seq_distance(segment->seq + segment->len, own->next_seq) <= 0)
        history_scaled(connection, LETTER_RETRANSMISSION, sender, &connection->retransmitted[sender]);
}

/* Zeek's originator: the client; without a handshake or a port to tell it,
 * the first segment's sender. */
static uint8_t
originator_of(const struct teardown_connection *connection)
{
    if (connection->client != TEARDOWN_NO_ENDPOINT)
        return connection->client;
    return connection->history[0] != 0 ? (uint8_t)((connection->history[0] - 1) & 1) : 0;
}

void
teardown_conn_history(const struct teardown_connection *connection, char text[TEARDOWN_HISTORY_SIZE])
{
    uint8_t originator = originator_of(connection);
    size_t n = 0;

    /* Zeek flips a connection whose first packet came from the responder. */
    if (connection->history[0] != 0 && ((connection->history[0] - 1) & 1) != originator)
        text[n++] = '^';
    for (size_t i = 0; i < TEARDOWN_HISTORY_LETTERS && connection->history[i] != 0; i++) {
        uint8_t code = (uint8_t)(connection->history[i] - 1);
        char letter = history_letters[code >> 1];

        text[n++] = (code & 1) == originator ? (char)(letter - 'a' + 'A') : letter;
    }
    text[n] = '\0';
}

/* Zeek's endpoint states (TCP_ENDPOINT_*). */
enum zeek_endpoint {
    ZEEK_INACTIVE, ZEEK_SYN_SENT, ZEEK_SYN_ACK_SENT, ZEEK_PARTIAL, ZEEK_ESTABLISHED, ZEEK_CLOSED, ZEEK_RESET
};

/* An endpoint's latest: it sent an RST, else a FIN, else nothing at all;
 * else it opened or answered the handshake (established once the handshake
 * completed), or it sent without a SYN of its own (partial). */
static enum zeek_endpoint
zeek_endpoint_state(const struct teardown_connection *connection, uint8_t endpoint)
{
    const struct teardown_endpoint *own = &connection->endpoint[endpoint];
    bool sent_syn = connection->syn_sender == endpoint;
    bool sent_syn_ack = connection->synack_seen && connection->client != TEARDOWN_NO_ENDPOINT &&
                        endpoint != connection->client;

    if (own->rst_frame != 0)
        return ZEEK_RESET;
    if (own->fin_frame != 0)
        return ZEEK_CLOSED;
    if (!own->sent_any)
        return ZEEK_INACTIVE;
    if (!sent_syn && !sent_syn_ack)
        return ZEEK_PARTIAL;
    if (connection->established)
        return ZEEK_ESTABLISHED;
    return sent_syn ? ZEEK_SYN_SENT : ZEEK_SYN_ACK_SENT;
}

/* Whether the endpoint sent payload, as its history tells. */
static bool
sent_payload(const struct teardown_connection *connection, uint8_t endpoint)
{
    return history_has(connection, LETTER_DATA, endpoint) || history_has(connection, LETTER_RETRANSMISSION, endpoint);
}

/* Zeek's /^\^?S[^HAFGIQ]*R/ on the history: the originator's SYN, then its
 * RST, with none of its SYN+ACK, ACK, FIN, gap, i or q between. */
static bool
syn_then_rst(const char *history)
{
    if (*history == '^')
        history++;
    if (*history++ != 'S')
        return false;
    for (; *history != '\0'; history++) {
        if (*history == 'R')
            return true;
        if (strchr("HAFGIQ", *history) != NULL)
            return false;
    }
    return false;
}

/* Zeek's conn_state(), word for word, on the two endpoints' states. */
enum teardown_conn_state
teardown_conn_state_of(const struct teardown_connection *connection)
{
    uint8_t originator = originator_of(connection);
    enum zeek_endpoint os = zeek_endpoint_state(connection, originator);
    enum zeek_endpoint rs = zeek_endpoint_state(connection, originator ^ 1);
    bool o_inactive = os == ZEEK_INACTIVE || os == ZEEK_PARTIAL;
    bool r_inactive = rs == ZEEK_INACTIVE || rs == ZEEK_PARTIAL;
    char history[TEARDOWN_HISTORY_SIZE];

    if (rs == ZEEK_RESET) {
        if (os == ZEEK_SYN_SENT || os == ZEEK_SYN_ACK_SENT ||
            (os == ZEEK_RESET && !sent_payload(connection, originator) && !sent_payload(connection, originator ^ 1)))
            return TEARDOWN_CONN_REJ;
        return o_inactive ? TEARDOWN_CONN_RSTRH : TEARDOWN_CONN_RSTR;
    }
    if (os == ZEEK_RESET) {
        if (!r_inactive)
            return TEARDOWN_CONN_RSTO;
        teardown_conn_history(connection, history);
        return syn_then_rst(history) ? TEARDOWN_CONN_RSTOS0 : TEARDOWN_CONN_OTH;
    }
    if (rs == ZEEK_CLOSED && os == ZEEK_CLOSED)
        return TEARDOWN_CONN_SF;
    if (os == ZEEK_CLOSED)
        return r_inactive ? TEARDOWN_CONN_SH : TEARDOWN_CONN_S2;
    if (rs == ZEEK_CLOSED)
        return o_inactive ? TEARDOWN_CONN_SHR : TEARDOWN_CONN_S3;
    if (os == ZEEK_SYN_SENT && rs == ZEEK_INACTIVE)
        return TEARDOWN_CONN_S0;
    if (os == ZEEK_ESTABLISHED && rs == ZEEK_ESTABLISHED)
        return TEARDOWN_CONN_S1;
    return TEARDOWN_CONN_OTH;
}

const char *
teardown_conn_state_name(enum teardown_conn_state state)
{
    static const char *const names[] = {
        [TEARDOWN_CONN_S0] = "S0", [TEARDOWN_CONN_S1] = "S1", [TEARDOWN_CONN_SF] = "SF",
        [TEARDOWN_CONN_REJ] = "REJ", [TEARDOWN_CONN_S2] = "S2", [TEARDOWN_CONN_S3] = "S3",
        [TEARDOWN_CONN_RSTO] = "RSTO", [TEARDOWN_CONN_RSTR] = "RSTR", [TEARDOWN_CONN_RSTOS0] = "RSTOS0",
        [TEARDOWN_CONN_RSTRH] = "RSTRH", [TEARDOWN_CONN_SH] = "SH", [TEARDOWN_CONN_SHR] = "SHR",
        [TEARDOWN_CONN_OTH] = "OTH",
    };

    return state < TEARDOWN_CONN_STATE_COUNT ? names[state] : "OTH";
}

const char *
teardown_conn_closer_name(enum teardown_conn_closer closer)
{
    switch (closer) {
    case TEARDOWN_CLOSER_CLIENT:  return "client";
    case TEARDOWN_CLOSER_SERVER:  return "server";
    case TEARDOWN_CLOSER_BOTH:    return "both";
    case TEARDOWN_CLOSER_UNKNOWN: return "unknown";
    case TEARDOWN_CLOSER_NONE:    break;
    }
    return "";
}

uint32_t
teardown_connection_end_frame(const struct teardown_connection *connection, const struct teardown_config *config)
{
    uint32_t decided = teardown_pattern_frame(connection);

    if (decided != 0)
        return decided;
    if (config->capture_end_known && connection->active != TEARDOWN_NO_ENDPOINT)
        return connection->last_step_frame;
    return 0;
}

/* A frame number as known at frame `now`. */
static uint32_t
known_at(uint32_t frame, uint32_t now)
{
    return frame <= now ? frame : 0;
}

static enum teardown_conn_closer
closer_of(const struct teardown_connection *connection, const struct teardown_summary *summary)
{
    if (!summary->closed)
        return TEARDOWN_CLOSER_NONE;
    if (connection->simultaneous && summary->pattern == TEARDOWN_PATTERN_SIMULTANEOUS)
        return TEARDOWN_CLOSER_BOTH;
    switch (summary->closer_side) {
    case TEARDOWN_SIDE_CLIENT: return TEARDOWN_CLOSER_CLIENT;
    case TEARDOWN_SIDE_SERVER: return TEARDOWN_CLOSER_SERVER;
    default:                   return TEARDOWN_CLOSER_UNKNOWN;
    }
}

/* The frames the verdict rests on, as known at `now`. */
static void
describe_evidence(const struct teardown_connection *connection, uint32_t now, struct teardown_conn *out)
{
    const struct teardown_endpoint *endpoint = connection->endpoint;

    if (connection->active != TEARDOWN_NO_ENDPOINT) {
        out->first_fin_frame = known_at(endpoint[connection->active].fin_frame, now);
        if (out->first_fin_frame != 0)
            out->fin_ack_frame = known_at(endpoint[connection->active].ack_frame, now);
    }
    if (out->summary.rst_ended) {
        uint32_t decided = teardown_pattern_frame(connection);
        uint8_t sender = endpoint[0].rst_frame == decided ? 0 : 1;

        out->rst_frame = decided;
        out->alive_frame = known_at(endpoint[sender].alive_frame, now);
    }
}

/* How long each side took, and the silence before the close: from the
 * times the connection keeps, over continuous capture only, as the frames
 * themselves show them (teardown_verdict_expand()). */
static void
describe_times(const struct teardown_connection *connection, uint32_t frame, uint32_t now, int64_t time_ns,
               const struct teardown_config *config, struct teardown_conn *out)
{
    uint8_t pattern = out->summary.pattern;

    if (out->first_fin_frame != 0 && connection->step1_idle_known) {
        out->idle_known = true;
        out->idle_ns = connection->step1_idle_ns;
    } else if ((pattern == TEARDOWN_PATTERN_ABORT || pattern == TEARDOWN_PATTERN_RESET) && connection->end_idle_known) {
        out->idle_known = true;
        out->idle_ns = connection->end_idle_ns;
    }
    if (out->idle_known && (out->idle_timer_s = teardown_idle_timer(out->idle_ns, config)) != 0)
        out->checks |= TEARDOWN_CHECK_IDLE_TIMER_CLOSE;
    if (out->first_fin_frame == 0)
        return;
    if (known_at(connection->step3_frame, now) != 0 && !connection->simultaneous &&
        connection->step3_stretch == connection->step1_stretch) {
        out->close_delay_known = true;
        out->close_delay_ns = teardown_time_since(connection->step3_time_ns, connection->step1_time_ns);
        if (out->close_delay_ns >= config->slow_close_ns)
            out->checks |= TEARDOWN_CHECK_SLOW_CLOSE;
    }
    if (!out->at_end || pattern == TEARDOWN_PATTERN_INCOMPLETE)
        return;
    out->duration_known = true;
    out->duration_ns = teardown_time_since(time_ns, connection->step1_time_ns);
    if (connection->step3_frame != 0 && connection->endpoint[connection->active ^ 1].ack_frame == frame &&
        config->stretch == connection->step3_stretch) {
        out->last_ack_delay_known = true;
        out->last_ack_delay_ns = teardown_time_since(time_ns, connection->step3_time_ns);
    }
}

/* Who is left holding a state: the first closer of a graceful close holds
 * TIME-WAIT (both, in a simultaneous close); a passive closer that never
 * closed, CLOSE-WAIT (the end of the capture tells, on the last step frame,
 * when long enough to be stuck). */
static void
describe_holders(const struct teardown_connection *connection, uint32_t frame, int64_t time_ns,
                 const struct teardown_config *config, struct teardown_conn *out)
{
    struct teardown_annotation unfinished;

    if (teardown_pattern_graceful((enum teardown_pattern)out->summary.pattern)) {
        out->time_wait_both = connection->simultaneous;
        if (!connection->simultaneous)
            out->time_wait_side = side_of(connection, connection->active);
        return;
    }
    if (!out->at_end || out->summary.pattern != TEARDOWN_PATTERN_INCOMPLETE)
        return;
    memset(&unfinished, 0, sizeof unfinished);
    teardown_expand_unfinished(connection, frame, time_ns, config, &unfinished);
    out->checks |= unfinished.checks;
    if (out->summary.half_closed)
        out->close_wait_side = side_of(connection, connection->active ^ 1);
}

void
teardown_connection_describe(const struct teardown_connection *connection, uint32_t frame, int64_t time_ns,
                             const struct teardown_config *config, struct teardown_conn *out)
{
    uint32_t now = config->capture_end_known ? UINT32_MAX : frame;

    memset(out, 0, sizeof *out);
    teardown_connection_summarize(connection, frame, config, &out->summary);
    out->closer = closer_of(connection, &out->summary);
    out->state = teardown_conn_state_of(connection);
    out->originator = originator_of(connection);
    teardown_conn_history(connection, out->history);
    out->end_frame = teardown_connection_end_frame(connection, config);
    out->at_end = out->end_frame != 0 && out->end_frame == frame;
    out->last_frame = known_at(connection->last_frame, now);
    describe_evidence(connection, now, out);
    describe_times(connection, frame, now, time_ns, config, out);
    describe_holders(connection, frame, time_ns, config, out);
}
