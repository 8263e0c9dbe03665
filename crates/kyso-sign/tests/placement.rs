//! Automatic placement of the attachment and copy blocks: into blank space, off the letterhead,
//! on upright and turned pages; an explicit rectangle is never moved; a page with no blank place
//! keeps the usual place with a warning. (Rendered pages are checked by tests/render.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kyso_pdf::lopdf::{Dictionary, Document, Object, Stream, dictionary};
use kyso_sign::appearance::{PageGeometry, Rect, TextFont};
use kyso_sign::workflow::{
    AttachmentOptions, CopyOptions, IncomeOptions, PLACEMENT_OVERLAPS_TEXT, Placement, Workflow,
    plan_workflow,
};
use kyso_sign::{PadesOptions, SigningTime};

/// A one-page A4 PDF (`/Rotate rotate`) drawing `content` with Helvetica as /F1 and a 1×1
/// image as /Im1.
fn pdf(content: &str, rotate: i64) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        vec![0],
    ));
    let contents = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Rotate" => rotate,
        "Resources" => dictionary! {
            "Font" => dictionary! { "F1" => font },
            "XObject" => dictionary! { "Im1" => image },
        },
        "Contents" => contents,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn attachment(rect: Option<Rect>) -> Workflow {
    Workflow::Attachment(AttachmentOptions {
        doc_number: "125/QĐ-UBND".into(),
        font: TextFont::builtin().unwrap(),
        placement: Placement {
            rect,
            ..Default::default()
        },
    })
}

fn copy() -> Workflow {
    Workflow::Copy(CopyOptions {
        copy_type: "SAO Y".into(),
        organization: "Văn phòng Ủy ban nhân dân tỉnh Gia Lai".into(),
        font: TextFont::builtin().unwrap(),
        placement: Placement::default(),
    })
}

/// The planned widget rectangle (user space) and warning codes.
fn plan(pdf: &[u8], workflow: &Workflow) -> (Rect, Vec<String>) {
    let options = PadesOptions::new(SigningTime {
        unix_seconds: 1_736_240_552,
        offset_minutes: 420,
    });
    let planned = plan_workflow(pdf, workflow, &options).unwrap();
    let codes = planned.warnings.iter().map(|w| w.code.clone()).collect();
    (Rect::from_corners(planned.options.rect), codes)
}

/// Text boxes of page 1 hit by `r` (user space).
fn covered(pdf: &[u8], r: Rect) -> Vec<[f32; 4]> {
    let doc = kyso_pdf::load_document(pdf).unwrap();
    kyso_pdf::page_content_boxes(&doc, 1)
        .unwrap()
        .boxes
        .into_iter()
        .map(|b| b.rect)
        .filter(|b| Rect::from_corners(*b).overlap_area(&r) > 0.0)
        .collect()
}

/// A Decree 30 header whose right column starts 12 mm from the top: the national title, the
/// motto and the date line, where the block would go.
const LETTERHEAD: &str = "BT /F1 12 Tf 318 800 Td (CONG HOA XA HOI CHU NGHIA VIET NAM) Tj ET \
    BT /F1 12 Tf 360 784 Td (Doc lap - Tu do - Hanh phuc) Tj ET \
    BT /F1 12 Tf 340 750 Td (Gia Lai, ngay 24 thang 11 nam 2026) Tj ET \
    BT /F1 12 Tf 72 800 Td (UBND TINH GIA LAI) Tj ET \
    BT /F1 12 Tf 72 650 Td (Kinh gui: cac co quan, don vi.) Tj ET";

#[test]
fn a_page_without_text_at_the_top_right_keeps_the_usual_place() {
    let (empty, warnings) = plan(&pdf("", 0), &attachment(None));
    assert!(warnings.is_empty());
    // 15 mm from the right edge, 8 mm from the top.
    assert!((empty.right() - (595.0 - 42.52)).abs() < 0.01, "{empty:?}");
    assert!((empty.top() - (842.0 - 22.68)).abs() < 0.01, "{empty:?}");
    // Text on the left, as on the test suite's sample pages, changes nothing.
    let plain = pdf(
        "BT /F1 16 Tf 72 760 Td (Cong van so 123/SKHCN) Tj ET \
         BT /F1 11 Tf 72 730 Td (Ve viec: thu nghiem ky so kyso) Tj ET",
        0,
    );
    assert_eq!(plan(&plain, &attachment(None)), (empty, vec![]));
}

