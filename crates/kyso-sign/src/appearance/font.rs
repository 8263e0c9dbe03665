//! An embedded, subset TrueType font for signature text: a Type0 font with a CIDFontType2
//! descendant, `Identity-H` encoding and a `/ToUnicode` CMap (ISO 32000-1 §9.7, §9.10.3), so
//! viewers draw exactly the glyphs chosen here and text extraction gives back the Vietnamese
//! text.
//!
//! [`TextFont::builtin`] is Liberation Serif 2.1.5 Regular (metric-compatible with Times New
//! Roman, every Vietnamese letter), compiled into the library under the SIL Open Font License
//! 1.1 (`fonts/OFL.txt` next to the font in this crate): text blocks need no system font on any
//! platform, WASM included. Only the glyphs an appearance uses are embedded (a few kilobytes).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use kyso_pdf::lopdf::{Dictionary, Object, Stream, StringFormat};
use subsetter::GlyphRemapper;

use crate::SignError;

/// A TrueType font (glyph outlines in `glyf`), e.g. Liberation Serif (metric-compatible with
/// Times New Roman, as Decree 30 asks) or Tinos.
#[derive(Clone)]
pub struct TextFont {
    data: Arc<[u8]>,
    index: u32,
    units_per_em: f32,
    postscript_name: String,
}

impl std::fmt::Debug for TextFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextFont")
            .field("postscript_name", &self.postscript_name)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Liberation Serif 2.1.5 Regular, as Debian's `fonts-liberation2` 2.1.5-1 ships it.
static BUILTIN_TTF: &[u8] = include_bytes!("../../fonts/LiberationSerif-Regular.ttf");

/// Every Vietnamese letter with its diacritics, lower and upper case (and đ/Đ), precomposed
/// (NFC): a font for signature text must have all of them. Liberation Serif 1.07 (Debian's
/// `fonts-liberation`) lacks some (e.g. `Ụ`); 2.x and Tinos have them all.
pub const VIETNAMESE_LETTERS: &str = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợ\
uùúủũụưừứửữựyỳýỷỹỵđAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰ\
YỲÝỶỸỴĐ";

impl TextFont {
    /// The font compiled into the library: Liberation Serif 2.1.5 Regular (SIL Open Font
    /// License 1.1), metric-compatible with Times New Roman as Decree 30 asks, with every
    /// Vietnamese letter. Parsed once; clones share the bytes.
    pub fn builtin() -> Result<Self, SignError> {
        static FONT: OnceLock<Result<TextFont, String>> = OnceLock::new();
        FONT.get_or_init(|| Self::parse(Arc::from(BUILTIN_TTF)).map_err(|e| e.to_string()))
            .clone()
            .map_err(|e| SignError::Appearance(format!("built-in font: {e}")))
    }

    /// Parse a `.ttf` file (face 0). Fonts with CFF outlines are refused: they would need
    /// `/FontFile3`.
    pub fn from_bytes(data: Vec<u8>) -> Result<Self, SignError> {
        Self::parse(data.into())
    }

    /// The letters of [`VIETNAMESE_LETTERS`] this font has no glyph for (empty when it can
    /// write all Vietnamese text).
    pub fn missing_vietnamese_letters(&self) -> Result<String, SignError> {
        let face = self.face()?;
        Ok(VIETNAMESE_LETTERS
            .chars()
            .filter(|&c| face.glyph_index(c).is_none())
            .collect())
    }

