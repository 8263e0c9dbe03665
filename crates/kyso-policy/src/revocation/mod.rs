//! Revocation at the signing time (CRL and OCSP), without I/O.
//!
//! Two steps, so that the caller (kyso-net natively, `fetch()` in a browser, or data embedded in
//! the document) does all the fetching:
//!
//! 1. [`revocation_needs`] lists, for every certificate of a validated path except the anchor,
//!    its CRL distribution points, its OCSP responders with a ready DER `OCSPRequest`, and its
//!    AIA caIssuers URLs.
//! 2. [`check_path`] takes whatever bytes the caller found ([`RevocationData`]) and decides per
//!    certificate: good, revoked (time, reason), suspended (certificateHold) or unknown.
//!
//! What is accepted:
//! - **CRL** (RFC 5280 §5, §6.3.3; the details in `crl_status.rs`): complete CRLs, updated by delta
//!   CRLs (never used alone); direct and indirect CRLs (`cRLIssuer` in the certificate's
//!   distribution point, `certificateIssuer` entries); CRLs partitioned by reason, combined
//!   until every reason is covered; signed by the certificate's issuer or by a CRL signer with
//!   cRLSign and its own path to the same anchor, itself not revoked; a non-critical cRLNumber
//!   and no unknown critical extension. Names are compared as RFC 5280 §7.1 requires
//!   ([`crate::names`]).
//! - **OCSP** (RFC 6960): status successful, a `BasicOCSPResponse` signed by the issuer itself or
//!   by a delegated responder (a certificate issued by the issuer, with the id-kp-OCSPSigning
//!   EKU, valid when the response was produced); the CertID matches (SHA-1 or SHA-256); the
//!   nonce matches when one was sent and is echoed.
//! - **Freshness** relative to the validation time `T` (the signing time): information issued at
//!   or after `T` is usable (it lists every revocation up to its issue, with dates); older
//!   information is usable only while it is current at `T` (`thisUpdate ≤ T ≤ nextUpdate`; an
//!   OCSP response without nextUpdate for [`RevocationOptions::max_ocsp_age_secs`]).
//!
//! How a status weighs (Decree 68 Art. 31–32: not revoked nor suspended *when it signed*):
//! - revoked at or before `T` → the path fails with sub-indication `REVOKED`;
//! - revoked after `T` → still valid, with an informational note;
//! - certificateHold at or before `T` → `INDETERMINATE`/`TRY_LATER` (a suspension may be lifted;
//!   ETSI EN 319 102-1 treats "on hold" as try-later), after `T` → a note;
//! - nothing usable → `INDETERMINATE`/`TRY_LATER` with a warning in Vietnamese and English
//!   (Thông tư 15/2025 requires the verifier to say so).
//!
//! A certificate with id-pkix-ocsp-nocheck (an OCSP responder) is not checked.
//!
//! Files: `urls.rs` (what to fetch, from the certificates' extensions), `fetch.rs` (asking a
//! [`RevocationFetcher`]), `crl_status.rs` and `ocsp_status.rs` (what a CRL or an OCSP
//! response says), `signers.rs` (who may sign them), `messages.rs` (the bilingual findings);
//! this file holds the types and the decision per certificate and per path.

mod crl_status;
mod fetch;
mod messages;
mod ocsp_status;
mod signers;
mod urls;

use der::Encode;
use x509_cert::Certificate;

use crate::algorithms::AlgorithmPolicy;
use crate::extensions;
use crate::ocsp;
use crate::reason::Reason;
use crate::subject::display_name;
use crate::time::rfc3339;
use ocsp_status::ocsp_status;

pub use crl_status::parse_crl;
pub use fetch::{Fetched, RevocationFetcher, fetch_revocation_data};
pub use urls::{CertificateNeed, aia_urls, crl_urls, revocation_needs};

/// Sub-indications produced here (ETSI EN 319 102-1).
pub mod sub_indication {
    /// The certificate was revoked at or before the validation time.
    pub const REVOKED: &str = "REVOKED";
    /// Revocation status could not be established (or the certificate was on hold).
    pub const TRY_LATER: &str = "TRY_LATER";
}

