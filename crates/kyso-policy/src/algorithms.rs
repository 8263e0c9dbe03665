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

use const_oid::ObjectIdentifier;
use der::{Decode, Sequence, Tagged, asn1::Any};
use serde::Serialize;
use sha2::Digest as _;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::error::PolicyError;
use crate::reason::Reason;

/// Well-known object identifiers used by this crate.
pub mod oids {
    use const_oid::ObjectIdentifier;

    /// id-sha1 (1.3.14.3.2.26).
    pub const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
    /// id-sha224.
    pub const SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.4");
    /// id-sha256.
    pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// id-sha384.
    pub const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
    /// id-sha512.
    pub const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
    /// id-sha3-256.
    pub const SHA3_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.8");
    /// id-sha3-384.
    pub const SHA3_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.9");
    /// id-sha3-512.
    pub const SHA3_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.10");

    /// rsaEncryption.
    pub const RSA_ENCRYPTION: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    /// sha1WithRSAEncryption.
    pub const SHA1_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
    /// sha1WithRSASignature (OIW, seen in old software).
    pub const SHA1_WITH_RSA_OIW: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.29");
    /// sha224WithRSAEncryption.
    pub const SHA224_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.14");
    /// sha256WithRSAEncryption.
    pub const SHA256_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
    /// sha384WithRSAEncryption.
    pub const SHA384_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
    /// sha512WithRSAEncryption.
    pub const SHA512_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
    /// id-rsassa-pkcs1-v1_5-with-sha3-256.
    pub const SHA3_256_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.14");
    /// id-rsassa-pkcs1-v1_5-with-sha3-384.
    pub const SHA3_384_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.15");
    /// id-rsassa-pkcs1-v1_5-with-sha3-512.
    pub const SHA3_512_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.16");
    /// id-RSASSA-PSS.
    pub const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
    /// id-mgf1.
    pub const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

    /// id-ecPublicKey.
    pub const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    /// prime256v1 / secp256r1.
    pub const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
    /// secp384r1.
    pub const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
    /// ecdsa-with-SHA1.
    pub const ECDSA_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.1");
    /// ecdsa-with-SHA224.
    pub const ECDSA_SHA224: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.1");
    /// ecdsa-with-SHA256.
    pub const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
    /// ecdsa-with-SHA384.
    pub const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
    /// ecdsa-with-SHA512.
    pub const ECDSA_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
    /// id-ecdsa-with-sha3-256.
    pub const ECDSA_SHA3_256: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.10");
    /// id-ecdsa-with-sha3-384.
    pub const ECDSA_SHA3_384: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.11");
    /// id-ecdsa-with-sha3-512.
    pub const ECDSA_SHA3_512: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.12");
}

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

/// The signature scheme that was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1v15,
    /// RSASSA-PSS.
    RsaPss {
        /// Hash used by MGF1.
        mgf1_digest: DigestAlgorithm,
        /// Salt length in bytes.
        salt_len: u32,
    },
    /// ECDSA with a DER `Ecdsa-Sig-Value`.
    Ecdsa,
    /// Not determined (e.g. no signer certificate was available).
    Unknown,
}

/// The public key type that was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum KeyKind {
    /// RSA.
    Rsa,
    /// ECDSA on NIST P-256.
    EcP256,
    /// ECDSA on NIST P-384.
    EcP384,
    /// Not determined.
    Unknown,
}

/// What a signature used: scheme, digest, key type and size. Feed it to
/// [`AlgorithmPolicy::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlgorithmUse {
    /// Signature scheme.
    pub scheme: SignatureScheme,
    /// Digest of the message (for PKCS#1 v1.5 and ECDSA the signature's hash).
    pub digest: DigestAlgorithm,
    /// Key type.
    pub key: KeyKind,
    /// Key size in bits (RSA modulus length, EC field size); 0 when unknown.
    pub key_bits: u32,
}

impl AlgorithmUse {
    /// A use with unknown key and scheme (when only the digest is known).
    pub fn unknown(digest: DigestAlgorithm) -> Self {
        Self {
            scheme: SignatureScheme::Unknown,
            digest,
            key: KeyKind::Unknown,
            key_bits: 0,
        }
    }