    fn parse(data: Arc<[u8]>) -> Result<Self, SignError> {
        let face = ttf_parser::Face::parse(&data, 0)
            .map_err(|e| SignError::Appearance(format!("font: {e}")))?;
        if face.tables().glyf.is_none() {
            return Err(SignError::Appearance(
                "font: only TrueType outlines (glyf) are supported".into(),
            ));
        }
        let postscript_name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .map(|n| {
                n.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "KysoFont".into());
        Ok(Self {
            units_per_em: f32::from(face.units_per_em().max(1)),
            data,
            index: 0,
            postscript_name,
        })
    }

    /// The PostScript name (`LiberationSerif`).
    pub fn postscript_name(&self) -> &str {
        &self.postscript_name
    }

    fn face(&self) -> Result<ttf_parser::Face<'_>, SignError> {
        ttf_parser::Face::parse(&self.data, self.index)
            .map_err(|e| SignError::Appearance(format!("font: {e}")))
    }

    /// Glyph ids and advance widths (in 1/1000 em) of `text`, one per character. Fails on a
    /// character the font lacks (text is not normalised: give precomposed, NFC, Vietnamese).
    pub fn glyphs(&self, text: &str) -> Result<Vec<(char, u16, f32)>, SignError> {
        let face = self.face()?;
        text.chars()
            .map(|c| {
                let gid = face.glyph_index(c).ok_or_else(|| {
                    SignError::Appearance(format!(
                        "font {} has no glyph for {c:?} (U+{:04X})",
                        self.postscript_name, c as u32
                    ))
                })?;
                let advance = face.glyph_hor_advance(gid).unwrap_or(0);
                Ok((c, gid.0, f32::from(advance) * 1000.0 / self.units_per_em))
            })
            .collect()
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> Result<f32, SignError> {
        Ok(self
            .glyphs(text)?
            .iter()
            .map(|(_, _, w)| w * size / 1000.0)
            .sum())
    }
}

/// The glyphs one appearance uses from a font, numbered as they will be in the subset.
pub(crate) struct FontUse {
    font: TextFont,
    remapper: GlyphRemapper,
    /// New glyph id → (text it stands for, width in 1/1000 em).
    used: BTreeMap<u16, (char, f32)>,
}

impl FontUse {
    pub(crate) fn new(font: TextFont) -> Self {
        Self {
            font,
            remapper: GlyphRemapper::new(),
            used: BTreeMap::new(),
        }
    }

    pub(crate) fn font(&self) -> &TextFont {
        &self.font
    }

    /// The `Identity-H` string (two bytes per glyph, subset glyph ids) showing `text`.
    pub(crate) fn encode(&mut self, text: &str) -> Result<Vec<u8>, SignError> {
        let mut out = Vec::new();
        for (c, gid, width) in self.font.glyphs(text)? {
            let new = self.remapper.remap(gid);
            self.used.entry(new).or_insert((c, width));
            out.extend_from_slice(&new.to_be_bytes());
        }
        Ok(out)
    }

