//! The Decree 30 workflows end to end through the facade: approval then issuance keeps both
//! signatures valid, the seal lands on the left third of the approval image, roles are reported,
//! and misplaced rectangles are refused. (Pixels and text positions are checked on real renders
//! by tests/render/render-test.sh.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::OnceLock;

use kyso::demo::{DemoPki, sample_pdf};
use kyso::token::SoftwareSigner;
use kyso::workflows::{
    self, ApprovalOptions, AttachmentOptions, IssuanceOptions, Placement, PngImage, Rect, TextFont,
};
use kyso::{PadesOptions, RevocationMode, Verdict, VerifyOptions};
use kyso_policy::TrustStore;

fn pki() -> &'static DemoPki {
    static PKI: OnceLock<DemoPki> = OnceLock::new();
    PKI.get_or_init(|| DemoPki::generate(kyso::now().unix_duration().as_secs()).unwrap())
}

fn signer() -> SoftwareSigner {
    pki().software_signer().unwrap()
}

/// The clerk's organisation certificate: issuance, attachment and copy signatures need it.
fn organization() -> SoftwareSigner {
    pki().organization_signer().unwrap()
}

fn verify(pdf: &[u8]) -> kyso::Report {
    let mut trust = TrustStore::new();
    trust.add_anchor(pki().root.clone()).unwrap();
    let mut o = VerifyOptions::new(trust, kyso::now());
    o.revocation = RevocationMode::Off;
    kyso::verify_pdf(pdf, &o).unwrap()
}

/// An RGBA PNG of one colour with a transparent left half; `ppm` pixels per metre if given.
fn png(w: u32, h: u32, rgb: [u8; 3], ppm: Option<u32>) -> PngImage {
    PngImage::decode(&png_file(w, h, rgb, ppm)).unwrap()
}

/// The bytes of [`png`]'s image.
fn png_file(w: u32, h: u32, rgb: [u8; 3], ppm: Option<u32>) -> Vec<u8> {
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
    out
}

fn approval(rect: Rect) -> ApprovalOptions {
    ApprovalOptions {
        image: png(200, 80, [0, 51, 204], None),
        placement: Placement {
            page: Some(1),
            rect: Some(rect),
            ..Default::default()
        },
        stretch: false,
    }
}

fn issuance() -> IssuanceOptions {
    IssuanceOptions {
        // 360 px at 10000 px/m: 36 mm.
        seal: png(360, 360, [218, 0, 0], Some(10_000)),
        seal_width_mm: None,
        placement: Placement::default(),
        organization: None,
        doc_number: None,
        issued_date: None,
        font: None,
    }
}

fn widget_rects(pdf: &[u8]) -> Vec<Rect> {
    let doc = kyso_pdf::load_document(pdf).unwrap();
    kyso_pdf::find_signatures(&doc)
        .iter()
        .map(|s| Rect::from_corners(s.rect.unwrap()))
        .collect()
}

#[test]
fn approval_then_issuance_both_valid_with_roles_and_the_seal_on_the_left_third() {
    let options = PadesOptions::new(kyso::signing_time_now());
    let a_rect = Rect::new(350.0, 150.0, 150.0, 60.0);
    let signed =
        workflows::sign_approval(&sample_pdf(), &signer(), &approval(a_rect), &options).unwrap();
    let sealed =
        workflows::sign_issuance(&signed.bytes, &organization(), &issuance(), &options).unwrap();
    assert!(sealed.bytes.starts_with(&signed.bytes));

    let report = verify(&sealed.bytes);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    let roles: Vec<&str> = report.signatures.iter().map(|s| s.role.as_str()).collect();
    assert_eq!(roles, ["approval", "issuance"]);

    let rects = widget_rects(&sealed.bytes);
    assert_eq!(rects[0], a_rect);
    let seal = rects[1];
    // Real size: 36 mm = 102.05 pt, square.
    assert!((seal.width - 36.0 * 72.0 / 25.4).abs() < 0.01, "{seal:?}");
    assert!((seal.height - seal.width).abs() < 0.01);
    // Right edge at the left third of the approval image, vertically centred on it.
    assert!(
        (seal.right() - (a_rect.x + a_rect.width / 3.0)).abs() < 0.01,
        "{seal:?}"
    );
    let mid = |r: Rect| r.y + r.height / 2.0;
    assert!((mid(seal) - mid(a_rect)).abs() < 0.01);

    // The approval's appearance draws its image; the signature dictionaries carry the role.
    let text = String::from_utf8_lossy(&sealed.bytes);
    assert!(text.contains("/KysoRole /approval") || text.contains("/KysoRole/approval"));
    assert!(text.contains("/Prop_Build"));
}

