//! Certificate verification on its own (`kyso cert verify`, `kyso_verify_certificate`): the
//! chain to a trust anchor, revocation and the Decree 68 profile, with the same options object
//! as document verification — and, for the document-signing purpose (the default), what the
//! certificate may sign and whether its key meets the algorithm policy at the validation time,
//! so that a certificate `cert verify` calls VALID also makes valid signatures.

use kyso_policy::path::{PathOptions, PathStatus, validate_path_stored};
use kyso_policy::reason::{Msg, Reason, Severity};
use kyso_policy::revocation::{
    RevocationOptions, RevocationStatus, aia_urls, check_path, fetch_revocation_data,
};
use kyso_policy::subject::format_name;
use kyso_policy::trust::parse_certificates;
use kyso_policy::usage::{document_signer_findings, key_findings};
use kyso_verify::{RevocationMode, VerifyOptions};
use serde::Serialize;

use crate::Error;

pub use kyso_policy::expiry::{Expiry, ExpiryState, expiry};
pub use kyso_policy::subject::display_name;
pub use kyso_policy::usage::Purpose;

/// The result of [`verify_certificate`]; its JSON is what `kyso cert verify --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateReport {
    /// `VALID`, `INVALID` or `INDETERMINATE`.
    pub status: &'static str,
    /// ETSI EN 319 102-1 sub-indication when not valid.
    pub sub_indication: Option<&'static str>,
    /// The validation time, RFC 3339.
    pub validation_time: String,
    /// Subjects of the path, leaf first.
    pub path: Vec<String>,
    /// Revocation status per certificate of the path, when checked.
    pub revocation: Option<serde_json::Value>,
    /// Findings with Vietnamese and English text.
    pub reasons: Vec<Reason>,
    /// What the certificate was validated for: `document-signing` or `any`.
    pub purpose: &'static str,
    /// Every network request made or refused (online mode only).
    pub fetched: Vec<kyso_verify::FetchRecord>,
}

