//! The organisation's issuance signature (*đóng dấu phát hành*): the seal at its real size over
//! the left third of the approval image, with the organisation's name and the time beside it.

use kyso_pdf::lopdf::Document;
use kyso_policy::reason::{Msg, Reason};

use super::{
    DEFAULT_SEAL_DIAMETER_MM, ExistingSignature, GIVEN_SEAL_MM, IssuanceOptions, LINE_HEIGHT,
    PHYS_SEAL_MM, Planned, Role, TEXT_SIZE, check_overlap,
};
use crate::SignError;
use crate::appearance::{AppearanceBuilder, POINTS_PER_MM, PageGeometry, Rect, TextFont};

/// The seal's real width in mm: the one given, else the PNG's `pHYs` when it gives a
/// plausible seal (15–60 mm), else [`DEFAULT_SEAL_DIAMETER_MM`] with the warning
/// [`SEAL_SIZE_ASSUMED`](super::SEAL_SIZE_ASSUMED) (which [`plan_workflow`](super::plan_workflow) passes on when it places
/// the seal itself; in a rectangle the caller gives, the drawing is fitted to the rectangle).
/// Only a given width outside 5–200 mm is an error.
pub fn seal_width_mm(i: &IssuanceOptions) -> Result<(f32, Option<Reason>), SignError> {
    if let Some(mm) = i.seal_width_mm {
        if !GIVEN_SEAL_MM.contains(&mm) {
            return Err(SignError::Options(format!(
                "seal width {mm} mm is not plausible"
            )));
        }
        return Ok((mm, None));
    }
    let d = DEFAULT_SEAL_DIAMETER_MM;
    let warning = match i.seal.size_mm() {
        Some((mm, _)) if PHYS_SEAL_MM.contains(&mm) => return Ok((mm, None)),
        Some((mm, _)) => Msg::SealSizeAssumedPhys { mm: &mm, drawn: &d }.reason(),
        None => Msg::SealSizeAssumedNoPhys { drawn: &d }.reason(),
    };
    Ok((d, Some(warning)))
}

pub(super) fn issuance(
    doc: &Document,
    existing: &[ExistingSignature],
    i: &IssuanceOptions,
    seal_width_mm: f32,
    time: &str,
) -> Result<Planned, SignError> {
    let seal_w = seal_width_mm * POINTS_PER_MM;
    let seal_h = seal_w / i.seal.aspect();
    // The VGCA tool's issuance text: organisation, number, date, then the signing time.
    let mut lines: Vec<String> = Vec::new();
    lines.extend(i.organization.clone());
    lines.extend(i.doc_number.as_ref().map(|n| format!("Số: {n}")));
    lines.extend(
        i.issued_date
            .as_ref()
            .map(|d| format!("Ngày ban hành: {d}")),
    );
    if !lines.is_empty() {
        lines.push(time.to_owned());
    }
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let font = match (&i.font, lines.is_empty()) {
        (_, true) => None,
        (Some(f), false) => Some(f.clone()),
        (None, false) => Some(TextFont::builtin()?),
    };
    let font = font.as_ref();
    let text_w = match font {
        Some(f) => lines
            .iter()
            .map(|l| f.width(l, TEXT_SIZE))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .fold(0.0, f32::max),
        None => 0.0,
    };
    let text_h = lines.len() as f32 * LINE_HEIGHT;
    let gap = if lines.is_empty() { 0.0 } else { 4.0 };
    let box_w = seal_w + gap + text_w;
    let box_h = seal_h.max(text_h);

    // The text goes to the left of the seal (right-aligned against it), where a Decree 30
    // layout has the free space under "Nơi nhận" and it does not cover the signature image;
    // to the right when the page has no room on the left.
    let mut text_left = true;
    let (page, user_rect, g) = match i.placement.rect {
        Some(rect) => {
            let page = i.placement.page.unwrap_or(1);
            check_overlap(existing, page, rect, &i.placement, Role::Issuance)?;
            (page, rect, PageGeometry::of_page(doc, page)?)
        }
        None => {
            let approval = existing
                .iter()
                .rev()
                .filter(|e| i.placement.page.is_none_or(|p| p == e.page))
                .find(|e| e.role == Some(Role::Approval))
                .or_else(|| {
                    // Signed by another tool: the latest visible signature without a kyso role.
                    existing
                        .iter()
                        .rev()
                        .filter(|e| i.placement.page.is_none_or(|p| p == e.page))
                        .find(|e| e.role.is_none())
                })
                .ok_or_else(|| {
                    SignError::Options(
                        "no approval signature to place the seal on: give a rectangle".into(),
                    )
                })?;
            let g = PageGeometry::of_page(doc, approval.page)?;
            let a = g.to_visual(approval.rect);
            // The seal's right edge at one third of the approval image, vertically centred on it.
            let (pw, ph) = g.visual_size();
            let seal_x = a.x + a.width / 3.0 - seal_w;
            text_left = seal_x - gap - text_w >= 0.0;
            let x = if text_left {
                seal_x - gap - text_w
            } else {
                seal_x
            };
            let x = x.clamp(0.0, (pw - box_w).max(0.0));
            let y = (a.y + a.height / 2.0 - box_h / 2.0).clamp(0.0, (ph - box_h).max(0.0));
            let visual = Rect::new(x, y, box_w, box_h);
            (approval.page, g.to_user(visual), g)
        }
    };
    let visual = g.to_visual(user_rect);
    let mut b = AppearanceBuilder::new(visual.width, visual.height);
    // Scale the drawing if a given rectangle differs from the natural size.
    let sx = visual.width / box_w;
    let sy = visual.height / box_h;
    let s = sx.min(sy);
    let seal_x = if text_left { (text_w + gap) * s } else { 0.0 };
    let seal_at = Rect::new(
        seal_x,
        (visual.height - seal_h * s) / 2.0,
        seal_w * s,
        seal_h * s,
    );
    b.image(&i.seal, seal_at);
    if let Some(font) = font {
        let top = visual.height / 2.0 + text_h * s / 2.0;
        for (n, line) in lines.iter().enumerate() {
            let x = if text_left {
                (text_w - font.width(line, TEXT_SIZE)?) * s
            } else {
                (seal_w + gap) * s
            };
            let baseline = top - (n as f32 + 1.0) * LINE_HEIGHT * s + 3.0 * s;
            b.text(font, x, baseline, TEXT_SIZE * s, line)?;
        }
    }
    Ok((page, user_rect, g, b))
}
