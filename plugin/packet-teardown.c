/* packet-teardown.c: the Wireshark side of the teardown post-dissector:
 * fields, preferences, reading TCP's fields, per-frame records, and the
 * tree, Info column and expert info drawn from them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The analysis itself is teardown_state.c.  Here every frame is read once,
 * on its first dissection, and what the state machine says about it is kept
 * in file scope; every later dissection (tshark -2, clicks in the GUI, where
 * TCP's fields are no longer primed) draws from that record and its stream
 * alone.
 */
#include "teardown_compat.h"

#include <epan/column-utils.h>
#include <epan/conversation.h>
#include <epan/frame_data.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/expert.h>
#include <epan/ipproto.h>
#include <epan/prefs-int.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <wsutil/wmem/wmem_array.h>
#include <wsutil/report_message.h>
#include <wsutil/str_util.h>
#include <wsutil/wslog.h>

#include "packet-teardown.h"
#include "teardown_settings.h"
#include "teardown_state.h"

/* A frame the plugin says something about although no connection was fed
 * it (doc/behaviour.md, "Frames that are never teardown frames"). */
enum record_note {
    NOTE_NONE,
    NOTE_SELF_CONNECTED,   /* a FIN or RST of a socket connected to itself */
    NOTE_FIN_UNJUDGED      /* a FIN whose payload re-addressed the packet */
};

/* What is kept of one annotated frame for the rest of the file, in 48
 * bytes: the state machine's verdicts, and what only Wireshark knows. */
struct teardown_record {
    uint32_t frame;          /* first: records are searched by frame */
    uint32_t connection;     /* index in teardown_connections */
    uint32_t seq_base;       /* raw minus relative sequence number */
    uint32_t ack_base;       /* raw minus relative acknowledgement number */
    struct teardown_verdict verdict;
    uint8_t  note;           /* enum record_note; with a note, no verdict */
    struct teardown_rst_verdict rst;  /* with verdict.rst */
};

_Static_assert(sizeof(struct teardown_record) == 48, "records stay 48 bytes: one per annotated frame");

/* A SYN that opened a connection on the addresses and ports of an earlier
 * one, in this capture: kept for few frames, apart from the records. */
struct reuse_record {
    uint32_t frame;          /* first: searched by frame */
    uint32_t connection;     /* the connection it opened */
    uint32_t earlier;        /* the connection it reuses the ports of, */
    uint32_t earlier_stream; /* in this tcp.stream */
};

/* Everything needed to draw one frame: a verdict, a reuse, or both; what
 * the frame lacks is zero. */
struct teardown_view {
    const struct teardown_connection *stream;    /* with a verdict, else NULL: */
    struct teardown_annotation annotation;
    const struct teardown_rst_verdict *rst;  /* an RST's, else NULL */
    uint32_t seq_base;       /* what to subtract to show TCP's numbering */
    uint32_t ack_base;
    const struct reuse_record *reuse_record;  /* a reusing SYN's, else NULL */
    struct teardown_reuse reuse;             /* ... and what it says */
};

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

static int proto_teardown = -1;
static int teardown_tap = -1;
static dissector_handle_t teardown_handle;

static int hf_step = -1;
static int hf_role = -1;
static int hf_initiator = -1;
static int hf_pattern = -1;
static int hf_fin_frame = -1;
static int hf_ack_frame = -1;
static int hf_retransmission = -1;
static int hf_original_frame = -1;
static int hf_expected_ack = -1;
static int hf_expected_seq = -1;
static int hf_duration = -1;
static int hf_half_close = -1;
static int hf_initiator_by_port = -1;
static int hf_segments = -1;
static int hf_states = -1;
static int hf_state_client = -1;
static int hf_state_server = -1;
static int hf_state_sender = -1;
static int hf_state_receiver = -1;
static int hf_rst_ttl = -1;
static int hf_rst_expected_ttl = -1;
static int hf_rst_origin = -1;
static int hf_rst_alive_frame = -1;
static int hf_rst_cause = -1;
static int hf_idle = -1;
static int hf_idle_timer = -1;
static int hf_ack_delay = -1;
static int hf_close_delay = -1;
static int hf_last_ack_delay = -1;
static int hf_unfinished_for = -1;
static int hf_reuse_stream = -1;
static int hf_reuse_gap = -1;
static int hf_reuse_holder = -1;
static int hf_reuse_answer = -1;

static gint ett_teardown = -1;
static gint ett_states = -1;
static gint ett_rst = -1;
static gint ett_reuse = -1;

/* One expert item per check of teardown_checks.h, by check index. */
static expert_field ei_check[TEARDOWN_CHECK_COUNT];

static teardown_pref_bool pref_analyze = TRUE;
static teardown_pref_bool pref_info_column = TRUE;
static const char *pref_idle_timers = TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_DEFAULT_S);
static const char *pref_slow_close = TEARDOWN_WORDS(TEARDOWN_SLOW_CLOSE_DEFAULT_S);
static const char *pref_time_wait = TEARDOWN_WORDS(TEARDOWN_TIME_WAIT_DEFAULT_S);

/* The settings the state machine judges times by, from the preferences. */
static uint32_t idle_timers_s[TEARDOWN_IDLE_TIMERS_MAX] = { TEARDOWN_IDLE_TIMERS_DEFAULT_S };
static struct teardown_config teardown_config = {
    .idle_timers_s = idle_timers_s,
    .idle_timer_count = sizeof (uint32_t[]){ TEARDOWN_IDLE_TIMERS_DEFAULT_S } / sizeof(uint32_t),
    .slow_close_ns = TEARDOWN_SLOW_CLOSE_DEFAULT_S * INT64_C(1000000000),
    .time_wait_ns = TEARDOWN_TIME_WAIT_DEFAULT_S * INT64_C(1000000000),
};

/* The text each time preference had when it was last read into
 * teardown_config.  sharkd sets preferences without calling the module's
 * callback, so they are read again wherever the settings are used, once
 * their text has changed. */
static char *idle_timers_read, *slow_close_read, *time_wait_read;

/* TCP's own preferences, read whenever a number is shown: sharkd changes
 * them without dissecting anything again, and the TCP tree then shows raw
 * numbers where the first pass saw relative ones, or the other way round. */
static pref_t *tcp_analyze_pref;
static pref_t *tcp_relative_pref;

/* An array that grows at its end, whose last elements the first pass can
 * take back (see struct first_pass_change): its length is count, not the
 * wmem array's, which only grows. */
struct frame_list {
    wmem_array_t *array;
    guint count;
};

/* struct teardown_connection, one per connection in the order they began,
 * emptied with each capture file.  A TCP stream holds several when its ports
 * are used again; current_connection maps tcp.stream, which Wireshark numbers
 * densely from 0, to its latest (index + 1, 0 for none yet). */
static struct frame_list teardown_connections;
static wmem_array_t *current_connection;

/* The records of annotated frames, in increasing frame order. */
static struct frame_list teardown_records;

/* The frames that opened a connection, in increasing order: the statistics
 * count open connections on every pass, but only the first pass can tell
 * them. */
static struct frame_list connection_first_frames;

/* SYNs that reused an earlier connection's addresses and ports, in
 * increasing frame order. */
static struct frame_list reuse_records;

/* The time of the latest frame the first pass read: the end of the capture,
 * once every frame was read.  Kept as the frame's own time stamp, which
 * costs nothing to copy: only frames with something to draw convert it. */
static nstime_t capture_end;

/* One bit per hash of the addresses and ports a connection began on.  A SYN
 * whose bit is clear cannot reuse an earlier connection's, and is spared
 * the conversation lookup (about 1,500 instructions). */
#define ADDRESS_PAIR_BITS 65536
static uint64_t address_pairs_seen[ADDRESS_PAIR_BITS / 64];

/* What the first pass changed for its latest frame.  A read filter (tshark
 * -2 -R, and the GUI's) dissects every frame in the first pass but numbers
 * only the frames it keeps, so the frame after a dropped one is dissected
 * under the dropped one's number: when a number comes again, the frame seen
 * under it before was dropped, and all it changed is taken back, so that
 * the kept frames are judged as if the dropped ones had never been. */
struct first_pass_change {
    uint32_t frame;                 /* 0: nothing to take back */
    nstime_t capture_end;           /* the end of the capture before it */
    guint records, connections, first_frames, reuses;   /* lengths before it */
    bool stream_touched;            /* then: */
    uint32_t stream_id;             /* its tcp.stream, and */
    uint32_t current;               /* current_connection's entry before */
    bool fed;                       /* an existing connection was fed: */
    uint32_t connection;            /* this one, */
    struct teardown_connection before;  /* which was this before */
};
static struct first_pass_change last_change;

/* Times are kept relative to the first frame analysed: only differences are
 * shown, and a pcapng clock reaches far beyond what 64-bit nanoseconds since
 * 1970 hold (the year 2262). */
static nstime_t time_base;
static bool time_base_set;

/* ---- Reading TCP's fields (first pass only) ---------------------------- */

static bool
proto_in(int proto, const int *ids, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (proto == ids[i])
            return true;
    }
    return false;
}

/* The innermost TCP header of the frame, as its tcp.flags item: the last
 * one dissected.  Layer numbers cannot tell, being 8 bits wide: behind 251
 * IP-in-IP headers TCP is layer 256, numbered 0. */
static field_info *
innermost_flags_item(proto_tree *tree)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, tcp_field_ids[TCP_FLAGS]);

    if (items == NULL || items->len == 0)
        return NULL;
    return (field_info *)g_ptr_array_index(items, items->len - 1);
}

enum segment_kind {
    SEGMENT_JUDGEABLE,     /* pinfo's addresses and ports may be its own */
    SEGMENT_QUOTED,        /* quoted in an ICMP error */
    SEGMENT_READDRESSED    /* its payload set pinfo's addresses or ports */
};

