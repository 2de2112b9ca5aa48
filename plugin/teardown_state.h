/* teardown_state.h: the TCP teardown state machine, free of Wireshark types.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * One struct teardown_connection follows one TCP connection.  The caller feeds
 * it the connection's segments one at a time, in capture order, and gets
 * back what to say about each one: a narrow verdict to keep per frame
 * (struct teardown_verdict), which expands into the whole annotation
 * (struct teardown_annotation) on every later look.  Everything
 * here is plain C11 so that it can be unit-tested and fuzzed without
 * Wireshark; packet-teardown.c maps Wireshark's fields onto it.
 *
 * Sequence and acknowledgement numbers are the raw 32-bit values from the
 * wire; all comparisons are modulo 2^32 (RFC 9293 §3.4).
 */
#ifndef TEARDOWN_STATE_H
#define TEARDOWN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "teardown_checks.h"

/* TCP header flag bits, as in the header's flags field (RFC 9293 §3.1). */
#define TEARDOWN_TH_FIN 0x001
#define TEARDOWN_TH_SYN 0x002
#define TEARDOWN_TH_RST 0x004
#define TEARDOWN_TH_ACK 0x010

/* Step n (1-4) of the teardown, as a bit of teardown_annotation.steps. */
#define TEARDOWN_STEP(n) (1u << ((n) - 1))
#define TEARDOWN_FIN_STEPS (TEARDOWN_STEP(1) | TEARDOWN_STEP(3))
#define TEARDOWN_ACK_STEPS (TEARDOWN_STEP(2) | TEARDOWN_STEP(4))

/* Without a handshake in the capture, the one endpoint on a port below this
 * is taken as the server. */
#define TEARDOWN_WELL_KNOWN_PORT_END 1024

/* No endpoint. */
#define TEARDOWN_NO_ENDPOINT 2

enum teardown_role {
    TEARDOWN_ROLE_NONE,
    TEARDOWN_ROLE_ACTIVE,
    TEARDOWN_ROLE_PASSIVE
};

/* Which side of the connection an endpoint is: the client sent the SYN. */
enum teardown_side {
    TEARDOWN_SIDE_UNKNOWN,
    TEARDOWN_SIDE_CLIENT,
    TEARDOWN_SIDE_SERVER
};

enum teardown_pattern {
    TEARDOWN_PATTERN_NONE,
    TEARDOWN_PATTERN_FOUR_WAY,
    TEARDOWN_PATTERN_THREE_WAY,
    TEARDOWN_PATTERN_SIMULTANEOUS,
    TEARDOWN_PATTERN_RESET,
    TEARDOWN_PATTERN_ABORT,
    TEARDOWN_PATTERN_REFUSED,
    TEARDOWN_PATTERN_ABANDONED,
    TEARDOWN_PATTERN_INCOMPLETE,
    TEARDOWN_PATTERN_COUNT
};

/* An endpoint's connection state (RFC 9293 §3.3.2), inferred from what the
 * capture point saw: a segment counts as received when it is captured. */
enum teardown_tcp_state {
    TEARDOWN_STATE_CLOSED,
    TEARDOWN_STATE_SYN_SENT,
    TEARDOWN_STATE_SYN_RECEIVED,
    TEARDOWN_STATE_ESTABLISHED,
    TEARDOWN_STATE_FIN_WAIT_1,
    TEARDOWN_STATE_FIN_WAIT_2,
    TEARDOWN_STATE_CLOSING,
    TEARDOWN_STATE_TIME_WAIT,
    TEARDOWN_STATE_CLOSE_WAIT,
    TEARDOWN_STATE_LAST_ACK
};

/* Who sent an RST, judged from its hop signature and what its purported
 * sender did after it. */
enum teardown_rst_origin {
    TEARDOWN_RST_ORIGIN_UNKNOWN,
    TEARDOWN_RST_ORIGIN_ENDPOINT,
    TEARDOWN_RST_ORIGIN_PATH
};

