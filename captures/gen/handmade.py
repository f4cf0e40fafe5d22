#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Regenerate the hand-made edge-case captures in captures/.

    python3 captures/gen/handmade.py            # write captures/handmade_*.pcap
    python3 captures/gen/handmade.py --list     # frame index of every capture
    python3 captures/gen/handmade.py --print    # every message as text

Each SIP message is written below as readable text (one header per line,
"\\n" line ends); sip() turns it into wire bytes with CRLF line ends (or
bare LF where a case says so). Each capture is a list of frames; a frame
is one UDP datagram, one TCP segment (which may hold several messages,
or part of one) or one SCTP DATA chunk. The frames are turned into
text2pcap's hex-dump input and text2pcap adds dummy Ethernet/IP/UDP|TCP|SCTP
headers (but for
handmade_fragments, whose IP fragments are whole frames built here). All
SIP is on port 5060, but for handmade_websocket, on HTTP's port 80 so that
Wireshark sees the Upgrade to WebSocket. The direction of a frame (client->server "O" or server->client "I")
is given to text2pcap with -D, which swaps addresses and ports for "O".
Frames are 0.1 s apart unless a builder gives each its own time (a 4th
element: handmade_exchange, where the 491 back-off is judged on the gaps).

The expected sip4xx output for each capture is written by hand in
tests/capture/<name>.expect; --list prints the frame numbers those files
refer to. Standard library only; needs text2pcap (Wireshark 4.x) on PATH.
"""

import datetime
import gzip
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.dirname(HERE)  # captures/

SERVER4, CLIENT4 = "192.0.2.10", "192.0.2.20"
SERVER6, CLIENT6 = "2001:db8::10", "2001:db8::20"
CLIENT_TCP_PORT = 40000

# Fixed timestamps keep the output byte-for-byte reproducible.
BASE_TIME = "2024-01-01 00:00:{:02d}.{:06d}"
BASE_DATETIME = datetime.datetime(2024, 1, 1)


# --------------------------------------------------------------------------
# Message text -> bytes


def sip(text, body="", eol="\r\n", end=True):
    """Readable message text -> wire bytes.

    text: start line and header lines, "\\n"-separated (leading newline and
    common indentation are removed). Lines beginning with SP/HT are folded
    continuation lines and are kept as written. Every line, the last one
    included, gets `eol`; then, if `end`, the empty line that ends the
    header section; then the body. "{CL}" in the text is replaced by the
    body length in bytes.
    """
    text = textwrap.dedent(text).strip("\n")
    if isinstance(body, str):
        body = body.replace("\n", eol).encode("utf-8")
    text = text.replace("{CL}", str(len(body)))
    lines = text.split("\n")
    head = eol.join(lines) + eol
    if end:
        head += eol
    return head.encode("utf-8") + body


# A complete request and a complete response: every header RFC 3261 makes
# mandatory is there. {extra} is where case-specific header lines go.
REQUEST = """\
{method} {ruri} SIP/2.0
Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK{n:04d}
Max-Forwards: 70
From: "Alice" <sip:alice@example.com>;tag=a{n:04d}
To: "Bob" <sip:bob@example.com>{totag}
Call-ID: {n:04d}-handmade@192.0.2.20
CSeq: {cseq} {method}
Contact: <sip:alice@192.0.2.20:5060>
{extra}Content-Length: {{CL}}
"""

RESPONSE = """\
SIP/2.0 {code} {reason}
Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK{n:04d};received=192.0.2.20
From: "Alice" <sip:alice@example.com>;tag=a{n:04d}
To: "Bob" <sip:bob@example.com>;tag=b{n:04d}
Call-ID: {n:04d}-handmade@192.0.2.20
CSeq: {cseq} {method}
{extra}Content-Length: {{CL}}
"""

# Header lines every request of a method needs beyond RFC 3261 §8.1.1, so
# that no request here is flagged for something it is not about.
METHOD_EXTRA = {
    "SUBSCRIBE": "Event: presence\nExpires: 3600\n",            # RFC 6665 §7.2.1
    "PUBLISH": "Event: presence\nSIP-If-Match: dx200xyz\nExpires: 3600\n",  # RFC 3903
    "REFER": "Refer-To: <sip:carol@example.com>\n",             # RFC 3515 §2.4.1
    "INFO": "Info-Package: foo-pkg\n",                          # RFC 6086 §4.2.1
}
IN_DIALOG = {"BYE", "INFO"}


def _lines(extra):
    extra = textwrap.dedent(extra).strip("\n")
    return extra + "\n" if extra else ""


def _drop(text, drop):
    """Remove the header lines whose name (before ':') is in drop."""
    if not drop:
        return text
    names = {d.lower() for d in drop}
    return "\n".join(l for l in text.split("\n")
                     if l.split(":", 1)[0].strip().lower() not in names)


def request_text(method, n, extra="", drop=(), ruri=None, cseq=1, totag=None):
    if ruri is None:
        ruri = "sip:example.com" if method == "REGISTER" else "sip:bob@example.com"
    if totag is None:
        totag = method in IN_DIALOG
    text = REQUEST.format(method=method, ruri=ruri, n=n, cseq=cseq,
                          totag=";tag=b{:04d}".format(n) if totag else "",
                          extra=METHOD_EXTRA.get(method, "") + _lines(extra))
    return _drop(text, drop)


def response_text(code, reason, method, n, extra="", drop=(), cseq=1):
    text = RESPONSE.format(code=code, reason=reason, method=method, n=n,
                           cseq=cseq, extra=_lines(extra))
    return _drop(text, drop)


def request(method, n, extra="", drop=(), body="", **kw):
    return sip(request_text(method, n, extra, drop, **kw), body)


def response(code, reason, method, n, extra="", drop=(), body="", **kw):
    return sip(response_text(code, reason, method, n, extra, drop, **kw), body)


def tcp(msg):
    """A message built from the templates, with Via over TCP."""
    return msg.replace(b"SIP/2.0/UDP", b"SIP/2.0/TCP")


# --------------------------------------------------------------------------
# handmade_codes: every IANA-registered 4xx, each answering its request.
# (code, reason, method of the request, extra headers of the response,
# extra headers of the request)

CODES = [
    (400, "Bad Request", "INVITE", "", ""),
    (401, "Unauthorized", "REGISTER",
     'WWW-Authenticate: Digest realm="example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", algorithm=MD5, qop="auth"', ""),
    (402, "Payment Required", "INVITE", "", ""),
    (403, "Forbidden", "INVITE", "", ""),
    (404, "Not Found", "INVITE", "", ""),
    (405, "Method Not Allowed", "PUBLISH",
     "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS", ""),
    (406, "Not Acceptable", "INVITE", "", "Accept: application/x-private"),
    (407, "Proxy Authentication Required", "INVITE",
     'Proxy-Authenticate: Digest realm="example.com", nonce="4a5c1b7f0e2d", algorithm=MD5, qop="auth"', ""),
    (408, "Request Timeout", "INVITE", "", ""),
    (410, "Gone", "INVITE", "", ""),
    (412, "Conditional Request Failed", "PUBLISH", "", ""),
    (413, "Request Entity Too Large", "MESSAGE", "Retry-After: 60", ""),
    (414, "Request-URI Too Long", "INVITE", "", ""),
    (415, "Unsupported Media Type", "MESSAGE", "Accept: text/plain", ""),
    (416, "Unsupported URI Scheme", "INVITE", "", ""),
    (417, "Unknown Resource-Priority", "INVITE",
     "Accept-Resource-Priority: dsn.flash, dsn.routine",
     "Require: resource-priority\nResource-Priority: foo.bar"),
    (420, "Bad Extension", "INVITE", "Unsupported: foo", "Require: foo"),
    (421, "Extension Required", "INVITE", "Require: 100rel", ""),
    (422, "Session Interval Too Small", "INVITE", "Min-SE: 1800",
     "Supported: timer\nSession-Expires: 90"),
    (423, "Interval Too Brief", "REGISTER", "Min-Expires: 3600", "Expires: 60"),
    (424, "Bad Location Information", "INVITE",
     'Geolocation-Error: 100 ;description="Cannot Process Location"',
     "Geolocation: <https://lis.example.com/alice>\nGeolocation-Routing: yes"),
    (425, "Bad Alert Message", "INVITE",
     'AlertMsg-Error: 100 ;description="Cannot process the alert payload"', ""),
    (428, "Use Identity Header", "INVITE", "", ""),
    (429, "Provide Referrer Identity", "REFER", "", ""),
    (430, "Flow Failed", "INVITE", "", ""),
    (433, "Anonymity Disallowed", "INVITE", "", ""),
    (436, "Bad Identity Info", "INVITE", "", ""),
    (437, "Unsupported Credential", "INVITE", "", ""),
    (438, "Invalid Identity Header", "INVITE", "", ""),
    (439, "First Hop Lacks Outbound Support", "REGISTER", "", "Supported: outbound"),
    (440, "Max-Breadth Exceeded", "INVITE", "", "Max-Breadth: 1"),
    (469, "Bad Info Package", "INFO", "Recv-Info: bar-pkg", ""),
    (470, "Consent Needed", "MESSAGE", "Permission-Missing: <sip:carol@example.com>", ""),
    (480, "Temporarily Unavailable", "INVITE", "", ""),
    (481, "Call/Transaction Does Not Exist", "BYE", "", ""),
    (482, "Loop Detected", "INVITE", "", ""),
    (483, "Too Many Hops", "INVITE", "", ""),
    (484, "Address Incomplete", "INVITE", "", ""),
    (485, "Ambiguous", "INVITE", "", ""),
    (486, "Busy Here", "INVITE", "", ""),
    (487, "Request Terminated", "INVITE", "", ""),
    (488, "Not Acceptable Here", "INVITE",
     'Warning: 305 bob.example.com "Incompatible media format"', ""),
    (489, "Bad Event", "SUBSCRIBE", "Allow-Events: presence, dialog", ""),
    (491, "Request Pending", "INVITE", "", ""),
    (493, "Undecipherable", "INVITE", "", ""),
    (494, "Security Agreement Required", "REGISTER",
     "Security-Server: ipsec-ike;q=0.1\nRequire: sec-agree",
     "Require: sec-agree\nProxy-Require: sec-agree\nSecurity-Client: ipsec-ike"),
    # Not in the IANA registry:
    (409, "Conflict", "INVITE", "", ""),
    (478, "Unresolvable Destination", "INVITE", "", ""),
    # Registered code, reason phrase of our own (RFC 3261 §21: the phrase is free text):
    (405, "Nope", "PUBLISH", "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS", ""),
]


def build_codes():
    frames = []
    for i, (code, reason, method, rextra, qextra) in enumerate(CODES, 1):
        n = 1000 + i
        frames.append(("O", request(method, n, qextra),
                       "{} request answered by the next frame".format(method)))
        frames.append(("I", response(code, reason, method, n, rextra),
                       "{} {}".format(code, reason)))
    return frames


# --------------------------------------------------------------------------
# handmade_obligations: each obligation met, then not met.

# (code, reason, method, header line that meets the obligation)
OBLIGATIONS = [
    (401, "Unauthorized", "REGISTER",
     'WWW-Authenticate: Digest realm="example.com", nonce="ea9c8e88df84", algorithm=MD5'),
    (405, "Method Not Allowed", "PUBLISH", "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS"),
    (407, "Proxy Authentication Required", "INVITE",
     'Proxy-Authenticate: Digest realm="example.com", nonce="4a5c1b7f0e2d", algorithm=MD5'),
    (415, "Unsupported Media Type", "MESSAGE", "Accept: text/plain"),
    (415, "Unsupported Media Type", "MESSAGE", "Accept-Encoding: gzip"),
    (415, "Unsupported Media Type", "MESSAGE", "Accept-Language: en"),
    (420, "Bad Extension", "INVITE", "Unsupported: foo"),
    (421, "Extension Required", "INVITE", "Require: 100rel"),
    (422, "Session Interval Too Small", "INVITE", "Min-SE: 1800"),
    (423, "Interval Too Brief", "REGISTER", "Min-Expires: 3600"),
    (469, "Bad Info Package", "INFO", "Recv-Info: bar-pkg"),
    (494, "Security Agreement Required", "REGISTER", "Security-Server: ipsec-ike;q=0.1"),
    (413, "Request Entity Too Large", "MESSAGE", "Retry-After: 60"),
    (488, "Not Acceptable Here", "INVITE", 'Warning: 305 bob.example.com "Incompatible media format"'),
    (470, "Consent Needed", "MESSAGE", "Permission-Missing: <sip:carol@example.com>"),
    (489, "Bad Event", "SUBSCRIBE", "Allow-Events: presence, dialog"),
    (417, "Unknown Resource-Priority", "INVITE", "Accept-Resource-Priority: dsn.flash, dsn.routine"),
    (424, "Bad Location Information", "INVITE", 'Geolocation-Error: 100 ;description="Cannot Process Location"'),
    (425, "Bad Alert Message", "INVITE", 'AlertMsg-Error: 100 ;description="Cannot process the alert payload"'),
]


def build_obligations():
    frames = []
    n = 2000
    for code, reason, method, line in OBLIGATIONS:
        n += 1
        frames.append(("I", response(code, reason, method, n, line),
                       "{} with {}".format(code, line.split(":")[0])))
        if code == 415:
            # Any one of the three satisfies the rule: after the three 415s
            # that carry one each, one 415 that carries none.
            if line.startswith("Accept-Language"):
                n += 1
                frames.append(("I", response(415, reason, method, n),
                               "415 WITHOUT Accept, Accept-Encoding and Accept-Language"))
            continue
        n += 1
        frames.append(("I", response(code, reason, method, n),
                       "{} WITHOUT {}".format(code, line.split(":")[0])))

    # Responses lacking one RFC 3261 §8.2.6 / §8.2.6.2 header each.
    for h in ["Via", "From", "To", "Call-ID", "CSeq"]:
        n += 1
        frames.append(("I", response(486, "Busy Here", "INVITE", n, drop=[h]),
                       "486 WITHOUT " + h))
    n += 1
    frames.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK2101;received=192.0.2.20
        From: "Alice" <sip:alice@example.com>;tag=a2101
        To: "Bob" <sip:bob@example.com>
        Call-ID: 2101-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with To but no tag"))
    frames.append(("I", sip("""
        SIP/2.0 100 Trying
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK2102;received=192.0.2.20
        From: "Alice" <sip:alice@example.com>;tag=a2102
        To: "Bob" <sip:bob@example.com>
        Call-ID: 2102-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "100 Trying without To tag (allowed)"))
    frames.append(("I", sip("""
        SIP/2.0 100 Trying
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK2103;received=192.0.2.20
        From: "Alice" <sip:alice@example.com>;tag=a2103
        Call-ID: 2103-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "100 Trying WITHOUT To"))
    n = 2110
    frames.append(("I", response(405, "Method Not Allowed", "PUBLISH", n, drop=["Via"]),
                   "405 WITHOUT Via and WITHOUT Allow"))

    # Requests lacking one RFC 3261 §8.1.1 header each.
    for h in ["Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards"]:
        n += 1
        frames.append(("O", request("INVITE", n, drop=[h]), "INVITE WITHOUT " + h))
    n += 1
    frames.append(("O", request("INVITE", n, drop=["Contact"]),
                   "INVITE WITHOUT Contact"))
    n += 1
    frames.append(("O", request("OPTIONS", n, drop=["Contact"]),
                   "OPTIONS without Contact (allowed)"))

    # RFC 3261 §20.15: "The Content-Type header field MUST be present if
    # the body is not empty." A body declared by Content-Length, or, with
    # no Content-Length on UDP, the bytes after the empty line (§18.3).
    n = 2130
    text = "Hello, Bob.\n"
    frames.append(("O", request("MESSAGE", n, extra="Content-Type: text/plain", body=text),
                   "MESSAGE with a body and Content-Type"))
    n += 1
    frames.append(("O", request("MESSAGE", n, body=text),
                   "MESSAGE with a body WITHOUT Content-Type"))
    n += 1
    frames.append(("O", request("MESSAGE", n),
                   "MESSAGE without a body or Content-Type (Content-Length: 0, allowed)"))
    n += 1
    frames.append(("O", request("MESSAGE", n, drop=["Content-Length"], body=text),
                   "MESSAGE with a body WITHOUT Content-Type or Content-Length (UDP)"))
    n += 1
    frames.append(("O", request("MESSAGE", n, drop=["Content-Length"], body="\n"),
                   "MESSAGE WITHOUT Content-Type or Content-Length, one empty line after its header section"))
    n += 1
    frames.append(("I", response(200, "OK", "OPTIONS", n, body=SDP),
                   "200 to OPTIONS with an SDP body WITHOUT Content-Type"))
    return frames



# --------------------------------------------------------------------------
# handmade_forms: valid messages in unusual forms. None may be flagged
# "missing" for a header it has.

SDP = """\
v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.20
s=-
c=IN IP4 192.0.2.20
t=0 0
m=audio 49170 RTP/AVP 0
a=rtpmap:0 PCMU/8000
"""


def build_forms():
    f = []
    f.append(("O", sip("""
        INVITE sip:bob@example.com SIP/2.0
        v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3001
        Max-Forwards: 70
        f: "Alice" <sip:alice@example.com>;tag=a3001
        t: "Bob" <sip:bob@example.com>
        i: 3001-handmade@192.0.2.20
        CSeq: 1 INVITE
        m: <sip:alice@192.0.2.20:5060>
        k: timer
        x: 1800
        c: application/sdp
        e: identity
        l: {CL}
        """, SDP), "INVITE in compact form (v f t i m k x c e l)"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3001;received=192.0.2.20
        f: "Alice" <sip:alice@example.com>;tag=a3001
        t: "Bob" <sip:bob@example.com>;tag=b3001
        i: 3001-handmade@192.0.2.20
        CSeq: 1 INVITE
        l: 0
        """), "486 in compact form (v f t i l)"))
    f.append(("O", sip("""
        SUBSCRIBE sip:bob@example.com SIP/2.0
        v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3002
        Max-Forwards: 70
        f: <sip:alice@example.com>;tag=a3002
        t: <sip:bob@example.com>
        i: 3002-handmade@192.0.2.20
        CSeq: 1 SUBSCRIBE
        m: <sip:alice@192.0.2.20:5060>
        o: foo
        u: presence
        Expires: 3600
        l: 0
        """), "SUBSCRIBE in compact form (o u)"))
    f.append(("I", sip("""
        SIP/2.0 489 Bad Event
        v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3002;received=192.0.2.20
        f: <sip:alice@example.com>;tag=a3002
        t: <sip:bob@example.com>;tag=b3002
        i: 3002-handmade@192.0.2.20
        CSeq: 1 SUBSCRIBE
        u: presence, dialog
        l: 0
        """), "489 with Allow-Events in compact form u:"))
    f.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        Via  : SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3003;received=192.0.2.20
        From\t: <sip:alice@example.com>;tag=a3003
        To : <sip:bob@example.com>;tag=b3003
        Call-ID : 3003-handmade@192.0.2.20
        CSeq \t: 1 PUBLISH
        Allow   : INVITE, ACK, CANCEL, BYE, OPTIONS
        Content-Length : 0
        """), "405 with whitespace before every colon"))
    f.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        VIA: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3004;received=192.0.2.20
        from: <sip:alice@example.com>;tag=a3004
        tO: <sip:bob@example.com>;tag=b3004
        CALL-ID: 3004-handmade@192.0.2.20
        cseq: 1 PUBLISH
        ALLOW: INVITE, ACK, CANCEL, BYE, OPTIONS
        content-LENGTH: 0
        """), "405 with upper/lower/mixed-case header names"))
    f.append(("O", sip("""
        INVITE sip:bob@example.com SIP/2.0
        via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3005
        mAx-FoRwArDs: 70
        FROM: <sip:alice@example.com>;tag=a3005
        to: <sip:bob@example.com>
        call-id: 3005-handmade@192.0.2.20
        cSeQ: 1 INVITE
        CONTACT: <sip:alice@192.0.2.20:5060>
        content-length: 0
        """), "INVITE with lower/mixed-case header names"))
    f.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3006;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3006
        To: <sip:bob@example.com>;tag=b3006
        Call-ID: 3006-handmade@192.0.2.20
        CSeq: 1 PUBLISH
        Allow: INVITE,
         ACK,
        \tCANCEL, BYE
        Content-Length: 0
        """), "405 with Allow folded over three lines"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3007;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3007
        To: "Bob"
          <sip:bob@example.com>
          ;tag=b3007
        Call-ID: 3007-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with To folded, tag on a continuation line"))
    f.append(("O", sip("""
        INVITE sip:bob@example.com SIP/2.0
        Via:
         SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3008
        Max-Forwards:
        \t70
        From: <sip:alice@example.com>;tag=a3008
        To: <sip:bob@example.com>
        Call-ID:
         3008-handmade@192.0.2.20
        CSeq: 1
         INVITE
        Contact: <sip:alice@192.0.2.20:5060>
        Content-Length: 0
        """), "INVITE whose Via, Max-Forwards, Call-ID values start on a continuation line"))
    f.append(("O", sip("""
        OPTIONS sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3009
        Max-Forwards: 70
        From: <sip:alice@example.com>;tag=a3009
        To: <sip:bob@example.com>
        Call-ID: 3009-handmade@192.0.2.20
        CSeq: 1 OPTIONS
        Subject:
        Supported:
        Accept:
        Content-Length: 0
        """), "OPTIONS with empty Subject, Supported, Accept"))
    f.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3010;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3010
        To: <sip:bob@example.com>;tag=b3010
        Call-ID: 3010-handmade@192.0.2.20
        CSeq: 1 PUBLISH
        Allow:
        Content-Length: 0
        """), "405 with an empty Allow (present: no method allowed)"))
    f.append(("O", sip("""
        INVITE sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3011
        Max-Forwards: 70
        From: <sip:alice@example.com>;tag=a3011
        To: <sip:bob@example.com>
        Call-ID: 3011-handmade@192.0.2.20
        CSeq: 1 INVITE
        Contact: <sip:alice@192.0.2.20:5060>
        Content-Type: application/sdp
        Content-Length: {CL}
        """, SDP, eol="\n"), "INVITE with bare-LF line ends and an SDP body"))
    f.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3012;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3012
        To: <sip:bob@example.com>;tag=b3012
        Call-ID: 3012-handmade@192.0.2.20
        CSeq: 1 PUBLISH
        Allow: INVITE, ACK, CANCEL, BYE, OPTIONS
        Content-Length: 0
        """, eol="\n"), "405 with bare-LF line ends"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3013;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3013
        To: <sip:bob@example.com>;TAG=abc
        Call-ID: 3013-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with ;TAG=abc (parameter names are case-insensitive)"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3014;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3014
        To: <sip:bob@example.com;tag=abc>
        Call-ID: 3014-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with ;tag= INSIDE <...>: a URI parameter, not a To tag"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3015;received=192.0.2.20
        From: sip:alice@example.com;tag=a3015
        To: sip:bob@example.com;tag=abc
        Call-ID: 3015-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with To as addr-spec without <>: ;tag= is a header parameter"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3016;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3016
        To: "Bob;tag=abc" <sip:bob@example.com>
        Call-ID: 3016-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with ;tag= only inside the quoted display name: no To tag"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3017;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3017
        To: <sip:bob@example.com> ; foo=bar ; tag = abc
        Call-ID: 3017-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with To ' ; tag = abc' (SEMI and EQUAL allow whitespace)"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3018;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3018
        To: <sip:bob@example.com>;mytag=abc
        Call-ID: 3018-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with To ;mytag=abc only: not a tag parameter"))
    f.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3019;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3019
        To: <sip:bob@example.com>;tag=b3019
        Call-ID: 3019-handmade@192.0.2.20
        CSeq: 1 PUBLISH
        Allow-Events: presence
        Content-Length: 0
        """), "405 with Allow-Events but no Allow (prefix is not the header)"))
    f.append(("I", sip("""
        SIP/2.0 404{SP}
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK3020;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a3020
        To: <sip:bob@example.com>;tag=b3020
        Call-ID: 3020-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """.replace("{SP}", " ")), "404 with an empty Reason-Phrase ('SIP/2.0 404 ')"))
    return f


