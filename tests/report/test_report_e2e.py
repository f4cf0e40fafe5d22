#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sip4xx-report end to end: the launcher, the real tshark and the plugin
just built, over copies of bundled captures.

The expected counts are written by hand from tests/capture/*.expect (each
line there is one frame: code=N, must=LABEL, should=LABEL, malformed).
sip4xx-report runs tshark unprivileged itself when run as root (as
tests/lib/tshark_env.py does); the frame counts are cross-checked with a
tshark run through tests/lib/tshark_env.py.

    test_report_e2e.py --tshark tshark --plugin-dir build/plugins [--only NAME]
"""

import argparse
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
CAPTURES = os.path.join(SRC, "captures")
LAUNCHER = os.path.join(SRC, "plugin", "report", "sip4xx-report")
sys.path.insert(0, os.path.join(SRC, "tests", "lib"))
import tshark_env  # noqa: E402

OPTS = None

# By hand, from the .expect files.
EXPECTED = {
    # real_kamailio_routing.expect: 404 in frames 2, 17, 19; 405 in 5 and 7
    # (5 without Allow); 403 in 9; 407 in 12. Frame 14 retries the 407
    # properly (%correlation: reaction=FOLLOWED).
    "real_kamailio_routing.pcapng": dict(
        frames=20, by_code={"404": 3, "405": 2, "403": 1, "407": 1},
        missing_must={"Allow": 1}, missing_should={}, malformed=0,
        reactions={"407 Followed the RFC": 1}),
    # real_kamailio_uas.expect: 486 ×2 (4, 6), 480 ×2 (11, 13), 488 ×4 (18,
    # 20 without Warning; 25, 27), 487 ×2 (38, 40); the 180s of 32 and 33
    # lack Contact.
    "real_kamailio_uas.pcapng": dict(
        by_code={"486": 2, "480": 2, "488": 4, "487": 2},
        missing_must={"Contact": 2}, missing_should={"Warning": 2}, malformed=0),
    # real_kamailio_register_udp.expect: 401 in 2, 6, 10; 423 in 8; 403 in
    # 12; nothing missing, nothing malformed.
    "real_kamailio_register_udp.pcapng": dict(
        by_code={"401": 3, "423": 1, "403": 1}, missing_must={}, missing_should={}, malformed=0),
    # handmade_obligations.expect, frames 1-59: every code twice (with and
    # without the header), 405 three times (frame 45), 486 in 37-42; the
    # MUSTs and SHOULDs one per line, Via/To/From/Call-ID/CSeq both in
    # responses (37-41, 44, 45) and in requests (46-50); Content-Type with
    # a body in frames 55, 57 (requests) and 59 (a 200).
    "handmade_obligations.pcap": dict(
        by_code={"401": 2, "405": 3, "407": 2, "415": 4, "420": 2, "421": 2, "422": 2, "423": 2,
                 "469": 2, "494": 2, "413": 2, "488": 2, "470": 2, "489": 2, "417": 2, "424": 2,
                 "425": 2, "486": 6},
        missing_must={"WWW-Authenticate": 1, "Allow": 2, "Proxy-Authenticate": 1,
                      "Accept|Accept-Encoding|Accept-Language": 1, "Unsupported": 1, "Require": 1,
                      "Min-SE": 1, "Min-Expires": 1, "Recv-Info": 1, "Security-Server": 1,
                      "Geolocation-Error": 1, "AlertMsg-Error": 1, "Via": 3, "From": 2, "To": 3,
                      "Call-ID": 2, "CSeq": 2, "To;tag": 1, "Max-Forwards": 1, "Contact": 1,
                      "Content-Type": 3},
        missing_should={"Retry-After": 1, "Warning": 1, "Permission-Missing": 1, "Allow-Events": 1},
        malformed=0),
}


def report(*args, stdin=None):
    cmd = [LAUNCHER, "--tshark", OPTS.tshark, "--plugin-dir", OPTS.plugin_dir, "-j", "2"] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin)


def merge(*args):
    return subprocess.run([LAUNCHER, "merge"] + list(args), capture_output=True, text=True)


def jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return {os.path.basename(o["file"]): o for o in map(json.loads, fh)}


class Report(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sip4xx-report-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def folder(self, name, captures, extra=None):
        d = os.path.join(self.dir, name)
        os.makedirs(d)
        for c in captures:
            shutil.copyfile(os.path.join(CAPTURES, c), os.path.join(d, c))
        for n, data in (extra or {}).items():
            with open(os.path.join(d, n), "wb") as fh:
                fh.write(data)
        return d

    def path(self, n):
        return os.path.join(self.dir, n)

    def test_counts(self):
        d = self.folder("c", list(EXPECTED))
        p = report(d, "--json", self.path("r.jsonl"), "--fail-on", "none")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = jsonl(self.path("r.jsonl"))
        self.assertEqual(set(got), set(EXPECTED))
        for name, want in EXPECTED.items():
            for k, v in want.items():
                self.assertEqual(got[name][k], v, f"{name} {k}")
            self.assertIsNone(got[name]["error"])
        # The example named in the human report.
        self.assertIn("kamailio-sip4xx-proxy sent 1 405 without Allow (MUST) — e.g. "
                      "real_kamailio_routing.pcapng frame 5", p.stdout)
        self.assertIn("kamailio-sip4xx-uas sent 2 488 without Warning (SHOULD) — e.g. "
                      "real_kamailio_uas.pcapng frame 18", p.stdout)
        # Frames: the same count as tshark through the project's harness.
        with tshark_env.Home(OPTS.plugin_dir, OPTS.tshark) as home:
            for name in EXPECTED:
                cap = home.copy(os.path.join(CAPTURES, name))
                out = home.run(["-n", "-r", cap, "-T", "fields", "-e", "frame.number"]).stdout
                self.assertEqual(got[name]["frames"], len(out.split()), name)

    maxDiff = None

    def test_report_text(self):
        # The whole human report over three real Kamailio captures, written
        # by hand from their .expect files (the line numbers are frames):
        # 73 frames, all UDP, one SIP message each. Examples are the first
        # frame of the first software (by name) in file-name order;
        # kamailio-sip4xx-proxy answers the REGISTERs (sipsak) and routes,
        # kamailio-sip4xx-uas's Server stays on what the proxy relays.
        d = self.folder("three", ["real_kamailio_routing.pcapng", "real_kamailio_uas.pcapng",
                                  "real_kamailio_register_udp.pcapng"])
        p = report(d)
        self.assertEqual(p.returncode, 1, p.stderr)      # the 405 without Allow, the 180s without Contact
        R, U, G = "real_kamailio_routing.pcapng", "real_kamailio_uas.pcapng", "real_kamailio_register_udp.pcapng"
        expected = f"""sip4xx-report: 3 captures, 73 frames, 73 SIP messages, 0 errors

4xx responses by code
  401 Unauthorized                        3  e.g. {G} frame 2
  403 Forbidden                           2  e.g. {G} frame 12
  404 Not Found                           3  e.g. {R} frame 2
  405 Method Not Allowed                  2  e.g. {R} frame 5
  407 Proxy Authentication Required       1  e.g. {R} frame 12
  423 Interval Too Brief                  1  e.g. {G} frame 8
  480 Temporarily Unavailable             2  e.g. {U} frame 11
  486 Busy Here                           2  e.g. {U} frame 4
  487 Request Terminated                  2  e.g. {U} frame 38
  488 Not Acceptable Here                 4  e.g. {U} frame 18

Missing headers
  MUST   Allow (in 405)         1  e.g. {R} frame 5
  MUST   Contact (in 180)       2  e.g. {U} frame 32
  SHOULD Warning (in 488)       2  e.g. {U} frame 18

Causes
  401 First challenge: request had no credentials       3  e.g. {G} frame 2
  405 Method not in Allow                               1  e.g. {R} frame 7
  407 First challenge: request had no credentials       1  e.g. {R} frame 12
  423 Expiry below Min-Expires                          1  e.g. {G} frame 8
  487 Request ended by CANCEL/BYE                       2  e.g. {U} frame 38

Reactions (the client's next attempt)
  after 401: Followed the RFC       3  e.g. {G} frame 3
  after 407: Followed the RFC       1  e.g. {R} frame 14

Who
  kamailio-sip4xx-proxy sent 1 405 without Allow (MUST) — e.g. {R} frame 5
  kamailio-sip4xx-uas sent 2 180 without Contact (MUST) — e.g. {U} frame 32
  kamailio-sip4xx-uas sent 2 488 without Warning (SHOULD) — e.g. {U} frame 18
"""
        self.assertEqual(p.stdout, expected)

    def test_readme_example(self):
        # README.md, "Regression over pcap collections": the output shown
        # for `sip4xx-report kamailio/` is what the command prints.
        with open(os.path.join(SRC, "README.md"), encoding="utf-8") as fh:
            m = re.search(r"```sh\nsip4xx-report kamailio/\n```\n\n```\n(.*?)```", fh.read(), re.S)
        self.assertIsNotNone(m, "README.md: no output block after `sip4xx-report kamailio/`")
        caps = sorted(c for c in os.listdir(CAPTURES) if c.startswith("real_kamailio_"))
        self.assertEqual(len(caps), 7)
        p = report(self.folder("kamailio", caps))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stdout, m.group(1))

    def test_exit_status(self):
        clean = self.folder("clean", ["real_kamailio_register_udp.pcapng"])
        should = self.folder("should", ["real_kamailio_uas.pcapng"])
        self.assertEqual(report(clean).returncode, 0)                          # must (default)
        self.assertEqual(report(clean, "--fail-on", "should").returncode, 0)
        self.assertEqual(report(clean, "--fail-on", "any").returncode, 1)      # it has 4xx
        self.assertEqual(report(should).returncode, 1)                         # 180 without Contact
        self.assertEqual(report(should, "--fail-on", "none").returncode, 0)
        self.assertEqual(report().returncode, 2)                               # no input
        self.assertEqual(report(self.folder("empty", [])).returncode, 2)
        self.assertEqual(report("--fail-on", "maybe", clean).returncode, 2)
        self.assertEqual(report(clean, "--plugin-dir", self.dir).returncode, 2)  # no plugin there
        # A sip4xx.so that does not load: tshark knows no sip4xx field.
        bogus = os.path.join(self.dir, "bogus", "4.0", "epan")
        os.makedirs(bogus)
        with open(os.path.join(bogus, "sip4xx.so"), "w") as fh:
            fh.write("not a shared object\n")
        p = report(clean, "--plugin-dir", os.path.join(self.dir, "bogus"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("tshark does not load the sip4xx plugin", p.stderr)

    def test_stdin_list_and_gz(self):
        d = self.folder("gz", ["real_kamailio_routing.pcapng"])
        src = os.path.join(d, "real_kamailio_routing.pcapng")
        subprocess.run(["gzip", "-k", src], check=True)
        os.rename(src + ".gz", os.path.join(d, "copy.pcapng.gz"))
        p = report("-", "--json", self.path("s.jsonl"), "--fail-on", "none",
                   stdin=f"{src}\n{os.path.join(d, 'copy.pcapng.gz')}\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = jsonl(self.path("s.jsonl"))
        self.assertEqual(got["copy.pcapng.gz"]["by_code"], got["real_kamailio_routing.pcapng"]["by_code"])
        self.assertEqual(got["copy.pcapng.gz"]["missing_must"], {"Allow": 1})

    def test_corrupt_file_in_the_middle(self):
        d = self.folder("mixed", ["real_kamailio_register_udp.pcapng", "real_kamailio_uas.pcapng"],
                        extra={"real_kamailio_s.pcap": b"this is no capture\n" * 20})
        p = report(d, "--json", self.path("m.jsonl"), "--junit", self.path("m.xml"))
        self.assertEqual(p.returncode, 1)
        got = jsonl(self.path("m.jsonl"))
        self.assertEqual(list(got), ["real_kamailio_register_udp.pcapng", "real_kamailio_s.pcap",
                                     "real_kamailio_uas.pcapng"])
        self.assertTrue(got["real_kamailio_s.pcap"]["error"])
        self.assertIn("real_kamailio_s.pcap", p.stderr)
        self.assertEqual(len([l for l in p.stderr.splitlines() if l.strip()]), 1)
        self.assertEqual(got["real_kamailio_uas.pcapng"]["missing_must"], {"Contact": 2})
        self.assertEqual(got["real_kamailio_register_udp.pcapng"]["by_code"], {"401": 3, "423": 1, "403": 1})
        # JUnit: one testcase per capture; the error, the failure, the pass.
        suite = ET.parse(self.path("m.xml")).getroot()
        self.assertEqual((suite.get("tests"), suite.get("failures"), suite.get("errors")), ("3", "1", "1"))
        cases = {os.path.basename(c.get("name")): c for c in suite.iter("testcase")}
        self.assertIsNotNone(cases["real_kamailio_s.pcap"].find("error"))
        fail = cases["real_kamailio_uas.pcapng"].find("failure")
        self.assertIn("kamailio-sip4xx-uas sent 2 180 without Contact (MUST) — frames 32, 33", fail.text)
        self.assertNotIn("Warning", fail.text)                    # SHOULD: below --fail-on must
        self.assertEqual(list(cases["real_kamailio_register_udp.pcapng"]), [])
        # At --fail-on should, the 488s without Warning are in the failure too.
        report(d, "--junit", self.path("s.xml"), "--fail-on", "should")
        cases = {os.path.basename(c.get("name")): c for c in ET.parse(self.path("s.xml")).getroot().iter("testcase")}
        self.assertIn("488 without Warning (SHOULD)", cases["real_kamailio_uas.pcapng"].find("failure").text)

    def test_merge_equals_one_run(self):
        caps = ["real_kamailio_routing.pcapng", "real_kamailio_uas.pcapng", "real_kamailio_sanity.pcapng"]
        a = self.folder("a", caps[:1])
        b = self.folder("b", caps[1:])
        whole = report(a, b, "--json", self.path("all.jsonl"))
        ra = report(a, "--json", self.path("a.jsonl"))
        rb = report(b, "--json", self.path("b.jsonl"))
        self.assertEqual((whole.returncode, ra.returncode, rb.returncode), (1, 1, 1))
        m = merge(self.path("b.jsonl"), self.path("a.jsonl"))
        self.assertEqual(m.returncode, 1, m.stderr)
        self.assertEqual(m.stdout, whole.stdout)
        self.assertEqual(merge(self.path("all.jsonl")).stdout, whole.stdout)
        self.assertIn("sip4xx-report: 3 captures", m.stdout)
        self.assertEqual(merge(self.path("a.jsonl"), "--fail-on", "none").returncode, 0)
        self.assertEqual(merge(self.path("nonexistent.jsonl")).returncode, 2)

    def test_several_messages_in_one_segment(self):
        # One TCP segment carries two answers a proxy relays from two
        # UASes: a 404 (Server: Asterisk PBX 20.5) and a 488 lacking Warning
        # (RFC 3261 §13.3.1.3: SHOULD; Server: FreeSWITCH 1.10). Built with
        # the hand-made captures' message templates and text2pcap.
        sys.path.insert(0, os.path.join(CAPTURES, "gen"))
        import handmade as H
        frames = [("O", H.tcp(H.request("INVITE", 5001) + H.request("INVITE", 5002)), "two INVITEs"),
                  ("I", H.tcp(H.response(404, "Not Found", "INVITE", 5001, extra="Server: Asterisk PBX 20.5") +
                              H.response(488, "Not Acceptable Here", "INVITE", 5002,
                                         extra="Server: FreeSWITCH 1.10")), "404 + 488")]
        d = os.path.join(self.dir, "seg")
        os.makedirs(d)
        with open(self.path("seg.txt"), "w") as fh:
            fh.write(H.hexdump(frames))
        subprocess.run(["text2pcap", "-q", "-F", "pcap", "-D", "-t", "%Y-%m-%d %H:%M:%S.%f",
                        "-4", f"{H.SERVER4},{H.CLIENT4}", "-T", f"5060,{H.CLIENT_TCP_PORT}",
                        self.path("seg.txt"), os.path.join(d, "segment.pcap")],
                       check=True, capture_output=True, env=dict(os.environ, TZ="UTC"))
        p = report(d, "--json", self.path("seg.jsonl"), "--fail-on", "should")
        self.assertEqual(p.returncode, 1, p.stderr)
        got = jsonl(self.path("seg.jsonl"))["segment.pcap"]
        self.assertEqual((got["frames"], got["sip_messages"]), (2, 4))
        soft = {who: sorted((i["kind"], i["code"], i["detail"], i["frames"][0]) for i in items)
                for who, items in got["by_software"].items()}
        self.assertEqual(soft, {"Asterisk PBX 20.5": [("code", "404", "", 2)],
                                "FreeSWITCH 1.10": [("code", "488", "", 2), ("should", "488", "Warning", 2)]})
        self.assertIn("FreeSWITCH 1.10 sent 1 488 without Warning (SHOULD) — e.g. segment.pcap frame 2\n", p.stdout)

    def test_shards_merge_equals_one_run(self):
        # The shard recipes of the README ("Beyond one machine"): GNU
        # parallel (--sshlogin : is this machine, through the same remote
        # machinery), xargs -P, and a batch array's per-task command over a
        # split file list; each shard writes JSON Lines, merge reads them all.
        caps = ["real_kamailio_routing.pcapng", "real_kamailio_uas.pcapng", "real_kamailio_tcp.pcapng",
                "handmade_tcp.pcap"]
        d = self.folder("all", caps)
        files = sorted(os.path.join(d, c) for c in caps)
        whole = report(d, "--json", self.path("all.jsonl"))
        self.assertEqual(whole.returncode, 1, whole.stderr)
        with open(self.path("all.jsonl"), encoding="utf-8") as fh:
            all_lines = sorted(fh)
        cmd = " ".join([LAUNCHER, "--tshark", OPTS.tshark, "--plugin-dir", OPTS.plugin_dir])
        recipes = {}
        if shutil.which("parallel"):
            recipes["parallel"] = (f"cd {self.path('parallel')} && printf '%s\\n' {' '.join(files)} | "
                                   f"parallel --will-cite -j 1 --sshlogin : -N 2 "
                                   f"'{cmd} -q --fail-on none --json shard-{{#}}.jsonl {{}}'")
        recipes["xargs"] = (f"cd {self.path('xargs')} && printf '%s\\n' {' '.join(files)} | "
                            f"xargs -P 2 -n 2 sh -c '{cmd} -q -j 1 --fail-on none "
                            f"--json \"$(mktemp shard-XXXXXX)\" \"$@\"' sh")
        recipes["array"] = (f"cd {self.path('array')} && printf '%s\\n' {' '.join(files)} > all.txt && "
                            f"split -n l/2 all.txt list- && for TASK in 0 1; do "
                            f"f=$(ls list-* | sed -n \"$((TASK + 1))p\"); "
                            f"{cmd} -q --fail-on none --json \"shard-$f.jsonl\" - < \"$f\"; done")
        for name, line in recipes.items():
            with self.subTest(recipe=name):
                os.makedirs(self.path(name))
                p = subprocess.run(["sh", "-c", line], capture_output=True, text=True)
                self.assertEqual(p.returncode, 0, p.stderr)
                shards = sorted(f for f in os.listdir(self.path(name)) if f.startswith("shard-"))
                self.assertEqual(len(shards), 2, shards)
                lines = []
                for f in shards:
                    with open(os.path.join(self.path(name), f), encoding="utf-8") as fh:
                        lines += list(fh)
                self.assertEqual(sorted(lines), all_lines)
                m = merge(*[os.path.join(self.path(name), f) for f in shards])
                self.assertEqual((m.returncode, m.stdout), (whole.returncode, whole.stdout))

    def test_baseline(self):
        d = self.folder("coll", ["real_kamailio_routing.pcapng"])
        first = report(d, "--json", self.path("old.jsonl"))
        self.assertEqual(first.returncode, 1)                              # the 405 without Allow
        # Nothing changed: nothing new, exit 0 though findings remain.
        same = report(d, "--baseline", self.path("old.jsonl"))
        self.assertEqual(same.returncode, 0, same.stdout + same.stderr)
        self.assertIn("Against the baseline (1 capture, 20 frames; now 1 capture, 20 frames): "
                      "0 new, 0 more often, 0 less often, 0 gone\n", same.stdout)
        # A capture added: its findings are new.
        shutil.copyfile(os.path.join(CAPTURES, "real_kamailio_uas.pcapng"), os.path.join(d, "real_kamailio_uas.pcapng"))
        p = report(d, "--baseline", self.path("old.jsonl"), "--json", self.path("new.jsonl"))
        self.assertEqual(p.returncode, 1)
        tail = p.stdout[p.stdout.index("Against the baseline"):]
        self.assertIn("kamailio-sip4xx-uas: 180 without Contact (MUST) ×2 — e.g. real_kamailio_uas.pcapng frame 32", tail)
        self.assertIn("kamailio-sip4xx-uas: 488 without Warning (SHOULD) ×2 — e.g. real_kamailio_uas.pcapng frame 18", tail)
        self.assertNotIn("Allow", tail)                                    # known before, as often
        self.assertIn(", 0 less often, 0 gone\n", tail)
        # The proxy's 405 without Allow twice as often (a second routing
        # run): nothing new, but more often, which fails like new.
        shutil.copyfile(os.path.join(CAPTURES, "real_kamailio_routing.pcapng"), os.path.join(d, "routing_again.pcapng"))
        p = report(d, "--baseline", self.path("new.jsonl"))
        self.assertEqual(p.returncode, 1, p.stdout)
        tail = p.stdout[p.stdout.index("Against the baseline"):]
        # routing: 20 frames; uas: 41 (the client's ACK of the 487 ends it)
        self.assertIn("(2 captures, 61 frames; now 3 captures, 81 frames): 0 new,", tail)
        self.assertIn("More often\n", tail)
        self.assertIn("  kamailio-sip4xx-proxy: 405 without Allow (MUST) ×1 → ×2 — e.g. "
                      "real_kamailio_routing.pcapng frame 5\n", tail)
        self.assertEqual(report(d, "--baseline", self.path("new.jsonl"), "--fail-on", "none").returncode, 0)
        # And the other way: captures removed, their findings are gone.
        os.unlink(os.path.join(d, "real_kamailio_uas.pcapng"))
        os.unlink(os.path.join(d, "routing_again.pcapng"))
        back = report(d, "--baseline", self.path("new.jsonl"))
        self.assertEqual(back.returncode, 0)
        self.assertIn(": 0 new, 0 more often, 0 less often, ", back.stdout)
        self.assertIn("kamailio-sip4xx-uas: 180 without Contact (MUST) ×2", back.stdout)
        # merge takes a baseline too.
        self.assertEqual(merge(self.path("new.jsonl"), "--baseline", self.path("old.jsonl")).returncode, 1)

    def test_progress_only_on_a_terminal(self):
        d = self.folder("p", ["real_kamailio_routing.pcapng", "real_kamailio_uas.pcapng"])
        # Standard error not a terminal: nothing on it.
        p = report(d, "-q")
        self.assertEqual((p.returncode, p.stderr), (1, ""))
        # A terminal: the line, redrawn in place, then wiped.
        master, slave = pty.openpty()
        proc = subprocess.Popen([LAUNCHER, "--tshark", OPTS.tshark, "--plugin-dir", OPTS.plugin_dir, "-j", "2",
                                 "-q", d], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:          # EIO: the other side is closed
                break
            if not chunk:
                break
            data += chunk
        os.close(master)
        self.assertEqual(proc.wait(), 1)
        text = data.decode()
        self.assertTrue(text.startswith("\rsip4xx-report: 0/2 files, "), repr(text))
        self.assertRegex(text, r"\rsip4xx-report: 1/2 files, [\d,]+ frames/s, (\d+ s|\d+ min \d\d s) left\x1b\[K")
        self.assertRegex(text, r"\rsip4xx-report: 2/2 files, [\d,]+ frames/s, 0 s left\x1b\[K\r\x1b\[K$")

    def test_concat_ring_buffer(self):
        # real_kamailio_routing.pcapng cut every 4 frames, as dumpcap -b
        # files:N would (editcap -c writes dumpcap's names: PREFIX_NNNNN_
        # YYYYMMDDhhmmss, the time of each file's first frame, here in UTC):
        #   sbc_00000  frames  1-4   404 (2) to the INVITE 1; PUBLISH (4)
        #   sbc_00001  frames  5-8   405 without Allow (5) to the PUBLISH 4; SUBSCRIBE 6, its 405 (7); INVITE 8
        #   sbc_00002  frames  9-12  403 (9) to the INVITE 8; INVITE 11, its 407 (12)
        #   sbc_00003  frames 13-16  ACK; the retry of the 407 (14); 100; the proxy's INVITE to the UAS (16)
        #   sbc_00004  frames 17-20  the UAS's 404 to 16 (17); ACK; the proxy's 404 to 14 (19); ACK
        d = os.path.join(self.dir, "ring")
        os.makedirs(d)
        subprocess.run(["editcap", "-c", "4", os.path.join(CAPTURES, "real_kamailio_routing.pcapng"),
                        os.path.join(d, "sbc.pcapng")], check=True, env=dict(os.environ, TZ="UTC"))
        names = [f"sbc_0000{i}_20261125181625.pcapng" for i in range(5)]
        self.assertEqual(sorted(os.listdir(d)), names)

        # File by file: each 4xx whose request is in the file before has
        # no request; the 407's retry (14) is no retry.
        p = report(d, "--json", self.path("files.jsonl"), "--fail-on", "none")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = jsonl(self.path("files.jsonl"))
        self.assertEqual([got[n]["no_request"] for n in names], [{}, {"405": 1}, {"403": 1}, {}, {"404": 2}])
        self.assertEqual([got[n]["reactions"] for n in names], [{}] * 5)
        self.assertIn("  405       1  e.g. sbc_00001_20261125181625.pcapng frame 1\n", p.stdout)
        self.assertIn("4xx matched to no request", p.stdout)

        # One stream: every 4xx finds its request, the retry is judged, and
        # each finding is in the file and frame it came from.
        p = report("--concat", d, "--json", self.path("ring.jsonl"), "--fail-on", "none")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        got = jsonl(self.path("ring.jsonl"))
        self.assertEqual([got[n]["frames"] for n in names], [4, 4, 4, 4, 4])
        self.assertEqual([got[n]["no_request"] for n in names], [{}] * 5)
        self.assertEqual([got[n]["by_code"] for n in names],
                         [{"404": 1}, {"405": 2}, {"403": 1, "407": 1}, {}, {"404": 2}])
        self.assertEqual(got[names[3]]["reactions"], {"407 Followed the RFC": 1})
        self.assertEqual(got[names[3]]["examples"], {"reaction to 407: Followed the RFC": 2})   # frame 14
        self.assertEqual(got[names[1]]["missing_must"], {"Allow": 1})
        self.assertEqual(got[names[1]]["examples"]["405 without Allow (MUST)"], 1)             # frame 5
        self.assertIn("kamailio-sip4xx-proxy sent 1 405 without Allow (MUST) — e.g. "
                      "sbc_00001_20261125181625.pcapng frame 1\n", p.stdout)
        self.assertIn("after 407: Followed the RFC       1  e.g. sbc_00003_20261125181625.pcapng frame 2\n",
                      p.stdout)
        self.assertNotIn("4xx matched to no request", p.stdout)
        # As one run over the uncut capture, but for where the frames are.
        whole = report(os.path.join(CAPTURES, "real_kamailio_routing.pcapng"), "--fail-on", "none")
        def strip(text):
            return [l.split("  e.g. ")[0].split(" — e.g. ")[0] for l in text.splitlines()[1:]]
        self.assertEqual(strip(p.stdout), strip(whole.stdout))

        # The file being written when the set was copied is cut short, and
        # something that is no capture has a ring buffer's name: the cut file
        # gives what it has (17-19, the 404 to 16 still matched) and an
        # error, the other one an error, the rest as before.
        last = os.path.join(d, names[4])
        with open(last, "rb") as fh:
            data = fh.read()
        with open(last, "wb") as fh:
            fh.write(data[:-200])                         # inside frame 20
        with open(os.path.join(d, "sbc_00005_20261125181626.pcapng"), "wb") as fh:
            fh.write(b"no capture\n" * 10)
        p = report("--concat", d, "--json", self.path("cut.jsonl"), "--fail-on", "none")
        got = jsonl(self.path("cut.jsonl"))
        self.assertEqual(len(got), 6)
        self.assertIn("cut short", got[names[4]]["error"])
        self.assertEqual((got[names[4]]["frames"], got[names[4]]["by_code"], got[names[4]]["no_request"]),
                         (3, {"404": 2}, {}))
        self.assertIn("isn't a capture file", got["sbc_00005_20261125181626.pcapng"]["error"])
        self.assertEqual([got[n]["error"] for n in names[:4]], [None] * 4)
        self.assertEqual(got[names[3]]["reactions"], {"407 Followed the RFC": 1})
        self.assertEqual(len(p.stderr.splitlines()), 2, p.stderr)
        self.assertEqual(p.returncode, 0)                 # --fail-on none
        self.assertEqual(report("--concat", d).returncode, 1)


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    OPTS, rest = ap.parse_known_args()
    OPTS.plugin_dir = os.path.abspath(OPTS.plugin_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
