/* test_teardown_conn_state.c: unit tests of a connection as a whole: Zeek's
 * conn_state and history for one scenario of each state, and the row the
 * connection table makes of it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Segments are written like a packet diagram, seg(&c, CLIENT, "SA", seq,
 * ack, len), flags F(IN) S(YN) R(ST) A(CK); the client is endpoint 0 on
 * port 40000, the server endpoint 1 on port 8080 (both above 1023, so that
 * no port names the server), 10 ms apart, window 512 unless zero_window.
 */
#include <glib.h>

#include "teardown_conn_state.h"

#define CLIENT 0
#define SERVER 1
#define NANOS_PER_MS INT64_C(1000000)

static const uint32_t test_idle_timers_s[] = { 2 };
static const struct teardown_config end_known = {
    .idle_timers_s = test_idle_timers_s, .idle_timer_count = 1,
    .slow_close_ns = 1000 * NANOS_PER_MS, .time_wait_ns = 60000 * NANOS_PER_MS,
    .stuck_after_ns = 10000 * NANOS_PER_MS, .capture_end_known = true,
};

struct conn {
    struct teardown_connection connection;
    uint32_t frame;
    int64_t time_ns;
    bool zero_window;
};

static void
conn_init(struct conn *c)
{
    teardown_connection_init(&c->connection);
    c->frame = 0;
    c->time_ns = 0;
    c->zero_window = false;
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

static void
seg(struct conn *c, int from, const char *flags, uint32_t seq, uint32_t ack, uint32_t len)
{
    struct teardown_segment segment = {
        .frame = ++c->frame, .endpoint = (uint8_t)from,
        .src_port = from == CLIENT ? 40000 : 8080, .dst_port = from == CLIENT ? 8080 : 40000,
        .flags = parse_flags(flags), .seq = seq, .ack = ack, .len = len,
        .time_ns = (c->time_ns += 10 * NANOS_PER_MS), .window = c->zero_window ? 0 : 512,
    };
    struct teardown_verdict verdict;
    struct teardown_rst_verdict rst;

    teardown_connection_update(&c->connection, &segment, &verdict, &rst);
}

static void
assert_conn(const struct conn *c, const char *state, const char *history)
{
    char text[TEARDOWN_HISTORY_SIZE];

    teardown_conn_history(&c->connection, text);
    g_assert_cmpstr(text, ==, history);
    g_assert_cmpstr(teardown_conn_state_name(teardown_conn_state_of(&c->connection)), ==, state);
}

/* The client's handshake, seq 100 and 500. */
static void
handshake(struct conn *c)
{
    seg(c, CLIENT, "S", 100, 0, 0);
    seg(c, SERVER, "SA", 500, 101, 0);
    seg(c, CLIENT, "A", 101, 501, 0);
}

static void
test_s0(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, CLIENT, "S", 100, 0, 0);
    seg(&c, CLIENT, "S", 100, 0, 0);   /* retried: the same ISN, no new letter */
    assert_conn(&c, "S0", "S");
}

static void
test_s1(void)
{
    struct conn c;

    conn_init(&c);
    handshake(&c);
    seg(&c, CLIENT, "A", 101, 501, 10);
    seg(&c, SERVER, "A", 501, 111, 20);
    seg(&c, CLIENT, "A", 111, 521, 0);
    assert_conn(&c, "S1", "ShADd");
}

