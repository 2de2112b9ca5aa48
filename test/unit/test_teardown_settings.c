/* test_teardown_settings.c: unit tests of reading the settings as a person
 * types them (teardown_settings.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>

#include "teardown_settings.h"

#define S INT64_C(1000000000)

static void
assert_duration(const char *text, int64_t expected_ns)
{
    int64_t ns = -1;

    g_assert_cmpint(teardown_read_duration(text, &ns), ==, TEARDOWN_SETTING_OK);
    g_assert_cmpint(ns, ==, expected_ns);
}

static void
assert_refused(const char *text, enum teardown_setting_error expected)
{
    int64_t ns = 12345;

    g_assert_cmpint(teardown_read_duration(text, &ns), ==, expected);
}

/* What a person would type: decimals, spaces around, a sign, a unit. */
static void
test_durations_accepted(void)
{
    assert_duration("2", 2 * S);
    assert_duration("2.0", 2 * S);
    assert_duration("+2", 2 * S);
    assert_duration(" 2", 2 * S);
    assert_duration("2 ", 2 * S);
    assert_duration("\t2.5\n", 2 * S + S / 2);
    assert_duration("0", 0);
    assert_duration(".5", S / 2);
    assert_duration("5.", 5 * S);
    assert_duration("2s", 2 * S);
    assert_duration("2 S", 2 * S);
    assert_duration("500ms", S / 2);
    assert_duration("1.5 min", 90 * S);
    assert_duration("1h", 3600 * S);
    assert_duration("0.000000001", 1);
    /* Below the nanosecond, digits are dropped. */
    assert_duration("0.0000000019", 1);
    assert_duration("0.1 ms", 100000);
    /* The longest: INT64_MAX nanoseconds, about 292 years. */
    assert_duration("9223372036.854775807", INT64_MAX);
}

static void
test_durations_refused(void)
{
    const char *not_seconds[] = {
        "", " ", "abc", "-1", "- 1", "inf", "nan", "1e3", "0x10", "2 2", "2,5", "2sec", "2 s s",
        "2m", ".", "+", "++2", "s", "2.5.1",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(not_seconds); i++)
        assert_refused(not_seconds[i], TEARDOWN_SETTING_NOT_SECONDS);
    assert_refused("9223372037", TEARDOWN_SETTING_TOO_LONG);
    assert_refused("2562048 h", TEARDOWN_SETTING_TOO_LONG);
    assert_refused("99999999999999999999999", TEARDOWN_SETTING_TOO_LONG);
}

static void
assert_timers(const char *text, const uint32_t *expected, size_t expected_count)
{
    uint32_t timers_s[TEARDOWN_IDLE_TIMERS_MAX];
    const char *bad = NULL;
    size_t count = 99, bad_length = 0;

    g_assert_cmpint(teardown_read_idle_timers(text, timers_s, &count, &bad, &bad_length), ==,
                    TEARDOWN_SETTING_OK);
    g_assert_cmpuint(count, ==, expected_count);
    for (size_t i = 0; i < count; i++)
        g_assert_cmpuint(timers_s[i], ==, expected[i]);
}

static void
assert_timers_refused(const char *text, enum teardown_setting_error expected, const char *expected_bad)
{
    uint32_t timers_s[TEARDOWN_IDLE_TIMERS_MAX];
    const char *bad = NULL;
    size_t count, bad_length = 0;
    g_autofree char *seen = NULL;

    g_assert_cmpint(teardown_read_idle_timers(text, timers_s, &count, &bad, &bad_length), ==, expected);
    g_assert_nonnull(bad);
    seen = g_strndup(bad, bad_length);
    g_assert_cmpstr(seen, ==, expected_bad);
}

static void
test_idle_timers(void)
{
    static const uint32_t two[] = { 30, 60 }, defaults[] = { TEARDOWN_IDLE_TIMERS_DEFAULT_S };

    assert_timers("30,60", two, 2);
    assert_timers(" 30 ; 60 ", two, 2);
    assert_timers("30 60", two, 2);
    assert_timers("30 s, 1 min", two, 2);
    assert_timers("30s,1min", two, 2);
    assert_timers("+30,60.0", two, 2);
    assert_timers("", two, 0);
    assert_timers(",,", two, 0);
    assert_timers(TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_DEFAULT_S), defaults, G_N_ELEMENTS(defaults));
    assert_timers_refused("30,abc,60", TEARDOWN_SETTING_NOT_SECONDS, "abc");
    assert_timers_refused("30,2.5", TEARDOWN_SETTING_NOT_WHOLE, "2.5");
    assert_timers_refused("0,30", TEARDOWN_SETTING_NOT_WHOLE, "0");
    assert_timers_refused("500ms", TEARDOWN_SETTING_NOT_WHOLE, "500ms");
    assert_timers_refused("4294967296", TEARDOWN_SETTING_NOT_WHOLE, "4294967296");
    assert_timers_refused("30,-1", TEARDOWN_SETTING_NOT_SECONDS, "-1");
}

/* Up to TEARDOWN_IDLE_TIMERS_MAX, and no more: the whole list is refused. */
static void
test_idle_timers_limit(void)
{
    GString *text = g_string_new("");
    uint32_t expected[TEARDOWN_IDLE_TIMERS_MAX];

    for (size_t i = 0; i < TEARDOWN_IDLE_TIMERS_MAX; i++) {
        g_string_append_printf(text, "%s%zu", i == 0 ? "" : ",", i + 1);
        expected[i] = (uint32_t)(i + 1);
    }
    assert_timers(text->str, expected, TEARDOWN_IDLE_TIMERS_MAX);
    g_string_append(text, ",65");
    assert_timers_refused(text->str, TEARDOWN_SETTING_TOO_MANY, text->str);
    g_string_free(text, TRUE);
}

static void
test_error_texts(void)
{
    g_assert_cmpstr(teardown_setting_error_text(TEARDOWN_SETTING_TOO_MANY), ==,
                    "more than " TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_MAX) " idle timers");
    for (int error = TEARDOWN_SETTING_NOT_SECONDS; error <= TEARDOWN_SETTING_TOO_MANY; error++)
        g_assert_cmpstr(teardown_setting_error_text((enum teardown_setting_error)error), !=, "accepted");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/settings/durations-accepted", test_durations_accepted);
    g_test_add_func("/settings/durations-refused", test_durations_refused);
    g_test_add_func("/settings/idle-timers", test_idle_timers);
    g_test_add_func("/settings/idle-timers-limit", test_idle_timers_limit);
    g_test_add_func("/settings/error-texts", test_error_texts);
    return g_test_run();
}
