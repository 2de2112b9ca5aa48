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
    clang valgrind python3 python3-scapy       # fuzzing, sanitizers, memory checks
    time                                       # the benchmark reads peak RSS from /usr/bin/time
    "$@"
)

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
updated=no

ensure_installed() {
    local missing=() package status
    for package in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$updated" = no ]; then
        "${sudo[@]}" apt-get update -q
        updated=yes
    fi
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

ensure_installed "${packages[@]}"
# libFuzzer and the sanitizer runtimes come with the default clang's version.
clang_major=$(clang --version | sed -n 's/.*clang version \([0-9]*\)\..*/\1/p' | head -n 1)
ensure_installed "libclang-rt-$clang_major-dev"
