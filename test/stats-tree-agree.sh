#!/usr/bin/env bash
# stats-tree-agree.sh: after a whole pass, the statistics tree and the packet
# details say the same of every connection.  For each pattern P the tree
# shows, the statistics with the display filter teardown.pattern == "P" (and
# again without the frame that decided it, teardown.segments) count exactly
# the connections the tree shows P on, every one of them under P.
# Usage: stats-tree-agree.sh TSHARK_TEARDOWN CAPTURE...
#   Each tcp.stream of the captures must hold one connection.
set -euo pipefail
tshark_teardown=$1
shift
. "$(dirname "$0")/lib.sh"

checked=0
for capture in "$@"; do
    patterns=$("$tshark_teardown" -r "$capture" -2 -T fields -e teardown.pattern | sed '/^$/d' | sort -u)
    for pattern in $patterns; do
        for filter in "teardown.pattern == \"$pattern\"" "teardown.pattern == \"$pattern\" && !teardown.segments"; do
            connections=$("$tshark_teardown" -r "$capture" -2 -Y "$filter" -T fields -e tcp.stream | sort -u | grep -c . || true)
            counted=$(stats_view "$tshark_teardown" "$capture" 2 "$filter" |
                      awk -F '\t' -v pattern="$pattern" '
                          $1 == "Streams by outcome" { total = $2 }
                          $1 ~ "^Streams by outcome / [a-z]\\. " pattern "( \\([^/]*)?$" { under = $2 }
                          END { print total + 0, under + 0 }')
            if [ "$counted" != "$connections $connections" ]; then
                echo "stats-tree-agree: $capture, filter $filter: the tree shows $pattern on $connections" \
                     "connections; the statistics count (total, under $pattern): $counted" >&2
                exit 1
            fi
            checked=$((checked + 1))
        done
    done
done
echo "stats-tree-agree: $checked filters on $# captures: the statistics count each connection where the tree shows it"
