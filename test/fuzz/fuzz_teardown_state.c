/* fuzz_teardown_state.c: libFuzzer harness for the teardown state machine:
 * the invariants every annotation keeps, and the few answers that the rules
 * of doc/behaviour.md make certain.
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
 * Beside the state machine, each connection is watched: which FINs were
 * sent, which steps and pattern were said, who sent an RST.  That is no
 * second state machine: it predicts only what follows from a segment's own
 * flags and numbers (the first FIN is step 1, an ACK of exactly FIN + 1 is
 * the step that covers it, ...) and otherwise holds the state machine to
 * rules over the whole connection (test/fuzz/README.md).  The state machine
 * must not allocate: a stream's memory is its fixed-size struct, whatever
 * the input.
 */
#include <sanitizer/allocator_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "teardown_state.h"

#define STREAMS 8
#define HEADER_SIZE 4
#define RECORD_SIZE 14
#define MAX_RECORDS 4096
#define MAX_CONNECTIONS (STREAMS + MAX_RECORDS)
#define STEP(n) TEARDOWN_STEP(n)
#define NONE TEARDOWN_NO_ENDPOINT
/* The checks a verdict holds: those decided when its segment is fed. */
#define FEED_CHECKS ((uint32_t)TEARDOWN_CHECK_IDLE_TIMER_CLOSE - 1)
#define END_CHECKS ((uint32_t)TEARDOWN_CAPTURE_END_CHECKS)

/* What the harness saw of one connection, from its segments and what was
 * said about them when they were fed. */
struct watch {
    bool     ended;           /* an RST ended it */
    uint8_t  syn_sender;      /* the first SYN's, before any FIN */
    uint8_t  pattern;         /* the pattern said, once */
    uint8_t  retries;         /* refused or abandoned attempts sent again, */
    uint32_t retry_frame;     /* the latest at this frame */
    bool     sent_any[2];     /* a segment without RST, before the end */
    uint32_t sent_up_to[2];   /* ... and the furthest it reached */
    uint32_t fin_frame[2];    /* each endpoint's first FIN, */
    uint32_t fin_seq[2];
    uint8_t  fin_step[2];     /* 1 or 3 */
    uint32_t acked_frame[2];  /* the step that covered it, */
    bool     acked_beyond[2]; /* ... with an ACK beyond it, */
    bool     beyond[2];       /* an ACK beyond it (then only invariants hold) */
    bool     refused_step4;   /* the step-3 FIN sent again after step 4
                                 covered it with an ACK beyond it */
    bool     step3_out_of_window; /* far outside its sender's sequence space */
    int64_t  step1_time_ns;
    uint32_t rst_frame[2];    /* each endpoint's first RST */
    uint32_t alive_frame[2];  /* its first segment said to show it alive */
    uint32_t last_step_frame;
    uint32_t last_stretch;    /* the stretch and time of its latest segment */
    int64_t  last_time_ns;    /* before the end */
};

/* The decoder's view of a stream, across the connections it holds. */
struct stream_pair {
    struct teardown_connection connection;
    unsigned id;              /* the connection's index in connections[] */
    uint32_t next_seq[2];     /* what each endpoint sent up to */
    uint16_t ip_id[2];
    uint16_t port[2];
};

/* What was said about an annotated segment when it was fed, to be said
 * again from its verdict once the whole input has been fed. */
struct said {
    unsigned id;
    struct teardown_verdict verdict;
    struct teardown_rst_verdict rst;
    uint32_t frame;
    uint32_t stretch;
    int64_t time_ns;
    struct teardown_annotation annotation;
};

/* Idle timers of 1 and 5 s (the clock steps 1 ms or 1 s, or 5 s back, which
 * breaks the capture), CLOSE-WAIT slow from 2 ms and stuck from 20 ms,
 * TIME-WAIT 10 ms. */
static const uint32_t idle_timers_s[] = { 1, 5 };
static const struct teardown_config base_config = {
    .idle_timers_s = idle_timers_s, .idle_timer_count = 2, .slow_close_ns = 2000000,
    .time_wait_ns = 10000000, .stuck_after_ns = 20000000,
};

static struct said said[MAX_RECORDS];
static size_t said_count;

/* Every connection of the input: the latest of each stream lives in its
 * pair, those a new one started over from are kept in kept[]. */
static const struct teardown_connection *connections[MAX_CONNECTIONS];
static struct watch watches[MAX_CONNECTIONS];
static struct teardown_connection kept[MAX_RECORDS];
static unsigned connection_count, kept_count;

