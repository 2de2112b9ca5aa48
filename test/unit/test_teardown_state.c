/* test_teardown_state.c: unit tests of the teardown state machine, one
 * scenario each, checking what is said after every segment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Segments are written like a packet diagram:
 *     seg(&t, CLIENT, "FA", seq, ack, len)
 * with flags F(IN) S(YN) R(ST) A(CK); the client is endpoint 0 on port
 * 40000, the server endpoint 1 on port 22 unless a test says otherwise.
 */
#include <glib.h>

#include "teardown_settings.h"
#include "teardown_state.h"

#define CLIENT 0
#define SERVER 1
#define STEP(n) TEARDOWN_STEP(n)
#define NANOS_PER_MS INT64_C(1000000)
#define MAX_FRAMES 64

/* Idle timers of 2 s and 350 s, CLOSE-WAIT slow from 1 s and stuck from
 * 10 s, TIME-WAIT 60 s; the end of the capture not yet known. */
static const uint32_t test_idle_timers_s[] = { 2, 350 };
static const struct teardown_config test_config = {
    .idle_timers_s = test_idle_timers_s, .idle_timer_count = 2,
    .slow_close_ns = 1000 * NANOS_PER_MS, .time_wait_ns = 60000 * NANOS_PER_MS,
    .stuck_after_ns = 10000 * NANOS_PER_MS,
};

struct trace {
    struct teardown_connection stream;
    struct teardown_annotation said;  /* about the last segment */
    struct teardown_rst_verdict rst;  /* ... when it was an RST */
    struct kept {                     /* each frame's verdict, to expand again */
        bool annotated;
        struct teardown_verdict verdict;
        struct teardown_rst_verdict rst;
        int64_t time_ns;
    } kept[MAX_FRAMES + 1];           /* by frame number */
    uint8_t hops[2];                  /* each endpoint's TTL, 0: unknown */
    uint16_t ip_id[2];                /* each endpoint's next IPv4 ID, counted
                                         up per segment; 0: unknown */
    uint32_t stretch;                 /* of continuous capture, for the next */
    uint16_t port[2];
    uint32_t frame;
    int64_t time_ns;
};

static void
trace_init(struct trace *t, uint16_t port0, uint16_t port1)
{
    teardown_connection_init(&t->stream);
    memset(t->kept, 0, sizeof t->kept);
    t->port[0] = port0;
    t->port[1] = port1;
    t->frame = 0;
    t->time_ns = 1700000000 * INT64_C(1000000000);
    t->hops[0] = t->hops[1] = 0;
    t->ip_id[0] = t->ip_id[1] = 0;
    t->stretch = 0;
}

static uint16_t
parse_flags(const char *flags)
{
    uint16_t bits = 0;

    for (; *flags; flags++) {
        switch (*flags) {
        case 'F': bits |= TEARDOWN_TH_FIN; break;
        case 'S': bits |= TEARDOWN_TH_SYN; break;
        case 'R': bits |= TEARDOWN_TH_RST; break;
        case 'A': bits |= TEARDOWN_TH_ACK; break;
        default:  g_assert_not_reached();
        }
    }
    return bits;
}

/* Feeds the next frame, 10 ms after the previous one; true if annotated. */
static bool
seg(struct trace *t, int from, const char *flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    struct teardown_segment segment = {
        .frame = ++t->frame,
        .endpoint = (uint8_t)from,
        .src_port = t->port[from],
        .dst_port = t->port[from ^ 1],
        .flags = parse_flags(flags),
        .seq = seq,
        .ack = ack,
        .len = len,
        .time_ns = (t->time_ns += 10 * NANOS_PER_MS),
        .hops = t->hops[from],
        .hops_known = t->hops[from] != 0,
        .ip_id = t->ip_id[from],
        .ip_id_known = t->ip_id[from] != 0,
        .stretch = t->stretch,
    };
    struct kept *kept = &t->kept[segment.frame];

    g_assert_cmpuint(segment.frame, <=, MAX_FRAMES);
    if (t->ip_id[from] != 0)
        t->ip_id[from]++;
    kept->annotated = teardown_connection_update(&t->stream, &segment, &kept->verdict, &kept->rst);
    kept->time_ns = segment.time_ns;
    t->rst = kept->rst;
    if (kept->annotated)
        teardown_verdict_expand(&t->stream, &kept->verdict, kept->verdict.rst ? &kept->rst : NULL,
                                segment.frame, segment.time_ns, &test_config, &t->said);
    else
        memset(&t->said, 0, sizeof t->said);
    return kept->annotated;
}

/* What frame, annotated when it was fed, says once the whole capture was
 * read, the capture's last frame coming end_after_ns after the latest one
 * fed; into t->said. */
static void
said_at_end(struct trace *t, uint32_t frame, int64_t end_after_ns)
{
    struct teardown_config config = test_config;
    const struct kept *kept = &t->kept[frame];

    g_assert_true(kept->annotated);
    config.capture_end_known = true;
    config.stretch_end_ns = t->time_ns + end_after_ns;
    teardown_verdict_expand(&t->stream, &kept->verdict, kept->verdict.rst ? &kept->rst : NULL, frame,
                            kept->time_ns, &config, &t->said);
}

/* A segment from endpoint `from` with these flags and sequence number, as
 * teardown_connection_starts_over() is asked about it before it is fed. */
static struct teardown_segment
segment_of(int from, const char *flags, uint32_t seq)
{
    return (struct teardown_segment) { .endpoint = (uint8_t)from, .flags = parse_flags(flags), .seq = seq };
}

/* A client on 40000 has opened a connection to a server on 22 and both have
 * sent data: the client's next seq is 1001 + client_data, the server's 5001
 * + server_data. */
static void
open_connection(struct trace *t, uint32_t client_isn, uint32_t server_isn)
{
    trace_init(t, 40000, 22);
    g_assert_false(seg(t, CLIENT, "S", client_isn, 0, 0));
    g_assert_false(seg(t, SERVER, "SA", server_isn, client_isn + 1, 0));
    g_assert_false(seg(t, CLIENT, "A", client_isn + 1, server_isn + 1, 0));
    g_assert_false(seg(t, CLIENT, "A", client_isn + 1, server_isn + 1, 100));
    g_assert_false(seg(t, SERVER, "A", server_isn + 1, client_isn + 101, 200));
}

static void
assert_said(const struct trace *t, uint8_t steps, enum teardown_role role,
            enum teardown_pattern pattern, uint16_t checks)
{
    g_assert_cmpuint(t->said.verdict.steps, ==, steps);
    g_assert_cmpuint(t->said.verdict.role, ==, role);
    g_assert_cmpuint(t->said.verdict.pattern, ==, pattern);
    g_assert_cmpuint(t->said.verdict.checks, ==, checks);
}

#define ESTABLISHED TEARDOWN_STATE_ESTABLISHED
#define FIN_WAIT_1  TEARDOWN_STATE_FIN_WAIT_1
#define FIN_WAIT_2  TEARDOWN_STATE_FIN_WAIT_2
#define CLOSING     TEARDOWN_STATE_CLOSING
#define TIME_WAIT   TEARDOWN_STATE_TIME_WAIT
#define CLOSE_WAIT  TEARDOWN_STATE_CLOSE_WAIT
#define LAST_ACK    TEARDOWN_STATE_LAST_ACK
#define CLOSED      TEARDOWN_STATE_CLOSED
#define SYN_SENT    TEARDOWN_STATE_SYN_SENT

/* The states both endpoints are in once the last segment was sent and
 * received, as the capture point sees it (RFC 9293 §3.3.2). */
static void
assert_states(const struct trace *t, enum teardown_tcp_state client, enum teardown_tcp_state server)
{
    g_assert_cmpstr(teardown_tcp_state_name(t->said.verdict.state_after[CLIENT]), ==,
                    teardown_tcp_state_name(client));
    g_assert_cmpstr(teardown_tcp_state_name(t->said.verdict.state_after[SERVER]), ==,
                    teardown_tcp_state_name(server));
}

/* The classic capture: the server closes first, the client answers its FIN
 * with a bare ACK and sends its own FIN later. */
static void
test_four_way_server_closes(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);   /* client next 1101, server next 5201 */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 6 */
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(t.said.verdict.sender_side, ==, TEARDOWN_SIDE_SERVER);
    g_assert_false(t.said.initiator_by_port);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, ESTABLISHED);
    assert_states(&t, CLOSE_WAIT, FIN_WAIT_1);

    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));                  /* frame 7 */
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    assert_states(&t, CLOSE_WAIT, FIN_WAIT_2);
    g_assert_cmpuint(t.said.fin_frame, ==, 6);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(t.stream.endpoint[SERVER].ack_frame, ==, 7);

    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));                 /* frame 8 */
    assert_said(&t, STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    assert_states(&t, LAST_ACK, TIME_WAIT);

    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));                  /* frame 9 */
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_FOUR_WAY, 0);
    assert_states(&t, CLOSED, TIME_WAIT);
    g_assert_cmpuint(t.said.fin_frame, ==, 8);
    g_assert_cmpint(t.said.duration_ns, ==, 30 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.segments, ==, 4);
    g_assert_cmpuint(t.stream.endpoint[CLIENT].ack_frame, ==, 9);
    g_assert_cmpuint(teardown_connection_final_pattern(&t.stream), ==, TEARDOWN_PATTERN_FOUR_WAY);
}

/* The client closes and the server closes at once: its FIN+ACK is steps 2
 * and 3 in one segment. */
