//! Key pairs generated on the token, PKCS#10 certification requests signed by them, and
//! importing the certificate the CA returns.
//!
//! This is how a certificate is issued or renewed with the Government CA: the key pair is
//! made on the token (the private key never leaves it), a PKCS#10 request goes to the CA
//! (or the provincial office), and the returned certificate is stored next to the key.

use std::str::FromStr;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912;
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, CertificateType, ObjectClass};
use cryptoki::types::Ulong;
use der::asn1::{BitString, Ia5StringRef, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Any, Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, Version};

use crate::keys::PublicKey;
use crate::pkcs11::{KeyOptions, KeySelector, TokenKey, TokenSession};
use crate::software::SoftwareSigner;
use crate::{SignatureScheme, Signer, TokenError};

/// The kind of key pair to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySpec {
    /// RSA with a 2048-bit modulus (what current Government CA tokens hold).
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// RSA with a 4096-bit modulus.
    Rsa4096,
    /// ECDSA on NIST P-256.
    EcP256,
}

impl KeySpec {
    /// RSA key spec for `bits` (2048, 3072 or 4096).
    pub fn rsa(bits: usize) -> Result<Self, TokenError> {
        match bits {
            2048 => Ok(Self::Rsa2048),
            3072 => Ok(Self::Rsa3072),
            4096 => Ok(Self::Rsa4096),
            _ => Err(TokenError::InvalidArgument {
                detail: format!("RSA key size {bits}: use 2048, 3072 or 4096"),
            }),
        }
    }
}

/// A key pair just generated on a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    /// `CKA_ID` of both keys.
    pub id: Vec<u8>,
    /// `CKA_LABEL` of both keys.
    pub label: String,
    /// What was generated.
    pub spec: KeySpec,
}

impl GeneratedKey {
    /// A selector for the private key.
    pub fn selector(&self) -> KeySelector {
        KeySelector::Id(self.id.clone())
    }
}

