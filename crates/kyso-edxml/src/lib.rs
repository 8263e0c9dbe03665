//! edXML packages (QCVN 102:2016/BTTTT, amended 2022): the envelope in which documents travel
//! between agencies, read, its XML signature checked, and every attached PDF verified as
//! `kyso verify` verifies a PDF.
//!
//! - [`envelope`]: the header (From/To agency identifiers, number and notation, subject,
//!   dates, trace), the manifest and the encoded attachments, read with a strict XML reader;
//! - [`organ_id`]: agency identifiers (*mã định danh*: up to 35 of `A–Z 0–9 .`);
//! - [`attachment`]: base64 (and the zip some gateways wrap it in) decoded within bounds;
//! - [`xmldsig`]: the enveloped XML signature (exclusive c14n, RSA or ECDSA with SHA-2);
//! - [`verify`]: all of it together, as a [`PackageReport`].
#![forbid(unsafe_code)]

pub mod attachment;
pub mod envelope;
mod error;
pub mod organ_id;
pub mod report;
pub mod verify;
pub mod xmldsig;

pub use envelope::Package;
pub use error::EdxmlError;
pub use report::PackageReport;
pub use verify::{extract, verify_package};

/// The edXML namespace of QCVN 102:2016.
pub const NAMESPACE: &str = "http://www.mic.gov.vn/TBT/QCVN_102_2016";
