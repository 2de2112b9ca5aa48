/* gencap.c: writes a synthetic pcap of many TCP connections, for the
 * benchmarks: handshakes, request/response data and a mix of teardowns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Usage: gencap -o FILE [-p PACKETS] [-c CONCURRENT] [-s SEED]
 *
 * Connections start until the file holds about PACKETS packets, CONCURRENT
 * of them open at once, their segments interleaved at random.  The same
 * arguments always give the same bytes.  Half the servers speak HTTP on
 * port 80 (one segment per message, so no reassembly), half send opaque
 * bytes on port 8443, for which tshark has no dissector: the plain run's
 * cost stays that of TCP.  Every client has its own address, so Wireshark
 * never reuses a stream number.  On stdout: packets, connections, and how
 * many of each teardown pattern.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

#define MAX_SEGMENTS 40
#define MAX_PAYLOAD 1460
#define HEADERS_LEN (14 + 20 + 20)

enum pattern {
    FOUR_WAY, THREE_WAY, SIMULTANEOUS, FIN_RETRANSMISSION, HALF_CLOSE,
    RESET, ABORT, REFUSED, INCOMPLETE, PATTERN_COUNT
};

static const char *const pattern_names[PATTERN_COUNT] = {
    "four-way", "three-way", "simultaneous", "fin-retransmission", "half-close",
    "reset", "abort", "refused", "incomplete",
};

/* Percent of connections per pattern, in enum order. */
static const unsigned pattern_weights[PATTERN_COUNT] = { 45, 20, 4, 5, 5, 5, 5, 3, 8 };

struct segment {
    uint8_t  from_server;
    uint8_t  flags;
    uint16_t len;
    uint32_t seq, ack;
};

struct connection {
    uint32_t client_ip, server_ip;
    uint16_t client_port, server_port;
    bool     http;
    uint32_t next_seq[2];  /* per sender: 0 client, 1 server */
    struct segment segments[MAX_SEGMENTS];
    unsigned count, sent;
};

static uint64_t rng_state;

/* xorshift64*: small, fast and the same everywhere. */
static uint32_t
rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t
rng_between(uint32_t low, uint32_t high)
{
    return low + rng() % (high - low + 1);
}

/* One segment from one side; ack_value < 0 acknowledges everything the
 * peer has sent so far. */
static void
add_explicit(struct connection *c, int from_server, uint8_t flags, uint16_t len, int64_t ack_value)
{
    struct segment *s = &c->segments[c->count++];

    s->from_server = (uint8_t)from_server;
    s->flags = flags;
    s->len = len;
    s->seq = c->next_seq[from_server];
    s->ack = (flags & TH_ACK) ? (ack_value < 0 ? c->next_seq[!from_server] : (uint32_t)ack_value) : 0;
    c->next_seq[from_server] += len + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
}

static void
add(struct connection *c, int from_server, uint8_t flags, uint16_t len)
{
    add_explicit(c, from_server, flags, len, -1);
}

/* A retransmission repeats a segment already in the script. */
static void
repeat(struct connection *c, unsigned index)
{
    c->segments[c->count] = c->segments[index];
    c->count++;
}

static uint32_t
initial_sequence(void)
{
    /* One connection in ten wraps around 2^32 during its life. */
    if (rng() % 10 == 0)
        return 0xFFFFFFFFu - rng_between(0, 3000);
    return rng();
}

