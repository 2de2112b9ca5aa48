#!/usr/bin/env bash
# run-all.sh: install what is missing, build with warnings as errors, and run
# every test (unit, golden tshark runs, install).  CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh
cmake -S . -B build -DTEARDOWN_WERROR=ON
cmake --build build -j "$(nproc)"
ctest --test-dir build --output-on-failure -j "$(nproc)"
