/* test_teardown_time.c: unit tests of capture times: saturated arithmetic,
 * the clock that counts from the first frame, and the idle timers' bounds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "teardown_settings.h"
#include "teardown_state.h"

#define MS INT64_C(1000000)
#define S INT64_C(1000000000)

/* Seconds and nanoseconds, up to the ends of 64-bit nanoseconds and no
 * further. */
static void
test_time_ns(void)
{
    g_assert_cmpint(teardown_time_ns(0, 0), ==, 0);
    g_assert_cmpint(teardown_time_ns(1700000000, 5), ==, 1700000000 * S + 5);
    g_assert_cmpint(teardown_time_ns(-2, -500000000), ==, -2500 * MS);
    g_assert_cmpint(teardown_time_ns(9223372036, 854775807), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_ns(9223372036, 854775808), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_ns(9223372037, 0), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_ns(INT64_MAX, 0), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_ns(-9223372036, -854775808), ==, INT64_MIN);
    g_assert_cmpint(teardown_time_ns(-9223372037, 0), ==, INT64_MIN);
    g_assert_cmpint(teardown_time_ns(INT64_MIN, 0), ==, INT64_MIN);
}

static void
test_time_since(void)
{
    g_assert_cmpint(teardown_time_since(5 * S, 2 * S), ==, 3 * S);
    g_assert_cmpint(teardown_time_since(2 * S, 5 * S), ==, -3 * S);
    g_assert_cmpint(teardown_time_since(INT64_MAX, 0), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_since(INT64_MAX, -1), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_since(INT64_MIN, 1), ==, INT64_MIN);
    g_assert_cmpint(teardown_time_since(0, INT64_MIN), ==, INT64_MAX);
    g_assert_cmpint(teardown_time_since(INT64_MIN, INT64_MAX), ==, INT64_MIN);
    g_assert_cmpint(teardown_time_since(-1, INT64_MAX), ==, INT64_MIN);
}

/* Times count from the clock's first, so a pcapng clock past the year 2262
 * still gives exact differences. */
static void
test_clock(void)
{
    struct teardown_clock clock;
    int64_t far = INT64_C(1) << 40;   /* seconds: 34,000 years on */

    teardown_clock_init(&clock);
    g_assert_cmpint(teardown_clock_ns(&clock, far, 250000000), ==, 0);
    g_assert_cmpint(teardown_clock_ns(&clock, far + 2, 0), ==, 1750 * MS);
    g_assert_cmpint(teardown_clock_ns(&clock, far - 1, 250000000), ==, -S);
    g_assert_cmpint(teardown_clock_ns(&clock, INT64_MIN, 0), ==, INT64_MIN);
    teardown_clock_init(&clock);
    g_assert_cmpint(teardown_clock_ns(&clock, INT64_MIN, 0), ==, 0);
    g_assert_cmpint(teardown_clock_ns(&clock, INT64_MAX, 0), ==, INT64_MAX);
}

/* Within 1 % of a timer, or 250 ms for timers below 25 s; never below 1 s
 * of idle time. */
static void
test_idle_timer_bounds(void)
{
    static const uint32_t timers_s[] = { 2, 350, 7200 };
    struct teardown_config config = { .idle_timers_s = timers_s, .idle_timer_count = 3 };

    g_assert_cmpuint(teardown_idle_timer(1750 * MS, &config), ==, 2);
    g_assert_cmpuint(teardown_idle_timer(1749 * MS, &config), ==, 0);
    g_assert_cmpuint(teardown_idle_timer(2250 * MS, &config), ==, 2);
    g_assert_cmpuint(teardown_idle_timer(2251 * MS, &config), ==, 0);
    g_assert_cmpuint(teardown_idle_timer(346500 * MS, &config), ==, 350);
    g_assert_cmpuint(teardown_idle_timer(346499 * MS, &config), ==, 0);
    g_assert_cmpuint(teardown_idle_timer(353500 * MS, &config), ==, 350);
    g_assert_cmpuint(teardown_idle_timer(353501 * MS, &config), ==, 0);
    g_assert_cmpuint(teardown_idle_timer(7128 * S, &config), ==, 7200);
    g_assert_cmpuint(teardown_idle_timer(7272 * S + 1, &config), ==, 0);
    g_assert_cmpuint(teardown_idle_timer(-2 * S, &config), ==, 0);
    g_assert_cmpuint(teardown_idle_timer(INT64_MAX, &config), ==, 0);
    /* Below 1 s nothing counts as idle, whatever the timers. */
    static const uint32_t short_timer_s[] = { 1 };
    struct teardown_config short_config = { .idle_timers_s = short_timer_s, .idle_timer_count = 1 };

    g_assert_cmpuint(teardown_idle_timer(S, &short_config), ==, 1);
    g_assert_cmpuint(teardown_idle_timer(S - 1, &short_config), ==, 0);
    g_assert_cmpuint(TEARDOWN_IDLE_TOLERANCE_MIN_MS, ==, 250);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/time/time-ns", test_time_ns);
    g_test_add_func("/time/time-since", test_time_since);
    g_test_add_func("/time/clock", test_clock);
    g_test_add_func("/time/idle-timer-bounds", test_idle_timer_bounds);
    return g_test_run();
}
