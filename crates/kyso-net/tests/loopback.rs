//! Revocation and time-stamps over HTTP against the loopback test server
//! (`tests/revocation/server.py`: CRLs from the test PKI, a real `openssl ocsp` responder per
//! request, AIA certificates, and an `openssl ts` time-stamp authority at `/tsa`).
//!
//! Ignored by a plain `cargo test`: `tests/run.d/20-revocation.sh` starts the server, sets
//! `KYSO_REVOCATION_URL` (and `KYSO_TEST_WORK`) and runs them with `--include-ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use kyso_net::{HttpFetcher, TsaClient, TsaConfig};
use kyso_policy::algorithms::SigningDigest;
use kyso_policy::revocation::{
    CertStatus, CrlReason, RevocationCheck, RevocationData, RevocationFetcher, RevocationOptions,
    RevocationStatus, Source, check_path, fetch_revocation_data,
};
use kyso_policy::timestamp::{TimeStamper, TimestampError, TimestampRequest};
use kyso_policy::{Certificate, DateTime};

fn base() -> String {
    let url = std::env::var("KYSO_REVOCATION_URL")
        .expect("KYSO_REVOCATION_URL is not set: run tests/run.d/20-revocation.sh");
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    url
}

fn pki() -> PathBuf {
    PathBuf::from(std::env::var_os("KYSO_TEST_WORK").expect("KYSO_TEST_WORK is not set"))
        .join("pki")
}

fn cert(name: &str) -> Certificate {
    let bytes = std::fs::read(pki().join(format!("{name}.pem"))).unwrap();
    kyso_policy::trust::parse_certificates(&bytes)
        .unwrap()
        .remove(0)
        .certificate
}

fn path(leaf: &str) -> Vec<Certificate> {
    vec![cert(leaf), cert("ca-g2"), cert("root-g2")]
}

fn at(y: u16, m: u8, d: u8) -> DateTime {
    DateTime::new(y, m, d, 0, 0, 0).unwrap()
}

