//! RFC 3161 time-stamp tokens.
//!
//! A TimeStampToken is a CMS `SignedData` whose encapsulated content (eContentType
//! `id-ct-TSTInfo`, 1.2.840.113549.1.9.16.1.4) is the DER of a `TSTInfo` (RFC 3161 §2.4.2):
//!
//! ```text
//! TSTInfo ::= SEQUENCE  {
//!    version                      INTEGER  { v1(1) },
//!    policy                       TSAPolicyId,
//!    messageImprint               MessageImprint,
//!    serialNumber                 INTEGER,
//!    genTime                      GeneralizedTime,
//!    accuracy                     Accuracy                 OPTIONAL,
//!    ordering                     BOOLEAN             DEFAULT FALSE,
//!    nonce                        INTEGER                  OPTIONAL,
//!    tsa                          [0] GeneralName          OPTIONAL,
//!    extensions                   [1] IMPLICIT Extensions  OPTIONAL  }
//! MessageImprint ::= SEQUENCE  {
//!    hashAlgorithm                AlgorithmIdentifier,
//!    hashedMessage                OCTET STRING  }
//! Accuracy ::= SEQUENCE {
//!    seconds        INTEGER              OPTIONAL,
//!    millis     [0] INTEGER  (1..999)    OPTIONAL,
//!    micros     [1] INTEGER  (1..999)    OPTIONAL  }
//! ```
//!
//! [`read_timestamp`] verifies the token's own CMS signature (signed attributes, messageDigest
//! over the encapsulated TSTInfo octets) and, given the signature value it time-stamps (the
//! SignerInfo `signature` of a PDF signature), checks the message imprint. `genTime` may carry
//! fractional seconds (allowed by RFC 3161); they are dropped from `gen_time` (whole seconds)
//! and kept in [`TimestampInfo::gen_time_fraction`].
//!
//! The TSA certificate's chain is not validated here: pass [`TimestampInfo::tsa_certificate`]
//! to `kyso_policy::path` with the time-stamp time.

use const_oid::ObjectIdentifier;
use der::{
    Decode, Sequence, Tag, Tagged,
    asn1::{Any, Int, OctetString},
};
use kyso_policy::algorithms::{AlgorithmUse, DigestAlgorithm};
use kyso_policy::reason::Msg;
use kyso_policy::{Reason, subject::format_name};
use spki::AlgorithmIdentifierOwned;
use x509_cert::{
    Certificate,
    ext::Extensions,
    ext::pkix::{ExtendedKeyUsage, name::GeneralName},
};

use crate::cms::{CmsError, ContentSource, parse_signed_data, verify_parsed};

/// id-ct-TSTInfo.
pub const OID_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// MessageImprint (RFC 3161 §2.4.1).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct MessageImprint {
    /// Hash algorithm.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash of the time-stamped data.
    pub hashed_message: OctetString,
}

/// Accuracy (RFC 3161 §2.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct Accuracy {
    /// Seconds.
    #[asn1(optional = "true")]
    pub seconds: Option<u64>,
    /// Milliseconds (1..999).
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u16>,
    /// Microseconds (1..999).
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u16>,
}

