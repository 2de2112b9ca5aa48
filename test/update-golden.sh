#!/usr/bin/env bash
# update-golden.sh: rewrite every golden file, those listed in test/TESTLIST
# and those of stats-filters.sh's cases, from the current build (keeping
# each file's '#' comment lines).  Read the diff and
# check each changed value against the packets before committing it.
# Usage: test/update-golden.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
export TZ=UTC TEARDOWN_UPDATE_GOLDEN=1
grep -v -e '^#' -e '^[[:space:]]*$' "$here/TESTLIST" |
while read -r name view capture passes options; do
    # shellcheck disable=SC2086 # the options are words
    "$here/golden.sh" "$build/tshark-teardown" "$name" "$view" "$capture" "$passes" $options
done
"$here/stats-filters.sh" "$build/tshark-teardown"