    /// Display name such as `RSA-PKCS1v15-SHA256`, `RSA-PSS-SHA256`, `ECDSA-P256-SHA256`.
    pub fn name(&self) -> String {
        let d = self.digest.name();
        match (self.scheme, self.key) {
            (SignatureScheme::RsaPkcs1v15, _) => format!("RSA-PKCS1v15-{d}"),
            (SignatureScheme::RsaPss { mgf1_digest, .. }, _) if mgf1_digest != self.digest => {
                format!("RSA-PSS-{d}-MGF1-{}", mgf1_digest.name())
            }
            (SignatureScheme::RsaPss { .. }, _) => format!("RSA-PSS-{d}"),
            (SignatureScheme::Ecdsa, KeyKind::EcP384) => format!("ECDSA-P384-{d}"),
            (SignatureScheme::Ecdsa, _) => format!("ECDSA-P256-{d}"),
            _ => format!("UNKNOWN-{d}"),
        }
    }
}

/// The result of [`verify_signature`]: what was used and whether the signature matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureCheck {
    /// Algorithms and key size that were used.
    pub algorithm: AlgorithmUse,
    /// Whether the signature is mathematically valid for the message and key.
    pub valid: bool,
}

/// RSASSA-PSS-params (RFC 4055 §3.1):
/// ```text
/// RSASSA-PSS-params  ::=  SEQUENCE  {
///     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1Identifier,
///     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
///     saltLength         [2] INTEGER DEFAULT 20,
///     trailerField       [3] INTEGER DEFAULT 1  }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u32>,
}

/// Parsed RSASSA-PSS parameters with RFC 4055 defaults applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PssParameters {
    /// Message hash.
    pub digest: DigestAlgorithm,
    /// MGF1 hash.
    pub mgf1_digest: DigestAlgorithm,
    /// Salt length in bytes.
    pub salt_len: u32,
}

impl PssParameters {
    /// Parse the `parameters` of an `id-RSASSA-PSS` AlgorithmIdentifier (absent means all
    /// defaults: SHA-1, MGF1-SHA-1, salt 20).
    pub fn from_params(params: Option<&Any>) -> Result<Self, PolicyError> {
        let bad = |reason: &str| PolicyError::InvalidParameters {
            reason: reason.to_owned(),
        };
        let p = match params {
            None => PssParams {
                hash: None,
                mask_gen: None,
                salt_len: None,
                trailer: None,
            },
            Some(any) if any.tag() == der::Tag::Null => PssParams {
                hash: None,
                mask_gen: None,
                salt_len: None,
                trailer: None,
            },
            Some(any) => any
                .decode_as::<PssParams>()
                .map_err(|e| PolicyError::der("RSASSA-PSS-params", 0, e))?,
        };
        let digest = match &p.hash {
            Some(h) => DigestAlgorithm::from_oid(&h.oid)?,
            None => DigestAlgorithm::Sha1,
        };
        let mgf1_digest = match &p.mask_gen {
            None => DigestAlgorithm::Sha1,
            Some(mg) => {
                if mg.oid != oids::MGF1 {
                    return Err(bad("mask generation function is not MGF1"));
                }
                let inner = mg
                    .parameters
                    .as_ref()
                    .ok_or_else(|| bad("MGF1 without hash parameter"))?
                    .decode_as::<AlgorithmIdentifierOwned>()
                    .map_err(|e| PolicyError::der("MGF1 parameters", 0, e))?;
                DigestAlgorithm::from_oid(&inner.oid)?
            }
        };
        if p.trailer.unwrap_or(1) != 1 {
            return Err(bad("trailerField is not 1 (trailerFieldBC)"));
        }
        Ok(Self {
            digest,
            mgf1_digest,
            salt_len: p.salt_len.unwrap_or(20),
        })
    }
}

enum Plan {
    Pkcs1(DigestAlgorithm),
    Pss(PssParameters),
    Ecdsa(DigestAlgorithm),
}

