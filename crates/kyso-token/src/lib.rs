//! Key access for kyso: the [`Signer`] trait, PKCS#11 tokens, software keys, key generation.
//!
//! (Skeleton: the PKCS#11, software-key and key-generation modules are being written.)

mod signer;

pub use signer::{DigestAlgorithm, SignatureScheme, Signer};

/// Errors of key access. (Skeleton; extended by the token module.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The key refused to sign.
    #[error("signing failed: {0}")]
    SignFailed(String),
}