#[test]
fn the_seal_signed_with_a_personal_certificate_is_refused() {
    // Decree 68 / Gia Lai Art. 9: the organisation signature is the clerk's, with the
    // organisation certificate; a person's certificate is outside its scope there.
    let options = PadesOptions::new(kyso::signing_time_now());
    let a_rect = Rect::new(350.0, 150.0, 150.0, 60.0);
    let signed =
        workflows::sign_approval(&sample_pdf(), &signer(), &approval(a_rect), &options).unwrap();
    // kyso refuses to make such a signature, with the profile's reason …
    let err =
        workflows::sign_issuance(&signed.bytes, &signer(), &issuance(), &options).unwrap_err();
    match &err {
        kyso::Error::Sign(kyso_sign::SignError::CertificateRefused(r)) => {
            assert_eq!(r[0].code, "PROFILE_ROLE_CERTIFICATE", "{err}");
        }
        other => panic!("expected a refusal, got {other}"),
    }
    assert_eq!(err.code(), 5004);
    // … and so does an approval with the organisation's certificate.
    let err = workflows::sign_approval(&sample_pdf(), &organization(), &approval(a_rect), &options)
        .unwrap_err();
    assert_eq!(err.code(), 5004, "{err}");

    // Made by another tool all the same (the plan and the low-level signer, which apply no
    // profile), the seal is refused by the verifier.
    let planned = kyso_sign::workflow::plan(
        &signed.bytes,
        &kyso_sign::Workflow::Issuance(issuance()),
        &options,
    )
    .unwrap();
    let sealed = kyso_sign::sign_pdf(&signed.bytes, &signer(), &planned).unwrap();
    let report = verify(&sealed.bytes);
    assert_eq!(report.verdict, Verdict::Invalid, "{}", report.to_json());
    let issuance = &report.signatures[1];
    assert_eq!(
        issuance.checks.policy,
        kyso_verify::report::CheckStatus::Failed
    );
    assert!(
        issuance
            .reasons
            .iter()
            .any(|r| r.code == "PROFILE_ROLE_CERTIFICATE")
    );
    // The approval itself is in scope.
    assert_eq!(
        report.signatures[0].checks.policy,
        kyso_verify::report::CheckStatus::Passed
    );
}

#[test]
fn a_rectangle_over_another_signature_is_refused_unless_allowed() {
    let options = PadesOptions::new(kyso::signing_time_now());
    let first = workflows::sign_approval(
        &sample_pdf(),
        &signer(),
        &approval(Rect::new(350.0, 150.0, 150.0, 60.0)),
        &options,
    )
    .unwrap();
    let over = approval(Rect::new(400.0, 170.0, 150.0, 60.0));
    let err = workflows::sign_approval(&first.bytes, &signer(), &over, &options).unwrap_err();
    assert!(err.to_string().contains("Signature1"), "{err}");
    let mut allowed = over.clone();
    allowed.placement.allow_overlap = true;
    let second = workflows::sign_approval(&first.bytes, &signer(), &allowed, &options).unwrap();
    assert_eq!(verify(&second.bytes).verdict, Verdict::Valid);
    // A seal needs an approval signature (or a rectangle) to go on.
    let err = workflows::sign_issuance(&sample_pdf(), &organization(), &issuance(), &options)
        .unwrap_err();
    assert!(err.to_string().contains("approval"), "{err}");
    // An approval needs its rectangle.
    let mut no_rect = approval(Rect::new(0.0, 0.0, 1.0, 1.0));
    no_rect.placement.rect = None;
    assert!(workflows::sign_approval(&sample_pdf(), &signer(), &no_rect, &options).is_err());
}

