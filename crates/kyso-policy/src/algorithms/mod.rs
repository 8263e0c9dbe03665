//! Digests, signature verification and algorithm constraints.
//!
//! - [`digest`] / [`Hasher`]: SHA-1, SHA-224, SHA-256/384/512 and SHA3-256/384/512 selected by OID.
//! - [`verify_signature`]: RSA PKCS#1 v1.5, RSASSA-PSS (RFC 4055 parameters, any MGF1 hash) and
//!   ECDSA P-256/P-384 (DER signatures), given a `SubjectPublicKeyInfo`, the signature
//!   `AlgorithmIdentifier` and, for CMS SignerInfos that say `rsaEncryption` or `id-ecPublicKey`
//!   as the signature algorithm, the separately given digest OID.
//! - [`AlgorithmPolicy`]: the constraints of Thông tư 15/2025 as data (RSA ≥ 2048, ECDSA ≥ 256,
//!   SHA-2/SHA-3; SHA-1 and short RSA only for signatures proven to exist before a cut-off).
//!
//! RSASSA-PSS is verified with our own EMSA-PSS-VERIFY (RFC 8017 §9.1.2) on top of the `rsa`
//! crate's raw public operation, because the `rsa` crate ties the MGF1 hash to the message hash
//! while RFC 4055 parameters may name a different one. Only public data is processed there.

mod digests;
pub mod oids;
mod policy;
mod signature_cache;
mod signatures;

pub use digests::{DigestAlgorithm, Hasher, SigningDigest, digest};
pub use policy::{
    AlgorithmPolicy, CRYPTO_CONSTRAINTS_FAILURE, CRYPTO_LEGACY_ALGORITHM, DEFAULT_LEGACY_CUTOFF,
};
pub use signatures::{
    AlgorithmUse, KeyKind, PssParameters, SignatureCheck, SignatureScheme,
    algorithm_identifier_from_der, ecdsa_raw_to_der, key_info, verify_signature,
    verify_signature_uncached,
};
