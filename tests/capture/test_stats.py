#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The statistics tree (tshark -z sip4xx,tree) on real_kamailio_routing:
counts written by hand from tests/capture/real_kamailio_routing.expect —
4xx frames 2, 17, 19 (404), 5 and 7 (405), 9 (403), 12 (407); the
requests they answer are INVITE but for 5 (PUBLISH) and 7 (SUBSCRIBE);
one missing header (Allow, frame 5); one challenge answered (frame 14)."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_capture_test as rct  # noqa: E402

EXPECTED = {
    "4xx responses by code": 7,
    "404 Not Found": 3,
    "405 Method Not Allowed": 2,
    "403 Forbidden": 1,
    "407 Proxy Authentication Required": 1,
    "4xx responses by request method": 7,
    "INVITE": 5,
    "PUBLISH": 1,
    "SUBSCRIBE": 1,
    "Missing headers": 1,
    "Allow": 1,
    "Reactions to 4xx": 1,
    "Followed the RFC": 1,
}


def main():
    ap = rct.argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--capture", required=True)
    opts = ap.parse_args()
    out = rct.run_tshark(["-n", "-2", "-r", opts.capture, "-q", "-z", "sip4xx,tree"], opts, opts.capture)
    seen = {}
    for line in out.splitlines():
        m = re.match(r"^\s*(\S.*?)\s{2,}(\d+)\s", line)
        if m and m.group(1) not in seen:      # the first occurrence: the top-level row
            seen[m.group(1)] = int(m.group(2))
    bad = [f"{k}: expected {v}, got {seen.get(k)}" for k, v in EXPECTED.items() if seen.get(k) != v]
    if bad:
        sys.exit("sip4xx,tree differs:\n  " + "\n  ".join(bad) + "\n" + out)
    print(f"sip4xx,tree: {len(EXPECTED)} counts as expected")


if __name__ == "__main__":
    main()
