#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Mutation fuzzing of sip4xx inside the stock tshark, under ASan + UBSan
# (asan_tshark.sh), the way Wireshark's tools/fuzz-test.sh does it:
#
#   tests/fuzz/mutate.sh [--seconds N | --rounds N] [--jobs J] [--seed S]
#                        [--packets P] [--keep DIR] [--wmem MODE]
#
# Every capture in captures/ is first doubled until it holds >= P packets
# (default 4000: one tshark start-up per few thousand packets, not per
# capture of 2-98). Each round takes the next seed and, for every capture,
#   editcap -E 0.02 -o <offset> --seed <seed>    (offset = where the first
#           transport payload starts in that capture, so link/IP/UDP or TCP
#           headers stay intact and the frames stay SIP: 42 for Ethernet+
#           IPv4+UDP, 62 for IPv6 or TCP)
# then dissects the mutated file with -n -V (one pass) and -2 -n -V (two
# passes). A failure is: a non-zero exit, a sanitizer report, a timeout,
# "Dissector bug", or a "Malformed Packet" naming sip4xx/SIP4XX (an
# exception escaping the post-dissector). Failing inputs are kept in DIR
# (default /tmp/sip4xx-fuzz-failures, outside the repository) with the
# tshark stderr; rerun one with asan_tshark.sh -n -V -r <file>.
#
# --wmem simple|strict|default sets SIP4XX_ASAN_WMEM for asan_tshark.sh
# (default simple: every wmem block a malloc of its own, checked by ASan;
# its free is slow on long files, see asan_tshark.sh and long_run.sh).
#
# Exit: 0 no failure, 1 failures, 77 no sanitizer runtime (skip).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/fuzz"
. "$top/tests/lib/tshark_env.sh"
seconds=0 rounds=0 jobs=1 seed=1 packets=4000
keep=/tmp/sip4xx-fuzz-failures
per_run_timeout=${SIP4XX_RUN_TIMEOUT:-600}
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --rounds)  rounds=$2; shift 2 ;;
        --jobs)    jobs=$2; shift 2 ;;
        --seed)    seed=$2; shift 2 ;;
        --packets) packets=$2; shift 2 ;;
        --keep)    keep=$2; shift 2 ;;
        --wmem)    export SIP4XX_ASAN_WMEM=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds N | --rounds N] [--jobs J] [--seed S] [--packets P] [--keep DIR] [--wmem simple|strict|default]" >&2; exit 2 ;;
    esac
done
[ "$seconds" -gt 0 ] || [ "$rounds" -gt 0 ] || rounds=1

asan="$here/asan_tshark.sh"
"$asan" --build >/dev/null
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { echo "mutate.sh: the ASan build of the plugin failed" >&2; exit 1; }
export SIP4XX_ASAN_SKIP_BUILD=1
"$asan" -G plugins 2>/dev/null | tshark_env_lists_sip4xx || {
    echo "mutate.sh: tshark does not load the ASan build of sip4xx" >&2; exit 1; }

