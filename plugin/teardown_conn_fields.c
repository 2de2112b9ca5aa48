/* teardown_conn_fields.c: a connection as a whole, in words: the columns of
 * its row, and its teardown.conn fields on the frame that stands for it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The row and the fields are one description (teardown_conn_view_frame(),
 * the core's teardown_connection_describe()) written out twice, so that
 * `-Y teardown.conn -T fields` and the table say the same.
 */
#include "teardown_conn_fields.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <epan/to_str.h>

#include "packet-teardown.h"
#include "teardown_read.h"

static const struct column {
    const char *name, *field, *title;
    enum teardown_conn_kind kind;
} columns[] = {
#define TEARDOWN_CONN_COLUMN_ENTRY(id, name, title, kind) { name, "teardown.conn." name, title, TEARDOWN_CONN_##kind },
    TEARDOWN_CONN_COLUMNS(TEARDOWN_CONN_COLUMN_ENTRY)
#undef TEARDOWN_CONN_COLUMN_ENTRY
};

const char *
teardown_conn_column_name(enum teardown_conn_column column)
{
    return columns[column].name;
}

const char *
teardown_conn_column_title(enum teardown_conn_column column)
{
    return columns[column].title;
}

enum teardown_conn_kind
teardown_conn_column_kind(enum teardown_conn_column column)
{
    return columns[column].kind;
}

/* "10.0.0.1:40000", "[2001:db8::1]:40000". */
static void
endpoint_text(const address *addr, uint32_t port, char text[TEARDOWN_ENDPOINT_TEXT_SIZE], wmem_allocator_t *pool)
{
    const char *host = address_to_str(pool, addr);

    snprintf(text, TEARDOWN_ENDPOINT_TEXT_SIZE, addr->type == AT_IPv6 ? "[%s]:%u" : "%s:%u", host, port);
}

void
teardown_conn_row_at(uint32_t connection, packet_info *pinfo, bool capture_end_known, struct teardown_conn_row *row)
{
    bool sender_is_client;

    teardown_conn_view_frame(connection, pinfo, capture_end_known, &row->view);
    row->frame = pinfo->num;
    sender_is_client = teardown_read_sender(pinfo) == row->view.conn.originator;
    endpoint_text(sender_is_client ? &pinfo->src : &pinfo->dst, sender_is_client ? pinfo->srcport : pinfo->destport,
                  row->client, pinfo->pool);
    endpoint_text(sender_is_client ? &pinfo->dst : &pinfo->src, sender_is_client ? pinfo->destport : pinfo->srcport,
                  row->server, pinfo->pool);
}

static const char *
side_text(uint8_t side)
{
    return side == TEARDOWN_SIDE_UNKNOWN ? "" : teardown_side_name((enum teardown_side)side);
}

/* What a reusing SYN found, as the statistics name it. */
static const char *
reuse_text(const struct teardown_conn_view *view)
{
    if (!view->reused)
        return "";
    if (!view->reuse.holder_known)
        return "after an RST or no close";
    return (view->reuse.checks & TEARDOWN_CHECK_REUSE_IN_TIME_WAIT) ? "within TIME-WAIT" : "after TIME-WAIT";
}

/* Whether the check is among `checks` and the first of its name there: the
 * severities of one finding share a name. */
static bool
check_named(uint32_t checks, int check)
{
    if (!(checks & (1u << check)))
        return false;
    for (int earlier = 0; earlier < check; earlier++) {
        if ((checks & (1u << earlier)) &&
            strcmp(teardown_check_name((enum teardown_check_index)earlier),
                   teardown_check_name((enum teardown_check_index)check)) == 0)
            return false;
    }
    return true;
}

static void
checks_text(uint32_t checks, char text[TEARDOWN_CONN_TEXT_SIZE])
{
    size_t used = 0;

    text[0] = '\0';
    for (int check = 0; check < TEARDOWN_CHECK_COUNT && used < TEARDOWN_CONN_TEXT_SIZE; check++) {
        if (check_named(checks, check))
            used += (size_t)snprintf(text + used, TEARDOWN_CONN_TEXT_SIZE - used, "%s%s", used == 0 ? "" : " ",
                                     teardown_check_name((enum teardown_check_index)check));
    }
}

static bool
frame_text(uint32_t frame, char *text, double *number)
{
    *number = frame;
    if (text != NULL)
        snprintf(text, TEARDOWN_CONN_TEXT_SIZE, "%" PRIu32, frame);
    return frame != 0;
}

