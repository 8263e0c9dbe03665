//! The Decree 30/2020/NĐ-CP signing workflows (Appendix I): what each signature shows, where,
//! and how its role is recorded so a verifier can name it.
//!
//! | role | shows | where |
//! |---|---|---|
//! | [`Role::Approval`] (*ký phê duyệt*, the competent person) | the blue signature PNG | a rectangle the caller gives (between title and name), fitted keeping the aspect ratio |
//! | [`Role::Issuance`] (*đóng dấu phát hành*, the organisation) | the red seal PNG at its real size (given, from `pHYs`, else [`DEFAULT_SEAL_DIAMETER_MM`] with a warning), optionally the organisation name and time | over the left third of the latest approval image, unless a rectangle is given |
//! | [`Role::Attachment`] (attachment / appendix file) | document number and symbol, signing time | top right of page 1, in blank space |
//! | [`Role::Copy`] (*SAO Y*, *SAO LỤC*, *TRÍCH SAO*) | copy type, copying organisation, signing time | top right of page 1, in blank space |
//! | [`Role::Appendix`] (appendix file) | "Phụ lục kèm theo văn bản số …", signing time | top right of page 1, in blank space |
//! | [`Role::Income`] (incoming stamp, *dấu "ĐẾN"*) | receiving organisation, ĐẾN, incoming number, date and time, framed | top left of page 1, in blank space |
//! | [`Role::Comment`] (*ý kiến*) | the comment, the commenter's name and title, time | a rectangle the caller gives |
//!
//! **Blank space.** A text block placed automatically starts 15 mm from the visual right edge
//! (the incoming stamp: 20 mm from the left) and 8 mm from the top, and is moved off the page's
//! text and images (the letterhead, the date line; read by [`kyso_pdf::text_boxes`]) and off
//! other signatures: down its column to the middle of the page, then sideways
//! ([`crate::appearance::placement`]). When the page has no such space (a scanned page is one
//! image), it keeps that place with the warning [`PLACEMENT_OVERLAPS_TEXT`]. A rectangle the
//! caller gives is never moved.
//!
//! **Recording the role.** The signature dictionary gets a human `/Reason` in Vietnamese
//! (e.g. `Ký phê duyệt văn bản`), `/Prop_Build << /App << /Name /kyso /REx (version) >> >>`
//! (ISO 32000-1 §12.8.1 and Adobe's signature build dictionary: which software signed) and the
//! private entry `/KysoRole /approval` (`issuance`, `attachment`, `copy`). Other readers ignore
//! unknown keys in a signature dictionary; `kyso_verify::role` reads `/KysoRole` back. The
//! entries are covered by the signature like the rest of the dictionary.
//!
//! Text is drawn in the caller's font or [`TextFont::builtin`] (Liberation Serif 2.1.5).
//! What a workflow assumes on the caller's behalf is not an error but a warning, with a code and
//! text in Vietnamese and English, in [`SignedPdf::warnings`] ([`WorkflowPlan::warnings`]).
//!
//! Times on the page are shown as `dd/mm/yyyy hh:mm:ss +07:00` (ISO 8601 offset), at the
//! [`SigningTime`]'s offset.

use kyso_pdf::lopdf::{Dictionary, Document, Object, StringFormat};
use kyso_policy::reason::Reason;
use kyso_token::Signer;

use crate::appearance::placement::{self, Corner};
use crate::appearance::{AppearanceBuilder, POINTS_PER_MM, PageGeometry, PngImage, Rect, TextFont};

pub use crate::appearance::placement::PLACEMENT_OVERLAPS_TEXT;

mod desk;
mod seal;
use crate::{PadesOptions, SignError, SignedPdf, SigningTime, sign_pdf};
pub use desk::{AppendixOptions, CommentOptions, IncomeOptions};
pub use seal::seal_width_mm;

/// The private signature dictionary key that records the role.
pub const ROLE_KEY: &str = "KysoRole";

