#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The long state captures under ASan + UBSan, with Wireshark's own wmem
# allocators (tests/fuzz/README.md, "Long run without the wmem override"):
#
#   tests/fuzz/long_run.sh [--frames N] [--gap SECONDS] [--seed S] [--cut B]
#                          [--wmem default|strict|simple] [--dir DIR]
#                          [--keep DIR] [--only CONFIG]... [--modes "M..."]
#                          [--variants "V..."]
#
# mutate.sh runs thousands of short files with WIRESHARK_DEBUG_WMEM_OVERRIDE
# =simple, whose wmem_free costs time in proportion to what is still
# allocated: those runs never reach state expiry at scale. This one takes
# two captures of >= N frames (default 300,000) from make_long_captures.py,
# written into DIR (default /var/tmp/sip4xx-long, reused when present with
# the same arguments), and reads each through asan_tshark.sh with
# SIP4XX_ASAN_WMEM (default here: "default", no override):
#
#   config          capture            preferences
#   scanner         long_scanner.pcap  (defaults)     timers free the state
#   frozen          long_frozen.pcap   max_open_total 20, max_dialogs 10:
#                                      the expiry ring's cap frees it
#   frozen-default  long_frozen.pcap   (defaults: 200,000 each): the state
#                                      fills up, nothing is freed before the end
#
# in three variants, the mutate.sh axes:
#   clean  the file as generated
#   mut    editcap -E 0.02 -o 42 --seed S (42: the UDP payload's offset)
#   cut    mut cut by editcap -s 42+B: B bytes of each UDP payload (default
#          250: inside the header section, near the Call-ID)
# and four modes, output thrown away (but searched for sip4xx exceptions):
#   summary  -n          twopass   -2 -n
#   V        -n -V       twopassV  -2 -n -V
# (cut: twopassV only, as in mutate.sh; the files are UDP, so mutate.sh's
# fourth axis, TCP without desegmentation, does not apply.)
#
# Every run adds --log-debug sip4xx, whose "state at close" line says what
# the first pass left; the run fails when that exceeds the config's bounds
# (make_long_captures.py derives them), on a non-zero exit, a sanitizer
# report, "Dissector bug" or "Malformed Packet: SIP4XX". CPU time (user +
# sys) and peak RSS come from /usr/bin/time. Results: one line per run on
# stdout and in DIR/results-<wmem>.tsv; failing inputs and stderr in
# --keep DIR (default /tmp/sip4xx-fuzz-failures).
#
# The machine's other work: run it under nice. Exit: 0 no failure, 1
# failures, 77 no sanitizer runtime (skip).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/fuzz"
. "$top/tests/lib/tshark_env.sh"
frames=300000 gap=0.02 seed=14000 cutlen=250 wmem=default dir=/var/tmp/sip4xx-long
keep=/tmp/sip4xx-fuzz-failures
only=() modes="summary twopass V twopassV" variants="clean mut cut"
per_run_timeout=${SIP4XX_RUN_TIMEOUT:-7200}
while [ $# -gt 0 ]; do
    case "$1" in
        --frames)   frames=$2; shift 2 ;;
        --gap)      gap=$2; shift 2 ;;
        --seed)     seed=$2; shift 2 ;;
        --cut)      cutlen=$2; shift 2 ;;
        --wmem)     wmem=$2; shift 2 ;;
        --dir)      dir=$2; shift 2 ;;
        --keep)     keep=$2; shift 2 ;;
        --only)     only+=("$2"); shift 2 ;;
        --modes)    modes=$2; shift 2 ;;
        --variants) variants=$2; shift 2 ;;
        *) sed -n '4,9p' "$0" >&2; exit 2 ;;
    esac
