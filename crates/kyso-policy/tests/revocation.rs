//! Revocation without I/O, on the test PKI (`tests/work/pki`, made by `bash tests/run.sh`):
//! CRLs made by `openssl ca -gencrl`, OCSP responses made by `openssl ocsp` from requests built
//! by kyso-policy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use kyso_policy::revocation::{
    CertStatus, CrlReason, RevocationData, RevocationOptions, RevocationStatus, check_path,
    revocation_needs,
};
use kyso_policy::{Certificate, DateTime};

fn pki() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p).join("pki"),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
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

fn crls() -> RevocationData {
    RevocationData {
        crls: vec![
            std::fs::read(pki().join("ca-g2.crl.der")).unwrap(),
            std::fs::read(pki().join("root-g2.crl.pem")).unwrap(),
        ],
        ..Default::default()
    }
}

/// Answer `request` with `openssl ocsp` over `index` (as the test responder does).
fn openssl_ocsp(request: &[u8], index: &std::path::Path) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let req = dir.path().join("req.der");
    let resp = dir.path().join("resp.der");
    std::fs::write(&req, request).unwrap();
    let p = pki();
    let out = Command::new("openssl")
        .args(["ocsp", "-index"])
        .arg(index)
        .arg("-rsigner")
        .arg(p.join("ocsp.pem"))
        .arg("-rkey")
        .arg(p.join("ocsp.key.pem"))
        .arg("-CA")
        .arg(p.join("ca-g2.pem"))
        .arg("-reqin")
        .arg(&req)
        .arg("-respout")
        .arg(&resp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(resp).unwrap()
}

fn ocsp_data(leaf: &str, nonce: Option<&[u8]>, index: &std::path::Path) -> RevocationData {
    let p = path(leaf);
    let needs = revocation_needs(&p, nonce);
    assert_eq!(needs.len(), 2, "leaf and issuing CA need checking");
    assert_eq!(
        needs[0].ocsp_urls,
        vec!["http://127.0.0.1:18080/ocsp".to_string()]
    );
    assert_eq!(
        needs[0].crl_urls,
        vec!["http://127.0.0.1:18080/crl/ca-g2.crl".to_string()]
    );
    assert_eq!(
        needs[1].crl_urls,
        vec!["http://127.0.0.1:18080/crl/root-g2.crl".to_string()]
    );
    let req = needs[0].ocsp_request.clone().expect("an OCSP request");
    let mut data = RevocationData {
        ocsp_responses: vec![openssl_ocsp(&req, index)],
        ..Default::default()
    };
    // The issuing CA by the root's CRL.
    data.crls
        .push(std::fs::read(pki().join("root-g2.crl.der")).unwrap());
    data
}