static void
test_three_way_client_closes(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_CLIENT);
    assert_states(&t, FIN_WAIT_1, CLOSE_WAIT);

    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    assert_said(&t, STEP(2) | STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.fin_frame, ==, 6);
    assert_states(&t, TIME_WAIT, LAST_ACK);

    g_assert_true(seg(&t, CLIENT, "A", 1102, 5202, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_THREE_WAY, 0);
    g_assert_cmpuint(t.said.fin_frame, ==, 7);
    assert_states(&t, TIME_WAIT, CLOSED);
    g_assert_cmpuint(t.said.segments, ==, 3);
}

/* The FINs cross: neither acknowledges the other, both ends are active
 * closers (RFC 9293 §3.6), step 3 comes before step 2, and the teardown
 * completes on step 2. */
static void
test_simultaneous_close(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));                 /* frame 6 */
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
    assert_states(&t, FIN_WAIT_1, CLOSE_WAIT);

    /* The server's FIN shows it never saw the client's: it was ESTABLISHED
     * when it sent it, and both ends pass through CLOSING. */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 7 */
    assert_said(&t, STEP(3), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, ESTABLISHED);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, FIN_WAIT_1);
    assert_states(&t, CLOSING, CLOSING);

    g_assert_true(seg(&t, CLIENT, "A", 1102, 5202, 0));                  /* frame 8 */
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.fin_frame, ==, 7);
    assert_states(&t, CLOSING, TIME_WAIT);

    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));                  /* frame 9 */
    assert_said(&t, STEP(2), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_SIMULTANEOUS, 0);
    g_assert_cmpuint(t.said.fin_frame, ==, 6);
    assert_states(&t, TIME_WAIT, TIME_WAIT);
}

/* A FIN that comes after step 2 and still does not cover the first FIN is
 * no simultaneous close: its ACK went backwards. */
static void
test_ack_regressed_after_step2(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);

    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    assert_said(&t, STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE,
                TEARDOWN_CHECK_ACK_REGRESSED);
    g_assert_cmpuint(t.said.peer_fin_seq, ==, 1101);
    g_assert_cmpuint(t.said.peer_fin_frame, ==, 6);

    g_assert_true(seg(&t, CLIENT, "A", 1102, 5202, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_FOUR_WAY, 0);
}

/* The passive closer keeps sending after acknowledging the FIN: normal, and
 * flagged on every data segment strictly between steps 2 and 3. */
static void
test_half_close_data(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 500));    /* step 2 with data */
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_false(t.said.verdict.half_close);

    g_assert_true(seg(&t, SERVER, "A", 5701, 1102, 500));
    assert_said(&t, 0, TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, TEARDOWN_CHECK_HALF_CLOSE_DATA);
    assert_states(&t, FIN_WAIT_2, CLOSE_WAIT);
    g_assert_true(t.said.verdict.half_close);
    g_assert_cmpuint(t.said.verdict.len, ==, 500);

    g_assert_false(seg(&t, CLIENT, "A", 1102, 6201, 0));     /* plain ACK of data */
    g_assert_false(seg(&t, SERVER, "A", 6201, 1102, 0));     /* no payload */

    g_assert_true(seg(&t, SERVER, "FA", 6201, 1102, 300));   /* step 3 with data */
    assert_said(&t, STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_false(t.said.verdict.half_close);

    g_assert_true(seg(&t, CLIENT, "A", 1102, 6502, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_FOUR_WAY, 0);
}

/* Data before the FIN in one segment: the FIN occupies seq + len. */
static void
test_fin_with_data(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 50));
    g_assert_cmpuint(t.stream.endpoint[CLIENT].fin_seq, ==, 1151);
    g_assert_false(seg(&t, SERVER, "A", 5201, 1151, 0));     /* data only */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1152, 0));
    assert_said(&t, STEP(2) | STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_true(seg(&t, CLIENT, "A", 1152, 5202, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_THREE_WAY, 0);
}

/* A FIN sent again is no new step: it carries its original's step and
 * links to it, and steps 2 and 4 name the first transmission. */
static void
test_fin_retransmission(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 6 */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 7 */
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE,
                TEARDOWN_CHECK_FIN_RETRANSMISSION);
    g_assert_true(t.said.verdict.retransmission);
    g_assert_cmpuint(t.said.original_frame, ==, 6);

    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));                 /* frame 8 */
    assert_said(&t, STEP(2) | STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.fin_frame, ==, 6);

    /* The merged frame again: only its FIN step; its ACK is old news. */
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));                 /* frame 9 */
    assert_said(&t, STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE,
                TEARDOWN_CHECK_FIN_RETRANSMISSION);
    g_assert_cmpuint(t.said.original_frame, ==, 8);

    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));                  /* frame 10 */
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_THREE_WAY, 0);
    g_assert_cmpuint(t.said.fin_frame, ==, 8);
}

/* Step 4 may ride on a retransmission of the step-1 FIN: its seq is then
 * the FIN's, not FIN + 1, and that is no mismatch. */
static void
test_step4_on_fin_retransmission(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));     /* crossing FIN */
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));
    assert_said(&t, STEP(1) | STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE,
                TEARDOWN_CHECK_FIN_RETRANSMISSION);
    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));
    assert_said(&t, STEP(2), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_SIMULTANEOUS, 0);
}

/* Only the first ACK covering a FIN is a step. */
static void
test_duplicate_acks_are_not_steps(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5202, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));
    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));
    g_assert_false(seg(&t, SERVER, "A", 5202, 1102, 0));
}

/* Sequence space wraps: a FIN at 2^32 - 1 is acknowledged by 0. */
static void
test_wraparound(void)
{
    struct trace t;

    open_connection(&t, 4294967295u - 101, 4294967295u - 201);
    /* client next seq 4294967295, server next seq 4294967295 */
    g_assert_true(seg(&t, CLIENT, "FA", 4294967295u, 4294967295u, 0));
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_true(seg(&t, SERVER, "FA", 4294967295u, 0, 0));
    assert_said(&t, STEP(2) | STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_true(seg(&t, CLIENT, "A", 0, 0, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_THREE_WAY, 0);
}

/* An ISN of 0 and a FIN just past it. */
static void
test_isn_zero(void)
{
    struct trace t;

    open_connection(&t, 0, 4294967295u);
    /* client next 101, server next 200 (wrapped) */
    g_assert_true(seg(&t, SERVER, "FA", 200, 101, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 101, 201, 0));
    assert_said(&t, STEP(2) | STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_true(seg(&t, SERVER, "A", 201, 102, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_THREE_WAY, 0);
}

/* An ACK past FIN + 1 still covers it (step), and warns, on steps and on
 * every later ACK alike. */
static void
test_ack_beyond_fin(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1105, 0));
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE,
                TEARDOWN_CHECK_ACK_BEYOND_FIN);
    g_assert_cmpuint(t.said.peer_fin_seq, ==, 1101);
    g_assert_cmpuint(t.said.verdict.ack, ==, 1105);
    /* Beyond the same FIN again: the same news, said once. */
    g_assert_false(seg(&t, SERVER, "A", 5201, 1103, 0));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1105, 0));
    /* The other FIN is judged on its own. */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1105, 0));
    assert_said(&t, STEP(3), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_true(seg(&t, CLIENT, "A", 1102, 5210, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_FOUR_WAY,
                TEARDOWN_CHECK_ACK_BEYOND_FIN);
}

static void
test_seq_mismatch(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1110, 5202, 0));
    assert_said(&t, STEP(4), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_THREE_WAY,
                TEARDOWN_CHECK_SEQ_MISMATCH);
    g_assert_cmpuint(t.said.own_fin_seq, ==, 1101);
    g_assert_cmpuint(t.said.verdict.seq, ==, 1110);
}

/* A second FIN elsewhere in sequence space is no step and no retransmission;
 * acknowledgements still refer to the first. */
static void
test_fin_seq_changed(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 1));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, TEARDOWN_CHECK_FIN_SEQ_CHANGED);
    g_assert_cmpuint(t.said.own_fin_seq, ==, 1101);
    g_assert_cmpuint(t.stream.endpoint[CLIENT].fin_seq, ==, 1101);
}

/* Data that ends past FIN + 1 is an error; a one-byte probe at the FIN's
 * own place is not. */
static void
test_data_after_fin(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5201, 1));     /* probe */
    g_assert_true(seg(&t, CLIENT, "A", 1102, 5201, 10));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, TEARDOWN_CHECK_DATA_AFTER_FIN);
    g_assert_cmpuint(t.said.own_fin_frame, ==, 6);
}

/* A FIN without ACK is wrong once the connection is synchronized, but the
 * first segment of a capture may be anything. */
static void
test_fin_without_ack(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "F", 1101, 0, 0));
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, TEARDOWN_CHECK_FIN_WITHOUT_ACK);

    trace_init(&t, 40000, 22);
    g_assert_true(seg(&t, CLIENT, "F", 1101, 0, 0));
    assert_said(&t, STEP(1), TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_NONE, 0);
}

/* An RST in mid-teardown ends it; nothing after it is annotated. */
static void
test_reset_during_teardown(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 100));
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1202, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_RESET,
                TEARDOWN_CHECK_RESET_DURING_TEARDOWN);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, FIN_WAIT_1);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, CLOSE_WAIT);
    assert_states(&t, CLOSED, CLOSED);
    g_assert_cmpuint(t.said.segments, ==, 2);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_CLIENT);
    g_assert_cmpuint(t.said.step1_frame, ==, 6);
    /* After the RST: a retransmitted FIN is nothing; another RST keeps its
     * origin, with no pattern or role. */
    g_assert_false(seg(&t, CLIENT, "FA", 1101, 5201, 100));
    g_assert_true(seg(&t, SERVER, "R", 5201, 0, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_NONE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_true(t.said.verdict.rst);
    g_assert_cmpuint(teardown_connection_final_pattern(&t.stream), ==, TEARDOWN_PATTERN_RESET);
}

/* An RST whose ACK covers the FIN is still no step 2. */
static void
test_rst_ack_is_never_a_step(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1102, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_RESET,
                TEARDOWN_CHECK_RESET_DURING_TEARDOWN);
    g_assert_cmpuint(t.stream.endpoint[CLIENT].ack_frame, ==, 0);
}