/// CRLReason (RFC 5280 §5.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum CrlReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    RemoveFromCrl,
    PrivilegeWithdrawn,
    AaCompromise,
}

impl CrlReason {
    /// From the ENUMERATED value.
    pub fn from_value(v: u8) -> Option<Self> {
        Some(match v {
            0 => Self::Unspecified,
            1 => Self::KeyCompromise,
            2 => Self::CaCompromise,
            3 => Self::AffiliationChanged,
            4 => Self::Superseded,
            5 => Self::CessationOfOperation,
            6 => Self::CertificateHold,
            8 => Self::RemoveFromCrl,
            9 => Self::PrivilegeWithdrawn,
            10 => Self::AaCompromise,
            _ => return None,
        })
    }

    /// From the DER of an ENUMERATED (`0A 01 vv`).
    pub fn from_der_enumerated(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0x0a, 0x01, v] => Self::from_value(*v),
            _ => None,
        }
    }

    /// From an `Any` holding an ENUMERATED.
    pub fn from_any(any: &der::asn1::Any) -> Option<Self> {
        Self::from_der_enumerated(&any.to_der().ok()?)
    }

    /// The RFC 5280 name (`keyCompromise`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::KeyCompromise => "keyCompromise",
            Self::CaCompromise => "cACompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
            Self::CertificateHold => "certificateHold",
            Self::RemoveFromCrl => "removeFromCRL",
            Self::PrivilegeWithdrawn => "privilegeWithdrawn",
            Self::AaCompromise => "aACompromise",
        }
    }

    /// In Vietnamese.
    pub fn vi(self) -> &'static str {
        match self {
            Self::Unspecified => "không nêu lý do",
            Self::KeyCompromise => "lộ khóa bí mật",
            Self::CaCompromise => "lộ khóa của tổ chức cấp",
            Self::AffiliationChanged => "thay đổi thông tin",
            Self::Superseded => "được thay thế",
            Self::CessationOfOperation => "ngừng hoạt động",
            Self::CertificateHold => "tạm dừng",
            Self::RemoveFromCrl => "gỡ khỏi danh sách thu hồi",
            Self::PrivilegeWithdrawn => "bị rút quyền",
            Self::AaCompromise => "lộ khóa của tổ chức cấp thuộc tính",
        }
    }
}

/// Revocation data supplied by the caller: raw DER (PEM CRLs are accepted too).
#[derive(Debug, Clone, Default)]
pub struct RevocationData {
    /// CRLs (DER or PEM).
    pub crls: Vec<Vec<u8>>,
    /// DER `OCSPResponse`s.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// Extra certificates (e.g. a delegated CRL signer's), DER.
    pub certificates: Vec<Certificate>,
}

impl RevocationData {
    /// Whether nothing was supplied.
    pub fn is_empty(&self) -> bool {
        self.crls.is_empty() && self.ocsp_responses.is_empty()
    }

    /// Add everything from `other`.
    pub fn extend(&mut self, other: RevocationData) {
        self.crls.extend(other.crls);
        self.ocsp_responses.extend(other.ocsp_responses);
        self.certificates.extend(other.certificates);
    }
}

/// Options of [`check_path`].
#[derive(Debug, Clone)]
pub struct RevocationOptions {
    /// The time the status must hold at (the signing time).
    pub time: der::DateTime,
    /// The nonce sent in OCSP requests, if any: a response echoing another nonce is rejected.
    pub nonce: Option<Vec<u8>>,
    /// How long an OCSP response without nextUpdate stays usable after its thisUpdate (seconds).
    pub max_ocsp_age_secs: u64,
    /// Algorithm constraints for CRL and OCSP signatures.
    pub algorithm_policy: AlgorithmPolicy,
}

