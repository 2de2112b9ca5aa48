# lib.sh: shell logic the tests, the benchmark and the packaging scripts
# share; sourced.  First how to find and run the plugin, then how tests look
# at its output (the views).
#
#   teardown_checks [SEVERITY...]
#       the name of every check (its filter is teardown.NAME), one a line, in
#       the order of plugin/teardown_checks.h, the one place checks are
#       declared; only those of the given severities (WARN, ERROR...) if any.
#       A name two severities share (one expert item each) is listed once.
#   teardown_capture_end_checks
#       the names of the checks decided once the whole capture was read
#       (TEARDOWN_CAPTURE_END_CHECKS of plugin/teardown_state.h), one a line:
#       one pass never reports them.
#   teardown_cache_lists
#       reads both lists above once, into teardown_check_list and
#       teardown_end_check_list (names separated by blanks), which the views
#       then use instead of reading the headers at every call: for a script
#       that looks at many views.
#   teardown_any_check SEVERITY...
#       a display filter matching a frame where such a check failed.
#   teardown_user_home DIR
#       makes DIR, and all it holds, the user's that tshark runs as (see
#       teardown_run), readable by everyone.
#   teardown_place_plugin HOME SERIES PLUGIN
#       puts PLUGIN where Wireshark SERIES (X.Y) looks for the personal
#       plugins of HOME; prints the path it is placed at.
#   teardown_run HOME COMMAND...
#       runs COMMAND in HOME with that HOME.  Wireshark ignores personal
#       plugins (and WIRESHARK_PLUGIN_DIR) for root, so as root the command
#       runs as the unprivileged user nobody; every file it reads must be
#       readable by that user.  teardown_as_user holds the command prefix
#       that switches to that user (empty unless root).
#   teardown_loaded_plugin HOME
#       the path of the teardown.so that tshark run by teardown_run HOME
#       loads, as `tshark -G plugins` lists it; empty if none.
#   teardown_global_plugin_dir SERIES DEFAULT
#       the global plugin folder tshark will read: WIRESHARK_PLUGIN_DIR's
#       SERIES subfolder when that is set, DEFAULT otherwise.
#   teardown_checked MODE LOG_DIR COMMAND...
#       runs COMMAND (tshark-teardown, or a program that runs it) with a
#       stand-in for tshark first in PATH, so that a checker watches tshark
#       alone and not tshark-teardown's cp and mktemp:
#         asan      tshark with libasan preloaded ($TEARDOWN_LIBASAN), for a
#                   tshark-teardown whose plugin is built with
#                   -fsanitize=address,undefined; reports go to LOG_DIR/asan.PID
#         memcheck  tshark under valgrind; reports go to LOG_DIR/memcheck.PID
#                   (--keep-debuginfo names the plugin's frames in leak
#                   stacks, although Wireshark unloads plugins before)
#         sharkd    sharkd in tshark's place (the GUI's engine: loads,
#                   reloads, single-frame requests on stdin), no checker
#       WIRESHARK_DEBUG_WMEM_OVERRIDE=simple makes every wmem allocation a
#       malloc of its own, which the checkers can see overflow or leak (as in
#       Wireshark's own fuzz and valgrind scripts).
#   teardown_plugin_reports PATTERN LOG_FILE...
#       how many reports in valgrind or ASan log files match PATTERN and name
#       the plugin: a report is a block of lines between blank ones (valgrind
#       prefixes each line with ==PID==).  PATTERN is one of
#       teardown_memcheck_errors, teardown_memcheck_leaks and
#       teardown_sanitizer_errors.
#   teardown_golden GOLDEN ACTUAL
#       compares ACTUAL (text) with the file GOLDEN but for its leading '#'
#       lines, which say why the values are right: prints the difference and
#       fails when they differ or GOLDEN is missing.  With
#       TEARDOWN_UPDATE_GOLDEN=1 it rewrites GOLDEN instead, keeping those
#       lines.
#
# The views, each of TSHARK_TEARDOWN (build/tshark-teardown) on CAPTURE in
# PASSES 1 (tshark -r) or 2 (tshark -2: forward links, final pattern),
# with any further tshark options:
#   fields_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       one tab-separated line per frame with every teardown field; flags and
#       expert items print as their names, joined, e.g. "retransmission".
#   times_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       one tab-separated line per frame with what is said of time and
#       reuse: idle time and the idle timer it matches, the ACK, close and
#       last-ACK delays, how long a teardown stayed unfinished, the stream
#       and gap a SYN reuses, the TIME-WAIT holder and the answer, and the
#       expert items of these by name.
#   rst_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       one tab-separated line per frame with what is said of RSTs: the RST's
#       TTL or hop limit, its sender's usual one, origin, alive frame, cause,
#       and the expert items rst_ttl_mismatch and rst_sender_alive by name.
#   all_views DIR TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       the three views above from a single tshark run, into DIR/fields,
#       DIR/times and DIR/rst, and from the same run the statistics tree as
#       stats_view reads it, into DIR/stats (counted while the fields' tree
#       is built, where stats_view counts without a tree).
#   tree_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       the teardown subtree (steps in words, expert messages) of every
#       annotated frame.
#   stats_view TSHARK_TEARDOWN CAPTURE PASSES [FILTER]
#       the non-zero counts of tshark -z teardown,tree[,FILTER] as
#       "node<TAB>count" lines, a child as "parent / child", a grandchild as
#       "parent / child / grandchild", in the order tshark prints them: the
#       tree's own order is part of what is tested.
#   without_capture_end [COLUMN...]
#       a stats_view's or fields_view's lines without what only the end of
#       the capture tells: the rows "At the end of the capture", and in the
#       experts column (the last) the checks of teardown_capture_end_checks;
#       and the COLUMNs (numbers) emptied but in the header line.
#   flow_view TSHARK_TEARDOWN CAPTURE PASSES
#       the ladder of the teardown frames as tshark prints Wireshark's Flow
#       Graph (-z flow,any,standard,teardown): the Info text, with the
#       plugin's step and role, is each arrow's comment.  Trailing blanks cut.
#   conns_view TSHARK_TEARDOWN CAPTURE PASSES
#       the connection table as CSV, one line per connection, from the command
#       the README documents under "One row per connection" (its first sh
#       block), run as it is written with this build's tshark for `tshark`,
#       CAPTURE for `capture.pcapng`, and without -2 for one pass.

