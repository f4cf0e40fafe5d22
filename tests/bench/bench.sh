#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark stock tshark against tshark + sip4xx on the captures made by
# tests/bench/make_captures.sh: the SIP-dense worst case (sip), an ordinary
# SIP capture (ord), one without SIP (nosip), 1M frames (big), and the
# memory worst case of frozen_scanner.py (frozen, generated here).
#
# Three setups, all the same /usr/bin/tshark run the same way: as an
# unprivileged user (setpriv 65534) with a private HOME, an empty extcap
# folder, TZ=UTC, LC_ALL=C.UTF-8 (tests/lib/tshark_env.sh). WIRESHARK_PLUGIN_DIR
# is an empty folder for "stock" and "floor" and a copy of build/plugins for
# "plugin" (checked with tshark -G plugins). "floor" is stock asked for a
# protocol tree on every frame, as sip4xx makes tshark build one by asking
# for the `sip` items: the mode's arguments plus -Y "sip or not sip". It is
# measured, in the same runs as stock, for the modes that build no tree of
# their own (summary, -q -z expert, -2): their targets are against it.
#
# Times: every mode runs N times per capture, interleaved stock, [floor,]
# plugin, stock, ... after one untimed warm-up; medians of wall and of
# user+system CPU time (/usr/bin/time) and their ratios.  Peak RSS:
# /usr/bin/time (Maximum resident set size), summary mode, on the 1M-frame
# and frozen captures.  Instructions: valgrind --tool=callgrind on the first
# CG_FRAMES frames of each capture (sip, ord, nosip), start-up (a 1-frame
# run) subtracted; dissect_sip4xx inclusive per SIP frame, split into what
# the plugin computes and what it renders.
#
# usage: tests/bench/bench.sh [-n RUNS] [-d CAPTURE_DIR] [-o OUT_DIR] [--readme FILE] [--quick]
#   RUNS         timed runs per mode and configuration (default 5)
#   CAPTURE_DIR  where make_captures.sh put its files (default /var/cache/sip4xx-bench)
#   OUT_DIR      where RESULTS.md and results.json go (default tests/bench)
#   --readme F   also rewrite the performance table of F (between its
#                <!-- bench:begin --> and <!-- bench:end --> lines)
#   --quick      RUNS=1, no -V on the no-SIP capture, one RSS run (a smoke test)
# Environment: PLUGIN_DIR (default build/plugins), MODES (all), RSS_RUNS (3), CG_FRAMES (20000),
# CG_MODES ("summary expert twopass Y_sip V fields"), CG_RUNS (1: callgrind runs
# of each setup, the median reported), TIME_CAPS ("sip ord nosip"),
# SIP_CAPTURE / ORD_CAPTURE / NOSIP_CAPTURE / BIG_CAPTURE file names,
# FROZEN_FRAMES (1000000).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/tshark_env.sh"
RUNS=5
CAPDIR=/var/cache/sip4xx-bench
OUTDIR=$HERE
QUICK=0
README_FILE=
while [[ $# -gt 0 ]]; do
	case $1 in
	-n) RUNS=$2; shift 2 ;;
	-d) CAPDIR=$2; shift 2 ;;
	-o) OUTDIR=$2; shift 2 ;;
	--readme) README_FILE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
	--quick) QUICK=1; RUNS=1; shift ;;
	*) echo "usage: $0 [-n RUNS] [-d CAPTURE_DIR] [-o OUT_DIR] [--readme FILE] [--quick]" >&2; exit 2 ;;
	esac
done
PLUGIN_DIR=${PLUGIN_DIR:-$REPO/build/plugins}
RSS_RUNS=${RSS_RUNS:-3}
[[ $QUICK == 1 ]] && RSS_RUNS=1
CG_FRAMES=${CG_FRAMES:-20000}
CG_MODES=${CG_MODES:-summary expert twopass Y_sip V fields}
CG_RUNS=${CG_RUNS:-1}
TIME_CAPS=${TIME_CAPS:-sip ord nosip}
FROZEN_FRAMES=${FROZEN_FRAMES:-1000000}
SIP=$CAPDIR/${SIP_CAPTURE:-sip-300k.pcapng}
ORD=$CAPDIR/${ORD_CAPTURE:-sip-ordinary-300k.pcapng}
NOSIP=$CAPDIR/${NOSIP_CAPTURE:-nosip-100k.pcapng}
BIG=$CAPDIR/${BIG_CAPTURE:-sip-1m.pcapng}
FROZEN=$CAPDIR/frozen-scanner-1m.pcap

