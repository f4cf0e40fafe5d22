#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package: build it with `cpack -G DEB` in a fresh build folder,
# check its metadata and contents, install it on this machine with dpkg -i,
# check that the INSTALLED plugin and profile work (root's tshark, which
# loads only the system plugin folder), and remove it again, whatever
# happens (trap).
#
#   tests/package/test_deb.sh [source-dir]
#
# Exit 77 (ctest: skipped) unless run as root with dpkg, cmake and cpack,
# and when installing would touch something that is not ours: the package
# already installed, or a sip4xx.so or "SIP 4xx" profile already in the
# system folders (dpkg -r would delete it).
set -eu

SRC=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
CAPTURE=$SRC/captures/real_kamailio_routing.pcapng
PROFILE="SIP 4xx"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "not root: installing a .deb needs root"
for tool in dpkg dpkg-deb dpkg-query cmake cpack tshark; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool not found"
done

WORK=$(mktemp -d /tmp/sip4xx-deb-XXXXXX)
PKG=
INSTALLED_BY_US=0
cleanup() {
    status=$?
    if [ "$INSTALLED_BY_US" = 1 ]; then
        echo "removing $PKG"
        dpkg -r "$PKG" >/dev/null 2>&1 || { echo "FAIL: dpkg -r $PKG failed: remove it by hand" >&2; status=1; }
    fi
    rm -rf "$WORK"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tshark as root, with a private HOME: root's own personal plugin folder
# (~/.local/lib/wireshark/plugins, where `cmake --install` puts sip4xx by
# default) must not stand in for the installed package.
TSHOME=$WORK/home
mkdir -p "$TSHOME/extcap"
ts() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$TSHOME" TZ=UTC LC_ALL=C.UTF-8 \
        WIRESHARK_EXTCAP_DIR="$TSHOME/extcap" tshark "$@" 2>"$WORK/tshark.err"
}

GLOBAL_PLUGINS=$(ts -G folders | sed -n 's/^Global Plugins:[[:space:]]*//p')
GLOBAL_CONF=$(ts -G folders | sed -n 's/^Global configuration:[[:space:]]*//p')
if [ -z "$GLOBAL_PLUGINS" ] || [ -z "$GLOBAL_CONF" ]; then fail "tshark -G folders: no global folders"; fi
PLUGIN_PATH=$GLOBAL_PLUGINS/epan/sip4xx.so
PROFILE_PATH=$GLOBAL_CONF/profiles/$PROFILE
[ -e "$PLUGIN_PATH" ] && skip "$PLUGIN_PATH already exists (installed by hand or by another package)"
[ -e "$PROFILE_PATH" ] && skip "$PROFILE_PATH already exists"

echo "== build the package in $WORK/build"
cmake -S "$SRC" -B "$WORK/build" -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$WORK/cmake.log" 2>&1 ||
    { cat "$WORK/cmake.log" >&2; fail "cmake configure"; }
cmake --build "$WORK/build" -j4 >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "cmake --build"; }
(cd "$WORK/build" && cpack -G DEB) >"$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log" >&2; fail "cpack -G DEB"; }
DEB=$(ls "$WORK/build"/*.deb)
[ "$(echo "$DEB" | wc -l)" = 1 ] || fail "expected one .deb, got: $DEB"
echo "built $(basename "$DEB")"

echo "== metadata"
PKG=$(dpkg-deb -f "$DEB" Package)
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
ARCH=$(dpkg-deb -f "$DEB" Architecture)
WS_MAJMIN=$(ts -v | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\)\..*/\1/p')
echo "Package: $PKG / Architecture: $ARCH / Depends: $DEPENDS"
[ "$PKG" = "sip4xx-wireshark-$WS_MAJMIN" ] || fail "package name '$PKG', expected sip4xx-wireshark-$WS_MAJMIN"
[ "$ARCH" = "$(dpkg --print-architecture)" ] || fail "architecture '$ARCH'"
# The libwireshark the plugin is linked to, and the package it comes from.
LIBWS=$(ldd "$WORK/build/plugins/$WS_MAJMIN/epan/sip4xx.so" | sed -n 's/^[[:space:]]*libwireshark\.so[^ ]* => \([^ ]*\) .*/\1/p')
[ -n "$LIBWS" ] || fail "the plugin is not linked to libwireshark"
LIBWS_PKG=$(dpkg -S "$(readlink -f "$LIBWS")" | sed -n '1s/^\([^:]*\).*/\1/p')
echo "linked to $LIBWS, from $LIBWS_PKG"
case ", $DEPENDS," in
    *", $LIBWS_PKG (>= $WS_MAJMIN.0),"*) ;;
    *) fail "Depends does not require $LIBWS_PKG (>= $WS_MAJMIN.0): $DEPENDS" ;;
