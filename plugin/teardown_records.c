/* teardown_records.c: the first pass feeds every frame's segment to its
 * connection and keeps what it is said; every later pass, and the GUI's
 * clicks, draw from that alone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Everything lives in arrays that grow at their end and empty with each
 * capture file: the connections in the order they began, the records of
 * frames said something about, the frames that opened a connection, the
 * SYNs that reused an earlier connection's addresses and ports.  Frames are
 * looked up by binary search, the arrays being in frame order.
 */
#include "teardown_records.h"

#include <epan/column-utils.h>
#include <epan/frame_data.h>
#include <wsutil/wmem/wmem_array.h>
#include <wsutil/wslog.h>

#include "teardown_preferences.h"
#include "teardown_read.h"

_Static_assert(sizeof(struct teardown_record) == 28, "records stay 28 bytes: one per annotated frame");

/* An array that grows at its end, whose last elements the first pass can
 * take back (see struct first_pass_change): its length is count, not the
 * wmem array's, which only grows. */
struct first_pass_array {
    wmem_array_t *array;
    guint count;
};

/* A connection's first frame, in frame order. */
struct connection_start {
    uint32_t frame;          /* first: searched by frame */
    uint32_t connection;
};

/* What the glue keeps of each connection.  What TCP subtracts from each
 * endpoint's sequence numbers to show them relative is the same for every
 * frame of a connection (TCP numbers each direction of its conversation
 * from one base), so kept per connection, set by each frame recorded; so
 * are the connection's place (its tcp.stream, and which of the stream's
 * connections it is) and the checks its frames failed, for its row. */
struct connection_numbering {
    uint32_t seq_base[2];    /* by endpoint */
    uint32_t stream;         /* tcp.stream */
    uint16_t incarnation;    /* 0 for the stream's first connection, ... */
    uint16_t checks;         /* its verdicts' checks, enum teardown_check bits */
};

/* An RST frame's verdict besides its record's. */
struct rst_record {
    uint32_t frame;          /* first: searched by frame */
    struct teardown_rst_verdict rst;
};

/* A frame said something about without a verdict. */
struct unjudged_record {
    uint32_t frame;          /* first: searched by frame */
    uint32_t original;       /* a copy's: the frame it copies */
    uint8_t  unjudged;       /* enum teardown_unjudged */
};

/* Where the capture breaks (teardown_capture_breaks()): the frame after the
 * break, and the time of the frame before it, where the stretch of
 * continuous capture before the break ends. */
struct capture_break {
    uint32_t frame;          /* first: searched by frame */
    nstime_t end_before;
};

/* The latest segments fed, of any connection, for telling copies of them
 * (the same packet captured again at another point): copies come right
 * after their original, a few other frames at most in between. */
#define RECENT_SEGMENTS 16
struct recent_segment {
    uint32_t stream_id;
    struct teardown_segment segment;
};

/* struct teardown_connection, one per connection in the order they began.
 * A TCP stream holds several when its ports are used again;
 * latest_connection maps tcp.stream, which Wireshark numbers densely from
 * 0, to its latest (index + 1, 0 for none yet). */
static struct first_pass_array connections;
static wmem_array_t *latest_connection;

/* struct connection_numbering, by connection index. */
static struct first_pass_array numberings;

/* The records of frames with a verdict, in frame order, and of those among
 * them that are RSTs; the frames said something about without one. */
static struct first_pass_array records;
static struct first_pass_array rst_records;
static struct first_pass_array unjudged_records;

/* Where each connection began: the statistics count open connections on
 * every pass, but only the first pass can tell them. */
static struct first_pass_array connection_starts;

/* struct teardown_reuse_record, in frame order. */
static struct first_pass_array reuse_records;

/* Capture times on one clock, from the first frame analysed. */
static struct teardown_clock capture_clock;

/* struct capture_break, in frame order; the longest silence between two
 * frames before the latest, which the next is measured against. */
