//! What an end-entity certificate may sign: the X.509 validation constraints on a document
//! signer (RFC 5280 §4.2.1.3 keyUsage, §4.2.1.12 extendedKeyUsage; ETSI EN 319 102-1 §5.2.6,
//! "X.509 validation constraints"), its key against the algorithm policy, and its validity at
//! the time of use.
//!
//! The rules follow the real Government CA certificates (DOMAIN.md §2):
//! - keyUsage, when present, must allow signing: `digitalSignature` or `nonRepudiation` (old G1
//!   leaves carry nonRepudiation alone; pyHanko's stricter default, nonRepudiation only, would
//!   refuse G2 certificates that carry digitalSignature too, so either is enough);
//! - no document-signing extendedKeyUsage is demanded (the G2 organisation certificate has
//!   clientAuth, emailProtection and smartcardLogon only). An extendedKeyUsage refuses document
//!   signing when it names only infrastructure roles (time-stamping, OCSP signing: such keys
//!   must sign nothing else, RFC 3161 §2.3, RFC 6960 §4.2.2.2), or when it is critical and names
//!   no purpose a document signature fits (RFC 5280: "the certificate MUST only be used for one
//!   of the purposes indicated").
//!
//! Used by the verifier for each signature's signer, by `cert verify` for the document-signing
//! purpose, and by the signer before it signs, so the three agree.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages};

use crate::algorithms::{AlgorithmPolicy, key_info};
use crate::extensions;
use crate::reason::{Msg, Reason, Severity, Term};
use crate::subject::format_name;

/// Reason code: keyUsage does not allow signing (neither digitalSignature nor nonRepudiation).
pub const KEY_USAGE_NOT_FOR_SIGNING: &str = "KEY_USAGE_NOT_FOR_SIGNING";
/// Reason code: keyUsage or extendedKeyUsage is present but unreadable, or present twice.
pub const KEY_USAGE_MALFORMED: &str = "KEY_USAGE_MALFORMED";
/// Reason code: extendedKeyUsage restricts the key to purposes other than signing documents.
pub const EXTENDED_KEY_USAGE_NOT_FOR_SIGNING: &str = "EXTENDED_KEY_USAGE_NOT_FOR_SIGNING";
/// Reason code: the certificate is outside its validity period at the time of use.
pub const CERTIFICATE_NOT_VALID_AT_TIME: &str = "CERTIFICATE_NOT_VALID_AT_TIME";

const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
/// anyExtendedKeyUsage (RFC 5280 §4.2.1.12).
const ANY_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
/// id-kp-timeStamping and id-kp-OCSPSigning: keys of infrastructure services.
const SERVICE_ONLY: [ObjectIdentifier; 2] = [
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8"),
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9"),
];
/// Purposes a document signature fits: id-kp-documentSigning (RFC 9336), emailProtection
/// (S/MIME, the usual EKU of signing certificates), clientAuth and smartcardLogon (what the
/// Government CA writes), Adobe Authentic Documents Trust, Microsoft Document Signing.
const DOCUMENT_COMPATIBLE: [ObjectIdentifier; 6] = [
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36"),
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"),
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.2"),
    ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.5"),
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.12"),
];

/// What a certificate is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Purpose {
    /// Signing documents: keyUsage and extendedKeyUsage must allow it, and the key must meet
    /// the algorithm policy at the validation time (the default).
    #[default]
    DocumentSigning,
    /// The path alone (RFC 5280 chain, validity, revocation), whatever the certificate is for.
    Any,
}

impl Purpose {
    /// Parse `document-signing` (also `signing`) or `any`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "document-signing" | "document_signing" | "signing" => Some(Self::DocumentSigning),
            "any" => Some(Self::Any),
            _ => None,
        }
    }

    /// The name [`Purpose::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DocumentSigning => "document-signing",
            Self::Any => "any",
        }
    }
}