static bool
time_text(bool known, int64_t ns, char *text, double *number)
{
    uint64_t magnitude = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;

    if (!known)
        return false;
    *number = (double)ns / 1e9;
    if (text != NULL)
        snprintf(text, TEARDOWN_CONN_TEXT_SIZE, "%s%" PRIu64 ".%09" PRIu64, ns < 0 ? "-" : "", magnitude / 1000000000,
             magnitude % 1000000000);
    return true;
}

static bool
words_text(const char *words, char *text)
{
    if (text != NULL)
        g_strlcpy(text, words, TEARDOWN_CONN_TEXT_SIZE);
    return words[0] != '\0';
}

bool
teardown_conn_column_text(const struct teardown_conn_row *row, enum teardown_conn_column column,
                          char *text, double *number)
{
    const struct teardown_conn_view *view = &row->view;
    const struct teardown_conn *conn = &view->conn;
    const struct teardown_summary *summary = &conn->summary;
    char checks[TEARDOWN_CONN_TEXT_SIZE];

    if (text != NULL)
        text[0] = '\0';
    *number = 0;
    switch (column) {
    case TEARDOWN_CONN_COLUMN_STREAM:         *number = view->stream; break;
    case TEARDOWN_CONN_COLUMN_INCARNATION:    *number = view->incarnation; break;
    case TEARDOWN_CONN_COLUMN_CLIENT:         return words_text(row->client, text);
    case TEARDOWN_CONN_COLUMN_SERVER:         return words_text(row->server, text);
    case TEARDOWN_CONN_COLUMN_CLOSER:
        return words_text(teardown_conn_closer_name((enum teardown_conn_closer)conn->closer), text);
    case TEARDOWN_CONN_COLUMN_PATTERN:
        return words_text(summary->pattern == TEARDOWN_PATTERN_NONE ? ""
                          : teardown_pattern_name((enum teardown_pattern)summary->pattern), text);
    case TEARDOWN_CONN_COLUMN_CONN_STATE:
        return words_text(teardown_conn_state_name((enum teardown_conn_state)conn->state), text);
    case TEARDOWN_CONN_COLUMN_HISTORY:        return words_text(conn->history, text);
    case TEARDOWN_CONN_COLUMN_DURATION:       return time_text(conn->duration_known, conn->duration_ns, text, number);
    case TEARDOWN_CONN_COLUMN_CLOSE_DELAY:
        return time_text(conn->close_delay_known, conn->close_delay_ns, text, number);
    case TEARDOWN_CONN_COLUMN_LAST_ACK_DELAY:
        return time_text(conn->last_ack_delay_known, conn->last_ack_delay_ns, text, number);
    case TEARDOWN_CONN_COLUMN_IDLE:           return time_text(conn->idle_known, conn->idle_ns, text, number);
    case TEARDOWN_CONN_COLUMN_IDLE_TIMER:     return frame_text(conn->idle_timer_s, text, number);
    case TEARDOWN_CONN_COLUMN_RST_ORIGIN:
        return words_text(summary->rst_ended ? teardown_rst_origin_name((enum teardown_rst_origin)summary->rst_origin)
                                             : "", text);
    case TEARDOWN_CONN_COLUMN_RST_CAUSE:
        return words_text(summary->rst_ended ? teardown_rst_cause_name((enum teardown_rst_cause)summary->rst_cause)
                                             : "", text);
    case TEARDOWN_CONN_COLUMN_TIME_WAIT_HOLDER:
        return words_text(conn->time_wait_both ? "both" : side_text(conn->time_wait_side), text);
    case TEARDOWN_CONN_COLUMN_CLOSE_WAIT_HOLDER: return words_text(side_text(conn->close_wait_side), text);
    case TEARDOWN_CONN_COLUMN_REUSE:          return words_text(reuse_text(view), text);
    case TEARDOWN_CONN_COLUMN_CHECKS:
        checks_text(view->checks, checks);
        return words_text(checks, text);
    case TEARDOWN_CONN_COLUMN_FIRST_FIN_FRAME: return frame_text(conn->first_fin_frame, text, number);
    case TEARDOWN_CONN_COLUMN_FIN_ACK_FRAME:  return frame_text(conn->fin_ack_frame, text, number);
    case TEARDOWN_CONN_COLUMN_RST_FRAME:      return frame_text(conn->rst_frame, text, number);
    case TEARDOWN_CONN_COLUMN_ALIVE_FRAME:    return frame_text(conn->alive_frame, text, number);
    case TEARDOWN_CONN_COLUMN_FIRST_FRAME:    return frame_text(view->first_frame, text, number);
    case TEARDOWN_CONN_COLUMN_END_FRAME:      return frame_text(conn->at_end ? row->frame : conn->end_frame, text, number);
    case TEARDOWN_CONN_COLUMN_LAST_FRAME:     return frame_text(conn->last_frame, text, number);
    case TEARDOWN_CONN_COLUMN_COUNT:          return false;
    }
    if (text != NULL)
        snprintf(text, TEARDOWN_CONN_TEXT_SIZE, "%.0f", *number);
    return true;
}