work=$(mktemp -d /tmp/sip4xx-mutate.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$keep"

# Prepare the doubled captures and their mutation offsets.
list="$work/captures.txt"
: > "$list"
for cap in "$top"/captures/*.pcap "$top"/captures/*.pcapng; do
    [ -f "$cap" ] || continue
    name=$(basename "$cap"); name=${name%%.*}
    off=$(tshark -n -r "$cap" -T fields -e frame.cap_len -e udp.length -e tcp.len 2>/dev/null |
          awk '{ if ($2 != "") o = $1 - ($2 - 8); else if ($3 > 0) o = $1 - $3; else next;
                 if (min == "" || o < min) min = o } END { print (min == "" ? 42 : min) }')
    big="$work/$name.big.pcapng"
    # mergecap 4.0 will not re-write a file with a decryption secrets block
    # (real_openssl_tls): say so rather than skip it silently. Its SIP is
    # inside TLS records, which a mutation would stop from decrypting anyway.
    if ! mergecap -F pcapng -w "$big" "$cap" 2>/dev/null; then
        echo "mutate.sh: $name skipped: mergecap cannot re-write it (a decryption secrets block?)"
        continue
    fi
    n=$(capinfos -c -M "$big" | awk -F': +' '/Number of packets/ { print $2 }')
    while [ "$n" -gt 0 ] && [ "$n" -lt "$packets" ]; do
        mergecap -F pcapng -a -w "$work/tmp.pcapng" "$big" "$big" && mv "$work/tmp.pcapng" "$big"
        n=$((n * 2))
    done
    echo "$name $off $n $big" >> "$list"
done
chmod -R a+rX "$work"
echo "mutate.sh: $(wc -l < "$list") captures, $(awk '{ s += $3 } END { print s }' "$list") packets per round," \
     "jobs=$jobs, wmem=${SIP4XX_ASAN_WMEM:-simple}, $([ "$seconds" -gt 0 ] && echo "$seconds s" || echo "$rounds rounds"), failures kept in $keep"

start=$(date +%s)
bad_re='Dissector bug|Malformed Packet: (SIP4XX|sip4xx)'

# One lane: seeds seed+lane, seed+lane+jobs, ... Writes its totals to
# $work/lane.<lane>: rounds files packets failures.
lane() {
    local lane=$1 r=0 files=0 pkts=0 fails=0 s mut name off n big mode rc hits
    while :; do
        if [ "$rounds" -gt 0 ] && [ $r -ge "$rounds" ]; then break; fi
        if [ "$seconds" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$seconds" ]; then break; fi
        s=$((seed + lane + r * jobs))
        while read -r name off n big; do
            if [ "$seconds" -gt 0 ] && [ $(( $(date +%s) - start )) -ge "$seconds" ]; then break 2; fi
            mut="$work/$name.$s.pcapng"
            editcap -E 0.02 -o "$off" --seed "$s" "$big" "$mut" >/dev/null 2>&1 || continue
            # Partial input is its own axis: the same mutated packets cut
            # by a snaplen inside the SIP payload (varying with the seed),
            # and TCP read without desegmentation (continuation segments).
            editcap -s $((off + 16 + s % 400)) "$mut" "$mut.cut.pcapng" >/dev/null 2>&1 || cp "$mut" "$mut.cut.pcapng"
            chmod a+r "$mut" "$mut.cut.pcapng"
            for mode in onepass twopass cut nodesegment; do
                local flags=(-n -V -r "$mut")
                [ $mode = twopass ] && flags=(-2 "${flags[@]}")
                [ $mode = cut ] && flags=(-2 -n -V -r "$mut.cut.pcapng")
                [ $mode = nodesegment ] && flags=(-o tcp.desegment_tcp_streams:FALSE "${flags[@]}")
                hits=$( { timeout "$per_run_timeout" "$asan" "${flags[@]}" 2>"$work/err.$lane"
                          echo $? > "$work/rc.$lane"; } | grep -c -E "$bad_re")
                rc=$(cat "$work/rc.$lane")
                hits=$((hits + $(grep -c -E "$bad_re|ERROR: AddressSanitizer|runtime error:|LeakSanitizer" "$work/err.$lane")))
                if [ "$rc" -ne 0 ] || [ "$hits" -ne 0 ]; then
                    fails=$((fails + 1))
                    cp "${flags[-1]}" "$keep/$name.seed$s.pcapng"
                    { echo "capture=$name seed=$s offset=$off mode=$mode exit=$rc"
                      echo "reproduce: tests/fuzz/asan_tshark.sh ${flags[*]/${flags[-1]}/$keep/$name.seed$s.pcapng}"
                      cat "$work/err.$lane"; } > "$keep/$name.seed$s.$mode.txt"
                    echo "FAIL capture=$name seed=$s mode=$mode exit=$rc -> $keep/$name.seed$s.$mode.txt" >&2
                fi
            done
            rm -f "$mut" "$mut.cut.pcapng"
            files=$((files + 1))
            pkts=$((pkts + n))
        done < "$list"
        r=$((r + 1))
        echo "$r $files $pkts $fails" > "$work/lane.$lane"
        echo "mutate.sh: lane $lane, round $r done (seed $s): $pkts packets, $fails failures," \
             "$(( $(date +%s) - start )) s" >&2
    done
    echo "$r $files $pkts $fails" > "$work/lane.$lane"
}

for ((j = 0; j < jobs; j++)); do
    lane $j &
done
wait

read -r R F P X < <(cat "$work"/lane.* 2>/dev/null | awk '{ r += $1; f += $2; p += $3; x += $4 } END { print r+0, f+0, p+0, x+0 }')
el=$(( $(date +%s) - start ))
echo "mutate.sh: $R rounds, $F mutated files, $P mutated packets (each dissected one-pass and two-pass with -V, cut by a snaplen, and without TCP desegmentation), $X failures, ${el} s"
[ "$X" -eq 0 ]
