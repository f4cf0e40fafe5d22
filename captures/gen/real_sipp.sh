#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate captures/real_sipp.pcapng: genuine SIP traffic from SIPp
# (Debian 12 package sip-tester) against the Kamailio lab of
# real_kamailio.sh, on loopback.
#
#   client           sipp 3.6 with its BUILT-IN uac scenario (`-sn uac`, no
#                    hand-written XML: the point is what the real program
#                    sends), 127.0.0.1:5090 UDP, one call per run (-m 1)
#   proxy/registrar  Kamailio 5.6, 127.0.0.1:5060 UDP+TCP  (kamailio/proxy.cfg)
#   far-end UAS      Kamailio 5.6, 127.0.0.2:5060 UDP      (kamailio/uas.cfg)
#   capture          dumpcap -i lo -f 'port 5060'
#
# Why: SIPp's uac scenario expects 100/180/183 (optional) then 200; any other
# final answer aborts the call, and SIPp then sends the ACK of RFC 3261
# §17.1.1.3 by itself.  Four calls, each run to its end before the next one
# starts: to a user the registrar does not know (404 from the proxy), to the
# UAS's busy user (486, relayed), to its codec user (488 without Warning,
# relayed) and to a user behind proxy authentication (407: SIPp's uac has
# no credentials, so it ACKs and gives up, no retry).
# SIPp as UAS (`-sn uas`) is not in this capture: its built-in scenario
# answers every INVITE 180 then 200 and has no 4xx at all (an unexpected
# BYE or CANCEL gets 200, an OPTIONS nothing), and a call through the lab
# proxy (which does no loose routing) would lose its 2xx ACK.
# Every hop has port 5060 on one side, so tshark dissects it as SIP with no
# option.  The script checks the frame sequence.  Timestamps, Call-IDs,
# tags, branches and nonces vary from run to run and mean nothing.
#
# Needs (Debian 12): sip-tester (sipp), kamailio, tshark (dumpcap), iproute2.
# Run as root (dumpcap on lo); ports 5060
# (127.0.0.1, 127.0.0.2) and 5090 on 127.0.0.1 must be free.
#   usage: captures/gen/real_sipp.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=$(cd "$HERE/.." && pwd)
KCFG="$HERE/kamailio"
NAME=real_sipp
WORK=$(mktemp -d /tmp/sip4xx-real-sipp.XXXXXX)
DUMPCAP_PID=""

log() { echo "real_sipp: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (dumpcap on lo)"
for tool in sipp kamailio dumpcap tshark ss; do
	command -v "$tool" >/dev/null || die "$tool not installed (apt-get install -y sip-tester kamailio tshark iproute2)"
done

# The expected frame sequence (one word per frame, see frame_sequence).
EXPECT="INVITE 404 ACK \
INVITE 100 INVITE 486 ACK 486 ACK \
INVITE 100 INVITE 488 ACK 488 ACK \
INVITE 407 ACK"

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

# One word per frame: SIP method or status code (UDP only here).
frame_sequence() {
	tshark -r "$1" -T fields -E separator=, -e sip.Method -e sip.Status-Code 2>/dev/null |
	awk -F, '{ if ($1 != "") w = $1; else if ($2 != "") w = $2; else w = "?";
	           printf "%s%s", (NR > 1 ? " " : ""), w }'
}

# sipp_call USER EXPECTED: one call of SIPp's built-in uac to sip:USER@127.0.0.1
# through the proxy, in the foreground: sipp returns when the call is over
# (exit status 1 = the call failed, which is the point here).  The 4xx that
# ended it is read back from -trace_error_codes.
sipp_call() {
	local user=$1 expect=$2 rc=0 codes
	rm -f "$WORK"/uac_*_error_codes.csv
	(cd "$WORK" && timeout 30 sipp -sn uac 127.0.0.1:5060 -s "$user" -i 127.0.0.1 -p 5090 \
		-m 1 -nostdin -trace_err -trace_error_codes </dev/null >>"$WORK/sipp.out" 2>&1) || rc=$?
	[[ $rc == 1 ]] || die "sipp call to $user: exit status $rc, expected 1 (call failed)"
	codes=$(cat "$WORK"/uac_*_error_codes.csv 2>/dev/null | grep -oE ';[1-6][0-9]{2},' | tr -d ';,' | tail -1 || true)
	[[ "$codes" == "$expect" ]] || die "sipp call to $user: ended with '${codes:-?}', expected $expect"
	log "call to $user: $expect"
	sleep 0.3
}

scenario() {
	sipp_call nobody 404      # registrar lookup fails: 404 from the proxy
	sipp_call busy 486        # UAS: 486 Busy Here, relayed
	sipp_call codec 488       # UAS: 488 Not Acceptable Here without Warning, relayed
	sipp_call secure 407      # proxy authentication; SIPp's uac has no credentials
}

log "== $NAME"
for p in 5060 5090; do
	if ss -Hlnu "sport = :$p" | grep -qE '127\.0\.0\.[12]:' ||
	   ss -Hlnt "sport = :$p" | grep -q '127\.0\.0\.1:'; then
		die "something already listens on port $p of 127.0.0.1/127.0.0.2"
	fi
done

raw="$WORK/$NAME.raw.pcapng"
out="$WORK/$NAME.pcapng"
start_kamailio proxy
start_kamailio uas
wait_listen
start_capture "$raw"
scenario
sleep 0.5             # last packets
stop_dumpcap
stop_kamailio
cp "$raw" "$out"

log "$NAME: $(tshark -r "$out" 2>/dev/null | wc -l) frames"
tshark -r "$out" -Y sip 2>/dev/null | sed 's/^ */    /' >&2
got=$(frame_sequence "$out")
if [[ "$got" != "$EXPECT" ]]; then
	cp "$out" "/tmp/$NAME.rejected.pcapng"
	log "frame sequence differs from the expected one"
	log "  expected: $EXPECT"
	log "  got:      $got"
	die "unexpected capture, left in /tmp/$NAME.rejected.pcapng; $OUTDIR/$NAME.pcapng not changed"
fi
mv "$out" "$OUTDIR/$NAME.pcapng"
log "$NAME: -> $OUTDIR/$NAME.pcapng"
log "done"
