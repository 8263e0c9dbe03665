#!/usr/bin/env python3
"""The clerk's desk, end to end: an inbox of 50 mixed documents verified in one command.

    acceptance.py KYSO WORK OUT PYHANKO

WORK is tests/work (the test PKI and PDF fixtures), OUT a scratch directory. The inbox holds
PDFs signed by kyso and by pyHanko (valid), the same altered after signing (invalid), unsigned
PDFs, PDFs signed with an expired or a revoked certificate, and edXML packages signed by xmlsec1
holding such PDFs (valid ones, altered headers, an unsigned or altered document inside). Then:

1. `kyso verify INBOX --json --html REPORT.html` with the test root and the CAs' CRLs: each
   document's verdict must be the one it was made to have;
2. the same under a pseudo-terminal: a progress bar on the terminal, the summary table at the end;
3. the HTML report in headless Chromium (tests/inbox/report-browser.mjs): 50 rows, no request;
4. `kyso refuse` for every document that is not VALID: a one-page notice that pdftotext reads
   back with the document's name, the verdict and every reason code the notice lists.

Prints one line per check and "N passed, M failed"; exit status 1 on any failure.
"""
import json
import os
import pty
import random
import re
import shutil
import subprocess
import sys

KYSO, WORK, OUT, PYHANKO = sys.argv[1:5]
PKI = os.path.join(WORK, "pki")
PDF = os.path.join(WORK, "pdf")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAKE_PACKAGE = os.path.join(ROOT, "tests", "edxml", "make-package.py")
ENV = dict(os.environ, KYSO_P12_PASSWORD="kyso-test")
CHECKS = {"passed": 0, "failed": 0}


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    CHECKS["passed" if ok else "failed"] += 1


def run(args, **kw):
    return subprocess.run(args, env=ENV, capture_output=True, **kw)


def must(args):
    r = run(args)
    if r.returncode != 0:
        sys.exit(f"{args[0]} failed: {r.stderr.decode(errors='replace')}")
    return r


def kyso_sign(src, dst, signer):
    must([KYSO, "sign", src, "-o", dst, "--p12", os.path.join(PKI, f"{signer}.p12"),
          "--password-env", "KYSO_P12_PASSWORD"])


def pyhanko_sign(src, dst, signer):
    # pyHanko signs with any key, expired or revoked ones included (kyso refuses to).
    must([PYHANKO, "sign", "addsig", "--field", "Sig1", "pemder", "--key", os.path.join(PKI, f"{signer}.key.pem"),
          "--cert", os.path.join(PKI, f"{signer}.pem"), "--chain", os.path.join(PKI, "ca-g2.pem"), "--no-pass",
          src, dst])


def alter(src, dst, rng):
    """Flip one byte of the signed content (a digit of the page's MediaBox or of its text)."""
    data = bytearray(open(src, "rb").read())
    at = data.find(b"/MediaBox")
    at = data.find(b"0", at)
    data[at] = ord("1") if data[at] != ord("1") else ord("2")
    open(dst, "wb").write(bytes(data))


def package(dst, attach, *extra):
    must([sys.executable, MAKE_PACKAGE, dst, "--attach", attach, *extra])


def sign_with(signer):
    return ["--sign", os.path.join(PKI, f"{signer}.key.pem"), os.path.join(PKI, f"{signer}.pem"),
            os.path.join(PKI, "ca-g2.pem")]


