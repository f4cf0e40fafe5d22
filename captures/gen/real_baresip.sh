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
LAB_TAG=real_baresip
. "$HERE/lab.sh"     # the Kamailio lab, the capture and its check
BARESIP_PID=""

[[ $(id -u) == 0 ]] || die "run as root (dumpcap on lo)"
lab_need "baresip kamailio tshark python3 iproute2" baresip kamailio dumpcap tshark python3 ss
[[ -e /usr/lib/baresip/modules/ctrl_tcp.so ]] || die "baresip's ctrl_tcp module is missing"

stop_baresip() {   # SIGTERM: baresip unregisters (401, retry, 200), then exits
	if [[ -n "$BARESIP_PID" ]]; then
		stop_pid "$BARESIP_PID"
		wait "$BARESIP_PID" 2>/dev/null || true
		BARESIP_PID=""
	fi
}
lab_stop_extra() { stop_baresip; }

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

scenario() {
	start_baresip
	python3 "$WORK/drive.py" "$HERE" || { tail -50 "$WORK/baresip.log" >&2; die "driver failed"; }
	stop_baresip          # the unregistration exchange ends the capture
}

lab_ports_free 5070 5080
ss -Hlnt 'sport = :4444' | grep -q . && die "something already listens on port 4444"
lab_record real_baresip "REGISTER 401 REGISTER 200 \
INVITE 404 ACK \
INVITE 100 INVITE 486 ACK 486 ACK \
INVITE 407 ACK INVITE 100 INVITE 404 ACK 404 ACK \
MESSAGE 404 \
INVITE 100 INVITE 488 ACK 488 ACK \
INVITE 100 INVITE 420 ACK 420 ACK \
INVITE 100 INVITE 180 180 486 ACK 486 ACK \
REGISTER 401 REGISTER 200" scenario
log "done"
