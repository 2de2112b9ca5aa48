#!/usr/bin/env bash
# conns-agree.sh: the connection table says of each connection what the
# frames of that connection say, in one pass and in two.
#   - each row equals the teardown.conn fields of the frame that stands for
#     it (its end_frame), and every frame with teardown.conn is a row's (in
#     one pass, a connection's latest such frame);
#   - each row follows from the per-frame fields of its connection (the
#     frames of its tcp.stream from its first frame to the next connection's
#     in the stream): its first FIN is the first step 1 that is no
#     retransmission and its ACK the first frame naming it as fin_frame (but
#     an ACK beyond it that the FIN, sent again, refused); on
#     its end frame, the pattern, the initiator (but for a simultaneous
#     close), the duration and last-ACK delay (where the frame has them),
#     the RST's origin, cause and alive frame are the row's; the close delay
#     is its first step 3's; the idle time and timer are its first FIN's, or
#     the ending RST's; its failed checks are all those of its frames.  In
#     one pass, the frames up to its end frame: what they told.
# Usage: conns-agree.sh TSHARK_TEARDOWN CAPTURE
set -euo pipefail
tshark_teardown=$1 capture=$2
. "$(dirname "$0")/lib.sh"

conn_fields=(stream incarnation client server closer pattern conn_state history duration close_delay last_ack_delay
             idle idle_timer rst_origin rst_cause time_wait_holder close_wait_holder reuse check first_fin_frame
             fin_ack_frame rst_frame alive_frame first_frame)
