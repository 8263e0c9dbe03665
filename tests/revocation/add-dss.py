#!/usr/bin/env python3
"""Append a PAdES Document Security Store (/DSS with /CRLs) to a PDF as an incremental update.

usage: add-dss.py IN.pdf OUT.pdf CRL.der [CRL.der ...]
For test files written by `kyso sign` (classic cross-reference table, catalog as a plain
object): the catalog is rewritten with /DSS added, the original bytes stay a prefix.
"""
import re
import sys


def main():
    src, dst, crls = sys.argv[1], sys.argv[2], sys.argv[3:]
    data = open(src, "rb").read()
    trailer = data[data.rindex(b"trailer"):]
    size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
    root = int(re.search(rb"/Root\s+(\d+)\s+0\s+R", trailer).group(1))
    ident = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    starts = [m.start() for m in re.finditer(rb"(?<![0-9])%d 0 obj" % root, data)]
    body = data[starts[-1]:]
    body = body[body.index(b"obj") + 3:body.index(b"endobj")].strip()
    if not (body.startswith(b"<<") and body.endswith(b">>")) or b"/DSS" in body:
        sys.exit("add-dss: unexpected catalog")
    out = bytearray(data)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = {}
    n = size
    refs = []
    for path in crls:
        crl = open(path, "rb").read()
        offsets[n] = len(out)
        out += b"%d 0 obj\n<</Length %d>>\nstream\n" % (n, len(crl)) + crl + b"\nendstream\nendobj\n"
        refs.append(b"%d 0 R" % n)
        n += 1
    dss = n
    offsets[dss] = len(out)
    out += b"%d 0 obj\n<</CRLs [%s]>>\nendobj\n" % (dss, b" ".join(refs))
    offsets[root] = len(out)
    out += b"%d 0 obj\n" % root + body[:-2] + b"/DSS %d 0 R>>\nendobj\n" % dss
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    out += b"%d 1\n%010d 00000 n \n" % (root, offsets[root])
    out += b"%d %d\n" % (size, dss - size + 1)
    for k in range(size, dss + 1):
        out += b"%010d 00000 n \n" % offsets[k]
    out += b"trailer\n<</Size %d/Root %d 0 R/Prev %d%s>>\nstartxref\n%d\n%%%%EOF\n" % (
        dss + 1, root, prev, (b"/ID " + ident.group(1)) if ident else b"", xref)
    open(dst, "wb").write(out)


if __name__ == "__main__":
    main()
