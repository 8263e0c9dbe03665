//! CMS SignedData verification (RFC 5652) for PDF signatures (`adbe.pkcs7.detached`,
//! `ETSI.CAdES.detached`).
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType ContentType, content [0] EXPLICIT ANY }
//! SignedData ::= SEQUENCE {
//!   version CMSVersion, digestAlgorithms SET OF DigestAlgorithmIdentifier,
//!   encapContentInfo EncapsulatedContentInfo,
//!   certificates [0] IMPLICIT CertificateSet OPTIONAL,
//!   crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//!   signerInfos SET OF SignerInfo }
//! SignerInfo ::= SEQUENCE {
//!   version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
//!   signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
//!   signatureAlgorithm SignatureAlgorithmIdentifier, signature SignatureValue,
//!   unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
//! ```
//!
//! What is checked, for the first SignerInfo (a PDF signature has exactly one; more give an
//! error reason):
//! - the signer certificate is found among the embedded (or caller-given) certificates by
//!   issuerAndSerialNumber or subjectKeyIdentifier;
//! - with signed attributes: `messageDigest` equals the digest of the content (computed by the
//!   caller, who streams the PDF byte ranges), `contentType` equals the encapsulated content type
//!   (`id-data` for PDFs), the signature verifies over the signed attributes **as received**
//!   (the `[0]` encoding re-tagged as `SET`, 0x31), falling back to the DER re-encoding only if
//!   that differs; `signingTime` and `signingCertificateV2` (or v1) are read and checked;
//! - without signed attributes the signature covers the content itself, which needs the content:
//!   [`verify_detached`] reports `NO_SIGNED_ATTRIBUTES`, [`verify_attached_or_detached_with_content`]
//!   verifies it;
//! - the unsigned attribute `signatureTimeStampToken` (1.2.840.113549.1.9.16.2.14) is returned as
//!   DER for [`crate::timestamp::read_timestamp`].
//!
//! Input tolerance: `/Contents` of a PDF is zero-padded after the DER object, so trailing zero
//! bytes are ignored (other trailing bytes are an error). BER indefinite-length input is decoded
//! with BER rules where the `der` crate can. Malformed input gives a [`CmsError`], never a panic.
//!
//! A failed check is not an error: it is a [`CmsSignature`] with `signature_ok == false` or
//! `message_digest_ok == false` and a [`Reason`].

use cms::signed_data::{SignerIdentifier, SignerInfo};
use const_oid::ObjectIdentifier;
use der::{
    Decode, Encode, Sequence,
    asn1::{Any, OctetString},
};
use kyso_policy::algorithms::{AlgorithmUse, DigestAlgorithm, verify_signature};
use kyso_policy::reason::Msg;
use kyso_policy::{PolicyError, Reason};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{Certificate, ext::pkix::SubjectKeyIdentifier, time::Time};

mod parse;

pub(crate) use parse::*;

/// id-signedData.
pub const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-data.
pub const OID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-contentType.
pub const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest.
pub const OID_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime.
pub const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificate (ESS, SHA-1).
pub const OID_SIGNING_CERTIFICATE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2.
pub const OID_SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// id-aa-signatureTimeStampToken.
pub const OID_SIGNATURE_TIMESTAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");