/* A four-way close: data, then each side's FIN and its ACK. */
static void
test_sf(void)
{
    struct conn c;
    struct teardown_conn row;

    conn_init(&c);
    handshake(&c);
    seg(&c, CLIENT, "A", 101, 501, 10);
    seg(&c, SERVER, "A", 501, 111, 0);
    seg(&c, SERVER, "FA", 501, 111, 0);     /* 6: the server closes first */
    seg(&c, CLIENT, "A", 111, 502, 0);      /* 7 */
    seg(&c, CLIENT, "FA", 111, 502, 0);     /* 8 */
    seg(&c, SERVER, "A", 502, 112, 0);      /* 9: the last ACK */
    assert_conn(&c, "SF", "ShADafF");

    teardown_connection_describe(&c.connection, 9, c.time_ns, &end_known, &row);
    g_assert_cmpuint(row.summary.pattern, ==, TEARDOWN_PATTERN_FOUR_WAY);
    g_assert_cmpstr(teardown_conn_closer_name((enum teardown_conn_closer)row.closer), ==, "server");
    g_assert_true(row.at_end);
    g_assert_cmpuint(row.end_frame, ==, 9);
    g_assert_cmpuint(row.first_fin_frame, ==, 6);
    g_assert_cmpuint(row.fin_ack_frame, ==, 7);
    g_assert_cmpuint(row.rst_frame, ==, 0);
    g_assert_cmpuint(row.last_frame, ==, 9);
    g_assert_true(row.duration_known);
    g_assert_cmpint(row.duration_ns, ==, 30 * NANOS_PER_MS);
    g_assert_true(row.close_delay_known);
    g_assert_cmpint(row.close_delay_ns, ==, 20 * NANOS_PER_MS);
    g_assert_true(row.last_ack_delay_known);
    g_assert_cmpint(row.last_ack_delay_ns, ==, 10 * NANOS_PER_MS);
    g_assert_true(row.idle_known);
    g_assert_cmpint(row.idle_ns, ==, 10 * NANOS_PER_MS);
    g_assert_cmpuint(row.time_wait_side, ==, TEARDOWN_SIDE_SERVER);
    g_assert_cmpuint(row.close_wait_side, ==, TEARDOWN_SIDE_UNKNOWN);

    /* Elsewhere than on its end frame, no time to the end is known. */
    teardown_connection_describe(&c.connection, 6, c.time_ns - 30 * NANOS_PER_MS, &end_known, &row);
    g_assert_false(row.at_end);
    g_assert_false(row.duration_known);
    g_assert_true(row.close_delay_known);
}

static void
test_rej(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, CLIENT, "S", 100, 0, 0);
    seg(&c, SERVER, "RA", 0, 101, 0);
    assert_conn(&c, "REJ", "Sr");
}

/* S2: the originator's FIN, nothing back. */
static void
test_s2(void)
{
    struct conn c;
    struct teardown_conn row;

    conn_init(&c);
    handshake(&c);
    seg(&c, CLIENT, "FA", 101, 501, 0);
    assert_conn(&c, "S2", "ShAF");
    teardown_connection_describe(&c.connection, 4, c.time_ns, &end_known, &row);
    g_assert_cmpuint(row.summary.pattern, ==, TEARDOWN_PATTERN_INCOMPLETE);
    g_assert_true(row.at_end);
    g_assert_false(row.duration_known);
}

/* S3: the responder's FIN, acknowledged, never answered by a FIN: the
 * client is left in CLOSE-WAIT. */
static void
test_s3(void)
{
    struct conn c;
    struct teardown_conn row;

    conn_init(&c);
    handshake(&c);
    seg(&c, SERVER, "FA", 501, 101, 0);
    seg(&c, CLIENT, "A", 101, 502, 0);
    assert_conn(&c, "S3", "ShAf");
    teardown_connection_describe(&c.connection, 5, c.time_ns, &end_known, &row);
    g_assert_true(row.summary.half_closed);
    g_assert_cmpuint(row.close_wait_side, ==, TEARDOWN_SIDE_CLIENT);
}

static void
test_rsto(void)
{
    struct conn c;
    struct teardown_conn row;

    conn_init(&c);
    handshake(&c);
    seg(&c, CLIENT, "A", 101, 501, 10);
    seg(&c, CLIENT, "RA", 111, 501, 0);     /* 5 */
    assert_conn(&c, "RSTO", "ShADR");
    teardown_connection_describe(&c.connection, 5, c.time_ns, &end_known, &row);
    g_assert_cmpuint(row.summary.pattern, ==, TEARDOWN_PATTERN_ABORT);
    g_assert_cmpuint(row.rst_frame, ==, 5);
    g_assert_cmpuint(row.first_fin_frame, ==, 0);
}

