//! Errors of document signing (codes 5000–5999, wrapping PDF and token errors).

/// Why a document could not be signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The PDF could not be read or updated.
    #[error(transparent)]
    Pdf(#[from] kyso_pdf::PdfError),
    /// The key could not sign.
    #[error(transparent)]
    Token(#[from] kyso_token::TokenError),
    /// A CMS structure could not be encoded.
    #[error("CMS encoding failed: {0}")]
    Encoding(String),
    /// The options are inconsistent.
    #[error("invalid signing options: {0}")]
    Options(String),
    /// A visible appearance could not be made (unreadable PNG or font, missing glyph, placement).
    #[error("signature appearance: {0}")]
    Appearance(String),
    /// The signer's certificate may not make this signature: its key usage does not allow
    /// signing, it is outside its validity at the signing time, or its key fails the algorithm
    /// policy. Each reason carries Vietnamese and English text and a code
    /// (`KEY_USAGE_NOT_FOR_SIGNING`, `CERTIFICATE_NOT_VALID_AT_TIME`, …).
    #[error("{}", refusal_text(.0))]
    CertificateRefused(Vec<kyso_policy::Reason>),
    /// No time-stamp could be obtained for a B-T or B-LTA signature.
    #[error(transparent)]
    Timestamp(#[from] crate::timestamp::TimestampError),
    /// Two-step signing: the file is not a prepared document (no signature awaiting its value).
    #[error("not a prepared document: {0}")]
    NotPrepared(String),
    /// Two-step signing: the prepared document was changed between prepare and finish.
    #[error("the prepared document was changed after it was prepared: {0}")]
    PreparedChanged(String),
    /// Two-step signing: the signature value does not verify with the signer's certificate
    /// over the prepared signed attributes (a value over other data, or from another key).
    #[error(
        "giá trị chữ ký không khớp với chứng thư số và dữ liệu cần ký — the signature value does not verify with the certificate over the data to be signed"
    )]
    SignatureMismatch,
    /// The input file could not be read while its bytes were hashed
    /// ([`crate::pades::SignedPrefix`]).
    #[error("the document could not be read: {0}")]
    Read(std::io::Error),
}

impl SignError {
    /// A stable numeric code: the wrapped layer's code, or 5000–5999 for this crate's own.
    pub fn code(&self) -> u32 {
        match self {
            Self::Pdf(e) => e.code(),
            Self::Token(e) => u32::from(e.code()),
            Self::Encoding(_) => 5001,
            Self::Options(_) => 5002,
            Self::Appearance(_) => 5003,
            Self::CertificateRefused(_) => 5004,
            Self::NotPrepared(_) => 5010,
            Self::PreparedChanged(_) => 5011,
            Self::SignatureMismatch => 5012,
            Self::Timestamp(e) => e.code(),
            Self::Read(_) => 6001,
        }
    }
}

impl From<kyso_policy::time::OffsetError> for SignError {
    fn from(e: kyso_policy::time::OffsetError) -> Self {
        match e {
            kyso_policy::time::OffsetError::OutOfRange(e) => Self::from(e),
            _ => Self::Options("time before 1970".into()),
        }
    }
}

impl From<der::Error> for SignError {
    fn from(e: der::Error) -> Self {
        Self::Encoding(e.to_string())
    }
}

/// "vi — en" for each reason, separated by "; ".
fn refusal_text(reasons: &[kyso_policy::Reason]) -> String {
    let each: Vec<String> = reasons
        .iter()
        .map(|r| format!("{} — {} [{}]", r.vi, r.en, r.code))
        .collect();
    format!("không ký được / cannot sign: {}", each.join("; "))
}