/* An RST after a completed teardown ends nothing more. */
static void
test_rst_after_completion(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1102, 5202, 0));
    /* No part in the teardown: only its origin and cause. */
    g_assert_true(seg(&t, SERVER, "R", 5202, 0, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_NONE, TEARDOWN_PATTERN_NONE, 0);
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_AFTER_CLOSE);
    g_assert_cmpuint(teardown_connection_final_pattern(&t.stream), ==, TEARDOWN_PATTERN_THREE_WAY);
}

/* An RST with no FIN before it in an established connection. */
static void
test_abort(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1101, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_ABORT, 0);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, ESTABLISHED);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, ESTABLISHED);
    assert_states(&t, CLOSED, CLOSED);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_false(seg(&t, CLIENT, "FA", 1101, 5201, 0));
}

static void
test_refused(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_REFUSED, 0);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, SYN_SENT);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, CLOSED);
    assert_states(&t, CLOSED, CLOSED);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
}

/* Mid-connection captures: the port below 1024 marks the server, and every
 * annotated frame says the roles were inferred. */
static void
test_initiator_by_port(void)
{
    struct trace t;

    trace_init(&t, 40000, 443);
    g_assert_false(seg(&t, CLIENT, "A", 1000, 5000, 10));
    g_assert_true(seg(&t, SERVER, "FA", 5000, 1010, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(t.said.verdict.sender_side, ==, TEARDOWN_SIDE_SERVER);
    g_assert_true(t.said.initiator_by_port);
    g_assert_true(seg(&t, CLIENT, "A", 1010, 5001, 0));
    g_assert_cmpuint(t.said.verdict.sender_side, ==, TEARDOWN_SIDE_CLIENT);
    g_assert_true(t.said.initiator_by_port);

    trace_init(&t, 40000, 50000);
    g_assert_true(seg(&t, SERVER, "FA", 5000, 1010, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_UNKNOWN);
    g_assert_false(t.said.initiator_by_port);

    trace_init(&t, 25, 110);
    g_assert_true(seg(&t, CLIENT, "FA", 5000, 1010, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_UNKNOWN);
}

/* The well-known range ends at 1023: port 1023 marks a server, 1024 does
 * not. */
static void
test_initiator_by_port_boundary(void)
{
    struct trace t;

    trace_init(&t, 1024, 1023);
    g_assert_true(seg(&t, CLIENT, "FA", 1000, 5000, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_CLIENT);
    g_assert_true(t.said.initiator_by_port);

    trace_init(&t, 1024, 40000);
    g_assert_true(seg(&t, CLIENT, "FA", 1000, 5000, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_UNKNOWN);
    g_assert_false(t.said.initiator_by_port);
}

/* An RST in each closing state ends the teardown as "reset", from the
 * states both ends were in. */
static void
assert_reset_from(const struct trace *t, enum teardown_tcp_state client,
                  enum teardown_tcp_state server, enum teardown_role role)
{
    assert_said(t, 0, role, TEARDOWN_PATTERN_RESET, TEARDOWN_CHECK_RESET_DURING_TEARDOWN);
    g_assert_cmpuint(t->said.verdict.state_before[CLIENT], ==, client);
    g_assert_cmpuint(t->said.verdict.state_before[SERVER], ==, server);
    assert_states(t, CLOSED, CLOSED);
    g_assert_cmpuint(teardown_connection_final_pattern(&t->stream), ==, TEARDOWN_PATTERN_RESET);
}

static void
test_reset_in_fin_wait_2(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1102, 0));
    assert_reset_from(&t, FIN_WAIT_2, CLOSE_WAIT, TEARDOWN_ROLE_PASSIVE);
    g_assert_cmpuint(t.said.segments, ==, 3);
}

static void
test_reset_in_closing(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_true(seg(&t, SERVER, "R", 5202, 0, 0));
    assert_reset_from(&t, CLOSING, CLOSING, TEARDOWN_ROLE_ACTIVE);
}

static void
test_reset_in_last_ack(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));
    g_assert_true(seg(&t, CLIENT, "RA", 1102, 5202, 0));
    assert_reset_from(&t, LAST_ACK, TIME_WAIT, TEARDOWN_ROLE_PASSIVE);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
}

#define SYN_RECEIVED TEARDOWN_STATE_SYN_RECEIVED

/* The SYN's sender resets its own attempt before any SYN+ACK. */
static void
test_abandoned(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, CLIENT, "R", 1001, 0, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_ABANDONED, 0);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_CLIENT);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, SYN_SENT);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, CLOSED);
    assert_states(&t, CLOSED, CLOSED);
}

/* RFC 9293 §3.10.7.3: the client rejects an ACK that belongs to an older
 * connection with an RST at that ACK's number, then tries again. */
static void
test_stale_ack_then_retry(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, SERVER, "A", 5000, 777, 0));
    g_assert_true(seg(&t, CLIENT, "R", 777, 0, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_ABANDONED, 0);
    /* Ended: only what could show the RST's sender alive, and SYNs, still
     * count. */
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_ACK));
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_SYN | TEARDOWN_TH_ACK));
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_SYN));
    g_assert_false(teardown_connection_starts_over(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN | TEARDOWN_TH_ACK, .seq = 2000 }));
    /* A SYN with another ISN is a new connection; the same SYN again, the
     * same attempt, which then succeeds. */
    g_assert_true(teardown_connection_starts_over(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN, .seq = 2000 }));
    g_assert_false(teardown_connection_starts_over(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN, .seq = 1000 }));
    g_assert_true(teardown_connection_retried(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN, .seq = 1000 }));
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(t.stream.ended);
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1001, 0));
    g_assert_false(seg(&t, CLIENT, "A", 1001, 5001, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1001, 5001, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5001, 1002, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1002, 5002, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_THREE_WAY);
}

/* Windows retries a refused connect() with the same ISN: one attempt,
 * refused three times, not three connections. */
static void
test_refused_attempt_retried(void)
{
    struct trace t;
    struct teardown_segment retry = segment_of(CLIENT, "S", 1000);

    trace_init(&t, 49152, 3389);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));                    /* frame 1 */
    g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));                    /* frame 2 */
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_REFUSED, 0);
    for (uint32_t frame = 3; frame <= 5; frame += 2) {
        g_assert_true(teardown_connection_retried(&t.stream, &retry));
        g_assert_false(teardown_connection_starts_over(&t.stream, &retry));
        g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));                /* frame 3, 5 */
        g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));                /* frame 4, 6 */
        assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_REFUSED, 0);
        g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_REFUSED);
    }
    /* The server's own SYN, or the client's with another ISN, is none. */
    g_assert_false(teardown_connection_retried(&t.stream, &(struct teardown_segment){
        .endpoint = SERVER, .flags = TEARDOWN_TH_SYN, .seq = 1000 }));
    g_assert_false(teardown_connection_retried(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN, .seq = 1001 }));
}

/* Once the SYN's sender sent anything but SYNs, the handshake happened (its
 * SYN+ACK missed the capture): an RST is an abort, not a refusal. */
static void
test_refused_only_before_the_handshake(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_REFUSED, 0);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, SYN_SENT);

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, CLIENT, "A", 1001, 5001, 10));
    g_assert_true(seg(&t, SERVER, "RA", 5001, 1011, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_ABORT, 0);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, ESTABLISHED);

    /* After a SYN+ACK: the SYN's receiver is SYN-RECEIVED until the ACK. */
    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1001, 0));
    g_assert_true(seg(&t, CLIENT, "R", 1001, 0, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_ABORT, 0);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, ESTABLISHED);
    g_assert_cmpuint(t.said.verdict.state_before[SERVER], ==, SYN_RECEIVED);
}

/* The only segment of its stream: the connection began before the capture. */
static void
test_lone_rst_is_abort(void)
{
    struct trace t;

    trace_init(&t, 40000, 80);
    g_assert_true(seg(&t, SERVER, "R", 5000, 0, 0));
    assert_said(&t, 0, TEARDOWN_ROLE_ACTIVE, TEARDOWN_PATTERN_ABORT, 0);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_true(t.said.initiator_by_port);
    g_assert_cmpuint(t.said.verdict.state_before[CLIENT], ==, ESTABLISHED);

    trace_init(&t, 40000, 50000);
    g_assert_true(seg(&t, SERVER, "R", 5000, 0, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_UNKNOWN);
}

/* SYN+FIN and SYN+RST are no steps and end nothing; a SYN+ACK whose ACK
 * covers a FIN is no step 2: its ACK is for the SYN. */
static void
test_syn_is_never_a_step(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "SF", 1000, 0, 0));
    g_assert_false(seg(&t, SERVER, "SR", 5000, 1001, 0));
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1002, 0));
    g_assert_false(t.stream.ended);
    g_assert_cmpuint(teardown_connection_final_pattern(&t.stream), ==, TEARDOWN_PATTERN_NONE);

    trace_init(&t, 40000, 22);
    g_assert_true(seg(&t, CLIENT, "FA", 1000, 5000, 0));
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1001, 0));
    g_assert_true(seg(&t, SERVER, "A", 5001, 1001, 0));
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
}

/* A SYN starts a new connection only once this one has ended: before, a
 * retransmitted SYN changes nothing, not even the client. */
