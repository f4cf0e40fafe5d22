#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate captures/real_baresip.pcapng: genuine SIP traffic between a real
# user agent (baresip) and the Kamailio lab of real_kamailio.sh, on loopback.
#
#   user agent       baresip 1.0 (Debian 12), 127.0.0.1:5070 UDP, config in
#                    baresip/ (headless: no audio device, no NAT traversal,
#                    no presence/MWI); driven through its ctrl_tcp module
#                    (127.0.0.1:4444) by a small python driver written below
#   proxy/registrar  Kamailio 5.6, 127.0.0.1:5060 UDP+TCP  (kamailio/proxy.cfg)
#   far-end UAS      Kamailio 5.6, 127.0.0.2:5060 UDP      (kamailio/uas.cfg)
#   caller           sipdrive.py (imported, unchanged), 127.0.0.1:5080 UDP,
#                    to call baresip through the proxy
#   capture          dumpcap -i lo -f 'port 5060'
#
# Why: the 4xx here are produced and reacted to by a real UA.  baresip
# registers with digest auth (401, retry, 200), calls a user the registrar
# doesn't know (404), the UAS's busy user (486), a user behind proxy
# authentication (407, retry with Proxy-Authorization, 404 from the UAS) and
# sends a MESSAGE the proxy rejects (404).  Then baresip is called and
# rejects by itself: an SDP offer of G.729 only (488 Not Acceptable Here),
# an INVITE with `Require: x-sip4xx-frobnicate` (420 Bad Extension) and a
# ringing call it hangs up (486).  At exit it unregisters (401, retry, 200).
# Every hop has port 5060 on one side, so tshark dissects it as SIP with no
# option.  Steps are strictly sequential (each waits for the previous
# exchange to end, via baresip's ctrl_tcp events or the final response), so
# the frame order is reproducible; the script checks it.  Timestamps, tags,
# branches, nonces, RTP ports and baresip's Contact user (alice-0x<address>)
# vary from run to run and mean nothing.
#
# Needs (Debian 12): baresip, kamailio, tshark (dumpcap), python3, iproute2.
# Run as root (dumpcap on lo); ports 5060 (127.0.0.1, 127.0.0.2), 5070, 5080
# and 4444 on 127.0.0.1 must be free.
#   usage: captures/gen/real_baresip.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=$(cd "$HERE/.." && pwd)
KCFG="$HERE/kamailio"
NAME=real_baresip
WORK=$(mktemp -d /tmp/sip4xx-real-baresip.XXXXXX)
DUMPCAP_PID=""
BARESIP_PID=""

