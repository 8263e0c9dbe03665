//! HTTP for the CSC client: which URLs may be called, JSON POSTs with a bearer token, bounded
//! answers, and CSC error bodies turned into [`CscError`].

use std::time::Duration;

use zeroize::Zeroizing;

use super::error::{CscError, classify};

/// Accept `https://` URLs (with the `tls` feature), and `http://` URLs whose host is the
/// loopback interface.
///
/// A CSC request carries an access token, and `credentials/authorize` a PIN or OTP: over
/// plain HTTP they may only go to this machine (tests, a local gateway that adds TLS). Real
/// services are `https://`, which needs this crate's `tls` feature (ureq with rustls); without
/// it such URLs are refused with a clear error instead of being sent in the clear.
pub fn check_service_url(url: &str) -> Result<(), CscError> {
    let refuse = |reason| {
        Err(CscError::Url {
            url: url.into(),
            reason,
        })
    };
    if url.contains(char::is_whitespace) || url.contains('@') || url.contains('?') {
        return refuse("the URL may not contain spaces, user names or a query");
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        if !cfg!(feature = "tls") {
            return refuse(
                "https:// needs TLS, which this build of kyso does not include (feature csc-tls); \
                 use a local TLS gateway on 127.0.0.1",
            );
        }
        if rest.split('/').next().unwrap_or_default().is_empty() {
            return refuse("the URL has no host");
        }
        return Ok(());
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return refuse("only https://, or http:// to 127.0.0.1, is supported");
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        refuse("plain http:// is allowed to the loopback interface only (secrets travel in it)")
    }
}

/// The CSC client's agent: the crate's settings (timeouts, statuses as values, no redirects, no
/// proxy from the environment) and, with the `tls` feature, the roots `https://` is checked
/// against: `tls_roots` (DER) when given, else Mozilla's.
fn agent(timeout: Duration, tls_roots: &[Vec<u8>]) -> ureq::Agent {
    #[allow(unused_mut)]
    let mut builder = ureq::Agent::config_builder()
        .timeout_connect(Some(timeout.min(Duration::from_secs(10))))
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .proxy(None)
        .user_agent("kyso");
    #[cfg(feature = "tls")]
    {
        use ureq::tls::{Certificate, RootCerts, TlsConfig};
        let roots = if tls_roots.is_empty() {
            RootCerts::WebPki
        } else {
            let certs: Vec<Certificate<'static>> = tls_roots
                .iter()
                .map(|der| Certificate::from_der(der).to_owned())
                .collect();
            RootCerts::new_with_certs(&certs)
        };
        builder = builder.tls_config(TlsConfig::builder().root_certs(roots).build());
    }
    #[cfg(not(feature = "tls"))]
    let _ = tls_roots;
    builder.build().into()
}

/// One CSC service: its base URI, an agent, the size cap of answers.
#[derive(Debug)]
pub(crate) struct Transport {
    agent: ureq::Agent,
    base: String,
    max_bytes: u64,
}

impl Transport {
    pub(crate) fn new(
        base: &str,
        timeout: Duration,
        max_bytes: u64,
        tls_roots: &[Vec<u8>],
    ) -> Result<Self, CscError> {
        check_service_url(base)?;
        Ok(Self {
            agent: agent(timeout, tls_roots),
            base: base.trim_end_matches('/').to_owned(),
            max_bytes,
        })
    }

    /// The URL of API method `method` (e.g. `credentials/list`).
    pub(crate) fn url(&self, method: &str) -> String {
        format!("{}/{method}", self.base)
    }

    /// POST a JSON body to `method` with an optional bearer token; the body of a 200 answer.
    pub(crate) fn post_json(
        &self,
        method: &str,
        body: &[u8],
        bearer: Option<&str>,
    ) -> Result<Zeroizing<Vec<u8>>, CscError> {
        let url = self.url(method);
        self.post(&url, "application/json", body, bearer)
    }

