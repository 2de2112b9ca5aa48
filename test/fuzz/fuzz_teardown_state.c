/* fuzz_teardown_state.c: libFuzzer harness for the teardown state machine,
 * checking every annotation against the rules of doc/behaviour.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Input: a 4-byte header, then 14-byte records, one segment each, for up to
 * STREAMS interleaved streams (layout in decode_segment()).  Sequence and
 * acknowledgement numbers are mostly small steps from what each endpoint
 * sent last, so that FINs get acknowledged and teardowns complete; raw
 * values reach wraparound and nonsense.  make-seeds.py writes the fixtures
 * in this format.
 *
 * Alongside the state machine runs a model of the documented steps,
 * patterns, roles and checks, kept as plain bookkeeping of what the segments
 * were; any difference aborts.  The state machine must not allocate: a
 * stream's memory is its fixed-size struct, whatever the input.
 */
#include <sanitizer/allocator_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teardown_state.h"

#define STREAMS 8
#define HEADER_SIZE 4
#define RECORD_SIZE 14
#define NO_FRAME 0
#define NONE TEARDOWN_NO_ENDPOINT
#define STEP(n) TEARDOWN_STEP(n)
#define KNOWN_CHECKS ((1u << TEARDOWN_CHECK_COUNT) - 1)
#define MAX_RECORDS 4096

/* What the documented rules say a stream has been through so far. */
struct model {
    uint32_t next_seq[2];     /* what each endpoint sent up to, for the decoder */
    uint16_t port[2];
    bool     seen_any;
    bool     established;     /* a segment but SYN or RST from the opener, or
                                 after a SYN+ACK, or with no handshake seen */
    bool     ended;           /* an RST ended it */
    uint8_t  syn_sender;
    uint8_t  synack_receiver;
    uint8_t  active;
    uint8_t  initiator;
    bool     by_port;
    bool     simultaneous;
    uint8_t  pattern;         /* the one pattern ever reported */
    uint32_t fin_seq[2];
    uint32_t fin_frame[2];
    uint8_t  fin_step[2];
    bool     beyond_said[2];  /* an ACK beyond this endpoint's FIN was reported */
    uint16_t hop_segments[2]; /* segments without RST with a known TTL */
    uint8_t  hops[2];         /* the first of their TTLs */
    bool     hops_unstable[2];
    uint32_t rst_frame[2];    /* each endpoint's first RST */
    bool     rst_had_ack[2];
    uint32_t rst_ack[2];
    uint32_t alive_frame[2];  /* its first segment showing it alive after it */
    uint32_t step_frame[5];   /* first frame of each step */
    int64_t  step1_time_ns;
};

struct stream_pair {
    struct teardown_connection stream;
    struct model model;
};

/* What was said about an annotated segment when it was fed, to be said
 * again from its verdict once the whole input has been fed. */
struct said {
    const struct teardown_connection *stream;
    struct teardown_verdict verdict;
    struct teardown_rst_verdict rst;
    uint32_t frame;
    int64_t time_ns;
    struct teardown_annotation annotation;
};

/* Idle timers of 1 and 5 s (the clock steps 1 ms, or 5 s back), CLOSE-WAIT
 * slow from 2 ms, TIME-WAIT 10 ms. */
static const uint32_t idle_timers_s[] = { 1, 5 };
static const struct teardown_config config = {
    .idle_timers_s = idle_timers_s, .idle_timer_count = 2, .slow_close_ns = 2000000,
    .time_wait_ns = 10000000,
};

static struct said said[MAX_RECORDS];
static size_t said_count;

/* Connections that a new one started over from, kept for their verdicts. */
static struct teardown_connection ended_streams[MAX_RECORDS];
static size_t ended_count;

/* The malloc hook runs in whichever thread allocates, and libFuzzer's own
 * threads (the RSS monitor, for one) allocate at any time: only this
 * thread's allocations inside teardown_connection_update() count. */
static _Thread_local bool in_state_machine;
static size_t allocations;

static void
count_malloc(const volatile void *ptr, size_t size)
{
    (void)ptr;
    (void)size;
    if (in_state_machine)
        allocations++;
}

static void
ignore_free(const volatile void *ptr)
{
    (void)ptr;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    __sanitizer_install_malloc_and_free_hooks(count_malloc, ignore_free);
    return 0;
}

