//! The Decree 30 signing workflows as library calls: [`sign_approval`] (the competent person's
//! signature image), [`sign_issuance`] (the organisation's seal over it), [`sign_attachment`]
//! and [`sign_copy`] (text blocks at the top right of page 1, moved into blank space off the
//! letterhead, with the warning [`PLACEMENT_OVERLAPS_TEXT`] when the page has none). See
//! [`kyso_sign::workflow`] for what each draws, where, and how the role is recorded.
//!
//! Text is set in the built-in Liberation Serif 2.1.5 ([`TextFont::builtin`], compiled into the
//! library, so no system font is needed on any platform) unless a font file is given
//! ([`load_font`]). A seal PNG that does not state its real size is drawn
//! [`DEFAULT_SEAL_DIAMETER_MM`] wide, with the warning [`SEAL_SIZE_ASSUMED`] in
//! [`SignedPdf::warnings`].
//!
//! ```no_run
//! use kyso::workflows::{self, ApprovalOptions, IssuanceOptions, Placement, Rect};
//!
//! /// The competent person signs, then the clerk applies the organisation's seal.
//! fn approve_and_issue(
//!     pdf: &[u8],
//!     person: &dyn kyso::Signer,
//!     organisation: &dyn kyso::Signer,
//! ) -> Result<Vec<u8>, kyso::Error> {
//!     let time = kyso::signing_time_now();
//!     let approval = ApprovalOptions {
//!         image: workflows::load_png("chu-ky.png".as_ref())?,
//!         placement: Placement {
//!             page: Some(1),
//!             rect: Some(Rect::new(350.0, 180.0, 150.0, 60.0)),
//!             ..Default::default()
//!         },
//!         stretch: false,
//!     };
//!     let options = kyso::PadesOptions::new(time);
//!     let signed = workflows::sign_approval(pdf, person, &approval, &options)?;
//!     let issuance = IssuanceOptions {
//!         seal: workflows::load_png("con-dau.png".as_ref())?,
//!         seal_width_mm: Some(36.0),
//!         placement: Placement::default(), // over the left third of the approval image
//!         organization: Some("Sở Khoa học và Công nghệ".into()),
//!         doc_number: Some("125/QĐ-SKHCN".into()),
//!         issued_date: Some("07/01/2025".into()),
//!         font: None, // the built-in Liberation Serif
//!     };
//!     let sealed = workflows::sign_issuance(&signed.bytes, organisation, &issuance, &options)?;
//!     for w in &sealed.warnings {
//!         eprintln!("cảnh báo / warning [{}]: {} / {}", w.code, w.vi, w.en);
//!     }
//!     Ok(sealed.bytes)
//! }
//! ```

use std::path::{Path, PathBuf};

pub use kyso_sign::appearance::{
    PageGeometry, PngImage, Rect, Rotation, TextFont, VIETNAMESE_LETTERS,
};
pub use kyso_sign::workflow::{
    AppendixOptions, ApprovalOptions, AttachmentOptions, CommentOptions, CopyOptions,
    DEFAULT_SEAL_DIAMETER_MM, ExistingSignature, IncomeOptions, IssuanceOptions,
    PLACEMENT_OVERLAPS_TEXT, Placement, Role, SEAL_SIZE_ASSUMED, Workflow, format_time,
    seal_width_mm,
};

use crate::{Error, PadesOptions, SignedPdf, Signer, SigningTime, files};

/// A TrueType font file for text blocks, instead of the built-in Liberation Serif
/// ([`TextFont::builtin`]). Refused unless it has every Vietnamese letter
/// ([`VIETNAMESE_LETTERS`]): a text block must never show a missing glyph.
pub fn load_font(path: &Path) -> Result<TextFont, Error> {
    let font = TextFont::from_bytes(files::read(path)?)?;
    let missing = font.missing_vietnamese_letters()?;
    if !missing.is_empty() {
        return Err(Error::Options(format!(
            "font {}: no glyph for the Vietnamese letters {missing} (use a font with full \
             Vietnamese such as Liberation Serif 2 or Tinos, or none for the built-in one)",
            path.display()
        )));
    }
    Ok(font)
}

/// A PNG file.
pub fn load_png(path: &Path) -> Result<PngImage, Error> {
    Ok(PngImage::decode(&files::read(path)?)?)
}

/// Sign `pdf` in `workflow`; `options` gives the signing time, `/SubFilter`, field name…
/// (its page, rectangle and appearance are replaced by the workflow's).
pub fn sign(
    pdf: &[u8],
    signer: &dyn Signer,
    workflow: &Workflow,
    options: &PadesOptions,
) -> Result<SignedPdf, Error> {
    let signer = crate::chain::CompletedChain::new(signer);
    Ok(kyso_sign::sign_workflow(pdf, &signer, workflow, options)?)
}

