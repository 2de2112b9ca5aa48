#!/usr/bin/env bash
# capture-fuzz.sh: fuzz the plugin with mutated captures, as Wireshark's own
# fuzz testing does: editcap corrupts bytes (-E) and truncates frames (-s),
# then moves the clock, and tshark runs the sanitizer-built plugin over each
# mutant, one and two passes, the second pass of every other mutant behind a
# read filter (-R), which renumbers frames; every MEMCHECK_EVERY-th mutant
# also runs under valgrind.
#
# Usage: capture-fuzz.sh TSHARK_TEARDOWN_ASAN TSHARK_TEARDOWN ROUNDS FINDINGS_DIR CAPTURE...
# Round r of the i-th capture, k = i + r, corrupts with probability
# PROBABILITIES[k % 4] from offset OFFSETS[k % 3] (0: anywhere; 14 and 34:
# past the Ethernet or IPv4 header, where TCP lives) with seed 1000 i + r,
# and truncates frames to SNAPLENS[k % 5] bytes when k is odd; its clock
# then goes (k / 2) % 4: 0 beyond 2262 (editcap -t, in pcapng), 1 before
# 1970 (a negative -t, which pcapng's unsigned clock turns into a time near
# 2^64 microseconds), 2 to one frame every half second (editcap -S), 3 back
# an hour halfway (the mutant followed by itself an hour earlier, mergecap
# -a: streams start over and time goes backwards); and odd k read-filter
# the second pass, keeping about half the segments or, every other time,
# dropping the last third of the frames.  So even one round tries every kind of mutation across
# the captures.  Mutants that crash or raise a memory error are copied to
# FINDINGS_DIR, to become regression captures.
# Last line: "captures N mutants x 2 passes, C crashes, E memory errors, L leaks".
set -euo pipefail
tshark_asan=$1 tshark_teardown=$2 rounds=$3 findings=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
memcheck_every=${MEMCHECK_EVERY:-8}

probabilities=(0.002 0.01 0.03 0.1)
offsets=(0 14 34)
snaplens=(40 54 60 66 90)

work=$(mktemp -d "${TMPDIR:-/tmp}/teardown-mutants.XXXXXX")
trap 'rm -rf "$work"' EXIT

n=0 i=0
for capture in "$@"; do
    name=$(basename "${capture%.*}")
    ext=${capture##*.}
    for ((r = 0; r < rounds; r++)); do
        k=$((i + r))
        mutant="$work/$name.r$r.$ext"
        truncate=()
        [ $((k % 2)) -eq 0 ] || truncate=(-s "${snaplens[k % 5]}")
        editcap -E "${probabilities[k % 4]}" -o "${offsets[k % 3]}" --seed $((1000 * i + r)) \
            "${truncate[@]}" "$capture" "$work/bytes.$ext" 2>/dev/null
        case $(( (k / 2) % 4 )) in
        0) mutant="${mutant%.*}.pcapng"
           editcap -F pcapng -t 10000000000 "$work/bytes.$ext" "$mutant" ;;
        1) mutant="${mutant%.*}.pcapng"
           editcap -F pcapng -t -9000000000 "$work/bytes.$ext" "$mutant" ;;
        2) editcap -S -0.5 "$work/bytes.$ext" "$mutant" ;;
        3) mutant="${mutant%.*}.pcapng"
           editcap -F pcapng -t -3600 "$work/bytes.$ext" "$work/earlier.pcapng"
           mergecap -a -w "$mutant" "$work/bytes.$ext" "$work/earlier.pcapng" ;;
        esac
        n=$((n + 1))
        printf '%s %d %d\n' "$mutant" $((n % memcheck_every == 0 ? 1 : 0)) $((k % 2 ? 1 + k / 2 % 2 : 0))
    done
    i=$((i + 1))
done > "$work/list"

# One line per mutant: name crashes errors leaks others (check-mutant.sh).
xargs -P "$(nproc)" -L 1 "$here/check-mutant.sh" "$tshark_asan" "$tshark_teardown" \
    < "$work/list" > "$work/results" ||
    { echo "capture-fuzz: a run failed without crashing; see above" >&2; exit 2; }

awk '$2 + $3 + $4 + $5 > 0' "$work/results" | while read -r mutant crashes errors leaks others; do
    mkdir -p "$findings"
    cp "$work/$mutant" "$findings/"
    echo "capture-fuzz: $mutant: $crashes crashes, $errors memory errors, $leaks leaks; $others crashes of Wireshark's own" >&2
done
awk -v n="$n" '{ c += $2; e += $3; l += $4; o += $5 }
    END { printf "captures %d mutants x 2 passes, %d crashes, %d memory errors, %d leaks", n, c, e, l
          if (o) printf " (and %d crashes of Wireshark itself)", o
          printf "\n"
          exit (c + e + l > 0) }' "$work/results"
