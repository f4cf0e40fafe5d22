# SPDX-License-Identifier: GPL-2.0-or-later
# The Kamailio lab the real_*.sh capture scripts share, sourced by them:
#
#   proxy/registrar  Kamailio 5.6, 127.0.0.1:5060 UDP+TCP  (kamailio/proxy.cfg)
#   far-end UAS      Kamailio 5.6, 127.0.0.2:5060 UDP      (kamailio/uas.cfg)
#   capture          dumpcap -i lo -f 'port 5060'
#
# A script sets LAB_TAG (its name, for messages) and HERE (captures/gen)
# before sourcing this file, defines its scenario as a function and calls
#
#   lab_record NAME "EXPECTED FRAME SEQUENCE" FUNCTION
#
# which starts fresh Kamailio instances (an empty location table), records
# what FUNCTION makes happen, removes pure TCP ACKs (how many there are
# depends on delayed-ACK timing), checks the frame sequence (frame_sequence
# below) against the expected one and only then writes
# captures/NAME.pcapng. A script with processes of its own defines
# lab_stop_extra, which the exit trap calls first.
#
# Needs: kamailio, dumpcap and tshark, ss (iproute2); root (dumpcap on lo).

OUTDIR=$(cd "$HERE/.." && pwd)
KCFG="$HERE/kamailio"
WORK=$(mktemp -d "/tmp/sip4xx-$LAB_TAG.XXXXXX")
DUMPCAP_PID=""

log() { echo "$LAB_TAG: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

lab_need() {   # lab_need "APT PACKAGES" TOOL...: each TOOL on PATH, else say what to install
	local pkgs=$1 tool
	shift
	for tool in "$@"; do
		command -v "$tool" >/dev/null || die "$tool not installed (apt-get install -y $pkgs)"
	done
}

stop_pid() {   # stop_pid PID: TERM, wait up to 5 s, then KILL
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

lab_listening() {   # lab_listening PORT: something listens there on 127.0.0.1/.2
	ss -Hlnu "sport = :$1" | grep -qE '127\.0\.0\.[12]:' ||
	ss -Hlnt "sport = :$1" | grep -qE '127\.0\.0\.[12]:'
}

lab_ports_free() {   # lab_ports_free PORT...: die if one is taken
	local p
	for p in "$@"; do
		! lab_listening "$p" || die "something already listens on port $p of 127.0.0.1/127.0.0.2"
	done
}

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

stop_kamailio() {
	local name
	for name in proxy uas; do
		if [[ -s "$WORK/$name.pid" ]]; then
			stop_pid "$(cat "$WORK/$name.pid")"
			rm -f "$WORK/$name.pid"
		fi
	done
	# wait until the children have let go of the ports
	for _ in $(seq 50); do
		lab_listening 5060 || return 0
		sleep 0.1
	done
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

stop_dumpcap() {
	if [[ -n "$DUMPCAP_PID" ]]; then
		kill -INT "$DUMPCAP_PID" 2>/dev/null || true
		wait "$DUMPCAP_PID" 2>/dev/null || true
		DUMPCAP_PID=""
	fi
}

lab_cleanup() {
	if declare -F lab_stop_extra >/dev/null; then
		lab_stop_extra
	fi
	stop_dumpcap
	stop_kamailio
	rm -rf "$WORK"
}
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

# One word per frame: SIP method, SIP status code, or SYN/FIN for TCP
# segments without SIP. The .expect files in tests/capture/ were written
# against exactly these sequences.
frame_sequence() {
	tshark -r "$1" -T fields -E separator=, -e sip.Method -e sip.Status-Code \
		-e tcp.flags.syn -e tcp.flags.fin 2>/dev/null |
	awk -F, '{ if ($1 != "") w = $1; else if ($2 != "") w = $2;
	           else if ($3 == "1" || $3 == "True") w = "SYN";
	           else if ($4 == "1" || $4 == "True") w = "FIN"; else w = "?";
	           printf "%s%s", (NR > 1 ? " " : ""), w }'
}

lab_record() {   # lab_record NAME EXPECTED FUNCTION
	local name=$1 expected=$2 fn=$3 raw="$WORK/$1.raw.pcapng" out="$WORK/$1.pcapng" got
	log "== $name"
	lab_ports_free 5060
	start_kamailio proxy
	start_kamailio uas
	wait_listen
	start_capture "$raw"
	"$fn"
	sleep 0.5   # last packets
	stop_dumpcap
	stop_kamailio
	tshark -r "$raw" -Y 'not (tcp and tcp.len == 0 and tcp.flags.syn == 0 and tcp.flags.fin == 0 and tcp.flags.reset == 0)' \
		-w "$out" 2>/dev/null
	log "$name: $(tshark -r "$out" 2>/dev/null | wc -l) frames"
	tshark -r "$out" -Y sip 2>/dev/null | sed 's/^ */    /' >&2
	got=$(frame_sequence "$out")
	if [[ "$got" != "$expected" ]]; then
		cp "$out" "/tmp/$name.rejected.pcapng"
		log "$name: frame sequence differs from the one the .expect file was written for"
		log "  expected: $expected"
		log "  got:      $got"
		die "$name: unexpected capture, left in /tmp/$name.rejected.pcapng; $OUTDIR/$name.pcapng not changed"
	fi
	mv "$out" "$OUTDIR/$name.pcapng"
	log "$name: -> $OUTDIR/$name.pcapng"
}