/* What came just before an RST, the first that applies in this order. */
enum teardown_rst_cause {
    TEARDOWN_RST_CAUSE_REFUSED,
    TEARDOWN_RST_CAUSE_ABANDONED,
    TEARDOWN_RST_CAUSE_AFTER_CLOSE,
    TEARDOWN_RST_CAUSE_KEEP_ALIVE,
    TEARDOWN_RST_CAUSE_RETRANSMISSIONS,
    TEARDOWN_RST_CAUSE_IDLE,
    TEARDOWN_RST_CAUSE_ABORT,
    TEARDOWN_RST_CAUSE_COUNT
};

/* How long a connection must have been silent for a segment to count as
 * sent after idle time (keep-alive probes, idle RSTs). */
#define TEARDOWN_IDLE_NS INT64_C(1000000000)

/* The checks of teardown_checks.h, one bit each in teardown_verdict.checks:
 * TEARDOWN_CHECK_ACK_BEYOND_FIN and so on. */
enum teardown_check_index {
#define TEARDOWN_CHECK_INDEX(id, name, group, severity, summary) TEARDOWN_CHECK_INDEX_##id,
    TEARDOWN_CHECKS(TEARDOWN_CHECK_INDEX)
#undef TEARDOWN_CHECK_INDEX
    TEARDOWN_CHECK_COUNT
};

enum teardown_check {
#define TEARDOWN_CHECK_BIT(id, name, group, severity, summary) \
    TEARDOWN_CHECK_##id = 1u << TEARDOWN_CHECK_INDEX_##id,
    TEARDOWN_CHECKS(TEARDOWN_CHECK_BIT)
#undef TEARDOWN_CHECK_BIT
};

/* The checks decided once the whole capture was read: one pass never
 * reports them. */
#define TEARDOWN_CAPTURE_END_CHECKS \
    (TEARDOWN_CHECK_CLOSE_WAIT_STUCK | TEARDOWN_CHECK_CLOSE_WAIT_SENDING | TEARDOWN_CHECK_FIN_UNANSWERED | \
     TEARDOWN_CHECK_UNFINISHED_AT_END | TEARDOWN_CHECK_DIRECTION_NOT_CAPTURED)

/* One TCP segment as the capture shows it. */
struct teardown_segment {
    uint32_t frame;     /* frame number, > 0, increasing in capture order */
    uint8_t  endpoint;  /* 0 or 1: which endpoint sent it (caller's choice,
                           constant for the connection) */
    uint16_t src_port;
    uint16_t dst_port;
    uint16_t flags;     /* TEARDOWN_TH_* bits */
    uint32_t seq;       /* raw */
    uint32_t ack;       /* raw; meaningful only with TEARDOWN_TH_ACK */
    uint32_t len;       /* payload length */
    int64_t  time_ns;   /* capture time (teardown_time_ns()) */
    uint32_t stretch;   /* the stretch of continuous capture it is in
                           (teardown_capture_breaks()): 0, 1, 2... */
    uint16_t ip_id;     /* the IPv4 identification, when ip_id_known */
    bool     ip_id_known;
    uint16_t checksum;  /* the TCP checksum, as sent */
    uint16_t window;    /* the window advertised, unscaled */
    uint8_t  hops;      /* IPv4 TTL or IPv6 hop limit of the IP header
                           carrying it, when hops_known */
    bool     hops_known;
};

/* What the state machine decides about one segment, in 20 bytes: what a
 * caller keeps per annotated frame.  Everything else said about the frame
 * (links to other frames, FIN sequence numbers, the initiator, times) is
 * fixed in its connection once the segment has been fed, and
 * teardown_verdict_expand() reads it back from there. */
struct teardown_verdict {
    uint32_t seq, ack, len;  /* the segment's own values, raw */
    uint32_t checks : 16;    /* enum teardown_check bits */
    uint32_t steps : 4;      /* TEARDOWN_STEP() bits */
    uint32_t pattern : 4;    /* enum teardown_pattern: set where the teardown
                                completes or an RST ends it */
    uint32_t role : 2;       /* enum teardown_role of the sender */
    uint32_t sender_side : 2;/* enum teardown_side of the sender */
    uint32_t endpoint : 1;   /* the sender, as in the segment */
    uint32_t retransmission : 1;
    uint32_t half_close : 1;
    uint32_t rst : 1;        /* an RST: see struct teardown_rst_verdict */
    uint8_t  state_before[2]; /* enum teardown_tcp_state of each endpoint */
    uint8_t  state_after[2];  /* ... once this segment is sent and received */
};

