#!/usr/bin/env bash
# expert-summaries.sh: Expert Information groups the plugin's items by check,
# as it groups TCP's: over every fixture merged into one capture, two passes,
# `tshark -z expert` lists each teardown summary on one line, with its count,
# and every such line is a summary of plugin/teardown_checks.h.
# Usage: expert-summaries.sh TSHARK_TEARDOWN
set -euo pipefail
tshark_teardown=$1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mergecap -w "$work/all.pcapng" "$repo"/fixtures/crafted/*.pcap* "$repo"/fixtures/real/*.pcapng
"$tshark_teardown" -r "$work/all.pcapng" -2 -q -z expert,chat 2>/dev/null |
    awk '$3 == "Teardown" { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' >"$work/listed"
awk -F'"' '/^ *X\(/ { print $2 }' "$repo/plugin/teardown_checks.h" | sort -u >"$work/summaries"

listed=$(wc -l <"$work/listed")
[ "$listed" -ge 10 ] || { echo "expert-summaries: only $listed teardown lines in -z expert" >&2; exit 1; }
twice=$(sort "$work/listed" | uniq -d)
[ -z "$twice" ] || { echo "expert-summaries: listed more than once: $twice" >&2; exit 1; }
unknown=$(sort -u "$work/listed" | comm -23 - "$work/summaries")
[ -z "$unknown" ] || { echo "expert-summaries: not a summary of the check table: $unknown" >&2; exit 1; }
echo "expert-summaries: $listed teardown lines in -z expert over every fixture, one per check summary"
