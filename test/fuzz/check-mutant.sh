#!/usr/bin/env bash
# check-mutant.sh: run the plugin over one mutated capture, one and two
# passes with every tree item drawn (-V), with the sanitizer-built plugin;
# with MEMCHECK=1, also two passes of the normal plugin under valgrind.
#
# Usage: check-mutant.sh TSHARK_TEARDOWN_ASAN TSHARK_TEARDOWN MUTANT MEMCHECK
# Prints one line: MUTANT CRASHES MEMORY_ERRORS LEAKS STOCK_CRASHES, where a
# crash is a run killed by a signal or stopped by a sanitizer, memory errors
# and leaks count only reports with the plugin in their stack, and
# STOCK_CRASHES counts crashes that tshark without the plugin has as well.
set -euo pipefail
shopt -s nullglob
tshark_asan=$1 tshark_teardown=$2 mutant=$3 memcheck=$4
here=$(cd "$(dirname "$0")" && pwd)

logs=$(mktemp -d "${TMPDIR:-/tmp}/teardown-logs.XXXXXX")
trap 'rm -rf "$logs"' EXIT
chmod 1777 "$logs"

# Reports in valgrind's or ASan's log files that name the plugin.
plugin_reports() {
    local pattern=$1
    shift
    awk -v pattern="$pattern" '
        /^(==[0-9]+== )?$/ { if (block ~ pattern && block ~ /teardown/) n++; block = ""; next }
        { block = block "\n" $0 }
        END { if (block ~ pattern && block ~ /teardown/) n++; print n + 0 }' "$@" /dev/null
}

crashes=0 stock_crashes=0
for passes in "" "-2"; do
    status=0
    "$here/run-checked.sh" asan "$logs" "$tshark_asan" -r "$mutant" $passes -V >/dev/null 2>&1 || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -lt 86 ]; then
        echo "check-mutant: tshark failed ($status) on $mutant without crashing" >&2
        exit 2
    elif [ "$status" -ne 0 ]; then   # 86: ASan's exit code; >= 128: a signal
        crashes=$((crashes + 1))
        stock=0
        tshark -r "$mutant" $passes -V >/dev/null 2>&1 || stock=$?
        [ "$stock" -lt 128 ] || stock_crashes=$((stock_crashes + 1))
    fi
done
errors=$(plugin_reports 'ERROR: AddressSanitizer|runtime error' "$logs"/asan.*)

leaks=0
if [ "$memcheck" = 1 ]; then
    "$here/run-checked.sh" memcheck "$logs" "$tshark_teardown" -r "$mutant" -2 -V >/dev/null 2>&1 || true
    errors=$((errors + $(plugin_reports '(Invalid|uninitialised|Mismatched|overlap|Syscall param)' "$logs"/memcheck.*)))
    leaks=$(plugin_reports 'lost in loss record' "$logs"/memcheck.*)
fi
echo "$(basename "$mutant") $crashes $errors $leaks $stock_crashes"