/* The capture's stretches of continuous capture and the time each ends. */
static int64_t stretch_end_ns[MAX_RECORDS + 1];
static uint32_t stretch;
static int64_t longest_silence_ns;

/* The malloc hook runs in whichever thread allocates, and libFuzzer's own
 * threads (the RSS monitor, for one) allocate at any time: only this
 * thread's allocations inside the state machine count. */
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

static uint32_t
read32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Record: [0] bits 0-2 stream, 3 endpoint, 4 raw seq, 5 raw ack, 6 wide
 * length, 7 clock jumps back 5 s; [1] bits 0-3 FIN SYN RST ACK; [2] seq step
 * and [3] ack step (signed bytes); [4-5] length; [6-9] raw seq; [10-13] raw
 * ack.  Without a wide length, [4] bits 0-2 are the length, 3-4 the TTL
 * (60-63), 5 says the TTL is known, 6 that the IPv4 ID is, which is the
 * sender's previous one plus [5] (signed), and 7 steps the clock 1 s instead
 * of 1 ms. */
static struct stream_pair *
decode_segment(struct stream_pair *pairs, const uint8_t *r, uint32_t frame, int64_t *clock_ns,
               struct teardown_segment *segment)
{
    static const uint16_t flag_bits[4] = {
        TEARDOWN_TH_FIN, TEARDOWN_TH_SYN, TEARDOWN_TH_RST, TEARDOWN_TH_ACK
    };
    struct stream_pair *pair = &pairs[r[0] & 7];
    uint8_t endpoint = (r[0] >> 3) & 1;
    bool wide = r[0] & 0x40;
    uint16_t flags = 0;
    int64_t silence_ns;

    for (int bit = 0; bit < 4; bit++) {
        if (r[1] & (1 << bit))
            flags |= flag_bits[bit];
    }
    silence_ns = (r[0] & 0x80) ? -INT64_C(5000000000) :
                 !wide && (r[4] & 0x80) ? INT64_C(1000000000) : INT64_C(1000000);
    /* The capture breaks as the plugin's glue finds it. */
    if (frame > 1 && teardown_capture_breaks(silence_ns, longest_silence_ns))
        stretch++;
    else if (frame > 1 && silence_ns > longest_silence_ns)
        longest_silence_ns = silence_ns;
    *clock_ns += silence_ns;
    stretch_end_ns[stretch] = *clock_ns;

    memset(segment, 0, sizeof *segment);
    segment->frame = frame;
    segment->endpoint = endpoint;
    segment->src_port = pair->port[endpoint];
    segment->dst_port = pair->port[endpoint ^ 1];
    segment->flags = flags;
    segment->seq = (r[0] & 0x10) ? read32(r + 6) : pair->next_seq[endpoint] + (int8_t)r[2];
    segment->ack = (r[0] & 0x20) ? read32(r + 10) : pair->next_seq[endpoint ^ 1] + (int8_t)r[3];
    segment->len = wide ? (uint32_t)(r[4] | r[5] << 8) : r[4] & 7u;
    segment->time_ns = *clock_ns;
    segment->stretch = stretch;
    segment->hops_known = !wide && (r[4] & 0x20);
    segment->hops = (uint8_t)(60 + ((r[4] >> 3) & 3));
    segment->ip_id_known = !wide && (r[4] & 0x40);
    if (segment->ip_id_known)
        pair->ip_id[endpoint] = (uint16_t)(pair->ip_id[endpoint] + (int8_t)r[5]);
    segment->ip_id = pair->ip_id[endpoint];
    pair->next_seq[endpoint] = segment->seq + segment->len +
                               ((flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_FIN)) ? 1 : 0);
    return pair;
}

static void
watch_init(struct watch *w)
{
    memset(w, 0, sizeof *w);
    w->syn_sender = NONE;
}

/* What a segment without RST tells of how far its sender has sent. */
static void
note_sent(struct watch *w, const struct teardown_segment *s)
{
    uint8_t e = s->endpoint;
    uint32_t end = s->seq + s->len + ((s->flags & (TEARDOWN_TH_SYN | TEARDOWN_TH_FIN)) ? 1 : 0);

    if (!w->sent_any[e] || seq_distance(end, w->sent_up_to[e]) > 0)
        w->sent_up_to[e] = end;
    w->sent_any[e] = true;
}