/// TSTInfo (RFC 3161 §2.4.2). `gen_time` is kept as `Any` because GeneralizedTime here may
/// carry fractional seconds, which `der::asn1::GeneralizedTime` rejects.
#[derive(Debug, Clone, PartialEq, Eq, Sequence)]
pub struct TstInfo {
    /// Version (1).
    pub version: u8,
    /// TSA policy.
    pub policy: ObjectIdentifier,
    /// What was time-stamped.
    pub message_imprint: MessageImprint,
    /// Serial number of the token.
    pub serial_number: Int,
    /// genTime as received (GeneralizedTime, possibly with fractional seconds).
    pub gen_time: Any,
    /// Accuracy.
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    /// Ordering (DEFAULT FALSE; read leniently).
    #[asn1(optional = "true")]
    pub ordering: Option<bool>,
    /// Nonce.
    #[asn1(optional = "true")]
    pub nonce: Option<Int>,
    /// TSA name.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    /// Extensions.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// A checked time-stamp token.
#[derive(Debug, Clone)]
pub struct TimestampInfo {
    /// genTime, whole seconds, UTC.
    pub gen_time: der::DateTime,
    /// Fractional seconds of genTime as written (digits after the point), if any.
    pub gen_time_fraction: Option<String>,
    /// TSA policy OID.
    pub policy: ObjectIdentifier,
    /// Serial number (big-endian bytes as encoded).
    pub serial: Vec<u8>,
    /// Message-imprint hash algorithm.
    pub imprint_algorithm: ObjectIdentifier,
    /// Message-imprint hash.
    pub imprint: Vec<u8>,
    /// TSA name from TSTInfo `tsa`, else the TSA certificate's subject (RFC 4514 form).
    pub tsa_name: Option<String>,
    /// The TSA certificate (signer of the token), when embedded.
    pub tsa_certificate: Option<Certificate>,
    /// All certificates embedded in the token.
    pub certificates: Vec<Certificate>,
    /// Whether the token's CMS signature verifies: signature and messageDigest over TSTInfo,
    /// and the signingCertificate(V2) attribute, when present, names the TSA certificate.
    pub signature_ok: bool,
    /// The ESS signingCertificate(V2) check: `Some(false)` when the attribute names another
    /// certificate than the one that verified, `None` when the attribute (or the certificate)
    /// is missing.
    pub signing_certificate_bound: Option<bool>,
    /// Whether the imprint matches the given signature value; `None` when none was given.
    pub imprint_ok: Option<bool>,
    /// What the token's signature used.
    pub algorithm_use: AlgorithmUse,
    /// Findings in Vietnamese and English.
    pub reasons: Vec<Reason>,
}

/// Parse a GeneralizedTime value `YYYYMMDDHHMMSS[.fff]Z` into whole seconds and fraction.
fn parse_gen_time(any: &Any) -> Result<(der::DateTime, Option<String>), CmsError> {
    let bad = CmsError::Malformed {
        reason: "genTime is not a valid GeneralizedTime",
        offset: None,
    };
    if any.tag() != Tag::GeneralizedTime {
        return Err(bad);
    }
    let s = core::str::from_utf8(any.value()).map_err(|_| CmsError::Malformed {
        reason: "genTime is not ASCII",
        offset: None,
    })?;
    let s = s.strip_suffix('Z').ok_or(CmsError::Malformed {
        reason: "genTime is not in UTC (no Z)",
        offset: None,
    })?;
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            (m, Some(f.to_owned()))
        }
        Some(_) => return Err(bad),
        None => (s, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad);
    }
    let n = |a: usize, b: usize| main[a..b].parse::<u16>().unwrap_or(0);
    let to8 = |v: u16| u8::try_from(v).unwrap_or(u8::MAX);
    let dt = der::DateTime::new(
        n(0, 4),
        to8(n(4, 6)),
        to8(n(6, 8)),
        to8(n(8, 10)),
        to8(n(10, 12)),
        to8(n(12, 14)),
    )
    .map_err(|e| CmsError::der("genTime", e))?;
    Ok((dt, frac))
}

