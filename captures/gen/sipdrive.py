#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Minimal SIP user agent client used by real_kamailio.sh.

It sends hand-written but realistic requests to the Kamailio lab proxy
(127.0.0.1:5060) for the cases the stock client tools (sipsak) cannot make:
requests that lack a header on purpose, INVITE + ACK, INVITE + CANCEL,
INVITE with proxy digest authentication, SIP over TCP with several requests
on one connection.

Every exchange is strictly sequential: send a request, wait for its final
response (and send the ACK for a non-2xx INVITE response), then go on.  No
request is ever retransmitted, so the frame order of a capture depends only
on the order of the steps below.  Identifiers (Call-ID, tags, branches) are
fixed, so the client side of each capture is byte-for-byte reproducible.

Usage: sipdrive.py SCENARIO   (see SCENARIOS at the bottom)
"""

import hashlib
import re
import socket
import sys
import time

PROXY = ("127.0.0.1", 5060)
LOCAL_IP = "127.0.0.1"
UDP_PORT = 5080     # our UDP port (one side of every packet is 5060)
TCP_PORT = 0        # our TCP source port: ephemeral (a fixed one could still
                    # be in TIME_WAIT from the previous run); set on connect
TIMEOUT = 8.0       # longer than any timer in the proxy (408 after 2 s)
PAUSE = 0.15        # quiet gap between exchanges

SDP = (
    "v=0\r\n"
    "o=drive 1000 1000 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
)


def log(msg):
    print("sipdrive: " + msg, file=sys.stderr, flush=True)


class Msg:
    """A parsed SIP message (just enough for a client)."""

    def __init__(self, raw):
        self.raw = raw
        head, _, self.body = raw.partition("\r\n\r\n")
        lines = head.split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.append((name.strip(), value.strip()))
        m = re.match(r"SIP/2\.0 (\d{3}) ", self.start)
        self.code = int(m.group(1)) if m else None

    def get(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None


class Request:
    """A request built from an explicit, ordered header list.

    Headers are written exactly as given, so a test can leave one out."""

    def __init__(self, method, ruri, headers, body=""):
        self.method = method
        self.ruri = ruri
        self.headers = list(headers)
        self.body = body

    def encode(self):
        lines = ["%s %s SIP/2.0" % (self.method, self.ruri)]
        lines += ["%s: %s" % hv for hv in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n" + self.body).encode()

    def get(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None


def mk(method, ruri, call, body="", **kw):
    """A standard request whose body matches its Content-Length."""
    return Request(method, ruri, std_headers(method, ruri, call, body=body, **kw), body)


def std_headers(method, ruri, call, cseq=1, transport="UDP", branch=None,
                to=None, from_user="drive", extra=(), body="",
                content_type="application/sdp", omit=(), max_forwards="70",
                cseq_method=None):
    """The headers a well-behaved UAC sends (RFC 3261 §8.1.1), minus `omit`."""
    port = UDP_PORT if transport == "UDP" else TCP_PORT
    branch = branch or "z9hG4bK-%s-%d" % (call, cseq)
    to = to or "<%s>" % ruri
    hdrs = [
        ("Via", "SIP/2.0/%s %s:%d;branch=%s;rport" % (transport, LOCAL_IP, port, branch)),
        ("Max-Forwards", max_forwards),
        ("From", "<sip:%s@127.0.0.1>;tag=%s-tag" % (from_user, call)),
        ("To", to),
        ("Call-ID", "%s@127.0.0.1" % call),
        ("CSeq", "%d %s" % (cseq, cseq_method or method)),
    ]
    if method in ("INVITE", "SUBSCRIBE", "REGISTER"):
        hdrs.append(("Contact", "<sip:%s@%s:%d;transport=%s>" % (from_user, LOCAL_IP, port, transport.lower())))
    hdrs += list(extra)
    hdrs.append(("User-Agent", "sip4xx-sipdrive/1"))
    if body:
        hdrs.append(("Content-Type", content_type))
    hdrs.append(("Content-Length", str(len(body.encode()))))
    return [h for h in hdrs if h[0] not in omit]


class UDPClient:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOCAL_IP, UDP_PORT))

    def send(self, req):
        self.sock.sendto(req.encode(), PROXY)
        log(">> %s %s" % (req.method, req.ruri))

    def recv(self, timeout=TIMEOUT):
        self.sock.settimeout(timeout)
        data, _ = self.sock.recvfrom(65535)
        m = Msg(data.decode(errors="replace"))
        log("<< %s" % m.start)
        return m

    def close(self):
        self.sock.close()


class TCPClient:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        global TCP_PORT
        self.sock.bind((LOCAL_IP, 0))
        TCP_PORT = self.sock.getsockname()[1]
        self.sock.connect(PROXY)
        self.buf = b""

    def send(self, req):
        self.sock.sendall(req.encode())
        log(">> %s %s (tcp)" % (req.method, req.ruri))

    def recv(self, timeout=TIMEOUT):
        self.sock.settimeout(timeout)
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                head = self.buf[:head_end].decode(errors="replace")
                m = re.search(r"(?im)^(?:content-length|l)\s*:\s*(\d+)", head)
                clen = int(m.group(1)) if m else 0
                total = head_end + 4 + clen
                if len(self.buf) >= total:
                    raw, self.buf = self.buf[:total], self.buf[total:]
                    msg = Msg(raw.decode(errors="replace"))
                    log("<< %s (tcp)" % msg.start)
                    return msg
            data = self.sock.recv(65535)
            if not data:
                raise ConnectionError("proxy closed the TCP connection")
            self.buf += data

    def close(self):
        self.sock.close()


def ack_for(req, resp):
    """Hop-by-hop ACK for a non-2xx final response (RFC 3261 §17.1.1.3)."""
    hdrs = [
        ("Via", req.get("Via")),
        ("Max-Forwards", "70"),
        ("From", req.get("From")),
        ("To", resp.get("To")),
        ("Call-ID", req.get("Call-ID")),
        ("CSeq", "%s ACK" % req.get("CSeq").split()[0]),
        ("Content-Length", "0"),
    ]
    return Request("ACK", req.ruri, hdrs)


def cancel_for(req):
    """CANCEL matching a pending INVITE (RFC 3261 §9.1)."""
    hdrs = [
        ("Via", req.get("Via")),
        ("Max-Forwards", "70"),
        ("From", req.get("From")),
        ("To", req.get("To")),
        ("Call-ID", req.get("Call-ID")),
        ("CSeq", "%s CANCEL" % req.get("CSeq").split()[0]),
        ("User-Agent", "sip4xx-sipdrive/1"),
        ("Content-Length", "0"),
    ]
    return Request("CANCEL", req.ruri, hdrs)


def transact(cli, req, expect=None):
    """Send a request, collect responses up to the final one, ACK if needed."""
    cli.send(req)
    while True:
        resp = cli.recv()
        if resp.code >= 200:
            break
    if req.method == "INVITE" and resp.code >= 300:
        cli.send(ack_for(req, resp))
    if expect is not None and resp.code != expect:
        raise SystemExit("sipdrive: %s %s: expected %d, got %s"
                         % (req.method, req.ruri, expect, resp.start))
    time.sleep(PAUSE)
    return resp


def digest_header(kind, challenge, method, uri, user, password):
    params = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    realm, nonce = params["realm"], params["nonce"]
    ha1 = hashlib.md5(("%s:%s:%s" % (user, realm, password)).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    if "qop" in params:
        cnonce, nc = "0a4f113b", "00000001"
        resp = hashlib.md5(("%s:%s:%s:%s:auth:%s" % (ha1, nonce, nc, cnonce, ha2)).encode()).hexdigest()
        extra = ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    else:
        resp = hashlib.md5(("%s:%s:%s" % (ha1, nonce, ha2)).encode()).hexdigest()
        extra = ""
    return (kind, 'Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=MD5%s' % (user, realm, nonce, uri, resp, extra))


# ---------------------------------------------------------------- scenarios

def sc_sanity():
    """sanity / maxfwd module rejections, all over UDP."""
    c = UDPClient()
    r = "sip:echo@127.0.0.1"
    # 1. OPTIONS whose CSeq method does not match the request method -> sanity 400
    transact(c, mk("OPTIONS", r, "san1", cseq_method="INVITE"), 400)
    # 2. SUBSCRIBE with a non-numeric Expires value -> sanity 400
    transact(c, mk("SUBSCRIBE", r, "san2", extra=[("Event", "presence"), ("Expires", "soon")]), 400)
    # 3. OPTIONS to an http: Request-URI -> sanity cannot parse it -> 400 Bad Request URI
    transact(c, mk("OPTIONS", "http://127.0.0.1/echo", "san3", to="<sip:echo@127.0.0.1>"), 400)
    # 3b. INVITE to a tel: URI -> 416 Unsupported URI Scheme (proxy policy)
    transact(c, mk("INVITE", "tel:+15551234567", "san3b", to="<tel:+15551234567>", body=SDP), 416)
    # 4. OPTIONS demanding an option the proxy lacks -> sanity 420 Bad Extension
    transact(c, mk("OPTIONS", r, "san4", extra=[("Proxy-Require", "x-sip4xx-frobnicate")]), 420)
    # 5. OPTIONS with Max-Forwards: 0 -> maxfwd 483 Too Many Hops
    transact(c, mk("OPTIONS", r, "san5", max_forwards="0"), 483)
    # 6. MESSAGE without Max-Forwards: accepted (maxfwd inserts one), UAS says 200
    transact(c, mk("MESSAGE", r, "san6", omit=("Max-Forwards",), body="hi", content_type="text/plain"), 200)
    c.close()


def sc_routing():
    """Proxy routing decisions: 404, 405 (with and without Allow), 403, 407."""
    c = UDPClient()
    # 1. INVITE to a user that never registered -> registrar lookup fails -> 404
    transact(c, mk("INVITE", "sip:nobody@127.0.0.1", "rt1", body=SDP), 404)
    # 2. PUBLISH -> 405 from sl_send_reply, Kamailio adds no Allow
    r = "sip:drive@127.0.0.1"
    transact(c, mk("PUBLISH", r, "rt2", extra=[("Event", "presence"), ("Expires", "60")],
                   body="<presence/>", content_type="application/pidf+xml"), 405)
    # 3. SUBSCRIBE -> 405 with Allow appended by the script (compliant)
    transact(c, mk("SUBSCRIBE", r, "rt3", extra=[("Event", "presence"), ("Expires", "60")]), 405)
    # 4. INVITE for a foreign domain -> 403 Relay Forbidden
    transact(c, mk("INVITE", "sip:bob@example.net", "rt4", body=SDP), 403)
    # 5. INVITE needing proxy auth -> 407 -> retry with Proxy-Authorization,
    #    then forwarded to the UAS (which answers 404 for this user)
    r = "sip:secure@127.0.0.1"
    resp = transact(c, mk("INVITE", r, "rt5", body=SDP), 407)
    auth = digest_header("Proxy-Authorization", resp.get("Proxy-Authenticate"), "INVITE", r, "drive", "secret")
    transact(c, mk("INVITE", r, "rt5", cseq=2, body=SDP, extra=[auth]), 404)
    c.close()


def sc_uas():
    """Responses that come from the far end (the Kamailio UAS), relayed by the proxy."""
    c = UDPClient()
    for n, (user, code) in enumerate([("busy", 486), ("offline", 480), ("codec", 488), ("codecwarn", 488)], 1):
        transact(c, mk("INVITE", "sip:%s@127.0.0.1" % user, "uas%d" % n, body=SDP), code)
    # ringing call, CANCELled by the caller -> 200 for the CANCEL, 487 for the INVITE
    inv = mk("INVITE", "sip:ring@127.0.0.1", "uas5", body=SDP)
    c.send(inv)
    while True:
        resp = c.recv()
        if resp.code == 180:
            break
    time.sleep(PAUSE)
    c.send(cancel_for(inv))
    got = {}
    while len(got) < 2:
        resp = c.recv()
        if resp.code >= 200:
            got[resp.get("CSeq").split()[1]] = resp
    if got["CANCEL"].code != 200 or got["INVITE"].code != 487:
        raise SystemExit("sipdrive: CANCEL flow: unexpected %s / %s"
                         % (got["CANCEL"].start, got["INVITE"].start))
    c.send(ack_for(inv, got["INVITE"]))
    time.sleep(PAUSE)
    c.close()


def sc_timeout():
    """INVITE forwarded to a black hole -> 408 from tm after fr_timer."""
    c = UDPClient()
    transact(c, mk("INVITE", "sip:blackhole@127.0.0.1", "to1", body=SDP), 408)
    c.close()


def sc_tcp():
    """The same kind of traffic over one TCP connection."""
    c = TCPClient()
    time.sleep(PAUSE)
    # 1. INVITE to a busy user -> relayed 486 (proxy -> UAS leg is UDP)
    transact(c, mk("INVITE", "sip:busy@127.0.0.1", "tcp1", transport="TCP", body=SDP), 486)
    # 2. INVITE to an unknown user -> 404
    transact(c, mk("INVITE", "sip:nobody@127.0.0.1", "tcp2", transport="TCP", body=SDP), 404)
    # 3. OPTIONS without Content-Length over TCP (RFC 3261 §18.3 violation) -> 404
    transact(c, mk("OPTIONS", "sip:nobody@127.0.0.1", "tcp3", transport="TCP", omit=("Content-Length",)), 404)
    # 4. PUBLISH -> 405 without Allow, over TCP
    transact(c, mk("PUBLISH", "sip:drive@127.0.0.1", "tcp4", transport="TCP", extra=[("Event", "presence")],
                   body="<presence/>", content_type="application/pidf+xml"), 405)
    c.close()
    time.sleep(PAUSE)


SCENARIOS = {
    "sanity": sc_sanity,
    "routing": sc_routing,
    "uas": sc_uas,
    "timeout": sc_timeout,
    "tcp": sc_tcp,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in SCENARIOS:
        raise SystemExit("usage: sipdrive.py {%s}" % "|".join(SCENARIOS))
    SCENARIOS[sys.argv[1]]()
