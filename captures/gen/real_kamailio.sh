#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the captures/real_kamailio_*.pcapng captures: genuine SIP traffic
# between real software on loopback.
#
#   proxy/registrar  Kamailio 5.6, 127.0.0.1:5060 UDP+TCP  (kamailio/proxy.cfg)
#   far-end UAS      Kamailio 5.6, 127.0.0.2:5060 UDP      (kamailio/uas.cfg)
#   clients          sipsak (REGISTER + digest auth, UDP and TCP) and
#                    sipdrive.py (a small python UAC for INVITE/ACK/CANCEL,
#                    requests that lack a header on purpose, SIP over TCP)
#   capture          dumpcap -i lo -f 'port 5060'
#
# Every SIP hop uses port 5060 on one side, so stock tshark dissects it as SIP
# with no extra options.  Exchanges are strictly sequential (one request, its
# final response, then the next), so frame order is reproducible; pure TCP
# ACKs (no payload, no SYN/FIN/RST), whose number depends on timing, are
# removed from the TCP captures.  Timestamps vary from run to run and mean
# nothing.
#
# Needs (Debian 12): kamailio, sipsak, tshark (dumpcap), python3.  Run as root
# (dumpcap on lo); ports 5060 on 127.0.0.1/127.0.0.2 must be free.
#   usage: captures/gen/real_kamailio.sh [NAME ...]   (default: all)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=$(cd "$HERE/.." && pwd)
KCFG="$HERE/kamailio"
DRIVE="$HERE/sipdrive.py"
WORK=$(mktemp -d /tmp/sip4xx-real-kamailio.XXXXXX)
DUMPCAP_PID=""

