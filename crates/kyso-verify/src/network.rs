//! What verification may ask of the network, and the record of what it asked.
//!
//! A verifier runs on documents anyone can send, so the URLs written in their certificates are
//! attacker-chosen until a chain to a configured anchor proves otherwise. The rules:
//! - nothing is fetched unless the caller chose [`crate::RevocationMode::Online`] and gave a
//!   fetcher (the default mode is `embedded`);
//! - revocation data (CRL, OCSP) is fetched only for a path that has verified to an anchor — the
//!   URLs then come from certificates the anchor vouches for (enforced where the decision is
//!   made, [`crate::revocation::decide`], which receives no path otherwise);
//! - issuers (AIA caIssuers) of a certificate that does not chain yet are fetched only from URL
//!   prefixes on an allow-list, by default the Government CA's published certificate location;
//! - at most [`NetworkPolicy::max_fetches`] requests and about [`NetworkPolicy::max_millis`] of
//!   wall time per verification (checked before each request; the fetcher's own per-request
//!   timeout bounds the last one);
//! - every request, allowed or refused, is listed in the report (`fetched`).
//!
//! The time budget needs a clock, which this crate does not read (it builds for wasm32): the
//! caller that supplies a fetcher supplies the clock with it ([`crate::revocation::Fetcher::with_clock`]).

use std::sync::{Arc, Mutex};

use kyso_policy::revocation::RevocationFetcher;
use serde::Serialize;

use crate::revocation::{Clock, Fetcher};

/// Where the Government CA publishes its CA certificates (DOMAIN.md §2: `rootcag2.crt`,
/// `cpcag2.crt`): the default AIA allow-list.
pub const GOVERNMENT_CA_ISSUERS: &[&str] = &["http://ca.gov.vn/pki/pub/crt/"];

/// Limits on what one verification may fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// URL prefixes from which issuer certificates of a not-yet-chained certificate may be
    /// fetched (AIA caIssuers). A prefix names at least the scheme and host and a `/` after it
    /// (one without a path gets it), so `http://ca.gov.vn` never matches `http://ca.gov.vn.evil/`.
    pub allow_issuer_prefixes: Vec<String>,
    /// Requests per verification (default 16).
    pub max_fetches: usize,
    /// Wall time for all requests of one verification, in milliseconds (default 30 s).
    pub max_millis: u64,
}

impl Default for NetworkPolicy {
    fn default() -> Self {
        Self {
            allow_issuer_prefixes: GOVERNMENT_CA_ISSUERS.iter().map(|s| (*s).into()).collect(),
            max_fetches: 16,
            max_millis: 30_000,
        }
    }
}

impl NetworkPolicy {
    /// Whether `url` is under an allowed issuer prefix.
    pub fn issuer_url_allowed(&self, url: &str) -> bool {
        self.allow_issuer_prefixes
            .iter()
            .any(|p| url_has_prefix(url, p))
    }
}

/// `url` starts with `prefix`, compared as scheme and host case-insensitively and the path
/// exactly, with the host ending where the prefix's does.
fn url_has_prefix(url: &str, prefix: &str) -> bool {
    let split = |u: &str| -> Option<(String, String)> {
        let (scheme, rest) = u.split_once("://")?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        Some((
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            ),
            path.to_owned(),
        ))
    };
    match (split(url), split(prefix)) {
        (Some((uh, up)), Some((ph, pp))) => uh == ph && up.starts_with(&pp),
        _ => false,
    }
}

/// One request the verification made or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FetchRecord {
    /// The URL.
    pub url: String,
    /// `crl`, `ocsp` or `ca_issuers`.
    pub kind: &'static str,
    /// `ok`, `failed` (asked, no usable answer) or `refused` (not asked: off the allow-list or
    /// over the budget).
    pub outcome: &'static str,
    /// Why it failed or was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A fetcher that applies a [`NetworkPolicy`] to another and records every request.
struct Guarded {
    inner: Arc<dyn RevocationFetcher>,
    policy: NetworkPolicy,
    clock: Option<Clock>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    started: Option<u64>,
    count: usize,
    log: Vec<FetchRecord>,
}

