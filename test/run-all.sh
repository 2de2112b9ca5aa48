#!/usr/bin/env bash
# run-all.sh: install what is missing, build with warnings as errors, run
# every test (unit, golden tshark runs, GUI, fuzzing, install, benchmark
# smoke), then build, install and remove the Debian package.  CI runs exactly
# this.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh
cmake -S . -B build -DTEARDOWN_WERROR=ON
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
# The package's own build-time test run would repeat what ctest just did.
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
"${as_root[@]}" env DEB_BUILD_OPTIONS=nocheck packaging/test-package.sh