/// Text size on signatures: 10 pt (Decree 30, Appendix I).
pub const TEXT_SIZE: f32 = 10.0;
const LINE_HEIGHT: f32 = TEXT_SIZE * 1.2;
const PADDING: f32 = 2.0;
/// Distance of the top-left text block (the incoming stamp) from the visual left edge.
const LEFT_MARGIN: f32 = 20.0 * POINTS_PER_MM;
/// Distance of the top-right text block from the visual right edge of the page.
const RIGHT_MARGIN: f32 = 15.0 * POINTS_PER_MM;
/// Distance of the top-right text block from the visual top edge (inside the usual 20–25 mm
/// top margin, so the block does not cover the body text).
const TOP_MARGIN: f32 = 8.0 * POINTS_PER_MM;

/// A Decree 30 signature role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The competent person's signature (*ký phê duyệt*).
    Approval,
    /// The organisation's signature with the seal (*đóng dấu phát hành*).
    Issuance,
    /// The signature on an attachment or appendix in a separate file.
    Attachment,
    /// The signature on an electronic copy (*SAO Y*, *SAO LỤC*, *TRÍCH SAO*).
    Copy,
    /// The signature on an appendix (*phụ lục*) in a separate file.
    Appendix,
    /// The receiving office's incoming-document stamp (*dấu "ĐẾN"*).
    Income,
    /// A comment (*ý kiến*) on the document.
    Comment,
}

impl Role {
    /// The name written after `/KysoRole` and used in reports and on the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approval => "approval",
            Self::Issuance => "issuance",
            Self::Attachment => "attachment",
            Self::Copy => "copy",
            Self::Appendix => "appendix",
            Self::Income => "income",
            Self::Comment => "comment",
        }
    }

    /// Parse a role name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "approval" => Self::Approval,
            "issuance" => Self::Issuance,
            "attachment" => Self::Attachment,
            "copy" => Self::Copy,
            "appendix" => Self::Appendix,
            "income" => Self::Income,
            "comment" => Self::Comment,
            _ => return None,
        })
    }

    /// The default `/Reason`, in Vietnamese.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Approval => "Ký phê duyệt văn bản",
            Self::Issuance => "Đóng dấu phát hành văn bản",
            Self::Attachment => "Ký số văn bản kèm theo",
            Self::Copy => "Ký số bản sao điện tử",
            Self::Appendix => "Ký số phụ lục văn bản",
            Self::Income => "Tiếp nhận văn bản đến",
            Self::Comment => "Cho ý kiến",
        }
    }
}

/// Where a signature goes. Rectangles are in the page's default user space (PDF points, origin
/// bottom-left, as a widget's `/Rect`), whatever the page's `/Rotate`.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// 1-based page; the workflow's default when `None` (page 1, or the approval's page for
    /// an issuance seal).
    pub page: Option<u32>,
    /// The widget rectangle; the workflow's automatic placement when `None`.
    pub rect: Option<Rect>,
    /// Allow a given rectangle to cover other signatures' appearances. Without it, a rectangle
    /// that overlaps an existing visible signature is refused (the issuance seal may always
    /// overlap approval signatures: that is its place).
    pub allow_overlap: bool,
}

/// The competent person's approval signature.
#[derive(Debug, Clone)]
pub struct ApprovalOptions {
    /// The handwritten signature image (blue, transparent background).
    pub image: PngImage,
    /// Where: `rect` is required (the space between the title line and the name).
    pub placement: Placement,
    /// Stretch the image to the rectangle instead of fitting it keeping its aspect ratio.
    pub stretch: bool,
}

