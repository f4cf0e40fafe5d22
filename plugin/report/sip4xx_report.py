#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sip4xx-report: what the sip4xx Wireshark plugin finds in a collection of
captures, as a regression report (Python 3 standard library only).

    sip4xx-report [options] PATH...        files and folders (recursive), or - for a list on stdin
    sip4xx-report merge A.jsonl B.jsonl    the report of several --json outputs, as one run

One tshark per capture (-2, two passes: reactions are known), in parallel;
with --concat, each ring buffer (dumpcap -b) is merged in time order
(mergecap) and read by one tshark, so that an exchange crossing a file
boundary is matched, and every finding is put back in the file and frame
it came from. Output: a human report on stdout (and a progress line on
standard error when it is a terminal); --json FILE (JSON Lines, one
object per capture), --junit FILE (one testcase per capture), --baseline
OLD.jsonl (what is new, more often, less often, gone).

Exit status: 0 nothing at or above --fail-on (with --baseline: nothing new
or more often at or above it), 1 findings at that level (or a capture
tshark could not read), 2 usage error (tshark missing, or without the
plugin) or no input.

Levels (--fail-on): must = the expert warnings (a missing MUST header,
malformed SIP, a second final response, a client reaction that breaks the
RFC, an exchange that breaks the RFC); should = those and a missing SHOULD
header; any = those and any 4xx at all; none = never fail.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

try:
    import fcntl            # Linux: a larger pipe from tshark
except ImportError:
    fcntl = None

NOBODY = 65534
CAPTURE_EXTS = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz")
# Values hold commas (Server headers, expert texts, the subtree summaries):
# the aggregator is the ASCII unit separator, which no field value holds.
AGG = "\x1f"

# The fields a finding is counted from come first: a row whose first
# columns are all empty (most rows) is only counted (Folder.feed).
FINDING_FIELDS = [
    "sip4xx.code",
    "sip4xx.missing_header",
    "sip4xx.cause_class",
    "sip4xx.retry_of",
    "sip4xx.reaction",
    "sip4xx.second_final",
    "sip4xx.malformed",
    "sip4xx.no_request",            # expert: a 4xx matched to no request
]
FIELDS = FINDING_FIELDS + [
    "frame.number",
    "frame.interface_id",           # --concat: which input file a frame of the merged stream came from
    "sip",                          # one per SIP message, in order: "Session Initiation Protocol (405)" / "(INVITE)"
    "sip4xx",                       # one line per message subtree: "SIP 4xx analysis: 405 Method Not Allowed; missing Allow (MUST, ...)"
    "sip4xx.missing_count",         # hidden, one per subtree, in order: how many sip4xx.missing_header values are its
    "sip4xx.missing_header.must",   # expert (FT_NONE): one "1" per MUST finding
    "sip4xx.missing_header.should",  # expert: one per SHOULD finding
    "_ws.expert.message",           # "Missing Allow: the message MUST carry it (...)": pairs a level with a header
    "sip4xx.reaction.ok",
    "sip4xx.first_final_in",
    "sip.Server",
    "sip.User-Agent",
    "ip.src",
    "ipv6.src",
    "sip.Status-Code",
    "sip.Method",
]

# Value strings of sip4xx.cause_class and sip4xx.reaction (tshark -G values).
CAUSES = {
    0: "No cause found in the request", 1: "Request malformed or lacking mandatory headers",
    2: "First challenge: request had no credentials", 3: "Credentials for the realm were rejected",
    4: "Stale nonce", 5: "Method not in Allow", 6: "Method listed in Allow yet refused", 7: "Body size",
    8: "Request-URI length", 9: "Body type/encoding/language not accepted", 10: "Request-URI scheme",
    11: "Required extension unsupported", 12: "Extension required but not supported by client",
    13: "Session-Expires below Min-SE", 14: "Expiry below Min-Expires", 15: "Max-Forwards exhausted",
    16: "Request ended by CANCEL/BYE", 17: "487 sent to a CANCEL", 18: "No matching dialog or transaction",
    19: "Glare: both sides sent requests",
}
# sip4xx.cause.problem (a warning): the exchange itself breaks the RFC.
PROBLEM_CAUSES = {6, 17}
REACTIONS = {
    0: "No later request of the same kind", 1: "Followed the RFC", 2: "Retried without modification",
    3: "Retried with the credentials already rejected", 4: "Retried without credentials for the challenged realm",
    5: "Retry still below Min-Expires", 6: "Retry Session-Expires still below Min-SE",
    7: "Retry still requires the unsupported extension", 8: "Retry body still of a type not accepted",
    9: "Retried before the back-off of RFC 3261 §14.1", 10: "Repeated a request refused with 403",
    11: "Retried with credentials without incrementing CSeq",
}

LEVELS = {"none": 99, "must": 3, "should": 2, "any": 1}
KIND_ORDER = ["code", "must", "should", "cause", "reaction", "second_final", "malformed", "no_request"]
MAX_EXAMPLES = 3

SUMMARY_CODE_RE = re.compile(r"^(\d{3}) (.*)$")
EXPERT_MISSING_RE = re.compile(r"^Missing (.+?): the message (MUST|SHOULD) carry it")


class UsageError(Exception):
    pass


# ---------------------------------------------------------------- findings

def finding_level(kind, detail_ok=True, cause_class=None):
    """Numeric level of a finding: 3 must (expert warnings), 2 should, 1 any."""
    if kind in ("must", "malformed", "second_final"):
        return 3
    if kind == "reaction":
        return 3 if not detail_ok else 1
    if kind == "cause":
        return 3 if cause_class in PROBLEM_CAUSES else 1
    if kind == "should":
        return 2
    return 1


class Finding:
    """One (kind, code, detail, software) with its count and example frames.
    kind: code (a 4xx), must / should (a missing header; detail = its label),
    cause (detail = the cause class), reaction (detail = the verdict),
    second_final, malformed, no_request (a 4xx matched to no request: a
    capture started late, a ring buffer read without --concat, or a request
    not captured whole). code: the 4xx code, or for another message its
    method or status code."""
    __slots__ = ("kind", "code", "detail", "software", "level", "count", "examples")

    def __init__(self, kind, code, detail, software, level, count=0, examples=None):
        self.kind, self.code, self.detail, self.software, self.level = kind, str(code), detail, software, level
        self.count = count
        self.examples = list(examples or [])   # [[file, frame], ...]

    def key(self):
        return (self.kind, self.code, self.detail, self.software)

    def add(self, n, file, frame):
        self.count += n
        if len(self.examples) < MAX_EXAMPLES and [file, frame] not in self.examples:
            self.examples.append([file, frame])


