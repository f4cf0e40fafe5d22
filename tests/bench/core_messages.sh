#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The SIP messages over UDP of a capture, one per line, for core_bench:
#   frame <TAB> epoch seconds <TAB> UDP payload in hex
# usage: tests/bench/core_messages.sh CAPTURE [FRAMES] > messages.tsv
# FRAMES (default all): read only the first FRAMES frames.
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 CAPTURE [FRAMES]" >&2; exit 2; }
count=()
[[ $# -ge 2 ]] && count=(-c "$2")
# Stock tshark: no plugin is needed to find the frames the SIP dissector
# took, and their UDP payloads are the messages.
exec tshark -n "${count[@]}" -r "$1" -Y 'sip && udp && !icmp && !icmpv6' \
    -T fields -e frame.number -e frame.time_epoch -e udp.payload
