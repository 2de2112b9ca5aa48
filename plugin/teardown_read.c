/* teardown_read.c: reading a frame's TCP segment on the first pass, from the
 * TCP fields the post-dissector asks for and the header bytes around them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Each wanted field costs every TCP segment of every capture about a
 * thousand instructions where no tree would otherwise be built, so only
 * five are asked for: the rest of the header (sequence and acknowledgement
 * numbers, the IP header's TTL) is read from the bytes, and the protocols
 * around the header from pinfo->layers.
 */
#include "teardown_read.h"

#include <epan/conversation.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/ipproto.h>
#include <epan/prefs-int.h>

/* TCP fields read on the first pass, by name, from the innermost TCP layer
 * that is not quoted inside an ICMP error. */
enum tcp_field {
    TCP_STREAM,
    TCP_FLAGS,
    TCP_SEQ,
    TCP_LEN,
    TCP_URGENT_POINTER,
    TCP_FIELD_COUNT
};

static const char *const tcp_field_names[TCP_FIELD_COUNT] = {
    [TCP_STREAM]  = "tcp.stream",
    [TCP_FLAGS]   = "tcp.flags",
    [TCP_SEQ]     = "tcp.seq",
    [TCP_LEN]     = "tcp.len",
    [TCP_URGENT_POINTER] = "tcp.urgent_pointer",
};

/* Protocols whose error messages quote a TCP header (RFC 792, RFC 4443),
 * and those that set pinfo's addresses or ports.  The port type is no guide:
 * iWARP's MPA, carried in TCP, changes it and nothing else. */
static const char *const error_proto_names[] = { "icmp", "icmpv6" };
static const char *const readdressing_proto_names[] = { "ip", "ipv6", "udp", "sctp", "dccp" };

static int tcp_field_ids[TCP_FIELD_COUNT];
static int proto_tcp = -1;
static int error_proto_ids[G_N_ELEMENTS(error_proto_names)];
static int readdressing_proto_ids[G_N_ELEMENTS(readdressing_proto_names)];

/* TCP's own preferences, read whenever a number is shown: sharkd changes
 * them without dissecting anything again, and the TCP tree then shows raw
 * numbers where the first pass saw relative ones, or the other way round. */
static pref_t *tcp_analyze_pref;
static pref_t *tcp_relative_pref;

/* tcp.flags sits 12 bytes into the TCP header. */
#define FLAGS_OFFSET 12

void
teardown_read_handoff(void)
{
    module_t *tcp_module = prefs_find_module("tcp");

    for (int field = 0; field < TCP_FIELD_COUNT; field++)
        tcp_field_ids[field] = proto_registrar_get_id_byname(tcp_field_names[field]);
    proto_tcp = proto_get_id_by_filter_name("tcp");
    if (tcp_module != NULL) {
        tcp_analyze_pref = prefs_find_preference(tcp_module, "analyze_sequence_numbers");
        tcp_relative_pref = prefs_find_preference(tcp_module, "relative_sequence_numbers");
    }
    for (size_t i = 0; i < G_N_ELEMENTS(error_proto_names); i++)
        error_proto_ids[i] = proto_registrar_get_id_byname(error_proto_names[i]);
    for (size_t i = 0; i < G_N_ELEMENTS(readdressing_proto_names); i++)
        readdressing_proto_ids[i] = proto_registrar_get_id_byname(readdressing_proto_names[i]);
}

GArray *
teardown_read_wanted_fields(void)
{
    GArray *wanted;

    if (tcp_field_ids[0] <= 0)
        return NULL;
    wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), TCP_FIELD_COUNT);
    g_array_append_vals(wanted, tcp_field_ids, TCP_FIELD_COUNT);
    return wanted;
}

static bool
read_tcp_field(proto_tree *tree, enum tcp_field field, int proto_layer, uint32_t *value)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, tcp_field_ids[field]);

    for (guint i = 0; items != NULL && i < items->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(items, i);

        if (fi->proto_layer_num == proto_layer) {
            *value = fvalue_get_uinteger(TEARDOWN_FVALUE(fi));
            return true;
        }
    }
    return false;
}

/* The innermost TCP header is the last one dissected.  Layer numbers cannot
 * tell, being 8 bits wide: behind 251 IP-in-IP headers TCP is layer 256,
 * numbered 0. */
