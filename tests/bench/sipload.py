#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP load generator for the sip4xx benchmark captures (stdlib only).

Drives the Kamailio lab of captures/gen/kamailio (proxy/registrar on
127.0.0.1:5060 UDP+TCP, far-end UAS on 127.0.0.2:5060) with many concurrent
user agents, and plays a called user agent itself on 127.0.0.4:5060 (UDP), so
that answered calls (INVITE/180/200/ACK/BYE/200) exist too.  Every packet has
port 5060 on one side, so stock tshark dissects all of it as SIP.

Flows (weights in MIX): REGISTER with digest challenge (401 -> 200, 423, 403),
answered calls through the proxy to our UAS, calls rejected by the Kamailio
UAS (486/480/488), ringing calls CANCELled (200 + 487), proxy rejections
(404, 405 with and without Allow, 403 relay, 407 -> authenticated retry ->
404), sanity rejections (400, 416, 420, 483), OPTIONS/MESSAGE answered 200.
A quarter of the workers talk TCP to the proxy (one connection each).

Two mixes (--mix): "dense" (the default, MIX below) is the worst case for
sip4xx, about a fifth of all messages 4xx; "ordinary" (ORDINARY) is a
working system's traffic: answered calls, OPTIONS keep-alives, messages,
registrations with their digest challenge, a few refusals (a few percent
4xx).

Runs until SIGTERM/SIGINT or --seconds.  Call-IDs are unique per run
(worker, flow counter, run id) so a long capture never repeats a dialog.

