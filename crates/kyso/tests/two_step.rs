//! Two-step signing (kyso::two_step and its JSON forms): prepared with the certificate alone,
//! signed outside by `openssl dgst -sign` (an independent signer holding the key), finished,
//! verified; a value over other data, a changed prepared file, a finished file and a missing
//! time-stamp authority refused with their codes. Uses the test PKI (`KYSO_TEST_WORK`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{pki, work_dir};
use kyso::ltv::{Level, LtvOptions, TimeStamper};
use kyso::{PadesOptions, RevocationMode, Verdict, VerifyOptions};
use kyso_policy::TrustStore;

fn plain() -> Vec<u8> {
    std::fs::read(work_dir().join("pdf").join("plain.pdf")).unwrap()
}

fn cert(name: &str) -> x509_cert::Certificate {
    kyso::token::load_certificates(pki(name)).unwrap().remove(0)
}

/// `openssl dgst -SHA -sign KEY` over `data`: the external key's value.
fn openssl_sign(key: &Path, digest: &str, data: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tbs.der");
    let output = dir.path().join("sig.bin");
    std::fs::write(&input, data).unwrap();
    common::openssl(&[
        "dgst",
        &format!("-{digest}"),
        "-sign",
        key.to_str().unwrap(),
        "-out",
        output.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    std::fs::read(output).unwrap()
}

fn verify(pdf: &[u8], extra_anchor: Option<&x509_cert::Certificate>) -> kyso::Report {
    let mut trust = TrustStore::new();
    trust.add_anchor(cert("root-g2.pem")).unwrap();
    if let Some(a) = extra_anchor {
        trust.add_anchor(a.clone()).unwrap();
    }
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    kyso::verify_pdf(pdf, &o).unwrap()
}

fn prepare(signer: &str, level: Level) -> kyso::two_step::Prepared {
    kyso::two_step::prepare(
        &plain(),
        cert(&format!("{signer}.pem")),
        vec![cert("ca-g2.pem")],
        &PadesOptions::new(kyso::signing_time_now()),
        None,
        level,
    )
    .unwrap()
}

fn finish_bb(prepared: &[u8], value: &[u8]) -> Result<kyso::two_step::Finished, kyso::Error> {
    kyso::two_step::finish(prepared, value, Level::BB, &LtvOptions::default(), None)
}

#[test]
fn rsa_and_ecdsa_values_made_outside_finish_into_valid_signatures() {
    for (signer, digest) in [("ca-nhan", "sha256"), ("ec-p256", "sha256")] {
        let prepared = prepare(signer, Level::BB);
        assert!(prepared.pdf.starts_with(&plain()), "an incremental update");
        // The prepared file carries a CMS with a zero value: not a valid signature yet.
        assert_ne!(verify(&prepared.pdf, None).verdict, Verdict::Valid);
        let json: serde_json::Value = serde_json::from_str(&prepared.to_json()).unwrap();
        assert_eq!(json["digest_algorithm"], digest);
        assert_eq!(
            json["to_be_signed_digest_hex"].as_str().unwrap().len(),
            64,
            "{json}"
        );
        let value = openssl_sign(
            &pki(&format!("{signer}.key.pem")),
            digest,
            &prepared.to_be_signed,
        );
        let done = finish_bb(&prepared.pdf, &value).unwrap();
        assert_eq!(done.pdf.len(), prepared.pdf.len(), "only /Contents changed");
        let report = verify(&done.pdf, None);
        assert_eq!(
            report.verdict,
            Verdict::Valid,
            "{signer}: {}",
            report.to_json()
        );
        assert_eq!(report.signatures[0].field, prepared.field);
    }
}

#[test]
fn a_wrong_value_a_changed_file_or_a_finished_file_is_refused() {
    let prepared = prepare("ca-nhan", Level::BB);
    let key = pki("ca-nhan.key.pem");
    // A value over other data, and one from another key.
    let other = openssl_sign(&key, "sha256", b"something else");
    let err = finish_bb(&prepared.pdf, &other).unwrap_err();
    assert_eq!(err.code(), 5012, "{err}");
    let foreign = openssl_sign(&pki("to-chuc.key.pem"), "sha256", &prepared.to_be_signed);
    assert_eq!(finish_bb(&prepared.pdf, &foreign).unwrap_err().code(), 5012);
    assert_eq!(finish_bb(&prepared.pdf, b"").unwrap_err().code(), 5012);

    let value = openssl_sign(&key, "sha256", &prepared.to_be_signed);
    // One byte of the signed part changed (in the original document).
    let mut changed = prepared.pdf.clone();
    let at = changed.windows(9).position(|w| w == b"/MediaBox").unwrap() + 12;
    changed[at] ^= 1;
    assert_eq!(finish_bb(&changed, &value).unwrap_err().code(), 5011);
    // Bytes appended after the prepared update.
    let mut appended = prepared.pdf.clone();
    appended.extend_from_slice(b"\n% more\n");
    assert_eq!(finish_bb(&appended, &value).unwrap_err().code(), 5011);

    // Finished once; a second finish finds nothing awaiting a value.
    let done = finish_bb(&prepared.pdf, &value).unwrap();
    assert_eq!(finish_bb(&done.pdf, &value).unwrap_err().code(), 5010);
    // An unsigned document is not a prepared one.
    assert_eq!(finish_bb(&plain(), &value).unwrap_err().code(), 5010);
}

#[test]
fn the_time_stamp_is_added_when_finishing() {
    let demo = kyso::demo::DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap();
    let tsa: Arc<dyn TimeStamper> = Arc::new(demo.local_tsa().unwrap());
    let prepared = prepare("ca-nhan", Level::BT);
    let value = openssl_sign(&pki("ca-nhan.key.pem"), "sha256", &prepared.to_be_signed);
    // B-T without a TSA is refused before anything is done.
    let err = kyso::two_step::finish(
        &prepared.pdf,
        &value,
        Level::BT,
        &LtvOptions::default(),
        None,
    )
    .unwrap_err();
    assert_eq!(err.code(), 7001, "{err}");
    let done = kyso::two_step::finish(
        &prepared.pdf,
        &value,
        Level::BT,
        &LtvOptions::default(),
        Some(&tsa),
    )
    .unwrap();
    let report = verify(&done.pdf, Some(&demo.root));
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    assert_eq!(report.signatures[0].level, "B-T");

    // Prepared for B-B: no room was kept for a token.
    let small = prepare("ca-nhan", Level::BB);
    let value = openssl_sign(&pki("ca-nhan.key.pem"), "sha256", &small.to_be_signed);
    let err = kyso::two_step::finish(
        &small.pdf,
        &value,
        Level::BT,
        &LtvOptions::default(),
        Some(&tsa),
    )
    .unwrap_err();
    assert!(err.to_string().contains("does not fit"), "{err}");
}

#[test]
fn json_forms_with_a_decree_30_profile() {
    let cert_pem = std::fs::read_to_string(pki("to-chuc.pem")).unwrap();
    let options = serde_json::json!({
        "signer": {"external": {"certificate": cert_pem}},
        "chain": [pki("ca-g2.pem").display().to_string()],
        "profile": "attachment",
        "doc_number": "45/UBND-KT",
        "level": "B-B",
    });
    let prepared = kyso::two_step::prepare_json(&plain(), &options.to_string()).unwrap();
    let info: serde_json::Value = serde_json::from_str(&prepared.to_json()).unwrap();
    use base64::Engine;
    let tbs = base64::engine::general_purpose::STANDARD
        .decode(info["to_be_signed"].as_str().unwrap())
        .unwrap();
    assert_eq!(tbs, prepared.to_be_signed);
    let value = openssl_sign(&pki("to-chuc.key.pem"), "sha256", &tbs);
    // The value as base64 text, as services return it.
    let b64 = base64::engine::general_purpose::STANDARD.encode(&value);
    let read = kyso::two_step::read_signature_value(format!("{b64}\n").as_bytes());
    let done = kyso::two_step::finish_json(&prepared.pdf, &read, "{}").unwrap();
    let report = verify(&done.pdf, None);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    assert_eq!(report.signatures[0].role, "attachment");

    // An external signer cannot sign in one step, and a key cannot be prepared for.
    let err = kyso::sign_pdf_json(&plain(), &options.to_string()).unwrap_err();
    assert_eq!(err.code(), 7001, "{err}");
    let p12 = serde_json::json!({"signer": {"p12": {"path": "x.p12"}}});
    assert_eq!(
        kyso::two_step::prepare_json(&plain(), &p12.to_string())
            .unwrap_err()
            .code(),
        7001
    );
    // Unknown finish options are refused.
    assert!(kyso::two_step::finish_json(&prepared.pdf, &read, "{\"levle\":\"B-T\"}").is_err());
}