static struct first_pass_array capture_breaks;
static int64_t longest_silence_ns;
static bool capture_started;

/* A ring of the latest segments fed. */
static struct recent_segment recent_segments[RECENT_SEGMENTS];
static unsigned recent_next;

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
 * the kept frames are judged as if the dropped ones had never been.  Frames
 * dropped at the very end are taken back once the first pass is over. */
struct first_pass_change {
    uint32_t frame;                 /* 0: nothing to take back */
    nstime_t capture_end;           /* the end of the capture before it */
    guint records, rst_records, unjudged_records, connections, connection_starts, reuses, breaks;
                                    /* lengths before it */
    int64_t longest_silence_ns;     /* the longest silence before it */
    bool capture_started;           /* whether a frame came before it */
    bool stream_touched;            /* then: */
    uint32_t stream_id;             /* its tcp.stream, and */
    uint32_t latest;                /* latest_connection's entry before */
    bool fed;                       /* an existing connection was fed: */
    uint32_t connection;            /* this one, */
    struct teardown_connection before;  /* which was this before, */
    struct connection_numbering numbering_before;   /* and so its numbering */
};
static struct first_pass_change last_change;

static void
array_init(struct first_pass_array *list, size_t element_size)
{
    list->array = wmem_array_sized_new(wmem_file_scope(), element_size, 1024);
    list->count = 0;
}

static void *
array_at(const struct first_pass_array *list, guint index)
{
    return wmem_array_index(list->array, index);
}

/* Appends at the array's end, over what a taken-back frame left there. */
static void *
array_append(struct first_pass_array *list, const void *element, size_t size)
{
    if (list->count < wmem_array_get_count(list->array))
        memcpy(array_at(list, list->count), element, size);
    else
        wmem_array_append(list->array, element, 1);
    return array_at(list, list->count++);
}

/* Orders frame numbers, or elements by the frame number they start with. */
static int
compare_frames(const void *a, const void *b)
{
    uint32_t frame_a = *(const uint32_t *)a, frame_b = *(const uint32_t *)b;

    return frame_a < frame_b ? -1 : frame_a > frame_b;
}

static const void *
find_frame(const struct first_pass_array *sorted, size_t element_size, uint32_t frame)
{
    return bsearch(&frame, wmem_array_get_raw(sorted->array), sorted->count, element_size, compare_frames);
}

void
teardown_records_init(void)
{
    array_init(&connections, sizeof(struct teardown_connection));
    latest_connection = wmem_array_sized_new(wmem_file_scope(), sizeof(uint32_t), 1024);
    array_init(&numberings, sizeof(struct connection_numbering));
    array_init(&records, sizeof(struct teardown_record));
    array_init(&rst_records, sizeof(struct rst_record));
    array_init(&unjudged_records, sizeof(struct unjudged_record));
    array_init(&capture_breaks, sizeof(struct capture_break));
    longest_silence_ns = 0;
    capture_started = false;
    memset(recent_segments, 0, sizeof recent_segments);
    recent_next = 0;
    array_init(&connection_starts, sizeof(struct connection_start));
    array_init(&reuse_records, sizeof(struct teardown_reuse_record));
    memset(address_pairs_seen, 0, sizeof address_pairs_seen);
    nstime_set_zero(&capture_end);
    last_change.frame = 0;
    teardown_clock_init(&capture_clock);
}

const struct teardown_connection *
teardown_connection_at(uint32_t connection)
{
    return (const struct teardown_connection *)array_at(&connections, connection);
}

static struct teardown_connection *
connection_to_feed(uint32_t connection)
{
    return (struct teardown_connection *)array_at(&connections, connection);
}

/* The latest connection of a TCP stream, or NULL before its first segment. */
static struct teardown_connection *
latest_connection_of(uint32_t stream_id, uint32_t *connection)
{
    uint32_t index_plus_one;

    if (stream_id >= wmem_array_get_count(latest_connection))
        return NULL;
    index_plus_one = *(const uint32_t *)wmem_array_index(latest_connection, stream_id);
    if (index_plus_one == 0)
        return NULL;
    *connection = index_plus_one - 1;
    return connection_to_feed(*connection);
}

