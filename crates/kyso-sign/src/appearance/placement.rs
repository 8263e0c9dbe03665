//! Automatic placement in blank space: a text block or stamp that the caller did not place is
//! moved off the page's letterhead, text and images (read by [`kyso_pdf::text_boxes`]) and off
//! other signatures, rather than printed over them.
//!
//! The search starts at the workflow's preferred place (e.g. the visual top right of page 1)
//! and keeps the box's size. Columns are tried from the preferred corner inwards (right to left
//! for [`Corner::TopRight`]); in each column, positions from the nearest to the preferred one
//! (down to the middle of the page, up to [`MIN_EDGE`] from the top edge). The first position
//! whose box, with [`CONTENT_MARGIN`] around the page's marks and [`SIGNATURE_MARGIN`] around
//! signatures, touches nothing is taken. Only positions flush with the preferred place, the
//! search area's edges or an obstacle are tried: any free position slides to one of them, so
//! the search is exact with few candidates.
//!
//! Everything here is in visual space ([`PageGeometry::to_visual`]), so `/Rotate` changes
//! nothing: "top right" is where a reader sees it.

use kyso_pdf::lopdf::Document;
use kyso_pdf::text_boxes::{BoxKind, page_content_boxes};
use kyso_policy::reason::{Msg, Reason};

use super::{POINTS_PER_MM, PageGeometry, Rect};
use crate::SignError;

/// Code of the warning given when no blank place was found and the box is drawn over the page's
/// text or images.
pub const PLACEMENT_OVERLAPS_TEXT: &str = "PLACEMENT_OVERLAPS_TEXT";

/// Clear space kept around the page's text and images, in points (the boxes are estimates).
pub const CONTENT_MARGIN: f32 = 3.0;
/// Clear space kept around other signatures' widgets (kyso always stacked its blocks 2 pt apart).
pub const SIGNATURE_MARGIN: f32 = 2.0;
/// The nearest a box is moved to the visual top edge (printers do not print the outer 4–5 mm).
pub const MIN_EDGE: f32 = 5.0 * POINTS_PER_MM;
/// Distance kept from the side edges when moving sideways.
const SIDE_EDGE: f32 = 15.0 * POINTS_PER_MM;
/// Graphics covering more than this share of the page are frames, table outlines or
/// backgrounds, not something a box must avoid.
const LARGE_GRAPHICS: f32 = 0.1;
/// Candidate positions per axis, and rectangle tests in all: the search is bounded whatever
/// the page holds.
const MAX_CANDIDATES: usize = 512;
const MAX_TESTS: usize = 4_000_000;
/// Tolerance for touching boxes (positions are computed flush with obstacles).
const EPSILON: f32 = 0.01;

/// The corner a box is placed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    /// The visual top right (Decree 30: attachment and copy blocks); moved down, then left.
    TopRight,
    /// The visual top left (the incoming-document stamp); moved down, then right.
    TopLeft,
}

/// Something a box must not cover, in visual space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obstacle {
    /// Its extent.
    pub rect: Rect,
    /// Clear space kept around it.
    pub margin: f32,
    /// A signature widget (not page content).
    pub signature: bool,
}

impl Obstacle {
    fn hits(&self, r: &Rect) -> bool {
        let m = self.margin;
        let w = r.right().min(self.rect.right() + m) - r.x.max(self.rect.x - m);
        let h = r.top().min(self.rect.top() + m) - r.y.max(self.rect.y - m);
        w > EPSILON && h > EPSILON
    }

    /// Overlaps the horizontal band `x0..x1`.
    fn in_columns(&self, x0: f32, x1: f32) -> bool {
        self.rect.right() + self.margin > x0 + EPSILON && self.rect.x - self.margin < x1 - EPSILON
    }
}

/// Where a box may go: visual bounds of its position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Leftmost left edge.
    pub left: f32,
    /// Rightmost right edge.
    pub right: f32,
    /// Lowest bottom edge.
    pub bottom: f32,
    /// Highest top edge.
    pub top: f32,
}

impl Area {
    /// The top part of a page for a box preferred at `preferred`: the upper half, between the
    /// side margins, up to [`MIN_EDGE`] from the top; always containing `preferred`.
    pub fn top_part(g: &PageGeometry, preferred: Rect) -> Self {
        let (pw, ph) = g.visual_size();
        Self {
            left: SIDE_EDGE.min(preferred.x),
            right: (pw - SIDE_EDGE).max(preferred.right()),
            bottom: (ph / 2.0).min(preferred.y),
            top: (ph - MIN_EDGE).max(preferred.top()),
        }
    }
}

