//! Public keys as raw components (to match certificates to keys), DigestInfo and
//! ECDSA signature encodings shared by the token and software signers.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use der::asn1::{BitString, OctetString, UintRef};
use der::{Any, Decode, Encode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;

use crate::{DigestAlgorithm, KeyType, SignatureScheme, TokenError};

/// PKCS#1 `RSAPublicKey`.
#[derive(Sequence)]
struct RsaPublicKeyAsn1<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

/// PKCS#1 `DigestInfo` (RFC 8017 §9.2).
#[derive(Sequence)]
struct DigestInfo {
    algorithm: AlgorithmIdentifierOwned,
    digest: OctetString,
}

/// A public key reduced to what identifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PublicKey {
    /// RSA: modulus and exponent, big-endian without leading zeros.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// EC: named curve and uncompressed point (`04 || X || Y`).
    Ec {
        curve: ObjectIdentifier,
        point: Vec<u8>,
    },
}

fn strip_zeros(b: &[u8]) -> Vec<u8> {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b[start..].to_vec()
}

impl PublicKey {
    /// An RSA key from token attributes.
    pub(crate) fn rsa(n: &[u8], e: &[u8]) -> Self {
        Self::Rsa {
            n: strip_zeros(n),
            e: strip_zeros(e),
        }
    }

    /// An EC key from `CKA_EC_PARAMS` (DER OID) and `CKA_EC_POINT`.
    ///
    /// PKCS#11 says `CKA_EC_POINT` is a DER OCTET STRING, but some tokens return the bare
    /// point; a bare uncompressed point has the curve's exact length, so test that first.
    #[cfg(feature = "pkcs11")]
    pub(crate) fn ec_from_token(params: &[u8], ec_point: &[u8]) -> Result<Self, TokenError> {
        let curve = ObjectIdentifier::from_der(params).map_err(|e| TokenError::UnsupportedKey {
            detail: format!("EC parameters are not a named curve OID: {e}"),
        })?;
        let field = curve_field_len(&curve).ok_or_else(|| TokenError::UnsupportedKey {
            detail: format!("EC curve {curve}"),
        })?;
        let point = if ec_point.len() == 1 + 2 * field && ec_point[0] == 0x04 {
            ec_point.to_vec()
        } else {
            OctetString::from_der(ec_point)
                .map_err(|e| TokenError::UnsupportedKey {
                    detail: format!("CKA_EC_POINT is neither a point nor an OCTET STRING: {e}"),
                })?
                .as_bytes()
                .to_vec()
        };
        Ok(Self::Ec { curve, point })
    }

