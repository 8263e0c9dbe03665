//! A CMS signature (not a document time-stamp), check by check: its format, the CMS itself,
//! the document digest, the signature value, the signing time, the signer's certificate and
//! path, validity at the signing time, algorithms, revocation and the PAdES level reached.

use kyso_pdf::PdfSignature;
use kyso_policy::reason::{Msg, Reason, Severity};
use kyso_policy::revocation::{CertStatus, RevocationOptions, check_path};
use kyso_policy::time::{parse_pdf_date, rfc3339};
use x509_cert::Certificate;

use super::signer::signer_report;
use super::{Outcome, SignatureContext};
use crate::cms::{CmsError, CmsSignature, verify_detached};
use crate::report::{CheckStatus, SigningTimeReport};

/// When the signature was made: `proven` by a verified time-stamp, else only `claimed` (by the
/// signed attributes or the PDF), with where the claim comes from.
pub(super) struct SigningTime {
    /// genTime of a verified signature time-stamp.
    pub(super) proven: Option<der::DateTime>,
    /// The time reported: the proven one, else the signer's claim, with its source.
    pub(super) claimed: Option<(der::DateTime, &'static str)>,
}

impl SignatureContext<'_> {
    /// Every check of a CMS signature, in the order its findings are reported.
    pub(super) fn verify_cms_signature(&self, sig: &PdfSignature, out: &mut Outcome) {
        let Some(sub_filter) = accepted_sub_filter(sig, out) else {
            return;
        };
        let Some(cms) = self.read_cms(sig, out) else {
            return;
        };
        let Some(signer) = signer_certificate(&cms, out) else {
            return;
        };
        out.report.signer = Some(signer_report(&signer));
        check_digest(&cms, out);
        check_signature_value(&cms, out);
        let time = self.signing_time(sig, &cms, out);
        out.report.level = self.claimed_level(sub_filter, &cms).into();
        // The chain is validated at the proven time, or now.
        let at = time.proven.unwrap_or(self.options.validation_time);
        let chain = self.check_signer_path(&signer, &cms.certificates, at, time.proven, out);
        check_signer_usage(&signer, out);
        check_validity_at_signing(&signer, &time, out);
        self.check_algorithms(&cms, time.proven, out);
        let claimed = time.claimed.map(|(t, _)| t);
        self.revocation(out, chain.as_deref(), at, time.proven.is_some(), claimed);
        self.check_ltv_data(chain.as_deref(), at, out);
    }

    /// The CMS structure, with the document digest and signature value computed; its own
    /// findings are reported, except those the next steps report with their check.
    fn read_cms(&self, sig: &PdfSignature, out: &mut Outcome) -> Option<CmsSignature> {
        let mut digest = |oid: &const_oid::ObjectIdentifier| -> Result<Vec<u8>, CmsError> {
            self.digest_ranges(sig, oid).map_err(CmsError::from)
        };
        let cms = match verify_detached(&sig.contents, &mut digest) {
            Ok(c) => c,
            Err(e) => {
                out.report.checks.integrity = CheckStatus::Failed;
                out.report.checks.signature = CheckStatus::Failed;
                out.fail("FORMAT_FAILURE", Msg::CmsMalformed { error: &e }.reason());
                return None;
            }
        };
        out.report.algorithm = Some(cms.algorithm_use.name());
        for r in &cms.reasons {
            if r.code == "CONTENT_ATTACHED" {
                // ISO 32000-1 §12.8.3.3: a PDF signature is detached; embedded content means
                // the signed data is not (only) this document.
                out.fail("FORMAT_FAILURE", Msg::CmsNotDetached {}.reason());
                continue;
            }
            match (r.severity, r.code.as_str()) {
                // Reported below with the check they belong to (and their own sub-indication).
                (_, "HASH_FAILURE" | "SIG_CRYPTO_FAILURE" | "NO_SIGNING_CERTIFICATE_FOUND") => {}
                (Severity::Error, _) => out.fail("FORMAT_FAILURE", r.clone()),
                _ => out.report.reasons.push(r.clone()),
            }
        }
        Some(cms)
    }

