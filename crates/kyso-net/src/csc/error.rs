//! [`CscError`]: what went wrong talking to a CSC service, typed by what the clerk must do.

use kyso_token::{RemoteFailure, TokenError};

/// Why a CSC call failed. Never carries a PIN, OTP, SAD or access token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CscError {
    /// The URL is refused by the client's policy (see [`super::check_service_url`]).
    Url {
        /// The URL.
        url: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// The service could not be reached (connection refused, reset, timeout of one request).
    Unreachable {
        /// The URL.
        url: String,
        /// The transport's complaint.
        message: String,
    },
    /// The service answered with an error (CSC `error` / `error_description`).
    Service {
        /// What kind of failure this is.
        kind: RemoteFailure,
        /// HTTP status.
        status: u16,
        /// CSC `error`.
        error: String,
        /// CSC `error_description` (empty when absent).
        description: String,
    },
    /// The user did not confirm within the time allowed.
    Timeout {
        /// The time allowed.
        seconds: u64,
    },
    /// A returned signature does not verify with the credential's key over the hash sent.
    WrongSignature {
        /// 0-based position in the batch.
        index: usize,
    },
    /// More signatures asked for than the credential allows in one authorization.
    TooManySignatures {
        /// How many were asked for.
        asked: usize,
        /// The credential's `multisign`.
        allowed: usize,
    },
    /// The answer is not what the CSC API specifies (malformed JSON, missing field, bad
    /// base64 or certificate, wrong number of signatures, unsupported key or mode).
    Protocol {
        /// What is wrong.
        message: String,
    },
}

impl std::fmt::Display for CscError {
    /// The Vietnamese sentence for the clerk, then the technical detail in parentheses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.kind().vi(), self.detail())
    }
}

impl CscError {
    /// The technical detail (the service's `error` and `error_description`, the URL…),
    /// without the Vietnamese sentence.
    pub fn detail(&self) -> String {
        match self {
            Self::Url { url, reason } => format!("{url}: {reason}"),
            Self::Unreachable { url, message } => format!("{url}: {message}"),
            Self::Service {
                status,
                error,
                description,
                ..
            } if description.is_empty() => format!("HTTP {status}, {error}"),
            Self::Service {
                status,
                error,
                description,
                ..
            } => format!("HTTP {status}, {error}: {description}"),
            Self::Timeout { seconds } => format!("no confirmation within {seconds} s"),
            Self::WrongSignature { index } => {
                format!("signature {index} does not verify with the certificate over the hash sent")
            }
            Self::TooManySignatures { asked, allowed } => format!(
                "{asked} signatures asked for, the credential allows {allowed} per authorization"
            ),
            Self::Protocol { message } => message.clone(),
        }
    }

    /// The kind of failure, for callers that branch on it.
    pub fn kind(&self) -> RemoteFailure {
        match self {
            Self::Url { .. } | Self::Unreachable { .. } => RemoteFailure::Unreachable,
            Self::Service { kind, .. } => *kind,
            Self::Timeout { .. } => RemoteFailure::Timeout,
            Self::WrongSignature { .. } => RemoteFailure::WrongSignature,
            Self::TooManySignatures { .. } => RemoteFailure::TooManySignatures,
            Self::Protocol { .. } => RemoteFailure::Service,
        }
    }

    /// Stable numeric code (the [`TokenError`] range 4100–4119, shared with [`RemoteFailure`]).
    pub fn code(&self) -> u16 {
        self.kind().code()
    }

    pub(crate) fn protocol(message: impl Into<String>) -> Self {
        Self::Protocol {
            message: message.into(),
        }
    }
}

impl From<CscError> for TokenError {
    fn from(e: CscError) -> Self {
        let kind = e.kind();
        TokenError::Remote {
            kind,
            detail: e.detail(),
        }
    }
}

/// The kind of a CSC error answer, from the HTTP status and the `error` and
/// `error_description` fields. CSC v1.0.4 puts most failures under `invalid_request` and says
/// which parameter in the description; v2 and the Vietnamese services use more specific codes.
pub(crate) fn classify(status: u16, error: &str, description: &str) -> RemoteFailure {
    let e = error.to_ascii_lowercase();
    let d = description.to_ascii_lowercase();
    let has = |w: &str| e.contains(w) || d.contains(w);
    if status == 401 || has("invalid_token") || has("expired_token") || e == "unauthorized" {
        RemoteFailure::InvalidToken
    } else if has("otp") {
        RemoteFailure::WrongOtp
    } else if has("pin") {
        RemoteFailure::WrongPin
    } else if has("numsignatures") || has("too many") {
        RemoteFailure::TooManySignatures
    } else if has("declined") || has("rejected") || e == "access_denied" {
        RemoteFailure::Declined
    } else if has("expired") && (has("request") || has("response") || has("transaction")) {
        RemoteFailure::Timeout
    } else if has("credentialid") || has("credential_not_found") || status == 404 {
        RemoteFailure::CredentialNotFound
    } else {
        RemoteFailure::Service
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csc_errors_are_classified() {
        use RemoteFailure as F;
        let cases = [
            (400, "invalid_request", "The PIN is invalid", F::WrongPin),
            (400, "invalid_pin", "", F::WrongPin),
            (400, "invalid_otp", "", F::WrongOtp),
            (400, "invalid_request", "Invalid parameter OTP", F::WrongOtp),
            (401, "invalid_token", "expired", F::InvalidToken),
            (400, "expired_token", "", F::InvalidToken),
            (
                400,
                "invalid_request",
                "Invalid parameter credentialID",
                F::CredentialNotFound,
            ),
            (400, "access_denied", "The user declined", F::Declined),
            (
                400,
                "invalid_request",
                "numSignatures too large",
                F::TooManySignatures,
            ),
            (500, "server_error", "", F::Service),
        ];
        for (status, error, description, want) in cases {
            assert_eq!(
                classify(status, error, description),
                want,
                "{error} {description}"
            );
        }
    }

    #[test]
    fn errors_keep_the_service_words_and_the_vietnamese_text() {
        let e = CscError::Service {
            kind: RemoteFailure::WrongPin,
            status: 400,
            error: "invalid_pin".into(),
            description: "PIN sai".into(),
        };
        let t: TokenError = e.into();
        let text = t.to_string();
        assert!(text.contains("Mã PIN không đúng"), "{text}");
        assert!(
            text.contains("invalid_pin") && text.contains("PIN sai"),
            "{text}"
        );
        assert_eq!(t.code(), 4100);
    }
}
