#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The long state captures of tests/fuzz/long_run.sh, written outside the
repository (they are ~140 MB each):

    tests/fuzz/make_long_captures.py OUTDIR [--frames N] [--gap SECONDS]

long_scanner.pcap: captures/handmade_scanner.pcap (captures/gen/handmade.py,
build_scanner) at scale: a scanner sends one request every --gap seconds
(default 0.02: 50 a second), each on a Call-ID and branch of its own,
cycling through the same four fates (request i, i % 4): 0 INVITE never
answered (Timer B, 32 s), 1 OPTIONS answered 404 at once (the 404 and its
transaction kept 32 s), 2 INVITE answered 100 Trying only (Timer C: freed
192 s after the request), 3 OPTIONS never answered (Timer F, 32 s). Until
at least --frames frames (default 300,000: 200,000 requests over 4,000 s).
What sip4xx keeps must follow the timers, not the length of the scan: with
requests every g seconds, each fate comes every 4g, so at most
  transactions  32/4g + 32/4g + 192/4g + 32/4g = 72/g   (3,600 at 0.02 s)
  4xx waiting   32/4g = 8/g                             (400)
  calls         = transactions (each on its own Call-ID)
  open at once  unanswered + waiting = 72/g, +1 while a request arrives
(tests/capture/test_state_bounds.py derives the same at g = 2 s: 36, 4, 36,
37); long_run.sh allows one more per fate for a window that ends on the
instant a request arrives. The messages are build_scanner's, the SDP
media port aside (media() below); the requests are exactly --gap apart,
the 404 or 100 50 ms after its request (half the gap if shorter).

long_frozen.pcap: captures/handmade_frozen.pcap (build_frozen) at scale:
every frame at one instant, so no window ever passes and only the caps
bound the state. Blocks of 60 INVITEs answered 200 (dialogs that never
end), 100 OPTIONS never answered, 100 OPTIONS answered 404 (420 frames),
every block with Call-IDs, tags and branches of its own, until at least
--frames frames (715 blocks: 300,300 frames; 42,900 dialogs, 71,500
unanswered OPTIONS and 71,500 answered 404). Read with max_open_total 20 and
max_dialogs 10 (test_state_bounds.py's preferences), the expiry ring's cap
(4 * 20 + 64 entries) forces an expiry for nearly every message, and the
bounds do not depend on the length: calls 176, transactions 146, waiting
20, entries 146, open at once 20, dialogs 10. At the default caps
(200,000 each) the file fills the state to 143,000 open (unanswered + 4xx
waiting) and 42,900 dialogs, and nothing is freed before the end.

The messages are the ones handmade.py writes (its Tx class); the frames get
Ethernet, IPv4 (192.0.2.20 -> 192.0.2.10 for requests) and UDP 5060 -> 5060
headers (UDP checksum 0), written here as pcap rather than through
text2pcap, for speed. Standard library only. The output is byte for byte
the same for the same arguments. Prints one line per file:
    NAME FRAMES REQUESTS PATH
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "captures", "gen"))
import handmade as hm  # noqa: E402

SERVER, CLIENT = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 20])
MAC_SERVER, MAC_CLIENT = bytes.fromhex("020000000010"), bytes.fromhex("020000000020")
START = 1704067200  # 2024-01-01 00:00:00 UTC, as handmade.py