static void
test_rstr(void)
{
    struct conn c;

    conn_init(&c);
    handshake(&c);
    seg(&c, CLIENT, "A", 101, 501, 10);
    seg(&c, SERVER, "RA", 501, 111, 0);
    assert_conn(&c, "RSTR", "ShADr");
}

/* The originator gives up its own attempt. */
static void
test_rstos0(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, CLIENT, "S", 100, 0, 0);
    seg(&c, CLIENT, "R", 101, 0, 0);
    assert_conn(&c, "RSTOS0", "SR");
}

/* Only the responder's SYN+ACK and its RST: the client is the SYN+ACK's
 * receiver, which the capture never saw send anything. */
static void
test_rstrh(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, SERVER, "SA", 500, 101, 0);
    seg(&c, SERVER, "R", 501, 0, 0);
    assert_conn(&c, "RSTRH", "^hr");
}

static void
test_sh(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, CLIENT, "S", 100, 0, 0);
    seg(&c, CLIENT, "F", 101, 0, 0);
    assert_conn(&c, "SH", "SF");
}

static void
test_shr(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, SERVER, "SA", 500, 101, 0);
    seg(&c, SERVER, "FA", 501, 101, 0);
    assert_conn(&c, "SHR", "^hf");
}

/* Midstream data, no SYN, no close: the first sender is the originator. */
static void
test_oth(void)
{
    struct conn c;

    conn_init(&c);
    seg(&c, SERVER, "A", 501, 101, 100);
    seg(&c, CLIENT, "A", 101, 601, 0);
    assert_conn(&c, "OTH", "Da");
}

/* Retransmissions and zero windows are written at the 1st, 10th and 100th
 * time; a FIN again at its place adds nothing, one at another place adds f. */
static void
test_scaled_letters(void)
{
    struct conn c;

    conn_init(&c);
    handshake(&c);
    seg(&c, CLIENT, "A", 101, 501, 100);
    for (int i = 0; i < 10; i++)
        seg(&c, CLIENT, "A", 101, 501, 100);
    c.zero_window = true;
    seg(&c, SERVER, "A", 501, 201, 0);
    c.zero_window = false;
    seg(&c, CLIENT, "FA", 201, 501, 0);
    seg(&c, CLIENT, "FA", 201, 501, 0);
    seg(&c, CLIENT, "FA", 205, 501, 0);
    assert_conn(&c, "S2", "ShADTTawFF");
}

/* A history longer than the connection keeps ends with its first letters. */
static void
test_history_full(void)
{
    struct conn c;

    conn_init(&c);
    handshake(&c);
    for (uint32_t i = 0; i < 12; i++)
        seg(&c, CLIENT, "R", 101 + 1000 * i, 0, 0);
    assert_conn(&c, "RSTO", "ShARRRRRRRRR");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conn_state/S0", test_s0);
    g_test_add_func("/conn_state/S1", test_s1);
    g_test_add_func("/conn_state/SF", test_sf);
    g_test_add_func("/conn_state/REJ", test_rej);
    g_test_add_func("/conn_state/S2", test_s2);
    g_test_add_func("/conn_state/S3", test_s3);
    g_test_add_func("/conn_state/RSTO", test_rsto);
    g_test_add_func("/conn_state/RSTR", test_rstr);
    g_test_add_func("/conn_state/RSTOS0", test_rstos0);
    g_test_add_func("/conn_state/RSTRH", test_rstrh);
    g_test_add_func("/conn_state/SH", test_sh);
    g_test_add_func("/conn_state/SHR", test_shr);
    g_test_add_func("/conn_state/OTH", test_oth);
    g_test_add_func("/history/scaled", test_scaled_letters);
    g_test_add_func("/history/full", test_history_full);
    return g_test_run();
}