class Record:
    """What one capture holds (one JSON line)."""

    def __init__(self, file):
        self.file = file
        self.error = None
        self.frames = 0
        self.sip_messages = 0
        self.reasons = {}         # "405" -> "Method Not Allowed"
        self.findings = {}        # key -> Finding

    def add(self, kind, code, detail, software, frame, n=1, level=None):
        f = self.findings.get((kind, str(code), detail, software))
        if f is None:
            f = Finding(kind, code, detail, software, level if level is not None else finding_level(kind))
            self.findings[f.key()] = f
        f.add(n, self.file, frame)

    def worst(self):
        return max((f.level for f in self.findings.values()), default=0)

    # -- JSON
    def to_json(self):
        def totals(kind, keyf):
            out = {}
            for f in self.sorted_findings():
                if f.kind == kind:
                    k = keyf(f)
                    out[k] = out.get(k, 0) + f.count
            return out
        by_software = {}
        for f in self.sorted_findings():
            by_software.setdefault(f.software, []).append({
                "kind": f.kind, "code": f.code, "detail": f.detail, "level": f.level,
                "count": f.count, "frames": [fr for _, fr in f.examples]})
        examples = {}
        for f in self.sorted_findings():
            k = describe_key(f.kind, f.code, f.detail)
            if k not in examples and f.examples:
                examples[k] = f.examples[0][1]
        return {
            "file": self.file,
            "error": self.error,
            "frames": self.frames,
            "sip_messages": self.sip_messages,
            "by_code": totals("code", lambda f: f.code),
            "reasons": self.reasons,
            "missing_must": totals("must", lambda f: f.detail),
            "missing_should": totals("should", lambda f: f.detail),
            "causes": totals("cause", lambda f: f"{f.code} {f.detail}"),
            "reactions": totals("reaction", lambda f: f"{f.code} {f.detail}"),
            "second_finals": totals("second_final", lambda f: f.code),
            "malformed": sum(f.count for f in self.findings.values() if f.kind == "malformed"),
            "no_request": totals("no_request", lambda f: f.code),
            "by_software": by_software,
            "examples": examples,
        }

    @classmethod
    def from_json(cls, obj):
        r = cls(obj["file"])
        r.error = obj.get("error")
        r.frames = obj.get("frames", 0)
        r.sip_messages = obj.get("sip_messages", 0)
        r.reasons = dict(obj.get("reasons", {}))
        for software, items in obj.get("by_software", {}).items():
            for it in items:
                f = Finding(it["kind"], it["code"], it["detail"], software, it["level"], it["count"],
                            [[r.file, fr] for fr in it.get("frames", [])])
                r.findings[f.key()] = f
        return r

    def sorted_findings(self):
        return sorted(self.findings.values(), key=sort_key)


def sort_key(f):
    return (KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else 99, f.code, f.detail, f.software)


def describe_key(kind, code, detail):
    if kind == "code":
        return f"{code}"
    if kind in ("must", "should"):
        return f"{code} without {detail} ({kind.upper()})"
    if kind == "cause":
        return f"{code} cause: {detail}"
    if kind == "reaction":
        return f"reaction to {code}: {detail}"
    if kind == "second_final":
        return f"{code} as a second final response"
    if kind == "malformed":
        return f"malformed {code}"
    if kind == "no_request":
        return f"{code} with no request in the capture"
    return f"{kind} {code} {detail}"


# ---------------------------------------------------------------- rows -> record

def software_of(row):
    """The software that sent a frame's only message: Server, else
    User-Agent, else the source address."""
    for name in ("sip.Server", "sip.User-Agent"):
        vals = [v.strip() for v in row.get(name, []) if v.strip()]
        if vals:
            return vals[0]
    return source_address(row)


def source_address(row):
    for name in ("ip.src", "ipv6.src"):
        vals = row.get(name, [])
        if vals:
            return vals[-1]    # the innermost header (tunnels)
    return "unknown"


def message_label(row):
    """The method or status code of a frame's (first) SIP message."""
    for name in ("sip.Method", "sip.Status-Code"):
        if row.get(name):
            return row[name][0]
    return "SIP"


SIP_ITEM_RE = re.compile(r"\(([^()]*)\)$")


def is_4xx(label):
    return bool(label) and len(label) == 3 and label.isdigit() and label[0] == "4"


class FrameView:
    """Who sent each sip4xx subtree's message, in a frame that may hold
    several SIP messages (TCP).

    tshark's field output gives each field's values in tree order but not
    which message a value is in. The messages are known in order (one `sip`
    item each, labelled with its status code or method); the subtrees too
    (the summary names the 4xx code, or says "answered by a 4xx", "next
    attempt", "second final response"). A subtree is placed on the messages
    it can be on, keeping both orders; the Server (else User-Agent) values
    are placed on the messages when they can be only one way: as many
    Server values as messages, or no Server and as many User-Agents, or
    neither. A subtree is credited to the software of its message when that
    is certain; otherwise to the frame's source address, which sent every
    message of the frame: never to another message's software."""

    def __init__(self, row, summaries):
        self.addr = source_address(row)
        labels = []
        for item in row.get("sip", []):
            m = SIP_ITEM_RE.search(item)
            labels.append(m.group(1) if m else None)
        if not labels:
            labels = row.get("sip.Status-Code", []) + row.get("sip.Method", [])
        self.labels = labels
        n = len(labels)
        servers = [v.strip() for v in row.get("sip.Server", []) if v.strip()]
        agents = [v.strip() for v in row.get("sip.User-Agent", []) if v.strip()]
        if n <= 1:
            self.soft = [software_of(row)]
            self.labels = labels or [None]
        elif len(servers) == n:
            self.soft = servers
        elif not servers and len(agents) == n:
            self.soft = agents
        elif not servers and not agents:
            self.soft = [self.addr] * n
        else:
            self.soft = [None] * n       # which message has which is not known
        self.cands = self._place(summaries)

    @staticmethod
    def _fits(summary, label):
        code, _, _, hint = summary
        if code:
            return label == code
        if hint == "request":
            return label is None or not label.isdigit()
        if hint == "response":
            return label is None or (label.isdigit() and not is_4xx(label))
        return not is_4xx(label)

    def _place(self, summaries):
        """subtree -> the messages it can be on (keeping both orders)."""
        n, m = len(self.labels), len(summaries)
        if n == 1:
            return [[0]] * m
        first, pos = [], -1
        for k in range(m):
            pos = next((i for i in range(pos + 1, n) if self._fits(summaries[k], self.labels[i])), None)
            if pos is None:
                return [list(range(n))] * m     # does not fit: any message
            first.append(pos)
        last, pos = [0] * m, n
        for k in reversed(range(m)):
            pos = next(i for i in range(pos - 1, -1, -1) if self._fits(summaries[k], self.labels[i]))
            last[k] = pos
        return [[i for i in range(first[k], last[k] + 1) if self._fits(summaries[k], self.labels[i])]
                for k in range(m)]

    def software(self, subtrees):
        """Who sent the message of any of these subtrees: one software, or
        the source address."""
        found = {self.soft[i] for k in subtrees for i in self.cands[k]}
        if len(found) == 1 and None not in found:
            return found.pop()
        return self.addr

    def label(self, subtrees, default):
        found = {self.labels[i] for k in subtrees for i in self.cands[k]}
        if len(found) == 1 and None not in found:
            return found.pop()
        return default