/* What the TCP header that is the tcp_nth TCP layer of the frame
 * (field_info.proto_layer_num) is, from the protocols around it in
 * pinfo->layers: quoted when an error message comes before it, re-addressed
 * when a header that sets addresses or ports comes after it (in an error
 * message, or carried in the segment's payload).  A TCP header before an
 * error message is followed by the quoted IP header, so only the innermost
 * one can be judgeable.  The layer is found by counting TCP layers, not by
 * field_info.total_layer_num, which wraps at 256 layers. */
static enum segment_kind
segment_kind(packet_info *pinfo, int tcp_nth, bool *encapsulated)
{
    int tcp_seen = 0, addressing_before = 0;
    bool quoted = false;

    for (wmem_list_frame_t *frame = wmem_list_head(pinfo->layers); frame != NULL;
         frame = wmem_list_frame_next(frame)) {
        int proto = GPOINTER_TO_INT(wmem_list_frame_data(frame));

        if (tcp_seen < tcp_nth) {
            if (proto == proto_tcp)
                tcp_seen++;
            else if (proto_in(proto, error_proto_ids, G_N_ELEMENTS(error_proto_ids)))
                quoted = true;
            else if (proto_in(proto, readdressing_proto_ids, G_N_ELEMENTS(readdressing_proto_ids)))
                addressing_before++;
        } else if (proto_in(proto, readdressing_proto_ids, G_N_ELEMENTS(readdressing_proto_ids))) {
            return quoted ? SEGMENT_QUOTED : SEGMENT_READDRESSED;
        }
    }
    /* A packet carried whole in another's payload has a second IP header
     * (at least) before its TCP header. */
    *encapsulated = addressing_before > 1;
    return quoted ? SEGMENT_QUOTED : SEGMENT_JUDGEABLE;
}

/* TCP's data for the conversation pinfo's addresses and ports name now, and
 * whether the segment is in it: a dissector that carries a whole packet in
 * its payload (OpenFlow PACKET_IN, sFlow samples) dissects it, then puts
 * back the packet's own addresses but not the ports, so that an embedded TCP
 * header would be judged with the carrier's addresses. */
