#!/usr/bin/env bash
# sharkd-preferences.sh: sharkd (the engine of web front ends) sets
# preferences with setconf, which never calls the preference module's
# callback: the time preferences must still take effect on the next load,
# and a value that is not a duration must be refused in words, the setting
# staying as it was.
# Usage: sharkd-preferences.sh TSHARK_TEARDOWN
set -euo pipefail
tshark_teardown=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail() { echo "sharkd-preferences: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-sharkd.XXXXXX")
trap 'rm -rf "$work"' EXIT
for capture in close-wait-stuck idle-close time-wait-reuse; do
    cp "$here/../fixtures/real/$capture.pcapng" "$work/"
done
chmod -R a+rwX "$work"

# One request a line: "load FILE", "setconf NAME VALUE..." or "frames FIELD"
# (the frames a display filter on teardown.FIELD selects).
requests() {
    local id=0 method argument value
    while read -r method argument value; do
        id=$((id + 1))
        case "$method" in
        load)    printf '{"jsonrpc":"2.0","id":%d,"method":"load","params":{"file":"%s"}}\n' "$id" "$work/$argument" ;;
        setconf) printf '{"jsonrpc":"2.0","id":%d,"method":"setconf","params":{"name":"teardown.%s","value":"%s"}}\n' \
                        "$id" "$argument" "$value" ;;
        # sharkd keeps the frames a filter selected, by the filter's text:
        # each request's filter is a text of its own.
        frames)  printf '{"jsonrpc":"2.0","id":%d,"method":"frames","params":{"filter":"teardown.%s && frame.number != %d"}}\n' \
                        "$id" "$argument" $((1000000 + id)) ;;
        esac
    done
}

# close-wait-stuck: the server acknowledged the FIN 2.068 s before the end
# (frame 9): a teardown still under way at the end once slow_close is below
# that, a CLOSE-WAIT stuck once stuck_after is too; idle-close: closes after 2 s idle (frames 8 and 18);
# time-wait-reuse: reuses 0.010 s (frame 12) and 2.000 s (frame 22) after a
# graceful close.
answers=$(requests <<'END' | teardown_checked sharkd "$work" "$tshark_teardown" - 2>"$work/stderr" |
load close-wait-stuck.pcapng
frames unfinished_at_end
setconf slow_close 2.5
load close-wait-stuck.pcapng
frames unfinished_at_end
setconf slow_close abc
load close-wait-stuck.pcapng
frames unfinished_at_end
setconf slow_close 1 s
load close-wait-stuck.pcapng
frames unfinished_at_end
setconf stuck_after 2
load close-wait-stuck.pcapng
frames close_wait_stuck
load idle-close.pcapng
frames idle_timer_close
setconf idle_timers 2 s, 350
load idle-close.pcapng
frames idle_timer_close
setconf idle_timers 2, x
load idle-close.pcapng
frames idle_timer_close
load time-wait-reuse.pcapng
frames reuse_in_time_wait
setconf time_wait 1
load time-wait-reuse.pcapng
frames reuse_in_time_wait
END
          grep '"result":\[' | while read -r line; do
              grep -o '"num":[0-9]*' <<<"$line" | cut -d: -f2 | paste -s -d ' ' | grep . || echo none
          done)
expected='9
none
none
9
9
none
8 18
8 18
12 22
12'
[ "$answers" = "$expected" ] ||
    fail "frames selected after each setconf and load:"$'\n'"$answers"$'\n'"expected:"$'\n'"$expected"
for refused in 'teardown.slow_close is refused: "abc" is not a number of seconds' \
               'teardown.idle_timers is refused: "x" is not a number of seconds'; do
    grep -qF "$refused" "$work/stderr" || fail "sharkd did not say: $refused"
done
echo "sharkd-preferences: slow_close, stuck_after, idle_timers and time_wait take effect on the next load; bad values are refused"