impl Guarded {
    fn run(
        &self,
        kind: &'static str,
        url: &str,
        issuer: bool,
        fetch: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<Vec<u8>, String> {
        let refusal = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            let now = self.clock.as_ref().map(|c| c());
            if st.started.is_none() {
                st.started = now;
            }
            let elapsed = match (now, st.started) {
                (Some(n), Some(s)) => n.saturating_sub(s),
                _ => 0,
            };
            let refusal = if issuer && !self.policy.issuer_url_allowed(url) {
                Some("not on the issuer allow-list (fetch_allow)".to_owned())
            } else if st.count >= self.policy.max_fetches {
                Some(format!(
                    "over the budget of {} requests per verification",
                    self.policy.max_fetches
                ))
            } else if elapsed >= self.policy.max_millis {
                Some(format!(
                    "over the time budget of {} ms per verification",
                    self.policy.max_millis
                ))
            } else {
                None
            };
            match &refusal {
                Some(why) => st.log.push(FetchRecord {
                    url: url.into(),
                    kind,
                    outcome: "refused",
                    detail: Some(why.clone()),
                }),
                None => st.count += 1,
            }
            refusal
        };
        if let Some(why) = refusal {
            return Err(format!("{url}: {why}"));
        }
        let result = fetch();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.log.push(FetchRecord {
            url: url.into(),
            kind,
            outcome: if result.is_ok() { "ok" } else { "failed" },
            detail: result.as_ref().err().cloned(),
        });
        result
    }
}

impl RevocationFetcher for Guarded {
    fn fetch_crl(&self, url: &str) -> Result<Vec<u8>, String> {
        self.run("crl", url, false, || self.inner.fetch_crl(url))
    }

    fn fetch_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, String> {
        self.run("ocsp", url, false, || self.inner.fetch_ocsp(url, request))
    }

    fn fetch_ca_issuers(&self, url: &str) -> Result<Vec<u8>, String> {
        self.run("ca_issuers", url, true, || self.inner.fetch_ca_issuers(url))
    }

    fn nonce(&self) -> Option<Vec<u8>> {
        self.inner.nonce()
    }
}

/// The log of a guarded verification.
pub struct FetchLog(Option<Arc<Guarded>>);

impl FetchLog {
    /// Every request made or refused, in order.
    pub fn records(&self) -> Vec<FetchRecord> {
        match &self.0 {
            Some(g) => g
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .log
                .clone(),
            None => Vec::new(),
        }
    }
}

/// `fetcher` under `policy` (issuer allow-list, request and time budgets), and the log of its
/// requests: for any task that fetches what documents name (verification, long-term
/// validation data).
pub fn guard(fetcher: &Fetcher, policy: NetworkPolicy) -> (Fetcher, FetchLog) {
    let g = Arc::new(Guarded {
        inner: fetcher.0.clone(),
        policy,
        clock: fetcher.1.clone(),
        state: Mutex::new(State::default()),
    });
    (Fetcher(g.clone(), fetcher.1.clone()), FetchLog(Some(g)))
}

/// Options for one verification whose fetcher (if any) applies `options.network` and records
/// its requests, and the log to read afterwards. Without a fetcher, or in a mode other than
/// online, the fetcher is removed: nothing can be fetched.
pub fn guarded(options: &crate::VerifyOptions) -> (crate::VerifyOptions, FetchLog) {
    let mut o = options.clone();
    match (&options.fetcher, options.revocation) {
        (Some(f), crate::RevocationMode::Online) => {
            let (fetcher, log) = guard(f, options.network.clone());
            o.fetcher = Some(fetcher);
            (o, log)
        }
        _ => {
            o.fetcher = None;
            (o, FetchLog(None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_host_and_path_only() {
        let p = NetworkPolicy::default();
        assert!(p.issuer_url_allowed("http://ca.gov.vn/pki/pub/crt/cpcag2.crt"));
        assert!(p.issuer_url_allowed("HTTP://CA.GOV.VN/pki/pub/crt/rootcag2.crt"));
        assert!(!p.issuer_url_allowed("http://ca.gov.vn/pki/pub/crl/cp.crl"));
        assert!(!p.issuer_url_allowed("http://ca.gov.vn.evil.example/pki/pub/crt/x.crt"));
        assert!(!p.issuer_url_allowed("http://ca.gov.vn@10.0.0.1/pki/pub/crt/x.crt"));
        assert!(!p.issuer_url_allowed("http://127.0.0.1/pki/pub/crt/x.crt"));
        let q = NetworkPolicy {
            allow_issuer_prefixes: vec!["http://127.0.0.1:8080".into()],
            ..Default::default()
        };
        assert!(q.issuer_url_allowed("http://127.0.0.1:8080/crt/ca.crt"));
        assert!(!q.issuer_url_allowed("http://127.0.0.1:80801/crt/ca.crt"));
        assert!(!q.issuer_url_allowed("http://127.0.0.1:8081/crt/ca.crt"));
    }
}
