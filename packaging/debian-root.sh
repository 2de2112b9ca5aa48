#!/usr/bin/env bash
# debian-root.sh: a cached minimal Debian root per release, with what the
# build and tests need, and a way to run a command inside it.
#
#   debian-root.sh prepare SUITE        create the root unless it is cached
#   debian-root.sh run SUITE COMMAND... run COMMAND in the root, as root
#
# Roots live in $TEARDOWN_ROOTS (default /var/cache/teardown-matrix), one
# directory per suite, outside any checkout; delete one to rebuild it.
# Packages come from the mirror the machine's apt uses (debian-mirror.sh).
# Needs root, debootstrap and unshare.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
roots=${TEARDOWN_ROOTS:-/var/cache/teardown-matrix}

usage() { echo "usage: debian-root.sh prepare SUITE | run SUITE COMMAND..." >&2; exit 2; }
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

prepare() {
    [ -f "$root/.teardown-ready" ] && return 0
    local partial="$root.partial"
    rm -rf "$partial"
    mkdir -p "$roots"
    debootstrap --variant=minbase "$suite" "$partial" "$("$here/debian-mirror.sh")"
    # The mirror may be a snapshot: sid's Release files expire within a
    # week, so apt would refuse them.  Signatures are still verified.
    echo 'Acquire::Check-Valid-Until "false";' >"$partial/etc/apt/apt.conf.d/90teardown-snapshot"
    cp "$here/install-deps.sh" "$partial/tmp/install-deps.sh"
    run_in_root "$partial" /tmp/install-deps.sh
    run_in_root "$partial" apt-get clean
    rm "$partial/tmp/install-deps.sh"
    touch "$partial/.teardown-ready"
    rm -rf "$root"
    mv "$partial" "$root"
}

case "$action" in
prepare) prepare ;;
run)
    [ $# -ge 1 ] || usage
    [ -f "$root/.teardown-ready" ] || { echo "debian-root: no prepared root $root" >&2; exit 1; }
    run_in_root "$root" "$@"
    ;;
*) usage ;;
esac