static struct tcp_analysis *
tcp_conversation_of_segment(packet_info *pinfo, uint32_t stream_id)
{
    conversation_t *conversation = find_conversation_pinfo(pinfo, 0);
    struct tcp_analysis *tcpd = conversation == NULL ? NULL :
        (struct tcp_analysis *)conversation_get_proto_data(conversation, proto_tcp);

    return tcpd != NULL && tcpd->stream == stream_id ? tcpd : NULL;
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

/* Whether the TCP tree shows relative sequence numbers right now. */
static bool
tcp_shows_relative(void)
{
    return (tcp_analyze_pref == NULL || prefs_get_bool_value(tcp_analyze_pref, pref_current)) &&
           (tcp_relative_pref == NULL || prefs_get_bool_value(tcp_relative_pref, pref_current));
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

/* Endpoint 0 is the lower of the two (address, port) pairs, so both
 * directions agree without storing addresses, and so do two connections on
 * the same addresses and ports. */
static uint8_t
sender_endpoint(const packet_info *pinfo)
{
    int order = cmp_address(&pinfo->net_src, &pinfo->net_dst);

    if (order == 0)
        order = (int)pinfo->srcport - (int)pinfo->destport;
    return order <= 0 ? 0 : 1;
}

/* A capture time since time_base, saturated like teardown_time_ns(); the
 * first time asked for is the base. */
static int64_t
time_ns_of(const nstime_t *time)
{
    int64_t secs;

    if (!time_base_set) {
        time_base = *time;
        time_base_set = true;
    }
    if (__builtin_sub_overflow((int64_t)time->secs, (int64_t)time_base.secs, &secs))
        return time->secs > time_base.secs ? INT64_MAX : INT64_MIN;
    return teardown_time_ns(secs, time->nsecs - time_base.nsecs);
}

static int64_t
frame_time_ns(const packet_info *pinfo)
{
    return time_ns_of(&pinfo->abs_ts);
}

static void *
list_at(const struct frame_list *list, guint index)
{
    return wmem_array_index(list->array, index);
}

/* Appends at the list's end, over what a taken-back frame left there. */
static void *
list_append(struct frame_list *list, const void *element, size_t size)
{
    if (list->count < wmem_array_get_count(list->array))
        memcpy(list_at(list, list->count), element, size);
    else
        wmem_array_append(list->array, element, 1);
    return list_at(list, list->count++);
}

static void
list_init(struct frame_list *list, size_t element_size)
{
    list->array = wmem_array_sized_new(wmem_file_scope(), element_size, 1024);
    list->count = 0;
}

static struct teardown_connection *
connection_at(uint32_t connection)
{
    return (struct teardown_connection *)list_at(&teardown_connections, connection);
}

/* The latest connection of a TCP stream, or NULL before its first segment. */
static struct teardown_connection *
current_connection_of(uint32_t stream_id, uint32_t *connection)
{
    uint32_t index_plus_one;

    if (stream_id >= wmem_array_get_count(current_connection))
        return NULL;
    index_plus_one = *(const uint32_t *)wmem_array_index(current_connection, stream_id);
    if (index_plus_one == 0)
        return NULL;
    *connection = index_plus_one - 1;
    return connection_at(*connection);
}

/* A new connection for the stream, beginning at this frame. */
static struct teardown_connection *
begin_connection(uint32_t stream_id, uint32_t frame, uint32_t *connection)
{
    struct teardown_connection stream;
    uint32_t none = 0, index_plus_one;

    teardown_connection_init(&stream);
    *connection = teardown_connections.count;
    list_append(&teardown_connections, &stream, sizeof stream);
    while (wmem_array_get_count(current_connection) <= stream_id)
        wmem_array_append_one(current_connection, none);
    index_plus_one = *connection + 1;
    memcpy(wmem_array_index(current_connection, stream_id), &index_plus_one, sizeof index_plus_one);
    list_append(&connection_first_frames, &frame, sizeof frame);
    return connection_at(*connection);
}

/* The bit of the segment's addresses and ports in address_pairs_seen, the
 * same in both directions. */
static uint32_t
address_pair_bit(const packet_info *pinfo)
{
    guint source = add_address_to_hash(pinfo->srcport, &pinfo->net_src);
    guint destination = add_address_to_hash(pinfo->destport, &pinfo->net_dst);

    return (source ^ destination) % ADDRESS_PAIR_BITS;
}

static bool
address_pair_seen(const packet_info *pinfo)
{
    uint32_t bit = address_pair_bit(pinfo);

    return (address_pairs_seen[bit / 64] >> (bit % 64)) & 1;
}

static void
note_address_pair(const packet_info *pinfo)
{
    uint32_t bit = address_pair_bit(pinfo);

    address_pairs_seen[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* Whether another TCP stream had the segment's addresses and ports before
 * the one it is in, and which stream and connection: where a SYN reuses
 * them, TCP begins a new conversation, and so a new stream, and keeps the
 * older ones for the frames before.  Wildcard conversations (an FTP data
 * channel announced without its port) may match instead: the ports are
 * checked against the connection found. */
static bool
earlier_connection_of_segment(packet_info *pinfo, uint32_t stream_id, uint32_t *earlier_stream,
                              uint32_t *earlier)
{
    conversation_t *conversation;
    struct tcp_analysis *tcpd;
    const struct teardown_connection *connection;
    uint8_t sender;

    if (pinfo->num < 2 || !address_pair_seen(pinfo))
        return false;
    conversation = find_conversation(pinfo->num - 1, &pinfo->src, &pinfo->dst, CONVERSATION_TCP,
                                     pinfo->srcport, pinfo->destport, 0);
    tcpd = conversation == NULL ? NULL :
        (struct tcp_analysis *)conversation_get_proto_data(conversation, proto_tcp);
    if (tcpd == NULL || tcpd->stream == stream_id ||
        (connection = current_connection_of(tcpd->stream, earlier)) == NULL)
        return false;
    sender = sender_endpoint(pinfo);
    *earlier_stream = tcpd->stream;
    return connection->endpoint[sender].port == pinfo->srcport &&
           connection->endpoint[sender ^ 1].port == pinfo->destport;
}

/* Orders frame numbers, or records by the frame number they start with. */
static int
compare_frames(const void *a, const void *b)
{
    uint32_t frame_a = *(const uint32_t *)a, frame_b = *(const uint32_t *)b;

    return frame_a < frame_b ? -1 : frame_a > frame_b;
}

static const void *
find_frame(const struct frame_list *sorted, size_t element_size, uint32_t frame)
{
    return bsearch(&frame, wmem_array_get_raw(sorted->array), sorted->count,
                   element_size, compare_frames);
}

static bool
opens_connection(uint32_t frame)
{
    return find_frame(&connection_first_frames, sizeof(uint32_t), frame) != NULL;
}

/* The first pass is about to judge this frame: remember how to take back
 * what it changes. */
static void
begin_change(uint32_t frame)
{
    last_change.frame = frame;
    last_change.records = teardown_records.count;
    last_change.connections = teardown_connections.count;
    last_change.first_frames = connection_first_frames.count;
    last_change.reuses = reuse_records.count;
    last_change.capture_end = capture_end;
    last_change.stream_touched = false;
    last_change.fed = false;
}

static void
take_back_change(void)
{
    teardown_records.count = last_change.records;
    teardown_connections.count = last_change.connections;
    connection_first_frames.count = last_change.first_frames;
    reuse_records.count = last_change.reuses;
    capture_end = last_change.capture_end;
    if (last_change.stream_touched)
        memcpy(wmem_array_index(current_connection, last_change.stream_id), &last_change.current,
               sizeof last_change.current);
    if (last_change.fed)
        *connection_at(last_change.connection) = last_change.before;
    last_change.frame = 0;
}

/* Whether frame number `frame`, read by the first pass at frame_time, is
 * in the capture as kept: a read filter may have dropped it.  Wireshark
 * looks frames up by number for one thing only, the time since an earlier
 * frame (epan_get_frame_ts(), which frame_data_compare() calls, is not
 * exported).  So two frames alike but for their reference frame, `frame`
 * for one and none for the other, are compared by the time since it: the
 * same (zero, and ties go to the frame numbers, equal here) exactly when no
 * frame has that number.  Their time is one second after `frame`'s, so
 * that the times differ where it exists.  Wireshark warns of every frame
 * it cannot find; not knowing this one is the answer, not news. */
static bool
frame_in_capture(const packet_info *pinfo, uint32_t frame, const nstime_t *frame_time)
{
    frame_data from_frame = { .num = frame, .frame_ref_num = frame, .abs_ts = *frame_time };
    frame_data from_none = { .num = frame };
    enum ws_log_level level = ws_log_get_level();
    int order;

    from_frame.abs_ts.secs += 1;
    from_none.abs_ts = from_frame.abs_ts;
    ws_log_set_level(LOG_LEVEL_CRITICAL);
    order = frame_data_compare(pinfo->epan, &from_frame, &from_none, COL_REL_TIME);
    ws_log_set_level(level);
    return order != 0;
}

/* Once the first pass is over: the latest frame it dissected was dropped
 * when no frame has its number, and nothing came after it to take it back. */
static void
settle_first_pass(const packet_info *pinfo)
{
    if (last_change.frame != 0 && !frame_in_capture(pinfo, last_change.frame, &capture_end))
        take_back_change();
    last_change.frame = 0;
}

/* Fills the segment from the rest of the TCP header at proto_layer, and
 * pinfo's addresses and ports, which segment_kind() vouched for; false
 * when part of the header was not captured. */
static bool
read_segment(proto_tree *tree, packet_info *pinfo, const field_info *flags_item,
             int proto_layer, uint16_t flags, struct teardown_segment *segment)
{
    /* The urgent pointer ends the fixed header, so only its presence
     * proves the header was captured: 4.6 also gives a length to a header
     * cut short after the flags.  A data offset below 5 (bogus) ends TCP's
     * dissection before the flags on every release, so a header with flags
     * and an urgent pointer is at least 20 bytes long. */
    static const enum tcp_field needed[] = { TCP_LEN, TCP_URGENT_POINTER };
    uint32_t values[TCP_FIELD_COUNT] = { 0 };
    int tcp_start = flags_item->start - 12;   /* tcp.flags sits at offset 12 */
    uint32_t seq, ack = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        if (!read_tcp_field(tree, needed[i], proto_layer, &values[needed[i]]))
            return false;
    }
    /* The fixed header was captured, so its sequence and acknowledgement
     * numbers are read from its bytes, as read_hops() reads the TTL: as
     * wanted fields they would cost every TCP segment of every capture
     * about 900 instructions each where no tree would be built.  Without
     * the ACK flag the acknowledgement number means nothing. */
    if (flags_item->ds_tvb == NULL || tcp_start < 0 ||
        !tvb_bytes_exist(flags_item->ds_tvb, tcp_start, 12))
        return false;
    seq = tvb_get_ntohl(flags_item->ds_tvb, tcp_start + 4);
    if (flags & TEARDOWN_TH_ACK)
        ack = tvb_get_ntohl(flags_item->ds_tvb, tcp_start + 8);
    segment->frame = pinfo->num;
    segment->endpoint = sender_endpoint(pinfo);
    segment->src_port = (uint16_t)pinfo->srcport;
    segment->dst_port = (uint16_t)pinfo->destport;
    segment->flags = flags;
    segment->seq = seq;
    segment->ack = ack;
    segment->len = values[TCP_LEN];
    segment->time_ns = frame_time_ns(pinfo);
    return true;
}

/* TCP shows acknowledgement numbers relative to the peer's sequence numbers,
 * so the record of the peer's FIN holds their base.  Acknowledgement numbers
 * are shown only beside the peer's FIN (steps 2 and 4, the ACK checks); before
 * it there is none, and nothing to show. */
static uint32_t
peer_seq_base(const struct teardown_connection *stream, uint8_t endpoint)
{
    uint32_t peer_fin_frame = stream->endpoint[endpoint ^ 1].fin_frame;
    const struct teardown_record *peer_fin = peer_fin_frame == 0 ? NULL :
        find_frame(&teardown_records, sizeof *peer_fin, peer_fin_frame);

    return peer_fin != NULL ? peer_fin->seq_base : 0;
}

static const struct teardown_record *
add_record(const struct teardown_record *record)
{
    return (const struct teardown_record *)list_append(&teardown_records, record, sizeof *record);
}

/* A frame that is said something about without a verdict. */
static const struct teardown_record *
add_note(uint32_t frame, enum record_note note)
{
    struct teardown_record record = { .frame = frame, .note = (uint8_t)note };

    return add_record(&record);
}

/* The relative base of the segment's own sequence numbers: what the TCP
 * tree subtracted in the first pass, or, when it showed raw numbers then,
 * what it will subtract once switched to relative ones. */
static uint32_t
relative_seq_base(packet_info *pinfo, uint32_t stream_id, proto_tree *tree, int layer,
                  uint32_t raw_seq)
{
    uint32_t shown_seq = raw_seq;
    const struct tcp_analysis *tcpd;

    read_tcp_field(tree, TCP_SEQ, layer, &shown_seq);
    if (raw_seq != shown_seq || tcp_shows_relative())
        return raw_seq - shown_seq;
    tcpd = tcp_conversation_of_segment(pinfo, stream_id);
    return tcpd != NULL ? tcp_seq_base(tcpd, pinfo) : 0;
}

/* Where the bytes of an address lie in a buffer of length size starting at
 * base: their offset, or -1 when they lie elsewhere. */
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

/* The segment's hop signature: the TTL or hop limit of the IP header that
 * carries its TCP header (tcp.flags sits 12 bytes into it).  Read from the
 * bytes rather than asked for as a field, which would cost every packet of
 * every capture. */
static void
read_hops(packet_info *pinfo, tvbuff_t *frame_tvb, const field_info *flags_item,
          struct teardown_segment *segment)
{
    tvbuff_t *tvb = flags_item->ds_tvb;
    ptrdiff_t tcp_start = flags_item->start - 12, ip = -1;
    const uint8_t *bytes;

    segment->hops_known = false;
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
}

/* First dissection of a frame: run the state machine, keep its verdict.
 * Most frames leave after reading two fields: their stream is established
 * and not closing, and they carry no FIN, SYN or RST. */
static const struct teardown_record *
analyze_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    field_info *flags_item;
    struct teardown_segment segment;
    struct teardown_verdict verdict;
    struct teardown_rst_verdict rst;
    struct teardown_connection *stream;
    struct teardown_record record;
    bool encapsulated;
    uint32_t stream_id, connection = 0;
    guint count = teardown_records.count;
    uint16_t flags;
    int layer;

    if (tree == NULL || (flags_item = innermost_flags_item(tree)) == NULL)
        return NULL;
    flags = (uint16_t)fvalue_get_uinteger(TEARDOWN_FVALUE(flags_item));
    layer = flags_item->proto_layer_num;
    if (!read_tcp_field(tree, TCP_STREAM, layer, &stream_id))
        return NULL;
    stream = current_connection_of(stream_id, &connection);
    if (stream != NULL && teardown_connection_ignores(stream, flags))
        return NULL;
    switch (segment_kind(pinfo, layer, &encapsulated)) {
    case SEGMENT_QUOTED:
        return NULL;
    case SEGMENT_READDRESSED:
        return (flags & TEARDOWN_TH_FIN) ? add_note(pinfo->num, NOTE_FIN_UNJUDGED) : NULL;
    case SEGMENT_JUDGEABLE:
        break;
    }
    /* TCP's conversation, looked up only where an embedded copy could be
     * judged with the carrier's addresses: the lookup costs every segment
     * about a thousand instructions. */
    if (!read_segment(tree, pinfo, flags_item, layer, flags, &segment) ||
        (encapsulated && tcp_conversation_of_segment(pinfo, stream_id) == NULL))
        return NULL;
    /* One socket connected to itself: a single endpoint, nothing to judge. */
    if (addresses_equal(&pinfo->net_src, &pinfo->net_dst) && pinfo->srcport == pinfo->destport)
        return (flags & (TEARDOWN_TH_FIN | TEARDOWN_TH_RST)) ? add_note(pinfo->num, NOTE_SELF_CONNECTED) : NULL;
    /* The state machine takes segments in capture order only. */
    if (count > 0 && ((const struct teardown_record *)list_at(&teardown_records, count - 1))->frame >= segment.frame)
        return NULL;

    last_change.stream_touched = true;
    last_change.stream_id = stream_id;
    last_change.current = stream == NULL ? 0 : connection + 1;
    if (stream == NULL || teardown_connection_starts_over(stream, flags)) {
        struct reuse_record reuse = { .frame = segment.frame, .earlier_stream = stream_id,
                                      .earlier = connection };
        /* A SYN starting over reuses the ports of its stream's earlier
         * connection; one opening a stream may reuse an earlier stream's. */
        bool reused = stream != NULL ||
            (teardown_segment_opens(flags) &&
             earlier_connection_of_segment(pinfo, stream_id, &reuse.earlier_stream, &reuse.earlier));

        stream = begin_connection(stream_id, segment.frame, &connection);
        note_address_pair(pinfo);
        reuse.connection = connection;
        if (reused)
            list_append(&reuse_records, &reuse, sizeof reuse);
    } else {
        last_change.fed = true;
        last_change.connection = connection;
        last_change.before = *stream;
    }
    read_hops(pinfo, tvb, flags_item, &segment);
    if (!teardown_connection_update(stream, &segment, &verdict, &rst))
        return NULL;

    record = (struct teardown_record) {
        .frame = segment.frame, .connection = connection,
        .seq_base = relative_seq_base(pinfo, stream_id, tree, layer, segment.seq),
        .ack_base = peer_seq_base(stream, segment.endpoint),
        .verdict = verdict,
    };
    if (verdict.rst)
        record.rst = rst;
    return add_record(&record);
}

/* What is drawn of a frame with a verdict record (r), a reuse record
 * (reuse), or both; false when there is neither.  Once every frame was
 * read, the end of the capture is known. */
static bool
build_view(const struct teardown_record *r, const struct reuse_record *reuse, packet_info *pinfo,
           struct teardown_view *view)
{
    struct teardown_config config = *teardown_current_config();
    int64_t time_ns;

    if ((r == NULL || r->note != NOTE_NONE) && reuse == NULL)
        return false;
    time_ns = frame_time_ns(pinfo);
    memset(view, 0, sizeof *view);
    config.capture_end_known = PINFO_FD_VISITED(pinfo);
    config.capture_end_ns = time_ns_of(&capture_end);
    if (r != NULL && r->note == NOTE_NONE) {
        view->stream = connection_at(r->connection);
        view->rst = r->verdict.rst ? &r->rst : NULL;
        teardown_verdict_expand(view->stream, &r->verdict, view->rst, r->frame, time_ns, &config,
                                &view->annotation);
        if (tcp_shows_relative()) {
            view->seq_base = r->seq_base;
            view->ack_base = r->ack_base;
        }
    }
    if (reuse != NULL) {
        view->reuse_record = reuse;
        teardown_reuse_judge(connection_at(reuse->earlier), connection_at(reuse->connection), time_ns,
                             &config, &view->reuse);
    }
    return true;
}

/* ---- Drawing a record (every pass) ------------------------------------- */

/* Sequence numbers as the frame's TCP tree shows them now (relative or
 * raw). */
static uint32_t
shown_seq(const struct teardown_view *view, uint32_t raw_seq)
{
    return raw_seq - view->seq_base;
}

static uint32_t
shown_ack(const struct teardown_view *view, uint32_t raw_ack)
{
    return raw_ack - view->ack_base;
}

/* One endpoint in words, "server 10.0.0.132:22" or "endpoint
 * [2001:db8::1]:22" when sides are unknown, as the arguments of
 * ENDPOINT_FORMAT: each sentence is then formatted in one call. */
struct endpoint_words {
    const char *side;
    const char *open, *address, *close;  /* brackets around IPv6 only */
    unsigned port;
};

#define ADDRESS_FORMAT "%s%s%s:%u"
#define ADDRESS_ARGS(w) (w).open, (w).address, (w).close, (w).port
#define ENDPOINT_FORMAT "%s " ADDRESS_FORMAT
#define ENDPOINT_ARGS(w) (w).side, ADDRESS_ARGS(w)

/* The frame's sender, or its receiver, in words. */
static struct endpoint_words
packet_endpoint_words(packet_info *pinfo, bool sender, enum teardown_side side, unsigned port)
{
    const address *addr = sender ? &pinfo->net_src : &pinfo->net_dst;
    bool ipv6 = addr->type == AT_IPv6;

    return (struct endpoint_words) {
        .side = side == TEARDOWN_SIDE_UNKNOWN ? "endpoint" : teardown_side_name(side),
        .open = ipv6 ? "[" : "", .address = address_to_str(pinfo->pool, addr), .close = ipv6 ? "]" : "",
        .port = port,
    };
}

/* Endpoint 0 or 1 of the annotated segment's connection in words. */
static struct endpoint_words
endpoint_words(const struct teardown_view *view, packet_info *pinfo, uint8_t endpoint)
{
    return packet_endpoint_words(pinfo, endpoint == view->annotation.verdict.endpoint,
                                 teardown_annotation_side(&view->annotation, endpoint),
                                 view->annotation.port[endpoint]);
}

static const char *
role_text(const struct teardown_annotation *a)
{
    return a->verdict.role == TEARDOWN_ROLE_ACTIVE ? "active closer" : "passive closer";
}

/* The rarer FIN steps: "sends 12 bytes of data and FIN, FIN seq 181", and
 * for a retransmission "... again (retransmission of frame 7)". */
static const char *
fin_with_more_text(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *a = &view->annotation;
    uint32_t fin_seq = shown_seq(view, a->verdict.seq + a->verdict.len);
    const char *what;

    if (a->verdict.len > 0)
        what = wmem_strdup_printf(pinfo->pool, "sends %u bytes of data and FIN, FIN seq %u",
                                  a->verdict.len, fin_seq);
    else
        what = wmem_strdup_printf(pinfo->pool, "sends FIN, seq %u", fin_seq);
    if (a->verdict.retransmission)
        what = wmem_strdup_printf(pinfo->pool, "%s again (retransmission of frame %u)",
                                  what, a->original_frame);
    return what;
}

/* "Step 1 of 4: active closer (server 10.0.0.132:22) sends FIN, seq 169" */
static void
add_step_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
              const struct teardown_view *view, unsigned step, bool wordy)
{
    const struct teardown_annotation *a = &view->annotation;
    struct endpoint_words who;
    proto_item *item;

    if (!wordy) {
        proto_item_set_generated(proto_tree_add_uint(tree, hf_step, tvb, 0, 0, step));
        return;
    }
    who = endpoint_words(view, pinfo, a->verdict.endpoint);
    if (step == 2 || step == 4)
        item = proto_tree_add_uint_format(tree, hf_step, tvb, 0, 0, step,
            "Step %u of 4: %s (" ENDPOINT_FORMAT ") acknowledges the FIN of frame %u (seq %u), ack %u",
            step, role_text(a), ENDPOINT_ARGS(who), a->fin_frame,
            shown_ack(view, a->peer_fin_seq), shown_ack(view, a->verdict.ack));
    else if (a->verdict.len == 0 && !a->verdict.retransmission)
        item = proto_tree_add_uint_format(tree, hf_step, tvb, 0, 0, step,
            "Step %u of 4: %s (" ENDPOINT_FORMAT ") sends FIN, seq %u",
            step, role_text(a), ENDPOINT_ARGS(who), shown_seq(view, a->verdict.seq));
    else
        item = proto_tree_add_uint_format(tree, hf_step, tvb, 0, 0, step,
            "Step %u of 4: %s (" ENDPOINT_FORMAT ") %s",
            step, role_text(a), ENDPOINT_ARGS(who), fin_with_more_text(view, pinfo));
    proto_item_set_generated(item);
}

static void
add_frame_item(proto_tree *tree, int hf, tvbuff_t *tvb, uint32_t frame)
{
    proto_item_set_generated(proto_tree_add_uint(tree, hf, tvb, 0, 0, frame));
}

static void
add_flag_item(proto_tree *tree, int hf, tvbuff_t *tvb)
{
    proto_item_set_generated(proto_tree_add_item(tree, hf, tvb, 0, 0, ENC_NA));
}

static void
add_state_field(proto_tree *tree, int hf, tvbuff_t *tvb, uint8_t state)
{
    proto_item_set_generated(proto_tree_add_string(tree, hf, tvb, 0, 0,
        teardown_tcp_state_name((enum teardown_tcp_state)state)));
}

/* "server FIN-WAIT-1 -> FIN-WAIT-2": one endpoint's part of the states line,
 * named by its address when sides are unknown. */
static const char *
endpoint_states_text(const struct teardown_view *view, packet_info *pinfo, uint8_t endpoint)
{
    const struct teardown_annotation *a = &view->annotation;
    enum teardown_side side = teardown_annotation_side(&view->annotation, endpoint);
    const char *after = teardown_tcp_state_name((enum teardown_tcp_state)a->verdict.state_after[endpoint]);
    const char *name;

    if (side == TEARDOWN_SIDE_UNKNOWN) {
        struct endpoint_words words = endpoint_words(view, pinfo, endpoint);

        name = wmem_strdup_printf(pinfo->pool, ADDRESS_FORMAT, ADDRESS_ARGS(words));
    } else {
        name = teardown_side_name(side);
    }
    if (a->verdict.state_before[endpoint] == a->verdict.state_after[endpoint])
        return wmem_strconcat(pinfo->pool, name, " ", after, NULL);
    return wmem_strconcat(pinfo->pool, name, " ",
        teardown_tcp_state_name((enum teardown_tcp_state)a->verdict.state_before[endpoint]), " -> ", after, NULL);
}

/* "server FIN-WAIT-1 -> FIN-WAIT-2, client CLOSE-WAIT": each endpoint's
 * state once this segment is sent and received, the closer named first. */
static void
add_states_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                const struct teardown_view *view)
{
    const struct teardown_annotation *a = &view->annotation;
    uint8_t first = a->closer;
    const char *text = "";
    proto_item *item;
    proto_tree *states_tree;

    if (proto_field_is_referenced(tree, hf_states))
        text = wmem_strconcat(pinfo->pool, endpoint_states_text(view, pinfo, first), ", ",
                              endpoint_states_text(view, pinfo, first ^ 1), NULL);
    item = proto_tree_add_string(tree, hf_states, tvb, 0, 0, text);
    proto_item_set_generated(item);
    states_tree = proto_item_add_subtree(item, ett_states);
    for (uint8_t endpoint = 0; endpoint < 2; endpoint++) {
        enum teardown_side side = teardown_annotation_side(&view->annotation, endpoint);

        if (side != TEARDOWN_SIDE_UNKNOWN)
            add_state_field(states_tree, side == TEARDOWN_SIDE_CLIENT ? hf_state_client : hf_state_server,
                            tvb, a->verdict.state_after[endpoint]);
    }
    add_state_field(states_tree, hf_state_sender, tvb, a->verdict.state_after[a->verdict.endpoint]);
    add_state_field(states_tree, hf_state_receiver, tvb, a->verdict.state_after[a->verdict.endpoint ^ 1]);
}

