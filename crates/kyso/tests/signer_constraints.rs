//! What a certificate may sign (issue: no false VALID). Certificates are issued at test time by
//! the test PKI's G2 issuing CA with OpenSSL, with the key usages and sizes under test; the
//! PDFs signed with the refused keys are assembled from the lower layers (the incremental
//! writer and the CMS builder), as an attacker or another tool would, since `kyso sign` refuses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{issue_leaf, pki};
use kyso::demo::sample_pdf;
use kyso::token::Signer;
use kyso::token::SoftwareSigner;
use kyso::{PadesOptions, RevocationMode, SigningTime, Verdict, VerifyOptions};
use kyso_policy::TrustStore;
use kyso_policy::usage::Purpose;
use kyso_verify::report::{CheckStatus, Indication};
use sha2::Digest;

const DAY: u64 = 86_400;

/// Now plus `days` (a signing time relative to the certificates' issue).
fn in_days(days: i64) -> SigningTime {
    let now = kyso::now().unix_duration().as_secs();
    SigningTime {
        unix_seconds: now.checked_add_signed(days * DAY as i64).unwrap(),
        offset_minutes: 420,
    }
}

fn soon() -> SigningTime {
    in_days(1)
}

/// RFC 3339 of now plus `days`.
fn at_days(days: i64) -> String {
    kyso_policy::time::rfc3339(in_days(days).to_der_time().unwrap())
}

/// A PAdES signature made without kyso's refusal: the writer and CMS layers directly.
fn sign_unchecked(pdf: &[u8], signer: &dyn Signer) -> Vec<u8> {
    use kyso_pdf::incremental::{SignatureRequest, prepare_signature};
    let mut request = SignatureRequest::invisible("Sig", "ETSI.CAdES.detached", 8192);
    request.dictionary.signing_time = Some(soon().pdf_date().unwrap());
    let prepared = prepare_signature(pdf, &request).unwrap();
    let [head, tail] = prepared.signed_parts();
    let mut h = sha2::Sha256::new();
    h.update(head);
    h.update(tail);
    let cms = kyso_sign::cms::sign_detached_digest(
        signer,
        &h.finalize(),
        &kyso_sign::cms::CmsOptions { signing_time: None },
    )
    .unwrap();
    prepared.finish(&cms).unwrap()
}

fn options(at: &str) -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust
        .add_anchors(&std::fs::read(pki("root-g2.pem")).unwrap())
        .unwrap();
    trust
        .add_intermediates(&std::fs::read(pki("ca-g2.pem")).unwrap())
        .unwrap();
    let mut o = VerifyOptions::new(trust, common::at(at));
    o.revocation = RevocationMode::Off;
    o
}

fn refusal_codes(e: &kyso::Error) -> Vec<String> {
    match e {
        kyso::Error::Sign(kyso_sign::SignError::CertificateRefused(r)) => {
            r.iter().map(|r| r.code.clone()).collect()
        }
        other => panic!("expected a certificate refusal, got {other:?}"),
    }
}

fn cert_report(signer: &SoftwareSigner, purpose: Purpose) -> kyso::certificates::CertificateReport {
    use der::Encode;
    let der = signer.certificate().to_der().unwrap();
    kyso::certificates::verify_certificate(&der, &options(&at_days(1)), purpose).unwrap()
}

