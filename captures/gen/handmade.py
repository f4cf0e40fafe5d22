#!/usr/bin/env python3
"""Regenerate the hand-made edge-case captures in captures/.

    python3 captures/gen/handmade.py            # write captures/handmade_*.pcap
    python3 captures/gen/handmade.py --list     # frame index of every capture
    python3 captures/gen/handmade.py --print    # every message as text

Each SIP message is written below as readable text (one header per line,
"\\n" line ends); sip() turns it into wire bytes with CRLF line ends (or
bare LF where a case says so). Each capture is a list of frames; a frame
is one UDP datagram or one TCP segment (which may hold several messages,
or part of one). The frames are turned into text2pcap's hex-dump input
and text2pcap adds dummy Ethernet/IP/UDP|TCP headers. All SIP is on port
5060. The direction of a frame (client->server "O" or server->client "I")
is given to text2pcap with -D, which swaps addresses and ports for "O".

The expected sip4xx output for each capture is written by hand in
tests/capture/<name>.expect; --list prints the frame numbers those files
refer to. Standard library only; needs text2pcap (Wireshark 4.x) on PATH.
"""

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

CAPTURES = [
    # name, builder, transport, ipv6
    ("handmade_codes", build_codes, "udp", False),
    ("handmade_obligations", build_obligations, "udp", False),
    ("handmade_forms", build_forms, "udp", False),
    ("handmade_tcp", build_tcp, "tcp", False),
    ("handmade_ipv6", build_ipv6, "udp", True),
    ("handmade_malformed", build_malformed, "udp", False),
]


def hexdump(frames):
    """text2pcap input: per frame a direction+time line, then offset/hex lines."""
    out = []
    for i, (direction, data, _desc) in enumerate(frames):
        out.append("{} {}".format(direction, BASE_TIME.format(i // 10, (i % 10) * 100000)))
        for off in range(0, len(data), 16):
            chunk = data[off:off + 16]
            out.append("{:06x}  {}".format(off, " ".join("{:02x}".format(b) for b in chunk)))
        out.append("")
    return "\n".join(out) + "\n"


def write_capture(name, frames, transport, ipv6):
    path = os.path.join(OUT_DIR, name + ".pcap")
    for _d, data, desc in frames:
        assert len(data) < 65000, (name, desc, len(data))
    # "I" frames are server->client: source is the first address/port.
    if ipv6:
        ip = ["-6", "{},{}".format(SERVER6, CLIENT6)]
    else:
        ip = ["-4", "{},{}".format(SERVER4, CLIENT4)]
    if transport == "tcp":
        l4 = ["-T", "5060,{}".format(CLIENT_TCP_PORT)]
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
            for i, (d, data, desc) in enumerate(build(), 1):
                arrow = "client->server" if d == "O" else "server->client"
                print("{:4d}  {}  {}  ({} bytes)".format(i, arrow, desc, len(data)))
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
