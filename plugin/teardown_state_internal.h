/* teardown_state_internal.h: what the core's files share and nobody else
 * needs: sequence arithmetic, and an endpoint's side and role.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TEARDOWN_STATE_INTERNAL_H
#define TEARDOWN_STATE_INTERNAL_H

#include "teardown_state.h"

/* a - b as a signed 32-bit distance: sequence space wraps (RFC 9293 §3.4). */
static inline int64_t
seq_distance(uint32_t a, uint32_t b)
{
    int64_t distance = (uint32_t)(a - b);

    return distance >= INT64_C(0x80000000) ? distance - INT64_C(0x100000000) : distance;
}

static inline enum teardown_side
side_of(const struct teardown_connection *connection, uint8_t endpoint)
{
    if (connection->client == TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_SIDE_UNKNOWN;
    return endpoint == connection->client ? TEARDOWN_SIDE_CLIENT : TEARDOWN_SIDE_SERVER;
}

static inline enum teardown_role
role_of(const struct teardown_connection *connection, uint8_t endpoint)
{
    if (connection->active == TEARDOWN_NO_ENDPOINT)
        return TEARDOWN_ROLE_NONE;
    return endpoint == connection->active || connection->simultaneous ?
           TEARDOWN_ROLE_ACTIVE : TEARDOWN_ROLE_PASSIVE;
}

/* The frame that decided how the connection ended: the one after which both
 * FINs were acknowledged, or the first RST, which ended it; 0 while open. */
uint32_t teardown_pattern_frame(const struct teardown_connection *connection);

/* What the end of the capture tells of a teardown never completed, on its
 * last step frame (frame, at time_ns): its unfinished time and checks. */
void teardown_expand_unfinished(const struct teardown_connection *connection, uint32_t frame, int64_t time_ns,
                                const struct teardown_config *config, struct teardown_annotation *out);

#endif /* TEARDOWN_STATE_INTERNAL_H */
