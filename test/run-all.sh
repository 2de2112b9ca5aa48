#!/usr/bin/env bash
# run-all.sh: install what is missing, build with warnings as errors, run
# every test tier, then build, install and remove the Debian package, then
# run all of that again in cached Debian roots (packaging/matrix.sh) for
# each of bookworm, trixie and sid (Wireshark 4.0, 4.4, 4.6) that this
# machine is not.  CI runs exactly this.  Prints each tier's time at the end.
#
# The tiers are CTest labels (test/CMakeLists.txt):
#   quick  unit tests, goldens, consistency, statistics filters, the
#          documents' examples, preferences, registration, healthy captures,
#          install, decoy: what to run after each change
#   fuzz   libFuzzer and capture mutants under sanitizers, re-dissection
#   live   a live capture between two network namespaces (as root)
#   bench  the benchmark's smoke run and memory budget
#   gui    the real Wireshark GUI under Xvfb
# then the package test and the matrix, which are not CTest's.
#
# Usage: test/run-all.sh [--quick]
#   --quick  installs what building and the quick tier need, builds, and
#            runs the quick tier only (ctest --test-dir build -L quick).
# TEARDOWN_MATRIX=0 skips the matrix (it is what the matrix itself runs in
# each root).  The matrix also builds the package, its tests included, in a
# clean root per release, the host's too.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=no
case "${1:-}" in
"") ;;
--quick) quick=yes ;;
*) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

# Everything the tiers, the package test and the matrix need, counted first.
if [ "$quick" = yes ]; then
    groups=(--quick)
    tiers=(quick)
else
    groups=(--tests --package)
    [ "${TEARDOWN_MATRIX:-1}" = 0 ] || groups+=(--matrix)
    tiers=(quick fuzz live bench gui)
fi
packaging/install-deps.sh "${groups[@]}"

if [ "$quick" = yes ]; then
    cmake -S . -B build -DTEARDOWN_WERROR=ON
else
    cmake -S . -B build -DTEARDOWN_WERROR=ON -DTEARDOWN_FUZZ=ON
fi
cmake --build build -j "$(nproc)"

# A test outside every tier would never run here.
unlabelled=$(ctest --test-dir build -N -LE '^(quick|fuzz|live|bench|gui)$' | sed -n 's/^ *Test *#[0-9]*: //p')
if [ -n "$unlabelled" ]; then
    echo "run-all: tests without a tier label (test/CMakeLists.txt): $(echo $unlabelled)" >&2
    exit 1
fi

summary=() failed=() total=0
started=$SECONDS
# minutes SECONDS: e.g. "4 min 05 s".
minutes() { printf '%d min %02d s' $(($1 / 60)) $(($1 % 60)); }
# tier NAME COMMAND...: runs COMMAND, timed, into the summary.
tier() {
    local name=$1 start=$SECONDS log status=0 count skipped what= result=passed
    shift
    log=$(mktemp "${TMPDIR:-/tmp}/teardown-run-all.XXXXXX")
    "$@" 2>&1 | tee "$log" || status=$?
    count=$(sed -n 's/.*tests failed out of \([0-9]*\)$/\1/p' "$log" | tail -n 1)
    skipped=$(grep -c '(Skipped)$' "$log" || true)
    rm -f "$log"
    if [ -n "$count" ]; then
        total=$((total + count))
        what="$count tests"
        [ "$skipped" -eq 0 ] || what+=", $skipped skipped"
    fi
    if [ "$status" -ne 0 ]; then
        result=FAILED
        failed+=("$name")
    fi
    summary+=("$(printf '%-8s %-6s %13s  %s' "$name" "$result" "$(minutes $((SECONDS - start)))" "$what")")
}
for label in "${tiers[@]}"; do
    tier "$label" ctest --test-dir build --output-on-failure -j "$(nproc)" -L "^$label\$"
done
if [ "$quick" = no ]; then
    # The package's own build-time test run would repeat what ctest just did.
    tier package "${as_root[@]}" env DEB_BUILD_OPTIONS=nocheck packaging/test-package.sh
    if [ "${TEARDOWN_MATRIX:-1}" != 0 ]; then
        if [ ${#failed[@]} -eq 0 ]; then
            # The other releases Debian ships, each in its own cached root;
            # this machine's own release was just tested.
            tier matrix "${as_root[@]}" packaging/matrix.sh --skip-host
        else
            summary+=("$(printf '%-8s not run: a tier failed here' matrix)")
        fi
    fi
fi

echo
printf 'run-all: %s\n' "${summary[@]}"
echo "run-all: total $(minutes $((SECONDS - started)))"
version=$(tshark -v 2>/dev/null | sed -n '1s/.* \([0-9][0-9.]*[0-9]\).*/\1/p')
if [ ${#failed[@]} -gt 0 ]; then
    echo "run-all: FAILED: ${failed[*]} (on Wireshark $version)"
    exit 1
fi
echo "run-all: every test passed here, on Wireshark $version ($total CTest tests)"
