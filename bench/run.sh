#!/usr/bin/env bash
# run.sh: what the teardown plugin adds to tshark's time and memory, against
# plain tshark and against the same bookkeeping in Lua (bench/teardown.lua).
#
# SPDX-License-Identifier: GPL-2.0-or-later
#
#   bench/run.sh [--sizes 100000,1000000] [--pairs 3] [--modes conv,fields,filter[,conns]]
#                [--callgrind-packets 20000 | --no-callgrind] [--build DIR]
#                [--gencap FILE] [--no-lua] [--smoke]
#
# Builds the plugin (Release, in build-bench/ unless --build names a built
# tree) and the capture generator (unless --gencap names one), writes the
# captures once into a cache outside the checkout, then for each size and
# mode runs plain tshark, tshark with the plugin and tshark with the Lua
# script in rotating order, --pairs rounds, and prints medians of the
# per-round ratios and the peak RSS.  Then it counts instructions per
# packet with callgrind, which drift less than time on a shared machine.  BENCHMARKS.md says what each column means.
#
# --no-lua: plain and plugin only, for sizes where the Lua runs would take
# hours (10M packets); the Lua columns then print "-".
#
# --smoke: a small capture, one round, one callgrind run; fails when a run
# fails or the plugin annotates nothing, and asserts no timing.  Then the
# memory budget, enforced: plain and plugin once more on 1M packets (conv),
# where the plugin's fixed cost is a few bytes a stream; fails above 320 B a
# stream.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
. "$root/test/lib.sh"
sizes=100000,1000000
pairs=3
modes=conv,fields,filter
callgrind_packets=20000
build=
gencap=
smoke=false
with_lua=true

while [ $# -gt 0 ]; do
    case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --pairs) pairs=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --callgrind-packets) callgrind_packets=$2; shift 2 ;;
    --no-callgrind) callgrind_packets=0; shift ;;
    --build) build=$2; shift 2 ;;
    --gencap) gencap=$2; shift 2 ;;
    --no-lua) with_lua=false; shift ;;
    --smoke) smoke=true; shift ;;
    *) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
if $smoke; then
    sizes=20000 pairs=1 callgrind_packets=2000
fi

cache=${BENCH_CACHE:-${TMPDIR:-/tmp}/teardown-bench-cache}
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache"
chmod a+rx "$cache" "$work"

log() { printf '%s\n' "$*" >&2; }

# What the plugin may add to tshark's peak RSS per stream, at 1M packets and
# beyond (BENCHMARKS.md).
budget_bytes_per_stream=320

# ---- Build ---------------------------------------------------------------
if [ -z "$build" ]; then
    build=$root/build-bench
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" --target teardown -j "$(nproc)" >/dev/null
fi
plugin=$(find "$build/plugins" -name teardown.so -path '*/epan/*' | head -n 1)
[ -n "$plugin" ] || { log "run.sh: no teardown.so under $build/plugins"; exit 1; }
series=$(basename "$(dirname "$(dirname "$plugin")")")
if [ -z "$gencap" ]; then
    gencap=$work/gencap
    "${CC:-cc}" -O2 -std=c11 -Wall -Wextra -o "$gencap" "$here/gencap.c"
fi

# ---- tshark as an unprivileged user, one HOME per variant ----------------
# Each variant gets a HOME of its own, with nothing else in it (test/lib.sh).
placed=$(teardown_place_plugin "$work/home-plugin" "$series" "$plugin")
cp "$here/teardown.lua" "$work/teardown.lua"
chmod -R a+rX "$work"
for variant in plain plugin lua; do
    teardown_user_home "$work/home-$variant"
done
loaded=$(teardown_loaded_plugin "$work/home-plugin")
if [ "$loaded" != "$placed" ]; then
    log "run.sh: tshark would load ${loaded:-no teardown.so}, not this build's $placed"
    exit 1
fi

# as VARIANT: sets run, the command prefix that runs as that variant's user
# and HOME, and lua, the options that load the Lua script (lua variant only).
as() {
    run=("${teardown_as_user[@]}" env HOME="$work/home-$1" XDG_CONFIG_HOME="$work/home-$1/.config")
    lua=()
    if [ "$1" = lua ]; then lua=(-X "lua_script:$work/teardown.lua"); fi
}

tshark_as() {
    as "$1"
    shift
    (cd "$work" && "${run[@]}" tshark "${lua[@]}" "$@")
}

