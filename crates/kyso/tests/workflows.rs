//! The Decree 30 workflows end to end through the facade: approval then issuance keeps both
//! signatures valid, the seal lands on the left third of the approval image, roles are reported,
//! and misplaced rectangles are refused. (Pixels and text positions are checked on real renders
//! by tests/render/render-test.sh.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use kyso::demo::{DemoPki, sample_pdf};
use kyso::token::SoftwareSigner;
use kyso::workflows::{
    self, ApprovalOptions, AttachmentOptions, IssuanceOptions, Placement, PngImage, Rect,
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
    PngImage::decode(&out).unwrap()
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
    let sealed = workflows::sign_issuance(&signed.bytes, &signer(), &issuance(), &options).unwrap();
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
    assert!(workflows::sign_issuance(&sample_pdf(), &signer(), &issuance(), &options).is_err());
    // An approval needs its rectangle.
    let mut no_rect = approval(Rect::new(0.0, 0.0, 1.0, 1.0));
    no_rect.placement.rect = None;
    assert!(workflows::sign_approval(&sample_pdf(), &signer(), &no_rect, &options).is_err());
}

#[test]
fn attachment_block_sits_at_the_top_right_of_page_one() {
    let font = match workflows::find_font() {
        Ok(f) => f,
        Err(e) => {
            assert!(
                std::env::var_os("KYSO_TEST_WORK").is_none(),
                "no font for the attachment test: {e}"
            );
            eprintln!("skipped: {e}");
            return;
        }
    };
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
