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
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import tshark_env  # noqa: E402

PROFILE = "SIP 4xx"
BUTTONS = ["4xx", "Missing MUST", "No request", "Bad retries", "Challenges", "405/Allow"]
# Captures every button must find something in (two passes, as the GUI).
BUTTON_CAPTURES = ["real_kamailio_routing.pcapng", "handmade_exchange.pcap"]
SIP4XX_RULES = ["sip4xx.malformed", "sip4xx.missing_header.must",
                "sip4xx.cause.problem || sip4xx.second_final || sip4xx.retry.unmodified || sip4xx.retry.violation",
                "sip4xx.explained.challenge", "sip4xx.code"]

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
    for field in ("sip4xx.meaning", "sip4xx.missing_header", "sip4xx.request_in"):
        if f'"%Cus:{field}:0:R"' not in block:
            fail(f"loaded gui.column.format has no custom column for {field}:\n{block}")

    cap = home.capture("real_kamailio_routing.pcapng")
    p = home.run(["-C", PROFILE, "-n", "-r", cap])
    if p.returncode != 0 or p.stderr.strip():
        fail(f"tshark -C '{PROFILE}' -r: rc {p.returncode}, stderr:\n{p.stderr}")
        return
    lines = frame_lines(p.stdout)
    meaning = "The server knows the method but does not accept it for this address"
    # Columns: No. | Time | Source | Destination | Protocol | Info | Missing header | Request in | Meaning
    want = {
        5: rf"Status: 405 Method Not Allowed \|\s+\[405: missing Allow\] Allow 4 {meaning}\.",
        7: rf"Status: 405 Method Not Allowed \|\s+\[405\]\s+6 {meaning}\.",  # Allow present
        12: r"Status: 407 Proxy Authentication Required \|\s+\[407\]\s+11 A proxy on the path wants the caller",
    }
    for frame, pattern in want.items():
        if not re.search(pattern, lines.get(frame, "")):
            fail(f"frame {frame}: columns not as expected /{pattern}/ in:\n  {lines.get(frame)}")
    if not re.search(r"Request: INVITE sip:nobody@127\.0\.0\.1 \|\s*$", lines.get(1, "")):
        fail(f"frame 1 (a request sip4xx says nothing about): sip4xx columns not empty:\n  {lines.get(1)}")
    # The profile is what adds them: the Default profile has no such columns.
    p = home.run(["-n", "-r", cap])
    if re.search(rf"Allow 4 {meaning}", p.stdout):
        fail("the custom columns also show without -C: the test does not test the profile")
    print("preferences: columns loaded and filled (frames 1, 5, 7, 12)")


# Average advance of the GUI's default proportional font (DejaVu Sans at
# Qt's default size), in pixels: what a column needs per character.
CHAR_PX = 7
# The window the widths are chosen for (README "In the GUI").
WINDOW_PX = 1400


def recent_widths(home):
    """column.width of the profile's recent file: format -> pixels."""
    with open(os.path.join(home.opts.profile_dir, "recent"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^column\.width:\s*\n((?:\t.*\n?)+)", text, re.M)
    if not m:
        fail("recent: no column.width block")
        return {}
    pairs = re.findall(r'"([^"]+)",\s*"(\d+)"', m.group(1))
    return {fmt: int(px) for fmt, px in pairs}


def check_column_widths(home):
    """The shipped profile sets a width for each of its columns, and the
    widths fit the window and the text the columns hold on the bundled
    capture (Info with the sip4xx note, the longest missing-header label)."""
    with open(os.path.join(home.opts.profile_dir, "preferences"), encoding="utf-8") as f:
        prefs = f.read()
    block = prefs.split("gui.column.format:", 1)[1]
    formats = []
    for fmt in re.findall(r'"[^"]*",\s*"([^"]+)"', block):
        # Wireshark keys a custom column's width by "%Cus:<field>".
        formats.append(":".join(fmt.split(":")[:2]) if fmt.startswith("%Cus:") else fmt)
    widths = recent_widths(home)
    for fmt in formats:
        if fmt not in widths:
            fail(f"recent: no width for the column {fmt}")
    total = sum(widths.get(f, 0) for f in formats[:-1])
    if total > WINDOW_PX - 200:
        fail(f"recent: the columns before the last take {total} px: the last one gets under 200 px of {WINDOW_PX}")
    cap = home.capture("real_kamailio_routing.pcapng")
    p = home.run(["-n", "-r", cap, "-T", "fields", "-e", "_ws.col.Info"])
    longest_info = max((len(line.rstrip()) for line in p.stdout.splitlines()), default=0)
    if widths.get("%i", 0) < CHAR_PX * longest_info:
        fail(f"recent: Info is {widths.get('%i')} px, its longest text on {cap} has {longest_info} characters")
    p = home.run(["-n", "-r", home.capture("handmade_obligations.pcap"), "-T", "fields",
                  "-E", "occurrence=a", "-E", "aggregator=|", "-e", "sip4xx.missing_header"])
    labels = {x for line in p.stdout.split() for x in line.split("|") if x}
    longest = max((len(x) for x in labels), default=0)
    if widths.get("%Cus:sip4xx.missing_header", 0) < CHAR_PX * longest:
        fail(f"recent: Missing header is {widths.get('%Cus:sip4xx.missing_header')} px, "
             f"its longest label has {longest} characters")
    print(f"recent: a width for each of the {len(formats)} columns; Info fits {longest_info} characters, "
          f"Missing header {longest}")


def check_info_shape(home):
    """The Info note leads with what is wrong and leaves the meaning out,
    unless the info_meaning preference asks for it."""
    cap = home.capture("real_kamailio_routing.pcapng")
    p = home.run(["-n", "-r", cap])
    lines = frame_lines(p.stdout)
    if not lines.get(5, "").rstrip().endswith("[405: missing Allow]"):
        fail(f"Info of frame 5 does not end with [405: missing Allow]:\n  {lines.get(5)}")
    if not lines.get(2, "").rstrip().endswith("[404]"):
        fail(f"Info of frame 2 does not end with [404]:\n  {lines.get(2)}")
    p = home.run(["-n", "-r", cap, "-o", "sip4xx.info_meaning:TRUE"])
    line = frame_lines(p.stdout).get(5, "")
    if not line.rstrip().endswith("[405: missing Allow; The server knows the method but does not accept it "
                                  "for this address]"):
        fail(f"info_meaning:TRUE: Info of frame 5 lacks the meaning:\n  {line}")
    print("Info: findings first, meaning only with info_meaning")


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


def srgb_to_linear(c):
    c /= 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb):
    r, g, b = (srgb_to_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# Colour-vision deficiency simulation, Machado, Oliveira and Fernandes
# (2009), severity 1.0, applied in linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def to_lab(lin):
    x = 0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = 0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    fx, fy, fz = f(x / 0.9505), f(y), f(z / 1.089)
    return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))