fn plan(
    sig_alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&ObjectIdentifier>,
) -> Result<Plan, PolicyError> {
    let given = digest_alg
        .map(DigestAlgorithm::from_oid_lenient)
        .transpose()?;
    let need_digest = || {
        given.ok_or_else(|| PolicyError::InvalidParameters {
            reason: format!(
                "signature algorithm {} needs a separately given digest algorithm",
                sig_alg.oid
            ),
        })
    };
    Ok(match sig_alg.oid {
        oids::RSA_ENCRYPTION => Plan::Pkcs1(need_digest()?),
        oids::SHA1_WITH_RSA | oids::SHA1_WITH_RSA_OIW => Plan::Pkcs1(DigestAlgorithm::Sha1),
        oids::SHA224_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha224),
        oids::SHA256_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha256),
        oids::SHA384_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha384),
        oids::SHA512_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha512),
        oids::SHA3_256_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha3_256),
        oids::SHA3_384_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha3_384),
        oids::SHA3_512_WITH_RSA => Plan::Pkcs1(DigestAlgorithm::Sha3_512),
        oids::RSASSA_PSS => Plan::Pss(PssParameters::from_params(sig_alg.parameters.as_ref())?),
        oids::EC_PUBLIC_KEY => Plan::Ecdsa(need_digest()?),
        oids::ECDSA_SHA1 => Plan::Ecdsa(DigestAlgorithm::Sha1),
        oids::ECDSA_SHA224 => Plan::Ecdsa(DigestAlgorithm::Sha224),
        oids::ECDSA_SHA256 => Plan::Ecdsa(DigestAlgorithm::Sha256),
        oids::ECDSA_SHA384 => Plan::Ecdsa(DigestAlgorithm::Sha384),
        oids::ECDSA_SHA512 => Plan::Ecdsa(DigestAlgorithm::Sha512),
        oids::ECDSA_SHA3_256 => Plan::Ecdsa(DigestAlgorithm::Sha3_256),
        oids::ECDSA_SHA3_384 => Plan::Ecdsa(DigestAlgorithm::Sha3_384),
        oids::ECDSA_SHA3_512 => Plan::Ecdsa(DigestAlgorithm::Sha3_512),
        ref other => {
            return Err(PolicyError::UnsupportedSignatureAlgorithm {
                oid: other.to_string(),
            });
        }
    })
}

/// Decode the RSA public key of an SPKI (`rsaEncryption` or `id-RSASSA-PSS`).
fn rsa_key(spki: &SubjectPublicKeyInfoOwned) -> Result<rsa::PublicKey, PolicyError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    if spki.algorithm.oid != oids::RSA_ENCRYPTION && spki.algorithm.oid != oids::RSASSA_PSS {
        return Err(PolicyError::InvalidParameters {
            reason: format!("RSA signature with a {} key", spki.algorithm.oid),
        });
    }
    let bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| PolicyError::InvalidKey {
            reason: "public key BIT STRING has unused bits".into(),
        })?;
    rsa::PublicKey::from_pkcs1_der(bytes).map_err(|e| PolicyError::InvalidKey {
        reason: format!("RSA public key: {e}"),
    })
}

fn rsa_bits(key: &rsa::PublicKey) -> u32 {
    use rsa::traits::PublicKeyParts;
    key.n().as_ref().bit_width()
}

/// The key kind and size of an SPKI without verifying anything.
pub fn key_info(spki: &SubjectPublicKeyInfoOwned) -> Result<(KeyKind, u32), PolicyError> {
    match spki.algorithm.oid {
        oids::RSA_ENCRYPTION | oids::RSASSA_PSS => {
            let k = rsa_key(spki)?;
            Ok((KeyKind::Rsa, rsa_bits(&k)))
        }
        oids::EC_PUBLIC_KEY => match ec_curve(spki)? {
            KeyKind::EcP256 => Ok((KeyKind::EcP256, 256)),
            KeyKind::EcP384 => Ok((KeyKind::EcP384, 384)),
            _ => Err(PolicyError::UnsupportedKey { oid: "EC".into() }),
        },
        ref other => Err(PolicyError::UnsupportedKey {
            oid: other.to_string(),
        }),
    }
}

fn ec_curve(spki: &SubjectPublicKeyInfoOwned) -> Result<KeyKind, PolicyError> {
    if spki.algorithm.oid != oids::EC_PUBLIC_KEY {
        return Err(PolicyError::InvalidParameters {
            reason: format!("ECDSA signature with a {} key", spki.algorithm.oid),
        });
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| PolicyError::InvalidKey {
            reason: "EC key without named curve".into(),
        })?
        .decode_as::<ObjectIdentifier>()
        .map_err(|e| PolicyError::der("EC named curve", 0, e))?;
    match curve {
        oids::SECP256R1 => Ok(KeyKind::EcP256),
        oids::SECP384R1 => Ok(KeyKind::EcP384),
        other => Err(PolicyError::UnsupportedKey {
            oid: other.to_string(),
        }),
    }
}