/* Each message fits one segment, so no dissector ever reassembles. */
static const char http_request[] = "GET /index.html HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: gencap\r\n\r\n";
static const char http_response[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\n\r\n0123456789abcdef";

static uint16_t
payload_length(const struct connection *c, int from_server)
{
    if (c->http)
        return from_server ? sizeof http_response - 1 : sizeof http_request - 1;
    return (uint16_t)(from_server ? rng_between(100, MAX_PAYLOAD) : rng_between(40, 600));
}

static void
exchange_data(struct connection *c)
{
    unsigned rounds = rng_between(1, 2);

    for (unsigned r = 0; r < rounds; r++) {
        add(c, 0, TH_PSH | TH_ACK, payload_length(c, 0));
        add(c, 1, TH_PSH | TH_ACK, payload_length(c, 1));
        if (rng() % 2)
            add(c, 0, TH_ACK, 0);
    }
}

static void
build_connection(struct connection *c, unsigned index, enum pattern pattern)
{
    int closer = rng() % 5 < 3 ? 0 : 1;  /* clients close first more often */
    int other = !closer;

    memset(c, 0, sizeof *c);
    c->client_ip = 0x0A000000u | (index & 0x00FFFFFFu);
    c->server_ip = 0xC0A80000u | rng_between(1, 254);
    c->client_port = (uint16_t)(49152 + index % 7000);
    c->http = rng() % 2 == 0;
    c->server_port = c->http ? 80 : 8443;
    c->next_seq[0] = initial_sequence();
    c->next_seq[1] = initial_sequence();

    add(c, 0, TH_SYN, 0);
    if (pattern == REFUSED) {
        c->next_seq[1] = 0;
        add(c, 1, TH_RST | TH_ACK, 0);
        return;
    }
    add(c, 1, TH_SYN | TH_ACK, 0);
    add(c, 0, TH_ACK, 0);
    exchange_data(c);

    switch (pattern) {
    case FOUR_WAY:
        add(c, closer, TH_FIN | TH_ACK, 0);
        add(c, other, TH_ACK, 0);
        add(c, other, TH_FIN | TH_ACK, 0);
        add(c, closer, TH_ACK, 0);
        break;
    case THREE_WAY:
        add(c, closer, TH_FIN | TH_ACK, 0);
        add(c, other, TH_FIN | TH_ACK, 0);
        add(c, closer, TH_ACK, 0);
        break;
    case SIMULTANEOUS: {
        uint32_t closer_fin_seq = c->next_seq[closer];

        add(c, closer, TH_FIN | TH_ACK, 0);
        /* The other FIN left before the first arrived: it covers no FIN. */
        add_explicit(c, other, TH_FIN | TH_ACK, 0, closer_fin_seq);
        add(c, closer, TH_ACK, 0);
        add(c, other, TH_ACK, 0);
        break;
    }
    case FIN_RETRANSMISSION: {
        unsigned fin = c->count;

        add(c, closer, TH_FIN | TH_ACK, 0);
        repeat(c, fin);
        add(c, other, TH_ACK, 0);
        add(c, other, TH_FIN | TH_ACK, 0);
        add(c, closer, TH_ACK, 0);
        break;
    }
    case HALF_CLOSE:
        add(c, closer, TH_FIN | TH_ACK, 0);
        add(c, other, TH_ACK, 0);
        add(c, other, TH_PSH | TH_ACK, payload_length(c, other));
        add(c, closer, TH_ACK, 0);
        add(c, other, TH_FIN | TH_ACK, 0);
        add(c, closer, TH_ACK, 0);
        break;
    case RESET:
        add(c, closer, TH_FIN | TH_ACK, 0);
        add(c, other, TH_ACK, 0);
        add(c, other, TH_RST | TH_ACK, 0);
        break;
    case ABORT:
        add(c, closer, TH_RST | TH_ACK, 0);
        break;
    case INCOMPLETE:
        add(c, closer, TH_FIN | TH_ACK, 0);
        add(c, other, TH_ACK, 0);
        break;
    default:
        break;
    }
}

static enum pattern
pick_pattern(void)
{
    unsigned roll = rng() % 100;

    for (int p = 0; p < PATTERN_COUNT; p++) {
        if (roll < pattern_weights[p])
            return (enum pattern)p;
        roll -= pattern_weights[p];
    }
    return FOUR_WAY;
}

static void
put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    return sum;
}

static uint16_t
fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static void
put_le32(FILE *out, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

    fwrite(b, 1, 4, out);
}