#[test]
fn attachment_block_sits_at_the_top_right_of_page_one() {
    let font = TextFont::builtin().unwrap();
    let options = PadesOptions::new(kyso::signing_time_now());
    let att = AttachmentOptions {
        doc_number: "125/QĐ-UBND".into(),
        font,
        placement: Placement::default(),
    };
    let signed =
        workflows::sign_attachment(&sample_pdf(), &organization(), &att, &options).unwrap();
    let report = verify(&signed.bytes);
    assert_eq!(report.verdict, Verdict::Valid, "{}", report.to_json());
    assert_eq!(report.signatures[0].role, "attachment");
    let r = widget_rects(&signed.bytes)[0];
    assert!(r.x > 595.0 / 2.0 && r.y > 842.0 / 2.0, "{r:?}");
    assert!(
        r.right() <= 595.0 - 40.0 && r.top() <= 842.0 - 20.0,
        "{r:?}"
    );
    // Two lines of 10 pt text.
    assert!((r.height - 28.0).abs() < 0.01, "{r:?}");
    // The built-in font, subset: the file grows by the signature and a few kilobytes of font.
    let text = String::from_utf8_lossy(&signed.bytes);
    assert!(text.contains("+LiberationSerif"), "no subset font");
    let grown = signed.bytes.len() - sample_pdf().len();
    assert!(grown < 40_000, "the signed file grew by {grown} bytes");
    assert!(signed.warnings.is_empty(), "{:?}", signed.warnings);
}

#[test]
fn a_seal_png_without_phys_is_drawn_36_mm_wide_with_a_warning() {
    let options = PadesOptions::new(kyso::signing_time_now());
    let a_rect = Rect::new(350.0, 150.0, 150.0, 60.0);
    let signed =
        workflows::sign_approval(&sample_pdf(), &signer(), &approval(a_rect), &options).unwrap();
    assert!(signed.warnings.is_empty());
    let mut seal = issuance();
    seal.seal = png(500, 500, [218, 0, 0], None);
    seal.organization = Some("Ủy ban nhân dân tỉnh Gia Lai".into());
    let sealed = workflows::sign_issuance(&signed.bytes, &organization(), &seal, &options).unwrap();
    assert_eq!(verify(&sealed.bytes).verdict, Verdict::Valid);
    let codes: Vec<&str> = sealed.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, [workflows::SEAL_SIZE_ASSUMED]);
    assert!(sealed.warnings[0].vi.contains("36 mm"));
    // The seal is 36 mm high (the widget also holds the organisation's name on its left).
    let widget = widget_rects(&sealed.bytes)[1];
    let mm = workflows::DEFAULT_SEAL_DIAMETER_MM * 72.0 / 25.4;
    assert!((widget.height - mm).abs() < 0.01, "{widget:?}");
    assert!(
        (widget.right() - (a_rect.x + a_rect.width / 3.0)).abs() < 0.01,
        "{widget:?}"
    );
    // In a rectangle the caller gives, the seal is fitted to it: nothing is assumed.
    let mut in_rect = seal.clone();
    in_rect.placement.rect = Some(Rect::new(300.0, 150.0, 200.0, 60.0));
    let fitted =
        workflows::sign_issuance(&signed.bytes, &organization(), &in_rect, &options).unwrap();
    assert!(fitted.warnings.is_empty(), "{:?}", fitted.warnings);
    // A width the caller gives needs no warning.
    seal.seal_width_mm = Some(40.0);
    let given = workflows::sign_issuance(&signed.bytes, &organization(), &seal, &options).unwrap();
    assert!(given.warnings.is_empty(), "{:?}", given.warnings);
    assert!((widget_rects(&given.bytes)[1].height - 40.0 * 72.0 / 25.4).abs() < 0.01);
}

