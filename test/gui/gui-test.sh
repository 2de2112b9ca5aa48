#!/usr/bin/env bash
# gui-test.sh: the real Qt Wireshark, under Xvfb, with this build's plugin and
# the Teardown profile, shows the teardown analysis: fields, expert items,
# profile colors, the statistics dialog, the connection table, the Flow
# Graph and the profile's I/O graphs.  Leaves screenshots in OUTPUT_DIR.
# Usage: gui-test.sh BUILD_DIR OUTPUT_DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR OUTPUT_DIR" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
build_dir="$(cd "$1" && pwd)"
mkdir -p "$2"
output_dir="$(cd "$2" && pwd)"

. "$here/../lib.sh"

plugin=$(find "$build_dir/plugins" -path '*/epan/teardown.so' | head -n 1)
[ -n "$plugin" ] || { echo "gui-test: no teardown.so under $build_dir/plugins; build first" >&2; exit 1; }
series=$(basename "$(dirname "$(dirname "$plugin")")")

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-gui.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Wireshark runs with a fresh HOME holding the plugin and the profile,
# installed as users do.
home="$work/home"
placed=$(teardown_place_plugin "$home" "$series" "$plugin")
mkdir -p "$work/out" "$work/run"
HOME="$home" XDG_CONFIG_HOME="$home/.config" "$source_dir/packaging/install-profile.sh" >/dev/null
cp "$here/record.lua" "$source_dir/fixtures/real/three-way.pcapng" \
   "$source_dir/fixtures/crafted/check-ack-beyond-fin.pcap" "$work/"
