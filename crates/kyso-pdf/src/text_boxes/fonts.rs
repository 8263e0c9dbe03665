//! Font metrics for [`super`]: how far each shown code moves the pen, and how high the glyphs
//! stand. Approximate by design: enough to know where a page has text, not to lay it out.

use std::collections::BTreeMap;

use lopdf::{Dictionary, Document, Object};

use crate::load::{resolve, resolve_dict};

/// Glyph units per em in every font but Type 3.
const UNITS: f32 = 1000.0;
/// The advance assumed when a font gives none: half an em.
const UNKNOWN_ADVANCE: f32 = 500.0;
/// Entries read from a `/Widths` or `/W` array; a real font has at most 65 536 glyphs.
const MAX_WIDTH_ENTRIES: usize = 65_536;
/// Codespace ranges read from an embedded CMap.
const MAX_CODESPACE_RANGES: usize = 64;
/// Decoded bytes read from an embedded CMap (its codespace ranges come first).
const MAX_CMAP_BYTES: usize = 256 * 1024;

/// Advance widths of the standard 14 fonts for the codes 32–126, in 1/1000 em, for fonts shown
/// without `/Widths` (PDF 1.0 style, still written by some generators). Taken from Liberation Sans
/// and Serif 2, which are metric-compatible with Helvetica/Arial and Times/Times New Roman.
const SANS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const SANS_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];
const SERIF: [u16; 95] = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
];
const SERIF_BOLD: [u16; 95] = [
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667,
    611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
    722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556,
    278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
];

/// One shown code: its advance in glyph units and whether it is a word space (single-byte 32,
/// where `Tw` applies and which leaves no ink).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Glyph {
    pub advance: f32,
    pub space: bool,
}

/// How a font's codes map to advances.
#[derive(Debug, Clone)]
enum Widths {
    /// A simple font's `/FirstChar` and `/Widths`, with `/MissingWidth` for the other codes.
    Simple {
        first: u32,
        widths: Vec<f32>,
        missing: f32,
    },
    /// A standard font without `/Widths`: codes 32–126 from the table, others `other`.
    Standard {
        table: &'static [u16; 95],
        other: f32,
    },
    /// Every code the same (Courier, or unknown).
    Fixed(f32),
    /// A composite (Type 0) font: codes read by the CMap's codespace, CIDs' widths from `/W`.
    Cid {
        codes: CodeSpace,
        /// The CMap is Identity: code = CID, so `/W` applies; otherwise every glyph is `/DW`.
        identity: bool,
        /// First CID → (last CID, widths from the first, or one width for the range).
        ranges: BTreeMap<u32, (u32, CidWidths)>,
        default: f32,
    },
}

#[derive(Debug, Clone)]
enum CidWidths {
    Each(Vec<f32>),
    Same(f32),
}

/// The byte sequences a CMap reads as one code.
#[derive(Debug, Clone)]
struct CodeSpace {
    /// (length, low bytes, high bytes), each byte of a code between low and high.
    ranges: Vec<(usize, [u8; 4], [u8; 4])>,
}

impl CodeSpace {
    fn two_bytes() -> Self {
        Self {
            ranges: vec![(2, [0; 4], [0xFF; 4])],
        }
    }

    /// The length of the code at the start of `bytes` (at least 1).
    fn code_len(&self, bytes: &[u8]) -> usize {
        for len in 1..=4 {
            if bytes.len() < len {
                break;
            }
            let fits = self.ranges.iter().any(|(l, lo, hi)| {
                *l == len && (0..len).all(|i| (lo[i]..=hi[i]).contains(&bytes[i]))
            });
            if fits {
                return len;
            }
        }
        // Not in the codespace: the shortest range's length, as readers skip an invalid code.
        self.ranges
            .iter()
            .map(|r| r.0)
            .min()
            .unwrap_or(1)
            .clamp(1, bytes.len().max(1))
    }
}

/// The metrics of one font resource.
#[derive(Debug, Clone)]
pub(super) struct FontMetrics {
    widths: Widths,
    /// Glyph units to text space per unit of font size (1/1000, or a Type 3 font's matrix).
    scale: f32,
    /// Top and bottom of the glyphs in em (above and below the baseline).
    pub ascent: f32,
    pub descent: f32,
    /// Vertical writing (`-V` CMaps, `/WMode 1`): the pen moves down by this many glyph units a
    /// glyph (`/DW2`'s second entry, 1000 by default; `/W2` is not read).
    pub vertical: Option<f32>,
}

impl FontMetrics {
    /// A font nothing is known of: half an em per byte.
    pub fn unknown() -> Self {
        Self {
            widths: Widths::Fixed(UNKNOWN_ADVANCE),
            scale: 1.0 / UNITS,
            ascent: 0.8,
            descent: -0.2,
            vertical: None,
        }
    }