static void
test_starts_over_only_after_the_end(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_false(teardown_connection_starts_over(&t.stream, &(struct teardown_segment){
        .endpoint = SERVER, .flags = TEARDOWN_TH_SYN, .seq = 9000 }));
    g_assert_false(seg(&t, SERVER, "S", 9000, 0, 0));
    g_assert_cmpuint(t.stream.client, ==, CLIENT);
    g_assert_cmpuint(t.stream.syn_sender, ==, CLIENT);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));
    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_THREE_WAY);
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_SERVER);
    g_assert_true(teardown_connection_starts_over(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN, .seq = 3000 }));
    g_assert_false(teardown_connection_starts_over(&t.stream, &(struct teardown_segment){
        .endpoint = CLIENT, .flags = TEARDOWN_TH_SYN | TEARDOWN_TH_RST, .seq = 3000 }));
}

/* The RST's hop signature against its sender's earlier segments. */
static void
test_rst_origin_from_ttl(void)
{
    struct trace t;

    /* Two earlier segments at 63, the RST at 64: forged on the path. */
    open_connection(&t, 1000, 5000);
    t.hops[SERVER] = 63;
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));
    g_assert_false(seg(&t, SERVER, "A", 5211, 1101, 10));
    t.hops[SERVER] = 64;
    g_assert_true(seg(&t, SERVER, "RA", 5221, 1101, 0));
    g_assert_cmpuint(t.said.rst_origin, ==, TEARDOWN_RST_ORIGIN_PATH);
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RST_TTL_MISMATCH);
    g_assert_true(t.rst.baseline_known);
    g_assert_cmpuint(t.rst.hops, ==, 64);
    g_assert_cmpuint(t.rst.baseline_hops, ==, 63);
    g_assert_cmpuint(t.rst.baseline_segments, ==, 2);

    /* The same TTL: the endpoint. */
    open_connection(&t, 1000, 5000);
    t.hops[SERVER] = 63;
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));
    g_assert_false(seg(&t, SERVER, "A", 5211, 1101, 10));
    g_assert_true(seg(&t, SERVER, "RA", 5221, 1101, 0));
    g_assert_cmpuint(t.said.rst_origin, ==, TEARDOWN_RST_ORIGIN_ENDPOINT);
    g_assert_cmpuint(t.said.verdict.checks, ==, 0);

    /* One earlier segment is no baseline. */
    trace_init(&t, 40000, 22);
    t.hops[SERVER] = 63;
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));
    t.hops[SERVER] = 64;
    g_assert_true(seg(&t, SERVER, "RA", 5211, 1101, 0));
    g_assert_cmpuint(t.said.rst_origin, ==, TEARDOWN_RST_ORIGIN_UNKNOWN);
    g_assert_cmpuint(t.said.rst_unknown, ==, TEARDOWN_RST_UNKNOWN_FEW);
    g_assert_false(t.rst.baseline_known);
    g_assert_cmpuint(t.said.verdict.checks, ==, 0);

    /* Earlier TTLs that varied: unstable, no verdict. */
    trace_init(&t, 40000, 22);
    t.hops[SERVER] = 63;
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));
    t.hops[SERVER] = 62;
    g_assert_false(seg(&t, SERVER, "A", 5211, 1101, 10));
    g_assert_false(seg(&t, SERVER, "A", 5221, 1101, 10));
    g_assert_true(seg(&t, SERVER, "RA", 5231, 1101, 0));
    g_assert_cmpuint(t.said.rst_origin, ==, TEARDOWN_RST_ORIGIN_UNKNOWN);
    g_assert_cmpuint(t.said.rst_unknown, ==, TEARDOWN_RST_UNKNOWN_UNSTABLE);
    g_assert_false(t.rst.baseline_known);

    /* Known segments, an RST whose own TTL could not be read. */
    open_connection(&t, 1000, 5000);
    t.hops[SERVER] = 63;
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));
    g_assert_false(seg(&t, SERVER, "A", 5211, 1101, 10));
    t.hops[SERVER] = 0;
    g_assert_true(seg(&t, SERVER, "RA", 5221, 1101, 0));
    g_assert_cmpuint(t.said.rst_origin, ==, TEARDOWN_RST_ORIGIN_UNKNOWN);
    g_assert_cmpuint(t.said.rst_unknown, ==, TEARDOWN_RST_UNKNOWN_HOPS);
    g_assert_true(t.rst.baseline_known);
}

/* Feeds a stream where the server's RST ends the connection, then checks
 * which of the server's later segments shows it alive. */
static void
reset_by_server(struct trace *t)
{
    open_connection(t, 1000, 5000);
    g_assert_true(seg(t, SERVER, "RA", 5201, 1101, 0));
    g_assert_cmpuint(t->said.verdict.pattern, ==, TEARDOWN_PATTERN_ABORT);
}

static void
test_rst_sender_alive(void)
{
    struct trace t;

    /* By payload; an RST from the client and the client's own segments
     * say nothing about the server. */
    reset_by_server(&t);
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5201, 10));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1101, 5));                 /* frame 9 */
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RST_SENDER_ALIVE);
    g_assert_cmpuint(t.said.verdict.role, ==, TEARDOWN_ROLE_NONE);
    g_assert_cmpuint(t.said.rst_frame, ==, 6);
    g_assert_false(seg(&t, SERVER, "A", 5206, 1101, 5));                /* once */
    g_assert_cmpuint(t.stream.endpoint[SERVER].alive_frame, ==, 9);

    /* By FIN. */
    reset_by_server(&t);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RST_SENDER_ALIVE);
    g_assert_cmpuint(t.said.verdict.steps, ==, 0);

    /* By an ACK of what the client sent after the RST (its next seq was
     * 1101 then); not by an ACK of what came before. */
    reset_by_server(&t);
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1111, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RST_SENDER_ALIVE);

    /* Payload that starts before the RST's place, or far past it, is no
     * continuation of the old sequence space. */
    reset_by_server(&t);
    g_assert_false(seg(&t, SERVER, "A", 5200, 1101, 10));
    g_assert_false(seg(&t, SERVER, "A", 5201 + 70000, 1101, 10));
    g_assert_true(seg(&t, SERVER, "A", 5201 + 1000, 1101, 10));

    /* An RST at another place than its sender's next seq answers some other
     * segment and ends nothing of its own: what follows proves nothing. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "R", 777, 0, 0));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1111, 10));
    g_assert_false(seg(&t, SERVER, "FA", 5211, 1111, 0));

    /* Nor after an RST that gave up an attempt before the handshake. */
    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, CLIENT, "R", 1001, 0, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_ABANDONED);
    g_assert_false(seg(&t, CLIENT, "A", 1001, 5001, 10));

    /* An RST without ACK, then the server acknowledges what the client sent
     * after it: alive. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "R", 5201, 0, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1111, 0));
    /* Later RSTs keep their origin, without pattern or role. */
    g_assert_true(seg(&t, CLIENT, "R", 1101, 0, 0));
    g_assert_true(t.said.verdict.rst);
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_NONE);
    g_assert_cmpuint(t.said.verdict.role, ==, TEARDOWN_ROLE_NONE);
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_AFTER_CLOSE);
}

/* What proves nothing: an RST from an endpoint that never acknowledged
 * anything (a stateless scanner's kernel resetting the SYN+ACK its tool
 * asked for, the tool then sending data), and an ACK number far from
 * anything the peer sent (a crafted segment). */
static void
test_rst_sender_alive_proves_nothing(void)
{
    struct trace t;

    trace_init(&t, 40000, 502);
    g_assert_false(seg(&t, CLIENT, "S", 0, 0, 0));
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1, 0));
    g_assert_true(seg(&t, CLIENT, "R", 1, 0, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_ABORT);
    g_assert_false(seg(&t, CLIENT, "A", 1, 5001, 109));

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1101, 0));
    g_assert_false(seg(&t, SERVER, "A", 5000, 1101 + 70000, 0));
    g_assert_false(seg(&t, SERVER, "A", 5000, 1101 - 10, 0));
    g_assert_true(seg(&t, SERVER, "A", 5000, 1101 + 10, 0));
}

/* The capture saw a segment far ahead of the sender's real sequence space
 * (a damaged or crafted one); its RST is still in sequence where the peer's
 * latest ACK expects it, and new data from there shows it alive. */
static void
test_rst_in_sequence_by_peers_ack(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, CLIENT, "A", 400000000, 5201, 12));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));
    g_assert_true(seg(&t, CLIENT, "R", 1101, 0, 0));
    g_assert_true(t.stream.endpoint[CLIENT].rst_in_sequence);
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5211, 13));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RST_SENDER_ALIVE);
}

/* A segment far past all its sender had sent (damaged, crafted) is dropped
 * unread by its receiver: its ACK acknowledges no FIN. */
static void
test_out_of_window_ack(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_false(seg(&t, SERVER, "A", 5201 + 70000, 1102 + 5000, 0));
    g_assert_cmpuint(t.stream.endpoint[CLIENT].ack_frame, ==, 0);
    g_assert_true(seg(&t, SERVER, "A", 5201 + 70000, 1102, 0));        /* in its space now */
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
}

/* A refusal undone: the server that refused a SYN then accepts that very
 * SYN, which nobody sent again; the RST was not the server's. */
static void
test_refusal_undone(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));                 /* frame 2 */
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_REFUSED);
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1000, 0));             /* another SYN's */
    g_assert_true(seg(&t, SERVER, "SA", 5000, 1001, 0));              /* frame 4 */
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RST_SENDER_ALIVE);
    g_assert_cmpuint(t.said.rst_frame, ==, 2);
    g_assert_cmpuint(t.stream.endpoint[SERVER].alive_frame, ==, 4);

    /* The same SYN sent again: the attempt goes on, its SYN+ACK is an
     * answer to the retry, not a sign of anything. */
    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1001, 0));
    g_assert_cmpuint(t.stream.endpoint[SERVER].alive_frame, ==, 0);
}

/* A SYN+ACK after a graceful close answers a SYN the capture missed: a new
 * connection.  After an RST, only across a break in the capture. */
