//! Verification for kyso: CMS and time-stamp checks ([`cms`], [`timestamp`]), PAdES coverage
//! and modification analysis ([`pades`]), and the `kyso.report/1` report ([`report`]).
//!
//! Builds for `wasm32-unknown-unknown`: no file system, clock or network; the caller passes
//! trust anchors, the validation time and revocation data.
#![forbid(unsafe_code)]

pub mod cms;
pub mod pades;
pub mod report;
pub mod revocation;
pub mod role;
pub mod timestamp;

pub use pades::{RevocationMode, VerifyOptions, verify_pdf};
pub use report::{Indication, Report, Verdict};

/// Why verification could not be carried out at all (a failed signature is not an error: it is
/// a report with verdict INVALID).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The file is not a readable PDF.
    #[error(transparent)]
    Pdf(#[from] kyso_pdf::PdfError),
}

impl VerifyError {
    /// Stable numeric code of the underlying layer.
    pub fn code(&self) -> u32 {
        match self {
            Self::Pdf(e) => e.code(),
        }
    }
}
