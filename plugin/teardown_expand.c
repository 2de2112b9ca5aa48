/* teardown_expand.c: what a stored verdict means once drawn (every link,
 * number and time, and what the settings and the capture's end decide), and
 * what is known of a whole connection at one of its frames.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_settings.h"
#include "teardown_state_internal.h"

#include <string.h>

/* A frame number as known when the segment of frame `now` was fed. */
static uint32_t
known_at(uint32_t frame, uint32_t now)
{
    return frame <= now ? frame : 0;
}

/* How long each side took, and how long the connection was idle before it
 * closed: from the times the connection keeps and this frame's. */
static void
expand_times(const struct teardown_connection *connection, const struct teardown_verdict *verdict,
             uint32_t frame, int64_t time_ns, const struct teardown_config *config,
             struct teardown_annotation *out)
{
    bool first_transmission = !verdict->retransmission;

    if ((verdict->steps & TEARDOWN_STEP(1)) && first_transmission && connection->step1_idle_known) {
        out->idle_known = true;
        out->idle_ns = connection->step1_idle_ns;
    }
    if (verdict->rst && connection->end_idle_known &&
        (verdict->pattern == TEARDOWN_PATTERN_RESET || verdict->pattern == TEARDOWN_PATTERN_ABORT)) {
        out->idle_known = true;
        out->idle_ns = connection->end_idle_ns;
    }
    if (out->idle_known) {
        out->idle_timer_s = teardown_idle_timer(out->idle_ns, config);
        if (out->idle_timer_s != 0)
            out->checks |= TEARDOWN_CHECK_IDLE_TIMER_CLOSE;
    }
    if (out->step1_frame == 0)
        return;
    /* Times are measured over continuous capture only. */
    if ((verdict->steps & TEARDOWN_STEP(2)) && config->stretch == connection->step1_stretch) {
        out->ack_delay_known = true;
        out->ack_delay_ns = teardown_time_since(time_ns, connection->step1_time_ns);
    }
    if ((verdict->steps & TEARDOWN_STEP(3)) && first_transmission && !connection->simultaneous &&
        connection->step3_frame == frame && config->stretch == connection->step1_stretch) {
        out->close_delay_known = true;
        out->close_delay_ns = teardown_time_since(time_ns, connection->step1_time_ns);
        out->half_close_segments = connection->half_close_segments;
        if (out->close_delay_ns >= config->slow_close_ns)
            out->checks |= TEARDOWN_CHECK_SLOW_CLOSE;
    }
    if ((verdict->steps & TEARDOWN_STEP(4)) && config->stretch == connection->step3_stretch) {
        out->last_ack_delay_known = true;
        out->last_ack_delay_ns = teardown_time_since(time_ns, connection->step3_time_ns);
    }
}

/* The last step frame of a teardown that never completed, once the whole
 * capture was read: how long it stayed unfinished while the capture ran on
 * (to the end of its stretch of continuous capture), and what that says.
 * Only what the capture could have shown the answer to is a warning: the
 * peer's direction was captured, and its sender retried a FIN nobody
 * acknowledged, or a passive closer held CLOSE-WAIT for stuck_after while
 * the capture ran on (silent: a passive closer still sending data is in a
 * half-close).  Otherwise a note says the teardown was still under way, or
 * that the peer's direction was never captured. */
void
teardown_expand_unfinished(const struct teardown_connection *connection, uint32_t frame, int64_t time_ns,
                  const struct teardown_config *config, struct teardown_annotation *out)
{
    const struct teardown_endpoint *active, *passive;
    uint32_t check = 0;

    if (!config->capture_end_known || frame != connection->last_step_frame || connection->ended ||
        connection->pattern != TEARDOWN_PATTERN_NONE || connection->active == TEARDOWN_NO_ENDPOINT)
        return;
    active = &connection->endpoint[connection->active];
    passive = &connection->endpoint[connection->active ^ 1];
    out->unfinished_known = true;
    out->unfinished_ns = teardown_time_since(config->stretch_end_ns, time_ns);
    if (!passive->sent_any) {
        out->checks |= TEARDOWN_CHECK_DIRECTION_NOT_CAPTURED;
        return;
    }
    if (connection->step3_frame != 0)
        return;
    /* A FIN nobody acknowledged has waited since its first copy, however
     * recently it was sent again; a CLOSE-WAIT since the ACK that began it. */
    out->waiting_ns = active->ack_frame == 0 && connection->step1_stretch == config->stretch
                          ? teardown_time_since(config->stretch_end_ns, connection->step1_time_ns)
                          : out->unfinished_ns;
    if (out->waiting_ns < config->slow_close_ns)
        return;
    if (active->ack_frame == 0) {
        check = active->retried && !active->acked_beyond ? TEARDOWN_CHECK_FIN_UNANSWERED
                                                         : TEARDOWN_CHECK_UNFINISHED_AT_END;
        out->unfinished_why = active->acked_beyond ? TEARDOWN_UNFINISHED_ACKED_BEYOND : TEARDOWN_UNFINISHED_NOT_RESENT;
    } else if (connection->half_close_segments > 0 &&
               teardown_time_since(config->stretch_end_ns, connection->half_close_last_ns) <= config->slow_close_ns) {
        check = TEARDOWN_CHECK_CLOSE_WAIT_SENDING;
    } else {
        check = out->waiting_ns >= config->stuck_after_ns ? TEARDOWN_CHECK_CLOSE_WAIT_STUCK
                                                             : TEARDOWN_CHECK_UNFINISHED_AT_END;
        out->unfinished_why = TEARDOWN_UNFINISHED_CLOSE_WAIT_SHORT;
    }
    if (check & (TEARDOWN_CHECK_CLOSE_WAIT_STUCK | TEARDOWN_CHECK_CLOSE_WAIT_SENDING))
        out->holder_side = side_of(connection, connection->active ^ 1);
    out->checks |= check;
}