/* A teardown that ends before it began: the capture's clock was stepped, or
 * captures were merged. */
#define CLOCK_BACKWARDS " (the capture's clock went backwards)"

/* On the frame that completes or ends a teardown: how it went, in one line. */
static void
add_summary_item(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                 const struct teardown_view *view, bool wordy)
{
    const struct teardown_annotation *a = &view->annotation;
    uint8_t closer = a->closer;
    const char *pattern = teardown_pattern_name((enum teardown_pattern)a->verdict.pattern);
    struct endpoint_words who;
    proto_item *item;

    if (!wordy) {
        proto_item_set_generated(proto_tree_add_uint(tree, hf_segments, tvb, 0, 0, a->verdict.segments));
        return;
    }
    who = endpoint_words(view, pinfo, closer);
    if (a->step1_frame == 0)
        item = proto_tree_add_uint_format(tree, hf_segments, tvb, 0, 0, a->verdict.segments,
                                          "Summary: %s by " ENDPOINT_FORMAT, pattern, ENDPOINT_ARGS(who));
    else
        item = proto_tree_add_uint_format(tree, hf_segments, tvb, 0, 0, a->verdict.segments,
                                          "Summary: %s, begun by " ENDPOINT_FORMAT ", %.6f s from the first FIN%s, %u segments",
                                          pattern, ENDPOINT_ARGS(who), a->duration_ns / 1e9,
                                          a->duration_ns < 0 ? CLOCK_BACKWARDS : "", a->verdict.segments);
    proto_item_set_generated(item);
}

