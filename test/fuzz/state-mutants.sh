#!/usr/bin/env bash
# state-mutants.sh: the state-machine fuzzer catches real mistakes.  Each
# mutant is plugin/teardown_state.c with one line changed, built with the
# harness in a temporary directory and fuzzed from seeds/ for at most
# SECONDS; each must break one of the harness's invariants.  The checkout
# is left as it was.
#
# Usage: state-mutants.sh CLANG SECONDS CORE_SOURCE...
# CORE_SOURCE: the core's sources (plugin/CMakeLists.txt, teardown_state),
# teardown_state.c among them.  One line per mutant, "caught" or why not.
set -euo pipefail
clang=$1 seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
plugin=$here/../../plugin

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-mutants.XXXXXX")
trap 'rm -rf "$work"' EXIT
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I"$plugin")

# What does not change is compiled once.
objects=()
for source in "$@"; do
    [ "$(basename "$source")" = teardown_state.c ] && continue
    "$clang" "${flags[@]}" -c "$source" -o "$work/$(basename "$source" .c).o"
    objects+=("$work/$(basename "$source" .c).o")
done
"$clang" "${flags[@]}" -c "$here/fuzz_teardown_state.c" -o "$work/harness.o"

failed=0
# mutant NAME SED_EXPRESSION: the rule it breaks is in NAME.
mutant() {
    local name=$1 expression=$2 program=$work/$1
    sed "$expression" "$plugin/teardown_state.c" > "$program.c"
    if cmp -s "$plugin/teardown_state.c" "$program.c"; then
        echo "$name: not applied, the line it changes is gone"
        failed=1
        return
    fi
    "$clang" "${flags[@]}" "$program.c" "${objects[@]}" "$work/harness.o" -o "$program"
    mkdir "$program.corpus"
    # libFuzzer adds what it finds to the first directory: never seeds/.
    if "$program" -seed=1 -max_total_time="$seconds" -rss_limit_mb=1024 -artifact_prefix="$program." \
        "$program.corpus" "$here/seeds" > "$program.log" 2>&1; then
        echo "$name: not caught in $seconds s"
        failed=1
    elif grep -q 'invariant broken' "$program.log"; then
        echo "$name: caught: $(grep -m 1 'invariant broken' "$program.log")"
    else
        echo "$name: crashed without breaking an invariant"
        tail -n 5 "$program.log"
        failed=1
    fi
}

mutant ack-at-fin-covers-it 's/if (beyond < 0 || peer->ack_frame != 0/if (beyond < -1 || peer->ack_frame != 0/'
mutant pattern-said-twice 's/^    if (connection->pattern != TEARDOWN_PATTERN_NONE ||$/    if (/'
mutant rst-as-step 's/^        handle_reset(connection, segment, out, rst);$/& handle_ack(connection, segment, \&before, false, out);/'
mutant alive-said-twice 's/own->rst_frame == 0 || own->alive_frame != 0 ||/own->rst_frame == 0 ||/'
mutant resent-fin-as-step-1 's/^            out->steps |= TEARDOWN_STEP(own->fin_step);$/            out->steps |= TEARDOWN_STEP(1);/'
exit "$failed"
