#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What sip4xx keeps follows the SIP transaction timers, not the length of
the capture: captures/handmade_scanner.pcap (captures/gen/handmade.py,
build_scanner) is a scanner sending one request every 2 s for 400 s, each
on a Call-ID of its own, cycling through four fates (request i, i % 4):

  0  INVITE, never answered     freed 32 s after it (Timer B = 64*T1,
                                RFC 3261 §17.1.1.2): one every 8 s, so at
                                most 32/8 = 4 at once
  1  OPTIONS, 404 at once       the 404's transaction is kept 32 s for its
                                retransmissions (§17.2.2) and the 404 waits
                                32 s for a retry: 4 of each
  2  INVITE, 100 Trying only    Proceeding: kept 3 minutes after the 100
                                (Timer C, §16.7 step 2, §13.3.1.1), looked at
                                again every 32 s, so freed 192 s after the
                                request: at most 192/8 = 24 at once
  3  OPTIONS, never answered    Timer F, 32 s (§17.1.2.2): 4

So at any time at most 4 + 4 + 24 + 4 = 36 transactions, each on its own
call, plus 4 waiting 4xx: open (unanswered + waiting) at most 32 + 4 = 36,
37 for the instant a new request arrives before the oldest leaves.
Without the timers the 150 unanswered requests would all stay, and so
would the 100 INVITE calls. The plugin logs what the first pass left
(`tshark --log-debug sip4xx`); this test reads that line. It also checks
that every 404 links to the request just before it.

--frozen: captures/handmade_frozen.pcap (build_frozen) has every frame at
one instant, so no window ever passes and only the caps bound the state. Run
with max_open_total 20 and max_dialogs 10: 60 INVITEs answered 200 (dialogs
that never end), 100 OPTIONS never answered, 100 OPTIONS answered 404.

  dialogs         at most max_dialogs = 10 keep their owner
  open at once    at most max_open_total = 20 (unanswered + waiting 4xx)
  waiting 4xx     at most 20
  expiry entries  past 4 * 20 + 64 = 144 the oldest is taken as due; one
                  message adds at most 2 (a 4xx: its transaction's entry
                  and the retry's), so at most 146
  transactions    each has a live entry (its window), so at most 146
  calls           each is held by a transaction, a waiting 4xx, a dialog or
                  a note with its own entry: at most 146 + 20 + 10 = 176

Without the two caps, with the same preferences, the file leaves 60
dialogs, 260 calls and 260 entries.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_capture_test as rct  # noqa: E402

BOUNDS = {"calls": 36, "transactions": 36, "waiting": 4, "peak": 37}
FROZEN_PREFS = ["-o", "sip4xx.max_open_total:20", "-o", "sip4xx.max_dialogs:10"]
FROZEN_BOUNDS = {"calls": 176, "transactions": 146, "waiting": 20, "entries": 146, "peak": 20, "dialogs": 10}
LOG = re.compile(r"state at close: (?P<calls>\d+) calls, (?P<transactions>\d+) transactions, "
                 r"(?P<waiting>\d+) 4xx waiting for a retry, (?P<entries>\d+) expiry entries; "
                 r"at most (?P<peak>\d+) open at once \(max_open_total \d+\); (?P<dialogs>\d+) dialogs kept")


def state_at_close(err, bounds):
    m = LOG.search(err)
    if not m:
        sys.exit("no 'state at close' line from tshark --log-debug sip4xx:\n" + err)
    got = {k: int(v) for k, v in m.groupdict().items()}
    bad = [f"{k}: {got[k]} > {v}" for k, v in bounds.items() if got[k] > v]
    if bad:
        sys.exit("state kept beyond its bound:\n  " + "\n  ".join(bad) + "\n" + m.group(0))
    return m.group(0)


def main():
    ap = rct.argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--frozen")
    opts = ap.parse_args()
    if opts.frozen:
        _, err = rct.run_tshark(["-n", "-r", opts.frozen, "--log-debug", "sip4xx"] + FROZEN_PREFS, opts,
                                opts.frozen, with_stderr=True)
        print(f"handmade_frozen: {state_at_close(err, FROZEN_BOUNDS)}; bounds {FROZEN_BOUNDS}")
    out, err = rct.run_tshark(["-n", "-r", opts.capture, "--log-debug", "sip4xx", "-T", "fields",
                               "-e", "frame.number", "-e", "sip4xx.code", "-e", "sip4xx.request_in",
                               "-e", "_ws.expert.message"], opts, opts.capture, with_stderr=True)
    state_line = state_at_close(err, BOUNDS)
    links = 0
    for line in out.splitlines():
        frame, code, request_in, expert = (line.split("\t") + ["", "", ""])[:4]
        if code:
            if code != "404" or request_in != str(int(frame) - 1):
                sys.exit(f"frame {frame}: expected a 404 linked to frame {int(frame) - 1}: {line}")
            links += 1
        elif "Not correlated" in expert or "No open transaction" in expert:
            sys.exit(f"frame {frame}: {expert}")
    if links != 50:
        sys.exit(f"expected 50 linked 404s, found {links}")
    print(f"handmade_scanner: {state_line}; bounds {BOUNDS}; 50 404s linked")


if __name__ == "__main__":
    main()
