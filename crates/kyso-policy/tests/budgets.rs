//! Bounded work on hostile input: a certificate-policy tree that grows exponentially through
//! policy mappings (the CVE-2023-0464 class) is refused with POLICY_TREE_BUDGET, while the same
//! shape with few policies validates. Certificates are made with `openssl` at test time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use kyso_policy::DateTime;
use kyso_policy::path::{PathOptions, PathStatus, validate_path_stored};
use kyso_policy::trust::{StoredCertificate, TrustStore};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// root → CA1 … CA`cas` → leaf; CA `l` asserts policies 1.2.3.l.1…k and maps each of them to
/// every policy 1.2.3.(l+1).1…k; the leaf asserts 1.2.3.(cas+1).1…k. The tree has k^level
/// nodes at each level.
fn chain(dir: &Path, cas: usize, k: usize) -> (Vec<u8>, Vec<Vec<u8>>, Vec<u8>) {
    openssl(
        dir,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-out",
            "key.pem",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            "/CN=root",
            "-days",
            "3650",
            "-addext",
            "basicConstraints=critical,CA:true",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "c0.pem",
        ],
    );
    let pols = |l: usize| {
        (1..=k)
            .map(|i| format!("1.2.3.{l}.{i}"))
            .collect::<Vec<_>>()
    };
    for l in 1..=cas + 1 {
        let leaf = l == cas + 1;
        let mut ext = format!("certificatePolicies = {}\n", pols(l).join(", "));
        if leaf {
            ext += "basicConstraints = critical, CA:false\nkeyUsage = critical, digitalSignature\n";
        } else {
            ext +=
                "basicConstraints = critical, CA:true\nkeyUsage = critical, keyCertSign, cRLSign\n";
            let maps: Vec<String> = pols(l)
                .iter()
                .flat_map(|a| pols(l + 1).into_iter().map(move |b| format!("{a}:{b}")))
                .collect();
            ext += &format!("policyMappings = critical, {}\n", maps.join(", "));
        }
        std::fs::write(dir.join(format!("e{l}.cnf")), ext).unwrap();
        let subj = format!("/CN=level {l}");
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-key",
                "key.pem",
                "-subj",
                &subj,
                "-out",
                &format!("r{l}.pem"),
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("r{l}.pem"),
                "-CA",
                &format!("c{}.pem", l - 1),
                "-CAkey",
                "key.pem",
                "-set_serial",
                &format!("{}", 100 + l),
                "-days",
                "3650",
                "-extfile",
                &format!("e{l}.cnf"),
                "-outform",
                "DER",
                "-out",
                &format!("c{l}.der"),
            ],
        );
        if !leaf {
            openssl(
                dir,
                &[
                    "x509",
                    "-in",
                    &format!("c{l}.der"),
                    "-inform",
                    "DER",
                    "-out",
                    &format!("c{l}.pem"),
                ],
            );
        }
    }
    let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
    let inter = (1..=cas).map(|l| read(&format!("c{l}.der"))).collect();
    (read("c0.pem"), inter, read(&format!("c{}.der", cas + 1)))
}

fn validate(root: &[u8], inter: &[Vec<u8>], leaf: &[u8]) -> kyso_policy::PathValidation {
    let mut store = TrustStore::new();
    store.add_anchors(root).unwrap();
    let extra: Vec<StoredCertificate> = inter
        .iter()
        .map(|d| StoredCertificate::from_der(d).unwrap())
        .collect();
    let leaf = StoredCertificate::from_der(leaf).unwrap();
    let now = DateTime::from_unix_duration(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap(),
    )
    .unwrap();
    let mut options = PathOptions::at(now);
    options.policy.initial_explicit_policy = true;
    validate_path_stored(&leaf, &extra, &store, &options)
}

#[test]
fn exponential_policy_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // 8 policies mapped 8 ways over 4 CAs: 8^4 = 4096 nodes at the leaf's level.
    let (root, inter, leaf) = chain(dir.path(), 3, 8);
    let v = validate(&root, &inter, &leaf);
    assert_ne!(v.status, PathStatus::Valid);
    assert!(
        v.reasons.iter().any(|r| r.code == "POLICY_TREE_BUDGET"),
        "{:?}",
        v.reasons.iter().map(|r| &r.en).collect::<Vec<_>>()
    );
}

#[test]
fn small_policy_tree_with_mappings_validates() {
    let dir = tempfile::tempdir().unwrap();
    // 2 policies mapped 2 ways: 2^4 = 16 nodes.
    let (root, inter, leaf) = chain(dir.path(), 3, 2);
    let v = validate(&root, &inter, &leaf);
    assert_eq!(
        v.status,
        PathStatus::Valid,
        "{:?}",
        v.reasons.iter().map(|r| &r.en).collect::<Vec<_>>()
    );
}