/// Why a CMS structure could not be evaluated. Codes are in the ASN.1/CMS range 2000–2999.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// DER/BER decoding failed.
    #[error("{context}: decoding failed{}: {source}", at(*.offset))]
    Der {
        /// What was being decoded.
        context: &'static str,
        /// Byte offset in the input, when known.
        offset: Option<usize>,
        /// The underlying error.
        #[source]
        source: der::Error,
    },
    /// The input is empty, truncated, or not an ASN.1 object at all.
    #[error("not a CMS object: {reason}{}", at(*.offset))]
    Malformed {
        /// Why.
        reason: &'static str,
        /// Byte offset, when known.
        offset: Option<usize>,
    },
    /// Non-zero bytes follow the CMS object.
    #[error("unexpected data after the CMS object at byte {offset}")]
    TrailingData {
        /// Offset of the first non-zero trailing byte.
        offset: usize,
    },
    /// The ContentInfo is not SignedData.
    #[error("content type {content_type} is not SignedData")]
    NotSignedData {
        /// The content type found.
        content_type: String,
    },
    /// The SignedData has no SignerInfo.
    #[error("SignedData has no SignerInfo")]
    NoSignerInfo,
    /// More certificates, CRLs or signers than any real signature carries (a resource bound:
    /// each is decoded and may be tried while building paths).
    #[error("SignedData carries {count} {what}, more than the {limit} accepted")]
    TooMany {
        /// `certificates`, `CRLs` or `SignerInfos`.
        what: &'static str,
        /// How many it carries.
        count: usize,
        /// The bound.
        limit: usize,
    },
    /// The encapsulated content is not what was expected (e.g. not a TSTInfo).
    #[error("unexpected encapsulated content: {reason}")]
    UnexpectedContent {
        /// Why.
        reason: String,
    },
    /// An algorithm or key is unsupported or malformed.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The caller's content-digest callback failed.
    #[error("content digest could not be computed: {reason}")]
    ContentDigest {
        /// Why.
        reason: String,
    },
}

fn at(offset: Option<usize>) -> String {
    offset.map(|o| format!(" at byte {o}")).unwrap_or_default()
}

impl CmsError {
    /// Stable numeric code (2000–2999).
    pub fn code(&self) -> u32 {
        match self {
            Self::Der { .. } => 2001,
            Self::Malformed { .. } => 2002,
            Self::TrailingData { .. } => 2003,
            Self::NotSignedData { .. } => 2004,
            Self::NoSignerInfo => 2005,
            Self::UnexpectedContent { .. } => 2006,
            Self::TooMany { .. } => 2007,
            Self::Policy(_) => 2010,
            Self::ContentDigest { .. } => 2011,
        }
    }

    /// Byte offset in the input where decoding failed, when known.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::Der { offset, .. } | Self::Malformed { offset, .. } => *offset,
            Self::TrailingData { offset } => Some(*offset),
            _ => None,
        }
    }

    pub(crate) fn der(context: &'static str, source: der::Error) -> Self {
        let offset = source
            .position()
            .and_then(|p| usize::try_from(u32::from(p)).ok());
        Self::Der {
            context,
            offset,
            source,
        }
    }
}

/// The result of verifying a CMS signature.
#[derive(Debug, Clone)]
pub struct CmsSignature {
    /// All certificates embedded in the SignedData.
    pub certificates: Vec<Certificate>,
    /// DER of each embedded certificate as received (same order as `certificates`), for path
    /// validation over the exact signed bytes.
    pub certificates_der: Vec<Vec<u8>>,
    /// The signer's certificate, when found.
    pub signer_certificate: Option<Certificate>,
    /// The SignerInfo's digestAlgorithm.
    pub digest_algorithm: ObjectIdentifier,
    /// Signature algorithm name, e.g. `RSA-PKCS1v15-SHA256`.
    pub signature_algorithm: String,
    /// Whether the messageDigest attribute equals the content digest.
    pub message_digest_ok: bool,
    /// Whether the signature verifies with the signer certificate's key.
    pub signature_ok: bool,
    /// Whether signed attributes are present.
    pub signed_attributes_present: bool,
    /// The signingTime attribute (unreliable on real files: informational).
    pub signing_time: Option<der::DateTime>,
    /// Whether signingCertificateV2 (or v1) matches the signer certificate; `None` when absent.
    pub signing_certificate_v2_ok: Option<bool>,
    /// Whether the contentType attribute equals the encapsulated content type.
    pub content_type_ok: bool,
    /// DER of the signatureTimeStampToken unsigned attribute, when present.
    pub timestamp_token: Option<Vec<u8>>,
    /// The SignerInfo's signature value (what a signature time-stamp's imprint covers).
    pub signature_value: Vec<u8>,
    /// What the signature used (for [`kyso_policy::algorithms::AlgorithmPolicy::check`]).
    pub algorithm_use: AlgorithmUse,
    /// Findings in Vietnamese and English.
    pub reasons: Vec<Reason>,
}

