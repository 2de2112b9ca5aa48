#!/usr/bin/env bash
# crafted-regenerate.sh: every crafted capture is exactly what its
# description (craft.py) or extremes.py makes, byte for byte, so scripts and
# captures cannot drift apart.
# Usage: crafted-regenerate.sh CRAFTED_DIR
set -euo pipefail
dir=$1
# craft.py's interpreter: Debian's python3, the one python3-scapy is for.
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    echo "crafted-regenerate: skipped, python3-scapy is missing (packaging/install-deps.sh --quick installs it)" >&2
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-crafted.XXXXXX")
trap 'rm -rf "$work"' EXIT
pairs=()
for description in "$dir"/*.txt; do
    pairs+=("$description" "$work/$(basename "${description%.txt}").pcap")
done
"$dir/craft.py" "${pairs[@]}"
"$dir/extremes.py" "$work"
count=0 failed=0
# The captures made and the captures committed: one without the other differs too.
for name in $( (ls "$work"; cd "$dir" && ls -- *.pcap *.pcapng) | sort -u); do
    if ! cmp -s "$work/$name" "$dir/$name"; then
        echo "crafted-regenerate: $name differs from what its script makes (or one of them is missing)" >&2
        failed=$((failed + 1))
    fi
    count=$((count + 1))
done
echo "crafted-regenerate: $((count - failed)) of $count captures match what their scripts make"
[ "$failed" -eq 0 ]
