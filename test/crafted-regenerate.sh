#!/usr/bin/env bash
# crafted-regenerate.sh: every committed crafted capture is exactly what its
# description makes, so descriptions and captures cannot drift apart.
# Usage: crafted-regenerate.sh CRAFTED_DIR
set -euo pipefail
dir=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-crafted.XXXXXX")
trap 'rm -rf "$work"' EXIT
count=0 failed=0
for description in "$dir"/*.txt; do
    name=$(basename "${description%.txt}")
    "$dir/craft.py" "$description" "$work/$name.pcap"
    if ! cmp -s "$work/$name.pcap" "$dir/$name.pcap"; then
        echo "crafted-regenerate: $name.pcap differs from what $name.txt makes" >&2
        failed=$((failed + 1))
    fi
    count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "crafted-regenerate: no descriptions in $dir" >&2; exit 1; }
echo "crafted-regenerate: $((count - failed)) of $count captures match their descriptions"
[ "$failed" -eq 0 ]