    /// Signing time: a verified time-stamp proves it; otherwise it is only claimed. A claim
    /// far from the time-stamp is noted.
    fn signing_time(
        &self,
        sig: &PdfSignature,
        cms: &CmsSignature,
        out: &mut Outcome,
    ) -> SigningTime {
        let mut proven: Option<der::DateTime> = None;
        if let Some(token) = &cms.timestamp_token {
            proven = self.signature_timestamp(token, cms, out);
        }
        let claimed = match (
            proven,
            cms.signing_time,
            sig.signing_time.as_deref().and_then(parse_pdf_date),
        ) {
            (Some(t), ..) => Some((t, "timestamp")),
            (None, Some(t), _) => Some((t, "signed_attribute")),
            (None, None, Some(t)) => Some((t, "pdf")),
            _ => None,
        };
        if let Some((t, source)) = claimed {
            out.report.signing_time = Some(SigningTimeReport {
                value: rfc3339(t),
                source: source.into(),
            });
        }
        if let (Some(ts), Some(st)) = (proven, cms.signing_time) {
            let diff = ts
                .unix_duration()
                .as_secs()
                .abs_diff(st.unix_duration().as_secs());
            if diff > 300 {
                out.report.reasons.push(
                    Msg::SigningTimeMismatch {
                        minutes: &(diff / 60),
                    }
                    .reason(),
                );
            }
        }
        SigningTime { proven, claimed }
    }

    /// The PAdES level the signature's own parts reach (B-B, B-T; B-LT and B-LTA with the
    /// document's DSS and a later document time-stamp); [`Self::check_ltv_data`] may lower it.
    fn claimed_level(&self, sub_filter: &str, cms: &CmsSignature) -> &'static str {
        match (
            sub_filter,
            cms.timestamp_token.is_some(),
            self.has_dss,
            self.later_doc_ts,
        ) {
            ("ETSI.CAdES.detached", false, _, _) => "B-B",
            ("ETSI.CAdES.detached", true, false, _) => "B-T",
            ("ETSI.CAdES.detached", true, true, false) => "B-LT",
            ("ETSI.CAdES.detached", true, true, true) => "B-LTA",
            _ => "unknown",
        }
    }

    /// Algorithms (digest, signature scheme, key size), with the proven time for legacy ones.
    fn check_algorithms(
        &self,
        cms: &CmsSignature,
        proven: Option<der::DateTime>,
        out: &mut Outcome,
    ) {
        let mut alg_reasons = self.options.algorithms.check(&cms.algorithm_use, proven);
        alg_reasons.extend(
            self.options
                .algorithms
                .check_digest(cms.algorithm_use.digest, proven),
        );
        dedup(&mut alg_reasons);
        out.report.checks.algorithms = if alg_reasons.iter().any(|r| r.severity == Severity::Error)
        {
            CheckStatus::Failed
        } else {
            CheckStatus::Passed
        };
        for r in alg_reasons {
            if r.severity == Severity::Error {
                out.indeterminate("CRYPTO_CONSTRAINTS_FAILURE", r);
            } else {
                out.report.reasons.push(r);
            }
        }
    }

    /// B-LT means the document itself holds what validating this signature needs: a DSS
    /// that merely exists (e.g. with other signatures' data) does not make it so.
    fn check_ltv_data(&self, chain: Option<&[Certificate]>, at: der::DateTime, out: &mut Outcome) {
        if !matches!(out.report.level.as_str(), "B-LT" | "B-LTA") {
            return;
        }
        let covered = chain.is_some_and(|c| {
            check_path(c, self.embedded, &RevocationOptions::at(at))
                .certificates
                .iter()
                .all(|x| x.status != CertStatus::Unknown)
        });
        if !covered {
            out.report.level = "B-T".into();
            out.report.reasons.push(Msg::LtvDataIncomplete {}.reason());
        }
    }
}