# --------------------------------------------------------------------------
# handmade_tcp: stream transport.


def build_tcp():
    f = []
    f.append(("O", tcp(request("INVITE", 4001)), "INVITE A"))
    f.append(("I", tcp(sip("""
        SIP/2.0 100 Trying
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK4001;received=192.0.2.20
        From: "Alice" <sip:alice@example.com>;tag=a4001
        To: "Bob" <sip:bob@example.com>
        Call-ID: 4001-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """) + response(486, "Busy Here", "INVITE", 4001)),
        "one segment: 100 Trying + 486 Busy Here (to A)"))
    f.append(("O", tcp(sip("""
        ACK sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK4001
        Max-Forwards: 70
        From: "Alice" <sip:alice@example.com>;tag=a4001
        To: "Bob" <sip:bob@example.com>;tag=b4001
        Call-ID: 4001-handmade@192.0.2.20
        CSeq: 1 ACK
        Content-Length: 0
        """)), "ACK for the 486"))
    f.append(("O", tcp(request("INVITE", 4002) + request("OPTIONS", 4003)),
              "one segment: INVITE B + OPTIONS C"))
    f.append(("I", tcp(response(404, "Not Found", "INVITE", 4002)
                       + response(480, "Temporarily Unavailable", "OPTIONS", 4003)),
              "one segment: 404 (to B) + 480 (to C)"))
    f.append(("O", tcp(request("MESSAGE", 4004, body="hello\n",
                               extra="Content-Type: text/x-unknown")
                       + request("REGISTER", 4005)),
              "one segment: MESSAGE D + REGISTER E"))
    f.append(("I", tcp(response(415, "Unsupported Media Type", "MESSAGE", 4004,
                                "Accept: text/plain")
                       + response(401, "Unauthorized", "REGISTER", 4005)),
              "one segment: 415 with Accept (to D) + 401 WITHOUT WWW-Authenticate (to E)"))
    f.append(("O", tcp(request("OPTIONS", 4006, drop=["Content-Length"])),
              "OPTIONS F WITHOUT Content-Length"))
    f.append(("I", tcp(response(405, "Method Not Allowed", "OPTIONS", 4006,
                                "Allow: INVITE, ACK, CANCEL, BYE",
                                drop=["Content-Length"])),
              "405 with Allow, WITHOUT Content-Length (to F)"))
    f.append(("O", tcp(sip("""
        INVITE sip:bob@example.com SIP/2.0
        v: SIP/2.0/TCP 192.0.2.20:40000;branch=z9hG4bK4007
        Max-Forwards: 70
        f: <sip:alice@example.com>;tag=a4007
        t: <sip:bob@example.com>
        i: 4007-handmade@192.0.2.20
        CSeq: 1 INVITE
        m: <sip:alice@192.0.2.20:40000;transport=tcp>
        c: application/sdp
        l: {CL}
        """, SDP)), "INVITE G with compact Content-Length l: and SDP body"))
    split = tcp(response(488, "Not Acceptable Here", "INVITE", 4007,
                         'Warning: 305 bob.example.com "Incompatible media format"'))
    cut = split.index(b"Call-ID") + 4  # inside the header section
    f.append(("I", split[:cut], "488 (to G), first part: cut inside the Call-ID line"))
    f.append(("I", split[cut:], "488 (to G), second part: the message completes here"))
    f.append(("O", tcp(request("MESSAGE", 4008, body="hi\n",
                               extra="Content-Type: text/plain")), "MESSAGE H"))
    body = "This server does not accept MESSAGE.\n"
    split = tcp(response(405, "Method Not Allowed", "MESSAGE", 4008,
                         "Content-Type: text/plain", body=body))
    cut = len(split) - 10  # inside the body
    f.append(("I", split[:cut], "405 WITHOUT Allow (to H), first part: headers + most of the body"))
    f.append(("I", split[cut:], "405 WITHOUT Allow (to H), last 10 body bytes: completes here"))
    return f


