#!/usr/bin/env bash
# fuzz.sh: the state machine's libFuzzer harness for a time budget, beside
# mutants of every capture (capture-fuzz.sh); their counts in one summary line:
#   fuzz: state machine N inputs, 0 crashes; captures M mutants x 2 passes, 0 crashes, 0 memory errors, 0 leaks
#
# Usage: fuzz.sh FUZZER TSHARK_TEARDOWN_ASAN TSHARK_TEARDOWN SECONDS ROUNDS FINDINGS_DIR CAPTURE...
# SECONDS of libFuzzer, from the seed corpus (seeds/; what it grows is
# thrown away), run beside ROUNDS mutants of each CAPTURE.  An input that
# breaks an invariant or crashes is written to FINDINGS_DIR/state, a mutant
# that crashes or raises a memory error to FINDINGS_DIR/captures.
set -euo pipefail
fuzzer=$1 tshark_asan=$2 tshark_teardown=$3 seconds=$4 rounds=$5 findings=$6
shift 6
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$findings/state"
# libFuzzer reads every corpus directory and adds what it finds to the first.
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=1024 \
    -artifact_prefix="$findings/state/" "$work/corpus" "$here/seeds" > "$work/state" 2>&1 &
state_job=$!
captures_status=0
"$here/capture-fuzz.sh" "$tshark_asan" "$tshark_teardown" "$rounds" "$findings/captures" "$@" \
    > "$work/captures" || captures_status=$?
state_status=0
wait "$state_job" || state_status=$?

runs=$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$work/state")
[ "$state_status" -eq 0 ] ||
    grep -E 'invariant broken|ERROR|runtime error|Test unit written' "$work/state" >&2 || tail -20 "$work/state" >&2
echo "fuzz: state machine ${runs:-?} inputs, $((state_status == 0 ? 0 : 1)) crashes; $(tail -n 1 "$work/captures")"
[ "$state_status" -eq 0 ] && [ "$captures_status" -eq 0 ]