#[test]
fn an_encipherment_only_key_neither_signs_nor_verifies_as_valid() {
    let dir = tempfile::tempdir().unwrap();
    let signer = issue_leaf(
        dir.path(),
        "ma-hoa",
        "rsa:2048",
        "keyUsage = critical, keyEncipherment, dataEncipherment",
    );

    // kyso sign refuses, naming key usage, in both languages.
    let e = kyso::sign_pdf(&sample_pdf(), &signer, &PadesOptions::new(soon())).unwrap_err();
    assert_eq!(refusal_codes(&e), ["KEY_USAGE_NOT_FOR_SIGNING"]);
    let text = e.to_string();
    assert!(
        text.contains("không được phép dùng để ký") && text.contains("may not sign"),
        "{text}"
    );

    // Made another way, the signature is mathematically fine but not VALID.
    let signed = sign_unchecked(&sample_pdf(), &signer);
    let r = kyso::verify_pdf(&signed, &options(&at_days(2))).unwrap();
    assert_eq!(r.verdict, Verdict::Invalid, "{}", r.to_json());
    let s = &r.signatures[0];
    assert_eq!(s.indication, Indication::TotalFailed);
    assert_eq!(s.checks.signature, CheckStatus::Passed);
    assert_eq!(s.checks.chain, CheckStatus::Failed);
    assert!(
        s.reasons
            .iter()
            .any(|x| x.code == "KEY_USAGE_NOT_FOR_SIGNING")
    );

    // cert verify: INVALID for document signing, VALID for the path alone.
    let c = cert_report(&signer, Purpose::DocumentSigning);
    assert_eq!(c.status, "INVALID", "{}", c.to_json());
    assert!(
        c.reasons
            .iter()
            .any(|x| x.code == "KEY_USAGE_NOT_FOR_SIGNING")
    );
    assert_eq!(cert_report(&signer, Purpose::Any).status, "VALID");
}

