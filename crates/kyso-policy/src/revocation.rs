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
//! - **CRL** (RFC 5280 §5, §6.3.3; the details in `crl.rs`): complete CRLs, updated by delta
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

use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, CrlDistributionPoints, ExtendedKeyUsage, KeyUsage,
};

use crate::algorithms::{AlgorithmPolicy, DigestAlgorithm, verify_signature};
use crate::extensions;
use crate::names::names_match;
use crate::ocsp::{self, BasicOcspResponse, OcspCertStatus, OcspResponse, OcspResponseStatus};
use crate::reason::{Reason, Severity};
use crate::subject::{display_name, serial_hex};
use crate::time::{rfc3339, vn_utc_text};

const OID_CRLDP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
const OID_AIA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const OID_KU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const OID_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_AUTHORITY_INFO: ObjectIdentifier = OID_AIA;
const AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
const AD_CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");

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

/// What the caller should fetch for one certificate of the path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CertificateNeed {
    /// Index in the path (0 = leaf).
    pub index: usize,
    /// Display name of the certificate.
    pub subject: String,
    /// Serial number, upper-case hex.
    pub serial: String,
    /// CRL distribution point URLs (http/https/ldap as written; the caller chooses).
    pub crl_urls: Vec<String>,
    /// OCSP responder URLs from AIA.
    pub ocsp_urls: Vec<String>,
    /// A DER `OCSPRequest` for this certificate (POST it to an OCSP URL).
    #[serde(skip)]
    pub ocsp_request: Option<Vec<u8>>,
    /// AIA caIssuers URLs (to find a missing issuer certificate).
    pub ca_issuers_urls: Vec<String>,
}

/// URLs in a certificate's CRL distribution points.
pub fn crl_urls(cert: &Certificate) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = extensions::value(cert, &OID_CRLDP)
        && let Ok(dps) = CrlDistributionPoints::from_der(v)
    {
        for dp in dps.0 {
            if let Some(DistributionPointName::FullName(names)) = dp.distribution_point {
                for n in names {
                    if let GeneralName::UniformResourceIdentifier(u) = n {
                        out.push(u.as_str().to_owned());
                    }
                }
            }
        }
    }
    out
}

/// AIA URLs of a certificate: (OCSP, caIssuers).
pub fn aia_urls(cert: &Certificate) -> (Vec<String>, Vec<String>) {
    let (mut ocsp_urls, mut issuers) = (Vec::new(), Vec::new());
    if let Some(v) = extensions::value(cert, &OID_AUTHORITY_INFO)
        && let Ok(aia) = AuthorityInfoAccessSyntax::from_der(v)
    {
        for ad in aia.0 {
            if let GeneralName::UniformResourceIdentifier(u) = ad.access_location {
                if ad.access_method == AD_OCSP {
                    ocsp_urls.push(u.as_str().to_owned());
                } else if ad.access_method == AD_CA_ISSUERS {
                    issuers.push(u.as_str().to_owned());
                }
            }
        }
    }
    (ocsp_urls, issuers)
}