log() { echo "bench: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for f in "$SIP" "$ORD" "$NOSIP" "$BIG"; do
	[[ -s "$f" ]] || die "$f missing: run tests/bench/make_captures.sh first"
done
if [[ ! -s "$FROZEN" ]]; then
	log "generating $FROZEN (tests/bench/frozen_scanner.py, $FROZEN_FRAMES frames)"
	python3 "$HERE/frozen_scanner.py" "$FROZEN" "$FROZEN_FRAMES"
	chmod 644 "$FROZEN"
fi
[[ -f "$PLUGIN_DIR/4.0/epan/sip4xx.so" ]] || ls "$PLUGIN_DIR"/*/epan/sip4xx.so >/dev/null 2>&1 ||
	die "no sip4xx.so under $PLUGIN_DIR (cmake --build build)"
for t in tshark editcap capinfos valgrind callgrind_annotate python3; do
	command -v "$t" >/dev/null || die "$t not installed"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing (apt-get install time)"

BH=$(mktemp -d /tmp/sip4xx-bench.XXXXXX)
trap 'rc=$?; if [[ $rc == 0 ]]; then rm -rf "$BH"; else log "kept $BH (raw.tsv, cg/) after failure"; fi' EXIT
mkdir -p "$BH/plugins" "$BH/empty" "$BH/home/extcap" "$BH/cg" "$BH/caps"
cp -r "$PLUGIN_DIR"/. "$BH/plugins/"
# commit and checksum of what is measured, taken now: HEAD and build/ may
# move while the benchmark runs
# (What builds sip4xx.so: sip4xx-report in plugin/report/ is not measured here.)
export B_COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- plugin include CMakeLists.txt ':!plugin/report' 2>/dev/null || echo ' + uncommitted changes to the plugin')"
export B_SO_SHA=$(sha256sum "$(ls "$BH"/plugins/*/epan/sip4xx.so | head -1)" | cut -c1-16)
chmod -R a+rX "$BH"
chmod 1777 "$BH/home" "$BH/cg"
RAW=$BH/raw.tsv
: >"$RAW"

# Captures must be readable by the unprivileged user.
for f in "$SIP" "$ORD" "$NOSIP" "$BIG" "$FROZEN"; do
	if [[ $(id -u) == 0 ]] && ! tshark_env_as_user test -r "$f"; then
		cp "$f" "$BH/caps/"; chmod 644 "$BH/caps/$(basename "$f")"
	fi
done
cap() { if [[ -f "$BH/caps/$(basename "$1")" ]]; then echo "$BH/caps/$(basename "$1")"; else echo "$1"; fi; }
SIP=$(cap "$SIP"); ORD=$(cap "$ORD"); NOSIP=$(cap "$NOSIP"); BIG=$(cap "$BIG"); FROZEN=$(cap "$FROZEN")
declare -A CAPFILE=([sip]=$SIP [ord]=$ORD [nosip]=$NOSIP)

as_user() {   # as_user stock|floor|plugin CMD...: run CMD as tshark is benchmarked
	local pd=$BH/empty
	[[ $1 == plugin ]] && pd=$BH/plugins
	shift
	tshark_env_run "$BH/home" "$pd" "$@"
}

# ---- the two setups differ by the plugin only
as_user stock tshark -G plugins >"$BH/plugins.stock" 2>/dev/null
as_user plugin tshark -G plugins >"$BH/plugins.plugin" 2>/dev/null
tshark_env_lists_sip4xx <"$BH/plugins.plugin" || die "tshark does not load sip4xx from $PLUGIN_DIR"
tshark_env_lists_sip4xx <"$BH/plugins.stock" && die "stock tshark loads sip4xx"
log "plugins: stock=$(wc -l <"$BH/plugins.stock") plugin=$(wc -l <"$BH/plugins.plugin") (plugin adds: $(diff "$BH/plugins.stock" "$BH/plugins.plugin" | grep '^>' | awk '{print $2}' | tr '\n' ' '))"

# mode -> tshark arguments (before -r FILE), the same for both setups except
# where stock has no sip4xx fields: there it asks the closest stock question.
declare -A PLUGIN_ARGS=(
	[summary]="-n"
	[expert]="-n -q -z expert"
	[Y_sip]="-n -Y sip"
	[Y_sip4xx]="-n -Y sip4xx"
	[V]="-n -V"
	[fields]="-n -T fields -e sip4xx.code"
	[twopass]="-n -2"
)
declare -A STOCK_ARGS=()
for m in "${!PLUGIN_ARGS[@]}"; do STOCK_ARGS[$m]=${PLUGIN_ARGS[$m]}; done
STOCK_ARGS[Y_sip4xx]="-n -Y sip.Status-Code>=400&&sip.Status-Code<500"
STOCK_ARGS[fields]="-n -T fields -e sip.Status-Code"
# The floor of the modes that build no tree of their own: stock made to
# build one for every frame, as sip4xx does. With -2, sip4xx's wanted
# fields make tshark build a tree on the first pass only (tshark.c: the
# second pass asks for one for a display filter, details, taps, custom
# columns or colouring, not for a post-dissector's fields), and so does
# a read filter (-R, which needs -2): a display filter would build one on
# both passes and overstate the floor.
declare -A FLOOR_ARGS=([summary]="-n -Y sip||!sip" [expert]="-n -q -z expert -Y sip||!sip"
	[twopass]="-n -2 -R sip||!sip")
