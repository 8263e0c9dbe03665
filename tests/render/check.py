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
Exit 0 when every check holds; 1 otherwise (each check prints ok/FAIL).
"""
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


def text(pdf, page, vw, vh, expected):
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", page, "-l", page, pdf, "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    words = [
        (float(a), float(b), float(c), float(d), html.unescape(t))
        for a, b, c, d, t in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)
    ]
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


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "pixels":
        good = pixels(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) >= 6 and sys.argv[1] == "text":
        good = text(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), sys.argv[6:])
    else:
        raise SystemExit(__doc__)
    sys.exit(0 if good else 1)