/// The marks on page `page` (1-based) of `doc` as obstacles in visual space, and whether the
/// page was read to its end: its text and images, graphics but frames and backgrounds, and the
/// given signature widgets (user-space rectangles).
pub fn page_obstacles(
    doc: &Document,
    page: u32,
    g: &PageGeometry,
    signatures: &[Rect],
) -> Result<(Vec<Obstacle>, bool), SignError> {
    let content = page_content_boxes(doc, page)?;
    let (pw, ph) = g.visual_size();
    let page_area = pw * ph;
    let mut out: Vec<Obstacle> = content
        .boxes
        .iter()
        .map(|b| (b.kind, g.to_visual(Rect::from_corners(b.rect))))
        .filter(|(kind, r)| {
            *kind != BoxKind::Graphics || r.width * r.height <= LARGE_GRAPHICS * page_area
        })
        .map(|(_, rect)| Obstacle {
            rect,
            margin: CONTENT_MARGIN,
            signature: false,
        })
        .collect();
    out.extend(signatures.iter().map(|r| Obstacle {
        rect: g.to_visual(*r),
        margin: SIGNATURE_MARGIN,
        signature: true,
    }));
    Ok((out, content.complete))
}

/// The first free position for a box the size of `preferred` within `area` (see the module
/// documentation for the order), or `None` when every position touches an obstacle.
pub fn find_blank(
    preferred: Rect,
    area: &Area,
    corner: Corner,
    obstacles: &[Obstacle],
) -> Option<Rect> {
    let (w, h) = (preferred.width, preferred.height);
    let region = Rect::new(
        area.left,
        area.bottom,
        area.right - area.left,
        area.top - area.bottom,
    );
    let near: Vec<&Obstacle> = obstacles.iter().filter(|o| o.hits(&region)).collect();

    let mut xs = vec![preferred.x];
    let mut x_sorted: Vec<f32> = near
        .iter()
        .map(|o| match corner {
            Corner::TopRight => o.rect.x - o.margin - w,
            Corner::TopLeft => o.rect.right() + o.margin,
        })
        .chain([area.left, area.right - w])
        .filter(|x| x.is_finite() && *x >= area.left - EPSILON && x + w <= area.right + EPSILON)
        .collect();
    // From the preferred corner inwards.
    x_sorted.sort_by(|a, b| match corner {
        Corner::TopRight => b.total_cmp(a),
        Corner::TopLeft => a.total_cmp(b),
    });
    x_sorted.retain(|x| match corner {
        Corner::TopRight => *x <= preferred.x,
        Corner::TopLeft => *x >= preferred.x,
    });
    xs.extend(x_sorted);
    xs.dedup_by(|a, b| (*a - *b).abs() < EPSILON);
    xs.truncate(MAX_CANDIDATES);

    let mut ys: Vec<f32> = near
        .iter()
        .flat_map(|o| [o.rect.y - o.margin - h, o.rect.top() + o.margin])
        .chain([area.bottom, area.top - h])
        .filter(|y| y.is_finite() && *y >= area.bottom - EPSILON && y + h <= area.top + EPSILON)
        .collect();
    // Nearest the preferred height first; of two as near, the higher.
    ys.sort_by(|a, b| {
        let (da, db) = ((a - preferred.y).abs(), (b - preferred.y).abs());
        da.total_cmp(&db).then(b.total_cmp(a))
    });
    ys.insert(0, preferred.y);
    ys.dedup_by(|a, b| (*a - *b).abs() < EPSILON);
    ys.truncate(MAX_CANDIDATES);

    let mut tests = 0usize;
    for x in xs {
        let column: Vec<&&Obstacle> = near.iter().filter(|o| o.in_columns(x, x + w)).collect();
        for &y in &ys {
            let candidate = Rect::new(x, y, w, h);
            tests += column.len().max(1);
            if tests > MAX_TESTS {
                return None;
            }
            if !column.iter().any(|o| o.hits(&candidate)) {
                return Some(candidate);
            }
        }
    }
    None
}

/// Place a box preferred at `preferred` (visual space) on page `page`: the first blank
/// position in the top part of the page ([`Area::top_part`]). When there is none, a position
/// clear of the other signatures only, anywhere down the page (else `preferred`), with the
/// warning [`PLACEMENT_OVERLAPS_TEXT`].
pub fn place(
    doc: &Document,
    page: u32,
    g: &PageGeometry,
    preferred: Rect,
    corner: Corner,
    signatures: &[Rect],
) -> Result<(Rect, Option<Reason>), SignError> {
    let (obstacles, _complete) = page_obstacles(doc, page, g, signatures)?;
    let area = Area::top_part(g, preferred);
    if let Some(r) = find_blank(preferred, &area, corner, &obstacles) {
        return Ok((r, None));
    }
    // Covering the page's text is the lesser harm; another signature's block stays readable.
    let signatures: Vec<Obstacle> = obstacles.into_iter().filter(|o| o.signature).collect();
    let anywhere_down = Area {
        bottom: 0.0_f32.min(preferred.y),
        ..area
    };
    let at = find_blank(preferred, &anywhere_down, corner, &signatures).unwrap_or(preferred);
    Ok((at, Some(overlap_warning(page))))
}