void
teardown_reuse_judge(const struct teardown_connection *earlier,
                     const struct teardown_connection *later, int64_t syn_time_ns,
                     const struct teardown_config *config, struct teardown_reuse *out)
{
    memset(out, 0, sizeof *out);
    /* A gap is measured over continuous capture only. */
    out->gap_known = config->stretch == earlier->last_stretch;
    if (out->gap_known)
        out->gap_ns = teardown_time_since(syn_time_ns, earlier->last_time_ns);
    out->answer = later->syn_answer;
    out->answer_known = config->capture_end_known;
    if (!teardown_pattern_graceful((enum teardown_pattern)earlier->pattern))
        return;
    out->holder_known = true;
    out->holder_endpoint = earlier->active;
    out->time_wait_holder = side_of(earlier, earlier->active);
    /* A clock that went backwards tells nothing of the gap. */
    if (out->gap_known && out->gap_ns >= 0 && out->gap_ns < config->time_wait_ns)
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
teardown_verdict_expand(const struct teardown_connection *connection,
                        const struct teardown_verdict *verdict,
                        const struct teardown_rst_verdict *rst,
                        uint32_t frame, int64_t time_ns,
                        const struct teardown_config *config,
                        struct teardown_annotation *out)
{
    const struct teardown_endpoint *own = &connection->endpoint[verdict->endpoint];
    const struct teardown_endpoint *peer = &connection->endpoint[verdict->endpoint ^ 1];
    bool has_step1 = connection->active != TEARDOWN_NO_ENDPOINT &&
                     known_at(connection->endpoint[connection->active].fin_frame, frame) != 0;

    memset(out, 0, sizeof *out);
    out->verdict = *verdict;
    out->checks = verdict->checks;
    out->in_teardown = verdict->role != TEARDOWN_ROLE_NONE;
    out->pattern = verdict->pattern;
    /* An ACK beyond the FIN covered it when it came; once the whole capture
     * showed the FIN sent again, its sender never accepted that ACK: no
     * step, nothing changed state. */
    if (config->capture_end_known && (verdict->steps & TEARDOWN_STEP(2)) &&
        (verdict->checks & TEARDOWN_CHECK_ACK_BEYOND_FIN) && peer->beyond_refused) {
        out->verdict.steps &= (uint8_t)~TEARDOWN_STEP(2);
        out->verdict.state_after[0] = verdict->state_before[0];
        out->verdict.state_after[1] = verdict->state_before[1];
        out->ack_refused = true;
    }
    /* ... and the FIN sent again, which took it back, takes nothing back. */
    if (config->capture_end_known && verdict->retransmission && own->beyond_refused &&
        verdict->state_before[verdict->endpoint] == TEARDOWN_STATE_FIN_WAIT_2 &&
        verdict->state_after[verdict->endpoint] == TEARDOWN_STATE_FIN_WAIT_1)
        out->verdict.state_before[verdict->endpoint] = TEARDOWN_STATE_FIN_WAIT_1;
    /* After the whole capture was read, every frame shows how it ended. */
    if (out->pattern == TEARDOWN_PATTERN_NONE && out->in_teardown && config->capture_end_known)
        out->pattern = teardown_connection_final_pattern(connection);
    /* An attempt refused or abandoned and sent again goes on in the same
     * connection, whose later close may be the other side's: the RST that
     * ended the attempt, its only frame in a teardown, keeps its own sender
     * and its one segment. */
    bool attempt_ended = verdict->pattern == TEARDOWN_PATTERN_REFUSED || verdict->pattern == TEARDOWN_PATTERN_ABANDONED;
    if (out->in_teardown) {
        out->initiator = attempt_ended ? verdict->sender_side : connection->initiator;
        out->initiator_by_port = connection->initiator_by_port;
    }
    out->receiver = verdict->endpoint ^ 1;
    out->closer = has_step1 ? connection->active : verdict->endpoint;
    out->passive = out->closer ^ 1;
    out->port[0] = connection->endpoint[0].port;
    out->port[1] = connection->endpoint[1].port;
    out->end_seq = verdict->seq + verdict->len;
    out->own_fin_frame = known_at(own->fin_frame, frame);
    if (out->own_fin_frame != 0) {
        out->own_fin_seq = own->fin_seq;
        out->expected_seq = own->fin_seq + 1;
    }
    out->peer_fin_frame = known_at(peer->fin_frame, frame);
    if (out->peer_fin_frame != 0) {
        out->peer_fin_seq = peer->fin_seq;
        out->expected_ack = peer->fin_seq + 1;
    }
    if (out->verdict.steps & TEARDOWN_ACK_STEPS)
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
        out->rst_unknown = rst->unknown;
        out->rst_discards = rst->discards;
        /* A sender alive after its first RST did not send it. */
        if (own->rst_frame == frame && own->alive_frame != 0) {
            out->alive_frame = own->alive_frame;
            out->rst_origin = TEARDOWN_RST_ORIGIN_PATH;
            out->rst_unknown = TEARDOWN_RST_KNOWN;
        }
    }
    if (verdict->pattern != TEARDOWN_PATTERN_NONE)
        out->segments = attempt_ended ? 1 : connection->pattern_segments;
    if (has_step1) {
        out->step1_frame = connection->endpoint[connection->active].fin_frame;
        if ((verdict->steps & TEARDOWN_STEP(4)) || verdict->pattern != TEARDOWN_PATTERN_NONE) {
            out->duration_ns = teardown_time_since(time_ns, connection->step1_time_ns);
            out->clock_backwards = out->duration_ns < 0;
        }
        out->duration_known = verdict->steps & TEARDOWN_STEP(4);
    }
    expand_times(connection, verdict, frame, time_ns, config, out);
    teardown_expand_unfinished(connection, frame, time_ns, config, out);
}

