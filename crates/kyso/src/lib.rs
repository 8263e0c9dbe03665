//! kyso — sign and verify Vietnamese public-service digital signatures (*chữ ký số chuyên dùng
//! công vụ*) in PDF documents.
//!
//! The one front door for Rust users, the C ABI, the CLI and WASM (which all go through it):
//!
//! - **Verify**: [`VerifyConfig`] (the JSON options every binding takes) → [`VerifyOptions`];
//!   [`verify_pdf`], [`verify_pdf_file`] → a [`Report`] (see [`report`]).
//! - **Sign**: a [`Signer`] ([`token`]: PKCS#11 tokens, PKCS#12 files), [`PadesOptions`];
//!   [`sign_pdf`], [`sign_pdf_file`]; the Decree 30 workflows in [`workflows`]; the JSON form
//!   [`SignConfig`] / [`sign_pdf_json`].
//! - **Long-term validation**: [`ltv`], [`LtvConfig`] / [`ltv_add_json`].
//! - **Certificates**: [`certificates`] (inspect, verify for document signing), [`inventory`]
//!   (tokens and expiry report), [`time`] (the date forms clerks read).
//! - **Remote signing** (CSC API: VNPT SmartCA, Viettel MySign): [`remote`] (feature `net`).
//! - [`inspect`] (a PDF's signatures without verdicts), [`demo`] (the built-in demo PKI),
//!   [`files`] (atomic writes).
//!
//! The crates below (`kyso-pdf`, `kyso-policy`, `kyso-verify`, `kyso-sign`, `kyso-token`,
//! `kyso-net`) are implementation layers; their types appear here only where a user needs them.
//!
//! ```no_run
//! # fn main() -> Result<(), kyso::Error> {
//! let options = kyso::VerifyConfig {
//!     trust: vec!["/etc/kyso/rootcag2.pem".into()],
//!     intermediates: vec!["/etc/kyso/cpcag2.pem".into()],
//!     ..Default::default()
//! }
//! .build()?;
//! let report = kyso::verify_pdf_file("incoming.pdf".as_ref(), &options)?;
//! println!("{}", report.to_json());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod certificates;
mod chain;
pub mod demo;
pub mod edxml;
mod error;
pub mod files;
mod html;
pub mod inbox_report;
pub mod inspect;
#[cfg(feature = "pkcs11")]
pub mod inventory;
#[cfg(feature = "pkcs11")]
pub mod inventory_html;
pub mod ltv;
pub mod ltv_config;
pub mod options;
pub mod refusal;
#[cfg(feature = "net")]
pub mod remote;
pub mod report;
pub mod sign_config;
pub mod sign_file;
pub mod time;
pub mod token;
pub mod trust;
pub mod two_step;
pub mod vgca;
pub mod workflows;

use std::path::Path;

pub use error::Error;
pub use kyso_sign::{PadesOptions, SignedPdf, SigningTime, SubFilter};
pub use kyso_sign::{Role, Workflow};
pub use kyso_token::Signer;
pub use kyso_verify::{Report, RevocationMode, Verdict, VerifyOptions};
pub use ltv_config::{LtvConfig, ltv_add_json};
pub use options::VerifyConfig;
pub use sign_config::{SignConfig, SignConfigError, SignResult, sign_pdf_json};

/// The current time (the facade is where the clock is read; lower layers take time as input).
pub fn now() -> der::DateTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Fails only past year 9999; the epoch is an unreachable fallback that no certificate passes.
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .or_else(|_| der::DateTime::new(1970, 1, 1, 0, 0, 0))
        .unwrap_or(der::DateTime::INFINITY)
}

/// Now, as a signing time shown in Vietnam time (+07:00).
pub fn signing_time_now() -> SigningTime {
    SigningTime {
        unix_seconds: now().unix_duration().as_secs(),
        offset_minutes: 7 * 60,
    }
}

/// The HTTP fetcher of online verification, with the monotonic clock its time budget needs.
#[cfg(feature = "net")]
pub(crate) fn network_fetcher() -> kyso_verify::revocation::Fetcher {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(std::time::Instant::now);
    kyso_verify::revocation::Fetcher::new(kyso_net::HttpFetcher::default())
        .with_clock(move || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX))
}

/// Verify the signatures of a PDF held in memory.
pub fn verify_pdf(bytes: &[u8], options: &VerifyOptions) -> Result<Report, Error> {
    Ok(kyso_verify::verify_pdf(bytes, options)?)
}

