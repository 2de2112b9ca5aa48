#!/usr/bin/env bash
# state-fuzz.sh: run the state machine's libFuzzer harness for a time budget,
# starting from the seed corpus.
#
# Usage: state-fuzz.sh FUZZER SECONDS FINDINGS_DIR [CORPUS_DIR]
# The corpus grows in CORPUS_DIR (default: a temporary copy of seeds/); an
# input that breaks an invariant or crashes is written to FINDINGS_DIR.
# Last line: "state machine N inputs, C crashes".
set -euo pipefail
fuzzer=$1 seconds=$2 findings=$3
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
corpus=${4:-$work/corpus}
mkdir -p "$corpus" "$findings"
cp -n "$here"/seeds/* "$corpus/"

status=0
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=1024 \
    -artifact_prefix="$findings/" "$corpus" > "$work/log" 2>&1 || status=$?
runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$work/log")
if [ "$status" -ne 0 ]; then
    grep -E 'invariant broken|ERROR|runtime error|Test unit written' "$work/log" >&2 || tail -20 "$work/log" >&2
    echo "state machine ${runs:-?} inputs, 1 crashes"
    exit 1
fi
echo "state machine $runs inputs, 0 crashes"