_Static_assert(sizeof(struct teardown_verdict) == 20, "a verdict is 20 bytes: one per annotated frame");
_Static_assert(TEARDOWN_CHECK_INDEX_IDLE_TIMER_CLOSE <= 16,
               "teardown_verdict.checks holds every check decided when a segment is fed");
_Static_assert(TEARDOWN_CHECK_COUNT <= 32, "teardown_annotation.checks holds every check");

/* What judging times depends on besides the connection: the user's settings,
 * which may change at any time, and the end of the capture, known once it
 * was read whole.  What depends on them is decided when a verdict is
 * expanded. */
struct teardown_config {
    const uint32_t *idle_timers_s;  /* common idle timeouts, in seconds */
    size_t idle_timer_count;
    int64_t slow_close_ns;          /* a CLOSE-WAIT at least this long is slow */
    int64_t time_wait_ns;           /* how long TIME-WAIT holds */
    int64_t stuck_after_ns;         /* a teardown that stood still this long,
                                       the capture running on, is stuck */
    uint32_t stretch;               /* the expanded frame's stretch of
                                       continuous capture, */
    int64_t stretch_end_ns;         /* the time of its last frame, ... */
    bool capture_end_known;         /* ... once the whole capture was read */
};

/* Why a teardown still under way when the capture ended is no warning. */
enum teardown_unfinished_why {
    TEARDOWN_UNFINISHED_NOT_RESENT,     /* no ACK of the FIN, and its sender never
                                           sent it again: the ACK was missed */
    TEARDOWN_UNFINISHED_ACKED_BEYOND,   /* its ACKs went beyond it (desynchronised) */
    TEARDOWN_UNFINISHED_CLOSE_WAIT_SHORT/* CLOSE-WAIT shorter than stuck_after */
};

/* What an RST during a teardown throws away. */
enum teardown_rst_discards {
    TEARDOWN_RST_DISCARDS_NOTHING,
    TEARDOWN_RST_DISCARDS_OWN,      /* payload its sender sent, unacknowledged */
    TEARDOWN_RST_DISCARDS_PEERS     /* payload its peer sent, unacknowledged
                                       (or both) */
};

/* Why an RST's origin is unknown. */
enum teardown_rst_unknown {
    TEARDOWN_RST_KNOWN,             /* it is not */
    TEARDOWN_RST_UNKNOWN_HOPS,      /* the RST's own hop signature is unreadable */
    TEARDOWN_RST_UNKNOWN_FEW,       /* its sender sent fewer than two segments */
    TEARDOWN_RST_UNKNOWN_UNSTABLE   /* its sender's segments differed */
};

/* What is decided about an RST besides its verdict, in 6 bytes, kept for
 * RST frames. */
struct teardown_rst_verdict {
    uint16_t baseline_segments;/* the sender's earlier segments without RST
                                  that its baseline comes from (saturated) */
    uint8_t  hops;             /* the RST's own hop signature ... */
    uint8_t  baseline_hops;    /* ... and its sender's usual one */
    uint16_t origin : 2;       /* enum teardown_rst_origin, as known at the RST */
    uint16_t cause : 3;        /* enum teardown_rst_cause */
    uint16_t unknown : 2;      /* enum teardown_rst_unknown */
    uint16_t discards : 2;     /* enum teardown_rst_discards, in a teardown */
    uint16_t hops_known : 1;
    uint16_t baseline_known : 1;
};

_Static_assert(TEARDOWN_RST_CAUSE_COUNT <= 1 << 3, "teardown_rst_verdict.cause holds every cause");
_Static_assert(sizeof(struct teardown_rst_verdict) == 6, "an RST verdict is 6 bytes");

/* Everything said about one segment, ready to draw: every number is the
 * one to show (raw sequence numbers: the caller subtracts its own base),
 * every time comes with whether it is there.  Frame numbers are 0 where not
 * set. */