/// ESSCertIDv2 (RFC 5035): `SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT sha256,
/// certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }`.
#[derive(Debug, Clone, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// ESSCertID (RFC 2634): `SEQUENCE { certHash OCTET STRING (SHA-1), issuerSerial OPTIONAL }`.
#[derive(Debug, Clone, Sequence)]
struct EssCertId {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// SigningCertificateV2 / SigningCertificate: `SEQUENCE { certs SEQUENCE OF …, policies … OPTIONAL }`.
#[derive(Debug, Clone, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

#[derive(Debug, Clone, Sequence)]
struct SigningCertificateV1 {
    certs: Vec<EssCertId>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

fn find_signer<'a>(
    sid: &SignerIdentifier,
    certs: &'a [(Certificate, Vec<u8>)],
) -> Option<&'a (Certificate, Vec<u8>)> {
    certs.iter().find(|(c, _)| {
        let tbs = c.tbs_certificate();
        match sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                tbs.issuer() == &ias.issuer
                    && tbs.serial_number().as_bytes() == ias.serial_number.as_bytes()
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
                .get_extension::<SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, s)| s.0.as_bytes() == ski.0.as_bytes()),
        }
    })
}

fn attr_values<'a>(si: &'a SignerInfo, oid: &ObjectIdentifier) -> Option<&'a Any> {
    si.signed_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == *oid)
        .and_then(|a| a.values.iter().next())
}

/// Core of the checks shared by [`verify_detached`], the content variant and time-stamps.
pub(crate) struct Checked {
    pub(crate) sig: CmsSignature,
    pub(crate) econtent_type: ObjectIdentifier,
}