#[test]
fn json_signing_reports_the_assumed_seal_size_and_uses_the_built_in_font() {
    let work = common::work_dir();
    let dir = tempfile::tempdir().unwrap();
    let signature = dir.path().join("chu-ky.png");
    let seal = dir.path().join("con-dau.png");
    std::fs::write(&signature, png_file(200, 80, [0, 51, 204], None)).unwrap();
    std::fs::write(&seal, png_file(400, 400, [218, 0, 0], None)).unwrap();
    let json = |p12: &str, profile: &str| {
        serde_json::json!({
            "signer": {"p12": {"path": work.join("pki").join(p12), "password": "kyso-test"}},
            "profile": profile,
            "image": if profile == "approval" { &signature } else { &seal },
            "rect": "350,150,150,60",
            "doc_number": "Phụ lục 12/QĐ-UBND",
        })
        .to_string()
    };
    let approved = kyso::sign_pdf_json(&sample_pdf(), &json("ca-nhan.p12", "approval")).unwrap();
    let result = kyso::SignResult::of(&approved);
    assert!(result.warnings.is_empty());
    assert_eq!(result.size, approved.bytes.len());
    let mut issuance: serde_json::Value =
        serde_json::from_str(&json("to-chuc.p12", "issuance")).unwrap();
    issuance.as_object_mut().unwrap().remove("rect");
    let sealed = kyso::sign_pdf_json(&approved.bytes, &issuance.to_string()).unwrap();
    let result: serde_json::Value =
        serde_json::from_str(&kyso::SignResult::of(&sealed).to_json()).unwrap();
    assert_eq!(result["field"], "Signature2");
    assert_eq!(result["warnings"][0]["code"], "SEAL_SIZE_ASSUMED");
    assert_eq!(result["warnings"][0]["severity"], "warning");
    assert!(
        result["warnings"][0]["vi"]
            .as_str()
            .unwrap()
            .contains("pHYs")
    );
    assert!(
        result["warnings"][0]["en"]
            .as_str()
            .unwrap()
            .contains("36 mm")
    );
    // A text block with no font given: the built-in one.
    let attached = kyso::sign_pdf_json(&sample_pdf(), &json("to-chuc.p12", "attachment")).unwrap();
    assert!(String::from_utf8_lossy(&attached.bytes).contains("+LiberationSerif"));
}

#[test]
fn a_font_file_must_have_every_vietnamese_letter() {
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kyso-sign/fonts/LiberationSerif-Regular.ttf");
    let font = workflows::load_font(&shipped).unwrap();
    assert_eq!(font.postscript_name(), "LiberationSerif");
    // The same font without its character map (a subset, as embedded in PDFs) writes nothing.
    let bytes = std::fs::read(&shipped).unwrap();
    let mut glyphs = subsetter::GlyphRemapper::new();
    glyphs.remap(36);
    let subset = subsetter::subset(&bytes, 0, &glyphs).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("subset.ttf");
    std::fs::write(&path, subset).unwrap();
    let err = workflows::load_font(&path).unwrap_err().to_string();
    assert!(err.contains("Ụ") && err.contains("subset.ttf"), "{err}");
    let mut request = workflows::ProfileRequest::new(workflows::Role::Attachment);
    request.doc_number = Some("125/QĐ-UBND".into());
    request.font = Some(path);
    assert!(request.workflow().is_err());
    request.font = None;
    assert!(request.workflow().is_ok());
}

#[test]
fn profile_requests_check_what_each_profile_needs() {
    use kyso::workflows::{ProfileRequest, Role, copy_type, parse_rect};
    assert!(ProfileRequest::new(Role::Approval).workflow().is_err());
    assert!(ProfileRequest::new(Role::Attachment).workflow().is_err());
    assert_eq!(copy_type("sao lục").unwrap(), "SAO LỤC");
    assert_eq!(copy_type("trich-sao").unwrap(), "TRÍCH SAO");
    assert!(copy_type("bản chính").is_err());
    assert_eq!(
        parse_rect("10,20.5,30,40").unwrap(),
        Rect::new(10.0, 20.5, 30.0, 40.0)
    );
    assert!(parse_rect("10,20,-30,40").is_err());
    assert!(parse_rect("10,20,30").is_err());
}
