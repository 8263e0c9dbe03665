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

/// RFC 3339 (UTC, `Z`) form of a DER time.
pub fn rfc3339(t: &der::DateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds()
    )
}

/// Parse an RFC 3339 time (`2025-01-07T09:02:32Z`, `…+07:00`, fractional seconds ignored).
pub fn parse_rfc3339(s: &str) -> Option<der::DateTime> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset_secs: i64 = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(4..6)?.parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    let local =
        der::DateTime::new(y as u16, mo as u8, d as u8, h as u8, mi as u8, se as u8).ok()?;
    let unix = local.unix_duration().as_secs() as i64 - offset_secs;
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(u64::try_from(unix).ok()?))
        .ok()
}

/// Parse a PDF date string (`D:20250107160232+07'00'`) as UTC.
pub fn parse_pdf_date(s: &str) -> Option<der::DateTime> {
    let s = s.trim().strip_prefix("D:").unwrap_or(s.trim());
    let digits = |r: std::ops::Range<usize>, default: u32| -> Option<u32> {
        match s.get(r) {
            Some(x) if x.bytes().all(|b| b.is_ascii_digit()) && !x.is_empty() => x.parse().ok(),
            _ => Some(default),
        }
    };
    if s.len() < 4 {
        return None;
    }
    let y = digits(0..4, 0)?;
    let mo = digits(4..6, 1)?;
    let d = digits(6..8, 1)?;
    let h = digits(8..10, 0)?;
    let mi = digits(10..12, 0)?;
    let se = digits(12..14, 0)?;
    let tz = s.get(14..).unwrap_or("");
    let offset: i64 = match tz.as_bytes().first() {
        Some(b'+') | Some(b'-') => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let oh: i64 = tz.get(1..3).and_then(|x| x.parse().ok()).unwrap_or(0);
            let om: i64 = tz.get(4..6).and_then(|x| x.parse().ok()).unwrap_or(0);
            sign * (oh * 3600 + om * 60)
        }
        _ => 0,
    };
    let local =
        der::DateTime::new(y as u16, mo as u8, d as u8, h as u8, mi as u8, se as u8).ok()?;
    let unix = local.unix_duration().as_secs() as i64 - offset;
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(u64::try_from(unix).ok()?))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_times() {
        let t = parse_rfc3339("2025-01-07T16:02:32+07:00").map(|t| rfc3339(&t));
        assert_eq!(t.as_deref(), Some("2025-01-07T09:02:32Z"));
        let t = parse_pdf_date("D:20250107160232+07'00'").map(|t| rfc3339(&t));
        assert_eq!(t.as_deref(), Some("2025-01-07T09:02:32Z"));
        assert!(parse_rfc3339("yesterday").is_none());
    }
}