impl CertificateReport {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// Verify the first certificate in `certificates` (PEM or DER; further certificates there help
/// build the path) against the trust anchors of `options`, at its validation time, for
/// `purpose`.
pub fn verify_certificate(
    certificates: &[u8],
    options: &VerifyOptions,
    purpose: Purpose,
) -> Result<CertificateReport, Error> {
    let mut certs = parse_certificates(certificates)?;
    if certs.is_empty() {
        return Err(Error::Options("no certificate given".into()));
    }
    let leaf = certs.remove(0);
    let mut extra = certs;
    let time = options.validation_time;
    // The same network limits as document verification: revocation fetched only for a verified
    // path, issuers only from the allow-list, a request and time budget, every request logged.
    let (guarded, log) = kyso_verify::network::guarded(options);
    let options = &guarded;
    let fetcher = options.fetcher.as_ref().map(|f| f.0.clone());

    let path_options = PathOptions::at(time);
    let mut path = validate_path_stored(&leaf, &extra, &options.trust, &path_options);
    // Online: complete a missing chain from AIA caIssuers (a few steps at most).
    if let Some(f) = &fetcher {
        for _ in 0..3 {
            if path.sub_indication != Some("NO_CERTIFICATE_CHAIN_FOUND") {
                break;
            }
            let Some(last) = path.path.last() else { break };
            let mut found = Vec::new();
            for url in aia_urls(last).1 {
                if let Ok(bytes) = f.fetch_ca_issuers(&url)
                    && let Ok(c) = parse_certificates(&bytes)
                {
                    found.extend(c);
                }
            }
            if found.is_empty() {
                break;
            }
            extra.extend(found);
            path = validate_path_stored(&leaf, &extra, &options.trust, &path_options);
        }
    }

    let mut report = CertificateReport {
        status: match path.status {
            PathStatus::Valid => "VALID",
            PathStatus::Invalid => "INVALID",
            PathStatus::Indeterminate => "INDETERMINATE",
        },
        sub_indication: path.sub_indication,
        validation_time: kyso_policy::time::rfc3339(time),
        path: path
            .path
            .iter()
            .map(|c| format_name(c.tbs_certificate().subject()))
            .collect(),
        revocation: None,
        reasons: path.reasons.clone(),
        purpose: purpose.as_str(),
        fetched: Vec::new(),
    };

    if path.status == PathStatus::Valid {
        if options.revocation == RevocationMode::Off {
            report
                .reasons
                .push(Msg::RevocationSkippedCertificate {}.reason());
        } else {
            let mut data = options.revocation_data.clone();
            let mut ropts = RevocationOptions::at(time);
            if let Some(f) = &fetcher {
                let fetched = fetch_revocation_data(&path.path, &data, f.as_ref(), &ropts);
                ropts.nonce = fetched.nonce;
                data.extend(fetched.data);
                for e in fetched.errors {
                    report
                        .reasons
                        .push(Msg::RevocationFetchFailedCertificate { error: &e }.reason());
                }
            }
            let check = check_path(&path.path, &data, &ropts);
            match check.status {
                RevocationStatus::Passed => {}
                RevocationStatus::Failed => report.status = "INVALID",
                RevocationStatus::Indeterminate => report.status = "INDETERMINATE",
            }
            if check.sub_indication.is_some() {
                report.sub_indication = check.sub_indication;
            }
            report.reasons.extend(check.reasons.iter().cloned());
            report.revocation = serde_json::to_value(&check.certificates).ok();
        }
    }
    // What the certificate may do (X.509 validation constraints, EN 319 102-1 §5.2.6): a
    // failure is definite, whatever the path says.
    if purpose == Purpose::DocumentSigning {
        let usage = document_signer_findings(&leaf.certificate);
        let key = key_findings(&leaf.certificate, &options.algorithms, time);
        let error = |v: &[Reason]| v.iter().any(|r| r.severity == Severity::Error);
        // As for a document's signer: a key that may not sign is a definite failure; a key
        // below the algorithm policy is CRYPTO_CONSTRAINTS_FAILURE (EN 319 102-1).
        if error(&usage) {
            report.status = "INVALID";
            report.sub_indication = Some("CHAIN_CONSTRAINTS_FAILURE");
        } else if error(&key) && report.status != "INVALID" {
            report.status = "INDETERMINATE";
            report.sub_indication = Some("CRYPTO_CONSTRAINTS_FAILURE");
        }
        report.reasons.extend(usage);
        report.reasons.extend(key);
    }

    // The Decree 68 profile (policy OID, validity length) as further findings.
    report
        .reasons
        .extend(kyso_policy::profile::certificate_findings(
            &path.path,
            &options.profile,
        ));
    if report.status == "VALID"
        && report
            .reasons
            .iter()
            .any(|r| r.severity == Severity::Error && r.code.starts_with("PROFILE_"))
    {
        report.status = "INVALID";
        report.sub_indication = Some("CHAIN_CONSTRAINTS_FAILURE");
    }
    report.fetched = log.records();
    Ok(report)
}

/// What a certificate says, for people and for inventories: `kyso cert inspect`,
/// `kyso_inspect_certificate`. Its JSON field names are stable.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateInfo {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Key type and size, e.g. `Rsa 2048`.
    pub key: String,
    /// OID of the CA's signature algorithm.
    pub signature_algorithm: String,
    /// basicConstraints cA.
    pub ca: bool,
    /// basicConstraints pathLenConstraint.
    pub path_len: Option<u8>,
    /// keyUsage bits by RFC 5280 name.
    pub key_usage: Vec<&'static str>,
    /// extendedKeyUsage purposes (names where known, else OIDs).
    pub extended_key_usage: Vec<String>,
    /// certificatePolicies OIDs.
    pub policies: Vec<String>,
    /// CRL distribution point URLs.
    pub crl_distribution_points: Vec<String>,
    /// OCSP responder URLs (AIA).
    pub ocsp: Vec<String>,
    /// CA issuer URLs (AIA).
    pub ca_issuers: Vec<String>,
    /// Subject CN.
    pub common_name: Option<String>,
    /// Subject O.
    pub organization: Option<String>,
    /// Subject title (2.5.4.12).
    pub title: Option<String>,
    /// Tax code (`UID=MST:`).
    pub tax_code: Option<String>,
    /// Budget-unit code (`UID=MNS:`).
    pub budget_code: Option<String>,
    /// Citizen ID (`UID=CCCD:`/`CMND:`).
    pub personal_id: Option<String>,
    /// `individual`, `organization`, `device` or `unknown` (Decree 68).
    pub subscriber_type: &'static str,
    /// SHA-256 of the DER, upper-case hex.
    pub sha256_fingerprint: String,
    /// Length of the DER.
    pub der_length: usize,
    /// Whether its key usages allow signing documents (what verification and signing require).
    pub may_sign_documents: bool,
    /// Findings: key usage for document signing, the Decree 68 profile.
    pub reasons: Vec<Reason>,
}