uint32_t
teardown_pattern_frame(const struct teardown_connection *connection)
{
    const struct teardown_endpoint *endpoint = connection->endpoint;
    uint32_t first_rst = endpoint[0].rst_frame;

    if (connection->pattern == TEARDOWN_PATTERN_NONE)
        return 0;
    if (teardown_pattern_graceful((enum teardown_pattern)connection->pattern))
        return endpoint[0].ack_frame > endpoint[1].ack_frame ? endpoint[0].ack_frame : endpoint[1].ack_frame;
    if (first_rst == 0 || (endpoint[1].rst_frame != 0 && endpoint[1].rst_frame < first_rst))
        first_rst = endpoint[1].rst_frame;
    return first_rst;
}

void
teardown_connection_summarize(const struct teardown_connection *connection, uint32_t frame,
                              const struct teardown_config *config, struct teardown_summary *out)
{
    const struct teardown_endpoint *endpoint = connection->endpoint;
    uint32_t now = config->capture_end_known ? UINT32_MAX : frame;
    uint32_t decided = teardown_pattern_frame(connection);
    uint8_t active = connection->active;
    bool began = active != TEARDOWN_NO_ENDPOINT && known_at(endpoint[active].fin_frame, now) != 0;

    memset(out, 0, sizeof *out);
    if (decided != 0 && decided <= now)
        out->pattern = connection->pattern;
    else if (began || (config->capture_end_known && active != TEARDOWN_NO_ENDPOINT))
        out->pattern = TEARDOWN_PATTERN_INCOMPLETE;
    out->closed = out->pattern != TEARDOWN_PATTERN_NONE;
    out->closer_side = out->closed ? connection->initiator : TEARDOWN_SIDE_UNKNOWN;
    out->half_closed = out->pattern == TEARDOWN_PATTERN_INCOMPLETE && began &&
                       known_at(endpoint[active].ack_frame, now) != 0 &&
                       known_at(endpoint[active ^ 1].fin_frame, now) == 0;
    out->rst_ended = out->closed && out->pattern != TEARDOWN_PATTERN_INCOMPLETE &&
                     !teardown_pattern_graceful((enum teardown_pattern)out->pattern);
    if (out->rst_ended) {
        uint8_t sender = endpoint[0].rst_frame == decided ? 0 : 1;

        out->rst_sender_side = side_of(connection, sender);
        out->rst_origin = connection->end_rst_origin;
        if (known_at(endpoint[sender].alive_frame, now) != 0)
            out->rst_origin = TEARDOWN_RST_ORIGIN_PATH;
        out->rst_cause = connection->end_rst_cause;
    }
}

enum teardown_pattern
teardown_connection_final_pattern(const struct teardown_connection *connection)
{
    if (connection->pattern == TEARDOWN_PATTERN_NONE && connection->active != TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_PATTERN_INCOMPLETE;
    return connection->pattern;
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
