//! `kyso edxml verify|extract` and edXML packages in `kyso verify`: packages made by
//! `tests/edxml/make-package.py` and signed by xmlsec1 (the reference XMLDSig implementation,
//! an independent signer), holding PDFs signed by `kyso sign`, with the test PKI of
//! `tests/run.sh` (`KYSO_TEST_WORK`).
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
        .env("KYSO_TEST_P12_PASSWORD", "kyso-test")
        .output()
        .unwrap()
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A PDF signed by `kyso sign` with `signer`'s PKCS#12.
fn signed_pdf(dir: &Path, name: &str, signer: &str) -> PathBuf {
    let out_path = dir.join(name);
    let p12 = pki(&format!("{signer}.p12"));
    ok(&kyso(&[
        "sign".as_ref(),
        work().join("pdf").join("plain.pdf").as_os_str(),
        "-o".as_ref(),
        out_path.as_os_str(),
        "--p12".as_ref(),
        p12.as_os_str(),
        "--password-env".as_ref(),
        "KYSO_TEST_P12_PASSWORD".as_ref(),
    ]));
    out_path
}

/// `make-package.py OUT args…`.
fn package(out: &Path, args: &[&OsStr]) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/edxml/make-package.py");
    let result = Command::new("python3")
        .arg(script)
        .arg(out)
        .args(args)
        .output()
        .expect("python3 (tests/setup.sh installs it)");
    assert!(
        result.status.success(),
        "make-package.py (needs xmlsec1, installed by tests/setup.sh): {}",
        String::from_utf8_lossy(&result.stderr)
    );
}

fn sign_args(signer: &str) -> Vec<PathBuf> {
    vec![
        pki(&format!("{signer}.key.pem")),
        pki(&format!("{signer}.pem")),
        pki("ca-g2.pem"),
    ]
}

