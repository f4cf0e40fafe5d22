#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The memory worst case of sip4xx's state: a scanner's requests that nobody
answers, every frame stamped with one instant, so no RFC 3261 window ever
passes and only the limits (max_open_total, the expiry ring's cap) bound
what is kept. Each request has a Call-ID and a branch of its own and every
header RFC 3261 §8.1.1 asks for (no finding): what sip4xx keeps is its
correlation state, and a record for each request the limit left
untracked (sip4xx.state_limit).

usage: frozen_scanner.py OUT.pcap [FRAMES]   (default 1,000,000 frames)
Writes a classic pcap (Ethernet, IPv4, UDP 5060); a quarter of the
requests are INVITEs, the rest OPTIONS, none with a body (as scanners send
them; an SDP body would make stock tshark set up an RTP conversation per
INVITE, which is not what is measured here).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "captures", "gen"))
from inet import inet_checksum as checksum  # noqa: E402


def request(i):
    method = b"INVITE" if i % 4 == 0 else b"OPTIONS"
    head = (b"%s sip:100@192.0.2.10 SIP/2.0\r\n"
            b"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-scan-%d\r\n"
            b"From: <sip:scan@198.51.100.7>;tag=s%d\r\n"
            b"To: <sip:100@192.0.2.10>\r\n"
            b"Call-ID: scan-%d@198.51.100.7\r\n"
            b"CSeq: 1 %s\r\n"
            b"Max-Forwards: 70\r\n"
            b"Contact: <sip:scan@198.51.100.7:5060>\r\n"
            b"User-Agent: frozen-scanner\r\n"
            % (method, i, i, i, method))
    return head + b"Content-Length: 0\r\n\r\n"


def frame(payload):
    udp = struct.pack("!HHHH", 5060, 5060, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([198, 51, 100, 7]), bytes([192, 0, 2, 10]))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x00\x00\x5e\x00\x53\x02" + b"\x00\x00\x5e\x00\x53\x01" + b"\x08\x00" + ip + udp


def main():
    out = sys.argv[1]
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(frames):
            data = frame(request(i))
            # every frame at one instant: 2026-01-01 00:00:00 UTC
            f.write(struct.pack("<IIII", 1767225600, 0, len(data), len(data)))
            f.write(data)


if __name__ == "__main__":
    main()
