//! The facade's error: every layer's error, plus I/O (6000–6999) and misuse (7000–7999).

use std::path::PathBuf;

/// Why an operation could not be carried out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The PDF could not be read or updated.
    #[error(transparent)]
    Pdf(#[from] kyso_pdf::PdfError),
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] kyso_sign::SignError),
    /// The key or token failed.
    #[error(transparent)]
    Token(#[from] kyso_token::TokenError),
    /// A certificate or trust store could not be read.
    #[error(transparent)]
    Policy(#[from] kyso_policy::PolicyError),
    /// Verification could not be carried out.
    #[error(transparent)]
    Verify(#[from] kyso_verify::VerifyError),
    /// An edXML package could not be read.
    #[error(transparent)]
    Edxml(#[from] kyso_edxml::EdxmlError),
    /// The caller's options are invalid.
    #[error("invalid options: {0}")]
    Options(String),
    /// A requested PAdES level could not be reached: the validation data of some certificates
    /// is missing (nothing was written).
    #[error(
        "không đạt mức {level}: thiếu dữ liệu xác thực (CRL/OCSP) của {} — level {level} not reached: no revocation data for {}{}",
        missing.join("; "),
        missing.join("; "),
        fetch_note(fetch_errors)
    )]
    LevelNotReached {
        /// The level asked for (`B-LT`, `B-LTA`).
        level: &'static str,
        /// Each certificate whose status the data does not establish.
        missing: Vec<String>,
        /// What failed while fetching (`URL: error`).
        fetch_errors: Vec<String>,
    },
}

fn fetch_note(errors: &[String]) -> String {
    if errors.is_empty() {
        String::new()
    } else {
        format!(" (fetching: {})", errors.join("; "))
    }
}

impl Error {
    /// A stable numeric code: the layer's own, 6001 for I/O, 7001 for invalid options.
    pub fn code(&self) -> u32 {
        match self {
            Self::Io { .. } => 6001,
            Self::Pdf(e) => e.code(),
            Self::Sign(e) => e.code(),
            Self::Token(e) => u32::from(e.code()),
            Self::Policy(e) => e.code(),
            Self::Verify(e) => e.code(),
            Self::Edxml(e) => e.number(),
            Self::Options(_) => 7001,
            Self::LevelNotReached { .. } => 7003,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
