#!/usr/bin/env bash
# build-deb.sh: build the Debian package of this checkout, against the
# Wireshark installed here, from a copy whose debian/ is packaging/debian.
# Writes the .deb and its companions into OUTDIR (default: build-deb/ in the
# checkout).  DEB_BUILD_OPTIONS applies as usual (nocheck skips the tests).
# Usage: build-deb.sh [OUTDIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/build-deb}
package=$(sed -n 's/^Source: //p' "$repo/packaging/debian/control")
version=$(dpkg-parsechangelog -l "$repo/packaging/debian/changelog" -S Version)

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
source="$work/$package-$version"
mkdir "$source"
tar -C "$repo" --exclude=./.git --exclude=./build --exclude='./build-*' -c . | tar -C "$source" -x
cp -a "$source/packaging/debian" "$source/debian"
(cd "$source" && dpkg-buildpackage -us -uc)
rm -rf "$source"
mkdir -p "$out"
mv "$work"/* "$out/"
echo "build-deb: $(ls "$out/${package}_${version}_"*.deb)"
