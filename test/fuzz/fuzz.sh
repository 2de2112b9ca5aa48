#!/usr/bin/env bash
# fuzz.sh: both fuzzers at once, their counts in one summary line:
#   fuzz: state machine N inputs, 0 crashes; captures M mutants x 2 passes, 0 crashes, 0 memory errors, 0 leaks
#
# Usage: fuzz.sh FUZZER TSHARK_TEARDOWN_ASAN TSHARK_TEARDOWN SECONDS ROUNDS FINDINGS_DIR CAPTURE...
# SECONDS of libFuzzer on the state machine run beside ROUNDS mutants of
# each CAPTURE (capture-fuzz.sh); what either finds lands in FINDINGS_DIR.
set -euo pipefail
fuzzer=$1 tshark_asan=$2 tshark_teardown=$3 seconds=$4 rounds=$5 findings=$6
shift 6
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-fuzz-all.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$here/state-fuzz.sh" "$fuzzer" "$seconds" "$findings/state" > "$work/state" &
state_job=$!
captures_status=0
"$here/capture-fuzz.sh" "$tshark_asan" "$tshark_teardown" "$rounds" "$findings/captures" "$@" \
    > "$work/captures" || captures_status=$?
state_status=0
wait "$state_job" || state_status=$?

echo "fuzz: $(tail -n 1 "$work/state"); $(tail -n 1 "$work/captures")"
[ "$state_status" -eq 0 ] && [ "$captures_status" -eq 0 ]