bool
teardown_read_header(proto_tree *tree, struct teardown_tcp_header *header)
{
    GPtrArray *items = tree == NULL ? NULL : proto_get_finfo_ptr_array(tree, tcp_field_ids[TCP_FLAGS]);

    if (items == NULL || items->len == 0)
        return false;
    header->flags_item = (field_info *)g_ptr_array_index(items, items->len - 1);
    header->flags = (uint16_t)fvalue_get_uinteger(TEARDOWN_FVALUE(header->flags_item));
    header->layer = header->flags_item->proto_layer_num;
    return read_tcp_field(tree, TCP_STREAM, header->layer, &header->stream_id);
}

static bool
proto_in(int proto, const int *ids, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (proto == ids[i])
            return true;
    }
    return false;
}

/* From the protocols around the header in pinfo->layers: quoted when an
 * error message comes before it, re-addressed when a header that sets
 * addresses or ports comes after it (in an error message, or carried in the
 * segment's payload).  A TCP header before an error message is followed by
 * the quoted IP header, so only the innermost one can be judgeable.  The
 * layer is found by counting TCP layers, not by field_info.total_layer_num,
 * which wraps at 256 layers. */
enum teardown_tcp_kind
teardown_read_kind(packet_info *pinfo, const struct teardown_tcp_header *header, bool *encapsulated)
{
    int tcp_seen = 0, addressing_before = 0;
    bool quoted = false;

    for (wmem_list_frame_t *frame = wmem_list_head(pinfo->layers); frame != NULL;
         frame = wmem_list_frame_next(frame)) {
        int proto = GPOINTER_TO_INT(wmem_list_frame_data(frame));

        if (tcp_seen < header->layer) {
            if (proto == proto_tcp)
                tcp_seen++;
            else if (proto_in(proto, error_proto_ids, G_N_ELEMENTS(error_proto_ids)))
                quoted = true;
            else if (proto_in(proto, readdressing_proto_ids, G_N_ELEMENTS(readdressing_proto_ids)))
                addressing_before++;
        } else if (proto_in(proto, readdressing_proto_ids, G_N_ELEMENTS(readdressing_proto_ids))) {
            return quoted ? TEARDOWN_TCP_QUOTED : TEARDOWN_TCP_READDRESSED;
        }
    }
    /* A packet carried whole in another's payload has a second IP header
     * (at least) before its TCP header. */
    *encapsulated = addressing_before > 1;
    return quoted ? TEARDOWN_TCP_QUOTED : TEARDOWN_TCP_JUDGEABLE;
}

/* TCP's data for the conversation pinfo's addresses and ports name now,
 * when it is the segment's stream's. */
static struct tcp_analysis *
tcp_conversation_of_segment(packet_info *pinfo, uint32_t stream_id)
{
    conversation_t *conversation = find_conversation_pinfo(pinfo, 0);
    struct tcp_analysis *tcpd = conversation == NULL ? NULL :
        (struct tcp_analysis *)conversation_get_proto_data(conversation, proto_tcp);

    return tcpd != NULL && tcpd->stream == stream_id ? tcpd : NULL;
}

bool
teardown_read_in_conversation(packet_info *pinfo, uint32_t stream_id)
{
    return tcp_conversation_of_segment(pinfo, stream_id) != NULL;
}

uint8_t
teardown_read_sender(const packet_info *pinfo)
{
    int order = cmp_address(&pinfo->net_src, &pinfo->net_dst);

    if (order == 0)
        order = (int)pinfo->srcport - (int)pinfo->destport;
    return order <= 0 ? 0 : 1;
}

/* Where an address's bytes lie in a buffer of size bytes from base: their
 * offset, or -1 when they lie elsewhere. */
static ptrdiff_t
offset_in(const uint8_t *base, size_t size, const address *addr)
{
    uintptr_t at = (uintptr_t)addr->data, start = (uintptr_t)base;

    if (base == NULL || at < start || at - start + (size_t)addr->len > size)
        return -1;
    return (ptrdiff_t)(at - start);
}

/* After an IPv6 header at offset ip of bytes, its extension headers up to
 * the TCP header at tcp_start (RFC 8200 §4; the authentication header's
 * length counts 4-byte words, RFC 4302 §2.2): whether they lead there. */
static bool
ipv6_extensions_lead_to_tcp(const uint8_t *bytes, ptrdiff_t ip, ptrdiff_t tcp_start)
{
    uint8_t next = bytes[ip + 6];
    ptrdiff_t at = ip + 40;

    while (next != IP_PROTO_TCP && at + 8 <= tcp_start) {
        uint8_t header = next;

        next = bytes[at];
        if (header == IP_PROTO_HOPOPTS || header == IP_PROTO_ROUTING || header == IP_PROTO_DSTOPTS)
            at += 8 * (bytes[at + 1] + 1);
        else if (header == IP_PROTO_FRAGMENT)
            at += 8;
        else if (header == IP_PROTO_AH)
            at += 4 * (bytes[at + 1] + 2);
        else
            return false;
    }
    return at == tcp_start && next == IP_PROTO_TCP;
}

