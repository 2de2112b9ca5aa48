#!/usr/bin/env bash
# install-profile.sh: install the "Teardown" Wireshark configuration profile
# (teardown columns, coloring rules, filter buttons) from packaging/profile/.
# Usage: install-profile.sh [--system]
#   default   your personal profiles folder, ~/.config/wireshark/profiles/Teardown
#   --system  Wireshark's global profiles folder (usually
#             /usr/share/wireshark/profiles/Teardown), offered to every user;
#             Wireshark copies it to the personal folder when first chosen.
# Then choose it with `wireshark -C Teardown` or in the status bar's profile menu.
set -euo pipefail
source_dir="$(cd "$(dirname "$0")" && pwd)/profile"

# Wireshark names its configuration folders; fall back to its defaults when
# tshark is missing.
folder() {
    tshark -G folders 2>/dev/null | awk -F'\t' -v name="$1" '$1 ~ "^" name ":" { print $2 }' || true
}

case "${1:-}" in
"")
    config=$(folder "Personal configuration")
    config=${config:-${XDG_CONFIG_HOME:-$HOME/.config}/wireshark}
    ;;
--system)
    config=$(folder "Global configuration")
    config=${config:-/usr/share/wireshark}
    ;;
*)
    echo "usage: $0 [--system]" >&2
    exit 2
    ;;
esac

target="$config/profiles/Teardown"
install -d -m 755 "$target"
install -m 644 "$source_dir/preferences" "$source_dir/colorfilters" "$source_dir/dfilter_buttons" "$target/"
echo "installed the Teardown profile in $target"
