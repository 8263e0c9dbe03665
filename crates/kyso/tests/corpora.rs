//! Real Government PDFs and the public PDF attack corpus.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{at, corpus};
use kyso::{RevocationMode, Verdict, VerifyOptions};
use kyso_policy::TrustStore;
use kyso_verify::report::{CheckStatus, Indication};

fn store(anchors: &[&str], intermediates: &[&str]) -> TrustStore {
    let mut s = TrustStore::new();
    for a in anchors {
        s.add_anchors(&std::fs::read(corpus(a)).unwrap()).unwrap();
    }
    for i in intermediates {
        s.add_intermediates(&std::fs::read(corpus(i)).unwrap())
            .unwrap();
    }
    s
}

fn verify(file: &str, trust: TrustStore, now: &str, revocation: RevocationMode) -> kyso::Report {
    let mut o = VerifyOptions::new(trust, at(now));
    o.revocation = revocation;
    kyso::verify_pdf(&std::fs::read(corpus(file)).unwrap(), &o).unwrap()
}

#[test]
fn government_g2_pdf_is_valid_at_its_timestamp() {
    let trust = store(
        &["vn-gov/certs/vgca-g2/rootcag2.crt"],
        &["vn-gov/certs/vgca-g2/cpcag2.crt"],
    );
    let r = verify(
        "vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf",
        trust,
        "2026-11-23T00:00:00Z",
        RevocationMode::Off,
    );
    println!("{}", r.to_json());
    assert_eq!(r.verdict, Verdict::Valid);
    let s = &r.signatures[0];
    assert_eq!(s.role, "certification");
    let t = s.signing_time.as_ref().unwrap();
    assert_eq!(t.source, "timestamp");
    assert!(t.value.starts_with("2025-01-07T"), "{}", t.value);
    assert!(s.timestamp.as_ref().unwrap().valid);
    assert_eq!(s.path.len(), 3);
    assert_eq!(
        s.signer.as_ref().unwrap().common_name.as_deref(),
        Some("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ")
    );
    assert!(s.reasons.iter().any(|r| r.code == "REVOCATION_SKIPPED"));
}

#[test]
fn government_g2_pdf_without_revocation_data_is_indeterminate() {
    let trust = store(
        &["vn-gov/certs/vgca-g2/rootcag2.crt"],
        &["vn-gov/certs/vgca-g2/cpcag2.crt"],
    );
    let r = verify(
        "vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf",
        trust,
        "2026-11-23T00:00:00Z",
        RevocationMode::Embedded,
    );
    assert_eq!(r.verdict, Verdict::Indeterminate);
    assert_eq!(r.signatures[0].sub_indication.as_deref(), Some("TRY_LATER"));
}

#[test]
fn government_g1_pdf_is_valid_at_its_timestamp_after_expiry() {
    let trust = store(
        &["vn-gov/certs/vgca-g1/VGCA_ROOTCA_BIN.cer"],
        &["vn-gov/certs/vgca-g1/CP_BIN.cer"],
    );
    let r = verify(
        "vn-gov/pdf/govportal_2016-03-03_g1_signed.pdf",
        trust,
        "2026-11-23T00:00:00Z",
        RevocationMode::Off,
    );
    println!("{}", r.to_json());
    assert_eq!(r.verdict, Verdict::Valid);
    let s = &r.signatures[0];
    assert!(
        s.signing_time
            .as_ref()
            .unwrap()
            .value
            .starts_with("2016-03-0")
    );
    assert!(
        s.reasons
            .iter()
            .any(|r| r.code == "CRYPTO_LEGACY_ALGORITHM"),
        "SHA-1 must be flagged as legacy"
    );
}

#[test]
fn government_pdf_with_the_wrong_root_has_no_chain() {
    let trust = store(
        &["vn-gov/certs/vgca-g1/VGCA_ROOTCA_BIN.cer"],
        &["vn-gov/certs/vgca-g2/cpcag2.crt"],
    );
    let r = verify(
        "vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf",
        trust,
        "2026-11-23T00:00:00Z",
        RevocationMode::Off,
    );
    assert_ne!(r.verdict, Verdict::Valid);
    assert_eq!(r.signatures[0].checks.chain, CheckStatus::Failed);
}

#[test]
fn government_pdf_with_one_flipped_byte_is_invalid() {
    let trust = store(
        &["vn-gov/certs/vgca-g2/rootcag2.crt"],
        &["vn-gov/certs/vgca-g2/cpcag2.crt"],
    );
    let mut bytes = std::fs::read(corpus("vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf")).unwrap();
    // A byte inside the first page's content, well before the signature.
    let pos = bytes.len() / 4;
    bytes[pos] ^= 0x01;
    let mut o = VerifyOptions::new(trust, at("2026-11-23T00:00:00Z"));
    o.revocation = RevocationMode::Off;
    // Unreadable after the flip would be a refusal as well; readable must be INVALID.
    if let Ok(r) = kyso::verify_pdf(&bytes, &o) {
        assert_eq!(r.verdict, Verdict::Invalid, "{}", r.to_json());
    }
}