    /// POST `body` of `content_type` to `url` (checked again: OAuth2 URLs come from `info`).
    pub(crate) fn post(
        &self,
        url: &str,
        content_type: &str,
        body: &[u8],
        bearer: Option<&str>,
    ) -> Result<Zeroizing<Vec<u8>>, CscError> {
        check_service_url(url)?;
        let mut request = self
            .agent
            .post(url)
            .header("Content-Type", content_type)
            .header("Accept", "application/json");
        // The header value is built in a zeroized buffer; ureq copies it into its request.
        let auth = bearer.map(|t| Zeroizing::new(format!("Bearer {t}")));
        if let Some(auth) = &auth {
            request = request.header("Authorization", auth.as_str());
        }
        let unreachable = |e: ureq::Error| CscError::Unreachable {
            url: url.into(),
            message: e.to_string(),
        };
        let mut response = request.send(body).map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = Zeroizing::new(
            response
                .body_mut()
                .with_config()
                .limit(self.max_bytes)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(limit) => {
                        CscError::protocol(format!("the answer of {url} exceeds {limit} bytes"))
                    }
                    e => unreachable(e),
                })?,
        );
        if status == 200 {
            return Ok(body);
        }
        Err(error_answer(status, &body))
    }
}

/// A CSC error answer: `{"error": "...", "error_description": "..."}` (RFC 6749 style).
pub(crate) fn error_answer(status: u16, body: &[u8]) -> CscError {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        error: String,
        #[serde(default, alias = "errorDescription", alias = "message")]
        error_description: String,
    }
    let parsed: ErrorBody = serde_json::from_slice(body).unwrap_or(ErrorBody {
        error: format!("http_{status}"),
        error_description: String::new(),
    });
    // Service texts end up in messages shown to people: keep them short and printable.
    let clip = |s: String| -> String {
        s.chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect::<String>()
    };
    let error = clip(parsed.error);
    let description = clip(parsed.error_description);
    CscError::Service {
        kind: classify(status, &error, &description),
        status,
        error,
        description,
    }
}

/// `application/x-www-form-urlencoded` of `pairs` into a zeroized buffer (the client secret
/// passes through it). Written here because it is a few lines and ureq's own form helper
/// would leave the secret in an ordinary `String`.
pub(crate) fn form(pairs: &[(&str, &str)]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        for (j, part) in [k, v].iter().enumerate() {
            if j == 1 {
                out.push('=');
            }
            for b in part.bytes() {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http() {
        for ok in [
            "http://127.0.0.1:8080/csc/v1",
            "http://localhost:1/csc/v2/",
            "http://[::1]:9/csc",
            "HTTP://127.0.0.2/x",
        ] {
            assert!(check_service_url(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            check_service_url("https://example.invalid/csc/v1").is_ok(),
            cfg!(feature = "tls"),
            "https needs the tls feature"
        );
        for bad in [
            "http://10.0.0.1/csc/v1",
            "http://example.invalid/csc/v1",
            "https:///csc/v1",
            "http://127.0.0.1.example.invalid/x",
            "http://user@127.0.0.1/x",
            "ftp://127.0.0.1/x",
            "http://127.0.0.1/x?a=b",
        ] {
            assert!(
                matches!(check_service_url(bad), Err(CscError::Url { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn forms_are_percent_encoded() {
        let f = form(&[
            ("grant_type", "client_credentials"),
            ("client_secret", "a b&c=d/é"),
        ]);
        assert_eq!(
            f.as_str(),
            "grant_type=client_credentials&client_secret=a%20b%26c%3Dd%2F%C3%A9"
        );
    }

    #[test]
    fn error_bodies_are_typed() {
        let e = error_answer(
            400,
            br#"{"error":"invalid_request","error_description":"The PIN is invalid"}"#,
        );
        assert!(matches!(
            e,
            CscError::Service {
                kind: kyso_token::RemoteFailure::WrongPin,
                status: 400,
                ..
            }
        ));
        let e = error_answer(502, b"<html>bad gateway</html>");
        assert!(matches!(e, CscError::Service { status: 502, .. }), "{e}");
    }
}
