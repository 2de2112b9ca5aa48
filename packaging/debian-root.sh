#!/usr/bin/env bash
# debian-root.sh: a cached minimal Debian root per release, with what the
# build and tests need, and a way to run a command inside it; and a build of
# the Debian package in a clean root.
#
#   debian-root.sh prepare SUITE        create the root unless it is cached
#   debian-root.sh run SUITE COMMAND... run COMMAND in the root, as root
#   debian-root.sh build SUITE SOURCE   build the package of the checkout
#                                       SOURCE, its tests included, in a
#                                       throwaway copy of a bare root
#                                       (minbase and build-essential) given
#                                       only the package's Build-Depends
#
# Roots live in $TEARDOWN_ROOTS (default /var/cache/teardown-matrix), one
# directory per suite (SUITE-bare for the bare one), outside any checkout;
# delete one to rebuild it.
# Packages come from the mirror the machine's apt uses (debian-mirror.sh).
# Needs root, debootstrap and unshare.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
roots=${TEARDOWN_ROOTS:-/var/cache/teardown-matrix}

usage() { echo "usage: debian-root.sh prepare SUITE | run SUITE COMMAND... | build SUITE SOURCE" >&2; exit 2; }
[ $# -ge 2 ] || usage
action=$1 suite=$2
shift 2
root="$roots/$suite"

# /proc and /dev are mounted in a private mount namespace, so they vanish
# with the command however it ends; the environment is the root's own.
run_in_root() {
    local dir=$1
    shift
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    unshare --mount --propagation private -- bash -euc '
        dir=$1; shift
        mount -t proc proc "$dir/proc"
        mount --rbind /dev "$dir/dev"
        exec chroot "$dir" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive "$@"' run-in-root "$dir" "$@" </dev/null
}

# create_root DIR SETUP...: debootstrap DIR unless it is cached, then run
# SETUP in it.
create_root() {
    local dir=$1 partial=$1.partial
    shift
    [ -f "$dir/.teardown-ready" ] && return 0
    rm -rf "$partial"
    mkdir -p "$roots"
    debootstrap --variant=minbase "$suite" "$partial" "$("$here/debian-mirror.sh")"
    # The mirror may be a snapshot: sid's Release files expire within a
    # week, so apt would refuse them.  Signatures are still verified.
    echo 'Acquire::Check-Valid-Until "false";' >"$partial/etc/apt/apt.conf.d/90teardown-snapshot"
    "$@" "$partial"
    run_in_root "$partial" apt-get clean
    touch "$partial/.teardown-ready"
    rm -rf "$dir"
    mv "$partial" "$dir"
}

install_deps() {
    cp "$here/install-deps.sh" "$1/tmp/install-deps.sh"
    run_in_root "$1" /tmp/install-deps.sh
    rm "$1/tmp/install-deps.sh"
}

install_build_essential() {
    run_in_root "$1" apt-get update -q
    run_in_root "$1" apt-get install -y -q --no-install-recommends build-essential dpkg-dev
}

build() {
    local source=$1 bare=$root-bare
    create_root "$bare" install_build_essential
    build_root=$(mktemp -d "$roots/$suite-build.XXXXXX")
    trap 'rm -rf "$build_root"' EXIT
    local copy=$build_root
    cp -a "$bare/." "$copy/"
    mkdir -p "$copy/srv/teardown" "$copy/srv/control/debian"
    tar -C "$source" --exclude=./.git --exclude=./build --exclude='./build-*' -c . | tar -C "$copy/srv/teardown" -x
    cp "$source/packaging/debian/control" "$copy/srv/control/debian/"
    run_in_root "$copy" apt-get update -q
    run_in_root "$copy" apt-get build-dep -y -q --no-install-recommends /srv/control
    run_in_root "$copy" /srv/teardown/packaging/build-deb.sh /srv/out
}

case "$action" in
prepare) create_root "$root" install_deps ;;
run)
    [ $# -ge 1 ] || usage
    [ -f "$root/.teardown-ready" ] || { echo "debian-root: no prepared root $root" >&2; exit 1; }
    run_in_root "$root" "$@"
    ;;
build)
    [ $# -eq 1 ] || usage
    build "$1"
    ;;
*) usage ;;
esac