/// Generate a key pair on the token as token objects: the private key sensitive and not
/// extractable, both keys with `CKA_ID` (random 20 bytes unless `id` is given) and `label`.
/// The session must be logged in.
pub fn generate_key_pair(
    session: &TokenSession,
    spec: KeySpec,
    label: &str,
    id: Option<Vec<u8>>,
) -> Result<GeneratedKey, TokenError> {
    if label.is_empty() {
        return Err(TokenError::InvalidArgument {
            detail: "empty key label".into(),
        });
    }
    // Labels are how users pick keys; a duplicate would make selection ambiguous.
    match session.key(
        &KeySelector::Label(label.to_string()),
        KeyOptions::default(),
    ) {
        Err(TokenError::KeyNotFound { .. }) => {}
        Ok(_) | Err(TokenError::AmbiguousKey { .. }) | Err(TokenError::UnsupportedKey { .. }) => {
            return Err(TokenError::InvalidArgument {
                detail: format!("a private key labelled {label:?} already exists"),
            });
        }
        Err(e) => return Err(e),
    }
    let id = match id {
        Some(id) => id,
        None => {
            let mut id = vec![0u8; 20];
            getrandom::fill(&mut id).map_err(|e| TokenError::InvalidArgument {
                detail: format!("no randomness for the key id: {e}"),
            })?;
            id
        }
    };
    let (mechanism, mech_type, spec_attrs) = match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
            let bits: u32 = match spec {
                KeySpec::Rsa3072 => 3072,
                KeySpec::Rsa4096 => 4096,
                _ => 2048,
            };
            (
                Mechanism::RsaPkcsKeyPairGen,
                MechanismType::RSA_PKCS_KEY_PAIR_GEN,
                vec![
                    // CK_ULONG (c_ulong) is 32-bit on Windows, 64-bit on Linux.
                    Attribute::ModulusBits(Ulong::new(std::ffi::c_ulong::from(bits))),
                    Attribute::PublicExponent(vec![0x01, 0x00, 0x01]),
                ],
            )
        }
        KeySpec::EcP256 => (
            Mechanism::EccKeyPairGen,
            MechanismType::ECC_KEY_PAIR_GEN,
            vec![Attribute::EcParams(rfc5912::SECP_256_R_1.to_der()?)],
        ),
    };
    if !session.has_mechanism(mech_type) {
        return Err(TokenError::UnsupportedMechanism {
            detail: format!(
                "{mech_type} is not offered by token {:?}",
                session.token().label
            ),
        });
    }
    let mut public = vec![
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Verify(true),
        Attribute::Id(id.clone()),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    public.extend(spec_attrs);
    let private = vec![
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Id(id.clone()),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    session
        .with_session(|s| s.generate_key_pair(&mechanism, &public, &private))
        .map_err(|e| TokenError::from_cryptoki("generating a key pair", e))?;
    Ok(GeneratedKey {
        id,
        label: label.to_string(),
        spec,
    })
}

/// Store `certificate` on the token next to the private key with `CKA_ID` `id`, as a public
/// `CKO_CERTIFICATE` token object with the same `CKA_ID` and the given label.
///
/// Refuses a certificate whose public key is not the key's, and a second certificate for
/// the same id (storing the identical certificate again is a no-op).
pub fn import_certificate(
    session: &TokenSession,
    certificate: &Certificate,
    id: &[u8],
    label: &str,
) -> Result<(), TokenError> {
    let key = session.key(&KeySelector::Id(id.to_vec()), KeyOptions::default())?;
    key.check_certificate(certificate)?;
    if let Some(existing) = session.certificate_for_id(id)? {
        if &existing == certificate {
            return Ok(());
        }
        return Err(TokenError::InvalidArgument {
            detail: format!(
                "a different certificate with CKA_ID {} is already on the token",
                hex::encode(id)
            ),
        });
    }
    let tbs = certificate.tbs_certificate();
    let template = [
        Attribute::Class(ObjectClass::CERTIFICATE),
        Attribute::CertificateType(CertificateType::X_509),
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Id(id.to_vec()),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Subject(tbs.subject().to_der()?),
        Attribute::Issuer(tbs.issuer().to_der()?),
        Attribute::SerialNumber(tbs.serial_number().to_der()?),
        Attribute::Value(certificate.to_der()?),
    ];
    session
        .with_session(|s| s.create_object(&template))
        .map_err(|e| TokenError::from_cryptoki("storing the certificate", e))?;
    Ok(())
}

// ---- subject names --------------------------------------------------------------------------

/// Attribute types accepted by name in [`SubjectName::parse`] (upper-cased).
const NAMES: &[(&str, &str)] = &[
    ("CN", "2.5.4.3"),
    ("SN", "2.5.4.4"),
    ("SURNAME", "2.5.4.4"),
    ("SERIALNUMBER", "2.5.4.5"),
    ("C", "2.5.4.6"),
    ("L", "2.5.4.7"),
    ("ST", "2.5.4.8"),
    ("S", "2.5.4.8"),
    ("STREET", "2.5.4.9"),
    ("O", "2.5.4.10"),
    ("OU", "2.5.4.11"),
    ("T", "2.5.4.12"),
    ("TITLE", "2.5.4.12"),
    ("GN", "2.5.4.42"),
    ("GIVENNAME", "2.5.4.42"),
    ("UID", "0.9.2342.19200300.100.1.1"),
    ("DC", "0.9.2342.19200300.100.1.25"),
    ("E", "1.2.840.113549.1.9.1"),
    ("EMAILADDRESS", "1.2.840.113549.1.9.1"),
];

const OID_C: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const OID_SERIAL: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const OID_EMAIL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");
const OID_DC: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25");

/// A certificate subject for a request. Values are UTF8String (so Vietnamese names keep
/// their diacritics) except where X.520 requires otherwise: country and serial number are
/// PrintableString, e-mail and domain components IA5String.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectName {
    name: Name,
}

