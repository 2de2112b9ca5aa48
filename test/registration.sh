#!/usr/bin/env bash
# registration.sh: tshark loads the plugin tshark-teardown placed (this
# build's, not an installed copy), and it registers exactly the documented
# fields with their types (the names users type and script against), one
# FT_NONE field per check of plugin/teardown_checks.h, and the teardown,tree
# statistics and the teardown,conns table (in its three forms).
# Usage: registration.sh TSHARK_TEARDOWN EXPECTED_FIELDS
set -euo pipefail
tshark_teardown=$1 expected=$2
. "$(dirname "$0")/lib.sh"
fail() { echo "registration: $*" >&2; exit 1; }

plugins=$("$tshark_teardown" -G plugins) || fail "tshark-teardown -G plugins failed"
loaded=$(awk -F '\t' '$1 ~ /^teardown\.so[[:space:]]*$/ { print $NF }' <<<"$plugins")
case "$loaded" in
*/teardown-home.*/.local/lib/wireshark/plugins/*/epan/teardown.so) ;;
"") fail "tshark -G plugins does not list teardown.so" ;;
*) fail "tshark loaded $loaded, not the build tshark-teardown placed in its temporary HOME" ;;
esac

fields() {
    awk '/^#/ { next } $0 == "checks" { exit } { print }' "$expected"
    teardown_checks | awk '{ print "teardown." $1 "\tFT_NONE" }'
    awk 'after { print } $0 == "checks" { after = 1 }' "$expected"
}
if ! diff -u <(fields) \
             <("$tshark_teardown" -G fields | awk -F '\t' '$1 == "F" && $3 ~ /^teardown\./ { print $3 "\t" $4 }'); then
    fail "the teardown.* fields differ from $expected and the checks of teardown_checks.h"
fi
for statistic in teardown,tree teardown,conns teardown,conns,csv teardown,conns,json; do
    "$tshark_teardown" -z help 2>&1 | grep -qx "[[:space:]]*$statistic" ||
        fail "tshark -z help does not list $statistic"
done
echo "registration: this build's plugin ($loaded), $(fields | wc -l) fields, teardown,tree and teardown,conns registered"
