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

#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/to_str.h>
#include <wsutil/wmem/wmem_array.h>
#include <wsutil/str_util.h>

#include "packet-teardown.h"
#include "teardown_state.h"

/* What is kept of one annotated frame for the rest of the file, in 40
 * bytes: the state machine's verdict, and what only Wireshark knows. */
struct teardown_record {
    uint32_t frame;          /* first: records are searched by frame */
    uint32_t connection;     /* index in teardown_connections */
    uint32_t seq_base;       /* raw minus shown sequence number */
    uint32_t ack_base;       /* raw minus shown acknowledgement number */
    struct teardown_verdict verdict;
};

/* Everything needed to draw one frame. */
struct teardown_view {
    struct teardown_annotation annotation;
    const struct teardown_stream *stream;
    uint32_t seq_base;
    uint32_t ack_base;
};

/* TCP fields read on the first pass, by name, from the innermost TCP layer
 * that is not quoted inside an ICMP error. */
enum tcp_field {
    TCP_STREAM,
    TCP_FLAGS,
    TCP_SEQ,
    TCP_SEQ_RAW,
    TCP_ACK_RAW,
    TCP_LEN,
    TCP_URGENT_POINTER,
    TCP_FIELD_COUNT
};

static const char *const tcp_field_names[TCP_FIELD_COUNT] = {
    [TCP_STREAM]  = "tcp.stream",
    [TCP_FLAGS]   = "tcp.flags",
    [TCP_SEQ]     = "tcp.seq",
    [TCP_SEQ_RAW] = "tcp.seq_raw",
    [TCP_ACK_RAW] = "tcp.ack_raw",
    [TCP_LEN]     = "tcp.len",
    [TCP_URGENT_POINTER] = "tcp.urgent_pointer",
};

/* Protocols whose error messages quote a TCP header (RFC 792, RFC 4443),
 * and those that set pinfo's addresses or ports.  The port type is no guide:
 * iWARP's MPA, carried in TCP, changes it and nothing else. */
static const char *const error_proto_names[] = { "icmp", "icmpv6" };
static const char *const readdressing_proto_names[] = { "ip", "ipv6", "udp", "sctp", "dccp" };

static int tcp_field_ids[TCP_FIELD_COUNT];
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

static gint ett_teardown = -1;
static gint ett_states = -1;

/* One expert item per check of teardown_checks.h, by check index. */
static expert_field ei_check[TEARDOWN_CHECK_COUNT];

static teardown_pref_bool pref_analyze = TRUE;
static teardown_pref_bool pref_info_column = TRUE;

/* struct teardown_stream, one per connection in the order they began,
 * emptied with each capture file.  A TCP stream holds several when its ports
 * are used again; current_connection maps tcp.stream, which Wireshark numbers
 * densely from 0, to its latest (index + 1, 0 for none yet). */
static wmem_array_t *teardown_connections;
static wmem_array_t *current_connection;

/* The records of annotated frames, in increasing frame order. */
static wmem_array_t *teardown_records;

/* The frames that opened a connection, in increasing order: the statistics
 * count open connections on every pass, but only the first pass can tell
 * them. */
static wmem_array_t *connection_first_frames;

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

/* The innermost TCP header of the frame, as its tcp.flags item. */
static field_info *
innermost_flags_item(proto_tree *tree)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, tcp_field_ids[TCP_FLAGS]);
    field_info *innermost = NULL;

    for (guint i = 0; items != NULL && i < items->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(items, i);

        if (innermost == NULL || fi->total_layer_num > innermost->total_layer_num)
            innermost = fi;
    }
    return innermost;
}

/* Whether the TCP header at tcp_layer (field_info.total_layer_num, which
 * counts pinfo->layers from 1) is a segment whose sender pinfo's addresses
 * and ports tell: not a header quoted in an ICMP error, and not followed by
 * a header that set them again (in an error message, or carried in the
 * segment's payload).  A TCP header before an error message is followed by
 * the quoted IP header, so only the innermost one can pass. */
