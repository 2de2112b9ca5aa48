#!/usr/bin/env bash
# consistency.sh: a capture's annotations do not depend on how often or in
# which order frames are dissected (the specification's "Consistency").
#   - one pass and two passes agree on every frame, except what only a second
#     pass can know: links to later frames (ack_frame), the final pattern
#     on frames other than the one that completes or ends the teardown,
#     what the end of the capture tells (unfinished_for, close_wait_stuck,
#     fin_unanswered, how a reusing SYN was answered), and the step 2 of an
#     ACK beyond the FIN that a later copy of the FIN refused;
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
teardown_cache_lists
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-consistency.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/1" "$work/2" "$work/late"
all_views "$work/1" "$tshark_teardown" "$capture" 1
all_views "$work/2" "$tshark_teardown" "$capture" 2
one=$work/1 two=$work/2
fail() { echo "consistency: $* ($capture)" >&2; exit 1; }

# fields columns: 3 step, 6 pattern, 7 fin_frame, 8 ack_frame; a second
# pass knows the patterns and ACK frames, and that an ACK beyond a FIN was
# refused (then it is no step).
without_late_knowledge() {
    awk -F '\t' -v OFS='\t' 'NR > 1 && $NF ~ /ack_beyond_fin/ { $3 = $7 = "" } { print }' |
        without_capture_end 6 8
}
diff -u <(without_late_knowledge < "$one/fields") <(without_late_knowledge < "$two/fields") ||
    fail "one pass and two passes disagree"
# The second file, the two-pass fields, gives each frame's pattern; the
# first names those that one pass already knew.
changed=$(awk -F '\t' 'FNR == 1 { file++ } FNR > 1 && file == 1 && $6 != "" { known[$1] = $6 }
                       FNR > 1 && file == 2 && ($1 in known) && known[$1] != $6 { print "frame " $1 ": " known[$1] " -> " $6 }' \
          "$one/fields" "$two/fields")
[ -z "$changed" ] || fail "a pattern known in one pass changed in the second: $changed"

# times columns: 2 stream (shown where anything is), 8 unfinished_for, 12 answer.
diff -u <(without_capture_end 2 8 12 < "$one/times") <(without_capture_end 2 8 12 < "$two/times") ||
    fail "one pass and two passes disagree on times or reuse"

# rst columns: 5 origin, 6 alive_frame.  Where the second pass names an
# alive frame, its origin is path and the first pass's origin is its own
# business.
diff -u <(cut -f1-4,7,8 "$one/rst") <(cut -f1-4,7,8 "$two/rst") ||
    fail "one pass and two passes disagree on the RSTs"
unexplained=$(awk -F '\t' 'FNR == 1 { file++ } FNR > 1 && file == 1 { origin[$1] = $5 }
                           FNR > 1 && file == 2 && $5 != ($6 != "" ? "path" : origin[$1]) { print "frame " $1 }' \
              "$one/rst" "$two/rst")
[ -z "$unexplained" ] ||
    fail "an RST's origin differs between one pass and two without a frame showing its sender alive: $unexplained"
unlinked=$(awk -F '\t' 'NR > 1 { if ($6 != "") alive[$6] = $1; if ($8 ~ /rst_sender_alive/) shown[$1] = 1 }
                        END { for (f in alive) if (!(f in shown)) print "frame " alive[f] " names " f }' "$two/rst")
[ -z "$unlinked" ] || fail "an RST's alive_frame names a frame without rst_sender_alive: $unlinked"

frames=$(( $(wc -l < "$two/fields") - 1 ))
half=$(( frames / 2 ))
all_views "$work/late" "$tshark_teardown" "$capture" 2 -Y "frame.number > $half"
for view in fields times rst; do
    diff -u <(awk -F '\t' -v half="$half" 'NR == 1 || $1 > half' "$two/$view") "$work/late/$view" ||
        fail "the $view view of the frames after $half differs when the others are filtered out"
done
diff -u <(without_capture_end < "$one/stats") <(without_capture_end < "$two/stats") ||
    fail "the statistics differ between one and two passes"
echo "consistency: $capture: $frames frames and the statistics agree in one pass, two passes and a filtered second pass"
