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
///
/// As [`verify_pdf_source`]: the structure is parsed without the data of large images, so each
/// byte is hashed once (for the signatures) instead of twice — half the work for WASM's
/// software SHA-256 on a scan.
pub fn verify_pdf(bytes: &[u8], options: &VerifyOptions) -> Result<Report, VerifyError> {
    verify_pdf_source(&bytes, options)
}

/// [`verify_pdf`] reading and parsing every byte of `bytes`, image data included: what
/// [`verify_pdf_source`] falls back to, and the reference its sparse copy is tested against.
pub fn verify_pdf_whole(bytes: &[u8], options: &VerifyOptions) -> Result<Report, VerifyError> {
    check_size(bytes.len() as u64, options)?;
    verify_view(&kyso_pdf::PdfView::whole(bytes), &bytes, options)
}

/// [`verify_pdf`] for a document read by positioned reads (a file): the structure is parsed
/// from a sparse copy without the data of large images, and the byte ranges are hashed from
/// the source, so memory stays flat whatever the file's size. A file whose copy does not read
/// as the file does ([`kyso_pdf::sparse`]) is verified again from its whole bytes.
pub fn verify_pdf_source(
    source: &dyn kyso_pdf::ByteSource,
    options: &VerifyOptions,
) -> Result<Report, VerifyError> {
    check_size(source.size(), options)?;
    let sparse = kyso_pdf::PdfView::sparse(source).map_err(VerifyError::Read)?;
    if sparse.is_sparse() {
        let report = verify_view(&sparse, source, options);
        if sparse.matched() {
            return report;
        }
    } else {
        // Nothing was left out: the copy is the file.
        return verify_view(&sparse, &sparse.bytes(), options);
    }
    drop(sparse);
    let size = usize::try_from(source.size()).map_err(|_| VerifyError::TooLarge {
        size: usize::MAX,
        limit: usize::MAX,
    })?;
    let mut whole = Vec::with_capacity(size);
    source
        .read_range(0, size as u64, &mut |piece| whole.extend_from_slice(piece))
        .map_err(VerifyError::Read)?;
    verify_pdf_whole(&whole, options)
}

fn check_size(size: u64, options: &VerifyOptions) -> Result<(), VerifyError> {
    match options.max_input_bytes {
        Some(limit) if size > limit as u64 => Err(VerifyError::TooLarge {
            size: usize::try_from(size).unwrap_or(usize::MAX),
            limit,
        }),
        _ => Ok(()),
    }
}

fn verify_view(
    view: &kyso_pdf::PdfView<'_>,
    source: &dyn kyso_pdf::ByteSource,
    options: &VerifyOptions,
) -> Result<Report, VerifyError> {
    let (guarded, log) = network::guarded(options);
    let mut report = pades::verify_pdf(view, source, &guarded)?;
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
    /// The document could not be read (a file that vanished or failed while being verified).
    #[error("the document could not be read: {0}")]
    Read(std::io::Error),
}

impl VerifyError {
    /// Stable numeric code of the underlying layer.
    pub fn code(&self) -> u32 {
        match self {
            Self::Pdf(e) => e.code(),
            Self::TooLarge { .. } => 1007,
            Self::Read(_) => 6001,
        }
    }
}