/* A FIN (but no SYN or RST) before the end: an endpoint's first is step 1,
 * or step 3 after the other's; its next at the same place is a
 * retransmission with the first's step; one at another place is no step. */
static void
check_fin(struct watch *w, const struct teardown_segment *s, const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    uint8_t own = s->endpoint;
    uint32_t fin_seq = s->seq + s->len;
    unsigned fin_steps = a->verdict.steps & TEARDOWN_FIN_STEPS;

    if (w->fin_frame[own] == 0) {
        w->fin_step[own] = w->fin_frame[own ^ 1] == 0 ? 1 : 3;
        w->fin_frame[own] = frame;
        w->fin_seq[own] = fin_seq;
        if (w->fin_step[own] == 1)
            w->step1_time_ns = s->time_ns;
        require(fin_steps == STEP(w->fin_step[own]) && !a->verdict.retransmission);
        require(a->verdict.role == TEARDOWN_ROLE_ACTIVE || w->fin_step[own] == 3);
    } else if (fin_seq == w->fin_seq[own]) {
        require(fin_steps == STEP(w->fin_step[own]) && a->verdict.retransmission);
        require(a->original_frame == w->fin_frame[own]);
        if (w->fin_step[own] == 3 && w->acked_beyond[own] && w->pattern == TEARDOWN_PATTERN_NONE)
            w->refused_step4 = true;
    } else {
        require(fin_steps == 0 && !a->verdict.retransmission);
        require(a->verdict.checks & TEARDOWN_CHECK_FIN_SEQ_CHANGED);
    }
}

/* An ACK of the other endpoint's FIN: one short of FIN + 1 covers nothing,
 * one of exactly FIN + 1 covers it unless something covered it before or
 * an ACK went beyond it; the first beyond it says so.  A segment far
 * outside its sender's sequence space acknowledges nothing. */
static void
check_ack(struct watch *w, const struct teardown_segment *s, bool out_of_window,
          const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    uint8_t peer = s->endpoint ^ 1;
    unsigned step = w->fin_step[peer] == 1 ? 2 : 4;
    int64_t beyond = seq_distance(s->ack, w->fin_seq[peer] + 1);
    bool beyond_said = a->verdict.checks & TEARDOWN_CHECK_ACK_BEYOND_FIN;

    if (out_of_window || beyond < 0) {
        require(!(a->verdict.steps & STEP(step)) && !beyond_said);
        return;
    }
    if (beyond == 0 && w->acked_frame[peer] == 0 && !w->beyond[peer])
        require(a->verdict.steps & STEP(step));
    require(beyond_said == (beyond > 0 && !w->beyond[peer]));
    if (beyond > 0)
        w->beyond[peer] = true;
    if (a->verdict.steps & STEP(step)) {
        require(a->fin_frame == w->fin_frame[peer]);
        require(step != 4 || (a->duration_known && a->duration_ns == teardown_time_since(s->time_ns, w->step1_time_ns)));
        if (w->acked_frame[peer] == 0) {
            w->acked_frame[peer] = frame;
            w->acked_beyond[peer] = beyond > 0;
        }
    }
}

/* Half-close data: payload without FIN from the endpoint that did not close
 * first and has not yet, after the step that covered the other's FIN. */
static void
check_half_close(const struct watch *w, const struct teardown_segment *s, const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    uint8_t own = s->endpoint, peer = own ^ 1;
    bool plain = w->fin_step[peer] == 1 && w->acked_frame[peer] != 0 && w->acked_frame[peer] < frame &&
                 !w->beyond[peer] && w->fin_frame[own] == 0;
    bool half_close = a->verdict.half_close;

    require(half_close == ((a->verdict.checks & TEARDOWN_CHECK_HALF_CLOSE_DATA) != 0));
    if (s->len > 0 && !(s->flags & TEARDOWN_TH_FIN) && plain)
        require(half_close);
    if (half_close)
        require(s->len > 0 && !(s->flags & TEARDOWN_TH_FIN) && a->verdict.role == TEARDOWN_ROLE_PASSIVE &&
                w->acked_frame[peer] != 0 && w->fin_frame[own] == 0);
}

/* An RST before the end ends the connection: "reset" after step 1, an
 * attempt refused or abandoned or an abort before it, nothing after a
 * completed teardown. */
