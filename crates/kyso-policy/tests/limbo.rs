//! x509-limbo (`../shared/corpora/x509-limbo/`): the cases `limbo-relevance.json` marks as
//! relevant to document signing — `core` (generic RFC 5280 path validation) and
//! `name-dependent` (name constraints; the TLS peer-name match itself is ignored) — through
//! kyso-policy's path validation and, where the case supplies CRLs, revocation.
//!
//! Every case passes or is listed, with its reason, in `tests/limbo-exceptions.txt`; a listed
//! case that starts passing fails the test, so the list stays exact. Prints the counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use kyso_policy::path::{PathOptions, PathStatus, validate_path_stored};
use kyso_policy::revocation::{
    CertStatus, RevocationData, RevocationOptions, RevocationStatus, check_path,
};
use kyso_policy::trust::{StoredCertificate, TrustStore, parse_certificates};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/x509-limbo")
}

fn exceptions(file: &str) -> BTreeMap<String, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(file);
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, r) = l.split_once('\t').unwrap_or((l, ""));
            (k.trim().to_owned(), r.trim().to_owned())
        })
        .collect()
}

fn certs(v: &serde_json::Value) -> Vec<StoredCertificate> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|p| parse_certificates(p.as_str().unwrap().as_bytes()).unwrap_or_default())
        .collect()
}

/// kyso's answer for one case: whether the peer certificate validates.
fn run_case(case: &serde_json::Value) -> bool {
    let mut store = TrustStore::new();
    for a in certs(&case["trusted_certs"]) {
        store.add_anchor(a.certificate).unwrap();
    }
    let extra = certs(&case["untrusted_intermediates"]);
    let Some(leaf) = parse_certificates(case["peer_certificate"].as_str().unwrap().as_bytes())
        .ok()
        .and_then(|mut v| (!v.is_empty()).then(|| v.remove(0)))
    else {
        return false;
    };
    let time = match case["validation_time"].as_str() {
        Some(t) => {
            let t = t.replace("+00:00", "Z");
            let d = der::DateTime::new(
                t[0..4].parse().unwrap(),
                t[5..7].parse().unwrap(),
                t[8..10].parse().unwrap(),
                t[11..13].parse().unwrap(),
                t[14..16].parse().unwrap(),
                t[17..19].parse().unwrap(),
            );
            d.unwrap()
        }
        None => der::DateTime::new(2024, 6, 1, 0, 0, 0).unwrap(),
    };
    let mut options = PathOptions::at(time);
    if let Some(depth) = case["max_chain_depth"].as_u64() {
        // limbo counts intermediates; ours counts every certificate, leaf and anchor included.
        options.max_depth = depth as usize + 2;
    }
    let path = validate_path_stored(&leaf, &extra, &store, &options);
    if path.status != PathStatus::Valid {
        return false;
    }
    let crls: Vec<Vec<u8>> = case["crls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().as_bytes().to_vec())
        .collect();
    if crls.is_empty() {
        return true;
    }
    let data = RevocationData {
        crls,
        ..Default::default()
    };
    let check = check_path(&path.path, &data, &RevocationOptions::at(time));
    // Only what the case supplies is judged: a certificate no CRL speaks about is not a
    // failure here, a revoked one or an unusable CRL for it is.
    check.status != RevocationStatus::Failed
        && !check
            .certificates
            .iter()
            .any(|c| c.status == CertStatus::Unknown && !c.rejected.is_empty())
}

#[test]
fn limbo_document_signing_cases() {
    let relevance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus().join("limbo-relevance.json")).unwrap())
            .unwrap();
    let wanted: BTreeSet<String> = relevance["testcases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| matches!(t["relevance"].as_str(), Some("core" | "name-dependent")))
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let limbo: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus().join("limbo.json")).unwrap()).unwrap();
    let listed = exceptions("limbo-exceptions.txt");
    let (mut total, mut passed, mut excepted) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for case in limbo["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap().to_owned();
        if !wanted.contains(&id) {
            continue;
        }
        total += 1;
        let want = case["expected_result"].as_str() == Some("SUCCESS");
        let got = run_case(case);
        match (got == want, listed.contains_key(&id)) {
            (true, false) => passed += 1,
            (true, true) => stale.push(id),
            (false, true) => excepted += 1,
            (false, false) => unexpected.push(format!("{id} (expected {want}, got {got})")),
        }
    }
    println!(
        "x509-limbo (core + name-dependent): {passed} passed, {excepted} listed in limbo-exceptions.txt, {} unexpected, of {total}",
        unexpected.len()
    );
    assert_eq!(total, wanted.len());
    assert!(
        unexpected.is_empty(),
        "unexpected results:\n{}",
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed but now passing (remove them): {stale:?}"
    );
}
