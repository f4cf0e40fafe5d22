#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What was not captured is not judged.

RFC 3261 states obligations about whole messages (§8.1.1, §8.2.6.2: the
headers a message MUST carry; §7: the CRLF that ends its header section). A
header section the capture does not hold whole says nothing about the
headers past the cut, so sip4xx must not report them as missing, nor call
the message malformed for the end it lacks, nor judge a cause or a retry
on it. So:

  (i)   every capture in captures/ cut with `editcap -s 80`, `-s 200` and
        `-s 400` (snaplen): for every frame, the findings (expert infos
        sip4xx.missing_header.must/.should, sip4xx.malformed,
        sip4xx.retry.violation, sip4xx.retry.unmodified,
        sip4xx.cause.problem, with their text) are a sub-multiset of the
        findings of the full capture: truncation never adds a finding. A
        message marked sip4xx.truncated has no missing-header finding, and
        at -s 80 every UDP 4xx of the full capture whose status line still
        fits (Wireshark's SIP dissector reads it) is marked truncated (42
        bytes of Ethernet/IPv4/UDP leave 38 bytes of SIP: never a whole
        header section), so the cut is seen, not just ignored.
  (ii)  the captures that hold TCP, read with
        `-o tcp.desegment_tcp_streams:FALSE`: a message split over two
        segments is seen as a cut first part and a second part that does
        not begin like SIP ("Continuation"); neither may add a finding. In
        the whole capture findings may move to an earlier frame (a message
        whose header section is whole in its first segment is judged
        there, not where Wireshark would have reassembled it), so the
        multiset is compared per capture; and the first parts that are cut
        inside the header section are marked truncated, the second parts
        get nothing (handmade_tcp frames 11/12, handmade_exchange_tcp
        frames 8/9); neither cut 4xx says that no request matches it
        (handmade_tcp's 488 is cut before its CSeq: it names no
        transaction, and its request is in the capture).
  (ii') every capture read with `-o ip.defragment:FALSE -o
        ipv6.defragment:FALSE`: a UDP datagram in IP fragments is then
        read from its first fragment alone, the rest is in frames the SIP
        dissector does not see; no finding may be added over the capture,
        and in handmade_fragments.pcap the 4xx whose header sections are
        cut by their first fragment (frames 3: a 401 over IPv4, 14: a 405
        over IPv6) are marked truncated, and the frames of their last
        fragments (4, 15) get nothing.
  (iii) SIP quoted in an ICMP / ICMPv6 error (RFC 792 / RFC 4443: "as much
        of invoking packet as possible"): a port unreachable quoting a
        "SIP/2.0 486 Busy Here" cut after 60 bytes of SIP, one quoting a
        whole 486, and an ICMPv6 one quoting a whole 486. None was a
        message on the wire at that point: sip4xx adds no sip4xx tree at
        all (no code, no malformed).
  (iv)  handmade_truth.pcap frame 1 has a Reason-Phrase with byte 0xFF:
        tshark -T json, -T ek and -T pdml output is strict UTF-8 and parses
        (json.loads, json.loads per ek line, xml.dom.minidom), and
        sip4xx.reason_sent is "Busy ?Here". Frame 19 (477):
        sip4xx.meaning says "Not an IANA-registered code".

tshark runs through run_capture_test.run_tshark (unprivileged, private
HOME, plugin just built).
"""

import collections
import concurrent.futures
import glob
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.dom.minidom
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "captures", "gen"))
import inet  # noqa: E402
import run_capture_test as rct  # noqa: E402

FINDINGS = ("sip4xx.missing_header.must", "sip4xx.missing_header.should", "sip4xx.malformed",
            "sip4xx.retry.violation", "sip4xx.retry.unmodified", "sip4xx.cause.problem")
SNAPLENS = (80, 200, 400)
NO_DESEGMENT = ["-o", "tcp.desegment_tcp_streams:FALSE"]
NO_DEFRAGMENT = ["-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"]


class Frame:
    def __init__(self):
        self.findings = collections.Counter()  # (expert name, its text)
        self.messages = []                     # per sip4xx tree: set of field names
        self.protos = set()
        self.cut = False                       # captured length < reported length


def dissect(capture, opts, extra=()):
    """frame number -> Frame, from tshark -2 -T pdml (findings on a 4xx that
    point to later frames exist from the second pass on)."""
    xml_text = rct.run_tshark(["-n", "-2", "-r", capture] + list(extra) + ["-T", "pdml"], opts, capture)
    frames = {}
    for packet in ET.fromstring(xml_text).iter("packet"):
        fr = Frame()
        num = None
        for proto in packet.findall("proto"):
            name = proto.get("name")
            fr.protos.add(name)
            for f in proto.iter("field"):
                if f.get("name") == "num" and name == "geninfo":
                    num = int(f.get("show"))
                elif f.get("name") == "frame.cap_len":
                    cap_len = int(f.get("show"))
                elif f.get("name") == "frame.len":
                    length = int(f.get("show"))
            if name == "icmp" or name == "icmpv6":
                fr.protos.update(p.get("name") for p in proto.iter("proto"))
        fr.cut = cap_len < length
        for proto in packet.iter("proto"):
            if proto.get("name") != "sip4xx":
                continue
            fields = set()
            for f in proto.iter("field"):
                fields.add(f.get("name"))
                if f.get("name") in FINDINGS:
                    fr.findings[(f.get("name"), f.get("showname"))] += 1
            fr.messages.append(fields)
        frames[num] = fr
    return frames


def extra_findings(full, other, per_frame=True):
    """Findings in `other` that `full` does not have: per frame, or over
    the whole capture."""
    if per_frame:
        out = []
        for num, fr in sorted(other.items()):
            added = fr.findings - (full[num].findings if num in full else collections.Counter())
            out += [f"frame {num}: {name}: {text}" for (name, text) in sorted(added.elements())]
        return out
    total_full = sum((fr.findings for fr in full.values()), collections.Counter())
    total_other = sum((fr.findings for fr in other.values()), collections.Counter())
    return [f"{name}: {text}" for (name, text) in sorted((total_other - total_full).elements())]


def truncated_with_missing(frames):
    return [f"frame {num}: a message marked truncated has a missing-header finding"
            for num, fr in sorted(frames.items())
            for m in fr.messages
            if "sip4xx.truncated" in m and "sip4xx.missing_header" in m]


def editcap(src, dst, snaplen):
    p = subprocess.run(["editcap", "-s", str(snaplen), src, dst],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        # editcap 4.0 cannot write every pcapng it reads (real_openssl_tls's
        # decryption secrets block): cut the packet blocks here instead.
        if not cut_pcapng(src, dst, snaplen):
            sys.exit(f"editcap -s {snaplen} {src} failed: {p.stdout}")


def cut_pcapng(src, dst, snaplen):
    """editcap -s for a pcapng: every Enhanced Packet Block keeps at most
    snaplen bytes (its original length unchanged); other blocks are copied."""
    with open(src, "rb") as f:
        data = f.read()
    if data[:4] != b"\x0a\x0d\x0d\x0a":
        return False
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    out, pos = [], 0
    while pos < len(data):
        btype, blen = struct.unpack(e + "II", data[pos:pos + 8])
        block = data[pos:pos + blen]
        if btype == 6:
            caplen = struct.unpack(e + "I", block[20:24])[0]
            padded = (caplen + 3) & ~3
            keep = min(caplen, snaplen)
            body = block[8:20] + struct.pack(e + "I", keep) + block[24:28] + block[28:28 + keep]
            body += b"\0" * (-len(body) % 4) + block[28 + padded:blen - 4]
            block = struct.pack(e + "II", 6, len(body) + 12) + body + struct.pack(e + "I", len(body) + 12)
        out.append(block)
        pos += blen
    with open(dst, "wb") as f:
        f.write(b"".join(out))
    return True


# --------------------------------------------------------------------------
# (iii) ICMP errors quoting SIP, written with struct (pcap, Ethernet).

checksum = inet.inet_checksum


def ipv4(src, dst, proto, payload, total=None):
    """IPv4 header + payload; `total` is the length the header states (the
    original datagram's, when an ICMP error quotes only part of it)."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total or 20 + len(payload), 0x1234, 0, 64, proto, 0,
                      bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nxt, payload, plen=None):
    import ipaddress
    return struct.pack("!IHBB16s16s", 6 << 28, plen if plen is not None else len(payload), nxt, 64,
                       ipaddress.IPv6Address(src).packed, ipaddress.IPv6Address(dst).packed) + payload


def udp(sport, dport, payload, length=None):
    return struct.pack("!HHHH", sport, dport, length or 8 + len(payload), 0) + payload


BUSY = (b"SIP/2.0 486 Busy Here\r\n"
        b"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKicmp1;received=192.0.2.20\r\n"
        b"From: <sip:alice@example.com>;tag=a1\r\n"
        b"To: <sip:bob@example.com>;tag=b1\r\n"
        b"Call-ID: icmp1@192.0.2.20\r\n"
        b"CSeq: 1 INVITE\r\n"
        b"Content-Length: 0\r\n\r\n")


def icmp_capture(path):
    """Frame 1: ICMP port unreachable (type 3 code 3) from 192.0.2.20
    quoting the 486 it could not deliver, cut after 60 bytes of SIP (the
    quoted IP and UDP headers state the whole length). Frame 2: the same
    quoting the whole 486 (it fits the 576 bytes of RFC 1812 §4.3.2.3).
    Frame 3: ICMPv6 destination unreachable, port unreachable (type 1
    code 4) quoting a whole 486 over IPv6."""
    frames = []
    for cut in (60, None):
        sip = BUSY[:cut] if cut else BUSY
        quoted = ipv4("192.0.2.10", "192.0.2.20", 17, udp(5060, 5060, sip, 8 + len(BUSY)),
                      total=20 + 8 + len(BUSY))
        icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
        icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
        frames.append(b"\x00\x00\x5e\x00\x53\x02\x00\x00\x5e\x00\x53\x01\x08\x00"
                      + ipv4("192.0.2.20", "192.0.2.10", 1, icmp))
    quoted6 = ipv6("2001:db8::10", "2001:db8::20", 17, udp(5060, 5060, BUSY))
    icmp6 = struct.pack("!BBHI", 1, 4, 0, 0) + quoted6  # checksum left 0: not what is tested
    frames.append(b"\x00\x00\x5e\x00\x53\x02\x00\x00\x5e\x00\x53\x01\x86\xdd"
                  + ipv6("2001:db8::20", "2001:db8::10", 58, icmp6))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1704067200 + i, 0, len(fr), len(fr)) + fr)


# --------------------------------------------------------------------------
# (iv) run_tshark decodes with errors="replace", which would hide bytes that
# are not UTF-8. Read tshark's output as latin-1 instead (one char per byte,
# nothing lost), and return the bytes.

def run_tshark_bytes(args, opts, capture):
    return rct.run_tshark(args, opts, capture, encoding="latin-1").encode("latin-1")


def check_output_formats(capture, opts):
    errors = []
    outputs = {}
    for fmt in ("json", "ek", "pdml"):
        raw = run_tshark_bytes(["-n", "-r", capture, "-T", fmt], opts, capture)
        try:
            text = raw.decode("utf-8", "strict")
        except UnicodeDecodeError as e:
            errors.append(f"-T {fmt}: not UTF-8: {e} near {raw[max(0, e.start - 40):e.start + 10]!r}")
            continue
        try:
            if fmt == "json":
                json.loads(text)
            elif fmt == "ek":
                for line in text.splitlines():
                    if line.strip():
                        json.loads(line)
            else:
                xml.dom.minidom.parseString(raw)
        except Exception as e:  # any parser error is the failure being tested
            errors.append(f"-T {fmt}: does not parse: {e}")
        outputs[fmt] = text
    fields = rct.run_tshark(["-n", "-r", capture, "-T", "fields", "-e", "frame.number", "-e", "sip4xx.reason_sent",
                             "-e", "sip4xx.meaning"], opts, capture)
    rows = {int(r.split("\t")[0]): r.split("\t")[1:] for r in fields.splitlines()}
    if rows.get(1, [None])[0] != "Busy ?Here":
        errors.append(f"frame 1: sip4xx.reason_sent is {rows.get(1)!r}, expected 'Busy ?Here' (0xFF as '?')")
    if "Not an IANA-registered code" not in (rows.get(19) or ["", ""])[1]:
        errors.append(f"frame 19 (477): sip4xx.meaning is {rows.get(19)!r}, lacks 'Not an IANA-registered code'")
    if "Busy ?Here" not in outputs.get("json", "Busy ?Here"):
        errors.append("-T json: sip4xx.reason_sent 'Busy ?Here' not in the output")
    return errors


def main():
    ap = rct.argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--captures", required=True, help="the captures/ folder")
    ap.add_argument("-j", type=int, default=4, help="tshark runs at once")
    opts = ap.parse_args()

    captures = sorted(glob.glob(os.path.join(opts.captures, "*.pcap"))
                      + glob.glob(os.path.join(opts.captures, "*.pcapng")))
    if not captures:
        sys.exit(f"no captures in {opts.captures}")
    tmp = tempfile.mkdtemp(prefix="sip4xx-notcaptured-")
    failures = []
    try:
        jobs = {}
        with concurrent.futures.ThreadPoolExecutor(opts.j) as pool:
            for cap in captures:
                name = os.path.basename(cap)
                jobs[(name, "full")] = pool.submit(dissect, cap, opts)
                jobs[(name, "nodeseg")] = pool.submit(dissect, cap, opts, NO_DESEGMENT)
                jobs[(name, "nodefrag")] = pool.submit(dissect, cap, opts, NO_DEFRAGMENT)
                for s in SNAPLENS:
                    cut = os.path.join(tmp, f"s{s}-{name}")
                    editcap(cap, cut, s)
                    jobs[(name, s)] = pool.submit(dissect, cut, opts)
            res = {k: v.result() for k, v in jobs.items()}

        n_truncated = 0
        for cap in captures:
            name = os.path.basename(cap)
            full = res[(name, "full")]
            # (i) snaplen
            for s in SNAPLENS:
                cut = res[(name, s)]
                if set(cut) != set(full):
                    failures.append(f"{name} -s {s}: frame count differs")
                    continue
                for e in extra_findings(full, cut) + truncated_with_missing(cut):
                    failures.append(f"{name} -s {s}: {e}")
                n_truncated += sum("sip4xx.truncated" in m for fr in cut.values() for m in fr.messages)
                if s == 80:
                    for num, fr in sorted(full.items()):
                        if ("udp" in fr.protos and cut[num].cut and "sip" in cut[num].protos
                                and any("sip4xx.code" in m for m in fr.messages)
                                and not any("sip4xx.truncated" in m for m in cut[num].messages)):
                            failures.append(f"{name} -s 80: frame {num}: a 4xx cut after 38 bytes of SIP, "
                                            f"its status line whole, is not marked sip4xx.truncated")
            # (ii) TCP without reassembly
            if any("tcp" in fr.protos for fr in full.values()):
                nodeseg = res[(name, "nodeseg")]
                for e in extra_findings(full, nodeseg, per_frame=False) + truncated_with_missing(nodeseg):
                    failures.append(f"{name} without TCP reassembly: {e}")
            # (ii') IP without reassembly
            nodefrag = res[(name, "nodefrag")]
            for e in extra_findings(full, nodefrag, per_frame=False) + truncated_with_missing(nodefrag):
                failures.append(f"{name} without IP reassembly: {e}")
        if n_truncated == 0:
            failures.append("no message in any cut copy is marked sip4xx.truncated")
        for name, first, second in (("handmade_tcp.pcap", 11, 12), ("handmade_exchange_tcp.pcap", 8, 9)):
            if (name, "nodeseg") not in res:
                failures.append(f"{name} is not in {opts.captures}")
                continue
            nodeseg = res[(name, "nodeseg")]
            if not any("sip4xx.truncated" in m for m in nodeseg[first].messages):
                failures.append(f"{name} without TCP reassembly: frame {first} (a message cut inside its "
                                f"header section) is not marked sip4xx.truncated")
            if any("sip4xx.no_request" in m for m in nodeseg[first].messages):
                failures.append(f"{name} without TCP reassembly: frame {first} (a 4xx cut inside its header "
                                f"section, its request in the capture) says no request matches it")
            if nodeseg[second].messages:
                failures.append(f"{name} without TCP reassembly: frame {second} (the rest of a message, "
                                f"\"Continuation\") gets sip4xx output: {sorted(set().union(*nodeseg[second].messages))}")

        if ("handmade_fragments.pcap", "nodefrag") not in res:
            failures.append(f"handmade_fragments.pcap is not in {opts.captures}")
        else:
            nodefrag = res[("handmade_fragments.pcap", "nodefrag")]
            for first, last in ((3, 4), (14, 15)):
                if "sip" not in nodefrag[first].protos:
                    failures.append(f"handmade_fragments.pcap without IP reassembly: frame {first}: stock "
                                    f"tshark does not dissect the first fragment as SIP (the case tests nothing)")
                elif not any("sip4xx.truncated" in m for m in nodefrag[first].messages):
                    failures.append(f"handmade_fragments.pcap without IP reassembly: frame {first} (a 4xx whose "
                                    f"header section goes on in the next fragment) is not marked sip4xx.truncated")
                if nodefrag[last].messages:
                    failures.append(f"handmade_fragments.pcap without IP reassembly: frame {last} (a last "
                                    f"fragment) gets sip4xx output")

        # (iii) ICMP
        icmp = os.path.join(tmp, "icmp_quotes_sip.pcap")
        icmp_capture(icmp)
        frames = dissect(icmp, opts)
        for num in (1, 2, 3):
            fr = frames.get(num)
            if fr is None or not fr.protos & {"icmp", "icmpv6"}:
                failures.append(f"ICMP capture: frame {num} is not read as ICMP/ICMPv6")
                continue
            if num > 1 and "sip" not in fr.protos:
                failures.append(f"ICMP capture: frame {num}: stock tshark does not dissect the quoted SIP "
                                f"(the case tests nothing)")
            if fr.messages:
                failures.append(f"ICMP capture: frame {num}: sip4xx says something about SIP quoted in an "
                                f"ICMP error: {sorted(set().union(*fr.messages))}")

        # (iv) valid UTF-8 output
        truth = os.path.join(opts.captures, "handmade_truth.pcap")
        failures += [f"handmade_truth.pcap: {e}" for e in check_output_formats(truth, opts)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if failures:
        print(f"{len(failures)} failure(s):", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        sys.exit(1)
    print(f"{len(captures)} captures: cut at {', '.join(map(str, SNAPLENS))} bytes and read without TCP "
          f"or IP reassembly, no finding added ({n_truncated} messages marked truncated); ICMP quotes silent; "
          f"json/ek/pdml valid UTF-8")


if __name__ == "__main__":
    main()
