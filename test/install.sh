#!/usr/bin/env bash
# install.sh: `cmake --install` puts the plugin where Wireshark finds it:
# the personal plugin folder by default, the system one on request.
# Usage: install.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
. "$(dirname "$0")/lib.sh"
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
teardown_user_home "$work"
loaded=$(teardown_loaded_plugin "$home")
if [ "$loaded" != "$installed" ]; then
    echo "tshark -G plugins lists ${loaded:-no teardown.so}, not $installed" >&2
    exit 1
fi
echo "personal install: tshark -G plugins lists $installed"

# `sudo cmake --install` of another user's default build refuses to write
# into that user's personal folder.
if [ "$(id -u)" -eq 0 ]; then
    user_home="$work/user-home"
    mkdir -p "$user_home/src"
    cp -r "$source_dir/CMakeLists.txt" "$source_dir/plugin" "$source_dir/fixtures" "$user_home/src/"
    teardown_user_home "$user_home"
    teardown_run "$user_home" cmake -S "$user_home/src" -B "$user_home/build" -DBUILD_TESTING=OFF >/dev/null
    if cmake --install "$user_home/build" >"$work/sudo-install.log" 2>&1; then
        echo "cmake --install as root wrote into the configuring user's home:" >&2
        find "$user_home/.local" >&2
        exit 1
    fi
    grep -q 'Refusing to install as root' "$work/sudo-install.log" ||
        { cat "$work/sudo-install.log" >&2; echo "cmake --install as root failed for another reason" >&2; exit 1; }
    [ ! -e "$user_home/.local" ] || { echo "cmake --install as root created $user_home/.local" >&2; exit 1; }
    echo "personal install as root, configured by another user: refused"
fi

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
