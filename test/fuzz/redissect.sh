#!/usr/bin/env bash
# redissect.sh: the plugin adds no malformed packet (on healthy captures, no
# expert error either), and its answers hold however frames are
# re-dissected:
#   - every display filter on a teardown field selects, in one pass and in
#     two, exactly the frames a full run shows that field on;
#   - a second pass filtered to random subsets of frames (-2 -Y
#     'frame.number in {...}') says of each frame what a full one says;
#   - a read filter keeping the connections on random ports (-2 -R
#     'tcp.port in {...}'), which renumbers the frames it keeps and dissects
#     each frame it drops, in the first pass, under the number of the next
#     one: the kept frames are said what a full run says, renumbered (but
#     for tcp.stream, which TCP itself then numbers otherwise);
#   - a read filter dropping the capture's last frames (-2 -R 'frame.number
#     <= K') judges the frames it keeps as a copy cut after frame K;
#   - GUI-style: sharkd (the GUI's engine) loads the capture, is asked for
#     every frame in random order, reloads it and is asked again: each
#     answer's teardown subtree is what `tshark -2 -V` shows; loaded a third
#     time and switched to raw sequence numbers (setconf, which redissects
#     nothing), it shows what `tshark -2 -V` does with them off from the
#     start.
# The captures are merged into one (mergecap), so that one set of runs covers
# them all; random choices follow SEED.
# Usage: redissect.sh TSHARK_TEARDOWN KIND SEED CAPTURE...
#   KIND healthy: captures of well-behaved stacks, where an expert error
#                 from the plugin would be wrong;
#        crafted: anomalies on purpose, where the plugin's errors are its job.
set -euo pipefail
tshark_teardown=$1 kind=$2 seed=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
fail() { echo "redissect: $*" >&2; exit 1; }

shared=$(mktemp -d "${TMPDIR:-/tmp}/teardown-redissect.XXXXXX")
trap 'rm -rf "$shared"' EXIT
capture=$shared/merged.pcapng
mergecap -w "$capture" "$@"
chmod -R a+rX "$shared"

case "$kind" in
healthy) complaints='_ws.malformed || _ws.expert.severity == "Error"' ;;
crafted) complaints='_ws.malformed' ;;
*) echo "redissect.sh: KIND is healthy or crafted" >&2; exit 2 ;;
esac
with=$("$tshark_teardown" -r "$capture" -2 -Y "$complaints" -T fields -e frame.number -e _ws.expert.message)
without=$("$tshark_teardown" -r "$capture" -2 -o teardown.analyze:FALSE -Y "$complaints" \
          -T fields -e frame.number -e _ws.expert.message)
diff -u <(printf '%s\n' "$without") <(printf '%s\n' "$with") ||
    fail "$complaints: frames that match only with the plugin (+)"

# Columns of fields_view holding each field.
fields=(teardown.step teardown.role teardown.initiator teardown.pattern teardown.fin_frame
        teardown.ack_frame teardown.original_frame teardown.expected_ack teardown.expected_seq
        teardown.duration)