    /// The key in a certificate's SubjectPublicKeyInfo.
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, TokenError> {
        let bits =
            spki.subject_public_key
                .as_bytes()
                .ok_or_else(|| TokenError::MalformedCertificate {
                    detail: "public key BIT STRING has unused bits".into(),
                })?;
        if spki.algorithm.oid == rfc5912::RSA_ENCRYPTION {
            let k = RsaPublicKeyAsn1::from_der(bits)?;
            Ok(Self::rsa(
                k.modulus.as_bytes(),
                k.public_exponent.as_bytes(),
            ))
        } else if spki.algorithm.oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .ok_or_else(|| TokenError::MalformedCertificate {
                    detail: "EC public key without curve parameters".into(),
                })?
                .decode_as::<ObjectIdentifier>()?;
            Ok(Self::Ec {
                curve,
                point: bits.to_vec(),
            })
        } else {
            Err(TokenError::UnsupportedKey {
                detail: format!("public key algorithm {}", spki.algorithm.oid),
            })
        }
    }

    /// The key in a certificate.
    pub(crate) fn from_certificate(cert: &Certificate) -> Result<Self, TokenError> {
        Self::from_spki(cert.tbs_certificate().subject_public_key_info())
    }

    /// The SubjectPublicKeyInfo for a PKCS#10 request.
    pub(crate) fn to_spki(&self) -> Result<SubjectPublicKeyInfoOwned, TokenError> {
        match self {
            Self::Rsa { n, e } => {
                let der = RsaPublicKeyAsn1 {
                    modulus: UintRef::new(n)?,
                    public_exponent: UintRef::new(e)?,
                }
                .to_der()?;
                Ok(SubjectPublicKeyInfoOwned {
                    algorithm: AlgorithmIdentifierOwned {
                        oid: rfc5912::RSA_ENCRYPTION,
                        parameters: Some(Any::null()),
                    },
                    subject_public_key: BitString::from_bytes(&der)?,
                })
            }
            Self::Ec { curve, point } => Ok(SubjectPublicKeyInfoOwned {
                algorithm: AlgorithmIdentifierOwned {
                    oid: rfc5912::ID_EC_PUBLIC_KEY,
                    parameters: Some(Any::encode_from(curve)?),
                },
                subject_public_key: BitString::from_bytes(point)?,
            }),
        }
    }

    /// The key's type and size.
    pub(crate) fn key_type(&self) -> (KeyType, usize) {
        match self {
            Self::Rsa { n, .. } => {
                let bits = n
                    .first()
                    .map_or(0, |b| (n.len() - 1) * 8 + (8 - b.leading_zeros() as usize));
                (KeyType::Rsa, bits)
            }
            Self::Ec { curve, .. } => {
                let t = curve_key_type(curve);
                (t, curve_field_len(curve).unwrap_or(0) * 8)
            }
        }
    }

    /// Why `other` is a different key, or `None` when they are the same.
    pub(crate) fn mismatch(&self, other: &PublicKey) -> Option<String> {
        match (self, other) {
            (Self::Rsa { n: n1, e: e1 }, Self::Rsa { n: n2, e: e2 }) => {
                if n1 != n2 {
                    Some("RSA moduli differ".into())
                } else if e1 != e2 {
                    Some("RSA public exponents differ".into())
                } else {
                    None
                }
            }
            (
                Self::Ec {
                    curve: c1,
                    point: p1,
                },
                Self::Ec {
                    curve: c2,
                    point: p2,
                },
            ) => {
                if c1 != c2 {
                    Some(format!("EC curves differ ({c1} vs {c2})"))
                } else if p1 != p2 {
                    Some("EC points differ".into())
                } else {
                    None
                }
            }
            _ => Some("key types differ (RSA vs EC)".into()),
        }
    }

    /// The scheme used when the caller does not choose one.
    pub(crate) fn default_scheme(&self) -> Result<SignatureScheme, TokenError> {
        match self.key_type().0 {
            KeyType::Rsa => Ok(SignatureScheme::RsaPkcs1Sha256),
            KeyType::EcP256 => Ok(SignatureScheme::EcdsaP256Sha256),
            KeyType::EcP384 => Ok(SignatureScheme::EcdsaP384Sha384),
            other => Err(TokenError::UnsupportedKey {
                detail: format!("{other:?}"),
            }),
        }
    }

    /// Check that `scheme` can be produced with this key.
    pub(crate) fn check_scheme(&self, scheme: SignatureScheme) -> Result<(), TokenError> {
        let (kt, bits) = self.key_type();
        let ok = match scheme {
            SignatureScheme::RsaPkcs1Sha256
            | SignatureScheme::RsaPkcs1Sha384
            | SignatureScheme::RsaPkcs1Sha512
            | SignatureScheme::RsaPssSha256 => kt == KeyType::Rsa,
            SignatureScheme::EcdsaP256Sha256 => kt == KeyType::EcP256,
            SignatureScheme::EcdsaP384Sha384 => kt == KeyType::EcP384,
        };
        if ok {
            Ok(())
        } else {
            Err(TokenError::SchemeMismatch {
                scheme,
                key: format!("{kt:?} {bits}-bit key"),
            })
        }
    }

    /// Upper bound of a signature's length with this key.
    pub(crate) fn max_signature_len(&self) -> usize {
        match self {
            Self::Rsa { n, .. } => n.len(),
            // SEQUENCE { INTEGER r, INTEGER s }, each integer possibly one byte longer
            // than the field for a sign byte; lengths fit in one byte for P-256/P-384.
            Self::Ec { curve, .. } => {
                let f = curve_field_len(curve).unwrap_or(66);
                2 + 2 * (2 + f + 1)
            }
        }
    }
}

