//! Certification signatures (ISO 32000-1 §12.8.2.2, DocMDP): written only as a document's
//! first signature, read back with their permission level, and no signature after P=1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use kyso::demo::{DemoPki, sample_pdf};
use kyso::{PadesOptions, RevocationMode, Verdict, VerifyOptions};
use kyso_policy::TrustStore;

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap())
}

fn options() -> VerifyOptions {
    let mut trust = TrustStore::new();
    trust.add_anchor(pki().root.clone()).unwrap();
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    o
}

fn sign(pdf: &[u8], certify: Option<u8>) -> Result<Vec<u8>, kyso::Error> {
    let signer = pki().software_signer().unwrap();
    let mut o = PadesOptions::new(kyso::signing_time_now());
    o.certification = certify;
    kyso::sign_pdf(pdf, &signer, &o).map(|s| s.bytes)
}

fn not_permitted(e: kyso::Error) -> String {
    match e {
        kyso::Error::Sign(kyso_sign::SignError::Pdf(kyso_pdf::PdfError::NotPermitted(m))) => m,
        other => panic!("expected NotPermitted, got {other:?}"),
    }
}

#[test]
fn each_level_is_written_and_read_back() {
    for p in 1..=3u8 {
        let signed = sign(&sample_pdf(), Some(p)).unwrap();
        let doc = kyso_pdf::load_document(&signed).unwrap();
        assert_eq!(kyso_pdf::signatures::document_mdp(&doc), Some(p));
        let sigs = kyso_pdf::find_signatures(&doc);
        assert_eq!(sigs[0].docmdp_permissions, Some(p));
        let r = kyso::verify_pdf(&signed, &options()).unwrap();
        assert_eq!(r.verdict, Verdict::Valid, "P={p}: {}", r.to_json());
        assert_eq!(r.signatures[0].role, "certification");
    }
}

#[test]
fn a_certification_must_come_first() {
    let approved = sign(&sample_pdf(), None).unwrap();
    let m = not_permitted(sign(&approved, Some(2)).unwrap_err());
    assert!(
        m.contains("first signature") && m.contains("chữ ký đầu tiên"),
        "{m}"
    );
}

#[test]
fn no_signature_after_p1_but_approvals_after_p2() {
    let locked = sign(&sample_pdf(), Some(1)).unwrap();
    let m = not_permitted(sign(&locked, None).unwrap_err());
    assert!(m.contains("P=1"), "{m}");

    let open = sign(&sample_pdf(), Some(2)).unwrap();
    let both = sign(&open, None).unwrap();
    let r = kyso::verify_pdf(&both, &options()).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    assert_eq!(r.signatures.len(), 2);
}

#[test]
fn a_p1_document_still_takes_long_term_validation_data() {
    // PAdES B-LTA maintenance (DSS and document time-stamps) is allowed after P=1.
    let mut o = PadesOptions::new(kyso::signing_time_now());
    o.certification = Some(1);
    let (signed, _) = pki()
        .sign_level(&sample_pdf(), &o, kyso::ltv::Level::BLTA)
        .unwrap();
    let bytes = signed.bytes;
    let mut opts = options();
    opts.revocation = RevocationMode::Embedded;
    let r = kyso::verify_pdf(&bytes, &opts).unwrap();
    assert_eq!(r.verdict, Verdict::Valid, "{}", r.to_json());
    assert_eq!(r.signatures[0].level, "B-LTA");
}