struct teardown_annotation {
    struct teardown_verdict verdict;
    uint32_t checks;         /* the verdict's, and those decided from the
                                settings or the capture's end: enum
                                teardown_check bits */
    uint8_t  pattern;        /* enum teardown_pattern to show: the verdict's,
                                and once the whole capture was read, the
                                connection's final one on every frame that
                                took part in its teardown */
    uint8_t  initiator;      /* enum teardown_side of the step-1 sender, or
                                of the RST's sender where one aborts; set
                                only in_teardown */
    bool     initiator_by_port;
    bool     in_teardown;    /* the segment has a part in a teardown (not an
                                RST after the end, nor a sign of life) */
    bool     ack_refused;    /* an ACK beyond the FIN, once step 2, that the
                                FIN's sender refused: it sent the FIN again */
    uint8_t  receiver;       /* the endpoint the segment was sent to */
    uint8_t  closer;         /* the step-1 sender, else this segment's */
    uint8_t  passive;        /* the other endpoint */
    uint16_t port[2];        /* each endpoint's port */
    uint32_t end_seq;        /* seq + len: after the payload, where the FIN
                                sits on a FIN */
    uint32_t fin_frame;      /* steps 2 and 4: the FIN acknowledged */
    uint32_t ack_frame;      /* steps 1 and 3: the segment acknowledging
                                this FIN, once the connection has seen it */
    uint32_t original_frame; /* retransmissions: the FIN's first frame */
    uint32_t own_fin_seq;    /* the sender's first FIN, if it sent one */
    uint32_t own_fin_frame;
    uint32_t peer_fin_seq;   /* the other endpoint's first FIN, if any */
    uint32_t peer_fin_frame;
    uint32_t expected_ack;   /* the other endpoint's FIN + 1, with it */
    uint32_t expected_seq;   /* the sender's own FIN + 1, with it */
    uint32_t step1_frame;    /* the connection's step-1 FIN, if any */
    uint32_t rst_frame;      /* the sender's first RST, when this segment shows
                                it alive after it */
    uint32_t alive_frame;    /* an RST: the first segment showing its sender
                                alive after it, once the connection has seen it */
    uint8_t  rst_origin;     /* an RST: enum teardown_rst_origin, with what
                                the connection has seen since */
    uint8_t  rst_cause;      /* an RST: enum teardown_rst_cause */
    uint8_t  rst_unknown;    /* an RST of unknown origin: enum teardown_rst_unknown */
    uint8_t  rst_discards;   /* an RST during the teardown: enum
                                teardown_rst_discards, what it throws away */
    uint8_t  holder_side;    /* enum teardown_side of the passive closer that
                                holds CLOSE-WAIT, with a close_wait check */
    uint32_t segments;       /* with the verdict's pattern: segments from
                                step 1 to here (1 for an RST before any FIN) */
    int64_t  duration_ns;    /* step 4, or with a pattern: time since step 1 */
    bool     duration_known;
    bool     clock_backwards;/* the duration is negative: the capture's
                                clock went backwards */
    int64_t  idle_ns;        /* step 1 and a connection-ending RST: time since
                                the connection's previous segment */
    bool     idle_known;     /* ... unless the frame was its first */
    uint32_t idle_timer_s;   /* the idle timer idle_ns matches, if any */
    int64_t  ack_delay_ns;   /* step 2: time since step 1 */
    bool     ack_delay_known;
    int64_t  close_delay_ns; /* step 3 but in a simultaneous close: time
                                since step 1 (the passive closer's CLOSE-WAIT) */
    bool     close_delay_known;
    int64_t  last_ack_delay_ns; /* step 4: time since step 3 */
    bool     last_ack_delay_known;
    uint32_t half_close_segments; /* step 3: data segments of the passive
                                     closer before it (half-close) */
    int64_t  unfinished_ns;  /* the last step frame of a teardown that never
                                completed: time until the end of its stretch
                                of continuous capture, */
    bool     unfinished_known; /* once that is known, */
    int64_t  waiting_ns;     /* how long it stood waiting: a FIN never
                                acknowledged since step 1 (in the same
                                stretch), a CLOSE-WAIT since the last step */
    uint8_t  unfinished_why;   /* and with unfinished_at_end, why that is
                                  no warning: enum teardown_unfinished_why */
};

