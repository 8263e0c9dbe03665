//! Software keys: PKCS#12 files made by `openssl pkcs12 -export` (PBES2 default and
//! `-legacy`), PKCS#8 keys (plain, encrypted with PBES2/AES-256-CBC) with certificate files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{ca_issued, load_cert, make_ca, openssl, self_signed, verify};
use kyso_token::keygen::{SubjectName, certification_request};
use kyso_token::software::SoftwareSigner;
use kyso_token::{SignatureScheme, Signer, TokenError};

const MSG: &[u8] = b"message to sign";

fn export_p12(dir: &Path, key: &Path, cert: &Path, ca: &Path, out: &str, extra: &[&str]) -> bool {
    let mut cmd = Command::new("openssl");
    cmd.current_dir(dir)
        .args(["pkcs12", "-export", "-inkey"])
        .arg(key)
        .arg("-in")
        .arg(cert)
        .arg("-certfile")
        .arg(ca)
        .args(["-name", "ký số", "-passout", "pass:mật-khẩu", "-out", out])
        .args(extra);
    let ok = cmd.output().unwrap().status.success();
    if !ok {
        eprintln!("openssl pkcs12 {extra:?} not supported here");
    }
    ok
}

#[test]
fn pkcs12_default_and_legacy_load_and_sign() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ca_path = make_ca(dir);
    let ca = load_cert(&ca_path);
    let (key, cert_path) = ca_issued(dir, "leaf", &["rsa:2048"], "Nguyễn Văn B");
    let cert = load_cert(&cert_path);

    assert!(export_p12(
        dir,
        &key,
        &cert_path,
        &ca_path,
        "pbes2.p12",
        &[]
    ));
    let mut files = vec!["pbes2.p12"];
    if export_p12(dir, &key, &cert_path, &ca_path, "legacy.p12", &["-legacy"]) {
        files.push("legacy.p12");
    }
    for f in files {
        let signer = SoftwareSigner::from_pkcs12_file(dir.join(f), "mật-khẩu").unwrap();
        assert_eq!(
            signer.certificate(),
            &cert,
            "{f}: leaf chosen by public key"
        );
        assert_eq!(
            signer.chain(),
            std::slice::from_ref(&ca),
            "{f}: CA is the chain"
        );
        assert_eq!(signer.scheme(), SignatureScheme::RsaPkcs1Sha256);
        assert_eq!(signer.max_signature_len(), 256);
        let sig = signer.sign(MSG).unwrap();
        verify(&cert, SignatureScheme::RsaPkcs1Sha256, MSG, &sig);

        let pss = signer.with_scheme(SignatureScheme::RsaPssSha256).unwrap();
        verify(
            &cert,
            SignatureScheme::RsaPssSha256,
            MSG,
            &pss.sign(MSG).unwrap(),
        );
        let err = pss
            .with_scheme(SignatureScheme::EcdsaP256Sha256)
            .unwrap_err();
        assert_eq!(err.code(), 4042);

        let err = SoftwareSigner::from_pkcs12_file(dir.join(f), "sai-mật-khẩu").unwrap_err();
        assert!(matches!(err, TokenError::BadPkcs12Password), "{f}: {err:?}");
        assert_eq!(err.code(), 4050);
    }

    let err = SoftwareSigner::from_pkcs12(b"not a pfx", "x").unwrap_err();
    assert!(matches!(err, TokenError::MalformedPkcs12 { .. }), "{err:?}");
}

#[test]
fn pkcs8_encrypted_pem_loads_and_signs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (key, cert_path) = self_signed(dir, "rsa", &["rsa:2048"], "Trần Thị C");
    openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "rsa.key",
            "-out",
            "rsa.enc.pem",
            "-passout",
            "pass:bí-mật",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8", "-topk8", "-nocrypt", "-in", "rsa.key", "-outform", "DER", "-out", "rsa.der",
        ],
    );
    let cert = load_cert(&cert_path);
    let signer = SoftwareSigner::from_key_files(
        dir.join("rsa.enc.pem"),
        Some("bí-mật"),
        &[cert_path.as_path()],
    )
    .unwrap();
    assert_eq!(signer.certificate(), &cert);
    assert!(signer.chain().is_empty());
    let sig = signer.sign(MSG).unwrap();
    verify(&cert, SignatureScheme::RsaPkcs1Sha256, MSG, &sig);

    // The plain PEM and DER forms give the same key (PKCS#1 v1.5 is deterministic).
    for f in [key.as_path(), &dir.join("rsa.der")] {
        let s = SoftwareSigner::from_key_files(f, None, &[cert_path.as_path()]).unwrap();
        assert_eq!(s.sign(MSG).unwrap(), sig);
    }

    let err = SoftwareSigner::from_key_files(
        dir.join("rsa.enc.pem"),
        Some("sai"),
        &[cert_path.as_path()],
    )
    .unwrap_err();
    assert!(matches!(err, TokenError::BadKeyPassword), "{err:?}");
    assert_eq!(err.code(), 4051);

    // A software key can sign its own renewal request.
    let csr =
        certification_request(&signer, &SubjectName::parse("CN=Trần Thị C,C=VN").unwrap()).unwrap();
    std::fs::write(dir.join("renew.csr"), csr.to_pem().unwrap()).unwrap();
    openssl(dir, &["req", "-in", "renew.csr", "-verify", "-noout"]);
}

#[test]
fn ec_keys_and_certificate_matching() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (p256_key, p256_cert) = self_signed(
        dir,
        "p256",
        &["ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "EC P-256",
    );
    let (p384_key, p384_cert) = self_signed(
        dir,
        "p384",
        &["ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "EC P-384",
    );
    let s256 = SoftwareSigner::from_key_files(&p256_key, None, &[p256_cert.as_path()]).unwrap();
    assert_eq!(s256.scheme(), SignatureScheme::EcdsaP256Sha256);
    let sig = s256.sign(MSG).unwrap();
    assert!(sig.len() <= s256.max_signature_len());
    verify(
        &load_cert(&p256_cert),
        SignatureScheme::EcdsaP256Sha256,
        MSG,
        &sig,
    );

    let s384 = SoftwareSigner::from_key_files(&p384_key, None, &[p384_cert.as_path()]).unwrap();
    assert_eq!(s384.scheme(), SignatureScheme::EcdsaP384Sha384);
    let sig = s384.sign(MSG).unwrap();
    verify(
        &load_cert(&p384_cert),
        SignatureScheme::EcdsaP384Sha384,
        MSG,
        &sig,
    );

    // The leaf is found by public key whatever the order of the certificate files.
    let s = SoftwareSigner::from_key_files(
        &p256_key,
        None,
        &[p384_cert.as_path(), p256_cert.as_path()],
    )
    .unwrap();
    assert_eq!(s.certificate(), &load_cert(&p256_cert));
    assert_eq!(s.chain().len(), 1);

    // A certificate for another key is refused.
    let err = SoftwareSigner::from_key_files(&p256_key, None, &[p384_cert.as_path()]).unwrap_err();
    assert!(
        matches!(err, TokenError::CertificateMismatch { .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), 4033);

    let err = SoftwareSigner::from_key_files(dir.join("missing.pem"), None, &[]).unwrap_err();
    assert!(matches!(err, TokenError::Io { .. }), "{err:?}");
    let err = SoftwareSigner::from_key_bytes(b"garbage", None, vec![]).unwrap_err();
    assert!(matches!(err, TokenError::MalformedKey { .. }), "{err:?}");
}