/// `kyso edxml verify --json` with the test root and the CA's CRLs, at a time inside every
/// test certificate's validity; the report as JSON.
fn verify(path: &Path) -> serde_json::Value {
    let root = pki("root-g2.pem");
    let (crl_ca, crl_root) = (pki("ca-g2.crl.pem"), pki("root-g2.crl.pem"));
    let out = kyso(&[
        "edxml".as_ref(),
        "verify".as_ref(),
        "--json".as_ref(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--crl".as_ref(),
        crl_ca.as_os_str(),
        "--crl".as_ref(),
        crl_root.as_os_str(),
        "--at".as_ref(),
        "2026-06-01T00:00:00Z".as_ref(),
        path.as_os_str(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let report: serde_json::Value = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{e}: {text}{}", String::from_utf8_lossy(&out.stderr)));
    // Exit status 0 exactly when the package is VALID.
    assert_eq!(
        out.status.code() == Some(0),
        report["verdict"] == "VALID",
        "{text}"
    );
    report
}

fn codes(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for list in [&report["reasons"], &report["signature"]["reasons"]] {
        for r in list.as_array().into_iter().flatten() {
            out.push(r["code"].as_str().unwrap_or_default().to_owned());
        }
    }
    out
}

fn xmlsec_accepts(path: &Path) -> bool {
    Command::new("xmlsec1")
        .args(["--verify", "--trusted-pem"])
        .arg(pki("root-g2.pem"))
        .arg("--untrusted-pem")
        .arg(pki("ca-g2.pem"))
        .arg("--id-attr:Id")
        .arg("http://www.mic.gov.vn/TBT/QCVN_102_2016:edXMLHeader")
        .arg(path)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn packages_signed_by_xmlsec1_over_the_whole_or_the_header_verify() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "cong-van.pdf", "ca-nhan");
    let to_chuc: Vec<PathBuf> = sign_args("to-chuc");
    let whole = dir.path().join("whole.edxml");
    let mut args: Vec<&OsStr> = vec!["--attach".as_ref(), pdf.as_os_str(), "--sign".as_ref()];
    args.extend(to_chuc.iter().map(|p| p.as_os_str()));
    package(&whole, &args);
    let report = verify(&whole);
    assert_eq!(report["verdict"], "VALID", "{report}");
    assert_eq!(report["signature"]["status"], "valid");
    assert_eq!(report["signature"]["covers"], "package");
    assert_eq!(
        report["signature"]["signer"]["common_name"],
        "Sở Khoa học và Công nghệ tỉnh Gia Lai"
    );
    assert_eq!(report["number"], "12/UBND-VP");
    assert_eq!(report["header"]["from"]["id"], "H21");
    assert_eq!(report["attachments"][0]["name"], "cong-van.pdf");
    assert_eq!(report["attachments"][0]["report"]["verdict"], "VALID");
    let sha = hex_sha256(&std::fs::read(&pdf).unwrap());
    assert_eq!(report["attachments"][0]["sha256"], sha.as_str());

    // ECDSA P-256, the reference on the header's Id only, the attachment zipped.
    let ec: Vec<PathBuf> = sign_args("ec-p256");
    let header = dir.path().join("header.edxml");
    let mut args: Vec<&OsStr> = vec![
        "--attach".as_ref(),
        pdf.as_os_str(),
        "--zip".as_ref(),
        "--covers".as_ref(),
        "header".as_ref(),
        "--alg".as_ref(),
        "ecdsa-sha256".as_ref(),
        "--sign".as_ref(),
    ];
    args.extend(ec.iter().map(|p| p.as_os_str()));
    package(&header, &args);
    let report = verify(&header);
    assert_eq!(report["verdict"], "VALID", "{report}");
    assert_eq!(report["signature"]["covers"], "header");
    assert_eq!(report["attachments"][0]["report"]["verdict"], "VALID");
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Replace the first `from` by `to` (same length or not) in the file.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} not in the package");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_changed_header_or_attachment_is_invalid_and_xmlsec1_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "a.pdf", "ca-nhan");
    let signer = sign_args("to-chuc");
    let make = |name: &str, covers: &str| {
        let path = dir.path().join(name);
        let mut args: Vec<&OsStr> = vec![
            "--attach".as_ref(),
            pdf.as_os_str(),
            "--covers".as_ref(),
            covers.as_ref(),
            "--sign".as_ref(),
        ];
        args.extend(signer.iter().map(|p| p.as_os_str()));
        package(&path, &args);
        assert!(xmlsec_accepts(&path));
        path
    };

    for covers in ["package", "header"] {
        // The subject (trích yếu) rewritten after signing.
        let p = make(&format!("subject-{covers}.edxml"), covers);
        edit(&p, "V/v triển khai", "V/v hủy bỏ");
        assert!(!xmlsec_accepts(&p));
        let report = verify(&p);
        assert_eq!(report["verdict"], "INVALID", "{report}");
        assert_eq!(report["signature"]["status"], "invalid");
        assert!(codes(&report).contains(&"EDXML_SIGNATURE_INVALID".into()));
        // The clerk reads which part was changed: the whole package (URI="") or the header.
        let changed = report["signature"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "EDXML_SIGNATURE_INVALID")
            .unwrap()["vi"]
            .as_str()
            .unwrap()
            .to_owned();
        match covers {
            "package" => assert!(changed.contains("(toàn bộ gói tin)"), "{changed}"),
            _ => assert!(changed.contains("(\"#"), "{changed}"),
        }

        // The sender's identifier changed.
        let p = make(&format!("from-{covers}.edxml"), covers);
        edit(
            &p,
            "<edXML:OrganId>H21</edXML:OrganId>",
            "<edXML:OrganId>H22</edXML:OrganId>",
        );
        assert_eq!(verify(&p)["signature"]["status"], "invalid");
    }

    // A whole-package signature covers the attachments: one base64 character changed.
    let p = make("attachment.edxml", "package");
    let text = std::fs::read_to_string(&p).unwrap();
    let at = text.find("<edXML:ContentTransferEncoded>").unwrap() + 200;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&p, bytes).unwrap();
    assert!(!xmlsec_accepts(&p));
    let report = verify(&p);
    assert_eq!(report["verdict"], "INVALID", "{report}");
    assert_eq!(report["signature"]["status"], "invalid");

    // The signature value itself damaged.
    let p = make("value.edxml", "package");
    let text = std::fs::read_to_string(&p).unwrap();
    let at = text.find("<SignatureValue>").unwrap() + "<SignatureValue>".len() + 10;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&p, bytes).unwrap();
    let report = verify(&p);
    assert_eq!(report["signature"]["status"], "invalid", "{report}");
    assert_eq!(report["verdict"], "INVALID");
}