static void
write_segment(FILE *out, const struct connection *c, const struct segment *s, uint64_t time_us)
{
    static uint8_t frame[HEADERS_LEN + MAX_PAYLOAD];
    static uint16_t ip_id;
    uint8_t *ip = frame + 14, *tcp = ip + 20, *payload = tcp + 20;
    uint32_t src = s->from_server ? c->server_ip : c->client_ip;
    uint32_t dst = s->from_server ? c->client_ip : c->server_ip;
    uint16_t sport = s->from_server ? c->server_port : c->client_port;
    uint16_t dport = s->from_server ? c->client_port : c->server_port;
    size_t len = HEADERS_LEN + s->len;
    uint32_t pseudo;

    memset(frame, 0, HEADERS_LEN);
    memcpy(frame, s->from_server ? "\x02\x00\x00\x00\x00\x01" : "\x02\x00\x00\x00\x00\x02", 6);
    memcpy(frame + 6, s->from_server ? "\x02\x00\x00\x00\x00\x02" : "\x02\x00\x00\x00\x00\x01", 6);
    put16(frame + 12, 0x0800);

    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)(20 + 20 + s->len));
    put16(ip + 4, ip_id++);
    ip[6] = 0x40;  /* don't fragment */
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, fold(sum16(ip, 20, 0)));

    put16(tcp, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, s->seq);
    put32(tcp + 8, s->ack);
    tcp[12] = 5 << 4;
    tcp[13] = s->flags;
    put16(tcp + 14, 64240);

    if (c->http && s->len > 0)
        memcpy(payload, s->from_server ? http_response : http_request, s->len);
    else
        for (size_t i = 0; i < s->len; i++)
            payload[i] = (uint8_t)(0x80 | ((s->seq + i) & 0x3F));

    pseudo = sum16(ip + 12, 8, 0) + 6 + 20 + s->len;
    put16(tcp + 16, fold(sum16(tcp, 20 + (size_t)s->len, pseudo)));

    put_le32(out, (uint32_t)(time_us / 1000000));
    put_le32(out, (uint32_t)(time_us % 1000000));
    put_le32(out, (uint32_t)len);
    put_le32(out, (uint32_t)len);
    fwrite(frame, 1, len, out);
}

static void
usage(void)
{
    fprintf(stderr, "usage: gencap -o FILE [-p PACKETS] [-c CONCURRENT] [-s SEED]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long packets = 100000, concurrent = 1000, seed = 1;
    unsigned long written = 0, scheduled = 0, started = 0, open = 0;
    unsigned long pattern_counts[PATTERN_COUNT] = { 0 };
    struct connection *slots;
    uint64_t time_us = 1700000000ull * 1000000;
    FILE *out;
    int opt;

    while ((opt = getopt(argc, argv, "o:p:c:s:")) != -1) {
        switch (opt) {
        case 'o': path = optarg; break;
        case 'p': packets = strtoul(optarg, NULL, 10); break;
        case 'c': concurrent = strtoul(optarg, NULL, 10); break;
        case 's': seed = strtoul(optarg, NULL, 10); break;
        default: usage();
        }
    }
    if (path == NULL || packets == 0 || concurrent == 0 || optind != argc)
        usage();
    rng_state = 0x9E3779B97F4A7C15ull ^ (seed * 0xD1B54A32D192ED03ull);
    if (rng_state == 0)
        rng_state = 1;

    slots = calloc(concurrent, sizeof *slots);
    out = fopen(path, "wb");
    if (slots == NULL || out == NULL) {
        perror(path);
        return 1;
    }
    /* pcap file header: microseconds, Ethernet. */
    put_le32(out, 0xA1B2C3D4);
    fwrite("\x02\x00\x04\x00", 1, 4, out);
    put_le32(out, 0);
    put_le32(out, 0);
    put_le32(out, 65535);
    put_le32(out, 1);

    for (;;) {
        /* Fill empty slots while the packets scheduled fall short. */
        for (unsigned long i = 0; i < concurrent && scheduled < packets; i++) {
            if (slots[i].sent < slots[i].count)
                continue;
            enum pattern pattern = pick_pattern();

            build_connection(&slots[i], (unsigned)started++, pattern);
            pattern_counts[pattern]++;
            scheduled += slots[i].count;
            open++;
        }
        if (open == 0)
            break;
        unsigned long i = rng() % concurrent;

        while (slots[i].sent >= slots[i].count)
            i = (i + 1) % concurrent;
        time_us += rng_between(1, 40);
        write_segment(out, &slots[i], &slots[i].segments[slots[i].sent++], time_us);
        written++;
        if (slots[i].sent == slots[i].count)
            open--;
    }
    if (fclose(out) != 0) {
        perror(path);
        return 1;
    }
    printf("packets %lu\nconnections %lu\n", written, started);
    for (int p = 0; p < PATTERN_COUNT; p++)
        printf("pattern.%s %lu\n", pattern_names[p], pattern_counts[p]);
    free(slots);
    return 0;
}