/* The offset in bytes of the IPv4 header that carries the TCP header at
 * tcp_start, or -1.  It is the one Wireshark took the packet's network
 * addresses from (the innermost), and the IPv4 dissector points them into
 * the packet's own bytes: the header is found from them, never searched
 * for, so that bytes shaped like a header in its options or anywhere else
 * play no part.  Its length field must lead exactly to the TCP header.  A
 * datagram that Wireshark reassembled from fragments has its TCP header at
 * the start of a buffer of its own, and the header that completed it, the
 * last fragment's, in the frame's bytes. */
static ptrdiff_t
ipv4_header(const packet_info *pinfo, tvbuff_t *frame_tvb, const uint8_t **bytes, ptrdiff_t tcp_start)
{
    ptrdiff_t ip = offset_in(*bytes, (size_t)tcp_start, &pinfo->net_src) - 12;

    if (ip < 0 && tcp_start == 0) {
        *bytes = tvb_get_ptr(frame_tvb, 0, -1);
        ip = offset_in(*bytes, tvb_captured_length(frame_tvb), &pinfo->net_src) - 12;
        /* The last fragment: more-fragments clear, a fragment offset. */
        if (ip < 0 || (((*bytes)[ip + 6] & 0x3f) == 0 && (*bytes)[ip + 7] == 0))
            return -1;
    } else if (ip < 0 || ip + 4 * ((*bytes)[ip] & 0x0f) != tcp_start) {
        return -1;
    }
    return (*bytes)[ip] >> 4 == 4 && (*bytes)[ip + 9] == IP_PROTO_TCP ? ip : -1;
}

/* The offset in bytes of the IPv6 header that carries the TCP header at
 * tcp_start, or -1: the first one that holds the packet's addresses and
 * whose extension headers lead exactly to the TCP header.  The IPv6
 * dissector keeps its addresses in a copy, so the header is searched for;
 * whatever comes after the first such header lies inside its chain, so a
 * header shaped like it in an extension header's options plays no part.
 * A reassembled datagram's header is not searched for. */
static ptrdiff_t
ipv6_header(const packet_info *pinfo, const uint8_t *bytes, ptrdiff_t tcp_start)
{
    for (ptrdiff_t ip = 0; ip + 40 <= tcp_start; ip++) {
        if (bytes[ip] >> 4 == 6 && memcmp(bytes + ip + 8, pinfo->net_src.data, 16) == 0 &&
            memcmp(bytes + ip + 24, pinfo->net_dst.data, 16) == 0 &&
            ipv6_extensions_lead_to_tcp(bytes, ip, tcp_start))
            return ip;
    }
    return -1;
}

/* The segment's hop signature, the TTL or hop limit of the IP header that
 * carries its TCP header, and its IPv4 identification.  Read from the bytes
 * rather than asked for as fields, which would cost every packet of every
 * capture. */
static void
read_hops(packet_info *pinfo, tvbuff_t *frame_tvb, const field_info *flags_item,
          struct teardown_segment *segment)
{
    tvbuff_t *tvb = flags_item->ds_tvb;
    ptrdiff_t tcp_start = flags_item->start - FLAGS_OFFSET, ip = -1;
    const uint8_t *bytes;

    segment->hops_known = false;
    segment->ip_id_known = false;
    if (tvb == NULL || tcp_start < 0 || pinfo->net_src.type != pinfo->net_dst.type)
        return;
    bytes = tvb_get_ptr(tvb, 0, (int)tcp_start);
    if (pinfo->net_src.type == AT_IPv4)
        ip = ipv4_header(pinfo, frame_tvb, &bytes, tcp_start);
    else if (pinfo->net_src.type == AT_IPv6)
        ip = ipv6_header(pinfo, bytes, tcp_start);
    if (ip < 0)
        return;
    segment->hops = bytes[ip + (pinfo->net_src.type == AT_IPv6 ? 7 : 8)];
    segment->hops_known = true;
    if (pinfo->net_src.type == AT_IPv4) {
        segment->ip_id = (uint16_t)(bytes[ip + 4] << 8 | bytes[ip + 5]);
        segment->ip_id_known = true;
    }
}

