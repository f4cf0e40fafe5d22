#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every tshark command of README.md's "Using it" code block, run with the
plugin just built on a bundled capture (in place of calls.pcap), must show
what the README says it shows: a count of what it prints, compared with a
count written here by hand from the capture's hand-written expectation file
(tests/capture/<name>.expect), each with a comment saying which frames.

A command of the README that is not in EXPECTED fails the test, and so does
an entry of EXPECTED that is no longer in the README: the two cannot drift
apart.

Counts:
  lines    output lines (a -Y filter prints one summary line per frame)
  field F  lines of -T fields output whose field F is not empty
  fields   lines of -T fields output with any field but the first not empty
  trees    sip4xx trees in -V output (lines starting "[SIP 4xx analysis")
  expert   the Frequency column summed over the SIP4XX rows of -z expert
  stat R   the count of row R of a stats tree (-z sip4xx,tree)
  table C  the Responses column of the row of code C (-z sip4xx,stat)

tshark runs unprivileged when we are root (as root it ignores
WIRESHARK_PLUGIN_DIR): through run_tshark of tests/capture/run_capture_test.py."""

import argparse
import os
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "capture"))
import run_capture_test as rct  # noqa: E402

ROUTING = "real_kamailio_routing.pcapng"   # tests/capture/real_kamailio_routing.expect
CODES = "handmade_codes.pcap"              # tests/capture/handmade_codes.expect
EXCHANGE = "handmade_exchange.pcap"        # tests/capture/handmade_exchange.expect
OBLIGATIONS = "handmade_obligations.pcap"  # tests/capture/handmade_obligations.expect

# README command (its comment left out) -> (capture, count, expected).
# tshark without -2 is one pass: what points to a later frame (response_in,
# retry_in, the verdict on a 4xx) is not there (README "Limits").
EXPECTED = {
    "tshark -r calls.pcap -Y 'sip4xx.code == 405'":
        # real_kamailio_routing: 405 in frames 5 (to PUBLISH) and 7 (to SUBSCRIBE)
        (ROUTING, "lines", 2),
    "tshark -r calls.pcap -Y 'sip4xx.missing_header == \"Allow\"'":
        # handmade_obligations: must=Allow in frames 4 (405 alone) and 45
        # (405 lacking Via and Allow: the field occurs twice, one is Allow)
        (OBLIGATIONS, "lines", 2),
    "tshark -r calls.pcap -Y 'sip4xx.missing_header.must'":
        # handmade_obligations: frames with a must=: 2 4 6 10 12 14 16 18 20
        # 22 (code obligations), 34 36 (424, 425), 37-42 (486 lacking one
        # header each), 44 (100 without To), 45 (two in one frame), 46-52
        # (requests lacking one header each), 55 57 59 (a body without
        # Content-Type): 10 + 2 + 6 + 2 + 7 + 3 = 30
        (OBLIGATIONS, "lines", 30),
    "tshark -r calls.pcap -Y 'sip4xx.action == 2'":
        # handmade_codes: the two challenges, 401 (frame 4) and 407 (frame 16);
        # plugin/spec/codes.c gives SIP4XX_ACTION_AUTHENTICATE to those two only
        (CODES, "lines", 2),
    "tshark -r calls.pcap -Y 'sip4xx.registered == 0'":
        # handmade_codes: 2 unregistered codes, 409 (frame 94) and 478 (frame 96);
        # the 405 with reason 'Nope' (frame 98) is registered
        (CODES, "lines", 2),
    "tshark -r calls.pcap -T fields -e frame.number -e sip4xx.code -e sip4xx.missing_header":
        # real_kamailio_routing: the 7 frames with a code (2 5 7 9 12 17 19);
        # the one missing header (Allow) is in frame 5, one of them
        (ROUTING, "fields", 7),
    "tshark -r calls.pcap -Y 'sip4xx.cause_class == 5'":
        # handmade_exchange: cause=METHOD_NOT_ALLOWED in frame 50 only (PUBLISH
        # not in Allow); frame 48 is METHOD_IN_ALLOW (class 6)
        (EXCHANGE, "lines", 1),
    "tshark -r calls.pcap -Y 'sip4xx.reaction.ok == 0'":
        # handmade_exchange, one pass: the retries with a violation, 19
        # UNMODIFIED, 24 REPEATED_FORBIDDEN, 31 SAME_CREDENTIALS, 41
        # NO_CREDENTIALS, 82 STILL_UNACCEPTED, 98 STILL_UNSUPPORTED, 110
        # STILL_TOO_SMALL, 118 STILL_TOO_BRIEF, 139 NO_BACKOFF, 166
        # CSEQ_NOT_INCREMENTED (the copy on the 4xx needs -2)
        (EXCHANGE, "lines", 10),
    "tshark -r calls.pcap -Y 'sip4xx.retry.unmodified'":
        # handmade_exchange: the retries sent again unchanged (RFC 3261 §21.4):
        # 19 (UNMODIFIED after a 404) and 24 (REPEATED_FORBIDDEN after a 403);
        # the retransmissions 17 and 32 are no retries
        (EXCHANGE, "lines", 2),
    "tshark -r calls.pcap -2 -T fields -e frame.number -e sip4xx.code -e sip4xx.request_in -e sip4xx.cause "
    "-e sip4xx.retry_in":
        # handmade_exchange, two passes: the 4xx with retry_in, 9 18 22 28 30
        # 35 39 42 77 81 89 96 102 108 111 117 123 135 136 151 161 165 = 22
        # (none in one pass: they point to later frames; 119's next REGISTER
        # is under a new Call-ID, a registration of its own, RFC 3261 §10.2;
        # 161's retry reuses its branch under CSeq 2, a request of its own;
        # 165's keeps CSeq 1 under a new branch, RFC 3261 §22.2)
        (EXCHANGE, "field sip4xx.retry_in", 22),
    "tshark -r calls.pcap -q -z expert,note,sip4xx":
        # real_kamailio_routing: note and up: Allow missing in 5 (Warning) =
        # 1. The 7 explained 4xx and the 2 causes (7 METHOD_NOT_ALLOWED, 12
        # FIRST_CHALLENGE) are Chat: a normal 4xx is no finding
        (ROUTING, "expert", 1),
    "tshark -r calls.pcap -q -z sip4xx,stat":
        # real_kamailio_routing: the 404 row counts 3 responses (2 17 19)
        (ROUTING, "table 404", 3),
    "tshark -r calls.pcap -q -z sip4xx,tree":
        # real_kamailio_routing: 7 4xx (2 5 7 9 12 17 19)
        (ROUTING, "stat 4xx responses by code", 7),
    "tshark -r calls.pcap -O sip4xx -V":
        # real_kamailio_routing, one pass: the 7 4xx (2 5 7 9 12 17 19) and
        # the retry in 14 (retry_of=12); the requests' response_in needs -2
        (ROUTING, "trees", 8),
}


def readme_commands(path):
    """The tshark commands of the first code block after '## Using it'."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^## Using it\n.*?^```\w*\n(.*?)^```", text, re.S | re.M)
    if not m:
        sys.exit(f"{path}: no code block under '## Using it'")
    cmds = []
    for line in m.group(1).splitlines():
        line = re.split(r"\s+#\s", line, 1)[0].strip()  # the trailing comment
        if line.startswith("tshark "):
            cmds.append(line)
    if not cmds:
        sys.exit(f"{path}: no tshark command under '## Using it'")
    return cmds


