#!/usr/bin/env bash
# install-deps.sh: install, from Debian's archive, what building the plugin
# and viewing a capture with it need, plus what the named test groups need;
# installs nothing that is already there, and says first how many packages
# it will add.
# Usage: install-deps.sh [--quick] [--tests] [--package] [--matrix]
#   (none)     building, and build/tshark-teardown
#   --quick    the quick test tier (ctest -L quick)
#   --tests    every CTest tier: the quick one, fuzzing, GUI, live capture,
#              benchmark smoke
#   --package  the Debian package's build and test (packaging/test-package.sh)
#   --matrix   the other Wireshark releases' roots (packaging/matrix.sh)
set -euo pipefail

build=(
    cmake make gcc libc6-dev pkg-config libglib2.0-dev   # the compiler and GLib
    wireshark-dev libwireshark-dev tshark                # Wireshark's headers, CMake package, tshark
    util-linux                                           # setpriv: as root, tshark runs unprivileged
)
quick=(
    python3 python3-scapy                  # crafted_regenerate remakes the crafted captures
    bsdextrautils                          # column, in the README's examples
)
fuzz=(clang valgrind)                      # libFuzzer and sanitizers; the clang runtimes are added below
gui=(wireshark xvfb xdotool xclip imagemagick)
live=(iproute2 python3)                    # network namespaces, a veth pair, socket peers
bench=(time valgrind)                      # peak RSS from /usr/bin/time, callgrind
package=(build-essential dpkg-dev debhelper lintian   # building the package
         python3-scapy bsdextrautils)               # its <!nocheck> Build-Depends: it runs the quick tier
matrix=(debootstrap)

# What the first group is for names them all in the message.
packages=("${build[@]}")
purpose=
for group in "$@"; do
    case "$group" in
    --quick)   packages+=("${quick[@]}") purpose=${purpose:-the quick tests} ;;
    --tests)   packages+=("${quick[@]}" "${fuzz[@]}" "${gui[@]}" "${live[@]}" "${bench[@]}")
               purpose=${purpose:-the tests} ;;
    --package) packages+=("${package[@]}") purpose=${purpose:-the package test} ;;
    --matrix)  packages+=("${matrix[@]}") purpose=${purpose:-the matrix} ;;
    *) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
purpose=${purpose:-building and viewing}

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
updated=no
update() {
    [ "$updated" = yes ] || "${sudo[@]}" apt-get update -q >/dev/null
    updated=yes
}

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

missing=()
for package in "${packages[@]}"; do
    installed "$package" || [[ " ${missing[*]} " == *" $package "* ]] || missing+=("$package")
done

# libFuzzer and the sanitizer runtimes come with the default clang's
# version: the installed clang's, or the one the archive would install.
if [[ " ${packages[*]} " == *" clang "* ]]; then
    if command -v clang >/dev/null; then
        clang_major=$(clang --version | sed -n 's/.*clang version \([0-9]*\)\..*/\1/p' | head -n 1)
    else
        update
        clang_major=$(apt-cache depends clang | sed -n 's/^ *Depends: clang-\([0-9]*\)$/\1/p' | head -n 1)
    fi
    installed "libclang-rt-$clang_major-dev" || missing+=("libclang-rt-$clang_major-dev")
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: nothing more to install for $purpose"
    exit 0
fi
update
with_dependencies=$(apt-get install -s -q --no-install-recommends "${missing[@]}" </dev/null | grep -c '^Inst ' || true)
echo "install-deps: ${#missing[@]} more packages for $purpose ($with_dependencies with what they depend on): ${missing[*]}"
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