/// Verify the signatures of a PDF file. The report names the file. The file is read by
/// positioned reads, its large images never ([`kyso_verify::verify_pdf_source`]).
pub fn verify_pdf_file(path: &Path, options: &VerifyOptions) -> Result<Report, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut report = match kyso_verify::verify_pdf_source(&file, options) {
        Ok(r) => r,
        Err(kyso_verify::VerifyError::Read(e)) => return Err(Error::io(path, e)),
        Err(e) => return Err(e.into()),
    };
    report
        .file
        .get_or_insert_with(|| path.display().to_string());
    Ok(report)
}

/// Verify many PDF files on `jobs` threads (`0`: one per core), with one set of options (the trust
/// store and revocation data are parsed once, shared by every thread). `each` receives every
/// file's result in the order of `paths`, as soon as the batch holding it is done (a few files per
/// thread, so that only a batch's reports are held); its first error stops the run and is returned.
#[cfg(feature = "parallel")]
pub fn verify_pdf_files<E>(
    paths: &[std::path::PathBuf],
    options: &VerifyOptions,
    jobs: usize,
    each: impl FnMut(&Path, Result<Report, Error>) -> Result<(), E>,
) -> Result<(), E> {
    verify_each(paths, options, jobs, verify_pdf_file, each)
}

/// Verify one file of an inbox: an edXML package when its name ends in `.edxml` (any case),
/// a PDF otherwise.
pub fn verify_document_file(
    path: &Path,
    options: &VerifyOptions,
) -> Result<inbox_report::Outcome, Error> {
    if edxml::is_package_name(path) {
        edxml::verify_edxml_file(path, options).map(|r| inbox_report::Outcome::Package(Box::new(r)))
    } else {
        verify_pdf_file(path, options).map(inbox_report::Outcome::Pdf)
    }
}

/// [`verify_document_file`] over many files, on `jobs` threads (0: one per core); `each` gets
/// the results in the order of `paths`.
#[cfg(feature = "parallel")]
pub fn verify_document_files<E>(
    paths: &[std::path::PathBuf],
    options: &VerifyOptions,
    jobs: usize,
    each: impl FnMut(&Path, Result<inbox_report::Outcome, Error>) -> Result<(), E>,
) -> Result<(), E> {
    verify_each(paths, options, jobs, verify_document_file, each)
}

#[cfg(feature = "parallel")]
fn verify_each<T: Send, E>(
    paths: &[std::path::PathBuf],
    options: &VerifyOptions,
    jobs: usize,
    verify: fn(&Path, &VerifyOptions) -> Result<T, Error>,
    mut each: impl FnMut(&Path, Result<T, Error>) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    // No threads to be had (a restricted process): one file at a time.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .ok();
    let batch_len = pool.as_ref().map_or(1, |p| p.current_num_threads() * 8);
    for batch in paths.chunks(batch_len) {
        let run = || -> Vec<_> { batch.par_iter().map(|p| verify(p, options)).collect() };
        let results = match &pool {
            Some(pool) => pool.install(run),
            None => batch.iter().map(|p| verify(p, options)).collect(),
        };
        for (path, result) in batch.iter().zip(results) {
            each(path, result)?;
        }
    }
    Ok(())
}

/// Sign a PDF held in memory; returns the new file's bytes (the input is their prefix). The
/// signature carries the signer's chain, completed with the Government CA's issuing CAs
/// ([`trust::known_intermediates`]) where the signer's certificate is theirs.
pub fn sign_pdf(
    bytes: &[u8],
    signer: &dyn Signer,
    options: &PadesOptions,
) -> Result<SignedPdf, Error> {
    let signer = chain::CompletedChain::new(signer);
    Ok(kyso_sign::sign_pdf(bytes, &signer, options)?)
}

/// Sign `input` into `output` (B-B, or B-T with `options.timestamper`). The output is written
/// atomically (temporary file, then rename), so it is never half-written; `output` may equal
/// `input`. The input is read as a sparse copy, never whole ([`sign_file::sign_document_file`]).
pub fn sign_pdf_file(
    input: &Path,
    output: &Path,
    signer: &dyn Signer,
    options: &PadesOptions,
) -> Result<sign_file::SignedFile, Error> {
    sign_file::sign_pdf_file_in(input, output, signer, options, None)
}
