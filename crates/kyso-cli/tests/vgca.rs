//! `kyso vgca`: every VGCA Sign Service operation with VGCA's own request and reply JSON, one
//! after the other on one document (approval, issuance with number and date, the incoming
//! stamp, a comment), an appendix and a copy on their own files, then VerifyPDF; the roles are
//! what kyso's verifier reports. Failures are replies too, with a non-zero Status. Uses the test
//! PKI of `tests/run.sh` (`KYSO_TEST_WORK`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn work() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

/// A one-colour RGBA PNG at 10000 px/m (a 360-px seal is 36 mm).
fn png(path: &Path, w: u32, h: u32, rgb: [u8; 3]) {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        e.set_pixel_dims(Some(png::PixelDimensions {
            xppu: 10_000,
            yppu: 10_000,
            unit: png::Unit::Meter,
        }));
        let data: Vec<u8> = (0..w * h)
            .flat_map(|_| [rgb[0], rgb[1], rgb[2], 255])
            .collect();
        e.write_header().unwrap().write_image_data(&data).unwrap();
    }
    std::fs::write(path, out).unwrap();
}

/// `kyso vgca OP --request REQ --p12 … [-o OUT]`, the request written from `request`.
fn vgca(
    dir: &Path,
    op: &str,
    request: serde_json::Value,
    p12: &str,
    extra: &[String],
) -> (Output, serde_json::Value) {
    let req = dir.join(format!("{op}.json"));
    std::fs::write(&req, request.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kyso"))
        .args(["vgca", op, "--request"])
        .arg(&req)
        .arg("--p12")
        .arg(work().join("pki").join(p12))
        .args(["--password-env", "KYSO_TEST_P12_PASSWORD"])
        .arg("--trust")
        .arg(work().join("pki/root-g2.pem"))
        .args(extra)
        .env("KYSO_TEST_P12_PASSWORD", "kyso-test")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let reply = serde_json::from_str(stdout.lines().last().unwrap_or("null")).unwrap_or_else(|e| {
        panic!(
            "{op}: not a JSON reply ({e}): {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, reply)
}

fn ok(op: &str, (out, reply): (Output, serde_json::Value)) -> serde_json::Value {
    assert!(
        out.status.success() && reply["Status"] == 0,
        "{op}: exit {:?}, reply {reply}, stderr {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    reply
}

fn roles(pdf: &Path) -> Vec<(String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_kyso"))
        .arg("verify")
        .arg(pdf)
        .arg("--trust")
        .arg(work().join("pki/root-g2.pem"))
        .args(["--no-revocation", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().last().unwrap()).unwrap();
    assert_eq!(report["verdict"], "VALID", "{report}");
    report["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["role"].as_str().unwrap().to_owned(),
                s["indication"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_vgca_operation_with_vgcas_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plain = work().join("pdf/plain.pdf");
    let signature_png = d.join("chu-ky.png");
    let seal_png = d.join("con-dau.png");
    png(&signature_png, 300, 120, [0, 0, 200]);
    png(&seal_png, 360, 360, [218, 0, 0]);
    let step = |name: &str| d.join(name).display().to_string();

    let reply = ok(
        "SignApproved",
        vgca(
            d,
            "SignApproved",
            serde_json::json!({
                "FileName": plain.display().to_string(), "OutputFileName": step("1.pdf"),
                "SessionId": "abc", "JWTToken": "t", "FileUploadHandler": "https://e-office.example/up",
                "MetaData": [{"Key": "Image", "Value": signature_png.display().to_string()},
                             {"Key": "Rect", "Value": "350,180,150,60"}, {"Key": "Page", "Value": 1}]
            }),
            "ca-nhan.p12",
            &[],
        ),
    );
    assert_eq!(reply["FileName"], step("1.pdf"));
    let reply = ok(
        "SignIssued",
        vgca(
            d,
            "SignIssued",
            serde_json::json!({
                "FileName": step("1.pdf"), "OutputFileName": step("2.pdf"),
                "DocNumber": "125/QĐ-UBND", "IssuedDate": "07/01/2025",
                "MetaData": [{"Key": "SealImage", "Value": seal_png.display().to_string()},
                             {"Key": "Organization", "Value": "UBND tỉnh Gia Lai"}]
            }),
            "to-chuc.p12",
            &[],
        ),
    );
    assert_eq!(reply["DocumentNumber"], "125/QĐ-UBND");
    assert_eq!(reply["DocumentDate"], "07/01/2025");
    ok(
        "SignIncome",
        vgca(
            d,
            "vgca_sign_income",
            serde_json::json!({
                "FileName": step("2.pdf"), "OutputFileName": step("3.pdf"),
                "MetaData": [{"Key": "Organization", "Value": "Sở Khoa học và Công nghệ"},
                             {"Key": "IncomeNumber", "Value": 4567},
                             {"Key": "ReceivedDate", "Value": "2025-01-08T02:30:00Z"}]
            }),
            "to-chuc.p12",
            &[],
        ),
    );
    ok(
        "Comment",
        vgca(
            d,
            "Comment",
            serde_json::json!({
                "FileName": step("3.pdf"), "OutputFileName": step("4.pdf"),
                "MetaData": [{"Key": "Comment", "Value": "Giao phòng Quản lý công nghệ xử lý."},
                             {"Key": "Rect", "Value": "60,300,250,60"}]
            }),
            "ca-nhan.p12",
            &[],
        ),
    );
    let mut got = roles(&d.join("4.pdf"));
    got.sort();
    let want = [
        ("approval", "TOTAL_PASSED"),
        ("comment", "TOTAL_PASSED"),
        ("income", "TOTAL_PASSED"),
        ("issuance", "TOTAL_PASSED"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).into(), (*b).into()))
        .collect();
    assert_eq!(got, want);
    // The stamp's text is on the page: number, date and time in Vietnam time.
    let text = Command::new("pdftotext")
        .arg(d.join("4.pdf"))
        .arg("-")
        .output();
    if let Some(text) = text.ok().filter(|t| t.status.success()) {
        let text = String::from_utf8_lossy(&text.stdout);
        for want in [
            "ĐẾN",
            "Số đến: 4567",
            "Ngày đến: 08/01/2025",
            "Giờ đến: 09:30 (+07:00)",
            "Số: 125/QĐ-UBND",
        ] {
            assert!(text.contains(want), "{want:?} not in {text}");
        }
    }

    ok(
        "SignAppendix",
        vgca(
            d,
            "SignAppendix",
            serde_json::json!({"FileName": plain.display().to_string(), "OutputFileName": step("pl.pdf"),
                               "DocNumber": "125/QĐ-UBND"}),
            "to-chuc.p12",
            &[],
        ),
    );
    ok(
        "SignCopy",
        vgca(
            d,
            "SignCopy",
            serde_json::json!({"FileName": plain.display().to_string(), "OutputFileName": step("sao.pdf"),
                               "MetaData": [{"Key": "CopyType", "Value": "SAO Y"},
                                            {"Key": "Organization", "Value": "Văn phòng UBND tỉnh"}]}),
            "to-chuc.p12",
            &[],
        ),
    );
    assert_eq!(roles(&d.join("pl.pdf"))[0].0, "appendix");
    assert_eq!(roles(&d.join("sao.pdf"))[0].0, "copy");

    // Without revocation data the verdict cannot be VALID: Status 2, TRY_LATER in the report.
    let (out, reply) = vgca(
        d,
        "VerifyPDF",
        serde_json::json!({"FileName": step("4.pdf")}),
        "to-chuc.p12",
        &[],
    );
    assert_eq!(
        (out.status.code(), &reply["Status"]),
        (Some(1), &serde_json::json!(2)),
        "{reply}"
    );
    assert_eq!(
        reply["Report"]["signatures"][0]["sub_indication"],
        "TRY_LATER"
    );
    let crls = [
        work().join("pki/ca-g2.crl.der"),
        work().join("pki/root-g2.crl.der"),
    ];
    let crl_args: Vec<String> = crls
        .iter()
        .flat_map(|c| ["--crl".to_owned(), c.display().to_string()])
        .collect();
    let reply = ok(
        "VerifyPDF",
        vgca(
            d,
            "VerifyPDF",
            serde_json::json!({"FileName": step("4.pdf")}),
            "to-chuc.p12",
            &crl_args,
        ),
    );
    assert_eq!(reply["Report"]["verdict"], "VALID");
}

#[test]
fn failures_are_vgca_replies() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A missing document: Status not 0, a Vietnamese message, exit 2, nothing written.
    let (out, reply) = vgca(
        d,
        "SignAppendix",
        serde_json::json!({"FileName": d.join("none.pdf").display().to_string(), "DocNumber": "1/X"}),
        "to-chuc.p12",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_ne!(reply["Status"], 0);
    assert!(
        reply["Message"]
            .as_str()
            .unwrap()
            .contains("Không thực hiện được"),
        "{reply}"
    );
    assert!(!d.join("none_signed.pdf").exists());
    // A profile missing what it needs: refused before the key is used.
    let (out, reply) = vgca(
        d,
        "SignIncome",
        serde_json::json!({"FileName": work().join("pdf/plain.pdf").display().to_string(),
                           "OutputFileName": d.join("x.pdf").display().to_string()}),
        "to-chuc.p12",
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(reply["ErrorCode"], 7001, "{reply}");
    assert!(!d.join("x.pdf").exists());
    // A tampered document: VerifyPDF answers with Status 2 and the reason.
    let mut bytes = std::fs::read(work().join("pdf/pyhanko-signed.pdf")).unwrap();
    let i = bytes.windows(9).position(|w| w == b"/MediaBox").unwrap();
    bytes[i + 1] = b'm';
    std::fs::write(d.join("t.pdf"), bytes).unwrap();
    let (out, reply) = vgca(
        d,
        "VerifyPDF",
        serde_json::json!({"FileName": d.join("t.pdf").display().to_string()}),
        "to-chuc.p12",
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{reply}");
    assert_eq!(reply["Status"], 2);
    assert!(
        reply["Message"].as_str().unwrap().contains("không hợp lệ"),
        "{reply}"
    );
}
