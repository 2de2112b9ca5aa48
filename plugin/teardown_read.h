/* teardown_read.h: reading a frame's TCP segment from what Wireshark
 * dissected, on the first pass: the fields the post-dissector asks for, and
 * the header bytes around them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TEARDOWN_READ_H
#define TEARDOWN_READ_H

#include "teardown_compat.h"
#include "teardown_state.h"

/* Where a frame's innermost TCP header is, and its first fields. */
struct teardown_tcp_header {
    field_info *flags_item;  /* its tcp.flags */
    int layer;               /* its field_info.proto_layer_num */
    uint16_t flags;          /* TEARDOWN_TH_* bits */
    uint32_t stream_id;      /* tcp.stream */
};

/* What the TCP header is, for the analysis. */
enum teardown_tcp_kind {
    TEARDOWN_TCP_JUDGEABLE,   /* pinfo's addresses and ports may be its own */
    TEARDOWN_TCP_QUOTED,      /* quoted in an ICMP error */
    TEARDOWN_TCP_READDRESSED  /* its payload set pinfo's addresses or ports */
};

/* Looks up the fields and protocols read, once they are all registered. */
void teardown_read_handoff(void);

/* The TCP fields the analysis reads, for set_postdissector_wanted_hfids()
 * (which takes the array). */
GArray *teardown_read_wanted_fields(void);

/* The frame's innermost TCP header: false when it has none with flags and a
 * stream, or no tree was primed. */
bool teardown_read_header(proto_tree *tree, struct teardown_tcp_header *header);

/* What the header is; *encapsulated tells whether it comes after a second
 * IP header (a whole packet carried in another's payload). */
enum teardown_tcp_kind teardown_read_kind(packet_info *pinfo, const struct teardown_tcp_header *header,
                                          bool *encapsulated);

/* Whether the segment belongs to the TCP conversation pinfo's addresses and
 * ports name: a dissector that carries a whole packet in its payload
 * (OpenFlow PACKET_IN, sFlow samples) puts back the packet's own addresses
 * but not the ports. */
bool teardown_read_in_conversation(packet_info *pinfo, uint32_t stream_id);

/* Endpoint 0 or 1 of the segment's sender (the lower of the two address
 * and port pairs is 0, so that both directions agree without storing
 * addresses, and so do two connections on the same ones). */
uint8_t teardown_read_sender(const packet_info *pinfo);

/* The segment, from the rest of the header and pinfo's addresses and
 * ports, its time on clock, in that stretch of continuous capture; false
 * when part of the header was not captured.  frame_tvb is the frame's own
 * buffer (for the hop signature of a datagram reassembled from fragments). */
bool teardown_read_segment(proto_tree *tree, tvbuff_t *frame_tvb, packet_info *pinfo,
                           const struct teardown_tcp_header *header, struct teardown_clock *clock,
                           uint32_t stretch, struct teardown_segment *segment);

/* The relative base of the segment's own sequence numbers: what the TCP
 * tree subtracted in the first pass, or, when it showed raw numbers then,
 * what it will subtract once switched to relative ones. */
uint32_t teardown_read_seq_base(packet_info *pinfo, proto_tree *tree, const struct teardown_tcp_header *header,
                                uint32_t raw_seq);

/* Whether the TCP tree shows relative sequence numbers right now. */
bool teardown_read_tcp_shows_relative(void);

/* The TCP stream that had the frame's addresses and ports (either way
 * round) before the one it is in, if any: Wireshark's TCP begins a new
 * stream where a SYN reuses them and keeps the older one for the frames
 * before.  A wildcard conversation (an FTP data channel announced without
 * its port) may be found instead: the caller checks the ports. */
bool teardown_read_earlier_stream(packet_info *pinfo, uint32_t stream_id, uint32_t *earlier_stream);

#endif /* TEARDOWN_READ_H */