log() { echo "real_baresip: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "run as root (dumpcap on lo)"
for tool in baresip kamailio dumpcap tshark python3 ss; do
	command -v "$tool" >/dev/null || die "$tool not installed (apt-get install -y baresip kamailio tshark python3 iproute2)"
done
[[ -e /usr/lib/baresip/modules/ctrl_tcp.so ]] || die "baresip's ctrl_tcp module is missing"

# The expected frame sequence (one word per frame, see frame_sequence).
EXPECT="REGISTER 401 REGISTER 200 \
INVITE 404 ACK \
INVITE 100 INVITE 486 ACK 486 ACK \
INVITE 407 ACK INVITE 100 INVITE 404 ACK 404 ACK \
MESSAGE 404 \
INVITE 100 INVITE 488 ACK 488 ACK \
INVITE 100 INVITE 420 ACK 420 ACK \
INVITE 100 INVITE 180 180 486 ACK 486 ACK \
REGISTER 401 REGISTER 200"

stop_pid() {   # stop_pid PID: TERM, wait up to 5 s, then KILL
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

stop_baresip() {   # SIGTERM: baresip unregisters (401, retry, 200), then exits
	if [[ -n "$BARESIP_PID" ]]; then
		stop_pid "$BARESIP_PID"
		wait "$BARESIP_PID" 2>/dev/null || true
		BARESIP_PID=""
	fi
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
	stop_baresip
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

start_baresip() {
	local i
	mkdir "$WORK/baresip"
	cp "$HERE/baresip/config" "$HERE/baresip/accounts" "$HERE/baresip/contacts" "$WORK/baresip/"
	# -s: SIP trace into the log (for debugging only)
	baresip -f "$WORK/baresip" -s </dev/null >"$WORK/baresip.log" 2>&1 &
	BARESIP_PID=$!
	for i in $(seq 100); do
		ss -Hlnt 'sport = :4444' | grep -q '127\.0\.0\.1:4444' && return 0
		kill -0 "$BARESIP_PID" 2>/dev/null || { cat "$WORK/baresip.log" >&2; die "baresip did not start"; }
		sleep 0.1
	done
	die "baresip's ctrl_tcp is not listening on 127.0.0.1:4444"
}

# One word per frame: SIP method or status code (UDP only here).
frame_sequence() {
	tshark -r "$1" -T fields -E separator=, -e sip.Method -e sip.Status-Code 2>/dev/null |
	awk -F, '{ if ($1 != "") w = $1; else if ($2 != "") w = $2; else w = "?";
	           printf "%s%s", (NR > 1 ? " " : ""), w }'
}

# The driver: baresip through ctrl_tcp, the caller through sipdrive.py.
cat >"$WORK/drive.py" <<'PY'
import json, re, socket, sys, time
sys.path.insert(0, sys.argv[1])
import sipdrive as sd      # captures/gen/sipdrive.py, unchanged (UDP port 5080)

ACCOUNT = ("<sip:alice@127.0.0.1>;auth_pass=secret;regint=3600;"
           "mwi=no;pubint=0;answermode=manual;audio_codecs=PCMU")
PAUSE = 0.3

def log(m):
    print("drive: " + m, file=sys.stderr, flush=True)

class Ctrl:
    """baresip's ctrl_tcp: JSON in netstrings, responses and events."""
    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", 4444))
        self.buf = b""
    def send(self, cmd, params=""):
        d = json.dumps({"command": cmd, "params": params, "token": cmd}).encode()
        self.s.sendall(b"%d:%s," % (len(d), d))
        log("ctrl >> %s %s" % (cmd, params))
    def recv(self, timeout):
        self.s.settimeout(timeout)
        while True:
            m = re.match(rb"(\d+):", self.buf)
            if m and len(self.buf) >= m.end() + int(m.group(1)) + 1:
                n, st = int(m.group(1)), m.end()
                d = json.loads(self.buf[st:st + n])
                self.buf = self.buf[st + n + 1:]
                if d.get("event"):
                    log("ctrl << event %s %s" % (d.get("type"), d.get("param", "")))
                return d
            data = self.s.recv(65535)
            if not data:
                raise SystemExit("drive: baresip closed ctrl_tcp")
            self.buf += data
    def wait(self, typ, timeout=10.0):
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                raise SystemExit("drive: no %s event from baresip" % typ)
            d = self.recv(left)
            if d.get("event") and d.get("type") == typ:
                return d

def dial(c, uri, expect):
    c.send("dial", uri)
    ev = c.wait("CALL_CLOSED")
    if not ev.get("param", "").startswith(str(expect)):
        raise SystemExit("drive: call to %s: expected %d, got %r" % (uri, expect, ev.get("param")))
    time.sleep(PAUSE)

c = Ctrl()
# 1. REGISTER: 401, retry with Authorization, 200
c.send("uanew", ACCOUNT)
c.wait("REGISTER_OK")
time.sleep(PAUSE)
# 2. a user the registrar does not know: 404 from the proxy
dial(c, "sip:nobody@127.0.0.1", 404)
# 3. the UAS's busy user: 486 from the UAS, relayed
dial(c, "sip:busy@127.0.0.1", 486)
# 4. a user behind proxy authentication: 407, retry with
#    Proxy-Authorization, forwarded to the UAS, which answers 404
dial(c, "sip:secure@127.0.0.1", 404)
# 5. MESSAGE to the current contact (sip:nobody@127.0.0.1): 404 from the proxy
#    (baresip reports no event for the answer: give it time)
c.send("message", "hello from baresip")
time.sleep(1.0)

# baresip called through the proxy (alice's registered binding)
u = sd.UDPClient()
alice = "sip:alice@127.0.0.1"
# 6. an offer of G.729 only: baresip (PCMU only) answers 488 by itself
g729 = sd.SDP.replace("RTP/AVP 0", "RTP/AVP 18").replace("rtpmap:0 PCMU/8000", "rtpmap:18 G729/8000")
sd.transact(u, sd.mk("INVITE", alice, "bs-in1", body=g729), 488)
time.sleep(PAUSE)
# 7. an option tag baresip does not know in Require: 420 Bad Extension
sd.transact(u, sd.mk("INVITE", alice, "bs-in2", body=sd.SDP,
                     extra=[("Require", "x-sip4xx-frobnicate")]), 420)
time.sleep(PAUSE)
# 8. an acceptable call: baresip rings (180), then hangs up: 486
inv = sd.mk("INVITE", alice, "bs-in3", body=sd.SDP)
u.send(inv)
while True:
    r = u.recv()
    if r.code == 180:
        break
    if r.code >= 200:
        raise SystemExit("drive: incoming call: unexpected %s" % r.start)
c.wait("CALL_INCOMING")
time.sleep(PAUSE)
c.send("hangup")
while True:
    r = u.recv()
    if r.code >= 200:
        break
u.send(sd.ack_for(inv, r))
if r.code != 486:
    raise SystemExit("drive: rejected call: expected 486, got %s" % r.start)
c.wait("CALL_CLOSED")
time.sleep(PAUSE)
u.close()
log("done")
PY

log "== $NAME"
for p in 5060 5070 5080; do
	if ss -Hlnu "sport = :$p" | grep -qE '127\.0\.0\.[12]:' ||
	   ss -Hlnt "sport = :$p" | grep -q '127\.0\.0\.1:'; then
		die "something already listens on port $p of 127.0.0.1/127.0.0.2"
	fi
done
ss -Hlnt 'sport = :4444' | grep -q . && die "something already listens on port 4444"

raw="$WORK/$NAME.raw.pcapng"
out="$WORK/$NAME.pcapng"
start_kamailio proxy
start_kamailio uas
wait_listen
start_capture "$raw"
start_baresip
python3 "$WORK/drive.py" "$HERE" || { tail -50 "$WORK/baresip.log" >&2; die "driver failed"; }
stop_baresip          # the unregistration exchange ends the capture
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