/// What to fetch for the certificates of `path` (leaf first, anchor last; the anchor is not
/// checked). `nonce`, when given, goes into every OCSP request (the caller makes it random and
/// passes the same value in [`RevocationOptions::nonce`]).
pub fn revocation_needs(path: &[Certificate], nonce: Option<&[u8]>) -> Vec<CertificateNeed> {
    let mut out = Vec::new();
    for (i, pair) in path.windows(2).enumerate() {
        let (cert, issuer) = (&pair[0], &pair[1]);
        if extensions::find(cert, &ocsp::OCSP_NOCHECK).is_some() {
            continue;
        }
        let (ocsp_urls, ca_issuers_urls) = aia_urls(cert);
        out.push(CertificateNeed {
            index: i,
            subject: display_name(cert),
            serial: serial_hex(cert),
            crl_urls: crl_urls(cert),
            ocsp_request: if ocsp_urls.is_empty() {
                None
            } else {
                ocsp::build_request(cert, issuer, nonce).ok()
            },
            ocsp_urls,
            ca_issuers_urls,
        });
    }
    out
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

pub use crate::crl::parse_crl;

/// Whether `signer` signed `tbs` with `alg`/`sig` (algorithm constraints applied at `at`).
pub(crate) fn signed_by(
    signer: &Certificate,
    alg: &spki::AlgorithmIdentifierOwned,
    tbs: &[u8],
    sig: &[u8],
    policy: &AlgorithmPolicy,
    at: der::DateTime,
) -> Result<(), String> {
    match verify_signature(
        signer.tbs_certificate().subject_public_key_info(),
        alg,
        None,
        tbs,
        sig,
    ) {
        Ok(c) if c.valid => {
            if policy
                .check(&c.algorithm, Some(at))
                .iter()
                .any(|r| r.severity == Severity::Error)
            {
                Err(format!(
                    "signature algorithm {} fails the constraints",
                    c.algorithm.name()
                ))
            } else {
                Ok(())
            }
        }
        Ok(_) => Err("signature does not verify".into()),
        Err(e) => Err(format!("signature not checkable: {e}")),
    }
}

fn cert_tbs_and_sig(cert: &Certificate) -> Option<(Vec<u8>, Vec<u8>)> {
    let tbs = cert.tbs_certificate().to_der().ok()?;
    let sig = cert.signature().as_bytes()?.to_vec();
    Some((tbs, sig))
}

pub(crate) fn within(cert: &Certificate, t: der::DateTime) -> bool {
    let v = cert.tbs_certificate().validity();
    v.not_before.to_date_time() <= t && t <= v.not_after.to_date_time()
}

pub(crate) fn key_usage(cert: &Certificate) -> Option<KeyUsage> {
    extensions::decode::<KeyUsage>(cert, &OID_KU).ok().flatten()
}

fn has_eku(cert: &Certificate, oid: &ObjectIdentifier) -> bool {
    extensions::decode::<ExtendedKeyUsage>(cert, &OID_EKU)
        .ok()
        .flatten()
        .is_some_and(|e| e.0.contains(oid))
}

/// Whether `delegate` was issued (signed) by `issuer`.
pub(crate) fn issued_by(
    delegate: &Certificate,
    issuer: &Certificate,
    policy: &AlgorithmPolicy,
) -> bool {
    if !names_match(
        delegate.tbs_certificate().issuer(),
        issuer.tbs_certificate().subject(),
    ) {
        return false;
    }
    let Some((tbs, sig)) = cert_tbs_and_sig(delegate) else {
        return false;
    };
    let at = delegate
        .tbs_certificate()
        .validity()
        .not_before
        .to_date_time();
    signed_by(
        issuer,
        delegate.signature_algorithm(),
        &tbs,
        &sig,
        policy,
        at,
    )
    .is_ok()
}

/// A status found in one piece of data.
struct Found {
    status: CertStatus,
    source: Source,
}

/// Evaluate one OCSP response for `cert` issued by `issuer`.
fn ocsp_status(
    bytes: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    options: &RevocationOptions,
) -> Result<Option<Found>, String> {
    let resp = OcspResponse::from_der(bytes).map_err(|e| format!("OCSP response: {e}"))?;
    if resp.response_status != OcspResponseStatus::Successful {
        return Err(format!(
            "OCSP responder answered {:?}",
            resp.response_status
        ));
    }
    let rb = resp
        .response_bytes
        .ok_or("OCSP response without responseBytes")?;
    if rb.response_type != ocsp::OCSP_BASIC {
        return Err(format!(
            "OCSP response type {} not supported",
            rb.response_type
        ));
    }
    let basic = BasicOcspResponse::from_der(rb.response.as_bytes())
        .map_err(|e| format!("BasicOCSPResponse: {e}"))?;
    let data = basic.response_data().map_err(|e| e.to_string())?;
    // Does this response talk about our certificate at all?
    let Some(single) = data
        .responses
        .iter()
        .find(|s| s.cert_id.matches(cert, issuer))
    else {
        return Ok(None);
    };
    let produced = data.produced_at.to_date_time();
    // Who signed: the issuer itself, or a delegated responder certified by it.
    let by_issuer = match &data.responder_id {
        ocsp::ResponderId::ByName(n) => names_match(n, issuer.tbs_certificate().subject()),
        ocsp::ResponderId::ByKey(k) => {
            k.as_bytes()
                == DigestAlgorithm::Sha1
                    .hash(ocsp::issuer_key_bytes(issuer))
                    .as_slice()
        }
    };
    let tbs = basic.tbs_bytes().map_err(|e| e.to_string())?;
    let sig = basic
        .signature
        .as_bytes()
        .ok_or("OCSP: malformed signature")?;
    let policy = &options.algorithm_policy;
    let signer_ok = if by_issuer {
        signed_by(
            issuer,
            &basic.signature_algorithm,
            &tbs,
            sig,
            policy,
            produced,
        )
    } else {
        let responder = basic
            .certs
            .iter()
            .flatten()
            .find(|c| match &data.responder_id {
                ocsp::ResponderId::ByName(n) => names_match(n, c.tbs_certificate().subject()),
                ocsp::ResponderId::ByKey(k) => {
                    k.as_bytes()
                        == DigestAlgorithm::Sha1
                            .hash(ocsp::issuer_key_bytes(c))
                            .as_slice()
                }
            });
        match responder {
            None => Err("OCSP responder certificate not found in the response".into()),
            Some(r) if !has_eku(r, &ocsp::KP_OCSP_SIGNING) => {
                Err("OCSP responder certificate lacks id-kp-OCSPSigning".into())
            }
            Some(r) if !issued_by(r, issuer, policy) => {
                Err("OCSP responder certificate is not issued by the certificate's CA".into())
            }
            Some(r) if !within(r, produced) => {
                Err("OCSP responder certificate not valid when the response was produced".into())
            }
            Some(r) => signed_by(r, &basic.signature_algorithm, &tbs, sig, policy, produced),
        }
    };
    signer_ok.map_err(|e| format!("OCSP: {e}"))?;
    // Nonce.
    if let (Some(sent), Some(got)) = (
        &options.nonce,
        ocsp::nonce_of(data.response_extensions.as_ref()),
    ) && *sent != got
    {
        return Err("OCSP nonce does not match the request".into());
    }
    // Freshness.
    let t = options.time;
    let this_update = single.this_update.to_date_time();
    if this_update < t {
        let fresh = match single.next_update {
            Some(n) => t <= n.to_date_time(),
            None => {
                t.unix_duration().as_secs() - this_update.unix_duration().as_secs()
                    <= options.max_ocsp_age_secs
            }
        };
        if !fresh {
            return Err(format!(
                "OCSP response is not current at the validation time (thisUpdate {})",
                rfc3339(this_update)
            ));
        }
    }
    let status = match &single.cert_status {
        OcspCertStatus::Good(_) => CertStatus::Good,
        OcspCertStatus::Unknown(_) => CertStatus::Unknown,
        OcspCertStatus::Revoked(info) => {
            let time = info.revocation_time.to_date_time();
            let reason = info
                .revocation_reason
                .as_ref()
                .and_then(CrlReason::from_any);
            match reason {
                Some(CrlReason::CertificateHold) => CertStatus::Suspended { time },
                _ => CertStatus::Revoked { time, reason },
            }
        }
    };
    Ok(Some(Found {
        status,
        source: Source::Ocsp,
    }))
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
    pub(crate) crls: Vec<Result<crate::crl::Crl, String>>,
}

impl<'a> Ctx<'a> {
    fn new(data: &'a RevocationData, options: &'a RevocationOptions) -> Self {
        Self {
            data,
            options,
            crls: data
                .crls
                .iter()
                .map(|c| crate::crl::Crl::parse(c))
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
/// whose own status is being decided (see [`crate::crl`]).
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
            Ok(Some(f)) => found.push((f.status, f.source, crate::crl::ALL_REASONS)),
            Ok(None) => {}
            Err(e) => rejected.push(e),
        }
    }
    let (crl_found, crl_rejected) = crate::crl::crl_findings(cert, above, is_ca, ctx, visiting);
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
            if covered & crate::crl::ALL_REASONS == crate::crl::ALL_REASONS {
                (CertStatus::Good, Some(worst.1), rejected)
            } else {
                rejected.push(format!(
                    "the usable CRLs cover only some revocation reasons (ReasonFlags {covered:#05x} of {:#05x})",
                    crate::crl::ALL_REASONS
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
        let (role_vi, role_en) = if i == 0 {
            ("của người ký", "signer's")
        } else {
            ("của tổ chức cấp trung gian", "intermediate CA")
        };
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
        let src = match source {
            Some(Source::Crl) => "CRL",
            Some(Source::Ocsp) => "OCSP",
            None => "",
        };
        match status {
            CertStatus::Good => reasons.push(Reason::info(
                "REVOCATION_GOOD",
                format!("Chứng thư số {role_vi} \"{name}\" không bị thu hồi tại thời điểm ký (theo {src})"),
                format!("The {role_en} certificate \"{name}\" was not revoked at the signing time (per {src})"),
            )),
            CertStatus::Revoked { time, reason } => {
                let (r_vi, r_en) = reason
                    .map(|r| (r.vi(), r.as_str()))
                    .unwrap_or(("không nêu lý do", "no reason given"));
                if time <= t {
                    failed = true;
                    reasons.push(Reason::error(
                        "CERT_REVOKED",
                        format!(
                            "Chứng thư số {role_vi} \"{name}\" đã bị thu hồi lúc {} (lý do: {r_vi}), trước thời điểm ký {} (theo {src})",
                            vn_utc_text(time),
                            vn_utc_text(t)
                        ),
                        format!(
                            "The {role_en} certificate \"{name}\" was revoked at {} (reason: {r_en}), before the signing time {} (per {src})",
                            rfc3339(time),
                            rfc3339(t)
                        ),
                    ));
                } else {
                    reasons.push(Reason::info(
                        "CERT_REVOKED_AFTER_SIGNING",
                        format!(
                            "Chứng thư số {role_vi} \"{name}\" bị thu hồi lúc {} (lý do: {r_vi}), sau thời điểm ký {}; chữ ký vẫn có giá trị",
                            vn_utc_text(time),
                            vn_utc_text(t)
                        ),
                        format!(
                            "The {role_en} certificate \"{name}\" was revoked at {} (reason: {r_en}), after the signing time {}; the signature stays valid",
                            rfc3339(time),
                            rfc3339(t)
                        ),
                    ));
                }
            }
            CertStatus::Suspended { time } => {
                if time <= t {
                    indeterminate = true;
                    reasons.push(Reason::error(
                        "CERT_SUSPENDED",
                        format!(
                            "Chứng thư số {role_vi} \"{name}\" đang bị tạm dừng từ {}, trước thời điểm ký {} (theo {src}); chưa thể khẳng định hiệu lực, cần kiểm tra lại sau",
                            vn_utc_text(time),
                            vn_utc_text(t)
                        ),
                        format!(
                            "The {role_en} certificate \"{name}\" has been suspended (on hold) since {}, before the signing time {} (per {src}); validity cannot be established, check again later",
                            rfc3339(time),
                            rfc3339(t)
                        ),
                    ));
                } else {
                    reasons.push(Reason::info(
                        "CERT_SUSPENDED_AFTER_SIGNING",
                        format!(
                            "Chứng thư số {role_vi} \"{name}\" bị tạm dừng từ {}, sau thời điểm ký {}",
                            vn_utc_text(time),
                            vn_utc_text(t)
                        ),
                        format!(
                            "The {role_en} certificate \"{name}\" was suspended (on hold) at {}, after the signing time {}",
                            rfc3339(time),
                            rfc3339(t)
                        ),
                    ));
                }
            }
            CertStatus::Unknown => {
                indeterminate = true;
                let why = if rejected.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", rejected.join("; "))
                };
                reasons.push(Reason::warning(
                    "REVOCATION_UNAVAILABLE",
                    format!(
                        "Không xác định được tình trạng thu hồi của chứng thư số {role_vi} \"{name}\" tại thời điểm ký (không có CRL/OCSP dùng được); theo Thông tư 15/2025/TT-BKHCN chưa thể khẳng định chữ ký hợp lệ, cần kiểm tra lại sau"
                    ),
                    format!(
                        "The revocation status of the {role_en} certificate \"{name}\" at the signing time could not be obtained (no usable CRL/OCSP){why}; check again later"
                    ),
                ));
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

/// Fetches revocation data for the verifier. Implemented by kyso-net over HTTP; the verifier
/// itself does no I/O, it only calls these methods (a browser caller uses
/// [`revocation_needs`] and `fetch()` instead).
pub trait RevocationFetcher: Send + Sync {
    /// GET a CRL (DER or PEM) from a CRL distribution point URL.
    fn fetch_crl(&self, url: &str) -> Result<Vec<u8>, String>;
    /// POST a DER `OCSPRequest` to a responder; returns the DER `OCSPResponse`.
    fn fetch_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, String>;
    /// GET certificates from an AIA caIssuers URL (DER, PEM or a PKCS#7 bundle).
    fn fetch_ca_issuers(&self, url: &str) -> Result<Vec<u8>, String>;
    /// A fresh random nonce for OCSP requests, if the fetcher can make one.
    fn nonce(&self) -> Option<Vec<u8>> {
        None
    }
}

/// Data fetched by [`fetch_revocation_data`], with what could not be fetched.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// What was obtained.
    pub data: RevocationData,
    /// The nonce sent in OCSP requests (pass it in [`RevocationOptions::nonce`]).
    pub nonce: Option<Vec<u8>>,
    /// Failed fetches, `URL: error` (English, for logs and reports).
    pub errors: Vec<String>,
}

/// Fetch what is missing to decide `path` at `options.time`: for each certificate whose status
/// `known` does not already settle, ask its OCSP responders first, then its CRL distribution
/// points (each URL at most once). Only `http://` URLs are handed to the fetcher.
pub fn fetch_revocation_data(
    path: &[Certificate],
    known: &RevocationData,
    fetcher: &dyn RevocationFetcher,
    options: &RevocationOptions,
) -> Fetched {
    let nonce = fetcher.nonce();
    let mut out = Fetched {
        nonce: nonce.clone(),
        ..Default::default()
    };
    let mut opts = options.clone();
    opts.nonce = nonce.clone();
    let mut crl_done: Vec<String> = Vec::new();
    let needs = revocation_needs(path, nonce.as_deref());
    for need in needs {
        let (cert, above) = (&path[need.index], &path[need.index + 1..]);
        let decided = |data: &RevocationData, extra: &RevocationData| {
            let mut all = data.clone();
            all.extend(extra.clone());
            let (s, _, _) = check_certificate(cert, above, need.index > 0, &all, &opts);
            s != CertStatus::Unknown
        };
        if decided(known, &out.data) {
            continue;
        }
        if let Some(req) = &need.ocsp_request {
            for url in need.ocsp_urls.iter().filter(|u| is_http(u)) {
                match fetcher.fetch_ocsp(url, req) {
                    Ok(bytes) => out.data.ocsp_responses.push(bytes),
                    Err(e) => out.errors.push(format!("{url}: {e}")),
                }
                if decided(known, &out.data) {
                    break;
                }
            }
        }
        if decided(known, &out.data) {
            continue;
        }
        for url in need.crl_urls.iter().filter(|u| is_http(u)) {
            if crl_done.contains(url) {
                continue;
            }
            crl_done.push(url.clone());
            match fetcher.fetch_crl(url) {
                Ok(bytes) => out.data.crls.push(bytes),
                Err(e) => out.errors.push(format!("{url}: {e}")),
            }
            if decided(known, &out.data) {
                break;
            }
        }
    }
    out
}

fn is_http(url: &str) -> bool {
    url.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}