/// The seal's diameter assumed when neither [`IssuanceOptions::seal_width_mm`] nor the PNG's
/// `pHYs` gives the seal's real size: 36 mm, drawn as the width of the image (crop the PNG to
/// the seal).
///
/// Decree 30/2020/NĐ-CP (Appendix I) asks for the seal image at the seal's real size. Decree
/// 99/2016/NĐ-CP on managing and using seals, Art. 4(4): every seal it governs is round and
/// inked red; the specimens (*mẫu con dấu*), which fix each kind of seal's dimensions, are the
/// Ministry of Public Security's, in Circular 05/2017/TT-BCA on seal specimens. kyso cannot know
/// which specimen an agency registered, so it assumes 36 mm, a common diameter of a state
/// agency's round seal: an agency's real seal may be a few millimetres larger or smaller, hence
/// the warning [`SEAL_SIZE_ASSUMED`]; a caller who knows the size gives it (or a PNG whose
/// `pHYs` states it).
pub const DEFAULT_SEAL_DIAMETER_MM: f32 = 36.0;

/// Code of the warning (in [`crate::SignedPdf::warnings`]) given when the seal is drawn at
/// [`DEFAULT_SEAL_DIAMETER_MM`] because its real size is unknown.
pub const SEAL_SIZE_ASSUMED: &str = "SEAL_SIZE_ASSUMED";

/// Widths a seal image's `pHYs` may plausibly give, in mm. Outside, the resolution is an image
/// editor's default (72 or 96 dpi give a 400-pixel seal 141 or 106 mm), not the seal's.
const PHYS_SEAL_MM: std::ops::RangeInclusive<f32> = 15.0..=60.0;

/// Widths a caller may give for the seal, in mm.
const GIVEN_SEAL_MM: std::ops::RangeInclusive<f32> = 5.0..=200.0;

/// The organisation's issuance signature with the seal.
#[derive(Debug, Clone)]
pub struct IssuanceOptions {
    /// The seal image (red, transparent background).
    pub seal: PngImage,
    /// The seal's real width in millimetres; by default from the PNG's `pHYs`, else (with the
    /// warning [`SEAL_SIZE_ASSUMED`]) [`DEFAULT_SEAL_DIAMETER_MM`]. See [`seal_width_mm`].
    pub seal_width_mm: Option<f32>,
    /// Where; by default over the left third of the most recent approval signature.
    pub placement: Placement,
    /// Optional text next to the seal (on its left, else its right when the page has no room):
    /// the organisation's name, the document number and issuing date when given, then the
    /// signing time.
    pub organization: Option<String>,
    /// The issued document's number and symbol (*số, ký hiệu*), shown with the seal.
    pub doc_number: Option<String>,
    /// The issuing date as the document writes it (e.g. `07/01/2025`), shown with the seal.
    pub issued_date: Option<String>,
    /// Font for the text; [`TextFont::builtin`] when `None`.
    pub font: Option<TextFont>,
}

/// The signature on an attachment or appendix file.
#[derive(Debug, Clone)]
pub struct AttachmentOptions {
    /// The document number and symbol (*số và ký hiệu văn bản*), e.g. `125/QĐ-UBND`.
    pub doc_number: String,
    /// Font for the text block.
    pub font: TextFont,
    /// Where; by default the top right of page 1, in blank space.
    pub placement: Placement,
}

/// The signature on an electronic copy.
#[derive(Debug, Clone)]
pub struct CopyOptions {
    /// `SAO Y`, `SAO LỤC` or `TRÍCH SAO`.
    pub copy_type: String,
    /// The copying organisation.
    pub organization: String,
    /// Font for the text block.
    pub font: TextFont,
    /// Where; by default the top right of page 1, in blank space.
    pub placement: Placement,
}

/// One of the four workflows.
#[derive(Debug, Clone)]
pub enum Workflow {
    /// See [`ApprovalOptions`].
    Approval(ApprovalOptions),
    /// See [`IssuanceOptions`].
    Issuance(IssuanceOptions),
    /// See [`AttachmentOptions`].
    Attachment(AttachmentOptions),
    /// See [`CopyOptions`].
    Copy(CopyOptions),
    /// See [`AppendixOptions`].
    Appendix(AppendixOptions),
    /// See [`IncomeOptions`].
    Income(IncomeOptions),
    /// See [`CommentOptions`].
    Comment(CommentOptions),
}

