//! The built-in demo's long-term-validation story, in process (what `kyso demo` does): the
//! demo PKI's individual signs the sample at PAdES B-LTA, time-stamped by the in-process demo
//! TSA, with the demo CRLs in the DSS; the result verifies offline from the document alone,
//! now and a year later. Self-contained: no test PKI, no network, no openssl.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use kyso::demo::{DEMO_TSA_POLICY, DemoPki, sample_pdf};
use kyso::ltv::Level;
use kyso::{PadesOptions, Report, RevocationMode, Verdict, VerifyOptions};
use kyso_policy::revocation::{CertStatus, RevocationOptions, check_path};
use kyso_sign::TimeStamper;

fn now_unix() -> u64 {
    kyso::now().unix_duration().as_secs()
}

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::generate(now_unix()).unwrap())
}

fn at(unix: u64) -> der::DateTime {
    der::DateTime::from_unix_duration(Duration::from_secs(unix)).unwrap()
}

/// The demo's B-LTA document (signed once, shared by the tests).
fn signed() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        let mut options = PadesOptions::new(kyso::signing_time_now());
        options.reason = Some("Phê duyệt văn bản (demo)".into());
        let (signed, summary) = pki()
            .sign_level(&sample_pdf(), &options, Level::BLTA)
            .unwrap();
        let summary = summary.expect("B-LTA adds validation data");
        assert!(summary.uncovered.is_empty(), "{summary:?}");
        assert!(summary.fetch_errors.is_empty(), "{summary:?}");
        assert!(summary.document_timestamp.is_some(), "{summary:?}");
        assert_eq!(summary.crls, 2, "{summary:?}");
        signed.bytes
    })
}

/// Verify offline: the demo root as the only anchor, revocation from embedded data only.
fn verify_at(pdf: &[u8], unix: u64) -> Report {
    let mut trust = kyso_policy::trust::TrustStore::new();
    trust.add_anchor(pki().root.clone()).unwrap();
    let mut options = VerifyOptions::new(trust, at(unix));
    options.revocation = RevocationMode::Embedded;
    kyso::verify_pdf(pdf, &options).unwrap()
}

fn assert_valid_b_lta(report: &Report) {
    let json = report.to_json();
    assert_eq!(report.verdict, Verdict::Valid, "{json}");
    assert_eq!(report.revocation, "embedded");
    assert_eq!(report.signatures.len(), 2, "{json}");
    let (sig, dts) = (&report.signatures[0], &report.signatures[1]);
    assert_eq!(
        (sig.kind.as_str(), sig.level.as_str()),
        ("signature", "B-LTA")
    );
    assert_eq!(dts.kind, "document_timestamp");
    let ts = sig.timestamp.as_ref().expect("a signature time-stamp");
    assert!(ts.valid, "{json}");
    assert_eq!(ts.policy.as_deref(), Some("1.3.6.1.4.1.32473.3161.1"));
    assert_eq!(sig.signing_time.as_ref().unwrap().source, "timestamp");
    assert!(dts.timestamp.as_ref().unwrap().valid, "{json}");
    for s in &report.signatures {
        assert!(
            s.reasons
                .iter()
                .all(|r| r.code != "REVOCATION_SKIPPED" && r.code != "LTV_DATA_INCOMPLETE"),
            "{json}"
        );
        // Signer (or TSA) and CA: good, from the CRLs in the document.
        assert_eq!(s.revocation.len(), 2, "{json}");
        for r in &s.revocation {
            assert_eq!((r.status, r.origin), ("good", Some("embedded")), "{json}");
        }
    }
    // The signature time-stamp's TSA too.
    assert!(
        ts.revocation
            .iter()
            .all(|r| (r.status, r.origin) == ("good", Some("embedded"))),
        "{json}"
    );
}

#[test]
fn demo_b_lta_is_valid_offline_now() {
    let pdf = signed();
    assert!(pdf.starts_with(&sample_pdf()));
    assert_valid_b_lta(&verify_at(pdf, now_unix()));
}

#[test]
fn demo_b_lta_is_still_valid_offline_a_year_later() {
    assert_valid_b_lta(&verify_at(signed(), now_unix() + 365 * 86_400));
}

#[test]
fn demo_b_lta_tampered_is_invalid() {
    let mut pdf = signed().to_vec();
    let i = pdf
        .windows(9)
        .position(|w| w == b"/MediaBox")
        .expect("a page");
    pdf[i + 1] = b'm';
    assert_eq!(verify_at(&pdf, now_unix()).verdict, Verdict::Invalid);
}

#[test]
fn demo_crls_cover_the_demo_certificates() {
    let pki = pki();
    let data = kyso_policy::revocation::RevocationData {
        crls: pki.crls(),
        ..Default::default()
    };
    let options = RevocationOptions::at(kyso::now());
    for leaf in [&pki.signer, &pki.organization, &pki.tsa] {
        let path = [leaf.clone(), pki.ca.clone(), pki.root.clone()];
        let check = check_path(&path, &data, &options);
        assert_eq!(check.certificates.len(), 2);
        for c in &check.certificates {
            assert_eq!(
                c.status,
                CertStatus::Good,
                "{}: {:?}",
                c.subject,
                c.rejected
            );
        }
    }
    // The TSA certificate is one for time-stamping (RFC 3161 §2.3).
    kyso_verify::timestamp::check_tsa_certificate(&pki.tsa).unwrap();
}

#[test]
fn demo_tsa_tokens_verify() {
    let tsa: Arc<dyn TimeStamper> = Arc::new(pki().local_tsa().unwrap());
    let value = b"a signature value";
    let request = kyso_sign::TimestampRequest {
        algorithm: tsa.digest_algorithm(),
        imprint: tsa.digest_algorithm().digest(value),
    };
    let before = now_unix();
    let token = tsa.timestamp(&request).unwrap();
    let info = kyso_verify::timestamp::read_timestamp(&token, Some(value)).unwrap();
    assert!(info.signature_ok && info.imprint_ok == Some(true));
    assert_eq!(info.policy, DEMO_TSA_POLICY);
    let t = info.gen_time.unix_duration().as_secs();
    assert!(before <= t && t <= now_unix(), "{t}");
    assert_eq!(info.tsa_certificate.as_ref(), Some(&pki().tsa));
}
