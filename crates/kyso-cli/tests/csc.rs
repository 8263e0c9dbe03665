//! `kyso sign --csc` and `kyso csc list` through the binary, against the loopback CSC server
//! (`tests/csc/server.py`, keys of the test PKI): synchronous and asynchronous signatures that
//! `kyso verify` finds VALID, a batch under one authorization, and failures that leave no
//! output file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../kyso-net/tests/csc_server/mod.rs"]
mod csc_server;

use std::path::Path;
use std::process::{Command, Output};

use csc_server::{CscServer, closed_port, pki};

fn kyso() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kyso"));
    c.env("CSC_TOKEN", "test-token").env("CSC_PIN", "1234");
    c
}

/// `kyso sign INPUTS… --csc URL --csc-credential CRED … ARGS…`.
fn sign(inputs: &[&Path], url: &str, credential: &str, args: &[&str]) -> Output {
    kyso()
        .arg("sign")
        .args(inputs)
        .args(["--csc", url, "--csc-credential", credential])
        .args(["--csc-token-env", "CSC_TOKEN", "--csc-pin-env", "CSC_PIN"])
        .args(["--csc-poll-ms", "50"])
        .args(args)
        .output()
        .unwrap()
}

fn verdict(file: &Path) -> String {
    let out = kyso()
        .arg("verify")
        .arg(file)
        .arg("--trust")
        .arg(pki().join("root-g2.pem"))
        .args(["--no-revocation", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["verdict"].as_str().unwrap_or_default().to_string()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn failed_with(out: &Output, text: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(text), "{stderr}");
}

fn sample(dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, kyso::demo::sample_pdf()).unwrap();
    p
}

#[test]
fn synchronous_and_asynchronous_signatures_verify() {
    let Some(server) = CscServer::start(&["--confirm-after", "2"]) else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let input = sample(d.path(), "in.pdf");
    let out = d.path().join("sync.pdf");
    ok(&sign(
        &[&input],
        &server.url("v2"),
        "ca-nhan",
        &["-o", out.to_str().unwrap()],
    ));
    assert_eq!(verdict(&out), "VALID");

    let out = d.path().join("async.pdf");
    ok(&sign(
        &[&input],
        &server.url("v2"),
        "ec-p256",
        &["-o", out.to_str().unwrap(), "--csc-async"],
    ));
    assert_eq!(verdict(&out), "VALID");
    assert_eq!(server.count("signatures/signPolling"), 2);

    let out = d.path().join("v1.pdf");
    ok(&sign(
        &[&input],
        &server.url("v1"),
        "to-chuc",
        &["-o", out.to_str().unwrap(), "--csc-api", "v1"],
    ));
    assert_eq!(verdict(&out), "VALID");
}

#[test]
fn a_batch_is_signed_with_one_authorization() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let inputs: Vec<_> = ["a.pdf", "b.pdf", "c.pdf"]
        .iter()
        .map(|n| sample(d.path(), n))
        .collect();
    let refs: Vec<&Path> = inputs.iter().map(|p| p.as_path()).collect();
    let out_dir = d.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    ok(&sign(
        &refs,
        &server.url("v2"),
        "ca-nhan",
        &["--out-dir", out_dir.to_str().unwrap(), "--json"],
    ));
    for name in ["a.pdf", "b.pdf", "c.pdf"] {
        assert_eq!(verdict(&out_dir.join(name)), "VALID", "{name}");
    }
    let authorizations: Vec<_> = server
        .calls()
        .into_iter()
        .filter(|c| c["method"] == "credentials/authorize")
        .collect();
    assert_eq!(authorizations.len(), 1, "{authorizations:?}");
    assert_eq!(authorizations[0]["numSignatures"], 3);
    assert_eq!(server.count("signatures/signHash"), 1);
}

#[test]
fn a_signature_over_another_hash_writes_nothing() {
    let Some(server) = CscServer::start(&["--wrong-hash"]) else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let input = sample(d.path(), "in.pdf");
    let out = d.path().join("out.pdf");
    let run = sign(
        &[&input],
        &server.url("v2"),
        "ca-nhan",
        &["-o", out.to_str().unwrap()],
    );
    failed_with(&run, "không khớp");
    assert!(!out.exists());
    // A batch stops before writing anything either.
    let second = sample(d.path(), "second.pdf");
    let out_dir = d.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let run = sign(
        &[&input, &second],
        &server.url("v2"),
        "ca-nhan",
        &["--out-dir", out_dir.to_str().unwrap()],
    );
    failed_with(&run, "không khớp");
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 0);
}

#[test]
fn wrong_pin_expired_token_and_server_down() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let input = sample(d.path(), "in.pdf");
    let out = d.path().join("out.pdf");
    let run = kyso()
        .env("CSC_PIN", "9999")
        .arg("sign")
        .arg(&input)
        .args(["-o", out.to_str().unwrap(), "--csc", &server.url("v2")])
        .args([
            "--csc-credential",
            "ca-nhan",
            "--csc-token-env",
            "CSC_TOKEN",
        ])
        .args(["--csc-pin-env", "CSC_PIN"])
        .output()
        .unwrap();
    failed_with(&run, "Mã PIN không đúng");
    assert!(!String::from_utf8_lossy(&run.stderr).contains("9999"));
    assert!(!out.exists());

    let Some(expired) = CscServer::start(&["--expired-token"]) else {
        return;
    };
    let run = sign(
        &[&input],
        &expired.url("v2"),
        "ca-nhan",
        &["-o", out.to_str().unwrap()],
    );
    failed_with(&run, "hết hạn");
    assert!(!out.exists());

    let down = format!("http://127.0.0.1:{}/csc/v2", closed_port());
    let run = sign(&[&input], &down, "ca-nhan", &["-o", out.to_str().unwrap()]);
    failed_with(&run, "Không kết nối được");
    assert!(!out.exists());
}

#[test]
fn csc_list_shows_the_certificates() {
    let Some(server) = CscServer::start(&[]) else {
        return;
    };
    let out = kyso()
        .args(["csc", "list", "--csc", &server.url("v2")])
        .args(["--csc-token-env", "CSC_TOKEN", "--json"])
        .output()
        .unwrap();
    ok(&out);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ca_nhan = lines.iter().find(|l| l["credential"] == "ca-nhan").unwrap();
    assert!(
        ca_nhan["subject"]
            .as_str()
            .unwrap()
            .contains("Nguyễn Văn An")
    );
    assert!(
        ca_nhan["issuer"]
            .as_str()
            .unwrap()
            .contains("CA Kiểm thử kyso")
    );
    assert_eq!(ca_nhan["not_after"], "2030-01-01T00:00:00Z");
}
