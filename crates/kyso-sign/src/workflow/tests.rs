//! Unit tests of the workflows: times, seal sizes, role names.
use super::*;

#[test]
fn time_is_shown_in_vietnam_time() {
    // 2025-01-07T09:02:32Z is 16:02:32 in Hà Nội.
    let t = SigningTime {
        unix_seconds: 1_736_240_552,
        offset_minutes: 420,
    };
    assert_eq!(
        format_time(t).unwrap_or_default(),
        "07/01/2025 16:02:32 +07:00"
    );
}

fn seal(pixels_per_metre: Option<(u32, u32)>, seal_width_mm: Option<f32>) -> IssuanceOptions {
    IssuanceOptions {
        seal: PngImage {
            width: 400,
            height: 400,
            rgb: [218, 0, 0].repeat(400 * 400),
            alpha: None,
            pixels_per_metre,
        },
        seal_width_mm,
        placement: Placement::default(),
        organization: None,
        doc_number: None,
        issued_date: None,
        font: None,
    }
}

#[test]
fn a_seal_without_phys_is_drawn_at_the_default_size_with_a_warning() {
    let (mm, warning) = seal_width_mm(&seal(None, None)).unwrap_or((0.0, None));
    assert_eq!(mm, DEFAULT_SEAL_DIAMETER_MM);
    let Some(warning) = warning else {
        panic!("a seal without pHYs gives no warning");
    };
    assert_eq!(warning.code, SEAL_SIZE_ASSUMED);
    assert_eq!(warning.severity, kyso_policy::reason::Severity::Warning);
    assert!(
        warning.vi.contains("36 mm") && warning.vi.contains("pHYs"),
        "{warning:?}"
    );
    assert!(
        warning.en.contains("36 mm") && warning.en.contains("no pHYs"),
        "{warning:?}"
    );
}

#[test]
fn a_seal_size_from_phys_or_the_caller_needs_no_warning() {
    // 400 px at 11111 px/m: 36 mm.
    let (mm, warning) = seal_width_mm(&seal(Some((11_111, 11_111)), None)).unwrap_or_default();
    assert!(
        (mm - 36.0).abs() < 0.01 && warning.is_none(),
        "{mm} {warning:?}"
    );
    // The caller's width wins over pHYs.
    let given = seal_width_mm(&seal(Some((11_111, 11_111)), Some(42.0))).unwrap_or_default();
    assert_eq!(given, (42.0, None));
    // A width no seal has, given by the caller, is a mistake to report.
    assert!(seal_width_mm(&seal(None, Some(0.5))).is_err());
    assert!(seal_width_mm(&seal(None, Some(f32::NAN))).is_err());
}

#[test]
fn an_image_editor_resolution_is_not_taken_for_the_seal_size() {
    // 72 dpi (2835 px/m): 400 px would be a 141 mm seal.
    let (mm, warning) = seal_width_mm(&seal(Some((2835, 2835)), None)).unwrap_or_default();
    assert_eq!(mm, DEFAULT_SEAL_DIAMETER_MM);
    let warning = warning.map(|w| (w.code, w.en)).unwrap_or_default();
    assert_eq!(warning.0, SEAL_SIZE_ASSUMED);
    assert!(warning.1.contains("141 mm"), "{}", warning.1);
}

#[test]
fn role_names_round_trip() {
    for r in [
        Role::Approval,
        Role::Issuance,
        Role::Attachment,
        Role::Copy,
        Role::Appendix,
        Role::Income,
        Role::Comment,
    ] {
        assert_eq!(Role::from_name(r.as_str()), Some(r));
    }
    assert_eq!(Role::from_name("certification"), None);
}
