//! kyso-net: the only kyso crate that talks HTTP.
//!
//! [`HttpFetcher`] implements [`kyso_policy::revocation::RevocationFetcher`]: it GETs CRLs from
//! CRL distribution points and certificates from AIA caIssuers URLs, and POSTs OCSP requests
//! (RFC 6960 Appendix A, `application/ocsp-request`). The verifier decides what to fetch and
//! what the bytes mean; this crate only moves them.
//!
//! [`TsaClient`] (module [`tsp`]) implements [`kyso_policy::timestamp::TimeStamper`]: an RFC 3161 client over
//! HTTP (`application/timestamp-query`) that checks every response before returning the token.
//!
//! [`csc::CscSigner`] (module [`csc`]) signs through a remote signing service speaking the Cloud
//! Signature Consortium API, and checks every signature it returns.
//!
//! Limits: plain `http://` only (CRL, OCSP and AIA URLs are http by RFC 5280 §4.2.1.13 and
//! RFC 6960; their content is signed), exactly the URL given (no redirects, no proxy from the
//! environment), a connect and an overall timeout, and a size cap on every response body.
//!
//! ```no_run
//! use kyso_policy::revocation::RevocationFetcher;
//! let fetcher = kyso_net::HttpFetcher::new(kyso_net::FetchConfig::default());
//! let crl = fetcher.fetch_crl("http://127.0.0.1:18080/crl/ca-g2.crl");
//! ```
#![forbid(unsafe_code)]

pub mod csc;
pub mod tsp;

use std::time::Duration;

use kyso_policy::revocation::RevocationFetcher;

pub use tsp::{TsaClient, TsaConfig};

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The URL is not a plain `http://` URL.
    #[error("only http:// URLs are fetched, not {url:?}")]
    UnsupportedUrl {
        /// The URL.
        url: String,
    },
    /// Transport failure (connection refused, timeout, malformed HTTP, body too large).
    #[error("HTTP request to {url} failed: {message}")]
    Transport {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The server answered with a status other than 200.
    #[error("HTTP {status} from {url}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The response body is larger than the configured cap.
    #[error("the response from {url} is larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap in bytes.
        limit: u64,
    },
}

impl NetError {
    /// Stable numeric code in the I/O range 5000–5999.
    pub fn code(&self) -> u32 {
        match self {
            Self::UnsupportedUrl { .. } => 5101,
            Self::Transport { .. } => 5102,
            Self::Status { .. } => 5103,
            Self::TooLarge { .. } => 5104,
        }
    }
}

/// Limits of [`HttpFetcher`].
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// Timeout of a whole request (connect, send, receive).
    pub timeout: Duration,
    /// Maximum size of a response body in bytes.
    pub max_bytes: u64,
    /// Whether OCSP requests carry a random nonce (RFC 8954).
    pub ocsp_nonce: bool,
}

impl Default for FetchConfig {
    /// 5 s to connect, 15 s per request, 10 MiB per body, OCSP nonce on.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_bytes: 10 * 1024 * 1024,
            ocsp_nonce: true,
        }
    }
}

/// An HTTP client for revocation data.
#[derive(Debug)]
pub struct HttpFetcher {
    agent: ureq::Agent,
    config: FetchConfig,
}

/// The agent every client here uses: the given timeouts, statuses as values (not errors), no
/// redirects, no proxy from the environment.
pub(crate) fn agent(connect_timeout: Duration, timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(connect_timeout))
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .proxy(None)
        .user_agent("kyso")
        .build()
        .into()
}

/// Accept only `http://host...` URLs without whitespace.
pub(crate) fn check_url(url: &str) -> Result<(), NetError> {
    let ok = url
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        && url.len() > 7
        && !url.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(NetError::UnsupportedUrl { url: url.into() })
    }
}

/// A 200 response's body (at most `max_bytes`) and its `Content-Type`, if any.
pub(crate) struct Fetched {
    /// The body.
    pub(crate) body: Vec<u8>,
    /// The `Content-Type` header, when present and ASCII.
    pub(crate) content_type: Option<String>,
}

/// Turn a ureq result into the body of a 200 response, capped at `max_bytes`.
pub(crate) fn finish(
    url: &str,
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    max_bytes: u64,
) -> Result<Fetched, NetError> {
    let transport = |e: ureq::Error| match e {
        ureq::Error::BodyExceedsLimit(limit) => NetError::TooLarge {
            url: url.into(),
            limit,
        },
        e => NetError::Transport {
            url: url.into(),
            message: e.to_string(),
        },
    };
    let mut resp = result.map_err(transport)?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(NetError::Status {
            url: url.into(),
            status,
        });
    }
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = resp
        .body_mut()
        .with_config()
        .limit(max_bytes)
        .read_to_vec()
        .map_err(transport)?;
    Ok(Fetched { body, content_type })
}

/// POST `body` with the given content types and return the capped response.
pub(crate) fn post(
    agent: &ureq::Agent,
    url: &str,
    content_type: &str,
    accept: &str,
    body: &[u8],
    max_bytes: u64,
) -> Result<Fetched, NetError> {
    check_url(url)?;
    let result = agent
        .post(url)
        .header("Content-Type", content_type)
        .header("Accept", accept)
        .send(body);
    finish(url, result, max_bytes)
}

