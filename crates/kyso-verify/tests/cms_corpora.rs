//! Robustness over the DSS CAdES samples and RFC 4134 examples: no panic; signatures with
//! embedded (or given) content verify where the algorithms are supported.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kyso_verify::cms::verify_attached_or_detached_with_content;
use serde_json::Value;

const CORPORA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/");

fn files_under(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn cms_dss_samples() {
    let dir = format!("{CORPORA}cms-dss");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/manifest.json")).unwrap())
            .unwrap();
    let (mut ok, mut sig_bad, mut err) = (0, 0, 0);
    let mut expected_valid_ok = 0;
    let mut expected_valid_not_ok = Vec::new();
    for p in files_under(&dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".json")
            || name.ends_with(".md")
            || name.ends_with(".txt")
            || name.ends_with(".bin")
        {
            continue;
        }
        let data = std::fs::read(&p).unwrap();
        let rel = p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
        let entry = manifest["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"].as_str() == Some(rel.as_str()));
        let detached = entry
            .and_then(|e| e["detached_content"].as_str())
            .map(|f| std::fs::read(format!("{dir}/{f}")).unwrap())
            .unwrap_or_default();
        let expected = entry.and_then(|e| e["expected"].as_str()).unwrap_or("?");
        match verify_attached_or_detached_with_content(&data, &detached) {
            Ok(s) => {
                let good = s.signature_ok && s.message_digest_ok;
                if good {
                    ok += 1;
                } else {
                    sig_bad += 1;
                }
                if expected == "valid" {
                    if good {
                        expected_valid_ok += 1;
                    } else {
                        expected_valid_not_ok.push(rel.clone());
                    }
                }
                println!(
                    "{rel}: expected={expected} alg={} sig_ok={} md_ok={} signer={} reasons={:?}",
                    s.signature_algorithm,
                    s.signature_ok,
                    s.message_digest_ok,
                    s.signer_certificate.is_some(),
                    s.reasons
                        .iter()
                        .map(|r| r.code.as_str())
                        .collect::<Vec<_>>()
                );
            }
            Err(e) => {
                err += 1;
                println!("{rel}: expected={expected} error {} ({e})", e.code());
            }
        }
    }
    println!(
        "cms-dss: {ok} verified, {sig_bad} not verified, {err} errors; expected-valid verified {expected_valid_ok}, not: {expected_valid_not_ok:?}"
    );
    assert!(ok > 10);
}

#[test]
fn rfc4134_samples() {
    let dir = format!("{CORPORA}rfc4134");
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expected.json")).unwrap())
            .unwrap();
    let content = std::fs::read(format!("{dir}/ExContent.bin")).unwrap();
    let mut rsa_ok = 0;
    for p in files_under(&dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".bin") || name == "ExContent.bin" {
            continue;
        }
        let data = std::fs::read(&p).unwrap();
        let r = verify_attached_or_detached_with_content(&data, &content);
        let t = expected["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["file"].as_str() == Some(&name));
        let alg = t
            .and_then(|t| t["signature_algorithm"].as_str())
            .unwrap_or("-");
        match &r {
            Ok(s) => println!(
                "{name} ({alg}): sig_ok={} md_ok={} alg={}",
                s.signature_ok, s.message_digest_ok, s.signature_algorithm
            ),
            Err(e) => println!("{name} ({alg}): error {} {e}", e.code()),
        }
        if name == "4.2.bin" || name == "4.5.bin" {
            let s = r.unwrap();
            assert!(s.signature_ok && s.message_digest_ok, "{name}");
            rsa_ok += 1;
        }
    }
    assert_eq!(rsa_ok, 2);
}