/// The competent person's approval signature: the signature image in the given rectangle.
pub fn sign_approval(
    pdf: &[u8],
    signer: &dyn Signer,
    approval: &ApprovalOptions,
    options: &PadesOptions,
) -> Result<SignedPdf, Error> {
    sign(pdf, signer, &Workflow::Approval(approval.clone()), options)
}

/// The organisation's issuance signature: the seal at its real size, by default over the left
/// third of the most recent approval signature.
pub fn sign_issuance(
    pdf: &[u8],
    signer: &dyn Signer,
    issuance: &IssuanceOptions,
    options: &PadesOptions,
) -> Result<SignedPdf, Error> {
    sign(pdf, signer, &Workflow::Issuance(issuance.clone()), options)
}

/// The signature on an attachment file: document number and symbol and the signing time at
/// the top right of page 1.
pub fn sign_attachment(
    pdf: &[u8],
    signer: &dyn Signer,
    attachment: &AttachmentOptions,
    options: &PadesOptions,
) -> Result<SignedPdf, Error> {
    sign(
        pdf,
        signer,
        &Workflow::Attachment(attachment.clone()),
        options,
    )
}

/// The signature on an electronic copy: copy type, copying organisation and signing time at
/// the top right of page 1.
pub fn sign_copy(
    pdf: &[u8],
    signer: &dyn Signer,
    copy: &CopyOptions,
    options: &PadesOptions,
) -> Result<SignedPdf, Error> {
    sign(pdf, signer, &Workflow::Copy(copy.clone()), options)
}

/// [`sign`] from file to file; the output is written atomically and may equal the input, and the
/// input is never held whole ([`crate::sign_file::sign_document_file`]).
pub fn sign_file(
    input: &Path,
    output: &Path,
    signer: &dyn Signer,
    workflow: &Workflow,
    options: &PadesOptions,
) -> Result<crate::sign_file::SignedFile, Error> {
    crate::sign_file::sign_pdf_file_in(input, output, signer, options, Some(workflow))
}

/// The copy types of Decree 30 (Art. 25): `SAO Y`, `SAO LỤC`, `TRÍCH SAO`.
pub const COPY_TYPES: [&str; 3] = ["SAO Y", "SAO LỤC", "TRÍCH SAO"];

/// The canonical copy type for `text`: one of [`COPY_TYPES`] in any letter case, or the ASCII
/// aliases `sao-y`, `sao-luc`, `trich-sao`.
pub fn copy_type(text: &str) -> Result<&'static str, Error> {
    let t = text.trim().to_uppercase().replace(['-', '_'], " ");
    match t.as_str() {
        "SAO Y" => Ok(COPY_TYPES[0]),
        "SAO LỤC" | "SAO LUC" => Ok(COPY_TYPES[1]),
        "TRÍCH SAO" | "TRICH SAO" => Ok(COPY_TYPES[2]),
        _ => Err(Error::Options(format!(
            "copy type {text:?}: use SAO Y, SAO LỤC or TRÍCH SAO"
        ))),
    }
}

/// `X,Y,W,H` in points (origin bottom-left of the page's user space).
pub fn parse_rect(text: &str) -> Result<Rect, Error> {
    let parts: Vec<f32> = text
        .split(',')
        .map(|p| p.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| Error::Options(format!("rectangle {text:?}: expected X,Y,W,H")))?;
    match parts[..] {
        [x, y, w, h] if w > 0.0 && h > 0.0 && x.is_finite() && y.is_finite() => {
            Ok(Rect::new(x, y, w, h))
        }
        _ => Err(Error::Options(format!(
            "rectangle {text:?}: expected X,Y,W,H with positive width and height"
        ))),
    }
}