/* ---- Fields ------------------------------------------------------------ */

static int hf_conn = -1;
static int hf_conn_check = -1;
static int hf_conn_column[TEARDOWN_CONN_COLUMN_COUNT];
static gint ett_conn = -1;

void
teardown_conn_fields_register(int proto)
{
#define COLUMN_FIELD(id, type, display, strings, blurb) \
    { &hf_conn_column[TEARDOWN_CONN_COLUMN_##id], \
      { NULL, NULL, type, display, strings, 0x0, blurb, HFILL } }
    static hf_register_info hf[] = {
        { &hf_conn, { "Connection", "teardown.conn", FT_NONE, BASE_NONE, NULL, 0x0,
          "The connection as a whole, on the frame that stands for it: the one that decided how it ended "
          "(after a whole pass: the last step of a teardown never finished, the first frame of a connection "
          "never closed)", HFILL } },
        COLUMN_FIELD(STREAM, FT_UINT32, BASE_DEC, NULL, "Its tcp.stream"),
        COLUMN_FIELD(INCARNATION, FT_UINT32, BASE_DEC, NULL,
                     "Which of its stream's connections it is: 0 for the first, 1 for one that starts over..."),
        COLUMN_FIELD(CLIENT, FT_STRING, BASE_NONE, NULL,
                     "The client (Zeek's originator) as address:port; without a handshake or a port to tell, "
                     "the first segment's sender"),
        COLUMN_FIELD(SERVER, FT_STRING, BASE_NONE, NULL, "The server (Zeek's responder) as address:port"),
        COLUMN_FIELD(CLOSER, FT_STRING, BASE_NONE, NULL,
                     "Who closed first: client, server, both (a simultaneous close) or unknown"),
        COLUMN_FIELD(PATTERN, FT_STRING, BASE_NONE, NULL, "How it ended (empty: no close began)"),
        COLUMN_FIELD(CONN_STATE, FT_STRING, BASE_NONE, NULL,
                     "Zeek's conn_state for it: S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH"),
        COLUMN_FIELD(HISTORY, FT_STRING, BASE_NONE, NULL,
                     "Its history in Zeek's letters, upper case for the originator (the first 12 kept)"),
        COLUMN_FIELD(DURATION, FT_RELATIVE_TIME, BASE_NONE, NULL, "From the first FIN to the end of the close"),
        COLUMN_FIELD(CLOSE_DELAY, FT_RELATIVE_TIME, BASE_NONE, NULL,
                     "The passive closer's: from the first FIN to its own (its CLOSE-WAIT)"),
        COLUMN_FIELD(LAST_ACK_DELAY, FT_RELATIVE_TIME, BASE_NONE, NULL,
                     "The active closer's: from the passive closer's FIN to its ACK"),
        COLUMN_FIELD(IDLE, FT_RELATIVE_TIME, BASE_NONE, NULL,
                     "Silence before the first FIN, or before the RST that ended it unclosed"),
        COLUMN_FIELD(IDLE_TIMER, FT_UINT32, BASE_DEC, NULL, "The idle timer (seconds) that silence matches"),
        COLUMN_FIELD(RST_ORIGIN, FT_STRING, BASE_NONE, NULL, "The ending RST's origin: endpoint, path or unknown"),
        COLUMN_FIELD(RST_CAUSE, FT_STRING, BASE_NONE, NULL, "What came just before the ending RST"),
        COLUMN_FIELD(TIME_WAIT_HOLDER, FT_STRING, BASE_NONE, NULL,
                     "The side a graceful close left in TIME-WAIT: client, server or both"),
        COLUMN_FIELD(CLOSE_WAIT_HOLDER, FT_STRING, BASE_NONE, NULL,
                     "The side left in CLOSE-WAIT when the capture ended (after a whole pass)"),
        COLUMN_FIELD(REUSE, FT_STRING, BASE_NONE, NULL,
                     "Its SYN reused an earlier connection's addresses and ports: within TIME-WAIT, after "
                     "TIME-WAIT, or after an RST or no close"),
        COLUMN_FIELD(FIRST_FIN_FRAME, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), "Its first FIN"),
        COLUMN_FIELD(FIN_ACK_FRAME, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE),
                     "The segment that acknowledged its first FIN"),
        COLUMN_FIELD(RST_FRAME, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), "The RST that ended it"),
        COLUMN_FIELD(ALIVE_FRAME, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE),
                     "A segment showing the ending RST's purported sender alive after it"),
        COLUMN_FIELD(FIRST_FRAME, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), "Its first frame"),
        COLUMN_FIELD(LAST_FRAME, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE),
                     "Its latest segment before its end (after a whole pass: its last)"),
        { &hf_conn_check, { "Failed check", "teardown.conn.check", FT_STRING, BASE_NONE, NULL, 0x0,
          "A check one of its frames failed, by name (teardown.check)", HFILL } },
    };
