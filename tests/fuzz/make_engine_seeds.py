#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed inputs for tests/fuzz/fuzz_engine.c: realistic SIP exchanges in
the harness's input format (documented at the top of fuzz_engine.c).

    tests/fuzz/make_engine_seeds.py OUTDIR

writes one file per sequence, named seed-<name>. The committed
tests/fuzz/engine-corpus/ is the -merge=1 minimisation of these seeds and
of what a fuzzing run reached from them (tests/fuzz/README.md).
"""
import os
import sys

SEP = b"\x1e\x1e"

# Clock steps (ctl bits 0-2) and their operands.
FROZEN, MS, SECS, SECS16, BACK, NS, JUMP, WINDOW = range(8)
# Indices into JUMP_SECS / WINDOW_SECS of fuzz_engine.c.
J = {"0": 0, "2^31-1": 2, "2^32-1": 4, "2^32": 5, "max/1000": 7, "max-200": 10, "max-32": 11,
     "max": 13, "min": 14, "-1": 16, "2023": 18}
W = {31: 0, 32: 1, 33: 2, 63: 3, 64: 4, 65: 5, 179: 6, 180: 7, 181: 8, 212: 9, 213: 10, 3600: 11, 86400: 12}


def header(total=8, per_call=4, dialogs=4, start=0, start_ns=0, high_frame=False):
    assert 1 <= total <= 16 and 1 <= per_call <= 8 and 1 <= dialogs <= 8
    h0 = (total - 1) | ((per_call - 1) << 4) | (0x80 if high_frame else 0)
    h1 = (dialogs - 1) | (start << 3) | (start_ns << 6)
    return bytes([h0, h1])


class Rec:
    """One record: a clock step, framing bits and the message bytes."""

    def __init__(self, msg, op=MS, a0=0, a1=0, stream=False, cut=False, same_frame=False, gap=0):
        self.msg = msg if isinstance(msg, bytes) else msg.encode()
        self.op, self.a0, self.a1 = op, a0, a1
        self.ctl = op | (0x08 if stream else 0) | (0x10 if cut else 0) | (0x20 if same_frame else 0) | (gap << 6)

    def bytes(self):
        assert SEP not in self.msg
        return bytes([self.ctl, self.a0 & 0xFF, self.a1 & 0xFF]) + self.msg


def ms(n, msg, **kw):
    """n milliseconds after the previous record (0..65535)."""
    return Rec(msg, MS, n & 0xFF, n >> 8, **kw)


def secs(n, msg, **kw):
    return Rec(msg, SECS, n, 0, **kw)


def seq(hdr, recs):
    return hdr + SEP.join(r.bytes() for r in recs)


# ----------------------------------------------------------------- SIP text

def request(method, branch, call="c1@192.0.2.1", cseq=1, from_tag="a1", to_tag=None, extra="", body="",
            uri="sip:bob@example.com", cseq_method=None):
    to = "<sip:bob@example.com>" + (f";tag={to_tag}" if to_tag else "")
    ctype = "Content-Type: application/sdp\r\n" if body else ""
    return (f"{method} {uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 192.0.2.1:5060;branch={branch}\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: \"Alice\" <sip:alice@example.com>;tag={from_tag}\r\n"
            f"To: {to}\r\n"
            f"Call-ID: {call}\r\n"
            f"CSeq: {cseq} {cseq_method or method}\r\n"
            f"Contact: <sip:alice@192.0.2.1:5060>\r\n"
            f"{extra}{ctype}Content-Length: {len(body)}\r\n\r\n{body}")


def response(code, reason, method, branch, call="c1@192.0.2.1", cseq=1, from_tag="a1", to_tag="b1", extra=""):
    to = "<sip:bob@example.com>" + (f";tag={to_tag}" if to_tag else "")
    return (f"SIP/2.0 {code} {reason}\r\n"
            f"Via: SIP/2.0/UDP 192.0.2.1:5060;branch={branch}\r\n"
            f"From: \"Alice\" <sip:alice@example.com>;tag={from_tag}\r\n"
            f"To: {to}\r\n"
            f"Call-ID: {call}\r\n"
            f"CSeq: {cseq} {method}\r\n"
            f"{extra}Content-Length: 0\r\n\r\n")


SDP = ("v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
       "m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
B = "z9hG4bK"


def seeds():
    out = {}

    # INVITE / 100 / 180 / 486 / ACK (the ACK shares the INVITE's branch).
    out["invite-486"] = seq(header(), [
        ms(0, request("INVITE", B + "inv1", body=SDP)),
        ms(40, response(100, "Trying", "INVITE", B + "inv1", to_tag=None)),
        ms(300, response(180, "Ringing", "INVITE", B + "inv1")),
        secs(4, response(486, "Busy Here", "INVITE", B + "inv1", extra="Retry-After: 60\r\n")),
        ms(20, request("ACK", B + "inv1", to_tag="b1")),
        ms(500, response(486, "Busy Here", "INVITE", B + "inv1", extra="Retry-After: 60\r\n")),
        ms(20, request("ACK", B + "inv1", to_tag="b1")),
    ])

    # REGISTER / 401 / REGISTER with Authorization / 200.
    reg = dict(uri="sip:example.com", call="reg1@192.0.2.1")
    out["register-401"] = seq(header(), [
        ms(0, request("REGISTER", B + "r1", extra="Expires: 3600\r\n", **reg)),
        ms(60, response(401, "Unauthorized", "REGISTER", B + "r1", call=reg["call"],
                        extra='WWW-Authenticate: Digest realm="example.com", nonce="abc123", algorithm=MD5\r\n')),
        ms(80, request("REGISTER", B + "r2", cseq=2, extra=(
            'Authorization: Digest username="alice", realm="example.com", nonce="abc123", '
            'uri="sip:example.com", response="0123456789abcdef0123456789abcdef"\r\nExpires: 3600\r\n'), **reg)),
        ms(50, response(200, "OK", "REGISTER", B + "r2", call=reg["call"], cseq=2)),
    ])
    # The same with the retry under a new Call-ID (RFC 3261 §10.2 allows it),
    # then the same credentials rejected again, then a stale nonce.
    out["register-retry-new-callid"] = seq(header(total=4), [
        ms(0, request("REGISTER", B + "r1", extra="Expires: 3600\r\n", **reg)),
        ms(60, response(401, "Unauthorized", "REGISTER", B + "r1", call=reg["call"],
                        extra='WWW-Authenticate: Digest realm="example.com", nonce="n1"\r\n')),
        ms(80, request("REGISTER", B + "r2", cseq=1, call="reg2@192.0.2.1", uri="sip:example.com",
                       extra='Authorization: Digest username="alice", realm="example.com", nonce="n1", '
                             'uri="sip:example.com", response="00"\r\n')),
        ms(50, response(401, "Unauthorized", "REGISTER", B + "r2", call="reg2@192.0.2.1",
                        extra='WWW-Authenticate: Digest realm="example.com", nonce="n2", stale=true\r\n')),
        ms(80, request("REGISTER", B + "r3", cseq=2, call="reg2@192.0.2.1", uri="sip:example.com",
                       extra='Authorization: Digest username="alice", realm="example.com", nonce="n1", '
                             'uri="sip:example.com", response="00"\r\n')),
        ms(50, response(403, "Forbidden", "REGISTER", B + "r3", call="reg2@192.0.2.1", cseq=2)),
        ms(900, request("REGISTER", B + "r4", cseq=3, call="reg2@192.0.2.1", uri="sip:example.com")),
    ])

    # OPTIONS unanswered: Timer F passes, then a late 404 matches nothing.
    out["options-unanswered"] = seq(header(total=2), [
        ms(0, request("OPTIONS", B + "o1", call="opt1")),
        ms(500, request("OPTIONS", B + "o1", call="opt1")),       # retransmission
        Rec(request("OPTIONS", B + "o2", call="opt2"), WINDOW, W[31], 0),
        Rec(response(404, "Not Found", "OPTIONS", B + "o1", call="opt1"), WINDOW, W[32], 0),
        Rec(response(404, "Not Found", "OPTIONS", B + "o2", call="opt2"), MS, 200, 0),
        Rec(request("OPTIONS", B + "o3", call="opt3"), WINDOW, W[3600], 0),
    ])

    # CANCEL / 200 / 487 / ACK.
    out["cancel-487"] = seq(header(), [
        ms(0, request("INVITE", B + "i2", call="can1", body=SDP)),
        ms(30, response(100, "Trying", "INVITE", B + "i2", call="can1", to_tag=None)),
        ms(200, response(180, "Ringing", "INVITE", B + "i2", call="can1")),
        secs(3, request("CANCEL", B + "i2", call="can1")),
        ms(20, response(200, "OK", "CANCEL", B + "i2", call="can1")),
        ms(10, response(487, "Request Terminated", "INVITE", B + "i2", call="can1")),
        ms(10, request("ACK", B + "i2", call="can1", to_tag="b1")),
        # A 487 to the CANCEL itself, and a CANCEL whose INVITE is not in the capture.
        ms(100, request("CANCEL", B + "gone", call="can2")),
        ms(20, response(487, "Request Terminated", "CANCEL", B + "gone", call="can2")),
        ms(20, response(487, "Request Terminated", "INVITE", B + "gone", call="can2")),
    ])

    # A second final response: 422 then 404 with another To tag.
    out["second-final"] = seq(header(), [
        ms(0, request("INVITE", B + "sf", call="sf1", extra="Session-Expires: 60\r\nSupported: timer\r\n",
                      body=SDP)),
        ms(50, response(422, "Session Interval Too Small", "INVITE", B + "sf", call="sf1", to_tag="x1",
                        extra="Min-SE: 90\r\n")),
        ms(10, response(404, "Not Found", "INVITE", B + "sf", call="sf1", to_tag="y2")),
        ms(10, response(422, "Session Interval Too Small", "INVITE", B + "sf", call="sf1", to_tag="x1",
                        extra="Min-SE: 90\r\n")),
        ms(10, response(200, "OK", "INVITE", B + "sf", call="sf1", to_tag="z3")),
        ms(30, request("INVITE", B + "sf2", call="sf1", cseq=2, extra="Session-Expires: 90\r\nSupported: timer\r\n",
                       body=SDP)),
        ms(50, response(200, "OK", "INVITE", B + "sf2", call="sf1", cseq=2, to_tag="x1")),
    ])

    # Requests sharing one branch under different Call-IDs.
    out["shared-branch"] = seq(header(total=6, per_call=2), [
        ms(0, request("OPTIONS", B + "same", call="sb1")),
        ms(1, request("OPTIONS", B + "same", call="sb2")),
        ms(1, request("MESSAGE", B + "same", call="sb3", body="hello")),
        ms(40, response(404, "Not Found", "OPTIONS", B + "same", call="sb2")),
        ms(40, response(404, "Not Found", "OPTIONS", B + "same", call="sb1")),
        ms(40, response(415, "Unsupported Media Type", "MESSAGE", B + "same", call="sb3",
                        extra="Accept: text/plain\r\n")),
        ms(40, request("MESSAGE", B + "same2", call="sb3", cseq=2, body="hello")),
    ])

    # The capture's clock steps back (files merged out of order), then on.
    out["clock-back"] = seq(header(total=4), [
        ms(0, request("INVITE", B + "cb", call="cb1", body=SDP)),
        Rec(response(100, "Trying", "INVITE", B + "cb", call="cb1", to_tag=None), BACK, 30, 0),
        Rec(request("OPTIONS", B + "cb2", call="cb2"), BACK, 200, 0),
        Rec(response(486, "Busy Here", "INVITE", B + "cb", call="cb1"), SECS, 40, 0),
        Rec(request("INVITE", B + "cb3", call="cb1", cseq=2, body=SDP), BACK, 100, 100),
        Rec(response(404, "Not Found", "OPTIONS", B + "cb2", call="cb2"), WINDOW, W[33], 0),
        Rec(request("INVITE", B + "cb4", call="cb1", cseq=3, body=SDP), BACK, 255, 255),
    ])

    # A frozen clock with many requests: only the ring's cap frees anything
    # (4 * max_open_total + 64 entries). Short messages keep the seed small.
    def short_req(i, method="OPTIONS"):
        return f"{method} sip:b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch={B}{i}\r\nCall-ID: f{i % 5}\r\n" \
               f"From: <sip:a>;tag=t\r\nCSeq: {i} {method}\r\n\r\n"

    def short_resp(i, code, method="OPTIONS"):
        return f"SIP/2.0 {code} X\r\nVia: SIP/2.0/UDP h;branch={B}{i}\r\nCall-ID: f{i % 5}\r\n" \
               f"From: <sip:a>;tag=t\r\nTo: <sip:b>;tag=u\r\nCSeq: {i} {method}\r\n\r\n"

    recs = [Rec(short_req(0), FROZEN)]
    for i in range(1, 130):
        if i % 5 == 0:
            m = short_resp(i - 1, 404 if i % 2 else 403, "INVITE" if (i - 1) % 3 == 0 else "OPTIONS")
        elif i % 3 == 0:
            m = short_req(i, "INVITE")
        else:
            m = short_req(i)
        recs.append(Rec(m, FROZEN))
    out["frozen-clock"] = seq(header(total=3, per_call=2, dialogs=1), recs)

    # Huge clock values: near 2^32, INT64_MAX/1000 and INT64_MAX, then INT64_MIN.
    recs = []
    for k, jump in enumerate(["2^32-1", "max/1000", "max-32", "max", "min", "-1"]):
        recs += [
            Rec(request("REGISTER", B + f"hj{k}a", call=f"hj{k}", uri="sip:example.com"), JUMP, J[jump], 0),
            Rec(response(401, "Unauthorized", "REGISTER", B + f"hj{k}a", call=f"hj{k}",
                         extra='WWW-Authenticate: Digest realm="example.com", nonce="x"\r\n'), MS, 200, 0),
            Rec(request("REGISTER", B + f"hj{k}b", call=f"hj{k}", cseq=2, uri="sip:example.com",
                        extra='Authorization: Digest username="a", realm="example.com", nonce="x", '
                              'uri="sip:example.com", response="1"\r\n'), WINDOW, W[33], 0),
        ]
    out["huge-clock"] = seq(header(start=4), recs)

    # One TCP segment holding a request, its 4xx and the ACK (one frame,
    # ordinals 0-2), then the rest of the exchange on its own frames.
    seg = (request("INVITE", B + "tcp1", call="tcp1", body=SDP)
           + response(488, "Not Acceptable Here", "INVITE", B + "tcp1", call="tcp1")
           + request("ACK", B + "tcp1", call="tcp1", to_tag="b1"))
    out["tcp-segment"] = seq(header(), [
        Rec(seg, MS, 0, 0, stream=True),
        ms(10, response(488, "Not Acceptable Here", "INVITE", B + "tcp1", call="tcp1"), stream=True),
        ms(10, request("INVITE", B + "tcp2", call="tcp1", cseq=2, body=SDP), stream=True),
        ms(10, response(488, "Not Acceptable Here", "INVITE", B + "tcp2", call="tcp1", cseq=2)
           + response(100, "Trying", "INVITE", B + "tcp3", call="tcp1", cseq=3), stream=True,
           same_frame=True),
    ])

    # A dialog: INVITE / 200 / ACK, re-INVITEs crossing (491 glare), BYE.
    out["dialog-glare"] = seq(header(dialogs=1), [
        ms(0, request("INVITE", B + "d1", call="dlg", body=SDP)),
        ms(100, response(200, "OK", "INVITE", B + "d1", call="dlg")),
        ms(10, request("ACK", B + "d1a", call="dlg", to_tag="b1")),
        secs(5, request("INVITE", B + "d2", call="dlg", cseq=2, to_tag="b1", body=SDP)),
        ms(1, request("INVITE", B + "d3", call="dlg", cseq=1, from_tag="b1", to_tag="a1", body=SDP)),
        ms(20, response(491, "Request Pending", "INVITE", B + "d2", call="dlg", cseq=2)),
        ms(20, response(491, "Request Pending", "INVITE", B + "d3", call="dlg", cseq=1, from_tag="b1",
                        to_tag="a1")),
        ms(500, request("INVITE", B + "d4", call="dlg", cseq=3, to_tag="b1", body=SDP)),
        ms(30, response(200, "OK", "INVITE", B + "d4", call="dlg", cseq=3)),
        secs(10, request("BYE", B + "d5", call="dlg", cseq=4, to_tag="b1")),
        ms(30, response(200, "OK", "BYE", B + "d5", call="dlg", cseq=4)),
        # A second call that finds no room for its dialog (max_dialogs 1).
        ms(0, request("INVITE", B + "e1", call="dlg2", body=SDP)),
        ms(100, response(200, "OK", "INVITE", B + "e1", call="dlg2")),
        ms(0, request("INVITE", B + "f1", call="dlg3", body=SDP)),
        ms(100, response(200, "OK", "INVITE", B + "f1", call="dlg3")),
    ])

    # What a 4xx asks, and retries that do and do not follow it.
    out["retries"] = seq(header(total=16, per_call=8), [
        ms(0, request("REGISTER", B + "x1", call="x1", uri="sip:example.com", extra="Expires: 30\r\n")),
        ms(30, response(423, "Interval Too Brief", "REGISTER", B + "x1", call="x1", extra="Min-Expires: 600\r\n")),
        ms(30, request("REGISTER", B + "x2", call="x1", cseq=2, uri="sip:example.com", extra="Expires: 60\r\n")),
        ms(0, request("INVITE", B + "y1", call="y1", extra="Require: 100rel, foo\r\n", body=SDP)),
        ms(30, response(420, "Bad Extension", "INVITE", B + "y1", call="y1", extra="Unsupported: foo\r\n")),
        ms(30, request("INVITE", B + "y2", call="y1", cseq=2, extra="Require: foo\r\n", body=SDP)),
        ms(0, request("MESSAGE", B + "z1", call="z1", body="x" * 300)),
        ms(30, response(413, "Request Entity Too Large", "MESSAGE", B + "z1", call="z1")),
        ms(30, request("MESSAGE", B + "z2", call="z1", cseq=2, body="x" * 300)),
        ms(0, request("SUBSCRIBE", B + "w1", call="w1", uri="tel:+15551234")),
        ms(30, response(416, "Unsupported URI Scheme", "SUBSCRIBE", B + "w1", call="w1")),
        ms(0, request("INVITE", B + "v1", call="v1", extra="Proxy-Require: foo\r\n", body=SDP)),
        ms(30, response(407, "Proxy Authentication Required", "INVITE", B + "v1", call="v1",
                        extra='Proxy-Authenticate: Digest realm="proxy", nonce="p"\r\n')),
        ms(10, request("ACK", B + "v1", call="v1", to_tag="b1")),
        ms(30, request("INVITE", B + "v2", call="v1", cseq=2, body=SDP, extra=(
            'Proxy-Authorization: Digest username="a", realm="proxy", nonce="p", uri="sip:bob@example.com", '
            'response="2"\r\n'))),
        ms(0, request("OPTIONS", B + "u1", call="u1", extra="Max-Forwards: 0\r\n")),
        ms(30, response(483, "Too Many Hops", "OPTIONS", B + "u1", call="u1")),
        ms(0, request("PUBLISH", B + "t1", call="t1")),
        ms(30, response(405, "Method Not Allowed", "PUBLISH", B + "t1", call="t1",
                        extra="Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\r\n")),
        ms(30, request("PUBLISH", B + "t2", call="t1", cseq=2)),
        ms(30, request("INVITE", B + "s1", call="s1")),
        ms(30, response(400, "Bad Request", "INVITE", B + "s1", call="s1")),
    ])

    # The limits: one open transaction per call and two in all.
    out["limits"] = seq(header(total=2, per_call=1, dialogs=1), [
        ms(0, request("INVITE", B + "l1", call="lim", body=SDP)),
        ms(1, request("OPTIONS", B + "l2", call="lim")),
        ms(1, request("OPTIONS", B + "l3", call="lim2")),
        ms(1, request("OPTIONS", B + "l4", call="lim3")),
        ms(20, response(404, "Not Found", "OPTIONS", B + "l2", call="lim")),
        ms(20, response(404, "Not Found", "OPTIONS", B + "l4", call="lim3")),
        ms(20, response(486, "Busy Here", "INVITE", B + "l1", call="lim")),
        ms(20, response(404, "Not Found", "OPTIONS", B + "l3", call="lim2")),
        ms(20, request("INVITE", B + "l5", call="lim", cseq=2, body=SDP)),
        Rec(request("OPTIONS", B + "l6", call="lim4"), WINDOW, W[33], 0),
    ])

    # Cut captures: a request and a 4xx each missing their end.
    full = request("INVITE", B + "cut1", call="cut", body=SDP)
    out["cut"] = seq(header(), [
        ms(0, full[:len(full) // 2], cut=True),
        ms(30, response(400, "Bad Request", "INVITE", B + "cut1", call="cut")[:90], cut=True),
        ms(30, request("INVITE", B + "cut2", call="cut", cseq=2, body=SDP)[:-20], cut=True, stream=True),
        ms(30, response(400, "Bad Request", "INVITE", B + "cut2", call="cut", cseq=2)),
        ms(30, request("INVITE", B + "cut3", call="cut", cseq=3, body=SDP), cut=True),
    ])

    # An INVITE kept Proceeding past 64*T1 by provisional responses (Timer C).
    out["proceeding"] = seq(header(start=3, high_frame=True), [
        ms(0, request("INVITE", B + "p1", call="pr", body=SDP)),
        ms(50, response(180, "Ringing", "INVITE", B + "p1", call="pr")),
        Rec(response(183, "Session Progress", "INVITE", B + "p1", call="pr"), WINDOW, W[179], 0),
        Rec(response(480, "Temporarily Unavailable", "INVITE", B + "p1", call="pr"), WINDOW, W[179], 0),
        ms(10, request("ACK", B + "p1", call="pr", to_tag="b1")),
        ms(10, request("INVITE", B + "p2", call="pr", cseq=2, body=SDP)),
        Rec(response(480, "Temporarily Unavailable", "INVITE", B + "p2", call="pr", cseq=2), WINDOW, W[33], 0),
        Rec(request("INVITE", B + "p3", call="pr", cseq=3, body=SDP), MS, 0, 0, gap=2),
    ])

    # A dialog and open transactions, then an hour of silence: only the
    # dialog is kept.
    out["quiet-gap"] = seq(header(dialogs=2), [
        ms(0, request("INVITE", B + "q1", call="q1", body=SDP)),
        ms(80, response(200, "OK", "INVITE", B + "q1", call="q1")),
        ms(10, request("ACK", B + "q1a", call="q1", to_tag="b1")),
        ms(10, request("OPTIONS", B + "q2", call="q2")),
        ms(10, response(404, "Not Found", "OPTIONS", B + "q2", call="q2")),
        ms(10, request("INVITE", B + "q3", call="q3", body=SDP)),
        ms(10, response(180, "Ringing", "INVITE", B + "q3", call="q3")),
        Rec(request("CANCEL", B + "q4", call="q4"), WINDOW, W[3600], 0),
        Rec(request("BYE", B + "q5", call="q1", cseq=2, to_tag="b1"), WINDOW, W[86400], 0),
        ms(10, response(200, "OK", "BYE", B + "q5", call="q1", cseq=2)),
    ])

    # RFC 2543 transactions (no magic cookie): keyed by Call-ID, tags, CSeq.
    out["rfc2543"] = seq(header(), [
        ms(0, request("OPTIONS", "old1", call="o2543")),
        ms(30, response(404, "Not Found", "OPTIONS", "old1", call="o2543")),
        ms(30, request("OPTIONS", "old1", call="o2543", cseq=2)),
        ms(30, response(404, "Not Found", "OPTIONS", "old1", call="o2543", cseq=2)),
        ms(0, "OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n"),
        ms(0, "SIP/2.0 404 Not Found\r\nCSeq: 1 OPTIONS\r\n\r\n"),
    ])
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(outdir, "seed-" + name), "wb") as f:
            f.write(data)
    print(f"{len(seeds())} seeds written to {outdir}")


if __name__ == "__main__":
    main()
