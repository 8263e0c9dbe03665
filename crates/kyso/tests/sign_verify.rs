//! Signing and verifying end to end with the built-in demo PKI and a software key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::OnceLock;

use kyso::demo::{DemoPki, sample_pdf};
use kyso::token::SoftwareSigner;
use kyso::{PadesOptions, RevocationMode, SubFilter, Verdict, VerifyOptions};
use kyso_policy::TrustStore;
use kyso_verify::report::{CheckStatus, Indication};

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap())
}

fn signer() -> SoftwareSigner {
    pki().software_signer().unwrap()
}

fn options() -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust.add_anchor(pki().root.clone()).unwrap();
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    o
}

fn sign(pdf: &[u8]) -> Vec<u8> {
    let s = signer();
    kyso::sign_pdf(pdf, &s, &PadesOptions::new(kyso::signing_time_now()))
        .unwrap()
        .bytes
}

#[test]
fn signed_sample_verifies_and_keeps_the_original_as_prefix() {
    let original = sample_pdf();
    let signed = sign(&original);
    assert!(signed.starts_with(&original));
    let r = kyso::verify_pdf(&signed, &options()).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    let s = &r.signatures[0];
    assert_eq!(s.level, "B-B");
    assert_eq!(
        s.signer.as_ref().unwrap().title.as_deref(),
        Some("Giám đốc")
    );
    assert!(
        s.reasons.iter().any(
            |x| x.code == "REVOCATION_SKIPPED" && x.severity == kyso_policy::Severity::Warning
        )
    );
}

#[test]
fn without_revocation_data_the_verdict_is_indeterminate() {
    let signed = sign(&sample_pdf());
    let mut o = options();
    o.revocation = RevocationMode::Embedded;
    let r = kyso::verify_pdf(&signed, &o).unwrap();
    assert_eq!(r.verdict, Verdict::Indeterminate);
    assert_eq!(r.signatures[0].sub_indication.as_deref(), Some("TRY_LATER"));
}

#[test]
fn untrusted_root_is_not_valid() {
    let signed = sign(&sample_pdf());
    let mut o = options();
    o.trust = TrustStore::new();
    let r = kyso::verify_pdf(&signed, &o).unwrap();
    assert_eq!(r.verdict, Verdict::Indeterminate);
    assert_eq!(
        r.signatures[0].sub_indication.as_deref(),
        Some("NO_CERTIFICATE_CHAIN_FOUND")
    );
    // An intermediate is never trusted by being present.
    let mut o = options();
    let mut t = TrustStore::new();
    t.add_intermediate(pki().ca.clone()).unwrap();
    o.trust = t;
    assert_ne!(
        kyso::verify_pdf(&signed, &o).unwrap().verdict,
        Verdict::Valid
    );
}

#[test]
fn adbe_pkcs7_detached_carries_signing_time() {
    let s = signer();
    let mut opts = PadesOptions::new(kyso::signing_time_now());
    opts.sub_filter = SubFilter::Pkcs7Detached;
    let signed = kyso::sign_pdf(&sample_pdf(), &s, &opts).unwrap().bytes;
    let r = kyso::verify_pdf(&signed, &options()).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    let sig = &r.signatures[0];
    assert_eq!(sig.sub_filter.as_deref(), Some("adbe.pkcs7.detached"));
    assert_eq!(
        sig.signing_time.as_ref().unwrap().source,
        "signed_attribute"
    );
}

#[test]
fn a_flipped_byte_anywhere_covered_is_a_hash_failure() {
    let original = sample_pdf();
    let signed = sign(&original);
    for pos in [10, original.len() / 2, original.len() - 10] {
        let mut bad = signed.clone();
        bad[pos] ^= 0x20;
        // A flip that breaks the syntax is refused too; a readable file must be INVALID.
        if let Ok(r) = kyso::verify_pdf(&bad, &options()) {
            assert_eq!(r.verdict, Verdict::Invalid, "byte {pos}: {}", r.to_json());
        }
    }
    // A byte in the signature's own update (after /Contents) is covered as well.
    let mut bad = signed.clone();
    let n = bad.len() - 30;
    bad[n] ^= 0x01;
    if let Ok(r) = kyso::verify_pdf(&bad, &options()) {
        assert_ne!(r.verdict, Verdict::Valid);
    }
}

