//! `kyso sign prepare|finish`: a PDF prepared with the certificate alone, its signed attributes
//! signed by `openssl dgst -sign` (the key elsewhere), finished; the result accepted by kyso,
//! pdfsig and pyHanko. A wrong value, a changed prepared file or a key flag at prepare are
//! refused and write nothing. Uses the test PKI (`KYSO_TEST_WORK`) and `KYSO_PYHANKO`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn work() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

fn pki(name: &str) -> PathBuf {
    work().join("pki").join(name)
}

fn kyso(args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kyso"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Prepare `plain.pdf` for `signer`'s certificate with extra flags; the JSON printed.
fn prepare(dir: &Path, signer: &str, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let prepared = dir.join(format!("{signer}-prepared.pdf"));
    let (cert, ca) = (pki(&format!("{signer}.pem")), pki("ca-g2.pem"));
    let plain = work().join("pdf").join("plain.pdf");
    let mut args: Vec<&OsStr> = vec![
        "sign".as_ref(),
        "prepare".as_ref(),
        plain.as_os_str(),
        "-o".as_ref(),
        prepared.as_os_str(),
        "--cert".as_ref(),
        cert.as_os_str(),
        "--chain".as_ref(),
        ca.as_os_str(),
        "--json".as_ref(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    let json = serde_json::from_str(ok(&kyso(&args)).trim()).unwrap();
    (prepared, json)
}

/// Sign the prepared signed attributes with openssl, the value written as base64 text.
fn sign_outside(dir: &Path, info: &serde_json::Value, key: &Path) -> PathBuf {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let tbs = dir.join("tbs.der");
    std::fs::write(
        &tbs,
        b64.decode(info["to_be_signed"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let raw = dir.join("sig.bin");
    let status = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .arg("-out")
        .arg(&raw)
        .arg(&tbs)
        .status()
        .unwrap();
    assert!(status.success());
    let text = dir.join("sig.b64");
    std::fs::write(&text, b64.encode(std::fs::read(&raw).unwrap()) + "\n").unwrap();
    text
}

fn finish(prepared: &Path, sig: &Path, out: &Path) -> Output {
    kyso(&[
        "sign".as_ref(),
        "finish".as_ref(),
        prepared.as_os_str(),
        "--signature".as_ref(),
        sig.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ])
}

#[test]
fn prepared_signed_outside_finished_and_accepted_by_three_verifiers() {
    let dir = tempfile::tempdir().unwrap();
    // The organisation's certificate in the attachment profile (a Decree 30 text block).
    let (prepared, info) = prepare(
        dir.path(),
        "to-chuc",
        &["--profile", "attachment", "--doc-number", "45/UBND-KT"],
    );
    assert_eq!(info["signature_algorithm"], "rsa-pkcs1-sha256");
    let sig = sign_outside(dir.path(), &info, &pki("to-chuc.key.pem"));
    let out = dir.path().join("signed.pdf");
    ok(&finish(&prepared, &sig, &out));

    let root = pki("root-g2.pem");
    let verify = kyso(&[
        "verify".as_ref(),
        "--json".as_ref(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--no-revocation".as_ref(),
        out.as_os_str(),
    ]);
    let report: serde_json::Value = serde_json::from_str(ok(&verify).trim()).unwrap();
    assert_eq!(report["verdict"], "VALID", "{report}");
    assert_eq!(report["signatures"][0]["role"], "attachment");

    let pdfsig = Command::new("pdfsig")
        .arg("-nocert")
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&pdfsig.stdout);
    assert!(text.contains("Signature is Valid"), "pdfsig: {text}");

    let judge =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/pyhanko-validate.sh");
    let pyhanko = Command::new("bash")
        .arg(judge)
        .arg(&out)
        .arg(&root)
        .arg(pki("ca-g2.pem"))
        .output()
        .unwrap();
    assert!(
        pyhanko.status.success(),
        "pyHanko: {}{}",
        String::from_utf8_lossy(&pyhanko.stdout),
        String::from_utf8_lossy(&pyhanko.stderr)
    );
}

#[test]
fn refusals_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (prepared, info) = prepare(dir.path(), "ca-nhan", &[]);
    let out = dir.path().join("signed.pdf");

    // A value from another key.
    let foreign = sign_outside(dir.path(), &info, &pki("to-chuc.key.pem"));
    let r = finish(&prepared, &foreign, &out);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("5012"), "{r:?}");
    assert!(!out.exists());

    // The prepared file changed afterwards.
    let good = sign_outside(dir.path(), &info, &pki("ca-nhan.key.pem"));
    let mut bytes = std::fs::read(&prepared).unwrap();
    let at = bytes.windows(9).position(|w| w == b"/MediaBox").unwrap() + 12;
    bytes[at] ^= 1;
    let changed = dir.path().join("changed.pdf");
    std::fs::write(&changed, bytes).unwrap();
    let r = finish(&changed, &good, &out);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("5011"), "{r:?}");
    assert!(!out.exists());

    // B-T needs a time-stamp authority.
    let r = kyso(&[
        "sign".as_ref(),
        "finish".as_ref(),
        prepared.as_os_str(),
        "--signature".as_ref(),
        good.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--level".as_ref(),
        "B-T".as_ref(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(!out.exists());

    // A key at prepare: the key signs elsewhere.
    let prepared2 = dir.path().join("p2.pdf");
    let (cert, p12) = (pki("ca-nhan.pem"), pki("ca-nhan.p12"));
    let r = kyso(&[
        "sign".as_ref(),
        "prepare".as_ref(),
        work().join("pdf").join("plain.pdf").as_os_str(),
        "-o".as_ref(),
        prepared2.as_os_str(),
        "--cert".as_ref(),
        cert.as_os_str(),
        "--p12".as_ref(),
        p12.as_os_str(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(!prepared2.exists());

    // The good value finishes the untouched prepared file.
    ok(&finish(&prepared, &good, &out));
    assert!(out.exists());
}
