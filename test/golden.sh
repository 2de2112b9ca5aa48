#!/usr/bin/env bash
# golden.sh: run tshark with the fresh plugin on one capture and compare the
# result with a golden file.
#
# Usage: golden.sh TSHARK_TEARDOWN NAME VIEW CAPTURE PASSES [TSHARK_OPTION...]
#   VIEW   fields: one line per frame with every teardown field;
#          tree:   the teardown subtree (steps in words, expert messages)
#                  of every annotated frame;
#          rst:    one line per frame with the RST fields (TTL, usual TTL,
#                  origin, alive frame, cause) and the RST expert items;
#          times:  one line per frame with the idle, delay, unfinished and
#                  reuse fields and their expert items;
#          stats:  the non-zero counts of tshark -z teardown,tree;
#          flow:   the Flow Graph of the teardown frames (tshark -z flow);
#          conns:  the connection table as CSV, one line per connection
#                  (the README's command, -z teardown,conns,csv).
#   PASSES 1 (tshark -r) or 2 (tshark -2: forward links, final pattern).
#   TSHARK_OPTION  e.g. -o teardown.idle_timers:2, for the fields, tree, rst
#          and times views: preferences that a capture's timing calls for.
# The golden file is test/golden/NAME.out, or NAME@X.Y.out where Wireshark
# X.Y dissects the capture differently (it numbers TCP streams its own way,
# say).  Its leading '#' lines say why the values are right; they are kept,
# and skipped in the comparison.
# With TEARDOWN_UPDATE_GOLDEN=1 the rest of the file is rewritten instead.
set -euo pipefail

tshark_teardown=$1 name=$2 view=$3 capture=$4 passes=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/golden/$name.out"
repo=$(dirname "$here")
if compgen -G "$here/golden/$name@*.out" >/dev/null; then
    series=$("$tshark_teardown" -v | sed -n '1s/^[^0-9]*\([0-9]*\.[0-9]*\)\..*/\1/p')
    [ ! -f "$here/golden/$name@$series.out" ] || golden="$here/golden/$name@$series.out"
fi

. "$here/lib.sh"
pass_options "$passes" >/dev/null

case "$view" in
fields) actual=$(fields_view "$tshark_teardown" "$repo/$capture" "$passes" "$@") ;;
tree)   actual=$(tree_view "$tshark_teardown" "$repo/$capture" "$passes" "$@") ;;
rst)    actual=$(rst_view "$tshark_teardown" "$repo/$capture" "$passes" "$@") ;;
times)  actual=$(times_view "$tshark_teardown" "$repo/$capture" "$passes" "$@") ;;
stats)  actual=$(stats_view "$tshark_teardown" "$repo/$capture" "$passes") ;;
flow)   actual=$(flow_view "$tshark_teardown" "$repo/$capture" "$passes") ;;
conns)  actual=$(conns_view "$tshark_teardown" "$repo/$capture" "$passes") ;;
*) echo "golden.sh: VIEW must be fields, tree, rst, times, stats, flow or conns" >&2; exit 2 ;;
esac

teardown_golden "$golden" "$actual" || { echo "golden.sh: $name differs from its golden file" >&2; exit 1; }
[ "${TEARDOWN_UPDATE_GOLDEN:-0}" = 1 ] || echo "$name: output matches $golden"
