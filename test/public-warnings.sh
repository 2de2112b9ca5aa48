#!/usr/bin/env bash
# public-warnings.sh: every warning and error the plugin raises on the public
# corpus (fixtures/public/README.md) must have a reviewed line saying why it
# is right, and every reviewed warning must still be raised.  Prints the
# warnings per check and the share an engineer acts on.
# Usage: test/public-warnings.sh TSHARK_TEARDOWN [CORPUS_DIR]
# The corpus is CORPUS_DIR, else $TEARDOWN_PUBLIC_CORPUS, else public-corpus
# beside the checkout (../shared/public-corpus); without one the test is
# skipped (exit 77).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tshark_teardown=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=${2:-${TEARDOWN_PUBLIC_CORPUS:-$here/../../shared/public-corpus}}
reviewed=$here/public/reviewed-warnings.tsv
checks=$here/../plugin/teardown_checks.h
if [ ! -d "$corpus" ]; then
    echo "public-warnings: skipped, no public corpus at $corpus (set TEARDOWN_PUBLIC_CORPUS)"
    exit 77
fi
corpus=$(cd "$corpus" && pwd)
seen=$(mktemp)
trap 'rm -f "$seen"' EXIT

# Each warning's or error's fixed summary, and its check's name, from the
# check table: a frame's expert items say which checks it failed.
summaries=$(awk -F'"' '/^ *X\(/ {
    split($1, field, /[(,] */)
    if (field[5] == "WARN" || field[5] == "ERROR") print $2 "\t" field[3]
}' "$checks")

cd "$corpus"
find . -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sed 's|^\./||' | LC_ALL=C sort |
while read -r capture; do
    "$tshark_teardown" -r "$capture" -2 -Y teardown -T fields -E occurrence=a -E aggregator='|' \
        -e frame.number -e _ws.expert.severity -e _ws.expert.message 2>/dev/null |
    SUMMARIES=$summaries awk -F '\t' -v OFS='\t' -v capture="$capture" '
        BEGIN {
            n = split(ENVIRON["SUMMARIES"], line, "\n")
            for (i = 1; i <= n; i++) { split(line[i], pair, "\t"); check[pair[1]] = pair[2] }
        }
        {
            n = split($2, severity, "|"); split($3, message, "|")
            # PI_WARN and PI_ERROR
            for (i = 1; i <= n; i++)
                if ((severity[i] == 6291456 || severity[i] == 8388608) && message[i] in check)
                    print capture, $1, check[message[i]]
        }'
done >"$seen"

grep -v '^#' "$reviewed" | awk -F '\t' -v seen="$seen" '
    BEGIN {
        while ((getline line < seen) > 0) {
            split(line, f, "\t"); key = f[1] "\t" f[2] "\t" f[3]
            raised[key] = 1; per_check[f[3]]++; total++
        }
    }
    {
        key = $1 "\t" $2 "\t" $3; listed[key] = 1
        if (!(key in raised)) { print "public-warnings: reviewed warning no longer raised: " key; bad++ }
        else if ($4 == "action") { action++; action_check[$3]++ }
    }
    END {
        for (key in raised)
            if (!(key in listed)) { print "public-warnings: warning without a reviewed line: " key; bad++ }
        printf "%-22s %8s %8s\n", "check", "raised", "action"
        for (c in per_check) printf "%-22s %8d %8d\n", c, per_check[c], action_check[c] | "sort"
        close("sort")
        printf "public-warnings: %d warnings and errors, %d (%.1f %%) to act on, %d reviewed lines missing or unmatched\n",
               total, action, total ? 100 * action / total : 100, bad
        exit bad > 0
    }'
