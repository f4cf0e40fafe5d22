# SPDX-License-Identifier: GPL-2.0-or-later
"""The Internet checksum, for the scripts that write IP, UDP and ICMP
headers themselves (captures/gen/handmade.py, tests/bench/frozen_scanner.py,
tests/capture/test_not_captured.py). Standard library only."""

import struct


def inet_checksum(data):
    """RFC 1071: the 16-bit one's complement of the one's complement sum of
    the data taken as 16-bit big-endian words (an odd byte padded with
    zero)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
