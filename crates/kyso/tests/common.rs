//! Shared helpers of the facade's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use kyso::token::SoftwareSigner;

/// `../shared/corpora/...` from the repository root.
pub fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpora")
        .join(rel)
}

/// The directory made by `tests/run.sh` (test PKI, tokens, fixtures).
pub fn work_dir() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

/// Parse an RFC 3339 time or panic.
pub fn at(s: &str) -> der::DateTime {
    kyso::options::parse_time(s).unwrap()
}

/// A file of the test PKI (`tests/work/pki`).
pub fn pki(name: &str) -> PathBuf {
    work_dir().join("pki").join(name)
}

/// A key of `key_spec` (`rsa:2048`, `rsa:1024`, `ec`) and a certificate for it from the test
/// PKI's issuing CA with the extensions `ext` (OpenSSL config lines), valid from now for four
/// years (so every time below is relative to now).
pub fn issue_leaf(dir: &Path, name: &str, key_spec: &str, ext: &str) -> SoftwareSigner {
    let key = dir.join(format!("{name}.key"));
    let csr = dir.join(format!("{name}.csr"));
    let cert = dir.join(format!("{name}.pem"));
    let extfile = dir.join(format!("{name}.cnf"));
    std::fs::write(
        &extfile,
        format!("[v3]\nbasicConstraints = critical, CA:false\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n{ext}\n"),
    )
    .unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let rsa_bits = key_spec
        .strip_prefix("rsa:")
        .map(|b| format!("rsa_keygen_bits:{b}"));
    let key_arg = s(&key);
    let mut genkey = vec!["genpkey", "-quiet", "-out", key_arg.as_str()];
    match &rsa_bits {
        Some(bits) => genkey.extend(["-algorithm", "RSA", "-pkeyopt", bits.as_str()]),
        None => genkey.extend(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    }
    openssl(&genkey);
    openssl(&[
        "req",
        "-new",
        "-key",
        &s(&key),
        "-subj",
        &format!("/C=VN/O=Kiểm thử kyso/CN={name}"),
        "-utf8",
        "-out",
        &s(&csr),
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        &s(&csr),
        "-CA",
        &s(&pki("ca-g2.pem")),
        "-CAkey",
        &s(&pki("ca-g2.key.pem")),
        "-set_serial",
        "0x7E57",
        "-days",
        "1461",
        "-extfile",
        &s(&extfile),
        "-extensions",
        "v3",
        "-out",
        &s(&cert),
    ]);
    SoftwareSigner::from_key_files(&key, None, &[&cert]).unwrap()
}

/// Run `openssl`; panics with its error output when it fails.
pub fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
