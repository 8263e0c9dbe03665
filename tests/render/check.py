#!/usr/bin/env python3
"""Looks at rendered signatures. Coordinates are visual PDF points, origin at the bottom left of
the page as shown (after /Rotate); renders must be made at 72 dpi (1 pixel = 1 point).

  check.py pixels PAGE.ppm  CHECK...   with CHECK one of
      blue-in:X,Y,W,H      at least 40 blue pixels inside the rectangle
      red-in:X,Y,W,H       at least 40 red pixels inside the rectangle
      blue-only:X,Y,W,H    no blue pixel outside the rectangle (1 pt tolerance)
      none-in:X,Y,W,H      no blue or red pixel inside the rectangle
      no-red-in:X,Y,W,H    no red pixel inside the rectangle
  check.py text FILE.pdf PAGE VISUAL_W VISUAL_H LINE...
      every LINE (exact text, or a Python regex when it starts with "re:") is a line of words
      found by `pdftotext -bbox` on PAGE, horizontal (upright: at most 14 pt high) and lying wholly
      in the top-right quadrant.
  check.py within FILE.pdf PAGE X,Y,W,H LINE...
      every LINE (exact, or "re:" regex) is a line of words on PAGE lying wholly inside the visual
      rectangle X,Y,W,H (origin bottom-left, 1 pt tolerance).
  check.py glyphs FILE.pdf PAGE ACCENTED=BASE...
      the diacritics are drawn, not only extracted: each ACCENTED and BASE (e.g. Ụ=U) is a word of
      its own found by `pdftotext -bbox` on PAGE; the page is rendered at 432 dpi (6 pixels per
      point, grey) and the ink in each word's box compared: the accented glyph has ink, covers the
      base letter (at least 80 % of its ink), and has ink of its own above or below the base
      letter's rows (the tilde, breve, dot below...: at least 0.4 square points).
  check.py apart SIGNED.pdf ORIGINAL.pdf PAGE CORNER
      placement that respects the page: the words `pdftotext -bbox` finds on PAGE of SIGNED but not
      of ORIGINAL (the signatures' text) overlap no word of ORIGINAL, and lie in the CORNER
      quadrant of the page as shown (top-right, top-left, or any).
  check.py rect FILE.pdf N X0,Y0,X1,Y1
      the Nth signature widget written to FILE (file order, from 1) has /Rect X0 Y0 X1 Y1 (user
      space, 0.01 pt tolerance): where the unchanged placement rules put it.
Exit 0 when every check holds; 1 otherwise (each check prints ok/FAIL).
"""
import os
import tempfile
import html
import re
import subprocess
import sys


def read_ppm(path):
    data = open(path, "rb").read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6", "not a binary PPM"
    w, h, maxval = int(parts[1]), int(parts[2]), int(parts[3])
    assert maxval == 255
    return w, h, parts[4][: w * h * 3]


def classify(r, g, b):
    if b > 120 and r < 100 and g < 140 and b - r > 80:
        return "blue"
    if r > 150 and g < 100 and b < 100:
        return "red"
    return None


def pixels(path, checks):
    w, h, px = read_ppm(path)
    found = {"blue": [], "red": []}
    for row in range(h):
        for col in range(w):
            i = (row * w + col) * 3
            c = classify(px[i], px[i + 1], px[i + 2])
            if c:
                # Pixel centre in visual points, origin bottom-left.
                found[c].append((col + 0.5, h - row - 0.5))
    ok = True
    for check in checks:
        kind, rect = check.split(":", 1)
        x, y, rw, rh = (float(v) for v in rect.split(","))
        inside = lambda p, m=0.0: x - m <= p[0] <= x + rw + m and y - m <= p[1] <= y + rh + m
        if kind in ("blue-in", "red-in"):
            colour = kind.split("-")[0]
            n = sum(1 for p in found[colour] if inside(p))
            good = n >= 40
            detail = f"{n} {colour} pixels"
        elif kind == "blue-only":
            out = [p for p in found["blue"] if not inside(p, 1.0)]
            good = not out
            detail = f"{len(out)} blue pixels outside" + (f", e.g. {out[0]}" if out else "")
        elif kind == "no-red-in":
            n = sum(1 for p in found["red"] if inside(p))
            good = n == 0
            detail = f"{n} red pixels"
        elif kind == "none-in":
            n = sum(1 for c in ("blue", "red") for p in found[c] if inside(p))
            good = n == 0
            detail = f"{n} coloured pixels"
        else:
            raise SystemExit(f"unknown check {kind}")
        print(f"{'ok' if good else 'FAIL'}: {check} ({detail}; page {w}x{h} px)")
        ok &= good
    return ok


