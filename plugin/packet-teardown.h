/* packet-teardown.h: registration of the teardown post-dissector, and what
 * it hands to listeners of its "teardown" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_TEARDOWN_H
#define PACKET_TEARDOWN_H

#include <stdbool.h>

#include "teardown_compat.h"
#include "teardown_state.h"

/* Queued on the tap for every frame that opens a connection or is said
 * something about, on whichever pass taps run: what the tree shows of the
 * frame, and what the core says of its connection as a whole at it. */
struct teardown_tap_info {
    uint32_t connection;                          /* the connection's index:
                                                     one per connection, the
                                                     same on every pass */
    bool opens_connection;                        /* its first frame */
    bool capture_end_known;                       /* the frame was dissected
                                                     once the whole capture
                                                     was read */
    const struct teardown_summary *summary;       /* the connection, as known
                                                     at this frame */
    const struct teardown_annotation *annotation; /* NULL: no verdict */
    const struct teardown_reuse *reuse;           /* a SYN reusing an earlier
                                                     connection's addresses
                                                     and ports, else NULL */
};

void proto_register_teardown(void);
void proto_reg_handoff_teardown(void);

/* A time as an FT_RELATIVE_TIME item in seconds, words after it. */
void teardown_add_seconds_item(proto_tree *tree, int hf, tvbuff_t *tvb, packet_info *pinfo, int64_t ns,
                               const char *after);

/* The connection table (teardown_conns.c): the GUI's dialog and tshark's
 * -z teardown,conns; at protocol registration, before tshark and the GUI
 * register table statistics. */
void register_teardown_conns(void);

/* The statistics tree (teardown_stats.c), registered as a tap plugin. */
void register_teardown_stats(void);

#endif /* PACKET_TEARDOWN_H */
