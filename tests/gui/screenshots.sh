#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Screenshots of Wireshark (Qt) with sip4xx and the "SIP 4xx" profile, for
# the README (PNG, 256 colours, each checked to be under 300 KB), taken
# from exactly what `cmake --install` installs into a fresh HOME: the
# plugin in the personal plugin folder, the profile with its column
# widths. Nothing of the profile is written here; only the window size
# (recent_common, which Wireshark keeps apart from profiles).
#   main-window.png       the 405-without-Allow frame (-g 5) selected, its
#                         sip4xx subtree expanded in the packet details
#   packet-list.png       the packet list alone, another frame selected: the
#                         profile's columns and colouring rules
#   expert-info.png       Analyze › Expert Information (through the menu)
#   telephony-sip4xx.png  Telephony › SIP 4xx (through the menu: the test
#                         fails when that item does not open the SIP 4xx
#                         table)
#
#   tests/gui/screenshots.sh [build-dir] [out-dir]
#
# build-dir defaults to build/, out-dir to plugin/profile/screenshots/.
# Needs: cmake, wireshark-qt, xvfb, xdotool, imagemagick (import),
# setpriv; exits 77 (ctest: skipped) when one is missing.
# Wireshark runs under Xvfb as an unprivileged user (nobody when run as
# root) in that private HOME (tests/lib/tshark_env.sh): nothing of the
# calling user's configuration is read or written.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/tshark_env.sh"
BUILD=${1:-$ROOT/build}
OUT=${2:-$ROOT/plugin/profile/screenshots}
CAPTURE=$ROOT/captures/real_kamailio_routing.pcapng
FRAME=5            # the 405 without Allow
PROFILE="SIP 4xx"
W=1400 H=900

for tool in cmake wireshark Xvfb xdotool import setpriv; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "screenshots.sh: $tool not found (apt-get install wireshark-qt xvfb xdotool imagemagick)" >&2
        exit 77
    }
