/* teardown_checks.h: every check the teardown analysis reports, declared once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * TEARDOWN_CHECKS(X) expands X(ID, name, GROUP, SEVERITY, summary) once per
 * check, in the order checks are listed everywhere (bits, expert items,
 * statistics, documentation):
 *   ID        the state machine's name: TEARDOWN_CHECK_<ID>;
 *   name      the display filter name after "teardown.", and the label in
 *             the statistics;
 *   GROUP     Wireshark's expert group without "PI_" (SEQUENCE, SECURITY...);
 *   SEVERITY  Wireshark's expert severity without "PI_" (CHAT, NOTE, WARN,
 *             ERROR);
 *   summary   the expert item's one-line description, the same on every
 *             item of the check so that Expert Information groups them;
 *             the frames and values of each are the item's own fields.
 * Two lines may share a name when one finding has two severities.  Checks
 * that the settings or the end of the capture decide come last, from
 * IDLE_TIMER_CLOSE on: they are never part of a stored verdict.
 *
 * Severity policy: a warning (or error) is raised only for what is wrong
 * and would otherwise go unseen: not for what Wireshark already warns of on
 * the same frame (its "Connection reset" on every RST), not for what the
 * capture cannot show (a direction never captured, a capture that stopped),
 * not for an ordinary close in unusual clothes.  Those are notes.
 * The comment above each line cites the part of RFC 9293 that the check holds
 * a segment to.  Scripts read this table too: keep one X(...) per line.
 */
#ifndef TEARDOWN_CHECKS_H
#define TEARDOWN_CHECKS_H

#define TEARDOWN_CHECKS(X) \
    /* §3.4: an ACK acknowledges only what was sent; the FIN is the last. \
     * An ACK beyond it means the two ends no longer agree on the sequence. */ \
    X(ACK_BEYOND_FIN, ack_beyond_fin, SEQUENCE, WARN, "ACK acknowledges beyond the FIN: the ends disagree on sequence numbers") \
    /* §3.10.7.4: SND.UNA only advances; an ACK may not go backwards. */ \
    X(ACK_REGRESSED, ack_regressed, SEQUENCE, WARN, "Passive closer's FIN acknowledges less than its earlier ACK") \
    /* §3.6: after its FIN the closer's next sequence number is FIN + 1. */ \
    X(SEQ_MISMATCH, seq_mismatch, SEQUENCE, WARN, "Final ACK's sequence number is not the active closer's FIN + 1") \
    /* §3.6: the FIN occupies one fixed place in the sequence space. */ \
    X(FIN_SEQ_CHANGED, fin_seq_changed, SEQUENCE, WARN, "Second FIN from the same endpoint at another sequence number") \
    /* §3.10.7.4: nothing is sent after a FIN (the FIN is the last octet). */ \
    X(DATA_AFTER_FIN, data_after_fin, SEQUENCE, ERROR, "Data after the sender's own FIN") \
    /* §3.10.7.4: once synchronized, every segment carries ACK. */ \
    X(FIN_WITHOUT_ACK, fin_without_ack, SEQUENCE, WARN, "FIN without the ACK flag in a synchronized connection") \
    /* §3.8.1: an unacknowledged FIN is retransmitted like data. */ \
    X(FIN_RETRANSMISSION, fin_retransmission, SEQUENCE, NOTE, "FIN retransmission") \
    /* §3.10.7.4: an RST aborts the connection, here in mid-teardown, with \
     * nothing in flight: an abortive close. */ \
    X(RESET_DURING_TEARDOWN, reset_during_teardown, SEQUENCE, NOTE, "RST during the teardown: an abortive close") \
    /* §3.10.7.4: an RST discards what is queued; here data one end sent \
     * and the other never acknowledged. */ \
    X(RESET_DISCARDS_DATA, reset_discards_data, SEQUENCE, WARN, "RST during the teardown discards data in flight") \
    /* §3.6: a half-closed connection still carries data one way. */ \
    X(HALF_CLOSE_DATA, half_close_data, SEQUENCE, CHAT, "Data from the passive closer in a half-closed connection") \
    /* §3.10.7.3: a forged RST is accepted when its sequence number fits; \
     * its IP header still tells how far it travelled. */ \
    X(RST_TTL_MISMATCH, rst_ttl_mismatch, SECURITY, WARN, "RST's TTL differs from its purported sender's") \
    /* §3.10.7.3: an endpoint that reset a connection sends nothing more on it. */ \
    X(RST_SENDER_ALIVE, rst_sender_alive, SECURITY, WARN, "Purported sender of an RST carries on the connection after it") \
    /* §3.8.4: idle connections live until an application or a middlebox \
     * ends them; a close right at a common timeout points to that timer. */ \
    X(IDLE_TIMER_CLOSE, idle_timer_close, SEQUENCE, NOTE, "Closed after an idle time that matches a common idle timer") \
    /* §3.6: CLOSE-WAIT lasts until the application closes its socket. */ \
    X(SLOW_CLOSE, slow_close, SEQUENCE, NOTE, "Passive closer took long to send its FIN (CLOSE-WAIT)") \
    /* §3.6: CLOSE-WAIT ends only when the application closes; one that never \
     * does leaks the connection, and its peer waits in FIN-WAIT-2. */ \
    X(CLOSE_WAIT_STUCK, close_wait_stuck, SEQUENCE, WARN, "Passive closer never closed: CLOSE-WAIT held while the capture ran on") \
    /* §3.6: a half-closed connection may carry data for as long as it likes. */ \
    X(CLOSE_WAIT_SENDING, close_wait_stuck, SEQUENCE, NOTE, "Half-close still sending data when the capture ended (CLOSE-WAIT)") \
    /* §3.8.1: an unacknowledged FIN is retransmitted until the connection \
     * times out; its sender retried, and none of its copies was acknowledged. */ \
    X(FIN_UNANSWERED, fin_unanswered, SEQUENCE, WARN, "FIN never acknowledged although its sender retried") \
    /* §3.6: a close is over only once both FINs are acknowledged; the \
     * capture ended before, with nothing wrong to be seen. */ \
    X(UNFINISHED_AT_END, unfinished_at_end, SEQUENCE, NOTE, "Teardown still under way when the capture ended") \
    /* §3.6: the peer's answer to a FIN travels the other way, which this \
     * capture never saw. */ \
    X(DIRECTION_NOT_CAPTURED, direction_not_captured, SEQUENCE, NOTE, "The peer's direction was never captured: its answer cannot be seen") \
    /* §3.6.2 and RFC 6191: TIME-WAIT keeps old duplicates out of a new \
     * connection on the same addresses and ports, for 2 MSL. */ \
    X(REUSE_IN_TIME_WAIT, reuse_in_time_wait, SEQUENCE, NOTE, "Addresses and ports reused while TIME-WAIT should still hold")

#endif /* TEARDOWN_CHECKS_H */
