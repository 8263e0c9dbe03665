//! The `kyso.edxml/1` report: one per package — its header, its XML signature, and each
//! attached document with the `kyso.report/1` report `kyso verify` gives it.

use kyso_policy::reason::Reason;
use kyso_verify::Verdict;
use kyso_verify::report::SignerReport;
use serde::Serialize;

use crate::envelope::Header;
use crate::xmldsig::Coverage;

/// Schema name of [`PackageReport`].
pub const SCHEMA: &str = "kyso.edxml/1";

/// The status of the package's XML signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureStatus {
    /// No XML signature.
    Absent,
    /// Checked: intact, signed by a trusted, valid certificate.
    Valid,
    /// Checked and wrong (changed after signing, bad value, malformed).
    Invalid,
    /// Intact, but the signer's certificate could not be established as valid.
    Indeterminate,
    /// Outside what kyso checks (an algorithm, a transform, the size): neither valid nor invalid.
    NotChecked,
}

/// The package's XML signature.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderSignature {
    /// Its status.
    pub status: SignatureStatus,
    /// What it covers, when checked.
    pub covers: Option<Coverage>,
    /// Who signed, when the signature value verified.
    pub signer: Option<SignerReport>,
    /// Findings about it.
    pub reasons: Vec<Reason>,
}

/// One attached document.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentReport {
    /// Its content id in the package.
    pub content_id: String,
    /// Its name.
    pub name: String,
    /// Its declared content type.
    pub content_type: String,
    /// Its size in bytes (0 when it could not be decoded).
    pub size: usize,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// For a PDF: the verification report.
    pub report: Option<kyso_verify::Report>,
    /// Findings when it was not verified (not a PDF, undecodable, unreadable PDF).
    pub reasons: Vec<Reason>,
}

impl AttachmentReport {
    /// Its verdict: the PDF's, or INVALID when it could not be read.
    pub fn verdict(&self) -> Option<Verdict> {
        match &self.report {
            Some(r) => Some(r.verdict),
            None if self
                .reasons
                .iter()
                .any(|r| r.severity == kyso_policy::reason::Severity::Error) =>
            {
                Some(Verdict::Invalid)
            }
            None => None,
        }
    }
}

/// The report of one package.
#[derive(Debug, Clone, Serialize)]
pub struct PackageReport {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Overall verdict: INVALID when the package or any attached document is not valid
    /// (unsigned included), INDETERMINATE when something could not be decided.
    pub verdict: Verdict,
    /// The package's file name, when the caller gave one.
    pub file: Option<String>,
    /// SHA-256 of the package, hex.
    pub sha256: String,
    /// The header.
    pub header: Header,
    /// Number and notation (`12/UBND-VP`).
    pub number: String,
    /// The XML signature.
    pub signature: HeaderSignature,
    /// The attached documents.
    pub attachments: Vec<AttachmentReport>,
    /// Findings about the package as a whole.
    pub reasons: Vec<Reason>,
}

impl PackageReport {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|e| format!("{{\"schema\":\"{SCHEMA}\",\"error\":\"{e}\"}}"))
    }
}