static void
check_reset(struct watch *w, const struct teardown_segment *s, bool annotated, const struct teardown_annotation *a,
            bool completed)
{
    uint32_t frame = s->frame;
    uint8_t own = s->endpoint;
    uint8_t pattern = a->verdict.pattern;
    uint32_t reset_checks = a->verdict.checks & (TEARDOWN_CHECK_RESET_DURING_TEARDOWN | TEARDOWN_CHECK_RESET_DISCARDS_DATA);

    require(annotated);
    if (completed) {
        require(pattern == TEARDOWN_PATTERN_NONE && a->verdict.role == TEARDOWN_ROLE_NONE);
        require(a->rst_cause == TEARDOWN_RST_CAUSE_AFTER_CLOSE && reset_checks == 0);
    } else if (w->fin_frame[0] != 0 || w->fin_frame[1] != 0) {
        require(pattern == TEARDOWN_PATTERN_RESET && a->verdict.role != TEARDOWN_ROLE_NONE);
        require(a->verdict.role == TEARDOWN_ROLE_ACTIVE || w->fin_step[own] != 1);
        require(reset_checks != 0 && (reset_checks & (reset_checks - 1)) == 0);
    } else {
        require(pattern == TEARDOWN_PATTERN_ABORT || pattern == TEARDOWN_PATTERN_REFUSED ||
                pattern == TEARDOWN_PATTERN_ABANDONED);
        require(a->verdict.role == TEARDOWN_ROLE_ACTIVE && a->segments == 1 && reset_checks == 0);
        require(pattern != TEARDOWN_PATTERN_REFUSED ||
                (w->syn_sender != NONE && own != w->syn_sender && a->rst_cause == TEARDOWN_RST_CAUSE_REFUSED));
        require(pattern != TEARDOWN_PATTERN_ABANDONED ||
                (own == w->syn_sender && a->rst_cause == TEARDOWN_RST_CAUSE_ABANDONED));
    }
    w->ended = true;
}

