#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the raw measurements of bench.sh into RESULTS.md and results.json,
and optionally the performance table of README.md.

usage: report.py RAW_TSV CALLGRIND_DIR OUT_DIR [--readme README.md]
(metadata comes from B_* environment variables set by bench.sh)

Every target of issue 14, on every capture, with both measures: the ratio
of instructions per frame (callgrind on a slice, start-up subtracted:
deterministic) and the ratio of median CPU times of interleaved runs.
Where a target is not met, the floor: what the same output costs with no
analysis at all (sip4xx's rendering and what tshark does with the items it
adds, and in summary modes the protocol tree tshark builds because sip4xx
asks for fields), measured in the same runs."""

import json
import os
import re
import statistics
import sys

args = sys.argv[1:]
readme = None
if "--readme" in args:
    k = args.index("--readme")
    readme = args[k + 1]
    del args[k:k + 2]
raw, cgdir, outdir = args[:3]
E = os.environ.get

CAPS = {"sip": "SIP-dense", "ord": "ordinary SIP", "nosip": "no SIP"}
TREE_MODES = ("Y_sip", "Y_sip4xx", "V", "fields")
FLOOR_MODES = ("summary", "expert", "twopass")
MODES = ("summary", "expert", "twopass", "Y_sip", "Y_sip4xx", "V", "fields")
TARGET = 1.03          # tree modes against stock, summary modes against the floor
TARGET_NOSIP = 1.02    # every mode against stock
TARGET_RSS = 1.05
MODE_TEXT = {
    "summary": "summary (`-n`)",
    "expert": "`-n -q -z expert`",
    "twopass": "`-n -2`",
    "Y_sip": "`-n -Y sip`",
    "Y_sip4xx": "`-n -Y sip4xx` (stock: `-Y 'sip.Status-Code>=400&&sip.Status-Code<500'`)",
    "V": "`-n -V`",
    "fields": "`-T fields -e sip4xx.code` (stock: `-e sip.Status-Code`)",
}

# ---- timed runs
runs = {}
for line in open(raw):
    cap, mode, cfg, run, wall, rss, cpu = line.rstrip("\n").split("\t")
    d = runs.setdefault((cap, mode, cfg), {"wall": [], "rss": [], "cpu": []})
    d["wall"].append(float(wall))
    d["rss"].append(int(rss))
    d["cpu"].append(float(cpu))


def med(cap, mode, cfg, what):
    d = runs.get((cap, mode, cfg))
    return statistics.median(d[what]) if d and d[what] else None


# ---- callgrind
LINE = re.compile(r"^\s*([\d,]+)\s+(?:\(\s*[\d.]+%\)\s+)?(.*?)\s*$")


def annotate(path):
    """{'total': Ir, 'funcs': {'file:fn [obj]': Ir}} from callgrind_annotate output."""
    total, funcs, body = None, {}, False
    try:
        f = open(path, errors="replace")
    except OSError:
        return None
    for line in f:
        m = LINE.match(line)
        if not m:
            continue
        ir, rest = int(m.group(1).replace(",", "")), m.group(2)
        if rest.startswith("PROGRAM TOTALS"):
            total, body = ir, True
            continue
        if body and rest:
            funcs[rest] = funcs.get(rest, 0) + ir
    return {"total": total, "funcs": funcs}


def fn_of(key):
    m = re.match(r"(.*?)(?: \[(.*)\])?$", key)
    fn = m.group(1)
    return fn.split(":", 1)[1] if ":" in fn else fn


def inclusive(run, name):
    """A function's inclusive Ir (callgrind_annotate may list it under
    several file names: the largest entry)."""
    return max((v for k, v in run["funcs"].items() if fn_of(k) == name), default=0)


sip_frames = {}
try:
    for line in open(os.path.join(cgdir, "sip_frames")):
        cap, n = line.split()
        sip_frames[cap] = int(n)
except OSError:
    pass
nframes = int(E("B_CG_FRAMES", "0") or 0)
base = {c: annotate(os.path.join(cgdir, "base.%s.incl" % c)) for c in ("stock", "plugin")}
cg = {}
for cap in CAPS:
    for mode in MODES:
        got = {cfg: annotate(os.path.join(cgdir, "%s.%s.%s.incl" % (cap, mode, cfg)))
               for cfg in ("stock", "floor", "plugin")}
        if not got["stock"] or not got["plugin"] or not base["stock"] or not base["plugin"]:
            continue
        per = {cfg: (r["total"] - base["plugin" if cfg == "plugin" else "stock"]["total"]) / nframes
               for cfg, r in got.items() if r}
        p = got["plugin"]
        entry = inclusive(p, "dissect_sip4xx")
        render = inclusive(p, "sip4xx_render_frame")
        ref = "floor" if "floor" in per else "stock"
        ns = sip_frames.get(cap) or 0
        c = {
            "frames": nframes, "sip_frames": ns,
            "per_frame": {k: round(v, 1) for k, v in per.items()},
            "reference": ref,
            "ratio": round(per["plugin"] / per[ref], 4),
            "ratio_to_stock": round(per["plugin"] / per["stock"], 4),
            "dissect_sip4xx_per_frame": round(entry / nframes, 1),
            "render_per_frame": round(render / nframes, 1),
            "analysis_per_frame": round((entry - render) / nframes, 1),
            "outside_per_frame": round(per["plugin"] - per[ref] - entry / nframes, 1),
        }
        if ns:
            c["dissect_sip4xx_per_sip_frame"] = round(entry / ns, 1)
            c["render_per_sip_frame"] = round(render / ns, 1)
            c["analysis_per_sip_frame"] = round((entry - render) / ns, 1)
        if "floor" in per:
            c["forced_tree_ratio"] = round(per["floor"] / per["stock"], 4)
        # What this output costs with no analysis: the reference, what
        # sip4xx renders, and what tshark then does with sip4xx's items.
        c["output_floor_ratio"] = round((per[ref] + c["render_per_frame"] + c["outside_per_frame"]) / per[ref], 4)
        # What the analysis may cost per SIP frame for the ratio to meet its
        # target, the output staying as it is: the target's instructions
        # less the floor's. Negative: no analysis fits (the floor is above).
        if ns:
            tgt = TARGET_NOSIP if cap == "nosip" else TARGET
            c["target"] = tgt
            c["analysis_budget_per_sip_frame"] = round(
                (tgt * per[ref] - per[ref] - c["render_per_frame"] - c["outside_per_frame"]) * nframes / ns, 1)
        top = {}
        for k, v in p["funcs"].items():
            if "sip4xx.so" in k or re.match(r"(/.*/)?plugin/(ws|core|spec)/", k):
                f = fn_of(k)
                top[f] = max(top.get(f, 0), v)
        c["top_sip4xx_inclusive"] = [{"function": f, "ir": v, "per_sip_frame": round(v / ns, 1) if ns else None}
                                     for f, v in sorted(top.items(), key=lambda kv: -kv[1])[:12]]
        cg[(cap, mode)] = c

# ---- targets
targets = []
for cap in CAPS:
    for mode in MODES:
        if (cap, mode, "plugin") not in runs:
            continue
        nosip = cap == "nosip"
        ref = "stock" if nosip or mode in TREE_MODES else "floor"
        tgt = TARGET_NOSIP if nosip else TARGET
        p_cpu, r_cpu = med(cap, mode, "plugin", "cpu"), med(cap, mode, ref, "cpu")
        s_cpu = med(cap, mode, "stock", "cpu")
        c = cg.get((cap, mode))
        ir = None
        if c:
            ir = c["ratio_to_stock"] if ref == "stock" else c["ratio"]
        row = {"capture": cap, "mode": mode, "reference": ref, "target": tgt,
               "cpu_ratio": round(p_cpu / r_cpu, 3) if p_cpu and r_cpu else None,
               "ir_ratio": ir,
               "cpu_ratio_to_stock": round(p_cpu / s_cpu, 3) if p_cpu and s_cpu else None}
        row["ir_met"] = ir is not None and ir <= tgt
        row["cpu_met"] = row["cpu_ratio"] is not None and row["cpu_ratio"] <= tgt
        # The floor this mode's target is up against: the forced tree (a
        # no-SIP capture, where sip4xx renders nothing), or the output.
        if c:
            row["floor_ratio"] = c.get("forced_tree_ratio") if nosip and mode in FLOOR_MODES else c["output_floor_ratio"]
        elif nosip and ref == "stock" and (cap, mode, "floor") in runs:
            f_cpu = med(cap, mode, "floor", "cpu")
            row["floor_ratio"] = round(f_cpu / s_cpu, 3) if f_cpu and s_cpu else None
        targets.append(row)

rss = {}
for label in ("big", "frozen"):
    s, p = med(label, "summary", "stock", "rss"), med(label, "summary", "plugin", "rss")
    if s and p:
        rss[label] = {"stock_kb": s, "plugin_kb": p, "ratio": round(p / s, 3), "extra_mb": round((p - s) / 1024, 1),
                      "target": TARGET_RSS if label == "big" else None,
                      "met": p / s <= TARGET_RSS if label == "big" else None,
                      "stock_cpu_s": med(label, "summary", "stock", "cpu"),
                      "plugin_cpu_s": med(label, "summary", "plugin", "cpu"),
                      "state": E("B_STATE_" + label.upper()) or ""}

meta = {k[2:].lower(): v for k, v in os.environ.items() if k.startswith("B_")}


# ---- render
def fr(x, n=3):
    return ("%.*f" % (n, x)) if x is not None else ""


def yes(b):
    return "" if b is None else ("met" if b else "**not met**")


T = []
T.append("| capture | mode | against | instructions ratio | CPU-time ratio | target | instructions | CPU time | floor |")
T.append("|---|---|---|---:|---:|---:|---|---|---:|")
for r in targets:
    T.append("| %s | %s | %s | %s | %s | ≤ %.2f | %s | %s | %s |" % (
        CAPS[r["capture"]], MODE_TEXT[r["mode"]], r["reference"], fr(r["ir_ratio"]), fr(r["cpu_ratio"]),
        r["target"], yes(r["ir_met"]) if r["ir_ratio"] is not None else "", yes(r["cpu_met"]),
        fr(r.get("floor_ratio"))))
for label, what in (("big", "1M frames (sip-1m), peak RSS"), ("frozen", "1M unanswered requests, one instant, peak RSS")):
    if label in rss:
        x = rss[label]
        T.append("| %s | summary | stock | | %s (%.0f vs %.0f MB, %+.0f MB) | %s | | %s | |" % (
            what, fr(x["ratio"]), x["plugin_kb"] / 1024, x["stock_kb"] / 1024, x["extra_mb"],
            ("≤ %.2f" % x["target"]) if x["target"] else "", yes(x["met"])))
targets_md = "\n".join(T)

W = ["| capture | mode | stock wall / CPU (s) | floor wall / CPU (s) | sip4xx wall / CPU (s) |",
     "|---|---|---:|---:|---:|"]
for cap in list(CAPS) + ["big", "frozen"]:
    for mode in MODES:
        if (cap, mode, "plugin") not in runs:
            continue
        cell = lambda cfg: ("%.2f / %.2f" % (med(cap, mode, cfg, "wall"), med(cap, mode, cfg, "cpu"))
                            if (cap, mode, cfg) in runs else "")
        W.append("| %s | %s | %s | %s | %s |" % (CAPS.get(cap, cap), MODE_TEXT[mode], cell("stock"),
                                                  cell("floor"), cell("plugin")))
times_md = "\n".join(W)

C = ["| capture | mode | stock | floor | sip4xx | ratio (against) | dissect_sip4xx: analysis + render per SIP frame "
     "| outside dissect_sip4xx per frame | output floor | analysis the target leaves per SIP frame |",
     "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]


def budget(c):
    b = c.get("analysis_budget_per_sip_frame")
    if b is None:
        return ""
    return "{:,.0f}".format(b) if b > 0 else "none: the output floor is above %.2f" % c["target"]


for (cap, mode), c in cg.items():
    pf = c["per_frame"]
    C.append("| %s | %s | %s | %s | %s | %s (%s) | %s + %s | %s | %s | %s |" % (
        CAPS[cap], MODE_TEXT[mode], "{:,.0f}".format(pf["stock"]),
        "{:,.0f}".format(pf["floor"]) if "floor" in pf else "", "{:,.0f}".format(pf["plugin"]),
        fr(c["ratio"]), c["reference"], "{:,.0f}".format(c.get("analysis_per_sip_frame", 0)),
        "{:,.0f}".format(c.get("render_per_sip_frame", 0)), "{:,.0f}".format(c["outside_per_frame"]),
        fr(c["output_floor_ratio"]), budget(c)))
cg_md = "\n".join(C)

F = []
for (cap, mode), c in cg.items():
    if cap != "sip" or mode not in ("Y_sip", "summary"):
        continue
    F.append("**%s, %s**, sip4xx.so functions, inclusive instructions per SIP frame:\n" % (CAPS[cap], MODE_TEXT[mode]))
    F.append("| function | per SIP frame |")
    F.append("|---|---:|")
    for t in c["top_sip4xx_inclusive"]:
        F.append("| %s | {:,.0f} |".format(t["per_sip_frame"] or 0) % t["function"])
    F.append("")
funcs_md = "\n".join(F)

head = ("# sip4xx benchmark — %s\n\nMachine: %s  \nWireshark: %s  \nsip4xx: commit %s, sip4xx.so sha256 %s…  \n"
        "Captures: SIP-dense %s; ordinary SIP %s; no SIP %s; 1M %s; frozen scanner %s  \n"
        "Runs: %s timed runs per mode and setup, interleaved stock, floor, sip4xx after a warm-up; medians. "
        "RSS runs: %s. Callgrind: the first %s frames of each capture (SIP frames: %s), start-up subtracted, "
        "%s.%s\n") % (
    meta.get("date"), meta.get("machine"), meta.get("ws"), meta.get("commit"), meta.get("so_sha"),
    meta.get("sip"), meta.get("ord"), meta.get("nosip"), meta.get("big"), meta.get("frozen"), meta.get("runs"),
    meta.get("rss_runs"), meta.get("cg_frames"), ", ".join("%s %d" % (CAPS[k], v) for k, v in sip_frames.items()),
    "one run per setup" if (meta.get("cg_runs") or "1") == "1" else "the median of %s runs per setup" % meta.get("cg_runs"),
    "  \n(--quick smoke run: one run per mode, numbers are not reliable)" if meta.get("quick") == "1" else "")

legend = """How to read it. *against*: stock tshark, or for the modes that build no
tree of their own (summary, `-q -z expert`, `-2`) the **floor**, stock
made to build one for every frame (`-Y "sip or not sip"`; with `-2`,
`-R "sip or not sip"`: a tree on the first pass only), which is what
sip4xx makes tshark do by asking for the `sip` items. *instructions
ratio*: instructions per frame, sip4xx over the reference (callgrind,
deterministic). *CPU-time ratio*: medians of user+system CPU time of
interleaved runs (a shared 2-CPU machine: several percent of noise).
*floor*: the ratio the same output would cost with no analysis at all —
the reference plus sip4xx's rendering (items, expert infos, Info column)
plus what tshark does with those items (printing them in `-V`, testing
them in `-Y`, extracting them in `-T fields`); on the no-SIP capture in
summary modes, the forced tree itself (floor over stock). A target whose
floor is above it cannot be met with this output. *analysis the target
leaves*: what parse, checks and exchange engine may cost together, per
SIP frame, for the ratio to meet the target with this output (the
target's instructions less the floor's); set it beside the analysis
figure of the same row."""

# How far identical callgrind runs fell apart (bench.sh cg_median).
spread_md = ""
try:
    worst = (0.0, "")
    for line in open(os.path.join(cgdir, "spread")):
        f = line.split()
        t = [int(x) for x in f[1:]]
        if t and t[0] > 0 and (t[-1] - t[0]) / t[0] > worst[0]:
            worst = ((t[-1] - t[0]) / t[0], f[0])
    spread_md = ("Identical callgrind runs differ (Wireshark draws its wmem maps' hash seeds at random per "
                 "process): the widest spread between the runs of one setup here was %.2f %% of its total (%s)."
                 % (100 * worst[0], worst[1]))
except OSError:
    spread_md = ("Identical callgrind runs differ by up to a few tenths of a percent of their total (Wireshark "
                 "draws its wmem maps' hash seeds at random per process); this run made one per setup, so a "
                 "ratio within about 0.005 of its target is not decided by it (CG_RUNS=3 takes the median). "
                 "The column \"outside dissect_sip4xx\", a difference of two such totals, moves by a few "
                 "hundred instructions per frame between runs, and the budgets with it.")

state = "\n".join("sip4xx state at the end of %s: %s" % (k, v["state"]) for k, v in rss.items() if v["state"])
if rss.get("frozen", {}).get("state"):
    # Where capture time stands still no window passes: the expiry ring's
    # cap (engine.c expiry_cap) is what bounds the state then.
    state += ("\n\nWhere the clock stands still (frozen), what is kept stops at the expiry ring's cap, "
              "4 x max_open_total + 64 entries, each a call's note that a request was not tracked or an "
              "open transaction: it is bounded by the limit, not by the file (with `-o sip4xx.max_open_total:1000` "
              "the same capture ends with 4,065 calls and 1,000 transactions).")

# Sections this script does not write are kept, in their order, after
# the ones it writes: "## sip4xx-report" (tests/bench/report_bench.sh's)
# and the measurements written by hand (repeated runs, the floor of the
# analysis), each of which says what it was measured on.
WRITTEN = ("## Targets", "## Instructions per frame (callgrind)", "## Wall and CPU times (medians)")
kept = ""
try:
    old = open(os.path.join(outdir, "RESULTS.md")).read()
    parts = old.split("\n## ")
    for part in parts[1:]:
        section = "## " + part
        if not section.startswith(WRITTEN):
            kept += "\n" + section.rstrip("\n") + "\n"
except FileNotFoundError:
    pass
doc = "\n\n".join([head.rstrip("\n"), "## Targets", targets_md, legend, state,
                   "## Instructions per frame (callgrind)", spread_md, cg_md, funcs_md,
                   "## Wall and CPU times (medians)", times_md]) + "\n" + kept
with open(os.path.join(outdir, "RESULTS.md"), "w") as f:
    f.write(doc)
with open(os.path.join(outdir, "results.json"), "w") as f:
    json.dump({"meta": meta, "targets": targets, "rss": rss,
               "callgrind": {"%s.%s" % k: v for k, v in cg.items()},
               "runs": {"%s.%s.%s" % k: v for k, v in runs.items()}}, f, indent=1)
print(doc)

# ---- README: the table between its markers
if readme:
    R = ["Latest (%s, Wireshark %s, commit %s; %s runs; instruction counts from callgrind on the first %s "
         "frames). Full tables and the floors: `tests/bench/RESULTS.md`.\n" % (
             meta.get("date"), (meta.get("ws") or "").split(" ")[2] if meta.get("ws") else "?",
             meta.get("commit"), meta.get("runs"), meta.get("cg_frames")),
         "| capture | mode | against | instructions | CPU time | target | floor |",
         "|---|---|---|---:|---:|---:|---:|"]
    for r in targets:
        R.append("| %s | %s | %s | %s | %s | %.2f | %s |" % (
            CAPS[r["capture"]], MODE_TEXT[r["mode"]], r["reference"], fr(r["ir_ratio"]), fr(r["cpu_ratio"]),
            r["target"], fr(r.get("floor_ratio"))))
    for label, what in (("big", "1M frames, peak RSS"), ("frozen", "1M unanswered requests at one instant, peak RSS")):
        if label in rss:
            x = rss[label]
            R.append("| %s | summary | stock | | %s (%+.0f MB) | %s | |" % (
                what, fr(x["ratio"]), x["extra_mb"], ("%.2f" % x["target"]) if x["target"] else ""))
    text = open(readme).read()
    a, b = text.find("<!-- bench:begin -->"), text.find("<!-- bench:end -->")
    if a < 0 or b < a:
        sys.exit("report.py: %s has no <!-- bench:begin --> ... <!-- bench:end --> block" % readme)
    text = text[:a] + "<!-- bench:begin -->\n" + "\n".join(R) + "\n" + text[b:]
    open(readme, "w").write(text)
    print("bench: rewrote the performance table of %s" % readme, file=sys.stderr)
print("bench: wrote %s and %s" % (os.path.join(outdir, "RESULTS.md"), os.path.join(outdir, "results.json")),
      file=sys.stderr)
