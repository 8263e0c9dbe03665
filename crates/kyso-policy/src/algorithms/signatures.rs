//! Signature primitives: [`verify_signature`] for RSA PKCS#1 v1.5, RSASSA-PSS (our own
//! EMSA-PSS-VERIFY, any MGF1 hash) and ECDSA P-256/P-384, and what a signature used
//! ([`AlgorithmUse`], [`key_info`]).

use const_oid::ObjectIdentifier;
use der::{Decode, Sequence, Tagged, asn1::Any};
use serde::Serialize;
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use super::digests::{DigestAlgorithm, Hasher};
use super::{oids, signature_cache};
use crate::error::PolicyError;

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
/// [`AlgorithmPolicy::check`](super::AlgorithmPolicy::check).
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
///
/// Results are remembered across calls (`signature_cache`): the certificates of an inbox's
/// documents are checked once.
pub fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &AlgorithmIdentifierOwned,
    digest_alg: Option<&ObjectIdentifier>,
    msg: &[u8],
    sig: &[u8],
) -> Result<SignatureCheck, PolicyError> {
    use der::Encode;
    let encoded = (msg.len() <= signature_cache::MAX_MESSAGE)
        .then(|| Some((spki.to_der().ok()?, sig_alg.to_der().ok()?)))
        .flatten();
    let Some((spki_der, alg_der)) = encoded else {
        return verify_signature_uncached(spki, sig_alg, digest_alg, msg, sig);
    };
    let digest_oid = digest_alg.map(|o| o.as_bytes()).unwrap_or_default();
    let key = signature_cache::key(&[&spki_der, &alg_der, digest_oid, msg, sig]);
    if let Some(check) = signature_cache::get(&key) {
        return Ok(check);
    }
    let check = verify_signature_uncached(spki, sig_alg, digest_alg, msg, sig)?;
    signature_cache::put(key, &check);
    Ok(check)
}

/// [`verify_signature`] without the memo: every call checks (benchmarks).
pub fn verify_signature_uncached(
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

/// Decode an AlgorithmIdentifier from DER (convenience for callers and tests).
pub fn algorithm_identifier_from_der(
    der_bytes: &[u8],
) -> Result<AlgorithmIdentifierOwned, PolicyError> {
    AlgorithmIdentifierOwned::from_der(der_bytes)
        .map_err(|e| PolicyError::der("AlgorithmIdentifier", 0, e))
}

/// An ECDSA signature given as `r || s` (two integers of the curve's size: PKCS#11 tokens, XML
/// signatures and many remote signing services give it so) as the DER `Ecdsa-Sig-Value` that
/// CMS and [`verify_signature`] read. `None` for an empty or odd-length input, or one longer
/// than P-521's.
pub fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    use der::Encode;
    #[derive(der::Sequence)]
    struct EcdsaSigValue<'a> {
        r: der::asn1::UintRef<'a>,
        s: der::asn1::UintRef<'a>,
    }
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 132 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    EcdsaSigValue {
        r: der::asn1::UintRef::new(r).ok()?,
        s: der::asn1::UintRef::new(s).ok()?,
    }
    .to_der()
    .ok()
}
