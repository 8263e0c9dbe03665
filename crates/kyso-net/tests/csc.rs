//! The CSC client against the loopback test server (`tests/csc/server.py`, test PKI keys):
//! synchronous and asynchronous signing, batches under one authorization, and every failure a
//! clerk meets, each as its typed error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod csc_server;

use std::time::Duration;

use csc_server::{CscServer, closed_port};
use kyso_net::csc::{CscApi, CscAuth, CscConfig, CscError, CscSigner};
use kyso_token::{RemoteFailure, Signer, TokenError, Zeroizing};

fn config(url: String) -> CscConfig {
    let mut c = CscConfig::new(url);
    c.auth = CscAuth::Bearer(Zeroizing::new("test-token".into()));
    c.pin = Some(Zeroizing::new("1234".into()));
    c.poll_interval = Duration::from_millis(20);
    c.confirm_timeout = Duration::from_secs(20);
    c
}

fn kind(r: Result<impl std::fmt::Debug, CscError>) -> RemoteFailure {
    r.expect_err("must fail").kind()
}

/// Sign two messages under one authorization and check the signatures independently.
#[test]
fn synchronous_batch_with_one_authorization() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let signer = CscSigner::open(config(server.url("v2")), "ca-nhan").unwrap();
    assert_eq!(signer.chain().len(), 2, "issuing CA and root");
    let sigs = signer
        .sign_messages(&[b"first document", b"second document", b"third"])
        .unwrap();
    assert_eq!(sigs.len(), 3);
    assert!(sigs.iter().all(|s| s.len() == 256), "RSA-2048 signatures");
    assert_eq!(server.count("credentials/authorize"), 1);
    assert_eq!(server.count("signatures/signHash"), 1);
    let auth = &server.calls()[0];
    assert_eq!(auth["numSignatures"], 3);
    assert_eq!(auth["hashes"], 3);
}

#[test]
fn v1_with_an_ec_key_and_the_signer_trait() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let mut c = config(server.url("v1"));
    c.api = CscApi::V1;
    let signer = CscSigner::open(c, "ec-p256").unwrap();
    assert_eq!(
        signer.scheme(),
        kyso_token::SignatureScheme::EcdsaP256Sha256
    );
    let sig = signer.sign(b"message").unwrap();
    assert_eq!(sig[0], 0x30, "DER Ecdsa-Sig-Value");
    assert!(sig.len() <= signer.max_signature_len());
}

#[test]
fn asynchronous_signing_polls_until_the_user_confirms() {
    let Some(server) = CscServer::start(&["--confirm-after", "3"]) else {
        return;
    };
    let mut c = config(server.url("v2"));
    c.asynchronous = true;
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    signer.sign(b"document").unwrap();
    assert_eq!(server.count("signatures/signPolling"), 3);
}

#[test]
fn asynchronous_signing_times_out_and_reports_declines() {
    let Some(server) = CscServer::start(&["--confirm-after", "100000"]) else {
        return;
    };
    let mut c = config(server.url("v2"));
    c.asynchronous = true;
    c.confirm_timeout = Duration::from_millis(300);
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    assert_eq!(kind(signer.sign_messages(&[b"x"])), RemoteFailure::Timeout);

    let Some(server) = CscServer::start(&["--decline", "--confirm-after", "1"]) else {
        return;
    };
    let mut c = config(server.url("v2"));
    c.asynchronous = true;
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    assert_eq!(kind(signer.sign_messages(&[b"x"])), RemoteFailure::Declined);
}

#[test]
fn wrong_pin_wrong_otp_and_unknown_credential() {
    let Some(server) = CscServer::start(&["--otp", "777111"]) else {
        return;
    };
    let mut c = config(server.url("v2"));
    c.pin = Some(Zeroizing::new("0000".into()));
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    assert!(signer.credential().otp_required);
    assert_eq!(kind(signer.sign_messages(&[b"x"])), RemoteFailure::WrongPin);

    let mut c = config(server.url("v2"));
    c.otp = Some(Zeroizing::new("123456".into()));
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    assert_eq!(kind(signer.sign_messages(&[b"x"])), RemoteFailure::WrongOtp);

    let mut c = config(server.url("v2"));
    c.otp = Some(Zeroizing::new("777111".into()));
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    signer.sign_messages(&[b"x"]).unwrap();

    assert_eq!(
        kind(CscSigner::open(config(server.url("v2")), "no-such-key")),
        RemoteFailure::CredentialNotFound
    );
}