/// Whether `cert`'s keyUsage and extendedKeyUsage allow it to sign documents. Errors mean they
/// do not; the list is empty when they do.
pub fn document_signer_findings(cert: &Certificate) -> Vec<Reason> {
    let name = format_name(cert.tbs_certificate().subject());
    let mut out = Vec::new();
    if cert.tbs_certificate().extensions().is_none() {
        return out;
    }
    let ku = extensions::find_all(cert, &OID_KU);
    let eku = extensions::find_all(cert, &OID_EKU);
    if ku.len() > 1 || eku.len() > 1 {
        out.push(malformed(&name, Term::UsageTwice));
        return out;
    }
    if let Some(ext) = ku.first() {
        match KeyUsage::from_der(ext.extn_value.as_bytes()) {
            Ok(k) if k.0.contains(KeyUsages::DigitalSignature) => {}
            Ok(k) if k.0.contains(KeyUsages::NonRepudiation) => {}
            Ok(k) => {
                let listed = key_usage_names(&k);
                out.push(
                    Msg::KeyUsageNotForSigning {
                        name: &name,
                        listed: &listed,
                    }
                    .reason(),
                );
            }
            Err(_) => out.push(malformed(&name, Term::KeyUsageUnreadable)),
        }
    }
    if let Some(ext) = eku.first() {
        match ExtendedKeyUsage::from_der(ext.extn_value.as_bytes()) {
            Ok(e) => {
                let purposes = &e.0;
                let listed = purposes.iter().map(eku_name).collect::<Vec<_>>().join(", ");
                let service_only =
                    !purposes.is_empty() && purposes.iter().all(|p| SERVICE_ONLY.contains(p));
                let fits = purposes
                    .iter()
                    .any(|p| *p == ANY_EKU || DOCUMENT_COMPATIBLE.contains(p));
                if service_only || (ext.critical && !fits) {
                    out.push(
                        Msg::ExtendedKeyUsageNotForSigning {
                            name: &name,
                            listed: &listed,
                        }
                        .reason(),
                    );
                }
            }
            Err(_) if ext.critical => out.push(malformed(&name, Term::EkuUnreadable)),
            // A non-critical purpose list that cannot be read restricts nothing we could
            // enforce; the keyUsage rule above still applies.
            Err(_) => {}
        }
    }
    out
}

/// The algorithm policy applied to `cert`'s own public key, for use at `at` (legacy key sizes
/// only before the policy's cut-off).
pub fn key_findings(
    cert: &Certificate,
    policy: &AlgorithmPolicy,
    at: der::DateTime,
) -> Vec<Reason> {
    match key_info(cert.tbs_certificate().subject_public_key_info()) {
        Ok((kind, bits)) => policy.check_key(kind, bits, Some(at)),
        Err(e) => vec![Msg::CryptoConstraintsFailureUnsupportedKey { error: &e }.reason()],
    }
}

/// Whether `cert` is inside its validity period at `at`.
pub fn validity_findings(cert: &Certificate, at: der::DateTime) -> Vec<Reason> {
    let v = cert.tbs_certificate().validity();
    let (nb, na) = (v.not_before.to_date_time(), v.not_after.to_date_time());
    let day = crate::time::iso_date;
    let when = day(at);
    if at < nb {
        vec![
            Msg::CertificateNotValidAtTimeNotYet {
                when: &when,
                start: &day(nb),
            }
            .reason(),
        ]
    } else if at > na {
        vec![
            Msg::CertificateNotValidAtTimeExpired {
                end: &day(na),
                when: &when,
            }
            .reason(),
        ]
    } else {
        Vec::new()
    }
}

/// Everything that stops `cert` from making a document signature at `at`: usage, key and
/// validity. What a signer checks before it signs; the errors only (warnings such as a legacy
/// algorithm accepted before the cut-off are left out).
pub fn signing_refusals(
    cert: &Certificate,
    policy: &AlgorithmPolicy,
    at: der::DateTime,
) -> Vec<Reason> {
    let mut out = document_signer_findings(cert);
    // A signature made now has no proof of an earlier time, so legacy key sizes get no grace
    // (a claimed signing time before the cut-off proves nothing).
    out.extend(
        match key_info(cert.tbs_certificate().subject_public_key_info()) {
            Ok((kind, bits)) => policy.check_key(kind, bits, None),
            Err(_) => key_findings(cert, policy, at),
        },
    );
    out.extend(validity_findings(cert, at));
    out.retain(|r| r.severity == Severity::Error);
    out
}

/// The keyUsage bits of `cert` by their RFC 5280 names (`digitalSignature`, …); empty when the
/// extension is absent or unreadable.
pub fn key_usages(cert: &Certificate) -> Vec<&'static str> {
    extensions::value(cert, &OID_KU)
        .and_then(|v| KeyUsage::from_der(v).ok())
        .map(|k| key_usage_list(&k))
        .unwrap_or_default()
}

/// The extendedKeyUsage purposes of `cert`, by name where known (`clientAuth`, …), otherwise as
/// dotted OIDs; empty when the extension is absent or unreadable.
pub fn extended_key_usages(cert: &Certificate) -> Vec<String> {
    extensions::value(cert, &OID_EKU)
        .and_then(|v| ExtendedKeyUsage::from_der(v).ok())
        .map(|e| e.0.iter().map(eku_name).collect())
        .unwrap_or_default()
}

fn malformed(name: &str, problem: Term) -> Reason {
    Msg::KeyUsageMalformed {
        name: &name,
        problem: &problem,
    }
    .reason()
}