/* One segment against what was said about it when it was fed. */
static void
check_segment(struct watch *w, const struct teardown_segment *s, bool annotated, const struct teardown_annotation *a)
{
    uint32_t frame = s->frame;
    uint8_t own = s->endpoint;
    bool syn = s->flags & TEARDOWN_TH_SYN, rst = s->flags & TEARDOWN_TH_RST;
    bool any_fin = w->fin_frame[0] != 0 || w->fin_frame[1] != 0;
    bool completed = w->pattern != TEARDOWN_PATTERN_NONE;
    bool out_of_window;

    if (annotated) {
        /* An RST is never a step; only an RST says who sent it. */
        require(a->verdict.rst == rst);
        require(!rst || (a->verdict.steps == 0 && !a->verdict.retransmission && !a->verdict.half_close));
        /* Its origin as its TTL decided: no sign of life can have come yet. */
        require(((a->verdict.checks & TEARDOWN_CHECK_RST_TTL_MISMATCH) != 0) ==
                (rst && a->rst_origin == TEARDOWN_RST_ORIGIN_PATH));
        require(a->alive_frame == 0);
        require((a->verdict.checks & ~FEED_CHECKS) == 0);
        require(a->verdict.pattern != TEARDOWN_PATTERN_INCOMPLETE);
        require(a->verdict.retransmission == ((a->verdict.checks & TEARDOWN_CHECK_FIN_RETRANSMISSION) != 0));
        require(((a->verdict.checks & TEARDOWN_CHECK_RST_SENDER_ALIVE) != 0) == (w->ended && !rst));
        if (a->verdict.pattern != TEARDOWN_PATTERN_NONE) {
            require(w->pattern == TEARDOWN_PATTERN_NONE);
            w->pattern = a->verdict.pattern;
        }
        if (a->verdict.steps != 0)
            w->last_step_frame = frame;
    }
    if (w->ended) {
        /* After the end, RSTs, and an RST's sender's first sign of life. */
        if (rst) {
            require(annotated && a->verdict.pattern == TEARDOWN_PATTERN_NONE && a->verdict.role == TEARDOWN_ROLE_NONE);
            /* The refuser of an attempt refuses again. */
            require(a->rst_cause == TEARDOWN_RST_CAUSE_AFTER_CLOSE ||
                    (a->rst_cause == TEARDOWN_RST_CAUSE_REFUSED && w->pattern == TEARDOWN_PATTERN_REFUSED));
        } else if (annotated) {
            require(w->rst_frame[own] != 0 && w->alive_frame[own] == 0);
            require(a->verdict.checks == TEARDOWN_CHECK_RST_SENDER_ALIVE && a->verdict.steps == 0 &&
                    a->verdict.role == TEARDOWN_ROLE_NONE && a->rst_frame == w->rst_frame[own]);
            w->alive_frame[own] = frame;
        }
        if (rst && w->rst_frame[own] == 0)
            w->rst_frame[own] = frame;
        return;
    }
    w->last_stretch = s->stretch;
    w->last_time_ns = s->time_ns;
    if (syn) {
        /* Never a step, whatever else it carries. */
        require(!annotated);
        if (!rst && !(s->flags & TEARDOWN_TH_ACK) && w->syn_sender == NONE && !any_fin)
            w->syn_sender = own;
        if (!rst)
            note_sent(w, s);
        return;
    }
    if (rst) {
        if (w->rst_frame[own] == 0)
            w->rst_frame[own] = frame;
        check_reset(w, s, annotated, a, completed);
        return;
    }
    out_of_window = w->sent_any[own] && seq_distance(s->seq, w->sent_up_to[own]) > UINT16_MAX;
    note_sent(w, s);
    if (!any_fin && !(s->flags & TEARDOWN_TH_FIN)) {
        /* Before any FIN, only RSTs are annotated. */
        require(!annotated);
        return;
    }
    if (!annotated) {
        /* A FIN, a covering ACK or half-close data always is. */
        struct teardown_annotation nothing;

        memset(&nothing, 0, sizeof nothing);
        a = &nothing;
        require(!(s->flags & TEARDOWN_TH_FIN));
        if ((s->flags & TEARDOWN_TH_ACK) && w->fin_frame[own ^ 1] != 0)
            check_ack(w, s, out_of_window, a);
        check_half_close(w, s, a);
        return;
    }
    require(a->verdict.role != TEARDOWN_ROLE_NONE);
    require(!(a->verdict.steps & (STEP(1) | STEP(4))) || a->verdict.role == TEARDOWN_ROLE_ACTIVE);
    if (s->flags & TEARDOWN_TH_FIN)
        check_fin(w, s, a);
    else
        require(!(a->verdict.steps & TEARDOWN_FIN_STEPS) && !a->verdict.retransmission);
    if (out_of_window && (a->verdict.steps & STEP(3)))
        w->step3_out_of_window = true;
    if ((s->flags & TEARDOWN_TH_ACK) && w->fin_frame[own ^ 1] != 0)
        check_ack(w, s, out_of_window, a);
    else
        require(!(a->verdict.steps & TEARDOWN_ACK_STEPS) && !(a->verdict.checks & TEARDOWN_CHECK_ACK_BEYOND_FIN));
    check_half_close(w, s, a);
    /* A plain close completes on the segment after which both FINs are
     * covered. */
    if (w->acked_frame[0] != 0 && w->acked_frame[1] != 0 && !w->beyond[0] && !w->beyond[1])
        require(w->pattern != TEARDOWN_PATTERN_NONE);
}

/* A SYN starting over reuses the ports of the connection before: a note
 * only within TIME-WAIT of a graceful close, whose step-1 sender holds it,
 * the gap measured over continuous capture only. */
static void
check_reuse(unsigned earlier_id, const struct teardown_connection *later, const struct teardown_segment *s)
{
    const struct teardown_connection *earlier = connections[earlier_id];
    const struct watch *w = &watches[earlier_id];
    struct teardown_config config = base_config;
    struct teardown_reuse reuse;
    uint32_t frame = s->frame;
    bool graceful = teardown_pattern_graceful(teardown_connection_final_pattern(earlier));

    config.stretch = s->stretch;
    teardown_reuse_judge(earlier, later, s->time_ns, &config, &reuse);
    require(reuse.holder_known == graceful);
    require(!graceful || reuse.holder_endpoint == (w->fin_step[0] == 1 ? 0 : 1));
    require(reuse.gap_known == (w->last_stretch == s->stretch));
    require(!reuse.gap_known || reuse.gap_ns == teardown_time_since(s->time_ns, w->last_time_ns));
    require(reuse.checks == (graceful && reuse.gap_known && reuse.gap_ns >= 0 && reuse.gap_ns < config.time_wait_ns ?
                             (uint32_t)TEARDOWN_CHECK_REUSE_IN_TIME_WAIT : 0));
    require(reuse.answer == TEARDOWN_SYN_ANSWER_NONE);   /* nothing after the SYN yet */
}

/* A new connection in the pair: the one before is kept for what was said
 * about it. */