for passes in 1 2; do
    full=$(fields_view "$tshark_teardown" "$capture" "$passes")
    for ((i = 0; i < ${#fields[@]}; i++)); do
        column=$((i + 3))
        expected=$(printf '%s\n' "$full" | awk -F '\t' -v c="$column" 'NR > 1 && $c != "" { print $1 }')
        actual=$("$tshark_teardown" -r "$capture" $(pass_options "$passes") -Y "${fields[i]}" \
                 -T fields -e frame.number)
        [ "$expected" = "$actual" ] ||
            fail "-Y ${fields[i]} ($passes passes) selects frames '$(echo $actual)', not '$(echo $expected)'"
    done
done

frames=$(printf '%s\n' "$full" | tail -n +2 | wc -l)
for round in 1 2 3; do
    subset=$(seq "$frames" | shuf -n $(( (frames + 1) / 2 )) --random-source=<(yes "$seed.$round") | sort -n)
    picked=$(fields_view "$tshark_teardown" "$capture" 2 -Y "frame.number in {$(echo $subset | tr " " ",")}")
    diff -u <(printf '%s\n' "$full" | awk -F '\t' -v s="$(echo $subset)" '
                BEGIN { n = split(s, f, " "); for (i = 1; i <= n; i++) want[f[i]] = 1 }
                NR == 1 || ($1 in want)') <(printf '%s\n' "$picked") ||
        fail "frames {$(echo $subset)} alone, in a second pass, are not said what a full run says"
done

ports=$("$tshark_teardown" -r "$capture" -T fields -e tcp.srcport | tr ',' '\n' | sed '/^$/d' | sort -un)
nports=$(printf '%s\n' "$ports" | wc -l)
for round in 1 2; do
    chosen=$(printf '%s\n' "$ports" | shuf -n $(( (nports + 1) / 2 )) --random-source=<(yes "$seed.read.$round") |
             sort -n | paste -s -d ,)
    filter="tcp.port in {$chosen}"
    kept=$("$tshark_teardown" -r "$capture" -2 -Y "$filter" -T fields -e frame.number)
    # Columns 1 frame, 7 fin_frame, 8 ack_frame, 9 original: renumbered;
    # column 2, tcp.stream, left out.
    diff -u <(printf '%s\n' "$full" | awk -F '\t' -v OFS='\t' -v kept="$(echo $kept)" '
                 function renumbered(list,    n, i, v, out) {
                     n = split(list, v, ",")
                     for (i = 1; i <= n; i++)
                         out = out (i > 1 ? "," : "") number[v[i]]
                     return out
                 }
                 BEGIN { n = split(kept, k, " "); for (i = 1; i <= n; i++) number[k[i]] = i }
                 NR == 1 { print; next }
                 $1 in number { $1 = number[$1]; $7 = renumbered($7); $8 = renumbered($8)
                                $9 = renumbered($9); print }' | cut -f2 --complement) \
            <(fields_view "$tshark_teardown" "$capture" 2 -R "$filter" | cut -f2 --complement) ||
        fail "-2 -R '$filter' says other things of the frames it keeps than a full run"
done

# Read filters that drop the capture's last frames, at two random places in
# its second half.
cuts=$(seq $(( frames / 2 )) $(( frames - 1 )) | shuf -n 2 --random-source=<(yes "$seed.end") | sort -n)
"$here/../read-filter-end.sh" "$tshark_teardown" "$capture" $cuts >/dev/null ||
    fail "-2 -R 'frame.number <= K' for K in $(echo $cuts) does not judge the kept frames as the cut capture"

clicks() {
    local round
    for round in 1 2 3; do
        printf '{"jsonrpc":"2.0","id":%d,"method":"load","params":{"file":"%s"}}\n' "$round" "$capture"
        [ "$round" != 3 ] ||
            printf '{"jsonrpc":"2.0","id":4,"method":"setconf","params":{"name":"tcp.relative_sequence_numbers","value":"FALSE"}}\n'
        seq "$frames" | shuf --random-source=<(yes "$seed.click.$round") |
        awk -v r="$round" '{ printf "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"frame\",\"params\":{\"frame\":%d,\"proto\":true}}\n", r * 1000000 + $1, $1 }'
    done
}
tree=$(tree_view "$tshark_teardown" "$capture" 2)
raw_tree=$(tree_view "$tshark_teardown" "$capture" 2 -o tcp.relative_sequence_numbers:FALSE)
gui=$(clicks | teardown_checked sharkd "$shared" "$tshark_teardown" - 2>/dev/null |
      grep '^{' | "$here/sharkd-tree.py")
diff -u <(printf '%s\n%s\n%s\n' "$tree" "$tree" "$raw_tree") <(printf '%s\n' "$gui") ||
    fail "sharkd, clicking frames in random order, reloading and switching to raw sequence numbers, shows other subtrees than tshark -2 -V"
echo "redissect: $# $kind captures ($frames frames): nothing new matches $complaints with the plugin; ${#fields[@]} field filters x 2 passes, 3 random subsets, 2 read filters, 2 cuts and $((3 * frames)) GUI-style clicks agree with the full run"
