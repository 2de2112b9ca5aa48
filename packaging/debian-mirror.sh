#!/usr/bin/env bash
# debian-mirror.sh: print the URL of the Debian mirror this machine's apt
# uses for its own release, read from its apt sources, so that nothing in
# the repository names a mirror.
set -euo pipefail

codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}")

# One "URI suite" pair per line, from one-line and deb822 sources alike.
uri_suite_pairs() {
    local file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } print $i, $(i + 1) }' "$file"
    done
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk 'function flush(   i, j, nu, ns, u, s) {
                 if (types ~ /(^| )deb( |$)/) {
                     nu = split(uris, u, " "); ns = split(suites, s, " ")
                     for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
                 }
                 types = uris = suites = ""
             }
             /^[ \t]*$/ { flush(); next }
             /^Types:/  { sub(/^Types:[ \t]*/, ""); types = $0 }
             /^URIs:/   { sub(/^URIs:[ \t]*/, ""); uris = $0 }
             /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
             END { flush() }' "$file"
    done
}

mirror=$(uri_suite_pairs | awk -v suite="$codename" '$2 == suite { print $1; exit }')
[ -n "$mirror" ] || { echo "debian-mirror: no apt source serves suite $codename" >&2; exit 1; }
echo "${mirror%/}"