mergecap -w "$work/all-real.pcapng" "$source_dir"/fixtures/real/*.pcapng
mergecap -w "$work/ladder.pcapng" "$source_dir"/fixtures/real/{four-way,three-way}.pcapng
cp "$source_dir/fixtures/real/lossy.pcapng" "$source_dir/fixtures/crafted/conn-states.pcap" "$work/"
teardown_user_home "$work"
chmod 700 "$work/run"

# The profile's I/O graphs count failed checks with every check of
# plugin/teardown_checks.h that warns or errs, like its coloring rule.
graphs="$home/.config/wireshark/profiles/Teardown/io_graphs"
if ! grep -qxF "\"Enabled\",\"Teardown checks failed\",\"$(teardown_any_check WARN ERROR)\",\"#CC0000\",\"Stacked Bar\",\"Packets\",\"\",\"None\",\"1\"" "$graphs"; then
    echo "gui-test: the installed profile's \"Teardown checks failed\" I/O graph is not every failed check:" >&2
    cat "$graphs" >&2
    exit 1
fi

# Wireshark and tshark find plugins alike: a teardown.so in the global plugin
# folder would be shown in this build's place.
loaded=$(teardown_loaded_plugin "$home")
if [ "$loaded" != "$placed" ]; then
    echo "gui-test: Wireshark would load ${loaded:-no teardown.so}, not this build's $placed" >&2
    exit 1
fi

missing=()
for tool in wireshark Xvfb xdotool xclip convert import; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "gui-test: skipped, ${missing[*]} missing;" \
         "install them with packaging/install-deps.sh --tests" >&2
    exit 77
fi

# Xvfb picks a free display and writes its number to fd 3 once it accepts
# clients.  The screen is wider than the main window so dialogs fit beside it.
exec 3<> <(:)
Xvfb -displayfd 3 -ac -nolisten tcp -screen 0 2500x900x24 >"$output_dir/xvfb.log" 2>&1 &
pids+=($!)
read -r -t 20 display <&3 || { echo "gui-test: Xvfb did not start" >&2; exit 1; }
exec 3<&-
export DISPLAY=":$display"

# wireshark NAME ARGS...: start Wireshark on a capture with the profile and
# the recorder, which writes what this process dissected to out/NAME.txt.
# Each starts with the same main window geometry (Wireshark saves its own on
# exit), so that screenshots and their pixel counts do not vary.
wireshark() {
    local name=$1
    shift
    printf 'gui.geometry_main_%s\n' 'x: 0' 'y: 0' 'width: 1500' 'height: 900' >"$home/.config/wireshark/recent_common"
    # Wireshark's own, or opening a dialog at start (-z io,stat) stops at
    # "Can't open recent file".
    chown --reference="$home" "$home/.config/wireshark/recent_common"
    (cd "$work" && exec timeout -k 5 120 "${teardown_as_user[@]}" env HOME="$home" XDG_CONFIG_HOME="$home/.config" \
        XDG_RUNTIME_DIR="$work/run" wireshark -C Teardown -o capture.no_interface_load:TRUE \
        -o capture.no_extcap:TRUE -o gui.byte_view_show:FALSE \
        -X lua_script:"$work/record.lua" -X lua_script1:"$work/out/$name.txt" "$@") \
        >"$output_dir/$name.log" 2>&1 &
    current=$!
    pids+=("$current")
}

# close: end the current Wireshark, so the next scene's windows stand alone.
close() {
    kill "$current" 2>/dev/null || true
    wait "$current" 2>/dev/null || true
}

# expect_record NAME: out/NAME.txt reaches expected-NAME.txt (comments
# dropped) within 60 s, or the test fails with the difference.
expect_record() {
    local expected="$work/expected-$1.txt" actual="$work/out/$1.txt"
    grep -v '^#' "$here/expected-$1.txt" >"$expected"
    for _ in $(seq 120); do
        cmp -s "$expected" "$actual" 2>/dev/null && return 0
        sleep 0.5
    done
    echo "gui-test: Wireshark's own dissection of $1 differs from expected-$1.txt:" >&2
    diff -u "$expected" "$actual" >&2 || true
    cat "$output_dir/$1.log" >&2
    exit 1
}

# window TITLE_REGEX: the id of the visible window, waiting up to 60 s.
window() {
    local id
    for _ in $(seq 120); do
        id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1) || true
        [ -n "$id" ] && { echo "$id"; return 0; }
        sleep 0.5
    done
    echo "gui-test: no window named /$1/ appeared" >&2
    exit 1
}

# pixels SHOT HEX: how many pixels of that color the screenshot holds.
pixels() {
    convert "$1" -format %c histogram:info:- |
        awk -v hex="#$2" 'toupper($3) == hex { sub(":", "", $1); n += $1 } END { print n + 0 }'
}

# expect_pixels SHOT HEX MIN MAX WHAT: Wireshark drew MIN to MAX pixels of a
# row color, which says how many rows a coloring rule matched.
expect_pixels() {
    local count
    count=$(pixels "$1" "$2")
    if [ "$count" -lt "$3" ] || [ "$count" -gt "$4" ]; then
        echo "gui-test: $(basename "$1") has $count pixels of #$2, expected $3 to $4: $5" >&2
        exit 1
    fi
}

# items: each item of a statistics tree as text, "topic / item|count" (a
# grandchild "topic / item / grandchild|count"), in the order listed.
items() {
    awk '/^Topic/ { table = 1; next }
        table {
            depth = match($0, /[^ ]/) - 1
            if (depth < 0 || split(substr($0, depth + 1), field, /  +/) < 2 || field[2] !~ /^[0-9]+$/)
                next
            path[depth] = field[1]
            name = path[0]
            for (i = 1; i <= depth; i++)
                name = name " / " path[i]
            print name "|" field[2]
        }'
}

shoot() {
    import -window "$1" "$output_dir/$2.png"
}

# The packet list, filtered to the teardown, with frame 9 (steps 2 and 3)
# selected and its teardown subtree expanded: click into the details pane,
# go to its last item (the post-dissector's tree comes last), expand it all.
wireshark three-way -r "$work/three-way.pcapng" -Y teardown -g 9
expect_record three-way
main=$(window '^three-way\.pcapng')
sleep 2
xdotool mousemove --window "$main" 400 700 click 1 key End key shift+Right
sleep 1
shoot "$main" packet-list
# Frames 8 and 10 wear the "Teardown step" color (9 is selected); frames 1-7,
# which the filter hides, would wear Wireshark's TCP color.
expect_pixels "$output_dir/packet-list.png" FFD880 30000 60000 "two teardown step rows must be colored"
expect_pixels "$output_dir/packet-list.png" E7E6FF 0 0 "frames without teardown must be filtered out"

close

# The expert items reach the GUI: the recorder sees them with their severity
# and group, the coloring rule paints their frame (8: frame 9 repeats the
# same news and raises none; frame 1 is selected), and Wireshark's own
# Expert Information dialog opens at start.
wireshark ack-beyond-fin -r "$work/check-ack-beyond-fin.pcap" -z expert
expect_record ack-beyond-fin
main=$(window '^check-ack-beyond-fin\.pcap$')
expert=$(window 'Expert Information.*check-ack-beyond-fin\.pcap')
xdotool windowmove --sync "$expert" 1520 0
sleep 2
shoot "$main" ack-beyond-fin
shoot "$expert" expert-info
expect_pixels "$output_dir/ack-beyond-fin.png" CC0000 15000 29999 "one row must wear the teardown check color"
close

# The statistics tree: Statistics is the menu with mnemonic S, TCP Teardown
# its last item (plugins' trees come last).  The dialog's Copy button puts
# the tree on the clipboard as text, listed in the order the dialog shows
# (the copy sorts each item's children as the dialog does; topics stay in
# the tree's own order), which must count what tshark counts, in tshark's
# order, and list outcomes and durations in their natural order
# (expected-statistics.txt).
wireshark all-real -r "$work/all-real.pcapng"
main=$(window '^all-real\.pcapng$')
sleep 2
xdotool windowfocus --sync "$main" key alt+s
sleep 1
xdotool key Up Return
statistics=$(window 'TCP Teardown.*all-real\.pcapng')
xdotool windowsize --sync "$statistics" 700 880 windowmove --sync "$statistics" 1520 0
sleep 1
shoot "$statistics" statistics
xdotool mousemove --window "$statistics" 465 856 click 1
sleep 1
timeout 10 xclip -o -selection clipboard >"$output_dir/statistics.txt"
# The dialog counts after the whole file was read, as tshark's second pass.
"$build_dir/tshark-teardown" -r "$work/all-real.pcapng" -2 -q -z teardown,tree >"$work/statistics.tshark"
items <"$output_dir/statistics.txt" >"$work/statistics.gui"
if ! grep -q '^Streams by outcome|[1-9]' "$work/statistics.gui"; then
    echo "gui-test: the GUI's TCP Teardown statistics count no stream:" >&2
    cat "$output_dir/statistics.txt" >&2
    exit 1
fi
if ! diff -u <(items <"$work/statistics.tshark") "$work/statistics.gui" >&2; then
    echo "gui-test: the GUI's TCP Teardown statistics differ from tshark's, in counts or order (above)" >&2
    exit 1
fi
grep -v '^#' "$here/expected-statistics.txt" >"$work/expected-statistics.txt"
# The items of the topics expected-statistics.txt names, prefixes cut.
cut -d '|' -f 1 "$work/statistics.gui" | sed -E 's| / [a-z]\. | / |g' |
    awk -F ' / ' 'NR == FNR { topic[$1] = 1; next } NF > 1 && ($1 in topic)' \
        "$work/expected-statistics.txt" - >"$work/statistics.order"
if ! diff -u "$work/expected-statistics.txt" "$work/statistics.order" >&2; then
    echo "gui-test: the GUI's TCP Teardown statistics list outcomes or durations out of their natural order (above):" >&2
    cat "$output_dir/statistics.txt" >&2
    exit 1
fi
close

# The connection table: Statistics -> TCP Teardown Connections (the 12th
# item of the Statistics menu in 4.0: table statistics come after the
# built-in dialogs, in the order of their titles) on the crafted capture with
# one connection for each of Zeek's conn_state values.  The dialog's Copy
# button copies the rows as text, in the order the dialog lists them, each
# without its empty cells: every row must hold the cells of tshark's table
# in two passes (times as the dialog prints them, to the microsecond), in
# the order connections began; a click on the conn_state title must sort
# the rows by it.  Like the Flow Graph scene, it drives the dialog by places
# on the screen, known for 4.0.
conns=
case "$series" in
4.0)
    wireshark connections -r "$work/conn-states.pcap"
    main=$(window '^conn-states\.pcap$')
    sleep 2
    xdotool windowfocus --sync "$main" key alt+s
    sleep 1
    xdotool key --delay 50 $(printf 'Down %.0s' $(seq 11)) Return
    conns=$(window 'TCP Teardown Connections.*conn-states\.pcap')
    ;;
*)
    echo "gui-test: the connection table scene knows Wireshark 4.0's screen only: skipped on $series" >&2
    ;;
esac
if [ -n "$conns" ]; then
    xdotool windowsize --sync "$conns" 1500 620 windowmove --sync "$conns" 0 0
    sleep 2
    # table_rows NAME: click Copy, the rows the clipboard then holds into
    # out NAME, a line a row, its known cells separated by '|'.
    table_rows() {
        : | xclip -selection clipboard
        xdotool mousemove --window "$conns" 1264 596 click 1
        sleep 1
        timeout 10 xclip -o -selection clipboard >"$output_dir/connections-$1.txt"
        awk '/^-+$/ { rule++; next }
             rule == 1 { sub(/^ +/, ""); sub(/ +$/, ""); gsub(/  +/, "|"); print }' \
            "$output_dir/connections-$1.txt" >"$work/connections-$1.gui"
    }
    table_rows listed
    "$build_dir/tshark-teardown" -r "$work/conn-states.pcap" -2 -q -z teardown,conns,csv |
        awk -F, 'NR > 1 { out = ""
                          for (i = 1; i <= NF; i++) if ($i != "") {
                              if ($i ~ /^[0-9]+\.[0-9]+$/) $i = sprintf("%.6f", $i)
                              out = out (out == "" ? "" : "|") $i
                          }
                          print out }' >"$work/connections.tshark"
    if [ "$(wc -l <"$work/connections.tshark")" -ne 13 ] ||
       ! diff -u "$work/connections.tshark" "$work/connections-listed.gui" >&2; then
        echo "gui-test: the GUI's connection table differs from tshark's 13 rows (above)" >&2
        cat "$output_dir/connections-listed.txt" >&2
        exit 1
    fi
    # conn_state is the 8th column; the rows' own cells tell it apart.
    xdotool mousemove --window "$conns" 555 22 click 1
    sleep 1
    table_rows sorted
    states='^(S0|S1|SF|REJ|S2|S3|RSTO|RSTR|RSTOS0|RSTRH|SH|SHR|OTH)$'
    state_column() { awk -F '|' -v states="$states" '{ for (i = 1; i <= NF; i++) if ($i ~ states) { print $i; break } }' "$1"; }
    if ! diff -u <(state_column "$work/connections-listed.gui" | LC_ALL=C sort) \
                 <(state_column "$work/connections-sorted.gui") >&2 ||
       ! diff -u <(sort "$work/connections-listed.gui") <(sort "$work/connections-sorted.gui") >&2; then
        echo "gui-test: a click on conn_state does not sort the connection table by it (above)" >&2
        cat "$output_dir/connections-sorted.txt" >&2
        exit 1
    fi
    xdotool windowsize --sync "$conns" 1500 360
    sleep 1
    shoot "$conns" connections
fi
close

# The ladder: Statistics -> Flow Graph (the 18th item of the Statistics menu
# in 4.0) on the real four-way and three-way closes, limited to the display
# filter `teardown`: the seven teardown frames, each row in the profile's
# "Teardown step" color, and no other frame (the Flow Graph draws rows no
# coloring rule matched in light green).
wireshark ladder -r "$work/ladder.pcapng" -Y teardown
main=$(window '^ladder\.pcapng$')
sleep 2
# The scene drives the Flow Graph dialog by places on the screen, known for
# 4.0: later releases move its menu item (4.6) and its "Limit to display
# filter" box (4.4). Elsewhere it is skipped, saying so.
flow=
case "$series" in
4.0)
    xdotool windowfocus --sync "$main" key alt+s
    sleep 1
    xdotool key --delay 50 $(printf 'Down %.0s' $(seq 17)) Return
    flow=$(window 'Flow.*ladder\.pcapng')
    ;;
*)
    echo "gui-test: the Flow Graph scene knows Wireshark 4.0's screen only: skipped on $series" >&2
    ;;
esac
if [ -n "$flow" ]; then
    xdotool windowsize --sync "$flow" 1500 560 windowmove --sync "$flow" 0 0
    sleep 1
    xdotool mousemove --window "$flow" 17 501 click 1
    sleep 2
    shoot "$flow" flow-graph
    expect_pixels "$output_dir/flow-graph.png" FFD880 150000 220000 "the seven teardown frames must be the Flow Graph's rows"
    expect_pixels "$output_dir/flow-graph.png" 90EE90 0 0 "frames without teardown must be left out of the Flow Graph"
fi
close

# The timeline: the profile's I/O graphs ("TCP teardowns over time") on the
# lossy capture, opened at start (-z io,stat): the line of first FINs, and a
# bar for each of the six seconds in which an RST ended a stream (2, 4, 7,
# 10, 11 and 14 s: tshark -q -z io,stat,1 counts the same).
wireshark timeline -r "$work/lossy.pcapng" -z io,stat
iograph=$(window 'I/O Graphs.*lossy\.pcapng')
xdotool windowsize --sync "$iograph" 1100 760 windowmove --sync "$iograph" 0 0
sleep 3
shoot "$iograph" io-graph
expect_pixels "$output_dir/io-graph.png" E08000 100 5000 "the first FINs must be drawn as a line"
expect_pixels "$output_dir/io-graph.png" 800080 15000 60000 "six stream-ending RSTs must be drawn as bars"
close

echo "gui-test: the GUI shows the teardown fields, expert items and statistics; screenshots in $output_dir"