impl Workflow {
    fn placement_mut(&mut self) -> &mut Placement {
        match self {
            Self::Approval(a) => &mut a.placement,
            Self::Issuance(i) => &mut i.placement,
            Self::Attachment(a) => &mut a.placement,
            Self::Copy(c) => &mut c.placement,
            Self::Appendix(a) => &mut a.placement,
            Self::Income(i) => &mut i.placement,
            Self::Comment(c) => &mut c.placement,
        }
    }

    /// The role this workflow records.
    pub fn role(&self) -> Role {
        match self {
            Self::Approval(_) => Role::Approval,
            Self::Issuance(_) => Role::Issuance,
            Self::Attachment(_) => Role::Attachment,
            Self::Copy(_) => Role::Copy,
            Self::Appendix(_) => Role::Appendix,
            Self::Income(_) => Role::Income,
            Self::Comment(_) => Role::Comment,
        }
    }
}

/// A signature the document already has, with its widget.
#[derive(Debug, Clone)]
pub struct ExistingSignature {
    /// Field name.
    pub field_name: String,
    /// The role recorded by kyso, if any.
    pub role: Option<Role>,
    /// 1-based page of the widget.
    pub page: u32,
    /// The widget's `/Rect` in user space.
    pub rect: Rect,
}

/// The visible signatures of `doc` (widgets with a non-empty rectangle), in document order.
pub fn existing_signatures(doc: &Document) -> Vec<ExistingSignature> {
    kyso_pdf::find_signatures(doc)
        .into_iter()
        .filter_map(|s| {
            let rect = Rect::from_corners(s.rect?);
            if rect.width <= 0.0 || rect.height <= 0.0 {
                return None;
            }
            let role = s
                .object
                .and_then(|id| doc.objects.get(&id))
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| d.get(ROLE_KEY.as_bytes()).ok())
                .and_then(|n| n.as_name().ok())
                .and_then(|n| std::str::from_utf8(n).ok())
                .and_then(Role::from_name);
            Some(ExistingSignature {
                field_name: s.field_name,
                role,
                page: s.page?,
                rect,
            })
        })
        .collect()
}

/// `dd/mm/yyyy hh:mm:ss +07:00` at the time's own offset.
pub fn format_time(time: SigningTime) -> Result<String, SignError> {
    Ok(kyso_policy::time::vn_date_time(
        time.unix_seconds,
        time.offset_minutes,
    )?)
}

/// Sign `pdf` in the given workflow: [`plan_workflow`] then [`sign_pdf`]; the plan's warnings
/// are in [`SignedPdf::warnings`].
pub fn sign_workflow(
    pdf: &[u8],
    signer: &dyn Signer,
    workflow: &Workflow,
    options: &PadesOptions,
) -> Result<SignedPdf, SignError> {
    refuse_out_of_scope(signer.certificate(), workflow.role())?;
    // A comment is signed in the name on the certificate unless the caller names someone.
    let mut workflow = workflow.clone();
    if let Workflow::Comment(c) = &mut workflow {
        let info = kyso_policy::subject::subject_info(signer.certificate());
        if c.name.is_none() {
            c.name = Some(kyso_policy::subject::display_name(signer.certificate()));
        }
        if c.title.is_none() {
            c.title = info.title;
        }
    }
    let planned = plan_workflow(pdf, &workflow, options)?;
    let mut signed = sign_pdf(pdf, signer, &planned.options)?;
    signed.warnings.extend(planned.warnings);
    Ok(signed)
}

