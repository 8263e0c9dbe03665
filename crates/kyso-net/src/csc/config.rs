//! [`CscConfig`]: which service, which API version, how the client authenticates, and the
//! secrets it holds (zeroized on drop, never in `Debug` output).

use std::time::Duration;

use zeroize::Zeroizing;

/// The CSC API version the service speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CscApi {
    /// v1.0.4.0: `hash`/`hashAlgo` names, synchronous signing only.
    V1,
    /// v2.0.0.2: `hashes`/`hashAlgorithmOID`, asynchronous signing (`operationMode: "A"`,
    /// then `signatures/signPolling`).
    #[default]
    V2,
}

/// How the client gets its access token.
#[non_exhaustive]
pub enum CscAuth {
    /// No token (a service that authenticates otherwise, e.g. on a local gateway).
    None,
    /// A bearer token obtained beforehand (e.g. the Viettel MySign `login` answer).
    Bearer(Zeroizing<String>),
    /// OAuth2 client credentials, exchanged at `oauth2/token` of the service (or of the
    /// authorization server `info` names).
    ClientCredentials {
        /// `client_id`.
        client_id: String,
        /// `client_secret`.
        client_secret: Zeroizing<String>,
    },
}

impl std::fmt::Debug for CscAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Self::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"<redacted>")
                .finish(),
        }
    }
}

/// Everything the CSC client needs.
pub struct CscConfig {
    /// Base URI of the API, e.g. `http://127.0.0.1:8443/csc/v2` (methods are appended).
    pub url: String,
    /// API version.
    pub api: CscApi,
    /// How to get the access token.
    pub auth: CscAuth,
    /// PIN for `credentials/authorize` (explicit authorization).
    pub pin: Option<Zeroizing<String>>,
    /// One-time password for `credentials/authorize`.
    pub otp: Option<Zeroizing<String>>,
    /// Ask for asynchronous signing (v2 only): the user confirms on their phone meanwhile.
    pub asynchronous: bool,
    /// How long to wait for the user's confirmation (asynchronous signing) in all.
    pub confirm_timeout: Duration,
    /// Pause between two polls.
    pub poll_interval: Duration,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// Size cap of one answer in bytes.
    pub max_bytes: u64,
    /// The `description` sent with `credentials/authorize` (shown to the user by some apps).
    pub description: String,
    /// Certificates (DER) that `https://` servers are checked against instead of Mozilla's
    /// roots (a private deployment, tests); used with the `tls` feature only.
    pub tls_roots: Vec<Vec<u8>>,
}

impl CscConfig {
    /// A v2 client of `url` without token, PIN or OTP: 120 s to confirm, polls every 2 s,
    /// 30 s per request, 1 MiB per answer.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            api: CscApi::V2,
            auth: CscAuth::None,
            pin: None,
            otp: None,
            asynchronous: false,
            confirm_timeout: Duration::from_secs(120),
            poll_interval: Duration::from_secs(2),
            request_timeout: Duration::from_secs(30),
            max_bytes: 1024 * 1024,
            description: "kyso: ký văn bản PDF".into(),
            tls_roots: Vec::new(),
        }
    }
}

impl std::fmt::Debug for CscConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CscConfig")
            .field("url", &self.url)
            .field("api", &self.api)
            .field("auth", &self.auth)
            .field("pin", &self.pin.as_ref().map(|_| "<redacted>"))
            .field("otp", &self.otp.as_ref().map(|_| "<redacted>"))
            .field("asynchronous", &self.asynchronous)
            .field("confirm_timeout", &self.confirm_timeout)
            .field("poll_interval", &self.poll_interval)
            .field("request_timeout", &self.request_timeout)
            .field("max_bytes", &self.max_bytes)
            .field("tls_roots", &self.tls_roots.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let mut c = CscConfig::new("http://127.0.0.1:1/csc/v2");
        c.pin = Some(Zeroizing::new("pin-1234".into()));
        c.otp = Some(Zeroizing::new("otp-5678".into()));
        c.auth = CscAuth::ClientCredentials {
            client_id: "kyso".into(),
            client_secret: Zeroizing::new("secret-9".into()),
        };
        let text = format!("{c:?}");
        for secret in ["pin-1234", "otp-5678", "secret-9"] {
            assert!(!text.contains(secret), "{text}");
        }
        let bearer = format!("{:?}", CscAuth::Bearer(Zeroizing::new("tok-1".into())));
        assert!(!bearer.contains("tok-1"));
    }
}
