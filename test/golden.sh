#!/usr/bin/env bash
# golden.sh: run tshark with the fresh plugin on one capture and compare the
# result with a golden file.
#
# Usage: golden.sh TSHARK_TEARDOWN NAME VIEW CAPTURE PASSES
#   VIEW   fields: one line per frame with every teardown field;
#          tree:   the teardown subtree (steps in words, expert messages)
#                  of every annotated frame.
#   PASSES 1 (tshark -r) or 2 (tshark -2: forward links, final pattern).
# The golden file is test/golden/NAME.out.  Its leading '#' lines say why
# the values are right; they are kept, and skipped in the comparison.
# With TEARDOWN_UPDATE_GOLDEN=1 the rest of the file is rewritten instead.
set -euo pipefail

tshark_teardown=$1 name=$2 view=$3 capture=$4 passes=$5
here=$(cd "$(dirname "$0")" && pwd)
golden="$here/golden/$name.out"
repo=$(dirname "$here")

case "$passes" in
1) pass_opts=() ;;
2) pass_opts=(-2) ;;
*) echo "golden.sh: PASSES must be 1 or 2" >&2; exit 2 ;;
esac

# Flags and expert items print as their names, joined, so that a line stays
# readable: "retransmission" rather than a column of ones.
flag_fields=(retransmission half_close initiator_by_port)
expert_fields=(ack_beyond_fin ack_regressed seq_mismatch fin_seq_changed data_after_fin
               fin_without_ack fin_retransmission reset_during_teardown half_close_data)

fields_view() {
    local opts=() f
    for f in frame.number tcp.stream teardown.step teardown.role teardown.initiator \
             teardown.pattern teardown.fin_frame teardown.ack_frame teardown.original_frame \
             teardown.expected_ack teardown.expected_seq teardown.duration; do
        opts+=(-e "$f")
    done
    for f in "${flag_fields[@]}" "${expert_fields[@]}"; do
        opts+=(-e "teardown.$f")
    done
    "$tshark_teardown" -r "$repo/$capture" "${pass_opts[@]}" -T fields -E occurrence=a "${opts[@]}" |
    awk -F '\t' -v flags="${flag_fields[*]}" -v experts="${expert_fields[*]}" '
        function names(first, list,    n, i, out, name) {
            n = split(list, name, " ")
            out = ""
            for (i = 1; i <= n; i++)
                if ($(first + i - 1) != "")
                    out = out (out == "" ? "" : ",") name[i]
            return out
        }
        BEGIN {
            OFS = "\t"
            print "frame", "stream", "step", "role", "initiator", "pattern", "fin_frame",
                  "ack_frame", "original", "exp_ack", "exp_seq", "duration", "flags", "experts"
            nflags = split(flags, unused, " ")
        }
        {
            print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                  names(13, flags), names(13 + nflags, experts)
        }'
}

tree_view() {
    "$tshark_teardown" -r "$repo/$capture" "${pass_opts[@]}" -Y teardown -V -O teardown |
    awk '
        /^Frame [0-9]+:/     { frame = $1 " " $2; next }
        /^\[?TCP Connection Teardown/ { print frame; inside = 1; print; next }
        /^[^ ]/ || /^$/      { inside = 0; next }
        inside               { print }'
}

case "$view" in
fields) actual=$(fields_view) ;;
tree)   actual=$(tree_view) ;;
*) echo "golden.sh: VIEW must be fields or tree" >&2; exit 2 ;;
esac

if [ "${TEARDOWN_UPDATE_GOLDEN:-0}" = 1 ]; then
    { [ -f "$golden" ] && grep '^#' "$golden" || true; printf '%s\n' "$actual"; } > "$golden.new"
    mv "$golden.new" "$golden"
    echo "updated $golden"
    exit 0
fi

[ -f "$golden" ] || { echo "golden.sh: no golden file $golden" >&2; exit 1; }
if ! diff -u <(grep -v '^#' "$golden") <(printf '%s\n' "$actual"); then
    echo "golden.sh: $name differs from $golden (- expected, + actual)" >&2
    exit 1
fi
echo "$name: output matches $golden"