/* What is known of a connection as a whole at one of its frames: how it
 * ended, who ended it.  Once the whole capture was read, the same at every
 * frame. */
struct teardown_summary {
    uint8_t pattern;         /* enum teardown_pattern: NONE while no teardown
                                began, INCOMPLETE while one has not ended */
    uint8_t closer_side;     /* enum teardown_side of who began the close:
                                the step-1 sender, or the RST's sender where
                                one ended it before any FIN */
    bool    closed;          /* a close began (a FIN, or an ending RST) */
    bool    half_closed;     /* a FIN acknowledged, none back: one end in
                                FIN-WAIT-2, the other in CLOSE-WAIT */
    bool    rst_ended;       /* an RST ended it, and then: */
    uint8_t rst_sender_side; /* enum teardown_side of its sender, */
    uint8_t rst_origin;      /* enum teardown_rst_origin, with what the
                                connection has shown since, */
    uint8_t rst_cause;       /* enum teardown_rst_cause */
};

/* How the receiver of the SYN that opened a connection answered it. */
enum teardown_syn_answer {
    TEARDOWN_SYN_ANSWER_NONE,          /* nothing (yet) */
    TEARDOWN_SYN_ANSWER_ACCEPTED,      /* SYN+ACK */
    TEARDOWN_SYN_ANSWER_CHALLENGE_ACK, /* an ACK for the connection it knew */
    TEARDOWN_SYN_ANSWER_RESET
};

/* What is said of a SYN that opens a connection on the addresses and ports
 * of an earlier one. */
struct teardown_reuse {
    int64_t gap_ns;          /* time since the earlier connection's last
                                segment, */
    bool    gap_known;       /* over continuous capture */
    uint8_t time_wait_holder;/* enum teardown_side of the endpoint that closed
                                the earlier connection first, ... */
    uint8_t holder_endpoint; /* ... and its endpoint index (as in segments), */
    bool    holder_known;    /* ... where it closed gracefully */
    uint8_t answer;          /* enum teardown_syn_answer, with */
    bool    answer_known;    /* once the whole capture was read */
    uint32_t checks;         /* TEARDOWN_CHECK_REUSE_IN_TIME_WAIT or 0 */
};

/* What one endpoint has done in the teardown.  Flags are bit-fields: a
 * capture holds millions of these. */
struct teardown_endpoint {
    uint32_t fin_seq;    /* sequence number its first FIN occupies */
    uint32_t fin_frame;  /* 0: no FIN sent */
    uint32_t ack_frame;  /* first segment that acknowledged that FIN */
    uint32_t next_seq;   /* the sequence number after what it sent; frozen
                            once the connection ended */
    uint32_t rst_frame;  /* its first RST in this connection, */
    uint32_t rst_seq;    /* at this sequence number */
    uint32_t alive_frame;/* its first segment showing it alive after it */
    uint32_t acked;      /* the ACK number of its latest segment with ACK
                            and without SYN or RST: what it has received */
    uint16_t port;
    uint16_t hop_segments; /* its segments without RST with a known hop
                              signature (saturated) */
    uint16_t ip_id;        /* the IPv4 identification of its latest segment */
    uint8_t  hops;         /* hop signature of its first segment without RST */
    uint8_t  retransmissions; /* its latest segments re-sending payload, in
                                 a row (saturated) */
    uint16_t fin_step : 3;    /* 1 or 3 */
    uint16_t acked_beyond : 1;/* an ACK beyond that FIN was reported */
    uint16_t covered_beyond : 1; /* the ACK that covered it was beyond it */
    uint16_t beyond_refused : 1; /* ... and refused: the FIN was sent again,
                                    so ACKs beyond it no longer cover it */
    uint16_t sent_any : 1;    /* next_seq is known */
    uint16_t keep_alive : 1;  /* its latest segment was a keep-alive probe */
    uint16_t hops_unstable : 1; /* its segments without RST differed in hops */
    uint16_t ip_id_known : 1;
    uint16_t unacked_data : 1;/* it sent payload its peer has not yet
                                 acknowledged */
    uint16_t retried : 1;     /* after its FIN, it sent the FIN or payload
                                 again: it waited for an answer */
    uint16_t acked_known : 1; /* acked is known: it took part in a
                                 synchronized connection */
    uint16_t rst_in_sequence : 1; /* its first RST was at its own next sequence
                                     number, ending its own connection */
    uint16_t rst_refused : 1; /* ... or refused the peer's SYN */
};

