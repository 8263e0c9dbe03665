"""Just enough of a TrueType file for the render fixtures: units per em, ascent and descent, the
advance widths (hmtx) and the Unicode to glyph map (cmap format 4 or 12). No dependencies."""
import struct


class TrueType:
    def __init__(self, path):
        self.data = open(path, "rb").read()
        d = self.data
        (num_tables,) = struct.unpack_from(">H", d, 4)
        self.tables = {}
        for i in range(num_tables):
            tag, _, off, length = struct.unpack_from(">4sIII", d, 12 + 16 * i)
            self.tables[tag.decode("latin-1")] = (off, length)
        head = self.tables["head"][0]
        (self.units_per_em,) = struct.unpack_from(">H", d, head + 18)
        hhea = self.tables["hhea"][0]
        self.ascent, self.descent = struct.unpack_from(">hh", d, hhea + 4)
        (n_metrics,) = struct.unpack_from(">H", d, hhea + 34)
        hmtx = self.tables["hmtx"][0]
        self.advances = [struct.unpack_from(">H", d, hmtx + 4 * i)[0] for i in range(n_metrics)]
        self.cmap = self._cmap()

    def _cmap(self):
        d = self.data
        base = self.tables["cmap"][0]
        (n,) = struct.unpack_from(">H", d, base + 2)
        subtables = {}
        for i in range(n):
            pid, eid, off = struct.unpack_from(">HHI", d, base + 4 + 8 * i)
            subtables[(pid, eid)] = base + off
        out = {}
        if (3, 10) in subtables:  # format 12, full Unicode
            t = subtables[(3, 10)]
            (groups,) = struct.unpack_from(">I", d, t + 12)
            for g in range(groups):
                start, end, gid = struct.unpack_from(">III", d, t + 16 + 12 * g)
                for c in range(start, end + 1):
                    out[c] = gid + c - start
            return out
        t = subtables[(3, 1)]  # format 4, the BMP
        (seg2,) = struct.unpack_from(">H", d, t + 6)
        seg = seg2 // 2
        ends = struct.unpack_from(f">{seg}H", d, t + 14)
        starts = struct.unpack_from(f">{seg}H", d, t + 16 + seg2)
        deltas = struct.unpack_from(f">{seg}h", d, t + 16 + 2 * seg2)
        ro_at = t + 16 + 3 * seg2
        offsets = struct.unpack_from(f">{seg}H", d, ro_at)
        for i in range(seg):
            for c in range(starts[i], ends[i] + 1):
                if c == 0xFFFF:
                    continue
                if offsets[i] == 0:
                    gid = (c + deltas[i]) & 0xFFFF
                else:
                    at = ro_at + 2 * i + offsets[i] + 2 * (c - starts[i])
                    (gid,) = struct.unpack_from(">H", d, at)
                    if gid:
                        gid = (gid + deltas[i]) & 0xFFFF
                if gid:
                    out[c] = gid
        return out

    def advance(self, gid):
        """Advance width of glyph GID in 1/1000 em."""
        a = self.advances[min(gid, len(self.advances) - 1)]
        return round(a * 1000 / self.units_per_em)