def build_inbox(inbox):
    """The 50 documents and the verdict each must get."""
    rng = random.Random(20261206)
    shutil.rmtree(inbox, ignore_errors=True)
    for d in ("hợp lệ", "bị sửa", "chưa ký", "chứng thư", "edxml"):
        os.makedirs(os.path.join(inbox, d))
    work = os.path.join(OUT, "acceptance-src")
    os.makedirs(work, exist_ok=True)
    expected = {}
    sources = ["plain.pdf", "multipage.pdf", "rotate90.pdf", "xref-stream.pdf", "classic-xref.pdf", "acroform.pdf"]

    # 16 valid: 12 signed by kyso (two signers), 4 by pyHanko.
    valid = []
    for i in range(12):
        src = os.path.join(PDF, sources[i % len(sources)])
        dst = os.path.join(inbox, "hợp lệ", f"công văn {i + 1:02}.pdf")
        kyso_sign(src, dst, "ca-nhan" if i % 2 == 0 else "to-chuc")
        expected[dst] = "VALID"
        valid.append(dst)
    for i in range(4):
        dst = os.path.join(inbox, "hợp lệ", f"tờ trình {i + 1}.pdf")
        pyhanko_sign(os.path.join(PDF, sources[i]), dst, "ca-nhan")
        expected[dst] = "VALID"
        valid.append(dst)

    # 10 altered after signing: a byte changed, or pyHanko's page replaced in an update.
    for i in range(8):
        dst = os.path.join(inbox, "bị sửa", f"bị sửa {i + 1}.pdf")
        alter(valid[i], dst, rng)
        expected[dst] = "INVALID"
    for i in range(2):
        dst = os.path.join(inbox, "bị sửa", f"thay trang {i + 1}.pdf")
        shutil.copy(os.path.join(PDF, "pyhanko-signed-modified.pdf"), dst)
        expected[dst] = "INVALID"

    # 8 unsigned.
    for i in range(8):
        dst = os.path.join(inbox, "chưa ký", f"chưa ký {i + 1}.pdf")
        shutil.copy(os.path.join(PDF, sources[i % len(sources)]), dst)
        expected[dst] = "NO_SIGNATURES"

    # 6 signed with a certificate that was not usable: expired (4), revoked (2).
    for i in range(4):
        dst = os.path.join(inbox, "chứng thư", f"hết hạn {i + 1}.pdf")
        pyhanko_sign(os.path.join(PDF, sources[i]), dst, "expired")
        # Signed after the certificate ended, with no proof of an earlier time: OUT_OF_BOUNDS_NO_POE.
        expected[dst] = "INDETERMINATE"
    for i in range(2):
        dst = os.path.join(inbox, "chứng thư", f"thu hồi {i + 1}.pdf")
        pyhanko_sign(os.path.join(PDF, sources[i]), dst, "revoked")
        expected[dst] = "INVALID"

    # 10 edXML packages.
    e = os.path.join(inbox, "edxml")
    plain_signed = valid[0]
    for i, extra in enumerate([[], ["--zip"], ["--covers", "header"], ["--covers", "header", "--zip"]]):
        dst = os.path.join(e, f"gói tin {i + 1}.edxml")
        package(dst, valid[i + 1], *extra, *sign_with("to-chuc"))
        expected[dst] = "VALID"
    # An unsigned package whose document is valid: the document decides (the header's missing
    # signature is a warning).
    dst = os.path.join(e, "gói tin không ký.edxml")
    package(dst, plain_signed)
    expected[dst] = "VALID"
    for i, covers in enumerate(["package", "header"]):
        dst = os.path.join(e, f"tiêu đề bị sửa {i + 1}.edxml")
        package(dst, plain_signed, "--covers", covers, *sign_with("to-chuc"))
        text = open(dst, encoding="utf-8").read().replace("V/v triển khai", "V/v hủy bỏ", 1)
        open(dst, "w", encoding="utf-8").write(text)
        expected[dst] = "INVALID"
    dst = os.path.join(e, "văn bản chưa ký.edxml")
    package(dst, os.path.join(PDF, "plain.pdf"), *sign_with("to-chuc"))
    expected[dst] = "INVALID"
    dst = os.path.join(e, "văn bản bị sửa.edxml")
    package(dst, os.path.join(inbox, "bị sửa", "bị sửa 1.pdf"), *sign_with("to-chuc"))
    expected[dst] = "INVALID"
    dst = os.path.join(e, "mã cơ quan sai.edxml")
    package(dst, plain_signed, "--from", "ubnd-gia-lai", *sign_with("to-chuc"))
    expected[dst] = "INVALID"

    # A file that is not a document is not picked up.
    open(os.path.join(inbox, "ghi chú.txt"), "w").write("not a document")
    return expected


