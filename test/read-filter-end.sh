#!/usr/bin/env bash
# read-filter-end.sh: a read filter that drops a capture's last frames
# (tshark -2 -R 'frame.number <= K') leaves the frames it keeps judged as if
# the dropped ones had never been: as a copy of the capture cut after frame K
# (editcap) is judged, in every view, the end of the capture included.  Each
# K is tried on the whole capture, and on the capture cut after frame K + 1,
# where the one frame dropped is the last (a reusing SYN's answer, say).
# The first pass dissects each dropped frame under the number of the next one
# kept; the frames dropped at the end have no next one, and so must be taken
# back once the first pass is over.
# Usage: read-filter-end.sh TSHARK_TEARDOWN CAPTURE K...
set -euo pipefail
tshark_teardown=$1 capture=$2
shift 2
. "$(dirname "$0")/lib.sh"

cut=$(mktemp -d "${TMPDIR:-/tmp}/teardown-cut.XXXXXX")
trap 'rm -rf "$cut"' EXIT
for k in "$@"; do
    editcap -r "$capture" "$cut/first-$k.pcapng" "1-$k"
    editcap -r "$capture" "$cut/first-$((k + 1)).pcapng" "1-$((k + 1))"
    for view in fields_view times_view rst_view; do
        expected=$("$view" "$tshark_teardown" "$cut/first-$k.pcapng" 2)
        for filtered in "$capture" "$cut/first-$((k + 1)).pcapng"; do
            if ! diff -u <(printf '%s\n' "$expected") \
                         <("$view" "$tshark_teardown" "$filtered" 2 -R "frame.number <= $k"); then
                echo "read-filter-end: ${view%_view} of $filtered with -2 -R 'frame.number <= $k' (+)" \
                     "differs from the capture cut after frame $k (-)" >&2
                exit 1
            fi
        done
    done
done
echo "read-filter-end: $capture: frames dropped after each of $* are taken back"