def bbox_words(pdf, page, size=False):
    """(xMin, yMin, xMax, yMax, text) of every word pdftotext finds on PAGE, in points from the top
    left of the page as shown; with SIZE, also the page's (width, height) as shown."""
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", page, "-l", page, pdf, "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    if size:
        w, h = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', xml).groups()
        return bbox_words(pdf, page), (float(w), float(h))
    return [
        (float(a), float(b), float(c), float(d), html.unescape(t))
        for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)
    ]


def glyphs(pdf, page, pairs):
    scale = 6  # 432 dpi
    words = bbox_words(pdf, page)
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "page")
        subprocess.run(["pdftoppm", "-r", str(72 * scale), "-gray", "-f", page, "-l", page,
                        "-singlefile", pdf, base], check=True)
        data = open(base + ".pgm", "rb").read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5" and parts[3] == b"255", "not an 8-bit PGM"
    w, h, px = int(parts[1]), int(parts[2]), parts[4]

    def ink(word):
        """Dark pixels in the word's box (widened 30 % up and down, 1 px sideways, but not into
        another word's box), as (x, y) relative to the box's top left."""
        x0, y0, x1, y1, _ = word
        pad = (y1 - y0) * 0.3
        left, top = int(x0 * scale) - 1, int((y0 - pad) * scale)
        right, bottom = int(x1 * scale) + 2, int((y1 + pad) * scale) + 1
        others = [(o[0] * scale, o[1] * scale, o[2] * scale, o[3] * scale)
                  for o in words if o is not word]
        out = set()
        for y in range(max(top, 0), min(bottom, h)):
            row = y * w
            for x in range(max(left, 0), min(right, w)):
                if px[row + x] < 128 and not any(
                        ox0 <= x + 0.5 <= ox1 and oy0 <= y + 0.5 <= oy1
                        for ox0, oy0, ox1, oy1 in others):
                    out.add((x - left, y - top))
        return out

    def dilate(points):
        return {(x + dx, y + dy) for x, y in points for dx in (-1, 0, 1) for dy in (-1, 0, 1)}

    ok = True
    for pair in pairs:
        accented, plain = pair.split("=", 1)
        found = {t: next((wd for wd in words if wd[4] == t), None) for t in (accented, plain)}
        if None in found.values():
            print(f"FAIL: {pair}: words {[t for t, wd in found.items() if wd is None]} not found; "
                  f"words: {[wd[4] for wd in words]}")
            ok = False
            continue
        a, b = ink(found[accented]), ink(found[plain])
        if not a or not b:
            print(f"FAIL: {pair}: no ink ({len(a)} and {len(b)} pixels)")
            ok = False
            continue
        covered = len(b & dilate(a)) / len(b)
        b_rows = [y for _, y in b]
        top, bottom = min(b_rows), max(b_rows)
        extra = [p for p in a - dilate(b) if p[1] < top - 1 or p[1] > bottom + 1]
        # At least 0.4 square points of mark: a dot below at 10 pt is about 0.7.
        good = covered >= 0.8 and len(extra) >= 0.4 * scale * scale
        print(f"{'ok' if good else 'FAIL'}: {pair}: {len(a)} and {len(b)} ink pixels, "
              f"{covered:.0%} of {plain!r} covered, {len(extra)} pixels of diacritic above/below it")
        ok &= good
    return ok


def find_lines(words):
    """Words on the same baseline, each starting close after the previous one."""
    lines = []
    for wd in sorted(words, key=lambda t: (round(t[1], 1), t[0])):
        last = lines[-1] if lines else None
        if last and abs(last[-1][1] - wd[1]) < 0.5 and 0 <= wd[0] - last[-1][2] < 6:
            last.append(wd)
        else:
            lines.append([wd])
    return lines


def within(pdf, page, rect, expected):
    x, y, w, h = (float(v) for v in rect.split(","))
    # bbox_words gives y from the top of the page as shown.
    words, (_, vh) = bbox_words(pdf, page, size=True)
    lines = find_lines(words)
    ok = True
    for exp in expected:
        match = next((ln for ln in lines if (exp.startswith("re:") and re.fullmatch(exp[3:], " ".join(t[4] for t in ln)))
                      or " ".join(t[4] for t in ln) == exp), None)
        if match is None:
            print(f"FAIL: line {exp!r} not found; lines: {[' '.join(t[4] for t in l) for l in lines]}")
            ok = False
            continue
        x0, x1 = min(t[0] for t in match), max(t[2] for t in match)
        top, bottom = vh - min(t[1] for t in match), vh - max(t[3] for t in match)
        inside = x0 >= x - 1 and x1 <= x + w + 1 and bottom >= y - 1 and top <= y + h + 1
        print(f"{'ok' if inside else 'FAIL'}: {exp!r} at x {x0:.1f}-{x1:.1f}, y {bottom:.1f}-{top:.1f} "
              f"(inside {rect} expected)")
        ok &= inside
    return ok