/* The stream's latest connection becomes this one. */
static void
set_latest_connection(uint32_t stream_id, uint32_t index)
{
    uint32_t none = 0, index_plus_one = index + 1;

    while (wmem_array_get_count(latest_connection) <= stream_id)
        wmem_array_append_one(latest_connection, none);
    memcpy(wmem_array_index(latest_connection, stream_id), &index_plus_one, sizeof index_plus_one);
}

/* A new connection for the stream, beginning at this frame. */
static struct teardown_connection *
begin_connection(uint32_t stream_id, uint32_t frame, uint32_t *connection)
{
    struct teardown_connection fresh;
    struct connection_numbering numbering = { .stream = stream_id };
    struct connection_start start = { .frame = frame, .connection = connections.count };
    uint32_t previous;

    if (latest_connection_of(stream_id, &previous) != NULL) {
        const struct connection_numbering *before = array_at(&numberings, previous);

        numbering.incarnation = before->incarnation < UINT16_MAX ? (uint16_t)(before->incarnation + 1) : UINT16_MAX;
    }

    teardown_connection_init(&fresh);
    *connection = connections.count;
    array_append(&connections, &fresh, sizeof fresh);
    array_append(&numberings, &numbering, sizeof numbering);
    set_latest_connection(stream_id, *connection);
    array_append(&connection_starts, &start, sizeof start);
    return connection_to_feed(*connection);
}

