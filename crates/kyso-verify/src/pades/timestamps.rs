//! Time-stamps: the signature time-stamp that proves a signing time, and document
//! time-stamps (PAdES B-LTA), each with its TSA's certificate, path and revocation.

use kyso_pdf::PdfSignature;
use kyso_policy::path::PathStatus;
use kyso_policy::reason::{Msg, Reason, Severity};
use kyso_policy::time::rfc3339;
use x509_cert::Certificate;

use super::signer::signer_report;
use super::{Outcome, RevocationMode, SignatureContext};
use crate::report::{CheckStatus, SigningTimeReport, TimestampReport};
use crate::timestamp::{check_tsa_certificate, read_timestamp};

impl SignatureContext<'_> {
    /// Verify the signature time-stamp; returns genTime when it proves the signing time.
    pub(super) fn signature_timestamp(
        &self,
        token: &[u8],
        cms: &crate::cms::CmsSignature,
        out: &mut Outcome,
    ) -> Option<der::DateTime> {
        match read_timestamp(token, Some(&cms.signature_value)) {
            Ok(ts) => {
                out.report.reasons.extend(tsa_binding_reason(&ts));
                let imprint_ok = ts.imprint_ok == Some(true);
                let mut trusted = false;
                let mut tsa_revocation = Vec::new();
                if let Some(tsa) = &ts.tsa_certificate {
                    let path = self.path(tsa, &ts.certificates, ts.gen_time, false);
                    trusted = path.status == PathStatus::Valid;
                    if trusted && self.options.revocation != RevocationMode::Off {
                        // The TSA's own status at genTime: revoked → the token proves nothing;
                        // unknown → noted (real Government tokens carry no revocation data).
                        let d = crate::revocation::decide(
                            self.options,
                            self.embedded,
                            Some(&path.path),
                            ts.gen_time,
                            true,
                            None,
                        );
                        tsa_revocation = d.sources;
                        if d.failed {
                            trusted = false;
                            out.report
                                .reasons
                                .push(Msg::TimestampTsaRevoked {}.reason());
                        } else if d.check != CheckStatus::Passed {
                            out.report
                                .reasons
                                .push(Msg::TimestampTsaRevocationUnknown {}.reason());
                        }
                    }
                    if let Err(why) = check_tsa_certificate(tsa) {
                        trusted = false;
                        out.report.reasons.push(tsa_usage_reason(&why, false));
                    }
                    let expired = tsa.tbs_certificate().validity().not_after.to_date_time()
                        < self.options.validation_time;
                    if trusted && expired && !self.later_doc_ts {
                        out.report
                            .reasons
                            .push(Msg::TimestampTsaExpired {}.reason());
                    }
                }
                let valid = ts.signature_ok && imprint_ok && trusted;
                out.report.timestamp = Some(TimestampReport {
                    time: rfc3339(ts.gen_time),
                    tsa: ts.tsa_name.clone(),
                    policy: Some(ts.policy.to_string()),
                    valid,
                    revocation: tsa_revocation,
                });
                if !ts.signature_ok || !imprint_ok {
                    out.fail("TIMESTAMP_FAILURE", Msg::TimestampInvalid {}.reason());
                    None
                } else if !trusted {
                    out.report.reasons.push(Msg::TimestampUntrusted {}.reason());
                    None
                } else {
                    Some(ts.gen_time)
                }
            }
            Err(e) => {
                out.fail(
                    "TIMESTAMP_FAILURE",
                    Msg::TimestampMalformed { error: &e }.reason(),
                );
                None
            }
        }
    }

    pub(super) fn verify_doc_timestamp(&self, sig: &PdfSignature, out: &mut Outcome) {
        out.report.level = "B-LTA".into();
        match read_timestamp(&sig.contents, None) {
            Ok(ts) => {
                out.report.reasons.extend(tsa_binding_reason(&ts));
                let imprint_ok = self
                    .digest_ranges(sig, &ts.imprint_algorithm)
                    .map(|d| d == ts.imprint)
                    .unwrap_or(false);
                out.report.checks.integrity = if imprint_ok {
                    CheckStatus::Passed
                } else {
                    CheckStatus::Failed
                };
                out.report.checks.signature = if ts.signature_ok {
                    CheckStatus::Passed
                } else {
                    CheckStatus::Failed
                };
                out.report.signing_time = Some(SigningTimeReport {
                    value: rfc3339(ts.gen_time),
                    source: "timestamp".into(),
                });
                let mut chain: Option<Vec<Certificate>> = None;
                if let Some(tsa) = &ts.tsa_certificate {
                    out.report.signer = Some(signer_report(tsa));
                    let path = self.path(tsa, &ts.certificates, self.doc_ts_time, false);
                    chain = (path.status == PathStatus::Valid).then(|| path.path.clone());
                    if let Err(why) = check_tsa_certificate(tsa) {
                        chain = None;
                        out.indeterminate(
                            "CHAIN_CONSTRAINTS_FAILURE",
                            tsa_usage_reason(&why, true),
                        );
                    }
                    out.report.path = path
                        .path
                        .iter()
                        .map(|c| kyso_policy::subject::format_name(c.tbs_certificate().subject()))
                        .collect();
                    if path.status == PathStatus::Valid {
                        out.report.checks.chain = CheckStatus::Passed;
                    } else {
                        out.report.checks.chain = CheckStatus::Failed;
                        out.indeterminate(
                            path.sub_indication.unwrap_or("NO_CERTIFICATE_CHAIN_FOUND"),
                            Msg::TimestampUntrustedDocument {}.reason(),
                        );
                    }
                }
                out.report.timestamp = Some(TimestampReport {
                    time: rfc3339(ts.gen_time),
                    tsa: ts.tsa_name.clone(),
                    policy: Some(ts.policy.to_string()),
                    valid: imprint_ok && ts.signature_ok && chain.is_some(),
                    // The document time-stamp's own status is the signature entry's `revocation`.
                    revocation: Vec::new(),
                });
                if !imprint_ok {
                    out.fail(
                        "HASH_FAILURE",
                        Msg::HashFailureDocumentTimestamp {}.reason(),
                    );
                }
                if !ts.signature_ok {
                    out.fail(
                        "SIG_CRYPTO_FAILURE",
                        Msg::SigCryptoFailureDocumentTimestamp {}.reason(),
                    );
                }
                out.report.checks.validity_at_signing = CheckStatus::NotApplicable;
                out.report.checks.algorithms = CheckStatus::Passed;
                self.revocation(out, chain.as_deref(), self.doc_ts_time, false, None);
            }
            Err(e) => out.fail(
                "FORMAT_FAILURE",
                Msg::TimestampMalformedDocument { error: &e }.reason(),
            ),
        }
    }
}

/// What the token's signingCertificate(V2) attribute says of its TSA certificate: a mismatch
/// (the token then counts as not verified, `signature_ok` is false) or its absence.
fn tsa_binding_reason(ts: &crate::timestamp::TimestampInfo) -> Option<Reason> {
    match ts.signing_certificate_bound {
        Some(true) => None,
        Some(false) => Some(Msg::TimestampSigningCertificateMismatch {}.reason()),
        None if ts.tsa_certificate.is_some() => {
            Some(Msg::TimestampNoSigningCertificate {}.reason())
        }
        None => None,
    }
}

/// The TSA's certificate is not one for time-stamping (RFC 3161 §2.3): decisive for a
/// document time-stamp, a warning for a signature time-stamp (the signing time is then only
/// claimed).
fn tsa_usage_reason(why: &str, decisive: bool) -> Reason {
    let reason = Msg::TsaCertificateUsage { why: &why }.reason();
    if decisive {
        reason
    } else {
        reason.with_severity(Severity::Warning)
    }
}