/// Trust every certificate embedded in the file, so that only integrity, coverage and
/// modification findings decide — the attack corpus has no trust anchors of its own.
fn self_trust(bytes: &[u8]) -> TrustStore {
    let mut s = TrustStore::new();
    if let Ok(doc) = kyso_pdf::load_document(bytes) {
        for sig in kyso_pdf::find_signatures(&doc) {
            let mut noop = |_: &const_oid::ObjectIdentifier| Ok(Vec::new());
            if let Ok(c) = kyso_verify::cms::verify_detached(&sig.contents, &mut noop) {
                for cert in c.certificates {
                    let _ = s.add_anchor(cert);
                }
            }
        }
    }
    s
}

fn is_content_failure(s: &kyso_verify::report::SignatureReport) -> bool {
    s.modified_after_signing
        || s.indication == Indication::TotalFailed
        || [
            s.checks.coverage,
            s.checks.integrity,
            s.checks.signature,
            s.checks.modifications,
        ]
        .contains(&CheckStatus::Failed)
}

/// What pyHanko 0.38 found, as the manifest records it (`pyhanko_0_38`): `Some(true)` when some
/// signature is not intact, not cryptographically valid, not covering a whole revision, or has
/// changes beyond its permissions; `Some(false)` when every signature passed those checks;
/// `None` when the manifest has no pyHanko record.
fn pyhanko_found_failure(entry: &serde_json::Value) -> Option<bool> {
    let sigs = entry["pyhanko_0_38"]["signatures"].as_array()?;
    Some(
        sigs.is_empty()
            || sigs.iter().any(|s| {
                s["intact"] == false
                    || s["valid"] == false
                    || s["docmdp_ok"] == false
                    || !matches!(
                        s["coverage"].as_str(),
                        Some("ENTIRE_FILE" | "ENTIRE_REVISION")
                    )
            }),
    )
}

#[test]
fn pdf_attack_corpus() {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus("pdf-attacks/manifest.json")).unwrap())
            .unwrap();
    let (mut passed, mut failed) = (0, Vec::new());
    for e in manifest["entries"].as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        let expected = e["expected"].as_str().unwrap();
        let bytes = std::fs::read(corpus(&format!("pdf-attacks/{file}"))).unwrap();
        let mut o = VerifyOptions::new(self_trust(&bytes), at("2026-11-23T00:00:00Z"));
        o.revocation = RevocationMode::Off;
        let result = std::panic::catch_unwind(|| kyso::verify_pdf(&bytes, &o));
        let Ok(result) = result else {
            failed.push(format!("{file}: PANIC"));
            continue;
        };
        // Where the expectation defers to pyHanko ("see pyhanko"), pyHanko's recorded result is
        // the expectation: a document it finds a failure in must not be VALID.
        let expected = if expected.contains("see pyhanko") {
            match pyhanko_found_failure(e) {
                Some(true) => "not valid (pyHanko)",
                Some(false) => "valid (pyHanko)",
                None => expected,
            }
        } else {
            expected
        };
        // Overlap findings are DSS's visual heuristic over the final document (annotations that
        // overlap each other, present already in the signed revision), not a modification:
        // kyso must not call such a document VALID, for whatever finding.
        let heuristic = e["attack_class"].as_str().unwrap_or("").contains("overlap")
            && pyhanko_found_failure(e) == Some(false);
        let ok = if expected.contains("no signing certificate") {
            // Refused because the signer cannot be identified at all.
            matches!(&result, Ok(r) if r.verdict != Verdict::Valid
                && r.signatures.iter().any(|s| s.sub_indication.as_deref() == Some("NO_SIGNING_CERTIFICATE_FOUND")))
        } else if heuristic || expected.starts_with("not valid") {
            match &result {
                Ok(r) => r.verdict != Verdict::Valid,
                Err(_) => true,
            }
        } else if expected.starts_with("invalid") || expected.starts_with("modified-after-signing")
        {
            // Must be refused for the right reason: a content finding (not merely missing
            // trust), or signature data that no field refers to.
            match &result {
                Ok(r) => {
                    r.verdict != Verdict::Valid
                        && (r.signatures.iter().any(is_content_failure)
                            || r.reasons.iter().any(|x| x.code == "UNREFERENCED_SIGNATURE"))
                }
                Err(_) => true,
            }
        } else if expected.starts_with("no signature") || expected.starts_with("no valid signature")
        {
            match &result {
                Ok(r) => r.verdict != Verdict::Valid,
                Err(_) => true,
            }
        } else if expected == "unsigned" {
            matches!(&result, Ok(r) if r.verdict == Verdict::NoSignatures)
        } else if expected.starts_with("valid") {
            // Controls: they parse, and nothing about their content is found wrong.
            matches!(&result, Ok(r) if !r.signatures.is_empty() && !r.signatures.iter().any(is_content_failure))
        } else {
            // implementation-dependent / must terminate: any answer, as long as there is one.
            true
        };
        let summary = match &result {
            Ok(r) => format!(
                "{:?} {:?}",
                r.verdict,
                r.signatures
                    .iter()
                    .map(|s| (s.indication, s.sub_indication.clone()))
                    .collect::<Vec<_>>()
            ),
            Err(e) => format!("error: {e}"),
        };
        if ok {
            passed += 1;
        } else {
            failed.push(format!("{file} (expected {expected}): {summary}"));
        }
    }
    println!("pdf-attacks: {passed} passed, {} failed", failed.len());
    for f in &failed {
        println!("  FAIL {f}");
    }
    assert!(
        failed.is_empty(),
        "{} attack-corpus cases failed",
        failed.len()
    );
}