#[test]
fn the_block_moves_off_the_letterhead() {
    let letter = pdf(LETTERHEAD, 0);
    for workflow in [attachment(None), copy()] {
        let (usual, _) = plan(&pdf("", 0), &workflow);
        assert!(
            !covered(&letter, usual).is_empty(),
            "the usual place is on the letterhead"
        );
        let (r, warnings) = plan(&letter, &workflow);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(covered(&letter, r), Vec::<[f32; 4]>::new(), "{r:?}");
        // Still at the right margin, under the date line, above the body.
        assert!((r.right() - usual.right()).abs() < 0.01, "{r:?}");
        assert!(r.top() < 747.0 && r.y > 662.0, "{r:?}");
    }
}

#[test]
fn the_incoming_stamp_moves_off_the_organisation_name() {
    let income = Workflow::Income(IncomeOptions {
        organization: "Sở Nội vụ tỉnh Gia Lai".into(),
        income_number: "1234".into(),
        received: None,
        font: TextFont::builtin().unwrap(),
        placement: Placement::default(),
    });
    // The left column of the header: the organisations and the document number.
    let letter = pdf(
        "BT /F1 12 Tf 72 800 Td (UBND TINH GIA LAI) Tj ET \
         BT /F1 12 Tf 60 784 Td (SO KHOA HOC VA CONG NGHE) Tj ET \
         BT /F1 12 Tf 72 750 Td (So: 125/SKHCN-VP) Tj ET \
         BT /F1 12 Tf 72 650 Td (Kinh gui: cac co quan, don vi.) Tj ET",
        0,
    );
    let (usual, _) = plan(&pdf("", 0), &income);
    assert!(
        !covered(&letter, usual).is_empty(),
        "the usual place is on the header"
    );
    let (r, warnings) = plan(&letter, &income);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(covered(&letter, r).is_empty(), "{r:?}");
    // Still at the left margin, between the number and the body.
    assert!(
        (r.x - usual.x).abs() < 0.01 && r.top() < 747.0 && r.y > 662.0,
        "{r:?}"
    );
}

#[test]
fn a_turned_page_is_searched_as_seen() {
    // /Rotate 90: the visual top right is the user-space top left (see PageGeometry). The
    // letterhead drawn turned, its lines along the user-space y axis near x = 0.
    let turned = "q 0 1 -1 0 0 0 cm BT /F1 12 Tf 600 -30 Td (CONG HOA XA HOI CHU NGHIA VIET NAM) Tj ET \
        BT /F1 12 Tf 620 -70 Td (Gia Lai, ngay 24 thang 11 nam 2026) Tj ET Q";
    let letter = pdf(turned, 90);
    let (usual, _) = plan(&pdf("", 90), &attachment(None));
    assert!(
        !covered(&letter, usual).is_empty(),
        "the usual place is on the letterhead"
    );
    let (r, warnings) = plan(&letter, &attachment(None));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(covered(&letter, r).is_empty(), "{r:?}");
    let doc = kyso_pdf::load_document(&letter).unwrap();
    let g = PageGeometry::of_page(&doc, 1).unwrap();
    let (v, u) = (g.to_visual(r), g.to_visual(usual));
    assert!(
        (v.right() - u.right()).abs() < 0.01 && v.y < u.y,
        "{v:?} {u:?}"
    );
}

#[test]
fn a_given_rectangle_is_never_moved() {
    let letter = pdf(LETTERHEAD, 0);
    let given = Rect::new(330.0, 790.0, 200.0, 30.0);
    assert_eq!(plan(&letter, &attachment(Some(given))), (given, vec![]));
}

#[test]
fn a_scanned_page_keeps_the_usual_place_with_a_warning() {
    let scan = pdf("q 595 0 0 842 0 0 cm /Im1 Do Q", 0);
    let (usual, _) = plan(&pdf("", 0), &attachment(None));
    let (r, warnings) = plan(&scan, &attachment(None));
    assert_eq!(
        (r, warnings),
        (usual, vec![PLACEMENT_OVERLAPS_TEXT.to_string()])
    );
}

#[test]
fn a_scan_with_a_blank_top_band_takes_it() {
    // The image stops 50 pt below the top edge: the block (28 pt high) fits above it, 3 pt
    // clear of it and 5 mm from the edge.
    let scan = pdf("q 540 0 0 750 27 42 cm /Im1 Do Q", 0);
    let (r, warnings) = plan(&scan, &attachment(None));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(r.y >= 795.0 - 0.01 && r.top() <= 842.0 - 14.1, "{r:?}");
}
