//! Verification for kyso: CMS and time-stamp checks ([`cms`], [`timestamp`]), PAdES coverage
//! and modification analysis ([`pades`]), and the `kyso.report/1` report ([`report`]).
//!
//! Builds for `wasm32-unknown-unknown`: no file system, clock or network; the caller passes
//! trust anchors, the validation time and revocation data.
#![forbid(unsafe_code)]

pub mod cms;
pub mod network;
pub mod pades;
pub mod report;
pub mod revocation;
pub mod role;
pub mod timestamp;

pub use network::{FetchRecord, NetworkPolicy};
pub use pades::{RevocationMode, VerifyOptions};
pub use report::{Indication, Report, Verdict};

/// Verify every signature of the PDF in `bytes`, fetching in online mode
/// only within `options.network` ([`network`]); the report lists what was fetched.
pub fn verify_pdf(bytes: &[u8], options: &VerifyOptions) -> Result<Report, VerifyError> {
    if let Some(limit) = options.max_input_bytes
        && bytes.len() > limit
    {
        return Err(VerifyError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let (guarded, log) = network::guarded(options);
    let mut report = pades::verify_pdf(bytes, &guarded)?;
    report.fetched = log.records();
    Ok(report)
}

/// Why verification could not be carried out at all (a failed signature is not an error: it is
/// a report with verdict INVALID).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The file is not a readable PDF.
    #[error(transparent)]
    Pdf(#[from] kyso_pdf::PdfError),
    /// The input is larger than the caller's `max_input_bytes`.
    #[error("the document is {size} bytes, more than the {limit} accepted")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The caller's bound.
        limit: usize,
    },
}

impl VerifyError {
    /// Stable numeric code of the underlying layer.
    pub fn code(&self) -> u32 {
        match self {
            Self::Pdf(e) => e.code(),
            Self::TooLarge { .. } => 1007,
        }
    }
}
