#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tshark + the normal build of sip4xx (build/) under valgrind memcheck,
# over every capture in captures/ with -n -V:
#   tests/fuzz/valgrind.sh [capture...]
# tshark runs as uid 65534 when we are root (root's tshark ignores
# WIRESHARK_PLUGIN_DIR), in a private HOME with a copy of the plugin
# (tests/lib/tshark_env.sh).
# wmem and GLib slices go through malloc (WIRESHARK_DEBUG_WMEM_OVERRIDE=
# simple, G_SLICE=always-malloc) so memcheck sees every block.
#
# Reports, per capture and in total, the memcheck errors and the bytes
# leaked (definitely / indirectly / possibly lost) whose stack has a frame in
# sip4xx.so, next to the totals for the whole process. Logs are kept in
# $SIP4XX_VALGRIND_LOGS (default /tmp/sip4xx-valgrind).
# Exit: 0 when nothing is attributed to sip4xx, 1 otherwise, 77 without
# valgrind.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SIP4XX_BUILD_DIR:-$top/build}
tshark=${SIP4XX_TSHARK:-$(command -v tshark || true)}
logs=${SIP4XX_VALGRIND_LOGS:-/tmp/sip4xx-valgrind}
. "$top/tests/lib/tshark_env.sh"

command -v valgrind >/dev/null || { echo "valgrind.sh: SKIP: valgrind not installed" >&2; exit 77; }
[ -n "$tshark" ] || { echo "valgrind.sh: SKIP: tshark not installed" >&2; exit 77; }
[ -f "$build/CMakeCache.txt" ] || cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target sip4xx -j"$(nproc)" >/dev/null || { echo "valgrind.sh: build failed" >&2; exit 1; }

home=$(mktemp -d /tmp/sip4xx-vg-home.XXXXXX)
trap 'rm -rf "$home"' EXIT
tshark_env_home "$home" "$build/plugins"
mkdir -p "$home/captures" "$logs"
if [ $# -gt 0 ]; then caps=("$@"); else caps=("$top"/captures/*.pcap "$top"/captures/*.pcapng); fi
for c in "${caps[@]}"; do [ -f "$c" ] && cp "$c" "$home/captures/"; done
chmod -R a+rwX "$home" "$logs"

run() {   # run <log> <tshark args...>
    local log=$1; shift
    tshark_env_run "$home" "$home/plugins" \
        WIRESHARK_DEBUG_WMEM_OVERRIDE=simple G_SLICE=always-malloc G_DEBUG=gc-friendly \
        valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
                 --errors-for-leak-kinds=definite --num-callers=40 --error-limit=no \
                 --log-file="$log" "$tshark" "$@"
}

run "$logs/plugins.log" -G plugins > "$home/plugins.txt" 2>/dev/null
tshark_env_lists_sip4xx < "$home/plugins.txt" || { echo "valgrind.sh: tshark does not load sip4xx" >&2; exit 1; }

# Split a memcheck log into records (blank-line separated) and sum what has
# a sip4xx.so frame. Prints: errors_sip4xx errors_all def ind pos (sip4xx)
# def ind pos (all) packets.
summarize() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
recs, cur = [], []
for line in text.splitlines():
    body = re.sub(r"^==\d+== ?", "", line)
    if body.strip() == "":
        if cur: recs.append(cur); cur = []
    else:
        cur.append(body)
if cur: recs.append(cur)
err_s = err_a = 0
leak = {k: [0, 0] for k in ("definitely", "indirectly", "possibly")}
for r in recs:
    head = r[0]
    ours = any("sip4xx.so" in l or "/plugin/" in l for l in r)
    m = re.match(r"([\d,]+) (?:\([\d,]+ direct, [\d,]+ indirect\) )?bytes in [\d,]+ blocks are (definitely|indirectly|possibly) lost", head)
    if m:
        n = int(m.group(1).replace(",", ""))
        leak[m.group(2)][1] += n
        if ours: leak[m.group(2)][0] += n
        continue
    if re.match(r"(Invalid |Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function)", head):
        err_a += 1
        if ours: err_s += 1
print(err_s, err_a, *(leak[k][0] for k in leak), *(leak[k][1] for k in leak))
PY
}

tot=(0 0 0 0 0 0 0 0) packets=0 bad=0
printf '%-36s %8s %14s %22s %22s\n' capture packets "errors(sip4xx/all)" "lost sip4xx def/ind/pos" "lost all def/ind/pos"
for c in "$home"/captures/*; do
    name=$(basename "$c")
    log="$logs/${name%%.*}.log"
    run "$log" -n -V -r "$c" > "$home/out.txt" 2> "$home/err.txt"
    rc=$?
    n=$(grep -c '^Frame [0-9]*:' "$home/out.txt")
    packets=$((packets + n))
    read -r -a s < <(summarize "$log")
    for i in 0 1 2 3 4 5 6 7; do tot[$i]=$((tot[$i] + s[$i])); done
    printf '%-36s %8d %14s %22s %22s\n' "$name" "$n" "${s[0]}/${s[1]}" "${s[2]}/${s[3]}/${s[4]}" "${s[5]}/${s[6]}/${s[7]}"
    if [ $rc -ne 0 ]; then echo "  tshark exited $rc (log $log)"; bad=1; fi
done
echo "total: $packets packets; memcheck errors in sip4xx: ${tot[0]} (all: ${tot[1]});" \
     "bytes lost with a sip4xx frame: definitely ${tot[2]}, indirectly ${tot[3]}, possibly ${tot[4]}" \
     "(whole process: ${tot[5]}/${tot[6]}/${tot[7]}); logs in $logs"
[ $bad -eq 0 ] && [ $((tot[0] + tot[2] + tot[3] + tot[4])) -eq 0 ]
