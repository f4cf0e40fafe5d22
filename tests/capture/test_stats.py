#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The statistics: the tree (tshark -z sip4xx,tree; Statistics › SIP 4xx)
and the per-code table (tshark -z sip4xx,stat; Telephony › SIP 4xx), on
real_kamailio_routing, with counts written by hand from
tests/capture/real_kamailio_routing.expect: 4xx frames 2, 17, 19 (404), 5
and 7 (405), 9 (403), 12 (407); the requests they answer are INVITE but for
5 (PUBLISH) and 7 (SUBSCRIBE); one missing header (Allow, frame 5); causes
in frame 7 (SUBSCRIBE not in the 405's Allow) and 12 (first challenge);
one challenge answered (frame 14, judged there).

Also checked:
  - one pass and two passes (-2) print the same counts (every count is
    made on the message that knows it);
  - the rows are in the order the GUI shows them (it sorts range rows by
    their range): sections in a fixed order, codes by number;
  - handmade_exchange (many codes and reactions): one pass = two passes,
    table rows in code order."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_capture_test as rct  # noqa: E402

SECTIONS = [
    "4xx responses by code",
    "4xx retransmissions (also counted by code)",
    "4xx responses by request method",
    "Missing headers",
    "Causes",
    "Reactions to 4xx (counted at the next request)",
    "Second final responses (RFC 3261 §17.2)",
]

TREE_EXPECTED = {
    "4xx responses by code": 7,
    "403 Forbidden": 1,
    "404 Not Found": 3,
    "405 Method Not Allowed": 2,
    "407 Proxy Authentication Required": 1,
    "4xx retransmissions (also counted by code)": 0,
    "4xx responses by request method": 7,
    "INVITE": 5,
    "PUBLISH": 1,
    "SUBSCRIBE": 1,
    "Missing headers": 1,
    "Allow": 1,
    "Causes": 2,
    "Method not in Allow": 1,                          # frame 7: SUBSCRIBE, Allow lacks it
    "First challenge: request had no credentials": 1,  # frame 12
    "Reactions to 4xx (counted at the next request)": 1,
    "Followed the RFC": 1,                             # frame 14 answers frame 12's challenge
    "Second final responses (RFC 3261 §17.2)": 0,
}

# code -> (responses, retransmitted, missing MUST, missing SHOULD, malformed, no request, cause found)
TABLE_EXPECTED = {
    403: (1, 0, 0, 0, 0, 0, 0),
    404: (3, 0, 0, 0, 0, 0, 0),
    405: (2, 0, 1, 0, 0, 0, 1),   # frame 5 lacks Allow; frame 7 has a cause
    407: (1, 0, 0, 0, 0, 0, 1),   # frame 12: first challenge
}

errors = []


def fail(msg):
    errors.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


def tree_rows(out):
    """(depth, name, count) of each row of a plain stats tree."""
    rows = []
    for line in out.splitlines():
        m = re.match(r"^( *)(\S.*?)\s{2,}(\d+)\s", line)
        if m and not line.startswith("Topic"):
            rows.append((len(m.group(1)), m.group(2), int(m.group(3))))
    return rows


def table_rows(out):
    """code -> the counts of a -z sip4xx,stat row."""
    rows = {}
    order = []
    for line in out.splitlines():
        m = re.match(r"^(\d{3}) \|(.*?)\|((?:\d+ \|)+)$", line.strip())
        if m:
            code = int(m.group(1))
            rows[code] = tuple(int(x) for x in m.group(3).split("|")[:-1])
            order.append(code)
    return rows, order


def both_passes(opts, capture, statistic):
    """tshark -z STATISTIC in one pass and with -2: {"one pass": out, "two passes": out}."""
    base = ["-n", "-r", capture, "-q", "-z", statistic]
    return {"one pass": rct.run_tshark(base, opts, capture),
            "two passes": rct.run_tshark(["-2"] + base, opts, capture)}


def check_tree(opts, capture, expected):
    outs = both_passes(opts, capture, "sip4xx,tree")
    rows = {p: tree_rows(o) for p, o in outs.items()}
    if [(n, c) for _, n, c in rows["one pass"]] != [(n, c) for _, n, c in rows["two passes"]]:
        fail(f"{os.path.basename(capture)}: sip4xx,tree differs between one pass and -2:\n"
             f"{outs['one pass']}\n{outs['two passes']}")
    top = [n for d, n, _ in rows["two passes"] if d == 0]
    if top != SECTIONS:
        fail(f"{os.path.basename(capture)}: sections {top}, expected {SECTIONS}")
    # Codes by number under the first section.
    codes, inside = [], False
    for d, n, _ in rows["two passes"]:
        if d == 0:
            inside = n == SECTIONS[0]
        elif inside and d == 1:
            codes.append(int(n.split()[0]))
    if codes != sorted(codes):
        fail(f"{os.path.basename(capture)}: code rows not in code order: {codes}")
    if expected:
        seen = {}
        for _, n, c in rows["two passes"]:
            seen.setdefault(n, c)          # the first occurrence: the top-level or by-code row
        bad = [f"{k}: expected {v}, got {seen.get(k)}" for k, v in expected.items() if seen.get(k) != v]
        if bad:
            fail("sip4xx,tree differs:\n  " + "\n  ".join(bad) + "\n" + outs["two passes"])
    print(f"{os.path.basename(capture)}: sip4xx,tree: {len(rows['two passes'])} rows, same in one and two"
          f" passes, sections and codes in order")


def check_table(opts, capture, expected):
    outs = both_passes(opts, capture, "sip4xx,stat")
    rows, order = table_rows(outs["two passes"])
    if table_rows(outs["one pass"])[0] != rows:
        fail(f"{os.path.basename(capture)}: sip4xx,stat differs between one pass and -2")
    if order != sorted(order) or not order:
        fail(f"{os.path.basename(capture)}: sip4xx,stat rows not in code order: {order}")
    if expected is not None and rows != expected:
        fail(f"{os.path.basename(capture)}: sip4xx,stat rows {rows}, expected {expected}\n{outs['two passes']}")
    print(f"{os.path.basename(capture)}: sip4xx,stat: {len(rows)} rows in code order, same in one and two passes")


def main():
    ap = rct.argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--enum-names")
    ap.add_argument("--capture", required=True, help="real_kamailio_routing.pcapng")
    opts = ap.parse_args()
    exchange = os.path.join(os.path.dirname(opts.capture), "handmade_exchange.pcap")
    check_tree(opts, opts.capture, TREE_EXPECTED)
    check_table(opts, opts.capture, TABLE_EXPECTED)
    check_tree(opts, exchange, None)
    check_table(opts, exchange, None)
    if errors:
        sys.exit(f"{len(errors)} problem(s) with the statistics")


if __name__ == "__main__":
    main()
