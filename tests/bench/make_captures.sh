#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the benchmark captures for tests/bench/bench.sh, outside the repository.
#
#   sip-300k.pcapng   >= 300,000 frames of real SIP on loopback: Kamailio 5.6
#                     as registrar/proxy (captures/gen/kamailio/proxy.cfg) and
#                     UAS (uas.cfg), driven by tests/bench/sipload.py (stdlib
#                     python: registrations with digest challenges, answered
#                     calls INVITE/ACK/BYE, CANCELs, 4xx rejections of many
#                     kinds; UDP and TCP).  sipload.py also plays the called
#                     UA on 127.0.0.4:5060.  About a fifth of the messages
#                     are 4xx: the worst case for sip4xx.
#   sip-ordinary-300k.pcapng  the same lab and load generator with its
#                     "ordinary" mix (sipload.py --mix ordinary): mostly
#                     answered calls, OPTIONS, MESSAGE, registrations; a few
#                     percent 4xx.
#   nosip-100k.pcapng >= 100,000 frames without SIP: python3 -m http.server
#                     on loopback fetched by curl loops (HTTP/1.0, one TCP
#                     connection per request).
#   sip-1m.pcapng     exactly 1,000,000 frames: copies of sip-300k.pcapng
#                     concatenated with mergecap -a, copy k shifted in time by
#                     editcap -t k*(duration+1 s), trimmed with editcap -r;
#                     in copies 1.. the Call-IDs, tags and branches are made
#                     unique (uniquify.py, same-length byte rewrite) so no
#                     transaction repeats.
#
# Everything runs in a private network namespace (unshare -n) so that other
# traffic on the host's loopback, or another Kamailio on port 5060, neither
# disturbs nor leaks into the captures.  Files already present with enough
# frames are reused; delete them (or use --force) to rebuild.
#
# The Kamailio configs are the project's, with three load settings changed on
# a copy: 4 UDP / 2 TCP worker processes instead of 1, log level 1 (no per
# request xlog), and the UAS's CANCEL pauses shortened from 30 ms to 2 ms.
#
# Needs (Debian 12, root): kamailio, tshark (dumpcap, editcap, mergecap,
# capinfos), python3, curl, util-linux (unshare), iproute2.
#   usage: tests/bench/make_captures.sh [--force] [OUTDIR]   (default /var/cache/sip4xx-bench)
# Tunables (environment): SIP_FRAMES (320000, both SIP captures), NOSIP_FRAMES (110000),
# BIG_FRAMES (1000000), LOAD_WORKERS (12), GEN_TIMEOUT (600 s per capture).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
FORCE=0
if [[ "${1:-}" == "--force" ]]; then FORCE=1; shift; fi
OUT=${1:-/var/cache/sip4xx-bench}
SIP_FRAMES=${SIP_FRAMES:-320000}
NOSIP_FRAMES=${NOSIP_FRAMES:-110000}
BIG_FRAMES=${BIG_FRAMES:-1000000}
LOAD_WORKERS=${LOAD_WORKERS:-12}
GEN_TIMEOUT=${GEN_TIMEOUT:-600}

