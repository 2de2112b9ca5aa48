/* teardown_records.h: what the first pass keeps of every connection and of
 * every frame it has something to say about, and the view of a frame drawn
 * from them on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TEARDOWN_RECORDS_H
#define TEARDOWN_RECORDS_H

#include "teardown_compat.h"
#include "teardown_conn_state.h"
#include "teardown_state.h"

/* What a frame is said about although no connection was fed it
 * (doc/behaviour.md, "Hostile captures"). */
enum teardown_unjudged {
    TEARDOWN_JUDGED,                  /* nothing: it has a verdict */
    TEARDOWN_UNJUDGED_SELF_CONNECTED, /* a FIN or RST of a socket connected to itself */
    TEARDOWN_UNJUDGED_READDRESSED_FIN,/* a FIN whose payload re-addressed the packet */
    TEARDOWN_UNJUDGED_COPY            /* the same packet as an earlier frame,
                                         captured again at another point */
};

/* What is kept of one frame the core has a verdict for, in 28 bytes.
 * Kept in an array rather than as Wireshark's per-frame data
 * (p_add_proto_data()), which would add a list link and an entry of 16
 * bytes each, make a read filter's take-back a search, and give the
 * statistics no connection index.  What few frames need besides (an RST's
 * verdict, the numbering TCP shows) is kept apart: per RST frame, and per
 * connection. */
struct teardown_record {
    uint32_t frame;          /* first: records are searched by frame */
    uint32_t connection;     /* index (teardown_connection_at()) */
    struct teardown_verdict verdict;
};

/* A SYN that opened a connection on the addresses and ports of an earlier
 * one, in this capture: kept for few frames, apart from the records. */
struct teardown_reuse_record {
    uint32_t frame;          /* first: searched by frame */
    uint32_t connection;     /* the connection it opened */
    uint32_t earlier;        /* the connection it reuses the ports of, */
    uint32_t earlier_stream; /* in this tcp.stream */
    int64_t  time_ns;        /* the SYN's time (teardown_segment.time_ns) */
};

/* Everything needed to draw one frame, and tap it: a verdict, a reuse, or
 * both, of one connection; what the frame lacks is zero. */
struct teardown_view {
    uint32_t connection_index;
    const struct teardown_connection *connection;
    struct teardown_config config;           /* the settings, and whether
                                                the capture's end is known */
    bool has_verdict;
    struct teardown_annotation annotation;
    const struct teardown_rst_verdict *rst;  /* an RST's, else NULL */
    uint32_t seq_base;       /* what to subtract to show TCP's numbering */
    uint32_t ack_base;
    const struct teardown_reuse_record *reuse_record;  /* a reusing SYN's, else NULL */
    struct teardown_reuse reuse;             /* ... and what it says */
};

/* Sequence and acknowledgement numbers as the frame's TCP tree shows them
 * now (relative or raw). */
static inline uint32_t
teardown_shown_seq(const struct teardown_view *view, uint32_t raw_seq)
{
    return raw_seq - view->seq_base;
}

static inline uint32_t
teardown_shown_ack(const struct teardown_view *view, uint32_t raw_ack)
{
    return raw_ack - view->ack_base;
}

/* Empties everything with each capture file (an init routine). */
void teardown_records_init(void);

/* The frame's record, made on its first dissection (the first pass, where
 * Wireshark's fields are read from the tree), looked up on later ones; NULL
 * when the core has no verdict for it. */
const struct teardown_record *teardown_record_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

/* The view of the frame with this record (or NULL): false when there is
 * nothing to draw. */
bool teardown_view_frame(const struct teardown_record *record, packet_info *pinfo, struct teardown_view *view);

/* Why a frame without a record is said something about anyway, if it is;
 * for a copy, *original is the frame it copies. */
enum teardown_unjudged teardown_unjudged_frame(uint32_t frame, uint32_t *original);

/* The connection the frame opened, if it opened one. */
bool teardown_opened_connection(uint32_t frame, uint32_t *connection);

const struct teardown_connection *teardown_connection_at(uint32_t connection);

/* A connection as a whole at one of its frames: its row in the connection
 * table, and its teardown.conn fields. */
struct teardown_conn_view {
    uint32_t connection_index;
    uint32_t stream;          /* tcp.stream */
    uint32_t incarnation;     /* which of the stream's connections: 0, 1... */
    uint32_t first_frame;
    uint32_t checks;          /* enum teardown_check bits: its frames'
                                 verdicts' so far, and what its times, its
                                 reuse and the capture's end decide */
    bool reused;              /* its SYN reused an earlier connection's
                                 addresses and ports, and then: */
    struct teardown_reuse reuse;
    struct teardown_conn conn;
};

/* What is known of connection `connection` at the frame being dissected,
 * one of its own, once the whole capture was read or not (the dissection's
 * PINFO_FD_VISITED(): a tap listener may run after the frame was marked). */
void teardown_conn_view_frame(uint32_t connection, packet_info *pinfo, bool capture_end_known,
                              struct teardown_conn_view *view);

/* Whether the frame being dissected stands for a connection as a whole
 * (and which): the frame that decided how it ended, or once the whole
 * capture was read, the last step frame of a teardown never finished, or
 * the first frame of a connection never closed.  view is the frame's, if
 * it has one. */
bool teardown_conn_ends_at(const struct teardown_view *view, packet_info *pinfo, uint32_t *connection);

#endif /* TEARDOWN_RECORDS_H */
