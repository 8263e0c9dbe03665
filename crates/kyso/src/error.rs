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
    /// The caller's options are invalid.
    #[error("invalid options: {0}")]
    Options(String),
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
            Self::Options(_) => 7001,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