/* How many letters a connection's history keeps (teardown_conn_state.h):
 * a longer one keeps its first letters. */
#define TEARDOWN_HISTORY_LETTERS 12

/* One connection.  A TCP stream that holds several connections in turn (the
 * same ports used again) has one of these for each: see
 * teardown_connection_starts_over(). */
struct teardown_connection {
    struct teardown_endpoint endpoint[2];
    int64_t  step1_time_ns;
    union {
        int64_t step3_time_ns;      /* once step3_frame is set; before, */
        int64_t half_close_last_ns; /* the passive closer's latest data
                                       segment's, with half_close_segments */
    };
    int64_t  last_time_ns;      /* the latest segment's, either direction */
    int64_t  step1_idle_ns;     /* step 1's idle time, with step1_idle_known */
    int64_t  end_idle_ns;       /* that of an RST ending the connection, with
                                   end_idle_known */
    uint32_t half_close_segments;
    uint16_t last_stretch;      /* the stretch of continuous capture of its
                                   latest segment, */
    uint16_t step1_stretch;     /* of step 1, */
    uint16_t step3_stretch;     /* of step 3 (see teardown_segment.stretch) */
    uint32_t teardown_segments; /* segments since step 1, step 1 included */
    uint32_t pattern_segments;  /* ... up to the one that decided the pattern */
    uint32_t step2_frame;
    uint32_t step3_frame;
    uint32_t last_step_frame;/* the latest segment that carried a step */
    uint32_t last_frame;     /* the latest segment before its end */
    uint8_t  history[TEARDOWN_HISTORY_LETTERS]; /* its history, one letter of
                                teardown_conn_state.h a byte, 0 after the last */
    uint8_t  retransmitted[2];/* each endpoint's segments re-sending payload, */
    uint8_t  zero_windows[2]; /* and advertising a zero window (saturated) */
    uint8_t  client : 2;     /* endpoint index, or TEARDOWN_NO_ENDPOINT */
    uint8_t  syn_sender : 2; /* sender of a SYN without ACK, or none */
    uint8_t  active : 2;     /* step-1 sender, or TEARDOWN_NO_ENDPOINT */
    uint8_t  initiator : 2;  /* enum teardown_side, fixed at step 1 or by
                                an RST that ends the connection before it */
    uint8_t  pattern : 4;    /* enum teardown_pattern, once known */
    uint8_t  syn_answer : 2; /* enum teardown_syn_answer */
    uint8_t  end_rst_origin : 2; /* enum teardown_rst_origin of the RST that
                                    ended it, as its own frame judged it, */
    uint8_t  end_rst_cause : 3;  /* and its enum teardown_rst_cause */
    bool     seen_any : 1;   /* a segment of this connection was seen */
    bool     synack_seen : 1;
    bool     established : 1;/* past the handshake, or begun before the
                                capture: no handshake seen */
    bool     simultaneous : 1;
    bool     initiator_by_port : 1;
    bool     step1_idle_known : 1;
    bool     end_idle_known : 1;
    bool     ended : 1;      /* an RST ended it: annotate nothing more
                                until a new connection starts over */
};

void teardown_connection_init(struct teardown_connection *connection);

/* True when the segment starts a new connection in place of this one: a
 * SYN without ACK once this one has ended (its teardown completed, or an RST
 * ended it), but for a retry of this one's attempt.  The caller then feeds
 * it, and the rest of the connection, to a freshly initialised one, and
 * keeps this one for what was said about its own segments. */
