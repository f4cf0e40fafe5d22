#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture regression for sip4xx: dissect a capture with the real tshark and
the plugin just built, and compare what sip4xx says about every frame with
the hand-written expectation file (format: tests/capture/README.md).

Modes:
  onepass  tshark -T pdml            (single pass, full tree)
  twopass  tshark -2 -T pdml         (records rendered on the second pass)
  verbose  tshark -V                 (the text a user reads)
  summary  tshark                    (no tree asked for: the Info column)
  json     tshark -T json (codes, missing headers, malformed)
  consistency  one pass and two passes give the same sip4xx fields, but for
           those that point to later frames (what the GUI shows on a click
           is what a single pass computed)

tshark runs unprivileged when we are root: as root it ignores
WIRESHARK_PLUGIN_DIR (STYLE.md pitfall 6). How: tests/lib/tshark_env.py."""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import tshark_env  # noqa: E402


def run_tshark(args, opts, capture=None, with_stderr=False, encoding=None):
    """Run tshark unprivileged in a private HOME with the plugin
    (tests/lib/tshark_env.py); the capture is copied there first. Returns
    stdout, or (stdout, stderr); decoded with encoding when one is given."""
    with tshark_env.Home(opts.plugin_dir, opts.tshark) as home:
        if capture:
            copy = home.copy(capture)
            args = [copy if a == capture else a for a in args]
        p = home.run(args, encoding=encoding)
    if p.returncode != 0:
        sys.exit(f"tshark failed ({p.returncode}): {' '.join(p.args)}\n{p.stderr}")
    # Only dissection output is scanned: from 4.4 on, `-G protocols` lists a
    # pseudo-protocol named "Dissector bug" (_ws.dissector_bug).
    for bad in ("Dissector bug", "Malformed Packet: SIP4XX", "Malformed Packet: sip4xx"):
        if capture and (bad in p.stdout or bad in p.stderr):
            sys.exit(f"tshark reported '{bad}' with sip4xx loaded")
    return (p.stdout, p.stderr) if with_stderr else p.stdout




# value -> NAME of the cause and verdict lists, so that expectations name
# causes and verdicts as the code does. Printed by the enum_names helper
# built with the core from the same X-macro lists the plugin registers its
# value_strings from (tests/capture/enum_names.c); --enum-names names it.
CAUSES = {}
VERDICTS = {}


def load_enum_names(helper):
    out = subprocess.run([helper], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        kind, value, name = line.split()
        (CAUSES if kind == "CAUSE" else VERDICTS)[value] = name


BASIC = r"(code=\d+|must=\S+|should=\S+|unregistered|malformed)"
# Exchange assertions (opt-in with a '%correlation' line): compared in the
# pdml modes only. response_in, retry_in and the 4xx's reaction point to
# later frames, so they exist from the second pass on: twopass only.
EXCHANGE = r"(request_in=\d+|response_in=\d+|retry_in=\d+|retry_of=\d+|cause=\w+|reaction=\w+|no_request|state_limit)"
LATER_ONLY = ("response_in=", "retry_in=", "reaction@4xx=")


def parse_expect(path):
    """frame -> Counter of assertions; whether exchange ones are on; and the
    preferences ('%pref name:value' lines) the file is written for."""
    expected = collections.defaultdict(collections.Counter)
    correlation = False
    prefs = []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line == "%correlation":
                correlation = True
                continue
            if line.startswith("%pref "):
                prefs.append(line[len("%pref "):].strip())
                continue
            words = line.split()
            if not words[0].isdigit():
                sys.exit(f"{path}:{lineno}: a line starts with a frame number")
            frame = int(words[0])
            for w in words[1:]:
                if re.fullmatch(EXCHANGE, w):
                    if not correlation:
                        sys.exit(f"{path}:{lineno}: '{w}' needs a '%correlation' line first")
                    if (w.startswith("cause=") or w.startswith("reaction=")) and not CAUSES:
                        sys.exit(f"{path}:{lineno}: cause and reaction names need --enum-names")
                    if w.startswith("cause=") and w[6:] not in CAUSES.values():
                        sys.exit(f"{path}:{lineno}: unknown cause '{w[6:]}' (include/sip4xx/txn.h)")
                    if w.startswith("reaction=") and w[9:] not in VERDICTS.values():
                        sys.exit(f"{path}:{lineno}: unknown reaction '{w[9:]}' (include/sip4xx/txn.h)")
                elif not re.fullmatch(BASIC, w):
                    sys.exit(f"{path}:{lineno}: unknown assertion '{w}'")
                expected[frame][w] += 1
    # On a 4xx, the verdict is its copy of the retry's: it needs a later frame.
    for c in expected.values():
        if any(a.startswith("code=") for a in c):
            for a in [a for a in c if a.startswith("reaction=")]:
                c[a.replace("reaction=", "reaction@4xx=")] += c.pop(a)
    return expected, correlation, prefs


def only_basic(expected):
    out = collections.defaultdict(collections.Counter)
    for frame, c in expected.items():
        for a, n in c.items():
            if re.fullmatch(BASIC, a):
                out[frame][a] += n
    return out


def for_mode(expected, twopass):
    out = collections.defaultdict(collections.Counter)
    for frame, c in expected.items():
        for a, n in c.items():
            if twopass or not a.startswith(LATER_ONLY):
                out[frame][a] += n
    return out


def observed_from_pdml(xml_text, correlation=False):
    seen = collections.defaultdict(collections.Counter)
    root = ET.fromstring(xml_text)
    for packet in root.iter("packet"):
        frame = None
        for proto in packet.findall("proto"):
            if proto.get("name") == "geninfo":
                for f in proto.findall("field"):
                    if f.get("name") == "num":
                        frame = int(f.get("show"))
        for proto in packet.findall("proto"):
            if proto.get("name") != "sip4xx":
                continue
            malformed = False
            is_4xx = any(f.get("name") == "sip4xx.code" for f in proto.iter("field"))
            for f in proto.iter("field"):
                name = f.get("name")
                show = f.get("show")
                if correlation and name in ("sip4xx.request_in", "sip4xx.response_in", "sip4xx.retry_in",
                                            "sip4xx.retry_of"):
                    seen[frame][f"{name[7:]}={show}"] += 1
                elif correlation and name == "sip4xx.cause_class":
                    seen[frame][f"cause={CAUSES.get(show, show)}"] += 1
                elif correlation and name == "sip4xx.reaction":
                    key = "reaction@4xx" if is_4xx else "reaction"
                    seen[frame][f"{key}={VERDICTS.get(show, show)}"] += 1
                elif correlation and name in ("sip4xx.no_request", "sip4xx.state_limit"):
                    seen[frame][name[7:]] += 1
                if name == "sip4xx.code":
                    seen[frame][f"code={f.get('show')}"] += 1
                elif name == "sip4xx.unregistered":
                    seen[frame]["unregistered"] += 1
                elif name == "sip4xx.malformed":
                    malformed = True
                elif name == "sip4xx.missing_header":
                    levels = [g.get("name") for g in f.iter("field")]
                    level = "must" if "sip4xx.missing_header.must" in levels else (
                        "should" if "sip4xx.missing_header.should" in levels else "unknown")
                    seen[frame][f"{level}={f.get('show')}"] += 1
            if malformed:
                seen[frame]["malformed"] += 1
    return seen


def observed_from_verbose(text):
    """The -V text: one 'SIP 4xx analysis' block per message."""
    seen = collections.defaultdict(collections.Counter)
    frame = None
    in_block = False
    malformed = False

    def close():
        nonlocal malformed
        if in_block and malformed:
            seen[frame]["malformed"] += 1
        malformed = False

    for line in text.splitlines():
        m = re.match(r"^Frame (\d+):", line)
        if m:
            close()
            frame, in_block = int(m.group(1)), False
            continue
        if re.match(r"^\S", line):
            close()
            # sip4xx items are generated: -V shows them in brackets.
            in_block = line.lstrip("[").startswith("SIP 4xx analysis")
            continue
        if not in_block:
            continue
        s = line.strip()
        if s.startswith("[") and not s.startswith("[Expert Info"):
            s = s[1:].rstrip("]")
        if m := re.match(r"^Status code: (\d+)$", s):
            seen[frame][f"code={m.group(1)}"] += 1
        elif m := re.match(r"^Missing header: (\S+) \((MUST|SHOULD),", s):
            seen[frame][f"{m.group(2).lower()}={m.group(1)}"] += 1
        elif "is not an IANA-registered SIP response code" in s and s.startswith("[Expert Info"):
            seen[frame]["unregistered"] += 1
        elif s.startswith("[Expert Info") and "Malformed SIP message" in s:
            malformed = True
    close()
    return seen


def sip4xx_lines(verbose_text):
    """The lines of the sip4xx subtrees in tshark -V output: a top-level
    "SIP 4xx analysis" line and the indented lines under it."""
    inside = False
    for line in verbose_text.splitlines():
        if not line.startswith(" "):
            inside = line.startswith("SIP 4xx analysis")
        if inside:
            yield line


def observed_from_summary(text):
    """Plain tshark output: no tree is asked for; the plugin makes tshark
    build one. Read the Info notes: [405: missing Allow, To;tag; malformed],
    [405] for a 4xx with nothing against it, [missing Max-Forwards] on a
    request. Levels are not in the Info column, so must/should both read as
    'missing='."""
    seen = collections.defaultdict(collections.Counter)
    for line in text.splitlines():
        m = re.match(r"^\s*(\d+)\s", line)
        if not m:
            continue
        frame = int(m.group(1))
        for note in re.findall(r" \[((?:\d{3}: )?(?:missing |malformed)[^\]]*|\d{3}(?:: [^\]]*)?)\]", line):
            code = re.match(r"(\d{3})(?:: |$)", note)
            if code:
                seen[frame][f"code={code.group(1)}"] += 1
                note = note[code.end():]
            parts = note.split("; ")
            if parts and parts[0].startswith("missing "):
                for label in parts.pop(0)[len("missing "):].split(", "):
                    seen[frame][f"missing={label}"] += 1
            if parts and parts[0] == "malformed":
                seen[frame]["malformed"] += 1
    return seen


def observed_from_json(text):
    """tshark -T json --no-duplicate-keys: repeated keys become lists."""
    seen = collections.defaultdict(collections.Counter)

    def values(v):
        return v if isinstance(v, list) else [v]

    def walk(node, frame, found):
        if isinstance(node, list):
            for n in node:
                walk(n, frame, found)
        elif isinstance(node, dict):
            for k, v in node.items():
                if k == "sip4xx.code":
                    for x in values(v):
                        seen[frame][f"code={x}"] += 1
                elif k == "sip4xx.missing_header":
                    for x in values(v):
                        seen[frame][f"missing={x}"] += 1
                elif k == "sip4xx.malformed":
                    found.add("malformed")
                walk(v, frame, found)

    for packet in json.loads(text):
        layers = packet["_source"]["layers"]
        frame = int(layers["frame"]["frame.number"])
        for msg in values(layers.get("sip4xx", [])):
            found = set()
            walk(msg, frame, found)
            if found:
                seen[frame]["malformed"] += 1
    return seen


def without_levels(expected):
    out = collections.defaultdict(collections.Counter)
    for frame, c in expected.items():
        for a, n in c.items():
            if a == "unregistered":
                continue
            out[frame][re.sub(r"^(must|should)=", "missing=", a)] += n
    return out


def compare(expected, seen):
    errors = []
    for frame in sorted(set(expected) | set(seen)):
        want, got = expected.get(frame, collections.Counter()), seen.get(frame, collections.Counter())
        if want != got:
            missing = want - got
            extra = got - want
            errors.append(f"frame {frame}: expected but not found {sorted(missing.elements())}; "
                          f"found but not expected {sorted(extra.elements())}")
    return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--check-loaded", action="store_true")
    ap.add_argument("--enum-names", help="the enum_names helper (built with the tests)")
    ap.add_argument("--mode", choices=["onepass", "twopass", "verbose", "summary", "json", "consistency"])
    ap.add_argument("--capture")
    ap.add_argument("--expect")
    ap.add_argument("--pref", action="append", default=[],
                    help="a sip4xx preference for tshark -o, e.g. sip4xx.show_should:FALSE")
    ap.add_argument("--drop", action="append", default=[],
                    help="assertion kind the preferences turn off (e.g. should, must, malformed): "
                         "dropped from the expectations, so any that still shows fails")
    opts = ap.parse_args()
    if opts.enum_names:
        load_enum_names(opts.enum_names)

    if opts.check_loaded:
        out = run_tshark(["-G", "plugins"], opts)
        if not tshark_env.lists_sip4xx(out):
            sys.exit("tshark -G plugins does not list sip4xx.so:\n" + out)
        out = run_tshark(["-G", "protocols"], opts)
        # 4.4+ append more tab-separated columns (enabled, ...) to each row.
        if not re.search(r"^SIP 4xx analysis\tSIP4XX\tsip4xx(\t|$)", out, re.M):
            sys.exit("tshark -G protocols does not list sip4xx")
        print("sip4xx is loaded")
        return

    expected, correlation, prefs = parse_expect(opts.expect) if opts.expect else ({}, False, [])
    base = ["-n", "-r", opts.capture] + sum((["-o", p] for p in prefs + opts.pref), [])
    if opts.mode == "consistency":
        # Fields that depend only on this and earlier frames.
        fields = ["frame.number", "sip4xx.code", "sip4xx.reason", "sip4xx.reason_sent", "sip4xx.registered",
                  "sip4xx.rfc", "sip4xx.section", "sip4xx.meaning", "sip4xx.action", "sip4xx.advice",
                  "sip4xx.missing_header", "sip4xx.missing_header.ref", "sip4xx.request_in", "sip4xx.time",
                  "sip4xx.cause", "sip4xx.cause_class", "sip4xx.retry_of", "_ws.expert.message"]
        args = ["-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"] + sum((["-e", f] for f in fields), [])
        one = run_tshark(base + args, opts, opts.capture).splitlines()
        two = run_tshark(["-2"] + base + args, opts, opts.capture).splitlines()
        diffs = [f"one pass: {a}\n    two passes: {b}" for a, b in zip(one, two) if a != b]
        if len(one) != len(two) or diffs:
            print(f"{opts.capture}: one-pass and two-pass differ", file=sys.stderr)
            for d in diffs[:20]:
                print("  " + d, file=sys.stderr)
            sys.exit(1)
        print(f"{os.path.basename(opts.capture)} (consistency): {len(one)} frames identical in one and two passes")
        return
    for kind in opts.drop:
        for c in expected.values():
            for a in [a for a in c if a == kind or a.startswith(kind + "=")]:
                del c[a]
    if opts.mode == "onepass":
        seen = observed_from_pdml(run_tshark(base + ["-T", "pdml"], opts, opts.capture), correlation)
        errors = compare(for_mode(expected, False), seen)
    elif opts.mode == "twopass":
        seen = observed_from_pdml(run_tshark(["-2"] + base + ["-T", "pdml"], opts, opts.capture), correlation)
        errors = compare(for_mode(expected, True), seen)
    elif opts.mode == "json":
        seen = observed_from_json(run_tshark(base + ["-T", "json", "--no-duplicate-keys"], opts, opts.capture))
        errors = compare(without_levels(only_basic(expected)), seen)
    elif opts.mode == "verbose":
        text = run_tshark(base + ["-V"], opts, opts.capture)
        seen = observed_from_verbose(text)
        errors = compare(only_basic(expected), seen)
        # Wireshark cuts a label at 240 bytes and marks it: no sip4xx text
        # may be cut (STYLE.md pitfall 11).
        errors += [f"label cut by Wireshark: {line.strip()[:100]}..." for line in sip4xx_lines(text)
                   if "[truncated]" in line]
    else:
        errors = compare(without_levels(only_basic(expected)),
                         observed_from_summary(run_tshark(base, opts, opts.capture)))
    n_assert = sum(sum(c.values()) for c in expected.values())
    if errors:
        print(f"{opts.capture} ({opts.mode}): {len(errors)} frame(s) differ", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        sys.exit(1)
    print(f"{os.path.basename(opts.capture)} ({opts.mode}): {len(expected)} annotated frames, "
          f"{n_assert} assertions, all other frames clean")


if __name__ == "__main__":
    main()
