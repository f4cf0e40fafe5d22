#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turn the raw measurements of bench.sh into a table (stdout), RESULTS.md
and results.json.  usage: report.py RAW_TSV CALLGRIND_DIR OUT_DIR
(metadata comes from B_* environment variables set by bench.sh)."""

import json
import os
import re
import statistics
import sys

raw, cgdir, outdir = sys.argv[1:4]
E = os.environ.get

# Targets: ratio plugin/stock of the median wall time (STYLE/ROBUSTNESS cost model).
TARGETS_SIP = {"summary": 1.10, "expert": 1.10, "Y_sip": 1.03, "Y_sip4xx": 1.03,
               "V": 1.03, "fields": 1.03, "twopass": 1.10}
TARGET_NOSIP = 1.05
TARGET_RSS = 1.05
TARGET_BIG_TIME = 1.10
MODE_TEXT = {
    "summary": "tshark -n -r F (summary lines)",
    "expert": "tshark -n -q -z expert -r F",
    "Y_sip": "tshark -n -Y sip -r F",
    "Y_sip4xx": "-Y sip4xx (stock: -Y 'sip.Status-Code>=400&&sip.Status-Code<500')",
    "V": "tshark -n -V -r F",
    "fields": "-T fields -e sip4xx.code (stock: -e sip.Status-Code)",
    "twopass": "tshark -n -2 -r F",
}

data = {}
for line in open(raw):
    cap, mode, cfg, run, t, rss, cpu = line.rstrip("\n").split("\t")
    d = data.setdefault((cap, mode), {"stock": [], "plugin": [], "stock_rss": [], "plugin_rss": [],
                                      "stock_cpu": [], "plugin_cpu": []})
    d[cfg].append(float(t))
    d[cfg + "_rss"].append(int(rss))
    d[cfg + "_cpu"].append(float(cpu))

rows = []
for (cap, mode), d in data.items():
    if cap == "big":
        continue
    s, p = statistics.median(d["stock"]), statistics.median(d["plugin"])
    target = TARGETS_SIP[mode] if cap == "sip" else TARGET_NOSIP
    r = p / s
    cs, cp = statistics.median(d["stock_cpu"]), statistics.median(d["plugin_cpu"])
    rows.append({"capture": cap, "mode": mode, "what": MODE_TEXT[mode], "stock_s": round(s, 3),
                 "plugin_s": round(p, 3), "ratio": round(r, 3), "target": target,
                 "pass": r <= target, "stock_runs": d["stock"], "plugin_runs": d["plugin"],
                 "stock_cpu_s": cs, "plugin_cpu_s": cp, "cpu_ratio": round(cp / cs, 3),
                 "cpu_pass": cp / cs <= target,
                 "stock_cpu_runs": d["stock_cpu"], "plugin_cpu_runs": d["plugin_cpu"]})

big = data.get(("big", "summary"))
rss = None
if big:
    s, p = statistics.median(big["stock_rss"]), statistics.median(big["plugin_rss"])
    ts, tp = statistics.median(big["stock"]), statistics.median(big["plugin"])
    rss = {"capture": E("B_BIG"), "stock_kb": s, "plugin_kb": p, "ratio": round(p / s, 3),
           "target": TARGET_RSS, "pass": p / s <= TARGET_RSS,
           "stock_runs_kb": big["stock_rss"], "plugin_runs_kb": big["plugin_rss"],
           "time_stock_s": round(ts, 3), "time_plugin_s": round(tp, 3),
           "time_ratio": round(tp / ts, 3), "time_target": TARGET_BIG_TIME,
           "time_pass": tp / ts <= TARGET_BIG_TIME,
           "cpu_stock_s": statistics.median(big["stock_cpu"]), "cpu_plugin_s": statistics.median(big["plugin_cpu"]),
           "cpu_ratio": round(statistics.median(big["plugin_cpu"]) / statistics.median(big["stock_cpu"]), 3),
           "cpu_pass": statistics.median(big["plugin_cpu"]) / statistics.median(big["stock_cpu"]) <= TARGET_BIG_TIME}


# ---- callgrind
LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([\d.]+%\)\s+)?(.*?)\s*$")


def annotate(path):
    """{'total': Ir, 'funcs': {'file:fn [obj]': Ir}} from callgrind_annotate output."""
    total, funcs, body = None, {}, False
    for line in open(path, errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        ir, rest = int(m.group(1).replace(",", "")), m.group(2)
        if rest.startswith("PROGRAM TOTALS"):
            total = ir
            body = True
            continue
        if body and rest:
            funcs[rest] = funcs.get(rest, 0) + ir
    return {"total": total, "funcs": funcs}


def fname(key):
    """'file:function [object]' -> ('function', 'object basename')."""
    m = re.match(r"(.*?)(?: \[(.*)\])?$", key)
    fn, obj = m.group(1), m.group(2) or ""
    fn = fn.split(":", 1)[1] if ":" in fn else fn
    return fn, os.path.basename(obj)


cg = {}
nsip = int(E("B_CG_SIP_FRAMES", "0") or 0)
nframes = int(E("B_CG_FRAMES", "0") or 0)
for mode in (E("B_CG_MODES") or "").split():
    try:
        inc = {c: annotate(os.path.join(cgdir, "%s.%s.incl" % (mode, c))) for c in ("stock", "plugin")}
        slf = {c: annotate(os.path.join(cgdir, "%s.%s.self" % (mode, c))) for c in ("stock", "plugin")}
    except OSError:
        continue
    st, pt = inc["stock"]["total"], inc["plugin"]["total"]
    try:
        base = {c: annotate(os.path.join(cgdir, "base.%s.incl" % c))["total"] for c in ("stock", "plugin")}
    except OSError:
        base = {"stock": 0, "plugin": 0}
    # callgrind_annotate prints the object only on some lines and may list
    # one function under several file names ("x.c:f [obj]", "???:f"):
    # key everything by function name; inclusive = largest entry, self = sum.
    objof = {}
    plugin_fns = set()
    for run in list(inc.values()) + list(slf.values()):
        for k in run["funcs"]:
            f, o = fname(k)
            if o:
                objof.setdefault(f, o)
            if o == "sip4xx.so" or re.match(r"(/.*/)?plugin/(ws|core|spec)/", k):
                plugin_fns.add(f)
    for f in plugin_fns:
        objof[f] = "sip4xx.so"

    def by_name(funcs, agg):
        out = {}
        for k, v in funcs.items():
            f = fname(k)[0]
            if f.startswith("<") or "<counts for" in k or "PROGRAM TOTALS" in k:
                continue
            out[f] = agg(out.get(f, 0), v)
        return out

    add = lambda a, b: a + b
    plug_incl = {f: v for f, v in by_name(inc["plugin"]["funcs"], max).items() if f in plugin_fns}
    plug_self = {f: v for f, v in by_name(slf["plugin"]["funcs"], add).items() if f in plugin_fns}
    entry = plug_incl.get("dissect_sip4xx", 0)
    self_total = sum(plug_self.values())
    delta = pt - st
    try:
        bself = {c: annotate(os.path.join(cgdir, "base.%s.self" % c))["funcs"] for c in ("stock", "plugin")}
    except OSError:
        bself = {"stock": {}, "plugin": {}}
    P, S = by_name(slf["plugin"]["funcs"], add), by_name(slf["stock"]["funcs"], add)
    BP, BS = by_name(bself["plugin"], add), by_name(bself["stock"], add)
    diffs = []
    for f in set(P) | set(S):
        d = (P.get(f, 0) - BP.get(f, 0)) - (S.get(f, 0) - BS.get(f, 0))
        diffs.append((d, f))
    diffs.sort(reverse=True)
    by_obj = {}
    for d, f in diffs:
        o = objof.get(f, "?")
        by_obj[o] = by_obj.get(o, 0) + d
    by_obj = sorted(by_obj.items(), key=lambda kv: -abs(kv[1]))[:8]
    top = [{"function": f, "object": objof.get(f, "?"), "extra_ir": d,
            "per_sip_frame": round(d / nsip, 1) if nsip else None} for d, f in diffs[:15]]
    top_incl = sorted(plug_incl.items(), key=lambda kv: -kv[1])[:15]
    cg[mode] = {
        "frames": nframes, "sip_frames": nsip,
        "stock_ir": st, "plugin_ir": pt, "ratio": round(pt / st, 4),
        "delta_ir": delta,
        "startup_stock_ir": base["stock"], "startup_plugin_ir": base["plugin"],
        "stock_per_frame": round((st - base["stock"]) / nframes, 1) if nframes else None,
        "plugin_per_frame": round((pt - base["plugin"]) / nframes, 1) if nframes else None,
        "per_frame_ratio": round((pt - base["plugin"]) / (st - base["stock"]), 4),
        "delta_per_frame": round(delta / nframes, 1) if nframes else None,
        "dissect_sip4xx_incl_ir": entry,
        "dissect_sip4xx_incl_per_sip_frame": round(entry / nsip, 1) if nsip else None,
        "sip4xx_self_ir": self_total,
        "sip4xx_self_per_sip_frame": round(self_total / nsip, 1) if nsip else None,
        "outside_plugin_ir": delta - entry,
        "outside_plugin_per_frame": round((delta - entry) / nframes, 1) if nframes else None,
        "top_extra_self": top,
        "extra_by_object": [{"object": o, "extra_ir": v,
                             "per_frame": round(v / nframes, 1) if nframes else None} for o, v in by_obj],
        "top_sip4xx_inclusive": [{"function": f, "ir": v,
                                  "per_sip_frame": round(v / nsip, 1) if nsip else None}
                                 for f, v in top_incl],
    }

meta = {k[2:].lower(): v for k, v in os.environ.items() if k.startswith("B_")}

# ---- render
out = []
out.append("| capture | mode | stock wall (s) | sip4xx wall (s) | ratio | stock cpu (s) | sip4xx cpu (s) | cpu ratio | target | wall | cpu |")
out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
order = ["summary", "expert", "Y_sip", "Y_sip4xx", "V", "fields", "twopass"]
for cap in ("sip", "nosip"):
    for r in sorted((r for r in rows if r["capture"] == cap), key=lambda r: order.index(r["mode"])):
        out.append("| %s | %s | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f | ≤ %.2f | %s | %s |" % (
            cap, r["what"], r["stock_s"], r["plugin_s"], r["ratio"], r["stock_cpu_s"], r["plugin_cpu_s"],
            r["cpu_ratio"], r["target"], "pass" if r["pass"] else "**FAIL**",
            "pass" if r["cpu_pass"] else "**FAIL**"))
if rss:
    out.append("| 1M | summary (time) | %.2f | %.2f | %.3f | %.2f | %.2f | %.3f | ≤ %.2f | %s | %s |" % (
        rss["time_stock_s"], rss["time_plugin_s"], rss["time_ratio"], rss["cpu_stock_s"],
        rss["cpu_plugin_s"], rss["cpu_ratio"], rss["time_target"],
        "pass" if rss["time_pass"] else "**FAIL**", "pass" if rss["cpu_pass"] else "**FAIL**"))
    out.append("| 1M | summary, peak RSS (MB) | %.1f | %.1f | %.3f | | | | ≤ %.2f | %s | |" % (
        rss["stock_kb"] / 1024, rss["plugin_kb"] / 1024, rss["ratio"], rss["target"],
        "pass" if rss["pass"] else "**FAIL**"))
if E("B_STATE_1M"):
    # The plugin's own account (tshark --log-debug sip4xx) of what the first
    # pass still held at the end of the 1M-frame file: bounded by the
    # transaction timers, not by the file's length.
    out.append("")
    out.append("sip4xx state at the end of the 1M-frame file: " + E("B_STATE_1M"))
table = "\n".join(out)

cgl = []
if cg:
    # The deterministic view: instructions per frame, start-up subtracted,
    # against the same targets as the timings (a shared machine makes wall
    # and CPU times noisy; these counts are not).
    cgl.append("Instructions per frame (callgrind, first %s frames; start-up from a 1-frame run subtracted):\n"
               % E("B_CG_FRAMES"))
    cgl.append("| mode | stock Ir/frame | sip4xx Ir/frame | ratio | target | |")
    cgl.append("|---|---:|---:|---:|---:|---|")
    for mode, c in cg.items():
        t = TARGETS_SIP[mode]
        cgl.append("| %s | {:,.0f} | {:,.0f} | %.3f | ≤ %.2f | %s |".format(
            c["stock_per_frame"], c["plugin_per_frame"]) % (
            MODE_TEXT[mode], c["per_frame_ratio"], t, "pass" if c["per_frame_ratio"] <= t else "**FAIL**"))
    cgl.append("")
for mode, c in cg.items():
    cgl.append("**%s** (`%s`), first %d frames (%d SIP):\n" % (mode, MODE_TEXT[mode], c["frames"], c["sip_frames"]))
    cgl.append("| | Ir | per frame (startup subtracted) | per SIP frame |")
    cgl.append("|---|---:|---:|---:|")
    n, ns = c["frames"] or 1, c["sip_frames"] or 1
    cgl.append("| stock total | {:,} | {:,.0f} | |".format(c["stock_ir"], c["stock_per_frame"]))
    cgl.append("| sip4xx total | {:,} | {:,.0f} | |".format(c["plugin_ir"], c["plugin_per_frame"]))
    cgl.append("| startup (1-frame run) stock / sip4xx | {:,} / {:,} | | |".format(
        c["startup_stock_ir"], c["startup_plugin_ir"]))
    cgl.append("| difference: total {:+.2%}, per frame after startup {:+.2%} | {:,} | {:,.0f} | {:,.0f} |".format(
        c["ratio"] - 1, c["per_frame_ratio"] - 1, c["delta_ir"], c["plugin_per_frame"] - c["stock_per_frame"], c["delta_ir"] / ns))
    cgl.append("| dissect_sip4xx inclusive | {:,} | | {:,.0f} |".format(
        c["dissect_sip4xx_incl_ir"], c["dissect_sip4xx_incl_ir"] / ns))
    cgl.append("| self Ir in sip4xx.so code | {:,} | | {:,.0f} |".format(c["sip4xx_self_ir"], c["sip4xx_self_ir"] / ns))
    cgl.append("| difference outside dissect_sip4xx (tree building forced for other dissectors, …) | {:,} | {:,.0f} | |".format(
        c["outside_plugin_ir"], c["outside_plugin_ir"] / n))
    cgl.append("")
    cgl.append("Difference by object (self Ir, sip4xx minus stock, start-up subtracted):\n")
    cgl.append("| object | extra Ir | per frame |")
    cgl.append("|---|---:|---:|")
    for t in c["extra_by_object"]:
        cgl.append("| %s | {:,} | {:,.0f} |".format(t["extra_ir"], t["per_frame"] or 0) % t["object"])
    cgl.append("")
    cgl.append("Largest per-function increases (self Ir, sip4xx minus stock, start-up subtracted on both sides):\n")
    cgl.append("| function | object | extra Ir | per SIP frame |")
    cgl.append("|---|---|---:|---:|")
    for t in c["top_extra_self"][:12]:
        cgl.append("| %s | %s | {:,} | %s |".format(t["extra_ir"]) % (t["function"], t["object"], t["per_sip_frame"]))
    cgl.append("")
    cgl.append("sip4xx.so functions, inclusive Ir:\n")
    cgl.append("| function | Ir | per SIP frame |")
    cgl.append("|---|---:|---:|")
    for t in c["top_sip4xx_inclusive"][:12]:
        cgl.append("| %s | {:,} | %s |".format(t["ir"]) % (t["function"], t["per_sip_frame"]))
    cgl.append("")
cgtext = "\n".join(cgl)

head = ("sip4xx benchmark — %s\n\nMachine: %s  \nWireshark: %s  \nsip4xx: commit %s, sip4xx.so sha256 %s…  \n"
        "Captures: SIP %s; no SIP %s; RSS/1M %s  \nRuns: %s timed runs per mode and setup, interleaved "
        "stock/plugin after a warm-up pair; medians of wall time; RSS runs: %s%s\n") % (
    meta.get("date"), meta.get("machine"), meta.get("ws"), meta.get("commit"), meta.get("so_sha"),
    meta.get("sip"), meta.get("nosip"), meta.get("big"), meta.get("runs"), meta.get("rss_runs"),
    "  \n(--quick smoke run: one run per mode, numbers are not reliable)" if meta.get("quick") == "1" else "")

print(head)
print(table)
print()
print(cgtext)

# The "## sip4xx-report" section is tests/bench/report_bench.sh's: kept.
kept = ""
try:
    old = open(os.path.join(outdir, "RESULTS.md")).read()
    i = old.find("\n## sip4xx-report\n")
    if i >= 0:
        k = old.find("\n## ", i + 1)
        kept = "\n" + old[i + 1:k + 1 if k >= 0 else len(old)].rstrip("\n") + "\n"
except FileNotFoundError:
    pass
with open(os.path.join(outdir, "RESULTS.md"), "w") as f:
    f.write("# " + head.replace("\n\n", "\n\n", 1) + "\n")
    f.write("## Wall time and memory (ratio = sip4xx median / stock median)\n\n")
    f.write(table + "\n\n## Instructions (valgrind --tool=callgrind)\n\n" + cgtext + "\n" + kept)
with open(os.path.join(outdir, "results.json"), "w") as f:
    json.dump({"meta": meta, "rows": rows, "rss_1m": rss, "callgrind": cg}, f, indent=1)
print("bench: wrote %s and %s" % (os.path.join(outdir, "RESULTS.md"), os.path.join(outdir, "results.json")),
      file=sys.stderr)