impl HttpFetcher {
    /// A client with the given limits.
    pub fn new(config: FetchConfig) -> Self {
        let agent = agent(config.connect_timeout, config.timeout);
        Self { agent, config }
    }

    /// GET `url`.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, NetError> {
        check_url(url)?;
        let result = self.agent.get(url).call();
        finish(url, result, self.config.max_bytes).map(|f| f.body)
    }

    /// POST a DER OCSP request to `url`.
    pub fn post_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, NetError> {
        post(
            &self.agent,
            url,
            "application/ocsp-request",
            "application/ocsp-response",
            request,
            self.config.max_bytes,
        )
        .map(|f| f.body)
    }
}

impl Default for HttpFetcher {
    fn default() -> Self {
        Self::new(FetchConfig::default())
    }
}

impl RevocationFetcher for HttpFetcher {
    fn fetch_crl(&self, url: &str) -> Result<Vec<u8>, String> {
        self.get(url).map_err(|e| e.to_string())
    }

    fn fetch_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, String> {
        self.post_ocsp(url, request).map_err(|e| e.to_string())
    }

    fn fetch_ca_issuers(&self, url: &str) -> Result<Vec<u8>, String> {
        self.get(url).map_err(|e| e.to_string())
    }

    fn nonce(&self) -> Option<Vec<u8>> {
        if !self.config.ocsp_nonce {
            return None;
        }
        let mut n = vec![0u8; 16];
        getrandom::fill(&mut n).ok()?;
        Some(n)
    }
}

/// A one-shot loopback HTTP server for unit tests.
#[cfg(test)]
pub(crate) mod test_http {
    #![allow(clippy::unwrap_used)]
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    /// A one-shot loopback server answering one request with `response`; returns the URL base
    /// and a handle yielding the raw request it received.
    pub(crate) fn serve_once(response: Vec<u8>) -> (String, std::thread::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = s.read(&mut buf).unwrap_or(0);
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            s.write_all(&response).unwrap();
            got
        });
        (format!("http://{addr}"), handle)
    }

    /// A 200 response with `body`.
    pub(crate) fn ok(body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    }

    /// A response with `status`, `Content-Type: ctype` and `body`.
    pub(crate) fn typed(status: &str, ctype: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(body);
        r
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::test_http::{ok, serve_once};
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn get_returns_the_body() {
        let (base, h) = serve_once(ok(b"crl bytes"));
        let f = HttpFetcher::default();
        assert_eq!(
            f.fetch_crl(&format!("{base}/crl/x.crl")).unwrap(),
            b"crl bytes"
        );
        let req = String::from_utf8(h.join().unwrap()).unwrap();
        assert!(req.starts_with("GET /crl/x.crl HTTP/1.1"));
    }

    #[test]
    fn ocsp_is_posted_with_its_content_type() {
        let (base, h) = serve_once(ok(b"\x30\x03\x0a\x01\x00"));
        let f = HttpFetcher::default();
        let resp = f.fetch_ocsp(&format!("{base}/ocsp"), b"\x30\x00").unwrap();
        assert_eq!(resp, b"\x30\x03\x0a\x01\x00");
        let req = h.join().unwrap();
        let text = String::from_utf8_lossy(&req).to_ascii_lowercase();
        assert!(text.starts_with("post /ocsp http/1.1"));
        assert!(text.contains("content-type: application/ocsp-request"));
        assert!(req.ends_with(b"\x30\x00"));
    }

    #[test]
    fn non_200_and_redirects_are_errors() {
        let (base, h) = serve_once(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
        );
        let err = HttpFetcher::default()
            .get(&format!("{base}/a"))
            .unwrap_err();
        assert!(matches!(err, NetError::Status { status: 302, .. }), "{err}");
        h.join().unwrap();
    }

    #[test]
    fn body_over_the_cap_is_refused() {
        let (base, h) = serve_once(ok(&[0u8; 2048]));
        let f = HttpFetcher::new(FetchConfig {
            max_bytes: 1024,
            ..Default::default()
        });
        let err = f.get(&format!("{base}/big")).unwrap_err();
        assert!(
            matches!(err, NetError::TooLarge { limit: 1024, .. }),
            "{err}"
        );
        h.join().unwrap();
    }

    #[test]
    fn only_http_urls() {
        let f = HttpFetcher::default();
        for url in [
            "https://127.0.0.1/x",
            "ldap://127.0.0.1/x",
            "file:///etc/passwd",
            "http://",
        ] {
            assert!(
                matches!(f.get(url), Err(NetError::UnsupportedUrl { .. })),
                "{url}"
            );
        }
    }

    #[test]
    fn unreachable_is_a_transport_error() {
        // Bind then drop: nothing listens on that port any more.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = HttpFetcher::default()
            .get(&format!("http://127.0.0.1:{port}/crl"))
            .unwrap_err();
        assert!(matches!(err, NetError::Transport { .. }), "{err}");
    }

    #[test]
    fn nonces_are_random() {
        let f = HttpFetcher::default();
        let (a, b) = (f.nonce().unwrap(), f.nonce().unwrap());
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
    }
}