impl SubjectName {
    /// Parse an RFC 4514 string: `CN=Nguyễn Văn A,O=Sở KH&CN,C=VN`. As in RFC 4514 the most
    /// specific RDN comes first (it is encoded last). Escapes (`\,`, `\+`, `\XX`), multi-valued
    /// RDNs (`+`), numeric OIDs and spaces after separators are accepted.
    pub fn parse(s: &str) -> Result<Self, TokenError> {
        let mut rdns = Vec::new();
        for rdn in split_unescaped(s, ',') {
            let mut avas = Vec::new();
            for ava in split_unescaped(&rdn, '+') {
                let (ty, value) =
                    ava.split_once('=')
                        .ok_or_else(|| TokenError::InvalidSubject {
                            detail: format!("{ava:?} has no '='"),
                        })?;
                let oid = attribute_oid(ty.trim())?;
                avas.push((oid, unescape(value.trim_start())?));
            }
            rdns.push(avas);
        }
        rdns.reverse();
        Self::from_rdns(&rdns)
    }

    /// Build from `(type, value)` pairs in encoding order (most general first, e.g. C, then
    /// O, then CN), one attribute per RDN.
    pub fn from_attributes(attrs: &[(ObjectIdentifier, &str)]) -> Result<Self, TokenError> {
        let rdns: Vec<Vec<(ObjectIdentifier, String)>> = attrs
            .iter()
            .map(|(oid, v)| vec![(*oid, (*v).to_string())])
            .collect();
        Self::from_rdns(&rdns)
    }

    fn from_rdns(rdns: &[Vec<(ObjectIdentifier, String)>]) -> Result<Self, TokenError> {
        if rdns.is_empty() {
            return Err(TokenError::InvalidSubject {
                detail: "empty subject".into(),
            });
        }
        let mut seq: Vec<SetOfVec<AttributeTypeAndValue>> = Vec::new();
        for rdn in rdns {
            let mut set = SetOfVec::new();
            for (oid, value) in rdn {
                let ava = AttributeTypeAndValue {
                    oid: *oid,
                    value: encode_value(*oid, value)?,
                };
                set.insert(ava).map_err(|e| TokenError::InvalidSubject {
                    detail: format!("duplicate attribute in one RDN: {e}"),
                })?;
            }
            seq.push(set);
        }
        let name = Name::from_der(&seq.to_der()?)?;
        Ok(Self { name })
    }

    /// The X.509 name.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// An existing name kept byte for byte: a renewal request names the holder exactly as the
    /// CA wrote it (string types and order included).
    pub fn from_name(name: Name) -> Self {
        Self { name }
    }
}

impl FromStr for SubjectName {
    type Err = TokenError;
    fn from_str(s: &str) -> Result<Self, TokenError> {
        Self::parse(s)
    }
}

fn attribute_oid(ty: &str) -> Result<ObjectIdentifier, TokenError> {
    let upper = ty.to_ascii_uppercase();
    let dotted = NAMES
        .iter()
        .find(|(n, _)| *n == upper)
        .map_or(ty, |(_, oid)| *oid);
    ObjectIdentifier::new(dotted).map_err(|_| TokenError::InvalidSubject {
        detail: format!("unknown attribute type {ty:?}"),
    })
}

fn encode_value(oid: ObjectIdentifier, value: &str) -> Result<Any, TokenError> {
    let bad = |what: &str| TokenError::InvalidSubject {
        detail: format!("{what} for {oid}: {value:?}"),
    };
    if value.is_empty() {
        return Err(bad("empty value"));
    }
    Ok(if oid == OID_C {
        if value.len() != 2 {
            return Err(bad("country must be two letters"));
        }
        Any::encode_from(&PrintableStringRef::new(value).map_err(|_| bad("not printable"))?)?
    } else if oid == OID_SERIAL {
        match PrintableStringRef::new(value) {
            Ok(p) => Any::encode_from(&p)?,
            Err(_) => Any::encode_from(&Utf8StringRef::new(value)?)?,
        }
    } else if oid == OID_EMAIL || oid == OID_DC {
        Any::encode_from(&Ia5StringRef::new(value).map_err(|_| bad("not ASCII"))?)?
    } else {
        Any::encode_from(&Utf8StringRef::new(value)?)?
    })
}