    /// The font objects: returns the Type0 font dictionary; `add` numbers the other objects
    /// (font file, descriptor, descendant font, CMap) and returns references to them.
    pub(crate) fn finish(
        self,
        add: &mut dyn FnMut(Object) -> Object,
    ) -> Result<Dictionary, SignError> {
        let face = self.font.face()?;
        let subset = subsetter::subset(&self.font.data, self.font.index, &self.remapper)
            .map_err(|e| SignError::Appearance(format!("font subset: {e:?}")))?;
        let scale = 1000.0 / self.font.units_per_em;
        let scaled = |v: i16| Object::Integer((f32::from(v) * scale).round() as i64);

        // Subset tag: six capitals derived from the glyph set (ISO 32000-1 §9.6.4).
        let mut hash: u32 = 2_166_136_261;
        for gid in self.remapper.remapped_gids() {
            for b in gid.to_be_bytes() {
                hash = (hash ^ u32::from(b)).wrapping_mul(16_777_619);
            }
        }
        let tag: String = (0..6)
            .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
            .collect();
        let base_font = format!("{tag}+{}", self.font.postscript_name);

        let mut file_dict = Dictionary::new();
        file_dict.set("Length1", Object::Integer(subset.len() as i64));
        file_dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let file_ref = add(Object::Stream(Stream::new(
            file_dict,
            super::deflate(&subset),
        )));

        let bbox = face.global_bounding_box();
        let mut descriptor = Dictionary::new();
        descriptor.set("Type", Object::Name(b"FontDescriptor".to_vec()));
        descriptor.set("FontName", Object::Name(base_font.as_bytes().to_vec()));
        // Serif | Symbolic (a CID font's glyphs are not in the standard Latin set).
        descriptor.set("Flags", Object::Integer(2 | 4));
        descriptor.set(
            "FontBBox",
            Object::Array(vec![
                scaled(bbox.x_min),
                scaled(bbox.y_min),
                scaled(bbox.x_max),
                scaled(bbox.y_max),
            ]),
        );
        descriptor.set("ItalicAngle", Object::Real(face.italic_angle()));
        descriptor.set("Ascent", scaled(face.ascender()));
        descriptor.set("Descent", scaled(face.descender()));
        descriptor.set(
            "CapHeight",
            scaled(face.capital_height().unwrap_or(face.ascender())),
        );
        descriptor.set("StemV", Object::Integer(80));
        descriptor.set("FontFile2", file_ref);
        let descriptor_ref = add(Object::Dictionary(descriptor));

        let mut widths = Vec::new();
        let mut run: Option<(u16, Vec<Object>)> = None;
        for (&gid, &(_, w)) in &self.used {
            match &mut run {
                Some((start, ws)) if *start as usize + ws.len() == gid as usize => {
                    ws.push(Object::Integer(w.round() as i64));
                }
                _ => {
                    if let Some((start, ws)) = run.take() {
                        widths.push(Object::Integer(i64::from(start)));
                        widths.push(Object::Array(ws));
                    }
                    run = Some((gid, vec![Object::Integer(w.round() as i64)]));
                }
            }
        }
        if let Some((start, ws)) = run {
            widths.push(Object::Integer(i64::from(start)));
            widths.push(Object::Array(ws));
        }
        let mut system_info = Dictionary::new();
        system_info.set(
            "Registry",
            Object::String(b"Adobe".to_vec(), StringFormat::Literal),
        );
        system_info.set(
            "Ordering",
            Object::String(b"Identity".to_vec(), StringFormat::Literal),
        );
        system_info.set("Supplement", Object::Integer(0));
        let mut cid_font = Dictionary::new();
        cid_font.set("Type", Object::Name(b"Font".to_vec()));
        cid_font.set("Subtype", Object::Name(b"CIDFontType2".to_vec()));
        cid_font.set("BaseFont", Object::Name(base_font.as_bytes().to_vec()));
        cid_font.set("CIDSystemInfo", Object::Dictionary(system_info));
        cid_font.set("FontDescriptor", descriptor_ref);
        cid_font.set("DW", Object::Integer(0));
        cid_font.set("W", Object::Array(widths));
        cid_font.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
        let cid_ref = add(Object::Dictionary(cid_font));

        let mut cmap_dict = Dictionary::new();
        cmap_dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let cmap_ref = add(Object::Stream(Stream::new(
            cmap_dict,
            super::deflate(to_unicode_cmap(&self.used).as_bytes()),
        )));

        let mut type0 = Dictionary::new();
        type0.set("Type", Object::Name(b"Font".to_vec()));
        type0.set("Subtype", Object::Name(b"Type0".to_vec()));
        type0.set("BaseFont", Object::Name(base_font.as_bytes().to_vec()));
        type0.set("Encoding", Object::Name(b"Identity-H".to_vec()));
        type0.set("DescendantFonts", Object::Array(vec![cid_ref]));
        type0.set("ToUnicode", cmap_ref);
        Ok(type0)
    }
}

/// A `/ToUnicode` CMap mapping each subset glyph id to its character (Adobe TN 5411).
fn to_unicode_cmap(used: &BTreeMap<u16, (char, f32)>) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<_> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (gid, (c, _)) in chunk {
            let mut units = [0u16; 2];
            let hex: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(s, "<{gid:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The font the tests draw with: the built-in one.
    pub(crate) fn test_font() -> TextFont {
        TextFont::builtin().expect("the built-in font parses")
    }

    #[test]
    fn builtin_font_is_liberation_serif_with_every_vietnamese_letter() {
        let font = test_font();
        assert_eq!(font.postscript_name(), "LiberationSerif");
        assert_eq!(font.missing_vietnamese_letters().unwrap(), "");
        // Times New Roman metrics: the em is 2048 units, "a" is 0.444 em wide.
        assert!((font.width("a", 1000.0).unwrap() - 444.0).abs() < 1.0);
        // A font from a file is checked the same way.
        let again = TextFont::from_bytes(BUILTIN_TTF.to_vec()).unwrap();
        assert_eq!(again.missing_vietnamese_letters().unwrap(), "");
    }

    #[test]
    fn subset_font_maps_back_to_the_vietnamese_text() {
        let font = test_font();
        let text = "Sở Khoa học và Công nghệ — SAO LỤC, TRÍCH SAO, Đắk Lắk";
        let mut usage = FontUse::new(font.clone());
        let encoded = usage.encode(text).unwrap();
        assert_eq!(encoded.len(), 2 * text.chars().count());
        // Repeated letters reuse their glyph id.
        assert_eq!(encoded[0..2], usage.encode("S").unwrap()[..]);
        let mut objects = Vec::new();
        let type0 = usage
            .finish(&mut |o| {
                objects.push(o);
                Object::Reference((objects.len() as u32, 0))
            })
            .unwrap();
        assert_eq!(
            type0.get(b"Encoding").unwrap().as_name().unwrap(),
            b"Identity-H"
        );
        // File, descriptor, CID font, CMap.
        assert_eq!(objects.len(), 4);
        let Object::Stream(file) = &objects[0] else {
            panic!()
        };
        let subset = miniz_oxide::inflate::decompress_to_vec_zlib(&file.content).unwrap();
        // Liberation Serif is 393 576 bytes; the subset of these 35 glyphs is a few kilobytes,
        // and compressed it is what the signed file grows by.
        assert!(
            subset.len() < BUILTIN_TTF.len() / 20,
            "subset is {} bytes",
            subset.len()
        );
        assert!(file.content.len() < 12_000, "{} bytes", file.content.len());
        let face = ttf_parser::Face::parse(&subset, 0).expect("the subset is a font");
        assert!(face.number_of_glyphs() as usize <= text.chars().count() + 16);
        // Without its character map the subset writes no text: such a font file is refused
        // for lack of Vietnamese letters.
        let missing = TextFont::from_bytes(subset.clone())
            .unwrap()
            .missing_vietnamese_letters()
            .unwrap();
        assert_eq!(missing, VIETNAMESE_LETTERS);
        let Object::Stream(cmap) = &objects[3] else {
            panic!()
        };
        let cmap =
            String::from_utf8(miniz_oxide::inflate::decompress_to_vec_zlib(&cmap.content).unwrap())
                .unwrap();
        // Decode the shown string through the CMap: the text comes back exactly.
        let map: BTreeMap<String, char> = cmap
            .lines()
            .filter_map(|l| {
                let (g, u) = l.strip_prefix('<')?.split_once("> <")?;
                let u = u32::from_str_radix(u.strip_suffix('>')?, 16).ok()?;
                Some((g.to_string(), char::from_u32(u)?))
            })
            .collect();
        let back: String = encoded
            .chunks(2)
            .map(|g| map[&format!("{:02X}{:02X}", g[0], g[1])])
            .collect();
        assert_eq!(back, text);
    }

    #[test]
    fn missing_glyph_is_an_error() {
        let font = test_font();
        let err = font.glyphs("Phụ lục Ⅰ").unwrap_err().to_string();
        assert!(err.contains("U+2160"), "{err}");
    }
}
