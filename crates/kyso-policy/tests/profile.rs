//! The Decree 68 profile on the test PKI (`tests/work/pki`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use kyso_policy::Certificate;
use kyso_policy::profile::{Profile, certificate_findings, check_role, is_government_anchor};

fn cert(name: &str) -> Certificate {
    let dir = match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p).join("pki"),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    };
    let bytes = std::fs::read(dir.join(format!("{name}.pem"))).unwrap();
    kyso_policy::trust::parse_certificates(&bytes)
        .unwrap()
        .remove(0)
        .certificate
}

fn codes(r: &[kyso_policy::Reason]) -> Vec<&str> {
    r.iter().map(|x| x.code.as_str()).collect()
}

#[test]
fn workflow_roles_follow_the_subscriber_type() {
    let p = Profile::default();
    let person = cert("ca-nhan");
    let org = cert("to-chuc");
    assert!(check_role("approval", &person, &p).is_none());
    assert!(check_role("issuance", &org, &p).is_none());
    assert!(check_role("copy", &org, &p).is_none());
    let wrong = check_role("issuance", &person, &p).unwrap();
    assert_eq!(wrong.code, "PROFILE_ROLE_CERTIFICATE");
    assert!(wrong.vi.contains("cơ quan, tổ chức") && wrong.en.contains("organisation"));
    assert!(check_role("approval", &org, &p).is_some());
    assert!(check_role("attachment", &person, &p).is_some());
    // Roles without a rule are not judged; rules are data.
    assert!(check_role("certification", &person, &p).is_none());
    let mut relaxed = p.clone();
    relaxed.role_rules.retain(|r| r.role != "issuance");
    assert!(check_role("issuance", &person, &relaxed).is_none());
}

#[test]
fn government_policy_and_validity_length() {
    let p = Profile::default();
    let g2 = [cert("ca-nhan"), cert("ca-g2"), cert("root-g2")];
    assert!(is_government_anchor(&g2[2], &p));
    assert!(codes(&certificate_findings(&g2, &p)).is_empty());
    // The same path without the policy OID anywhere: the profile wants it.
    let mut other = p.clone();
    other.government_policy = "1.2.3.4".parse().unwrap();
    assert_eq!(
        codes(&certificate_findings(&g2, &other)),
        ["PROFILE_POLICY_MISSING"]
    );
    // A non-Government anchor: no policy requirement.
    other.government_organizations = vec!["Some Other CA".into()];
    assert!(codes(&certificate_findings(&g2, &other)).is_empty());
    // Over five years (a 20-year CA certificate read as a subscriber one).
    assert_eq!(
        codes(&certificate_findings(&[cert("root-g2")], &p)),
        ["PROFILE_VALIDITY_TOO_LONG"]
    );
}
