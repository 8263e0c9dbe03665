//! `kyso sign --profile` through the binary: a seal PNG without `pHYs` is drawn at the default
//! size with the warning SEAL_SIZE_ASSUMED on stderr and in `--json`, never an error; text
//! blocks need no font file. Uses the test PKI of `tests/run.sh` (`KYSO_TEST_WORK`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn work() -> PathBuf {
    match std::env::var_os("KYSO_TEST_WORK") {
        Some(p) => PathBuf::from(p),
        None => panic!("KYSO_TEST_WORK is not set: run the tests with `bash tests/run.sh`"),
    }
}

/// A one-colour RGBA PNG with a transparent left half, `ppm` pixels per metre if given.
fn png(path: &Path, w: u32, h: u32, rgb: [u8; 3], ppm: Option<u32>) {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        e.set_pixel_dims(ppm.map(|p| png::PixelDimensions {
            xppu: p,
            yppu: p,
            unit: png::Unit::Meter,
        }));
        let mut data = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                data.extend_from_slice(&rgb);
                data.push(if x < w / 2 { 0 } else { 255 });
            }
        }
        e.write_header().unwrap().write_image_data(&data).unwrap();
    }
    std::fs::write(path, out).unwrap();
}

/// `kyso sign IN -o OUT --p12 P12 --password-env … ARGS… --json`.
fn sign(input: &Path, output: &Path, p12: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kyso"))
        .arg("sign")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--p12")
        .arg(work().join("pki").join(p12))
        .args(["--password-env", "KYSO_TEST_P12_PASSWORD", "--json"])
        .args(args)
        .env("KYSO_TEST_P12_PASSWORD", "kyso-test")
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn verdict(file: &Path) -> String {
    let pki = work().join("pki");
    let out = Command::new(env!("CARGO_BIN_EXE_kyso"))
        .arg("verify")
        .arg(file)
        .arg("--trust")
        .arg(pki.join("root-g2.pem"))
        .arg("--intermediate")
        .arg(pki.join("ca-g2.pem"))
        .args(["--no-revocation", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["verdict"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_seal_png_without_phys_signs_at_36_mm_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("in.pdf"), kyso::demo::sample_pdf()).unwrap();
    png(&d.join("chu-ky.png"), 300, 120, [0, 51, 204], None);
    png(&d.join("con-dau.png"), 400, 400, [218, 0, 0], None);

    let approval = sign(
        &d.join("in.pdf"),
        &d.join("a.pdf"),
        "ca-nhan.p12",
        &["--profile", "approval", "--image"],
    );
    // --image needs its value: refused by the argument parser, nothing written.
    assert!(!approval.status.success());
    assert!(!d.join("a.pdf").exists());
    let approval = json(&sign(
        &d.join("in.pdf"),
        &d.join("a.pdf"),
        "ca-nhan.p12",
        &[
            "--profile",
            "approval",
            "--image",
            d.join("chu-ky.png").to_str().unwrap(),
            "--rect",
            "350,150,150,60",
        ],
    ));
    assert_eq!(approval["warnings"], serde_json::json!([]));
    assert_eq!(approval["field"], "Signature1");

    let out = sign(
        &d.join("a.pdf"),
        &d.join("b.pdf"),
        "to-chuc.p12",
        &[
            "--profile",
            "issuance",
            "--image",
            d.join("con-dau.png").to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let result = json(&out);
    assert_eq!(result["warnings"].as_array().unwrap().len(), 1, "{result}");
    let w = &result["warnings"][0];
    assert_eq!(w["code"], "SEAL_SIZE_ASSUMED");
    assert_eq!(w["severity"], "warning");
    assert!(w["vi"].as_str().unwrap().contains("36 mm"), "{w}");
    assert!(w["en"].as_str().unwrap().contains("no pHYs"), "{w}");
    assert!(
        stderr.contains("warning [SEAL_SIZE_ASSUMED]"),
        "stderr: {stderr}"
    );
    assert_eq!(result["level"], "B-B");
    assert_eq!(
        result["size"].as_u64().unwrap(),
        std::fs::metadata(d.join("b.pdf")).unwrap().len()
    );
    assert_eq!(verdict(&d.join("b.pdf")), "VALID");

    // The seal's width given: no warning.
    let given = json(&sign(
        &d.join("a.pdf"),
        &d.join("c.pdf"),
        "to-chuc.p12",
        &[
            "--profile",
            "issuance",
            "--image",
            d.join("con-dau.png").to_str().unwrap(),
            "--seal-width-mm",
            "40",
        ],
    ));
    assert_eq!(given["warnings"], serde_json::json!([]));
    // A width no seal has is the caller's mistake: an error, exit 2, nothing written.
    let wrong = sign(
        &d.join("a.pdf"),
        &d.join("x.pdf"),
        "to-chuc.p12",
        &[
            "--profile",
            "issuance",
            "--image",
            d.join("con-dau.png").to_str().unwrap(),
            "--seal-width-mm",
            "0.5",
        ],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!d.join("x.pdf").exists());
}

#[test]
fn a_text_block_needs_no_font_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = kyso::demo::sample_pdf();
    std::fs::write(d.join("in.pdf"), &input).unwrap();
    let result = json(&sign(
        &d.join("in.pdf"),
        &d.join("out.pdf"),
        "to-chuc.p12",
        &[
            "--profile",
            "attachment",
            "--doc-number",
            "Số 12/QĐ-UBND Ụ ỹ Ặ",
        ],
    ));
    assert_eq!(result["warnings"], serde_json::json!([]));
    let signed = std::fs::read(d.join("out.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&signed).contains("+LiberationSerif"));
    // The signature (about 8 KB reserved for the CMS) and a few kilobytes of subset font.
    let grown = signed.len() - input.len();
    eprintln!(
        "attachment block: {} -> {} bytes (+{grown})",
        input.len(),
        signed.len()
    );
    assert!(grown < 40_000, "grew by {grown} bytes");
    assert_eq!(verdict(&d.join("out.pdf")), "VALID");
}

#[test]
fn a_certificate_outside_its_scope_is_refused_before_signing() {
    // Decree 68 Art. 31–32: the seal, attachment and copy are the organisation's signatures, the
    // approval the competent person's. The wrong kind of certificate is refused up front (exit 2,
    // the profile's reason, no output) instead of making a signature verifiers refuse.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("in.pdf"), kyso::demo::sample_pdf()).unwrap();
    png(&d.join("chu-ky.png"), 300, 120, [0, 51, 204], None);
    let image = d.join("chu-ky.png");
    let image = image.to_str().unwrap();
    let cases: [(&str, &[&str]); 4] = [
        (
            "ca-nhan.p12",
            &["--profile", "attachment", "--doc-number", "125/QĐ-UBND"],
        ),
        (
            "ca-nhan.p12",
            &[
                "--profile",
                "copy",
                "--copy-type",
                "SAO Y",
                "--organization",
                "X",
            ],
        ),
        (
            "ec-p256.p12",
            &[
                "--profile",
                "issuance",
                "--image",
                image,
                "--rect",
                "100,100,100,100",
            ],
        ),
        (
            "to-chuc.p12",
            &[
                "--profile",
                "approval",
                "--image",
                image,
                "--rect",
                "350,150,150,60",
            ],
        ),
    ];
    for (p12, args) in cases {
        let out = sign(&d.join("in.pdf"), &d.join("out.pdf"), p12, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{p12} {args:?}: {stderr}");
        assert!(
            stderr.contains("PROFILE_ROLE_CERTIFICATE"),
            "{p12} {args:?}: {stderr}"
        );
        assert!(!d.join("out.pdf").exists(), "{p12} {args:?}");
    }
    // The right kinds sign and verify.
    let ok = json(&sign(
        &d.join("in.pdf"),
        &d.join("att.pdf"),
        "to-chuc.p12",
        &["--profile", "attachment", "--doc-number", "125/QĐ-UBND"],
    ));
    assert_eq!(ok["warnings"], serde_json::json!([]), "{ok}");
    assert_eq!(verdict(&d.join("att.pdf")), "VALID");
}