static void
test_synack_starts_over(void)
{
    struct trace t;
    struct teardown_segment synack = { .endpoint = SERVER, .flags = TEARDOWN_TH_SYN | TEARDOWN_TH_ACK,
                                       .seq = 9000, .ack = 3001 };

    open_connection(&t, 1000, 5000);
    g_assert_false(teardown_connection_starts_over(&t.stream, &synack));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    g_assert_false(teardown_connection_starts_over(&t.stream, &synack));
    g_assert_true(seg(&t, CLIENT, "A", 1102, 5202, 0));
    g_assert_true(teardown_connection_starts_over(&t.stream, &synack));
    g_assert_cmpuint(teardown_reuse_source(&t.stream, synack.flags), ==, TEARDOWN_REUSES_NOTHING);

    reset_by_server(&t);
    g_assert_false(teardown_connection_starts_over(&t.stream, &synack));
    synack.stretch = 1;
    g_assert_true(teardown_connection_starts_over(&t.stream, &synack));
}

/* What came just before an RST. */
static void
test_rst_causes(void)
{
    struct trace t;

    /* A keep-alive probe one byte before the client's next seq, after 1 s
     * of silence, answered by an RST: the server had lost the connection. */
    open_connection(&t, 1000, 5000);
    t.time_ns += 2 * TEARDOWN_IDLE_NS;
    g_assert_false(seg(&t, CLIENT, "A", 1100, 5201, 0));
    g_assert_true(seg(&t, SERVER, "R", 5201, 0, 0));
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_KEEP_ALIVE);

    /* The same probe without the silence is no keep-alive. */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, CLIENT, "A", 1100, 5201, 0));
    g_assert_true(seg(&t, SERVER, "R", 5201, 0, 0));
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_ABORT);

    /* Two retransmissions of payload already sent, then the sender gives up. */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 50));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 50));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 50));
    g_assert_true(seg(&t, SERVER, "RA", 5251, 1101, 0));
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_RETRANSMISSIONS);

    /* One retransmission is not giving up. */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 50));
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 50));
    g_assert_true(seg(&t, SERVER, "RA", 5251, 1101, 0));
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_ABORT);

    /* A second of silence, then the RST. */
    open_connection(&t, 1000, 5000);
    t.time_ns += TEARDOWN_IDLE_NS;
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1101, 0));
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_IDLE);

    /* The sender's own FIN was acknowledged: a late segment met a closed
     * socket. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));
    g_assert_true(seg(&t, SERVER, "RA", 5202, 1101, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_RESET);
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_AFTER_CLOSE);

    /* Refused and abandoned are their own causes. */
    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, SERVER, "RA", 0, 1001, 0));
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_REFUSED);
}

/* Idle time before step 1 and before an RST that ends a stream, matched
 * against the idle timers (2 s and 350 s here): within 0.25 s, or 1 %. */
static void
test_idle_before_close(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    t.time_ns += 2100 * NANOS_PER_MS;          /* 2.11 s after frame 5 */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_true(t.said.idle_known);
    g_assert_cmpint(t.said.idle_ns, ==, 2110 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.idle_timer_s, ==, 2);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_IDLE_TIMER_CLOSE);
    g_assert_cmpuint(t.said.verdict.checks, ==, 0);   /* decided from the settings */

    /* Just outside: 2.26 s is 0.26 s off. */
    open_connection(&t, 1000, 5000);
    t.time_ns += 2250 * NANOS_PER_MS;
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_cmpuint(t.said.idle_timer_s, ==, 0);
    g_assert_cmpuint(t.said.checks, ==, 0);

    /* 1 % of 350 s is 3.5 s: 353 s matches, 354 s does not. */
    open_connection(&t, 1000, 5000);
    t.time_ns += 352990 * NANOS_PER_MS;
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1101, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_ABORT);
    g_assert_cmpuint(t.said.idle_timer_s, ==, 350);
    g_assert_cmpuint(t.said.rst_cause, ==, TEARDOWN_RST_CAUSE_IDLE);
    open_connection(&t, 1000, 5000);
    t.time_ns += 354000 * NANOS_PER_MS;
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1101, 0));
    g_assert_cmpuint(t.said.idle_timer_s, ==, 0);

    /* A stream whose first frame is the FIN: no idle time known. */
    trace_init(&t, 40000, 22);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_false(t.said.idle_known);
}

/* How long each side took: the ACK of the first FIN, the passive closer's
 * own FIN (its CLOSE-WAIT, slow from 1 s here), the last ACK. */
static void
test_close_delays(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));                 /* frame 6 */
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));
    g_assert_cmpint(t.said.ack_delay_ns, ==, 10 * NANOS_PER_MS);
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 100));               /* half-close */
    t.time_ns += 1500 * NANOS_PER_MS;
    g_assert_true(seg(&t, SERVER, "FA", 5301, 1102, 0));
    g_assert_true(t.said.close_delay_known);
    g_assert_cmpint(t.said.close_delay_ns, ==, 1530 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.half_close_segments, ==, 1);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_SLOW_CLOSE);
    g_assert_cmpuint(t.said.peer_fin_frame, ==, 6);
    g_assert_true(seg(&t, CLIENT, "A", 1102, 5302, 0));
    g_assert_cmpint(t.said.last_ack_delay_ns, ==, 10 * NANOS_PER_MS);

    /* Quick enough: no note.  In a simultaneous close nobody waited in
     * CLOSE-WAIT: no close delay. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    g_assert_cmpuint(t.said.checks, ==, 0);
    g_assert_true(t.said.close_delay_known);
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    t.time_ns += 2000 * NANOS_PER_MS;
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_false(t.said.close_delay_known);
    g_assert_cmpuint(t.said.checks, ==, 0);
}

/* A teardown left unfinished: its last step frame says for how long once
 * the capture's end is known, and where it stopped: an unanswered FIN, a
 * passive closer hung in CLOSE-WAIT, or one still sending. */
static void
test_unfinished_at_capture_end(void)
{
    struct trace t;

    /* The FIN (frame 6), then a copy (frame 7), the last step frame. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_false(t.said.unfinished_known);              /* the end is not known yet */
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    said_at_end(&t, 7, 3000 * NANOS_PER_MS);
    g_assert_true(t.said.unfinished_known);
    g_assert_cmpint(t.said.unfinished_ns, ==, 3000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_FIN_UNANSWERED | TEARDOWN_CHECK_FIN_RETRANSMISSION);
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_FIN_RETRANSMISSION);
    g_assert_cmpuint(t.said.step1_frame, ==, 6);
    said_at_end(&t, 6, 3000 * NANOS_PER_MS);
    g_assert_false(t.said.unfinished_known);
    g_assert_cmpuint(t.said.checks, ==, 0);

    /* Sent again just before the capture ended: the FIN has waited since
     * its first copy, 2 s before.  Less than slow_close after the first
     * copy, an answer could still come. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    t.time_ns += 1990 * NANOS_PER_MS;
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    said_at_end(&t, 7, 0);
    g_assert_cmpint(t.said.unfinished_ns, ==, 0);
    g_assert_cmpint(t.said.waiting_ns, ==, 2000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_FIN_UNANSWERED | TEARDOWN_CHECK_FIN_RETRANSMISSION);
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    t.time_ns += 190 * NANOS_PER_MS;
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    said_at_end(&t, 7, 799 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_FIN_RETRANSMISSION);
    said_at_end(&t, 7, 800 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_FIN_UNANSWERED | TEARDOWN_CHECK_FIN_RETRANSMISSION);

    /* Acknowledged (frame 7), never answered: under way from 1 s on, hung
     * in CLOSE-WAIT from 10 s (stuck_after) on, while the capture runs. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));
    said_at_end(&t, 7, 999 * NANOS_PER_MS);
    g_assert_true(t.said.unfinished_known);
    g_assert_cmpuint(t.said.checks, ==, 0);
    said_at_end(&t, 7, 1000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_UNFINISHED_AT_END);
    g_assert_cmpuint(t.said.unfinished_why, ==, TEARDOWN_UNFINISHED_CLOSE_WAIT_SHORT);
    said_at_end(&t, 7, 9999 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_UNFINISHED_AT_END);
    said_at_end(&t, 7, 10000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_CLOSE_WAIT_STUCK);
    g_assert_cmpuint(t.said.holder_side, ==, TEARDOWN_SIDE_SERVER);

    /* Still sending data (frame 8) within the last second: a half-close in
     * progress, said on frame 7, which stays the last step frame. */
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 100));
    said_at_end(&t, 7, 1000 * NANOS_PER_MS);     /* the data 1.000 s before the end */
    g_assert_cmpint(t.said.unfinished_ns, ==, 1010 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_CLOSE_WAIT_SENDING);
    said_at_end(&t, 7, 10001 * NANOS_PER_MS);     /* ... 10.001 s before it */
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_CLOSE_WAIT_STUCK);
    said_at_end(&t, 8, 1000 * NANOS_PER_MS);
    g_assert_false(t.said.unfinished_known);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_HALF_CLOSE_DATA);

    /* A FIN never acknowledged and never sent again: its ACK was missed;
     * still under way, no warning. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    said_at_end(&t, 6, 30000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_UNFINISHED_AT_END);
    g_assert_cmpuint(t.said.unfinished_why, ==, TEARDOWN_UNFINISHED_NOT_RESENT);

    /* A FIN whose peer never sent a thing: its direction was not captured. */
    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, CLIENT, "A", 1001, 5001, 10));
    g_assert_true(seg(&t, CLIENT, "FA", 1011, 5001, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1011, 5001, 0));
    said_at_end(&t, 4, 30000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_DIRECTION_NOT_CAPTURED | TEARDOWN_CHECK_FIN_RETRANSMISSION);

    /* Step 3 (frame 7) without step 4: unfinished, no warning. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    said_at_end(&t, 7, 5000 * NANOS_PER_MS);
    g_assert_true(t.said.unfinished_known);
    g_assert_cmpuint(t.said.checks, ==, 0);

    /* Completed, or ended by an RST: nothing unfinished. */
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1102, 0));
    g_assert_true(seg(&t, CLIENT, "A", 1102, 5202, 0));
    said_at_end(&t, 8, 5000 * NANOS_PER_MS);
    g_assert_false(t.said.unfinished_known);
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1102, 0));
    said_at_end(&t, 6, 5000 * NANOS_PER_MS);
    g_assert_false(t.said.unfinished_known);
    g_assert_cmpuint(t.said.checks, ==, 0);
}