/// The warning [`PLACEMENT_OVERLAPS_TEXT`] for page `page`.
pub fn overlap_warning(page: u32) -> Reason {
    Msg::PlacementOverlapsText { page: &page }.reason()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(x: f32, y: f32, w: f32, h: f32) -> Obstacle {
        Obstacle {
            rect: Rect::new(x, y, w, h),
            margin: CONTENT_MARGIN,
            signature: false,
        }
    }

    const A4: Area = Area {
        left: 42.5,
        right: 552.5,
        bottom: 421.0,
        top: 827.8,
    };

    /// The attachment block's usual place on A4: 130 × 28 at the top right.
    fn preferred() -> Rect {
        Rect::new(422.5, 791.0, 130.0, 28.0)
    }

    #[test]
    fn a_blank_page_keeps_the_preferred_place() {
        let p = preferred();
        assert_eq!(find_blank(p, &A4, Corner::TopRight, &[]), Some(p));
        // Text elsewhere changes nothing.
        let left = [text(72.0, 760.0, 180.0, 16.0)];
        assert_eq!(find_blank(p, &A4, Corner::TopRight, &left), Some(p));
    }

    #[test]
    fn moves_below_the_letterhead_in_the_same_column() {
        // Letterhead lines at the top right, then the date line.
        let head = [
            text(300.0, 800.0, 260.0, 14.0),
            text(340.0, 782.0, 180.0, 14.0),
            text(360.0, 740.0, 190.0, 12.0),
        ];
        let got = find_blank(preferred(), &A4, Corner::TopRight, &head);
        // Flush under the date line, with the margin, still at the right.
        assert_eq!(got, Some(Rect::new(422.5, 740.0 - 3.0 - 28.0, 130.0, 28.0)));
    }

    #[test]
    fn moves_up_into_the_top_margin_when_that_is_nearer() {
        // A scan's image ending 24 pt below the preferred block's top edge: the block fits
        // above it, below the 5 mm edge.
        let scan = [text(36.0, 47.0, 540.0, 748.0)];
        let got = find_blank(preferred(), &A4, Corner::TopRight, &scan).map(|r| r.y);
        assert_eq!(got, Some(795.0 + 3.0));
    }

    #[test]
    fn moves_left_when_the_column_is_full() {
        // The right column is text down to the middle of the page; the left side is free.
        let column = [text(400.0, 400.0, 170.0, 440.0)];
        let got = find_blank(preferred(), &A4, Corner::TopRight, &column);
        assert_eq!(
            got,
            Some(Rect::new(400.0 - 3.0 - 130.0, 791.0, 130.0, 28.0))
        );
        // From the top left, the other way.
        let p = Rect::new(42.5, 791.0, 130.0, 28.0);
        let column = [text(30.0, 400.0, 170.0, 440.0)];
        let got = find_blank(p, &A4, Corner::TopLeft, &column);
        assert_eq!(got, Some(Rect::new(203.0, 791.0, 130.0, 28.0)));
    }

    #[test]
    fn a_full_page_has_no_blank() {
        let full = [text(0.0, 0.0, 595.0, 842.0)];
        assert_eq!(find_blank(preferred(), &A4, Corner::TopRight, &full), None);
    }

    #[test]
    fn signatures_are_stacked_two_points_apart() {
        let first = Obstacle {
            rect: Rect::new(430.0, 791.0, 122.5, 28.0),
            margin: SIGNATURE_MARGIN,
            signature: true,
        };
        let got = find_blank(preferred(), &A4, Corner::TopRight, &[first]);
        assert_eq!(got, Some(Rect::new(422.5, 791.0 - 2.0 - 28.0, 130.0, 28.0)));
    }

    #[test]
    fn many_obstacles_cost_bounded_work() {
        // A grid of small marks everywhere: no blank place, found out quickly.
        let mut grid = Vec::new();
        for i in 0..200 {
            for j in 0..200 {
                grid.push(text(i as f32 * 3.0, j as f32 * 4.2, 2.0, 2.0));
            }
        }
        let start = std::time::Instant::now();
        assert_eq!(find_blank(preferred(), &A4, Corner::TopRight, &grid), None);
        assert!(start.elapsed().as_secs() < 20);
        // Non-finite obstacles are not candidates.
        let odd = [text(f32::NAN, f32::INFINITY, 1.0, 1.0)];
        assert_eq!(
            find_blank(preferred(), &A4, Corner::TopRight, &odd),
            Some(preferred())
        );
    }
}