#[test]
fn signing_key_usages_of_the_real_ca_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    // G1 leaves: nonRepudiation alone; G2 organisation: digitalSignature and more, EKUs that
    // are not document signing (non-critical).
    for (name, ext) in [
        ("g1-style", "keyUsage = critical, nonRepudiation"),
        (
            "g2-org-style",
            "keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment\nextendedKeyUsage = clientAuth, emailProtection, 1.3.6.1.4.1.311.20.2.2",
        ),
        ("digital-signature-only", "keyUsage = digitalSignature"),
        ("no-key-usage", ""),
    ] {
        let signer = issue_leaf(dir.path(), name, "rsa:2048", ext);
        let signed = kyso::sign_pdf(&sample_pdf(), &signer, &PadesOptions::new(soon()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let r = kyso::verify_pdf(&signed.bytes, &options(&at_days(2))).unwrap();
        assert_eq!(r.verdict, Verdict::Valid, "{name}: {}", r.to_json());
        let c = cert_report(&signer, Purpose::DocumentSigning);
        assert_eq!(c.status, "VALID", "{name}: {}", c.to_json());
    }
}

#[test]
fn service_keys_and_critical_foreign_purposes_may_not_sign_documents() {
    let dir = tempfile::tempdir().unwrap();
    for (name, ext, code) in [
        (
            "tsa-key",
            "keyUsage = critical, digitalSignature\nextendedKeyUsage = critical, timeStamping",
            "EXTENDED_KEY_USAGE_NOT_FOR_SIGNING",
        ),
        (
            "ocsp-key",
            "keyUsage = digitalSignature\nextendedKeyUsage = OCSPSigning",
            "EXTENDED_KEY_USAGE_NOT_FOR_SIGNING",
        ),
        (
            "tls-server",
            "keyUsage = digitalSignature\nextendedKeyUsage = critical, serverAuth",
            "EXTENDED_KEY_USAGE_NOT_FOR_SIGNING",
        ),
        (
            "ca-like",
            "keyUsage = critical, keyCertSign, cRLSign",
            "KEY_USAGE_NOT_FOR_SIGNING",
        ),
    ] {
        let signer = issue_leaf(dir.path(), name, "rsa:2048", ext);
        let e = kyso::sign_pdf(&sample_pdf(), &signer, &PadesOptions::new(soon())).unwrap_err();
        assert_eq!(refusal_codes(&e), [code], "{name}");
        let r = kyso::verify_pdf(
            &sign_unchecked(&sample_pdf(), &signer),
            &options(&at_days(2)),
        )
        .unwrap();
        assert_ne!(r.verdict, Verdict::Valid, "{name}: {}", r.to_json());
        assert!(
            r.signatures[0].reasons.iter().any(|x| x.code == code),
            "{name}"
        );
    }
    // A non-critical foreign purpose restricts nothing the Government CA's practice allows.
    let signer = issue_leaf(
        dir.path(),
        "tls-noncritical",
        "rsa:2048",
        "keyUsage = digitalSignature\nextendedKeyUsage = serverAuth",
    );
    assert!(kyso::sign_pdf(&sample_pdf(), &signer, &PadesOptions::new(soon())).is_ok());
}

#[test]
fn a_short_rsa_key_or_a_signing_time_outside_validity_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let weak = issue_leaf(
        dir.path(),
        "rsa-1024",
        "rsa:1024",
        "keyUsage = critical, nonRepudiation",
    );
    let e = kyso::sign_pdf(&sample_pdf(), &weak, &PadesOptions::new(soon())).unwrap_err();
    assert_eq!(refusal_codes(&e), ["CRYPTO_CONSTRAINTS_FAILURE"]);
    // A claimed signing time before the legacy cut-off buys no grace: nothing proves it.
    let backdated = SigningTime {
        unix_seconds: 1_546_300_800, // 2019-01-01
        offset_minutes: 420,
    };
    let e = kyso::sign_pdf(&sample_pdf(), &weak, &PadesOptions::new(backdated)).unwrap_err();
    assert!(refusal_codes(&e).contains(&"CRYPTO_CONSTRAINTS_FAILURE".to_owned()));
    let c = cert_report(&weak, Purpose::DocumentSigning);
    assert_eq!(c.status, "INDETERMINATE", "{}", c.to_json());
    assert_eq!(c.sub_indication, Some("CRYPTO_CONSTRAINTS_FAILURE"));
    assert_eq!(cert_report(&weak, Purpose::Any).status, "VALID");

    let good = issue_leaf(
        dir.path(),
        "hop-le",
        "rsa:2048",
        "keyUsage = critical, nonRepudiation",
    );
    let later = in_days(5 * 365); // after notAfter (four years)
    let e = kyso::sign_pdf(&sample_pdf(), &good, &PadesOptions::new(later)).unwrap_err();
    assert_eq!(refusal_codes(&e), ["CERTIFICATE_NOT_VALID_AT_TIME"]);
    let earlier = in_days(-2); // before notBefore (now)
    let e = kyso::sign_pdf(&sample_pdf(), &good, &PadesOptions::new(earlier)).unwrap_err();
    assert_eq!(refusal_codes(&e), ["CERTIFICATE_NOT_VALID_AT_TIME"]);
}

#[test]
fn inspect_tells_what_a_real_certificate_may_sign() {
    let read = |p: &str| std::fs::read(common::corpus(&format!("vn-gov/certs/{p}"))).unwrap();
    let org = kyso::certificates::inspect_certificate(&read(
        "extracted-from-pdfs/leaf_g2_cong-ttdt-chinh-phu_2023-2028.pem",
    ))
    .unwrap();
    assert!(org.may_sign_documents);
    assert_eq!(org.tax_code.as_deref(), Some("0102357802"));
    assert!(org.key_usage.contains(&"nonRepudiation"));
    assert!(org.extended_key_usage.iter().any(|e| e == "clientAuth"));
    let tsa = kyso::certificates::inspect_certificate(&read(
        "extracted-from-pdfs/tsa_g2_may-chu-cap-dau-thoi-gian-02.pem",
    ))
    .unwrap();
    assert!(!tsa.may_sign_documents);
    assert_eq!(tsa.extended_key_usage, ["timeStamping"]);
    assert!(tsa.to_json().contains("\"may_sign_documents\":false"));
    assert!(kyso::certificates::inspect_certificate(b"not a certificate").is_err());
}