static void
start_over(struct stream_pair *pair)
{
    kept[kept_count] = pair->connection;
    connections[pair->id] = &kept[kept_count++];
    teardown_connection_init(&pair->connection);
    pair->id = connection_count++;
    connections[pair->id] = &pair->connection;
    watch_init(&watches[pair->id]);
}

/* Feed a segment as the plugin's glue does: to a new connection when it
 * starts over, not at all when the connection ignores it (which must then
 * change nothing and be said nothing about). */
static void
feed(struct stream_pair *pair, const struct teardown_segment *s)
{
    struct watch *w = &watches[pair->id];
    struct teardown_config config = base_config;
    struct teardown_connection before;
    struct teardown_verdict verdict;
    struct teardown_rst_verdict rst;
    struct teardown_annotation a;
    uint32_t frame = s->frame;
    bool opens = teardown_segment_opens(s->flags);
    bool starts_over = teardown_connection_starts_over(&pair->connection, s);
    bool retried = teardown_connection_retried(&pair->connection, s);
    bool ignored = teardown_connection_ignores(&pair->connection, s->flags);
    unsigned earlier_id = pair->id;
    bool annotated;

    /* A SYN after the end starts over, but for a retry of a refused or
     * abandoned attempt, which goes on; nothing else but a SYN+ACK does. */
    require(!starts_over || (w->pattern != TEARDOWN_PATTERN_NONE && (s->flags & TEARDOWN_TH_SYN) &&
                             !(s->flags & TEARDOWN_TH_RST)));
    require(!retried || (opens && (w->pattern == TEARDOWN_PATTERN_REFUSED || w->pattern == TEARDOWN_PATTERN_ABANDONED)));
    require((s->flags & TEARDOWN_TH_ACK) || starts_over == (opens && w->pattern != TEARDOWN_PATTERN_NONE && !retried));
    if (starts_over) {
        if (connection_count == MAX_CONNECTIONS)
            return;
        start_over(pair);
        w = &watches[pair->id];
    }
    if (retried) {
        w->ended = false;
        w->pattern = TEARDOWN_PATTERN_NONE;
        w->retries++;
        w->retry_frame = frame;
    }
    config.stretch = s->stretch;
    memcpy(&before, &pair->connection, sizeof before);
    in_state_machine = true;
    annotated = teardown_connection_update(&pair->connection, s, &verdict, &rst);
    if (annotated)
        teardown_verdict_expand(&pair->connection, &verdict, verdict.rst ? &rst : NULL, frame, s->time_ns,
                                &config, &a);
    in_state_machine = false;
    require(!ignored || (!annotated && memcmp(&before, &pair->connection, sizeof before) == 0));
    if (starts_over && opens)
        check_reuse(earlier_id, &pair->connection, s);
    if (annotated && said_count < MAX_RECORDS) {
        struct said *r = &said[said_count++];

        r->id = pair->id;
        r->verdict = verdict;
        r->rst = rst;
        r->frame = frame;
        r->stretch = s->stretch;
        r->time_ns = s->time_ns;
        memcpy(&r->annotation, &a, sizeof a);
    }
    check_segment(w, s, annotated, &a);
}

/* What two passes show, frame by frame, over one connection. */
struct order {
    uint32_t step_frame[5];   /* each step's first frame */
    bool     simultaneous;    /* step 3 came before any step 2 */
    bool     desync;          /* the ends are out of step (below) */
    unsigned patterns;        /* verdicts with a pattern */
};

/* Rules over the whole connection, on what two passes show: there an ACK
 * beyond a FIN that its sender sent again is no step.  Such a refusal
 * leaves the ends out of step, and one pass took the ACK as step 2 when it
 * came: from there on, roles and patterns follow what one pass saw, and
 * only the order of the steps that stand is held to.  So too from a step-3
 * FIN far outside its sender's sequence space, whose ACK covers no FIN but
 * still rules out a simultaneous close (test/fuzz/README.md). */
