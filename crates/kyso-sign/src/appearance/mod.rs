//! Visible signature appearances (Decree 30/2020/NĐ-CP, Appendix I): PNG images with
//! transparency (the blue handwritten signature, the red seal) and text in an embedded subset
//! TrueType font (10 pt, black), drawn upright on pages of any size and `/Rotate`.
//!
//! Coordinates: a [`Rect`] is in PDF points. *User space* is the page's default coordinate
//! system (what a widget's `/Rect` uses); *visual space* is the page as a person sees it once
//! `/Rotate` is applied, origin at the visual bottom-left of the crop box. [`PageGeometry`]
//! converts between them. An [`AppearanceBuilder`] draws in visual space and
//! [`AppearanceBuilder::finish`] adds the rotation to the form XObject's content so the result
//! reads upright. [`placement`] finds blank space on a page for a box placed automatically.

mod font;
mod image;
pub mod placement;

use kyso_pdf::Appearance;
use kyso_pdf::lopdf::{Dictionary, Document, Object};

pub use font::{TextFont, VIETNAMESE_LETTERS};
pub use image::PngImage;

use crate::SignError;
use font::FontUse;

/// Points per millimetre.
pub const POINTS_PER_MM: f32 = 72.0 / 25.4;

/// A rectangle in PDF points: lower-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Bottom edge.
    pub y: f32,
    /// Width (positive).
    pub width: f32,
    /// Height (positive).
    pub height: f32,
}

impl Rect {
    /// A rectangle from its lower-left corner and size.
    pub fn new(x: f32, y: f32, width: f32, height: f32) -> Self {
        Self {
            x,
            y,
            width,
            height,
        }
    }

    /// From two opposite corners in any order (a PDF `/Rect` array).
    pub fn from_corners([x1, y1, x2, y2]: [f32; 4]) -> Self {
        Self::new(x1.min(x2), y1.min(y2), (x2 - x1).abs(), (y2 - y1).abs())
    }

    /// `[llx lly urx ury]`.
    pub fn corners(&self) -> [f32; 4] {
        [self.x, self.y, self.x + self.width, self.y + self.height]
    }

    /// Right edge.
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    /// Top edge.
    pub fn top(&self) -> f32 {
        self.y + self.height
    }

    /// Area of the overlap with `other` (0 when they only touch or are apart).
    pub fn overlap_area(&self, other: &Rect) -> f32 {
        let w = self.right().min(other.right()) - self.x.max(other.x);
        let h = self.top().min(other.top()) - self.y.max(other.y);
        if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
    }

    /// The largest rectangle of aspect ratio `aspect` (width / height) centred in this one.
    pub fn fit(&self, aspect: f32) -> Rect {
        if self.width / self.height > aspect {
            let w = self.height * aspect;
            Rect::new(self.x + (self.width - w) / 2.0, self.y, w, self.height)
        } else {
            let h = self.width / aspect;
            Rect::new(self.x, self.y + (self.height - h) / 2.0, self.width, h)
        }
    }
}

/// A page's `/Rotate`, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    /// Upright.
    #[default]
    R0,
    /// Shown turned 90° clockwise.
    R90,
    /// Upside down.
    R180,
    /// Shown turned 270° clockwise (90° counter-clockwise).
    R270,
}

impl Rotation {
    /// From a `/Rotate` value (any multiple of 90, negative too; others count as 0).
    pub fn from_degrees(degrees: i64) -> Self {
        match degrees.rem_euclid(360) {
            90 => Self::R90,
            180 => Self::R180,
            270 => Self::R270,
            _ => Self::R0,
        }
    }

    /// Degrees clockwise.
    pub fn degrees(self) -> u32 {
        match self {
            Self::R0 => 0,
            Self::R90 => 90,
            Self::R180 => 180,
            Self::R270 => 270,
        }
    }

    fn quarter_turn(self) -> bool {
        matches!(self, Self::R90 | Self::R270)
    }
}