# --------------------------------------------------------------------------
# handmade_ipv6


def build_ipv6():
    req = sip("""
        PUBLISH sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP [2001:db8::20]:5060;branch=z9hG4bK5001
        Max-Forwards: 70
        From: <sip:alice@example.com>;tag=a5001
        To: <sip:bob@example.com>
        Call-ID: 5001-handmade@[2001:db8::20]
        CSeq: 1 PUBLISH
        Contact: <sip:alice@[2001:db8::20]:5060>
        Event: presence
        SIP-If-Match: dx200xyz
        Expires: 3600
        Content-Length: 0
        """)
    resp = sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/UDP [2001:db8::20]:5060;branch=z9hG4bK5001;received=2001:db8::20
        From: <sip:alice@example.com>;tag=a5001
        To: <sip:bob@example.com>;tag=b5001
        Call-ID: 5001-handmade@[2001:db8::20]
        CSeq: 1 PUBLISH
        Content-Length: 0
        """)
    return [("O", req, "PUBLISH over IPv6"),
            ("I", resp, "405 WITHOUT Allow over IPv6")]


# --------------------------------------------------------------------------
# handmade_sctp: SIP over SCTP (RFC 4168), one message per DATA chunk
# (payload protocol identifier 0, §5), found by Wireshark's SIP-over-SCTP
# heuristic. RFC 4168 §3.2: "SCTP is message-based, as opposed to TCP,
# which is stream-based", and message-based protocols need no boundaries
# "(typically using Content-Length headers)" between messages; RFC 3261
# §18.3 requires Content-Length "with stream oriented transports". So no
# message here is flagged for lacking Content-Length, while everything
# else a message needs still applies.


def build_sctp():
    F = []
    opt = Tx("OPTIONS", "sc01@192.0.2.20", "a1", 1, "z9hG4bKsc01", via="192.0.2.20:5060", tp="SCTP",
             contact=None, drop=("Content-Length",))
    F.append(("O", opt.request(), "OPTIONS without Content-Length"))
    F.append(("I", sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/SCTP 192.0.2.20:5060;branch=z9hG4bKsc01;received=192.0.2.20
        From: "Alice" <sip:alice@example.com>;tag=a1
        To: "Bob" <sip:bob@example.com>;tag=ba1
        Call-ID: sc01@192.0.2.20
        CSeq: 1 OPTIONS
        Allow: INVITE, ACK, BYE
        """), "405 with Allow, without Content-Length"))
    pub = Tx("PUBLISH", "sc02@192.0.2.20", "a2", 1, "z9hG4bKsc02", via="192.0.2.20:5060", tp="SCTP",
             contact=None, extra="Event: presence\nExpires: 3600\nContent-Type: application/pidf+xml",
             body='<?xml version="1.0"?><presence entity="sip:alice@example.com"/>\n')
    F.append(("O", pub.request(), "PUBLISH with a body and Content-Length"))
    F.append(("I", pub.response(405, "Method Not Allowed"), "405 WITHOUT Allow"))
    msg = Tx("MESSAGE", "sc03@192.0.2.20", "a3", 1, "z9hG4bKsc03", via="192.0.2.20:5060", tp="SCTP",
             contact=None, body="hello over SCTP\n")
    F.append(("O", msg.request(), "MESSAGE with a body and Content-Length, WITHOUT Content-Type"))
    F.append(("I", msg.response(415, "Unsupported Media Type", "Accept: text/plain"), "415 with Accept"))
    return F


# --------------------------------------------------------------------------
# handmade_malformed: hostile input.


def build_malformed():
    f = []
    f.append(("I", sip("""
        SIP/2.0 4xx Bad
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6001;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6001
        To: <sip:bob@example.com>;tag=b6001
        Call-ID: 6001-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "status line 'SIP/2.0 4xx Bad'"))
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6002;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6002
        This line has no colon
        To: <sip:bob@example.com>;tag=b6002
        Call-ID: 6002-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "404 with a header line without colon"))
    f.append(("I", sip("""
        SIP/2.0 486 Busy Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6003;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6003
        To: <sip:bob@example.com>;tag=b6003
        Call-ID: 6003-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Type: text/plain
        Content-Length: 100
        """, "short body\n"), "486 with Content-Length 100, 11 body bytes (UDP)"))
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6004;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6004
        To: <sip:bob@example.com>;tag=b6004
        Call-ID: 6004-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: abc
        """), "404 with Content-Length: abc"))
    f.append(("I", sip("""
        SIP/2.0 480 Temporarily Unavailable
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6005;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6005
        To: <sip:bob@example.com>;tag=b6005
        Call-ID: 6005-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """, end=False), "480 without the empty line ending the header section"))
    many = "\n".join(["X-a: b"] * 3000)
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6006;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6006
        To: <sip:bob@example.com>;tag=b6006
        Call-ID: 6006-handmade@192.0.2.20
        CSeq: 1 INVITE
        {MANY}
        Content-Length: 0
        """.replace("{MANY}", many.replace("\n", "\n        "))),
        "404 with 3000 'X-a: b' header lines (mandatory headers first)"))
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6007;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6007
        To:
        Call-ID: 6007-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "404 with an empty To value"))
    long_id = "c" * 10240
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6008;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6008
        To: <sip:bob@example.com>;tag=b6008
        Call-ID: {LONG}@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """.replace("{LONG}", long_id)), "404 with a 10 kB Call-ID"))
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6009;received=192.0.2.20
        Subject: nul\x00here\x00\x00
        From: <sip:alice@example.com>;tag=a6009
        To: <sip:bob@example.com>;tag=b6009
        Call-ID: 6009-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "404 with NUL bytes in a Subject value (before From/To/Call-ID/CSeq)"))
    f.append(("I", sip("""
        SIP/2.0 4000 Bad Request
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6010;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6010
        To: <sip:bob@example.com>;tag=b6010
        Call-ID: 6010-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "status code 4000"))
    f.append(("O", sip("""
        INVITE sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6011
        Max-Forwards: 70
        From: <sip:alice@example.com>;tag=a6011
        To: <sip:bob@example.com>
        Garbage-without-colon
        Call-ID: 6011-handmade@192.0.2.20
        CSeq: 1 INVITE
        Contact: <sip:alice@192.0.2.20:5060>
        Content-Length: 0
        """), "INVITE with a header line without colon"))
    f.append(("O", sip("""
        INVITE sip:bob@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6012
        Max-Forwards: 70
        From: <sip:alice@example.com>;tag=a6012
        To: <sip:bob@example.com>
        Call-ID: 6012-handmade@192.0.2.20
        CSeq: 1 INVITE
        Contact: <sip:alice@192.0.2.20:5060>
        Content-Type: application/sdp
        Content-Length: 500
        """, SDP), "INVITE with Content-Length 500 > its SDP body (UDP)"))
    f.append(("I", sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK6013;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a6013
        To: <sip:bob@example.com>;tag=b6013
        Call-ID: 6013-handmade@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """, "trailing bytes after the body"),
        "404 with Content-Length 0 and trailing bytes in the datagram (discarded)"))
    return f


# --------------------------------------------------------------------------
# handmade_exchange: whole exchanges, for the correlation (request <-> 4xx,
# cause, the client's next attempt). Alice (192.0.2.20, "O") is the client,
# the server side (proxy, registrar or Bob, 192.0.2.10, "I") answers; in the
# glare calls Bob sends requests too. Every frame carries its own time
# (Frames.add(dt=...)): the 491 back-off is judged on the gap.

ALICE_NA = '"Alice" <sip:alice@example.com>'
BOB_NA = '"Bob" <sip:bob@example.com>'
ALICE_CONTACT = "<sip:alice@192.0.2.20:5060>"
BOB_CONTACT = "<sip:bob@192.0.2.10:5060>"

EX_SDP = """\
v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.20
s=-
c=IN IP4 192.0.2.20
t=0 0
m=audio 49170 RTP/AVP 0
a=rtpmap:0 PCMU/8000
"""

EX_SDP_BOB = EX_SDP.replace("alice 2890844526 2890844526", "bob 2808844564 2808844564") \
                   .replace("192.0.2.20", "192.0.2.10").replace("49170", "3456")


def sdp_version(sdp, v):
    """The same SDP with o= version v (a new offer in the session)."""
    return sdp.replace("2890844526 2890844526", "2890844526 {}".format(v)) \
              .replace("2808844564 2808844564", "2808844564 {}".format(v))


class Tx:
    """One request as sent, and the messages that belong to its
    transaction (responses, the ACK to a non-2xx, a CANCEL)."""

    def __init__(self, method, call, ftag, cseq, branch, ruri="sip:bob@example.com",
                 frm=ALICE_NA, to=BOB_NA, totag=None, via="192.0.2.20:5060", tp="UDP",
                 mf="70", contact=ALICE_CONTACT, extra="", drop=(), body="", resp_tag=None):
        self.method, self.call, self.ftag, self.cseq, self.branch = method, call, ftag, cseq, branch
        self.ruri, self.frm, self.to, self.totag = ruri, frm, to, totag
        self.via, self.tp, self.mf, self.contact = via, tp, mf, contact
        self.extra, self.drop, self.body = extra, drop, body
        # The tag the UAS puts in To (RFC 3261 §8.2.6.2): the dialog's, or one of its own.
        self.resp_tag = resp_tag or totag or "b" + ftag

    def _via(self):
        v = "Via: SIP/2.0/{} {}".format(self.tp, self.via)
        return v + (";branch=" + self.branch if self.branch else "")

    def _to(self, tag):
        return "To: " + self.to + (";tag=" + tag if tag else "")

    def _head(self, method, cseq_method, to_tag, mf=True, contact=True, extra="", drop=()):
        lines = ["{} {} SIP/2.0".format(method, self.ruri), self._via()]
        if mf:
            lines.append("Max-Forwards: " + str(self.mf))
        lines += ["From: {};tag={}".format(self.frm, self.ftag), self._to(to_tag),
                  "Call-ID: " + self.call, "CSeq: {} {}".format(self.cseq, cseq_method)]
        if contact and self.contact:
            lines.append("Contact: " + self.contact)
        lines += [l for l in _lines(extra).split("\n") if l]
        lines.append("Content-Length: {CL}")
        return _drop("\n".join(lines), drop)

    def request(self):
        return sip(self._head(self.method, self.method, self.totag, extra=self.extra, drop=self.drop),
                   self.body)

    def response(self, code, reason, extra="", body="", tag=True):
        """A response from the UAS: Via with received=, From, To (with the
        UAS's tag unless tag=False: 100 Trying), Call-ID, CSeq copied."""
        lines = ["SIP/2.0 {} {}".format(code, reason),
                 self._via() + ";received=" + self.via.split(":")[0],
                 "From: {};tag={}".format(self.frm, self.ftag),
                 self._to(self.resp_tag if tag else self.totag),
                 "Call-ID: " + self.call, "CSeq: {} {}".format(self.cseq, self.method)]
        lines += [l for l in _lines(extra).split("\n") if l]
        lines.append("Content-Length: {CL}")
        return sip("\n".join(lines), body)

    def ack(self):
        """ACK to a non-2xx final response: same branch, To with the
        response's tag, CSeq number of the INVITE (RFC 3261 §17.1.1.3)."""
        return sip(self._head("ACK", "ACK", self.resp_tag, contact=False))

    def cancel(self):
        """CANCEL: same Request-URI, Call-ID, From, To, branch and CSeq
        number as the INVITE, method CANCEL (RFC 3261 §9.1)."""
        return sip(self._head("CANCEL", "CANCEL", self.totag, contact=False))


def ack_2xx(inv, branch):
    """ACK to a 2xx: a transaction of its own, new branch (RFC 3261 §13.2.2.4)."""
    t = Tx("ACK", inv.call, inv.ftag, inv.cseq, branch, ruri=BOB_CONTACT[1:-1] if inv.frm == ALICE_NA
           else ALICE_CONTACT[1:-1], frm=inv.frm, to=inv.to, totag=inv.resp_tag, via=inv.via, tp=inv.tp)
    return sip(t._head("ACK", "ACK", inv.resp_tag, contact=False))


class Frames:
    """Frames with explicit times (microseconds from BASE_DATETIME)."""

    def __init__(self):
        self.f, self.t = [], 0

    def add(self, direction, data, desc, dt=0.02):
        self.t += int(round(dt * 1000000))
        self.f.append((direction, data, desc, self.t))
        return len(self.f)


def digest(header, user, realm, nonce, uri, response):
    return ('{}: Digest username="{}", realm="{}", nonce="{}", uri="{}", response="{}", '
            'algorithm=MD5'.format(header, user, realm, nonce, uri, response))


def challenge(header, realm, nonce, stale=False):
    return '{}: Digest realm="{}", nonce="{}", algorithm=MD5{}'.format(
        header, realm, nonce, ", stale=true" if stale else "")


