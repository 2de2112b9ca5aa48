# views.sh: how tests look at the plugin's output; sourced by golden.sh,
# consistency.sh and fuzz/redissect.sh.
#   fields_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       one tab-separated line per frame with every teardown field; flags and
#       expert items print as their names, joined, e.g. "retransmission".
#   tree_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       the teardown subtree (steps in words, expert messages) of every
#       annotated frame.
#   times_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       one tab-separated line per frame with what is said of time and
#       reuse: idle time and the idle timer it matches, the ACK, close and
#       last-ACK delays, how long a teardown stayed unfinished, the stream
#       and gap a SYN reuses, the TIME-WAIT holder and the answer, and the
#       expert items of these by name.
#   rst_view TSHARK_TEARDOWN CAPTURE PASSES [tshark options...]
#       one tab-separated line per frame with what is said of RSTs: the RST's
#       TTL or hop limit, its sender's usual one, origin, alive frame, cause,
#       and the expert items rst_ttl_mismatch and rst_sender_alive by name.
# PASSES is 1 (tshark -r) or 2 (tshark -2: forward links, final pattern).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

teardown_flag_fields=(retransmission half_close initiator_by_port)
mapfile -t teardown_expert_fields < <(teardown_checks)

pass_options() {
    case "$1" in
    1) ;;
    2) echo "-2" ;;
    *) echo "PASSES must be 1 or 2, not '$1'" >&2; return 2 ;;
    esac
}

fields_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 opts=() f
    shift 3
    for f in frame.number tcp.stream teardown.step teardown.role teardown.initiator \
             teardown.pattern teardown.fin_frame teardown.ack_frame teardown.original_frame \
             teardown.expected_ack teardown.expected_seq teardown.duration; do
        opts+=(-e "$f")
    done
    for f in "${teardown_flag_fields[@]}" "${teardown_expert_fields[@]}"; do
        opts+=(-e "teardown.$f")
    done
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") "$@" -T fields -E occurrence=a "${opts[@]}" |
    awk -F '\t' -v flags="${teardown_flag_fields[*]}" -v experts="${teardown_expert_fields[*]}" '
        function names(first, list,    n, i, out, name) {
            n = split(list, name, " ")
            out = ""
            for (i = 1; i <= n; i++)
                if ($(first + i - 1) != "")
                    out = out (out == "" ? "" : ",") name[i]
            return out
        }
        BEGIN {
            OFS = "\t"
            print "frame", "stream", "step", "role", "initiator", "pattern", "fin_frame",
                  "ack_frame", "original", "exp_ack", "exp_seq", "duration", "flags", "experts"
            nflags = split(flags, unused, " ")
        }
        {
            # tcp.stream only where the plugin spoke: on other frames it is
            # Wireshark'"'"'s, and releases differ on truncated headers.
            annotated = $4 != ""
            print $1, annotated ? $2 : "", $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                  names(13, flags), names(13 + nflags, experts)
        }'
}

times_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 opts=() f
    local experts
    mapfile -t experts < <(echo idle_timer_close; echo slow_close; teardown_capture_end_checks; echo reuse_in_time_wait)
    shift 3
    for f in frame.number tcp.stream teardown.idle teardown.idle_timer teardown.ack_delay \
             teardown.close_delay teardown.last_ack_delay teardown.unfinished_for teardown.reuse.stream \
             teardown.reuse.gap teardown.reuse.time_wait_holder teardown.reuse.answer; do
        opts+=(-e "$f")
    done
    for f in "${experts[@]}"; do
        opts+=(-e "teardown.$f")
    done
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") "$@" -T fields -E occurrence=a "${opts[@]}" |
    awk -F '\t' -v OFS='\t' -v experts="${experts[*]}" '
        BEGIN {
            print "frame", "stream", "idle", "timer", "ack_delay", "close_delay", "last_ack_delay",
                  "unfinished_for", "reuse", "gap", "holder", "answer", "experts"
            n = split(experts, name, " ")
        }
        {
            out = ""
            for (i = 1; i <= n; i++)
                if ($(12 + i) != "")
                    out = out (out == "" ? "" : ",") name[i]
            spoke = out != ""
            for (i = 3; i <= 12; i++)
                spoke = spoke || $i != ""
            # tcp.stream only where the plugin said something of time or reuse.
            print $1, spoke ? $2 : "", $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, out
        }'
}

