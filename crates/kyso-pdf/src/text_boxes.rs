//! Where a page already carries marks: approximate boxes of its text, images and vector graphics,
//! in the page's default user space, read from its content streams. Used to put a signature's
//! text block or stamp in blank space rather than over the letterhead.
//!
//! The content is interpreted far enough to know positions: `q`/`Q`, `cm`, the text operators
//! (`BT`/`ET`, `Tf`, `Tm`, `Td`/`TD`/`T*`, `TL`, `Tc`, `Tw`, `Tz`, `Ts`, `Tj`/`TJ`/`'`/`"`),
//! image XObjects and inline images (the unit square under the current transformation), form
//! XObjects (with their `/Matrix` and `/Resources`, to a fixed depth) and paths. A text box is
//! the extent of a shown string: the font size × the text matrix × the transformation, advances
//! from the font's `/Widths` (simple fonts) or `/W` and `/DW` (composite fonts), the standard 14
//! fonts' metrics when a font has no widths, else half an em per byte; height from the font
//! descriptor's ascent and descent. Word spaces at the ends of a string and wide gaps inside it
//! (more than [`GAP_EMS`] ems) leave no box, so text laid out with spaces gives one box per
//! piece.
//!
//! Hostile content costs bounded work ([`ContentLimits`]): a limit reached, an unreadable stream
//! or a panic in the parser ends the reading and what was found so far is returned, marked
//! incomplete.

mod fonts;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use crate::PdfError;
use crate::load::{page_ids, resolve, resolve_dict};
use fonts::{FontMetrics, number};

/// A gap inside a shown string wider than this many ems (of the font size) splits its box.
pub const GAP_EMS: f32 = 1.5;

/// What made a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoxKind {
    /// Shown text (invisible text too: the OCR layer of a scan lies where its text is).
    Text,
    /// An image XObject or inline image.
    Image,
    /// A stroked or filled path (lines, frames, rectangles, vector logos).
    Graphics,
}

/// One mark's bounding box in default user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContentBox {
    /// What it is.
    pub kind: BoxKind,
    /// `[llx lly urx ury]`.
    pub rect: [f32; 4],
}

/// The marks of a page.
#[derive(Debug, Clone, Default)]
pub struct PageContent {
    /// The boxes, in content order.
    pub boxes: Vec<ContentBox>,
    /// `false` when the reading stopped early (a limit, an unreadable stream): the page may
    /// carry marks that are not in `boxes`.
    pub complete: bool,
}

/// Bounds on the work of [`page_content_boxes_with`].
#[derive(Debug, Clone, Copy)]
pub struct ContentLimits {
    /// Operators interpreted, form XObjects' included.
    pub max_operations: usize,
    /// Decoded bytes of content streams, form XObjects' included (each use counts).
    pub max_content_bytes: usize,
    /// Nesting of form XObjects (1: forms drawn by the page, not forms inside them).
    pub max_form_depth: usize,
    /// `q` nesting kept (deeper saves are counted, not stored).
    pub max_state_depth: usize,
    /// Boxes returned.
    pub max_boxes: usize,
}

impl Default for ContentLimits {
    fn default() -> Self {
        Self {
            max_operations: 500_000,
            max_content_bytes: 16 * 1024 * 1024,
            max_form_depth: 2,
            max_state_depth: 64,
            max_boxes: 50_000,
        }
    }
}

/// The marks of page `page` (1-based) of `doc`, with [`ContentLimits::default`].
pub fn page_content_boxes(doc: &Document, page: u32) -> Result<PageContent, PdfError> {
    let pages = page_ids(doc);
    let id = *pages
        .get(page.saturating_sub(1) as usize)
        .filter(|_| page >= 1)
        .ok_or(PdfError::NoSuchPage {
            page,
            count: pages.len() as u32,
        })?;
    Ok(page_content_boxes_with(doc, id, &ContentLimits::default()))
}

/// The marks of the page object `page_id`, within `limits`.
pub fn page_content_boxes_with(
    doc: &Document,
    page_id: ObjectId,
    limits: &ContentLimits,
) -> PageContent {
    let mut boxes = Vec::new();
    let mut reader = Reader {
        doc,
        limits: *limits,
        operations: 0,
        bytes: 0,
        fonts: HashMap::new(),
        boxes: &mut boxes,
        complete: true,
    };
    // lopdf is not hardened against every hostile input: a panic ends the reading, the boxes
    // found so far stay.
    let complete = catch_unwind(AssertUnwindSafe(|| {
        let Some(page) = doc.objects.get(&page_id).and_then(|o| o.as_dict().ok()) else {
            return false;
        };
        let resources =
            crate::load::inherited(doc, page_id, b"Resources").and_then(|o| resolve_dict(doc, o));
        let content = reader.page_content(page);
        reader.run(&content, resources, GState::default(), 0);
        reader.complete
    }))
    .unwrap_or(false);
    PageContent { boxes, complete }
}