impl RevocationOptions {
    /// Options at `time` with defaults (OCSP without nextUpdate usable for 7 days).
    pub fn at(time: der::DateTime) -> Self {
        Self {
            time,
            nonce: None,
            max_ocsp_age_secs: 7 * 24 * 3600,
            algorithm_policy: AlgorithmPolicy::default(),
        }
    }
}

/// The status of one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CertStatus {
    /// Not revoked (by a usable CRL or OCSP response).
    Good,
    /// Revoked at `time`.
    Revoked {
        /// Revocation (or earlier invalidity) time.
        #[serde(serialize_with = "ser_time")]
        time: der::DateTime,
        /// Reason, when given.
        reason: Option<CrlReason>,
    },
    /// On hold (certificateHold) since `time`.
    Suspended {
        /// Since when.
        #[serde(serialize_with = "ser_time")]
        time: der::DateTime,
    },
    /// No usable information.
    Unknown,
}

fn ser_time<S: serde::Serializer>(t: &der::DateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// Where a status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A CRL.
    Crl,
    /// An OCSP response.
    Ocsp,
}

/// The decision for one certificate.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CertRevocation {
    /// Index in the path (0 = leaf).
    pub index: usize,
    /// Display name.
    pub subject: String,
    /// Status.
    pub status: CertStatus,
    /// Source of the status.
    pub source: Option<Source>,
    /// Why supplied data was not used (English, for logs).
    pub rejected: Vec<String>,
}

/// Overall outcome of [`check_path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RevocationStatus {
    /// Every certificate was shown not revoked at the time.
    Passed,
    /// A certificate was revoked at or before the time.
    Failed,
    /// Some status could not be established (or a certificate was on hold).
    Indeterminate,
}

/// Result of [`check_path`].
#[derive(Debug, Clone)]
pub struct RevocationCheck {
    /// Overall status.
    pub status: RevocationStatus,
    /// `REVOKED` or `TRY_LATER` when not passed.
    pub sub_indication: Option<&'static str>,
    /// Per certificate, leaf first.
    pub certificates: Vec<CertRevocation>,
    /// Findings in Vietnamese and English.
    pub reasons: Vec<Reason>,
}

/// Decide the status of one certificate from all the supplied data.
///
/// `above` is the path above `cert`: its issuer first, the anchor last.
pub fn check_certificate(
    cert: &Certificate,
    above: &[Certificate],
    is_ca: bool,
    data: &RevocationData,
    options: &RevocationOptions,
) -> (CertStatus, Option<Source>, Vec<String>) {
    check_certificate_at(cert, above, is_ca, data, options)
}

/// What [`status_of`] works with: the caller's data (CRLs decoded once) and options.
pub(crate) struct Ctx<'a> {
    pub(crate) data: &'a RevocationData,
    pub(crate) options: &'a RevocationOptions,
    pub(crate) crls: Vec<Result<crl_status::Crl, String>>,
}

impl<'a> Ctx<'a> {
    fn new(data: &'a RevocationData, options: &'a RevocationOptions) -> Self {
        Self {
            data,
            options,
            crls: data
                .crls
                .iter()
                .map(|c| crl_status::Crl::parse(c))
                .collect(),
        }
    }
}

fn check_certificate_at(
    cert: &Certificate,
    above: &[Certificate],
    is_ca: bool,
    data: &RevocationData,
    options: &RevocationOptions,
) -> (CertStatus, Option<Source>, Vec<String>) {
    let ctx = Ctx::new(data, options);
    status_of(cert, above, is_ca, &ctx, &mut Vec::new())
}