/// Verify `sig` over `msg` with the key in `spki` and the algorithm `sig_alg`.
///
/// `digest_alg` is needed when `sig_alg` is `rsaEncryption` or `id-ecPublicKey` (CMS SignerInfos
/// often say that and put the hash in `digestAlgorithm`); otherwise it is ignored.
///
/// Returns `Ok` with `valid: false` for a wrong signature (including malformed signature
/// bytes); `Err` only when the algorithm or key is unsupported or malformed.
pub fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&ObjectIdentifier>,
    msg: &[u8],
    sig: &[u8],
) -> Result<SignatureCheck, PolicyError> {
    match plan(sig_alg, digest_alg)? {
        Plan::Pkcs1(d) => {
            let key = rsa_key(spki)?;
            let hashed = d.hash(msg);
            let valid = key.verify(pkcs1_scheme(d), &hashed, sig).is_ok();
            Ok(SignatureCheck {
                algorithm: AlgorithmUse {
                    scheme: SignatureScheme::RsaPkcs1v15,
                    digest: d,
                    key: KeyKind::Rsa,
                    key_bits: rsa_bits(&key),
                },
                valid,
            })
        }
        Plan::Pss(p) => {
            let key = rsa_key(spki)?;
            let hashed = p.digest.hash(msg);
            let valid = pss_verify(&key, &hashed, sig, p);
            Ok(SignatureCheck {
                algorithm: AlgorithmUse {
                    scheme: SignatureScheme::RsaPss {
                        mgf1_digest: p.mgf1_digest,
                        salt_len: p.salt_len,
                    },
                    digest: p.digest,
                    key: KeyKind::Rsa,
                    key_bits: rsa_bits(&key),
                },
                valid,
            })
        }
        Plan::Ecdsa(d) => {
            use signature::hazmat::PrehashVerifier;
            let curve = ec_curve(spki)?;
            let point =
                spki.subject_public_key
                    .as_bytes()
                    .ok_or_else(|| PolicyError::InvalidKey {
                        reason: "public key BIT STRING has unused bits".into(),
                    })?;
            let hashed = d.hash(msg);
            let (valid, bits) = match curve {
                KeyKind::EcP256 => {
                    let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| {
                        PolicyError::InvalidKey {
                            reason: "invalid P-256 point".into(),
                        }
                    })?;
                    let ok = p256::ecdsa::Signature::from_der(sig)
                        .map(|s| vk.verify_prehash(&hashed, &s).is_ok())
                        .unwrap_or(false);
                    (ok, 256)
                }
                _ => {
                    let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(|_| {
                        PolicyError::InvalidKey {
                            reason: "invalid P-384 point".into(),
                        }
                    })?;
                    let ok = p384::ecdsa::Signature::from_der(sig)
                        .map(|s| vk.verify_prehash(&hashed, &s).is_ok())
                        .unwrap_or(false);
                    (ok, 384)
                }
            };
            Ok(SignatureCheck {
                algorithm: AlgorithmUse {
                    scheme: SignatureScheme::Ecdsa,
                    digest: d,
                    key: curve,
                    key_bits: bits,
                },
                valid,
            })
        }
    }
}

fn pkcs1_scheme(d: DigestAlgorithm) -> rsa::Pkcs1v15Sign {
    match d {
        DigestAlgorithm::Sha1 => rsa::Pkcs1v15Sign::new::<sha1::Sha1>(),
        DigestAlgorithm::Sha224 => rsa::Pkcs1v15Sign::new::<sha2::Sha224>(),
        DigestAlgorithm::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        DigestAlgorithm::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        DigestAlgorithm::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
        DigestAlgorithm::Sha3_256 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_256>(),
        DigestAlgorithm::Sha3_384 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_384>(),
        DigestAlgorithm::Sha3_512 => rsa::Pkcs1v15Sign::new::<sha3::Sha3_512>(),
    }
}

/// RSAVP1 + I2OSP (RFC 8017 §8.1.2 step 2): the encoded message of `em_len` octets.
fn rsa_open(key: &rsa::PublicKey, sig: &[u8], em_len: usize) -> Option<Vec<u8>> {
    use rsa::traits::PublicKeyParts;
    if sig.len() != key.size() {
        return None;
    }
    let s = rsa::BoxedUint::from_be_slice(sig, key.n_bits_precision()).ok()?;
    if s >= *key.n().as_ref() {
        return None;
    }
    let m = rsa::hazmat::rsa_encrypt(key, &s).ok()?;
    let bytes = m.to_be_bytes();
    if bytes.len() < em_len {
        let mut out = vec![0u8; em_len - bytes.len()];
        out.extend_from_slice(&bytes);
        return Some(out);
    }
    let cut = bytes.len() - em_len;
    if bytes[..cut].iter().any(|b| *b != 0) {
        return None;
    }
    Some(bytes[cut..].to_vec())
}

