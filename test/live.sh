#!/usr/bin/env bash
# live.sh: a live capture with this build's tshark-teardown, as root, says
# of every frame what an offline one-pass read of the same packets says.
# Two network namespaces joined by a veth pair; real Linux TCP connections
# between them (fixtures/real/peers.py) close in four ways: four-way,
# three-way, an RST abort (SO_LINGER 0) and a refused SYN.  tshark-teardown
# captures on the client's end of the pair (-i), prints every teardown field
# of every frame as it comes (one pass) and writes the packets (-w, -P);
# then it reads the file it wrote.  The two outputs must be identical, and
# the live one must show each of the four closes.
# Skipped (77) unless run as root on a machine that allows network
# namespaces.
# Usage: live.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
peers="$teardown_source_dir/fixtures/real/peers.py"
skip() { echo "live: skipped, $*" >&2; exit 77; }
fail() { echo "live: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "live capture and network namespaces need root"
for tool in ip nsenter dumpcap python3 timeout; do
    command -v "$tool" >/dev/null || skip "$tool is missing (packaging/install-deps.sh --tests installs it)"
done

# Names of this run's own, so that runs side by side do not meet.
ns_c=tdlive-c-$$ ns_s=tdlive-s-$$ veth_c=tdlc$$ veth_s=tdls$$
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-live.XXXXXX")
capture_pid=
cleanup() {
    [ -z "$capture_pid" ] || kill "$capture_pid" 2>/dev/null || true
    ip netns del "$ns_c" 2>/dev/null || true
    ip netns del "$ns_s" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns_c" 2>"$work/netns.err" || skip "no network namespaces here: $(cat "$work/netns.err")"
ip netns add "$ns_s"
# nsenter enters the network namespace alone, where ip netns exec would also
# remount /sys, which a chroot may refuse.
in_ns() { nsenter --net="/run/netns/$1" "${@:2}"; }
in_ns "$ns_c" true 2>"$work/netns.err" || skip "cannot enter a network namespace here: $(cat "$work/netns.err")"
ip link add "$veth_c" netns "$ns_c" type veth peer name "$veth_s" netns "$ns_s"
in_ns "$ns_c" ip addr add 10.98.0.1/24 dev "$veth_c"
in_ns "$ns_s" ip addr add 10.98.0.2/24 dev "$veth_s"
for ns in "$ns_c" "$ns_s"; do
    in_ns "$ns" ip link set lo up
done
in_ns "$ns_c" ip link set "$veth_c" up
in_ns "$ns_s" ip link set "$veth_s" up

# wait_for DESCRIPTION COMMAND...: COMMAND succeeds within 30 s.
wait_for() {
    local what=$1 i
    shift
    for ((i = 0; i < 300; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    fail "timed out waiting for $what"
}
wait_for "both ends of the veth pair to come up" \
    sh -c "nsenter --net=/run/netns/$ns_c ip -br link show dev $veth_c | grep -qw UP && nsenter --net=/run/netns/$ns_s ip -br link show dev $veth_s | grep -qw UP"

fields=()
for field in $(for view in fields times rst; do view_fields "$view"; done | awk '!seen[$0]++'); do
    fields+=(-e "$field")
done

# Not in_ns, a function: the background job must be tshark-teardown itself
# (nsenter execs it), which a SIGTERM then stops as Ctrl-C would.
nsenter --net="/run/netns/$ns_c" "$build/tshark-teardown" -i "$veth_c" -f "tcp port 22" -w "$work/live.pcapng" -P \
    -T fields -E occurrence=a "${fields[@]}" >"$work/live.txt" 2>"$work/live.err" &
capture_pid=$!
wait_for "the capture to start" grep -q "^Capturing on '$veth_c'" "$work/live.err"

port=40001
for scenario in four-way three-way linger-abort refused; do
    server=
    if [ "$scenario" != refused ]; then
        in_ns "$ns_s" timeout 30 python3 "$peers" server "$scenario" --host 10.98.0.2 --port 22 \
            --ready "$work/ready.$scenario" &
        server=$!
        wait_for "the $scenario server" test -e "$work/ready.$scenario"
    fi
    in_ns "$ns_c" timeout 30 python3 "$peers" client "$scenario" --host 10.98.0.2 --port 22 \
        --bind 10.98.0.1 --cport "$port" || fail "the $scenario client failed"
    [ -z "$server" ] || wait "$server" || fail "the $scenario server failed"
    port=$((port + 1))
done
# The last ACKs, then stop the capture as an interrupt would.
sleep 1
kill -TERM "$capture_pid"
wait "$capture_pid" || { cat "$work/live.err" >&2; fail "tshark-teardown -i failed (its messages above)"; }
capture_pid=

[ -s "$work/live.pcapng" ] || fail "tshark-teardown -w wrote no capture"
"$build/tshark-teardown" -r "$work/live.pcapng" -T fields -E occurrence=a "${fields[@]}" >"$work/offline.txt"
frames=$(wc -l <"$work/offline.txt")
if ! diff -u "$work/live.txt" "$work/offline.txt"; then
    fail "the live capture and the offline read of its $frames packets differ (- live, + offline)"
fi

# Column 6 of the fields: teardown.pattern.
seen=$(cut -f6 "$work/live.txt" | sort -u | paste -s -d ' ')
for pattern in four-way three-way abort refused; do
    [[ " $seen " == *" $pattern "* ]] || fail "no frame of the live capture says $pattern (patterns seen: $seen)"
done
echo "live: $frames frames captured live on $veth_c (four-way, three-way, abort, refused) are annotated as an offline one-pass read annotates them"
