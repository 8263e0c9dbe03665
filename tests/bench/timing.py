#!/usr/bin/env python3
"""Timing and statistics for tests/bench/compare.sh (standard library only).

    timing.py run SPEC.tsv --runs N --warmup W --json OUT.json [--seed S] [--peak-target-mib M]
                           [--meta KEY=VALUE ...]
    timing.py readme RESULTS.json [--update README.md]
    timing.py make-pdf OUT.pdf --pages N [--image-kb K]
    timing.py extract-cms SIGNED.pdf SIG.der CONTENT.bin

`run` reads a tab-separated spec written by compare.sh:

    cmd    ID  TOOL  ARG0  ARG1 ...          a command to time (run as a process, output discarded)
    noop   TOOL  ID                          the command that measures TOOL's process start-up
    pair   OPERATION  INPUT  KYSO_ID  OTHER_ID  OTHER_NAME  NOTE  [TARGET]
                                             a row against another tool: OTHER_ID's median / KYSO_ID's
                                             median; TARGET (optional): the largest acceptable ratio,
                                             judged on the start-up-adjusted ratio when there is one
    floor  OPERATION  INPUT  KYSO_ID  FLOOR_ID  FLOOR_NAME  TARGET  NOTE
                                             a row against a floor (or a kyso baseline): KYSO_ID's median /
                                             FLOOR_ID's median, i.e. how many times the floor kyso takes;
                                             TARGET: the largest acceptable ratio, or - for none
    rate   ID  COUNT  UNIT  LABEL            throughput: COUNT / ID's median, in UNIT per second

Every command runs W times untimed, then N times timed, in rounds: each round runs every command once, in
a shuffled order (seeded), so slow drifts of a shared machine hit every tool alike. A command that exits
non-zero stops everything (exit 1) with its stderr: a benchmark of a failing command is meaningless.

Per run: wall-clock time, CPU time (user + system) and peak resident set size (ru_maxrss, KiB), the last two
from os.wait4 on the command's own process. On Linux each command is started through `setsid -f` with this
process as its child subreaper (prctl PR_SET_CHILD_SUBREAPER): the command is forked from the small setsid
process, not from Python, so its ru_maxrss is its own (a process forked or vforked from Python inherits
Python's peak RSS, about 15 MiB, into ru_maxrss at exec), and os.wait4 reaps it when setsid has exited.
Elsewhere the command is started directly and its peak is an upper bound (at least Python's own peak).

Prints the tables and writes them as JSON. Ratios only; no absolute time is judged here. `readme` turns the
JSON into the Markdown table between `<!-- bench:begin -->` and `<!-- bench:end -->`.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib


# ---------------------------------------------------------------------------------------------- run

def parse_target(text, where):
    if text in ("", "-"):
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        sys.exit(f"timing.py: {where}: a target is a positive number or -, not {text!r}")
    return value


def read_spec(path):
    cmds, noops, pairs, floors, rates = {}, {}, [], [], []
    order = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            fields = line.split("\t")
            kind = fields[0]
            where = f"{path}:{lineno}"
            if kind == "cmd" and len(fields) >= 4:
                cid, tool, argv = fields[1], fields[2], fields[3:]
                if cid in cmds:
                    sys.exit(f"timing.py: {where}: duplicate command id {cid}")
                cmds[cid] = {"id": cid, "tool": tool, "argv": argv}
                order.append(cid)
            elif kind == "noop" and len(fields) == 3:
                noops[fields[1]] = fields[2]
            elif kind == "pair" and len(fields) in (7, 8):
                p = dict(zip(["operation", "input", "kyso_id", "other_id", "other", "note"], fields[1:7]))
                p["target"] = parse_target(fields[7], where) if len(fields) == 8 else None
                pairs.append(p)
            elif kind == "floor" and len(fields) == 8:
                fl = dict(zip(["operation", "input", "kyso_id", "floor_id", "floor", "target", "note"],
                              fields[1:]))
                fl["target"] = parse_target(fl["target"], where)
                floors.append(fl)
            elif kind == "rate" and len(fields) == 5 and fields[2].isdigit() and int(fields[2]) > 0:
                rates.append({"id": fields[1], "count": int(fields[2]), "unit": fields[3], "label": fields[4]})
            else:
                sys.exit(f"timing.py: {where}: bad spec line: {line!r}")
    refs = ([(p[k], "pair") for p in pairs for k in ("kyso_id", "other_id")]
            + [(fl[k], "floor") for fl in floors for k in ("kyso_id", "floor_id")]
            + [(r["id"], "rate") for r in rates]
            + [(cid, f"no-op of {tool}") for tool, cid in noops.items()])
    for cid, what in refs:
        if cid not in cmds:
            sys.exit(f"timing.py: {what} refers to unknown command {cid}")
    return [cmds[c] for c in order], noops, pairs, floors, rates


PR_SET_CHILD_SUBREAPER = 36


def setup_launcher():
    """['setsid', '-f', '--'] when this process could become a child subreaper (Linux), else None."""
    setsid = shutil.which("setsid")
    if not sys.platform.startswith("linux") or not setsid:
        return None
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return [setsid, "-f", "--"]


def run_once(cmd, launcher, errfile):
    """(wall-clock seconds, CPU seconds user+system, peak RSS KiB) of one run of the command.

    With a launcher (see setup_launcher) Popen starts `setsid -f -- ARGV...`, which forks the command and
    exits at once; the command, orphaned, is re-parented to this process (the child subreaper) and reaped
    here with os.wait4, whose rusage is the command's own (and its reaped descendants': the peak is the
    largest single process, not a sum). The wall time therefore includes setsid's start (well under a
    millisecond, the same for every command). No other child of this process is alive at that point, so
    os.wait4(-1) can only reap the command."""
    errfile.seek(0)
    errfile.truncate()
    start = time.perf_counter()
    if launcher:
        proc = subprocess.Popen(launcher + cmd["argv"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=errfile)
        _, status, _ = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode == 0:
            _, status, usage = os.wait4(-1, 0)
    else:
        proc = subprocess.Popen(cmd["argv"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=errfile)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        errfile.seek(0)
        sys.stderr.write(f"\ntiming.py: FAILED (exit {code}): {cmd['id']}\n  " + " ".join(cmd["argv"]) + "\n")
        sys.stderr.write(errfile.read().decode("utf-8", "replace")[-4000:])
        sys.stderr.write("\nA benchmark of a failing command is meaningless: stopping.\n")
        sys.exit(1)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def summarize(samples):
    s = sorted(samples)
    med = statistics.median(s)
    if len(s) >= 4:
        q1, _, q3 = statistics.quantiles(s, n=4)
    else:
        q1, q3 = s[0], s[-1]
    return {"median_s": med, "min_s": s[0], "max_s": s[-1], "q1_s": q1, "q3_s": q3,
            "iqr_rel": (q3 - q1) / med if med > 0 else None, "samples_s": samples}


def fmt_time(seconds):
    if seconds is None:
        return "-"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def fmt_ratio(r):
    if r is None:
        return "n/a"
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x"


def fmt_mib(kib):
    if kib is None:
        return "-"
    mib = kib / 1024
    return f"{mib:.1f}" if mib < 100 else f"{mib:.0f}"


def fmt_met(met):
    return "-" if met is None else ("met" if met else "MISSED")


def print_table(headers, table, left):
    """Columns before index `left` are left-aligned, the others right-aligned."""
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) if i < left else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for t in table:
        print(line(t))


# Below this, what is left of kyso's time after subtracting its start-up is noise: no adjusted ratio.
MIN_ADJUSTED_S = 0.0005


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_run(args):
    cmds, noops, pairs, floors, rate_specs = read_spec(args.spec)
    meta = {}
    for item in args.meta:
        key, sep, value = item.partition("=")
        if not sep or not key:
            sys.exit(f"timing.py: --meta takes KEY=VALUE, not {item!r}")
        meta[key] = value
    launcher = setup_launcher()
    if launcher is None:
        print("timing.py: warning: no child subreaper (not Linux, or no setsid): commands are started from "
              "Python directly and their peak RSS includes Python's own (an upper bound)", file=sys.stderr)
    rng = random.Random(args.seed)
    samples = {c["id"]: [] for c in cmds}
    cpu_samples = {c["id"]: [] for c in cmds}
    rss_samples = {c["id"]: [] for c in cmds}
    total_rounds = args.warmup + args.runs
    load_before = os.getloadavg()
    started = utc_now()
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as errfile:
        for rnd in range(total_rounds):
            order = list(cmds)
            rng.shuffle(order)
            for c in order:
                t, cpu, rss = run_once(c, launcher, errfile)
                if rnd >= args.warmup:
                    samples[c["id"]].append(t)
                    cpu_samples[c["id"]].append(cpu)
                    rss_samples[c["id"]].append(rss)
            label = "warm-up" if rnd < args.warmup else "timed"
            elapsed = time.perf_counter() - t0
            print(f"  round {rnd + 1}/{total_rounds} ({label}) done, {elapsed:.0f} s so far",
                  file=sys.stderr, flush=True)

    stats = {cid: summarize(s) for cid, s in samples.items()}
    cpu_med = {cid: statistics.median(s) for cid, s in cpu_samples.items()}
    rss_med = {cid: statistics.median(s) for cid, s in rss_samples.items()}
    tools = {c["id"]: c["tool"] for c in cmds}
    startup = {tool: stats[cid]["median_s"] for tool, cid in noops.items()}

    rows = []
    for p in pairs:
        k = stats[p["kyso_id"]]["median_s"]
        o = stats[p["other_id"]]["median_s"]
        ks = startup.get(tools[p["kyso_id"]])
        os_ = startup.get(tools[p["other_id"]])
        adjusted, why_not = None, None
        if ks is None or os_ is None:
            why_not = "no start-up measured"
        elif (k - ks) <= MIN_ADJUSTED_S:
            why_not = "kyso's time is within 0.5 ms of its start-up"
        elif (o - os_) <= 0:
            why_not = f"{p['other']}'s time is not above its no-op's"
        else:
            adjusted = (o - os_) / (k - ks)
        kc, oc = cpu_med[p["kyso_id"]], cpu_med[p["other_id"]]
        ratio = o / k if k > 0 else None
        judged = adjusted if adjusted is not None else ratio
        rows.append({
            "operation": p["operation"], "input": p["input"], "other": p["other"], "note": p["note"],
            "kyso_command": p["kyso_id"], "other_command": p["other_id"],
            "kyso_median_s": k, "other_median_s": o,
            "ratio_other_over_kyso": ratio,
            "ratio_of_minimums": (stats[p["other_id"]]["min_s"] / stats[p["kyso_id"]]["min_s"]
                                  if stats[p["kyso_id"]]["min_s"] > 0 else None),
            "kyso_startup_s": ks, "other_startup_s": os_,
            "startup_adjusted_ratio": adjusted, "startup_adjusted_missing_because": why_not,
            "kyso_cpu_median_s": kc, "other_cpu_median_s": oc,
            "cpu_ratio_other_over_kyso": oc / kc if kc > 0 else None,
            "kyso_peak_rss_median_kib": rss_med[p["kyso_id"]],
            "other_peak_rss_median_kib": rss_med[p["other_id"]],
            "target_max_ratio": p["target"],
            "target_judged_on": (None if p["target"] is None
                                 else "startup_adjusted_ratio" if adjusted is not None
                                 else "ratio_other_over_kyso"),
            "target_met": (None if p["target"] is None or judged is None else judged <= p["target"]),
        })

    peak_target_kib = args.peak_target_mib * 1024 if args.peak_target_mib else None
    floor_rows = []
    for fl in floors:
        k = stats[fl["kyso_id"]]["median_s"]
        b = stats[fl["floor_id"]]["median_s"]
        kc, bc = cpu_med[fl["kyso_id"]], cpu_med[fl["floor_id"]]
        ratio = k / b if b > 0 else None
        kr = rss_med[fl["kyso_id"]]
        floor_rows.append({
            "operation": fl["operation"], "input": fl["input"], "floor": fl["floor"], "note": fl["note"],
            "kyso_command": fl["kyso_id"], "floor_command": fl["floor_id"],
            "kyso_median_s": k, "floor_median_s": b,
            "ratio_kyso_over_floor": ratio,
            "cpu_ratio_kyso_over_floor": kc / bc if bc > 0 else None,
            "kyso_cpu_median_s": kc, "floor_cpu_median_s": bc,
            "kyso_peak_rss_median_kib": kr, "floor_peak_rss_median_kib": rss_med[fl["floor_id"]],
            "target_max_ratio": fl["target"],
            "target_met": None if fl["target"] is None or ratio is None else ratio <= fl["target"],
            "peak_target_mib": args.peak_target_mib,
            "peak_target_met": None if peak_target_kib is None else kr <= peak_target_kib,
        })

    rates = []
    for r in rate_specs:
        med = stats[r["id"]]["median_s"]
        rates.append({"command": r["id"], "label": r["label"], "count": r["count"], "unit": r["unit"], "median_s": med,
                      "per_second": r["count"] / med if med > 0 else None,
                      "cpu_median_s": cpu_med[r["id"]], "peak_rss_median_kib": rss_med[r["id"]]})

    # ---- tables ----
    print()
    print(f"Medians of {args.runs} run(s) after {args.warmup} warm-up run(s), wall clock, each command a "
          f"separate process (start-up included). Peak: the median of each run's peak resident set size "
          f"(ru_maxrss), MiB" + ("" if launcher else " (upper bounds: started from Python directly)") + ".")
    if rows:
        print()
        print("kyso against other tools. other/kyso: how many times as long the other tool takes (> 1: kyso "
              "is faster). start-up adj.: the same after subtracting each tool's no-op time. CPU: the same "
              "ratio of user+system CPU time.")
        headers = ["operation", "input", "vs", "kyso", "other", "other/kyso", "start-up adj.",
                   "CPU other/kyso", "kyso MiB", "other MiB", "target"]
        table = [[r["operation"], r["input"], r["other"], fmt_time(r["kyso_median_s"]),
                  fmt_time(r["other_median_s"]), fmt_ratio(r["ratio_other_over_kyso"]),
                  fmt_ratio(r["startup_adjusted_ratio"]), fmt_ratio(r["cpu_ratio_other_over_kyso"]),
                  fmt_mib(r["kyso_peak_rss_median_kib"]), fmt_mib(r["other_peak_rss_median_kib"]),
                  "" if r["target_max_ratio"] is None
                  else f"<= {r['target_max_ratio']:g}x {fmt_met(r['target_met'])}"]
                 for r in rows]
        print_table(headers, table, 3)
    if floor_rows:
        print()
        print("kyso against floors and baselines (issue 15's targets). kyso/floor: how many times as long as "
              "the floor kyso takes (< 1: faster than the floor). CPU: the same ratio of CPU time."
              + (f" Peak target: kyso <= {args.peak_target_mib:g} MiB." if args.peak_target_mib else ""))
        headers = ["operation", "input", "floor", "kyso", "floor time", "kyso/floor", "CPU kyso/floor",
                   "kyso MiB", "floor MiB", "target", "peak target"]
        table = [[f["operation"], f["input"], f["floor"], fmt_time(f["kyso_median_s"]),
                  fmt_time(f["floor_median_s"]), fmt_ratio(f["ratio_kyso_over_floor"]),
                  fmt_ratio(f["cpu_ratio_kyso_over_floor"]), fmt_mib(f["kyso_peak_rss_median_kib"]),
                  fmt_mib(f["floor_peak_rss_median_kib"]),
                  "-" if f["target_max_ratio"] is None
                  else f"<= {f['target_max_ratio']:g}x {fmt_met(f['target_met'])}",
                  fmt_met(f["peak_target_met"])]
                 for f in floor_rows]
        print_table(headers, table, 3)
    if rates:
        print()
        print("Throughput: COUNT / median wall-clock time.")
        headers = ["what", "count", "median", "per second", "CPU", "peak MiB"]
        table = [[r["label"], f"{r['count']} {r['unit']}", fmt_time(r["median_s"]),
                  "-" if r["per_second"] is None else f"{r['per_second']:.0f} {r['unit']}/s",
                  fmt_time(r["cpu_median_s"]), fmt_mib(r["peak_rss_median_kib"])] for r in rates]
        print_table(headers, table, 1)
    print()
    print("Process start-up (median of the no-op command): " + ", ".join(
        f"{tool} {fmt_time(t)} ({' '.join(next(c for c in cmds if c['id'] == noops[tool])['argv'][1:])})"
        for tool, t in startup.items()))
    print()
    for r in rows:
        ratio = r["ratio_other_over_kyso"]
        if ratio is None:
            continue
        adj = r["startup_adjusted_ratio"]
        adj_text = (f"{adj:.2f}x without start-up" if adj is not None
                    else f"no start-up-adjusted ratio: {r['startup_adjusted_missing_because']}")
        print(f"  {r['operation']} / {r['input']}: {r['other']} takes {ratio:.2f}x as long as kyso "
              f"({adj_text}); {r['note']}")
    for f in floor_rows:
        if f["ratio_kyso_over_floor"] is None:
            continue
        print(f"  {f['operation']} / {f['input']}: kyso takes {f['ratio_kyso_over_floor']:.2f}x as long as "
              f"{f['floor']}; {f['note']}")
    kyso_cmds = [c["id"] for c in cmds if c["tool"] == "kyso"]
    if kyso_cmds:
        top = max(kyso_cmds, key=lambda cid: rss_med[cid])
        print()
        print(f"kyso's largest peak: {fmt_mib(rss_med[top])} MiB ({top})"
              + (f"; target <= {args.peak_target_mib:g} MiB: {fmt_met(rss_med[top] <= peak_target_kib)}"
                 if peak_target_kib else ""))
    missed = ([f"{r['operation']} / {r['input']} vs {r['other']}" for r in rows if r["target_met"] is False]
              + [f"{f['operation']} / {f['input']} vs {f['floor']}" for f in floor_rows
                 if f["target_met"] is False]
              + [f"peak of {f['kyso_command']}" for f in floor_rows if f["peak_target_met"] is False])
    if missed:
        print("Targets missed: " + "; ".join(missed))
    noisy = [cid for cid, s in stats.items() if s["iqr_rel"] is not None and s["iqr_rel"] > 0.25]
    if noisy:
        print()
        print("Noisy (interquartile range > 25% of the median; rerun with more runs for firmer ratios): "
              + ", ".join(noisy))
    load_after = os.getloadavg()
    print(f"\nTotal measuring time: {time.perf_counter() - t0:.0f} s; load average (1 min) "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} CPUs")

    result = {
        "schema": "kyso.bench/1",
        "what": "wall-clock medians of whole processes (start-up included); ratios other/kyso and kyso/floor; "
                "peak RSS (ru_maxrss) per run",
        "runs": args.runs, "warmup": args.warmup, "seed": args.seed,
        "started_utc": started, "finished_utc": utc_now(),
        "launcher": " ".join(launcher) if launcher else None,
        "peak_rss_includes_launcher": launcher is None,
        "peak_target_mib": args.peak_target_mib,
        "meta": meta,
        "host": {"machine": platform.machine(), "cpus": os.cpu_count(), "system": platform.system(),
                 "python": platform.python_version(),
                 "loadavg_before": load_before, "loadavg_after": load_after},
        "startup_s": startup,
        "rows": rows,
        "floors": floor_rows,
        "rates": rates,
        "commands": {c["id"]: {"tool": c["tool"], "argv": c["argv"], **stats[c["id"]],
                               "cpu_median_s": cpu_med[c["id"]], "cpu_samples_s": cpu_samples[c["id"]],
                               "peak_rss_median_kib": rss_med[c["id"]], "peak_rss_kib": rss_samples[c["id"]]}
                     for c in cmds},
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"JSON: {args.json}")


# ------------------------------------------------------------------------------------------- readme

README_BEGIN, README_END = "<!-- bench:begin -->", "<!-- bench:end -->"


def md(text):
    return str(text).replace("|", "\\|")


def md_ratio(r):
    if r is None:
        return "n/a"
    return f"{r:.2f}" if r < 10 else f"{r:.1f}"


def readme_markdown(res):
    """The Markdown put between the markers: one table (floors and baselines first, then the other
    tools), the throughput, the host line and the date."""
    out = ["<!-- generated by `python3 tests/bench/timing.py readme tests/bench/out/results.json --update "
           "README.md`; edits here are overwritten -->",
           "",
           "| operation | input | kyso | kyso peak | compared with | its time | its peak | ratio |",
           "|---|---|---:|---:|---|---:|---:|---|"]
    for f in res.get("floors", []):
        cell = f"**{md_ratio(f['ratio_kyso_over_floor'])}** = kyso ÷ {md(f['floor'])}"
        if f.get("target_max_ratio") is not None:
            cell += f"; target ≤ {f['target_max_ratio']:g}: {fmt_met(f['target_met'])}"
        if f.get("peak_target_mib"):
            cell += f"; peak ≤ {f['peak_target_mib']:g} MiB: {fmt_met(f['peak_target_met'])}"
        out.append(f"| {md(f['operation'])} | {md(f['input'])} | {fmt_time(f['kyso_median_s'])} | "
                   f"{fmt_mib(f['kyso_peak_rss_median_kib'])} MiB | {md(f['floor'])} | "
                   f"{fmt_time(f['floor_median_s'])} | {fmt_mib(f['floor_peak_rss_median_kib'])} MiB | {cell} |")
    for r in res.get("rows", []):
        cell = f"**{md_ratio(r['ratio_other_over_kyso'])}** = {md(r['other'])} ÷ kyso"
        if r.get("startup_adjusted_ratio") is not None:
            cell += f" ({md_ratio(r['startup_adjusted_ratio'])} without start-up)"
        if r.get("target_max_ratio") is not None:
            on = " without start-up" if r.get("target_judged_on") == "startup_adjusted_ratio" else ""
            cell += f"; target ≤ {r['target_max_ratio']:g}{on}: {fmt_met(r['target_met'])}"
        out.append(f"| {md(r['operation'])} | {md(r['input'])} | {fmt_time(r['kyso_median_s'])} | "
                   f"{fmt_mib(r['kyso_peak_rss_median_kib'])} MiB | {md(r['other'])} | "
                   f"{fmt_time(r['other_median_s'])} | {fmt_mib(r['other_peak_rss_median_kib'])} MiB | {cell} |")
    rates = res.get("rates", [])
    if rates:
        out.append("")
        out.append("Throughput: " + "; ".join(
            f"{md(r['label'])}: {r['per_second']:.0f} {md(r['unit'])}/s ({r['count']} in "
            f"{fmt_time(r['median_s'])}, peak {fmt_mib(r['peak_rss_median_kib'])} MiB)"
            for r in rates if r.get("per_second")) + ".")
    host = res.get("host", {})
    meta = res.get("meta", {})
    lb, la = host.get("loadavg_before") or [None], host.get("loadavg_after") or [None]
    load = (f"load average (1 min) {lb[0]:.2f} before and {la[0]:.2f} after"
            if lb[0] is not None and la[0] is not None else "load average not recorded")
    what = ", ".join(f"{k} {v}" for k, v in meta.items())
    out.append("")
    out.append(f"Host: {host.get('cpus', '?')} CPUs ({host.get('machine', '?')}, {host.get('system', '?')}), "
               f"{load}; medians of {res.get('runs')} run{'' if res.get('runs') == 1 else 's'} after "
               f"{res.get('warmup')} warm-up{'' if res.get('warmup') == 1 else 's'}, each command a separate "
               f"process"
               + ("; peaks are upper bounds (no subreaper)" if res.get("peak_rss_includes_launcher") else "")
               + (f"; {md(what)}" if what else "") + ".")
    date = res.get("finished_utc") or res.get("started_utc")
    out.append(f"Date: {date or 'not recorded'} (UTC).")
    return "\n".join(out) + "\n"


def cmd_readme(args):
    with open(args.results, encoding="utf-8") as f:
        res = json.load(f)
    if res.get("schema") != "kyso.bench/1":
        sys.exit(f"timing.py readme: {args.results} is not kyso.bench/1")
    text = readme_markdown(res)
    if not args.update:
        sys.stdout.write(text)
        return
    with open(args.update, encoding="utf-8") as f:
        doc = f.read()
    if doc.count(README_BEGIN) != 1 or doc.count(README_END) != 1 or doc.index(README_BEGIN) > doc.index(README_END):
        sys.exit(f"timing.py readme: {args.update} needs exactly one {README_BEGIN} followed by one {README_END}")
    head, rest = doc.split(README_BEGIN)
    _, tail = rest.split(README_END)
    new = head + README_BEGIN + "\n" + text + README_END + tail
    if new == doc:
        print(f"readme: {args.update} already up to date")
        return
    tmp = args.update + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    shutil.copymode(args.update, tmp)
    os.replace(tmp, args.update)
    print(f"readme: updated the table in {args.update} ({len(res.get('floors', []))} floor rows, "
          f"{len(res.get('rows', []))} tool rows)")


# ----------------------------------------------------------------------------------------- make-pdf

def cmd_make_pdf(args):
    """A multi-page PDF with text and an incompressible image per page; classic xref, deterministic."""
    rng = random.Random(20250107)
    objects = {}  # number -> bytes (body without "N 0 obj")
    n_pages = args.pages
    catalog, pages_id, font_id = 1, 2, 3
    next_id = 4
    page_ids = []
    objects[font_id] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    side = max(1, int((args.image_kb * 1024 / 3) ** 0.5))
    for i in range(n_pages):
        page_id, content_id, image_id = next_id, next_id + 1, next_id + 2
        next_id += 3
        page_ids.append(page_id)
        pixels = rng.randbytes(side * side * 3)
        image = zlib.compress(pixels, 1)
        objects[image_id] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
                             b" /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
                             % (side, side, len(image))) + image + b"\nendstream"
        lines = [b"BT /F1 14 Tf 72 770 Td (Cong van so %d/SKHCN - trang %d/%d) Tj ET" % (123, i + 1, n_pages)]
        for j in range(40):
            lines.append(b"BT /F1 9 Tf 72 %d Td (Dong %d: noi dung van ban hanh chinh mau de do hieu nang.) Tj ET"
                         % (740 - 12 * j, j + 1))
        lines.append(b"q 200 0 0 200 330 60 cm /Im0 Do Q")
        content = zlib.compress(b"\n".join(lines))
        objects[content_id] = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
                               + content + b"\nendstream")
        objects[page_id] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
                            b" /Resources << /Font << /F1 %d 0 R >> /XObject << /Im0 %d 0 R >> >> >>"
                            % (pages_id, content_id, font_id, image_id))
    objects[pages_id] = (b"<< /Type /Pages /Count %d /Kids [" % n_pages
                         + b" ".join(b"%d 0 R" % p for p in page_ids) + b"] >>")
    objects[catalog] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in range(1, next_id):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % next_id
    for num in range(1, next_id):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (next_id, catalog, xref)
    with open(args.out, "wb") as f:
        f.write(out)
    print(f"make-pdf: wrote {args.out}: {n_pages} pages, {len(out)} bytes")


# -------------------------------------------------------------------------------------- extract-cms

def der_length(data):
    """Length of the DER TLV at the start of data."""
    if len(data) < 2:
        raise ValueError("truncated DER")
    first = data[1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or n > 4 or len(data) < 2 + n:
        raise ValueError("unsupported DER length")
    return 2 + n + int.from_bytes(data[2:2 + n], "big")


def cmd_extract_cms(args):
    """The last signature's CMS (DER, padding removed) and the bytes its /ByteRange covers."""
    data = open(args.pdf, "rb").read()
    ranges = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))
    if not ranges:
        sys.exit(f"extract-cms: no /ByteRange in {args.pdf}")
    a, b, c, d = (int(x) for x in ranges[-1].groups())
    hole = data[a + b:c].strip()
    if not (hole.startswith(b"<") and hole.endswith(b">")):
        sys.exit("extract-cms: the /ByteRange gap is not a hex string")
    blob = bytes.fromhex(hole[1:-1].decode("ascii"))
    cms = blob[:der_length(blob)]
    with open(args.sig, "wb") as f:
        f.write(cms)
    with open(args.content, "wb") as f:
        f.write(data[a:a + b] + data[c:c + d])
    print(f"extract-cms: {len(cms)} bytes of CMS, {b + d} signed bytes")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("spec")
    r.add_argument("--runs", type=int, default=15)
    r.add_argument("--warmup", type=int, default=2)
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--json", required=True)
    r.add_argument("--peak-target-mib", type=float, default=None,
                   help="judge kyso's peak RSS in the floor rows against this many MiB")
    r.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                   help="recorded in the JSON and shown in the README's host line (repeatable)")
    d = sub.add_parser("readme")
    d.add_argument("results")
    d.add_argument("--update", metavar="README.md",
                   help="replace what is between the bench markers in this file (default: print the Markdown)")
    m = sub.add_parser("make-pdf")
    m.add_argument("out")
    m.add_argument("--pages", type=int, default=200)
    m.add_argument("--image-kb", type=int, default=16)
    e = sub.add_parser("extract-cms")
    e.add_argument("pdf")
    e.add_argument("sig")
    e.add_argument("content")
    args = ap.parse_args()
    if args.command == "run":
        if args.runs < 1 or args.warmup < 0:
            sys.exit("timing.py: --runs must be >= 1 and --warmup >= 0")
        cmd_run(args)
    elif args.command == "readme":
        cmd_readme(args)
    elif args.command == "make-pdf":
        cmd_make_pdf(args)
    else:
        cmd_extract_cms(args)


if __name__ == "__main__":
    main()
