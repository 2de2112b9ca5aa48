#!/usr/bin/env bash
# preferences.sh: the Info column shows each step unless teardown.info_column
# is off, and teardown.analyze off turns the whole analysis off.
# Usage: preferences.sh TSHARK_TEARDOWN CAPTURE   (a three-way close: steps on frames 8, 9, 10)
set -euo pipefail
tshark_teardown=$1 capture=$2
fail() { echo "preferences: $*" >&2; exit 1; }

# The tag leads the Info text, as TCP's own analysis tags do.
info=$("$tshark_teardown" -r "$capture" -Y teardown -T psml | grep -o '<section>\[[^]]*\] [0-9]' | sed 's/<section>//; s/ [0-9]$//' || true)
expected=$'[1/4, active]\n[2+3/4, passive]\n[4/4, active, three-way]'
[ "$info" = "$expected" ] || fail "Info column begins '$info', expected '$expected'"

quiet=$("$tshark_teardown" -r "$capture" -o teardown.info_column:FALSE -Y teardown -T psml)
! grep -q '<section>\[[^]]*/4' <<<"$quiet" || fail "teardown.info_column:FALSE still writes the Info column"
steps=$("$tshark_teardown" -r "$capture" -o teardown.info_column:FALSE -T fields -e teardown.step | grep -c . || true)
[ "$steps" = 3 ] || fail "teardown.info_column:FALSE changed the fields ($steps frames with steps, expected 3)"

off=$("$tshark_teardown" -r "$capture" -o teardown.analyze:FALSE -Y teardown -T fields -e frame.number)
[ -z "$off" ] || fail "teardown.analyze:FALSE still annotates frames $off"
echo "preferences: Info column text, info_column off, analyze off all as expected"
