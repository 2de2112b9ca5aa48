#!/usr/bin/env bash
# matrix.sh: build and test the plugin against each Wireshark release Debian
# ships, each in a cached minimal Debian root (debian-root.sh): the whole
# test suite and the package test (test/run-all.sh), then the package built
# with its tests in a clean root that holds only its Build-Depends
# (debian-root.sh build).
# Prints one summary line, e.g. "matrix: 4.0 passed, 4.4 passed, 4.6 passed",
# and exits non-zero if any release fails.  Run as root.
# Usage: matrix.sh [--skip-host] [SUITE...]      (default: bookworm trixie sid)
# --skip-host leaves out the suite tests of the release this machine runs,
# which the caller has just run (test/run-all.sh); its clean package build
# still runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
skip=
if [ "${1:-}" = --skip-host ]; then
    skip=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    shift
fi
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie sid)

"$here/install-deps.sh" --matrix
logs=$(mktemp -d "${TMPDIR:-/tmp}/teardown-matrix.XXXXXX")
trap 'rm -rf "$logs"' EXIT

# Runs one step of a release, timed, its output in a log shown on failure.
# A passed test step also gives its count of tests (run-all.sh's last line,
# or CTest's in the package build), so that a release whose suite silently
# shrank shows it.
step() {
    local suite=$1 name=$2 start=$SECONDS log=$logs/$1-$2.log count
    shift 2
    if "$@" >"$log" 2>&1; then
        count=$(grep -e '^run-all: every test passed' -e 'tests passed, ' "$log" | tail -n 1 || true)
        echo "matrix: $suite: $name passed ($(( SECONDS - start )) s)${count:+: $count}"
    else
        tail -n 150 "$log"
        echo "matrix: $suite: $name FAILED ($(( SECONDS - start )) s)"
        return 1
    fi
}

copy_checkout() {
    local root=$1
    rm -rf "$root/srv/teardown"
    mkdir -p "$root/srv/teardown"
    tar -C "$repo" --exclude=./.git --exclude=./build --exclude='./build-*' -c . | tar -C "$root/srv/teardown" -x
}

test_release() {
    local suite=$1 root=${TEARDOWN_ROOTS:-/var/cache/teardown-matrix}/$1
    if [ "$suite" != "$skip" ]; then
        step "$suite" root "$here/debian-root.sh" prepare "$suite" &&
        step "$suite" copy copy_checkout "$root" &&
        step "$suite" tests "$here/debian-root.sh" run "$suite" \
            env TEARDOWN_MATRIX=0 /srv/teardown/test/run-all.sh || return 1
    fi
    step "$suite" clean-build "$here/debian-root.sh" build "$suite" "$repo"
}

# A release is named by the Wireshark series its root holds, once it has one.
release_name() {
    local version
    local query=(dpkg-query -W -f='${Version}' libwireshark-dev)
    [ "$1" = "$skip" ] || query=("$here/debian-root.sh" run "$1" "${query[@]}")
    version=$("${query[@]}" 2>/dev/null) &&
        [[ $version =~ ^([0-9]+:)?([0-9]+\.[0-9]+) ]] && echo "${BASH_REMATCH[2]}" || echo "$1"
}

summary="matrix:" separator=" " failed=0 started=$SECONDS
for suite in "${suites[@]}"; do
    if test_release "$suite"; then result=passed; else result=FAILED failed=1; fi
    summary+="$separator$(release_name "$suite") $result"
    separator=", "
done
echo "matrix: total $(( SECONDS - started )) s"
echo "$summary"
exit "$failed"