class OneMessage:
    """FrameView of a frame with one SIP message."""

    def __init__(self, row):
        self.soft = software_of(row)
        m = SIP_ITEM_RE.search(row["sip"][0]) if row.get("sip") else None
        self.message = m.group(1) if m else None

    def software(self, subtrees):
        return self.soft

    def label(self, subtrees, default):
        return self.message or default


def spread(n_values, slots):
    """n values that sit on n of the slots, in order: for value j, the slots
    it can be on."""
    extra = len(slots) - n_values
    if extra < 0:
        return [slots] * n_values
    return [slots[j:j + extra + 1] for j in range(n_values)]


def assign_levels(labels, must_n, should_n, experts):
    """The level of each missing-header value, in order."""
    if should_n == 0:
        return ["must"] * len(labels)
    if must_n == 0:
        return ["should"] * len(labels)
    said = []
    for e in experts:
        m = EXPERT_MISSING_RE.match(e)
        if m:
            said.append((m.group(1), m.group(2).lower()))
    if [l for l, _ in said] == labels:
        return [lv for _, lv in said]
    # Match by label; what is left: MUSTs first (the general checks come first).
    pool = list(said)
    out = []
    for l in labels:
        for i, (pl, lv) in enumerate(pool):
            if pl == l:
                out.append(lv)
                del pool[i]
                break
        else:
            out.append(None)
    left_must = must_n - out.count("must")
    for i, lv in enumerate(out):
        if lv is None:
            out[i] = "must" if left_must > 0 else "should"
            left_must -= out[i] == "must"
    return out


def parse_summary(text, missing=0):
    """(code or None, reason or None, missing headers) of one message
    subtree, from its line, e.g. "SIP 4xx analysis: 405 Method Not Allowed;
    missing Allow (MUST, RFC 3261 §21.4.6)" or "SIP 4xx analysis: missing
    Max-Forwards (MUST, ...)", and its sip4xx.missing_count."""
    head = "SIP 4xx analysis: "
    if not text.startswith(head):
        return (None, None, missing)
    rest = text[len(head):].split("; ", 1)[0]
    m = SUMMARY_CODE_RE.match(rest)
    if m and m.group(1)[0] == "4":
        return (m.group(1), m.group(2), missing)
    return (None, None, missing)


