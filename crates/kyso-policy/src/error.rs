//! The error type of kyso-policy.
//!
//! `Err(PolicyError)` means "could not evaluate" (unreadable input, unsupported algorithm,
//! misuse). A certificate that fails validation is not an error: it is a
//! [`crate::path::PathValidation`] with status `Invalid` or `Indeterminate`.
//!
//! Every variant has a stable numeric [`PolicyError::code`] in the PKI range 3000–3999.

use thiserror::Error;

/// Errors of certificate-policy operations.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// DER could not be decoded.
    #[error("{context}: DER decoding failed{}: {source}", offset_text(*.offset))]
    Der {
        /// What was being decoded (e.g. "certificate").
        context: &'static str,
        /// Byte offset in the input where decoding failed, when known.
        offset: Option<usize>,
        /// The underlying `der` error.
        #[source]
        source: der::Error,
    },
    /// A PEM block could not be decoded.
    #[error("PEM block at byte {offset} could not be decoded: {message}")]
    Pem {
        /// Byte offset of the `-----BEGIN` line in the input.
        offset: usize,
        /// What went wrong.
        message: String,
    },
    /// The input held no certificate.
    #[error("no certificate found in the input ({what})")]
    NoCertificates {
        /// Which input shape was tried.
        what: &'static str,
    },
    /// A digest algorithm OID is not supported.
    #[error("unsupported digest algorithm {oid}")]
    UnsupportedDigest {
        /// The OID in dotted form.
        oid: String,
    },
    /// A signature algorithm OID is not supported.
    #[error("unsupported signature algorithm {oid}")]
    UnsupportedSignatureAlgorithm {
        /// The OID in dotted form.
        oid: String,
    },
    /// The public key type (or curve) is not supported.
    #[error("unsupported public key algorithm {oid}")]
    UnsupportedKey {
        /// The OID (key algorithm or curve) in dotted form.
        oid: String,
    },
    /// The public key could not be decoded.
    #[error("invalid public key: {reason}")]
    InvalidKey {
        /// Why.
        reason: String,
    },
    /// Algorithm parameters are malformed or inconsistent (e.g. PSS parameters, key/algorithm mismatch).
    #[error("invalid algorithm parameters: {reason}")]
    InvalidParameters {
        /// Why.
        reason: String,
    },
}

fn offset_text(offset: Option<usize>) -> String {
    match offset {
        Some(o) => format!(" at byte {o}"),
        None => String::new(),
    }
}

impl PolicyError {
    /// Stable numeric code in the PKI range 3000–3999.
    pub fn code(&self) -> u32 {
        match self {
            PolicyError::Der { .. } => 3001,
            PolicyError::Pem { .. } => 3002,
            PolicyError::NoCertificates { .. } => 3003,
            PolicyError::UnsupportedDigest { .. } => 3010,
            PolicyError::UnsupportedSignatureAlgorithm { .. } => 3011,
            PolicyError::UnsupportedKey { .. } => 3012,
            PolicyError::InvalidKey { .. } => 3013,
            PolicyError::InvalidParameters { .. } => 3014,
        }
    }

    /// Byte offset in the input where parsing failed, when known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            PolicyError::Der { offset, .. } => *offset,
            PolicyError::Pem { offset, .. } => Some(*offset),
            _ => None,
        }
    }

    /// Wrap a `der` error, adding `base` to the position it reports (for nested input).
    pub fn der(context: &'static str, base: usize, source: der::Error) -> Self {
        let offset = source
            .position()
            .and_then(|p| usize::try_from(u32::from(p)).ok())
            .map(|p| p + base);
        PolicyError::Der {
            context,
            offset,
            source,
        }
    }
}
