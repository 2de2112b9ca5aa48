#!/usr/bin/env bash
# registration.sh: tshark lists the plugin, exactly the documented fields
# with their types (the names users type and script against), and the
# teardown,tree statistics.
# Usage: registration.sh TSHARK_TEARDOWN EXPECTED_FIELDS
set -euo pipefail
tshark_teardown=$1 expected=$2
fail() { echo "registration: $*" >&2; exit 1; }

"$tshark_teardown" -G plugins | awk '$1 == "teardown.so" { found = 1 } END { exit !found }' ||
    fail "tshark -G plugins does not list teardown.so"
if ! diff -u <(grep -v '^#' "$expected") \
             <("$tshark_teardown" -G fields | awk -F '\t' '$1 == "F" && $3 ~ /^teardown\./ { print $3 "\t" $4 }'); then
    fail "the teardown.* fields differ from $expected"
fi
"$tshark_teardown" -z help 2>&1 | grep -qx '[[:space:]]*teardown,tree' ||
    fail "tshark -z help does not list teardown,tree"
echo "registration: plugin, $(grep -vc '^#' "$expected") fields and teardown,tree registered"