# MODES (environment, space-separated) measures only some of them, for a
# partial run into its own -o folder.
if [[ -n "${MODES:-}" ]]; then read -r -a MODES <<<"$MODES"; else MODES=(summary expert Y_sip Y_sip4xx V fields twopass); fi

args_of() {   # args_of CFG MODE: the tshark arguments of a setup in a mode
	case $1 in
	stock) echo "${STOCK_ARGS[$2]}" ;;
	floor) echo "${FLOOR_ARGS[$2]}" ;;
	*) echo "${PLUGIN_ARGS[$2]}" ;;
	esac
}

timed() {   # timed CAPLABEL MODE CFG RUN FILE: one timed run -> raw.tsv
	local label=$1 mode=$2 cfg=$3 run=$4 file=$5 args t0 t1 rc=0 rss ut st
	args=$(args_of "$cfg" "$mode")
	t0=$(date +%s.%N)
	# On the RSS files the plugin also logs what its state held at their
	# end (one line, read below).
	[[ ($label == big || $label == frozen) && $cfg == plugin ]] && args="$args --log-debug sip4xx"
	# shellcheck disable=SC2086
	as_user "$cfg" /usr/bin/time -f '%M %U %S' -o "$BH/home/time.out" tshark $args -r "$file" >/dev/null 2>"$BH/err" || rc=$?
	t1=$(date +%s.%N)
	if [[ $rc != 0 ]]; then cat "$BH/err" >&2; die "tshark failed ($cfg $mode $file)"; fi
	if grep -q "Malformed Packet: SIP4XX\|Dissector bug" "$BH/err"; then cat "$BH/err" >&2; die "sip4xx error ($mode)"; fi
	if [[ ($label == big || $label == frozen) && $cfg == plugin ]]; then
		grep -o 'state at close: .*' "$BH/err" | tail -1 >"$BH/state.$label.txt" || true
	fi
	read -r rss ut st < <(tail -1 "$BH/home/time.out")
	printf '%s\t%s\t%s\t%s\t%.3f\t%s\t%.2f\n' "$label" "$mode" "$cfg" "$run" \
		"$(echo "$t1 - $t0" | bc -l)" "$rss" "$(echo "$ut + $st" | bc -l)" >>"$RAW"
	log "  $label $mode $cfg #$run: $(tail -1 "$RAW" | cut -f5) s wall, $(tail -1 "$RAW" | cut -f7) s cpu, $rss kB"
}

setups_of() {   # setups_of MODE: the setups measured in a mode, in run order
	if [[ -n "${FLOOR_ARGS[$1]:-}" ]]; then echo "stock floor plugin"; else echo "stock plugin"; fi
}

bench_capture() {   # bench_capture LABEL FILE
	local label=$1 file=$2 mode i cfg
	log "== $label: $(basename "$file") (warm-up)"
	as_user stock tshark -n -r "$file" >/dev/null 2>&1
	as_user plugin tshark -n -r "$file" >/dev/null 2>&1
	for mode in "${MODES[@]}"; do
		[[ $QUICK == 1 && $label == nosip && $mode == V ]] && continue
		for i in $(seq "$RUNS"); do
			for cfg in $(setups_of "$mode"); do
				timed "$label" "$mode" "$cfg" "$i" "$file"
			done
		done
	done
}

for c in $TIME_CAPS; do
	bench_capture "$c" "${CAPFILE[$c]}"
done