/* What IPv4 calls TTL, IPv6 calls hop limit. */
static const char *
hops_word(const packet_info *pinfo)
{
    return pinfo->net_src.type == AT_IPv6 ? "hop limit" : "TTL";
}

/* A failed check in words, naming the frame it relates to and the expected
 * and seen values in the TCP tree's numbering. */
static const char *
check_text(const struct teardown_view *view, packet_info *pinfo, enum teardown_check_index check)
{
    const struct teardown_annotation *a = &view->annotation;
    const struct teardown_verdict *v = &a->verdict;
    uint32_t own_fin = shown_seq(view, a->own_fin_seq);
    uint32_t peer_fin = shown_ack(view, a->peer_fin_seq);

    switch (check) {
    case TEARDOWN_CHECK_INDEX_ACK_BEYOND_FIN:
        return wmem_strdup_printf(pinfo->pool,
            "ACK %u acknowledges beyond the FIN of frame %u: expected %u (FIN seq %u + 1)",
            shown_ack(view, v->ack), a->peer_fin_frame, peer_fin + 1, peer_fin);
    case TEARDOWN_CHECK_INDEX_ACK_REGRESSED:
        return wmem_strdup_printf(pinfo->pool,
            "Passive closer's FIN acknowledges %u, less than the %u it already acknowledged for the FIN of frame %u",
            shown_ack(view, v->ack), peer_fin + 1, a->peer_fin_frame);
    case TEARDOWN_CHECK_INDEX_SEQ_MISMATCH:
        return wmem_strdup_printf(pinfo->pool,
            "Step 4 has seq %u, expected %u (the FIN of frame %u at seq %u + 1)",
            shown_seq(view, v->seq), own_fin + 1, a->own_fin_frame, own_fin);
    case TEARDOWN_CHECK_INDEX_FIN_SEQ_CHANGED:
        return wmem_strdup_printf(pinfo->pool,
            "FIN at seq %u, but this endpoint's FIN of frame %u was at seq %u",
            shown_seq(view, v->seq + v->len), a->own_fin_frame, own_fin);
    case TEARDOWN_CHECK_INDEX_DATA_AFTER_FIN:
        return wmem_strdup_printf(pinfo->pool,
            "Data up to seq %u after this endpoint's FIN of frame %u at seq %u: expected nothing beyond %u",
            shown_seq(view, v->seq + v->len), a->own_fin_frame, own_fin, own_fin + 1);
    case TEARDOWN_CHECK_INDEX_FIN_WITHOUT_ACK:
        return "FIN without the ACK flag: expected ACK on every segment after the first";
    case TEARDOWN_CHECK_INDEX_FIN_RETRANSMISSION:
        return wmem_strdup_printf(pinfo->pool, "Retransmission of the FIN of frame %u (seq %u)",
            a->original_frame, own_fin);
    case TEARDOWN_CHECK_INDEX_RESET_DURING_TEARDOWN:
        return wmem_strdup_printf(pinfo->pool, "RST during the teardown begun by the FIN of frame %u",
            a->step1_frame);
    case TEARDOWN_CHECK_INDEX_HALF_CLOSE_DATA:
        return wmem_strdup_printf(pinfo->pool,
            "%u bytes from the passive closer after it acknowledged the FIN of frame %u (half-closed connection)",
            v->len, a->peer_fin_frame);
    case TEARDOWN_CHECK_INDEX_RST_TTL_MISMATCH: {
        struct endpoint_words who = endpoint_words(view, pinfo, v->endpoint);

        return wmem_strdup_printf(pinfo->pool,
            "RST claims to come from " ADDRESS_FORMAT ", but its %s %u differs from the %u of that endpoint's "
            "%u earlier segments: probably sent by a device on the path",
            ADDRESS_ARGS(who), hops_word(pinfo), view->rst->hops, view->rst->baseline_hops,
            view->rst->baseline_segments);
    }
    case TEARDOWN_CHECK_INDEX_RST_SENDER_ALIVE: {
        struct endpoint_words who = endpoint_words(view, pinfo, v->endpoint);

        return wmem_strdup_printf(pinfo->pool,
            ADDRESS_FORMAT " keeps sending after the RST of frame %u that claimed to come from it: "
            "that RST was probably not sent by " ADDRESS_FORMAT,
            ADDRESS_ARGS(who), a->rst_frame, ADDRESS_ARGS(who));
    }
    case TEARDOWN_CHECK_INDEX_IDLE_TIMER_CLOSE:
        return wmem_strdup_printf(pinfo->pool, "closed after %.1f s idle: matches an idle timer of %u s",
                                  a->idle_ns / 1e9, a->idle_timer_s);
    case TEARDOWN_CHECK_INDEX_SLOW_CLOSE: {
        struct endpoint_words who = endpoint_words(view, pinfo, v->endpoint);

        return wmem_strdup_printf(pinfo->pool,
            ADDRESS_FORMAT " sent its FIN %.3f s after the FIN of frame %u (CLOSE-WAIT)%s",
            ADDRESS_ARGS(who), a->close_delay_ns / 1e9, a->peer_fin_frame,
            a->half_close_segments == 0 ? "" :
            wmem_strdup_printf(pinfo->pool, " while still sending %u data segment%s (half-close)",
                               a->half_close_segments, a->half_close_segments == 1 ? "" : "s"));
    }
    case TEARDOWN_CHECK_INDEX_CLOSE_WAIT_STUCK:
    case TEARDOWN_CHECK_INDEX_CLOSE_WAIT_SENDING: {
        struct endpoint_words who = endpoint_words(view, pinfo, a->closer ^ 1);
        bool sending = check == TEARDOWN_CHECK_INDEX_CLOSE_WAIT_SENDING;

        return wmem_strdup_printf(pinfo->pool,
            ADDRESS_FORMAT " acknowledged the FIN of frame %u %s: still half-open %.3f s later when the "
            "capture ended (CLOSE-WAIT%s)",
            ADDRESS_ARGS(who), a->step1_frame, sending ? "and was still sending data" : "but never closed",
            a->unfinished_ns / 1e9, sending ? ": a half-close in progress" : "; the peer waits in FIN-WAIT-2");
    }
    case TEARDOWN_CHECK_INDEX_FIN_UNANSWERED:
        return wmem_strdup_printf(pinfo->pool,
            "The FIN of frame %u was never acknowledged (%.3f s until the capture ended)",
            a->step1_frame, a->unfinished_ns / 1e9);
    case TEARDOWN_CHECK_INDEX_REUSE_IN_TIME_WAIT: {
        const struct teardown_reuse *reuse = &view->reuse;
        bool holder_sent = reuse->holder_endpoint == sender_endpoint(pinfo);
        struct endpoint_words holder = packet_endpoint_words(pinfo, holder_sent,
            (enum teardown_side)reuse->time_wait_holder, holder_sent ? pinfo->srcport : pinfo->destport);

        return wmem_strdup_printf(pinfo->pool,
            "Reuses the addresses and ports of stream %u %.3f s after its last segment, while "
            ENDPOINT_FORMAT " (which closed first) should still be in TIME-WAIT (%g s)",
            view->reuse_record->earlier_stream, reuse->gap_ns / 1e9, ENDPOINT_ARGS(holder),
            teardown_current_config()->time_wait_ns / 1e9);
    }
    case TEARDOWN_CHECK_COUNT:
        break;
    }
    return "";
}