static void
check_order(struct order *o, const struct said *r, const struct teardown_annotation *a, uint8_t final)
{
    uint32_t frame = r->frame;
    uint8_t pattern = a->verdict.pattern;

    o->desync |= a->ack_refused || ((a->verdict.steps & STEP(3)) && watches[r->id].step3_out_of_window);
    for (unsigned step = 1; step <= 4; step++) {
        if (!(a->verdict.steps & STEP(step)))
            continue;
        if (a->verdict.retransmission && (STEP(step) & TEARDOWN_FIN_STEPS)) {
            /* A FIN sent again carries its first copy's step. */
            require(o->step_frame[step] != 0 && a->original_frame == o->step_frame[step]);
            continue;
        }
        /* Each step once, never before the steps it answers.  Two passes
         * take back a step 2 that was refused, but not yet a step 4. */
        require(o->step_frame[step] == 0 || (step == 4 && watches[r->id].refused_step4));
        require(step == 1 || (o->step_frame[1] != 0 && o->step_frame[1] < frame));
        require(step != 4 || (o->step_frame[3] != 0 && o->step_frame[3] < frame));
        if (step == 3)
            o->simultaneous = o->step_frame[2] == 0 && !(a->verdict.steps & STEP(2));
        o->step_frame[step] = frame;
    }
    /* Steps 1 and 4 by the active closer, 2 and 3 by the passive one but in
     * a simultaneous close. */
    if (a->verdict.steps & (STEP(1) | STEP(4)))
        require(a->verdict.role == TEARDOWN_ROLE_ACTIVE);
    if ((a->verdict.steps & (STEP(2) | STEP(3))) && !o->desync)
        require(a->verdict.role == (o->simultaneous ? TEARDOWN_ROLE_ACTIVE : TEARDOWN_ROLE_PASSIVE));
    /* A pattern once, where the teardown completes or an RST ends it. */
    require(pattern != TEARDOWN_PATTERN_INCOMPLETE);
    require(a->pattern != TEARDOWN_PATTERN_INCOMPLETE || final == TEARDOWN_PATTERN_INCOMPLETE);
    if (pattern == TEARDOWN_PATTERN_NONE)
        return;
    o->patterns++;
    if (!teardown_pattern_graceful((enum teardown_pattern)pattern)) {
        require(a->verdict.rst);
        return;
    }
    require(!a->verdict.rst && (a->verdict.steps & TEARDOWN_ACK_STEPS));
    require(o->step_frame[2] != 0 && o->step_frame[4] != 0);
    if (o->desync)
        return;
    require((pattern == TEARDOWN_PATTERN_THREE_WAY) == (o->step_frame[2] == o->step_frame[3]));
    require((pattern == TEARDOWN_PATTERN_FOUR_WAY) == (o->step_frame[2] < o->step_frame[3]));
    require((pattern == TEARDOWN_PATTERN_SIMULTANEOUS) == o->simultaneous);
}

/* Once the capture's end is known, only the last step frame of a teardown
 * that never finished says more: how long before the end of its stretch it
 * stopped, and at most one finding. */
static void
check_capture_end(const struct said *r, const struct teardown_annotation *a, const struct teardown_annotation *one_pass,
                  uint8_t final)
{
    const struct watch *w = &watches[r->id];
    uint32_t frame = r->frame;
    uint32_t end_checks = a->checks & END_CHECKS;
    bool unfinished = final == TEARDOWN_PATTERN_INCOMPLETE && frame == w->last_step_frame;
    uint8_t passive = w->fin_step[0] == 1 ? 1 : 0;

    require((a->checks & ~END_CHECKS) == one_pass->checks);
    require(a->verdict.steps == one_pass->verdict.steps ||
            (a->ack_refused && (one_pass->verdict.checks & TEARDOWN_CHECK_ACK_BEYOND_FIN) &&
             a->verdict.steps == (one_pass->verdict.steps & ~STEP(2))));
    require(one_pass->pattern == TEARDOWN_PATTERN_NONE ? a->pattern == TEARDOWN_PATTERN_NONE ||
                                                         (a->in_teardown && a->pattern == final)
                                                       : a->pattern == one_pass->pattern);
    require(a->unfinished_known == unfinished);
    require((end_checks & (end_checks - 1)) == 0);
    if (!unfinished) {
        require(end_checks == 0);
        return;
    }
    require(a->unfinished_ns == teardown_time_since(stretch_end_ns[r->stretch], r->time_ns));
    require(((end_checks & TEARDOWN_CHECK_DIRECTION_NOT_CAPTURED) != 0) == !w->sent_any[passive]);
    /* Once the passive closer's FIN came, only step 4 is missing. */
    if (w->fin_frame[passive] != 0)
        require(end_checks == 0);
    if (end_checks & ~(uint32_t)TEARDOWN_CHECK_DIRECTION_NOT_CAPTURED)
        require(a->waiting_ns >= base_config.slow_close_ns);
    if (end_checks & TEARDOWN_CHECK_CLOSE_WAIT_STUCK)
        require(a->waiting_ns >= base_config.stuck_after_ns);
}