bool
teardown_opened_connection(uint32_t frame, uint32_t *connection)
{
    const struct connection_start *start = find_frame(&connection_starts, sizeof *start, frame);

    if (start != NULL)
        *connection = start->connection;
    return start != NULL;
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

/* The connection of another TCP stream whose addresses and ports a SYN
 * opening a new stream reuses, and that stream: the latest connection of
 * the stream TCP kept for them before, when its ports are the segment's. */
static bool
earlier_connection_elsewhere(packet_info *pinfo, uint32_t stream_id, struct teardown_reuse_record *reuse)
{
    const struct teardown_connection *earlier;

    if (!address_pair_seen(pinfo) || !teardown_read_earlier_stream(pinfo, stream_id, &reuse->earlier_stream) ||
        (earlier = latest_connection_of(reuse->earlier_stream, &reuse->earlier)) == NULL)
        return false;
    return teardown_connection_has_ports(earlier, teardown_read_sender(pinfo), (uint16_t)pinfo->srcport,
                                         (uint16_t)pinfo->destport);
}

/* The first pass is about to judge this frame: remember how to take back
 * what it changes. */
static void
begin_change(uint32_t frame)
{
    last_change.frame = frame;
    last_change.capture_end = capture_end;
    last_change.records = records.count;
    last_change.rst_records = rst_records.count;
    last_change.unjudged_records = unjudged_records.count;
    last_change.connections = connections.count;
    last_change.connection_starts = connection_starts.count;
    last_change.reuses = reuse_records.count;
    last_change.breaks = capture_breaks.count;
    last_change.longest_silence_ns = longest_silence_ns;
    last_change.capture_started = capture_started;
    last_change.stream_touched = false;
    last_change.fed = false;
}

static void
take_back_change(void)
{
    records.count = last_change.records;
    rst_records.count = last_change.rst_records;
    unjudged_records.count = last_change.unjudged_records;
    connections.count = last_change.connections;
    numberings.count = last_change.connections;
    connection_starts.count = last_change.connection_starts;
    reuse_records.count = last_change.reuses;
    capture_breaks.count = last_change.breaks;
    longest_silence_ns = last_change.longest_silence_ns;
    capture_started = last_change.capture_started;
    capture_end = last_change.capture_end;
    if (last_change.stream_touched)
        memcpy(wmem_array_index(latest_connection, last_change.stream_id), &last_change.latest,
               sizeof last_change.latest);
    if (last_change.fed) {
        *connection_to_feed(last_change.connection) = last_change.before;
        *(struct connection_numbering *)array_at(&numberings, last_change.connection) = last_change.numbering_before;
    }
    last_change.frame = 0;
}

/* Whether frame number `frame`, read by the first pass at frame_time, is
 * in the capture as kept: a read filter may have dropped it.  Wireshark
 * looks frames up by number for one thing only, the time since a reference
 * frame (epan_get_frame_ts(), which frame_data_compare() calls, is not
 * exported).  So two frames alike but for their reference frame, `frame`
 * for one and a number no capture reaches for the other, are compared by
 * the time since it: the same exactly when no frame has `frame`'s number,
 * both references then unknown alike.  Their time is one second after
 * `frame`'s, so that the times differ where it exists; their own number is
 * another (Wireshark 4.6 takes a frame that is its own reference to be 0 s
 * from it), so ties go to equal frame numbers.  Wireshark warns of every
 * frame it cannot find; not knowing this one is the answer, not news. */
static bool
frame_in_capture(const packet_info *pinfo, uint32_t frame, const nstime_t *frame_time)
{
    const uint32_t never = UINT32_MAX;
    frame_data from_frame = { .num = frame + 1, .frame_ref_num = frame, .has_ts = 1, .abs_ts = *frame_time };
    frame_data from_never = from_frame;
    enum ws_log_level level = ws_log_get_level();
    int order;

    if (frame >= never - 1)
        return true;
    from_frame.abs_ts.secs += 1;
    from_never.abs_ts = from_frame.abs_ts;
    from_never.frame_ref_num = never;
    ws_log_set_level(LOG_LEVEL_CRITICAL);
    order = frame_data_compare(pinfo->epan, &from_frame, &from_never, COL_REL_TIME);
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

/* A frame that is said something about without a verdict. */
static void
add_unjudged(uint32_t frame, enum teardown_unjudged unjudged, uint32_t original)
{
    struct unjudged_record record = { .frame = frame, .original = original, .unjudged = (uint8_t)unjudged };

    array_append(&unjudged_records, &record, sizeof record);
}

enum teardown_unjudged
teardown_unjudged_frame(uint32_t frame, uint32_t *original)
{
    const struct unjudged_record *record = unjudged_records.count == 0 ? NULL :
        find_frame(&unjudged_records, sizeof *record, frame);

    if (record == NULL)
        return TEARDOWN_JUDGED;
    *original = record->original;
    return (enum teardown_unjudged)record->unjudged;
}

/* The frame's stretch of continuous capture: how many breaks came before
 * or at it. */
static uint32_t
stretch_of(uint32_t frame)
{
    guint low = 0, high = capture_breaks.count;

    while (low < high) {
        guint middle = low + (high - low) / 2;

        if (((const struct capture_break *)array_at(&capture_breaks, middle))->frame <= frame)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

/* The time of the last frame of a stretch. */
static const nstime_t *
stretch_end(uint32_t stretch)
{
    if (stretch < capture_breaks.count)
        return &((const struct capture_break *)array_at(&capture_breaks, stretch))->end_before;
    return &capture_end;
}

/* First pass: whether the capture breaks before this frame. */
static void
note_capture_time(const packet_info *pinfo)
{
    int64_t silence_ns;
    struct capture_break capture_break = { .frame = pinfo->num, .end_before = capture_end };

    if (!capture_started) {
        capture_started = true;
        return;
    }
    silence_ns = teardown_time_since(teardown_clock_ns(&capture_clock, pinfo->abs_ts.secs, pinfo->abs_ts.nsecs),
                                     teardown_clock_ns(&capture_clock, capture_end.secs, capture_end.nsecs));
    if (teardown_capture_breaks(silence_ns, longest_silence_ns))
        array_append(&capture_breaks, &capture_break, sizeof capture_break);
    else if (silence_ns > longest_silence_ns)
        longest_silence_ns = silence_ns;
}

/* The earlier segment of this stream that the segment is a copy of, if
 * any: its frame. */
static uint32_t
copied_frame(uint32_t stream_id, const struct teardown_segment *segment)
{
    for (unsigned i = 0; i < RECENT_SEGMENTS; i++) {
        const struct recent_segment *recent = &recent_segments[i];

        /* A frame taken back by a read filter left its entry behind. */
        if (recent->segment.frame != 0 && recent->segment.frame < segment->frame &&
            recent->stream_id == stream_id && teardown_segment_copies(&recent->segment, segment))
            return recent->segment.frame;
    }
    return 0;
}

static void
remember_segment(uint32_t stream_id, const struct teardown_segment *segment)
{
    recent_segments[recent_next].stream_id = stream_id;
    recent_segments[recent_next].segment = *segment;
    recent_next = (recent_next + 1) % RECENT_SEGMENTS;
}

/* The first pass is about to feed an existing connection: remember it as
 * it was. */
static struct teardown_connection *
feed_existing(uint32_t index)
{
    last_change.fed = true;
    last_change.connection = index;
    last_change.before = *connection_to_feed(index);
    last_change.numbering_before = *(const struct connection_numbering *)array_at(&numberings, index);
    return connection_to_feed(index);
}

/* The connection the segment belongs to, begun here when it is a stream's
 * first or starts over (and then, where it reuses an earlier connection's
 * addresses and ports, a reuse record); the first pass's change noted.  A
 * SYN that retries a refused or abandoned attempt of another stream (as
 * Wireshark 4.4 and later number a retried SYN) goes on with that attempt. */
static struct teardown_connection *
connection_of_segment(packet_info *pinfo, uint32_t stream_id, const struct teardown_segment *segment,
                      uint32_t *index)
{
    struct teardown_connection *connection = latest_connection_of(stream_id, index);
    struct teardown_reuse_record reuse = {
        .frame = pinfo->num, .earlier_stream = stream_id, .earlier = *index, .time_ns = segment->time_ns,
    };
    bool reused;

    last_change.stream_touched = true;
    last_change.stream_id = stream_id;
    last_change.latest = connection == NULL ? 0 : *index + 1;
    if (connection != NULL && !teardown_connection_starts_over(connection, segment))
        return feed_existing(*index);
    switch (teardown_reuse_source(connection, segment->flags)) {
    case TEARDOWN_REUSES_PREVIOUS:  reused = true; break;
    case TEARDOWN_REUSES_ELSEWHERE: reused = earlier_connection_elsewhere(pinfo, stream_id, &reuse); break;
    default:                        reused = false; break;
    }
    if (reused && connection == NULL && teardown_connection_retried(teardown_connection_at(reuse.earlier), segment)) {
        *index = reuse.earlier;
        set_latest_connection(stream_id, reuse.earlier);
        return feed_existing(reuse.earlier);
    }
    connection = begin_connection(stream_id, pinfo->num, index);
    note_address_pair(pinfo);
    reuse.connection = *index;
    if (reused)
        array_append(&reuse_records, &reuse, sizeof reuse);
    return connection;
}

/* First dissection of a frame: run the state machine, keep its verdict.
 * Most frames leave after reading two fields: their connection is
 * established and not closing, and they carry no FIN, SYN or RST. */
static const struct teardown_record *
analyze_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    struct teardown_tcp_header header;
    struct teardown_segment segment;
    struct teardown_connection *connection;
    struct teardown_record record = { .frame = pinfo->num };
    struct rst_record rst;
    struct connection_numbering *numbering;
    uint32_t index = 0, original;
    bool encapsulated;

    if (!teardown_read_header(tree, &header))
        return NULL;
    connection = latest_connection_of(header.stream_id, &index);
    if (connection != NULL && teardown_connection_ignores(connection, header.flags))
        return NULL;
    switch (teardown_read_kind(pinfo, &header, &encapsulated)) {
    case TEARDOWN_TCP_QUOTED:
        return NULL;
    case TEARDOWN_TCP_READDRESSED:
        if (header.flags & TEARDOWN_TH_FIN)
            add_unjudged(pinfo->num, TEARDOWN_UNJUDGED_READDRESSED_FIN, 0);
        return NULL;
    case TEARDOWN_TCP_JUDGEABLE:
        break;
    }
    /* TCP's conversation, looked up only where an embedded copy could be
     * judged with the carrier's addresses: the lookup costs every segment
     * about a thousand instructions. */
    if (!teardown_read_segment(tree, tvb, pinfo, &header, &capture_clock, capture_breaks.count, &segment) ||
        (encapsulated && !teardown_read_in_conversation(pinfo, header.stream_id)))
        return NULL;
    /* The same packet captured again is no new segment; said to be a copy
     * where its original was said something about. */
    if ((original = copied_frame(header.stream_id, &segment)) != 0) {
        if (find_frame(&records, sizeof record, original) != NULL ||
            (reuse_records.count > 0 && find_frame(&reuse_records, sizeof(struct teardown_reuse_record), original)))
            add_unjudged(pinfo->num, TEARDOWN_UNJUDGED_COPY, original);
        return NULL;
    }
    remember_segment(header.stream_id, &segment);
    /* One socket connected to itself: a single endpoint, nothing to judge. */
    if (addresses_equal(&pinfo->net_src, &pinfo->net_dst) && pinfo->srcport == pinfo->destport) {
        if (header.flags & (TEARDOWN_TH_FIN | TEARDOWN_TH_RST))
            add_unjudged(pinfo->num, TEARDOWN_UNJUDGED_SELF_CONNECTED, 0);
        return NULL;
    }
    /* The state machine takes segments in capture order only. */
    if (records.count > 0 && ((const struct teardown_record *)array_at(&records, records.count - 1))->frame >= pinfo->num)
        return NULL;

    connection = connection_of_segment(pinfo, header.stream_id, &segment, &index);
    if (!teardown_connection_update(connection, &segment, &record.verdict, &rst.rst))
        return NULL;
    record.connection = index;
    numbering = (struct connection_numbering *)array_at(&numberings, index);
    numbering->seq_base[segment.endpoint] = teardown_read_seq_base(pinfo, tree, &header, segment.seq);
    numbering->checks |= (uint16_t)record.verdict.checks;
    if (record.verdict.rst) {
        rst.frame = pinfo->num;
        array_append(&rst_records, &rst, sizeof rst);
    }
    return (const struct teardown_record *)array_append(&records, &record, sizeof record);
}

const struct teardown_record *
teardown_record_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    if (PINFO_FD_VISITED(pinfo)) {
        settle_first_pass(pinfo);
        return find_frame(&records, sizeof(struct teardown_record), pinfo->num);
    }
    if (last_change.frame == pinfo->num)
        take_back_change();
    begin_change(pinfo->num);
    note_capture_time(pinfo);
    capture_end = pinfo->abs_ts;
    return analyze_frame(tvb, pinfo, tree);
}

/* The settings, and what the frame knows of the capture: whether its end
 * is known (once every frame was read), the frame's stretch of continuous
 * capture and where that ends.  Returns the frame's time. */
static int64_t
frame_config(const packet_info *pinfo, struct teardown_config *config)
{
    *config = *teardown_current_config();
    config->capture_end_known = PINFO_FD_VISITED(pinfo);
    config->stretch = stretch_of(pinfo->num);
    config->stretch_end_ns = teardown_clock_ns(&capture_clock, stretch_end(config->stretch)->secs,
                                               stretch_end(config->stretch)->nsecs);
    return teardown_clock_ns(&capture_clock, pinfo->abs_ts.secs, pinfo->abs_ts.nsecs);
}

bool
teardown_view_frame(const struct teardown_record *record, packet_info *pinfo, struct teardown_view *view)
{
    const struct teardown_reuse_record *reuse =
        reuse_records.count > 0 ? find_frame(&reuse_records, sizeof *reuse, pinfo->num) : NULL;
    bool judged = record != NULL;
    int64_t time_ns;

    if (!judged && reuse == NULL)
        return false;
    memset(view, 0, sizeof *view);
    time_ns = frame_config(pinfo, &view->config);
    view->connection_index = judged ? record->connection : reuse->connection;
    view->connection = teardown_connection_at(view->connection_index);
    if (judged) {
        const struct connection_numbering *numbering = array_at(&numberings, record->connection);
        const struct rst_record *rst = record->verdict.rst ? find_frame(&rst_records, sizeof *rst, record->frame) : NULL;

        view->has_verdict = true;
        view->rst = rst != NULL ? &rst->rst : NULL;
        teardown_verdict_expand(view->connection, &record->verdict, view->rst, record->frame, time_ns,
                                &view->config, &view->annotation);
        if (teardown_read_tcp_shows_relative()) {
            view->seq_base = numbering->seq_base[view->annotation.verdict.endpoint];
            view->ack_base = numbering->seq_base[view->annotation.receiver];
        }
    }
    if (reuse != NULL) {
        view->reuse_record = reuse;
        teardown_reuse_judge(teardown_connection_at(reuse->earlier), teardown_connection_at(reuse->connection),
                             time_ns, &view->config, &view->reuse);
    }
    return true;
}

/* Connections and their first frames are kept in the same order. */
static uint32_t
first_frame_of(uint32_t connection)
{
    return ((const struct connection_start *)array_at(&connection_starts, connection))->frame;
}

void
teardown_conn_view_frame(uint32_t connection, packet_info *pinfo, bool capture_end_known,
                         struct teardown_conn_view *view)
{
    const struct connection_numbering *numbering = array_at(&numberings, connection);
    const struct teardown_connection *core = teardown_connection_at(connection);
    const struct teardown_reuse_record *reuse;
    struct teardown_config config;
    int64_t time_ns = frame_config(pinfo, &config);

    config.capture_end_known = capture_end_known;
    memset(view, 0, sizeof *view);
    view->connection_index = connection;
    view->stream = numbering->stream;
    view->incarnation = numbering->incarnation;
    view->first_frame = first_frame_of(connection);
    teardown_connection_describe(core, pinfo->num, time_ns, &config, &view->conn);
    /* Never closed: after a whole pass, its first frame stands for it. */
    if (view->conn.end_frame == 0 && capture_end_known) {
        view->conn.end_frame = view->first_frame;
        view->conn.at_end = view->first_frame == pinfo->num;
    }
    view->checks = numbering->checks | view->conn.checks;
    reuse = reuse_records.count > 0 ? find_frame(&reuse_records, sizeof *reuse, view->first_frame) : NULL;
    if (reuse != NULL && reuse->connection == connection) {
        view->reused = true;
        teardown_reuse_judge(teardown_connection_at(reuse->earlier), core, reuse->time_ns, &config, &view->reuse);
        view->checks |= view->reuse.checks;
    }
}

bool
teardown_conn_ends_at(const struct teardown_view *view, packet_info *pinfo, uint32_t *connection)
{
    struct teardown_config config;
    uint32_t end;

    if (view != NULL) {
        *connection = view->connection_index;
        config = view->config;
    } else if (!PINFO_FD_VISITED(pinfo) || !teardown_opened_connection(pinfo->num, connection)) {
        return false;
    } else {
        frame_config(pinfo, &config);
    }
    end = teardown_connection_end_frame(teardown_connection_at(*connection), &config);
    if (end != 0)
        return end == pinfo->num;
    /* Never closed: after a whole pass, its first frame stands for it. */
    return config.capture_end_known && first_frame_of(*connection) == pinfo->num;
}