/* A SYN on the addresses and ports of an earlier connection: the gap since
 * its last segment, who closed it first, the answer, and a note within
 * TIME-WAIT (60 s here) of a graceful close only. */
static void
test_reuse(void)
{
    struct trace earlier, later;
    struct teardown_reuse reuse;
    struct teardown_config at_end = test_config;
    int64_t syn_time_ns;

    at_end.capture_end_known = true;

    open_connection(&earlier, 1000, 5000);
    g_assert_true(seg(&earlier, SERVER, "FA", 5201, 1101, 0));
    g_assert_true(seg(&earlier, CLIENT, "FA", 1101, 5202, 0));
    g_assert_true(seg(&earlier, SERVER, "A", 5202, 1102, 0));
    syn_time_ns = earlier.time_ns + 500 * NANOS_PER_MS;

    trace_init(&later, 40000, 22);
    later.time_ns = syn_time_ns - 10 * NANOS_PER_MS;
    g_assert_false(seg(&later, CLIENT, "S", 90000, 0, 0));
    teardown_reuse_judge(&earlier.stream, &later.stream, syn_time_ns, &test_config, &reuse);
    g_assert_cmpint(reuse.gap_ns, ==, 500 * NANOS_PER_MS);
    g_assert_true(reuse.holder_known);
    g_assert_cmpuint(reuse.time_wait_holder, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(reuse.holder_endpoint, ==, SERVER);
    g_assert_cmpuint(reuse.answer, ==, TEARDOWN_SYN_ANSWER_NONE);
    g_assert_cmpuint(reuse.checks, ==, TEARDOWN_CHECK_REUSE_IN_TIME_WAIT);

    g_assert_false(reuse.answer_known);     /* the capture is still being read */
    g_assert_false(seg(&later, SERVER, "SA", 70000, 90001, 0));
    teardown_reuse_judge(&earlier.stream, &later.stream, syn_time_ns, &at_end, &reuse);
    g_assert_true(reuse.answer_known);
    g_assert_cmpuint(reuse.answer, ==, TEARDOWN_SYN_ANSWER_ACCEPTED);
    g_assert_cmpstr(teardown_syn_answer_name(reuse.answer), ==, "accepted");
    g_assert_true(seg(&later, SERVER, "RA", 70001, 90001, 0));
    teardown_reuse_judge(&earlier.stream, &later.stream, syn_time_ns, &test_config, &reuse);
    g_assert_cmpuint(reuse.answer, ==, TEARDOWN_SYN_ANSWER_ACCEPTED);   /* the first answer counts */

    /* 60 s after: TIME-WAIT is over.  Before the last segment (a clock that
     * went backwards): nothing to tell. */
    teardown_reuse_judge(&earlier.stream, &later.stream, syn_time_ns + 59500 * NANOS_PER_MS,
                         &test_config, &reuse);
    g_assert_cmpuint(reuse.checks, ==, 0);
    g_assert_true(reuse.holder_known);
    teardown_reuse_judge(&earlier.stream, &later.stream, earlier.time_ns - NANOS_PER_MS, &test_config,
                         &reuse);
    g_assert_cmpint(reuse.gap_ns, <, 0);
    g_assert_cmpuint(reuse.checks, ==, 0);

    /* An ACK for the old connection, or an RST, answers too. */
    trace_init(&later, 40000, 22);
    g_assert_false(seg(&later, CLIENT, "S", 90000, 0, 0));
    g_assert_false(seg(&later, SERVER, "A", 5202, 1102, 0));
    g_assert_cmpuint(later.stream.syn_answer, ==, TEARDOWN_SYN_ANSWER_CHALLENGE_ACK);
    trace_init(&later, 40000, 22);
    g_assert_false(seg(&later, CLIENT, "S", 90000, 0, 0));
    g_assert_true(seg(&later, SERVER, "RA", 0, 90001, 0));
    g_assert_cmpuint(later.stream.syn_answer, ==, TEARDOWN_SYN_ANSWER_RESET);

    /* An RST leaves no TIME-WAIT: no holder, no note. */
    open_connection(&earlier, 1000, 5000);
    g_assert_true(seg(&earlier, SERVER, "RA", 5201, 1101, 0));
    teardown_reuse_judge(&earlier.stream, &later.stream, earlier.time_ns + 200 * NANOS_PER_MS,
                         &test_config, &reuse);
    g_assert_cmpint(reuse.gap_ns, ==, 200 * NANOS_PER_MS);
    g_assert_false(reuse.holder_known);
    g_assert_cmpuint(reuse.checks, ==, 0);
}

/* Without the SYN, the SYN+ACK's receiver is the client. */
static void
test_client_from_syn_ack(void)
{
    struct trace t;

    trace_init(&t, 40000, 50000);
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1001, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1001, 5001, 0));
    g_assert_cmpuint(t.said.initiator, ==, TEARDOWN_SIDE_CLIENT);
    g_assert_false(t.said.initiator_by_port);
}

/* Started, never finished, no RST: only the whole capture tells. */
static void
test_incomplete(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_cmpuint(teardown_connection_final_pattern(&t.stream), ==, TEARDOWN_PATTERN_NONE);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_NONE);
    g_assert_cmpuint(teardown_connection_final_pattern(&t.stream), ==, TEARDOWN_PATTERN_INCOMPLETE);
}

static void
test_bad_endpoint_is_ignored(void)
{
    struct trace t;
    struct teardown_segment segment = { .frame = 1, .endpoint = 2, .flags = TEARDOWN_TH_FIN };

    trace_init(&t, 40000, 22);
    g_assert_false(teardown_connection_update(&t.stream, &segment, &t.said.verdict, &t.rst));
    g_assert_false(t.stream.seen_any);
}

/* What the stream says it ignores, feeding it changes nothing. */
static void
assert_ignored_changes_nothing(struct trace *t, int from, const char *flags)
{
    struct teardown_connection before = t->stream;

    g_assert_true(teardown_connection_ignores(&t->stream, parse_flags(flags)));
    g_assert_false(seg(t, from, flags, 1101, 5201, 10));
    g_assert_cmpmem(&before, sizeof before, &t->stream, sizeof t->stream);
}

/* Before the end every segment counts: hop signatures, keep-alives and
 * retransmissions are judged from all of them.  After an RST, only RSTs, a
 * SYN starting over, and segments that may show the RST's sender alive. */
static void
test_ignores(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_ACK));   /* unseen */
    open_connection(&t, 1000, 5000);
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_ACK));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1102, 0));                  /* ended */
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_ACK));   /* alive? */
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_RST));
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_SYN | TEARDOWN_TH_ACK));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 10));                  /* alive */
    assert_ignored_changes_nothing(&t, CLIENT, "FA");
    assert_ignored_changes_nothing(&t, SERVER, "A");
    g_assert_false(teardown_connection_ignores(&t.stream, TEARDOWN_TH_RST));
}

/* The annotation carries every number and time ready to draw: FIN places,
 * expected values, whether each time is there, the passive endpoint, and
 * the pattern to show once the whole capture was read. */
static void
test_annotation_ready_to_draw(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);                                 /* server next 5201 */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 20));            /* frame 6: FIN at 5221 */
    g_assert_cmpuint(t.said.end_seq, ==, 5221);
    g_assert_cmpuint(t.said.own_fin_seq, ==, 5221);
    g_assert_cmpuint(t.said.expected_seq, ==, 5222);
    g_assert_cmpuint(t.said.expected_ack, ==, 0);                    /* no FIN from the client */
    g_assert_cmpuint(t.said.closer, ==, SERVER);
    g_assert_cmpuint(t.said.passive, ==, CLIENT);
    g_assert_true(t.said.in_teardown);
    g_assert_false(t.said.ack_delay_known);
    g_assert_false(t.said.duration_known);
    g_assert_cmpuint(t.said.pattern, ==, TEARDOWN_PATTERN_NONE);

    g_assert_true(seg(&t, CLIENT, "A", 1101, 5230, 0));              /* frame 7: beyond it */
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_ACK_BEYOND_FIN);
    g_assert_cmpuint(t.said.expected_ack, ==, 5222);
    g_assert_cmpuint(t.said.peer_fin_seq, ==, 5221);
    g_assert_true(t.said.ack_delay_known);
    g_assert_cmpint(t.said.ack_delay_ns, ==, 10 * NANOS_PER_MS);

    /* One pass: only the frame that decided it shows a pattern; once the
     * whole capture was read, every frame of the teardown does. */
    said_at_end(&t, 6, 0);
    g_assert_cmpuint(t.said.pattern, ==, TEARDOWN_PATTERN_INCOMPLETE);
    g_assert_cmpuint(t.said.verdict.pattern, ==, TEARDOWN_PATTERN_NONE);
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5222, 0));             /* frame 8 */
    t.time_ns -= 50 * NANOS_PER_MS;                                  /* the clock steps back */
    g_assert_true(seg(&t, SERVER, "A", 5222, 1102, 0));              /* frame 9: step 4 */
    g_assert_true(t.said.duration_known);
    g_assert_true(t.said.clock_backwards);
    g_assert_cmpint(t.said.duration_ns, ==, -20 * NANOS_PER_MS);
    g_assert_true(t.said.last_ack_delay_known);
    g_assert_cmpint(t.said.last_ack_delay_ns, ==, -40 * NANOS_PER_MS);
    said_at_end(&t, 6, 0);
    g_assert_cmpuint(t.said.pattern, ==, TEARDOWN_PATTERN_FOUR_WAY);
    g_assert_cmpuint(t.said.ack_frame, ==, 7);
}

