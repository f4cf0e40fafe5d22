#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What sip4xx-report costs over running the same tshark commands by hand.
#
# Two collections, made from tests/bench/make_captures.sh's sip-300k.pcapng
# (cached in CAPTURE_DIR/report/, rebuilt when missing):
#   small/  SMALL captures of equal size: editcap -c (frames / SMALL)
#           cuts sip-300k into a ring-buffer-like set (dumpcap's names)
#   big.pcapng  BIG_COPIES copies of sip-300k, copy k shifted by
#           k*(duration + 1 s) with editcap -t and made a different run with
#           uniquify.py (k >= 1), concatenated with mergecap -a (as
#           make_captures.sh builds sip-1m; 7 copies: 2.24 M frames, ~1 GB)
#
# Cases (each timed with /usr/bin/time: wall, user + sys of the command and
# every process it waited for):
#   small  by hand: one tshark per file, -j at once (xargs -P), the options
#          sip4xx-report gives tshark (sip4xx_report.tshark_args), stdout
#          to /dev/null; report: sip4xx-report -q -j J small/
#   concat by hand: capinfos, mergecap -I none, one tshark over the merged
#          file; report: sip4xx-report -q --concat small/
#   big    by hand: one tshark; report: sip4xx-report -q big.pcapng
# By hand, tshark runs as sip4xx-report runs it: tests/lib/tshark_env.sh
# (unprivileged when root, private HOME, a copy of the plugin folder).
# Rounds alternate by hand and report in ABBA order (the machine may be
# shared: its load drifts); medians are reported, with the load average at
# the start of each run. "CPUs busy" is (user + sys) / wall / nproc.
#
# usage: tests/bench/report_bench.sh [-r ROUNDS] [-j J] [-d CAPTURE_DIR] [-o OUT_DIR] [--no-big] [--quick]
#   ROUNDS  timed rounds per case (default 1; concat at least 3, it is short;
#           ROUNDS_SMALL, ROUNDS_CONCAT, ROUNDS_BIG in the environment set one case)
#   J       tshark processes at once (default nproc)
#   OUT_DIR where RESULTS.md is (default tests/bench): the "## sip4xx-report"
#           section is replaced (appended when missing), the rest kept
#   --quick 100 captures of 32 frames, no big capture (a smoke test; numbers not reliable)
# Environment: PLUGIN_DIR (default build/plugins), SMALL (1000), PER (frames per small
# capture: all of sip-300k's frames over SMALL files), BIG_COPIES (7).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/tshark_env.sh"
ROUNDS=1
J=$(nproc)
CAPDIR=/var/cache/sip4xx-bench
OUTDIR=$HERE
BIG=1
QUICK=0
SMALL=${SMALL:-1000}
BIG_COPIES=${BIG_COPIES:-7}
while [[ $# -gt 0 ]]; do
	case $1 in
	-r) ROUNDS=$2; shift 2 ;;
	-j) J=$2; shift 2 ;;
	-d) CAPDIR=$2; shift 2 ;;
	-o) OUTDIR=$2; shift 2 ;;
	--no-big) BIG=0; shift ;;
	--quick) QUICK=1; BIG=0; SMALL=100; PER=32; shift ;;
	*) echo "usage: $0 [-r ROUNDS] [-j J] [-d CAPTURE_DIR] [-o OUT_DIR] [--no-big] [--quick]" >&2; exit 2 ;;
	esac
done
PLUGIN_DIR=${PLUGIN_DIR:-$REPO/build/plugins}
SRC=$CAPDIR/sip-300k.pcapng