teardown_source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

teardown_checks() {
    sed -n 's/^[[:space:]]*X([A-Z0-9_]*, *\([a-z0-9_]*\), *[A-Z_]*, *\([A-Z]*\),.*/\1 \2/p' \
        "$teardown_source_dir/plugin/teardown_checks.h" |
    awk -v wanted="$*" '
        BEGIN { n = split(wanted, list, " "); for (i = 1; i <= n; i++) keep[list[i]] = 1 }
        (n == 0 || $2 in keep) && !seen[$1]++ { print $1 }'
}

teardown_capture_end_checks() {
    local ids
    ids=$(sed -n '/^#define TEARDOWN_CAPTURE_END_CHECKS/,/[^\\]$/p' "$teardown_source_dir/plugin/teardown_state.h" |
          grep -o 'TEARDOWN_CHECK_[A-Z0-9_]*' | sed 's/^TEARDOWN_CHECK_//')
    sed -n 's/^[[:space:]]*X(\([A-Z0-9_]*\), *\([a-z0-9_]*\),.*/\1 \2/p' \
        "$teardown_source_dir/plugin/teardown_checks.h" |
    awk -v ids="$ids" 'BEGIN { n = split(ids, list, "\n"); for (i = 1; i <= n; i++) end[list[i]] = 1 }
                       $1 in end && !seen[$2]++ { print $2 }'
}

teardown_cache_lists() {
    teardown_check_list=$(teardown_checks | tr '\n' ' ')
    teardown_end_check_list=$(teardown_capture_end_checks | tr '\n' ' ')
}

teardown_any_check() {
    teardown_checks "$@" | sed 's/^/teardown./' | paste -s -d '|' | sed 's/|/ || /g'
}

teardown_as_user=()
[ "$EUID" -ne 0 ] || teardown_as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)

teardown_user_home() {
    mkdir -p "$1"
    chmod -R a+rX "$1"
    if [ "$EUID" -eq 0 ]; then
        chown -R 65534:65534 "$1"
    fi
}

teardown_place_plugin() {
    local dir="$1/.local/lib/wireshark/plugins/$2/epan"
    mkdir -p "$dir"
    cp "$3" "$dir/teardown.so"
    echo "$dir/teardown.so"
}

teardown_run() {
    local home=$1
    shift
    (cd "$home" && "${teardown_as_user[@]}" env HOME="$home" XDG_CONFIG_HOME="$home/.config" "$@")
}

