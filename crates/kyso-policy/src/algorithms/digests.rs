//! Digest algorithms: [`DigestAlgorithm`] selected by OID, one-shot [`digest`] and the
//! streaming [`Hasher`]; [`SigningDigest`], the digests kyso signs and time-stamps with.

use const_oid::ObjectIdentifier;
use serde::Serialize;
use sha2::Digest as _;

use super::oids;
use crate::error::PolicyError;

/// A supported digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SHA-1 (legacy only).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA3-256.
    Sha3_256,
    /// SHA3-384.
    Sha3_384,
    /// SHA3-512.
    Sha3_512,
}

impl DigestAlgorithm {
    /// The algorithm for a digest OID (`id-sha256`, …).
    pub fn from_oid(oid: &ObjectIdentifier) -> Result<Self, PolicyError> {
        Ok(match *oid {
            oids::SHA1 => Self::Sha1,
            oids::SHA224 => Self::Sha224,
            oids::SHA256 => Self::Sha256,
            oids::SHA384 => Self::Sha384,
            oids::SHA512 => Self::Sha512,
            oids::SHA3_256 => Self::Sha3_256,
            oids::SHA3_384 => Self::Sha3_384,
            oids::SHA3_512 => Self::Sha3_512,
            _ => {
                return Err(PolicyError::UnsupportedDigest {
                    oid: oid.to_string(),
                });
            }
        })
    }

    /// Like [`DigestAlgorithm::from_oid`] but also accepts combined signature OIDs
    /// (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, …), which some CMS writers put in
    /// `digestAlgorithm`.
    pub fn from_oid_lenient(oid: &ObjectIdentifier) -> Result<Self, PolicyError> {
        Self::from_oid(oid).or_else(|e| match *oid {
            oids::SHA1_WITH_RSA | oids::SHA1_WITH_RSA_OIW | oids::ECDSA_SHA1 => Ok(Self::Sha1),
            oids::SHA224_WITH_RSA | oids::ECDSA_SHA224 => Ok(Self::Sha224),
            oids::SHA256_WITH_RSA | oids::ECDSA_SHA256 => Ok(Self::Sha256),
            oids::SHA384_WITH_RSA | oids::ECDSA_SHA384 => Ok(Self::Sha384),
            oids::SHA512_WITH_RSA | oids::ECDSA_SHA512 => Ok(Self::Sha512),
            oids::SHA3_256_WITH_RSA | oids::ECDSA_SHA3_256 => Ok(Self::Sha3_256),
            oids::SHA3_384_WITH_RSA | oids::ECDSA_SHA3_384 => Ok(Self::Sha3_384),
            oids::SHA3_512_WITH_RSA | oids::ECDSA_SHA3_512 => Ok(Self::Sha3_512),
            _ => Err(e),
        })
    }

    /// The digest OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha1 => oids::SHA1,
            Self::Sha224 => oids::SHA224,
            Self::Sha256 => oids::SHA256,
            Self::Sha384 => oids::SHA384,
            Self::Sha512 => oids::SHA512,
            Self::Sha3_256 => oids::SHA3_256,
            Self::Sha3_384 => oids::SHA3_384,
            Self::Sha3_512 => oids::SHA3_512,
        }
    }

    /// Short name as used in algorithm names: `SHA1`, `SHA256`, `SHA3-256`, …
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha224 => "SHA224",
            Self::Sha256 => "SHA256",
            Self::Sha384 => "SHA384",
            Self::Sha512 => "SHA512",
            Self::Sha3_256 => "SHA3-256",
            Self::Sha3_384 => "SHA3-384",
            Self::Sha3_512 => "SHA3-512",
        }
    }

    /// Output length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 | Self::Sha3_256 => 32,
            Self::Sha384 | Self::Sha3_384 => 48,
            Self::Sha512 | Self::Sha3_512 => 64,
        }
    }

    /// Whether this is SHA-1 (only acceptable as legacy).
    pub fn is_legacy(self) -> bool {
        matches!(self, Self::Sha1)
    }

    /// One-shot digest of `data`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        let mut h = Hasher::for_algorithm(self);
        h.update(data);
        h.finalize()
    }
}

/// One-shot digest of `data` with the digest algorithm named by `oid`.
pub fn digest(oid: &ObjectIdentifier, data: &[u8]) -> Result<Vec<u8>, PolicyError> {
    Ok(DigestAlgorithm::from_oid(oid)?.hash(data))
}