esac
case "$DEPENDS" in
    *"$LIBWS_PKG (<< "*) ;;
    *) fail "Depends does not bound $LIBWS_PKG to Wireshark $WS_MAJMIN: $DEPENDS" ;;
esac
# sip4xx-report: python3 runs it, it runs tshark (and wireshark-common's
# capinfos, editcap, mergecap, which tshark depends on).
for dep in python3 tshark; do
    case ", $DEPENDS," in
        *", $dep,"*) ;;
        *) fail "Depends does not list $dep (sip4xx-report needs it): $DEPENDS" ;;
    esac
done
dpkg-deb -c "$DEB" >"$WORK/contents"
for f in "$PLUGIN_PATH" "$PROFILE_PATH/preferences" "$PROFILE_PATH/colorfilters" "$PROFILE_PATH/dfilter_buttons" \
         /usr/bin/sip4xx-report /usr/share/sip4xx-report/sip4xx_report.py; do
    grep -qF " .$f" "$WORK/contents" || { cat "$WORK/contents" >&2; fail "the package does not install $f"; }
done
if grep -qE ' \./(root|home)/' "$WORK/contents"; then fail "the package installs into a home folder"; fi
echo "contents: plugin in $GLOBAL_PLUGINS/epan, profile in $GLOBAL_CONF/profiles"

if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "installed"; then
    skip "$PKG is already installed: not touching it"
fi

echo "== dpkg -i"
INSTALLED_BY_US=1
dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; fail "dpkg -i"; }
[ -f "$PLUGIN_PATH" ] || fail "$PLUGIN_PATH not installed"

echo "== the installed plugin, loaded by root's tshark"
ts -G plugins >"$WORK/plugins" || fail "tshark -G plugins"
grep -E "^sip4xx\.so[[:space:]].*[[:space:]]$PLUGIN_PATH\$" "$WORK/plugins" ||
    { cat "$WORK/plugins" >&2; fail "tshark -G plugins does not list $PLUGIN_PATH"; }
cp "$CAPTURE" "$WORK/"
CAP=$WORK/$(basename "$CAPTURE")
ts -n -r "$CAP" -Y "sip4xx.code == 405" -T fields -e frame.number -e sip4xx.code -e sip4xx.missing_header \
    >"$WORK/fields" || { cat "$WORK/tshark.err" >&2; fail "tshark -r"; }
cat "$WORK/fields"
printf '5\t405\tAllow\n7\t405\t\n' | cmp -s - "$WORK/fields" || fail "the 405 frames are not annotated as expected (5: missing Allow, 7: none)"

echo "== the installed profile (global): tshark -C '$PROFILE'"
ts -n -C "$PROFILE" -r "$CAP" >"$WORK/summary" || { cat "$WORK/tshark.err" >&2; fail "tshark -C '$PROFILE'"; }
# (as root, tshark always says it is running as root: not a warning about the profile)
if grep -v 'Running as user "root"' "$WORK/tshark.err" | grep -q .; then
    cat "$WORK/tshark.err" >&2; fail "tshark -C '$PROFILE' warned"
fi
grep -E '^ *5 .*\[405: missing Allow\] Allow 4 The server knows the method' "$WORK/summary" ||
    { cat "$WORK/summary" >&2; fail "frame 5: the profile's columns are not there"; }

echo "== the installed sip4xx-report (root's tshark, the installed plugin)"
mkdir "$WORK/collection"
cp "$CAPTURE" "$WORK/collection/"
rc=0
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$TSHOME" TZ=UTC LC_ALL=C.UTF-8 WIRESHARK_EXTCAP_DIR="$TSHOME/extcap" \
    /usr/bin/sip4xx-report "$WORK/collection" >"$WORK/report" 2>"$WORK/report.err" || rc=$?
cat "$WORK/report"
[ "$rc" = 1 ] || { cat "$WORK/report.err" >&2; fail "sip4xx-report exited with $rc, expected 1 (a 405 without Allow)"; }
grep -qF "kamailio-sip4xx-proxy sent 1 405 without Allow (MUST) — e.g. real_kamailio_routing.pcapng frame 5" \
    "$WORK/report" || fail "sip4xx-report: the 405 without Allow of frame 5 is not reported"

echo "== dpkg -r"
INSTALLED_BY_US=0
dpkg -r "$PKG" >"$WORK/dpkg.log" 2>&1 || { cat "$WORK/dpkg.log" >&2; INSTALLED_BY_US=1; fail "dpkg -r"; }
[ -e "$PLUGIN_PATH" ] && fail "$PLUGIN_PATH left behind by dpkg -r"
[ -e "$PROFILE_PATH" ] && fail "$PROFILE_PATH left behind by dpkg -r"
rm -rf "$TSHOME/.config"
if ts -G plugins | grep -q '^sip4xx\.so'; then fail "tshark still loads sip4xx after dpkg -r"; fi
echo "OK: $PKG builds, installs, works as installed (plugin, profile, sip4xx-report), and removes cleanly"