def ip_checksum(header):
    s = sum(struct.unpack("!10H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # LINKTYPE_ETHERNET
        self.frames = 0
        self.ip_id = 0

    def add(self, direction, payload, usecs):
        """direction "O": client -> server; "I": server -> client."""
        src, dst = (CLIENT, SERVER) if direction == "O" else (SERVER, CLIENT)
        smac, dmac = (MAC_CLIENT, MAC_SERVER) if direction == "O" else (MAC_SERVER, MAC_CLIENT)
        udp = struct.pack("!HHHH", 5060, 5060, 8 + len(payload), 0) + payload
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), self.ip_id, 0, 64, 17, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
        frame = dmac + smac + b"\x08\x00" + ip + udp
        self.f.write(struct.pack("<IIII", START + usecs // 1000000, usecs % 1000000, len(frame), len(frame)))
        self.f.write(frame)
        self.frames += 1

    def close(self):
        self.f.close()


def media(n):
    """handmade.py's SDP offer on media port 16384 + 2 * (n % 24576): with
    one port for every call, stock tshark's RTP setup (srtp_add_address,
    called by the SDP dissector) walks a list that grows with every offer
    for that address, and its strcmp, intercepted by ASan, made a summary
    pass over long_scanner take more than 9 CPU-minutes."""
    return hm.EX_SDP.replace("49170", str(16384 + 2 * (n % 24576)))


def scanner(path, min_frames, gap_us):
    """build_scanner's four fates, request after request, gap_us apart; the
    404 or 100 Trying 50 ms after its request (half the gap if that is
    shorter: time in the file always moves forward)."""
    out = Pcap(path)
    answer_us = min(50000, gap_us // 2)
    t = 0
    i = 0
    while out.frames < min_frames:
        ext = 1000 + i
        method = "INVITE" if i % 2 == 0 else "OPTIONS"
        tx = hm.Tx(method, "scan{}@192.0.2.20".format(i), "s{}".format(i), 1, "z9hG4bKscan{}".format(i),
                   ruri="sip:{}@example.com".format(ext), to="<sip:{}@example.com>".format(ext),
                   extra="User-Agent: sweep" + ("\n" + "Content-Type: application/sdp" if method == "INVITE" else ""),
                   body=media(i) if method == "INVITE" else "")
        t += gap_us if i else 20000
        out.add("O", tx.request(), t)
        if i % 4 == 1:
            out.add("I", tx.response(404, "Not Found"), t + answer_us)
        elif i % 4 == 2:
            out.add("I", tx.response(100, "Trying", tag=False), t + answer_us)
        i += 1
    out.close()
    return out.frames, i


def frozen(path, min_frames):
    """build_frozen's block, again and again, every frame at one instant."""
    out = Pcap(path)
    sdp = "Content-Type: application/sdp"
    b = 0
    requests = 0
    while out.frames < min_frames:
        for i in range(60):
            tx = hm.Tx("INVITE", "frz-d{}-{}@192.0.2.20".format(b, i), "f{}x{}".format(b, i), 1,
                       "z9hG4bKfrzd{}x{}".format(b, i), extra=sdp, body=media(b * 60 + i))
            out.add("O", tx.request(), 0)
            out.add("I", tx.response(200, "OK", "Contact: " + hm.BOB_CONTACT), 0)
        for i in range(100):
            tx = hm.Tx("OPTIONS", "frz-u{}-{}@192.0.2.20".format(b, i), "g{}x{}".format(b, i), 1,
                       "z9hG4bKfrzu{}x{}".format(b, i))
            out.add("O", tx.request(), 0)
        for i in range(100):
            tx = hm.Tx("OPTIONS", "frz-n{}-{}@192.0.2.20".format(b, i), "h{}x{}".format(b, i), 1,
                       "z9hG4bKfrzn{}x{}".format(b, i))
            out.add("O", tx.request(), 0)
            out.add("I", tx.response(404, "Not Found"), 0)
        requests += 260
        b += 1
    out.close()
    return out.frames, requests


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--frames", type=int, default=300000, help="at least this many frames per file")
    ap.add_argument("--gap", type=float, default=0.02, help="seconds between the scanner's requests")
    opts = ap.parse_args()
    os.makedirs(opts.outdir, exist_ok=True)
    gap_us = int(round(opts.gap * 1000000))
    if gap_us < 2:
        sys.exit("--gap: at least 2 microseconds")
    for name, build in (("long_scanner", lambda p: scanner(p, opts.frames, gap_us)),
                        ("long_frozen", lambda p: frozen(p, opts.frames))):
        path = os.path.join(opts.outdir, name + ".pcap")
        frames, requests = build(path + ".tmp")
        os.replace(path + ".tmp", path)
        print(name, frames, requests, path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