#define require(condition) \
    do { \
        if (!(condition)) { \
            fprintf(stderr, "invariant broken at frame %u: %s\n", frame, #condition); \
            abort(); \
        } \
    } while (0)

static int64_t
seq_distance(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

static bool
covers(uint16_t flags, uint32_t ack, uint32_t fin_seq)
{
    return (flags & TEARDOWN_TH_ACK) && seq_distance(ack, fin_seq + 1) >= 0;
}

static uint32_t
read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Record: [0] bits 0-2 stream, 3 endpoint, 4 raw seq, 5 raw ack, 6 wide
 * length, 7 clock jumps back 5 s; [1] bits 0-3 FIN SYN RST ACK; [2] seq step
 * and [3] ack step (signed bytes); [4-5] length; [6-9] raw seq; [10-13] raw
 * ack. */
static struct stream_pair *
decode_segment(struct stream_pair *pairs, const uint8_t *r, uint32_t frame, int64_t *clock_ns,
               struct teardown_segment *segment)
{
    static const uint16_t flag_bits[4] = {
        TEARDOWN_TH_FIN, TEARDOWN_TH_SYN, TEARDOWN_TH_RST, TEARDOWN_TH_ACK
    };
    struct stream_pair *pair = &pairs[r[0] & 7];
    struct model *m = &pair->model;
    uint8_t endpoint = (r[0] >> 3) & 1;
    uint16_t flags = 0;

    for (int bit = 0; bit < 4; bit++) {
        if (r[1] & (1 << bit))
            flags |= flag_bits[bit];
    }
    *clock_ns += (r[0] & 0x80) ? -INT64_C(5000000000) : INT64_C(1000000);
    segment->frame = frame;
    segment->endpoint = endpoint;
    segment->src_port = m->port[endpoint];
    segment->dst_port = m->port[endpoint ^ 1];
    segment->flags = flags;
    segment->seq = (r[0] & 0x10) ? read32(r + 6) : m->next_seq[endpoint] + (int8_t)r[2];
    segment->ack = (r[0] & 0x20) ? read32(r + 10) : m->next_seq[endpoint ^ 1] + (int8_t)r[3];
    segment->len = (r[0] & 0x40) ? (uint32_t)(r[4] | r[5] << 8) : r[4] & 7u;
    segment->time_ns = *clock_ns;
    /* Without a wide length, r[4] bits 3-5 give the TTL: 60-63, or unknown. */
    segment->hops_known = !(r[0] & 0x40) && (r[4] & 0x20);
    segment->hops = (uint8_t)(60 + ((r[4] >> 3) & 3));
    m->next_seq[endpoint] = segment->seq + segment->len +
                            ((flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_FIN)) ? 1 : 0);
    return pair;
}

static uint8_t
side_of(uint8_t client, uint8_t endpoint)
{
    if (client == NONE)
        return TEARDOWN_SIDE_UNKNOWN;
    return endpoint == client ? TEARDOWN_SIDE_CLIENT : TEARDOWN_SIDE_SERVER;
}

/* The client by the documented rule: the SYN, else the SYN+ACK, else
 * (setting *by_port) the one port below 1024. */
static uint8_t
client_of(const struct model *m, bool *by_port)
{
    bool low0 = m->port[0] < 1024, low1 = m->port[1] < 1024;

    *by_port = false;
    if (m->syn_sender != NONE)
        return m->syn_sender;
    if (m->synack_receiver != NONE)
        return m->synack_receiver;
    if (low0 == low1)
        return NONE;
    *by_port = true;
    return low0 ? 1 : 0;
}

static uint8_t
role_of(const struct model *m, uint8_t endpoint)
{
    return endpoint == m->active || m->simultaneous ? TEARDOWN_ROLE_ACTIVE : TEARDOWN_ROLE_PASSIVE;
}

/* A segment without RST, as the baseline of its sender's hop signature. */
static void
note_hops(struct model *m, const struct teardown_segment *s)
{
    uint8_t e = s->endpoint;

    if (!s->hops_known)
        return;
    if (m->hop_segments[e] == 0)
        m->hops[e] = s->hops;
    else if (m->hops[e] != s->hops)
        m->hops_unstable[e] = true;
    if (m->hop_segments[e] < UINT16_MAX)
        m->hop_segments[e]++;
}

/* Every RST: its origin from its TTL against two or more earlier segments
 * of its sender without RST, all alike; alive comes later. */
static void
check_rst_fields(struct model *m, const struct teardown_segment *s,
                 const struct teardown_annotation *a, uint32_t expected_checks)
{
    uint32_t frame = s->frame;
    uint8_t e = s->endpoint;
    bool baseline = m->hop_segments[e] >= 2 && !m->hops_unstable[e];
    uint8_t origin = !baseline || !s->hops_known ? TEARDOWN_RST_ORIGIN_UNKNOWN :
                     s->hops != m->hops[e] ? TEARDOWN_RST_ORIGIN_PATH : TEARDOWN_RST_ORIGIN_ENDPOINT;

    require(a->verdict.rst);
    require(a->rst_origin == origin);
    require(a->alive_frame == 0);
    if (origin == TEARDOWN_RST_ORIGIN_PATH)
        expected_checks |= TEARDOWN_CHECK_RST_TTL_MISMATCH;
    require(a->verdict.checks == expected_checks);
    if (m->rst_frame[e] == NO_FRAME) {
        m->rst_frame[e] = frame;
        m->rst_had_ack[e] = s->flags & TEARDOWN_TH_ACK;
        m->rst_ack[e] = s->ack;
    }
}

static void
check_reset(struct model *m, const struct teardown_segment *s, bool annotated,
            const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    bool completed = m->pattern != TEARDOWN_PATTERN_NONE;
    uint8_t pattern;

    m->ended = true;
    require(annotated);
    if (completed) {
        /* After a completed teardown: an RST with no part in it. */
        require(a->verdict.pattern == TEARDOWN_PATTERN_NONE);
        require(a->verdict.role == TEARDOWN_ROLE_NONE);
        require(a->rst_cause == TEARDOWN_RST_CAUSE_AFTER_CLOSE);
        check_rst_fields(m, s, a, 0);
    } else if (m->active != NONE) {
        require(a->verdict.pattern == TEARDOWN_PATTERN_RESET);
        require(a->verdict.role == role_of(m, s->endpoint));
        require(a->initiator == m->initiator);
        check_rst_fields(m, s, a, TEARDOWN_CHECK_RESET_DURING_TEARDOWN);
    } else {
        bool attempt = !m->established && m->synack_receiver == NONE && m->syn_sender != NONE;
        bool by_port;
        uint8_t client = client_of(m, &by_port);

        if (!attempt)
            pattern = TEARDOWN_PATTERN_ABORT;
        else if (s->endpoint == m->syn_sender)
            pattern = TEARDOWN_PATTERN_ABANDONED;
        else
            pattern = TEARDOWN_PATTERN_REFUSED;
        require(a->verdict.pattern == pattern);
        require(pattern != TEARDOWN_PATTERN_REFUSED || a->rst_cause == TEARDOWN_RST_CAUSE_REFUSED);
        require(pattern != TEARDOWN_PATTERN_ABANDONED || a->rst_cause == TEARDOWN_RST_CAUSE_ABANDONED);
        require(a->verdict.role == TEARDOWN_ROLE_ACTIVE);
        require(a->initiator == side_of(client, s->endpoint));
        require(a->initiator_by_port == by_port);
        check_rst_fields(m, s, a, 0);
    }
    require(a->verdict.steps == 0);
    require(!a->verdict.retransmission && !a->verdict.half_close);
    if (!completed)
        m->pattern = a->verdict.pattern;
}

/* After the end: RSTs keep their origin, and the first segment of an RST's
 * sender with payload, a FIN or an ACK beyond its RST's shows it alive. */
static void
check_after_end(struct model *m, const struct teardown_segment *s, bool annotated,
                const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    uint8_t e = s->endpoint;
    bool alive;

    if (s->flags & TEARDOWN_TH_SYN) {
        require(!annotated);
        return;
    }
    if (s->flags & TEARDOWN_TH_RST) {
        require(annotated);
        require(a->verdict.pattern == TEARDOWN_PATTERN_NONE && a->verdict.role == TEARDOWN_ROLE_NONE);
        require(a->rst_cause == TEARDOWN_RST_CAUSE_AFTER_CLOSE);
        check_rst_fields(m, s, a, 0);
        return;
    }
    alive = m->rst_frame[e] != NO_FRAME && m->alive_frame[e] == NO_FRAME &&
            (s->len > 0 || (s->flags & TEARDOWN_TH_FIN) ||
             (m->rst_had_ack[e] && (s->flags & TEARDOWN_TH_ACK) && seq_distance(s->ack, m->rst_ack[e]) > 0));
    require(annotated == alive);
    if (!alive)
        return;
    m->alive_frame[e] = frame;
    require(a->verdict.checks == TEARDOWN_CHECK_RST_SENDER_ALIVE);
    require(a->verdict.steps == 0 && a->verdict.role == TEARDOWN_ROLE_NONE);
    require(a->rst_frame == m->rst_frame[e]);
}

/* A segment that is neither SYN nor RST: the documented rules decide exactly
 * what it is said to be. */
static void
check_segment(struct model *m, const struct teardown_segment *s, bool annotated,
              const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    uint8_t own = s->endpoint, peer = s->endpoint ^ 1;
    bool fin = s->flags & TEARDOWN_TH_FIN, ack = s->flags & TEARDOWN_TH_ACK;
    uint32_t fin_seq = s->seq + s->len;
    bool had_fin = m->fin_frame[own] != NO_FRAME;
    bool retransmission = fin && had_fin && fin_seq == m->fin_seq[own];
    bool step2_before = m->step_frame[2] != NO_FRAME;
    unsigned steps = 0, checks = 0, acked_step = 0;
    uint8_t pattern = TEARDOWN_PATTERN_NONE;

    if (fin && !ack && m->seen_any)
        checks |= TEARDOWN_CHECK_FIN_WITHOUT_ACK;
    if (retransmission) {
        steps |= STEP(m->fin_step[own]);
        checks |= TEARDOWN_CHECK_FIN_RETRANSMISSION;
    } else if (fin && had_fin) {
        checks |= TEARDOWN_CHECK_FIN_SEQ_CHANGED;
    } else if (fin) {
        bool by_port;

        m->fin_step[own] = m->active == NONE ? 1 : 3;
        if (m->active == NONE) {
            m->active = own;
            m->initiator = side_of(client_of(m, &by_port), own);
            m->by_port = by_port;
            m->step1_time_ns = s->time_ns;
        } else if (!step2_before && !covers(s->flags, s->ack, m->fin_seq[peer])) {
            m->simultaneous = true;
        }
        m->fin_seq[own] = fin_seq;
        m->fin_frame[own] = frame;
        m->step_frame[m->fin_step[own]] = frame;
        steps |= STEP(m->fin_step[own]);
    }
    if (fin && ack && step2_before && role_of(m, own) == TEARDOWN_ROLE_PASSIVE &&
        seq_distance(s->ack, m->fin_seq[peer] + 1) < 0)
        checks |= TEARDOWN_CHECK_ACK_REGRESSED;
    if (ack && m->fin_frame[peer] != NO_FRAME) {
        if (seq_distance(s->ack, m->fin_seq[peer] + 1) > 0 && !m->beyond_said[peer]) {
            m->beyond_said[peer] = true;
            checks |= TEARDOWN_CHECK_ACK_BEYOND_FIN;
        }
        acked_step = m->fin_step[peer] == 1 ? 2 : 4;
        if (m->step_frame[acked_step] == NO_FRAME && covers(s->flags, s->ack, m->fin_seq[peer])) {
            m->step_frame[acked_step] = frame;
            steps |= STEP(acked_step);
            if (acked_step == 4 && s->seq != m->fin_seq[own] + 1 && !retransmission)
                checks |= TEARDOWN_CHECK_SEQ_MISMATCH;
        }
    }
    if (m->fin_frame[own] != NO_FRAME && s->len > 0 &&
        seq_distance(s->seq + s->len, m->fin_seq[own] + 1) > 0)
        checks |= TEARDOWN_CHECK_DATA_AFTER_FIN;
    bool half_close = s->len > 0 && !fin && m->active != NONE &&
                      role_of(m, own) == TEARDOWN_ROLE_PASSIVE && step2_before &&
                      m->fin_frame[own] == NO_FRAME;
    if (half_close)
        checks |= TEARDOWN_CHECK_HALF_CLOSE_DATA;
    if (m->pattern == TEARDOWN_PATTERN_NONE && m->step_frame[2] != NO_FRAME &&
        m->step_frame[4] != NO_FRAME) {
        if (m->simultaneous)
            pattern = TEARDOWN_PATTERN_SIMULTANEOUS;
        else if (m->step_frame[2] == m->step_frame[3])
            pattern = TEARDOWN_PATTERN_THREE_WAY;
        else
            pattern = TEARDOWN_PATTERN_FOUR_WAY;
        m->pattern = pattern;
    }

    require(annotated == (steps != 0 || checks != 0 || pattern != TEARDOWN_PATTERN_NONE));
    if (!annotated)
        return;
    /* Invariants first, then the detailed rules. */
    require((a->verdict.steps & ~(STEP(1) | STEP(2) | STEP(3) | STEP(4))) == 0);
    require((a->verdict.checks & ~KNOWN_CHECKS) == 0);
    require(a->verdict.steps == steps);
    require(a->verdict.retransmission == retransmission);
    require(!retransmission || a->original_frame == m->fin_frame[own]);
    require(a->verdict.checks == checks);
    require(a->verdict.half_close == half_close);
    require(a->verdict.pattern == pattern);
    require(a->verdict.role == role_of(m, own));
    require(a->initiator == m->initiator);
    require(a->initiator_by_port == m->by_port);
    require(!(a->verdict.steps & (STEP(2) | STEP(4))) || a->fin_frame == m->fin_frame[peer]);
    require(!(a->verdict.steps & STEP(4)) || a->duration_ns == s->time_ns - m->step1_time_ns);
}

/* Rules over the whole stream that follow from the ones above, checked on
 * their own so that a wrong model cannot hide a broken machine. */
static void
check_order(const struct model *m, const struct teardown_annotation *a, bool annotated,
            uint32_t frame, const uint32_t *steps_seen)
{
    if (!annotated)
        return;
    for (unsigned step = 1; step <= 4; step++) {
        if (!(a->verdict.steps & STEP(step)))
            continue;
        /* Each step once per stream, but for FIN retransmissions. */
        require(steps_seen[step] == frame || a->verdict.retransmission);
        /* Never back to an earlier step: 2 and 3 follow 1, 4 follows 3. */
        require(step == 1 || m->step_frame[1] < frame || a->verdict.retransmission);
        require(step != 4 || m->step_frame[3] < frame);
    }
    /* Roles: steps 1 and 4 by the active closer; steps 2 and 3 by the
     * passive one, except in a simultaneous close. */
    if (a->verdict.steps & (STEP(1) | STEP(4)))
        require(a->verdict.role == TEARDOWN_ROLE_ACTIVE);
    if ((a->verdict.steps & (STEP(2) | STEP(3))) && !m->simultaneous)
        require(a->verdict.role == TEARDOWN_ROLE_PASSIVE);
    if (a->verdict.pattern == TEARDOWN_PATTERN_THREE_WAY)
        require(m->step_frame[2] == m->step_frame[3]);
    if (a->verdict.pattern == TEARDOWN_PATTERN_FOUR_WAY)
        require(m->step_frame[2] < m->step_frame[3]);
    if (a->verdict.pattern == TEARDOWN_PATTERN_SIMULTANEOUS)
        require(m->step_frame[3] < m->step_frame[2]);
    require(a->verdict.pattern != TEARDOWN_PATTERN_INCOMPLETE);
}

static void
model_init(struct model *m, uint32_t next_seq0, uint32_t next_seq1, uint16_t port0, uint16_t port1)
{
    memset(m, 0, sizeof *m);
    m->syn_sender = m->synack_receiver = m->active = NONE;
    m->next_seq[0] = next_seq0;
    m->next_seq[1] = next_seq1;
    m->port[0] = port0;
    m->port[1] = port1;
}

/* A SYN without ACK after the end starts the connection over: the old one
 * is kept for what was said about it, the new one starts from nothing. */
static void
start_over(struct stream_pair *pair)
{
    struct model *m = &pair->model;
    struct teardown_connection *kept = &ended_streams[ended_count++];

    *kept = pair->stream;
    for (size_t i = 0; i < said_count; i++) {
        if (said[i].stream == &pair->stream)
            said[i].stream = kept;
    }
    teardown_connection_init(&pair->stream);
    model_init(m, m->next_seq[0], m->next_seq[1], m->port[0], m->port[1]);
}

/* A SYN starting over reuses the ports of the connection before: a note only
 * within TIME-WAIT of a graceful close, whose step-1 sender holds it. */
static void
check_reuse(const struct teardown_connection *earlier, const struct teardown_connection *later, uint32_t frame,
            int64_t syn_time_ns)
{
    struct teardown_reuse reuse;
    enum teardown_pattern pattern = teardown_connection_final_pattern(earlier);
    bool graceful = pattern == TEARDOWN_PATTERN_FOUR_WAY || pattern == TEARDOWN_PATTERN_THREE_WAY ||
                    pattern == TEARDOWN_PATTERN_SIMULTANEOUS;

    teardown_reuse_judge(earlier, later, syn_time_ns, &config, &reuse);
    require(reuse.holder_known == graceful);
    require(reuse.checks == (graceful && reuse.gap_ns >= 0 && reuse.gap_ns < config.time_wait_ns ?
                             (uint32_t)TEARDOWN_CHECK_REUSE_IN_TIME_WAIT : 0));
    require(!graceful || reuse.holder_endpoint == earlier->active);
    require(reuse.answer == TEARDOWN_SYN_ANSWER_NONE);   /* nothing after the SYN yet */
}

/* RFC 9293 §3.5, as the capture shows it: the handshake is over once the
 * opener sends anything but a SYN, or after a SYN+ACK; a connection whose
 * handshake is not in the capture began before it. */
static void
note_established(struct model *m, uint8_t sender)
{
    uint8_t opener = m->syn_sender != NONE ? m->syn_sender : m->synack_receiver;

    if (opener == NONE || sender == opener || m->synack_receiver != NONE)
        m->established = true;
}

static void
feed(struct stream_pair *pair, const struct teardown_segment *s)
{
    struct model *m = &pair->model;
    struct teardown_verdict verdict;
    struct teardown_rst_verdict rst;
    struct teardown_annotation a;
    uint32_t frame = s->frame;
    bool annotated;
    bool starts_over = (s->flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_ACK | TEARDOWN_TH_RST)) == TEARDOWN_TH_SYN &&
                       m->pattern != TEARDOWN_PATTERN_NONE;

    require(teardown_connection_starts_over(&pair->stream, s->flags) == starts_over);
    if (starts_over && ended_count < MAX_RECORDS)
        start_over(pair);
    else if (starts_over)
        return;
    in_state_machine = true;
    annotated = teardown_connection_update(&pair->stream, s, &verdict, &rst);
    if (starts_over)
        check_reuse(&ended_streams[ended_count - 1], &pair->stream, frame, s->time_ns);
    if (annotated)
        teardown_verdict_expand(&pair->stream, &verdict, verdict.rst ? &rst : NULL, frame, s->time_ns,
                                &config, &a);
    in_state_machine = false;
    if (annotated && said_count < MAX_RECORDS) {
        struct said *r = &said[said_count++];

        r->stream = &pair->stream;
        memcpy(&r->verdict, &verdict, sizeof verdict);
        memcpy(&r->rst, &rst, sizeof rst);
        r->frame = frame;
        r->time_ns = s->time_ns;
        memcpy(&r->annotation, &a, sizeof a);
    }

    if (m->ended) {
        check_after_end(m, s, annotated, &a);
    } else if (s->flags & TEARDOWN_TH_SYN) {
        require(!annotated);
        if (!(s->flags & TEARDOWN_TH_RST))
            note_hops(m, s);
        /* SYNs name the client until a teardown has begun. */
        if (!(s->flags & TEARDOWN_TH_RST) && m->active == NONE) {
            if (!(s->flags & TEARDOWN_TH_ACK) && m->syn_sender == NONE)
                m->syn_sender = s->endpoint;
            if (s->flags & TEARDOWN_TH_ACK)
                m->synack_receiver = s->endpoint ^ 1;
        }
    } else if (s->flags & TEARDOWN_TH_RST) {
        check_reset(m, s, annotated, &a);
    } else {
        note_hops(m, s);
        note_established(m, s->endpoint);
        check_segment(m, s, annotated, &a);
        check_order(m, &a, annotated, frame, m->step_frame);
    }
    m->seen_any = true;
}

