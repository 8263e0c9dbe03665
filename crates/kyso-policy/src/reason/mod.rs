//! Reasons: one finding of a check, in words a clerk can forward (Vietnamese and English).
//!
//! Every text lives in the [`catalog`]: one entry per message, keyed by its code, with the
//! Vietnamese and English templates side by side and their named parameters. A finding is made
//! from a [`Msg`] variant, which takes each parameter by name:
//!
//! ```
//! use kyso_policy::reason::{Msg, Severity};
//!
//! let r = Msg::CertExpired { name: &"Nguyễn Văn An", end: &"31/12/2025" }.reason();
//! assert_eq!(r.code, "CERT_EXPIRED");
//! assert_eq!(r.severity, Severity::Error);
//! assert_eq!(r.vi, "Chứng thư số \"Nguyễn Văn An\" đã hết hạn ngày 31/12/2025");
//! assert_eq!(r.en, "Certificate \"Nguyễn Văn An\" expired on 31/12/2025");
//! ```
//!
//! A parameter left out does not compile:
//!
//! ```compile_fail
//! use kyso_policy::reason::Msg;
//!
//! let r = Msg::CertExpired { name: &"Nguyễn Văn An" }.reason(); // no `end`
//! ```
//!
//! Parameters are anything displayable (written the same in both languages), a catalogued
//! [`Term`] (its own word in each language) or an [`At`] time.

use serde::{Deserialize, Serialize};

pub mod catalog;
mod define;
mod params;
#[cfg(test)]
mod tests;

pub use catalog::{Msg, Term};
pub use params::{At, Param};

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
    /// A new reason. Findings of kyso's checks come from the [`catalog`] ([`Msg::reason`]).
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

    /// The same finding with another weight (where the catalog's default does not apply,
    /// e.g. a finding that is decisive in one check and only a warning in another).
    pub fn with_severity(self, severity: Severity) -> Self {
        Self { severity, ..self }
    }
}

/// One entry of the [`catalog`]: a message's variant name, code, severity, parameter names and
/// its Vietnamese and English templates (`{name}` marks a parameter).
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The [`Msg`] variant.
    pub name: &'static str,
    /// The reason code.
    pub code: &'static str,
    /// The severity it is made with.
    pub severity: Severity,
    /// The named parameters.
    pub params: &'static [&'static str],
    /// The Vietnamese template.
    pub vi: &'static str,
    /// The English template.
    pub en: &'static str,
}