#undef COLUMN_FIELD
    static gint *ett[] = { &ett_conn };

    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++)
        hf_conn_column[column] = -1;
    /* Names and abbreviations from the column table, which outlives this. */
    for (size_t i = 0; i < G_N_ELEMENTS(hf); i++) {
        for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
            if (hf[i].p_id == &hf_conn_column[column]) {
                hf[i].hfinfo.name = columns[column].title;
                hf[i].hfinfo.abbrev = columns[column].field;
            }
        }
    }
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

bool
teardown_conn_fields_wanted(proto_tree *tree)
{
    if (tree == NULL)
        return false;
    if (proto_field_is_referenced(tree, hf_conn) || proto_field_is_referenced(tree, hf_conn_check))
        return true;
    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
        if (hf_conn_column[column] != -1 && proto_field_is_referenced(tree, hf_conn_column[column]))
            return true;
    }
    return false;
}

/* A time column's nanoseconds. */
static int64_t
column_ns(const struct teardown_conn *conn, int column)
{
    switch (column) {
    case TEARDOWN_CONN_COLUMN_DURATION:       return conn->duration_ns;
    case TEARDOWN_CONN_COLUMN_CLOSE_DELAY:    return conn->close_delay_ns;
    case TEARDOWN_CONN_COLUMN_LAST_ACK_DELAY: return conn->last_ack_delay_ns;
    default:                                  return conn->idle_ns;
    }
}

static void
add_generated(proto_item *item)
{
    proto_item_set_generated(item);
}

void
teardown_conn_fields_draw(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, uint32_t connection)
{
    struct teardown_conn_row row;
    proto_item *item;
    proto_tree *conn_tree;
    char text[TEARDOWN_CONN_TEXT_SIZE];
    double number;

    teardown_conn_row_at(connection, pinfo, PINFO_FD_VISITED(pinfo), &row);
    item = proto_tree_add_none_format(tree, hf_conn, tvb, 0, 0, "Connection: stream %u, %s, %s%s%s, %s %s",
                                      row.view.stream, row.client,
                                      row.view.conn.summary.pattern == TEARDOWN_PATTERN_NONE ? "not closed"
                                      : teardown_pattern_name((enum teardown_pattern)row.view.conn.summary.pattern),
                                      row.view.conn.closer == TEARDOWN_CLOSER_NONE ? "" : " closed by ",
                                      teardown_conn_closer_name((enum teardown_conn_closer)row.view.conn.closer),
                                      teardown_conn_state_name((enum teardown_conn_state)row.view.conn.state),
                                      row.view.conn.history);
    add_generated(item);
    conn_tree = proto_item_add_subtree(item, ett_conn);
    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
        int hf = hf_conn_column[column];

        /* Numbers and times go into their items as values: no text. */
        if (hf == -1 || !teardown_conn_column_text(&row, (enum teardown_conn_column)column,
                                                   columns[column].kind == TEARDOWN_CONN_TEXT ? text : NULL, &number))
            continue;
        switch (columns[column].kind) {
        case TEARDOWN_CONN_NUMBER:
            add_generated(proto_tree_add_uint(conn_tree, hf, tvb, 0, 0, (uint32_t)number));
            break;
        case TEARDOWN_CONN_TIME:
            teardown_add_seconds_item(conn_tree, hf, tvb, pinfo, column_ns(&row.view.conn, column), "");
            break;
        case TEARDOWN_CONN_TEXT:
            add_generated(proto_tree_add_string(conn_tree, hf, tvb, 0, 0, text));
            break;
        }
    }
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        if (check_named(row.view.checks, check))
            add_generated(proto_tree_add_string(conn_tree, hf_conn_check, tvb, 0, 0,
                                                teardown_check_name((enum teardown_check_index)check)));
    }
}
