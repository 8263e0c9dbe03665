//! The Government CA's roots are the default anchors: a real government PDF verified with no
//! trust options gets the verdict it gets with the G1/G2 roots and issuing CAs named
//! explicitly; a document signed under any other root is never VALID by default; `trust`
//! replaces the built-in roots and `builtin_trust: false` leaves none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use kyso::report::{Report, Verdict};
use kyso::{PadesOptions, VerifyConfig};

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(rel)
}

/// Verdict, then per signature: indication and sub-indication.
fn outcome(report: &Report) -> (Verdict, Vec<String>) {
    let sigs = report
        .signatures
        .iter()
        .map(|s| format!("{:?}/{:?}", s.indication, s.sub_indication))
        .collect();
    (report.verdict, sigs)
}

fn verify(file: &std::path::Path, config: VerifyConfig) -> Report {
    kyso::verify_pdf_file(file, &config.build().unwrap()).unwrap()
}

#[test]
fn real_government_pdfs_need_no_trust_options() {
    let dir = corpus("vn-gov/pdf");
    if !dir.is_dir() {
        eprintln!("skipped: no ../shared/corpora/vn-gov/pdf beside the repository");
        return;
    }
    let explicit: Vec<String> = ["vgca-g1/VGCA_ROOTCA_BIN.cer", "vgca-g2/rootcag2.crt"]
        .iter()
        .map(|f| corpus(&format!("vn-gov/certs/{f}")).display().to_string())
        .collect();
    let intermediates: Vec<String> = ["vgca-g1/CP_BIN.cer", "vgca-g2/cpcag2.crt"]
        .iter()
        .map(|f| corpus(&format!("vn-gov/certs/{f}")).display().to_string())
        .collect();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        // Both at now and at a time inside the certificates' validity.
        for at in [
            None,
            Some("2025-01-08T00:00:00Z"),
            Some("2016-03-04T00:00:00Z"),
        ] {
            let at = at.map(str::to_owned);
            let default = verify(
                &path,
                VerifyConfig {
                    at: at.clone(),
                    ..Default::default()
                },
            );
            let named = verify(
                &path,
                VerifyConfig {
                    trust: explicit.clone(),
                    intermediates: intermediates.clone(),
                    at: at.clone(),
                    ..Default::default()
                },
            );
            assert_eq!(
                outcome(&default),
                outcome(&named),
                "{} at {at:?}",
                path.display()
            );
            assert!(
                !default.signatures.is_empty(),
                "{}: signatures found",
                path.display()
            );
            let no_chain = default
                .signatures
                .iter()
                .any(|s| s.sub_indication.as_deref() == Some("NO_CERTIFICATE_CHAIN_FOUND"));
            assert!(
                !no_chain,
                "{} at {at:?}: the built-in roots chain it",
                path.display()
            );
            // With no anchor at all, the same file finds no chain.
            let none = verify(
                &path,
                VerifyConfig {
                    builtin_trust: Some(false),
                    at,
                    ..Default::default()
                },
            );
            assert_ne!(none.verdict, Verdict::Valid);
        }
        seen += 1;
    }
    assert!(seen >= 2, "the corpus has the G1 and G2 government PDFs");
}

#[test]
fn a_document_under_another_root_is_never_valid_by_default() {
    let now = kyso::now().unix_duration().as_secs();
    let pki = kyso::demo::DemoPki::generate(now).unwrap();
    let signed = kyso::sign_pdf(
        &kyso::demo::sample_pdf(),
        &pki.software_signer().unwrap(),
        &PadesOptions::new(kyso::signing_time_now()),
    )
    .unwrap();
    let by_default =
        kyso::verify_pdf(&signed.bytes, &VerifyConfig::default().build().unwrap()).unwrap();
    assert_ne!(by_default.verdict, Verdict::Valid);
    assert_eq!(
        by_default.signatures[0].sub_indication.as_deref(),
        Some("NO_CERTIFICATE_CHAIN_FOUND")
    );
    // Naming the demo root replaces the built-in ones (and "builtin" adds them back).
    let root = der::EncodePem::to_pem(&pki.root, der::pem::LineEnding::LF).unwrap();
    for trust in [vec![root.clone()], vec!["builtin".to_owned(), root]] {
        let config = VerifyConfig {
            trust,
            revocation: Some("off".into()),
            ..Default::default()
        };
        let report = kyso::verify_pdf(&signed.bytes, &config.build().unwrap()).unwrap();
        assert!(
            report.signatures[0].sub_indication.as_deref() != Some("NO_CERTIFICATE_CHAIN_FOUND"),
            "{}",
            report.to_json()
        );
    }
}

#[test]
fn trust_may_be_one_string() {
    let c = VerifyConfig::from_json(r#"{"trust": "builtin"}"#).unwrap();
    assert_eq!(c.trust, ["builtin"]);
    assert!(VerifyConfig::from_json(r#"{"trust": 5}"#).is_err());
    assert!(VerifyConfig::from_json(r#"{"builtin_trust": "no"}"#).is_err());
}