/// A page's visible box and rotation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageGeometry {
    /// The crop box (or media box) in user space.
    pub bbox: Rect,
    /// `/Rotate`.
    pub rotation: Rotation,
}

impl PageGeometry {
    /// Read page `page` (1-based) of `doc`: `/CropBox` (else `/MediaBox`, else A4) and
    /// `/Rotate`, inherited from the page tree as ISO 32000-1 §7.7.3.4 says.
    pub fn of_page(doc: &Document, page: u32) -> Result<Self, SignError> {
        let pages = kyso_pdf::load::page_ids(doc);
        let id = *pages
            .get(page.saturating_sub(1) as usize)
            .filter(|_| page >= 1)
            .ok_or(kyso_pdf::PdfError::NoSuchPage {
                page,
                count: pages.len() as u32,
            })?;
        let bbox = kyso_pdf::load::inherited(doc, id, b"CropBox")
            .or_else(|| kyso_pdf::load::inherited(doc, id, b"MediaBox"))
            .and_then(|o| number_array(doc, o))
            .map(Rect::from_corners)
            .filter(|r| r.width > 0.0 && r.height > 0.0)
            .unwrap_or(Rect::new(0.0, 0.0, 595.276, 841.89));
        let rotation = kyso_pdf::load::inherited(doc, id, b"Rotate")
            .and_then(|o| kyso_pdf::load::resolve(doc, o))
            .and_then(|o| o.as_i64().ok())
            .map(Rotation::from_degrees)
            .unwrap_or_default();
        Ok(Self { bbox, rotation })
    }

    /// Width and height as seen.
    pub fn visual_size(&self) -> (f32, f32) {
        if self.rotation.quarter_turn() {
            (self.bbox.height, self.bbox.width)
        } else {
            (self.bbox.width, self.bbox.height)
        }
    }

    fn point_to_user(&self, u: f32, v: f32) -> (f32, f32) {
        let Rect {
            x: x0,
            y: y0,
            width: w,
            height: h,
        } = self.bbox;
        // The inverse of point_to_visual, case by case.
        match self.rotation {
            Rotation::R0 => (x0 + u, y0 + v),
            Rotation::R90 => (x0 + w - v, y0 + u),
            Rotation::R180 => (x0 + w - u, y0 + h - v),
            Rotation::R270 => (x0 + v, y0 + h - u),
        }
    }

    fn point_to_visual(&self, x: f32, y: f32) -> (f32, f32) {
        let Rect {
            x: x0,
            y: y0,
            width: w,
            height: h,
        } = self.bbox;
        let (x, y) = (x - x0, y - y0);
        match self.rotation {
            Rotation::R0 => (x, y),
            Rotation::R90 => (y, w - x),
            Rotation::R180 => (w - x, h - y),
            Rotation::R270 => (h - y, x),
        }
    }

    /// A visual-space rectangle in user space.
    pub fn to_user(&self, r: Rect) -> Rect {
        let (x1, y1) = self.point_to_user(r.x, r.y);
        let (x2, y2) = self.point_to_user(r.right(), r.top());
        Rect::from_corners([x1, y1, x2, y2])
    }

    /// A user-space rectangle in visual space.
    pub fn to_visual(&self, r: Rect) -> Rect {
        let (u1, v1) = self.point_to_visual(r.x, r.y);
        let (u2, v2) = self.point_to_visual(r.right(), r.top());
        Rect::from_corners([u1, v1, u2, v2])
    }
}

fn number_array(doc: &Document, o: &Object) -> Option<[f32; 4]> {
    let items = kyso_pdf::load::resolve(doc, o)?.as_array().ok()?;
    let mut out = [0.0; 4];
    if items.len() != 4 {
        return None;
    }
    for (slot, item) in out.iter_mut().zip(items) {
        *slot = match kyso_pdf::load::resolve(doc, item)? {
            Object::Integer(i) => *i as f32,
            Object::Real(r) => *r,
            _ => return None,
        };
    }
    Some(out)
}

