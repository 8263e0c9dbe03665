//! `verify_signature` remembers results across calls: the same inputs give the same answer from
//! the cache, and any changed input (message, signature, key) is checked afresh. Uses the
//! Government CA's G1 root, which signs itself, and the G1 issuing CAs it signed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use der::{Decode, Encode};
use kyso_policy::algorithms::verify_signature;
use x509_cert::Certificate;

fn cert(name: &str) -> Certificate {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kyso/certs/vgca-g1")
        .join(name);
    Certificate::from_der(&std::fs::read(path).unwrap()).unwrap()
}

fn check(issuer: &Certificate, subject: &Certificate, tbs: &[u8], sig: &[u8]) -> bool {
    verify_signature(
        &issuer.tbs_certificate().subject_public_key_info().clone(),
        subject.signature_algorithm(),
        None,
        tbs,
        sig,
    )
    .unwrap()
    .valid
}

#[test]
fn remembered_results_never_cross_inputs() {
    let root = cert("VGCA_ROOTCA_BIN.cer");
    let ca = cert("CP_BIN.cer");
    for subject in [&root, &ca] {
        let tbs = subject.tbs_certificate().to_der().unwrap();
        let sig = subject.signature().raw_bytes().to_vec();
        let mut other_tbs = tbs.clone();
        let last = other_tbs.len() - 1;
        other_tbs[last] ^= 1;
        let mut other_sig = sig.clone();
        other_sig[10] ^= 1;
        for _ in 0..3 {
            assert!(check(&root, subject, &tbs, &sig), "the root signed it");
            assert!(!check(&root, subject, &other_tbs, &sig), "another message");
            assert!(
                !check(&root, subject, &tbs, &other_sig),
                "another signature"
            );
            assert!(!check(&ca, subject, &tbs, &sig), "another key");
        }
    }
}
