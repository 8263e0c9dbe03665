//! CMS and time-stamp checks over the real Government Portal signatures.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kyso_policy::algorithms::Hasher;
use kyso_verify::cms::{CmsError, verify_attached_or_detached_with_content, verify_detached};
use kyso_verify::timestamp::read_timestamp;

const PDF_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpora/vn-gov/pdf/"
);

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{PDF_DIR}{name}")).unwrap()
}

/// The last `/ByteRange [a b c d]` of a PDF (a simple byte search, enough for these files).
fn byte_range(pdf: &[u8]) -> [usize; 4] {
    let key = b"/ByteRange";
    let pos = pdf.windows(key.len()).rposition(|w| w == key).unwrap();
    let open = pos + pdf[pos..].iter().position(|b| *b == b'[').unwrap();
    let close = open + pdf[open..].iter().position(|b| *b == b']').unwrap();
    let text = std::str::from_utf8(&pdf[open + 1..close]).unwrap();
    let v: Vec<usize> = text
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    [v[0], v[1], v[2], v[3]]
}

fn signed_content(pdf: &[u8]) -> Vec<u8> {
    let [a, b, c, d] = byte_range(pdf);
    let mut out = pdf[a..a + b].to_vec();
    out.extend_from_slice(&pdf[c..c + d]);
    out
}

fn check(stem: &str, expected_digest: &str, year: u16) {
    let pdf = read(&format!("{stem}_signed.pdf"));
    let cms = read(&format!("{stem}.cms.der"));
    assert_eq!(cms.last(), Some(&0), "the CMS file keeps the zero padding");
    let [a, b, c, d] = byte_range(&pdf);
    let mut digest = |oid: &der::asn1::ObjectIdentifier| -> Result<Vec<u8>, CmsError> {
        let mut h = Hasher::new(oid)?;
        h.update(&pdf[a..a + b]);
        h.update(&pdf[c..c + d]);
        Ok(h.finalize())
    };
    let sig = verify_detached(&cms, &mut digest).unwrap();
    println!(
        "{stem}: alg={} digest={} md_ok={} sig_ok={} ct_ok={} sc_v2={:?} signing_time={:?} certs={} ts={}",
        sig.signature_algorithm,
        sig.digest_algorithm,
        sig.message_digest_ok,
        sig.signature_ok,
        sig.content_type_ok,
        sig.signing_certificate_v2_ok,
        sig.signing_time,
        sig.certificates.len(),
        sig.timestamp_token.as_ref().map_or(0, Vec::len)
    );
    for r in &sig.reasons {
        println!("  [{:?}] {} {}", r.severity, r.code, r.en);
    }
    assert_eq!(sig.signature_algorithm, expected_digest);
    assert!(sig.signed_attributes_present);
    assert!(sig.message_digest_ok);
    assert!(sig.signature_ok);
    assert!(sig.content_type_ok);
    assert!(sig.signer_certificate.is_some());
    assert!(
        sig.reasons
            .iter()
            .all(|r| r.severity != kyso_policy::Severity::Error)
    );

    // Same through the content convenience API.
    let sig2 = verify_attached_or_detached_with_content(&cms, &signed_content(&pdf)).unwrap();
    assert!(sig2.signature_ok && sig2.message_digest_ok);

    // Wrong content: digest mismatch, signature over the signed attributes still fine.
    let sig3 = verify_attached_or_detached_with_content(&cms, b"tampered").unwrap();
    assert!(!sig3.message_digest_ok);
    assert!(sig3.signature_ok);
    assert!(sig3.reasons.iter().any(|r| r.code == "HASH_FAILURE"));

    // The embedded time-stamp token equals the extracted one and matches the signature.
    let token = sig.timestamp_token.clone().unwrap();
    let token_file = read(&format!("{stem}.timestamp-token.der"));
    assert_eq!(token, token_file);
    let ts = read_timestamp(&token, Some(&sig.signature_value)).unwrap();
    println!(
        "  ts: gen_time={} frac={:?} policy={} imprint_alg={} tsa={:?} sig_ok={} imprint_ok={:?} alg={}",
        ts.gen_time,
        ts.gen_time_fraction,
        ts.policy,
        ts.imprint_algorithm,
        ts.tsa_name,
        ts.signature_ok,
        ts.imprint_ok,
        ts.algorithm_use.name()
    );
    for r in &ts.reasons {
        println!("    [{:?}] {} {}", r.severity, r.code, r.en);
    }
    assert!(ts.signature_ok);
    assert_eq!(ts.imprint_ok, Some(true));
    assert_eq!(ts.gen_time.year(), year);
    assert!(ts.tsa_certificate.is_some());
    // Another signature value does not match the imprint.
    let other = read_timestamp(&token, Some(b"not this signature")).unwrap();
    assert_eq!(other.imprint_ok, Some(false));
}

