#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sip4xx-report's aggregation on rows written by hand (no tshark): the
rows are what `tshark -T fields` prints for the report's FIELDS, one line
per frame, values of one field joined by the unit separator (0x1f)."""

import io
import json
import os
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "plugin", "report"))
import sip4xx_report as R  # noqa: E402

A = R.AGG


def line(**cells):
    """A tshark line: cells by field name (dots and dashes as underscores)."""
    by = {f.replace(".", "_").replace("-", "_"): f for f in R.FIELDS}
    vals = {by[k]: v for k, v in cells.items()}
    return "\t".join(vals.get(f, "") for f in R.FIELDS)


def sip_items(*labels):
    """The sip column: one "Session Initiation Protocol (X)" per message."""
    return A.join(f"Session Initiation Protocol ({l})" for l in labels)


def record(name, lines):
    return R.parse_output(R.Record(name), "\n".join(lines) + "\n")


# A proxy (Server: Kamailio (5.6.3)) answers a PUBLISH with a 405 lacking
# Allow (frame 2), a SUBSCRIBE with a 405 (cause: method not in Allow,
# frame 4), and an INVITE with a 407 that the client (frame 6) retries
# properly; a UAS with no Server header (10.0.0.2) sends a 488 without
# Warning (SHOULD) and a 180 without Contact (MUST) in frame 8, and frame 9
# is a malformed request.
ROWS = [
    line(frame_number="1", sip_User_Agent="phone/1", ip_src="10.0.0.9", sip_Method="PUBLISH", sip=sip_items("PUBLISH")),
    line(frame_number="2", sip4xx="SIP 4xx analysis: 405 Method Not Allowed; missing Allow (MUST, RFC 3261 §21.4.6)",
         sip4xx_missing_count="1", sip4xx_code="405", sip4xx_missing_header="Allow", sip4xx_missing_header_must="1",
         _ws_expert_message="Missing Allow: the message MUST carry it (RFC 3261 §21.4.6)",
         sip_Server="Kamailio (5.6.3)", ip_src="10.0.0.1", sip_Status_Code="405", sip=sip_items("405")),
    line(frame_number="3", sip_User_Agent="phone/1", ip_src="10.0.0.9", sip_Method="SUBSCRIBE", sip=sip_items("SUBSCRIBE")),
    line(frame_number="4", sip4xx="SIP 4xx analysis: 405 Method Not Allowed", sip4xx_code="405",
         sip4xx_cause_class="5", sip_Server="Kamailio (5.6.3)", ip_src="10.0.0.1", sip_Status_Code="405", sip=sip_items("405")),
    line(frame_number="5", sip4xx="SIP 4xx analysis: 407 Proxy Authentication Required", sip4xx_code="407",
         sip4xx_cause_class="2", sip4xx_reaction="1", sip4xx_reaction_ok="1",
         sip_Server="Kamailio (5.6.3)", ip_src="10.0.0.1", sip_Status_Code="407", sip=sip_items("407")),
    line(frame_number="6", sip4xx="SIP 4xx analysis: next attempt after the 4xx in frame 5",
         sip4xx_retry_of="5", sip4xx_reaction="1", sip4xx_reaction_ok="1",
         sip_User_Agent="phone/1", ip_src="10.0.0.9", sip_Method="INVITE", sip=sip_items("INVITE")),
    # Two messages in one TCP segment: a 488 lacking Warning (SHOULD) and a
    # 180 lacking Contact (MUST); the expert texts say which is which.
    line(frame_number="8",
         sip4xx=A.join(["SIP 4xx analysis: 488 Not Acceptable Here; missing Warning (SHOULD, RFC 3261 §13.3.1.3)",
                        "SIP 4xx analysis: missing Contact (MUST, RFC 3261 §12.1.1)"]),
         sip4xx_missing_count=A.join(["1", "1"]),
         sip4xx_code="488", sip4xx_missing_header=A.join(["Warning", "Contact"]),
         sip4xx_missing_header_must="1", sip4xx_missing_header_should="1",
         _ws_expert_message=A.join(["488 Not Acceptable Here (RFC 3261 §21.4.26): ...",
                                    "Missing Warning: the message SHOULD carry it (RFC 3261 §13.3.1.3)",
                                    "Missing Contact: the message MUST carry it (RFC 3261 §12.1.1)"]),
         ipv6_src="2001:db8::2", sip_Status_Code=A.join(["488", "180"]),
         sip=sip_items("488", "180")),
    # Malformed with two problems (two expert items): one message.
    line(frame_number="9", sip4xx="sip4xx", sip4xx_malformed=A.join(["1", "1"]),
         ip_src="10.0.0.9", sip_Method="INVITE", sip=sip_items("INVITE")),
    # A second final response (a 200 after a 486) from the UAS.
    line(frame_number="10", sip4xx="SIP 4xx analysis: second final response (first in frame 7)",
         sip4xx_second_final="1", sip4xx_first_final_in="7", sip_Server="uas/2",
         ip_src="10.0.0.2", sip_Status_Code="200", sip=sip_items("200")),
]


class Parsing(unittest.TestCase):
    def test_summary(self):
        # The subtree line names its worst finding after "; "; the count of
        # missing headers comes from the hidden sip4xx.missing_count.
        self.assertEqual(R.parse_summary("SIP 4xx analysis: 405 Method Not Allowed; missing Via (MUST, RFC 3261"
                                         " §8.1.1.7) (+1 more)", 2), ("405", "Method Not Allowed", 2))
        self.assertEqual(R.parse_summary("SIP 4xx analysis: 486 Busy Here"), ("486", "Busy Here", 0))
        self.assertEqual(R.parse_summary("SIP 4xx analysis: 404 Not Found; cause: Request ended by CANCEL/BYE"),
                         ("404", "Not Found", 0))
        self.assertEqual(R.parse_summary("SIP 4xx analysis: missing Max-Forwards (MUST, RFC 3261 §8.1.1)", 1),
                         (None, None, 1))
        self.assertEqual(R.parse_summary("SIP 4xx analysis: 409 (unregistered, handled as 400)"),
                         ("409", "(unregistered, handled as 400)", 0))
        self.assertEqual(R.parse_summary("SIP 4xx analysis: answered by a 4xx in frame 5"), (None, None, 0))
        self.assertEqual(R.parse_summary("sip4xx"), (None, None, 0))

    def test_levels(self):
        self.assertEqual(R.assign_levels(["Via", "Allow"], 2, 0, []), ["must", "must"])
        self.assertEqual(R.assign_levels(["Warning"], 0, 1, []), ["should"])
        said = ["Missing Contact: the message MUST carry it (x)", "Missing Warning: the message SHOULD carry it (y)"]
        self.assertEqual(R.assign_levels(["Warning", "Contact"], 1, 1, said), ["should", "must"])
        # No text to go by: the MUSTs first.
        self.assertEqual(R.assign_levels(["A", "B"], 1, 1, []), ["must", "should"])


class Aggregation(unittest.TestCase):
    def setUp(self):
        self.rec = record("a.pcap", ROWS)
        self.j = self.rec.to_json()

    def test_totals(self):
        j = self.j
        self.assertEqual(j["frames"], 9)
        self.assertEqual(j["sip_messages"], 10)
        self.assertEqual(j["by_code"], {"405": 2, "407": 1, "488": 1})
        self.assertEqual(j["missing_must"], {"Allow": 1, "Contact": 1})
        self.assertEqual(j["missing_should"], {"Warning": 1})
        self.assertEqual(j["causes"], {"405 Method not in Allow": 1,
                                       "407 First challenge: request had no credentials": 1})
        # Counted once, on the retry (frame 6), not again on the 407.
        self.assertEqual(j["reactions"], {"407 Followed the RFC": 1})
        self.assertEqual(j["second_finals"], {"200": 1})
        self.assertEqual(j["malformed"], 1)
        self.assertEqual(j["reasons"]["405"], "Method Not Allowed")

    def test_software(self):
        bs = self.j["by_software"]
        self.assertEqual(set(bs), {"Kamailio (5.6.3)", "phone/1", "2001:db8::2", "10.0.0.9", "uas/2"})
        k = {(i["kind"], i["code"], i["detail"]): (i["count"], i["frames"]) for i in bs["Kamailio (5.6.3)"]}
        self.assertEqual(k[("must", "405", "Allow")], (1, [2]))
        self.assertEqual(k[("code", "405", "")], (2, [2, 4]))
        v6 = {(i["kind"], i["code"], i["detail"]) for i in bs["2001:db8::2"]}
        # The 180's Contact finding is on the 180 (its message), not the 488.
        self.assertEqual(v6, {("code", "488", ""), ("should", "488", "Warning"), ("must", "180", "Contact")})
        self.assertEqual([(i["kind"], i["code"]) for i in bs["phone/1"]], [("reaction", "407")])

    def test_levels_and_fail(self):
        self.assertEqual(self.rec.worst(), 3)
        must = R.failing(self.rec, R.LEVELS["must"])
        self.assertEqual(sorted((f.kind, f.code, f.detail) for f in must),
                         [("malformed", "INVITE", ""), ("must", "180", "Contact"), ("must", "405", "Allow"),
                          ("second_final", "200", "")])
        should = R.failing(self.rec, R.LEVELS["should"])
        self.assertEqual(len(should), 5)
        clean = record("b.pcap", [ROWS[0], ROWS[3]])
        self.assertEqual(R.failing(clean, R.LEVELS["should"]), [])
        self.assertEqual(len(R.failing(clean, R.LEVELS["any"])), 2)   # the 405 and its cause
        self.assertEqual(R.failing(self.rec, R.LEVELS["none"]), [])

    def test_same_row_again(self):
        # A row the same as an earlier one but for its frame reuses its
        # analysis (Folder.feed_line): counted again, under its own frame.
        # A retry's analysis depends on the 4xx it retries: two identical
        # retries of a 401 and of a 407 stay apart.
        again = ROWS[1].replace("\t2\t", "\t12\t", 1)
        self.assertNotEqual(again, ROWS[1])
        retry = lambda frame, of: line(
            frame_number=frame, sip4xx=f"SIP 4xx analysis: next attempt after the 4xx in frame {of}",
            sip4xx_retry_of=of, sip4xx_reaction="1", sip4xx_reaction_ok="1", sip_User_Agent="phone/1",
            ip_src="10.0.0.9", sip_Method="INVITE", sip=sip_items("INVITE"))
        c401 = line(frame_number="20", sip4xx="SIP 4xx analysis: 401 Unauthorized", sip4xx_code="401",
                    sip_Server="Kamailio (5.6.3)", ip_src="10.0.0.1", sip_Status_Code="401", sip=sip_items("401"))
        rec = record("a.pcap", [ROWS[1], again, c401, ROWS[4], retry("21", "20"), retry("22", "5")])
        j = rec.to_json()
        self.assertEqual(j["missing_must"], {"Allow": 2})
        k = {(i["kind"], i["code"], i["detail"]): i["frames"] for i in j["by_software"]["Kamailio (5.6.3)"]}
        self.assertEqual(k[("must", "405", "Allow")], [2, 12])
        self.assertEqual(j["reactions"], {"401 Followed the RFC": 1, "407 Followed the RFC": 1})

    def test_rows_cut_by_blocks(self):
        # tshark's output read from its pipe in blocks (read_rows): rows cut
        # at every possible place, the last one without its newline, fold
        # into the same record as the whole text.
        text = ("\n".join(ROWS) + "\n").encode()
        whole = json.dumps(R.parse_output(R.Record("x"), text.decode()).to_json(), sort_keys=True)
        for size in (1, 7, 64, len(text) // 3, len(text)):
            for data in (text, text.rstrip(b"\n")):
                rec = R.Record("x")
                R.read_rows(io.BufferedReader(io.BytesIO(data), buffer_size=size), R.Folder(lambda fr, i: (rec, fr)),
                            R.NoProgress(), block_size=size)
                self.assertEqual(json.dumps(rec.to_json(), sort_keys=True), whole, f"blocks of {size} bytes")

    def test_json_round_trip(self):
        back = R.Record.from_json(json.loads(json.dumps(self.j)))
        self.assertEqual(back.to_json(), self.j)

    def test_human_report(self):
        out = io.StringIO()
        R.human_report([self.rec], out)
        text = out.getvalue()
        self.assertIn("Kamailio (5.6.3) sent 1 405 without Allow (MUST) — e.g. a.pcap frame 2", text)
        self.assertIn("2001:db8::2 sent 1 488 without Warning (SHOULD) — e.g. a.pcap frame 8", text)
        self.assertIn("uas/2 sent 1 200 as a second final response — e.g. a.pcap frame 10", text)
        # Every line under a heading names an example frame.
        for l in text.splitlines():
            if l.startswith("  "):
                self.assertRegex(l, r"e\.g\. \S+ frame \d+$")

    def test_merge_equals_one_run(self):
        a = record("a.pcap", ROWS[:4])
        b = record("b.pcap", ROWS[4:])
        both = record("a.pcap", ROWS[:4]), record("b.pcap", ROWS[4:])
        one, two = io.StringIO(), io.StringIO()
        R.human_report(list(both), one)
        shards = [R.Record.from_json(json.loads(json.dumps(r.to_json()))) for r in (b, a)]
        R.human_report(shards, two)
        self.assertEqual(one.getvalue(), two.getvalue())

    def test_baseline(self):
        old = record("a.pcap", ROWS[:4])
        new = record("a.pcap", ROWS[:2] + ROWS[7:8])
        out = io.StringIO()
        added = R.baseline_diff([old], [new], out)
        self.assertEqual([(f.kind, f.code, f.software) for f in added], [("malformed", "INVITE", "10.0.0.9")])
        text = out.getvalue()
        # Gone: the cause of frame 4's 405 (the 405s themselves remain: frame
        # 2, now one instead of two).
        self.assertIn("Against the baseline (1 capture, 4 frames; now 1 capture, 3 frames): "
                      "1 new, 0 more often, 1 less often, 1 gone\n", text)
        self.assertIn("Less often\n  Kamailio (5.6.3): 405 response ×2 → ×1 — e.g. a.pcap frame 2\n", text)
        self.assertIn("Kamailio (5.6.3): 405 cause: Method not in Allow ×1 — e.g. a.pcap frame 4", text)
        self.assertIn("10.0.0.9: malformed INVITE ×1 — e.g. a.pcap frame 9", text)

    def test_baseline_counts(self):
        # The same finding 1 time before and 3 times now: not new, but more
        # often, and that fails like a new one; fewer does not.
        def run(n):
            return record("a.pcap", [ROWS[0]] + [
                line(frame_number=str(10 + i), sip4xx_missing_count="1",
                     sip4xx="SIP 4xx analysis: 405 Method Not Allowed; missing Allow (MUST, RFC 3261 §21.4.6)",
                     sip4xx_code="405", sip4xx_missing_header="Allow", sip4xx_missing_header_must="1",
                     sip_Server="Kamailio (5.6.3)", ip_src="10.0.0.1", sip_Status_Code="405", sip=sip_items("405"))
                for i in range(n)])
        once, thrice = run(1), run(3)
        out = io.StringIO()
        worse = R.baseline_diff([once], [thrice], out)
        self.assertEqual(sorted((f.kind, f.code, f.detail, f.count) for f in worse),
                         [("code", "405", "", 3), ("must", "405", "Allow", 3)])
        self.assertIn(": 0 new, 2 more often, 0 less often, 0 gone\n", out.getvalue())
        self.assertIn("  Kamailio (5.6.3): 405 without Allow (MUST) ×1 → ×3 — e.g. a.pcap frame 10\n",
                      out.getvalue())
        out = io.StringIO()
        self.assertEqual(R.baseline_diff([thrice], [once], out), [])
        self.assertIn(": 0 new, 0 more often, 2 less often, 0 gone\n", out.getvalue())

    def test_junit(self):
        bad = record("a.pcap", ROWS)
        ok = record("b.pcap", [ROWS[0]])
        err = R.Record("c.pcap")
        err.error = "not a capture"
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "j.xml")
            R.write_junit([bad, ok, err], R.LEVELS["must"], p)
            suite = ET.parse(p).getroot()
        self.assertEqual((suite.get("tests"), suite.get("failures"), suite.get("errors")), ("3", "1", "1"))
        cases = {c.get("name"): c for c in suite.iter("testcase")}
        self.assertIsNotNone(cases["a.pcap"].find("failure"))
        self.assertIn("sent 1 405 without Allow (MUST) — frames 2", cases["a.pcap"].find("failure").text)
        self.assertEqual(list(cases["b.pcap"]), [])
        self.assertEqual(cases["c.pcap"].find("error").get("message"), "not a capture")


class SeveralMessagesInAFrame(unittest.TestCase):
    """Frames of one TCP segment holding several SIP messages: each
    finding goes to the software of its own message, or, when the field
    values cannot say which message has which header, to the source
    address (which sent them all), never to another message's software."""

    def findings(self, *rows):
        rec = record("t.pcap", list(rows))
        return sorted((f.kind, f.code, f.detail, f.software, f.count) for f in rec.findings.values())

    def test_each_message_its_own_server(self):
        # A proxy relays two UASes' answers in one segment: a 404 from
        # Asterisk, then a 488 lacking Warning (SHOULD) from FreeSWITCH.
        got = self.findings(line(
            frame_number="3", sip=sip_items("404", "488"),
            sip4xx=A.join(["SIP 4xx analysis: 404 Not Found",
                           "SIP 4xx analysis: 488 Not Acceptable Here; missing Warning (SHOULD, RFC 3261 §13.3.1.3)"]),
            sip4xx_missing_count=A.join(["0", "1"]),
            sip4xx_code=A.join(["404", "488"]), sip4xx_missing_header="Warning",
            sip4xx_missing_header_should="1", sip_Server=A.join(["Asterisk PBX 20.5", "FreeSWITCH 1.10"]),
            ip_src="10.0.0.1", sip_Status_Code=A.join(["404", "488"])))
        self.assertEqual(got, [("code", "404", "", "Asterisk PBX 20.5", 1),
                               ("code", "488", "", "FreeSWITCH 1.10", 1),
                               ("should", "488", "Warning", "FreeSWITCH 1.10", 1)])

    def test_the_same_code_twice(self):
        # Two 486s from two servers: one each, by order.
        got = self.findings(line(
            frame_number="4", sip=sip_items("486", "486"),
            sip4xx=A.join(["SIP 4xx analysis: 486 Busy Here"] * 2), sip4xx_code=A.join(["486", "486"]),
            sip4xx_cause_class="16", sip_Server=A.join(["A/1", "B/2"]), ip_src="10.0.0.1",
            sip_Status_Code=A.join(["486", "486"])))
        self.assertIn(("code", "486", "", "A/1", 1), got)
        self.assertIn(("code", "486", "", "B/2", 1), got)
        # One cause for two 486s: it may be either's, so the address.
        self.assertIn(("cause", "486", "Request ended by CANCEL/BYE", "10.0.0.1", 1), got)

    def test_user_agents_when_no_server(self):
        # An INVITE and an OPTIONS, both lacking Max-Forwards, from two
        # clients behind one address; User-Agent on each.
        got = self.findings(line(
            frame_number="5", sip=sip_items("INVITE", "OPTIONS"),
            sip4xx=A.join(["SIP 4xx analysis: missing Max-Forwards (MUST, RFC 3261 §8.1.1)"] * 2),
            sip4xx_missing_count=A.join(["1", "1"]),
            sip4xx_missing_header=A.join(["Max-Forwards", "Max-Forwards"]), sip4xx_missing_header_must="1" + A + "1",
            sip_User_Agent=A.join(["softphone/7", "monitor/1"]), ip_src="10.0.0.9",
            sip_Method=A.join(["INVITE", "OPTIONS"])))
        self.assertEqual(got, [("must", "INVITE", "Max-Forwards", "softphone/7", 1),
                               ("must", "OPTIONS", "Max-Forwards", "monitor/1", 1)])

    def test_not_known_which_message_has_the_server(self):
        # A 100 Trying and a 486 in one segment, one Server value: the
        # 486 is the proxy's address's, not the Server's (it may be the
        # 100's).
        got = self.findings(line(
            frame_number="6", sip=sip_items("100", "486"), sip4xx="SIP 4xx analysis: 486 Busy Here",
            sip4xx_code="486", sip_Server="uas/1", ip_src="10.0.0.1", sip_Status_Code=A.join(["100", "486"])))
        self.assertEqual(got, [("code", "486", "", "10.0.0.1", 1)])

    def test_subtree_placed_by_kind(self):
        # A BYE and an INVITE, each with a User-Agent, one of them a retry
        # after the 4xx of frame 7.
        got = self.findings(line(
            frame_number="9", sip=sip_items("BYE", "INVITE"),
            sip4xx="SIP 4xx analysis: next attempt after the 4xx in frame 7", sip4xx_retry_of="7",
            sip4xx_reaction="2", sip4xx_reaction_ok="0", sip_User_Agent=A.join(["old/1", "new/2"]),
            ip_src="10.0.0.9", sip_Method=A.join(["BYE", "INVITE"])))
        # Either message could be the retry by kind (both requests): the
        # address.
        self.assertEqual(got, [("reaction", "4xx", "Retried without modification", "10.0.0.9", 1)])
        got = self.findings(line(
            frame_number="9", sip=sip_items("200", "INVITE"),
            sip4xx="SIP 4xx analysis: next attempt after the 4xx in frame 7", sip4xx_retry_of="7",
            sip4xx_reaction="2", sip4xx_reaction_ok="0", sip_User_Agent=A.join(["b2bua/1", "new/2"]),
            ip_src="10.0.0.9", sip_Status_Code="200", sip_Method="INVITE"))
        # A 200 and an INVITE (a B2BUA's two legs): only the INVITE is a
        # request, so it is the retry: its User-Agent.
        self.assertEqual(got, [("reaction", "4xx", "Retried without modification", "new/2", 1)])


