#!/usr/bin/env bash
# test-package.sh: build the Debian package from this checkout (its tests run
# at package build), check it with lintian, install it with dpkg -i, show that
# tshark loads it from the system plugin folder with no setting and annotates
# a capture, for root and for an ordinary user, then remove it with dpkg -r
# and show it is gone.  Run as root; set DEB_BUILD_OPTIONS=nocheck to skip
# the tests at package build.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/test/lib.sh"
package=wireshark-plugin-teardown
fail() { echo "test-package: $*" >&2; exit 1; }
step() { echo "test-package: $* ($(( SECONDS - started )) s)"; started=$SECONDS; }
started=$SECONDS

[ "$(id -u)" -eq 0 ] || fail "run as root: the test installs and removes a package"
installed_status() { dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true; }
case "$(installed_status)" in
"" | *not-installed) ;;
*) fail "$package is already installed ($(installed_status)); remove it first" ;;
esac
"$repo/packaging/install-deps.sh" --package

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-package.XXXXXX")
cleanup() {
    case "$(installed_status)" in "" | *not-installed) ;; *) dpkg -r "$package" >/dev/null ;; esac
    rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -n 's/^project(teardown VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in CMakeLists.txt"
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }parallel=$(nproc)"
if ! "$repo/packaging/build-deb.sh" "$work" >"$work/build.log" 2>&1; then
    tail -n 100 "$work/build.log" >&2
    fail "build-deb.sh failed (end of its log above)"
fi
step "built with DEB_BUILD_OPTIONS='$DEB_BUILD_OPTIONS'"

changes=$(echo "$work/${package}_${version}_"*.changes)
lintian --fail-on error "$changes" || fail "lintian reports errors"
step "lintian: no errors"

# What the package holds and needs, against the Wireshark installed here.
deb=$(echo "$work/${package}_${version}_"*.deb)
[ -f "$deb" ] || fail "no $package $version .deb in $work"
series=$(tshark --version | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
[ -n "$series" ] || fail "cannot read the Wireshark version from tshark --version"
plugin="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/wireshark/plugins/$series/epan/teardown.so"
contents=$(dpkg-deb --fsys-tarfile "$deb" | tar -t)
for file in ".$plugin" "./usr/share/doc/$package/README.md.gz" "./usr/share/doc/$package/copyright" \
            ./usr/share/wireshark/profiles/Teardown/{preferences,colorfilters,dfilter_buttons,io_graphs}; do
    grep -qxF "$file" <<<"$contents" || fail "$deb lacks $file"
done
profile=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/wireshark/profiles/Teardown/colorfilters)
grep -qxF "@Teardown check failed@$(teardown_any_check WARN ERROR)@[52428,0,0][65535,65535,65535]" <<<"$profile" ||
    fail "the profile's \"Teardown check failed\" rule is not every check of plugin/teardown_checks.h that warns or errs"
graphs=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/wireshark/profiles/Teardown/io_graphs)
grep -qxF "\"Enabled\",\"Teardown checks failed\",\"$(teardown_any_check WARN ERROR)\",\"#CC0000\",\"Stacked Bar\",\"Packets\",\"\",\"None\",\"1\"" <<<"$graphs" ||
    fail "the profile's \"Teardown checks failed\" I/O graph is not every check of plugin/teardown_checks.h that warns or errs"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version), project version $version"
libwireshark=$(ldd "$(command -v tshark)" | awk '$1 ~ /^libwireshark\.so/ { print $3 }')
library=$(dpkg -S "$(readlink -f "$libwireshark")" | cut -d: -f1)
next="${series%.*}.$(( ${series#*.} + 1 ))~"
depends=$(dpkg-deb -f "$deb" Depends)
[[ ", $depends," == *", $library (<< $next),"* ]] || fail "Depends lacks '$library (<< $next)': $depends"
step "holds $plugin, README, copyright and the profile; depends on $library below $next"

dpkg -i "$deb" >/dev/null
step "installed with dpkg -i"

# Each user runs tshark from an empty HOME: no personal plugin, no setting.
home="$work/home"
mkdir "$home"
cp "$repo/fixtures/real/three-way.pcapng" "$home/"
chmod -R a+rX "$work"
teardown_user_home "$home"
as_user() {
    case "$1" in
    root) shift; (cd "$home" && env HOME="$home" "$@") ;;
    nobody) shift; teardown_run "$home" "$@" ;;
    esac
}
lists_plugin() { awk -v path="$plugin" '$1 == "teardown.so" && $NF == path { found = 1 } END { exit !found }'; }
expected=$'8\t1\tthree-way\n9\t2,3\tthree-way\n10\t4\tthree-way'
for user in root nobody; do
    as_user "$user" tshark -G plugins 2>/dev/null | lists_plugin || fail "tshark -G plugins, as $user, does not list $plugin"
    annotated=$(as_user "$user" tshark -r three-way.pcapng -2 -Y teardown \
                    -T fields -e frame.number -e teardown.step -e teardown.pattern 2>/dev/null)
    [ "$annotated" = "$expected" ] || fail "as $user, three-way.pcapng reads '$annotated', expected '$expected'"
    step "as $user: tshark -G plugins lists $plugin; three-way.pcapng annotated"
done

dpkg -r "$package" >/dev/null
case "$(installed_status)" in "" | *not-installed) ;; *) fail "after dpkg -r: $(installed_status)" ;; esac
[ ! -e "$plugin" ] || fail "$plugin is still there after dpkg -r"
plugins=$(as_user root tshark -G plugins 2>/dev/null)
! grep -q '^teardown\.so' <<<"$plugins" || fail "tshark -G plugins still lists teardown.so"
[ -z "$(as_user root tshark -G protocols 2>/dev/null | awk -F '\t' '$3 == "teardown"')" ] || fail "the teardown protocol is still registered"
step "removed with dpkg -r: no file, no plugin, no protocol"
echo "test-package: $package $version for Wireshark $series passed"