/* Why the RST's origin is what it is, in words. */
static const char *
rst_origin_text(const struct teardown_view *view, packet_info *pinfo)
{
    const struct teardown_annotation *a = &view->annotation;
    const struct teardown_rst_verdict *rst = view->rst;
    const char *hops = hops_word(pinfo);

    if (a->alive_frame != 0)
        return wmem_strdup_printf(pinfo->pool, "path: its purported sender kept sending after it (frame %u)",
                                  a->alive_frame);
    if (a->rst_origin == TEARDOWN_RST_ORIGIN_PATH)
        return wmem_strdup_printf(pinfo->pool, "path: %s %u, where its sender's %u earlier segments had %u",
                                  hops, rst->hops, rst->baseline_segments, rst->baseline_hops);
    if (a->rst_origin == TEARDOWN_RST_ORIGIN_ENDPOINT)
        return wmem_strdup_printf(pinfo->pool, "endpoint: %s %u, as on its sender's %u earlier segments",
                                  hops, rst->hops, rst->baseline_segments);
    if (!rst->hops_known)
        return wmem_strdup_printf(pinfo->pool, "unknown: the RST's %s could not be read", hops);
    if (rst->baseline_segments < 2)
        return wmem_strdup_printf(pinfo->pool, "unknown: its sender sent %u segment%s before it, too few to know its usual %s",
                                  rst->baseline_segments, rst->baseline_segments == 1 ? "" : "s", hops);
    return wmem_strdup_printf(pinfo->pool, "unknown: its sender's %u earlier segments came with different %ss",
                              rst->baseline_segments, hops);
}

/* On every RST: its hop signature against its sender's, who probably sent
 * it, and what came just before it. */
static void
add_rst_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_view *view,
              bool wordy)
{
    const struct teardown_annotation *a = &view->annotation;
    const struct teardown_rst_verdict *rst = view->rst;
    const char *origin = teardown_rst_origin_name((enum teardown_rst_origin)a->rst_origin);
    proto_item *item;
    proto_tree *rst_tree;

    if (wordy)
        item = proto_tree_add_string_format_value(tree, hf_rst_origin, tvb, 0, 0, origin, "%s",
                                                  rst_origin_text(view, pinfo));
    else
        item = proto_tree_add_string(tree, hf_rst_origin, tvb, 0, 0, origin);
    proto_item_set_generated(item);
    rst_tree = proto_item_add_subtree(item, ett_rst);
    if (rst->hops_known)
        proto_item_set_generated(proto_tree_add_uint(rst_tree, hf_rst_ttl, tvb, 0, 0, rst->hops));
    if (rst->baseline_known)
        proto_item_set_generated(proto_tree_add_uint(rst_tree, hf_rst_expected_ttl, tvb, 0, 0,
                                                     rst->baseline_hops));
    if (a->alive_frame != 0)
        add_frame_item(rst_tree, hf_rst_alive_frame, tvb, a->alive_frame);
    proto_item_set_generated(proto_tree_add_string(tree, hf_rst_cause, tvb, 0, 0,
        teardown_rst_cause_name((enum teardown_rst_cause)a->rst_cause)));
}

/* The expected values where a check has one, then one expert item per
 * failed check. */
static void
add_expert_items(proto_tree *tree, proto_item *item, tvbuff_t *tvb, packet_info *pinfo,
                 const struct teardown_view *view)
{
    const struct teardown_annotation *a = &view->annotation;
    uint32_t checks = a->checks | view->reuse.checks;

    if (checks & (TEARDOWN_CHECK_ACK_BEYOND_FIN | TEARDOWN_CHECK_ACK_REGRESSED))
        proto_item_set_generated(proto_tree_add_uint(tree, hf_expected_ack, tvb, 0, 0,
            shown_ack(view, a->peer_fin_seq) + 1));
    if (checks & TEARDOWN_CHECK_SEQ_MISMATCH)
        proto_item_set_generated(proto_tree_add_uint(tree, hf_expected_seq, tvb, 0, 0,
            shown_seq(view, a->own_fin_seq) + 1));
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++) {
        if (checks & (1u << check))
            expert_add_info_format(pinfo, item, &ei_check[check], "%s",
                                   check_text(view, pinfo, (enum teardown_check_index)check));
    }
}

/* Nanoseconds as Wireshark's time type (FT_RELATIVE_TIME).  Division
 * truncates, so a negative time has both parts negative, as Wireshark's
 * own time differences do; INT64_MIN is -9223372036 s -854775808 ns. */
static nstime_t
ns_to_nstime(int64_t ns)
{
    nstime_t time;

    nstime_set_zero(&time);
    time.secs = (time_t)(ns / 1000000000);
    time.nsecs = (int)(ns % 1000000000);
    return time;
}

/* A relative time in seconds on every release (4.6 would otherwise pick a
 * unit). */
static void
add_seconds_item(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo, int64_t ns)
{
    nstime_t time = ns_to_nstime(ns);

    proto_item_set_generated(proto_tree_add_time_format_value(tree, hf, tvb, 0, 0, &time, "%s seconds",
                                                              rel_time_to_secs_str(pinfo->pool, &time)));
}

/* Idle time before the close, and how long each side took. */
static void
add_time_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const struct teardown_annotation *a)
{
    if (a->idle_known) {
        add_seconds_item(tree, hf_idle, tvb, pinfo, a->idle_ns);
        if (a->idle_timer_s != 0)
            proto_item_set_generated(proto_tree_add_uint(tree, hf_idle_timer, tvb, 0, 0, a->idle_timer_s));
    }
    if ((a->verdict.steps & TEARDOWN_STEP(2)) && a->step1_frame != 0)
        add_seconds_item(tree, hf_ack_delay, tvb, pinfo, a->ack_delay_ns);
    if (a->close_delay_known)
        add_seconds_item(tree, hf_close_delay, tvb, pinfo, a->close_delay_ns);
    if ((a->verdict.steps & TEARDOWN_STEP(4)) && a->step1_frame != 0)
        add_seconds_item(tree, hf_last_ack_delay, tvb, pinfo, a->last_ack_delay_ns);
    if (a->unfinished_known)
        add_seconds_item(tree, hf_unfinished_for, tvb, pinfo, a->unfinished_ns);
}

/* A frame's verdict: steps, roles, links, times, states, RST, summary.
 * Writes its words for the Info column and the title into summary where
 * someone reads them. */
static void
add_verdict_items(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo,
                  proto_tree *teardown_tree, bool wordy, char summary[TEARDOWN_SUMMARY_SIZE])
{
    const struct teardown_annotation *a = &view->annotation;
    enum teardown_pattern pattern = (enum teardown_pattern)a->verdict.pattern;

    /* A segment with no part in a teardown (an RST after the end, or one
     * showing an RST's sender alive) carries only what is said of it. */
    bool in_teardown = a->verdict.role != TEARDOWN_ROLE_NONE;

    /* After the whole capture was read, every frame shows how it ended. */
    if (pattern == TEARDOWN_PATTERN_NONE && PINFO_FD_VISITED(pinfo) && in_teardown)
        pattern = teardown_connection_final_pattern(view->stream);

    /* Sentences cost more than the analysis: write them only for a reader. */
    if (wordy || (pref_info_column && pinfo->cinfo != NULL))
        teardown_summary(&a->verdict, summary, TEARDOWN_SUMMARY_SIZE);
    if (pref_info_column && pinfo->cinfo != NULL)
        /* In front, as TCP's own analysis tags: the Flow Graph's arrow
         * labels show only the first 20 characters. */
        col_prepend_fstr(pinfo->cinfo, COL_INFO, "[%s] ", summary);

    for (unsigned step = 1; step <= 4; step++) {
        if (a->verdict.steps & TEARDOWN_STEP(step))
            add_step_item(teardown_tree, tvb, pinfo, view, step, wordy);
    }
    if (in_teardown) {
        proto_item_set_generated(proto_tree_add_string(teardown_tree, hf_role, tvb, 0, 0,
            teardown_role_name((enum teardown_role)a->verdict.role)));
        proto_item_set_generated(proto_tree_add_string(teardown_tree, hf_initiator, tvb, 0, 0,
            teardown_side_name((enum teardown_side)a->initiator)));
        if (a->initiator_by_port)
            add_flag_item(teardown_tree, hf_initiator_by_port, tvb);
    }
    if (pattern != TEARDOWN_PATTERN_NONE)
        proto_item_set_generated(proto_tree_add_string(teardown_tree, hf_pattern, tvb, 0, 0,
            teardown_pattern_name(pattern)));
    if (a->fin_frame != 0)
        add_frame_item(teardown_tree, hf_fin_frame, tvb, a->fin_frame);
    if (a->ack_frame != 0)
        add_frame_item(teardown_tree, hf_ack_frame, tvb, a->ack_frame);
    if (a->verdict.retransmission) {
        add_flag_item(teardown_tree, hf_retransmission, tvb);
        add_frame_item(teardown_tree, hf_original_frame, tvb, a->original_frame);
    }
    add_time_items(teardown_tree, tvb, pinfo, a);
    if (a->verdict.steps & TEARDOWN_STEP(4)) {
        nstime_t duration = ns_to_nstime(a->duration_ns);

        /* In seconds on every release: 4.6 would otherwise pick a unit. */
        proto_item_set_generated(proto_tree_add_time_format_value(teardown_tree, hf_duration, tvb, 0, 0,
            &duration, "%s seconds%s", rel_time_to_secs_str(pinfo->pool, &duration),
            a->duration_ns < 0 ? CLOCK_BACKWARDS : ""));
    }
    if (a->verdict.half_close)
        add_flag_item(teardown_tree, hf_half_close, tvb);
    if (in_teardown)
        add_states_item(teardown_tree, tvb, pinfo, view);
    if (view->rst != NULL)
        add_rst_items(teardown_tree, tvb, pinfo, view, wordy);
    if (a->verdict.pattern != TEARDOWN_PATTERN_NONE)
        add_summary_item(teardown_tree, tvb, pinfo, view, wordy);
}

