//! Errors of the PDF layer (codes 1000–1999).

/// Why a PDF could not be read or updated.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The file is not a PDF kyso can read (no header, no cross-reference data, broken syntax).
    #[error("malformed PDF{}: {message}", offset.map(|o| format!(" at byte {o}")).unwrap_or_default())]
    Malformed {
        /// What is wrong.
        message: String,
        /// Byte offset where the problem was seen, when known.
        offset: Option<usize>,
    },
    /// An object the operation needs is missing or of the wrong type.
    #[error("PDF object {}: {message}", object.map(|(n, g)| format!("{n} {g} R")).unwrap_or_else(|| "?".into()))]
    BadObject {
        /// The object number and generation, when known.
        object: Option<(u32, u16)>,
        /// What is wrong.
        message: String,
    },
    /// The PDF uses a feature kyso does not handle for this operation (e.g. encryption when signing).
    #[error("unsupported PDF feature: {0}")]
    Unsupported(String),
    /// A requested page does not exist.
    #[error("page {page} does not exist (the document has {count} pages)")]
    NoSuchPage {
        /// Requested page, 1-based.
        page: u32,
        /// Pages in the document.
        count: u32,
    },
    /// The document's certification (DocMDP) or its signatures forbid the update (e.g. a new
    /// signature on a document certified with no changes permitted). The message is given in
    /// Vietnamese and English.
    #[error("{0}")]
    NotPermitted(String),
    /// The file declares more objects than kyso parses (a few thousand is usual; a million
    /// tiny objects would cost the parser about a gigabyte).
    #[error("the PDF has about {count} objects; more than {limit} are not read")]
    TooManyObjects {
        /// Objects counted before parsing (`obj` keywords and object-stream sizes).
        count: usize,
        /// The bound ([`crate::load::MAX_OBJECTS`]).
        limit: usize,
    },
    /// The signature value is larger than the space reserved for it.
    #[error("signature of {needed} bytes does not fit the {reserved} bytes reserved in /Contents")]
    ContentsTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes reserved.
        reserved: usize,
    },
}

impl PdfError {
    /// A stable numeric code (1000–1999).
    pub fn code(&self) -> u32 {
        match self {
            Self::Malformed { .. } => 1001,
            Self::BadObject { .. } => 1002,
            Self::Unsupported(_) => 1003,
            Self::NoSuchPage { .. } => 1004,
            Self::ContentsTooSmall { .. } => 1005,
            Self::NotPermitted(_) => 1006,
            Self::TooManyObjects { .. } => 1008,
        }
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::Malformed {
            message: message.into(),
            offset: None,
        }
    }

    pub(crate) fn bad_object(object: Option<(u32, u16)>, message: impl Into<String>) -> Self {
        Self::BadObject {
            object,
            message: message.into(),
        }
    }
}

impl From<lopdf::Error> for PdfError {
    fn from(e: lopdf::Error) -> Self {
        Self::malformed(e.to_string())
    }
}