teardown_loaded_plugin() {
    teardown_run "$1" tshark -G plugins 2>/dev/null |
        awk -F '\t' '$1 ~ /^teardown\.so[[:space:]]*$/ { print $NF }'
}

teardown_global_plugin_dir() {
    if [ -n "${WIRESHARK_PLUGIN_DIR:-}" ]; then
        echo "$WIRESHARK_PLUGIN_DIR/$1"
    else
        echo "$2"
    fi
}

teardown_checked() (
    mode=$1 logs=$2
    shift 2
    case "$mode" in
    asan)
        : "${TEARDOWN_LIBASAN:?set TEARDOWN_LIBASAN to the libasan.so the plugin was built against}"
        wrapped="LD_PRELOAD=$TEARDOWN_LIBASAN \
ASAN_OPTIONS=detect_leaks=0:log_path=$logs/asan:exitcode=86 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$logs/asan \
$(command -v tshark)" ;;
    memcheck)
        wrapped="$(command -v valgrind) --tool=memcheck --leak-check=full --keep-debuginfo=yes \
--show-leak-kinds=definite,indirect,possible --num-callers=40 \
--log-file=$logs/memcheck.%p $(command -v tshark)" ;;
    sharkd)
        wrapped=$(command -v sharkd) ;;
    *)  echo "teardown_checked: MODE is asan, memcheck or sharkd" >&2; exit 2 ;;
    esac
    # Called in a condition, where set -e does not hold: without the stand-in,
    # tshark would run unchecked.
    shim=$(mktemp -d "${TMPDIR:-/tmp}/teardown-shim.XXXXXX") || exit 2
    trap 'rm -rf "$shim"' EXIT
    printf '#!/bin/sh\nexec env WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc %s "$@"\n' \
        "$wrapped" > "$shim/tshark" && chmod 755 "$shim" "$shim/tshark" || exit 2
    PATH="$shim:$PATH" "$@"
)

teardown_plugin_reports() {
    local pattern=$1
    shift
    awk -v pattern="$pattern" '
        /^(==[0-9]+== )?$/ { if (block ~ pattern && block ~ /teardown/) n++; block = ""; next }
        { block = block "\n" $0 }
        END { if (block ~ pattern && block ~ /teardown/) n++; print n + 0 }' "$@" /dev/null
}

teardown_memcheck_errors='(Invalid|uninitialised|Mismatched|overlap|Syscall param)'
teardown_memcheck_leaks='lost in loss record'
teardown_sanitizer_errors='ERROR: AddressSanitizer|runtime error'

teardown_golden() {
    local golden=$1 actual=$2
    if [ "${TEARDOWN_UPDATE_GOLDEN:-0}" = 1 ]; then
        { [ -f "$golden" ] && grep '^#' "$golden" || true; printf '%s\n' "$actual"; } > "$golden.new"
        mv "$golden.new" "$golden"
        echo "updated $golden"
        return 0
    fi
    [ -f "$golden" ] || { echo "no golden file $golden" >&2; return 1; }
    if ! diff -u <(grep -v '^#' "$golden") <(printf '%s\n' "$actual"); then
        echo "$golden differs (- expected, + actual)" >&2
        return 1
    fi
}

# ---- Views -------------------------------------------------------------------

pass_options() {
    case "$1" in
    1) ;;
    2) echo "-2" ;;
    *) echo "PASSES must be 1 or 2, not '$1'" >&2; return 2 ;;
    esac
}

teardown_flag_fields=(retransmission half_close initiator_by_port)
# The checks the times view shows: the timers', those decided at the end of
# the capture, and reuse.
teardown_time_experts() {
    echo idle_timer_close slow_close ${teardown_end_check_list:-$(teardown_capture_end_checks)} reuse_in_time_wait
}