#[test]
fn garbage_contents_is_invalid_not_a_panic() {
    let signed = sign(&sample_pdf());
    let text = signed.clone();
    let start = text.windows(11).position(|w| w == b"/Contents <").unwrap() + 11;
    for garbage in [&b"DEADBEEF"[..], b"3082FFFF", b"00"] {
        let mut bad = signed.clone();
        bad[start..start + garbage.len()].copy_from_slice(garbage);
        let r = kyso::verify_pdf(&bad, &options()).unwrap();
        assert_eq!(r.verdict, Verdict::Invalid);
        assert_eq!(r.signatures[0].indication, Indication::TotalFailed);
    }
}

#[test]
fn truncated_files_never_panic_and_are_never_valid() {
    let signed = sign(&sample_pdf());
    for cut in (0..signed.len()).step_by(97) {
        if let Ok(r) = kyso::verify_pdf(&signed[..cut], &options()) {
            assert_ne!(r.verdict, Verdict::Valid, "cut at {cut}");
        }
    }
    assert!(kyso::verify_pdf(b"", &options()).is_err());
    assert!(kyso::verify_pdf(b"not a pdf at all", &options()).is_err());
}

#[test]
fn second_signature_keeps_the_first_valid() {
    let once = sign(&sample_pdf());
    let twice = sign(&once);
    assert!(twice.starts_with(&once));
    let r = kyso::verify_pdf(&twice, &options()).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    assert_eq!(r.signatures.len(), 2);
    assert_eq!(r.signatures[0].field, "Signature1");
    assert_eq!(r.signatures[1].field, "Signature2");
    assert_eq!(r.signatures[0].modification_level, "signing");
    assert!(!r.signatures[0].modified_after_signing);
}

/// Append an incremental update that replaces page 1's content stream.
fn change_page_content(pdf: &[u8]) -> Vec<u8> {
    use kyso_pdf::lopdf::{Object, Stream, dictionary};
    let doc = kyso_pdf::load_document(pdf).unwrap();
    let page = kyso_pdf::load::page_ids(&doc)[0];
    let page_dict = doc.objects[&page].as_dict().unwrap();
    let Object::Reference(content) = page_dict.get(b"Contents").unwrap() else {
        panic!()
    };
    let prev = kyso_pdf::load::last_startxref(pdf).unwrap();
    let mut out = pdf.to_vec();
    let offset = out.len();
    out.extend_from_slice(format!("{} 0 obj\n", content.0).as_bytes());
    let body = b"BT /F1 14 Tf 72 770 Td (So tien: 999.000.000 dong) Tj ET".to_vec();
    kyso_pdf::serialize::write_object(&mut out, &Object::Stream(Stream::new(dictionary! {}, body)));
    out.extend_from_slice(b"\nendobj\n");
    let xref = out.len();
    let size = doc.trailer.get(b"Size").unwrap().as_i64().unwrap();
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{offset:010} 00000 n\r\ntrailer\n<< /Size {size} /Root 1 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            content.0
        )
        .as_bytes(),
    );
    out
}

#[test]
fn content_changed_after_signing_is_reported() {
    let signed = sign(&sample_pdf());
    let altered = change_page_content(&signed);
    let r = kyso::verify_pdf(&altered, &options()).unwrap();
    assert_eq!(r.verdict, Verdict::Invalid, "{}", r.to_json());
    let s = &r.signatures[0];
    assert!(s.modified_after_signing);
    assert_eq!(s.checks.modifications, CheckStatus::Failed);
    assert_eq!(
        s.checks.integrity,
        CheckStatus::Passed,
        "the signed revision itself is intact"
    );
    assert!(s.reasons.iter().any(|x| x.code == "MODIFIED_AFTER_SIGNING"));
}

#[test]
fn existing_acroform_and_named_field() {
    let s = signer();
    let mut opts = PadesOptions::new(kyso::signing_time_now());
    opts.field_name = Some("PheDuyet".into());
    let signed = kyso::sign_pdf(&sample_pdf(), &s, &opts).unwrap();
    assert_eq!(signed.field_name, "PheDuyet");
    // The same name again is refused: that field is signed already.
    assert!(kyso::sign_pdf(&signed.bytes, &s, &opts).is_err());
}