for pair in "big:$BIG" "frozen:$FROZEN"; do
	label=${pair%%:*} file=${pair#*:}
	log "== peak RSS: $(basename "$file"), summary mode, $RSS_RUNS run(s) each"
	for i in $(seq "$RSS_RUNS"); do
		timed "$label" summary stock "$i" "$file"
		timed "$label" summary plugin "$i" "$file"
	done
done

# ---- callgrind on a slice of each capture
cg_run() {   # cg_run NAME CFG FILE ARGS...: one callgrind run -> cg/NAME.{incl,self}
	local name=$1 cfg=$2 file=$3
	shift 3
	log "callgrind: $name"
	as_user "$cfg" valgrind --tool=callgrind --callgrind-out-file="$BH/cg/$name.out" \
		tshark "$@" -r "$file" >/dev/null 2>"$BH/cg/$name.err" ||
		{ tail "$BH/cg/$name.err" >&2; die "callgrind run failed ($name)"; }
	callgrind_annotate --inclusive=yes --threshold=100 "$BH/cg/$name.out" >"$BH/cg/$name.incl" 2>/dev/null
	callgrind_annotate --inclusive=no --threshold=100 "$BH/cg/$name.out" >"$BH/cg/$name.self" 2>/dev/null
	rm -f "$BH/cg/$name.out"
}
# Instruction counts are not the same from one run to the next: Wireshark
# draws its wmem maps' hash seeds at random in every process, and the
# collisions they make move a run's total by up to a few tenths of a
# percent (wmem_map_lookup, wmem_map_insert, g_direct_equal). CG_RUNS
# runs of each setup; the one with the median total is the one reported,
# and every total goes to cg/spread.
cg_median() {   # cg_median NAME CFG FILE ARGS...
	local name=$1 r
	shift
	if [[ $CG_RUNS == 1 ]]; then
		cg_run "$name" "$@"
		return
	fi
	for ((r = 1; r <= CG_RUNS; r++)); do
		cg_run "$name.r$r" "$@"
	done
	python3 - "$BH/cg" "$name" "$CG_RUNS" <<'PY'
import re, shutil, sys
d, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def total(r):
    for line in open("%s/%s.r%d.incl" % (d, name, r)):
        if "PROGRAM TOTALS" in line:
            return int(re.sub(r"[^0-9]", "", line.split("(")[0]))
    return 0
totals = sorted((total(r), r) for r in range(1, n + 1))
mid = totals[(n - 1) // 2][1]
for ext in ("incl", "self"):
    shutil.copy("%s/%s.r%d.%s" % (d, name, mid, ext), "%s/%s.%s" % (d, name, ext))
with open("%s/spread" % d, "a") as f:
    f.write("%s %s\n" % (name, " ".join(str(t) for t, _ in totals)))
PY
}
# start-up cost (plugin loading, registration) from a 1-frame run,
# subtracted from the per-frame figures
editcap -r "$SIP" "$BH/caps/one.pcapng" 1-1
chmod 644 "$BH/caps/one.pcapng"
for cfg in stock plugin; do
	cg_median "base.$cfg" "$cfg" "$BH/caps/one.pcapng" -n
done
for c in $TIME_CAPS; do
	slice=$BH/caps/slice.$c.pcapng
	editcap -r "${CAPFILE[$c]}" "$slice" "1-$CG_FRAMES"
	chmod 644 "$slice"
	echo "$c $(as_user stock tshark -n -r "$slice" -Y sip 2>/dev/null | wc -l)" >>"$BH/cg/sip_frames"
	for mode in $CG_MODES; do
		for cfg in $(setups_of "$mode"); do
			# shellcheck disable=SC2046
			cg_median "$c.$mode.$cfg" "$cfg" "$slice" $(args_of "$cfg" "$mode")
		done
	done
done

# ---- metadata and report
export B_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
export B_MACHINE="$(uname -srm), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPU, $(free -g | awk '/Mem:/ {print $2}') GB RAM"
export B_WS=$(tshark --version 2>/dev/null | head -1)
export B_RUNS=$RUNS B_RSS_RUNS=$RSS_RUNS B_CG_FRAMES=$CG_FRAMES B_CG_MODES=$CG_MODES B_CG_RUNS=$CG_RUNS
frames_of() { capinfos -c -M "$1" | awk '/Number of packets/ {print $NF}'; }
export B_CG_SIP_FRAMES="$(tr '\n' ' ' <"$BH/cg/sip_frames")"
export B_TIME_CAPS=$TIME_CAPS
export B_SIP="$(basename "$SIP") ($(frames_of "$SIP") frames)"
export B_ORD="$(basename "$ORD") ($(frames_of "$ORD") frames)"
export B_NOSIP="$(basename "$NOSIP") ($(frames_of "$NOSIP") frames)"
export B_BIG="$(basename "$BIG") ($(frames_of "$BIG") frames)"
export B_FROZEN="$(basename "$FROZEN") ($(frames_of "$FROZEN") frames)"
export B_QUICK=$QUICK
export B_STATE_BIG=$(cat "$BH/state.big.txt" 2>/dev/null)
export B_STATE_FROZEN=$(cat "$BH/state.frozen.txt" 2>/dev/null)
python3 "$HERE/report.py" "$RAW" "$BH/cg" "$OUTDIR" ${README_FILE:+--readme "$README_FILE"}
# raw data (timings, callgrind_annotate outputs) next to the captures, out
# of the repository; `report.py RAW_TSV DIR OUT_DIR` re-renders them
mkdir -p "$CAPDIR/last-run"
cp "$RAW" "$BH"/cg/*.incl "$BH"/cg/*.self "$BH/cg/sip_frames" "$BH/cg/spread" "$CAPDIR/last-run/" 2>/dev/null || true