/* A SYN reusing an earlier connection's addresses and ports: which stream,
 * how long after, who should hold TIME-WAIT, and once a pass saw it, how
 * the SYN was answered. */
static void
add_reuse_items(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo,
                proto_tree *teardown_tree)
{
    const struct teardown_reuse *reuse = &view->reuse;
    proto_item *item = proto_tree_add_uint(teardown_tree, hf_reuse_stream, tvb, 0, 0,
                                           view->reuse_record->earlier_stream);
    proto_tree *reuse_tree = proto_item_add_subtree(item, ett_reuse);

    proto_item_set_generated(item);
    add_seconds_item(reuse_tree, hf_reuse_gap, tvb, pinfo, reuse->gap_ns);
    if (reuse->holder_known)
        proto_item_set_generated(proto_tree_add_string(reuse_tree, hf_reuse_holder, tvb, 0, 0,
            teardown_side_name((enum teardown_side)reuse->time_wait_holder)));
    if (reuse->answer_known)
        proto_item_set_generated(proto_tree_add_string(reuse_tree, hf_reuse_answer, tvb, 0, 0,
            teardown_syn_answer_name((enum teardown_syn_answer)reuse->answer)));
}

static void
render_view(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    bool wordy = tree != NULL && PTREE_DATA(tree)->visible;
    char summary[TEARDOWN_SUMMARY_SIZE];
    proto_item *item = proto_tree_add_item(tree, proto_teardown, tvb, 0, 0, ENC_NA);
    proto_tree *teardown_tree = proto_item_add_subtree(item, ett_teardown);

    proto_item_set_generated(item);
    if (view->stream != NULL)
        add_verdict_items(view, tvb, pinfo, teardown_tree, wordy, summary);
    if (view->reuse_record != NULL)
        add_reuse_items(view, tvb, pinfo, teardown_tree);
    add_expert_items(teardown_tree, item, tvb, pinfo, view);
    if (!wordy)
        return;
    if (view->stream != NULL)
        proto_item_append_text(item, ": %s", summary);
    if (view->reuse_record != NULL)
        proto_item_append_text(item, "%s reuses the addresses and ports of stream %u",
                               view->stream != NULL ? ";" : ":", view->reuse_record->earlier_stream);
}

/* A frame annotated with a note instead of a verdict: one line. */
static void
render_note(const struct teardown_record *r, tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const char *brief, *text;

    if (r->note == NOTE_SELF_CONNECTED) {
        struct endpoint_words socket = packet_endpoint_words(pinfo, true, TEARDOWN_SIDE_UNKNOWN, pinfo->srcport);

        brief = "socket connected to itself";
        text = wmem_strdup_printf(pinfo->pool,
            "Socket connected to itself (" ADDRESS_FORMAT " on both ends): one endpoint, so no steps, roles, "
            "client or server", ADDRESS_ARGS(socket));
    } else {
        brief = "FIN not judged";
        text = "FIN not judged: the segment's payload carries another IP header, which took over the "
               "packet's addresses, so its sender is unknown";
    }
    if (pref_info_column && pinfo->cinfo != NULL)
        col_prepend_fstr(pinfo->cinfo, COL_INFO, "[Teardown: %s] ", brief);
    proto_item_set_generated(proto_tree_add_protocol_format(tree, proto_teardown, tvb, 0, 0,
                                                            "TCP Connection Teardown: %s", text));
}

static void
queue_tap(packet_info *pinfo, const struct teardown_view *view)
{
    struct teardown_tap_info *info;
    bool opened = opens_connection(pinfo->num);

    if (view == NULL && !opened)
        return;
    info = wmem_new0(pinfo->pool, struct teardown_tap_info);
    if (view != NULL && view->stream != NULL)
        info->annotation = wmem_memdup(pinfo->pool, &view->annotation, sizeof view->annotation);
    if (view != NULL && view->reuse_record != NULL)
        info->reuse = wmem_memdup(pinfo->pool, &view->reuse, sizeof view->reuse);
    info->stream_opened = opened;
    tap_queue_packet(teardown_tap, pinfo, info);
}

static int
dissect_teardown(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const struct teardown_record *record;
    const struct reuse_record *reuse = NULL;
    struct teardown_view view;
    bool viewed;

    if (!pref_analyze)
        return 0;
    if (PINFO_FD_VISITED(pinfo)) {
        settle_first_pass(pinfo);
        record = find_frame(&teardown_records, sizeof *record, pinfo->num);
    } else {
        if (last_change.frame == pinfo->num)
            take_back_change();
        begin_change(pinfo->num);
        capture_end = pinfo->abs_ts;
        record = analyze_frame(tvb, pinfo, tree);
    }
    if (reuse_records.count > 0)
        reuse = find_frame(&reuse_records, sizeof *reuse, pinfo->num);
    viewed = build_view(record, reuse, pinfo, &view);
    if (have_tap_listener(teardown_tap))
        queue_tap(pinfo, viewed ? &view : NULL);
    if (record != NULL && record->note != NOTE_NONE)
        render_note(record, tvb, pinfo, tree);
    else if (viewed)
        render_view(&view, tvb, pinfo, tree);
    else
        return 0;
    return tvb_captured_length(tvb);
}

/* ---- Registration ------------------------------------------------------ */

static void
init_teardown(void)
{
    list_init(&teardown_connections, sizeof(struct teardown_connection));
    current_connection = wmem_array_sized_new(wmem_file_scope(), sizeof(uint32_t), 1024);
    list_init(&teardown_records, sizeof(struct teardown_record));
    list_init(&connection_first_frames, sizeof(uint32_t));
    list_init(&reuse_records, sizeof(struct reuse_record));
    memset(address_pairs_seen, 0, sizeof address_pairs_seen);
    nstime_set_zero(&capture_end);
    last_change.frame = 0;
    time_base_set = false;
}

/* Whether a preference's text differs from the text last read (*read),
 * which it then becomes. */
static bool
preference_changed(const char *text, char **read)
{
    if (g_strcmp0(text, *read) == 0)
        return false;
    g_free(*read);
    *read = g_strdup(text);
    return true;
}

/* A duration preference (teardown.NAME) into *ns; a text that is not one
 * is refused, in words, and *ns stays as it was. */
static void
read_duration_preference(const char *name, const char *text, char **read, int64_t *ns)
{
    enum teardown_setting_error error;
    int64_t value;

    if (!preference_changed(text, read))
        return;
    error = teardown_read_duration(text != NULL ? text : "", &value);
    if (error == TEARDOWN_SETTING_OK)
        *ns = value;
    else
        report_failure("The preference teardown.%s is refused: \"%s\" is %s. It stays %g s.",
                       name, text != NULL ? text : "", teardown_setting_error_text(error), *ns / 1e9);
}

static void
read_idle_timers_preference(void)
{
    uint32_t timers_s[TEARDOWN_IDLE_TIMERS_MAX];
    enum teardown_setting_error error;
    const char *text = pref_idle_timers != NULL ? pref_idle_timers : "";
    const char *bad;
    size_t count, bad_length;

    if (!preference_changed(text, &idle_timers_read))
        return;
    error = teardown_read_idle_timers(text, timers_s, &count, &bad, &bad_length);
    if (error == TEARDOWN_SETTING_OK) {
        memcpy(idle_timers_s, timers_s, count * sizeof timers_s[0]);
        teardown_config.idle_timer_count = count;
    } else {
        report_failure("The preference teardown.idle_timers is refused: \"%.*s\" is %s. "
                       "The idle timers stay as they were.", (int)bad_length, bad, teardown_setting_error_text(error));
    }
}

const struct teardown_config *
teardown_current_config(void)
{
    read_idle_timers_preference();
    read_duration_preference("slow_close", pref_slow_close, &slow_close_read, &teardown_config.slow_close_ns);
    read_duration_preference("time_wait", pref_time_wait, &time_wait_read, &teardown_config.time_wait_ns);
    return &teardown_config;
}

/* Without the analysis, ask for no TCP fields: none would be primed.  Each
 * wanted field costs every TCP segment about a thousand instructions where
 * no tree would otherwise be built, so ICMP layers are found in
 * pinfo->layers rather than asked for. */
static void
apply_preferences(void)
{
    GArray *wanted;

    teardown_current_config();

    if (!pref_analyze || tcp_field_ids[0] <= 0) {
        set_postdissector_wanted_hfids(teardown_handle, NULL);
        return;
    }
    wanted = g_array_sized_new(FALSE, FALSE, sizeof(int), TCP_FIELD_COUNT);
    g_array_append_vals(wanted, tcp_field_ids, TCP_FIELD_COUNT);
    set_postdissector_wanted_hfids(teardown_handle, wanted);
}

