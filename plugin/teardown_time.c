/* teardown_time.c: capture times in nanoseconds, saturated: pcapng clocks
 * reach far beyond what 64-bit nanoseconds since 1970 hold, and merged or
 * stepped captures go backwards, so nothing here may overflow.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_state.h"

int64_t
teardown_time_ns(int64_t secs, int32_t nsecs)
{
    int64_t ns;

    if (__builtin_mul_overflow(secs, INT64_C(1000000000), &ns))
        return secs > 0 ? INT64_MAX : INT64_MIN;
    if (__builtin_add_overflow(ns, (int64_t)nsecs, &ns))
        return nsecs > 0 ? INT64_MAX : INT64_MIN;
    return ns;
}

int64_t
teardown_time_since(int64_t later_ns, int64_t earlier_ns)
{
    int64_t difference;

    if (__builtin_sub_overflow(later_ns, earlier_ns, &difference))
        return earlier_ns < 0 ? INT64_MAX : INT64_MIN;
    return difference;
}

void
teardown_clock_init(struct teardown_clock *clock)
{
    clock->started = false;
}

int64_t
teardown_clock_ns(struct teardown_clock *clock, int64_t secs, int32_t nsecs)
{
    int64_t since_secs;

    if (!clock->started) {
        clock->base_secs = secs;
        clock->base_nsecs = nsecs;
        clock->started = true;
    }
    if (__builtin_sub_overflow(secs, clock->base_secs, &since_secs))
        return secs > clock->base_secs ? INT64_MAX : INT64_MIN;
    return teardown_time_ns(since_secs, nsecs - clock->base_nsecs);
}