/* What is known of a connection as a whole, at each of its frames, and
 * after the whole capture was read. */
static void
test_summary_of_connection(void)
{
    struct trace t;
    struct teardown_summary summary;
    struct teardown_config at_end = test_config;

    at_end.capture_end_known = true;
    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));             /* frame 6 */
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));              /* frame 7 */
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));             /* frame 8 */
    g_assert_true(seg(&t, SERVER, "A", 5202, 1102, 0));              /* frame 9 */

    teardown_connection_summarize(&t.stream, 5, &test_config, &summary);
    g_assert_cmpuint(summary.pattern, ==, TEARDOWN_PATTERN_NONE);
    g_assert_false(summary.closed);
    teardown_connection_summarize(&t.stream, 7, &test_config, &summary);
    g_assert_cmpuint(summary.pattern, ==, TEARDOWN_PATTERN_INCOMPLETE);
    g_assert_true(summary.closed);
    g_assert_cmpuint(summary.closer_side, ==, TEARDOWN_SIDE_SERVER);
    g_assert_true(summary.half_closed);
    teardown_connection_summarize(&t.stream, 8, &test_config, &summary);
    g_assert_false(summary.half_closed);
    teardown_connection_summarize(&t.stream, 9, &test_config, &summary);
    g_assert_cmpuint(summary.pattern, ==, TEARDOWN_PATTERN_FOUR_WAY);
    g_assert_false(summary.rst_ended);
    teardown_connection_summarize(&t.stream, 1, &at_end, &summary);
    g_assert_cmpuint(summary.pattern, ==, TEARDOWN_PATTERN_FOUR_WAY);

    /* An abort by the server at TTL 64, which then shows itself alive. */
    open_connection(&t, 1000, 5000);
    t.hops[SERVER] = 63;
    g_assert_false(seg(&t, SERVER, "A", 5201, 1101, 10));             /* frame 6 */
    g_assert_false(seg(&t, SERVER, "A", 5211, 1101, 10));             /* frame 7 */
    g_assert_true(seg(&t, SERVER, "RA", 5221, 1101, 0));              /* frame 8 */
    teardown_connection_summarize(&t.stream, 8, &test_config, &summary);
    g_assert_cmpuint(summary.pattern, ==, TEARDOWN_PATTERN_ABORT);
    g_assert_true(summary.rst_ended);
    g_assert_cmpuint(summary.rst_sender_side, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(summary.rst_origin, ==, TEARDOWN_RST_ORIGIN_ENDPOINT);
    g_assert_cmpuint(summary.rst_cause, ==, TEARDOWN_RST_CAUSE_ABORT);
    g_assert_cmpuint(summary.closer_side, ==, TEARDOWN_SIDE_SERVER);
    g_assert_true(seg(&t, SERVER, "A", 5221, 1101, 10));              /* frame 9: alive */
    teardown_connection_summarize(&t.stream, 8, &test_config, &summary);
    g_assert_cmpuint(summary.rst_origin, ==, TEARDOWN_RST_ORIGIN_ENDPOINT);
    teardown_connection_summarize(&t.stream, 9, &test_config, &summary);
    g_assert_cmpuint(summary.rst_origin, ==, TEARDOWN_RST_ORIGIN_PATH);
    teardown_connection_summarize(&t.stream, 6, &at_end, &summary);
    g_assert_cmpuint(summary.rst_origin, ==, TEARDOWN_RST_ORIGIN_PATH);

    /* Never closed: open, and incomplete only for a teardown that began. */
    open_connection(&t, 1000, 5000);
    teardown_connection_summarize(&t.stream, 5, &at_end, &summary);
    g_assert_cmpuint(summary.pattern, ==, TEARDOWN_PATTERN_NONE);
}

/* Whose addresses and ports a new connection reuses. */
static void
test_reuse_source(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_cmpuint(teardown_reuse_source(&t.stream, TEARDOWN_TH_SYN), ==, TEARDOWN_REUSES_PREVIOUS);
    g_assert_cmpuint(teardown_reuse_source(NULL, TEARDOWN_TH_SYN), ==, TEARDOWN_REUSES_ELSEWHERE);
    g_assert_cmpuint(teardown_reuse_source(NULL, TEARDOWN_TH_SYN | TEARDOWN_TH_ACK), ==, TEARDOWN_REUSES_NOTHING);
    g_assert_cmpuint(teardown_reuse_source(NULL, TEARDOWN_TH_ACK), ==, TEARDOWN_REUSES_NOTHING);
    g_assert_true(teardown_connection_has_ports(&t.stream, CLIENT, 40000, 22));
    g_assert_true(teardown_connection_has_ports(&t.stream, SERVER, 22, 40000));
    g_assert_false(teardown_connection_has_ports(&t.stream, CLIENT, 22, 40000));
    g_assert_false(teardown_connection_has_ports(&t.stream, CLIENT, 40000, 21));
    g_assert_cmpuint(teardown_connection_peer_fin_frame(&t.stream, CLIENT), ==, 0);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));
    g_assert_cmpuint(teardown_connection_peer_fin_frame(&t.stream, CLIENT), ==, 6);
    g_assert_cmpuint(teardown_connection_peer_fin_frame(&t.stream, SERVER), ==, 0);
}

/* An RST in mid-teardown is an abortive close, a note; one that throws
 * away data one end sent and the other never acknowledged is a warning. */
static void
test_reset_discards_data(void)
{
    struct trace t;

    /* The client closes, the server answers the FIN with an RST: nothing
     * in flight (all data acknowledged by open_connection's last ACK...
     * but the server's 200 bytes only by frame 5's successor). */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5201, 0));                 /* acknowledges 200 bytes */
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "RA", 5201, 1102, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RESET_DURING_TEARDOWN);
    g_assert_cmpuint(t.said.rst_discards, ==, TEARDOWN_RST_DISCARDS_NOTHING);

    /* The server sends 50 bytes after the client's FIN; the client's RST
     * throws them away. */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5201, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 50));                 /* half-close data */
    g_assert_true(seg(&t, CLIENT, "R", 1102, 0, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RESET_DISCARDS_DATA);
    g_assert_cmpuint(t.said.rst_discards, ==, TEARDOWN_RST_DISCARDS_PEERS);

    /* The RST acknowledges them itself: received, nothing in flight. */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5201, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 50));
    g_assert_true(seg(&t, CLIENT, "RA", 1102, 5251, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RESET_DURING_TEARDOWN);

    /* The client's own 10 bytes before its FIN, never acknowledged. */
    open_connection(&t, 1000, 5000);
    g_assert_false(seg(&t, CLIENT, "A", 1101, 5201, 0));
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 10));
    g_assert_true(seg(&t, CLIENT, "RA", 1112, 5201, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_RESET_DISCARDS_DATA);
    g_assert_cmpuint(t.said.rst_discards, ==, TEARDOWN_RST_DISCARDS_OWN);
}

/* A FIN without ACK before the handshake completed (no SYN+ACK seen) may
 * belong to an attempt the peer never accepted: no warning. */
static void
test_fin_without_ack_before_synchronized(void)
{
    struct trace t;

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_true(seg(&t, CLIENT, "F", 1001, 0, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, 0);

    trace_init(&t, 40000, 22);
    g_assert_false(seg(&t, CLIENT, "S", 1000, 0, 0));
    g_assert_false(seg(&t, SERVER, "SA", 5000, 1001, 0));
    g_assert_true(seg(&t, CLIENT, "F", 1001, 0, 0));
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_FIN_WITHOUT_ACK);
}

/* Crossing FINs captured out of the order they were sent in: the passive
 * closer's FIN has an IPv4 ID before its ACK's, so it left first and its
 * lower ACK is no regression. */
static void
test_ack_regressed_reordered(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    t.ip_id[SERVER] = 100;
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));                  /* ID 100, step 2 */
    t.ip_id[SERVER] = 99;
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* ID 99: sent before */
    g_assert_cmpuint(t.said.verdict.checks, ==, 0);

    open_connection(&t, 1000, 5000);
    t.ip_id[SERVER] = 100;
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5201, 0));
    g_assert_true(seg(&t, SERVER, "A", 5201, 1102, 0));                  /* ID 100 */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* ID 101: after */
    g_assert_cmpuint(t.said.verdict.checks, ==, TEARDOWN_CHECK_ACK_REGRESSED);
}

/* An ACK beyond the FIN covers it, until the FIN is sent again: its sender
 * did not accept that ACK.  No CLOSE-WAIT is left at the end, and the
 * teardown under way is a note: ack_beyond_fin said what is wrong. */
static void
test_ack_beyond_fin_refused(void)
{
    struct trace t;

    open_connection(&t, 1000, 5000);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 6: FIN at 5201 */
    g_assert_true(seg(&t, CLIENT, "A", 1101, 6202, 0));                  /* frame 7: 1000 beyond */
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, TEARDOWN_CHECK_ACK_BEYOND_FIN);
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 8: sent again */
    g_assert_cmpuint(t.stream.endpoint[SERVER].ack_frame, ==, 0);
    assert_states(&t, CLOSE_WAIT, FIN_WAIT_1);
    g_assert_false(seg(&t, CLIENT, "A", 1101, 6202, 0));                 /* frame 9: no step again */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 10 */
    said_at_end(&t, 10, 30000 * NANOS_PER_MS);
    g_assert_cmpuint(t.said.checks, ==, TEARDOWN_CHECK_FIN_RETRANSMISSION | TEARDOWN_CHECK_UNFINISHED_AT_END);
    g_assert_cmpuint(t.said.unfinished_why, ==, TEARDOWN_UNFINISHED_ACKED_BEYOND);

    /* An ACK of exactly FIN + 1 still counts, even after the refusal. */
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));
    assert_said(&t, STEP(2), TEARDOWN_ROLE_PASSIVE, TEARDOWN_PATTERN_NONE, 0);
}