def count(kind, out):
    lines = [l for l in out.splitlines() if l.strip()]
    if kind == "lines":
        return len(lines)
    if kind == "fields":
        return sum(1 for l in lines if any(c.strip() for c in l.split("\t")[1:]))
    if kind.startswith("field "):
        return None  # needs the command's -e list: see field_count
    if kind == "trees":
        return sum(1 for l in lines if l.startswith("[SIP 4xx analysis"))
    if kind == "expert":
        return sum(int(m.group(1)) for l in lines
                   for m in [re.match(r"^\s*(\d+)\s+.*\sSIP4XX\s", l)] if m)
    if kind.startswith("stat "):
        for l in lines:
            m = re.match(r"^\s*(\S.*?)\s{2,}(\d+)\s", l)
            if m and m.group(1) == kind[5:]:
                return int(m.group(2))
        return None
    if kind.startswith("table "):
        for l in lines:
            m = re.match(r"^(\d{3}) \|[^|]*\|(\d+) \|", l.strip())
            if m and m.group(1) == kind[6:]:
                return int(m.group(2))
        return None
    sys.exit(f"unknown count '{kind}'")


def field_count(field, args, out):
    fields = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-e"]
    if field not in fields:
        sys.exit(f"'{field}' is not one of the command's -e fields {fields}")
    k = fields.index(field)
    return sum(1 for l in out.splitlines()
               if l.strip() and len(l.split("\t")) > k and l.split("\t")[k].strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    opts = ap.parse_args()

    cmds = readme_commands(opts.readme)
    problems = []
    for cmd in cmds:
        if cmd not in EXPECTED:
            problems.append(f"README command without an expected count in {os.path.basename(__file__)}:\n"
                            f"    {cmd}")
    for cmd in EXPECTED:
        if cmd not in cmds:
            problems.append(f"expected count for a command no longer in the README:\n    {cmd}")
    if problems:
        sys.exit("\n".join(problems))

    for cmd in cmds:
        name, kind, want = EXPECTED[cmd]
        capture = os.path.join(ROOT, "captures", name)
        args = shlex.split(cmd)[1:]
        if "calls.pcap" not in args:
            problems.append(f"{cmd}: reads no calls.pcap")
            continue
        args = [capture if a == "calls.pcap" else a for a in args]
        out = rct.run_tshark(args, opts, capture)
        got = field_count(kind[6:], args, out) if kind.startswith("field ") else count(kind, out)
        shown = cmd.replace("calls.pcap", name)
        if got != want:
            problems.append(f"{shown}\n    {kind}: expected {want}, got {got}\n"
                            + "".join(f"    | {l}\n" for l in out.splitlines()[:40]))
        else:
            print(f"ok  {kind} = {got}  {shown}")
    if problems:
        sys.exit("\n".join(problems))
    print(f"{len(cmds)} README commands show what the README says")


if __name__ == "__main__":
    main()
