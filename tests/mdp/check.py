"""Judge the generated scenarios: kyso (must match the expected verdict) and pyHanko (second
opinion, printed side by side, never decisive).

Usage: python check.py OUTDIR PKIDIR KYSO_BINARY
Exits 1 when a scenario's kyso verdict differs from the expected one.
"""

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

OUT = Path(sys.argv[1])
PKI = Path(sys.argv[2])
KYSO = sys.argv[3]

scenarios = json.loads((OUT / "scenarios.json").read_text())
files = [str(OUT / f"{s['name']}.pdf") for s in scenarios]


def certs(path):
    data = Path(path).read_bytes()
    return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]


# ---- kyso: one run over every file, one JSON report per line ----
proc = subprocess.run(
    [KYSO, "verify", *files, "--trust", str(PKI / "root-g2.pem"),
     "--intermediate", str(PKI / "ca-g2.pem"), "--no-revocation", "--json"],
    capture_output=True, text=True, timeout=600)
reports = []
for line in proc.stdout.splitlines():
    line = line.strip()
    if line.startswith("{"):
        reports.append(json.loads(line))
by_file = {}
for f, r in zip(files, reports):
    by_file[Path(r.get("file") or f).name] = r
if len(reports) != len(files):
    # A file kyso could not read at all: fall back to one run per file.
    by_file = {}
    for f in files:
        p = subprocess.run(
            [KYSO, "verify", f, "--trust", str(PKI / "root-g2.pem"),
             "--intermediate", str(PKI / "ca-g2.pem"), "--no-revocation", "--json"],
            capture_output=True, text=True, timeout=120)
        lines = [x for x in p.stdout.splitlines() if x.startswith("{")]
        by_file[Path(f).name] = json.loads(lines[0]) if lines else {
            "verdict": "ERROR", "signatures": [], "error": p.stderr.strip()[:200]}


def kyso_summary(r):
    sigs = r.get("signatures", [])
    levels = ",".join(s.get("modification_level", "?") for s in sigs)
    codes = sorted({x["code"] for s in sigs for x in s.get("reasons", [])
                    if x["severity"] == "error"})
    return r.get("verdict", "ERROR"), levels, codes


def content_failure(r):
    """Refused for a finding about the document (not merely trust): modification, integrity,
    coverage, or an unreadable file."""
    if r.get("verdict") == "ERROR":
        return True
    for s in r.get("signatures", []):
        checks = s.get("checks", {})
        if s.get("modified_after_signing") or any(
                checks.get(k) == "failed"
                for k in ("modifications", "integrity", "coverage", "signature")):
            return True
    return False


# ---- pyHanko: every signature, modification level and DocMDP verdict ----
roots = certs(PKI / "root-g2.pem")
others = certs(PKI / "ca-g2.pem")


def pyhanko_opinion(path):
    try:
        r = PdfFileReader(io.BytesIO(Path(path).read_bytes()), strict=False)
        levels, ok = [], True
        for s in r.embedded_signatures:
            vc = ValidationContext(trust_roots=roots, other_certs=others, allow_fetching=False,
                                   revocation_mode="soft-fail")
            if s.sig_object_type == "/DocTimeStamp":
                st = validate_pdf_timestamp(s, validation_context=vc)
            else:
                st = validate_pdf_signature(s, vc, ts_validation_context=vc)
            lvl = st.modification_level.name if st.modification_level else "NONE"
            levels.append(lvl)
            ok &= bool(st.intact and st.valid and st.docmdp_ok is not False)
        return ("VALID" if ok and levels else "NOT_VALID"), ",".join(levels)
    except Exception as e:  # noqa: BLE001
        return "ERROR", type(e).__name__


failed = []
rows = []
agree = 0
for s in scenarios:
    name = s["name"]
    r = by_file.get(f"{name}.pdf", {"verdict": "ERROR", "signatures": []})
    verdict, levels, codes = kyso_summary(r)
    if s["expected"] == "VALID":
        ok = verdict == "VALID"
    else:
        ok = verdict != "VALID" and content_failure(r)
    ph_verdict, ph_levels = pyhanko_opinion(OUT / f"{name}.pdf")
    kyso_side = "VALID" if verdict == "VALID" else "NOT_VALID"
    agree += ph_verdict == kyso_side
    rows.append((name, s["expected"], verdict, levels, ph_verdict, ph_levels,
                 "ok" if ok else "FAIL", ",".join(c for c in codes if c not in (
                     "REVOCATION_SKIPPED",))[:60]))
    if not ok:
        failed.append(f"{name}: expected {s['expected']} ({s['rule']}), kyso {verdict} "
                      f"[{levels}] {codes}")

w = [max(len(str(x[i])) for x in rows) for i in range(6)]
print(f"{'scenario':<{w[0]}}  {'expected':<9}  {'kyso':<13}  {'kyso levels':<{w[3]}}  "
      f"{'pyHanko':<9}  {'pyHanko levels':<{w[5]}}  result  kyso errors")
for row in rows:
    print(f"{row[0]:<{w[0]}}  {row[1]:<9}  {row[2]:<13}  {row[3]:<{w[3]}}  {row[4]:<9}  "
          f"{row[5]:<{w[5]}}  {row[6]:<6}  {row[7]}")
print(f"mdp: {len(rows) - len(failed)} passed, {len(failed)} failed; pyHanko agrees with kyso "
      f"on {agree} of {len(rows)}")
for f in failed:
    print(f"  FAIL {f}")
sys.exit(1 if failed else 0)
