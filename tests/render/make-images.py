#!/usr/bin/env python3
"""Test images for the render suite, written with the standard library only (zlib + struct):

  signature.png  a blue handwritten-style scribble, RGBA with a transparent background, 300x120 px
                 (no pHYs);
  seal.png       a red round seal (two rings and a star), RGBA with a transparent background,
                 400x400 px with pHYs saying 36 mm wide (11111 px/m);
  seal-nophys.png  the same seal without pHYs, as most scans and exports are: kyso draws it at its
                 default seal size (36 mm) with the warning SEAL_SIZE_ASSUMED.

usage: make-images.py OUT_DIR
"""
import math
import struct
import sys
import zlib


def png(path, width, height, pixels, ppm=None):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = bytearray()
    for y in range(height):
        raw.append(0)
        raw.extend(pixels[y * width * 4:(y + 1) * width * 4])
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    if ppm:
        out += chunk(b"pHYs", struct.pack(">IIB", ppm, ppm, 1))
    out += chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    out += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(out)


def paint(width, height, coverage, rgb):
    """RGBA pixels of colour rgb with alpha = coverage(x, y) in [0, 1]."""
    px = bytearray(width * height * 4)
    for y in range(height):
        for x in range(width):
            a = max(0.0, min(1.0, coverage(x + 0.5, y + 0.5)))
            if a > 0:
                i = (y * width + x) * 4
                px[i:i + 4] = bytes((*rgb, int(round(a * 255))))
    return px


def signature(path):
    w, h = 300, 120
    # A scribble: the distance to a sampled curve, drawn 5 px thick with a soft edge.
    pts = []
    for i in range(400):
        t = i / 399
        x = 20 + 260 * t
        y = 60 + 35 * math.sin(t * 11) * math.exp(-t) + 12 * math.sin(t * 31)
        pts.append((x, y))

    def cov(x, y):
        d = min((x - px) ** 2 + (y - py) ** 2 for px, py in pts[::2])
        return 3.5 - math.sqrt(d)

    png(path, w, h, paint(w, h, cov, (0, 51, 204)))


def seal(path, path_nophys):
    n = 400
    c = n / 2

    def star(x, y):
        # A five-pointed star of radius 70 around the centre.
        ang = math.atan2(c - y, x - c)
        r = math.hypot(x - c, y - c)
        k = (ang + math.pi / 2) % (2 * math.pi / 5) - math.pi / 5
        edge = 70 * 0.45 / (0.45 * abs(math.cos(k)) + abs(math.sin(k)) * 0.9 + 1e-9)
        return min(1.0, edge - r + 0.5)

    def cov(x, y):
        r = math.hypot(x - c, y - c)
        outer = 8 - abs(r - 190)      # outer ring, 16 px
        inner = 3 - abs(r - 150)      # inner ring, 6 px
        return max(outer, inner, star(x, y))

    pixels = paint(n, n, cov, (218, 0, 0))
    png(path, n, n, pixels, ppm=11111)
    png(path_nophys, n, n, pixels)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    signature(f"{out}/signature.png")
    seal(f"{out}/seal.png", f"{out}/seal-nophys.png")