/// The status of `cert` from every OCSP response and CRL; `visiting` holds the CRL signers
/// whose own status is being decided (see [`crl_status`]).
pub(crate) fn status_of(
    cert: &Certificate,
    above: &[Certificate],
    is_ca: bool,
    ctx: &Ctx<'_>,
    visiting: &mut Vec<Certificate>,
) -> (CertStatus, Option<Source>, Vec<String>) {
    let Some(issuer) = above.first() else {
        return (CertStatus::Unknown, None, vec!["no issuer".into()]);
    };
    let mut rejected = Vec::new();
    // (status, source, reasons covered)
    let mut found: Vec<(CertStatus, Source, u16)> = Vec::new();
    for r in &ctx.data.ocsp_responses {
        match ocsp_status(r, cert, issuer, ctx.options) {
            Ok(Some(f)) => found.push((f.status, f.source, crl_status::ALL_REASONS)),
            Ok(None) => {}
            Err(e) => rejected.push(e),
        }
    }
    let (crl_found, crl_rejected) = crl_status::crl_findings(cert, above, is_ca, ctx, visiting);
    rejected.extend(crl_rejected);
    found.extend(
        crl_found
            .into_iter()
            .map(|f| (f.status, Source::Crl, f.reasons)),
    );
    // The most serious usable statement wins: revoked, then suspended; "good" only when the
    // good statements together cover every revocation reason (CRLs partitioned by reason).
    let rank = |s: &CertStatus| match s {
        CertStatus::Revoked { .. } => 0,
        CertStatus::Suspended { .. } => 1,
        CertStatus::Good => 2,
        CertStatus::Unknown => 3,
    };
    let Some(worst) = found.iter().min_by_key(|f| rank(&f.0)) else {
        return (CertStatus::Unknown, None, rejected);
    };
    match worst.0 {
        CertStatus::Good => {
            let covered = found
                .iter()
                .filter(|f| f.0 == CertStatus::Good)
                .fold(0, |m, f| m | f.2);
            if covered & crl_status::ALL_REASONS == crl_status::ALL_REASONS {
                (CertStatus::Good, Some(worst.1), rejected)
            } else {
                rejected.push(format!(
                    "the usable CRLs cover only some revocation reasons (ReasonFlags {covered:#05x} of {:#05x})",
                    crl_status::ALL_REASONS
                ));
                (CertStatus::Unknown, None, rejected)
            }
        }
        CertStatus::Unknown => (CertStatus::Unknown, None, rejected),
        s => (s, Some(worst.1), rejected),
    }
}

/// Decide revocation for a validated `path` (leaf first, anchor last) at `options.time`.
pub fn check_path(
    path: &[Certificate],
    data: &RevocationData,
    options: &RevocationOptions,
) -> RevocationCheck {
    let t = options.time;
    let mut certificates = Vec::new();
    let mut reasons = Vec::new();
    let mut failed = false;
    let mut indeterminate = false;
    for (i, pair) in path.windows(2).enumerate() {
        let cert = &pair[0];
        let name = display_name(cert);
        if extensions::find(cert, &ocsp::OCSP_NOCHECK).is_some() {
            certificates.push(CertRevocation {
                index: i,
                subject: name,
                status: CertStatus::Good,
                source: None,
                rejected: vec!["id-pkix-ocsp-nocheck: not checked".into()],
            });
            continue;
        }
        let (status, source, rejected) =
            check_certificate(cert, &path[i + 1..], i > 0, data, options);
        let who = messages::Who::new(i, &name, source);
        match status {
            CertStatus::Good => reasons.push(messages::good(&who)),
            CertStatus::Revoked { time, reason } => {
                let before = time <= t;
                failed |= before;
                reasons.push(messages::revoked(&who, time, reason, t, before));
            }
            CertStatus::Suspended { time } => {
                let before = time <= t;
                indeterminate |= before;
                reasons.push(messages::suspended(&who, time, t, before));
            }
            CertStatus::Unknown => {
                indeterminate = true;
                reasons.push(messages::unavailable(&who, &rejected));
            }
        }
        certificates.push(CertRevocation {
            index: i,
            subject: name,
            status,
            source,
            rejected,
        });
    }
    let (status, sub_indication) = if failed {
        (RevocationStatus::Failed, Some(sub_indication::REVOKED))
    } else if indeterminate {
        (
            RevocationStatus::Indeterminate,
            Some(sub_indication::TRY_LATER),
        )
    } else {
        (RevocationStatus::Passed, None)
    };
    RevocationCheck {
        status,
        sub_indication,
        certificates,
        reasons,
    }
}
