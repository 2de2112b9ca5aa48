/* packet-teardown.h: registration of the teardown post-dissector, and what
 * it hands to listeners of its "teardown" tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_TEARDOWN_H
#define PACKET_TEARDOWN_H

#include <stdbool.h>

#include "teardown_state.h"

/* Queued on the tap for every frame that opens a stream or is annotated,
 * on whichever pass taps run, identically on every pass. */
struct teardown_tap_info {
    const struct teardown_annotation *annotation;  /* NULL: not annotated */
    const struct teardown_reuse *reuse;  /* a SYN reusing an earlier
                                            connection's addresses and ports */
    bool stream_opened;                            /* first frame of a connection */
};

/* The settings the analysis judges times by now (idle timers...). */
const struct teardown_config *teardown_current_config(void);

void proto_register_teardown(void);
void proto_reg_handoff_teardown(void);

/* The statistics tree (teardown_stats.c), registered as a tap plugin. */
void register_teardown_stats(void);

#endif /* PACKET_TEARDOWN_H */
