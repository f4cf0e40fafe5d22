#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark stock tshark against tshark + sip4xx on the captures made by
# tests/bench/make_captures.sh.
#
# "stock" and "plugin" are the same /usr/bin/tshark run the same way: as an
# unprivileged user (setpriv 65534) with a private HOME, an empty extcap
# folder, TZ=UTC, LC_ALL=C.UTF-8 (tests/lib/tshark_env.sh); WIRESHARK_PLUGIN_DIR
# is an empty folder for stock and a copy of build/plugins for plugin
# (checked with tshark -G plugins).
#
# Wall time: every mode runs N times per capture, interleaved stock, plugin,
# stock, plugin ... after one untimed warm-up pair; medians and their ratio
# are reported.  Peak RSS: /usr/bin/time (Maximum resident set size) on the
# 1M-frame capture, summary mode.  Instructions: valgrind --tool=callgrind
# on the first CG_FRAMES frames of the SIP capture; total Ir stock vs plugin,
# and Ir inclusive in the functions of sip4xx.so (dissect_sip4xx and the
# functions it reaches) per SIP frame.
#
# usage: tests/bench/bench.sh [-n RUNS] [-d CAPTURE_DIR] [-o OUT_DIR] [--quick]
#   RUNS         timed runs per mode and configuration (default 5)
#   CAPTURE_DIR  where make_captures.sh put its files (default /var/cache/sip4xx-bench)
#   OUT_DIR      where RESULTS.md and results.json go (default tests/bench)
#   --quick      RUNS=1, no -V on the no-SIP capture, one RSS run (a smoke test)
# Environment: PLUGIN_DIR (default build/plugins), RSS_RUNS (3), CG_FRAMES (20000),
# CG_MODES ("summary Y_sip V fields"), SIP_CAPTURE / NOSIP_CAPTURE / BIG_CAPTURE file names.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/tshark_env.sh"
RUNS=5
CAPDIR=/var/cache/sip4xx-bench
OUTDIR=$HERE
QUICK=0
while [[ $# -gt 0 ]]; do
	case $1 in
	-n) RUNS=$2; shift 2 ;;
	-d) CAPDIR=$2; shift 2 ;;
	-o) OUTDIR=$2; shift 2 ;;
	--quick) QUICK=1; RUNS=1; shift ;;
	*) echo "usage: $0 [-n RUNS] [-d CAPTURE_DIR] [-o OUT_DIR] [--quick]" >&2; exit 2 ;;
	esac
done
PLUGIN_DIR=${PLUGIN_DIR:-$REPO/build/plugins}
RSS_RUNS=${RSS_RUNS:-3}
[[ $QUICK == 1 ]] && RSS_RUNS=1
CG_FRAMES=${CG_FRAMES:-20000}
CG_MODES=${CG_MODES:-summary Y_sip V fields}
SIP=$CAPDIR/${SIP_CAPTURE:-sip-300k.pcapng}
NOSIP=$CAPDIR/${NOSIP_CAPTURE:-nosip-100k.pcapng}
BIG=$CAPDIR/${BIG_CAPTURE:-sip-1m.pcapng}

log() { echo "bench: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for f in "$SIP" "$NOSIP" "$BIG"; do
	[[ -s "$f" ]] || die "$f missing: run tests/bench/make_captures.sh first"
done
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
export B_COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- plugin include 2>/dev/null || echo ' + uncommitted changes in plugin/ or include/')"
export B_SO_SHA=$(sha256sum "$(ls "$BH"/plugins/*/epan/sip4xx.so | head -1)" | cut -c1-16)
chmod -R a+rX "$BH"
chmod 1777 "$BH/home" "$BH/cg"
RAW=$BH/raw.tsv
: >"$RAW"

# Captures must be readable by the unprivileged user.
for f in "$SIP" "$NOSIP" "$BIG"; do
	if [[ $(id -u) == 0 ]] && ! tshark_env_as_user test -r "$f"; then
		cp "$f" "$BH/caps/"; chmod 644 "$BH/caps/$(basename "$f")"
	fi
done
cap() { if [[ -f "$BH/caps/$(basename "$1")" ]]; then echo "$BH/caps/$(basename "$1")"; else echo "$1"; fi; }
SIP=$(cap "$SIP"); NOSIP=$(cap "$NOSIP"); BIG=$(cap "$BIG")