/// Decree 68 Art. 31–32 (Gia Lai Decision 29/2026 Art. 9): a certificate is used within its
/// scope. A certificate plainly of the other kind — a person's for the organisation's seal,
/// attachment or copy, an organisation's for an approval — would only make a signature every
/// verifier applying the profile refuses (`PROFILE_ROLE_CERTIFICATE`), so it is refused before
/// anything is signed. A certificate whose kind cannot be told is left to the verifier.
fn refuse_out_of_scope(cert: &x509_cert::Certificate, role: Role) -> Result<(), SignError> {
    use kyso_policy::subject::{SubscriberType, subject_info};
    if subject_info(cert).subscriber_type == SubscriberType::Unknown {
        return Ok(());
    }
    let profile = kyso_policy::profile::Profile::default();
    match kyso_policy::profile::check_role(role.as_str(), cert, &profile) {
        Some(reason) => Err(SignError::CertificateRefused(vec![reason])),
        None => Ok(()),
    }
}

/// What [`plan_workflow`] decided.
#[derive(Debug, Clone)]
pub struct WorkflowPlan {
    /// The signing options, appearance included.
    pub options: PadesOptions,
    /// What was assumed on the caller's behalf (e.g. [`SEAL_SIZE_ASSUMED`]), in Vietnamese and
    /// English.
    pub warnings: Vec<Reason>,
}

/// The signing options for `workflow` on `pdf` ([`plan_workflow`] without its warnings).
pub fn plan(
    pdf: &[u8],
    workflow: &Workflow,
    options: &PadesOptions,
) -> Result<PadesOptions, SignError> {
    Ok(plan_workflow(pdf, workflow, options)?.options)
}

