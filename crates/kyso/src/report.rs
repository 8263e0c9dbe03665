//! The verification report [`crate::verify_pdf`] returns: one verdict for the document, one
//! entry per signature with its checks, signer, times, revocation sources and reasons (each in
//! Vietnamese and English with a stable code). Its JSON ([`Report::to_json`]) is schema
//! [`SCHEMA`], the same from the CLI, the C ABI and WASM.
//!
//! ```no_run
//! # fn main() -> Result<(), kyso::Error> {
//! use kyso::report::{Severity, Verdict};
//! let options = kyso::VerifyConfig::default().build()?;
//! let report = kyso::verify_pdf_file("incoming.pdf".as_ref(), &options)?;
//! if report.verdict != Verdict::Valid {
//!     for reason in report.signatures.iter().flat_map(|s| &s.reasons) {
//!         if reason.severity == Severity::Error {
//!             println!("{}: {} / {}", reason.code, reason.vi, reason.en);
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```

pub use kyso_policy::reason::{Reason, Severity};
pub use kyso_policy::revocation::Source as RevocationSourceKind;
pub use kyso_verify::FetchRecord;
pub use kyso_verify::report::{
    CheckStatus, Checks, Indication, Report, SCHEMA, SignatureReport, SignerReport,
    SigningTimeReport, TimestampReport, Verdict,
};
pub use kyso_verify::revocation::RevocationSource;
