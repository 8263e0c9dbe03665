//! PDF signature verification: coverage, CMS, signing time, chain, algorithms and what changed
//! after each signature. Produces the [`Report`](crate::report::Report); `Err` only when the
//! file cannot be read.
//!
//! One file per kind of check: `document` (the signatures of a file, the verdict),
//! `integrity` (byte ranges and their digest), `modifications` (DocMDP, FieldMDP, what
//! changed), `cms_signature` (a CMS signature, check by check), `signer` (the signer's path,
//! profile and revocation) and `timestamps` (signature and document time-stamps).

use kyso_pdf::{PdfSignature, SignatureKind};
use kyso_policy::algorithms::AlgorithmPolicy;
use kyso_policy::reason::Reason;
use kyso_policy::revocation::RevocationData;
use kyso_policy::trust::TrustStore;

use crate::report::{Checks, Indication, SignatureReport};

mod cms_signature;
mod document;
mod integrity;
mod modifications;
mod range_digests;
mod signer;
mod timestamps;

pub(crate) use document::verify_pdf;
pub use signer::signer_report;

/// Where revocation status comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RevocationMode {
    /// Do not check (reported as a warning).
    Off,
    /// Only data embedded in the document or supplied by the caller.
    #[default]
    Embedded,
    /// Data fetched by the caller from the network (CRL, OCSP), plus embedded data.
    Online,
}

impl RevocationMode {
    /// `off`, `embedded` or `online`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Embedded => "embedded",
            Self::Online => "online",
        }
    }
}

/// What the verifier needs from its caller: trust, time, policy. No I/O happens inside.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Trust anchors and known intermediates.
    pub trust: TrustStore,
    /// "Now": used when no time-stamp proves an earlier signing time.
    pub validation_time: der::DateTime,
    /// Revocation mode.
    pub revocation: RevocationMode,
    /// Algorithm constraints.
    pub algorithms: AlgorithmPolicy,
    /// A file name to put in the report.
    pub file_name: Option<String>,
    /// Revocation data supplied by the caller (CRLs, OCSP responses), used first.
    pub revocation_data: kyso_policy::revocation::RevocationData,
    /// Fetches missing revocation data in [`RevocationMode::Online`] (the fetcher does the
    /// I/O, e.g. `kyso_net::HttpFetcher`; without one, Online uses only supplied data).
    pub fetcher: Option<crate::revocation::Fetcher>,
    /// Decree 68 rules (Government policy OID, validity length, which certificate each
    /// workflow role needs), as data.
    pub profile: kyso_policy::profile::Profile,
    /// What online verification may fetch (issuer allow-list, request and time budgets).
    pub network: crate::network::NetworkPolicy,
    /// Refuse documents larger than this many bytes (none by default).
    pub max_input_bytes: Option<usize>,
}

impl VerifyOptions {
    /// Options with the given trust store and validation time, revocation from embedded data.
    pub fn new(trust: TrustStore, validation_time: der::DateTime) -> Self {
        Self {
            trust,
            validation_time,
            revocation: RevocationMode::default(),
            algorithms: AlgorithmPolicy::default(),
            file_name: None,
            revocation_data: Default::default(),
            fetcher: None,
            profile: Default::default(),
            network: Default::default(),
            max_input_bytes: None,
        }
    }
}

/// What checking one signature needs from the document and the caller.
struct SignatureContext<'a> {
    bytes: &'a [u8],
    options: &'a VerifyOptions,
    /// The modification rules each signature sets (DocMDP, field locks).
    mdp: &'a [modifications::MdpRule],
    has_dss: bool,
    /// Revocation data and certificates from the document's DSS.
    embedded: &'a RevocationData,
    later_doc_ts: bool,
    /// When a document time-stamp is validated: the validation time for the last one, the
    /// time of the next valid document time-stamp for earlier ones.
    doc_ts_time: der::DateTime,
    revision_ends: &'a [usize],
    /// Revisions parsed once for all signatures' modification analysis.
    revisions: &'a kyso_pdf::diff::Revisions<'a>,
    /// The byte-range digests, hashing the signatures' common prefix once.
    digests: &'a dyn range_digests::Digests,
}

/// Accumulates one signature's findings; the indication is derived from them at the end.
struct Outcome {
    report: SignatureReport,
    failed: Option<&'static str>,
    indeterminate: Option<&'static str>,
}

impl Outcome {
    fn fail(&mut self, sub: &'static str, reason: Reason) {
        self.failed.get_or_insert(sub);
        self.report.reasons.push(reason);
    }

    fn indeterminate(&mut self, sub: &'static str, reason: Reason) {
        self.indeterminate.get_or_insert(sub);
        self.report.reasons.push(reason);
    }

    fn finish(mut self) -> SignatureReport {
        let (indication, sub) = match (self.failed, self.indeterminate) {
            (Some(s), _) => (Indication::TotalFailed, Some(s)),
            (None, Some(s)) => (Indication::Indeterminate, Some(s)),
            (None, None) => (Indication::TotalPassed, None),
        };
        self.report.indication = indication;
        self.report.sub_indication = sub.map(str::to_owned);
        self.report
    }
}

impl SignatureContext<'_> {
    /// Check one signature: coverage, what changed after it, then the signature itself.
    fn verify(&self, sig: &PdfSignature) -> SignatureReport {
        let mut out = Outcome {
            report: SignatureReport {
                field: sig.field_name.clone(),
                role: crate::role::signature_role(self.bytes, sig).into(),
                kind: match sig.kind {
                    SignatureKind::Signature => "signature",
                    SignatureKind::DocTimeStamp => "document_timestamp",
                }
                .into(),
                indication: Indication::Indeterminate,
                sub_indication: None,
                signer: None,
                signing_time: None,
                timestamp: None,
                level: "unknown".into(),
                modified_after_signing: false,
                modification_level: "none".into(),
                checks: Checks::default(),
                reasons: Vec::new(),
                sub_filter: sig.sub_filter.clone(),
                algorithm: None,
                path: Vec::new(),
                page: sig.page,
                reason: sig.reason.clone(),
                location: sig.location.clone(),
                revision: None,
                revocation: Vec::new(),
            },
            failed: None,
            indeterminate: None,
        };

        // 1. Coverage: the ranges must be the whole revision minus exactly /Contents.
        let Some(coverage) = self.check_coverage(sig, &mut out) else {
            return out.finish();
        };

        // 2. What changed afterwards.
        self.check_modifications(&coverage, &mut out);

        // 3. The CMS itself.
        match sig.kind {
            SignatureKind::DocTimeStamp => self.verify_doc_timestamp(sig, &mut out),
            SignatureKind::Signature => self.verify_cms_signature(sig, &mut out),
        }
        out.finish()
    }
}