/// Split at `sep` where it is not escaped by a backslash.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            cur.push(c);
            escaped = true;
        } else if c == sep {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

/// Resolve RFC 4514 escapes: `\` + special character, or `\` + two hex digits (UTF-8 bytes).
fn unescape(s: &str) -> Result<String, TokenError> {
    let bad = || TokenError::InvalidSubject {
        detail: format!("bad escape in {s:?}"),
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let next = *bytes.get(i + 1).ok_or_else(bad)?;
            if next.is_ascii_hexdigit() {
                let hex = s.get(i + 1..i + 3).ok_or_else(bad)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
                i += 3;
            } else {
                out.push(next);
                i += 2;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Trailing unescaped spaces are not part of the value.
    let text = String::from_utf8(out).map_err(|_| bad())?;
    Ok(if s.ends_with("\\ ") {
        text
    } else {
        text.trim_end().to_string()
    })
}

// ---- PKCS#10 --------------------------------------------------------------------------------

/// A key that can sign its own certification request.
pub trait RequestKey {
    /// The public key to certify.
    fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, TokenError>;
    /// The signature scheme used.
    fn request_scheme(&self) -> SignatureScheme;
    /// Sign `message` (hash included).
    fn sign_request(&self, message: &[u8]) -> Result<Vec<u8>, TokenError>;
}

impl RequestKey for TokenKey {
    fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, TokenError> {
        TokenKey::public_key_info(self)
    }
    fn request_scheme(&self) -> SignatureScheme {
        self.scheme()
    }
    fn sign_request(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        self.sign(message)
    }
}

impl RequestKey for SoftwareSigner {
    fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, TokenError> {
        SoftwareSigner::public_key_info(self)
    }
    fn request_scheme(&self) -> SignatureScheme {
        self.scheme()
    }
    fn sign_request(&self, message: &[u8]) -> Result<Vec<u8>, TokenError> {
        self.sign(message)
    }
}

/// A DER-encoded PKCS#10 `CertificationRequest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificationRequest {
    der: Vec<u8>,
}

impl CertificationRequest {
    /// The DER bytes.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// PEM with the `CERTIFICATE REQUEST` label (what CAs and OpenSSL expect).
    pub fn to_pem(&self) -> Result<String, TokenError> {
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &self.der)
            .map_err(|e| TokenError::Der(e.into()))
    }

    /// The decoded structure.
    pub fn request(&self) -> Result<CertReq, TokenError> {
        Ok(CertReq::from_der(&self.der)?)
    }
}

fn signature_algorithm(scheme: SignatureScheme) -> Result<AlgorithmIdentifierOwned, TokenError> {
    let rsa = |oid| AlgorithmIdentifierOwned {
        oid,
        // RFC 4055 §5: PKCS#1 v1.5 signature algorithms carry NULL parameters.
        parameters: Some(Any::null()),
    };
    let ec = |oid| AlgorithmIdentifierOwned {
        oid,
        // RFC 5758 §3.2: ECDSA algorithm identifiers have no parameters.
        parameters: None,
    };
    match scheme {
        SignatureScheme::RsaPkcs1Sha256 => Ok(rsa(rfc5912::SHA_256_WITH_RSA_ENCRYPTION)),
        SignatureScheme::RsaPkcs1Sha384 => Ok(rsa(rfc5912::SHA_384_WITH_RSA_ENCRYPTION)),
        SignatureScheme::RsaPkcs1Sha512 => Ok(rsa(rfc5912::SHA_512_WITH_RSA_ENCRYPTION)),
        SignatureScheme::EcdsaP256Sha256 => Ok(ec(rfc5912::ECDSA_WITH_SHA_256)),
        SignatureScheme::EcdsaP384Sha384 => Ok(ec(rfc5912::ECDSA_WITH_SHA_384)),
        SignatureScheme::RsaPssSha256 => Err(TokenError::UnsupportedMechanism {
            detail: "requests signed with RSA-PSS are not built; use PKCS#1 v1.5".into(),
        }),
    }
}

/// What [`renewal_request`] made.
#[derive(Debug, Clone)]
pub struct Renewal {
    /// The new key pair.
    pub key: GeneratedKey,
    /// The request, with the subject of `current`.
    pub request: CertificationRequest,
    /// The certificate being renewed.
    pub current: Certificate,
}

/// Prepare the renewal of the certificate of the key `current` (on the token, or `certificate`
/// when the token does not hold it): a new key pair labelled `new_label`, of the same kind as
/// the current key unless `spec` says otherwise, and a request signed by it with the current
/// certificate's subject, byte for byte. The current key and certificate stay as they are
/// (they sign until the new certificate is imported). The session must be logged in.
pub fn renewal_request(
    session: &TokenSession,
    current: &KeySelector,
    certificate: Option<&Certificate>,
    new_label: &str,
    spec: Option<KeySpec>,
) -> Result<Renewal, TokenError> {
    let old = session.key(current, KeyOptions::default())?;
    let cert = match certificate {
        Some(c) => c.clone(),
        None => session.certificate_for_id(old.id())?.ok_or_else(|| {
            TokenError::CertificateNotFound {
                selector: current.to_string(),
            }
        })?,
    };
    old.check_certificate(&cert)?;
    let spec = match spec {
        Some(s) => s,
        None => match old.key_type() {
            (crate::pkcs11::KeyType::Rsa, bits) => KeySpec::rsa(bits)?,
            (crate::pkcs11::KeyType::EcP256, _) => KeySpec::EcP256,
            (other, _) => {
                return Err(TokenError::InvalidArgument {
                    detail: format!("no key pair of kind {other:?} can be generated: choose one"),
                });
            }
        },
    };
    let subject = SubjectName::from_name(cert.tbs_certificate().subject().clone());
    let key = generate_key_pair(session, spec, new_label, None)?;
    let signer = session.key(&key.selector(), KeyOptions::default())?;
    let request = certification_request(&signer, &subject)?;
    Ok(Renewal {
        key,
        request,
        current: cert,
    })
}

/// Build a PKCS#10 request for `subject`, signed by `key` itself (proof of possession).
pub fn certification_request(
    key: &dyn RequestKey,
    subject: &SubjectName,
) -> Result<CertificationRequest, TokenError> {
    let algorithm = signature_algorithm(key.request_scheme())?;
    let info = CertReqInfo {
        version: Version::V1,
        subject: subject.name.clone(),
        public_key: key.public_key_info()?,
        attributes: SetOfVec::new(),
    };
    let signature = key.sign_request(&info.to_der()?)?;
    let req = CertReq {
        info,
        algorithm,
        signature: BitString::from_bytes(&signature)?,
    };
    Ok(CertificationRequest { der: req.to_der()? })
}

/// Whether `certificate` certifies the public key of the request `csr` (to check what a CA
/// returned before importing it).
pub fn certificate_matches_request(
    certificate: &Certificate,
    csr: &CertificationRequest,
) -> Result<bool, TokenError> {
    let req = csr.request()?;
    let a = PublicKey::from_spki(&req.info.public_key)?;
    let b = PublicKey::from_certificate(certificate)?;
    Ok(a.mismatch(&b).is_none())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rfc4514_order_and_utf8() {
        let s = SubjectName::parse("CN=Nguyễn Văn A, O=Sở KH\\, CN, C=VN").unwrap();
        assert_eq!(s.name().to_string(), "CN=Nguyễn Văn A,O=Sở KH\\, CN,C=VN");
        let der = s.name().to_der().unwrap();
        // C is PrintableString (0x13), CN UTF8String (0x0c).
        let c = der
            .windows(5)
            .position(|w| w == [0x55, 0x04, 0x06, 0x13, 0x02]);
        assert!(c.is_some());
        let cn = der.windows(4).position(|w| w == [0x55, 0x04, 0x03, 0x0c]);
        assert!(cn.is_some());
        assert!(c < cn, "C must be encoded before CN");
    }

    #[test]
    fn hex_escape_and_multi_valued() {
        let s = SubjectName::parse("CN=A\\2CB+UID=MST:0101,C=VN").unwrap();
        let shown = s.name().to_string();
        assert!(shown.contains("A\\,B"), "{shown}");
        assert!(shown.contains('+'), "{shown}");
    }

    #[test]
    fn rejects_bad_input() {
        assert!(SubjectName::parse("CN").is_err());
        assert!(SubjectName::parse("C=VNM").is_err());
        assert!(SubjectName::parse("XX=1").is_err());
        assert_eq!(SubjectName::parse("CN=").unwrap_err().code(), 4070);
    }
}