/// The field length in bytes of the curves this crate supports.
pub(crate) fn curve_field_len(curve: &ObjectIdentifier) -> Option<usize> {
    if *curve == rfc5912::SECP_256_R_1 {
        Some(32)
    } else if *curve == rfc5912::SECP_384_R_1 {
        Some(48)
    } else {
        None
    }
}

/// The key type for a named curve.
pub(crate) fn curve_key_type(curve: &ObjectIdentifier) -> KeyType {
    if *curve == rfc5912::SECP_256_R_1 {
        KeyType::EcP256
    } else if *curve == rfc5912::SECP_384_R_1 {
        KeyType::EcP384
    } else {
        KeyType::EcOther
    }
}

/// DER `DigestInfo` for PKCS#1 v1.5 signing with a raw RSA mechanism.
pub(crate) fn digest_info(alg: DigestAlgorithm, digest: &[u8]) -> Result<Vec<u8>, TokenError> {
    Ok(DigestInfo {
        algorithm: AlgorithmIdentifierOwned {
            oid: alg.oid(),
            // RFC 8017 §9.2 note 1: the parameters are an explicit NULL.
            parameters: Some(Any::null()),
        },
        digest: OctetString::new(digest)?,
    }
    .to_der()?)
}

/// Convert a PKCS#11 ECDSA signature (`r || s`, fixed width) to DER `Ecdsa-Sig-Value`.
#[cfg(feature = "pkcs11")]
pub(crate) fn ecdsa_raw_to_der(raw: &[u8]) -> Result<Vec<u8>, TokenError> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(TokenError::SignFailed(format!(
            "ECDSA signature of odd length {}",
            raw.len()
        )));
    }
    kyso_policy::algorithms::ecdsa_raw_to_der(raw)
        .ok_or_else(|| TokenError::SignFailed(format!("ECDSA signature of {} bytes", raw.len())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn digest_info_matches_rfc8017_prefixes() {
        // RFC 8017 §9.2, note 1.
        let cases: [(DigestAlgorithm, &str, usize); 3] = [
            (
                DigestAlgorithm::Sha256,
                "3031300d060960864801650304020105000420",
                32,
            ),
            (
                DigestAlgorithm::Sha384,
                "3041300d060960864801650304020205000430",
                48,
            ),
            (
                DigestAlgorithm::Sha512,
                "3051300d060960864801650304020305000440",
                64,
            ),
        ];
        for (alg, prefix, len) in cases {
            let d = vec![0xabu8; len];
            let di = digest_info(alg, &d).unwrap();
            assert_eq!(hex::encode(&di[..19]), prefix);
            assert_eq!(&di[19..], &d[..]);
        }
    }

    #[test]
    fn ecdsa_der_strips_and_pads() {
        #[derive(der::Sequence)]
        struct EcdsaSigValue<'a> {
            r: UintRef<'a>,
            s: UintRef<'a>,
        }
        let mut raw = vec![0u8; 64];
        raw[1] = 0x80; // r = 0x0080.. → INTEGER 00 80 .. after stripping one zero
        raw[32] = 0x01;
        let der = ecdsa_raw_to_der(&raw).unwrap();
        let parsed = EcdsaSigValue::from_der(&der).unwrap();
        assert_eq!(parsed.r.as_bytes()[0], 0x80);
        assert_eq!(parsed.s.as_bytes()[0], 0x01);
        assert!(
            der.len()
                <= PublicKey::Ec {
                    curve: rfc5912::SECP_256_R_1,
                    point: vec![]
                }
                .max_signature_len()
        );
    }
}