    /// Read a font dictionary (`/Type /Font`).
    pub fn of(doc: &Document, font: &Dictionary) -> Self {
        let subtype = name(doc, font.get(b"Subtype").ok());
        if subtype == Some(b"Type0".as_slice()) {
            return Self::composite(doc, font);
        }
        let mut out = Self::unknown();
        let descriptor = get_dict(doc, font, b"FontDescriptor");
        out.set_vertical_metrics(doc, descriptor);
        if subtype == Some(b"Type3".as_slice()) {
            // Type 3 glyph space is the font's own; its /FontMatrix maps it to text space.
            let a = get(doc, font, b"FontMatrix")
                .and_then(|m| m.as_array().ok())
                .and_then(|m| m.first())
                .and_then(|a| number(doc, a))
                .map(f32::abs)
                .filter(|a| (1e-6..=1.0).contains(a));
            out.scale = a.unwrap_or(1.0 / UNITS);
            out.ascent = 0.8;
            out.descent = -0.2;
        }
        let first = get(doc, font, b"FirstChar").and_then(|o| number(doc, o));
        let widths = get(doc, font, b"Widths").and_then(|o| o.as_array().ok());
        out.widths = match (first, widths) {
            (Some(first), Some(widths)) if first >= 0.0 => Widths::Simple {
                first: first as u32,
                widths: widths
                    .iter()
                    .take(MAX_WIDTH_ENTRIES)
                    .map(|w| number(doc, w).unwrap_or(0.0))
                    .collect(),
                missing: descriptor
                    .and_then(|d| get(doc, d, b"MissingWidth"))
                    .and_then(|o| number(doc, o))
                    .unwrap_or(UNKNOWN_ADVANCE),
            },
            _ => {
                let (widths, vertical) = standard(doc, font);
                // The standard 14 fonts have no descriptor: their AFM ascender and descender.
                if let (Some((ascent, descent)), None) = (vertical, descriptor) {
                    out.ascent = ascent;
                    out.descent = descent;
                }
                widths
            }
        };
        out
    }

    fn composite(doc: &Document, font: &Dictionary) -> Self {
        let mut out = Self::unknown();
        let (codes, identity, vertical) = match get(doc, font, b"Encoding") {
            Some(Object::Name(n)) => {
                let identity = n.starts_with(b"Identity");
                (CodeSpace::two_bytes(), identity, n.ends_with(b"-V"))
            }
            Some(Object::Stream(s)) => {
                let vertical = s
                    .dict
                    .get(b"WMode")
                    .ok()
                    .and_then(|o| number(doc, o))
                    .is_some_and(|m| m == 1.0);
                (embedded_codespace(s), false, vertical)
            }
            _ => (CodeSpace::two_bytes(), false, false),
        };
        if vertical {
            let dw2 = descendant_dw2(doc, font);
            out.vertical = Some(dw2.unwrap_or(UNITS));
        }
        let descendant = get(doc, font, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|d| resolve_dict(doc, d));
        let default = descendant
            .and_then(|d| get(doc, d, b"DW"))
            .and_then(|o| number(doc, o))
            .unwrap_or(UNITS);
        let ranges = descendant
            .and_then(|d| get(doc, d, b"W"))
            .and_then(|o| o.as_array().ok())
            .map(|w| cid_widths(doc, w))
            .unwrap_or_default();
        out.set_vertical_metrics(
            doc,
            descendant.and_then(|d| get_dict(doc, d, b"FontDescriptor")),
        );
        out.widths = Widths::Cid {
            codes,
            identity,
            ranges,
            default,
        };
        out
    }

    fn set_vertical_metrics(&mut self, doc: &Document, descriptor: Option<&Dictionary>) {
        let Some(d) = descriptor else { return };
        // Clamped: descriptors written with 0 or absurd values are common.
        if let Some(a) = get(doc, d, b"Ascent").and_then(|o| number(doc, o)) {
            self.ascent = (a / UNITS).clamp(0.5, 1.2);
        }
        if let Some(d) = get(doc, d, b"Descent").and_then(|o| number(doc, o)) {
            self.descent = (d / UNITS).clamp(-0.5, 0.0);
        }
    }