/* Once the capture's end is known, only the last step frame of a teardown
 * that never finished says more: how long before the end it stopped, and at
 * most one finding, never before slow_close. */
static void
check_capture_end(const struct said *r, const struct teardown_annotation *before_end, int64_t end_ns)
{
    struct teardown_config at_end = config;
    struct teardown_annotation a;
    uint32_t end_checks, frame = r->frame;

    at_end.capture_end_known = true;
    at_end.capture_end_ns = end_ns;
    teardown_verdict_expand(r->stream, &r->verdict, r->verdict.rst ? &r->rst : NULL, r->frame, r->time_ns,
                            &at_end, &a);
    end_checks = a.checks & TEARDOWN_CAPTURE_END_CHECKS;
    require((a.checks & ~(uint32_t)TEARDOWN_CAPTURE_END_CHECKS) == before_end->checks);
    require(!a.unfinished_known ||
            (teardown_connection_final_pattern(r->stream) == TEARDOWN_PATTERN_INCOMPLETE &&
             r->frame == r->stream->last_step_frame && r->verdict.steps != 0));
    require(end_checks == 0 || (a.unfinished_known && a.unfinished_ns >= config.slow_close_ns));
    require((end_checks & (end_checks - 1)) == 0);
    a.checks = before_end->checks;
    a.unfinished_known = before_end->unfinished_known;
    a.unfinished_ns = before_end->unfinished_ns;
    require(memcmp(&a, before_end, sizeof a) == 0);
}

