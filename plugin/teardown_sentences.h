/* teardown_sentences.h: what the tree says of a frame in words: steps,
 * states, summaries, checks, an RST's origin, the unjudged frames.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every sentence is allocated in pinfo->pool, numbers in the numbering of
 * the frame's own TCP tree.
 */
#ifndef TEARDOWN_SENTENCES_H
#define TEARDOWN_SENTENCES_H

#include "teardown_records.h"

/* "Step 1 of 4: active closer (server 10.0.0.132:22) sends FIN, seq 169" */
const char *teardown_step_sentence(const struct teardown_view *view, packet_info *pinfo, unsigned step);

/* "server FIN-WAIT-1 -> FIN-WAIT-2, client CLOSE-WAIT": each endpoint's
 * state once this segment is sent and received, the closer named first. */
const char *teardown_states_sentence(const struct teardown_view *view, packet_info *pinfo);

/* "Summary: four-way, begun by server 10.0.0.132:22, 0.000210 s from the
 * first FIN, 4 segments": on the frame that completes or ends a teardown. */
const char *teardown_summary_sentence(const struct teardown_view *view, packet_info *pinfo);

/* A failed check, naming the frame it relates to and the expected and seen
 * values. */
const char *teardown_check_sentence(const struct teardown_view *view, packet_info *pinfo,
                                    enum teardown_check_index check);

/* Why an RST's origin is what it is. */
const char *teardown_rst_origin_sentence(const struct teardown_view *view, packet_info *pinfo);

/* An unjudged frame's one line, and its *brief words for the Info column;
 * original is the frame a copy copies. */
const char *teardown_unjudged_sentence(enum teardown_unjudged unjudged, uint32_t original, packet_info *pinfo,
                                       const char **brief);

/* "(the capture's clock went backwards)" where a teardown ended before it
 * began: the capture's clock was stepped, or captures were merged. */
#define TEARDOWN_CLOCK_BACKWARDS " (the capture's clock went backwards)"

#endif /* TEARDOWN_SENTENCES_H */