void
proto_register_teardown(void)
{
    static hf_register_info hf[] = {
        { &hf_step, { "Step", "teardown.step", FT_UINT8, BASE_DEC, NULL, 0x0,
          "Step of the TCP connection teardown (1-4); a FIN+ACK segment can carry two", HFILL } },
        { &hf_role, { "Role", "teardown.role", FT_STRING, BASE_NONE, NULL, 0x0,
          "The sender's role: active (sent the first FIN) or passive closer", HFILL } },
        { &hf_initiator, { "Initiator", "teardown.initiator", FT_STRING, BASE_NONE, NULL, 0x0,
          "Which endpoint began the teardown: client, server or unknown", HFILL } },
        { &hf_pattern, { "Pattern", "teardown.pattern", FT_STRING, BASE_NONE, NULL, 0x0,
          "How the connection ended: four-way, three-way, simultaneous, reset, abort, refused, incomplete", HFILL } },
        { &hf_fin_frame, { "FIN in frame", "teardown.fin_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0, "The FIN this segment acknowledges", HFILL } },
        { &hf_ack_frame, { "ACK in frame", "teardown.ack_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0, "The segment that acknowledges this FIN", HFILL } },
        { &hf_retransmission, { "Retransmitted FIN", "teardown.retransmission", FT_NONE, BASE_NONE,
          NULL, 0x0, "This endpoint already sent a FIN with this sequence number", HFILL } },
        { &hf_original_frame, { "Original FIN in frame", "teardown.original_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0x0, "The first transmission of this FIN", HFILL } },
        { &hf_expected_ack, { "Expected ACK", "teardown.expected_ack", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The acknowledgement number the FIN calls for (FIN seq + 1), as the TCP tree numbers it", HFILL } },
        { &hf_expected_seq, { "Expected seq", "teardown.expected_seq", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The sequence number after the sender's own FIN (FIN seq + 1), as the TCP tree numbers it", HFILL } },
        { &hf_duration, { "Teardown duration", "teardown.duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time from the first FIN (step 1) to this final ACK (step 4)", HFILL } },
        { &hf_half_close, { "Half-close data", "teardown.half_close", FT_NONE, BASE_NONE, NULL, 0x0,
          "Data from the passive closer after it acknowledged the first FIN", HFILL } },
        { &hf_initiator_by_port, { "Client and server inferred from ports", "teardown.initiator_by_port",
          FT_NONE, BASE_NONE, NULL, 0x0,
          "No handshake was captured: the endpoint on a port below 1024 is taken as the server", HFILL } },
        { &hf_segments, { "Teardown segments", "teardown.segments", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Segments of the stream from the first FIN to the one that completed or ended the teardown", HFILL } },
        { &hf_states, { "TCP states", "teardown.states", FT_STRING, BASE_NONE, NULL, 0x0,
          "Each endpoint's state (RFC 9293 §3.3.2) once this segment is sent and received, "
          "inferred from what the capture point saw", HFILL } },
        { &hf_state_client, { "Client state", "teardown.state.client", FT_STRING, BASE_NONE, NULL, 0x0,
          "The client's inferred TCP state after this segment", HFILL } },
        { &hf_state_server, { "Server state", "teardown.state.server", FT_STRING, BASE_NONE, NULL, 0x0,
          "The server's inferred TCP state after this segment", HFILL } },
        { &hf_state_sender, { "Sender state", "teardown.state.sender", FT_STRING, BASE_NONE, NULL, 0x0,
          "The inferred TCP state of this segment's sender after sending it", HFILL } },
        { &hf_state_receiver, { "Receiver state", "teardown.state.receiver", FT_STRING, BASE_NONE, NULL, 0x0,
          "The inferred TCP state of this segment's receiver after receiving it", HFILL } },
        { &hf_rst_origin, { "RST origin", "teardown.rst.origin", FT_STRING, BASE_NONE, NULL, 0x0,
          "Who probably sent this RST: endpoint, path (a device on the path forged it) or unknown", HFILL } },
        { &hf_rst_ttl, { "RST TTL", "teardown.rst.ttl", FT_UINT8, BASE_DEC, NULL, 0x0,
          "The RST's IPv4 TTL or IPv6 hop limit", HFILL } },
        { &hf_rst_expected_ttl, { "Sender's usual TTL", "teardown.rst.expected_ttl", FT_UINT8, BASE_DEC, NULL, 0x0,
          "The TTL or hop limit of every earlier segment without RST from the RST's purported sender "
          "(two or more, all alike)", HFILL } },
        { &hf_rst_alive_frame, { "Sender alive in frame", "teardown.rst.alive_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
          "The first segment showing the RST's purported sender still alive after it", HFILL } },
        { &hf_rst_cause, { "RST cause", "teardown.rst.cause", FT_STRING, BASE_NONE, NULL, 0x0,
          "What came just before the RST: refused, abandoned, after-close, keep-alive, retransmissions, "
          "idle or abort", HFILL } },
        { &hf_idle, { "Idle before the close", "teardown.idle", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Step 1, or an RST that ends the stream: time since the stream's previous segment", HFILL } },
        { &hf_idle_timer, { "Idle timer matched", "teardown.idle_timer", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The idle timer (seconds, from the idle_timers preference) that the idle time matches", HFILL } },
        { &hf_ack_delay, { "ACK delay", "teardown.ack_delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Step 2: time since the first FIN", HFILL } },
        { &hf_close_delay, { "Close delay", "teardown.close_delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Step 3: time since the first FIN, how long the passive closer stayed in CLOSE-WAIT as "
          "the capture point saw it", HFILL } },
        { &hf_last_ack_delay, { "Last ACK delay", "teardown.last_ack_delay", FT_RELATIVE_TIME, BASE_NONE,
          NULL, 0x0, "Step 4: time since the passive closer's FIN (step 3)", HFILL } },
        { &hf_unfinished_for, { "Unfinished for", "teardown.unfinished_for", FT_RELATIVE_TIME, BASE_NONE,
          NULL, 0x0, "The last step of a teardown that never completed: time until the capture's last frame "
          "(known once the whole capture was read)", HFILL } },
        { &hf_reuse_stream, { "Reuses the ports of stream", "teardown.reuse.stream", FT_UINT32, BASE_DEC,
          NULL, 0x0, "A SYN opening a connection on the addresses and ports of an earlier connection: "
          "that connection's tcp.stream (this frame's own for a new connection in the same stream)", HFILL } },
        { &hf_reuse_gap, { "Gap", "teardown.reuse.gap", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "Time since the earlier connection's last segment", HFILL } },
        { &hf_reuse_holder, { "TIME-WAIT holder", "teardown.reuse.time_wait_holder", FT_STRING, BASE_NONE,
          NULL, 0x0, "The side of the earlier connection that closed it first and holds TIME-WAIT "
          "(client or server; absent when an RST ended it or it never closed)", HFILL } },
        { &hf_reuse_answer, { "Answer", "teardown.reuse.answer", FT_STRING, BASE_NONE, NULL, 0x0,
          "How the SYN's receiver answered it: accepted (SYN+ACK), challenge-ack (an ACK for the old "
          "connection), reset or none (known once the whole capture was read)", HFILL } },
    };
    static gint *ett[] = { &ett_teardown, &ett_states, &ett_rst, &ett_reuse };
    /* teardown_checks.h cites, for each check, the RFC 9293 rule behind it. */
    static ei_register_info ei[] = {
#define TEARDOWN_EXPERT_ENTRY(id, name, group, severity, summary) \
        { &ei_check[TEARDOWN_CHECK_INDEX_##id], \
          { "teardown." #name, PI_##group, PI_##severity, summary, EXPFILL } },
        TEARDOWN_CHECKS(TEARDOWN_EXPERT_ENTRY)
#undef TEARDOWN_EXPERT_ENTRY
    };
    static const expert_field unregistered = EI_INIT;
    module_t *module;

    proto_teardown = proto_register_protocol("TCP Connection Teardown", "Teardown", "teardown");
    proto_register_field_array(proto_teardown, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    for (int check = 0; check < TEARDOWN_CHECK_COUNT; check++)
        ei_check[check] = unregistered;
    expert_register_field_array(expert_register_protocol(proto_teardown), ei, array_length(ei));

    module = prefs_register_protocol(proto_teardown, apply_preferences);
    prefs_register_bool_preference(module, "analyze", "Analyze TCP connection teardowns",
        "Follow every TCP connection and annotate its FINs, the ACKs that acknowledge them and "
        "the RST that ends it. Off, the plugin reads nothing and costs nothing.",
        &pref_analyze);
    prefs_register_bool_preference(module, "info_column", "Show teardown steps in the Info column",
        "Start the Info column of teardown frames with e.g. \"[1/4, active]\"",
        &pref_info_column);
    prefs_register_string_preference(module, "idle_timers", "Idle timers (seconds)",
        "Common idle timeouts of firewalls, load balancers and servers, in whole seconds, separated by "
        "commas (at most " TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_MAX) "): a connection closed after an idle "
        "time within " TEARDOWN_WORDS(TEARDOWN_IDLE_TOLERANCE_PERCENT) " % (at least "
        TEARDOWN_WORDS(TEARDOWN_IDLE_TOLERANCE_MIN_MS) " ms) of one is marked as probably closed by that "
        "timer. Default: " TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_DEFAULT_S), &pref_idle_timers);
    prefs_register_string_preference(module, "slow_close", "Slow close (seconds)",
        "A passive closer that sends its FIN this many seconds or more after the first FIN "
        "(CLOSE-WAIT) is pointed out, and so is a teardown left unfinished this long before "
        "the capture ended (a number, with a unit if not seconds: 2.5, 500ms, 2 min). Default: "
        TEARDOWN_WORDS(TEARDOWN_SLOW_CLOSE_DEFAULT_S) " s", &pref_slow_close);
    prefs_register_string_preference(module, "time_wait", "TIME-WAIT (seconds)",
        "How long the endpoint that closed first holds TIME-WAIT: a SYN that reuses the addresses "
        "and ports of a connection closed gracefully less than this long before is pointed out "
        "(a number, with a unit if not seconds). Default: " TEARDOWN_WORDS(TEARDOWN_TIME_WAIT_DEFAULT_S)
        " s, Linux's", &pref_time_wait);

    teardown_handle = create_dissector_handle(dissect_teardown, proto_teardown);
    teardown_tap = register_tap("teardown");
    register_init_routine(init_teardown);
}

void
proto_reg_handoff_teardown(void)
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
    register_postdissector(teardown_handle);
    apply_preferences();
}