/// zlib-compress (`/FlateDecode`).
pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 9)
}

/// Format a number for a content stream (at most 4 decimals, no exponent).
fn num(v: f32) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Draws one widget's appearance in visual space: a box `width` × `height` points, origin at
/// its visual bottom-left.
pub struct AppearanceBuilder {
    width: f32,
    height: f32,
    content: String,
    xobjects: Dictionary,
    extra: Vec<Object>,
    font: Option<FontUse>,
}

impl AppearanceBuilder {
    /// An empty appearance of the given visual size.
    pub fn new(width: f32, height: f32) -> Self {
        Self {
            width,
            height,
            content: String::new(),
            xobjects: Dictionary::new(),
            extra: Vec::new(),
            font: None,
        }
    }

    /// Visual width.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// Visual height.
    pub fn height(&self) -> f32 {
        self.height
    }

    fn add(&mut self, object: Object) -> Object {
        self.extra.push(object);
        Object::Reference((u32::MAX - (self.extra.len() as u32 - 1), 0))
    }

    /// Draw `image` into `at` (box coordinates), stretched to it: use [`Rect::fit`] first to
    /// keep the aspect ratio. Transparent pixels stay transparent.
    pub fn image(&mut self, image: &PngImage, at: Rect) {
        let smask_slot = Object::Reference((u32::MAX - (self.extra.len() as u32 + 1), 0));
        let (img, smask) = image.to_objects(smask_slot);
        let img_ref = self.add(img);
        if let Some(mask) = smask {
            self.add(mask);
        }
        let name = format!("Im{}", self.xobjects.len() + 1);
        self.xobjects.set(name.as_bytes(), img_ref);
        self.content.push_str(&format!(
            "q {} 0 0 {} {} {} cm /{name} Do Q\n",
            num(at.width),
            num(at.height),
            num(at.x),
            num(at.y)
        ));
    }

    /// Draw a black frame of `line_width` points along the inside of `at` (box coordinates).
    pub fn frame(&mut self, at: Rect, line_width: f32) {
        let half = line_width / 2.0;
        self.content.push_str(&format!(
            "q 0 G {} w {} {} {} {} re S Q\n",
            num(line_width),
            num(at.x + half),
            num(at.y + half),
            num((at.width - line_width).max(0.0)),
            num((at.height - line_width).max(0.0))
        ));
    }

    /// Draw one line of black text with its baseline starting at (`x`, `y`), `size` points.
    /// One font per appearance.
    pub fn text(
        &mut self,
        font: &TextFont,
        x: f32,
        y: f32,
        size: f32,
        text: &str,
    ) -> Result<(), SignError> {
        let usage = match &mut self.font {
            Some(u) => {
                if u.font().postscript_name() != font.postscript_name() {
                    return Err(SignError::Appearance(
                        "one font per signature appearance".into(),
                    ));
                }
                u
            }
            None => self.font.insert(FontUse::new(font.clone())),
        };
        let encoded = usage.encode(text)?;
        let hex: String = encoded.iter().map(|b| format!("{b:02X}")).collect();
        self.content.push_str(&format!(
            "BT 0 g /F1 {} Tf {} {} Td <{hex}> Tj ET\n",
            num(size),
            num(x),
            num(y)
        ));
        Ok(())
    }