pub(crate) fn verify_parsed(
    parsed: &Parsed,
    extra_certs: &[Certificate],
    content: ContentSource<'_>,
) -> Result<Checked, CmsError> {
    let sd = &parsed.signed_data;
    let mut reasons = Vec::new();
    let si = sd
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or(CmsError::NoSignerInfo)?;
    if sd.signer_infos.0.len() > 1 {
        reasons.push(
            Msg::MultipleSigners {
                count: &sd.signer_infos.0.len(),
            }
            .reason(),
        );
    }
    // The first SignerInfo in the decoded SET may not be the first in the input (DER sort);
    // find its raw attributes by matching re-encodings.
    let raw_attrs: Option<Vec<u8>> = if sd.signer_infos.0.len() == 1 {
        parsed.raw_signed_attrs.first().cloned().flatten()
    } else {
        let expected = si.signed_attrs.as_ref().and_then(|a| a.to_der().ok());
        expected.and_then(|exp| {
            parsed
                .raw_signed_attrs
                .iter()
                .flatten()
                .find(|raw| {
                    // Compare as SET OF after re-decoding (order-insensitive).
                    let mut r = raw.to_vec();
                    r[0] = 0x31;
                    x509_cert::attr::Attributes::from_der(&r)
                        .ok()
                        .and_then(|a| a.to_der().ok())
                        .as_deref()
                        == Some(&exp[..])
                })
                .cloned()
        })
    };

    let digest_oid = si.digest_alg.oid;
    let digest_alg = DigestAlgorithm::from_oid_lenient(&digest_oid)?;
    let econtent_type = sd.encap_content_info.econtent_type;

    let mut certs: Vec<(Certificate, Vec<u8>)> = parsed.certs.clone();
    for c in extra_certs {
        if let Ok(der) = c.to_der() {
            certs.push((c.clone(), der));
        }
    }
    let signer = find_signer(&si.sid, &certs).cloned();
    if signer.is_none() {
        reasons.push(Msg::NoSigningCertificateFoundCms {}.reason());
    }

    // Content digest.
    let (content_digest, content_bytes): (Vec<u8>, Option<&[u8]>) = match content {
        ContentSource::Callback(f) => (f(&digest_oid)?, None),
        ContentSource::Bytes(b) => (digest_alg.hash(b), Some(b)),
    };

    let signed_attributes_present = si.signed_attrs.is_some();
    let mut message_digest_ok = false;
    let mut content_type_ok = false;
    let mut signing_time = None;
    let mut signing_certificate_v2_ok = None;
    let mut signature_ok = false;
    let mut algorithm_use = AlgorithmUse::unknown(digest_alg);
    let sig_value = si.signature.as_bytes();

    if signed_attributes_present {
        // messageDigest
        match attr_values(si, &OID_MESSAGE_DIGEST).map(|v| v.decode_as::<OctetString>()) {
            Some(Ok(md)) => {
                message_digest_ok = md.as_bytes() == content_digest.as_slice();
                if !message_digest_ok {
                    reasons.push(Msg::HashFailureCms {}.reason());
                }
            }
            _ => reasons.push(Msg::NoMessageDigest {}.reason()),
        }
        // contentType
        match attr_values(si, &OID_CONTENT_TYPE).map(|v| v.decode_as::<ObjectIdentifier>()) {
            Some(Ok(ct)) => {
                content_type_ok = ct == econtent_type;
                if !content_type_ok {
                    reasons.push(Msg::ContentTypeMismatch {}.reason());
                }
            }
            _ => reasons.push(Msg::NoContentType {}.reason()),
        }
        // signingTime
        if let Some(v) = attr_values(si, &OID_SIGNING_TIME) {
            signing_time = v
                .to_der()
                .ok()
                .and_then(|d| Time::from_der(&d).ok())
                .map(|t| t.to_date_time());
        }
        // signingCertificateV2 / signingCertificate
        if let Some((_, cert_der)) = &signer {
            if let Some(v) = attr_values(si, &OID_SIGNING_CERTIFICATE_V2) {
                signing_certificate_v2_ok = Some(
                    v.decode_as::<SigningCertificateV2>()
                        .ok()
                        .and_then(|sc| sc.certs.into_iter().next())
                        .is_some_and(|id| {
                            let alg = id
                                .hash_algorithm
                                .map(|a| a.oid)
                                .unwrap_or(kyso_policy::algorithms::oids::SHA256);
                            kyso_policy::algorithms::digest(&alg, cert_der)
                                .is_ok_and(|h| h == id.cert_hash.as_bytes())
                        }),
                );
            } else if let Some(v) = attr_values(si, &OID_SIGNING_CERTIFICATE) {
                signing_certificate_v2_ok = Some(
                    v.decode_as::<SigningCertificateV1>()
                        .ok()
                        .and_then(|sc| sc.certs.into_iter().next())
                        .is_some_and(|id| {
                            DigestAlgorithm::Sha1.hash(cert_der) == id.cert_hash.as_bytes()
                        }),
                );
            }
            if signing_certificate_v2_ok == Some(false) {
                reasons.push(Msg::SigningCertificateMismatch {}.reason());
            }
        }
        // The signature over the signed attributes.
        if let Some((cert, _)) = &signer {
            let spki = cert.tbs_certificate().subject_public_key_info();
            let mut candidates: Vec<Vec<u8>> = Vec::new();
            if let Some(raw) = &raw_attrs {
                let mut m = raw.clone();
                m[0] = 0x31;
                candidates.push(m);
            }
            if let Some(Ok(der)) = si.signed_attrs.as_ref().map(|a| a.to_der())
                && !candidates.contains(&der)
            {
                candidates.push(der);
            }
            for msg in &candidates {
                let check = verify_signature(
                    spki,
                    &si.signature_algorithm,
                    Some(&digest_oid),
                    msg,
                    sig_value,
                )?;
                algorithm_use = check.algorithm;
                if check.valid {
                    signature_ok = true;
                    break;
                }
            }
        }
    } else {
        match (content_bytes, &signer) {
            (Some(content), Some((cert, _))) => {
                let check = verify_signature(
                    cert.tbs_certificate().subject_public_key_info(),
                    &si.signature_algorithm,
                    Some(&digest_oid),
                    content,
                    sig_value,
                )?;
                algorithm_use = check.algorithm;
                signature_ok = check.valid;
                message_digest_ok = signature_ok;
                content_type_ok = true;
            }
            (None, _) => reasons.push(Msg::NoSignedAttributes {}.reason()),
            _ => {}
        }
    }
    if signer.is_some() && !signature_ok && (signed_attributes_present || content_bytes.is_some()) {
        reasons.push(Msg::SigCryptoFailureCms {}.reason());
    }

    // Unsigned attribute: signature time-stamp token.
    let timestamp_token = si.unsigned_attrs.as_ref().and_then(|ua| {
        ua.iter()
            .find(|a| a.oid == OID_SIGNATURE_TIMESTAMP_TOKEN)
            .and_then(|a| a.values.iter().next())
            .and_then(|v| v.to_der().ok())
    });

    Ok(Checked {
        sig: CmsSignature {
            certificates: certs
                .iter()
                .take(parsed.certs.len())
                .map(|(c, _)| c.clone())
                .collect(),
            certificates_der: parsed.certs.iter().map(|(_, d)| d.clone()).collect(),
            signer_certificate: signer.map(|(c, _)| c),
            digest_algorithm: digest_oid,
            signature_algorithm: algorithm_use.name(),
            message_digest_ok,
            signature_ok,
            signed_attributes_present,
            signing_time,
            signing_certificate_v2_ok,
            content_type_ok,
            timestamp_token,
            signature_value: sig_value.to_vec(),
            algorithm_use,
            reasons,
        },
        econtent_type,
    })
}