#[test]
fn failed_signing_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    let output = dir.path().join("out.pdf");
    std::fs::write(&input, b"%PDF-1.7\ntruncated").unwrap();
    let s = signer();
    assert!(
        kyso::sign_pdf_file(
            &input,
            &output,
            &s,
            &PadesOptions::new(kyso::signing_time_now())
        )
        .is_err()
    );
    assert!(!output.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}

#[test]
fn fixtures_with_xref_streams_forms_and_pyhanko_signatures() {
    let work = common::work_dir();
    let pdf = work.join("pdf");
    let mut trust = TrustStore::new();
    trust
        .add_anchors(&std::fs::read(work.join("pki/root-g2.pem")).unwrap())
        .unwrap();
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    let p12 = SoftwareSigner::from_pkcs12_file(work.join("pki/ca-nhan.p12"), "kyso-test").unwrap();
    for f in [
        "classic-xref",
        "xref-stream",
        "acroform",
        "sig-field",
        "multipage",
        "rotate90",
        "pyhanko-signed",
    ] {
        let original = std::fs::read(pdf.join(format!("{f}.pdf"))).unwrap();
        let signed = kyso::sign_pdf(
            &original,
            &p12,
            &PadesOptions::new(kyso::signing_time_now()),
        )
        .unwrap();
        assert!(signed.bytes.starts_with(&original));
        let r = kyso::verify_pdf(&signed.bytes, &o).unwrap();
        assert_eq!(r.verdict, Verdict::Valid, "{f}: {}", r.to_json());
        if f == "sig-field" {
            assert_eq!(signed.field_name, "Sig1", "the empty field is filled");
        }
    }
    let modified = std::fs::read(pdf.join("pyhanko-signed-modified.pdf")).unwrap();
    let r = kyso::verify_pdf(&modified, &o).unwrap();
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(r.signatures[0].modified_after_signing);
}

#[test]
fn government_ca_quirks_of_the_test_pki() {
    let work = common::work_dir();
    let pki = work.join("pki");
    let verify_with_time = |p12: &str, root: &str, time: kyso::SigningTime| {
        let signer = SoftwareSigner::from_pkcs12_file(pki.join(p12), "kyso-test").unwrap();
        let signed = kyso::sign_pdf(&sample_pdf(), &signer, &PadesOptions::new(time)).unwrap();
        let mut trust = TrustStore::new();
        trust
            .add_anchors(&std::fs::read(pki.join(root)).unwrap())
            .unwrap();
        let mut o = VerifyOptions::new(trust, kyso::now());
        o.revocation = RevocationMode::Off;
        kyso::verify_pdf(&signed.bytes, &o).unwrap()
    };
    let verify_with = |p12: &str, root: &str| verify_with_time(p12, root, kyso::signing_time_now());
    // A leaf with a negative serial (other CAs issue them): read, reported, valid.
    let r = verify_with("neg-serial.p12", "root-g2.pem");
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    // A G1-style chain (SHA-1 root with a top-bit serial, sub-CA with an empty IssuerAltName):
    // the path is found, but SHA-1 certificate signatures are legacy and nothing proves this
    // signature is older than the cut-off, so it cannot be VALID.
    let r = verify_with("g1-leaf.p12", "root-g1.pem");
    let s = &r.signatures[0];
    assert_eq!(r.verdict, Verdict::Indeterminate, "{}", r.to_json());
    assert_eq!(
        s.sub_indication.as_deref(),
        Some("CRYPTO_CONSTRAINTS_FAILURE"),
        "{}",
        r.to_json()
    );
    assert_eq!(s.path.len(), 3, "the G1 path itself is built: {:?}", s.path);
    // An expired signer certificate with only a claimed signing time inside its validity
    // (2020-06-01; kyso refuses to sign with it now): no proof of existence.
    let back_then = kyso::SigningTime {
        unix_seconds: 1_590_969_600,
        offset_minutes: 420,
    };
    let r = verify_with_time("expired.p12", "root-g2.pem", back_then);
    assert_ne!(r.verdict, Verdict::Valid);
    assert_eq!(
        r.signatures[0].checks.validity_at_signing,
        CheckStatus::Failed,
        "{}",
        r.to_json()
    );
}
