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
# The server acknowledged the FIN 2.068 s before the capture ended: longer than
# teardown.slow_close (1 s), shorter than teardown.stuck_after (60 s), so by
# default an unfinished close, and a stuck CLOSE-WAIT once stuck_after is 1 s.
stuck() { "$tshark_teardown" -r "$real/close-wait-stuck.pcapng" -2 "$@" -Y teardown.close_wait_stuck -T fields -e frame.number; }
unfinished() { "$tshark_teardown" -r "$real/close-wait-stuck.pcapng" -2 "$@" -Y teardown.unfinished_at_end -T fields -e frame.number; }
[ -z "$(stuck)" ] || fail "close_wait_stuck on frames '$(stuck)' with the default stuck_after, expected none"
[ "$(unfinished)" = 9 ] || fail "unfinished_at_end on frames '$(unfinished)', expected 9"
[ "$(stuck -o teardown.stuck_after:1)" = 9 ] || fail "teardown.stuck_after:1 reports close_wait_stuck on '$(stuck -o teardown.stuck_after:1)', expected 9"
[ -z "$(unfinished -o teardown.slow_close:2.5)" ] || fail "teardown.slow_close:2.5 still reports the unfinished close"
# Durations as a person types them; anything else refused in words, the
# setting staying as it was (1 s: close_wait_stuck stays on frame 9).
for typed in '2.5' ' 2.5' '2.5 ' '+2.5' '2500ms' '2.5 s'; do
    [ -z "$(stuck -o teardown.stuck_after:1 -o "teardown.slow_close:$typed")" ] || fail "teardown.slow_close:'$typed' is not taken as 2.5 s"
done
for bad in abc -1 inf 1e3 '2,5'; do
    refusal=$("$tshark_teardown" -r "$real/close-wait-stuck.pcapng" -2 -o "teardown.stuck_after:$bad" \
              -Y teardown.close_wait_stuck -T fields -e frame.number 2>&1 >/dev/null)
    grep -qF "teardown.stuck_after is refused: \"$bad\" is not a number of seconds" <<<"$refusal" ||
        fail "teardown.stuck_after:'$bad' is not refused in words (stderr: $refusal)"
    [ "$(stuck -o teardown.stuck_after:1 -o "teardown.slow_close:$bad" 2>/dev/null)" = 9 ] || fail "teardown.slow_close:'$bad' changed the setting"
done
# The idle-close capture closes after 2 s idle, on frames 8 and 18.
timers() { "$tshark_teardown" -r "$real/idle-close.pcapng" "$@" -Y teardown.idle_timer_close -T fields -e frame.number 2>&1 | paste -s -d ' '; }
for typed in '2' '2.0' '+2' '2s' '2 s, 350' '350;2'; do
    [ "$(timers -o "teardown.idle_timers:$typed")" = "8 18" ] || fail "teardown.idle_timers:'$typed' does not hold 2 s"
done
many=$(seq -s, 2 66)
refusal=$(timers -o "teardown.idle_timers:$many")
grep -qF "teardown.idle_timers is refused: \"$many\" is more than 64 idle timers" <<<"$refusal" ||
    fail "65 idle timers are not refused in words: $refusal"
echo "preferences: Info column text, info_column off, analyze off, time_wait, slow_close and stuck_after all as expected;" \
     "durations read as typed, bad ones and a 65th idle timer refused"