class Folder:
    """Folds tshark's rows, one per frame in frame order, into records.

    locate(frame, interface) -> (record, frame number to show): the record
    of the file the frame belongs to, and its number there. One capture: that
    capture, the same number; --concat: the input file the frame of the
    merged stream came from, and its number within that file."""

    def __init__(self, locate):
        self.locate = locate
        self.code_of_frame = {}   # frame (as tshark numbers it) -> its first 4xx code, for the reactions
        self.seen = {}            # a row but for its frame -> its analysis (feed_line)

    def feed(self, lines):
        """Lines of tshark's output, as bytes (newline or not). Most rows
        carry no finding: they are counted here, in one loop over the lines
        with no call per row (the report's own CPU time per frame is mostly
        this loop); the others go to feed_line."""
        n_finding, agg, locate = _N_FINDING, _AGG_BYTES, self.locate
        for line in lines:
            if line.startswith(_NO_FINDING):
                parts = line.split(b"\t", n_finding + 3)
                if len(parts) > n_finding + 2 and parts[n_finding]:
                    rec = locate(parts[n_finding], parts[n_finding + 1])[0]
                    rec.frames += 1
                    items = parts[n_finding + 2]
                    if items:
                        rec.sip_messages += items.count(agg) + 1
                    continue
            if line.strip():
                self.feed_line(line)

    def feed_line(self, line):
        """One line of tshark's output that feed did not count, as bytes.
        A row with findings that is the same as an earlier one but for its
        frame (the same 4xx from the same software, say) reuses that one's
        analysis."""
        parts = line.split(b"\t", _N_FINDING + 2)
        key = None
        if len(parts) > _N_FINDING + 2 and parts[_N_FINDING] and not parts[_RETRY_OF_COL]:
            # Everything but the frame and interface columns (a retry's
            # analysis depends on the 4xx it retries: not reused); the
            # finding columns end where the frame column starts.
            frame, iface, rest = parts[_N_FINDING:]
            key = line[:len(line) - len(frame) - len(iface) - len(rest) - 2] + rest
            hit = self.seen.get(key)
            if hit is not None:
                self.apply(int(parts[_N_FINDING]), parts[_N_FINDING + 1], hit)
                return
        row = parse_cells(line.decode("utf-8", "replace").rstrip("\r\n").split("\t"))
        if not row.get("frame.number"):
            return
        result = self.analyse(row)
        if key is not None:
            if len(self.seen) >= MAX_REUSED_ROWS:
                self.seen.clear()
            self.seen[key] = result
        self.apply(int(row["frame.number"][0]), (row.get("frame.interface_id") or [""])[0], result)

    def apply(self, frame, iface, result):
        messages, code, adds, reasons = result
        rec, shown = self.locate(frame, iface)
        rec.frames += 1
        rec.sip_messages += messages
        if code:
            self.code_of_frame[frame] = code
        for kind, code, detail, soft, n, level in adds:
            rec.add(kind, code, detail, soft, shown, n=n, level=level)
        for code, reason in reasons:
            rec.reasons.setdefault(code, reason)

    def analyse(self, row):
        """What one row holds: (SIP messages, its first 4xx code, findings
        as (kind, code, detail, software, count, level), reason phrases)."""
        if "sip" in row:
            messages = len(row["sip"])
        else:
            messages = len(row.get("sip.Status-Code", [])) + len(row.get("sip.Method", []))
        codes = row.get("sip4xx.code", [])
        adds, reasons = [], []
        result = (messages, codes[0] if codes else None, adds, reasons)
        subtrees = row.get("sip4xx", [])
        if not subtrees:
            return result

        def add(kind, code, detail, soft, n=1, level=None):
            adds.append((kind, code, detail, soft, n, level))

        labels = row.get("sip4xx.missing_header", [])
        levels = assign_levels(labels, len(row.get("sip4xx.missing_header.must", [])),
                               len(row.get("sip4xx.missing_header.should", [])),
                               row.get("_ws.expert.message", [])) if labels else []
        # Per subtree: its code (if a 4xx), how many missing headers, and
        # what kind of message it is on.
        counts = row.get("sip4xx.missing_count", [])
        if len(counts) != len(subtrees):
            counts = ["0"] * len(subtrees)
        msgs = [parse_summary(s, int(n)) for s, n in zip(subtrees, counts)]
        summaries = [(c, r, n, summary_hint(s)) for (c, r, n), s in zip(msgs, subtrees)]
        if sum(n for _, _, n in msgs) != len(labels) or \
                [c for c, _, _ in msgs if c] != codes:
            # The summaries do not add up: one message per 4xx code, all
            # missing headers on the first.
            msgs = [(c, None, 0) for c in codes] or [(None, None, 0)]
            msgs[0] = (msgs[0][0], msgs[0][1], len(labels))
            summaries = [(c, r, n, None) for c, r, n in msgs]
        if len(summaries) == 1 and len(row.get("sip", ())) <= 1:
            view = OneMessage(row)          # most frames: one message, nothing to place
        else:
            view = FrameView(row, summaries)
        every = list(range(len(summaries)))
        fours = [k for k, x in enumerate(summaries) if x[0]]
        other = message_label(row)
        k = 0
        for i, (code, reason, n) in enumerate(msgs):
            soft = view.software([i])
            if code:
                add("code", code, "", soft)
                if reason:
                    reasons.append((code, reason))
            label = code or view.label([i], other)
            for _ in range(n):
                add(levels[k], label, labels[k], soft)
                k += 1
        # Causes, and 4xx with no request: on the 4xx.
        for name in ("sip4xx.cause_class", "sip4xx.no_request"):
            values = row.get(name)
            if not values:
                continue
            for v, slots in zip(values, spread(len(values), fours or every)):
                code = view.label(slots, codes[0] if codes else other)
                if name == "sip4xx.no_request":
                    add("no_request", code, "", view.software(slots))
                else:
                    cc = int(v)
                    add("cause", code, CAUSES.get(cc, f"cause class {cc}"), view.software(slots),
                        level=finding_level("cause", cause_class=cc))
        # Reactions: counted once, on the retry; the client is who reacted.
        retry_of = row.get("sip4xx.retry_of", [])
        reactions = row.get("sip4xx.reaction", [])
        oks = row.get("sip4xx.reaction.ok", [])
        if retry_of and reactions:
            # A frame holding a 4xx that was retried and a retry: the last ones
            # are the retry's (its subtree comes after the 4xx's only if it is
            # the later message); take them from the end.
            n = len(retry_of)
            retries = [k for k, x in enumerate(summaries) if not x[0] and x[3] != "response"] or every
            for j, slots in zip(range(n), spread(n, retries)):
                v = int(reactions[len(reactions) - n + j]) if len(reactions) >= n else int(reactions[-1])
                ok = oks[len(oks) - n + j] if len(oks) >= n else (oks[-1] if oks else "1")
                ok = ok in ("1", "True", "TRUE")
                of = int(retry_of[j])
                add("reaction", self.code_of_frame.get(of) or "4xx", REACTIONS.get(v, f"reaction {v}"),
                    view.software(slots), level=finding_level("reaction", detail_ok=ok))
        # A second, different final response.
        finals = row.get("sip4xx.second_final")
        if finals:
            responses = [k for k, x in enumerate(summaries) if x[3] != "request"] or every
            st = row.get("sip.Status-Code", [])
            for _, slots in zip(finals, spread(len(finals), responses)):
                add("second_final", view.label(slots, st[0] if st else other), "", view.software(slots))
        mal = len(row.get("sip4xx.malformed", []))
        if mal:
            add("malformed", view.label(every, other), "", view.software(every),
                n=min(mal, max(1, len(subtrees))))
        return result


def summary_hint(text):
    """What kind of message a subtree without a 4xx code is on, from its
    summary: "request", "response" or None."""
    if ": answered by a 4xx" in text or ": next attempt after" in text or "(after the 4xx in frame " in text:
        return "request"
    if ": second final response" in text:
        return "response"
    return None


_N_FINDING = len(FINDING_FIELDS)
_RETRY_OF_COL = FIELDS.index("sip4xx.retry_of")
# Analyses of rows kept for reuse (Folder.feed_line); the cache starts
# over when full.
MAX_REUSED_ROWS = 10000
_NO_FINDING = b"\t" * _N_FINDING
_AGG_BYTES = AGG.encode()


def parse_cells(cells):
    """A row: field name -> its values, for the fields that have any."""
    return {name: cell.split(AGG) for name, cell in zip(FIELDS, cells) if cell}


def parse_output(rec, text):
    """Fold a whole tshark output (one capture) into rec."""
    Folder(lambda frame, iface: (rec, frame)).feed(text.encode().splitlines())
    return rec


# ---------------------------------------------------------------- progress