static bool
is_judgeable_segment(packet_info *pinfo, int tcp_layer)
{
    int layer = 1;

    for (wmem_list_frame_t *frame = wmem_list_head(pinfo->layers); frame != NULL;
         frame = wmem_list_frame_next(frame), layer++) {
        int proto = GPOINTER_TO_INT(wmem_list_frame_data(frame));

        if (layer < tcp_layer ? proto_in(proto, error_proto_ids, G_N_ELEMENTS(error_proto_ids)) :
            layer > tcp_layer && proto_in(proto, readdressing_proto_ids, G_N_ELEMENTS(readdressing_proto_ids)))
            return false;
    }
    return true;
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

static int64_t
frame_time_ns(const packet_info *pinfo)
{
    return teardown_time_ns(pinfo->abs_ts.secs, pinfo->abs_ts.nsecs);
}

static struct teardown_stream *
connection_at(uint32_t connection)
{
    return (struct teardown_stream *)wmem_array_index(teardown_connections, connection);
}

/* The latest connection of a TCP stream, or NULL before its first segment. */
static struct teardown_stream *
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
static struct teardown_stream *
begin_connection(uint32_t stream_id, uint32_t frame, uint32_t *connection)
{
    struct teardown_stream stream;
    uint32_t none = 0, index_plus_one;

    teardown_stream_init(&stream);
    *connection = wmem_array_get_count(teardown_connections);
    wmem_array_append_one(teardown_connections, stream);
    while (wmem_array_get_count(current_connection) <= stream_id)
        wmem_array_append_one(current_connection, none);
    index_plus_one = *connection + 1;
    memcpy(wmem_array_index(current_connection, stream_id), &index_plus_one, sizeof index_plus_one);
    wmem_array_append_one(connection_first_frames, frame);
    return connection_at(*connection);
}

/* Orders frame numbers, or records by the frame number they start with. */
static int
compare_frames(const void *a, const void *b)
{
    uint32_t frame_a = *(const uint32_t *)a, frame_b = *(const uint32_t *)b;

    return frame_a < frame_b ? -1 : frame_a > frame_b;
}

static const void *
find_frame(wmem_array_t *sorted, size_t element_size, uint32_t frame)
{
    return bsearch(&frame, wmem_array_get_raw(sorted), wmem_array_get_count(sorted),
                   element_size, compare_frames);
}

static bool
opens_connection(uint32_t frame)
{
    return find_frame(connection_first_frames, sizeof(uint32_t), frame) != NULL;
}

/* Fills the segment from the rest of the TCP header at proto_layer, and
 * pinfo's addresses and ports, which is_judgeable_segment() vouched for; false
 * when part of the header was not captured. */
static bool
read_segment(proto_tree *tree, packet_info *pinfo, int proto_layer, uint16_t flags,
             struct teardown_segment *segment)
{
    /* The urgent pointer ends the fixed header, so only its presence
     * proves the header was captured: 4.6 also gives a length to a header
     * cut short after the flags.  A data offset below 5 (bogus) ends TCP's
     * dissection before the flags on every release, so a header with flags
     * and an urgent pointer is at least 20 bytes long. */
    static const enum tcp_field needed[] = {
        TCP_SEQ_RAW, TCP_ACK_RAW, TCP_LEN, TCP_URGENT_POINTER
    };
    uint32_t values[TCP_FIELD_COUNT] = { 0 };
    int order;

    for (size_t i = 0; i < G_N_ELEMENTS(needed); i++) {
        /* Without the ACK flag the acknowledgement number means nothing. */
        if (needed[i] == TCP_ACK_RAW && !(flags & TEARDOWN_TH_ACK))
            continue;
        if (!read_tcp_field(tree, needed[i], proto_layer, &values[needed[i]]))
            return false;
    }
    /* Endpoint 0 is the lower of the two (address, port) pairs, so both
     * directions agree without storing addresses. */
    order = cmp_address(&pinfo->net_src, &pinfo->net_dst);
    if (order == 0)
        order = (int)pinfo->srcport - (int)pinfo->destport;

    segment->frame = pinfo->num;
    segment->endpoint = order <= 0 ? 0 : 1;
    segment->src_port = (uint16_t)pinfo->srcport;
    segment->dst_port = (uint16_t)pinfo->destport;
    segment->flags = flags;
    segment->seq = values[TCP_SEQ_RAW];
    segment->ack = values[TCP_ACK_RAW];
    segment->len = values[TCP_LEN];
    segment->time_ns = frame_time_ns(pinfo);
    return true;
}

/* TCP shows acknowledgement numbers relative to the peer's sequence numbers,
 * so the record of the peer's FIN holds their base.  Acknowledgement numbers
 * are shown only beside the peer's FIN (steps 2 and 4, the ACK checks); before
 * it there is none, and nothing to show. */
static uint32_t
peer_seq_base(const struct teardown_stream *stream, uint8_t endpoint)
{
    uint32_t peer_fin_frame = stream->endpoint[endpoint ^ 1].fin_frame;
    const struct teardown_record *peer_fin = peer_fin_frame == 0 ? NULL :
        find_frame(teardown_records, sizeof *peer_fin, peer_fin_frame);

    return peer_fin != NULL ? peer_fin->seq_base : 0;
}

/* First dissection of a frame: run the state machine, keep its verdict.
 * Most frames leave after reading two fields: their stream is established
 * and not closing, and they carry no FIN, SYN or RST. */
static const struct teardown_record *
analyze_frame(packet_info *pinfo, proto_tree *tree)
{
    field_info *flags_item;
    struct teardown_segment segment;
    struct teardown_verdict verdict;
    struct teardown_stream *stream;
    struct teardown_record record;
    uint32_t stream_id, connection = 0, shown_seq = 0;
    guint count = wmem_array_get_count(teardown_records);
    uint16_t flags;
    int layer;

    if (tree == NULL || (flags_item = innermost_flags_item(tree)) == NULL)
        return NULL;
    flags = (uint16_t)fvalue_get_uinteger(TEARDOWN_FVALUE(flags_item));
    layer = flags_item->proto_layer_num;
    if (!read_tcp_field(tree, TCP_STREAM, layer, &stream_id))
        return NULL;
    stream = current_connection_of(stream_id, &connection);
    if (stream != NULL && teardown_stream_ignores(stream, flags))
        return NULL;
    if (!is_judgeable_segment(pinfo, flags_item->total_layer_num) ||
        !read_segment(tree, pinfo, layer, flags, &segment))
        return NULL;
    /* The state machine takes segments in capture order only. */
    if (count > 0 && ((const struct teardown_record *)
                      wmem_array_index(teardown_records, count - 1))->frame >= segment.frame)
        return NULL;

    if (stream == NULL || teardown_stream_starts_over(stream, flags))
        stream = begin_connection(stream_id, segment.frame, &connection);
    if (!teardown_stream_update(stream, &segment, &verdict))
        return NULL;

    /* The TCP tree's own numbering (relative or raw), for what is shown. */
    read_tcp_field(tree, TCP_SEQ, layer, &shown_seq);
    record = (struct teardown_record) {
        .frame = segment.frame, .connection = connection,
        .seq_base = segment.seq - shown_seq, .ack_base = peer_seq_base(stream, segment.endpoint),
        .verdict = verdict,
    };
    wmem_array_append_one(teardown_records, record);
    return (const struct teardown_record *)wmem_array_index(teardown_records, count);
}

static void
build_view(const struct teardown_record *r, packet_info *pinfo, struct teardown_view *view)
{
    view->stream = connection_at(r->connection);
    teardown_verdict_expand(view->stream, &r->verdict, r->frame, frame_time_ns(pinfo),
                            &view->annotation);
    view->seq_base = r->seq_base;
    view->ack_base = r->ack_base;
}

/* ---- Drawing a record (every pass) ------------------------------------- */

/* Sequence numbers as the frame's TCP tree shows them (relative or raw). */
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

static struct endpoint_words
endpoint_words(const struct teardown_view *view, packet_info *pinfo, uint8_t endpoint)
{
    const address *addr = endpoint == view->annotation.verdict.endpoint ? &pinfo->net_src : &pinfo->net_dst;
    enum teardown_side side = teardown_annotation_side(&view->annotation, endpoint);
    bool ipv6 = addr->type == AT_IPv6;

    return (struct endpoint_words) {
        .side = side == TEARDOWN_SIDE_UNKNOWN ? "endpoint" : teardown_side_name(side),
        .open = ipv6 ? "[" : "", .address = address_to_str(pinfo->pool, addr), .close = ipv6 ? "]" : "",
        .port = view->annotation.port[endpoint],
    };
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
                                          "Summary: %s, begun by " ENDPOINT_FORMAT ", %.6f s from the first FIN, %u segments",
                                          pattern, ENDPOINT_ARGS(who), a->duration_ns / 1e9, a->verdict.segments);
    proto_item_set_generated(item);
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
    case TEARDOWN_CHECK_COUNT:
        break;
    }
    return "";
}

