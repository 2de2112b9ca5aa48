#!/usr/bin/env bash
# check-mutant.sh: run the plugin over one mutated capture, one and two
# passes with every tree item drawn (-V), with the sanitizer-built plugin;
# with READ_FILTER=1, the two passes keep only about half the TCP segments
# (-R), so that the first pass dissects the dropped ones under the numbers
# of the frames kept after them; with READ_FILTER=2, they drop the last
# third of the frames, which no kept frame follows; with MEMCHECK=1, also two passes of the
# normal plugin under valgrind.
#
# Usage: check-mutant.sh TSHARK_TEARDOWN_ASAN TSHARK_TEARDOWN MUTANT MEMCHECK [READ_FILTER]
# Prints one line: MUTANT CRASHES MEMORY_ERRORS LEAKS OTHERS.  A crash is a
# run killed by a signal or stopped by a sanitizer; memory errors and leaks
# count only reports with the plugin in their stack; OTHERS counts crashes
# that are Wireshark's own (the report does not name the plugin, or tshark
# without the plugin crashes too).
set -euo pipefail
shopt -s nullglob
tshark_asan=$1 tshark_teardown=$2 mutant=$3 memcheck=$4 read_filter=${5:-0}
here=$(cd "$(dirname "$0")" && pwd)

logs=$(mktemp -d "${TMPDIR:-/tmp}/teardown-logs.XXXXXX")
trap 'rm -rf "$logs"' EXIT
chmod 1777 "$logs"

. "$here/../lib.sh"

crashes=0 errors=0 others=0
for passes in 1 2; do
    options=(-r "$mutant" -V)
    [ "$passes" = 1 ] || options+=(-2)
    if [ "$passes" = 2 ] && [ "$read_filter" = 1 ]; then
        options+=(-R 'tcp.checksum & 1')
    elif [ "$passes" = 2 ] && [ "$read_filter" = 2 ]; then
        options+=(-R "frame.number <= $(( $(capinfos -c -M "$mutant" | awk 'END { print $NF }') * 2 / 3 ))")
    fi
    mkdir -m 1777 "$logs/$passes"
    # A failure that is no crash (tshark's own exit codes are below 86) is
    # the machine's, not the mutant's: say so, and try once more.
    for attempt in 1 2; do
        status=0
        teardown_checked asan "$logs/$passes" "$tshark_asan" "${options[@]}" \
            >/dev/null 2>"$logs/stderr" || status=$?
        [ "$status" -eq 0 ] || [ "$status" -ge 86 ] && break
        echo "check-mutant: tshark failed ($status) on $mutant without crashing (attempt $attempt):" >&2
        cat "$logs/stderr" >&2
        [ "$attempt" = 1 ] || exit 2
    done
    reports=$(teardown_plugin_reports "$teardown_sanitizer_errors" "$logs/$passes"/asan.*)
    errors=$((errors + reports))
    if [ "$status" -ne 0 ]; then   # 86: ASan's exit code; >= 128: a signal
        # Charged to the plugin when a report names it, or when there is no
        # report and tshark without the plugin survives the mutant.
        stock=0
        tshark "${options[@]}" >/dev/null 2>&1 || stock=$?
        if [ "$reports" -gt 0 ] || { [ -z "$(cat /dev/null "$logs/$passes"/asan.*)" ] && [ "$stock" -lt 128 ]; }; then
            crashes=$((crashes + 1))
        else
            others=$((others + 1))
        fi
    fi
done

leaks=0
if [ "$memcheck" = 1 ]; then
    teardown_checked memcheck "$logs" "$tshark_teardown" -r "$mutant" -2 -V >/dev/null 2>&1 || true
    errors=$((errors + $(teardown_plugin_reports "$teardown_memcheck_errors" "$logs"/memcheck.*)))
    leaks=$(teardown_plugin_reports "$teardown_memcheck_leaks" "$logs"/memcheck.*)
fi
echo "$(basename "$mutant") $crashes $errors $leaks $others"