# view_fields VIEW: the tshark fields of the fields, times or rst view, in
# the order of its formatter's columns.
view_fields() {
    case "$1" in
    fields)
        printf '%s\n' frame.number tcp.stream teardown.step teardown.role teardown.initiator \
            teardown.pattern teardown.fin_frame teardown.ack_frame teardown.original_frame \
            teardown.expected_ack teardown.expected_seq teardown.duration
        printf 'teardown.%s\n' "${teardown_flag_fields[@]}"
        printf 'teardown.%s\n' ${teardown_check_list:-$(teardown_checks)} ;;
    times)
        printf '%s\n' frame.number tcp.stream teardown.idle teardown.idle_timer teardown.ack_delay \
            teardown.close_delay teardown.last_ack_delay teardown.unfinished_for teardown.reuse.stream \
            teardown.reuse.gap teardown.reuse.time_wait_holder teardown.reuse.answer
        printf 'teardown.%s\n' $(teardown_time_experts) ;;
    rst)
        printf '%s\n' frame.number tcp.stream teardown.rst.ttl teardown.rst.expected_ttl teardown.rst.origin \
            teardown.rst.alive_frame teardown.rst.cause teardown.rst_ttl_mismatch teardown.rst_sender_alive ;;
    *) echo "view_fields: VIEW is fields, times or rst" >&2; return 2 ;;
    esac
}

# view_format VIEW: tshark -T fields lines of view_fields VIEW in, the view
# out.
view_format() {
    case "$1" in
    fields)
        awk -F '\t' -v flags="${teardown_flag_fields[*]}" -v experts="${teardown_check_list:-$(teardown_checks | tr '\n' ' ')}" '
            function names(first, list,    n, i, out, name) {
                n = split(list, name, " ")
                out = ""
                for (i = 1; i <= n; i++)
                    if ($(first + i - 1) != "")
                        out = out (out == "" ? "" : ",") name[i]
                return out
            }
            BEGIN {
                OFS = "\t"
                print "frame", "stream", "step", "role", "initiator", "pattern", "fin_frame",
                      "ack_frame", "original", "exp_ack", "exp_seq", "duration", "flags", "experts"
                nflags = split(flags, unused, " ")
            }
            {
                # tcp.stream only where the plugin spoke: on other frames it is
                # Wireshark'"'"'s, and releases differ on truncated headers.
                annotated = $4 != ""
                print $1, annotated ? $2 : "", $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                      names(13, flags), names(13 + nflags, experts)
            }' ;;
    times)
        awk -F '\t' -v OFS='\t' -v experts="$(teardown_time_experts)" '
            BEGIN {
                print "frame", "stream", "idle", "timer", "ack_delay", "close_delay", "last_ack_delay",
                      "unfinished_for", "reuse", "gap", "holder", "answer", "experts"
                n = split(experts, name, " ")
            }
            {
                out = ""
                for (i = 1; i <= n; i++)
                    if ($(12 + i) != "")
                        out = out (out == "" ? "" : ",") name[i]
                spoke = out != ""
                for (i = 3; i <= 12; i++)
                    spoke = spoke || $i != ""
                # tcp.stream only where the plugin said something of time or reuse.
                print $1, spoke ? $2 : "", $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, out
            }' ;;
    rst)
        awk -F '\t' -v OFS='\t' '
            BEGIN { print "frame", "stream", "ttl", "exp_ttl", "origin", "alive_frame", "cause", "experts" }
            {
                experts = ($8 != "" ? "rst_ttl_mismatch" : "")
                if ($9 != "")
                    experts = experts (experts == "" ? "" : ",") "rst_sender_alive"
                # tcp.stream only where the plugin spoke of an RST.
                spoke = $5 != "" || experts != ""
                print $1, spoke ? $2 : "", $3, $4, $5, $6, $7, experts
            }' ;;
    esac
}

# tshark_fields TSHARK_TEARDOWN CAPTURE PASSES FIELDS [tshark options...]:
# tshark -T fields of the fields FIELDS lists (one a line), every occurrence.
tshark_fields() {
    local tshark_teardown=$1 capture=$2 passes=$3 fields=$4 opts=() f
    shift 4
    for f in $fields; do
        opts+=(-e "$f")
    done
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") "$@" -T fields -E occurrence=a "${opts[@]}"
}

single_view() {
    local view=$1 tshark_teardown=$2 capture=$3 passes=$4
    shift 4
    tshark_fields "$tshark_teardown" "$capture" "$passes" "$(view_fields "$view")" "$@" | view_format "$view"
}
fields_view() { single_view fields "$@"; }
times_view() { single_view times "$@"; }
rst_view() { single_view rst "$@"; }

