#!/usr/bin/env bash
# run-all.sh: install what is missing, build with warnings as errors, run
# every test (unit, golden tshark runs, GUI, fuzzing, install, benchmark
# smoke), then build, install and remove the Debian package, then run all of
# that again in cached Debian roots (packaging/matrix.sh) for each of
# bookworm, trixie and sid (Wireshark 4.0, 4.4, 4.6) that this machine is not.
# CI runs exactly this.
# TEARDOWN_MATRIX=0 skips the matrix (it is what the matrix itself runs in
# each root).  The matrix also builds the package, its tests included, in a
# clean root per release, the host's too.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything the tests, the package test and the matrix need, counted first.
groups=(--tests --package)
[ "${TEARDOWN_MATRIX:-1}" = 0 ] || groups+=(--matrix)
packaging/install-deps.sh "${groups[@]}"
cmake -S . -B build -DTEARDOWN_WERROR=ON -DTEARDOWN_FUZZ=ON
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
# The package's own build-time test run would repeat what ctest just did.
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" env DEB_BUILD_OPTIONS=nocheck packaging/test-package.sh
echo "run-all: every test passed here, on Wireshark $(tshark -v 2>/dev/null | sed -n '1s/.* \([0-9][0-9.]*\).*/\1/p')"
[ "${TEARDOWN_MATRIX:-1}" != 0 ] || exit 0
# The other releases Debian ships, each in its own cached root; this
# machine's own release was just tested.
"${as_root[@]}" packaging/matrix.sh --skip-host