rst_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 opts=() f
    shift 3
    for f in frame.number tcp.stream teardown.rst.ttl teardown.rst.expected_ttl teardown.rst.origin \
             teardown.rst.alive_frame teardown.rst.cause teardown.rst_ttl_mismatch teardown.rst_sender_alive; do
        opts+=(-e "$f")
    done
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") "$@" -T fields -E occurrence=a "${opts[@]}" |
    awk -F '\t' -v OFS='\t' '
        BEGIN { print "frame", "stream", "ttl", "exp_ttl", "origin", "alive_frame", "cause", "experts" }
        {
            experts = ($8 != "" ? "rst_ttl_mismatch" : "")
            if ($9 != "")
                experts = experts (experts == "" ? "" : ",") "rst_sender_alive"
            # tcp.stream only where the plugin spoke of an RST.
            spoke = $5 != "" || experts != ""
            print $1, spoke ? $2 : "", $3, $4, $5, $6, $7, experts
        }'
}

tree_view() {
    local tshark_teardown=$1 capture=$2 passes=$3
    shift 3
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") "$@" -Y teardown -V -O teardown |
    awk '
        /^Frame [0-9]+:/                { frame = $1 " " $2; next }
        /^\[?TCP Connection Teardown/   { print frame; inside = 1; print; next }
        /^[^ ]/ || /^$/                 { inside = 0; next }
        inside                          { print }'
}

# stats_view TSHARK_TEARDOWN CAPTURE PASSES [FILTER]
#     the non-zero counts of tshark -z teardown,tree[,FILTER] as
#     "node<TAB>count" lines, a child as "parent / child", a grandchild as
#     "parent / child / grandchild", in the order tshark prints them: the
#     tree's own order is part of what is tested.
stats_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 filter=${4:-}
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") -o statistics.st_enable_burstinfo:FALSE -q -z "teardown,tree${filter:+,$filter}" |
    sed -nE 's/^( *)([^ ].*[^ ]) {2,}(-?[0-9]+) .*/\1\2\t\3/p' |
    awk -F '\t' -v OFS='\t' '
        {
            depth = match($1, /[^ ]/) - 1
            path[depth] = substr($1, depth + 1)
            name = path[0]
            for (i = 1; i <= depth; i++)
                name = name " / " path[i]
            if ($2 != 0)
                print name, $2
        }'
}

# without_capture_end
#     a stats_view's or fields_view's lines without what only the end of
#     the capture tells: the rows "At the end of the capture", and in the
#     experts column (the last) the checks of teardown_capture_end_checks.
without_capture_end() {
    awk -F '\t' -v OFS='\t' -v end_checks="$(teardown_capture_end_checks | tr '\n' ' ')" '
        BEGIN { n = split(end_checks, list, " "); for (i = 1; i <= n; i++) end[list[i]] = 1 }
        /^At the end of the capture/ { next }
        {
            k = split($NF, checks, ",")
            kept = ""
            for (i = 1; i <= k; i++)
                if (!(checks[i] in end))
                    kept = kept (kept == "" ? "" : ",") checks[i]
            if (k > 0) $NF = kept
            print
        }'
}

# flow_view TSHARK_TEARDOWN CAPTURE PASSES
#     the ladder of the teardown frames as tshark prints Wireshark's Flow
#     Graph (-z flow,any,standard,teardown): the Info text, with the
#     plugin's step and role, is each arrow's comment.  Trailing blanks cut.
flow_view() {
    local tshark_teardown=$1 capture=$2 passes=$3
    "$tshark_teardown" -r "$capture" $(pass_options "$passes") -q -z flow,any,standard,teardown |
    sed 's/[[:space:]]*$//'
}

# conns_view TSHARK_TEARDOWN CAPTURE PASSES
#     the connection table as CSV, one line per connection, from the command
#     the README documents under "One row per connection" (its first sh
#     block), run as it is written with this build's tshark for `tshark`,
#     CAPTURE for `capture.pcapng`, and without -2 for one pass.
conns_view() {
    local tshark_teardown=$1 capture=$2 passes=$3 readme command
    readme="$(dirname "${BASH_SOURCE[0]}")/../README.md"
    pass_options "$passes" >/dev/null || return 2
    command=$(awk '/^#+ One row per connection/ { section = 1; next }
                   section && /^```sh$/ { inside = 1; next }
                   inside && /^```$/ { exit }
                   inside { print }' "$readme")
    [ -n "$command" ] || { echo "conns_view: no sh block under \"One row per connection\" in README.md" >&2; return 2; }
    [[ $command == *" -2 "* ]] || { echo "conns_view: the README's command should read the capture in two passes (-2)" >&2; return 2; }
    command=${command//capture.pcapng/'"$capture"'}
    [ "$passes" = 2 ] || command=${command/ -2 / }
    tshark() { "$tshark_teardown" "$@"; }
    eval "$command"
    unset -f tshark
}