/// Read and check a time-stamp token. `signature_value` is the SignerInfo signature value that
/// the token time-stamps (for a PDF signature time-stamp); when given, the imprint is checked.
pub fn read_timestamp(
    token_der: &[u8],
    signature_value: Option<&[u8]>,
) -> Result<TimestampInfo, CmsError> {
    let parsed = parse_signed_data(token_der)?;
    let eci = &parsed.signed_data.encap_content_info;
    if eci.econtent_type != OID_TST_INFO {
        return Err(CmsError::UnexpectedContent {
            reason: format!("eContentType {} is not id-ct-TSTInfo", eci.econtent_type),
        });
    }
    let tst_bytes = match parsed.econtent_octets()? {
        Some(b) => b,
        None => {
            return Err(CmsError::UnexpectedContent {
                reason: "no encapsulated TSTInfo".into(),
            });
        }
    };
    let tst = TstInfo::from_der(&tst_bytes).map_err(|e| CmsError::der("TSTInfo", e))?;
    let (gen_time, gen_time_fraction) = parse_gen_time(&tst.gen_time)?;

    let checked = verify_parsed(&parsed, &[], ContentSource::Bytes(&tst_bytes))?;
    let mut reasons = checked.sig.reasons;
    // RFC 3161 §2.4.1 (and RFC 5816): the ESS signingCertificate(V2) attribute binds the token
    // to the TSA certificate; without that check a certificate with the same issuer, serial and
    // key but other content (another EKU, validity, subject) could be put in its place.
    let signing_certificate_bound = checked.sig.signing_certificate_v2_ok;
    let signature_ok = checked.sig.signature_ok
        && checked.sig.message_digest_ok
        && signing_certificate_bound != Some(false);
    if signing_certificate_bound.is_none() && checked.sig.signer_certificate.is_some() {
        reasons.push(Msg::TstNoSigningCertificate {}.reason());
    }
    if !checked.sig.signed_attributes_present {
        reasons.push(Msg::TstNoSignedAttributes {}.reason());
    }

    let imprint_algorithm = tst.message_imprint.hash_algorithm.oid;
    let imprint = tst.message_imprint.hashed_message.as_bytes().to_vec();
    let imprint_ok =
        signature_value.map(
            |v| match DigestAlgorithm::from_oid_lenient(&imprint_algorithm) {
                Ok(alg) => alg.hash(v) == imprint,
                Err(_) => {
                    reasons.push(
                        Msg::TstImprintAlgorithm {
                            oid: &imprint_algorithm,
                        }
                        .reason(),
                    );
                    false
                }
            },
        );
    if imprint_ok == Some(false) {
        reasons.push(Msg::TstImprintMismatch {}.reason());
    }
    if !signature_ok {
        reasons.push(Msg::TstSignatureInvalid {}.reason());
    }

    let tsa_name = match &tst.tsa {
        Some(GeneralName::DirectoryName(n)) => Some(format_name(n)),
        Some(GeneralName::DnsName(s)) => Some(s.to_string()),
        Some(GeneralName::Rfc822Name(s)) => Some(s.to_string()),
        Some(GeneralName::UniformResourceIdentifier(s)) => Some(s.to_string()),
        _ => None,
    }
    .or_else(|| {
        checked
            .sig
            .signer_certificate
            .as_ref()
            .map(|c| format_name(c.tbs_certificate().subject()))
    });

    Ok(TimestampInfo {
        gen_time,
        gen_time_fraction,
        policy: tst.policy,
        serial: tst.serial_number.as_bytes().to_vec(),
        imprint_algorithm,
        imprint,
        tsa_name,
        tsa_certificate: checked.sig.signer_certificate,
        certificates: checked.sig.certificates,
        signature_ok,
        signing_certificate_bound,
        imprint_ok,
        algorithm_use: checked.sig.algorithm_use,
        reasons,
    })
}

/// id-kp-timeStamping (RFC 3161 §2.3).
pub const OID_KP_TIME_STAMPING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// id-ce-extKeyUsage.
const OID_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");

/// Check the TSA certificate's extendedKeyUsage: present, critical, only id-kp-timeStamping.
pub fn check_tsa_certificate(cert: &Certificate) -> Result<(), String> {
    let subject = format_name(cert.tbs_certificate().subject());
    let ekus = kyso_policy::extensions::find_all(cert, &OID_EXT_KEY_USAGE);
    let ext = match ekus.as_slice() {
        [] => {
            return Err(format!(
                "the TSA certificate ({subject}) has no extendedKeyUsage extension"
            ));
        }
        [one] => *one,
        _ => {
            return Err(format!(
                "the TSA certificate ({subject}) has more than one extendedKeyUsage extension"
            ));
        }
    };
    if !ext.critical {
        return Err(format!(
            "the TSA certificate's ({subject}) extendedKeyUsage is not critical (RFC 3161 §2.3)"
        ));
    }
    let eku = ExtendedKeyUsage::from_der(ext.extn_value.as_bytes()).map_err(|e| {
        format!("the TSA certificate's ({subject}) extendedKeyUsage does not decode: {e}")
    })?;
    if eku.0.as_slice() != [OID_KP_TIME_STAMPING] {
        let list: Vec<String> = eku.0.iter().map(ToString::to_string).collect();
        return Err(format!(
            "the TSA certificate's ({subject}) extendedKeyUsage is [{}], not only \
             id-kp-timeStamping (RFC 3161 §2.3)",
            list.join(", ")
        ));
    }
    Ok(())
}
