#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The limit preferences cannot be 0 (README "Limits"): sip4xx keeps no
unlimited state, and 0 would turn correlation off without a word. tshark
-o sip4xx.<limit>:0 must print why it refuses, and correlation must go on
with the default: on real_kamailio_routing the 405 in frame 5 still names
its request, frame 4 (tests/capture/real_kamailio_routing.expect). A
non-zero limit is taken without a message."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_capture_test as rct  # noqa: E402

LIMITS = {"max_open_per_call": 128, "max_open_total": 200000, "max_dialogs": 200000}


def request_of_frame_5(out):
    for line in out.splitlines():
        cols = line.split("\t")
        if cols[0] == "5":
            return cols[1] if len(cols) > 1 else ""
    return None


def main():
    ap = rct.argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--capture", required=True, help="real_kamailio_routing.pcapng")
    opts = ap.parse_args()
    problems = []
    fields = ["-T", "fields", "-e", "frame.number", "-e", "sip4xx.request_in"]
    for name, default in LIMITS.items():
        out, err = rct.run_tshark(["-n", "-r", opts.capture, "-o", f"sip4xx.{name}:0"] + fields, opts,
                                  opts.capture, with_stderr=True)
        want = f"sip4xx.{name} cannot be 0"
        if want not in err or f"using {default}" not in err:
            problems.append(f"-o sip4xx.{name}:0: stderr does not say '{want} ... using {default}':\n{err}")
        if request_of_frame_5(out) != "4":
            problems.append(f"-o sip4xx.{name}:0: frame 5 lost its request link (got {request_of_frame_5(out)!r})")
        out, err = rct.run_tshark(["-n", "-r", opts.capture, "-o", f"sip4xx.{name}:5"] + fields, opts,
                                  opts.capture, with_stderr=True)
        if "sip4xx" in err:
            problems.append(f"-o sip4xx.{name}:5 printed a message:\n{err}")
        if request_of_frame_5(out) != "4":
            problems.append(f"-o sip4xx.{name}:5: frame 5 lost its request link")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{len(LIMITS)} limits: 0 refused with a message and the default kept; 5 taken silently")


if __name__ == "__main__":
    main()