/// An affine matrix `[a b c d e f]`, PDF convention (row vector × matrix).
type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: first `m`, then `n`.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

fn translate(x: f32, y: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, x, y]
}

/// The box of a rectangle of `m`'s source space, in its target space.
fn bounds(m: &Matrix, x0: f32, y0: f32, x1: f32, y1: f32) -> Option<[f32; 4]> {
    let corners = [
        apply(m, x0, y0),
        apply(m, x1, y0),
        apply(m, x0, y1),
        apply(m, x1, y1),
    ];
    let mut r = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
    for (x, y) in corners {
        r = [r[0].min(x), r[1].min(y), r[2].max(x), r[3].max(y)];
    }
    r.iter().all(|v| v.is_finite()).then_some(r)
}

/// The graphics state the reading needs (text state parameters are part of it).
#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<FontMetrics>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    /// `Tz` / 100.
    h_scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GState {
    fn default() -> Self {
        Self {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// The text object's matrices (not part of the graphics state).
struct Text {
    tm: Matrix,
    tlm: Matrix,
}

/// A path being built: its extent in user space.
#[derive(Default)]
struct Path {
    extent: Option<[f32; 4]>,
}

impl Path {
    fn add(&mut self, ctm: &Matrix, x: f32, y: f32) {
        let (x, y) = apply(ctm, x, y);
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let e = self.extent.get_or_insert([x, y, x, y]);
        *e = [e[0].min(x), e[1].min(y), e[2].max(x), e[3].max(y)];
    }
}

struct Reader<'a, 'b> {
    doc: &'a Document,
    limits: ContentLimits,
    operations: usize,
    bytes: usize,
    /// Font metrics by font object, read once.
    fonts: HashMap<ObjectId, Rc<FontMetrics>>,
    boxes: &'b mut Vec<ContentBox>,
    complete: bool,
}

impl<'a> Reader<'a, '_> {
    /// A page's content streams, decoded and joined, within the byte budget.
    fn page_content(&mut self, page: &'a Dictionary) -> Vec<u8> {
        let streams: Vec<&Stream> = match page
            .get(b"Contents")
            .ok()
            .and_then(|o| resolve(self.doc, o))
        {
            Some(Object::Stream(s)) => vec![s],
            Some(Object::Array(items)) => items
                .iter()
                .filter_map(|o| resolve(self.doc, o)?.as_stream().ok())
                .collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for s in streams {
            // An unreadable stream is skipped (the reading is then incomplete).
            if let Some(data) = self.decode(s) {
                out.extend_from_slice(&data);
                // Streams of one page may split between tokens, never inside one.
                out.push(b'\n');
            }
        }
        out
    }

    /// One stream's decoded content, charged to the byte budget; `None` when over it or
    /// undecodable (the reading is then incomplete).
    fn decode(&mut self, s: &Stream) -> Option<Vec<u8>> {
        let remaining = self.limits.max_content_bytes.saturating_sub(self.bytes);
        match s.decompressed_content_with_limit(remaining) {
            Ok(data) => {
                self.bytes += data.len();
                Some(data)
            }
            Err(_) => {
                self.complete = false;
                None
            }
        }
    }

    fn push(&mut self, kind: BoxKind, rect: Option<[f32; 4]>) {
        let Some(rect) = rect else { return };
        if self.boxes.len() >= self.limits.max_boxes {
            self.complete = false;
            return;
        }
        self.boxes.push(ContentBox { kind, rect });
    }

    fn run(&mut self, content: &[u8], resources: Option<&'a Dictionary>, gs: GState, depth: usize) {
        let mut gs = gs;
        let mut saved: Vec<GState> = Vec::new();
        // Saves beyond the depth limit: their restores must not pop a kept state.
        let mut unsaved = 0usize;
        let mut text = Text {
            tm: IDENTITY,
            tlm: IDENTITY,
        };
        let mut path = Path::default();
        for op in Content::decode_iter(content) {
            let Ok(op) = op else {
                self.complete = false;
                break;
            };
            self.operations += 1;
            if self.operations > self.limits.max_operations
                || self.boxes.len() >= self.limits.max_boxes
            {
                self.complete = false;
                break;
            }
            let args = &op.operands;
            let nums = |n: usize| -> Option<Vec<f32>> {
                (args.len() >= n).then(|| {
                    args[args.len() - n..]
                        .iter()
                        .map(|o| o.as_float().ok().filter(|v| v.is_finite()))
                        .collect::<Option<Vec<f32>>>()
                })?
            };
            match op.operator.as_str() {
                "q" => {
                    if saved.len() < self.limits.max_state_depth {
                        saved.push(gs.clone());
                    } else {
                        unsaved += 1;
                    }
                }
                "Q" => {
                    if unsaved > 0 {
                        unsaved -= 1;
                    } else if let Some(s) = saved.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    if let Some(m) = nums(6) {
                        gs.ctm = mul(&[m[0], m[1], m[2], m[3], m[4], m[5]], &gs.ctm);
                    }
                }
                "BT" => {
                    text.tm = IDENTITY;
                    text.tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(name), Some(size)) = (
                        args.first().and_then(|o| o.as_name().ok()),
                        args.get(1).and_then(|o| number(self.doc, o)),
                    ) {
                        gs.font = Some(self.font(resources, name));
                        gs.size = size;
                    }
                }
                "Tc" => set(&mut gs.char_spacing, nums(1)),
                "Tw" => set(&mut gs.word_spacing, nums(1)),
                "TL" => set(&mut gs.leading, nums(1)),
                "Ts" => set(&mut gs.rise, nums(1)),
                "Tz" => {
                    if let Some(v) = nums(1) {
                        gs.h_scale = v[0] / 100.0;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums(6) {
                        text.tm = [m[0], m[1], m[2], m[3], m[4], m[5]];
                        text.tlm = text.tm;
                    }
                }
                "Td" | "TD" => {
                    if let Some(v) = nums(2) {
                        if op.operator == "TD" {
                            gs.leading = -v[1];
                        }
                        text.tlm = mul(&translate(v[0], v[1]), &text.tlm);
                        text.tm = text.tlm;
                    }
                }
                "T*" => next_line(&mut text, &gs),
                "Tj" => {
                    if let Some(s @ Object::String(..)) = args.first() {
                        self.show(&mut text, &gs, std::slice::from_ref(s));
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = args.first() {
                        self.show(&mut text, &gs, items);
                    }
                }
                "'" => {
                    next_line(&mut text, &gs);
                    if let Some(s @ Object::String(..)) = args.first() {
                        self.show(&mut text, &gs, std::slice::from_ref(s));
                    }
                }
                "\"" => {
                    // `aw ac string "`.
                    if let [aw, ac, s @ Object::String(..)] = args.as_slice()
                        && let (Ok(aw), Ok(ac)) = (aw.as_float(), ac.as_float())
                    {
                        gs.word_spacing = aw;
                        gs.char_spacing = ac;
                        next_line(&mut text, &gs);
                        self.show(&mut text, &gs, std::slice::from_ref(s));
                    }
                }
                "Do" => {
                    if let Some(name) = args.first().and_then(|o| o.as_name().ok()) {
                        self.xobject(resources, name, &gs, depth);
                    }
                }
                "BI" => self.push(BoxKind::Image, bounds(&gs.ctm, 0.0, 0.0, 1.0, 1.0)),
                "m" | "l" => {
                    if let Some(v) = nums(2) {
                        path.add(&gs.ctm, v[0], v[1]);
                    }
                }
                "c" | "v" | "y" => {
                    let n = if op.operator == "c" { 6 } else { 4 };
                    if let Some(v) = nums(n) {
                        // The control points bound the curve.
                        for p in v.chunks_exact(2) {
                            path.add(&gs.ctm, p[0], p[1]);
                        }
                    }
                }
                "re" => {
                    if let Some(v) = nums(4) {
                        path.add(&gs.ctm, v[0], v[1]);
                        path.add(&gs.ctm, v[0] + v[2], v[1] + v[3]);
                        path.add(&gs.ctm, v[0] + v[2], v[1]);
                        path.add(&gs.ctm, v[0], v[1] + v[3]);
                    }
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    let extent = std::mem::take(&mut path).extent;
                    self.push(BoxKind::Graphics, extent);
                }
                "n" => path = Path::default(),
                _ => {}
            }
        }
    }

    /// Metrics of the font resource `name`.
    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Rc<FontMetrics> {
        let doc = self.doc;
        let entry = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|f| resolve_dict(doc, f))
            .and_then(|f| f.get(name).ok());
        if let Some(Object::Reference(id)) = entry
            && let Some(m) = self.fonts.get(id)
        {
            return m.clone();
        }
        let metrics = Rc::new(
            entry
                .and_then(|e| resolve_dict(doc, e))
                .map(|d| FontMetrics::of(doc, d))
                .unwrap_or_else(FontMetrics::unknown),
        );
        if let Some(Object::Reference(id)) = entry {
            self.fonts.insert(*id, metrics.clone());
        }
        metrics
    }

    /// Show strings and position adjustments (`TJ`'s array; `Tj` as an array of one): boxes for
    /// the inked runs, and the text matrix moved past them.
    fn show(&mut self, text: &mut Text, gs: &GState, items: &[Object]) {
        let font = gs
            .font
            .clone()
            .unwrap_or_else(|| Rc::new(FontMetrics::unknown()));
        let size = gs.size;
        let vertical = font.vertical.is_some();
        // The pen along the writing direction, in text space; the current run's inked extent.
        let mut pen = 0.0f32;
        let mut run: Option<(f32, f32)> = None;
        let gap = GAP_EMS * size.abs();
        // Glyphs cost 1/16 of an operation each (see the end).
        let budget = self
            .limits
            .max_operations
            .saturating_sub(self.operations)
            .saturating_mul(16);
        let mut glyphs = 0usize;
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    let mut out = Vec::new();
                    font.glyphs(bytes, budget.saturating_sub(glyphs), |g| {
                        out.push(g);
                    });
                    glyphs += out.len();
                    for g in out {
                        let spacing = gs.char_spacing + if g.space { gs.word_spacing } else { 0.0 };
                        // Vertical glyphs move the pen down; spacing still counts upwards.
                        let advance = if vertical {
                            spacing - g.advance * size
                        } else {
                            (g.advance * size + spacing) * gs.h_scale
                        };
                        let start = pen;
                        pen += advance;
                        if g.space {
                            continue;
                        }
                        let (lo, hi) = (start.min(pen), start.max(pen));
                        run = match run {
                            Some((a, b)) if lo - b > gap || a - hi > gap => {
                                self.text_box(text, gs, &font, (a, b));
                                Some((lo, hi))
                            }
                            Some((a, b)) => Some((a.min(lo), b.max(hi))),
                            None => Some((lo, hi)),
                        };
                    }
                }
                other => {
                    if let Some(n) = other.as_float().ok().filter(|v| v.is_finite()) {
                        let d = n / 1000.0 * size;
                        pen -= if vertical { d } else { d * gs.h_scale };
                    }
                }
            }
        }
        if let Some(r) = run {
            self.text_box(text, gs, &font, r);
        }
        // Charge the glyphs to the operations budget: a string is work too.
        self.operations += glyphs / 16;
        text.tm = if vertical {
            mul(&translate(0.0, pen), &text.tm)
        } else {
            mul(&translate(pen, 0.0), &text.tm)
        };
    }

    /// The box of an inked run from `from` to `to` along the writing direction.
    fn text_box(&mut self, text: &Text, gs: &GState, font: &FontMetrics, (from, to): (f32, f32)) {
        let m = mul(&text.tm, &gs.ctm);
        let s = gs.size;
        if s == 0.0 {
            return;
        }
        let rect = if font.vertical.is_some() {
            // Vertical glyphs are centred on the pen's line.
            bounds(
                &m,
                -0.5 * s * gs.h_scale + gs.rise,
                from,
                0.5 * s * gs.h_scale + gs.rise,
                to,
            )
        } else {
            bounds(
                &m,
                from,
                gs.rise + font.descent * s,
                to,
                gs.rise + font.ascent * s,
            )
        };
        self.push(BoxKind::Text, rect);
    }

    /// `Do`: an image's box, or a form's marks.
    fn xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        gs: &GState,
        depth: usize,
    ) {
        let doc = self.doc;
        let Some(Object::Stream(x)) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|x| resolve_dict(doc, x))
            .and_then(|x| x.get(name).ok())
            .and_then(|o| resolve(doc, o))
        else {
            return;
        };
        match x.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()) {
            Some(b"Image") => self.push(BoxKind::Image, bounds(&gs.ctm, 0.0, 0.0, 1.0, 1.0)),
            Some(b"Form") => {
                if depth >= self.limits.max_form_depth {
                    self.complete = false;
                    return;
                }
                let matrix = x
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|o| resolve(doc, o))
                    .and_then(|o| o.as_array().ok())
                    .filter(|a| a.len() == 6)
                    .and_then(|a| {
                        a.iter()
                            .map(|o| number(doc, o))
                            .collect::<Option<Vec<f32>>>()
                    })
                    .map(|m| [m[0], m[1], m[2], m[3], m[4], m[5]])
                    .unwrap_or(IDENTITY);
                let own = x
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|o| resolve_dict(doc, o));
                let Some(content) = self.decode(x) else {
                    return;
                };
                let mut inner = gs.clone();
                inner.ctm = mul(&matrix, &gs.ctm);
                self.run(&content, own.or(resources), inner, depth + 1);
            }
            _ => {}
        }
    }
}

fn set(slot: &mut f32, v: Option<Vec<f32>>) {
    if let Some(v) = v {
        *slot = v[0];
    }
}

fn next_line(text: &mut Text, gs: &GState) {
    text.tlm = mul(&translate(0.0, -gs.leading), &text.tlm);
    text.tm = text.tlm;
}

#[cfg(test)]
mod tests;
