#!/usr/bin/env python3
"""Timing and statistics for tests/bench/compare.sh (standard library only).

    timing.py run SPEC.tsv --runs N --warmup W --json OUT.json [--seed S]
    timing.py make-pdf OUT.pdf --pages N [--image-kb K]
    timing.py extract-cms SIGNED.pdf SIG.der CONTENT.bin

`run` reads a tab-separated spec written by compare.sh:

    cmd   ID  TOOL  ARG0  ARG1 ...            a command to time (run as a process, output discarded)
    noop  TOOL  ID                           the command that measures TOOL's process start-up
    pair  OPERATION  INPUT  KYSO_ID  OTHER_ID  OTHER_NAME  NOTE
                                             one row of the table: OTHER_ID's median / KYSO_ID's median

Every command runs W times untimed, then N times timed, in rounds: each round runs every command once, in
a shuffled order (seeded), so slow drifts of a shared machine hit every tool alike. A command that exits
non-zero stops everything (exit 1) with its stderr: a benchmark of a failing command is meaningless.
Prints the table and writes it as JSON. Ratios only; no absolute time is judged here.
"""

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import zlib


# ---------------------------------------------------------------------------------------------- run

def read_spec(path):
    cmds, noops, pairs = {}, {}, []
    order = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            fields = line.split("\t")
            kind = fields[0]
            if kind == "cmd" and len(fields) >= 4:
                cid, tool, argv = fields[1], fields[2], fields[3:]
                if cid in cmds:
                    sys.exit(f"timing.py: {path}:{lineno}: duplicate command id {cid}")
                cmds[cid] = {"id": cid, "tool": tool, "argv": argv}
                order.append(cid)
            elif kind == "noop" and len(fields) == 3:
                noops[fields[1]] = fields[2]
            elif kind == "pair" and len(fields) == 7:
                pairs.append(dict(zip(
                    ["operation", "input", "kyso_id", "other_id", "other", "note"], fields[1:])))
            else:
                sys.exit(f"timing.py: {path}:{lineno}: bad spec line: {line!r}")
    for p in pairs:
        for key in ("kyso_id", "other_id"):
            if p[key] not in cmds:
                sys.exit(f"timing.py: pair refers to unknown command {p[key]}")
    for tool, cid in noops.items():
        if cid not in cmds:
            sys.exit(f"timing.py: no-op of {tool} refers to unknown command {cid}")
    return [cmds[c] for c in order], noops, pairs


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd):
    """(wall-clock seconds, CPU seconds user+system) of one run of the command."""
    cpu0 = children_cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd["argv"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    cpu = children_cpu() - cpu0
    if proc.returncode != 0:
        sys.stderr.write(f"\ntiming.py: FAILED (exit {proc.returncode}): {cmd['id']}\n  "
                         + " ".join(cmd["argv"]) + "\n")
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-4000:])
        sys.stderr.write("\nA benchmark of a failing command is meaningless: stopping.\n")
        sys.exit(1)
    return elapsed, cpu


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


# Below this, what is left of kyso's time after subtracting its start-up is noise: no adjusted ratio.
MIN_ADJUSTED_S = 0.0005


def cmd_run(args):
    cmds, noops, pairs = read_spec(args.spec)
    rng = random.Random(args.seed)
    samples = {c["id"]: [] for c in cmds}
    cpu_samples = {c["id"]: [] for c in cmds}
    total_rounds = args.warmup + args.runs
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    for rnd in range(total_rounds):
        order = list(cmds)
        rng.shuffle(order)
        for c in order:
            t, cpu = run_once(c)
            if rnd >= args.warmup:
                samples[c["id"]].append(t)
                cpu_samples[c["id"]].append(cpu)
        label = "warm-up" if rnd < args.warmup else "timed"
        elapsed = time.perf_counter() - t0
        print(f"  round {rnd + 1}/{total_rounds} ({label}) done, {elapsed:.0f} s so far",
              file=sys.stderr, flush=True)

    stats = {cid: summarize(s) for cid, s in samples.items()}
    cpu_med = {cid: statistics.median(s) for cid, s in cpu_samples.items()}
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
        rows.append({
            "operation": p["operation"], "input": p["input"], "other": p["other"], "note": p["note"],
            "kyso_command": p["kyso_id"], "other_command": p["other_id"],
            "kyso_median_s": k, "other_median_s": o,
            "ratio_other_over_kyso": o / k if k > 0 else None,
            "ratio_of_minimums": (stats[p["other_id"]]["min_s"] / stats[p["kyso_id"]]["min_s"]
                                  if stats[p["kyso_id"]]["min_s"] > 0 else None),
            "kyso_startup_s": ks, "other_startup_s": os_,
            "startup_adjusted_ratio": adjusted, "startup_adjusted_missing_because": why_not,
            "kyso_cpu_median_s": kc, "other_cpu_median_s": oc,
            "cpu_ratio_other_over_kyso": oc / kc if kc > 0 else None,
        })

    # ---- table ----
    headers = ["operation", "input", "vs", "kyso", "other", "other/kyso", "start-up adj.", "CPU other/kyso"]
    table = [[r["operation"], r["input"], r["other"], fmt_time(r["kyso_median_s"]),
              fmt_time(r["other_median_s"]), fmt_ratio(r["ratio_other_over_kyso"]),
              fmt_ratio(r["startup_adjusted_ratio"]), fmt_ratio(r["cpu_ratio_other_over_kyso"])]
             for r in rows]
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    print()
    print(f"Medians of {args.runs} runs after {args.warmup} warm-up runs, wall clock, each command a "
          f"separate process (start-up included).")
    print("other/kyso: how many times as long the other tool takes (> 1: kyso is faster). start-up adj.: "
          "the same after subtracting each tool's no-op time. CPU: the same ratio of user+system CPU time.")
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for t in table:
        print(line(t))
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
        "what": "wall-clock medians of whole processes (start-up included); ratios other/kyso",
        "runs": args.runs, "warmup": args.warmup, "seed": args.seed,
        "host": {"machine": platform.machine(), "cpus": os.cpu_count(), "system": platform.system(),
                 "python": platform.python_version(),
                 "loadavg_before": load_before, "loadavg_after": load_after},
        "startup_s": startup,
        "rows": rows,
        "commands": {c["id"]: {"tool": c["tool"], "argv": c["argv"], **stats[c["id"]],
                               "cpu_median_s": cpu_med[c["id"]], "cpu_samples_s": cpu_samples[c["id"]]}
                     for c in cmds},
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"JSON: {args.json}")


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
    elif args.command == "make-pdf":
        cmd_make_pdf(args)
    else:
        cmd_extract_cms(args)


if __name__ == "__main__":
    main()