# mode_args MODE VARIANT: the tshark options of a mode.  The plain run cannot
# name teardown fields, so it asks for TCP's instead.  conns is conv with the
# connection table open (its tap runs); Lua has no table, so its run is
# conv's: use conns with --no-lua.
mode_args() {
    case "$1:$2" in
    conv:*|conns:plain|conns:lua) echo "-q -z conv,tcp" ;;
    conns:plugin) echo "-q -z conv,tcp -z teardown,conns,csv" ;;
    fields:plain) echo "-T fields -e frame.number -e tcp.stream -e tcp.flags" ;;
    fields:*) echo "-T fields -e frame.number -e tcp.stream -e tcp.flags -e teardown.step -e teardown.role -e teardown.pattern" ;;
    filter:plain) echo "-Y tcp.flags.fin==1" ;;
    filter:*) echo "-Y teardown.step" ;;
    esac
}

# ---- Captures --------------------------------------------------------------
generator_id=$(sha1sum "$here/gencap.c" | cut -c1-10)
capture_for() {
    local packets=$1 file=$cache/gencap-$generator_id-p$1.pcap
    if [ ! -s "$file" ] || [ ! -s "$file.meta" ]; then
        log "generating $packets packets into $file"
        "$gencap" -o "$file.tmp" -p "$packets" -c 1000 -s 1 >"$file.meta.tmp"
        mv "$file.meta.tmp" "$file.meta"
        mv "$file.tmp" "$file"
    fi
    chmod a+r "$file" "$file.meta"
    echo "$file"
}