impl CertificateInfo {
    /// The information as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// Describe the first certificate in `bytes` (PEM or DER) without validating it.
pub fn inspect_certificate(bytes: &[u8]) -> Result<CertificateInfo, Error> {
    use der::Decode;
    use kyso_policy::revocation::crl_urls;
    use kyso_policy::subject::{serial_hex, subject_info};
    let stored = parse_certificates(bytes)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::Options("no certificate given".into()))?;
    let cert = &stored.certificate;
    let tbs = cert.tbs_certificate();
    let find = |oid: const_oid::ObjectIdentifier| kyso_policy::extensions::value(cert, &oid);
    let basic = find(const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS)
        .and_then(|v| x509_cert::ext::pkix::BasicConstraints::from_der(v).ok());
    let policies = find(const_oid::db::rfc5280::ID_CE_CERTIFICATE_POLICIES)
        .and_then(|v| x509_cert::ext::pkix::CertificatePolicies::from_der(v).ok())
        .map(|p| {
            p.0.iter()
                .map(|i| i.policy_identifier.to_string())
                .collect()
        })
        .unwrap_or_default();
    let (ocsp, ca_issuers) = aia_urls(cert);
    let info = subject_info(cert);
    let usage = document_signer_findings(cert);
    let mut reasons = usage.clone();
    reasons.extend(kyso_policy::profile::certificate_findings(
        std::slice::from_ref(cert),
        &kyso_policy::profile::Profile::default(),
    ));
    let rfc = kyso_policy::time::rfc3339;
    Ok(CertificateInfo {
        subject: format_name(tbs.subject()),
        issuer: format_name(tbs.issuer()),
        serial: serial_hex(cert),
        not_before: rfc(tbs.validity().not_before.to_date_time()),
        not_after: rfc(tbs.validity().not_after.to_date_time()),
        key: kyso_policy::algorithms::key_info(tbs.subject_public_key_info())
            .map(|(k, bits)| format!("{k:?} {bits}"))
            .unwrap_or_else(|_| tbs.subject_public_key_info().algorithm.oid.to_string()),
        signature_algorithm: cert.signature_algorithm().oid.to_string(),
        ca: basic.as_ref().is_some_and(|b| b.ca),
        path_len: basic.and_then(|b| b.path_len_constraint),
        key_usage: kyso_policy::usage::key_usages(cert),
        extended_key_usage: kyso_policy::usage::extended_key_usages(cert),
        policies,
        crl_distribution_points: crl_urls(cert),
        ocsp,
        ca_issuers,
        common_name: info.common_name,
        organization: info.organization,
        title: info.title,
        tax_code: info.tax_code,
        budget_code: info.budget_code,
        personal_id: info.personal_id,
        subscriber_type: info.subscriber_type.as_str(),
        sha256_fingerprint: kyso_policy::algorithms::DigestAlgorithm::Sha256
            .hash(&stored.der)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect(),
        der_length: stored.der.len(),
        may_sign_documents: !usage.iter().any(|r| r.severity == Severity::Error),
        reasons,
    })
}