/// The /SubFilter, when it is one this verifier accepts (CAdES or PKCS#7 detached); else a
/// `FORMAT_FAILURE`.
fn accepted_sub_filter<'s>(sig: &'s PdfSignature, out: &mut Outcome) -> Option<&'s str> {
    let sub_filter = sig.sub_filter.as_deref().unwrap_or("");
    if !matches!(
        sub_filter,
        "ETSI.CAdES.detached" | "adbe.pkcs7.detached" | "adbe.pkcs7.sha1"
    ) {
        out.fail(
            "FORMAT_FAILURE",
            Msg::UnsupportedSubfilter {
                sub_filter: &sub_filter,
            }
            .reason(),
        );
        return None;
    }
    if sub_filter == "adbe.pkcs7.sha1" {
        out.fail("FORMAT_FAILURE", Msg::UnsupportedSubfilterSha1 {}.reason());
        return None;
    }
    Some(sub_filter)
}

/// The signer's certificate, found in the signature; else `NO_SIGNING_CERTIFICATE_FOUND`.
fn signer_certificate(cms: &CmsSignature, out: &mut Outcome) -> Option<Certificate> {
    let Some(signer_cert) = cms.signer_certificate.clone() else {
        out.indeterminate(
            "NO_SIGNING_CERTIFICATE_FOUND",
            Msg::NoSigningCertificateFound {}.reason(),
        );
        return None;
    };
    Some(signer_cert)
}

/// Integrity: the digest of the signed byte ranges is the one the signer signed.
fn check_digest(cms: &CmsSignature, out: &mut Outcome) {
    out.report.checks.integrity = if cms.message_digest_ok {
        CheckStatus::Passed
    } else {
        CheckStatus::Failed
    };
    if !cms.message_digest_ok {
        out.fail("HASH_FAILURE", Msg::HashFailure {}.reason());
    }
}

/// The signature value verifies with the signer's public key.
fn check_signature_value(cms: &CmsSignature, out: &mut Outcome) {
    out.report.checks.signature = if cms.signature_ok {
        CheckStatus::Passed
    } else {
        CheckStatus::Failed
    };
    if !cms.signature_ok {
        out.fail("SIG_CRYPTO_FAILURE", Msg::SigCryptoFailure {}.reason());
    }
}

/// X.509 validation constraints on the signer (EN 319 102-1 §5.2.6): a certificate whose key
/// usage does not allow signing makes no valid signature, whatever else holds — a definite
/// failure, as a certificate used outside its scope (`check_profile`).
fn check_signer_usage(signer_cert: &Certificate, out: &mut Outcome) {
    for r in kyso_policy::usage::document_signer_findings(signer_cert) {
        out.report.checks.chain = CheckStatus::Failed;
        out.fail("CHAIN_CONSTRAINTS_FAILURE", r);
    }
}

/// Without proof of the signing time the claimed time must at least fall inside the
/// certificate's validity.
fn check_validity_at_signing(signer_cert: &Certificate, time: &SigningTime, out: &mut Outcome) {
    if time.proven.is_none()
        && let Some((t, _)) = time.claimed
    {
        let v = signer_cert.tbs_certificate().validity();
        let (nb, na) = (v.not_before.to_date_time(), v.not_after.to_date_time());
        if t < nb || t > na {
            out.report.checks.validity_at_signing = CheckStatus::Failed;
            out.indeterminate(
                "OUT_OF_BOUNDS_NO_POE",
                Msg::SignedOutsideValidity {}.reason(),
            );
        }
    }
}

/// Findings that say the same thing once.
fn dedup(reasons: &mut Vec<Reason>) {
    let mut seen = std::collections::HashSet::new();
    reasons.retain(|r| seen.insert((r.code.clone(), r.en.clone())));
}
