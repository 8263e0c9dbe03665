//! Fetch planning: [`fetch_revocation_data`] asks a [`RevocationFetcher`] for what is missing
//! to decide a path (OCSP first, then CRLs, each URL once, `http://` only).

use x509_cert::Certificate;

use super::urls::revocation_needs;
use super::{CertStatus, RevocationData, RevocationOptions, check_certificate};

/// Fetches revocation data for the verifier. Implemented by kyso-net over HTTP; the verifier
/// itself does no I/O, it only calls these methods (a browser caller uses
/// [`revocation_needs`] and `fetch()` instead).
pub trait RevocationFetcher: Send + Sync {
    /// GET a CRL (DER or PEM) from a CRL distribution point URL.
    fn fetch_crl(&self, url: &str) -> Result<Vec<u8>, String>;
    /// POST a DER `OCSPRequest` to a responder; returns the DER `OCSPResponse`.
    fn fetch_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, String>;
    /// GET certificates from an AIA caIssuers URL (DER, PEM or a PKCS#7 bundle).
    fn fetch_ca_issuers(&self, url: &str) -> Result<Vec<u8>, String>;
    /// A fresh random nonce for OCSP requests, if the fetcher can make one.
    fn nonce(&self) -> Option<Vec<u8>> {
        None
    }
}

/// Data fetched by [`fetch_revocation_data`], with what could not be fetched.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    /// What was obtained.
    pub data: RevocationData,
    /// The nonce sent in OCSP requests (pass it in [`RevocationOptions::nonce`]).
    pub nonce: Option<Vec<u8>>,
    /// Failed fetches, `URL: error` (English, for logs and reports).
    pub errors: Vec<String>,
}

/// Fetch what is missing to decide `path` at `options.time`: for each certificate whose status
/// `known` does not already settle, ask its OCSP responders first, then its CRL distribution
/// points (each URL at most once). Only `http://` URLs are handed to the fetcher.
pub fn fetch_revocation_data(
    path: &[Certificate],
    known: &RevocationData,
    fetcher: &dyn RevocationFetcher,
    options: &RevocationOptions,
) -> Fetched {
    let nonce = fetcher.nonce();
    let mut out = Fetched {
        nonce: nonce.clone(),
        ..Default::default()
    };
    let mut opts = options.clone();
    opts.nonce = nonce.clone();
    let mut crl_done: Vec<String> = Vec::new();
    let needs = revocation_needs(path, nonce.as_deref());
    for need in needs {
        let (cert, above) = (&path[need.index], &path[need.index + 1..]);
        let decided = |data: &RevocationData, extra: &RevocationData| {
            let mut all = data.clone();
            all.extend(extra.clone());
            let (s, _, _) = check_certificate(cert, above, need.index > 0, &all, &opts);
            s != CertStatus::Unknown
        };
        if decided(known, &out.data) {
            continue;
        }
        if let Some(req) = &need.ocsp_request {
            for url in need.ocsp_urls.iter().filter(|u| is_http(u)) {
                match fetcher.fetch_ocsp(url, req) {
                    Ok(bytes) => out.data.ocsp_responses.push(bytes),
                    Err(e) => out.errors.push(format!("{url}: {e}")),
                }
                if decided(known, &out.data) {
                    break;
                }
            }
        }
        if decided(known, &out.data) {
            continue;
        }
        for url in need.crl_urls.iter().filter(|u| is_http(u)) {
            if crl_done.contains(url) {
                continue;
            }
            crl_done.push(url.clone());
            match fetcher.fetch_crl(url) {
                Ok(bytes) => out.data.crls.push(bytes),
                Err(e) => out.errors.push(format!("{url}: {e}")),
            }
            if decided(known, &out.data) {
                break;
            }
        }
    }
    out
}

fn is_http(url: &str) -> bool {
    url.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}