rows_checked=0
for passes in 1 2; do
    options=$(pass_options "$passes")
    # One tshark run a pass: every frame's teardown.conn fields (columns 2
    # to 26) and per-frame fields (27 on), then the table, from its header.
    opts=(-e frame.number)
    for f in "${conn_fields[@]}"; do opts+=(-e "teardown.conn.$f"); done
    opts+=(-e teardown.conn.last_frame)
    for f in tcp.stream teardown.step teardown.retransmission teardown.pattern teardown.initiator \
             teardown.duration teardown.close_delay teardown.last_ack_delay teardown.idle teardown.idle_timer \
             teardown.rst.origin teardown.rst.cause teardown.rst.alive_frame teardown.check teardown.fin_frame; do
        opts+=(-e "$f")
    done
    output=$("$tshark_teardown" -r "$capture" $options -T fields -E separator=, -E occurrence=a -E aggregator=' ' \
             "${opts[@]}" -z teardown,conns,csv)
    rows=$(printf '%s\n' "$output" | sed -n '/^stream,incarnation,/,$p')
    fields=$(printf '%s\n' "$output" | sed '/^stream,incarnation,/,$d' |
             awk -F, -v OFS=, '$2 != "" { NF = 26; print }')
    frames=$(printf '%s\n' "$output" | sed '/^stream,incarnation,/,$d' |
             awk -F, -v OFS=, '{ out = $1; for (i = 27; i <= NF; i++) out = out OFS $i; print out }')
    # The rows with an end frame, as the fields print them: the end frame
    # first, then every column but end_frame.
    expected=$(printf '%s\n' "$rows" |
               awk -F, 'NR > 1 && $25 != "" { out = $25; for (i = 1; i <= NF; i++) if (i != 25) out = out "," $i; print out }' |
               sort -t, -k1,1n)
    # The fields' columns, in the table's order (the checks column comes
    # after reuse, end_frame is the frame itself).  In one pass a connection
    # that seemed to end and went on (an RST, then its SYN tried again) has
    # fields on each end; its row is its latest.
    actual=$(printf '%s\n' "$fields" | sort -t, -k1,1n |
             awk -F, -v passes="$passes" 'passes == 2 { print; next }
                                          { key = $2 "," $3; if (!(key in line)) order[++n] = key; line[key] = $0 }
                                          END { for (i = 1; i <= n; i++) print line[order[i]] }' | sort -t, -k1,1n)
    if ! diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$actual"); then
        echo "conns-agree: in $passes pass(es), the table's rows (-) and the teardown.conn fields (+) of $capture differ" >&2
        exit 1
    fi

    mismatches=$(awk -F, -v passes="$passes" '
        function has(list, word,    n, i, w) { n = split(list, w, " "); for (i = 1; i <= n; i++) if (w[i] == word) return 1; return 0 }
        function sorted_words(list,    n, i, j, w, t, out) {
            n = split(list, w, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
            out = ""
            for (i = 1; i <= n; i++) if (i == 1 || w[i] != w[i - 1]) out = out (out == "" ? "" : " ") w[i]
            return out
        }
        # An ACK beyond the FIN that the FIN sent again refused: one pass
        # called it step 2 before the FIN came again, two passes do not.
        function refused(k,    j) {
            if (!has(chk[k], "ack_beyond_fin")) return 0
            for (j = k + 1; j <= n; j++)
                if ((st[j] in own) && fr[j] < until && has(step[j], 1) && retr[j] != "") return 1
            return 0
        }
        function differ(what, row, derived) {
            if (row != derived) printf "stream %s from frame %s: %s %s in the table, %s from the frames\n", stream, first, what, row == "" ? "(none)" : row, derived == "" ? "(none)" : derived
        }
        FNR == NR {
            if ($2 != "") { n++; fr[n] = $1; st[n] = $2; step[n] = $3; retr[n] = $4; pat[n] = $5; ini[n] = $6
                            dur[n] = $7; cd[n] = $8; lad[n] = $9; idle[n] = $10; timer[n] = $11; orig[n] = $12
                            cause[n] = $13; alive[n] = $14; chk[n] = $15; fin[n] = $16; at[$1] = n }
            next
        }
        FNR == 1 { next }
        { r++; rs[r] = $1; rfirst[r] = $24; row[r] = $0 }
        END {
            for (i = 1; i <= r; i++) {
                split(row[i], c, ","); stream = c[1]; first = c[24]; until = 1e12
                # Its streams: Wireshark 4.4 and later give an attempt sent
                # again a stream of its own, where the connection goes on.
                delete own
                own[stream] = 1
                for (j = 25; j <= 26; j++) if (c[j] in at) own[st[at[c[j]]]] = 1
                for (j = 1; j <= r; j++) if ((rs[j] in own) && rfirst[j] > first && rfirst[j] < until) until = rfirst[j]
                # One pass: what the frames up to its end told.
                if (passes == 1 && c[25] != "" && c[25] + 1 < until) until = c[25] + 1
                ff = ""; fa = ""; cdel = ""; checks = ""
                for (k = 1; k <= n; k++) {
                    if (!(st[k] in own) || fr[k] < first || fr[k] >= until) continue
                    if (ff == "" && has(step[k], 1) && retr[k] == "") ff = fr[k]
                    if (cdel == "" && has(step[k], 3) && retr[k] == "" && cd[k] != "") cdel = cd[k]
                    if (chk[k] != "") checks = checks " " chk[k]
                }
                for (k = 1; k <= n; k++)
                    if ((st[k] in own) && fr[k] >= first && fr[k] < until && ff != "" && fa == "" && has(fin[k], ff) &&
                        !refused(k)) fa = fr[k]
                differ("first FIN", c[20], ff); differ("its ACK", c[21], fa); differ("close delay", c[10], cdel)
                differ("checks", sorted_words(c[19]), sorted_words(checks))
                e = c[25]
                if (e != "" && (e in at)) {
                    k = at[e]
                    if (c[6] != "" && pat[k] != "") differ("pattern", c[6], pat[k])
                    if (c[5] != "both" && ini[k] != "") differ("closer", c[5], ini[k])
                    if (dur[k] != "") differ("duration", c[9], dur[k])
                    if (lad[k] != "") differ("last-ACK delay", c[11], lad[k])
                    if (orig[k] != "") { differ("RST origin", c[14], orig[k]); differ("RST cause", c[15], cause[k]) }
                    if (passes == 2 && c[22] != "") differ("alive frame", c[23], alive[k])
                }
                src = ff != "" ? ff : c[22]
                if (src != "" && (src in at)) { differ("idle", c[12], idle[at[src]]); differ("idle timer", c[13], timer[at[src]]) }
                else differ("idle", c[12], "")
            }
        }' <(printf '%s\n' "$frames") <(printf '%s\n' "$rows"))
    if [ -n "$mismatches" ]; then
        printf '%s\n' "$mismatches" >&2
        echo "conns-agree: in $passes pass(es), rows of the table of $capture differ from their frames" >&2
        exit 1
    fi
    rows_checked=$((rows_checked + $(printf '%s\n' "$rows" | tail -n +2 | grep -c . || true)))
done
echo "conns-agree: $capture: $rows_checked rows in one pass and two agree with their teardown.conn fields and their frames"