class Progress:
    """The progress line on standard error when it is a terminal (files
    done of total, frames per second, time left); nothing otherwise.

    Time left comes from how far the running tshark processes have read
    their capture (Linux /proc/PID/fdinfo: with -2 tshark reads the file
    twice, once per pass) and the sizes of the captures done."""

    TICK = 0.5   # seconds between redraws

    def __init__(self, stream, total_files, total_bytes):
        self.stream = stream
        self.enabled = stream.isatty()
        self.total_files = total_files
        self.total_bytes = max(1, total_bytes)
        self.files = 0
        self.bytes = 0
        self.frames = 0
        self.running = {}     # pid -> (path, size)
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.stop = threading.Event()
        self.thread = None
        if self.enabled:
            self.draw()
            self.thread = threading.Thread(target=self._tick, daemon=True)
            self.thread.start()

    def _tick(self):
        while not self.stop.wait(self.TICK):
            self.draw()

    def add_frames(self, n):
        with self.lock:
            self.frames += n

    def started(self, pid, path, size):
        with self.lock:
            self.running[pid] = (os.path.realpath(path), size)

    def ended(self, pid):
        with self.lock:
            self.running.pop(pid, None)

    def done(self, files, size):
        with self.lock:
            self.files += files
            self.bytes += size
        self.draw()

    def _read_so_far(self):
        """Bytes the running tshark processes have got through."""
        total = 0
        for pid, (path, size) in list(self.running.items()):
            pos = 0
            try:
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    try:
                        if os.readlink(f"/proc/{pid}/fd/{fd}") != path:
                            continue
                        with open(f"/proc/{pid}/fdinfo/{fd}") as fh:
                            pos += int(fh.readline().split()[1])
                    except (OSError, ValueError, IndexError):
                        continue
            except OSError:
                continue
            total += min(size, pos // 2)      # two passes
        return total

    def draw(self):
        if not self.enabled:
            return
        with self.lock:
            elapsed = time.monotonic() - self.start
            done = self.bytes + self._read_so_far()
            line = f"sip4xx-report: {self.files}/{self.total_files} files"
            if elapsed > 0:
                line += f", {self.frames / elapsed:,.0f} frames/s"
            if done > 0 and elapsed > 0:
                left = elapsed * max(0, self.total_bytes - done) / done
                line += f", {duration(left)} left"
            self.stream.write("\r" + line + "\x1b[K")
            self.stream.flush()

    def close(self):
        self.stop.set()
        if self.thread:
            self.thread.join()
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def duration(seconds):
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class NoProgress:
    def add_frames(self, n):
        pass

    def started(self, pid, path, size):
        pass

    def ended(self, pid):
        pass

    def done(self, files, size):
        pass


# ---------------------------------------------------------------- running tshark

def tshark_args(extra=()):
    """tshark's options for one capture, but for -r FILE (the benchmark
    runs the same command by hand)."""
    argv = ["-n", "-2", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=" + AGG,
            "-E", "header=n"] + list(extra)
    for f in FIELDS:
        argv += ["-e", f]
    return argv


def read_rows(stream, folder, progress, block_size=1 << 20):
    """Feed tshark's rows from stream (a binary pipe) to folder in blocks of
    whole lines, as they come: one call per block, not per row. A line cut
    by a block's end waits for the rest of it."""
    rest = b""
    while True:
        block = stream.read1(block_size)
        if not block:
            break
        lines = (rest + block).split(b"\n") if rest else block.split(b"\n")
        rest = lines.pop()
        folder.feed(lines)
        progress.add_frames(len(lines))
    if rest:
        folder.feed([rest])
        progress.add_frames(1)


class Runner:
    """How tshark is run: as the caller, or (root) unprivileged in a private
    HOME with a copy of the plugin folder, as tests/lib/tshark_env.py does."""

    def __init__(self, tshark, plugin_dir, extra_opts):
        self.tshark = tshark
        self.extra = list(extra_opts)
        self.progress = NoProgress()
        self.home = None
        self.env = dict(os.environ)
        self.root = os.geteuid() == 0
        # The other Wireshark tools of --concat, from beside the tshark run.
        here = os.path.dirname(shutil.which(tshark) or tshark)
        self.tools = {t: (os.path.join(here, t) if os.path.isfile(os.path.join(here, t)) else t)
                      for t in ("capinfos", "mergecap", "editcap")}
        plugin_dir = plugin_dir or os.environ.get("WIRESHARK_PLUGIN_DIR")
        if self.root and not plugin_dir and not self._loaded(self.env, []):
            # tshark as root reads only the system plugin folder: use the
            # personal one of root, unprivileged.
            personal = os.path.expanduser("~/.local/lib/wireshark/plugins")
            if os.path.isdir(personal):
                plugin_dir = personal
        if self.root and plugin_dir:
            self.home = tempfile.mkdtemp(prefix="sip4xx-report-")
            os.makedirs(os.path.join(self.home, "extcap"))
            os.makedirs(os.path.join(self.home, "caps"))
            # Only the plugin itself: <major>.<minor>/epan/sip4xx.so.
            found = False
            for ver in sorted(os.listdir(plugin_dir)) if os.path.isdir(plugin_dir) else []:
                so = os.path.join(plugin_dir, ver, "epan", "sip4xx.so")
                if os.path.isfile(so):
                    dest = os.path.join(self.home, "plugins", ver, "epan")
                    os.makedirs(dest)
                    shutil.copyfile(so, os.path.join(dest, "sip4xx.so"))
                    found = True
            if not found:
                self.close()
                raise UsageError(f"no <major>.<minor>/epan/sip4xx.so in {plugin_dir}")
            _open_up(self.home)
            self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": self.home, "TZ": "UTC",
                        "LC_ALL": "C.UTF-8", "WIRESHARK_PLUGIN_DIR": os.path.join(self.home, "plugins"),
                        "WIRESHARK_EXTCAP_DIR": os.path.join(self.home, "extcap")}
            self.prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        else:
            if plugin_dir:
                self.env["WIRESHARK_PLUGIN_DIR"] = os.path.abspath(plugin_dir)
            self.prefix = []
        # Whether tshark loads the plugin shows in the first run (its fields
        # are unknown otherwise): no tshark start just to ask.

    def _loaded(self, env, prefix):
        try:
            p = subprocess.run(prefix + [self.tshark, "-G", "plugins"], env=env, capture_output=True,
                               text=True, errors="replace", cwd=self.home or None)
        except OSError as e:
            raise UsageError(f"cannot run {self.tshark}: {e}")
        return re.search(r"^sip4xx\.so\s", p.stdout, re.M) is not None

    def scratch(self):
        """A private folder for copies and merged streams (under HOME when
        tshark runs unprivileged, so that it can read them)."""
        if self.home:
            d = tempfile.mkdtemp(dir=os.path.join(self.home, "caps"))
            os.chmod(d, 0o755)
            return d
        return tempfile.mkdtemp(prefix="sip4xx-report-")

    def readable(self, path):
        """Can the user tshark runs as read path where it is?"""
        if not self.home:
            return os.access(path, os.R_OK)
        # Unprivileged: the file readable by others, every folder above it
        # searchable by others.
        try:
            p = os.path.abspath(path)
            if not os.stat(p).st_mode & stat.S_IROTH:
                return False
            d = os.path.dirname(p)
            while True:
                if not os.stat(d).st_mode & stat.S_IXOTH:
                    return False
                if d == os.path.dirname(d):
                    return True
                d = os.path.dirname(d)
        except OSError:
            return False

    def tshark_into(self, target, folder):
        """Run tshark on target, feeding its rows to folder as they come;
        the error message, or None."""
        argv = self.prefix + [self.tshark] + tshark_args(self.extra) + ["-r", target]
        with tempfile.TemporaryFile() as err:
            try:
                p = subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE, stderr=err, bufsize=1 << 16,
                                     cwd=self.home or None)
            except OSError as e:
                raise UsageError(f"cannot run {self.tshark}: {e}")
            try:
                # A larger pipe: fewer wake-ups of tshark and of us (Linux).
                fcntl.fcntl(p.stdout.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
            except (AttributeError, OSError):    # no fcntl, no F_SETPIPE_SZ, or refused
                pass
            self.progress.started(p.pid, target, file_size(target))
            try:
                read_rows(p.stdout, folder, self.progress)
            finally:
                p.stdout.close()
                rc = p.wait()
                self.progress.ended(p.pid)
            if rc == 0:
                return None
            err.seek(0)
            text = err.read().decode(errors="replace")
            if re.search(r"Some fields aren't valid:\s+sip4xx", text):
                raise UsageError(NOT_LOADED)
            msg = [l for l in text.splitlines() if l.strip() and "Running as user" not in l]
            return " ".join(msg) or f"tshark exited with status {rc}"

    def run(self, path):
        """One capture: one record."""
        rec = Record(path)
        target, work = os.path.abspath(path), None
        try:
            if not os.path.isfile(path):
                raise OSError(f"cannot read {path}: no such file")
            if not self.readable(path):
                # The unprivileged user may not read the caller's files.
                work = self.scratch()
                target = os.path.join(work, os.path.basename(path))
                shutil.copyfile(path, target)
                os.chmod(target, 0o644)
            rec.error = self.tshark_into(target, Folder(lambda frame, iface: (rec, frame)))
            if rec.error and work:
                rec.error = rec.error.replace(target, path)
        except OSError as e:
            rec.error = str(e)
        finally:
            if work:
                shutil.rmtree(work, ignore_errors=True)
            self.progress.done(1, file_size(path))
        return [rec]

    def run_set(self, paths):
        """--concat: the captures of one ring buffer, merged in time order
        and read as one stream; one record per capture, each frame counted in
        the file it came from, under its number there."""
        recs = [Record(p) for p in paths]
        work = self.scratch()
        try:
            infos = self.capinfos(paths)
            parts = []        # (record, file to merge, interfaces, frames, first frame's time)
            for rec, p in zip(recs, paths):
                info = infos[p]
                if info.get("frames") is None:
                    rec.error = info.get("error") or f"cannot read {p}"
                    continue
                src = p
                if info.get("error"):
                    # Cut short (the file a ring buffer was writing when it
                    # was copied): mergecap would stop at it; merge the frames
                    # it has, and say so.
                    rec.error = info["error"]
                    src = os.path.join(work, f"{len(parts)}.pcapng")
                    subprocess.run([self.tools["editcap"], "-F", "pcapng", p, src], capture_output=True)
                    if not os.path.isfile(src):
                        continue
                parts.append((rec, src, info.get("interfaces", 1), info["frames"], info.get("start")))
            if not parts:
                return recs
            # Time order (mergecap merges by timestamp; the input order
            # decides ties and numbers the interfaces).
            parts.sort(key=lambda x: (x[4] is None, x[4] or 0.0, x[0].file))
            merged = os.path.join(work, "merged.pcapng")
            m = subprocess.run([self.tools["mergecap"], "-I", "none", "-w", merged] + [x[1] for x in parts],
                               capture_output=True, text=True, errors="replace")
            if m.returncode != 0:
                for x in parts:
                    x[0].error = x[0].error or ("mergecap: " + " ".join(m.stderr.split()))
                return recs
            os.chmod(merged, 0o644)
            # Interfaces are numbered file after file ("-I none" keeps each
            # file's own): interface -> part.
            owner = []
            for k, x in enumerate(parts):
                owner += [k] * x[2]
            seen = [0] * len(parts)

            def locate(frame, iface):
                try:
                    k = owner[int(iface)]
                except (ValueError, IndexError):
                    raise MappingError(f"frame {int(frame)} of the merged stream: interface {iface!r} of no input file")
                seen[k] += 1
                return parts[k][0], seen[k]

            try:
                err = self.tshark_into(merged, Folder(locate))
            except MappingError as e:
                err = str(e)
            if err:
                names = [os.path.basename(x[0].file) for x in parts]
                if len(names) > 3:
                    names = [names[0], "...", names[-1]]
                err = err.replace(merged, f"the merged stream of {len(parts)} captures ({', '.join(names)})")
            for k, x in enumerate(parts):
                if err:
                    x[0].error = x[0].error or err
                elif seen[k] != x[3]:
                    x[0].error = x[0].error or (f"--concat: {seen[k]} frames of the merged stream came from this file,"
                                                f" capinfos counts {x[3]}")
        except OSError as e:
            for rec in recs:
                rec.error = rec.error or str(e)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            self.progress.done(len(paths), sum(file_size(p) for p in paths))
        return recs

    def capinfos(self, paths):
        """path -> {frames, interfaces, start (epoch seconds or None), error}
        from capinfos; frames None when the file cannot be read at all."""
        argv = [self.tools["capinfos"], "-M", "-c", "-I", "-a", "-S"]
        p = subprocess.run(argv + list(paths), capture_output=True, text=True, errors="replace")
        if p.returncode != 0 and len(paths) > 1:
            # Someone failed: one by one, to know who.
            out = {}
            for path in paths:
                out.update(self.capinfos([path]))
            return out
        out = {path: {} for path in paths}
        cur = None
        for line in p.stdout.splitlines():
            key, _, val = line.partition(":")
            val = val.strip()
            if key == "File name":
                cur = out.setdefault(val, {})
            elif cur is None:
                continue
            elif key == "Number of packets":
                cur["frames"] = int(val)
            elif key == "Number of interfaces in file":
                cur["interfaces"] = int(val)
            elif key == "First packet time":
                try:
                    cur["start"] = float(val)
                except ValueError:
                    cur["start"] = None
        if p.returncode != 0:
            msg = " ".join(l.strip() for l in p.stderr.splitlines()
                           if l.strip() and "will continue anyway" not in l)
            for path in paths:
                out[path]["error"] = msg or f"capinfos exited with status {p.returncode}"
        return out

    def close(self):
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


NOT_LOADED = ("tshark does not load the sip4xx plugin (install it, or give --plugin-dir DIR / WIRESHARK_PLUGIN_DIR,"
              " the folder holding <major>.<minor>/epan/sip4xx.so)")


class MappingError(Exception):
    pass


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _open_up(path):
    for d, dirs, files in os.walk(path):
        os.chmod(d, 0o755)
        for n in files:
            p = os.path.join(d, n)
            os.chmod(p, 0o644 | (os.stat(p).st_mode & 0o111))


def is_capture(name):
    return name.lower().endswith(CAPTURE_EXTS)


def collect(paths):
    """The capture files named by paths (files as given; folders searched
    recursively for .pcap .pcapng .cap and their .gz), sorted within a folder."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for d, dirs, files in os.walk(p):
                dirs.sort()
                found += [os.path.join(d, n) for n in files if is_capture(n)]
            out += sorted(found)
        else:
            out.append(p)
    seen, uniq = set(), []
    for p in out:
        if p not in seen:
            seen.add(p)
            uniq.append(p)
    return uniq


# PREFIX_NNNNN_YYYYMMDDhhmmss.EXT (dumpcap -b, editcap -c), or
# PREFIX_YYYYMMDDhhmmss_NNNNN.EXT (dumpcap -b nametimenum:2).
RING_RE = re.compile(r"^(?P<prefix>.*)_(?:\d{5,}_\d{14}|\d{14}_\d{5,})(?P<ext>\..+)$")


def ring_sets(files):
    """--concat: the streams to read, as lists of files. A ring buffer (the
    files of one folder named PREFIX_NNNNN_YYYYMMDDhhmmss.EXT with the same
    PREFIX and EXT, as dumpcap -b and editcap -c write them) is one stream;
    the other captures of a folder are one stream too. Streams in the order
    of their first file."""
    sets = {}
    for f in files:
        d, name = os.path.split(f)
        m = RING_RE.match(name)
        key = (d, m.group("prefix"), m.group("ext").lower()) if m else (d, None, None)
        sets.setdefault(key, []).append(f)
    return list(sets.values())


# ---------------------------------------------------------------- reports

def merge_findings(records):
    """All findings of all records, merged by (kind, code, detail, software)."""
    out = {}
    for r in sorted(records, key=lambda r: r.file):
        for f in r.sorted_findings():
            g = out.get(f.key())
            if g is None:
                g = out[f.key()] = Finding(f.kind, f.code, f.detail, f.software, f.level)
            g.level = max(g.level, f.level)
            g.count += f.count
            for ex in f.examples:
                if len(g.examples) < MAX_EXAMPLES and ex not in g.examples:
                    g.examples.append(ex)
    return out


def example(f):
    if not f.examples:
        return ""
    fl, fr = f.examples[0]
    return f"e.g. {os.path.basename(fl)} frame {fr}"


def plural(n, one, many=None):
    return one if n == 1 else (many or one + "s")


def human_report(records, out):
    reasons = {}
    for r in records:
        for k, v in r.reasons.items():
            reasons.setdefault(k, v)
    findings = merge_findings(records)
    errors = [r for r in records if r.error]
    frames = sum(r.frames for r in records)
    msgs = sum(r.sip_messages for r in records)
    w = out.write
    w(f"sip4xx-report: {len(records)} {plural(len(records), 'capture')}, {frames} frames, "
      f"{msgs} SIP messages, {len(errors)} {plural(len(errors), 'error')}\n")

    def by(kind, keyf):
        """Totals over software: key -> (count, first example finding)."""
        acc = {}
        for f in sorted(findings.values(), key=sort_key):
            if f.kind != kind:
                continue
            k = keyf(f)
            c, ex = acc.get(k, (0, None))
            acc[k] = (c + f.count, ex or f)
        return acc

    def section(title, rows):
        if not rows:
            return
        w(f"\n{title}\n")
        width = max(len(t) for t, _, _ in rows)
        for text, count, f in rows:
            w(f"  {text.ljust(width)}  {count:6d}  {example(f)}\n")

    codes = by("code", lambda f: f.code)
    section("4xx responses by code", [(f"{c} {reasons.get(c, '')}".rstrip(), n, f)
                                      for c, (n, f) in sorted(codes.items())])
    rows = []
    for kind in ("must", "should"):
        for (d, c), (n, f) in sorted(by(kind, lambda f: (f.detail, f.code)).items()):
            rows.append((f"{kind.upper():6s} {d} (in {c})", n, f))
    section("Missing headers", rows)
    section("Causes", [(f"{c} {d}", n, f) for (c, d), (n, f) in
                       sorted(by("cause", lambda f: (f.code, f.detail)).items())])
    section("Reactions (the client's next attempt)",
            [(f"after {c}: {d}{'' if f.level < 3 else '  [breaks the RFC]'}", n, f)
             for (c, d), (n, f) in sorted(by("reaction", lambda f: (f.code, f.detail)).items())])
    section("Second final responses", [(f"{c}", n, f) for c, (n, f) in
                                       sorted(by("second_final", lambda f: f.code).items())])
    section("Malformed SIP", [(f"{c}", n, f) for c, (n, f) in
                              sorted(by("malformed", lambda f: f.code).items())])
    section("4xx matched to no request (not in the capture, or not captured whole; a ring buffer? "
            "try --concat)",
            [(f"{c}", n, f) for c, (n, f) in sorted(by("no_request", lambda f: f.code).items())])

    # Who: the findings at the should level and above (not the plain 4xx
    # counts, causes, reactions that followed the RFC), by who sent them.
    who = [f for f in findings.values() if f.level >= LEVELS["should"]]
    if who:
        w("\nWho\n")
        for f in sorted(who, key=lambda f: (f.software, sort_key(f))):
            w(f"  {who_line(f)} — {example(f)}\n")
    if errors:
        w("\nErrors\n")
        for r in errors:
            w(f"  {r.file}: {r.error}\n")


def who_line(f):
    n = f.count
    if f.kind in ("must", "should"):
        return f"{f.software} sent {n} {f.code} without {f.detail} ({f.kind.upper()})"
    if f.kind == "cause":
        return f"{f.software} sent {n} {f.code} ({f.detail})"
    if f.kind == "reaction":
        return f"{f.software} reacted to {n} {f.code}: {f.detail}"
    if f.kind == "second_final":
        return f"{f.software} sent {n} {f.code} as a second final response"
    if f.kind == "malformed":
        return f"{f.software} sent {n} malformed {f.code}"
    if f.kind == "no_request":
        return f"{f.software} sent {n} {f.code} matched to no request"
    return f"{f.software} sent {n} {f.code}"


def failing(rec, threshold):
    """Findings of rec at or above the threshold level."""
    return [f for f in rec.sorted_findings() if f.level >= threshold]


def write_junit(records, threshold, path):
    suite = ET.Element("testsuite", name="sip4xx-report", tests=str(len(records)))
    nfail = nerr = 0
    for r in records:
        tc = ET.SubElement(suite, "testcase", classname="sip4xx", name=r.file)
        if r.error:
            nerr += 1
            ET.SubElement(tc, "error", message=r.error)
            continue
        bad = failing(r, threshold)
        if bad:
            nfail += 1
            lines = [f"{who_line(f)} — frames {', '.join(str(fr) for _, fr in f.examples)}" for f in bad]
            fe = ET.SubElement(tc, "failure", message=f"{sum(f.count for f in bad)} findings", type="sip4xx")
            fe.text = "\n".join(lines)
    suite.set("failures", str(nfail))
    suite.set("errors", str(nerr))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def read_jsonl(path):
    records = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            if line.strip():
                try:
                    records.append(Record.from_json(json.loads(line)))
                except (ValueError, KeyError) as e:
                    raise UsageError(f"{path}:{i}: not a sip4xx-report JSON line ({e})")
    return records


def baseline_diff(old_records, new_records, out):
    """What changed against an earlier run, by (kind, code, detail,
    software): new (none before), more often, less often, gone (none now).
    Counts are compared as they are, so compare runs over the same
    collection (a test suite run again; the header line gives both
    sizes). Returns the findings that are new or more often."""
    old = merge_findings(old_records)
    new = merge_findings(new_records)
    added = [f for k, f in new.items() if k not in old]
    more = [f for k, f in new.items() if k in old and f.count > old[k].count]
    fewer = [f for k, f in new.items() if k in old and f.count < old[k].count]
    gone = [f for k, f in old.items() if k not in new]

    def size(records):
        return (f"{len(records)} {plural(len(records), 'capture')}, "
                f"{sum(r.frames for r in records)} frames")

    w = out.write
    w(f"\nAgainst the baseline ({size(old_records)}; now {size(new_records)}): {len(added)} new, "
      f"{len(more)} more often, {len(fewer)} less often, {len(gone)} gone\n")
    for title, lst in (("New", added), ("More often", more), ("Less often", fewer), ("Gone", gone)):
        if lst:
            w(f"{title}\n")
            for f in sorted(lst, key=lambda f: (f.software, sort_key(f))):
                what = describe_key(f.kind, f.code, f.detail) if f.kind != "code" else f"{f.code} response"
                count = f"×{old[f.key()].count} → ×{f.count}" if f in more or f in fewer else f"×{f.count}"
                w(f"  {f.software}: {what} {count} — {example(f)}\n")
    return added + more


# ---------------------------------------------------------------- main

def build_parser(merge=False):
    p = argparse.ArgumentParser(
        prog="sip4xx-report merge" if merge else "sip4xx-report",
        description=("The report of several sip4xx-report --json outputs, as one run over all their captures."
                     if merge else
                     "What sip4xx finds in a collection of captures: files and folders (recursive: .pcap"
                     " .pcapng .cap and their .gz), or - to read a list of paths on stdin."),
        epilog=("exit status: 0 nothing at or above --fail-on, 1 findings at that level (with --baseline: new"
                " ones, or more often than before) or a capture that could not be read, 2 usage error or no input. Levels: must = the"
                " expert warnings (missing MUST header, malformed, second final response, a reaction or an"
                " exchange that breaks the RFC); should = also a missing SHOULD header; any = also any 4xx;"
                " none = never fail."))
    p.add_argument("paths", nargs="*", metavar="JSONL" if merge else "PATH")
    p.add_argument("--json", metavar="FILE", help="write JSON Lines, one object per capture")
    p.add_argument("--junit", metavar="FILE", help="write a JUnit XML file, one testcase per capture")
    p.add_argument("--fail-on", choices=["must", "should", "any", "none"], default="must",
                   help="the level that fails (default: must)")
    p.add_argument("--baseline", metavar="OLD.jsonl", help="report what is new, more often, less often and gone against an earlier --json"
                        " (counts compared as they are: the same collection run again)")
    p.add_argument("-q", "--quiet", action="store_true", help="no human report on stdout")
    if not merge:
        p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="tshark runs at once")
        p.add_argument("--concat", action="store_true",
                       help="read each ring buffer (dumpcap -b: PREFIX_NNNNN_YYYYMMDDhhmmss.EXT in one folder;"
                            " other captures: one stream per folder) as one stream in time order, so that an"
                            " exchange crossing a file boundary is matched; findings are still given by file"
                            " and frame")
        p.add_argument("--tshark", default=os.environ.get("TSHARK", "tshark"), help="the tshark to run")
        p.add_argument("--plugin-dir", metavar="DIR",
                       help="a plugin folder in WIRESHARK_PLUGIN_DIR layout (<dir>/<major>.<minor>/epan/sip4xx.so)")
        p.add_argument("-o", dest="prefs", action="append", default=[], metavar="NAME:VALUE",
                       help="a tshark preference (repeatable), e.g. -o sip4xx.show_should:FALSE")
    return p


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    merge = bool(argv) and argv[0] == "merge"
    parser = build_parser(merge)
    try:
        args = parser.parse_args(argv[1:] if merge else argv)
    except SystemExit as e:
        return 2 if e.code else 0
    try:
        return run(args, merge)
    except UsageError as e:
        print(f"sip4xx-report: {e}", file=sys.stderr)
        return 2


def run(args, merge):
    threshold = LEVELS[args.fail_on]
    if not args.paths:
        raise UsageError("no input (give files, folders, or - for a list on stdin)")
    old = read_jsonl(args.baseline) if args.baseline else None
    if merge:
        records = []
        for p in args.paths:
            try:
                records += read_jsonl(p)
            except OSError as e:
                raise UsageError(str(e))
    else:
        if args.jobs < 1:
            raise UsageError("-j must be at least 1")
        paths = []
        for p in args.paths:
            if p == "-":
                paths += [l.strip() for l in sys.stdin if l.strip()]
            else:
                paths.append(p)
        files = collect(paths)
        if not files:
            raise UsageError("no capture files found")
        extra = sum((["-o", o] for o in args.prefs), [])
        runner = Runner(args.tshark, args.plugin_dir, extra)
        units = ring_sets(files) if args.concat else [[f] for f in files]
        progress = runner.progress = Progress(sys.stderr, len(files), sum(file_size(f) for f in files))
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
                done = pool.map(lambda u: runner.run_set(u) if args.concat else runner.run(u[0]), units)
                try:
                    by_file = {r.file: r for recs in done for r in recs}
                except UsageError:
                    # tshark cannot run, or has no plugin: stop here.
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
        finally:
            progress.close()
            runner.close()
        records = [by_file[f] for f in files]
        for r in records:
            if r.error:
                print(f"sip4xx-report: {r.file}: {r.error}", file=sys.stderr)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r.to_json(), ensure_ascii=False, sort_keys=False) + "\n")
    if args.junit:
        write_junit(records, threshold, args.junit)
    out = sys.stdout if not args.quiet else open(os.devnull, "w")
    human_report(records, out)
    status = 0
    if old is not None:
        worse = baseline_diff(old, records, out)
        if any(f.level >= threshold for f in worse):
            status = 1
    elif any(failing(r, threshold) for r in records):
        status = 1
    if threshold < 99 and any(r.error for r in records):
        status = 1
    out.flush()
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader went away (| head): no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