/* A stored verdict expands to what was said when its segment was fed, but
 * for the links to later frames, which may have come since; and what two
 * passes show keeps the rules. */
static void
check_said_again(struct order *orders)
{
    for (size_t i = 0; i < said_count; i++) {
        const struct said *r = &said[i];
        const struct teardown_connection *connection = connections[r->id];
        uint8_t final = teardown_connection_final_pattern(connection);
        struct teardown_config config = base_config;
        struct teardown_annotation again, before, at_end;
        uint32_t frame = r->frame;

        config.stretch = r->stretch;
        teardown_verdict_expand(connection, &r->verdict, r->verdict.rst ? &r->rst : NULL, frame, r->time_ns,
                                &config, &again);
        require(r->annotation.ack_frame == 0 ? again.ack_frame == 0 || again.ack_frame > frame
                                             : again.ack_frame == r->annotation.ack_frame);
        require(again.alive_frame == 0 || again.alive_frame > frame);
        /* A sender seen alive after its RST did not send it. */
        require(again.alive_frame == 0 || again.rst_origin == TEARDOWN_RST_ORIGIN_PATH);
        memcpy(&before, &r->annotation, sizeof before);
        before.ack_frame = again.ack_frame;
        before.alive_frame = again.alive_frame;
        before.rst_origin = again.rst_origin;
        before.rst_unknown = again.rst_unknown;
        /* An attempt sent again goes on in the same connection, which
         * keeps one initiator and one count of teardown segments: known,
         * not yet settled (test/fuzz/README.md). */
        if (frame < watches[r->id].retry_frame) {
            before.initiator = again.initiator;
            before.segments = again.segments;
        }
        require(memcmp(&before, &again, sizeof again) == 0);

        config.capture_end_known = true;
        config.stretch_end_ns = stretch_end_ns[r->stretch];
        teardown_verdict_expand(connection, &r->verdict, r->verdict.rst ? &r->rst : NULL, frame, r->time_ns,
                                &config, &at_end);
        check_capture_end(r, &at_end, &again, final);
        check_order(&orders[r->id], r, &at_end, final);
    }
}

/* How each connection ended: the pattern said, else "incomplete" once a
 * FIN was sent; one pattern, but for attempts refused again. */
static void
check_connections(const struct order *orders, uint32_t frame)
{
    for (unsigned id = 0; id < connection_count; id++) {
        const struct watch *w = &watches[id];
        uint8_t expected = w->pattern != TEARDOWN_PATTERN_NONE ? w->pattern :
                           w->fin_frame[0] != 0 || w->fin_frame[1] != 0 ? TEARDOWN_PATTERN_INCOMPLETE :
                           TEARDOWN_PATTERN_NONE;

        require(teardown_connection_final_pattern(connections[id]) == expected);
        require(orders[id].patterns <= 1u + w->retries);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct stream_pair pairs[STREAMS];
    static struct order orders[MAX_CONNECTIONS];
    int64_t clock_ns = INT64_C(1700000000000000000);
    uint32_t seed, frame = 0;

    if (size < HEADER_SIZE)
        return 0;
    seed = read32(data);
    connection_count = kept_count = 0;
    said_count = 0;
    allocations = 0;
    stretch = 0;
    longest_silence_ns = 0;
    for (unsigned i = 0; i < STREAMS; i++) {
        struct stream_pair *pair = &pairs[i];

        memset(pair, 0, sizeof *pair);
        teardown_connection_init(&pair->connection);
        pair->id = connection_count++;
        connections[pair->id] = &pair->connection;
        watch_init(&watches[pair->id]);
        pair->next_seq[0] = seed * (2 * i + 1) * 2654435761u;
        pair->next_seq[1] = seed * (2 * i + 2) * 2654435761u;
        pair->port[0] = (seed >> i) & 1 ? 22 : (uint16_t)(40000 + i);
        pair->port[1] = (seed >> (i + 8)) & 1 ? 443 : (uint16_t)(50000 + i);
    }
    for (size_t at = HEADER_SIZE; at + RECORD_SIZE <= size && frame < MAX_RECORDS; at += RECORD_SIZE) {
        struct teardown_segment segment;
        struct stream_pair *pair = decode_segment(pairs, data + at, ++frame, &clock_ns, &segment);

        feed(pair, &segment);
    }
    memset(orders, 0, connection_count * sizeof orders[0]);
    check_said_again(orders);
    check_connections(orders, frame);
    require(allocations == 0);
    return 0;
}
