//! The RFC 3161 time-stamp interface shared by the signer (kyso-sign asks for tokens), the
//! HTTP client (kyso-net's `TsaClient` obtains and checks them) and in-process test TSAs:
//! [`TimestampRequest`], [`TimestampError`] and the [`TimeStamper`] trait.
//!
//! Signing only needs *a* token for an imprint; how it is obtained (HTTP to a TSA, a test
//! double, an HSM-backed TSA in-process) is the caller's choice, behind [`TimeStamper`].
//! `kyso_net::TsaClient` is the HTTP implementation; it checks every response (status, nonce,
//! imprint, the TSA certificate's critical timeStamping EKU, the token's signature) before it
//! returns a token.

use crate::algorithms::SigningDigest;

/// What to time-stamp: the hash of the data (a signature value, or a document's byte ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampRequest {
    /// The hash algorithm of `imprint`.
    pub algorithm: SigningDigest,
    /// The hash of the data to time-stamp.
    pub imprint: Vec<u8>,
}

/// Why no time-stamp token was obtained.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The TSA could not be reached or answered at the transport level with an error.
    #[error("time-stamp authority unreachable: {0}")]
    Unavailable(String),
    /// The TSA answered, but with a refusal (PKIStatus rejection/waiting/revocation…).
    #[error("time-stamp authority refused the request: {0}")]
    Refused(String),
    /// The TSA's answer is not an acceptable token for this request (malformed, wrong nonce or
    /// imprint, signature does not verify, no time-stamping certificate).
    #[error("time-stamp response rejected: {0}")]
    BadResponse(String),
}

impl TimestampError {
    /// Stable numeric code (5200–5299).
    pub fn code(&self) -> u32 {
        match self {
            Self::Unavailable(_) => 5201,
            Self::Refused(_) => 5202,
            Self::BadResponse(_) => 5203,
        }
    }
}

/// A source of RFC 3161 time-stamp tokens.
pub trait TimeStamper: Send + Sync {
    /// The hash algorithm the imprint should use (SHA-256 unless configured otherwise).
    fn digest_algorithm(&self) -> SigningDigest {
        SigningDigest::Sha256
    }

    /// A checked time-stamp token (the DER `ContentInfo` of a `SignedData` over a `TSTInfo`)
    /// whose message imprint is `request.imprint`.
    fn timestamp(&self, request: &TimestampRequest) -> Result<Vec<u8>, TimestampError>;

    /// Upper bound of a token's DER size, to reserve room in `/Contents` before the token
    /// exists. Tokens carry the TSA's certificates; 12 KiB covers an RSA-4096 chain of three.
    fn max_token_len(&self) -> usize {
        12 * 1024
    }
}