log() { echo "make_captures: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (dumpcap on lo, network namespace)"
for t in kamailio dumpcap editcap mergecap capinfos python3 curl unshare ip; do
	command -v "$t" >/dev/null || die "$t not installed"
done

frames() { capinfos -c -M "$1" 2>/dev/null | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }'; }
have() {   # have FILE MIN: file present with at least MIN frames
	[[ $FORCE == 0 && -s "$1" ]] || return 1
	local n; n=$(frames "$1"); [[ -n "$n" && "$n" -ge "$2" ]]
}

mkdir -p "$OUT"
chmod 755 "$OUT"
OUT=$(cd "$OUT" && pwd)

# ------------------------------------------------------------------ netns part
if [[ "${SIP4XX_BENCH_IN_NETNS:-}" != 1 ]]; then
	need_gen=0
	have "$OUT/sip-300k.pcapng" 300000 || need_gen=1
	have "$OUT/sip-ordinary-300k.pcapng" 300000 || need_gen=1
	have "$OUT/nosip-100k.pcapng" 100000 || need_gen=1
	if [[ $need_gen == 1 ]]; then
		log "generating in a private network namespace"
		SIP4XX_BENCH_IN_NETNS=1 unshare -n "$0" $([[ $FORCE == 1 ]] && echo --force) "$OUT"
	fi
	FORCE_BIG=$FORCE
	[[ "$OUT/sip-300k.pcapng" -nt "$OUT/sip-1m.pcapng" || "$HERE/uniquify.py" -nt "$OUT/sip-1m.pcapng" ]] && FORCE_BIG=1
	if [[ $FORCE_BIG == 1 ]] || ! have "$OUT/sip-1m.pcapng" "$BIG_FRAMES"; then
		src="$OUT/sip-300k.pcapng"
		n=$(frames "$src")
		copies=$(( (BIG_FRAMES + n - 1) / n ))
		dur=$(capinfos -u -M "$src" | awk -F: '/Capture duration/ { gsub(/[ a-z]/, "", $2); print int($2) + 1 }')
		log "sip-1m: $copies copies of $n frames, shifted by $dur s each"
		tmp=$(mktemp -d "$OUT/.big.XXXXXX")
		parts=()
		for k in $(seq 0 $((copies - 1))); do
			editcap -t $((k * dur)) "$src" "$tmp/shifted$k.pcapng"
			if [[ $k == 0 ]]; then
				mv "$tmp/shifted$k.pcapng" "$tmp/part$k.pcapng"
			else
				python3 "$HERE/uniquify.py" "$tmp/shifted$k.pcapng" "$tmp/part$k.pcapng" "$k"
				rm "$tmp/shifted$k.pcapng"
			fi
			parts+=("$tmp/part$k.pcapng")
		done
		mergecap -a -w "$tmp/all.pcapng" "${parts[@]}"
		editcap -r "$tmp/all.pcapng" "$tmp/sip-1m.pcapng" "1-$BIG_FRAMES"
		mv "$tmp/sip-1m.pcapng" "$OUT/sip-1m.pcapng"
		rm -rf "$tmp"
	fi
	chmod 644 "$OUT"/*.pcapng
	for f in sip-300k sip-ordinary-300k nosip-100k sip-1m; do
		log "$OUT/$f.pcapng: $(frames "$OUT/$f.pcapng") frames"
	done
	exit 0
fi

# Inside the private namespace: only our traffic on this loopback.
ip link set lo up
WORK=$(mktemp -d /tmp/sip4xx-bench-gen.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for f in "$WORK"/*.pid; do [[ -s "$f" ]] && kill -TERM "$(cat "$f")" 2>/dev/null || true; done
	sleep 0.5
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

capture() {   # capture FILTER COUNT FILE: dumpcap in the background, sets DUMPCAP
	: >"$WORK/dumpcap.err"
	dumpcap -q -i lo -f "$1" -B 256 -c "$2" -w "$3" 2>"$WORK/dumpcap.err" &
	DUMPCAP=$!
	for _ in $(seq 100); do
		grep -q "Capturing on" "$WORK/dumpcap.err" && return 0
		kill -0 "$DUMPCAP" 2>/dev/null || { cat "$WORK/dumpcap.err" >&2; die "dumpcap failed"; }
		sleep 0.1
	done
}

wait_capture() {   # wait until dumpcap has its COUNT frames, or GEN_TIMEOUT
	local t=0
	while kill -0 "$DUMPCAP" 2>/dev/null; do
		sleep 1; t=$((t + 1))
		(( t % 30 == 0 )) && log "  ... ${t}s"
		if (( t >= GEN_TIMEOUT )); then
			kill -INT "$DUMPCAP"; wait "$DUMPCAP" || true
			die "capture did not reach its frame count in ${GEN_TIMEOUT}s"
		fi
	done
	wait "$DUMPCAP" || true
}

# ---- (a) SIP: the dense mix, then the ordinary one
sip_capture() {   # sip_capture NAME MIX
	local name=$1 mix=$2 n
	have "$OUT/$name.pcapng" 300000 && return 0
	log "$name: starting Kamailio proxy + UAS"
	for n in proxy uas; do
		sed -e 's/^children=1$/children=4/' -e 's/^tcp_children=1$/tcp_children=2/' \
		    -e 's/^debug=2$/debug=1/' -e 's/usleep("30000")/usleep("2000")/' \
		    "$REPO/captures/gen/kamailio/$n.cfg" >"$WORK/$n.cfg"
		kamailio -m 512 -f "$WORK/$n.cfg" -P "$WORK/$n.pid" -Y "$WORK" -w "$WORK" -E >>"$WORK/$n.log" 2>&1 ||
			{ cat "$WORK/$n.log" >&2; die "kamailio $n did not start"; }
	done
	sleep 1
	capture 'port 5060' "$SIP_FRAMES" "$WORK/sip.pcapng"
	python3 "$HERE/sipload.py" --workers "$LOAD_WORKERS" --seconds "$GEN_TIMEOUT" --mix "$mix" &
	LOAD=$!; PIDS+=("$LOAD")
	t0=$SECONDS
	wait_capture
	kill -TERM "$LOAD"; wait "$LOAD" || true
	log "$name: $SIP_FRAMES frames in $((SECONDS - t0)) s"
	for n in proxy uas; do kill -TERM "$(cat "$WORK/$n.pid")" 2>/dev/null || true; rm -f "$WORK/$n.pid"; done
	sleep 1
	mv "$WORK/sip.pcapng" "$OUT/$name.pcapng"
}
sip_capture sip-300k dense
sip_capture sip-ordinary-300k ordinary

# ---- (b) no SIP: HTTP on loopback
if ! have "$OUT/nosip-100k.pcapng" 100000; then
	mkdir -p "$WORK/www"
	head -c 300 /dev/urandom | base64 >"$WORK/www/small.txt"
	head -c 6000 /dev/urandom | base64 >"$WORK/www/page.html"
	head -c 60000 /dev/urandom >"$WORK/www/blob.bin"
	(cd "$WORK/www" && exec python3 -m http.server 8080 --bind 127.0.0.1 >/dev/null 2>&1) &
	PIDS+=("$!")
	sleep 1
	capture 'tcp port 8080' "$NOSIP_FRAMES" "$WORK/nosip.pcapng"
	(
		while :; do
			curl -s \
				"http://127.0.0.1:8080/small.txt?[1-40]" "http://127.0.0.1:8080/page.html?[1-20]" \
				"http://127.0.0.1:8080/blob.bin?[1-5]" "http://127.0.0.1:8080/missing[1-5]" >/dev/null || true
		done
	) &
	LOAD=$!; PIDS+=("$LOAD")
	t0=$SECONDS
	wait_capture
	kill -TERM "$LOAD" 2>/dev/null || true; wait "$LOAD" 2>/dev/null || true
	log "nosip-100k: $NOSIP_FRAMES frames in $((SECONDS - t0)) s"
	mv "$WORK/nosip.pcapng" "$OUT/nosip-100k.pcapng"
fi
