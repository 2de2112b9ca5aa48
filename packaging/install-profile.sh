#!/usr/bin/env bash
# install-profile.sh: install the "Teardown" Wireshark configuration profile
# (teardown columns, coloring rules, filter buttons, I/O graphs) from
# packaging/profile/, its check filters written out from
# plugin/teardown_checks.h.
# Usage: install-profile.sh [--system | --dir DIR]
#   default   your personal profiles folder, ~/.config/wireshark/profiles/Teardown
#   --system  Wireshark's global profiles folder (usually
#             /usr/share/wireshark/profiles/Teardown), offered to every user;
#             Wireshark copies it to the personal folder when first chosen.
#   --dir     DIR itself (the Debian package build stages it there).
# Then choose it with `wireshark -C Teardown` or in the status bar's profile menu.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../test/lib.sh"

# Wireshark names its configuration folders; fall back to its defaults when
# tshark is missing.
folder() {
    tshark -G folders 2>/dev/null | awk -F'\t' -v name="$1" '$1 ~ "^" name ":" { print $2 }' || true
}

case "${1:-}" in
"")
    config=$(folder "Personal configuration")
    target="${config:-${XDG_CONFIG_HOME:-$HOME/.config}/wireshark}/profiles/Teardown"
    ;;
--system)
    config=$(folder "Global configuration")
    target="${config:-/usr/share/wireshark}/profiles/Teardown"
    ;;
--dir)
    [ $# -eq 2 ] || { echo "usage: $0 --dir DIR" >&2; exit 2; }
    target=$2
    ;;
*)
    echo "usage: $0 [--system | --dir DIR]" >&2
    exit 2
    ;;
esac

failed_checks=$(teardown_any_check WARN ERROR)
install -d -m 755 "$target"
for file in preferences colorfilters dfilter_buttons io_graphs; do
    while IFS= read -r line; do
        [[ $line == "#"* ]] || line=${line//TEARDOWN_FAILED_CHECKS/$failed_checks}
        printf '%s\n' "$line"
    done <"$here/profile/$file" >"$target/$file"
    chmod 644 "$target/$file"
done
echo "installed the Teardown profile in $target"