def verdicts_match(expected, lines):
    got = {}
    for line in lines:
        r = json.loads(line)
        got[os.path.abspath(r["file"])] = r["verdict"]
    check(len(got) == len(expected) == 50, f"{len(got)} reports for {len(expected)} documents (50 expected)")
    wrong = []
    for path, want in expected.items():
        v = got.get(os.path.abspath(path))
        if v != want:
            wrong.append(f"{os.path.relpath(path, OUT)}: {v}, {want} expected")
    check(not wrong, "every verdict as the document was made: " + ("; ".join(wrong) or "all right"))
    return got


def crl_args():
    return ["--crl", os.path.join(PKI, "ca-g2.crl.pem"), "--crl", os.path.join(PKI, "root-g2.crl.pem")]


def main():
    inbox = os.path.join(OUT, "hộp thư đến")
    expected = build_inbox(inbox)
    kinds = {}
    for v in expected.values():
        kinds[v] = kinds.get(v, 0) + 1
    print(f"inbox: {len(expected)} documents {kinds}", flush=True)

    report = os.path.join(OUT, "báo cáo hộp thư.html")
    trust = ["--trust", os.path.join(PKI, "root-g2.pem")]
    r = run([KYSO, "verify", inbox, "--json", "--jobs", "2", *trust, *crl_args(), "--html", report])
    check(r.returncode == 1, f"kyso verify INBOX: exit {r.returncode} (1: not every document VALID)")
    got = verdicts_match(expected, r.stdout.decode().splitlines())
    summary = r.stderr.decode()
    check(re.search(r"TỔNG SỐ\s+TOTAL\s+50\b", summary) is not None, "the summary table counts 50 documents")

    # Under a pseudo-terminal: the progress bar, then the summary.
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(KYSO, [KYSO, "verify", inbox, *trust, *crl_args()], ENV)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    tty = b"".join(chunks).decode(errors="replace")
    check("/50 tệp / files" in tty, "a progress bar on the terminal (…/50 tệp / files)")
    check("Tổng hợp / Summary" in tty and os.waitstatus_to_exitcode(status) == 1,
          "the summary at the end, exit 1")

    # The HTML report in headless Chromium.
    shot = os.path.join(OUT, "báo cáo hộp thư.png")
    b = subprocess.run(["node", os.path.join(HERE, "report-browser.mjs"), report, "50", shot],
                       capture_output=True, text=True)
    print(b.stdout.rstrip())
    check(b.returncode == 0, "the HTML report in headless Chromium (50 rows, no request, sorted, in colour)")

    # A refusal notice for every document that is not VALID, read back by pdftotext.
    notices = os.path.join(OUT, "thông báo")
    shutil.rmtree(notices, ignore_errors=True)
    os.makedirs(notices)
    refused, unreadable = 0, []
    for path, verdict in sorted(got.items()):
        if verdict == "VALID":
            continue
        name = os.path.basename(path)
        pdf = os.path.join(notices, name + ".thông-báo.pdf")
        n = run([KYSO, "refuse", path, *trust, *crl_args(), "--receiver", "Sở Khoa học và Công nghệ tỉnh Gia Lai",
                 "--format", "json", "-o", pdf])
        if n.returncode != 0:
            unreadable.append(f"{name}: kyso refuse exit {n.returncode}: {n.stderr.decode(errors='replace')}")
            continue
        notice = json.loads(n.stdout)
        codes = [x["code"] for s in notice["signatures"] for x in s["reasons"]] + \
                [x["code"] for x in notice["document_reasons"]]
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        flat = " ".join(text.split())
        cut = "Còn lý do khác" in flat
        missing = [c for c in codes if c not in flat]
        problems = []
        if " ".join(name.split()) not in flat:
            problems.append("file name")
        if not codes:
            problems.append("no reason")
        if missing and not (cut and codes[0] in flat):
            problems.append("codes " + ", ".join(missing))
        if problems:
            unreadable.append(f"{name}: {'; '.join(problems)}")
        refused += 1
    want = sum(1 for v in got.values() if v != "VALID")
    check(refused == want and not unreadable,
          f"{refused} notices for {want} documents not VALID, read back with name and reasons"
          + ("" if not unreadable else ": " + " | ".join(unreadable)))

    print(f"{CHECKS['passed']} passed, {CHECKS['failed']} failed")
    sys.exit(1 if CHECKS["failed"] else 0)


if __name__ == "__main__":
    main()