usage: sipload.py [--workers N] [--seconds S] [--seed N] [--mix dense|ordinary]
"""

import argparse
import hashlib
import random
import re
import signal
import socket
import sys
import threading
import time

PROXY = ("127.0.0.1", 5060)
UAS_ADDR = ("127.0.0.4", 5060)
TIMEOUT = 2.0
STOP = threading.Event()

# Media ports change per call, as a real user agent allocates them: with one
# fixed port, every SDP re-registers the same RTP conversation and stock
# tshark's SDP/RTP setup cost grows with the number of calls (superlinear).
SDP_TMPL = ("v=0\r\no=%s %d %d IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            "t=0 0\r\nm=audio %d RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n")
_SDP_RNG = random.Random(7)


def sdp(who="load"):
    sess = _SDP_RNG.randrange(10**6)
    return SDP_TMPL % (who, sess, sess, 10000 + 2 * _SDP_RNG.randrange(25000))


def parse(raw):
    """(start line, [(name, value)], body) of a SIP message."""
    head, _, body = raw.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = []
    for line in lines[1:]:
        n, _, v = line.partition(":")
        hdrs.append((n.strip(), v.strip()))
    return lines[0], hdrs, body


def hget(hdrs, name):
    name = name.lower()
    for n, v in hdrs:
        if n.lower() == name:
            return v
    return None


def build(start, hdrs, body=""):
    out = [start] + ["%s: %s" % hv for hv in hdrs]
    return ("\r\n".join(out) + "\r\n\r\n" + body).encode()


def digest(challenge, method, uri, user):
    p = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    ha1 = hashlib.md5(("%s:%s:secret" % (user, p["realm"])).encode()).hexdigest()
    ha2 = hashlib.md5(("%s:%s" % (method, uri)).encode()).hexdigest()
    r = hashlib.md5(("%s:%s:%s" % (ha1, p["nonce"], ha2)).encode()).hexdigest()
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
            'algorithm=MD5' % (user, p["realm"], p["nonce"], uri, r))


class Resp:
    def __init__(self, raw):
        self.start, self.hdrs, self.body = parse(raw)
        m = re.match(r"SIP/2\.0 (\d{3})", self.start)
        self.code = int(m.group(1)) if m else 0

    def get(self, n):
        return hget(self.hdrs, n)


class Worker(threading.Thread):
    def __init__(self, idx, tcp, seed, runid):
        super().__init__(daemon=True)
        self.idx, self.tcp, self.runid = idx, tcp, runid
        self.rng = random.Random(seed * 1000 + idx)
        self.user = "u%d" % idx
        self.n = 0
        self.flows = 0
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.uport = self.udp.getsockname()[1]
        self.sock = None
        self.buf = b""

    # -- transport ------------------------------------------------------
    def connect(self):
        if self.sock:
            self.sock.close()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.connect(PROXY)
        self.tport = self.sock.getsockname()[1]
        self.buf = b""

    def via(self, branch, tcp=None):
        tcp = self.tcp if tcp is None else tcp
        return "SIP/2.0/%s 127.0.0.1:%d;branch=%s;rport" % (
            "TCP" if tcp else "UDP", self.tport if tcp else self.uport, branch)

    def send(self, data, tcp=None, dest=PROXY):
        tcp = self.tcp if tcp is None else tcp
        if tcp:
            self.sock.sendall(data)
        else:
            self.udp.sendto(data, dest)

    def recv_one(self, tcp, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout()
            if not tcp:
                self.udp.settimeout(left)
                data, _ = self.udp.recvfrom(65535)
                return data.decode(errors="replace")
            end = self.buf.find(b"\r\n\r\n")
            if end >= 0:
                m = re.search(rb"(?im)^(?:content-length|l)\s*:\s*(\d+)", self.buf[:end])
                total = end + 4 + (int(m.group(1)) if m else 0)
                if len(self.buf) >= total:
                    raw, self.buf = self.buf[:total], self.buf[total:]
                    return raw.decode(errors="replace")
            self.sock.settimeout(left)
            d = self.sock.recv(65535)
            if not d:
                raise ConnectionError("closed")
            self.buf += d

    def wait(self, callid, method, tcp=None, final=True, upto=None):
        """Responses for (callid, method) until a final one (or code `upto`)."""
        tcp = self.tcp if tcp is None else tcp
        deadline = time.monotonic() + TIMEOUT
        while True:
            r = Resp(self.recv_one(tcp, deadline))
            if r.get("Call-ID") != callid or not (r.get("CSeq") or "").endswith(method):
                continue
            if upto and r.code == upto:
                return r
            if not final or r.code >= 200:
                return r

    # -- messages -------------------------------------------------------
    def new_call(self):
        self.n += 1
        return "%s-%d-%d@load" % (self.runid, self.idx, self.n)

    def req(self, method, ruri, callid, cseq=1, to=None, extra=(), body="", ctype="application/sdp",
            branch=None, tcp=None, maxfwd="70", cseq_method=None, ftag=None):
        branch = branch or "z9hG4bK%s.%d" % (callid.split("@")[0], cseq * 7 + len(method))
        hdrs = [("Via", self.via(branch, tcp)),
                ("Max-Forwards", maxfwd),
                ("From", "<sip:%s@127.0.0.1>;tag=%s" % (self.user, ftag or callid.split("@")[0])),
                ("To", to or "<%s>" % ruri),
                ("Call-ID", callid),
                ("CSeq", "%d %s" % (cseq, cseq_method or method))]
        if method in ("INVITE", "REGISTER", "SUBSCRIBE"):
            tcp_ = self.tcp if tcp is None else tcp
            hdrs.append(("Contact", "<sip:%s@127.0.0.1:%d;transport=%s>" % (
                self.user, self.tport if tcp_ else self.uport, "tcp" if tcp_ else "udp")))
        hdrs += list(extra)
        hdrs.append(("User-Agent", "sip4xx-sipload/1"))
        if body:
            hdrs.append(("Content-Type", ctype))
        hdrs.append(("Content-Length", str(len(body))))
        return hdrs, build("%s %s SIP/2.0" % (method, ruri), hdrs, body)

    def ack(self, ruri, hdrs, resp, tcp=None, dest=PROXY, branch=None):
        via = hdrs[0][1] if branch is None else self.via(branch, tcp)
        h = [("Via", via), ("Max-Forwards", "70"), ("From", hget(hdrs, "From")),
             ("To", resp.get("To")), ("Call-ID", hget(hdrs, "Call-ID")),
             ("CSeq", "%s ACK" % hget(hdrs, "CSeq").split()[0]), ("Content-Length", "0")]
        self.send(build("ACK %s SIP/2.0" % ruri, h), tcp, dest)

    def transact(self, method, ruri, callid, **kw):
        hdrs, data = self.req(method, ruri, callid, **kw)
        tcp = kw.get("tcp")
        self.send(data, tcp)
        r = self.wait(callid, method, tcp)
        if method == "INVITE" and r.code >= 300:
            self.ack(ruri, hdrs, r, tcp)
        return r, hdrs

    # -- flows ----------------------------------------------------------
    def register(self, expires="3600", authuser=None):
        c = self.new_call()
        ruri = "sip:127.0.0.1"
        to = "<sip:%s@127.0.0.1>" % self.user
        contact = ("Contact", "<sip:%s@127.0.0.4:5060>" % self.user)
        hdrs, data = self.req("REGISTER", ruri, c, to=to, extra=[("Expires", expires)])
        hdrs = [contact if n == "Contact" else (n, v) for n, v in hdrs]
        self.send(build("REGISTER %s SIP/2.0" % ruri, hdrs))
        r = self.wait(c, "REGISTER")
        if r.code != 401:
            return
        auth = digest(r.get("WWW-Authenticate"), "REGISTER", ruri, authuser or self.user)
        hdrs, _ = self.req("REGISTER", ruri, c, cseq=2, to=to,
                           extra=[("Expires", expires), ("Authorization", auth)])
        hdrs = [contact if n == "Contact" else (n, v) for n, v in hdrs]
        self.send(build("REGISTER %s SIP/2.0" % ruri, hdrs))
        self.wait(c, "REGISTER")

    def call_answered(self):
        """INVITE via the proxy to our UAS; ACK and BYE go straight to its Contact."""
        c = self.new_call()
        callee = "u%d" % self.rng.randrange(self.nusers)
        ruri = "sip:%s@127.0.0.1" % callee
        hdrs, data = self.req("INVITE", ruri, c, body=sdp())
        self.send(data)
        r = self.wait(c, "INVITE")
        if r.code >= 300:
            self.ack(ruri, hdrs, r)
            return
        m = re.search(r"<([^>]+)>", r.get("Contact") or "")
        target = m.group(1) if m else "sip:%s@127.0.0.4:5060" % callee
        tag = c.split("@")[0]
        self.ack(target, hdrs, r, tcp=False, dest=UAS_ADDR, branch="z9hG4bK%s.ack" % tag)
        _, bye = self.req("BYE", target, c, cseq=2, to=r.get("To"), tcp=False,
                          branch="z9hG4bK%s.bye" % tag)
        self.send(bye, False, UAS_ADDR)
        self.wait(c, "BYE", tcp=False)

    def call_cancel(self):
        c = self.new_call()
        ruri = "sip:ring@127.0.0.1"
        hdrs, data = self.req("INVITE", ruri, c, body=sdp())
        self.send(data)
        r = self.wait(c, "INVITE", upto=180)
        if r.code >= 200:
            if r.code >= 300:
                self.ack(ruri, hdrs, r)
            return
        h = [("Via", hdrs[0][1]), ("Max-Forwards", "70"), ("From", hget(hdrs, "From")),
             ("To", hget(hdrs, "To")), ("Call-ID", c), ("CSeq", "1 CANCEL"),
             ("User-Agent", "sip4xx-sipload/1"), ("Content-Length", "0")]
        self.send(build("CANCEL %s SIP/2.0" % ruri, h))
        self.wait(c, "CANCEL")
        r = self.wait(c, "INVITE")
        self.ack(ruri, hdrs, r)

    def call_secure(self):
        c = self.new_call()
        ruri = "sip:secure@127.0.0.1"
        r, _ = self.transact("INVITE", ruri, c, body=sdp())
        if r.code == 407:
            auth = digest(r.get("Proxy-Authenticate"), "INVITE", ruri, self.user)
            self.transact("INVITE", ruri, c, cseq=2, body=sdp(),
                          extra=[("Proxy-Authorization", auth)])

    def flow(self):
        k = self.rng.choices(FLOWS, WEIGHTS)[0]
        c = lambda: self.new_call()
        if k == "reg_ok":
            self.register()
        elif k == "reg_brief":
            self.register("10")
        elif k == "reg_forbidden":
            self.register(authuser="mallory")
        elif k == "call":
            self.call_answered()
        elif k in ("busy", "offline", "codec", "codecwarn"):
            self.transact("INVITE", "sip:%s@127.0.0.1" % k, c(), body=sdp())
        elif k == "cancel":
            self.call_cancel()
        elif k == "secure":
            self.call_secure()
        elif k == "notfound":
            self.transact("INVITE", "sip:nobody%d@127.0.0.1" % self.rng.randrange(100), c(), body=sdp())
        elif k == "publish":
            self.transact("PUBLISH", "sip:%s@127.0.0.1" % self.user, c(), body="<presence/>",
                          ctype="application/pidf+xml", extra=[("Event", "presence"), ("Expires", "60")])
        elif k == "subscribe":
            self.transact("SUBSCRIBE", "sip:%s@127.0.0.1" % self.user, c(),
                          extra=[("Event", "presence"), ("Expires", "60")])
        elif k == "relay":
            self.transact("INVITE", "sip:bob@example.net", c(), body=sdp())
        elif k == "san_cseq":
            self.transact("OPTIONS", "sip:echo@127.0.0.1", c(), cseq_method="INVITE")
        elif k == "san_tel":
            self.transact("INVITE", "tel:+1555%07d" % self.rng.randrange(10**7), c(),
                          to="<tel:+15551234567>", body=sdp())
        elif k == "san_require":
            self.transact("OPTIONS", "sip:echo@127.0.0.1", c(),
                          extra=[("Proxy-Require", "x-sip4xx-frobnicate")])
        elif k == "maxfwd":
            self.transact("OPTIONS", "sip:echo@127.0.0.1", c(), maxfwd="0")
        elif k == "options":
            self.transact("OPTIONS", "sip:echo@127.0.0.1", c())
        elif k == "message":
            self.transact("MESSAGE", "sip:echo@127.0.0.1", c(), body="hello %d" % self.n,
                          ctype="text/plain")
        self.flows += 1

    def run(self):
        while not STOP.is_set():
            try:
                if self.tcp and self.sock is None:
                    self.connect()
                if self.flows == 0:
                    self.register()
                self.flow()
            except (socket.timeout, OSError, ConnectionError, KeyError, AttributeError):
                if self.tcp:
                    try:
                        self.connect()
                    except OSError:
                        time.sleep(0.2)
                self.flows += 1


MIX = [("reg_ok", 10), ("reg_brief", 4), ("reg_forbidden", 2), ("call", 12), ("busy", 6),
       ("offline", 4), ("codec", 3), ("codecwarn", 2), ("cancel", 3), ("secure", 4),
       ("notfound", 8), ("publish", 3), ("subscribe", 3), ("relay", 3), ("san_cseq", 2),
       ("san_tel", 2), ("san_require", 2), ("maxfwd", 2), ("options", 4), ("message", 4)]
ORDINARY = [("reg_ok", 6), ("call", 30), ("options", 14), ("message", 10), ("publish", 3), ("subscribe", 3),
            ("cancel", 2), ("busy", 2), ("notfound", 1), ("offline", 1)]
FLOWS = [k for k, _ in MIX]
WEIGHTS = [w for _, w in MIX]


def uas():
    """Called user agent on 127.0.0.4:5060: 180 + 200 to INVITE, 200 to BYE."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(UAS_ADDR)
    s.settimeout(0.5)
    while not STOP.is_set():
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        start, hdrs, _ = parse(data.decode(errors="replace"))
        method = start.split(" ", 1)[0]
        if method == "ACK" or start.startswith("SIP/"):
            continue
        base = [(n, v) for n, v in hdrs if n.lower() in ("via", "record-route", "from", "call-id", "cseq")]
        to = hget(hdrs, "To") or ""
        if ";tag=" not in to:
            to += ";tag=uas%x" % (hash(hget(hdrs, "Call-ID")) & 0xffffff)
        user = re.match(r"\S+ sip:([^@]+)@", start)
        contact = ("Contact", "<sip:%s@127.0.0.4:5060>" % (user.group(1) if user else "uas"))
        srv = ("Server", "sip4xx-sipload-uas/1")
        if method == "INVITE":
            answer = sdp("uas")
            s.sendto(build("SIP/2.0 180 Ringing", base + [("To", to), contact, srv, ("Content-Length", "0")]), addr)
            s.sendto(build("SIP/2.0 200 OK", base + [("To", to), contact, srv,
                                                     ("Content-Type", "application/sdp"),
                                                     ("Content-Length", str(len(answer)))], answer), addr)
        else:
            s.sendto(build("SIP/2.0 200 OK", base + [("To", to), srv, ("Content-Length", "0")]), addr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=3600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", choices=("dense", "ordinary"), default="dense")
    a = ap.parse_args()
    if a.mix == "ordinary":
        FLOWS[:] = [k for k, _ in ORDINARY]
        WEIGHTS[:] = [w for _, w in ORDINARY]
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())
    runid = "%x" % int(time.time())
    threading.Thread(target=uas, daemon=True).start()
    time.sleep(0.2)
    Worker.nusers = a.workers
    ws = [Worker(i, tcp=(i % 4 == 3), seed=a.seed, runid=runid) for i in range(a.workers)]
    for w in ws:
        w.start()
    t0 = time.monotonic()
    while not STOP.is_set() and time.monotonic() - t0 < a.seconds:
        time.sleep(0.2)
    STOP.set()
    for w in ws:
        w.join(timeout=3)
    print("sipload: %d flows in %.1f s" % (sum(w.flows for w in ws), time.monotonic() - t0),
          file=sys.stderr)


if __name__ == "__main__":
    main()