log() { echo "report_bench: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
for t in tshark editcap mergecap capinfos python3 xargs /usr/bin/time; do
	command -v "$t" >/dev/null || die "$t not installed"
done
[[ -f $SRC ]] || die "$SRC missing: run tests/bench/make_captures.sh"
[[ -d $PLUGIN_DIR ]] || die "$PLUGIN_DIR missing: build first (or set PLUGIN_DIR)"
frames() { capinfos -c -M "$1" 2>/dev/null | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }

# ------------------------------------------------------------------ inputs
COLL=$CAPDIR/report
mkdir -p "$COLL"
chmod 755 "$COLL"
n_src=$(frames "$SRC")
per=${PER:-$(( n_src / SMALL ))}
small=$COLL/small-$SMALL-$per
if [[ ! -d $small || $SRC -nt $small || $(ls "$small" | wc -l) -lt $SMALL ]]; then
	log "cutting $SRC into $SMALL captures of $per frames"
	rm -rf "$small" && mkdir -p "$small"
	TZ=UTC editcap -c "$per" -r "$SRC" "$small/s.pcapng" "1-$(( per * SMALL ))"
	chmod 755 "$small"
	chmod 644 "$small"/*
fi
[[ $(ls "$small" | wc -l) == "$SMALL" ]] || die "$small: expected $SMALL files"
big=$COLL/big-$BIG_COPIES.pcapng
if [[ $BIG == 1 && ( ! -f $big || $SRC -nt $big ) ]]; then
	dur=$(capinfos -u -M "$SRC" | awk -F: '/Capture duration/ { gsub(/[ a-z]/, "", $2); print int($2) + 1 }')
	log "big: $BIG_COPIES copies of $n_src frames, shifted by $dur s each"
	tmp=$(mktemp -d "$COLL/.big.XXXXXX")
	parts=()
	for k in $(seq 0 $((BIG_COPIES - 1))); do
		if [[ $k == 0 ]]; then
			cp "$SRC" "$tmp/part0.pcapng"
		else
			editcap -t $((k * dur)) "$SRC" "$tmp/shifted.pcapng"
			python3 "$HERE/uniquify.py" "$tmp/shifted.pcapng" "$tmp/part$k.pcapng" "$k"
			rm "$tmp/shifted.pcapng"
		fi
		parts+=("$tmp/part$k.pcapng")
	done
	mergecap -a -w "$tmp/big.pcapng" "${parts[@]}"
	chmod 644 "$tmp/big.pcapng"
	mv "$tmp/big.pcapng" "$big"
	rm -rf "$tmp"
fi

COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')
# ------------------------------------------------------------------ setup
WORK=$(mktemp -d /tmp/sip4xx-report-bench.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
tshark_env_home "$WORK/home" "$PLUGIN_DIR"
tshark_env_run "$WORK/home" "$WORK/home/plugins" tshark -G plugins 2>/dev/null | tshark_env_lists_sip4xx ||
	die "tshark does not load sip4xx from $PLUGIN_DIR"
# The command as it is now (edits to the tree during the run do not
# count), and the options it gives tshark, quoted for bash -c.
cp -r "$REPO/plugin/report" "$WORK/report"
mapfile -d '' ARGS < <(python3 -c '
import sys; sys.path.insert(0, sys.argv[1]); import sip4xx_report as R
sys.stdout.write("".join(a + "\0" for a in R.tshark_args()))' "$WORK/report")
Q=$(printf '%q ' "${ARGS[@]}")
# The report with the system's python3 first in PATH, as the .deb runs it
# (a pyenv shim in PATH costs ~0.5 s per start), through a wrapper that
# also writes the report's own CPU time (the python process) and that of
# the programs it ran (tshark, capinfos, mergecap): on a shared machine the
# CPU times of the same tshark run vary by tens of percent, the share of
# the report's own work much less.
cat >"$WORK/own_cpu.py" <<'EOS'
import os, resource, sys
sys.path.insert(0, os.environ["REPORT_DIR"])
import sip4xx_report
status = sip4xx_report.main(sys.argv[1:])
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(os.environ["OWN_CPU"], "w") as fh:
    fh.write(f"{me.ru_utime + me.ru_stime:.2f} {kids.ru_utime + kids.ru_stime:.2f}\n")
sys.exit(status)
EOS
PY="env PATH=/usr/bin:/bin:\$PATH REPORT_DIR='$WORK/report' OWN_CPU='$WORK/own' python3 '$WORK/own_cpu.py'"
# By hand: tshark run by tests/lib/tshark_env.sh's tshark_env_run (as
# sip4xx-report runs it: unprivileged when root, private HOME, the plugin
# copy); for the many files, xargs itself runs in that environment, so each
# tshark is one exec, as under sip4xx-report.
ENV=". '$REPO/tests/lib/tshark_env.sh'; H='$WORK/home'"
MERGED=$WORK/home/merged.pcapng
declare -A CMD
CMD[small hand]="$ENV; find '$small' -type f -print0 | sort -z |
	tshark_env_run \$H \$H/plugins xargs -0 -P $J -n 1 tshark $Q -r >/dev/null"
CMD[small report]="$PY -q -j $J --fail-on none --plugin-dir '$PLUGIN_DIR' '$small'"
CMD[concat hand]="$ENV; capinfos -M -c -I -a -S '$small'/* >/dev/null && mergecap -I none -w '$MERGED' '$small'/* &&
	chmod 644 '$MERGED' && tshark_env_run \$H \$H/plugins tshark $Q -r '$MERGED' >/dev/null && rm '$MERGED'"
CMD[concat report]="$PY -q -j $J --fail-on none --concat --plugin-dir '$PLUGIN_DIR' '$small'"
CMD[big hand]="$ENV; tshark_env_run \$H \$H/plugins tshark $Q -r '$big' >/dev/null"
CMD[big report]="$PY -q -j $J --fail-on none --plugin-dir '$PLUGIN_DIR' '$big'"

RAW=$WORK/raw
: >"$RAW"
measure() {   # measure CASE WHO: one timed run, appended to RAW
	local t=$WORK/time load
	load=$(cut -d' ' -f1 /proc/loadavg)
	log "$1 $2 ($(date -u +%H:%M:%S), load $load)"
	echo "- -" >"$WORK/own"
	/usr/bin/time -f "%e %U %S %M" -o "$t" bash -c "${CMD[$1 $2]}" || die "$1 $2 failed"
	echo "$1 $2 $(cat "$t") $load $(cat "$WORK/own")" >>"$RAW"
	log "  $(cat "$t")"
}
declare -A ROUNDS_OF=([small]=${ROUNDS_SMALL:-$ROUNDS} [concat]=${ROUNDS_CONCAT:-$((ROUNDS > 3 ? ROUNDS : 3))}
	[big]=${ROUNDS_BIG:-$ROUNDS})
cases=(small concat)
[[ $BIG == 1 ]] && cases+=(big)
for c in "${cases[@]}"; do
	# ABBA: by hand first in odd rounds, the report first in even ones.
	for r in $(seq 1 "${ROUNDS_OF[$c]}"); do
		if (( r % 2 )); then measure "$c" hand; measure "$c" report
		else measure "$c" report; measure "$c" hand; fi
	done
done

# ------------------------------------------------------------------ results
size_of() { du -bs "$1" | cut -f1; }
small_frames=$(( per * SMALL ))
big_frames=0; big_size=0
if [[ $BIG == 1 ]]; then big_frames=$(frames "$big"); big_size=$(size_of "$big"); fi
python3 - "$RAW" "$OUTDIR/RESULTS.md" "$(nproc)" "$J" "$ROUNDS" "$QUICK" \
	"$SMALL" "$small_frames" "$(size_of "$small")" "$big_frames" "$big_size" "$BIG_COPIES" \
	"$(tshark -v 2>/dev/null | head -1)" "$COMMIT" <<'EOF'
import statistics, sys, time
raw, results, ncpu, j, rounds, quick, nsmall, sframes, ssize, bframes, bsize, copies, ws, commit = sys.argv[1:]
ncpu = int(ncpu)
runs = {}
for line in open(raw):
    case, who, wall, user, sys_, rss, load, own, tools = line.split()
    runs.setdefault((case, who), []).append((float(wall), float(user) + float(sys_), int(rss), float(load),
                                             float(own) if own != "-" else 0.0, float(tools) if tools != "-" else 0.0))
def med(case, who, i):
    return statistics.median(r[i] for r in runs[(case, who)])
desc = {
    "small": f"{int(nsmall):,} captures of {int(sframes) // int(nsmall):,} frames ({int(ssize) / 1e6:,.0f} MB), one tshark each, -j {j}",
    "concat": f"the same {int(nsmall):,} captures, --concat: one stream (capinfos, mergecap, one tshark)",
    "big": f"one capture of {int(bframes):,} frames ({int(bsize) / 1e9:.2f} GB: {copies} copies of sip-300k)",
}
rows = ["| case | runs | by hand: wall (s) | sip4xx-report: wall (s) | overhead (wall) | CPU s (user+sys): by hand / report "
        "| overhead (CPU) | report's own CPU / its tools' | CPUs busy: by hand / report | load at start: by hand / report |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for case in ("small", "concat", "big"):
    if (case, "hand") not in runs:
        continue
    hw, rw = med(case, "hand", 0), med(case, "report", 0)
    hc, rc = med(case, "hand", 1), med(case, "report", 1)
    hl, rl = med(case, "hand", 3), med(case, "report", 3)
    own, tools = med(case, "report", 4), med(case, "report", 5)
    rows.append(f"| {desc[case]} | {len(runs[(case, 'hand')])} | {hw:,.1f} | {rw:,.1f} | {100 * (rw - hw) / hw:+.1f} % "
                f"| {hc:,.1f} / {rc:,.1f} | {100 * (rc - hc) / hc:+.1f} % | {own:,.1f} s / {tools:,.1f} s = {100 * own / tools:.1f} % "
                f"| {100 * hc / hw / ncpu:.0f} % / {100 * rc / rw / ncpu:.0f} % | {hl:.1f} / {rl:.1f} |")
with open("/proc/loadavg") as fh:
    load = fh.read().split()[0]
section = (
    "## sip4xx-report\n\n"
    f"Written by `tests/bench/report_bench.sh` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
    f"{ws}; commit {commit}; {ncpu} CPUs, shared; medians of the runs, by hand and report in ABBA order; "
    f"load average at the end {load}"
    f"{'; --quick: not reliable' if quick == '1' else ''}). By hand: the same tshark commands "
    "(`sip4xx_report.tshark_args()`, run by tests/lib/tshark_env.sh's tshark_env_run, output to /dev/null), "
    "with `xargs -P` for the many files. Overhead: the report's time over the hand-run's. "
    "CPUs busy: (user + sys) / wall / CPUs; the load column is the 1-minute load average when each run "
    "started (the machine is shared: other jobs take CPUs too). The report runs with /usr/bin/python3 "
    "first in PATH, as installed from the .deb. Its own CPU is that of its python process (parsing, "
    "bookkeeping), against that of the programs it ran: the part of its overhead that is its own work, "
    "the figure least moved by the machine's load.\n\n" + "\n".join(rows) + "\n")
try:
    old = open(results).read()
except FileNotFoundError:
    old = ""
i = old.find("\n## sip4xx-report\n")
if i < 0:
    new = old.rstrip("\n") + "\n\n" + section
else:
    k = old.find("\n## ", i + 1)
    new = old[:i + 1] + section + (old[k:] if k >= 0 else "")
open(results, "w").write(new)
print(section)
EOF
log "wrote the sip4xx-report section of $OUTDIR/RESULTS.md"