fn key_usage_names(k: &KeyUsage) -> String {
    let names = key_usage_list(k);
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join(", ")
    }
}

fn key_usage_list(k: &KeyUsage) -> Vec<&'static str> {
    const NAMES: [(KeyUsages, &str); 9] = [
        (KeyUsages::DigitalSignature, "digitalSignature"),
        (KeyUsages::NonRepudiation, "nonRepudiation"),
        (KeyUsages::KeyEncipherment, "keyEncipherment"),
        (KeyUsages::DataEncipherment, "dataEncipherment"),
        (KeyUsages::KeyAgreement, "keyAgreement"),
        (KeyUsages::KeyCertSign, "keyCertSign"),
        (KeyUsages::CRLSign, "cRLSign"),
        (KeyUsages::EncipherOnly, "encipherOnly"),
        (KeyUsages::DecipherOnly, "decipherOnly"),
    ];
    NAMES
        .iter()
        .filter(|(bit, _)| k.0.contains(*bit))
        .map(|(_, n)| *n)
        .collect()
}

fn eku_name(oid: &ObjectIdentifier) -> String {
    const NAMES: [(&str, &str); 9] = [
        ("2.5.29.37.0", "anyExtendedKeyUsage"),
        ("1.3.6.1.5.5.7.3.1", "serverAuth"),
        ("1.3.6.1.5.5.7.3.2", "clientAuth"),
        ("1.3.6.1.5.5.7.3.3", "codeSigning"),
        ("1.3.6.1.5.5.7.3.4", "emailProtection"),
        ("1.3.6.1.5.5.7.3.8", "timeStamping"),
        ("1.3.6.1.5.5.7.3.9", "OCSPSigning"),
        ("1.3.6.1.5.5.7.3.36", "documentSigning"),
        ("1.3.6.1.4.1.311.20.2.2", "smartcardLogon"),
    ];
    let s = oid.to_string();
    NAMES
        .iter()
        .find(|(o, _)| *o == s)
        .map(|(_, n)| (*n).to_owned())
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn gov(path: &str) -> Certificate {
        let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpora/vn-gov/certs")
            .join(path);
        let bytes = std::fs::read(p).unwrap();
        crate::trust::parse_certificates(&bytes)
            .unwrap()
            .remove(0)
            .certificate
    }

    #[test]
    fn government_ca_certificates_are_not_document_signers() {
        // The roots have keyCertSign/cRLSign only: a CA key signing a document is refused.
        let root = gov("vgca-g2/rootcag2.crt");
        let f = document_signer_findings(&root);
        assert!(
            f.iter().any(|r| r.code == KEY_USAGE_NOT_FOR_SIGNING),
            "{f:?}"
        );
    }

    #[test]
    fn real_government_leaves_may_sign_and_time_stamp_units_may_not() {
        // G1: keyUsage nonRepudiation only; G2 organisation: no document-signing EKU.
        for leaf in [
            "extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem",
            "extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem",
        ] {
            let f = document_signer_findings(&gov(leaf));
            assert!(f.is_empty(), "{leaf}: {f:?}");
        }
        for tsa in [
            "extracted-from-pdfs/tsa_g1_may-chu-cap-dau-thoi-gian_2013-2018.pem",
            "extracted-from-pdfs/tsa_g2_may-chu-cap-dau-thoi-gian-02.pem",
        ] {
            let f = document_signer_findings(&gov(tsa));
            assert!(
                f.iter()
                    .any(|r| r.code == EXTENDED_KEY_USAGE_NOT_FOR_SIGNING
                        || r.code == KEY_USAGE_NOT_FOR_SIGNING),
                "{tsa}: {f:?}"
            );
        }
    }

    #[test]
    fn validity_is_checked_at_the_time_of_use() {
        let leaf = gov("extracted-from-pdfs/leaf_g1_cong-ttdt-chinh-phu_2014-2019.pem");
        let inside = der::DateTime::new(2016, 3, 3, 0, 0, 0).unwrap();
        let after = der::DateTime::new(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(validity_findings(&leaf, inside).is_empty());
        let f = signing_refusals(&leaf, &AlgorithmPolicy::default(), after);
        assert!(
            f.iter().any(|r| r.code == CERTIFICATE_NOT_VALID_AT_TIME),
            "{f:?}"
        );
    }

    #[test]
    fn purpose_names_round_trip() {
        for p in [Purpose::DocumentSigning, Purpose::Any] {
            assert_eq!(Purpose::parse(p.as_str()), Some(p));
        }
        assert_eq!(Purpose::parse("tls"), None);
    }
}