fn mgf1(alg: DigestAlgorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + alg.output_len());
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut h = Hasher::for_algorithm(alg);
        h.update(seed);
        h.update(&counter.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with independent MGF1 hash.
fn pss_verify(key: &rsa::PublicKey, m_hash: &[u8], sig: &[u8], p: PssParameters) -> bool {
    let mod_bits = rsa_bits(key) as usize;
    if mod_bits < 2 {
        return false;
    }
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    let Some(em) = rsa_open(key, sig, em_len) else {
        return false;
    };
    let h_len = p.digest.output_len();
    let s_len = p.salt_len as usize;
    if em_len < h_len + s_len + 2 || em.last() != Some(&0xbc) {
        return false;
    }
    let db_len = em_len - h_len - 1;
    let (masked_db, rest) = em.split_at(db_len);
    let h = &rest[..h_len];
    let top_bits = 8 * em_len - em_bits;
    let top_mask: u8 = if top_bits == 0 {
        0
    } else {
        0xffu8 << (8 - top_bits)
    };
    if masked_db[0] & top_mask != 0 {
        return false;
    }
    let mask = mgf1(p.mgf1_digest, h, db_len);
    let mut db: Vec<u8> = masked_db.iter().zip(mask).map(|(a, b)| a ^ b).collect();
    db[0] &= !top_mask;
    let ps_len = em_len - h_len - s_len - 2;
    if db[..ps_len].iter().any(|b| *b != 0) || db[ps_len] != 0x01 {
        return false;
    }
    let salt = &db[db_len - s_len..];
    let mut hasher = Hasher::for_algorithm(p.digest);
    hasher.update(&[0u8; 8]);
    hasher.update(m_hash);
    hasher.update(salt);
    hasher.finalize() == h
}

/// Algorithm constraints as data (Thông tư 15/2025: RSA ≥ 2048 with PKCS#1 v1.5 or PSS,
/// ECDSA ≥ 256, SHA-2/SHA-3; SHA-1 and short RSA only for legacy signatures proven to exist
/// before [`AlgorithmPolicy::legacy_cutoff`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    /// Minimum RSA modulus size in bits (default 2048).
    pub min_rsa_bits: u32,
    /// Minimum RSA modulus size accepted as legacy before the cut-off (default 1024).
    pub legacy_min_rsa_bits: u32,
    /// Minimum EC key size in bits (default 256).
    pub min_ec_bits: u32,
    /// Whether SHA-1 / short RSA may be accepted (with a warning) before the cut-off.
    pub allow_legacy: bool,
    /// Signatures proven to exist before this time may use legacy algorithms (default 2020-01-01).
    pub legacy_cutoff: der::DateTime,
}

/// The default legacy cut-off, 2020-01-01T00:00:00Z.
pub const DEFAULT_LEGACY_CUTOFF: der::DateTime = match der::DateTime::new(2020, 1, 1, 0, 0, 0) {
    Ok(d) => d,
    Err(_) => der::DateTime::INFINITY,
};

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        Self {
            min_rsa_bits: 2048,
            legacy_min_rsa_bits: 1024,
            min_ec_bits: 256,
            allow_legacy: true,
            legacy_cutoff: DEFAULT_LEGACY_CUTOFF,
        }
    }
}

/// Reason code for an algorithm that fails the constraints.
pub const CRYPTO_CONSTRAINTS_FAILURE: &str = "CRYPTO_CONSTRAINTS_FAILURE";
/// Reason code for a legacy algorithm accepted because the signature is proven old enough.
pub const CRYPTO_LEGACY_ALGORITHM: &str = "CRYPTO_LEGACY_ALGORITHM";

impl AlgorithmPolicy {
    fn legacy_ok(&self, proven_time: Option<der::DateTime>) -> bool {
        self.allow_legacy && proven_time.is_some_and(|t| t < self.legacy_cutoff)
    }

    fn cutoff_text(&self) -> String {
        let c = self.legacy_cutoff;
        format!("{:04}-{:02}-{:02}", c.year(), c.month(), c.day())
    }