#[test]
fn expired_token_and_missing_token() {
    let Some(server) = CscServer::start(&["--expired-token"]) else {
        return;
    };
    assert_eq!(
        kind(CscSigner::open(config(server.url("v2")), "ca-nhan")),
        RemoteFailure::InvalidToken
    );
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let mut c = config(server.url("v2"));
    c.auth = CscAuth::None;
    assert_eq!(
        kind(CscSigner::open(c, "ca-nhan")),
        RemoteFailure::InvalidToken
    );
}

#[test]
fn oauth2_client_credentials() {
    let Some(server) = CscServer::start(&["--client-id", "kyso", "--client-secret", "s3cr&t"])
    else {
        return;
    };
    let mut c = config(server.url("v2"));
    c.auth = CscAuth::ClientCredentials {
        client_id: "kyso".into(),
        client_secret: Zeroizing::new("s3cr&t".into()),
    };
    let signer = CscSigner::open(c, "ca-nhan").unwrap();
    signer.sign(b"x").unwrap();
    assert_eq!(server.count("oauth2/token"), 1);

    let mut c = config(server.url("v2"));
    c.auth = CscAuth::ClientCredentials {
        client_id: "kyso".into(),
        client_secret: Zeroizing::new("wrong".into()),
    };
    assert!(CscSigner::open(c, "ca-nhan").is_err());
}

#[test]
fn server_down_is_unreachable() {
    let url = format!("http://127.0.0.1:{}/csc/v2", closed_port());
    let err = CscSigner::open(config(url), "ca-nhan").unwrap_err();
    assert!(matches!(err, CscError::Unreachable { .. }), "{err}");
    let token: TokenError = err.into();
    assert!(token.to_string().contains("Không kết nối được"), "{token}");
}

#[test]
fn a_signature_over_another_hash_is_refused() {
    let Some(server) = CscServer::start(&["--wrong-hash"]) else {
        return;
    };
    for credential in ["ca-nhan", "ec-p256"] {
        let signer = CscSigner::open(config(server.url("v2")), credential).unwrap();
        let err = signer.sign_messages(&[b"a", b"b"]).unwrap_err();
        assert!(
            matches!(err, CscError::WrongSignature { index: 0 }),
            "{credential}: {err}"
        );
        let token = signer.sign(b"a").unwrap_err();
        assert!(matches!(
            token,
            TokenError::Remote {
                kind: RemoteFailure::WrongSignature,
                ..
            }
        ));
    }
}

#[test]
fn more_signatures_than_allowed_are_not_asked_for() {
    let Some(server) = CscServer::start(&["--multisign", "2"]) else {
        return;
    };
    let signer = CscSigner::open(config(server.url("v2")), "ca-nhan").unwrap();
    assert_eq!(signer.credential().multisign, 2);
    let err = signer.sign_messages(&[b"1", b"2", b"3"]).unwrap_err();
    assert!(
        matches!(
            err,
            CscError::TooManySignatures {
                asked: 3,
                allowed: 2
            }
        ),
        "{err}"
    );
    assert_eq!(server.count("credentials/authorize"), 0);
    signer.sign_messages(&[b"1", b"2"]).unwrap();
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let signer = CscSigner::open(config(server.url("v2")), "ca-nhan").unwrap();
    let text = format!("{signer:?}");
    assert!(
        !text.contains("test-token") && !text.contains("1234\""),
        "{text}"
    );
}

#[test]
fn the_services_own_refusal_of_too_many_signatures_is_typed() {
    let Some(server) = CscServer::start(&["--multisign", "1", "--advertise-multisign", "5"]) else {
        return;
    };
    let signer = CscSigner::open(config(server.url("v2")), "ca-nhan").unwrap();
    assert_eq!(
        kind(signer.sign_messages(&[b"1", b"2"])),
        RemoteFailure::TooManySignatures
    );
}

#[test]
fn raw_ecdsa_signatures_are_converted_to_der_and_checked() {
    let Some(server) = CscServer::start(&["--raw-ecdsa"]) else {
        return;
    };
    let signer = CscSigner::open(config(server.url("v2")), "ec-p256").unwrap();
    let sig = signer.sign(b"message").unwrap();
    assert_eq!(sig[0], 0x30, "converted to a DER Ecdsa-Sig-Value");
    let Some(bad) = CscServer::start(&["--raw-ecdsa", "--wrong-hash"]) else {
        return;
    };
    let signer = CscSigner::open(config(bad.url("v2")), "ec-p256").unwrap();
    assert!(matches!(
        signer.sign_messages(&[b"message"]),
        Err(CscError::WrongSignature { index: 0 })
    ));
}
