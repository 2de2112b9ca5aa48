/* teardown_conn_fields.h: a connection as a whole, in words: its columns
 * (the connection table's, and its teardown.conn fields on the frame that
 * stands for it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TEARDOWN_CONN_FIELDS_H
#define TEARDOWN_CONN_FIELDS_H

#include "teardown_records.h"

/* "[2001:db8::1]:40000" fits. */
#define TEARDOWN_ENDPOINT_TEXT_SIZE 64

/* One row: the connection, and its endpoints as text. */
struct teardown_conn_row {
    struct teardown_conn_view view;
    uint32_t frame;           /* the frame it was described at */
    char client[TEARDOWN_ENDPOINT_TEXT_SIZE];  /* the client, or without one
                                                  the originator (Zeek's) */
    char server[TEARDOWN_ENDPOINT_TEXT_SIZE];
};

/* The columns, in the table's order; each but end_frame is also a field,
 * teardown.conn.NAME (checks: one teardown.conn.check a check). */
#define TEARDOWN_CONN_COLUMNS(X) \
    X(STREAM, "stream", "Stream", NUMBER) \
    X(INCARNATION, "incarnation", "Incarnation", NUMBER) \
    X(CLIENT, "client", "Client", TEXT) \
    X(SERVER, "server", "Server", TEXT) \
    X(CLOSER, "closer", "Closed by", TEXT) \
    X(PATTERN, "pattern", "Pattern", TEXT) \
    X(CONN_STATE, "conn_state", "conn_state", TEXT) \
    X(HISTORY, "history", "History", TEXT) \
    X(DURATION, "duration", "Close duration", TIME) \
    X(CLOSE_DELAY, "close_delay", "Passive close delay", TIME) \
    X(LAST_ACK_DELAY, "last_ack_delay", "Active last-ACK delay", TIME) \
    X(IDLE, "idle", "Idle before", TIME) \
    X(IDLE_TIMER, "idle_timer", "Idle timer", NUMBER) \
    X(RST_ORIGIN, "rst_origin", "RST origin", TEXT) \
    X(RST_CAUSE, "rst_cause", "RST cause", TEXT) \
    X(TIME_WAIT_HOLDER, "time_wait_holder", "TIME-WAIT holder", TEXT) \
    X(CLOSE_WAIT_HOLDER, "close_wait_holder", "CLOSE-WAIT holder", TEXT) \
    X(REUSE, "reuse", "Reuse", TEXT) \
    X(CHECKS, "checks", "Failed checks", TEXT) \
    X(FIRST_FIN_FRAME, "first_fin_frame", "First FIN", NUMBER) \
    X(FIN_ACK_FRAME, "fin_ack_frame", "Its ACK", NUMBER) \
    X(RST_FRAME, "rst_frame", "Ending RST", NUMBER) \
    X(ALIVE_FRAME, "alive_frame", "RST sender alive", NUMBER) \
    X(FIRST_FRAME, "first_frame", "First frame", NUMBER) \
    X(END_FRAME, "end_frame", "End frame", NUMBER) \
    X(LAST_FRAME, "last_frame", "Last frame", NUMBER)

enum teardown_conn_column {
#define TEARDOWN_CONN_COLUMN_ENUM(id, name, title, kind) TEARDOWN_CONN_COLUMN_##id,
    TEARDOWN_CONN_COLUMNS(TEARDOWN_CONN_COLUMN_ENUM)
#undef TEARDOWN_CONN_COLUMN_ENUM
    TEARDOWN_CONN_COLUMN_COUNT
};

/* What a column holds: a whole number, seconds, or words. */
enum teardown_conn_kind { TEARDOWN_CONN_NUMBER, TEARDOWN_CONN_TIME, TEARDOWN_CONN_TEXT };

const char *teardown_conn_column_name(enum teardown_conn_column column);   /* "conn_state" */
const char *teardown_conn_column_title(enum teardown_conn_column column);  /* "Closed by" */
enum teardown_conn_kind teardown_conn_column_kind(enum teardown_conn_column column);

/* The connection's row at the frame being dissected, one of its frames,
 * once the whole capture was read or not. */
void teardown_conn_row_at(uint32_t connection, packet_info *pinfo, bool capture_end_known,
                          struct teardown_conn_row *row);

/* A column of a row as text (TEARDOWN_CONN_TEXT_SIZE bytes), empty where
 * not known: numbers in decimal, times in seconds with nine decimals,
 * checks by name, separated by spaces.  Returns whether it is known;
 * *number holds a number's or a time's value (times in seconds).  text may
 * be NULL where only that is wanted. */
#define TEARDOWN_CONN_TEXT_SIZE 512
bool teardown_conn_column_text(const struct teardown_conn_row *row, enum teardown_conn_column column,
                               char *text, double *number);

/* The teardown.conn fields (proto_register time), and drawing them on the
 * frame that stands for connection `connection`. */
void teardown_conn_fields_register(int proto);
/* Whether anyone reads the fields in this tree (the tree shown, or one of
 * them filtered on or printed): they cost a description. */
bool teardown_conn_fields_wanted(proto_tree *tree);
void teardown_conn_fields_draw(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, uint32_t connection);

#endif /* TEARDOWN_CONN_FIELDS_H */
