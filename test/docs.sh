#!/usr/bin/env bash
# docs.sh: the checks table of doc/behaviour.md lists every check of
# plugin/teardown_checks.h, in its order and no other, so the document a
# user reads cannot fall behind the plugin.
# Usage: docs.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
doc="$teardown_source_dir/doc/behaviour.md"

documented=$(sed -n '/^## Checks/,/^## /s/^| `teardown\.\([a-z0-9_]*\)` |.*/\1/p' "$doc")
if ! diff -u <(teardown_checks) <(printf '%s\n' "$documented"); then
    echo "docs: the checks table of doc/behaviour.md differs from plugin/teardown_checks.h (- header, + document)" >&2
    exit 1
fi
echo "docs: doc/behaviour.md lists the $(teardown_checks | wc -l) checks of plugin/teardown_checks.h"