/// A signature whose only reference is the body (the manifest): intact, but the header it was
/// meant to vouch for is not signed — reported, never counted as a signed header.
#[test]
fn a_signature_that_leaves_the_header_out_does_not_vouch_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "a.pdf", "ca-nhan");
    let signer = sign_args("to-chuc");
    let p = dir.path().join("body.edxml");
    let mut args: Vec<&OsStr> = vec![
        "--attach".as_ref(),
        pdf.as_os_str(),
        "--covers".as_ref(),
        "body".as_ref(),
        "--sign".as_ref(),
    ];
    args.extend(signer.iter().map(|p| p.as_os_str()));
    package(&p, &args);
    let report = verify(&p);
    assert_eq!(report["signature"]["covers"], "other", "{report}");
    assert_eq!(report["signature"]["status"], "not_checked", "{report}");
    assert!(codes(&report).contains(&"EDXML_HEADER_NOT_COVERED".into()));
    // Changing the header is then not detected by that signature, and the report never said
    // it was signed: the subject changed, the status stays "not checked".
    edit(&p, "V/v triển khai", "V/v hủy bỏ");
    assert_eq!(verify(&p)["signature"]["status"], "not_checked");
}

#[test]
fn a_second_header_or_a_duplicated_id_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "a.pdf", "ca-nhan");
    let signer = sign_args("to-chuc");
    let p = dir.path().join("wrapped.edxml");
    let mut args: Vec<&OsStr> = vec![
        "--attach".as_ref(),
        pdf.as_os_str(),
        "--covers".as_ref(),
        "header".as_ref(),
        "--sign".as_ref(),
    ];
    args.extend(signer.iter().map(|p| p.as_os_str()));
    package(&p, &args);
    let signed = std::fs::read_to_string(&p).unwrap();

    // Signature wrapping: the signed header moved into a second envelope, a forged one first.
    let start = signed.find("<edXML:edXMLHeader").unwrap();
    let end = signed.find("</edXML:edXMLHeader>").unwrap() + "</edXML:edXMLHeader>".len();
    let forged_header = signed[start..end]
        .replace("V/v triển khai", "V/v giả mạo")
        .replace(" Id=\"edxml-header\"", "");
    let wrapped = format!(
        "{}{}<edXML:Extra>{}</edXML:Extra>{}",
        &signed[..start],
        forged_header,
        &signed[start..end],
        &signed[end..]
    );
    std::fs::write(&p, wrapped).unwrap();
    let out = kyso(&["edxml".as_ref(), "verify".as_ref(), p.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("KHÔNG ĐỌC ĐƯỢC"), "{text}");
    assert!(text.contains("edXMLHeader"), "{text}");

    // Two elements with the signed Id: the reference is ambiguous.
    let twice = signed.replacen(
        "<edXML:edXMLBody>",
        "<edXML:edXMLBody><edXML:Note Id=\"edxml-header\"/>",
        1,
    );
    std::fs::write(&p, twice).unwrap();
    let report = verify(&p);
    assert_eq!(report["signature"]["status"], "invalid", "{report}");
    assert!(codes(&report).contains(&"EDXML_SIGNATURE_MALFORMED".into()));
}

#[test]
fn signers_outside_trust_or_out_of_validity_are_not_valid() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "a.pdf", "ca-nhan");
    for (signer, expect) in [("expired", "INDETERMINATE"), ("revoked", "INVALID")] {
        let p = dir.path().join(format!("{signer}.edxml"));
        let keys = sign_args(signer);
        let mut args: Vec<&OsStr> = vec!["--attach".as_ref(), pdf.as_os_str(), "--sign".as_ref()];
        args.extend(keys.iter().map(|p| p.as_os_str()));
        package(&p, &args);
        let report = verify(&p);
        let status = report["signature"]["status"]
            .as_str()
            .unwrap()
            .to_uppercase();
        assert!(
            status == expect || status == "INVALID",
            "{signer}: {report}"
        );
        assert_ne!(report["verdict"], "VALID", "{signer}: {report}");
    }
    // A key and certificate of another PKI (the G1 hierarchy, not trusted here).
    let p = dir.path().join("g1.edxml");
    let (key, cert, ca) = (pki("g1-leaf.key.pem"), pki("g1-leaf.pem"), pki("ca-g1.pem"));
    package(
        &p,
        &[
            "--attach".as_ref(),
            pdf.as_os_str(),
            "--sign".as_ref(),
            key.as_os_str(),
            cert.as_os_str(),
            ca.as_os_str(),
        ],
    );
    let report = verify(&p);
    assert_eq!(report["signature"]["status"], "indeterminate", "{report}");
    assert_eq!(report["verdict"], "INDETERMINATE");
}

