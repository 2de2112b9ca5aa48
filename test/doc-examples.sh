#!/usr/bin/env bash
# doc-examples.sh: every example of a document that runs this build's tshark
# shows what the commands print today, so the document cannot drift.
#
# An example is a fenced block with commands, lines starting with "$ ", one
# of which runs build/tshark-teardown.  Each command is continued on the
# next line while it ends with a backslash; the lines after it, up to the
# next command or the closing fence, are what it prints (standard output).
# A line "..." stands for any number of printed lines, for long output
# whose point is elsewhere; trailing blanks, and blank lines before and
# after the output, are not compared.  The commands of one block run in
# order, by bash, in one scratch directory where `build` is BUILD_DIR and
# `fixtures` the repository's, with TZ=UTC.
# Usage: doc-examples.sh BUILD_DIR DOCUMENT
set -euo pipefail
build=$(cd "$1" && pwd) document=$2
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TZ=UTC

# Each example's lines, as "BLOCK LINE KIND TEXT" records (fields separated
# by the character \037): KIND is "command", "more" (a continuation line of
# the command) or "output".
examples() {
    awk -v OFS='\037' '
        /^```/ {
            if (!inside) { inside = 1; n = 0; next }
            inside = 0
            if (runs) for (i = 1; i <= n; i++) print block, line[i], kind[i], text[i]
            block++; runs = 0; continuing = 0
            next
        }
        !inside { next }
        { n++; line[n] = NR; text[n] = $0 }
        continuing || /^\$ / {
            if (continuing) kind[n] = "more"
            else { kind[n] = "command"; text[n] = substr($0, 3) }
            continuing = /\\$/
            if (/build\/tshark-teardown/) runs = 1
            next
        }
        { kind[n] = "output" }' "$document"
}

# matches SHOWN ACTUAL: the shown lines ("..." any lines) match the actual
# ones, trailing blanks and leading and trailing blank lines aside.
trimmed() { sed 's/[[:space:]]*$//' "$1" | sed '/./,$!d' | tac | sed '/./,$!d' | tac; }
matches() {
    awk -v shown_file=<(trimmed "$1") -v actual_file=<(trimmed "$2") '
        function match_from(i, j,    k) {
            if (i > ns) return j > na
            if (shown[i] == "...") {
                for (k = j; k <= na + 1; k++) if (match_from(i + 1, k)) return 1
                return 0
            }
            return j <= na && shown[i] == actual[j] && match_from(i + 1, j + 1)
        }
        BEGIN {
            while ((getline line < shown_file) > 0) shown[++ns] = line
            while ((getline line < actual_file) > 0) actual[++na] = line
            exit !match_from(1, 1)
        }'
}

ln -s "$build" "$work/build"
ln -s "$repo/fixtures" "$work/fixtures"
failed=0 count=0 block=
run_command() {
    [ -n "${command:-}" ] || return 0
    count=$((count + 1))
    if ! (cd "$work" && bash -o pipefail -c "$command") >"$work/actual" 2>"$work/stderr"; then
        echo "doc-examples: $document:$command_line: the command failed:" >&2
        cat "$work/stderr" >&2
        failed=$((failed + 1))
    elif ! matches "$work/shown" "$work/actual"; then
        echo "doc-examples: $document:$command_line: the output differs from the document's (- shown, + actual):" >&2
        diff -u <(trimmed "$work/shown") <(trimmed "$work/actual") >&2 || true
        failed=$((failed + 1))
    fi
    command=
}
while IFS=$'\037' read -r this_block line kind text; do
    if [ "$this_block" != "$block" ]; then
        run_command
        block=$this_block
        rm -f "$work"/*.pcap "$work"/*.pcapng
    fi
    case "$kind" in
    command)
        run_command
        command=$text command_line=$line
        : >"$work/shown" ;;
    more) command+=$'\n'$text ;;
    output) printf '%s\n' "$text" >>"$work/shown" ;;
    esac
done < <(examples)
run_command
echo "doc-examples: $document: $((count - failed)) of $count commands print what the document shows"
[ "$failed" -eq 0 ]
