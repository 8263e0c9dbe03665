//! The [`Signer`] trait: what document signing needs from a key, wherever the key lives.

use x509_cert::Certificate;

use crate::TokenError;

/// A signature scheme a [`Signer`] produces, named the way CMS needs to describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (what Government CA tokens use).
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1Sha512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt length 32.
    RsaPssSha256,
    /// ECDSA on P-256 with SHA-256, signature DER-encoded (`Ecdsa-Sig-Value`).
    EcdsaP256Sha256,
    /// ECDSA on P-384 with SHA-384, signature DER-encoded (`Ecdsa-Sig-Value`).
    EcdsaP384Sha384,
}

/// A digest algorithm used for the message digest and the signed attributes (defined in
/// kyso-policy, shared with the time-stamp interface).
pub use kyso_policy::algorithms::SigningDigest as DigestAlgorithm;

impl SignatureScheme {
    /// The digest the scheme hashes the message with.
    pub fn digest(self) -> DigestAlgorithm {
        match self {
            Self::RsaPkcs1Sha256 | Self::RsaPssSha256 | Self::EcdsaP256Sha256 => {
                DigestAlgorithm::Sha256
            }
            Self::RsaPkcs1Sha384 | Self::EcdsaP384Sha384 => DigestAlgorithm::Sha384,
            Self::RsaPkcs1Sha512 => DigestAlgorithm::Sha512,
        }
    }
}

/// A private key able to sign, with the certificate that names it.
///
/// Implemented for PKCS#11 token keys and for software keys. `sign` receives the *message*
/// (for CMS: the DER of the signed attributes) and hashes it itself, so that a token offering
/// only `CKM_RSA_PKCS` (raw PKCS#1 over a DigestInfo) and one offering `CKM_SHA256_RSA_PKCS` are
/// used the same way.
pub trait Signer {
    /// The signer's own certificate.
    fn certificate(&self) -> &Certificate;

    /// Certificates to embed after the signer's own (issuing CAs, leaf excluded), nearest first.
    fn chain(&self) -> &[Certificate];

    /// The scheme [`Signer::sign`] produces.
    fn scheme(&self) -> SignatureScheme;

    /// Sign `message`: hash it with `self.scheme().digest()` and sign the hash.
    /// ECDSA signatures are returned DER-encoded, as CMS carries them.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, TokenError>;

    /// An upper bound of the signature's length in bytes (for sizing PDF placeholders).
    fn max_signature_len(&self) -> usize;
}

/// The kind of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA.
    Rsa,
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// EC on another curve (not usable for signing here).
    EcOther,
    /// Anything else (DSA, EdDSA, GOST...).
    Other,
}