    /// The finished appearance for a widget on a page with `rotation`. Its `/Rect` (user
    /// space) must be [`PageGeometry::to_user`] of the visual rectangle this box is drawn
    /// into: the content is turned so it reads upright on the rotated page.
    pub fn finish(mut self, rotation: Rotation) -> Result<Appearance, SignError> {
        let (w, h) = (self.width, self.height);
        let matrix = match rotation {
            Rotation::R0 => None,
            // User-space box is h wide and w high; see PageGeometry::point_to_user.
            Rotation::R90 => Some(format!("0 1 -1 0 {} 0", num(h))),
            Rotation::R180 => Some(format!("-1 0 0 -1 {} {}", num(w), num(h))),
            Rotation::R270 => Some(format!("0 -1 1 0 0 {}", num(w))),
        };
        let mut resources = Dictionary::new();
        if let Some(usage) = self.font.take() {
            let mut extra = std::mem::take(&mut self.extra);
            let type0 = usage.finish(&mut |o| {
                extra.push(o);
                Object::Reference((u32::MAX - (extra.len() as u32 - 1), 0))
            })?;
            extra.push(Object::Dictionary(type0));
            let font_ref = Object::Reference((u32::MAX - (extra.len() as u32 - 1), 0));
            self.extra = extra;
            let mut fonts = Dictionary::new();
            fonts.set("F1", font_ref);
            resources.set("Font", Object::Dictionary(fonts));
        }
        if !self.xobjects.is_empty() {
            resources.set("XObject", Object::Dictionary(self.xobjects));
        }
        let mut content = String::new();
        match matrix {
            Some(m) => {
                content.push_str(&format!("q {m} cm\n"));
                content.push_str(&self.content);
                content.push_str("Q\n");
            }
            None => content.push_str(&self.content),
        }
        Ok(Appearance {
            content: content.into_bytes(),
            resources,
            extra_objects: self.extra,
        })
    }
}

/// Greedy word wrap to `width` points; a word longer than a line is cut between characters.
pub fn wrap_text(
    font: &TextFont,
    text: &str,
    width: f32,
    size: f32,
) -> Result<Vec<String>, SignError> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.width(&candidate, size)? <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: cut it where it overflows.
        for ch in word.chars() {
            let longer = format!("{line}{ch}");
            if !line.is_empty() && font.width(&longer, size)? > width {
                lines.push(std::mem::take(&mut line));
                line.push(ch);
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_round_trips() {
        let bbox = Rect::new(10.0, 20.0, 595.0, 842.0);
        let r = Rect::new(300.0, 400.0, 150.0, 40.0);
        for rot in [Rotation::R0, Rotation::R90, Rotation::R180, Rotation::R270] {
            let g = PageGeometry {
                bbox,
                rotation: rot,
            };
            let user = g.to_user(r);
            let back = g.to_visual(user);
            assert!((back.x - r.x).abs() < 1e-3, "{rot:?} {back:?}");
            assert!((back.y - r.y).abs() < 1e-3, "{rot:?} {back:?}");
            assert!((back.width - r.width).abs() < 1e-3);
            assert!((back.height - r.height).abs() < 1e-3);
            // The user rectangle lies inside the page box.
            assert!(
                user.x >= bbox.x && user.right() <= bbox.right() + 1e-3,
                "{rot:?}"
            );
            assert!(
                user.y >= bbox.y && user.top() <= bbox.top() + 1e-3,
                "{rot:?}"
            );
        }
    }

    #[test]
    fn rotate_90_top_right_is_user_top_left() {
        // Shown turned 90° clockwise, the user-space top-left corner is seen at the top right.
        let g = PageGeometry {
            bbox: Rect::new(0.0, 0.0, 600.0, 800.0),
            rotation: Rotation::R90,
        };
        // Visual page is 800 wide, 600 high; its top-right corner (800, 600) is user (0, 800).
        assert_eq!(g.point_to_user(800.0, 600.0), (0.0, 800.0));
        assert_eq!(g.point_to_user(0.0, 0.0), (600.0, 0.0));
    }

    #[test]
    fn fit_keeps_aspect() {
        let r = Rect::new(0.0, 0.0, 200.0, 50.0).fit(2.0);
        assert_eq!(r, Rect::new(50.0, 0.0, 100.0, 50.0));
        let r = Rect::new(0.0, 0.0, 100.0, 100.0).fit(2.0);
        assert_eq!(r, Rect::new(0.0, 25.0, 100.0, 50.0));
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(num(10.0), "10");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(num(595.275_6), "595.2756");
    }
}
