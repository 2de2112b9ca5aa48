#!/usr/bin/env bash
# run-checked.sh: run tshark-teardown with tshark under a memory checker, or
# sharkd in tshark's place.
#
# Usage: run-checked.sh MODE LOG_DIR TSHARK_TEARDOWN [options...]
#   asan      tshark with libasan preloaded ($TEARDOWN_LIBASAN), for a
#             TSHARK_TEARDOWN that holds the plugin built with
#             -fsanitize=address,undefined; reports go to LOG_DIR/asan.PID
#   memcheck  tshark under valgrind; reports go to LOG_DIR/memcheck.PID
#   sharkd    sharkd (the GUI's engine: loads, reloads, single-frame
#             requests on stdin), with no checker
# TSHARK_TEARDOWN runs, as user nobody, whatever `tshark` PATH names, with
# the plugin in place; a shim first in PATH wraps the real program, so the
# checker watches tshark alone and not the wrapper's cp and mktemp.
# Wireshark unloads plugins before valgrind lists leaks: --keep-debuginfo
# keeps the plugin's frames named in those stacks.
# WIRESHARK_DEBUG_WMEM_OVERRIDE=simple makes every wmem allocation a malloc
# of its own, which the checkers can see overflow or leak (Wireshark's own
# fuzz and valgrind scripts do the same).
set -euo pipefail
mode=$1 logs=$2 tshark_teardown=$3
shift 3

shim=$(mktemp -d "${TMPDIR:-/tmp}/teardown-shim.XXXXXX")
trap 'rm -rf "$shim"' EXIT
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
*)  echo "run-checked.sh: MODE is asan, memcheck or sharkd" >&2; exit 2 ;;
esac
printf '#!/bin/sh\nexec env WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc %s "$@"\n' \
    "$wrapped" > "$shim/tshark"
chmod 755 "$shim" "$shim/tshark"
PATH="$shim:$PATH" "$tshark_teardown" "$@"
