//! No request nobody asked for: a canary HTTP server on 127.0.0.1 counts what verification asks
//! of the network. The signer's certificate (issued at test time by the test PKI's G2 CA) names
//! the canary in its CRL distribution point, OCSP and caIssuers URLs, as a hostile document
//! would name a host inside the agency's network.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::{issue_leaf, pki};
use kyso::demo::sample_pdf;
use kyso::token::SoftwareSigner;
use kyso::{PadesOptions, Verdict, VerifyConfig};

/// An HTTP server on 127.0.0.1 that answers 404 to everything and remembers each request line.
struct Canary {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Canary {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut s) = stream else { continue };
                let mut buf = [0u8; 4096];
                let n = s.read(&mut buf).unwrap_or(0);
                let text = String::from_utf8_lossy(&buf[..n]);
                let line = text.lines().next().unwrap_or("").to_owned();
                log.lock().unwrap().push(line);
                let _ = s.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        Self { port, seen }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// A leaf of the test G2 CA whose every URL points at the canary, and a PDF it signed (leaf
/// only embedded, as real Government PDFs are).
fn signed_with_canary_urls(canary: &Canary, dir: &std::path::Path) -> Vec<u8> {
    let b = canary.base();
    let signer: SoftwareSigner = issue_leaf(
        dir,
        "canary",
        "rsa:2048",
        &format!(
            "keyUsage = critical, nonRepudiation\n\
             crlDistributionPoints = URI:{b}/crl/ca.crl\n\
             authorityInfoAccess = OCSP;URI:{b}/ocsp, caIssuers;URI:{b}/crt/ca.crt"
        ),
    );
    kyso::sign_pdf(
        &sample_pdf(),
        &signer,
        &PadesOptions::new(kyso::signing_time_now()),
    )
    .unwrap()
    .bytes
}

fn path(name: &str) -> String {
    serde_json::to_string(&pki(name).display().to_string()).unwrap()
}

fn verify(pdf: &[u8], options_json: &str) -> kyso::Report {
    let options = VerifyConfig::from_json(options_json)
        .unwrap()
        .build()
        .unwrap();
    kyso::verify_pdf(pdf, &options).unwrap()
}

#[test]
fn the_default_fetches_nothing() {
    let canary = Canary::start();
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_with_canary_urls(&canary, dir.path());
    // The C ABI, Java, .NET and WASM pass this object; no "revocation" means embedded.
    let r = verify(
        &pdf,
        &format!(
            r#"{{"trust":[{}],"intermediates":[{}]}}"#,
            path("root-g2.pem"),
            path("ca-g2.pem")
        ),
    );
    assert_eq!(r.revocation, "embedded");
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", r.to_json());
    assert!(r.fetched.is_empty());
    assert_eq!(canary.requests(), Vec::<String>::new());
}

#[test]
fn online_fetches_only_for_a_verified_chain_and_lists_every_url() {
    let canary = Canary::start();
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_with_canary_urls(&canary, dir.path());

    // Chained to a configured anchor: the CA's URLs are asked (the canary answers 404).
    let r = verify(
        &pdf,
        &format!(
            r#"{{"trust":[{}],"intermediates":[{}],"revocation":"online"}}"#,
            path("root-g2.pem"),
            path("ca-g2.pem")
        ),
    );
    let asked = canary.requests();
    assert!(
        asked.iter().any(|l| l.contains("/ocsp"))
            && asked.iter().any(|l| l.contains("/crl/ca.crl")),
        "{asked:?}"
    );
    let listed: Vec<&str> = r.fetched.iter().map(|f| f.url.as_str()).collect();
    assert!(
        listed.contains(&format!("{}/ocsp", canary.base()).as_str()),
        "{listed:?}"
    );
    assert!(listed.contains(&format!("{}/crl/ca.crl", canary.base()).as_str()));
    assert!(r.to_json().contains("\"fetched\":["));
    assert_ne!(r.verdict, Verdict::Valid);

    // Chaining to nothing configured (another root, no intermediate): not one request — the
    // issuer URL is not on the allow-list, and revocation is never fetched for an unverified
    // chain. The refusal is listed.
    let before = canary.requests().len();
    let r = verify(
        &pdf,
        &format!(
            r#"{{"trust":[{}],"revocation":"online"}}"#,
            path("root-g2.pem")
        ),
    );
    assert_eq!(canary.requests().len(), before, "{:?}", canary.requests());
    assert!(
        r.fetched
            .iter()
            .all(|f| f.outcome == "refused" && f.kind == "ca_issuers"),
        "{:?}",
        r.fetched
    );
    assert!(!r.fetched.is_empty());

    // Unless the caller allows that prefix.
    let r = verify(
        &pdf,
        &format!(
            r#"{{"trust":[{}],"revocation":"online","fetch_allow":["{}/crt/"]}}"#,
            path("root-g2.pem"),
            canary.base()
        ),
    );
    assert_eq!(
        canary.requests().len(),
        before + 1,
        "{:?}",
        canary.requests()
    );
    assert!(canary.requests().last().unwrap().contains("/crt/ca.crt"));
    assert!(
        r.fetched
            .iter()
            .any(|f| f.kind == "ca_issuers" && f.outcome == "failed")
    );
}

#[test]
fn the_request_budget_holds() {
    let canary = Canary::start();
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_with_canary_urls(&canary, dir.path());
    let r = verify(
        &pdf,
        &format!(
            r#"{{"trust":[{}],"intermediates":[{}],"revocation":"online","max_fetches":1}}"#,
            path("root-g2.pem"),
            path("ca-g2.pem")
        ),
    );
    assert_eq!(canary.requests().len(), 1, "{:?}", canary.requests());
    assert!(r.fetched.iter().any(
        |f| f.outcome == "refused" && f.detail.as_deref().is_some_and(|d| d.contains("budget"))
    ));
}

#[test]
fn certificate_verification_keeps_the_same_rules() {
    let canary = Canary::start();
    let dir = tempfile::tempdir().unwrap();
    let _ = signed_with_canary_urls(&canary, dir.path());
    let leaf = std::fs::read(dir.path().join("canary.pem")).unwrap();
    let config = |extra: &str| {
        VerifyConfig::from_json(&format!(r#"{{"trust":[{}]{extra}}}"#, path("root-g2.pem")))
            .unwrap()
    };
    for extra in ["", r#","revocation":"online""#] {
        let c = config(extra);
        let r = kyso::certificates::verify_certificate(
            &leaf,
            &c.build().unwrap(),
            c.purpose().unwrap(),
        )
        .unwrap();
        assert_ne!(r.status, "VALID");
    }
    assert_eq!(canary.requests(), Vec::<String>::new());
}
