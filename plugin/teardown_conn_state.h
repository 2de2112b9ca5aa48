/* teardown_conn_state.h: one connection as a whole, as a row of the
 * connection table says it: Zeek's conn_state and history for it, who
 * closed it and how, how long each side took, and the frames the verdict
 * rests on.  Free of Wireshark types, like the rest of the core.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Zeek's conn.log (base/protocols/conn/main.zeek) names a connection's
 * state from its two endpoints' (the originator's and the responder's)
 * and writes its history as letters, upper case for the originator's
 * packets: s a SYN, h a SYN+ACK, a a pure ACK, d data, f a FIN, r an RST,
 * t a retransmission, w a zero window, i FIN and RST together, q SYN with
 * FIN or RST, ^ the originator is not the first packet's sender.  The rules
 * each letter follows are in doc/behaviour.md ("The connection table").
 */
#ifndef TEARDOWN_CONN_STATE_H
#define TEARDOWN_CONN_STATE_H

#include "teardown_state.h"

/* Zeek's conn_state values, in the order its documentation lists them. */
enum teardown_conn_state {
    TEARDOWN_CONN_S0,       /* an attempt, no reply */
    TEARDOWN_CONN_S1,       /* established, not terminated */
    TEARDOWN_CONN_SF,       /* established and terminated */
    TEARDOWN_CONN_REJ,      /* an attempt rejected */
    TEARDOWN_CONN_S2,       /* established, the originator's close unanswered */
    TEARDOWN_CONN_S3,       /* established, the responder's close unanswered */
    TEARDOWN_CONN_RSTO,     /* established, the originator aborted */
    TEARDOWN_CONN_RSTR,     /* the responder sent an RST */
    TEARDOWN_CONN_RSTOS0,   /* the originator's SYN then its RST, no SYN+ACK */
    TEARDOWN_CONN_RSTRH,    /* the responder's SYN+ACK then its RST, no SYN */
    TEARDOWN_CONN_SH,       /* the originator's SYN then its FIN, no SYN+ACK */
    TEARDOWN_CONN_SHR,      /* the responder's SYN+ACK then its FIN, no SYN */
    TEARDOWN_CONN_OTH,      /* no SYN: midstream traffic */
    TEARDOWN_CONN_STATE_COUNT
};

/* The history's longest text: every letter, a leading '^' and the NUL. */
#define TEARDOWN_HISTORY_SIZE (TEARDOWN_HISTORY_LETTERS + 2)

/* Who closed a connection first. */
enum teardown_conn_closer {
    TEARDOWN_CLOSER_NONE,     /* nobody yet */
    TEARDOWN_CLOSER_CLIENT,
    TEARDOWN_CLOSER_SERVER,
    TEARDOWN_CLOSER_BOTH,     /* a simultaneous close */
    TEARDOWN_CLOSER_UNKNOWN   /* an endpoint of unknown side */
};

/* What is known of a connection as a whole at one of its frames: a row of
 * the connection table, and the teardown.conn fields.  Frame numbers are 0
 * where not known; every time comes with whether it is. */
struct teardown_conn {
    struct teardown_summary summary; /* pattern, closer's side, ending RST */
    uint8_t  closer;          /* enum teardown_conn_closer */
    uint8_t  state;           /* enum teardown_conn_state */
    uint8_t  originator;      /* endpoint 0 or 1: the client, else the
                                 first segment's sender */
    char     history[TEARDOWN_HISTORY_SIZE];
    uint32_t end_frame;       /* the frame the row stands for (see
                                 teardown_connection_end_frame()), */
    bool     at_end;          /* ... which is the frame described */
    uint32_t first_fin_frame; /* evidence: the first FIN, */
    uint32_t fin_ack_frame;   /* the segment that acknowledged it, */
    uint32_t rst_frame;       /* the RST that ended the connection, */
    uint32_t alive_frame;     /* a segment showing that RST's sender alive */
    uint32_t last_frame;      /* the latest segment before the end */
    int64_t  duration_ns;     /* first FIN to the end, on the ending frame */
    bool     duration_known;
    int64_t  close_delay_ns;  /* the passive closer's: first FIN to its FIN */
    bool     close_delay_known;
    int64_t  last_ack_delay_ns; /* the active closer's: the passive closer's
                                   FIN to its ACK, on the ending frame */
    bool     last_ack_delay_known;
    int64_t  idle_ns;         /* silence before the first FIN, or before an
                                 RST that ended the connection unclosed */
    bool     idle_known;
    uint32_t idle_timer_s;    /* the idle timer it matches, if any */
    uint8_t  time_wait_side;  /* enum teardown_side left in TIME-WAIT by a
                                 graceful close (UNKNOWN: none, or a
                                 simultaneous close: both; see
                                 time_wait_both) */
    bool     time_wait_both;
    uint8_t  close_wait_side; /* enum teardown_side left in CLOSE-WAIT at
                                 the end (UNKNOWN: none known) */
    uint32_t checks;          /* what the connection's times and the end of
                                 the capture decide (enum teardown_check
                                 bits); the caller adds its frames' own */
};

/* Notes the letters a segment adds to its connection's history, before the
 * connection is fed it: teardown_connection_update() calls it. */
void teardown_history_note(struct teardown_connection *connection, const struct teardown_segment *segment);

/* The connection's history in Zeek's letters, upper case for the originator. */
void teardown_conn_history(const struct teardown_connection *connection, char text[TEARDOWN_HISTORY_SIZE]);

/* Zeek's conn_state for the connection as it stands. */
enum teardown_conn_state teardown_conn_state_of(const struct teardown_connection *connection);
const char *teardown_conn_state_name(enum teardown_conn_state state);      /* "RSTOS0" */
const char *teardown_conn_closer_name(enum teardown_conn_closer closer);   /* "both" */

/* The frame a connection's row and teardown.conn fields stand for: the one
 * that decided how it ended; once the whole capture was read, for a
 * teardown never finished, its last step frame; 0 otherwise (the caller
 * then takes the connection's first frame, if the whole capture was read). */
uint32_t teardown_connection_end_frame(const struct teardown_connection *connection,
                                       const struct teardown_config *config);

/* What is known of the connection at its frame `frame`, captured at
 * time_ns (any frame from its first on): as the frames up to it told, or,
 * once the whole capture was read (config), as every frame did.  Times
 * measured to the end are given on the end frame only. */
void teardown_connection_describe(const struct teardown_connection *connection, uint32_t frame, int64_t time_ns,
                                  const struct teardown_config *config, struct teardown_conn *out);

#endif /* TEARDOWN_CONN_STATE_H */
