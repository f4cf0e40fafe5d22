#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The "SIP 4xx" configuration profile (plugin/profile/SIP 4xx), checked with
the real tshark and the plugin just built, the way a user gets it: the
profile in $HOME/.config/wireshark/profiles/, selected with -C.

  preferences      tshark -C loads it without a warning; the custom columns
                   are in the loaded gui.column.format and fill in the
                   summary lines (the 405 without Allow shows 405, Allow, its
                   request and its meaning; frames sip4xx says nothing about
                   show empty columns)
  colorfilters     tshark -C --color loads it without a warning and colours
                   the frames with the sip4xx rules (first match wins); the
                   rules come before Wireshark's default rules, and every rule compiles;
                   every filter compiles
  dfilter_buttons  the UAT format Wireshark writes (four quoted fields:
                   enabled, label, filter, comment); the buttons the README
                   promises are there; every filter compiles and matches
                   something in the bundled captures

tshark runs unprivileged when we are root: as root it ignores
WIRESHARK_PLUGIN_DIR. How: tests/lib/tshark_env.py."""

import argparse
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import tshark_env  # noqa: E402

PROFILE = "SIP 4xx"
BUTTONS = ["4xx", "Missing MUST", "No request", "Bad retries", "Challenges", "405/Allow"]
# Captures every button must find something in (two passes, as the GUI).
BUTTON_CAPTURES = ["real_kamailio_routing.pcapng", "handmade_exchange.pcap"]
SIP4XX_RULES = ["sip4xx.missing_header.must", "sip4xx.retry.unmodified", "sip4xx.retry.violation",
                "sip4xx.malformed"]

errors = []


def fail(msg):
    errors.append(msg)
    print("FAIL: " + msg, file=sys.stderr)


class Home(tshark_env.Home):
    """A private HOME readable by the unprivileged user (tests/lib/tshark_env.py),
    holding the profile, a copy of the plugin folder and the captures."""

    def __init__(self, opts):
        super().__init__(opts.plugin_dir, opts.tshark, prefix="sip4xx-profile-", extra_env={
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",   # tshark --color emits 24-bit colour
            # script(1) runs the command through $SHELL, else (util-linux
            # 2.40, sid) the user's login shell: nobody's is nologin.
            "SHELL": "/bin/sh",
        })
        self.opts = opts
        self.copy(opts.profile_dir, os.path.join(".config", "wireshark", "profiles", PROFILE))
        self.captures = self.copy(opts.captures, "captures", ignore=shutil.ignore_patterns("gen"))

    def capture(self, name):
        return os.path.join(self.captures, name)


def frame_lines(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^(?:\x1b\[[0-9;]*m)*\s*(\d+)\s", line)
        if m:
            out[int(m.group(1))] = line
    return out


def check_preferences(home):
    p = home.run(["-G", "currentprefs", "-C", PROFILE])   # -G must come first
    if p.returncode != 0 or p.stderr.strip():
        fail(f"tshark -G currentprefs -C {PROFILE!r}: rc {p.returncode}, stderr:\n{p.stderr}")
        return
    block = p.stdout.split("\ngui.column.format:", 1)
    if len(block) != 2:
        fail("gui.column.format not set by the profile (-G currentprefs shows it commented out)")
        return
    block = block[1].split("\n\n", 1)[0]
    for field in ("sip4xx.code", "sip4xx.meaning", "sip4xx.missing_header", "sip4xx.request_in"):
        if f'"%Cus:{field}:0:R"' not in block:
            fail(f"loaded gui.column.format has no custom column for {field}:\n{block}")

    cap = home.capture("real_kamailio_routing.pcapng")
    p = home.run(["-C", PROFILE, "-n", "-r", cap])
    if p.returncode != 0 or p.stderr.strip():
        fail(f"tshark -C '{PROFILE}' -r: rc {p.returncode}, stderr:\n{p.stderr}")
        return
    lines = frame_lines(p.stdout)
    meaning = "The server knows the method but does not accept it for this address"
    # Columns: ... Length | 4xx | Missing header | Request in | Meaning | Info
    want = {
        5: rf"\s405 Allow 4 {meaning}\. Status: 405",      # 405 without Allow, request in frame 4
        7: rf"\s405\s+6 {meaning}\. Status: 405",          # 405 with Allow: no missing header
        12: r"\s407\s+11 A proxy on the path wants the caller",
    }
    for frame, pattern in want.items():
        if not re.search(pattern, lines.get(frame, "")):
            fail(f"frame {frame}: custom columns not as expected /{pattern}/ in:\n  {lines.get(frame)}")
    if not re.search(r"\s\d+\s+Request: INVITE", lines.get(1, "")):
        fail(f"frame 1 (a request sip4xx says nothing about): columns not empty:\n  {lines.get(1)}")
    # The profile is what adds them: the Default profile has no such columns.
    p = home.run(["-n", "-r", cap])
    if re.search(rf"405 Allow 4 {meaning}", p.stdout):
        fail("the custom columns also show without -C: the test does not test the profile")
    print("preferences: custom columns loaded and filled (frames 5, 7, 12)")


def profile_lines(home, name):
    """The records of a profile file: its lines without comments and blanks."""
    with open(os.path.join(home.opts.profile_dir, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]


def rgb8(triple):
    return ";".join(str(int(v) >> 8) for v in triple.split(","))


def check_colorfilters(home):
    rules = []
    for line in profile_lines(home, "colorfilters"):
        m = re.fullmatch(r"!?@([^@]+)@(.+)@\[(\d+,\d+,\d+)\]\[(\d+,\d+,\d+)\]", line)
        if not m:
            fail(f"colorfilters: not a rule line (@name@filter@[bg r,g,b][fg r,g,b]): {line}")
            continue
        rules.append((m.group(1), m.group(2), m.group(3), m.group(4), line))
    filters = [r[1] for r in rules]
    for want in SIP4XX_RULES:
        if want not in filters:
            fail(f"colorfilters: no rule with the filter {want}")
    # The sip4xx rules come first (the first matching rule colours a row);
    # Wireshark's default rules follow. The defaults shipped are those of
    # the Wireshark the profile was written with, so they are not compared
    # with this version's file: every rule must compile in this tshark.
    first_other = next((i for i, r in enumerate(rules) if not r[1].startswith("sip4xx")), len(rules))
    if any(r[1].startswith("sip4xx") for r in rules[first_other:]):
        fail("colorfilters: a sip4xx rule comes after Wireshark's default rules")
    cap = home.capture("real_kamailio_routing.pcapng")
    for name, flt, _, _, _ in rules:
        p = home.run(["-n", "-r", cap, "-Y", flt])
        if p.returncode != 0 or p.stderr.strip():
            fail(f"colorfilters rule '{name}': filter '{flt}' does not compile:\n{p.stderr}")

    # Loaded by tshark --color: no warning, and the first matching rule colours the line.
    p = home.run(["-C", PROFILE, "-n", "-r", cap, "--color"], tty=True)
    out = p.stdout.replace("\r", "")
    if p.returncode != 0 or "WARNING" in out or "Could not compile" in out:
        fail(f"tshark -C '{PROFILE}' --color: rc {p.returncode}:\n{out[-2000:]}")
        return
    by_filter = {r[1]: r for r in rules}
    lines = frame_lines(out)
    want = {5: "sip4xx.missing_header.must", 12: "sip4xx.explained.challenge", 2: "sip4xx.code", 4: "udp"}
    for frame, flt in want.items():
        if flt not in by_filter:
            fail(f"colorfilters: no rule '{flt}'")
            continue
        _, _, bg, fg, _ = by_filter[flt]
        esc = f"\x1b[38;2;{rgb8(fg)}m\x1b[48;2;{rgb8(bg)}m"
        if esc not in lines.get(frame, ""):
            fail(f"frame {frame}: not coloured by the rule '{by_filter[flt][0]}' "
                 f"({esc!r}):\n  {lines.get(frame, '(no line)')!r}")
    print(f"colorfilters: {len(rules)} rules load; frames 2, 4, 5, 12 coloured by the expected rule")


def uat_fields(line):
    """One UAT record: comma-separated quoted strings, \\xNN escapes
    (what Wireshark's uat_esc writes for '"', '\\' and non-printables)."""
    fields = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"\s*(,|$)', line):
        raw = m.group(1)
        fields.append(re.sub(r"\\x([0-9a-fA-F]{2})|\\(.)",
                             lambda e: chr(int(e.group(1), 16)) if e.group(1) else e.group(2), raw))
    rebuilt = ",".join('"' + re.sub(r'(["\\])', lambda e: f"\\x{ord(e.group(1)):02x}", f) + '"' for f in fields)
    return fields, rebuilt


def check_buttons(home):
    buttons = []
    for line in profile_lines(home, "dfilter_buttons"):
        fields, rebuilt = uat_fields(line)
        if len(fields) != 4 or rebuilt != line.strip():
            fail(f"dfilter_buttons: not a UAT record \"enabled\",\"label\",\"filter\",\"comment\": {line}")
            continue
        if fields[0] not in ("TRUE", "FALSE"):
            fail(f"dfilter_buttons: enabled must be TRUE or FALSE: {line}")
        if not fields[1] or not fields[2]:
            fail(f"dfilter_buttons: empty label or filter: {line}")
        buttons.append(fields)
    labels = [b[1] for b in buttons]
    if labels != BUTTONS:
        fail(f"dfilter_buttons: labels {labels}, expected {BUTTONS}")
    for enabled, label, flt, _ in buttons:
        hits = 0
        for name in BUTTON_CAPTURES:
            p = home.run(["-2", "-n", "-r", home.capture(name), "-Y", flt])
            if p.returncode != 0 or p.stderr.strip():
                fail(f"button '{label}': filter '{flt}' fails on {name}:\n{p.stderr}")
                break
            hits += len(frame_lines(p.stdout))
        else:
            if hits == 0:
                fail(f"button '{label}': filter '{flt}' matches nothing in {BUTTON_CAPTURES}")
            else:
                print(f"button '{label}': {flt}  ->  {hits} frame(s)")
        if enabled != "TRUE":
            fail(f"button '{label}' is not shown (enabled FALSE)")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--profile-dir", default=os.path.join(root, "plugin", "profile", PROFILE))
    ap.add_argument("--captures", default=os.path.join(root, "captures"))
    opts = ap.parse_args()
    home = Home(opts)
    try:
        check_preferences(home)
        check_colorfilters(home)
        check_buttons(home)
    finally:
        home.close()
    if errors:
        sys.exit(f"{len(errors)} problem(s) with the '{PROFILE}' profile")
    print(f"profile '{PROFILE}': ok")


if __name__ == "__main__":
    main()
