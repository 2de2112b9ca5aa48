/* teardown_capture.c: what the capture itself shows besides connections:
 * where it breaks (no time is measured across a break), and which packets
 * it holds twice.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_settings.h"
#include "teardown_state.h"

bool
teardown_capture_breaks(int64_t silence_ns, int64_t longest_silence_ns)
{
    int64_t factor_ns = longest_silence_ns > INT64_MAX / TEARDOWN_BREAK_FACTOR ? INT64_MAX
                                                                               : longest_silence_ns * TEARDOWN_BREAK_FACTOR;

    return silence_ns < 0 || (silence_ns > TEARDOWN_BREAK_MIN_S * INT64_C(1000000000) && silence_ns > factor_ns);
}

bool
teardown_segment_copies(const struct teardown_segment *original, const struct teardown_segment *copy)
{
    int64_t after_ns = teardown_time_since(copy->time_ns, original->time_ns);

    return copy->endpoint == original->endpoint && copy->seq == original->seq && copy->ack == original->ack &&
           copy->flags == original->flags && copy->len == original->len && copy->checksum == original->checksum &&
           copy->ip_id_known == original->ip_id_known && (!copy->ip_id_known || copy->ip_id == original->ip_id) &&
           copy->hops_known == original->hops_known &&
           (!copy->hops_known || copy->hops == original->hops || copy->hops + 1 == original->hops) &&
           after_ns >= 0 && after_ns <= TEARDOWN_COPY_WITHIN_MS * INT64_C(1000000);
}
