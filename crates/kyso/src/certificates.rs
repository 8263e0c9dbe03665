//! Certificate verification on its own (`kyso cert verify`, `kyso_verify_certificate`): the
//! chain to a trust anchor, revocation and the Decree 68 profile, with the same options object
//! as document verification — and, for the document-signing purpose (the default), what the
//! certificate may sign and whether its key meets the algorithm policy at the validation time,
//! so that a certificate `cert verify` calls VALID also makes valid signatures.

use kyso_policy::path::{PathOptions, PathStatus, validate_path_stored};
use kyso_policy::reason::{Reason, Severity};
use kyso_policy::revocation::{
    RevocationOptions, RevocationStatus, aia_urls, check_path, fetch_revocation_data,
};
use kyso_policy::subject::format_name;
use kyso_policy::trust::parse_certificates;
use kyso_policy::usage::{Purpose, document_signer_findings, key_findings};
use kyso_verify::{RevocationMode, VerifyOptions};
use serde::Serialize;

use crate::Error;

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
        validation_time: kyso_policy::revocation::rfc3339(time),
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
            report.reasons.push(Reason::warning(
                "REVOCATION_SKIPPED",
                "Không kiểm tra tình trạng thu hồi của chứng thư số (theo yêu cầu)",
                "Certificate revocation was not checked (as requested)",
            ));
        } else {
            let mut data = options.revocation_data.clone();
            let mut ropts = RevocationOptions::at(time);
            if let Some(f) = &fetcher {
                let fetched = fetch_revocation_data(&path.path, &data, f.as_ref(), &ropts);
                ropts.nonce = fetched.nonce;
                data.extend(fetched.data);
                for e in fetched.errors {
                    report.reasons.push(Reason::info(
                        "REVOCATION_FETCH_FAILED",
                        format!("Không tải được dữ liệu thu hồi: {e}"),
                        format!("Revocation data could not be fetched: {e}"),
                    ));
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
