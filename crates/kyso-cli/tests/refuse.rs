//! `kyso refuse`: the refusal notice of a document that fails verification, as text, JSON and a
//! one-page PDF that pdftotext reads back with the reasons and that can itself be signed. Uses
//! the test PKI and fixtures of `tests/run.sh` (`KYSO_TEST_WORK`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn work() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

fn kyso(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kyso"))
        .args(args)
        .env("KYSO_TEST_P12_PASSWORD", "kyso-test")
        .output()
        .unwrap()
}

fn refuse(file: &Path, extra: &[&str]) -> Output {
    let root = work().join("pki").join("root-g2.pem");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "refuse".as_ref(),
        file.as_os_str(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--no-revocation".as_ref(),
    ];
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    kyso(&args)
}

#[test]
fn an_altered_document_gets_a_notice_with_its_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let input = work().join("pdf").join("pyhanko-signed-modified.pdf");
    let notice = dir.path().join("thông báo.pdf");
    let out = refuse(
        &input,
        &[
            "--sender",
            "UBND huyện Chư Sê",
            "--receiver",
            "Sở Khoa học và Công nghệ tỉnh Gia Lai",
            "--number",
            "123/UBND-VP",
            "-o",
            notice.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let sha = {
        use sha2::Digest;
        sha2::Sha256::digest(std::fs::read(&input).unwrap())
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<String>()
    };
    for expected in [
        "THÔNG BÁO",
        "Kính gửi: UBND huyện Chư Sê.",
        "pyhanko-signed-modified.pdf",
        "123/UBND-VP",
        sha.as_str(),
        "khoản 2 Điều 21 Nghị định số 30/2020/NĐ-CP",
        "+07:00",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(text.contains("Lý do:\n1. "), "{text}");

    // The PDF says the same, read back by poppler's pdftotext.
    let read = Command::new("pdftotext")
        .args([notice.as_os_str(), "-".as_ref()])
        .output()
        .unwrap();
    assert!(read.status.success());
    let back = String::from_utf8(read.stdout).unwrap();
    let flat = back.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "THÔNG BÁO",
        "UBND huyện Chư Sê",
        "Nghị định số 30/2020/NĐ-CP",
        "Lý do:",
    ] {
        assert!(flat.contains(expected), "{expected} in {flat}");
    }
    // Each reason of the text is in the PDF.
    for line in text.lines().filter(|l| l.starts_with('•')) {
        let code = line.rsplit('[').next().unwrap().trim_end_matches(']');
        assert!(flat.contains(code), "{code} in {flat}");
    }

    // The notice can be signed, and the result verifies.
    let signed = dir.path().join("thông báo đã ký.pdf");
    let p12 = work().join("pki").join("ca-nhan.p12");
    let out = kyso(&[
        "sign".as_ref(),
        notice.as_os_str(),
        "-o".as_ref(),
        signed.as_os_str(),
        "--p12".as_ref(),
        p12.as_os_str(),
        "--password-env".as_ref(),
        "KYSO_TEST_P12_PASSWORD".as_ref(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = work().join("pki").join("root-g2.pem");
    let out = kyso(&[
        "verify".as_ref(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--no-revocation".as_ref(),
        signed.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn json_unsigned_unreadable_and_valid_documents() {
    let dir = tempfile::tempdir().unwrap();
    // JSON, for an unsigned document.
    let out = refuse(&work().join("pdf").join("plain.pdf"), &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notice: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(notice["schema"], "kyso.refusal/1");
    assert_eq!(notice["verdict"], "NO_SIGNATURES");
    assert_eq!(notice["document_reasons"][0]["code"], "NO_SIGNATURES");
    // A file that is not a PDF is refused for that reason.
    let junk = dir.path().join("hỏng.pdf");
    std::fs::write(&junk, b"not a PDF").unwrap();
    let out = refuse(&junk, &[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("[DOCUMENT_UNREADABLE]"));
    // A VALID document is not refused.
    let out = refuse(&work().join("pdf").join("pyhanko-signed.pdf"), &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to refuse"));
}

/// The heading of Decree 30 in two columns (organisation | national name and motto; number |
/// place and date), as pdftotext -layout lays the page out.
#[test]
fn the_notice_has_the_two_column_heading_of_decree_30() {
    let dir = tempfile::tempdir().unwrap();
    let notice = dir.path().join("n.pdf");
    let input = work().join("pdf").join("pyhanko-signed-modified.pdf");
    let out = refuse(
        &input,
        &[
            "--receiver",
            "Sở Khoa học và Công nghệ",
            "--place",
            "Pleiku",
            "-o",
            notice.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = Command::new("pdftotext")
        .args(["-layout".as_ref(), notice.as_os_str(), "-".as_ref()])
        .output()
        .unwrap();
    let page = String::from_utf8(read.stdout).unwrap();
    let line_of = |needle: &str| {
        page.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in {page}"))
    };
    assert_eq!(
        line_of("SỞ KHOA HỌC VÀ CÔNG NGHỆ"),
        line_of("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "{page}"
    );
    assert_eq!(line_of("Số:"), line_of("Pleiku, ngày"), "{page}");
    assert!(line_of("Độc lập - Tự do - Hạnh phúc") < line_of("Số:"));
    assert!(line_of("Pleiku, ngày") < line_of("THÔNG BÁO"));
    let (left, right) = {
        let l = &page.lines().nth(line_of("Số:")).unwrap().to_owned();
        (l.find("Số:").unwrap(), l.find("Pleiku").unwrap())
    };
    assert!(
        left < right,
        "number on the left, place and date on the right"
    );
}

/// An edXML package is refused like a PDF: the sender and the number come from its header, the
/// reasons from its XML signature and its documents.
#[test]
fn an_altered_edxml_package_gets_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let pki = work().join("pki");
    let package = dir.path().join("goi-tin.edxml");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/edxml/make-package.py");
    let made = Command::new("python3")
        .arg(script)
        .arg(&package)
        .arg("--attach")
        .arg(work().join("pdf").join("pyhanko-signed.pdf"))
        .arg("--number")
        .arg("45")
        .arg("--notation")
        .arg("UBND-KT")
        .arg("--sign")
        .args([
            pki.join("to-chuc.key.pem"),
            pki.join("to-chuc.pem"),
            pki.join("ca-g2.pem"),
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let text = std::fs::read_to_string(&package).unwrap();
    std::fs::write(&package, text.replacen("V/v triển khai", "V/v đình chỉ", 1)).unwrap();
    let notice = dir.path().join("n.pdf");
    let out = refuse(
        &package,
        &["--format", "json", "-o", notice.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["number"], "45/UBND-KT");
    assert_eq!(
        json["sender"],
        "Ủy ban nhân dân tỉnh Gia Lai (mã định danh H21)"
    );
    assert_eq!(json["verdict"], "INVALID");
    assert_eq!(json["signatures"][0]["field"], "gói tin edXML");
    let read = Command::new("pdftotext")
        .args([notice.as_os_str(), "-".as_ref()])
        .output()
        .unwrap();
    let flat = String::from_utf8(read.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "goi-tin.edxml",
        "45/UBND-KT",
        "EDXML_SIGNATURE_INVALID",
        "H21",
    ] {
        assert!(flat.contains(expected), "{expected} in {flat}");
    }
}
