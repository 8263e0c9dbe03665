//! The signer's certificate: its path to a trust anchor (completed from the DSS and, online,
//! from AIA), the Decree 68 profile, revocation, and the signer section of the report.

use kyso_policy::path::{PathOptions, PathStatus, PathValidation, validate_path};
use kyso_policy::reason::{Msg, Severity};
use kyso_policy::time::rfc3339;
use x509_cert::Certificate;

use super::{Outcome, SignatureContext};
use crate::report::{CheckStatus, SignerReport};

impl SignatureContext<'_> {
    /// The signer's path at `at` (`proven`: a time-stamp proves that time): the chain check,
    /// validity at that time and the profile; the valid chain, if any.
    pub(super) fn check_signer_path(
        &self,
        signer_cert: &Certificate,
        extra: &[Certificate],
        at: der::DateTime,
        proven: Option<der::DateTime>,
        out: &mut Outcome,
    ) -> Option<Vec<Certificate>> {
        let path = self.path(signer_cert, extra, at, proven.is_some());
        let chain = (path.status == PathStatus::Valid).then(|| path.path.clone());
        self.check_profile(signer_cert, &path.path, out);
        out.report.path = path
            .path
            .iter()
            .map(|c| kyso_policy::subject::format_name(c.tbs_certificate().subject()))
            .collect();
        match path.status {
            PathStatus::Valid => {
                out.report.checks.chain = CheckStatus::Passed;
                out.report.checks.validity_at_signing = CheckStatus::Passed;
                out.report.reasons.extend(
                    path.reasons
                        .into_iter()
                        .filter(|r| r.severity != Severity::Error),
                );
            }
            status => {
                let sub = path.sub_indication.unwrap_or("NO_CERTIFICATE_CHAIN_FOUND");
                let out_of_bounds =
                    sub.starts_with("OUT_OF_BOUNDS") || sub == "EXPIRED" || sub == "NOT_YET_VALID";
                if out_of_bounds {
                    out.report.checks.chain = CheckStatus::Passed;
                    out.report.checks.validity_at_signing = CheckStatus::Failed;
                } else {
                    out.report.checks.chain = CheckStatus::Failed;
                }
                let sub = if out_of_bounds && proven.is_none() {
                    "OUT_OF_BOUNDS_NO_POE"
                } else {
                    sub
                };
                for r in path.reasons {
                    if status == PathStatus::Invalid && r.severity == Severity::Error {
                        out.fail(sub, r);
                    } else if r.severity == Severity::Error {
                        out.indeterminate(sub, r);
                    } else {
                        out.report.reasons.push(r);
                    }
                }
                if out.failed.is_none() && out.indeterminate.is_none() {
                    out.indeterminate(sub, Msg::ChainInvalid {}.reason());
                }
            }
        }
        chain
    }

    /// The path of `leaf` at `at`, completed from `extra`, the DSS and (online) AIA.
    pub(super) fn path(
        &self,
        leaf: &Certificate,
        extra: &[Certificate],
        at: der::DateTime,
        proven: bool,
    ) -> PathValidation {
        let mut options = PathOptions::at(at);
        options.time_is_proven = proven;
        options.algorithm_policy = self.options.algorithms.clone();
        let mut result = validate_path(leaf, extra, &self.options.trust, &options);
        // Certificates from the document's DSS (PAdES B-LT) complete chains offline.
        if result.sub_indication == Some("NO_CERTIFICATE_CHAIN_FOUND")
            && !self.embedded.certificates.is_empty()
        {
            let mut with_dss = extra.to_vec();
            with_dss.extend(self.embedded.certificates.iter().cloned());
            result = validate_path(leaf, &with_dss, &self.options.trust, &options);
        }
        // Online: complete a missing chain from AIA caIssuers (at most 3 more levels).
        let mut more: Vec<Certificate> = extra.to_vec();
        for _ in 0..3 {
            if result.sub_indication != Some("NO_CERTIFICATE_CHAIN_FOUND") {
                break;
            }
            let Some(last) = result.path.last() else {
                break;
            };
            let found = crate::revocation::fetch_issuers(self.options, last);
            if found.is_empty() {
                break;
            }
            more.extend(found);
            result = validate_path(leaf, &more, &self.options.trust, &options);
        }
        result
    }

    /// Decree 68 profile: warnings about the certificate, and the workflow rule that the role
    /// the signer declared (approval, issuance…) is signed with the right kind of certificate
    /// (Decree 68 Art. 31–32: a certificate is used within its scope).
    fn check_profile(&self, signer_cert: &Certificate, path: &[Certificate], out: &mut Outcome) {
        let profile = &self.options.profile;
        out.report
            .reasons
            .extend(kyso_policy::profile::certificate_findings(path, profile));
        let has_rule = profile.role_rules.iter().any(|r| r.role == out.report.role);
        match kyso_policy::profile::check_role(&out.report.role, signer_cert, profile) {
            Some(violation) => {
                out.report.checks.policy = CheckStatus::Failed;
                out.fail("CERTIFICATE_SCOPE_VIOLATION", violation);
            }
            None if has_rule => out.report.checks.policy = CheckStatus::Passed,
            None => {}
        }
    }

    /// Revocation of `chain` at `at`: decisive findings fail the signature or leave it
    /// indeterminate; the others are notes.
    pub(super) fn revocation(
        &self,
        out: &mut Outcome,
        chain: Option<&[Certificate]>,
        at: der::DateTime,
        proven: bool,
        claimed: Option<der::DateTime>,
    ) {
        let d = crate::revocation::decide(self.options, self.embedded, chain, at, proven, claimed);
        out.report.checks.revocation = d.check;
        out.report.revocation = d.sources;
        let sub = d.sub_indication.unwrap_or("TRY_LATER");
        for r in d.decisive {
            if d.failed {
                out.fail(sub, r);
            } else {
                out.indeterminate(sub, r);
            }
        }
        out.report.reasons.extend(d.notes);
    }
}

/// The signer section of the report, from a certificate.
pub fn signer_report(cert: &Certificate) -> SignerReport {
    let info = kyso_policy::subject::subject_info(cert);
    let tbs = cert.tbs_certificate();
    let v = tbs.validity();
    SignerReport {
        common_name: info.common_name.clone(),
        organization: info.organization.clone(),
        organizational_unit: info.organizational_unit.clone(),
        title: info.title.clone(),
        subscriber_type: info.subscriber_type.as_str().into(),
        serial: hex_upper(tbs.serial_number().as_bytes()),
        issuer: kyso_policy::subject::format_name(tbs.issuer()),
        subject: kyso_policy::subject::format_name(tbs.subject()),
        tax_code: info.tax_code.clone(),
        budget_code: info.budget_code.clone(),
        not_before: rfc3339(v.not_before.to_date_time()),
        not_after: rfc3339(v.not_after.to_date_time()),
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
