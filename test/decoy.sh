#!/usr/bin/env bash
# decoy.sh: with another teardown.so in the global plugin folder, which
# Wireshark loads instead of a personal one with only a warning, every way the
# tests run this build fails and names the decoy: tshark-teardown, the
# registration test and the GUI test.  The decoy is a copy of this very build,
# so only where it was loaded from tells them apart.  The global folder is a
# throwaway one (WIRESHARK_PLUGIN_DIR replaces it for unprivileged users), so
# the system's is never touched.
# Usage: decoy.sh BUILD_DIR
set -euo pipefail
build_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
fail() { echo "decoy: $*" >&2; exit 1; }

plugin=$(find "$build_dir/plugins" -path '*/epan/teardown.so' | head -n 1)
[ -n "$plugin" ] || fail "no teardown.so under $build_dir/plugins; build first"
series=$(basename "$(dirname "$(dirname "$plugin")")")
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-decoy.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$build_dir/tshark-teardown" -G plugins >/dev/null || fail "tshark-teardown fails even without a decoy"

decoy="$work/global/$series/epan/teardown.so"
mkdir -p "$(dirname "$decoy")"
cp "$plugin" "$decoy"
chmod -R a+rX "$work"
export WIRESHARK_PLUGIN_DIR="$work/global"

# expect_refusal WHAT COMMAND...: COMMAND fails and its messages name the decoy.
expect_refusal() {
    local what=$1 status=0
    shift
    "$@" >"$work/out" 2>&1 || status=$?
    if [ "$status" -eq 0 ] || ! grep -qF "$decoy" "$work/out"; then
        cat "$work/out" >&2
        fail "$what ran with the decoy $decoy in the global plugin folder (status $status, output above)"
    fi
    echo "decoy: $what refuses the decoy: $(grep -F "$decoy" "$work/out" | head -n 1)"
}
expect_refusal tshark-teardown "$build_dir/tshark-teardown" -G plugins
expect_refusal "the registration test" "$here/registration.sh" "$build_dir/tshark-teardown" "$here/fields.expected"
expect_refusal "the GUI test" "$here/gui/gui-test.sh" "$build_dir" "$work/screenshots"