#[test]
fn crl_good_leaf_passes() {
    let r = check_path(
        &path("ca-nhan"),
        &crls(),
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(r.status, RevocationStatus::Passed, "{:?}", r);
    assert_eq!(r.certificates.len(), 2);
    assert!(r.certificates.iter().all(|c| c.status == CertStatus::Good));
}

#[test]
fn crl_revoked_before_signing_fails() {
    let r = check_path(
        &path("revoked"),
        &crls(),
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(r.status, RevocationStatus::Failed);
    assert_eq!(r.sub_indication, Some("REVOKED"));
    match r.certificates[0].status {
        CertStatus::Revoked { time, reason } => {
            assert_eq!(time, at(2025, 6, 1));
            assert_eq!(reason, Some(CrlReason::KeyCompromise));
        }
        other => panic!("expected revoked, got {other:?}"),
    }
    let reason = r.reasons.iter().find(|r| r.code == "CERT_REVOKED").unwrap();
    assert!(reason.vi.contains("thu hồi") && reason.en.contains("keyCompromise"));
}

#[test]
fn crl_revoked_after_signing_stays_valid_with_note() {
    let r = check_path(
        &path("revoked"),
        &crls(),
        &RevocationOptions::at(at(2025, 3, 1)),
    );
    assert_eq!(r.status, RevocationStatus::Passed);
    assert!(
        r.reasons
            .iter()
            .any(|r| r.code == "CERT_REVOKED_AFTER_SIGNING")
    );
}

#[test]
fn no_data_is_try_later_with_both_languages() {
    let r = check_path(
        &path("ca-nhan"),
        &RevocationData::default(),
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(r.status, RevocationStatus::Indeterminate);
    assert_eq!(r.sub_indication, Some("TRY_LATER"));
    let w = r
        .reasons
        .iter()
        .find(|r| r.code == "REVOCATION_UNAVAILABLE")
        .unwrap();
    assert!(w.vi.contains("Thông tư 15/2025") && w.en.contains("could not be obtained"));
}

#[test]
fn stale_crl_is_not_used() {
    // nextUpdate is 2039-01-01 for ca-g2.crl and 2044-01-01 for root-g2.crl.
    let r = check_path(
        &path("ca-nhan"),
        &crls(),
        &RevocationOptions::at(at(2039, 6, 1)),
    );
    assert_eq!(r.status, RevocationStatus::Indeterminate);
    assert_eq!(r.certificates[0].status, CertStatus::Unknown);
    assert!(
        r.certificates[0]
            .rejected
            .iter()
            .any(|e| e.contains("not current"))
    );
    assert_eq!(r.certificates[1].status, CertStatus::Good);
}

#[test]
fn tampered_crl_is_rejected() {
    let mut bytes = std::fs::read(pki().join("ca-g2.crl.der")).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 0x01;
    let data = RevocationData {
        crls: vec![bytes],
        ..Default::default()
    };
    let r = check_path(
        &path("revoked"),
        &data,
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(r.certificates[0].status, CertStatus::Unknown);
    assert!(
        r.certificates[0]
            .rejected
            .iter()
            .any(|e| e.contains("signature"))
    );
}

#[test]
fn crl_of_another_ca_is_ignored() {
    // The G1 CA's CRL says nothing about a G2 leaf.
    let data = RevocationData {
        crls: vec![std::fs::read(pki().join("ca-g1.crl.der")).unwrap()],
        ..Default::default()
    };
    let r = check_path(
        &path("ca-nhan"),
        &data,
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(r.certificates[0].status, CertStatus::Unknown);
    assert!(r.certificates[0].rejected.is_empty());
}

#[test]
fn ocsp_good_and_revoked_from_openssl_responder() {
    let index = pki().join("index.txt");
    let nonce = [7u8; 16];
    let mut options = RevocationOptions::at(at(2026, 1, 1));
    options.nonce = Some(nonce.to_vec());
    let good = check_path(
        &path("ca-nhan"),
        &ocsp_data("ca-nhan", Some(&nonce), &index),
        &options,
    );
    assert_eq!(good.status, RevocationStatus::Passed, "{good:?}");
    assert_eq!(
        good.certificates[0].source,
        Some(kyso_policy::revocation::Source::Ocsp)
    );
    let revoked = check_path(
        &path("revoked"),
        &ocsp_data("revoked", Some(&nonce), &index),
        &options,
    );
    assert_eq!(revoked.status, RevocationStatus::Failed);
    assert!(matches!(
        revoked.certificates[0].status,
        CertStatus::Revoked {
            reason: Some(CrlReason::KeyCompromise),
            ..
        }
    ));
    // Negative serials are asked and answered too.
    let neg = check_path(
        &path("neg-serial"),
        &ocsp_data("neg-serial", None, &index),
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(neg.status, RevocationStatus::Passed, "{neg:?}");
}

#[test]
fn ocsp_nonce_mismatch_is_rejected() {
    let index = pki().join("index.txt");
    let data = ocsp_data("ca-nhan", Some(&[1u8; 16]), &index);
    let mut options = RevocationOptions::at(at(2026, 1, 1));
    options.nonce = Some(vec![2u8; 16]);
    let r = check_path(&path("ca-nhan"), &data, &options);
    assert_eq!(r.certificates[0].status, CertStatus::Unknown);
    assert!(
        r.certificates[0]
            .rejected
            .iter()
            .any(|e| e.contains("nonce"))
    );
}

#[test]
fn ocsp_response_for_another_certificate_is_not_used() {
    let index = pki().join("index.txt");
    let data = ocsp_data("to-chuc", None, &index);
    let r = check_path(
        &path("ca-nhan"),
        &data,
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(r.certificates[0].status, CertStatus::Unknown);
}

#[test]
fn ocsp_signed_by_a_non_responder_is_rejected() {
    // `to-chuc` is issued by the CA but has no id-kp-OCSPSigning.
    let dir = tempfile::tempdir().unwrap();
    let p = path("ca-nhan");
    let req = revocation_needs(&p, None)[0].ocsp_request.clone().unwrap();
    std::fs::write(dir.path().join("req.der"), &req).unwrap();
    let w = pki();
    let out = Command::new("openssl")
        .args(["ocsp", "-index"])
        .arg(w.join("index.txt"))
        .arg("-rsigner")
        .arg(w.join("to-chuc.pem"))
        .arg("-rkey")
        .arg(w.join("to-chuc.key.pem"))
        .arg("-CA")
        .arg(w.join("ca-g2.pem"))
        .arg("-reqin")
        .arg(dir.path().join("req.der"))
        .arg("-respout")
        .arg(dir.path().join("resp.der"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let data = RevocationData {
        ocsp_responses: vec![std::fs::read(dir.path().join("resp.der")).unwrap()],
        ..Default::default()
    };
    let r = check_path(&p, &data, &RevocationOptions::at(at(2026, 1, 1)));
    assert_eq!(r.certificates[0].status, CertStatus::Unknown);
    assert!(
        r.certificates[0]
            .rejected
            .iter()
            .any(|e| e.contains("OCSPSigning")),
        "{:?}",
        r.certificates[0].rejected
    );
}

#[test]
fn ocsp_certificate_hold_is_suspended() {
    // A copy of the CA database where ca-nhan (1001) is on hold since 2025-08-01.
    let dir = tempfile::tempdir().unwrap();
    let index = std::fs::read_to_string(pki().join("index.txt")).unwrap();
    let held: String = index
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.get(3) == Some(&"1001") {
                format!(
                    "R\t{}\t250801000000Z,certificateHold,holdInstructionReject\t{}",
                    f[1],
                    f[3..].join("\t")
                )
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    let copy = dir.path().join("index.txt");
    std::fs::write(&copy, held).unwrap();
    let data = ocsp_data("ca-nhan", None, &copy);
    let after = check_path(
        &path("ca-nhan"),
        &data,
        &RevocationOptions::at(at(2026, 1, 1)),
    );
    assert_eq!(after.status, RevocationStatus::Indeterminate);
    assert_eq!(after.sub_indication, Some("TRY_LATER"));
    assert!(matches!(
        after.certificates[0].status,
        CertStatus::Suspended { .. }
    ));
    assert!(after.reasons.iter().any(|r| r.code == "CERT_SUSPENDED"));
    let before = check_path(
        &path("ca-nhan"),
        &data,
        &RevocationOptions::at(at(2025, 7, 1)),
    );
    assert_eq!(before.status, RevocationStatus::Passed);
    assert!(
        before
            .reasons
            .iter()
            .any(|r| r.code == "CERT_SUSPENDED_AFTER_SIGNING")
    );
}