#[test]
fn pdf_signed_corpus_parses() {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus("pdf-signed/manifest.json")).unwrap())
            .unwrap();
    let mut failed = Vec::new();
    let mut n = 0;
    for e in manifest["entries"].as_array().unwrap() {
        let file = e["file"].as_str().unwrap();
        let bytes = std::fs::read(corpus(&format!("pdf-signed/{file}"))).unwrap();
        // Public-key encrypted: its fields cannot be read without the recipient's key, and the
        // report says so (ENCRYPTED_UNSUPPORTED) instead of claiming anything.
        if file == "pyhanko/signed-encrypted-pubkey-with-catalog-ref.pdf" {
            let mut o = VerifyOptions::new(TrustStore::new(), at("2026-11-23T00:00:00Z"));
            o.revocation = RevocationMode::Off;
            let r = kyso::verify_pdf(&bytes, &o).unwrap();
            assert!(
                r.reasons.iter().any(|x| x.code == "ENCRYPTED_UNSUPPORTED"),
                "{}",
                r.to_json()
            );
            continue;
        }
        let mut o = VerifyOptions::new(TrustStore::new(), at("2026-11-23T00:00:00Z"));
        o.revocation = RevocationMode::Off;
        n += 1;
        match std::panic::catch_unwind(|| kyso::verify_pdf(&bytes, &o)) {
            Ok(Ok(r)) if !r.signatures.is_empty() => {}
            Ok(Ok(_)) => failed.push(format!("{file}: no signature found")),
            // "implementation-dependent" entries (e.g. no %PDF header): a typed refusal is fine.
            Ok(Err(_))
                if e["expected"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("implementation-dependent") => {}
            Ok(Err(e)) => failed.push(format!("{file}: {e}")),
            Err(_) => failed.push(format!("{file}: PANIC")),
        }
    }
    println!(
        "pdf-signed: {} of {n} parsed with signatures",
        n - failed.len()
    );
    for f in &failed {
        println!("  FAIL {f}");
    }
    assert!(failed.is_empty());
}

/// Every PDF of the shared corpora gives the same report (or the same error) verified from its
/// file, by positioned reads and a sparse copy without large image data, as from every byte.
#[test]
fn every_corpus_pdf_reads_the_same_from_file_and_memory() {
    let mut files = Vec::new();
    let mut dirs = vec![corpus("")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 150, "{} PDFs", files.len());
    let mut sparse = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let mut o = VerifyOptions::new(self_trust(&bytes), at("2026-11-23T00:00:00Z"));
        o.revocation = RevocationMode::Off;
        let from_memory = kyso_verify::verify_pdf_whole(&bytes, &o).map(|r| r.to_json());
        let from_file = kyso::verify_pdf_file(path, &o).map(|mut r| {
            r.file = None;
            r.to_json()
        });
        match (from_memory, from_file) {
            (Ok(m), Ok(f)) => assert_eq!(m, f, "{}", path.display()),
            (Err(m), Err(f)) => assert_eq!(m.code(), f.code(), "{}", path.display()),
            (m, f) => panic!("{}: memory {m:?}, file {f:?}", path.display()),
        }
        sparse += usize::from(
            kyso_pdf::PdfView::sparse(&bytes.as_slice())
                .unwrap()
                .is_sparse(),
        );
    }
    println!("{} PDFs, {sparse} read from a sparse copy", files.len());
    assert!(sparse > 0);
}