class Inputs(unittest.TestCase):
    def test_collect(self):
        with tempfile.TemporaryDirectory() as d:
            for n in ["b.pcap", "a.pcapng", "sub/c.cap.gz", "sub/d.pcap.gz", "notes.txt", "e.PCAP"]:
                os.makedirs(os.path.dirname(os.path.join(d, n)), exist_ok=True)
                open(os.path.join(d, n), "w").close()
            got = [os.path.relpath(p, d) for p in R.collect([d])]
            self.assertEqual(got, ["a.pcapng", "b.pcap", "e.PCAP", "sub/c.cap.gz", "sub/d.pcap.gz"])
            # A file is taken as given, whatever its name; duplicates once.
            self.assertEqual(R.collect([os.path.join(d, "notes.txt")] * 2), [os.path.join(d, "notes.txt")])

    def test_ring_sets(self):
        files = ["/c/sbc_00001_20240101120000.pcapng", "/c/sbc_00002_20240101120500.pcapng",
                 "/c/lb_20240101120000_00001.pcap.gz", "/c/lb_20240101121000_00002.pcap.gz",
                 "/c/sbc_00001_20240101120000.pcap",     # another extension: another ring buffer
                 "/c/notes.pcap", "/c/other.pcapng", "/d/sbc_00003_20240101121000.pcapng"]
        self.assertEqual(R.ring_sets(files), [files[0:2], files[2:4], [files[4]], files[5:7], [files[7]]])

    def test_usage(self):
        err = io.StringIO()
        old, sys.stderr = sys.stderr, err
        try:
            self.assertEqual(R.main([]), 2)
            self.assertEqual(R.main(["--fail-on", "sometimes", "x.pcap"]), 2)
            self.assertEqual(R.main(["merge"]), 2)
            with tempfile.TemporaryDirectory() as d:
                self.assertEqual(R.main([d]), 2)          # no capture in it
        finally:
            sys.stderr = old
        self.assertIn("no input", err.getvalue())


if __name__ == "__main__":
    unittest.main(verbosity=2)
