/* teardown_settings.c: reading the analysis' settings as a person types them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "teardown_settings.h"

#include <stdbool.h>
#include <string.h>

#define NS_PER_S INT64_C(1000000000)

/* Units a duration may carry, in nanoseconds. */
static const struct unit {
    const char *name;
    int64_t ns;
} units[] = {
    { "ms", NS_PER_S / 1000 }, { "s", NS_PER_S }, { "min", 60 * NS_PER_S }, { "h", 3600 * NS_PER_S },
};

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char
lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The unit text[0..length) names, any case, or NULL. */
static const struct unit *
unit_named(const char *text, size_t length)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t j = 0;

        while (j < length && units[i].name[j] != '\0' && lower(text[j]) == units[i].name[j])
            j++;
        if (j == length && units[i].name[j] == '\0')
            return &units[i];
    }
    return NULL;
}

/* A duration in text[0..length). */
static enum teardown_setting_error
read_duration_span(const char *text, size_t length, int64_t *ns)
{
    size_t at = 0;
    int64_t whole = 0, fraction = 0, fraction_scale = 1;
    bool digits = false;
    const struct unit *unit = &units[1];

    while (length > 0 && is_space(text[length - 1]))
        length--;
    while (at < length && is_space(text[at]))
        at++;
    if (at < length && text[at] == '+')
        at++;
    for (; at < length && is_digit(text[at]); at++, digits = true) {
        if (__builtin_mul_overflow(whole, 10, &whole) || __builtin_add_overflow(whole, text[at] - '0', &whole))
            return TEARDOWN_SETTING_TOO_LONG;
    }
    if (at < length && text[at] == '.') {
        /* Digits past the nanosecond are below what a capture times. */
        for (at++; at < length && is_digit(text[at]); at++, digits = true) {
            if (fraction_scale < NS_PER_S) {
                fraction = fraction * 10 + (text[at] - '0');
                fraction_scale *= 10;
            }
        }
    }
    while (at < length && is_space(text[at]))
        at++;
    if (!digits || (at < length && (unit = unit_named(text + at, length - at)) == NULL))
        return TEARDOWN_SETTING_NOT_SECONDS;
    if (__builtin_mul_overflow(whole, unit->ns, ns) ||
        __builtin_add_overflow(*ns, (int64_t)((double)fraction * (double)unit->ns / (double)fraction_scale + 0.5), ns))
        return TEARDOWN_SETTING_TOO_LONG;
    return TEARDOWN_SETTING_OK;
}

enum teardown_setting_error
teardown_read_duration(const char *text, int64_t *ns)
{
    return read_duration_span(text, strlen(text), ns);
}

static bool
is_separator(char c)
{
    return c == ',' || c == ';' || is_space(c);
}

/* The word at text[*at], past separators: its start, its length in
 * *length, and *at past it; NULL at the end. */
static const char *
next_word(const char *text, size_t *at, size_t *length)
{
    const char *word;

    while (text[*at] != '\0' && is_separator(text[*at]))
        (*at)++;
    if (text[*at] == '\0')
        return NULL;
    word = text + *at;
    while (text[*at] != '\0' && !is_separator(text[*at]))
        (*at)++;
    *length = (size_t)(text + *at - word);
    return word;
}

enum teardown_setting_error
teardown_read_idle_timers(const char *text, uint32_t timers_s[TEARDOWN_IDLE_TIMERS_MAX], size_t *count,
                          const char **bad, size_t *bad_length)
{
    size_t at = 0, length, unit_at, unit_length;
    const char *word;

    *count = 0;
    while ((word = next_word(text, &at, &length)) != NULL) {
        enum teardown_setting_error error;
        const char *unit;
        int64_t ns;

        /* "30 s": a unit alone belongs to the number before it. */
        unit_at = at;
        unit = next_word(text, &unit_at, &unit_length);
        if (unit != NULL && unit_named(unit, unit_length) != NULL) {
            length = (size_t)(unit + unit_length - word);
            at = unit_at;
        }
        error = read_duration_span(word, length, &ns);
        if (error == TEARDOWN_SETTING_OK &&
            (ns % NS_PER_S != 0 || ns < NS_PER_S || ns / NS_PER_S > UINT32_MAX))
            error = TEARDOWN_SETTING_NOT_WHOLE;
        if (error == TEARDOWN_SETTING_OK && *count == TEARDOWN_IDLE_TIMERS_MAX) {
            error = TEARDOWN_SETTING_TOO_MANY;
            word = text;
            length = strlen(text);
        }
        if (error != TEARDOWN_SETTING_OK) {
            *bad = word;
            *bad_length = length;
            return error;
        }
        timers_s[(*count)++] = (uint32_t)(ns / NS_PER_S);
    }
    return TEARDOWN_SETTING_OK;
}

const char *
teardown_setting_error_text(enum teardown_setting_error error)
{
    switch (error) {
    case TEARDOWN_SETTING_NOT_SECONDS:
        return "not a number of seconds (e.g. 2, 2.5, 500ms, 1.5 min)";
    case TEARDOWN_SETTING_TOO_LONG:
        return "longer than the analysis can time (about 292 years)";
    case TEARDOWN_SETTING_NOT_WHOLE:
        return "not a whole number of seconds from 1, as an idle timer must be";
    case TEARDOWN_SETTING_TOO_MANY:
        return "more than " TEARDOWN_WORDS(TEARDOWN_IDLE_TIMERS_MAX) " idle timers";
    default:
        return "accepted";
    }
}
