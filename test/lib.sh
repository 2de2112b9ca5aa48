# lib.sh: shell logic the tests, the benchmark and the packaging scripts
# share; sourced.
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

teardown_any_check() {
    teardown_checks "$@" | sed 's/^/teardown./' | paste -s -d '|' | sed 's/|/ || /g'
}

teardown_as_user=()
[ "$(id -u)" -ne 0 ] || teardown_as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)

teardown_user_home() {
    mkdir -p "$1"
    chmod -R a+rX "$1"
    if [ "$(id -u)" -eq 0 ]; then
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
