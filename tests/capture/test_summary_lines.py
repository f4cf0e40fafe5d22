#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The line of each sip4xx subtree (what a folded tree shows) names the
most severe finding first: a missing MUST header with its section, a retry
that breaks the RFC, an exchange that does; else the cause, the request
not being in the capture, or the retry's reaction. Written by hand from
tests/capture/handmade_exchange.expect and real_kamailio_routing.expect,
one pass."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_capture_test as rct  # noqa: E402

EXPECTED = {
    "real_kamailio_routing.pcapng": {
        5: "405 Method Not Allowed; missing Allow (MUST, RFC 3261 §21.4.6)",   # 405 without Allow
        7: "405 Method Not Allowed; cause: Method not in Allow",
        14: "next attempt after the 4xx in frame 12: Followed the RFC",        # credentials added
    },
    "handmade_exchange.pcap": {
        1: "480 Temporarily Unavailable; no request matched",
        19: "Retried without modification (after the 4xx in frame 18)",        # RFC 3261 §21.4
        24: "Repeated a request refused with 403 (after the 4xx in frame 22)",
        61: "487 Request Terminated; 487 sent to a CANCEL",                     # RFC 3261 §9.2: 200 to CANCEL
        122: "missing Max-Forwards (MUST, RFC 3261 §8.1.1)",                   # a request
    },
}


def main():
    ap = rct.argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--captures", required=True)
    opts = ap.parse_args()
    problems = []
    for name, frames in EXPECTED.items():
        capture = os.path.join(opts.captures, name)
        out = rct.run_tshark(["-n", "-r", capture, "-O", "sip4xx", "-V"], opts, capture)
        lines, frame = {}, None
        for line in out.splitlines():
            m = re.match(r"^Frame (\d+):", line)
            if m:
                frame = int(m.group(1))
            m = re.match(r"^\[SIP 4xx analysis: (.*)\]$", line)
            if m and frame not in lines:
                lines[frame] = m.group(1)
        for frame, want in frames.items():
            if lines.get(frame) != want:
                problems.append(f"{name} frame {frame}: subtree line {lines.get(frame)!r}, expected {want!r}")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{sum(len(f) for f in EXPECTED.values())} subtree lines name their worst finding as expected")


if __name__ == "__main__":
    main()