/// Where the signed content comes from.
pub(crate) enum ContentSource<'a> {
    /// The caller computes the digest (e.g. streaming PDF byte ranges).
    Callback(&'a mut dyn FnMut(&ObjectIdentifier) -> Result<Vec<u8>, CmsError>),
    /// The content bytes themselves.
    Bytes(&'a [u8]),
}

/// Verify a detached CMS signature (a PDF `/Contents`). `content_digest` returns the digest of
/// the signed content for the CMS's digest algorithm OID; use
/// [`kyso_policy::algorithms::Hasher`] to stream the PDF byte ranges.
///
/// Signed attributes are required: without them the result carries `NO_SIGNED_ATTRIBUTES`.
/// A `contentType` other than `id-data` gives a warning reason.
pub fn verify_detached(
    cms_der: &[u8],
    content_digest: &mut dyn FnMut(&ObjectIdentifier) -> Result<Vec<u8>, CmsError>,
) -> Result<CmsSignature, CmsError> {
    verify_detached_with_certificates(cms_der, &[], content_digest)
}

/// Like [`verify_detached`], with extra certificates in which to look for the signer (for
/// signatures that do not embed it).
pub fn verify_detached_with_certificates(
    cms_der: &[u8],
    extra_certs: &[Certificate],
    content_digest: &mut dyn FnMut(&ObjectIdentifier) -> Result<Vec<u8>, CmsError>,
) -> Result<CmsSignature, CmsError> {
    let parsed = parse_signed_data(cms_der)?;
    let mut checked = verify_parsed(
        &parsed,
        extra_certs,
        ContentSource::Callback(content_digest),
    )?;
    if parsed.signed_data.encap_content_info.econtent.is_some() {
        checked.sig.reasons.push(Msg::ContentAttached {}.reason());
    }
    if checked.econtent_type != OID_DATA {
        checked.sig.reasons.push(
            Msg::ContentTypeNotData {
                oid: &checked.econtent_type,
            }
            .reason(),
        );
    }
    Ok(checked.sig)
}

/// Verify a CMS signature with the content at hand: the embedded content when present
/// (attached), otherwise `content` (detached). Without signed attributes the signature is
/// verified over the content directly.
pub fn verify_attached_or_detached_with_content(
    cms_der: &[u8],
    content: &[u8],
) -> Result<CmsSignature, CmsError> {
    let parsed = parse_signed_data(cms_der)?;
    let embedded = parsed.econtent_octets()?;
    let data = embedded.as_deref().unwrap_or(content);
    Ok(verify_parsed(&parsed, &[], ContentSource::Bytes(data))?.sig)
}

/// The octets of an eContent decoded by the `cms` crate (fallback when the raw walk failed):
/// the OCTET STRING's value, or — for content written directly instead of in an OCTET STRING —
/// the content's value (RFC 5652 §5.4 compatibility rule).
pub(crate) fn octets(any: &Any) -> Result<Vec<u8>, CmsError> {
    Ok(any.value().to_vec())
}