/// The signing options for `workflow` on `pdf`: `options` with the page, rectangle,
/// appearance, `/Reason` (unless set) and role entries filled in, and the warnings about what
/// was assumed.
///
/// Unsigned signature fields the document already has: when `options.field_name` names one,
/// that field is signed and its widget's page and rectangle are the placement (the appearance
/// is drawn for them); otherwise a new field is added (an unrelated prepared field is never
/// filled with an appearance drawn for another place).
pub fn plan_workflow(
    pdf: &[u8],
    workflow: &Workflow,
    options: &PadesOptions,
) -> Result<WorkflowPlan, SignError> {
    let doc = kyso_pdf::load::load_for_update(pdf)?;
    let unsigned = kyso_pdf::incremental::unsigned_signature_fields(&doc);
    let mut field_name = options.field_name.clone();
    let mut workflow = workflow.clone();
    match field_name
        .as_deref()
        .and_then(|n| unsigned.iter().find(|f| f.name == n))
    {
        Some(field) => {
            if let Some(rect) = field.rect.map(Rect::from_corners)
                && rect.width > 0.0
                && rect.height > 0.0
            {
                let p = workflow.placement_mut();
                p.rect = Some(rect);
                p.page = field.page.or(p.page);
                // The prepared place is the sender's choice, whatever it covers.
                p.allow_overlap = true;
            }
        }
        None if field_name.is_none() && !unsigned.is_empty() => {
            field_name = Some(kyso_pdf::incremental::free_signature_field_name(&doc));
        }
        None => {}
    }
    let workflow = &workflow;
    let existing = existing_signatures(&doc);
    let time = format_time(options.signing_time)?;
    let role = workflow.role();
    let mut warnings = Vec::new();
    let (page, user_rect, geometry, builder) = match workflow {
        Workflow::Approval(a) => {
            let page = a.placement.page.unwrap_or(1);
            let rect = a.placement.rect.ok_or_else(|| {
                SignError::Options(
                    "an approval signature needs a rectangle (between the title and the name)"
                        .into(),
                )
            })?;
            check_overlap(&existing, page, rect, &a.placement, role)?;
            let g = PageGeometry::of_page(&doc, page)?;
            let visual = g.to_visual(rect);
            let mut b = AppearanceBuilder::new(visual.width, visual.height);
            let full = Rect::new(0.0, 0.0, visual.width, visual.height);
            let at = if a.stretch {
                full
            } else {
                full.fit(a.image.aspect())
            };
            b.image(&a.image, at);
            (page, rect, g, b)
        }
        Workflow::Issuance(i) => {
            let (width_mm, warning) = seal_width_mm(i)?;
            // In a given rectangle the drawing is fitted to it: the caller chose the size.
            if i.placement.rect.is_none() {
                warnings.extend(warning);
            }
            seal::issuance(&doc, &existing, i, width_mm, &time)?
        }
        Workflow::Attachment(a) => {
            let lines = [a.doc_number.as_str(), time.as_str()];
            let block = Block::top_right(&a.font, &a.placement);
            text_block(&doc, &existing, &lines, role, block, &mut warnings)?
        }
        Workflow::Copy(c) => {
            let lines = [c.copy_type.as_str(), c.organization.as_str(), time.as_str()];
            let block = Block::top_right(&c.font, &c.placement);
            text_block(&doc, &existing, &lines, role, block, &mut warnings)?
        }
        Workflow::Appendix(a) => {
            let lines = desk::appendix_lines(a, &time);
            let block = Block::top_right(&a.font, &a.placement);
            text_block(&doc, &existing, &lines, role, block, &mut warnings)?
        }
        Workflow::Income(i) => {
            let lines = desk::income_lines(i, options.signing_time)?;
            let block = Block {
                left: true,
                framed: true,
                ..Block::top_right(&i.font, &i.placement)
            };
            text_block(&doc, &existing, &lines, role, block, &mut warnings)?
        }
        Workflow::Comment(c) => {
            let page = c.placement.page.unwrap_or(1);
            let rect = c.placement.rect.ok_or_else(|| {
                SignError::Options("a comment needs a rectangle (--rect) to write in".into())
            })?;
            let width = PageGeometry::of_page(&doc, page)?.to_visual(rect).width - 2.0 * PADDING;
            let name = c.name.as_deref().unwrap_or_default();
            let lines = desk::comment_lines(c, name, c.title.as_deref(), &time, width, TEXT_SIZE)?;
            let needed = lines.len() as f32 * LINE_HEIGHT + 2.0 * PADDING;
            let height = PageGeometry::of_page(&doc, page)?.to_visual(rect).height;
            if needed > height + 0.5 {
                return Err(SignError::Options(format!(
                    "the comment needs {} lines, {needed:.0} pt high: the rectangle is {height:.0} pt \
                     high (make it taller or wider)",
                    lines.len()
                )));
            }
            let block = Block::top_right(&c.font, &c.placement);
            text_block(&doc, &existing, &lines, role, block, &mut warnings)?
        }
    };
    let appearance = builder.finish(geometry.rotation)?;
    let mut out = options.clone();
    out.field_name = field_name;
    out.page = page;
    out.rect = user_rect.corners();
    out.appearance = Some(appearance);
    if out.reason.is_none() {
        out.reason = Some(match workflow {
            Workflow::Attachment(a) => format!("{} {}", role.reason(), a.doc_number),
            Workflow::Copy(c) => format!("{} ({})", role.reason(), c.copy_type),
            Workflow::Appendix(a) => format!("{} {}", role.reason(), a.doc_number),
            Workflow::Income(i) => format!("{} số {}", role.reason(), i.income_number),
            _ => role.reason().into(),
        });
    }
    let mut app = Dictionary::new();
    app.set("Name", Object::Name(b"kyso".to_vec()));
    app.set(
        "REx",
        Object::String(
            env!("CARGO_PKG_VERSION").as_bytes().to_vec(),
            StringFormat::Literal,
        ),
    );
    let mut build = Dictionary::new();
    build.set("App", Object::Dictionary(app));
    out.extra_entries
        .set("Prop_Build", Object::Dictionary(build));
    out.extra_entries
        .set(ROLE_KEY, Object::Name(role.as_str().as_bytes().to_vec()));
    Ok(WorkflowPlan {
        options: out,
        warnings,
    })
}