# ---- Timed runs --------------------------------------------------------------
# timed VARIANT MODE CAPTURE: prints "cpu_seconds peak_rss_kib"; fails with
# tshark.  CPU time (user + sys) drifts less than wall time when other work
# shares the machine; tshark dissects on one thread.
timed() {
    local variant=$1 mode=$2 capture=$3 out=$work/time.out
    as "$variant"
    # shellcheck disable=SC2046
    if ! (cd "$work" && /usr/bin/time -f '%U %S %M' -o "$out" "${run[@]}" tshark "${lua[@]}" \
            -r "$capture" $(mode_args "$mode" "$variant") >/dev/null 2>"$work/stderr"); then
        log "run.sh: tshark failed ($variant, $mode, $capture):"
        grep -v '^Running as user' "$work/stderr" >&2 || true
        return 1
    fi
    awk '{ printf "%.3f %d\n", $1 + $2, $3 }' "$out"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# column EXPRESSION: the median over the rounds of an awk expression of
# plain, plugin and Lua CPU seconds ($1-$3) and peak RSS in KiB ($4-$6).
column() { awk "{ print $1 }" "$work/rounds" | median; }

# lua_column EXPRESSION FORMAT: a column that involves the Lua run, or "-".
lua_column() {
    if $with_lua; then printf "$2" "$(column "$1")"; else echo -; fi
}

annotated_frames() {
    tshark_as "$1" -r "$2" -Y teardown -T fields -e frame.number 2>/dev/null | wc -l
}

printf '%-8s %-7s %5s | %8s %8s %8s | %7s %7s %9s | %7s %7s %7s | %9s %9s\n' \
    packets mode pairs plain_s plugin_s lua_s plugin/ lua/ own_p/own_l \
    rss_pl rss_pg rss_lua B/stream budget_B
IFS=, read -r -a size_list <<<"$sizes"
IFS=, read -r -a mode_list <<<"$modes"
for packets in "${size_list[@]}"; do
    capture=$(capture_for "$packets")
    streams=$(awk '$1 == "connections" { print $2 }' "$capture.meta")
    annotated=$(annotated_frames plugin "$capture")
    lua_annotated=-
    if $with_lua; then lua_annotated=$(annotated_frames lua "$capture"); fi
    log "$packets packets, $streams streams: the plugin annotates $annotated frames, the Lua script $lua_annotated"
    if [ "$annotated" -eq 0 ] || [ "$lua_annotated" = 0 ]; then
        log "run.sh: nothing annotated"
        exit 1
    fi
    for mode in "${mode_list[@]}"; do
        : >"$work/rounds"
        if $with_lua; then variants=(plain plugin lua); else variants=(plain plugin); fi
        # Without Lua, a zero Lua run keeps each row's shape; lua_column prints "-".
        echo "0 0" >"$work/run.lua"
        for ((round = 0; round < pairs; round++)); do
            for ((i = 0; i < ${#variants[@]}; i++)); do
                variant=${variants[(i + round) % ${#variants[@]}]}
                timed "$variant" "$mode" "$capture" >"$work/run.$variant"
            done
            paste -d ' ' "$work/run.plain" "$work/run.plugin" "$work/run.lua" |
                awk '{ print $1, $3, $5, $2, $4, $6 }' >>"$work/rounds"
        done
        # Memory per stream: the plugin's extra peak RSS over the streams.
        printf '%-8s %-7s %5s | %8.2f %8.2f %8s | %7.3f %7s %9s | %7.0f %7.0f %7s | %9.0f %9.0f\n' \
            "$packets" "$mode" "$pairs" "$(column '$1')" "$(column '$2')" "$(lua_column '$3' %.2f)" \
            "$(column '$2 / $1')" "$(lua_column '$3 / $1' %.3f)" "$(lua_column '($2 - $1) / ($3 - $1)' %.3f)" \
            "$(column '$4 / 1024')" "$(column '$5 / 1024')" "$(lua_column '$6 / 1024' %.0f)" \
            "$(column "(\$5 - \$4) * 1024 / $streams")" "$budget_bytes_per_stream"
    done
done

# ---- The memory budget, enforced by the smoke run ----------------------------
# At 20k packets the plugin's fixed cost (code, registrations, tables) still
# counts a few hundred bytes a stream; at 1M it counts about 5, and the peak
# RSS varies by about 100 KiB between identical runs, 1 B a stream.
if $smoke; then
    packets=1000000
    capture=$(capture_for "$packets")
    streams=$(awk '$1 == "connections" { print $2 }' "$capture.meta")
    plain=$(timed plain conv "$capture")
    plugin=$(timed plugin conv "$capture")
    per_stream=$(( ( ${plugin#* } - ${plain#* } ) * 1024 / streams ))
    echo
    echo "memory at $packets packets, $streams streams, conv: the plugin adds $per_stream B a stream" \
         "(budget $budget_bytes_per_stream B)"
    if [ "$per_stream" -gt "$budget_bytes_per_stream" ]; then
        log "run.sh: $per_stream B a stream is over the budget of $budget_bytes_per_stream B"
        exit 1
    fi
fi

# ---- Instructions per packet -------------------------------------------------
# Collected only inside epan_dissect_run_with_taps, tshark's per-packet entry,
# so start-up and file reading drop out; dissect_teardown is the plugin's own
# path within it (inclusive of the state machine and tree items).
if [ "$callgrind_packets" -gt 0 ]; then
    capture=$(capture_for "$callgrind_packets")
    if $smoke; then cg_modes=(conv) cg_variants=(plugin); else cg_modes=("${mode_list[@]}") cg_variants=(plain plugin); fi
    if $with_lua && ! $smoke; then cg_variants+=(lua); fi
    pids=()
    for mode in "${cg_modes[@]}"; do
        for variant in "${cg_variants[@]}"; do
            out=$work/callgrind.$mode.$variant
            touch "$out" && chmod a+w "$out"
            as "$variant"
            # shellcheck disable=SC2046
            (cd "$work" && "${run[@]}" valgrind -q --tool=callgrind --collect-atstart=no \
                --toggle-collect=epan_dissect_run_with_taps --callgrind-out-file="$out" \
                tshark "${lua[@]}" -r "$capture" $(mode_args "$mode" "$variant") \
                >/dev/null 2>"$out.stderr") &
            pids+=($!)
        done
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || { log "run.sh: a callgrind run failed"; cat "$work"/callgrind.*.stderr >&2; exit 1; }
    done
    echo
    printf '%-8s %-7s | %12s %12s %12s | %16s\n' packets mode plain_I/pkt plugin_I/pkt lua_I/pkt dissect_teardown
    for mode in "${cg_modes[@]}"; do
        per_packet() {
            local file=$work/callgrind.$mode.$1
            [ -s "$file" ] || { echo -; return; }
            awk -v n="$callgrind_packets" '/^totals:/ { printf "%.0f", $2 / n }' "$file"
        }
        own=$(callgrind_annotate --inclusive=yes "$work/callgrind.$mode.plugin" 2>/dev/null |
              awk -v n="$callgrind_packets" '/dissect_teardown / && !done { gsub(",", "", $1); printf "%.0f", $1 / n; done = 1 }')
        printf '%-8s %-7s | %12s %12s %12s | %16s\n' "$callgrind_packets" "$mode" \
            "$(per_packet plain)" "$(per_packet plugin)" "$(per_packet lua)" "${own:--}"
        if $smoke && [ -z "$own" ]; then
            log "run.sh: callgrind saw no dissect_teardown"
            exit 1
        fi
    done
fi