def seen_as(rgb, matrix):
    lin = [srgb_to_linear(c) for c in rgb]
    if matrix:
        lin = [max(0.0, min(1.0, sum(m * v for m, v in zip(row, lin)))) for row in matrix]
    return to_lab(lin)


def delta_e(a, b):
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def check_colours(home):
    """The sip4xx rules: text readable on its background (WCAG contrast
    4.5:1), backgrounds that no other rule of the file uses, and that stay
    apart (CIE76 distance 20 or more) for normal vision and the three
    dichromacies."""
    rules = []
    for line in profile_lines(home, "colorfilters"):
        m = re.fullmatch(r"!?@([^@]+)@(.+)@\[(\d+),(\d+),(\d+)\]\[(\d+),(\d+),(\d+)\]", line)
        if m:
            bg = tuple(int(v) >> 8 for v in m.group(3, 4, 5))
            fg = tuple(int(v) >> 8 for v in m.group(6, 7, 8))
            rules.append((m.group(1), m.group(2), bg, fg))
    ours = [r for r in rules if r[1].startswith("sip4xx")]
    others = [r for r in rules if not r[1].startswith("sip4xx")]
    for name, _, bg, fg in ours:
        ratio = contrast(bg, fg)
        if ratio < 4.5:
            fail(f"colorfilters '{name}': contrast {ratio:.1f}:1 between text and background, under 4.5:1")
        for oname, _, obg, _ in others:
            if delta_e(seen_as(bg, None), seen_as(obg, None)) < 10:
                fail(f"colorfilters '{name}': background too close to the default rule '{oname}'")
    for vision, matrix in [("normal vision", None)] + list(CVD.items()):
        for i, (a, _, abg, _) in enumerate(ours):
            for b, _, bbg, _ in ours[i + 1:]:
                d = delta_e(seen_as(abg, matrix), seen_as(bbg, matrix))
                if d < 20:
                    fail(f"colorfilters: '{a}' and '{b}' are {d:.0f} apart with {vision} (want 20 or more)")
    print(f"colours: {len(ours)} sip4xx rules readable (4.5:1) and apart for normal vision and 3 dichromacies")


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
    ap.add_argument("--build-dir", help="check the profile `cmake --install` installs from this build folder "
                                        "into a fresh HOME, instead of --profile-dir")
    opts = ap.parse_args()
    fresh_home = None
    if opts.build_dir:
        fresh_home = tempfile.mkdtemp(prefix="sip4xx-install-")
        env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"}
        env["HOME"] = fresh_home
        p = subprocess.run(["cmake", "--install", opts.build_dir], env=env, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"cmake --install {opts.build_dir} into {fresh_home}: rc {p.returncode}\n{p.stdout}{p.stderr}")
        opts.profile_dir = os.path.join(fresh_home, ".config", "wireshark", "profiles", PROFILE)
        for name in ("preferences", "recent", "colorfilters", "dfilter_buttons"):
            if not os.path.isfile(os.path.join(opts.profile_dir, name)):
                fail(f"cmake --install did not install {name} into {opts.profile_dir}")
        print(f"profile installed by cmake --install into the fresh HOME {fresh_home}")
    home = Home(opts)
    try:
        check_preferences(home)
        check_column_widths(home)
        check_info_shape(home)
        check_colorfilters(home)
        check_colours(home)
        check_buttons(home)
    finally:
        home.close()
        if fresh_home:
            shutil.rmtree(fresh_home, ignore_errors=True)
    if errors:
        sys.exit(f"{len(errors)} problem(s) with the '{PROFILE}' profile")
    print(f"profile '{PROFILE}': ok")


if __name__ == "__main__":
    main()