#[test]
fn g2_2025_signature_and_timestamp() {
    check("govportal_2025-01-07_g2", "RSA-PKCS1v15-SHA256", 2025);
    let ts = read_timestamp(&read("govportal_2025-01-07_g2.timestamp-token.der"), None).unwrap();
    let t = ts.gen_time;
    assert_eq!(
        (t.year(), t.month(), t.day(), t.hour(), t.minutes()),
        (2025, 1, 7, 9, 2)
    );
    assert_eq!(ts.policy.to_string(), "2.16.704.1.1.1.2");
    assert_eq!(ts.imprint_ok, None);
}

#[test]
fn g1_2016_signature_and_timestamp() {
    check("govportal_2016-03-03_g1", "RSA-PKCS1v15-SHA1", 2016);
    let ts = read_timestamp(&read("govportal_2016-03-03_g1.timestamp-token.der"), None).unwrap();
    assert_eq!((ts.gen_time.month(), ts.gen_time.day()), (3, 3));
}

#[test]
fn trailing_garbage_is_an_error_but_zero_padding_is_not() {
    let mut cms = read("govportal_2025-01-07_g2.cms.der");
    let end = cms.iter().rposition(|b| *b != 0).unwrap() + 1;
    cms.truncate(end);
    let sig = verify_attached_or_detached_with_content(&cms, b"x").unwrap();
    assert!(sig.signature_ok);
    cms.extend_from_slice(&[0, 0, 7, 0]);
    let e = verify_attached_or_detached_with_content(&cms, b"x").unwrap_err();
    assert!(matches!(e, CmsError::TrailingData { .. }), "{e}");
    assert_eq!(e.offset(), Some(end + 2));
    assert!((2000..3000).contains(&e.code()));
}

#[test]
fn truncated_and_garbage_never_panic() {
    for name in [
        "govportal_2025-01-07_g2.cms.der",
        "govportal_2016-03-03_g1.timestamp-token.der",
    ] {
        let data = read(name);
        let end = data.iter().rposition(|b| *b != 0).unwrap() + 1;
        let mut errors = 0;
        // Truncations.
        for cut in (0..end).step_by(37) {
            if verify_attached_or_detached_with_content(&data[..cut], b"x").is_err() {
                errors += 1;
            }
            let _ = read_timestamp(&data[..cut], Some(b"x"));
        }
        // Bit flips (deterministic).
        let mut seed: u32 = 12345;
        for _ in 0..400 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let pos = (seed as usize >> 4) % end;
            let mut m = data.clone();
            m[pos] ^= 1 << (seed % 8);
            let _ = verify_attached_or_detached_with_content(&m, b"x");
            let _ = read_timestamp(&m, Some(b"x"));
            let mut dig =
                |_: &der::asn1::ObjectIdentifier| -> Result<Vec<u8>, CmsError> { Ok(vec![0; 32]) };
            let _ = verify_detached(&m, &mut dig);
        }
        println!("{name}: {errors} truncations rejected");
        assert!(errors > 0);
    }
    for garbage in [
        &b""[..],
        b"\x30",
        b"\x30\x80",
        b"\x30\x84\xff\xff\xff\xff",
        b"hello world",
        &[0u8; 64],
    ] {
        assert!(verify_attached_or_detached_with_content(garbage, b"").is_err());
        assert!(read_timestamp(garbage, None).is_err());
    }
}