/* The expected values where a check has one, then one expert item per
 * failed check. */
static void
add_expert_items(proto_tree *tree, proto_item *item, tvbuff_t *tvb, packet_info *pinfo,
                 const struct teardown_view *view)
{
    const struct teardown_annotation *a = &view->annotation;
    uint32_t checks = a->verdict.checks;

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

/* Nanoseconds as Wireshark's time type (FT_RELATIVE_TIME). */
static nstime_t
ns_to_nstime(int64_t ns)
{
    nstime_t time;

    nstime_set_zero(&time);
    time.secs = (time_t)(ns / 1000000000);
    time.nsecs = (int)(ns % 1000000000);
    return time;
}

static void
render_record(const struct teardown_view *view, tvbuff_t *tvb, packet_info *pinfo,
              proto_tree *tree)
{
    const struct teardown_annotation *a = &view->annotation;
    enum teardown_pattern pattern = (enum teardown_pattern)a->verdict.pattern;
    char summary[TEARDOWN_SUMMARY_SIZE];
    bool wordy;
    proto_item *item;
    proto_tree *teardown_tree;

    /* After the whole capture was read, every frame shows how it ended. */
    if (pattern == TEARDOWN_PATTERN_NONE && PINFO_FD_VISITED(pinfo))
        pattern = teardown_stream_final_pattern(view->stream);

    /* Sentences cost more than the analysis: write them only for a reader. */
    wordy = tree != NULL && PTREE_DATA(tree)->visible;
    if (wordy || (pref_info_column && pinfo->cinfo != NULL))
        teardown_summary(&a->verdict, summary, sizeof summary);
    if (pref_info_column && pinfo->cinfo != NULL)
        col_append_lstr(pinfo->cinfo, COL_INFO, " [Teardown ", summary, "]", COL_ADD_LSTR_TERMINATOR);

    item = proto_tree_add_item(tree, proto_teardown, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(item);
    teardown_tree = proto_item_add_subtree(item, ett_teardown);

    for (unsigned step = 1; step <= 4; step++) {
        if (a->verdict.steps & TEARDOWN_STEP(step))
            add_step_item(teardown_tree, tvb, pinfo, view, step, wordy);
    }
    proto_item_set_generated(proto_tree_add_string(teardown_tree, hf_role, tvb, 0, 0,
        teardown_role_name((enum teardown_role)a->verdict.role)));
    proto_item_set_generated(proto_tree_add_string(teardown_tree, hf_initiator, tvb, 0, 0,
        teardown_side_name((enum teardown_side)a->initiator)));
    if (a->initiator_by_port)
        add_flag_item(teardown_tree, hf_initiator_by_port, tvb);
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
    if (a->verdict.steps & TEARDOWN_STEP(4)) {
        nstime_t duration = ns_to_nstime(a->duration_ns);

        /* In seconds on every release: 4.6 would otherwise pick a unit. */
        proto_item_set_generated(proto_tree_add_time_format_value(teardown_tree, hf_duration, tvb, 0, 0,
            &duration, "%s seconds", rel_time_to_secs_str(pinfo->pool, &duration)));
    }
    if (a->verdict.half_close)
        add_flag_item(teardown_tree, hf_half_close, tvb);
    add_states_item(teardown_tree, tvb, pinfo, view);
    if (a->verdict.pattern != TEARDOWN_PATTERN_NONE)
        add_summary_item(teardown_tree, tvb, pinfo, view, wordy);
    add_expert_items(teardown_tree, item, tvb, pinfo, view);
    if (wordy)
        proto_item_append_text(item, ": %s", summary);
}

static void
queue_tap(packet_info *pinfo, const struct teardown_view *view)
{
    struct teardown_tap_info *info;
    bool opened = opens_connection(pinfo->num);

    if (view == NULL && !opened)
        return;
    info = wmem_new(pinfo->pool, struct teardown_tap_info);
    info->annotation = view != NULL ? wmem_memdup(pinfo->pool, &view->annotation, sizeof view->annotation) : NULL;
    info->stream_opened = opened;
    tap_queue_packet(teardown_tap, pinfo, info);
}

static int
dissect_teardown(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const struct teardown_record *record;
    struct teardown_view view;

    if (!pref_analyze)
        return 0;
    if (PINFO_FD_VISITED(pinfo))
        record = find_frame(teardown_records, sizeof *record, pinfo->num);
    else
        record = analyze_frame(pinfo, tree);
    if (record != NULL)
        build_view(record, pinfo, &view);
    if (have_tap_listener(teardown_tap))
        queue_tap(pinfo, record != NULL ? &view : NULL);
    if (record == NULL)
        return 0;
    render_record(&view, tvb, pinfo, tree);
    return tvb_captured_length(tvb);
}

/* ---- Registration ------------------------------------------------------ */

static void
init_teardown(void)
{
    teardown_connections = wmem_array_sized_new(wmem_file_scope(), sizeof(struct teardown_stream), 1024);
    current_connection = wmem_array_sized_new(wmem_file_scope(), sizeof(uint32_t), 1024);
    teardown_records = wmem_array_sized_new(wmem_file_scope(), sizeof(struct teardown_record), 1024);
    connection_first_frames = wmem_array_sized_new(wmem_file_scope(), sizeof(uint32_t), 1024);
}

/* Without the analysis, ask for no TCP fields: none would be primed.  Each
 * wanted field costs every TCP segment about a thousand instructions where
 * no tree would otherwise be built, so ICMP layers are found in
 * pinfo->layers rather than asked for. */
static void
apply_wanted_fields(void)
{
    GArray *wanted;

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
    };
    static gint *ett[] = { &ett_teardown, &ett_states };
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

    module = prefs_register_protocol(proto_teardown, apply_wanted_fields);
    prefs_register_bool_preference(module, "analyze", "Analyze TCP connection teardowns",
        "Follow every TCP connection and annotate its FINs, the ACKs that acknowledge them and "
        "the RST that ends it. Off, the plugin reads nothing and costs nothing.",
        &pref_analyze);
    prefs_register_bool_preference(module, "info_column", "Show teardown steps in the Info column",
        "Append e.g. \"[Teardown 1/4, active]\" to the Info column of teardown frames",
        &pref_info_column);

    teardown_handle = create_dissector_handle(dissect_teardown, proto_teardown);
    teardown_tap = register_tap("teardown");
    register_init_routine(init_teardown);
}

void
proto_reg_handoff_teardown(void)
{
    for (int field = 0; field < TCP_FIELD_COUNT; field++)
        tcp_field_ids[field] = proto_registrar_get_id_byname(tcp_field_names[field]);
    for (size_t i = 0; i < G_N_ELEMENTS(error_proto_names); i++)
        error_proto_ids[i] = proto_registrar_get_id_byname(error_proto_names[i]);
    for (size_t i = 0; i < G_N_ELEMENTS(readdressing_proto_names); i++)
        readdressing_proto_ids[i] = proto_registrar_get_id_byname(readdressing_proto_names[i]);
    register_postdissector(teardown_handle);
    apply_wanted_fields();
}