/* No time is measured across a break in the capture. */
static void
test_times_over_continuous_capture(void)
{
    struct trace t;
    struct teardown_config next_stretch = test_config;

    open_connection(&t, 1000, 5000);
    t.stretch = 1;                                                       /* a break */
    g_assert_true(seg(&t, SERVER, "FA", 5201, 1101, 0));                 /* frame 6 */
    g_assert_false(t.said.idle_known);
    g_assert_true(seg(&t, CLIENT, "A", 1101, 5202, 0));                  /* frame 7 */
    g_assert_false(t.said.ack_delay_known);        /* test_config is in stretch 0 */
    next_stretch.stretch = 1;
    teardown_verdict_expand(&t.stream, &t.kept[7].verdict, NULL, 7, t.kept[7].time_ns, &next_stretch, &t.said);
    g_assert_true(t.said.ack_delay_known);
    t.stretch = 2;
    g_assert_true(seg(&t, CLIENT, "FA", 1101, 5202, 0));                 /* frame 8 */
    next_stretch.stretch = 2;
    teardown_verdict_expand(&t.stream, &t.kept[8].verdict, NULL, 8, t.kept[8].time_ns, &next_stretch, &t.said);
    g_assert_false(t.said.close_delay_known);
    g_assert_cmpuint(t.said.checks, ==, 0);
}

/* Two copies of one packet, and what is no copy. */
static void
test_segment_copies(void)
{
    struct teardown_segment original = {
        .frame = 5, .endpoint = 1, .flags = TEARDOWN_TH_FIN | TEARDOWN_TH_ACK, .seq = 100, .ack = 200,
        .len = 0, .checksum = 0xbb05, .ip_id = 0x18d7, .ip_id_known = true, .hops = 64, .hops_known = true,
        .time_ns = 1000 * NANOS_PER_MS,
    };
    struct teardown_segment copy = original;

    copy.frame = 7;
    copy.time_ns += NANOS_PER_MS;
    g_assert_true(teardown_segment_copies(&original, &copy));
    copy.hops = 63;                                  /* one hop later */
    g_assert_true(teardown_segment_copies(&original, &copy));
    copy.hops = 62;
    g_assert_false(teardown_segment_copies(&original, &copy));
    copy.hops = 65;
    g_assert_false(teardown_segment_copies(&original, &copy));
    copy.hops = 64;
    copy.ip_id++;                                    /* a retransmission */
    g_assert_false(teardown_segment_copies(&original, &copy));
    copy.ip_id--;
    copy.checksum++;
    g_assert_false(teardown_segment_copies(&original, &copy));
    copy.checksum--;
    copy.endpoint = 0;
    g_assert_false(teardown_segment_copies(&original, &copy));
    copy.endpoint = 1;
    copy.time_ns = original.time_ns + (TEARDOWN_COPY_WITHIN_MS + 1) * NANOS_PER_MS;
    g_assert_false(teardown_segment_copies(&original, &copy));
    copy.time_ns = original.time_ns + TEARDOWN_COPY_WITHIN_MS * NANOS_PER_MS;
    g_assert_true(teardown_segment_copies(&original, &copy));
    copy.time_ns = original.time_ns - 1;
    g_assert_false(teardown_segment_copies(&original, &copy));
}

/* Where the capture breaks. */
static void
test_capture_breaks(void)
{
    int64_t second = 1000 * NANOS_PER_MS;

    g_assert_true(teardown_capture_breaks(-1, 0));
    g_assert_false(teardown_capture_breaks(0, 0));
    g_assert_false(teardown_capture_breaks(TEARDOWN_BREAK_MIN_S * second, 0));
    g_assert_true(teardown_capture_breaks(TEARDOWN_BREAK_MIN_S * second + 1, 0));
    /* A capture quiet for 443 s at a time keeps its rhythm up to 4430 s. */
    g_assert_false(teardown_capture_breaks(4430 * second, 443 * second));
    g_assert_true(teardown_capture_breaks(4431 * second, 443 * second));
    g_assert_false(teardown_capture_breaks(INT64_MAX, INT64_MAX / 2));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/teardown/four-way-server-closes", test_four_way_server_closes);
    g_test_add_func("/teardown/three-way-client-closes", test_three_way_client_closes);
    g_test_add_func("/teardown/simultaneous-close", test_simultaneous_close);
    g_test_add_func("/teardown/ack-regressed-after-step2", test_ack_regressed_after_step2);
    g_test_add_func("/teardown/half-close-data", test_half_close_data);
    g_test_add_func("/teardown/fin-with-data", test_fin_with_data);
    g_test_add_func("/teardown/fin-retransmission", test_fin_retransmission);
    g_test_add_func("/teardown/step4-on-fin-retransmission", test_step4_on_fin_retransmission);
    g_test_add_func("/teardown/duplicate-acks-are-not-steps", test_duplicate_acks_are_not_steps);
    g_test_add_func("/teardown/wraparound", test_wraparound);
    g_test_add_func("/teardown/isn-zero", test_isn_zero);
    g_test_add_func("/teardown/ack-beyond-fin", test_ack_beyond_fin);
    g_test_add_func("/teardown/seq-mismatch", test_seq_mismatch);
    g_test_add_func("/teardown/fin-seq-changed", test_fin_seq_changed);
    g_test_add_func("/teardown/data-after-fin", test_data_after_fin);
    g_test_add_func("/teardown/fin-without-ack", test_fin_without_ack);
    g_test_add_func("/teardown/reset-during-teardown", test_reset_during_teardown);
    g_test_add_func("/teardown/rst-ack-is-never-a-step", test_rst_ack_is_never_a_step);
    g_test_add_func("/teardown/reset-in-fin-wait-2", test_reset_in_fin_wait_2);
    g_test_add_func("/teardown/reset-in-closing", test_reset_in_closing);
    g_test_add_func("/teardown/reset-in-last-ack", test_reset_in_last_ack);
    g_test_add_func("/teardown/rst-after-completion", test_rst_after_completion);
    g_test_add_func("/teardown/abort", test_abort);
    g_test_add_func("/teardown/refused", test_refused);
    g_test_add_func("/teardown/abandoned", test_abandoned);
    g_test_add_func("/teardown/rst-origin-from-ttl", test_rst_origin_from_ttl);
    g_test_add_func("/teardown/rst-sender-alive", test_rst_sender_alive);
    g_test_add_func("/teardown/rst-sender-alive-proves-nothing", test_rst_sender_alive_proves_nothing);
    g_test_add_func("/teardown/rst-in-sequence-by-peers-ack", test_rst_in_sequence_by_peers_ack);
    g_test_add_func("/teardown/refusal-undone", test_refusal_undone);
    g_test_add_func("/teardown/out-of-window-ack", test_out_of_window_ack);
    g_test_add_func("/teardown/synack-starts-over", test_synack_starts_over);
    g_test_add_func("/teardown/rst-causes", test_rst_causes);
    g_test_add_func("/teardown/idle-before-close", test_idle_before_close);
    g_test_add_func("/teardown/close-delays", test_close_delays);
    g_test_add_func("/teardown/stale-ack-then-retry", test_stale_ack_then_retry);
    g_test_add_func("/teardown/refused-attempt-retried", test_refused_attempt_retried);
    g_test_add_func("/teardown/refused-only-before-the-handshake", test_refused_only_before_the_handshake);
    g_test_add_func("/teardown/lone-rst-is-abort", test_lone_rst_is_abort);
    g_test_add_func("/teardown/syn-is-never-a-step", test_syn_is_never_a_step);
    g_test_add_func("/teardown/starts-over-only-after-the-end", test_starts_over_only_after_the_end);
    g_test_add_func("/teardown/initiator-by-port-boundary", test_initiator_by_port_boundary);
    g_test_add_func("/teardown/initiator-by-port", test_initiator_by_port);
    g_test_add_func("/teardown/client-from-syn-ack", test_client_from_syn_ack);
    g_test_add_func("/teardown/unfinished-at-capture-end", test_unfinished_at_capture_end);
    g_test_add_func("/teardown/reuse", test_reuse);
    g_test_add_func("/teardown/incomplete", test_incomplete);
    g_test_add_func("/teardown/bad-endpoint", test_bad_endpoint_is_ignored);
    g_test_add_func("/teardown/ignores", test_ignores);
    g_test_add_func("/teardown/annotation-ready-to-draw", test_annotation_ready_to_draw);
    g_test_add_func("/teardown/summary-of-connection", test_summary_of_connection);
    g_test_add_func("/teardown/reuse-source", test_reuse_source);
    g_test_add_func("/teardown/reset-discards-data", test_reset_discards_data);
    g_test_add_func("/teardown/fin-without-ack-before-synchronized", test_fin_without_ack_before_synchronized);
    g_test_add_func("/teardown/ack-regressed-reordered", test_ack_regressed_reordered);
    g_test_add_func("/teardown/ack-beyond-fin-refused", test_ack_beyond_fin_refused);
    g_test_add_func("/teardown/times-over-continuous-capture", test_times_over_continuous_capture);
    g_test_add_func("/teardown/segment-copies", test_segment_copies);
    g_test_add_func("/teardown/capture-breaks", test_capture_breaks);
    return g_test_run();
}