#[test]
fn malformed_identifiers_unsigned_documents_and_hostile_xml() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "a.pdf", "ca-nhan");
    let plain = work().join("pdf").join("plain.pdf");

    // A lower-case sender identifier: not of the standard.
    let p = dir.path().join("organ.edxml");
    package(
        &p,
        &[
            "--attach".as_ref(),
            pdf.as_os_str(),
            "--from".as_ref(),
            "h21-x".as_ref(),
        ],
    );
    let report = verify(&p);
    assert_eq!(report["verdict"], "INVALID");
    assert!(codes(&report).contains(&"EDXML_ORGAN_ID_INVALID".into()));
    assert_eq!(report["signature"]["status"], "absent");

    // An unsigned package with a signed PDF: the header's signature is missing (a warning),
    // the document decides.
    let p = dir.path().join("unsigned.edxml");
    package(&p, &["--attach".as_ref(), pdf.as_os_str()]);
    let report = verify(&p);
    assert_eq!(report["verdict"], "VALID", "{report}");
    assert!(codes(&report).contains(&"EDXML_HEADER_UNSIGNED".into()));

    // An unsigned PDF inside: the package is refused.
    let p = dir.path().join("unsigned-pdf.edxml");
    package(&p, &["--attach".as_ref(), plain.as_os_str()]);
    let report = verify(&p);
    assert_eq!(report["verdict"], "INVALID");
    assert_eq!(
        report["attachments"][0]["report"]["verdict"],
        "NO_SIGNATURES"
    );

    // No attachment at all.
    let p = dir.path().join("empty.edxml");
    package(&p, &[]);
    let report = verify(&p);
    assert_eq!(report["verdict"], "INVALID");
    assert!(codes(&report).contains(&"EDXML_NO_ATTACHMENT".into()));

    // An external entity (XXE) and an entity bomb: refused before anything is expanded or read.
    for (name, body) in [
        (
            "xxe.edxml",
            "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><e>&x;</e>",
        ),
        (
            "bomb.edxml",
            "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><e>&c;</e>",
        ),
        ("not-xml.edxml", "%PDF-1.7 this is not a package"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        let out = kyso(&[
            "edxml".as_ref(),
            "verify".as_ref(),
            "--json".as_ref(),
            p.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            line["error"]["code"].as_u64().unwrap() / 1000 == 8,
            "{name}: {line}"
        );
        assert!(line["verdict"].is_null());
    }
}

#[test]
fn extract_writes_the_documents_and_nothing_outside_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = signed_pdf(dir.path(), "a.pdf", "ca-nhan");
    let p = dir.path().join("p.edxml");
    package(
        &p,
        &["--attach".as_ref(), pdf.as_os_str(), "--zip".as_ref()],
    );
    // A hostile attachment name.
    edit(
        &p,
        "<edXML:AttachmentName>a.pdf",
        "<edXML:AttachmentName>../../escape.pdf",
    );
    let out_dir = dir.path().join("out").join("inner");
    let out = kyso(&[
        "edxml".as_ref(),
        "extract".as_ref(),
        p.as_os_str(),
        "-d".as_ref(),
        out_dir.as_os_str(),
        "--json".as_ref(),
    ]);
    ok(&out);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    // Zipped: the entry's own name is used, inside the directory.
    let written = PathBuf::from(listed[0]["path"].as_str().unwrap());
    assert_eq!(written.parent().unwrap(), out_dir);
    assert_eq!(
        std::fs::read(&written).unwrap(),
        std::fs::read(&pdf).unwrap()
    );
    assert!(!dir.path().join("escape.pdf").exists());
    assert!(!dir.path().join("out").join("escape.pdf").exists());
}

#[test]
fn a_directory_of_pdfs_and_packages_is_verified_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let pdf = signed_pdf(&inbox, "letter.pdf", "ca-nhan");
    let signer = sign_args("to-chuc");
    let p = inbox.join("GOI-TIN.EDXML");
    let mut args: Vec<&OsStr> = vec!["--attach".as_ref(), pdf.as_os_str(), "--sign".as_ref()];
    args.extend(signer.iter().map(|p| p.as_os_str()));
    package(&p, &args);
    std::fs::write(inbox.join("notes.txt"), "not a document").unwrap();
    let html = dir.path().join("report.html");
    let root = pki("root-g2.pem");
    let out = kyso(&[
        "verify".as_ref(),
        "--json".as_ref(),
        "--trust".as_ref(),
        root.as_os_str(),
        "--no-revocation".as_ref(),
        "--at".as_ref(),
        "2026-06-01T00:00:00Z".as_ref(),
        "--html".as_ref(),
        html.as_os_str(),
        inbox.as_os_str(),
    ]);
    ok(&out);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let schemas: Vec<&str> = lines
        .iter()
        .map(|l| l["schema"].as_str().unwrap())
        .collect();
    assert_eq!(schemas, ["kyso.edxml/1", "kyso.report/1"]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Gói tin edXML"));
    assert!(page.contains("12/UBND-VP"));
}