bool
teardown_read_segment(proto_tree *tree, tvbuff_t *frame_tvb, packet_info *pinfo,
                      const struct teardown_tcp_header *header, struct teardown_clock *clock,
                      uint32_t stretch, struct teardown_segment *segment)
{
    /* The urgent pointer ends the fixed header, so only its presence
     * proves the header was captured: 4.6 also gives a length to a header
     * cut short after the flags.  A data offset below 5 (bogus) ends TCP's
     * dissection before the flags on every release, so a header with flags
     * and an urgent pointer is at least 20 bytes long. */
    const field_info *flags_item = header->flags_item;
    int tcp_start = flags_item->start - FLAGS_OFFSET;
    uint32_t len, urgent_pointer;

    if (!read_tcp_field(tree, TCP_LEN, header->layer, &len) ||
        !read_tcp_field(tree, TCP_URGENT_POINTER, header->layer, &urgent_pointer) ||
        flags_item->ds_tvb == NULL || tcp_start < 0 || !tvb_bytes_exist(flags_item->ds_tvb, tcp_start, 18))
        return false;
    segment->frame = pinfo->num;
    segment->endpoint = teardown_read_sender(pinfo);
    segment->src_port = (uint16_t)pinfo->srcport;
    segment->dst_port = (uint16_t)pinfo->destport;
    segment->flags = header->flags;
    /* Sequence and acknowledgement numbers from the header's bytes, as the
     * TTL: as wanted fields they would cost every segment about 900
     * instructions each.  Without the ACK flag the acknowledgement number
     * means nothing. */
    segment->seq = tvb_get_ntohl(flags_item->ds_tvb, tcp_start + 4);
    segment->ack = (header->flags & TEARDOWN_TH_ACK) ? tvb_get_ntohl(flags_item->ds_tvb, tcp_start + 8) : 0;
    segment->checksum = tvb_get_ntohs(flags_item->ds_tvb, tcp_start + 16);
    segment->window = tvb_get_ntohs(flags_item->ds_tvb, tcp_start + 14);
    segment->len = len;
    segment->time_ns = teardown_clock_ns(clock, pinfo->abs_ts.secs, pinfo->abs_ts.nsecs);
    segment->stretch = stretch;
    read_hops(pinfo, frame_tvb, flags_item, segment);
    return true;
}

bool
teardown_read_tcp_shows_relative(void)
{
    return (tcp_analyze_pref == NULL || prefs_get_bool_value(tcp_analyze_pref, pref_current)) &&
           (tcp_relative_pref == NULL || prefs_get_bool_value(tcp_relative_pref, pref_current));
}

/* The base TCP subtracts from this segment's sequence numbers to show them
 * relative, as TCP orders the two directions of its conversation. */
static uint32_t
tcp_seq_base(const struct tcp_analysis *tcpd, const packet_info *pinfo)
{
    int direction = cmp_address(&pinfo->src, &pinfo->dst);

    if (direction == 0)
        direction = pinfo->srcport > pinfo->destport ? 1 : -1;
    return direction >= 0 ? tcpd->flow1.base_seq : tcpd->flow2.base_seq;
}

uint32_t
teardown_read_seq_base(packet_info *pinfo, proto_tree *tree, const struct teardown_tcp_header *header,
                       uint32_t raw_seq)
{
    uint32_t shown_seq = raw_seq;
    const struct tcp_analysis *tcpd;

    read_tcp_field(tree, TCP_SEQ, header->layer, &shown_seq);
    if (raw_seq != shown_seq || teardown_read_tcp_shows_relative())
        return raw_seq - shown_seq;
    tcpd = tcp_conversation_of_segment(pinfo, header->stream_id);
    return tcpd != NULL ? tcp_seq_base(tcpd, pinfo) : 0;
}

bool
teardown_read_earlier_stream(packet_info *pinfo, uint32_t stream_id, uint32_t *earlier_stream)
{
    conversation_t *conversation;
    const struct tcp_analysis *tcpd;

    if (pinfo->num < 2)
        return false;
    conversation = find_conversation(pinfo->num - 1, &pinfo->src, &pinfo->dst, CONVERSATION_TCP,
                                     pinfo->srcport, pinfo->destport, 0);
    tcpd = conversation == NULL ? NULL :
        (struct tcp_analysis *)conversation_get_proto_data(conversation, proto_tcp);
    if (tcpd == NULL || tcpd->stream == stream_id)
        return false;
    *earlier_stream = tcpd->stream;
    return true;
}