/// A streaming digest selected at run time (e.g. from a CMS `digestAlgorithm`).
#[derive(Clone)]
pub struct Hasher {
    inner: HasherInner,
}

#[derive(Clone)]
enum HasherInner {
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
    Sha3_256(sha3::Sha3_256),
    Sha3_384(sha3::Sha3_384),
    Sha3_512(sha3::Sha3_512),
}

impl core::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hasher")
            .field("algorithm", &self.algorithm())
            .finish()
    }
}

impl Hasher {
    /// A hasher for the digest OID.
    pub fn new(oid: &ObjectIdentifier) -> Result<Self, PolicyError> {
        Ok(Self::for_algorithm(DigestAlgorithm::from_oid(oid)?))
    }

    /// A hasher for the algorithm.
    pub fn for_algorithm(alg: DigestAlgorithm) -> Self {
        let inner = match alg {
            DigestAlgorithm::Sha1 => HasherInner::Sha1(sha1::Sha1::new()),
            DigestAlgorithm::Sha224 => HasherInner::Sha224(sha2::Sha224::new()),
            DigestAlgorithm::Sha256 => HasherInner::Sha256(sha2::Sha256::new()),
            DigestAlgorithm::Sha384 => HasherInner::Sha384(sha2::Sha384::new()),
            DigestAlgorithm::Sha512 => HasherInner::Sha512(sha2::Sha512::new()),
            DigestAlgorithm::Sha3_256 => HasherInner::Sha3_256(sha3::Sha3_256::new()),
            DigestAlgorithm::Sha3_384 => HasherInner::Sha3_384(sha3::Sha3_384::new()),
            DigestAlgorithm::Sha3_512 => HasherInner::Sha3_512(sha3::Sha3_512::new()),
        };
        Self { inner }
    }

    /// Which algorithm this hasher computes.
    pub fn algorithm(&self) -> DigestAlgorithm {
        match &self.inner {
            HasherInner::Sha1(_) => DigestAlgorithm::Sha1,
            HasherInner::Sha224(_) => DigestAlgorithm::Sha224,
            HasherInner::Sha256(_) => DigestAlgorithm::Sha256,
            HasherInner::Sha384(_) => DigestAlgorithm::Sha384,
            HasherInner::Sha512(_) => DigestAlgorithm::Sha512,
            HasherInner::Sha3_256(_) => DigestAlgorithm::Sha3_256,
            HasherInner::Sha3_384(_) => DigestAlgorithm::Sha3_384,
            HasherInner::Sha3_512(_) => DigestAlgorithm::Sha3_512,
        }
    }

    /// Feed more data.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.inner {
            HasherInner::Sha1(h) => h.update(data),
            HasherInner::Sha224(h) => h.update(data),
            HasherInner::Sha256(h) => h.update(data),
            HasherInner::Sha384(h) => h.update(data),
            HasherInner::Sha512(h) => h.update(data),
            HasherInner::Sha3_256(h) => h.update(data),
            HasherInner::Sha3_384(h) => h.update(data),
            HasherInner::Sha3_512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finalize(self) -> Vec<u8> {
        match self.inner {
            HasherInner::Sha1(h) => h.finalize().to_vec(),
            HasherInner::Sha224(h) => h.finalize().to_vec(),
            HasherInner::Sha256(h) => h.finalize().to_vec(),
            HasherInner::Sha384(h) => h.finalize().to_vec(),
            HasherInner::Sha512(h) => h.finalize().to_vec(),
            HasherInner::Sha3_256(h) => h.finalize().to_vec(),
            HasherInner::Sha3_384(h) => h.finalize().to_vec(),
            HasherInner::Sha3_512(h) => h.finalize().to_vec(),
        }
    }
}

/// A digest algorithm kyso *produces* signatures and time-stamp imprints with (SHA-2 only):
/// the message digest and signed attributes of a signature, the imprint of a time-stamp
/// request. Re-exported by kyso-token as `kyso_token::DigestAlgorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningDigest {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl SigningDigest {
    /// The algorithm's object identifier (RFC 5754).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            Self::Sha256 => const_oid::db::rfc5912::ID_SHA_256,
            Self::Sha384 => const_oid::db::rfc5912::ID_SHA_384,
            Self::Sha512 => const_oid::db::rfc5912::ID_SHA_512,
        }
    }

    /// Digest `data` in one go.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}
