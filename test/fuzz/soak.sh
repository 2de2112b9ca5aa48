#!/usr/bin/env bash
# soak.sh: the plugin over real and large captures, memory-checked:
#   - valgrind memcheck over every fixture, a soak capture and any capture
#     given (e.g. a benchmark capture), two passes with every tree item drawn:
#     no memory error and no leak with the plugin in its stack;
#   - the soak capture loaded LOADS times into one sharkd, as a GUI user
#     reopening a file does: the plugin resets its state with each file, so
#     its resident memory must not grow from one load to the next by more
#     than sharkd's own growth with the plugin switched off, plus 10 bytes a
#     frame of noise (the plugin keeps far more than that per frame).
# The soak capture is every fixture merged, repeated COPIES times, each copy
# an hour later than the one before.
#
# Usage: soak.sh TSHARK_TEARDOWN FIXTURES_DIR COPIES LOADS [CAPTURE...]
# Last line: "soak: N captures (F frames) under memcheck, E memory errors, L leaks; ..."
set -euo pipefail
shopt -s nullglob
tshark_teardown=$1 fixtures=$2 copies=$3 loads=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 1777 "$work"

fixture_captures=("$fixtures"/*/*.pcap "$fixtures"/*/*.pcapng)
mergecap -w "$work/all.pcapng" "${fixture_captures[@]}"
for ((i = 0; i < copies; i++)); do
    editcap -t $((i * 3600)) "$work/all.pcapng" "$work/copy.$i.pcapng"
done
mergecap -a -w "$work/soak.pcapng" "$work"/copy.*.pcapng
rm "$work"/copy.*.pcapng
chmod a+r "$work/soak.pcapng"

captures=("${fixture_captures[@]}" "$work/soak.pcapng" "$@")
frames=0
for capture in "${captures[@]}"; do
    mkdir -m 1777 "$work/logs"
    teardown_checked memcheck "$work/logs" "$tshark_teardown" -r "$capture" -2 -V >/dev/null 2>&1 ||
        { echo "soak: tshark failed on $capture" >&2; exit 1; }
    errors=$(teardown_plugin_reports "$teardown_memcheck_errors" "$work/logs"/memcheck.*)
    leaks=$(teardown_plugin_reports "$teardown_memcheck_leaks" "$work/logs"/memcheck.*)
    [ "$errors" -eq 0 ] && [ "$leaks" -eq 0 ] ||
        { cat "$work/logs"/memcheck.* >&2; echo "soak: $capture: $errors memory errors, $leaks leaks" >&2; }
    total_errors=$(( ${total_errors:-0} + errors )) total_leaks=$(( ${total_leaks:-0} + leaks ))
    frames=$((frames + $(capinfos -TrcM "$capture" | cut -f2)))
    rm -r "$work/logs"
done

soak_frames=$(capinfos -TrcM "$work/soak.pcapng" | cut -f2)
growth() {  # KB per load, from the second load to the last
    teardown_checked sharkd "$work" "$here/sharkd-reload.py" "$1" "$loads" "$work/soak.pcapng" \
        "$tshark_teardown" - |
    awk '{ rss[$2] = $4 } END { printf "%d", (rss[NR] - rss[2]) / (NR - 2) }'
}
with=$(growth TRUE) without=$(growth FALSE)
allowed=$((without + soak_frames * 10 / 1024))

echo "soak: ${#captures[@]} captures ($frames frames) under memcheck, $total_errors memory errors, $total_leaks leaks;" \
     "$loads loads of $soak_frames frames: +$with KB per load, +$without KB with the plugin off (allowed +$allowed)"
[ "$total_errors" -eq 0 ] && [ "$total_leaks" -eq 0 ] && [ "$with" -le "$allowed" ]
