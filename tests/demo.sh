#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: install what is missing, build the plugin, and run tshark
# with it on a bundled capture, showing the annotated 4xx responses.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh"
build=${SIP4XX_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
capture=${1:-$top/captures/real_kamailio_routing.pcapng}
shift || true
# tshark as root ignores WIRESHARK_PLUGIN_DIR: run it as nobody from a
# private copy (STYLE.md pitfall 6; tests/lib/tshark_env.sh).
. "$top/tests/lib/tshark_env.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tshark_env_home "$tmp" "$build/plugins"
cp "$capture" "$tmp/"
chmod -R a+rX "$tmp"
run=(tshark_env_run "$tmp" "$tmp/plugins" "$(command -v tshark)" -n -r "$tmp/$(basename "$capture")")
# The summary lines with the "SIP 4xx" profile's sip4xx columns: the
# findings in Info, then the missing header and the meaning.
columns='gui.column.format:"No.","%m","Source","%s","Destination","%d","Info","%i","Missing header","%Cus:sip4xx.missing_header:0:R","Meaning","%Cus:sip4xx.meaning:0:R"'
echo "== Summary (findings in Info, then the Missing header and Meaning columns) =="
"${run[@]}" -o "$columns" "$@"
echo
echo "== The sip4xx tree of every 4xx =="
# Keep the frame line, the sip4xx item and its direct children.
"${run[@]}" -Y "sip4xx.code" -O sip4xx -V "$@" |
    awk '/^Frame [0-9]+:/ { print ""; print $1, $2; next }
         /^\[?SIP 4xx analysis/ { inblock = 1; print; next }
         /^[^ ]/ { inblock = 0 }
         inblock && /^    [^ ]/ { print }' 