done
if ! ls "$BUILD"/plugins/*/epan/sip4xx.so >/dev/null 2>&1; then
    echo "screenshots.sh: no plugin in $BUILD/plugins (build first)" >&2
    exit 2
fi
mkdir -p "$OUT"

WORK=$(mktemp -d /tmp/sip4xx-gui-XXXXXX)
XVFB_PID='' WS_PID=''
# shellcheck disable=SC2317  # called by the trap
cleanup() {
    if [ -n "$WS_PID" ]; then kill "$WS_PID" 2>/dev/null || true; fi
    if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

HOME_DIR=$WORK/home
CONF=$HOME_DIR/.config/wireshark
mkdir -p "$HOME_DIR/run" "$HOME_DIR/extcap" "$WORK/no-plugins"
# The install under test, into the personal folders of this fresh HOME.
if ! env -u XDG_CONFIG_HOME HOME="$HOME_DIR" cmake --install "$BUILD" >"$WORK/install.log" 2>&1; then
    cat "$WORK/install.log" >&2
    echo "screenshots.sh: cmake --install failed" >&2
    exit 1
fi
[ -f "$CONF/profiles/$PROFILE/recent" ] || { echo "screenshots.sh: the profile's recent was not installed" >&2; exit 1; }
cp "$CAPTURE" "$HOME_DIR/"
CAP=$HOME_DIR/$(basename "$CAPTURE")

cat > "$CONF/recent_common" <<EOF
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: $W
gui.geometry_main_height: $H
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
EOF

if [ "$(id -u)" = 0 ]; then
    chmod -R a+rwX "$WORK"
    chown "$TSHARK_ENV_UID:$TSHARK_ENV_UID" "$HOME_DIR/run"
fi
chmod 700 "$HOME_DIR/run"

# shot WINDOW FILE [import options]: a PNG with a 256-colour palette (the
# screenshots are text on flat colours: it keeps them small and sharp).
shot() {
    win=$1 file=$2; shift 2
    import -window "$win" "$@" +repage +dither -colors 256 -define png:compression-level=9 "PNG8:$file"
}

# wait_window TITLE-REGEX WHAT: the id of the first visible window whose
# title matches, within 10 s.
wait_window() {
    i=0
    while :; do
        id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -1 || true)
        [ -n "$id" ] && { echo "$id"; return 0; }
        i=$((i + 1))
        [ $i -lt 50 ] || { echo "screenshots.sh: $2 did not open" >&2; return 1; }
        sleep 0.2
    done
}

# A free display number.
D=57
while [ -e "/tmp/.X11-unix/X$D" ] || [ -e "/tmp/.X$D-lock" ]; do D=$((D + 1)); done
Xvfb ":$D" -screen 0 "${W}x${H}x24" -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
export DISPLAY=":$D"
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "Xvfb did not start" >&2; cat "$WORK/xvfb.log" >&2; exit 1; }
    sleep 0.2
done

# WIRESHARK_PLUGIN_DIR names an empty folder: the sip4xx loaded is the one
# installed in the personal plugin folder.
(cd "$HOME_DIR" && tshark_env_exec "$HOME_DIR" "$WORK/no-plugins" DISPLAY="$DISPLAY" \
    XDG_RUNTIME_DIR="$HOME_DIR/run" XDG_CONFIG_HOME="$HOME_DIR/.config" \
    QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1 \
    wireshark -C "$PROFILE" -r "$CAP" -g "$FRAME") >"$WORK/wireshark.log" 2>&1 &
WS_PID=$!

# The main window: its title is the capture file's name.
NAME=$(basename "$CAP")
i=0
while :; do
    WIN=$(xdotool search --onlyvisible --name "^$NAME" 2>/dev/null | head -1 || true)
    [ -n "$WIN" ] && break
    i=$((i + 1))
    if [ $i -ge 150 ] || ! kill -0 "$WS_PID" 2>/dev/null; then
        echo "screenshots.sh: Wireshark's main window did not appear" >&2
        cat "$WORK/wireshark.log" >&2
        exit 1
    fi
    sleep 0.2
done
xdotool windowmove "$WIN" 0 0 windowsize "$WIN" "$W" "$H"
sleep 3

# Packet details (the lower left pane): click into it, go to its last
# top-level item (the sip4xx tree: a post-dissector comes last) and expand
# it one level (its expert items stay folded).
xdotool mousemove --window "$WIN" 200 $((H - 300)) click 1
sleep 0.5
xdotool key --window "$WIN" End
sleep 0.3
xdotool key --window "$WIN" Right
sleep 0.3
# The pointer out of the way (no hover highlight in the picture).
xdotool mousemove --window "$WIN" 5 5
sleep 1
shot root "$OUT/main-window.png"

# The packet list with another frame (1) selected, so that the 405 row
# shows its colouring rule instead of the selection colour; cut below the
# last of the 20 rows.
xdotool mousemove --window "$WIN" 300 122 click 1
sleep 1
shot root "$OUT/packet-list.png" -crop "${W}x470+0+0"

# Analyze › Expert Information, through the menu: Expert Information is the
# menu's last item, Up from the first wraps to it.
xdotool key --window "$WIN" alt+a
sleep 1
xdotool key --window "$WIN" Up
sleep 0.3
xdotool key --window "$WIN" Return
EWIN=$(wait_window "Expert Information" "the Expert Information dialog")
xdotool windowmove "$EWIN" 0 0 windowsize "$EWIN" 1150 430
sleep 1
# Unfold every group: from the last one up (a group's entries are below it).
xdotool mousemove --window "$EWIN" 400 30 click 1
sleep 0.3
xdotool key --window "$EWIN" End
for _ in 1 2 3 4 5 6 7 8; do
    xdotool key --window "$EWIN" Right Up
done
xdotool key --window "$EWIN" Home
# Sorted by severity, most severe first (the second click on the header
# sorts downwards): what deserves attention on top.
xdotool mousemove --window "$EWIN" 50 22 click 1
sleep 0.5
xdotool click 1
sleep 0.5
xdotool mousemove --window "$EWIN" 1100 420
sleep 1
shot "$EWIN" "$OUT/expert-info.png"
xdotool windowclose "$EWIN" 2>/dev/null || xdotool windowkill "$EWIN"
sleep 1

# Telephony › SIP 4xx, through the menu. Wireshark lists the statistics
# tables of the Telephony group among its own items by title (... SIP
# Flows, SIP 4xx, SIP Statistics, WAP-WSP Packet Counter): the menu opens
# on its first item, Up wraps to the last, two more reach SIP 4xx. Which
# item opened is checked by the window's title.
xdotool mousemove --window "$WIN" 300 122 click 1
sleep 0.5
xdotool key --window "$WIN" alt+y
sleep 1
for _ in 1 2 3; do
    xdotool key --window "$WIN" Up
    sleep 0.3
done
xdotool key --window "$WIN" Return
TWIN=$(wait_window "SIP 4xx · $NAME" "Telephony › SIP 4xx (the SIP 4xx table)")
xdotool windowmove "$TWIN" 0 0 windowsize "$TWIN" 1250 260
sleep 1.5
xdotool mousemove --window "$TWIN" 1240 250
sleep 0.5
shot "$TWIN" "$OUT/telephony-sip4xx.png"

status=0
for f in main-window packet-list expert-info telephony-sip4xx; do
    size=$(wc -c <"$OUT/$f.png")
    echo "$OUT/$f.png: $size bytes"
    if [ "$size" -ge 307200 ]; then echo "  over 300 KB" >&2; status=1; fi
    if [ "$size" -lt 8000 ]; then echo "  suspiciously small: a blank picture?" >&2; status=1; fi
done
exit $status