/// Refuse a given rectangle that covers another visible signature on the same page.
pub(super) fn check_overlap(
    existing: &[ExistingSignature],
    page: u32,
    rect: Rect,
    placement: &Placement,
    role: Role,
) -> Result<(), SignError> {
    if placement.allow_overlap {
        return Ok(());
    }
    for e in existing.iter().filter(|e| e.page == page) {
        if role == Role::Issuance && e.role == Some(Role::Approval) {
            continue;
        }
        if rect.overlap_area(&e.rect) > 0.0 {
            return Err(SignError::Appearance(format!(
                "the rectangle covers signature {:?}; choose another place or allow overlap",
                e.field_name
            )));
        }
    }
    Ok(())
}

pub(super) type Planned = (u32, Rect, PageGeometry, AppearanceBuilder);

/// A text block's font and place: where it sits when placed automatically, and whether it is
/// framed.
#[derive(Clone, Copy)]
struct Block<'a> {
    font: &'a TextFont,
    placement: &'a Placement,
    /// At the visual top left (the incoming stamp) rather than the top right.
    left: bool,
    /// A frame around the lines (the incoming stamp).
    framed: bool,
}

impl<'a> Block<'a> {
    fn top_right(font: &'a TextFont, placement: &'a Placement) -> Self {
        Self {
            font,
            placement,
            left: false,
            framed: false,
        }
    }
}

/// A text block, by default at the visual top right (or left) of the page, moved into blank
/// space ([`placement::place`]: off the page's text and images and other signatures; the warning
/// [`PLACEMENT_OVERLAPS_TEXT`] when there is none).
fn text_block(
    doc: &Document,
    existing: &[ExistingSignature],
    lines: &[impl AsRef<str>],
    role: Role,
    block: Block,
    warnings: &mut Vec<Reason>,
) -> Result<Planned, SignError> {
    let (font, placement) = (block.font, block.placement);
    let lines: Vec<&str> = lines.iter().map(AsRef::as_ref).collect();
    let page = placement.page.unwrap_or(1);
    let g = PageGeometry::of_page(doc, page)?;
    let text_w = lines
        .iter()
        .map(|l| font.width(l, TEXT_SIZE))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .fold(0.0, f32::max);
    let box_w = text_w + 2.0 * PADDING;
    let box_h = lines.len() as f32 * LINE_HEIGHT + 2.0 * PADDING;
    let user_rect = match placement.rect {
        Some(rect) => {
            check_overlap(existing, page, rect, placement, role)?;
            rect
        }
        None => {
            let (pw, ph) = g.visual_size();
            let (x, corner) = if block.left {
                (LEFT_MARGIN.min((pw - box_w).max(0.0)), Corner::TopLeft)
            } else {
                ((pw - RIGHT_MARGIN - box_w).max(0.0), Corner::TopRight)
            };
            let preferred = Rect::new(x, (ph - TOP_MARGIN - box_h).max(0.0), box_w, box_h);
            // Into blank space: off the letterhead, the page's text and images, and the other
            // signatures (other text blocks included).
            let signatures: Vec<Rect> = existing
                .iter()
                .filter(|e| e.page == page)
                .map(|e| e.rect)
                .collect();
            let (visual, warning) =
                placement::place(doc, page, &g, preferred, corner, &signatures)?;
            warnings.extend(warning);
            g.to_user(visual)
        }
    };
    let visual = g.to_visual(user_rect);
    let mut b = AppearanceBuilder::new(visual.width, visual.height);
    if block.framed {
        b.frame(Rect::new(0.0, 0.0, visual.width, visual.height), 0.8);
    }
    // Lines left-aligned, from the top of the box.
    for (n, line) in lines.iter().enumerate() {
        let baseline = visual.height - PADDING - (n as f32 + 1.0) * LINE_HEIGHT + 3.0;
        b.text(font, PADDING, baseline, TEXT_SIZE, line)?;
    }
    Ok((page, user_rect, g, b))
}

#[cfg(test)]
mod tests;
