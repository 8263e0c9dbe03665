//! NIST PKITS 1.0.1 (`../shared/corpora/pkits/pkits.json`, 249 cases) through kyso-policy:
//! path building and validation ([`validate_path_stored`]) then revocation with the case's CRLs
//! ([`check_path`]), at 2020-01-01. A case passes when "valid" equals
//! `path valid && revocation passed`.
//!
//! Every case passes or is listed, with its reason, in `tests/pkits-exceptions.txt`; a listed
//! case that starts passing fails the test too, so the list stays exact. Prints the counts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use kyso_policy::DateTime;
use kyso_policy::path::{PathOptions, PathStatus, validate_path_stored};
use kyso_policy::revocation::{RevocationData, RevocationOptions, RevocationStatus, check_path};
use kyso_policy::trust::{StoredCertificate, TrustStore};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/pkits")
}

fn exceptions(file: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests")
            .join(file),
    )
    .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, r) = l.split_once('\t').unwrap_or((l, ""));
            (k.trim().to_owned(), r.trim().to_owned())
        })
        .collect()
}

/// Run one case; `Ok(valid)` is kyso's answer.
fn run_case(case: &serde_json::Value) -> bool {
    let dir = corpus();
    let read = |p: &serde_json::Value| std::fs::read(dir.join(p.as_str().unwrap())).unwrap();
    let mut store = TrustStore::new();
    store.add_anchors(&read(&case["trust_anchor"])).unwrap();
    let mut extra = Vec::new();
    // A certificate that does not decode cannot be on a valid path.
    for i in case["intermediates"].as_array().unwrap() {
        if let Ok(c) = StoredCertificate::from_der(&read(i)) {
            extra.push(c);
        }
    }
    let Ok(leaf) = StoredCertificate::from_der(&read(&case["end_entity"])) else {
        return false;
    };
    let time = DateTime::new(2020, 1, 1, 0, 0, 0).unwrap();
    let mut options = PathOptions::at(time);
    let settings = &case["settings"];
    options.policy = kyso_policy::policy::PolicyInputs {
        initial_policy_set: settings["initial_policy_set"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o.as_str().unwrap().parse().unwrap())
            .collect(),
        initial_explicit_policy: settings["initial_explicit_policy"].as_bool().unwrap(),
        initial_policy_mapping_inhibit: settings["initial_policy_mapping_inhibit"]
            .as_bool()
            .unwrap(),
        initial_any_policy_inhibit: settings["initial_inhibit_any_policy"].as_bool().unwrap(),
    };
    let path = validate_path_stored(&leaf, &extra, &store, &options);
    let debug = std::env::var("KYSO_PKITS_DEBUG").ok() == case["key"].as_str().map(str::to_owned);
    if debug {
        println!(
            "path {:?}: {:?}",
            path.status,
            path.reasons.iter().map(|r| &r.en).collect::<Vec<_>>()
        );
    }
    if path.status != PathStatus::Valid {
        return false;
    }
    let data = RevocationData {
        crls: case["crls"].as_array().unwrap().iter().map(read).collect(),
        ocsp_responses: Vec::new(),
        certificates: extra.iter().map(|c| c.certificate.clone()).collect(),
    };
    let check = check_path(&path.path, &data, &RevocationOptions::at(time));
    if debug {
        println!("revocation {:?}", check.certificates);
    }
    check.status == RevocationStatus::Passed
}

#[test]
fn pkits() {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(corpus().join("pkits.json")).unwrap()).unwrap();
    let cases = json["tests"].as_array().unwrap();
    assert_eq!(cases.len(), 249);
    let listed = exceptions("pkits-exceptions.txt");
    let (mut passed, mut excepted) = (0, 0);
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for case in cases {
        let key = case["key"].as_str().unwrap().to_owned();
        let want = case["expected"]["valid"].as_bool().unwrap();
        let got = run_case(case);
        match (got == want, listed.contains_key(&key)) {
            (true, false) => passed += 1,
            (true, true) => stale.push(key),
            (false, true) => excepted += 1,
            (false, false) => unexpected.push(format!(
                "{key} {} (expected {want}, got {got})",
                case["title"].as_str().unwrap_or("")
            )),
        }
    }
    println!(
        "PKITS: {passed} passed, {excepted} listed in pkits-exceptions.txt, {} unexpected, of {}",
        unexpected.len(),
        cases.len()
    );
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