def build_exchange():
    F = Frames()
    O, I = "O", "I"
    alice_ct = ALICE_CONTACT
    sdp = "Content-Type: application/sdp"

    # -- A 4xx whose request is not in the capture (capture started late).
    lost = Tx("INVITE", "ex01@192.0.2.20", "a01", 1, "z9hG4bKex01lost", extra=sdp, body=EX_SDP)
    F.add(I, lost.response(480, "Temporarily Unavailable"), "480 whose INVITE is not in the capture")
    F.add(O, lost.ack(), "ACK for that 480")

    # -- Three transactions in flight, answered out of order; one RFC 2543
    # style (Via without branch): matched by Call-ID, From tag, CSeq.
    c1 = Tx("INVITE", "ex02@192.0.2.20", "a02", 1, "z9hG4bKex02a", ruri="sip:carol@example.com",
            to='<sip:carol@example.com>', extra=sdp, body=EX_SDP)
    c2 = Tx("SUBSCRIBE", "ex03@192.0.2.20", "a03", 1, "z9hG4bKex03a", ruri="sip:dave@example.com",
            to='<sip:dave@example.com>', extra="Event: presence\nExpires: 3600\nAccept: application/pidf+xml")
    c3 = Tx("INVITE", "ex04@192.0.2.20", "a04", 1, None, ruri="sip:erin@example.com",
            to='<sip:erin@example.com>', extra=sdp, body=EX_SDP)
    F.add(O, c1.request(), "INVITE c1 (to carol)", dt=1.0)
    F.add(O, c2.request(), "SUBSCRIBE c2 (dave's presence)")
    F.add(O, c3.request(), "INVITE c3 (to erin), RFC 2543 Via: no branch")
    F.add(I, c1.response(100, "Trying", tag=False), "100 Trying (c1)")
    F.add(I, c2.response(489, "Bad Event", "Allow-Events: dialog, message-summary"), "489 (c2)")
    F.add(I, c3.response(486, "Busy Here"), "486 (c3), matched the RFC 2543 way")
    F.add(I, c1.response(480, "Temporarily Unavailable", "Retry-After: 5"), "480 with Retry-After: 5 (c1)")
    F.add(O, c3.ack(), "ACK (c3), no branch")
    F.add(O, c1.ack(), "ACK (c1)")

    # -- 483, and the 483 retransmitted because the ACK was late.
    h = Tx("INVITE", "ex05@192.0.2.20", "a05", 1, "z9hG4bKex05a", mf="0", extra=sdp, body=EX_SDP)
    F.add(O, h.request(), "INVITE with Max-Forwards: 0", dt=0.5)
    F.add(I, h.response(483, "Too Many Hops"), "483")
    F.add(I, h.response(483, "Too Many Hops"), "483 retransmitted (Timer G, 500 ms)", dt=0.5)
    F.add(O, h.ack(), "ACK")

    # -- 404; the MESSAGE retransmitted before it; then repeated unmodified.
    m1 = Tx("MESSAGE", "ex06@192.0.2.20", "a06", 1, "z9hG4bKex06a", ruri="sip:nobody@example.com",
            to="<sip:nobody@example.com>", contact=None, extra="Content-Type: text/plain", body="Hello?\n")
    F.add(O, m1.request(), "MESSAGE m1 to an unknown user", dt=0.5)
    F.add(O, m1.request(), "MESSAGE m1 retransmitted (Timer E, 500 ms)", dt=0.5)
    F.add(I, m1.response(404, "Not Found"), "404 (m1)")
    m2 = Tx("MESSAGE", m1.call, m1.ftag, 2, "z9hG4bKex06b", ruri=m1.ruri, to=m1.to, contact=None,
            extra=m1.extra, body=m1.body)
    F.add(O, m2.request(), "MESSAGE m2: same request again, CSeq 2", dt=1.0)
    F.add(I, m2.response(404, "Not Found"), "404 (m2)")

    # -- 403, then the same INVITE again.
    f1 = Tx("INVITE", "ex07@192.0.2.20", "a07", 1, "z9hG4bKex07a", ruri="sip:+15550100@example.com;user=phone",
            to="<sip:+15550100@example.com;user=phone>", extra=sdp, body=EX_SDP)
    F.add(O, f1.request(), "INVITE f1 to a barred number", dt=0.5)
    F.add(I, f1.response(403, "Forbidden"), "403 (f1)")
    F.add(O, f1.ack(), "ACK (f1)")
    f2 = Tx("INVITE", f1.call, f1.ftag, 2, "z9hG4bKex07b", ruri=f1.ruri, to=f1.to, extra=sdp, body=EX_SDP)
    F.add(O, f2.request(), "INVITE f2: the same again, CSeq 2", dt=2.0)
    F.add(I, f2.response(403, "Forbidden"), "403 (f2)")
    F.add(O, f2.ack(), "ACK (f2)")

    # -- REGISTER: challenge, credentials rejected, same credentials again.
    reg = dict(ruri="sip:example.com", frm=ALICE_NA, to=ALICE_NA, contact=alice_ct)
    r1 = Tx("REGISTER", "ex08@192.0.2.20", "a08", 1, "z9hG4bKex08a", extra="Expires: 3600", **reg)
    F.add(O, r1.request(), "REGISTER r1 (alice), no credentials", dt=0.5)
    F.add(I, r1.response(401, "Unauthorized", challenge("WWW-Authenticate", "example.com", "n08a")), "401 (r1)")
    cred = digest("Authorization", "alice", "example.com", "n08a", "sip:example.com",
                  "0c8d5f3bcd4a1bb8e0f6d3a07c2f6a21")
    r2 = Tx("REGISTER", r1.call, r1.ftag, 2, "z9hG4bKex08b", extra="Expires: 3600\n" + cred, **reg)
    F.add(O, r2.request(), "REGISTER r2 with Authorization (wrong password)")
    F.add(I, r2.response(401, "Unauthorized", challenge("WWW-Authenticate", "example.com", "n08b")),
          "401 (r2): rejected, new nonce, not stale")
    r3 = Tx("REGISTER", r1.call, r1.ftag, 3, "z9hG4bKex08c", extra="Expires: 3600\n" + cred, **reg)
    F.add(O, r3.request(), "REGISTER r3 with the same Authorization as r2")
    F.add(O, r3.request(), "REGISTER r3 retransmitted", dt=0.5)
    F.add(I, r3.response(403, "Forbidden"), "403 (r3)")

    # -- Stale nonce (carol), then a retry with the new nonce.
    regc = dict(ruri="sip:example.com", frm='<sip:carol@example.com>', to='<sip:carol@example.com>',
                contact="<sip:carol@192.0.2.20:5060>")
    s1 = Tx("REGISTER", "ex09@192.0.2.20", "a09", 7, "z9hG4bKex09a", extra="Expires: 3600\n" + digest(
        "Authorization", "carol", "example.com", "n09old", "sip:example.com", "5b2d0a9e61c37f48a2d1e9b07f3c8d14"), **regc)
    F.add(O, s1.request(), "REGISTER s1 (carol, refresh) with an expired nonce", dt=0.5)
    F.add(I, s1.response(401, "Unauthorized", challenge("WWW-Authenticate", "example.com", "n09new", stale=True)),
          "401 stale=true (s1)")
    s2 = Tx("REGISTER", s1.call, s1.ftag, 8, "z9hG4bKex09b", extra="Expires: 3600\n" + digest(
        "Authorization", "carol", "example.com", "n09new", "sip:example.com", "9e4f1c7a2b8d06e35c1a7f2e8b4d9c03"), **regc)
    F.add(O, s2.request(), "REGISTER s2 with the new nonce")
    F.add(I, s2.response(200, "OK", "Contact: <sip:carol@192.0.2.20:5060>;expires=3600"), "200 (s2)")

    # -- 407, retried without credentials, then with them.
    p1 = Tx("INVITE", "ex10@192.0.2.20", "a10", 1, "z9hG4bKex10a", extra=sdp, body=EX_SDP)
    pchal = challenge("Proxy-Authenticate", "example.com", "n10a")
    F.add(O, p1.request(), "INVITE p1", dt=0.5)
    F.add(I, p1.response(407, "Proxy Authentication Required", pchal), "407 (p1)")
    F.add(O, p1.ack(), "ACK (p1)")
    p2 = Tx("INVITE", p1.call, p1.ftag, 2, "z9hG4bKex10b", extra=sdp, body=EX_SDP)
    F.add(O, p2.request(), "INVITE p2: no Proxy-Authorization")
    F.add(I, p2.response(407, "Proxy Authentication Required", challenge("Proxy-Authenticate", "example.com", "n10b")),
          "407 (p2)")
    F.add(O, p2.ack(), "ACK (p2)")
    p3 = Tx("INVITE", p1.call, p1.ftag, 3, "z9hG4bKex10c", extra=digest(
        "Proxy-Authorization", "alice", "example.com", "n10b", "sip:bob@example.com",
        "1f3e5d7c9b0a2468ace13579bdf02468") + "\n" + sdp, body=EX_SDP)
    F.add(O, p3.request(), "INVITE p3 with Proxy-Authorization")
    F.add(I, p3.response(486, "Busy Here"), "486 (p3)")
    F.add(O, p3.ack(), "ACK (p3)")

    # -- 405: method in Allow (refused anyway), and method not in Allow.
    allow = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, SUBSCRIBE, NOTIFY"
    w1 = Tx("SUBSCRIBE", "ex11@192.0.2.20", "a11", 1, "z9hG4bKex11a",
            extra="Event: dialog\nExpires: 600\nAccept: application/dialog-info+xml")
    F.add(O, w1.request(), "SUBSCRIBE w1 (Event: dialog)", dt=0.5)
    F.add(I, w1.response(405, "Method Not Allowed", allow), "405 listing SUBSCRIBE in Allow (w1)")
    w2 = Tx("PUBLISH", "ex12@192.0.2.20", "a12", 1, "z9hG4bKex12a", ruri="sip:alice@example.com",
            to=ALICE_NA, contact=None, extra="Event: presence\nExpires: 3600\nContent-Type: application/pidf+xml",
            body='<?xml version="1.0"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@example.com"/>\n')
    F.add(O, w2.request(), "PUBLISH w2")
    F.add(I, w2.response(405, "Method Not Allowed", allow), "405, PUBLISH not in Allow (w2)")

    # -- CANCEL: 200 for the CANCEL, 487 for the INVITE.
    k1 = Tx("INVITE", "ex13@192.0.2.20", "a13", 1, "z9hG4bKex13a", extra=sdp, body=EX_SDP)
    F.add(O, k1.request(), "INVITE k1", dt=0.5)
    F.add(I, k1.response(100, "Trying", tag=False), "100 (k1)")
    F.add(I, k1.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180 (k1)", dt=0.1)
    F.add(O, k1.cancel(), "CANCEL (k1)", dt=2.0)
    k1c = Tx("CANCEL", k1.call, k1.ftag, 1, k1.branch, resp_tag=k1.resp_tag)
    F.add(I, k1c.response(200, "OK"), "200 for the CANCEL")
    F.add(I, k1.response(487, "Request Terminated"), "487 (k1 INVITE)")
    F.add(O, k1.ack(), "ACK (k1)")

    # -- A 487 sent to the CANCEL itself (wrong), then to the INVITE.
    k2 = Tx("INVITE", "ex14@192.0.2.20", "a14", 1, "z9hG4bKex14a", extra=sdp, body=EX_SDP)
    F.add(O, k2.request(), "INVITE k2", dt=0.5)
    F.add(I, k2.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180 (k2)", dt=0.1)
    F.add(O, k2.cancel(), "CANCEL (k2)", dt=1.5)
    k2c = Tx("CANCEL", k2.call, k2.ftag, 1, k2.branch, resp_tag=k2.resp_tag)
    F.add(I, k2c.response(487, "Request Terminated"), "487 for the CANCEL (should be 200)")
    F.add(I, k2.response(487, "Request Terminated"), "487 (k2 INVITE)")
    F.add(O, k2.ack(), "ACK (k2)")

    # -- 481: a CANCEL whose INVITE is not there; a BYE in an unknown dialog.
    k3 = Tx("CANCEL", "ex15@192.0.2.20", "a15", 1, "z9hG4bKex15a", contact=None)
    F.add(O, k3.request(), "CANCEL k3: no INVITE with this branch anywhere", dt=0.5)
    F.add(I, k3.response(481, "Call/Transaction Does Not Exist"), "481 (k3)")
    b1 = Tx("BYE", "ex16@192.0.2.20", "a16", 2, "z9hG4bKex16a", ruri=BOB_CONTACT[1:-1], totag="b16",
            contact=None)
    F.add(O, b1.request(), "BYE b1 in a dialog the server does not know", dt=0.5)
    F.add(I, b1.response(481, "Call/Transaction Does Not Exist"), "481 (b1)")

    # -- 413, 414, 416.
    big = "".join("Line {:03d} of a long message that the server will refuse.\n".format(i) for i in range(1, 41))
    e1 = Tx("MESSAGE", "ex17@192.0.2.20", "a17", 1, "z9hG4bKex17a", contact=None,
            extra="Content-Type: text/plain", body=big)
    F.add(O, e1.request(), "MESSAGE e1 with a {} byte body".format(len(big)), dt=0.5)
    F.add(I, e1.response(413, "Request Entity Too Large", "Retry-After: 3600"), "413 (e1)")
    long_uri = "sip:bob@example.com;" + ";".join("x-param{:02d}=value{:02d}".format(i, i) for i in range(1, 25))
    u1 = Tx("INVITE", "ex18@192.0.2.20", "a18", 1, "z9hG4bKex18a", ruri=long_uri, extra=sdp, body=EX_SDP)
    F.add(O, u1.request(), "INVITE u1 with a {} character Request-URI".format(len(long_uri)), dt=0.5)
    F.add(I, u1.response(414, "Request-URI Too Long"), "414 (u1)")
    F.add(O, u1.ack(), "ACK (u1)")
    q1 = Tx("INVITE", "ex19@192.0.2.20", "a19", 1, "z9hG4bKex19a", ruri="h323:bob@example.com",
            extra=sdp, body=EX_SDP)
    F.add(O, q1.request(), "INVITE q1 to an h323: URI", dt=0.5)
    F.add(I, q1.response(416, "Unsupported URI Scheme"), "416 (q1)")
    F.add(O, q1.ack(), "ACK (q1)")

    # -- 415: type (retry accepted), type (retry still not), encoding, language.
    t1 = Tx("MESSAGE", "ex20@192.0.2.20", "a20", 1, "z9hG4bKex20a", contact=None,
            extra="Content-Type: application/x-chat", body="Hi Bob\n")
    F.add(O, t1.request(), "MESSAGE t1 (application/x-chat)", dt=0.5)
    F.add(I, t1.response(415, "Unsupported Media Type", "Accept: text/plain, message/cpim"), "415 (t1)")
    t2 = Tx("MESSAGE", t1.call, t1.ftag, 2, "z9hG4bKex20b", contact=None,
            extra="Content-Type: text/plain", body="Hi Bob\n")
    F.add(O, t2.request(), "MESSAGE t2 (text/plain)")
    F.add(I, t2.response(200, "OK"), "200 (t2)")
    t3 = Tx("MESSAGE", "ex21@192.0.2.20", "a21", 1, "z9hG4bKex21a", contact=None,
            extra="Content-Type: application/vnd.example.card+json", body='{"name": "Alice"}\n')
    F.add(O, t3.request(), "MESSAGE t3 (application/vnd.example.card+json)", dt=0.5)
    F.add(I, t3.response(415, "Unsupported Media Type", "Accept: text/plain"), "415 (t3)")
    t4 = Tx("MESSAGE", t3.call, t3.ftag, 2, "z9hG4bKex21b", contact=None,
            extra="Content-Type: text/html", body="<p>Alice</p>\n")
    F.add(O, t4.request(), "MESSAGE t4 (text/html)")
    F.add(I, t4.response(415, "Unsupported Media Type", "Accept: text/plain"), "415 (t4)")
    t5 = Tx("MESSAGE", "ex22@192.0.2.20", "a22", 1, "z9hG4bKex22a", contact=None,
            extra="Content-Type: text/plain\nContent-Encoding: gzip",
            body=gzip.compress(b"Hello Bob, this text is compressed.\n", mtime=0))
    F.add(O, t5.request(), "MESSAGE t5 (Content-Encoding: gzip)", dt=0.5)
    F.add(I, t5.response(415, "Unsupported Media Type", "Accept-Encoding: identity"), "415 (t5)")
    t6 = Tx("MESSAGE", "ex23@192.0.2.20", "a23", 1, "z9hG4bKex23a", contact=None,
            extra="Content-Type: text/plain\nContent-Language: fr", body="Bonjour Bob\n")
    F.add(O, t6.request(), "MESSAGE t6 (Content-Language: fr)", dt=0.5)
    F.add(I, t6.response(415, "Unsupported Media Type", "Accept-Language: en, de"), "415 (t6)")

    # -- 420: retry dropping the tag; retry keeping it.
    x1 = Tx("INVITE", "ex24@192.0.2.20", "a24", 1, "z9hG4bKex24a", extra="Require: foo\n" + sdp, body=EX_SDP)
    F.add(O, x1.request(), "INVITE x1, Require: foo", dt=0.5)
    F.add(I, x1.response(420, "Bad Extension", "Unsupported: foo"), "420 (x1)")
    F.add(O, x1.ack(), "ACK (x1)")
    x2 = Tx("INVITE", x1.call, x1.ftag, 2, "z9hG4bKex24b", extra=sdp, body=EX_SDP)
    F.add(O, x2.request(), "INVITE x2 without Require")
    F.add(I, x2.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180 (x2)")
    F.add(I, x2.response(200, "OK", "Contact: " + BOB_CONTACT + "\n" + sdp, body=EX_SDP_BOB), "200 (x2)", dt=1.0)
    F.add(O, ack_2xx(x2, "z9hG4bKex24c"), "ACK for the 200 (x2)")
    y1 = Tx("INVITE", "ex25@192.0.2.20", "a25", 1, "z9hG4bKex25a", extra="Proxy-Require: bar\n" + sdp, body=EX_SDP)
    F.add(O, y1.request(), "INVITE y1, Proxy-Require: bar", dt=0.5)
    F.add(I, y1.response(420, "Bad Extension", "Unsupported: bar"), "420 (y1)")
    F.add(O, y1.ack(), "ACK (y1)")
    y2 = Tx("INVITE", y1.call, y1.ftag, 2, "z9hG4bKex25b", extra="Proxy-Require: bar\n" + sdp, body=EX_SDP)
    F.add(O, y2.request(), "INVITE y2, still Proxy-Require: bar")
    F.add(I, y2.response(420, "Bad Extension", "Unsupported: bar"), "420 (y2)")
    F.add(O, y2.ack(), "ACK (y2)")

    # -- 421, then a retry that supports the extension.
    z1 = Tx("INVITE", "ex26@192.0.2.20", "a26", 1, "z9hG4bKex26a", extra="Supported: timer\n" + sdp, body=EX_SDP)
    F.add(O, z1.request(), "INVITE z1, Supported: timer", dt=0.5)
    F.add(I, z1.response(421, "Extension Required", "Require: 100rel"), "421 (z1)")
    F.add(O, z1.ack(), "ACK (z1)")
    z2 = Tx("INVITE", z1.call, z1.ftag, 2, "z9hG4bKex26b", extra="Supported: 100rel, timer\n" + sdp, body=EX_SDP)
    F.add(O, z2.request(), "INVITE z2, Supported: 100rel, timer")
    F.add(I, z2.response(200, "OK", "Contact: " + BOB_CONTACT + "\n" + sdp, body=EX_SDP_BOB), "200 (z2)", dt=0.5)
    F.add(O, ack_2xx(z2, "z9hG4bKex26c"), "ACK for the 200 (z2)")

    # -- 422: 90 < 1800; retry 1200 still too small; retry 1800.
    def se_invite(cseq, branch, se, minse=""):
        return Tx("INVITE", "ex27@192.0.2.20", "a27", cseq, branch, body=EX_SDP,
                  extra="Supported: timer\nSession-Expires: {}\n{}".format(se, minse) + sdp)
    v1 = se_invite(1, "z9hG4bKex27a", 90)
    F.add(O, v1.request(), "INVITE v1, Session-Expires: 90", dt=0.5)
    F.add(I, v1.response(422, "Session Interval Too Small", "Min-SE: 1800"), "422 (v1)")
    F.add(O, v1.ack(), "ACK (v1)")
    v2 = se_invite(2, "z9hG4bKex27b", 1200, "Min-SE: 1200\n")
    F.add(O, v2.request(), "INVITE v2, Session-Expires: 1200")
    F.add(I, v2.response(422, "Session Interval Too Small", "Min-SE: 1800"), "422 (v2)")
    F.add(O, v2.ack(), "ACK (v2)")
    v3 = se_invite(3, "z9hG4bKex27c", 1800, "Min-SE: 1800\n")
    F.add(O, v3.request(), "INVITE v3, Session-Expires: 1800")
    F.add(I, v3.response(200, "OK", "Contact: " + BOB_CONTACT + "\nRequire: timer\nSession-Expires: 1800;refresher=uac\n"
                         + sdp, body=EX_SDP_BOB), "200 (v3)", dt=0.5)
    F.add(O, ack_2xx(v3, "z9hG4bKex27d"), "ACK for the 200 (v3)")

    # -- 423 (dave): Expires 60; Contact expires=1800; Expires 3600 under a new Call-ID.
    regd = dict(ruri="sip:example.com", frm='<sip:dave@example.com>', to='<sip:dave@example.com>')
    g1 = Tx("REGISTER", "ex28@192.0.2.20", "a28", 1, "z9hG4bKex28a", contact="<sip:dave@192.0.2.20:5060>",
            extra="Expires: 60", **regd)
    F.add(O, g1.request(), "REGISTER g1 (dave), Expires: 60", dt=0.5)
    F.add(I, g1.response(423, "Interval Too Brief", "Min-Expires: 3600"), "423 (g1)")
    g2 = Tx("REGISTER", g1.call, g1.ftag, 2, "z9hG4bKex28b", contact="<sip:dave@192.0.2.20:5060>;expires=1800",
            **regd)
    F.add(O, g2.request(), "REGISTER g2, Contact ;expires=1800")
    F.add(I, g2.response(423, "Interval Too Brief", "Min-Expires: 3600"), "423 (g2)")
    g3 = Tx("REGISTER", "ex28b@192.0.2.20", "a28b", 1, "z9hG4bKex28c", contact="<sip:dave@192.0.2.20:5060>",
            extra="Expires: 3600", **regd)
    F.add(O, g3.request(), "REGISTER g3, Expires: 3600, new Call-ID and From tag")
    F.add(I, g3.response(200, "OK", "Contact: <sip:dave@192.0.2.20:5060>;expires=3600"), "200 (g3)")

    # -- 400 to an OPTIONS without Max-Forwards; the retry adds it.
    o1 = Tx("OPTIONS", "ex29@192.0.2.20", "a29", 1, "z9hG4bKex29a", ruri="sip:example.com", to="<sip:example.com>",
            extra="Accept: application/sdp", drop=["Max-Forwards"])
    F.add(O, o1.request(), "OPTIONS o1 WITHOUT Max-Forwards", dt=0.5)
    F.add(I, o1.response(400, "Missing Max-Forwards"), "400 (o1)")
    o2 = Tx("OPTIONS", o1.call, o1.ftag, 2, "z9hG4bKex29b", ruri=o1.ruri, to=o1.to, extra="Accept: application/sdp")
    F.add(O, o2.request(), "OPTIONS o2 with Max-Forwards: 70")
    F.add(I, o2.response(200, "OK", "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\nAccept: application/sdp"), "200 (o2)")

    # -- c1 again, unchanged, after the 480's Retry-After: 5.
    c1b = Tx("INVITE", c1.call, c1.ftag, 2, "z9hG4bKex02b", ruri=c1.ruri, to=c1.to, extra=sdp, body=EX_SDP)
    F.add(O, c1b.request(), "INVITE c1 again, unchanged, CSeq 2 (after Retry-After)", dt=0.5)
    F.add(I, c1b.response(486, "Busy Here"), "486 (c1 again)")
    F.add(O, c1b.ack(), "ACK (c1 again)")

    # -- Glare, call G1 (Alice owns the Call-ID): crossing re-INVITEs, 491
    # both ways; Alice retries after 0.5 s, Bob after 1.2 s.
    def dialog(call, ftag, btag):
        inv = Tx("INVITE", call, ftag, 1, "z9hG4bK" + call[:4] + "i", extra=sdp, body=EX_SDP, resp_tag=btag)
        F.add(O, inv.request(), "INVITE ({}) creating the dialog".format(call[:4]), dt=0.5)
        F.add(I, inv.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180", dt=0.1)
        F.add(I, inv.response(200, "OK", "Contact: " + BOB_CONTACT + "\n" + sdp, body=EX_SDP_BOB), "200", dt=1.0)
        F.add(O, ack_2xx(inv, "z9hG4bK" + call[:4] + "k"), "ACK for the 200")

    def a_req(method, call, ftag, btag, cseq, branch, body):
        return Tx(method, call, ftag, cseq, branch, ruri=BOB_CONTACT[1:-1], totag=btag, extra=sdp, body=body)

    def b_req(method, call, ftag, btag, cseq, branch, body):
        return Tx(method, call, btag, cseq, branch, ruri=ALICE_CONTACT[1:-1], frm=BOB_NA, to=ALICE_NA,
                  totag=ftag, via="192.0.2.10:5060", contact=BOB_CONTACT, extra=sdp, body=body)

    dialog("gl01@192.0.2.20", "a30", "b30")
    a1 = a_req("INVITE", "gl01@192.0.2.20", "a30", "b30", 2, "z9hG4bKgl01a1", sdp_version(EX_SDP, 2890844527))
    b1 = b_req("INVITE", "gl01@192.0.2.20", "a30", "b30", 101, "z9hG4bKgl01b1", sdp_version(EX_SDP_BOB, 2808844565))
    F.add(O, a1.request(), "re-INVITE A1 (Alice, CSeq 2)", dt=3.0)
    F.add(I, b1.request(), "re-INVITE B1 (Bob, CSeq 101), crossing A1", dt=0.005)
    F.add(I, a1.response(491, "Request Pending"), "491 from Bob to A1", dt=0.01)
    F.add(O, b1.response(491, "Request Pending"), "491 from Alice to B1", dt=0.005)
    F.add(O, a1.ack(), "ACK (A1)", dt=0.005)
    F.add(I, b1.ack(), "ACK (B1)", dt=0.005)
    a2 = a_req("INVITE", "gl01@192.0.2.20", "a30", "b30", 3, "z9hG4bKgl01a2", sdp_version(EX_SDP, 2890844527))
    F.add(O, a2.request(), "re-INVITE A2 (Alice, CSeq 3), 0.5 s after the 491", dt=0.49)
    F.add(I, a2.response(200, "OK", "Contact: " + BOB_CONTACT + "\n" + sdp, body=EX_SDP_BOB), "200 (A2)", dt=0.05)
    F.add(O, ack_2xx(a2, "z9hG4bKgl01a2k"), "ACK for the 200 (A2)")
    b2 = b_req("INVITE", "gl01@192.0.2.20", "a30", "b30", 102, "z9hG4bKgl01b2", sdp_version(EX_SDP_BOB, 2808844565))
    F.add(I, b2.request(), "re-INVITE B2 (Bob, CSeq 102), 1.2 s after Alice's 491", dt=0.64)
    F.add(O, b2.response(200, "OK", "Contact: " + ALICE_CONTACT + "\n" + sdp,
                         body=sdp_version(EX_SDP, 2890844528)), "200 (B2)", dt=0.05)
    F.add(I, ack_2xx(b2, "z9hG4bKgl01b2k"), "ACK for the 200 (B2)")

    # -- Glare, call G2: Alice's UPDATE crosses Bob's re-INVITE; 491 both
    # ways; Alice retries the UPDATE after 3 s, Bob gives up.
    dialog("gl02@192.0.2.20", "a31", "b31")
    u1 = a_req("UPDATE", "gl02@192.0.2.20", "a31", "b31", 2, "z9hG4bKgl02a1", sdp_version(EX_SDP, 2890844527))
    v1 = b_req("INVITE", "gl02@192.0.2.20", "a31", "b31", 201, "z9hG4bKgl02b1", sdp_version(EX_SDP_BOB, 2808844565))
    F.add(O, u1.request(), "UPDATE U1 (Alice, CSeq 2)", dt=3.0)
    F.add(I, v1.request(), "re-INVITE V1 (Bob, CSeq 201), crossing U1", dt=0.005)
    F.add(I, u1.response(491, "Request Pending"), "491 from Bob to U1", dt=0.01)
    F.add(O, v1.response(491, "Request Pending"), "491 from Alice to V1", dt=0.005)
    F.add(I, v1.ack(), "ACK (V1)", dt=0.005)
    u2 = a_req("UPDATE", "gl02@192.0.2.20", "a31", "b31", 3, "z9hG4bKgl02a2", sdp_version(EX_SDP, 2890844527))
    F.add(O, u2.request(), "UPDATE U2 (Alice, CSeq 3), 3 s after the 491", dt=2.995)
    F.add(I, u2.response(200, "OK", "Contact: " + BOB_CONTACT + "\n" + sdp, body=EX_SDP_BOB), "200 (U2)", dt=0.05)

    # -- One branch reused by different requests (RFC 3261 §8.1.1.7 wants
    # it unique): a scanner's OPTIONS under two Call-IDs, each refused 403;
    # a REGISTER challenged 401 and retried with credentials (CSeq 2) under
    # the same branch, accepted 200. Each response answers the request just
    # before it.
    for call in ("ru01@192.0.2.20", "ru02@192.0.2.20"):
        scan = Tx("OPTIONS", call, "a40", 1, "z9hG4bKreused", ruri="sip:example.com", contact=None)
        F.add(O, scan.request(), "OPTIONS, branch z9hG4bKreused, Call-ID " + call, dt=1.0)
        F.add(I, scan.response(403, "Forbidden"), "403 (Call-ID " + call + ")", dt=0.01)
    auth = digest("Authorization", "alice", "example.com", "n41", "sip:example.com", "5f2b" * 8)
    for cseq, extra, code, reason, resp_extra in (
            (1, "Expires: 3600", 401, "Unauthorized", challenge("WWW-Authenticate", "example.com", "n41")),
            (2, "Expires: 3600\n" + auth, 200, "OK", "Contact: {};expires=3600".format(ALICE_CONTACT))):
        reg = Tx("REGISTER", "rg41@192.0.2.20", "a41", cseq, "z9hG4bKregsame", ruri="sip:example.com",
                 frm=ALICE_NA, to=ALICE_NA, extra=extra)
        F.add(O, reg.request(), "REGISTER CSeq {}, branch z9hG4bKregsame".format(cseq), dt=1.0)
        F.add(I, reg.response(code, reason, resp_extra), "{} (CSeq {})".format(code, cseq), dt=0.01)

    # -- Credentials resubmitted under the challenged request's CSeq (as
    # sipvicious' svcrack does): a new branch, the same CSeq 1 (RFC 3261
    # §22.2 wants it incremented).
    auth = digest("Authorization", "alice", "example.com", "n43", "sip:example.com", "9c1d" * 8)
    for branch, extra, code, reason, resp_extra in (
            ("z9hG4bKrg43a", "Expires: 3600", 401, "Unauthorized",
             challenge("WWW-Authenticate", "example.com", "n43")),
            ("z9hG4bKrg43b", "Expires: 3600\n" + auth, 200, "OK",
             "Contact: {};expires=3600".format(ALICE_CONTACT))):
        reg = Tx("REGISTER", "rg43@192.0.2.20", "a43", 1, branch, ruri="sip:example.com",
                 frm=ALICE_NA, to=ALICE_NA, extra=extra)
        F.add(O, reg.request(), "REGISTER CSeq 1, branch " + branch, dt=1.0)
        F.add(I, reg.response(code, reason, resp_extra), "{} (branch {})".format(code, branch), dt=0.01)
    return F.f


# --------------------------------------------------------------------------
# handmade_exchange_tcp: exchanges over one TCP connection, several
# messages per segment and a 4xx split over two segments.


def build_exchange_tcp():
    F = Frames()
    O, I = "O", "I"
    sdp = "Content-Type: application/sdp"
    kw = dict(tp="TCP", via="192.0.2.20:5060")
    x1 = Tx("INVITE", "ext1@192.0.2.20", "a41", 1, "z9hG4bKext1a", extra="Require: foo\n" + sdp, body=EX_SDP, **kw)
    m1 = Tx("MESSAGE", "ext2@192.0.2.20", "a42", 1, "z9hG4bKext2a", contact=None,
            extra="Content-Type: application/x-chat", body="Hi Bob\n", **kw)
    F.add(O, x1.request() + m1.request(), "one segment: INVITE X1 (Require: foo) + MESSAGE M1 (application/x-chat)")
    F.add(I, x1.response(420, "Bad Extension", "Unsupported: foo")
          + m1.response(415, "Unsupported Media Type", "Accept: text/plain"), "one segment: 420 (X1) + 415 (M1)")
    m2 = Tx("MESSAGE", m1.call, m1.ftag, 2, "z9hG4bKext2b", contact=None,
            extra="Content-Type: text/plain", body="Hi Bob\n", **kw)
    F.add(O, x1.ack() + m2.request(), "one segment: ACK (X1) + MESSAGE M2 (text/plain)")
    x2 = Tx("INVITE", x1.call, x1.ftag, 2, "z9hG4bKext1b", extra="Require: foo\n" + sdp, body=EX_SDP, **kw)
    F.add(O, x2.request(), "INVITE X2, still Require: foo")
    F.add(I, m2.response(200, "OK") + x2.response(420, "Bad Extension", "Unsupported: foo"),
          "one segment: 200 (M2) + 420 (X2)")
    F.add(O, x2.ack(), "ACK (X2)")
    r1 = Tx("REGISTER", "ext3@192.0.2.20", "a43", 1, "z9hG4bKext3a", ruri="sip:example.com",
            frm="<sip:frank@example.com>", to="<sip:frank@example.com>", contact="<sip:frank@192.0.2.20:5060;transport=tcp>",
            extra="Expires: 3600", **kw)
    F.add(O, r1.request(), "REGISTER R1 (frank)", dt=0.5)
    whole = r1.response(401, "Unauthorized", challenge("WWW-Authenticate", "example.com", "n43a"))
    cut = whole.index(b"WWW-Authenticate") + 10
    F.add(I, whole[:cut], "401 (R1), first part: cut inside WWW-Authenticate")
    F.add(I, whole[cut:], "401 (R1), second part: the message completes here")
    r2 = Tx("REGISTER", r1.call, r1.ftag, 2, "z9hG4bKext3b", ruri="sip:example.com",
            frm="<sip:frank@example.com>", to="<sip:frank@example.com>", contact="<sip:frank@192.0.2.20:5060;transport=tcp>",
            extra="Expires: 3600\n" + digest("Authorization", "frank", "example.com", "n43a", "sip:example.com",
                                             "7d1e3f5a9c0b2e4d6f8a1c3e5b7d9f02"), **kw)
    F.add(O, r2.request(), "REGISTER R2 with Authorization")
    F.add(I, r2.response(200, "OK", "Contact: <sip:frank@192.0.2.20:5060;transport=tcp>;expires=3600"), "200 (R2)")
    return F.f


def build_bye487():
    """An INVITE ended by a BYE before its final response: the caller
    sends BYE in the early dialog, the UAS answers the BYE 200 and the
    INVITE 487 (RFC 3261 §15.1.2)."""
    F = Frames()
    O, I = "O", "I"
    inv = Tx("INVITE", "bye1@192.0.2.20", "a51", 1, "z9hG4bKbye1a",
             extra="Content-Type: application/sdp", body=EX_SDP, resp_tag="b51")
    F.add(O, inv.request(), "INVITE")
    F.add(I, inv.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180 Ringing (early dialog, To tag b51)")
    bye = Tx("BYE", inv.call, inv.ftag, 2, "z9hG4bKbye1b", ruri=BOB_CONTACT[1:-1], totag="b51", contact=None)
    F.add(O, bye.request(), "BYE in the early dialog", dt=1.0)
    F.add(I, bye.response(200, "OK"), "200 OK (BYE)")
    F.add(I, inv.response(487, "Request Terminated"), "487 (INVITE)")
    F.add(O, inv.ack(), "ACK (487)")
    return F.f



def build_limits():
    """The state bounds, read with the preferences the .expect file names
    (at most 2 open transactions per Call-ID, 3 in all): requests past a
    limit are not tracked and say so; requests nobody answers are freed
    when their client would have given up (Timer F / Timer B: 64*T1 =
    32 s; an INVITE with a provisional response: 3 minutes after the
    latest one, Timer C), so the limits free up again."""
    F = Frames()
    O, I = "O", "I"
    chat, text = "Content-Type: application/x-chat", "Content-Type: text/plain"

    def options(call, ftag, cseq, branch):
        return Tx("OPTIONS", call, ftag, cseq, branch)

    def message(call, ftag, cseq, branch, extra=chat):
        return Tx("MESSAGE", call, ftag, cseq, branch, contact=None, extra=extra, body="Hi Bob\n")

    # -- The limits: two OPTIONS of one call fill its 2; the third is not
    # tracked. A MESSAGE fills the 3 in all; the next one is not tracked.
    o1, o2, o3 = (options("lim1@192.0.2.20", "a61", n, "z9hG4bKlim1" + x) for n, x in ((1, "a"), (2, "b"), (3, "c")))
    F.add(O, o1.request(), "OPTIONS o1 (call lim1): tracked")
    F.add(O, o2.request(), "OPTIONS o2 (call lim1): tracked, the call's 2")
    F.add(O, o3.request(), "OPTIONS o3 (call lim1): not tracked (2 per call)")
    m1 = message("lim2@192.0.2.20", "a62", 1, "z9hG4bKlim2a")
    F.add(O, m1.request(), "MESSAGE m1 (call lim2, application/x-chat): tracked, the 3 in all")
    n1 = message("lim3@192.0.2.20", "a63", 1, "z9hG4bKlim3a")
    F.add(O, n1.request(), "MESSAGE n1 (call lim3): not tracked (3 in all)")
    F.add(I, o3.response(404, "Not Found"), "404 (o3): its request was not tracked")
    F.add(I, o1.response(404, "Not Found"), "404 (o1): linked; no room to wait for a retry")
    F.add(I, o2.response(200, "OK"), "200 (o2)")
    F.add(I, m1.response(415, "Unsupported Media Type", "Accept: text/plain"), "415 (m1)")
    m2 = message(m1.call, m1.ftag, 2, "z9hG4bKlim2b", extra=text)
    F.add(O, m2.request(), "MESSAGE m2 (text/plain): the retry after the 415")
    F.add(I, n1.response(404, "Not Found"), "404 (n1): its request was not tracked")
    F.add(I, m2.response(200, "OK"), "200 (m2)")

    # -- Timer F: a MESSAGE unanswered for 40 s is gone when its 404 comes.
    t1 = message("lim4@192.0.2.20", "a64", 1, "z9hG4bKlim4a", extra=text)
    F.add(O, t1.request(), "MESSAGE t1", dt=1.0)
    F.add(I, t1.response(404, "Not Found"), "404 (t1) 40 s later: past Timer F", dt=40.0)
    # -- Timer B: an INVITE without any provisional response, 486 40 s later.
    sdp = "Content-Type: application/sdp"
    i1 = Tx("INVITE", "lim5@192.0.2.20", "a65", 1, "z9hG4bKlim5a", extra=sdp, body=EX_SDP)
    F.add(O, i1.request(), "INVITE i1", dt=1.0)
    F.add(I, i1.response(486, "Busy Here"), "486 (i1) 40 s later, no 1xx before: past Timer B", dt=40.0)
    F.add(O, i1.ack(), "ACK (486)")
    # -- Proceeding: a 180 keeps the INVITE for 3 minutes (Timer C).
    i2 = Tx("INVITE", "lim6@192.0.2.20", "a66", 1, "z9hG4bKlim6a", extra=sdp, body=EX_SDP)
    F.add(O, i2.request(), "INVITE i2", dt=1.0)
    F.add(I, i2.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180 Ringing (i2)", dt=0.1)
    F.add(I, i2.response(486, "Busy Here"), "486 (i2) 100 s after the 180: still Proceeding", dt=100.0)
    F.add(O, i2.ack(), "ACK (486)")
    i3 = Tx("INVITE", "lim7@192.0.2.20", "a67", 1, "z9hG4bKlim7a", extra=sdp, body=EX_SDP)
    F.add(O, i3.request(), "INVITE i3", dt=1.0)
    F.add(I, i3.response(180, "Ringing", "Contact: " + BOB_CONTACT), "180 Ringing (i3)", dt=0.1)
    F.add(I, i3.response(480, "Temporarily Unavailable"), "480 (i3) 200 s after the 180: past Timer C", dt=200.0)
    F.add(O, i3.ack(), "ACK (480)")

    # -- The limit frees up: three unanswered OPTIONS fill it, a fourth is
    # not tracked; 40 s later the three are gone and a fifth is tracked.
    for n in range(3):
        F.add(O, options("lim8{}@192.0.2.20".format(n), "a68", 1, "z9hG4bKlim8" + "abc"[n]).request(),
              "OPTIONS p{} (call lim8{}): tracked, never answered".format(n + 1, n), dt=1.0)
    p4 = options("lim9@192.0.2.20", "a69", 1, "z9hG4bKlim9a")
    F.add(O, p4.request(), "OPTIONS p4: not tracked (3 in all)")
    p5 = options("lim10@192.0.2.20", "a70", 1, "z9hG4bKlim10a")
    F.add(O, p5.request(), "OPTIONS p5 40 s later: p1-p3 timed out, tracked", dt=40.0)
    F.add(I, p5.response(404, "Not Found"), "404 (p5)")
    F.add(I, p4.response(404, "Not Found"), "404 (p4), 40 s after it: the note that p4 went untracked is gone")

    # -- The capture's time steps back an hour (files merged out of order).
    # q1 and q2, never answered, and the 404 (p5) still waiting for a retry
    # make 3; q3 is not tracked. The windows pause rather than rewind, so
    # 40 s later all three have left and q4 is tracked.
    for n in range(2):
        F.add(O, options("lim11{}@192.0.2.20".format(n), "a71", 1, "z9hG4bKlim11" + "ab"[n]).request(),
              "OPTIONS q{} (call lim11{}): tracked, never answered{}".format(
                  n + 1, n, "; the clock is an hour back" if n == 0 else ""), dt=-3600.0 if n == 0 else 1.0)
    q3 = options("lim12@192.0.2.20", "a72", 1, "z9hG4bKlim12a")
    F.add(O, q3.request(), "OPTIONS q3: not tracked (3 in all)")
    q4 = options("lim13@192.0.2.20", "a73", 1, "z9hG4bKlim13a")
    F.add(O, q4.request(), "OPTIONS q4 40 s later: q1, q2 and the waiting 404 have left, tracked", dt=40.0)
    F.add(I, q4.response(404, "Not Found"), "404 (q4)")
    return F.f


def build_scanner():
    """A scanner sweeping extensions: one request every 2 s for 400 s, each
    on a Call-ID of its own, cycling through four fates (request i, i % 4):
    0 INVITE never answered; 1 OPTIONS answered 404; 2 INVITE answered 100
    Trying and then nothing; 3 OPTIONS never answered. What sip4xx keeps
    must follow the transaction timers (tests/capture/test_state_bounds.py),
    not grow with the scan."""
    F = Frames()
    O, I = "O", "I"
    for i in range(200):
        ext = 1000 + i
        method = "INVITE" if i % 2 == 0 else "OPTIONS"
        t = Tx(method, "scan{}@192.0.2.20".format(i), "s{}".format(i), 1, "z9hG4bKscan{}".format(i),
               ruri="sip:{}@example.com".format(ext), to="<sip:{}@example.com>".format(ext),
               extra="User-Agent: sweep" + ("\n" + "Content-Type: application/sdp" if method == "INVITE" else ""),
               body=EX_SDP if method == "INVITE" else "")
        F.add(O, t.request(), "{} {} ({})".format(method, ext, ("unanswered", "404", "100 only", "unanswered")[i % 4]),
              dt=2.0 if i else 0.02)
        if i % 4 == 1:
            F.add(I, t.response(404, "Not Found"), "404 ({})".format(ext), dt=0.05)
        elif i % 4 == 2:
            F.add(I, t.response(100, "Trying", tag=False), "100 Trying ({})".format(ext), dt=0.05)
    return F.f


def build_frozen():
    """Every frame at one instant (a crafted file, or a capture tool that
    stamps many frames alike): the windows never pass, so only the caps
    bound what is kept (tests/capture/test_state_bounds.py runs it with
    max_open_total 20 and max_dialogs 10). 60 INVITEs answered 200 (dialogs
    that never end), 100 OPTIONS never answered, 100 OPTIONS answered 404."""
    F = Frames()
    O, I = "O", "I"
    sdp = "Content-Type: application/sdp"
    for i in range(60):
        t = Tx("INVITE", "frz-d{}@192.0.2.20".format(i), "f{}".format(i), 1, "z9hG4bKfrzd{}".format(i),
               extra=sdp, body=EX_SDP)
        F.add(O, t.request(), "INVITE d{}".format(i), dt=0)
        F.add(I, t.response(200, "OK", "Contact: " + BOB_CONTACT), "200 OK (d{})".format(i), dt=0)
    for i in range(100):
        t = Tx("OPTIONS", "frz-u{}@192.0.2.20".format(i), "g{}".format(i), 1, "z9hG4bKfrzu{}".format(i))
        F.add(O, t.request(), "OPTIONS u{}, never answered".format(i), dt=0)
    for i in range(100):
        t = Tx("OPTIONS", "frz-n{}@192.0.2.20".format(i), "h{}".format(i), 1, "z9hG4bKfrzn{}".format(i))
        F.add(O, t.request(), "OPTIONS n{}".format(i), dt=0)
        F.add(I, t.response(404, "Not Found"), "404 (n{})".format(i), dt=0)
    return F.f

# --------------------------------------------------------------------------
# handmade_truth: what a message states about itself, byte by byte — raw
# bytes no text encoding can carry, line ends the RFC does not allow,
# headers that must not repeat, the Contact a dialog-creating response
# needs, a code outside the registry. handmade_truth_tcp: 300 responses in
# one TCP segment. Expectations: tests/capture/handmade_truth*.expect.


TWICE_404 = """\
SIP/2.0 404 Not Found
Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKtr{n};received=192.0.2.20
From: <sip:alice@example.com>;tag=a{n}
To: <sip:bob@example.com>;tag=b{n}
Call-ID: tr{n}@192.0.2.20
CSeq: 1 INVITE
Content-Length: 0
"""


def build_truth():
    F = Frames()
    O, I = "O", "I"
    busy = Tx("INVITE", "tr01@192.0.2.20", "a81", 1, "z9hG4bKtr01",
              extra="Content-Type: application/sdp", body=EX_SDP)
    # Reason-Phrase with a 0xFF byte: not UTF-8, not text any encoding of
    # the script can write, so the bytes are patched in.
    F.add(I, busy.response(486, "Busy Here").replace(b"Busy Here", b"Busy \xffHere"),
          "486 whose Reason-Phrase holds byte 0xFF")
    F.add(I, sip("""
        SIP/2.0 404 Not Found
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKtr02;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a82
        To: <sip:bob@example.com>;tag=b82
        Call-ID: tr02@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """, eol="\r"), "404 whose lines end in CR alone")
    F.add(I, sip("""
        SIP/2.0 486 Busy\x00Here
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKtr03;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a83
        To: <sip:bob@example.com>;tag=b83
        Call-ID: tr03@192.0.2.20
        CSeq: 1 INVITE
        Content-Length: 0
        """), "486 with a NUL byte in the status line")
    # Header fields that must not repeat (RFC 3261 §7.3.1), then ones that may:
    # each 404 below has one line of TWICE_404 followed by its second copy.
    twice = [
        ("To: <sip:bob@example.com>;tag=b{n}", "To: <sip:carol@example.com>;tag=c{n}", "two To"),
        ("CSeq: 1 INVITE", "CSeq: 2 INVITE", "two CSeq"),
        ("Call-ID: tr{n}@192.0.2.20", "Call-ID: tr{n}b@192.0.2.20", "two Call-ID"),
        ("Content-Length: 0", "Content-Length: 0", "two Content-Length (same value)"),
        ("To: <sip:bob@example.com>;tag=b{n}", "t: <sip:bob@example.com>;tag=b{n}", "To and compact t:"),
    ]
    for n, (line, second, what) in enumerate(twice, 84):
        text = TWICE_404.format(n=n)
        line, second = line.format(n=n), second.format(n=n)
        F.add(I, sip(text.replace(line + "\n", line + "\n" + second + "\n")), "404 with " + what)
    F.add(I, sip("""
        SIP/2.0 405 Method Not Allowed
        Via: SIP/2.0/UDP 192.0.2.30:5060;branch=z9hG4bKtr89proxy
        Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKtr89;received=192.0.2.20
        From: <sip:alice@example.com>;tag=a89
        To: <sip:bob@example.com>;tag=b89
        Call-ID: tr89@192.0.2.20
        CSeq: 1 PUBLISH
        Allow: INVITE, ACK, CANCEL
        Allow: BYE, OPTIONS
        Content-Length: 0
        """), "405 with two Via and two Allow lines")
    # Contact in responses that create a dialog (RFC 3261 §12.1.1) and in
    # the 2xx to a re-INVITE (§12.2.1.2: only "if present").
    inv = Tx("INVITE", "tr90@192.0.2.20", "a90", 1, "z9hG4bKtr90a",
             extra="Content-Type: application/sdp", body=EX_SDP, resp_tag="b90")
    F.add(O, inv.request(), "INVITE outside a dialog (no To tag)")
    F.add(I, inv.response(100, "Trying", tag=False), "100 Trying, no Contact")
    F.add(I, inv.response(180, "Ringing"), "180 Ringing with a To tag, WITHOUT Contact")
    F.add(I, inv.response(200, "OK", "Content-Type: application/sdp", body=EX_SDP_BOB),
          "200 OK (INVITE outside a dialog) WITHOUT Contact")
    F.add(O, ack_2xx(inv, "z9hG4bKtr90b"), "ACK (200)")
    reinv = Tx("INVITE", inv.call, inv.ftag, 2, "z9hG4bKtr90c", ruri=BOB_CONTACT[1:-1], totag="b90",
               extra="Content-Type: application/sdp", body=sdp_version(EX_SDP, 2890844527))
    F.add(O, reinv.request(), "re-INVITE (To tag b90)")
    F.add(I, reinv.response(200, "OK", "Content-Type: application/sdp", body=EX_SDP_BOB),
          "200 OK (re-INVITE) without Contact")
    F.add(O, ack_2xx(reinv, "z9hG4bKtr90d"), "ACK (200, re-INVITE)")
    odd = Tx("INVITE", "tr91@192.0.2.20", "a91", 1, "z9hG4bKtr91",
             extra="Content-Type: application/sdp", body=EX_SDP)
    F.add(O, odd.request(), "INVITE answered by the next frame")
    F.add(I, odd.response(477, "Odd Failure"), "477: not an IANA-registered code")
    F.add(O, odd.ack(), "ACK (477)")
    return F.f


def build_truth_tcp():
    F = Frames()
    O, I = "O", "I"
    many = []
    for i in range(1, 301):
        code, reason = (480, "Temporarily Unavailable") if i == 300 else (486, "Busy Here")
        to_tag = "" if i == 280 else ";tag=b{}".format(i)
        many.append(sip("""
            SIP/2.0 {} {}
            Via: SIP/2.0/TCP 192.0.2.20:40000;branch=z9hG4bKm{}
            From: <sip:a@example.com>;tag=a{}
            To: <sip:b@example.com>{}
            Call-ID: m{}@x
            CSeq: 1 INVITE
            Content-Length: 0
            """.format(code, reason, i, i, to_tag, i)))
    F.add(I, b"".join(many), "one segment: 300 responses: 486 x 299 (no To tag on the 280th), then a 480")
    return F.f

# --------------------------------------------------------------------------
# handmade_websocket: SIP over WebSocket (RFC 7118) after an HTTP Upgrade on
# port 80, so that Wireshark's HTTP, WebSocket and SIP dissectors take it in
# turn. "Each SIP message MUST be carried within a single WebSocket message"
# and "the use of the Content-Length header field is not necessary" there
# (RFC 7118 §5): no message below is flagged for lacking Content-Length,
# while what every message needs still applies.

WS_MASK = bytes([0x37, 0xfa, 0x21, 0x3d])


def ws_frame(payload, masked):
    """One final WebSocket text frame (RFC 6455 §5.2); a client's is masked
    (§5.3), with a fixed key so the capture is the same on every run."""
    head = bytearray([0x81])
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        head.append(mask_bit | n)
    else:
        head.append(mask_bit | 126)
        head += n.to_bytes(2, "big")
    if not masked:
        return bytes(head) + payload
    return bytes(head) + WS_MASK + bytes(b ^ WS_MASK[i % 4] for i, b in enumerate(payload))


WS_HOST = "df7jal23ls0d.invalid"   # RFC 7118 §5.2: a browser has no address of its own to put in Via


def ws_sip(text, body="", content_length=False):
    """The request or response template as a SIP-over-WebSocket client sends
    or receives it: Via transport WS with an invented host, no
    Content-Length unless asked for."""
    text = text.replace("SIP/2.0/UDP 192.0.2.20:5060", "SIP/2.0/WS " + WS_HOST)
    text = text.replace("Contact: <sip:alice@192.0.2.20:5060>", "Contact: <sip:alice@{};transport=ws>".format(WS_HOST))
    if not content_length:
        text = _drop(text, ["Content-Length"])
    return sip(text, body)


def build_websocket():
    f = []
    f.append(("O", sip("""
        GET / HTTP/1.1
        Host: sip-ws.example.com
        Upgrade: websocket
        Connection: Upgrade
        Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
        Origin: http://www.example.com
        Sec-WebSocket-Protocol: sip
        Sec-WebSocket-Version: 13
        """), "HTTP GET asking to upgrade to WebSocket, subprotocol sip (RFC 7118 §4)"))
    f.append(("I", sip("""
        HTTP/1.1 101 Switching Protocols
        Upgrade: websocket
        Connection: Upgrade
        Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
        Sec-WebSocket-Protocol: sip
        """), "101 Switching Protocols, subprotocol sip"))
    # Client frames are masked, server frames not (RFC 6455 §5.1).
    steps = [
        ("O", request_text("REGISTER", 7001, "Expires: 300"), "", False,
         "REGISTER in a masked WebSocket frame, no Content-Length"),
        ("I", response_text(401, "Unauthorized", "REGISTER", 7001,
                            'WWW-Authenticate: Digest realm="example.com", nonce="7c0a1d5e", algorithm=MD5'), "", False,
         "401 with WWW-Authenticate, no Content-Length"),
        ("O", request_text("PUBLISH", 7002, "Content-Type: application/pidf+xml"),
         "<presence/>\n", False, "PUBLISH with a body and Content-Type, no Content-Length"),
        ("I", response_text(405, "Method Not Allowed", "PUBLISH", 7002), "", False,
         "405 WITHOUT Allow, no Content-Length"),
        ("O", request_text("MESSAGE", 7003), "Hello, Bob.\n", False,
         "MESSAGE with a body WITHOUT Content-Type, no Content-Length"),
        ("I", response_text(415, "Unsupported Media Type", "MESSAGE", 7003, "Accept: text/plain"), "", True,
         "415 with Accept, with Content-Length 0 (allowed over WebSocket too)"),
    ]
    for direction, text, body, with_length, what in steps:
        f.append((direction, ws_frame(ws_sip(text, body, with_length), direction == "O"), what))
    return f


# --------------------------------------------------------------------------

# --------------------------------------------------------------------------
# handmade_fragments: SIP over UDP in IP fragments. A datagram larger than
# the link's MTU travels as IP fragments (RFC 791 §2.3 "fragmentation";
# IPv6: a Fragment header, RFC 8200 §4.5). RFC 3261 §18.1.1: "If a
# request is within 200 bytes of the path MTU, or if it is larger than 1300
# bytes and the path MTU is unknown, the request MUST be sent using an RFC
# 2914 [43] congestion controlled transport protocol, such as TCP." The
# requests below break that rule, as user agents and proxies that keep to
# UDP do; sip4xx has no row for it (an observer cannot tell what path MTU
# the sender knew), and it is not what this capture is about.
# Wireshark reassembles the fragments by default and SIP is read in the
# frame of the last one. With reassembly off (ip.defragment,
# ipv6.defragment), the first fragment's bytes reach the SIP dissector
# alone: the rest of the message is not in that frame, and what is not
# there is not evidence (tests/capture/test_not_captured.py reads this
# capture both ways).
#
# These frames are whole Ethernet frames built here (text2pcap's dummy
# headers cannot fragment), with real IPv4 and UDP checksums.

import ipaddress  # noqa: E402
import struct  # noqa: E402

from inet import inet_checksum  # noqa: E402

FRAG_MTU = 1500
MAC_SERVER, MAC_CLIENT = bytes.fromhex("00005e005301"), bytes.fromhex("00005e005302")


def _udp(src, dst, payload, v6):
    """A UDP datagram 5060 -> 5060 with its checksum over the pseudo-header
    (RFC 768; RFC 8200 §8.1 for IPv6, where it is mandatory)."""
    length = 8 + len(payload)
    a, b = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    pseudo = a + b + (struct.pack("!IxxxB", length, 17) if v6 else struct.pack("!xBH", 17, length))
    head = struct.pack("!HHHH", 5060, 5060, length, 0)
    c = inet_checksum(pseudo + head + payload)
    return struct.pack("!HHHH", 5060, 5060, length, c or 0xFFFF) + payload


def _fragments(src, dst, datagram, ident):
    """Ethernet frames carrying one UDP datagram, fragmented to FRAG_MTU."""
    v6 = ":" in src
    a, b = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    macs = (MAC_CLIENT + MAC_SERVER) if src in (SERVER4, SERVER6) else (MAC_SERVER + MAC_CLIENT)
    room = (FRAG_MTU - 40 - 8) if v6 else (FRAG_MTU - 20)
    room -= room % 8          # every fragment but the last: a multiple of 8 octets
    pieces = [datagram[i:i + room] for i in range(0, len(datagram), room)] or [b""]
    frames = []
    for k, piece in enumerate(pieces):
        offset, more = k * room, k + 1 < len(pieces)
        if len(pieces) == 1:
            body, nxt = piece, 17
        elif v6:
            body, nxt = struct.pack("!BBHI", 17, 0, offset | more, ident) + piece, 44
        if v6:
            ip = struct.pack("!IHBB", 6 << 28, len(body), nxt, 64) + a + b + body
            frames.append(macs + b"\x86\xdd" + ip)
        else:
            head = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(piece), ident,
                               (0x2000 if more else 0) | offset // 8, 64, 17, 0) + a + b
            head = head[:10] + struct.pack("!H", inet_checksum(head)) + head[12:]
            frames.append(macs + b"\x08\x00" + head + piece)
    return frames


def _path_vias(prefix, hops):
    """The Via lines a request collects on its way through `hops` proxies
    before the last one (RFC 3261 §16.6 step 8: each proxy adds its own
    on top), as they appear under the top Via."""
    return "".join("Via: SIP/2.0/UDP proxy{:02d}.{}.example.net;branch=z9hG4bK{}hop{:02d}\n".format(
        h, prefix, prefix, h) for h in range(hops, 0, -1))


def _below_top_via(msg, vias):
    """msg with `vias` (lines ending in "\\n") inserted under its first Via."""
    head, sep, body = msg.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    first = next(i for i, l in enumerate(lines) if l.lower().startswith(b"via:"))
    extra = [v.encode() for v in vias.splitlines()]
    head = b"\r\n".join(lines[:first + 1] + extra + lines[first + 1:])
    return head + sep + body


def build_fragments():
    F = Frames()
    O, I = "O", "I"

    def send(direction, msg, desc, ident, v6=False):
        src, dst = ((CLIENT6, SERVER6) if v6 else (CLIENT4, SERVER4)) if direction == O else \
                   ((SERVER6, CLIENT6) if v6 else (SERVER4, CLIENT4))
        frames = _fragments(src, dst, _udp(src, dst, msg, v6), ident)
        for k, fr in enumerate(frames, 1):
            F.add(direction, fr, "{} ({} of {})".format(desc, k, len(frames)) if len(frames) > 1 else desc,
                  dt=0.0002 if k > 1 else 0.02)

    # A registration through 26 proxies, seen at the registrar: every
    # message is over 1480 bytes, and its From, To, Call-ID, CSeq (and the
    # 401's challenge) sit in its second fragment.
    vias = _path_vias("reg", 26)
    reg = Tx("REGISTER", "frag1@192.0.2.20", "a1", 1, "z9hG4bKfrag1", ruri="sip:example.com",
             frm=ALICE_NA, to=ALICE_NA, contact=ALICE_CONTACT, extra="Expires: 3600")
    send(O, _below_top_via(reg.request(), vias), "REGISTER via 26 proxies", 0x101)
    send(I, _below_top_via(reg.response(401, "Unauthorized",
                                        challenge("WWW-Authenticate", "example.com", "fr4gn0nce")), vias),
         "401 with WWW-Authenticate in the second fragment", 0x102)
    reg2 = Tx("REGISTER", reg.call, reg.ftag, 2, "z9hG4bKfrag2", ruri="sip:example.com",
              frm=ALICE_NA, to=ALICE_NA, contact=ALICE_CONTACT,
              extra="Expires: 3600\n" + digest("Authorization", "alice", "example.com", "fr4gn0nce",
                                               "sip:example.com", "0123456789abcdef0123456789abcdef"))
    send(O, _below_top_via(reg2.request(), vias), "REGISTER with credentials", 0x103)
    send(I, _below_top_via(reg2.response(200, "OK", "Contact: {};expires=3600".format(ALICE_CONTACT)), vias),
         "200 OK", 0x104)

    # A MESSAGE whose header section fits the first fragment and whose
    # body does not; the 415 that refuses it says what it accepts.
    note = "".join("line {:03d} of a long note that does not fit one frame\n".format(i) for i in range(40))
    msg = Tx("MESSAGE", "frag2@192.0.2.20", "a2", 1, "z9hG4bKfrag3", contact=None,
             extra="Content-Type: text/x-long-note", body=note)
    send(O, msg.request(), "MESSAGE with a 2,120-byte body", 0x105)
    send(I, msg.response(415, "Unsupported Media Type", "Accept: text/plain"), "415 Accept: text/plain", 0x106)

    # Over IPv6: a PUBLISH through 26 proxies, refused by a 405 without
    # Allow, whose missing Allow is only known from the whole message.
    vias6 = _path_vias("pub", 26)
    pub = Tx("PUBLISH", "frag3@2001:db8::20", "a3", 1, "z9hG4bKfrag4", ruri="sip:alice@example.com",
             frm=ALICE_NA, to=ALICE_NA, via="[2001:db8::20]:5060", contact=None,
             extra="Event: presence\nExpires: 3600\nContent-Type: application/pidf+xml",
             body='<?xml version="1.0"?><presence entity="sip:alice@example.com"/>\n')
    send(O, _below_top_via(pub.request(), vias6), "PUBLISH via 26 proxies (IPv6)", 0x107, v6=True)
    send(I, _below_top_via(pub.response(405, "Method Not Allowed"), vias6),
         "405 WITHOUT Allow (IPv6)", 0x108, v6=True)
    return F.f


CAPTURES = [
    # name, builder, transport, ipv6
    ("handmade_codes", build_codes, "udp", False),
    ("handmade_obligations", build_obligations, "udp", False),
    ("handmade_forms", build_forms, "udp", False),
    ("handmade_tcp", build_tcp, "tcp", False),
    ("handmade_ipv6", build_ipv6, "udp", True),
    ("handmade_malformed", build_malformed, "udp", False),
    ("handmade_exchange", build_exchange, "udp", False),
    ("handmade_exchange_tcp", build_exchange_tcp, "tcp", False),
    ("handmade_bye487", build_bye487, "udp", False),
    ("handmade_limits", build_limits, "udp", False),
    ("handmade_scanner", build_scanner, "udp", False),
    ("handmade_frozen", build_frozen, "udp", False),
    ("handmade_truth", build_truth, "udp", False),
    ("handmade_truth_tcp", build_truth_tcp, "tcp", False),
    ("handmade_websocket", build_websocket, "ws", False),
    ("handmade_fragments", build_fragments, "raw", False),
    ("handmade_sctp", build_sctp, "sctp", False),
]



def frame_time(i, frame):
    """Timestamp text of frame i: 0.1 s apart, unless the frame carries its
    own time (a 4th element, microseconds after BASE_DATETIME)."""
    if len(frame) > 3:
        return (BASE_DATETIME + datetime.timedelta(microseconds=frame[3])).strftime("%Y-%m-%d %H:%M:%S.%f")
    return BASE_TIME.format(i // 10, (i % 10) * 100000)


def hexdump(frames):
    """text2pcap input: per frame a direction+time line, then offset/hex lines."""
    out = []
    for i, frame in enumerate(frames):
        direction, data = frame[0], frame[1]
        out.append("{} {}".format(direction, frame_time(i, frame)))
        for off in range(0, len(data), 16):
            chunk = data[off:off + 16]
            out.append("{:06x}  {}".format(off, " ".join("{:02x}".format(b) for b in chunk)))
        out.append("")
    return "\n".join(out) + "\n"


def write_capture(name, frames, transport, ipv6):
    path = os.path.join(OUT_DIR, name + ".pcap")
    for frame in frames:
        assert len(frame[1]) < 65000, (name, frame[2], len(frame[1]))
    # "I" frames are server->client: source is the first address/port.
    if ipv6:
        ip = ["-6", "{},{}".format(SERVER6, CLIENT6)]
    else:
        ip = ["-4", "{},{}".format(SERVER4, CLIENT4)]
    if transport == "raw":
        ip, l4 = [], []     # whole Ethernet frames (build_fragments)
    elif transport == "tcp":
        l4 = ["-T", "5060,{}".format(CLIENT_TCP_PORT)]
    elif transport == "sctp":
        l4 = ["-S", "5060,5060,0"]   # one DATA chunk per frame, PPI 0 (RFC 4168 §5)
    elif transport == "ws":
        l4 = ["-T", "80,{}".format(CLIENT_TCP_PORT)]   # HTTP's port: the Upgrade is seen
    else:
        l4 = ["-u", "5060,5060"]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
        tmp.write(hexdump(frames))
    try:
        env = dict(os.environ, TZ="UTC")
        res = subprocess.run(["text2pcap", "-q", "-F", "pcap", "-D",
                              "-t", "%Y-%m-%d %H:%M:%S.%f"] + ip + l4 + [tmp.name, path],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        if res.returncode != 0:
            sys.stderr.write(res.stdout + res.stderr)
            raise SystemExit("text2pcap failed for " + name)
    finally:
        os.unlink(tmp.name)
    return path


def main(argv):
    if "--list" in argv or "--print" in argv:
        for name, build, transport, ipv6 in CAPTURES:
            print("== {}.pcap ({}{})".format(name, transport, ", IPv6" if ipv6 else ""))
            for i, frame in enumerate(build(), 1):
                d, data, desc = frame[:3]
                arrow = "client->server" if d == "O" else "server->client"
                when = "  @" + frame_time(i - 1, frame)[11:] if len(frame) > 3 else ""
                print("{:4d}  {}  {}  ({} bytes){}".format(i, arrow, desc, len(data), when))
                if "--print" in argv:
                    text = data.decode("utf-8", "backslashreplace")
                    if len(text) > 3000:
                        text = text[:1500] + "\n[... {} bytes ...]\n".format(len(text) - 3000) + text[-1500:]
                    print(textwrap.indent(text.replace("\r\n", "\n"), "      | "))
        return 0
    for name, build, transport, ipv6 in CAPTURES:
        frames = build()
        path = write_capture(name, frames, transport, ipv6)
        print("{}: {} frames".format(os.path.relpath(path), len(frames)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