# tshark prints each field once, however often it is asked for, so the run
# asks for the union of the views' fields and each view takes its columns
# back out of it.
all_views() {
    local dir=$1 tshark_teardown=$2 capture=$3 passes=$4 union view
    shift 4
    union=$(for view in fields times rst; do view_fields "$view"; done | awk '!seen[$0]++')
    tshark_fields "$tshark_teardown" "$capture" "$passes" "$union" "$@" \
        -o statistics.st_enable_burstinfo:FALSE -z teardown,tree > "$dir/all"
    # Every frame's line holds its number; the statistics follow a blank
    # line.  Each view's columns go to a file of their own.
    awk -F '\t' -v OFS='\t' -v dir="$dir" -v union="${union//$'\n'/ }" \
        -v fields="$(view_fields fields)" -v times="$(view_fields times)" -v rst="$(view_fields rst)" '
        BEGIN {
            n = split(union, all, " ")
            for (i = 1; i <= n; i++) column[all[i]] = i
            views["fields"] = fields; views["times"] = times; views["rst"] = rst
            for (view in views) {
                count[view] = split(views[view], want, "\n")
                for (i = 1; i <= count[view]; i++) take[view, i] = column[want[i]]
            }
        }
        statistics { print > (dir "/statistics"); next }
        /^$/ { statistics = 1; next }
        {
            for (view in views) {
                line = $(take[view, 1])
                for (i = 2; i <= count[view]; i++) line = line OFS $(take[view, i])
                print line > (dir "/rows." view)
            }
        }' "$dir/all"
    for view in fields times rst; do
        touch "$dir/rows.$view"
        view_format "$view" < "$dir/rows.$view" > "$dir/$view"
    done
    touch "$dir/statistics"
    stats_format < "$dir/statistics" > "$dir/stats"
}

tree_view() {
    local tshark_teardown=$1 capture=$2 passes=$3
    shift 3
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") "$@" -Y teardown -V -O teardown |
    awk '
        /^Frame [0-9]+:/                { frame = $1 " " $2; next }
        /^\[?TCP Connection Teardown/   { print frame; inside = 1; print; next }
        /^[^ ]/ || /^$/                 { inside = 0; next }
        inside                          { print }'
}

stats_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 filter=${4:-}
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") -o statistics.st_enable_burstinfo:FALSE -q \
        -z "teardown,tree${filter:+,$filter}" | stats_format
}

# stats_format: tshark's printed statistics tree in, stats_view's lines out.
stats_format() {
    sed -nE 's/^( *)([^ ].*[^ ]) {2,}(-?[0-9]+) .*/\1\2\t\3/p' |
    awk -F '\t' -v OFS='\t' '
        {
            depth = match($1, /[^ ]/) - 1
            path[depth] = substr($1, depth + 1)
            name = path[0]
            for (i = 1; i <= depth; i++)
                name = name " / " path[i]
            if ($2 != 0)
                print name, $2
        }'
}

without_capture_end() {
    awk -F '\t' -v OFS='\t' -v end_checks="${teardown_end_check_list:-$(teardown_capture_end_checks | tr '\n' ' ')}" \
        -v blank="$*" '
        BEGIN {
            n = split(end_checks, list, " "); for (i = 1; i <= n; i++) end[list[i]] = 1
            nblank = split(blank, blanked, " ")
        }
        /^At the end of the capture/ { next }
        {
            if (NR > 1) for (i = 1; i <= nblank; i++) $(blanked[i]) = ""
            k = split($NF, checks, ",")
            kept = ""
            for (i = 1; i <= k; i++)
                if (!(checks[i] in end))
                    kept = kept (kept == "" ? "" : ",") checks[i]
            if (k > 0) $NF = kept
            print
        }'
}

flow_view() {
    local tshark_teardown=$1 capture=$2 passes=$3
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") -q -z flow,any,standard,teardown |
    sed 's/[[:space:]]*$//'
}

conns_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 readme command
    readme="$(dirname "${BASH_SOURCE[0]}")/../README.md"
    pass_options "$passes" >/dev/null || return 2
    command=$(awk '/^#+ One row per connection/ { section = 1; next }
                   section && /^```sh$/ { inside = 1; next }
                   inside && /^```$/ { exit }
                   inside { print }' "$readme")
    [ -n "$command" ] || { echo "conns_view: no sh block under \"One row per connection\" in README.md" >&2; return 2; }
    [[ $command == *" -2 "* ]] || { echo "conns_view: the README's command should read the capture in two passes (-2)" >&2; return 2; }
    command=${command//capture.pcapng/'"$capture"'}
    [ "$passes" = 2 ] || command=${command/ -2 / }
    tshark() { "$tshark_teardown" "$@"; }
    eval "$command"
    unset -f tshark
}