    /// Visit each code of a shown string, in order; at most `max` codes.
    pub fn glyphs(&self, bytes: &[u8], max: usize, mut visit: impl FnMut(Glyph)) {
        let scale = self.scale;
        match &self.widths {
            Widths::Cid {
                codes,
                identity,
                ranges,
                default,
            } => {
                let mut rest = bytes;
                let mut n = 0;
                while !rest.is_empty() && n < max {
                    let len = codes.code_len(rest);
                    let (code, tail) = rest.split_at(len.min(rest.len()));
                    rest = tail;
                    n += 1;
                    let cid = code.iter().fold(0u32, |c, b| (c << 8) | u32::from(*b));
                    let w = match (self.vertical, identity) {
                        (Some(v), _) => v,
                        (None, true) => cid_width(ranges, cid).unwrap_or(*default),
                        (None, false) => *default,
                    };
                    visit(Glyph {
                        advance: w * scale,
                        space: code == [32],
                    });
                }
            }
            simple => {
                for &b in bytes.iter().take(max) {
                    let w = match simple {
                        Widths::Simple {
                            first,
                            widths,
                            missing,
                        } => u32::from(b)
                            .checked_sub(*first)
                            .and_then(|i| widths.get(i as usize).copied())
                            .unwrap_or(*missing),
                        Widths::Standard { table, other } => match b {
                            32..=126 => f32::from(table[usize::from(b - 32)]),
                            _ => *other,
                        },
                        Widths::Fixed(w) => *w,
                        Widths::Cid { .. } => UNKNOWN_ADVANCE,
                    };
                    visit(Glyph {
                        advance: w * scale,
                        space: b == 32,
                    });
                }
            }
        }
    }
}

/// The vertical advance of a composite font's descendant (`/DW2 [v w1y]`: `-w1y`).
fn descendant_dw2(doc: &Document, font: &Dictionary) -> Option<f32> {
    let descendant = get(doc, font, b"DescendantFonts")?
        .as_array()
        .ok()?
        .first()?;
    let dw2 = get(doc, resolve_dict(doc, descendant)?, b"DW2")?
        .as_array()
        .ok()?;
    Some(number(doc, dw2.get(1)?)?.abs())
}

/// Widths of a standard font shown without `/Widths`, from its name, and its ascender and
/// descender in em when the face is known.
fn standard(doc: &Document, font: &Dictionary) -> (Widths, Option<(f32, f32)>) {
    let base = name(doc, font.get(b"BaseFont").ok()).unwrap_or_default();
    // A subset tag "ABCDEF+" does not change the face.
    let base = match base.iter().position(|&b| b == b'+') {
        Some(6) => &base[7..],
        _ => base,
    };
    let base = String::from_utf8_lossy(base).to_ascii_lowercase();
    let bold = base.contains("bold") || base.contains("black") || base.contains("heavy");
    if base.contains("courier") || base.contains("mono") {
        (Widths::Fixed(600.0), Some((0.629, -0.157)))
    } else if base.contains("helvetica") || base.contains("arial") {
        let table = if bold { &SANS_BOLD } else { &SANS };
        (
            Widths::Standard {
                table,
                other: 556.0,
            },
            Some((0.718, -0.207)),
        )
    } else if base.contains("times") {
        let table = if bold { &SERIF_BOLD } else { &SERIF };
        (
            Widths::Standard {
                table,
                other: 500.0,
            },
            Some((0.683, -0.217)),
        )
    } else {
        (Widths::Fixed(UNKNOWN_ADVANCE), None)
    }
}

/// A `/W` array: `c [w1 w2 …]` and `c_first c_last w` entries.
fn cid_widths(doc: &Document, w: &[Object]) -> BTreeMap<u32, (u32, CidWidths)> {
    let mut out = BTreeMap::new();
    let mut items = w.iter().take(MAX_WIDTH_ENTRIES);
    let mut entries = 0;
    while let Some(first) = items.next().and_then(|o| number(doc, o)) {
        let Some(next) = items.next() else { break };
        let first = first.max(0.0) as u32;
        match resolve(doc, next) {
            Some(Object::Array(list)) => {
                let list: Vec<f32> = list
                    .iter()
                    .take(MAX_WIDTH_ENTRIES.saturating_sub(entries))
                    .map(|o| number(doc, o).unwrap_or(UNKNOWN_ADVANCE))
                    .collect();
                entries += list.len();
                if !list.is_empty() {
                    let last = first.saturating_add(list.len() as u32 - 1);
                    out.insert(first, (last, CidWidths::Each(list)));
                }
            }
            Some(o) => {
                let Some(last) = number(doc, o) else { break };
                let Some(width) = items.next().and_then(|o| number(doc, o)) else {
                    break;
                };
                entries += 1;
                out.insert(
                    first,
                    ((last.max(0.0) as u32).max(first), CidWidths::Same(width)),
                );
            }
            None => break,
        }
        if entries >= MAX_WIDTH_ENTRIES {
            break;
        }
    }
    out
}

fn cid_width(ranges: &BTreeMap<u32, (u32, CidWidths)>, cid: u32) -> Option<f32> {
    let (first, (last, widths)) = ranges.range(..=cid).next_back()?;
    if cid > *last {
        return None;
    }
    match widths {
        CidWidths::Same(w) => Some(*w),
        CidWidths::Each(list) => list.get((cid - first) as usize).copied(),
    }
}

