//! Why a package could not be read at all (codes 8000–8999).

/// A package that cannot be read (as opposed to one read and found invalid, which is a
/// [`PackageReport`](crate::PackageReport) with its reasons).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EdxmlError {
    /// Not UTF-8 text.
    #[error("the package is not UTF-8 text (byte {0})")]
    NotUtf8(usize),
    /// Not well-formed XML, or a DTD, or over the node bound.
    #[error("the package is not well-formed XML: {0}")]
    Xml(String),
    /// Well-formed XML, but no `edXMLEnvelope`.
    #[error("no edXMLEnvelope element: not an edXML package")]
    NotEdxml,
    /// More than one of an element the standard allows once (a wrapped or spliced package).
    #[error("the package has {count} {element} elements; the standard allows one")]
    Duplicate {
        /// The element's local name.
        element: &'static str,
        /// How many were found.
        count: usize,
    },
    /// Larger than the bound the caller set.
    #[error("the package is {size} bytes, over the bound of {limit}")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The bound.
        limit: usize,
    },
}

impl EdxmlError {
    /// A stable code for reports and the C ABI.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotUtf8(_) => "EDXML_NOT_UTF8",
            Self::Xml(_) => "EDXML_MALFORMED_XML",
            Self::NotEdxml => "EDXML_NOT_AN_ENVELOPE",
            Self::Duplicate { .. } => "EDXML_DUPLICATE_ELEMENT",
            Self::TooLarge { .. } => "EDXML_TOO_LARGE",
        }
    }

    /// A stable numeric code (8000–8999).
    pub fn number(&self) -> u32 {
        match self {
            Self::NotUtf8(_) => 8001,
            Self::Xml(_) => 8002,
            Self::NotEdxml => 8003,
            Self::Duplicate { .. } => 8004,
            Self::TooLarge { .. } => 8005,
        }
    }
}
