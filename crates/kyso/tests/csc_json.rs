//! The JSON signing options with a remote signer (`{"signer": {"csc": …}}`, what the C ABI
//! takes), against the loopback CSC server (`tests/csc/server.py`): the result verifies, a
//! batch goes under one authorization, a wrong PIN is the typed remote failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../kyso-net/tests/csc_server/mod.rs"]
mod csc_server;

use csc_server::{CscServer, pki};
use kyso::remote::RemoteFailure;
use kyso::{Verdict, VerifyConfig};

fn verdict(bytes: &[u8]) -> Verdict {
    let options = VerifyConfig {
        trust: vec![pki().join("root-g2.pem").display().to_string()],
        revocation: Some("off".into()),
        ..Default::default()
    }
    .build()
    .unwrap();
    kyso::verify_pdf(bytes, &options).unwrap().verdict
}

fn json(url: &str, pin: &str, extra: &str) -> String {
    format!(
        r#"{{"signer": {{"csc": {{"url": "{url}", "credential": "ca-nhan", "token": "test-token",
             "pin": "{pin}", "poll_ms": 20{extra}}}}}, "reason": "Ký từ xa"}}"#
    )
}

#[test]
fn json_options_sign_through_the_service() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let pdf = kyso::demo::sample_pdf();
    let signed = kyso::sign_pdf_json(&pdf, &json(&server.url("v2"), "1234", "")).unwrap();
    assert_eq!(verdict(&signed.bytes), Verdict::Valid);
    let signed =
        kyso::sign_pdf_json(&pdf, &json(&server.url("v2"), "1234", r#", "async": true"#)).unwrap();
    assert_eq!(verdict(&signed.bytes), Verdict::Valid);
    assert!(server.count("signatures/signPolling") >= 1);

    let err = kyso::sign_pdf_json(&pdf, &json(&server.url("v2"), "0000", "")).unwrap_err();
    match err {
        kyso::SignConfigError::Kyso(e) => {
            assert_eq!(e.remote_failure(), Some(RemoteFailure::WrongPin), "{e}")
        }
        other => panic!("{other}"),
    }
    let err = kyso::sign_pdf_json(
        &pdf,
        &json(&server.url("v1"), "1234", r#", "api": "v1", "async": true"#),
    )
    .unwrap_err();
    assert_eq!(err.code(), 7001, "{err}");
}

#[test]
fn a_batch_of_files_under_one_authorization() {
    let Some(server) = CscServer::start(&["--wrong-hash"]) else {
        return;
    };
    let good = CscServer::start(&[]).unwrap();
    let d = tempfile::tempdir().unwrap();
    let documents: Vec<_> = (0..4)
        .map(|i| {
            let input = d.path().join(format!("in{i}.pdf"));
            std::fs::write(&input, kyso::demo::sample_pdf()).unwrap();
            kyso::remote::BatchDocument {
                output: d.path().join(format!("out{i}.pdf")),
                input,
            }
        })
        .collect();
    let options = kyso::PadesOptions::new(kyso::signing_time_now());
    let sign = |url: String| {
        let mut config = kyso::remote::CscConfig::new(url);
        config.auth =
            kyso::remote::CscAuth::Bearer(kyso::token::Zeroizing::new("test-token".into()));
        config.pin = Some(kyso::token::Zeroizing::new("1234".into()));
        let signer = kyso::remote::CscSigner::open(config, "ec-p256").unwrap();
        kyso::remote::sign_files_one_authorization(
            &signer,
            &documents,
            &options,
            None,
            kyso::ltv::Level::BB,
            &Default::default(),
            None,
        )
    };
    // A service that signs another hash: refused, and no file written.
    let err = sign(server.url("v2")).unwrap_err();
    assert_eq!(err.remote_failure(), Some(RemoteFailure::WrongSignature));
    assert!(documents.iter().all(|d| !d.output.exists()));

    let done = sign(good.url("v2")).unwrap();
    assert_eq!(done.len(), 4);
    for doc in &documents {
        assert_eq!(
            verdict(&std::fs::read(&doc.output).unwrap()),
            Verdict::Valid
        );
    }
    assert_eq!(good.count("credentials/authorize"), 1);
    assert_eq!(good.count("signatures/signHash"), 1);
}