/// The codespace ranges of an embedded CMap (`begincodespacerange <lo> <hi> … endcodespacerange`).
fn embedded_codespace(stream: &lopdf::Stream) -> CodeSpace {
    let Ok(data) = stream
        .decompressed_content_with_limit(MAX_CMAP_BYTES)
        .or_else(|_| stream.get_plain_content_with_limit(MAX_CMAP_BYTES))
    else {
        return CodeSpace::two_bytes();
    };
    let mut ranges = Vec::new();
    let mut rest = data.as_slice();
    while let Some(start) = find(rest, b"begincodespacerange") {
        rest = &rest[start + 19..];
        let end = find(rest, b"endcodespacerange").unwrap_or(rest.len());
        let hex: Vec<Vec<u8>> = hex_strings(&rest[..end]);
        for pair in hex.chunks_exact(2) {
            let (lo, hi) = (&pair[0], &pair[1]);
            if lo.len() == hi.len() && (1..=4).contains(&lo.len()) {
                let mut l = [0; 4];
                let mut h = [0; 4];
                l[..lo.len()].copy_from_slice(lo);
                h[..hi.len()].copy_from_slice(hi);
                ranges.push((lo.len(), l, h));
            }
            if ranges.len() >= MAX_CODESPACE_RANGES {
                break;
            }
        }
        rest = &rest[end..];
    }
    if ranges.is_empty() {
        CodeSpace::two_bytes()
    } else {
        CodeSpace { ranges }
    }
}

/// The `<…>` hexadecimal strings of a CMap fragment, decoded.
fn hex_strings(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = data[i..].iter().position(|&b| b == b'<') {
        let from = i + open + 1;
        let Some(close) = data[from..].iter().position(|&b| b == b'>') else {
            break;
        };
        let digits: Vec<u8> = data[from..from + close]
            .iter()
            .filter_map(|&b| (b as char).to_digit(16).map(|d| d as u8))
            .collect();
        out.push(
            digits
                .chunks(2)
                .map(|c| (c[0] << 4) | c.get(1).copied().unwrap_or(0))
                .collect(),
        );
        i = from + close + 1;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, dict.get(key).ok()?)
}

fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    resolve_dict(doc, dict.get(key).ok()?)
}

fn name<'a>(doc: &'a Document, o: Option<&'a Object>) -> Option<&'a [u8]> {
    resolve(doc, o?)?.as_name().ok()
}

/// A number (following a reference), finite.
pub(super) fn number(doc: &Document, o: &Object) -> Option<f32> {
    resolve(doc, o)?.as_float().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advances(m: &FontMetrics, bytes: &[u8]) -> Vec<f32> {
        let mut out = Vec::new();
        m.glyphs(bytes, usize::MAX, |g| {
            out.push((g.advance * 1000.0).round())
        });
        out
    }

    #[test]
    fn codespace_reads_mixed_lengths() {
        let cs = CodeSpace {
            ranges: vec![
                (1, [0, 0, 0, 0], [0x80, 0, 0, 0]),
                (2, [0x81, 0x40, 0, 0], [0xFE, 0xFE, 0, 0]),
            ],
        };
        assert_eq!(cs.code_len(b"A\x81\x41"), 1);
        assert_eq!(cs.code_len(b"\x81\x41"), 2);
        // Outside every range: the shortest length.
        assert_eq!(cs.code_len(b"\xFF\xFF"), 1);
    }

    #[test]
    fn hex_strings_decode() {
        assert_eq!(
            hex_strings(b"<00> <80>\n<8140><FEFE> <1>"),
            vec![
                vec![0],
                vec![0x80],
                vec![0x81, 0x40],
                vec![0xFE, 0xFE],
                vec![0x10]
            ]
        );
    }

    #[test]
    fn standard_fonts_without_widths() {
        let doc = Document::with_version("1.7");
        let mut f = Dictionary::new();
        f.set("Subtype", Object::Name(b"Type1".to_vec()));
        f.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        let m = FontMetrics::of(&doc, &f);
        assert_eq!(advances(&m, b"A i"), vec![667.0, 278.0, 222.0]);
        // No descriptor: the AFM ascender and descender.
        assert_eq!((m.ascent, m.descent), (0.718, -0.207));
        f.set("BaseFont", Object::Name(b"Courier-Bold".to_vec()));
        assert_eq!(
            advances(&FontMetrics::of(&doc, &f), b"W."),
            vec![600.0, 600.0]
        );
        f.set("BaseFont", Object::Name(b"ABCDEF+Times-Bold".to_vec()));
        assert_eq!(
            advances(&FontMetrics::of(&doc, &f), b"A\xE9"),
            vec![722.0, 500.0]
        );
        f.set("BaseFont", Object::Name(b"Symbol".to_vec()));
        assert_eq!(advances(&FontMetrics::of(&doc, &f), b"a"), vec![500.0]);
    }
}
