//! Reasons: one finding of a check, in words a clerk can forward (Vietnamese and English).

use serde::{Deserialize, Serialize};

/// How much a [`Reason`] weighs in the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational: nothing is wrong.
    Info,
    /// Something could not be checked or is doubtful; never silent.
    Warning,
    /// A check failed.
    Error,
}

/// One finding, with a stable machine code and text in Vietnamese (`vi`) and English (`en`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable, upper-case code such as `REVOCATION_SKIPPED`.
    pub code: String,
    /// Weight of the finding.
    pub severity: Severity,
    /// Vietnamese text.
    pub vi: String,
    /// English text.
    pub en: String,
}

impl Reason {
    /// A new reason.
    pub fn new(
        code: &str,
        severity: Severity,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            code: code.to_owned(),
            severity,
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// An error reason.
    pub fn error(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, vi, en)
    }

    /// A warning reason.
    pub fn warning(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, vi, en)
    }

    /// An informational reason.
    pub fn info(code: &str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, vi, en)
    }
}
