#!/usr/bin/env python3
"""Page-geometry fixtures for the render suite (one page each, a line of Helvetica text):

  landscape.pdf  A4 landscape: /MediaBox [0 0 842 595];
  rotate270.pdf  A4 portrait shown turned 270 degrees (/Rotate 270);
  rotate180.pdf  A4 portrait upside down (/Rotate 180) with a /CropBox offset from the origin;
  letter.pdf     an A4 "cong van" laid out as Decree 30 says (ASCII text: the standard fonts have no
                 Vietnamese), with the signer's title at y 220 and name at y 130 on the right: the
                 approval signature goes between them, in 350,150 150x60;
  letterhead.pdf an A4 "công văn" in Vietnamese (Liberation Serif embedded as a composite font with
                 /W widths and a ToUnicode map, as word processors write it) whose header starts
                 12 mm from the top edge: the national title and motto (underlined) at the top
                 right where a text block would go, the date line below them (in a form XObject),
                 the organisation and number at the top left, "Kính gửi" and a body below.

usage: make-pdfs.py OUT_DIR
"""
import os
import sys
import zlib

from ttf import TrueType

FONT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "crates", "kyso-sign",
                    "fonts", "LiberationSerif-Regular.ttf")


def stream(data, entries=b""):
    return b"<< %s /Length %d >>\nstream\n" % (entries, len(data)) + data + b"\nendstream"


def pdf(path, page_entries, text, content=None):
    content = content or f"BT /F1 14 Tf 72 500 Td ({text}) Tj ET".encode()
    write(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R {page_entries} /Resources << /Font << /F1 5 0 R >> >> "
        f"/Contents 4 0 R >>".encode(),
        stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def write(path, objs):
    """A PDF whose object N is objs[N-1] (object 1 the catalog), with its xref table."""
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


def letterhead(path):
    font = TrueType(FONT)
    used = {}

    def show(size, x, y, text, centre=False):
        """A line of text; centred on x when centre."""
        gids = [font.cmap[ord(c)] for c in text]
        for c, g in zip(text, gids):
            used[g] = c
        width = sum(font.advance(g) for g in gids) * size / 1000
        if centre:
            x -= width / 2
        hexa = "".join(f"{g:04X}" for g in gids)
        return f"BT /F1 {size} Tf {x:.2f} {y} Td <{hexa}> Tj ET\n"

    head = "".join([
        show(12, 160, 805, "UBND TỈNH GIA LAI", True),
        show(12, 160, 790, "SỞ KHOA HỌC VÀ CÔNG NGHỆ", True),
        show(12, 160, 765, "Số: 125/SKHCN-VP", True),
        show(11, 160, 750, "V/v thử nghiệm chữ ký số", True),
        show(12, 410, 805, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        show(13, 410, 790, "Độc lập - Tự do - Hạnh phúc", True),
        # The rule under the motto.
        "0.6 w 340 786 m 480 786 l S\n",
        "q 1 0 0 1 410 765 cm /Fm1 Do Q\n",
        show(13, 297, 660, "Kính gửi: Các cơ quan, đơn vị trực thuộc.", True),
    ])
    body = [
        "Thực hiện kế hoạch chuyển đổi số năm 2026, Sở Khoa học và Công nghệ gửi văn bản",
        "này để thử nghiệm việc ký số văn bản điện tử theo Nghị định số 30/2020/NĐ-CP về",
        "công tác văn thư: chữ ký số của người có thẩm quyền, chữ ký số của cơ quan, tổ",
        "chức trên văn bản kèm theo, bản sao điện tử và dấu đến của văn bản đến.",
        "Đề nghị các cơ quan, đơn vị kiểm tra hiển thị của chữ ký số trên văn bản này và",
        "phản hồi kết quả về Văn phòng Sở trước ngày 30 tháng 11 năm 2026.",
    ]
    head += "".join(show(13, 72, 630 - 18 * i, line) for i, line in enumerate(body))
    head += show(12, 400, 300, "GIÁM ĐỐC", True) + show(12, 400, 220, "Nguyễn Văn An", True)
    date = show(13, 0, 0, "Gia Lai, ngày 24 tháng 11 năm 2026", True)

    glyphs = sorted(used)
    widths = " ".join(f"{g} [{font.advance(g)}]" for g in glyphs)
    cmap = "".join(f"<{g:04X}> <{ord(used[g]):04X}>\n" for g in glyphs)
    to_unicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(glyphs)} beginbfchar\n{cmap}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    scale = 1000 / font.units_per_em
    write(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >>"
        b" /XObject << /Fm1 10 0 R >> >> /Contents 4 0 R >>",
        stream(head.encode()),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /LiberationSerif /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 9 0 R >>",
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /LiberationSerif /CIDSystemInfo "
        f"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R "
        f"/CIDToGIDMap /Identity /DW 1000 /W [{widths}] >>".encode(),
        f"<< /Type /FontDescriptor /FontName /LiberationSerif /Flags 34 /FontBBox [-543 -303 "
        f"1278 981] /ItalicAngle 0 /Ascent {round(font.ascent * scale)} /Descent "
        f"{round(font.descent * scale)} /CapHeight 662 /StemV 80 /FontFile2 8 0 R >>".encode(),
        stream(zlib.compress(font.data), b"/Filter /FlateDecode /Length1 %d" % len(font.data)),
        stream(to_unicode),
        stream(date.encode(), b"/Type /XObject /Subtype /Form /BBox [-200 -10 200 20] "
                              b"/Resources << /Font << /F1 5 0 R >> >>"),
    ])


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
    letterhead(f"{out}/letterhead.pdf")