log() { echo "real_kamailio: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in kamailio sipsak dumpcap tshark python3 ss; do
	command -v "$tool" >/dev/null || die "$tool not installed (apt-get install -y kamailio sipsak tshark python3 iproute2)"
done

stop_pid() {   # stop_pid PID: TERM, wait up to 5 s, then KILL
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

stop_kamailio() {
	local name pid
	for name in proxy uas; do
		if [[ -s "$WORK/$name.pid" ]]; then
			pid=$(cat "$WORK/$name.pid")
			stop_pid "$pid"
			rm -f "$WORK/$name.pid"
		fi
	done
	# wait until the children have let go of the ports
	for _ in $(seq 50); do
		ss -Hlnu 'sport = :5060' | grep -qE '127\.0\.0\.[12]:5060' || \
		ss -Hlnt 'sport = :5060' | grep -q '127\.0\.0\.1:5060' || return 0
		sleep 0.1
	done
}

stop_dumpcap() {
	if [[ -n "$DUMPCAP_PID" ]]; then
		kill -INT "$DUMPCAP_PID" 2>/dev/null || true
		wait "$DUMPCAP_PID" 2>/dev/null || true
		DUMPCAP_PID=""
	fi
}

cleanup() {
	stop_dumpcap
	stop_kamailio
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_kamailio() {   # start_kamailio proxy|uas
	local name=$1 i
	kamailio -f "$KCFG/$name.cfg" -P "$WORK/$name.pid" -Y "$WORK" -w "$WORK" -E \
		>>"$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log" >&2; die "kamailio $name did not start"; }
	for i in $(seq 50); do
		[[ -s "$WORK/$name.pid" ]] && break
		sleep 0.1
	done
	[[ -s "$WORK/$name.pid" ]] || die "kamailio $name wrote no pid file"
}

wait_listen() {
	local i
	for i in $(seq 50); do
		if ss -Hlnu 'sport = :5060' | grep -q '127\.0\.0\.1:5060' &&
		   ss -Hlnu 'sport = :5060' | grep -q '127\.0\.0\.2:5060' &&
		   ss -Hlnt 'sport = :5060' | grep -q '127\.0\.0\.1:5060'; then
			return 0
		fi
		sleep 0.1
	done
	die "kamailio is not listening on 5060"
}

start_capture() {   # start_capture FILE
	: >"$WORK/dumpcap.err"
	dumpcap -i lo -f 'port 5060' -w "$1" 2>"$WORK/dumpcap.err" &
	DUMPCAP_PID=$!
	local i
	for i in $(seq 100); do
		grep -q "Capturing on" "$WORK/dumpcap.err" && break
		kill -0 "$DUMPCAP_PID" 2>/dev/null || { cat "$WORK/dumpcap.err" >&2; die "dumpcap failed"; }
		sleep 0.1
	done
	sleep 0.5   # let the capture settle before the first packet
}

# Run one scenario with fresh Kamailio instances (empty location table) and
# write captures/<name>.pcapng.
run_capture() {   # run_capture NAME FUNCTION
	local name=$1 fn=$2 raw="$WORK/$1.raw.pcapng" out="$WORK/$1.pcapng"
	log "== $name"
	if ss -Hlnu 'sport = :5060' | grep -qE '127\.0\.0\.[12]:5060' ||
	   ss -Hlnt 'sport = :5060' | grep -q '127\.0\.0\.1:5060'; then
		die "something already listens on port 5060 of 127.0.0.1/127.0.0.2"
	fi
	start_kamailio proxy
	start_kamailio uas
	wait_listen
	start_capture "$raw"
	"$fn"
	sleep 0.5   # last packets
	stop_dumpcap
	stop_kamailio
	# drop pure TCP ACKs (their count depends on delayed-ACK timing); keep
	# everything else, including SYN/FIN and all UDP
	tshark -r "$raw" -Y 'not (tcp and tcp.len == 0 and tcp.flags.syn == 0 and tcp.flags.fin == 0 and tcp.flags.reset == 0)' \
		-w "$out" 2>/dev/null
	log "$name: $(tshark -r "$out" 2>/dev/null | wc -l) frames"
	tshark -r "$out" -Y sip 2>/dev/null | sed 's/^ */    /' >&2
	local got
	got=$(frame_sequence "$out")
	if [[ "$got" != "${EXPECT[$name]}" ]]; then
		cp "$out" "/tmp/$name.rejected.pcapng"
		log "$name: frame sequence differs from the one the .expect file was written for"
		log "  expected: ${EXPECT[$name]}"
		log "  got:      $got"
		die "$name: unexpected capture, left in /tmp/$name.rejected.pcapng; $OUTDIR/$name.pcapng not changed"
	fi
	mv "$out" "$OUTDIR/$name.pcapng"
	log "$name: -> $OUTDIR/$name.pcapng"
}

# One word per frame: SIP method, SIP status code, or SYN/FIN for TCP
# segments without SIP.  The expectations in tests/capture/*.expect were
# written against exactly these sequences.
frame_sequence() {
	tshark -r "$1" -T fields -E separator=, -e sip.Method -e sip.Status-Code \
		-e tcp.flags.syn -e tcp.flags.fin 2>/dev/null |
	awk -F, '{ if ($1 != "") w = $1; else if ($2 != "") w = $2;
	           else if ($3 == "1" || $3 == "True") w = "SYN";
	           else if ($4 == "1" || $4 == "True") w = "FIN"; else w = "?";
	           printf "%s%s", (NR > 1 ? " " : ""), w }'
}

declare -A EXPECT=(
	[real_kamailio_register_udp]="REGISTER 401 REGISTER 200 REGISTER 401 REGISTER 423 REGISTER 401 REGISTER 403"
	[real_kamailio_register_tcp]="SYN SYN REGISTER 401 REGISTER 200 FIN FIN SYN SYN REGISTER 401 REGISTER 423 FIN FIN"
	[real_kamailio_sanity]="OPTIONS 400 SUBSCRIBE 400 OPTIONS 400 INVITE 416 ACK OPTIONS 420 OPTIONS 483 MESSAGE MESSAGE 200 200"
	[real_kamailio_routing]="INVITE 404 ACK PUBLISH 405 SUBSCRIBE 405 INVITE 403 ACK INVITE 407 ACK INVITE 100 INVITE 404 ACK 404 ACK"
	[real_kamailio_uas]="INVITE 100 INVITE 486 ACK 486 ACK INVITE 100 INVITE 480 ACK 480 ACK INVITE 100 INVITE 488 ACK 488 ACK INVITE 100 INVITE 488 ACK 488 ACK INVITE 100 INVITE 180 180 CANCEL CANCEL 200 200 487 ACK 487 ACK"
	[real_kamailio_timeout]="INVITE 100 INVITE 408 ACK"
	[real_kamailio_tcp]="SYN SYN INVITE 100 INVITE 486 ACK 486 ACK INVITE 404 ACK OPTIONS 404 PUBLISH 405 FIN FIN"
)

drive() { python3 "$DRIVE" "$1"; }

# sipsak's own exit status is 1 whenever the last reply is not 2xx, which is
# the point of most of these runs; the captures are checked afterwards.
sipsak_reg() { sipsak -U -i -C sip:alice@127.0.0.1:5070 -s sip:alice@127.0.0.1 -a secret "$@" >>"$WORK/sipsak.log" 2>&1 || true; sleep 0.2; }

# -l: sipsak's local UDP port.  Over TCP sipsak gets an ephemeral port (a
# fixed one could still be in TIME_WAIT from the previous run).
sc_register_udp() {
	sipsak_reg -l 5070 -x 3600            # 401, retry with Authorization -> 200
	sipsak_reg -l 5070 -x 10              # 401, retry -> 423 Interval Too Brief (Min-Expires: 60)
	sipsak_reg -l 5070 -x 3600 -u bob     # 401, retry authenticated as bob for alice -> 403
}
sc_register_tcp() {
	sipsak_reg -x 3600 -E tcp             # 401, retry -> 200, over TCP
	sipsak_reg -x 10 -E tcp               # 401, retry -> 423, over TCP
}
sc_sanity()  { drive sanity; }
sc_routing() { drive routing; }
sc_uas()     { drive uas; }
sc_timeout() { drive timeout; }
sc_tcp()     { drive tcp; }

ALL=(register_udp register_tcp sanity routing uas timeout tcp)
SEL=("$@")
[[ ${#SEL[@]} -gt 0 ]] || SEL=("${ALL[@]}")
for n in "${SEL[@]}"; do
	declare -F "sc_$n" >/dev/null || die "unknown capture '$n' (known: ${ALL[*]})"
	run_capture "real_kamailio_$n" "sc_$n"
done
log "done"
