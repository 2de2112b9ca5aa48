# reports.sh: count the reports of valgrind or ASan log files that name the
# plugin in their stack; sourced by check-mutant.sh and soak.sh.
#   plugin_reports PATTERN LOG_FILE...
# A report is a block of lines between blank ones (valgrind prefixes each
# line with ==PID==); it counts when it matches PATTERN and names teardown.

plugin_reports() {
    local pattern=$1
    shift
    awk -v pattern="$pattern" '
        /^(==[0-9]+== )?$/ { if (block ~ pattern && block ~ /teardown/) n++; block = ""; next }
        { block = block "\n" $0 }
        END { if (block ~ pattern && block ~ /teardown/) n++; print n + 0 }' "$@" /dev/null
}

memcheck_errors='(Invalid|uninitialised|Mismatched|overlap|Syscall param)'
memcheck_leaks='lost in loss record'
sanitizer_errors='ERROR: AddressSanitizer|runtime error'