bool teardown_connection_starts_over(const struct teardown_connection *connection,
                                     const struct teardown_segment *segment);

/* True when the segment is this connection's refused or abandoned SYN sent
 * again, with the same ISN (as Windows retries a refused connect(), or a
 * SYN that met a stale ACK is retransmitted): one attempt with its retries,
 * not a new connection.  Fed, it takes the attempt up again. */
bool teardown_connection_retried(const struct teardown_connection *connection,
                                 const struct teardown_segment *segment);

/* True for TEARDOWN_TH_* flags of a segment that opens a connection: a SYN
 * without ACK or RST. */
bool teardown_segment_opens(uint16_t flags);

/* Whose addresses and ports a connection reuses. */
enum teardown_reuse_source {
    TEARDOWN_REUSES_NOTHING,
    TEARDOWN_REUSES_PREVIOUS,   /* its stream's connection before it */
    TEARDOWN_REUSES_ELSEWHERE   /* an earlier one of another stream, if any */
};

/* For a segment with these TEARDOWN_TH_* flags that begins a connection in
 * a stream whose latest connection was `previous` (NULL: none): a segment
 * that starts over reuses the previous connection's addresses and ports; one
 * that opens a connection in a new stream reuses those of an earlier
 * connection on the same addresses and ports, which the caller looks for
 * only then (a lookup costs). */
enum teardown_reuse_source teardown_reuse_source(const struct teardown_connection *previous,
                                                 uint16_t flags);

/* Feed one segment.  Fills *out and returns true when the segment is
 * annotated (a step, a retransmitted FIN, half-close data, a failed check,
 * an RST, or a segment showing an RST's purported sender alive); returns
 * false, leaving *out unspecified, otherwise.  For an RST (out->rst) it also
 * fills *rst_out.  Segments quoted inside ICMP errors, or whose TCP header
 * was not fully captured, must not be fed: they would change the state. */
bool teardown_connection_update(struct teardown_connection *connection,
                                const struct teardown_segment *segment,
                                struct teardown_verdict *out,
                                struct teardown_rst_verdict *rst_out);

/* The whole annotation of a segment that teardown_connection_update() gave
 * this verdict (and for an RST, this RST verdict; else NULL) for, the
 * segment's frame number and time given again.  The same however many
 * segments were fed since, but for the links to later frames, which appear
 * once the connection has seen them (ack_frame, alive_frame and with it
 * rst_origin), and what only the capture's end tells (config). */
void teardown_verdict_expand(const struct teardown_connection *connection,
                             const struct teardown_verdict *verdict,
                             const struct teardown_rst_verdict *rst,
                             uint32_t frame, int64_t time_ns,
                             const struct teardown_config *config,
                             struct teardown_annotation *out);

/* What is known of the connection at its frame `frame` (any frame from its
 * first on, annotated or not): as the frames up to it told, or, once the
 * whole capture was read (config), as every frame did. */
void teardown_connection_summarize(const struct teardown_connection *connection, uint32_t frame,
                                   const struct teardown_config *config, struct teardown_summary *out);

/* What a SYN at syn_time_ns that opened the connection `later` on the
 * addresses and ports of the connection `earlier` reuses them after: the
 * gap, who should still hold TIME-WAIT, and, once the whole capture was
 * read, how the SYN was answered. */
void teardown_reuse_judge(const struct teardown_connection *earlier,
                          const struct teardown_connection *later, int64_t syn_time_ns,
                          const struct teardown_config *config, struct teardown_reuse *out);

/* The idle timer, in seconds, that an idle time matches: at least 1 s, and
 * within TEARDOWN_IDLE_TOLERANCE_PERCENT of the timer or
 * TEARDOWN_IDLE_TOLERANCE_MIN_MS, whichever is more; 0 for none. */
uint32_t teardown_idle_timer(int64_t idle_ns, const struct teardown_config *config);

/* True when a segment with these TEARDOWN_TH_* flags would change nothing in
 * the connection and be said nothing about: the caller may skip reading the
 * rest of it.  Most segments of a capture are such. */
bool teardown_connection_ignores(const struct teardown_connection *connection, uint16_t flags);

