#!/usr/bin/env bash
# consistency.sh: a capture's annotations do not depend on how often or in
# which order frames are dissected (the specification's "Consistency").
#   - one pass and two passes agree on every frame, except what only a second
#     pass can know: links to later frames (ack_frame), the final pattern
#     on frames other than the one that completes or ends the teardown, and
#     what the end of the capture tells (unfinished_for, close_wait_stuck,
#     fin_unanswered, how a reusing SYN was answered);
#   - the same for what is said of RSTs, except what only a pass that saw the
#     later frame knows: the segment showing an RST's sender alive
#     (alive_frame), and the origin "path" that it gives; every alive_frame
#     names a frame that carries rst_sender_alive;
#   - a second pass that shows only the later half of the frames (as the GUI
#     does when a filter hides the rest) says the same about them as a full one;
#   - the statistics tree counts the same in one pass and in two.
# Three tshark runs: one pass, two passes, and the filtered second pass, each
# asking for every field at once (all_views of test/lib.sh); the first two
# count the statistics too.
# Usage: consistency.sh TSHARK_TEARDOWN CAPTURE
set -euo pipefail
tshark_teardown=$1 capture=$2
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-consistency.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/1" "$work/2" "$work/late"
all_views "$work/1" "$tshark_teardown" "$capture" 1
all_views "$work/2" "$tshark_teardown" "$capture" 2

one=$(cat "$work/1/fields")
two=$(cat "$work/2/fields")

# Columns: 6 pattern, 8 ack_frame.
without_late_knowledge() { awk -F '\t' -v OFS='\t' 'NR > 1 { $6 = ""; $8 = "" } { print }'; }
if ! diff -u <(printf '%s\n' "$one" | without_late_knowledge | without_capture_end) \
             <(printf '%s\n' "$two" | without_late_knowledge | without_capture_end); then
    echo "consistency: one pass and two passes disagree on $capture" >&2
    exit 1
fi
if ! diff -u <(printf '%s\n' "$one" | awk -F '\t' 'NR > 1 && $6 != "" { print $1, $6 }') \
             <(paste <(printf '%s\n' "$one" | cut -f6) <(printf '%s\n' "$two" | cut -f1,6) |
               awk -F '\t' 'NR > 1 && $1 != "" { print $2, $3 }'); then
    echo "consistency: a pattern known in one pass changed in the second ($capture)" >&2
    exit 1
fi

# Columns: 2 stream (shown where anything is), 8 unfinished_for, 12 answer.
times_one=$(cat "$work/1/times")
times_two=$(cat "$work/2/times")
before_the_end() { awk -F '\t' -v OFS='\t' 'NR > 1 { $2 = ""; $8 = ""; $12 = "" } { print }' | without_capture_end; }
if ! diff -u <(printf '%s\n' "$times_one" | before_the_end) <(printf '%s\n' "$times_two" | before_the_end); then
    echo "consistency: one pass and two passes disagree on times or reuse in $capture" >&2
    exit 1
fi

rst_one=$(cat "$work/1/rst")
rst_two=$(cat "$work/2/rst")
# Columns: 5 origin, 6 alive_frame.  Where the second pass names an alive
# frame, its origin is path and the first pass's origin is its own business.
if ! diff -u <(printf '%s\n' "$rst_one" | awk -F '\t' -v OFS='\t' 'NR > 1 { print $1, $2, $3, $4, $7, $8 }') \
             <(printf '%s\n' "$rst_two" | awk -F '\t' -v OFS='\t' 'NR > 1 { print $1, $2, $3, $4, $7, $8 }'); then
    echo "consistency: one pass and two passes disagree on the RSTs of $capture" >&2
    exit 1
fi
if ! diff -u <(paste <(printf '%s\n' "$rst_one" | cut -f5) <(printf '%s\n' "$rst_two" | cut -f1,5,6) |
               awk -F '\t' -v OFS='\t' 'NR > 1 && $4 != "" { print $2, "path" } NR > 1 && $4 == "" { print $2, $1 }') \
             <(printf '%s\n' "$rst_two" | awk -F '\t' -v OFS='\t' 'NR > 1 { print $1, $5 }'); then
    echo "consistency: an RST's origin differs between one pass and two without a frame showing its sender alive ($capture)" >&2
    exit 1
fi
unlinked=$(printf '%s\n' "$rst_two" |
           awk -F '\t' 'NR > 1 { if ($6 != "") alive[$6] = $1; if ($8 ~ /rst_sender_alive/) shown[$1] = 1 }
                        END { for (f in alive) if (!(f in shown)) print "frame " alive[f] " names " f }')
if [ -n "$unlinked" ]; then
    echo "consistency: an RST's alive_frame names a frame without rst_sender_alive ($capture): $unlinked" >&2
    exit 1
fi

frames=$(printf '%s\n' "$two" | tail -n +2 | wc -l)
half=$(( frames / 2 ))
all_views "$work/late" "$tshark_teardown" "$capture" 2 -Y "frame.number > $half"
late=$(cat "$work/late/fields")
if ! diff -u <(printf '%s\n' "$two" | awk -F '\t' -v half="$half" 'NR == 1 || $1 > half') \
             <(printf '%s\n' "$late"); then
    echo "consistency: frames after $half differ when the others are filtered out ($capture)" >&2
    exit 1
fi
late_times=$(cat "$work/late/times")
if ! diff -u <(printf '%s\n' "$times_two" | awk -F '\t' -v half="$half" 'NR == 1 || $1 > half') \
             <(printf '%s\n' "$late_times"); then
    echo "consistency: times or reuse after frame $half differ when the others are filtered out ($capture)" >&2
    exit 1
fi
late_rst=$(cat "$work/late/rst")
if ! diff -u <(printf '%s\n' "$rst_two" | awk -F '\t' -v half="$half" 'NR == 1 || $1 > half') \
             <(printf '%s\n' "$late_rst"); then
    echo "consistency: the RSTs after frame $half differ when the others are filtered out ($capture)" >&2
    exit 1
fi
if ! diff -u <(without_capture_end < "$work/1/stats") <(without_capture_end < "$work/2/stats"); then
    echo "consistency: the statistics differ between one and two passes ($capture)" >&2
    exit 1
fi
echo "consistency: $capture: $frames frames and the statistics agree in one pass, two passes and a filtered second pass"
