#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The field, expert-info and preference reference of README.md, generated
from what the plugin registers, as tshark reports it with the plugin loaded:

  tshark -G fields   the sip4xx fields: name, type, description (the blurb)
  tshark -G ftypes   the type names
  tshark -G values   the values of fields with a value_string
  expert infos       name and summary from tshark -G fields (an expert
                     info is registered as an FT_NONE field); group and
                     severity from tshark -G expert where tshark has it, else
                     from the ei_register_info table of
                     plugin/ws/packet-sip4xx.c (Wireshark 4.0's tshark
                     reports neither), the two checked against each other
  tshark -G defaultprefs  the sip4xx preferences: name, default, description
                     (Wireshark 4.0 has no tab-separated preference report;
                     defaultprefs is its preferences file with every line
                     commented out); the titles the GUI shows from the
                     prefs_register_*_preference calls of
                     plugin/ws/packet-sip4xx.c, the names of the two checked
                     against each other

The fields and expert infos go into README.md between the markers
<!-- fields:begin --> and <!-- fields:end -->, the preferences between
<!-- prefs:begin --> and <!-- prefs:end --> (the prose around them is
written by hand).

  gen_reference.py --plugin-dir build/plugins --write    update README.md
  gen_reference.py --plugin-dir build/plugins --check    fail (with a diff) when README.md is out of date