/// Fetch what the path needs from the server (the URLs written in the certificates) and decide
/// at `time`.
fn decide(leaf: &str, time: DateTime) -> (RevocationCheck, Vec<String>) {
    let _ = base();
    let p = path(leaf);
    let fetcher = HttpFetcher::default();
    let mut options = RevocationOptions::at(time);
    let fetched = fetch_revocation_data(&p, &RevocationData::default(), &fetcher, &options);
    assert!(fetched.nonce.is_some(), "the HTTP fetcher sends a nonce");
    options.nonce = fetched.nonce.clone();
    (check_path(&p, &fetched.data, &options), fetched.errors)
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn good_leaf_by_ocsp() {
    let (r, errors) = decide("ca-nhan", at(2026, 1, 1));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(r.status, RevocationStatus::Passed, "{r:?}");
    assert_eq!(r.certificates[0].status, CertStatus::Good);
    assert_eq!(r.certificates[0].source, Some(Source::Ocsp));
    // The issuing CA has no OCSP URL: its status comes from the root's CRL over HTTP.
    assert_eq!(r.certificates[1].source, Some(Source::Crl));
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn revoked_leaf_by_ocsp() {
    let (r, _) = decide("revoked", at(2026, 1, 1));
    assert_eq!(r.status, RevocationStatus::Failed);
    assert_eq!(r.sub_indication, Some("REVOKED"));
    assert!(matches!(
        r.certificates[0].status,
        CertStatus::Revoked {
            reason: Some(CrlReason::KeyCompromise),
            ..
        }
    ));
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn revoked_after_signing_is_valid_with_note() {
    let (r, _) = decide("revoked", at(2025, 3, 1));
    assert_eq!(r.status, RevocationStatus::Passed);
    assert!(
        r.reasons
            .iter()
            .any(|x| x.code == "CERT_REVOKED_AFTER_SIGNING")
    );
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn suspended_leaf_by_ocsp() {
    let (r, _) = decide("ec-p256", at(2026, 1, 1));
    assert_eq!(r.status, RevocationStatus::Indeterminate);
    assert_eq!(r.sub_indication, Some("TRY_LATER"));
    assert!(matches!(
        r.certificates[0].status,
        CertStatus::Suspended { .. }
    ));
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn crls_over_http() {
    let f = HttpFetcher::default();
    let data = RevocationData {
        crls: vec![
            f.fetch_crl(&format!("{}/crl/ca-g2.crl", base())).unwrap(),
            f.fetch_crl(&format!("{}/crl/root-g2.crl", base())).unwrap(),
        ],
        ..Default::default()
    };
    let options = RevocationOptions::at(at(2026, 1, 1));
    let good = check_path(&path("to-chuc"), &data, &options);
    assert_eq!(good.status, RevocationStatus::Passed);
    assert!(
        good.certificates
            .iter()
            .all(|c| c.source == Some(Source::Crl))
    );
    let revoked = check_path(&path("revoked"), &data, &options);
    assert_eq!(revoked.status, RevocationStatus::Failed);
    let held = check_path(&path("ec-p256"), &data, &options);
    assert!(matches!(
        held.certificates[0].status,
        CertStatus::Suspended { .. }
    ));
    assert!(f.fetch_crl(&format!("{}/crl/nothing.crl", base())).is_err());
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn ca_issuers_over_http() {
    let f = HttpFetcher::default();
    let bytes = f
        .fetch_ca_issuers(&format!("{}/crt/ca-g2.crt", base()))
        .unwrap();
    let certs = kyso_policy::trust::parse_certificates(&bytes).unwrap();
    assert_eq!(certs[0].certificate, cert("ca-g2"));
}

// ---- RFC 3161 time-stamps from the server's /tsa (openssl ts -reply, tests/ltv/tsa.cnf) ----

fn tsa(path: &str, digest: SigningDigest) -> TsaClient {
    TsaClient::new(TsaConfig {
        digest,
        ..TsaConfig::new(format!("{}{path}", base()))
    })
}

fn imprint_of(tsa: &TsaClient, data: &[u8]) -> TimestampRequest {
    TimestampRequest {
        algorithm: tsa.digest_algorithm(),
        imprint: tsa.digest_algorithm().digest(data),
    }
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn tsa_time_stamps_over_http() {
    let mut serials = Vec::new();
    for digest in [
        SigningDigest::Sha256,
        SigningDigest::Sha384,
        SigningDigest::Sha512,
    ] {
        let client = tsa("/tsa", digest);
        assert_eq!(client.digest_algorithm(), digest);
        let request = imprint_of(&client, b"signature value");
        let token = client.timestamp(&request).unwrap();
        let info = kyso_verify::timestamp::read_timestamp(&token, None).unwrap();
        assert!(info.signature_ok);
        assert_eq!(info.imprint, request.imprint);
        assert_eq!(info.imprint_algorithm, digest.oid());
        assert_eq!(info.policy.to_string(), "2.16.704.1.1.1.2");
        assert_eq!(info.tsa_certificate.as_ref(), Some(&cert("tsa")));
        // The chain is in the token: TSA, issuing CA, root.
        assert!(info.certificates.contains(&cert("ca-g2")));
        assert!(info.certificates.contains(&cert("root-g2")));
        assert!(token.len() <= client.max_token_len(), "{}", token.len());
        serials.push(info.serial);
    }
    // One serial file across requests: serials increase.
    serials.dedup();
    assert_eq!(serials.len(), 3, "{serials:?}");
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn tsa_policy_requested_and_refused() {
    let granted = TsaClient::new(TsaConfig {
        policy: Some("2.16.704.1.1.1.2.1".parse().unwrap()),
        ..TsaConfig::new(format!("{}/tsa", base()))
    });
    let token = granted.timestamp(&imprint_of(&granted, b"policy")).unwrap();
    let info = kyso_verify::timestamp::read_timestamp(&token, None).unwrap();
    assert_eq!(info.policy.to_string(), "2.16.704.1.1.1.2.1");

    let refused = TsaClient::new(TsaConfig {
        policy: Some("1.2.3.4".parse().unwrap()),
        ..TsaConfig::new(format!("{}/tsa", base()))
    });
    match refused.timestamp(&imprint_of(&refused, b"policy")) {
        Err(TimestampError::Refused(m)) => assert!(m.contains("unacceptedPolicy"), "{m}"),
        other => panic!("expected Refused, got {other:?}"),
    }
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn tsa_wrong_path_is_unavailable() {
    let client = tsa("/nope", SigningDigest::Sha256);
    match client.timestamp(&imprint_of(&client, b"x")) {
        Err(TimestampError::Unavailable(m)) => assert!(m.contains("HTTP 404"), "{m}"),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
#[ignore = "needs the loopback server: run tests/run.d/20-revocation.sh"]
fn tsa_server_down_is_unavailable() {
    let _ = base();
    // Bind then drop: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = TsaClient::new(TsaConfig::new(format!("http://127.0.0.1:{port}/tsa")));
    match client.timestamp(&imprint_of(&client, b"x")) {
        Err(e @ TimestampError::Unavailable(_)) => assert_eq!(e.code(), 5201),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}
