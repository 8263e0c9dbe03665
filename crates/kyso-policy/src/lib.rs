//! kyso-policy: certificate policy for kyso.
//!
//! - [`trust`]: the trust store (configured anchors, known intermediates) from PEM, DER or
//!   PKCS#7 bytes;
//! - [`path`]: RFC 5280 path building and basic validation, tolerant of the Vietnamese
//!   Government CA's quirks (top-bit serials, empty IssuerAltName, Netscape extensions);
//! - [`algorithms`]: digests, signature verification (RSA PKCS#1 v1.5, RSA-PSS, ECDSA P-256/P-384)
//!   and algorithm constraints with dates;
//! - [`revocation`]: CRL and OCSP evaluation at the signing time without I/O (the caller
//!   fetches what [`revocation::revocation_needs`] lists); [`ocsp`]: the RFC 6960 structures;
//! - [`names`]: distinguished-name matching (RFC 5280 §7.1; case and white space are
//!   insignificant, diacritics are not);
//! - [`subject`]: signer information for reports (CN, O, title, MST/MNS codes, subscriber type);
//! - [`profile`]: the Decree 68 profile as data (Government policy OID, validity length,
//!   workflow rules);
//! - [`expiry`]: how close a certificate is to its end (warnings before renewal is due);
//! - [`extensions`]: X.509 extensions looked up by OID and decoded;
//! - [`usage`]: what an end-entity certificate may sign (keyUsage, extendedKeyUsage, its key
//!   and validity at the time of use);
//! - [`reason`]: findings in Vietnamese and English;
//! - [`time`]: RFC 3339, Vietnamese and PDF date forms of times, and their parsing;
//! - [`timestamp`]: the RFC 3161 time-stamp request, error and [`timestamp::TimeStamper`] trait
//!   shared by the signer, the HTTP client and test TSAs.
//!
//! No file system, clock, network or threads: time and trust anchors are parameters, so the
//! crate builds for `wasm32-unknown-unknown`.
#![forbid(unsafe_code)]

pub mod algorithms;
pub mod constraints;
pub mod error;
pub mod expiry;
pub mod extensions;
pub mod names;
pub mod ocsp;
pub mod path;
pub mod policy;
pub mod profile;
pub mod reason;
pub mod revocation;
pub mod subject;
pub mod time;
pub mod timestamp;
pub mod trust;
pub mod usage;

pub use error::PolicyError;
pub use path::{PathOptions, PathStatus, PathValidation, validate_path, validate_path_stored};
pub use reason::{Reason, Severity};
pub use trust::{StoredCertificate, TrustStore};

/// Re-exported so callers name the same types.
pub use der::DateTime;
pub use x509_cert::Certificate;
