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
# The lab (the two Kamailio instances, the capture and the check of its
# frame sequence) is lab.sh, which real_baresip.sh and real_sipp.sh share.
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
LAB_TAG=real_kamailio
. "$HERE/lab.sh"
DRIVE="$HERE/sipdrive.py"

lab_need "kamailio sipsak tshark python3 iproute2" kamailio sipsak dumpcap tshark python3 ss

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
	lab_record "real_kamailio_$n" "${EXPECT[real_kamailio_$n]}" "sc_$n"
done
log "done"