    /// Check a digest algorithm alone (e.g. a CMS `digestAlgorithm`).
    pub fn check_digest(
        &self,
        digest: DigestAlgorithm,
        proven_time: Option<der::DateTime>,
    ) -> Vec<Reason> {
        let mut out = Vec::new();
        if digest.is_legacy() {
            if self.legacy_ok(proven_time) {
                out.push(Reason::warning(
                    CRYPTO_LEGACY_ALGORITHM,
                    format!(
                        "Thuật toán băm {} đã lỗi thời, chỉ chấp nhận vì chữ ký được chứng minh tồn tại trước {}",
                        digest.name(),
                        self.cutoff_text()
                    ),
                    format!(
                        "Digest algorithm {} is legacy; accepted only because the signature is proven to exist before {}",
                        digest.name(),
                        self.cutoff_text()
                    ),
                ));
            } else {
                out.push(Reason::error(
                    CRYPTO_CONSTRAINTS_FAILURE,
                    format!(
                        "Thuật toán băm {} không đạt yêu cầu (chỉ chấp nhận cho chữ ký có dấu thời gian trước {})",
                        digest.name(),
                        self.cutoff_text()
                    ),
                    format!(
                        "Digest algorithm {} does not meet the constraints (accepted only for signatures time-stamped before {})",
                        digest.name(),
                        self.cutoff_text()
                    ),
                ));
            }
        }
        out
    }

    /// Check what a signature used. `proven_time` is a time at which the signature is proven to
    /// exist (e.g. a time-stamp's genTime); legacy algorithms need it before the cut-off.
    pub fn check(&self, used: &AlgorithmUse, proven_time: Option<der::DateTime>) -> Vec<Reason> {
        let mut out = self.check_digest(used.digest, proven_time);
        if let SignatureScheme::RsaPss { mgf1_digest, .. } = used.scheme
            && mgf1_digest != used.digest
        {
            out.extend(self.check_digest(mgf1_digest, proven_time));
        }
        out.extend(self.check_key(used.key, used.key_bits, proven_time));
        out
    }

    /// Check a public key alone (type and size), e.g. a certificate's key before it signs or
    /// when a certificate is validated for signing at `proven_time`.
    pub fn check_key(
        &self,
        key: KeyKind,
        key_bits: u32,
        proven_time: Option<der::DateTime>,
    ) -> Vec<Reason> {
        let mut out = Vec::new();
        match key {
            KeyKind::Rsa => {
                if key_bits < self.min_rsa_bits {
                    if key_bits >= self.legacy_min_rsa_bits && self.legacy_ok(proven_time) {
                        out.push(Reason::warning(
                            CRYPTO_LEGACY_ALGORITHM,
                            format!(
                                "Khóa RSA {} bit ngắn hơn {} bit, chỉ chấp nhận vì chữ ký được chứng minh tồn tại trước {}",
                                key_bits,
                                self.min_rsa_bits,
                                self.cutoff_text()
                            ),
                            format!(
                                "RSA key of {} bits is shorter than {} bits; accepted only because the signature is proven to exist before {}",
                                key_bits,
                                self.min_rsa_bits,
                                self.cutoff_text()
                            ),
                        ));
                    } else {
                        out.push(Reason::error(
                            CRYPTO_CONSTRAINTS_FAILURE,
                            format!(
                                "Khóa RSA {} bit ngắn hơn mức tối thiểu {} bit",
                                key_bits, self.min_rsa_bits
                            ),
                            format!(
                                "RSA key of {} bits is shorter than the minimum of {} bits",
                                key_bits, self.min_rsa_bits
                            ),
                        ));
                    }
                }
            }
            KeyKind::EcP256 | KeyKind::EcP384 => {
                if key_bits < self.min_ec_bits {
                    out.push(Reason::error(
                        CRYPTO_CONSTRAINTS_FAILURE,
                        format!(
                            "Khóa ECDSA {} bit ngắn hơn mức tối thiểu {} bit",
                            key_bits, self.min_ec_bits
                        ),
                        format!(
                            "ECDSA key of {} bits is shorter than the minimum of {} bits",
                            key_bits, self.min_ec_bits
                        ),
                    ));
                }
            }
            KeyKind::Unknown => out.push(Reason::error(
                CRYPTO_CONSTRAINTS_FAILURE,
                "Không xác định được thuật toán khóa công khai của chữ ký",
                "The public-key algorithm of the signature could not be determined",
            )),
        }
        out
    }
}

/// Decode an AlgorithmIdentifier from DER (convenience for callers and tests).
pub fn algorithm_identifier_from_der(
    der_bytes: &[u8],
) -> Result<AlgorithmIdentifierOwned, PolicyError> {
    AlgorithmIdentifierOwned::from_der(der_bytes)
        .map_err(|e| PolicyError::der("AlgorithmIdentifier", 0, e))
}