/* The pattern the connection has ended with, once everything it will ever
 * see has been fed: "incomplete" for a teardown that began and never
 * completed. */
enum teardown_pattern teardown_connection_final_pattern(const struct teardown_connection *connection);

/* Whether a segment sent by endpoint `sender` from src_port to dst_port
 * has the connection's ports. */
bool teardown_connection_has_ports(const struct teardown_connection *connection, uint8_t sender,
                                   uint16_t src_port, uint16_t dst_port);

/* The frame of the first FIN the other endpoint than `endpoint` sent (0:
 * none yet): the FIN a segment of `endpoint` may acknowledge. */
uint32_t teardown_connection_peer_fin_frame(const struct teardown_connection *connection, uint8_t endpoint);

/* True for the patterns of a close both ends took part in (four-way,
 * three-way, simultaneous), after which the endpoint that closed first
 * holds TIME-WAIT; an RST leaves none. */
bool teardown_pattern_graceful(enum teardown_pattern pattern);

/* The side of endpoint 0 or 1 in an annotated segment's connection. */
enum teardown_side teardown_annotation_side(const struct teardown_annotation *annotation,
                                            uint8_t endpoint);

/* "2+3/4, passive", "1/4 retransmission, active", "reset, passive": a
 * segment's own verdict in a few words, for the Info column and titles.
 * Writes at most size bytes, the terminating NUL included. */
#define TEARDOWN_SUMMARY_SIZE 64
void teardown_summary(const struct teardown_verdict *verdict, char *text, size_t size);

/* Whether a silence between two consecutive frames of a capture is a break
 * in it (see TEARDOWN_BREAK_FACTOR), the longest silence before it known. */
bool teardown_capture_breaks(int64_t silence_ns, int64_t longest_silence_ns);

/* Whether `copy` is the same packet as `original`, an earlier segment of the
 * same connection, captured again at another point (TEARDOWN_COPY_WITHIN_MS
 * later, at the same hop or one further): the same sender, sequence and
 * acknowledgement numbers, flags, length, TCP checksum and IPv4
 * identification.  A copy is no new segment: no step, no retransmission,
 * no evidence about an RST. */
bool teardown_segment_copies(const struct teardown_segment *original, const struct teardown_segment *copy);

/* Capture times as nanoseconds since the first time a clock was asked
 * about: only differences are shown, and a pcapng clock reaches far beyond
 * what 64-bit nanoseconds since 1970 hold (the year 2262). */
struct teardown_clock {
    int64_t base_secs;
    int32_t base_nsecs;
    bool    started;
};

void teardown_clock_init(struct teardown_clock *clock);

/* A capture time, seconds and nanoseconds since the epoch, in nanoseconds
 * since the clock's first, saturated like teardown_time_ns(). */
int64_t teardown_clock_ns(struct teardown_clock *clock, int64_t secs, int32_t nsecs);

/* Seconds and nanoseconds as nanoseconds, saturated at INT64_MIN and
 * INT64_MAX (about 292 years either way). */
int64_t teardown_time_ns(int64_t secs, int32_t nsecs);

/* later - earlier, saturated like teardown_time_ns(). */
int64_t teardown_time_since(int64_t later_ns, int64_t earlier_ns);

/* Words users type in display filters: "active", "three-way", "client"... */
const char *teardown_role_name(enum teardown_role role);
const char *teardown_side_name(enum teardown_side side);
const char *teardown_pattern_name(enum teardown_pattern pattern);
const char *teardown_tcp_state_name(enum teardown_tcp_state state);  /* "FIN-WAIT-1" */
const char *teardown_check_name(enum teardown_check_index check);    /* "ack_beyond_fin" */
/* A check's one-line summary, as its expert item has it. */
const char *teardown_check_summary(enum teardown_check_index check);
const char *teardown_rst_origin_name(enum teardown_rst_origin origin); /* "path" */
const char *teardown_rst_cause_name(enum teardown_rst_cause cause);    /* "keep-alive" */
const char *teardown_syn_answer_name(enum teardown_syn_answer answer); /* "challenge-ack" */

#endif /* TEARDOWN_STATE_H */
