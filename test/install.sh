#!/usr/bin/env bash
# install.sh: `cmake --install` puts the plugin where Wireshark finds it:
# the personal plugin folder by default, the system one on request.
# Usage: install.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
home="$work/home"
mkdir -p "$home"

# Personal folder: configured for this HOME, installed, and loaded from there
# by tshark with no other setting.
HOME="$home" cmake -S "$source_dir" -B "$work/build" >/dev/null
cmake --build "$work/build" --target teardown >/dev/null
HOME="$home" cmake --install "$work/build" >/dev/null
installed=$(find "$home/.local/lib/wireshark/plugins" -name teardown.so)
[ -n "$installed" ] || { echo "no teardown.so under $home/.local/lib/wireshark/plugins" >&2; exit 1; }
chmod -R a+rX "$work"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown -R 65534:65534 "$home"
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
listing=$(cd "$home" && "${as_user[@]}" env HOME="$home" tshark -G plugins)
if ! printf '%s\n' "$listing" | awk -v path="$installed" '$1 == "teardown.so" && $NF == path { found = 1 } END { exit !found }'; then
    echo "tshark -G plugins does not list $installed:" >&2
    printf '%s\n' "$listing" >&2
    exit 1
fi
echo "personal install: tshark -G plugins lists $installed"

# System folder: the path Wireshark's CMake package names, under DESTDIR.
cmake -S "$source_dir" -B "$work/build" -DTEARDOWN_INSTALL_SYSTEM=ON >/dev/null
DESTDIR="$work/stage" cmake --install "$work/build" >/dev/null
system_dir=$(sed -n 's/^TEARDOWN_INSTALL_DIR:INTERNAL=//p' "$work/build/CMakeCache.txt")
expected="$work/stage$system_dir/teardown.so"
[ -f "$expected" ] || { echo "system install did not create $expected" >&2; find "$work/stage" >&2; exit 1; }
case "$system_dir" in
*/wireshark/plugins/*/epan) echo "system install: $system_dir/teardown.so" ;;
*) echo "system install went to $system_dir, not a Wireshark plugin folder" >&2; exit 1 ;;
esac
