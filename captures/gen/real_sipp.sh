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
LAB_TAG=real_sipp
. "$HERE/lab.sh"     # the Kamailio lab, the capture and its check

[[ $(id -u) == 0 ]] || die "run as root (dumpcap on lo)"
lab_need "sip-tester kamailio tshark iproute2" sipp kamailio dumpcap tshark ss

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

lab_ports_free 5090
lab_record real_sipp "INVITE 404 ACK \
INVITE 100 INVITE 486 ACK 486 ACK \
INVITE 100 INVITE 488 ACK 488 ACK \
INVITE 407 ACK" scenario
log "done"