done
[ ${#only[@]} -gt 0 ] || only=(scanner frozen frozen-default)

asan="$here/asan_tshark.sh"
"$asan" --build >/dev/null
rc=$?
[ $rc -eq 77 ] && exit 77
[ $rc -eq 0 ] || { echo "long_run.sh: the ASan build of the plugin failed" >&2; exit 1; }
export SIP4XX_ASAN_SKIP_BUILD=1 SIP4XX_ASAN_WMEM=$wmem
"$asan" -G plugins 2>/dev/null | tshark_env_lists_sip4xx || {
    echo "long_run.sh: tshark does not load the ASan build of sip4xx" >&2; exit 1; }

# The captures, rebuilt when the arguments or the generators changed.
mkdir -p "$dir" "$keep"
chmod 755 "$dir"
stamp="$dir/made-with"
want="frames=$frames gap=$gap $(cat "$here/make_long_captures.py" "$top/captures/gen/handmade.py" | md5sum | cut -c1-12)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || [ ! -f "$dir/long_scanner.pcap" ] || [ ! -f "$dir/long_frozen.pcap" ]; then
    python3 "$here/make_long_captures.py" "$dir" --frames "$frames" --gap "$gap" > "$dir/made.txt" || exit 1
    echo "$want" > "$stamp"
fi
chmod a+r "$dir"/*.pcap
cat "$dir/made.txt" >&2

# Bounds of the state left ("state at close"), per config: the scanner's
# follow from the gap (make_long_captures.py: 72/g transactions and calls,
# 8/g waiting 4xx, 72/g + 1 open at once; one more per fate for a window
# that ends on the instant a request arrives); the frozen ones from the
# caps (tests/capture/test_state_bounds.py). A mutated file may turn a
# response into a 2xx that makes a dialog, whose call then stays: calls
# are checked against the bound plus the dialogs kept.
read -r sc_tx sc_wait < <(python3 -c "import math; g = $gap; print(math.ceil(72 / g) + 4, math.ceil(8 / g) + 1)")
bounds_of() {
    case "$1" in
        scanner)        echo "calls=$sc_tx transactions=$sc_tx waiting=$sc_wait peak=$((sc_tx + 1))" ;;
        frozen)         echo "calls=176 transactions=146 waiting=20 entries=146 peak=20 dialogs=10" ;;
        frozen-default) echo "peak=200000 dialogs=200000" ;;
    esac
}
capture_of() { case "$1" in scanner) echo long_scanner ;; *) echo long_frozen ;; esac; }
prefs_of() { [ "$1" = frozen ] && echo "-o sip4xx.max_open_total:20 -o sip4xx.max_dialogs:10"; }

# check_state LINE BOUNDS: prints the first bound exceeded, or nothing.
check_state() {
    python3 - "$1" "$2" <<'EOF'
import re, sys
m = re.search(r"state at close: (?P<calls>\d+) calls, (?P<transactions>\d+) transactions, "
              r"(?P<waiting>\d+) 4xx waiting for a retry, (?P<entries>\d+) expiry entries; "
              r"at most (?P<peak>\d+) open at once \(max_open_total \d+\); (?P<dialogs>\d+) dialogs kept", sys.argv[1])
if not m:
    print("no 'state at close' line"); sys.exit()
got = {k: int(v) for k, v in m.groupdict().items()}
for b in sys.argv[2].split():
    k, v = b.split("=")
    limit = int(v) + (got["dialogs"] if k == "calls" else 0)
    if got[k] > limit:
        print(f"{k} {got[k]} > {limit}"); break
EOF
}

work=$(mktemp -d /tmp/sip4xx-long-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
results="$dir/results-$wmem.tsv"
printf 'config\tvariant\tmode\tframes\texit\tcpu_s\tuser_s\tsys_s\tmax_rss_kB\twall_s\tverdict\tstate\n' > "$results"
bad_re='Dissector bug|Malformed Packet: (SIP4XX|sip4xx)'
fails=0
off=42
cut=$((off + cutlen))
echo "long_run.sh: wmem=$wmem seed=$seed cut at $cut bytes; $(date -u '+%Y-%m-%d %H:%M UTC'); $(git -C "$top" rev-parse --short HEAD 2>/dev/null)" >&2

for config in "${only[@]}"; do
    cap=$(capture_of "$config")
    bounds=$(bounds_of "$config")
    [ -n "$bounds" ] || { echo "long_run.sh: unknown config $config" >&2; exit 2; }
    read -r -a prefs <<< "$(prefs_of "$config")"
    for variant in $variants; do
        file="$work/$cap.$variant.pcap"
        case $variant in
            clean) file="$dir/$cap.pcap" ;;
            mut)   [ -f "$file" ] || editcap -E 0.02 -o "$off" --seed "$seed" "$dir/$cap.pcap" "$file" >/dev/null ;;
            cut)   [ -f "$work/$cap.mut.pcap" ] || editcap -E 0.02 -o "$off" --seed "$seed" "$dir/$cap.pcap" "$work/$cap.mut.pcap" >/dev/null
                   [ -f "$file" ] || editcap -s "$cut" "$work/$cap.mut.pcap" "$file" >/dev/null ;;
            *) echo "long_run.sh: unknown variant $variant" >&2; exit 2 ;;
        esac
        chmod a+r "$file" 2>/dev/null
        n=$(capinfos -c -M "$file" | awk -F': +' '/Number of packets/ { print $2 }')
        for mode in $modes; do
            [ $variant = cut ] && [ $mode != twopassV ] && continue
            case $mode in
                summary)  flags=(-n) ;;
                twopass)  flags=(-2 -n) ;;
                V)        flags=(-n -V) ;;
                twopassV) flags=(-2 -n -V) ;;
                *) echo "long_run.sh: unknown mode $mode" >&2; exit 2 ;;
            esac
            flags+=(${prefs[@]+"${prefs[@]}"} --log-debug sip4xx -r "$file")
            hits=$( { timeout "$per_run_timeout" /usr/bin/time -f '%U %S %M %e' -o "$work/time" \
                          "$asan" "${flags[@]}" 2>"$work/err"
                      echo $? > "$work/rc"; } | grep -c -E "$bad_re")
            rc=$(cat "$work/rc")
            hits=$((hits + $(grep -c -E "$bad_re|ERROR: AddressSanitizer|runtime error:|LeakSanitizer" "$work/err")))
            read -r user sys rss wall < <(tail -1 "$work/time")
            state=$(grep -o 'state at close: .*' "$work/err" | head -1)
            over=$(check_state "$state" "$bounds")
            verdict=ok
            if [ "$rc" -ne 0 ] || [ "$hits" -ne 0 ] || [ -n "$over" ]; then
                verdict="FAIL(exit=$rc hits=$hits${over:+ state: $over})"
                fails=$((fails + 1))
                base="$keep/long.$config.$variant.seed$seed"
                [ $variant = clean ] || cp "$file" "$base.pcap"
                { echo "config=$config variant=$variant mode=$mode seed=$seed wmem=$wmem exit=$rc hits=$hits $over"
                  echo "reproduce: SIP4XX_ASAN_WMEM=$wmem tests/fuzz/asan_tshark.sh ${flags[*]}"
                  cat "$work/err"; } > "$base.$mode.txt"
            fi
            cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$variant" "$mode" "$n" "$rc" \
                "$cpu" "$user" "$sys" "$rss" "$wall" "$verdict" "${state#state at close: }" >> "$results"
            printf '%-14s %-5s %-8s %7s frames  cpu %7s s  rss %8s kB  %s  %s\n' "$config" "$variant" "$mode" "$n" \
                "$cpu" "$rss" "$verdict" "${state#state at close: }"
        done
    done
done
echo "long_run.sh: $fails failures; results in $results" >&2
[ "$fails" -eq 0 ]
