#!/usr/bin/env bash
# preferences.sh: the Info column shows each step unless teardown.info_column
# is off, teardown.analyze off turns the whole analysis off, and the time
# preferences move what depends on them: teardown.time_wait the reuse note,
# teardown.slow_close what the end of the capture tells.
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
real=$(cd "$(dirname "$0")/../fixtures/real" && pwd)
# Reuses 0.010 s (frame 12) and 2.000 s (frame 22) after a graceful close.
notes() { "$tshark_teardown" -r "$real/time-wait-reuse.pcapng" "$@" -Y teardown.reuse_in_time_wait -T fields -e frame.number | paste -s -d ' '; }
[ "$(notes)" = "12 22" ] || fail "reuse notes on frames '$(notes)' with the default TIME-WAIT, expected '12 22'"
[ "$(notes -o teardown.time_wait:1)" = "12" ] || fail "teardown.time_wait:1 leaves reuse notes on '$(notes -o teardown.time_wait:1)', expected '12'"
# The server acknowledged the FIN 2.068 s before the capture ended.
stuck() { "$tshark_teardown" -r "$real/close-wait-stuck.pcapng" -2 "$@" -Y teardown.close_wait_stuck -T fields -e frame.number; }
[ "$(stuck)" = 9 ] || fail "close_wait_stuck on frames '$(stuck)', expected 9"
[ -z "$(stuck -o teardown.slow_close:2.5)" ] || fail "teardown.slow_close:2.5 still reports close_wait_stuck"
echo "preferences: Info column text, info_column off, analyze off, time_wait and slow_close all as expected"
