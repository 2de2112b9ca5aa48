#!/usr/bin/env bash
# stats-filters.sh: the statistics tree with a display filter
# (tshark -z teardown,tree,FILTER, the GUI dialog's filter box) counts the
# connections that have a frame passing the filter, by what is known of
# them there, and what those frames carry; never below zero, and the same
# connections in one pass and in two (after a whole pass every frame knows
# how its connection ended, as the packet details show it; one pass knows it
# from the frame that decided it on).  Each case is compared, in two passes,
# with its golden file test/golden/NAME.out, whose leading '#' lines say why
# the counts are right.
# Usage: stats-filters.sh TSHARK_TEARDOWN
#   With TEARDOWN_UPDATE_GOLDEN=1 the golden files are rewritten instead.
set -euo pipefail
tshark_teardown=$1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
. "$here/lib.sh"

# name                            capture                                 filter
cases=(
    "stats-mix-stream1-stats        fixtures/crafted/stats-mix.pcap         tcp.stream==1"
    "stats-mix-teardown-stats       fixtures/crafted/stats-mix.pcap         teardown"
    "stats-mix-step1-stats          fixtures/crafted/stats-mix.pcap         teardown.step==1"
    "stats-mix-step2-stats          fixtures/crafted/stats-mix.pcap         teardown.step==2"
    "stats-mix-late-stats           fixtures/crafted/stats-mix.pcap         frame.number>=12"
    "stats-mix-none-stats           fixtures/crafted/stats-mix.pcap         frame.number==0"
    "real-port-reuse-step1-stats    fixtures/real/port-reuse.pcapng         teardown.step==1"
)

failed=0
for line in "${cases[@]}"; do
    read -r name capture filter <<<"$line"
    golden="$here/golden/$name.out"
    one=$(stats_view "$tshark_teardown" "$repo/$capture" 1 "$filter")
    two=$(stats_view "$tshark_teardown" "$repo/$capture" 2 "$filter")
    if [ "$(grep '^Streams by outcome	' <<<"$one" || true)" != "$(grep '^Streams by outcome	' <<<"$two" || true)" ]; then
        echo "stats-filters: $name: one pass and two passes count other connections with filter $filter" >&2
        diff -u <(printf '%s\n' "$one") <(printf '%s\n' "$two") >&2 || true
        failed=1
        continue
    fi
    if grep -q '	-' <<<"$one"$'\n'"$two"; then
        echo "stats-filters: $name: a count below zero with filter $filter" >&2
        failed=1
        continue
    fi
    if ! teardown_golden "$golden" "$two"; then
        echo "stats-filters: $name differs from its golden file" >&2
        failed=1
    elif [ "${TEARDOWN_UPDATE_GOLDEN:-0}" != 1 ]; then
        echo "$name: $filter: one pass, two passes and $golden agree"
    fi
done
exit "$failed"