/* A stored verdict expands to what was said when its segment was fed, but
 * for the link to the acknowledging segment, which may have come since. */
static void
check_said_again(int64_t end_ns)
{
    for (size_t i = 0; i < said_count; i++) {
        const struct said *r = &said[i];
        struct teardown_annotation again, before;
        uint32_t frame = r->frame;

        teardown_verdict_expand(r->stream, &r->verdict, r->verdict.rst ? &r->rst : NULL, frame,
                                r->time_ns, &config, &again);
        if (r->annotation.ack_frame != 0)
            require(again.ack_frame == r->annotation.ack_frame);
        else
            require(again.ack_frame == 0 || again.ack_frame > frame);
        if (r->annotation.alive_frame != 0)
            require(again.alive_frame == r->annotation.alive_frame);
        else
            require(again.alive_frame == 0 || again.alive_frame > frame);
        /* A sender seen alive after its RST did not send it. */
        require(again.alive_frame == 0 || again.rst_origin == TEARDOWN_RST_ORIGIN_PATH);
        memcpy(&before, &r->annotation, sizeof before);
        before.ack_frame = again.ack_frame;
        before.alive_frame = again.alive_frame;
        before.rst_origin = again.rst_origin;
        require(memcmp(&before, &again, sizeof again) == 0);
        check_capture_end(r, &again, end_ns);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct stream_pair pairs[STREAMS];
    int64_t clock_ns = INT64_C(1700000000000000000);
    uint32_t seed, frame = 0;

    if (size < HEADER_SIZE)
        return 0;
    seed = read32(data);
    for (unsigned i = 0; i < STREAMS; i++) {
        teardown_connection_init(&pairs[i].stream);
        model_init(&pairs[i].model, seed * (2 * i + 1) * 2654435761u, seed * (2 * i + 2) * 2654435761u,
                   (seed >> i) & 1 ? 22 : (uint16_t)(40000 + i),
                   (seed >> (i + 8)) & 1 ? 443 : (uint16_t)(50000 + i));
    }
    allocations = 0;
    said_count = 0;
    ended_count = 0;
    for (size_t at = HEADER_SIZE; at + RECORD_SIZE <= size; at += RECORD_SIZE) {
        struct teardown_segment segment;
        struct stream_pair *pair = decode_segment(pairs, data + at, ++frame, &clock_ns, &segment);

        feed(pair, &segment);
    }
    for (unsigned i = 0; i < STREAMS; i++) {
        const struct model *m = &pairs[i].model;
        uint8_t expected = m->pattern != TEARDOWN_PATTERN_NONE ? m->pattern :
                           m->active != NONE ? TEARDOWN_PATTERN_INCOMPLETE : TEARDOWN_PATTERN_NONE;

        require(teardown_connection_final_pattern(&pairs[i].stream) == expected);
    }
    check_said_again(clock_ns);
    require(allocations == 0);
    return 0;
}
