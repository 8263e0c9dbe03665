#!/usr/bin/env python3
"""Page-geometry fixtures for the render suite (one page each, a line of Helvetica text):

  landscape.pdf  A4 landscape: /MediaBox [0 0 842 595];
  rotate270.pdf  A4 portrait shown turned 270 degrees (/Rotate 270);
  rotate180.pdf  A4 portrait upside down (/Rotate 180) with a /CropBox offset from the origin;
  letter.pdf     an A4 "cong van" laid out as Decree 30 says (ASCII text: the standard fonts have no
                 Vietnamese), with the signer's title at y 220 and name at y 130 on the right: the
                 approval signature goes between them, in 350,150 150x60.

usage: make-pdfs.py OUT_DIR
"""
import sys


def pdf(path, page_entries, text, content=None):
    content = content or f"BT /F1 14 Tf 72 500 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R {page_entries} /Resources << /Font << /F1 5 0 R >> >> "
        f"/Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    pdf(f"{out}/landscape.pdf", "/MediaBox [0 0 842 595]", "Trang ngang A4")
    pdf(f"{out}/rotate270.pdf", "/MediaBox [0 0 595 842] /Rotate 270", "Trang xoay 270")
    pdf(f"{out}/rotate180.pdf", "/MediaBox [0 0 595 842] /CropBox [20 30 575 812] /Rotate 180",
        "Trang xoay 180")
    lines = [
        (72, 780, 11, "UBND TINH GIA LAI"), (330, 780, 11, "CONG HOA XA HOI CHU NGHIA VIET NAM"),
        (60, 764, 11, "SO KHOA HOC VA CONG NGHE"), (370, 764, 11, "Doc lap - Tu do - Hanh phuc"),
        (72, 735, 11, "So: 125/SKHCN-VP"), (360, 735, 11, "Gia Lai, ngay 24 thang 11 nam 2026"),
        (200, 680, 13, "CONG VAN"), (150, 662, 11, "V/v thu nghiem chu ky so theo Nghi dinh 30"),
        (72, 620, 11, "Kinh gui: Cac co quan, don vi truc thuoc."),
        (90, 596, 11, "Noi dung van ban mau de thu nghiem hien thi chu ky so phe duyet va dong dau."),
        (72, 240, 10, "Noi nhan:"), (72, 226, 10, "- Nhu tren;"), (72, 214, 10, "- Luu: VT."),
        (385, 232, 11, "KT. GIAM DOC"), (382, 218, 11, "PHO GIAM DOC"),
        (378, 130, 11, "Nguyen Van An"),
    ]
    body = "".join(f"BT /F1 {size} Tf {x} {y} Td ({t}) Tj ET\n" for x, y, size, t in lines)
    pdf(f"{out}/letter.pdf", "/MediaBox [0 0 595 842]", "", body.encode())
