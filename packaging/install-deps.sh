#!/usr/bin/env bash
# install-deps.sh: install, from Debian's archive, what building and testing
# the plugin needs, plus any packages named as arguments (what the GUI and
# packaging tests need); installs nothing that is already there.
# Usage: install-deps.sh [PACKAGE...]
set -euo pipefail

packages=(
    cmake make gcc pkg-config libglib2.0-dev   # build
    wireshark-dev libwireshark-dev tshark      # Wireshark's headers, CMake package, tshark
    util-linux                                 # setpriv: tests run tshark unprivileged
    clang libclang-rt-14-dev valgrind python3  # fuzzing, sanitizers, memory checks
    "$@"
)

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
