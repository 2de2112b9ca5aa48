#!/usr/bin/env bash
# healthy.sh: a capture of well-behaved TCP stacks raises none of the
# plugin's warnings or errors (notes and chats, such as half-close data, are
# allowed), and the plugin annotates at least one frame in it.
# Usage: healthy.sh TSHARK_TEARDOWN CAPTURE
set -euo pipefail
tshark_teardown=$1 capture=$2
. "$(dirname "$0")/lib.sh"
# One run: every annotated frame, with its expert messages and a column per
# warning or error check (a check fails only on an annotated frame).
options=(-e frame.number -e _ws.expert.message)
for check in $(teardown_checks WARN ERROR); do
    options+=(-e "teardown.$check")
done
rows=$("$tshark_teardown" -r "$capture" -2 -Y teardown -T fields "${options[@]}")
annotated=$(printf '%s' "$rows" | grep -c '^' || true)
flagged=$(printf '%s\n' "$rows" | awk -F '\t' '{ for (i = 3; i <= NF; i++) if ($i != "") { print $1 "\t" $2; next } }')
if [ -n "$flagged" ]; then
    echo "healthy: $capture raises warnings or errors on:" >&2
    printf '%s\n' "$flagged" >&2
    exit 1
fi
[ "$annotated" -gt 0 ] || { echo "healthy: nothing annotated in $capture" >&2; exit 1; }
echo "healthy: $capture: $annotated annotated frames, no warning or error"