def text(pdf, page, vw, vh, expected):
    words = bbox_words(pdf, page)
    # Lines: words on the same baseline, each starting close after the previous one.
    lines = []
    for wd in sorted(words, key=lambda t: (round(t[1], 1), t[0])):
        last = lines[-1] if lines else None
        if last and abs(last[-1][1] - wd[1]) < 0.5 and 0 <= wd[0] - last[-1][2] < 6:
            last.append(wd)
        else:
            lines.append([wd])
    ok = True
    for exp in expected:
        match = None
        for ln in lines:
            s = " ".join(t[4] for t in ln)
            if (exp.startswith("re:") and re.fullmatch(exp[3:], s)) or s == exp:
                match = ln
                break
        if match is None:
            print(f"FAIL: line {exp!r} not found; lines: {[' '.join(t[4] for t in l) for l in lines]}")
            ok = False
            continue
        x0 = min(t[0] for t in match)
        x1 = max(t[2] for t in match)
        y0 = min(t[1] for t in match)
        y1 = max(t[3] for t in match)
        quadrant = x0 >= vw / 2 and x1 <= vw + 0.5 and y1 <= vh / 2 and y0 >= 0 and y1 - y0 <= 14
        print(f"{'ok' if quadrant else 'FAIL'}: {exp!r} at x {x0:.1f}-{x1:.1f}, "
              f"y from top {y0:.1f}-{y1:.1f} (page {vw}x{vh}, top-right quadrant expected)")
        ok &= quadrant
    return ok


def apart(signed, original, page, corner):
    new_words, (vw, vh) = bbox_words(signed, page, size=True)
    old = bbox_words(original, page)
    key = lambda w: (round(w[0], 2), round(w[1], 2), w[4])
    old_keys = {key(w) for w in old}
    new = [w for w in new_words if key(w) not in old_keys]
    ok = bool(new)
    if not new:
        print("FAIL: no new words on the page")
    for w in new:
        hits = [o for o in old if min(w[2], o[2]) > max(w[0], o[0]) and min(w[3], o[3]) > max(w[1], o[1])]
        inside = {
            "top-right": w[0] >= vw / 2 and w[3] <= vh / 2,
            "top-left": w[2] <= vw / 2 and w[3] <= vh / 2,
            "any": True,
        }[corner]
        good = not hits and inside
        if not good:
            print(f"FAIL: {w[4]!r} at x {w[0]:.1f}-{w[2]:.1f}, y from top {w[1]:.1f}-{w[3]:.1f}: "
                  f"{'covers ' + repr([o[4] for o in hits]) if hits else 'outside the ' + corner}")
        ok &= good
    if ok:
        top = min(w[1] for w in new)
        print(f"ok: {len(new)} new words ({' '.join(w[4] for w in new)}), from {top:.1f} pt below "
              f"the top, {corner}, none over the {len(old)} words of the page")
    return ok


def rect(pdf, n, want):
    data = open(pdf, "rb").read()
    rects = [[float(v) for v in m.split()] for m in re.findall(
        rb"/FT\s*/Sig\b[^>]*?/Rect\s*\[([^\]]*)\]|/Rect\s*\[([^\]]*)\][^>]*?/FT\s*/Sig\b", data)
        for m in m if m]
    want = [float(v) for v in want.split(",")]
    got = rects[n - 1] if len(rects) >= n else None
    good = got is not None and all(abs(a - b) <= 0.01 for a, b in zip(got, want))
    print(f"{'ok' if good else 'FAIL'}: widget {n} /Rect {got} (expected {want}; widgets: {rects})")
    return good


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "pixels":
        good = pixels(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) >= 6 and sys.argv[1] == "within":
        good = within(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif len(sys.argv) >= 5 and sys.argv[1] == "glyphs":
        good = glyphs(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 6 and sys.argv[1] == "apart":
        good = apart(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    elif len(sys.argv) == 5 and sys.argv[1] == "rect":
        good = rect(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) >= 6 and sys.argv[1] == "text":
        good = text(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6:])
    else:
        raise SystemExit(__doc__)
    sys.exit(0 if good else 1)