tshark runs unprivileged when we are root: as root it ignores
WIRESHARK_PLUGIN_DIR. How: tests/lib/tshark_env.py."""

import argparse
import difflib
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import tshark_env  # noqa: E402

BEGIN = "<!-- fields:begin -->"
END = "<!-- fields:end -->"
PREFS_BEGIN = "<!-- prefs:begin -->"
PREFS_END = "<!-- prefs:end -->"
REGISTRATION = os.path.join(ROOT, "plugin", "ws", "packet-sip4xx.c")

GROUPS = {  # epan/proto.h PI_* group -> the name Wireshark shows
    "PI_CHECKSUM": "Checksum", "PI_SEQUENCE": "Sequence", "PI_RESPONSE_CODE": "Response code",
    "PI_REQUEST_CODE": "Request code", "PI_UNDECODED": "Undecoded", "PI_REASSEMBLE": "Reassemble",
    "PI_MALFORMED": "Malformed", "PI_DEBUG": "Debug", "PI_PROTOCOL": "Protocol", "PI_SECURITY": "Security",
    "PI_COMMENTS_GROUP": "Comment", "PI_DECRYPTION": "Decryption", "PI_ASSUMPTION": "Assumption",
    "PI_DEPRECATED": "Deprecated",
}
SEVERITIES = {"PI_COMMENT": "Comment", "PI_CHAT": "Chat", "PI_NOTE": "Note", "PI_WARN": "Warning",
              "PI_ERROR": "Error"}


def glossaries(opts):
    out = {}
    with tshark_env.Home(opts.plugin_dir, opts.tshark, prefix="sip4xx-ref-") as home:
        for report in ("fields", "ftypes", "values", "defaultprefs"):
            p = home.run(["-G", report])
            if p.returncode != 0:
                sys.exit(f"tshark -G {report} failed ({p.returncode}):\n{p.stderr}")
            out[report] = p.stdout
        p = home.run(["-G", "expert"])
        out["expert"] = p.stdout if p.returncode == 0 else None
    return out


def registered_experts():
    """name -> (group, severity, summary) from the ei_register_info table."""
    with open(REGISTRATION, encoding="utf-8") as f:
        text = f.read()
    table = {}
    for m in re.finditer(r'\{\s*"(sip4xx[\w.]*)",\s*(PI_\w+),\s*(PI_\w+),\s*"((?:[^"\\]|\\.)*)"', text):
        name, group, severity, summary = m.groups()
        table[name] = (GROUPS.get(group, group), SEVERITIES.get(severity, severity), summary)
    return table


def tshark_experts(text):
    """name -> (group, severity) from a tshark -G expert, when it has one:
    tab-separated rows holding the name, a group and a severity."""
    table = {}
    groups = {v.lower(): v for v in GROUPS.values()}
    sevs = {v.lower(): v for v in SEVERITIES.values()}
    for line in (text or "").splitlines():
        cols = line.split("\t")
        name = next((c for c in cols if c.startswith("sip4xx")), None)
        if not name:
            continue
        g = next((groups[c.lower()] for c in cols if c.lower() in groups), None)
        s = next((sevs[c.lower()] for c in cols if c.lower() in sevs), None)
        if g and s:
            table[name] = (g, s)
    return table


def registered_prefs():
    """name -> title from the prefs_register_*_preference calls."""
    with open(REGISTRATION, encoding="utf-8") as f:
        text = f.read()
    return {m.group(1): m.group(2).replace('\\"', '"') for m in re.finditer(
        r'prefs_register_\w+_preference\(\s*\w+,\s*"(\w+)",\s*"((?:[^"\\]|\\.)*)"', text)}


def tshark_prefs(text):
    """[(name, default, description)] of the sip4xx preferences in a
    tshark -G defaultprefs, in registration order. Each preference is a
    block of '# ' comment lines (the description, one line per line of it,
    then one line naming the type: 'TRUE or FALSE (case-insensitive)',
    'A decimal number', ...) ending in '#sip4xx.<name>: <default>'."""
    prefs = []
    comments = []
    for line in text.splitlines():
        m = re.match(r"^#(sip4xx\.\w+): ?(.*)$", line)
        if m:
            if len(comments) < 2:
                sys.exit(f"tshark -G defaultprefs: no description for {m.group(1)}")
            prefs.append((m.group(1), m.group(2).strip(), " ".join(c.strip() for c in comments[:-1])))
            comments = []
        elif line.startswith("# "):
            comments.append(line[2:])
        else:
            comments = []
    return prefs


def generate_prefs(text):
    prefs = tshark_prefs(text)
    if not prefs:
        sys.exit("tshark -G defaultprefs lists no sip4xx preferences: is the plugin loaded?")
    titles = registered_prefs()
    names = [n[len("sip4xx."):] for n, _, _ in prefs]
    if sorted(names) != sorted(titles):
        sys.exit(f"preferences in {os.path.relpath(REGISTRATION, ROOT)} {sorted(titles)} "
                 f"and in tshark -G defaultprefs {sorted(names)} differ")
    out = [PREFS_BEGIN,
           "<!-- Generated by tests/reference/gen_reference.py from the preferences the plugin registers "
           "(tshark -G defaultprefs: name, default, description; the title from "
           "plugin/ws/packet-sip4xx.c). Do not edit: run "
           "`python3 tests/reference/gen_reference.py --plugin-dir build/plugins --write`. -->",
           "",
           "| preference | title (Edit › Preferences) | default | what |",
           "|---|---|---|---|"]
    for name, default, description in prefs:
        out.append(f"| `{name}` | {md(titles[name[len('sip4xx.'):]])} | `{md(default)}` | {md(description)} |")
    out.append(PREFS_END)
    return "\n".join(out) + "\n"


def md(text):
    return text.replace("|", "\\|").strip()


def generate(opts):
    g = glossaries(opts)
    ftypes = dict(line.split("\t", 1) for line in g["ftypes"].splitlines() if "\t" in line)
    # Wireshark's own type descriptions change between versions ("2 bytes"
    # in 4.0, "16 bits" in 4.4): name the types sip4xx uses the same way
    # everywhere, so the reference is one text for every version.
    ftypes.update({
        "FT_UINT8": "unsigned integer, 8 bits", "FT_UINT16": "unsigned integer, 16 bits",
        "FT_UINT32": "unsigned integer, 32 bits", "FT_BOOLEAN": "boolean", "FT_STRING": "character string",
        "FT_FRAMENUM": "frame number", "FT_RELATIVE_TIME": "time offset", "FT_PROTOCOL": "protocol",
        "FT_NONE": "label",
    })
    values = {}
    for line in g["values"].splitlines():
        cols = line.split("\t")
        if cols[0] == "V" and len(cols) >= 4 and cols[1].startswith("sip4xx"):
            values.setdefault(cols[1], []).append((cols[2], cols[3]))
        elif cols[0] == "T" and len(cols) >= 4 and cols[1].startswith("sip4xx"):
            values.setdefault(cols[1], []).extend([("True", cols[2]), ("False", cols[3])])

    proto = None
    fields = []
    nones = {}
    for line in g["fields"].splitlines():
        cols = line.split("\t")
        if cols[0] == "P" and len(cols) >= 3 and cols[2] == "sip4xx":
            proto = cols[1]
        elif cols[0] == "F" and len(cols) >= 5 and cols[4] == "sip4xx":
            name, abbrev, ftype = cols[1], cols[2], cols[3]
            blurb = cols[7] if len(cols) > 7 else ""
            if ftype == "FT_NONE" and not blurb:
                nones[abbrev] = name
            else:
                fields.append((abbrev, ftype, blurb or name))
    if not proto or not fields:
        sys.exit("tshark -G fields lists no sip4xx protocol or fields: is the plugin loaded?")

    registered = registered_experts()
    from_tshark = tshark_experts(g["expert"])
    problems = []
    if set(registered) != set(nones):
        problems.append(f"expert infos in {os.path.relpath(REGISTRATION, ROOT)} {sorted(registered)} "
                        f"and in tshark -G fields {sorted(nones)} differ")
    for name, (group, sev, summary) in registered.items():
        if name in nones and nones[name] != summary.replace('\\"', '"'):
            problems.append(f"{name}: summary '{summary}' in the source, '{nones[name]}' in tshark")
        if name in from_tshark and from_tshark[name] != (group, sev):
            problems.append(f"{name}: {group}/{sev} in the source, {from_tshark[name]} in tshark -G expert")
    if problems:
        sys.exit("\n".join(problems))

    out = [BEGIN,
           "<!-- Generated by tests/reference/gen_reference.py from what the plugin registers "
           "(tshark -G fields, -G ftypes, -G values; expert groups and severities from "
           "plugin/ws/packet-sip4xx.c). Do not edit: run "
           "`python3 tests/reference/gen_reference.py --plugin-dir build/plugins --write`. -->",
           "",
           "### Fields",
           "",
           "| field | type | what |",
           "|---|---|---|",
           f"| `sip4xx` | protocol | {md(proto)}: one subtree per SIP message sip4xx has something to say about |"]
    for abbrev, ftype, blurb in fields:
        what = md(blurb)
        if abbrev in values:
            what += "; values: " + "; ".join(f"`{v}` {md(t)}" for v, t in values[abbrev])
        out.append(f"| `{abbrev}` | {md(ftypes.get(ftype, ftype)).lower()} | {what} |")
    out += ["",
            "### Expert infos",
            "",
            "Each is also a field: filter on it (`tshark -Y sip4xx.missing_header.must`), or "
            "list them all with `tshark -q -z expert,note,sip4xx`.",
            "",
            "| name | group / severity | summary |",
            "|---|---|---|"]
    for name in nones:  # registration order
        group, sev, _ = registered[name]
        out.append(f"| `{name}` | {group} / {sev} | {md(nones[name])} |")
    out.append(END)
    return ["\n".join(out) + "\n", generate_prefs(g["defaultprefs"])]


def splice(readme_text, sections):
    """Each generated section (from its begin marker to its end marker)
    replaces the block between the same markers in README.md."""
    for section in sections:
        lines = section.rstrip("\n").split("\n")
        begin, end = lines[0], lines[-1]
        if readme_text.count(begin) != 1 or readme_text.count(end) != 1:
            sys.exit(f"README.md must hold exactly one {begin} and one {end}")
        head, rest = readme_text.split(begin, 1)
        _, tail = rest.split(end, 1)
        readme_text = head + section.rstrip("\n") + tail
    return readme_text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("--plugin-dir", required=True)
    ap.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="update README.md")
    mode.add_argument("--check", action="store_true", help="fail when README.md is out of date")
    mode.add_argument("--print", action="store_true", help="print the generated section")
    opts = ap.parse_args()

    sections = generate(opts)
    if opts.print:
        sys.stdout.write("\n".join(sections))
        return
    with open(opts.readme, encoding="utf-8") as f:
        current = f.read()
    wanted = splice(current, sections)
    if opts.write:
        if wanted != current:
            with open(opts.readme, "w", encoding="utf-8") as f:
                f.write(wanted)
            print(f"{opts.readme}: reference updated")
        else:
            print(f"{opts.readme}: reference up to date")
        return
    # --check: regenerate into a temporary file and compare.
    with tempfile.NamedTemporaryFile("w", suffix="-README.md", delete=False, encoding="utf-8") as tmp:
        tmp.write(wanted)
    try:
        if wanted == current:
            print(f"{opts.readme}: field, expert-info and preference reference up to date")
            return
        diff = difflib.unified_diff(current.splitlines(True), wanted.splitlines(True),
                                    "README.md", f"README.md regenerated ({tmp.name})")
        sys.stderr.writelines(diff)
        rel = os.path.relpath(opts.plugin_dir, ROOT) if opts.plugin_dir.startswith(ROOT) else opts.plugin_dir
        sys.exit("\nREADME.md's field, expert-info or preference reference is out of date with what the plugin "
                 "registers.\n"
                 f"Update it with:  python3 tests/reference/gen_reference.py --plugin-dir {rel} --write")
    finally:
        os.unlink(tmp.name)


if __name__ == "__main__":
    main()