as_user() {   # as_user stock|plugin CMD...: run CMD as tshark is benchmarked
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
MODES=(summary expert Y_sip Y_sip4xx V fields twopass)

timed() {   # timed CAPLABEL MODE CFG RUN FILE: one timed run -> raw.tsv
	local label=$1 mode=$2 cfg=$3 run=$4 file=$5 args t0 t1 rc=0 rss ut st
	if [[ $cfg == stock ]]; then args=${STOCK_ARGS[$mode]}; else args=${PLUGIN_ARGS[$mode]}; fi
	t0=$(date +%s.%N)
	# On the 1M-frame file the plugin also logs what its state held at the
	# end of it (one line, read below).
	[[ $label == big && $cfg == plugin ]] && args="$args --log-debug sip4xx"
	# shellcheck disable=SC2086
	as_user "$cfg" /usr/bin/time -f '%M %U %S' -o "$BH/home/time.out" tshark $args -r "$file" >/dev/null 2>"$BH/err" || rc=$?
	t1=$(date +%s.%N)
	if [[ $rc != 0 ]]; then cat "$BH/err" >&2; die "tshark failed ($cfg $mode $file)"; fi
	if grep -q "Malformed Packet: SIP4XX\|Dissector bug" "$BH/err"; then cat "$BH/err" >&2; die "sip4xx error ($mode)"; fi
	if [[ $label == big && $cfg == plugin ]]; then
		grep -o 'state at close: .*' "$BH/err" | tail -1 >"$BH/state.txt" || true
	fi
	read -r rss ut st < <(tail -1 "$BH/home/time.out")
	printf '%s\t%s\t%s\t%s\t%.3f\t%s\t%.2f\n' "$label" "$mode" "$cfg" "$run" \
		"$(echo "$t1 - $t0" | bc -l)" "$rss" "$(echo "$ut + $st" | bc -l)" >>"$RAW"
	log "  $label $mode $cfg #$run: $(tail -1 "$RAW" | cut -f5) s wall, $(tail -1 "$RAW" | cut -f7) s cpu, $rss kB"
}

bench_capture() {   # bench_capture LABEL FILE
	local label=$1 file=$2 mode i
	log "== $label: $(basename "$file") (warm-up)"
	as_user stock tshark -n -r "$file" >/dev/null 2>&1
	as_user plugin tshark -n -r "$file" >/dev/null 2>&1
	for mode in "${MODES[@]}"; do
		[[ $QUICK == 1 && $label == nosip && $mode == V ]] && continue
		for i in $(seq "$RUNS"); do
			timed "$label" "$mode" stock "$i" "$file"
			timed "$label" "$mode" plugin "$i" "$file"
		done
	done
}

bench_capture sip "$SIP"
bench_capture nosip "$NOSIP"

log "== peak RSS: $(basename "$BIG"), summary mode, $RSS_RUNS run(s) each"
for i in $(seq "$RSS_RUNS"); do
	timed big summary stock "$i" "$BIG"
	timed big summary plugin "$i" "$BIG"
done

# ---- callgrind on a slice of the SIP capture
SLICE=$BH/caps/slice.pcapng
editcap -r "$SIP" "$SLICE" "1-$CG_FRAMES"
chmod 644 "$SLICE"
SIP_FRAMES_IN_SLICE=$(as_user stock tshark -n -r "$SLICE" -Y sip 2>/dev/null | wc -l)
# startup cost (plugin loading, registration) from a 1-frame run, subtracted
# from the per-frame figures
editcap -r "$SIP" "$BH/caps/one.pcapng" 1-1
chmod 644 "$BH/caps/one.pcapng"
for cfg in stock plugin; do
	log "callgrind: startup $cfg (1 frame)"
	as_user "$cfg" valgrind --tool=callgrind --callgrind-out-file="$BH/cg/base.$cfg.out" \
		tshark -n -r "$BH/caps/one.pcapng" >/dev/null 2>"$BH/cg/base.$cfg.err" ||
		{ tail "$BH/cg/base.$cfg.err" >&2; die "callgrind run failed"; }
	callgrind_annotate --inclusive=yes --threshold=100 "$BH/cg/base.$cfg.out" >"$BH/cg/base.$cfg.incl" 2>/dev/null
	callgrind_annotate --inclusive=no --threshold=100 "$BH/cg/base.$cfg.out" >"$BH/cg/base.$cfg.self" 2>/dev/null
done
for mode in $CG_MODES; do
	for cfg in stock plugin; do
		if [[ $cfg == stock ]]; then args=${STOCK_ARGS[$mode]}; else args=${PLUGIN_ARGS[$mode]}; fi
		out=$BH/cg/$mode.$cfg.out
		log "callgrind: $mode $cfg on $CG_FRAMES frames"
		# shellcheck disable=SC2086
		as_user "$cfg" valgrind --tool=callgrind --callgrind-out-file="$out" \
			tshark $args -r "$SLICE" >/dev/null 2>"$BH/cg/$mode.$cfg.err" ||
			{ tail "$BH/cg/$mode.$cfg.err" >&2; die "callgrind run failed"; }
		callgrind_annotate --inclusive=yes --threshold=100 "$out" >"$BH/cg/$mode.$cfg.incl" 2>/dev/null
		callgrind_annotate --inclusive=no --threshold=100 "$out" >"$BH/cg/$mode.$cfg.self" 2>/dev/null
	done
done

# ---- metadata and report
export B_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
export B_MACHINE="$(uname -srm), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPU, $(free -g | awk '/Mem:/ {print $2}') GB RAM"
export B_WS=$(tshark --version 2>/dev/null | head -1)
export B_RUNS=$RUNS B_RSS_RUNS=$RSS_RUNS B_CG_FRAMES=$CG_FRAMES B_CG_MODES=$CG_MODES
export B_CG_SIP_FRAMES=$SIP_FRAMES_IN_SLICE
export B_SIP="$(basename "$SIP") ($(capinfos -c -M "$SIP" | awk '/Number of packets/ {print $NF}') frames)"
export B_NOSIP="$(basename "$NOSIP") ($(capinfos -c -M "$NOSIP" | awk '/Number of packets/ {print $NF}') frames)"
export B_BIG="$(basename "$BIG") ($(capinfos -c -M "$BIG" | awk '/Number of packets/ {print $NF}') frames)"
export B_QUICK=$QUICK
export B_STATE_1M=$(cat "$BH/state.txt" 2>/dev/null)
python3 "$HERE/report.py" "$RAW" "$BH/cg" "$OUTDIR"
# raw data (timings, callgrind_annotate outputs) next to the captures, out
# of the repository; `report.py RAW_TSV DIR OUT_DIR` re-renders them
mkdir -p "$CAPDIR/last-run"
cp "$RAW" "$BH"/cg/*.incl "$BH"/cg/*.self "$CAPDIR/last-run/" 2>/dev/null || true