/// A workflow described by plain values (file paths, strings), as the CLI and bindings take
/// it; [`ProfileRequest::workflow`] loads the files and checks what each profile needs.
#[derive(Debug, Clone)]
pub struct ProfileRequest {
    /// Which workflow.
    pub role: Role,
    /// PNG: the signature image (approval) or the seal (issuance).
    pub image: Option<PathBuf>,
    /// 1-based page.
    pub page: Option<u32>,
    /// Widget rectangle in points.
    pub rect: Option<Rect>,
    /// Document number and symbol (attachment).
    pub doc_number: Option<String>,
    /// Copy type (copy).
    pub copy_type: Option<String>,
    /// Organisation (copy: required; issuance: optional text next to the seal).
    pub organization: Option<String>,
    /// Font file ([`load_font`]); by default the built-in Liberation Serif
    /// ([`TextFont::builtin`]).
    pub font: Option<PathBuf>,
    /// The seal's real width in mm (issuance), when the PNG has no `pHYs`; without either the
    /// seal is drawn [`DEFAULT_SEAL_DIAMETER_MM`] wide with the warning [`SEAL_SIZE_ASSUMED`].
    pub seal_width_mm: Option<f32>,
    /// Allow covering other signatures (see [`Placement::allow_overlap`]).
    pub allow_overlap: bool,
    /// The issuing date shown with the seal (issuance).
    pub issued_date: Option<String>,
    /// The incoming number (income).
    pub income_number: Option<String>,
    /// When the document was received, RFC 3339 (income); the signing time by default.
    pub received: Option<String>,
    /// The comment's text (comment).
    pub text: Option<String>,
    /// The commenter's name (comment); the certificate's by default.
    pub name: Option<String>,
    /// The commenter's title (comment); the certificate's by default.
    pub title: Option<String>,
}

impl ProfileRequest {
    /// A request for `role` with nothing else set.
    pub fn new(role: Role) -> Self {
        Self {
            role,
            image: None,
            page: None,
            rect: None,
            doc_number: None,
            copy_type: None,
            organization: None,
            font: None,
            seal_width_mm: None,
            allow_overlap: false,
            issued_date: None,
            income_number: None,
            received: None,
            text: None,
            name: None,
            title: None,
        }
    }

    /// Load the files and build the workflow.
    pub fn workflow(&self) -> Result<Workflow, Error> {
        let placement = Placement {
            page: self.page,
            rect: self.rect,
            allow_overlap: self.allow_overlap,
        };
        let font = || match &self.font {
            Some(p) => load_font(p),
            None => Ok(TextFont::builtin()?),
        };
        let need = |what: &str, v: &Option<String>| -> Result<String, Error> {
            v.clone().filter(|s| !s.trim().is_empty()).ok_or_else(|| {
                Error::Options(format!("the {} profile needs {what}", self.role.as_str()))
            })
        };
        let image = || -> Result<PngImage, Error> {
            let path = self.image.as_deref().ok_or_else(|| {
                Error::Options(format!("the {} profile needs an image", self.role.as_str()))
            })?;
            load_png(path)
        };
        Ok(match self.role {
            Role::Approval => Workflow::Approval(ApprovalOptions {
                image: image()?,
                placement,
                stretch: false,
            }),
            Role::Issuance => Workflow::Issuance(IssuanceOptions {
                seal: image()?,
                seal_width_mm: self.seal_width_mm,
                placement,
                font: match (&self.organization, &self.doc_number, &self.issued_date) {
                    (None, None, None) => None,
                    _ => Some(font()?),
                },
                organization: self.organization.clone(),
                doc_number: self.doc_number.clone(),
                issued_date: self.issued_date.clone(),
            }),
            Role::Attachment => Workflow::Attachment(AttachmentOptions {
                doc_number: need("a document number (--doc-number)", &self.doc_number)?,
                font: font()?,
                placement,
            }),
            Role::Appendix => Workflow::Appendix(AppendixOptions {
                doc_number: need(
                    "the number of the document it belongs to (--doc-number)",
                    &self.doc_number,
                )?,
                font: font()?,
                placement,
            }),
            Role::Income => Workflow::Income(IncomeOptions {
                organization: need(
                    "the receiving organisation (--organization)",
                    &self.organization,
                )?,
                income_number: need("an incoming number (--income-number)", &self.income_number)?,
                received: self
                    .received
                    .as_deref()
                    .map(|t| -> Result<SigningTime, Error> {
                        let t = crate::options::parse_time(t)?;
                        Ok(SigningTime {
                            unix_seconds: t.unix_duration().as_secs(),
                            offset_minutes: 7 * 60,
                        })
                    })
                    .transpose()?,
                font: font()?,
                placement,
            }),
            Role::Comment => Workflow::Comment(CommentOptions {
                text: need("the comment's text (--text)", &self.text)?,
                name: self.name.clone(),
                title: self.title.clone(),
                font: font()?,
                placement,
            }),
            Role::Copy => Workflow::Copy(CopyOptions {
                copy_type: copy_type(&need("a copy type (--copy-type)", &self.copy_type)?)?.into(),
                organization: need("an organisation (--organization)", &self.organization)?,
                font: font()?,
                placement,
            }),
        })
    }
}
