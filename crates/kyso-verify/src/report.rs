//! The verification report, `kyso.report/1`: one JSON shape for the Rust API, the CLI, the C ABI
//! and WASM. Field names are a contract (ARCHITECTURE.md): add fields, rename none.

pub use kyso_policy::reason::{Reason, Severity};
use serde::Serialize;

/// The report schema identifier.
pub const SCHEMA: &str = "kyso.report/1";

/// The document's overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// Every signature passed and nothing impermissible was added after them.
    Valid,
    /// At least one signature failed, or the document was changed after signing.
    Invalid,
    /// Something could not be decided (missing chain, revocation unknown, …).
    Indeterminate,
    /// The document carries no signature.
    NoSignatures,
}

/// ETSI EN 319 102-1 main indication of one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Indication {
    /// The signature passed every check.
    TotalPassed,
    /// The signature is definitely not valid.
    TotalFailed,
    /// The checks could not conclude.
    Indeterminate,
}

/// Outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The check passed.
    Passed,
    /// The check failed.
    Failed,
    /// The check was not performed on request (e.g. `--no-revocation`).
    Skipped,
    /// The check could not conclude.
    Indeterminate,
    /// The check does not apply.
    NotApplicable,
}

/// The individual checks of a signature.
#[derive(Debug, Clone, Serialize)]
pub struct Checks {
    /// The covered bytes hash to the signed message digest.
    pub integrity: CheckStatus,
    /// The signature value verifies with the signer's key.
    pub signature: CheckStatus,
    /// A certificate path to a trust anchor was found and validated.
    pub chain: CheckStatus,
    /// The signer's certificate was within its validity at the signing time.
    pub validity_at_signing: CheckStatus,
    /// The certificate was not revoked at the signing time.
    pub revocation: CheckStatus,
    /// Algorithms and key sizes meet the constraints.
    pub algorithms: CheckStatus,
    /// Decree 68 / organisation policy rules.
    pub policy: CheckStatus,
    /// The `/ByteRange` covers the whole revision except the signature value.
    pub coverage: CheckStatus,
    /// Later revisions changed only what is permitted.
    pub modifications: CheckStatus,
}

impl Default for Checks {
    fn default() -> Self {
        Self {
            integrity: CheckStatus::Indeterminate,
            signature: CheckStatus::Indeterminate,
            chain: CheckStatus::Indeterminate,
            validity_at_signing: CheckStatus::Indeterminate,
            revocation: CheckStatus::Indeterminate,
            algorithms: CheckStatus::Indeterminate,
            policy: CheckStatus::NotApplicable,
            coverage: CheckStatus::Indeterminate,
            modifications: CheckStatus::Indeterminate,
        }
    }
}

/// Who signed, from the signer's certificate.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SignerReport {
    /// Common name (CN).
    pub common_name: Option<String>,
    /// Organisation (O).
    pub organization: Option<String>,
    /// Organisational unit (OU).
    pub organizational_unit: Option<String>,
    /// Title (2.5.4.12), when the certificate has one.
    pub title: Option<String>,
    /// `individual`, `organization`, `device` or `unknown`.
    pub subscriber_type: String,
    /// Serial number, hex.
    pub serial: String,
    /// Issuer, RFC 4514-like.
    pub issuer: String,
    /// Subject, RFC 4514-like.
    pub subject: String,
    /// Tax code from `UID=MST:`.
    pub tax_code: Option<String>,
    /// Budget-unit code from `UID=MNS:`.
    pub budget_code: Option<String>,
    /// Certificate validity start, RFC 3339.
    pub not_before: String,
    /// Certificate validity end, RFC 3339.
    pub not_after: String,
}

/// The signing time used and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct SigningTimeReport {
    /// RFC 3339 time.
    pub value: String,
    /// `timestamp`, `signed_attribute` or `pdf`.
    pub source: String,
}

/// The signature time-stamp.
#[derive(Debug, Clone, Serialize)]
pub struct TimestampReport {
    /// genTime, RFC 3339.
    pub time: String,
    /// The TSA's name (certificate subject CN or the token's tsa field).
    pub tsa: Option<String>,
    /// The TSA policy under which the token was issued (OID).
    pub policy: Option<String>,
    /// How the TSA certificate chain's revocation status was established (signature
    /// time-stamps; empty when not checked).
    pub revocation: Vec<crate::revocation::RevocationSource>,
    /// Whether the token's signature and message imprint verified and the TSA's certificate
    /// chains to a trust anchor (at the time-stamp's time for a signature time-stamp, at the
    /// validation time for a document time-stamp).
    pub valid: bool,
}

/// One signature's result.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// Fully qualified field name.
    pub field: String,
    /// Workflow role: `approval`, `issuance`, `attachment`, `copy`, `certification` or `unknown`.
    pub role: String,
    /// `signature` or `document_timestamp`.
    pub kind: String,
    /// ETSI main indication.
    pub indication: Indication,
    /// ETSI sub-indication, when not passed.
    pub sub_indication: Option<String>,
    /// The signer, when the certificate was found.
    pub signer: Option<SignerReport>,
    /// The signing time used for validation.
    pub signing_time: Option<SigningTimeReport>,
    /// The signature time-stamp, when present.
    pub timestamp: Option<TimestampReport>,
    /// PAdES level: `B-B`, `B-T`, `B-LT`, `B-LTA` or `unknown`.
    pub level: String,
    /// Whether impermissible changes were made after this signature.
    pub modified_after_signing: bool,
    /// The most severe kind of change after this signature (`none`, `signing`, `form_filling`, …).
    pub modification_level: String,
    /// The checks.
    pub checks: Checks,
    /// Findings, with Vietnamese and English text.
    pub reasons: Vec<Reason>,
    /// `/SubFilter`.
    pub sub_filter: Option<String>,
    /// Signature algorithm, e.g. `RSA-PKCS1v15-SHA256`.
    pub algorithm: Option<String>,
    /// Certificate path subjects, leaf first.
    pub path: Vec<String>,
    /// 1-based page of the widget.
    pub page: Option<u32>,
    /// `/Reason` of the signature dictionary.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// Revision signed (1-based).
    pub revision: Option<usize>,
    /// How each certificate's revocation status was established (leaf first): status, CRL or
    /// OCSP, and whether the data was embedded in the document, given by the caller or fetched.
    pub revocation: Vec<crate::revocation::RevocationSource>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Overall verdict.
    pub verdict: Verdict,
    /// File name, when the caller gave one.
    pub file: Option<String>,
    /// Validation time used (RFC 3339).
    pub validation_time: String,
    /// Revocation mode used: `off`, `embedded` or `online`.
    pub revocation: String,
    /// Number of revisions (incremental updates + 1).
    pub revisions: usize,
    /// One entry per signature, in document order.
    pub signatures: Vec<SignatureReport>,
    /// Findings about the document as a whole.
    pub reasons: Vec<Reason>,
    /// Every network request the verification made or refused (online mode only).
    pub fetched: Vec<crate::network::FetchRecord>,
}

impl Report {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"schema\":\"{SCHEMA}\",\"error\":\"{e}\"}}"))
    }
}
